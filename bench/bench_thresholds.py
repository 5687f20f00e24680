"""Benchmark: certified onsets of periods (logistic, tent, a tanh family) vs a float bisection.

Prints, per case, certify's time and the float baseline's time and correct digits. The float
baseline bisects the parameter with a grid detector ("period p present" if x - f^p(x) changes
sign more often than x - f(x) on a 20,001-point grid of [0, 1]), which is neither rigorous nor,
near a tangency, reliable; its digits are counted against certify's certified enclosure.

    python bench/bench_thresholds.py   # targets: logistic p=3 with 1000 digits <= 1 s, p=5 with 100 digits
                                       # <= 10 s; a tanh family p=3 with 30 digits <= 10 s
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


def float_onset(fam, p: int, a: float, b: float, window, steps: int = 60, grid: int = 20001) -> float:
    """Float bisection of the onset with a sign-change grid detector (the notebooks' protocol):
    "period p present" when x - f^p(x) changes sign more often than x - f(x) on the grid."""
    from certify.arith import float_map

    xs = np.linspace(float(window[0]), float(window[1]), grid)

    def has_period(r):
        f = float_map(fam.program, param=r)
        y = xs
        for _ in range(p):
            y = f(y)
        changes_p = np.count_nonzero(np.diff(np.sign(xs - y)))
        changes_1 = np.count_nonzero(np.diff(np.sign(xs - f(xs))))
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


ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent
CASES = (  # family, parameter, p, digits, target seconds, range, float grid window
    ("logistic(r)", "r", 3, 1000, 1.0, (fmpq(7, 2), fmpq(4)), (0, 1)),
    ("logistic(r)", "r", 5, 100, 10.0, (fmpq(7, 2), fmpq(4)), (0, 1)),
    ("logistic(r)", "r", 4, 30, None, (fmpq(3), fmpq(4)), (0, 1)),
    ("logistic(r)", "r", 6, 30, None, (fmpq(7, 2), fmpq(4)), (0, 1)),
    ("tent(s)", "s", 3, 30, None, (fmpq(11, 10), fmpq(2)), (0, 1)),
    ("3*tanh(3*x) - g*tanh(x-1/2) + 1/3", "g", 3, 30, 10.0, (fmpq(3), fmpq(4)), (-7, 8)),
    (str(ROOT / "proofs" / "he_relu16_net.json"), "gain", 3, 30, None, (fmpq(1, 2), fmpq(1)), (-10, 10)),
)
WIDE = (str(ROOT / "bench" / "he_relu64_net.json"), "gain", 3, 30, None, (fmpq(1, 2), fmpq(1)), (-10, 10))


def run_case(spec, param, p, digits, target, rng, window):
    fam = parse_family(spec, param)
    t0 = time.perf_counter()
    cert = certify_onset(fam, p, rng, digits=digits)
    t_cert = time.perf_counter() - t0
    t0 = time.perf_counter()
    ok = check(cert).ok
    t_check = time.perf_counter() - t0
    lo, hi = interval_parse(cert["onset"])
    t0 = time.perf_counter()
    guess = float_onset(fam, p, float(rng[0]), float(rng[1]), window)
    t_float = time.perf_counter() - t0
    method = next((f["fact"] for f in cert["evidence"] if f["fact"] != "cycle_at"), "-")
    return {"spec": spec, "p": p, "digits": digits, "verdict": cert["verdict"], "check_ok": ok,
            "exact": cert.get("exact"), "method": method,
            "certify_s": t_cert, "check_s": t_check, "target_s": target,
            "float_s": t_float, "float_value": guess, "float_digits_right": digits_right(guess, lo, hi),
            "onset": float((lo + hi) / 2)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wide", action="store_true", help="also a width-64 He ReLU net's gain onset (~90 s)")
    args = ap.parse_args(argv)
    print("certified onset of period p; float baseline: 60-step bisection with a 20,001-point sign-change "
          "grid detector")
    print(f"{'family':34} {'p':>2} {'digits':>6} {'method':>15} {'certify':>9} {'target':>8} {'check':>8} "
          f"{'float':>8} {'float digits':>13}  onset")
    for case in CASES + ((WIDE,) if args.wide else ()):
        r = run_case(*case)
        tgt = "-" if r["target_s"] is None else f"{r['target_s']:.1f} s"
        name = r['spec'].rsplit('/', 1)[-1] if r['spec'].endswith('.json') else r['spec']
        print(f"{name[:34]:34} {r['p']:2d} {r['digits']:6d} {r['method']:>15} {r['certify_s']:8.3f}s {tgt:>8} "
              f"{r['check_s']:7.3f}s {r['float_s']:7.3f}s {r['float_digits_right']:13.1f}  "
              f"{r['onset']:.15f} {r['exact'] or ''} ({r['verdict']}, check {'ok' if r['check_ok'] else 'FAILED'})")


if __name__ == "__main__":
    main()
