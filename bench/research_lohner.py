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

Run: PYTHONPATH=. python bench/research_lohner.py [part1|part2|all]. Floats find, balls (arb, outward) enclose: this
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


class Saddle:
    """A point c of a saddle cycle with its frame E (u unstable columns first) and the frames along the cycle."""

    def __init__(self, F, frames, t: int, u: int):
        self.p = len(frames)
        self.u = u
        self.t = t
        self.frames = frames  # [(z, E)] along the cycle

    def point(self, k):
        z, E, _ = self.frames[(self.t + k) % self.p]
        return z, E


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
    (c'), bases given: B_(j+1) = bases[j] (the frames of the saddle cycle at the centre's images) instead of Q."""
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
        if bases is None:
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
                        rows.append(dict(net=name, p=p, u=u, r=r, k=k, wa=wa, wb=wb, wc=wc, we=we, wd=wd, ha=ha, hb=hb, hc=hc, he=he,
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
    (c) QR Lohner, (c') Lohner with the cycle's frames as bases."""
    meths = (("a", "wa", "ha"), ("b", "wb", "hb"), ("c", "wc", "hc"), ("c'", "we", "he"))
    for r in sorted({row["r"] for row in rows}, reverse=True):
        npts = len({(x['net'], x['p'], x['u']) for x in rows if x['r'] == r})
        out(f"\n### r = {r:g} (box c + E diag(r) [-1,1]^8), median over {npts} cycle points\n")
        out("| k | " + " | ".join(f"hull ({m})" for m, _, _ in meths) + " | " + " | ".join(f"t_0 ({m})" for m, _, _ in meths)
            + " | " + " | ".join(f"stable ({m})" for m, _, _ in meths) + " | truth hull | truth stable | (c') stable abs |")
        out("|---" * 16 + "|")
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
                      f"{med(lambda x: x['we'][x['u']:].max()):.1e}"]
            out(f"| {k} | " + " | ".join(cells) + " |")


def main():
    part = sys.argv[1] if len(sys.argv) > 1 else "all"
    nets = {k: load(v) for k, v in NETS.items()}
    if part in ("part1", "all"):
        rows = widths(nets)
        report_widths(rows)


if __name__ == "__main__":
    main()
