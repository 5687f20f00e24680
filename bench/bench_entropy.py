"""Benchmark: certified entropy bounds for a width-64 ReLU RNN map with period 3 (issue 5 target).

Target: hi - lo <= 0.05 within 5 s. The network is the first of a fixed-seed He-init sample
(certify.ensembles.laws, gain 2, seed 20261122) with a proved period 3 and an invariant interval
holding its dynamics (networks whose orbits escape to infinity have none and are skipped). Timed:
entropy_bounds(tolerance 0.05) including the kernel self-check, then certify check alone.

    python bench/bench_entropy.py [--seed 20261122] [--networks 1]
"""

from __future__ import annotations

import argparse
import time

from certify.arith import Budget
from certify.certificates import q_parse
from certify.checker import check
from certify.dynamics.entropy import entropy_bounds, invariant_interval
from certify.ensembles.laws import Law, network_rng
from certify.maps import from_weights
from certify.periodic.period import certify_period

TARGET_GAP, TARGET_S = 0.05, 5.0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=20261122)
    ap.add_argument("--networks", type=int, default=1, help="how many qualifying networks to time")
    args = ap.parse_args(argv)
    law = Law("relu", "he", 64, 2.0)
    print(law.describe())
    done, skipped = 0, 0
    for i in range(1000):
        m = from_weights(law.sample(network_rng(args.seed, 64, 0, i)))
        if certify_period(m, 3)["verdict"] != "proved":
            continue
        if invariant_interval(m) is None:
            skipped += 1
            continue
        t0 = time.perf_counter()
        cert = entropy_bounds(m, budget=Budget(), tolerance=TARGET_GAP)
        dt = time.perf_counter() - t0
        t1 = time.perf_counter()
        ok = check(cert).ok
        dc = time.perf_counter() - t1
        b = cert["bounds"]
        lo, hi = float(q_parse(b["lo"])), float(q_parse(b["hi"]))
        print(f"network {i}: {lo:.6f} <= h <= {hi:.6f}, gap {hi - lo:.4f} (target {TARGET_GAP}); "
              f"{dt:.2f} s incl. self-check (target {TARGET_S} s, ratio {dt / TARGET_S:.3f}); check {dc:.2f} s, ok={ok}")
        print(f"           lower {b['lo_method']}\n           upper {b['hi_method']}")
        done += 1
        if done >= args.networks:
            break
    print(f"skipped {skipped} period-3 network(s) whose orbits escape (no invariant interval)")


if __name__ == "__main__":
    main()
