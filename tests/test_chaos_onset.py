"""Chaos onset: a certified upper bound from a cycle whose period is not a power of 2."""

import copy
from fractions import Fraction

import pytest
from flint import fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

from certify.certificates import q_parse
from certify.checker import check
from certify.errors import CertifyError
from certify.maps import parse_family
from certify.thresholds.chaos import FEIGENBAUM_POINT, certify_chaos_onset


@pytest.fixture(scope="module")
def logistic_chaos():
    return certify_chaos_onset(parse_family("logistic(r)", "r"), (fmpq(357, 100), fmpq(4)), periods=(24,))


def test_logistic_upper_bound_from_a_cycle_when_the_range_starts_past_the_cascade(logistic_chaos):
    """On [3.57, 4] (past the Feigenbaum point, so no two-sided enclosure) a 24-cycle gives an upper bound below 3.575."""
    cert = logistic_chaos
    assert cert["verdict"] == "proved" and cert["period"] == 24 and check(cert).ok
    assert float(FEIGENBAUM_POINT) < 3.57 < float(q_parse(cert["upper"])) < 3.575
    assert not any(f["fact"] == "cascade_center" for f in cert["evidence"])
    assert cert["lower"] is None and cert["estimate"]["status"] == "estimate"


def test_tampered_chaos_onsets_are_rejected(logistic_chaos):
    """A power-of-2 period, a moved bound, a lower bound the logistic family cannot back: all rejected."""
    for edit in ("period", "upper", "lower"):
        bad = copy.deepcopy(logistic_chaos)
        if edit == "period":
            bad["period"] = 16
        elif edit == "upper":
            bad["upper"] = "357/100"
        else:
            bad["lower"] = "3571/1000"
        assert not check(bad).ok, edit


def test_powers_of_two_are_refused():
    """Period 4 cannot witness positive entropy: one-line error."""
    with pytest.raises(CertifyError, match="powers of 2"):
        certify_chaos_onset(parse_family("logistic(r)", "r"), (fmpq(3), fmpq(4)), periods=(4,))


@pytest.fixture(scope="module")
def tent_chaos():
    return certify_chaos_onset(parse_family("tent(s)", "s"), (fmpq(1, 2), fmpq(2)), periods=(6,))


def test_tent_chaos_onset_is_exactly_one(tent_chaos):
    """tent(s) on [1/2, 2]: h = 0 for s <= 1 (|slope| <= 1) and h = log s > 0 for s > 1 (constant slope): onset 1 exactly."""
    cert = tent_chaos
    res = check(cert)
    assert cert["verdict"] == "proved" and cert["lower"] == cert["upper"] == "1" and res.ok
    assert "log|s| for every s in [1, 2]" in res.statement and "= 1 exactly" in res.statement
    assert {f["fact"] for f in cert["evidence"]} == {"slope_entropy", "slopes_at_most_one"}


@pytest.mark.parametrize("what, edit", [
    ("onset moved up", lambda c: c.update(lower="11/10", upper="11/10") or c["evidence"][0].update({"from": "11/10"})),
    ("interval not invariant", lambda c: c["evidence"][0].update(interval={"lo": "0", "hi": "1/2"})),
    ("range past s = 2", lambda c: c["claim"].update(range={"lo": "1/2", "hi": "3"})),
    ("a period", lambda c: c.update(period=6)),
    ("lower fact dropped", lambda c: c["evidence"].pop(1)),
])
def test_tampered_tent_onsets_are_rejected(tent_chaos, what, edit):
    """An onset moved past 1, an interval f does not map into itself, s > 2, a stray period, a missing lower fact: rejected."""
    bad = copy.deepcopy(tent_chaos)
    edit(bad)
    assert not check(bad).ok, what


def test_unequal_slopes_are_not_a_constant_slope_family(tent_chaos):
    """s*min(x, 2 - 2x) has slopes s and -2s: the slope_entropy fact is refused for it."""
    fam = parse_family("s*min(x, 2 - 2*x)", "s")
    bad = copy.deepcopy(tent_chaos)
    bad["map"] = dict(bad["map"], given=fam.given, canonical=fam.canonical)
    assert not check(bad).ok


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 100))
def test_tent_laps_grow_at_least_like_s_to_the_n(k):
    """Oracle for h(T_s) = log s: laps of T_s^n on [0, 1], counted by exact Fraction preimages of 1/2, are >= s^n."""
    s = 1 + Fraction(k, 100)
    turning = set()
    level = {Fraction(1, 2)}
    for n in range(1, 9):
        turning |= level
        laps = len([c for c in turning if 0 < c < 1]) + 1  # laps of T^n: turning points of T^j, j < n
        assert laps >= s ** n
        level = {y for v in level if v <= s / 2 for y in (v / s, 1 - v / s)}
