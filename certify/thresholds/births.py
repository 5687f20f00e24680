"""Every window of the logistic family without elimination: centers, births, orbit counts (certifier).

The kernel's fact `logistic_births` (certify/checker/logistic.py) needs
- a cover of [A, 4] by cells on which S_p(r) = f_r^p(1/2) - 1/2 has no zero, or one zero (a center
  of minimal period p, or of a lower period): adaptive bisection, each cell tested by the kernel's
  own functions;
- one birth per center: from the superstable cycle (x = 1/2, r = center, multiplier 0), Newton
  continuation in the multiplier lam (f_r^p(x) = x, (f_r^p)'(x) = lam) toward lam = 1, the root of
  the window; there Newton on the saddle-node system (lam = 1), or, for a window born by period
  doubling, on f^(p/2)(x) = x, (f^(p/2))'(x) = -1; then a box of width 10^-digits around the solution,
  proved by the kernel's two-dimensional Krawczyk test.
Floats and ball midpoints only find; the certificate goes through the kernel before it is returned.
"""

from __future__ import annotations

import math

from flint import arb, fmpq

from certify.arith import dyadic, workprec
from certify.certificates import interval, interval_parse, q_str
from certify.checker.logistic import _krawczyk_1d, _mv, critical_orbit, jet, krawczyk_fold

COVER_PREC = 192
MAX_CELLS = 200_000


def center_cover(p: int, A: fmpq, prec: int = COVER_PREC):
    """(cuts, tags, [(a, b) of each center cell]) of the kernel's superstable cover of [A, 4], or None."""
    divs = [d for d in range(1, p) if p % d == 0]
    B = fmpq(4)
    todo = [(A + (B - A) * k / 64, A + (B - A) * (k + 1) / 64) for k in range(63, -1, -1)]
    cuts, tags, centers = [A], [], []
    with workprec(prec):
        while todo:
            if len(tags) + len(todo) > MAX_CELLS:
                return None
            a, b = todo.pop()
            m = (a + b) / 2
            at_m = critical_orbit(arb(m), p)
            box = critical_orbit(arb(a).union(arb(b)), p)
            enc = _mv(at_m, box, a, b, m)
            tag = None
            if 0 not in enc[p - 1]:
                tag = "x"
            elif _krawczyk_1d(at_m[p - 1][0], box[p - 1][1], a, b, m):
                if not any(0 in enc[d - 1] for d in divs):
                    tag = "c"
                elif any(_krawczyk_1d(at_m[d - 1][0], box[d - 1][1], a, b, m) for d in divs):
                    tag = "l"
            if tag is None:
                if b - a < fmpq(1, 2 ** (prec // 2)):
                    return None
                todo.append((m, b))
                todo.append((a, m))
                continue
            cuts.append(b)
            tags.append(tag)
            if tag == "c":
                centers.append((a, b))
    return cuts, "".join(tags), centers


def _newton_center(p: int, a: fmpq, b: fmpq, prec: int) -> arb:
    """The center in [a, b] to ball-midpoint accuracy (Newton on S_p, untrusted)."""
    with workprec(prec):
        r = arb((a + b) / 2)
        for _ in range(200):
            s, ds = critical_orbit(r, p)[-1]
            step = (s / ds).mid()
            r = (r - step).mid()
            if abs(step) < arb(2) ** (-prec + 16):
                break
        return r


def _solve(n: int, x, r, lam, iters: int = 60, tol_bits: int = 0):
    """Newton on f_r^n(x) = x, (f_r^n)'(x) = lam from (x, r): (x, r, converged)."""
    for _ in range(iters):
        g, gx, gr, gxx, gxr = jet(x, r, n)
        F0, F1 = g - x, gx - lam
        a, b, c, d = gx - 1, gr, gxx, gxr
        det = a * d - b * c
        if det == 0 or not det.is_finite():
            return x, r, False
        dx = ((d * F0 - b * F1) / det).mid()
        dr = ((a * F1 - c * F0) / det).mid()
        x, r = (x - dx).mid(), (r - dr).mid()
        if not (x.is_finite() and r.is_finite()):
            return x, r, False
        if tol_bits and abs(dx) + abs(dr) < arb(2) ** (-tol_bits):
            return x, r, True
    return x, r, not tol_bits


def _min_period_far(n: int, x, r) -> bool:
    """x is far from every point of period a proper divisor of n (untrusted screen)."""
    y, k = x, 0
    for k in range(1, n):
        y = r * y * (1 - y)
        if n % k == 0 and abs(y - x) < arb(10) ** -8:
            return False
    return True


def find_birth(p: int, center: arb, prec: int):
    """(kind, x, r) of the root of the window whose center is `center` (ball midpoints, untrusted)."""
    with workprec(prec):
        x, r = arb(fmpq(1, 2)), center
        for lam in [k / 20 for k in range(1, 19)] + [0.95, 0.98]:
            x, r, _ = _solve(p, x, r, arb(lam), iters=30)
        # a saddle-node: lam = 1 at a point of minimal period p
        xs, rs, ok = _solve(p, x, r, arb(1), iters=200, tol_bits=prec - 32)
        if ok and abs(rs - r) < 0.01 and _min_period_far(p, xs, rs):
            return "saddle-node", xs, rs
        if p % 2 == 0:
            xq, rq, ok = _solve(p // 2, x, r, arb(-1), iters=200, tol_bits=prec - 32)
            if ok and abs(rq - r) < 0.01 and _min_period_far(p // 2, xq, rq):
                return "period-doubling", xq, rq
    return None


def _minpoly(n: int, sign: int, R) -> dict:
    """{"minpoly": integer coefficients} of the birth in R when the resultant is small enough
    (n <= MAX_MINPOLY_N; the kernel redoes it: checker/logistic.py), else {}."""
    from flint import fmpq_poly

    from certify.checker.logistic import MAX_MINPOLY_N, birth_factors
    from certify.checker.polynomials import count_real_roots

    if n > MAX_MINPOLY_N:
        return {}
    owners = [g for g in birth_factors(n, sign) if count_real_roots(fmpq_poly(g.coeffs()), *R) > 0]
    return {"minpoly": [str(int(c)) for c in owners[0].coeffs()]} if len(owners) == 1 else {}


def births_fact(p: int, A: fmpq, digits: int, report=lambda msg: None):
    """The kernel's `logistic_births` fact for period p on (A, 4], or a reason (str)."""
    got = center_cover(p, A)
    if got is None:
        return "the superstable cover of the range did not close"
    cuts, tags, centers = got
    report(f"period {p}: {len(centers)} superstable parameters in ({float(A):.6g}, 4]; locating their births")
    bits = math.ceil((digits + 1) * math.log2(10)) + 4
    prec = 2 * bits + 64 + 8 * p
    rho = fmpq(1, 4 * 10 ** digits)
    births = []
    for a, b in centers:
        s = _newton_center(p, a, b, prec)
        found = find_birth(p, s, prec)
        if found is None:
            return f"no birth located for the window whose center is near r = {float(s.mid()):.15g}"
        kind, x, r = found
        xm, rm = dyadic(x.mid().fmpq(), bits + 8, up=False), dyadic(r.mid().fmpq(), bits + 8, up=False)
        X, R = (xm - rho, xm + rho), (rm - rho, rm + rho)
        n, sign = (p, 1) if kind == "saddle-node" else (p // 2, -1)
        if not krawczyk_fold(n, sign, X, R, prec):
            return f"the {kind} near r = {float(rm):.15g} was not proved (Krawczyk)"
        births.append(dict({"kind": kind, "x": interval(*X), "r": interval(*R)}, **_minpoly(n, sign, R)))
    births.sort(key=lambda bt: interval_parse(bt["r"])[0])
    return {"fact": "logistic_births", "prec": prec, "cuts": [q_str(c) for c in cuts], "tags": tags,
            "births": births}
