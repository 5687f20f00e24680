"""Benchmark: certified contractions of nn.RNN(1, width) audit networks per gain, by norm, and the certifier's time.

For each gain of the sweep START:STOP:STEP (gain index gi as in `certify audit --model rnn --gain START:STOP:STEP`,
so the networks are the audit's: rnn_network(RNNLaw("tanh", width, gain), seed, gi, i), i < --samples) it runs
certify.dynamics.rnn_contraction.certify_contraction (with the kernel's self-check) in a fresh interpreter and
prints the proved counts by norm (max, euclid, quadratic), the undecided count and the mean CPU seconds a network.
With --baseline TREE (e.g. a `git archive` of an older commit) the same runs in a fresh interpreter of that tree
follow, side by side.

Measured 2026-12-03 (--samples 20, width 8, gains 1:1.5:0.1; baseline a `git archive` of f0dec7d, the tree before
the quadratic norm; 2 cores shared, load 2 to 4), proved by max / euclid / quadratic, undecided, CPU s a network:
  gain 1.0: now 0 / 12 / 8, 0 undecided, 0.30 s;  baseline 0 / 12 / -, 8 undecided, 0.01 s
  gain 1.1: now 0 / 5 / 15, 0, 0.57 s;            baseline 0 / 5, 15, 0.02 s
  gain 1.2: now 0 / 2 / 16, 2, 0.78 s;            baseline 0 / 2, 18, 0.03 s
  gain 1.3: now 0 / 1 / 17, 2, 0.73 s;            baseline 0 / 1, 19, 0.03 s
  gain 1.4: now 0 / 0 / 13, 7, 1.16 s;            baseline 20 undecided, 0.03 s
  gain 1.5: now 0 / 0 / 9, 11, 0.90 s;            baseline 20 undecided, 0.03 s
About 0.3 s of a proved network's time is each of the kernel's two runs over the 256 vertices (the decision and
the self-check); a failed search runs at most 4 rounds of 60 L-BFGS iterations (about 1 to 3 s under load).

    python bench/bench_contraction.py [--hidden 8] [--gain 1:1.5:0.1] [--samples 20] [--seed 0] [--baseline TREE]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from certify.cli import _gains

_CHILD = r"""
import json, sys, time
from certify.dynamics.rnn_contraction import certify_contraction
from certify.ensembles.rnn_audit import rnn_network
from certify.ensembles.rnn_laws import RNNLaw
width, gains, samples, seed = json.loads(sys.argv[1])
rows = []
for gi, gain in enumerate(gains):
    counts, cpu = {}, 0.0
    for i in range(samples):
        net = rnn_network(RNNLaw("tanh", width, gain), seed, gi, i)
        t = time.process_time()
        c = certify_contraction(net)
        cpu += time.process_time() - t
        key = c["evidence"][0]["norm"] if c["verdict"] == "proved" else "undecided"
        counts[key] = counts.get(key, 0) + 1
    rows.append({"gain": gain, "counts": counts, "cpu": cpu / samples})
print(json.dumps(rows))
"""


def run(tree: str, width: int, gains: list, samples: int, seed: int) -> list:
    env = dict(os.environ, PYTHONPATH=tree, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", _CHILD, json.dumps([width, gains, samples, seed])], env=env,
                         capture_output=True, text=True, check=True, cwd=tree)
    return json.loads(out.stdout.strip().splitlines()[-1])


def show(name: str, rows: list) -> None:
    print(f"{name}:")
    print(f"  {'gain':>5} {'max':>4} {'euclid':>6} {'quadratic':>9} {'undecided':>9} {'CPU s/net':>9}")
    for r in rows:
        c = r["counts"]
        print(f"  {r['gain']:>5g} {c.get('max', 0):>4} {c.get('euclid', 0):>6} {c.get('quadratic', 0):>9} "
              f"{c.get('undecided', 0):>9} {r['cpu']:>9.2f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hidden", type=int, default=8)
    ap.add_argument("--gain", default="1:1.5:0.1")
    ap.add_argument("--samples", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--baseline", metavar="TREE", help="also run the source tree TREE, in a fresh interpreter")
    args = ap.parse_args()
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    gains = [float(g) for g in _gains(args.gain)]
    print(f"nn.RNN(1, {args.hidden}), tanh, audit seed {args.seed}, {args.samples} networks per gain; "
          f"proved contractions by norm, undecided, mean CPU seconds of certify_contraction a network")
    show(f"this tree {here}", run(here, args.hidden, gains, args.samples, args.seed))
    if args.baseline:
        show(f"baseline {args.baseline}", run(args.baseline, args.hidden, gains, args.samples, args.seed))


if __name__ == "__main__":
    main()
