"""Lyapunov exponents of n-dimensional vanilla RNN maps h -> act(W h + b): proved on a certified cycle,
estimated along float orbits.

- Cycle (certify.periodic.rnn): a certified cycle of minimal period p whose multipliers lambda (the
  eigenvalues of the Jacobian of f^p at the cycle) lie in the kernel's Gershgorin discs
  (certify.checker.multipliers). A group of discs apart from the others holds exactly as many
  multipliers as discs, so its modulus range [lo, hi] gives that many exponents (1/p) log|lambda| in
  [(1/p) log lo, (1/p) log hi] (-inf when lo <= 0): proved, read off the kernel's discs.
- Spectrum: an *estimate* by the QR (Benettin) method in float64 from several seeded starts (or the
  given z0 and seeded starts near it), run as one stacked array: Q_{t+1} R_t = J(z_t) Q_t,
  lambda_i = mean of log|R_t[i, i]| after a transient. The value is the mean over the starts, the
  error bar the larger of the spread across starts (standard error) and the pooled batch-means
  standard error; `drift` is the largest |first half - second half| (a stationarity diagnostic).
  Log-sums only: no product of Jacobians is ever formed.
"""

from __future__ import annotations

import numpy as np

from certify.arith import Budget
from certify.errors import CertifyError
from certify.maps.rnn import RNNMap
from certify.periodic.rnn import _acts, certify_rnn_cycle

__all__ = ["spectrum_estimate", "lyapunov_rnn", "cycle_exponents"]

STARTS = 4
BATCHES = 20


def _g(v: float) -> str:
    """An estimate as a decimal string (certificates hold no JSON floats)."""
    return "-inf" if v == -np.inf else format(float(v), ".10g")


def spectrum_estimate(net: RNNMap, z0=None, steps: int = 20_000, transient: int = 1_000, starts: int = STARTS,
                      seed: int = 0) -> dict:
    """Float estimate of the Lyapunov spectrum (descending) along `starts` orbits: seeded normal starts,
    or z0 and z0 plus seeded 1e-3 perturbations when z0 is given."""
    W, b = net.floats()
    act, dact = _acts(net.activation)
    n = net.n
    rng = np.random.default_rng([seed, n])
    if z0 is None:
        Z = rng.normal(0.0, 1.0, (starts, n))
    else:
        z0 = np.asarray(z0, dtype=float)
        Z = z0 + np.vstack([np.zeros(n), 1e-3 * rng.normal(0.0, 1.0, (starts - 1, n))])
    first = [_g(v) for v in Z[0]]
    Q = np.broadcast_to(np.eye(n), (starts, n, n)).copy()
    logs = np.empty((steps, starts, n))
    method = (f"QR (Benettin) method, float64, {starts} orbits ({'z0 and seeded starts within 1e-3 of it' if z0 is not None else 'seeded normal starts'}), "
              f"mean of log|R_ii| over {steps} steps after {transient}; error bar: the larger of the standard error "
              f"across the orbits and the pooled {BATCHES}-batch-means standard error; drift = largest |first half - "
              f"second half|")
    with np.errstate(all="ignore"):
        for t in range(transient + steps):
            U = Z @ W.T + b
            J = dact(U)[:, :, None] * W  # diag(act'(W z + b)) W, one per orbit
            Q, R = np.linalg.qr(J @ Q)
            d = np.diagonal(R, axis1=1, axis2=2)
            Q = Q * np.where(d < 0, -1.0, 1.0)[:, None, :]
            if t >= transient:
                logs[t - transient] = np.log(np.abs(d))
            Z = act(U)
    if not np.all(np.isfinite(Z)):
        return {"status": "estimate", "values": None, "stderr": None, "z0": first,
                "method": method + "; an orbit left the finite range, so no estimate"}
    if not np.all(np.isfinite(logs)):  # a zero slope (relu, hardtanh saturated): exponents -inf
        per = logs.mean(axis=0)
        values = per.mean(axis=0)
        order = np.argsort(-values)
        return {"status": "estimate", "values": [_g(values[i]) for i in order], "stderr": [None] * n, "z0": first,
                "steps": steps, "transient": transient, "starts": starts, "seed": seed,
                "method": method + "; some log|R_ii| = -inf (a zero slope), no error bar"}
    per = logs.mean(axis=0)  # starts x n
    values = per.mean(axis=0)
    across = per.std(axis=0, ddof=1) / np.sqrt(starts) if starts > 1 else np.zeros(n)
    means = logs[: steps - steps % BATCHES].reshape(BATCHES, -1, starts, n).mean(axis=1).mean(axis=1)
    batch = means.std(axis=0, ddof=1) / np.sqrt(BATCHES)
    half = steps // 2
    drift = np.abs(logs[:half].mean(axis=0) - logs[half:].mean(axis=0)).max(axis=0)
    se = np.maximum(across, batch)
    order = np.argsort(-values)
    return {"status": "estimate", "values": [_g(values[i]) for i in order], "stderr": [_g(se[i]) for i in order],
            "drift": [_g(drift[i]) for i in order], "z0": first, "steps": steps, "transient": transient,
            "starts": starts, "seed": seed, "final_norm": _g(np.abs(Z).max()), "method": method}


def cycle_exponents(cert: dict) -> list | None:
    """[(count, lo, hi)] for a proved rnn_cycle certificate with a cycle_multipliers fact: `count`
    exponents (1/p) log|lambda| lie in [lo, hi] (arb balls' ends: lo may be -inf), one entry per
    group of the kernel's Gershgorin discs, largest first; None without the fact."""
    from flint import arb

    from certify.checker import multipliers as MU
    from certify.checker.semantics import workprec
    from certify.reporting.rnn import multiplier_discs

    if cert.get("verdict") != "proved" or len(cert.get("evidence", [])) < 2:
        return None
    p = cert["claim"]["p"]
    with workprec(cert["precision"]):
        ds = multiplier_discs(cert)
        out = []
        for g in MU.groups(ds):
            lo, hi = MU.modulus_range([ds[i] for i in g])
            lo_e = (lo.log() / p).lower() if lo > 0 else arb("-inf")
            hu = arb(hi.upper())
            hi_e = (hu.log() / p).upper() if hu > 0 else arb("-inf")
            out.append((len(g), lo_e, hi_e))
    return sorted(out, key=lambda e: -float(e[2]) if e[2].is_finite() else float("inf"))


def lyapunov_rnn(net: RNNMap, p: int = 1, spectrum: bool = True, z0=None, steps: int = 20_000,
                 budget: Budget = Budget()) -> dict:
    """The certificate of a cycle of minimal period p (claim rnn_cycle: its exponents are proved from
    the kernel's multiplier discs), with the spectrum estimate of a typical orbit as the informational
    field `spectrum` when asked."""
    if z0 is not None and len(z0) != net.n:
        raise CertifyError(f"x0 (--x0) for an RNN takes {net.n} comma-separated numbers, got {len(z0)}")
    cert = certify_rnn_cycle(net, p, budget)
    if spectrum:
        cert["spectrum"] = spectrum_estimate(net, z0, steps=steps)
    return cert
