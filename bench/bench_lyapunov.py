"""Benchmark: Lyapunov estimates with 10^6 map evaluations of a width-64 tanh RNN map.

Compares certify's single-orbit estimate (sequential, 10^6 steps), its ensemble estimate (100
random starts x 10^4 steps, one array), and a plain numpy loop over one orbit. Target (issue 5):
a 10^6-step estimate in <= 2 s.

    python bench/bench_lyapunov.py [--steps 1000000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from certify.dynamics import ensemble_estimate, typical_estimate
from certify.maps import from_weights


def plain_loop(w, b, a, c, x, steps):
    s = 0.0
    for _ in range(steps):
        t = np.tanh(w * x + b)
        s += np.log(abs(a @ (w * (1 - t * t))))
        x = a @ t + c
    return s / steps


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=1_000_000)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(20261122)
    k = 64
    w, b, a = rng.normal(0, 4, k), rng.normal(0, 4, k), rng.normal(0, 4 / k ** 0.5, k)
    m = from_weights({"activation": "tanh", "w": w.tolist(), "b": b.tolist(), "a": a.tolist(), "c": 0.0})
    n = args.steps
    print(f"tanh rnn1d width {k} (w, b ~ N(0, 16), a ~ N(0, 16/k), seed 20261122), {n} map evaluations")
    rows = []
    t0 = time.perf_counter()
    single = typical_estimate(m, 0.3, steps=n, transient=1000)
    rows.append(("certify single orbit (sequential)", time.perf_counter() - t0, single))
    t0 = time.perf_counter()
    ens = ensemble_estimate(m, (-3, 3), orbits=100, steps=n // 100, transient=100)
    rows.append(("certify ensemble 100 x n/100", time.perf_counter() - t0, ens))
    t0 = time.perf_counter()
    lam = plain_loop(w, b, a, 0.0, 0.3, n)
    rows.append(("plain numpy loop (one orbit)", time.perf_counter() - t0, {"value": lam, "stderr": None}))
    base = rows[2][1]
    print(f"{'method':36} {'seconds':>8} {'vs plain':>9}  lambda")
    for name, dt, est in rows:
        err = f" +/- {est['stderr']:.1e}" if est.get("stderr") is not None else ""
        print(f"{name:36} {dt:8.2f} {dt / base:8.2f}x  {est['value']:.6f}{err}")
    print("target: a 10^6-step estimate <= 2 s")


if __name__ == "__main__":
    main()
