"""Covering relations of h-sets under a long iterate f^k of a PLRNN z -> A z + W relu(z) + h, proved by exact
piecewise-affine splitting ("pieces" coverings; the contract is the kernel's canonical traversal,
certify.checker.plrnn_pieces).

What it computes. On N1 = c1 + M1 [-1, 1]^n the iterate f^k is tracked as an affine map z = P t + d of the set's
coordinates t, step by step and coordinate by coordinate: the sign of z_j = P_j . t + d_j on the current region (the
cube cut by the half-spaces of earlier splits) is settled by the exact box bound, else by a multiplier vector of weak
LP duality ("+" / "-"), else the region is shown empty ("empty", Farkas multipliers) or split by the hyperplane
z_j = 0 ("split", both halves visited depth first). After k steps each piece carries g(t) = M2^-1 (P t + d - c2),
f^k in N2's coordinates, and the covering conditions (stable coordinates of g inside (-1, 1), the exit faces mapped
beyond the opposite ends) are proved on the piece by the exact box minimum or by stated multipliers ("bound",
"empty"). `pieces_stream` returns the list of entries the kernel consumes, in the kernel's order, or None with the
reason the covering is not proved.

Floats only find multipliers. Each multiplier vector comes from a float LP (HiGHS through scipy: the rows' marginals,
as scipy.optimize.linprog's `ineqlin.marginals`), clipped to >= 0 and rounded to dyadic rationals of _BITS
significant bits, or re-solved exactly on the LP's active set when rounding loses a bound that is tight, and is
emitted only after the bound it proves has been re-checked exactly (fmpq) with the contract's formula; every box
bound, every P, d, G, gamma is exact. A bound the floats cannot supply becomes a split (signs) or an unproved covering
(leaves), never a wrong entry. The same input
gives the same stream; the work is capped by counts of splits, LPs and word operations of the exact products
(`max_splits`, `max_lps`, `max_work`), never by time.

`pieces_certificate` turns h-sets and candidate edges into a horseshoe certificate of pieces coverings (claim iterate
k), keeping the proved edges of the best strongly connected component, with the entropy field of
certify.horseshoes._entropy_field, and self-checks it with the kernel (certify.verify.self_checked).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from itertools import product

import numpy as np
from flint import fmpq, fmpq_mat

from certify.certificates import q_str
from certify.checker.plrnn_pieces import MAX_PIECE_CONSTRAINTS, MAX_PIECES_ENTRIES, MAX_PIECES_WORK

__all__ = ["PiecesStream", "pieces_stream", "pieces_certificate", "saddle_horseshoe", "exact_hset", "MAX_SPLITS", "MAX_LPS",
           "SADDLE_CANDIDATES"]

MAX_SPLITS = 1024   # splits of one covering's traversal (pieces <= splits + 1)
MAX_LPS = 8192      # float LPs of one covering's traversal
_BITS = 50          # significant bits of a rounded multiplier (relative to the largest of its vector)
_TOL = 1e-9         # a scaled LP optimum above -_TOL is worth an exact check
_MAX_BITS = 13000   # bits of a multiplier's numerator or denominator (certificates: 4000 decimal digits each)


@dataclass(frozen=True)
class PiecesStream:
    """The entries of one pieces covering (None when not proved, `reason` says why) and the traversal's counts:
    pieces reaching step k, pieces dropped as empty, splits, float LPs, entries consumed by sign decisions
    (`decisions`) and by leaf bounds (`bounds`)."""

    entries: list | None
    reason: str | None
    leaves: int
    dropped: int
    splits: int
    lps: int
    decisions: int
    bounds: int

    @property
    def proved(self) -> bool:
        return self.entries is not None


class _Stop(Exception):
    """The covering is not proved (a leaf bound fails, or a work cap is met): the message says why."""


def _fq(v) -> fmpq:
    """An exact number (fmpq, int, Fraction, rational string) as fmpq; floats are refused (use exact_hset)."""
    if isinstance(v, fmpq):
        return v
    if isinstance(v, float) or (type(v).__module__ == "numpy" and not isinstance(v, numbers.Integral)):
        raise TypeError("pieces_stream takes exact numbers; rationalise floats first (exact_hset)")
    if isinstance(v, str):
        from certify.certificates import q_parse
        return q_parse(v)
    if hasattr(v, "numerator") and hasattr(v, "denominator"):
        return fmpq(int(v.numerator), int(v.denominator))
    return fmpq(v)


def _hset(N) -> tuple:
    """(c as an n x 1 fmpq_mat, M as fmpq_mat) from (c, M) with exact entries (M an fmpq_mat or a list of rows)."""
    c, M = N
    n = len(c)
    if not isinstance(M, fmpq_mat):
        M = fmpq_mat(n, n, [_fq(v) for row in M for v in row])
    return fmpq_mat(n, 1, [_fq(v) for v in c]), M


def exact_hset(c, M, float_bits: int | None = 40) -> tuple:
    """(c, M) with exact entries: exact numbers kept; floats rationalised as h-sets are elsewhere in certify (to the
    nearest multiple of 2^-40, certify.horseshoes.nd._q), or to 2^-float_bits, or taken as the binary numbers they
    are (float_bits None: thin sets, far below 2^-40, keep their shape). Returns (list of fmpq, fmpq_mat)."""
    from certify.horseshoes.nd import _q

    def one(v):
        if not (isinstance(v, float) or (type(v).__module__ == "numpy" and not isinstance(v, numbers.Integral))):
            return _fq(v)
        if float_bits is None:
            return fmpq(*float(v).as_integer_ratio())
        if float_bits == 40:
            return _q(float(v))
        return fmpq(int(round(math.ldexp(float(v), float_bits)))) * _pow2(-float_bits)
    n = len(c)
    rows = [list(r) for r in M]
    return [one(v) for v in c], fmpq_mat(n, n, [one(v) for r in rows for v in r])


# ----------------------------------------------------------------------------- exact bounds of the contract

def _boxmin(v, box) -> fmpq:
    """min of v . t over the cube (box None) or over the face {t_i = side} of the cube (box (i, side))."""
    if box is None:
        return -sum((abs(x) for x in v), fmpq(0))
    i, side = box
    return sum((-abs(x) for l, x in enumerate(v) if l != i), fmpq(0)) + (v[i] if side > 0 else -v[i])


def _combine(c, e, lam, C):
    """(c + sum lam_l a_l, e - sum lam_l b_l), exactly."""
    v, tot = list(c), e
    for x, con in zip(lam, C):
        if x:
            a, b = con[0], con[1]
            tot -= x * b
            for i in range(len(v)):
                if a[i]:
                    v[i] += x * a[i]
    return v, tot


def _bound(c, e, lam, C, box) -> fmpq:
    """bound(phi, lam, box) = e - sum lam_l b_l + boxmin(c + sum lam_l a_l), phi = c . t + e."""
    v, tot = _combine(c, e, lam, C)
    return tot + _boxmin(v, box)


def _empty(lam, C, box) -> fmpq:
    """empty(lam, box) = - sum lam_l b_l + boxmin(sum lam_l a_l)."""
    n = len(C[0][0])
    return _bound([fmpq(0)] * n, fmpq(0), lam, C, box)


# ----------------------------------------------------------------------------- floats: LPs and rounding

def _scaled(row, rhs=None):
    """(float row, float rhs, e): the exact row times 2^-e (e the binary exponent of its largest entry), so the LP
    sees entries of modulus in [1/2, 1); the multiplier of the exact row is then the LP's times 2^-e."""
    f = np.array([float(x) for x in row])
    big = float(np.abs(f).max())
    e = math.frexp(big)[1] if big > 0 else 0
    return np.ldexp(f, -e), (math.ldexp(float(rhs), -e) if rhs is not None else None), e


def _pow2(e: int) -> fmpq:
    return fmpq(1 << e) if e >= 0 else fmpq(1, 1 << -e)


def _dyadic(y) -> list:
    """Nonnegative floats rounded to multiples of 2^(e - _BITS), e the exponent of the largest: short exact
    rationals, entries far below the largest dropped to 0."""
    y = [max(float(v), 0.0) for v in y]
    top = max(y, default=0.0)
    if not top > 0:
        return [fmpq(0)] * len(y)
    s = _BITS - math.frexp(top)[1]
    return [fmpq(int(round(math.ldexp(v, s)))) * _pow2(-s) for v in y]


def _solve_on_support(rows, rhs, guess):
    """A nonnegative exact solution x of sum_c rows[r][c] x_c = rhs[r] with the free unknowns at `guess`, or None."""
    m = len(guess)
    if not rows:
        return list(guess)
    R, rank = fmpq_mat(len(rows), m + 1, [v for r, b in zip(rows, rhs) for v in (*r, b)]).rref()
    pivots, r = [], 0
    for c in range(m + 1):
        if r < rank and R[r, c] != 0:
            pivots.append(c)
            r += 1
    if m in pivots:
        return None
    x = list(guess)
    for r, c in enumerate(pivots):
        x[c] = R[r, m] - sum((R[r, f] * x[f] for f in range(m) if f not in pivots and x[f]), fmpq(0))
    return x if all(v >= 0 for v in x) else None


def _highs(cost, A, b, bounds):
    """The LP of _LPs._run in one scipy HiGHS model (scipy.optimize._highspy, as certify.periodic.plrnn_search)."""
    from scipy.optimize._highspy import _core

    h = _core._Highs()
    h.setOptionValue("output_flag", False)
    inf = h.getInfinity()
    nv = len(cost)
    h.addVars(nv, np.array([-inf if lo is None else lo for lo, _ in bounds], dtype=float),
              np.array([inf if hi is None else hi for _, hi in bounds], dtype=float))
    h.changeColsCost(nv, np.arange(nv, dtype=np.int32), np.asarray(cost, dtype=float))
    m = len(b)
    h.addRows(m, np.full(m, -inf), np.asarray(b, dtype=float), m * nv, np.arange(0, m * nv, nv, dtype=np.int32),
              np.tile(np.arange(nv, dtype=np.int32), m), np.asarray(A, dtype=float).ravel())
    h.run()
    st = h.getModelStatus()
    if st == _core.HighsModelStatus.kOptimal:
        sol = h.getSolution()
        x = np.array(sol.col_value)
        return 0, float(np.dot(cost, x)), x, np.array(sol.row_dual)
    if st in (_core.HighsModelStatus.kInfeasible, _core.HighsModelStatus.kUnboundedOrInfeasible):
        return 2, None, None, None  # the LPs here are bounded (the cube): unbounded-or-infeasible is infeasible
    return 4, None, None, None


class _LPs:
    """The float LPs of one traversal (HiGHS through scipy), counted against max_lps."""

    def __init__(self, n: int, max_lps: int):
        self.n, self.max_lps, self.count = n, max_lps, 0

    def _bounds(self, box):
        b = [(-1.0, 1.0)] * self.n
        if box is not None:
            b[box[0]] = (float(box[1]), float(box[1]))
        return b

    def _run(self, cost, A, b, bounds):
        """min cost . x s.t. A x <= b, x in bounds: (status 0 optimal / 2 infeasible / other, optimum, x, the rows'
        marginals d optimum / d b <= 0), by scipy's bundled HiGHS bindings (one fresh model per LP: ~1 ms, against
        ~6 ms through linprog's checks), else by linprog."""
        self.count += 1
        if self.count > self.max_lps:
            raise _Stop(f"the traversal needs more than {self.max_lps} LPs (max_lps)")
        try:
            return _highs(cost, A, b, bounds)
        except (ImportError, AttributeError):  # scipy without the bindings: the public route
            from scipy.optimize import linprog

            r = linprog(cost, A_ub=A, b_ub=b, bounds=bounds, method="highs")
            if r.status != 0:
                return r.status, None, None, None
            return 0, r.fun, r.x, np.asarray(r.ineqlin.marginals)

    def minimum(self, c, e, C, box):
        """min of phi = c . t + e over the region (floats): None (numerical trouble), "infeasible", or
        (value scaled by 2^-ec, candidate multiplier vectors for the exact check)."""
        cf, _, ec = _scaled(c)
        A = np.array([con[2] for con in C])
        b = np.array([con[3] for con in C])
        status, fun, x, marg = self._run(cf, A, b, self._bounds(box))
        if status == 2:
            return "infeasible"
        if status != 0:
            return None
        y = -marg
        val = fun + math.ldexp(float(e), -ec)
        # the exact row l is the LP's times 2^(e_l); the objective's scale 2^ec: lam_l = y_l 2^(-e_l) 2^ec
        scale = [_pow2(ec - con[4]) for con in C]
        first = [x * s for x, s in zip(_dyadic(y), scale)]
        return val, first, (y, x, scale)

    def farkas(self, C, box):
        """Multipliers lam >= 0 (sum of the scaled ones 1) maximising empty(lam, box): the phase-one LP
        min u s.t. a_l . t - u <= b_l (rows scaled), t in the box. None when the floats find no emptiness."""
        m = len(C)
        A = np.hstack([np.array([con[2] for con in C]), -np.ones((m, 1))])
        b = np.array([con[3] for con in C])
        status, fun, _, marg = self._run(np.r_[np.zeros(self.n), 1.0], A, b, self._bounds(box) + [(None, None)])
        if status != 0 or not fun > 0:
            return None
        y = -marg
        return [x * _pow2(-con[4]) for x, con in zip(_dyadic(y), C)]


def _repair(c, C, box, y, x, scale):
    """The multipliers re-solved exactly on the LP's active set: lam_l = 0 off the support of y, and
    (c + sum lam_l a_l)_i = 0 for every coordinate i the LP's minimiser x leaves strictly inside its interval (its
    box multiplier is 0 there); free unknowns at the rounded floats. None when that system has no solution >= 0."""
    ymax = max(float(v) for v in y) if len(y) else 0.0
    S = [l for l, v in enumerate(y) if v > 1e-12 * ymax and v > 0]
    if not S:
        return None
    fixed = None if box is None else box[0]
    Z = [i for i in range(len(c)) if i != fixed and abs(float(x[i])) < 1 - 1e-9]
    guess = [q * scale[l] for q, l in zip(_dyadic([y[l] for l in S]), S)]
    sol = _solve_on_support([[C[l][0][i] for l in S] for i in Z], [-c[i] for i in Z], guess)
    if sol is None:
        return None
    lam = [fmpq(0)] * len(C)
    for l, v in zip(S, sol):
        lam[l] = v
    return lam


# ----------------------------------------------------------------------------- the traversal

class _Walk:
    def __init__(self, model, N1, N2, k, degree, u, max_splits, max_lps, max_work):
        self.m, self.n, self.k, self.u = model, model.n, k, u
        self.max_work, self.work = max_work, 0
        n = model.n
        self.Jbits = max([x.height_bits() for q in ((1,) * n, (0,) * n) for x in model.jacobian(q).entries()]
                         + [x.height_bits() for x in model.h] + [1])
        self.c1, self.M1 = _hset(N1)
        self.M2inv = None
        if N2 is not None:
            self.c2, M2 = _hset(N2)
            if M2.det() == 0:
                raise ValueError("N2's matrix M is singular")
            self.M2inv = M2.inv()
            self.signs = [degree] if u == 1 and not isinstance(degree, (list, tuple)) else list(degree)
            if len(self.signs) != u or any(w not in (1, -1) for w in self.signs):
                raise ValueError(f"degree is +-1 (u = 1) or a list of {u} signs")
        self.max_splits = max_splits
        self.lp = _LPs(self.n, max_lps)
        self.out = []
        self.leaves = self.dropped = self.splits = self.decisions = self.bounds = 0

    # a constraint: (a exact list, b exact, a float scaled, b float scaled, e) meaning a . t <= b
    @staticmethod
    def _con(a, b):
        af, bf, e = _scaled(a, b)
        return (a, b, af, bf, e)

    def _prove(self, c, e, C, box, strict: bool):
        """Multipliers lam with bound(c . t + e, lam, box) >= 0 (> 0 when strict), checked exactly, or
        "infeasible" (the floats find the region empty), or None."""
        got = self.lp.minimum(c, e, C, box)
        self.last = None
        if got is None or got == "infeasible":
            return got
        val, lam, (y, x, scale) = got
        self.last = math.ldexp(val, _scaled(c)[2])  # the float minimum, for reasons
        if not val > -_TOL:
            return None
        for cand in (lambda: lam, lambda: _repair(c, C, box, y, x, scale)):
            lam = cand()
            if lam is not None and all(max(int(x.p).bit_length(), int(x.q).bit_length()) <= _MAX_BITS for x in lam):
                b = _bound(c, e, lam, C, box)
                if b > 0 or (b == 0 and not strict):
                    return lam
        return None

    def _farkas(self, C, box):
        lam = self.lp.farkas(C, box)
        return lam if lam is not None and _empty(lam, C, box) > 0 else None  # dyadic: short

    def _sign(self, row, dj, C):
        """The entry for an undecided sign of phi = row . t + dj on the region: ("+", lam), ("-", lam),
        ("empty", lam) or ("split",)."""
        if not C:
            return ("split",)  # the box bound is exact on the cube: phi takes both signs
        tries = [("+", row, dj), ("-", [-x for x in row], -dj)]
        if dj < 0:  # phi(0) < 0: try z_j <= 0 first (one LP fewer when it holds)
            tries.reverse()
        for t, (tag, c, e) in enumerate(tries):
            lam = self._prove(c, e, C, None, False)
            if lam == "infeasible":
                if t == 0:
                    lam = self._farkas(C, None)
                    return ("split",) if lam is None else ("empty", lam)
            elif lam is not None:
                return (tag, lam)
        return ("split",)

    def _charge(self, bits: int):
        """Count the next step's exact product as the kernel does (word operations of [P d; 0 1] times the step's
        matrix, by the largest height of the entries of P, d: `bits`) and stop past max_work."""
        n1 = self.n + 1
        self.work += n1 ** 3 * ((bits + self.Jbits) // 64 + 1) ** 2 // 2 + n1 ** 2 * (bits // 64 + 1)
        if self.work > self.max_work:
            raise _Stop(f"the exact products along f^k need more than {self.max_work} word operations (max_work)")

    def _emit(self, tag, lam=None):
        self.out.append([tag] if lam is None else [tag, [q_str(x) for x in lam]])

    def _leaf(self, P, d, C, piece: int):
        n, u = self.n, self.u
        G = self.M2inv * P
        gam = self.M2inv * (d - self.c2)
        checks = []
        for s in range(u, n):
            row = [G[s, l] for l in range(n)]
            checks.append(([-x for x in row], 1 - gam[s, 0], None, f"the stable coordinate g_{s} < 1"))
            checks.append((row, gam[s, 0] + 1, None, f"the stable coordinate g_{s} > -1"))
        for i in range(u):
            row = [G[i, l] for l in range(n)]
            for side in (-1, 1):
                want = side * self.signs[i]
                if want > 0:
                    checks.append((row, gam[i, 0] - 1, (i, side), f"g_{i} > 1 on the face t_{i} = {side}"))
                else:
                    checks.append(([-x for x in row], -gam[i, 0] - 1, (i, side),
                                   f"g_{i} < -1 on the face t_{i} = {side}"))
        for c, e, box, what in checks:
            if e + _boxmin(c, box) > 0:
                continue
            self.bounds += 1
            if not C:
                raise _Stop(f"piece {piece}: {what} fails on the whole cube (exact box bound)")
            lam = self._prove(c, e, C, box, True)
            if lam == "infeasible":
                lam = self._farkas(C, box)
                if lam is None:
                    raise _Stop(f"piece {piece}: {what}: the floats find the region empty, its Farkas multipliers "
                                "do not prove it")
                self._emit("empty", lam)
            elif lam is None:
                low = "not found" if self.last is None else f"{self.last:.3g}"
                raise _Stop(f"piece {piece}: {what} is not proved (LP minimum {low})")
            else:
                self._emit("bound", lam)

    def run(self) -> PiecesStream:
        n = self.n
        stack = [(self.M1, self.c1, (), 0, 0, (), 0)]
        try:
            while stack:
                P, d, C, s, j, q, bits = stack.pop()  # bits: the largest height of the rows of P, d seen at step s
                dropped = False
                while s < self.k and not dropped:
                    while j < n:
                        dj = d[j, 0]
                        row = [P[j, l] for l in range(n)]
                        bits = max(bits, dj.height_bits(), max(x.height_bits() for x in row))
                        r = sum((abs(x) for x in row), fmpq(0))
                        if dj - r >= 0:
                            q += (1,)
                        elif dj + r <= 0:
                            q += (0,)
                        else:
                            self.decisions += 1
                            e = self._sign(row, dj, C)
                            if e[0] == "split":
                                self.splits += 1
                                if self.splits > self.max_splits:
                                    raise _Stop(f"the traversal needs more than {self.max_splits} splits (max_splits)")
                                if len(C) >= MAX_PIECE_CONSTRAINTS:
                                    raise _Stop(f"a piece needs more than {MAX_PIECE_CONSTRAINTS} constraints (the "
                                                "kernel's limit)")
                                self._emit("split")
                                stack.append((P, d, C + (self._con(row, -dj),), s, j + 1, q + (0,), bits))
                                C = C + (self._con([-x for x in row], dj),)
                                q += (1,)
                            else:
                                self._emit(*e)
                                if e[0] == "empty":
                                    dropped = True
                                    break
                                q += ((1,) if e[0] == "+" else (0,))
                        j += 1
                    if dropped:
                        break
                    self._charge(bits)
                    J = self.m.jacobian(q)
                    P, d = J * P, J * d + self.m.hvec
                    s, j, q, bits = s + 1, 0, (), 0
                if dropped:
                    self.dropped += 1
                    continue
                self.leaves += 1
                if self.M2inv is not None:
                    self._leaf(P, d, C, self.leaves - 1)
        except _Stop as why:
            return self._result(None, str(why))
        return self._result(self.out, None)

    def _result(self, entries, reason) -> PiecesStream:
        return PiecesStream(entries, reason, self.leaves, self.dropped, self.splits, self.lp.count, self.decisions,
                            self.bounds)


def pieces_stream(model, N1, N2, k: int, degree, u: int = 1, max_splits: int = MAX_SPLITS,
                  max_lps: int = MAX_LPS, max_work: int = MAX_PIECES_WORK) -> PiecesStream:
    """The entries proving the covering N1 => N2 under f^k (degree +-1, or a list of u signs) for the PLRNN `model`
    (certify.checker.plrnn.Model, or a certify.maps.plrnn.PLRNN), in the order of the kernel's canonical traversal;
    N1, N2 as (c, M) with exact entries (exact_hset rationalises floats). `entries` is None when the covering is not
    proved (`reason`: a leaf bound that fails or that the floats cannot certify, or a work cap: splits, LPs, and the
    word operations of the exact products counted as the kernel counts them, max_work, by default the kernel's limit
    for a whole certificate).
    With N2 None only the pieces are traversed (no leaf bounds, degree unused): the sign part of the stream, which
    splits N1 into the affine pieces of f^k (for finders and tests; not a covering)."""
    model = getattr(model, "model", model)
    if not 1 <= u <= model.n:
        raise ValueError(f"u is between 1 and n = {model.n}")
    return _Walk(model, N1, N2, k, degree, u, max_splits, max_lps, max_work).run()


# ----------------------------------------------------------------------------- certificates

def pieces_certificate(net, k: int, sets, edges, u: int = 1, precision: int = 64, self_check: bool = True,
                       max_splits: int = MAX_SPLITS, max_lps: int = MAX_LPS, float_bits: int | None = 40) -> dict:
    """A horseshoe certificate of pieces coverings under f^k for the PLRNN `net` (certify.maps.plrnn.PLRNN): h-sets
    `sets` [(c, M)] (exact or float; floats rationalised by exact_hset with float_bits), candidate edges
    [(i, j, degree)] (degree None: each degree is tried, +1 first, and the first proved kept); the proved
    edges of the strongly connected component of largest spectral radius are kept (with their sets); of two sets the
    kernel does not show disjoint the later is dropped first (as certify.horseshoes.nd does), and so is a set whose
    rationalised matrix is singular. Proved when that graph has rho > 1 and the kernel accepts the certificate
    (self_check), else
    undecided naming why (claim iterate 1, as certify.horseshoes.nd's undecided certificates)."""
    from certify.certificates import SCHEMA
    from certify.checker import hsets as H
    from certify.horseshoes import _entropy_field
    from certify.horseshoes.finder import best_component
    from certify.horseshoes.nd import _map_class, undecided_horseshoe
    from certify.verify import self_checked

    mp = {"given": net.given, "canonical": net.canonical, "class": _map_class(net)}
    exact = [exact_hset(c, M, float_bits) for c, M in sets]
    dicts = [{"c": [q_str(v) for v in c], "M": [[q_str(M[i, j]) for j in range(len(c))] for i in range(len(c))]}
             for c, M in exact]
    from certify.checker.statement import Failure

    alive, why = [], []
    for v, d in enumerate(dicts):
        try:
            hs = H.parse_hset(d, net.n)
        except Failure:
            why.append(f"h-set {v}: its rationalised matrix is singular")
            continue
        alive.append((v, hs))
    while (pair := H.disjoint([hs for _, hs in alive])) is not None:  # drop one of each overlapping pair (as nd)
        why.append(f"h-set {alive[pair[1]][0]} dropped: not shown disjoint from h-set {alive[pair[0]][0]}")
        alive.pop(pair[1])
    live = {v for v, _ in alive}
    proved = []
    for i, j, w in edges:
        if i not in live or j not in live:
            continue
        for deg in ([w] if w is not None else [1, -1] if u == 1 else [list(v) for v in product((1, -1), repeat=u)]):
            st = pieces_stream(net.model, exact[i], exact[j], k, deg, u, max_splits, max_lps)
            if st.proved:
                proved.append((i, j, deg, st.entries))
                break
        else:
            why.append(f"{i} => {j} not proved: {st.reason}")
    nodes, rho = best_component(len(sets), [(i, j) for i, j, _, _ in proved])
    if rho <= 1 + 1e-9:
        return undecided_horseshoe(net, f"the proved pieces coverings ({len(proved)} of {len(edges)}) form no graph of "
                                        "positive entropy" + (f" ({'; '.join(why[:3])})" if why else ""), precision)
    keep = {v: t for t, v in enumerate(sorted(nodes))}
    covs = [(keep[i], keep[j], w, e) for i, j, w, e in proved if i in keep and j in keep]
    total = sum(len(e) for _, _, _, e in covs)
    if total > MAX_PIECES_ENTRIES:
        return undecided_horseshoe(net, f"the proved coverings have {total} entries, beyond the kernel's limit "
                                        f"{MAX_PIECES_ENTRIES}", precision)
    head = {"fact": "hsets", "sets": [dicts[v] for v in sorted(nodes)], **({"unstable": u} if u > 1 else {})}
    cert = {"schema": SCHEMA, "map": mp, "claim": {"kind": "horseshoe", "iterate": k}, "verdict": "proved",
            "precision": precision,
            "evidence": [head] + [{"fact": "covering", "from": i, "to": j, "degree": list(w) if u > 1 else w,
                                   "pieces": e} for i, j, w, e in covs],
            "entropy": _entropy_field(len(keep), [(i, j) for i, j, _, _ in covs], k)}
    return self_checked(cert, self_check)


SADDLE_CANDIDATES = 4   # candidates of certify.horseshoes.saddles tried by saddle_horseshoe, best first


def saddle_horseshoe(net, candidates: int = SADDLE_CANDIDATES, progress=None) -> dict:
    """A horseshoe certificate of the PLRNN `net` under a long iterate f^k, k a period of its saddle cycles:
    candidates from certify.horseshoes.saddles (floats: near returns of one trajectory, cycles with one unstable
    multiplier, clusters, sizes, a float piecewise screen), best log(rho)/k first, each proved or dropped edge by
    edge by pieces_certificate (exact). The first proved certificate, else an undecided one naming why. Work is
    bounded by the finder's counts and the pieces caps, never by time."""
    from certify.horseshoes.saddles import saddle_candidates

    from certify.horseshoes.nd import undecided_horseshoe

    cands = saddle_candidates(net)
    if not cands:
        return undecided_horseshoe(net, "no candidate graph of h-sets at saddle cycles of periods 20-120 passed the "
                                        "float screen")
    reasons = []
    for c in cands[:candidates]:
        if progress:
            progress(f"pieces coverings under f^{c.k} of {len(c.sets)} h-sets at saddle cycles")
        cert = pieces_certificate(net, c.k, c.sets, c.edges)
        if cert["verdict"] == "proved":
            return cert
        reasons.append(f"f^{c.k}, {len(c.sets)} sets: {cert.get('reason', '')}")
    return cert | {"reason": "no candidate at saddle cycles was proved: " + "; ".join(reasons)}
