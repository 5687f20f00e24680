"""Certified global contraction of an n-dimensional RNN (claim rnn_contraction): a proof that every
orbit converges to one fixed point, so the network is not chaotic in any sense.

Floats only find the hint: the weights d are the Perron vector of the float magnitudes |S| of the
kernel's slope enclosure over the trapped box X_k (for a nonnegative matrix the weighted max-norm
with its Perron vector equals its spectral radius, the best any such norm can do), written as short
exact rationals. The kernel (certify.checker.rnn_contraction) rebuilds X_k and S and checks q < 1.
k is tried at 0, 1, 2, 4, ..., 64 (only 0 for relu, which has no bounded range).
"""

from __future__ import annotations

import numpy as np
from flint import fmpq

from certify.arith import Budget, workprec
from certify.certificates import SCHEMA
from certify.checker import check
from certify.checker.rnn_contraction import MAX_STEPS, RANGES, contraction_factor, euclid_pivots, trapped_slopes
from certify.checker.statement import Failure
from certify.maps.rnn import RNNMap
from certify.periodic.period import versions

__all__ = ["certify_contraction", "STEPS"]

STEPS = (0, 1, 2, 4, 8, 16, 32, MAX_STEPS)
PREC = 128


def _weights(S) -> list:
    """Positive exact weights: the Perron vector of the upper magnitudes of S, on a 2^-24 grid."""
    n = S.nrows()
    M = np.array([[float(abs(S[i, j]).upper()) for j in range(n)] for i in range(n)])
    vals, vecs = np.linalg.eig(M)
    v = np.abs(vecs[:, int(np.argmax(vals.real))].real)
    v = np.maximum(v / v.max(), 2.0 ** -20)
    return [fmpq(int(round(x * 2 ** 24)), 2 ** 24) for x in v]


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
    return [fmpq(int(round(x * 2 ** 24)), 2 ** 24) for x in p]


def _cert(net: RNNMap) -> dict:
    return {"schema": SCHEMA, "map": {"given": net.given, "canonical": net.canonical, "class": net.map_class},
            "claim": {"kind": "rnn_contraction", "p": 0}, "versions": versions()}


def certify_contraction(net: RNNMap, budget: Budget = Budget()) -> dict:
    """A proved rnn_contraction certificate (every orbit converges to the unique fixed point), or
    undecided when no k and weights gave q < 1."""
    steps = STEPS if RANGES[net.activation] is not None else (0,)
    best = None
    with workprec(PREC):
        for k in steps:
            _, slopes, S = trapped_slopes(net.model, k, PREC)
            d = _weights(S)
            q = contraction_factor(S, d)
            best = q.upper() if best is None else best.min(q.upper())
            fact = None
            if q < 1:
                fact = {"fact": "contraction", "steps": k, "norm": "max", "weights": [str(v) for v in d]}
            else:
                p = _euclid_weights(net, slopes)
                piv = euclid_pivots(net.model, slopes, p)
                if len(piv) == net.n and piv[-1] > 0:
                    fact = {"fact": "contraction", "steps": k, "norm": "euclid", "weights": [str(v) for v in p]}
            if fact is not None:
                cert = {**_cert(net), "verdict": "proved", "precision": PREC, "evidence": [fact]}
                if budget.self_check:
                    res = check(cert)
                    if not res.ok:
                        raise Failure(f"internal self-check failed ({res.message})")
                return cert
    return {**_cert(net), "verdict": "undecided", "precision": PREC, "evidence": [],
            "reason": f"no contraction found over the trapped boxes X_k, k <= {steps[-1]} (weighted max-norm of the "
                      f"slopes >= 1, its best upper bound {float(best):.4g}; no weighted Euclidean norm found)"}
