"""examples/lorenz_plrnn.safetensors, the 10-dimensional PLRNN trained on Lorenz-63 (examples/train_lorenz_plrnn.py):
its certified fixed points against a float enumeration of all orthants, and its chaotic attractor (estimates)."""

import itertools
import json
import os
from fractions import Fraction

import numpy as np
import pytest
from safetensors import safe_open

from certify.checker import check
from certify.dynamics.plrnn import lyapunov_plrnn, spectrum_estimate
from certify.maps.plrnn import load_plrnn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LORENZ = os.path.join(ROOT, "examples", "lorenz_plrnn.safetensors")
DT, LAMBDA_LORENZ = 0.05, 0.9056  # Lorenz-63 lambda_max per time unit (Sprott 2003)


@pytest.fixture(scope="module")
def net():
    return load_plrnn(LORENZ)


def _float_fixed_points(net):
    """Every fixed point found by solving the linear system of each of the 2^n orthants in float64 and keeping
    the solutions whose signs match their orthant with a margin (the oracle: plain brute force)."""
    a, W, h = net.floats()
    n = len(a)
    out = []
    for D in itertools.product((0, 1), repeat=n):
        M = np.eye(n) - np.diag(a) - W * np.array(D)
        z = np.linalg.solve(M, h)
        if all((v > 1e-9) if d else (v < -1e-9) for v, d in zip(z, D)):
            out.append(z)
    return out


def test_fixed_points_are_the_three_of_the_float_enumeration(net):
    """The certified complete list of fixed points (all 1024 itineraries solved exactly) is the float enumeration's:
    three points, each unstable (a Jacobian eigenvalue of modulus > 1)."""
    c = lyapunov_plrnn(net, 1, spectrum=False)
    assert check(c).ok and c["periods"] == [{"p": 1, "count": 3, "complete": True}]
    certified = sorted((np.array([float(Fraction(v)) for v in f["points"][0]]) for f in c["evidence"]
                        if f["fact"] == "cycle_plrnn"), key=lambda z: tuple(z))
    floats = sorted(_float_fixed_points(net), key=lambda z: tuple(z))
    assert len(certified) == len(floats) == 3
    for zc, zf in zip(certified, floats):
        assert np.allclose(zc, zf, atol=1e-9)
    assert all(f["stable"] is False for f in c["evidence"] if f["fact"] == "cycle_plrnn")
    a, W, _ = net.floats()
    for z in floats:
        assert np.abs(np.linalg.eigvals(np.diag(a) + W * (z > 0))).max() > 1


def test_free_run_is_a_bounded_two_lobed_chaotic_orbit(net):
    """The free-running orbit from z = 0.1 stays bounded, its read-out x = B z switches sign (the two lobes) many
    times, and its largest Lyapunov exponent is positive, within 0.01 per step of Lorenz's 0.9056 dt (estimate)."""
    with safe_open(LORENZ, "np") as fh:
        B = np.array(json.loads(fh.metadata()["observation"]))
    a, W, h = net.floats()
    z, xs = np.full(net.n, 0.1), []
    for t in range(4000):
        z = a * z + W @ np.maximum(z, 0) + h
        if t >= 1000:
            xs.append((B @ z)[0])
    xs = np.array(xs)
    assert np.isfinite(xs).all() and np.abs(xs).max() < 5
    assert 0.3 < (xs > 0).mean() < 0.7 and (np.diff(np.sign(xs)) != 0).sum() > 25
    s = spectrum_estimate(net, np.full(net.n, 0.1), steps=10000)
    lam = float(s["values"][0])
    assert lam > 0 and abs(lam - LAMBDA_LORENZ * DT) < 0.01


def test_committed_horseshoe_checks_with_its_entropy_bound():
    """proofs/lorenz_plrnn_horseshoe.cert.json: the kernel re-derives h_top >= log 2 / 64 > 0.0108 per step of the
    Lorenz PLRNN from two h-sets and four pieces coverings under f^64."""
    with open(os.path.join(ROOT, "proofs", "lorenz_plrnn_horseshoe.cert.json")) as fh:
        cert = json.load(fh)
    res = check(cert)
    assert res.ok, res.message
    assert cert["claim"]["iterate"] == 64 and "h_top(f) = h_top(f^64) / 64 >= log rho(A) / 64 >= 0.010830" in res.statement
    assert all("pieces" in f for f in cert["evidence"][1:]) and len(cert["evidence"]) == 5


@pytest.mark.slow
def test_chaos_command_reproduces_the_committed_horseshoe(tmp_path):
    """`certify chaos examples/lorenz_plrnn.safetensors` (short periods find nothing; the saddle-cycle pass under
    f^64) writes the certificate of proofs/lorenz_plrnn_horseshoe.cert.json (deterministic finder; byte-identical
    but for map.given, the path as typed: proofs/make.sh runs from proofs/)."""
    from certify.cli import main

    out = tmp_path / "h.json"
    assert main(["chaos", LORENZ, "--out", str(out)]) == 0
    with open(os.path.join(ROOT, "proofs", "lorenz_plrnn_horseshoe.cert.json"), "rb") as fh:
        committed = fh.read()
    assert out.read_bytes().replace(LORENZ.encode(), b"../examples/lorenz_plrnn.safetensors") == committed
