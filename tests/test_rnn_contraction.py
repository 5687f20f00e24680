"""Certified contractions of n-dimensional RNNs (claim rnn_contraction) and the n-dimensional RNN audit."""

import copy
import json
import os

import numpy as np
import pytest
from flint import arb
from hypothesis import given, settings
from strategies import examples, rnn_nets

from certify.checker import check
from certify.checker.rnn_contraction import _act_interval
from certify.cli import main
from certify.dynamics.rnn_contraction import certify_contraction
from certify.ensembles import rnn_audit
from certify.ensembles.rnn_audit import RNNAudit, rnn_network, run_rnn_audit
from certify.ensembles.rnn_laws import RNNLaw
from certify.maps.rnn import load_rnn, rnn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_relu_contraction_on_all_of_rn():
    """relu(W h + b) with max row sum of |W| = 3/4 is a contraction of R^n (steps 0, max-norm)."""
    c = certify_contraction(rnn([["1/2", "-1/4"], ["1/4", "1/2"]], [1, -1], "relu"))
    assert c["verdict"] == "proved" and c["evidence"][0]["steps"] == 0
    res = check(c)
    assert res.ok and "every orbit converges" in res.statement


def test_network_with_a_certified_7_cycle_is_not_a_contraction():
    """examples/rnn8_tanh.json has a certified 7-cycle, so no contraction may be proved (undecided)."""
    c = certify_contraction(load_rnn(os.path.join(ROOT, "examples", "rnn8_tanh.json")))
    assert c["verdict"] == "undecided" and check(c).ok


@pytest.mark.parametrize("seed", range(4))
def test_proved_contractions_have_one_attractor(seed):
    """For a proved contraction (nn.RNN(1, 8), gain 0.9), 50 float orbits from random starts meet at one point."""
    net = rnn_network(RNNLaw("tanh", 8, 0.9), seed, 0, 0)
    c = certify_contraction(net)
    if c["verdict"] != "proved":
        pytest.skip("undecided network")
    W, b = net.floats()
    Z = np.random.default_rng(seed).normal(0, 5, (50, 8))
    for _ in range(2000):
        Z = np.tanh(Z @ W.T + b)
    assert np.abs(Z - Z[0]).max() < 1e-9


def test_euclid_fact_is_rechecked_and_tamper_rejected():
    """A Euclidean-norm contraction passes; its weights scaled badly (one weight 10^6 x) fail the fact."""
    for seed in range(20):
        c = certify_contraction(rnn_network(RNNLaw("tanh", 8, 1.0), seed, 0, 0))
        if c["verdict"] == "proved" and c["evidence"][0]["norm"] == "euclid":
            break
    else:
        pytest.fail("no Euclidean contraction among 20 networks")
    assert check(c).ok
    bad = copy.deepcopy(c)
    bad["evidence"][0]["weights"][0] = str(10 ** 6)
    res = check(bad)
    assert not res.ok and "fact 0 (contraction)" in res.message


def test_relu_needs_steps_zero_and_positive_weights():
    """relu with steps 1, or a zero weight, is refused."""
    c = certify_contraction(rnn([["1/2", 0], [0, "1/2"]], [0, 0], "relu"))
    bad = copy.deepcopy(c)
    bad["evidence"][0]["steps"] = 1
    assert "steps 0" in check(bad).message
    bad = copy.deepcopy(c)
    bad["evidence"][0]["weights"][0] = "0"
    assert "positive" in check(bad).message


def test_tanh_slope_enclosure_is_tight_and_sound():
    """Over u in [-2, 1/2] the slope hull of tanh is [1 - tanh(2)^2, 1] and contains tanh' at sample points."""
    u = arb(-2).union(arb(0.5))
    _, s = _act_interval("tanh", u)
    assert s.upper() < 1.0000001 and s.lower() > 0.07
    for x in np.linspace(-2, 0.5, 11):
        assert s.contains(1 - arb(x).tanh() ** 2)


def test_audit_counts_resumes_and_runs_registered_columns(tmp_path, monkeypatch):
    """A small audit counts contractions and 3-cycles, a registered column appears, and a rerun adds no line."""
    monkeypatch.setitem(rnn_audit.COLUMNS, "always", lambda net, budget: "proved")
    audit = RNNAudit([2], [0.5, 3.0], 2, seed=1)
    out = str(tmp_path / "a")
    s = run_rnn_audit(audit, out, workers=1, progress=False)
    rows = {(r["width"], r["gain"]): r for r in s["rows"]}
    assert s["complete"] and rows[(2, 0.5)]["contraction"] == 2 and rows[(2, 3.0)]["always"] == 2
    for r in s["rows"]:
        assert r["period"] + r["contraction"] + r["undecided"] == r["n"]
    lines = open(os.path.join(out, "results.jsonl")).read()
    run_rnn_audit(audit, out, workers=1, progress=False)
    assert open(os.path.join(out, "results.jsonl")).read() == lines
    assert all(json.loads(ln)["period"] == "excluded" for ln in lines.splitlines()
               if json.loads(ln)["contraction"] == "proved")
    assert main(["report", out]) == 2  # certify report reads 1D audits and says so


def test_cli_hidden_needs_model_rnn(tmp_path, capsys):
    """--hidden on a 1D audit exits 2."""
    assert main(["audit", "--hidden", "8", "--out", str(tmp_path / "x")]) == 2
    assert "--model rnn" in capsys.readouterr().err


def test_cli_contraction_proved_and_rechecked(tmp_path, capsys):
    """certify contraction on nn.RNN(1, 8) at gain 1 (seed 0) proves one globally attracting fixed point; check agrees."""
    out = str(tmp_path / "c.json")
    assert main(["contraction", os.path.join(ROOT, "examples", "rnn8_gain1.safetensors"), "--out", out]) == 0
    assert "every orbit converges to it" in capsys.readouterr().out
    assert check(json.load(open(out))).ok


def test_cli_contraction_refuses_a_1d_map(capsys):
    """certify contraction on a 1D formula exits 2."""
    assert main(["contraction", "logistic(r=3.83)"]) == 2
    assert "n-dimensional RNN" in capsys.readouterr().err


# ----------------------------------------------------------------------------- the quadratic norm

ROTATED = rnn(W=[["-5/8", "-3/2"], ["3/8", "5/8"]], b=["0", "0"], activation="tanh")  # ||W||_2 ~ 1.78, rho ~ 0.81
ROTATED_P = [["27/64", "21/64"], ["21/64", "1"]]


def _quadratic(net, P, steps=4):
    cert = copy.deepcopy(certify_contraction(net, norms=("max", "euclid")))
    cert["verdict"] = "proved"
    cert["evidence"] = [{"fact": "contraction", "steps": steps, "norm": "quadratic", "weights": P}]
    return cert


def _mp_oracle_ratio(net, P, steps, samples=400, seed=0):
    """Independent oracle (mpmath, 40 digits): the largest ||f(x) - f(y)||_P / ||x - y||_P over sampled pairs of
    points of f^(steps + 1)(R^2) (images of random points, so inside the kernel's box X_steps)."""
    from fractions import Fraction

    import mpmath
    rng = np.random.default_rng(seed)

    def mp(q):
        q = Fraction(q)
        return mpmath.mpf(q.numerator) / q.denominator
    W = [[mp(w) for w in r] for r in net.canonical["W"]]
    b = [mp(v) for v in net.canonical["b"]]
    Pm = [[mp(v) for v in r] for r in P]

    def f(h):
        return [mpmath.tanh(sum((W[i][j] * h[j] for j in range(2)), b[i])) for i in range(2)]

    def norm(v):
        return mpmath.sqrt(sum(v[i] * Pm[i][j] * v[j] for i in range(2) for j in range(2)))
    worst = mpmath.mpf(0)
    with mpmath.workdps(40):
        for _ in range(samples):
            x, y = [list(map(mpmath.mpf, rng.uniform(-3, 3, 2))) for _ in range(2)]
            for _ in range(steps + 1):
                x, y = f(x), f(y)
            d = [x[i] - y[i] for i in range(2)]
            if norm(d) > 0:
                fd = [a - b for a, b in zip(f(x), f(y))]
                worst = max(worst, norm(fd) / norm(d))
    return worst


def test_quadratic_norm_proves_a_contraction_no_diagonal_norm_does():
    """W = [[-5/8, -3/2], [3/8, 5/8]] (tanh, b = 0): the diagonal max and Euclidean norms leave it undecided; the
    quadratic norm of P = [[27/64, 21/64], [21/64, 1]] is accepted at all 4 vertices of the slope box, and the
    mpmath oracle's sampled contraction ratios in that norm stay below 1."""
    assert certify_contraction(ROTATED, norms=("max", "euclid"))["verdict"] == "undecided"
    r = check(_quadratic(ROTATED, ROTATED_P))
    assert r.ok, r.message
    assert "sqrt(v^T P v)" in r.statement and "all 4 vertices" in r.statement
    assert _mp_oracle_ratio(ROTATED, ROTATED_P, 4) < 1


@pytest.mark.parametrize("P, why", [
    ([["27/64", "21/64"], ["1/3", "1"]], "not symmetric"),
    ([["1", "2"], ["2", "1"]], "not positive definite"),
    ([["0", "0"], ["0", "1"]], "not positive definite"),
    ([["1", "0"], ["0", "1"]], "vertex"),               # the identity: ||W||_2 > 1 at the vertex D = sup slopes
    ([["27/64", "21/64"]], "2 x 2 matrix"),
    ([["27/64", "21/64"], ["21/64", True]], ""),
])
def test_quadratic_norm_tampering_rejected(P, why):
    """A quadratic norm's P must be a symmetric positive definite 2 x 2 rational matrix that passes every vertex."""
    r = check(_quadratic(ROTATED, P))
    assert not r.ok and why in r.message


def test_quadratic_norm_refuses_a_net_with_an_expanding_vertex():
    """W = Q diag-shear Q^T with rho(W) = 0.9 but diag(s_1, 1) W expanding at a vertex: no norm can work, and the
    kernel names the vertex."""
    net = rnn(W=[["-4/5", "17/10"], ["-13/10", "11/5"]], b=["1/10", "-1/10"], activation="tanh")
    r = check(_quadratic(net, [["1", "0"], ["0", "1"]]))
    assert not r.ok and "vertex" in r.message


def test_quadratic_norm_work_is_bounded_before_it_is_done():
    """n = 64 with every slope a proper ball: 2^64 vertices are refused by the work limit, not attempted."""
    n = 64
    W = [[("1/16" if (i + j) % 3 else "-1/16") for j in range(n)] for i in range(n)]
    net = rnn(W=W, b=["1/10"] * n, activation="tanh")
    P = [["1" if i == j else "0" for j in range(n)] for i in range(n)]
    r = check(_quadratic(net, P, steps=0))
    assert not r.ok and "work limit" in r.message


def _mp_fact_ratio(net, fact, samples=60, seed=0):
    """Independent oracle (mpmath, 60 digits): the largest ||f(x) - f(y)|| / ||x - y|| in the fact's norm (max_i
    |v_i| / d_i, sqrt(sum_i d_i v_i^2) or sqrt(v^T P v)) over sampled pairs of points of f^(k+1)(R^n), k the fact's
    steps: images of random points of [-3, 3]^n. Pairs closer than 10^-25 are skipped (digits lost)."""
    from fractions import Fraction

    import mpmath

    def mp(q):
        q = Fraction(q)
        return mpmath.mpf(q.numerator) / q.denominator
    rng = np.random.default_rng(seed)
    n, k, norm_kind = len(net.canonical["b"]), fact["steps"], fact["norm"]
    with mpmath.workdps(60):
        W = [[mp(w) for w in r] for r in net.canonical["W"]]
        b = [mp(v) for v in net.canonical["b"]]
        wts = [[mp(v) for v in r] for r in fact["weights"]] if norm_kind == "quadratic" else [mp(v) for v in fact["weights"]]

        def f(h):
            return [mpmath.tanh(sum((W[i][j] * h[j] for j in range(n)), b[i])) for i in range(n)]

        def norm(v):
            if norm_kind == "max":
                return max(abs(x) / d for x, d in zip(v, wts))
            if norm_kind == "euclid":
                return mpmath.sqrt(sum(d * x * x for x, d in zip(v, wts)))
            return mpmath.sqrt(sum(v[i] * wts[i][j] * v[j] for i in range(n) for j in range(n)))
        worst = mpmath.mpf(0)
        for _ in range(samples):
            x, y = [[mpmath.mpf(float(t)) for t in rng.uniform(-3, 3, n)] for _ in range(2)]
            for _ in range(k + 1):
                x, y = f(x), f(y)
            d = norm([a - c for a, c in zip(x, y)])
            if d > mpmath.mpf(10) ** -25:
                worst = max(worst, norm([a - c for a, c in zip(f(x), f(y))]) / d)
    return worst


def test_certifier_finds_the_rotated_nets_quadratic_norm():
    """certify_contraction proves the ROTATED net (undecided in the diagonal norms) with a quadratic-norm fact the
    kernel accepts, and the mpmath oracle's sampled ratios in its P norm are < 1."""
    c = certify_contraction(ROTATED)
    assert c["verdict"] == "proved" and c["evidence"][0]["norm"] == "quadratic"
    P = c["evidence"][0]["weights"]
    assert all(P[i][j] == P[j][i] for i in range(2) for j in range(2))
    assert check(c).ok
    assert _mp_fact_ratio(ROTATED, c["evidence"][0]) < 1


def test_quadratic_norm_proves_a_gain_1_1_audit_network():
    """nn.RNN(1, 8) at gain 1.1 (audit seed 0, gain index 1, network 0): undecided in the max and Euclidean norms,
    proved a contraction in a quadratic norm on all 256 vertices of the slope box, byte-identical on two runs."""
    net = rnn_network(RNNLaw("tanh", 8, 1.1), 0, 1, 0)
    assert certify_contraction(net, norms=("max", "euclid"))["verdict"] == "undecided"
    c = certify_contraction(net)
    assert c["verdict"] == "proved" and c["evidence"][0]["norm"] == "quadratic"
    r = check(c)
    assert r.ok and "all 256 vertices" in r.statement
    assert json.dumps(certify_contraction(net), sort_keys=True) == json.dumps(c, sort_keys=True)


def test_quadratic_certificates_are_byte_identical():
    """Two runs of the quadratic-norm certifier on the ROTATED net give the same certificate bytes."""
    a, b = certify_contraction(ROTATED), certify_contraction(ROTATED)
    assert a["evidence"][0]["norm"] == "quadratic"
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def test_quadratic_norm_is_not_tried_beyond_the_vertex_work():
    """n = 13 tanh, every slope a proper ball: (1 + 2^14) 13^3 at 128 bits > MAX_NORM_WORK, so the quadratic norm is
    not tried (a rotation block that no diagonal norm contracts stays undecided, no fact the kernel would refuse)."""
    from certify.dynamics import rnn_contraction as rc
    tried = []
    real = rc._quadratic_weights
    n = 13
    W = [["0"] * n for _ in range(n)]
    W[0][0], W[0][1], W[1][0], W[1][1] = "-5/8", "-3/2", "3/8", "5/8"
    for i in range(2, n):
        W[i][i] = "1/2"
    net = rnn(W=W, b=["1/10"] * n, activation="tanh")
    try:
        rc._quadratic_weights = lambda A, **kw: tried.append(A.shape) or real(A, **kw)
        c = certify_contraction(net)
    finally:
        rc._quadratic_weights = real
    assert c["verdict"] == "undecided" and tried == [] and "not quadratic" in c["reason"]


@settings(max_examples=examples(20))
@given(rnn_nets(activations=("tanh",), dims=(2, 3)))
def test_proved_contractions_contract_in_an_mpmath_oracle(spec):
    """Differential: whenever certify_contraction proves a small tanh net (2-3 units; zero rows, zero W, b = 0
    among them) a contraction, in any norm, and the quadratic norm alone when it proves one, sampled pairs of
    points of f^(k+1)(R^n) contract in the certificate's norm (mpmath at 60 digits): every ratio < 1."""
    _, W, b = spec
    net = rnn(W=[[str(w) for w in r] for r in W], b=[str(v) for v in b], activation="tanh")
    for norms in (("max", "euclid", "quadratic"), ("quadratic",)):
        c = certify_contraction(net, norms=norms)
        if c["verdict"] == "proved":
            assert check(c).ok
            assert _mp_fact_ratio(net, c["evidence"][0], samples=25) < 1
