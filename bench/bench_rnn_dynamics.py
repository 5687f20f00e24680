"""Times of the n-dimensional RNN dynamics commands: contraction certificates (certify + check) for
nn.RNN(1, n) at PyTorch's default init (gain 0.75 and 1.5, so proved and undecided networks), the
gradient certificate (claim rnn_gradients) at horizons 200 and 500, and the QR spectrum estimate.

    PYTHONPATH=$PWD python bench/bench_rnn_dynamics.py [--nets 5]
"""

import argparse
import statistics
import time

from flint import fmpq

from certify.checker import check
from certify.dynamics.rnn import spectrum_estimate
from certify.dynamics.rnn_contraction import certify_contraction
from certify.dynamics.rnn_gradients import rnn_gradients
from certify.ensembles.rnn_audit import rnn_network
from certify.ensembles.rnn_laws import RNNLaw


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nets", type=int, default=5)
    args = ap.parse_args()
    for n in (8, 16, 32, 64):
        for gain in (0.75, 1.5):
            times, checks, proved = [], [], 0
            for i in range(args.nets):
                net = rnn_network(RNNLaw("tanh", n, gain), 0, 0, i)
                cert, t = timed(lambda: certify_contraction(net))
                times.append(t)
                if cert["verdict"] == "proved":
                    proved += 1
                    checks.append(timed(lambda: check(cert))[1])
            print(f"contraction n={n:3d} gain={gain:4g}: {proved}/{args.nets} proved, median certify "
                  f"{statistics.median(times):.3f} s, median check {statistics.median(checks) if checks else float('nan'):.3f} s")
    for n in (8, 32):
        net = rnn_network(RNNLaw("tanh", n, 4.0), 0, 0, 0)
        for H in (200, 500):
            cert, t = timed(lambda: rnn_gradients(net, [fmpq(1, 10)] * n, H))
            _, tc = timed(lambda: check(cert))
            print(f"gradients   n={n:3d} H={H}: {cert['verdict']} at {cert['precision']} bits, facts "
                  f"{[f['fact'] for f in cert['evidence']]}, certify {t:.2f} s (self-check included), check {tc:.2f} s")
        _, t = timed(lambda: spectrum_estimate(net, steps=20_000))
        print(f"spectrum    n={n:3d}: 4 orbits x 20000 steps {t:.2f} s")


if __name__ == "__main__":
    main()
