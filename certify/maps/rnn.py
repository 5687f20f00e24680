"""n-dimensional vanilla RNN maps h -> act(W h + b), run autonomously (act: tanh, sigmoid, relu, hardtanh).

File formats:
- JSON: {"kind": "rnn", "activation": "tanh", "W": [[...], ...], "b": [...]}; numbers exact as in
  weight files (JSON integers and strings "3/10", "0.3" as the rationals they spell, JSON floats as
  the binary doubles they denote).
- JSON of an output-feedback RNN: {"kind": "rnn_feedback", "activation": ..., "W": [k][k], "U": [k][m],
  "b": [k], "V": [m][k], "c": [m]}: hidden state h (k numbers), output y = V h + c fed back as the
  next input, h -> act(W h + U y + b). Substituting y gives exactly the vanilla RNN map
  h -> act((W + U V) h + (U c + b)) on R^k, computed in rationals; that reduced map is what
  certificates store (the kernel never sees U, V, c).
- The state_dict of a one-layer PyTorch nn.RNN (.safetensors, .pt/.pth): weight_hh_l0 (n, n),
  bias_hh_l0, bias_ih_l0 (n), weight_ih_l0 (n, m). The input is held at 0 (b = bias_hh + bias_ih) or
  at a constant vector x0 (b = bias_hh + bias_ih + weight_ih x0, exactly). nn.RNN's nonlinearity is
  tanh unless the file (an "activation" entry or safetensors metadata) or the caller says relu.

The canonical form (what certificates store) holds exact rational strings and is re-read by the
kernel (certify.checker.rnn).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from flint import fmpq

from certify.certificates import q_str, read_json
from certify.checker.rnn import ACTIVATIONS, MAX_RNN_DIM, RNN, parse_rnn
from certify.errors import CertifyError
from certify.maps.weights import _array_values, exact

__all__ = ["RNNMap", "rnn", "rnn_feedback", "load_rnn", "rnn_from_mapping", "rnn_from_state_dict", "is_rnn_file",
           "from_torch_rnn", "parse_input"]

KEYS = {"kind", "activation", "W", "b"}
FEEDBACK_KEYS = {"kind", "activation", "W", "U", "b", "V", "c"}
TORCH_KEYS = ("weight_hh_l0", "bias_hh_l0", "bias_ih_l0", "weight_ih_l0")


@dataclass(frozen=True)
class RNNMap:
    """An RNN map: the spec as given, its canonical description, the kernel's exact model."""

    given: str
    canonical: dict
    model: RNN = field(compare=False, repr=False)

    @property
    def n(self) -> int:
        return self.model.n

    @property
    def activation(self) -> str:
        return self.model.activation

    @property
    def map_class(self) -> str:
        """The certificate's map.class: smooth (tanh, sigmoid) or piecewise-linear (relu, hardtanh)."""
        return "smooth" if self.activation in ("tanh", "sigmoid") else "piecewise-linear"

    def floats(self):
        """(W, b) as float64 arrays (for finders only)."""
        m = self.model
        return np.array([[float(w) for w in r] for r in m.W]), np.array([float(v) for v in m.b])


def _q(v, what: str) -> fmpq:
    return fmpq(*exact(v, what))


def _build(given: str, activation, W, b) -> RNNMap:
    """Validate shapes and activation; W (n x n) and b (n) as exact fmpq."""
    if activation not in ACTIVATIONS:
        raise CertifyError(f"{given}: activation must be one of {', '.join(ACTIVATIONS)}, got {activation!r}")
    n = len(b)
    if n == 0:
        raise CertifyError(f"{given}: b must hold at least one number")
    if n > MAX_RNN_DIM:
        raise CertifyError(f"{given}: dimension {n} is beyond the input limit {MAX_RNN_DIM}")
    if len(W) != n or any(len(r) != n for r in W):
        raise CertifyError(f"{given}: shapes differ: b has {n} entries, so W must be {n} x {n} "
                           f"(got {len(W)} rows)")
    canon = {"kind": "rnn", "activation": activation, "W": [[q_str(w) for w in r] for r in W],
             "b": [q_str(v) for v in b]}
    return RNNMap(given, canon, parse_rnn(canon))


def _matrix(v, what: str) -> list:
    if hasattr(v, "shape") or _is_tensor(v):
        arr = np.asarray(_numpy(v, what))
        if arr.ndim != 2:
            raise CertifyError(f"{what} must be a matrix, got shape {arr.shape}")
        vals = _array_values(arr, what, "rnn")
        return [[_q(vals[i * arr.shape[1] + j], f"{what}[{i}][{j}]") for j in range(arr.shape[1])]
                for i in range(arr.shape[0])]
    if not isinstance(v, (list, tuple)) or not all(isinstance(r, (list, tuple)) for r in v):
        raise CertifyError(f"{what} must be a list of rows (an n x n matrix)")
    return [[_q(w, f"{what}[{i}][{j}]") for j, w in enumerate(r)] for i, r in enumerate(v)]


def _vector(v, what: str) -> list:
    if hasattr(v, "shape") or _is_tensor(v):
        arr = np.asarray(_numpy(v, what))
        if arr.ndim != 1:
            raise CertifyError(f"{what} must be a vector, got shape {arr.shape}")
        return [_q(x, f"{what}[{i}]") for i, x in enumerate(_array_values(arr, what, "rnn"))]
    if not isinstance(v, (list, tuple)):
        raise CertifyError(f"{what} must be a list of numbers")
    return [_q(x, f"{what}[{i}]") for i, x in enumerate(v)]


def _is_tensor(v) -> bool:
    return type(v).__module__.startswith("torch") and hasattr(v, "detach")


def _numpy(v, what: str):
    if _is_tensor(v):
        from certify.maps.torch import tensor_to_numpy
        return tensor_to_numpy(v, what)
    return v


def rnn(W, b, activation: str = "tanh", given: str = "rnn(arrays)") -> RNNMap:
    """The map h -> act(W h + b) from lists, numpy arrays or torch tensors (floats are the binary
    numbers they store; strings "1/3" and Fractions exact)."""
    return _build(given, activation, _matrix(W, "W"), _vector(b, "b"))


def _feedback(given: str, activation, W, U, b, V, c) -> RNNMap:
    """The reduced map h -> act((W + U V) h + (U c + b)) of the output-feedback RNN, exactly."""
    k, m = len(b), len(c)
    for name, M, rows, cols in (("W", W, k, k), ("U", U, k, m), ("V", V, m, k)):
        if len(M) != rows or any(len(r) != cols for r in M):
            raise CertifyError(f"{given}: shapes differ: b has {k} entries and c {m}, so {name} must be "
                               f"{rows} x {cols}")
    W2 = [[W[i][j] + sum((U[i][l] * V[l][j] for l in range(m)), fmpq(0)) for j in range(k)] for i in range(k)]
    b2 = [b[i] + sum((U[i][l] * c[l] for l in range(m)), fmpq(0)) for i in range(k)]
    return _build(given, activation, W2, b2)


def rnn_feedback(W, U, V, b, c, activation: str = "tanh", given: str = "rnn_feedback(arrays)") -> RNNMap:
    """The output-feedback RNN h -> act(W h + U y + b), y = V h + c, as its exact reduced map
    h -> act((W + U V) h + (U c + b))."""
    return _feedback(given, activation, _matrix(W, "W"), _matrix(U, "U"), _vector(b, "b"), _matrix(V, "V"),
                     _vector(c, "c"))


def rnn_from_mapping(d: dict, source: str) -> RNNMap:
    """Validate an RNN mapping (keys kind, activation, W, b; or an rnn_feedback mapping with U, V, c
    as well) and build the exact model."""
    if not isinstance(d, dict):
        raise CertifyError(f"{source} must hold an object with keys kind, activation, W, b")
    if d.get("kind") == "rnn_feedback":
        unknown = set(d) - FEEDBACK_KEYS
        if unknown or not FEEDBACK_KEYS - {"activation"} <= set(d):
            raise CertifyError(f"an rnn_feedback object in {source} has the keys {sorted(FEEDBACK_KEYS)} "
                               f"(activation optional), got {sorted(map(str, d))[:8]}")
        return _feedback(source + " (output feedback, reduced: W + U V, U c + b)", d.get("activation", "tanh"),
                         _matrix(d["W"], "W"), _matrix(d["U"], "U"), _vector(d["b"], "b"), _matrix(d["V"], "V"),
                         _vector(d["c"], "c"))
    unknown = set(d) - KEYS
    if unknown:
        raise CertifyError(f"unknown key(s) {sorted(map(str, unknown))[:5]} in {source}; expected {sorted(KEYS)}")
    if d.get("kind") != "rnn":
        raise CertifyError(f"{source}: 'kind' must be 'rnn'")
    return _build(source, d.get("activation", "tanh"), _matrix(d.get("W"), "W"), _vector(d.get("b"), "b"))


def rnn_from_state_dict(arrays: Mapping, source: str, x0=None, activation: str | None = None) -> RNNMap:
    """The autonomous map of a one-layer nn.RNN state_dict: W = weight_hh_l0, b = bias_hh_l0 + bias_ih_l0
    (+ weight_ih_l0 x0 when the input is held at the constant x0), exactly."""
    missing = [k for k in ("weight_hh_l0",) if k not in arrays]
    if missing or any(k.endswith("_l1") for k in arrays):
        raise CertifyError(f"{source}: not a one-layer nn.RNN state_dict (keys {', '.join(TORCH_KEYS)})")
    W = _matrix(arrays["weight_hh_l0"], "weight_hh_l0")
    n = len(W)
    b = [fmpq(0)] * n
    for k in ("bias_hh_l0", "bias_ih_l0"):
        if k in arrays:
            v = _vector(arrays[k], k)
            if len(v) != n:
                raise CertifyError(f"{source}: {k} has {len(v)} entries, weight_hh_l0 is {n} x {n}")
            b = [x + y for x, y in zip(b, v)]
    if x0 is not None:
        if "weight_ih_l0" not in arrays:
            raise CertifyError(f"{source}: a constant input x0 needs weight_ih_l0")
        U, x = _matrix(arrays["weight_ih_l0"], "weight_ih_l0"), _vector(x0, "x0")
        if len(U) != n or any(len(r) != len(x) for r in U):
            raise CertifyError(f"{source}: weight_ih_l0 must be {n} x {len(x)} for an input of {len(x)} numbers")
        b = [bi + sum((u * xi for u, xi in zip(r, x)), fmpq(0)) for bi, r in zip(b, U)]
    named = arrays.get("activation")
    if named is not None and activation is not None and named != activation:
        raise CertifyError(f"{source} names the activation {named!r}, not {activation!r}")
    return _build(source, activation or named or "tanh", W, b)


def from_torch_rnn(module, x0=None) -> RNNMap:
    """The autonomous map of a live one-layer nn.RNN (batch_first either way; input held at 0 or x0)."""
    if module.num_layers != 1 or module.bidirectional or getattr(module, "proj_size", 0):
        raise CertifyError("from_torch reads a one-layer, unidirectional nn.RNN")
    sd = dict(module.state_dict())
    return rnn_from_state_dict(sd, f"nn.RNN({module.input_size}, {module.hidden_size})", x0,
                               "relu" if module.nonlinearity == "relu" else "tanh")


def _load_arrays(path: str) -> tuple[dict, dict]:
    low = path.lower()
    if low.endswith(".safetensors"):
        from certify.maps.weights import _load_safetensors
        return _load_safetensors(path)
    from certify.maps.torch import load_state_dict
    return load_state_dict(path)


def is_rnn_file(path) -> bool:
    """True when path names an RNN: a .json object with "kind": "rnn", or a .safetensors/.pt/.pth
    state_dict with the key weight_hh_l0."""
    if not isinstance(path, str):
        return False
    low = path.lower()
    try:
        if low.endswith(".json"):
            d = read_json(path, "RNN file", floats=True)
            return isinstance(d, dict) and d.get("kind") in ("rnn", "rnn_feedback")
        if low.endswith((".safetensors", ".pt", ".pth")):
            return "weight_hh_l0" in _load_arrays(path)[0]
    except CertifyError:
        return False
    return False


def parse_input(text: str) -> list:
    """--input "0.1,0.2,1/3": the constant input vector as exact rationals (decimals as they read)."""
    parts = [t.strip() for t in str(text).split(",")]
    if not parts or any(not t for t in parts):
        raise CertifyError(f"--input takes comma-separated exact numbers (e.g. 0.1,-1/3), got {text!r}")
    return [_q(t, f"--input entry {i}") for i, t in enumerate(parts)]


def load_rnn(path: str, x0=None) -> RNNMap:
    """Read an RNN file (JSON, or an nn.RNN state_dict in .safetensors/.pt/.pth) into its exact model."""
    if path.lower().endswith(".json"):
        if x0 is not None:
            raise CertifyError("x0 (a constant input) applies to nn.RNN state_dicts, not to a JSON rnn file")
        return rnn_from_mapping(read_json(path, "RNN file", floats=True), path)
    arrays, meta = _load_arrays(path)
    return rnn_from_state_dict(arrays, path, x0, meta.get("activation"))
