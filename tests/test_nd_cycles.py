"""Every orbit of minimal period p of a polynomial map of R^n by the subdivision of the cyclic system (claim
polymap_cycles, checker/nd_orbits.py): Hénon counts against a float Newton oracle, other
quadratic maps in a box (domain, trapping), `period`, tamper tests and budgets."""

import copy
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import certify
from certify.checker import check
from certify.checker import nd_orbits as N
from certify.cli import main
from certify.errors import CertifyError

HENON = "henon(a=1.4, b=0.3)"
# orbits of minimal period 1..12: the float oracle's counts (henon_oracle; periods 10..12 re-run below)
HENON_COUNTS = [2, 1, 0, 1, 0, 2, 4, 7, 6, 10, 14, 19]


def newton_cycles(f, jac, p: int, box, starts: int = 24, n: int = 2) -> int:
    """Float oracle: orbits of minimal period p with every point in the closed box (n (lo, hi)), by Newton on
    f^p(z) = z from a grid of starts^n points of the box (all at once, vectorised); whole orbits collected,
    deduplicated (1e-6), and grouped by minimal period. Floats only: an oracle, written without the kernel."""
    axes = [np.linspace(lo, hi, starts) for lo, hi in box]
    z = np.array(np.meshgrid(*axes)).reshape(n, -1)

    def ev(z):
        return np.array([np.broadcast_to(c, z[0].shape) for c in f(z)], dtype=float)

    def dj(z):
        return np.moveaxis(np.array([[np.broadcast_to(c, z[0].shape) for c in row] for row in jac(z)], dtype=float),
                           -1, 0)
    with np.errstate(all="ignore"):
        for _ in range(50):
            u, J = z.copy(), np.broadcast_to(np.eye(n), (z.shape[1], n, n)).copy()
            for _ in range(p):
                J = dj(u) @ J
                u = ev(u)
            A = J - np.eye(n)
            ok = np.isfinite(A).all(axis=(1, 2)) & (np.abs(np.linalg.det(np.where(np.isfinite(A), A, 0))) > 1e-14)
            step = np.zeros_like(z)
            step[:, ok] = np.linalg.solve(A[ok], (u - z).T[ok][..., None])[..., 0].T
            z = np.where(ok, z - step, np.nan)
        u = z.copy()
        for _ in range(p):
            u = ev(u)
        good = np.isfinite(u).all(axis=0) & (np.abs(u - z).max(axis=0) < 1e-10)
    found = []
    for z0 in z[:, good].T:
        orbit = [z0]
        for _ in range(p - 1):
            orbit.append(ev(orbit[-1][:, None])[:, 0])
        if not all(lo - 1e-9 <= w[k] <= hi + 1e-9 for w in orbit for k, (lo, hi) in enumerate(box)):
            continue
        if any(np.max(np.abs(orbit[d] - z0)) < 1e-7 for d in range(1, p)):
            continue  # a lower minimal period
        key = min(tuple(np.round(w, 7)) for w in orbit)
        if not any(np.max(np.abs(np.array(key) - np.array(k))) < 1e-6 for k in found):
            found.append(key)
    return len(found)


def henon_oracle(a: float, b: float, p: int) -> int:
    """Float oracle for (1 - a x^2 + y, b x): Newton from a grid of the region lemma's square (widened)."""
    k = 1 + abs(b)
    R = (k + (k * k + 4 * a) ** 0.5) / (2 * a) * 1.01
    return newton_cycles(lambda z: (1 - a * z[0] ** 2 + z[1], b * z[0]),
                         lambda z: [[-2 * a * z[0], 1], [b, 0]], p, [(-R, R), (-abs(b) * R - 1e-3, abs(b) * R + 1e-3)],
                         starts=40)


@pytest.fixture(scope="module")
def henon():
    """certify.orbits on the Hénon map for periods 1..9 (the subdivision; about 1 s together)."""
    return {p: certify.orbits(HENON, p) for p in range(1, 10)}


def test_henon_counts_match_oracle_table(henon):
    """Orbits of minimal period 1..9 of the Hénon map: 2, 1, 0, 1, 0, 2, 4, 7, 6 (the float oracle's counts), each a saddle."""
    assert [henon[p].certificate["count"] for p in range(1, 10)] == HENON_COUNTS[:9]
    assert all(o["stability"] == "saddle" for r in henon.values() for o in r.certificate["orbits"])
    assert all(r.certificate["claim"]["kind"] == "polymap_cycles" for r in henon.values())


@pytest.mark.parametrize("p", [1, 2, 3, 4, 5, 6, 7, 8, 9])
def test_henon_counts_match_float_oracle(henon, p):
    """The certified count of orbits of minimal period p equals the float Newton oracle's."""
    assert henon[p].certificate["count"] == henon_oracle(1.4, 0.3, p)


@pytest.mark.slow
@pytest.mark.parametrize("p", [10, 11, 12])
def test_henon_long_periods(p):
    """Periods 10, 11, 12 of the Hénon map: 10, 14, 19 orbits, the float oracle's count."""
    res = certify.orbits(HENON, p)
    assert res.proved and res.certificate["count"] == HENON_COUNTS[p - 1] == henon_oracle(1.4, 0.3, p)


def test_orbit_points_close_under_the_map(henon):
    """Each orbit's enclosure holds a true cycle: the float map sends the midpoint of z_t to that of z_{t+1}."""
    for p, r in henon.items():
        for o in r.certificate["orbits"]:
            mid = [(float(Fraction(iv["lo"])) + float(Fraction(iv["hi"]))) / 2 for iv in o["box"]]
            for t in range(p):
                x, y = mid[2 * t], mid[2 * t + 1]
                u = mid[2 * ((t + 1) % p)]
                assert abs(1 - 1.4 * x * x + y - u) < 1e-8


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=st.integers(3, 15), b=st.integers(-5, 5).filter(lambda v: v != 0), p=st.integers(1, 4))
def test_generated_henon_parameters_match_oracle(a, b, p):
    """For a = i/10, b = j/10 (b != 0), the certified count (when decided) equals the float oracle's."""
    res = certify.orbits(f"henon(a={a / 10}, b={b / 10})", p)
    if res.undecided:
        return  # honest: a non-hyperbolic cycle (a bifurcation) or a cap; never a wrong count
    assert res.certificate["count"] == henon_oracle(a / 10, b / 10, p)


def test_degenerate_henon_refused_or_undecided():
    """a = 0 (no region lemma) and b = 0 (not invertible, y = 0 on every cycle) are refused without a domain;
    with one, b = 0 is undecided (a product side shrinks to the point y = 0), never miscounted."""
    for spec in ("(1 + y, 0.3*x)", "henon(a=1.4, b=0)"):
        with pytest.raises(CertifyError, match="--domain"):
            certify.orbits(spec, 1)
    res = certify.orbits("henon(a=1.4, b=0)", 1, domain="-2,2;-1,1")
    assert res.undecided


QUAD = "(x^2 - y, x + 1/2*y)"   # fixed points (0, 0) and (3, 6): x = x^2 - y, y = 2 x


def test_quadratic_map_in_a_domain():
    """(x^2 - y, x + y/2) has exactly the fixed points (0, 0), (3, 6): 1 in [-3, 3]^2, 2 in [-4, 7]^2."""
    r1 = certify.orbits(QUAD, 1, domain="-3,3;-3,3")
    r2 = certify.orbits(QUAD, 1, domain="-4,7;-4,7")
    assert r1.proved and r1.certificate["count"] == 1 and r1.certificate["claim"]["basis"] == "domain"
    assert r2.proved and r2.certificate["count"] == 2
    assert check(r1.certificate).ok and "in B" in check(r2.certificate).statement


@pytest.mark.parametrize("p", [1, 2, 3])
def test_quadratic_map_matches_oracle(p):
    """Cycles of (x^2 - y, x + y/2) contained in [-4, 7]^2 number as the float oracle's."""
    res = certify.orbits(QUAD, p, domain="-4,7;-4,7")
    assert res.proved
    assert res.certificate["count"] == newton_cycles(lambda z: (z[0] ** 2 - z[1], z[0] + z[1] / 2),
                                                     lambda z: [[2 * z[0], -1], [1, 0.5]], p, [(-4, 7), (-4, 7)])


def test_trapping_region_and_attracting_fixed_point():
    """(x/2 + y^2/10, x y/4 + 1/5) maps [-1, 1]^2 into itself (checked): one fixed point, attracting."""
    res = certify.orbits("(1/2*x + 1/10*y^2, 1/4*x*y + 1/5)", 1, domain="-1,1")
    c = res.certificate
    assert res.proved and c["claim"]["basis"] == "trapping" and c["count"] == 1
    assert c["orbits"][0]["stability"] == "attracting"
    assert "forward-invariant" in check(c).statement


def test_three_dimensional_map():
    """A map of R^3 (x -> (1 - 1.4 x^2 + z, 0.3 x + y/5, y/2)) in a box: counts and the kernel agree."""
    res = certify.orbits("(1 - 1.4*x^2 + z, 0.3*x + 1/5*y, 1/2*y)", 1, domain="-2,2;-1,1;-1,1")
    assert res.proved and check(res.certificate).ok
    assert res.certificate["count"] == newton_cycles(
        lambda v: (1 - 1.4 * v[0] ** 2 + v[2], 0.3 * v[0] + v[1] / 5, v[1] / 2),
        lambda v: [[-2.8 * v[0], 0, 1], [0.3, 0.2, 0], [0, 0.5, 0]], 1, [(-2, 2), (-1, 1), (-1, 1)], starts=12, n=3)


def test_cycle_on_the_boundary_is_undecided_not_miscounted():
    """The fixed point (0, 0) at the corner of B = [0, 1]^2 cannot be shown inside a product: undecided."""
    res = certify.orbits(QUAD, 1, domain="0,1;0,1")
    assert res.undecided and "did not close" in res.certificate["reason"]


def test_period_proved_and_refuted():
    """certify period: Hénon p = 3 refuted (no orbit anywhere), p = 4 proved; a box without a 2-cycle refutes in B."""
    r3, r4 = certify.period(HENON, 3), certify.period(HENON, 4)
    assert r3.certificate["verdict"] == "refuted" and r4.proved
    assert "has no point of minimal period 3" in check(r3.certificate).statement
    rq = certify.period(QUAD, 2, domain="-3,3;-3,3")
    assert rq.certificate["verdict"] == "refuted" and check(rq.certificate).ok


def test_period_of_a_non_henon_map_from_a_float_cycle():
    """Without a domain, a float cycle of a non-Hénon map is proved by the subdivision of a box around it."""
    res = certify.period("(1 - 1.9*x^2 + 1/10*y + 1/20*y^2, 1/5*x)", 3)
    assert res.proved and res.certificate["count"] >= 1 and check(res.certificate).ok


def test_cli_domain_and_stability(capsys):
    """The CLI takes --domain for a polynomial map, and `stability` lists each orbit's stability."""
    assert main(["orbits", QUAD, "-p", "1", "--domain", "-3,3;-3,3"]) == 0
    assert "exactly 1 fixed point in B (complete)" in capsys.readouterr().out
    assert main(["stability", HENON, "-p", "2"]) == 0
    assert "saddle" in capsys.readouterr().out
    assert main(["stability", "(1/2*x + 1/10*y^2, 1/4*x*y + 1/5)", "-p", "1", "--domain", "-1,1"]) == 0
    assert "attracting" in capsys.readouterr().out


def _fails(cert, words: str):
    r = check(cert)
    assert not r.ok and words in r.message, r.message


def test_tamper_count_orbits_and_fact(henon):
    """A changed count, a dropped orbit, another stability, or other node/test counts are rejected."""
    c = copy.deepcopy(henon[6].certificate)
    c["count"] += 1
    _fails(c, "count must be 2")
    c = copy.deepcopy(henon[6].certificate)
    c["orbits"].pop()
    c["count"] -= 1
    _fails(c, "the certificate's list differs")
    c = copy.deepcopy(henon[6].certificate)
    c["orbits"][0]["stability"] = "attracting"
    _fails(c, "the certificate's list differs")
    c = copy.deepcopy(henon[6].certificate)
    c["orbits"][0]["box"][0]["lo"] = "-1"
    _fails(c, "the certificate's list differs")
    for key in ("nodes", "tests"):
        c = copy.deepcopy(henon[6].certificate)
        c["evidence"][0][key] += 1
        _fails(c, f"cycle_subdivision: {key} is")


def test_tamper_region_basis_and_verdict(henon):
    """A region smaller than the lemma's square, a basis claimed trapping for a box f does not keep, and a
    refuted period with orbits are rejected."""
    c = copy.deepcopy(henon[1].certificate)
    c["claim"]["region"][0] = {"lo": "-14/10", "hi": "14/10"}
    _fails(c, "x-range does not contain")
    q = copy.deepcopy(certify.orbits(QUAD, 1, domain="-3,3;-3,3").certificate)
    q["claim"].update(basis="trapping", trap=8)
    _fails(q, "f(B) is not shown inside B")
    c = copy.deepcopy(henon[4].certificate)
    c["claim"]["question"] = "period"
    c["verdict"] = "refuted"
    _fails(c, "the verdict is proved")


def test_work_budget_counted_before_the_work(monkeypatch):
    """A work cap below what the tree needs stops the kernel (and the certifier says undecided, naming it)."""
    good = certify.orbits(HENON, 5).certificate
    monkeypatch.setattr(N, "MAX_SUB_WORK", 1000)
    _fails(good, "beyond the checker's limit")
    res = certify.orbits(HENON, 5)
    assert res.undecided and "beyond the checker's limit" in res.certificate["reason"]



def test_trapping_cells_capped(monkeypatch):
    """The trapping check's cells are counted against MAX_TRAP_CELLS before any image is computed."""
    cert = certify.orbits("(1/2*x + 1/10*y^2, 1/4*x*y + 1/5)", 1, domain="-1,1").certificate
    monkeypatch.setattr(N, "MAX_TRAP_CELLS", 10)
    _fails(cert, "cells for the trapping check")


def test_negative_b_and_a_cycle_at_the_corner():
    """henon(a=1.4, b=-0.3): 2, 1, 2, 2 orbits of periods 1..4 (the float oracle's), its rational fixed point
    (-10/7, 3/7) at the corner of the lemma's square handled by the widened square; an attracting 2-cycle."""
    got = [certify.orbits("henon(a=1.4, b=-0.3)", p).certificate for p in range(1, 5)]
    assert [c["count"] for c in got] == [2, 1, 2, 2] == [henon_oracle(1.4, -0.3, p) for p in range(1, 5)]
    assert got[0]["claim"]["region"][0]["hi"] == "9980/6979"
    assert [o["stability"] for o in got[1]["orbits"]] == ["attracting"]


def test_conjugate_form_has_the_same_counts(henon):
    """(7/5 - x^2 + 3/10 y, x), conjugate to the Hénon map by (x, y) -> (a x, a y / b), has the same counts."""
    assert [certify.orbits("(7/5 - x^2 + 3/10*y, x)", p).certificate["count"] for p in range(1, 8)] == HENON_COUNTS[:7]


@pytest.mark.parametrize("spec, f, jac", [
    ("(2 - x^3 + 1/5*y, x)", lambda z: (2 - z[0] ** 3 + z[1] / 5, z[0]), lambda z: [[-3 * z[0] ** 2, 0.2], [1, 0]]),
    ("(1 + 1/10*x - 7/5*x^2 + y, 3/10*x)", lambda z: (1 + z[0] / 10 - 1.4 * z[0] ** 2 + z[1], 0.3 * z[0]),
     lambda z: [[0.1 - 2.8 * z[0], 1], [0.3, 0]]),
])
def test_region_lemma_for_polynomial_henon_maps(spec, f, jac):
    """(P(x) + s y, b x) with deg P >= 2 (cubic; quadratic with a linear term): every orbit in the plane, by the
    region lemma for that form, counted as the float oracle counts them in the lemma's square (periods 1..4)."""
    for p in range(1, 5):
        c = certify.orbits(spec, p).certificate
        assert c["verdict"] == "proved" and "region lemma for (P(x) + s y, b x)" in check(c).statement
        R, Y = (float(Fraction(v["hi"])) * 1.01 for v in c["claim"]["region"])
        assert c["count"] == newton_cycles(f, jac, p, [(-R, R), (-Y, Y)], starts=40)


def test_tamper_polynomial_henon_region():
    """A square smaller than the lemma's R for (2 - x^3 + y/5, x) is rejected (q(R) < 0 there)."""
    c = copy.deepcopy(certify.orbits("(2 - x^3 + 1/5*y, x)", 1).certificate)
    c["claim"]["region"][0] = {"lo": "-3/2", "hi": "3/2"}
    _fails(c, "x-range does not contain")


def test_trapping_check_work_counted(monkeypatch):
    """The trapping check's evaluations of f are counted in work units before any is done."""
    cert = certify.orbits("(1/2*x + 1/10*y^2, 1/4*x*y + 1/5)", 1, domain="-1,1").certificate
    monkeypatch.setattr(N, "MAX_SUB_WORK", 100)
    _fails(cert, "evaluations of f for the trapping check")


_coef = st.integers(-6, 6).map(lambda k: Fraction(k, 4))


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(c=st.lists(_coef, min_size=10, max_size=10), p=st.integers(1, 2))
def test_generated_quadratic_maps_match_oracle(c, p):
    """For quadratic maps (c0 + c1 x + c2 y + c3 x^2 + c4 x y, c5 + c6 x + c7 y + c8 y^2 + c9 x^2) with quarter-
    integer coefficients, the certified count of cycles contained in [-2, 2]^2 (when decided) is the oracle's."""
    def term(k, mono):
        return f" + ({c[k]})*{mono}" if c[k] else ""
    comp1 = f"{c[0]}" + term(1, "x") + term(2, "y") + term(3, "x^2") + term(4, "x*y")
    comp2 = f"{c[5]}" + term(6, "x") + term(7, "y") + term(8, "y^2") + term(9, "x^2")
    try:
        res = certify.orbits(f"({comp1}, {comp2})", p, domain="-2,2")
    except CertifyError:
        return  # e.g. a constant map the parser reads with fewer variables: not this test's subject
    if res.undecided:
        return  # honest: a cycle on the boundary of B, a non-hyperbolic one, or a cap; never a wrong count
    q = [float(v) for v in c]

    def f(z):
        x, y = z[0], z[1]
        return (q[0] + q[1] * x + q[2] * y + q[3] * x * x + q[4] * x * y,
                q[5] + q[6] * x + q[7] * y + q[8] * y * y + q[9] * x * x)

    def jac(z):
        x, y = z[0], z[1]
        return [[q[1] + 2 * q[3] * x + q[4] * y, q[2] + q[4] * x], [q[6] + 2 * q[9] * x, q[7] + 2 * q[8] * y]]
    assert res.certificate["count"] == newton_cycles(f, jac, p, [(-2, 2), (-2, 2)], starts=30)


def test_same_command_same_certificate():
    """The search is deterministic: the same command gives a byte-identical certificate (period from a float
    cycle included: its starts are seeded)."""
    assert certify.orbits(HENON, 7).certificate_json == certify.orbits(HENON, 7).certificate_json
    spec = "(1 - 1.9*x^2 + 1/10*y + 1/20*y^2, 1/5*x)"
    assert certify.period(spec, 3).certificate_json == certify.period(spec, 3).certificate_json
