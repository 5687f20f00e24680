"""Adversarial review of the contraction fact's norm "quadratic" (certify.checker.rnn_contraction: _ldl_pivots,
quadratic_vertices, _quadratic), used by claim rnn_contraction and by the basis contraction of claim rnn_cycles:
false contractions (two fixed points, attracting 2-cycles; confirmed in floats) with many matrices P, malformed
P (asymmetric, singular, near singular, huge or tiny entries, non-rationals, wrong shapes), slope boxes with
negative or astronomically small ends, and the work done before any charge (hangs in a child process)."""

from __future__ import annotations

import copy
from fractions import Fraction as F

import numpy as np
import pytest

from certify.checker import check
from certify.dynamics.rnn_contraction import certify_contraction
from certify.maps.rnn import rnn
from tests.test_attacks_merged import _check_in_subprocess

ROTATED = rnn(W=[["-5/8", "-3/2"], ["3/8", "5/8"]], b=["0", "0"], activation="tanh")  # a true contraction
ROTATED_P = [["27/64", "21/64"], ["21/64", "1"]]
TWO_FIXED = rnn(W=[["3/2"]], b=["0"], activation="tanh")            # fixed points 0 and +-0.8586
TWO_CYCLE = rnn(W=[["-3/2"]], b=["0"], activation="tanh")           # attracting 2-cycle +-0.8586 (multiplier 0.155)
BISTABLE_2D = rnn(W=[["2", "0"], ["0", "1/2"]], b=["0", "0"], activation="tanh")   # fixed points (+-0.9575, 0), 0
CYCLE_2D = rnn(W=[["-2", "1/4"], ["0", "1/2"]], b=["0", "0"], activation="tanh")   # attracting 2-cycle in h_1


def _quadratic(net, P, steps=4, precision=None, claim="rnn_contraction", p=2):
    """The kernel's own certificate for net with its evidence replaced by a quadratic-norm contraction fact."""
    cert = copy.deepcopy(certify_contraction(net))
    cert["verdict"] = "proved"
    cert["evidence"] = [{"fact": "contraction", "steps": steps, "norm": "quadratic", "weights": P}]
    cert.pop("reason", None)
    if precision is not None:
        cert["precision"] = precision
    if claim == "rnn_cycles":
        cert["claim"] = {"kind": "rnn_cycles", "p": p, "basis": "contraction", "region": [], "rounds": 0,
                         "order": []}
        cert.update({"orbits": [], "count": 0, "complete": True})
    return cert


def _q(x: float) -> str:
    """A float as an exact rational string (a 2^-30 grid)."""
    return f"{round(x * 2 ** 30)}/{2 ** 30}"


def _spd(rng, n: int) -> list:
    """A random symmetric positive definite matrix as exact rational strings (floats only find it)."""
    A = rng.normal(size=(n, n))
    S = A @ A.T + 10.0 ** rng.uniform(-6, 0) * np.eye(n)
    S = (S + S.T) / 2
    return [[_q(S[min(i, j), max(i, j)]) for j in range(n)] for i in range(n)]


# ----------------------------------------------------------------------------- the floats confirm the counterexamples

def _orbit(W, x, steps=2000):
    W = np.array(W, dtype=float)
    for _ in range(steps):
        x = np.tanh(W @ x)
    return x


def test_counterexamples_are_not_contractions_in_floats():
    """The attack networks are no contractions: two distinct float attractors, or an attracting 2-cycle."""
    assert abs(_orbit([[1.5]], np.array([0.5]))[0] + _orbit([[1.5]], np.array([-0.5]))[0]) < 1e-12
    assert _orbit([[1.5]], np.array([0.5]))[0] > 0.85
    x = _orbit([[-1.5]], np.array([0.3]))
    assert x[0] > 0.85 and abs(np.tanh(-1.5 * x)[0] + x[0]) < 1e-12
    a, b = _orbit([[2, 0], [0, 0.5]], np.array([0.3, 0.1])), _orbit([[2, 0], [0, 0.5]], np.array([-0.3, 0.1]))
    assert np.abs(a - b).max() > 1.9
    y = _orbit([[-2, 0.25], [0, 0.5]], np.array([0.3, 0.1]))
    z = np.tanh(np.array([[-2, 0.25], [0, 0.5]]) @ y)
    assert np.abs(y - z).max() > 1.9 and np.abs(np.tanh(np.array([[-2, 0.25], [0, 0.5]]) @ z) - y).max() < 1e-9


# ----------------------------------------------------------------------------- false contractions: every P refused

@pytest.mark.parametrize("P", [[["1"]], [["1/" + "9" * 3999]], [["9" * 3999]], [[str(10 ** 3999)]]])
@pytest.mark.parametrize("net", [TWO_FIXED, TWO_CYCLE], ids=["two-fixed", "two-cycle"])
def test_one_dimensional_false_contraction_refused(net, P):
    """tanh(3/2 h) (3 fixed points) and tanh(-3/2 h) (attracting 2-cycle) fail at the vertex slope 1, whatever p > 0."""
    r = check(_quadratic(net, P))
    assert not r.ok and "vertex" in r.message


@pytest.mark.parametrize("net", [BISTABLE_2D, CYCLE_2D], ids=["bistable", "cycle"])
def test_two_dimensional_false_contraction_refused_for_random_p(net):
    """60 random symmetric positive definite P (condition numbers up to 10^7) all fail a vertex of the slope box."""
    rng = np.random.default_rng(7)
    for _ in range(60):
        r = check(_quadratic(net, _spd(rng, 2)))
        assert not r.ok and "vertex" in r.message, r.message


@pytest.mark.parametrize("P", [
    [["1", "1"], ["1", "1" + "0" * 3998 + "1/1" + "0" * 3999]],           # 1 + 10^-3999: near singular
    [["1", "-1"], ["-1", "1" + "0" * 3998 + "1/1" + "0" * 3999]],
    [["9" * 3999, "0"], ["0", "1/" + "9" * 3999]],                         # condition number 10^7998
    [["1/" + "9" * 3999, "0"], ["0", "9" * 3999]],
])
def test_extreme_p_cannot_rescue_a_bistable_net(P):
    """Near-singular and astronomically ill-conditioned positive definite P are refused for a bistable network."""
    r = check(_quadratic(BISTABLE_2D, P))
    assert not r.ok and ("vertex" in r.message or "positive definite" in r.message), r.message


@pytest.mark.parametrize("act, W, b", [
    ("relu", [["2"]], ["-1"]),                      # fixed points 0 and 1
    ("hardtanh", [["2"]], ["0"]),                   # fixed points -1, 0, 1
    ("sigmoid", [["8"]], ["-4"]),                   # fixed points 0.0212, 1/2, 0.9788
    ("hardtanh", [["2", "0"], ["0", "1/2"]], ["0", "0"]),
    ("relu", [["3/2", "1"], ["0", "1/2"]], ["-1/2", "0"]),  # fixed points (0, 0) and (1, 0)
])
def test_other_activations_false_contraction_refused(act, W, b):
    """relu (steps 0), hardtanh and sigmoid maps with several fixed points are refused with P = I and P = 10^-9 I."""
    net = rnn(W=W, b=b, activation=act)
    n = len(b)
    for s in ("1", "1/1000000000"):
        P = [[s if i == j else "0" for j in range(n)] for i in range(n)]
        r = check(_quadratic(net, P, steps=0 if act == "relu" else 4))
        assert not r.ok and "vertex" in r.message, r.message


def test_rnn_cycles_two_cycle_refused():
    """rnn_cycles p = 2 by contraction with a quadratic fact: refused for tanh(-3/2 h) and the 2-D cycle network;
    accepted for the rotated true contraction."""
    assert not check(_quadratic(TWO_CYCLE, [["1"]], claim="rnn_cycles")).ok
    rng = np.random.default_rng(3)
    for _ in range(20):
        assert not check(_quadratic(CYCLE_2D, _spd(rng, 2), claim="rnn_cycles")).ok
    r = check(_quadratic(ROTATED, ROTATED_P, claim="rnn_cycles"))
    assert r.ok and "exactly 0" in r.statement, r.message


def test_asymmetric_p_whose_lower_triangle_passes_is_refused():
    """P with the accepted lower triangle but another upper entry is refused as not symmetric (exact test)."""
    P = copy.deepcopy(ROTATED_P)
    assert check(_quadratic(ROTATED, P)).ok
    P[0][1] = "2100000001/6400000000"
    r = check(_quadratic(ROTATED, P))
    assert not r.ok and "not symmetric" in r.message


@pytest.mark.parametrize("P", [
    [["1", "0"], ["0", "-1/" + "9" * 3999]],       # indefinite by a hair
    [["1", "1"], ["1", "1"]],                       # singular
    [["0", "0"], ["0", "0"]],
    [["-1", "0"], ["0", "-1"]],
])
def test_not_positive_definite_p_refused(P):
    """Indefinite, singular and negative definite P are refused before any vertex."""
    r = check(_quadratic(ROTATED, P))
    assert not r.ok and "positive definite" in r.message


@pytest.mark.parametrize("P", [
    [["nan", "0"], ["0", "1"]], [["inf", "0"], ["0", "1"]], [["1e3", "0"], ["0", "1"]], [["0.5", "0"], ["0", "1"]],
    [[" 1", "0"], ["0", "1"]], [["1/0", "0"], ["0", "1"]], [["\u0661", "0"], ["0", "1"]], [["+1", "0"], ["0", "1"]],
    [[True, False], [False, True]], [[1.0, 0], [0, 1]], [[None, "0"], ["0", "1"]], [[["1"], "0"], ["0", "1"]],
    [[{"1": 1}, "0"], ["0", "1"]], [["1", "0"]], [["1", "0"], ["0", "1"], ["0", "0"]], [["1"], ["0", "1"]],
    [["1", "0", "0"], ["0", "1", "0"]], ["1", "1"], "1", {"0": ["1", "0"]}, None, [], [[], []],
    [("1", "0"), ("0", "1")], [["-0/1", "0"], ["0", "1"]],
])
def test_malformed_p_refused(P):
    """Non-rational strings, bools, floats, None, nested lists, tuples and wrong shapes are refused, not crashed on."""
    r = check(_quadratic(ROTATED, P))
    assert not r.ok and r.message


def test_quadratic_norm_needs_the_exact_keys_and_relu_steps_zero():
    """An extra key, norm 'Quadratic', and relu with steps 1 are refused."""
    c = _quadratic(ROTATED, ROTATED_P)
    c["evidence"][0]["extra"] = 1
    assert not check(c).ok
    c = _quadratic(ROTATED, ROTATED_P)
    c["evidence"][0]["norm"] = "Quadratic"
    assert not check(c).ok
    relu = rnn(W=[["1/2"]], b=["0"], activation="relu")
    assert check(_quadratic(relu, [["1"]], steps=0)).ok
    r = check(_quadratic(relu, [["1"]], steps=1))
    assert not r.ok and "steps 0" in r.message


# ----------------------------------------------------------------------------- slope boxes with extreme ends

def test_saturated_coordinate_negative_slope_end_does_not_hide_a_bistable_one():
    """tanh with b_1 = 10^12 (slope ball of h_1 about [-2^-127, 2^-127], lower end negative) and h_2 -> tanh(3/2 h_2)
    (three fixed points): refused; the saturated coordinate alone (W = 0 there) is accepted."""
    net = rnn(W=[["0", "0"], ["0", "3/2"]], b=[str(10 ** 12), "0"], activation="tanh")
    r = check(_quadratic(net, [["1", "0"], ["0", "1"]]))
    assert not r.ok and "vertex" in r.message
    ok = rnn(W=[["0", "0"], ["1", "1/2"]], b=[str(10 ** 12), "0"], activation="tanh")
    assert check(_quadratic(ok, [["1", "0"], ["0", "1"]])).ok


def test_sigmoid_astronomically_small_slope_end_is_fast_and_formatted(tmp_path):
    """sigmoid with b_1 = -10^12 (slope about 2^-(1.44e12)) next to a bistable sigmoid(8 h_2 - 4): the kernel
    finishes within 20 s, refuses, and prints the vertex (float of the tiny end)."""
    net = rnn(W=[["1", "0"], ["0", "8"]], b=[str(-10 ** 12), "-4"], activation="sigmoid")
    finished, ok, msg = _check_in_subprocess(tmp_path, _quadratic(net, [["1", "0"], ["0", "1"]]), timeout=20)
    assert finished and ok is False and "vertex" in msg, msg


def test_point_slopes_are_one_vertex():
    """hardtanh with W h + b strictly inside (-1, 1) on X_0 (row sums of |W| 17/24) has exact slopes 1: one vertex."""
    net = rnn(W=[["-5/24", "-1/2"], ["1/8", "5/24"]], b=["0", "0"], activation="hardtanh")
    r = check(_quadratic(net, ROTATED_P, steps=0))
    assert r.ok and "all 1 vertices" in r.statement, r.message


# ----------------------------------------------------------------------------- work limits

def test_relu_vertex_work_limit():
    """relu n = 13 (2^13 vertices, 13^3 each: 1.8e7 > 2^24) is refused by the work limit, not attempted."""
    n = 13
    W = [["1/100" if i != j else "0" for j in range(n)] for i in range(n)]
    net = rnn(W=W, b=["0"] * n, activation="relu")
    P = [["1" if i == j else "0" for j in range(n)] for i in range(n)]
    r = check(_quadratic(net, P, steps=0))
    assert not r.ok and "work limit" in r.message


def _dense_p(n: int) -> list:
    return [["2/3" if i == j else f"1/{3 * n}" for j in range(n)] for i in range(n)]


@pytest.mark.slow
def test_attack_p_pivots_at_huge_precision_hang(tmp_path):
    """Hang: tanh n = 64 with a dense P of short rationals at precision 65536: the kernel should refuse or finish
    within 10 s (2^64 vertices are refused anyway), but factors P at 65536 bits first."""
    n = 64
    W = [[("1/16" if (i + j) % 3 else "-1/16") for j in range(n)] for i in range(n)]
    net = rnn(W=W, b=["1/10"] * n, activation="tanh")
    finished, ok, msg = _check_in_subprocess(tmp_path, _quadratic(net, _dense_p(n), steps=0, precision=65536),
                                             timeout=10)
    assert finished, msg


@pytest.mark.slow
def test_attack_vertex_work_at_huge_precision_hang(tmp_path):
    """Hang: hardtanh n = 64 with exact slopes 1 (one vertex, 64^3 << 2^24) at precision 65536: the kernel should
    refuse or finish within 10 s."""
    n = 64
    W = [[f"1/{3 * n}" if (i + j) % 2 else f"-1/{3 * n}" for j in range(n)] for i in range(n)]
    net = rnn(W=W, b=["1/7"] * n, activation="hardtanh")
    P = [["1" if i == j else "0" for j in range(n)] for i in range(n)]
    finished, ok, msg = _check_in_subprocess(tmp_path, _quadratic(net, P, steps=0, precision=65536), timeout=10)
    assert finished, msg


def test_vertex_work_at_64_bits_is_fast():
    """The same hardtanh n = 64 at 64 bits is accepted (a true contraction: row sums of |W| = 1/3)."""
    n = 64
    W = [[f"1/{3 * n}" if (i + j) % 2 else f"-1/{3 * n}" for j in range(n)] for i in range(n)]
    net = rnn(W=W, b=["1/7"] * n, activation="hardtanh")
    P = [["1" if i == j else "0" for j in range(n)] for i in range(n)]
    assert check(_quadratic(net, P, steps=0, precision=64)).ok


def test_rnn_cycles_by_contraction_needs_period_at_least_two():
    """rnn_cycles p = 1 by a (true) quadratic contraction is refused: the fixed point needs its own enclosure."""
    r = check(_quadratic(ROTATED, ROTATED_P, claim="rnn_cycles", p=1))
    assert not r.ok and "p >= 2" in r.message


_ACT = {"tanh": np.tanh, "sigmoid": lambda u: 1 / (1 + np.exp(-u)), "hardtanh": lambda u: np.clip(u, -1, 1),
        "relu": lambda u: np.maximum(u, 0)}


def test_accepted_quadratic_facts_agree_with_a_float_oracle():
    """80 random 1-3 dimensional nets (four activations, gain 1.3) with P from a float Lyapunov iteration over the
    slope box's vertices: for every accepted fact, sampled ||f(x) - f(y)||_P / ||x - y||_P on f^(k+1)(R^n) stays
    < 1 and 50 orbits meet at one point (floats only look for a counterexample; about half are accepted)."""
    import itertools

    from certify.checker.rnn_contraction import trapped_slopes
    rng = np.random.default_rng(1)
    accepted = 0
    for it in range(80):
        n, act = int(rng.integers(1, 4)), ["tanh", "sigmoid", "hardtanh", "relu"][it % 4]
        W, b = rng.normal(0, 1.3 / np.sqrt(n), (n, n)), rng.normal(0, 0.5, n)
        net = rnn(W=[[_q(x) for x in r] for r in W], b=[_q(x) for x in b], activation=act)
        W, b = net.floats()
        steps = 0 if act == "relu" else 4
        _, slopes, _ = trapped_slopes(net.model, steps, 64)
        ends = [(max(0.0, float(s.lower())), float(s.upper())) for s in slopes]
        verts = [np.diag(v) @ W for v in itertools.product(*ends)]
        P = np.eye(n)
        for _ in range(30):
            P = np.eye(n) + sum(A.T @ P @ A for A in verts) / len(verts)
        P = P / np.abs(P).max()
        Pq = [[_q(P[min(i, j), max(i, j)]) for j in range(n)] for i in range(n)]
        if not check(_quadratic(net, Pq, steps=steps)).ok:
            continue
        accepted += 1
        f, Pf = _ACT[act], np.array([[float(F(x)) for x in r] for r in Pq])
        X = rng.normal(0, 3, (2000, n))
        Y = X + rng.normal(0, 1e-3 if it % 2 else 1, (2000, n))
        for _ in range(steps + 1):
            X, Y = f(X @ W.T + b), f(Y @ W.T + b)
        D, FD = X - Y, f(X @ W.T + b) - f(Y @ W.T + b)
        nd, nf = np.einsum("ij,jk,ik->i", D, Pf, D), np.einsum("ij,jk,ik->i", FD, Pf, FD)
        assert np.all(nf[nd > 1e-20] < nd[nd > 1e-20]), (act, net.canonical, Pq)
        Z = rng.normal(0, 5, (50, n))
        for _ in range(3000):
            Z = f(Z @ W.T + b)
        assert np.abs(Z - Z[0]).max() < 1e-6, (act, net.canonical, Pq)
    assert accepted >= 20
