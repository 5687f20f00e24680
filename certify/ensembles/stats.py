"""Statistics of audit counts: Clopper-Pearson intervals and a homogeneity test across cells."""

from __future__ import annotations

import mpmath


def _beta_quantile(q: float, a: float, b: float) -> float:
    """x with I_x(a, b) = q (regularised incomplete beta), by bisection."""
    lo, hi = 0.0, 1.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if mpmath.betainc(a, b, 0, mid, regularized=True) < q:
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
