"""The Feigenbaum point of the logistic family from both sides (certifier).

Lower side: the superstable parameter R_k of period 2^k in the period-doubling cascade (kneading
sequence W_k C); upper side: the superstable parameter T_k of period 3 * 2^(k-1) in the window of
period 3 * 2^(k-1) nearest the cascade's end. Both are found by Newton on S_n(r) = f_r^n(1/2) - 1/2
at ball midpoints, from the previous two by Feigenbaum's scaling (r_(k+1) - r_k ~ (r_k - r_(k-1)) /
4.669); each is then wrapped in an interval of width ~2^-(prec/2) and proved by the kernel's fact
(certify/checker/feigenbaum.py): a unique zero of S_n, the critical point of minimal period n, and
for R_k the kneading sequence W_k. R_k < r_inf < T_k, and both tend to r_inf like 4.669^-k.
"""

from __future__ import annotations

from flint import arb, fmpq

from certify.arith import dyadic, workprec
from certify.certificates import interval, q_str
from certify.checker.feigenbaum import critical_orbit

DELTA = arb("4.6692016091029906718532038")
DEPTH = 15  # R_15 (period 32768) and T_15 (period 49152): 10 correct digits, about 2 s


def _newton(r: arb, n: int, prec: int) -> arb:
    """A zero of S_n near r (ball midpoints, untrusted)."""
    for _ in range(100):
        s, ds = critical_orbit(r, n)[-1]
        step = (s / ds).mid()
        r = (r - step).mid()
        if abs(step) < arb(2) ** (16 - prec):
            break
    return r


def _ladder(first: tuple, period, depth: int, prec: int) -> arb:
    """The superstable parameter of period(depth) continued by Feigenbaum scaling from the known
    ones of period(0), period(1) (float guesses in `first`)."""
    r0, r1 = _newton(arb(first[0]), period(0), prec), _newton(arb(first[1]), period(1), prec)
    for k in range(2, depth + 1):
        r0, r1 = r1, _newton((r1 + (r1 - r0) / DELTA).mid(), period(k), prec)
    return r1


def prec_for(depth: int) -> int:
    return 128 + 16 * depth


def cascade_facts(depth: int = DEPTH, report=lambda msg: None):
    """[cascade_center fact (period 2^depth), superstable_at fact (period 3 * 2^(depth-1))], untrusted;
    the kernel decides."""
    if not 2 <= depth <= 15:
        raise ValueError("depth must be in 2..15")
    prec = prec_for(depth)
    rad = fmpq(1, 2 ** (prec // 2))
    with workprec(prec):
        report(f"chaos onset: the superstable parameter of period 2^{depth} = {2 ** depth} of the cascade")
        low = _ladder(("2", "3.2360679774997897"), lambda k: 2 ** k, depth, prec)
        report(f"chaos onset: the superstable parameter of period 3*2^{depth - 1} = {3 * 2 ** (depth - 1)}")
        high = _ladder(("3.8318740552833155", "3.6275575095586167"), lambda k: 3 * 2 ** k, depth - 1, prec)
    facts = []
    for r, extra in ((low, {"fact": "cascade_center", "k": depth}),
                     (high, {"fact": "superstable_at", "n": 3 * 2 ** (depth - 1)})):
        m = dyadic(r.mid().fmpq(), prec // 2 + 8, up=False)
        facts.append(dict(extra, r=interval(m - rad, m + rad), prec=prec))
    return facts


def cascade_fact(k: int) -> dict:
    """The cascade_center fact of period 2^k alone (k >= 1), untrusted."""
    prec = prec_for(k)
    rad = fmpq(1, 2 ** (prec // 2))
    with workprec(prec):
        r = _ladder(("2", "3.2360679774997897"), lambda j: 2 ** j, k, prec)
    m = dyadic(r.mid().fmpq(), prec // 2 + 8, up=False)
    return {"fact": "cascade_center", "k": k, "r": interval(m - rad, m + rad), "prec": prec}


def bounds(facts) -> tuple:
    """(lower, upper) as the kernel reads them: the lower fact's r.lo, the upper fact's r.hi."""
    from certify.certificates import interval_parse

    return interval_parse(facts[0]["r"])[0], interval_parse(facts[1]["r"])[1]


def as_fields(facts) -> dict:
    lo, hi = bounds(facts)
    return {"lower": q_str(lo), "upper": q_str(hi), "period": facts[1]["n"]}
