"""Benchmark: every PLRNN cycle by the pruned itinerary search against brute force over 2^(n p) itineraries.

Part 1, side by side per period (same cycles asserted): the search (search_tree: float LPs, exact
Farkas certificates for the pruned nodes, exact leaves; inside the proved cycle box when the
cycle-box lemma applies) and the enumeration of all 2^(n p) itineraries (enumerate_cycles) where
n p <= --brute, on
  - examples/plrnn_chaos.json (n = 2, a chaotic attractor; the lemma holds), periods 1..--p2;
  - examples/lorenz_plrnn.safetensors (n = 10, trained on Lorenz-63; the lemma fails), periods 1..--p-lorenz.
Part 2: `certify orbits` on 10-dimensional PLRNNs, periods 1..10, the issue's target (<= 60 s).

The cycle-box lemma (certify/checker/plrnn_box.py, docs/mathematics.md section 9) bounds every cycle
when the positive feedback is weak: |a_i| < 1 and D - K a nonsingular M-matrix, i.e. the spectral
radius of D^-1 W+ below 1 (for a_i >= 0). It FAILS for the issue's original 10-D PLRNN
(A = diag U(0.5, 0.9), W ~ N(0, 0.25/n) zero diagonal, h ~ N(0, 0.25), seed 20261202):
rho(D^-1 W+) = 2.48, and no box trapping region f(B) in B exists either (interval evaluation of the
separable map is exact on boxes, so it needs the same condition). Without a bounded region all 1024
orthants are non-empty and unbounded and the LPs prune almost nothing (81.5 s, only period 1
proved complete; run it with --original). It fails for the Lorenz-trained PLRNN too (rho = 7.3).

So part 2 runs on random PLRNNs where the lemma holds, with the shapes of a trained PLRNN
(A = diag U(0.5, 0.9), a dense W with zero diagonal, biases h ~ N(0, 1), entries quantised to
3 decimals as a user's exported weights often are) but with inhibition-dominated coupling:
W_ij ~ N(-0.4/sqrt(n), 0.3^2/n) (about 9% of the weights positive), the regime of E/I networks
with strong recurrent inhibition:
  - seed 9: the box leaves 3 of the 10 units' signs open (their interval contains 0);
  - seed 5: the box leaves 0 units open (the refinement shrinks it onto the fixed point).
How hard the search is depends on how many units the box leaves open: the tree branches on those
only (the other bits are pruned by two-row certificates, no LP), roughly doubling per period at 3.
Measured before the speed-ups of 2026-12-02 (2 cores shared by ~6 sessions, load average ~6): seed 9,
periods 1..10 all proved complete (one fixed point, no other cycle; the period-10 tree has 101139 nodes for
2^100 itineraries) in 48 to 62 s of CPU over six runs (100 to 240 s wall); seed 5 in 0.3 s. Brute force is
feasible for n p <= 16, i.e. period 1 only (2^10 itineraries): ratio ~1 (seed 9) and ~30 to 86 (seed 5).

Part 3 (--baseline TREE, here a `git archive` of 91e90b7, the commit before the speed-ups; 3 runs per tree,
alternating, fresh interpreters; load average 5 to 6.5 on the 2 shared cores), 2026-12-02:
  seed 9: now 42.4 44.5 45.5 s, baseline 81.2 81.6 82.6 s of CPU: ratio of medians 0.55; certificates identical
  seed 5: now 1.5 1.7 1.7 s, baseline 1.7 1.7 1.7 s: ratio 1.00; certificates identical
At load ~3.4 the seed-9 run took 29.8 to 35 s of CPU (in-process, same tree). What the time goes to now
(seed 9, load ~3.4, 29.8 s in all): HiGHS LPs 9.9 s (16.5k LPs, each ~0.6 ms warm-started), the kernel's
self-check 7.4 s (leaf solves ~2.5 s, 48k distinct Farkas checks), exact certificates 3.5 s, exact leaf
solves 2.6 s, the walk's own Python ~5 s. The speed-ups: the periods share one memo of node decisions (each
node of period p's tree is a node of every longer period's tree with the same rows: 33.7k LPs -> 16.5k) and
of exact prefix products; the LP rows live in one numpy array; the kernel re-checks a node met again in a
longer period's tree only once (same node, same entries, same units charged) and computes each prefix
product once per certificate (kernel check of the seed-9 certificate 19.8 s -> ~8 s).

    python bench/bench_plrnn_search.py [--p2 10] [--p-lorenz 1] [--brute 16] [--max-nodes 200000] [--original]
                                       [--baseline TREE [--rounds 3] [--only-baseline]]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

from certify.api import orbits
from certify.checker.plrnn import enumerate_cycles
from certify.maps.plrnn import load_plrnn, plrnn_from_mapping
from certify.periodic.plrnn_search import cycle_box, search_tree


def side_by_side(path: str, P: int, brute: int) -> None:
    net = load_plrnn(path)
    found_box = cycle_box(net.model)
    box = None if found_box is None else found_box[1]
    print(f"{path} (n = {net.n}; cycle box: {'proved' if box else 'lemma does not apply'})")
    print(f"  {'p':>2} {'cycles':>6} {'nodes':>7} {'pruned':>7} {'leaves':>7} {'search s':>9} {'2^(np)':>9} "
          f"{'brute s':>8} {'brute/search':>12}")
    for p in range(1, P + 1):
        t = time.perf_counter()
        res = search_tree(net.model, p, box=box)
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


def original(n: int = 10):
    """The issue's 10-D PLRNN (floats as given: exact binary rationals)."""
    rng = np.random.default_rng(20261202)
    W = rng.normal(0, 0.5 / np.sqrt(n), (n, n))
    np.fill_diagonal(W, 0)
    d = {"kind": "plrnn", "A": rng.uniform(0.5, 0.9, n).tolist(), "W": W.tolist(), "h": rng.normal(0, 0.5, n).tolist()}
    return plrnn_from_mapping(d, "random 10-dim PLRNN (seed 20261202)")


def inhibitory_mapping(seed: int, n: int = 10) -> dict:
    """The weights of inhibitory(seed) as a mapping (3-decimal strings)."""
    rng = np.random.default_rng(seed)
    W = rng.normal(-0.4 / np.sqrt(n), 0.3 / np.sqrt(n), (n, n))
    np.fill_diagonal(W, 0)
    return {"kind": "plrnn", "A": [f"{x:.3f}" for x in rng.uniform(0.5, 0.9, n)],
            "W": [[f"{x:.3f}" for x in r] for r in W], "h": [f"{x:.3f}" for x in rng.normal(0, 1.0, n)]}


def inhibitory(seed: int, n: int = 10):
    """A 10-D PLRNN with inhibition-dominated coupling (the docstring's family), 3-decimal entries."""
    return plrnn_from_mapping(inhibitory_mapping(seed, n), f"inhibition-dominated 10-dim PLRNN (seed {seed})")


# One `orbits` run in a fresh interpreter: CPU seconds of that process (time.process_time), a hash of the
# certificate without its versions, and the periods proved complete. Only APIs the older trees have too.
_CHILD = """
import hashlib, json, sys, time
from certify.api import orbits
from certify.maps.plrnn import plrnn_from_mapping
d, given, max_nodes = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3])
net = plrnn_from_mapping(d, given)
c = time.process_time()
cert = orbits(net, "1..10", max_nodes=max_nodes).certificate
cpu = time.process_time() - c
body = {k: v for k, v in cert.items() if k != "versions"}
print(json.dumps({"cpu": cpu, "sha": hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16],
                  "complete": [r["p"] for r in cert.get("periods", []) if r["complete"]]}))
"""


def _child(tree: str, seed: int, max_nodes: int) -> dict:
    env = {**os.environ, "PYTHONPATH": tree}
    out = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(inhibitory_mapping(seed)),
                          f"inhibition-dominated 10-dim PLRNN (seed {seed})", str(max_nodes)],
                         env=env, capture_output=True, text=True, check=True, cwd=tree)
    return json.loads(out.stdout.strip().splitlines()[-1])


def against_baseline(baseline: str, seeds, max_nodes: int, rounds: int) -> None:
    """Part 3: the 10-D runs of part 2 in fresh interpreters, this tree and the tree at `baseline` (e.g. a `git
    archive` of an older commit) alternating, `rounds` times each: CPU seconds and the ratio now/baseline."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    print(f"against the baseline tree {baseline} (fresh interpreters, alternating, CPU seconds of each run):")
    for seed in seeds:
        now, base = [], []
        for r in range(rounds):
            for tree, acc in ((here, now), (baseline, base)) if r % 2 == 0 else ((baseline, base), (here, now)):
                acc.append(_child(tree, seed, max_nodes))
        tn, tb = sorted(x["cpu"] for x in now), sorted(x["cpu"] for x in base)
        same = "identical" if {x["sha"] for x in now} == {x["sha"] for x in base} and len({x["sha"] for x in now}) == 1 \
            else "DIFFERENT"
        print(f"  seed {seed}: now {' '.join(f'{t:.1f}' for t in tn)} s, baseline {' '.join(f'{t:.1f}' for t in tb)} s; "
              f"ratio of medians now/baseline {tn[len(tn) // 2] / tb[len(tb) // 2]:.2f}; complete now "
              f"{','.join(map(str, now[0]['complete']))}, baseline {','.join(map(str, base[0]['complete']))}; "
              f"certificates {same}", flush=True)


def rho(net) -> float:
    """The spectral radius of D^-1 K (the lemma needs it below 1)."""
    a, W, _ = net.floats()
    K = np.maximum(W, 0) + np.where(a[:, None] < 0, -a[:, None] * np.maximum(-W, 0), 0)
    d = np.where(a >= 0, 1 - a, 1 - a * a)
    return float(max(abs(np.linalg.eigvals(K / d[:, None]))))


def ten_dimensional(net, max_nodes: int, brute: int) -> None:
    found_box = cycle_box(net.model)
    if found_box is None:
        print(f"{net.given}: cycle-box lemma does not apply (rho(D^-1 K) = {rho(net):.2f} >= 1)")
    else:
        lo, hi = found_box[1]
        open_units = sum(1 for a, b in zip(lo, hi) if a < 0 < b)
        print(f"{net.given}: cycle box proved (rho(D^-1 K) = {rho(net):.2f}, {len(found_box[0]['boxes'])} refinements, "
              f"{open_units} of {net.n} units with 0 inside their interval)")
    t, c = time.perf_counter(), time.process_time()
    res = orbits(net, "1..10", max_nodes=max_nodes)
    dt, dc = time.perf_counter() - t, time.process_time() - c
    cert = res.certificate
    if cert["verdict"] != "proved":
        print(f"  undecided: {cert.get('reason')}")
        return
    complete = [row["p"] for row in cert["periods"] if row["complete"]]
    print(f"  certify orbits --period 1..10 --max-nodes {max_nodes}: {dt:.1f} s in all ({dc:.1f} s of CPU; box, search, "
          f"float search, exact cycles, stability, self-check); target <= 60 s of CPU "
          f"{'met' if dc <= 60 and len(complete) == 10 else 'NOT met'} (wall time depends on the shared machine's load); "
          f"proved complete: periods {','.join(map(str, complete)) or 'none'}")
    for row in cert["periods"]:
        tree = next((f for f in cert["evidence"] if f["fact"] in ("search_plrnn", "enumeration_plrnn")
                     and f["p"] == row["p"]), None)
        how = ("complete (" + ("all itineraries" if tree["fact"] == "enumeration_plrnn" else
                               f"search, {len(tree['shape'])} nodes") + ")") if row["complete"] else \
            ("found, not proved complete" if row["count"] else "none found, not proved complete")
        line = f"    period {row['p']:>2}: {row['count']} cycle(s), {how}"
        if net.n * row["p"] <= brute:
            t = time.perf_counter()
            res = search_tree(net.model, row["p"], box=None if found_box is None else found_box[1])
            ts = time.perf_counter() - t
            t = time.perf_counter()
            found, _ = enumerate_cycles(net.model, row["p"])
            tb = time.perf_counter() - t
            assert found == res.cycles, "the search and the enumeration differ"
            line += f"; brute force over 2^{net.n * row['p']}: {tb:.2f} s, search {ts:.3f} s, ratio {tb / ts:.0f}"
        print(line, flush=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--p2", type=int, default=10)
    ap.add_argument("--p-lorenz", type=int, default=1)
    ap.add_argument("--brute", type=int, default=16)
    ap.add_argument("--max-nodes", type=int, default=200_000)
    ap.add_argument("--original", action="store_true", help="also run the issue's original 10-D PLRNN (~80 s)")
    ap.add_argument("--baseline", metavar="TREE", help="part 3: also time the 10-D runs against this source tree")
    ap.add_argument("--rounds", type=int, default=3, help="runs per tree and seed in part 3")
    ap.add_argument("--only-baseline", action="store_true", help="run part 3 only")
    args = ap.parse_args(argv)
    if args.baseline and args.only_baseline:
        against_baseline(args.baseline, (9, 5), args.max_nodes, args.rounds)
        return
    side_by_side("examples/plrnn_chaos.json", args.p2, args.brute)
    side_by_side("examples/lorenz_plrnn.safetensors", args.p_lorenz, args.brute)
    net = original()
    print(f"{net.given}: rho(D^-1 K) = {rho(net):.2f}: the cycle-box lemma does not apply")
    if args.original:
        ten_dimensional(net, args.max_nodes // 4, args.brute)
    for seed in (9, 5):
        ten_dimensional(inhibitory(seed), args.max_nodes, args.brute)
    if args.baseline:
        against_baseline(args.baseline, (9, 5), args.max_nodes, args.rounds)


if __name__ == "__main__":
    main()
