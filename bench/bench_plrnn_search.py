"""Benchmark: every PLRNN cycle by the pruned itinerary search against brute force over 2^(n p) itineraries.

Part 1, side by side per period (same cycles asserted): the search (search_tree: float LPs, exact
Farkas certificates for the pruned nodes, exact leaves) and the enumeration of all 2^(n p)
itineraries (enumerate_cycles) where n p <= --brute, on
  - examples/plrnn_chaos.json (n = 2, a chaotic attractor), periods 1..--p2;
  - examples/lorenz_plrnn.safetensors (n = 6, trained on Lorenz-63), periods 1..--p6.
Part 2: `certify orbits` on a 10-dimensional PLRNN, periods 1..10, the issue's target (<= 60 s):
A = diag(U(0.5, 0.9)), W ~ N(0, 0.5^2/n) with a zero diagonal, h ~ N(0, 0.5^2), seed 20261202 (a
contracting-ish random PLRNN with the shapes of a trained one): time, complete periods, cycles.

    python bench/bench_plrnn_search.py [--p2 10] [--p6 4] [--brute 14] [--max-nodes 50000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from certify.api import orbits
from certify.checker.plrnn import enumerate_cycles
from certify.maps.plrnn import load_plrnn, plrnn_from_mapping
from certify.periodic.plrnn_search import search_tree


def side_by_side(path: str, P: int, brute: int) -> None:
    net = load_plrnn(path)
    print(f"{path} (n = {net.n})")
    print(f"  {'p':>2} {'cycles':>6} {'nodes':>7} {'pruned':>7} {'leaves':>7} {'search s':>9} {'2^(np)':>9} "
          f"{'brute s':>8} {'brute/search':>12}")
    for p in range(1, P + 1):
        t = time.perf_counter()
        res = search_tree(net.model, p)
        ts = time.perf_counter() - t
        line = (f"  {p:>2} {len(res.cycles):>6} {res.nodes:>7} {len(res.farkas):>7} {res.leaves:>7} {ts:>9.2f} "
                f"{2 ** (net.n * p):>9}")
        if net.n * p <= brute:
            t = time.perf_counter()
            found, _ = enumerate_cycles(net.model, p)
            tb = time.perf_counter() - t
            assert found == res.cycles, "the search and the enumeration differ"
            line += f" {tb:>8.2f} {tb / ts:>12.2f}"
        else:
            line += f" {'-':>8} {'-':>12}"
        print(line + ("" if not res.singular else "  (singular leaf: not complete)"), flush=True)


def ten_dimensional(max_nodes: int) -> None:
    rng = np.random.default_rng(20261202)
    n = 10
    W = rng.normal(0, 0.5 / np.sqrt(n), (n, n))
    np.fill_diagonal(W, 0)
    d = {"kind": "plrnn", "A": rng.uniform(0.5, 0.9, n).tolist(), "W": W.tolist(), "h": rng.normal(0, 0.5, n).tolist()}
    net = plrnn_from_mapping(d, "random 10-dim PLRNN (seed 20261202)")
    t = time.perf_counter()
    res = orbits(net, "1..10", max_nodes=max_nodes)
    dt = time.perf_counter() - t
    cert = res.certificate
    print(f"10-dimensional PLRNN, certify orbits --period 1..10 --max-nodes {max_nodes}: {dt:.1f} s in all "
          f"(search, float search, exact cycles, stability, self-check)")
    for row in cert["periods"]:
        tree = next((f for f in cert["evidence"] if f["fact"] in ("search_plrnn", "enumeration_plrnn")
                     and f["p"] == row["p"]), None)
        how = ("complete (" + ("all itineraries" if tree["fact"] == "enumeration_plrnn" else
                               f"search, {len(tree['shape'])} nodes") + ")") if row["complete"] else \
            ("found, not proved complete" if row["count"] else "none found, not proved complete")
        print(f"  period {row['p']:>2}: {row['count']} cycle(s), {how}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--p2", type=int, default=10)
    ap.add_argument("--p6", type=int, default=3)
    ap.add_argument("--brute", type=int, default=16)
    ap.add_argument("--max-nodes", type=int, default=50_000)
    args = ap.parse_args(argv)
    side_by_side("examples/plrnn_chaos.json", args.p2, args.brute)
    side_by_side("examples/lorenz_plrnn.safetensors", args.p6, args.brute)
    ten_dimensional(args.max_nodes)


if __name__ == "__main__":
    main()
