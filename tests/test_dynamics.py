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
    assert t["status"] == "estimate" and abs(float(t["value"]) - math.log(2)) < 6 * float(t["stderr"]) + 1e-3


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


def _bounds(cert):
    from certify.certificates import q_parse
    return float(q_parse(cert["bounds"]["lo"])), float(q_parse(cert["bounds"]["hi"]))


def test_tent_entropy_bounds_bracket_log_s():
    """For tent maps h_top = log s: the certified [lo, hi] contains it (exactly: the constant-slope fact)."""
    from certify.dynamics.entropy import entropy_bounds
    from certify.arith import Budget
    for s, exact in (("2", True), ("3/2", True), ("17/10", True)):
        cert = entropy_bounds(parse_map(f"tent(s={s})"), budget=Budget())
        assert check(cert).ok
        lo, hi = _bounds(cert)
        h = math.log(eval(s))
        assert lo - 1e-12 <= h <= hi + 1e-12
        if exact:
            assert math.isclose(lo, h, abs_tol=1e-9) and math.isclose(hi, h, abs_tol=1e-9)


def test_contraction_has_zero_entropy():
    """x/2 + 1/4 contracts to a point: h_top = 0, proved."""
    from certify.dynamics.entropy import entropy_bounds
    cert = entropy_bounds(parse_map("x/2 + 1/4"))
    assert cert["verdict"] == "proved" and _bounds(cert) == (0.0, 0.0) and check(cert).ok


def test_tampered_entropy_rejected(monkeypatch):
    """A changed graph vector, ratio or partition point, or a bound moved inside, is rejected."""
    from certify.dynamics import entropy as entropy_mod
    from certify.dynamics.entropy import entropy_bounds
    from certify.arith import Budget
    monkeypatch.setattr(entropy_mod, "_kneading", lambda *a: (None, None))  # the lap-graph facts, not kneading
    cert = entropy_bounds(parse_map("min(2*x, 7*(1-x)/5)"), budget=Budget())
    assert check(cert).ok
    for edit in ("v", "mu", "point", "hi", "lo"):
        bad = copy.deepcopy(cert)
        facts = {f["fact"]: f for f in bad["evidence"]}
        if edit == "v":
            facts["graph_upper"]["v"][0] = 1
        elif edit == "mu":
            facts["graph_lower"]["mu"] = "3/2"
        elif edit == "point":
            facts["graph_upper"]["points"][1] = "1/3"
        else:
            bad["bounds"][edit] = "0" if edit == "hi" else "1/2"
        assert not check(bad).ok, edit


def test_laps_and_horseshoe_certificates_still_check():
    """A certificate from lap counts and a horseshoe (the form used when f has flat pieces) checks."""
    from certify.arith import Budget
    from certify.dynamics.entropy import entropy_bounds
    cert = entropy_bounds(parse_map("max(0, min(3*x, 1, 3 - 3*x))"), budget=Budget(), tolerance=0.2)
    assert cert["verdict"] == "proved" and check(cert).ok
    assert {f["fact"] for f in cert["evidence"]} == {"laps", "horseshoe"}


def test_rho_odd_lower_bound_is_golden_mean_for_p3():
    """rho_3 is the golden mean: the certified lower bound a satisfies phi - 2^-40 <= a < phi."""
    from certify.dynamics.entropy import rho_odd
    phi = (1 + 5 ** 0.5) / 2
    a = float(rho_odd(3))
    assert phi - 2 ** -39 <= a <= phi


def test_smooth_entropy_logistic_period3_and_lipschitz(monkeypatch):
    """logistic r = 3.83: log phi <= lo (period 3 in I, BGMY) and hi = (1/n) log sup|(f^n)'| < log 3.83."""
    from certify.dynamics import entropy as entropy_mod
    from certify.dynamics.entropy import entropy_bounds
    monkeypatch.setattr(entropy_mod, "_kneading", lambda *a: (None, None))  # the BGMY and Lipschitz facts
    cert = entropy_bounds(parse_map("logistic(r=3.83)"))
    assert check(cert).ok
    lo, hi = _bounds(cert)
    assert math.log((1 + 5 ** 0.5) / 2) - 1e-9 <= lo <= hi < math.log(3.83)
    for edit in ("rho", "s", "domain", "cell"):
        bad = copy.deepcopy(cert)
        facts = {f["fact"]: f for f in bad["evidence"]}
        if edit == "rho":
            facts["odd_period"]["rho_lower"] = "13/8"  # above the golden mean
            bad["bounds"]["lo_exact"] = "log(13/8)"
        elif edit == "s":
            facts["lipschitz"]["s"] = "2"
            bad["bounds"]["hi_exact"] = f"log(2)/{facts['lipschitz']['n']}"
        elif edit == "domain":
            facts["odd_period"]["certificate"]["claim"]["domain"] = None
        else:
            facts["lipschitz"]["cells"].pop()
        assert not check(bad).ok, edit


def test_gradients_explode_at_rate_lambda_on_chaos():
    """logistic r = 4: certified log|dx_T/dx_0| grows at ~log 2 per step (Theorem 2)."""
    from flint import fmpq
    from certify.dynamics.gradients import gradients
    cert = gradients(parse_map("logistic(r=4)"), fmpq(3, 10), 400)
    assert check(cert).ok and cert["regime"].startswith("exploding")
    assert abs(float(cert["growth_rate"]) - math.log(2)) < 0.02


def test_gradients_vanish_on_an_attracting_cycle():
    """logistic r = 3.2: gradients decay at the attracting 2-cycle's exponent log(0.16)/2 (Theorem 1)."""
    from flint import fmpq
    from certify.dynamics.gradients import gradients
    cert = gradients(parse_map("logistic(r=3.2)"), fmpq(3, 10), 300)
    assert check(cert).ok and cert["regime"].startswith("vanishing")
    assert abs(float(cert["growth_rate"]) - math.log(0.16) / 2) < 0.01


def test_tampered_gradient_rejected():
    """A changed certified value is rejected."""
    from flint import fmpq
    from certify.dynamics.gradients import gradients
    cert = gradients(parse_map("tent(s=2)"), fmpq(1, 3) + fmpq(1, 10 ** 9), 50)
    bad = copy.deepcopy(cert)
    bad["evidence"][0]["log_abs"][-1] = {"lo": "0", "hi": "1"}
    assert check(cert).ok and not check(bad).ok


def test_constant_slope_on_the_invariant_interval_proves_lambda():
    """The ReLU tent net has slopes 0 off [0, 1] but |slope| 2 on it: lambda = log 2 proved for orbits in I."""
    from pathlib import Path
    net = str(Path(__file__).resolve().parent.parent / "proofs" / "relu_tent_net.json")
    cert = lyapunov(parse_map(net), 1)
    assert cert["typical"]["status"] == "proved" and cert["typical"]["value"] == "log(2)"
    fact = next(f for f in cert["evidence"] if f["fact"] == "constant_slope")
    assert fact["interval"] == {"lo": "0", "hi": "1"} and check(cert).ok
    bad = copy.deepcopy(cert)
    next(f for f in bad["evidence"] if f["fact"] == "constant_slope")["interval"] = {"lo": "-1", "hi": "1"}
    assert not check(bad).ok  # slope 0 on [-1, 0]
