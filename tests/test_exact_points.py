"""Exact non-hyperbolic periodic points (certify/checker/taylor.py): exact Taylor coefficients at
rational points, the multiple-root cell "t" of ball covers, exact cycles of transcendental maps;
against mpmath and Fraction oracles, with tampered certificates."""

import copy
import dataclasses
from fractions import Fraction

import mpmath
import pytest
from flint import fmpq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certify.arith import Budget
from certify.checker import check
from certify.checker.semantics import workprec
from certify.checker.taylor import NoSeries, exact_value, isolated_root, iterate_ball, iterate_exact
from certify.maps import parse_map
from certify.periodic.balls import simplest_rational
from certify.periodic.period import certify_orbits, certify_period
from strategies import small_rationals


def _checked(run, spec, p):
    cert = run(parse_map(spec), p)
    res = check(cert)
    assert res.ok, res.message
    return cert


@pytest.mark.parametrize("spec", ["tanh(x)", "sin(x)", "x + x^3", "x - x^3", "atan(x)"])
def test_non_hyperbolic_fixed_point_zero_proved_exactly(spec):
    """f(0) = 0 with f'(0) = 1 is proved a fixed point by exact evaluation (tanh(0) = 0 exactly)."""
    cert = _checked(certify_period, spec, 1)
    assert cert["verdict"] == "proved"
    assert cert["evidence"][-1] == {"fact": "cycle_exact", "points": ["0"]}


@pytest.mark.parametrize("spec,orbits", [("tanh(x)", [["0"]]), ("sin(x)", [["0"]]), ("x + x^3", [["0"]]),
                                         ("x - x^3", [["0"]]), ("x^2 + 1/4", [["1/2"]])])
def test_non_hyperbolic_fixed_point_is_the_only_one(spec, orbits):
    """The complete list of fixed points is the exact multiple root alone (an "t" cell around it)."""
    cert = _checked(certify_orbits, spec, 1)
    assert cert["count"] == 1 and [[b["lo"] for b in o] for o in cert["orbits"]] == orbits
    assert all(b["lo"] == b["hi"] for o in cert["orbits"] for b in o)


def test_cubic_two_cycle_and_its_triple_root_at_zero():
    """x - x^3 has exactly one 2-cycle, {-sqrt 2, sqrt 2}; 0 (a triple root of f^2(x) - x, period 1) is excluded."""
    cert = _checked(certify_orbits, "x - x^3", 2)
    assert cert["count"] == 1
    (a, b), = [[float(Fraction(x["lo"])) for x in o] for o in cert["orbits"]]
    assert abs(a + 2 ** 0.5) < 1e-9 and abs(b - 2 ** 0.5) < 1e-9
    cells = cert["evidence"][-1]["cells"]
    assert [c[3:] for c in cells if c[2] == "t"] == [["0", 3]]


def test_logistic_three_has_no_two_cycle():
    """At r = 3 the 2-cycle is not yet born: f^2(x) - x has a triple root at 2/3 and nothing else of period 2."""
    assert _checked(certify_period, "logistic(r=3)", 2)["verdict"] == "refuted"


def test_tanh_has_no_period_two():
    """tanh(x) has no 2-cycle on R (increasing on its region: only fixed points)."""
    assert _checked(certify_period, "tanh(x)", 2)["verdict"] == "refuted"


def test_irrational_tangency_is_proved_as_an_algebraic_point():
    """x + (x^2 - 2)^2 touches the diagonal at +-sqrt 2 (irrational): proved exactly in Q(sqrt 2), never guessed."""
    budget = dataclasses.replace(Budget(), max_prec=128)
    cert = certify_period(parse_map("x + (x^2-2)^2"), 1, budget=budget)
    assert cert["verdict"] == "proved" and cert["evidence"][-1]["fact"] == "cycle_algebraic"
    assert cert["evidence"][-1]["field"]["minpoly"] == ["-2", "0", "1"] and check(cert).ok


def _tampered(spec, p, edit):
    cert = _checked(certify_orbits, spec, p)
    bad = copy.deepcopy(cert)
    edit(bad)
    return check(bad)


def _m_row(cert):
    return next(c for c in cert["evidence"][-1]["cells"] if c[2] == "t")


def test_wrong_root_rejected():
    """An "t" cell naming a point that is not a solution (1/1000 instead of 0) is rejected."""
    res = _tampered("tanh(x)", 1, lambda c: _m_row(c).__setitem__(3, "1/1000"))
    assert not res.ok and "not proved the only solution" in res.message


@pytest.mark.parametrize("k", [1, 2, 4])
def test_wrong_multiplicity_rejected(k):
    """tanh(x) - x has a root of multiplicity exactly 3 at 0: multiplicity 1, 2 or 4 is rejected."""
    res = _tampered("tanh(x)", 1, lambda c: _m_row(c).__setitem__(4, k))
    assert not res.ok and "multiplicity" in res.message


def test_cell_holding_other_roots_rejected():
    """x^3 has fixed points -1, 0, 1: a cell [-2, 2] cannot isolate 0 at any multiplicity."""
    prog = parse_map("x^3").program
    assert not any(isolated_root(prog, fmpq(-2), fmpq(2), fmpq(0), k, 1) for k in range(1, 6))
    assert isolated_root(prog, fmpq(-1, 2), fmpq(1, 2), fmpq(0), 1, 1)


def test_root_on_the_cell_end_rejected():
    """The multiple root must be interior to its cell (a root on a shared end would count twice)."""
    prog = parse_map("tanh(x)").program
    assert not isolated_root(prog, fmpq(0), fmpq(1, 4), fmpq(0), 3, 1)


def test_exact_cycle_at_a_non_special_point_rejected():
    """tanh(1/2) is not rational, so a cycle_exact fact at 1/2 for tanh(x) cannot be evaluated and is refused."""
    cert = _checked(certify_period, "tanh(x)", 1)
    bad = copy.deepcopy(cert)
    bad["evidence"][-1]["points"] = ["1/2"]
    bad["orbit"] = [{"lo": "1/2", "hi": "1/2"}]
    res = check(bad)
    assert not res.ok and "cannot be evaluated exactly" in res.message


def test_kinks_refuse_derivatives():
    """abs and max at a tie have no Taylor series: the value is exact, the derivatives are refused."""
    prog = parse_map("abs(x) + x/2").program
    assert exact_value(prog, fmpq(0)) == 0
    assert not isolated_root(prog, fmpq(-1), fmpq(1), fmpq(0), 1, 1)


def test_simplest_rational():
    """The rational of least denominator in [lo, hi]: 0 across 0, 1/3 from a tiny cell around it."""
    eps = fmpq(1, 2 ** 200)
    assert simplest_rational(fmpq(-1, 10), fmpq(1, 7)) == 0
    assert simplest_rational(fmpq(1, 3) - eps, fmpq(1, 3) + eps) == fmpq(1, 3)
    assert simplest_rational(fmpq(-2, 3) - eps, fmpq(-2, 3) + eps) == fmpq(-2, 3)
    assert simplest_rational(fmpq(3, 10), fmpq(2, 5)) == fmpq(1, 3)


# ----------------------------------------------------------------------------- oracles

_UNITS = {  # name -> (formula of u, mpmath function); every unit vanishes at 0, exactly
    "tanh": ("tanh({w}*x)", lambda w, x: mpmath.tanh(w * x)),
    "sin": ("sin({w}*x)", lambda w, x: mpmath.sin(w * x)),
    "atan": ("atan({w}*x)", lambda w, x: mpmath.atan(w * x)),
    "expm1": ("(exp({w}*x) - 1)", lambda w, x: mpmath.exp(w * x) - 1),
    "cos": ("(cos({w}*x) - 1)", lambda w, x: mpmath.cos(w * x) - 1),
    "log": ("log(1 + ({w})**2*x**2)", lambda w, x: mpmath.log(1 + w * w * x * x)),
    "sqrt": ("(sqrt(1 + x**2) - 1)", lambda w, x: mpmath.sqrt(1 + x * x) - 1),
    "cube": ("({w})*x**3", lambda w, x: w * x ** 3),
}


@st.composite
def vanishing_maps(draw):
    """f(x) = s x + sum a_i u_i(w_i x), each unit zero at 0: f(0) = 0 exactly, non-hyperbolic when s + ... = 1."""
    s = draw(st.sampled_from([Fraction(1), Fraction(0), Fraction(1, 2), Fraction(-1)]))
    units = draw(st.lists(st.tuples(st.sampled_from(sorted(_UNITS)), small_rationals(), small_rationals()),
                          min_size=1, max_size=3))
    return s, units


def _formula(net):
    s, units = net
    return " + ".join([f"({s})*x"] + [f"({a})*" + _UNITS[n][0].format(w=f"({w})") for n, a, w in units])


def _oracle(net):
    s, units = net
    mp = lambda q: mpmath.mpf(q.numerator) / q.denominator  # noqa: E731
    return lambda x: mp(s) * x + sum((mp(a) * _UNITS[n][1](mp(w), x) for n, a, w in units), mpmath.mpf(0))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(net=vanishing_maps(), p=st.sampled_from([1, 2]))
def test_exact_taylor_coefficients_match_mpmath(net, p):
    """The exact Taylor coefficients of f^p at 0 agree with mpmath's (50 digits) to 1e-25."""
    f = _oracle(net)
    prog = parse_map(_formula(net)).program
    c = iterate_exact(prog, fmpq(0), p, 6)
    mpmath.mp.dps = 50
    g = (lambda x: f(f(x))) if p == 2 else f
    ref = mpmath.taylor(g, 0, 5)
    for exact, num in zip(c, ref):
        assert abs(mpmath.mpf(int(exact.p)) / int(exact.q) - num) < mpmath.mpf(10) ** -25


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(net=vanishing_maps(), width=st.sampled_from([fmpq(1, 100), fmpq(1, 10), fmpq(1, 2)]))
def test_ball_coefficients_enclose_mpmath_at_sampled_points(net, width):
    """Each ball coefficient over X = [-w, w] contains mpmath's coefficient at every sampled xi in X."""
    f = _oracle(net)
    prog = parse_map(_formula(net)).program
    with workprec(64):
        try:
            balls = iterate_ball(prog, -width, width, 1, 5)
        except NoSeries:  # e.g. log of an argument not proved positive on a wide ball: nothing claimed
            return
    mpmath.mp.dps = 40
    W = mpmath.mpf(int(width.p)) / int(width.q)
    for t in (-1, -0.5, 0, 0.3, 1):
        ref = mpmath.taylor(f, W * t, 4)
        for b, num in zip(balls, ref):
            tol = 1e-12 * (1 + abs(float(num)))
            assert float(b.lower()) - tol <= float(num) <= float(b.upper()) + tol


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(net=vanishing_maps(), width=st.sampled_from([fmpq(1, 20), fmpq(1, 4), fmpq(1)]))
def test_isolated_root_agrees_with_a_scan(net, width):
    """Whenever the kernel says 0 is the only solution of f(x) = x in [-w, w], an mpmath scan of
    f(x) - x on 400 points finds no other zero and no sign change away from 0."""
    f = _oracle(net)
    prog = parse_map(_formula(net)).program
    with workprec(64):
        ok = any(isolated_root(prog, -width, width, fmpq(0), k, 1) for k in range(1, 7))
    if not ok:
        return
    mpmath.mp.dps = 30
    W = mpmath.mpf(int(width.p)) / int(width.q)
    xs = [W * (k / mpmath.mpf(200) - 1) for k in range(401)]
    vals = [f(x) - x for x in xs]
    for x, v in zip(xs, vals):
        assert x == 0 or v != 0
    neg = [v for x, v in zip(xs, vals) if x < 0]
    pos = [v for x, v in zip(xs, vals) if x > 0]
    assert all(v > 0 for v in neg) or all(v < 0 for v in neg)
    assert all(v > 0 for v in pos) or all(v < 0 for v in pos)
