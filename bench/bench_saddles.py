"""Benchmark: candidate h-sets at saddle cycles of the Lorenz-trained PLRNN (certify.horseshoes.saddles; floats only).

From the model alone (examples/lorenz_plrnn.safetensors): the saddle cycles of a 30000-step orbit's near returns
(periods 20-120, --per-period near returns each), then the clusters of nearby cycle points and the size search,
each covering screened by the float piecewise-affine traversal. Prints the cycles found, the best candidates
(k, number of sets, edges with degrees, spectral radius, log(rho)/k against the research pair's log 2 / 80) and
the times of both phases. --out writes the best candidate as JSON (float.hex numbers) for a certifier.

    python bench/bench_saddles.py [--per-period 8] [--max-clusters 40] [--out best.json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from collections import Counter

from certify.horseshoes import saddles as S
from certify.maps.plrnn import load_plrnn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-period", type=int, default=8)
    ap.add_argument("--max-clusters", type=int, default=40)
    ap.add_argument("--out")
    args = ap.parse_args()
    net = load_plrnn(os.path.join(ROOT, "examples", "lorenz_plrnn.safetensors"))
    t0 = time.process_time()
    cycles = S.saddle_cycles(net, per_period=args.per_period)
    t1 = time.process_time()
    print(f"{len(cycles)} saddle cycles with one unstable multiplier in {t1 - t0:.1f} s CPU; periods "
          + ", ".join(f"{p}x{c}" if c > 1 else str(p) for p, c in sorted(Counter(c.p for c in cycles).items())))
    cands = S.saddle_candidates(net, cycles=cycles, max_clusters=args.max_clusters)
    t2 = time.process_time()
    print(f"{len(cands)} candidates in {t2 - t1:.1f} s CPU (research pair: log 2 / 80 = {math.log(2) / 80:.5f})")
    for c in cands[:8]:
        print(f"  k = {c.k}: {len(c.sets)} sets, edges {c.edges}, rho = {c.rho:.3f}, log(rho)/k = {c.rate:.5f}")
    if args.out and cands:
        with open(args.out, "w") as fh:
            json.dump(S.candidate_json(cands[0]), fh, indent=1)


if __name__ == "__main__":
    main()
