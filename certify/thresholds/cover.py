"""Onset of a period in a smooth one-parameter family (tanh networks, ...) by a parameter cover.

Where no exact elimination applies, the onset r* of minimal period p is enclosed in [lo, hi]:
- floats scan the range for the first parameter with a p-cycle, and bisect toward its birth;
- Newton on the fold system F = f_r^p(x) - x = 0, dF/dx = 0 (a saddle-node: the generic way an
  odd period is born) places r* to a few more digits than asked, in ball midpoints;
- a p-cycle is proved at hi, just above r*, by the cyclic Krawczyk test;
- [A, lo] is cut into pieces, geometrically finer toward lo, and each piece is refuted for every
  parameter in it at once by a ball cover evaluated with the parameter as a ball (the kernel fact
  param_cover). A piece that does not pass is halved; the budget bounds the work.
Nothing found by floats is trusted: a mislocated fold makes the cover fail, never a wrong claim.
"""

from __future__ import annotations

import dataclasses
import math

from flint import arb, fmpq

from certify.arith import Budget, dyadic, over_budget, to_fmpq, workprec
from certify.certificates import interval
from certify.checker import facts as K
from certify.checker.semantics import eval_ball, eval_range
from certify.maps import Family
from certify.periodic import balls
from certify.periodic.finder import candidate_cycles
from certify.periodic.period import cover_fact

MAX_PIECES = 4000
PIECE_CELLS = 1500  # a piece that needs more cells is halved instead: wide parameter balls overestimate
GROW = 32  # width factor from one refuted piece to the next: near a fold a piece may be about
# sqrt(its distance) wide, since ball arithmetic carries the first-order effect of the parameter exactly


@dataclasses.dataclass
class Fold:
    """An (untrusted) approximation of the fold (x*, r*) where the p-cycle is born."""
    x: fmpq
    r: fmpq
    Fr: float   # dF/dr at the fold
    Fxx: float  # d^2F/dx^2 at the fold


def region_of(fam: Family, A: fmpq, B: fmpq):
    """A dyadic interval holding f_r(R) for every r in [A, B], hence every periodic point; or None."""
    with workprec(64):
        rng = eval_range(fam.program.at_ball(A, B))
    if rng is None:
        return None
    return balls.widen((rng[0].fmpq(), rng[1].fmpq()))


def first_cycle(fam: Family, p: int, A: fmpq, B: fmpq, window, grid: int = 64):
    """Float scan of [A, B] and bisection: (r, cycle) with r just past the first p-cycle's birth,
    or None if no parameter of the grid shows one (untrusted)."""
    a, b = float(A), float(B)
    prev = None
    for k in range(grid + 1):
        r = a + (b - a) * k / grid
        cyc = candidate_cycles(fam.program, window, p, param=r)
        if cyc:
            break
        prev = r
    else:
        return None
    if prev is None:
        return r, cyc[-1]
    lo, hi, best = prev, r, cyc[-1]
    for _ in range(48):
        mid = (lo + hi) / 2
        cyc = candidate_cycles(fam.program, window, p, param=mid)
        if cyc:
            hi, best = mid, cyc[-1]  # the last cycle is the least hyperbolic: the one being born
        else:
            lo = mid
    return hi, best


def _F(prog, x: fmpq, r: fmpq, p: int):
    """(f_r^p(x) - x, (f_r^p)'(x) - 1) as ball midpoints at the working precision."""
    P = prog.at_ball(r, r)
    y, d = arb(x), arb(1)
    for _ in range(p):
        y, dy = eval_ball(P, y, deriv=True)
        d = d * dy
    return (y - arb(x)).mid(), (d - 1).mid()


def fold_point(fam: Family, p: int, x0: float, r0: float, digits: int, iters: int = 200):
    """Newton on F = 0, F_x = 0 with a finite-difference Jacobian at high precision (untrusted)."""
    prec = int(3.5 * (digits + 12)) + 64
    x, r = to_fmpq(x0), to_fmpq(r0)
    tol = fmpq(1, 10 ** (digits + 8))
    h = fmpq(1, 2 ** (prec // 3))
    prog = fam.program
    with workprec(prec):
        for _ in range(iters):
            F, Fx = _F(prog, x, r, p)
            Fr = (_F(prog, x, r + h, p)[0] - _F(prog, x, r - h, p)[0]) / (2 * arb(h))
            Fxx = (_F(prog, x + h, r, p)[1] - _F(prog, x - h, r, p)[1]) / (2 * arb(h))
            Fxr = (_F(prog, x, r + h, p)[1] - _F(prog, x, r - h, p)[1]) / (2 * arb(h))
            det = (Fx * Fxr - Fr * Fxx).mid()
            if not det.is_finite() or det == 0:
                return None
            dx = ((F * Fxr - Fr * Fx) / det).mid()
            dr = ((Fx * Fx - F * Fxx) / det).mid()  # Cramer on [[Fx, Fr], [Fxx, Fxr]]
            if not (dx.is_finite() and dr.is_finite()):
                return None
            x, r = x - dyadic(dx.fmpq(), prec, up=False), r - dyadic(dr.fmpq(), prec, up=False)
            if abs(dr.fmpq()) < tol and abs(dx.fmpq()) < fmpq(1, 10 ** (digits // 2 + 4)):
                return Fold(x, r, float(Fr), float(Fxx))
    return None


def cycle_past_fold(fam: Family, fold: Fold, value: fmpq, p: int, prec: int):
    """Krawczyk-proved boxes (orbit order, leftmost first) of a p-cycle of f at `value` > r*, or None.

    Past a fold F(x, r) ~ Fr (r - r*) + Fxx (x - x*)^2 / 2, so the two new cycles sit near
    x* +- sqrt(2 |Fr (r - r*) / Fxx|).
    """
    prog = fam.at(value).program
    s = math.sqrt(2 * abs(fold.Fr * float(value - fold.r) / fold.Fxx)) if fold.Fxx else 0.0
    if not s > 0:
        return None
    with workprec(prec):
        for sign in (1, -1):
            c = balls.newton_point(prog, fold.x + sign * to_fmpq(s), p, prec, iters=200)
            orbit = [c]
            for _ in range(p - 1):
                orbit.append(eval_ball(prog, arb(orbit[-1])).mid().fmpq())
            r = dyadic(to_fmpq(s / 8), prec, up=False)
            boxes = [(x - r, x + r) for x in orbit]
            if K.krawczyk_cycle(prog, boxes):
                boxes = balls.tighten_cycle(prog, boxes)
                i = boxes.index(min(boxes))
                return boxes[i:] + boxes[:i]
    return None


def _bits(w: fmpq) -> int:
    """About log2(1/w) for a positive rational w."""
    return max(0, int(w.q).bit_length() - int(w.p).bit_length())


def refute_on(fam: Family, p: int, A: fmpq, E: fmpq, region, dist, budget: Budget):
    """A param_cover fact refuting minimal period p for every r in [A, E], or (None, reason).

    Pieces are laid from E leftwards, each up to GROW times as wide as the last one that passed; a
    piece that fails (needs more cells than a few times its predecessor) is halved, and growth
    restarts from 1. `dist(a, b)` bounds
    the distance of [a, b] from the nearest birth of a p-cycle: it sets the first width and each
    piece's precision (values of f^p(x) - x near a tangency are that small). The work is bounded by
    MAX_PIECES pieces and budget.max_cells cells over all the pieces tried (passed or not).
    """
    done, b, used = [], E, 0
    w = dist(E, E) if dist(E, E) > 0 else E - A
    cap, grow = PIECE_CELLS, GROW
    while b > A:
        if len(done) > MAX_PIECES:
            return None, f"parameter cover: budget: more than {MAX_PIECES:,} pieces"
        if used > budget.max_cells:
            return None, f"parameter cover: {over_budget(budget.max_cells)} after {len(done)} pieces"
        a = dyadic(b - w, _bits(w) + 8, up=False)
        if a - A < w / 4:
            a = A
        gap = dist(a, b)
        prec = max(64, _bits(gap) + 64) if gap > 0 else 64
        test = ("m", lambda lo, hi, a=a, b=b: K.excluded_in_piece(fam.program, a, b, lo, hi, p))
        cov = balls.ball_cover(fam.program.at_ball(a, b), region, p, prec,
                               dataclasses.replace(budget, max_cells=cap), test)
        used += cov.cells
        if cov.stuck or cov.roots:
            w, grow = (b - a) / 2, 1
            if w < fmpq(1, 2 ** 2000):
                return None, f"parameter cover: the piece near {float(a):.12g} cannot be decided"
            continue
        done.append((a, b, prec, cov))
        budget.report(f"period {p}: {len(done)} parameter pieces refuted, down to {float(a):.12g}")
        w, b = grow * (b - a), a
        grow = min(GROW, 2 * grow)
        cap = min(PIECE_CELLS, max(400, 3 * cov.cells))
    done.sort(key=lambda t: t[0])
    pieces = []
    for a, b, prec, cov in done:
        cov.region = region
        pieces.append({"param": interval(a, b), "prec": prec, "cells": cover_fact(cov, p)["cells"]})
    return {"fact": "param_cover", "p": p, "region": interval(*region), "pieces": pieces}, None

