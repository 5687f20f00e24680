"""Statistics of audit counts: Clopper-Pearson intervals and a homogeneity test across cells (scipy.stats)."""

from __future__ import annotations

__all__ = ["clopper_pearson", "homogeneity"]


def clopper_pearson(k: int, n: int, level: float = 0.95):
    """Exact (Clopper-Pearson) confidence interval for a binomial proportion k/n: the beta quantiles
    [B(a/2; k, n-k+1), B(1-a/2; k+1, n-k)], a = 1 - level, with the ends 0 at k = 0 and 1 at k = n."""
    from scipy.stats import beta

    if n == 0:
        return (0.0, 1.0)
    alpha = 1 - level
    lo = 0.0 if k == 0 else float(beta.ppf(alpha / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(beta.ppf(1 - alpha / 2, k + 1, n - k))
    return (lo, hi)


def homogeneity(counts):
    """Pearson's chi-square test that the proportions k_i / n_i are equal across cells (no continuity
    correction): (statistic, dof, p-value).

    counts: list of (k, n). Cells with n = 0 are ignored; p-value 1 when fewer than two cells or
    when every observation falls in one class.
    """
    cells = [(k, n) for k, n in counts if n > 0]
    if len(cells) < 2:
        return 0.0, 0, 1.0
    K, N = sum(k for k, _ in cells), sum(n for _, n in cells)
    if K == 0 or K == N:
        return 0.0, len(cells) - 1, 1.0
    from scipy.stats import chi2_contingency

    res = chi2_contingency([[k for k, _ in cells], [n - k for k, n in cells]], correction=False)
    return float(res.statistic), int(res.dof), float(res.pvalue)
