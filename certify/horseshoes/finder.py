"""Finding a graph of h-sets for a planar polynomial map (floats only find; the kernel proves).

1. Periodic orbits up to a period P: Newton (vectorised over the starts) on f^p(z) = z from points of a
   float trajectory that nearly return after p steps (deduplicated, minimal period checked).
2. At every periodic point z: the unstable and stable directions u(z), s(z) (eigenvectors of the
   Jacobian product of the cycle starting at z).
3. `lp_sizes`: the half-sizes a(z), b(z) of the h-sets c = z, M = [a u, b s] from one linear program:
   for each candidate edge z -> w (w near g(z), g = f^k) the covering conditions linearised at z (with a
   bound on the quadratic term) and, for nearby pairs, a separation condition, are linear in the sizes;
   every edge has a slack and the LP minimises their sum (edges along an orbit weigh more).
4. `best_component`: the strongly connected component of largest spectral radius among the edges with
   zero slack; `perron_weights`: a Collatz-Wielandt vector for it.
The caller (certify.horseshoes) rationalises the sets and keeps only the edges the kernel verifies.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["lp_sizes", "periodic_orbits", "best_component", "perron_weights"]


def _orbit(f, z, p):
    out = [np.asarray(z, float)]
    for _ in range(p - 1):
        out.append(np.asarray(f(out[-1]), float))
    return out


def periodic_orbits(f, Df, periods, start=(0.1, 0.1), steps: int = 20000, transient: int = 1000,
                    tol: float = 1e-11, starts: int = 400):
    """Float periodic orbits {p: [orbit as a list of points]} of a planar map found by Newton (vectorised
    over the starts) from near-returns of a trajectory; each orbit of minimal period p once."""
    z = np.asarray(start, float)
    for _ in range(transient):
        z = np.asarray(f(z), float)
    traj = np.empty((steps, 2))
    for i in range(steps):
        traj[i] = z
        z = np.asarray(f(z), float)
    found, seen = {}, set()
    with np.errstate(all="ignore"):
        for p in periods:
            d = np.linalg.norm(traj[p:] - traj[:-p], axis=1)
            idx = np.argsort(d)[:starts]
            idx = idx[d[idx] < 0.2]
            X = traj[idx].T.copy()
            for _ in range(40):
                Y = X.copy()
                a, b, c, e = np.ones(len(idx)), np.zeros(len(idx)), np.zeros(len(idx)), np.ones(len(idx))
                for _ in range(p):
                    (j00, j01), (j10, j11) = Df(list(Y))
                    a, b, c, e = j00 * a + j01 * c, j00 * b + j01 * e, j10 * a + j11 * c, j10 * b + j11 * e
                    Y = np.array(f(list(Y)), float)
                F = Y - X
                a, e = a - 1, e - 1
                det = a * e - b * c
                X = X + np.array([-(e * F[0] - b * F[1]) / det, -(-c * F[0] + a * F[1]) / det])
            Y = X.copy()
            for _ in range(p):
                Y = np.array(f(list(Y)), float)
            ok = np.all(np.isfinite(X), axis=0) & (np.linalg.norm(Y - X, axis=0) < tol) & (np.abs(X).max(axis=0) < 10)
            orbits = []
            for x in X[:, ok].T:
                orb = _orbit(f, x, p)
                if p > 1 and min(np.linalg.norm(orb[0] - orb[j]) for j in range(1, p)) < 1e-7:
                    continue  # a lower period
                key = tuple(sorted((round(q[0], 7), round(q[1], 7)) for q in orb))
                if key in seen:
                    continue
                seen.add(key)
                orbits.append(orb)
            found[p] = orbits
    return found


def _directions(Df, orb):
    """Unit unstable and stable vectors at each point of a periodic orbit (eigenvectors of the product of
    the one-step Jacobians starting there: also when Df is singular), and the one-step matrices."""
    p = len(orb)
    Js = [np.asarray(Df(z), float) for z in orb]
    us, ss = [], []
    for t in range(p):
        M = np.eye(2)
        for k in range(p):
            M = Js[(t + k) % p] @ M
        w, V = np.linalg.eig(M)
        if np.iscomplexobj(w) and np.abs(w.imag).max() > 0:
            return None
        w, V = w.real, V.real
        iu = int(np.argmax(np.abs(w)))
        if not (abs(w[iu]) > 1 > abs(w[1 - iu])):
            return None
        u, s = V[:, iu], V[:, 1 - iu]
        if abs(u[0] * s[1] - u[1] * s[0]) < 1e-9:
            return None
        if us and float(np.dot(Js[t - 1] @ us[-1], u)) < 0:
            u = -u  # transported orientation
        us.append(u / np.linalg.norm(u))
        ss.append(s / np.linalg.norm(s))
    return us, ss, Js


def best_component(m, edges):
    """(nodes, rho) of the strongly connected component with the largest spectral radius."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    if not edges:
        return [], 0.0
    A = csr_matrix(([1] * len(edges), ([e[0] for e in edges], [e[1] for e in edges])), shape=(m, m))
    ncomp, lab = connected_components(A, directed=True, connection="strong")
    best, rho = [], 0.0
    for c in range(ncomp):
        nodes = np.flatnonzero(lab == c)
        if len(nodes) == 1 and A[nodes[0], nodes[0]] == 0:
            continue
        sub = A[nodes][:, nodes].toarray().astype(float)
        r = max(abs(np.linalg.eigvals(sub))) if len(nodes) < 2000 else _power(sub)
        if r > rho:
            best, rho = list(nodes), r
    return best, rho


def _power(A):
    v = np.ones(A.shape[0])
    r = 1.0
    for _ in range(500):
        w = A @ v
        r = w.sum() / v.sum()
        v = w / w.sum()
    return r


def perron_weights(n, edges, iters=2000):
    """Positive integer weights v making min (A v)_i / v_i close to rho (power iteration)."""
    A = np.zeros((n, n))
    for i, j in edges:
        A[i, j] = 1
    v = np.ones(n)
    B = A + np.eye(n)  # aperiodic: the same Perron vector, converges for periodic graphs
    for _ in range(iters):
        w = B @ v
        v = w / w.max()
    scale = 2 ** 40
    return [max(1, int(math.floor(x * scale))) for x in v]


def _second(Df, c, h=1e-5):
    """Half the sum of |d^2 f_i / dx_j dx_k| at c (central differences of Df): the quadratic term of f at
    c is at most this times |d|_max^2, for each component i."""
    out = np.zeros(2)
    for j in range(2):
        e = np.zeros(2)
        e[j] = h
        dp, dm = np.asarray(Df(list(c + e)), float), np.asarray(Df(list(c - e)), float)
        out += np.abs(dp - dm).sum(axis=1) / (2 * h)
    return out / 2


def lp_sizes(f, Df, points, A=0.02, B=0.02, eps=0.05, amin=1e-7, reach=None, curv=None, own_weight=10.0, hard=(), safety=1.5):
    """Choose h-set half-sizes (a_z, b_z) by one elastic linear program and return the kept edges.

    points: [(z, u, s)] with unit unstable/stable vectors. Candidate edges z -> w for w near f(z);
    linearised covering conditions (with a bound on the quadratic term) and pairwise separation are
    linear in the sizes; every edge has a slack, and the LP minimises their sum (own-orbit edges
    weigh more); the edges with zero slack are returned with the sizes."""
    from scipy.optimize import linprog
    from scipy.sparse import lil_matrix
    from scipy.spatial import cKDTree

    n = len(points)
    C = np.array([p[0] for p in points])
    E = [np.column_stack([p[1], p[2]]) for p in points]
    Einv = [np.linalg.inv(e) for e in E]
    tree = cKDTree(C)
    reach = reach or 2 * (A + B)
    fz = [np.asarray(f(list(c)), float) for c in C]
    hess = [_second(Df, c) * safety for c in C] if curv is None else None
    cand = []
    for i in range(n):
        for j in tree.query_ball_point(fz[i], reach):
            cand.append((i, j))
    pairs = [(i, j) for i, j in tree.query_pairs(2 * (A + B))]
    ne = len(cand)
    nv = 2 * n + ne
    rows = []  # (coeff dict, rhs) for  sum <= rhs
    for e, (i, j) in enumerate(cand):
        o = Einv[j] @ (fz[i] - C[j])
        G = Einv[j] @ np.asarray(Df(list(C[i])), float) @ E[i]
        q = np.abs(Einv[j]) @ (curv if curv is not None else hess[i])
        ux, sx = np.abs(E[i][:, 0]).max(), np.abs(E[i][:, 1]).max()
        lin = ux * A + sx * B  # (ux a + sx b)^2 <= lin (ux a + sx b)
        # (U): (1 + eps) a_j - |G00| a_i + |G01| b_i + q0 lin (ux a_i + sx b_i) - s_e <= -|o_u|
        rows.append(({2 * j: 1 + eps, 2 * i: -abs(G[0, 0]) + q[0] * lin * ux,
                      2 * i + 1: abs(G[0, 1]) + q[0] * lin * sx, 2 * n + e: -1.0}, -abs(o[0])))
        # (S): |G10| a_i + |G11| b_i + q1 lin (...) - (1 - eps) b_j - s_e <= -|o_s|
        rows.append(({2 * i: abs(G[1, 0]) + q[1] * lin * ux, 2 * i + 1: abs(G[1, 1]) + q[1] * lin * sx,
                      2 * j + 1: -(1 - eps), 2 * n + e: -1.0}, -abs(o[1])))
    for i, j in pairs:
        d = Einv[i] @ (C[j] - C[i])
        R = np.abs(Einv[i] @ E[j])
        if abs(d[0]) / A > abs(d[1]) / B:
            rows.append(({2 * i: 1.0 + 1e-9, 2 * j: R[0, 0], 2 * j + 1: R[0, 1]}, abs(d[0]) * (1 - eps)))
        else:
            rows.append(({2 * i + 1: 1.0 + 1e-9, 2 * j: R[1, 0], 2 * j + 1: R[1, 1]}, abs(d[1]) * (1 - eps)))
    M = lil_matrix((len(rows), nv))
    rhs = np.empty(len(rows))
    for r, (coef, b) in enumerate(rows):
        for k, v in coef.items():
            M[r, k] += v
        rhs[r] = b
    own = [1.0 if np.linalg.norm(fz[i] - C[j]) < 1e-9 else 0.0 for i, j in cand]
    cost = np.concatenate([np.zeros(2 * n), np.array([1.0 + own_weight * w for w in own])])
    hard = set(hard)
    bounds = [(amin, A), (amin, B)] * n + [(0, 0) if cand[e] in hard else (0, None) for e in range(ne)]
    res = linprog(cost, A_ub=M.tocsr(), b_ub=rhs, bounds=bounds, method="highs")
    if res.status != 0:
        return None, []
    x = res.x
    sizes = x[:2 * n].reshape(n, 2)
    slack = x[2 * n:]
    kept = [cand[e] for e in range(ne) if slack[e] <= 1e-12]
    return sizes, kept
