"""Real roots of rational polynomials, counted exactly (trusted kernel).

`count_real_roots(P, lo, hi)` is the number of distinct real roots of P in the closed interval
[lo, hi] (a None end is infinite). The squarefree part S = P / gcd(P, P') has the same distinct
roots, all simple. python-flint's `complex_roots` returns pairwise disjoint certified enclosures
of the roots of S, the real ones with imaginary part exactly 0; a real root r whose enclosure
[a, b] meets an end e of the interval is placed exactly: r = e when S(e) = 0, else r < e when
S(a) and S(e) have opposite signs (S has the single simple root r in [a, b], so its sign changes
there and only there; S(a) != 0 unless r = a, decided first). Every test is an exact rational
evaluation or a certain ball comparison.
"""

from __future__ import annotations

from flint import arb, fmpq, fmpq_poly


def squarefree(poly: fmpq_poly) -> fmpq_poly:
    """P / gcd(P, P'): the same distinct roots, each simple."""
    return poly / poly.gcd(poly.derivative()) if poly.degree() > 0 else poly


def _side(S: fmpq_poly, root: arb, e: fmpq) -> int:
    """-1, 0 or 1 as the real root of S enclosed (alone) by `root` is below, at or above e."""
    if root < arb(e):
        return -1
    if root > arb(e):
        return 1
    if S(e) == 0:
        return 0
    a = root.lower().fmpq()
    if S(a) == 0:
        return -1 if a < e else 1
    return -1 if (S(a) > 0) != (S(e) > 0) else 1


def count_real_roots(poly: fmpq_poly, lo=None, hi=None) -> int:
    """Number of distinct real roots in [lo, hi] (the whole line if None)."""
    if poly.is_zero():
        raise ValueError("the zero polynomial")
    if poly.degree() < 1:
        return 0
    S = squarefree(poly)
    n = 0
    for r, _ in S.complex_roots():
        if not r.imag == 0:
            continue
        x = r.real
        if (lo is None or _side(S, x, fmpq(lo)) >= 0) and (hi is None or _side(S, x, fmpq(hi)) <= 0):
            n += 1
    return n
