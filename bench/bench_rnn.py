"""Time to certify a cycle of period <= 10 of n-dimensional tanh RNNs (issue 12 target: <= 1 s at n = 32).

For each seed, a random tanh RNN h -> tanh(W h + b) (W Gaussian with gain g / sqrt(n), b ~ N(0, 0.1^2))
whose float attractor is a cycle of period p <= 10 (found by iterating); then the certifier (float
Newton on the cyclic system + the kernel's Krawczyk test, self-check off) and `check` (the kernel
alone) are timed. Prints one line per network and the median times.

    PYTHONPATH=$PWD python bench/bench_rnn.py [--n 32] [--nets 5]
"""

import argparse
import statistics
import time

import numpy as np

from certify.arith import Budget
from certify.checker import check
from certify.maps.rnn import rnn
from certify.periodic.rnn import certify_rnn_cycle


def attractor_period(W, b, rng, pmax=10):
    z = rng.normal(size=len(b))
    for _ in range(3000):
        z = np.tanh(W @ z + b)
    z0 = z.copy()
    for p in range(1, pmax + 1):
        z = np.tanh(W @ z + b)
        if np.abs(z - z0).max() < 1e-10:
            return p
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=32)
    ap.add_argument("--nets", type=int, default=5)
    ap.add_argument("--gain", type=float, default=2.5)
    a = ap.parse_args()
    rows, seed = [], 0
    while len(rows) < a.nets and seed < 2000:
        rng = np.random.default_rng(seed)
        W = rng.normal(size=(a.n, a.n)) * a.gain / np.sqrt(a.n)
        b = rng.normal(size=a.n) * 0.1
        p = attractor_period(W, b, rng)
        seed += 1
        if p is None or p < 2:
            continue
        net = rnn(W, b)
        t0 = time.perf_counter()
        cert = certify_rnn_cycle(net, p, Budget(self_check=False))
        t1 = time.perf_counter()
        ok = check(cert).ok if cert["verdict"] == "proved" else None
        t2 = time.perf_counter()
        st = cert["evidence"][0]["stability"] if cert["evidence"] else "-"
        print(f"seed {seed - 1:4d}  n {a.n}  p {p:2d}  {cert['verdict']:9s} {st:12s} certify {t1 - t0:6.3f} s  "
              f"check {t2 - t1:6.3f} s  kernel ok {ok}")
        rows.append((t1 - t0, t2 - t1))
    print(f"median: certify {statistics.median(r[0] for r in rows):.3f} s, check {statistics.median(r[1] for r in rows):.3f} s "
          f"(certify with self-check ~ the sum)")


if __name__ == "__main__":
    main()
