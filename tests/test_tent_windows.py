"""Windows of the tent family for every period (checker/tent.py, thresholds/tent.py)."""

import copy
from fractions import Fraction

import pytest
from flint import fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

from certify.certificates import interval_parse
from certify.checker import check
from certify.maps import parse_family
from certify.thresholds import certify_windows

TENT = parse_family("tent(s)", "s")
# the same map written so that the tent route does not recognise it: the generic PL route (critical partition)
TENT_PL = parse_family("min(s*x, s - s*x)", "s")


def _windows(p, fam=TENT, rng=(fmpq(1), fmpq(2))):
    return certify_windows(fam, p, rng, digits=20)


def _has_minimal_period(s: Fraction, p: int) -> bool:
    """Oracle: T_s has a point of minimal period p, by exact Fraction solution of T^p(x) = x on every itinerary."""
    for word in range(2 ** p):
        a, b = Fraction(1), Fraction(0)  # T^k(x) = a x + b along the itinerary
        for k in range(p):
            right = word >> k & 1
            a, b = (s * a, s * b) if not right else (-s * a, s - s * b)
        if a == 1:
            continue
        x = b / (1 - a)
        orbit, y = [x], x
        for _ in range(p):
            y = s * min(y, 1 - y)
            orbit.append(y)
        if y == x and all(orbit[k] != x for k in range(1, p)):
            return True
    return False


@pytest.mark.parametrize("p, minpoly", [(3, "s^2 - s - 1"), (5, "s^4 - s^3 - s^2 + s - 1"), (6, "s^4 - s^2 - 1"),
                                        (7, "s^3 - s^2 - 1"), (9, "s^8 - s^7 - s^6 + s^5 - s^4 + s^3 - s^2 + s - 1"),
                                        (10, "s^8 - s^6 - s^4 + s^2 - 1"),
                                        (11, "s^10 - s^9 - s^8 + s^7 - s^6 + s^5 - s^4 + s^3 - s^2 + s - 1")])
def test_tent_window_starts_at_an_exact_algebraic_birth(p, minpoly):
    """Period p's window is [s_p, 2], s_p the largest root of the stated minimal polynomial; the kernel agrees."""
    cert = _windows(p)
    res = check(cert)
    assert cert["verdict"] == "proved" and res.ok and len(cert["windows"]) == 1
    assert f"largest root of {minpoly} (minimal polynomial" in res.statement
    assert "Block-Guckenheimer-Misiurewicz-Young" in res.statement


@pytest.mark.parametrize("p", [2, 4, 8])
def test_powers_of_two_exist_for_every_slope_above_one(p):
    """Period 2^j: the window is (1, 2] (Misiurewicz and Sharkovskii; T_1 has only fixed points)."""
    cert = _windows(p)
    res = check(cert)
    assert res.ok and "for every s in (1, 2]" in res.statement


@pytest.mark.parametrize("p", [3, 5, pytest.param(6, marks=pytest.mark.slow), pytest.param(7, marks=pytest.mark.slow)])
def test_tent_route_agrees_with_the_critical_partition(p):
    """Differential: the generic PL route (border collisions, exact verdicts per gap) finds the same window start."""
    fast, slow = _windows(p), _windows(p, TENT_PL)
    assert slow["evidence"][0]["fact"] == "critical_partition" and check(slow).ok
    (a, b), (c, d) = interval_parse(fast["windows"][0]["from"]), interval_parse(slow["windows"][0]["from"])
    assert a <= d and c <= b


@settings(max_examples=40, deadline=None)
@given(st.integers(3, 7), st.integers(0, 60))
def test_windows_agree_with_exact_fraction_iteration(p, k):
    """Oracle: at s = 1 + k/60, T_s has a point of minimal period p (exact Fractions) iff s lies in the window."""
    s = 1 + Fraction(k, 60)
    cert = _windows(p)
    w = cert["windows"][0]
    lo, hi = interval_parse(w["from"])
    inside = s > 1 if lo == hi == 1 else Fraction(int(hi.p), int(hi.q)) < s
    if not inside and lo != hi:
        assert s < Fraction(int(lo.p), int(lo.q))
    assert _has_minimal_period(s, p) == inside


@pytest.mark.parametrize("what, edit", [
    ("root of another factor", lambda c: c["evidence"][0].update(root={"lo": "-2", "hi": "-1/2"})),
    ("window moved", lambda c: c["windows"][0].update({"from": {"lo": "3/2", "hi": "3/2"}})),
    ("second window", lambda c: c["windows"].append(copy.deepcopy(c["windows"][0]))),
    ("another period", lambda c: c["claim"].update(p=7)),
    ("range past 2", lambda c: c["claim"].update(range={"lo": "1", "hi": "3"})),
])
def test_tampered_tent_windows_are_rejected(what, edit):
    """A root of another factor, a moved or doubled window, another period, a range past s = 2: rejected."""
    cert = _windows(5)
    bad = copy.deepcopy(cert)
    edit(bad)
    assert not check(bad).ok, what


def test_the_tent_window_fact_is_refused_for_another_family():
    """The fact is about s*min(x, 1 - x) exactly: the same certificate on the PL-written tent is rejected."""
    bad = copy.deepcopy(_windows(5))
    bad["map"] = dict(bad["map"], given=TENT_PL.given, canonical=TENT_PL.canonical)
    assert not check(bad).ok
