"""The kernel's map semantics: exact, ball, range and piecewise-linear evaluation agree with the math."""

from fractions import Fraction

import mpmath
import pytest
from flint import arb, fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

from certify.checker.semantics import Program, eval_ball, eval_exact, eval_range, workprec
from certify.maps import from_weights, parse_map

from strategies import rationals, rnn1d_weights

SMOOTH = [
    "3*tanh(2*x+1/2) - 5/2*tanh(x-1)",
    "logistic(r=3.83)",
    "sigmoid(3*x) - x/4",
    "exp(-x^2) + sin(x)/3",
    "atan(x) + sqrt(x^2 + 1)",
    "relu(x - 1/3) * 2 - tanh(4*x)",
    "abs(x - 1/2) - 1/7",
]


def _mp(m, x):
    """mpmath value of the map at x (a high-precision float oracle, not a proof)."""
    return sympy_lambda(m)(x)


def sympy_lambda(m, _cache={}):
    import sympy
    if m.given not in _cache:
        _cache[m.given] = sympy.lambdify(sympy.Symbol("x"), m.expr, modules=[{"Max": mpmath_max, "Min": mpmath_min}, "mpmath"])
    return _cache[m.given]


def mpmath_max(*a):
    return max(a)


def mpmath_min(*a):
    return min(a)


@pytest.mark.parametrize("spec", SMOOTH)
@given(x=rationals(300, 37), r=st.sampled_from([0, Fraction(1, 1000), Fraction(1, 7)]))
@settings(max_examples=25, deadline=None)
def test_ball_encloses_mpmath_at_4x_precision(spec, x, r):
    """f(X) computed in arb at 64 bits contains f(t), t in X, evaluated by mpmath at 256 bits."""
    m = parse_map(spec)
    lo, hi = fmpq(x.numerator, x.denominator) - fmpq(r.numerator, r.denominator), \
        fmpq(x.numerator, x.denominator) + fmpq(r.numerator, r.denominator)
    with workprec(64):
        X = arb(lo).union(arb(hi))
        Y, dY = eval_ball(m.program, X, deriv=True)
    with mpmath.workprec(256):
        for t in (lo, hi, (lo + hi) / 2):
            v = _mp(m, mpmath.mpf(int(t.p)) / int(t.q))
            with workprec(256):
                assert Y.contains(arb(mpmath.nstr(v, 75)))


def test_monotone_activation_on_wide_ball_is_tight():
    """tanh on [-10, 10] evaluated from its endpoints is within [-1, 1], not arb's blow-up."""
    m = parse_map("tanh(x)")
    with workprec(64):
        Y = eval_ball(m.program, arb(0, 10))
    assert Y.lower() >= -1.0000001 and Y.upper() <= 1.0000001


def test_even_power_of_ball_is_nonnegative():
    """x^2 on [-1, 3] is enclosed in [0, 9] up to radius rounding (2^-30 relative), not in [-9, 9]."""
    m = parse_map("x^2")
    with workprec(64):
        Y = eval_ball(m.program, arb(1, 2))
    assert Y.contains(0) and Y.contains(9) and Y.lower() > -1e-7


def test_kink_derivative_hull():
    """The derivative enclosure of |x| on a ball around 0 is [-1, 1]."""
    m = parse_map("abs(x)")
    with workprec(64):
        _, d = eval_ball(m.program, arb(0, fmpq(1, 10)), deriv=True)
    assert d.contains(-1) and d.contains(1)


@given(w=rnn1d_weights(), xs=st.lists(rationals(50, 16), min_size=1, max_size=8))
@settings(max_examples=60, deadline=None)
def test_pl_table_agrees_with_exact_evaluation(w, xs):
    """The piecewise-linear table equals exact rational evaluation of the program at any point."""
    m = from_weights(w)
    pl = m.program.pl()
    assert pl is not None
    for x in xs:
        q = fmpq(x.numerator, x.denominator)
        assert pl(q) == eval_exact(m.program, q)


@given(w=rnn1d_weights(), xs=st.lists(rationals(50, 16), min_size=1, max_size=8))
@settings(max_examples=40, deadline=None)
def test_pl_breaks_are_sorted_and_slopes_change(w, xs):
    """Breakpoints are strictly increasing and the slope changes at each one (no redundant breaks)."""
    pl = from_weights(w).program.pl()
    assert all(a < b for a, b in zip(pl.breaks, pl.breaks[1:]))
    assert all(pl.slopes[j] != pl.slopes[j + 1] for j in range(len(pl.breaks)))


def test_relu_tent_identity():
    """2 relu(x) - 4 relu(x - 1/2) equals 2 min(x, 1 - x) on [0, 1] (FIELD.md reference value)."""
    a = parse_map("2*relu(x) - 4*relu(x - 1/2)").program.pl()
    b = parse_map("tent(s=2)").program.pl()
    for k in range(0, 65):
        x = fmpq(k, 64)
        assert a(x) == b(x)


def test_range_of_bounded_map():
    """f(R) of 3 tanh(2x + 1/2) - 5/2 tanh(x - 1) lies in [-11/2, 11/2]."""
    rng = eval_range(parse_map("3*tanh(2*x+1/2) - 5/2*tanh(x-1)").program)
    assert rng is not None and rng[0] >= -5.5 and rng[1] <= 5.5


def test_range_of_unbounded_map_is_none():
    """A map with an unbounded image (x + tanh x) has no finite range enclosure."""
    assert eval_range(parse_map("x + tanh(x)").program) is None


def test_range_of_sigmoid_is_unit_interval():
    """sigmoid maps R into [0, 1]."""
    lo, hi = eval_range(parse_map("sigmoid(x)").program)
    assert lo >= 0 and hi <= 1


def test_canonical_round_trip():
    """A formula's canonical string compiles to the same program as the parsed expression."""
    m = parse_map("3*tanh(2*x+1/2) - 5/2*tanh(x-1)")
    assert Program.from_canonical(m.canonical).code == Program.from_sympy(m.expr).code
