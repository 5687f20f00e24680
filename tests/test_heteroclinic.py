"""The heteroclinic-chain pass of the n-dimensional horseshoe finder (certify.horseshoes.heteroclinic, nd): h-sets at
two saddle cycles of a random nn.RNN(8) and along heteroclinic orbits between them, every covering under f verified
by the unchanged kernel (certify.checker.hsets)."""

import copy
import pathlib
from collections import deque

import numpy as np
import pytest
from flint import fmpq

from certify.certificates import q_parse, q_str, read
from certify.checker import check
from certify.horseshoes import heteroclinic as HC
from certify.horseshoes import nd

ROOT = pathlib.Path(__file__).resolve().parent.parent
# bash proofs/make.sh: certify chaos examples/rnn8_gain4.safetensors
PROOF = ROOT / "proofs" / "rnn8_gain4_horseshoe.cert.json"


@pytest.fixture(scope="module")
def cert():
    return read(str(PROOF))


def _edges(cert):
    return [(f["from"], f["to"]) for f in cert["evidence"][1:]]


def _distance(edges, m, src, dst):
    """Length of a shortest path src -> dst in the graph (BFS), None if there is none."""
    succ = [[] for _ in range(m)]
    for i, j in edges:
        succ[i].append(j)
    seen, queue = {src: 0}, deque([src])
    while queue:
        v = queue.popleft()
        if v == dst:
            return seen[v]
        for w in succ[v]:
            if w not in seen:
                seen[w] = seen[v] + 1
                queue.append(w)
    return None


def _chain_set(cert, steps=10):
    """A chain set: `steps` sets along the successor of a branching cycle set that does not return to it within a
    cycle's period (the other successor is the cycle's next set)."""
    m = len(cert["evidence"][0]["sets"])
    edges = _edges(cert)
    out = {}
    for i, j in edges:
        out.setdefault(i, []).append(j)
    v = next(i for i, js in out.items() if len(js) == 2)
    chain = max(out[v], key=lambda s: _distance(edges, m, s, v))
    assert _distance(edges, m, chain, v) > nd.CYCLE_PERIOD
    for _ in range(steps):
        (chain,) = out[chain]
    return chain


def test_committed_chain_certificate_is_accepted(cert):
    """The kernel accepts the heteroclinic-chain horseshoe of examples/rnn8_gain4.safetensors: coverings under f itself
    (claim iterate 1), every one on one box (or split along the unstable coordinate only)."""
    res = check(cert)
    assert res.ok, res.message
    assert cert["claim"] == {"kind": "horseshoe", "iterate": 1} and cert["verdict"] == "proved"
    assert all(f["grid"] == 1 or f["grid"][1:] == [1] * 7 for f in cert["evidence"][1:])


def test_chain_graph_has_spectral_radius_above_one(cert):
    """The graph of the coverings has rho > 1 (a cycle set with two distinct closed paths: its cycle and the loop
    through the other cycle), and its entropy field's Collatz-Wielandt bound is above 1."""
    m = len(cert["evidence"][0]["sets"])
    A = np.zeros((m, m))
    for i, j in _edges(cert):
        A[i, j] = 1
    rho = max(abs(np.linalg.eigvals(A)))
    assert rho > 1.01
    branching = [i for i in range(m) if A[i].sum() == 2]
    assert len(branching) == 2 and all(A[:, j].sum() == 2 for j in range(m) if A[:, j].sum() > 1)
    assert q_parse(cert["entropy"]["rho_lower"]) > 1 and q_parse(cert["entropy"]["lower"]) > 0


@pytest.mark.parametrize("shift", [fmpq(1, 10 ** 4), fmpq(-1, 10 ** 6)])
def test_tampered_chain_centre_is_rejected(cert, shift):
    """Moving the centre of one chain set (far beyond its stable half-sizes) breaks a covering into or out of it
    (or the disjointness): the kernel rejects the certificate."""
    bad = copy.deepcopy(cert)
    v = _chain_set(bad)
    c = bad["evidence"][0]["sets"][v]["c"]
    c[3] = q_str(q_parse(c[3]) + shift)
    res = check(bad)
    assert not res.ok
    assert f"=> {v})" in res.message or f"({v} =>" in res.message or "disjoint" in res.message


def test_profile_is_a_periodic_solution():
    """_profile(g): x_(t+1) = g_t x_t / nu around the cycle with nu^p = prod g_t (so x_p = x_0), largest entry 1."""
    g = np.array([0.5, 3.0, 1.7, 0.2, 2.5])
    x, nu = HC._profile(g)
    assert nu ** len(g) == pytest.approx(np.prod(g))
    assert x.max() == 1
    for t in range(len(g)):
        assert x[(t + 1) % len(g)] == pytest.approx(g[t] * x[t] / nu)


@pytest.mark.slow
def test_finder_reproduces_the_committed_certificate(cert):
    """certify chaos examples/rnn8_gain4.safetensors (the heteroclinic pass: no other pass finds a horseshoe) gives the
    committed certificate byte for byte: floats only find, centres and frames rounded to dyadics (about 14 s)."""
    from certify.maps.rnn import load_rnn
    new = nd.nd_certificate(load_rnn(str(ROOT / "examples" / "rnn8_gain4.safetensors")), 10)
    assert new["evidence"] == cert["evidence"] and new["entropy"] == cert["entropy"]


@pytest.mark.slow
def test_finder_proves_audit_network_g4_6():
    """The audit's chaotic nn.RNN(8) at gain 4, network 6 (seed 0, cell gain 4 of --gain 2:4:1): the heteroclinic pass
    finds a horseshoe the kernel accepts, h_top >= 0.01, and the audit column says proved (about 30 s)."""
    from certify.ensembles.rnn_audit import rnn_network
    from certify.ensembles.rnn_laws import RNNLaw
    net = rnn_network(RNNLaw("tanh", 8, 4.0), 0, 2, 6)
    c = nd.nd_certificate(net)
    assert c["verdict"] == "proved" and c["claim"]["iterate"] == 1
    assert check(c).ok and q_parse(c["entropy"]["lower"]) > fmpq(1, 100)
    assert nd.horseshoe_column(net) == "proved"


def _mp_sets(cert, dps):
    """The map and the h-sets of a certificate in mpmath (centres, matrices, inverses) at dps digits."""
    import mpmath
    from fractions import Fraction

    def mp(s):
        q = Fraction(s)
        return mpmath.mpf(q.numerator) / q.denominator
    canon = cert["map"]["canonical"]
    W, b = mpmath.matrix([[mp(w) for w in r] for r in canon["W"]]), mpmath.matrix([mp(v) for v in canon["b"]])
    sets = []
    for d in cert["evidence"][0]["sets"]:
        M = mpmath.matrix([[mp(v) for v in r] for r in d["M"]])
        sets.append((mpmath.matrix([mp(v) for v in d["c"]]), M, M ** -1))
    return W, b, sets


def test_mpmath_oracle_samples_every_covering(cert):
    """Independent oracle (mpmath, 30 digits, sampled): for every covering N_i => N_j of the committed chain
    certificate, random points of N_i map with every stable coordinate of N_j inside (-1, 1), and random points of
    the faces t_0 = -1, +1 map beyond N_j's opposite unstable faces in the order of the stated degree."""
    import mpmath
    rng = np.random.default_rng(7)
    with mpmath.workdps(30):
        W, b, sets = _mp_sets(cert, 30)
        n = W.rows
        for fact in cert["evidence"][1:]:
            (c1, M1, _), (c2, _, M2inv) = sets[fact["from"]], sets[fact["to"]]
            for k in range(6):
                t = [mpmath.mpf(x) for x in rng.uniform(-1, 1, n)]
                if k >= 2:
                    t[0] = mpmath.mpf((-1) ** k)
                x = c1 + M1 * mpmath.matrix(t)
                y = (W * x + b).apply(mpmath.tanh)
                g = M2inv * (y - c2)
                assert all(abs(g[s]) < 1 for s in range(1, n)), (fact, k)
                if k >= 2:
                    assert g[0] * t[0] * fact["degree"] > 1, (fact, k)
