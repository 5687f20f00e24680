"""Evidence (not a test): the same certify command gives a byte-identical certificate alone and
under load.

Each command runs twice with --json: once alone, once under `nice -n 19` while CPU hogs (busy
Python loops; one by default) run at normal priority. Verdicts count work, never seconds (issue 9),
so the two certificates must be identical byte for byte; the wall times differ and are printed
for information only. The cases include the three of issue 9 (sizes reduced where the full one
takes minutes under load): the tanh family's orbits, the entropy of tent(s=3/2), and high periods
of piecewise-linear maps (a width-8 ReLU network, tent(s=2)), which now end at a cell budget.

    python bench/bench_determinism.py            # the fast cases (a few minutes under load)
    python bench/bench_determinism.py --full     # also the slow ones (tanh p = 12: about a minute alone)
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shlex
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
NET8 = str(ROOT / "bench" / "relu8_net.json")  # width-8 He ReLU network (gain 1) with a period-3 orbit

CASES = [  # (fast?, certify arguments)
    (True, ["orbits", "3*tanh(3*x) - 4*tanh(x-1/2) + 1/3", "-p", "8"]),
    (False, ["orbits", "3*tanh(3*x) - 4*tanh(x-1/2) + 1/3", "-p", "12"]),
    (True, ["entropy", "tent(s=3/2)"]),
    (True, ["orbits", "tent(s=2)", "-p", "40"]),
    (True, ["orbits", "logistic(r=4)", "-p", "40"]),
    (True, ["period", NET8, "-p", "40", "--max-cells", "20000"]),
    (False, ["period", NET8, "-p", "16"]),
    (True, ["period", "3*tanh(3*x) - 9/2*tanh(x-1/2) + 1/3", "-p", "3"]),
    (False, ["threshold", "3*tanh(3*x) - g*tanh(x-1/2) + 1/3", "--param", "g", "--period", "3",
             "--range", "3,3.5"]),
    (False, ["phase", "skew_tent(aL, aR, 1)", "--x", "aL", "--y", "aR", "--range=-3,3,-3,3"]),
    (True, ["oscillations", "tent(s=17/10)", "--upto", "12"]),
]


def run(args, nice: bool):
    """(stdout bytes, exit code, wall seconds) of `certify ARGS --json`, run from the repository root."""
    cmd = [sys.executable, "-m", "certify.cli", *args, "--json"]
    if nice:
        cmd = ["nice", "-n", "19", *cmd]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    t0 = time.perf_counter()
    res = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True)
    return res.stdout, res.returncode, time.perf_counter() - t0


def hogs(n: int):
    """n busy-looping processes (the load)."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def verdict(out: bytes) -> str:
    import json
    try:
        cert = json.loads(out)
    except ValueError:
        return "(no JSON)"
    why = cert.get("reason", "")
    return cert.get("verdict", "?") + (f": {why[:60]}" if why else "")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="also the slow cases")
    ap.add_argument("--hogs", type=int, default=1, help="CPU hogs during the loaded run (default 1)")
    args = ap.parse_args(argv)
    cases = [c for fast, c in CASES if fast or args.full]
    print(f"certify determinism: each command alone, then under nice -n 19 with {args.hogs} CPU hog(s)")
    print(f"{'alone s':>8} {'loaded s':>9}  {'same bytes':10}  command -> verdict")
    same_all = True
    for c in cases:
        a_out, a_rc, a_t = run(c, nice=False)
        procs = hogs(args.hogs)
        try:
            b_out, b_rc, b_t = run(c, nice=True)
        finally:
            for p in procs:
                p.kill()
            for p in procs:
                p.wait()
        same = a_out == b_out and a_rc == b_rc and bool(a_out)
        same_all &= same
        shown = " ".join(shlex.quote(x) for x in c).replace(str(ROOT) + "/", "")
        print(f"{a_t:8.1f} {b_t:9.1f}  {'yes' if same else 'NO':10}  certify {shown} -> {verdict(a_out)}", flush=True)
    print("all certificates byte-identical" if same_all else "SOME CERTIFICATES DIFFER")
    return 0 if same_all else 1


if __name__ == "__main__":
    sys.exit(main())
