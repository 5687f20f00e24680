"""Polynomial maps R^n -> R^n with exact rational coefficients: the kernel's own evaluator (trusted).

Canonical form: {"kind": "polymap", "vars": ["x", "y"], "f": [component, ...]}, one component per
variable, each a list of terms [coefficient, [e_1, ..., e_n]] (an exact rational string and the
exponents of the monomial x_1^e_1 ... x_n^e_n). The Hénon map (x, y) -> (1 - 7/5 x^2 + y, 3/10 x) is
[[["1", [0, 0]], ["-7/5", [2, 0]], ["1", [0, 1]]], [["3/10", [1, 0]]]].

Evaluation in arb balls (each operation rounded outward) gives a ball vector containing f(p) for
every p in the input balls, and the Jacobian Df in balls likewise (its entries are the exact partial
derivatives of the polynomials, evaluated in balls). A polynomial map is continuous (and C^1), which
is all the covering-relation theorems need of it.

Imports only flint, certify.certificates, certify.errors and the kernel's statement module.
"""

from __future__ import annotations

import re

from flint import arb, fmpq

from certify.certificates import q_parse
from certify.errors import CertifyError

__all__ = ["PolyMap", "parse_polymap", "MAX_POLY_DIM", "MAX_POLY_TERMS", "MAX_POLY_DEGREE", "polymap_text"]

MAX_POLY_DIM = 16        # variables
MAX_POLY_TERMS = 1000    # terms of all components together
MAX_POLY_DEGREE = 64     # total degree of a term
_NAME = re.compile(r"[a-z][a-z0-9_]{0,15}")


class PolyMap:
    """The exact polynomial map: `terms[i]` is the list of (coefficient, exponents) of component i."""

    def __init__(self, names, terms):
        self.names, self.terms, self.n = tuple(names), terms, len(names)
        self.dterms = [[self._derivative(comp, j) for j in range(self.n)] for comp in terms]

    def _derivative(self, comp, j):
        out = []
        for c, e in comp:
            if e[j] > 0:
                out.append((c * e[j], e[:j] + (e[j] - 1,) + e[j + 1:]))
        return out

    def _powers(self, X):
        """X[j]^k for the exponents needed, as balls."""
        top = max((e[j] for comp in self.terms for _, e in comp for j in range(self.n)), default=0)
        out = []
        for x in X:
            row = [arb(1)]
            for _ in range(top):
                row.append(row[-1] * x)
            out.append(row)
        return out

    @staticmethod
    def _sum(comp, pw):
        s = arb(0)
        for c, e in comp:
            t = arb(c)
            for j, k in enumerate(e):
                if k:
                    t = t * pw[j][k]
            s += t
        return s

    def ball(self, X) -> list:
        """f over the ball vector X: a ball vector containing f(p) for every p in X."""
        pw = self._powers(X)
        return [self._sum(comp, pw) for comp in self.terms]

    def jacobian(self, X) -> list:
        """Df over the ball vector X: rows of balls, [i][j] containing d f_i / d x_j at every p in X."""
        pw = self._powers(X)
        return [[self._sum(d, pw) for d in row] for row in self.dterms]

    def exact(self, p) -> list:
        """f(p) exactly at a rational point."""
        out = []
        for comp in self.terms:
            s = fmpq(0)
            for c, e in comp:
                t = c
                for j, k in enumerate(e):
                    if k:
                        t *= p[j] ** k
                s += t
            out.append(s)
        return out


def parse_polymap(canon) -> PolyMap:
    """The canonical form -> PolyMap, every shape and limit checked before any number is read."""
    if not isinstance(canon, dict) or canon.get("kind") != "polymap" or set(canon) != {"kind", "vars", "f"}:
        raise CertifyError("a canonical polynomial map is {'kind': 'polymap', 'vars': [...], 'f': [...]}")
    names, comps = canon["vars"], canon["f"]
    if not isinstance(names, list) or not 1 <= len(names) <= MAX_POLY_DIM:
        raise CertifyError(f"a polynomial map has 1 to {MAX_POLY_DIM} variables")
    if not all(isinstance(v, str) and _NAME.fullmatch(v) for v in names) or len(set(names)) != len(names):
        raise CertifyError("the variables of a polynomial map are distinct lower-case names")
    n = len(names)
    if not isinstance(comps, list) or len(comps) != n or not all(isinstance(c, list) for c in comps):
        raise CertifyError(f"a polynomial map in {n} variables has {n} components, each a list of terms")
    if sum(len(c) for c in comps) > MAX_POLY_TERMS:
        raise CertifyError(f"a polynomial map has at most {MAX_POLY_TERMS} terms")
    terms = []
    for comp in comps:
        seen, out = set(), []
        for t in comp:
            if not (isinstance(t, list) and len(t) == 2 and isinstance(t[1], list) and len(t[1]) == n
                    and all(isinstance(k, int) and not isinstance(k, bool) and k >= 0 for k in t[1])):
                raise CertifyError(f"a term is [coefficient, [{n} exponents >= 0]]")
            e = tuple(t[1])
            if sum(e) > MAX_POLY_DEGREE:
                raise CertifyError(f"a term's degree is at most {MAX_POLY_DEGREE}")
            if e in seen:
                raise CertifyError("a component lists a monomial twice")
            c = q_parse(t[0])
            if c == 0:
                raise CertifyError("a term's coefficient must not be 0 (leave the term out)")
            seen.add(e)
            out.append((c, e))
        terms.append(out)
    return PolyMap(names, terms)


def _term_text(c: fmpq, e, names) -> tuple:
    mono = "*".join(v if k == 1 else f"{v}^{k}" for v, k in zip(names, e) if k)
    mag = abs(c)
    body = (str(mag) if mag.q == 1 else f"{mag.p}/{mag.q}") if not mono else \
        (mono if mag == 1 else f"{mag.p if mag.q == 1 else f'{mag.p}/{mag.q}'}*{mono}")
    return ("-" if c < 0 else "+"), body


def polymap_text(m: PolyMap) -> str:
    """"(x, y) -> (1 - 7/5*x^2 + y, 3/10*x)": the map for reading, terms in the canonical order."""
    comps = []
    for comp in m.terms:
        parts = [_term_text(c, e, m.names) for c, e in comp]
        if not parts:
            comps.append("0")
            continue
        text = ("-" if parts[0][0] == "-" else "") + parts[0][1]
        comps.append(" ".join([text] + [f"{s} {b}" for s, b in parts[1:]]))
    return f"({', '.join(m.names)}) -> ({', '.join(comps)})"
