"""Exact minimal polynomials of logistic births from resultants (checker/logistic.py: birth_factors, birth_minpolys)."""

import copy
import functools

import mpmath
import pytest
from flint import fmpq

from certify.certificates import interval_parse
from certify.checker import check
from certify.checker.logistic import birth_factors, lyndon
from certify.maps import parse_family
from certify.thresholds import certify_windows

FAM = parse_family("logistic(r)", "r")


@functools.lru_cache(maxsize=None)
def windows(p: int) -> dict:
    return certify_windows(FAM, p, (fmpq(3), fmpq(4)))


def _exact_births(cert):
    return [bt for bt in cert["evidence"][0]["births"] if "minpoly" in bt]


def test_period_8_doublings_have_degree_12_minimal_polynomials():
    """Both period-8 period doublings (of the two period-4 windows) are roots of irreducible degree-12 polynomials."""
    cert = windows(8)
    res = check(cert)
    assert res.ok and "minimal polynomial of degree 12" in res.statement
    exact = _exact_births(cert)
    assert [bt["kind"] for bt in exact] == ["period-doubling"] * 2 and all(len(bt["minpoly"]) == 13 for bt in exact)


@pytest.mark.parametrize("p", [8, pytest.param(10, marks=pytest.mark.slow)])
def test_minimal_polynomials_vanish_at_the_births_by_mpmath(p):
    """Oracle: mpmath's Newton (60 digits) on each stated minpoly, from the enclosure's midpoint, stays inside it."""
    for bt in _exact_births(windows(p)):
        lo, hi = interval_parse(bt["r"])
        cs = [int(c) for c in reversed(bt["minpoly"])]
        with mpmath.workdps(60):
            a, b = mpmath.mpf(int(lo.p)) / int(lo.q), mpmath.mpf(int(hi.p)) / int(hi.q)
            z = mpmath.findroot(lambda r: mpmath.polyval(cs, r), (a + b) / 2)
            assert a - mpmath.mpf(10) ** -45 <= z <= b + mpmath.mpf(10) ** -45


def test_the_period_4_to_8_doubling_is_the_known_constant():
    """The cascade's doubling to period 8 is r = 3.5440903595519228536... (the literature value) and its minpoly's root."""
    bt = _exact_births(windows(8))[0]
    lo, hi = interval_parse(bt["r"])
    r3 = fmpq(35440903595519228536, 10 ** 19)
    assert lo - fmpq(1, 10 ** 18) < r3 < hi + fmpq(1, 10 ** 18)


@pytest.mark.parametrize("p", [8, pytest.param(10, marks=pytest.mark.slow)])
def test_orbit_counts_per_gap_end_at_f4(p):
    """Orbit counts per gap step up by 2 (saddle-node) or 1 (doubling) and end at N_p(4) (f_4's p-orbits)."""
    cert = windows(p)
    (w,) = cert["windows"]
    kinds = [bt["kind"] for bt in cert["evidence"][0]["births"]]
    steps = [b - a for a, b in zip(w["orbits"], w["orbits"][1:])]
    assert w["orbits"][-1] == lyndon(p) and steps == [2 if k == "saddle-node" else 1 for k in kinds[1:]]


@pytest.mark.parametrize("what", ["coefficient", "saddle-node of period 7", "on a saddle-node"])
def test_tampered_minimal_polynomials_are_rejected(what):
    """A changed coefficient, a minpoly claimed where the resultant is too large, a doubling's minpoly on a saddle-node: rejected."""
    cert = copy.deepcopy(windows(8))
    births = cert["evidence"][0]["births"]
    if what == "coefficient":
        _exact_births(cert)[0]["minpoly"][0] = str(int(_exact_births(cert)[0]["minpoly"][0]) + 1)
    elif what == "on a saddle-node":
        sn = next(bt for bt in births if bt["kind"] == "saddle-node")
        sn["minpoly"] = _exact_births(cert)[0]["minpoly"]
    else:
        cert = copy.deepcopy(windows(7))
        cert["evidence"][0]["births"][0]["minpoly"] = ["-1", "1"]
    assert not check(cert).ok


def test_resultant_factors_hold_the_period_3_window():
    """Res for n = 3, multiplier +1, has the factor r^2 - 2r - 7 whose root 1 + 2 sqrt(2) is the period-3 birth."""
    assert any(list(g.coeffs()) == [-7, -2, 1] for g in birth_factors(3, 1))
