"""Certified bounds on the topological entropy of piecewise-linear maps (see checker/entropy.py)."""

from __future__ import annotations

import time

from flint import arb, ctx, fmpq

from certify.arith import Budget, dyadic
from certify.certificates import SCHEMA, interval, q_str
from certify.checker import check
from certify.checker.entropy import affine_cells, laps
from certify.checker.facts import pl_image
from certify.errors import CertifyError
from certify.maps import Map
from certify.orbits import pl as plmod
from certify.orbits.period import versions


def invariant_interval(m: Map, domain=None):
    """An interval I with f(I) in I holding the dynamics: the domain, or the PL region grown by f."""
    pl = m.program.pl()
    if domain is not None:
        img = pl_image(pl, *domain)
        if not (domain[0] <= img[0] and img[1] <= domain[1]):
            raise CertifyError("the domain is not invariant")
        return domain
    region, _ = plmod.find_region(pl)
    if region in (None, "empty"):
        return None
    lo, hi = region
    for _ in range(40):
        a, b = pl_image(pl, lo, hi)
        if lo <= a and b <= hi:
            return lo, hi  # a single point is fine: entropy 0
        lo, hi = min(lo, a), max(hi, b)
    return None


def horseshoe(cells, candidates: int = 24):
    """Laps of f^n inside a target U whose images cover U: a k-horseshoe (largest k found).

    Targets tried: the images of the laps with the longest images.
    """
    ls = []
    for a, b, sgn in laps(cells):
        if sgn == 0:
            continue
        vals = [A * x + B for x0, x1, A, B in cells if a <= x0 and x1 <= b for x in (x0, x1)]
        ls.append((a, b, min(vals), max(vals)))
    best = []
    for _, _, u, v in sorted(ls, key=lambda L: L[2] - L[3])[:candidates]:
        chosen = [(a, b) for a, b, lo, hi in ls if u <= a and b <= v and lo <= u and hi >= v]
        if len(chosen) > len(best):
            best = chosen
    return best


def entropy_bounds(m: Map, domain=None, budget: Budget = Budget(seconds=5), tolerance: float = 0.01) -> dict:
    """Certified [lo, hi] on h_top(f|I) for a PL map, with the lap count and horseshoe behind it."""
    pl = m.program.pl()
    if pl is None:
        raise CertifyError("entropy bounds are certified for piecewise-linear maps for now")
    I = invariant_interval(m, domain)
    claim = {"kind": "entropy", "interval": None, "p": 0}

    def cert_of(verdict, evidence=(), **extra):
        c = {"schema": SCHEMA, "map": {"given": m.given, "canonical": m.canonical, "class": m.kind},
             "claim": claim, "verdict": verdict, "precision": 128, "evidence": list(evidence),
             "versions": versions()}
        c.update(extra)
        return c

    if I is None:
        return cert_of("undecided", reason="no invariant interval holding the dynamics was found; pass --domain")
    claim["interval"] = interval(*I)
    deadline = time.monotonic() + budget.seconds
    best_up, best_lo = None, None
    n = 1
    while time.monotonic() < deadline and n <= 60:
        try:
            cells = affine_cells(pl, *I, n, max_cells=200_000)
        except ValueError:
            break
        count = len(laps(cells))
        up = (n, count)
        if best_up is None or _log_ratio(count, n) < _log_ratio(best_up[1], best_up[0]):
            best_up = up
        shoe = horseshoe(cells)
        if len(shoe) >= 2 and (best_lo is None or _log_ratio(len(shoe), n) > _log_ratio(len(best_lo[1]), best_lo[0])):
            best_lo = (n, shoe)
        gap = _log_ratio(best_up[1], best_up[0]) - (_log_ratio(len(best_lo[1]), best_lo[0]) if best_lo else 0)
        if gap < tolerance:
            break
        n += 1
    (n_up, count) = best_up
    (n_lo, shoe) = best_lo if best_lo is not None else (1, [])
    with ctx.workprec(128):
        hi = (arb(count).log() / n_up).upper().fmpq()
        lo = (arb(len(shoe)).log() / n_lo).lower().fmpq() if len(shoe) > 1 else fmpq(0)
    hi, lo = dyadic(hi, 40, up=True), dyadic(lo, 40, up=False)
    evidence = [{"fact": "laps", "n": n_up, "count": count}]
    if len(shoe) >= 2:
        evidence.append({"fact": "horseshoe", "n": n_lo, "intervals": [interval(a, b) for a, b in shoe]})
    bounds = {"lo": q_str(lo), "hi": q_str(hi), "lo_exact": f"log({max(len(shoe), 1)})/{n_lo}",
              "hi_exact": f"log({count})/{n_up}",
              "lo_method": (f"a {len(shoe)}-horseshoe of f^{n_lo} (laps covering each other)" if len(shoe) >= 2
                            else "none found: the trivial bound h >= 0"),
              "hi_method": f"laps of f^{n_up} on I: h <= log(laps)/n (Misiurewicz-Szlenk)"}
    cert = cert_of("proved", evidence, bounds=bounds)
    if budget.self_check:
        res = check(cert)
        if not res.ok:
            return cert_of("undecided", reason=f"internal self-check failed ({res.message})")
    return cert


def _log_ratio(k: int, n: int) -> float:
    import math
    return math.log(k) / n
