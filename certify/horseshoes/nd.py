"""Finding a graph of h-sets for an n-dimensional network map (PLRNN or RNN): floats only find, the kernel proves.

1. Periodic orbits up to a period P: Newton on f^p(z) = z from near-returns of float trajectories (a few
   seeded starts), deduplicated, minimal period checked.
2. Hyperbolic periodic points: at every point z_t of an orbit the multipliers of the Jacobian product M_t
   of the cycle starting there, the number u of them of modulus > 1, and a real basis E_t (unstable
   eigenvectors, then stable ones; real and imaginary parts of complex ones). Points are grouped by u; the
   counts name the undecided reason.
3. `lp_sizes`: the half-sizes x of the h-sets c = z, M = E diag(x) of one group from one linear program: for
   each candidate edge z -> w (w near g(z), g = f^k) the covering conditions linearised at z are linear in
   the sizes (u = 1: the unstable coordinate stretched across, signs as end map; u > 1: one unstable size,
   the least stretch kappa of the unstable block, the linear part as end map); a piecewise-linear map stays
   affine on each h-set and its first k - 1 images (a hard constraint: every kink hyperplane beyond them), a
   smooth one has a bound on its quadratic term (finite differences of Dg); nearby pairs are separated along
   one face. Every edge has a slack, the LP minimises their sum; edges with zero slack are kept.
   `lp_cubes`: expanding cubes c + x [-1, 1]^n around every periodic point (no stable direction), the edge
   condition kappa_i x_i > x_j + |g(c_i) - c_j|_inf.
4. The strongly connected component of largest spectral radius (certify.horseshoes.finder.best_component).
5. The attractor-cycle pass (smooth RNN maps, when 1-4 certify nothing): a float Lyapunov screen, then saddle
   cycles up to CYCLE_PERIOD by Newton from the best near returns of one long trajectory (`attractor_cycles`);
   at every cycle point orthonormal bases of its unstable and of its stable subspace (`split_frames`: eigenvectors
   of tiny multipliers are ill-conditioned, and Schur bases make E^-1 Df E block-triangular along the cycle); one
   size LP per try (k, A, B) of CYCLE_TRIES whose quadratic term is a model of the kernel's own ball enclosure of
   f^k over one box (`_kernel_radius`: entry-by-entry products, no cancellation; the finite-difference Taylor
   bound underestimates it by orders of magnitude), its variables scaled to the caps (HiGHS' tolerances are
   absolute) and a small reward for large unstable sizes. Branches come from near returns between cycles.
6. The heteroclinic-chain pass (smooth RNN maps, when 1-5 certify nothing; `_heteroclinic_graph`): the saddle cycles
   of 5 with one unstable direction, crossings of one cycle's unstable segment with another's stable cube under
   f^k, k <= 24 (heteroclinic.crossings), for the best pairs with crossings both ways a float orbit on W^u(a) refined
   onto W^s(b) (heteroclinic.connect) and h-sets along it: the cycles' own sets and a chain of slabs from the overhang
   of a's image to across one of b's sets, and back (heteroclinic.pair_chains; every covering under f itself, where
   the kernel's enclosure is tight). Two closed paths through each cycle set: rho > 1.
The caller (`nd_certificate`) rationalises the sets and keeps only the edges the kernel verifies.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

__all__ = ["float_map", "periodic_orbits", "saddle_points", "lp_sizes", "lp_cubes", "nd_certificate", "DEFAULT_PERIOD",
           "AUDIT_COLUMNS", "horseshoe_column", "AUDIT_PERIOD", "AUDIT_POINTS"]

DEFAULT_PERIOD = 8
# the attractor-cycle pass (smooth RNN maps): periods of the saddle cycles from near returns, Newton starts per
# period, periodic points in one LP, and (k, A, B): coverings under f^k, caps on the unstable and stable half-sizes
CYCLE_PERIOD = 24
CYCLE_STARTS = 20
CYCLE_POINTS = 800
CYCLE_TRIES = ((1, 1e-3, 1e-4), (2, 1e-3, 1e-4), (2, 3e-4, 3e-5), (3, 3e-4, 3e-5), (4, 3e-4, 3e-5))
_SCALE = 1 << 40
# the heteroclinic-chain pass (smooth RNN maps, when the attractor-cycle pass finds nothing): pairs of saddle cycles
# with crossings both ways tried (best first), chain sets per chain at most, and (A, ratio): the cycles' largest unstable
# half-size and their stable floor relative to it (certify.horseshoes.heteroclinic)
HETERO_PAIRS = 3
HETERO_LEN = 120
HETERO_TRIES = ((1e-4, 1e-4), (3e-5, 1e-4), (3e-4, 1e-4))
# (k, A, B, eps): coverings under f^k; caps on the unstable and stable half-sizes and the margin
_TRIES = ((1, 0.05, 0.02, 0.02), (1, 0.01, 0.005, 0.02), (2, 0.02, 0.01, 0.02))
# (k, cap): expanding cubes under f^k with half-sizes up to cap
_CUBE_TRIES = ((2, 0.05), (3, 0.05), (4, 0.05))


class FloatMap:
    """Float f, Df and the kink forms of a network map (finders only). kinks: list of (w, beta) with the map
    affine on each side of {w . z + beta = 0}; smooth maps have none and `smooth` set."""

    def __init__(self, f, Df, kinks, smooth: bool, n: int):
        self.f, self.Df, self.kinks, self.smooth, self.n = f, Df, kinks, smooth, n

    def iterate(self, z, k):
        for _ in range(k):
            z = self.f(z)
        return z

    def jac(self, z, k):
        """D(f^k)(z) and the list of (f^m(z), D(f^m)(z)) for m < k."""
        J, out = np.eye(self.n), []
        for _ in range(k):
            out.append((z, J))
            J = self.Df(z) @ J
            z = self.f(z)
        return J, out


def float_map(net) -> FloatMap:
    """The FloatMap of a PLRNN (certify.maps.plrnn.PLRNN) or an RNN map (certify.maps.rnn.RNNMap)."""
    from certify.maps.plrnn import PLRNN

    if isinstance(net, PLRNN):
        a, W, h = net.floats()
        n = len(a)

        def f(z):
            return a * z + W @ np.maximum(z, 0) + h

        def Df(z):
            return np.diag(a) + W * (z > 0)[None, :]
        kinks = [(np.eye(n)[r], 0.0) for r in range(n) if np.any(W[:, r] != 0)]
        return FloatMap(f, Df, kinks, False, n)
    from certify.periodic.rnn import _acts

    W, b = net.floats()
    n = len(b)
    act, dact = _acts(net.activation)

    def g(z):
        return act(W @ z + b)

    def Dg(z):
        return dact(W @ z + b)[:, None] * W
    kinks = []
    if net.activation == "relu":
        kinks = [(W[r], b[r]) for r in range(n)]
    elif net.activation == "hardtanh":
        kinks = [(W[r], b[r] + s) for r in range(n) for s in (-1.0, 1.0)]
    F = FloatMap(g, Dg, kinks, net.activation in ("tanh", "sigmoid"), n)
    if F.smooth:  # for the kernel's enclosure model of one step (lp_sizes, framed)
        def ddact(u):
            a = act(u)
            return -2 * a * (1 - a * a) if net.activation == "tanh" else a * (1 - a) * (1 - 2 * a)
        F.W, F.b, F.ddact, F.act = W, b, ddact, act
    return F


def periodic_orbits(F: FloatMap, periods, seeds: int = 4, steps: int = 4000, transient: int = 500,
                    starts: int = 60, tol: float = 1e-10) -> dict:
    """{p: [orbit as a list of points]}: Newton on f^p(z) = z from near-returns of seeded float trajectories."""
    n = F.n
    rng = np.random.default_rng(0)
    trajs = []
    for _ in range(seeds):
        z = rng.standard_normal(n) * 0.5
        with np.errstate(all="ignore"):
            for _ in range(transient):
                z = F.f(z)
            if not np.all(np.isfinite(z)):
                continue
            tr = np.empty((steps, n))
            for i in range(steps):
                tr[i] = z
                z = F.f(z)
        if np.all(np.isfinite(tr)) and np.abs(tr).max() < 1e6:
            trajs.append(tr)
    found, seen = {}, set()
    scale = max((np.abs(tr).max() for tr in trajs), default=1.0) + 1.0
    raw = rng.uniform(-scale, scale, (starts, n))  # raw starts also reach repelling sets (no attractor)
    with np.errstate(all="ignore"):
        for p in periods:
            orbits, seeds_p = [], [raw]
            for tr in trajs:
                d = np.abs(tr[p:] - tr[:-p]).max(axis=1)
                idx = np.argsort(d)[:starts]
                seeds_p.append(tr[idx[d[idx] < 0.3 * scale]])
            for x in np.concatenate(seeds_p):
                orb = _new_orbit(F, _newton(F, x, p, scale), p, tol, seen)
                if orb is not None:
                    orbits.append(orb)
            found[p] = orbits
    return found


def _newton(F: FloatMap, x, p: int, scale: float, steps: int = 30):
    """Newton's method on f^p(x) = x from x (floats; at most `steps` steps, stopped when converged, singular,
    not finite or beyond 10 scale: _new_orbit then refuses what is not a cycle)."""
    x = np.array(x, dtype=float)
    for _ in range(steps):
        J, _ = F.jac(x, p)
        r = F.iterate(x, p) - x
        if not np.abs(r).max() > 1e-14 * scale:  # converged (or not finite: refused by _new_orbit)
            break
        try:
            x = x - np.linalg.solve(J - np.eye(len(x)), r)
        except np.linalg.LinAlgError:
            break
        if not np.all(np.isfinite(x)) or np.abs(x).max() > 10 * scale:
            break
    return x


def _new_orbit(F: FloatMap, x, p: int, tol: float, seen: set):
    """The orbit of x if x is a float point of minimal period p not seen before (recorded in `seen`), else None."""
    if not (np.all(np.isfinite(x)) and np.abs(F.iterate(x, p) - x).max() <= tol):
        return None
    orb = [x]
    while len(orb) < p:
        orb.append(F.f(orb[-1]))
    shifted = [np.abs(orb[0] - q).max() for q in orb[1:]]
    key = tuple(sorted(tuple(np.round(q, 7)) for q in orb))
    if (shifted and min(shifted) < 1e-7) or key in seen:
        return None  # a lower period, or an orbit found before
    seen.add(key)
    return orb


def _real_basis(w, V, idx) -> list:
    """Unit real vectors spanning the eigenvectors V[:, idx] (real and imaginary parts of a complex pair)."""
    cols, done = [], set()
    for k in idx:
        if k in done:
            continue
        v = V[:, k]
        if abs(w[k].imag) > 1e-12:
            mate = min((j for j in idx if j != k and j not in done), key=lambda j: abs(w[j] - np.conj(w[k])))
            done.add(mate)
            cols += [v.real, v.imag]
        else:
            cols.append(v.real)
    return [c / np.linalg.norm(c) for c in cols]


def period_map(F: FloatMap, orb, s: int = 0, Js=None) -> np.ndarray:
    """The Jacobian of f^p along the cycle `orb` (p points) starting at its point s: the product of the p step
    Jacobians (floats; Js: those Jacobians, if already computed)."""
    p = len(orb)
    Js = [F.Df(z) for z in orb] if Js is None else Js
    M = np.eye(F.n)
    for k in range(p):
        M = Js[(s + k) % p] @ M
    return M


def _period_maps(F: FloatMap, orb) -> list:
    """period_map at each point of the cycle `orb`."""
    Js = [F.Df(z) for z in orb]
    return [period_map(F, orb, t, Js) for t in range(len(orb))]


def _directions(F: FloatMap, orb):
    """(u, [(z, E)]) along a hyperbolic orbit (no multiplier within 1e-9 of the unit circle): u its number of
    unstable directions, E = [unstable basis, stable basis] (unit columns, real) at each point z, from the
    Jacobian product of the cycle starting there; (u, None) when not hyperbolic or E is ill-conditioned."""
    out = []
    for t, M in enumerate(_period_maps(F, orb)):
        w, V = np.linalg.eig(M)
        mod = np.abs(w)
        u = int(np.sum(mod > 1))
        if np.any(np.abs(mod - 1) < 1e-9) or u == 0:
            return u, None
        order = np.argsort(-mod)
        E = np.column_stack(_real_basis(w, V, list(order[:u])) + _real_basis(w, V, list(order[u:])))
        if np.linalg.cond(E) > 1e8:
            return u, None
        out.append((np.asarray(orb[t], float), E))
    return u, out


def _largest_lyapunov(F: FloatMap, tr) -> float:
    """Float estimate of the largest Lyapunov exponent along the trajectory tr (one tangent vector, renormalised)."""
    v = np.ones(F.n) / math.sqrt(F.n)
    s = 0.0
    for z in tr:
        v = F.Df(z) @ v
        nv = float(np.linalg.norm(v))
        if not (nv > 0 and math.isfinite(nv)):
            return -math.inf
        s += math.log(nv)
        v /= nv
    return s / max(len(tr), 1)


def attractor_cycles(F: FloatMap, max_period: int, steps: int = 20000, transient: int = 1000, starts: int = 20,
                     seed: int = 0, min_lyap: float = 0.005, min_lyap_steps: int = 5000) -> dict:
    """{p: [orbit]}: Newton on f^p(z) = z from the `starts` best near-returns (|z_(t+p) - z_t|_max smallest, starts at
    least 4 steps apart) of one seeded float trajectory of `steps` steps, p = 1..max_period; saddle cycles of the
    attractor (docs/research/lorenz-horseshoe.md). {} when the trajectory's float Lyapunov estimate (its first
    min_lyap_steps steps) is at most min_lyap: no chaotic attractor to take cycles from (a screen, not a verdict).
    Work: steps + max_period * starts Newton solves."""
    n = F.n
    rng = np.random.default_rng(seed)
    z = rng.standard_normal(n) * 0.5
    tr = np.empty((steps, n))
    with np.errstate(all="ignore"):
        for _ in range(transient):
            z = F.f(z)
        for i in range(steps):
            tr[i] = z
            z = F.f(z)
    if not (np.all(np.isfinite(tr)) and np.abs(tr).max() < 1e6) or _largest_lyapunov(F, tr[:min_lyap_steps]) <= min_lyap:
        return {}
    scale = np.abs(tr).max() + 1.0
    found, seen = {}, set()
    with np.errstate(all="ignore"):
        for p in range(1, max_period + 1):
            d = np.abs(tr[p:] - tr[:-p]).max(axis=1)
            chosen = []
            for t in np.argsort(d)[:starts * 8]:
                if all(abs(int(t) - c) > 3 for c in chosen):
                    chosen.append(int(t))
                if len(chosen) >= starts:
                    break
            orbits = []
            for t in chosen:
                orb = _new_orbit(F, _newton(F, tr[t], p, scale), p, 1e-10, seen)
                if orb is not None:
                    orbits.append(orb)
            found[p] = orbits
    return found


def split_frames(F: FloatMap, orb):
    """(u, [(z, E, p)]) along a hyperbolic cycle: E = [orthonormal basis of the unstable subspace, orthonormal basis of
    the stable subspace] at each point (real Schur forms of the cycle's Jacobian product, unstable resp. stable
    eigenvalues first), pushed along the cycle by QR, the stable one projected back onto the stable subspace at every
    point (the orthogonal complement of the left unstable subspace: forward iteration alone loses it). On an orbit edge
    E_(t+1)^-1 Df(z_t) E_t is block diagonal with triangular blocks, so a strongly contracting stable block contracts
    in a weighted max-norm (eigenvectors of tiny multipliers are ill-conditioned). (u, None) when not hyperbolic, u = 0
    or n, or the two subspaces are nearly tangent (cond(E) > 1e6)."""
    import scipy.linalg as sl

    p, n = len(orb), F.n
    Js = [F.Df(z) for z in orb]
    prods = _period_maps(F, orb)
    mod = np.abs(np.linalg.eigvals(prods[0]))
    u = int(np.sum(mod > 1))
    if np.any(np.abs(mod - 1) < 1e-9) or u == 0 or u == n:
        return u, None
    try:
        _, Q1, s1 = sl.schur(prods[0], output="real", sort="ouc")
        _, Q2, s2 = sl.schur(prods[0], output="real", sort="iuc")
    except (ValueError, np.linalg.LinAlgError):
        return u, None
    if s1 != u or s2 != n - u:
        return u, None
    U, S, out = Q1[:, :u], Q2[:, :n - u], []
    for t in range(p):
        _, QL, sl_ = sl.schur(prods[t].T, output="real", sort="ouc")
        if sl_ != u:
            return u, None
        L = QL[:, :u]
        S, R = np.linalg.qr(S - L @ (L.T @ S))
        S = S * np.where(np.diag(R) < 0, -1.0, 1.0)[None, :]
        E = np.column_stack([U, S])
        if not np.all(np.isfinite(E)) or np.linalg.cond(E) > 1e6:
            return u, None
        out.append((np.asarray(orb[t], float), E, p))
        U, R = np.linalg.qr(Js[t] @ U)
        U = U * np.where(np.diag(R) < 0, -1.0, 1.0)[None, :]
        S = Js[t] @ S
    return u, out


def saddle_points(F: FloatMap, orbs: dict) -> tuple:
    """({u: [(z, E)]} over the hyperbolic orbits by their number u of unstable directions, {u: number of
    orbits}), attracting ones counted under u = 0."""
    pts, counts = {}, {}
    for p in sorted(orbs):  # points of lower periods first

        for orb in orbs[p]:
            u, d = _directions(F, orb)
            counts[u] = counts.get(u, 0) + 1
            near = any(abs(float(w @ z + beta)) < 1e-6 for z in orb for w, beta in F.kinks)
            if d is not None and not near:  # a point on a kink: no affine h-set around it
                pts.setdefault(u, []).extend((z, E, p) for z, E in d)
    return pts, counts


def _curvature(F: FloatMap, c, k, h=1e-5):
    """Half the sum over j of |d D(f^k) / dz_j| row sums at c (central differences): a bound on the quadratic
    term of f^k at c per component, times |d|_max^2."""
    out = np.zeros(F.n)
    for j in range(F.n):
        e = np.zeros(F.n)
        e[j] = h
        out += np.abs(F.jac(c + e, k)[0] - F.jac(c - e, k)[0]).sum(axis=1) / (2 * h)
    return out / 2


def _frame_curvature(F: FloatMap, c, E, k, h=1e-5):
    """[l] -> the derivative of D(f^k) at c along the column E[:, l] (central differences), an n x n matrix."""
    return np.array([(F.jac(c + h * E[:, l], k)[0] - F.jac(c - h * E[:, l], k)[0]) / (2 * h) @ E
                     for l in range(F.n)])


def _kernel_radius(F: FloatMap, c, E, caps, k: int):
    """R (n x n): the kernel's enclosure of g(t) = M2^-1 (f^k(c + E diag(x) t) - c2) over the whole set (one box,
    certify.checker.hsets._image) has radius about (|M2^-1| R x)_r beyond its linear part, for half-sizes x <= caps.
    A model of its ball arithmetic (entry by entry, no cancellation) for an RNN map act(W h + b), following the
    centre's orbit z_s: the ball iterate P_s has radius p_s (p_0 = |E| caps, p_(s+1) = act'(pre_s) |W| p_s, the
    direct ball image), the slopes act' over the pre-activation ball have radius |act''(pre_s)| (|W| p_s), and the
    product D_s ... D_0 E diag(x) has radius R_s diag(x): R_(s+1) = |D_s| R_s + rad(D_s) (|D_s-1 ... D_0 E| + R_s)."""
    n = F.n
    aW = np.abs(F.W)
    p = np.abs(E) @ caps
    mid = np.asarray(E, float)
    R = np.zeros((n, n))
    z = np.asarray(c, float)
    for _ in range(k):
        pre = F.W @ z + F.b
        D = F.Df(z)
        rho = aW @ p
        radD = (np.abs(F.ddact(pre)) * rho)[:, None] * aW
        R = np.abs(D) @ R + radD @ (np.abs(mid) + R)
        mid = D @ mid
        p = np.abs(D) @ p
        z = F.f(z)
    return R


def lp_sizes(F: FloatMap, pts, u: int, k: int, A: float, B: float, eps: float, amin: float = 1e-7,
             safety: float = 1.5, reward: float = 0.0, framed: bool = False):
    """Sizes (m x n array: u unstable half-sizes, then n - u stable ones) and kept edges [(i, j)] from one
    elastic LP, or (None, [])."""
    from scipy.spatial import cKDTree

    n, m = F.n, len(pts)
    C = np.array([p[0] for p in pts])
    E = [p[1] for p in pts]
    Einv = [np.linalg.inv(e) for e in E]
    caps = np.array([A] * u + [B] * (n - u))
    rad = float(caps.sum())
    tree = cKDTree(C)
    gz = [F.iterate(c, k) for c in C]
    cand = [(i, j) for i in range(m) for j in tree.query_ball_point(gz[i], 2 * rad)]
    pairs = list(tree.query_pairs(2 * rad))
    ne = len(cand)
    rows = []
    jacs = [F.jac(c, k) for c in C]
    if framed and F.smooth and hasattr(F, "W"):  # the kernel's enclosure radii, linearised at the caps
        krad = [_kernel_radius(F, C[i], E[i], caps, k) for i in range(m)]
    elif framed and F.smooth:  # second derivatives along the frame's columns, weighted by the caps
        dirs = [_frame_curvature(F, C[i], E[i], k) for i in range(m)]
    else:
        curv = [(_curvature(F, c, k) * safety if F.smooth else np.zeros(n)) for c in C]
    for e, (i, j) in enumerate(cand):
        o = Einv[j] @ (gz[i] - C[j])
        G = Einv[j] @ jacs[i][0] @ E[i]
        if framed and F.smooth and hasattr(F, "W"):
            q = safety * (np.abs(Einv[j]) @ krad[i])
        elif framed and F.smooth:
            # g_r(t) - g_r(0) - Dg t = 1/2 sum_(l,m) H_r,lm t_l t_m with H_r,lm = (E_j^-1 d_l D(f^k) E_i)_rm:
            # <= 1/2 sum_l (sum_m |H_r,lm| cap_m) x_il, times the safety factor
            T = np.abs(np.einsum("rk,lkm->rlm", Einv[j], dirs[i]))
            q = 0.5 * safety * (T @ caps)
        else:
            # quadratic term of component r <= qv_r |d|_max^2 <= qv_r rad sum_l colmax_l x_il
            q = np.outer(np.abs(Einv[j]) @ curv[i], np.abs(E[i]).max(axis=0)) * rad
        if u > 1:  # one unstable size a (= x_i0 = ... = x_i(u-1)) and the linear end map G_uu (kappa: its least stretch)
            try:
                kappa = 1 / np.abs(np.linalg.inv(G[:u, :u])).sum(axis=1).max()
            except np.linalg.LinAlgError:
                kappa = 0.0
            du = np.abs(o[:u]).max()
        for r in range(n):
            coef = {n * m + e: -1.0}
            if r < u and u > 1:  # (U'_r): (1 + eps) a_j - kappa a_i + sum_(l >= u) |G_rl| x_il + q_r . x_i - s_e <= -|o_u|
                for l in range(n):
                    coef[n * i + l] = (abs(G[r, l]) if l >= u else 0.0) + q[r, l]
                coef[n * i] -= kappa * (1 - eps)
                coef[n * j] = coef.get(n * j, 0.0) + 1 + eps
                rows.append((coef, -du))
                continue
            if r < u:  # (U_r): (1 + eps) x_jr - |G_rr| x_ir + sum_(l != r) |G_rl| x_il + q_r . x_i - s_e <= -|o_r|
                for l in range(n):
                    coef[n * i + l] = (-abs(G[r, l]) if l == r else abs(G[r, l])) + q[r, l]
                coef[n * j + r] = coef.get(n * j + r, 0.0) + 1 + eps
            else:  # (S_r): sum_l |G_rl| x_il + q_r . x_i - (1 - eps) x_jr - s_e <= -|o_r|
                for l in range(n):
                    coef[n * i + l] = abs(G[r, l]) + q[r, l]
                coef[n * j + r] = coef.get(n * j + r, 0.0) - (1 - eps)
            rows.append((coef, -abs(o[r])))
    for i in range(m):  # a PL map stays affine on the set and its first k - 1 images: kinks beyond them
        for z, J in jacs[i][1]:
            JE = J @ E[i]
            for w, beta in F.kinks:
                dist = abs(float(w @ z + beta))
                rows.append(({n * i + l: abs(float(w @ JE[:, l])) for l in range(n)}, dist * (1 - eps)))
    for i, j in pairs:  # separated along one face of set i
        d = Einv[i] @ (C[j] - C[i])
        R = np.abs(Einv[i] @ E[j])
        f = int(np.argmax(np.abs(d) / caps))
        coef = {n * i + f: 1.0 + 1e-9}
        for l in range(n):
            coef[n * j + l] = coef.get(n * j + l, 0.0) + R[f, l]
        rows.append((coef, abs(d[f]) * (1 - eps)))
    for i in range(m):  # u > 1: the unstable sizes are one (the h-set is a cube in the unstable coordinates)
        for l in range(1, u):
            rows += [({n * i + l: 1.0, n * i: -1.0}, 0.0), ({n * i + l: -1.0, n * i: 1.0}, 0.0)]
    x = _elastic_lp(rows, [(amin, caps[l]) for _ in range(m) for l in range(n)], gz, C, cand,
                    {n * i: -reward for i in range(m)} if reward else None, scale=max(A, B) if framed else 1.0)
    if x is None:
        return None, []
    sizes = x[:n * m].reshape(m, n)
    slack = x[n * m:]
    kept = [cand[e] for e in range(ne) if slack[e] <= 1e-12]
    return sizes, kept


def _q(x: float):
    from flint import fmpq
    return fmpq(int(round(x * _SCALE)), _SCALE)


def _hset_dict(z, E, x) -> dict:
    from certify.certificates import q_str
    E = E * x[None, :]
    return {"c": [q_str(_q(v)) for v in z], "M": [[q_str(_q(v)) for v in row] for row in E]}


def _certified(kernel, pts, sizes, nodes, kept, k, grids, u, ends=None):
    """(log rho / k, sets, coverings, edges) of the best strongly connected graph whose coverings the kernel
    verifies among the component's h-sets (overlapping ones dropped), or None."""
    from certify.checker import hsets as H
    from certify.checker.statement import Failure

    n = len(pts[0][0])
    nodes, dicts, sets = list(nodes), None, None
    while sets is None or (pair := H.disjoint(sets)) is not None:  # drop one of each overlapping pair
        if sets is not None:
            nodes.pop(pair[1])
        dicts = [_hset_dict(pts[v][0], pts[v][1], sizes[v]) for v in nodes]
        try:
            sets = [H.parse_hset(d, n) for d in dicts]
        except Failure:  # a singular rationalised M: give up on this try
            return None
    index = {v: t for t, v in enumerate(nodes)}
    covs = []
    degrees = [("degree", d) for d in ((1, -1) if u == 1 else [list(w) for w in itertools.product((1, -1), repeat=u)])]
    for a, b in kept:
        if a not in index or b not in index:
            continue
        i, j = index[a], index[b]
        for grid in grids:
            cands = degrees if ends is None else ends(a, b)
            hit = next(((i, j, d, grid) for d in cands
                        if H.covers(kernel, sets[i], sets[j], *((d[1], grid, k, u) if d[0] == "degree" else
                                                               (None, grid, k, u, _exact(d[1]))))
                        is None), None)
            if hit:
                covs.append(hit)
                break
    return _best_graph(dicts, covs, k)


def _best_graph(dicts, covs, k: int):
    """(log rho / k, sets, coverings, edges) of the strongly connected component of largest spectral radius among the
    verified coverings (i, j, degree, grid) between the h-sets `dicts`, renumbered; None when rho <= 1."""
    from certify.horseshoes.finder import best_component

    sub, rho = best_component(len(dicts), [(i, j) for i, j, _, _ in covs])
    if rho <= 1 + 1e-9:
        return None
    keep = {v: t for t, v in enumerate(sorted(sub))}
    covs = [(keep[i], keep[j], d, g) for i, j, d, g in covs if i in keep and j in keep]
    return math.log(rho) / k, [dicts[v] for v in sorted(sub)], covs, [(i, j) for i, j, _, _ in covs]


def _chain_dict(z, E, x) -> dict:
    """An h-set {c, M} of the heteroclinic pass: the centre rounded to 2^-44, M = E diag(x) to 40 significant bits
    (its columns span 12 orders of magnitude; float noise in the last bits does not reach the certificate)."""
    from certify.certificates import q_str
    from flint import fmpq

    def rel(v):
        if v == 0:
            return fmpq(0)
        mant, ex = math.frexp(v)
        num, ex = int(round(mant * 2.0 ** 40)), ex - 40
        return fmpq(num * 2 ** ex) if ex >= 0 else fmpq(num, 2 ** -ex)
    M = E * x[None, :]
    return {"c": [q_str(_q(v)) for v in z], "M": [[q_str(rel(float(v))) for v in row] for row in M]}


def _heteroclinic_graph(F, kernel, cycles, pairs: int = HETERO_PAIRS, tries=HETERO_TRIES, max_len: int = HETERO_LEN):
    """(log rho, sets, coverings, edges) of a graph of h-sets along heteroclinic chains between two saddle cycles with
    one unstable direction (certify.horseshoes.heteroclinic), every covering under f verified by the kernel and the
    sets pairwise disjoint; or None. Work: one crossing search, then at most `pairs` pairs x len(tries) sizes."""
    from certify.checker import hsets as H
    from certify.checker.statement import Failure
    from certify.horseshoes import heteroclinic as HC

    if len(cycles) < 2:
        return None
    best = HC.crossings(F, cycles)
    two = sorted((max(v[0], best[(b, a)][0]), a, b) for (a, b), v in best.items() if a < b and (b, a) in best)
    n = F.n
    for _, a, b in two[:pairs]:
        pa, pb = cycles[a], cycles[b]
        ends = []
        for u, v, pu, pv in ((a, b, pa, pb), (b, a, pb, pa)):
            _, k, iu, iv, s0, _ = best[(u, v)]
            con = HC.connect(F, pu, pv, iu, iv, k, s0)
            ends.append(None if con is None else (con[0], iu))
        if None in ends:
            continue
        for A, ratio in tries:
            res = HC.pair_chains(F, pa, pb, ends[0], ends[1], A, ratio, max_len=max_len, limit=2.0)
            if res is None:
                continue
            sa, sb, (cab, tab, sab), (cba, tba, sba) = res
            pA, pB = len(pa), len(pb)
            nodes = [(z, E, sa[i]) for i, (z, E, _) in enumerate(pa)]
            nodes += [(z, E, sb[i]) for i, (z, E, _) in enumerate(pb)]
            o1 = len(nodes)
            nodes += cab
            o2 = len(nodes)
            nodes += cba
            m = len(nodes)
            edges = [(i, (i + 1) % pA) for i in range(pA)] + [(pA + i, pA + (i + 1) % pB) for i in range(pB)]
            edges += [(tab, o1)] + [(o1 + j, o1 + j + 1) for j in range(len(cab) - 1)] + [(o2 - 1, pA + sab)]
            edges += [(pA + tba, o2)] + [(o2 + j, o2 + j + 1) for j in range(len(cba) - 1)] + [(m - 1, sba)]
            dicts = [_chain_dict(*v) for v in nodes]
            try:
                sets = [H.parse_hset(d, n) for d in dicts]
            except Failure:
                continue
            if H.disjoint(sets) is not None:
                continue
            covs = []
            for i, j in edges:  # grid 1, else the unstable coordinate split (a long slab's curvature)
                hit = next(((d, g) for g in (1, [8] + [1] * (n - 1)) for d in (1, -1)
                            if H.covers(kernel, sets[i], sets[j], d, g) is None), None)
                if hit is not None:
                    covs.append((i, j, ("degree", hit[0]), hit[1]))
            graph = _best_graph(dicts, covs, 1)
            if graph is not None:
                return graph
    return None


def _exact(A) -> list:
    from certify.certificates import q_parse
    return [[q_parse(v) for v in r] for r in A]


def _linear_end(F: FloatMap, pts, sizes, k: int, u: int):
    """ends(a, b): the end map of the homotopy for a covering a => b of expanding h-sets, the float linear part
    M_b^-1 D(f^k)(c_a) M_a rationalised (dyadic, 2^-20)."""
    from certify.certificates import q_str
    from flint import fmpq

    def ends(a, b):
        Ma = pts[a][1] * sizes[a][None, :]
        Mb = pts[b][1] * sizes[b][None, :]
        H = np.linalg.solve(Mb, F.jac(pts[a][0], k)[0] @ Ma)[:u, :u]
        return [("linear", [[q_str(fmpq(int(round(v * (1 << 20))), 1 << 20)) for v in r] for r in H])]
    return ends


def lp_cubes(F: FloatMap, pts, k: int, cap: float, eps: float = 0.02, amin: float = 1e-7, safety: float = 1.5):
    """Expanding h-sets (no stable direction): N_i = c_i + x_i E_i [-1, 1]^n. With K_i = E^-1 D(f^k)(c_i) E and
    kappa_i = 1 / ||K_i^-1||_inf (the least |K t|_inf on the unit sphere of the max norm), the covering
    i => j holds when kappa_i x_i > x_j + |E^-1 (f^k(c_i) - c_j)|_inf (plus the nonlinear term): one LP in
    the sizes x, every edge with a slack; returns (sizes m x n, kept edges) or (None, [])."""
    from scipy.spatial import cKDTree

    n, m = F.n, len(pts)
    C = np.array([p[0] for p in pts])
    E = [p[1] for p in pts]
    Einv = [np.linalg.inv(e) for e in E]
    jacs = [F.jac(c, k) for c in C]
    kappa = []
    for i in range(m):
        K = Einv[i] @ jacs[i][0] @ E[i]
        try:
            kappa.append(1 / np.abs(np.linalg.inv(K)).sum(axis=1).max())
        except np.linalg.LinAlgError:
            kappa.append(0.0)
    gz = [F.iterate(c, k) for c in C]
    tree = cKDTree(C)
    reach = [max(kappa[i], 1.0) * cap * 2 * math.sqrt(n) for i in range(m)]
    cand = [(i, j) for i in range(m) if kappa[i] > 1 for j in tree.query_ball_point(gz[i], reach[i])]
    ne, rows = len(cand), []
    curv = [(_curvature(F, c, k) * safety if F.smooth else np.zeros(n)) for c in C]
    for e, (i, j) in enumerate(cand):
        d = np.abs(Einv[j] @ (gz[i] - C[j])).max()
        q = (np.abs(Einv[j]) @ curv[i]).max() * cap * np.abs(E[i]).sum(axis=1).max() ** 2
        # x_j (1 + eps) - (kappa_i (1 - eps) - q) x_i - s_e <= -d
        rows.append(({j: 1 + eps, i: -(kappa[i] * (1 - eps) - q), m + e: -1.0}, -d))
    for i in range(m):
        for z, J in jacs[i][1]:
            JE = J @ E[i]
            for w, beta in F.kinks:
                rows.append(({i: float(np.abs(w @ JE).sum())}, abs(float(w @ z + beta)) * (1 - eps)))
    for i, j in tree.query_pairs(2 * cap * math.sqrt(n) * 2):
        d = np.abs(Einv[i] @ (C[j] - C[i]))
        R = np.abs(Einv[i] @ E[j]).sum(axis=1)
        f = int(np.argmax(d))
        rows.append(({i: 1.0 + 1e-9, j: float(R[f])}, d[f] * (1 - eps)))
    x = _elastic_lp(rows, [(amin, cap)] * m, gz, C, cand)
    if x is None:
        return None, []
    return np.repeat(x[:m, None], n, axis=1), [cand[e] for e in range(ne) if x[m + e] <= 1e-12]


def _elastic_lp(rows, size_bounds, gz, C, cand, size_cost=None, scale: float = 1.0):
    """Solve  min sum_e w_e s_e  over the sizes (bounds `size_bounds`) and one slack s_e >= 0 per candidate edge
    (after the sizes), subject to rows [({variable: coefficient}, rhs)] meaning sum <= rhs; an edge along an
    orbit (g(c_i) = c_j) weighs 11, the others 1. The solution vector, or None."""
    from scipy.optimize import linprog
    from scipy.sparse import lil_matrix

    nv = len(size_bounds) + len(cand)
    A = lil_matrix((len(rows), nv))
    rhs = np.array([b for _, b in rows]) / scale  # variables in units of `scale` (HiGHS' tolerances are absolute)
    for r, (coef, _) in enumerate(rows):
        for col, v in coef.items():
            A[r, col] += v
    weights = [11.0 if np.abs(gz[i] - C[j]).max() < 1e-9 else 1.0 for i, j in cand]
    cost = np.concatenate([np.zeros(len(size_bounds)), np.array(weights)])
    for col, v in (size_cost or {}).items():
        cost[col] = v
    bounds = [(lo / scale, hi / scale) for lo, hi in size_bounds] + [(0, None)] * len(cand)
    res = linprog(cost, A_ub=A.tocsr(), b_ub=rhs, bounds=bounds, method="highs")
    return res.x * scale if res.status == 0 else None


def _map_class(net) -> str:
    from certify.maps.plrnn import PLRNN
    if isinstance(net, PLRNN) or net.activation in ("relu", "hardtanh"):
        return "piecewise-linear"
    return "smooth"


def undecided_horseshoe(net, reason: str, precision: int = 64) -> dict:
    """The undecided horseshoe certificate of a network map (claim iterate 1, no facts), naming why."""
    from certify.certificates import SCHEMA
    return {"schema": SCHEMA, "map": {"given": net.given, "canonical": net.canonical, "class": _map_class(net)},
            "claim": {"kind": "horseshoe", "iterate": 1}, "verdict": "undecided", "precision": precision,
            "evidence": [], "reason": reason}


def nd_certificate(net, max_period: int = DEFAULT_PERIOD, precision: int = 64, tries=_TRIES,
                   max_points: int = 400, cube_tries=_CUBE_TRIES, cycle_period: int = CYCLE_PERIOD,
                   cycle_tries=CYCLE_TRIES, cycle_points: int = CYCLE_POINTS, cycle_starts: int = CYCLE_STARTS,
                   hetero_pairs: int = HETERO_PAIRS, hetero_tries=HETERO_TRIES) -> dict:
    """A horseshoe certificate for a PLRNN or an RNN map (proved), or an undecided one naming why."""
    from flint import ctx

    from certify.certificates import SCHEMA
    from certify.checker import check
    from certify.checker import hsets as H
    from certify.horseshoes import _entropy_field
    from certify.horseshoes.finder import best_component

    mp = {"given": net.given, "canonical": net.canonical, "class": _map_class(net)}
    if net.n < 2:
        from certify.errors import CertifyError
        raise CertifyError("chaos takes a network of dimension n >= 2 (h-sets); a 1-dimensional map is an interval "
                           "map: certify entropy or certify period -p 3 prove its chaos")
    if net.n > H.MAX_NET_DIM:
        return undecided_horseshoe(net, f"the kernel's h-sets take networks of dimension up to {H.MAX_NET_DIM}",
                                   precision)
    F = float_map(net)
    orbs = periodic_orbits(F, range(1, max_period + 1))
    groups, counts = saddle_points(F, orbs)
    cycle_pass = bool(cycle_tries) and cycle_period > 0 and hasattr(F, "W")
    if not groups and not cycle_pass:
        found = ", ".join(f"{c} with {u} unstable direction{'s' if u != 1 else ''}" for u, c in sorted(counts.items()))
        return undecided_horseshoe(net, f"no hyperbolic periodic orbit with an unstable direction found up to period "
                                        f"{max_period}" + (f" (orbits found: {found})" if found else
                                                            " (no periodic orbit found)"), precision)
    kernel = H.parse_map(net.canonical)
    grids = (1, 2) if net.n <= 3 else (1,)
    best = None

    def consider(graph, k, u):
        nonlocal best
        if graph is not None and (best is None or graph[0] > best[0]):
            best = (*graph, k, u)

    def promising(rho, k):
        return rho > 1 + 1e-9 and (best is None or math.log(rho) / k > best[0] + 1e-9)
    with ctx.workprec(precision):
        for u, cap, (k, A, B, eps) in itertools.product(sorted(groups, key=lambda u: (-len(groups[u]), u)),
                                                        sorted({min(max_period, 5), max_period}), tries):
            pts = [pt for pt in groups[u] if pt[2] <= cap][:max_points]  # crowded sets shrink: fewer periods too
            if len(pts) < 2:
                continue
            sizes, kept = lp_sizes(F, pts, u, k, A, B, eps)
            if sizes is not None:
                nodes, rho = best_component(len(pts), kept)
                if promising(rho, k):
                    ends = _linear_end(F, pts, sizes, k, u) if u > 1 else None
                    consider(_certified(kernel, pts, sizes, nodes, kept, k, grids, u, ends), k, u)
        # expanding cubes c + x [-1, 1]^n around every periodic point off the kinks (no stable direction): the
        # covering's end map is the linear part of f^k, so rotations are allowed
        cubes = [(z, np.eye(net.n), p) for pts in groups.values() for z, _, p in pts][:max_points]
        cube_grids = (1, 2, 4, 8, 16) if net.n == 2 else (1, 2) if net.n <= 4 else (1,)
        for k, cap in cube_tries if len(cubes) >= 2 else ():
            sizes, kept = lp_cubes(F, cubes, k, cap)
            if sizes is not None:
                nodes, rho = best_component(len(cubes), kept)
                if promising(rho, k):
                    consider(_certified(kernel, cubes, sizes, nodes, kept, k, cube_grids, net.n,
                                        _linear_end(F, cubes, sizes, k, net.n)), k, net.n)
        if best is None and cycle_pass:  # saddle cycles of the attractor, split frames, coverings under f
            cyc = attractor_cycles(F, cycle_period, starts=cycle_starts)
            framed = [split_frames(F, orb) for p in sorted(cyc) for orb in cyc[p]]  # (u, points) per cycle
            cgroups = {}
            for u, d in framed:
                if d is not None:
                    cgroups.setdefault(u, []).extend(d)
            for u in sorted(cgroups, key=lambda u: (-len(cgroups[u]), u)):
                pts = cgroups[u][:cycle_points]
                for k, A, B in cycle_tries if len(pts) >= 2 else ():
                    sizes, kept = lp_sizes(F, pts, u, k, A, B, 0.02, reward=0.01, framed=True, safety=1.5)
                    if sizes is not None:
                        nodes, rho = best_component(len(pts), kept)
                        if promising(rho, k):
                            ends = _linear_end(F, pts, sizes, k, u) if u > 1 else None
                            consider(_certified(kernel, pts, sizes, nodes, kept, k, (1,), u, ends), k, u)
            if best is None and hetero_pairs > 0:  # heteroclinic chains between two saddle cycles, coverings under f
                cycles = [d for u, d in framed if u == 1 and d is not None]
                consider(_heteroclinic_graph(F, kernel, cycles, hetero_pairs, hetero_tries), 1, 1)
    if best is None and not groups:
        found = ", ".join(f"{c} with {u} unstable direction{'s' if u != 1 else ''}" for u, c in sorted(counts.items()))
        return undecided_horseshoe(net, f"no hyperbolic periodic orbit with an unstable direction found up to period "
                                        f"{max_period}" + (f" (orbits found: {found})" if found else
                                                            " (no periodic orbit found)"), precision)
    if best is None:
        sizes = ", ".join(f"{len(v)} with {u} unstable direction{'s' if u != 1 else ''}" for u, v in sorted(groups.items()))
        return undecided_horseshoe(net, f"no graph of h-sets with verified coverings and positive entropy from the "
                                        f"periodic points of periods up to {max_period} ({sizes})", precision)
    _, sets, covs, edges, k, u = best
    boxes = sum(H.grid_boxes(H.grid_counts(g, net.n), u) * k for _, _, _, g in covs)
    if boxes > H.MAX_BOXES or boxes * H.cover_work(kernel, precision) > H.MAX_COVER_WORK:
        return undecided_horseshoe(net, f"the best graph ({len(sets)} h-sets, {len(covs)} coverings) needs more "
                                        "covering work than the checker allows", precision)
    head = {"fact": "hsets", "sets": sets, **({"unstable": u} if u > 1 else {})}
    cert = {"schema": SCHEMA, "map": mp, "claim": {"kind": "horseshoe", "iterate": k}, "verdict": "proved",
            "precision": precision,
            "evidence": [head] +
                        [{"fact": "covering", "from": i, "to": j, d[0]: d[1], "grid": g} for i, j, d, g in covs],
            "entropy": _entropy_field(len(sets), edges, k)}
    res = check(cert)
    if not res.ok:
        raise AssertionError(f"internal: the kernel rejects the horseshoe certificate: {res.message}")
    return cert


# ----------------------------------------------------------------------------- the audit's horseshoe column

AUDIT_PERIOD = 4      # periods of the orbits the h-sets are built around
AUDIT_POINTS = 120    # periodic points in one size LP
AUDIT_TRIES = ((1, 0.05, 0.02, 0.02), (2, 0.02, 0.01, 0.02))
AUDIT_CUBES = _CUBE_TRIES
AUDIT_CYCLE_PERIOD = 24  # the attractor-cycle pass: saddle cycles up to this period, coverings under f
AUDIT_CYCLE_STARTS = 20
AUDIT_CYCLE_TRIES = ((1, 1e-3, 1e-4), (2, 3e-4, 3e-5), (3, 3e-4, 3e-5))
# the heteroclinic-chain pass: about 1-3 s more on a chaotic RNN(8) where it finds nothing, 8 s where it proves
AUDIT_HETERO_PAIRS = HETERO_PAIRS
AUDIT_HETERO_TRIES = HETERO_TRIES


def horseshoe_column(net, budget=None) -> str:
    """The horseshoe column of `certify audit --model rnn` (certify.ensembles.rnn_audit reads AUDIT_COLUMNS):
    "proved" when the finder returns a horseshoe certificate the kernel accepts, else "undecided" (never a
    refutation). The work is bounded by AUDIT_PERIOD, AUDIT_POINTS, AUDIT_TRIES, AUDIT_CUBES, the AUDIT_CYCLE_* and
    AUDIT_HETERO_* constants, never by time."""
    cert = nd_certificate(net, AUDIT_PERIOD, tries=AUDIT_TRIES, max_points=AUDIT_POINTS, cube_tries=AUDIT_CUBES,
                          cycle_period=AUDIT_CYCLE_PERIOD, cycle_tries=AUDIT_CYCLE_TRIES, cycle_points=CYCLE_POINTS,
                          cycle_starts=AUDIT_CYCLE_STARTS, hetero_pairs=AUDIT_HETERO_PAIRS,
                          hetero_tries=AUDIT_HETERO_TRIES)
    return "proved" if cert["verdict"] == "proved" else "undecided"


AUDIT_COLUMNS = {"horseshoe": horseshoe_column}
