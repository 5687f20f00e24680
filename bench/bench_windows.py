"""Benchmark: every window of the logistic family r x (1 - x), period by period (issue 11 item 4).

Prints, per period p, the time of `certify_windows` on [3, 4] (with its kernel self-check), the
time of `check(cert)` alone, the number of births (which must equal OEIS A000048) and the widest
birth enclosure. Side by side on p = 5 and p = 6: the exact-elimination route (discriminant of the
dynatomic polynomial, still the default there) and the births route (fact logistic_births, the
default from p = 7 on), with their ratio.

    python bench/bench_windows.py            # p = 3..10; target: all of them <= 60 s on 2 cores
    python bench/bench_windows.py --pmax 12  # further
"""

from __future__ import annotations

import argparse
import time

from flint import fmpq

from certify.arith import Budget
from certify.certificates import interval_parse
from certify.checker import check
from certify.maps import parse_family
from certify.thresholds import _windows_logistic, certify_windows

A000048 = {3: 1, 4: 2, 5: 3, 6: 5, 7: 9, 8: 16, 9: 28, 10: 51, 11: 93, 12: 170}


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pmin", type=int, default=3)
    ap.add_argument("--pmax", type=int, default=10)
    args = ap.parse_args()
    fam = parse_family("logistic(r)", "r")
    rng = (fmpq(3), fmpq(4))
    print("side by side on [7/2, 4]: exact elimination (disc of Phi_p) vs births (logistic_births)")
    for p in (5, 6):
        ex, t_ex = timed(lambda: certify_windows(fam, p, (fmpq(7, 2), fmpq(4))))
        bi, t_bi = timed(lambda: _windows_logistic(fam, p, (fmpq(7, 2), fmpq(4)), 30, Budget()))
        same = [w["orbits"] for w in ex["windows"]] == [w["orbits"] for w in bi["windows"]]
        print(f"  p={p:2d}  exact {t_ex:7.2f} s   births {t_bi:6.2f} s   ratio exact/births {t_ex / t_bi:7.1f}"
              f"   same orbit counts: {same}")
    print(f"every window on [3, 4], p = {args.pmin}..{args.pmax} (certify_windows with its self-check; check alone)")
    total = 0.0
    for p in range(args.pmin, args.pmax + 1):
        cert, t = timed(lambda: certify_windows(fam, p, rng))
        res, t_check = timed(lambda: check(cert))
        total += t
        fact = cert["evidence"][0] if cert["evidence"] else {}
        if fact.get("fact") == "logistic_births":
            n = len(fact["births"])
            width = max(float(b - a) for a, b in (interval_parse(bt["r"]) for bt in fact["births"]))
            how = "births"
        else:
            n = len(fact.get("roots", []))
            width = max((float(b - a) for a, b in map(interval_parse, fact.get("roots", []))), default=0.0)
            how = "exact"
        want = A000048.get(p)
        print(f"  p={p:2d}  {how:6s} {t:7.2f} s   check {t_check:5.2f} s   {cert['verdict']:8s} births {n:3d}"
              f" (A000048: {want})   widest {width:.1e}   kernel ok: {res.ok}")
    print(f"total {total:.2f} s (target <= 60 s)")


if __name__ == "__main__":
    main()
