"""Benchmark: the Feigenbaum point of the logistic family from both sides (issue 11 item 4).

Per depth k: the time of `certify_chaos_onset` on [1, 4] with facts of depth k (the superstable
parameters of period 2^k and 3 * 2^(k-1), kernel self-check included), the time of `check(cert)`
alone, the enclosure's width and its correct digits (shared decimals of the two ends), and the
distance of each end to the literature value. Target: >= 6 correct digits in <= 60 s.

    python bench/bench_feigenbaum.py              # k = 8, 10, 12, 14, 15 (the default is 15)
"""

from __future__ import annotations

import argparse
import time

from flint import fmpq

from certify.checker import check
from certify.maps import parse_family
from certify.thresholds import chaos, feigenbaum as FG

R_INF = fmpq(356994567187094490184200515138649893676, 10 ** 38)


def digits(lo: fmpq, hi: fmpq) -> int:
    """Decimal digits (counting the leading 3) shared by every number of [lo, hi]."""
    return max(d for d in range(40) if (lo * 10 ** d).floor() == (hi * 10 ** d).floor()) + 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--depths", default="8,10,12,14,15")
    args = ap.parse_args()
    fam = parse_family("logistic(r)", "r")
    for k in map(int, args.depths.split(",")):
        FG.DEPTH = k
        t = time.perf_counter()
        cert = chaos.certify_chaos_onset(fam, None, periods=(6,))
        t_all = time.perf_counter() - t
        t = time.perf_counter()
        ok = check(cert).ok
        t_check = time.perf_counter() - t
        lo, hi = fmpq(*map(int, cert["lower"].split("/"))), fmpq(*map(int, cert["upper"].split("/")))
        print(f"  k={k:2d}  periods 2^{k} and 3*2^{k - 1}   {t_all:6.2f} s (check {t_check:5.2f} s)   width "
              f"{float(hi - lo):.2e}   {digits(lo, hi):2d} correct digits   r_inf - lo {float(R_INF - lo):.2e}"
              f"   hi - r_inf {float(hi - R_INF):.2e}   kernel ok: {ok}   ratio to the 60 s target {t_all / 60:.3f}")


if __name__ == "__main__":
    main()
