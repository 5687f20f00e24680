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

import functools

from flint import arb, ctx, fmpq, fmpq_poly, fmpz_poly


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


def shrink_root(m: fmpq_poly, a: fmpq, b: fmpq, bits: int):
    """A subinterval of [a, b] of width about 2^-bits holding m's one root in [a, b] (m(a) m(b) < 0),
    or (a, b): flint's root enclosures at that precision suggest it, and a sign change of m at its
    rational ends proves it. Exact bisection alone costs minutes at 4000 bits and degree 64."""
    if b - a <= fmpq(1, 2 ** bits):
        return a, b
    num = m.numer()
    with ctx.workprec(bits + 32):
        for r, _ in num.complex_roots():
            lo, hi = r.real.lower().fmpq(), r.real.upper().fmpq()
            if a <= lo and hi <= b and lo < hi and m(lo) * m(hi) < 0:
                return lo, hi
    return a, b


MAX_ROOT_DEGREE = 64  # degree of the polynomial of a root constant (a map's `CRootOf(p, k)`)


@functools.lru_cache(maxsize=256)
def real_root(coeffs: tuple, index: int) -> "RealRoot":
    """The index-th real root (increasing order, from 0) of the irreducible integer polynomial with
    coefficients `coeffs` (constant term first); cached, as maps evaluate their constants often."""
    return RealRoot(coeffs, index)


class RealRoot:
    """A real algebraic number: the index-th real root of an irreducible integer polynomial m.

    m is checked irreducible of degree >= 2 (flint's factorisation), so its roots are simple and
    irrational. flint's `complex_roots` isolates them (real ones with imaginary part exactly 0);
    the index-th real one gets a rational isolating interval [lo, hi] with m(lo), m(hi) of opposite
    signs and `count_real_roots(m, lo, hi) == 1`; `ball(bits)` bisects it exactly (never hitting a
    root: m has no rational root)."""

    def __init__(self, coeffs: tuple, index: int):
        if not 3 <= len(coeffs) <= MAX_ROOT_DEGREE + 1 or not all(isinstance(c, int) for c in coeffs) \
                or coeffs[-1] == 0:
            raise ValueError(f"a root constant's polynomial has integer coefficients and degree 2..{MAX_ROOT_DEGREE}")
        zm = fmpz_poly(list(coeffs))
        _, factors = zm.factor()
        if len(factors) != 1 or factors[0][1] != 1 or factors[0][0].degree() != zm.degree():
            raise ValueError("a root constant's polynomial is not irreducible over Q")
        self.m = fmpq_poly(list(coeffs))
        reals = sorted((r.real for r, _ in zm.complex_roots() if r.imag == 0), key=lambda v: v.mid())
        if not isinstance(index, int) or not 0 <= index < len(reals):
            raise ValueError(f"the polynomial has {len(reals)} real root(s); index {index} does not name one")
        r = reals[index]
        lo, hi = r.lower().fmpq(), r.upper().fmpq()
        if not (self.m(lo) * self.m(hi) < 0 and count_real_roots(self.m, lo, hi) == 1):
            raise ValueError("could not isolate the root")  # not reached: flint's enclosures are disjoint
        self._a, self._b = lo, hi
        self._sa = self.m(lo) > 0

    def ball(self, bits: int) -> arb:
        """A ball holding the root, of radius at most 2^-bits."""
        eps = fmpq(1, 2 ** bits)
        self._a, self._b = shrink_root(self.m, self._a, self._b, bits)
        while self._b - self._a > eps:
            c = (self._a + self._b) / 2
            if (self.m(c) > 0) == self._sa:
                self._a = c
            else:
                self._b = c
        with ctx.workprec(bits + 16):  # arb(fmpq) rounds to the working precision
            return arb(self._a).union(arb(self._b))

    def interval(self) -> tuple:
        """The current rational isolating interval (lo, hi)."""
        return self._a, self._b
