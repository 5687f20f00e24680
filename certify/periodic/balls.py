"""Ball-arithmetic certification of periodic orbits of smooth (or piecewise-smooth) maps.

- `certify_cycle`: a float cycle -> boxes on which the kernel's cyclic Krawczyk test passes.
- `ball_cover`: subdivide a region holding every periodic point into cells that are excluded
  (the orbit leaves the region or misses the cell; or the Krawczyk image misses the cell) or hold
  exactly one solution of f^p(x) = x whose minimal period is decided. Cells that no test decides
  down to the precision's resolution are reported as stuck (the verdict is then undecided).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import frexp

from flint import arb, fmpq

from certify.arith import Budget, dyadic, to_fmpq, workprec
from certify.certificates import q_str
from certify.checker import facts as K
from certify.checker.algebraic import fact_algebraic_root_cell
from certify.checker.statement import Failure
from certify.checker.semantics import NotExact, Program, eval_ball
from certify.checker.taylor import MAX_ORDER, NoSeries, exact_value, isolated_root, iterate_exact
from certify.limits import checkpoint


CELL_BUDGET = "cell budget exhausted"  # the `why` of a cell left stuck because budget.max_cells ran out
_SPLIT = fmpq(1173, 2048)  # ~0.5728
_SPLITS = (_SPLIT, fmpq(875, 2048), fmpq(1429, 2048), fmpq(619, 2048))


@dataclass
class BallCover:
    prec: int
    region: tuple = ()                           # the interval the cells tile
    rows: list = field(default_factory=list)     # [lo, hi, tag, (q, tight box)]
    roots: list = field(default_factory=list)    # tight boxes of minimal period p
    stuck: list = field(default_factory=list)    # (lo, hi, why)
    cells: int = 0


def _disjoint(boxes) -> bool:
    order = sorted(boxes)
    return all(a[1] < b[0] for a, b in zip(order, order[1:]))


def _hull_boxes(Ks):
    return [(k.lower().fmpq(), k.upper().fmpq()) for k in Ks]


def tighten_cycle(prog: Program, boxes, rounds: int = 12):
    """Shrink verified cycle boxes to the hull of their Krawczyk image while the test still passes."""
    for _ in range(rounds):
        Kb = K.krawczyk_cycle_operator(prog, boxes)
        if not K.inside(Kb, boxes):
            break
        new = _hull_boxes(Kb)
        if not K.krawczyk_cycle(prog, new):
            break
        shrink = max(b[1] - b[0] for b in new) / max(b[1] - b[0] for b in boxes)
        boxes = new
        if shrink > fmpq(1, 2):
            break
    return boxes


def snap(x: float) -> fmpq:
    """A float candidate rounded to a multiple of 2^-32 (relative to its binade): floats may differ
    in their last bits between machines (libm, BLAS summation order), the snapped start of a proof
    does not, so neither do the certificate's bytes (barring a candidate within a few ulps of a
    grid point)."""
    e = max(frexp(x)[1], 0) if x != 0 else 0
    return dyadic(to_fmpq(x), 32 - e, up=False) if abs(x) < 2 ** 60 else to_fmpq(x)


def certify_cycle(prog: Program, cycle, budget: Budget):
    """Float cycle -> (boxes, precision) proved by the cyclic Krawczyk test, or None."""
    centres = [snap(x) for x in cycle]
    for prec in budget.precisions():
        with workprec(prec):
            for rel in (1e-9, 1e-6, 1e-4, 1e-2):
                boxes = []
                for c in centres:
                    r = dyadic(to_fmpq(rel * (1 + abs(float(c)))), 60, up=True)
                    boxes.append((c - r, c + r))
                if not _disjoint(boxes):
                    continue
                if K.krawczyk_cycle(prog, boxes):
                    return tighten_cycle(prog, boxes), prec
    return None


def li_yorke_witness(prog: Program, boxes):
    """A rational a near the period-3 orbit with f^3(a) <= a < f(a) < f^2(a) (or reversed)."""
    # boxes are in orbit order, leftmost first: 0 -> 1 -> 2. If box 1 < box 2 the orbit goes
    # up from the leftmost point (witness there); otherwise it goes down from the rightmost.
    up = boxes[1][1] < boxes[2][0]
    lo, hi = boxes[0] if up else boxes[1]
    for a in (lo, hi, (lo + hi) / 2):
        try:
            K.fact_li_yorke(prog, {"a": f"{a.p}/{a.q}"})
            return a
        except K.Failure:
            continue
    return None


def _classify(prog: Program, T, p: int):
    """Minimal period of the unique solution of f^p(x) = x in T, or None if undecided."""
    for d in K.divisors(p)[:-1]:
        if K.disjoint_image(prog, *T, d):
            continue
        if K.unique_root(prog, *T, d):
            if all(K.disjoint_image(prog, *T, e) for e in K.divisors(d)[:-1]):
                return d
        return None
    return p


def newton_point(prog: Program, c: fmpq, q: int, prec: int, iters: int = 40) -> fmpq:
    """Untrusted Newton polish of a solution of f^q(x) = x at the working precision."""
    for _ in range(iters):
        y, d = arb(c), arb(1)
        for _ in range(q):
            y, dy = eval_ball(prog, y, deriv=True)
            d = d * dy
        g, dg = (y - arb(c)).mid(), (d - 1).mid()
        if not (g.is_finite() and dg.is_finite()) or dg == 0:
            return c
        step = (g / dg).mid().fmpq()
        c = c - step
        if abs(step) <= (abs(c) + 1) * fmpq(1, 2 ** (prec - 8)):
            break
    return c


def root_box_near(prog: Program, c: fmpq, q: int, prec: int, within=None):
    """A small box around a Newton-polished c holding exactly one solution of f^q(x) = x, or None.

    Boxes of growing radius are tried until the kernel's uniqueness test passes; `within`
    (lo, hi) clips the box and caps its size at half of that interval.
    """
    c = newton_point(prog, c, q, prec)
    if within is not None and not within[0] < c < within[1]:
        return None
    scale = abs(c) + fmpq(1, 2 ** 20)
    for bits in (prec - 16, (3 * prec) // 4, prec // 2, prec // 4):
        r = scale * fmpq(1, 2 ** max(bits, 1))
        box = (dyadic(c - r, prec + 24, up=False), dyadic(c + r, prec + 24, up=True))
        if within is not None:
            box = (max(box[0], within[0]), min(box[1], within[1]))
            if box[1] - box[0] >= (within[1] - within[0]) / 2:
                return None
        if K.unique_root(prog, *box, q):
            return box
    return None


def tight_root_box(prog: Program, lo, hi, q: int, prec: int):
    """A small box inside [lo, hi] around its unique solution of f^q(x) = x ([lo, hi] if none passes)."""
    Kx = K.krawczyk_iterate(prog, lo, hi, q)
    c = Kx.mid().fmpq() if Kx is not None and Kx.is_finite() else (lo + hi) / 2
    return root_box_near(prog, c, q, prec, within=(lo, hi)) or (lo, hi)


def widen(region):
    """The region grown by 2^-10 of its width on each side, with dyadic ends: a ball cover tiles
    this, so that solutions on the region's boundary (a fixed point at a domain end) are interior."""
    RL, RU = region
    eps = (RU - RL) / 1024 + fmpq(1, 2 ** 30)
    return dyadic(RL - eps, 40, up=False), dyadic(RU + eps, 40, up=True)


def ball_cover(prog: Program, region, p: int, prec: int, budget: Budget, extra=None, specials=()) -> BallCover:
    """Cover `region` by decided cells for f^p(x) = x at precision `prec` (see module docstring).
    Past budget.max_cells cells, cells are no longer split: those left undecided are stuck with
    why = CELL_BUDGET. `extra` = (tag, test): a further exclusion test (lo, hi) -> bool tried
    before Krawczyk. `specials`: (x0, k, q), exact roots of f^p(x) = x of multiplicity k and
    minimal period q (`exact_roots`); a cell holding x0 that Krawczyk cannot decide gets the tag
    "t" once the kernel's multiple-root test passes on it, and is never split at x0. A special
    (x0, k, q, row) is an algebraic x0 (`certify.periodic.algebraic.algebraic_roots`): tag "a"."""
    RL, RU = region
    cov = BallCover(prec)
    avoid = {s[0] for s in specials if len(s) == 3}
    stack = [(RL, RU)]
    min_width = (RU - RL) * fmpq(1, 2 ** max(8, prec // 2 - 8))
    with workprec(prec):
        while stack:
            lo, hi = stack.pop()
            cov.cells += 1
            checkpoint()  # the outer time guard (certify.limits) where signals cannot interrupt
            if cov.cells % 5000 == 0:
                budget.report(f"period {p}: {cov.cells} cells, {len(cov.roots)} solutions ({prec} bits)")
            if K.leaves_or_misses(prog, lo, hi, p, region):
                cov.rows.append([lo, hi, "x"])
                continue
            if extra is not None and extra[1](lo, hi):
                cov.rows.append([lo, hi, extra[0]])
                continue
            Kx = K.krawczyk_iterate(prog, lo, hi, p)
            if Kx is not None and Kx.is_finite():
                if K.above(Kx, lo) and K.below(Kx, hi):
                    T = tight_root_box(prog, lo, hi, p, prec)
                    q = _classify(prog, T, p)
                    if q is None:
                        cov.stuck.append((lo, hi, "minimal period of a solution not decided"))
                        cov.rows.append([lo, hi, "?"])
                    else:
                        cov.rows.append([lo, hi, "r", q, T])
                        if q == p:
                            cov.roots.append(T)
                    continue
                if K.below(Kx, lo) or K.above(Kx, hi):
                    cov.rows.append([lo, hi, "n"])
                    continue
                around = _around(Kx, lo, hi)
                if around is not None:  # a cell around the root's enclosure, whatever the split points
                    t1, t2 = around
                    stack += [(t2, hi), (t1, t2), (lo, t1)]
                    continue
            special = next((s for s in specials if s[0] > lo and s[0] < hi), None)  # x0 first: it may be an Alg
            if special is not None and len(special) == 3 and isolated_root(prog, lo, hi, special[0], special[1], p):
                cov.rows.append([lo, hi, "t", special[0], special[1]])
                if special[2] == p:
                    cov.roots.append((special[0], special[0]))
                continue
            if special is not None and len(special) == 4:
                row = [lo, hi, "a", *special[3]]
                try:
                    box, q = fact_algebraic_root_cell(prog, [q_str(lo), q_str(hi), "a", *special[3]], lo, hi, p)
                except Failure:
                    box = None
                if box is not None:
                    cov.rows.append(row)
                    if q == p:
                        cov.roots.append(box)
                    continue
            if hi - lo < min_width or cov.cells > budget.max_cells:
                why = ("precision resolution reached (a tangency or a multiple root?)"
                       if hi - lo < min_width else CELL_BUDGET)
                cov.stuck.append((lo, hi, why))
                cov.rows.append([lo, hi, "?"])
                continue
            # off-centre split: split points then avoid simple rationals, where roots of
            # f^p(x) = x often sit (a root on a cell boundary defeats the uniqueness test)
            mid = _split_point(prog, lo, hi, p, Kx, avoid)
            stack.append((mid, hi))
            stack.append((lo, mid))
    return cov


def _around(Kx, lo: fmpq, hi: fmpq):
    """(t1, t2) with lo < t1 < t2 < hi, a cell three times as wide as the Krawczyk image Kx, or None
    when Kx is not well inside [lo, hi] or not much narrower than it.

    A root that moves with a parameter ball is a small interval rather than a point; if every
    split point cut it, no cell would hold it whole. Centring a cell on Kx avoids that."""
    k_lo, k_hi = Kx.lower().fmpq(), Kx.upper().fmpq()
    wk = k_hi - k_lo
    if not wk > 0:
        return None
    bits = max(0, int(wk.q).bit_length() - int(wk.p).bit_length() + 4)
    t1, t2 = dyadic(k_lo - wk, bits, up=False), dyadic(k_hi + wk, bits, up=True)
    if lo < t1 < t2 < hi and t2 - t1 < (hi - lo) / 2:
        return t1, t2
    return None


def _split_candidates(lo: fmpq, hi: fmpq) -> list:
    """Off-centre split points of [lo, hi], dyadic about 2^-12 of the cell's width (short
    endpoints in certificates)."""
    w = hi - lo
    bits = max(0, int(w.q).bit_length() - int(w.p).bit_length()) + 12
    cands = [t for t in (dyadic(lo + w * f, bits, up=False) for f in _SPLITS) if lo < t < hi]
    return cands or [lo + w * _SPLIT]


def _split_point(prog: Program, lo: fmpq, hi: fmpq, p: int, Kx, avoid=frozenset()) -> fmpq:
    """A split point of [lo, hi], when possible outside the Krawczyk image Kx (which holds every
    solution of f^p(x) = x in the cell) or else proved not to be a solution. A root that moves
    with a parameter ball is an interval, and a split point inside it would leave no cell able to
    hold it whole."""
    cands = [t for t in _split_candidates(lo, hi) if t not in avoid] or [(lo + hi) / 2 + (hi - lo) / 7]
    w = hi - lo
    if Kx is not None and Kx.is_finite():
        for t in cands:
            if K.below(Kx, t - w / 64) or K.above(Kx, t + w / 64):
                return t
    for t in cands:
        if K.disjoint_image(prog, t, t, p):  # t is no solution, for any parameter of the ball
            return t
    return cands[0]


def orbits_from_roots(prog: Program, roots, p: int, region):
    """Group root boxes of minimal period p into orbits (leftmost first) and keep those in region.

    None when a box's image meets several boxes or an orbit straddles the region's boundary.
    """
    roots = sorted(roots)
    succ = K.successors(prog, roots)
    if None in succ:
        return None
    orbits, seen = [], set()
    for i in range(len(roots)):
        if i in seen:
            continue
        orb, j = [], i
        while j not in seen:
            seen.add(j)
            orb.append(roots[j])
            j = succ[j]
        if len(orb) != p or j != i:
            return None
        where = [K.root_in_region(prog, b, p, region) for b in orb]
        if all(w is True for w in where):
            orbits.append(orb)
        elif any(w is None for w in where):
            return None
    return orbits


def monotone_cells(prog: Program, region, prec: int, max_cells: int = 4096):
    """('increasing' | 'decreasing', cells) if f' has one sign on a tiling of the region, else None.

    A float look at f' first skips maps that visibly turn (both signs of f' on a grid).
    """
    RL, RU = region
    import numpy as np

    from certify.arith import float_map
    _, d = float_map(prog, deriv=True)(np.linspace(float(RL), float(RU), 2001))
    scale = float(np.max(np.abs(d))) if d.size and np.isfinite(d).all() else 0.0
    if scale > 0 and d.max() > 1e-9 * scale and d.min() < -1e-9 * scale:
        return None
    for direction in ("increasing", "decreasing"):
        stack, cells = [(RL, RU)], []
        with workprec(prec):
            while stack and len(cells) + len(stack) <= max_cells:
                lo, hi = stack.pop()
                d = eval_ball(prog, K.ball_of(lo, hi), deriv=True)[1]
                if d >= 0 if direction == "increasing" else d <= 0:
                    cells.append((lo, hi))
                    continue
                if d < 0 if direction == "increasing" else d > 0:
                    break  # certainly the other direction somewhere: give up on this one
                mid = _split_candidates(lo, hi)[0]
                stack += [(mid, hi), (lo, mid)]
        if not stack and cells:
            return direction, cells
    return None


def simplest_rational(lo: fmpq, hi: fmpq, steps: int = 64):
    """The rational of least denominator in [lo, hi] (continued fractions), or None past `steps`
    partial quotients (a point such as 1/3 or 0 is found from any small cell around it)."""
    if lo <= 0 <= hi:
        return fmpq(0)
    if hi < 0:
        r = simplest_rational(-hi, -lo, steps)
        return None if r is None else -r
    # 0 < lo <= hi: the convergent recursion x = a + 1/y, kept as a list of partial quotients
    quotients = []
    a, b = lo, hi
    for _ in range(steps):
        fl = a.floor()
        if fl == a or fl + 1 <= b:
            quotients.append(fl if fl == a else fl + 1)
            r = fmpq(quotients[-1])
            for qq in reversed(quotients[:-1]):
                r = qq + 1 / r
            return r
        quotients.append(fl)
        a, b = 1 / (b - fl), 1 / (a - fl)
    return None


def exact_roots(prog: Program, cells, p: int, known=()):
    """(x0, k, q) for the simplest rational x0 of each cell (lo, hi, ...) that solves f^p(x) = x
    exactly, with its multiplicity k <= MAX_ORDER (the first non-zero exact Taylor coefficient of
    f^p - id at x0) and its minimal period q. A search: the kernel re-checks every "t" cell."""
    out, seen = [], {s[0] for s in known if len(s) == 3}
    for lo, hi, *_ in cells:
        x0 = simplest_rational(lo, hi)
        if x0 is None or x0 in seen or _height(x0) > 64:
            continue
        seen.add(x0)
        q = _exact_period(prog, x0, p)
        if q is None:
            continue
        try:
            c = iterate_exact(prog, x0, p, MAX_ORDER + 1)
        except (NotExact, NoSeries, ZeroDivisionError):
            continue
        g = [c[0] - x0, c[1] - 1] + c[2:]
        k = next((j for j, v in enumerate(g) if v != 0), None)
        if k is not None and k > 0:
            out.append((x0, k, q))
    return out


def _height(x: fmpq) -> int:
    return max(int(x.p).bit_length(), int(x.q).bit_length())


def _exact_period(prog: Program, x0: fmpq, p: int, max_bits: int = 4096):
    """The least q dividing p with f^q(x0) = x0 exactly, or None (not periodic with period dividing
    p, not exactly computable, or an iterate beyond `max_bits`: the search gives up on it)."""
    y = x0
    for q in range(1, p + 1):
        try:
            y = exact_value(prog, y)
        except (NotExact, ZeroDivisionError):
            return None
        if y == x0:
            return q if p % q == 0 else None
        if _height(y) > max_bits:
            return None
    return None
