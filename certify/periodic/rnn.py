"""Certified cycles of n-dimensional RNN maps h -> act(W h + b): float search, ball proof.

Floats only find: Newton's method on the cyclic system F(z_0, ..., z_{p-1}) = (f(z_{p-1}) - z_0,
f(z_0) - z_1, ...) from seeded starts (orbit segments after a transient, which find attracting
cycles, and raw random segments, which may reach unstable ones); the seeds are fixed, so the
search and the certificate are deterministic. The proof is the kernel's own Krawczyk test
(certify.checker.rnn.krawczyk_cycle) on boxes around the float cycle, widened until it passes,
at 64, 128, ... bits; every proved certificate passes `check` before it is returned. The
multipliers: float eigenvectors V of the midpoint of the Jacobian product M, written as exact
rationals, are the hint of a cycle_multipliers fact when the kernel's Gershgorin discs of V^-1 M V
(certify.checker.multipliers) are all off the unit circle; else V = I is tried; else no such fact.
"""

from __future__ import annotations

import numpy as np
from flint import fmpq

from certify.arith import Budget
from certify.certificates import SCHEMA, interval, q_str
from certify.checker import multipliers as MU
from certify.checker.rnn import MAX_RNN_PERIOD, MAX_WORK, cycle_cost, jacobian_product, krawczyk_cycle, stability
from certify.checker.statement import Failure
from certify.checker.semantics import workprec
from certify.errors import CertifyError
from certify.maps.rnn import RNNMap

__all__ = ["find_cycles", "certify_rnn_cycle", "multipliers_fact", "similarity_hints", "STARTS"]

STARTS = 64          # Newton starts (half after a transient, half raw)
TRANSIENT = 200      # steps before an orbit segment is taken as a start
NEWTON_STEPS = 40
RADII = (2.0 ** -40, 2.0 ** -30, 2.0 ** -20, 2.0 ** -12)  # box half-widths tried, times (1 + max |z|)


def _acts(name: str):
    if name == "tanh":
        return np.tanh, lambda u: 1 - np.tanh(u) ** 2
    if name == "sigmoid":
        def sig(u):
            return 1 / (1 + np.exp(-u))
        return sig, lambda u: sig(u) * (1 - sig(u))
    if name == "relu":
        return (lambda u: np.maximum(u, 0)), (lambda u: (u > 0).astype(float))
    return (lambda u: np.clip(u, -1, 1)), (lambda u: (np.abs(u) < 1).astype(float))


def _minimal(Z: np.ndarray, p: int, tol: float) -> bool:
    """No shift by a proper divisor d maps the float cycle to itself (within tol)."""
    return all(np.abs(Z - np.roll(Z, -d, axis=0)).max() > tol for d in range(1, p) if p % d == 0)


def _newton(Z, W, b, act, dact, p: int):
    """Newton on the cyclic system from the p x n array Z; the converged cycle, or None."""
    n = Z.shape[1]
    N = n * p
    for _ in range(NEWTON_STEPS):
        U = Z @ W.T + b
        F = (act(U) - np.roll(Z, -1, axis=0)).reshape(-1)  # row t: f(z_t) - z_{t+1}
        if not np.all(np.isfinite(F)):
            return None
        J = np.zeros((N, N))
        D = dact(U)
        for t in range(p):
            s = (t + 1) % p
            J[t * n:(t + 1) * n, t * n:(t + 1) * n] += D[t][:, None] * W
            J[t * n:(t + 1) * n, s * n:(s + 1) * n] -= np.eye(n)
        try:
            step = np.linalg.solve(J, F)
        except np.linalg.LinAlgError:
            return None
        Z = Z - step.reshape(p, n)
        if np.abs(step).max() < 1e-14 * (1 + np.abs(Z).max()):
            U = Z @ W.T + b
            if np.abs(act(U) - np.roll(Z, -1, axis=0)).max() < 1e-12 * (1 + np.abs(Z).max()):
                return Z
            return None
    return None


def find_cycles(net: RNNMap, p: int, starts: int = STARTS, seed: int = 0):
    """Float p-cycles (p x n arrays, minimal period p within float tolerance), in the order found."""
    W, b = net.floats()
    act, dact = _acts(net.activation)
    rng = np.random.default_rng([seed, p, net.n])
    scale = 1 + np.abs(b).max() + np.abs(W).sum(axis=1).max()
    for k in range(starts):
        z = rng.normal(size=net.n) * scale
        if k % 2 == 0:
            for _ in range(TRANSIENT):
                z = act(W @ z + b)
        Z = np.empty((p, net.n))
        for t in range(p):
            Z[t] = z
            z = act(W @ z + b)
        Z = _newton(Z, W, b, act, dact, p)
        if Z is not None and _minimal(Z, p, 1e-8 * (1 + np.abs(Z).max())):
            yield Z


CENTRE = 2 ** 44  # box centres are the float points rounded to multiples of 1/CENTRE (below every radius in RADII)


def _boxes(Z: np.ndarray, r: float) -> list:
    """Exact boxes [z - r, z + r] around the float points rounded to multiples of 2^-44 (r an exact binary
    number): Newton's last bits may differ between machines (the order of BLAS sums), the rounded centres
    almost never do, so the certificate is the same bytes everywhere."""
    R = fmpq(*r.as_integer_ratio())
    return [[(fmpq(round(float(v) * CENTRE), CENTRE) - R, fmpq(round(float(v) * CENTRE), CENTRE) + R) for v in z]
            for z in Z]


def _disjoint_shifts(boxes, p: int) -> bool:
    def apart(a, c):
        return any(h1 < l2 or h2 < l1 for (l1, h1), (l2, h2) in zip(a, c))
    return all(any(apart(boxes[t], boxes[(t + d) % p]) for t in range(p)) for d in range(1, p) if p % d == 0)


def _prove(net: RNNMap, Z: np.ndarray, budget: Budget):
    """(prec, boxes, stability, slopes) of the first box size and precision where the kernel's
    Krawczyk test passes, or None."""
    p, scale = Z.shape[0], 1 + float(np.abs(Z).max())
    for prec in budget.precisions():
        with workprec(prec):
            for r in RADII:
                boxes = _boxes(Z, r * scale)
                if not _disjoint_shifts(boxes, p):
                    break
                ok, A = krawczyk_cycle(net.model, boxes, prec)
                if ok:
                    return prec, boxes, stability(A), A
    return None


def _exact(x: float) -> str:
    return q_str(fmpq(*float(x).as_integer_ratio()))


def similarity_hints(M) -> list:
    """Candidate similarities V for the ball matrix M, as certificate hints {"re": ..., "im": ...}:
    the float eigenvectors of M's midpoint (complex when some eigenvalue is), then the identity."""
    n = M.nrows()
    Mf = np.array([[float(M[i, j].mid()) for j in range(n)] for i in range(n)])
    hints = []
    if np.all(np.isfinite(Mf)):
        _, V = np.linalg.eig(Mf)
        if np.all(np.isfinite(V)):
            hint = {"re": [[_exact(v) for v in r] for r in V.real]}
            if np.iscomplexobj(V) and np.any(V.imag != 0):
                hint["im"] = [[_exact(v) for v in r] for r in V.imag]
            hints.append(hint)
    hints.append({"re": [[str(int(i == j)) for j in range(n)] for i in range(n)]})
    return hints


def multipliers_fact(A: list):
    """A cycle_multipliers fact for the slope enclosures A (at the working precision): the first
    hint whose Gershgorin discs are all off the unit circle, or None."""
    M = jacobian_product(A)
    for hint in similarity_hints(M):
        try:
            st, k = MU.classify(MU.discs(M, MU.parse_similarity(hint, M.nrows())))
        except Failure:
            continue
        if st != "undetermined":
            return {"fact": "cycle_multipliers", "stability": st, "unstable": k, "V": hint}
    return None


def certify_rnn_cycle(net: RNNMap, p: int, budget: Budget = Budget(), starts: int = STARTS) -> dict:
    """A certificate that the RNN has a cycle of minimal period p (claim rnn_cycle), or undecided
    when no float cycle was found or none passed the Krawczyk test."""
    from certify.verify import self_checked
    from certify.periodic.period import versions

    if not 1 <= p <= MAX_RNN_PERIOD:
        raise CertifyError(f"the period of an RNN cycle must be between 1 and {MAX_RNN_PERIOD}, got {p}")
    if cycle_cost(net.n, p, budget.start_prec) > MAX_WORK:
        raise CertifyError(f"a cycle of period {p} in dimension {net.n} is beyond the checker's limit {MAX_WORK} "
                           f"work units")
    cert = {"schema": SCHEMA, "map": {"given": net.given, "canonical": net.canonical, "class": net.map_class},
            "claim": {"kind": "rnn_cycle", "p": p}, "verdict": "undecided", "precision": budget.start_prec,
            "evidence": [], "versions": versions()}
    found = 0
    for Z in find_cycles(net, p, starts):
        found += 1
        budget.report(f"period {p}: float cycle {found}, Krawczyk test")
        proof = _prove(net, Z, budget)
        if proof is None:
            continue
        prec, boxes, st, A = proof
        cert.update(verdict="proved", precision=prec, evidence=[{
            "fact": "cycle_krawczyk_nd", "p": p, "stability": st,
            "boxes": [[interval(lo, hi) for lo, hi in z] for z in boxes]}])
        with workprec(prec):
            mult = multipliers_fact(A)
        if mult is not None:
            cert["evidence"].append(mult)
        break
    if cert["verdict"] == "undecided":
        cert["reason"] = (f"no float cycle of minimal period {p} found from {starts} seeded starts" if not found else
                          f"{found} float cycle(s) of period {p} found, none passed the Krawczyk test up to "
                          f"{budget.max_prec} bits")
        return cert
    return self_checked(cert, budget.self_check)
