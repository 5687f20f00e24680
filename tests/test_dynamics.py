"""Lyapunov exponents: proved for certified orbits, proved log s for constant-slope PL maps, else estimated."""

import copy
import math

from certify.certificates import interval_parse
from certify.checker import check
from certify.dynamics import lyapunov
from certify.maps import parse_map


def exponents(cert):
    return [(float(sum(interval_parse(e["exponent"])) / 2), e["stable"]) for e in cert["exponents"]]


def test_logistic4_fixed_points():
    """logistic r = 4: fixed points 0 and 3/4 have exponents log 4 and log 2, both repelling."""
    cert = lyapunov(parse_map("logistic(r=4)"), 1, steps=2000)
    assert check(cert).ok
    got = sorted(exponents(cert))
    assert math.isclose(got[0][0], math.log(2), abs_tol=1e-12) and math.isclose(got[1][0], math.log(4), abs_tol=1e-12)
    assert all(s is False for _, s in got)


def test_attracting_two_cycle():
    """logistic r = 3.2: the 2-cycle attracts, exponent log(0.16)/2 = -0.9163 (multiplier 4 + 2r - r^2)."""
    cert = lyapunov(parse_map("logistic(r=3.2)"), 2, steps=2000)
    (lam, stable), = exponents(cert)
    assert stable is True and math.isclose(lam, math.log(4 + 2 * 3.2 - 3.2 ** 2) / 2, abs_tol=1e-10)
    assert check(cert).ok


def test_typical_logistic4_estimate_is_log2():
    """The typical-orbit estimate for logistic r = 4 is log 2 within a few standard errors; labelled estimate."""
    t = lyapunov(parse_map("logistic(r=4)"), 1, steps=50_000)["typical"]
    assert t["status"] == "estimate" and abs(t["value"] - math.log(2)) < 6 * t["stderr"] + 1e-3


def test_tent_typical_exponent_is_proved():
    """tent s = 2 has |slope| 2 everywhere: the typical exponent is proved to be log 2."""
    cert = lyapunov(parse_map("tent(s=2)"), 3, steps=2000)
    assert cert["typical"] == {**cert["typical"], "status": "proved", "value": "log(2)"}
    assert check(cert).ok


def test_tampered_exponent_rejected():
    """A changed exponent interval or a false stability claim fails the check."""
    cert = lyapunov(parse_map("logistic(r=3.2)"), 2, steps=2000)
    bad = copy.deepcopy(cert)
    bad["exponents"][0]["exponent"] = {"lo": "0", "hi": "1"}
    assert not check(bad).ok
    bad = copy.deepcopy(cert)
    bad["exponents"][0]["stable"] = False
    assert not check(bad).ok


def test_proved_typical_needs_constant_slope():
    """Marking a typical estimate 'proved' without the constant-slope fact is rejected."""
    cert = lyapunov(parse_map("logistic(r=4)"), 1, steps=2000)
    cert["typical"] = {"status": "proved", "value": "log(2)"}
    assert not check(cert).ok
