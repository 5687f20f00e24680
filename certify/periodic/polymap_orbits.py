"""Every orbit of minimal period p of a Hénon-type map of the plane, proved complete.

The proof is the kernel's own derivation (certify.checker.nd_orbits.search): the region of the
Devaney-Nitecki lemma, the box graph built and pruned on a grid refined `levels` times, every
primitive closed walk of length p counted by Krawczyk exclusion, uniqueness or bisection. This
module only chooses the region (the least simple fraction R with q(R) >= 0) and the grid, and
writes the certificate; it then passes `check` (the kernel repeats the derivation) before it is
returned. Nothing here is found in floats: the search is the proof.
"""

from __future__ import annotations

from fractions import Fraction
import math

from certify.arith import Budget
from certify.certificates import SCHEMA
from certify.checker import nd_orbits as N
from certify.checker.statement import Failure
from certify.checker.semantics import workprec
from certify.errors import CertifyError
from certify.maps.polymap import PolyMapSpec

__all__ = ["certify_polymap_orbits", "region_for", "default_grid", "certify_polymap_cycles", "cycles_claims", "certify_polymap_period", "float_cycle", "region_for_poly"]

START = 16                 # starting cells along x (y in proportion)
LEVELS = {1: 2, 2: 2, 3: 2, 4: 2, 5: 2, 6: 3, 7: 3}   # refinement rounds by period (4 beyond: finer for longer)


def _s(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def region_for(m, widen: int = 0) -> list:
    """The region of the closed-walk method (Hénon type only): `region_for_poly`'s square, whose widening
    moves the region's edges and grid lines off periodic points that sit exactly on them."""
    try:
        N.henon_form(m)
    except Failure as e:
        raise CertifyError(f"orbits of a polynomial map in several variables: {e}") from None
    return region_for_poly(m, widen)


def default_grid(region: list, p: int) -> dict:
    """The starting grid (16 cells along x, square-ish cells) and the refinement rounds for period p."""
    w = Fraction(region[0]["hi"]) - Fraction(region[0]["lo"])
    h = Fraction(region[1]["hi"]) - Fraction(region[1]["lo"])
    return {"start": [START, max(1, round(START * h / w))], "levels": LEVELS.get(p, 4)}


def _self_check(cert: dict, budget: Budget) -> dict:
    """The certificate after the kernel's check (when the budget asks for it): undecided if it fails."""
    from certify.verify import self_checked
    return self_checked(cert, budget.self_check, drop=("orbits", "count"))


def certify_polymap_orbits(f: PolyMapSpec, p: int, budget: Budget | None = None, grid: dict | None = None) -> dict:
    """The certificate of every orbit of minimal period p of f (proved complete), or undecided."""

    budget = budget or Budget()
    if p > N.MAX_ND_PERIOD:
        raise CertifyError(f"orbits of a map of the plane: period at most {N.MAX_ND_PERIOD}, got {p}")
    m = f.kernel
    for widen in (0, 1):  # a second region when a zero sits on a face of the first one's cells
        region = region_for(m, widen)
        grid = grid or default_grid(region, p)
        cert = {"schema": SCHEMA, "map": {"given": f.given, "canonical": f.canonical, "class": "polynomial"},
                "claim": {"kind": "polymap_orbits", "p": p, "region": region, "grid": grid},
                "verdict": "undecided", "precision": budget.start_prec, "evidence": []}
        budget.report(f"orbits of period {p}: box graph on a {grid['start'][0]} x {grid['start'][1]} grid, "
                      f"{grid['levels']} refinements")
        with workprec(budget.start_prec):
            try:
                reg, _ = N.region_square(m, region)
                found = N.search(m, reg, grid["start"], grid["levels"], p)
            except Failure as e:
                cert["reason"] = f"the exclusion cover did not close: {e}"
                if "beyond the checker's limit" in str(e):
                    return cert  # a cap: another region would not help
                continue
            entries = N.orbit_entries(found)  # enclosures read at the certificate's precision
            break
    else:
        return cert
    cert.update(verdict="proved", orbits=entries, count=len(entries))
    cert["evidence"] = [{"fact": "exclusion_cover", **{k: found[k] for k in ("grid", "cells", "edges", "walks",
                                                                              "tests")}}]
    return _self_check(cert, budget)


# ----------------------------------------------------------------------------- subdivision (claim polymap_cycles)

TRAP_CELLS = (8, 32, 128)   # cells per axis tried for the trapping check f(B) in B (while cells^n is allowed)


def _domain_region(domain) -> list:
    """The --domain box as the claim's region: a list of n {"lo", "hi"} (exact strings)."""
    from certify.certificates import interval_parse
    out = []
    for iv in domain:
        try:
            lo, hi = interval_parse(iv)
        except Exception as e:  # noqa: BLE001 (a malformed interval is the user's input error)
            raise CertifyError(f"a domain interval is [lo, hi] with exact numbers: {e}") from None
        if not lo < hi:
            raise CertifyError(f"a domain interval needs lo < hi, got [{lo}, {hi}]")
        out.append({"lo": N.q_str(lo), "hi": N.q_str(hi)})
    return out


def _trap(m, region: list) -> int:
    """The least cells per axis of TRAP_CELLS with f(B) in B checked in balls, or 0 when none shows it."""
    from certify.certificates import interval_parse
    reg = [interval_parse(v) for v in region]
    for k in TRAP_CELLS:
        if k ** m.n > N.MAX_TRAP_CELLS:
            break
        try:
            N.trapping(m, reg, k)
            return k
        except Failure:
            continue
    return 0


def region_for_poly(m, widen: int = 0) -> list:
    """[[-R, R], [-Y, Y]] for (P(x) + s y, b x): the least of a few simple fractions R >= R0 with q(R) >= 0
    exactly (q of the kernel's region_poly, R0 its positive root found in floats), Y = |b| R; with `widen`,
    both times (1 + widen / 997). A CertifyError when the map has no region lemma (b = 0 has no term b x)."""
    try:
        P, s, b = N.poly_henon_form(m)
    except Failure as e:
        raise CertifyError(f"{e}: give a box with --domain (every cycle contained in it is listed, "
                           f"and when f(B) lies in B every cycle meeting it)") from None
    P = {k: Fraction(int(c.p), int(c.q)) for k, c in P.items()}
    s, b = Fraction(int(s.p), int(s.q)), Fraction(int(b.p), int(b.q))
    d = max(P)

    def q(r):
        return abs(P[d]) * r ** d - sum(abs(c) * r ** k for k, c in P.items() if 0 < k < d) \
            - (1 + abs(s * b)) * r - abs(P.get(0, 0))
    lo, hi = 0.0, 1.0
    while float(q(Fraction(hi))) < 0:
        lo, hi = hi, 2 * hi
    for _ in range(80):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if float(q(Fraction(mid))) < 0 else (lo, mid)
    for den in (10, 100, 1000, 10 ** 6, 10 ** 12):
        R = Fraction(hi).limit_denominator(den)
        for cand in (R, R + Fraction(1, den)):
            if cand > 0 and q(cand) >= 0:
                cand *= 1 + Fraction(widen, 997)
                Y = abs(b) * cand
                return [{"lo": _s(-cand), "hi": _s(cand)}, {"lo": _s(-Y), "hi": _s(Y)}]
    raise CertifyError("no rational radius found for the region lemma")  # pragma: no cover (q > 0 beyond R0)


def cycles_claims(f: PolyMapSpec, p: int, domain=None) -> list:
    """The claims to try, in order: with a domain B, basis trapping (when f(B) in B is shown) or domain;
    without one, the region lemma's square (maps (P(x) + s y, b x), deg P >= 2) and, when a zero sits on
    a face of it, the square widened by 1/997."""
    m = f.kernel
    if domain is not None:
        if len(domain) != m.n:
            raise CertifyError(f"the map has {m.n} variables: --domain takes {m.n} intervals, got {len(domain)}")
        region = _domain_region(domain)
        trap = _trap(m, region)
        return [{"kind": "polymap_cycles", "p": p, "region": region, "basis": "trapping" if trap else "domain",
                 "trap": trap}]
    return [{"kind": "polymap_cycles", "p": p, "region": region_for_poly(m, widen), "basis": "region_lemma",
             "trap": 0} for widen in (0, 1)]


def certify_polymap_cycles(f: PolyMapSpec, p: int, budget: Budget | None = None, domain=None,
                           question: str = "orbits") -> dict:
    """The certificate of every orbit of minimal period p of f by the subdivision of the cyclic system
    (claim polymap_cycles): proved complete (question "orbits"), or refuted when there is none (question
    "period"), or undecided. The search is the kernel's own; the certificate passes `check`."""

    budget = budget or Budget()
    if p > N.MAX_CYCLE_PERIOD:
        raise CertifyError(f"orbits of a polynomial map: period at most {N.MAX_CYCLE_PERIOD}, got {p}")
    m = f.kernel
    for claim in cycles_claims(f, p, domain):
        if question != "orbits":
            claim["question"] = question
        cert = {"schema": SCHEMA, "map": {"given": f.given, "canonical": f.canonical, "class": "polynomial"},
                "claim": claim, "verdict": "undecided", "precision": budget.start_prec, "evidence": []}
        budget.report(f"orbits of period {p}: subdivision of the cyclic system in {claim['basis']} region")
        with workprec(budget.start_prec):
            try:
                found = N.search_cycles(m, claim)
            except Failure as e:
                cert["reason"] = f"the subdivision did not close: {e}"
                if "beyond the checker's limit" in str(e):
                    return cert
                continue
            entries = N.cycle_entries(found)
            break
    else:
        return cert
    cert.update(verdict="refuted" if question == "period" and not entries else "proved", orbits=entries,
                count=len(entries))
    cert["evidence"] = [{"fact": "cycle_subdivision", "nodes": found["nodes"], "tests": found["tests"]}]
    return _self_check(cert, budget)


def float_cycle(f: PolyMapSpec, p: int, starts: int = 400, radius: float = 3.0, seed: int = 0):
    """A float p-cycle of f (p points, each a list of n floats) of apparent minimal period p, by Newton on the
    cyclic system from seeded random starts in [-radius, radius]^(n p); None when none converges. Finds only."""
    import numpy as np

    ev, jac = f.floats()
    n = f.n
    rng = np.random.default_rng(seed)
    for _ in range(starts):
        Z = rng.uniform(-radius, radius, size=(p, n))
        with np.errstate(all="ignore"):
            for _ in range(40):
                F = np.concatenate([np.array(ev(Z[t - 1])) - Z[t] for t in range(p)])
                if not np.all(np.isfinite(F)):
                    break
                J = -np.eye(n * p)
                for t in range(p):
                    J[t * n:(t + 1) * n, ((t - 1) % p) * n:((t - 1) % p + 1) * n] += np.array(jac(Z[t - 1]))
                try:
                    Z = Z - np.linalg.solve(J, F).reshape(p, n)
                except np.linalg.LinAlgError:
                    break
                if np.max(np.abs(F)) < 1e-13:
                    break
        if not np.all(np.isfinite(Z)) or np.max(np.abs(np.concatenate(
                [np.array(ev(Z[t - 1])) - Z[t] for t in range(p)]))) > 1e-9:
            continue
        if all(np.max(np.abs(Z[d] - Z[0])) > 1e-6 for d in range(1, p) if p % d == 0):
            return Z.tolist()
    return None


def cycle_domain(Z: list) -> list:
    """A box around a float cycle (its hull widened by a quarter of its width and at least 1/8), as LO,HI
    pairs of simple fractions."""
    out = []
    for k in range(len(Z[0])):
        lo, hi = min(z[k] for z in Z), max(z[k] for z in Z)
        pad = max((hi - lo) / 4, 0.125)
        out.append({"lo": _s(Fraction(math.floor((lo - pad) * 64), 64)), "hi": _s(Fraction(math.ceil((hi + pad) * 64), 64))})
    return out


def certify_polymap_period(f: PolyMapSpec, p: int, budget: Budget | None = None, domain=None) -> dict:
    """Prove or refute: f has a point of minimal period p. Hénon type (no domain): the subdivision in the
    region lemma's square decides it (proved with the certified orbits, refuted when there are none). With
    a domain B: proved, or refuted for B ("no orbit of minimal period p contained in B"; with f(B) in B
    checked, "no point of minimal period p in B"). Otherwise a float cycle is looked for and proved by the
    subdivision of a box around it (only a proof counts there)."""
    if domain is not None:
        return certify_polymap_cycles(f, p, budget, domain=domain, question="period")
    try:
        N.poly_henon_form(f.kernel)
        return certify_polymap_cycles(f, p, budget, question="period")
    except Failure:
        pass
    Z = float_cycle(f, p)
    box = cycle_domain(Z) if Z is not None else None
    if box is not None:
        cert = certify_polymap_cycles(f, p, budget, domain=box, question="period")
        if cert["verdict"] == "proved":
            return cert
    claim = {"kind": "polymap_cycles", "p": p, "region": [{"lo": "-1", "hi": "1"}] * f.n, "basis": "domain", "trap": 0,
             "question": "period"}
    return {"schema": SCHEMA, "map": {"given": f.given, "canonical": f.canonical, "class": "polynomial"},
            "claim": claim, "verdict": "undecided", "precision": (budget or Budget()).start_prec, "evidence": [],
            "reason": "no cycle of this period found in floats (and no --domain to search for a proof of none)"
            if Z is None else "a float cycle was found but the subdivision around it did not prove it"}
