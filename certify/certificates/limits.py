"""Input limits: every cap on the size of what certify reads, and the cheap checks that enforce them.

One place for all of them (docs/certificates.md, "Limits"). The checks here run on text before any
parser does: a linear scan of a JSON text for its nesting depth, and a small recursive-descent pass
over a formula's tokens that bounds what sympy would build from it (exponents, degrees, the
digits of the numbers it would compute, nesting of function calls). Only then does sympy see the
text, so no input can make it hang or exhaust memory. Standard library only: the trusted kernel
imports this module (through certify.certificates).
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from itertools import accumulate

from certify.errors import CertifyError

# ----------------------------------------------------------------------------- the limits

# Files (certificates, weights files, PLRNN files)
MAX_FILE_BYTES = 16 * 2**20       # bytes read from one file; the largest committed certificate is 0.7 MB
MAX_JSON_DEPTH = 64               # nesting of JSON arrays/objects (certificates use at most 9)
MAX_JSON_VALUES = 2_000_000       # arrays, objects and scalars in one file
MAX_STRING_CHARS = 65_536         # one JSON string

# Numbers (certificates, specs, weights)
MAX_DIGITS = 4000                 # decimal digits of an integer, a numerator or a denominator
MAX_BITS = MAX_DIGITS * math.log2(10)  # the same bound on log2 of a numerator or denominator
MAX_ROOT_DIGITS = 400             # digits of the numbers under a root (sympy factors them: slow beyond)
MAX_CONST_ARG_DIGITS = 300        # digits of the numbers in a constant argument of tanh, exp, log, ...
                                  # (sympy evaluates such a constant numerically, at that many digits)
_ROOT_BITS = MAX_ROOT_DIGITS * math.log2(10)
_CONST_ARG_BITS = MAX_CONST_ARG_DIGITS * math.log2(10)

# Map specs and canonical expressions
MAX_SPEC_CHARS = 100_000          # a whole map spec (rnn1d(...) lists included)
MAX_EXPR_CHARS = 10_000           # a formula, or a certificate's canonical expression
MAX_OPS = 1000                    # operations (+ - * / **, calls) in one expression: sympy's cost grows
                                  # faster than linearly in them (a width-64 network's gain family: 745)
MAX_PAREN_DEPTH = 32              # nested parentheses
MAX_CALL_DEPTH = 8                # nested function calls (relu(tanh(...)) is depth 2)
MAX_SMOOTH_DEPTH = 3              # nested tanh, exp, log, atan, sin, cos, sqrt, sigmoid (sympy's
                                  # simplification of nested tanh is exponential in the depth)
MAX_EXPONENT = 1000               # |n| in u**n
MAX_DEGREE = 100                  # degree in x (and parameters) of a map's polynomial part
MAX_WIDTH = 4096                  # hidden units of an rnn1d network
MAX_PLRNN_DIM = 64                # dimension n of a PLRNN
MAX_PERIOD = 4096                 # a period P on the command line or in a claim (the kernel: orbits.claim_period)

# Evidence counts the kernel bounds before it works (certify/checker/limits.py: statement.whole(...));
# each is far above what certify itself writes (in brackets)
MAX_KRAWCZYK_PERIOD = 256         # boxes of one cycle_krawczyk fact: a p x p ball matrix is inverted [<= 48]
MAX_ROUNDS = 1000                 # rounds of the piecewise-linear region rules [<= 60]
MAX_STEPS = 2_000_000             # map evaluations one fact may ask for: cells x p, pieces x cells x p, ...
MAX_HORIZON = 100_000             # T of gradient checkpoints, scrambling horizons [<= 100,000]
MAX_PIECES = 4096                 # subintervals of an invariance or Li-Yorke-box check [<= 4096]
MAX_DYNATOMIC_DEGREE = 64         # x-degree deg(f)^p of the dynatomic polynomial [certifier: 64]
MAX_ITINERARIES = 60_000          # itineraries of a PL family enumerated for critical parameters [60,000]

__all__ = ["MAX_FILE_BYTES", "MAX_JSON_DEPTH", "MAX_JSON_VALUES", "MAX_STRING_CHARS", "MAX_DIGITS",
           "MAX_BITS", "MAX_ROOT_DIGITS", "MAX_CONST_ARG_DIGITS", "MAX_SPEC_CHARS", "MAX_EXPR_CHARS",
           "MAX_OPS", "MAX_PAREN_DEPTH", "MAX_CALL_DEPTH", "MAX_SMOOTH_DEPTH", "MAX_EXPONENT", "MAX_DEGREE",
           "MAX_WIDTH", "MAX_PLRNN_DIM", "MAX_PERIOD", "MAX_KRAWCZYK_PERIOD", "MAX_ROUNDS", "MAX_STEPS",
           "MAX_HORIZON", "MAX_PIECES", "MAX_DYNATOMIC_DEGREE",
           "MAX_ITINERARIES", "json_shape", "check_expression"]


# ----------------------------------------------------------------------------- JSON text

# a JSON string (an unterminated one runs to the end of the text, so the scan stays linear)
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.S)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_shape(text: str, what: str) -> None:
    """Refuse a JSON text nested deeper than MAX_JSON_DEPTH or with more than MAX_JSON_VALUES values.

    A linear scan outside strings, run before json.loads (whose recursion a deep text would blow).
    """
    bare = _JSON_STRING.sub('""', text)
    brackets = _NOT_BRACKET.sub("", bare)
    if len(brackets) > 2 * MAX_JSON_DEPTH and max(accumulate(map(_STEP.__getitem__, brackets))) > MAX_JSON_DEPTH:
        raise CertifyError(f"{what} is nested deeper than {MAX_JSON_DEPTH} levels")
    values = bare.count(",") + len(brackets) // 2 + 1
    if values > MAX_JSON_VALUES:
        raise CertifyError(f"{what} holds more than {MAX_JSON_VALUES} values")


# ----------------------------------------------------------------------------- expressions

# Only ASCII: `\d` and `\s` would also match other scripts' digits and spaces.
_TOKEN = re.compile(r"[ \t]*(?:([A-Za-z_][A-Za-z_0-9]*)"
                    r"|([0-9]+\.?[0-9]*(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?)"
                    r"|(\*\*|[-+*/^(),]))")
_SMOOTH = frozenset({"tanh", "exp", "log", "atan", "sin", "cos", "sqrt", "sigmoid"})
_PIECEWISE = frozenset({"relu", "leaky_relu", "hardtanh", "abs", "Abs", "max", "Max", "min", "Min"})
_CONSTANTS = frozenset({"pi", "E"})


class _Node:
    """What the guard knows of a subexpression: an upper bound on the bits of a numeric coefficient
    sympy may form from it (`bits`), its degree bound, call nesting, and its exact value when it is
    a rational constant the guard can compute (`val`)."""

    __slots__ = ("const", "val", "bits", "deg", "calls", "smooth", "has_log")

    def __init__(self, const, val=None, bits=0.0, deg=0, calls=0, smooth=0, has_log=False):
        self.const, self.val, self.bits, self.deg = const, val, bits, deg
        self.calls, self.smooth, self.has_log = calls, smooth, has_log


_TEN_TO_MAX = 10 ** MAX_DIGITS


def _too_many_digits(q: Fraction) -> bool:
    """The numerator or the denominator of q has more than MAX_DIGITS digits (exactly)."""
    return abs(q.numerator) >= _TEN_TO_MAX or q.denominator >= _TEN_TO_MAX


def _height(q: Fraction) -> float:
    """log2 of max(|p|, q): the bits of the larger of numerator and denominator."""
    return math.log2(max(abs(q.numerator), q.denominator, 1))


def _cut(v, n: int = 24) -> str:
    s = str(v)
    return s if len(s) <= n else f"{s[:n]}... ({len(s)} characters)"


def _isqrt_exact(n: int):
    if n < 0:
        return None
    r = math.isqrt(n)
    return r if r * r == n else None


class _Guard:
    def __init__(self, text: str, what: str, functions, names):
        self.what, self.functions, self.names = what, functions, names
        self.toks = self._tokens(text)
        self.i = 0
        self.nest = 0
        self.ops = 0

    def fail(self, msg: str):
        """Beyond a limit."""
        raise CertifyError(f"{self.what}: {msg}")

    def bad(self, msg: str):
        """Not well formed."""
        raise CertifyError(f"malformed {self.what}: {msg}")

    def _tokens(self, text: str):
        toks, pos, n, depth = [], 0, len(text), 0
        while pos < n:
            m = _TOKEN.match(text, pos)
            if not m or m.end() == pos:
                rest = text[pos:].strip(" \t\r\n")
                if not rest:
                    break
                self.bad(f"unexpected {rest[:12]!r} at position {pos}")
            name, num, op = m.groups()
            if op == "(":
                depth += 1
                if depth > MAX_PAREN_DEPTH:
                    self.fail(f"parentheses nested deeper than {MAX_PAREN_DEPTH}")
            elif op == ")":
                depth -= 1
            toks.append(("name", name) if name else ("num", num) if num else ("op", "**" if op == "^" else op))
            pos = m.end()
        return toks

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self, op=None):
        tok = self.peek()
        if op is not None and tok != ("op", op):
            got = "the end" if tok[0] is None else repr(tok[1])
            self.bad(f"expected {op!r}, found {got}")
        self.i += 1
        return tok

    def op(self):
        """One more operation (a binary or unary operator, or a call)."""
        self.ops += 1
        if self.ops > MAX_OPS:
            self.fail(f"more than {MAX_OPS} operations")

    def enter(self):
        self.nest += 1
        if self.nest > 2 * MAX_PAREN_DEPTH:
            self.fail("nested too deeply")

    # expr := term (('+'|'-') term)*
    def expr(self) -> _Node:
        a = self.term()
        while self.peek() in (("op", "+"), ("op", "-")):
            self.op()
            sign = self.take()[1]
            b = self.term()
            a = self.add(a, b, sign == "-")
        return a

    # term := unary (('*'|'/') unary)*
    def term(self) -> _Node:
        a = self.unary()
        while self.peek() in (("op", "*"), ("op", "/")):
            self.op()
            op = self.take()[1]
            a = self.mul(a, self.unary(), op == "/")
        return a

    # unary := ('+'|'-') unary | power
    def unary(self) -> _Node:
        if self.peek() in (("op", "+"), ("op", "-")):
            self.enter()
            self.op()
            neg = self.take()[1] == "-"
            a = self.unary()
            self.nest -= 1
            if neg and a.val is not None:
                a = _Node(True, -a.val, a.bits, 0, a.calls, a.smooth, a.has_log)
            return a
        return self.power()

    # power := atom ('**' unary)?   (right-associative, as in Python)
    def power(self) -> _Node:
        base_tok = self.peek()
        a = self.atom()
        if self.peek() != ("op", "**"):
            return a
        self.op()
        self.take()
        self.enter()
        b = self.unary()
        self.nest -= 1
        return self.pow(a, b, base_tok == ("name", "E"))

    def atom(self) -> _Node:
        kind, v = self.take()
        if kind == "num":
            return self.number(v)
        if kind == "name":
            if self.peek() == ("op", "("):
                return self.call(v)
            if v in _CONSTANTS:
                return _Node(True)
            if v in self.names:
                return _Node(False, deg=1)
            if v in self.functions:
                self.bad(f"{v} is a function: call it, as in {v}(x)")
            return _Node(True)
        if v == "(":
            self.enter()
            a = self.expr()
            self.take(")")
            self.nest -= 1
            return a
        self.bad("unexpected end" if kind is None else f"unexpected {_cut(v)!r}")

    def number(self, text: str) -> _Node:
        mant, _, exp = text.lower().partition("e")
        if sum(c.isdigit() for c in mant) > MAX_DIGITS or len(exp.lstrip("+-")) > 6 or \
                (exp and abs(int(exp)) > MAX_DIGITS):
            self.fail(f"the number {_cut(text)} has more than {MAX_DIGITS} digits")
        q = Fraction(text)
        if _too_many_digits(q):
            self.fail(f"the number {_cut(text)} has more than {MAX_DIGITS} digits")
        return _Node(True, q, _height(q))

    def call(self, name: str) -> _Node:
        self.op()
        self.take("(")
        self.enter()
        args = []
        if self.peek() != ("op", ")"):
            args.append(self.expr())
            while self.peek() == ("op", ","):
                self.take()
                args.append(self.expr())
        self.take(")")
        self.nest -= 1
        const = all(a.const for a in args)
        smooth = name in _SMOOTH
        node = _Node(const, None,
                     sum(a.bits for a in args) + 1 if const else 0.0,  # sqrt(4), Max(2, 3): numbers again
                     max((a.deg for a in args), default=0),
                     1 + max((a.calls for a in args), default=0),
                     int(smooth) + max((a.smooth for a in args), default=0),
                     name == "log" or any(a.has_log for a in args))
        if node.calls > MAX_CALL_DEPTH:
            self.fail(f"function calls nested deeper than {MAX_CALL_DEPTH}")
        if node.smooth > MAX_SMOOTH_DEPTH:
            self.fail(f"{', '.join(sorted(_SMOOTH - {'sigmoid'}))} and sigmoid nested deeper than "
                      f"{MAX_SMOOTH_DEPTH}")
        if name in ("exp", "sigmoid") and any(a.has_log for a in args):
            self.fail(f"{name} of an expression with log is not supported (sympy turns exp(n*log(b)) into "
                      "b**n); write the power instead")
        if name == "sqrt" and any(a.bits > _ROOT_BITS for a in args):
            self.fail(f"a root of numbers with more than {MAX_ROOT_DIGITS} digits")
        if smooth and const and sum(a.bits for a in args) > _CONST_ARG_BITS:
            self.fail(f"{name} of a constant with more than {MAX_CONST_ARG_DIGITS} digits")
        node.val = self.value(name, [a.val for a in args])
        return node

    @staticmethod
    def value(name, vals):
        """The exact value sympy gives a call on rational arguments, where it is rational."""
        if not vals or any(v is None for v in vals):
            return None
        if name in ("max", "Max"):
            return max(vals)
        if name in ("min", "Min"):
            return min(vals)
        if len(vals) != 1:
            return None
        u = vals[0]
        if name in ("abs", "Abs"):
            return abs(u)
        if name == "relu":
            return max(u, Fraction(0))
        if name == "hardtanh":
            return max(Fraction(-1), min(Fraction(1), u))
        if name == "sqrt":
            p, q = _isqrt_exact(u.numerator), _isqrt_exact(u.denominator)
            return Fraction(p, q) if p is not None and q is not None else None
        if u == 0:
            return {"tanh": Fraction(0), "sin": Fraction(0), "atan": Fraction(0), "exp": Fraction(1),
                    "cos": Fraction(1), "sigmoid": Fraction(1, 2)}.get(name)
        if u == 1 and name == "log":
            return Fraction(0)
        return None

    def check(self, node: _Node) -> _Node:
        if node.deg > MAX_DEGREE:
            self.fail(f"degree above {MAX_DEGREE}")
        if (_too_many_digits(node.val) if node.val is not None else node.const and node.bits >= MAX_BITS):
            self.fail(f"a number with more than {MAX_DIGITS} digits")
        return node

    def add(self, a: _Node, b: _Node, minus: bool) -> _Node:
        val = None
        if a.val is not None and b.val is not None:
            val = a.val - b.val if minus else a.val + b.val
        bits = _height(val) if val is not None else a.bits + b.bits + 1
        return self.check(_Node(a.const and b.const, val, bits, max(a.deg, b.deg), max(a.calls, b.calls),
                                max(a.smooth, b.smooth), a.has_log or b.has_log))

    def mul(self, a: _Node, b: _Node, div: bool) -> _Node:
        val = None
        if a.val is not None and b.val is not None and not (div and b.val == 0):
            val = a.val / b.val if div else a.val * b.val  # two numbers within the limit: cheap
        bits = _height(val) if val is not None else a.bits + b.bits
        return self.check(_Node(a.const and b.const, val, bits, a.deg + b.deg, max(a.calls, b.calls),
                                max(a.smooth, b.smooth), a.has_log or b.has_log))

    def pow(self, a: _Node, b: _Node, base_is_e: bool) -> _Node:
        if b.val is None:
            if not base_is_e:
                self.fail("the exponent of ** must be a rational number (use exp(...) for exponentials)")
            if b.has_log:  # E**(n*log(b)) is b**n to sympy, as exp(n*log(b)) is
                self.fail("E** of an expression with log is not supported; write the power instead")
            node = _Node(b.const, None, b.bits + 1 if b.const else 0.0, b.deg, b.calls + 1, b.smooth + 1)
            if node.smooth > MAX_SMOOTH_DEPTH:
                self.fail(f"exponentials nested deeper than {MAX_SMOOTH_DEPTH}")
            return node
        n = b.val
        # a rational base may take any integer exponent its digits allow (2**10000); others are capped
        if (a.val is None or n.denominator != 1) and max(abs(n.numerator), n.denominator) > MAX_EXPONENT:
            self.fail(f"exponent {_cut(n)} is beyond {MAX_EXPONENT} in absolute value")
        k = max(1, math.ceil(abs(n)))
        if n.denominator != 1 and a.bits > _ROOT_BITS:
            self.fail(f"a root of numbers with more than {MAX_ROOT_DIGITS} digits")
        if a.bits > 0 and k > MAX_BITS:  # compared as integers: k may be far beyond a float
            self.fail(f"a power that would have more than {MAX_DIGITS} digits")
        bits = a.bits * k if a.bits > 0 else 0.0
        if bits >= MAX_BITS:
            self.fail(f"a power that would have more than {MAX_DIGITS} digits")
        val = None
        if a.val is not None and n.denominator == 1 and not (a.val == 0 and n < 0):
            val = a.val ** int(n)
        elif a.val is not None and n.denominator == 2:  # (p/q)**(m/2) is rational when p/q is a square
            r = self.value("sqrt", [a.val])
            val = None if r is None or (r == 0 and n < 0) else r ** int(n.numerator)
        node = _Node(a.const, val, _height(val) if val is not None else bits, a.deg * k, max(a.calls, b.calls),
                     max(a.smooth, b.smooth), a.has_log or b.has_log)
        return self.check(node)


def check_expression(text: str, what: str, names=frozenset({"x"}), functions=frozenset()) -> None:
    """Refuse an expression text beyond the limits before sympy parses it.

    `names` are the symbols (x and a family's parameters: they count for the degree), `functions`
    the names that may be called. Checked: length, characters (ASCII only), nesting of parentheses
    and calls, exponents (rational, at most MAX_EXPONENT), the degree, and the digits of every
    number sympy's automatic simplification would compute (so 10**10**6 and 1e100000 are refused).
    A text that is not well formed is refused here too.
    """
    if not isinstance(text, str):
        raise CertifyError(f"{what} must be text")
    if len(text) > MAX_EXPR_CHARS:
        raise CertifyError(f"{what} is longer than {MAX_EXPR_CHARS} characters")
    g = _Guard(text, what, functions, names)
    if not g.toks:
        raise CertifyError(f"malformed {what}: it is empty")
    g.expr()
    if g.i != len(g.toks):
        g.bad(f"unexpected {_cut(g.toks[g.i][1])!r}")
