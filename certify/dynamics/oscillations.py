"""Oscillations of f^t (Sanford et al.'s expressivity claim): exact lap counts of f^t on an
invariant interval for t = 1..T (piecewise-linear maps), against rho_p from the least odd period
certified and the certified entropy bounds. The lap counts are facts; the growth rate fitted to
them is an estimate with its standard error.
"""

from __future__ import annotations

import math

import numpy as np
from flint import fmpq

from certify import limits
from certify.arith import Budget
from certify.certificates import SCHEMA, interval
from certify.verify import self_checked
from certify.checker.consequences import rho as rho_enclosure
from certify.checker.entropy import MAX_CELL_WORK, MAX_ODD, MAX_UPTO, CellBudget, compose, laps, odd_period_entry
from certify.dynamics.entropy import entropy_bounds, invariant_interval
from certify.errors import CertifyError
from certify.maps import Map
from certify.periodic.period import certify_period, versions


def rho(p: int) -> float:
    """Largest real root of z^p - 2 z^(p-2) - 1 (a float, for display and comparison)."""
    return float(rho_enclosure(p).mid())


def least_odd_period(m: Map, max_odd: int, budget: Budget = Budget(), interval=None):
    """(p, proved period certificate, refuted, note) for the least odd p in 3..max_odd with period p
    proved (on the invariant `interval` I when given), with the refuting certificates (on R) of the odd
    periods before it, and a note on where the search stopped."""
    refuted = []
    for p in range(3, max_odd + 1, 2):
        cert = certify_period(m, p, budget=budget)
        if cert["verdict"] == "proved" and interval is not None and not _orbit_in(cert, interval):
            cert = certify_period(m, p, domain=interval, budget=budget)
        if cert["verdict"] == "proved":
            return p, cert, refuted, f"odd periods searched from 3 up to {max_odd}; the least proved is {p}"
        if cert["verdict"] != "refuted":
            return None, None, refuted, (f"the search for the least odd period stopped at {p}: undecided "
                                         f"({cert.get('reason', '')})")
        refuted.append((p, cert))
    return None, None, refuted, f"odd periods 3..{max_odd} all refuted"


def _orbit_in(cert: dict, interval) -> bool:
    from certify.certificates import interval_parse
    orbit = cert.get("orbit") or []
    return bool(orbit) and all(interval[0] <= a and b <= interval[1] for a, b in map(interval_parse, orbit))


def fit_rate(ts, counts):
    """Least-squares slope of log laps against t over the second half of the range, with its stderr."""
    t = np.array(ts, dtype=float)
    y = np.log(np.array(counts, dtype=float))
    keep = t >= t[len(t) // 2] if len(t) >= 6 else np.ones_like(t, dtype=bool)
    if keep.sum() < 2:
        return None, None
    A = np.vstack([t[keep], np.ones(keep.sum())]).T
    coef, *_ = np.linalg.lstsq(A, y[keep], rcond=None)
    resid = y[keep] - A @ coef
    dof = max(int(keep.sum()) - 2, 1)
    spread = ((t[keep] - t[keep].mean()) ** 2).sum()
    return float(coef[0]), float(math.sqrt((resid @ resid) / dof / spread))


def oscillations(m: Map, upto: int = 12, max_odd: int = 15, budget: Budget = Budget(),
                 timeout: float | None = None) -> dict:
    """Certificate of the lap counts of f^t on an invariant interval, t = 1..upto, with rho_p and entropy.

    The lap counts stop at budget.max_pl_cells affine cells; the period searches and the entropy bounds
    use `budget` too. `timeout` (seconds, None: none) is the outer guard: when it fires the result is
    undecided, "time limit (machine-dependent)"."""
    pl = m.program.pl()
    if pl is None:
        raise CertifyError("lap counts are exact for piecewise-linear maps only (ReLU, leaky ReLU, hard-tanh, "
                           "max/min/abs formulas)")
    if not 1 <= upto <= MAX_UPTO:
        raise CertifyError(f"--upto must be between 1 and {MAX_UPTO}")
    if not 3 <= max_odd <= MAX_ODD:
        raise CertifyError(f"--max-odd must be between 3 and {MAX_ODD}")
    claim = {"kind": "oscillations", "p": 0, "interval": None, "upto": upto}
    base = {"schema": SCHEMA, "map": {"given": m.given, "canonical": m.canonical, "class": m.kind},
            "claim": claim, "precision": 128, "versions": versions()}
    return limits.guard(timeout, lambda: _oscillations(m, pl, upto, max_odd, budget, claim, base),
                        lambda why: {**base, "verdict": "undecided", "evidence": [], "reason": why})


def _oscillations(m: Map, pl, upto: int, max_odd: int, budget: Budget, claim: dict, base: dict) -> dict:
    max_cells = budget.max_pl_cells
    I = invariant_interval(m)
    if I is None:
        return {**base, "verdict": "undecided", "evidence": [],
                "reason": "no invariant interval holding the dynamics was found"}
    claim["interval"] = interval(*I)
    evidence = []
    spent = CellBudget(MAX_CELL_WORK)  # the kernel's limit on all compositions, so it can re-check
    cells = [(I[0], I[1], fmpq(1), fmpq(0))]
    for t in range(1, upto + 1):
        try:
            cells = compose(pl, cells, max_cells=max_cells, budget=spent)
        except ValueError as e:
            return {**base, "verdict": "undecided", "evidence": [],
                    "reason": f"budget: {e} (affine cells of f^{t} on I); lower --upto"}
        evidence.append({"fact": "laps", "n": t, "count": len(laps(cells))})
    counts = [f["count"] for f in evidence]
    rate, stderr = fit_rate(range(1, upto + 1), counts)
    p, pcert, refuted, note = least_odd_period(m, max_odd, budget, I)
    evidence += [{"fact": "no_odd_period", "p": q, "certificate": c} for q, c in refuted]
    if pcert is not None:
        evidence.append({"fact": "odd_period", "p": p, "certificate": pcert})
    ent = entropy_bounds(m, I, budget=budget)
    if ent["verdict"] == "proved":
        evidence.append({"fact": "entropy", "certificate": ent})
    cert = {**base, "verdict": "proved", "evidence": evidence,
            "growth": {"status": "estimate",
                       "rate": None if rate is None else f"{rate:.6g}",
                       "stderr": None if stderr is None else f"{stderr:.2g}",
                       "method": "least-squares slope of log laps(f^t) against t over the second half of "
                                 "t = 1..upto (the counts are exact; the slope is a fit)"},
            "odd_period": odd_period_entry(p, [q for q, _ in refuted]), "note": note}
    return self_checked(cert, keep=base)


__all__ = ["oscillations", "rho", "fit_rate", "least_odd_period"]
