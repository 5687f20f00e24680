"""Untrusted search for periodic orbits in floating point. Proposes candidates; proves nothing."""

from __future__ import annotations

import numpy as np

from certify.arith import float_map
from certify.checker.semantics import Program


def candidate_cycles(prog: Program, window, p: int, grid: int = 20001, limit: int = 64, param=None):
    """Float p-cycles (lists of p floats, leftmost first) from sign changes of f^p(x) - x.

    Roots are polished by vectorised bisection; cycles whose points are not clearly distinct
    (a fixed point of a lower iterate) are dropped. Sorted by how far the cycle's multiplier is
    from 1 (well-conditioned first).
    """
    f = float_map(prog, param=param)
    lo, hi = (float(window[0]), float(window[1]))
    xs = np.linspace(lo, hi, grid)

    def g(x):
        y = x
        for _ in range(p):
            y = f(y)
        return y - x

    gx = g(xs)
    ok = np.isfinite(gx)
    idx = np.nonzero(ok[:-1] & ok[1:] & (np.sign(gx[:-1]) * np.sign(gx[1:]) <= 0))[0]
    if idx.size == 0:
        return []
    a, b = xs[idx].copy(), xs[idx + 1].copy()
    ga = gx[idx]
    for _ in range(36):
        m = 0.5 * (a + b)
        gm = g(m)
        left = np.sign(gm) * np.sign(ga) <= 0
        b = np.where(left, m, b)
        a = np.where(left, a, m)
        ga = np.where(left, ga, gm)
    roots = 0.5 * (a + b)
    scale = max(1.0, abs(lo), abs(hi))
    cycles, seen = [], []
    for r in roots:
        orb = [float(r)]
        for _ in range(p - 1):
            orb.append(float(f(np.array(orb[-1]))))
        if not all(np.isfinite(orb)):
            continue
        pts = sorted(orb)
        if p > 1 and min(np.diff(pts)) < 1e-9 * scale:
            continue
        if abs(float(f(np.array(orb[-1]))) - orb[0]) > 1e-6 * scale:
            continue
        key = round(pts[0], 9)
        if key in seen:
            continue
        seen.append(key)
        i = orb.index(min(orb))
        cycles.append(orb[i:] + orb[:i])
    cycles.sort(key=lambda c: -abs(np.log(abs(_multiplier(f, c)) + 1e-300)))
    return cycles[:limit]


def _multiplier(f, cyc):
    h = 1e-7
    m = 1.0
    for x in cyc:
        m *= (float(f(np.array(x + h))) - float(f(np.array(x - h)))) / (2 * h)
    return m


def periodic_points(prog: Program, window, p: int, max_points: int = 20_000_000):
    """Float solutions of f^p(x) = x in the window, found on an adaptively refined grid.

    The grid is refined wherever f^p moves by more than 1/64 of the window between neighbours,
    so rapidly oscillating iterates are resolved; sign changes of f^p(x) - x are then bisected.
    Misses tangential (double) roots by design: it only proposes.
    """
    f = float_map(prog)
    lo, hi = float(window[0]), float(window[1])
    span = hi - lo
    theta = span / 64

    def F(x):
        y = x
        with np.errstate(all="ignore"):
            for _ in range(p):
                y = f(y)
        return y

    fd = float_map(prog, deriv=True)

    def FD(x):
        y, d = x, np.ones_like(x)
        with np.errstate(all="ignore"):
            for _ in range(p):
                y, dy = fd(y)
                d = d * dy
        return y, d

    xs = np.linspace(lo, hi, 4097)
    centre = (lo + hi) / 2
    tiny = 1e-15 * max(1.0, abs(lo), abs(hi))
    Fx, Dx = FD(xs)
    with np.errstate(all="ignore"):
        for _ in range(100):
            h = np.diff(xs)
            a, b = Fx[:-1], Fx[1:]
            near = (np.abs(a - centre) < span) | (np.abs(b - centre) < span)
            slope = np.maximum(np.abs(Dx[:-1]), np.abs(Dx[1:]))
            moves = (np.abs(b - a) > theta) | (slope * h > theta)
            need = near & moves & (h > tiny)
            if not need.any() or xs.size > max_points:
                break
            new = 0.5 * (xs[:-1][need] + xs[1:][need])
            Fn, Dn = FD(new)
            order = np.argsort(np.concatenate([xs, new]), kind="stable")
            xs = np.concatenate([xs, new])[order]
            Fx = np.concatenate([Fx, Fn])[order]
            Dx = np.concatenate([Dx, Dn])[order]
    with np.errstate(all="ignore"):
        gx = F(xs) - xs
    ok = np.isfinite(gx)
    idx = np.nonzero(ok[:-1] & ok[1:] & (np.sign(gx[:-1]) * np.sign(gx[1:]) <= 0))[0]
    a, b, ga = xs[idx].copy(), xs[idx + 1].copy(), gx[idx]
    for _ in range(64):
        m = 0.5 * (a + b)
        gm = F(m) - m
        left = np.sign(gm) * np.sign(ga) <= 0
        b = np.where(left, m, b)
        a = np.where(left, a, m)
        ga = np.where(left, ga, gm)
    roots = np.unique(0.5 * (a + b))
    if roots.size > 1:  # a root on a grid point shows up in two brackets
        keep = np.concatenate([[True], np.diff(roots) > 1e-13 * max(1.0, abs(lo), abs(hi))])
        roots = roots[keep]
    return roots, f


def group_orbits(roots, f, p: int):
    """Float periodic points -> {d: [orbit start points]} by minimal period d | p (leftmost start)."""
    scale = max(1.0, float(np.max(np.abs(roots)))) if roots.size else 1.0
    tol = 1e-9 * scale
    out: dict[int, list[float]] = {}
    seen = np.zeros(roots.size, dtype=bool)
    order = np.argsort(roots)
    roots = roots[order]
    for i in range(roots.size):
        if seen[i]:
            continue
        orb = [roots[i]]
        for _ in range(p - 1):
            orb.append(float(f(np.array(orb[-1]))))
        d = next((j for j in range(1, p + 1) if p % j == 0 and abs(
            (orb[j] if j < p else float(f(np.array(orb[-1])))) - orb[0]) < tol), p)
        for y in orb[:d]:
            k = np.searchsorted(roots, y)
            for kk in (k - 1, k, k + 1):
                if 0 <= kk < roots.size and abs(roots[kk] - y) < tol:
                    seen[kk] = True
        out.setdefault(d, []).append(float(min(orb[:d])))
    return out
