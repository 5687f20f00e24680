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

The attractor net (the default for maps with an attractor, e.g. Henon a = 1.4, b = 0.3), not tied to periodic
points:
5. `attractor_frames`: a float trajectory with the unstable direction at each point (a tangent vector pushed
   forward along it) and the stable one (pulled back from the future by the inverse Jacobians).
6. `net_sets`: h-sets c + [a u, b s] at a subset of the trajectory chosen greedily (in trajectory order: a
   point is kept when its set misses the sets kept so far), then each set lengthened along u while it
   still misses its neighbours: chains of long thin sets tiling the unstable leaves.
7. `image_edges`: the edges i -> j (with the degree) whose covering g(N_i) across N_j under g = f^k holds
   with a margin on sample points; a chain covers about lambda^k - 1 sets, so k = 4 gives ~0.34.
8. `prune`: fewest edges for the spectral radius (drop the edges of least Perron weight w_i v_j per unit
   of the kernel's work) until the graph fits the checker's time budget; `lengthen` grows the kept sets
   into the room the dropped ones leave (the caller then proposes their edges again).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["lp_sizes", "periodic_orbits", "best_component", "perron_weights", "attractor_frames", "net_sets",
           "image_edges", "prune", "spectral_radius", "edge_weights", "lengthen"]


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
    traj = np.empty((steps, 2))
    with np.errstate(all="ignore"):  # an escaping trajectory gives inf/nan: no near-returns
        for _ in range(transient):
            z = np.asarray(f(z), float)
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
    from scipy.sparse.csgraph import connected_components

    if not edges:
        return [], 0.0
    ncomp, lab = connected_components(_sparse(m, edges), directed=True, connection="strong")
    groups = {}
    for i, j in edges:
        if lab[i] == lab[j]:
            groups.setdefault(int(lab[i]), []).append((i, j))
    best, rho = [], 0.0
    for c in sorted(groups):
        nodes = [int(v) for v in np.flatnonzero(lab == c)]
        index = {v: t for t, v in enumerate(nodes)}
        r = spectral_radius(len(nodes), [(index[i], index[j]) for i, j in groups[c]])
        if r > rho:
            best, rho = nodes, r
    return best, rho


def _sparse(n, edges):
    from scipy.sparse import csr_matrix
    return csr_matrix((np.ones(len(edges)), ([e[0] for e in edges], [e[1] for e in edges])), shape=(n, n))


def _perron(n, edges, iters):
    """Right and left Perron vectors (max-normalised) of the 0-1 matrix, by power iteration on A + I (aperiodic:
    the same vectors, convergent also for periodic graphs); and the Rayleigh-type estimate of rho."""
    A = _sparse(n, edges)
    At = A.T.tocsr()
    v, w = np.ones(n), np.ones(n)
    for _ in range(iters):
        v = A @ v + v
        v /= v.max()
        w = At @ w + w
        w /= w.max()
    av = A @ v
    return v, w, float(av.sum() / v.sum())


def perron_weights(n, edges, iters=2000):
    """Positive integer weights v making min (A v)_i / v_i close to rho (power iteration)."""
    v = _perron(n, edges, iters)[0]
    scale = 2 ** 40
    return [max(1, int(math.floor(x * scale))) for x in v]


def spectral_radius(n, edges) -> float:
    """Float spectral radius of the graph's 0-1 matrix (dense eigenvalues for small graphs, power iteration
    otherwise); for choosing only."""
    if n <= 64:
        A = _sparse(n, edges).toarray()
        return float(max(abs(np.linalg.eigvals(A)))) if n else 0.0
    return _perron(n, edges, 400)[2]


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


# ----------------------------------------------------------------------------- the attractor net

def attractor_frames(f, Df, steps: int = 12000, transient: int = 1000, start=(0.1, 0.1), burn: int = 60):
    """(X, U, S): points of a float trajectory (after a transient) with unit unstable and stable vectors.

    U[i] is a tangent vector pushed forward along the trajectory (it converges to the unstable direction),
    S[i] one pulled back from the trajectory's end by the inverse Jacobians (the stable direction); `burn`
    points at either end, where they have not converged, are left out."""
    z = np.asarray(start, float)
    X = np.empty((steps, 2))
    with np.errstate(all="ignore"):
        for i in range(transient + steps):
            if not (np.all(np.isfinite(z)) and np.abs(z).max() < 1e6):
                return None  # no bounded trajectory from this start
            if i >= transient:
                X[i - transient] = z
            z = np.asarray(f(list(z)), float)
    J = np.moveaxis(np.array(Df([X[:, 0], X[:, 1]]), float), 2, 0)
    det = J[:, 0, 0] * J[:, 1, 1] - J[:, 0, 1] * J[:, 1, 0]
    if np.any(np.abs(det) < 1e-12):
        return None
    Jinv = np.linalg.inv(J)
    U, S = np.empty((steps, 2)), np.empty((steps, 2))
    v, w = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    for i in range(steps):
        U[i] = v
        v = J[i] @ v
        v /= np.linalg.norm(v)
    for i in range(steps - 1, -1, -1):
        w = Jinv[i] @ w
        w /= np.linalg.norm(w)
        S[i] = w
    keep = slice(burn, steps - burn)
    X, U, S = X[keep], U[keep], S[keep]
    cross = np.abs(U[:, 0] * S[:, 1] - U[:, 1] * S[:, 0])
    ok = cross > 1e-3  # a transverse frame
    return X[ok], U[ok], S[ok]


def _frames(U, S, a, b):
    """The matrices M = [a u, b s], stacked."""
    return np.stack([U * np.asarray(a)[:, None], S * np.asarray(b)[:, None]], axis=2)


def _apart(C1, M1, M1inv, C2, M2, M2inv, margin):
    """For each pair t: the parallelograms C1[t] + M1[t][-1,1]^2 and C2[t] + M2[t][-1,1]^2 are apart by a
    face of one of the two (the kernel's separation test, with the factor `margin` > 1 to spare)."""
    d = C2 - C1
    s1 = np.any(np.abs(np.einsum("nab,nb->na", M1inv, d))
                - np.abs(np.einsum("nab,nbc->nac", M1inv, M2)).sum(axis=2) > margin, axis=1)
    s2 = np.any(np.abs(np.einsum("nab,nb->na", M2inv, d))
                - np.abs(np.einsum("nab,nbc->nac", M2inv, M1)).sum(axis=2) > margin, axis=1)
    return s1 | s2


def net_sets(X, U, S, alpha: float, beta: float, grow=(2.0, 1.7, 1.4, 1.2, 1.1, 1.05), margin: float = 1.02):
    """(indices, a, b): h-sets c + [a u, b s] at trajectory points, pairwise apart (with `margin`).

    Greedy in trajectory order: a point is kept when its (alpha, beta) set misses every set kept so far;
    then each kept set, in order, is lengthened along u by the largest factor in `grow` with which it still
    misses its neighbours (gaps along the leaves filled: the images cover more sets)."""
    from scipy.spatial import cKDTree

    cell = min(alpha, beta) / 2  # at most one candidate per cell (in trajectory order): bounded density
    _, first = np.unique(np.floor(X / cell).astype(np.int64), axis=0, return_index=True)
    pick = np.sort(first)
    X, U, S = X[pick], U[pick], S[pick]
    n = len(X)
    M = _frames(U, S, np.full(n, alpha), np.full(n, beta))
    Minv = np.linalg.inv(M)
    pairs = cKDTree(X).query_pairs(2 * (alpha + beta) * margin, output_type="ndarray")
    pairs = pairs[np.lexsort((pairs[:, 0], pairs[:, 1]))] if len(pairs) else pairs.reshape(0, 2)
    i, j = pairs[:, 0], pairs[:, 1]
    clash = pairs[~_apart(X[i], M[i], Minv[i], X[j], M[j], Minv[j], margin)]
    earlier = [[] for _ in range(n)]
    for p, q in clash.tolist():
        earlier[max(p, q)].append(min(p, q))
    kept = [False] * n
    for q in range(n):
        kept[q] = not any(kept[p] for p in earlier[q])
    kept = np.array(kept)
    idx = pick[np.flatnonzero(kept)]
    X, U, S = X[kept], U[kept], S[kept]
    a = lengthen(X, U, S, np.full(len(idx), alpha), np.full(len(idx), beta), grow, margin)
    return idx, a, np.full(len(idx), beta)


def lengthen(X, U, S, a, b, grow=(2.0, 1.7, 1.4, 1.2, 1.1, 1.05), margin: float = 1.02):
    """New unstable half-sizes: each set c + [a u, b s] in turn (the ones before it already lengthened) is
    lengthened along u by the largest factor in `grow` with which it still misses all the others."""
    from scipy.spatial import cKDTree

    a = np.array(a, float)
    nbrs = cKDTree(X).query_ball_point(X, 2 * (a.max() * max(grow) + max(b)) * margin)
    for i in range(len(X)):
        nb = np.array([j for j in nbrs[i] if j != i], dtype=int)
        if not len(nb):
            a[i] *= grow[0]
            continue
        Ms = _frames(U[nb], S[nb], a[nb], b[nb])
        Msinv = np.linalg.inv(Ms)
        for g in grow:
            Mi = np.column_stack([U[i] * a[i] * g, S[i] * b[i]])
            Mi, Miinv = np.broadcast_to(Mi, Ms.shape), np.broadcast_to(np.linalg.inv(Mi), Ms.shape)
            if np.all(_apart(np.broadcast_to(X[i], (len(nb), 2)), Mi, Miinv, X[nb], Ms, Msinv, margin)):
                a[i] *= g
                break
    return a


def image_edges(fk, X, U, S, a, b, margin: float = 0.05, samples: int = 9):
    """[(i, j, degree)]: N_i => N_j under fk holds on sample points with `margin` (stable coordinates of
    the image of N_i within 1 - margin of N_j's centre line; the images of the unstable faces beyond
    1 + margin on opposite sides). Floats: a proposal for the kernel."""
    from scipy.spatial import cKDTree

    n = len(X)
    M = _frames(U, S, a, b)
    Minv = np.linalg.inv(M)
    inner = np.array([(t0, t1) for t0 in np.linspace(-1, 1, samples) for t1 in (-1.0, 0.0, 1.0)]).T
    face = np.array([(1.0, t1) for t1 in (-1.0, -0.5, 0.0, 0.5, 1.0)]).T

    def image(T):
        P = X[:, :, None] + np.einsum("nab,bm->nam", M, T)
        Q = fk([P[:, 0, :], P[:, 1, :]])
        return np.stack([np.asarray(Q[0], float), np.asarray(Q[1], float)], axis=1)

    with np.errstate(all="ignore"):
        inn, lo, hi = image(inner), image(face * np.array([[-1.0], [1.0]])), image(face)
    centre = inn.mean(axis=2)
    radius = np.linalg.norm(inn - centre[:, :, None], axis=1).max(axis=1)
    reach = np.abs(M).sum(axis=2).max()
    tree = cKDTree(X)
    out = []
    for i in range(n):
        if not (np.all(np.isfinite(inn[i])) and np.all(np.isfinite(lo[i])) and np.all(np.isfinite(hi[i]))):
            continue
        cand = np.array(tree.query_ball_point(centre[i], radius[i] + reach), dtype=int)
        if not len(cand):
            continue
        Mi, Xc = Minv[cand], X[cand][:, :, None]
        stable = np.all(np.abs(np.einsum("nab,nbm->nam", Mi, inn[i][None] - Xc)[:, 1, :]) < 1 - margin, axis=1)
        tlo = np.einsum("nab,nbm->nam", Mi, lo[i][None] - Xc)[:, 0, :]
        thi = np.einsum("nab,nbm->nam", Mi, hi[i][None] - Xc)[:, 0, :]
        up = np.all(tlo < -1 - margin, axis=1) & np.all(thi > 1 + margin, axis=1)
        down = np.all(tlo > 1 + margin, axis=1) & np.all(thi < -1 - margin, axis=1)
        for t in np.flatnonzero(stable & (up | down)):
            out.append((i, int(cand[t]), 1 if up[t] else -1))
    return out


def edge_weights(n, edges) -> list:
    """w_i v_j for each edge (w, v the left and right Perron vectors): rho's first-order loss without it."""
    v, w, _ = _perron(n, edges, 300)
    return [float(w[i] * v[j]) for i, j in edges]


def prune(n, edges, cost, budget: float, step: float = 0.06):
    """(nodes, edges) of a strongly connected subgraph whose edges' total `cost` is at most `budget`,
    keeping the spectral radius high: repeatedly drop the edges with the least w_i v_j / cost (w, v the
    left and right Perron vectors: the first-order loss of rho per unit of work) and keep the component of
    largest spectral radius. Edges are (i, j) on nodes 0..n-1; the result is in the original numbering."""
    nodes, _ = best_component(n, edges)
    keep = set(nodes)
    E = [e for e in edges if e[0] in keep and e[1] in keep]
    while E and sum(cost[e] for e in E) > budget:
        index = {v: t for t, v in enumerate(nodes)}
        local = [(index[i], index[j]) for i, j in E]
        score = np.array(edge_weights(len(nodes), local)) / np.array([cost[e] for e in E])
        over = sum(cost[e] for e in E) - budget
        drop, freed = set(), 0.0
        for t in np.argsort(score, kind="stable"):
            if len(drop) >= max(1, int(step * len(E))) or freed >= over:
                break
            drop.add(int(t))
            freed += cost[E[t]]
        E = [e for t, e in enumerate(E) if t not in drop]
        sub, _ = best_component(len(nodes), [(index[i], index[j]) for i, j in E])
        nodes = [nodes[t] for t in sorted(sub)]
        keep = set(nodes)
        E = [e for e in E if e[0] in keep and e[1] in keep]
    return nodes, E
