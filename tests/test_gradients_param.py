"""Parameter gradients along certified orbits, and estimates stored so certificates stay loadable."""

import copy
import json
import math

import mpmath
from flint import fmpq

from certify.certificates import interval_parse, loads
from certify.checker import check
from certify.cli import main
from certify.dynamics.gradients import gradients
from certify.maps import parse_family, weight_family


def _mid(iv):
    lo, hi = interval_parse(iv)
    return float((lo + hi) / 2)


def _pfact(cert):
    return next(f for f in cert["evidence"] if f["fact"] == "param_gradient_values")


def test_lyapunov_out_is_a_checkable_certificate(tmp_path, capsys):
    """`lyapunov --out` stores the typical estimate as decimal strings: the file loads and checks OK."""
    out = tmp_path / "c.json"
    assert main(["lyapunov", "logistic(r=4)", "-p", "2", "--steps", "2000", "--out", str(out)]) == 0
    cert = loads(out.read_text())
    assert cert["typical"]["status"] == "estimate" and isinstance(cert["typical"]["value"], str)
    assert main(["check", str(out)]) == 0
    assert "OK" in capsys.readouterr().out


def test_gradients_out_is_a_checkable_certificate(tmp_path, capsys):
    """`gradients --param --loss --out` writes no JSON float, and `certify check` accepts the file."""
    out = tmp_path / "g.json"
    assert main(["gradients", "logistic(r)", "--param", "r", "--at", "383/100", "--x0", "0.3",
                 "--horizon", "60", "--loss", "--out", str(out)]) == 0
    assert loads(out.read_text())["param_gradient"]["status"] == "estimate"  # loads refuses JSON floats
    assert main(["check", str(out)]) == 0
    assert "OK" in capsys.readouterr().out


def test_dx_dr_matches_high_precision_difference_quotient():
    """d x_T / d r of the logistic orbit equals a 60-digit central difference quotient (T = 1..30)."""
    fam = parse_family("logistic(r)", "r")
    cert = gradients(None, fmpq(3, 10), 30, points=30, family=fam, value=fmpq(383, 100))
    fact = _pfact(cert)
    mpmath.mp.dps = 60
    try:
        def orbit(r):
            x, out = mpmath.mpf(3) / 10, []
            for _ in range(30):
                x = r * x * (1 - x)
                out.append(x)
            return out
        h = mpmath.mpf(10) ** -25
        r = mpmath.mpf(383) / 100
        up, dn = orbit(r + h), orbit(r - h)
        for t, iv in zip(fact["T"], fact["log_abs_dx"]):
            want = float(mpmath.log(abs((up[t - 1] - dn[t - 1]) / (2 * h))))
            assert math.isclose(_mid(iv), want, abs_tol=1e-9)
    finally:
        mpmath.mp.dps = 15


def test_loss_gradient_explodes_at_lambda_on_chaos():
    """logistic r = 4: log|dL_T/dr| grows at ~log 2 per step (Mikhaeil et al., Theorem 2)."""
    cert = gradients(None, fmpq(3, 10), 300, family=parse_family("logistic(r)", "r"), value=fmpq(4), loss=True)
    pg = cert["param_gradient"]
    assert check(cert).ok and pg["regime"].startswith("exploding")
    assert abs(float(pg["growth_rate"]) - math.log(2)) < 0.05


def test_loss_gradient_bounded_on_attracting_cycle():
    """logistic r = 3.2: orbit and targets settle on the attracting 2-cycle, dL_T/dr stays bounded."""
    cert = gradients(None, fmpq(3, 10), 300, family=parse_family("logistic(r)", "r"), value=fmpq(16, 5), loss=True)
    pg = cert["param_gradient"]
    assert check(cert).ok and pg["regime"].startswith("bounded") and float(pg["growth_rate"]) < 1e-3


def test_weight_family_keeps_the_weight_value():
    """--param w1 (0-based: the second unit) of an rnn1d network: the family at the weight's own value is
    the network itself."""
    spec = "rnn1d(activation=tanh, w=[3,1], b=[0,-1/2], a=[3,-4], c=1/3)"
    fam, v = weight_family(spec, "w1")
    assert v == 1 and fam.param == "w1"
    assert weight_family(spec, "w0")[1] == 3
    cert = gradients(None, fmpq(3, 10), 40, family=fam, value=v, loss=True)
    assert check(cert).ok and _pfact(cert)["log_abs_dL"] is not None


def test_tampered_param_gradient_rejected():
    """A changed dL/dtheta or dx/dtheta interval, parameter value or target start fails the check."""
    cert = gradients(None, fmpq(3, 10), 50, family=parse_family("logistic(r)", "r"), value=fmpq(4), loss=True)
    assert check(cert).ok
    edits = [lambda c: _pfact(c)["log_abs_dL"].__setitem__(-1, {"lo": "0", "hi": "1"}),
             lambda c: _pfact(c)["log_abs_dx"].__setitem__(0, {"lo": "5", "hi": "6"}),
             lambda c: c["claim"].__setitem__("value", "399/100"),
             lambda c: _pfact(c).__setitem__("y0", "1/2"),
             lambda c: c["claim"].pop("param"),
             lambda c: _pfact(c)["log_abs_dL"].pop()]
    for edit in edits:
        bad = copy.deepcopy(cert)
        edit(bad)
        assert not check(json.loads(json.dumps(bad))).ok
