"""Shared hypothesis strategies: exact rationals, points, PL and smooth rnn1d weight dicts."""

from fractions import Fraction

from hypothesis import strategies as st

PROFILE = "ci"  # the hypothesis profile tests/conftest.py loaded: "ci" (default) or "thorough"


def examples(n: int) -> int:
    """max_examples for a test whose cost grows with its examples: n in the "thorough" profile, n // 2
    (at least 4) in "ci". Tests that must see many examples (fuzzers, cheap properties) name a number."""
    return n if PROFILE == "thorough" else max(4, n // 2)


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


# ----------------------------------------------------------------------------- degenerate PL networks

SMALL = tuple(Fraction(s) for s in ("0", "1", "-1", "2", "-2", "1/2", "-1/2", "3", "-3", "1/3", "-1/3",
                                    "3/2", "-3/2", "4", "-4"))
PL_ACTIVATIONS = ("relu", "leaky_relu", "hardtanh", "identity")
LEAKY_SLOPES = tuple(Fraction(s) for s in ("1/100", "1/2", "0", "1", "-1/2", "2", "-1"))
_KINKS = {"identity": (), "relu": (0,), "leaky_relu": (0,), "hardtanh": (-1, 1)}
TWEAKS = ("none", "fixed_on_break", "cycle_on_break", "identity_piece", "negation_piece", "constant_piece",
          "zero_unit")


def small_rationals():
    """0, +-1, +-2, +-1/2, +-3, +-1/3, +-3/2, +-4 (shrinking towards 0)."""
    return st.sampled_from(SMALL)


def _act(name, u, slope):
    if name == "relu":
        return max(u, Fraction(0))
    if name == "leaky_relu":
        return u if u >= 0 else slope * u
    if name == "hardtanh":
        return min(max(u, Fraction(-1)), Fraction(1))
    return u


def _hidden(net, x):
    """The network before its output activation: sum a act(w x + b) + c."""
    return sum((a * _act(net["activation"], w * x + b, net.get("slope")) for w, b, a in
                zip(net["w"], net["b"], net["a"])), net["c"])


def _hidden_breaks(net):
    return sorted({(k - b) / w for w, b in zip(net["w"], net["b"]) if w != 0 for k in _KINKS[net["activation"]]})


def _piece_points(breaks, k):
    """Two distinct points of the k-th piece between sorted breaks (k = 0 the left tail)."""
    ends = [None, *breaks, None]
    lo, hi = ends[k], ends[k + 1]
    if lo is None and hi is None:
        return Fraction(0), Fraction(1)
    if lo is None:
        return hi - 1, hi
    if hi is None:
        return lo, lo + 1
    return lo, hi


@st.composite
def degenerate_pl_nets(draw, activations=PL_ACTIVATIONS, width=(1, 4), output=True):
    """rnn1d weight dicts with Fraction entries, biased to degenerate cases.

    Weights come from `small_rationals` (0 included: zero weights, constant units); then some
    units share a break (coincident breaks), and one tweak of the sum before the output
    activation: c shifted so a break is a fixed point, a and c rescaled so a break lies on a
    2-cycle (t -> u -> t, u a break or a small rational) or so that one piece is the
    identity (slope 1, intercept 0) or has slope -1, all of a piece's units silenced (constant
    piece), or a unit zeroed. Keys: activation, w, b, a, c, and slope / output_activation when used.
    """
    k = draw(st.integers(*width))
    act = draw(st.sampled_from(activations))
    w = [draw(small_rationals()) for _ in range(k)]
    b = [draw(small_rationals()) for _ in range(k)]
    a = [draw(small_rationals()) for _ in range(k)]
    net = {"activation": act, "w": w, "b": b, "a": a, "c": draw(small_rationals())}
    out = draw(st.sampled_from((None, None, None, "relu", "hardtanh", "leaky_relu", "identity"))) if output else None
    if out is not None:
        net["output_activation"] = out
    if "leaky_relu" in (act, out):
        net["slope"] = draw(st.sampled_from(LEAKY_SLOPES))
    if k >= 2 and draw(st.booleans()):  # coincident breaks: unit j's break moved onto unit i's
        i, j = draw(st.permutations(range(k)))[:2]
        if w[i] != 0 and w[j] != 0:
            b[j] = b[i] * w[j] / w[i]
    tweak = draw(st.sampled_from(TWEAKS))
    breaks = _hidden_breaks(net)
    if tweak == "fixed_on_break" and breaks:
        t = draw(st.sampled_from(breaks))
        net["c"] += t - _hidden(net, t)
    elif tweak == "cycle_on_break" and breaks:  # a and c rescaled so that t -> s -> t, t a break
        t = draw(st.sampled_from(breaks))
        u = draw(st.sampled_from(breaks + list(SMALL)))
        h0 = _hidden({**net, "c": Fraction(0)}, t) - _hidden({**net, "c": Fraction(0)}, u)
        if u != t and h0 != 0:
            scale = (u - t) / h0
            net["a"] = a = [scale * ai for ai in a]
            net["c"] = Fraction(0)
            net["c"] = u - _hidden(net, t)
    elif tweak in ("identity_piece", "negation_piece", "constant_piece"):
        u, v = _piece_points(breaks, draw(st.integers(0, len(breaks))))
        s = (_hidden(net, v) - _hidden(net, u)) / (v - u)
        if tweak == "constant_piece":  # silence every unit that is not constant on the piece
            for i in range(k):
                if _act(act, w[i] * u + b[i], net.get("slope")) != _act(act, w[i] * v + b[i], net.get("slope")):
                    a[i] = Fraction(0)
        elif s != 0:
            target = Fraction(1) if tweak == "identity_piece" else Fraction(-1)
            scale = target / s
            net["a"] = a = [scale * ai for ai in a]
            net["c"] *= scale
            net["c"] += target * u - _hidden(net, u)  # g(u) = target * u; identity: g = x on the piece
    elif tweak == "zero_unit":
        i = draw(st.integers(0, k - 1))
        (w if draw(st.booleans()) else a)[i] = Fraction(0)
    return net


def rnn1d_spec(net) -> str:
    """The inline spec `rnn1d(activation=..., w=[...], ...)` of a weight dict with Fraction entries."""
    def vec(xs):
        return "[" + ", ".join(str(x) for x in xs) + "]"
    parts = [f"activation={net['activation']}", f"w={vec(net['w'])}", f"b={vec(net['b'])}",
             f"a={vec(net['a'])}", f"c={net['c']}"]
    if net.get("slope") is not None:
        parts.append(f"slope={net['slope']}")
    if net.get("output_activation"):
        parts.append(f"output_activation={net['output_activation']}")
    return "rnn1d(" + ", ".join(parts) + ")"


# junk for hostile-certificate tests: wrong types, huge numbers, bad strings, empty and nested containers
HOSTILE = [None, True, -1, 10 ** 30, "x", "1/0", "", [], {}, [[]], {"lo": "1", "hi": "0"}, "aL**" + "9" * 40]


def _nodes(node, path=()):
    yield path
    if isinstance(node, dict):
        for k in node:
            yield from _nodes(node[k], path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node[:3]):
            yield from _nodes(v, path + (i,))


def junk_sweep(cert, depth: int):
    """check() on the certificate with each field at most `depth` deep (first three items of a list)
    replaced by each junk value: every result is one line (an exception would propagate)."""
    import copy

    from certify.checker import check

    for path in _nodes(cert):
        if not path or len(path) > depth:
            continue
        for junk in HOSTILE:
            bad = copy.deepcopy(cert)
            node = bad
            for k in path[:-1]:
                node = node[k]
            node[path[-1]] = junk
            res = check(bad)
            assert "\n" not in res.message, (path, junk)


# ----------------------------------------------------------------------------- skip connections

TAIL_SLOPES = [Fraction(0), Fraction(1, 2), Fraction(-1, 2), Fraction(999, 1000), Fraction(-999, 1000),
               Fraction(9, 10), Fraction(-3, 4)]
EXPANDING_SLOPES = [Fraction(1001, 1000), Fraction(-1001, 1000), Fraction(3, 2), Fraction(-2), Fraction(7)]


@st.composite
def skip_tanh_maps(draw, width=(0, 3), expanding=False):
    """(s, units, c): f(x) = s x + sum a tanh(w x + b) + c with |s| < 1 (0 and +-999/1000
    included), or |s| > 1 when `expanding` (+-1001/1000 included), units (a, w, b) whose weights
    may be 0: an RNN cell with a skip connection."""
    if expanding:
        s = draw(st.one_of(st.sampled_from(EXPANDING_SLOPES), rationals(99, 100).filter(lambda q: abs(q) > 1)))
    else:
        s = draw(st.one_of(st.sampled_from(TAIL_SLOPES), rationals(99, 100).filter(lambda q: abs(q) < 1)))
    k = draw(st.integers(*width))
    units = [(draw(small_rationals()), draw(small_rationals()), draw(small_rationals())) for _ in range(k)]
    return s, units, draw(small_rationals())


def skip_tanh_formula(net) -> str:
    s, units, c = net
    terms = [f"({s})*x"] + [f"({a})*tanh(({w})*x + ({b}))" for a, w, b in units] + [f"({c})"]
    return " + ".join(terms)


@st.composite
def unit_interval_pl_maps(draw, nodes=(2, 5)):
    """(knots, values): a continuous PL self-map of [0, 1] interpolating values in [0, 1] at knots
    0 = t_0 < ... < t_n = 1, biased to degenerate cases: a flat piece (equal values), a turning
    knot on a fixed point (value = knot), a piece of slope exactly 1 or -1, full-height laps
    (values 0 and 1), and a turning knot whose image is a knot."""
    n = draw(st.integers(*nodes))
    inner = sorted(set(draw(st.lists(st.sampled_from([Fraction(k, 12) for k in range(1, 12)]),
                                     min_size=n - 1, max_size=n - 1))))
    knots = [Fraction(0), *inner, Fraction(1)]
    grid = [Fraction(k, 12) for k in range(13)]
    values = [draw(st.sampled_from(grid)) for _ in knots]
    tweak = draw(st.sampled_from(("none", "flat", "fixed_turn", "slope_one", "slope_minus_one", "knot_image")))
    j = draw(st.integers(0, len(knots) - 2))
    if tweak == "flat":
        values[j + 1] = values[j]
    elif tweak == "fixed_turn":
        values[j] = knots[j]
    elif tweak == "slope_one" and knots[j] + knots[j + 1] - knots[j] <= 1:
        values[j + 1] = values[j] + knots[j + 1] - knots[j] if values[j] + knots[j + 1] - knots[j] <= 1 else values[j + 1]
    elif tweak == "slope_minus_one":
        values[j + 1] = values[j] - (knots[j + 1] - knots[j]) if values[j] >= knots[j + 1] - knots[j] else values[j + 1]
    elif tweak == "knot_image":
        values[j] = draw(st.sampled_from(knots))
    return knots, values


def pl_interpolation_net(knots, values) -> dict:
    """The rnn1d relu weight dict equal to the PL interpolation on [0, 1] (x = relu(x + 10) - 10 there)."""
    slopes = [(v1 - v0) / (t1 - t0) for t0, t1, v0, v1 in zip(knots, knots[1:], values, values[1:])]
    w = [Fraction(1)] * len(slopes)
    b = [Fraction(10)] + [-t for t in knots[1:-1]]
    a = [slopes[0]] + [s1 - s0 for s0, s1 in zip(slopes, slopes[1:])]
    return {"activation": "relu", "w": w, "b": b, "a": a, "c": values[0] - 10 * slopes[0]}


# small rationals, zero often: PLRNN weights, A = 0, h = 0 and points on the kinks all occur
PLRNN_NUMBERS = st.one_of(st.just("0"), st.integers(-3, 3).map(str),
                          st.tuples(st.integers(-5, 5), st.sampled_from([2, 3, 4])).map(lambda t: f"{t[0]}/{t[1]}"))


@st.composite
def plrnn_nets(draw, a=PLRNN_NUMBERS, w=PLRNN_NUMBERS, dims=(1, 3)):
    """A PLRNN (certify.maps.plrnn.PLRNN: spec, canonical form and exact model) of dimension in dims, diagonal
    entries drawn from a (all zero often), W and h from w."""
    from certify.maps.plrnn import plrnn_from_mapping
    n = draw(st.integers(*dims))
    A = draw(st.one_of(st.just(["0"] * n), st.lists(a, min_size=n, max_size=n)))
    W = [draw(st.lists(w, min_size=n, max_size=n)) for _ in range(n)]
    h = draw(st.one_of(st.just(["0"] * n), st.lists(w, min_size=n, max_size=n)))
    return plrnn_from_mapping({"kind": "plrnn", "A": A, "W": W, "h": h}, "generated")


def plrnn_models(a=PLRNN_NUMBERS, w=PLRNN_NUMBERS, dims=(1, 3)):
    """The exact model (certify.checker.plrnn.Model) of a PLRNN drawn by plrnn_nets."""
    return plrnn_nets(a, w, dims).map(lambda net: net.model)


# ----------------------------------------------------------------------------- vanilla RNN maps h -> act(W h + b)

RNN_ACTIVATIONS = ("hardtanh", "relu", "tanh", "sigmoid")
RNN_W_KINDS = ("zero", "zero_rows", "identity", "minus_identity", "scaled_identity", "diagonal", "permutation",
               "general")
RNN_B_KINDS = ("zero", "small", "fixed_on_kink", "cycle_on_kink")
_RNN_KINK_VALUES = {"hardtanh": tuple(Fraction(s) for s in ("-1", "1", "0", "1/2", "-1/2")),
                    "relu": tuple(Fraction(s) for s in ("0", "1", "1/2", "2"))}


def _mat_vec(W, h):
    return [sum((w * x for w, x in zip(row, h)), Fraction(0)) for row in W]


@st.composite
def rnn_nets(draw, activations=RNN_ACTIVATIONS, dims=(1, 3), diagonal=False):
    """(activation, W, b) of a vanilla RNN h -> act(W h + b) with Fraction entries, biased to degenerate cases.

    W: zero, some rows zero (constant units), I, -I, a small multiple of I, diagonal, a permutation matrix
    (a continuum of cycles in the linear region of hardtanh and relu), or general, entries from
    `small_rationals`; with `diagonal`, only the diagonal kinds. b: zero, small, or (piecewise-linear
    activations, not `diagonal`) set so that a drawn point h* is a fixed point with pre-activations exactly on
    kinks (hardtanh +-1, relu 0) where h* is at a kink value, or W and b set (W by a rank-one change) so that
    two drawn points h0 != h1 form a 2-cycle h0 -> h1 -> h0 with the same property.
    """
    n = draw(st.integers(*dims))
    act = draw(st.sampled_from(activations))
    zero, one = Fraction(0), Fraction(1)
    kinds = ("zero", "identity", "minus_identity", "scaled_identity", "diagonal") if diagonal else RNN_W_KINDS
    kind = draw(st.sampled_from(kinds))
    eye = [[one if i == j else zero for j in range(n)] for i in range(n)]
    if kind == "zero":
        W = [[zero] * n for _ in range(n)]
    elif kind in ("identity", "minus_identity", "scaled_identity"):
        s = {"identity": one, "minus_identity": -one}.get(kind) or draw(small_rationals())
        W = [[s * x for x in row] for row in eye]
    elif kind == "diagonal":
        W = [[draw(small_rationals()) if i == j else zero for j in range(n)] for i in range(n)]
    elif kind == "permutation":
        perm = draw(st.permutations(range(n)))
        W = [[one if j == perm[i] else zero for j in range(n)] for i in range(n)]
    else:
        W = [[draw(small_rationals()) for _ in range(n)] for _ in range(n)]
        if kind == "zero_rows":
            for i in draw(st.sets(st.integers(0, n - 1), min_size=1)):
                W[i] = [zero] * n
    bkinds = RNN_B_KINDS if act in _RNN_KINK_VALUES and not diagonal else RNN_B_KINDS[:2]
    bkind = draw(st.sampled_from(bkinds))
    if bkind == "zero":
        b = [zero] * n
    elif bkind == "small":
        b = [draw(small_rationals()) for _ in range(n)]
    elif bkind == "fixed_on_kink":  # u* = h* (a kink value or inside the linear piece): act(W h* + b) = h*
        h = [draw(st.sampled_from(_RNN_KINK_VALUES[act])) for _ in range(n)]
        b = [x - y for x, y in zip(h, _mat_vec(W, h))]
    else:  # W delta = h1 - h0 for delta = h0 - h1 (rank-one change), b = h1 - W h0: h0 -> h1 -> h0
        h0 = [draw(st.sampled_from(_RNN_KINK_VALUES[act])) for _ in range(n)]
        h1 = [draw(st.sampled_from(_RNN_KINK_VALUES[act])) for _ in range(n)]
        delta = [x - y for x, y in zip(h0, h1)]
        dd = sum((x * x for x in delta), zero)
        if dd != 0:
            r = [-x - y for x, y in zip(delta, _mat_vec(W, delta))]  # (h1 - h0) - W delta
            W = [[W[i][j] + r[i] * delta[j] / dd for j in range(n)] for i in range(n)]
        b = [x - y for x, y in zip(h1, _mat_vec(W, h0))]
    return act, W, b
