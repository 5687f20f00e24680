"""Research measurement (docs/research/rnn-lohner.md): how wide are the kernel's enclosures of f^k over a box
of an RNN map h -> tanh(W h + b), and would a Lohner-type (QR-preconditioned) enclosure make coverings of
h-sets provable?

Part 1 (`widths`): boxes B = c + E diag(r) [-1, 1]^n around points c of saddle cycles (E the cycle's unstable /
stable frame, certify.horseshoes.nd.split_frames), r in R_LIST; for k = 1..KMAX the width of the enclosure of f^k(B)
  (a) plain ball iteration P_(i+1) = f(P_i) (the kernel's ball iterates),
  (b) the kernel's own enclosure certify.checker.hsets._image (mean-value form over (a), intersected with (a)),
  (c) a Lohner QR-preconditioned iteration (`lohner`),
  (d) float truth: images of sample points (longdouble), a lower bound on the true extent;
in the frame coordinates t = E_k^-1 (x - f^k(c)) of the image point (what a covering check compares with +-1) and
as the ambient hull (max over components).
Part 2 (`coverings`): h-sets from the finder's size LP (nd.lp_sizes, with a second-order model of the true map
instead of the kernel's enclosure) and from hand-made candidates; every LP edge checked with (c) on a grid along the
unstable coordinate and with float samples.

Part 3 (`heteroclinic`, `two_way`: part3, part5) and part 4 (`heteroclinic_coverings`): long heteroclinic coverings.
Run: PYTHONPATH=. python bench/research_lohner.py [part1|part2|part3|part4|part5|all]. Floats find, balls (arb, outward) enclose: this
is a measurement, no certificate is written.
"""

from __future__ import annotations

import itertools
import math
import sys
import time

import numpy as np
from flint import arb, arb_mat, ctx, fmpq, fmpq_mat

from certify.checker import hsets as H
from certify.ensembles.rnn_audit import rnn_network
from certify.ensembles.rnn_laws import RNNLaw
from certify.horseshoes import nd
from certify.maps.rnn import load_rnn

PREC = 64
KMAX = 16
R_LIST = (1e-3, 1e-4, 1e-5, 1e-6)
SAMPLES = 1500
# audit networks: `certify audit --model rnn --hidden 8 --gain 2:4:1 --seed 0`, gain index 1 = gain 3, 2 = gain 4;
# the chaotic ones (float Lyapunov > 0.05 over 5000 steps) among the first 10 of each cell
NETS = {"example gain 4": ("file", "examples/rnn8_gain4.safetensors"),
        "audit g3 #8": ("audit", 3.0, 1, 8), "audit g4 #4": ("audit", 4.0, 2, 4), "audit g4 #6": ("audit", 4.0, 2, 6)}


def load(spec):
    if spec[0] == "file":
        return load_rnn(spec[1])
    _, g, gi, i = spec
    return rnn_network(RNNLaw("tanh", 8, g), 0, gi, i)


def q(x: float) -> fmpq:
    return nd._q(float(x))


def qmat(A) -> fmpq_mat:
    n, m = A.shape
    return fmpq_mat(n, m, [q(v) for v in A.ravel()])


def amat(A) -> arb_mat:
    """An exact float matrix as a ball matrix (floats are exact binary rationals)."""
    return arb_mat([[arb(float(v)) for v in r] for r in np.atleast_2d(A)])


def col(v) -> arb_mat:
    return arb_mat([[x] for x in v])


def widths_of(v) -> np.ndarray:
    return np.array([float(2 * x.rad()) for x in v])


def saddles(F, max_period=12):
    """[(cycle points with frames, u)] of the hyperbolic cycles from nd.attractor_cycles."""
    cyc = nd.attractor_cycles(F, max_period)
    out = []
    for p in sorted(cyc):
        for orb in cyc[p]:
            u, d = nd.split_frames(F, orb)
            if d is not None:
                out.append((d, u))
    return out


# ----------------------------------------------------------------------------- the four enclosures

def direct_iterates(f, c, M, k):
    """(a): the ball iterates P_0 = c + M [-1, 1]^n, P_(i+1) = f(P_i), i < k (the kernel's)."""
    n = len(c)
    T = arb(0, 1)
    P = [arb(c[i]) + sum((arb(M[i, j]) * T for j in range(n)), arb(0)) for i in range(n)]
    out = [P]
    for _ in range(k):
        P = f.ball(P)
        out.append(P)
    return out


def in_frame(v, c2b, E2inv):
    """t = E2^-1 (v - c2) in balls (row by row, as the kernel's direct term)."""
    n = len(v)
    return [sum((E2inv[i][j] * (v[j] - c2b[j]) for j in range(n)), arb(0)) for i in range(n)]


def lohner(f, c, M, k, bases=None):
    """(c): [(centre c_j (ball column), basis B_j (exact), r_j (ball column))], j = 0..k, with f^j(c + M [-1, 1]^n)
    inside c_j + B_j r_j. One step: J = the ball slope matrix of f over a box holding Y_j = c_j + B_j r_j (f(x) - f(y) =
    J (x - y) for x, y in Y_j, the kernel's NetMap.jacobian); f(c_j) in balls, c_(j+1) its midpoint; A = J B_j;
    B_(j+1) = Q of the QR factorisation of mid(A) (columns in order: the unstable direction stays first);
    r_(j+1) = (B_(j+1)^-1 A) r_j + B_(j+1)^-1 (f(c_j) - c_(j+1)), B_(j+1)^-1 a ball inverse.
    bases an integer u: B_(j+1) = the two Q factors of mid(A)'s first u and last n - u columns (the pushed unstable and
    stable subspaces, each orthonormalised: on a cycle, split_frames' frames). (c'), bases given: B_(j+1) = bases[j] (the frames of the saddle cycle at the centre's images) instead of Q."""
    n = len(c)
    cj = col([arb(v) for v in c])
    Bj = arb_mat([[arb(M[i, j]) for j in range(n)] for i in range(n)])
    rj = col([arb(0, 1)] * n)
    out = [(cj, Bj, rj)]
    for _ in range(k):
        Y = cj + Bj * rj
        J = arb_mat(f.jacobian([Y[i, 0] for i in range(n)]))
        fc = col(f.ball([cj[i, 0] for i in range(n)]))
        cn = col([arb(fc[i, 0].mid()) for i in range(n)])
        A = J * Bj
        if isinstance(bases, int):  # block QR: the first `bases` columns and the rest orthonormalised apart
            Am = np.array([[float(A[i, j].mid()) for j in range(n)] for i in range(n)])
            Qu, Ru = np.linalg.qr(Am[:, :bases])
            Qs, Rs = np.linalg.qr(Am[:, bases:])
            Qm = np.column_stack([Qu * np.where(np.diag(Ru) < 0, -1.0, 1.0)[None, :], Qs * np.where(np.diag(Rs) < 0, -1.0, 1.0)[None, :]])
            Bn = amat(Qm)
        elif bases is None:
            Am = np.array([[float(A[i, j].mid()) for j in range(n)] for i in range(n)])
            Qm, R = np.linalg.qr(Am)
            Qm = Qm * np.where(np.diag(R) < 0, -1.0, 1.0)[None, :]
            Bn = amat(Qm)
        else:  # (c'): the cycle's own frames, E_(j+1)^-1 Df E_j block triangular with triangular blocks
            Bn = amat(bases[len(out) - 1])
        Binv = Bn.inv()
        rj = (Binv * A) * rj + Binv * (fc - cn)
        cj, Bj = cn, Bn
        out.append((cj, Bj, rj))
    return out


def mv_lohner(f, c, M, k, L, c2b, E2inv_m, P=None):
    """(e): the kernel's mean-value form with the Lohner sets as the intermediate enclosures: g(T) inside
    E2^-1 (f^k(c) - c2) + (E2^-1 J(Y_(k-1)) ... J(Y_0) M) [-1, 1]^n, Y_j the hull of c_j + B_j r_j (a box holding
    f^j(c + M [-1, 1]^n), intersected with the ball iterate P_j when given); intersected with (c') at the end."""
    n = len(c)
    DM = arb_mat([[arb(M[i, j]) for j in range(n)] for i in range(n)])
    fm = [arb(v) for v in c]
    for j in range(k):
        cj, Bj, rj = L[j]
        Y = cj + Bj * rj
        Y = [Y[i, 0] for i in range(n)]
        if P is not None:
            Y = [y.intersection(p) if y.overlaps(p) else y for y, p in zip(Y, P[j])]
        DM = arb_mat(f.jacobian(Y)) * DM
        fm = f.ball(fm)
    t = E2inv_m * (col(fm) - col(c2b)) + (E2inv_m * DM) * col([arb(0, 1)] * n)
    tc = lohner_frame(L[k], c2b, E2inv_m)
    return [a.intersection(b) if a.overlaps(b) else a for a, b in zip((t[i, 0] for i in range(n)), tc)]


def lohner_frame(step, c2b, E2inv_m):
    """The Lohner set c_j + B_j r_j in the frame coordinates E2^-1 (x - c2): E2^-1 (c_j - c2) + (E2^-1 B_j) r_j."""
    cj, Bj, rj = step
    n = cj.nrows()
    d = E2inv_m * (cj - col(c2b))
    t = d + (E2inv_m * Bj) * rj
    return [t[i, 0] for i in range(n)]


def samples(n, m, rng, u=1):
    """m points of [-1, 1]^n: the 2^n vertices, points on the unstable faces, uniform ones."""
    V = np.array(list(itertools.product((-1.0, 1.0), repeat=n)))
    U = rng.uniform(-1, 1, (m, n))
    Fc = rng.uniform(-1, 1, (m // 2, n))
    Fc[:, :u] = np.sign(Fc[:, :u])
    S = np.sign(rng.uniform(-1, 1, (m // 2, n)))
    return np.concatenate([V, U, Fc, S])


def float_images(W, b, c, M, ts, k):
    """[f^j(c + M t) for the sample points t] for j = 0..k, in longdouble."""
    Wl, bl = W.astype(np.longdouble), b.astype(np.longdouble)
    X = np.asarray(c, np.longdouble)[None, :] + ts.astype(np.longdouble) @ np.asarray(M, np.longdouble).T
    out = [X]
    for _ in range(k):
        X = np.tanh(X @ Wl.T + bl[None, :])
        out.append(X)
    return out


# ----------------------------------------------------------------------------- part 1

def widths(nets, per_net_points=4, rs=R_LIST, kmax=KMAX, log=print):
    """Rows (net, cycle period, u, r, k, widths (a), (b), (c), (d) in frame coordinates, hulls)."""
    rows = []
    rng = np.random.default_rng(1)
    for name, net in nets.items():
        F = nd.float_map(net)
        f = H.parse_map(net.canonical)
        W, b = net.floats()
        sad = saddles(F)
        # prefer u = 1, then the smallest u; one point of each of the first cycles
        sad.sort(key=lambda s: (s[1] != 1, s[1], len(s[0])))
        chosen = sad[:per_net_points]
        for frames, u in chosen:
            p = len(frames)
            z0, E0, _ = frames[0]
            c = [q(v) for v in z0]
            ts = samples(net.n, SAMPLES, rng, u)
            for r in rs:
                t0 = time.process_time()
                M = qmat(E0 * r)
                Mf = np.array([[float(M[i, j]) for j in range(net.n)] for i in range(net.n)])
                cf = np.array([float(v) for v in c])
                with ctx.workprec(PREC):
                    P = direct_iterates(f, c, M, kmax)
                    L = lohner(f, c, M, kmax)
                    Ef = [np.array([[float(x) for x in row] for row in qmat(frames[j % p][1]).tolist()]) for j in range(1, kmax + 1)]
                    L2 = lohner(f, c, M, kmax, Ef)
                    imgs = float_images(W, b, cf, Mf, ts, kmax)
                    N1 = H.HSet(c, M)
                    for k in range(1, kmax + 1):
                        z2, E2, _ = frames[k % p]
                        c2 = [q(v) for v in z2]
                        N2 = H.HSet(c2, qmat(E2))
                        c2b, E2inv = N2.cb, N2.Minvb
                        E2inv_m = arb_mat(E2inv)
                        wa = widths_of(in_frame(P[k], c2b, E2inv))
                        wb = widths_of(H._image(f, N1, N2, [(fmpq(-1), fmpq(1))] * net.n, k))
                        tc = lohner_frame(L[k], c2b, E2inv_m)
                        wc = widths_of(tc)
                        we = widths_of(lohner_frame(L2[k], c2b, E2inv_m))
                        wf = widths_of(mv_lohner(f, c, M, k, L2, c2b, E2inv_m, P))
                        X = imgs[k]
                        Tt = (X - np.asarray(z2, np.longdouble)[None, :]) @ np.linalg.inv(E2).astype(np.longdouble).T
                        wd = np.asarray(Tt.max(axis=0) - Tt.min(axis=0), float)
                        # ambient hulls
                        ha = max(widths_of(P[k]))
                        cj, Bj, rj = L[k]
                        Yc = cj + Bj * rj
                        hc = max(widths_of([Yc[i, 0] for i in range(net.n)]))
                        cj, Bj, rj = L2[k]
                        Yc = cj + Bj * rj
                        he = max(widths_of([Yc[i, 0] for i in range(net.n)]))
                        hd = float((X.max(axis=0) - X.min(axis=0)).max())
                        hb = max(widths_of(H._image(f, N1, H.HSet(c2, fmpq_mat(net.n, net.n, [fmpq(int(i == j)) for i in range(net.n) for j in range(net.n)])),
                                                    [(fmpq(-1), fmpq(1))] * net.n, k)))
                        rows.append(dict(net=name, p=p, u=u, r=r, k=k, wa=wa, wb=wb, wc=wc, we=we, wf=wf, wd=wd, ha=ha, hb=hb, hc=hc, he=he,
                                         hd=hd))
                log(f"{name} p={p} u={u} r={r:g}: {time.process_time() - t0:.1f}s cpu")
    return rows


def fmt(x):
    if not math.isfinite(x):
        return "inf"
    if x >= 1e6:
        return f"{x:.0e}"
    return f"{x:.3g}"


def report_widths(rows, out=print):
    """Median (over cycle points and networks) overestimation factors per k and r: ambient hull, the unstable frame
    coordinate t_0, the widest stable coordinate (max over s >= u of the method's width over max of the truth's).
    (c) QR Lohner, (c') Lohner with the cycle's frames as bases, (e) mean-value form over the (c') sets (hull: (c')'s)."""
    meths = (("a", "wa", "ha"), ("b", "wb", "hb"), ("c", "wc", "hc"), ("c'", "we", "he"), ("e", "wf", "he"))
    for r in sorted({row["r"] for row in rows}, reverse=True):
        npts = len({(x['net'], x['p'], x['u']) for x in rows if x['r'] == r})
        out(f"\n### r = {r:g} (box c + E diag(r) [-1,1]^8), median over {npts} cycle points\n")
        out("| k | " + " | ".join(f"hull ({m})" for m, _, _ in meths) + " | " + " | ".join(f"t_0 ({m})" for m, _, _ in meths)
            + " | " + " | ".join(f"stable ({m})" for m, _, _ in meths) + " | truth hull | truth stable | (e) stable abs |")
        out("|---" * (1 + 3 * len(meths) + 3) + "|")
        for k in range(1, KMAX + 1):
            sel = [x for x in rows if x["r"] == r and x["k"] == k]
            if not sel:
                continue

            def med(fn):
                return float(np.median([min(fn(x), 1e300) if math.isfinite(fn(x)) else 1e300 for x in sel]))
            cells = [fmt(med(lambda x, h=h: x[h] / x["hd"])) for _, _, h in meths]
            cells += [fmt(med(lambda x, w=w: x[w][0] / x["wd"][0])) for _, w, _ in meths]
            cells += [fmt(med(lambda x, w=w: x[w][x["u"]:].max() / x["wd"][x["u"]:].max())) for _, w, _ in meths]
            cells += [f"{med(lambda x: x['hd']):.1e}", f"{med(lambda x: x['wd'][x['u']:].max()):.1e}",
                      f"{med(lambda x: x['wf'][x['u']:].max()):.1e}"]
            out(f"| {k} | " + " | ".join(cells) + " |")


# ----------------------------------------------------------------------------- part 2

class _TaylorModel:
    """The finder's FloatMap without W: nd.lp_sizes(framed=True) then models the quadratic term by finite differences
    of D(f^k) along the frame (the true map's second-order term) instead of the kernel's ball enclosure."""

    def __init__(self, F):
        self.f, self.Df, self.kinks, self.smooth, self.n = F.f, F.Df, F.kinks, F.smooth, F.n
        self.iterate, self.jac = F.iterate, F.jac


def lohner_cover(f, c1, M1, c2, E2inv_m, c2b, k, degree, grid, bases, u=1):
    """None if the covering conditions hold on the enclosures (e) (mean-value form over the Lohner sets (c')): the source split into `grid` slabs along
    t_0 (stable coordinates whole), each slab's image with stable coordinates in (-1, 1); the faces t_0 = -1, +1 (one
    enclosure each) mapped beyond -degree, +degree in t_0. Else the reason. u = 1 only."""
    n = len(c1)
    one = arb(1)
    for g in range(grid):
        lo, hi = fmpq(-1) + fmpq(2 * g, grid), fmpq(-1) + fmpq(2 * g + 2, grid)
        mid, half = (lo + hi) / 2, (hi - lo) / 2
        c = [c1[i] + M1[i, 0] * mid for i in range(n)]
        M = fmpq_mat(n, n, [M1[i, j] * (half if j == 0 else 1) for i in range(n) for j in range(n)])
        t = mv_lohner(f, c, M, k, lohner(f, c, M, k, bases), c2b, E2inv_m)
        if not all(x > -one and x < one for x in t[u:]):
            return "stable"
    for side in (-1, 1):
        c = [c1[i] + M1[i, 0] * side for i in range(n)]
        M = fmpq_mat(n, n, [M1[i, j] if j else fmpq(0) for i in range(n) for j in range(n)])
        t = mv_lohner(f, c, M, k, lohner(f, c, M, k, bases), c2b, E2inv_m)
        want = side * degree
        if not (t[0] > one if want > 0 else t[0] < -one):
            return "face"
    return None


def float_cover(W, b, c1, M1, c2, E2, k, rng, m=400):
    """(holds, degree, margin): the covering conditions on float samples (a lower bound on the image: a necessary
    check). margin: 1 - max |t_s| over the source samples and min over the faces of |t_0| - 1."""
    n = len(c1)
    ts = samples(n, m, rng)
    X = float_images(W, b, c1, M1, ts, k)[k]
    T = np.asarray((X - np.asarray(c2, np.longdouble)) @ np.linalg.inv(E2).astype(np.longdouble).T, float)
    smax = np.abs(T[:, 1:]).max()
    fs = []
    for side in (-1, 1):
        tf = rng.uniform(-1, 1, (m, n))
        tf[:, 0] = side
        fs.append(np.asarray((float_images(W, b, c1, M1, tf, k)[k] - np.asarray(c2, np.longdouble))
                             @ np.linalg.inv(E2).astype(np.longdouble).T, float)[:, 0])
    best = None
    for deg in (1, -1):
        face = min((-deg * fs[0]).min(), (deg * fs[1]).min()) - 1
        if best is None or face > best[1]:
            best = (deg, face)
    deg, face = best
    return smax < 1 and face > 0, deg, min(1 - smax, face)


# finder tries (k, cap unstable, cap stable): nd.CYCLE_TRIES with the kernel model, longer ones with the Taylor model
KERNEL_TRIES = nd.CYCLE_TRIES
TAYLOR_TRIES = ((2, 1e-3, 1e-4), (4, 1e-3, 1e-4), (6, 3e-4, 3e-5), (8, 3e-4, 3e-5), (12, 1e-4, 1e-5), (16, 1e-4, 1e-5))
MAX_EDGES = 80


def coverings(nets, log=print, cycle_period=nd.CYCLE_PERIOD):
    """For each network: the u = 1 points of the finder's saddle cycles, one size LP per try, and every kept edge
    checked by float samples, by (e) over the (c') or the (c) sets on grids 1, 4, 16 and (k <= 8) by the kernel's covers (grid 1)."""
    from certify.horseshoes.finder import best_component
    rng = np.random.default_rng(2)
    res = []
    for name, net in nets.items():
        F = nd.float_map(net)
        f = H.parse_map(net.canonical)
        W, b = net.floats()
        cyc = nd.attractor_cycles(F, cycle_period, starts=nd.CYCLE_STARTS)
        groups, cycles = {}, {}
        for p in sorted(cyc):
            for orb in cyc[p]:
                u, d = nd.split_frames(F, orb)
                if d is not None:
                    cid = len(cycles)
                    cycles[cid] = d
                    groups.setdefault(u, []).extend((z, E, p, cid, t) for t, (z, E, _) in enumerate(d))
        counts = {u: len(v) for u, v in groups.items()}
        log(f"{name}: cycle points by u {counts}")
        pts = groups.get(1, [])[:nd.CYCLE_POINTS]
        if len(pts) < 2:
            res.append(dict(net=name, counts=counts, tries=[]))
            continue
        tries = [("kernel", F, t) for t in KERNEL_TRIES] + [("taylor", _TaylorModel(F), t) for t in TAYLOR_TRIES]
        out = []
        for model, FF, (k, A, B) in tries:
            t0 = time.process_time()
            sizes, kept = nd.lp_sizes(FF, [(z, E, p) for z, E, p, _, _ in pts], 1, k, A, B, 0.02, reward=0.01,
                                      framed=True, safety=1.5)
            if sizes is None:
                out.append(dict(model=model, k=k, A=A, B=B, lp=False))
                continue
            cross = [(i, j) for i, j in kept if pts[i][3] != pts[j][3]]
            edges = (cross + [e for e in kept if e not in cross])[:MAX_EDGES]
            passed = {"float": [], "lohner1": [], "lohner4": [], "lohner16": [], "kernel": []}
            fails = {}
            with ctx.workprec(PREC):
                for i, j in edges:
                    zi, Ei, _, ci, ti = pts[i]
                    zj, Ej, _, _, _ = pts[j]
                    c1 = [q(v) for v in zi]
                    M1 = qmat(Ei * sizes[i][None, :])
                    c2 = [q(v) for v in zj]
                    M2 = qmat(Ej * sizes[j][None, :])
                    M1f = np.array([[float(M1[a, bb]) for bb in range(net.n)] for a in range(net.n)])
                    M2f = np.array([[float(M2[a, bb]) for bb in range(net.n)] for a in range(net.n)])
                    ok, deg, margin = float_cover(W, b, np.array([float(v) for v in c1]), M1f,
                                                  np.array([float(v) for v in c2]), M2f, k, rng)
                    if ok:
                        passed["float"].append((i, j))
                    N2 = H.HSet(c2, M2)
                    bases = [np.array([[float(x) for x in row] for row in qmat(cycles[ci][(ti + s) % len(cycles[ci])][1]).tolist()])
                             for s in range(1, k + 1)]
                    for g, bs in ((1, bases), (1, None), (4, bases), (4, None), (16, bases), (16, None)):
                        why = lohner_cover(f, c1, M1, c2, arb_mat(N2.Minvb), N2.cb, k, deg, g, bs)
                        if why is None:
                            passed[f"lohner{g}"].append((i, j))
                            break
                        fails[why] = fails.get(why, 0) + 1
                    if k <= 8 and H.covers(f, H.HSet(c1, M1), N2, deg, 1, k) is None:
                        passed["kernel"].append((i, j))
            lo = sorted(set(passed["lohner1"]) | set(passed["lohner4"]) | set(passed["lohner16"]))
            rho = {key: best_component(len(pts), v)[1] for key, v in (("float", passed["float"]), ("lohner", lo),
                                                                      ("kernel", passed["kernel"]))}
            row = dict(model=model, k=k, A=A, B=B, lp=True, kept=len(kept), cross=len(cross), checked=len(edges),
                       n_float=len(passed["float"]), n_lohner=len(lo), n_kernel=len(passed["kernel"]),
                       cross_float=sum(1 for e in passed["float"] if e in cross),
                       cross_lohner=sum(1 for e in lo if e in cross), rho=rho, fails=fails,
                       rho_lp=best_component(len(pts), kept)[1])
            out.append(row)
            log(f"  {model} k={k} A={A:g} B={B:g}: {row['kept']} kept ({row['cross']} between cycles), float "
                f"{row['n_float']} ({row['cross_float']} cross), lohner {row['n_lohner']} ({row['cross_lohner']} cross), "
                f"kernel {row['n_kernel']}; rho lp {row['rho_lp']:.3f} float {rho['float']:.3f} lohner {rho['lohner']:.3f} "
                f"kernel {rho['kernel']:.3f}; lohner fails {fails} [{time.process_time() - t0:.1f}s]")
        res.append(dict(net=name, counts=counts, tries=out))
    return res


def heteroclinic(nets, log=print, kmax=KMAX, S=1e-2, m=4001):
    """Floats: how close the unstable segment z_a + s E_a e_0 (|s| <= S) of a u = 1 saddle point comes, under f^k
    (k <= kmax), to a point z_b of another u = 1 cycle, in z_b's frame: min over a, b, k, s of max_(s >= 1) |t_s| among
    the s with |t_0| <= max_(s>=1)|t_s| (a crossing of a cube around z_b). A covering N_a => N_b needs N_b's stable
    half-size at least this; the same with b on a's own cycle (homoclinic) for comparison."""
    out = []
    for name, net in nets.items():
        F = nd.float_map(net)
        W, b = net.floats()
        sad = [(d, u) for d, u in saddles(F, 24) if u == 1]
        best = {"hetero": (math.inf,), "homo": (math.inf,)}
        ss = np.linspace(-S, S, m)
        for ca, (da, _) in enumerate(sad):
            for za, Ea, pa in da[:4]:
                X = za[None, :] + ss[:, None] * Ea[:, 0][None, :]
                for k in range(1, kmax + 1):
                    X = np.tanh(X @ W.T + b[None, :])
                    for cb, (db, _) in enumerate(sad):
                        for zb, Eb, pb in db:
                            T = (X - zb[None, :]) @ np.linalg.inv(Eb).T
                            st = np.abs(T[:, 1:]).max(axis=1)
                            ok = np.abs(T[:, 0]) <= st
                            if not ok.any():
                                continue
                            v = st[ok].min()
                            if ca == cb and np.abs(X[m // 2] - zb).max() < 1e-9:
                                continue  # the cycle point itself: the orbit edge
                            key = "hetero" if ca != cb else "homo"
                            if v < best[key][0]:
                                best[key] = (v, k, pa, pb)
        log(f"{name}: {len(sad)} u=1 cycles; nearest heteroclinic crossing {best['hetero']}, homoclinic {best['homo']}")
        out.append((name, best))
    return out


def crossings(F, sad, kmax=KMAX, S=1e-2, m=4001):
    """[(miss, k, a, b, s*, t0*)] for ordered pairs of distinct u = 1 cycles (a, b): the best crossing of the unstable
    segment z_a + s E_a e_0 (|s| <= S, z_a any of the first 4 points of cycle a) through a cube around a point of b under
    f^k (see heteroclinic), with the point indices."""
    ss = np.linspace(-S, S, m)
    best = {}
    for ca, (da, _) in enumerate(sad):
        for ia, (za, Ea, pa) in enumerate(da[:4]):
            X = za[None, :] + ss[:, None] * Ea[:, 0][None, :]
            for k in range(1, kmax + 1):
                X = np.tanh(X @ F.W.T + F.b[None, :])
                for cb, (db, _) in enumerate(sad):
                    if cb == ca:
                        continue
                    for ib, (zb, Eb, pb) in enumerate(db):
                        T = (X - zb[None, :]) @ np.linalg.inv(Eb).T
                        st = np.abs(T[:, 1:]).max(axis=1)
                        ok = np.abs(T[:, 0]) <= st
                        if not ok.any():
                            continue
                        idx = np.flatnonzero(ok)[np.argmin(st[ok])]
                        v = st[idx]
                        if v < best.get((ca, cb), (math.inf,))[0]:
                            best[(ca, cb)] = (v, k, ia, ib, ss[idx], T[idx, 0])
    return best


def heteroclinic_coverings(nets, log=print):
    """The one covering S => N_b under f^k through the best crossing of each of the nets' cycle pairs: S a thin slab
    x0 + E_a diag(delta, b_S, ...) around the crossing point x0 = z_a + s* E_a e_0, N_b = z_b + E_b diag(a_b, b_b, ...),
    delta from the float slope of t_0 along s; checked by float samples and by (e) over QR Lohner sets (c) on grids
    1, 8, 64 along t_0. The geometry alone (no disjointness, no graph): does the enclosure allow the long edge?"""
    rng = np.random.default_rng(3)
    rows = []
    for name, net in nets.items():
        F = nd.float_map(net)
        f = H.parse_map(net.canonical)
        W, b = net.floats()
        sad = [(d, u) for d, u in saddles(F, 24) if u == 1]
        best = crossings(F, sad)
        pairs = sorted(best.items(), key=lambda kv: kv[1][0])[:3]
        for (ca, cb), (miss, k, ia, ib, s0, t00) in pairs:
            za, Ea, _ = sad[ca][0][ia]
            zb, Eb, _ = sad[cb][0][ib]
            x0 = za + s0 * Ea[:, 0]
            h = 1e-9
            d0 = ((F.iterate(x0 + h * Ea[:, 0], k) - F.iterate(x0 - h * Ea[:, 0], k)) @ np.linalg.inv(Eb).T)[0] / (2 * h)
            for ab_ratio in (1.0, 10.0):
                for bS in (1e-6, 1e-8):
                    bb = 3 * miss
                    ab = ab_ratio * bb
                    delta = 1.5 * (ab + abs(t00)) / abs(d0)
                    c1 = [q(v) for v in x0]
                    M1 = qmat(Ea * np.array([delta] + [bS] * (net.n - 1))[None, :])
                    c2 = [q(v) for v in zb]
                    M2 = qmat(Eb * np.array([ab] + [bb] * (net.n - 1))[None, :])
                    M1f = np.array([[float(M1[i, j]) for j in range(net.n)] for i in range(net.n)])
                    M2f = np.array([[float(M2[i, j]) for j in range(net.n)] for i in range(net.n)])
                    okf, deg, margin = float_cover(W, b, np.array([float(v) for v in c1]), M1f,
                                                   np.array([float(v) for v in c2]), M2f, k, rng)
                    res = {}
                    with ctx.workprec(PREC):
                        N2 = H.HSet(c2, M2)
                        for g in (1, 8, 64):
                            res[g] = lohner_cover(f, c1, M1, c2, arb_mat(N2.Minvb), N2.cb, k, deg, g, None)
                            if res[g] is None:
                                break
                        kern = H.covers(f, H.HSet(c1, M1), N2, deg, 1, k) if k <= 8 else "k > 8"
                    row = dict(net=name, pair=(ca, cb), k=k, miss=miss, delta=delta, ab=ab, bb=bb, bS=bS, float=okf,
                               margin=margin, lohner=res, kernel=kern)
                    rows.append(row)
                    log(f"{name} cycles {ca}->{cb} k={k} miss={miss:.2e}: delta={delta:.1e} a_b={ab:.1e} b_b={bb:.1e} "
                        f"b_S={bS:.0e}: float {'holds' if okf else 'fails'} (margin {margin:.2f}), (e) "
                        + ", ".join(f"grid {g}: {'holds' if v is None else v}" for g, v in res.items())
                        + f"; kernel grid 1: {'holds' if kern is None else kern[:40]}")
    return rows


def two_way(nets, log=print):
    """Floats: pairs of u = 1 cycles with crossings both ways (a -> b and b -> a, `crossings`), best by the larger miss."""
    for name, net in nets.items():
        F = nd.float_map(net)
        sad = [(d, u) for d, u in saddles(F, 24) if u == 1]
        best = crossings(F, sad)
        two = sorted((max(v[0], best[(b, a)][0]), a, b, v[0], v[1], best[(b, a)][0], best[(b, a)][1])
                     for (a, b), v in best.items() if a < b and (b, a) in best)
        for t in two[:4]:
            log(f"{name}: cycles {t[1]} <-> {t[2]} (periods {len(sad[t[1]][0])}, {len(sad[t[2]][0])}): miss {t[3]:.2e} "
                f"(k = {t[4]}) and {t[5]:.2e} (k = {t[6]})")


def main():
    part = sys.argv[1] if len(sys.argv) > 1 else "all"
    nets = {k: load(v) for k, v in NETS.items()}
    if part in ("part1", "all"):
        rows = widths(nets)
        report_widths(rows)
    if part in ("part2", "all"):
        coverings(nets)
    if part in ("part3", "all"):
        heteroclinic(nets)
    if part in ("part4", "all"):
        heteroclinic_coverings(nets)
    if part in ("part5", "all"):
        two_way(nets)


if __name__ == "__main__":
    main()
