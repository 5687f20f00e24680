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
from certify.verify import self_checked
from certify.checker.limits import MAX_HORIZON
from certify.checker.rnn_gradients import MAX_GRADIENT_WORK, gradient_work, orbit_product, plrnn_image, trapped_bound
from certify.checker.statement import Failure
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


def _start_precision(net: RNNMap, z0: list, horizon: int, rate: float) -> int:
    """A first precision: the bits the kernel's enclosure loses per step, measured on a 64-bit run of up to
    60 steps (box arithmetic loses more than lambda_max: the wrapping effect), times the horizon, plus 64."""
    from certify.arith import workprec as _wp

    steps = min(horizon, 60)
    with _wp(64):
        _, Z, _ = orbit_product(net.model, z0, steps, 64, [steps])
    rad = max(float(Z[i, 0].rad()) for i in range(net.n))
    lost = max(math.log2(rad) + 64, 0.0) / steps if rad > 0 and math.isfinite(rad) else 64 / steps
    per_step = max(lost, rate / math.log(2))
    return 64 + 32 + int(1.25 * horizon * per_step)


def _is_plrnn(net) -> bool:
    from certify.maps.plrnn import PLRNN
    return isinstance(net, PLRNN)


def _float_map(net):
    """The network's map in float64 (an RNN h -> act(W h + b) or a PLRNN z -> A z + W relu(z) + h)."""
    if _is_plrnn(net):
        a, W, h = net.floats()
        return lambda z: a * z + W @ np.maximum(z, 0.0) + h
    from certify.periodic.rnn import _acts

    W, b = net.floats()
    act, _ = _acts(net.activation)
    return lambda z: act(W @ z + b)


def _period_of(net, z: np.ndarray, steps: int = 4000) -> int | None:
    """The period p <= 64 of the float cycle the orbit of z has reached (or reaches after `steps`), else None."""
    f = _float_map(net)
    orbit = [z]
    with np.errstate(all="ignore"):  # a diverging orbit has no period: inf/nan never match below
        for _ in range(steps + 64):
            orbit.append(f(orbit[-1]))
    tail = orbit[-65:]
    for p in range(1, 65):
        if np.abs(tail[-1] - tail[-1 - p]).max() < 1e-10 * (1 + np.abs(tail[-1]).max()):
            return p
    return None


def _trapped_fact(net: RNNMap, Z, P):
    """A trapped_cycle fact (the gradient bound for every T >= H) when the orbit at H is near an attracting
    cycle of period p: powers j = 1, 2, 4, ..., weights d from the Perron vector of |Q| (Q the p j-step
    slope product along the orbit balls from z_H), boxes c +- r d of growing r; None when no attempt
    passes the kernel's test (trapped_bound)."""
    from flint import arb_mat, fmpq

    from certify.checker.rnn import _identity, _image
    from certify.dynamics.rnn_contraction import _weights

    n = net.n
    c = np.array([float(Z[i, 0].mid()) for i in range(n)])
    p = _period_of(net, c)
    if p is None:
        return None
    rad = max(float(Z[i, 0].rad()) for i in range(n))
    Zc, M = Z, _identity(n)
    for _ in range(p):
        if _is_plrnn(net):
            X, A = plrnn_image(net.model, [Zc[i, 0] for i in range(n)])
            Zc = arb_mat(n, 1, X)
        else:
            Zc, A = _image(net.model, Zc, 64)
        M = A * M
    Mf = np.array([[float(M[i, k].mid()) for k in range(n)] for i in range(n)])
    if not np.all(np.isfinite(Mf)) or np.abs(np.linalg.eigvals(Mf)).max() >= 1:
        return None  # not near an attracting cycle: no trapped box to look for
    j, Mj = 1, M
    while p * j <= 64 and j <= 64:
        d = _weights(Mj)
        df = np.array([float(v) for v in d])
        for r in (1e-10, 1e-8, 1e-6, 1e-4, 1e-2):
            r = max(r * (1 + np.abs(c).max()), 4 * rad / df.min())
            box = [(fmpq(*float(v - r * w).as_integer_ratio()), fmpq(*float(v + r * w).as_integer_ratio()))
                   for v, w in zip(c, df)]
            fact = {"fact": "trapped_cycle", "p": p, "power": j, "box": [interval(lo, hi) for lo, hi in box],
                    "weights": [q_str(v) for v in d]}
            try:
                trapped_bound(net.model, fact, Z, P)
            except Failure:
                continue
            return fact
        j, Mj = 2 * j, Mj * Mj
    return None


def rnn_gradients(net, z0: list, horizon: int = 500, points: int = 100, budget: Budget = Budget()) -> dict:
    """Certificate (claim rnn_gradients) of log ||dz_T/dz_0||_inf at checkpoints T <= horizon along the
    orbit of the exact start z0 (fmpq list) of an RNN (RNNMap) or a PLRNN (certify.maps.plrnn.PLRNN),
    with the fitted growth rate and lambda_max (estimates)."""
    if not 2 <= horizon <= MAX_HORIZON:
        raise CertifyError(f"--horizon must be between 2 and {MAX_HORIZON}")
    if len(z0) != net.n:
        raise CertifyError(f"--z0 for this RNN takes {net.n} comma-separated exact numbers, got {len(z0)}")
    if _is_plrnn(net):
        from certify.dynamics.plrnn import spectrum_estimate as plrnn_spectrum
        lam = plrnn_spectrum(net, [float(v) for v in z0], steps=max(horizon, 1000), transient=0)
    else:
        lam = spectrum_estimate(net, [float(v) for v in z0], steps=max(horizon, 1000), transient=0, starts=1)
    lmax = float(lam["values"][0]) if lam.get("values") else 0.0
    rate = max(lmax if math.isfinite(lmax) else 0.0, 0.0)
    ts = sorted(set(np.linspace(1, horizon, min(points, horizon)).round().astype(int).tolist()))
    prec, logs, trap = _start_precision(net, z0, horizon, rate), None, None
    while prec <= 1 << 16 and gradient_work(net.n, horizon, prec) <= MAX_GRADIENT_WORK:
        with workprec(prec):
            vals, Z, P = orbit_product(net.model, z0, horizon, prec, ts)
            if all(_tight(vals[t]) for t in ts):
                logs = [_iv(vals[t]) for t in ts]
                trap = _trapped_fact(net, Z, P)
                break
        budget.report(f"gradients: enclosures not tight at {prec} bits")
        prec *= 2
    cls = "piecewise-linear" if _is_plrnn(net) or net.activation not in ("tanh", "sigmoid") else "smooth"
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
            "evidence": [{"fact": "jacobian_norms", "T": ts, "log_norm": [interval(*v) for v in logs]}]
            + ([trap] if trap is not None else []),
            "growth_rate": {"status": "estimate", "value": format(slope, ".6g"), "stderr": format(stderr, ".2g")},
            "regime": regime,
            "growth_method": "least squares slope of the certified log||dz_T/dz_0||_inf over the second half of the "
                             "checkpoints (an estimate; the values themselves are certified)"}
    return self_checked(cert, budget.self_check, keep=(*base, "precision"))
