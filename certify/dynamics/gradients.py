"""BPTT gradient factors d x_T / d x_0 = prod f'(x_t) along an orbit (Mikhaeil et al., Theorems 1-2).

The orbit of a rational x0 and the product are enclosed in ball arithmetic, at a precision raised
with the horizon so that chaotic orbits stay tightly enclosed (about horizon * lambda / ln 2 bits
are lost on the way); the enclosures of log|d x_T / d x_0| at the checkpoints are facts the kernel
re-checks. The growth rate fitted to them is an estimate, compared with the Lyapunov exponent.
"""

from __future__ import annotations

import math

import numpy as np
from flint import fmpq

from certify.arith import Budget, to_fmpq, workprec
from certify.certificates import SCHEMA, interval, q_str
from certify.checker import check
from certify.checker.facts import gradient_logs
from certify.dynamics import typical_estimate
from certify.errors import CertifyError
from certify.maps import Map
from certify.orbits.period import versions


def gradients(m: Map, x0, horizon: int = 2000, points: int = 100, budget: Budget = Budget()) -> dict:
    """Certified log|d x_T/d x_0| at checkpoints T <= horizon, the fitted growth rate, and the regime."""
    if horizon < 2:
        raise CertifyError("--horizon must be at least 2")
    x0 = x0 if isinstance(x0, fmpq) else to_fmpq(float(x0))
    lam = typical_estimate(m, float(x0), steps=max(horizon, 1000), transient=0)
    rate = max(lam["value"] or 0.0, 0.0)
    ts = sorted(set(np.linspace(1, horizon, min(points, horizon)).round().astype(int).tolist()))
    prec, logs = 64 + int(horizon * (rate / math.log(2) + 0.5)), None
    while prec <= 1 << 16:
        with workprec(prec):
            vals = gradient_logs(m.program, x0, horizon)
            if all(v is not None and v.rad() < 1e-6 for v in (vals[t - 1] for t in ts)):
                logs = [(vals[t - 1].lower().fmpq(), vals[t - 1].upper().fmpq()) for t in ts]
                break
        prec *= 2
    claim = {"kind": "gradients", "p": 0, "x0": q_str(x0), "horizon": horizon}
    base = {"schema": SCHEMA, "map": {"given": m.given, "canonical": m.canonical, "class": m.kind},
            "claim": claim, "versions": versions(), "lambda": lam}
    if logs is None:
        return {**base, "verdict": "undecided", "precision": prec // 2, "evidence": [],
                "reason": "the orbit enclosure could not be kept tight (f' = 0 on the orbit, or escape)"}
    mids = np.array([float((lo + hi) / 2) for lo, hi in logs])
    T = np.array(ts, dtype=float)
    half = T >= T[len(T) // 2]
    A = np.vstack([T[half], np.ones(half.sum())]).T
    coef, *_ = np.linalg.lstsq(A, mids[half], rcond=None)
    resid = mids[half] - A @ coef
    dof = max(half.sum() - 2, 1)
    stderr = float(math.sqrt((resid @ resid) / dof / ((T[half] - T[half].mean()) ** 2).sum()))
    slope = float(coef[0])
    regime = ("exploding: exponential growth (chaotic orbit, Theorem 2)" if slope > 3 * stderr + 1e-3 else
              "vanishing: exponential decay (stable fixed point or cycle, Theorem 1)" if slope < -3 * stderr - 1e-3
              else "sub-exponential (neither growth nor decay detected, Theorem 3)")
    fact = {"fact": "gradient_values", "x0": q_str(x0), "T": ts, "log_abs": [interval(lo, hi) for lo, hi in logs]}
    cert = {**base, "verdict": "proved", "precision": prec, "evidence": [fact],
            "growth_rate": slope, "stderr": stderr, "regime": regime,
            "growth_method": "least squares slope of the certified log|dx_T/dx_0| over the second half of "
                             "the checkpoints (an estimate; the values themselves are certified)"}
    if budget.self_check:
        res = check(cert)
        if not res.ok:
            return {**base, "verdict": "undecided", "precision": prec, "evidence": [],
                    "reason": f"internal self-check failed ({res.message})"}
    return cert


def gradient_svg(cert: dict, title: str) -> str:
    """log|dx_T/dx_0| against T with the line of slope lambda (estimate), as SVG."""
    from certify.certificates import interval_parse
    fact = cert["evidence"][0]
    ts = fact["T"]
    ys = [float(sum(interval_parse(iv)) / 2) for iv in fact["log_abs"]]
    lam = cert["lambda"].get("value") or 0.0
    W, H, P = 620, 380, 56
    y0, y1 = min(ys + [0.0]), max(ys + [lam * ts[-1], 0.0])
    y0, y1 = (y0 - 1, y1 + 1) if y1 == y0 else (y0, y1)

    def sx(t):
        return P + (t - ts[0]) / max(ts[-1] - ts[0], 1) * (W - 2 * P)

    def sy(v):
        return H - P - (v - y0) / (y1 - y0) * (H - 2 * P)

    path = " ".join(f"{'M' if i == 0 else 'L'}{sx(t):.1f},{sy(v):.1f}" for i, (t, v) in enumerate(zip(ts, ys)))
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
        f'<rect width="{W}" height="{H}" fill="white"/>', f'<text x="{P}" y="22" font-size="14">{title}</text>',
        f'<rect x="{P}" y="{P}" width="{W - 2 * P}" height="{H - 2 * P}" fill="none" stroke="#999"/>',
        f'<line x1="{sx(ts[0]):.1f}" y1="{sy(lam * ts[0]):.1f}" x2="{sx(ts[-1]):.1f}" y2="{sy(lam * ts[-1]):.1f}" '
        f'stroke="#d62728" stroke-dasharray="5 4"/>',
        f'<path d="{path}" fill="none" stroke="#1f4e9c" stroke-width="1.6"/>',
        f'<text x="{P}" y="{H - 30}">T from {ts[0]} to {ts[-1]}; log|dx_T/dx_0| from {y0:.4g} to {y1:.4g}</text>',
        f'<text x="{P}" y="{H - 12}">blue: certified values; red dashed: lambda T, lambda ~ {lam:.4g} '
        f'(estimate)</text>', "</svg>"]) + "\n"
