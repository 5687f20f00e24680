"""Kernel: a proved box holding every cycle of a PLRNN z -> A z + W relu(z) + h (plrnn_cycle_box facts).

Lemma (cycle box). Let A = diag(a) with every |a_i| < 1, and let z_0, ..., z_{p-1} be a cycle of any
period (z_p = z_0). Write U_i = max_t z_{t,i}, L_i = min_t z_{t,i}.

1. Relu ranges give a box. If relu(z_{t,j}) lies in [r_j, s_j] for every t and j (0 <= r <= s), put
   S+_i = h_i + sum_j max(W_ij r_j, W_ij s_j) and S-_i = h_i + sum_j min(W_ij r_j, W_ij s_j), so that
   a_i z_{t,i} + S-_i <= z_{t+1,i} <= a_i z_{t,i} + S+_i for every t. Taking t where z_{t+1,i} is
   extreme: for a_i >= 0, U_i <= a_i U_i + S+_i and L_i >= a_i L_i + S-_i, hence
   L_i >= S-_i / (1 - a_i) and U_i <= S+_i / (1 - a_i); for a_i < 0, U_i <= a_i L_i + S+_i and
   L_i >= a_i U_i + S-_i, hence U_i <= (S+_i + a_i S-_i) / (1 - a_i^2) and
   L_i >= (S-_i + a_i S+_i) / (1 - a_i^2). Call this box R(r, s).
2. A first relu range (an M-matrix argument). With r = 0 and s = U^+ = max(U, 0), step 1 reads
   d_i U_i <= (K U^+)_i + g_i with, for a_i >= 0: d_i = 1 - a_i, K_i = W+_i, g_i = h_i; for a_i < 0:
   d_i = 1 - a_i^2, K_i = W+_i + |a_i| W-_i, g_i = (1 + a_i) h_i (W+ = max(W, 0), W- = max(-W, 0)
   entrywise), so (D - K) U^+ <= g^+ with M = D - K, whose off-diagonal entries are <= 0. If v > 0
   with M v > 0 and P >= 0 with M P >= g^+, then U^+ <= P: x = U^+ - P has M x <= 0; were
   s = max_k x_k / v_k > 0 (at k), then (M x)_k >= s (M v)_k > 0 (off-diagonal M_kj <= 0 and
   x_j <= s v_j), a contradiction. So relu(z_{t,j}) lies in [0, P_j] and every cycle point lies in
   B_0 = R(0, P).
3. Refinement. If every cycle point lies in a box B = [l, u], then relu(z_{t,j}) lies in
   [max(l_j, 0), max(u_j, 0)] and every cycle point lies in R(max(l, 0), max(u, 0)) intersected with B.

The fact states v, P and boxes B_0, ..., B_k; the kernel checks a_i in (-1, 1), v > 0, M v > 0,
P >= 0, M P >= g^+, B_0 containing R(0, P), and B_{s+1} containing the refinement of B_s, all in exact
rationals. Conclusion: every point of every cycle of the PLRNN (of any period) lies in B_k (when
some l_i > u_i the PLRNN has no cycle at all). Work (n^2 products per step, weighted by the entries'
sizes) is counted before it is done.
"""

from __future__ import annotations

from flint import fmpq

from certify.certificates import q_parse
from certify.checker.statement import Failure, num

__all__ = ["fact_plrnn_cycle_box", "box_shape", "box_rows", "refine_box", "box_matrix", "MAX_BOX_STEPS", "MAX_BOX_WORK"]

MAX_BOX_STEPS = 256          # boxes B_0..B_k of one fact
MAX_BOX_WORK = 1 << 28       # exact products of one fact, weighted by the entries' sizes
_KEYS = {"fact", "v", "P", "boxes"}


def _vector(v, n: int, what: str) -> list:
    if not isinstance(v, list) or len(v) != n:
        raise Failure(f"{what} must be a list of {n} exact rationals")
    return [q_parse(x) for x in v]


def _bits(q) -> int:
    return int(abs(q.p)).bit_length() + int(q.q).bit_length()


def box_shape(m, fact: dict) -> int:
    """Check a plrnn_cycle_box fact's keys and sizes before any work; returns its step count."""
    if set(fact) != _KEYS:
        raise Failure(f"a plrnn_cycle_box fact has the keys {sorted(_KEYS)}")
    boxes = fact["boxes"]
    if not isinstance(boxes, list) or not 1 <= len(boxes) <= MAX_BOX_STEPS:
        raise Failure(f"boxes must list 1..{MAX_BOX_STEPS} boxes {{'lo': [...], 'hi': [...]}}")
    for b in boxes:
        if not (isinstance(b, dict) and set(b) == {"lo", "hi"} and all(isinstance(b[k], list) and len(b[k]) == m.n
                                                                        for k in ("lo", "hi"))):
            raise Failure(f"a box is {{'lo': [{m.n} rationals], 'hi': [{m.n} rationals]}}")
    B = max(_bits(q) for q in [*m.A, *m.h, *(w for row in m.W for w in row)])
    cells = [*fact["v"], *fact["P"], *(x for b in boxes for k in ("lo", "hi") for x in b[k])] \
        if isinstance(fact["v"], list) and isinstance(fact["P"], list) else []
    C = max((len(str(x)) * 4 for x in cells), default=1)
    work = (len(boxes) + 2) * 2 * m.n * m.n * (1 + (B + C) // 64) ** 2
    if work > MAX_BOX_WORK:
        raise Failure(f"the cycle box needs {work} units of exact work, beyond the checker's limit {MAX_BOX_WORK}")
    return len(boxes)


def refine_box(m, r: list, s: list):
    """The box R(r, s) of step 1 of the lemma (exact)."""
    n, lo, hi = m.n, [], []
    for i in range(n):
        Sp, Sm = m.h[i], m.h[i]
        for j in range(n):
            w = m.W[i][j]
            if w == 0:
                continue
            x, y = w * r[j], w * s[j]
            Sp, Sm = Sp + (x if x > y else y), Sm + (y if x > y else x)
        a = m.A[i]
        if a >= 0:
            lo.append(Sm / (1 - a))
            hi.append(Sp / (1 - a))
        else:
            lo.append((Sm + a * Sp) / (1 - a * a))
            hi.append((Sp + a * Sm) / (1 - a * a))
    return lo, hi


def box_matrix(m):
    """(M, g) of step 2: M = D - K (n x n lists) and g."""
    n, M, g = m.n, [], []
    for i in range(m.n):
        a = m.A[i]
        if a >= 0:
            d, row, gi = 1 - a, [max(w, fmpq(0)) for w in m.W[i]], m.h[i]
        else:
            d, row, gi = 1 - a * a, [max(w, fmpq(0)) - a * max(-w, fmpq(0)) for w in m.W[i]], (1 + a) * m.h[i]
        M.append([(d if i == j else 0) - row[j] for j in range(n)])
        g.append(gi)
    return M, g


def fact_plrnn_cycle_box(m, fact: dict):
    """The lemma's hypotheses hold for the stated v, P and boxes: returns the last box (lo, hi), which
    holds every point of every cycle of the PLRNN. Call box_shape first."""
    n = m.n
    bad = [i for i in range(n) if not -1 < m.A[i] < 1]
    if bad:
        raise Failure(f"a_{bad[0] + 1} = {num(m.A[bad[0]])} is not in (-1, 1): the cycle-box lemma needs |a_i| < 1")
    v, P = _vector(fact["v"], n, "v"), _vector(fact["P"], n, "P")
    M, g = box_matrix(m)
    Mv = [sum((M[i][j] * v[j] for j in range(n)), fmpq(0)) for i in range(n)]
    MP = [sum((M[i][j] * P[j] for j in range(n)), fmpq(0)) for i in range(n)]
    if any(x <= 0 for x in v) or any(x <= 0 for x in Mv):
        raise Failure("v > 0 with (D - K) v > 0 does not hold: D - K is not certified a nonsingular M-matrix")
    if any(x < 0 for x in P) or any(MP[i] < max(g[i], fmpq(0)) for i in range(n)):
        raise Failure("P >= 0 with (D - K) P >= g^+ does not hold")
    lo, hi = refine_box(m, [fmpq(0)] * n, P)
    for k, b in enumerate(fact["boxes"]):
        blo, bhi = _vector(b["lo"], n, "a box's lo"), _vector(b["hi"], n, "a box's hi")
        if any(blo[i] > lo[i] or bhi[i] < hi[i] for i in range(n)):
            raise Failure(f"box {k} does not contain the box the lemma derives from " +
                          ("P" if k == 0 else f"box {k - 1}"))
        lo, hi = refine_box(m, [max(x, fmpq(0)) for x in blo], [max(x, fmpq(0)) for x in bhi])
        lo = [max(lo[i], blo[i]) for i in range(n)]
        hi = [min(hi[i], bhi[i]) for i in range(n)]
        last = blo, bhi
    return last


def box_rows(rows, i: int, lo, hi):
    """The box rows of coordinate i of z_t = P z_0 + c (rows = (rows of P, entries of c) as lists) as (a, b)
    with a z_0 <= b: z_{t,i} <= hi_i, then z_{t,i} >= lo_i."""
    a, c = rows[0][i], rows[1][i]
    return (list(a), hi[i] - c), ([-x for x in a], c - lo[i])
