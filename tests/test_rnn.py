"""n-dimensional RNN maps h -> act(W h + b): certified cycles, the kernel's rnn_cycle check, tampering,
nn.RNN state_dicts, the CLI, and a differential test against mpmath Newton at 50 digits."""

import copy
import json
import pathlib

import mpmath
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certify.certificates import interval, interval_parse, q_str
from certify.checker import check
from certify.cli import main
from certify.errors import CertifyError
from certify.maps.rnn import load_rnn, rnn, rnn_from_mapping, rnn_from_state_dict
from certify.periodic.rnn import certify_rnn_cycle

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "examples" / "rnn8_tanh.json")


@pytest.fixture(scope="module")
def cert7():
    return certify_rnn_cycle(load_rnn(EXAMPLE), 7)


def _mp_cycle(canon: dict, boxes: list, dps: int = 50):
    """mpmath Newton on the cyclic system from the boxes' midpoints: the converged points (p x n)."""
    with mpmath.workdps(dps):
        W = mpmath.matrix([[_mpq(w) for w in r] for r in canon["W"]])
        b = mpmath.matrix([_mpq(v) for v in canon["b"]])
        act = {"tanh": mpmath.tanh, "sigmoid": lambda u: 1 / (1 + mpmath.exp(-u))}[canon["activation"]]
        p, n = len(boxes), len(canon["b"])
        Z = [[(_mpq(v["lo"]) + _mpq(v["hi"])) / 2 for v in z] for z in boxes]

        def F(*x):
            pts = [mpmath.matrix(x[t * n:(t + 1) * n]) for t in range(p)]
            out = []
            for t in range(p):
                u = W * pts[t - 1] + b
                out += [act(u[i]) - pts[t][i] for i in range(n)]
            return out
        sol = mpmath.findroot(F, [v for z in Z for v in z], tol=mpmath.mpf(10) ** (-dps + 5))
        return [[sol[t * n + i] for i in range(n)] for t in range(p)]


def _mpq(s: str):
    """An exact rational string as an mpf at the current precision."""
    from fractions import Fraction
    q = Fraction(s)
    return mpmath.mpf(q.numerator) / q.denominator


def _inside(Z, boxes) -> bool:
    for z, box in zip(Z, boxes):
        for v, iv in zip(z, box):
            if not (_mpq(iv["lo"]) <= v <= _mpq(iv["hi"])):
                return False
    return True


# ----------------------------------------------------------------------------- certified cycles

def test_example_has_certified_attracting_7_cycle(cert7):
    """The example net rnn8_tanh has a cycle of minimal period 7, proved attracting, and the kernel agrees."""
    assert cert7["verdict"] == "proved"
    assert cert7["evidence"][0]["stability"] == "attracting"
    r = check(cert7)
    assert r.ok and "cycle of minimal period 7" in r.statement and "attracting" in r.statement


def test_mpmath_newton_converges_inside_certified_boxes(cert7):
    """mpmath Newton (50 digits) from the certified boxes' midpoints lands inside the boxes."""
    boxes = cert7["evidence"][0]["boxes"]
    Z = _mp_cycle(cert7["map"]["canonical"], boxes)
    assert _inside(Z, boxes)


def test_constant_map_fixed_point_is_the_image_of_b():
    """W = 0: h -> tanh(b) is constant, its fixed point tanh(b) is certified, attracting."""
    net = rnn([[0, 0], [0, 0]], ["1/2", "-1/3"])
    c = certify_rnn_cycle(net, 1)
    assert c["verdict"] == "proved" and c["evidence"][0]["stability"] == "attracting"
    box = [interval_parse(v) for v in c["evidence"][0]["boxes"][0]]
    for (lo, hi), x in zip(box, (np.tanh(0.5), np.tanh(-1 / 3))):
        assert float(lo) <= x <= float(hi)
    assert certify_rnn_cycle(net, 2)["verdict"] == "undecided"


def test_piecewise_linear_cycles_certified():
    """relu(-h/2 + 1) has the attracting fixed point (2/3, 2/3); hardtanh(-2 h) a saturated attracting 2-cycle."""
    c = certify_rnn_cycle(rnn([["-1/2", 0], [0, "-1/2"]], [1, 1], activation="relu"), 1)
    assert c["verdict"] == "proved" and c["map"]["class"] == "piecewise-linear" and check(c).ok
    lo, hi = interval_parse(c["evidence"][0]["boxes"][0][0])
    assert lo < type(lo)(2, 3) < hi and c["evidence"][0]["stability"] == "attracting"
    c = certify_rnn_cycle(rnn([[-2, 0], [0, -2]], [0, 0], activation="hardtanh"), 2)
    assert c["verdict"] == "proved" and c["evidence"][0]["stability"] == "attracting" and check(c).ok


# ----------------------------------------------------------------------------- tampering

def _fails(cert, words: str):
    r = check(cert)
    assert not r.ok and words in r.message, r.message


def test_moved_box_is_rejected(cert7):
    """A box moved by 1e-6 (off the cycle) fails the Krawczyk inclusion."""
    c = copy.deepcopy(cert7)
    lo, hi = interval_parse(c["evidence"][0]["boxes"][2][0])
    d = type(lo)(1, 10 ** 6)
    c["evidence"][0]["boxes"][2][0] = interval(lo + d, hi + d)
    _fails(c, "Krawczyk")


def test_boxes_without_cycle_are_rejected(cert7):
    """Boxes around points that are not a cycle (every point shifted by 1/10) prove nothing."""
    c = copy.deepcopy(cert7)
    for z in c["evidence"][0]["boxes"]:
        for i, v in enumerate(z):
            lo, hi = interval_parse(v)
            z[i] = interval(lo + type(lo)(1, 10), hi + type(lo)(1, 10))
    _fails(c, "Krawczyk")


def test_wrong_period_is_rejected(cert7):
    """A claim of period 6 with the 7-cycle's boxes, or a fact of another period, is refused."""
    c = copy.deepcopy(cert7)
    c["claim"]["p"] = 6
    _fails(c, "period")
    c = copy.deepcopy(cert7)
    c["evidence"][0]["boxes"] = c["evidence"][0]["boxes"][:6]
    c["evidence"][0]["p"] = 6
    c["claim"]["p"] = 6
    assert not check(c).ok


def test_repeated_boxes_are_not_minimal_period():
    """A fixed point's box listed twice as a 2-cycle fails the minimal-period test."""
    c = certify_rnn_cycle(rnn([[0, 0], [0, 0]], [1, 2]), 1)
    c["claim"]["p"] = 2
    f = c["evidence"][0]
    f["p"], f["boxes"] = 2, f["boxes"] * 2
    _fails(c, "minimal period")


def test_changed_weights_are_rejected(cert7):
    """W[0][0] changed by 1/1000 in the canonical map: the boxes no longer hold a cycle."""
    c = copy.deepcopy(cert7)
    W = c["map"]["canonical"]["W"]
    lo, _ = interval_parse({"lo": W[0][0], "hi": W[0][0]})
    W[0][0] = q_str(lo + type(lo)(1, 1000))
    _fails(c, "Krawczyk")


def test_wrong_stability_is_rejected(cert7):
    """stability 'repelling' on an attracting cycle is refused."""
    c = copy.deepcopy(cert7)
    c["evidence"][0]["stability"] = "repelling"
    _fails(c, "stability must be 'attracting'")


def test_extra_fact_key_and_bad_canonical_are_rejected(cert7):
    """Unknown fact keys and an unknown activation are refused."""
    c = copy.deepcopy(cert7)
    c["evidence"][0]["note"] = "x"
    _fails(c, "keys")
    c = copy.deepcopy(cert7)
    c["map"]["canonical"]["activation"] = "gelu"
    assert not check(c).ok


# ----------------------------------------------------------------------------- models

def test_json_model_is_exact():
    """JSON floats are the doubles they denote, strings the rationals they spell."""
    net = rnn_from_mapping({"kind": "rnn", "activation": "tanh", "W": [[0.1, "1/3"], [0, 1]], "b": ["0.1", 2]}, "t")
    assert net.canonical["W"][0][1] == "1/3" and net.canonical["b"][0] == "1/10"
    assert net.canonical["W"][0][0] == q_str(type(net.model.W[0][0])(*(0.1).as_integer_ratio()))
    with pytest.raises(CertifyError, match="shapes"):
        rnn_from_mapping({"kind": "rnn", "W": [[1, 2]], "b": [1, 2]}, "t")
    with pytest.raises(CertifyError, match="activation"):
        rnn([[1]], [0], activation="gelu")


def test_state_dict_bias_sums_and_constant_input(tmp_path):
    """nn.RNN: b = bias_hh + bias_ih (+ weight_ih x0), read from .safetensors as from_torch reads the module."""
    torch = pytest.importorskip("torch")
    from safetensors.torch import save_file

    import certify
    torch.manual_seed(0)
    m = torch.nn.RNN(2, 3)
    sd = {k: v.detach().clone() for k, v in m.state_dict().items()}
    path = str(tmp_path / "rnn.safetensors")
    save_file(sd, path)
    a = load_rnn(path)
    assert a.canonical == certify.from_torch(m).canonical
    from fractions import Fraction
    want = Fraction(float(sd["bias_hh_l0"][1])) + Fraction(float(sd["bias_ih_l0"][1]))
    assert Fraction(a.canonical["b"][1]) == want
    x = rnn_from_state_dict(sd, "sd", x0=[1, "1/2"])
    U = sd["weight_ih_l0"]
    assert Fraction(x.canonical["b"][0]) == want * 0 + Fraction(a.canonical["b"][0]) + Fraction(float(U[0, 0])) + \
        Fraction(float(U[0, 1])) / 2


def test_cli_period_and_check(tmp_path, capsys):
    """`certify period rnn.json -p 7` proves the cycle and `certify check` accepts the certificate."""
    out = str(tmp_path / "c.json")
    assert main(["period", EXAMPLE, "-p", "7", "--out", out]) == 0
    assert "cycle of minimal period 7" in capsys.readouterr().out
    assert main(["check", out]) == 0
    assert "attracting" in capsys.readouterr().out


def test_expect_map_binds_an_rnn_certificate_to_its_file(tmp_path, capsys):
    """`certify check --expect-map RNN.json` accepts the certificate's own file and fails for a tanh
    RNN with one bias changed (tanh is injective: other weights are another map)."""
    out = str(tmp_path / "c.json")
    assert main(["period", EXAMPLE, "-p", "2", "--out", out]) == 0
    assert main(["check", out, "--expect-map", EXAMPLE]) == 0
    other = json.loads(pathlib.Path(EXAMPLE).read_text())
    other["b"][0] = "1/3"
    (tmp_path / "other.json").write_text(json.dumps(other))
    capsys.readouterr()
    assert main(["check", out, "--expect-map", str(tmp_path / "other.json")]) == 1
    assert "another map" in capsys.readouterr().out
    assert main(["check", out, "--expect-map", "logistic(r=3.83)"]) == 2


# ----------------------------------------------------------------------------- differential

def _nets():
    entry = st.integers(-8, 8).map(lambda k: k / 4)
    return st.integers(2, 4).flatmap(lambda n: st.tuples(
        st.sampled_from(["random", "zero", "identity"]),
        st.lists(st.lists(entry, min_size=n, max_size=n), min_size=n, max_size=n),
        st.lists(entry, min_size=n, max_size=n),
        st.sampled_from(["tanh", "sigmoid"]), st.integers(1, 3)))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_nets())
def test_proved_cycles_agree_with_mpmath(case):
    """No proved cycle of a small RNN (random, W = 0, W = identity-like) is contradicted by mpmath Newton."""
    shape, W, b, act, p = case
    n = len(b)
    if shape == "zero":
        W = [[0] * n for _ in range(n)]
    elif shape == "identity":
        W = [[(1.5 if i == j else 0) for j in range(n)] for i in range(n)]
    c = certify_rnn_cycle(rnn(W, b, activation=act), p, starts=8)
    if c["verdict"] != "proved":
        return
    assert check(c).ok
    boxes = c["evidence"][0]["boxes"]
    assert _inside(_mp_cycle(c["map"]["canonical"], boxes), boxes)
    assert json.loads(json.dumps(c)) == c
