"""Benchmark: pieces coverings (certify.horseshoes.pieces) of the Lorenz-trained PLRNN's 2-set candidate under f^80.

The candidate (docs/research/lorenz_f80_candidate.json: k = 80, centres x, y and frames Ma, Mb as hexadecimal floats,
read here only, never by the library) gives N0 = (x, Ma), N1 = (y, Mb), rationalised as certify rationalises h-sets
(multiples of 2^-40). For each of the four coverings N0 => N0, N0 => N1 (degree +1), N1 => N0, N1 => N1 (degree -1)
the script prints whether it is proved, the stream's length and composition, the traversal's counts and the time;
then the whole certificate (pieces_certificate, self-check off: the kernel's own time is printed apart when the kernel
knows pieces coverings). The research prototype (arb at 320 bits, scipy LPs) took 9-18 s per covering; the target
is < 2 s.

    python bench/bench_pieces.py [--repeat 3] [--check]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EDGES = [(0, 0, 1), (0, 1, 1), (1, 0, -1), (1, 1, -1)]


def candidate():
    """(net, k, sets) of the research candidate (floats as stored)."""
    from certify.maps.plrnn import load_plrnn

    net = load_plrnn(os.path.join(ROOT, "examples", "lorenz_plrnn.safetensors"))
    with open(os.path.join(ROOT, "docs", "research", "lorenz_f80_candidate.json")) as fh:
        d = json.load(fh)

    def fx(v):
        return [float.fromhex(s) for s in v]
    sets = [(fx(d["x"]), [fx(r) for r in d["Ma"]]), (fx(d["y"]), [fx(r) for r in d["Mb"]])]
    return net, d["k"], sets


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per covering (the best is printed)")
    ap.add_argument("--check", action="store_true", help="also time the kernel's check of the certificate")
    args = ap.parse_args()

    from certify.horseshoes.pieces import exact_hset, pieces_certificate, pieces_stream

    net, k, sets = candidate()
    N = [exact_hset(c, M) for c, M in sets]
    from scipy.optimize import linprog
    linprog([1.0], bounds=[(0, 1)], method="highs")  # warm-up: scipy's import outside the timings
    print(f"Lorenz PLRNN (n = {net.n}), k = {k}, {len(sets)} h-sets")
    print(f"{'covering':>10} {'deg':>4} {'proved':>6} {'entries':>8} {'composition':<34} "
          f"{'pieces':>6} {'splits':>6} {'LPs':>4} {'best s':>7} {'all runs s'}")
    total = 0.0
    for i, j, w in EDGES:
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            st = pieces_stream(net.model, N[i], N[j], k, w)
            times.append(time.perf_counter() - t0)
        total += min(times)
        comp = ", ".join(f"{n} {t}" for t, n in sorted(Counter(e[0] for e in st.entries or []).items()))
        print(f"{i:>4} => {j:<3} {w:>4} {str(st.proved):>6} {len(st.entries or []):>8} {comp:<34} {st.leaves:>6} "
              f"{st.splits:>6} {st.lps:>4} {min(times):>7.2f} {' '.join(f'{t:.2f}' for t in times)}"
              + ("" if st.proved else f"  ({st.reason})"))
    print(f"sum of the best times: {total:.2f} s ({total / len(EDGES):.2f} s per covering; target < 2 s)")
    t0 = time.perf_counter()
    cert = pieces_certificate(net, k, sets, EDGES, self_check=False)
    print(f"pieces_certificate: {cert['verdict']}, entropy lower {cert.get('entropy', {}).get('lower')}, "
          f"{time.perf_counter() - t0:.2f} s, {len(json.dumps(cert))} bytes of JSON")
    if args.check:
        from certify.checker import check

        t0 = time.perf_counter()
        res = check(cert)
        print(f"check: ok={res.ok} {res.message!r} in {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
