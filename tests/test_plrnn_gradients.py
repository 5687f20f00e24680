"""certify gradients PLRNN: log ||dz_T/dz_0||_inf along an orbit of z -> A z + W relu(z) + h, enclosed in
ball matrices (kernel claim rnn_gradients on a canonical PLRNN), against an exact Fraction oracle."""

import copy
import math
import os
from fractions import Fraction

import numpy as np
import pytest
from flint import fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

from certify.certificates import interval, interval_parse
from certify.checker import check
from certify.cli import main
from certify.dynamics.rnn_gradients import rnn_gradients
from certify.maps.plrnn import load_plrnn, plrnn_from_mapping

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LORENZ = os.path.join(ROOT, "examples", "lorenz_plrnn.safetensors")
STABLE = {"kind": "plrnn", "A": ["1/2", "1/2"], "W": [["0", "1/5"], ["1/10", "0"]], "h": ["1", "1"]}


def _net(A, W, h):
    return plrnn_from_mapping({"kind": "plrnn", "A": A, "W": W, "h": h}, "test")


def _oracle(A, W, h, z0, T):
    """log ||dz_t/dz_0||_inf for t = 1..T in exact Fractions (None when the orbit hits a kink z_j = 0)."""
    n = len(A)
    A, W, h = [Fraction(a) for a in A], [[Fraction(w) for w in r] for r in W], [Fraction(v) for v in h]
    z, P, out = [Fraction(v) for v in z0], [[Fraction(int(i == j)) for j in range(n)] for i in range(n)], []
    for _ in range(T):
        if any(v == 0 for v in z):
            return None
        J = [[(A[i] if i == j else 0) + (W[i][j] if z[j] > 0 else 0) for j in range(n)] for i in range(n)]
        P = [[sum(J[i][k] * P[k][j] for k in range(n)) for j in range(n)] for i in range(n)]
        z = [A[i] * z[i] + sum(W[i][j] * max(z[j], 0) for j in range(n)) + h[i] for i in range(n)]
        norm = max(sum(abs(v) for v in r) for r in P)
        out.append(math.log(norm) if norm > 0 else -math.inf)
    return out


small = st.fractions(min_value=-2, max_value=2, max_denominator=8)


@settings(max_examples=6, deadline=None)
@given(st.lists(st.fractions(min_value=-1, max_value=1, max_denominator=4), min_size=2, max_size=2),
       st.lists(small, min_size=4, max_size=4), st.lists(small, min_size=2, max_size=2),
       st.lists(small, min_size=2, max_size=2))
def test_norms_match_fraction_oracle(A, Wf, h, z0):
    """Each certified interval of log ||dz_T/dz_0||_inf contains the exact value of the Fraction orbit (T <= 10)."""
    W = [[Fraction(0), Wf[1]], [Wf[2], Fraction(0)]]
    exact = _oracle(A, W, h, z0, 10)
    net = _net([str(a) for a in A], [[str(w) for w in r] for r in W], [str(v) for v in h])
    c = rnn_gradients(net, [fmpq(v.numerator, v.denominator) for v in z0], horizon=10, points=10)
    if exact is None or any(math.isinf(v) for v in exact):
        return  # a kink on the orbit, or a product that is exactly 0: the certificate may be undecided
    if c["verdict"] != "proved":
        return  # a degenerate orbit may leave the enclosure wide; never a wrong claim
    for T, iv in zip(c["evidence"][0]["T"], c["evidence"][0]["log_norm"]):
        lo, hi = interval_parse(iv)
        assert float(lo) - 1e-9 <= exact[T - 1] <= float(hi) + 1e-9
    assert check(c).ok


def test_kink_on_the_orbit_is_not_claimed():
    """z0 with a coordinate exactly 0 (a kink of relu, W's column nonzero): the one-sided Jacobians differ, so no
    enclosure of the product is tight and nothing is claimed."""
    c = rnn_gradients(_net(["1/2", "1/2"], [["0", "1"], ["1", "0"]], ["0", "0"]), [fmpq(1), fmpq(0)], horizon=8, points=8)
    ok = c["verdict"] == "undecided" or all(
        float(interval_parse(iv)[0]) <= math.log(1) <= float(interval_parse(iv)[1]) for iv in c["evidence"][0]["log_norm"])
    assert ok


def test_zero_map_is_undecided():
    """A = W = h = 0: dz_T/dz_0 = 0, whose log-norm is -infinity, so nothing is claimed (verdict undecided)."""
    c = rnn_gradients(_net(["0", "0"], [["0", "0"], ["0", "0"]], ["0", "0"]), [fmpq(1), fmpq(1)], horizon=6, points=6)
    assert c["verdict"] == "undecided" and check(c).ok


def test_attracting_fixed_point_gradient_vanishes_for_all_T():
    """A = 1/2, W small, h = 1: the fixed point in the positive orthant attracts with multipliers < 1, so the kernel
    proves ||dz_T/dz_0|| <= K q^(T - H), q < 1, for every T >= H (trapped_cycle of period 1, Theorem 1)."""
    c = rnn_gradients(plrnn_from_mapping(STABLE, "stable"), [fmpq(3, 10), fmpq(-1, 5)], horizon=60, points=10)
    assert [f["fact"] for f in c["evidence"]] == ["jacobian_norms", "trapped_cycle"]
    assert c["evidence"][1]["p"] == 1
    res = check(c)
    assert res.ok and "vanishes exponentially" in res.statement
    # the exact slope: on the positive orthant J = A + W has spectral radius 1/2 + sqrt(1/50)
    assert float(c["growth_rate"]["value"]) == pytest.approx(math.log(0.5 + math.sqrt(0.02)), abs=1e-3)


def test_tampered_norm_is_rejected():
    """Moving one certified log-norm interval off the kernel's enclosure makes the check fail."""
    c = rnn_gradients(plrnn_from_mapping(STABLE, "stable"), [fmpq(3, 10), fmpq(-1, 5)], horizon=30, points=5)
    bad = copy.deepcopy(c)
    lo, hi = interval_parse(bad["evidence"][0]["log_norm"][-1])
    bad["evidence"][0]["log_norm"][-1] = interval(lo + 1, hi + 1)
    assert check(c).ok and not check(bad).ok
    bad = copy.deepcopy(c)
    bad["map"]["canonical"]["h"][0] = "2"
    assert not check(bad).ok


def test_lorenz_plrnn_gradients_explode_at_lambda_max():
    """On the Lorenz PLRNN's chaotic attractor log ||dz_T/dz_0|| grows at a positive rate within 0.015 per step of
    lambda_max (Mikhaeil et al., Theorem 2; the rate over T <= 400 and lambda_max over 10000 steps are estimates,
    the norms are certified), and the orbit stays bounded."""
    from certify.dynamics.plrnn import spectrum_estimate

    z0 = "-2.3172,-0.7446,0.7455,1.2446,0.6861,0.2884,0.0586,-0.9218,1.3096,-1.1829"
    net = load_plrnn(LORENZ)
    c = rnn_gradients(net, [fmpq(*Fraction(v).as_integer_ratio()) for v in z0.split(",")], horizon=400, points=40)
    assert c["verdict"] == "proved" and check(c).ok
    zf = np.array([float(v) for v in z0.split(",")])
    g, lam = float(c["growth_rate"]["value"]), float(spectrum_estimate(net, zf, steps=10000)["values"][0])
    assert g > 0.02 and lam > 0.02 and abs(g - lam) < 0.015
    a, W, h = net.floats()
    z = zf
    for _ in range(400):
        z = a * z + W @ np.maximum(z, 0) + h
    assert np.abs(z).max() < 10  # the orbit stays bounded (on the attractor)


def test_cli_gradients_plrnn_file(capsys):
    """certify gradients on a PLRNN file prints the PLRNN map line and re-verifies the facts."""
    assert main(["gradients", LORENZ, "--z0", ",".join(["0.1"] * 10), "--horizon", "100"]) == 0
    out = capsys.readouterr().out
    assert "z -> A z + W relu(z) + h, dimension 10" in out and "PROVED" in out
