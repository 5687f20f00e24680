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
from certify.arith import dyadic, to_fmpq
from certify.certificates import q_str
from certify.checker.kneading import MAX_K, MAX_PREC, MAX_TURNS, Undecided, decide, kneading_poly, turns_of
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


def kneading_fact(prog, pl, I, width: float = 1e-7, max_k: int = MAX_K):
    """(fact, note): a `monotone` fact (no turning point in I: h = 0), a `kneading` fact enclosing
    exp(-h) in [s_lo, s_hi] with h-width about `width`, or one with only s_lo (an upper bound on h)
    when no zero is certified, or None; the note names what stopped it (or is None)."""
    lo, hi = I
    if not lo < hi:
        return None, None
    try:
        T = turns_of(prog, pl, lo, hi, allow_none=True)
    except Failure as e:
        return None, f"kneading determinant not used: {e}"
    if not T.points:
        return {"fact": "monotone"}, None
    if len(T.points) > MAX_TURNS:
        return None, f"kneading determinant not used: {len(T.points)} turning points in I (the kernel's limit is {MAX_TURNS})"
    last, note = None, None
    for K in (k for k in ORDERS if k <= max_k):
        limits.checkpoint()
        prec = 128 if pl is not None else min(MAX_PREC, 128 + 4 * K)
        try:
            with ctx.workprec(prec):
                Q, m = kneading_poly(T if pl is not None else turns_of(prog, pl, lo, hi), K)
        except Undecided as e:
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
        return {"fact": "kneading", "K": K, "prec": prec, "s_lo": q_str(s_lo), "s_hi": q_str(s_hi)}, None
    if last is None:
        return None, note
    Q, m, K, prec = last
    for t in UPPER_ONLY:
        try:
            decide(Q, m, K, t, None)
        except Failure:
            continue
        return {"fact": "kneading", "K": K, "prec": prec, "s_lo": q_str(t), "s_hi": None}, note
    return None, note
