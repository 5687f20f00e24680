"""certify lyapunov RNN --spectrum: proved exponents of a certified cycle, QR spectrum estimate (labelled)."""

import os

import numpy as np
import pytest

from certify.checker import check
from certify.cli import main
from certify.dynamics.rnn import cycle_exponents, lyapunov_rnn, spectrum_estimate
from certify.maps.rnn import load_rnn, rnn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RNN8 = os.path.join(ROOT, "examples", "rnn8_tanh.json")


def test_spectrum_of_a_contracting_diagonal_map():
    """h -> tanh(diag(1/2, 1/4) h): every orbit tends to 0, where the exponents are log 1/2 and log 1/4."""
    est = spectrum_estimate(rnn([["1/2", 0], [0, "1/4"]], [0, 0]), steps=2000, transient=200)
    assert est["status"] == "estimate"
    assert np.allclose([float(v) for v in est["values"]], [np.log(0.5), np.log(0.25)], atol=1e-6)


def test_spectrum_sum_is_the_mean_log_determinant():
    """The exponents of one orbit sum to the mean of log|det J(z_t)| (QR keeps |det|), so the estimate's sum matches."""
    net = load_rnn(RNN8)
    est = spectrum_estimate(net, z0=[0.1] * 8, steps=3000, transient=300, starts=1)
    W, b = net.floats()
    z = np.full(8, 0.1)
    logdet = []
    for t in range(3300):
        u = W @ z + b
        if t >= 300:
            logdet.append(np.linalg.slogdet((1 - np.tanh(u) ** 2)[:, None] * W)[1])
        z = np.tanh(u)
    assert abs(sum(float(v) for v in est["values"]) - np.mean(logdet)) < 1e-8


@pytest.fixture(scope="module")
def cert7():
    return lyapunov_rnn(load_rnn(RNN8), 7, spectrum=True, steps=500)


def test_cycle_exponents_contain_float_exponents(cert7):
    """The proved exponent enclosures contain (1/7) log|eig| of the float Jacobian product at the cycle."""
    net = load_rnn(RNN8)
    W, b = net.floats()
    from certify.certificates import interval_parse
    Z = [np.array([float(sum(interval_parse(v)) / 2) for v in z]) for z in cert7["evidence"][0]["boxes"]]
    M = np.eye(8)
    for z in Z:
        M = ((1 - np.tanh(W @ z + b) ** 2)[:, None] * W) @ M
    logs = sorted(np.log(np.abs(np.linalg.eigvals(M))) / 7, reverse=True)
    ex = cycle_exponents(cert7)
    assert sum(k for k, _, _ in ex) == 8
    flat = [(float(lo) if lo.is_finite() else -np.inf, float(hi)) for k, lo, hi in ex for _ in range(k)]
    for v, (lo, hi) in zip(logs, flat):
        assert lo - 1e-12 <= v <= hi + 1e-12


def test_spectrum_is_informational_in_the_certificate(cert7):
    """The kernel re-checks the cycle and lists the spectrum as informational (never verified)."""
    res = check(cert7)
    assert res.ok and "spectrum" in res.informational


def test_cli_prints_proved_exponents_and_labelled_estimate(capsys):
    """The text says PROVED for the cycle's exponents and ESTIMATE for the spectrum."""
    assert main(["lyapunov", RNN8, "-p", "7", "--spectrum", "--steps", "500"]) == 0
    out = capsys.readouterr().out
    assert "exponents (1/7) log|lambda| of the cycle (PROVED" in out and "(ESTIMATE; QR method" in out


def test_cli_x0_of_the_wrong_length_is_refused(capsys):
    """--x0 with 1 number for an 8-dimensional RNN exits 2."""
    assert main(["lyapunov", RNN8, "--spectrum", "--x0", "1"]) == 2
    assert "8 comma-separated" in capsys.readouterr().err
