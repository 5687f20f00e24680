"""BPTT gradient factors d x_T / d x_0 = prod f'(x_t) along an orbit (Mikhaeil et al., Theorems 1-2),
and parameter gradients d x_T / d theta and dL_T / d theta of a squared loss along it (forward mode).

The orbit of a rational x0 and the product are enclosed in ball arithmetic, at a precision raised
with the horizon so that chaotic orbits stay tightly enclosed (about horizon * lambda / ln 2 bits
are lost on the way); the enclosures of log|d x_T / d x_0| at the checkpoints are facts the kernel
re-checks. The growth rate fitted to them is an estimate, compared with the Lyapunov exponent.
"""

from __future__ import annotations

import math

import numpy as np
from flint import fmpq

from certify.arith import Budget, dyadic, to_fmpq, workprec
from certify.certificates import SCHEMA, decimals, interval, q_str
from certify.verify import self_checked
from certify.checker.gradients import MAX_HORIZON, gradient_logs, param_gradient_logs
from certify.checker.statement import MAX_BALL_WORK, ball_work
from certify.dynamics import typical_estimate
from certify.errors import CertifyError
from certify.maps import Family, Map
from certify.periodic.period import versions


def gradients(m: Map | None, x0, horizon: int = 2000, points: int = 100, budget: Budget = Budget(),
              family: Family | None = None, value=None, loss: bool = False, y0=None) -> dict:
    """Certified log|d x_T/d x_0| at checkpoints T <= horizon, the fitted growth rate, and the regime.

    With a `family` and an exact parameter `value` (then `m` may be None: the map is the family at
    the value) also log|d x_T/d theta| by forward-mode propagation, and with `loss` the gradient of
    L_T = (1/T) sum_{t=1..T} (x_t - y_t)^2 w.r.t. theta, the targets y_t being the orbit of y0
    (default x0 + 1/1000) at the same parameter: certified at the checkpoints, growth fitted (estimate).
    """
    if not 2 <= horizon <= MAX_HORIZON:
        raise CertifyError(f"--horizon must be between 2 and {MAX_HORIZON}")
    if loss and family is None:
        raise CertifyError("--loss needs --param (the loss gradient is taken w.r.t. a parameter)")
    x0 = x0 if isinstance(x0, fmpq) else to_fmpq(float(x0))
    if family is not None:
        m = family.at(value)
        prog = family.program.at_ball(value, value)
        y0 = x0 + fmpq(1, 1000) if y0 is None else y0
    else:
        prog = m.program
    lam = typical_estimate(m, float(x0), steps=max(horizon, 1000), transient=0)
    rate = max(lam["value"] or 0.0, 0.0)
    ts = sorted(set(np.linspace(1, horizon, min(points, horizon)).round().astype(int).tolist()))
    prec, logs, plogs = 64 + int(horizon * (rate / math.log(2) + 0.5)), None, None
    series = 3 if family is not None else 1
    while prec <= 1 << 16 and ball_work(horizon, prec) * series <= MAX_BALL_WORK:  # the kernel's work limit
        with workprec(prec):
            vals = gradient_logs(prog, x0, horizon, ts)
            pvals = param_gradient_logs(prog, x0, y0, horizon, loss, ts) if family is not None else None
            if all(_tight(vals[t]) for t in ts) and (pvals is None or _tight_series(pvals, ts)):
                logs = [_iv(vals[t]) for t in ts]
                plogs = pvals and [(t, _iv(pvals[0][t]), _iv(pvals[1][t]) if loss else None)
                                   for t in ts if all(s[t] is not None for s in pvals if s)]
                break
        prec *= 2
    claim = {"kind": "gradients", "p": 0, "x0": q_str(x0), "horizon": horizon}
    canonical, given = m.canonical, m.given
    if family is not None:
        claim.update(param=family.param, value=q_str(value))
        canonical, given = family.canonical, f"{family.given} at {family.param}={q_str(value)}"
    base = {"schema": SCHEMA, "map": {"given": given, "canonical": canonical, "class": m.kind},
            "claim": claim, "versions": versions(), "lambda": decimals(lam)}
    if logs is None:
        return {**base, "verdict": "undecided", "precision": min(max(prec // 2, 64), 1 << 16), "evidence": [],
                "reason": "the orbit enclosure could not be kept tight within the kernel's work limit (f' = 0 on "
                          "the orbit, escape, or a horizon too long for the precision it needs)"}
    slope, stderr = _fit(ts, logs)
    regime = ("exploding: exponential growth (chaotic orbit, Theorem 2)" if slope > 3 * stderr + 1e-3 else
              "vanishing: exponential decay (stable fixed point or cycle, Theorem 1)" if slope < -3 * stderr - 1e-3
              else "sub-exponential (neither growth nor decay detected, Theorem 3)")
    evidence = [{"fact": "gradient_values", "x0": q_str(x0), "T": ts, "log_abs": [interval(*v) for v in logs]}]
    cert = {**base, "verdict": "proved", "precision": prec, "evidence": evidence,
            "growth_rate": decimals(slope), "stderr": decimals(stderr), "regime": regime,
            "growth_method": "least squares slope of the certified log|dx_T/dx_0| over the second half of "
                             "the checkpoints (an estimate; the values themselves are certified)"}
    if family is not None:
        pts = [t for t, _, _ in plogs]
        evidence.append({"fact": "param_gradient_values", "x0": q_str(x0), "y0": q_str(y0), "T": pts,
                         "log_abs_dx": [interval(*dx) for _, dx, _ in plogs],
                         "log_abs_dL": [interval(*dl) for _, _, dl in plogs] if loss else None})
        series = [dl if loss else dx for _, dx, dl in plogs]
        pslope, perr = _fit(pts, series) if len(pts) >= 4 else (float("nan"), float("nan"))
        what = "dL_T/d" + family.param if loss else f"dx_T/d{family.param}"
        cert["param_gradient"] = {
            "status": "estimate", "series": what,
            "growth_rate": decimals(pslope), "stderr": decimals(perr),
            "regime": ("exploding: grows like exp(lambda T) (chaotic orbit, Theorem 2)"
                       if pslope > 3 * perr + 1e-3 else "bounded: no exponential growth (stable cycle)"),
            "method": f"least squares slope of the certified log|{what}| over the second half of the "
                      "checkpoints (an estimate; the values themselves are certified facts)"}
    return self_checked(cert, budget.self_check, keep=(*base, "precision"))


def _tight(v) -> bool:
    return v is not None and v.rad() < 1e-6


def _tight_series(pvals, ts) -> bool:
    """Every non-null enclosure tight, and the last checkpoint enclosed (a blow-up shows there)."""
    return all(s[ts[-1]] is not None and all(s[t] is None or _tight(s[t]) for t in ts) for s in pvals if s)


def _iv(v):
    """The ball's ends rounded outward to multiples of 2^-48 (short exact strings)."""
    return dyadic(v.lower().fmpq(), 48, up=False), dyadic(v.upper().fmpq(), 48, up=True)


BATCHES = 5  # blocks of the second half whose rates give the batch-means error of a fitted growth rate


def _fit(ts, logs):
    """Least-squares slope of the interval midpoints against T over the second half, and its standard
    error: the larger of the regression's (independent residuals) and the batch-means error of the
    rates over BATCHES consecutive blocks of the second half (the log-norm is a sum of correlated local stretchings, so
    the regression's error alone understates a finite-time rate's spread)."""
    mids = np.array([float((lo + hi) / 2) for lo, hi in logs])
    T = np.array(ts, dtype=float)
    half = T >= T[len(T) // 2]
    A = np.vstack([T[half], np.ones(half.sum())]).T
    coef, *_ = np.linalg.lstsq(A, mids[half], rcond=None)
    resid = mids[half] - A @ coef
    dof = max(half.sum() - 2, 1)
    stderr = float(math.sqrt((resid @ resid) / dof / ((T[half] - T[half].mean()) ** 2).sum()))
    Th, Xh = T[half], mids[half]
    cuts = np.unique(np.linspace(0, len(Th) - 1, BATCHES + 1).round().astype(int))
    if len(cuts) >= 3:
        w, dx = np.diff(Th[cuts]), np.diff(Xh[cuts])
        rate = dx.sum() / w.sum()
        batch = math.sqrt(float((w ** 2 * (dx / w - rate) ** 2).sum()) / w.sum() ** 2 * len(w) / (len(w) - 1))
        stderr = max(stderr, batch)
    return float(coef[0]), stderr
