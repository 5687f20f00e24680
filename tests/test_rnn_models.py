"""n-dimensional RNN models: output feedback reduced exactly, nn.RNN state_dicts with a constant input."""

import json
import os

import numpy as np
import pytest
from flint import fmpq

import certify
from certify.checker import check
from certify.cli import main
from certify.errors import CertifyError
from certify.maps.rnn import load_rnn, parse_input, rnn, rnn_feedback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EX = os.path.join(ROOT, "examples")


def test_feedback_reduces_to_w_plus_uv():
    """h -> act(W h + U (V h + c) + b) is stored as W' = W + U V, b' = U c + b, in exact rationals."""
    W, U, V = [["1/3", 0], [0, "1/7"]], [[1], ["1/2"]], [["2/5", -1]]
    b, c = ["1/11", 0], ["1/10"]
    net = rnn_feedback(W, U, V, b, c)
    assert net.model.W == [[fmpq(1, 3) + fmpq(2, 5), fmpq(-1)], [fmpq(1, 5), fmpq(1, 7) - fmpq(1, 2)]]
    assert net.model.b == [fmpq(1, 11) + fmpq(1, 10), fmpq(1, 20)]


def test_feedback_step_matches_the_feedback_network():
    """One float step of the feedback network (output fed back as input) equals one step of the reduced map."""
    d = json.load(open(os.path.join(EX, "rnn_feedback.json")))
    net = load_rnn(os.path.join(EX, "rnn_feedback.json"))
    q = lambda M: np.array([[float(fmpq(*map(int, (x.split("/") + ["1"])[:2]))) for x in r] for r in M])  # noqa: E731
    W, U, V = q(d["W"]), q(d["U"]), q(d["V"])
    b, c = q([d["b"]])[0], q([d["c"]])[0]
    h = np.array([0.3, -0.2, 0.5])
    Wr, br = net.floats()
    assert np.allclose(np.tanh(W @ h + U @ (V @ h + c) + b), np.tanh(Wr @ h + br), atol=1e-15)


def test_feedback_shapes_are_checked():
    """U of the wrong shape is refused with a message naming the expected shape."""
    with pytest.raises(CertifyError, match="U must be 2 x 1"):
        rnn_feedback([[0, 0], [0, 0]], [[1, 1], [1, 1]], [[1, 1]], [0, 0], [0])


def test_parse_input_is_exact():
    """--input 0.1,-1/3 reads the decimal 1/10 and the fraction -1/3 exactly."""
    assert parse_input("0.1,-1/3") == [fmpq(1, 10), fmpq(-1, 3)]
    with pytest.raises(CertifyError, match="comma-separated"):
        parse_input("0.1,,2")


def test_input_applies_to_state_dicts_only():
    """A constant input is refused for a JSON rnn file and for an already built map."""
    with pytest.raises(CertifyError, match="state_dicts"):
        load_rnn(os.path.join(EX, "rnn8_tanh.json"), [fmpq(1)])
    with pytest.raises(CertifyError, match="input"):
        certify.period(rnn([[0]], [0]), 1, input=[1])


def test_safetensors_period5_with_constant_input(tmp_path, capsys):
    """nn.RNN(2, 8) held at input (0.1, -0.2): a certified 5-cycle that the kernel re-checks."""
    out = str(tmp_path / "c.json")
    code = main(["period", os.path.join(EX, "rnn8_torch.safetensors"), "--period", "5", "--input", "0.1,-0.2",
                 "--out", out])
    assert code == 0 and "minimal period 5" in capsys.readouterr().out
    res = check(json.load(open(out)))
    assert res.ok and res.verdict == "proved"


def test_input_on_a_formula_is_refused(capsys):
    """--input on a 1D map spec exits 2 with a one-line reason."""
    assert main(["period", "logistic(r=3.83)", "-p", "3", "--input", "1"]) == 2
    assert "--input" in capsys.readouterr().err
