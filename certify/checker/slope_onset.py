"""The chaos onset of a family of constant |slope| (trusted kernel): the tent family exactly.

Fact `slope_entropy` (`from` L, `interval` I = [lo, hi]) of a `chaos_onset` claim on [A, B], for a
family that is piecewise linear in x with breakpoints independent of r (certify.checker.plfamily):
- every piece has slope +-sigma(r) (s_k^2 = sigma^2 as polynomials in r, sigma the first piece's);
- sigma(r)^2 > 1 for every r in (L, B] (no real root of sigma^2 - 1 there, positive at B), A <= L < B;
- f_r(I) is inside I for every r in [L, B] (exactly: the values of f_r at the ends of I and at the
  breakpoints inside I, polynomials in r, are >= lo and <= hi on [L, B]).
Theorems: a piecewise-monotone map of constant slope sigma >= 1 on an invariant interval I has
h_top(f|I) = log sigma (Misiurewicz-Szlenk 1980: h = lim (1/n) log laps(f^n) and laps(f^n) >=
sigma^n, as Var(f^n|I) = sigma^n |I|); h_top <= max(0, log Lip f) for compact invariant sets of a
Lipschitz map of R (Bowen). So h_top(f_r) = log|sigma(r)| exactly for r in [L, B], > 0 on (L, B].
With `slopes_at_most_one` to L (when L > A: h = 0 on [A, L]) the onset inf{r >= A : h_top > 0} is L
exactly. No monotonicity in r is assumed.
"""

from __future__ import annotations

from flint import fmpq, fmpq_poly

from certify.certificates import interval_parse, q_parse
from certify.checker import facts as F
from certify.checker.statement import Statement, num

__all__ = ["slope_entropy", "chaos_onset"]


def _poly_text(g: fmpq_poly, name: str) -> str:
    import sympy

    from certify.checker.dynatomic import to_sympy
    return str(to_sympy(g, sympy.Symbol(name)).as_expr()) if g.degree() > 0 else str(g(0))


def slope_entropy(prog, fact: dict, A: fmpq, B: fmpq):
    """Fact `slope_entropy`: (L, sigma) after every check of the module's docstring."""
    from certify.checker.plfamily import pl_family
    from certify.checker.polynomials import count_real_roots
    from certify.checker.thresholds import _nonnegative_on

    L = q_parse(fact.get("from"))
    lo, hi = interval_parse(fact.get("interval"))
    fam = pl_family(prog, A, B)
    if fam is None or not A <= L < B or not lo < hi:
        raise F.Failure("fact slope_entropy: needs a PL family with fixed breakpoints, A <= L < B and lo < hi")
    breaks, slopes, icepts = fam
    sigma = slopes[0]
    if any(s * s != sigma * sigma for s in slopes):
        raise F.Failure("fact slope_entropy: the pieces do not all have slope +-sigma(r)")
    g = sigma * sigma - 1
    if g.degree() < 1:
        if not g(B) > 0:
            raise F.Failure("fact slope_entropy: |slope| > 1 fails")
    elif count_real_roots(g, L, B) - (1 if g(L) == 0 else 0) > 0 or not g(B) > 0:
        raise F.Failure("fact slope_entropy: |slope| > 1 is not proved on (L, B]")

    def value(x: fmpq) -> fmpq_poly:  # f_r(x) as a polynomial in r (x's piece; continuous at breaks)
        k = sum(1 for t in breaks if t < x)
        return slopes[k] * x + icepts[k]
    for x in [lo, hi] + [t for t in breaks if lo < t < hi]:
        v = value(x)
        if not (_nonnegative_on(v - lo, L, B) and _nonnegative_on(fmpq_poly([hi]) - v, L, B)):
            raise F.Failure(f"fact slope_entropy: f_r({x}) is not proved inside [{lo}, {hi}] for r in [L, B]")
    return L, sigma, (lo, hi)


def chaos_onset(prog, cert: dict, facts: dict, A: fmpq, B: fmpq, name: str) -> Statement:
    """The onset exactly L: `slope_entropy` from L, and `slopes_at_most_one` to L when L > A."""
    from certify.checker.thresholds import fact_slopes_at_most_one

    if cert["verdict"] != "proved" or set(facts) - {"slope_entropy", "slopes_at_most_one"}:
        raise F.Failure("slope_entropy proves an onset (verdict proved) with at most slopes_at_most_one")
    L, sigma, (lo, hi) = slope_entropy(prog, facts["slope_entropy"], A, B)
    lines = []
    if L > A:
        if "slopes_at_most_one" not in facts or fact_slopes_at_most_one(prog, facts["slopes_at_most_one"], A, B) != L:
            raise F.Failure("slope_entropy from L > A needs slopes_at_most_one to the same L")
        lines.append(f"h_top(f_{name}) = 0 for every {name} in [{num(A)}, {num(L)}] (|slope| <= 1 on every piece: "
                     f"h <= max(0, log Lip))")
    elif "slopes_at_most_one" in facts:
        raise F.Failure("slopes_at_most_one is not needed when slope_entropy starts at A")
    for field in ("lower", "upper"):
        if cert.get(field) is None or q_parse(cert[field]) != L:
            raise F.Failure(f"the stated {field} bound is not the slope_entropy fact's L (the onset exactly)")
    if cert.get("period") is not None:
        raise F.Failure("field 'period' does not belong to a constant-slope chaos onset")
    sg = _poly_text(sigma, name)
    lines.append(f"h_top(f_{name}) = log|{sg}| for every {name} in [{num(L)}, {num(B)}], > 0 for {name} > {num(L)} "
                 f"(|slope| = |{sg}| on every piece and f([{num(lo)}, {num(hi)}]) inside [{num(lo)}, {num(hi)}]: "
                 "constant slope, Misiurewicz-Szlenk; h <= max(0, log Lip))")
    lines.append(f"hence the chaos onset {name}_c = inf{{{name} >= {num(A)} : h_top(f_{name}) > 0}} = {num(L)} exactly")
    return Statement("\n".join(lines), len(cert["evidence"]))
