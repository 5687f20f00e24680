"""Chaos onset: a certified upper bound from a cycle whose period is not a power of 2."""

import copy

import pytest
from flint import fmpq

from certify.certificates import q_parse
from certify.checker import check
from certify.errors import CertifyError
from certify.maps import parse_family
from certify.thresholds.chaos import FEIGENBAUM_POINT, certify_chaos_onset


@pytest.fixture(scope="module")
def logistic_chaos():
    return certify_chaos_onset(parse_family("logistic(r)", "r"), (fmpq(357, 100), fmpq(4)), periods=(6, 12, 24))


def test_logistic_upper_bound_from_a_cycle_when_the_range_starts_past_the_cascade(logistic_chaos):
    """On [3.57, 4] (past the Feigenbaum point, so no two-sided enclosure) a 24-cycle gives an upper bound below 3.575."""
    cert = logistic_chaos
    assert cert["verdict"] == "proved" and cert["period"] == 24 and check(cert).ok
    assert float(FEIGENBAUM_POINT) < 3.57 < float(q_parse(cert["upper"])) < 3.575
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


def test_tent_chaos_onset_is_enclosed_from_both_sides():
    """tent(s): h = 0 for s <= 1 (|slope| <= 1, proved exactly) and h > 0 just above 1 (a certified cycle)."""
    cert = certify_chaos_onset(parse_family("tent(s)", "s"), (fmpq(1, 2), fmpq(2)), periods=(6, 12, 24))
    assert cert["verdict"] == "proved" and cert["lower"] == "1" and check(cert).ok
    assert 1 < float(q_parse(cert["upper"])) < 1.1
    bad = copy.deepcopy(cert)
    bad["lower"] = "11/10"  # slope 11/10 > 1 there
    assert not check(bad).ok
