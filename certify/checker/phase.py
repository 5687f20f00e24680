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
from math import gcd, lcm
from typing import NamedTuple

import sympy
from flint import fmpq, fmpq_mpoly_ctx

from certify.checker.semantics import X, Program, parse_canonical_expr

MAX_PIECES = 8
CLASSES = ("P", "N", "U", "PC", "NC", "UC")


class NotPhaseFamily(ValueError):
    """The family is not PL in x with parameter-independent breakpoints (message says why)."""


def pl_family2(canon: dict):
    """(ctx, breaks, slopes, icepts): the exact affine pieces of a two-parameter family, slopes and
    intercepts fmpq_mpolys in the two parameters. Raises NotPhaseFamily otherwise."""
    if not isinstance(canon, dict) or canon.get("kind") != "expr":
        raise NotPhaseFamily("a phase diagram needs a family given by a formula")
    names = canon.get("params")
    if not (isinstance(names, list) and len(names) == 2 and all(isinstance(n, str) and n.isidentifier()
                                                                 for n in names) and names[0] != names[1]):
        raise NotPhaseFamily("the family must name exactly two parameters")
    ps = sympy.symbols(names)
    expr = parse_canonical_expr(canon["expr"], tuple(names))
    try:
        poly = sympy.Poly(expr, *ps)
    except sympy.PolynomialError:
        raise NotPhaseFamily("the parameters must enter polynomially and outside max/min/relu/abs "
                             "(breakpoints that move with the parameters are not supported)") from None
    terms = []
    for monom, coeff in poly.terms():
        coeff = sympy.sympify(coeff)
        if coeff.free_symbols - {X}:
            raise NotPhaseFamily("the parameters must enter polynomially and outside max/min/relu/abs "
                                 "(breakpoints that move with the parameters are not supported)")
        tab = Program.from_sympy(coeff).pl()
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
    names = g.context().names()
    syms = sympy.symbols(names)
    expr = sympy.Add(*[sympy.Rational(int(c.p), int(c.q)) * sympy.Mul(*[s ** e for s, e in zip(syms, mono)])
                       for mono, c in zip(g.monoms(), [fmpq(c) for c in g.coeffs()])])
    return sympy.sstr(expr)


def poly_parse(text: str, ctx):
    """The fmpq_mpoly in ctx spelled by a polynomial text (whitelisted tokens only)."""
    names = ctx.names()
    expr = parse_canonical_expr(text, tuple(names))
    poly = sympy.Poly(expr, *sympy.symbols(names))
    if poly.free_symbols - set(sympy.symbols(names)) or not poly.domain.is_QQ and not poly.domain.is_ZZ:
        raise ValueError(f"not a polynomial in {', '.join(names)}: {text!r}")
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


# ----------------------------------------------------------------------------- the claim

def check_phase(cert: dict) -> int:
    """Verify a phase certificate: the family's itinerary conditions, boundary factors and chaos
    conditions are recomputed and compared exactly; the cells tile the rectangle; every cell's
    claimed class is re-proved; the stated areas are the exact sums. Returns the number of facts."""
    from certify.certificates import interval_parse, q_str
    from certify.checker import facts as F

    claim, canon = cert["claim"], cert["map"]["canonical"]
    if int(claim["p"]) != 3:
        raise F.Failure("phase diagrams are for period 3")
    if claim.get("params") != canon.get("params"):
        raise F.Failure("the claim's parameters differ from the family's")
    rng = (interval_parse(claim["range"]["x"]), interval_parse(claim["range"]["y"]))
    if not (rng[0][0] < rng[0][1] and rng[1][0] < rng[1][1]):
        raise F.Failure("empty parameter rectangle")
    grid, depth = int(claim["grid"]), int(claim["depth"])
    if not (1 <= grid <= 1024 and 0 <= depth <= 16):
        raise F.Failure("grid or depth out of range")
    if cert["verdict"] == "undecided":
        return 0
    if cert["verdict"] != "proved":
        raise F.Failure("a phase diagram is proved (cell by cell) or undecided")
    try:
        fam = pl_family2(canon)
    except NotPhaseFamily as e:
        raise F.Failure(f"not a phase family: {e}") from None
    ctx = fam[0]
    facts = {f.get("fact"): f for f in cert.get("evidence", [])}
    if set(facts) != {"itinerary_conditions", "chaos_conditions", "phase_cells"} or len(cert["evidence"]) != 3:
        raise F.Failure("a phase certificate holds itinerary_conditions, chaos_conditions and phase_cells")
    # 1. the itinerary conditions, recomputed from the family and compared exactly
    words = period3_words(fam)
    stated = facts["itinerary_conditions"]["words"]
    if len(stated) != len(words):
        raise F.Failure(f"fact itinerary_conditions: {len(words)} itineraries up to rotation, not {len(stated)}")
    for wd, s in zip(words, stated):
        if list(s["word"]) != list(wd.word) or poly_parse(s["D"], ctx) != wd.D or poly_parse(s["Q"], ctx) != wd.Q \
                or len(s["P"]) != len(wd.conds) or any(poly_parse(t, ctx) != P for t, (_, P) in zip(s["P"], wd.conds)):
            raise F.Failure(f"fact itinerary_conditions: the conditions of itinerary {list(wd.word)} differ from "
                            f"the family's")
    bound = boundary_factors(words)
    got = facts["itinerary_conditions"]["boundary"]
    if len(got) != len(bound) or any(poly_parse(t, ctx) != g for t, g in zip(got, bound)):
        raise F.Failure("fact itinerary_conditions: the boundary polynomials are not the irreducible factors "
                        "of the itinerary conditions")
    # 2. the chaos conditions
    chaos = chaos_conditions(fam)
    stated = facts["chaos_conditions"]["cases"]
    if (chaos is None) != (stated is None) or chaos is not None and (
            len(stated) != 2 or any(len(s) != len(c) or any(poly_parse(t, ctx) != g for t, g in zip(s, c))
                                    for s, c in zip(stated, chaos))):
        raise F.Failure("fact chaos_conditions: the conditions differ from the family's")
    # 3. the cells: a tiling of the rectangle, each claimed class re-proved
    cells = [(int(c[0]), int(c[1]), int(c[2]), str(c[3])) for c in facts["phase_cells"]["cells"]]
    seen = set()
    for level, i, j, cls in cells:
        if not 0 <= level <= depth or cls not in CLASSES:
            raise F.Failure(f"fact phase_cells: bad cell {[level, i, j, cls]}")
        if (level, i, j) in seen:
            raise F.Failure(f"fact phase_cells: cell {[level, i, j]} listed twice")
        seen.add((level, i, j))
    for level, i, j, _ in cells:
        for up in range(1, level + 1):
            if (level - up, i >> up, j >> up) in seen:
                raise F.Failure(f"fact phase_cells: cell {[level, i, j]} overlaps its ancestor")
    if sum(fmpq(1, (grid << level) ** 2) for level, _, _, _ in cells) != 1:
        raise F.Failure("fact phase_cells: the cells do not cover the rectangle")
    decided = 0
    for level, i, j, cls in cells:
        try:
            box = cell_box(rng, grid, level, i, j)
        except ValueError:
            raise F.Failure(f"fact phase_cells: cell {[level, i, j]} outside the grid") from None
        if cls[0] in "PN" and cell_period3(words, box) != cls[0]:
            raise F.Failure(f"fact phase_cells: cell {[level, i, j]} is not proved '{cls[0]}'")
        if cls.endswith("C") and cell_chaos(chaos, box) != "C":
            raise F.Failure(f"fact phase_cells: cell {[level, i, j]} is not proved robustly chaotic")
        decided += cls != "U"
    if not decided:
        raise F.Failure("no cell is decided: the verdict must be undecided")
    want = {k: q_str(v) for k, v in areas(cells, grid).items()}
    if cert.get("areas") != want:
        raise F.Failure("the stated area fractions are not the exact sums of the cells")
    # 4. the boundary factors that meet the undecided cells (the boundary of the period-3 region lies on them)
    near = cert.get("boundary_near")
    if near is not None:
        undecided = [cell_box(rng, grid, level, i, j) for level, i, j, cls in cells if cls[0] == "U"]
        if sorted(set(near)) != near or any(not 0 <= k < len(bound) for k in near):
            raise F.Failure("boundary_near must be sorted indices of boundary polynomials")
        for k, g in enumerate(bound):
            if k not in near and any(box_sign(g, b) == 0 for b in undecided):
                raise F.Failure(f"boundary polynomial {k} may vanish on an undecided cell but is not listed")
    return 3
