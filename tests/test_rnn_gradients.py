"""certify gradients RNN: log ||dz_T/dz_0||_inf enclosed in ball matrices along an orbit; kernel claim rnn_gradients."""

import copy
import math
import os

import numpy as np
import pytest
from flint import fmpq

from certify.certificates import interval_parse
from certify.checker import check
from certify.cli import main
from certify.dynamics.rnn_gradients import rnn_gradients
from certify.maps.rnn import load_rnn, rnn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHAOS = os.path.join(ROOT, "examples", "rnn8_gain4.safetensors")
Z0 = [fmpq(1, 10)] * 8


@pytest.fixture(scope="module")
def cert():
    return rnn_gradients(load_rnn(CHAOS), Z0, horizon=200, points=20)


def test_relu_linear_orbit_has_exact_norms():
    """relu(diag(1/2, 1/4) h + (1, 1)) stays positive, so dz_T/dz_0 = diag(2^-T, 4^-T) and the log-norm is -T log 2."""
    c = rnn_gradients(rnn([["1/2", 0], [0, "1/4"]], [1, 1], "relu"), [fmpq(1), fmpq(1)], horizon=40, points=5)
    assert c["verdict"] == "proved"
    for T, iv in zip(c["evidence"][0]["T"], c["evidence"][0]["log_norm"]):
        lo, hi = interval_parse(iv)
        assert float(lo) - 1e-12 <= -T * math.log(2) <= float(hi) + 1e-12


def test_enclosures_contain_the_float_product(cert):
    """At T = 200 the certified log-norm agrees with the float64 orbit's to 1e-3 (float error grows like e^(lambda T))."""
    W, b = load_rnn(CHAOS).floats()
    z, P = np.full(8, 0.1), np.eye(8)
    for _ in range(200):
        u = W @ z + b
        P = ((1 - np.tanh(u) ** 2)[:, None] * W) @ P
        z = np.tanh(u)
    lo, hi = interval_parse(cert["evidence"][0]["log_norm"][-1])
    assert abs(float((lo + hi) / 2) - math.log(np.abs(P).sum(axis=1).max())) < 1e-3


def test_kernel_rechecks_and_labels_estimates(cert):
    """The kernel re-derives every enclosure; growth rate, lambda_max and the regime are informational."""
    res = check(cert)
    assert res.ok and res.verdict == "proved"
    assert {"growth_rate", "lambda_max", "regime"} <= set(res.informational)


def test_tampered_interval_is_rejected(cert):
    """A log-norm interval moved by 1e-6 fails fact 0."""
    bad = copy.deepcopy(cert)
    iv = bad["evidence"][0]["log_norm"][5]
    lo, hi = interval_parse(iv)
    iv["lo"], iv["hi"] = str(lo + fmpq(1, 10**6)), str(hi + fmpq(1, 10**6))
    res = check(bad)
    assert not res.ok and "fact 0 (jacobian_norms)" in res.message


def test_other_start_is_rejected(cert):
    """The same facts for another z0 fail (the orbit is re-computed from the claim's z0)."""
    bad = copy.deepcopy(cert)
    bad["claim"]["z0"][0] = "1/9"
    assert not check(bad).ok


def test_estimate_fields_must_say_so(cert):
    """lambda_max without status: estimate is refused."""
    bad = copy.deepcopy(cert)
    bad["lambda_max"].pop("status")
    assert "estimate" in check(bad).message


def test_cli_regimes(capsys):
    """The chaotic example's gradients explode, the 8-dimensional example's vanish (fitted rates, estimates)."""
    z0 = ",".join(["0.1"] * 8)
    assert main(["gradients", CHAOS, "--z0", z0, "--horizon", "1000"]) == 0
    assert "regime   exploding" in capsys.readouterr().out
    assert main(["gradients", os.path.join(ROOT, "examples", "rnn8_tanh.json"), "--z0", z0, "--horizon", "200"]) == 0
    assert "regime   vanishing" in capsys.readouterr().out


def test_cli_wrong_dimension_is_refused(capsys):
    """--z0 with 2 numbers for an 8-dimensional RNN exits 2."""
    assert main(["gradients", CHAOS, "--z0", "0.1,0.2", "--horizon", "10"]) == 2
    assert "8 comma-separated" in capsys.readouterr().err


@pytest.fixture(scope="module")
def trapped():
    return rnn_gradients(load_rnn(os.path.join(ROOT, "examples", "rnn8_tanh.json")), Z0, horizon=200, points=10)


def test_attracted_orbit_gets_a_bound_for_all_t(trapped):
    """The orbit of z0 = 0.1 under the 8-dimensional example is trapped near an attracting 7-cycle: fact 1 bounds every T >= H."""
    assert [f["fact"] for f in trapped["evidence"]] == ["jacobian_norms", "trapped_cycle"]
    res = check(trapped)
    assert res.ok and "for every T >= 200" in res.statement


def test_all_t_bound_holds_beyond_the_horizon(trapped):
    """The float product at T = 200 + 7m stays below K q^m (checked to T = 900, with slack 1e-6 in the log)."""
    import re
    net = load_rnn(os.path.join(ROOT, "examples", "rnn8_tanh.json"))
    st = check(trapped).statement
    logK = float(re.search(r"log K <= (\S+)", st).group(1))
    q = float(re.search(r"q <= (\S+) <", st).group(1))
    W, b = net.floats()
    z, P = np.full(8, 0.1), np.eye(8)
    for T in range(1, 901):
        u = W @ z + b
        P = ((1 - np.tanh(u) ** 2)[:, None] * W) @ P
        z = np.tanh(u)
        if T >= 200:
            assert math.log(np.abs(P).sum(axis=1).max()) <= logK + ((T - 200) // 7) * math.log(q) + 1e-6


def test_trapped_box_tamper_is_rejected(trapped):
    """The box moved off z_H, or a weight made 10^6 times larger, fails fact 1."""
    bad = copy.deepcopy(trapped)
    iv = bad["evidence"][1]["box"][0]
    lo, hi = interval_parse(iv)
    iv["lo"], iv["hi"] = str(hi), str(2 * hi - lo)
    res = check(bad)
    assert not res.ok and "fact 1 (trapped_cycle)" in res.message
    bad = copy.deepcopy(trapped)
    bad["evidence"][1]["weights"][3] = str(10 ** 6)
    assert "fact 1 (trapped_cycle)" in check(bad).message
