"""Families piecewise linear in x with fixed breakpoints, and their critical parameters (trusted kernel).

A family f_r(x) whose program is built from x, r, constants, +, products with r-polynomial
factors, max and min, with every kink at a rational t independent of r (checked on the range), has
an exact table: breaks t_1 < ... < t_m and, on the closed piece k, f_r(x) = s_k(r) x + c_k(r) with
s_k, c_k polynomials in r (`pl_family`).

Lemma (critical parameters). Along an itinerary w = (k_0, ..., k_{p-1}) of pieces, x_j = A_j x + B_j
(A_0 = 1, B_0 = 0, A_{j+1} = s_{k_j} A_j, B_{j+1} = s_{k_j} B_j + c_{k_j}), f_r^p(x) = A_p x + B_p on
the cylinder I_w(r) = {x : x_j in piece k_j, j < p}; put D = 1 - A_p, C = B_p. Let J be an interval of
parameters on which none of the polynomials below vanishes (those identically zero are left out:
their sign is constant). Then whether some point of minimal period p has itinerary w is the same for
every r in J:
- D not identically 0: on J the only candidate is x_0 = C/D, x_j = N_j/D with N_j = A_j C + B_j D; it
  lies in piece k_j iff the sign of (N_j - t D)/D is right for each break t of the piece, and its
  points are distinct iff N_i - N_j != 0. Polynomials: D, N_j - t D, N_i - N_j.
- D = 0 identically, C not: f_r^p(x) - x = C(r) != 0 on the cylinder. Polynomial: C.
- D = 0 and C = 0 identically: f_r^p is the identity on I_w(r), a continuum of periodic points. Each
  constraint is A_j x + B_j >= t or <= t: with A_j = 0 identically it holds or fails with the sign of
  B_j - t; otherwise it bounds x by the end e = (t - B_j)/A_j on the side the sign of A_j gives.
  Polynomials: A_j, B_j - t (A_j = 0), (t - B_j) A_i - (t' - B_i) A_j (two ends: their order). On J
  the cylinder is then empty, one point, or of positive length throughout. x_i = x_j is
  (A_i - A_j) x + (B_i - B_j) = 0: polynomials A_i - A_j, B_i - B_j (a pair equal for every x, or
  at one point, or never), and (A_i - A_j)(t - B_k) + (B_i - B_j) A_k (the pair equal at the end
  e of a one-point cylinder). A cylinder of positive length minus finitely many points is not
  empty, so existence is constant on J.
Only itineraries some f_r, r in the range, can follow matter (`transitions`). So the set of
parameters with a point of minimal period p is constant on every interval of the range free of
roots of `pl_critical`: the critical parameters.
"""

from __future__ import annotations

from flint import arb, fmpq, fmpq_poly

from certify.checker.limits import MAX_ITINERARIES
from certify.checker.polynomials import count_real_roots
from certify.checker.semantics import Program

__all__ = ["pl_family", "transitions", "itineraries", "count_itineraries", "pl_critical", "critical_root_count",
           "AlgebraicParameter", "period_at", "MAX_ITINERARIES"]


def pl_family(prog: Program, A, B):
    """(breaks, slopes, icepts) of a family that is PL in x with breakpoints independent of the
    parameter r in [A, B]; slopes and intercepts are fmpq_polys in r. None if not of that form."""
    X1 = fmpq_poly([0, 1])

    def const(q):
        return fmpq_poly([q])

    def sign_on_range(poly):
        """+1 / -1 when poly keeps a strict sign on [A, B], else 0."""
        if poly.is_zero():
            return 0
        if poly.degree() > 0 and count_real_roots(poly, A, B) > 0:
            return 0
        v = poly(A)
        return 1 if v > 0 else -1

    def relu(f):
        alpha, beta, kinks = f
        if kinks:
            return None  # relu of a kinked function: not handled for families
        if beta.is_zero():
            sg = sign_on_range(alpha)
            if sg == 0 and not alpha.is_zero():
                return None
            return (alpha if sg > 0 else const(0), const(0), [])
        sg = sign_on_range(beta)
        if sg == 0:
            return None
        # the kink t = -alpha/beta must be a constant rational
        r0 = A
        t = -alpha(r0) / beta(r0)
        if not (alpha + beta * const(t)).is_zero():
            return None
        if sg > 0:
            return (const(0), const(0), [(t, beta)])
        return (alpha, beta, [(t, -beta)])

    vals = []
    for ins in prog.code:
        op = ins[0]
        if op == "x":
            r = (const(0), const(1), [])
        elif op == "param":
            r = (X1, const(0), [])
        elif op == "const":
            r = (const(ins[1]), const(0), [])
        elif op == "add":
            alpha, beta, kinks = const(0), const(0), []
            for k in ins[1:]:
                a, b, ks = vals[k]
                alpha, beta, kinks = alpha + a, beta + b, kinks + ks
            r = (alpha, beta, kinks)
        elif op == "mul":
            factor, f = const(1), None
            for k in ins[1:]:
                a, b, ks = vals[k]
                if b.is_zero() and not ks:
                    factor = factor * a
                elif f is None:
                    f = vals[k]
                else:
                    return None
            r = (factor, const(0), []) if f is None else (factor * f[0], factor * f[1], [(t, factor * g) for t, g in f[2]])
        elif op in ("max", "min"):
            u, v = vals[ins[1]], vals[ins[2]]
            rd = relu((u[0] - v[0], u[1] - v[1], u[2] + [(t, -g) for t, g in v[2]]))
            if rd is None:
                return None
            if op == "max":
                r = (v[0] + rd[0], v[1] + rd[1], v[2] + rd[2])
            else:
                r = (u[0] - rd[0], u[1] - rd[1], u[2] + [(t, -g) for t, g in rd[2]])
        elif op == "pow" and ins[2] == 1:
            r = vals[ins[1]]
        else:
            return None
        vals.append(r)
    alpha, beta, kinks = vals[-1]
    merged = {}
    order = []
    for t, g in kinks:
        if t not in merged:
            order.append(t)
            merged[t] = const(0)
        merged[t] = merged[t] + g
    breaks, slopes, icepts = [], [beta], [alpha]
    for t in sorted(order):
        g = merged[t]
        if g.is_zero():
            continue
        breaks.append(t)
        slopes.append(slopes[-1] + g)
        icepts.append(icepts[-1] - g * const(t))
    return breaks, slopes, icepts




def transitions(fam, A, B) -> list:
    """succ[k]: the pieces j that f_r maps some point of piece k into, for some r in [A, B] (a ball
    enclosure of the image of each piece over x and r, so a superset). An itinerary that uses a
    missing transition is never followed by any orbit of any f_r, r in [A, B]."""
    from certify.checker.semantics import ball_of, workprec

    breaks, slopes, icepts = fam
    n = len(slopes)
    with workprec(128):
        R = ball_of(A, B)

        def at(poly):
            return sum((arb(c) * R ** i for i, c in enumerate(poly.coeffs())), arb(0))

        succ = []
        for k in range(n):
            lo = breaks[k - 1] if k > 0 else None
            hi = breaks[k] if k < n - 1 else None
            s, c = at(slopes[k]), at(icepts[k])
            ends = [v for v in (lo, hi) if v is not None]
            vals = [s * arb(t) + c for t in ends]
            ylo = min((v.lower() for v in vals), default=None, key=lambda b: b.mid()) if vals else None
            yhi = max((v.upper() for v in vals), default=None, key=lambda b: b.mid()) if vals else None
            if lo is None or hi is None:  # a tail: unbounded image unless the slope is certainly 0
                if not (s.is_exact() and s == 0):
                    grows_up = (s > 0 and hi is None) or (s < 0 and lo is None)
                    grows_down = (s > 0 and lo is None) or (s < 0 and hi is None)
                    if not (s > 0 or s < 0):
                        grows_up = grows_down = True
                    if lo is None and hi is None:
                        grows_up = grows_down = True
                    ylo = None if grows_down else ylo
                    yhi = None if grows_up else yhi
                else:
                    ylo, yhi = c.lower(), c.upper()
            row = []
            for j in range(n):
                jlo = breaks[j - 1] if j > 0 else None
                jhi = breaks[j] if j < n - 1 else None
                # dropped only when the image is certainly below or certainly above piece j
                if not ((yhi is not None and jlo is not None and yhi < arb(jlo)) or
                        (ylo is not None and jhi is not None and ylo > arb(jhi))):
                    row.append(j)
            succ.append(row)
    return succ


def itineraries(succ, p: int):
    """Every word (k_0..k_{p-1}) with k_i -> k_{i+1} and k_{p-1} -> k_0 allowed by succ."""
    allowed = [set(r) for r in succ]
    stack = [(k,) for k in range(len(succ))]
    while stack:
        w = stack.pop()
        if len(w) == p:
            if w[0] in allowed[w[-1]]:
                yield w
            continue
        stack.extend(w + (j,) for j in succ[w[-1]])


def count_itineraries(fam, p: int, A, B) -> int:
    """The number of itineraries `itineraries` would list: closed walks of length p in the transition
    graph, trace(M^p) of its 0/1 matrix (exact integers, by repeated squaring: no enumeration)."""
    succ = transitions(fam, A, B)
    k = len(succ)
    M = [[1 if j in succ[i] else 0 for j in range(k)] for i in range(k)]

    def mul(X, Y):
        return [[sum(X[i][t] * Y[t][j] for t in range(k) if X[i][t]) for j in range(k)] for i in range(k)]

    R, e = [[int(i == j) for j in range(k)] for i in range(k)], p
    while e:
        if e & 1:
            R = mul(R, M)
        e >>= 1
        if e:
            M = mul(M, M)
    return sum(R[i][i] for i in range(k))


def _along(word, slopes, icepts):
    """Along an itinerary: the forms (A_j, B_j) of f^j, j = 0..p (polynomials in the parameter), and
    D = 1 - A_p, C = B_p."""
    Aj, Bj = fmpq_poly([1]), fmpq_poly([0])
    partial = [(Aj, Bj)]
    for k in word:
        Aj, Bj = slopes[k] * Aj, slopes[k] * Bj + icepts[k]
        partial.append((Aj, Bj))
    return partial, 1 - Aj, Bj


def pl_critical(fam, p: int, A, B) -> list:
    """The distinct monic irreducible factors (fmpq_polys in r) of the critical polynomials of
    period p (module docstring): for every itinerary of pieces that some f_r, r in [A, B], can
    follow (`transitions`), the polynomials of the lemma's case. Distinct irreducibles have no
    common root."""
    from flint import fmpz_poly

    breaks, slopes, icepts = fam
    factors: dict = {}

    def add(c):
        if c.is_zero() or c.degree() < 1:
            return
        num = fmpz_poly([int(v) for v in (c * c.denom()).numer().coeffs()])
        for f, _ in num.factor()[1]:
            if f.degree() >= 1:
                g = fmpq_poly([fmpq(int(v)) for v in f.coeffs()])
                g = g / g.coeffs()[-1]
                factors.setdefault(tuple(g.coeffs()), g)

    for word in itineraries(transitions(fam, A, B), p):
        partial, D, C = _along(word, slopes, icepts)
        # the constraints x_j in piece k_j: (j, break t)
        cons = [(j, t) for j, k in enumerate(word)
                for t in ([breaks[k - 1]] if k > 0 else []) + ([breaks[k]] if k < len(breaks) else [])]
        if not D.is_zero():
            nums = [a * C + b * D for a, b in partial[:p]]  # x_j = nums[j] / D
            add(D)
            for j, t in cons:
                add(nums[j] - fmpq_poly([t]) * D)
            for i in range(p):
                for j in range(i + 1, p):
                    add(nums[i] - nums[j])
            continue
        if not C.is_zero():
            add(C)
            continue
        # f_r^p = id on the cylinder for every r
        for j in range(1, p):
            add(partial[j][0])
        ends = []
        for j, t in cons:
            a, b = partial[j]
            if a.is_zero():
                add(b - fmpq_poly([t]))
            else:
                ends.append((a, fmpq_poly([t]) - b))  # the end e = (t - B_j) / A_j
        for u in range(len(ends)):
            for v in range(u + 1, len(ends)):
                add(ends[u][1] * ends[v][0] - ends[v][1] * ends[u][0])
        for i in range(p):
            for j in range(i + 1, p):
                da, db = partial[i][0] - partial[j][0], partial[i][1] - partial[j][1]
                add(da)
                add(db)
                for a, n in ends:
                    add(da * n + db * a)
    return [factors[k] for k in sorted(factors)]


def critical_root_count(factors, lo, hi) -> int:
    """Number of distinct real roots of the critical factors in [lo, hi]."""
    return sum(count_real_roots(f, lo, hi) for f in factors)




# ----------------------------------------------------------------------------- one algebraic parameter

class AlgebraicParameter:
    """c, the one real root of the monic irreducible m in [lo, hi] (lo == hi: c = lo rational, m
    linear): exact signs of rational polynomials g at c. g(c) = 0 iff m divides g (m irreducible);
    otherwise g(c) != 0, and [lo, hi] is halved around c (m changes sign at c only) until a ball
    evaluation of g excludes 0 there or g has no root in it (then g(c) has the sign of g(lo))."""

    def __init__(self, m: fmpq_poly, lo, hi):
        self.m, self.lo, self.hi = m, fmpq(lo), fmpq(hi)
        if m.degree() == 1:
            c = -m.coeffs()[0] / m.coeffs()[1]
            self.lo = self.hi = c
        if self.lo == self.hi and m(self.lo) != 0:
            raise ValueError("a one-point interval must hold the rational root")

    def sign(self, g: fmpq_poly) -> int:
        from certify.checker.semantics import ball_of, workprec

        if self.lo == self.hi:
            v = g(self.lo)
            return (v > 0) - (v < 0)
        g = g % self.m
        if g.is_zero():
            return 0
        while True:
            with workprec(128):
                x, b = ball_of(self.lo, self.hi), arb(0)
                for coef in reversed(g.coeffs()):
                    b = b * x + arb(coef)
                if b > 0 or b < 0:
                    return 1 if b > 0 else -1
            if g.degree() < 1 or count_real_roots(g, self.lo, self.hi) == 0:
                v = g(self.lo)
                return 1 if v > 0 else -1
            mid = (self.lo + self.hi) / 2
            if (self.m(mid) > 0) == (self.m(self.lo) > 0):
                self.lo = mid
            else:
                self.hi = mid


def period_at(fam, p: int, A, B, c: AlgebraicParameter) -> bool:
    """Whether f_c, c in [A, B], has a point of minimal period p, decided exactly.

    Every such point has an itinerary of closed pieces that `transitions` on [A, B] allows (a
    superset for each r of the range); along it f_c^p(x) = A_p x + B_p on the cylinder. With
    D = 1 - A_p and C = B_p at c: D != 0: the one candidate x_j = N_j / D must lie in piece k_j and
    the p points be distinct; D = 0, C != 0: none; D = C = 0: the cylinder {x : A_j x + B_j in piece
    k_j} is an interval (from the ends e = (t - B_j) / A_j and the constraints with A_j = 0), and a
    point of minimal period p exists iff it is one point with distinct orbit points, or longer and
    no pair x_i = x_j holds identically (each other pair is equal at one point at most)."""
    breaks, slopes, icepts = fam
    sg = c.sign
    for word in itineraries(transitions(fam, A, B), p):
        partial, D, C = _along(word, slopes, icepts)
        # constraints (j, t, +1): x_j >= t (a break below piece k_j); (j, t, -1): x_j <= t (a break above)
        cons = [(j, t, side) for j, k in enumerate(word)
                for t, side in ([(breaks[k - 1], 1)] if k > 0 else []) + ([(breaks[k], -1)] if k < len(breaks) else [])]
        sD = sg(D)
        if sD != 0:
            nums = [a * C + b * D for a, b in partial[:p]]
            if all(sg(nums[j] - fmpq_poly([t]) * D) * sD * side >= 0 for j, t, side in cons) and \
                    all(sg(nums[i] - nums[j]) != 0 for i in range(p) for j in range(i + 1, p)):
                return True
            continue
        if sg(C) != 0:
            continue
        if _cylinder_has_orbit(partial, cons, p, sg):
            return True
    return False


def _cylinder_has_orbit(partial, cons, p: int, sg) -> bool:
    """f_c^p is the identity on the cylinder: is some point of it of minimal period p?"""
    lowers, uppers = [], []  # ends e = n / a with the sign of a: x >= e, x <= e
    for j, t, side in cons:
        a, b = partial[j]
        sa = sg(a)
        if sa == 0:
            if sg(b - fmpq_poly([t])) * side < 0:
                return False
            continue
        end = (fmpq_poly([t]) - b, a, sa)
        (lowers if sa * side > 0 else uppers).append(end)

    def cmp(e, f):  # sign of e - f for e = n/a, f = n'/a'
        return sg(e[0] * f[1] - f[0] * e[1]) * e[2] * f[2]

    lo = hi = None
    for e in lowers:
        lo = e if lo is None or cmp(e, lo) > 0 else lo
    for e in uppers:
        hi = e if hi is None or cmp(e, hi) < 0 else hi
    pairs = [(partial[i][0] - partial[j][0], partial[i][1] - partial[j][1]) for i in range(p) for j in range(i + 1, p)]
    if lo is not None and hi is not None:
        gap = cmp(lo, hi)
        if gap > 0:
            return False
        if gap == 0:  # one point x = n / a: x_i = x_j iff da * n + db * a = 0
            return all(sg(da * lo[0] + db * lo[1]) != 0 for da, db in pairs)
    return all(sg(da) != 0 or sg(db) != 0 for da, db in pairs)
