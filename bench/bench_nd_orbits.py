"""Time to list every orbit of minimal period p of the Hénon map with a completeness proof, and to check it.

For p = 1..P: the certifier without its self-check (the kernel's derivation, once), the kernel's `check`
in-process (it rebuilds the cover and redoes every walk), the count, the walks and the Krawczyk tests.

    PYTHONPATH=$PWD python bench/bench_nd_orbits.py [--spec "henon(a=1.4, b=0.3)"] [--periods 8]
"""

import argparse
import time

from certify.arith import Budget
from certify.checker import check
from certify.maps.polymap import parse_polymap_spec
from certify.periodic.polymap_orbits import certify_polymap_orbits


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", default="henon(a=1.4, b=0.3)")
    ap.add_argument("--periods", type=int, default=8)
    a = ap.parse_args()
    f = parse_polymap_spec(a.spec)
    print(f"{a.spec}: orbits of minimal period p, proved complete")
    print(f"{'p':>3} {'orbits':>7} {'grid':>9} {'cells':>6} {'walks':>7} {'tests':>7} {'certify s':>10} {'check s':>8}")
    for p in range(1, a.periods + 1):
        t = time.perf_counter()
        cert = certify_polymap_orbits(f, p, Budget(self_check=False))
        t_cert = time.perf_counter() - t
        t = time.perf_counter()
        ok = check(cert).ok
        t_check = time.perf_counter() - t
        ev = cert["evidence"][0] if cert["evidence"] else {}
        grid = "x".join(map(str, ev.get("grid", [])))
        count = cert.get("count", "undecided") if ok else "FAILED"
        print(f"{p:>3} {count:>7} {grid:>9} {ev.get('cells', 0):>6} {ev.get('walks', 0):>7} {ev.get('tests', 0):>7} "
              f"{t_cert:>10.2f} {t_check:>8.2f}", flush=True)


if __name__ == "__main__":
    main()
