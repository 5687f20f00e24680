"""Lyapunov exponents: proved for certified periodic orbits, estimated for typical orbits.

- Orbits: every orbit of minimal period p is certified (complete list, certify.periodic), and its
  exponent (1/p) sum log|f'(x_i)| is enclosed in ball arithmetic from the orbit's enclosures,
  exactly for piecewise-linear maps; attracting / repelling is proved from |prod f'(x_i)|.
- Typical orbits: an *estimate* from a float orbit (log-sums, never raw products): transient
  dropped, batch means give a standard error, first-half vs second-half gives a drift diagnostic.
  For PL maps with constant |slope| s it is instead *proved* to be log s (every orbit that avoids
  the breakpoints, i.e. all but countably many). In certificates an estimate's numbers are decimal
  strings (certify.certificates.decimals): certificates hold no JSON floats.
"""

from __future__ import annotations

import numpy as np

from certify.arith import Budget, float_map, workprec
from certify.certificates import decimals, interval, interval_parse, q_str
from certify.verify import self_checked
from certify.checker.orbits import typical_proved
from certify.checker.facts import cycle_exponent, pl_image
from certify.maps import Map
from certify.periodic.period import certify_orbits

__all__ = ["lyapunov", "typical_estimate", "ensemble_estimate"]


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


def ensemble_estimate(m: Map, window, orbits: int = 100, steps: int = 10_000, transient: int = 1_000,
                      seed: int = 0) -> dict:
    """Float estimate of lambda from `orbits` random starts (uniform in the window), run as one array.

    Each orbit's mean of log|f'| after the transient is one sample; the estimate is their mean and
    the error bar their standard error. Orbits that leave the finite range are dropped and counted.
    """
    f = float_map(m.program, deriv=True)
    rng = np.random.default_rng(seed)
    x = rng.uniform(float(window[0]), float(window[1]), orbits)
    acc = np.zeros(orbits)
    with np.errstate(all="ignore"):
        for _ in range(transient):
            x = f(x)[0]
        for _ in range(steps):
            y, d = f(x)
            acc += np.log(np.abs(d))
            x = y
    per = acc / steps
    ok = np.isfinite(per)
    if ok.sum() < 2:
        return {"status": "estimate", "value": None, "stderr": None,
                "method": "ensemble of float orbits; too few stayed finite"}
    return {"status": "estimate", "value": float(per[ok].mean()), "stderr": float(per[ok].std(ddof=1) / np.sqrt(ok.sum())),
            "orbits": int(ok.sum()), "dropped": int((~ok).sum()), "steps": steps, "transient": transient,
            "window": [float(window[0]), float(window[1])], "seed": seed,
            "method": f"{int(ok.sum())} float64 orbits from uniform random starts, {steps} steps each after "
                      f"{transient}; mean of per-orbit means of log|f'|, stderr across orbits"}


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
    slope = _constant_slope(m, cert)
    if slope is not None and cert["verdict"] != "undecided":  # an undecided certificate carries no facts
        s, I = slope
        fact = {"fact": "constant_slope", "s": q_str(s)}
        if I is not None:
            fact["interval"] = interval(*I)
        cert["evidence"].append(fact)
        cert["typical"] = typical_proved(s, I)
    elif x0 is not None:
        cert["typical"] = decimals(typical_estimate(m, x0, steps))
    else:
        cert["typical"] = decimals(ensemble_estimate(m, _window(cert), orbits=100, steps=max(steps // 100, 100)))
    return self_checked(cert, budget.self_check, drop=("exponents", "orbits", "count", "complete"))


def _constant_slope(m: Map, cert: dict):
    """(s, I): |f'| = s on every piece (I None), or on every piece meeting the proved region I when
    f(I) is in I (the typical orbit of I); None otherwise."""
    pl = m.program.pl()
    if pl is None:
        return None
    slopes = {abs(s) for s in pl.slopes}
    if len(slopes) == 1 and next(iter(slopes)) > 0:
        return next(iter(slopes)), None
    region = next((interval_parse(f["region"]) for f in cert.get("evidence", [])
                   if f.get("fact") == "region" and f.get("region") not in (None, "empty")), None)
    if region is None or not region[0] < region[1]:
        return None
    img = pl_image(pl, *region)
    if img[0] < region[0] or img[1] > region[1]:
        return None
    lo, hi = region
    ends = [None] + list(pl.breaks) + [None]
    inside = {abs(t) for k, t in enumerate(pl.slopes)
              if (ends[k] is None or ends[k] < hi) and (ends[k + 1] is None or ends[k + 1] > lo)}
    if len(inside) == 1 and next(iter(inside)) > 0:
        return next(iter(inside)), region
    return None


def _window(cert: dict):
    """Where random starts are drawn: the proved region holding the periodic points, else the orbits' hull."""
    for f in cert.get("evidence", []):
        if f.get("fact") == "region" and f.get("region") not in (None, "empty"):
            return interval_parse(f["region"])
    pts = [float(sum(interval_parse(b)) / 2) for o in cert.get("orbits", []) for b in o]
    return (min(pts), max(pts)) if len(pts) > 1 and max(pts) > min(pts) else (0.0, 1.0)
