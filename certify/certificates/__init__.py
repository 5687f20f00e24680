"""Certificate data model: exact rationals and intervals as JSON, deterministic serialisation.

A certificate is a plain JSON object (see docs/certificates.md). Every number in it is an exact
rational written as an integer string or ``"p/q"``; intervals are ``{"lo": ..., "hi": ...}``.
No floats appear anywhere. This module only encodes and decodes; it proves nothing.
"""

from __future__ import annotations

import json
import os
import re
import tempfile

from flint import fmpq

from certify.certificates.limits import (MAX_DIGITS, MAX_FILE_BYTES, MAX_STRING_CHARS, json_shape)
from certify.errors import CertifyError

__all__ = [
    "SCHEMA",
    "VERDICTS",
    "q_str",
    "q_parse",
    "interval",
    "interval_parse",
    "dumps",
    "loads",
    "write_atomic",
    "read",
    "read_json",
    "json_loads",
    "Unreadable",
    "decimals",
]

SCHEMA = "certify/1"
VERDICTS = ("proved", "refuted", "undecided")

_RATIONAL = re.compile(r"-?[0-9]+(?:/[0-9]+)?")  # ASCII digits only: `\d` matches other scripts too


_TEN_TO_MAX = 10 ** MAX_DIGITS


class Unreadable(CertifyError):
    """The input is not a certificate at all: unreadable, too large, not UTF-8, not JSON, not an object
    with the certify schema (`certify check` exits 2, where a malformed certificate exits 1)."""


def q_str(q) -> str:
    """Exact rational -> canonical string "p/q" (or "p" when q = 1)."""
    q = fmpq(q) if not isinstance(q, fmpq) else q
    return str(q.p) if q.q == 1 else f"{q.p}/{q.q}"


def q_parse(s) -> fmpq:
    """Canonical rational string (or int) -> fmpq; rejects floats and anything inexact.

    ASCII digits only, at most MAX_DIGITS of them in the numerator and in the denominator.
    """
    if isinstance(s, bool) or not isinstance(s, (str, int)):
        raise CertifyError(f"certificate number {_short(s)} is not an exact rational string")
    if isinstance(s, int):
        if s.bit_length() > 4 * MAX_DIGITS or abs(s) >= _TEN_TO_MAX:
            raise CertifyError(f"certificate number has more than {MAX_DIGITS} digits")
        return fmpq(s)
    if len(s) > 2 * MAX_DIGITS + 2 or not _RATIONAL.fullmatch(s):
        raise CertifyError(f"certificate number {_short(s)} is not of the form 'p' or 'p/q' (q > 0) with at "
                           f"most {MAX_DIGITS} ASCII digits each")
    num, _, den = s.partition("/")
    if len(num.lstrip("-")) > MAX_DIGITS or len(den) > MAX_DIGITS:
        raise CertifyError(f"certificate number {_short(s)} has more than {MAX_DIGITS} digits")
    if den and int(den) == 0:
        raise CertifyError(f"certificate number {_short(s)} has a zero denominator")
    return fmpq(int(num), int(den or 1))


def _short(v, n: int = 60) -> str:
    """repr of v cut to n characters (error messages stay one short line whatever the input)."""
    r = repr(v) if not isinstance(v, (dict, list)) else type(v).__name__
    return r if len(r) <= n else r[:n] + "..."


def interval(lo, hi) -> dict:
    """Exact interval [lo, hi] -> {"lo": "p/q", "hi": "p/q"}."""
    return {"lo": q_str(lo), "hi": q_str(hi)}


def interval_parse(d) -> tuple[fmpq, fmpq]:
    """{"lo", "hi"} -> (lo, hi) as fmpq, requiring lo <= hi."""
    if not isinstance(d, dict) or set(d) != {"lo", "hi"}:
        raise CertifyError(f"malformed interval {_short(d)}")
    lo, hi = q_parse(d["lo"]), q_parse(d["hi"])
    if lo > hi:
        raise CertifyError(f"interval with lo > hi: {_short(d['lo'])} > {_short(d['hi'])}")
    return lo, hi


def decimals(obj):
    """An estimate block with every float written as a decimal string ("0.6931471806", "-inf").

    Estimates are not exact numbers, so they travel as strings (certificates hold no JSON floats);
    dicts and lists are converted recursively, everything else is kept.
    """
    if isinstance(obj, float):
        return "nan" if obj != obj else "inf" if obj == float("inf") else "-inf" if obj == -float("inf") \
            else format(obj, ".10g")
    if isinstance(obj, dict):
        return {k: decimals(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [decimals(v) for v in obj]
    return obj


def dumps(cert: dict) -> str:
    """Deterministic JSON text of a certificate (sorted keys, UTF-8, trailing newline)."""
    return json.dumps(cert, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def json_loads(text: str, what: str = "certificate", floats: bool = False):
    """Strict JSON: within the limits (depth, values, digits, string length), no duplicate keys, no
    NaN or Infinity, and no floats unless `floats` (weights files hold floats; certificates never).

    A text that is not JSON raises Unreadable; JSON a certificate may not hold raises CertifyError.
    """
    json_shape(text, what)

    def pairs(items):
        d = dict(items)
        if len(d) != len(items):
            seen = set()
            dup = next(k for k, _ in items if k in seen or seen.add(k))
            raise CertifyError(f"{what} repeats the key {_short(dup)} in one object")
        return d

    def constant(name):
        raise CertifyError(f"{what} contains {name}; numbers must be finite")

    def integer(digits):
        if len(digits.lstrip("-")) > MAX_DIGITS:
            raise CertifyError(f"{what} contains an integer with more than {MAX_DIGITS} digits")
        return int(digits)

    def real(digits):
        if not floats:
            raise CertifyError(f"{what} contains the float {digits[:30]}; only exact rationals are allowed")
        if len(digits) > MAX_DIGITS:
            raise CertifyError(f"{what} contains a number with more than {MAX_DIGITS} characters")
        return float(digits)

    try:
        value = json.loads(text, object_pairs_hook=pairs, parse_constant=constant, parse_int=integer,
                           parse_float=real)
    except json.JSONDecodeError as e:
        raise Unreadable(f"{what} is not valid JSON: {e}") from None
    except RecursionError:  # json_shape bounds the depth, so this is a guard only
        raise CertifyError(f"{what} is nested too deeply") from None
    _strings_within_limit(value, what)
    return value


def _strings_within_limit(value, what: str) -> None:
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            if len(v) > MAX_STRING_CHARS:
                raise CertifyError(f"{what} holds a string longer than {MAX_STRING_CHARS} characters")
        elif isinstance(v, dict):
            stack.extend(v)
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)


_SHAPE = (("map", dict), ("claim", dict), ("evidence", list), ("verdict", str), ("precision", int))


def _top_level(cert: dict) -> dict:
    """The top-level fields every certificate has, with their JSON types (what the checker indexes
    first), so a wrong type is named here rather than found deep inside a fact check."""
    for key, kind in _SHAPE:
        if key in cert and (not isinstance(cert[key], kind) or isinstance(cert[key], bool)):
            raise CertifyError(f"'{key}' must be a JSON {_JSON_NAMES[kind]}")
    m = cert.get("map")
    if isinstance(m, dict) and "canonical" in m and not isinstance(m["canonical"], dict):
        raise CertifyError("'map.canonical' must be a JSON object")
    if isinstance(cert.get("evidence"), list) and not all(isinstance(f, dict) for f in cert["evidence"]):
        raise CertifyError("every entry of 'evidence' must be a JSON object (one fact)")
    return cert


_JSON_NAMES = {dict: "object", list: "array", str: "string", int: "integer"}


def loads(text: str) -> dict:
    """Parse certificate JSON (strict: see json_loads); floats are refused (exact rationals only)."""
    cert = json_loads(text, "certificate")
    if not isinstance(cert, dict) or cert.get("schema") != SCHEMA:
        raise Unreadable(f"not a certify certificate (expected a JSON object with schema {SCHEMA!r})")
    return _top_level(cert)


def read_json(path: str, what: str, floats: bool = False):
    """Read a JSON file strictly: at most MAX_FILE_BYTES bytes (refused beyond, without reading
    further), strict UTF-8, then json_loads."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise Unreadable(f"cannot read {path}: no such file") from None
    except OSError as e:
        raise Unreadable(f"cannot read {path}: {e.strerror or e}") from None
    if len(data) > MAX_FILE_BYTES:
        raise Unreadable(f"{path} is larger than {MAX_FILE_BYTES} bytes, the limit for a {what}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Unreadable(f"{path} is not UTF-8 text (byte {e.start})") from None
    try:
        return json_loads(text, what, floats)
    except Unreadable as e:
        raise Unreadable(f"{path}: {e}") from None


def read(path: str) -> dict:
    """Read and parse a certificate file (strictly; see read_json)."""
    cert = read_json(path, "certificate")
    if not isinstance(cert, dict) or cert.get("schema") != SCHEMA:
        raise Unreadable(f"{path} is not a certify certificate (expected a JSON object with schema {SCHEMA!r})")
    return _top_level(cert)


def write_atomic(path: str, data: str | bytes) -> None:
    """Write text (as UTF-8) or bytes to path atomically: a temporary file in the same folder, then
    rename; the file gets the permissions a plain open() would give it."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".certify-", dir=folder)
    except OSError as e:
        raise CertifyError(f"cannot write {path}: {e.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
