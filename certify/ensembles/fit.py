"""Fitted gain thresholds (estimates): the gain at which the certified probability crosses a level.

Model, per width: the certified counts k_j of n_j networks at gains g_j are independent binomials
with P(proved | g) = 1 / (1 + exp(-(alpha + beta log g))) (logistic regression in log g), fitted by
maximum likelihood. The crossing gain of a level L is g_L = exp((logit L - alpha) / beta). Its 95%
interval is the profile-likelihood interval {g : 2 (l_max - l_prof(g)) <= 3.8415}, where l_prof(g)
is the largest log-likelihood of a logistic curve through (g, L) (one parameter left: the slope).
The counts are certified; the model and everything fitted to it are estimates.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["LEVELS", "gain_thresholds", "logistic"]

LEVELS = (0.1, 0.5, 0.9)
CHI2_1_95 = 3.841458820694124  # 95% quantile of chi-square with 1 degree of freedom
BETA_MAX = 1e3  # slopes are searched in [-BETA_MAX, BETA_MAX] (a jump within 1e-3 in log g)
METHOD = ("logistic regression of the certified counts on log(gain), maximum likelihood; "
          "95% profile-likelihood interval")


def logistic(alpha: float, beta: float, g: float) -> float:
    """The fitted probability at gain g."""
    eta = alpha + beta * math.log(g)
    return 1 / (1 + math.exp(-eta)) if eta > -700 else 0.0


def _loglik(eta, k, n):
    """sum of k log sigma(eta) + (n - k) log(1 - sigma(eta)), stable for large |eta|."""
    from scipy.special import log_expit

    return float((k * log_expit(eta) + (n - k) * log_expit(-eta)).sum())


def _mle(u, k, n):
    """(alpha, beta, l_max) maximising the (concave) log-likelihood, by scipy's exact-Hessian trust
    region method; None if the counts separate (the slope runs beyond BETA_MAX)."""
    from scipy.optimize import minimize
    from scipy.special import expit

    X = np.column_stack([np.ones_like(u), u])

    def negll(theta):
        return -_loglik(X @ theta, k, n)

    def grad(theta):
        return -(X.T @ (k - n * expit(X @ theta)))

    def hess(theta):
        mu = expit(X @ theta)
        return X.T @ (X * (n * mu * (1 - mu))[:, None])

    p0 = min(max(k.sum() / n.sum(), 1e-6), 1 - 1e-6)
    res = minimize(negll, np.array([math.log(p0 / (1 - p0)), 0.0]), jac=grad, hess=hess, method="trust-exact",
                   options={"gtol": 1e-10, "maxiter": 500})
    alpha, beta = (float(v) for v in res.x)
    if not math.isfinite(beta) or abs(beta) > BETA_MAX:
        return None
    return alpha, beta, -float(res.fun)


def _profile(t, lam, u, k, n):
    """max over beta in [-BETA_MAX, BETA_MAX] of the log-likelihood of the curves with eta(t) = lam:
    the root of d l / d beta (decreasing in beta: the log-likelihood is concave), by brentq."""
    from scipy.optimize import brentq
    from scipy.special import expit

    d = u - t

    def slope(beta):
        return float(((k - n * expit(lam + beta * d)) * d).sum())

    if slope(-BETA_MAX) <= 0:
        beta = -BETA_MAX
    elif slope(BETA_MAX) >= 0:
        beta = BETA_MAX
    else:
        beta = brentq(slope, -BETA_MAX, BETA_MAX, xtol=1e-12, rtol=4 * np.finfo(float).eps)
    return _loglik(lam + beta * d, k, n)


def _separation(u, k, n):
    """(u_a, u_b, u_m) when no cell below u_m has a success and every cell above u_m has only
    successes (or the reverse), u_m being the one cell with both (None when there is none: the
    step lies between u_a and u_b); u_a, u_b are the neighbouring cells (None beyond the grid).
    The likelihood then has no maximum (ever steeper curves approach its supremum); None otherwise.
    u must be sorted and without repeats."""
    m = len(u)
    none, full = k == 0, k == n
    for low, high in ((none, full), (full, none)):
        for j in range(m - 1):  # a clean step between cells j and j + 1
            if low[: j + 1].all() and high[j + 1:].all():
                return u[j], u[j + 1], None
        for j in range(m):  # a step at the one mixed cell j
            if not (none[j] or full[j]) and low[:j].all() and high[j + 1:].all():
                return (u[j - 1] if j > 0 else None), (u[j + 1] if j < m - 1 else None), u[j]
    return None


def _interval(t0, lmax, lam, u, k, n):
    """The profile-likelihood interval around t0 (log gains): each end is bracketed by stepping out
    from t0 and then found by brentq; an end is None if it lies beyond the search range (the grid
    widened by its own span on each side)."""
    from scipy.optimize import brentq

    cut = lmax - CHI2_1_95 / 2

    def excess(t):
        return _profile(t, lam, u, k, n) - cut

    span = max(u.max() - u.min(), math.log(2))
    ends = []
    for sign, bound in ((-1, u.min() - span), (1, u.max() + span)):
        inside, step = t0, span / 64
        while True:
            t = inside + sign * step
            if (t - bound) * sign > 0:
                ends.append(None)
                break
            if excess(t) < 0:
                ends.append(math.exp(brentq(excess, min(inside, t), max(inside, t), xtol=1e-13)))
                break
            inside, step = t, step * 1.5
    return ends


def gain_thresholds(rows, levels=LEVELS) -> list[dict]:
    """Per width and level: the fitted crossing gain and its 95% interval (see the module docstring).

    rows: summary rows with width, gain, n and proved. Widths with fewer than two gains are skipped.
    """
    out = []
    for width in sorted({r["width"] for r in rows}):
        cells = sorted((r["gain"], r["proved"], r["n"]) for r in rows if r["width"] == width)
        if len({g for g, _, _ in cells}) < 2:
            continue
        u = np.array([math.log(g) for g, _, _ in cells])
        k = np.array([float(c) for _, c, _ in cells])
        n = np.array([float(m) for _, _, m in cells])
        base = {"width": width, "status": "estimate", "method": METHOD}
        if k.sum() == 0 or k.sum() == n.sum():
            for level in levels:
                out.append({**base, "level": level, "gain": None, "ci95": None,
                            "note": f"every network {'refuted' if k.sum() == 0 else 'proved'}: no crossing in "
                                    f"the grid, nothing to fit"})
            continue
        sep = _separation(u, k, n)
        fit = None if sep else _mle(u, k, n)
        span = max(u.max() - u.min(), math.log(2))
        for level in levels:
            lam = math.log(level / (1 - level))
            row = dict(base, level=level)
            if fit is None:
                row.update(gain=None, **_unbounded(sep, span, lam, u, k, n))
            else:
                alpha, beta, lmax = fit
                row["model"] = {"alpha": alpha, "beta": beta, "log_likelihood": lmax}
                t0 = (lam - alpha) / beta if abs(beta) >= 1e-12 else math.inf
                if abs(t0) > 700:  # the crossing gain is no float
                    row.update(gain=None, ci95=None, note="fitted slope 0: the probability does not change with gain")
                else:
                    row["gain"] = math.exp(t0)
                    row["ci95"] = _interval(t0, lmax, lam, u, k, n)
                    if not (u.min() <= t0 <= u.max()):
                        row["note"] = "extrapolated: the fitted crossing lies outside the audited gains"
                dev = 2 * (_saturated(k, n) - lmax)
                dof = len(cells) - 2
                row["goodness_of_fit"] = {"deviance": dev, "dof": dof,
                                          "p_value": _chi2_sf(dev, dof) if dof > 0 else None}
            out.append(row)
    return out


def _unbounded(sep, span, lam, u, k, n) -> dict:
    """ci95 and note when the likelihood has no maximum (the counts separate, see _separation): the
    interval is where the profile likelihood stays within the cut-off of the supremum, which is
    the saturated log-likelihood (0 for a clean step)."""
    from scipy.optimize import minimize_scalar

    a, b, mixed = sep if sep else (u.min(), u.max(), None)
    if mixed is None:
        t0 = (a + b) / 2
        where = f"the counts jump from none to all proved between gains {math.exp(a):g} and {math.exp(b):g}"
    else:  # the best curves through (t, level) are steep ones near the mixed cell
        lo = a if a is not None else mixed - span
        hi = b if b is not None else mixed + span
        t0 = minimize_scalar(lambda t: -_profile(t, lam, u, k, n), bounds=(lo, hi), method="bounded",
                             options={"xatol": 1e-12}).x
        where = (f"no network proved on one side of gain {math.exp(mixed):g} and all on the other (only "
                 f"gain {math.exp(mixed):g} has both)")
    lo, hi = _interval(t0, _saturated(k, n), lam, u, k, n)
    return {"ci95": [lo, hi], "note": f"{where}: no unique maximum-likelihood curve; the interval is where the "
                                      f"profile likelihood stays within the cut-off"}


def _saturated(k, n):
    """Log-likelihood of the saturated model (each cell its own probability k/n)."""
    from scipy.special import xlogy

    p = k / n
    return float((xlogy(k, p) + xlogy(n - k, 1 - p)).sum())


def _chi2_sf(x: float, dof: int) -> float:
    from scipy.stats import chi2

    return float(chi2.sf(max(x, 0.0), dof))
