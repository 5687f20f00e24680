#!/usr/bin/env python
"""Hostile inputs to `certify check`: time and peak memory of each, against the 2 s / 200 MB target.

Each hostile file is checked in a fresh child process (`python -m certify.cli check FILE`), guarded
by RLIMIT_AS = 1 GB and RLIMIT_CPU = --cpu seconds; the table gives the child's exit code, CPU
seconds (user + sys), wall seconds, peak RSS (getrusage of that child, via os.wait4) and its one
line of output. The first row is a small valid certificate: the start-up cost (importing sympy and
python-flint) every row includes. "ok" means exit 0/1/2, one line, no traceback, CPU <= 2 s and
RSS <= 200 MB; "over" means within the guards but beyond the target; "KILLED" hit a guard.

    python bench/bench_hostile.py              # all cases
    python bench/bench_hostile.py --only deep  # cases whose name contains 'deep'
    python bench/bench_hostile.py --json out.json

Rows marked `kernel` hold evidence counts (rounds, p, lap steps, ...) that only the kernel can bound;
they meet the target once certify/checker/limits.py caps are wired into the kernel's fact checks.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import pathlib
import resource
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's certify (the children get it through PYTHONPATH)
PROOFS = ROOT / "proofs"
TARGET_CPU, TARGET_MB = 2.0, 200.0
MB = 2**20


def _cert(name: str) -> dict:
    return json.loads((PROOFS / name).read_text())


def _dump(obj) -> bytes:
    return json.dumps(obj).encode()


def _with(name: str, edit) -> bytes:
    c = _cert(name)
    edit(c)
    return _dump(c)


def _set(path, value):
    def edit(c):
        d = c
        for k in path[:-1]:
            d = d[k]
        d[path[-1]] = value
    return edit


def _expr(text: str) -> bytes:
    return _with("tent_s8_5_no_period3.cert.json", _set(["map", "canonical", "expr"], text))


def _terms(template: str, limit: int = 10_000) -> str:
    """A sum of distinct terms, as long as the expression limits (characters, operations) allow."""
    from certify.certificates.limits import check_expression
    from certify.errors import CertifyError

    def fits(text):
        try:
            check_expression(text, "e", frozenset({"x"}), frozenset({"Max", "tanh", "exp"}))
        except CertifyError:
            return False
        return len(text) <= limit

    out, k = [], 2
    while fits(" + ".join(out + [template.format(k=k)])):
        out.append(template.format(k=k))
        k += 1
    return " + ".join(out)


def cases():
    """(name, kind, bytes or a path): kind 'input' for the reading layer, 'kernel' for evidence counts."""
    head = b'{"schema": "certify/1", "x": '
    one_mb = 1 << 20
    deep = one_mb // 2
    yield "small certificate (baseline)", "baseline", (PROOFS / "tent_s8_5_no_period3.cert.json").read_bytes()
    yield "48 kB certificate (baseline)", "baseline", (PROOFS / "he_relu16_gain_onset.cert.json").read_bytes()
    yield "0.7 MB certificate (baseline)", "baseline", (PROOFS / "tanh_family_period3_onset.cert.json").read_bytes()
    yield "1 MB deep nesting [[[...]]]", "input", b"[" * deep + b"]" * deep
    yield "1 MB deep nesting in a certificate", "input", head + b"[" * (deep - 20) + b"]" * (deep - 20) + b"}"
    yield "1 MB of '{' (truncated, deep)", "input", b"{" * one_mb
    yield "1 MB integer", "input", head + b"9" * (one_mb - 40) + b"}"
    yield "1 MB integer string as a rational", "input", _with(
        "tent_s8_5_no_period3.cert.json", _set(["evidence", 0, "region", "hi"], "7" * (one_mb - 2000)))
    yield "1 MB string", "input", head + b'"' + b"a" * (one_mb - 40) + b'"}'
    yield "1 MB array of zeros", "input", head + b"[" + b"0," * (one_mb // 2 - 30) + b"0]}"
    yield "1 MB array of empty objects", "input", head + b"[" + b"{}," * (one_mb // 3 - 20) + b"{}]}"
    yield "/dev/zero", "input", pathlib.Path("/dev/zero")
    yield "17 MB file", "input", head + b'"' + b"a" * (17 * MB) + b'"}'
    yield "invalid UTF-8", "input", b'{"schema": "certify/1", "\xff\xfe": 1}'
    yield "NaN literal", "input", _with("tent_s8_5_no_period3.cert.json", _set(["precision"], float("nan")))
    yield "Infinity literal", "input", _with("tent_s8_5_no_period3.cert.json", _set(["precision"], float("inf")))
    yield "float", "input", _with("tent_s8_5_no_period3.cert.json", _set(["precision"], 64.5))
    yield "duplicate keys", "input", b'{"schema": "certify/1", "verdict": "proved", "verdict": "refuted"}'
    yield "Arabic-Indic digits in a rational", "input", _with(
        "tent_s8_5_no_period3.cert.json", _set(["evidence", 0, "region", "hi"], "\u0661\u0663/\u0661\u0666"))
    yield "truncated certificate", "input", (PROOFS / "tent_s8_5_no_period3.cert.json").read_bytes()[:500]
    yield "claim is a list", "input", _with("tent_s8_5_no_period3.cert.json", _set(["claim"], [1, 2]))
    yield "evidence is a string", "input", _with("tent_s8_5_no_period3.cert.json", _set(["evidence"], "x"))
    yield "map is a number", "input", _with("tent_s8_5_no_period3.cert.json", _set(["map"], 7))
    yield "expr x**(10**9)", "input", _expr("x**(10**9)")
    yield "expr power tower 2**2**2**2**2**2", "input", _expr("x*2**2**2**2**2**2")
    yield "expr 10**(10**6)*x", "input", _expr("10**(10**6)*x")
    yield "expr tanh nested 14 deep", "input", _expr("tanh(" * 14 + "x" + ")" * 14)
    yield "expr parentheses 5000 deep", "input", _expr("(" * 5000 + "x" + ")" * 5000)
    yield "expr exp(10**6*log(x))", "input", _expr("exp(1000000*log(x))")
    yield "expr sqrt of a 4000-digit number", "input", _expr(f"sqrt({'7' * 3999})*x")
    yield "expr 60k characters", "input", _expr("+".join(["x"] * 30000))
    yield "expr 1100 operations", "input", _expr("+".join(["x"] * 1100))
    yield "expr: most Max terms allowed", "input", _expr(_terms("{k}*Max(0, x - 1/{k})"))
    yield "expr: most depth-3 tanh/exp chains allowed", "input", _expr(_terms("tanh(1/(1 + exp(-tanh(x + 1/{k}))))"))
    yield "expr: most tanh terms allowed", "input", _expr(_terms("{k}*tanh(x/{k} - 1/3)"))
    yield "expr: most rational terms allowed", "input", _expr(_terms("x/(x**2 + {k})"))
    yield "rnn1d 5000 units", "input", _with("relu_tent_net_period3.cert.json", lambda c: c["map"]["canonical"].update(
        w=["1"] * 5000, b=["0"] * 5000, a=["1"] * 5000))
    yield "precision 10**100", "input", _with("tent_s8_5_no_period3.cert.json", _set(["precision"], 10**100))
    yield "region rounds 10**9", "kernel", _with("tent_s8_5_no_period3.cert.json",
                                                 _set(["evidence", 0, "rounds"], 10**9))
    yield "period p = 10**6 (claim and cover)", "kernel", _with(
        "tent_s8_5_no_period3.cert.json",
        lambda c: (c["claim"].update(p=10**6), c["evidence"][1].update(p=10**6)))
    yield "oscillations upto 10**6", "kernel", _oscillations(10**6)
    yield "entropy laps n 10**9 (x/2 + 1/4)", "kernel", _laps(10**9)


def _oscillations(upto):
    """A small oscillations certificate (made here: none is committed) with its horizon raised."""
    try:
        from certify.dynamics.oscillations import oscillations
        from certify.maps import parse_map
        cert = copy.deepcopy(oscillations(parse_map("tent(s=2)"), upto=4))
    except Exception as e:  # noqa: BLE001 -- a bench row, not a proof
        return _dump({"schema": "certify/1", "error": str(e)})
    cert["claim"]["upto"] = upto
    return _dump(cert)


def _laps(n):
    """An entropy certificate of the contraction x/2 + 1/4 whose laps fact asks for f^n."""
    try:
        from certify.dynamics.entropy import entropy_bounds
        from certify.maps import parse_map
        cert = copy.deepcopy(entropy_bounds(parse_map("x/2 + 1/4")))
    except Exception as e:  # noqa: BLE001 -- a bench row, not a proof
        return _dump({"schema": "certify/1", "error": str(e)})
    cert["evidence"][0]["n"] = n
    return _dump(cert)


def run_one(path: str, cpu: int):
    """(exit code, cpu s, wall s, peak MB, stdout+stderr) of `certify check path` in a guarded child."""
    def guard():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))

    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with tempfile.TemporaryFile() as out:
        t0 = time.monotonic()
        p = subprocess.Popen([sys.executable, "-m", "certify.cli", "check", path], stdout=out, stderr=out,
                             preexec_fn=guard, env=env, cwd=str(ROOT))
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        wall = time.monotonic() - t0
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return p.returncode, ru.ru_utime + ru.ru_stime, wall, ru.ru_maxrss / 1024, text


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", help="run the cases whose name contains this text")
    ap.add_argument("--cpu", type=int, default=20, help="RLIMIT_CPU guard per child in seconds (default 20)")
    ap.add_argument("--json", help="also write the rows to this file")
    args = ap.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'case':50s} {'kind':8s} {'size':>8s} {'exit':>4s} {'cpu s':>6s} {'wall s':>6s} {'RSS MB':>7s}  "
              f"{'status':6s} output")
        for i, (name, kind, data) in enumerate(cases()):
            if args.only and args.only not in name:
                continue
            if isinstance(data, pathlib.Path):
                path, size = str(data), "-"
            else:
                path = os.path.join(tmp, f"case{i}.json")
                pathlib.Path(path).write_bytes(data)
                size = f"{len(data) / MB:.2f}M" if len(data) >= MB // 10 else f"{len(data)}B"
            code, cpu, wall, rss, text = run_one(path, args.cpu)
            lines = text.strip().splitlines()
            # exit 2: one line; exit 0/1: the OK/FAILED line first (a report's context lines may follow)
            clean = "Traceback" not in text and lines and (
                len(lines) == 1 if code == 2 else code in (0, 1) and lines[0].startswith(("OK", "FAILED")))
            status = ("ok" if cpu <= TARGET_CPU and rss <= TARGET_MB else "over") if clean else "KILLED" \
                if code < 0 or code in (137, 152) else "BAD"
            first = (lines[0] if lines else "")[:90]
            print(f"{name[:50]:50s} {kind:8s} {size:>8s} {code:>4d} {cpu:6.2f} {wall:6.2f} {rss:7.1f}  {status:6s} "
                  f"{first}", flush=True)
            rows.append({"case": name, "kind": kind, "exit": code, "cpu": round(cpu, 3), "wall": round(wall, 3),
                         "rss_mb": round(rss, 1), "status": status, "output": first})
    print(f"\ntarget: every hostile file refused in one line within {TARGET_CPU:g} s CPU and {TARGET_MB:g} MB "
          "(start-up included: see the baseline rows)")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
