"""Finding candidate h-sets for long iterates f^k of a PLRNN at its saddle cycles (floats only find; no verdicts).

A chaotic PLRNN trained on a flow (e.g. examples/lorenz_plrnn.safetensors, Lorenz-63) stretches little per
step (lambda_1 ~ 0.046), so its h-sets live at whole saddle cycles of periods ~30-120 and the coverings are
under f^k with k a multiple of their periods. The pipeline (all float64, deterministic, budgets count work):

1. `float_orbit`: a long trajectory; `near_returns`: the times t where |z_{t+p} - z_t| has a local minimum.
2. `cycle_from_pattern`: f^p is affine on a sign pattern q_0..q_{p-1} (z_{s+1} = D_s z_s + h with
   D_s = diag(A) + W diag(q_s)); the fixed point of the composed affine map is solved exactly in floats, its
   orbit's own pattern is taken and the solve repeated until the pattern reproduces itself (PL Newton).
   `saddle_cycles`: the distinct cycles of minimal period p with f^p(x) = x to 1e-10 and exactly one
   multiplier of modulus > 1.
3. `frame`: at a cycle point, unit columns: the unstable eigenvector of the period map, then its weakest stable
   directions (the flow direction: modulus 0.002-0.75 over a period), then an orthonormal basis of the rest
   of the stable subspace (the kernel of the left eigenvectors of the first two groups).
4. `size_lp`: sets N_i = c_i + E_i diag(x_i) [-1, 1]^n at a cluster of cycle points fixed by f^k; for every
   ordered pair the covering conditions linearised at c_i (f^k is affine near c_i) are linear in the sizes;
   one elastic LP (a slack per edge, a small cost on the sizes, separation of close pairs along one face).
5. `screen_covering`: the float piecewise-affine traversal of pieces-spec (z = P t + d over k steps; a sign
   undecided by the box bound is decided by two LPs on the piece or the piece is split); at each leaf the
   stable coordinates of f^k(N_i) in N_j's frame must lie in (-1, 1) and the unstable exit faces map beyond
   +-1 with the degree's sign. A screen, not a proof: the certifier (certify.horseshoes.pieces) re-checks
   exactly.
6. `saddle_candidates`: clusters of nearby cycle points for each k, the size search (margins tried in turn),
   the screened edges, the strongly connected component of largest spectral radius; best first.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

__all__ = ["Cycle", "Candidate", "Screen", "float_orbit", "near_returns", "cycle_from_pattern", "saddle_cycles",
           "frame", "size_lp", "screen_covering", "disjoint", "saddle_candidates", "candidate_json"]


class Cycle(NamedTuple):
    """A float saddle cycle: points (p x n, z_{s+1} = f(z_s), z_0 = f(z_{p-1})), multipliers of the period map
    at z_0 sorted by decreasing modulus, the number of them of modulus > 1."""

    points: np.ndarray
    multipliers: np.ndarray
    unstable: int

    @property
    def p(self) -> int:
        return len(self.points)


class Candidate(NamedTuple):
    """Coverings N_i => N_j under f^k: sets [(c, M)] (N = c + M [-1, 1]^n, M's first column unstable) and
    edges [(i, j, degree)] that passed the float screen."""

    k: int
    sets: list
    edges: list

    @property
    def rho(self) -> float:
        from certify.horseshoes.finder import spectral_radius
        return spectral_radius(len(self.sets), [(i, j) for i, j, _ in self.edges]) if self.edges else 0.0

    @property
    def rate(self) -> float:
        """log(rho) / k: the lower bound on h_top(f) per step the graph would give once proved."""
        r = self.rho
        return math.log(r) / self.k if r > 1 else 0.0


class Screen(NamedTuple):
    """The float screen of one covering: ok, the largest |stable coordinate| of the image, the least
    (side * degree * unstable coordinate) on the exit faces, the number of affine pieces, the reason if not ok."""

    ok: bool
    stable: float
    exit: float
    pieces: int
    reason: str


def _floats(net):
    a, W, h = net.floats()
    return np.asarray(a, float), np.asarray(W, float), np.asarray(h, float)


def _step(a, W, h, z):
    return a * z + W @ np.maximum(z, 0) + h


def float_orbit(net, steps: int = 30000, transient: int = 1000, start=None) -> np.ndarray:
    """steps points of the trajectory of `start` (default z = 0.1 in every coordinate) after a transient."""
    a, W, h = _floats(net)
    z = np.full(len(a), 0.1) if start is None else np.asarray(start, float)
    for _ in range(transient):
        z = _step(a, W, h, z)
    out = np.empty((steps, len(a)))
    for i in range(steps):
        out[i] = z
        z = _step(a, W, h, z)
    return out


def near_returns(orbit: np.ndarray, periods, per_period: int = 8, tol: float = 0.1) -> list:
    """[(p, t)]: for each p the (at most per_period) times t with the smallest local minima of
    |z_{t+p} - z_t|_max below tol, best first."""
    out = []
    for p in periods:
        if p >= len(orbit) - 2:
            continue
        d = np.abs(orbit[p:] - orbit[:-p]).max(axis=1)
        idx = np.flatnonzero((d[1:-1] < d[:-2]) & (d[1:-1] <= d[2:]) & (d[1:-1] < tol)) + 1
        idx = idx[np.argsort(d[idx], kind="stable")][:per_period]
        out += [(p, int(t)) for t in idx]
    return out


def _pattern_map(a, W, h, q):
    """(P, d): f^p = z -> P z + d on the sign pattern q (p x n booleans)."""
    n = len(a)
    P, d = np.eye(n), np.zeros(n)
    for qs in q:
        D = np.diag(a) + W * qs[None, :]
        P, d = D @ P, D @ d + h
    return P, d


def cycle_from_pattern(net, q, iters: int = 12):
    """The orbit (p x n) of a fixed point of f^p whose own sign pattern is the one the solve used, found from the
    pattern q (p x n booleans) by repeated affine solves, or None (singular, or no fixed pattern in iters)."""
    a, W, h = _floats(net)
    q = np.asarray(q, bool)
    n, p = len(a), len(q)
    seen = set()
    for _ in range(iters):
        P, d = _pattern_map(a, W, h, q)
        try:
            x = np.linalg.solve(np.eye(n) - P, d)
        except np.linalg.LinAlgError:
            return None
        orb = np.empty((p, n))
        orb[0] = x
        for s in range(p - 1):
            orb[s + 1] = a * orb[s] + (W * q[s][None, :]) @ orb[s] + h
        if not np.all(np.isfinite(orb)):
            return None
        qn = orb > 0
        if np.array_equal(qn, q):
            return orb
        key = qn.tobytes()
        if key in seen:
            return None  # the pattern iteration cycles
        seen.add(key)
        q = qn
    return None


def _period_map(net, orb, s: int = 0):
    """The Jacobian of f^p at orb[s] (certify.horseshoes.nd.period_map of the PLRNN's float map)."""
    from certify.horseshoes.nd import float_map, period_map
    return period_map(float_map(net), orb, s)


def _residual(net, x, p) -> float:
    a, W, h = _floats(net)
    z = np.array(x, float)
    for _ in range(p):
        z = _step(a, W, h, z)
    return float(np.abs(z - x).max())


def saddle_cycles(net, periods=range(20, 121), steps: int = 30000, transient: int = 1000, per_period: int = 8,
                  tol: float = 0.1, residual: float = 1e-10, orbit=None) -> list:
    """The distinct cycles of minimal period in `periods` with exactly one unstable multiplier, from the near
    returns of one float trajectory (`float_orbit`, or `orbit` if given), sorted by period (then discovery)."""
    tr = float_orbit(net, steps, transient) if orbit is None else orbit
    out = []
    for p, t in near_returns(tr, periods, per_period, tol):
        if t + p > len(tr):
            continue
        orb = cycle_from_pattern(net, tr[t:t + p] > 0)
        if orb is None or _residual(net, orb[0], p) > residual:
            continue
        if any(np.abs(orb[0] - orb[r]).max() < 1e-8 for r in range(1, p)):
            continue  # a lower period
        if any(c.p == p and np.abs(c.points - orb[0]).max(axis=1).min() < 1e-8 for c in out):
            continue  # found before
        mu = np.linalg.eigvals(_period_map(net, orb))
        mu = mu[np.argsort(-np.abs(mu), kind="stable")]
        u = int(np.sum(np.abs(mu) > 1))
        if u == 1 and abs(abs(mu[0]) - 1) > 1e-6 and abs(abs(mu[1]) - 1) > 1e-6:
            out.append(Cycle(orb, mu, u))
    out.sort(key=lambda c: c.p)
    return out


def frame(net, cyc: Cycle, s: int = 0, weak: int = 1) -> np.ndarray:
    """Unit columns at the cycle point s: the unstable eigenvector of the period map, the real basis of its `weak`
    next eigenvalues (a complex pair counts twice), then an orthonormal basis of the rest of the stable subspace."""
    from scipy.linalg import null_space

    P = _period_map(net, cyc.points, s)
    w, V = np.linalg.eig(P)
    order = np.argsort(-np.abs(w), kind="stable")
    u = order[0]
    cols = [np.real(V[:, u])]
    weak_idx, k = [], 1
    while len(weak_idx) < weak and k < len(order):
        weak_idx.append(order[k])
        if abs(w[order[k]].imag) > 1e-12:
            weak_idx.append(order[k + 1])
            k += 1
        k += 1
    done = set()
    for t in weak_idx:
        if t in done:
            continue
        v = V[:, t]
        if abs(w[t].imag) > 1e-12:
            mate = min((r for r in weak_idx if r != t), key=lambda r: abs(w[r] - np.conj(w[t])))
            done.add(mate)
            cols += [v.real, v.imag]
        else:
            cols.append(v.real)
    wl, L = np.linalg.eig(P.T)
    lo = np.argsort(-np.abs(wl), kind="stable")
    left = []
    for t in lo[:len(cols)]:
        left += [L[:, t].real] + ([L[:, t].imag] if abs(wl[t].imag) > 1e-12 else [])
    left = left[:len(cols)]
    rest = null_space(np.array(left))
    E = np.column_stack(cols + [rest[:, r] for r in range(rest.shape[1])])
    return E / np.linalg.norm(E, axis=0)[None, :]


# ----------------------------------------------------------------------------- the float piecewise screen

def _lp(c, A, b, bounds):
    """min c . t over {A t <= b} and the box `bounds` (None when empty); scipy HiGHS."""
    from scipy.optimize import linprog
    scale = float(np.abs(c).sum()) or 1.0
    res = linprog(np.asarray(c) / scale, A_ub=np.array(A) if A else None, b_ub=np.array(b) if b else None, bounds=bounds,
                  method="highs")
    if res.status == 2:
        return None
    if res.status != 0:
        raise _LPFailure(res.message)
    return float(res.fun) * scale


class _LPFailure(Exception):
    """A float LP of the screen neither solved nor proved infeasible (the screen then rejects)."""


def screen_covering(net, k: int, src, dst, degree: int, max_pieces: int = 64, tol: float = 1e-12) -> Screen:
    """The float screen of the covering src => dst under f^k with degree +1/-1 (src, dst = (c, M), one unstable
    coordinate first): the pieces-spec traversal of f^k on src (box bound, else LPs on the piece, else a split);
    on every piece the stable coordinates of the image in dst's frame in (-1, 1) and the exit faces
    t_0 = side mapped to side * degree * g_0 > 1. A float LP that fails rejects."""
    try:
        return _screen(net, k, src, dst, degree, max_pieces, tol)
    except _LPFailure as e:
        return Screen(False, math.nan, math.nan, 0, f"a float LP failed ({e})")


def _screen(net, k, src, dst, degree, max_pieces, tol):
    a, W, h = _floats(net)
    c1, M1 = np.asarray(src[0], float), np.asarray(src[1], float)
    c2, M2 = np.asarray(dst[0], float), np.asarray(dst[1], float)
    n = len(a)
    M2inv = np.linalg.inv(M2)
    box = [(-1.0, 1.0)] * n
    worst_s, worst_e, pieces = 0.0, math.inf, 0
    stack = [(M1.copy(), c1.copy(), [], [], 0, 0, np.zeros(n, bool))]
    while stack:
        P, d, A, b, s, j, q = stack.pop()
        while s < k:
            while j < n:
                phi, e = P[j], d[j]
                r = np.abs(phi).sum()
                if e - r >= 0:
                    q[j] = True
                elif e + r <= 0:
                    q[j] = False
                else:
                    lo = _lp(phi, A, b, box)
                    if lo is None:
                        break  # an empty piece
                    lo += e
                    hi = e - _lp(-phi, A, b, box)
                    if lo >= -tol:
                        q[j] = True
                    elif hi <= tol:
                        q[j] = False
                    else:  # split: phi >= 0 first (taken now), phi <= 0 later (rows scaled to |phi|_1 = 1)
                        q2 = q.copy()
                        q2[j] = False
                        stack.append((P.copy(), d.copy(), A + [phi / r], b + [-e / r], s, j + 1, q2))
                        A, b = A + [-phi / r], b + [e / r]
                        q[j] = True
                j += 1
            else:
                P = a[:, None] * P + W @ (q[:, None] * P)
                d = a * d + W @ (q * d) + h
                s, j = s + 1, 0
                continue
            break  # empty piece
        if s < k:
            continue
        pieces += 1
        if pieces > max_pieces:
            return Screen(False, worst_s, worst_e, pieces, f"more than {max_pieces} pieces")
        G, gam = M2inv @ P, M2inv @ (d - c2)
        for r in range(1, n):
            for sign in (1.0, -1.0):  # max of sign * g_r over the piece
                ub = sign * gam[r] + np.abs(G[r]).sum()  # the box bound, else the LP's maximum
                if ub >= 1:
                    v = _lp(-sign * G[r], A, b, box)
                    if v is None:
                        break
                    ub = sign * gam[r] - v
                worst_s = max(worst_s, ub)
        for side in (-1.0, 1.0):
            want = side * degree
            fb = list(box)
            fb[0] = (side, side)
            v = _lp(want * G[0], A, b, fb)
            if v is None:
                continue  # the piece misses this face
            worst_e = min(worst_e, v + want * gam[0])
        if worst_s >= 1 or worst_e <= 1:
            break  # this piece fails: no need to visit the others
    if worst_s >= 1:  # (after an early stop: the values of the pieces visited so far)
        return Screen(False, worst_s, worst_e, pieces, f"a stable coordinate of the image reaches {worst_s:.3g}")
    if worst_e <= 1:
        return Screen(False, worst_s, worst_e, pieces, f"an exit face maps to {worst_e:.3g} (not beyond 1)")
    return Screen(True, worst_s, worst_e, pieces, "")


def disjoint(s1, s2) -> bool:
    """Float: the parallelotopes c1 + M1 [-1, 1]^n and c2 + M2 [-1, 1]^n do not meet (an infeasible LP)."""
    from scipy.optimize import linprog
    (c1, M1), (c2, M2) = s1, s2
    n = len(c1)
    res = linprog(np.zeros(2 * n), A_eq=np.hstack([M1, -M2]), b_eq=np.asarray(c2) - np.asarray(c1),
                  bounds=[(-1, 1)] * (2 * n), method="highs")
    return res.status == 2


# ----------------------------------------------------------------------------- sizes and the search

def _jacobian_k(net, c, k):
    """D(f^k)(c) along the float orbit of c (f^k affine near c when the orbit misses the kinks)."""
    a, W, h = _floats(net)
    J, z = np.eye(len(a)), np.array(c, float)
    for _ in range(k):
        J = (np.diag(a) + W * (z > 0)[None, :]) @ J
        z = _step(a, W, h, z)
    return J, z


def size_lp(net, k: int, centres, frames, eps: float = 0.3, cap_u: float = 1e-3, cap_s: float = 0.01,
            amin: float = 1e-6, tau: float = 1e-3, rounds: int = 4, thick: bool = True, smin: float = 0.25,
            affine: float = 0.0, cap_w: float | None = None, stable_only: bool = False):
    """Half-sizes (m x n: the unstable one first) and the edges [(i, j, degree)] with zero slack in one elastic LP
    of the coverings N_i => N_j under f^k linearised at c_i, N_i = c_i + E_i diag(x_i) [-1, 1]^n:
        unstable:  |G_00| x_i0 - sum_(l>0) |G_0l| x_il - |o_0| >= (1 + eps) x_j0
        stable r:  sum_l |G_rl| x_il + |o_r| <= (1 - eps) x_jr,      G = E_j^-1 D(f^k)(c_i) E_i, o = E_j^-1 (f^k(c_i) - c_j),
    degree = sign(G_00); stable sizes in [smin cap_s, cap_s]; cost: the slacks plus tau times the unstable sizes over
    cap_u (thin: fewer kinks crossed late) minus (with `thick`, else plus) tau times the stable sizes over cap_s. Pairs
    that overlap (float LP) get a separation row along the face of widest gap and the LP is solved again
    (at most `rounds` times). With affine = a > 0 every set and its first k - 1 images stay off the kinks
    z_j = 0 by the factor 1 - a (f^k affine on each set: the linearisation is f^k). (None, []) when the LP fails
    or sets still overlap. With stable_only the kink rows bound only the stable thickness of the images (the
    unstable side may cross kinks: the image curve bends, its thickness does not). cap_w (default cap_s) caps the second column (the weakest stable direction: the flow's)."""
    from scipy.optimize import linprog
    from scipy.sparse import lil_matrix

    m, n = len(centres), len(centres[0])
    Einv = [np.linalg.inv(E) for E in frames]
    jac = [_jacobian_k(net, c, k) for c in centres]
    edges, rows = [], []
    for i in range(m):
        J, fc = jac[i]
        for j in range(m):
            G = Einv[j] @ J @ frames[i]
            o = Einv[j] @ (fc - centres[j])
            e = len(edges)
            edges.append((i, j, 1 if G[0, 0] > 0 else -1))
            coef = {n * i + l: abs(G[0, l]) for l in range(1, n)}
            coef[n * i] = -abs(G[0, 0])
            coef[n * j] = coef.get(n * j, 0.0) + 1 + eps
            rows.append((coef, e, -abs(o[0])))
            for r in range(1, n):
                coef = {n * i + l: abs(G[r, l]) for l in range(n)}
                coef[n * j + r] = coef.get(n * j + r, 0.0) - (1 - eps)
                rows.append((coef, e, -abs(o[r])))
    if affine > 0:
        a_, W_, h_ = _floats(net)
        cols = [r for r in range(n) if np.any(W_[:, r] != 0)]
        for i in range(m):
            J, z = np.eye(n), np.array(centres[i], float)
            for _ in range(k):
                JE = np.abs(J @ frames[i])
                for r in cols:
                    rows.append(({n * i + l: JE[r, l] for l in range(1 if stable_only else 0, n)}, None,
                                 abs(z[r]) * (1 - affine)))
                J = (np.diag(a_) + W_ * (z > 0)[None, :]) @ J
                z = _step(a_, W_, h_, z)
    ne, nv = len(edges), n * m + len(edges)
    per = [tau / cap_u] + ([-tau / cap_s] if thick else [tau / cap_s]) * (n - 1)
    cost = np.concatenate([np.tile(per, m), np.ones(ne)])
    cap_w = cap_s if cap_w is None else cap_w
    bounds = [(min(amin, cap_u), cap_u), (smin * cap_s, cap_w)] + [(smin * cap_s, cap_s)] * (n - 2)
    bounds = bounds * m + [(0, None)] * ne
    sep = []
    for _ in range(rounds):
        allrows = rows + sep
        A = lil_matrix((len(allrows), nv))
        rhs = np.empty(len(allrows))
        for t, (coef, e, b) in enumerate(allrows):
            for col, v in coef.items():
                A[t, col] += v
            if e is not None:
                A[t, n * m + e] = -1.0
            rhs[t] = b
        res = linprog(cost, A_ub=A.tocsr(), b_ub=rhs, bounds=bounds, method="highs")
        if res.status != 0:
            return None, []
        x = res.x[:n * m].reshape(m, n)
        sets = [(centres[i], frames[i] * x[i][None, :]) for i in range(m)]
        bad = [(i, j) for i in range(m) for j in range(i + 1, m) if not disjoint(sets[i], sets[j])]
        if not bad:
            slack = res.x[n * m:]
            return x, [edges[e] for e in range(ne) if slack[e] <= 1e-12]
        for i, j in bad:
            d = Einv[i] @ (centres[j] - centres[i])
            R = np.abs(Einv[i] @ frames[j])
            gap = np.abs(d) - x[i] - R @ x[j]
            f = int(np.argmax(gap / np.maximum(np.abs(d), 1e-300)))
            coef = {n * i + f: 1.0}
            for l in range(n):
                coef[n * j + l] = coef.get(n * j + l, 0.0) + R[f, l]
            sep.append((coef, None, abs(d[f]) * 0.9))
    return None, []


# (eps, cap_s, affine, smin, amin, stable_only): the size search, tried in this order for each cluster
# (cap_u = 1e-3); the thick stable sides of the research candidate (~0.003-0.007) first, then sets whose stable
# thickness stays off the kinks along k steps (the unstable side far thinner: multipliers up to ~1e5 stretch it),
# then sets on which f^k is affine
SIZE_TRIES = ((0.1, 0.003, 0.0, 0.25, 1e-6, False), (0.3, 0.003, 0.0, 0.25, 1e-6, False),
              (0.1, 0.004, 0.0, 0.25, 1e-6, False), (0.3, 0.006, 0.0, 0.25, 1e-6, False),
              (0.1, 0.002, 0.0, 0.25, 1e-6, False), (0.3, 0.008, 0.0, 0.25, 1e-6, False),
              (0.1, 0.0015, 0.0, 0.25, 1e-6, False), (0.1, 0.004, 0.1, 0.01, 1e-9, True),
              (0.3, 0.006, 0.1, 0.01, 1e-9, True), (0.1, 0.004, 0.1, 0.01, 1e-9, False))


def _stable_offset(net, cycles, frames, a, b) -> float:
    """The largest stable coordinate of c_a - c_b in b's frame and of c_b - c_a in a's (the stable sizes a
    covering between the two needs at least; the unstable offset is crossed by stretching)."""
    ca, cb = cycles[a[0]].points[a[1]], cycles[b[0]].points[b[1]]
    for v in (a, b):
        if v not in frames:
            frames[v] = frame(net, cycles[v[0]], v[1])
    oa = np.linalg.solve(frames[b], ca - cb)
    ob = np.linalg.solve(frames[a], cb - ca)
    return float(max(np.abs(oa[1:]).max(), np.abs(ob[1:]).max()))


def _clusters(cycles, k: int, radius: float, max_sets: int, per_group: int, net=None, frames=None,
              max_offset: float = math.inf):
    """Clusters [(offset, [(cycle index, point index)])] of points of cycles whose period divides k: each close
    pair of distinct points (max-norm distance < radius; two cycles, or two visits of one cycle to the same
    region), by increasing offset (with net: `_stable_offset`, else the distance), with further points within
    radius of both (with net: and stable offsets <= max_offset to each member; at most max_sets points); each set of points once, at most per_group clusters per multiset
    of cycles."""
    from scipy.spatial import cKDTree

    idx = [ci for ci, c in enumerate(cycles) if k % c.p == 0]
    pts = [(ci, s) for ci in idx for s in range(cycles[ci].p)]
    if len(pts) < 2:
        return []
    X = np.array([cycles[ci].points[s] for ci, s in pts])
    tree = cKDTree(X)
    frames = {} if frames is None else frames
    pairs = []
    for i, j in tree.query_pairs(radius, p=np.inf):
        dist = float(np.abs(X[i] - X[j]).max())
        if dist < 1e-7:
            continue
        pairs.append((_stable_offset(net, cycles, frames, pts[i], pts[j]) if net is not None else dist, i, j))
    pairs.sort(key=lambda t: (t[0], t[1], t[2]))
    out, groups, seen = [], {}, set()
    for off, i, j in pairs:
        members = [i, j]
        near = sorted(set(tree.query_ball_point(X[i], radius, p=np.inf)) & set(tree.query_ball_point(X[j], radius,
                                                                                                      p=np.inf)))
        near.sort(key=lambda v: (max(np.abs(X[v] - X[i]).max(), np.abs(X[v] - X[j]).max()), v))
        for v in near:
            if len(members) >= max_sets:
                break
            if v in members or min(np.abs(X[v] - X[w]).max() for w in members) < 1e-7:
                continue
            if net is None or all(_stable_offset(net, cycles, frames, pts[v], pts[w]) <= max_offset for w in members):
                members.append(v)
        key = tuple(sorted(pts[v][0] for v in members))
        if frozenset(members) in seen or groups.get(key, 0) >= per_group:
            continue
        seen.add(frozenset(members))
        groups[key] = groups.get(key, 0) + 1
        out.append((off, [pts[v] for v in members]))
    return out


def saddle_candidates(net, periods=range(20, 121), steps: int = 30000, transient: int = 1000, per_period: int = 8,
                      radius: float = 0.03, max_sets: int = 4, per_group: int = 3, max_clusters: int = 40,
                      size_tries=SIZE_TRIES, cycles=None, ks=None, max_pieces: int = 32, progress=None, by_offset: bool = True) -> list:
    """Candidates (k, sets, edges) of a horseshoe of f^k at the saddle cycles of a PLRNN, best log(rho)/k first.
    For each k (default: every period of a cycle found) the clusters of nearby cycle points fixed by f^k
    (`_clusters`, least stable offset first (by_offset, else nearest first), at most max_clusters in all,
    shortest k first; with by_offset none whose pair's stable offset exceeds the largest stable cap) get the size search: for each
    (eps, cap_s, affine, smin, amin, stable_only) of size_tries one `size_lp`, then `screen_covering` on its edges; the strongly connected component
    of largest spectral radius among the screened edges is kept once per cluster (the best over the tries; a try
    that screens every ordered pair of the cluster ends the search). progress(k, members, candidate or None), if
    given, is called after each cluster. Floats only: the certifier proves."""
    from certify.horseshoes.finder import best_component

    if cycles is None:
        cycles = saddle_cycles(net, periods, steps, transient, per_period)
    if ks is None:
        ks = sorted({c.p for c in cycles})
    out, done = [], 0
    cap = max(t[1] for t in size_tries)  # a pair whose stable offset exceeds every stable cap has no covering
    for k in ks:
        frames_k = {}
        for off, members in _clusters(cycles, k, radius, max_sets, per_group, net if by_offset else None, frames_k,
                                     cap):
            if done >= max_clusters or (by_offset and off >= cap):
                break
            done += 1
            centres = [cycles[ci].points[s] for ci, s in members]
            frames = [frames_k.get((ci, s)) if (ci, s) in frames_k else frame(net, cycles[ci], s) for ci, s in members]
            best = None
            for eps, cap_s, affine, smin, amin, stable_only in size_tries:
                x, edges = size_lp(net, k, centres, frames, eps=eps, cap_s=cap_s, affine=affine, smin=smin, amin=amin,
                                   stable_only=stable_only)
                if x is None or not edges:
                    continue
                sets = [(centres[i], frames[i] * x[i][None, :]) for i in range(len(centres))]
                good = [(i, j, d) for i, j, d in edges
                        if screen_covering(net, k, sets[i], sets[j], d, max_pieces=max_pieces).ok]
                nodes, rho = best_component(len(sets), [(i, j) for i, j, _ in good])
                if rho > 1 + 1e-9 and (best is None or rho > best.rho + 1e-9):
                    keep = {v: t for t, v in enumerate(sorted(nodes))}
                    best = Candidate(k, [sets[v] for v in sorted(nodes)],
                                     [(keep[i], keep[j], d) for i, j, d in good if i in keep and j in keep])
                if len(good) == len(centres) ** 2:
                    break
            if best is not None:
                out.append(best)
            if progress is not None:
                progress(k, members, best)
    out.sort(key=lambda c: -c.rate)
    return out


def candidate_json(c: Candidate) -> dict:
    """The candidate as JSON data for a certifier: k, sets [{"c": [...], "M": [[...]]}] with every float as its exact
    hexadecimal form (float.hex, as in docs/research/lorenz_f80_candidate.json), edges [[i, j, degree]]. Floats
    are exact binary rationals: the certifier reads them with float.fromhex and proves or drops each edge."""
    return {"k": int(c.k),
            "sets": [{"c": [float(v).hex() for v in cen], "M": [[float(v).hex() for v in row] for row in M]}
                     for cen, M in c.sets],
            "edges": [[int(i), int(j), int(d)] for i, j, d in c.edges]}
