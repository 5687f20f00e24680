"""RNN weight files (JSON or .npz) and inline rnn1d(...) specs -> canonical rnn1d descriptions.

f(x) = sum_i a_i act(w_i x + b_i) + c, optionally followed by an output activation.
JSON numbers are the exact binary doubles they denote; strings are exact rationals or decimals.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
import sympy
from flint import fmpq

from certify.certificates import q_str, read_json
from certify.certificates.limits import MAX_BITS, MAX_DIGITS, MAX_FILE_BYTES, MAX_WIDTH
from certify.checker.semantics import ACTIVATIONS
from certify.errors import CertifyError
from certify.maps.formulas import _hardtanh, _leaky_relu, _relu, _sigmoid, parse_number

KEYS = {"model", "activation", "output_activation", "slope", "w", "b", "a", "c"}


def rational(v) -> sympy.Rational:
    """Canonical 'p/q' string (or int) -> sympy Rational."""
    return sympy.Rational(str(v))


def exact(v, what: str) -> tuple[int, int]:
    """A weight as an exact rational (p, q): floats exactly as binary doubles, strings as written."""
    if isinstance(v, bool):
        raise CertifyError(f"{what} is a boolean, not a number")
    if isinstance(v, int):
        if v.bit_length() > MAX_BITS:
            raise CertifyError(f"{what} has more than {MAX_DIGITS} digits")
        return (v, 1)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise CertifyError(f"{what} is {v}: weights must be finite")
        return v.as_integer_ratio()
    if hasattr(v, "item") and not isinstance(v, str):  # numpy scalar
        return exact(v.item(), what)
    if isinstance(v, str):
        s = v.strip().lower()
        if s in ("nan", "inf", "+inf", "-inf", "infinity", "-infinity"):
            raise CertifyError(f"{what} is {_short(v)}: weights must be finite")
        plain = _PLAIN.fullmatch(s)
        if plain and len(s) <= MAX_DIGITS and len(plain.group(1) or "") <= 5:  # fast path: no sympy needed
            q = Fraction(s)
            if max(abs(q.numerator), q.denominator).bit_length() <= MAX_BITS:
                return (q.numerator, q.denominator)
        num = parse_number(v, what)
        if not num.is_Rational:
            raise CertifyError(f"{what} = {_short(v)} is not rational")
        return (int(num.p), int(num.q))
    raise CertifyError(f"{what} = {_short(v)} is not a number")


# a plain decimal (exponent group 1) or p/q, ASCII digits: read exactly without sympy
_PLAIN = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e([-+]?[0-9]+))?|-?[0-9]+/[0-9]*[1-9][0-9]*")


def _short(v, n: int = 40) -> str:
    r = repr(v) if not isinstance(v, (dict, list, tuple)) else type(v).__name__
    return r if len(r) <= n else r[:n] + "..."


def _vector(d, key):
    v = d.get(key)
    if v is None:
        raise CertifyError(f"rnn1d weights need {key!r} (a list of numbers)")
    if hasattr(v, "tolist"):
        v = v.tolist()
    if not isinstance(v, (list, tuple)):
        v = [v]
    if len(v) > MAX_WIDTH:
        raise CertifyError(f"{key!r} has {len(v)} entries: networks wider than {MAX_WIDTH} units are beyond "
                           "the input limit")
    out = []
    for i, x in enumerate(v):
        if type(x) is float and math.isfinite(x):  # the common case: as_integer_ratio is in lowest terms
            n, d = x.as_integer_ratio()
            out.append(str(n) if d == 1 else f"{n}/{d}")
        else:
            out.append(_pq_str(exact(x, f"{key}[{i}]")))
    return out


def _pq_str(pq: tuple[int, int]) -> str:
    """Canonical "p/q" of a pair; float ratios are already in lowest terms, others are reduced."""
    n, d = pq
    if d != 1 and math.gcd(n, d) != 1:
        return q_str(_fq(pq))
    return str(n) if d == 1 else f"{n}/{d}"


def _fq(pq: tuple[int, int]):
    return fmpq(*pq)


def _name(d, key, default=None):
    v = d.get(key, default)
    if hasattr(v, "item"):
        v = v.item()
    if v is None or v == "" or v == "none":
        return None
    if not isinstance(v, str) or v not in ACTIVATIONS:
        raise CertifyError(f"unknown {key} {_short(v)}; choose one of {', '.join(ACTIVATIONS)}")
    return v


def rnn1d_from_mapping(d: dict, source: str) -> dict:
    """Validate a weights mapping and return the canonical rnn1d description."""
    unknown = set(d) - KEYS
    if unknown:
        raise CertifyError(f"unknown key(s) {_short(sorted(unknown, key=str))} in {source}; expected {sorted(KEYS)}")
    model = d.get("model", "rnn1d")
    if hasattr(model, "item"):
        model = model.item()
    if model != "rnn1d":
        raise CertifyError(f"model {_short(model)} in {source} is not supported; use 'rnn1d'")
    act = _name(d, "activation")
    if act is None:
        raise CertifyError(f"{source} needs an 'activation' ({', '.join(ACTIVATIONS)})")
    w, b, a = _vector(d, "w"), _vector(d, "b"), _vector(d, "a")
    if not (len(w) == len(b) == len(a)):
        raise CertifyError(f"weight lengths differ in {source}: w has {len(w)}, b {len(b)}, a {len(a)}")
    if not w:
        raise CertifyError(f"{source} has no hidden units")
    c = d.get("c", 0)
    if hasattr(c, "tolist"):
        c = c.tolist()
        c = c[0] if isinstance(c, list) and len(c) == 1 else c
    canon = {"kind": "rnn1d", "activation": act, "w": w, "b": b, "a": a,
             "c": q_str(_fq(exact(c, "c")))}
    out = _name(d, "output_activation")
    if out:
        canon["output_activation"] = out
    if "leaky_relu" in (act, out):
        canon["slope"] = q_str(_fq(exact(d.get("slope", "1/100"), "slope")))
    elif d.get("slope") is not None:
        raise CertifyError(f"'slope' is only meaningful with leaky_relu, but {source} uses {act}"
                           + (f" and {out}" if out else ""))
    return canon


def load_weights(path: str) -> dict:
    """Read a .json or .npz weights file into a canonical rnn1d description (within the input limits:
    file size, JSON depth and digits, network width)."""
    if path.lower().endswith(".npz"):
        d = _load_npz(path)
    else:
        d = read_json(path, "weights file", floats=True)
    if not isinstance(d, dict):
        raise CertifyError(f"{path} must hold an object with keys activation, w, b, a, c")
    if d.get("kind") == "plrnn":
        raise CertifyError(f"{path} is an n-dimensional PLRNN: use certify lyapunov {path} -p P --spectrum")
    return rnn1d_from_mapping(d, path)


def _load_npz(path: str) -> dict:
    import os
    import zipfile

    import numpy as np
    try:
        if os.path.getsize(path) > MAX_FILE_BYTES:
            raise CertifyError(f"{path} is larger than {MAX_FILE_BYTES} bytes, the limit for a weights file")
        with np.load(path, allow_pickle=False) as z:
            if sum(m.file_size for m in z.zip.infolist()) > MAX_FILE_BYTES:  # a zip bomb is refused unopened
                raise CertifyError(f"{path} holds arrays larger than {MAX_FILE_BYTES} bytes in all")
            return {k: z[k] for k in z.files}
    except FileNotFoundError:
        raise CertifyError(f"no such file: {path}") from None
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as e:
        raise CertifyError(f"cannot read weights {path}: {type(e).__name__}: {str(e)[:100]}") from None


def rnn1d_inline(args: list[str]) -> dict:
    """rnn1d(activation=relu, w=[...], b=[...], a=[...], c=0) -> canonical description."""
    d = {}
    for arg in args:
        key, eq, val = arg.partition("=")
        if not eq:
            raise CertifyError(f"rnn1d arguments are key=value, got {_short(arg)}")
        key, val = key.strip(), val.strip()
        if key in d:
            raise CertifyError(f"rnn1d(...) gives {_short(key)} twice")
        if key not in KEYS:
            raise CertifyError(f"rnn1d(...) has no argument {_short(key)}; expected {', '.join(sorted(KEYS))}")
        if val.startswith("["):
            if not val.endswith("]"):
                raise CertifyError(f"unbalanced list for {key}")
            if val.count(",") >= MAX_WIDTH:
                raise CertifyError(f"{key!r} has more than {MAX_WIDTH} entries: networks wider than {MAX_WIDTH} "
                                   "units are beyond the input limit")
            inner = val[1:-1].strip()
            d[key] = [s.strip() for s in inner.split(",")] if inner else []
        else:
            d[key] = val
    return rnn1d_from_mapping(d, "rnn1d(...)")


def activation_expr(name: str, u, slope=None):
    """The activation as a sympy expression (same meaning as the kernel's program)."""
    if name == "identity":
        return u
    if name == "relu":
        return _relu(u)
    if name == "leaky_relu":
        return _leaky_relu(u, rational(slope or "1/100"))
    if name == "hardtanh":
        return _hardtanh(u)
    if name == "tanh":
        return sympy.tanh(u)
    if name == "sigmoid":
        return _sigmoid(u)
    raise CertifyError(f"unknown activation {name!r}")
