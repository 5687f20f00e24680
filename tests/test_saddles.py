"""certify.horseshoes.saddles: the float finder of h-sets at saddle cycles of a PLRNN (floats find, no verdicts)."""

import json
import math
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certify.horseshoes import saddles as S
from certify.maps.plrnn import load_plrnn, plrnn_from_mapping
from strategies import plrnn_nets

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LORENZ = os.path.join(ROOT, "examples", "lorenz_plrnn.safetensors")
CANDIDATE = os.path.join(ROOT, "docs", "research", "lorenz_f80_candidate.json")


@pytest.fixture(scope="module")
def net():
    return load_plrnn(LORENZ)


@pytest.fixture(scope="module")
def research():
    """The research page's two h-sets (x, Ma), (y, Mb) for f^80, from their hexadecimal floats."""
    d = json.load(open(CANDIDATE))
    hx = lambda v: np.array([float.fromhex(t) for t in v])  # noqa: E731
    return d["k"], [(hx(d["x"]), np.array([hx(r) for r in d["Ma"]])), (hx(d["y"]), np.array([hx(r) for r in d["Mb"]]))]


@pytest.fixture(scope="module")
def cycles(net):
    return S.saddle_cycles(net, periods=range(45, 52), steps=4000, transient=500)


def _f(net, z, k):
    a, W, h = net.floats()
    for _ in range(k):
        z = a * z + W @ np.maximum(z, 0) + h
    return z


def test_lorenz_cycles_are_period_p_saddles_with_one_unstable_multiplier(net, cycles):
    """Each returned cycle satisfies f^p(x) = x to 1e-10 in floats at every point, has minimal period p, its points
    follow f, and its period map has exactly one multiplier of modulus > 1 (recomputed here from the Jacobians)."""
    assert len(cycles) >= 2
    a, W, _ = net.floats()
    for c in cycles:
        assert 45 <= c.p <= 51 and c.unstable == 1
        for s in range(c.p):
            assert np.abs(_f(net, c.points[s], c.p) - c.points[s]).max() < 1e-10
            assert np.abs(_f(net, c.points[s], 1) - c.points[(s + 1) % c.p]).max() < 1e-10
        assert all(np.abs(c.points[0] - c.points[r]).max() > 1e-8 for r in range(1, c.p))
        P = np.eye(net.n)
        for z in c.points:
            P = (np.diag(a) + W * (z > 0)[None, :]) @ P
        mu = np.abs(np.linalg.eigvals(P))
        assert np.sum(mu > 1) == 1 and np.isclose(mu.max(), abs(c.multipliers[0]), rtol=1e-6)


def test_frame_columns_unstable_eigenvector_then_stable_subspace(net, cycles):
    """frame: unit columns; the first is an eigenvector of the period map for the unstable multiplier; the others
    lie in the stable subspace (orthogonal to the left eigenvector of the unstable multiplier); E is invertible."""
    c = cycles[0]
    E = S.frame(net, c, 3)
    P = S._period_map(net, c.points, 3)
    assert np.allclose(np.linalg.norm(E, axis=0), 1)
    mu = c.multipliers[0].real
    assert np.abs(P @ E[:, 0] - mu * E[:, 0]).max() < 1e-8 * abs(mu)
    wl, L = np.linalg.eig(P.T)
    w1 = np.real(L[:, np.argmax(np.abs(wl))])
    assert np.abs(w1 @ E[:, 1:]).max() < 1e-8
    assert np.linalg.cond(E) < 1e8


@settings(max_examples=60, deadline=None)
@given(plrnn_nets(dims=(1, 3)), st.integers(1, 4), st.data())
def test_cycle_from_pattern_is_a_fixed_point_of_its_own_pattern(net, p, data):
    """A cycle returned by the affine solve per sign pattern satisfies z_{s+1} = f(z_s) (indices mod p) to 1e-9
    relative, i.e. f^p(z_0) = z_0: the pattern it reports is its own (points on kinks included)."""
    n = net.n
    q = np.array(data.draw(st.lists(st.lists(st.booleans(), min_size=n, max_size=n), min_size=p, max_size=p)))
    orb = S.cycle_from_pattern(net, q)
    if orb is None:
        return
    scale = 1 + np.abs(orb).max()
    for s in range(p):
        assert np.abs(_f(net, orb[s], 1) - orb[(s + 1) % p]).max() <= 1e-9 * scale


def test_cycle_from_pattern_linear_map_fixed_point():
    """With W = 0 the map is z -> a z + h and the fixed point is h / (1 - a) (a = 1/2, h = 1: z = 2, any pattern)."""
    net = plrnn_from_mapping({"kind": "plrnn", "A": ["1/2", "1/2"], "W": [[0, 0], [0, 0]], "h": [1, -1]}, "t")
    orb = S.cycle_from_pattern(net, np.array([[False, True]]))
    assert orb is not None and np.allclose(orb[0], [2.0, -2.0])


def test_screen_passes_research_coverings_and_rejects_swapped_degrees(net, research):
    """The research f^80 pair: N0 => N0, N0 => N1 with degree +1 and N1 => N0, N1 => N1 with degree -1 pass the float
    screen (stable coordinates < 1, exit faces beyond 100, 4 and 6 affine pieces); each with the degree swapped is
    rejected at an exit face."""
    k, sets = research
    for i in range(2):
        for j in range(2):
            w = 1 if i == 0 else -1
            r = S.screen_covering(net, k, sets[i], sets[j], w)
            assert r.ok and r.stable < 1 and r.exit > 100 and r.pieces == (4 if i == 0 else 6)
            bad = S.screen_covering(net, k, sets[i], sets[j], -w)
            assert not bad.ok and bad.exit < -100 and "exit face" in bad.reason


def test_screen_rejects_a_set_mapped_into_its_stable_thickness(net, research):
    """Swapping the frame's unstable and a stable column (a set thick along the unstable direction and thin along a
    stable one) is not a covering of itself under f^80: its image leaves the stable bounds."""
    k, sets = research
    c, M = sets[0]
    M2 = M.copy()
    M2[:, [0, 1]] = M[:, [1, 0]]
    r = S.screen_covering(net, k, (c, M2), (c, M2), 1)
    assert not r.ok


def test_disjoint_boxes():
    """Axis boxes [-1, 1]^2 and 3 + [-1, 1]^2 are disjoint; [-1, 1]^2 and 1.5 + [-1, 1]^2 (overlap) are not;
    the research sets are disjoint."""
    I = np.eye(2)
    assert S.disjoint((np.zeros(2), I), (np.full(2, 3.0), I))
    assert not S.disjoint((np.zeros(2), I), (np.full(2, 1.5), I))


def test_size_lp_sets_disjoint_and_edges_screen(net, cycles):
    """size_lp on the two closest points of two period-p cycles: the sets it returns are pairwise disjoint (float
    LP), every edge's degree is the sign of the linearised unstable stretch, and the self-coverings pass the screen."""
    by = {}
    for c in cycles:
        by.setdefault(c.p, []).append(c)
    p, (A, B) = next((p, cs[:2]) for p, cs in sorted(by.items()) if len(cs) >= 2)
    D = np.abs(A.points[:, None, :] - B.points[None, :, :]).max(axis=2)
    s, t = np.unravel_index(np.argmin(D), D.shape)
    centres, frames = [A.points[s], B.points[t]], [S.frame(net, A, s), S.frame(net, B, t)]
    x, edges = S.size_lp(net, p, centres, frames, eps=0.1, cap_s=0.003)
    assert x is not None
    sets = [(centres[i], frames[i] * x[i][None, :]) for i in range(2)]
    assert S.disjoint(sets[0], sets[1])
    for i, j, d in edges:
        J, _ = S._jacobian_k(net, centres[i], p)
        G = np.linalg.solve(frames[j], J @ frames[i])
        assert d == (1 if G[0, 0] > 0 else -1)


@pytest.mark.slow
def test_lorenz_candidates_at_least_the_research_rate(net):
    """From the model alone (30000-step orbit, periods 20-120): the best candidate's screened graph has spectral
    radius >= 2 at k <= 80, i.e. log(rho)/k >= log 2 / 80 (the research pair's rate), its sets pairwise disjoint."""
    cands = S.saddle_candidates(net)
    assert cands
    best = cands[0]
    assert best.rate >= math.log(2) / 80 - 1e-12 and best.k <= 80
    for i in range(len(best.sets)):
        for j in range(i + 1, len(best.sets)):
            assert S.disjoint(best.sets[i], best.sets[j])
    for i, j, d in best.edges:
        assert S.screen_covering(net, best.k, best.sets[i], best.sets[j], d).ok


def test_candidate_json_round_trips_exactly(research):
    """candidate_json writes every float as float.hex: reading it back with float.fromhex gives the same arrays bit
    for bit, and the edges as [i, j, degree] integers."""
    k, sets = research
    c = S.Candidate(k, sets, [(0, 1, 1), (1, 0, -1)])
    d = json.loads(json.dumps(S.candidate_json(c)))
    assert d["k"] == 80 and d["edges"] == [[0, 1, 1], [1, 0, -1]]
    for (cen, M), e in zip(sets, d["sets"]):
        assert np.array_equal(np.array([float.fromhex(v) for v in e["c"]]), cen)
        assert np.array_equal(np.array([[float.fromhex(v) for v in r] for r in e["M"]]), M)
    assert c.rho == pytest.approx(1.0) and c.rate == 0.0


def test_size_search_reproduces_the_research_pair(net, research):
    """From the research page's two period-80 points alone (their cycles re-solved by the affine solve on their own
    sign patterns), the three clusters of least stable offset and the first size try give the full 2-set graph under f^80: edges 0 => 0, 0 => 1 with
    one degree and 1 => 0, 1 => 1 with the other, spectral radius 2, log(rho)/k = log 2 / 80."""
    k, sets = research
    cycles = []
    for c, _ in sets:
        orb = [c]
        for _ in range(k - 1):
            orb.append(_f(net, orb[-1], 1))
        o = S.cycle_from_pattern(net, np.array(orb) > 0)
        assert o is not None and np.abs(o[0] - c).max() < 1e-12
        mu = np.linalg.eigvals(S._period_map(net, o))
        cycles.append(S.Cycle(o, mu[np.argsort(-np.abs(mu))], 1))
    cands = S.saddle_candidates(net, cycles=cycles, ks=[k], max_clusters=3, size_tries=S.SIZE_TRIES[:1])
    c = cands[0]
    assert c.k == 80 and len(c.sets) == 2 and c.rho == pytest.approx(2.0)
    assert sorted((i, j) for i, j, _ in c.edges) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    deg = {(i, j): d for i, j, d in c.edges}
    assert deg[0, 0] == deg[0, 1] and deg[1, 0] == deg[1, 1]
    assert c.rate == pytest.approx(math.log(2) / 80)
