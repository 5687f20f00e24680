"""Topological entropy bounds and lap counts on an invariant interval I (kernel).

Upper: h(f|I) <= (1/n) log laps(f^n|I) for every n, since lap numbers are submultiplicative and
h = lim (1/n) log laps(f^n) (Misiurewicz-Szlenk). Lower: if J_1..J_k are intervals with pairwise
disjoint interiors on each of which f^n is monotone and f^n(J_i) contains every J_j, then
h(f|I) >= (1/n) log k (a k-horseshoe of f^n). Graphs of a partition of I into cells on which f is
strictly monotone: h <= log rho(transition graph) and h >= log rho(f-covering graph), rho bounded
by Collatz-Wielandt ratios of a stated vector. Smooth maps: h >= log rho_p from a point of odd
period p in I (Block-Guckenheimer-Misiurewicz-Young), h <= (1/n) log sup|(f^n)'| (Lipschitz).
Hypotheses: f continuous on I (checked by check() on the claim's interval) and f(I) in I (checked
here, exactly for PL maps). See docs/mathematics.md sections 6 and 8.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from flint import arb, ctx, fmpq

from certify.certificates import interval_parse, q_parse, q_str
from certify.checker.facts import pieces_invariant, pl_image
from certify.checker.kneading import check_kneading, check_kneading_cycle, check_monotone
from certify.checker.limits import MAX_PIECES
from certify.checker.markov import check_markov, check_slope
from certify.checker.semantics import PL, ball_of, eval_ball
from certify.checker.statement import Failure, Statement, facts_list, fixed, iv, num, undecided, whole

__all__ = ["entropy", "oscillations", "affine_cells", "laps", "lap_points", "graph_edges", "perron_bound",
           "compose", "rho_odd_below", "rho_odd", "log_rho_text", "describe", "rounded_bound", "odd_period_entry",
           "TRIVIAL", "CellBudget", "MAX_ODD", "MAX_DEPTH", "MAX_GRAPH_CELLS", "MAX_EDGES", "MAX_UPTO", "MAX_CELL_WORK"]

MAX_DEPTH = 256            # n of a laps, horseshoe or graph fact (the certifier's --depth)
MAX_UPTO = 64              # the largest t of an oscillations claim
MAX_CELL_WORK = 1_000_000  # affine cells the exact compositions of one certificate may build (~20 s)
MAX_GRAPH_CELLS = 20_000   # cells of a graph fact's partition (the certifier builds graphs up to this)
MAX_EDGES = 2_000_000      # edges of one graph
MAX_LIPSCHITZ_N = 16
MAX_LIPSCHITZ_CELLS = 4096
MAX_ODD = 99               # an odd period p of an embedded period certificate (so <= 49 refutations)
BITS = 40                  # the stated bounds are the exact ones rounded outward to multiples of 2^-40
TRIVIAL = ("log(1)/1", "h >= 0 always (no lower-bound fact)")


class CellBudget:
    """A budget of affine cells shared by the exact compositions of one certificate."""

    def __init__(self, limit: int):
        self.left, self.limit = limit, limit

    def spend(self, k: int) -> None:
        self.left -= k
        if self.left < 0:
            raise ValueError(f"more than {self.limit:,} affine cells in all")

    def over(self, k: int) -> bool:
        """Whether k more cells would exceed the budget."""
        return k > self.left


def affine_cells(pl: PL, lo: fmpq, hi: fmpq, n: int, max_cells: int = 2_000_000, budget: CellBudget | None = None):
    """Cells (a, b, A, B) tiling [lo, hi] on which f^n(x) = A x + B, by exact composition.

    `pl` may also be a list of n tables f_1, ..., f_n: the cells are then those of f_n o ... o f_1.
    ValueError when one composition has more than `max_cells` cells or the shared `budget` runs out.
    """
    cells = [(lo, hi, fmpq(1), fmpq(0))]
    for f in (pl if isinstance(pl, list) else [pl] * n):
        cells = compose(f, cells, max_cells, budget)
    return cells


def compose(pl: PL, cells, max_cells: int = 2_000_000, budget: CellBudget | None = None):
    """The cells of f o g from the cells (a, b, A, B) of g (g = A x + B on [a, b])."""
    breaks = pl.breaks
    nxt = []
    for a, b, A, B in cells:
        u, v = A * a + B, A * b + B
        ilo, ihi = (u, v) if u <= v else (v, u)
        marks = breaks[bisect_right(breaks, ilo):bisect_left(breaks, ihi)]
        pts = [(t - B) / A for t in marks] if A != 0 else []
        if A < 0:
            pts.reverse()
        ends = [a, *pts, b]
        for x, y in zip(ends, ends[1:]):
            ux, uy = A * x + B, A * y + B
            k = pl.affine_on(min(ux, uy), max(ux, uy))
            s, c = pl.slopes[k], pl.icepts[k]
            nxt.append((x, y, s * A, s * B + c))
        if len(nxt) > max_cells:
            raise ValueError(f"more than {max_cells:,} cells")
        if budget is not None and budget.over(len(nxt)):
            budget.spend(len(nxt))  # raises
    if budget is not None:
        budget.spend(len(nxt))
    return nxt


def laps(cells) -> list:
    """Maximal intervals of monotonicity (a, b, +1 | -1 | 0) from consecutive affine cells."""
    out = []
    for a, b, A, _ in cells:
        sign = (A > 0) - (A < 0)
        if out and (out[-1][2] == sign or sign == 0 or out[-1][2] == 0):
            la, _, ls = out[-1]
            out[-1] = (la, b, ls if ls != 0 else sign)
        else:
            out.append((a, b, sign))
    return out


def lap_points(ls) -> list:
    """The ends of the laps, in increasing order: the partition of I into the laps."""
    return [a for a, _, _ in ls] + [ls[-1][1]]


def image(cells, a, b):
    """f^n([a, b]) as (min, max), for [a, b] a union of whole cells."""
    vals = [A * x + B for x0, x1, A, B in cells if a <= x0 and x1 <= b for x in (x0, x1)]
    return min(vals), max(vals)


def graph_edges(pl: PL, points, cover: bool):
    """Edges i -> j of the interval graph of the cells A_i = [points[i], points[i+1]] under f.

    f must be strictly monotone on every cell (else ValueError). cover=False: f(A_i) and A_j overlap in
    more than a point (the transition graph, for upper bounds); cover=True: f(A_i) contains A_j (the
    f-covering graph, for lower bounds). Exact rational arithmetic on the PL table. ValueError beyond
    MAX_EDGES edges.
    """
    edges = []
    m = len(points) - 1
    for i in range(m):
        a, b = points[i], points[i + 1]
        signs = {(A > 0) - (A < 0) for _, _, A, _ in affine_cells(pl, a, b, 1)}
        if len(signs) != 1 or 0 in signs:
            raise ValueError(f"f is not strictly monotone on cell {i}")
        ya, yb = pl(a), pl(b)
        u, w = min(ya, yb), max(ya, yb)
        for j in range(max(bisect_right(points, u) - 1, 0), min(bisect_left(points, w), m)):
            lo, hi = points[j], points[j + 1]
            if (u <= lo and hi <= w) if cover else (max(lo, u) < min(hi, w)):
                edges.append((i, j))
        if len(edges) > MAX_EDGES:
            raise ValueError(f"more than {MAX_EDGES:,} edges")
    return edges


def perron_bound(edges, v, upper: bool):
    """Collatz-Wielandt: max_i (Tv)_i / v_i (upper; v > 0) or min over v_i > 0 (lower; v >= 0, v != 0),
    an exact rational bound on the spectral radius of the 0-1 matrix T with the given edges."""
    if upper and any(x <= 0 for x in v) or not upper and (any(x < 0 for x in v) or not any(v)):
        raise ValueError("the vector must be positive (upper) or non-negative and non-zero (lower)")
    tv = [0] * len(v)
    for i, j in edges:
        tv[i] += v[j]
    ratios = [fmpq(t, x) for t, x in zip(tv, v) if x > 0]
    return max(ratios) if upper else min(ratios)


def rho_odd_below(p: int, a) -> bool:
    """a < rho_p, the largest root of z^p - 2 z^(p-2) - 1 (its only positive root; g < 0 on (0, rho_p))."""
    return a > 0 and a ** p - 2 * a ** (p - 2) - 1 < 0


def rho_odd(p: int, bits: int = 40) -> fmpq:
    """A rational a < rho_p (largest root of z^p - 2 z^(p-2) - 1), within 2^-bits, by exact bisection."""
    lo, hi = fmpq(1), fmpq(2)
    while hi - lo > fmpq(1, 1 << bits):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if rho_odd_below(p, mid) else (lo, mid)
    return lo


def log_rho_text(p: int) -> str:
    """log rho_p rounded down to 6 decimals (a lower bound: from a < rho_p, a by exact bisection)."""
    with ctx.workprec(128):
        low = arb(rho_odd(p)).log().lower().fmpq()
    return fixed(low, 6, up=False)


# ----------------------------------------------------------------------------- entropy

def describe(fact: dict):
    """(side, exact form, method, (q, n)) that a fact of this shape states: the bound log(q)/n on
    h(f|I), a lower or an upper one. Syntax only: `entropy` verifies the fact; the certifier uses this
    to write the bounds entry the kernel expects."""
    kind = fact["fact"]
    if kind == "laps":
        n, c = fact["n"], fact["count"]
        return "upper", f"log({c})/{n}", f"f^{n} has {c} laps on I: h <= log(laps(f^n))/n (Misiurewicz-Szlenk)", \
            (fmpq(c), n)
    if kind == "horseshoe":
        n, k = fact["n"], len(fact["intervals"])
        return "lower", f"log({k})/{n}", f"a {k}-horseshoe of f^{n} in I: h >= log(k)/n", (fmpq(k), n)
    if kind in ("graph_upper", "graph_lower"):
        mu, n, m = q_parse(fact["mu"]), fact["n"], len(fact["points"]) - 1
        if kind == "graph_upper":
            return "upper", f"log({q_str(mu)})", (f"transition graph of the {m} laps of f^{n} under f: "
                                                  "h <= log rho <= log mu (Collatz-Wielandt)"), (mu, 1)
        return "lower", f"log({q_str(mu)})", (f"f-covering graph of the {m} laps of f^{n}: h >= log rho >= log mu "
                                              "(Collatz-Wielandt)"), (mu, 1)
    if kind == "odd_period":
        a, p = q_parse(fact["rho_lower"]), fact["p"]
        return "lower", f"log({q_str(a)})", (f"a point of minimal period {p} in I (embedded period certificate): "
                                             f"h >= log rho_{p} > log(rho_lower) (Block-Guckenheimer-Misiurewicz-"
                                             "Young)"), (a, 1)
    if kind == "markov":
        a, b = interval_parse(fact["rho"])
        m, k = len(fact["points"]) - 1, fact["k"]
        form = f"log({q_str(a)})" if a == b else f"log(rho), rho the largest root of {fact['minpoly']}"
        on = "J = I" if k == 0 else (f"J = [{num(q_parse(fact['points'][0]))}, {num(q_parse(fact['points'][-1]), up=True)}] "
                                         f"(f^{k}(I) ⊆ J, so h(f|I) = h(f|J))")
        return "exact", form, (f"Markov partition of {on} into {m} cells (f strictly monotone on each, f(points) ⊆ "
                               "points): h = log rho(M), M the 0-1 transition matrix, rho its largest real eigenvalue "
                               "(Perron-Frobenius; transition and covering graphs coincide)"), ((a, 1), (b, 1))
    if kind == "slope":
        s = q_parse(fact["s"])
        t = max(s, fmpq(1))
        return "exact", f"log({q_str(t)})", (f"|f'| = {q_str(s)} on every piece of f on I: h <= log max(1, s) (Lipschitz), "
                                            "laps(f^n) >= Var(f^n|I)/|I| = s^n (Misiurewicz-Szlenk)"), ((t, 1), (t, 1))
    if kind == "monotone":
        return "exact", "log(1)", ("f is strictly monotone on I (no turning point): laps(f^n|I) = 1 for every n, "
                              "so h = 0 (Misiurewicz-Szlenk)"), ((fmpq(1), 1), (fmpq(1), 1))
    if kind == "kneading_cycle":
        traps = "; ".join(f"{t['k']} steps then period {t['p']}" for t in fact["traps"])
        why = (f"the turning orbits' lap sequences are eventually periodic (the orbits need not be; {traps}; "
               "each trap J has f^p(J) ⊆ J, its images "
               "inside laps), so the kneading determinant D is rational and computed exactly")
        if fact["s"] is None:
            return "exact", "log(1)", f"{why}: D has no zero in [0, 1), so h = 0 (Milnor-Thurston)", \
                ((fmpq(1), 1), (fmpq(1), 1))
        a, b = interval_parse(fact["s"])
        form = f"-log({q_str(a)})" if a == b else f"-log(s), s the least root in (0, 1) of {fact['minpoly']}"
        return "exact", form, f"{why}: s = exp(-h) is its least zero in (0, 1) (Milnor-Thurston)", \
            ((1 / b, 1), (1 / a, 1))
    if kind == "kneading":
        a, K = q_parse(fact["s_lo"]), fact["K"]
        if fact["s_hi"] is None:
            return "upper", f"-log({q_str(a)})", (f"kneading determinant D of the turning orbits (K = {K} terms and "
                                                 "a tail bound): D != 0 on [0, s_lo], so h < -log(s_lo) "
                                                 "(Milnor-Thurston)"), (1 / a, 1)
        b = q_parse(fact["s_hi"])
        return "exact", f"-log(s) (s in [{q_str(a)}, {q_str(b)}])", (
            f"s = exp(-h) is the least zero in (0, 1) of the kneading determinant D of the turning orbits (Milnor-"
            f"Thurston); D from K = {K} terms and a tail bound: D != 0 on [0, s_lo], D changes sign on [s_lo, s_hi]"), \
            ((1 / b, 1), (1 / a, 1))
    if kind == "lipschitz":
        s, n = q_parse(fact["s"]), fact["n"]
        return "upper", f"log({q_str(s)})/{n}", (f"|(f^{n})'| <= {q_str(s)} on I: h <= (1/n) log sup|(f^n)'| "
                                                 "(Lipschitz bound)"), (s, n)
    raise Failure(f"unknown fact kind {kind!r}")


def rounded_bound(value, up: bool) -> fmpq:
    """The stated bound for log(q)/n, value = (q, n): its 128-bit ball rounded outward to a multiple of
    2^-40 (a lower bound is at least 0, since h >= 0 always)."""
    q, n = value
    with ctx.workprec(128):
        b = arb(q).log() / n
        end = (b.upper() if up else b.lower()).fmpq()
    k = (end * (1 << BITS)).floor()
    if up and fmpq(k, 1 << BITS) < end:
        k += 1
    out = fmpq(k, 1 << BITS)
    return out if up else max(out, fmpq(0))


def _keys(fact: dict, *keys) -> None:
    if set(fact) != {"fact", *keys}:
        raise Failure(f"a {fact['fact']} fact has the keys {sorted(keys)}, got {sorted(set(fact) - {'fact'})}")


def _points(fact: dict, lo, hi) -> list:
    pts = fact["points"]
    if not isinstance(pts, list) or not 2 <= len(pts) <= MAX_GRAPH_CELLS + 1:
        raise Failure(f"between 2 and {MAX_GRAPH_CELLS + 1} points")
    pts = [q_parse(t) for t in pts]
    if pts[0] != lo or pts[-1] != hi or any(x >= y for x, y in zip(pts, pts[1:])):
        raise Failure("the points must increase from lo to hi of I")
    return pts


def _laps_of(pl, lo, hi, n, cells: CellBudget):
    try:
        return laps(affine_cells(pl, lo, hi, n, budget=cells))
    except ValueError as e:
        raise Failure(f"f^{n} on I: {e} (beyond the kernel's work limit)") from None


def _graph(pl, lo, hi, fact, cells: CellBudget) -> fmpq:
    """A graph fact: the points are the lap ends of f^n on I, and mu is the Collatz-Wielandt ratio."""
    _keys(fact, "n", "points", "v", "mu")
    upper = fact["fact"] == "graph_upper"
    n = whole(fact["n"], "n", 1, MAX_DEPTH)
    pts = _points(fact, lo, hi)
    if lap_points(_laps_of(pl, lo, hi, n, cells)) != pts:
        raise Failure(f"the points are not the ends of the laps of f^{n} on I")
    v = fact["v"]
    if not isinstance(v, list) or len(v) != len(pts) - 1:
        raise Failure("one vector entry per cell")
    for x in v:
        whole(x, "a vector entry", -(1 << 256), 1 << 256)
    try:
        mu = perron_bound(graph_edges(pl, pts, cover=not upper), v, upper)
    except ValueError as e:
        raise Failure(str(e)) from None
    if mu != q_parse(fact["mu"]):
        raise Failure(f"the Collatz-Wielandt ratio is {q_str(mu)}, not {fact['mu']}")
    if not upper and mu <= 0:
        raise Failure("a lower bound log(mu) needs mu > 0")
    return mu


def _horseshoe(pl, lo, hi, fact, cells: CellBudget) -> None:
    """A k-horseshoe of f^n inside I: disjoint interiors, f^n strictly monotone on each interval, each
    image covering the hull of all of them."""
    _keys(fact, "n", "intervals")
    m = whole(fact["n"], "n", 1, MAX_DEPTH)
    raw = fact["intervals"]
    if not isinstance(raw, list) or not 2 <= len(raw) <= MAX_GRAPH_CELLS:
        raise Failure(f"between 2 and {MAX_GRAPH_CELLS} intervals")
    js = [interval_parse(j) for j in raw]
    if js != sorted(js) or any(not (a < b) for a, b in js) or any(js[i][1] > js[i + 1][0] for i in range(len(js) - 1)):
        raise Failure("the intervals must be non-empty, increasing, with disjoint interiors")
    if js[0][0] < lo or js[-1][1] > hi:
        raise Failure("an interval leaves I")
    u, v = js[0][0], js[-1][1]
    for a, b in js:
        try:
            sub = affine_cells(pl, a, b, m, budget=cells)
        except ValueError as e:
            raise Failure(f"{e} (beyond the kernel's work limit)") from None
        signs = {(A > 0) - (A < 0) for _, _, A, _ in sub}
        if len(signs) != 1 or 0 in signs:
            raise Failure(f"f^{m} is not strictly monotone on an interval")
        ya, yb = sub[0][2] * a + sub[0][3], sub[-1][2] * b + sub[-1][3]
        if not (min(ya, yb) <= u and max(ya, yb) >= v):
            raise Failure("an interval's image does not cover all of them")


def _lipschitz(prog, lo, hi, fact) -> None:
    """|(f^n)'| <= s certainly on every listed cell tiling I (ball chain rule)."""
    _keys(fact, "n", "s", "cells")
    n = whole(fact["n"], "n", 1, MAX_LIPSCHITZ_N)
    s = q_parse(fact["s"])
    raw = fact["cells"]
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_LIPSCHITZ_CELLS:
        raise Failure(f"between 1 and {MAX_LIPSCHITZ_CELLS} cells")
    cells = [interval_parse(c) for c in raw]
    if s < 1 or cells[0][0] != lo or cells[-1][1] != hi or any(
            cells[k][1] != cells[k + 1][0] for k in range(len(cells) - 1)):
        raise Failure("the cells must tile I and s >= 1")
    for a, b in cells:
        X, D = ball_of(a, b), arb(1)
        for _ in range(n):
            X, d = eval_ball(prog, X, deriv=True)
            D = D * d
        if not abs(D) <= arb(s):
            raise Failure(f"|(f^{n})'| <= {fact['s']} is not proved on [{q_str(a)}, {q_str(b)}]")


def _embedded(cert: dict, sub, kind: str, verdict: str, what: str):
    """An embedded certificate of this kind and verdict about the same canonical map passes the whole
    kernel check; returns its CheckResult."""
    from certify.checker import check

    if not isinstance(sub, dict) or not isinstance(sub.get("claim"), dict) or sub["claim"].get("kind") != kind:
        raise Failure(f"the embedded certificate must be a {kind} certificate")
    if not isinstance(sub.get("map"), dict) or sub["map"].get("canonical") != cert["map"]["canonical"]:
        raise Failure(f"the embedded {what} certificate is about another map")
    if sub.get("verdict") != verdict:
        raise Failure(f"the embedded {what} certificate must be {verdict}")
    res = check(sub)
    if not res.ok:
        raise Failure(f"embedded {what} certificate: {res.message}")
    return res


def _odd_p(fact: dict) -> int:
    p = whole(fact["p"], "p", 3, MAX_ODD)
    if p % 2 == 0:
        raise Failure("p must be odd")
    sub = fact["certificate"]
    if not isinstance(sub, dict) or not isinstance(sub.get("claim"), dict) or sub["claim"].get("p") != p:
        raise Failure(f"the embedded certificate must be about period {p}")
    return p


def _interval(cert: dict):
    """(lo, hi, text) of the claim's interval I; (None, None, text) when it is null (no invariant interval
    was found), which only an undecided certificate may say."""
    if cert["claim"]["interval"] is None:
        if cert["verdict"] != "undecided":
            raise Failure("a proved claim is about an interval I (claim.interval)")
        return None, None, "any interval (none was found invariant)"
    lo, hi = interval_parse(cert["claim"]["interval"])
    return lo, hi, f"I = [{num(lo)}, {num(hi, up=True)}]"


def _invariant(prog, cert: dict, lo, hi):
    """f(I) in I: exactly for PL maps (no `pieces`), else by ball images of the claim's `pieces` equal
    parts (smooth maps, lo < hi). Returns the PL table or None."""
    if prog.has_param():
        raise Failure("a family with a free parameter is not a map: give the parameter a value")
    pl = prog.pl()
    pieces = cert["claim"].get("pieces")
    if pl is not None:
        if pieces is not None:
            raise Failure("f(I) in I is proved exactly for a piecewise-linear map: the claim has no pieces")
        img = pl_image(pl, lo, hi)
        if not (lo <= img[0] and img[1] <= hi):
            raise Failure("f(I) is not inside I")
        return pl
    if pieces is None and prog.is_polynomial() and any(f.get("fact") == "markov" for f in facts_list(cert)):
        return None  # f(I) in I exactly, from the Markov partition of I (checked with the fact)
    whole(pieces, "the claim's pieces", 1, MAX_PIECES)
    if not (lo < hi and pieces_invariant(prog, lo, hi, pieces)):
        raise Failure("f(I) inside I is not proved (ball images of the claim's pieces)")
    return None


def entropy(prog, cert: dict) -> Statement:
    """Bounds lo <= h_top(f|I) <= hi on the topological entropy of f restricted to an interval I.

    Theorems (docs/mathematics.md §6), each for f continuous on I with f(I) in I: Misiurewicz-Szlenk
    (laps: h <= (1/n) log laps(f^n|I) for every n; f piecewise monotone, as PL maps are);
    k-horseshoes of f^n give h >= (1/n) log k; the transition / f-covering graphs of a partition into
    cells of strict monotonicity of f give log rho bounds, rho bounded by Collatz-Wielandt ratios;
    Block-Guckenheimer-Misiurewicz-Young (a point of odd period p >= 3 in I: h >= log rho_p);
    h <= (1/n) log sup_I |(f^n)'| (Lipschitz). Checked: continuity on I (check()), f(I) in I (exactly
    for PL maps, else by ball images of the claim's pieces), every fact (graph partitions are the
    laps of f^n, recomputed), the embedded period certificate (domain I, re-checked in full), and the
    bounds entry equal to the kernel's: lo and hi the exact forms of a lower and an upper fact rounded
    outward to multiples of 2^-40, with the kernel's method texts. Verdicts: proved or undecided.
    Work bounded before it is done: n <= 256, cells, edges, pieces, periods, Lipschitz cells.
    """
    whole(cert["claim"]["p"], "the claim's p (unused by entropy)", 0, 0)
    lo, hi, I = _interval(cert)
    if cert["verdict"] == "undecided":
        return undecided(cert, ("bounds",), f"the topological entropy of f on {I}")
    if cert["verdict"] != "proved":
        raise Failure("entropy bounds are proved or undecided; 'refuted' states nothing")
    if not isinstance(cert.get("note", ""), str):
        raise Failure("note must be a string")
    pl = _invariant(prog, cert, lo, hi)
    evidence = facts_list(cert)
    if sum(f["fact"] in ("kneading", "kneading_cycle", "monotone") for f in evidence) > 1:
        raise Failure("at most one kneading, kneading_cycle or monotone fact (each is checked at full cost, "
                      "outside the cell budget)")
    kinds = [f["fact"] for f in evidence]
    if len(set(kinds)) != len(kinds):  # markov, lipschitz, odd_period, slope are checked outside the cell budget too
        raise Failure("at most one fact of each kind (a repeated fact would be checked again at full cost)")
    cells = CellBudget(MAX_CELL_WORK)
    exact, markov_I = {}, False
    sides = {"lower": {TRIVIAL[0]: (TRIVIAL[1], (fmpq(1), 1))}, "upper": {}}
    with ctx.workprec(max(ctx.prec, 128)):
        for i, fact in enumerate(evidence):
            kind = fact["fact"]
            try:
                if kind in ("laps", "horseshoe", "graph_upper", "graph_lower") and pl is None:
                    raise Failure("checked for piecewise-linear maps only")
                if kind == "laps":
                    _keys(fact, "n", "count")
                    n = whole(fact["n"], "n", 1, MAX_DEPTH)
                    count = len(_laps_of(pl, lo, hi, n, cells))
                    if fact["count"] != count:
                        raise Failure(f"f^{n} has {count} laps on I, not {fact['count']}")
                elif kind == "horseshoe":
                    _horseshoe(pl, lo, hi, fact, cells)
                elif kind in ("graph_upper", "graph_lower"):
                    _graph(pl, lo, hi, fact, cells)
                elif kind == "odd_period":
                    _keys(fact, "p", "rho_lower", "certificate")
                    p = _odd_p(fact)
                    sub = fact["certificate"]
                    dom = sub["claim"].get("domain")
                    if dom is None or interval_parse(dom) != (lo, hi):
                        raise Failure("the period certificate must be about the domain I")
                    _embedded(cert, sub, "period", "proved", f"period-{p}")
                    if not rho_odd_below(p, q_parse(fact["rho_lower"])):
                        raise Failure(f"{fact['rho_lower']} is not below rho_{p}")
                elif kind == "lipschitz":
                    _lipschitz(prog, lo, hi, fact)
                elif kind == "markov":
                    _keys(fact, "k", "points", "minpoly", "rho")
                    _, J = check_markov(prog, pl, lo, hi, fact, MAX_DEPTH)
                    markov_I = markov_I or J == (lo, hi)
                elif kind == "monotone":
                    _keys(fact)
                    check_monotone(prog, pl, lo, hi)
                elif kind == "kneading_cycle":
                    _keys(fact, "prec", "traps", "s", "minpoly", *(("turns",) if "turns" in fact else ()))
                    check_kneading_cycle(prog, pl, lo, hi, fact)
                elif kind == "kneading":
                    _keys(fact, "K", "prec", "s_lo", "s_hi", *(("turns",) if "turns" in fact else ()))
                    check_kneading(prog, pl, lo, hi, fact)
                elif kind == "slope":
                    _keys(fact, "s")
                    if pl is None:
                        raise Failure("checked for piecewise-linear maps only")
                    check_slope(pl, lo, hi, fact)
                else:
                    raise Failure("unknown fact kind")
            except Failure as e:
                raise Failure(f"fact {i} ({kind}): {e}") from None
            side, form, method, value = describe(fact)
            if side == "exact":
                sides["lower"][form], sides["upper"][form] = (method, value[0]), (method, value[1])
                exact[form] = method
            else:
                sides[side][form] = (method, value)
    if pl is None and cert["claim"].get("pieces") is None and not markov_I:
        raise Failure("f(I) in I is proved by the claim's pieces (ball images) or by a Markov partition of I")
    if not sides["upper"]:
        raise Failure("an entropy certificate needs an upper-bound fact (laps, graph_upper, lipschitz, markov, slope or kneading)")
    b = cert.get("bounds")
    if not isinstance(b, dict) or b.get("lo_exact") not in sides["lower"] or b.get("hi_exact") not in sides["upper"]:
        raise Failure("bounds.lo_exact and bounds.hi_exact must be the exact forms of a verified lower and upper fact")
    (lo_m, lo_v), (hi_m, hi_v) = sides["lower"][b["lo_exact"]], sides["upper"][b["hi_exact"]]
    L, U = rounded_bound(lo_v, up=False), rounded_bound(hi_v, up=True)
    want = {"lo": q_str(L), "hi": q_str(U), "lo_exact": b["lo_exact"], "hi_exact": b["hi_exact"],
            "lo_method": lo_m, "hi_method": hi_m}
    if b != want:
        raise Failure("the bounds entry must be the kernel's: lo and hi the exact forms rounded outward to "
                      "multiples of 2^-40, and the kernel's method texts")
    if L > U:
        raise Failure("the lower bound exceeds the upper bound: the facts contradict each other")
    if b["lo_exact"] == b["hi_exact"] and b["lo_exact"] in exact:
        lines = [f"h_top(f|I) = {b['lo_exact']} {iv({'lo': want['lo'], 'hi': want['hi']})}, {I} (f continuous on I, "
                 "f(I) ⊆ I)", f"exact {b['lo_exact']}: {lo_m}"]
        return Statement("\n".join(lines), len(evidence))
    lines = [f"h_top(f|I) {iv({'lo': want['lo'], 'hi': want['hi']})}, {I} (f continuous on I, f(I) ⊆ I)",
             f"lower {b['lo_exact']}: {lo_m}", f"upper {b['hi_exact']}: {hi_m}"]
    return Statement("\n".join(lines), len(evidence))


# ----------------------------------------------------------------------------- oscillations

def odd_period_entry(p, refuted: list) -> dict:
    """The `odd_period` entry of an oscillations certificate: the least odd period p >= 3 proved in I
    (None if none), the odd periods refuted before it (3, 5, ... in order), log rho_p rounded down."""
    return {"p": p, "refuted_before": list(refuted), "log_rho": None if p is None else log_rho_text(p)}


def _odd_in_I(sub: dict, lo, hi) -> str:
    """Where the embedded proved period certificate puts its point: the domain I, or an orbit inside I."""
    dom = sub["claim"].get("domain")
    if dom is not None:
        if interval_parse(dom) != (lo, hi):
            raise Failure("the period certificate's domain is not I")
        return "in I (embedded period certificate on the domain I)"
    orbit = sub.get("orbit")
    if not isinstance(orbit, list) or not orbit or not all(
            lo <= a and b <= hi for a, b in (interval_parse(x) for x in orbit)):
        raise Failure("the proved orbit is not shown to lie in I (give the period certificate the domain I)")
    return "in I (embedded period certificate; its orbit lies in I)"


def oscillations(prog, cert: dict) -> Statement:
    """The exact lap counts of f^t on an invariant interval I for t = 1..T, with the least odd period
    of f in I and the entropy bounds when their certificates are embedded.

    Theorems: lap counts are exact (composition of exact affine pieces). For f continuous and piecewise
    monotone on I with f(I) in I, laps are submultiplicative and h_top(f|I) = lim (1/t) log laps(f^t)
    = inf_t (1/t) log laps(f^t) (Misiurewicz-Szlenk, Fekete), so laps(f^t) >= exp(t h_top) for every
    t; a point of odd period p >= 3 in I gives h_top(f|I) >= log rho_p (Block-Guckenheimer-
    Misiurewicz-Young), hence laps(f^t) >= rho_p^t. Checked: f piecewise linear, continuous on I
    (check()), f(I) in I exactly; one laps fact for each t = 1..T in order; the odd-period
    certificate proved for the same map with its point in I (domain I, or its orbit inside I), the
    refutations of the odd periods before it on R or on I, each embedded certificate re-checked in
    full; the odd_period entry equal to the kernel's. Verdicts: proved or undecided. `growth` (a
    fitted rate) is an estimate, informational. Work bounded: T <= 64, cells of f^T.
    """
    claim = cert["claim"]
    whole(claim["p"], "the claim's p (unused by oscillations)", 0, 0)
    T = whole(claim["upto"], "upto", 1, MAX_UPTO)
    lo, hi, I = _interval(cert)
    g = cert.get("growth")
    if g is not None and not (isinstance(g, dict) and g.get("status") == "estimate"):
        raise Failure("growth is a fitted rate and must say status: estimate")
    if not isinstance(cert.get("note", ""), str):
        raise Failure("note must be a string")
    if cert["verdict"] == "undecided":
        return undecided(cert, ("odd_period",), f"the laps of f^t on {I}")
    if cert["verdict"] != "proved":
        raise Failure("lap counts are proved or undecided; 'refuted' states nothing")
    if prog.has_param():
        raise Failure("a family with a free parameter is not a map: give the parameter a value")
    pl = prog.pl()
    if pl is None:
        raise Failure("lap counts are certified for piecewise-linear maps")
    img = pl_image(pl, lo, hi)
    if not (lo <= img[0] and img[1] <= hi):
        raise Failure("f(I) is not inside I")
    evidence = facts_list(cert)
    if [f["fact"] for f in evidence[:T]] != ["laps"] * T:
        raise Failure(f"the first {T} facts are laps facts for t = 1..{T}, in order")
    counts, cells = [], [(lo, hi, fmpq(1), fmpq(0))]
    budget = CellBudget(MAX_CELL_WORK)
    for t, fact in enumerate(evidence[:T], 1):
        try:
            _keys(fact, "n", "count")
            if fact["n"] != t or isinstance(fact["n"], bool):
                raise Failure(f"expected the laps of f^{t}")
            try:
                cells = compose(pl, cells, budget=budget)
            except ValueError as e:
                raise Failure(f"{e} (beyond the kernel's work limit)") from None
            count = len(laps(cells))
            if fact["count"] != count or isinstance(fact["count"], bool):
                raise Failure(f"f^{t} has {count} laps on I, not {fact['count']}")
        except Failure as e:
            raise Failure(f"fact {t - 1} (laps): {e}") from None
        counts.append(count)
    odd, refuted, ent = None, [], None
    for i, fact in enumerate(evidence[T:], T):
        kind = fact["fact"]
        try:
            if kind == "odd_period":
                _keys(fact, "p", "certificate")
                if odd is not None:
                    raise Failure("a second odd_period fact")
                p = _odd_p(fact)
                where = _odd_in_I(fact["certificate"], lo, hi)
                _embedded(cert, fact["certificate"], "period", "proved", f"period-{p}")
                odd = (p, where)
            elif kind == "no_odd_period":
                _keys(fact, "p", "certificate")
                p = _odd_p(fact)
                dom = fact["certificate"]["claim"].get("domain")
                if dom is not None and interval_parse(dom) != (lo, hi):
                    raise Failure("the refutation is on R or on I")
                _embedded(cert, fact["certificate"], "period", "refuted", f"period-{p}")
                refuted.append(p)
            elif kind == "entropy":
                _keys(fact, "certificate")
                if ent is not None:
                    raise Failure("a second entropy fact")
                sub = fact["certificate"]
                if not isinstance(sub, dict) or not isinstance(sub.get("claim"), dict) or \
                        sub["claim"].get("interval") is None or interval_parse(sub["claim"]["interval"]) != (lo, hi):
                    raise Failure("the embedded entropy certificate is not about I")
                ent = _embedded(cert, sub, "entropy", "proved", "entropy")
            else:
                raise Failure("unknown fact kind")
        except Failure as e:
            raise Failure(f"fact {i} ({kind}): {e}") from None
    least = odd[0] if odd else None
    if refuted != list(range(3, 2 * len(refuted) + 3, 2)) or (least is not None and refuted != list(range(3, least, 2))):
        raise Failure("the refuted odd periods are 3, 5, ... in order, each before the proved one")
    if cert.get("odd_period") != odd_period_entry(least, refuted):
        raise Failure("the odd_period entry is not the kernel's (p, refuted_before, log_rho)")
    lines = [f"on {I} (f continuous on I, f(I) ⊆ I), f^t has exactly {', '.join(map(str, counts))} laps (maximal "
             f"intervals of monotonicity) for t = 1..{T}"]
    none_before = (f"; f has no point of minimal period {', '.join(map(str, refuted))} in I (embedded refutations)"
                   if refuted else "")
    if odd:
        p = odd[0]
        lines.append(f"f has a point of minimal period {p} {odd[1]}{none_before}: {p} is the least odd period >= 3 "
                     f"of f on I, hence h_top(f|I) >= log rho_{p} >= {log_rho_text(p)}, rho_{p} the largest root of "
                     f"z^{p} - 2z^{p - 2} - 1 (Block-Guckenheimer-Misiurewicz-Young), and laps(f^t) >= rho_{p}^t for "
                     "every t >= 1 (laps are submultiplicative: (1/t) log laps(f^t) >= h_top, Misiurewicz-Szlenk)")
    elif refuted:
        lines.append(none_before[2:])
    if ent is not None:
        lines.append(ent.statement.splitlines()[0] + " (embedded entropy certificate)")
    return Statement("\n".join(lines), len(evidence))
