"""Benchmark: audit throughput of the dask engine (LocalCluster, 2 workers) against local processes.

The same He-ReLU audit (N networks of one width, seed 20261122) runs on 2 local processes and on a
dask LocalCluster of 2 single-threaded workers, alternately `--repeat` times; the cluster is
started (and its workers have imported certify) before the clock starts. Prints networks/second
of each run, the median of each engine and their ratio; target (issue 4): dask within 20% of local.
Both engines must write byte-identical results.jsonl.

    python bench/bench_audit_dask.py [--n 1000] [--width 64] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time

from certify.arith import Budget
from certify.ensembles.audit import Audit, run_audit
from certify.ensembles.engines import local_cluster


def timed_run(n, width, **engine):
    """(seconds, results.jsonl bytes) of one audit of n networks."""
    out = tempfile.mkdtemp(prefix="certify-bench-")
    try:
        audit = Audit("relu", "he", [width], [1.0], n, 20261122, budget=Budget())
        t0 = time.perf_counter()
        run_audit(audit, out, **engine)
        dt = time.perf_counter() - t0
        with open(os.path.join(out, "results.jsonl"), "rb") as fh:
            return dt, fh.read()
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args(argv)
    print(f"He ReLU width {args.width}, seed 20261122, N = {args.n}; {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f} (other jobs on the machine make figures noisy)")
    t0 = time.perf_counter()
    with local_cluster(2) as cluster:
        address = cluster.scheduler_address
        timed_run(16, args.width, scheduler=address)  # workers import certify before the clock starts
        print(f"LocalCluster(2 workers) started and warmed up in {time.perf_counter() - t0:.2f} s (not timed below)")
        rates = {"local, 2 processes": [], "dask LocalCluster, 2 workers": []}
        outputs = set()
        for _ in range(args.repeat):
            for label, engine in (("local, 2 processes", {"workers": 2}),
                                  ("dask LocalCluster, 2 workers", {"scheduler": address})):
                dt, data = timed_run(args.n, args.width, **engine)
                outputs.add(data)
                rates[label].append(args.n / dt)
                print(f"{label:30} {dt:8.2f} s {args.n / dt:8.1f} networks/s")
    med = {label: statistics.median(r) for label, r in rates.items()}
    for label, r in med.items():
        print(f"{label:30} median {r:8.1f} networks/s")
    ratio = med["dask LocalCluster, 2 workers"] / med["local, 2 processes"]
    print(f"dask / local throughput ratio {ratio:.3f} (target >= 0.8); "
          f"results.jsonl identical across all runs: {'yes' if len(outputs) == 1 else 'NO'}")


if __name__ == "__main__":
    main()
