"""What a map *is*: a canonical map description compiled to a straight-line program.

Part of the trusted kernel: imports only the standard library, python-flint, sympy's parser,
certify.errors and certify.certificates (exact rationals and the input limits). sympy is imported
where a formula is parsed or compiled, so a network (rnn1d) compiles without it. The certifiers
use these evaluators too, so finder and checker agree by construction on the function being
studied; everything clever lives outside this module.

A program is a tuple of instructions; instruction k computes slot k from earlier slots:
  ("x",) ("const", q) ("pi",) ("add", i, j, ...) ("mul", i, j, ...) ("pow", i, n)
  ("max", i, j) ("min", i, j) ("abs", i) and unary ("tanh"|"exp"|"log"|"atan"|"sqrt"|"sin"|"cos", i),
  ("root", (c_0, ..., c_d), k): the k-th real root (increasing, from 0) of the irreducible integer
  polynomial c_0 + c_1 t + ... + c_d t^d, written CRootOf(c_0 + c_1*x + ..., k) in canonical
  expressions (sympy's CRootOf, whose polynomial's variable is only a name: it always prints x;
  real roots come first, in increasing order), a constant (checker.polynomials.RealRoot).
The last slot is f(x).

Evaluators (all over the same program):
  eval_exact   exact value at a rational (or polynomial) argument, when the map is algebraic;
  eval_ball    arb enclosure of f(X) and, optionally, of {f'(t): t in X} (one-sided derivatives
               hulled at kinks, so the mean-value inclusion f(y)-f(x) in f'(X)(y-x) holds for
               every continuous piecewise-C^1 map);
  eval_range   extended-real enclosure of f(R), the image of the whole line (None if unbounded);
  PL           the exact piecewise-linear table of a map built from affine pieces, max, min, abs.
"""

from __future__ import annotations

import functools
import math
import re
from tokenize import TokenError
from bisect import bisect_right

from flint import arb, ctx, fmpq

from certify.certificates import q_parse
from certify.certificates.limits import MAX_EXPONENT, MAX_EXPR_CHARS, MAX_WIDTH, check_expression
from certify.errors import CertifyError

MONOTONE = ("tanh", "exp", "log", "atan", "sqrt")  # increasing on their domains
ROOT_VAR = "_t"  # the variable a root constant's polynomial is built in (sympy prints it as x)
UNARY = MONOTONE + ("sin", "cos", "abs")
ACTIVATIONS = ("relu", "leaky_relu", "hardtanh", "identity", "tanh", "sigmoid")


@functools.cache
def _sympy_names():
    """(X, the table of sympy's functions), built on first use: sympy's symbol x and its unary
    functions with their instruction names."""
    import sympy

    return sympy.Symbol("x"), {
        sympy.tanh: "tanh",
        sympy.exp: "exp",
        sympy.log: "log",
        sympy.atan: "atan",
        sympy.sin: "sin",
        sympy.cos: "cos",
        sympy.Abs: "abs",
    }


def __getattr__(name: str):
    """X, sympy's symbol x (for `from certify.checker.semantics import X`), imports sympy."""
    if name == "X":
        return _sympy_names()[0]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Names a canonical expression may contain; anything else is refused before sympy sees it.
_CANON_NAMES = {"x", "Max", "Min", "Abs", "tanh", "exp", "log", "atan", "sin", "cos", "sqrt", "pi", "E",
                "CRootOf"}
_CANON_FUNCTIONS = frozenset(_CANON_NAMES - {"x", "pi", "E"})
_TOKEN = re.compile(r"[ \t]*(?:([A-Za-z_][A-Za-z_0-9]*)|([0-9]+)|(\*\*|[-+*/(),]))")  # ASCII only


class NotExact(Exception):
    """The program uses a transcendental operation; exact evaluation is impossible."""


class NotPL(Exception):
    """The program is not piecewise linear (a product of non-constants, a power, a transcendental)."""


def workprec(prec: int):
    """Context manager setting flint's working precision (bits) for the kernel's ball arithmetic."""
    return ctx.workprec(prec)


# ----------------------------------------------------------------------------- building programs

class _Builder:
    def __init__(self, param=None):
        self.code: list[tuple] = []
        self.index: dict[tuple, int] = {}
        self.param = param  # the sympy Symbol of a family's parameter, or None

    def emit(self, ins: tuple) -> int:
        k = self.index.get(ins)
        if k is None:
            k = self.index[ins] = len(self.code)
            self.code.append(ins)
        return k

    def const(self, q) -> int:
        # constants are not deduplicated: hashing an fmpq is slow and sharing them saves nothing
        self.code.append(("const", fmpq(q)))
        return len(self.code) - 1


def _from_sympy(expr, b: _Builder) -> int:
    import sympy

    X, funcs = _sympy_names()
    if expr == X:
        return b.emit(("x",))
    if b.param is not None and expr == b.param:
        return b.emit(("param",))
    if expr.is_Rational:
        return b.const(fmpq(int(expr.p), int(expr.q)))
    if expr is sympy.pi:
        return b.emit(("pi",))
    if isinstance(expr, sympy.CRootOf):
        return b.emit(_root_instruction(expr))
    if expr is sympy.E:
        return b.emit(("exp", b.const(1)))
    if expr.is_Add or expr.is_Mul:
        args = sorted(_from_sympy(a, b) for a in expr.args)
        return b.emit(("add" if expr.is_Add else "mul", *args))
    if expr.is_Pow:
        base, e = expr.args
        k = _from_sympy(base, b)
        if e.is_Integer:
            if abs(e) > MAX_EXPONENT:
                raise CertifyError(f"exponent {e} is beyond {MAX_EXPONENT} in absolute value")
            return b.emit(("pow", k, int(e)))
        if e == sympy.Rational(1, 2):
            return b.emit(("sqrt", k))
        if e == sympy.Rational(-1, 2):
            return b.emit(("pow", b.emit(("sqrt", k)), -1))
        raise CertifyError(f"unsupported power {expr}: only integer exponents and square roots")
    if isinstance(expr, (sympy.Max, sympy.Min)):
        op = "max" if isinstance(expr, sympy.Max) else "min"
        args = [_from_sympy(a, b) for a in expr.args]
        acc = args[0]
        for a in args[1:]:
            acc = b.emit((op, *sorted((acc, a))))
        return acc
    name = funcs.get(expr.func)
    if name is not None:
        return b.emit((name, _from_sympy(expr.args[0], b)))
    if expr.free_symbols - {X, b.param}:
        raise CertifyError(f"unknown symbol(s) {sorted(map(str, expr.free_symbols - {X, b.param}))}: "
                           "a map is an expression in x alone; give parameters values")
    raise CertifyError(f"unsupported or discontinuous function {expr.func.__name__} in the map")


def _root_instruction(expr) -> tuple:
    """("root", coefficients, k) of a real sympy CRootOf (its polynomial's variable is a name only);
    the kernel checks irreducibility and that k names a real root (checker.polynomials.RealRoot)."""
    import sympy

    poly = expr.poly
    # not expr.is_real: sympy isolates the roots for it (minutes at degree 14); RealRoot refuses an
    # index beyond the real roots, which sympy numbers first
    if len(poly.gens) != 1 or not all(c.is_Integer for c in poly.all_coeffs()):
        raise CertifyError("a root constant is CRootOf(integer polynomial, k) naming a real root")
    coeffs = tuple(int(c) for c in reversed(poly.all_coeffs()))
    try:
        root_of(("root", coeffs, int(expr.index)))
    except ValueError as e:
        raise CertifyError(f"bad root constant {sympy.sstr(expr)[:80]}: {e}") from None
    return ("root", coeffs, int(expr.index))


def root_of(ins: tuple):
    """The RealRoot of a ("root", coefficients, k) instruction (checked, cached)."""
    from certify.checker.polynomials import real_root
    return real_root(ins[1], ins[2])


def _crootof(f, index):
    """sympy's CRootOf(f, index), for an irreducible polynomial only (flint's factorisation, checked
    first): of a reducible one sympy isolates roots while parsing, for minutes at degree 17. The
    canonical text of a root constant names an irreducible polynomial anyway (sympy prints the
    factor's root), and the kernel requires it (checker.polynomials.RealRoot)."""
    import sympy
    from flint import fmpz_poly

    X = _sympy_names()[0]
    poly = sympy.Poly(f, X)
    if poly.degree() >= 2:
        if not poly.domain.is_ZZ:
            raise CertifyError("a root constant is CRootOf(integer polynomial, k) naming a real root")
        zm = fmpz_poly([int(c) for c in reversed(poly.all_coeffs())])
        _, factors = zm.factor()
        if len(factors) != 1 or factors[0][1] != 1 or factors[0][0].degree() != zm.degree():
            raise CertifyError("a root constant's polynomial is not irreducible over Q")
    return sympy.CRootOf(f, index)


def parse_canonical_expr(text: str, param: str | tuple | None = None):
    """Parse a canonical expression string (exact rationals, whitelisted functions) with sympy.

    The string is tokenised first and any name outside the whitelist is refused, so no
    certificate can make the parser evaluate arbitrary Python; then the input limits are checked
    (length, nesting, exponents, degree, digits: certify.certificates.limits.check_expression), so
    no certificate can make sympy hang or exhaust memory. `param` names a family's parameter, or is
    a tuple of names (a two-parameter family).
    """
    params = (param,) if isinstance(param, str) else tuple(param or ())
    if not isinstance(text, str):
        raise CertifyError("canonical expression must be a string")
    if not all(isinstance(p, str) and p.isidentifier() for p in params):
        raise CertifyError("canonical parameter names must be identifiers")
    return _parse_canonical(text, params)


@functools.lru_cache(maxsize=512)
def _parse_canonical(text: str, params: tuple):
    """parse_canonical_expr after its type checks; a pure function of (text, params) whose sympy result is
    immutable, so it is cached (a certificate's map is parsed by every check of it; refusals raise and are not
    cached)."""
    if len(text) > MAX_EXPR_CHARS:
        raise CertifyError(f"canonical expression is longer than {MAX_EXPR_CHARS} characters")
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise CertifyError(f"canonical expression has an unexpected character at {pos}: {text[pos:pos + 10]!r}")
        if m.group(1) and m.group(1) not in _CANON_NAMES and m.group(1) not in params:
            raise CertifyError(f"canonical expression uses the unknown name {m.group(1)[:40]!r}")
        pos = m.end()
    check_expression(text, "canonical expression", frozenset({"x", *params}), _CANON_FUNCTIONS)
    import sympy
    from sympy.parsing.sympy_parser import parse_expr

    X = _sympy_names()[0]
    names = {n: getattr(sympy, n) for n in ("Max", "Min", "Abs", "tanh", "exp", "log", "atan",
                                             "sin", "cos", "sqrt", "pi", "E", "CRootOf")}
    glob = {"Integer": sympy.Integer, "Symbol": sympy.Symbol, "Rational": sympy.Rational}
    local = {"x": X, **names, "CRootOf": _crootof}
    for name in params:
        local[name] = sympy.Symbol(name)
    from sympy.polys.polyerrors import BasePolynomialError

    try:
        return parse_expr(text, local_dict=local, global_dict=glob)
    except (SyntaxError, TypeError, ValueError, TokenError, AttributeError, ZeroDivisionError, IndexError,
            BasePolynomialError) as e:  # the last two: CRootOf with a bad index or a non-polynomial
        raise CertifyError(f"canonical expression does not parse: {type(e).__name__}") from None


def canonical_expr(text: str, param=None):
    """A map's canonical expression: parsed as by parse_canonical_expr, and required to be in
    canonical form (sympy's own printing of what it parsed), so the text a certificate shows is
    the function the kernel compiles (sympy would silently cancel x**2/x to x, read 1//3 as 0)."""
    import sympy

    expr = parse_canonical_expr(text, param)
    if sympy.sstr(expr) != text:
        raise CertifyError(f"the canonical expression is not in canonical form: it reads as {sympy.sstr(expr)[:80]!r}")
    return expr


def family_expr(canon: dict):
    """(expr, x, parameter symbol) of a one-parameter canonical family ({"kind": "expr", "param": ...}),
    or None when canon is not one (or its text is not canonical)."""
    if canon.get("kind") != "expr" or not isinstance(canon.get("param"), str):
        return None
    try:
        expr = canonical_expr(canon["expr"], canon["param"])
    except CertifyError:
        return None
    import sympy

    return expr, _sympy_names()[0], sympy.Symbol(canon["param"])


def _activation(b: _Builder, act: str, u: int, slope) -> int:
    code = b.code

    def put(ins):
        code.append(ins)
        return len(code) - 1

    if act == "identity":
        return u
    if act == "relu":
        return put(("max", u, b.const(0)))
    if act == "leaky_relu":
        pos = put(("max", u, b.const(0)))
        neg = put(("min", u, b.const(0)))
        return put(("add", pos, put(("mul", b.const(slope), neg))))
    if act == "hardtanh":
        return put(("max", put(("min", u, b.const(1))), b.const(-1)))
    if act == "tanh":
        return put(("tanh", u))
    if act == "sigmoid":
        e = put(("exp", put(("mul", b.const(-1), u))))
        return put(("pow", put(("add", b.const(1), e)), -1))
    raise CertifyError(f"unknown activation {act!r}; choose one of {', '.join(ACTIVATIONS)}")


def _from_rnn1d(spec: dict, b: _Builder, radius=None) -> int:
    """Compile an rnn1d description; with `radius` (an fmpq >= 0) every weight w, b, a, c becomes
    the ball [v - radius, v + radius] (at the working precision): the program then encloses the
    outputs of every network within `radius` of the given one, for eval_ball only."""
    lists = [spec.get(k) for k in ("w", "b", "a")]
    if not all(isinstance(v, list) for v in lists):
        raise CertifyError("rnn1d weights w, b, a must be lists of exact rationals")
    if not (len(lists[0]) == len(lists[1]) == len(lists[2])) or not lists[0]:
        raise CertifyError("rnn1d weights w, b, a must be non-empty and of equal length")
    if len(lists[0]) > MAX_WIDTH:
        raise CertifyError(f"rnn1d network wider than {MAX_WIDTH} units")
    w, bias, a = ([_canon_q(v) for v in vs] for vs in lists)
    slope = _canon_q(spec.get("slope", "1/100"))
    x = b.emit(("x",))
    code = b.code

    def weight(v) -> int:
        if radius is None:
            return b.const(v)
        code.append(("const", ball_of(v - radius, v + radius)))
        return len(code) - 1

    terms = []
    for wi, bi, ai in zip(w, bias, a):  # no sharing is possible between units: append directly
        if ai == 0 and radius is None:
            continue
        cw = weight(wi)
        code.append(("mul", cw, x))
        cb = weight(bi)
        code.append(("add", len(code) - 2, cb))
        act = _activation(b, spec["activation"], len(code) - 1, slope)
        ca = weight(ai)
        code.append(("mul", ca, act))
        terms.append(len(code) - 1)
    if "c" not in spec:
        raise CertifyError("a canonical rnn1d map states its output bias c")
    c = weight(_canon_q(spec["c"]))
    out = b.emit(("add", c, *terms)) if terms else c
    if spec.get("output_activation"):
        out = _activation(b, spec["output_activation"], out, slope)
    return out


def _canon_q(s) -> fmpq:
    """A number of a canonical rnn1d map: an exact rational string "p" or "p/q" in lowest terms (the
    form certificates write; a JSON integer or "2/4" is refused, so every reader sees one value)."""
    if not isinstance(s, str):
        raise CertifyError(f"canonical rnn1d numbers are strings 'p' or 'p/q', got {str(s)[:40]!r}")
    q = _q(s)
    if (str(q.p) if q.q == 1 else f"{q.p}/{q.q}") != s:
        raise CertifyError(f"canonical rnn1d number {s[:40]!r} is not in lowest terms")
    return q


def _q(s) -> fmpq:
    """An exact rational 'p' or 'p/q' (or an int): ASCII digits, within the digit limit."""
    return q_parse(s)


class Program:
    """A compiled map: straight-line code over exact/ball/range/PL semantics."""

    __slots__ = ("code", "_pl", "canonical")

    def __init__(self, code, canonical=None):
        self.code = tuple(code)
        self._pl = False
        self.canonical = canonical

    @classmethod
    def from_canonical(cls, canon: dict, value=None) -> "Program":
        """Compile {"kind": "expr", "expr": ...} or {"kind": "rnn1d", ...} into a program.

        A family ({"kind": "expr", "expr": ..., "param": "r"}) compiles with a ("param",)
        instruction, or, given an exact `value`, as the map at that parameter value.
        """
        if not isinstance(canon, dict) or canon.get("kind") not in ("expr", "rnn1d"):
            raise CertifyError("canonical map must be {'kind': 'expr'|'rnn1d', ...}")
        name = canon.get("param")
        if name is not None and not (isinstance(name, str) and name.isidentifier()
                                     and name not in _CANON_NAMES and canon["kind"] == "expr"):
            raise CertifyError(f"bad family parameter {name!r}")
        if value is not None and name is None:
            raise CertifyError("a parameter value was given for a map without a parameter")
        sym = None
        if canon["kind"] == "expr":  # a formula, read by sympy (a network compiles without it)
            import sympy

            sym = sympy.Symbol(name) if name else None
        b = _Builder(None if value is not None else sym)
        if canon["kind"] == "expr":
            expr = canonical_expr(canon["expr"], name)
            if value is not None:
                expr = expr.subs(sym, sympy.Rational(int(value.p), int(value.q)))
            _from_sympy(expr, b)
        else:
            _from_rnn1d(canon, b)
        return cls(b.code, canon if value is None else None)

    def has_param(self) -> bool:
        return any(ins[0] == "param" for ins in self.code)

    def at_ball(self, lo, hi) -> "Program":
        """The family with its parameter ranging over [lo, hi] (exact rationals): ball and range
        evaluation then enclose f_r(X) for every r in [lo, hi] at once; exact evaluation refuses."""
        return Program(tuple(("ball", lo, hi) if ins[0] == "param" else ins for ins in self.code))

    @classmethod
    def from_sympy(cls, expr) -> "Program":
        b = _Builder()
        _from_sympy(expr, b)
        return cls(b.code)

    def pl(self) -> "PL | None":
        """The exact piecewise-linear table, or None when the map is not piecewise linear."""
        if self._pl is False:
            try:
                self._pl = _pl_table(self.code)
            except NotPL:
                self._pl = None
        return self._pl

    def is_polynomial(self) -> bool:
        """Polynomial in x (and in the parameter, for a family)."""
        return all(ins[0] in ("x", "param", "const", "add", "mul") or (ins[0] == "pow" and ins[2] >= 0)
                   for ins in self.code)

    def __call__(self, q):
        return eval_exact(self, q)


# ----------------------------------------------------------------------------- exact evaluation

def eval_exact(prog: Program, v, param=None):
    """f(v) exactly, for v an fmpq (or a polynomial, when the program is one); `param` is the
    value (or polynomial variable) of a family's parameter. Max, min and abs need rational
    arguments: over polynomials they raise NotExact (they are not polynomial operations)."""
    s = []
    for ins in prog.code:
        op = ins[0]
        if op == "x":
            r = v
        elif op == "param":
            if param is None:
                raise NotExact("param")
            r = param
        elif op == "const":
            r = ins[1]
        elif op == "add":
            r = s[ins[1]]
            for k in ins[2:]:
                r = r + s[k]
        elif op == "mul":
            r = s[ins[1]]
            for k in ins[2:]:
                r = r * s[k]
        elif op == "pow":
            r = s[ins[1]] ** ins[2]
        elif op in ("max", "min", "abs"):
            args = [s[k] for k in ins[1:]]
            if not all(isinstance(a, fmpq) for a in args):
                # over polynomials these are not polynomial operations: refuse, never compare
                raise NotExact(f"{op} of a non-rational argument")
            r = max(args) if op == "max" else min(args) if op == "min" else abs(args[0])
        else:
            raise NotExact(op)
        s.append(r)
    return s[-1]


# ----------------------------------------------------------------------------- ball evaluation

def _hull(a: arb, b: arb) -> arb:
    return a.union(b)


def ball_of(lo, hi) -> arb:
    """Ball enclosing the exact interval [lo, hi] (lo, hi fmpq or arb) at the working precision."""
    return arb(lo).union(arb(hi))


def _sq(v: arb) -> arb:
    """Enclosure of {t^2 : t in v}, never negative."""
    if v.rad() == 0:
        return v * v
    a, b = v.abs_lower(), v.abs_upper()
    return _hull(a * a, b * b)


def _mono(fn: str, v: arb) -> arb:
    """Increasing fn on v by its endpoints (tight on wide balls, where arb's own would blow up)."""
    if v.rad() == 0:
        return getattr(v, fn)()
    return _hull(getattr(v.lower(), fn)(), getattr(v.upper(), fn)())


def _ipow(v: arb, n: int) -> arb:
    if n == 0:
        return arb(1)
    if n < 0:
        return 1 / _ipow(v, -n)
    if v.rad() == 0:
        return v ** n
    if n % 2 == 0:
        a, b = v.abs_lower(), v.abs_upper()
        return _hull(a ** n, b ** n)
    return _hull(v.lower() ** n, v.upper() ** n)


def _bmax(a: arb, b: arb) -> arb:
    lo = a.lower() if a.lower() >= b.lower() else b.lower()
    hi = a.upper() if a.upper() >= b.upper() else b.upper()
    return _hull(lo, hi)


def _bmin(a: arb, b: arb) -> arb:
    return -_bmax(-a, -b)


def eval_ball(prog: Program, x: arb, deriv: bool = False, seed=None):
    """Enclosure of f(X) (and of f'(X) when deriv) in ball arithmetic at the working precision.

    Max, min and abs are evaluated from endpoints; where a kink may lie inside X the derivative
    enclosure is the hull of both one-sided derivatives, which keeps the mean-value inclusion
    valid for continuous piecewise-smooth maps. With seed = (dx, dr) the derivative is the
    directional one, f_x dx + f_r dr, for a family whose parameter is a ball (chain rule along
    iterates: the parameter-derivative of f^n is carried in dx).
    """
    vs: list[arb] = []
    ds: list[arb] = []
    zero, one = arb(0), arb(1)
    dx, dr = seed if seed is not None else (one, zero)
    for ins in prog.code:
        op = ins[0]
        d = zero
        if op == "x":
            v, d = x, dx
        elif op == "const":
            v = arb(ins[1])
        elif op == "ball":
            v, d = ball_of(ins[1], ins[2]), dr
        elif op == "pi":
            v = arb.pi()
        elif op == "root":
            v = root_of(ins).ball(ctx.prec + 8)
        elif op == "add":
            v = vs[ins[1]]
            if deriv:
                d = ds[ins[1]]
            for k in ins[2:]:
                v = v + vs[k]
                if deriv:
                    d = d + ds[k]
        elif op == "mul":
            v = vs[ins[1]]
            if deriv:
                d = ds[ins[1]]
            for k in ins[2:]:
                if deriv:
                    d = d * vs[k] + v * ds[k]
                v = v * vs[k]
        elif op == "pow":
            u, n = vs[ins[1]], ins[2]
            v = _ipow(u, n)
            if deriv:
                d = n * _ipow(u, n - 1) * ds[ins[1]] if n != 0 else zero
        elif op in ("max", "min"):
            a, b = vs[ins[1]], vs[ins[2]]
            first = (a > b) if op == "max" else (a < b)
            second = (b > a) if op == "max" else (b < a)
            if first:
                v = a
                d = ds[ins[1]] if deriv else zero
            elif second:
                v = b
                d = ds[ins[2]] if deriv else zero
            else:
                v = _bmax(a, b) if op == "max" else _bmin(a, b)
                if deriv:
                    d = _hull(ds[ins[1]], ds[ins[2]])
        elif op == "abs":
            u = vs[ins[1]]
            du = ds[ins[1]] if deriv else zero
            if u > 0:
                v, d = u, du
            elif u < 0:
                v, d = -u, -du
            else:
                v = _hull(arb(0), u.abs_upper())
                d = _hull(du, -du)
        elif op in MONOTONE:
            u = vs[ins[1]]
            v = _mono(op, u)
            if deriv:
                du = ds[ins[1]]
                if op == "tanh":
                    d = (1 - _sq(v)) * du
                elif op == "exp":
                    d = v * du
                elif op == "log":
                    d = du / u
                elif op == "atan":
                    d = du / (1 + _sq(u))
                else:  # sqrt
                    d = du / (2 * v)
        elif op == "sin":
            u = vs[ins[1]]
            v = u.sin()
            if deriv:
                d = u.cos() * ds[ins[1]]
        elif op == "cos":
            u = vs[ins[1]]
            v = u.cos()
            if deriv:
                d = -u.sin() * ds[ins[1]]
        else:
            raise CertifyError(f"unknown instruction {op!r}")
        vs.append(v)
        ds.append(d)
    return (vs[-1], ds[-1]) if deriv else vs[-1]


# ----------------------------------------------------------------------------- image of the whole line

_INF, _NINF = arb.pos_inf(), arb.neg_inf()


def _fin(v: arb) -> bool:
    return v.is_finite()


def _emul(a: arb, b: arb, lower: bool) -> arb:
    if a == 0 or b == 0:  # exact zeros: the convention 0 * inf = 0 of extended interval products
        return arb(0)
    if _fin(a) and _fin(b):
        r = a * b
        return r.lower() if lower else r.upper()
    return _INF if (a > 0) == (b > 0) else _NINF


def _eadd(a: arb, b: arb, lower: bool) -> arb:
    if not (_fin(a) and _fin(b)):
        return a if not _fin(a) else b
    r = a + b
    return r.lower() if lower else r.upper()


_LIMITS = {  # value at -inf, value at +inf (None: keep arb's own)
    "tanh": (-1, 1),
    "exp": (0, None),
    "atan": ("-pi/2", "pi/2"),
    "log": (None, None),
    "sqrt": (None, None),
}


def _emono(fn: str, e: arb, lower: bool) -> arb:
    if _fin(e):
        r = getattr(e, fn)()
        if not r.is_finite():
            return r
        return r.lower() if lower else r.upper()
    lim = _LIMITS[fn][1 if e > 0 else 0]
    if lim is None:
        return e  # exp, log, sqrt: +inf -> +inf (log, sqrt of -inf are refused below)
    if isinstance(lim, str):
        half = arb.pi() / 2
        r = half if lim == "pi/2" else -half
        return r.lower() if lower else r.upper()
    return arb(lim)


def eval_range(prog: Program, bounded: bool = True):
    """Exact-endpoint enclosure (lo, hi) of f(R), the image of the whole real line, or None.

    None means the enclosure is unbounded (unless `bounded` is False: the ends may then be
    infinite) or undefined (e.g. log of a negative number); it proves nothing about f. Endpoints
    are exact arbs.
    """
    s = slot_ranges(prog)
    if s is None:
        return None
    lo, hi = s[-1]
    if bounded and not (_fin(lo) and _fin(hi)):
        return None
    return lo, hi


def slot_ranges(prog: Program, below=None, above=None):
    """For every slot k of the program, an exact-endpoint enclosure (lo, hi) (ends possibly
    infinite) of {slot_k(x) : x real} (x <= below, or x >= above, given a rational); None when
    some slot's enclosure is undefined."""
    s: list[tuple[arb, arb]] = []
    for ins in prog.code:
        op = ins[0]
        if op == "x":
            r = (_NINF if above is None else arb(above), _INF if below is None else arb(below))
        elif op in ("const", "pi", "ball", "root"):
            c = arb(ins[1]) if op == "const" else arb.pi() if op == "pi" else \
                root_of(ins).ball(ctx.prec + 8) if op == "root" else ball_of(ins[1], ins[2])
            r = (c.lower(), c.upper())
        elif op == "add":
            lo, hi = s[ins[1]]
            for k in ins[2:]:
                lo, hi = _eadd(lo, s[k][0], True), _eadd(hi, s[k][1], False)
            r = (lo, hi)
        elif op == "mul":
            lo, hi = s[ins[1]]
            for k in ins[2:]:
                c, d = s[k]
                ends = [(p, q) for p in (lo, hi) for q in (c, d)]
                los = [_emul(p, q, True) for p, q in ends]
                his = [_emul(p, q, False) for p, q in ends]
                lo, hi = min(los, key=_key), max(his, key=_key)
            r = (lo, hi)
        elif op == "pow":
            (lo, hi), n = s[ins[1]], ins[2]
            if n < 0:
                if not (lo > 0 or hi < 0):
                    return None
                a, b = (lo, hi) if lo > 0 else (-hi, -lo)
                ra = (1 / a) if _fin(a) else arb(0)
                rb = (1 / b) if _fin(b) else arb(0)
                inv = (rb.lower(), ra.upper())
                r = inv if lo > 0 else (-inv[1], -inv[0])
                if -n != 1:
                    r = _epow(r, -n)
            else:
                r = _epow((lo, hi), n)
        elif op in ("max", "min"):
            (a, b), (c, d) = s[ins[1]], s[ins[2]]
            pick = max if op == "max" else min
            r = (pick(a, c, key=_key), pick(b, d, key=_key))
        elif op == "abs":
            lo, hi = s[ins[1]]
            if lo >= 0:
                r = (lo, hi)
            elif hi <= 0:
                r = (-hi, -lo)
            else:
                r = (arb(0), max(-lo, hi, key=_key))
        elif op in MONOTONE:
            lo, hi = s[ins[1]]
            if op in ("log", "sqrt") and not lo >= 0:
                return None
            r = (_emono(op, lo, True), _emono(op, hi, False))
        elif op in ("sin", "cos"):
            lo, hi = s[ins[1]]
            if _fin(lo) and _fin(hi):
                v = getattr(_hull(lo, hi), op)()
                r = (v.lower(), v.upper())
            else:
                r = (arb(-1), arb(1))
        else:
            raise CertifyError(f"unknown instruction {op!r}")
        if r[0].is_nan() or r[1].is_nan():
            return None
        s.append(r)
    return s


def _key(v: arb):
    """Total order key for exact arbs including infinities (used only on exact endpoints)."""
    if not _fin(v):
        return (1 if v > 0 else -1, 0)
    return (0, v.mid().fmpq())


def _epow(r, n):
    lo, hi = r
    if n == 1:
        return r
    if n % 2 == 0:
        if lo >= 0:
            a, b = lo, hi
        elif hi <= 0:
            a, b = -hi, -lo
        else:
            a, b = arb(0), max(-lo, hi, key=_key)
        return (_epow1(a, n, True), _epow1(b, n, False))
    return (_epow1(lo, n, True), _epow1(hi, n, False))


def _epow1(e, n, lower):
    if not _fin(e):
        return e if (e > 0 or n % 2) else _INF
    r = e ** n
    return r.lower() if lower else r.upper()


# ----------------------------------------------------------------------------- piecewise-linear tables

class PL:
    """Exact continuous piecewise-linear f: breaks t_1 < ... < t_m, f = s_k x + c_k on piece k.

    Piece 0 is (-inf, t_1], piece k is [t_k, t_{k+1}], piece m is [t_m, +inf).
    """

    __slots__ = ("breaks", "slopes", "icepts")

    def __init__(self, breaks, slopes, icepts):
        self.breaks, self.slopes, self.icepts = breaks, slopes, icepts

    def piece(self, x) -> int:
        return bisect_right(self.breaks, x)

    def __call__(self, x: fmpq) -> fmpq:
        k = bisect_right(self.breaks, x)
        return self.slopes[k] * x + self.icepts[k]

    def affine_on(self, lo, hi):
        """Index of the piece on which f is affine over [lo, hi], or None if a break lies inside."""
        k = bisect_right(self.breaks, lo)
        if k < len(self.breaks) and self.breaks[k] < hi:
            return None
        return k

    def pieces(self):
        """(lo, hi, slope, intercept) per piece; lo = None is -inf, hi = None is +inf."""
        ends = [None, *self.breaks, None]
        return [(ends[k], ends[k + 1], self.slopes[k], self.icepts[k]) for k in range(len(self.slopes))]


def float_key(q) -> float:
    """A float that is monotone in the exact rational q (correctly rounded; +-inf beyond the range):
    for sorting and bisecting fast, always followed by exact comparisons."""
    try:
        return float(q)
    except OverflowError:
        return math.inf if q > 0 else -math.inf


def _basis_to_table(alpha, beta, kinks) -> PL:
    """f = alpha + beta x + sum gamma relu(x - t)  ->  sorted table (zero jumps dropped)."""
    kinks = sorted(kinks, key=lambda tg: float_key(tg[0]))  # fast, and exact but for float ties
    if any(kinks[j][0] > kinks[j + 1][0] for j in range(len(kinks) - 1)):
        kinks.sort(key=lambda tg: tg[0])  # rounding tied or swapped two kinks: sort exactly
    merged = []
    for t, g in kinks:
        if merged and merged[-1][0] == t:
            merged[-1][1] += g
        else:
            merged.append([t, g])
    breaks, slopes, icepts = [], [beta], [alpha]
    for t, g in merged:
        if g == 0:
            continue
        breaks.append(t)
        slopes.append(slopes[-1] + g)
        icepts.append(icepts[-1] - g * t)
    return PL(breaks, slopes, icepts)


def _table_to_basis(tab: PL):
    kinks = [(t, tab.slopes[j + 1] - tab.slopes[j]) for j, t in enumerate(tab.breaks)]
    return (tab.icepts[0], tab.slopes[0], kinks)


def _relu_basis(f):
    """relu of a PL function given in the relu basis."""
    alpha, beta, kinks = f
    if not kinks:
        if beta == 0:
            return (max(alpha, fmpq(0)), fmpq(0), [])
        t = -alpha / beta
        if beta > 0:
            return (fmpq(0), fmpq(0), [(t, beta)])
        return (alpha, beta, [(t, -beta)])
    tab = _basis_to_table(alpha, beta, kinks)
    ends = [None, *tab.breaks, None]
    new_breaks, new_slopes, new_icepts = [], [], []
    for k, (s, c) in enumerate(zip(tab.slopes, tab.icepts)):
        lo, hi = ends[k], ends[k + 1]
        cuts = [lo]
        if s != 0:
            z = -c / s
            if (lo is None or z > lo) and (hi is None or z < hi):
                cuts.append(z)
        cuts.append(hi)
        for a, b in zip(cuts, cuts[1:]):
            probe = (a + b) / 2 if a is not None and b is not None else (
                (b - 1) if a is None and b is not None else (a + 1) if a is not None else fmpq(0))
            positive = s * probe + c > 0
            if a is not None:
                new_breaks.append(a)
            new_slopes.append(s if positive else fmpq(0))
            new_icepts.append(c if positive else fmpq(0))
    # new_breaks repeats interior cut points as piece starts; rebuild through the basis
    kinks = [(t, new_slopes[j + 1] - new_slopes[j]) for j, t in enumerate(new_breaks)]
    return (new_icepts[0], new_slopes[0], kinks)


def _pl_table(code) -> PL:
    vals = []  # each: ("c", q) or ("f", alpha, beta, kinks)
    for ins in code:
        op = ins[0]
        if op == "x":
            r = (fmpq(0), fmpq(1), [])
        elif op == "const":
            r = (ins[1], fmpq(0), [])
        elif op == "add":
            alpha, beta, kinks = fmpq(0), fmpq(0), []
            for k in ins[1:]:
                a, b, ks = vals[k]
                alpha, beta = alpha + a, beta + b
                kinks.extend(ks)
            r = (alpha, beta, kinks)
        elif op == "mul":
            factor, f = fmpq(1), None
            for k in ins[1:]:
                a, b, ks = vals[k]
                if b == 0 and not ks:
                    factor *= a
                elif f is None:
                    f = vals[k]
                else:
                    raise NotPL("product of non-constant factors")
            if f is None:
                r = (factor, fmpq(0), [])
            else:
                r = (factor * f[0], factor * f[1], [(t, factor * g) for t, g in f[2]])
        elif op == "pow" and ins[2] == 1:
            r = vals[ins[1]]
        elif op in ("max", "min"):
            u, v = vals[ins[1]], vals[ins[2]]
            diff = (u[0] - v[0], u[1] - v[1], u[2] + [(t, -g) for t, g in v[2]])
            rd = _relu_basis(diff)
            if op == "max":  # max(u, v) = v + relu(u - v)
                r = (v[0] + rd[0], v[1] + rd[1], v[2] + rd[2])
            else:  # min(u, v) = u - relu(u - v)
                r = (u[0] - rd[0], u[1] - rd[1], u[2] + [(t, -g) for t, g in rd[2]])
        elif op == "abs":
            u = vals[ins[1]]
            rd = _relu_basis(u)  # |u| = 2 relu(u) - u
            r = (2 * rd[0] - u[0], 2 * rd[1] - u[1], [(t, 2 * g) for t, g in rd[2]] + [(t, -g) for t, g in u[2]])
        elif op == "pow" and ins[2] == 0:
            r = (fmpq(1), fmpq(0), [])
        else:
            raise NotPL(op)
        vals.append(r)
    return _basis_to_table(*vals[-1])
