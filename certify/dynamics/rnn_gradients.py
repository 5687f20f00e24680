"""BPTT Jacobian products dz_T/dz_0 along an orbit of an n-dimensional RNN, in ball matrices.

The orbit of a rational z0 and the product of the Jacobians diag(act'(W z_t + b)) W are enclosed in
arb balls by the kernel's own routine (certify.checker.rnn_gradients.norm_logs), at a precision
raised with the horizon so that a chaotic orbit stays tightly enclosed (about T lambda_max / ln 2
bits are lost by time T); the enclosures of log ||dz_T/dz_0||_inf at the checkpoints are the facts.
The growth rate fitted to them is an estimate, compared with lambda_max estimated by the QR method
along the same orbit (Mikhaeil et al., Theorem 2: the norm grows like exp(lambda_max T) on a chaotic
orbit; on an orbit attracted to a stable cycle it is bounded, and decays when the cycle's multipliers
are inside the unit circle, Theorem 1).
"""

from __future__ import annotations

import math

import numpy as np

from certify.arith import Budget, dyadic, workprec
from certify.certificates import SCHEMA, interval
from certify.checker import check
from certify.checker.limits import MAX_HORIZON
from certify.checker.rnn_gradients import MAX_GRADIENT_WORK, gradient_work, norm_logs
from certify.certificates import q_str
from certify.dynamics.gradients import _fit
from certify.dynamics.rnn import spectrum_estimate
from certify.errors import CertifyError
from certify.maps.rnn import RNNMap
from certify.periodic.period import versions

__all__ = ["rnn_gradients"]


def _tight(v) -> bool:
    return v is not None and v.rad() < 1e-6


def _iv(v):
    return dyadic(v.lower().fmpq(), 48, up=False), dyadic(v.upper().fmpq(), 48, up=True)


def rnn_gradients(net: RNNMap, z0: list, horizon: int = 500, points: int = 100, budget: Budget = Budget()) -> dict:
    """Certificate (claim rnn_gradients) of log ||dz_T/dz_0||_inf at checkpoints T <= horizon along the
    orbit of the exact start z0 (fmpq list), with the fitted growth rate and lambda_max (estimates)."""
    if not 2 <= horizon <= MAX_HORIZON:
        raise CertifyError(f"--horizon must be between 2 and {MAX_HORIZON}")
    if len(z0) != net.n:
        raise CertifyError(f"--z0 for this RNN takes {net.n} comma-separated exact numbers, got {len(z0)}")
    lam = spectrum_estimate(net, [float(v) for v in z0], steps=max(horizon, 1000), transient=0, starts=1)
    lmax = float(lam["values"][0]) if lam.get("values") else 0.0
    rate = max(lmax if math.isfinite(lmax) else 0.0, 0.0)
    ts = sorted(set(np.linspace(1, horizon, min(points, horizon)).round().astype(int).tolist()))
    prec, logs = 64 + int(horizon * (1.5 * rate / math.log(2) + 0.05)), None
    while prec <= 1 << 16 and gradient_work(net.n, horizon, prec) <= MAX_GRADIENT_WORK:
        with workprec(prec):
            vals = norm_logs(net.model, z0, horizon, prec, ts)
            if all(_tight(vals[t]) for t in ts):
                logs = [_iv(vals[t]) for t in ts]
                break
        budget.report(f"gradients: enclosures not tight at {prec} bits")
        prec *= 2
    cls = "smooth" if net.activation in ("tanh", "sigmoid") else "piecewise-linear"
    base = {"schema": SCHEMA, "map": {"given": net.given, "canonical": net.canonical, "class": cls},
            "claim": {"kind": "rnn_gradients", "p": 0, "z0": [q_str(v) for v in z0], "horizon": horizon},
            "versions": versions(),
            "lambda_max": {"status": "estimate", "value": lam["values"][0] if lam.get("values") else None,
                           "stderr": lam["stderr"][0] if lam.get("stderr") else None, "method": lam["method"]}}
    if logs is None:
        return {**base, "verdict": "undecided", "precision": min(max(prec // 2, 64), 1 << 16), "evidence": [],
                "reason": "the orbit enclosure could not be kept tight within the kernel's work limit (a zero "
                          "slope on the orbit, or a horizon too long for the precision it needs)"}
    slope, stderr = _fit(ts, logs)
    regime = ("exploding: exponential growth (chaotic orbit, Theorem 2)" if slope > 3 * stderr + 1e-3 else
              "vanishing: exponential decay (orbit attracted to a stable cycle, Theorem 1)"
              if slope < -3 * stderr - 1e-3 else "bounded: neither growth nor decay detected")
    cert = {**base, "verdict": "proved", "precision": prec,
            "evidence": [{"fact": "jacobian_norms", "T": ts, "log_norm": [interval(*v) for v in logs]}],
            "growth_rate": {"status": "estimate", "value": format(slope, ".6g"), "stderr": format(stderr, ".2g")},
            "regime": regime,
            "growth_method": "least squares slope of the certified log||dz_T/dz_0||_inf over the second half of the "
                             "checkpoints (an estimate; the values themselves are certified)"}
    if budget.self_check:
        res = check(cert)
        if not res.ok:
            return {**base, "verdict": "undecided", "precision": prec, "evidence": [],
                    "reason": f"internal self-check failed ({res.message})"}
    return cert
