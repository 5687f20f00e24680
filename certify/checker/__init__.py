"""The trusted kernel: re-verify a certificate from the file alone and say what it proves.

Imports only the standard library, python-flint, sympy (parser, exact root counts), certify.errors
and certify.certificates (a test enforces this). It never imports a finder or certifier: it
rebuilds the map from its canonical description, checks that the map is continuous where the
claim needs it, re-checks every atomic fact at the recorded precision, and derives from the facts
the statement they prove. Each claim kind has one function doing that (`KINDS`); every top-level
field of a certificate is either bound by that function (re-derived or re-verified from the facts)
or listed as informational (never verified, never printed as verified); any other field is
refused.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from flint.utils.flint_exceptions import FlintError

from certify.certificates import SCHEMA, VERDICTS, interval_parse, q_parse
from certify.checker import facts as F
from certify.checker import orbits as O
from certify.checker import (entropy, gradients, hsets, phase, plrnn, rnn, rnn_contraction, rnn_gradients, robust,
                             scrambling)
from certify.checker import nd_orbits, rnn_orbits
from certify.checker import thresholds as T
from certify.checker.continuity import discontinuity
from certify.checker.semantics import Program, workprec
from certify.checker.statement import ENVELOPE, INFORMATIONAL, MAP_KEYS, Kind, one_line
from certify.errors import CertifyError

__all__ = ["CheckResult", "check", "KINDS", "map_class"]

MAX_PREC = 1 << 16


@dataclass(frozen=True)
class CheckResult:
    """The outcome of a check: `statement` says in words what a passing certificate proves;
    `informational` names the top-level fields present that the kernel did not verify."""

    ok: bool
    verdict: str
    facts: int
    message: str
    statement: str = ""
    informational: tuple = ()


def _k(*names):
    return frozenset(names)


KINDS: dict[str, Kind] = {
    "period": Kind(O.period, _k("p", "domain"), _k("orbit", "consequences")),
    "orbits": Kind(O.orbits, _k("p", "domain"), _k("orbits", "count", "complete", "exponents", "typical")),
    "onset": Kind(T.onset, _k("p", "param", "range"), _k("onset", "exact", "minpoly"), _k("note", "method", "unclaimed")),
    "windows": Kind(T.windows, _k("p", "param", "range"), _k("windows")),
    "chaos_onset": Kind(T.chaos_onset, _k("param", "range"), _k("upper", "period", "lower"), _k("estimate")),
    "phase": Kind(phase.phase, _k("p", "params", "range", "grid", "depth"), _k("areas", "boundary_near"),
                  _k("note"), compiled=False),
    "plrnn_cycles": Kind(plrnn.plrnn_cycles, _k("p"), _k("periods"), _k("spectrum"), compiled=False),
    "gradients": Kind(gradients.gradients, _k("p", "x0", "horizon", "param", "value"), _k(),
                      _k("growth_method", "growth_rate", "lambda", "regime", "stderr", "param_gradient")),
    "entropy": Kind(entropy.entropy, _k("p", "interval", "pieces"), _k("bounds"), _k("note")),
    "oscillations": Kind(entropy.oscillations, _k("p", "interval", "upto"), _k("odd_period"), _k("growth", "note")),
    "scrambling": Kind(scrambling.scrambling, _k("p", "x", "y", "eps", "delta", "horizon"), _k("statement")),
    "robustness": Kind(robust.robustness, _k("p", "norm"), _k("radius"), _k("experiment")),
    "rnn_cycle": Kind(rnn.rnn_cycle, _k("p"), _k(), _k("spectrum"), compiled=False),
    "rnn_contraction": Kind(rnn_contraction.rnn_contraction, _k("p"), compiled=False),
    "rnn_gradients": Kind(rnn_gradients.rnn_gradients, _k("p", "z0", "horizon"), _k(),
                          _k("growth_method", "growth_rate", "lambda_max", "regime", "stderr"), compiled=False),
    "horseshoe": Kind(hsets.horseshoe, _k("iterate"), _k("entropy"), compiled=False),
    "polymap_orbits": Kind(nd_orbits.polymap_orbits, _k("p", "region", "grid"), _k("orbits", "count"), compiled=False),
    "rnn_cycles": Kind(rnn_orbits.rnn_cycles, _k("p", "region", "basis", "rounds", "order", "question"), _k("orbits", "count", "complete"),
                       compiled=False),
    "polymap_cycles": Kind(nd_orbits.polymap_cycles, _k("p", "region", "basis", "trap", "question"), _k("orbits", "count"),
                           compiled=False),
}
_CANONICAL_KEYS = {"expr": _k("kind", "expr", "param", "params"),
                   "rnn1d": _k("kind", "activation", "w", "b", "a", "c", "output_activation", "slope"),
                   "plrnn": _k("kind", "A", "W", "h"),
                   "rnn": _k("kind", "activation", "W", "b"),
                   "polymap": _k("kind", "vars", "f")}
# claim keys a kind may omit
_OPTIONAL_CLAIM = {"gradients": _k("param", "value"), "entropy": _k("pieces"), "polymap_cycles": _k("question"),
                   "rnn_cycles": _k("question")}


def map_class(prog: Program | None, cert: dict) -> str:
    """The class of the certificate's map, derived from its canonical form (and the claim)."""
    canon, claim = cert["map"]["canonical"], cert["claim"]
    if canon.get("kind") == "plrnn":
        return "piecewise-linear"
    if canon.get("kind") == "polymap":
        return "polynomial"
    if canon.get("kind") == "rnn":
        return "smooth" if canon.get("activation") in ("tanh", "sigmoid") else "piecewise-linear"
    if claim["kind"] == "phase":
        return "two-parameter piecewise-linear family"
    if prog is None:
        raise F.Failure(f"a {claim['kind']} claim is about a PLRNN map (canonical kind 'plrnn')")
    if prog.has_param() and isinstance(claim.get("range"), dict):
        from certify.checker.plfamily import pl_family
        if prog.is_polynomial():
            return "polynomial family"
        return "piecewise-linear family" if pl_family(prog, *interval_parse(claim["range"])) is not None \
            else "other family"
    if prog.has_param() and claim.get("value") is not None:
        prog = Program.from_canonical(canon, q_parse(claim["value"]))
    if prog.pl() is not None:
        return "piecewise-linear"
    from certify.checker.algebraic import is_algebraic_polynomial
    return "polynomial" if prog.is_polynomial() or is_algebraic_polynomial(prog) else "smooth"


def _envelope(cert) -> Kind:
    """Check the certificate's shape against its claim kind; return the kind."""
    if not isinstance(cert, dict) or cert.get("schema") != SCHEMA:
        raise F.Failure(f"not a certify certificate (expected schema {SCHEMA!r})")
    claim, m = cert.get("claim"), cert.get("map")
    if not isinstance(claim, dict) or not isinstance(m, dict) or "canonical" not in m:
        raise F.Failure("a certificate has a claim object and a map object with a canonical form")
    kind = KINDS.get(claim.get("kind"))
    if kind is None:
        raise F.Failure(f"unknown claim kind {claim.get('kind')!r}")
    keys = set(claim) - {"kind"}
    if not kind.claim - _OPTIONAL_CLAIM.get(claim["kind"], frozenset()) <= keys <= kind.claim:
        raise F.Failure(f"a {claim['kind']} claim has the keys {sorted(kind.claim)}, got {sorted(keys)}")
    extra = set(cert) - ENVELOPE - kind.fields - kind.info
    if extra:
        raise F.Failure(f"field(s) {sorted(extra)} do not belong to a {claim['kind']} certificate")
    if set(m) - MAP_KEYS:
        raise F.Failure(f"map field(s) {sorted(set(m) - MAP_KEYS)} are not part of a certificate")
    if not isinstance(m.get("given", ""), str):
        raise F.Failure("map.given must be a string")
    if "class" not in m:
        raise F.Failure("map.class is missing")
    canon = m["canonical"]
    if not isinstance(canon, dict) or set(canon) - _CANONICAL_KEYS.get(canon.get("kind"), frozenset()):
        raise F.Failure(f"the canonical map has keys outside those of its kind: {sorted(canon) if isinstance(canon, dict) else canon!r}")
    if "dimension" in m and canon.get("kind") != "plrnn":
        raise F.Failure("map.dimension belongs to PLRNN maps (where the kernel binds it to n)")
    if cert.get("verdict") not in VERDICTS:
        raise F.Failure(f"unknown verdict {cert.get('verdict')!r}")
    if cert["verdict"] == "undecided" and not isinstance(cert.get("reason", ""), str):
        raise F.Failure("reason must be a string")
    return kind


def _continuity(prog: Program, cert: dict) -> None:
    """The map is continuous where the claim needs it: on R, or on the claim's domain or interval,
    for every parameter of the claim's range (or at the claim's parameter value)."""
    claim = cert["claim"]
    if prog.has_param():
        if isinstance(claim.get("range"), dict):
            prog = prog.at_ball(*interval_parse(claim["range"]))
        elif claim.get("value") is not None:
            v = q_parse(claim["value"])
            prog = prog.at_ball(v, v)
        else:
            return  # the claim kind refuses a family without a parameter value
    dom = claim.get("domain") or claim.get("interval")
    why = discontinuity(prog, interval_parse(dom) if dom else None)
    if why is not None:
        raise F.Failure(why)


def _sympy_errors() -> tuple:
    """sympy's polynomial errors, once sympy is imported (before, none can have been raised):
    sympy is imported only by the kernel modules that parse formulas or compare polynomials."""
    error = getattr(sys.modules.get("sympy.polys.polyerrors"), "BasePolynomialError", None)
    return (error,) if error is not None else ()


def check(cert: dict, program: Program | None = None) -> CheckResult:
    """Re-verify every fact of a certificate, bind its fields to them, and derive its statement.

    `program` may pass the kernel's own compilation of this very certificate's canonical map
    (the certifiers do, to avoid compiling twice); anything else is refused.
    """
    verdict = cert.get("verdict") if isinstance(cert, dict) else None
    try:
        kind = _envelope(cert)
        prec = cert.get("precision", 64)
        if isinstance(prec, bool) or not isinstance(prec, int) or not 16 <= prec <= MAX_PREC:
            raise F.Failure(f"precision {prec!r} out of range")
        prog = None
        if kind.compiled:
            canon = cert["map"]["canonical"]
            prog = program if program is not None and program.canonical is canon else \
                Program.from_canonical(canon)
        with workprec(prec):
            if prog is not None:
                _continuity(prog, cert)
            if cert["map"]["class"] != map_class(prog, cert):
                raise F.Failure(f"map.class {cert['map']['class']!r} is not the class of the canonical map")
            st = kind.derive(prog, cert)
    except F.Failure as e:
        return CheckResult(False, one_line(verdict), 0, one_line(e))
    except CertifyError as e:
        return CheckResult(False, one_line(verdict), 0, one_line(f"malformed certificate: {e}"))
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, ArithmeticError, RuntimeError,
            RecursionError, MemoryError, FlintError, *_sympy_errors()) as e:
        return CheckResult(False, one_line(verdict), 0, one_line(f"malformed certificate: {type(e).__name__} {e}"))
    estimates = [f"{k} (estimate)" for k in sorted(set(cert) - kind.info - INFORMATIONAL)
                 if isinstance(cert[k], dict) and cert[k].get("status") == "estimate"]  # e.g. a typical exponent
    info = tuple(sorted(set(cert) & (kind.info | INFORMATIONAL)) + estimates +
                 (["map.given"] if "given" in cert["map"] else []))
    if verdict == "undecided":
        return CheckResult(True, verdict, st.facts, one_line("undecided: nothing is claimed; " + cert.get("reason", "")),
                           st.text, info)
    return CheckResult(True, verdict, st.facts, f"all {st.facts} facts hold and imply the verdict '{verdict}'",
                       st.text, info)
