"""What certify's Python API returns: a verdict with its certificate, exact values, an independent
re-check, a figure, and notebook views.

A `Result` is immutable: it holds the certificate as its canonical JSON text (byte-identical to
what `certify ... --out` writes) and hands out fresh copies. Exact values are `fractions.Fraction`;
the `*_floats` views are for plotting only (midpoints of enclosures, not proofs).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any

__all__ = ["Result", "CheckResult", "Estimate"]

_VERDICTS = ("proved", "refuted", "undecided")


def _frac(s) -> Fraction:
    return Fraction(s)


def _pair(iv: dict) -> tuple[Fraction, Fraction]:
    return _frac(iv["lo"]), _frac(iv["hi"])


def _mid(iv: tuple[Fraction, Fraction]) -> float:
    return float((iv[0] + iv[1]) / 2)


@dataclass(frozen=True, eq=False)
class Result:
    """A verdict of one certify command (`command`: "period", "orbits", "threshold", ...) and its
    certificate. `map` is the Map (or family) it is about, for plots; it is not part of the proof.
    Two Results are equal when their commands and certificate bytes are."""

    command: str
    _cert: dict = field(repr=False)  # owned by this Result: never handed out (see `certificate`)
    map: Any = field(default=None, repr=False)

    @classmethod
    def of(cls, command: str, cert: dict, map=None) -> "Result":
        """A Result that takes ownership of `cert` (the caller must not keep or change it)."""
        return cls(command, cert, map)

    @cached_property
    def certificate_json(self) -> str:
        """The certificate's canonical JSON text: byte-identical to what `--out` writes."""
        from certify.certificates import dumps
        return dumps(self._cert)

    def __eq__(self, other) -> bool:
        return isinstance(other, Result) and (self.command, self.certificate_json) == \
            (other.command, other.certificate_json)

    def __hash__(self) -> int:
        return hash((self.command, self.certificate_json))

    def __repr__(self) -> str:
        return f"Result({self.command}: {self.verdict})"

    # -- the certificate and its verdict --------------------------------------------------------
    @property
    def certificate(self) -> dict:
        """The JSON-ready certificate (a fresh copy): exactly what `--out` writes."""
        return json.loads(self.certificate_json)

    def _get(self, key, default=None):
        """A top-level field of the certificate, read in place (callers must not change it)."""
        return self._cert.get(key, default)

    @property
    def verdict(self) -> str:
        """"proved", "refuted" or "undecided"."""
        return self._cert["verdict"]

    @property
    def proved(self) -> bool:
        return self.verdict == "proved"

    @property
    def refuted(self) -> bool:
        return self.verdict == "refuted"

    @property
    def undecided(self) -> bool:
        return self.verdict == "undecided"

    @property
    def reason(self) -> str | None:
        """Why an undecided verdict is undecided (the budget or limit that ran out), else None."""
        return self._get("reason")

    @property
    def claim(self) -> dict:
        return json.loads(json.dumps(self._cert["claim"]))

    @property
    def consequences(self) -> list[str]:
        """Theorems applied to the proved claim (Sharkovsky, Li-Yorke, entropy bounds), as text."""
        return list(self._get("consequences", []))

    # -- exact values -------------------------------------------------------------------------
    @property
    def orbit(self) -> list[tuple[Fraction, Fraction]] | None:
        """`period`: the certified orbit as enclosures [(lo, hi), ...] (lo == hi: an exact point);
        None when no orbit is part of the verdict (refuted, undecided, or proved by forcing)."""
        orbit = self._get("orbit")
        return None if orbit is None else [_pair(iv) for iv in orbit]

    @property
    def orbit_floats(self) -> list[float] | None:
        """Midpoints of `orbit`, for plotting (not a proof)."""
        orbit = self.orbit
        return None if orbit is None else [_mid(iv) for iv in orbit]

    @property
    def orbits(self) -> list[list[tuple[Fraction, Fraction]]] | None:
        """`orbits`, `lyapunov`: every certified orbit, each a list of enclosures."""
        orbits = self._get("orbits")
        return None if orbits is None else [[_pair(iv) for iv in o] for o in orbits]

    @property
    def orbits_floats(self) -> list[list[float]] | None:
        orbits = self.orbits
        return None if orbits is None else [[_mid(iv) for iv in o] for o in orbits]

    @property
    def enclosure(self) -> tuple[Fraction, Fraction] | None:
        """`threshold`: the onset's enclosure (lo, hi); `entropy`: the bounds (lo, hi) of h_top;
        `robustness`: the radius bounds (lo, hi); None when the certificate has none."""
        for key in ("onset", "bounds", "radius"):
            v = self._get(key)
            if isinstance(v, dict) and "lo" in v:
                return _pair(v)
        return None

    @property
    def undecided_part(self) -> tuple[tuple[Fraction, Fraction], str] | None:
        """`threshold`: ((start, end), reason) when the verdict covers only part of the range given,
        [end, B]: [start, end) is left undecided, for that reason; None when the whole range is decided."""
        u = self._get("unclaimed")
        if u is None:
            return None
        return (_frac(u["from"]), _frac(self._cert["claim"]["range"]["lo"])), u["reason"]

    @property
    def exact(self) -> str | None:
        """`threshold`: the onset in closed form (e.g. "1 + 2*sqrt(2)") when it was found, else None."""
        return self._get("exact")

    @property
    def exact_spec(self) -> str | None:
        """`threshold`: the onset as a constant a map spec accepts: the closed form, else
        "root(minimal polynomial in x, lo, hi)" with the certified isolating interval (e.g.
        certify.period(f"logistic(r={t.exact_spec})", 5) studies the map at the onset itself)."""
        if self._get("exact"):
            return self._get("exact")
        mp, onset, name = self._get("minpoly"), self._get("onset"), self._cert.get("claim", {}).get("param")
        if not mp or not isinstance(onset, dict) or not name:
            return None
        poly = re.sub(r"\b" + re.escape(name) + r"\b", "x", mp)
        return f"root({poly}, {onset['lo']}, {onset['hi']})"

    @property
    def windows(self) -> list[dict] | None:
        """`windows`: the parameter windows, each {"from": (lo, hi), "to": (lo, hi), ...} with exact ends."""
        wins = self._get("windows")
        if wins is None:
            return None
        return [{k: (_pair(v) if isinstance(v, dict) and "lo" in v else v) for k, v in w.items()} for w in wins]

    # -- re-checking, text, figures -----------------------------------------------------------
    def check(self, expect_map: str | None = None, expect_claim: str | None = None) -> "CheckResult":
        """Re-verify the certificate in certify's independent kernel (certify.checker), as
        `certify check` does; `expect_map`/`expect_claim` bind it to what you meant."""
        from certify.api import check
        return check(self.certificate, expect_map=expect_map, expect_claim=expect_claim)

    @property
    def text(self) -> str:
        """The verdict as `certify <command>` prints it."""
        from certify.reporting.text import render_result
        return render_result(self.command, self._cert)

    def __str__(self) -> str:
        return self.text

    def plot(self, **kwargs):
        """A matplotlib Figure of the result (a cobweb for period and orbits, lap counts,
        gradients, phase diagram, ...)."""
        from certify.reporting.figures import figure_of
        return figure_of(self, **kwargs)

    def save(self, path: str) -> str:
        """Write the certificate (.json), its Coq proof (.v, see certify.export) or the figure (.png,
        .pdf, .svg) to `path`; returns it."""
        from certify.certificates import write_atomic
        if str(path).lower().endswith(".json"):
            write_atomic(path, self.certificate_json)
        elif str(path).endswith(".v"):
            from certify.api import export
            export(self, coq=path)
        else:
            from certify.reporting.figures import save
            save(self.plot(), path)
        return path

    def _repr_markdown_(self) -> str:
        from certify.reporting.notebook import result_markdown
        return result_markdown(self)

    def _repr_html_(self) -> str:
        from certify.reporting.notebook import result_html
        return result_html(self)


class _TextViews:
    """str() and Jupyter's Markdown view of a result that has a `text` (what the CLI prints)."""

    def __str__(self) -> str:
        return self.text

    def _repr_markdown_(self) -> str:
        return "\n".join(f"    {line}" for line in self.text.splitlines())


@dataclass(frozen=True)
class CheckResult(_TextViews):
    """The independent kernel's verdict on a certificate. `ok` is True when every claim it
    displays was re-derived from its facts; `statement` is what the facts prove; `text` is what
    `certify check` prints."""

    ok: bool
    verdict: str | None
    statement: str
    facts: int
    message: str
    map: str
    claim: str
    informational: tuple
    text: str = field(repr=False)

    def __bool__(self) -> bool:
        return self.ok

    @classmethod
    def of(cls, verification, source: str = "(in memory)") -> "CheckResult":
        from certify.reporting.text import render_check
        r = verification.result
        return cls(r.ok, r.verdict, r.statement or "", r.facts, r.message, verification.map_line,
                   verification.claim_line, tuple(r.informational), render_check(source, verification))


@dataclass(frozen=True)
class Estimate(_TextViews):
    """A number that is not proved (a float orbit statistic, a fitted rate), with its error bar and
    method, labelled as an estimate; or a proved value when `status` says "proved"."""

    command: str
    data_json: str = field(repr=False)

    @property
    def data(self) -> dict:
        return json.loads(self.data_json)

    @property
    def text(self) -> str:
        from certify.reporting.text import render_estimate
        return render_estimate(self.command, self.data)
