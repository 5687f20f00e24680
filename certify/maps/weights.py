"""RNN weights -> canonical rnn1d descriptions: weights files (.json, .npz, .safetensors, .pt/.pth),
arrays in memory (`rnn1d(w, b, a, c)`) and inline `rnn1d(...)` specs.

f(x) = sum_i a_i act(w_i x + b_i) + c, optionally followed by an output activation.

Numbers are the exact rationals they denote: JSON numbers and float64/float32/float16 entries are
the binary floating-point numbers they store, bfloat16 entries are widened exactly to float32
first; strings are exact rationals or decimals ("1/3", "0.1").

Two layouts: the flat keys w, b, a, c (c optional, default 0), and the state_dict of
nn.Sequential(nn.Linear(1, k), act, nn.Linear(k, 1)[, out_act]): keys 0.weight (k, 1), 0.bias (k,),
2.weight (1, k), 2.bias (1,), under any module prefix ("net.0.weight", "module.net.0.weight").
A layer saved without a bias (nn.Linear(..., bias=False)) has no bias key: its biases are 0.
The activation is named by the file (a key, the safetensors metadata) or by the caller
(`activation=`, `--activation`); a file that names one and a caller that names another is an error.
"""

from __future__ import annotations

import math
import numbers
import os
import re
from fractions import Fraction

from flint import fmpq

from certify.certificates import q_str, read_json
from certify.certificates.limits import MAX_BITS, MAX_DIGITS, MAX_FILE_BYTES, MAX_WIDTH
from certify.checker.semantics import ACTIVATIONS
from certify.errors import CertifyError
from certify.maps.formulas import _hardtanh, _leaky_relu, _relu, _sigmoid, parse_number

VECTORS = ("w", "b", "a", "c")  # input weights, hidden biases, output weights, output bias
META = ("model", "activation", "output_activation", "slope")
KEYS = set(META) | set(VECTORS)
SUFFIXES = (".json", ".npz", ".safetensors", ".pt", ".pth")
SEQUENTIAL = ("the state_dict of nn.Sequential(nn.Linear(1, k), act, nn.Linear(k, 1)) (keys 0.weight, 0.bias, "
              "2.weight, 2.bias, under any prefix)")
_CHOICES = "|".join(ACTIVATIONS)
FINITE = "weights must be finite (replace it, or export the model before its weights diverge)"


class NoActivation(CertifyError):
    """A weights file that names no activation, read without one (give --activation / activation=)."""


def is_weights_path(spec: str) -> bool:
    """A spec names a weights file: it ends in a weights suffix, or it is an existing file."""
    return spec.lower().endswith(SUFFIXES) or os.path.isfile(spec)


def rational(v):
    """Canonical 'p/q' string (or int) -> sympy Rational."""
    import sympy
    return sympy.Rational(str(v))


def exact(v, what: str) -> tuple[int, int]:
    """A number as an exact rational (p, q): floats (Python, numpy, Decimal) exactly as the binary
    numbers they store, ints and Fractions as they are, strings as written ("1/3", "0.1")."""
    if isinstance(v, bool) or type(v).__name__ in ("bool_", "bool"):  # numpy's booleans too
        raise CertifyError(f"{what} is a boolean, not a number")
    if isinstance(v, int):
        if v.bit_length() > MAX_BITS:
            raise CertifyError(f"{what} has more than {MAX_DIGITS} digits")
        return (v, 1)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise CertifyError(f"{what} is {v}: {FINITE}")
        return v.as_integer_ratio()
    if isinstance(v, str):
        return _exact_str(v, what)
    if isinstance(v, numbers.Rational):  # Fraction, numpy integers, sympy Rational
        return _bounded((int(v.numerator), int(v.denominator)), what)
    if hasattr(v, "as_integer_ratio"):  # numpy floats (longdouble too), Decimal
        try:
            return _bounded(tuple(int(t) for t in v.as_integer_ratio()), what)
        except (ValueError, OverflowError):
            raise CertifyError(f"{what} is {_short(v)}: {FINITE}") from None
    if isinstance(v, fmpq):
        return _bounded((int(v.p), int(v.q)), what)
    raise CertifyError(f"{what} = {_short(v)} is not a number")


def _bounded(pq: tuple[int, int], what: str) -> tuple[int, int]:
    if max(abs(pq[0]), pq[1]).bit_length() > MAX_BITS:
        raise CertifyError(f"{what} has more than {MAX_DIGITS} digits")
    return pq


def _exact_str(v: str, what: str) -> tuple[int, int]:
    s = v.strip().lower()
    if s in ("nan", "inf", "+inf", "-inf", "infinity", "-infinity"):
        raise CertifyError(f"{what} is {_short(v)}: {FINITE}")
    plain = _PLAIN.fullmatch(s)
    if plain and len(s) <= MAX_DIGITS and len(plain.group(1) or "") <= 5:  # fast path: no sympy needed
        q = Fraction(s)
        if max(abs(q.numerator), q.denominator).bit_length() <= MAX_BITS:
            return (q.numerator, q.denominator)
    num = parse_number(v, what)
    if not num.is_Rational:
        raise CertifyError(f"{what} = {_short(v)} is not rational")
    return (int(num.p), int(num.q))


# a plain decimal (exponent group 1) or p/q, ASCII digits: read exactly without sympy
_PLAIN = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e([-+]?[0-9]+))?|-?[0-9]+/[0-9]*[1-9][0-9]*")


def _short(v, n: int = 40) -> str:
    r = repr(v) if not isinstance(v, (dict, list, tuple)) else type(v).__name__
    return r if len(r) <= n else r[:n] + "..."


def _pq_str(pq: tuple[int, int]) -> str:
    """Canonical "p/q" of a pair; float ratios are already in lowest terms, others are reduced."""
    n, d = pq
    if d != 1 and math.gcd(n, d) != 1:
        return q_str(fmpq(*pq))
    return str(n) if d == 1 else f"{n}/{d}"


# ----------------------------------------------------------------------------- arrays and shapes

# what each role accepts: vector (k,), (k, 1) or (1, k); column (k, 1); row (1, k); bias (k,); scalar
_SHAPES = {"vector": "(k,), (k, 1) or (1, k)", "column": "(k, 1) (nn.Linear(1, k).weight)",
           "row": "(1, k) (nn.Linear(k, 1).weight)", "bias": "(k,)", "scalar": "() or (1,)"}


_FIXES = {"vector": "give one number per hidden unit",
          "column": "the first layer must be nn.Linear(1, k) (certify reads maps of one variable)",
          "row": "the last layer must be nn.Linear(k, 1) (certify reads maps of one variable)",
          "bias": "give one number per hidden unit", "scalar": "the output bias is one number"}


def _shape_ok(shape: tuple, want: str) -> bool:
    if want == "vector":
        return len(shape) <= 1 or (len(shape) == 2 and 1 in shape)
    if want == "column":
        return len(shape) == 2 and shape[1] == 1
    if want == "row":
        return len(shape) == 2 and shape[0] == 1
    if want == "bias":
        return len(shape) == 1
    return shape in ((), (1,), (1, 1))


def _entries(v, key: str, source: str, want: str = "vector") -> list[str]:
    """The entries of one weight array as canonical exact strings, its shape checked against `want`;
    errors name the source, the key and the fix."""
    if _is_torch_tensor(v):
        from certify.maps.torch import tensor_to_numpy
        v = tensor_to_numpy(v, f"{source}: {key}")
    elif not isinstance(v, (list, tuple, str, numbers.Number, fmpq)) and hasattr(v, "__array__"):
        import numpy as np
        v = np.asarray(v)  # JAX and other array libraries
    if hasattr(v, "dtype") and hasattr(v, "shape"):
        shape, flat = tuple(int(n) for n in v.shape), None
    else:
        shape, flat = _list_shape(v, key, source)
    if not _shape_ok(shape, want):
        raise CertifyError(f"{source}: key {key!r} has shape {shape}, expected {_SHAPES[want]}: {_FIXES[want]}")
    size = math.prod(shape)
    if size > MAX_WIDTH:
        raise CertifyError(f"{source}: key {key!r} has {size} entries: networks wider than {MAX_WIDTH} units are "
                           "beyond the input limit")
    if flat is None:
        flat = _array_values(v, key, source)
    out = []
    for i, x in enumerate(flat):
        if type(x) is float and math.isfinite(x):  # the common case: as_integer_ratio is in lowest terms
            n, d = x.as_integer_ratio()
            out.append(str(n) if d == 1 else f"{n}/{d}")
        else:
            out.append(_pq_str(exact(x, _at(source, key, i, shape))))
    return out


def _at(source: str, key: str, i: int, shape: tuple) -> str:
    """'source: key[i]' with numpy's index of the i-th entry (0-based; [i, 0] for a column)."""
    index = ", ".join(str(j) for j in _unravel(i, shape)) if len(shape) == 2 else str(i)
    return f"{source}: {key}[{index}]" if shape else f"{source}: {key}"


def _unravel(i: int, shape: tuple) -> tuple:
    return (i // shape[1], i % shape[1])


def _list_shape(v, key: str, source: str):
    """(shape, entries) of a number, a list, or a list of lists (rows of equal length)."""
    if not isinstance(v, (list, tuple)):
        return (), [v]
    if v and all(isinstance(r, (list, tuple)) for r in v):
        lengths = {len(r) for r in v}
        if len(lengths) != 1 or any(isinstance(x, (list, tuple)) for r in v for x in r):
            raise CertifyError(f"{source}: key {key!r} is a ragged or nested list: give a list of numbers")
        return (len(v), lengths.pop()), [x for r in v for x in r]
    if any(isinstance(x, (list, tuple)) for x in v):
        raise CertifyError(f"{source}: key {key!r} mixes numbers and lists: give a list of numbers")
    return (len(v),), list(v)


def _array_values(arr, key: str, source: str) -> list:
    """The entries of a numpy array as Python numbers that keep their exact values: float64, float32
    and float16 as Python floats (an exact widening), integers as ints, longdouble entries as
    Fractions; NaN/inf, booleans, complex and object arrays are refused, naming the entry."""
    import numpy as np

    arr = np.asarray(arr)
    kind, name = arr.dtype.kind, arr.dtype.name
    if name == "bfloat16":  # ml_dtypes (JAX): widening to float32 is exact
        arr, kind = arr.astype(np.float32), "f"
    if kind == "f":
        bad = np.flatnonzero(~np.isfinite(arr.reshape(-1)))
        if bad.size:
            i = int(bad[0])
            raise CertifyError(f"{_at(source, key, i, arr.shape)} is {arr.reshape(-1)[i]}: {FINITE}")
        if arr.dtype.itemsize <= 8:
            return arr.astype(np.float64).reshape(-1).tolist()
        return [Fraction(*x.as_integer_ratio()) for x in arr.reshape(-1)]
    if kind in "iu":
        return arr.reshape(-1).tolist()
    if kind in "US":
        return [str(x) for x in arr.reshape(-1).tolist()]
    raise CertifyError(f"{source}: key {key!r} has dtype {name}: weights must be floating-point or integer numbers "
                       "(convert the array, e.g. .astype('float64'))")


def _is_torch_tensor(v) -> bool:
    return type(v).__module__.startswith("torch") and hasattr(v, "detach")


# ----------------------------------------------------------------------------- layouts

def _natural(name: str):
    """Sort key of module paths: numeric parts as numbers ('net.10' after 'net.2')."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in name.split(".")]


def _roles(arrays: dict, source: str) -> dict:
    """role (w, b, a, c) -> (key, accepted shape) for the flat layout or a Sequential state_dict."""
    if not any(isinstance(k, str) and k.rpartition(".")[2] in ("weight", "bias") and "." in k for k in arrays):
        unknown = set(arrays) - set(VECTORS)
        if unknown:
            raise CertifyError(f"unknown key(s) {_short(sorted(unknown, key=str))} in {source}; expected "
                               f"{sorted(KEYS)}, or {SEQUENTIAL}")
        for r in ("w", "b", "a"):
            if r not in arrays:
                raise CertifyError(f"{source} has no key {r!r} (a list of numbers, one per hidden unit); it needs "
                                   f"w, b, a (and c, default 0), or {SEQUENTIAL}")
        return {r: (r, "scalar" if r == "c" else "vector") for r in VECTORS if r in arrays}
    layers: dict[str, dict] = {}
    for k in arrays:
        mod, dot, leaf = str(k).rpartition(".")
        if not dot or leaf not in ("weight", "bias"):
            raise CertifyError(f"{source}: unexpected key {_short(k)}: certify reads {SEQUENTIAL}, or the keys "
                               "w, b, a, c")
        layers.setdefault(mod, {})[leaf] = k
    order = sorted(layers, key=_natural)
    if len(order) != 2:
        raise CertifyError(f"{source} holds {len(order)} layer(s) ({_short(', '.join(order), 80)}): certify reads "
                           f"one hidden layer, {SEQUENTIAL}")
    for mod in order:
        if "weight" not in layers[mod]:
            raise CertifyError(f"{source} has no key {mod + '.weight'!r} (only {layers[mod]['bias']!r}): "
                               f"certify reads {SEQUENTIAL}")
    first, second = (layers[m] for m in order)
    roles = {"w": (first["weight"], "column"), "a": (second["weight"], "row")}
    if "bias" in first:
        roles["b"] = (first["bias"], "bias")
    if "bias" in second:
        roles["c"] = (second["bias"], "scalar")
    return roles


def _name(d, key, default=None):
    v = d.get(key, default)
    if hasattr(v, "item"):
        v = v.item()
    if v is None or v == "" or v == "none":
        return None
    if not isinstance(v, str) or v not in ACTIVATIONS:
        raise CertifyError(f"unknown {key} {_short(v)}; choose one of {', '.join(ACTIVATIONS)}")
    return v


def _activation(meta: dict, source: str, activation) -> str:
    """The hidden activation: the file's own, or the caller's when the file names none."""
    named = _name(meta, "activation")
    if activation is not None:
        asked = _name({"activation": activation}, "activation")
        if asked is None:
            raise CertifyError(f"--activation needs a name: {', '.join(ACTIVATIONS)}")
        if named is not None and named != asked:
            raise CertifyError(f"{source} names its activation {named!r}, not {asked!r}: drop --activation "
                               f"(activation=), or give --activation {named}")
        return asked
    if named is None:
        raise NoActivation(f"{source} needs an 'activation' (the file names none): give --activation {_CHOICES} "
                           "(activation= in Python)")
    return named


def canonical_rnn1d(arrays: dict, meta: dict, source: str, activation=None) -> dict:
    """The canonical rnn1d description of weight arrays (flat w, b, a, c or a Sequential state_dict)
    and their metadata (activation, output_activation, slope, model), validated."""
    model = meta.get("model", "rnn1d")
    if hasattr(model, "item"):
        model = model.item()
    if model != "rnn1d":
        raise CertifyError(f"model {_short(model)} in {source} is not supported; use 'rnn1d'")
    roles = _roles(arrays, source)
    act = _activation(meta, source, activation)
    vec = {r: _entries(arrays[key], str(key), source, want) for r, (key, want) in roles.items()}
    w, a = vec["w"], vec["a"]
    b = vec.get("b", ["0"] * len(w))
    if not (len(w) == len(b) == len(a)):
        names = {r: roles[r][0] if r in roles else r for r in "wba"}
        raise CertifyError(f"weight lengths differ in {source}: {names['w']} has {len(w)}, {names['b']} {len(b)}, "
                           f"{names['a']} {len(a)}: give each one entry per hidden unit")
    if not w:
        raise CertifyError(f"{source} has no hidden units")
    canon = {"kind": "rnn1d", "activation": act, "w": w, "b": b, "a": a, "c": vec.get("c", ["0"])[0]}
    out = _name(meta, "output_activation")
    if out:
        canon["output_activation"] = out
    slope = meta.get("slope")
    if hasattr(slope, "item"):
        slope = slope.item()
    if "leaky_relu" in (act, out):
        canon["slope"] = _pq_str(exact("1/100" if slope is None else slope, f"{source}: slope"))
    elif slope is not None:
        raise CertifyError(f"'slope' is only meaningful with leaky_relu, but {source} uses {act}"
                           + (f" and {out}" if out else ""))
    return canon


def rnn1d_from_mapping(d: dict, source: str, activation=None) -> dict:
    """Validate a weights mapping (keys as in a JSON weights file, arrays or lists as values) and
    return the canonical rnn1d description."""
    meta = {k: d[k] for k in META if k in d}
    return canonical_rnn1d({k: v for k, v in d.items() if k not in META}, meta, source, activation)


# ----------------------------------------------------------------------------- files

def load_weights(path: str, activation=None) -> dict:
    """Read a .json, .npz, .safetensors or .pt/.pth weights file into a canonical rnn1d description
    (within the input limits: file size, JSON depth and digits, network width). `activation` names
    the hidden activation when the file does not."""
    low = path.lower()
    if low.endswith(".npz"):
        d = _load_npz(path)
    elif low.endswith(".safetensors"):
        arrays, meta = _load_safetensors(path)
        return canonical_rnn1d(arrays, meta, path, activation)
    elif low.endswith((".pt", ".pth")):
        from certify.maps.torch import load_state_dict
        arrays, meta = load_state_dict(path)
        return canonical_rnn1d(arrays, meta, path, activation)
    else:
        d = read_json(path, "weights file", floats=True)
    if not isinstance(d, dict):
        raise CertifyError(f"{path} must hold an object with keys activation, w, b, a, c")
    if d.get("kind") == "plrnn":
        raise CertifyError(f"{path} is an n-dimensional PLRNN: use certify lyapunov {path} -p P --spectrum")
    return rnn1d_from_mapping(d, path, activation)


def _size_checked(path: str) -> None:
    try:
        size = os.path.getsize(path)
    except FileNotFoundError:
        raise CertifyError(f"no such file: {path}") from None
    except OSError as e:
        raise CertifyError(f"cannot read weights {path}: {e.strerror or e}") from None
    if size > MAX_FILE_BYTES:
        raise CertifyError(f"{path} is larger than {MAX_FILE_BYTES} bytes, the limit for a weights file")


def _load_npz(path: str) -> dict:
    import zipfile

    import numpy as np
    _size_checked(path)
    try:
        with np.load(path, allow_pickle=False) as z:
            if sum(m.file_size for m in z.zip.infolist()) > MAX_FILE_BYTES:  # a zip bomb is refused unopened
                raise CertifyError(f"{path} holds arrays larger than {MAX_FILE_BYTES} bytes in all")
            return {k: z[k] for k in z.files}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as e:
        raise CertifyError(f"cannot read weights {path}: {type(e).__name__}: {str(e)[:100]}") from None


# safetensors dtype -> numpy dtype read from the raw little-endian bytes (BF16: see _load_safetensors)
_ST_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
              "U64": "<u8", "U32": "<u4", "U16": "<u2", "U8": "u1"}


def _load_safetensors(path: str) -> tuple[dict, dict]:
    """(arrays, metadata) of a .safetensors file, read with the safetensors package (no torch):
    every tensor as a numpy array with the exact values it stores (bfloat16 widened to float32 by
    appending 16 zero bits), and the header's string metadata."""
    import numpy as np
    import safetensors

    _size_checked(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        tensors = safetensors.deserialize(data)
        with safetensors.safe_open(path, framework="numpy") as f:
            meta = dict(f.metadata() or {})
    except (OSError, safetensors.SafetensorError, ValueError) as e:
        raise CertifyError(f"cannot read weights {path}: not a safetensors file ({str(e)[:80]})") from None
    arrays = {}
    for name, t in tensors:
        dtype, shape, raw = t["dtype"], tuple(t["shape"]), bytes(t["data"])
        if dtype == "BF16":
            a = (np.frombuffer(raw, "<u2").astype("<u4") << 16).view("<f4")
        elif dtype in _ST_DTYPES:
            a = np.frombuffer(raw, _ST_DTYPES[dtype])
        else:
            raise CertifyError(f"{path}: key {name!r} has dtype {dtype}: certify reads float64, float32, float16, "
                               "bfloat16 and integer tensors (save it as float32)")
        arrays[name] = a.reshape(shape)
    return arrays, {k: v for k, v in meta.items() if k in META}


# ----------------------------------------------------------------------------- Python entry points

def rnn1d(w, b, a, c=0, activation: str = "relu", output_activation: str | None = None, slope=None):
    """The Map f(x) = sum_i a_i act(w_i x + b_i) + c from numpy arrays of any float dtype (shapes
    (k,), (k, 1) or (1, k)), torch tensors, lists, ints, Fractions or strings like "1/3"; floats
    are the exact binary numbers they store. `slope` is leaky_relu's negative slope (default 1/100)."""
    from certify.maps import _from_rnn1d

    meta = {"activation": activation, "output_activation": output_activation}
    if slope is not None:
        meta["slope"] = slope
    arrays = {"w": w, "b": b, "a": a, "c": c}
    if activation is None:
        raise CertifyError(f"rnn1d(arrays) needs an activation: activation={_CHOICES}")
    return _from_rnn1d("rnn1d(arrays)", canonical_rnn1d(arrays, meta, "rnn1d(arrays)"))


def load(path, activation: str | None = None):
    """The Map of a weights file (.json, .npz, .safetensors, .pt, .pth); `activation` names the hidden
    activation when the file does not (a file naming another one is an error)."""
    from certify.maps import _from_rnn1d

    if not isinstance(path, (str, os.PathLike)):
        raise CertifyError(f"load takes the path of a weights file, got {_short(path)}")
    path = os.fspath(path)
    if not isinstance(path, str) or not path.lower().endswith(SUFFIXES):
        raise CertifyError(f"load reads weights files ({', '.join(SUFFIXES)}), got {_short(path)}; a family or "
                           "formula is a spec: parse it instead")
    return _from_rnn1d(path, load_weights(path, activation))


def rnn1d_inline(args: list[str], activation=None) -> dict:
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
    return rnn1d_from_mapping(d, "rnn1d(...)", activation)


def activation_expr(name: str, u, slope=None):
    """The activation as a sympy expression (same meaning as the kernel's program)."""
    import sympy

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
