"""1D maps from user specs: classical families, formulas in x, and RNN weight files.

A `Map` holds the spec as given, a sympy expression in x with exact rational parameters, and the
canonical description the certificate stores (and the checker compiles). Decimal parameters are
the exact decimals they spell (r=3.83 is 383/100); JSON numbers are the exact binary doubles they
denote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from certify.certificates.limits import MAX_SPEC_CHARS
from certify.checker.semantics import Program
from certify.errors import CertifyError
from certify.maps.families import FAMILIES, build_family, split_call
from certify.maps.formulas import FUNCTION_NAMES, expr_to_canonical, parse_formula
from certify.maps.weights import is_weights_path, load, load_weights, rnn1d, rnn1d_from_mapping, rnn1d_inline

if TYPE_CHECKING:
    import sympy

__all__ = ["Map", "Family", "Family2", "parse_map", "parse_family", "parse_family2", "weight_family",
           "from_weights", "rnn1d", "load", "from_torch", "X", "FAMILIES"]

# sympy is imported where an expression is built (Map.expr, families, formulas), not with this package:
# reading a weights file and checking a network's certificate need no sympy (tests/test_startup.py)


def __getattr__(name: str):
    """`X`, the symbol x, built on first use (it needs sympy)."""
    if name == "X":
        from certify.maps.formulas import _x
        return _x()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Map:
    """A map f: R -> R. `canonical` is what certificates store; `program` what evaluators run."""

    given: str
    canonical: dict
    program: Program = field(compare=False, repr=False)

    @cached_property
    def expr(self) -> sympy.Expr:
        """The map as a sympy expression in x (built on demand; large for wide networks)."""
        if self.canonical["kind"] == "rnn1d":
            return _rnn1d_expr(self.canonical)
        from certify.checker.semantics import parse_canonical_expr
        return parse_canonical_expr(self.canonical["expr"])

    @property
    def kind(self) -> str:
        """'piecewise-linear', 'polynomial' or 'smooth' (piecewise smooth, ball arithmetic)."""
        if self.program.pl() is not None:
            return "piecewise-linear"
        if self.program.is_polynomial():
            return "polynomial"
        from certify.checker.algebraic import is_algebraic_polynomial
        return "polynomial" if is_algebraic_polynomial(self.program) else "smooth"

    def formula(self) -> str:
        import sympy
        return sympy.sstr(self.expr)

    def __call__(self, x):
        """f(x). A float (or a numpy array, elementwise) gives a float: for plotting, not a proof. An
        int, Fraction or fmpq gives the exact value as a Fraction when f is computable exactly there
        (piecewise-linear maps, polynomials); otherwise use `ball(x)` for a rigorous enclosure."""
        from fractions import Fraction
        from numbers import Rational

        if isinstance(x, Rational) or type(x).__name__ == "fmpq":
            from flint import fmpq

            from certify.checker.semantics import NotExact, eval_exact
            q = x if isinstance(x, fmpq) else fmpq(int(x.numerator), int(x.denominator))
            try:
                v = eval_exact(self.program, q)
            except NotExact:
                raise CertifyError(f"{self.given} is not computable exactly at {x}: use .ball(x) for an "
                                   "enclosure, or a float for a float value") from None
            return Fraction(int(v.p), int(v.q))
        import numpy as np

        if np.ndim(x):
            return np.vectorize(self._float, otypes=[float])(x)
        return self._float(float(x))

    def _float(self, x: float) -> float:
        from flint import arb

        from certify.checker.semantics import eval_ball, workprec
        with workprec(80):
            v = eval_ball(self.program, arb(x))
        return float(v.mid()) if v.is_finite() else float("nan")

    def ball(self, x, prec: int = 128):
        """A rigorous enclosure of f(x) (a flint arb ball) at `prec` bits; x an exact number or a ball."""
        from flint import arb

        from certify.checker.semantics import eval_ball, workprec
        with workprec(prec):
            if not isinstance(x, arb):
                from certify.api import exact
                q = exact(x, "x")
                x = arb(q.p) / q.q
            return eval_ball(self.program, x)

    def plot(self, domain=(-1, 2), **kwargs):
        """A matplotlib Figure of the graph of f over `domain` with the diagonal (floats, for looking)."""
        from certify.reporting.figures import map_graph
        return map_graph(self, domain, **kwargs)


def parse_map(spec: str, activation: str | None = None) -> Map:
    """Build a Map from a family call, a formula in x, an inline rnn1d(...), or a weights file path
    (.json, .npz, .safetensors, .pt, .pth); `activation` (--activation) names a network's hidden
    activation when the file does not."""
    spec = _spec_text(spec)
    if is_weights_path(spec):
        canonical = load_weights(spec, activation)
        return _from_rnn1d(spec, canonical)
    name, args = split_call(spec)
    if name == "rnn1d":
        return _from_rnn1d(spec, rnn1d_inline(args, activation))
    _no_activation(spec, activation)
    if name in FAMILIES:
        expr = build_family(name, args)
    else:
        expr = parse_formula(spec)
    canonical = expr_to_canonical(expr)
    return Map(spec, canonical, Program.from_canonical(canonical))


def _no_activation(spec: str, activation) -> None:
    if activation is not None:
        raise CertifyError(f"--activation applies to weights files and rnn1d(...), not to {spec[:60]!r}")


def from_torch(module, activation: str | None = None) -> Map:
    """The Map of a live nn.Sequential(nn.Linear(1, k), act, nn.Linear(k, 1)[, out_act]) (or of a
    state_dict with `activation`); see certify.maps.torch."""
    from certify.maps.torch import from_torch as _from_torch
    return _from_torch(module, activation)


def _spec_text(spec) -> str:
    """The spec without surrounding whitespace, refused when empty or beyond MAX_SPEC_CHARS."""
    if not isinstance(spec, str) or not spec.strip():
        raise CertifyError("empty map spec: give a family like 'logistic(r=4)', a formula in x, or a weights file")
    if len(spec) > MAX_SPEC_CHARS:
        raise CertifyError(f"the map spec is longer than {MAX_SPEC_CHARS} characters: put a network in a weights file")
    return spec.strip()


def _from_rnn1d(given: str, canonical: dict) -> Map:
    return Map(given, canonical, Program.from_canonical(canonical))


def _rnn1d_expr(c: dict, free: str | None = None):
    """The network as a sympy expression; `free` ("w3", "b0", "a2", "c": 0-based as in numpy) leaves that
    weight a symbol."""
    import sympy

    from certify.maps.formulas import _x
    from certify.maps.weights import activation_expr, rational

    X = _x()

    def val(v, name):
        return sympy.Symbol(free) if name == free else rational(v)

    terms = [val(a, f"a{i}") * activation_expr(c["activation"], val(w, f"w{i}") * X + val(b, f"b{i}"), c.get("slope"))
             for i, (w, b, a) in enumerate(zip(c["w"], c["b"], c["a"]))]
    out = sympy.Add(val(c.get("c", "0"), "c"), *terms)
    if c.get("output_activation"):
        out = activation_expr(c["output_activation"], out, c.get("slope"))
    return out


def from_weights(weights: dict, given: str = "rnn1d(weights)") -> Map:
    """A Map from an in-memory weights mapping (keys as in a JSON weights file), validated."""
    return _from_rnn1d(given, rnn1d_from_mapping(weights, source=given))


@dataclass(frozen=True)
class Family:
    """A one-parameter family f_r(x): a formula or classical family with one symbol left free."""

    given: str
    param: str
    canonical: dict
    expr: sympy.Expr = field(compare=False)
    program: Program = field(compare=False, repr=False)

    def at(self, value) -> Map:
        """The map at an exact parameter value (an fmpq)."""
        import sympy

        from certify.certificates import q_str
        sub = self.expr.subs(sympy.Symbol(self.param), sympy.Rational(int(value.p), int(value.q)))
        if sub.has(sympy.I, sympy.zoo, sympy.nan, sympy.oo):
            raise CertifyError(f"the map {self.given!r} is not defined (real) at {self.param} = {q_str(value)}")
        canonical = expr_to_canonical(sympy.sympify(sub))
        return Map(f"{self.given} at {self.param}={q_str(value)}", canonical, Program.from_canonical(canonical))

    def is_polynomial(self) -> bool:
        return self.program.is_polynomial()


_RESERVED = {"x", "pi", "E"} | set(FAMILIES)


GROUPS = ("w", "b", "a", "c")  # input weights, hidden biases, output weights, output bias


def parse_family(spec: str, param: str, group: str | None = None, activation: str | None = None) -> Family:
    """A family from 'logistic(r)' or a formula in x and the parameter (e.g. 'r*x*(1-x)'); for a
    weights file, the gain `param` multiplying the weight groups in `group` (default: all)."""
    import sympy
    if not (isinstance(param, str) and param.isidentifier()) or param in _RESERVED or param in FUNCTION_NAMES:
        raise CertifyError(f"--param must be a plain name other than x and the function names, got {param!r}")
    spec = _spec_text(spec)
    name, args = split_call(spec)
    is_file = is_weights_path(spec)
    if group is not None and not is_file:
        raise CertifyError("--group applies to weights files (a gain on some weight groups)")
    if not is_file:
        _no_activation(spec, activation)
    if is_file:
        expr = gain_family(load_weights(spec, activation), sympy.Symbol(param), _groups(group))
    elif name in FAMILIES:
        expr = build_family(name, args, free=param)
    else:
        expr = parse_formula(spec, free=param)
    if sympy.Symbol(param) not in expr.free_symbols:
        raise CertifyError(f"the parameter {param!r} does not appear in the map {spec!r}")
    canonical = expr_to_canonical(expr, free=param)
    return Family(spec, param, canonical, expr, Program.from_canonical(canonical))


def weight_family(spec: str, name: str, activation: str | None = None):
    """(Family, value): the rnn1d network of `spec` with the one weight `name` left free (w_i, b_i, a_i
    of neuron i = 0..k-1, 0-based as in numpy, or the output bias c), and that weight's own exact value."""
    from flint import fmpq

    from certify.maps.weights import rational
    m = parse_map(spec, activation)
    c = m.canonical
    if c["kind"] != "rnn1d":
        raise CertifyError(f"{spec!r} is not an rnn1d network, so it has no weight {name!r}")
    hit = re.fullmatch(r"([wba])(0|[1-9][0-9]{0,5})", name)
    if name != "c" and (hit is None or int(hit.group(2)) >= len(c["w"])):
        raise CertifyError(f"--param {name!r}: name a weight w0..w{len(c['w']) - 1}, b0.., a0.. (0-based, as in "
                           f"numpy) or c")
    v = rational(c["c"] if name == "c" else c[hit.group(1)][int(hit.group(2))])
    expr = _rnn1d_expr(c, free=name)
    canonical = expr_to_canonical(expr, free=name)
    return Family(spec, name, canonical, expr, Program.from_canonical(canonical)), fmpq(int(v.p), int(v.q))


@dataclass(frozen=True)
class Family2:
    """A two-parameter family f_{p,q}(x): `params` = (p, q), the horizontal and vertical axes of a
    phase diagram. Its canonical form is {"kind": "expr", "expr": ..., "params": [p, q]}."""

    given: str
    params: tuple
    canonical: dict
    expr: sympy.Expr = field(compare=False)


def parse_family2(spec: str, xname: str, yname: str) -> Family2:
    """A family with two free parameters, e.g. 'skew_tent(aL, aR, 1)' or 'a*x + w*relu(x) + 1'."""
    import sympy
    for opt, name in (("--x", xname), ("--y", yname)):
        if not (isinstance(name, str) and name.isidentifier()) or name in _RESERVED or name in FUNCTION_NAMES:
            raise CertifyError(f"{opt} must be a plain name other than x and the function names, got {name!r}")
    if xname == yname:
        raise CertifyError("--x and --y must name two different parameters")
    from certify.checker.phase import NotPhaseFamily, param_names
    try:
        param_names([xname, yname])  # the kernel's rule: plain ASCII names, no keyword or reserved name
    except NotPhaseFamily as e:
        raise CertifyError(f"--x/--y: {e}") from None
    spec = _spec_text(spec)
    if is_weights_path(spec):
        raise CertifyError("a phase diagram needs a family with two named parameters, not a weights file")
    name, args = split_call(spec)
    if name in FAMILIES:
        expr = build_family(name, args, free=(xname, yname))
    else:
        expr = parse_formula(spec, free=(xname, yname))
    for opt, p in (("--x", xname), ("--y", yname)):
        if sympy.Symbol(p) not in expr.free_symbols:
            raise CertifyError(f"the parameter {p!r} ({opt}) does not appear in the map {spec!r}")
    canonical = {"kind": "expr", "expr": expr_to_canonical(expr)["expr"], "params": [xname, yname]}
    return Family2(spec, (xname, yname), canonical, expr)


def _groups(text: str | None) -> frozenset:
    if text is None:
        return frozenset(GROUPS)
    names = frozenset(t.strip() for t in text.split(","))
    if not names or not names <= set(GROUPS):
        raise CertifyError(f"--group takes a comma list of w, b, a, c (input weights, hidden biases, output "
                           f"weights, output bias), got {text!r}")
    return names


def gain_family(canon: dict, g, groups=frozenset(GROUPS)) -> sympy.Expr:
    """The network with the weight groups in `groups` (all by default) multiplied by the gain g (a
    sympy symbol): sum (g a_i) act((g w_i) x + g b_i) + g c. For ReLU-type activations the kinks
    -b_i/w_i do not move when w and b are scaled together, so the family is then piecewise linear
    with fixed breakpoints."""
    import sympy

    from certify.maps.formulas import _x
    from certify.maps.weights import activation_expr, rational

    X = _x()
    k = {name: (g if name in groups else 1) for name in GROUPS}
    terms = [k["a"] * rational(a) * activation_expr(canon["activation"], k["w"] * rational(w) * X + k["b"] * rational(b),
                                                    canon.get("slope"))
             for w, b, a in zip(canon["w"], canon["b"], canon["a"])]
    out = sympy.Add(k["c"] * rational(canon["c"]), *terms)
    if canon.get("output_activation"):
        out = activation_expr(canon["output_activation"], out, canon.get("slope"))
    return out
