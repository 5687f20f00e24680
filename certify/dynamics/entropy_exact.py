"""Exact topological entropy: constant slope and Markov partitions (see checker/markov.py).

The finders here only propose: the points of a partition (the orbits of the turning points and of
the ends of an interval J = f^k(I), closed under f exactly), the minimal polynomial of the
spectral radius and a rational enclosure of it. The kernel re-derives the transition matrix, its
characteristic polynomial, the factor and the enclosure.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from flint import fmpq, fmpq_poly

from certify.arith import float_map, workprec
from certify.certificates import interval, q_str
from certify.checker.markov import (MAX_MARKOV, monotone_test, pl_iterate_image, poly_text, spectral_radius,
                                    transition_rows)
from certify.checker.polynomials import count_real_roots, squarefree
from certify.checker.semantics import eval_exact
from certify.checker.statement import Failure

__all__ = ["slope_fact", "markov_fact", "polynomial_candidates"]

MAX_SHRINK = 8  # the k tried for J = f^k(I)
MAX_BITS = 2048  # the height of a partition point (an infinite orbit is abandoned there)


def slope_fact(pl, I):
    """{"fact": "slope", "s": s} when every piece of f meeting I has |slope| = s, else None."""
    lo, hi = I
    if not lo < hi:
        return None
    slopes = {abs(A) for plo, phi, A, _ in pl.pieces() if (plo is None or plo < hi) and (phi is None or phi > lo)}
    return {"fact": "slope", "s": q_str(slopes.pop())} if len(slopes) == 1 else None


def _closure(f, start, J):
    """The smallest set holding `start` and closed under f, all inside J, or None (more than
    MAX_MARKOV + 1 points, a point leaves J or has more than MAX_BITS bits)."""
    pts, todo = set(start), list(start)
    while todo:
        y = f(todo.pop())
        if not J[0] <= y <= J[1] or max(abs(int(y.p)), int(y.q)).bit_length() > MAX_BITS:
            return None  # leaves J, or an orbit whose heights grow (a polynomial's squares them): not finite
        if y not in pts:
            pts.add(y)
            todo.append(y)
            if len(pts) > MAX_MARKOV + 1:
                return None
    return sorted(pts)


def _rho_enclosure(rows, m: int):
    """(minpoly text, a, b): rho(M) in [a, b] (a = b when rational), rho's minimal polynomial."""
    chi, factors = spectral_radius(rows, m)
    with workprec(192):
        S = squarefree(fmpq_poly(chi))
        reals = [r.real for r, _ in S.complex_roots() if r.imag == 0]
        top = max(reals, key=lambda r: r.mid())
        a, b = top.lower().fmpq(), top.upper().fmpq()
    for g in factors:
        if count_real_roots(fmpq_poly(g), a, b) >= 1:
            g = -g if g.coeffs()[-1] < 0 else g
            if g.degree() == 1:
                c = g.coeffs()
                a = b = fmpq(-int(c[0]), int(c[1]))
            return poly_text(g), a, b
    return None


def _fact(f, strict, P, k: int):
    """The markov fact for the partition P (or None when f is not strictly monotone on a cell)."""
    try:
        rows = transition_rows([f(p) for p in P], P)
    except Failure:
        return None
    if not all(strict(a, b) for a, b in zip(P, P[1:])):
        return None
    found = _rho_enclosure(rows, len(rows))
    if found is None:
        return None
    text, a, b = found
    return {"fact": "markov", "k": k, "points": [q_str(p) for p in P], "minpoly": text, "rho": interval(a, b)}


def markov_fact(prog, pl, I):
    """A Markov partition of J = f^k(I) (k < MAX_SHRINK; k = 0 for polynomials) whose points are the
    orbits of J's ends and of f's turning points in J, or None."""
    lo, hi = I
    strict = monotone_test(prog, pl)
    if strict is None or not lo < hi:
        return None
    if pl is not None:
        f = pl
        for k in range(MAX_SHRINK):
            J = pl_iterate_image(pl, lo, hi, k)
            if not J[0] < J[1]:
                return None
            turns = [t for t in pl.breaks if J[0] < t < J[1]]
            P = _closure(f, [J[0], J[1], *turns], J)
            if P is not None:
                fact = _fact(f, strict, P, k)
                if fact is not None:
                    return fact
        return None
    poly = eval_exact(prog, fmpq_poly([0, 1]))
    d = poly.derivative()
    if d.is_zero():
        return None
    crit = []
    if d.degree() >= 1:
        _, factors = d.factor()
        for g, _ in factors:
            if g.degree() == 1:
                c = g.coeffs()
                r = -fmpq(c[0]) / fmpq(c[1])
                if lo < r < hi:
                    crit.append(r)
            elif count_real_roots(g, lo, hi) > 0:
                return None  # an irrational turning point: no rational partition
    P = _closure(lambda x: poly(x), [lo, hi, *crit], I)
    return None if P is None else _fact(lambda x: poly(x), strict, P, 0)


def polynomial_candidates(prog, domain=None):
    """Intervals to try for a Markov partition of a polynomial map: the domain, else the hull of
    float orbits rounded to simple rationals (floats only propose; the kernel checks)."""
    if domain is not None:
        return [domain]
    f = float_map(prog)
    x = np.linspace(-3, 3, 601) + 0.001 * np.sqrt(2)
    with np.errstate(all="ignore"):
        for _ in range(300):
            x = f(x)
            x = x[np.isfinite(x) & (np.abs(x) < 1e6)]
    if not x.size:
        return []
    a, b = float(x.min()), float(x.max())
    out = []
    for den in (1, 10, 100):
        u, v = Fraction(a).limit_denominator(den), Fraction(b).limit_denominator(den)
        cand = (fmpq(u.numerator, u.denominator), fmpq(v.numerator, v.denominator))
        if cand[0] < cand[1] and cand not in out:
            out.append(cand)
    return out
