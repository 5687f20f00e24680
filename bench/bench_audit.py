"""Benchmark: audit throughput (networks decided per second per core) vs the grid163 protocol.

Runs `certify audit` machinery on N He-ReLU networks of a given width with 1 and 2 worker
processes, with and without the kernel self-check of each verdict, and extrapolates the time of
100,000 networks; nets/cpu-s divides by the CPU seconds used (this process and its workers),
a figure that other jobs on the machine disturb much less than the wall clock. Target (issue 4): 100,000 width-64 networks in <= 5 minutes on 2 cores, i.e.
>= 334 networks/s with 2 processes. The machine's load average is printed before and after (other
jobs on the cores slow every figure down).

    python bench/bench_audit.py [--n 2000] [--width 64] [--save run.json] [--baseline old.json]
                                [--only 2-off]
    python bench/bench_audit.py --scaling 2,8,32,128,512,1024 --n 100    # per-network cost vs width
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import tempfile
import time

from certify.arith import Budget
from certify.ensembles.audit import Audit, network, run_audit
from certify.ensembles.protocols import detect


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the pool's workers, once shut down)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed_run(n, width, workers, self_check):
    """(wall seconds, CPU seconds, summary row) of one audit of n networks."""
    out = tempfile.mkdtemp(prefix="certify-bench-")
    try:
        audit = Audit("relu", "he", [width], [1.0], n, 20261122, budget=Budget(self_check=self_check))
        c0, t0 = _cpu(), time.perf_counter()
        s = run_audit(audit, out, workers=workers)
        dt, cpu = time.perf_counter() - t0, _cpu() - c0
    finally:
        shutil.rmtree(out, ignore_errors=True)
    row = s["rows"][0]
    return dt, cpu, row


def _load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--save", help="write the figures (networks/s per configuration) to this JSON file")
    ap.add_argument("--baseline", help="a JSON file written by --save: print now/baseline ratios")
    ap.add_argument("--only", help="comma-separated configurations to run, e.g. 2-off,2-on (default: all four)")
    ap.add_argument("--scaling", help="instead: per-network cost at these widths, e.g. 2,8,32,128,512,1024 "
                                      "(1 process, self-check on and off, --n networks each)")
    args = ap.parse_args(argv)
    if args.scaling:
        return scaling([int(w) for w in args.scaling.split(",")], args.n)
    base = {}
    if args.baseline:
        with open(args.baseline, encoding="utf-8") as fh:
            base = json.load(fh)["figures"]
    only = set(args.only.split(",")) if args.only else None
    load_before = _load()
    print(f"He ReLU width {args.width}, bias U(+-1/sqrt(fan_in)), seed 20261122, N = {args.n}; {os.cpu_count()} cores; "
          f"load average {load_before}")
    print(f"{'engine':38} {'seconds':>8} {'nets/s':>8} {'nets/s/core':>11} {'100k nets':>10} {'vs base':>8} "
          f"{'nets/cpu-s':>10}  verdicts")
    figures = {}

    def line(key, label, dt, cpu, workers, tail):
        rate = args.n / dt
        figures[key], figures[key + " per cpu-second"] = rate, args.n / cpu
        ratio = f"{rate / base[key]:7.2f}x" if key in base else "       -"
        print(f"{label:38} {dt:8.2f} {rate:8.1f} {rate / workers:11.1f} {100_000 / rate / 60:8.1f} min {ratio} "
              f"{args.n / cpu:10.1f}  {tail}")

    for workers in (1, 2):
        for self_check in (False, True):
            key = f"{workers}-{'on' if self_check else 'off'}"
            if only and key not in only:
                continue
            dt, cpu, row = timed_run(args.n, args.width, workers, self_check)
            line(key, f"certify, {workers} process(es), self-check {'on' if self_check else 'off'}", dt, cpu, workers,
                 f"proved {row['proved']} refuted {row['refuted']} undecided {row['undecided']}")
    audit = Audit("relu", "he", [args.width], [1.0], args.n, 20261122)
    nets = [network(audit.laws[0], 20261122, 0, i) for i in range(args.n)]
    c0, t0 = _cpu(), time.perf_counter()
    flagged = sum(detect("grid163", w) for w in nets)
    dt, cpu = time.perf_counter() - t0, _cpu() - c0
    line("grid163", "grid163 protocol, 1 process", dt, cpu, 1, f"flagged {flagged}")
    if "grid163" in figures:
        for key in ("2-off", "2-on"):
            if key in figures:
                print(f"certify ({key}) per core / grid163 per core: {figures[key] / 2 / figures['grid163']:.4f}"
                      f"  (grid163 is {figures['grid163'] / (figures[key] / 2):.0f}x faster per core, and wrong)")
    print(f"load average after: {_load()}")
    print("target: 100,000 width-64 networks <= 5 min on 2 cores (certify, 2 processes): >= 334 networks/s")
    if args.save:
        with open(args.save, "w", encoding="utf-8") as fh:
            json.dump({"n": args.n, "width": args.width, "load_before": load_before, "load_after": _load(),
                       "figures": figures,
                       "unit": "networks per second"}, fh, indent=1, sort_keys=True)
            fh.write("\n")


def scaling(widths, n):
    """Per-network cost (ms, 1 process) of exact verdicts as the width grows, self-check off and on."""
    print(f"He ReLU, bias U(+-1/sqrt(fan_in)), seed 20261122, N = {n} per width, 1 process; load average {_load()}")
    print(f"{'width':>6} {'ms/net (off)':>13} {'ms/net (on)':>12} {'grid163 ms/net':>15}  verdicts")
    for width in widths:
        off = timed_run(n, width, 1, False)
        on = timed_run(n, width, 1, True)
        audit = Audit("relu", "he", [width], [1.0], n, 20261122)
        nets = [network(audit.laws[0], 20261122, 0, i) for i in range(n)]
        t0 = time.perf_counter()
        for w in nets:
            detect("grid163", w)
        grid = time.perf_counter() - t0
        row = on[2]
        print(f"{width:6d} {1000 * off[0] / n:13.2f} {1000 * on[0] / n:12.2f} {1000 * grid / n:15.3f}  "
              f"proved {row['proved']} refuted {row['refuted']} undecided {row['undecided']}")


if __name__ == "__main__":
    main()
