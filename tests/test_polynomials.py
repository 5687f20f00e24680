"""Exact real-root counts (kernel, flint root isolation) against sympy's Sturm sequences."""

from fractions import Fraction

import sympy
from flint import fmpq, fmpq_poly
from hypothesis import given, settings
from hypothesis import strategies as st

from certify.checker.polynomials import count_real_roots

X = sympy.Symbol("x")
ROOTS = st.sampled_from([Fraction(n, d) for n in range(-4, 5) for d in (1, 2, 3)])


def _sympy_count(coeffs, lo, hi):
    P = sympy.Poly(list(reversed(coeffs)), X).sqf_part()
    return int(P.count_roots(None if lo is None else sympy.Rational(lo), None if hi is None else sympy.Rational(hi)))


@settings(max_examples=200, deadline=None)
@given(st.lists(ROOTS, min_size=1, max_size=5), st.lists(st.integers(-3, 3), min_size=0, max_size=3),
       st.one_of(st.none(), ROOTS), st.one_of(st.none(), ROOTS))
def test_counts_equal_sturm(roots, extra, lo, hi):
    """Distinct real roots in [lo, hi], ends exactly on roots and multiple roots included, as sympy counts them."""
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    factor = sum(c * X ** k for k, c in enumerate(extra)) or 1  # any further (real or complex) roots
    P = sympy.Poly(sympy.prod([X - sympy.Rational(r) for r in roots]) * (X ** 2 + 1) * factor, X)
    coeffs = [sympy.Rational(c) for c in reversed(P.all_coeffs())]
    flint_poly = fmpq_poly([fmpq(int(c.p), int(c.q)) for c in coeffs])
    if flint_poly.is_zero():
        return
    f = lambda q: None if q is None else fmpq(q.numerator, q.denominator)  # noqa: E731
    assert count_real_roots(flint_poly, f(lo), f(hi)) == _sympy_count(coeffs, lo, hi)


def test_root_at_an_irrational_point_near_the_end():
    """x^2 - 2 has its root sqrt(2) in [1.41421356, 1.41421357] and not in [1/2, 1.41421356]."""
    P = fmpq_poly([-2, 0, 1])
    assert count_real_roots(P, fmpq(1, 2), fmpq(141421356, 10 ** 8)) == 0
    assert count_real_roots(P, fmpq(1, 2), fmpq(141421357, 10 ** 8)) == 1
    assert count_real_roots(P) == 2
