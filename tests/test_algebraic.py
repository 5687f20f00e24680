"""Maps over a real number field (certify/checker/algebraic.py): polynomials with square-root
coefficients stay polynomial, the exact period-3 orbit at the tangency r = 1 + 2 sqrt 2 of the
logistic family, tampered certificates, and mpmath / sympy oracles."""

import copy

import mpmath
import pytest
import sympy
from flint import fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

import certify
from certify.checker import check
from certify.checker.algebraic import NumberField, escape_radius, is_algebraic_polynomial
from certify.checker.statement import Failure
from certify.maps import parse_map
from certify.periodic.algebraic import algebraic_cycle
from certify.periodic.period import certify_period

TANGENCY = "logistic(r=1+2*sqrt(2))"


@pytest.fixture(scope="module")
def tangency_cert():
    """The period-3 certificate at r = 1 + 2 sqrt 2 (proved, checked)."""
    cert = certify_period(parse_map(TANGENCY), 3)
    assert cert["verdict"] == "proved" and check(cert).ok
    return cert


def test_square_root_coefficient_keeps_the_polynomial_class(tangency_cert):
    """r = 1 + 2 sqrt 2 is an algebraic coefficient: the map is a polynomial, in the Map and for the kernel."""
    m = parse_map(TANGENCY)
    assert m.kind == "polynomial" and is_algebraic_polynomial(m.program)
    assert tangency_cert["map"]["class"] == "polynomial"
    assert parse_map("x*exp(1) - x**2").kind == "smooth"  # a transcendental coefficient is not algebraic


def test_tangency_orbit_is_proved_exactly(tangency_cert):
    """The non-hyperbolic 3-cycle born at r = 1 + 2 sqrt 2 is proved by a cycle_algebraic fact."""
    facts = [f["fact"] for f in tangency_cert["evidence"]]
    assert facts == ["region", "cycle_algebraic"]
    assert tangency_cert["evidence"][0]["method"] == "polynomial_escape"


def test_tangency_orbit_matches_mpmath(tangency_cert):
    """The stated points, evaluated at 50 digits from the field's root, are a 3-cycle of f with multiplier 1."""
    fact = tangency_cert["evidence"][1]
    mpmath.mp.dps = 50
    coeffs = [mpmath.mpf(int(c)) for c in fact["field"]["minpoly"]]
    lo, hi = (mpmath.mpf(sympy.Rational(fact["field"]["root"][k])) for k in ("lo", "hi"))
    theta = mpmath.findroot(lambda t: mpmath.polyval(coeffs[::-1], t), (lo, hi), solver="anderson")
    xs = [sum(mpmath.mpf(sympy.Rational(c)) * theta ** i for i, c in enumerate(pt)) for pt in fact["points"]]
    r = 1 + 2 * mpmath.sqrt(2)
    f = lambda x: r * x * (1 - x)  # noqa: E731
    for i in range(3):
        assert abs(f(xs[i]) - xs[(i + 1) % 3]) < mpmath.mpf(10) ** -40
    mult = 1
    for x in xs:
        mult *= r * (1 - 2 * x)
    assert abs(mult - 1) < mpmath.mpf(10) ** -30
    mpmath.mp.dps = 15


@pytest.mark.parametrize("p", [1, 2, 4, 5, 6])
def test_other_periods_at_the_tangency_are_proved(p):
    """At r = 1 + 2 sqrt 2 every period exists (Sharkovsky from the exact 3-cycle, or a direct cycle)."""
    cert = certify_period(parse_map(TANGENCY), p)
    assert cert["verdict"] == "proved" and check(cert).ok


@pytest.mark.parametrize("spec,p", [("logistic(r=sqrt(2))", 2), ("logistic(r=sqrt(2))", 3),
                                    ("sqrt(2)*x**2 - 1", 3), ("logistic(r=1+sqrt(3))", 3)])
def test_polynomial_region_rules_refute_with_algebraic_coefficients(spec, p):
    """The escape radius bounds the periodic points of a polynomial over Q(sqrt n): periods refuted exactly."""
    cert = certify_period(parse_map(spec), p)
    assert cert["verdict"] == "refuted" and check(cert).ok
    assert cert["evidence"][0]["method"] == "polynomial_escape"


def _tamper(cert, edit):
    bad = copy.deepcopy(cert)
    edit(bad["evidence"][1])
    return check(bad)


def test_wrong_minimal_polynomial_is_rejected(tangency_cert):
    """A minimal polynomial changed in one coefficient is refused (reducible, no root, or off the orbit)."""
    res = _tamper(tangency_cert, lambda f: f["field"]["minpoly"].__setitem__(0, "-8"))
    assert not res.ok and "cycle_algebraic" in res.message


def test_reducible_minimal_polynomial_is_rejected(tangency_cert):
    """A minimal polynomial multiplied by (t - 1) is not irreducible: refused."""
    def edit(f):
        c = [int(v) for v in f["field"]["minpoly"]]
        f["field"]["minpoly"] = [str(v) for v in ([-c[0]] + [c[i - 1] - c[i] for i in range(1, len(c))] + [c[-1]])]
    res = _tamper(tangency_cert, edit)
    assert not res.ok and "not irreducible" in res.message


def test_isolating_interval_with_two_roots_is_rejected(tangency_cert):
    """An isolating interval holding several real roots of the minimal polynomial is refused."""
    res = _tamper(tangency_cert, lambda f: f["field"].__setitem__("root", {"lo": "-10", "hi": "10"}))
    assert not res.ok and "exactly one real root" in res.message


def test_point_off_the_orbit_is_rejected(tangency_cert):
    """A cycle point changed in one coefficient is not the image of its predecessor: refused."""
    res = _tamper(tangency_cert, lambda f: f["points"][1].__setitem__(0, "0"))
    assert not res.ok and "cycle_algebraic" in res.message


def test_negative_square_root_is_rejected(tangency_cert):
    """The radical -sqrt 2 squares to 2 but is negative: refused (it would be the map at r = 1 - 2 sqrt 2)."""
    res = _tamper(tangency_cert, lambda f: f.__setitem__("radicals", [[str(-sympy.Rational(c)) for c in r]
                                                                       for r in f["radicals"]]))
    assert not res.ok and "radical" in res.message


def test_box_missing_its_point_is_rejected(tangency_cert):
    """A box shifted off its cycle point is refused (the orbit enclosure is bound)."""
    def edit(f):
        f["boxes"][0] = {"lo": "1/100", "hi": "1/50"}
    res = _tamper(tangency_cert, edit)
    assert not res.ok


def test_number_field_refuses_two_roots_in_the_interval():
    """[-2, 2] holds both roots of t^2 - 2: not an isolating interval."""
    with pytest.raises(Failure):
        NumberField(["-2", "0", "1"], fmpq(-2), fmpq(2))


@settings(max_examples=60, deadline=None)
@given(st.integers(-30, 30), st.integers(-30, 30), st.integers(2, 40))
def test_signs_match_mpmath(a, b, n):
    """sign(a + b sqrt n) in Q(sqrt n) equals mpmath's sign at 50 digits (0 exactly when it is 0)."""
    s = sympy.sqrt(n)
    if s.is_Rational:  # a perfect square: the field is Q
        K = NumberField([str(-int(s)), "1"], fmpq(int(s) - 1), fmpq(int(s) + 1))
    else:
        K = NumberField([str(-n), "0", "1"], fmpq(0), fmpq(n))
    t = K.element(["0", "1"]) if K.degree == 2 else K(int(s))
    e = a + b * t
    mpmath.mp.dps = 50
    want = mpmath.sign(a + b * mpmath.sqrt(n))
    mpmath.mp.dps = 15
    assert e.sign() == want


@pytest.mark.parametrize("alg,rat", [("x*(1 + sqrt(2))*(1 - sqrt(2))*(x - 4)", "-x*(x - 4)"),
                                     ("sqrt(4)*x*(1 - x)", "2*x*(1 - x)"),
                                     ("x**2*((1 + sqrt(2))**2 - 3 - 2*sqrt(2)) + x**3/2 - 1", "x**3/2 - 1")])
def test_algebraic_coefficients_equal_to_rationals(alg, rat):
    """A coefficient that is algebraic but rational (or exactly 0) gives the rational map's degree and verdicts."""
    m, q = parse_map(alg), parse_map(rat)
    assert m.kind == q.kind == "polynomial"
    if is_algebraic_polynomial(m.program):
        M = escape_radius(m.program)
        assert M is not None and M >= 1
    for p in (2, 3):
        a, b = certify_period(m, p), certify_period(q, p)
        assert a["verdict"] == b["verdict"] and check(a).ok


def test_no_algebraic_cycle_where_none_exists():
    """Below the tangency (r = sqrt 14 < 1 + 2 sqrt 2) no 3-cycle exists and none is built."""
    assert algebraic_cycle(parse_map("logistic(r=sqrt(14))").program, 3) is None


def test_threshold_onset_feeds_back_to_period():
    """threshold's exact onset of period 3 for the logistic family is proved a period-3 parameter by period."""
    onset = certify.threshold("logistic(r)", "r", 3, (fmpq(7, 2), 4))
    exact = onset.certificate["exact"]
    assert sympy.sympify(exact) == 1 + 2 * sympy.sqrt(2)
    res = certify.period(f"logistic(r={exact})", 3)
    assert res.verdict == "proved" and res.certificate["evidence"][1]["fact"] == "cycle_algebraic"
    assert res.check().ok


# ----------------------------------------------------------------------------- root constants

def _mp_real_roots(coeffs):
    """The real roots of the integer polynomial (constant term first), sorted, by mpmath at 50 digits."""
    mpmath.mp.dps = 50
    rs = mpmath.polyroots([mpmath.mpf(c) for c in reversed(coeffs)], maxsteps=200, extraprec=200)
    out = sorted(mpmath.re(r) for r in rs if abs(mpmath.im(r)) < mpmath.mpf(10) ** -30)
    return out


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-9, 9), min_size=3, max_size=6).filter(lambda c: c[-1] != 0), st.integers(0, 4))
def test_root_constant_balls_hold_mpmath_roots(coeffs, k):
    """The kernel's ball for the k-th real root of an irreducible integer polynomial holds mpmath's root
    (and reducible polynomials or indices past the real roots are refused)."""
    from certify.checker.polynomials import RealRoot
    from flint import fmpz_poly

    _, factors = fmpz_poly(coeffs).factor()
    irreducible = len(factors) == 1 and factors[0][1] == 1 and factors[0][0].degree() == len(coeffs) - 1
    roots = _mp_real_roots(coeffs) if irreducible else []
    if not irreducible or k >= len(roots):
        with pytest.raises(ValueError):
            RealRoot(tuple(coeffs), k)
        return
    ball = RealRoot(tuple(coeffs), k).ball(120)
    assert ball.rad() < 2.0 ** -110
    lo, hi = ball.lower().fmpq(), ball.upper().fmpq()
    assert mpmath.mpf(int(lo.p)) / int(lo.q) <= roots[k] <= mpmath.mpf(int(hi.p)) / int(hi.q)


def test_root_syntax_names_the_one_root_in_the_interval():
    """root(x^3 - x - 1, 1, 2) is the plastic number, stored as CRootOf(x**3 - x - 1, 0); a rational
    root is the rational; an interval with 0 or 2 roots is refused."""
    m = parse_map("x*root(x^3 - x - 1, 1, 2)*(1 - x)")
    assert m.canonical["expr"] == "x*(1 - x)*CRootOf(x**3 - x - 1, 0)" and m.kind == "polynomial"
    assert ("root", (-1, -1, 0, 1), 0) in m.program.code
    assert parse_map("root(x^2 - 4, 1, 3)*x").canonical["expr"] == "2*x"
    assert parse_map("logistic(r=root(x^2 - 2*x - 7, 3, 4))").canonical == parse_map(TANGENCY).canonical
    for bad in ("root(x^2 - 2, -2, 2)*x", "root(x^2 + 1, -2, 2)*x", "root(x^2 - 2, 2, 1)*x"):
        with pytest.raises(certify.CertifyError):
            parse_map(bad)


def test_root_coefficient_polynomial_orbits_match_mpmath():
    """theta - x^2 with theta the real root of t^3 - t - 1: exactly two fixed points, at (-1 +- sqrt(1 + 4 theta))/2."""
    res = certify.orbits("root(x^3 - x - 1, 1, 2) - x^2", 1)
    assert res.verdict == "proved" and res.certificate["count"] == 2 and res.check().ok
    theta = _mp_real_roots([-1, -1, 0, 1])[0]
    want = sorted([(-1 - mpmath.sqrt(1 + 4 * theta)) / 2, (-1 + mpmath.sqrt(1 + 4 * theta)) / 2])
    for (box,), w in zip(sorted(res.certificate["orbits"], key=lambda o: sympy.Rational(o[0]["lo"])), want):
        assert mpmath.mpf(sympy.Rational(box["lo"])) <= w <= mpmath.mpf(sympy.Rational(box["hi"]))


def test_exact_cycle_over_a_root_field_is_checked():
    """An exact fixed point of theta - x^2 in Q(theta, sqrt(1 + 4 theta)) is accepted by the kernel; a
    radical that is another root of t^3 - t - 1's field equation, or a wrong point, is rejected."""
    from certify.checker.algebraic import fact_cycle_algebraic

    prog = parse_map("root(x^3 - x - 1, 1, 2) - x^2").program
    fact = algebraic_cycle(prog, 1)
    assert fact is not None and fact["fact"] == "cycle_algebraic"
    fact_cycle_algebraic(prog, fact, 1)
    bad = copy.deepcopy(fact)
    bad["radicals"][0] = ["0", "1"]  # theta := the field's generator, not a root of t^3 - t - 1
    with pytest.raises(Failure):
        fact_cycle_algebraic(prog, bad, 1)
    bad = copy.deepcopy(fact)
    bad["points"][0] = ["0"]
    with pytest.raises(Failure):
        fact_cycle_algebraic(prog, bad, 1)


@pytest.mark.parametrize("expr,why", [("x*CRootOf(x**3 - x - 1, 1)", "real root"),
                                      ("x*CRootOf(x**2 - 2, 5)", "")])
def test_forged_root_constants_are_refused(tangency_cert, expr, why):
    """A certificate whose map names a non-real root or a root index that does not exist does not check."""
    bad = copy.deepcopy(tangency_cert)
    bad["map"]["canonical"]["expr"] = expr
    res = check(bad)
    assert not res.ok and why in res.message


# ----------------------------------------------------------------------------- algebraic multiple roots in covers

@pytest.fixture(scope="module")
def tangency_orbits():
    """orbits p = 3 at r = 1 + 2 sqrt 2 (proved, checked)."""
    cert = certify.orbits(TANGENCY, 3).certificate
    assert check(cert).ok
    return cert


def _a_cells(cert):
    cover = next(f for f in cert["evidence"] if f["fact"] == "cover_ball")
    return cover, [i for i, c in enumerate(cover["cells"]) if c[2] == "a"]


def test_tangency_orbit_count_is_complete(tangency_orbits):
    """At the saddle-node r = 1 + 2 sqrt 2 there is exactly one 3-orbit, its three points double roots of
    f^3(x) - x ("a" cells), and mpmath's 3-cycle at 50 digits lies in the listed boxes."""
    cover, cells = _a_cells(tangency_orbits)
    assert tangency_orbits["verdict"] == "proved" and tangency_orbits["count"] == 1 and len(cells) == 3
    assert all(cover["cells"][i][6] == 2 for i in cells)
    mpmath.mp.dps = 50
    r = 1 + 2 * mpmath.sqrt(2)
    f = lambda t: r * t * (1 - t)  # noqa: E731
    x0 = mpmath.findroot(lambda t: f(f(f(t))) - t, mpmath.mpf("0.1599288184462"), tol=mpmath.mpf(10) ** -45)
    pts = sorted([x0, f(x0), f(f(x0))])
    boxes = sorted(tangency_orbits["orbits"][0], key=lambda b: sympy.Rational(b["lo"]))
    for w, b in zip(pts, boxes):
        assert mpmath.mpf(sympy.Rational(b["lo"])) <= w <= mpmath.mpf(sympy.Rational(b["hi"]))


@pytest.mark.parametrize("change", ["k", "point", "box", "radical"])
def test_tampered_algebraic_root_cell_is_rejected(tangency_orbits, change):
    """An "a" cell with a wrong multiplicity, another point, a box missing the point or a wrong radical fails."""
    bad = copy.deepcopy(tangency_orbits)
    cover, cells = _a_cells(bad)
    row = cover["cells"][cells[0]]
    if change == "k":
        row[6] = 1
    elif change == "point":
        row[5] = ["0"] * len(row[5])
    elif change == "box":
        row[7] = {"lo": row[0], "hi": row[7]["lo"]}
    else:
        row[4] = [["-" + c if not c.startswith("-") else c[1:] for c in row[4][0]]]
    res = check(bad)
    assert not res.ok and "cell" in res.message


def _fixed_point_oracle(a, n, b):
    """Distinct real roots of f(x) - x = a (x^2 - n)^2 (x - b) (or a (x^2 - n)^2 when b is None), exactly."""
    t = sympy.Symbol("t")
    g = a * (t ** 2 - n) ** 2 * ((t - b) if b is not None else 1)
    return len(set(sympy.real_roots(sympy.Poly(g, t))))


@settings(max_examples=12, deadline=None)
@given(st.sampled_from([2, 3, 5, 7, sympy.Rational(1, 2)]), st.sampled_from([1, -1, sympy.Rational(1, 3), -3]),
       st.one_of(st.none(), st.sampled_from([0, 1, -2, sympy.Rational(1, 2)])))
def test_fixed_points_at_algebraic_tangencies_match_exact_roots(n, a, b):
    """f(x) = x + a (x^2 - n)^2 (x - b): the complete list of fixed points has as many points as
    f(x) - x has distinct real roots (sympy, exactly), with the double roots +-sqrt(n) decided."""
    spec = f"x + ({a})*(x^2 - ({n}))^2" + (f"*(x - ({b}))" if b is not None else "")
    res = certify.orbits(spec, 1)
    assert res.verdict == "proved", res.text
    assert res.certificate["count"] == _fixed_point_oracle(a, n, b) and res.check().ok


def test_higher_degree_onset_feeds_back_as_a_root_constant():
    """threshold's period-5 onset (degree 22) comes back as root(minpoly, lo, hi): the map at r* holds a
    CRootOf whose value is in the certified onset interval, and period 3 (born later, at 1 + 2 sqrt 2) is refuted."""
    t = certify.threshold("logistic(r)", "r", 5, (fmpq(37, 10), fmpq(19, 5)))
    spec = t.exact_spec
    assert spec.startswith("root(x**22 - 22*x**21")
    m = parse_map(f"logistic(r={spec})")
    assert "CRootOf(" in m.canonical["expr"] and m.kind == "polynomial"
    [ins] = [i for i in m.program.code if i[0] == "root"]
    from certify.checker.semantics import root_of
    lo, hi = (sympy.Rational(t.certificate["onset"][k]) for k in ("lo", "hi"))
    from flint import ctx
    with ctx.workprec(256):  # arb's lower()/upper() round at the working precision
        ball = root_of(ins).ball(200)
        a, b = sympy.Rational(str(ball.lower().fmpq())), sympy.Rational(str(ball.upper().fmpq()))
    assert lo <= a and b <= hi
    assert certify.period(f"logistic(r={spec})", 3).verdict == "refuted"
