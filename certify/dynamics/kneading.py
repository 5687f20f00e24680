"""Entropy to ~1e-7 by the Milnor-Thurston kneading determinant (see checker/kneading.py).

The finder only proposes: the truncation order K, the ball precision, and an enclosure [s_lo, s_hi]
of the least zero of the truncated determinant in (0, 1), located in floats; it runs the kernel's
exact tests (`decide`) on its own determinant to choose K, and the kernel's `check_kneading`
re-follows the turning orbits and rebuilds the determinant when the certificate is checked.
"""

from __future__ import annotations

import numpy as np
from flint import ctx, fmpq

from certify import limits
from certify.arith import dyadic, float_map, to_fmpq
from certify.certificates import interval, q_str
from certify.checker.kneading import MAX_K, MAX_PREC, MAX_TURNS, decide, kneading_poly, turns_of
from certify.checker.statement import Failure

__all__ = ["kneading_fact", "ORDERS", "UPPER_ONLY"]

ORDERS = (32, 64, 128, 256, 512, 1024)  # the truncation orders K tried, in turn
UPPER_ONLY = (fmpq(99, 100), fmpq(19, 20), fmpq(9, 10), fmpq(3, 4), fmpq(1, 2))  # s_lo tried when D has no zero
NO_ZERO_STOP = 128  # no sign change of the truncated determinant at this K: entropy 0 presumably, stop there


def _least_zero(Q) -> float | None:
    """The least t in (0, 1) where the float values of Q change sign, by a scan and bisection (floats)."""
    c = np.array([float(int(x)) for x in Q.coeffs()][::-1])
    sgn = 1.0 if c[-1] > 0 else -1.0
    ts = np.linspace(0.0, 0.999, 4000)
    idx = np.nonzero(sgn * np.polyval(c, ts) <= 0)[0]
    if not idx.size:
        return None
    a, b = ts[idx[0] - 1], ts[idx[0]]
    for _ in range(60):
        mid = (a + b) / 2
        a, b = (mid, b) if sgn * np.polyval(c, mid) > 0 else (a, mid)
    return (a + b) / 2


def _float_turns(prog, lo, hi, n: int = 20001):
    """Isolating intervals (rational, width ~1e-9 |I|) around the sign changes of f' on I, located
    by central differences of the float map and bisection (floats only propose; the kernel proves)."""
    f = float_map(prog)
    a, b = float(lo), float(hi)
    w = b - a
    step = 1e-6 * w

    def d(x):
        with np.errstate(all="ignore"):
            return (f(x + step) - f(x - step)) / (2 * step)
    xs = a + w * (np.arange(n - 1) + 0.5 + 0.1 * np.sqrt(2)) / n  # off the simple rationals (no grid point on a root)
    ds = d(xs)
    out = []
    for k in np.nonzero(np.sign(ds[:-1]) * np.sign(ds[1:]) < 0)[0]:
        u, v = xs[k], xs[k + 1]
        su = np.sign(d(np.array([u]))[0])
        for _ in range(80):
            mid = (u + v) / 2
            if np.sign(d(np.array([mid]))[0]) == su:
                u = mid
            else:
                v = mid
        r, eps = (u + v) / 2, 1e-9 * w
        out.append((dyadic(to_fmpq(r - eps), 64, up=False), dyadic(to_fmpq(r + eps), 64, up=True)))
    return out


def kneading_fact(prog, pl, I, width: float = 1e-7, max_k: int = MAX_K):
    """(fact, note): a `monotone` fact (no turning point in I: h = 0), a `kneading` fact enclosing
    exp(-h) in [s_lo, s_hi] with h-width about `width`, or one with only s_lo (an upper bound on h)
    when no zero is certified, or None; the note names what stopped it (or is None)."""
    lo, hi = I
    if not lo < hi:
        return None, None
    smooth = pl is None and not prog.is_polynomial()
    raw = _float_turns(prog, lo, hi) if smooth else None
    extra = {"turns": [interval(a, b) for a, b in raw]} if smooth else {}
    try:
        with ctx.workprec(128):
            T = turns_of(prog, pl, lo, hi, allow_none=True, raw=extra.get("turns"))
    except Failure as e:
        return None, f"kneading determinant not used: {e}"
    if not T.points:
        return {"fact": "monotone"}, None
    if len(T.points) > MAX_TURNS:
        return None, f"kneading determinant not used: {len(T.points)} turning points in I (the kernel's limit is {MAX_TURNS})"
    cyc = _cycle_fact(prog, pl, lo, hi, extra)
    if cyc is not None:
        return cyc, None
    last, note = None, None
    for K in (k for k in ORDERS if k <= max_k and len(T.points) * k <= MAX_K):  # the kernel's degree limit m K
        limits.checkpoint()
        prec = 128 if pl is not None else min(MAX_PREC, 128 + 4 * K)
        try:
            with ctx.workprec(prec):
                Q, m = kneading_poly(T if pl is not None else turns_of(prog, pl, lo, hi, raw=extra.get("turns")), K)
        except Failure as e:  # an undecided symbol (Undecided), or a turning point lost at this precision
            note = f"kneading determinant stopped at K = {K}: {e}"
            break
        last = (Q, m, K, prec)
        s = _least_zero(Q)
        if s is None:
            note = f"kneading determinant: no zero in (0, 1) found up to K = {K}"
            if K >= NO_ZERO_STOP:
                break
            continue
        d = width * s / 2 * 0.9
        s_lo, s_hi = dyadic(to_fmpq(s - d), 48, up=False), dyadic(to_fmpq(s + d), 48, up=True)
        if not 0 < s_lo < s_hi < 1:
            continue
        try:
            decide(Q, m, K, s_lo, s_hi)
        except Failure as e:
            note = f"kneading determinant: {e}"
            continue
        return {"fact": "kneading", "K": K, "prec": prec, "s_lo": q_str(s_lo), "s_hi": q_str(s_hi), **extra}, None
    if last is None:
        return None, note
    Q, m, K, prec = last
    for t in UPPER_ONLY:
        try:
            decide(Q, m, K, t, None)
        except Failure:
            continue
        return {"fact": "kneading", "K": K, "prec": prec, "s_lo": q_str(t), "s_hi": None, **extra}, note
    return None, note


def _cycle_fact(prog, pl, lo, hi, extra: dict, prec: int = 256):
    """A `kneading_cycle` fact when every turning orbit is caught by an attracting cycle: after k steps
    its point lies in a small J (around the float orbit) with f^p(J) inside J; else None."""
    from flint import fmpq_poly

    from certify.checker.kneading import MAX_CYCLE, MAX_CYCLE_DEGREE, _trapped, cycle_poly
    from certify.checker.markov import poly_text
    from certify.checker.polynomials import count_real_roots, squarefree

    f = float_map(prog)
    for k in (32, 128, 512):
        limits.checkpoint()
        try:
            with ctx.workprec(prec):
                T = turns_of(prog, pl, lo, hi, raw=extra.get("turns"))
                traps = []
                for i in range(len(T.points)):
                    trap = _trap(T, pl, prog, f, i, k, MAX_CYCLE, _trapped)
                    if trap is None:
                        break
                    traps.append(trap)
                if len(traps) != len(T.points) or sum(kk + pp + 1 for kk, pp, _ in traps) > MAX_CYCLE_DEGREE:
                    continue
                Pz = cycle_poly(T, pl, prog, traps)
                P = fmpq_poly(Pz)
        except Failure:
            continue
        fact = {"fact": "kneading_cycle", "prec": prec,
                "traps": [{"k": k, "p": p, "J": interval(*J)} for k, p, J in traps], **extra}
        if count_real_roots(P, 0, 1) - (P(1) == 0) == 0:
            return {**fact, "s": None, "minpoly": None}
        with ctx.workprec(256):
            reals = [r.real for r, _ in squarefree(P).complex_roots() if r.imag == 0 and 0 < r.real < 1]
        if not reals:
            return None
        s = min(reals, key=lambda r: r.mid())
        a, b = s.lower().fmpq(), s.upper().fmpq()
        hits = [g for g, _ in Pz.factor()[1] if count_real_roots(fmpq_poly(g), a, b) >= 1]
        if len(hits) != 1:
            return None
        g = -hits[0] if hits[0].coeffs()[-1] < 0 else hits[0]
        if g.degree() == 1:
            c = g.coeffs()
            a = b = -fmpq(int(c[0]), int(c[1]))
        else:
            a, b = dyadic(a, 64, up=False), dyadic(b, 64, up=True)
        return {**fact, "s": interval(a, b), "minpoly": poly_text(g)}
    return None


def _trap(T, pl, prog, f, i: int, k: int, max_p: int, trapped):
    """(k, p, J) for turning point i: J around the float orbit's point after k steps, p its float period."""
    from flint import arb

    from certify.checker.kneading import _orbit

    _, y = _orbit(T, i, k, point=True)
    x = float(y.mid()) if isinstance(y, arb) else float(y)
    xs = [x]
    with np.errstate(all="ignore"):
        for _ in range(max_p):
            xs.append(float(f(np.array([xs[-1]]))[0]))
    scale = max(1.0, abs(x))
    p = next((q for q in range(1, max_p + 1) if abs(xs[q] - x) < 1e-7 * scale), None)
    if p is None:
        return None
    for rel in (1e-4, 1e-6, 1e-9):
        d = rel * scale
        J = (dyadic(to_fmpq(x - d), 64, up=False), dyadic(to_fmpq(x + d), 64, up=True))
        try:
            trapped(T, pl, prog, i, k, p, J)
        except Failure:
            continue
        return k, p, J
    return None
