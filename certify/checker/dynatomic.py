"""The dynatomic polynomial of a polynomial family and where its real roots can change (trusted kernel).

For a family f_r(x) polynomial in x and r (checked: `Program.is_polynomial`), the dynatomic
polynomial is
    Phi_p(x, r) = prod_{d | p} (f_r^d(x) - x)^mu(p/d),
a polynomial (the division is exact; python-flint refuses it otherwise). A point of minimal period
p of f_r is a root of f_r^p(x) - x = prod_{d | p} Phi_d(x, r) and of no Phi_d with d < p (those
divide f_r^d(x) - x), hence a real root of Phi_p(., r). A real root of lower period d | p occurs
only where the d-cycle's multiplier is a root of unity, and is then a multiple root (Morton and
Vivaldi, "Bifurcations and discriminants for polynomial maps", Nonlinearity 1995).

B(r) = disc_x(Phi_p) * lc_x(Phi_p) (with disc = 1 when Phi_p has degree <= 1 in x, and B = Phi_p
itself when Phi_p does not involve x): on an interval of parameters where B has no root, the
x-degree of Phi_p(., r) is constant and its roots are simple, so the number of its real roots is
constant; a polynomial of x-degree 0 that is not zero has none.
"""

from __future__ import annotations

from flint import fmpq, fmpq_mpoly_ctx, fmpq_poly

from certify.checker.polynomials import count_real_roots
from certify.checker.semantics import NotExact, Program, eval_exact


class NotPolynomialFamily(Exception):
    """The family is not polynomial in x and r, or its dynatomic polynomial degenerates."""


def mobius(n: int) -> int:
    res, k = 1, 2
    while k * k <= n:
        if n % k == 0:
            n //= k
            if n % k == 0:
                return 0
            res = -res
        k += 1
    return -res if n > 1 else res


def dynatomic(prog: Program, p: int):
    """Phi_p(x, r) as an fmpq_mpoly in (x, r), for a family polynomial in x and its parameter r.

    Raises NotPolynomialFamily for any other family (max, min, abs, negative powers,
    transcendental functions: exact evaluation over polynomials is refused, never approximated) and
    when some f^d(x) - x vanishes identically (f^d is the identity for every r)."""
    if not prog.has_param() or not prog.is_polynomial():
        raise NotPolynomialFamily("the family is not polynomial in x and its parameter")
    ctx = fmpq_mpoly_ctx.get(("x", "r"), "lex")
    x, r = ctx.gens()
    num, den = ctx.from_dict({(0, 0): 1}), ctx.from_dict({(0, 0): 1})
    for d in range(1, p + 1):
        if p % d:
            continue
        mu = mobius(p // d)
        if mu == 0:
            continue
        y = x
        try:
            for _ in range(d):
                y = eval_exact(prog, y, param=r)
        except NotExact as e:
            raise NotPolynomialFamily(f"the family is not polynomial ({e})") from None
        g = y - x
        if g == 0:
            raise NotPolynomialFamily(f"f^{d}(x) = x identically: the dynatomic polynomial is not defined")
        if mu == 1:
            num = num * g
        else:
            den = den * g
    return num / den


def _in_r(mpoly) -> fmpq_poly:
    """An fmpq_mpoly in (x, r) free of x, as a univariate fmpq_poly in r."""
    terms = mpoly.to_dict()
    if any(e[0] for e in terms):
        raise ValueError("polynomial still depends on x")
    deg = max((e[1] for e in terms), default=0)
    coeffs = [fmpq(0)] * (deg + 1)
    for (_, j), c in terms.items():
        coeffs[j] = fmpq(c)
    return fmpq_poly(coeffs)


def x_degree(phi) -> int:
    return max((e[0] for e in phi.to_dict()), default=0)


def bifurcation_poly(phi) -> fmpq_poly:
    """B(r) = disc_x(Phi) * lc_x(Phi): where the number of real roots of Phi(., r) may change.
    For x-degree 1 the discriminant is 1; for x-degree 0, B = Phi (its only 'root count change'
    is where it vanishes identically in x)."""
    terms = phi.to_dict()
    top = x_degree(phi)
    ctx = phi.context()
    lc = _in_r(ctx.from_dict({(0, j): c for (i, j), c in terms.items() if i == top}))
    if top <= 1:
        return lc
    return _in_r(phi.discriminant("x")) * lc


def at_param(phi, value: fmpq) -> fmpq_poly:
    """Phi(x, value) as a univariate fmpq_poly in x."""
    terms = phi.to_dict()
    deg = max(e[0] for e in terms)
    coeffs = [fmpq(0)] * (deg + 1)
    for (i, j), c in terms.items():
        coeffs[i] += fmpq(c) * value ** j
    return fmpq_poly(coeffs)


def to_sympy(poly: fmpq_poly, var=None):
    """`poly` as a sympy Poly in `var` (default the symbol r); sympy is imported here, on first use."""
    import sympy

    if var is None:
        var = sympy.Symbol("r")
    return sympy.Poly([sympy.Rational(int(c.p), int(c.q)) for c in reversed(poly.coeffs())], var,
                      domain="QQ")


def real_roots_at(phi, value: fmpq) -> int:
    """The number of distinct real roots of Phi(., value); refuses a parameter where Phi(., value)
    vanishes identically (every x would be a root)."""
    g = at_param(phi, value)
    if g.is_zero():
        raise ValueError("Phi vanishes identically at this parameter")
    return count_real_roots(g)


def minpoly_of(text: str):
    """The minimal polynomial over Q (a sympy Poly in r) of an exact real constant given as a canonical string."""
    import sympy

    from certify.checker.semantics import parse_canonical_expr
    expr = parse_canonical_expr(text)
    if expr.free_symbols:
        raise ValueError("an exact value may not contain variables")
    r = sympy.Symbol("r")
    return sympy.Poly(sympy.minimal_polynomial(expr, r), r)
