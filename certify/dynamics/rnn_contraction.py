"""Certified global contraction of an n-dimensional RNN (claim rnn_contraction): a proof that every
orbit converges to one fixed point, so the network is not chaotic in any sense.

Floats only find the hint: the weights d are the Perron vector of the float magnitudes |S| of the
kernel's slope enclosure over the trapped box X_k (for a nonnegative matrix the weighted max-norm
with its Perron vector equals its spectral radius, the best any such norm can do), written as short
exact rationals. The kernel (certify.checker.rnn_contraction) rebuilds X_k and S and checks q < 1.
k is tried at 0, 1, 2, 4, ..., 64 (only 0 for relu, which has no bounded range).

When neither diagonal norm (max, euclid) works at any k, a full quadratic norm ||v||_P = sqrt(v^T P v)
is tried (networks with ||W||_2 > 1 > rho(W) need a rotated norm): P = L L^T minimises the largest
P-norm of the 2^v vertex slope matrices diag(q) W (L-BFGS on L, a fixed number of iterations) over
the narrowest box X_k whose vertex work fits the kernel's MAX_NORM_WORK at PREC; the boxes are nested, so
when that optimum is not < 1 no smaller k helps. Then P, symmetric on a 2^-24 grid, is used at the
first k of the list where it passes in floats, and the kernel's vertex test decides.
"""

from __future__ import annotations

import itertools

import numpy as np
from flint import fmpq

from certify.arith import Budget, workprec
from certify.certificates import SCHEMA
from certify.checker import check
from certify.checker.rnn_contraction import (MAX_NORM_WORK, MAX_STEPS, RANGES, _norm_work, contraction_factor,
                                            euclid_pivots, fact_contraction, free_slopes, trapped_slopes)
from certify.checker.statement import Failure
from certify.maps.rnn import RNNMap
from certify.periodic.period import versions

__all__ = ["certify_contraction", "STEPS", "NORMS"]

STEPS = (0, 1, 2, 4, 8, 16, 32, MAX_STEPS)
PREC = 128
NORMS = ("max", "euclid", "quadratic")  # tried in this order at every k (the quadratic one after all k)


def _grid(x: float) -> fmpq:
    """x rounded to the 2^-24 grid: short exact weights, the same on every machine whatever the floats' last bits."""
    return fmpq(int(round(x * 2 ** 24)), 2 ** 24)


def _weights(S) -> list:
    """Positive exact weights: the Perron vector of the upper magnitudes of S, on a 2^-24 grid."""
    n = S.nrows()
    M = np.array([[float(abs(S[i, j]).upper()) for j in range(n)] for i in range(n)])
    vals, vecs = np.linalg.eig(M)
    v = np.abs(vecs[:, int(np.argmax(vals.real))].real)
    v = np.maximum(v / v.max(), 2.0 ** -20)
    return [_grid(x) for x in v]


def _euclid_weights(net: RNNMap, slopes: list) -> list:
    """Diagonal weights p for the Euclidean test: a few steps of p <- W^T diag(sup(s)^2 p) W's diagonal
    balancing in floats (p = 1 first), on a 2^-24 grid."""
    W, _ = net.floats()
    sig = np.array([float(x.upper()) ** 2 for x in slopes])
    B = np.sqrt(sig)[:, None] * W
    p = np.ones(net.n)
    for _ in range(20):  # minimise ||P^1/2 B P^-1/2||_2 heuristically: p_i ~ sqrt(col_i / row_i) balancing
        sq = np.sqrt(p)
        C = (sq[:, None] * B) / sq[None, :]
        r, c = np.linalg.norm(C, axis=1), np.linalg.norm(C, axis=0)
        p = p * np.sqrt(np.maximum(c, 1e-12) / np.maximum(r, 1e-12))
        p = p / p.max()
    p = np.maximum(p, 2.0 ** -20)
    return [_grid(x) for x in p]


def _vertex_matrices(W, slopes: list):
    """The float slope matrices diag(q) W at the vertices q of the slope box (q_i an end of slopes[i], one end
    for a point slope), in the kernel's order (itertools.product), as a (2^v, n, n) array."""
    ends = [[float(s.lower())] if s.lower() == s.upper() else [float(s.lower()), float(s.upper())] for s in slopes]
    Q = np.array(list(itertools.product(*ends)))
    return Q[:, :, None] * W[None, :, :]


def _pnorms(A, L):
    """||A_v||_P = sigma_max(L^T A_v L^-T) for P = L L^T, with the singular vectors, per vertex."""
    Linv_T = np.linalg.inv(L).T
    B = L.T @ A @ Linv_T
    U, s, Vt = np.linalg.svd(B)
    return s[:, 0], U[:, :, 0], Vt[:, 0, :], B, Linv_T


def _quadratic_weights(A, rounds: int = 4, iters: int = 60, target: float = 0.98, hopeless: float = 1.15):
    """A float P (P = L L^T, L lower triangular) minimising max_v ||A_v||_P over the vertex matrices A_v:
    L-BFGS on L with an analytic gradient of a log-sum-exp of sigma_max(L^T A_v L^-T) (temperature raised each
    round), started from the discrete Lyapunov solution of the mean vertex matrix (the identity when it is not
    stable). Stops after a round whose largest vertex norm is < target, or > hopeless (on nn.RNN(8) at gain 1.5
    the later rounds lowered it by at most 0.05). Returns (P scaled to max |P_ij| = 1, the largest vertex norm) or
    (None, inf). A fixed number of iterations: the same P on every run."""
    from scipy.linalg import solve_discrete_lyapunov
    from scipy.optimize import minimize

    n = A.shape[1]
    tri = np.tril_indices(n)
    M = A.mean(axis=0)
    L = np.eye(n)
    if np.max(np.abs(np.linalg.eigvals(M))) < 1:
        P0 = solve_discrete_lyapunov(M.T, np.eye(n))   # M^T P M - P + I = 0
        P0 = (P0 + P0.T) / 2
        try:
            L = np.linalg.cholesky(P0 / np.abs(P0).max())
        except np.linalg.LinAlgError:
            L = np.eye(n)

    def unpack(x):
        Lx = np.zeros((n, n))
        Lx[tri] = x
        return Lx

    def objective(x, t):
        Lx = unpack(x)
        try:
            s, u, w, B, Mi = _pnorms(A, Lx)
        except np.linalg.LinAlgError:
            return np.inf, np.zeros_like(x)
        z = t * s
        zmax = z.max()
        e = np.exp(z - zmax)
        f = (zmax + np.log(e.sum())) / t
        p = e / e.sum()
        G = p[:, None, None] * (u[:, :, None] * w[:, None, :])           # sum of p_v d sigma_v / d B_v
        # d sigma / d L = A L^-T G^T - L^-T G^T B (B = L^T A L^-T)
        GT = np.transpose(G, (0, 2, 1))
        grad = (A @ Mi @ GT).sum(axis=0) - Mi @ (GT @ B).sum(axis=0)
        return f, grad[tri]

    x = L[tri]
    for r in range(rounds):
        t = 10.0 * 4 ** r
        res = minimize(objective, x, args=(t,), jac=True, method="L-BFGS-B", options={"maxiter": iters})
        x = res.x
        Lx = unpack(x)
        x = (Lx / np.abs(Lx).max())[tri]
        worst = _pnorms(A, Lx)[0].max()
        if worst < target or worst > hopeless:
            break
    Lx = unpack(x)
    P = Lx @ Lx.T
    try:
        worst = float(_pnorms(A, Lx)[0].max())
    except np.linalg.LinAlgError:
        return None, np.inf
    return P / np.abs(P).max(), worst


def _rational_symmetric(P) -> list:
    """P symmetric on a 2^-24 grid (entries of the float P rounded; the upper triangle copied from the lower)."""
    n = P.shape[0]
    R = [[None] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1):
            R[i][j] = R[j][i] = _grid(float(P[i, j]))
    return R


def _vertex_fits(net: RNNMap, slopes: list) -> bool:
    """The kernel's work for the quadratic norm at PREC ((1 + 2^(v+1)) n^3 times the precision in words, v the
    slopes that are not points) is within its limit."""
    with workprec(PREC):
        return _norm_work(net.n, free_slopes(slopes)) <= MAX_NORM_WORK


def _quadratic_fact(net: RNNMap, steps: tuple, slopes_at: dict):
    """A contraction fact with norm "quadratic" that the kernel accepts, or None (module docstring)."""
    fits = [k for k in steps if _vertex_fits(net, slopes_at[k])]
    if not fits:
        return None
    W, _ = net.floats()
    try:
        P, worst = _quadratic_weights(_vertex_matrices(W, slopes_at[fits[-1]]))
    except (np.linalg.LinAlgError, ValueError, FloatingPointError):
        return None
    if P is None or not worst < 1:
        return None
    R = _rational_symmetric(P)
    Pf = np.array([[float(x) for x in r] for r in R])
    try:
        L = np.linalg.cholesky(Pf)
    except np.linalg.LinAlgError:
        return None
    for k in fits:
        if not _pnorms(_vertex_matrices(W, slopes_at[k]), L)[0].max() < 1:
            continue
        fact = {"fact": "contraction", "steps": k, "norm": "quadratic", "weights": [[str(v) for v in r] for r in R]}
        try:
            fact_contraction(net.model, fact, PREC)
        except Failure:
            continue
        return fact
    return None


def _cert(net: RNNMap) -> dict:
    return {"schema": SCHEMA, "map": {"given": net.given, "canonical": net.canonical, "class": net.map_class},
            "claim": {"kind": "rnn_contraction", "p": 0}, "versions": versions()}


def certify_contraction(net: RNNMap, budget: Budget = Budget(), norms: tuple = NORMS) -> dict:
    """A proved rnn_contraction certificate (every orbit converges to the unique fixed point), or
    undecided when no k and weights gave a contraction in one of the norms (a subset of NORMS)."""
    steps = STEPS if RANGES[net.activation] is not None else (0,)
    best = None
    slopes_at = {}
    with workprec(PREC):
        for k in steps:
            _, slopes, S = trapped_slopes(net.model, k, PREC)
            slopes_at[k] = slopes
            d = _weights(S)
            q = contraction_factor(S, d)
            best = q.upper() if best is None else best.min(q.upper())
            fact = None
            if q < 1 and "max" in norms:
                fact = {"fact": "contraction", "steps": k, "norm": "max", "weights": [str(v) for v in d]}
            elif "euclid" in norms and _norm_work(net.n, None) <= MAX_NORM_WORK:  # the kernel's charge at PREC
                p = _euclid_weights(net, slopes)
                piv = euclid_pivots(net.model, slopes, p)
                if len(piv) == net.n and piv[-1] > 0:
                    fact = {"fact": "contraction", "steps": k, "norm": "euclid", "weights": [str(v) for v in p]}
            if fact is not None:
                return _proved(net, fact, budget)
        fact = _quadratic_fact(net, steps, slopes_at) if "quadratic" in norms else None
        if fact is not None:
            return _proved(net, fact, budget)
    tried = [nm for nm in NORMS if nm in norms]
    if "quadratic" in norms and not any(_vertex_fits(net, slopes_at[k]) for k in steps):
        tried = [nm for nm in tried if nm != "quadratic"] + [f"not quadratic: its vertex work is beyond {MAX_NORM_WORK}"]
    return {**_cert(net), "verdict": "undecided", "precision": PREC, "evidence": [],
            "reason": f"no contraction found over the trapped boxes X_k, k <= {steps[-1]}, in the norms "
                      f"{', '.join(tried)} (the weighted max-norm of the slopes has the best upper bound "
                      f"{float(best):.4g})"}


def _proved(net: RNNMap, fact: dict, budget: Budget) -> dict:
    cert = {**_cert(net), "verdict": "proved", "precision": PREC, "evidence": [fact]}
    if budget.self_check:
        res = check(cert)
        if not res.ok:
            raise Failure(f"internal self-check failed ({res.message})")
    return cert
