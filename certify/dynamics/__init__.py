"""Lyapunov exponents: proved for certified periodic orbits, estimated for typical orbits.

- Orbits: every orbit of minimal period p is certified (complete list, certify.orbits), and its
  exponent (1/p) sum log|f'(x_i)| is enclosed in ball arithmetic from the orbit's enclosures,
  exactly for piecewise-linear maps; attracting / repelling is proved from |prod f'(x_i)|.
- Typical orbits: an *estimate* from a float orbit (log-sums, never raw products): transient
  dropped, batch means give a standard error, first-half vs second-half gives a drift diagnostic.
  For PL maps with constant |slope| s it is instead *proved* to be log s (every orbit that avoids
  the breakpoints, i.e. all but countably many).
"""

from __future__ import annotations

import numpy as np
from flint import fmpq

from certify.arith import Budget, float_map, workprec
from certify.certificates import interval, interval_parse, q_str
from certify.checker import check
from certify.checker.facts import cycle_exponent
from certify.maps import Map
from certify.orbits.period import certify_orbits

__all__ = ["lyapunov", "typical_estimate"]


def typical_estimate(m: Map, x0: float, steps: int = 100_000, transient: int = 1_000, batches: int = 20) -> dict:
    """Float estimate of the Lyapunov exponent of the orbit of x0, with a batch-means error bar."""
    f = float_map(m.program, deriv=True)
    x = np.array([float(x0)])
    with np.errstate(all="ignore"):
        for _ in range(transient):
            x = f(x)[0]
        logs = np.empty(steps)
        for t in range(steps):
            y, d = f(x)
            logs[t] = np.log(abs(d[0]))
            x = y
    if not np.all(np.isfinite(logs)) or not np.isfinite(x[0]):
        return {"status": "estimate", "value": None, "stderr": None, "x0": x0, "steps": steps,
                "method": "float orbit; it left the finite range or hit f' = 0, so no estimate"}
    means = logs[: steps - steps % batches].reshape(batches, -1).mean(axis=1)
    half = steps // 2
    return {"status": "estimate", "value": float(logs.mean()), "stderr": float(means.std(ddof=1) / np.sqrt(batches)),
            "drift": float(abs(logs[:half].mean() - logs[half:].mean())), "x0": x0, "steps": steps,
            "transient": transient,
            "method": f"float64 orbit of x0, mean of log|f'(x_t)| over {steps} steps after {transient}; "
                      f"stderr from {batches} batch means; drift = |first half - second half|"}


def lyapunov(m: Map, period: int = 1, x0: float | None = None, steps: int = 100_000,
             budget: Budget = Budget()) -> dict:
    """Certificate of every orbit of minimal period `period` with its exponent, plus a typical estimate."""
    cert = certify_orbits(m, period, budget=budget)
    if cert["verdict"] == "proved" and cert.get("count") != "continuum":
        exps = []
        with workprec(cert["precision"]):
            for orb in cert["orbits"]:
                boxes = [interval_parse(b) for b in orb]
                lam, mult = cycle_exponent(m.program, boxes)
                if lam is None:
                    exps.append(None)
                    continue
                stable = True if abs(mult) < 1 else False if abs(mult) > 1 else None
                exps.append({"period": period, "exponent": interval(lam.lower().fmpq(), lam.upper().fmpq()),
                             "stable": stable})
        if None not in exps:
            cert["exponents"] = exps
    pl = m.program.pl()
    slopes = {abs(s) for s in pl.slopes} if pl is not None else set()
    if len(slopes) == 1 and next(iter(slopes)) > 0:
        s = next(iter(slopes))
        cert.setdefault("evidence", []).append({"fact": "constant_slope", "s": q_str(s)})
        cert["typical"] = {"status": "proved", "value": f"log({q_str(s)})", "stderr": None,
                           "method": "|f'| = s on every piece: every orbit avoiding the breakpoints has "
                                     "exponent log s"}
    else:
        start = x0 if x0 is not None else _default_start(cert)
        cert["typical"] = typical_estimate(m, start, steps)
    if cert["verdict"] != "undecided" and budget.self_check:
        res = check(cert)
        if not res.ok:
            cert = {k: v for k, v in cert.items() if k not in ("exponents", "orbits", "count", "complete")}
            cert.update(verdict="undecided", evidence=[], reason=f"internal self-check failed ({res.message})")
    return cert


def _default_start(cert: dict) -> float:
    """A generic start: an irrational-looking point inside the region, if one was proved."""
    for f in cert.get("evidence", []):
        if f.get("fact") == "region" and f.get("region") not in (None, "empty"):
            lo, hi = interval_parse(f["region"])
            return float(lo + (hi - lo) * fmpq(2718281, 10 ** 7))
    return 0.2718281828
