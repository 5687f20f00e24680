"""Every cycle of a small tanh RNN with a completeness proof, against the float search alone (issue 12).

For each network and p = 1..P: the complete list (claim rnn_cycles, basis image: the kernel's subdivision of
the cyclic system, run by the certifier without its self-check, i.e. once), the kernel's `check` (it redoes
the tree), the count, nodes and Krawczyk tests; then the found list (Newton from 64 seeded starts, each cycle
proved by Krawczyk) with its count and time. The ratio is complete time / found time; "missed" counts the
orbits the float search did not find although the subdivision proves them (the price of "not proved complete").
CPU time (time.process_time): the machine is shared.

    PYTHONPATH=$PWD python bench/bench_rnn_orbits.py [--periods 5] [--nets 4]
"""

import argparse
import time

import numpy as np
from flint import fmpq

import certify
from certify.arith import Budget
from certify.checker import check
from certify.maps.rnn import load_rnn
from certify.periodic.rnn import STARTS
from certify.periodic.rnn_orbits import _complete, _found


def _timed(fn):
    t = time.process_time()
    out = fn()
    return out, time.process_time() - t


def _nets(k: int) -> list:
    """examples/rnn3_cycles.json (seed 101 of this law, n = 3) and k - 1 random tanh networks (n = 2, 3, ...;
    weights N(0, 4/sqrt(n)) in quarters, biases N(0, 1/2) in quarters; seeds 101 + i)."""
    out = [("examples/rnn3_cycles.json", load_rnn("examples/rnn3_cycles.json"))]
    for i in range(1, k):
        n = 2 + (i + 1) % 2
        rng = np.random.default_rng(101 + i)
        W = [[str(fmpq(int(v), 4)) for v in r] for r in np.round(rng.normal(0, 4 / np.sqrt(n), (n, n)) * 4)]
        b = [str(fmpq(int(v), 4)) for v in np.round(rng.normal(0, 0.5, n) * 4)]
        out.append((f"random n={n} seed {101 + i}", certify.rnn(W=W, b=b, activation="tanh")))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--periods", type=int, default=5)
    ap.add_argument("--nets", type=int, default=4)
    a = ap.parse_args()
    print(f"{'network':<28} {'p':>2} {'orbits':>7} {'nodes':>6} {'tests':>5} {'complete s':>10} {'check s':>8} "
          f"{'found':>5} {'found s':>8} {'ratio':>6} {'missed':>6}")
    for name, net in _nets(a.nets):
        for p in range(1, a.periods + 1):
            (cert, why), t_c = _timed(lambda: _complete(net, p, Budget(self_check=False)))
            if cert is not None:
                ok, t_k = _timed(lambda: check(cert).ok)
                ev = cert["evidence"][0]
                count, nodes, tests = (cert["count"] if ok else "FAILED"), ev["nodes"], ev["tests"]
            else:
                t_k, count, nodes, tests = 0.0, "undec.", "-", "-"
            found, t_f = _timed(lambda: _found(net, p, Budget(self_check=False), STARTS, "bench"))
            nf = found.get("count", 0)
            missed = count - nf if isinstance(count, int) else "-"
            print(f"{name:<28} {p:>2} {count!s:>7} {nodes!s:>6} {tests!s:>5} {t_c:>10.2f} {t_k:>8.2f} {nf:>5} "
                  f"{t_f:>8.2f} {t_c / max(t_f, 1e-9):>6.1f} {missed!s:>6}", flush=True)


if __name__ == "__main__":
    main()
