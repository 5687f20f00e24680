"""Lyapunov spectra of continuous-time flows (Benettin QR estimates) and predictability times."""

import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from certify.cli import main
from certify.dynamics.flows import (FLOWS, get_flow, lyapunov_spectrum, parse_params, predictability,
                                    reported_audit)
from certify.errors import CertifyError

LN2 = math.log(2)


def test_lorenz_standard_lambda_max_matches_literature():
    """Lorenz-63 (10, 28, 8/3): lambda_max ~= 0.9056 (literature), within 0.05 and 4 stderr (T = 50, 32 orbits)."""
    r = lyapunov_spectrum("lorenz", horizon=50, step_check=False)
    lam = r["lambda_max"]
    assert lam["status"] == "estimate" and 0 < lam["stderr"] < 0.03
    assert abs(lam["value"] - 0.9056) < min(0.05, 4 * lam["stderr"] + 0.01)
    assert abs(r["spectrum"][1]["value"]) < 4 * r["spectrum"][1]["stderr"] + 0.01  # the flow direction: 0


@pytest.mark.parametrize("params", [None, "sigma=16,rho=45.92,beta=4", "rho=10"])
def test_lorenz_spectrum_sums_to_divergence(params):
    """Lorenz: div f = -(sigma + 1 + beta) everywhere, so the exponents sum to it (Liouville), to 1e-3."""
    p = parse_params(get_flow("lorenz"), params)
    r = lyapunov_spectrum("lorenz", params, horizon=10, orbits=4, step_check=False)
    total = sum(s["value"] for s in r["spectrum"])
    assert abs(total + (p["sigma"] + 1 + p["beta"])) < 1e-3
    assert r["liouville"]["exact"] and abs(r["liouville"]["difference"]) < 1e-3


def test_rossler_lambda_max():
    """Rössler (0.2, 0.2, 5.7): lambda_max ~= 0.0714 (literature), within 0.01."""
    lam = lyapunov_spectrum("rossler", horizon=200, step_check=False)["lambda_max"]
    assert abs(lam["value"] - 0.0714) < 0.01 and lam["stderr"] < 0.005


def test_lorenz_stable_fixed_points_have_negative_exponents():
    """Lorenz rho = 10: C+- are stable, lambda_max < 0 equals the real part of the Jacobian's
    leading eigenvalues there (within 0.01)."""
    p = parse_params(get_flow("lorenz"), "rho=10")
    c = math.sqrt(p["beta"] * (p["rho"] - 1))
    eig = np.linalg.eigvals(FLOWS["lorenz"].jacobian(np.array([[c, c, p["rho"] - 1]]), p)[0])
    lam = lyapunov_spectrum("lorenz", "rho=10", horizon=40, orbits=8, step_check=False)["lambda_max"]
    assert lam["value"] < 0 and abs(lam["value"] - eig.real.max()) < 0.01


def test_duffing_phase_exponent_zero_and_sum_minus_delta():
    """Forced Duffing (state x, v, phase): one exponent is exactly 0 (the phase), the sum is -delta,
    and the stated default parameters are chaotic (lambda_max > 5 stderr)."""
    r = lyapunov_spectrum("duffing", horizon=200, orbits=16, step_check=False)
    vals = [s["value"] for s in r["spectrum"]]
    assert abs(vals[1]) < 1e-9 and abs(sum(vals) + 0.3) < 1e-6
    assert vals[0] > 5 * r["lambda_max"]["stderr"]


def test_step_check_reported_and_consistent():
    """The dt/2 re-run is reported separately and agrees with the dt run for Lorenz at dt = 0.01."""
    sc = lyapunov_spectrum("lorenz", horizon=10, orbits=8)["step_check"]
    assert sc["dt_half"] == 0.005 and sc["ok"] and abs(sc["difference"]) <= 3 * sc["combined_stderr"]


@given(st.floats(0.01, 10), st.floats(1e-4, 1e-1), st.floats(1e-3, 1.0))
def test_tau_identities(lam, rel, dt):
    """tau * lambda = ln 2, steps * dt_sample = time, and a reported tau equal to the computed one
    implies the computed lambda back (z = 0, implied dt_sample = dt_sample)."""
    est = {"value": lam, "stderr": rel * lam, "status": "estimate"}
    tau = predictability(est, dt)
    assert math.isclose(tau["time"] * lam, LN2) and math.isclose(tau["steps"] * dt, tau["time"])
    assert math.isclose(tau["stderr"] / tau["steps"], rel, rel_tol=1e-9)
    back = reported_audit(tau["steps"], dt, est)
    assert math.isclose(back["lambda_time"], lam) and math.isclose(back["implied_dt_sample"], dt)
    assert abs(back["z"]) < 1e-6 and math.isclose(back["lambda_per_step"], lam * dt)


def test_no_tau_when_lambda_not_positive():
    """lambda_max <= 0: no finite predictability time."""
    tau = predictability({"value": -0.5, "stderr": 0.01, "status": "estimate"}, 0.01)
    assert tau["time"] is None and tau["steps"] is None


def test_params_exact_and_unknown():
    """Parameters parse as exact numbers (8/3), and an unknown name is refused with the valid names."""
    assert parse_params(get_flow("lorenz"), "beta=8/3")["beta"] == 8 / 3
    assert get_flow("Rössler").name == "rossler"
    with pytest.raises(CertifyError, match="sigma, rho, beta"):
        parse_params(get_flow("lorenz"), "gamma=1")


def test_forcing_interval_flow_json(capsys):
    """forcing-interval --flow --json: lambda_max and tau labelled estimate; steps = time / dt_sample;
    the reported value's implied lambda is ln 2 / (46.2 dt_sample)."""
    assert main(["forcing-interval", "--flow", "lorenz", "--dt-sample", "0.01", "--horizon", "10", "--orbits", "8",
                 "--no-step-check", "--reported", "46.2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["lambda_max"]["status"] == "estimate" and out["status"] == "estimate"
    assert {"value", "stderr", "status", "method"} <= set(out["lambda_max"])
    assert len(out["spectrum"]) == 3
    tau = out["tau_pred"]
    assert tau["status"] == "estimate" and math.isclose(tau["steps"], tau["time"] / 0.01)
    assert math.isclose(out["reported"]["lambda_time"], LN2 / 0.462)


def test_lyapunov_flow_text(capsys):
    """lyapunov --flow prints the spectrum as an ESTIMATE."""
    assert main(["lyapunov", "--flow", "rossler", "--horizon", "20", "--orbits", "4", "--no-step-check"]) == 0
    out = capsys.readouterr().out
    assert "ESTIMATE" in out and "spectrum" in out and "rossler" in out


@pytest.mark.parametrize("args, message", [
    (["forcing-interval", "--flow", "chua", "--dt-sample", "0.01"], "unknown flow"),
    (["forcing-interval", "--flow", "lorenz", "--dt-sample", "0.01", "--params", "gamma=1"], "unknown parameter"),
    (["forcing-interval", "--flow", "lorenz", "--dt-sample", "0"], "dt_sample (--dt-sample) must be positive"),
    (["forcing-interval", "--flow", "lorenz"], "needs dt_sample (--dt-sample DT)"),
    (["lyapunov", "--flow", "lorenz", "--dt", "-0.01"], "--dt must be a positive"),
    (["lyapunov", "--flow", "lorenz", "--horizon", "0"], "--horizon must be a positive"),
    (["lyapunov", "logistic(r=4)", "--flow", "lorenz"], "not both"),
    (["forcing-interval", "logistic(r=4)", "--dt-sample", "0.1"], "applies to --flow only"),
    (["lyapunov", "--flow", "lorenz", "--out", "x.json"], "use --json"),
])
def test_flow_bad_input(args, message, capsys):
    """Bad flow input: one line on stderr, exit 2, nothing on stdout."""
    assert main(args) == 2
    cap = capsys.readouterr()
    assert message in cap.err and cap.err.count("\n") == 1 and cap.out == ""
