"""Phase diagrams of two-parameter piecewise-linear families: the kernel's facts.

Part of the trusted kernel (imports the standard library, python-flint, sympy, certify.errors and
certify.certificates only). A family f_{p,q}(x) whose parameters enter polynomially and only
outside max/min/relu (so its breakpoints t_1 < ... < t_m do not move) is, on piece k, the affine
map x -> s_k(p, q) x + c_k(p, q) with polynomial slope and intercept.

Period 3 by itineraries. For a word w = (k_0, k_1, k_2) of pieces, not constant, write
x_j = A_j x_0 + B_j for the affine iterates along w, S = A_3, C = B_3, D = 1 - S. A point of
minimal period 3 with itinerary w solves D x_0 = C with every x_j in its closed piece k_j. Each
side condition is g(x_0) = a x_0 + b >= 0 (a = +-A_j, b = +-(B_j - t)); put P = a C + b D, so
g(C / D) = P / D. On a parameter cell (a rational box):
  * proved:  for some w, D and every P have one strict common sign on the cell. Then x_0 = C / D
    is the unique solution, every orbit point lies inside its piece, and pieces differ along a
    non-constant word, so the orbit is not a fixed point: minimal period 3 (3 is prime).
  * none:    for every w (up to rotation), either some P * D < 0 on the cell (the only candidate
    leaves its piece), or two conditions i, j with a_i a_j < 0 and P_i P_j < 0 on the cell: they
    confine x_0 to [L, U] while h(x) = C - D x has h(L) h(U) = P_i P_j / (a_i a_j) > 0, so h has
    no zero there (this second test also covers cells where D vanishes). Constant words give
    only fixed points, and every period-3 orbit has some non-constant itinerary (closed pieces).
Signs on a cell are decided exactly: with the cell's centre c and half-widths r, the shifted
polynomial h(u, v) = g(c + (u, v)) satisfies |g - h(0)| <= sum_{alpha != 0} |h_alpha| r^alpha.

Robust chaos (two pieces, break t, m = f(t)): if s_0 > 1, s_1 < -1, m > t and f(f(m)) >= f(m)
(or the mirror image s_0 < -1, s_1 > 1, m < t, f(f(m)) <= f(m)), then J = [f(m), m] (resp.
[m, f(m)]) is mapped into itself and |f'| >= lambda = min(|s_0|, |s_1|) > 1 on it, so f^n has at
least lambda^n laps on J and h_top(f) >= log lambda > 0 (Misiurewicz-Szlenk): positive entropy,
hence periods that are not powers of 2 and Li-Yorke chaos, throughout the open region. For the
border-collision normal form (t = 0, m = mu > 0) this is Banerjee-Yorke-Grebogi's condition
a_L > 1, -a_L / (a_L - 1) < a_R < -1.
"""

from __future__ import annotations

import itertools
import keyword
import re
from math import gcd, lcm
from typing import NamedTuple

from flint import fmpq, fmpq_mpoly_ctx

from certify.certificates import interval_parse, q_parse, q_str
from certify.checker.statement import Failure
from certify.checker.semantics import _CANON_NAMES, Program, canonical_expr, parse_canonical_expr
from certify.checker.statement import Statement, num
from certify.errors import CertifyError

MAX_PIECES = 8
MAX_DEGREE = 4             # total degree of a slope or intercept in the two parameters
MAX_GRID = 1024            # cells per side of the grid
MAX_DEPTH = 16             # times a cell may be split in four
MAX_SIGN_TESTS = 2_000_000  # exact sign tests the kernel runs for one certificate's cells
CLASSES = ("P", "N", "U", "PC", "NC", "UC")
# names a parameter may not have: the canonical grammar's (x, pi, E, Max, tanh, ...), the parser's
# own (Integer, Symbol, Rational), the spec language's functions and families, Python keywords
RESERVED = frozenset(_CANON_NAMES) | {"Integer", "Symbol", "Rational", "relu", "leaky_relu", "hardtanh",
                                      "sigmoid", "abs", "max", "min", "logistic", "tent", "skew_tent", "plrnn1d"}
_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]{0,31}")


def param_names(names) -> tuple:
    """The two parameter names of a phase family, validated: plain ASCII names of at most 32
    characters, distinct, neither x nor a function, constant or keyword name."""
    if not (isinstance(names, list) and len(names) == 2 and all(isinstance(n, str) for n in names)):
        raise NotPhaseFamily("the family must name exactly two parameters")
    for n in names:
        if not _NAME.fullmatch(n) or n in RESERVED or keyword.iskeyword(n):
            raise NotPhaseFamily(f"{n!r} cannot name a parameter (x, function and constant names are reserved)")
    if names[0] == names[1]:
        raise NotPhaseFamily("the two parameters must have different names")
    return tuple(names)


def _param_degree(e, ps) -> int:
    """The total degree of e in the parameters ps, bounded before anything is expanded; refuses
    parameters inside max/min/abs or other functions, and non-polynomial powers."""
    if not e.free_symbols & ps:
        return 0
    if e in ps:
        return 1
    if e.is_Add:
        return max(_param_degree(a, ps) for a in e.args)
    if e.is_Mul:
        return sum(_param_degree(a, ps) for a in e.args)
    if e.is_Pow and e.args[1].is_Integer and e.args[1] >= 0:
        d = _param_degree(e.args[0], ps)
        if d * int(e.args[1]) > MAX_DEGREE:
            raise NotPhaseFamily(f"the parameters enter with degree above {MAX_DEGREE}")
        return d * int(e.args[1])
    raise NotPhaseFamily("the parameters must enter polynomially and outside max/min/relu/abs "
                         "(breakpoints that move with the parameters are not supported)")


class NotPhaseFamily(ValueError):
    """The family is not PL in x with parameter-independent breakpoints (message says why)."""


def pl_family2(canon: dict):
    """(ctx, breaks, slopes, icepts): the exact affine pieces of a two-parameter family, slopes and
    intercepts fmpq_mpolys in the two parameters. Raises NotPhaseFamily otherwise."""
    if not isinstance(canon, dict) or canon.get("kind") != "expr" or set(canon) != {"kind", "expr", "params"} \
            or not isinstance(canon["expr"], str):
        raise NotPhaseFamily("a phase diagram needs a family {'kind': 'expr', 'expr': ..., 'params': [p, q]}")
    import sympy
    from sympy.polys.polyerrors import BasePolynomialError

    from certify.checker.semantics import X

    names = param_names(canon["params"])
    ps = sympy.symbols(names)
    try:
        expr = canonical_expr(_small_powers(canon["expr"]), names)
        if _param_degree(expr, set(ps)) > MAX_DEGREE:
            raise NotPhaseFamily(f"the parameters enter with degree above {MAX_DEGREE}")
        poly = sympy.Poly(expr, *ps)
    except NotPhaseFamily:
        raise
    except (BasePolynomialError, CertifyError, ValueError) as e:
        raise NotPhaseFamily(f"the parameters must enter polynomially and outside max/min/relu/abs "
                             f"(breakpoints that move with the parameters are not supported): {e}") from None
    terms = []
    for monom, coeff in poly.terms():
        coeff = sympy.sympify(coeff)
        if coeff.free_symbols - {X}:
            raise NotPhaseFamily("the parameters must enter polynomially and outside max/min/relu/abs "
                                 "(breakpoints that move with the parameters are not supported)")
        try:
            tab = Program.from_sympy(coeff).pl()
        except CertifyError as e:
            raise NotPhaseFamily(str(e)) from None
        if tab is None:
            raise NotPhaseFamily("the family is not piecewise linear in x")
        terms.append((monom, tab))
    breaks = sorted({t for _, tab in terms for t in tab.breaks})
    if len(breaks) + 1 > MAX_PIECES:
        raise NotPhaseFamily(f"more than {MAX_PIECES} affine pieces")
    ctx = fmpq_mpoly_ctx.get(tuple(names), "lex")
    samples = ([breaks[0] - 1] + [(a + b) / 2 for a, b in zip(breaks, breaks[1:])] + [breaks[-1] + 1]
               if breaks else [fmpq(0)])
    slopes, icepts = [], []
    for s in samples:
        sl, ic = {}, {}
        for monom, tab in terms:
            k = tab.piece(s)
            sl[monom] = sl.get(monom, 0) + tab.slopes[k]
            ic[monom] = ic.get(monom, 0) + tab.icepts[k]
        slopes.append(ctx.from_dict({m: c for m, c in sl.items() if c != 0}))
        icepts.append(ctx.from_dict({m: c for m, c in ic.items() if c != 0}))
    # drop breaks where the two sides agree for every parameter (no kink at all)
    keep = [j for j in range(len(breaks)) if slopes[j] != slopes[j + 1] or icepts[j] != icepts[j + 1]]
    pieces = [0] + [j + 1 for j in keep]
    return ctx, [breaks[j] for j in keep], [slopes[k] for k in pieces], [icepts[k] for k in pieces]


def _representatives(npieces: int, p: int):
    """Non-constant words of length p over the pieces, one per rotation class (the least rotation)."""
    for w in itertools.product(range(npieces), repeat=p):
        if len(set(w)) > 1 and w == min(w[i:] + w[:i] for i in range(p)):
            yield w


class Word(NamedTuple):
    """An itinerary's conditions: D, the side conditions (a, P), Q = D (x_1 - x_0) at x_0 = C / D,
    and for each irreducible factor e of Q the exponents k and cofactors R with P = e^k R."""

    word: tuple
    D: object
    Q: object
    conds: list
    fixed: list


def period3_words(fam) -> list:
    """The conditions of every non-constant itinerary of length 3, one per rotation class."""
    ctx, breaks, slopes, icepts = fam
    one, zero = ctx.from_dict({(0, 0): 1}), ctx.from_dict({})
    out = []
    for w in _representatives(len(slopes), 3):
        A, B, partial = one, zero, []
        for k in w:
            partial.append((A, B))
            A, B = slopes[k] * A, slopes[k] * B + icepts[k]
        C, D = B, one - A
        conds = []
        for (Aj, Bj), k in zip(partial, w):
            if k > 0:  # x_j >= t_{k-1}
                a, b = Aj, Bj - breaks[k - 1]
                conds.append((a, a * C + b * D))
            if k < len(breaks):  # x_j <= t_k
                a, b = -Aj, breaks[k] - Bj
                conds.append((a, a * C + b * D))
        Q = (partial[1][0] - one) * C + partial[1][1] * D
        fixed = []
        if not Q.is_zero():
            for e, _ in Q.factor()[1]:
                if e.is_constant():
                    continue
                split = []
                for _, P in conds:
                    k, R = 0, P
                    while not R.is_zero() and divmod(R, e)[1].is_zero():
                        k, R = k + 1, divmod(R, e)[0]
                    split.append((k, R))
                if any(k for k, _ in split):
                    fixed.append((normalize(e), split))
        out.append(Word(w, D, Q, conds, fixed))
    return out


def normalize(g):
    """The primitive integer multiple of g with positive leading coefficient (lex order)."""
    coeffs = [fmpq(c) for c in g.coeffs()]
    den = lcm(*(int(c.q) for c in coeffs))
    nums = [int(c * den) for c in coeffs]
    content = 0
    for n in nums:
        content = gcd(content, n)
    sign = 1 if nums[0] > 0 else -1
    return g * fmpq(sign * den, content)


def boundary_factors(words) -> list:
    """The distinct irreducible non-constant factors of every D and P, normalized, sorted by text."""
    seen = {}
    for wd in words:
        for g in [wd.D] + [P for _, P in wd.conds]:
            if g.is_zero() or g.is_constant():
                continue
            for f, _ in g.factor()[1]:
                if not f.is_constant():
                    f = normalize(f)
                    seen.setdefault(poly_str(f), f)
    return [seen[k] for k in sorted(seen, key=lambda s: (len(s), s))]


def chaos_conditions(fam):
    """Two lists of polynomials (peak case, valley case), each all > 0 implying an expanding
    invariant interval; None unless the family has exactly two pieces."""
    ctx, breaks, slopes, icepts = fam
    if len(breaks) != 1:
        return None
    t = breaks[0]
    one = ctx.from_dict({(0, 0): 1})
    s0, s1, c0, c1 = slopes[0], slopes[1], icepts[0], icepts[1]
    m = s0 * t + c0
    fm_peak = s1 * m + c1            # m > t: m on the right piece; f(m) < t then follows
    ffm_peak = s0 * fm_peak + c0
    fm_valley = s0 * m + c0          # m < t: m on the left piece
    ffm_valley = s1 * fm_valley + c1
    return [[s0 - one, -one - s1, m - t * one, ffm_peak - fm_peak],
            [-one - s0, s1 - one, t * one - m, fm_valley - ffm_valley]]


def poly_str(g) -> str:
    """sympy's text of an fmpq_mpoly (names of its context)."""
    import sympy

    names = g.context().names()
    syms = sympy.symbols(names)
    expr = sympy.Add(*[sympy.Rational(int(c.p), int(c.q)) * sympy.Mul(*[s ** e for s, e in zip(syms, mono)])
                       for mono, c in zip(g.monoms(), [fmpq(c) for c in g.coeffs()])])
    return sympy.sstr(expr)


def _small_powers(text: str, limit: int = 20_000) -> str:
    """The text, when it is at most `limit` characters, nests parentheses at most 40 deep and every
    power in it has a literal exponent of at most two digits (so that parsing cannot recurse deeply,
    build a huge number or expand a huge power); raises ValueError otherwise."""
    if not isinstance(text, str) or len(text) > limit or re.search(r"\*\*\s*(?!\d{1,2}(?!\d))", text):
        raise ValueError(f"not a short polynomial text with small literal exponents: {str(text)[:60]!r}")
    depth = 0
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if depth > 40:
            raise ValueError("parentheses nested more than 40 deep")
    return text


def _text_limit(g) -> int:
    """A generous bound on the length of any reasonable text of the polynomial g."""
    width = 2 * max(len(n) for n in g.context().names()) + 16
    return 64 + sum(len(str(fmpq(c))) + width for c in g.coeffs())


def poly_parse(text: str, ctx):
    """The fmpq_mpoly in ctx spelled by a polynomial text (whitelisted tokens only)."""
    import sympy
    from sympy.polys.polyerrors import BasePolynomialError

    names = ctx.names()
    syms = sympy.symbols(names)
    try:
        expr = parse_canonical_expr(_small_powers(text), tuple(names))
        if _param_degree(expr, set(syms)) > 3 * MAX_DEGREE + 1:
            raise ValueError("degree too high")
        poly = sympy.Poly(expr, *syms)
    except (BasePolynomialError, CertifyError, NotPhaseFamily) as e:
        raise ValueError(f"not a polynomial in {', '.join(names)}: {text[:60]!r} ({e})") from None
    if not (poly.domain.is_QQ or poly.domain.is_ZZ):
        raise ValueError(f"not a polynomial in {', '.join(names)} with rational coefficients: {text[:60]!r}")
    return ctx.from_dict({m: fmpq(int(sympy.Rational(c).p), int(sympy.Rational(c).q)) for m, c in poly.terms()})


# ----------------------------------------------------------------------------- signs on cells

_UV = fmpq_mpoly_ctx.get(("u", "v"), "lex")


def box_sign(g, box) -> int:
    """+1 / -1 when g has that strict sign on the whole box ((x0, x1), (y0, y1)), else 0.

    Exact: g(c + (u, v)) = h_0 + sum h_alpha u^i v^j with |u| <= rx, |v| <= ry."""
    (x0, x1), (y0, y1) = box
    u, v = _UV.gens()
    h = g.compose(u + (x0 + x1) / 2, v + (y0 + y1) / 2, ctx=_UV)
    rx, ry = (x1 - x0) / 2, (y1 - y0) / 2
    c0, err = fmpq(0), fmpq(0)
    for (i, j), c in zip(h.monoms(), h.coeffs()):
        c = fmpq(c)
        if i == 0 and j == 0:
            c0 = c
        elif c != 0:
            err += abs(c) * rx ** i * ry ** j
    if c0 > err:
        return 1
    if -c0 > err:
        return -1
    return 0


def cell_period3(words, box) -> str:
    """'P' (a point of minimal period 3 for every parameter of the box), 'N' (none for any), or 'U'."""
    every_fails = True
    for wd in words:
        sd = box_sign(wd.D, box)
        sp = [box_sign(P, box) for _, P in wd.conds]
        if sd != 0 and all(s == sd for s in sp):
            return "P"
        if sd != 0 and any(s == -sd for s in sp):
            continue
        sa = [box_sign(a, box) for a, _ in wd.conds]
        if any(sa[i] * sa[j] < 0 and sp[i] * sp[j] < 0 for i in range(len(sa)) for j in range(i)):
            continue
        if sd != 0 and any(_fails_both_sides(split, sd, box) for _, split in wd.fixed):
            continue
        every_fails = False
    return "N" if every_fails else "U"


def _fails_both_sides(split, sd: int, box) -> bool:
    """With P_j = e^k_j R_j and D of sign sd on the box: where e > 0 some P_j D < 0 (a j with
    sign(R_j) = -sd), where e < 0 some P_j D < 0 (a j with (-1)^k_j sign(R_j) = -sd), and where
    e = 0 the candidate is a fixed point (e divides Q): no point of minimal period 3 anywhere."""
    signs = [box_sign(R, box) for _, R in split]
    plus = any(r == -sd for r in signs if r)
    minus = any((-1) ** k * r == -sd for (k, _), r in zip(split, signs) if r)
    return plus and minus


def cell_chaos(conds, box) -> str:
    """'C' when one case of the chaos conditions holds on the whole box, '-' when each case has a
    condition negative on the whole box, '?' otherwise."""
    if conds is None:
        return "-"
    status = "-"
    for case in conds:
        signs = [box_sign(g, box) for g in case]
        if all(s > 0 for s in signs):
            return "C"
        if not any(s < 0 for s in signs):
            status = "?"
    return status


def cell_box(rng, grid: int, level: int, i: int, j: int):
    """The box of cell (level, i, j): column i, row j of the (grid 2^level)^2 subdivision of rng."""
    (X0, X1), (Y0, Y1) = rng
    n = grid << level
    if not (0 <= i < n and 0 <= j < n):
        raise ValueError("cell index outside the grid")
    return ((X0 + (X1 - X0) * fmpq(i, n), X0 + (X1 - X0) * fmpq(i + 1, n)),
            (Y0 + (Y1 - Y0) * fmpq(j, n), Y0 + (Y1 - Y0) * fmpq(j + 1, n)))


def areas(cells, grid: int) -> dict:
    """Exact area fractions of the classes P, N, U and of the chaos label C."""
    out = {"P": fmpq(0), "N": fmpq(0), "U": fmpq(0), "C": fmpq(0)}
    for level, _, _, cls in cells:
        a = fmpq(1, (grid << level) ** 2)
        out[cls[0]] += a
        if cls.endswith("C"):
            out["C"] += a
    return out




def piece_names(npieces: int) -> str:
    """The letters naming the affine pieces in itinerary names (L, R for two pieces)."""
    return "LR" if npieces == 2 else "0123456789"[:npieces]


def sign_tests_per_cell(words, chaos, bound) -> int:
    """An upper bound on the exact sign tests the kernel runs on one cell (classes, chaos, and the
    boundary polynomials of an undecided cell)."""
    per_word = sum(1 + 2 * len(wd.conds) + sum(len(split) for _, split in wd.fixed) for wd in words)
    return per_word + (8 if chaos is not None else 0) + len(bound)


def near_boundary(bound, undecided_boxes) -> list:
    """Indices of the boundary polynomials not proved of one strict sign on every undecided cell."""
    return [k for k, g in enumerate(bound) if any(box_sign(g, b) == 0 for b in undecided_boxes)]


# ----------------------------------------------------------------------------- the claim

def _int(v, what: str, lo: int, hi: int) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise Failure(f"{what} must be an integer in {lo}..{hi}, got {v!r}")
    return v


def _keys(d, want: set, what: str) -> dict:
    if not isinstance(d, dict) or set(d) != want:
        raise Failure(f"{what} has the keys {sorted(want)}, got "
                      f"{sorted(d) if isinstance(d, dict) else type(d).__name__}")
    return d


def _claim(cert: dict):
    """The claim's parameter names, rectangle, grid and depth, validated (and the canonical
    family's parameters equal to the claim's)."""
    claim, canon = cert["claim"], cert["map"]["canonical"]
    _int(claim["p"], "the claim's period", 3, 3)
    try:
        names = param_names(claim["params"])
    except NotPhaseFamily as e:
        raise Failure(f"claim params: {e}") from None
    if not isinstance(canon, dict) or canon.get("params") != claim["params"]:
        raise Failure("the claim's parameters differ from the family's")
    r = _keys(claim["range"], {"x", "y"}, "the claim's range")
    rng = (interval_parse(r["x"]), interval_parse(r["y"]))
    if not (rng[0][0] < rng[0][1] and rng[1][0] < rng[1][1]):
        raise Failure("empty parameter rectangle")
    grid = _int(claim["grid"], "grid", 1, MAX_GRID)
    depth = _int(claim["depth"], "depth", 0, MAX_DEPTH)
    return names, rng, grid, depth


def _verify_conditions(fact: dict, fam, words, bound) -> None:
    """The itinerary_conditions fact is exactly the kernel's: pieces, words, names, D, Q, the side
    conditions' a and P, and the boundary factors."""
    ctx, breaks, slopes, icepts = fam
    _keys(fact, {"fact", "pieces", "words", "boundary"}, "itinerary_conditions")
    pieces = _keys(fact["pieces"], {"breaks", "slopes", "icepts"}, "pieces")
    if not (isinstance(pieces["breaks"], list) and [q_parse(t) for t in pieces["breaks"]] == list(breaks)
            and _polys_equal(pieces["slopes"], slopes, ctx) and _polys_equal(pieces["icepts"], icepts, ctx)):
        raise Failure("the affine pieces differ from the family's")
    stated, names = fact["words"], piece_names(len(slopes))
    if not isinstance(stated, list) or len(stated) != len(words):
        raise Failure(f"{len(words)} itineraries up to rotation, not {len(stated) if isinstance(stated, list) else stated!r}")
    for wd, s in zip(words, stated):
        _keys(s, {"word", "name", "D", "Q", "a", "P"}, "an itinerary")
        if s["word"] != list(wd.word) or s["name"] != "".join(names[k] for k in wd.word) \
                or not _poly_equal(s["D"], wd.D, ctx) or not _poly_equal(s["Q"], wd.Q, ctx) \
                or not _polys_equal(s["a"], [a for a, _ in wd.conds], ctx) \
                or not _polys_equal(s["P"], [P for _, P in wd.conds], ctx):
            raise Failure(f"the conditions of itinerary {list(wd.word)} differ from the family's")
    if not _polys_equal(fact["boundary"], bound, ctx):
        raise Failure("the boundary polynomials are not the irreducible factors of the itinerary conditions")


def _poly_equal(text, g, ctx) -> bool:
    """The text spells g (texts far longer than g's own are refused before parsing)."""
    if not isinstance(text, str) or len(text) > _text_limit(g):
        raise ValueError(f"the text {str(text)[:40]!r} is far longer than the polynomial it should spell")
    return poly_parse(text, ctx) == g


def _polys_equal(texts, polys, ctx) -> bool:
    return isinstance(texts, list) and len(texts) == len(polys) and all(
        _poly_equal(t, g, ctx) for t, g in zip(texts, polys))


def _tiling(cells_fact, rng, grid: int, depth: int, budget: int) -> list:
    """The cells, validated: [level, i, j, class] in the grid, none listed twice or inside another,
    areas summing to 1 (so the closed cells tile the rectangle), the deepest at level `depth`."""
    _keys(cells_fact, {"fact", "cells"}, "phase_cells")
    raw = cells_fact["cells"]
    if not isinstance(raw, list) or not 1 <= len(raw) <= budget:
        raise Failure(f"between 1 and {budget} cells (the kernel's budget of {MAX_SIGN_TESTS} sign tests "
                      f"for this family), got {len(raw) if isinstance(raw, list) else raw!r}")
    cells, seen = [], set()
    for c in raw:
        if not (isinstance(c, list) and len(c) == 4 and c[3] in CLASSES):
            raise Failure(f"a cell is [level, i, j, class] with class in {', '.join(CLASSES)}, got {c!r}")
        level = _int(c[0], "a cell's level", 0, depth)
        n = grid << level
        i, j = _int(c[1], "a cell's column", 0, n - 1), _int(c[2], "a cell's row", 0, n - 1)
        if (level, i, j) in seen:
            raise Failure(f"cell {[level, i, j]} listed twice")
        seen.add((level, i, j))
        cells.append((level, i, j, c[3]))
    for level, i, j, _ in cells:
        for up in range(1, level + 1):
            if (level - up, i >> up, j >> up) in seen:
                raise Failure(f"cell {[level, i, j]} overlaps its ancestor")
    if sum((fmpq(1, (grid << level) ** 2) for level, _, _, _ in cells), fmpq(0)) != 1:
        raise Failure("the cells do not cover the rectangle")
    if max(level for level, _, _, _ in cells) != depth:
        raise Failure(f"depth {depth} is not the level of the finest cell")
    return cells


def _rect(names, rng) -> str:
    return ", ".join(f"{n} ∈ [{num(lo)}, {num(hi)}]" for n, (lo, hi) in zip(names, rng))


def phase(prog, cert: dict) -> Statement:
    """Where on a rectangle of parameters a two-parameter PL family f has a point of minimal period 3
    (class P), has none (N), and is robustly chaotic (C), and on which curves the boundary of the
    period-3 region lies.

    Theorems (module docstring, docs/mathematics.md §10): for an itinerary w, D and every side
    condition P of one strict sign on a cell give a point of minimal period 3 for every parameter of
    it (x_0 = C/D, non-constant word, 3 prime); a failing condition for every w excludes period 3;
    the robust-chaos conditions give an invariant interval with |f'| > 1, so h_top > 0
    (Misiurewicz-Szlenk). Off the zero sets of the D's and P's period 3 is locally constant and P
    and N cells (closed, disjoint) never touch, so the boundary of the period-3 region lies in the
    undecided cells, on the boundary factors not of one strict sign there.
    Checked, not assumed: valid distinct parameter names equal to the family's; f piecewise linear
    in x with parameter-free breaks (rebuilt from the canonical expression); every polynomial of
    the facts equal to the kernel's own; the cells tile the rectangle, the finest at level `depth`;
    every class equal to the kernel's exact sign tests (so P, N and C are proved and U is what the
    tests leave open); areas and boundary_near equal to the kernel's; the work bounded before it is done.
    """
    names, rng, grid, depth = _claim(cert)
    where = f"in the rectangle {_rect(names, rng)}"
    evidence = cert["evidence"]
    if cert["verdict"] == "undecided":
        if evidence or "areas" in cert or "boundary_near" in cert:
            raise Failure("an undecided phase diagram claims nothing: no facts, areas or boundary_near")
        return Statement(f"undecided: nothing is claimed about period 3 {where}", 0)
    if cert["verdict"] != "proved":
        raise Failure("a phase diagram is proved (some cell decided) or undecided; 'refuted' means nothing here")
    try:
        fam = pl_family2(cert["map"]["canonical"])
    except NotPhaseFamily as e:
        raise Failure(f"not a phase family: {e}") from None
    facts = {f.get("fact"): f for f in evidence if isinstance(f, dict)} if isinstance(evidence, list) else {}
    if set(facts) != {"itinerary_conditions", "chaos_conditions", "phase_cells"} or len(evidence) != 3:
        raise Failure("a phase certificate holds the facts itinerary_conditions, chaos_conditions and phase_cells")
    words = period3_words(fam)
    bound = boundary_factors(words)
    try:
        _verify_conditions(facts["itinerary_conditions"], fam, words, bound)
    except (Failure, ValueError) as e:
        raise Failure(f"fact itinerary_conditions: {e}") from None
    chaos = chaos_conditions(fam)
    _keys(facts["chaos_conditions"], {"fact", "cases"}, "chaos_conditions")
    stated = facts["chaos_conditions"]["cases"]
    if (chaos is None) != (stated is None) or chaos is not None and (
            not isinstance(stated, list) or len(stated) != 2
            or not all(_polys_equal(s, c, fam[0]) for s, c in zip(stated, chaos))):
        raise Failure("fact chaos_conditions: the conditions differ from the family's")
    try:
        cells = _tiling(facts["phase_cells"], rng, grid, depth,
                        MAX_SIGN_TESTS // sign_tests_per_cell(words, chaos, bound))
        undecided = []
        for level, i, j, cls in cells:
            box = cell_box(rng, grid, level, i, j)
            got = cell_period3(words, box)
            if cls[0] in "PN" and got != cls[0]:
                raise Failure(f"cell {[level, i, j]} is not proved '{cls[0]}'")
            if got != cls[0]:
                raise Failure(f"cell {[level, i, j]} is '{got}' by the kernel's test; its class must say so")
            chaotic = cell_chaos(chaos, box) == "C"
            if cls.endswith("C") and not chaotic:
                raise Failure(f"cell {[level, i, j]} is not proved robustly chaotic")
            if chaotic and not cls.endswith("C"):
                raise Failure(f"cell {[level, i, j]} is robustly chaotic by the kernel's test; its class must say so")
            if cls[0] == "U":
                undecided.append(box)
    except Failure as e:
        raise Failure(f"fact phase_cells: {e}") from None
    if all(cls == "U" for _, _, _, cls in cells):
        raise Failure("no cell is decided: the verdict must be undecided")
    frac = areas(cells, grid)
    if cert.get("areas") != {k: q_str(v) for k, v in frac.items()}:
        raise Failure("areas must be the exact fractions of the rectangle covered by the P, N, U and C cells")
    near = near_boundary(bound, undecided)
    if cert.get("boundary_near") != near:
        raise Failure("boundary_near must list exactly the boundary polynomials not of one strict sign on "
                      "every undecided cell")
    chaos_line = ("robust chaos (an invariant interval with |f'| > 1, so h_top > 0 and Li-Yorke chaos) for every "
                  f"parameter on {num(frac['C'])}" if chaos is not None else
                  "robust chaos: not examined (the family has more than two pieces)")
    lines = [f"in the rectangle {_rect(names, rng)} (cells of a {grid} x {grid} grid split down to depth {depth}), "
             "as fractions of its area:",
             f"a point of minimal period 3 for every parameter on {num(frac['P'])}, for no parameter on "
             f"{num(frac['N'])}, undecided on {num(frac['U'])}",
             chaos_line]
    if near:
        lines.append("the boundary of the period-3 region inside the rectangle lies on the curves "
                     + "; ".join(f"{poly_str(bound[k])} = 0" for k in near))
    else:
        lines.append("the period-3 region has no boundary inside the rectangle")
    return Statement("\n".join(lines), len(evidence))
