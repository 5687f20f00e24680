"""Polynomial maps in several variables from user specs: named families ("henon(a=1.4, b=0.3)") and
tuple formulas ("(1 - 7/5*x^2 + y, 3/10*x)") in the variables x, y (z, w for more).

Decimals are the exact decimals they spell (1.4 is 7/5), as in 1D formulas. The canonical form is
the kernel's (certify.checker.polymap): exact rational coefficients and exponent vectors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

from certify.checker.polymap import MAX_POLY_DEGREE, PolyMap, parse_polymap, polymap_text
from certify.errors import CertifyError
from certify.maps.families import bind_arguments, split_call
from certify.maps.formulas import _PARSE_ERRORS, _cut, parse_number, tokens_ok

__all__ = ["PolyMapSpec", "POLY_FAMILIES", "VARIABLES", "is_polymap_spec", "parse_polymap_spec"]

VARIABLES = ("x", "y", "z", "w")
POLY_FAMILIES = {
    # name: (parameter names, components in x, y with the parameters, description)
    "henon": (("a", "b"), ("1 - a*x^2 + y", "b*x"), "(x, y) -> (1 - a x^2 + y, b x)"),
}
# the same families as terms (coefficient as a function of the parameters, exponents): built without sympy
# when every parameter is a plain decimal or fraction (a fast `certify check`; tests compare both ways)
_FAMILY_TERMS = {
    "henon": lambda a, b: [[(-a, (2, 0)), (1, (0, 1)), (1, (0, 0))], [(b, (1, 0))]],
}
# what Fraction reads: an integer, an integer fraction, or a decimal (not a decimal over a denominator)
_PLAIN = re.compile(r"\s*-?(?:[0-9]+(?:/[0-9]+)?|[0-9]+\.[0-9]*|\.[0-9]+)\s*")


@dataclass(frozen=True)
class PolyMapSpec:
    """A polynomial map R^n -> R^n: the spec as given, the canonical form certificates store, and the
    kernel's exact map."""

    given: str
    canonical: dict
    kernel: PolyMap = field(compare=False, repr=False)

    @property
    def n(self) -> int:
        return self.kernel.n

    def text(self) -> str:
        return polymap_text(self.kernel)

    def floats(self):
        """A float evaluator p -> f(p) and its Jacobian p -> Df(p) (lists), for finders only."""
        terms = [[(float(c), e) for c, e in comp] for comp in self.kernel.terms]
        dterms = [[[(float(c), e) for c, e in d] for d in row] for row in self.kernel.dterms]

        def ev(comp, p):
            s = 0.0
            for c, e in comp:
                t = c
                for v, k in zip(p, e):
                    if k:
                        t *= v ** k
                s += t
            return s + 0 * p[0]  # arrays in, arrays out (also for a constant component)

        return (lambda p: [ev(c, p) for c in terms]), (lambda p: [[ev(d, p) for d in row] for row in dterms])


def _split_tuple(spec: str):
    """'(a, b)' -> ['a', 'b'] when the whole spec is one parenthesised tuple of two or more parts."""
    s = spec.strip()
    if not (s.startswith("(") and s.endswith(")")):
        return None
    depth, parts, cur = 0, [], ""
    for j, ch in enumerate(s[1:-1]):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return None  # '(a) + (b)': not one tuple
        if ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    parts.append(cur.strip())
    return parts if len(parts) >= 2 else None


def is_polymap_spec(spec) -> bool:
    """Whether a spec names a polynomial map in several variables (a tuple or a named family)."""
    if not isinstance(spec, str):
        return False
    name, _ = split_call(spec.strip())
    return name in POLY_FAMILIES or _split_tuple(spec) is not None


def _family_values(name: str, args: list) -> dict:
    params = POLY_FAMILIES[name][0]
    values = bind_arguments(name, params, args, lambda key, val: parse_number(val, f"parameter {key}"))
    missing = [p for p in params if p not in values]
    if missing:
        raise CertifyError(f"{name} needs a value for {', '.join(missing)}, e.g. henon(a=1.4, b=0.3) "
                           f"({POLY_FAMILIES[name][2]})")
    return values


def _component(text: str, names: tuple, values: dict):
    import sympy
    from sympy.parsing.sympy_parser import convert_xor, parse_expr, rationalize, standard_transformations

    tokens_ok(text, set(names) | set(values), "component")
    local = {v: sympy.Symbol(v) for v in names}
    local.update(values)
    try:
        expr = sympy.sympify(parse_expr(text, local_dict=local,
                                        transformations=standard_transformations + (rationalize, convert_xor)))
        poly = sympy.Poly(expr, *[local[v] for v in names], domain="QQ")
    except (*_PARSE_ERRORS, sympy.PolynomialError, sympy.polys.polyerrors.GeneratorsNeeded) as e:
        raise CertifyError(f"component {_cut(text)} is not a polynomial in {', '.join(names)} with rational "
                           f"coefficients ({type(e).__name__})") from None
    if poly.total_degree() > MAX_POLY_DEGREE:
        raise CertifyError(f"component {_cut(text)} has degree above {MAX_POLY_DEGREE}")
    terms = []
    for e, c in poly.terms():
        c = sympy.Rational(c)
        if c == 0:
            continue  # the zero polynomial: no terms
        terms.append([str(c.p) if c.q == 1 else f"{c.p}/{c.q}", [int(k) for k in e]])
    return terms


def _plain_family(name: str, args: list):
    """The canonical form of a family whose parameters are all plain decimals or fractions (exact, as
    Fraction reads them), in sympy's term order (exponents in decreasing lexicographic order), else None."""
    params = POLY_FAMILIES[name][0]
    values = {}
    for k, arg in enumerate(args):
        key, eq, val = arg.partition("=")
        key = key.strip() if eq else (params[k] if k < len(params) else None)
        val = val if eq else arg
        if key not in params or key in values or not _PLAIN.fullmatch(val) or val.strip().endswith("/0"):
            return None
        values[key] = Fraction(val.strip())
    if set(values) != set(params):
        return None
    comps = []
    for comp in _FAMILY_TERMS[name](*(values[p] for p in params)):
        terms = sorted(((Fraction(c), e) for c, e in comp if c != 0), key=lambda t: t[1], reverse=True)
        comps.append([[str(c.numerator) if c.denominator == 1 else f"{c.numerator}/{c.denominator}", list(e)]
                      for c, e in terms])
    return {"kind": "polymap", "vars": list(VARIABLES[:len(comps)]), "f": comps}


def parse_polymap_spec(spec: str) -> PolyMapSpec:
    """A polynomial map R^n -> R^n (n = 2..4) from a named family or a tuple of formulas."""
    if not isinstance(spec, str):
        raise CertifyError("a polynomial map is given as text, e.g. 'henon(a=1.4, b=0.3)'")
    name, args = split_call(spec.strip())
    if name in POLY_FAMILIES:
        fast = _plain_family(name, args)
        if fast is not None:
            return PolyMapSpec(spec, fast, parse_polymap(fast))
        values = _family_values(name, args)
        parts = list(POLY_FAMILIES[name][1])
    else:
        parts, values = _split_tuple(spec), {}
        if parts is None:
            raise CertifyError(f"{_cut(spec)} is not a polynomial map: write a tuple of components, e.g. "
                               f"'(1 - 1.4*x^2 + y, 0.3*x)', or henon(a=..., b=...)")
    if len(parts) > len(VARIABLES):
        raise CertifyError(f"a tuple formula has at most {len(VARIABLES)} components ({', '.join(VARIABLES)})")
    names = VARIABLES[:len(parts)]
    canon = {"kind": "polymap", "vars": list(names), "f": [_component(p, names, values) for p in parts]}
    return PolyMapSpec(spec, canon, parse_polymap(canon))
