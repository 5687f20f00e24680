"""Formulas in x: whitelisted tokens, exact decimals, continuity checks; canonical strings."""

from __future__ import annotations

import re
from tokenize import TokenError

from certify.certificates.limits import MAX_DIGITS, MAX_EXPR_CHARS, check_expression
from certify.errors import CertifyError

# sympy is imported where a formula is parsed or built, not with this module: reading a weights file
# and checking a network's certificate need no sympy (a fast start, tests/test_startup.py)


def _x():
    """The symbol x (sympy caches symbols: every call gives the same one)."""
    import sympy
    return sympy.Symbol("x")


def __getattr__(name: str):
    """`X` (the symbol x) and `FUNCTIONS` (name -> sympy function), built on first use."""
    if name == "X":
        return _x()
    if name == "FUNCTIONS":
        return functions()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _relu(u):
    import sympy
    return sympy.Max(0, u)


def _leaky_relu(u, s=None):
    import sympy
    s = sympy.Rational(1, 100) if s is None else s
    return sympy.Max(0, u) + s * sympy.Min(0, u)


def _hardtanh(u):
    import sympy
    return sympy.Max(-1, sympy.Min(1, u))


def _sigmoid(u):
    import sympy
    return 1 / (1 + sympy.exp(-u))


# the names a formula may use (FUNCTIONS maps each to its sympy function)
FUNCTION_NAMES = frozenset({"relu", "leaky_relu", "hardtanh", "sigmoid", "tanh", "exp", "log", "atan", "sin", "cos",
                            "sqrt", "abs", "Abs", "max", "Max", "min", "Min", "pi", "E", "root"})


def _root(poly, lo, hi):
    """root(p, lo, hi): the one real root of the polynomial p (written in x, rational coefficients)
    in [lo, hi], exactly: a rational, or sympy's CRootOf(p in _t, k) (the k-th real root of an
    irreducible factor; the kernel re-checks irreducibility and isolates it itself)."""
    import sympy

    from certify.checker.semantics import ROOT_VAR

    X, T = _x(), sympy.Symbol(ROOT_VAR)
    if not (isinstance(lo, sympy.Rational) and isinstance(hi, sympy.Rational) and lo <= hi):
        raise CertifyError("root(p, lo, hi) takes rational ends lo <= hi")
    try:
        P = sympy.Poly(sympy.sympify(poly).subs(X, T), T, domain="QQ")
    except (sympy.PolynomialError, sympy.CoercionFailed):
        raise CertifyError("root(p, lo, hi) takes a polynomial p in x with rational coefficients") from None
    if P.degree() < 1:
        raise CertifyError("root(p, lo, hi) takes a polynomial p of degree >= 1")
    found = sorted(set(r for r in sympy.real_roots(P) if bool(r >= lo) and bool(r <= hi)), key=sympy.default_sort_key)
    if len(found) != 1:
        raise CertifyError(f"root(p, lo, hi): p has {len(found)} distinct real roots in [{lo}, {hi}], not exactly one")
    return found[0]


def functions() -> dict:
    """name -> sympy function or constant, for every name in FUNCTION_NAMES."""
    import sympy
    out = {
        "relu": _relu, "leaky_relu": _leaky_relu, "hardtanh": _hardtanh, "sigmoid": _sigmoid,
        "tanh": sympy.tanh, "exp": sympy.exp, "log": sympy.log, "atan": sympy.atan,
        "sin": sympy.sin, "cos": sympy.cos, "sqrt": sympy.sqrt,
        "abs": sympy.Abs, "Abs": sympy.Abs, "max": sympy.Max, "Max": sympy.Max,
        "min": sympy.Min, "Min": sympy.Min, "pi": sympy.pi, "E": sympy.E, "root": _root,
    }
    assert set(out) == FUNCTION_NAMES
    return out


_CALLABLE = frozenset(FUNCTION_NAMES - {"pi", "E"})
DISCONTINUOUS = {"floor", "ceiling", "ceil", "sign", "sgn", "Heaviside", "heaviside", "frac",
                 "Mod", "mod", "round", "Piecewise", "step"}
# ASCII only (`\d` and `\s` would admit other scripts' digits and spaces)
_TOKEN = re.compile(r"[ \t]*(?:([A-Za-z_][A-Za-z_0-9]*)"
                    r"|([0-9]+\.?[0-9]*(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?)"
                    r"|(\*\*|[-+*/^(),]))")
_PARSE_ERRORS = (SyntaxError, TypeError, ValueError, AttributeError, ZeroDivisionError, TokenError, RecursionError,
                 OverflowError)


def tokens_ok(text: str, allowed: set[str], what: str) -> None:
    """Refuse any character or name outside the formula language, and any formula beyond the input
    limits (length, nesting, exponents, degree, digits: certificates.limits), before sympy parses it."""
    if len(text) > MAX_EXPR_CHARS:
        raise CertifyError(f"{what} is longer than {MAX_EXPR_CHARS} characters")
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            rest = text[pos:].strip()
            if not rest:
                break
            raise CertifyError(f"malformed {what}: unexpected {rest[:12]!r} at position {pos}")
        name = m.group(1)
        if name and name not in allowed:
            if name in DISCONTINUOUS:
                raise CertifyError(f"{name} is discontinuous: certify needs a continuous map")
            raise CertifyError(f"unknown name {name[:40]!r} in {what}: use x and the functions "
                               f"{', '.join(sorted(FUNCTION_NAMES - {'pi', 'E'}))}; give parameters values")
        pos = m.end()
    check_expression(text, what, frozenset(allowed - FUNCTION_NAMES), _CALLABLE)


def parse_number(text: str, what: str):
    """An exact real constant: decimals are exact decimals, p/q exact, sqrt(2) etc. allowed."""
    import sympy
    from sympy.parsing.sympy_parser import convert_xor, parse_expr, rationalize, standard_transformations

    tokens_ok(text, set(FUNCTION_NAMES) | {"x"}, what)  # x only inside root(p, lo, hi): checked below
    try:
        v = parse_expr(text, local_dict={"x": _x(), **functions()},
                       transformations=standard_transformations + (rationalize, convert_xor))
        v = sympy.sympify(v)
    except _PARSE_ERRORS as e:
        raise CertifyError(f"malformed {what} {_cut(text)}: {type(e).__name__}") from None
    if v.free_symbols or not v.is_real or v.has(sympy.zoo, sympy.oo, -sympy.oo, sympy.nan):
        raise CertifyError(f"{what} {_cut(text)} is not a finite real number")
    return v


def parse_formula(text: str, free: str | None = None):
    """A continuous map given as a formula in x (sympy syntax, ^ or ** for powers); `free` names
    a parameter that may appear as a symbol (a family), or is a tuple of such names."""
    import sympy
    from sympy.parsing.sympy_parser import convert_xor, parse_expr, rationalize, standard_transformations

    extra = {n: sympy.Symbol(n) for n in ((free,) if isinstance(free, str) else (free or ()))}
    tokens_ok(text, set(FUNCTION_NAMES) | {"x"} | set(extra), "formula")
    try:
        expr = parse_expr(text, local_dict={"x": _x(), **functions(), **extra},
                          transformations=standard_transformations + (rationalize, convert_xor))
        expr = sympy.sympify(expr)
    except _PARSE_ERRORS as e:
        raise CertifyError(f"malformed formula {_cut(text)}: {type(e).__name__}") from None
    if not isinstance(expr, sympy.Expr):
        raise CertifyError(f"formula {_cut(text)} is not an expression in x")
    if expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise CertifyError(f"formula {_cut(text)} is not finite everywhere")
    return expr  # continuity on the claim's domain is proved by the kernel (certify.checker.continuity)


def expr_to_canonical(expr, free: str | None = None) -> dict:
    """The certificate's canonical form of a formula map: sympy's string of the exact expression."""
    import sympy

    if expr.has(sympy.Float):
        raise CertifyError("internal: a float reached a canonical expression")
    try:
        text = sympy.sstr(expr)
    except ValueError:  # Python refuses to print an integer of more than 4300 digits
        raise CertifyError(f"the map holds a number with more than {MAX_DIGITS} digits") from None
    names = tuple(sorted(str(v) for v in expr.free_symbols if str(v) != "x"))  # a family's parameters
    text = _fixpoint(text, names)
    if len(text) > MAX_EXPR_CHARS:
        raise CertifyError(f"the map's canonical form is longer than {MAX_EXPR_CHARS} characters (the limit "
                           "for certificates); a network is stored compactly as rnn1d(...) or a weights file")
    canon = {"kind": "expr", "expr": text}
    if free:
        canon["param"] = free
    return canon


def _fixpoint(text: str, free) -> str:
    """sympy's printing re-read and re-printed until it no longer changes (printing is not always
    idempotent: x - 3*(x - 1)*(x**2 - 2)**2 reads back as x - (3*x - 3)*(x**2 - 2)**2), so the
    canonical text is one the kernel reads back as itself."""
    import sympy

    from certify.checker.semantics import parse_canonical_expr

    for _ in range(4):
        again = sympy.sstr(parse_canonical_expr(text, free))
        if again == text:
            return text
        text = again
    raise CertifyError("sympy's printing of the formula does not settle; write it in expanded form")


def _cut(text: str, n: int = 60) -> str:
    """repr of a user's text cut to n characters, for error messages."""
    return repr(text) if len(text) <= n else repr(text[:n]) + "..."
