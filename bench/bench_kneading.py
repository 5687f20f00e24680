"""Benchmark: entropy to 1e-6 by the kneading determinant, against the lap / Lipschitz bounds (issue 11).

Targets: the width-64 He ReLU net with a proved period 3 (examples/he_relu64_p3_net.json, network 11 of
the fixed-seed sample of bench/bench_entropy.py) to width <= 1e-6 in <= 2 s; logistic r = 3.83 to
width <= 1e-6 in <= 5 s. Each row: the bounds, their width and the time of entropy_bounds (the
certifier, including the kernel's self-check), then `check` alone; "before" is the same call with
the kneading determinant turned off (the lap-graph / Lipschitz / odd-period bounds of before).

    python bench/bench_kneading.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from certify.certificates import q_parse
from certify.checker import check
from certify.dynamics import entropy as entropy_mod
from certify.maps import parse_map

ROOT = Path(__file__).resolve().parent
CASES = [(str(ROOT.parent / "examples" / "he_relu64_p3_net.json"), "width-64 He ReLU net (period 3)", 2.0),
         ("logistic(r=3.83)", "logistic r = 3.83", 5.0)]
TARGET_WIDTH = 1e-6


def _run(m, repeat: int):
    best, cert = None, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        cert = entropy_mod.entropy_bounds(m)
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    t1 = time.perf_counter()
    ok = check(cert).ok
    dc = time.perf_counter() - t1
    lo, hi = (q_parse(cert["bounds"][k]) for k in ("lo", "hi"))
    return float(lo), float(hi), float(hi - lo), best, dc, ok, cert


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per case (the best is shown)")
    args = ap.parse_args(argv)
    print(f"{'case':<34} {'method':<8} {'lo':>14} {'hi':>14} {'width':>9} {'time s':>7} {'check s':>7}  target")
    for spec, name, target_s in CASES:
        m = parse_map(spec)
        knead = entropy_mod._kneading
        entropy_mod._kneading = lambda *a: (None, None)
        try:
            before = _run(m, 1)
        finally:
            entropy_mod._kneading = knead
        now = _run(m, args.repeat)
        for label, r in (("before", before), ("kneading", now)):
            lo, hi, w, dt, dc, ok, _ = r
            tgt = (f"width {w / TARGET_WIDTH:.3f}x of 1e-6, time {dt / target_s:.2f}x of {target_s:g} s"
                   if label == "kneading" else "")
            print(f"{name:<34} {label:<8} {lo:>14.10f} {hi:>14.10f} {w:>9.2e} {dt:>7.2f} {dc:>7.2f}  "
                  f"{'ok' if ok else 'CHECK FAILED'} {tgt}")
        print(f"{'':<34} {'':<8} width ratio before/now {before[2] / now[2]:.3g}; "
              f"K = {next((f['K'] for f in now[6]['evidence'] if 'K' in f), '-')}, facts {[f['fact'] for f in now[6]['evidence']]}")


if __name__ == "__main__":
    main()
