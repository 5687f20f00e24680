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
           "frame", "size_lp", "screen_covering", "disjoint", "saddle_candidates"]


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
    """The Jacobian of f^p at orb[s] (product of the p step Jacobians along the cycle starting there)."""
    a, W, _ = _floats(net)
    p, n = len(orb), len(a)
    P = np.eye(n)
    for r in range(p):
        P = (np.diag(a) + W * (orb[(s + r) % p] > 0)[None, :]) @ P
    return P


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
    res = linprog(c, A_ub=np.array(A) if A else None, b_ub=np.array(b) if b else None, bounds=bounds,
                  method="highs")
    if res.status == 2:
        return None
    if res.status != 0:
        raise ArithmeticError(f"LP failed: {res.message}")
    return float(res.fun)


def screen_covering(net, k: int, src, dst, degree: int, max_pieces: int = 64, tol: float = 1e-12) -> Screen:
    """The float screen of the covering src => dst under f^k with degree +1/-1 (src, dst = (c, M), one unstable
    coordinate first): the pieces-spec traversal of f^k on src (box bound, else LPs on the piece, else a split);
    on every piece the stable coordinates of the image in dst's frame in (-1, 1) and the exit faces
    t_0 = side mapped to side * degree * g_0 > 1."""
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
                    else:  # split: phi >= 0 first (taken now), phi <= 0 later
                        q2 = q.copy()
                        q2[j] = False
                        stack.append((P.copy(), d.copy(), A + [phi.copy()], b + [-e], s, j + 1, q2))
                        A, b = A + [-phi.copy()], b + [e]
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
    if worst_s >= 1:
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
