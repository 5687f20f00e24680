"""Benchmark: certified onsets of periods in the logistic family vs a float bisection.

Prints, per case, certify's time and the float baseline's time and correct digits. The float
baseline bisects the parameter with a grid detector ("period p present" if x - f^p(x) changes
sign more often than x - f(x) on a 20,001-point grid of [0, 1]), which is neither rigorous nor,
near a tangency, reliable; its digits are counted against certify's certified enclosure.

    python bench/bench_thresholds.py            # targets: p=3 with 1000 digits <= 1 s, p=5 with 100 digits <= 10 s
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
from flint import arb, ctx, fmpq

from certify.certificates import interval_parse
from certify.checker import check
from certify.maps import parse_family
from certify.thresholds import certify_onset


def float_onset(p: int, a: float, b: float, steps: int = 60, grid: int = 20001) -> float:
    """Float bisection of the onset with a sign-change grid detector (the notebooks' protocol)."""
    xs = np.linspace(0.0, 1.0, grid)

    def has_period(r):
        y = xs
        for _ in range(p):
            y = r * y * (1 - y)
        f1 = r * xs * (1 - xs)
        changes_p = np.count_nonzero(np.diff(np.sign(xs - y)))
        changes_1 = np.count_nonzero(np.diff(np.sign(xs - f1)))
        return changes_p > changes_1

    lo, hi = a, b
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        if has_period(mid):
            hi = mid
        else:
            lo = mid
    return hi


def digits_right(x: float, lo: fmpq, hi: fmpq) -> float:
    with ctx.workprec(200):
        err = abs(arb(x) - arb((lo + hi) / 2))
        e = float(err.upper())
    return float("inf") if e == 0 else max(0.0, -math.log10(e))


def run_case(p: int, digits: int, target: float, a: fmpq = fmpq(7, 2)):
    fam = parse_family("logistic(r)", "r")
    t0 = time.perf_counter()
    cert = certify_onset(fam, p, (a, fmpq(4)), digits=digits)
    t_cert = time.perf_counter() - t0
    t0 = time.perf_counter()
    ok = check(cert).ok
    t_check = time.perf_counter() - t0
    lo, hi = interval_parse(cert["onset"])
    t0 = time.perf_counter()
    guess = float_onset(p, float(a), 4.0)
    t_float = time.perf_counter() - t0
    return {"p": p, "digits": digits, "verdict": cert["verdict"], "check_ok": ok,
            "exact": cert.get("exact"), "minpoly_degree": next((len(f["minpoly"]) - 1 for f in cert["evidence"]
                                  if f["fact"] == "onset_algebraic"), 0),
            "certify_s": t_cert, "check_s": t_check, "target_s": target,
            "float_s": t_float, "float_value": guess, "float_digits_right": digits_right(guess, lo, hi),
            "onset": float((lo + hi) / 2)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.parse_args(argv)
    print("certified onset of period p for r in [3.5, 4] ([3, 4] for p = 4), logistic family; float baseline: "
          "60-step bisection with a 20,001-point sign-change grid detector")
    print(f"{'case':28} {'certify':>9} {'target':>8} {'check':>8} {'float':>8} {'float digits':>13}  onset")
    for p, digits, target, a in ((3, 1000, 1.0, fmpq(7, 2)), (5, 100, 10.0, fmpq(7, 2)), (4, 30, None, fmpq(3)),
                                 (6, 30, None, fmpq(7, 2))):
        r = run_case(p, digits, target, a)
        tgt = "-" if target is None else f"{target:.1f} s"
        case = f"p={p}, {digits} digits, deg {r['minpoly_degree']}"
        print(f"{case:28} {r['certify_s']:8.3f}s {tgt:>8} "
              f"{r['check_s']:7.3f}s {r['float_s']:7.3f}s {r['float_digits_right']:13.1f}  "
              f"{r['onset']:.15f} {r['exact'] or ''} ({r['verdict']}, check {'ok' if r['check_ok'] else 'FAILED'})")


if __name__ == "__main__":
    main()
