"""Lyapunov exponents of an n-dimensional PLRNN: proved on certified cycles, estimated on a typical orbit.

- Cycles (certify.periodic.plrnn): every cycle of period 1..P is solved exactly, its stability and
  exponents (1/p) log|lambda_i| come from certified roots of the characteristic polynomial of its
  Jacobian product (certify.checker.plrnn.cycle_stability).
- Spectrum of a typical orbit: an *estimate* by the QR (Benettin) method in float64: Q_{t+1} R_t =
  J(z_t) Q_t, lambda_i = mean of log|R_t[i, i]| after a transient, with batch-means standard errors.
  Log-sums only, so no product of Jacobians is ever formed (no overflow).
"""

from __future__ import annotations

import numpy as np

from certify.arith import Budget, workprec
from certify.certificates import SCHEMA
from certify.verify import self_checked
from certify.checker.limits import MAX_PLRNN_DIM
from certify.checker.plrnn import MAX_CHECK_BITS, MAX_MATRIX_WORK, MAX_PERIOD, cycle_work
from certify.errors import CertifyError
from certify.maps.plrnn import PLRNN
from certify.periodic.period import versions
from certify.periodic.plrnn import ENUMERATION_CAP, certify_cycles, cycle_fact

__all__ = ["spectrum_estimate", "lyapunov_plrnn"]


def _g(v: float) -> str:
    """An estimate as a decimal string (certificates hold no JSON floats)."""
    return "-inf" if v == -np.inf else format(float(v), ".10g")


def spectrum_estimate(net: PLRNN, z0=None, steps: int = 100_000, transient: int = 1_000, batches: int = 20,
                      seed: int = 0) -> dict:
    """Float estimate of the Lyapunov spectrum along the orbit of z0 (default: a seeded random start)."""
    a, W, h = net.floats()
    n = net.n
    start = np.asarray(z0, dtype=float) if z0 is not None else np.random.default_rng(seed).normal(0.0, 1.0, n)
    z = start.copy()
    method = (f"QR (Benettin) method, float64 orbit of z0, mean of log|R_ii| over {steps} steps after {transient}; "
              f"stderr from {batches} batch means")
    Q = np.eye(n)
    logs = np.empty((steps, n))
    with np.errstate(all="ignore"):
        for t in range(transient + steps):
            J = np.diag(a) + W * (z > 0)
            Q, R = np.linalg.qr(J @ Q)
            d = np.diag(R)
            Q = Q * np.where(d < 0, -1.0, 1.0)  # keep R's diagonal positive: Q evolves continuously
            if t >= transient:
                logs[t - transient] = np.log(np.abs(d))
            z = z * a + np.maximum(z, 0) @ W.T + h
            if not np.all(np.isfinite(z)):
                return {"status": "estimate", "values": None, "stderr": None, "z0": [_g(v) for v in start],
                        "method": method + "; the orbit left the finite range (diverges), so no estimate"}
    values = logs.mean(axis=0)
    finite = np.all(np.isfinite(logs), axis=0)
    means = logs[: steps - steps % batches].reshape(batches, -1, n).mean(axis=1)
    with np.errstate(all="ignore"):
        se = np.where(finite, means.std(axis=0, ddof=1) / np.sqrt(batches), np.nan)
    order = np.argsort(-values)
    return {"status": "estimate", "values": [_g(values[i]) for i in order],
            "stderr": [_g(se[i]) if finite[i] else None for i in order],
            "z0": [_g(v) for v in start],
            "final_norm": _g(np.abs(z).max()), "steps": steps, "transient": transient, "seed": seed,
            "method": method}


def _within_check_budget(net: PLRNN, by_period: dict, rows: list) -> tuple:
    """The cycles to list, by period: every cycle of a complete period (the kernel re-derives the list), and of the
    others (float search) those whose work the kernel would still accept (cycle_work summed against
    MAX_MATRIX_WORK: long cycles of large-bit weights, e.g. Lorenz PLRNN cycles of period > ~138, are left out and
    the period's row counts what is listed). Returns (cycles, how many were left out)."""
    work, out = 0, []
    complete = {r["p"] for r in rows if r["complete"]}
    for p in sorted(by_period):
        kept = []
        for c in sorted(by_period[p]):
            w = cycle_work(net.model, p)
            if p in complete or work + w <= MAX_MATRIX_WORK:
                work += w
                kept.append(c)
        if len(kept) != len(by_period[p]):
            next(r for r in rows if r["p"] == p)["count"] = len(kept)
        out += kept
    return out, sum(len(v) for v in by_period.values()) - len(out)


def lyapunov_plrnn(net: PLRNN, P: int, spectrum: bool = True, z0=None, steps: int = 100_000,
                   cap: int = ENUMERATION_CAP, budget: Budget = Budget(), max_nodes: int = 0,
                   first: int = 1) -> dict:
    """Certificate listing every certified cycle of period first..P with stability and exponents,
    complete for the periods that were fully enumerated (n p <= cap) or searched by the pruned
    itinerary search (at most max_nodes nodes per period; 0: no search); plus a spectrum estimate
    when asked. Undecided (no facts, no period rows) when no cycle was found and no period enumerated."""
    if net.n > MAX_PLRNN_DIM:
        raise CertifyError(f"a PLRNN of dimension {net.n} is beyond the checker's limit {MAX_PLRNN_DIM}")
    if not 1 <= P <= MAX_PERIOD:
        raise CertifyError(f"the period P must be between 1 and {MAX_PERIOD}, got {P}")
    if not 0 <= cap <= MAX_CHECK_BITS:
        raise CertifyError(f"--cap must be between 0 and {MAX_CHECK_BITS}, got {cap}")
    if not 1 <= first <= P:
        raise CertifyError(f"the first period must be between 1 and P = {P}, got {first}")
    by_period, enums, rows = certify_cycles(net, P, cap=cap, progress=budget.progress, max_nodes=max_nodes,
                                            first=first)
    cycles, dropped = _within_check_budget(net, by_period, rows)
    for prec in budget.precisions():
        with workprec(prec):
            facts = [cycle_fact(net, c) for c in cycles]
        if not any("separated" in f.get("reason", "") or (f["stable"] is not None and f["exponents"] is None)
                   for f in facts):
            break
    evidence = facts + enums
    cert = {"schema": SCHEMA,
            "map": {"given": net.given, "canonical": net.canonical, "class": "piecewise-linear", "dimension": net.n},
            "claim": {"kind": "plrnn_cycles", "p": P}, "verdict": "proved" if evidence else "undecided",
            "precision": prec, "evidence": evidence, "versions": versions()}
    if evidence:
        cert["periods"] = rows
    else:
        cert["reason"] = ("no cycle of period <= P was found and no period could be enumerated completely" if not dropped
                          else f"the {dropped} cycle(s) found are beyond the checker's work limit for exact Jacobian "
                               "products (their numbers grow with the period) and no period could be enumerated "
                               "completely")
    if spectrum:
        cert["spectrum"] = spectrum_estimate(net, z0, steps=steps)
    return self_checked(cert, budget.self_check, drop=("periods",))
