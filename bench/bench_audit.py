"""Benchmark: audit throughput (networks decided per second per core) vs the grid163 protocol.

Runs `certify audit` machinery on N He-ReLU networks of a given width with 1 and 2 worker
processes, with and without the kernel self-check of each verdict, and extrapolates the time of
100,000 networks. Target (issue 4): 100,000 width-64 networks in <= 5 minutes on 2 cores.

    python bench/bench_audit.py [--n 2000] [--width 64]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time

from certify.arith import Budget
from certify.ensembles.audit import Audit, network, run_audit
from certify.ensembles.protocols import detect


def timed_run(n, width, workers, self_check):
    out = tempfile.mkdtemp(prefix="certify-bench-")
    try:
        audit = Audit("relu", "he", [width], [1.0], n, 20261122, budget=Budget(seconds=30, self_check=self_check))
        t0 = time.perf_counter()
        s = run_audit(audit, out, workers=workers)
        dt = time.perf_counter() - t0
    finally:
        shutil.rmtree(out, ignore_errors=True)
    row = s["rows"][0]
    return dt, row


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--width", type=int, default=64)
    args = ap.parse_args(argv)
    print(f"He ReLU width {args.width}, bias U(+-1/sqrt(fan_in)), seed 20261122, N = {args.n}; {os.cpu_count()} cores")
    print(f"{'engine':34} {'seconds':>8} {'nets/s':>8} {'nets/s/core':>11} {'100k nets':>10}  verdicts")
    for workers in (1, 2):
        for self_check in (False, True):
            dt, row = timed_run(args.n, args.width, workers, self_check)
            rate = args.n / dt
            label = f"certify, {workers} process(es), self-check {'on' if self_check else 'off'}"
            print(f"{label:34} {dt:8.2f} {rate:8.1f} {rate / workers:11.1f} {100_000 / rate / 60:8.1f} min"
                  f"  proved {row['proved']} refuted {row['refuted']} undecided {row['undecided']}")
    audit = Audit("relu", "he", [args.width], [1.0], args.n, 20261122)
    nets = [network(audit.laws[0], 20261122, 0, i) for i in range(args.n)]
    t0 = time.perf_counter()
    flagged = sum(detect("grid163", w) for w in nets)
    dt = time.perf_counter() - t0
    print(f"{'grid163 protocol, 1 process':34} {dt:8.2f} {args.n / dt:8.1f} {args.n / dt:11.1f} "
          f"{100_000 / (args.n / dt) / 60:8.1f} min  flagged {flagged}")
    print("target: 100,000 width-64 networks <= 5 min on 2 cores (certify, 2 processes)")


if __name__ == "__main__":
    main()
