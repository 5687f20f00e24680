"""Model weights: .safetensors (float32/float16/bfloat16), .npz, .pt state_dicts and live torch modules
read as the exact binary numbers they store, in the flat (w, b, a, c) and nn.Sequential layouts."""

import json
import os
import struct
import sys
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from safetensors.numpy import save_file

from certify.cli import main
from certify.errors import CertifyError
from certify.maps import from_torch, load, parse_map, rnn1d

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples")
RELU_ST = os.path.join(EXAMPLES, "he_relu8.safetensors")
RELU_JSON = os.path.join(EXAMPLES, "he_relu8.json")


def _state_dict() -> dict:
    """The float32 state_dict of the committed example (a width-8 ReLU net with a proved period 3)."""
    from safetensors.numpy import load_file
    return load_file(RELU_ST)


def _write_raw(path, tensors: dict, metadata=None) -> None:
    """A .safetensors file written byte by byte (the format: u64 header length, JSON header, data);
    `tensors` maps a name to (dtype string, shape, raw little-endian bytes)."""
    header, data = {}, b""
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", len(text)) + text + data)


def _bf16(x: np.ndarray) -> tuple[np.ndarray, bytes]:
    """float32 values cut to bfloat16 (the top 16 bits): (their exact float32 values, the bf16 bytes)."""
    top = (np.asarray(x, "<f4").view("<u4") >> 16).astype("<u2")
    return (top.astype("<u4") << 16).view("<f4"), top.tobytes()


def _json_twin(path, sd: dict, activation="relu") -> str:
    """A flat JSON weights file with the same numbers (each value as the JSON float it equals)."""
    d = {"activation": activation, "w": [float(v) for v in np.ravel(sd["0.weight"])],
         "b": [float(v) for v in np.ravel(sd["0.bias"])], "a": [float(v) for v in np.ravel(sd["2.weight"])],
         "c": float(np.ravel(sd["2.bias"])[0])}
    path.write_text(json.dumps(d))
    return str(path)


def _cli_cert(capsys, *args) -> dict:
    """The certificate `certify period ... -p 3 --json` prints."""
    assert main(["period", *args, "-p", "3", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_example_safetensors_and_json_twin_agree(capsys):
    """The committed he_relu8.safetensors and its JSON twin give one canonical map and a proved period 3."""
    assert load(RELU_ST).canonical == load(RELU_JSON).canonical
    a, b = _cli_cert(capsys, RELU_ST), _cli_cert(capsys, RELU_JSON)
    assert a["verdict"] == b["verdict"] == "proved" and a["map"]["canonical"] == b["map"]["canonical"]


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_safetensors_dtypes_match_json(tmp_path, capsys, dtype):
    """A safetensors state_dict in float32, float16 or bfloat16 (raw bytes) denotes the map of the JSON
    file holding its exact values, with the same period-3 verdict."""
    sd = _state_dict()
    path = tmp_path / f"net_{dtype}.safetensors"
    if dtype == "bfloat16":
        cut = {k: _bf16(v) for k, v in sd.items()}
        sd = {k: vals for k, (vals, _) in cut.items()}
        _write_raw(path, {k: ("BF16", v.shape, raw) for k, (v, raw) in cut.items()}, {"activation": "relu"})
    else:
        sd = {k: v.astype(dtype) for k, v in sd.items()}
        save_file(sd, str(path), metadata={"activation": "relu"})
    twin = _json_twin(tmp_path / "twin.json", sd)
    assert load(path).canonical == load(twin).canonical
    a, b = _cli_cert(capsys, str(path)), _cli_cert(capsys, twin)
    assert a["verdict"] == b["verdict"] and a["map"]["canonical"] == b["map"]["canonical"]


def test_npz_layouts_match_json(tmp_path):
    """An .npz with state_dict keys and one with flat (k, 1)/(1, k) arrays give the JSON twin's map."""
    sd = _state_dict()
    seq, flat = tmp_path / "seq.npz", tmp_path / "flat.npz"
    np.savez(seq, activation=np.array("relu"), **sd)
    np.savez(flat, w=sd["0.weight"], b=sd["0.bias"], a=sd["2.weight"], c=sd["2.bias"])
    want = load(RELU_JSON).canonical
    assert load(seq).canonical == want and load(flat, activation="relu").canonical == want


def test_module_prefix_and_missing_bias(tmp_path):
    """Keys under a prefix (module.net.0.weight) read as the Sequential layout; a layer saved without a
    bias (no 2.bias key) has c = 0."""
    sd = _state_dict()
    path = tmp_path / "prefixed.safetensors"
    save_file({f"module.net.{k}": v for k, v in sd.items() if k != "2.bias"}, str(path))
    m = load(path, activation="relu")
    want = dict(load(RELU_JSON).canonical, c="0")
    assert m.canonical == want and m.given == str(path)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([np.float32, np.float16]).flatmap(
    lambda t: hnp.arrays(t, st.integers(1, 6), elements=hnp.from_dtype(np.dtype(t), allow_nan=False,
                                                                        allow_infinity=False))))
def test_float_arrays_are_exact(x):
    """Every float32/float16 entry becomes exactly Fraction(float(x)), in every accepted vector shape."""
    want = [Fraction(float(v)) for v in x]
    for shape in [(len(x),), (len(x), 1), (1, len(x))]:
        m = rnn1d(x.reshape(shape), x, x, c=x[0], activation="relu")
        for key in ("w", "b", "a"):
            assert [Fraction(s) for s in m.canonical[key]] == want
        assert Fraction(m.canonical["c"]) == want[0]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 2**16 - 1).filter(lambda u: (u >> 7) & 0xFF != 0xFF), min_size=1, max_size=6))
def test_bfloat16_bits_are_exact(tmp_path_factory, bits):
    """A bfloat16 entry with bit pattern u is the float32 with bit pattern u << 16, exactly."""
    raw = np.array(bits, "<u2")
    path = tmp_path_factory.mktemp("bf16") / "net.safetensors"
    k = len(bits)
    _write_raw(path, {"w": ("BF16", (k,), raw.tobytes()), "b": ("BF16", (k,), raw.tobytes()),
                      "a": ("BF16", (k,), raw.tobytes())})
    want = [Fraction(float(v)) for v in (raw.astype("<u4") << 16).view("<f4")]
    assert [Fraction(s) for s in load(path, activation="tanh").canonical["w"]] == want


def test_rnn1d_accepts_lists_ints_fractions_strings():
    """rnn1d() takes numpy arrays, lists, ints, Fractions and "p/q" strings, all exact; `given` names it."""
    m = rnn1d(np.array([[1.0], [0.5]]), [0, "1/3"], [Fraction(2, 7), -4], c="0.1", activation="tanh")
    assert m.canonical == {"kind": "rnn1d", "activation": "tanh", "w": ["1", "1/2"], "b": ["0", "1/3"],
                           "a": ["2/7", "-4"], "c": "1/10"}
    assert m.given == "rnn1d(arrays)"


def test_rnn1d_float64_longdouble_exact():
    """float64 and longdouble entries keep their exact binary values (no rounding to float)."""
    x = np.longdouble(1) / np.longdouble(3)
    m = rnn1d(np.array([x]), [0.1], [1], activation="relu")
    assert Fraction(m.canonical["w"][0]) == Fraction(*x.as_integer_ratio())
    assert Fraction(m.canonical["b"][0]) == Fraction(0.1)


# ----------------------------------------------------------------------------- errors: file, key, fix

def _save(path, tensors, metadata=None):
    if str(path).endswith(".npz"):
        np.savez(path, **tensors)
    else:
        save_file(tensors, str(path), metadata=metadata)
    return str(path)


def _sd(**changes):
    sd = {k: v.copy() for k, v in _state_dict().items()}
    for k, v in changes.items():
        if v is None:
            del sd[k.replace("_", ".")]
        else:
            sd[k.replace("_", ".")] = v
    return sd


def _with(key, i, value):
    sd = _sd()
    sd[key].reshape(-1)[i] = value
    return sd


@pytest.mark.parametrize("name, tensors, meta, parts", [
    ("nan.safetensors", lambda: _with("0.bias", 2, np.nan), {"activation": "relu"},
     ["0.bias[2]", "nan", "must be finite", "replace it"]),
    ("inf.npz", lambda: dict(_with("0.weight", 3, np.inf), activation=np.array("relu")), None,
     ["0.weight[3, 0]", "inf", "must be finite"]),
    ("shape.safetensors", lambda: _sd(**{"0_weight": np.ones((8, 2), np.float32)}), {"activation": "relu"},
     ["'0.weight'", "(8, 2)", "nn.Linear(1, k)"]),
    ("width.safetensors", lambda: _sd(**{"2_weight": np.ones((1, 7), np.float32)}), {"activation": "relu"},
     ["0.weight has 8", "2.weight 7", "one entry per hidden unit"]),
    ("missing.safetensors", lambda: _sd(**{"2_weight": None}), {"activation": "relu"},
     ["'2.weight'", "nn.Sequential(nn.Linear(1, k)"]),
    ("flat.npz", lambda: {"w": np.ones(3), "b": np.ones(3), "activation": np.array("relu")}, None,
     ["'a'", "one per hidden unit"]),
    ("extra.safetensors", lambda: dict(_sd(), **{"1.running_mean": np.ones(8, np.float32)}), {"activation": "relu"},
     ["'1.running_mean'", "0.weight, 0.bias"]),
    ("deep.safetensors", lambda: dict(_sd(), **{"4.weight": np.ones((1, 1), np.float32)}), {"activation": "relu"},
     ["3 layer(s)", "0, 2, 4", "one hidden layer"]),
    ("noact.safetensors", lambda: _sd(), None, ["'activation'", "--activation relu|"]),
    ("bool.npz", lambda: dict(_sd(), **{"2.bias": np.array([True])}, activation=np.array("relu")), None,
     ["'2.bias'", "bool", "astype"]),
])
def test_errors_name_file_key_and_fix(tmp_path, name, tensors, meta, parts):
    """Each bad weights file is refused in one line naming the file, the key and the fix."""
    path = _save(tmp_path / name, tensors(), meta)
    with pytest.raises(CertifyError) as e:
        load(path)
    msg = str(e.value)
    assert "\n" not in msg and path in msg
    for p in parts:
        assert p in msg, (p, msg)


def test_conflicting_activation_is_refused():
    """A file naming relu read with --activation tanh is an error naming both and the fix."""
    with pytest.raises(CertifyError, match=r"he_relu8.safetensors names its activation 'relu', not 'tanh': drop "):
        load(RELU_ST, activation="tanh")


def test_corrupt_safetensors_is_one_line(tmp_path):
    """A file that is not safetensors is refused as such, naming it."""
    path = tmp_path / "junk.safetensors"
    path.write_bytes(b"\xff" * 64)
    with pytest.raises(CertifyError, match="junk.safetensors: not a safetensors file"):
        load(path)


def test_pt_without_torch_names_the_extra(tmp_path, monkeypatch):
    """Reading .pt when torch cannot be imported says how to install it."""
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(CertifyError, match=r"needs PyTorch: pip install certify\[torch\]"):
        load(tmp_path / "net.pt", activation="relu")


# ----------------------------------------------------------------------------- the CLI option

@pytest.mark.parametrize("cmd", [["period", "-p", "3"], ["orbits", "-p", "3"], ["entropy"], ["oscillations"],
                                 ["lyapunov"], ["forcing-interval"], ["gradients", "--x0", "0"], ["robustness"],
                                 ["scrambling", "--x", "0", "--y", "1", "--eps", "1", "--delta", "1"],
                                 ["threshold", "--scale", "g", "--range", "0,1"],
                                 ["windows", "--scale", "g", "--range", "0,1"],
                                 ["chaos-onset", "--param", "g", "--range", "0,1"]])
def test_every_map_command_takes_activation(cmd):
    """--activation exists on every command that takes a map spec, and is refused for a family."""
    from certify.cli import _parser
    args = _parser().parse_args([cmd[0], "logistic(r)", *cmd[1:], "--activation", "tanh"])
    assert args.activation == "tanh"
    assert main([cmd[0], "logistic(r=4)", *cmd[1:], "--activation", "tanh"]) == 2


def test_cli_activation_for_a_file_without_one(tmp_path, capsys):
    """--activation relu supplies the activation of a file without metadata; the check binds `given`."""
    path = _save(tmp_path / "bare.safetensors", _sd())
    assert main(["period", path, "-p", "3"]) == 2
    assert "--activation" in capsys.readouterr().err
    out = tmp_path / "c.json"
    cert = _cli_cert(capsys, path, "--activation", "relu", "--out", str(out))
    assert cert["verdict"] == "proved" and cert["map"]["canonical"] == load(RELU_JSON).canonical
    assert main(["check", str(out)]) == 0
    assert "(denotes the canonical map)" in capsys.readouterr().out


def test_families_of_a_file_take_activation(tmp_path):
    """parse_family (--scale) and weight_family (gradients --param) read a file with `activation`."""
    from certify.maps import parse_family, weight_family
    path = _save(tmp_path / "bare.safetensors", _sd())
    fam = parse_family(path, "g", activation="relu")
    assert fam.param == "g" and "g" in fam.canonical["expr"]
    _, value = weight_family(path, "c", activation="relu")
    assert Fraction(int(value.p), int(value.q)) == Fraction(load(RELU_JSON).canonical["c"])
    with pytest.raises(CertifyError, match="'activation'"):
        parse_family(path, "g")


# ----------------------------------------------------------------------------- torch

def _torch_net(torch, sd, out_act=None):
    k = sd["0.weight"].shape[0]
    mods = [torch.nn.Linear(1, k), torch.nn.ReLU(), torch.nn.Linear(k, 1)] + ([out_act] if out_act else [])
    net = torch.nn.Sequential(*mods)
    net.load_state_dict({key: torch.from_numpy(np.array(v)) for key, v in sd.items()})
    return net


def test_torch_state_dict_and_module_match_json(tmp_path, capsys):
    """A .pt state_dict (plain and in a checkpoint) and a live nn.Sequential give the JSON twin's map and
    the same period-3 verdict."""
    torch = pytest.importorskip("torch")
    net = _torch_net(torch, _state_dict())
    want = load(RELU_JSON).canonical
    pt, ckpt = tmp_path / "net.pt", tmp_path / "ckpt.pth"
    torch.save(net.state_dict(), pt)
    torch.save({"state_dict": net.state_dict(), "activation": "relu", "epoch": 3}, ckpt)
    assert load(pt, activation="relu").canonical == want and load(ckpt).canonical == want
    m = from_torch(net)
    assert m.canonical == want and m.given == "from_torch(Sequential(Linear(1, 8), ReLU(), Linear(8, 1)))"
    cert = _cli_cert(capsys, str(pt), "--activation", "relu")
    assert cert["verdict"] == "proved" and cert["map"]["canonical"] == want


def test_torch_bfloat16_module_matches_raw_safetensors(tmp_path):
    """A bfloat16 nn.Sequential and the bfloat16 safetensors file of the same bits denote one map."""
    torch = pytest.importorskip("torch")
    cut = {k: _bf16(v) for k, v in _state_dict().items()}
    path = tmp_path / "bf16.safetensors"
    _write_raw(path, {k: ("BF16", v.shape, raw) for k, (v, raw) in cut.items()})
    net = _torch_net(torch, {k: v for k, (v, _) in cut.items()}).to(torch.bfloat16)
    assert from_torch(net).canonical == load(path, activation="relu").canonical


def test_from_torch_leaky_slope_and_output_activation():
    """LeakyReLU() keeps its slope 0.01 as 1/100 and a final nn.Tanh is the output activation."""
    torch = pytest.importorskip("torch")
    net = torch.nn.Sequential(torch.nn.Linear(1, 2), torch.nn.LeakyReLU(), torch.nn.Linear(2, 1), torch.nn.Tanh())
    c = from_torch(net).canonical
    assert (c["activation"], c["output_activation"], c["slope"]) == ("leaky_relu", "tanh", "1/100")


@pytest.mark.parametrize("build, message", [
    (lambda nn: nn.Sequential(nn.Linear(1, 4), nn.GELU(), nn.Linear(4, 1)), "GELU, which certify does not support"),
    (lambda nn: nn.Sequential(nn.Linear(1, 4), nn.Hardtanh(-2, 2), nn.Linear(4, 1)), "clips to [-1, 1]"),
    (lambda nn: nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1)), "maps of one variable"),
    (lambda nn: nn.Sequential(nn.Linear(1, 4), nn.ReLU(), nn.Dropout(), nn.Linear(4, 1)), "got Sequential("),
    (lambda nn: nn.Linear(1, 1), "from_torch takes nn.Sequential"),
])
def test_from_torch_refusals(build, message):
    """Modules certify cannot read are refused with a one-line reason."""
    torch = pytest.importorskip("torch")
    with pytest.raises(CertifyError) as e:
        from_torch(build(torch.nn))
    assert message in str(e.value) and "\n" not in str(e.value)


def test_pt_holding_a_module_is_refused(tmp_path):
    """A .pt holding a pickled nn.Module (not a state_dict) is refused with the fix."""
    torch = pytest.importorskip("torch")
    path = tmp_path / "model.pt"
    torch.save(torch.nn.Sequential(torch.nn.Linear(1, 2)), path)
    with pytest.raises(CertifyError, match=r"model.pt holds objects .* save model.state_dict\(\)"):
        load(path, activation="relu")


def test_parse_map_reads_pt(tmp_path):
    """A .pt path is a map spec like any weights file."""
    torch = pytest.importorskip("torch")
    path = tmp_path / "net.pt"
    torch.save(_torch_net(torch, _state_dict()).state_dict(), path)
    assert parse_map(str(path), activation="relu").canonical == load(RELU_JSON).canonical
