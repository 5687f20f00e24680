"""Verdicts on periodic orbits: `certify_period` (is there a point of minimal period p?) and
`certify_orbits` (every orbit of minimal period p, proven complete).

Both return a certificate dict (see docs/certificates.md). A proved or refuted certificate has
passed the kernel's checker before it is returned; if the checker disagrees (a bug), the verdict
is downgraded to undecided with the checker's message, never printed as proved.
"""

from __future__ import annotations

import dataclasses
import platform

import flint
import mpmath
import sympy
from flint import fmpq

from certify import __version__
from certify import limits
from certify.arith import Budget, OverBudget, dyadic, over_budget, workprec
from certify.certificates import SCHEMA, interval, interval_parse, q_str
from certify.verify import self_checked
from certify.checker import facts as K
from certify.checker.continuity import discontinuity
from certify.checker.consequences import NO_NONFIXED_POINTS, NO_PERIODIC_POINTS, consequences, forces
from certify.checker.facts import domain_invariant, pl_image
from certify.checker.algebraic import is_algebraic_polynomial
from certify.checker.regions import (affine_tail, expanding_radius_ok, half_bounded_ok, polynomial_escape_radius,
                                     tail_radius_ok)
from certify.checker.semantics import eval_ball, eval_range, slot_ranges
from certify.errors import CertifyError
from certify.maps import Map
from certify.periodic import balls, pl as plmod
from certify.periodic.counting import count_certificate, polynomial_degree
from certify.periodic.finder import candidate_cycles

DEFAULT_WINDOW = (fmpq(-10), fmpq(10))


def versions() -> dict:
    return {"certify": __version__, "python-flint": flint.__version__, "sympy": sympy.__version__,
            "mpmath": mpmath.__version__, "python": platform.python_version()}


def _cert(m: Map, claim: dict, verdict: str, prec: int, evidence: list, **extra) -> dict:
    cert = {"schema": SCHEMA,
            "map": {"given": m.given, "canonical": m.canonical, "class": m.kind},
            "claim": claim, "verdict": verdict, "precision": prec, "evidence": evidence,
            "versions": versions()}
    cert.update(extra)
    return cert


def _gate(cert: dict, m: Map, budget: Budget) -> dict:
    """Run the kernel's checker on a proved/refuted certificate; downgrade it if the check fails.

    Skipped when the budget says self_check=False (benchmarks of the certifier alone); the
    certificate is then exactly as trustworthy as `certify check` finds it later.
    """
    return self_checked(cert, budget.self_check, drop=("orbit", "orbits", "count", "complete", "consequences"),
                        program=m.program)


def _gate_cert(m: Map, budget: Budget, *args, **kw) -> dict:
    return _gate(_cert(m, *args, **kw), m, budget)


def _claim(kind: str, p: int, domain) -> dict:
    return {"kind": kind, "p": p, "domain": interval(*domain) if domain else None}


# ----------------------------------------------------------------------------- regions

def find_region(m: Map, domain, budget: Budget, p: int = 1):
    """A fact confining every periodic point of minimal period p: (fact, region | "empty" | None, reason)."""
    prog = m.program
    pl = prog.pl()
    if domain is not None:
        lo, hi = domain
        fact = {"fact": "region", "method": "invariant_domain", "region": interval(lo, hi)}
        with workprec(budget.start_prec):
            if domain_invariant(prog, lo, hi):
                return fact, (lo, hi), ""
            if pl is not None:
                img = pl_image(pl, lo, hi)
                bad = img[0] if img[0] < lo else img[1]
                raise CertifyError(f"domain [{q_str(lo)}, {q_str(hi)}] is not invariant: f reaches {q_str(bad)}")
            for k in range(257):
                t = lo + (hi - lo) * fmpq(k, 256)
                y = eval_ball(prog, flint.arb(t))
                if y < flint.arb(lo) or y > flint.arb(hi):
                    raise CertifyError(f"domain [{q_str(lo)}, {q_str(hi)}] is not invariant: "
                                       f"f({q_str(t)}) = {y.mid().str(10, radius=False)}")
        return None, None, ("f(domain) in domain could not be proved in ball arithmetic (an end of the "
                            "domain may be reached exactly, e.g. at a critical point); try a slightly larger "
                            "invariant domain, or none")
    if pl is not None:
        region, rounds = plmod.find_region(pl)
        nonfixed = region is None and p >= 2  # an identity tail: its points are fixed, not of period p
        if nonfixed:
            region, rounds = plmod.find_region(pl, nonfixed=True)
        if region is None:
            return None, None, ("no bounded region holding the periodic points was found from the map's "
                                "tails; pass --domain LO,HI with f([LO,HI]) in [LO,HI]")
        fact = {"fact": "region", "method": "piecewise_linear", "rounds": rounds,
                "region": "empty" if region == "empty" else interval(*region)}
        if nonfixed:
            fact["nonfixed"] = True
        return fact, region, ""
    if prog.is_polynomial() or is_algebraic_polynomial(prog):
        M = polynomial_escape_radius(prog)
        if M is not None:
            M = dyadic(M, 8, up=True)
            return ({"fact": "region", "method": "polynomial_escape", "region": interval(-M, M)},
                    (-M, M), "")
    with workprec(budget.start_prec):
        rng = eval_range(prog)
    if rng is not None:
        lo = dyadic(rng[0].fmpq(), 32, up=False)
        hi = dyadic(rng[1].fmpq(), 32, up=True)
        if hi == lo:
            hi = lo + fmpq(1, 2 ** 32)
        return {"fact": "region", "method": "bounded_image", "region": interval(lo, hi)}, (lo, hi), ""
    with workprec(budget.start_prec):
        tails = contracting_region(prog)
    if tails is not None:
        R, (lo, hi) = tails
        return ({"fact": "region", "method": "contracting_tails", "radius": q_str(R), "region": interval(lo, hi)},
                (lo, hi), "")
    with workprec(budget.start_prec):
        got = half_bounded_region(prog)
    if got is not None:
        side, (lo, hi) = got
        return ({"fact": "region", "method": "half_bounded", "side": side, "region": interval(lo, hi)}, (lo, hi), "")
    with workprec(budget.start_prec):
        R = expanding_radius(prog)
    if R is not None:
        return ({"fact": "region", "method": "expanding_tails", "radius": q_str(R), "region": interval(-R, R)},
                (-R, R), "")
    return None, None, ("the map is neither piecewise linear, polynomial, bounded nor a linear term with "
                        "|slope| != 1 plus bounded terms, so certify cannot bound its periodic points on the "
                        "whole line; pass --domain LO,HI")


def contracting_region(prog):
    """(R, (lo, hi)) for the region rule (R7) of certify.checker.regions: f = s x + h with |s| < 1
    and |h| <= B, R >= B / (1 - |s|) (a dyadic), and [lo, hi] holding f([-R, R]); or None."""
    got = affine_tail(prog)
    if got is None or not abs(got[0]) < 1:
        return None
    s, h = got
    bound = h.abs_upper() / (1 - abs(s))
    R = dyadic(bound.upper().fmpq(), 16, up=True)
    if not tail_radius_ok(prog, R):
        return None
    step = 2 * R / 64
    ends = [K.image_bounds(prog, -R + k * step, -R + (k + 1) * step) for k in range(64)]
    lo = dyadic(min((e[0] for e in ends), key=lambda v: v.fmpq()).fmpq(), 32, up=False)
    hi = dyadic(max((e[1] for e in ends), key=lambda v: v.fmpq()).fmpq(), 32, up=True)
    if not K.pieces_within(prog, -R, R, lo, hi):
        return None
    return R, (lo, hi)


def half_bounded_region(prog):
    """(side, (lo, hi)) for the region rule (R9) of certify.checker.regions (f bounded on one side,
    and on the other side over the half-line f maps into), ends rounded outward; or None."""
    whole = slot_ranges(prog)
    if whole is None:
        return None
    for side in ("above", "below"):
        end = whole[-1][1] if side == "above" else whole[-1][0]
        if not end.is_finite():
            continue
        e = dyadic(end.fmpq(), 32, up=side == "above")
        half = slot_ranges(prog, below=e) if side == "above" else slot_ranges(prog, above=e)
        if half is None:
            continue
        other = half[-1][0] if side == "above" else half[-1][1]
        if not other.is_finite():
            continue
        o = dyadic(other.fmpq(), 32, up=side == "below")
        lo, hi = (o, e) if side == "above" else (e, o)
        if half_bounded_ok(prog, side, lo, hi):
            return side, (lo, hi)
    return None


def expanding_radius(prog):
    """R for the region rule (R8) of certify.checker.regions: f = s x + h with |s| > 1 and
    |h| <= B, R >= B / (|s| - 1) (a dyadic), so every periodic point lies in [-R, R]; or None."""
    got = affine_tail(prog)
    if got is None or not abs(got[0]) > 1:
        return None
    s, h = got
    R = dyadic((h.abs_upper() / (abs(s) - 1)).upper().fmpq(), 16, up=True)
    return R if expanding_radius_ok(prog, R) else None


# ----------------------------------------------------------------------------- period

def _start(kind: str, m: Map, p: int, domain, budget: Budget):
    """Validate the request and find the region: (claim, region fact, region, reason)."""
    if not isinstance(p, int) or p < 1:
        raise CertifyError(f"the period must be an integer >= 1, got {p!r}")
    with workprec(budget.start_prec):
        why = discontinuity(m.program, domain)
    if why is not None:
        raise CertifyError(why + ("; pass --domain LO,HI on which f is continuous and which it maps into itself"
                                  if domain is None else ""))
    return (_claim(kind, p, domain), *find_region(m, domain, budget, p))


def certify_period(m: Map, p: int, domain=None, budget: Budget = Budget(), timeout: float | None = None) -> dict:
    """Prove or refute: f has a point of minimal period p (in `domain`, if given, else on R).

    When the direct route is undecided, a proved orbit of a period q that comes before p in
    Sharkovsky's order (3 forces every period) proves period p (f continuous on R or on the
    invariant domain). `budget` bounds the work (the verdict is the same on every machine);
    `timeout` (seconds, None: none) is the outer guard: when it fires the result is undecided,
    "time limit (machine-dependent)".
    """
    return limits.guard(timeout, lambda: _certify_period(m, p, domain, budget),
                        lambda why: _cert(m, _claim("period", p, domain), "undecided", budget.start_prec, [],
                                          reason=why))


FORCING_PERIODS = (3, 5, 7)  # tried, in this order, when period p is not decided directly


def _certify_period(m: Map, p: int, domain, budget: Budget) -> dict:
    cert = _certify_period_direct(m, p, domain, budget)
    if cert["verdict"] != "undecided":
        return cert
    for q in FORCING_PERIODS:
        if q == p or not forces(q, p):
            continue
        sub = _certify_period_direct(m, q, domain, budget)
        if sub["verdict"] != "proved":
            continue
        cycle = next(f for f in sub["evidence"] if f["fact"] in ("cycle_exact", "cycle_krawczyk", "cycle_algebraic"))
        evidence = [f for f in sub["evidence"] if f["fact"] == "region"] + [
            {"fact": "forcing", "p": q, "cycle": cycle}]
        forced = _gate_cert(m, budget, _claim("period", p, domain), "proved", sub["precision"], evidence,
                            consequences=consequences(p))
        if forced["verdict"] == "proved":
            return forced
    return cert


def _pl_search(m: Map, p: int, window):
    """The exact orbit of a float p-cycle of a PL map lifted to rationals, or None (a search, no proof)."""
    pl = m.program.pl()
    for cyc in candidate_cycles(m.program, window, p):
        orbit = plmod.exact_cycle_from_float(pl, cyc, p)
        if orbit is not None:
            return orbit
    return None


def _certify_period_direct(m: Map, p: int, domain, budget: Budget) -> dict:
    claim, fact, region, reason = _start("period", m, p, domain, budget)
    pl = m.program.pl()
    if pl is not None:
        if region == "empty":
            return _gate_cert(m, budget, claim, "refuted", 64, [fact], consequences=[
                NO_NONFIXED_POINTS if fact.get("nonfixed") else NO_PERIODIC_POINTS])
        try:
            cover = _pl_cover(pl, region, p, budget)
        except OverBudget as e:  # too many cells for a refutation: an orbit found by search still proves
            orbit = _pl_search(m, p, region or domain or DEFAULT_WINDOW)
            if orbit is not None:
                return _pl_proved(m, p, claim, orbit, budget)
            where = "the region" if region is not None else "the whole line"
            return _cert(m, claim, "undecided", 64, [], reason=f"{e} in the exact enumeration of f^{p} on "
                                                               f"{where}, and no orbit of period {p} was found by search")
        orbit = cover.orbits[0] if cover.orbits else (
            plmod.continuum_orbit(pl, cover.continuum[0], p) if cover.continuum else None)
        if orbit is not None:
            return _pl_proved(m, p, claim, orbit, budget)
        return _gate_cert(m, budget, claim, "refuted", 64, _pl_evidence(fact, cover, region, p))
    return _period_balls(m, p, domain, claim, fact, region, reason, budget)


def _pl_cover(pl, region, p: int, budget: Budget):
    """Every solution of f^p(x) = x exactly: on the region, or on the whole line when no bounded
    region was found (region None). OverBudget past budget.max_pl_cells cells."""
    if region is None:
        return plmod.enumerate_line(pl, p, budget.max_pl_cells)
    return plmod.enumerate_cover(pl, region, p, budget.max_pl_cells)


def _pl_evidence(fact, cover, region, p: int) -> list:
    """The region fact (if any) and the cover_pl fact of an exact enumeration."""
    ends = [a for a, _ in cover.cells] + [cover.cells[-1][1]]  # the cells tile the region (or R)
    ends = [None if e is None else q_str(e) for e in ends]
    cover_fact = {"fact": "cover_pl", "p": p, "region": None if region is None else interval(*region),
                  "cells": [[u, v] for u, v in zip(ends, ends[1:])]}
    return ([fact] if fact is not None else []) + [cover_fact]


def _domain_facts(m: Map, claim, prec: int) -> list:
    """A cycle on a domain D comes with the fact f(D) in D (the consequences are theorems about f on D);
    without it the kernel refuses the certificate, and the verdict is undecided."""
    if claim["domain"] is None:
        return []
    with workprec(prec):
        if not domain_invariant(m.program, *interval_parse(claim["domain"])):
            return []
    return [{"fact": "region", "method": "invariant_domain", "region": claim["domain"]}]


def _pl_proved(m, p, claim, orbit, budget):
    """Certificate for an exact orbit (leftmost first) of a PL map."""
    evidence = _domain_facts(m, claim, 64) + [{"fact": "cycle_exact", "points": [q_str(x) for x in orbit]}]
    if p == 3:
        a = orbit[0] if orbit[1] < orbit[2] else orbit[1]
        evidence.append({"fact": "li_yorke", "a": q_str(a)})
    return _gate_cert(m, budget, claim, "proved", 64, evidence, orbit=[interval(x, x) for x in orbit],
                      consequences=consequences(p))


def _proved_cycle(m, p, claim, boxes, prec, budget):
    evidence = _domain_facts(m, claim, prec) + [{"fact": "cycle_krawczyk", "boxes": [interval(*b) for b in boxes]}]
    if p == 3:
        with workprec(prec):
            a = balls.li_yorke_witness(m.program, boxes)
        if a is None:
            return None
        evidence.append({"fact": "li_yorke", "a": q_str(a)})
    return _gate_cert(m, budget, claim, "proved", prec, evidence, orbit=[interval(*b) for b in boxes],
                       consequences=consequences(p))


def _rotate_leftmost(boxes):
    i = boxes.index(min(boxes))
    return boxes[i:] + boxes[:i]


def _period_balls(m, p, domain, claim, fact, region, reason, budget):
    prog = m.program
    window = region if region not in (None, "empty") else (domain or DEFAULT_WINDOW)
    for cyc in candidate_cycles(prog, window, p)[:8]:
        got = balls.certify_cycle(prog, cyc, budget)
        if got is None:
            continue
        boxes, prec = got
        if domain is not None and not all(domain[0] <= lo and hi <= domain[1] for lo, hi in boxes):
            continue
        cert = _proved_cycle(m, p, claim, _rotate_leftmost(boxes), prec, budget)
        if cert is not None and cert["verdict"] == "proved":
            return cert
    if region is None:
        return _cert(m, claim, "undecided", budget.start_prec, [],
                     reason=f"no orbit of period {p} was found by search and {reason}")
    if region == "empty":
        return _gate_cert(m, budget, claim, "refuted", budget.start_prec, [fact], consequences=[
            NO_NONFIXED_POINTS if fact.get("nonfixed") else NO_PERIODIC_POINTS])
    mono = _monotone_fact(prog, region, p, budget)
    if mono is not None:
        return _gate_cert(m, budget, claim, "refuted", budget.start_prec, [fact, mono])
    if is_algebraic_polynomial(prog):  # an exact orbit in a number field costs less than a stalled cover
        cert = _algebraic_proved(m, p, claim, fact, region, budget)
        if cert is not None:
            return cert
    cover = _cover(prog, region, p, budget)
    with workprec(cover.prec):
        relevant = [b for b in cover.roots if K.root_in_region(prog, b, p, region) is not False]
    if relevant:
        with workprec(cover.prec):
            orbits = balls.orbits_from_roots(prog, cover.roots, p, region)
        for orb in orbits or []:
            if all(lo == hi for lo, hi in orb):  # an exact orbit (an "t" cell): no Krawczyk needed
                cert = _pl_proved(m, p, claim, [lo for lo, _ in orb], budget)
                if cert["verdict"] == "proved":
                    return cert
            with workprec(cover.prec):
                if K.krawczyk_cycle(prog, orb):
                    cert = _proved_cycle(m, p, claim, balls.tighten_cycle(prog, orb), cover.prec, budget)
                    if cert is not None and cert["verdict"] == "proved":
                        return cert
            mids = [float((lo + hi) / 2) for lo, hi in orb]
            got = balls.certify_cycle(prog, mids, budget)
            if got is not None:
                cert = _proved_cycle(m, p, claim, _rotate_leftmost(got[0]), got[1], budget)
                if cert is not None and cert["verdict"] == "proved":
                    return cert
        cert = _algebraic_proved(m, p, claim, fact, region, budget)
        if cert is not None:
            return cert
        return _cert(m, claim, "undecided", cover.prec, [],
                     reason=f"solutions of minimal period {p} exist but no cycle could be certified")
    if cover.stuck:
        cert = _algebraic_proved(m, p, claim, fact, region, budget)
        if cert is not None:
            return cert
        return _cert(m, claim, "undecided", cover.prec, [], reason=_stuck_reason(cover, budget))
    evidence = [fact, cover_fact(cover, p)]
    return _gate_cert(m, budget, claim, "refuted", cover.prec, evidence)


def _algebraic_proved(m, p, claim, fact, region, budget):
    """A proof by an exact orbit in a number field (a non-hyperbolic cycle of a polynomial map with
    rational or algebraic coefficients: certify.periodic.algebraic), or None."""
    from certify.periodic.algebraic import algebraic_cycle

    cyc = algebraic_cycle(m.program, p, region)  # on a domain, the region is the domain (the kernel checks it)
    if cyc is None:
        return None
    cert = _gate_cert(m, budget, claim, "proved", budget.start_prec, [fact, cyc], orbit=cyc["boxes"],
                      consequences=consequences(p))
    return cert if cert["verdict"] == "proved" else None


def _monotone_fact(prog, region, p, budget):
    """A `monotone` fact refuting period p >= 2 (increasing) or p >= 3 (decreasing), or None."""
    if p < 2:
        return None
    got = balls.monotone_cells(prog, region, budget.start_prec)
    if got is None or (got[0] == "decreasing" and p < 3):
        return None
    direction, cells = got
    return {"fact": "monotone", "direction": direction, "region": interval(*region),
            "cells": [[q_str(a), q_str(b)] for a, b in sorted(cells)]}


def _cover(prog, region, p, budget):
    """A ball cover of the widened region at precisions 64, 128, ... until no cell is stuck or the
    cells of all the attempts reach budget.max_cells. Where cells are stuck, the simplest rational
    of each is tried as an exact multiple root of f^p(x) = x (`balls.exact_roots`), then, for
    polynomial maps, the real algebraic roots of f^p(x) - x in them (`algebraic.algebraic_roots`);
    when one is found the cover is redone at the same precision with it as a "t" or "a" cell."""
    cover, wide, used, specials = None, balls.widen(region), 0, []
    for prec in budget.precisions():
        while cover is None or used < budget.max_cells:
            cover = balls.ball_cover(prog, wide, p, prec, dataclasses.replace(budget, max_cells=budget.max_cells - used),
                                     specials=specials)
            used += cover.cells
            cover.region = wide
            stuck = [c for c in cover.stuck if c[2] != balls.CELL_BUDGET]
            with workprec(prec):
                new = balls.exact_roots(prog, stuck, p, specials)
            if not new and stuck and (prog.is_polynomial() or is_algebraic_polynomial(prog)):
                from certify.periodic.algebraic import algebraic_roots
                new = algebraic_roots(prog, stuck, p, specials)
            if not new:
                break
            specials += new
        if not cover.stuck or used >= budget.max_cells:
            break
    return cover


def _stuck_reason(cover, budget: Budget) -> str:
    over = [s for s in cover.stuck if s[2] == balls.CELL_BUDGET]
    lo, hi, why = (over or cover.stuck)[0]
    where = float((lo + hi) / 2)
    if over:
        return (f"{over_budget(budget.max_cells)} (a ball cover, over the precisions up to {cover.prec} bits): "
                f"{len(cover.stuck)} cell(s) undecided, first near x = {where:.12g}")
    return (f"{len(cover.stuck)} cell(s) undecided at precision {cover.prec} bits, first near x = {where:.12g}: "
            f"{why}")


def cover_fact(cover, p) -> dict:
    rows = []
    for r in cover.rows:
        row = [q_str(r[0]), q_str(r[1]), r[2]]
        if r[2] == "r":
            row += [r[3], interval(*r[4])]
        elif r[2] == "t":
            row += [q_str(r[3]), r[4]]
        elif r[2] == "a":
            row += r[3:]
        rows.append(row)
    return {"fact": "cover_ball", "p": p, "region": interval(*cover.region), "cells": rows}


# ----------------------------------------------------------------------------- orbits

def _listed(orbits) -> list:
    """Orbits (lists of boxes, leftmost first) as certificate intervals, in increasing order."""
    return [[interval(*b) for b in o] for o in sorted(orbits)]


def certify_orbits(m: Map, p: int, domain=None, budget: Budget = Budget(), timeout: float | None = None) -> dict:
    """Every orbit of minimal period p (in `domain`, if given, else on R), with a completeness proof.

    `budget` bounds the work (the verdict is the same on every machine); `timeout` (seconds, None:
    none) is the outer guard: when it fires the result is undecided, "time limit (machine-dependent)".
    """
    return limits.guard(timeout, lambda: _certify_orbits(m, p, domain, budget),
                        lambda why: _cert(m, _claim("orbits", p, domain), "undecided", budget.start_prec, [],
                                          reason=why, complete=False))


def _too_many_roots(m: Map, p: int, budget: Budget):
    """The reason to refuse a complete list up front, for a polynomial of degree d >= 2 on R whose
    f^p(x) = x has d^p solutions (with multiplicity, complex ones too) beyond the cell budget; else None."""
    from certify.checker.thresholds import mobius

    d = polynomial_degree(m.program)
    if d < 2 or d ** p <= budget.max_cells:
        return None
    orbits = sum(mobius(p // e) * d ** e for e in K.divisors(p)) // p
    return (f"{over_budget(budget.max_cells)}: f^{p}(x) = x has degree {d}^{p} = {d ** p:,}, so up to {orbits:,} "
            f"orbits of minimal period {p} (all of them real for maps such as logistic(r=4)), each needing its "
            f"own cell; pass --domain LO,HI to cover a smaller invariant interval, or raise --max-cells")


def _certify_orbits(m: Map, p: int, domain, budget: Budget) -> dict:
    claim, fact, region, reason = _start("orbits", m, p, domain, budget)
    pl = m.program.pl()
    if region is None and pl is None:
        return _cert(m, claim, "undecided", 64, [], reason=reason, complete=False)
    if region == "empty":
        return _gate_cert(m, budget, claim, "proved", 64, [fact], count=0, orbits=[], complete=True)
    if pl is not None:
        try:
            cover = _pl_cover(pl, region, p, budget)
        except OverBudget as e:
            where = "the region" if region is not None else "the whole line"
            return _cert(m, claim, "undecided", 64, [], complete=False,
                         reason=f"{e} in the exact enumeration of f^{p} on {where}")
        evidence = _pl_evidence(fact, cover, region, p)
        if cover.continuum:
            return _gate_cert(m, budget, claim, "proved", 64, evidence, count="continuum", orbits=[],
                              complete=True)
        orbits = [[interval(x, x) for x in o] for o in cover.orbits]
        return _gate_cert(m, budget, claim, "proved", 64, evidence, count=len(orbits), orbits=orbits,
                          complete=True)
    mono = _monotone_fact(m.program, region, p, budget)
    if mono is not None:
        return _gate_cert(m, budget, claim, "proved", budget.start_prec, [fact, mono], count=0, orbits=[],
                           complete=True)
    if domain is None and m.program.is_polynomial():
        refuse = _too_many_roots(m, p, budget)
        if refuse is not None:
            return _cert(m, claim, "undecided", budget.start_prec, [], reason=refuse, complete=False)
        counted = count_certificate(m.program, region, p, budget)
        if counted is not None:
            fact_c, orbits, prec = counted
            return _gate_cert(m, budget, claim, "proved", prec, [fact_c], count=len(orbits),
                               orbits=_listed(orbits), complete=True)
    cover = _cover(m.program, region, p, budget)
    if cover.stuck:
        return _cert(m, claim, "undecided", cover.prec, [], reason=_stuck_reason(cover, budget), complete=False)
    with workprec(cover.prec):
        orbits = balls.orbits_from_roots(m.program, cover.roots, p, region)
    if orbits is None:
        return _cert(m, claim, "undecided", cover.prec, [], complete=False,
                     reason="root boxes too wide to tell which orbit each point belongs to")
    evidence = [fact, cover_fact(cover, p)]
    return _gate_cert(m, budget, claim, "proved", cover.prec, evidence, count=len(orbits),
                       orbits=_listed(orbits), complete=True)


__all__ = ["certify_period", "certify_orbits", "find_region", "versions"]
