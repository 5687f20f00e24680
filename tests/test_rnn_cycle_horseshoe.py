"""The attractor-cycle pass of the n-dimensional horseshoe finder (certify.horseshoes.nd) on randomly initialised
nn.RNN maps: saddle cycles from near returns, split unstable/stable frames, the model of the kernel's ball enclosure
in the size LP, the Lyapunov screen, and a certified horseshoe of the audit's nn.RNN(8) at gain 8."""

import numpy as np
import pytest
from flint import ctx, fmpq

from certify.checker import check
from certify.checker import hsets as H
from certify.ensembles.rnn_audit import rnn_network
from certify.ensembles.rnn_laws import RNNLaw
from certify.horseshoes import nd


def _net(width=8, gain=8.0, gain_index=1, index=4):
    """The audit's network (seed 0): `certify audit --model rnn --hidden 8 --gain 5:8:3` numbers gain 8 as index 1."""
    return rnn_network(RNNLaw("tanh", width, gain), 0, gain_index, index)


@pytest.fixture(scope="module")
def cycle_points():
    F = nd.float_map(_net())
    cyc = nd.attractor_cycles(F, 7, steps=4000)
    pts = []
    for p in sorted(cyc):
        for orb in cyc[p]:
            u, d = nd.split_frames(F, orb)
            if u == 1 and d is not None and p >= 3:
                pts.append(d)
    assert pts, "the gain-8 network has saddle cycles with one unstable direction up to period 7"
    return F, pts


def test_split_frames_are_block_diagonal_on_orbit_edges(cycle_points):
    """Df(z_t) maps the unstable (stable) subspace at z_t onto the one at z_(t+1): E_(t+1)^-1 Df(z_t) E_t has zero
    off-diagonal blocks, its unstable entry is the one-step stretch, and the frames are orthonormal in each block."""
    F, cycles = cycle_points
    for d in cycles:
        p = len(d)
        stretch = 1.0
        for t in range(p):
            z, E, _ = d[t]
            G = np.linalg.solve(d[(t + 1) % p][1], F.Df(z) @ E)
            assert np.abs(G[0, 1:]).max() < 1e-6 and np.abs(G[1:, 0]).max() < 1e-6
            assert np.allclose(E[:, 1:].T @ E[:, 1:], np.eye(F.n - 1), atol=1e-9)
            stretch *= abs(G[0, 0])
        mult = np.abs(np.linalg.eigvals(_product(F, [z for z, _, _ in d]))).max()
        assert stretch == pytest.approx(mult, rel=1e-6)


def _product(F, orb):
    M = np.eye(F.n)
    for z in orb:
        M = F.Df(z) @ M
    return M


@pytest.mark.parametrize("k", [1, 2, 3])
def test_kernel_radius_model_tracks_the_kernel(cycle_points, k):
    """On an h-set of half-sizes equal to the caps, the kernel's enclosure of f^k in the target's coordinates
    exceeds the linear image by at most 1.5 times the LP's model of it (and by at least a third of it)."""
    F, cycles = cycle_points
    d = cycles[0]
    p = len(d)
    caps = np.array([1e-3] + [1e-4] * (F.n - 1))
    kernel = H.parse_map(_net().canonical)
    with ctx.workprec(64):
        for t in range(min(p, 3)):
            (z, E, _), (w, E2, _) = d[t], d[(t + k) % p]
            a = H.parse_hset(nd._hset_dict(z, E, caps), F.n)
            b = H.parse_hset(nd._hset_dict(w, E2, caps), F.n)
            img = H._image(kernel, a, b, [(fmpq(-1), fmpq(1))] * F.n, k)
            excess = np.array([float(x.rad()) for x in img])
            G = np.linalg.solve(E2 * caps[None, :], F.jac(z, k)[0] @ E * caps[None, :])
            excess = excess - np.abs(G).sum(axis=1)
            model = (np.abs(np.linalg.inv(E2)) @ nd._kernel_radius(F, z, E, caps, k) @ caps) / caps
            assert np.all(excess <= 1.5 * model + 1e-6)
            assert np.all(excess >= model / 3 - 1e-6)


def test_lyapunov_screen_skips_a_contraction():
    """A gain-0.5 network contracts (every orbit converges to one fixed point): the screen finds no chaotic attractor
    and the cycle search returns nothing."""
    F = nd.float_map(_net(8, 0.5, 0, 0))
    assert nd._largest_lyapunov(F, np.zeros((100, 8))) < 0
    assert nd.attractor_cycles(F, 10) == {}


@pytest.mark.slow
def test_rnn8_gain8_certified_horseshoe():
    """The audit's nn.RNN(8) at gain 8 (seed 0, network 4) has a topological horseshoe: h-sets at points of its saddle
    cycles with coverings the kernel verifies, h_top >= 0.03 (a float Lyapunov estimate is about 0.22)."""
    cert = nd.nd_certificate(_net())
    assert cert["verdict"] == "proved", cert.get("reason")
    res = check(cert)
    assert res.ok and "RNN map" in res.statement
    from fractions import Fraction
    assert Fraction(cert["entropy"]["lower"]) > Fraction(3, 100)
    assert nd.horseshoe_column(_net()) == "proved"
