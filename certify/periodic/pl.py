"""Exact enumeration of periodic points of piecewise-linear maps with rational data.

Splits the region into cells on which every iterate f^j (j <= p) is affine, dropping a cell as
soon as its image leaves the region (no periodic point can be there). On a surviving cell f^p is
A x + B, so f^p(x) = x is one exact linear equation. The cells become the `cover_pl` fact, which
the kernel re-checks cell by cell.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from flint import fmpq

from certify.arith import OverBudget
from certify.checker.facts import Failure, min_period, orbits_from_points, divisors
from certify.checker.regions import fixed_tails, refine
from certify.checker.semantics import PL, float_key
from certify.limits import checkpoint


@dataclass
class PLCover:
    cells: list          # (lo, hi) tiling the region
    orbits: list         # orbits of minimal period p, each a list of exact points, leftmost first
    continuum: list      # cells where f^p = id and some point has minimal period p


def find_region(pl: PL, max_rounds: int = 60, nonfixed: bool = False):
    """Rounds of the kernel's region rules until the region is bounded and stops shrinking fast
    (from `fixed_tails` when `nonfixed`: for points of minimal period >= 2).

    Returns (region, rounds) with region (L, U), "empty", or None when no bound was found.
    """
    S, prev_width = fixed_tails(pl) if nonfixed else (None, None), None
    if S == "empty":
        return S, 0
    for rounds in range(1, max_rounds + 1):
        S = refine(pl, S, nonfixed)
        if S == "empty":
            return S, rounds
        if S[0] is not None and S[1] is not None:
            width = S[1] - S[0]
            if prev_width is not None and width >= prev_width / 2:
                return S, rounds
            prev_width = width
    if S[0] is None or S[1] is None:
        return None, max_rounds
    return S, max_rounds


class _Breaks:
    """f's sorted breaks with a float shadow: exact bisection, most comparisons done in floats.

    float_key is monotone, so the float bisection lands next to the exact index (on it unless
    rounding ties breaks); the exact comparisons that follow move it to the exact answer.
    """

    def __init__(self, breaks):
        self.t, self.f, self.n = breaks, [float_key(t) for t in breaks], len(breaks)

    def right(self, x) -> int:
        """bisect_right(breaks, x): the number of breaks <= x."""
        t, k = self.t, bisect_right(self.f, float_key(x))
        while k > 0 and t[k - 1] > x:
            k -= 1
        while k < self.n and t[k] <= x:
            k += 1
        return k

    def left(self, x) -> int:
        """bisect_left(breaks, x): the number of breaks < x."""
        t, k = self.t, bisect_left(self.f, float_key(x))
        while k > 0 and t[k - 1] >= x:
            k -= 1
        while k < self.n and t[k] < x:
            k += 1
        return k


def enumerate_cover(pl: PL, region, p: int, max_cells: int | None = None) -> PLCover:
    """All solutions of f^p(x) = x in the region, exactly, with the cells that prove completeness.

    OverBudget when the cells (finished and live) would exceed max_cells (None: no limit)."""
    RL, RU = region
    delta = (RU - RL) / 1024 if RU > RL else fmpq(1, 1024)
    breaks, slopes, icepts = pl.breaks, pl.slopes, pl.icepts
    bk = _Breaks(breaks)
    # the guard points, each with the index of the piece just right of it
    guards = [(g, bk.right(g)) for g in (RL - delta, RU + delta)]
    cuts = [RL] + [t for t in breaks if RL < t < RU] + [RU]
    live = [(a, b, fmpq(1), fmpq(0)) for a, b in zip(cuts, cuts[1:]) if a < b]
    if not live:  # a one-point region
        live = [(RL, RU, fmpq(1), fmpq(0))]
    done = []
    for _ in range(p):
        nxt = []
        for lo, hi, A, B in live:
            if max_cells is not None and len(done) + len(nxt) > max_cells:  # work budget (Budget.max_cells)
                raise OverBudget(max_cells)
            checkpoint()  # the outer time guard (certify.limits) where signals cannot interrupt
            u, v = A * lo + B, A * hi + B
            ilo, ihi = (u, v) if u <= v else (v, u)
            # split the image [ilo, ihi] at f's breaks and at the guard points: the points in
            # increasing order, each with the index of f's piece just right of it
            i0, i1 = bk.right(ilo), bk.left(ihi)
            cut = [(breaks[i], i + 1) for i in range(i0, i1)]
            for g, kg in reversed(guards):  # the upper guard first: inserting it leaves the lower's index
                if ilo < g < ihi and not (kg > 0 and breaks[kg - 1] == g):  # a guard on a break is the break
                    cut.insert(kg - i0, (g, kg))
            if A == 0 or not cut:
                pieces, ends, images = [i0], [lo, hi], [u, v]
            else:
                pieces = [i0] + [k for _, k in cut]  # piece of each sub-interval of the image, ascending
                if A < 0:
                    cut.reverse()
                    pieces.reverse()
                ends = [lo, *[(t - B) / A for t, _ in cut], hi]
                images = [u, *[t for t, _ in cut], v]  # A * end + B exactly: a cut is the image of its preimage
            for j, k in enumerate(pieces):
                s, c = slopes[k], icepts[k]
                wa, wb = s * images[j] + c, s * images[j + 1] + c  # f^(i+1) at the cell's ends
                if (wa < RL and wb < RL) or (wa > RU and wb > RU):
                    done.append((ends[j], ends[j + 1]))
                else:
                    nxt.append((ends[j], ends[j + 1], s * A, s * B + c))
        live = nxt
    points, continuum = set(), []
    for lo, hi, A, B in live:
        done.append((lo, hi))
        if A == 1 and lo < hi:  # f^p = id on the cell (B = 0) or no solution there
            if B == 0 and _no_proper_identity(pl, lo, hi, p):
                continuum.append((lo, hi))
            continue
        x = lo if lo == hi else B / (1 - A)  # a one-point cell (one-point region): its point
        if lo <= x <= hi and A * x + B == x and min_period(pl, x, p) == p:
            points.add(x)
    done.sort()
    return PLCover(done, orbits_from_points(pl, points, p, continuum), continuum)


def _no_proper_identity(pl: PL, lo, hi, p: int) -> bool:
    """f^p = id on [lo, hi] (f^d affine there for every d <= p): no proper divisor d has f^d = id on
    it, so all but finitely many of its points have minimal period p."""
    for d in divisors(p)[:-1]:
        u, v = lo, hi
        for _ in range(d):
            u, v = pl(u), pl(v)
        if u == lo and v == hi:
            return False
    return True


def enumerate_line(pl: PL, p: int, max_cells: int | None = None) -> PLCover:
    """All solutions of f^p(x) = x on the whole line, exactly: cells tiling R (the outer two
    unbounded, None ends) on each of which every f^j, j <= p, is affine. No region is needed, so
    this decides maps whose periodic points are unbounded (identity or f^2 = id tails); nothing is
    pruned, so it is used when no bounded region is found. OverBudget past max_cells cells."""
    breaks, slopes, icepts = pl.breaks, pl.slopes, pl.icepts
    bk = _Breaks(breaks)
    ends = [None, *breaks, None]
    # cell: (lo, hi, A, B, proper) with f^j = A x + B; `proper` the (A, B) of f^d at proper divisors d
    live = [(ends[k], ends[k + 1], fmpq(1), fmpq(0), ()) for k in range(len(breaks) + 1)]
    proper = set(divisors(p)[:-1])
    for j in range(1, p + 1):
        nxt = []
        for lo, hi, A, B, hist in live:
            if max_cells is not None and len(nxt) > max_cells:
                raise OverBudget(max_cells)
            checkpoint()
            u = None if lo is None else A * lo + B
            v = None if hi is None else A * hi + B
            if A == 0:
                ilo = ihi = B
            else:
                ilo, ihi = (u, v) if A > 0 else (v, u)  # None: -inf for ilo, +inf for ihi
            i0 = 0 if ilo is None else bk.right(ilo)
            i1 = len(breaks) if ihi is None else bk.left(ihi)
            if A == 0 or i1 <= i0:
                pieces, cuts = [i0], []
            else:
                pieces, cuts = list(range(i0, i1 + 1)), [(breaks[i] - B) / A for i in range(i0, i1)]
                if A < 0:
                    pieces.reverse()
                    cuts.reverse()
            cell_ends = [lo, *cuts, hi]
            for m, k in enumerate(pieces):
                s, c = slopes[k], icepts[k]
                A2, B2 = s * A, s * B + c
                nxt.append((cell_ends[m], cell_ends[m + 1], A2, B2, hist + ((A2, B2),) if j in proper else hist))
        live = nxt
    points, continuum, cells = set(), [], []
    for lo, hi, A, B, hist in live:
        cells.append((lo, hi))
        if A == 1:
            if B == 0 and all(h != (1, 0) for h in hist):
                continuum.append((lo, hi))
            continue
        x = B / (1 - A)
        if (lo is None or lo <= x) and (hi is None or x <= hi) and min_period(pl, x, p) == p:
            points.add(x)
    return PLCover(cells, orbits_from_points(pl, points, p, continuum), continuum)


def window_orbit(pl: PL, p: int, window):
    """An exact orbit of minimal period p (leftmost first) found by exact enumeration on the window
    widened to hold every break of f, or None. A search, not a completeness proof: the window need
    not hold every periodic point (an inconsistent grouping then just means nothing was found).
    """
    lo, hi = window
    if pl.breaks:
        lo, hi = min(lo, pl.breaks[0] - 1), max(hi, pl.breaks[-1] + 1)
    try:
        cover = enumerate_cover(pl, (lo, hi), p)
    except Failure:
        return None
    if cover.orbits:
        return cover.orbits[0]
    return continuum_orbit(pl, cover.continuum[0], p) if cover.continuum else None


def exact_cycle_from_float(pl: PL, cycle, p: int):
    """Lift a float p-cycle to an exact one: solve f^p(x) = x along its itinerary of pieces.

    Returns the exact orbit (leftmost first) if it checks out in rational arithmetic, else None.
    """
    from certify.arith import to_fmpq

    x0 = to_fmpq(cycle[0])
    A, B = fmpq(1), fmpq(0)
    for x in cycle:
        k = pl.piece(to_fmpq(x))
        A, B = pl.slopes[k] * A, pl.slopes[k] * B + pl.icepts[k]
    if A != 1:
        x0 = B / (1 - A)
    if min_period(pl, x0, p) != p:
        return None
    orb = [x0]
    for _ in range(p - 1):
        orb.append(pl(orb[-1]))
    if pl(orb[-1]) != x0:
        return None
    i = orb.index(min(orb))
    return orb[i:] + orb[:i]


def continuum_orbit(pl: PL, cell, p: int):
    """A rational point of minimal period p inside a cell where f^p = id (None ends infinite), with
    its orbit."""
    lo, hi = cell
    for k in range(1, 64):
        x = (lo + (hi - lo) * fmpq(k, 64 + 1) if lo is not None and hi is not None else
             hi - k if lo is None and hi is not None else lo + k if lo is not None else fmpq(k - 32, 7))
        if min_period(pl, x, p) == p:
            orb = [x]
            for _ in range(p - 1):
                orb.append(pl(orb[-1]))
            i = orb.index(min(orb))
            return orb[i:] + orb[:i]
    return None


__all__ = ["PLCover", "find_region", "enumerate_cover", "enumerate_line", "window_orbit", "continuum_orbit",
           "divisors"]
