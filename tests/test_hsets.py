"""The kernel's h-sets and covering relations (certify.checker.hsets) and polynomial maps of R^n
(certify.checker.polymap, certify.maps.polymap): exact oracles for linear maps, an mpmath oracle on
sampled points, tamper tests on a Hénon certificate."""

import copy
import fractions

import mpmath
import pytest
from flint import arb, fmpq, fmpq_mat
from hypothesis import given, settings
from hypothesis import strategies as st

from certify.checker import check
from certify.checker import hsets as H
from certify.checker.polymap import parse_polymap
from certify.errors import CertifyError
from certify.maps.polymap import parse_polymap_spec

@pytest.fixture(scope="module")
def henon_cert():
    """A horseshoe certificate of the Hénon map from periodic orbits up to period 8 (the finder)."""
    from certify.horseshoes import horseshoe_certificate
    return horseshoe_certificate(parse_polymap_spec("henon(a=1.4, b=0.3)"), max_period=8, method="orbits")


SQUARE = H.HSet([fmpq(0), fmpq(0)], fmpq_mat(2, 2, [1, 0, 0, 1]))


def _linear(lam, mu):
    """The linear map (x, y) -> (lam x, mu y) as a kernel PolyMap."""
    comps = [[[str(lam), [1, 0]]] if lam else [], [[str(mu), [0, 1]]] if mu else []]
    return parse_polymap({"kind": "polymap", "vars": ["x", "y"], "f": comps})


def _inside(q, ball) -> bool:
    return ball.lower().fmpq() <= q <= ball.upper().fmpq()


rationals = st.fractions(min_value=-4, max_value=4, max_denominator=50)


# ----------------------------------------------------------------------------- polynomial maps

def test_henon_family_equals_tuple_formula():
    """henon(a=1.4, b=0.3) and the tuple formula (1 - 1.4*x^2 + y, 0.3*x) have the same canonical form."""
    assert parse_polymap_spec("henon(a=1.4, b=0.3)").canonical == \
        parse_polymap_spec("(1 - 1.4*x^2 + y, 0.3*x)").canonical


def test_decimal_coefficients_are_exact():
    """1.4 is the exact rational 7/5 in a polynomial map's canonical form."""
    canon = parse_polymap_spec("henon(a=1.4, b=0.3)").canonical
    assert ["-7/5", [2, 0]] in canon["f"][0] and canon["f"][1] == [["3/10", [1, 0]]]


decimals = st.decimals(min_value=-5, max_value=5, places=3, allow_nan=False, allow_infinity=False)


@settings(max_examples=30, deadline=None)
@given(decimals, decimals)
def test_plain_family_fast_path_equals_sympy(a, b):
    """henon(a=..., b=...) with plain decimals, built without sympy, has the canonical form sympy gives
    for the same map written as a tuple formula."""
    fast = parse_polymap_spec(f"henon(a={a}, b={b})").canonical
    assert fast == parse_polymap_spec(f"(1 - ({a})*x^2 + y, ({b})*x)").canonical


def test_three_variables():
    """A tuple of three components is a map of R^3 in x, y, z."""
    m = parse_polymap_spec("(y, z, x*y - z^2)")
    assert m.n == 3 and m.canonical["vars"] == ["x", "y", "z"]
    assert m.kernel.exact([fmpq(1), fmpq(2), fmpq(3)]) == [2, 3, -7]


@pytest.mark.parametrize("spec", ["(sin(x), y)", "(x/y, y)", "(x, y", "henon(a=1.4)", "(1 - a*x^2 + y, b*x)",
                                  "henon(a=1.4, b=0.3, c=1)"])
def test_bad_specs_are_refused(spec):
    """Non-polynomial, malformed or incomplete specs raise CertifyError."""
    with pytest.raises(CertifyError):
        parse_polymap_spec(spec)


@settings(max_examples=40, deadline=None)
@given(rationals, rationals)
def test_ball_evaluation_contains_exact_value(x, y):
    """The kernel's ball evaluation of the Hénon map at a rational point contains the exact value."""
    m = parse_polymap_spec("henon(a=1.4, b=0.3)").kernel
    p = [fmpq(x.numerator, x.denominator), fmpq(y.numerator, y.denominator)]
    balls = m.ball([arb(v) for v in p])
    assert all(_inside(v, b) for b, v in zip(balls, m.exact(p)))
    J = m.jacobian([arb(v) for v in p])
    assert _inside(-fmpq(14, 5) * p[0], J[0][0]) and _inside(fmpq(3, 10), J[1][0]) and _inside(fmpq(0), J[1][1])


# ----------------------------------------------------------------------------- coverings, exact oracles

@settings(max_examples=60, deadline=None)
@given(rationals, rationals)
def test_linear_covering_decided_by_hand(lam, mu):
    """For (x, y) -> (lam x, mu y) and N = [-1, 1]^2: N => N holds (degree sign lam) iff |lam| > 1 and
    |mu| < 1, and the kernel says exactly that."""
    f = _linear(lam, mu)
    holds = abs(lam) > 1 and abs(mu) < 1
    deg = 1 if lam > 0 else -1
    assert (H.covers(f, SQUARE, SQUARE, deg, 1) is None) == holds
    assert H.covers(f, SQUARE, SQUARE, -deg, 1) is not None


def test_eigenvalue_one_is_not_a_covering():
    """(x, y) -> (x, y/2): the unstable faces map onto themselves, not beyond: no covering, at any grid."""
    f = _linear(1, fmpq(1, 2))
    assert all(H.covers(f, SQUARE, SQUARE, 1, k) is not None for k in (1, 4, 16))


def test_henon_b0_covering():
    """b = 0 (not invertible): the fixed point's h-set of henon(a=1.4, b=0) still covers itself."""
    f = parse_polymap_spec("henon(a=1.4, b=0)").kernel
    # the fixed point x* = (-1 + sqrt(1 + 5.6)) / 2.8 ~ 0.56040: Df = [[-2.8 x*, 1], [0, 0]], unstable
    # direction (1, 0) (multiplier ~ -1.569), the kernel of Df along (1, 1.569)
    c = [fmpq(5604, 10000), fmpq(0)]
    N = H.HSet(c, fmpq_mat(2, 2, [fmpq(1, 100), fmpq(1, 200), 0, fmpq(1569, 200000)]))
    assert H.covers(f, N, N, -1, 2) is None


def _mp(q):
    return mpmath.mpf(int(q.p)) / int(q.q)


def _sample_violation(f, N1, N2, degree, k=8, dps=40, steps=1):
    """An mpmath oracle: whether some sampled point of N1 (grid and faces) breaks the covering conditions
    of N1 => N2 under f^steps."""
    with mpmath.workdps(dps):
        return _violation(f, N1, N2, degree, k, steps)


def _mp_map(f, p):
    out = []
    for comp in f.terms:
        s = mpmath.mpf(0)
        for c, e in comp:
            term = _mp(c)
            for v, kk in zip(p, e):
                term *= v ** kk
            s += term
        out.append(s)
    return out


def _violation(f, N1, N2, degree, k, steps):
    n = N1.n

    def g(t):
        fp = [_mp(N1.c[i]) + sum(_mp(N1.M[i, j]) * t[j] for j in range(n)) for i in range(n)]
        for _ in range(steps):
            fp = _mp_map(f, fp)
        d = [fp[i] - _mp(N2.c[i]) for i in range(n)]
        return [sum(_mp(N2.Minv[i, j]) * d[j] for j in range(n)) for i in range(n)]

    pts = [mpmath.mpf(-1) + mpmath.mpf(2 * i) / k for i in range(k + 1)]
    for a in pts:
        for b in pts:
            if abs(g([a, b])[1]) >= 1:
                return True
    for side in (-1, 1):
        for b in pts:
            u = g([mpmath.mpf(side), b])[0]
            if not (u * side * degree > 1):
                return True
    return False


def test_mpmath_oracle_agrees_on_henon_certificate(henon_cert):
    """Every covering of the Hénon certificate holds at sampled points computed with mpmath (40 digits)."""
    f = parse_polymap(henon_cert["map"]["canonical"])
    sets = [H.parse_hset(d, 2) for d in henon_cert["evidence"][0]["sets"]]
    for fact in henon_cert["evidence"][1:]:
        assert not _sample_violation(f, sets[fact["from"]], sets[fact["to"]], fact["degree"],
                                     steps=henon_cert["claim"]["iterate"])


@settings(max_examples=25, deadline=None)
@given(st.fractions(min_value=fractions.Fraction(1, 4), max_value=2, max_denominator=20))
def test_kernel_never_accepts_a_sampled_violation(scale):
    """Rescaling the target h-set of a Hénon covering: whenever mpmath finds a violating sample the
    kernel rejects the covering (it may also reject when no sample violates: it is conservative)."""
    f = parse_polymap_spec("henon(a=1.4, b=0.3)").kernel
    x = fmpq(63135448, 10 ** 8)
    c = [x, fmpq(3, 10) * x]
    N1 = H.HSet(c, fmpq_mat(2, 2, [fmpq(1, 200), fmpq(1, 400), fmpq(-1, 1000), fmpq(1, 400)]))
    s = fmpq(scale.numerator, scale.denominator)
    N2 = H.HSet(c, fmpq_mat(2, 2, [fmpq(1, 200) * s, fmpq(1, 400), fmpq(-1, 1000) * s, fmpq(1, 400)]))
    for deg in (1, -1):
        if _sample_violation(f, N1, N2, deg):
            assert all(H.covers(f, N1, N2, deg, grid) is not None for grid in (4, [8, 1], [1, 8]))


def _cubic():
    """(x, y) -> (3 x, y / 4 + x^3 - x): on [-1, 1]^2 the stable coordinate of the image stays within
    1/4 + 2 / (3 sqrt 3) < 1, but one box's enclosure of x^3 - x is [-2, 2]."""
    return parse_polymap({"kind": "polymap", "vars": ["x", "y"],
                          "f": [[["3", [1, 0]]], [["1/4", [0, 1]], ["1", [3, 0]], ["-1", [1, 0]]]]})


def test_grid_along_the_unstable_coordinate_only():
    """A per-coordinate grid: [-1, 1]^2 => itself under the cubic map holds on 16 pieces along the unstable
    coordinate x (18 boxes), not on one box, and not when only the stable coordinate y is split."""
    f = _cubic()
    assert H.covers(f, SQUARE, SQUARE, 1, 1) is not None
    assert H.covers(f, SQUARE, SQUARE, 1, [16, 1]) is None
    assert H.covers(f, SQUARE, SQUARE, 1, [1, 16]) is not None
    assert H.grid_boxes(H.grid_counts([16, 1], 2), 1) == 16 + 2
    assert H.grid_boxes(H.grid_counts(16, 2), 1) == 16 ** 2 + 2 * 16


def test_grid_boxes_count_every_face_of_the_unstable_coordinates():
    """grid_boxes: the product of the counts, plus for each unstable coordinate i both faces, each split as
    the other coordinates (u = 2 of [2, 3, 5]: 30 + 2 * 15 + 2 * 10)."""
    assert H.grid_boxes([2, 3, 5], 2) == 30 + 2 * 15 + 2 * 10
    assert H.grid_boxes([2, 3, 5], 3) == 30 + 2 * 15 + 2 * 10 + 2 * 6


@pytest.mark.parametrize("grid", [[4], [4, 4, 4], [0, 1], [4, True], [4, "1"], [4, [1]], [H.MAX_GRID + 1, 1], 2.0])
def test_bad_grid_lists_are_refused(grid):
    """A grid is one integer or n integers in 1..MAX_GRID: other lengths, zeros, booleans, strings, nested
    lists and floats are refused."""
    from certify.checker.statement import Failure
    with pytest.raises(Failure, match="grid"):
        H.covers(_cubic(), SQUARE, SQUARE, 1, grid)


# ----------------------------------------------------------------------------- disjointness

def test_overlapping_sets_detected():
    """Two squares sharing a corner region are not disjoint; shifted apart they are."""
    A = SQUARE
    B = H.HSet([fmpq(3, 2), fmpq(3, 2)], fmpq_mat(2, 2, [1, 0, 0, 1]))
    C = H.HSet([fmpq(5, 2), fmpq(0)], fmpq_mat(2, 2, [1, 0, 0, 1]))
    assert H.disjoint([A, B]) == (0, 1)
    assert H.disjoint([A, C]) is None


def test_touching_sets_are_not_disjoint():
    """Squares [-1, 1]^2 and [1, 3] x [-1, 1] share an edge: not disjoint (closed sets)."""
    B = H.HSet([fmpq(2), fmpq(0)], fmpq_mat(2, 2, [1, 0, 0, 1]))
    assert H.disjoint([SQUARE, B]) == (0, 1)


# ----------------------------------------------------------------------------- tamper tests

def _tampered(cert, fn):
    c = copy.deepcopy(cert)
    fn(c)
    return check(c)


def test_certificate_checks(henon_cert):
    """The finder's Hénon certificate passes the kernel with a positive entropy bound."""
    r = check(henon_cert)
    assert r.ok and "h_top(f)" in r.statement and "log rho(A)" in r.statement


def test_wrong_edge_rejected(henon_cert):
    """A covering fact between h-sets that do not cover is rejected, naming the fact."""
    facts = henon_cert["evidence"]
    have = {(f["from"], f["to"]) for f in facts[1:]}
    m = len(facts[0]["sets"])
    i, j = next((i, j) for i in range(m) for j in range(m) if (i, j) not in have)
    r = _tampered(henon_cert, lambda c: c["evidence"].append(
        {"fact": "covering", "from": i, "to": j, "degree": 1, "grid": 2}))
    assert not r.ok and f"covering {i} => {j}" in r.message


def test_flipped_degree_rejected(henon_cert):
    """A covering with the opposite degree is rejected."""
    r = _tampered(henon_cert, lambda c: c["evidence"][1].update(degree=-c["evidence"][1]["degree"]))
    assert not r.ok and "face" in r.message


def test_overlapping_hsets_rejected(henon_cert):
    """A copy of an h-set added to the graph makes two sets overlap: rejected."""
    r = _tampered(henon_cert, lambda c: c["evidence"][0]["sets"].append(copy.deepcopy(c["evidence"][0]["sets"][0])))
    assert not r.ok and "not shown disjoint" in r.message


def test_too_large_entropy_rejected(henon_cert):
    """A lower bound above log rho(A) is rejected."""
    r = _tampered(henon_cert, lambda c: c["entropy"].update(lower="1/2"))
    assert not r.ok and "not below log" in r.message


def test_wrong_minpoly_rejected(henon_cert):
    """Dropping a covering changes the graph: the stated spectral radius no longer holds."""
    r = _tampered(henon_cert, lambda c: c["evidence"].pop())
    assert not r.ok


def test_singular_matrix_rejected(henon_cert):
    """An h-set whose matrix is singular is rejected."""
    def bad(c):
        M = c["evidence"][0]["sets"][0]["M"]
        M[0][1], M[1][1] = M[0][0], M[1][0]
    r = _tampered(henon_cert, bad)
    assert not r.ok and "singular" in r.message


def test_grid_zero_rejected(henon_cert):
    """A covering fact's grid is at least 1."""
    r = _tampered(henon_cert, lambda c: c["evidence"][1].update(grid=0))
    assert not r.ok and "grid" in r.message


def test_grid_list_certificate(henon_cert):
    """The Hénon certificate with each grid k written as [k, k] is accepted with the same statement; a grid
    of the wrong length is refused."""
    def listed(c):
        for fact in c["evidence"][1:]:
            fact["grid"] = [fact["grid"]] * 2
    r = _tampered(henon_cert, listed)
    assert r.ok and r.statement == check(henon_cert).statement
    r = _tampered(henon_cert, lambda c: c["evidence"][1].update(grid=[1, 1, 1]))
    assert not r.ok and "grid" in r.message


def test_other_map_rejected(henon_cert):
    """The same h-sets for a map with a different coefficient (a = 1.3) do not all cover."""
    def other(c):
        c["map"]["canonical"] = parse_polymap_spec("henon(a=1.3, b=0.3)").canonical
    assert not _tampered(henon_cert, other).ok


def test_iterate_changes_the_claim(henon_cert):
    """The same graph claimed under another iterate of f is rejected (coverings or entropy fail)."""
    k = henon_cert["claim"]["iterate"]
    assert not _tampered(henon_cert, lambda c: c["claim"].update(iterate=k + 1)).ok


def test_iterate_two_covering_of_linear_map():
    """Under f^2: N => N holds for (3x/2, y/2) and (-3x/2, y/2) (multiplier 9/4, degree +1), not for
    (-x, y/2) (multiplier 1)."""
    assert H.covers(_linear(fmpq(3, 2), fmpq(1, 2)), SQUARE, SQUARE, 1, 1, 2) is None
    assert H.covers(_linear(-1, fmpq(1, 2)), SQUARE, SQUARE, 1, 1, 2) is not None
    assert H.covers(_linear(fmpq(-3, 2), fmpq(1, 2)), SQUARE, SQUARE, 1, 1, 2) is None


def test_undecided_with_facts_rejected(henon_cert):
    """An undecided horseshoe certificate carries no facts and no entropy."""
    def und(c):
        c["verdict"] = "undecided"
        c["reason"] = "x"
    assert not _tampered(henon_cert, und).ok


def test_forged_linear_horseshoe_rejected():
    """A certificate claiming N => N for (x, y) -> (x, y/2) (eigenvalue exactly 1) is rejected."""
    from certify.certificates import SCHEMA
    cert = {"schema": SCHEMA, "map": {"canonical": parse_polymap_spec("(x, 0.5*y)").canonical, "class": "polynomial"},
            "claim": {"kind": "horseshoe", "iterate": 1}, "verdict": "proved", "precision": 64,
            "evidence": [{"fact": "hsets", "sets": [{"c": ["0", "0"], "M": [["1", "0"], ["0", "1"]]}]},
                         {"fact": "covering", "from": 0, "to": 0, "degree": 1, "grid": 4}],
            "entropy": {"weights": [1], "rho_lower": "1", "lower": "1/1000"}}
    r = check(cert)
    assert not r.ok and "covering 0 => 0" in r.message


# ----------------------------------------------------------------------------- the attractor-net certificate

@pytest.fixture(scope="module")
def henon_net():
    """The default Hénon horseshoe certificate: h-sets on the attractor net, coverings under f^4 (~7 s)."""
    from certify.horseshoes import horseshoe_certificate
    return horseshoe_certificate(parse_polymap_spec("henon(a=1.4, b=0.3)"))


def test_net_certificate_proves_entropy_at_least_0_3(henon_net):
    """The default Hénon certificate passes the kernel and proves h_top >= 0.3 (issue 12's goal) under f^4."""
    r = check(henon_net)
    assert r.ok and henon_net["claim"]["iterate"] == 4
    assert fractions.Fraction(henon_net["entropy"]["lower"]) >= fractions.Fraction(3, 10)


@pytest.mark.slow
def test_mpmath_oracle_agrees_on_net_certificate(henon_net):
    """Every 10th covering of the net certificate holds at sampled points computed with mpmath (40 digits)."""
    f = parse_polymap(henon_net["map"]["canonical"])
    sets = [H.parse_hset(d, 2) for d in henon_net["evidence"][0]["sets"]]
    for fact in henon_net["evidence"][1::10]:
        assert not _sample_violation(f, sets[fact["from"]], sets[fact["to"]], fact["degree"], k=4, steps=4)


@pytest.mark.slow
def test_net_certificate_tampering_rejected(henon_net):
    """A moved h-set centre, a covering made coarser than it was verified, or a larger bound is rejected."""
    def move(c):
        x = fractions.Fraction(c["evidence"][0]["sets"][0]["c"][0]) + fractions.Fraction(1, 100)
        c["evidence"][0]["sets"][0]["c"][0] = str(x)
    assert not _tampered(henon_net, move).ok
    fine = next((t for t, fact in enumerate(henon_net["evidence"][1:], 1) if fact["grid"] > 1), None)
    if fine is not None:
        assert not _tampered(henon_net, lambda c: c["evidence"][fine].update(grid=1)).ok
    assert not _tampered(henon_net, lambda c: c["entropy"].update(lower="2/5")).ok
