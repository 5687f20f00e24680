"""The trusted kernel: re-verify a certificate from the file alone.

Imports only the standard library, python-flint, sympy's parser, certify.errors and
certify.certificates (a test enforces this). It never imports a finder or certifier: it rebuilds
the map from its canonical description and re-checks every atomic fact at the recorded
precision, then checks that the facts imply the certificate's verdict.
"""

from __future__ import annotations

from dataclasses import dataclass

from certify.certificates import VERDICTS, interval_parse
from certify.checker import facts as F
from certify.checker.semantics import Program, workprec
from certify.errors import CertifyError

__all__ = ["CheckResult", "check"]

MAX_PREC = 1 << 16


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    verdict: str
    facts: int
    message: str


def check(cert: dict, program: Program | None = None) -> CheckResult:
    """Re-verify every fact of a certificate and that they imply its verdict.

    `program` may pass the kernel's own compilation of this very certificate's canonical map
    (the certifiers do, to avoid compiling twice); anything else is refused.
    """
    verdict = cert.get("verdict")
    try:
        if verdict not in VERDICTS:
            raise F.Failure(f"unknown verdict {verdict!r}")
        if program is not None and program.canonical is cert["map"]["canonical"]:
            prog = program
        elif isinstance(cert["map"]["canonical"], dict) and cert["map"]["canonical"].get("kind") == "plrnn":
            prog = None  # an n-dimensional PLRNN: verified by certify.checker.plrnn, not a 1D program
        elif cert["claim"].get("kind") == "phase":
            prog = None  # a two-parameter family: verified by certify.checker.phase
        else:
            prog = Program.from_canonical(cert["map"]["canonical"])
        prec = int(cert.get("precision", 64))
        if not 16 <= prec <= MAX_PREC:
            raise F.Failure(f"precision {prec} out of range")
        with workprec(prec):
            n = _check(prog, cert)
    except F.Failure as e:
        return CheckResult(False, str(verdict), 0, str(e))
    except CertifyError as e:
        return CheckResult(False, str(verdict), 0, f"malformed certificate: {e}")
    except (KeyError, TypeError, ValueError, IndexError) as e:
        return CheckResult(False, str(verdict), 0, f"malformed certificate: {type(e).__name__} {e}")
    if verdict == "undecided":
        return CheckResult(True, verdict, n, "undecided: nothing is claimed; " + cert.get("reason", ""))
    return CheckResult(True, verdict, n, f"all {n} facts hold and imply the verdict '{verdict}'")


def _check(prog: Program, cert: dict) -> int:
    claim = cert["claim"]
    if claim.get("kind") == "chaos_onset":
        from certify.checker.thresholds import check_chaos_onset
        return check_chaos_onset(prog, cert)
    kind, p = claim["kind"], int(claim["p"])
    if kind == "phase":
        from certify.checker.phase import check_phase
        return check_phase(cert)
    if (kind == "plrnn_cycles") != (prog is None):
        raise F.Failure("a plrnn_cycles claim needs a plrnn map, and a plrnn map that claim")
    if kind == "plrnn_cycles":
        from certify.checker.plrnn import check_plrnn
        return check_plrnn(cert)
    if kind == "onset":
        from certify.checker.thresholds import check_onset
        return check_onset(prog, cert)
    if kind == "gradients":
        if cert["verdict"] == "proved":
            prog = F.gradient_program(prog, claim)
            kinds = [fact.get("fact") for fact in cert.get("evidence", [])]
            if "gradient_values" not in kinds or not set(kinds) <= {"gradient_values", "param_gradient_values"}:
                raise F.Failure("a gradients certificate holds gradient_values (and param_gradient_values) facts")
            if ("param_gradient_values" in kinds or "param_gradient" in cert) and claim.get("param") is None:
                raise F.Failure("parameter gradients need the claim to name the parameter and its value")
            if "param_gradient" in cert and "param_gradient_values" not in kinds:
                raise F.Failure("a param_gradient entry needs a param_gradient_values fact")
            for fact in cert["evidence"]:
                if fact["fact"] == "gradient_values":
                    F.fact_gradient_values(prog, fact)
                else:
                    F.fact_param_gradient_values(prog, fact)
        return len(cert.get("evidence", []))
    if kind == "entropy":
        from certify.checker.entropy import check_entropy
        return check_entropy(prog, cert)
    if kind == "oscillations":
        from certify.checker.entropy import check_oscillations
        return check_oscillations(prog, cert)
    if kind == "scrambling":
        from certify.checker.scrambling import check_scrambling
        return check_scrambling(prog, cert)
    if kind == "robustness":
        from certify.checker.robust import check_robustness
        return check_robustness(prog, cert)
    if kind == "windows":
        from certify.checker.thresholds import check_windows
        return check_windows(prog, cert)
    if kind not in ("period", "orbits") or p < 1:
        raise F.Failure(f"unknown claim {claim!r}")
    if prog.has_param():
        raise F.Failure("a family with a free parameter is not a map: give the parameter a value")
    domain = interval_parse(claim["domain"]) if claim.get("domain") else None
    evidence = cert.get("evidence", [])
    region, cycle, cover, li_yorke = None, None, None, None
    for i, fact in enumerate(evidence):
        kind_f = fact.get("fact")
        try:
            if kind_f == "region":
                region = F.fact_region(prog, fact, domain, p)
            elif kind_f == "cycle_exact":
                cycle = F.fact_cycle_exact(prog, fact, p)
            elif kind_f == "cycle_krawczyk":
                cycle = F.fact_cycle_krawczyk(prog, fact, p)
            elif kind_f == "li_yorke":
                li_yorke = F.fact_li_yorke(prog, fact)
            elif kind_f == "constant_slope":
                slope = F.fact_constant_slope(prog, fact)
                typical = cert.get("typical") or {}
                if typical.get("status") == "proved" and typical.get("value") != f"log({fact['s']})":
                    raise F.Failure("the proved typical exponent must be log of the constant slope")
            elif kind_f == "monotone":
                if region is None or region == "empty" or interval_parse(fact["region"]) != region:
                    raise F.Failure("monotone needs the proved region before it")
                F.fact_monotone(prog, fact, region, p)
                cover = ("monotone", [], False)
            elif kind_f == "roots_count":
                if int(fact["p"]) != p or domain is not None:
                    raise F.Failure("roots_count must match the claim's period and has no domain")
                cover = ("count", F.fact_roots_count(prog, fact, p), False)
            elif kind_f in ("cover_pl", "cover_ball"):
                if region is None or region == "empty":
                    raise F.Failure("a cover needs a non-empty region fact before it")
                covered = interval_parse(fact["region"])
                if int(fact["p"]) != p:
                    raise F.Failure("cover period differs from the claim")
                if kind_f == "cover_pl":
                    if covered != region:
                        raise F.Failure("cover region differs from the proved region")
                    orbits, continuum = F.fact_cover_pl(prog, fact, region, p)
                    cover = ("pl", [[(x, x) for x in o] for o in orbits], continuum)
                else:
                    # a ball cover may tile a wider interval, so no solution sits on its boundary
                    if not (covered[0] <= region[0] and region[1] <= covered[1]):
                        raise F.Failure("cover region does not contain the proved region")
                    roots = F.fact_cover_ball(prog, fact, covered, p)
                    cover = ("ball", roots, False)
            else:
                raise F.Failure(f"unknown fact kind {kind_f!r}")
        except F.Failure as e:
            raise F.Failure(f"fact {i} ({kind_f}): {e}") from None
    verdict = cert["verdict"]
    typical = cert.get("typical") or {}
    if typical.get("status") == "proved" and not any(f.get("fact") == "constant_slope" for f in evidence):
        raise F.Failure("a typical exponent marked proved needs a constant_slope fact")
    if verdict == "undecided":
        return len(evidence)
    if kind == "period":
        _implies_period(prog, cert, verdict, p, domain, region, cycle, cover, li_yorke)
    else:
        _implies_orbits(prog, cert, p, region, cover)
    return len(evidence)


def _boxes(cert_intervals):
    return [interval_parse(b) for b in cert_intervals]


def _implies_period(prog, cert, verdict, p, domain, region, cycle, cover, li_yorke):
    if verdict == "proved":
        if cycle is None:
            raise F.Failure("verdict proved needs a cycle fact")
        orbit = _boxes(cert["orbit"])
        if orbit != cycle:
            raise F.Failure("the certificate's orbit differs from the proved cycle")
        if min(orbit) != orbit[0]:
            raise F.Failure("the orbit must start at its leftmost point")
        if domain is not None and not all(domain[0] <= lo and hi <= domain[1] for lo, hi in orbit):
            raise F.Failure("the proved orbit is not inside the claimed domain")
        if p == 3 and li_yorke is None:
            raise F.Failure("a period-3 proof must carry its Li-Yorke witness")
        return
    # refuted
    if region == "empty":
        return  # no periodic points at all
    if cover is None:
        raise F.Failure("verdict refuted needs a region and a complete cover")
    kind, found, continuum = cover
    if kind == "ball":
        found = [b for b in found if F.root_in_region(prog, b, p, region) is not False]
    if found or continuum:
        raise F.Failure(f"the cover finds points of minimal period {p}, contradicting 'refuted'")


def _implies_orbits(prog, cert, p, region, cover):
    if cert["verdict"] != "proved":
        raise F.Failure("an orbit list is either proved complete or undecided")
    if cert.get("complete") is not True:
        raise F.Failure("a proved orbit list must say complete: true")
    claimed = cert["orbits"]
    if region == "empty":
        if claimed or int(cert["count"]) != 0:
            raise F.Failure("no periodic points exist but orbits are listed")
        return
    if cover is None:
        raise F.Failure("an orbit list needs a region and a complete cover")
    kind, found, continuum = cover
    if continuum:
        if cert.get("count") != "continuum":
            raise F.Failure("the cover finds a continuum of periodic points; count must say so")
        return
    if int(cert["count"]) != len(claimed):
        raise F.Failure("count differs from the number of listed orbits")
    if kind == "monotone":
        if claimed or int(cert["count"]) != 0:
            raise F.Failure("a monotone map has no orbit of this period, but orbits are listed")
        return
    if kind in ("pl", "count"):
        got = sorted(tuple(_boxes(o)) for o in claimed)
        want = sorted(tuple(o) for o in found)
        if got != want:
            raise F.Failure(f"listed orbits differ from the {len(want)} orbits the cover proves")
    else:
        F.orbits_from_roots(prog, found, claimed, p, region)
    if "exponents" in cert:
        F.verify_exponents(prog, [_boxes(o) for o in claimed], cert["exponents"])
