"""The tail region rules of certify/checker/regions.py: f = s x + bounded with |s| < 1 (R7,
contracting) or |s| > 1 (R8, expanding), against an independent mpmath oracle, with tampered
certificates."""

import copy

import mpmath
from flint import fmpq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certify.certificates import q_parse, q_str
from certify.checker import check
from certify.checker.regions import affine_tail, expanding_radius_ok, half_bounded_ok, tail_radius_ok
from certify.checker.semantics import workprec
from certify.maps import parse_map
from certify.periodic.period import certify_orbits, certify_period, contracting_region, expanding_radius
from strategies import examples, skip_tanh_formula, skip_tanh_maps

SKIP = "x/2 + tanh(3*x)"


def _oracle(net):
    """f as an mpmath function of the weights alone (no certify code)."""
    s, units, c = net
    S = mpmath.mpf(s.numerator) / s.denominator

    def q(v):
        return mpmath.mpf(v.numerator) / v.denominator

    return lambda x: S * x + sum((q(a) * mpmath.tanh(q(w) * x + q(b)) for a, w, b in units), mpmath.mpf(0)) + q(c)


def _mp(q):
    return mpmath.mpf(int(q.p)) / int(q.q)


def _refuted(spec, p):
    cert = certify_period(parse_map(spec), p)
    assert check(cert).ok
    return cert


def test_skip_connection_decided_on_the_whole_line():
    """x/2 + tanh(3x) has no 2-cycle on R: the region comes from the contracting tails, R = 2 (up to rounding)."""
    cert = _refuted(SKIP, 2)
    region = cert["evidence"][0]
    assert cert["verdict"] == "refuted" and region["method"] == "contracting_tails"
    assert 2 <= q_parse(region["radius"]) <= fmpq(201, 100)


def test_skip_connection_fixed_points_listed():
    """x/2 + tanh(3x) has exactly three fixed points on R (0 and a symmetric pair near +-2)."""
    cert = certify_orbits(parse_map(SKIP), 1)
    assert check(cert).ok and cert["count"] == 3


def test_rnn_with_skip_connection_period_3_decided():
    """9/10 x + tanh(x - 1) - 2 tanh(3x + 1) + 1/3 (slope 9/10, R = 100/3) is decided for period 3 on R."""
    cert = certify_period(parse_map("9/10*x + tanh(x-1) - 2*tanh(3*x+1) + 1/3"), 3)
    assert cert["verdict"] in ("proved", "refuted") and check(cert).ok


def test_false_radius_rejected():
    """A certificate whose tail radius R is too small (|f(x)| < |x| fails just above R = 1) is rejected."""
    cert = _refuted(SKIP, 2)
    bad = copy.deepcopy(cert)
    bad["evidence"][0]["radius"] = "1"
    res = check(bad)
    assert not res.ok and "fact 0 (region)" in res.message and "R = 1" in res.message


def test_region_smaller_than_the_image_of_the_core_rejected():
    """A region that misses part of f([-R, R]) is rejected even with a true R."""
    cert = _refuted(SKIP, 2)
    bad = copy.deepcopy(cert)
    bad["evidence"][0]["region"] = {"lo": "-1", "hi": "1"}
    res = check(bad)
    assert not res.ok and "f([-R, R])" in res.message


def test_slope_one_refused():
    """x + tanh(x) (slope 1: no contraction) gets no contracting-tail region, whatever R is stated."""
    prog = parse_map("x + tanh(x)").program
    assert contracting_region(prog) is None
    cert = _refuted(SKIP, 2)
    bad = copy.deepcopy(cert)
    bad["map"] = {"given": "x + tanh(x)", "canonical": {"kind": "expr", "expr": "x + tanh(x)"}, "class": "smooth"}
    bad["evidence"][0]["radius"] = "1000000"
    assert not check(bad).ok


def test_products_with_x_are_not_split():
    """x tanh(x) and x/2 + exp(x) have no split s x + bounded (one grows like |x|, the other exponentially)."""
    assert affine_tail(parse_map("x*tanh(x)").program) is None
    assert affine_tail(parse_map("x/2 + exp(x)").program) is None


def test_bounded_units_of_sigmoid_and_gaussian_shape():
    """x/2 + sigmoid(x) - exp(-x^2) splits with slope 1/2 and |h| <= 1 (ranges of the units, not samples)."""
    s, h = affine_tail(parse_map("x/2 + sigmoid(x) - exp(-x^2)").program)
    assert s.contains(fmpq(1, 2)) and s.rad() == 0 and h.abs_upper() < 2


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(net=skip_tanh_maps(), frac=st.sampled_from([fmpq(0), fmpq(1, 4), fmpq(9, 10), fmpq(1), fmpq(3, 2)]))
def test_accepted_radius_is_true_for_the_oracle(net, frac):
    """Whenever the kernel accepts R, the oracle finds |f(x)| < |x| at every sampled |x| > R and
    |f(x)| <= R on [-R, R]; the certifier's R is always accepted (|s| < 1)."""
    prog = parse_map(skip_tanh_formula(net)).program
    f = _oracle(net)
    mpmath.mp.dps = 40
    with workprec(128):
        found = contracting_region(prog)
        assert found is not None
        R0, (lo, hi) = found
        R = R0 * frac
        ok = tail_radius_ok(prog, R)
    if frac >= 1:
        assert ok
    if not ok:
        return
    Rm = _mp(R)
    for t in [mpmath.mpf(10) ** e for e in range(-8, 9)]:
        for x in (Rm + t, -Rm - t):
            assert abs(f(x)) < abs(x)
    for k in range(-50, 51):
        assert abs(f(Rm * k / 50)) <= Rm


def _roots(g, lo, hi, n=3000):
    """Sign changes of g on a uniform grid of [lo, hi], refined by bisection (the oracle's roots)."""
    xs = [lo + (hi - lo) * k / n for k in range(n + 1)]
    vals = [g(x) for x in xs]
    out = [x for x, v in zip(xs, vals) if v == 0]
    for a, b, ga, gb in zip(xs, xs[1:], vals, vals[1:]):
        if ga * gb < 0:
            out.append(mpmath.findroot(g, (a, b), solver="bisect"))
    return out


@settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(net=skip_tanh_maps(width=(1, 2)))
def test_region_holds_the_oracles_fixed_points_and_two_cycles(net):
    """Every fixed point and 2-cycle point the oracle finds on a window 4 times wider than R lies in
    the certified region f([-R, R])."""
    prog = parse_map(skip_tanh_formula(net)).program
    f = _oracle(net)
    mpmath.mp.dps = 30
    with workprec(64):
        R, (lo, hi) = contracting_region(prog)
    W = 4 * _mp(R) + 1
    for g in (lambda x: f(x) - x, lambda x: f(f(x)) - x):
        for r in _roots(g, -W, W, 1500):
            tol = mpmath.mpf("1e-20") * (1 + abs(r))  # the oracle's roots are numerical (a point region: lo = hi)
            assert _mp(lo) - tol <= r <= _mp(hi) + tol, (skip_tanh_formula(net), r, q_str(lo))


# ----------------------------------------------------------------------------- expanding tails (R8)

EXPANDING = "3*x/2 + tanh(3*x)"


def test_expanding_skip_connection_fixed_points_complete():
    """3x/2 + tanh(3x) has exactly one fixed point on R (0): |f(x)| > |x| for |x| > R = 2 confines the rest."""
    cert = certify_orbits(parse_map(EXPANDING), 1)
    region = cert["evidence"][0]
    assert check(cert).ok and cert["count"] == 1 and region["method"] == "expanding_tails"
    assert 2 <= q_parse(region["radius"]) <= fmpq(201, 100)


def test_expanding_tails_refute_period_3():
    """-2x + tanh(3x) has no point of minimal period 3 on R (region [-R, R], R = 1 up to rounding)."""
    cert = _refuted("-2*x + tanh(3*x)", 3)
    assert cert["evidence"][0]["method"] == "expanding_tails"


def test_false_expanding_radius_rejected():
    """An expanding-tail radius below sup|h| / (|s| - 1) = 2 is rejected, and so is a region smaller than [-R, R]."""
    cert = certify_orbits(parse_map(EXPANDING), 1)
    bad = copy.deepcopy(cert)
    bad["evidence"][0]["radius"] = "1"
    res = check(bad)
    assert not res.ok and "R = 1" in res.message
    bad = copy.deepcopy(cert)
    bad["evidence"][0]["region"] = {"lo": "-1", "hi": "1"}
    assert not check(bad).ok


def test_slope_minus_one_has_no_tail_rule():
    """-x + tanh(x) (|s| = 1) gets neither tail rule: f(x) = -x shows |s| = 1 cannot confine periodic points."""
    prog = parse_map("-x + tanh(x)").program
    assert expanding_radius(prog) is None and contracting_region(prog) is None
    assert not expanding_radius_ok(prog, fmpq(10 ** 6))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(net=skip_tanh_maps(expanding=True), frac=st.sampled_from([fmpq(0), fmpq(1, 4), fmpq(9, 10), fmpq(1), fmpq(3, 2)]))
def test_accepted_expanding_radius_is_true_for_the_oracle(net, frac):
    """Whenever the kernel accepts an expanding radius R, the oracle finds |f(x)| > |x| at every sampled
    |x| > R; the certifier's R (and any larger one) is always accepted (|s| > 1)."""
    prog = parse_map(skip_tanh_formula(net)).program
    f = _oracle(net)
    mpmath.mp.dps = 40
    with workprec(128):
        R0 = expanding_radius(prog)
        assert R0 is not None
        R = R0 * frac
        ok = expanding_radius_ok(prog, R)
    if frac >= 1:
        assert ok
    if not ok:
        return
    Rm = _mp(R)
    for t in [mpmath.mpf(10) ** e for e in range(-8, 9)]:
        for x in (Rm + t, -Rm - t):
            assert abs(f(x)) > abs(x)


@settings(max_examples=examples(8), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(net=skip_tanh_maps(width=(1, 2), expanding=True))
def test_expanding_region_holds_the_oracles_fixed_points_and_two_cycles(net):
    """Every fixed point and 2-cycle point the oracle finds on a window 4 times wider than R lies in [-R, R]."""
    prog = parse_map(skip_tanh_formula(net)).program
    f = _oracle(net)
    mpmath.mp.dps = 30
    with workprec(64):
        R = expanding_radius(prog)
    W = 4 * _mp(R) + 1
    for g in (lambda x: f(x) - x, lambda x: f(f(x)) - x):
        for r in _roots(g, -W, W, 1500):
            assert -_mp(R) <= r <= _mp(R), (skip_tanh_formula(net), r, q_str(R))


# ----------------------------------------------------------------------------- half-bounded maps (R9)

def test_half_bounded_map_decided_on_the_whole_line():
    """1 - exp(x) (bounded above by 1, below by 1 - e on (-inf, 1]) has exactly one fixed point, 0, and no 2-cycle."""
    from certify.periodic.period import half_bounded_region

    side, (lo, hi) = half_bounded_region(parse_map("1 - exp(x)").program)
    assert side == "above" and hi >= 1 and _mp(lo) <= 1 - mpmath.e
    cert = certify_orbits(parse_map("1 - exp(x)"), 1)
    assert check(cert).ok and cert["count"] == 1 and cert["evidence"][0]["method"] == "half_bounded"
    assert _refuted("1 - exp(x)", 2)["evidence"][0]["method"] == "half_bounded"


def test_half_bounded_region_too_small_or_wrong_side_rejected():
    """A half-bounded region whose lower end misses f((-inf, M]) (1 - e < 0), or the other side, is rejected."""
    cert = _refuted("1 - exp(x)", 2)
    bad = copy.deepcopy(cert)
    bad["evidence"][0]["region"] = {"lo": "0", "hi": "1"}
    assert not check(bad).ok
    bad = copy.deepcopy(cert)
    bad["evidence"][0]["side"] = "below"
    assert not check(bad).ok
    assert not half_bounded_ok(parse_map("exp(x) - 3").program, "below", fmpq(-3), fmpq(10 ** 6))


@settings(max_examples=examples(8), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=st.sampled_from([0, 1, fmpq(-1, 2), 2]), b=st.sampled_from([fmpq(1, 2), 1, 3]),
       w=st.sampled_from([fmpq(1, 2), 1, 2]), e=st.sampled_from([0, 1, -2]), v=st.sampled_from([1, 3]))
def test_half_bounded_region_holds_the_oracles_fixed_points_and_two_cycles(a, b, w, e, v):
    """f(x) = a - b exp(w x) + e tanh(v x) (bounded above): every fixed point and 2-cycle point mpmath finds
    on a wide window lies in the certified region [m, M]."""
    from certify.periodic.period import half_bounded_region

    spec = f"({a}) - ({b})*exp(({w})*x) + ({e})*tanh(({v})*x)"
    got = half_bounded_region(parse_map(spec).program)
    assert got is not None and got[0] == "above"
    lo, hi = (_mp(t) for t in got[1])
    mpmath.mp.dps = 30
    A, B, W, E, V = (mpmath.mpf(int(fmpq(t).p)) / int(fmpq(t).q) for t in (a, b, w, e, v))
    f = lambda x: A - B * mpmath.exp(W * x) + E * mpmath.tanh(V * x)  # noqa: E731
    for g in (lambda x: f(x) - x, lambda x: f(f(x)) - x):
        for r in _roots(g, lo - 20, hi + 5, 1500):
            tol = mpmath.mpf("1e-20") * (1 + abs(r))  # the oracle's roots are numerical (a 2-cycle sits 1e-49 below M = 2)
            assert lo - tol <= r <= hi + tol, (spec, r)
