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


def _expit(eta):
    return 0.5 * (1 + np.tanh(eta / 2))  # 1 / (1 + exp(-eta)) without overflow


def _loglik(eta, k, n):
    # k log sigma(eta) + (n - k) log(1 - sigma(eta)), stable for large |eta|
    return float(-(k * np.logaddexp(0, -eta) + (n - k) * np.logaddexp(0, eta)).sum())


def _mle(u, k, n):
    """(alpha, beta, l_max) by Newton's method with step halving; None if the counts separate."""
    p0 = min(max(k.sum() / n.sum(), 1e-6), 1 - 1e-6)
    theta = np.array([math.log(p0 / (1 - p0)), 0.0])
    X = np.column_stack([np.ones_like(u), u])
    ll = _loglik(X @ theta, k, n)
    for _ in range(200):
        eta = X @ theta
        mu = n * _expit(eta)
        grad = X.T @ (k - mu)
        H = X.T @ (X * (mu * (1 - mu / n))[:, None])
        try:
            step = np.linalg.solve(H, grad)
        except np.linalg.LinAlgError:
            return None
        t = 1.0
        while t > 1e-10:
            new = theta + t * step
            ll_new = _loglik(X @ new, k, n)
            if ll_new >= ll - 1e-12:
                break
            t /= 2
        theta, ll_old, ll = new, ll, ll_new
        if abs(theta[1]) > BETA_MAX:
            return None
        if abs(ll - ll_old) < 1e-12 and np.abs(t * step).max() < 1e-10:
            return float(theta[0]), float(theta[1]), ll
    return float(theta[0]), float(theta[1]), ll


def _profile(t, lam, u, k, n):
    """max over beta in [-BETA_MAX, BETA_MAX] of the log-likelihood of the curves with eta(t) = lam."""
    d = u - t

    def slope(beta):  # d l / d beta, decreasing in beta (the log-likelihood is concave)
        return float(((k - n * _expit(lam + beta * d)) * d).sum())

    lo, hi = -BETA_MAX, BETA_MAX
    if slope(lo) <= 0:
        beta = lo
    elif slope(hi) >= 0:
        beta = hi
    else:
        for _ in range(100):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if slope(mid) > 0 else (lo, mid)
        beta = (lo + hi) / 2
    return _loglik(lam + beta * d, k, n)


def _separation(u, k, n):
    """(u_a, u_b) when every cell below some gain has no success and every cell above only successes
    (or the reverse): the likelihood then has no maximum; None otherwise."""
    order = np.argsort(u)
    u, k, n = u[order], k[order], n[order]
    for j in range(len(u) - 1):
        if u[j] == u[j + 1]:
            continue
        if (k[: j + 1] == 0).all() and (k[j + 1:] == n[j + 1:]).all():
            return u[j], u[j + 1]
        if (k[: j + 1] == n[: j + 1]).all() and (k[j + 1:] == 0).all():
            return u[j], u[j + 1]
    return None


def _interval(t0, lmax, lam, u, k, n):
    """The profile-likelihood interval around t0 (log gains); an end is None if it lies beyond the
    search range (the grid widened by its own span on each side)."""
    cut = lmax - CHI2_1_95 / 2
    span = max(u.max() - u.min(), math.log(2))
    ends = []
    for sign, bound in ((-1, u.min() - span), (1, u.max() + span)):
        inside, step = t0, span / 64
        while True:
            t = inside + sign * step
            if (t - bound) * sign > 0:
                ends.append(None)
                break
            if _profile(t, lam, u, k, n) < cut:
                out = t
                for _ in range(40):
                    mid = (inside + out) / 2
                    inside, out = (mid, out) if _profile(mid, lam, u, k, n) >= cut else (inside, mid)
                ends.append(math.exp((inside + out) / 2))
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
        for level in levels:
            lam = math.log(level / (1 - level))
            row = dict(base, level=level)
            if fit is None:
                a, b = (sep if sep else (u.min(), u.max()))
                t0 = (a + b) / 2
                lo, hi = _interval(t0, 0.0, lam, u, k, n)
                row.update(gain=None, ci95=[lo, hi],
                           note=f"the counts jump from none to all proved between gains {math.exp(a):g} and "
                                f"{math.exp(b):g}: no unique maximum-likelihood curve; the interval is where "
                                f"the profile likelihood stays within the cut-off")
            else:
                alpha, beta, lmax = fit
                row["model"] = {"alpha": alpha, "beta": beta, "log_likelihood": lmax}
                if abs(beta) < 1e-12:
                    row.update(gain=None, ci95=None, note="fitted slope 0: the probability does not change with gain")
                else:
                    t0 = (lam - alpha) / beta
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


def _saturated(k, n):
    """Log-likelihood of the saturated model (each cell its own probability k/n)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        terms = np.where(k > 0, k * np.log(p), 0.0) + np.where(n - k > 0, (n - k) * np.log1p(-p), 0.0)
    return float(terms.sum())


def _chi2_sf(x: float, dof: int) -> float:
    import mpmath
    return float(mpmath.gammainc(dof / 2, max(x, 0.0) / 2, mpmath.inf, regularized=True))
