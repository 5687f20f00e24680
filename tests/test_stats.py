"""Audit statistics against independent oracles: Clopper-Pearson ends against the binomial tail at
40 digits (mpmath), the homogeneity test against Pearson's formula, the logistic fit against a brute-force
grid maximum of the likelihood."""

import math
import random

import mpmath
import numpy as np
import pytest

from certify.ensembles.fit import CHI2_1_95, _mle, _profile, gain_thresholds
from certify.ensembles.stats import clopper_pearson, homogeneity

EPS = mpmath.mpf("1e-9")  # the quantiles must be right to this relative accuracy


def _tail(k: int, n: int, x) -> mpmath.mpf:
    """P(Binomial(n, x) >= k) = I_x(k, n - k + 1) (regularised incomplete beta), summed at 40 digits
    over the shorter side."""
    with mpmath.workdps(40):
        x = mpmath.mpf(x)
        lo, hi, comp = (k, n, False) if n - k < k else (0, k - 1, True)
        term = mpmath.binomial(n, lo) * x ** lo * (1 - x) ** (n - lo)
        s = mpmath.mpf(0)
        for j in range(lo, hi + 1):
            s += term
            term = term * (n - j) / (j + 1) * x / (1 - x)
        return 1 - s if comp else s


def _cases():
    rng = random.Random(7)
    out = set()
    for n in (1, 2, 3, 10, 57, 500, 2000, 10000):
        out |= {(k, n) for k in (0, 1, 2, n // 3, n // 2, n - 2, n - 1, n) if 0 <= k <= n}
        out |= {(rng.randint(0, n), n) for _ in range(2)}
    return sorted(out)


def test_tail_oracle_is_mpmath_betainc():
    """The binomial-tail oracle equals mpmath.betainc (regularised) where betainc converges."""
    with mpmath.workdps(40):
        for k, n, x in ((1, 10, "0.03"), (4, 9, "0.5"), (30, 57, "0.61"), (120, 500, "0.2")):
            assert abs(_tail(k, n, x) - mpmath.betainc(k, n - k + 1, 0, mpmath.mpf(x), regularized=True)) < 1e-30


@pytest.mark.parametrize("k, n", _cases())
def test_clopper_pearson_ends_are_the_beta_quantiles(k, n):
    """lo solves I_lo(k, n-k+1) = 0.025 and hi solves I_hi(k+1, n-k) = 0.975 to 1e-9 relative (mpmath, 40
    digits); lo = 0 exactly when k = 0 and hi = 1 exactly when k = n."""
    lo, hi = clopper_pearson(k, n)
    if k == 0:
        assert lo == 0.0
    else:
        assert _tail(k, n, lo * (1 - EPS)) < 0.025 < _tail(k, n, lo * (1 + EPS))
    if k == n:
        assert hi == 1.0
    else:
        assert _tail(k + 1, n, hi * (1 - EPS)) < 0.975 < _tail(k + 1, n, hi * (1 + EPS))


def test_clopper_pearson_closed_forms():
    """k = 0: hi = 1 - 0.025^(1/n); k = n: lo = 0.025^(1/n) (n = 10000)."""
    assert clopper_pearson(0, 10000)[1] == pytest.approx(-math.expm1(math.log(0.025) / 10000), rel=1e-12)
    assert clopper_pearson(10000, 10000)[0] == pytest.approx(math.exp(math.log(0.025) / 10000), rel=1e-14)


def test_homogeneity_is_pearsons_chi_square():
    """The statistic is Pearson's sum over both classes of (observed - expected)^2 / expected, and the
    p-value its chi-square tail (mpmath's regularised upper gamma) on cells - 1 degrees of freedom."""
    cells = [(3, 500), (9, 500), (1, 250), (14, 1000)]
    K, N = sum(k for k, _ in cells), sum(n for _, n in cells)
    p = K / N
    stat = sum((k - n * p) ** 2 / (n * p) + (k - n * p) ** 2 / (n * (1 - p)) for k, n in cells)
    got = homogeneity(cells)
    assert got[0] == pytest.approx(stat, rel=1e-12) and got[1] == 3
    assert got[2] == pytest.approx(float(mpmath.gammainc(1.5, stat / 2, mpmath.inf, regularized=True)), rel=1e-10)


def test_homogeneity_degenerate_cells():
    """One cell, or every network in one class: statistic 0, p-value 1."""
    assert homogeneity([(3, 10)]) == (0.0, 0, 1.0)
    assert homogeneity([(0, 10), (0, 20)]) == (0.0, 1, 1.0)
    assert homogeneity([(10, 10), (20, 20), (5, 5)]) == (0.0, 2, 1.0)


def test_chi2_cut_is_the_95_percent_quantile():
    """The profile-likelihood cut-off is chi-square(1)'s 95% quantile."""
    from scipy.stats import chi2
    assert CHI2_1_95 == pytest.approx(chi2.ppf(0.95, 1), rel=1e-14)


SMALL = [(0.5, 2, 40), (1.0, 9, 40), (2.0, 21, 40), (4.0, 33, 40)]  # (gain, proved, n)


def _grid_loglik(u, k, n, alphas, betas):
    """The log-likelihood on a grid of (alpha, beta), by numpy broadcasting."""
    eta = alphas[:, None, None] + betas[None, :, None] * u[None, None, :]
    return (k * -np.logaddexp(0, -eta) + (n - k) * -np.logaddexp(0, eta)).sum(axis=2)


def test_mle_is_the_grid_maximum():
    """The fitted (alpha, beta) is within one grid step of the brute-force maximum of the likelihood on a
    0.002-grid, and its log-likelihood is at least the grid's."""
    u = np.log([g for g, _, _ in SMALL])
    k = np.array([float(c) for _, c, _ in SMALL])
    n = np.array([float(m) for _, _, m in SMALL])
    alpha, beta, lmax = _mle(u, k, n)
    step = 0.002
    alphas = np.arange(alpha - 0.3, alpha + 0.3, step)
    betas = np.arange(beta - 0.3, beta + 0.3, step)
    ll = _grid_loglik(u, k, n, alphas, betas)
    i, j = np.unravel_index(ll.argmax(), ll.shape)
    assert 0 < i < len(alphas) - 1 and 0 < j < len(betas) - 1  # the grid maximum is interior
    assert abs(alphas[i] - alpha) <= step and abs(betas[j] - beta) <= step
    assert lmax >= ll.max() - 1e-9


def test_profile_interval_ends_sit_on_the_cut():
    """At each end of a level's 95% interval the brute-force profile likelihood (maximum over a 1e-4 grid of
    slopes) is l_max - 3.8415/2, and inside the interval it is above that."""
    t = gain_thresholds([{"width": 2, "gain": g, "n": m, "proved": c} for g, c, m in SMALL], levels=[0.5])[0]
    u = np.log([g for g, _, _ in SMALL])
    k = np.array([float(c) for _, c, _ in SMALL])
    n = np.array([float(m) for _, _, m in SMALL])
    lmax, lam = t["model"]["log_likelihood"], 0.0
    betas = np.arange(0.0, 4.0, 1e-4)

    def brute(g):
        eta = lam + betas[:, None] * (u[None, :] - math.log(g))
        return (k * -np.logaddexp(0, -eta) + (n - k) * -np.logaddexp(0, eta)).sum(axis=1).max()

    lo, hi = t["ci95"]
    assert lo < t["gain"] < hi
    for end in (lo, hi):
        assert brute(end) == pytest.approx(lmax - CHI2_1_95 / 2, abs=1e-6)
        assert _profile(math.log(end), lam, u, k, n) == pytest.approx(brute(end), abs=1e-6)
    assert brute(t["gain"]) == pytest.approx(lmax, abs=1e-6) and brute(math.sqrt(lo * hi)) > lmax - CHI2_1_95 / 2


def test_step_at_one_mixed_cell_has_no_point_estimate():
    """None proved below gain 0.79, some at 0.79, all above: no maximum-likelihood curve; the 10% crossing
    lies below 0.79 (where 18% are proved) and the 50% crossing between 0.79 and the next gain."""
    rows = [{"width": 2, "gain": g, "n": 439, "proved": c} for g, c in ((0.4, 0, ), (0.79, 79), (4.34, 439))]
    t = {r["level"]: r for r in gain_thresholds(rows)}
    assert all(r["gain"] is None and "model" not in r and "only gain 0.79 has both" in r["note"] for r in t.values())
    assert 0.4 <= t[0.1]["ci95"][0] < t[0.1]["ci95"][1] <= 0.79
    assert 0.79 <= t[0.5]["ci95"][0] < t[0.5]["ci95"][1] <= 4.34
