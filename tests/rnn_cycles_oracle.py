"""An independent oracle for the cycles of vanilla RNN maps h -> act(W h + b), for tests of the kernel's
`rnn_cycles` claims (certify.checker.rnn_orbits).

Independent of certify on purpose: it imports nothing from `certify`, and takes the simplest correct route at
every step. Three oracles:

`pl_cycles(act, W, b, p, region)`, act hardtanh or relu, W and b Fractions: exact. Each unit's pre-activation
u = (W h + b)_i lies in a closed piece of its activation (hardtanh: u <= -1 -> -1, -1 <= u <= 1 -> u, u >= 1
-> 1; relu: u <= 0 -> 0, u >= 0 -> u), so every cycle z_0 -> z_1 -> ... -> z_{p-1} -> z_0 follows an
itinerary (one piece per unit and time, 3^(n p) or 2^(n p) of them) along which z_t = P_t z_0 + q_t are affine
in z_0 and z_0 solves (I - P_p) z_0 = q_p, with the pre-activations in their pieces and (the statement's
region) every z_t in the closed box B. Conversely each such solution is a cycle. Per itinerary the solution
set C of these linear equations and inequalities is a polytope (B bounds z_0): empty, one point, or
infinite. An infinite C inside one of the affine sets {z_t = z_{t+d}} (d a proper divisor of p; exactly when
every vertex of C has f^d(v) = v) holds no point of minimal period p and is dropped; any other infinite C
holds infinitely many (a convex set covered by finitely many affine sets lies in one of them): CONTINUUM.
The vertices are found by brute force (every k-subset of the constraints, k the dimension of the equations'
solution set). Itineraries are pruned only by a necessary condition (each pre-activation constraint holds
somewhere on z_0's box). Candidate points are iterated with f itself (exactly) to confirm f^p(z_0) = z_0 and find the minimal period.

`diagonal_cycles(act, w, b, p)`, act tanh or sigmoid, W = diag(w): numerical (mpmath, 60 digits). The map is
the product of the 1-D maps x -> act(w_i x + b_i); a cycle of the product of minimal period p is a tuple of
1-D cycles of minimal periods d_i with lcm p, in one of prod(d_i) / p phase classes. The 1-D cycles of period
d | p are the roots of g(x) = f^d(x) - x, found by sign changes on a grid of the interval f(f(R)) (which holds
every periodic point) and bisection at 60 digits. The oracle declines (returns None) when unsure: |g| small
at a grid point with no sign change next to it (near tangency), two roots within a grid step, a root with
(f^d)'(x) near 1 (a degenerate root), a root whose orbit is not among the roots found.

`newton_cycles(act, W, b, p, region)`, act tanh or sigmoid, any W: a lower bound. Newton's method on the cyclic
system from seeded random starts (floats), each zero refined at 50 digits (`refine_cycle`); orbits near the
region's faces, near-ties and near-singular zeros are left out.

Canonical rotation (the kernel's): the rotation whose point 0 has the least first coordinate. When two points
of an orbit share the least first coordinate the rotation is not defined, and the kernel must refuse: TIE.
"""

from __future__ import annotations

import random
from fractions import Fraction
from itertools import combinations, product
from math import lcm

import mpmath
import numpy as np

CONTINUUM = "continuum"   # infinitely many orbits of minimal period p in the region: the kernel must refuse
TIE = "tie"               # an orbit whose least first coordinate is shared by two of its points: must refuse
MAX_NP = 8                # 3^(n p) itineraries

ZERO, ONE = Fraction(0), Fraction(1)

# the closed pieces of each activation: (slope, constant, [(sign, kink)]) meaning act(u) = slope u + constant
# where sign * (u - kink) <= 0 for every pair
PIECES = {
    "hardtanh": ((0, -ONE, [(1, -ONE)]), (1, ZERO, [(-1, -ONE), (1, ONE)]), (0, ONE, [(-1, ONE)])),
    "relu": ((0, ZERO, [(1, ZERO)]), (1, ZERO, [(-1, ZERO)])),
}


def act_exact(name: str, u: Fraction) -> Fraction:
    if name == "hardtanh":
        return min(max(u, -ONE), ONE)
    if name == "relu":
        return max(u, ZERO)
    raise ValueError(f"not a piecewise-linear activation: {name}")


def step(act: str, W, b, h) -> tuple:
    """f(h) = act(W h + b), exactly, straight from the formula."""
    return tuple(act_exact(act, sum((w * x for w, x in zip(row, h)), ZERO) + bi) for row, bi in zip(W, b))


def orbit(act: str, W, b, h, p: int) -> list:
    out = [tuple(h)]
    for _ in range(p - 1):
        out.append(step(act, W, b, out[-1]))
    return out


def minimal_period(act: str, W, b, h, p: int):
    """The least e <= p with f^e(h) = h, or None."""
    y = tuple(h)
    for e in range(1, p + 1):
        y = step(act, W, b, y)
        if y == tuple(h):
            return e
    return None


def canonical(points: list, order=None, tol=0):
    """The rotation of the orbit (a list of points in orbit order) starting at its point with the least key, or
    TIE when two points share it (keys within tol): the key is the first coordinate (order None), c.z (order a
    list c of n numbers) or the point itself, lexicographically (order "lex": never a tie, the points differ)."""
    if order == "lex":
        keys = [tuple(z) for z in points]
    elif order is None:
        keys = [z[0] for z in points]
    else:
        keys = [sum((c * x for c, x in zip(order, z)), 0 * z[0]) for z in points]
    k = min(range(len(points)), key=keys.__getitem__)
    if order != "lex" and any(t != k and abs(keys[t] - keys[k]) <= tol for t in range(len(points))):
        return TIE
    return tuple(points[k:] + points[:k])


def solve_affine(M, c):
    """Every solution of M x = c (Fractions) as (x0, N): x = x0 + sum t_j N[j], N a basis of the null space
    (list of vectors, empty when the solution is unique), or None when there is none. Gauss-Jordan."""
    rows, cols = len(M), len(M[0])
    R = [list(M[i]) + [c[i]] for i in range(rows)]
    pivots, r = [], 0
    for col in range(cols):
        piv = next((i for i in range(r, rows) if R[i][col] != 0), None)
        if piv is None:
            continue
        R[r], R[piv] = R[piv], R[r]
        R[r] = [x / R[r][col] for x in R[r]]
        for i in range(rows):
            if i != r and R[i][col] != 0:
                f = R[i][col]
                R[i] = [x - f * y for x, y in zip(R[i], R[r])]
        pivots.append(col)
        r += 1
    if any(R[i][cols] != 0 for i in range(r, rows)):
        return None
    x0 = [ZERO] * cols
    for i, col in enumerate(pivots):
        x0[col] = R[i][cols]
    free = [j for j in range(cols) if j not in pivots]
    N = []
    for j in free:
        v = [ZERO] * cols
        v[j] = ONE
        for i, col in enumerate(pivots):
            v[col] = -R[i][j]
        N.append(v)
    return x0, N


def _dot(a, x) -> Fraction:
    return sum((u * v for u, v in zip(a, x)), ZERO)


def vertices(cons: list, k: int) -> list:
    """The vertices of the bounded polytope {t in Q^k : g . t <= h for (g, h) in cons}: every point where k
    linearly independent constraints are tight and all hold (empty list: the polytope is empty)."""
    uniq = {}
    for g, h in cons:
        nz = next((x for x in g if x != 0), None)
        if nz is None:
            if h < 0:
                return []
            continue
        s = abs(nz)
        key = tuple(x / s for x in g)
        uniq[key] = min(uniq.get(key, h / s), h / s)
    cons = list(uniq.items())
    found = set()
    for sub in combinations(cons, k):
        sol = solve_affine([list(g) for g, _ in sub], [h for _, h in sub])
        if sol is None or sol[1]:
            continue
        t = tuple(sol[0])
        if all(_dot(g, t) <= h for g, h in cons):
            found.add(t)
    return sorted(found)


def _matmul(A, B):
    return [[_dot(row, col) for col in zip(*B)] for row in A]


def pl_cycles(act: str, W, b, p: int, region=None, order=None):
    """Every orbit of minimal period p of h -> act(W h + b) (act hardtanh or relu; W, b Fractions) whose points
    all lie in the closed box `region` (n pairs (lo, hi); default [-1, 1]^n for hardtanh, which holds every
    cycle; required for relu), exactly: a sorted list of canonical rotations (`canonical` with `order`: tuples of
    p points, each a tuple of n Fractions), or CONTINUUM (infinitely many), or TIE (some orbit's rotation is not
    defined)."""
    if order not in (None, "lex"):
        order = [Fraction(c) for c in order]
    n = len(b)
    if n * p > MAX_NP:
        raise ValueError(f"n p = {n * p} > {MAX_NP}: too many itineraries")
    if region is None:
        if act != "hardtanh":
            raise ValueError("a region is required for relu")
        region = [(-ONE, ONE)] * n
    W = [[Fraction(x) for x in row] for row in W]
    b = [Fraction(x) for x in b]
    region = [(Fraction(lo), Fraction(hi)) for lo, hi in region]
    pieces = PIECES[act]
    eye = [[ONE if i == j else ZERO for j in range(n)] for i in range(n)]
    found, tie, proper = set(), False, [d for d in range(1, p) if p % d == 0]

    def box_cons(P, q):
        """z = P z_0 + q in the region, as constraints a . z_0 <= h."""
        out = []
        for i, (lo, hi) in enumerate(region):
            out.append((P[i], hi - q[i]))
            out.append(([-x for x in P[i]], q[i] - lo))
        return out

    def candidate(z0):
        nonlocal tie
        e = minimal_period(act, W, b, z0, p)
        assert e is not None and p % e == 0, "a solution of an itinerary's system is not a p-cycle"
        if e != p:
            return
        pts = orbit(act, W, b, z0, p)
        if not all(lo <= x <= hi for z in pts for x, (lo, hi) in zip(z, region)):
            return
        can = canonical(pts, order)
        if can is TIE:
            tie = True
        else:
            found.add(can)

    def leaf(P, q, cons):
        sol = solve_affine([[eye[i][j] - P[i][j] for j in range(n)] for i in range(n)], q)
        if sol is None:
            return False
        x0, N = sol
        if not N:
            if all(_dot(a, x0) <= h for a, h in cons):
                candidate(tuple(x0))
            return False
        # z_0 = x0 + N^T t: the constraints in t
        tcons = [([_dot(a, v) for v in N], h - _dot(a, x0)) for a, h in cons]
        vs = [tuple(x + sum((tj * v[i] for tj, v in zip(t, N)), ZERO) for i, x in enumerate(x0))
              for t in vertices(tcons, len(N))]
        if len(vs) == 1:
            candidate(vs[0])
        elif len(vs) > 1:
            if not any(all(orbit(act, W, b, v, d + 1)[d] == v for v in vs) for d in proper):
                return True
        return False

    def low(a) -> Fraction:
        """The least value of a . z_0 over the region's box."""
        return sum((min(x * lo, x * hi) for x, (lo, hi) in zip(a, region)), ZERO)

    def walk(t, P, q, cons):
        """z_t = P z_0 + q; cons the constraints so far. True when a continuum is met."""
        if t == p:
            return leaf(P, q, cons)
        WP, u0 = _matmul(W, P), [_dot(row, q) + bi for row, bi in zip(W, b)]
        for choice in product(pieces, repeat=n):
            P2, q2, c2 = [], [], list(cons)
            for i, (slope, const, kinks) in enumerate(choice):
                P2.append([slope * x for x in WP[i]])
                q2.append(slope * u0[i] + const)
                for sign, kink in kinks:
                    c2.append(([sign * x for x in WP[i]], sign * (kink - u0[i])))
            # pruning (a necessary condition only): each constraint must hold somewhere on z_0's box
            if any(low(a) > h for a, h in c2[len(cons):]):
                continue
            if walk(t + 1, P2, q2, c2 + box_cons(P2, q2)):
                return True
        return False

    if walk(0, eye, [ZERO] * n, box_cons(eye, [ZERO] * n)):
        return CONTINUUM
    if tie:
        return TIE
    return sorted(found)


# ----------------------------------------------------------------------------- diagonal tanh / sigmoid

DPS = 60
GRID = 2000
NEAR = 1e-7         # |g| below this at a grid point with no sign change next to it: a near tangency
DEGENERATE = 1e-6   # |(f^d)'(x) - 1| below this at a root: a degenerate root


def _float_act(name):
    if name == "tanh":
        return np.tanh
    if name == "sigmoid":
        return lambda u: 1 / (1 + np.exp(-u))
    raise ValueError(f"not a smooth activation: {name}")


def _mp_act(name, u):
    return mpmath.tanh(u) if name == "tanh" else 1 / (1 + mpmath.exp(-u))


def _mp_slope(name, u):
    if name == "tanh":
        return 1 - mpmath.tanh(u) ** 2
    s = 1 / (1 + mpmath.exp(-u))
    return s * (1 - s)


def mp_q(q: Fraction):
    return mpmath.mpf(q.numerator) / q.denominator


def cycles_1d(act: str, w: Fraction, b: Fraction, d: int):
    """The cycles of minimal period d of x -> act(w x + b) (mpmath numbers at the current precision), each a
    list of its d points in orbit order from its least point, sorted; None when unsure."""
    W, B = mp_q(Fraction(w)), mp_q(Fraction(b))

    def f(x):
        return _mp_act(act, W * x + B)

    def fd(x, k):
        for _ in range(k):
            x = f(x)
        return x

    if w == 0:
        return [[f(mpmath.mpf(0))]] if d == 1 else []
    a, c = sorted((float(b) - abs(float(w)), float(b) + abs(float(w)))) if act == "tanh" else \
        (float(b) + min(float(w), 0.0), float(b) + max(float(w), 0.0))
    fl = _float_act(act)
    lo, hi = float(fl(a)), float(fl(c))          # f(f(R)) lies in [lo, hi]
    pad = 1e-3 * (hi - lo) + 1e-12
    xs = np.linspace(lo - pad, hi + pad, GRID)
    xs = xs + 0.1234567 * (xs[1] - xs[0])  # off any simple rational point
    h = xs[1] - xs[0]
    y = xs.copy()
    for _ in range(d):
        y = fl(float(w) * y + float(b))
    g = y - xs
    if not (g[0] > 0 and g[-1] < 0):
        return None
    roots = []
    for k in range(GRID):
        near = abs(g[k]) < NEAR
        changes = (k > 0 and g[k - 1] * g[k] <= 0) or (k + 1 < GRID and g[k] * g[k + 1] <= 0)
        if near and not changes:
            return None
        if k + 1 < GRID and g[k] * g[k + 1] < 0:
            u, v = mpmath.mpf(float(xs[k])), mpmath.mpf(float(xs[k + 1]))
            gu = fd(u, d) - u
            for _ in range(int(mpmath.mp.prec) + 10):
                m = (u + v) / 2
                gm = fd(m, d) - m
                if gm == 0:
                    u = v = m
                    break
                if (gm > 0) == (gu > 0):
                    u, gu = m, gm
                else:
                    v = m
            roots.append((u + v) / 2)
        elif k + 1 < GRID and g[k] * g[k + 1] == 0:
            return None   # an exact zero at a grid point: not expected off the rational grid
    if any(r2 - r1 < 2 * h for r1, r2 in zip(roots, roots[1:])):
        return None
    tol = mpmath.mpf(10) ** (-(mpmath.mp.dps * 2 // 3))
    out, seen = [], []
    for r in roots:
        deriv, x = mpmath.mpf(1), r
        for _ in range(d):
            deriv *= W * _mp_slope(act, W * x + B)
            x = f(x)
        if abs(deriv - 1) < DEGENERATE:
            return None
        e = next(e for e in range(1, d + 1) if abs(fd(r, e) - r) < tol)
        if e != d:
            continue
        orb = [r]
        for _ in range(d - 1):
            orb.append(f(orb[-1]))
        if not all(any(abs(x - s) < tol for s in roots) for x in orb):
            return None
        k = min(range(d), key=lambda i: orb[i])
        orb = orb[k:] + orb[:k]
        if not any(abs(orb[0] - s[0]) < tol for s in seen):
            seen.append(orb)
    out = sorted(seen, key=lambda o: o[0])
    if sum(len(o) for o in out) != sum(1 for r in roots if
                                       next(e for e in range(1, d + 1) if abs(fd(r, e) - r) < tol) == d):
        return None
    return out


def diagonal_cycles(act: str, w, b, p: int, region=None, order=None, dps: int = DPS):
    """Every orbit of minimal period p of h -> act(diag(w) h + b) (act tanh or sigmoid) with all its points in the
    closed box `region` (n pairs (lo, hi) of Fractions; default: all): a list of canonical rotations (`canonical`
    with `order`; tuples of p points, each a tuple of n mpmath numbers), sorted by point 0; TIE when some orbit's
    least key is shared by two of its points (within 10^-30: exact ties come from the product structure, e.g. a
    first coordinate of period d < p); None when unsure (also when a point is within 10^-30 of a face of the
    region)."""
    n = len(b)
    divisors = [d for d in range(1, p + 1) if p % d == 0]
    with mpmath.workdps(dps):
        near = mpmath.mpf(10) ** -30
        if order not in (None, "lex"):
            order = [mp_q(Fraction(c)) for c in order]
        per = []
        for i in range(n):
            cyc = {}
            for d in divisors:
                c = cycles_1d(act, w[i], b[i], d)
                if c is None:
                    return None
                cyc[d] = c
            per.append([(d, c) for d in divisors for c in cyc[d]])
        orbits, tie = [], False
        for combo in product(*per):
            ds = [d for d, _ in combo]
            if lcm(*ds) != p:
                continue
            seen = set()
            for phases in product(*(range(d) for d in ds)):
                if phases in seen:
                    continue
                cls = [tuple((a + t) % d for a, d in zip(phases, ds)) for t in range(p)]
                seen.update(cls)
                pts = [tuple(c[k] for (_, c), k in zip(combo, ph)) for ph in cls]
                if region is not None:
                    ends = [(mp_q(Fraction(lo)), mp_q(Fraction(hi))) for lo, hi in region]
                    if any(abs(x - e) < near for z in pts for x, pair in zip(z, ends) for e in pair):
                        return None
                    if not all(lo < x < hi for z in pts for x, (lo, hi) in zip(z, ends)):
                        continue
                can = canonical(pts, order, near)
                if can is TIE:
                    tie = True
                else:
                    orbits.append(can)
        if tie:
            return TIE
        return sorted(orbits, key=lambda o: o[0])


# ----------------------------------------------------------------------------- any W: cycles found by Newton (a lower bound)

NEWTON_TOL = 1e-40


def _cyclic(act, W, b, Z, n, p, lib):
    """F(Z) = (f(z_{p-1}) - z_0, f(z_0) - z_1, ...) and its Jacobian, with numpy (lib = np) or mpmath (lib = mpmath)."""
    N = n * p
    if lib is np:
        Wm, bv = np.array(W, dtype=float), np.array(b, dtype=float)
        F, J = np.zeros(N), -np.eye(N)
        for t in range(p):
            s = (t - 1) % p
            u = Wm @ Z[s * n:(s + 1) * n] + bv
            with np.errstate(over="ignore"):  # exp(-u) = inf for u << 0: y = 0, as it should
                y = np.tanh(u) if act == "tanh" else 1 / (1 + np.exp(-u))
            d = 1 - y * y if act == "tanh" else y * (1 - y)
            F[t * n:(t + 1) * n] = y - Z[t * n:(t + 1) * n]
            J[t * n:(t + 1) * n, s * n:(s + 1) * n] += d[:, None] * Wm
        return F, J
    F, J = mpmath.zeros(N, 1), -mpmath.eye(N)
    for t in range(p):
        s = (t - 1) % p
        for i in range(n):
            u = sum((mp_q(W[i][j]) * Z[s * n + j] for j in range(n)), mp_q(b[i]))
            y = _mp_act(act, u)
            F[t * n + i] = y - Z[t * n + i]
            for j in range(n):
                J[t * n + i, s * n + j] += _mp_slope(act, u) * mp_q(W[i][j])
    return F, J


def refine_cycle(act: str, W, b, p: int, Z0, steps: int = 12):
    """Newton's method on the cyclic system at the current mpmath precision from Z0 (n p numbers): the p points
    (tuples of n numbers) of the zero it reaches with |F| <= NEWTON_TOL, or None."""
    n = len(b)
    X = mpmath.matrix(list(Z0))
    try:
        for _ in range(steps):
            F, J = _cyclic(act, W, b, X, n, p, mpmath)
            X = X - mpmath.lu_solve(J, F)
    except ZeroDivisionError:
        return None
    F, _ = _cyclic(act, W, b, X, n, p, mpmath)
    if mpmath.norm(F, mpmath.inf) > NEWTON_TOL:
        return None
    return [tuple(X[t * n + i] for i in range(n)) for t in range(p)]


def newton_cycles(act: str, W, b, p: int, region, starts: int = 60, seed: int = 0, dps: int = 50) -> list:
    """Some orbits of minimal period p of h -> act(W h + b) (tanh or sigmoid, any W) inside the region, found by
    Newton's method on the cyclic system from seeded random starts (floats), refined at `dps` digits: a list of
    canonical rotations (tuples of p points of n mpmath numbers). A lower bound, not every orbit: orbits whose
    points are within 10^-20 of the region's faces or of each other, ties of the first coordinate and zeros with
    a near-singular Jacobian are left out."""
    n = len(b)
    rng = random.Random(seed)
    lo = np.array([float(a) for a, _ in region] * p)
    hi = np.array([float(c) for _, c in region] * p)
    found, seen = [], []
    with mpmath.workdps(dps):
        eps = mpmath.mpf(10) ** -20
        for _ in range(starts):
            Z = np.array([rng.uniform(a, c) for a, c in zip(lo, hi)])
            for _ in range(40):
                F, J = _cyclic(act, W, b, Z, n, p, np)
                if np.abs(F).max() < 1e-13:
                    break
                try:
                    Z = Z - np.linalg.solve(J, F)
                except np.linalg.LinAlgError:
                    break
                if not np.all(np.isfinite(Z)) or np.abs(Z).max() > 1e6:
                    break
            else:
                continue
            F, J = _cyclic(act, W, b, Z, n, p, np)
            if np.abs(F).max() > 1e-10 or np.linalg.cond(J) > 1e8:
                continue
            rot = np.roll(Z.reshape(p, n), -int(np.argmin(Z.reshape(p, n)[:, 0])), axis=0).ravel()
            if any(np.abs(rot - r).max() < 1e-8 for r in seen):
                continue  # the float rotation of a zero already refined
            seen.append(rot)
            pts = refine_cycle(act, W, b, p, [mpmath.mpf(float(x)) for x in Z])
            if pts is None:
                continue
            ends = [(mp_q(Fraction(a)), mp_q(Fraction(c))) for a, c in region]
            if any(abs(x - e) < eps for z in pts for x, pr in zip(z, ends) for e in pr):
                continue
            if not all(a < x < c for z in pts for x, (a, c) in zip(z, ends)):
                continue
            if any(max(abs(x - y) for x, y in zip(pts[s], pts[t])) < eps for s in range(p) for t in range(s)):
                continue  # a lower period (or nearly)
            firsts = [z[0] for z in pts]
            k = min(range(p), key=lambda t: firsts[t])
            if any(t != k and abs(firsts[t] - firsts[k]) < eps for t in range(p)):
                continue
            can = tuple(pts[k:] + pts[:k])
            if not any(max(abs(x - y) for z, w in zip(can, o) for x, y in zip(z, w)) < eps for o in found):
                found.append(can)
    return sorted(found, key=lambda o: o[0][0])
