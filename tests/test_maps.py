"""Map specs: families, formulas and weight files become exact maps; bad specs are refused."""

import json

import numpy as np
import pytest
from flint import fmpq

from certify.errors import CertifyError
from certify.maps import from_weights, parse_map


def test_decimal_parameter_is_exact_decimal():
    """logistic(r=3.83) means r = 383/100 exactly, not the double nearest 3.83."""
    m = parse_map("logistic(r=3.83)")
    assert m.canonical["expr"] == "383*x*(1 - x)/100"
    assert m.program(fmpq(1, 2)) == fmpq(383, 400)


def test_positional_and_keyword_parameters_agree():
    """skew_tent(-1/2, 3/2, 1) and skew_tent(aL=-1/2, aR=3/2, mu=1) are the same map."""
    assert parse_map("skew_tent(-1/2, 3/2, 1)").canonical == parse_map("skew_tent(aL=-1/2, aR=3/2, mu=1)").canonical


def test_plrnn1d_is_skew_tent():
    """plrnn1d(a, w, h) = skew_tent(a, a + w, h): slopes a for z < 0 and a + w for z > 0."""
    a = parse_map("plrnn1d(a=1/2, w=-2, h=1)").program.pl()
    b = parse_map("skew_tent(aL=1/2, aR=-3/2, mu=1)").program.pl()
    assert (a.breaks, a.slopes, a.icepts) == (b.breaks, b.slopes, b.icepts)


def test_json_float_is_exact_binary_double(tmp_path):
    """A JSON weight 0.1 is the double 3602879701896397/36028797018963968, not 1/10."""
    f = tmp_path / "net.json"
    f.write_text(json.dumps({"model": "rnn1d", "activation": "relu", "w": [0.1], "b": [0], "a": [1], "c": 0.0}))
    m = parse_map(str(f))
    assert m.canonical["w"] == ["3602879701896397/36028797018963968"]


def test_json_string_is_exact_decimal(tmp_path):
    """A JSON weight "0.1" (a string) is exactly 1/10; "2/3" is 2/3."""
    f = tmp_path / "net.json"
    f.write_text(json.dumps({"activation": "tanh", "w": ["0.1", "2/3"], "b": [0, 1], "a": [1, 1], "c": "1/2"}))
    m = parse_map(str(f))
    assert m.canonical["w"] == ["1/10", "2/3"] and m.canonical["c"] == "1/2"


def test_npz_weights(tmp_path):
    """An .npz file with the same keys gives the same canonical map as JSON numbers."""
    f = tmp_path / "net.npz"
    np.savez(f, activation=np.array("relu"), w=np.array([1.0, -1.0]), b=np.array([0.0, 0.5]),
             a=np.array([2.0, -4.0]), c=np.array(0.0))
    m = parse_map(str(f))
    assert m.canonical["w"] == ["1", "-1"] and m.canonical["b"] == ["0", "1/2"]


def test_output_activation_and_leaky_slope():
    """A leaky ReLU net with hardtanh output is piecewise linear and keeps its slope exactly."""
    m = from_weights({"activation": "leaky_relu", "slope": "1/5", "w": [1], "b": [0], "a": [1], "c": 0,
                      "output_activation": "hardtanh"})
    assert m.kind == "piecewise-linear"
    assert m.program(fmpq(-1)) == fmpq(-1, 5) and m.program(fmpq(7)) == 1


@pytest.mark.parametrize("spec, message", [
    ("x*", "malformed formula"),
    ("tanh(x", "malformed formula"),
    ("foo(r=1)", "unknown name 'foo'"),
    ("logistic(q=2)", "no parameter 'q'"),
    ("logistic()", "needs a value for r"),
    ("x + r", "unknown name 'r'"),
    ("floor(x)", "discontinuous"),
    ("sign(x) + x", "discontinuous"),
    ("__import__('os')", "unknown name"),
    ("rnn1d(activation=swish, w=[1], b=[1], a=[1])", "unknown activation"),
    ("rnn1d(activation=relu, w=[1, 2], b=[1], a=[1, 1])", "weight lengths differ"),
    ("rnn1d(activation=relu, w=[nan], b=[1], a=[1])", "finite"),
    ("", "empty map spec"),
])
def test_bad_specs_are_refused(spec, message):
    """Each malformed spec raises CertifyError naming what is wrong."""
    with pytest.raises(CertifyError, match=message):
        parse_map(spec)


@pytest.mark.parametrize("weights, message", [
    ({"activation": "relu", "w": [float("nan")], "b": [0], "a": [1]}, "finite"),
    ({"activation": "relu", "w": [float("inf")], "b": [0], "a": [1]}, "finite"),
    ({"activation": "relu", "w": [1], "b": [0], "a": [1, 2]}, "weight lengths differ"),
    ({"activation": "gelu", "w": [1], "b": [0], "a": [1]}, "unknown activation"),
    ({"activation": "relu", "w": [1], "b": [0], "a": [1], "bias": [0]}, "unknown key"),
    ({"w": [1], "b": [0], "a": [1]}, "needs an 'activation'"),
    ({"model": "lstm", "activation": "relu", "w": [1], "b": [0], "a": [1]}, "not supported"),
    ({"activation": "relu", "slope": "1/10", "w": [1], "b": [0], "a": [1]}, "only meaningful with leaky_relu"),
])
def test_bad_weights_are_refused(weights, message):
    """NaN/inf weights, mismatched lengths, unknown activations or keys raise CertifyError."""
    with pytest.raises(CertifyError, match=message):
        from_weights(weights)


def test_missing_weights_file():
    """A .json path that does not exist is a one-line input error."""
    with pytest.raises(CertifyError, match="no such file"):
        parse_map("does-not-exist.json")
