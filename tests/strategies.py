"""Shared hypothesis strategies: exact rationals, points, PL and smooth rnn1d weight dicts."""

from fractions import Fraction

from hypothesis import strategies as st


def rationals(max_num=2000, max_den=64):
    return st.builds(lambda n, d: Fraction(n, d), st.integers(-max_num, max_num), st.integers(1, max_den))


def rational_strings(max_num=2000, max_den=64):
    return rationals(max_num, max_den).map(lambda q: f"{q.numerator}/{q.denominator}")


def rnn1d_weights(activations=("relu", "leaky_relu", "hardtanh", "identity"), width=(1, 6)):
    """Weight dicts for from_weights with exact rational strings."""
    return st.integers(*width).flatmap(lambda k: st.fixed_dictionaries({
        "activation": st.sampled_from(activations),
        "w": st.lists(rational_strings(40, 8), min_size=k, max_size=k),
        "b": st.lists(rational_strings(40, 8), min_size=k, max_size=k),
        "a": st.lists(rational_strings(40, 8), min_size=k, max_size=k),
        "c": rational_strings(20, 8),
    }))


# ----------------------------------------------------------------------------- hostile input

HOSTILE_NUMBERS = ["0", "1", "-1", "1/3", "0.5", ".5", "5.", "1e308", "1e-308", "1e100000", "10**10**10",
                   "2**2**2**2**2**2", "10**4000", "(10**1000)**5", "1/0", "0**-1", "\u0663", "1\u00a03", "1_000",
                   "0x10", "1j", "nan", "inf", "sqrt(10**999+1)", "E", "pi"]
FUNCTION_NAMES = ["tanh", "relu", "leaky_relu", "hardtanh", "sigmoid", "exp", "log", "atan", "sin", "cos", "sqrt",
                  "abs", "Max", "Min", "max", "min", "floor", "__import__", "eval", "lambda", "Symbol", "Integer"]
TOKENS = ["x", "r", "y", "(", ")", "[", "]", "+", "-", "*", "/", "**", "^", ",", "=", ".", "'", '"', " ", "\t", "\n",
          "!", "@", "#", ";", "\\", "{", "}", "\u00a0", "\u2212", "\uff18", "\U0001d7d9", "\x00", "\ud800"] + \
    FUNCTION_NAMES + HOSTILE_NUMBERS


@st.composite
def _expression(draw, leaves, max_ops: int = 24):
    """Nested formulas over the function names and operators, with hostile leaves (built bottom-up by
    a loop, so the strategy's repr stays small)."""
    parts = [draw(leaves)]
    for _ in range(draw(st.integers(0, max_ops))):
        kind = draw(st.integers(0, 4))
        a = draw(st.sampled_from(parts))
        if kind == 0:
            new = f"{draw(st.sampled_from(FUNCTION_NAMES[:15]))}({a})"
        elif kind == 1:
            new = f"{a}{draw(st.sampled_from(['+', '-', '*', '/', '**', '^']))}{draw(st.sampled_from(parts))}"
        elif kind == 2:
            exps = ["2", "-1", "1/2", "1000", "1001", "10**9", "2**100", "x", "E", "(1/3)"]
            new = f"({a})**{draw(st.sampled_from(exps))}"
        elif kind == 3:
            new = f"-{a}"
        else:
            new = f"Max({a}, {draw(st.sampled_from(parts))})"
        parts.append(new)
    return parts[-1]


def hostile_specs():
    """Map specs a user (or an attacker) might type: random tokens, deep nesting, huge numbers and
    exponents, unbalanced parentheses, odd unicode, family and rnn1d calls with bad keywords."""
    leaf = st.one_of(st.sampled_from(["x", "x", "1", "2", "1/3", "0.5"] + HOSTILE_NUMBERS),
                     st.integers(3990, 4010).map(lambda n: "9" * n))  # built lazily: small reprs
    tokens = st.lists(st.sampled_from(TOKENS), max_size=30).map("".join)
    deep = st.builds(lambda f, n, inner: f"{f}(" * n + inner + ")" * n, st.sampled_from(FUNCTION_NAMES[:11]),
                     st.integers(1, 40), leaf)
    unbalanced = st.builds(lambda a, b, inner: "(" * a + inner + ")" * b, st.integers(0, 50), st.integers(0, 50), leaf)
    value = st.one_of(leaf, st.lists(leaf, max_size=6).map(lambda v: "[" + ", ".join(v) + "]"))
    key = st.sampled_from(["r", "s", "aL", "aR", "mu", "a", "w", "h", "c", "b", "activation", "slope", "model",
                           "output_activation", "d", "", "r r"])
    kwargs = st.lists(st.one_of(st.builds(lambda k, v: f"{k}={v}", key, value), value), max_size=7)
    family = st.builds(lambda name, args: f"{name}({', '.join(args)})",
                       st.sampled_from(["logistic", "tent", "skew_tent", "plrnn1d", "rnn1d", "nosuch"]), kwargs)
    rnn = st.builds(lambda act, k, extra: (f"rnn1d(activation={act}, w=[{', '.join(['1'] * k)}], "
                                           f"b=[{', '.join(['0'] * k)}], a=[{', '.join(['1'] * k)}]{extra})"),
                    st.sampled_from(["relu", "tanh", "swish", "relu(x)", ""]), st.sampled_from([0, 1, 3, 4097]),
                    st.sampled_from(["", ", c=1", ", c=1, c=2", ", d=3", ", slope=1/2", ", c=1e100000"]))
    raw = st.text(max_size=80)
    formula = _expression(leaf)
    minus = st.builds(lambda s: "-" + s, st.one_of(formula, family))
    return st.one_of(tokens, deep, unbalanced, family, rnn, raw, formula, minus)
