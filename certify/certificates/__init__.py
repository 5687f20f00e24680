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
from fractions import Fraction

from flint import fmpq

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
    "decimals",
]

SCHEMA = "certify/1"
VERDICTS = ("proved", "refuted", "undecided")

_RATIONAL = re.compile(r"^-?\d+(/\d+)?$")


def q_str(q) -> str:
    """Exact rational -> canonical string "p/q" (or "p" when q = 1)."""
    q = fmpq(q) if not isinstance(q, fmpq) else q
    return str(q.p) if q.q == 1 else f"{q.p}/{q.q}"


def q_parse(s) -> fmpq:
    """Canonical rational string (or int) -> fmpq; rejects floats and anything inexact."""
    if isinstance(s, bool) or not isinstance(s, (str, int)):
        raise CertifyError(f"certificate number {s!r} is not an exact rational string")
    if isinstance(s, int):
        return fmpq(s)
    if not _RATIONAL.match(s) or s.endswith("/0"):
        raise CertifyError(f"certificate number {s!r} is not of the form 'p' or 'p/q' (q > 0)")
    f = Fraction(s)
    return fmpq(f.numerator, f.denominator)


def interval(lo, hi) -> dict:
    """Exact interval [lo, hi] -> {"lo": "p/q", "hi": "p/q"}."""
    return {"lo": q_str(lo), "hi": q_str(hi)}


def interval_parse(d) -> tuple[fmpq, fmpq]:
    """{"lo", "hi"} -> (lo, hi) as fmpq, requiring lo <= hi."""
    if not isinstance(d, dict) or set(d) != {"lo", "hi"}:
        raise CertifyError(f"malformed interval {d!r}")
    lo, hi = q_parse(d["lo"]), q_parse(d["hi"])
    if lo > hi:
        raise CertifyError(f"interval with lo > hi: {d!r}")
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


def loads(text: str) -> dict:
    """Parse certificate JSON; floats are refused (a certificate holds exact rationals only)."""

    def no_float(s):
        raise CertifyError(f"certificate contains the float {s}; only exact rationals are allowed")

    try:
        cert = json.loads(text, parse_float=no_float)
    except json.JSONDecodeError as e:
        raise CertifyError(f"certificate is not valid JSON: {e}") from None
    if not isinstance(cert, dict) or cert.get("schema") != SCHEMA:
        raise CertifyError(f"not a certify certificate (expected schema {SCHEMA!r})")
    return cert


def read(path: str) -> dict:
    """Read and parse a certificate file."""
    try:
        with open(path, encoding="utf-8") as fh:
            return loads(fh.read())
    except OSError as e:
        raise CertifyError(f"cannot read {path}: {e.strerror}") from None


def write_atomic(path: str, text: str) -> None:
    """Write text to path atomically: a temporary file in the same folder, then rename."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".certify-", dir=folder)
    except OSError as e:
        raise CertifyError(f"cannot write {path}: {e.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
