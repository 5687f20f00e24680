"""Windows of the tent family for every period (certifier; the kernel's fact `tent_window`, checker/tent.py).

The window of period p = 2^j m (m odd >= 3) is [sigma_p, 2], sigma_p = lambda_m^(1/2^j) the largest
real root of q_p(x) = x^p - 2 x^(2^j (m - 2)) - 1; for a power of 2 it is (1, 2]. Here sigma_p is only
isolated: floats find it, exact bisection on the sign of q_p narrows it to 10^-digits; the kernel
checks everything else (minimal polynomial, largest root, the orbit of 1/2 in Q(sigma_p)).
"""

from __future__ import annotations

import numpy as np
from flint import fmpq

from certify.certificates import interval
from certify.checker.tent import split, stefan_poly

__all__ = ["tent_windows"]


def isolate(p: int, digits: int):
    """(a, b): rationals around sigma_p with b - a <= 10^-digits (exact sign change of q_p), or None."""
    q = stefan_poly(p)
    roots = np.roots([int(c) for c in reversed(q.coeffs())])
    r = max(float(x.real) for x in roots if abs(x.imag) < 1e-9)
    a, b = fmpq(int(r * 2 ** 40) - 4, 2 ** 40), fmpq(int(r * 2 ** 40) + 4, 2 ** 40)
    qa = q(a)
    if qa == 0 or (qa > 0) == (q(b) > 0):
        return None
    width = fmpq(1, 10 ** digits)
    while b - a > width:
        m = (a + b) / 2
        qm = q(m)
        if qm == 0:
            return None
        if (qm > 0) == (qa > 0):
            a, qa = m, qm
        else:
            b = m
    return a, b


def tent_windows(p: int, A: fmpq, B: fmpq, digits: int):
    """(fact, windows) for period p on [A, B] inside [1, 2], or None."""
    if split(p)[1] == 1:
        return {"fact": "tent_window"}, [{"from": interval(A, A), "to": interval(B, B), "orbits": None}]
    got = isolate(p, digits)
    if got is None:
        return None
    a, b = got
    fact = {"fact": "tent_window", "root": interval(a, b)}
    if b < A:
        return fact, [{"from": interval(A, A), "to": interval(B, B), "orbits": None}]
    if a > B:
        return fact, []
    if A <= a and b <= B:
        return fact, [{"from": interval(a, b), "to": interval(B, B), "orbits": None}]
    return None
