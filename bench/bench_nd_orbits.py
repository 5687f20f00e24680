"""Time to list every orbit of minimal period p of the Hénon map with a completeness proof, and to check it.

For p = 1..P: the subdivision of the cyclic system (claim polymap_cycles; the certifier without its
self-check, i.e. the kernel's derivation once), the kernel's `check` in-process (it redoes the whole tree),
the count, the tree's nodes and Krawczyk tests; for p <= --old also the closed-walk method (claim
polymap_orbits, the earlier kernel) and the ratio of the two certifier times.

    PYTHONPATH=$PWD python bench/bench_nd_orbits.py [--spec "henon(a=1.4, b=0.3)"] [--periods 12] [--old 8]
"""

import argparse
import time

from certify.arith import Budget
from certify.checker import check
from certify.maps.polymap import parse_polymap_spec
from certify.periodic.polymap_orbits import certify_polymap_cycles, certify_polymap_orbits


def _timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", default="henon(a=1.4, b=0.3)")
    ap.add_argument("--periods", type=int, default=12)
    ap.add_argument("--old", type=int, default=8, help="run the closed-walk method up to this period (0: never)")
    a = ap.parse_args()
    f = parse_polymap_spec(a.spec)
    print(f"{a.spec}: orbits of minimal period p, proved complete")
    print(f"{'p':>3} {'orbits':>7} {'nodes':>6} {'tests':>6} {'certify s':>10} {'check s':>8} {'walks s':>8} "
          f"{'walks':>7} {'ratio':>6}")
    for p in range(1, a.periods + 1):
        cert, t_cert = _timed(lambda: certify_polymap_cycles(f, p, Budget(self_check=False)))
        ok, t_check = _timed(lambda: check(cert).ok)
        ev = cert["evidence"][0] if cert["evidence"] else {}
        count = cert.get("count", "undecided") if ok else "FAILED"
        old = ""
        if p <= a.old:
            oc, t_old = _timed(lambda: certify_polymap_orbits(f, p, Budget(self_check=False)))
            same = oc.get("count") == cert.get("count")
            old = f"{t_old:>8.2f} {oc['evidence'][0]['walks'] if oc['evidence'] else '-':>7} " \
                  f"{t_old / max(t_cert, 1e-9):>6.0f}" + ("" if same else "  COUNTS DIFFER")
        print(f"{p:>3} {count:>7} {ev.get('nodes', 0):>6} {ev.get('tests', 0):>6} {t_cert:>10.2f} {t_check:>8.2f} "
              f"{old}", flush=True)


if __name__ == "__main__":
    main()
