"""n-dimensional PLRNN files: z -> A z + W relu(z) + h with A diagonal (Durstewitz lab).

File format (JSON): {"kind": "plrnn", "A": [a_1, ..., a_n], "W": [[w_11, ...], ...], "h": [h_1, ...]};
or a .safetensors file whose tensors are exactly A (n, or n x n diagonal), W (n x n) and h (n), any
float dtype (each entry is the exact binary number it stores).
A may also be given as an n x n diagonal matrix. Numbers are exact as in weight files: JSON
integers and strings ("3/10", "0.3") as the rationals they spell, JSON floats as the exact binary
doubles they denote. The canonical form (what certificates store) holds exact rational strings and
is re-read by the kernel (certify.checker.plrnn).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from certify.certificates import q_str, read_json
from certify.certificates.limits import MAX_PLRNN_DIM
from certify.checker.plrnn import Model, parse_plrnn
from certify.errors import CertifyError
from certify.maps.weights import exact

__all__ = ["PLRNN", "load_plrnn", "plrnn_from_mapping", "is_plrnn_file"]

KEYS = {"kind", "A", "W", "h"}


@dataclass(frozen=True)
class PLRNN:
    """A PLRNN: the spec as given, its canonical description, the kernel's exact model."""

    given: str
    canonical: dict
    model: Model = field(compare=False, repr=False)

    @property
    def n(self) -> int:
        return self.model.n

    def floats(self):
        """(a, W, h) as float64 arrays (for finders and estimates only)."""
        m = self.model
        return (np.array([float(a) for a in m.A]), np.array([[float(w) for w in r] for r in m.W]),
                np.array([float(v) for v in m.h]))


def _q(v, what: str) -> str:
    from flint import fmpq
    return q_str(fmpq(*exact(v, what)))


def _list(d, key: str, source: str):
    v = d.get(key)
    if not isinstance(v, list) or not v:
        raise CertifyError(f"{source}: {key!r} must be a non-empty list of numbers")
    return v


def plrnn_from_mapping(d: dict, source: str) -> PLRNN:
    """Validate a PLRNN mapping (keys kind, A, W, h) and build the exact model."""
    if not isinstance(d, dict):
        raise CertifyError(f"{source} must hold an object with keys kind, A, W, h")
    unknown = set(d) - KEYS
    if unknown:
        raise CertifyError(f"unknown key(s) {sorted(map(str, unknown))[:5]} in {source}; expected {sorted(KEYS)}")
    if d.get("kind") != "plrnn":
        raise CertifyError(f"{source}: 'kind' must be 'plrnn'")
    A, W, h = _list(d, "A", source), _list(d, "W", source), _list(d, "h", source)
    n = len(A)
    if n > MAX_PLRNN_DIM:
        raise CertifyError(f"{source}: dimension {n} is beyond the input limit {MAX_PLRNN_DIM}")
    if all(isinstance(r, list) for r in A):  # a diagonal matrix
        if len(A) != n or any(len(r) != n for r in A):
            raise CertifyError(f"{source}: A given as a matrix must be square")
        off = [(i, j) for i in range(n) for j in range(n) if i != j and _q(A[i][j], f"A[{i}][{j}]") != "0"]
        if off:
            raise CertifyError(f"{source}: A must be diagonal, but A[{off[0][0]}][{off[0][1]}] != 0")
        A = [A[i][i] for i in range(n)]
    if any(isinstance(a, list) for a in A):
        raise CertifyError(f"{source}: A must be a list of n numbers (the diagonal)")
    if len(h) != n or len(W) != n or any(not isinstance(r, list) or len(r) != n for r in W):
        raise CertifyError(f"{source}: shapes differ: A has {n} entries, so W must be {n} x {n} and h have {n} "
                           f"(got W with {len(W)} rows, h with {len(h)})")
    canon = {"kind": "plrnn", "A": [_q(a, f"A[{i}]") for i, a in enumerate(A)],
             "W": [[_q(w, f"W[{i}][{j}]") for j, w in enumerate(r)] for i, r in enumerate(W)],
             "h": [_q(v, f"h[{i}]") for i, v in enumerate(h)]}
    return PLRNN(source, canon, parse_plrnn(canon))


def _read(path: str):
    return read_json(path, "PLRNN file", floats=True)


def _read_safetensors(path: str) -> dict:
    from certify.maps.weights import _load_safetensors

    arrays, _ = _load_safetensors(path)
    if set(arrays) != {"A", "W", "h"}:
        raise CertifyError(f"{path}: a PLRNN .safetensors file holds exactly the tensors A, W, h, got "
                           f"{sorted(arrays)[:6]}")
    return {"kind": "plrnn", **{k: arrays[k].astype(float).tolist() for k in ("A", "W", "h")}}


def is_plrnn_file(path: str) -> bool:
    """True when path is a readable .json object with a top-level "kind" (the PLRNN format), or a
    .safetensors file holding exactly the tensors A, W, h."""
    if not isinstance(path, str):
        return False
    if path.lower().endswith(".safetensors"):
        try:
            _read_safetensors(path)
        except CertifyError:
            return False
        return True
    if not path.lower().endswith(".json"):
        return False
    try:
        d = _read(path)
    except CertifyError:
        return False
    return isinstance(d, dict) and "kind" in d  # weight files of 1D networks say "model", not "kind"


def load_plrnn(path: str) -> PLRNN:
    """Read a PLRNN file (JSON or .safetensors) into its exact model."""
    if path.lower().endswith(".safetensors"):
        return plrnn_from_mapping(_read_safetensors(path), path)
    return plrnn_from_mapping(_read(path), path)
