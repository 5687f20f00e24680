"""Period and orbit-list claims: verify their facts and derive what they prove (trusted kernel).

`period`: f has (proved) or has no (refuted) point of minimal period P on R or on an invariant
domain D. `orbits`: the listed orbits are all the orbits of minimal period P (or there is a
continuum of such points). Theorems used, with the hypotheses the kernel checks first:
continuity of f on R or on D (certify.checker.continuity), f(D) in D for a domain (`region` fact,
method `invariant_domain`); a region lemma or bound holding every relevant periodic point
(facts.fact_region); a cover of that region proving every solution of f^P(x) = x (facts.fact_cover_*,
fact_roots_count, fact_monotone); Krawczyk or exact arithmetic for cycles; Li-Yorke for period 3;
Sharkovsky's theorem for a period forced by a proved one (`forcing` fact).
"""

from __future__ import annotations

from certify.certificates import interval_parse, q_str
from certify.checker import facts as F
from certify.checker.consequences import NO_NONFIXED_POINTS, NO_PERIODIC_POINTS, consequences, forces
from certify.checker.limits import MAX_PERIOD
from certify.checker.statement import Statement, iv, num



def claim_period(claim: dict) -> int:
    """The claim's period P, an integer in 1..MAX_PERIOD."""
    p = claim.get("p")
    if isinstance(p, bool) or not isinstance(p, int) or not 1 <= p <= MAX_PERIOD:
        raise F.Failure(f"the claim's period must be an integer in 1..{MAX_PERIOD}, got {p!r}")
    return p


def claim_domain(claim: dict):
    """The claim's domain (lo, hi), or None for the whole line."""
    return None if claim.get("domain") is None else interval_parse(claim["domain"])


def typical_proved(s, interval=None) -> dict:
    """The `typical` entry a `constant_slope` fact proves: every orbit (in I) avoiding the breaks
    of a PL map with |f'| = s has Lyapunov exponent log s."""
    where = "every piece" if interval is None else \
        f"every piece meeting the invariant interval I = [{q_str(interval[0])}, {q_str(interval[1])}]"
    return {"status": "proved", "value": f"log({q_str(s)})", "stderr": None,
            "method": f"|f'| = s on {where}: every orbit{' in I' if interval is not None else ''} avoiding "
                      "the breakpoints has exponent log s"}


class _Proof:
    """What the facts of a period or orbits certificate establish, fact by fact."""

    def __init__(self):
        self.region = None      # (lo, hi) holding every relevant periodic point, or "empty"
        self.nonfixed = False   # the region holds only points of minimal period >= 2
        self.cycle = None       # boxes of a proved cycle of minimal period P
        self.forced_by = None   # a proved period q that forces P (Sharkovsky)
        self.cover = None       # (kind, orbits found, continuum)
        self.li_yorke = None
        self.slope = None       # (s, interval or None) from a constant_slope fact


def _verify(prog, evidence: list, p: int, domain) -> _Proof:
    if prog.has_param():
        raise F.Failure("a family with a free parameter is not a map: give the parameter a value")
    if not isinstance(evidence, list):
        raise F.Failure("evidence must be a list of facts")
    pr = _Proof()
    for i, fact in enumerate(evidence):
        kind = fact.get("fact") if isinstance(fact, dict) else None
        try:
            if kind == "region":
                if pr.region is not None:
                    raise F.Failure("a second region fact")
                pr.region = F.fact_region(prog, fact, domain, p)
                pr.nonfixed = bool(fact.get("nonfixed", False))
            elif kind == "cycle_exact":
                pr.cycle = F.fact_cycle_exact(prog, fact, p)
            elif kind == "cycle_krawczyk":
                pr.cycle = F.fact_cycle_krawczyk(prog, fact, p)
            elif kind == "cycle_algebraic":  # exact, in a number field (certify.checker.algebraic)
                from certify.checker.algebraic import fact_cycle_algebraic
                pr.cycle, ly = fact_cycle_algebraic(prog, fact, p)
                pr.li_yorke = pr.li_yorke or ly
            elif kind == "forcing":
                q = claim_period({"p": fact.get("p")})
                if q == p or not forces(q, p):
                    raise F.Failure(f"period {q} does not force period {p} in Sharkovsky's order")
                cyc = fact.get("cycle") or {}
                boxes = (F.fact_cycle_exact(prog, cyc, q) if cyc.get("fact") == "cycle_exact" else
                         F.fact_cycle_krawczyk(prog, cyc, q) if cyc.get("fact") == "cycle_krawczyk" else None)
                if cyc.get("fact") == "cycle_algebraic":
                    from certify.checker.algebraic import fact_cycle_algebraic
                    boxes = fact_cycle_algebraic(prog, cyc, q)[0]
                if boxes is None:
                    raise F.Failure("a forcing fact embeds a cycle_exact, cycle_krawczyk or cycle_algebraic fact")
                if domain is not None and not all(domain[0] <= lo and hi <= domain[1] for lo, hi in boxes):
                    raise F.Failure("the forcing cycle is not inside the claimed domain")
                pr.forced_by = q
            elif kind == "li_yorke":
                pr.li_yorke = F.fact_li_yorke(prog, fact)
            elif kind == "constant_slope":
                pr.slope = F.fact_constant_slope(prog, fact), (
                    interval_parse(fact["interval"]) if fact.get("interval") is not None else None)
            elif kind == "monotone":
                if pr.region in (None, "empty") or interval_parse(fact["region"]) != pr.region:
                    raise F.Failure("monotone needs the proved region before it")
                F.fact_monotone(prog, fact, pr.region, p)
                pr.cover = ("monotone", [], False)
            elif kind == "roots_count":
                if fact.get("p") != p or domain is not None:
                    raise F.Failure("roots_count must match the claim's period and has no domain")
                pr.cover = ("count", F.fact_roots_count(prog, fact, p), False)
            elif kind == "cover_pl" and fact.get("region") is None:  # the whole line, no region needed
                if pr.region is not None or domain is not None or fact.get("p") != p:
                    raise F.Failure("a whole-line cover is the only region evidence, on R, for the claim's period")
                found, continuum = F.fact_cover_pl(prog, fact, None, p)
                pr.cover = ("pl", [[(x, x) for x in o] for o in found], continuum)
            elif kind in ("cover_pl", "cover_ball"):
                if pr.region in (None, "empty"):
                    raise F.Failure("a cover needs a non-empty region fact before it")
                if fact.get("p") != p:
                    raise F.Failure("cover period differs from the claim")
                covered = interval_parse(fact["region"])
                if kind == "cover_pl":
                    if covered != pr.region:
                        raise F.Failure("cover region differs from the proved region")
                    found, continuum = F.fact_cover_pl(prog, fact, pr.region, p)
                    pr.cover = ("pl", [[(x, x) for x in o] for o in found], continuum)
                else:
                    # a ball cover may tile a wider interval, so no solution sits on its boundary
                    if not (covered[0] <= pr.region[0] and pr.region[1] <= covered[1]):
                        raise F.Failure("cover region does not contain the proved region")
                    pr.cover = ("ball", F.fact_cover_ball(prog, fact, covered, p), False)
            else:
                raise F.Failure(f"unknown fact kind {kind!r}")
        except F.Failure as e:
            raise F.Failure(f"fact {i} ({kind}): {e}") from None
    return pr


def _orbit_text(boxes) -> str:
    shown = ", ".join(f"x{i} {iv(b)}" for i, b in enumerate(boxes[:8]))
    return shown + (f", ... ({len(boxes)} points)" if len(boxes) > 8 else "")


def _consequences_of(cert: dict, want: list) -> list:
    """The certificate's consequences must be exactly the derived ones (none: the field is absent)."""
    got = cert.get("consequences")
    if (got if got is not None else []) != want or (got is not None and not want):
        raise F.Failure("the stated consequences are not the ones the verdict implies")
    return want


def _no_facts(cert: dict) -> None:
    if cert["evidence"]:
        raise F.Failure("an undecided certificate claims nothing and carries no facts")


def _domain_checked(pr: _Proof, domain) -> None:
    """A claim on a domain D needs f(D) in D proved (the invariant_domain region fact): the theorems
    behind a refutation and behind the consequences are about f on D."""
    if domain is not None and pr.region != domain:
        raise F.Failure("a claim on a domain needs the fact f(D) in D (region method invariant_domain)")


def _absent(cert: dict, *names) -> None:
    for name in names:
        if name in cert:
            raise F.Failure(f"field {name!r} does not belong to a {cert['verdict']} {cert['claim']['kind']} "
                            "certificate")


def period(prog, cert: dict) -> Statement:
    """Whether f has a point of minimal period P (on R, or on the claim's invariant domain)."""
    claim = cert["claim"]
    p, domain = claim_period(claim), claim_domain(claim)
    pr = _verify(prog, cert.get("evidence"), p, domain)
    n, verdict = len(cert["evidence"]), cert["verdict"]
    on = "on R" if domain is None else f"on [{num(domain[0])}, {num(domain[1])}]"
    if verdict == "undecided":
        _absent(cert, "orbit", "consequences")
        _no_facts(cert)
        return Statement(f"undecided: nothing is claimed about period {p} {on}", n)
    _domain_checked(pr, domain)
    if verdict == "proved":
        if pr.cycle is not None:
            orbit = [interval_parse(b) for b in cert.get("orbit", [])]
            if orbit != pr.cycle:
                raise F.Failure("the certificate's orbit differs from the proved cycle")
            if min(orbit) != orbit[0]:
                raise F.Failure("the orbit must start at its leftmost point")
            if domain is not None and not all(domain[0] <= lo and hi <= domain[1] for lo, hi in orbit):
                raise F.Failure("the proved orbit is not inside the claimed domain")
            if p == 3 and pr.li_yorke is None:
                raise F.Failure("a period-3 proof must carry its Li-Yorke witness")
            how = _orbit_text(cert["orbit"])
        elif pr.forced_by is not None:
            _absent(cert, "orbit")
            how = f"by Sharkovsky's theorem, forced by a proved orbit of minimal period {pr.forced_by}"
        else:
            raise F.Failure("verdict proved needs a cycle or forcing fact")
        lines = [f"f has a point of minimal period {p} {on}: {how}"]
        lines += [f"hence {c}" for c in _consequences_of(cert, consequences(p))]
        return Statement("\n".join(lines), n)
    _absent(cert, "orbit")
    note = _refutation(prog, pr, p)
    _consequences_of(cert, [note] if note else [])
    return Statement(f"f has no point of minimal period {p} {on}" + (f": {note}" if note else ""), n)


def _refutation(prog, pr: _Proof, p: int) -> str:
    """Check that the verified facts refute period p; the consequence an empty region adds, or ""."""
    if pr.cycle is not None or pr.forced_by is not None:
        raise F.Failure("a refutation carries a proved cycle of the period it refutes")
    if pr.region == "empty":
        return NO_NONFIXED_POINTS if pr.nonfixed else NO_PERIODIC_POINTS
    if pr.cover is None or (pr.region is None and pr.cover[0] not in ("pl", "count")):
        raise F.Failure("verdict refuted needs a region and a complete cover")
    kind, found, continuum = pr.cover
    if kind == "ball":
        found = [b for b in found if F.root_in_region(prog, b, p, pr.region) is not False]
    if found or continuum:
        raise F.Failure(f"the cover finds points of minimal period {p}, contradicting 'refuted'")
    return ""


def refutes(prog, evidence: list, p: int) -> None:
    """The evidence (region and cover facts) proves that the map has no point of minimal period p
    on R; raises Failure otherwise. For refutations embedded in other certificates."""
    _refutation(prog, _verify(prog, evidence, p, None), p)


def _exponents_text(prog, cert: dict, orbits: list, p: int) -> list:
    exps = cert["exponents"]
    if not isinstance(exps, list) or any(not isinstance(e, dict) or set(e) != {"period", "exponent", "stable"}
                                         or e["period"] != p or not (e["stable"] is None or isinstance(e["stable"], bool))
                                         for e in exps):
        raise F.Failure("each exponent entry is {period: P, exponent, stable: true | false | null}")
    F.verify_exponents(prog, orbits, exps)
    kinds = {True: "attracting", False: "repelling", None: "stability not claimed"}
    return [f"orbit {i}: Lyapunov exponent {iv(e['exponent'])}, {kinds[e['stable']]}" for i, e in enumerate(exps)]


def _typical_text(cert: dict, pr: _Proof) -> list:
    t = cert.get("typical")
    if t is None:
        if pr.slope is not None:
            raise F.Failure("a constant_slope fact without the typical exponent it proves")
        return []
    if not isinstance(t, dict):
        raise F.Failure("typical must be an object")
    if t.get("status") == "proved":
        if pr.slope is None or t != typical_proved(*pr.slope):
            raise F.Failure("a typical exponent marked proved must be the one a constant_slope fact proves")
        return [f"typical orbits (avoiding the breakpoints{' , in I' if pr.slope[1] else ''}): Lyapunov exponent "
                f"exactly {t['value']}"]
    if t.get("status") != "estimate" or pr.slope is not None:
        raise F.Failure("typical is either proved by a constant_slope fact or labelled an estimate")
    return []  # an estimate: informational, listed by check() as not verified


def orbits(prog, cert: dict) -> Statement:
    """The complete list of orbits of minimal period P (on R, or on the claim's invariant domain)."""
    claim = cert["claim"]
    p, domain = claim_period(claim), claim_domain(claim)
    pr = _verify(prog, cert.get("evidence"), p, domain)
    n, on = len(cert["evidence"]), "on R" if domain is None else f"on [{num(domain[0])}, {num(domain[1])}]"
    if pr.cycle is not None or pr.forced_by is not None or pr.li_yorke is not None:
        raise F.Failure("an orbit list is proved by a region and a cover, not by cycle facts")
    if cert["verdict"] == "undecided":
        _absent(cert, "orbits", "count", "exponents")
        _no_facts(cert)
        if cert.get("typical") is not None and cert["typical"].get("status") != "estimate":
            raise F.Failure("an undecided orbit list carries only an estimated typical exponent")
        if cert.get("complete", False) is not False:
            raise F.Failure("an undecided orbit list is not complete")
        return Statement(f"undecided: nothing is claimed about the orbits of minimal period {p} {on}", n)
    if cert["verdict"] != "proved":
        raise F.Failure("an orbit list is either proved complete or undecided")
    _domain_checked(pr, domain)
    if cert.get("complete") is not True:
        raise F.Failure("a proved orbit list must say complete: true")
    claimed = cert.get("orbits")
    if not isinstance(claimed, list):
        raise F.Failure("orbits must be a list")
    boxes = [[interval_parse(b) for b in o] for o in claimed]
    if boxes != sorted(boxes) or any(len(o) != p or min(o) != o[0] for o in boxes):
        raise F.Failure("orbits are listed in increasing order, each of P points starting at its leftmost")
    count = cert.get("count")
    if pr.region == "empty":
        if claimed or count != 0:
            raise F.Failure("no periodic points exist but orbits are listed")
        text = f"f has exactly 0 orbits of minimal period {p} {on} (list complete): " + (
            NO_NONFIXED_POINTS if pr.nonfixed else NO_PERIODIC_POINTS)
    else:
        if pr.cover is None or (pr.region is None and pr.cover[0] not in ("pl", "count")):
            raise F.Failure("an orbit list needs a region and a complete cover")
        kind, found, continuum = pr.cover
        if continuum:
            if count != "continuum" or claimed:
                raise F.Failure("the cover finds a continuum of periodic points; count must say so, listing none")
            _absent(cert, "exponents")
            return Statement(f"f has a continuum of points of minimal period {p} {on}", n)
        if isinstance(count, bool) or count != len(claimed):
            raise F.Failure("count differs from the number of listed orbits")
        if kind == "monotone":
            if claimed:
                raise F.Failure("a monotone map has no orbit of this period, but orbits are listed")
        elif kind in ("pl", "count"):
            if sorted(tuple(o) for o in boxes) != sorted(tuple(o) for o in found):
                raise F.Failure(f"listed orbits differ from the {len(found)} orbits the cover proves")
        else:
            F.orbits_from_roots(prog, found, claimed, p, pr.region)
        text = f"f has exactly {count} orbit(s) of minimal period {p} {on} (list complete)"
        shown = [_orbit_text(o) for o in claimed[:5]]
        text += "".join(f"\n  {{{s}}}" for s in shown) + (f"\n  ... {count - 5} more" if count > 5 else "")
    lines = [text]
    if "exponents" in cert:
        lines += _exponents_text(prog, cert, boxes, p)
    lines += _typical_text(cert, pr)
    return Statement("\n".join(lines), n)
