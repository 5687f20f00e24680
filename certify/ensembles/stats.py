"""Statistics of audit counts: Clopper-Pearson intervals and a homogeneity test across cells."""

from __future__ import annotations

import math

import mpmath


def _betacf(a: float, b: float, x: float) -> float:
    """The continued fraction of I_x(a, b) (modified Lentz), converging fast for x < (a+1)/(a+b+2)."""
    tiny = 1e-300
    c, d = 1.0, 1 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10000):
        for num in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                    -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1 + num * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + num / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1) < 1e-15:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta I_x(a, b) in floats (stable for the large a, b of big audits)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1) / (a + b + 2):
        return front * _betacf(a, b, x) / a
    return 1 - front * _betacf(b, a, 1 - x) / b


def _beta_quantile(q: float, a: float, b: float) -> float:
    """x with I_x(a, b) = q (regularised incomplete beta), by bisection."""
    lo, hi = 0.0, 1.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if _betainc(a, b, mid) < q:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def clopper_pearson(k: int, n: int, level: float = 0.95):
    """Exact (Clopper-Pearson) confidence interval for a binomial proportion k/n."""
    if n == 0:
        return (0.0, 1.0)
    alpha = 1 - level
    lo = 0.0 if k == 0 else _beta_quantile(alpha / 2, k, n - k + 1)
    hi = 1.0 if k == n else _beta_quantile(1 - alpha / 2, k + 1, n - k)
    return (lo, hi)


def homogeneity(counts):
    """Chi-square test that the proportions k_i / n_i are equal across cells: (statistic, dof, p-value).

    counts: list of (k, n). Cells with n = 0 are ignored; p-value 1 when fewer than two cells or
    when every observation falls in one class.
    """
    cells = [(k, n) for k, n in counts if n > 0]
    if len(cells) < 2:
        return 0.0, 0, 1.0
    K, N = sum(k for k, _ in cells), sum(n for _, n in cells)
    if K == 0 or K == N:
        return 0.0, len(cells) - 1, 1.0
    p = K / N
    stat = sum((k - n * p) ** 2 / (n * p) + ((n - k) - n * (1 - p)) ** 2 / (n * (1 - p)) for k, n in cells)
    dof = len(cells) - 1
    return float(stat), dof, float(mpmath.gammainc(dof / 2, stat / 2, mpmath.inf, regularized=True))
