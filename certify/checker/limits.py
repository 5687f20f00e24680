"""The kernel's caps on evidence counts, and the one way to read such a count from a certificate.

Part of the trusted kernel. A certificate's integers (rounds, periods, horizons, pieces, digits,
lap steps, ...) drive loops and exponentials in the fact checks; each is read with `bounded`
before any work, so a hostile file cannot ask for 10^9 rounds or 10^(10^9). The values live with
every other input limit in certify/certificates/limits.py (docs/certificates.md, "Limits").

`bounded` raises certify.errors.CertifyError, which check() reports as a malformed certificate.
"""

from __future__ import annotations

import re

from certify.certificates.limits import (MAX_DIGITS, MAX_DYNATOMIC_DEGREE, MAX_HORIZON, MAX_ITINERARIES,
                                         MAX_KRAWCZYK_PERIOD, MAX_PERIOD, MAX_PIECES, MAX_PLRNN_DIM, MAX_ROUNDS,
                                         MAX_STEPS)
from certify.errors import CertifyError

__all__ = ["bounded", "integer", "MAX_PERIOD", "MAX_KRAWCZYK_PERIOD", "MAX_ROUNDS", "MAX_STEPS", "MAX_HORIZON",
           "MAX_PIECES", "MAX_DYNATOMIC_DEGREE", "MAX_ITINERARIES", "MAX_PLRNN_DIM", "MAX_DIGITS"]

_INTEGER = re.compile(r"-?[0-9]{1,%d}" % MAX_DIGITS)  # ASCII digits: int() would take '٣', ' 3' and '1_000'


def integer(value, what: str) -> int:
    """A certificate integer: a JSON integer (not a boolean) or its ASCII decimal string, at most
    MAX_DIGITS digits."""
    if isinstance(value, bool):
        raise CertifyError(f"{what} must be an integer, not a boolean")
    if isinstance(value, int):
        if value.bit_length() > 4 * MAX_DIGITS:
            raise CertifyError(f"{what} has more than {MAX_DIGITS} digits")
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value):
        return int(value)
    shown = repr(value) if isinstance(value, (str, int, float)) else type(value).__name__
    raise CertifyError(f"{what} must be an integer, got {shown[:40]}")


def bounded(value, cap: int, what: str, lo: int = 0) -> int:
    """integer(value) checked to lie in [lo, cap] before any work depends on it."""
    v = integer(value, what)
    if not lo <= v <= cap:
        raise CertifyError(f"{what} = {str(v)[:24]} is outside {lo}..{cap}, the checker's limit")
    return v
