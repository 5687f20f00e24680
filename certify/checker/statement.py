"""What a certificate claims, and the shape a certificate of each claim kind may have.

Part of the trusted kernel. A `Kind` names, for one claim kind, the function that verifies the
facts and derives the statement they prove, the keys its claim object has, the top-level fields
that function binds to the facts (each is re-derived or re-verified; a certificate whose field
differs is rejected), and the top-level fields that are informational (never verified, never
printed as verified: estimates, notes, versions). Any other top-level field is refused, so no
field can be displayed as certified without the kernel having looked at it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from flint import fmpq

from certify.certificates import interval_parse, q_str


class Failure(Exception):
    """An atomic fact does not hold (or could not be verified), or a field is not what the facts prove."""


@dataclass(frozen=True)
class Statement:
    """What the facts of a certificate prove, in words, and how many facts were verified."""

    text: str
    facts: int


@dataclass(frozen=True)
class Kind:
    """The shape of a certificate of one claim kind and the function deriving its statement.

    `derive(prog, cert)` verifies every fact and every bound field, and returns the Statement; it
    raises `Failure` otherwise. `prog` is the compiled 1D map or family (None for PLRNN and phase
    claims, which compile their own maps).
    """

    derive: Callable
    claim: frozenset                 # the claim's keys besides "kind", all required
    fields: frozenset = frozenset()  # top-level fields the derivation binds to the facts
    info: frozenset = frozenset()    # top-level fields that are informational (never verified)
    compiled: bool = True            # whether `derive` receives the compiled map


# Every certificate has these; `versions` and `reason` are informational.
ENVELOPE = frozenset({"schema", "map", "claim", "verdict", "precision", "evidence", "versions", "reason"})
INFORMATIONAL = frozenset({"versions", "reason"})
MAP_KEYS = frozenset({"given", "canonical", "class", "dimension"})


def one_line(text, limit: int = 400) -> str:
    """Text as one printable line: control characters (newlines, terminal escapes) replaced by
    spaces, at most `limit` characters (a certificate's own strings may be hostile)."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(text))
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _decimal(q: fmpq, up: bool, sig: int = 12) -> str:
    """q rounded down (or up) to about `sig` significant decimal digits, as a decimal string."""
    if q == 0:
        return "0"
    a = abs(q)
    mag = len(str(a.p)) - len(str(a.q))  # floor(log10 |q|) or one more; made exact below, so the
    if fmpq(10) ** mag > a if mag >= 0 else fmpq(1, 10 ** -mag) > a:  # shown digits do not depend
        mag -= 1  # on how q happens to be written (p and q sizes)
    k = sig - mag
    scaled = q * fmpq(10) ** k if k >= 0 else q / fmpq(10) ** (-k)
    n = int(-((-scaled).floor())) if up else int(scaled.floor())
    d = Decimal(n).scaleb(-k).normalize()
    return format(d, "f") if -6 <= mag <= 15 else format(d, "E")


def num(q: fmpq, up: bool = False) -> str:
    """An exact rational for reading: itself when short, else ~ and a 12-digit decimal rounded down
    (or up: for an upper bound, so that the displayed bound is still one)."""
    s = q_str(q)
    return s if len(s) <= 16 else "~" + _decimal(q, up=up)


def iv(d) -> str:
    """An interval {"lo", "hi"} for reading: "= q" when degenerate, else "in [a, b]" with decimal
    ends rounded outward, so the displayed interval contains the exact one."""
    lo, hi = interval_parse(d)
    if lo == hi:
        return "= " + num(lo)
    return f"in [{_decimal(lo, up=False)}, {_decimal(hi, up=True)}]"


def fixed(q: fmpq, places: int, up: bool) -> str:
    """q rounded down (or up) to a multiple of 10^-places, written with exactly that many decimals."""
    scaled = q * fmpq(10) ** places
    n = int(-((-scaled).floor())) if up else int(scaled.floor())
    sign, n = ("-" if n < 0 else ""), abs(n)
    return f"{sign}{n // 10 ** places}.{n % 10 ** places:0{places}d}"


def ball_text(b, places: int = 8) -> str:
    """A ball of the kernel's own computation for reading: "in [a, b]" with the ends rounded outward to
    `places` decimals (a fixed number, so the text does not depend on how the ends are written)."""
    return f"in [{fixed(b.lower().fmpq(), places, False)}, {fixed(b.upper().fmpq(), places, True)}]"


def whole(v, what: str, lo: int, hi: int) -> int:
    """v as an integer in lo..hi (a JSON integer, not a boolean), or a Failure naming `what`."""
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise Failure(f"{what} must be an integer in {lo}..{hi}, got {str(v)[:40]!r}")
    return v


def undecided(cert: dict, bound, about: str) -> Statement:
    """The statement of an undecided certificate: it claims nothing, so it carries no facts and none of
    the fields its kind binds."""
    if cert["evidence"] != [] or any(name in cert for name in bound):
        raise Failure("an undecided certificate claims nothing: no facts" +
                      (f" and none of {', '.join(sorted(bound))}" if bound else ""))
    return Statement(f"undecided: nothing is claimed about {about}", 0)


def facts_list(cert: dict) -> list:
    """The certificate's evidence: a list of fact objects, each with a string `fact`."""
    ev = cert["evidence"]
    if not isinstance(ev, list) or not all(isinstance(f, dict) and isinstance(f.get("fact"), str) for f in ev):
        raise Failure("evidence must be a list of facts, each an object with a 'fact' name")
    return ev


# A ball evaluation of a map costs about (precision + 2048) x (1 + precision/2048) units: a fixed
# interpreter overhead, and transcendental functions superlinear in the precision. One certificate's
# orbits may cost at most MAX_BALL_WORK units: about 20 s for a tanh network at any precision, far
# less for polynomials.
MAX_BALL_WORK = 1 << 30


def ball_work(steps: int, prec: int) -> int:
    """The cost of `steps` ball evaluations of a map at `prec` bits, in the units of MAX_BALL_WORK."""
    return steps * (prec + 2048) * (1 + prec // 2048)
