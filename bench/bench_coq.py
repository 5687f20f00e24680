"""Coq checking time of exported certificates (issue 13, Speed), with a side-by-side ratio.

Prints, for this machine: the build of formal/ from clean, and `coqc` on the exports of the
committed certificates (a smooth interval proof, PL Li-Yorke / cycle / refutation proofs, the
width-64 He ReLU refutation), each against its target. Then the ratio that explains the PL
refutation's speed: the same width-16 network refuted through the table check
(check_no_period_table_sound, what certify exports) and through the plain check that re-derives
f's form from the term at every step (check_no_period_sound), run one after the other.
Figures, not assertions; CPU time of the coqc process (user + sys) and wall time.

    python bench/bench_coq.py
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import resource
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from certify.coq import coq_proof  # noqa: E402

CASES = [  # certificate, target seconds
    ("tanh_family_period3", 30, "smooth, interval"),
    ("logistic_r383_period3", 5, "polynomial, exact Li-Yorke"),
    ("relu_tent_net_period3", 5, "PL, exact Li-Yorke"),
    ("tent_s2_period5", 5, "PL, exact 5-cycle"),
    ("tent_s8_5_no_period3", 5, "PL refutation"),
    ("he_relu64_no_period3", 60, "PL refutation, width-64 He ReLU"),
]


def _run(cmd, cwd=None):
    """(wall seconds, child CPU seconds) of one command, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _coqc(tmp, name, text):
    path = pathlib.Path(tmp) / f"{name}.v"
    path.write_text(text)
    return _run(["coqc", "-R", str(ROOT / "formal"), "Certify", str(path)], cwd=tmp)


def main() -> None:
    formal = str(ROOT / "formal")
    subprocess.run(["make", "-s", "-C", formal, "clean"], check=True, capture_output=True)
    wall, cpu = _run(["make", "-s", "-C", formal])
    print(f"{'make -C formal':44s} wall {wall:6.1f} s  cpu {cpu:6.1f} s  target 120 s  ratio {cpu / 120:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, target, what in CASES:
            with open(ROOT / "proofs" / f"{name}.cert.json", encoding="utf-8") as fh:
                text = coq_proof(json.load(fh))
            wall, cpu = _coqc(tmp, name, text)
            print(f"{name + ' (' + what + ')':44s} wall {wall:6.1f} s  cpu {cpu:6.1f} s  target {target:3d} s  "
                  f"ratio {cpu / target:.2f}")
        # side by side: the table check vs the plain check, on a width-16 net (the plain one is slow)
        from certify.ensembles.audit import network
        from certify.ensembles.laws import Law
        from certify.maps import from_weights
        from certify.periodic.period import certify_period

        for index in range(100):
            cert = certify_period(from_weights(network(Law("relu", "he", 16, 1.0), 0, 0, index)), 3)
            if cert["verdict"] == "refuted":
                break
        table = coq_proof(cert)
        plain = re.sub(r"apply \(check_no_period_table_sound f 3 breaks forms cuts itineraries\)\.",
                       "apply (check_no_period_sound f 3 cuts).", table)
        assert plain != table
        t_wall, t_cpu = _coqc(tmp, "table16", table)
        p_wall, p_cpu = _coqc(tmp, "plain16", plain)
        print(f"width-16 He ReLU net #{index} refutation: table check cpu {t_cpu:.1f} s, plain check cpu {p_cpu:.1f} s, "
              f"ratio table/plain {t_cpu / p_cpu:.3f}")
    print(f"(machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; coqc {_version()})")


def _version() -> str:
    out = subprocess.run(["coqc", "--version"], capture_output=True, text=True).stdout
    m = re.search(r"version (\S+)", out)
    return m.group(1) if m else "?"


if __name__ == "__main__":
    main()
