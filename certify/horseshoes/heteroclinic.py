"""Heteroclinic chains of h-sets between two saddle cycles of a smooth RNN map (floats only find; the kernel proves).

The construction. Two saddle cycles a, b with one unstable direction each (nd.split_frames frames E_t at their points
z_t: unstable column first, E_(t+1)^-1 Df(z_t) E_t block diagonal with the one-step stretch lambda_t and a stable block
S_t). A transverse heteroclinic orbit leaves a along its unstable manifold W^u(a) and arrives at b along W^s(b) (and
one from b back to a). The h-sets:
  - N_a^t = z_t + E_t diag(a_t, b_t) [-1, 1]^n at every point of a (and of b), covering N_a^t => N_a^(t+1) under f
    (`cycle_sizes`: unstable half-sizes a_(t+1) = |lambda_t| a_t / mu with mu = |Lambda|^(1/p), Lambda the cycle's
    unstable multiplier, so every image overhangs the next set by the same factor mu on both sides; stable ones the
    least fixed point of b_(t+1) = (1 + eps) (|S_t| b_t + q_t) above a floor, q_t a model of the kernel's nonlinear
    radius, nd._kernel_radius);
  - chain sets S_1, ..., S_m centred at the points x_1, ..., x_m of a float orbit on W^u(a) (`connect`: started
    1e-9 from z_a on its unstable line, so it lies on W^u(a) to float accuracy, refined by bisection onto W^s(b)):
    S_1 sits in the middle of the overhang of f(N_a^(t-1)) beyond N_a^t (same frame; `start_scale` picks a's scale so
    that the orbit is there), S_(j+1) has a's frame while the orbit is still near a, then the frame Q of the QR
    factorisation of Df(x_j) E(S_j) (unstable column first: E(S_(j+1))^-1 Df E(S_j) = R is upper triangular, the
    stable coordinates never see the unstable one); unstable half-size |R_00| w_j minus the stable and nonlinear
    terms (capped: a longer slab only adds curvature), stable half-sizes |R_s.| x_j plus the nonlinear term, each with
    a margin (`chain_run`);
  - the chain ends at the S_m whose image lies across some N_b^s with the least stable room needed: its unstable faces
    beyond N_b^s's and its stable coordinates inside (the orbit shadows b's cycle and the pushed unstable direction
    turns towards b's, the lambda lemma); N_b^s's stable half-sizes are raised to what the chain needs, which changes
    the sets the chain back from b starts from: `pair_chains` alternates until both chains land.
Coverings N_a^(t-1) => S_1 => ... => S_m => N_b^s and a chain back from b to a give N_a^(t-1) two closed paths (around
a, and through b): the graph's spectral radius exceeds 1 and h_top(f) >= log rho. Every covering is under f itself
(the kernel's enclosure of one step is tight on small sets: docs/research/rnn-lohner.md, table 1 (b)). The caller
(nd._heteroclinic_graph) rationalises the sets and keeps only what the kernel verifies.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["step_matrices", "cycle_sizes", "crossings", "connect", "start_scale", "chain_run", "best_landing",
           "pair_chains"]


def _fmany(F, X):
    """f on the rows of X (an RNN map act(W h + b))."""
    return F.act(X @ F.W.T + F.b[None, :])


def step_matrices(F, pts) -> list:
    """[E_(t+1)^-1 Df(z_t) E_t] along a cycle's points (z_t, E_t, p) (floats)."""
    p = len(pts)
    return [np.linalg.solve(pts[(t + 1) % p][1], F.Df(pts[t][0]) @ pts[t][1]) for t in range(p)]


def _nonlinear(F, z, E, x, E2inv, safety):
    """The model of the kernel's radius beyond the linear part for the set z + E diag(x) [-1, 1]^n under f, in the
    coordinates of a target frame with inverse E2inv (per coordinate, not yet divided by the target's sizes)."""
    from certify.horseshoes.nd import _kernel_radius
    return safety * (np.abs(E2inv) @ (_kernel_radius(F, z, E, x, 1) @ x))


def _profile(g):
    """Half-size profile along a cycle from the moduli g_t of one coordinate's multipliers: x_(t+1) = g_t x_t / nu with
    nu = (prod g_t)^(1/p) (periodic), the largest 1."""
    p = len(g)
    nu = float(np.exp(np.log(g).sum() / p))
    x = np.ones(p)
    for t in range(1, p):
        x[t] = x[t - 1] * g[t - 1] / nu
    return x / x.max(), nu


def cycle_sizes(F, pts, A: float, B: float, eps: float = 0.02, safety: float = 1.5, rounds: int = 8, floor=None,
                least: float = 1e-6, sweeps: int = 60):
    """(sizes p x n, mu) for the h-sets at the points of a cycle with one unstable direction: unstable half-sizes with
    the same overhang mu = |Lambda|^(1/p) at every step (the largest A), stable ones the least fixed point of
    b_(t+1) = (1 + eps) (|S_t| b_t + q_t) above the floor B phi_t (phi: each stable coordinate's own diagonal profile,
    `_profile`), least A and the given floor (p x (n - 1): where chains land), q_t the nonlinear model, the margin
    eps smaller (down to eps / 4) when the stable blocks contract little around the cycle; or (None, mu) when the
    stable ones do not settle or the overhang does not survive the nonlinear term."""
    p, n = len(pts), F.n
    G = step_matrices(F, pts)
    a, mu = _profile(np.array([abs(g[0, 0]) for g in G]))
    a *= A
    base = B * np.column_stack([_profile(np.maximum(np.array([abs(g[s, s]) for g in G]), 1e-300))[0]
                                for s in range(1, n)])
    floor = np.maximum(np.maximum(base, least * A), 0 if floor is None else floor)
    b = floor.copy()
    Einv = [np.linalg.inv(pt[1]) for pt in pts]
    P = np.eye(n - 1)
    for g in G:
        P = np.abs(g[1:, 1:]) @ P
    rho = float(max(abs(np.linalg.eigvals(P))))  # the stable margins compound around the cycle: (1 + es)^p rho < 1
    es = max(eps / 4, min(eps, ((1 / max(rho, 1e-300)) ** (1 / p) - 1) / 2))
    for _ in range(rounds):
        sizes = np.column_stack([a, b])
        q = [_nonlinear(F, pts[t][0], pts[t][1], sizes[t], Einv[(t + 1) % p], safety) for t in range(p)]
        new = floor.copy()
        for _ in range(sweeps):  # the least fixed point for these q (it exists when the cycle contracts)
            old = new.copy()
            for t in range(p):
                s = (t + 1) % p
                new[s] = np.maximum(new[s], (1 + es) * (np.abs(G[t][1:, 1:]) @ new[t] + q[t][1:]))
            if np.all(new - old <= 1e-6 * new):
                break
        done = np.all(np.abs(new - b) <= 1e-3 * b + 1e-9 * b.max())
        b = new
        if done:
            break
    else:
        return None, mu
    sizes = np.column_stack([a, b])
    for t in range(p):
        s = (t + 1) % p
        q = _nonlinear(F, pts[t][0], pts[t][1], sizes[t], Einv[s], safety)
        if not (abs(G[t][0, 0]) * a[t] - q[0] > (1 + eps) * a[s]
                and np.all((1 + es / 2) * (np.abs(G[t][1:, 1:]) @ b[t] + q[1:]) <= b[s])):
            return None, mu
    return sizes, mu


def _multiplier(F, pts) -> float:
    """The signed unstable multiplier of a cycle (the product of the unstable entries of its step matrices)."""
    return float(np.prod([g[0, 0] for g in step_matrices(F, pts)]))


def connect(F, pa, pb, ia: int, ib: int, k: int, s: float, sigma: float = 1e-9, width: float = 0.3,
            samples: int = 601, deepen: int = 2):
    """A float orbit from W^u(a) to W^s(b) near a crossing found by `crossings` (z_a^ia + s E e_0 reaching near
    z_b^ib after k steps): the start x_0 = z_a^ia + sigma' E e_0 on the local unstable manifold (|sigma'| about
    sigma, so the linear picture is exact to sigma^2), L = the periods of a it takes to reach s, and sigma' refined by
    bisection on the sign of the unstable coordinate t_0 in z_b^ib's frame after L p_a + k steps (the sign change
    with the least stable miss within a relative window `width`), then `deepen` times again one period of b later
    (the linear frame at the arrival is W^s(b) only to second order; nearer b it is better). (x_0, steps to b) or
    None."""
    p, pB = len(pa), len(pb)
    z, E = pa[ia][0], pa[ia][1]
    Lam = _multiplier(F, pa)
    L = max(0, int(math.ceil(math.log(abs(s) / sigma) / math.log(abs(Lam)))))
    s0 = s / Lam ** L
    steps = L * p + k

    def coords(sv, extra=0):
        X = z[None, :] + np.asarray(sv, float)[:, None] * E[:, 0][None, :]
        for _ in range(steps + extra):
            X = _fmany(F, X)
        zb, Eb = pb[(ib + extra) % pB][0], pb[(ib + extra) % pB][1]
        return np.linalg.solve(Eb, (X - zb[None, :]).T).T

    def bisect(lo, hi, extra):
        slo = np.sign(coords([lo], extra)[0, 0])
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if mid in (lo, hi):
                break
            if np.sign(coords([mid], extra)[0, 0]) == slo:
                lo = mid
            else:
                hi = mid
        return lo, hi
    ss = s0 * (1 + width * np.linspace(-1, 1, samples))
    T = coords(ss)
    miss = np.abs(T[:, 1:]).max(axis=1)
    sg = np.sign(T[:, 0])
    cand = [i for i in range(samples - 1) if sg[i] != sg[i + 1] and sg[i] != 0]
    if not cand:
        return None
    i = min(cand, key=lambda i: max(miss[i], miss[i + 1]))
    lo, hi = bisect(ss[i], ss[i + 1], 0)
    for d in range(1, deepen + 1):
        extra = d * pB
        delta = abs(lo) * 1e-15
        while delta < abs(lo) * 1e-3:
            t = coords([lo - delta, lo + delta], extra)[:, 0]
            if np.sign(t[0]) != np.sign(t[1]):
                lo, hi = bisect(lo - delta, lo + delta, extra)
                break
            delta *= 4
    return z + lo * E[:, 0], steps


def start_scale(F, pa, x0, ia: int, A: float, eps: float = 0.02, min_profile: float = 0.3):
    """The scale A' of cycle a's unstable half-sizes (cycle_sizes(F, pa, A', ...)) that puts the orbit of x0 (on
    W^u(a) near z_a^ia) in the middle of an overhang, at a cycle point where the profile of a's unstable sizes is at
    least min_profile (large sets leave room for the chain's first slab), A' as near A as that allows (in ratio); or
    None. In the linear picture the orbit's unstable coordinate grows by |lambda_t| per step and the sizes by
    |lambda_t| / mu, so the orbit point at cycle point t sits at r = |t_0| / (A' prof_t) of the set's half-size."""
    G = step_matrices(F, pa)
    prof, mu = _profile(np.array([abs(g[0, 0]) for g in G]))
    m = (1 + mu / (1 + eps)) / 2
    p = len(pa)
    x, c, best = np.array(x0, float), ia, None
    for _ in range(60 * p):
        t0 = abs(np.linalg.solve(pa[c][1], x - pa[c][0])[0])
        if t0 > 0.02:
            break
        if prof[c] >= min_profile and t0 > 0:
            Ae = t0 / (m * prof[c])
            if best is None or abs(math.log(Ae / A)) < abs(math.log(best / A)):
                best = Ae
        x, c = F.f(x), (c + 1) % p
    return best


def _qr_frame(A):
    """Q of the QR factorisation of A with a positive diagonal of R, and R (column order kept: unstable first)."""
    Q, R = np.linalg.qr(A)
    d = np.where(np.diag(R) < 0, -1.0, 1.0)
    return Q * d[None, :], R * d[:, None]


def chain_run(F, pa, sa, mua, pb, sb, x0, ia: int, eps: float = 0.02, safety: float = 1.5, room: float = 0.8,
              max_len: int = 80, cap: float = 2.0, follow: float = 20.0):
    """The chain from cycle a towards cycle b along the orbit of x0 (x0 near z_a^ia on W^u(a), `connect`):
    (sets, t, landings) with sets [(centre, frame, half-sizes)] S_1, S_2, ... (at most max_len), t the index of the
    set N_a^t with N_a^t => S_1, and landings[j] = (s, need) when the image of S_(j+1) lies across N_b^s in its
    unstable coordinate (float, linearised, with the nonlinear model and margins) and needs N_b^s's stable half-sizes
    to be at least `need`, else None; or None. sa, sb: the cycles' sizes (cycle_sizes), mua: a's overhang. S_1 is
    the first orbit point whose unstable coordinate relative to its cycle point exceeds that set's half-size (in the
    middle of the overhang when a's scale comes from `start_scale`), unstable half-size `room` times the room left;
    the unstable half-sizes are capped at cap times b's largest (longer slabs only add curvature). Frames: a's own
    while the orbit is within `follow` half-sizes of a's cycle (the stable columns do not feed the unstable one),
    then Q of the QR factorisation of Df E (unstable column first: E_(j+1)^-1 Df E_j upper triangular)."""
    pA = len(pa)
    x = np.array(x0, float)
    c = ia
    for _ in range(60 * pA):  # up to the overhang
        z, E = pa[c][0], pa[c][1]
        t = np.linalg.solve(E, x - z)
        r = abs(t[0]) / sa[c][0]
        if r >= 1:
            break
        x, c = F.f(x), (c + 1) % pA
    else:
        return None
    # the overhang of f(N_a^(c-1)) beyond N_a^c is (1, mua / (1 + eps)) in units of a_c: S_1 in it
    hi = mua / (1 + eps)
    if not 1 < r < hi:
        return None
    w = room * min(r - 1, hi - r) * sa[c][0]
    o = np.linalg.solve(pa[c][1], x - pa[c][0])
    b = sa[c][1:] + (1 + eps) * np.abs(o[1:])
    sets = [(x.copy(), pa[c][1].copy(), np.concatenate([[w], b]))]
    start = (c - 1) % pA
    least = 1e-6 * sa[:, 0].max()  # stable half-sizes far above the rounding of the centres (2^-44)
    wcap = cap * sb[:, 0].max()
    bz = np.array([q[0] for q in pb])
    Binv = [np.linalg.inv(q[1]) for q in pb]
    lands = []
    while True:
        x, E, sz = sets[-1]
        J = F.Df(x)
        y = F.f(x)
        s = int(np.argmin(np.abs(bz - y[None, :]).max(axis=1)))
        o = Binv[s] @ (y - bz[s])
        G = Binv[s] @ J @ E
        q = _nonlinear(F, x, E, sz, Binv[s], safety)
        ext = np.abs(G) @ sz + q
        reach = abs(G[0, 0]) * sz[0] - (np.abs(G[0, 1:]) @ sz[1:]) - q[0] - abs(o[0])
        lands.append((s, (1 + eps) * (np.abs(o[1:]) + ext[1:])) if reach > (1 + eps) * sb[s][0] else None)
        if len(sets) >= max_len:
            break
        c = (c + 1) % pA
        if abs(np.linalg.solve(pa[c][1], y - pa[c][0])[0]) < follow * sa[c][0]:
            Q = pa[c][1]  # still near a: its own frame (the stable columns do not feed the unstable one)
        else:
            Q = _qr_frame(J @ E)[0]
        Qinv = np.linalg.inv(Q)
        R = Qinv @ J @ E
        q = _nonlinear(F, x, E, sz, Qinv, safety)
        w = min((abs(R[0, 0]) * sz[0] - np.abs(R[0, 1:]) @ sz[1:] - q[0]) / (1 + eps), wcap)
        if not w > 0:
            break
        bn = np.maximum((1 + eps) * (np.abs(R[1:, :]) @ sz + q[1:]), least)
        sets.append((y, Q, np.concatenate([[w], bn])))
    return sets, start, lands


def best_landing(lands, sb, limit: float = 0.5):
    """(j, s, need): the landing of a chain_run whose needed stable half-sizes are least relative to N_b^s's unstable
    one (at most `limit` times it), or None."""
    best = None
    for j, v in enumerate(lands):
        if v is not None:
            s, need = v
            score = float(need.max() / sb[s][0])
            if score <= limit and (best is None or score < best[0]):
                best = (score, j, s, need)
    return None if best is None else best[1:]


def pair_chains(F, pa, pb, ab, ba, A: float, ratio: float, cap: float = 2.0, rounds: int = 4, max_len: int = 80,
                eps: float = 0.02, limit: float = 0.5):
    """Both chains between the cycles a and b (ab = (x0, ia) from `connect` for a -> b, ba for b -> a) with the
    cycles' sizes: (sa, sb, (sets_ab, t_ab, s_ab), (sets_ba, t_ba, s_ba)), N_a^t_ab => S_1 ... S_m => N_b^s_ab and the
    same from b to a; or None. Each cycle's unstable scale from `start_scale` (near A), stable floors ratio A' phi; the
    landing set's stable half-sizes are raised to what the arriving chain needs (`best_landing`), which changes the
    other chain's start: `rounds` alternations, until both land with the sizes they start from."""
    Aa, Ab = start_scale(F, pa, ab[0], ab[1], A, eps), start_scale(F, pb, ba[0], ba[1], A, eps)
    if Aa is None or Ab is None:
        return None
    fa, fb = np.zeros((len(pa), F.n - 1)), np.zeros((len(pb), F.n - 1))
    for _ in range(rounds):
        sa, mua = cycle_sizes(F, pa, Aa, ratio * Aa, eps, floor=fa)
        sb, mub = cycle_sizes(F, pb, Ab, ratio * Ab, eps, floor=fb)
        if sa is None or sb is None:
            return None
        out, settled = [], True
        for (pu, su, muu, pv, sv, fv, (x0, ia)) in ((pa, sa, mua, pb, sb, fb, ab), (pb, sb, mub, pa, sa, fa, ba)):
            run = chain_run(F, pu, su, muu, pv, sv, x0, ia, eps, max_len=max_len, cap=cap)
            if run is None:
                return None
            sets, t, lands = run
            land = best_landing(lands, sv, limit)
            if land is None:
                return None
            j, s, need = land
            if np.any(need > sv[s][1:]):
                settled = False
                fv[s] = np.maximum(fv[s], need * 1.05)
            out.append((sets[:j + 1], t, s))
        if settled:
            return sa, sb, out[0], out[1]
    return None


def crossings(F, cycles, S: float = 1e-2, samples: int = 2001, kmax: int = 24, starts: int = 4,
              reach: float = 0.1) -> dict:
    """{(a, b): (miss, k, ia, ib, s, t0)} for ordered pairs of distinct cycles (lists of (z, E, p) with one unstable
    direction): the best crossing of the unstable segment z_a^ia + s E e_0 (|s| <= S, `samples` points, ia < starts)
    through a cube around a point z_b^ib of b under f^k, k <= kmax: in z_b^ib's frame the largest stable coordinate
    (the miss) is least among the samples whose unstable coordinate is at most the miss (docs/research/rnn-lohner.md,
    section 2b). Nearest cycle points by a k-d tree (only points within `reach`)."""
    from scipy.spatial import cKDTree

    Z = np.array([pt[0] for cyc in cycles for pt in cyc])
    owner = np.array([c for c, cyc in enumerate(cycles) for _ in cyc])
    index = np.array([i for cyc in cycles for i in range(len(cyc))])
    Einv = np.array([np.linalg.inv(pt[1]) for cyc in cycles for pt in cyc])
    tree = cKDTree(Z)
    ss = np.linspace(-S, S, samples)
    best = {}
    for ca, cyc in enumerate(cycles):
        for ia in range(min(starts, len(cyc))):
            z, E = cyc[ia][0], cyc[ia][1]
            X = z[None, :] + ss[:, None] * E[:, 0][None, :]
            for k in range(1, kmax + 1):
                X = _fmany(F, X)
                d, idx = tree.query(X, distance_upper_bound=reach)
                rows = np.flatnonzero(np.isfinite(d))
                rows = rows[owner[idx[rows]] != ca]
                if not len(rows):
                    continue
                P = idx[rows]
                T = np.einsum("rij,rj->ri", Einv[P], X[rows] - Z[P])
                miss = np.abs(T[:, 1:]).max(axis=1)
                ok = np.abs(T[:, 0]) <= miss
                for cb in np.unique(owner[P[ok]]):
                    sel = np.flatnonzero(ok & (owner[P] == cb))
                    r = sel[np.argmin(miss[sel])]
                    if miss[r] < best.get((ca, int(cb)), (math.inf,))[0]:
                        best[(ca, int(cb))] = (float(miss[r]), k, ia, int(index[P[r]]), float(ss[rows[r]]),
                                               float(T[r, 0]))
    return best
