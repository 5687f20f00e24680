"""Pruned itinerary search for the cycles of a PLRNN z -> A z + W relu(z) + h.

A p-cycle's itinerary (s_0, ..., s_{p-1}) (s_t the sign pattern of z_t, bit i = 1 iff z_{t,i} > 0)
is searched one coordinate sign at a time, depth first. A node fixes s_0, ..., s_{k-1} and the
first j bits of s_k; on it z_t = P_t z_0 + c_t (P_t the product of the prefix's Jacobians), and
the node's polyhedron is {z_0 : every fixed bit's closed sign constraint holds}. The closed
constraints (z_{t,i} >= 0 for bit 1, <= 0 for bit 0) contain the half-open orthants of the sign
convention, so an empty polyhedron has no cycle below it. Emptiness is found by a float LP (the
phase-one LP min u s.t. a_r z - u <= b_r, u >= -1) and proved by an exact Farkas certificate: the
LP's dual support, re-solved exactly (y_S >= 0, y_S^T A_S = 0, sum y_S = 1) and checked (y^T b < 0).
Nodes that the floats call feasible, or whose certificate does not come out exact, are expanded:
floats only decide where to look.

Rotations: every cycle has a rotation whose first sign pattern is the least (as a tuple of bits)
of its p patterns, so only itineraries with s_t >= s_0 for all t are searched; a partial pattern
whose fixed bits are already below s_0's is skipped without an LP.

Cycle box: when the cycle-box lemma applies (cycle_box; certify.checker.plrnn_box), every cycle point
lies in a proved box [l, u], and its rows l_i <= z_{t,i} <= u_i join the LP (for z_0..z_k, and z_{k+1}
once s_k is complete). A bit the box excludes is pruned by a two-row certificate, a bit one step of
the map excludes (interval bound from z_{k-1} in the box and the orthant of s_{k-1}) by a certificate
with multipliers |J_jl|; neither needs an LP.

Leaves (all p patterns fixed) solve the cycle system exactly (certify.checker.plrnn), exactly as the
brute-force enumeration does; the kernel (certify.checker.plrnn_tree) re-walks the same tree from
its shape string and the certificates, re-checks every Farkas certificate and re-solves every leaf.

Periods 1..P (certify.periodic.plrnn.certify_cycles) share one memo: a node's rows depend only on its
patterns and bits (and, at a node completing s_k, on whether z_{k+1}'s box rows join, i.e. k + 1 < p), so
the node of period p's tree is decided once (its LP and certificate, or its float point) for every longer
period; the exact prefix products are kept there too, made when a certificate or a leaf first needs them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from flint import fmpq, fmpq_mat
from scipy.optimize import linprog

from certify.certificates import q_str
from certify.checker.plrnn import Model, _solve_cycle, canonical_cycle, follow_itinerary
from certify.arith import dyadic
from certify.checker.plrnn_box import MAX_BOX_STEPS, box_matrix, refine_box

__all__ = ["SearchResult", "SearchBudget", "search_tree", "cycle_box"]

INFEASIBLE = 1e-9   # the phase-one optimum u* above which a node is called empty (then proved exactly)


class SearchBudget(Exception):
    """The search met its node budget; `result` holds the cycles found so far (not complete)."""

    def __init__(self, result):
        super().__init__(f"the pruned search met its budget of {result.nodes} nodes")
        self.result = result


@dataclass
class SearchResult:
    """The cycles of minimal period p found at the leaves, the singular leaves, and the tree."""

    p: int
    cycles: set = field(default_factory=set)
    singular: list = field(default_factory=list)
    shape: list = field(default_factory=list)      # '1' expanded, '0' pruned, in the kernel's walk order
    farkas: list = field(default_factory=list)     # one certificate per '0', [[t, i, "y"], ...]
    nodes: int = 0
    lps: int = 0
    leaves: int = 0
    unproved: int = 0                              # float-empty nodes whose certificate did not come out exact
    box: bool = False                              # whether the Farkas certificates may use the cycle box's rows

    def fact(self) -> dict:
        out = {"fact": "search_plrnn", "p": self.p, "shape": "".join(self.shape), "farkas": self.farkas}
        return {**out, "box": True} if self.box else out


def _rationalize(v: float) -> fmpq:
    from fractions import Fraction
    f = Fraction(v).limit_denominator(1 << 20)
    return fmpq(f.numerator, f.denominator)


def _exact_farkas(rows, support, guess):
    """Solve y_S^T A_S = 0, sum y_S = 1 exactly on the support S (free unknowns set to the float
    guess, rationalised); the rows are exact (a, b) pairs. Returns [(row, y)] or None."""
    S = list(support)
    n = len(rows[S[0]][0])
    m = len(S)
    M = fmpq_mat(n + 1, m + 1)
    for i in range(n):
        for c, r in enumerate(S):
            M[i, c] = rows[r][0][i]
    for c in range(m):
        M[n, c] = 1
    M[n, m] = 1
    R, rank = M.rref()
    pivots, row = [], 0
    for c in range(m + 1):
        if row < rank and R[row, c] != 0:
            pivots.append(c)
            row += 1
    if m in pivots:  # inconsistent
        return None
    y = [None] * m
    free = [c for c in range(m) if c not in pivots]
    for c in free:
        y[c] = _rationalize(guess[c])
    for r, c in enumerate(pivots):
        y[c] = R[r, m] - sum((R[r, f] * y[f] for f in free), fmpq(0))
    out = [(S[c], y[c]) for c in range(m) if y[c] != 0]
    if any(v < 0 for _, v in out):
        return None
    return out


class _Rows:
    """The LP's rows (a, -1) z' <= b as a stack in one numpy array (grown by doubling)."""

    def __init__(self, n: int):
        self.n, self.len = n, 0
        self.A, self.b = np.empty((64, n + 1)), np.empty(64)
        self.A[:, n] = -1.0

    def push(self, a, b) -> None:
        self.push_rows(a[None, :], np.array([b]))

    def push_rows(self, A, b) -> None:
        top = self.len + len(b)
        if top > len(self.b):
            size = max(2 * len(self.b), top)
            A2, b2 = np.empty((size, self.n + 1)), np.empty(size)
            A2[:, self.n] = -1.0
            A2[:self.len], b2[:self.len] = self.A[:self.len], self.b[:self.len]
            self.A, self.b = A2, b2
        self.A[self.len:top, :self.n] = A
        self.b[self.len:top] = b
        self.len = top

    def pop(self, k: int = 1) -> None:
        self.len -= k


class _Linprog(_Rows):
    """The phase-one LP min u s.t. a_r z - u <= b_r, u >= -1, rows kept as a stack (scipy.linprog)."""

    def solve(self):
        """(ok, u*, z, y): y the multipliers of the rows (>= 0)."""
        n = self.n
        c = np.zeros(n + 1)
        c[-1] = 1.0
        r = linprog(c, A_ub=self.A[:self.len], b_ub=self.b[:self.len],
                    bounds=[(None, None)] * n + [(-1.0, None)], method="highs")
        if r.status != 0:
            return False, None, None, None
        return True, r.fun, r.x[:n], -np.asarray(r.ineqlin.marginals)


class _Highs(_Rows):
    """The same LP kept in one HiGHS instance (rows added and removed, warm started): scipy's bundled
    HiGHS bindings; _Linprog is used when they cannot be imported."""

    def __init__(self, n: int):
        from scipy.optimize._highspy import _core
        super().__init__(n)
        self.h = _core._Highs()
        self.h.setOptionValue("output_flag", False)
        self.h.setOptionValue("presolve", "off")   # small LPs changed by a few rows: warm-started simplex, no presolve
        self.inf = self.h.getInfinity()
        for _ in range(n):
            self.h.addVar(-self.inf, self.inf)
        self.h.addVar(-1.0, self.inf)
        self.h.changeColCost(n, 1.0)
        self.idx = np.arange(n + 1, dtype=np.int32)
        self.lower = self.starts = self.cols = np.empty(0)
        self.nh, self.same = 0, 0   # rows in HiGHS; leading rows both agree on
        self.optimal = _core.HighsModelStatus.kOptimal

    # rows are kept on the stack and handed to HiGHS only when an LP is solved (most nodes need none)
    def pop(self, k: int = 1) -> None:
        self.len -= k
        self.same = min(self.same, self.len)

    def _sync(self) -> None:
        if self.nh > self.same:
            self.h.deleteRows(self.nh - self.same, np.arange(self.same, self.nh, dtype=np.int32))
        k, w = self.len - self.same, self.n + 1
        if k:
            if k > len(self.lower):   # the constant arrays of addRows for up to k rows
                size = max(k, 2 * len(self.lower))
                self.lower = np.full(size, -self.inf)
                self.starts = np.arange(0, size * w, w, dtype=np.int32)
                self.cols = np.tile(self.idx, size)
            self.h.addRows(k, self.lower[:k], self.b[self.same:self.len], k * w, self.starts[:k], self.cols[:k * w],
                           self.A[self.same:self.len].ravel())
        self.nh = self.same = self.len

    def solve(self):
        self._sync()
        self.h.run()
        if self.h.getModelStatus() != self.optimal:
            return False, None, None, None
        sol = self.h.getSolution()
        x = np.array(sol.col_value)
        return True, x[-1], x[:self.n], -np.array(sol.row_dual)


def _lp(n: int):
    try:
        return _Highs(n)
    except (ImportError, AttributeError):  # scipy without the bindings: the public, slower route
        return _Linprog(n)


class _Search:
    def __init__(self, m: Model, p: int, max_nodes: int | None = None, use_rotation: bool = True, box=None,
                 memo: dict | None = None):
        self.m, self.p, self.n = m, p, m.n
        self.memo = memo
        self.max_nodes = max_nodes
        self.rot = use_rotation
        self.res = SearchResult(p, box=box is not None)
        n = m.n
        self.Af = np.array([float(a) for a in m.A])
        self.Wf = np.array([[float(w) for w in r] for r in m.W])
        self.hf = np.array([float(v) for v in m.h])
        self.I = fmpq_mat(n, n, [1 if i == j else 0 for i in range(n) for j in range(n)])
        self.box = box
        # the sign the box forces on each unit (lo_i > 0: 1, hi_i < 0: 0), else None
        self.sign = [None] * n if box is None else [1 if lo > 0 else 0 if hi < 0 else None for lo, hi in zip(*box)]
        if box is not None:
            self.lof = np.array([float(x) for x in box[0]])
            self.hif = np.array([float(x) for x in box[1]])

    # exact and float data of the prefix: lists indexed by t
    def run(self) -> SearchResult:
        n = self.n
        self.Pf, self.cf = [np.eye(n)], [np.zeros(n)]
        self.pats = []
        # exact products by patterns (_exact), shared by the periods' searches when they share the memo
        self.products = {} if self.memo is None else self.memo.setdefault("products", {})
        self.lp, self.keys, self.scales = _lp(n), [], []   # the float LP's rows, their (t, i, kind) and scales
        z = np.zeros(n)
        if self.box is not None:
            self._push_box(0, self.Pf[0], self.cf[0])
            z = np.clip(z, self.lof, self.hif)
        self._point(0, z)
        return self.res

    def _push_box(self, t: int, P, c) -> int:
        """Push the 2n box rows of z_t = P z_0 + c (float): z_{t,i} <= hi_i (kind 'u'), >= lo_i ('l'), in the
        order u_0, l_0, u_1, l_1, ..."""
        n = self.n
        scales = np.abs(P).max(axis=1)
        scales[scales == 0] = 1.0
        Ps = P / scales[:, None]
        A, b = np.empty((2 * n, n)), np.empty(2 * n)
        A[0::2], A[1::2] = Ps, -Ps
        b[0::2], b[1::2] = (self.hif - c) / scales, (c - self.lof) / scales
        self.lp.push_rows(A, b)
        self.keys.extend((t, i, kind) for i in range(n) for kind in ("u", "l"))
        self.scales.extend(np.repeat(scales, 2).tolist())
        return 2 * n

    def _pop(self, rows: int) -> None:
        if rows:
            self.lp.pop(rows)
            del self.keys[-rows:]
            del self.scales[-rows:]

    def _point(self, k: int, zstar) -> None:
        """Branch on the bits of s_k, the prefix s_0..s_{k-1} fixed; zstar a float point of the prefix."""
        self._bits(k, (), zstar)

    def _row(self, t: int, i: int, bit: int):
        P, c = self.Pf[t], self.cf[t]
        a, b = (-P[i], c[i]) if bit else (P[i], -c[i])
        s = np.abs(a).max()
        if s == 0:
            s = 1.0
        return a / s, b / s, s

    def _bits(self, k: int, bits: tuple, zstar) -> None:
        n = self.n
        if len(bits) == n:
            self.pats.append(bits)
            if k == self.p - 1:
                self._leaf()
            else:
                Jf = np.diag(self.Af) + self.Wf * np.array(bits)
                self.Pf.append(Jf @ self.Pf[k])
                self.cf.append(Jf @ self.cf[k] + self.hf)
                self._bits(k + 1, (), zstar)
                for lst in (self.Pf, self.cf):
                    lst.pop()
            self.pats.pop()
            return
        j = len(bits)
        zk = self.Pf[k][j] @ zstar + self.cf[k][j] if zstar is not None else None
        for bit in (0, 1):
            child = bits + (bit,)
            if k > 0 and self.rot and child < self.pats[0][:j + 1]:
                continue  # below s_0: covered by a rotation
            self.res.nodes += 1
            if self.max_nodes is not None and self.res.nodes > self.max_nodes:
                raise SearchBudget(self.res)
            if self.sign[j] is not None and self.sign[j] != bit:
                # the box puts z_{k,j} on the other side of 0: the sign row and that box row sum to 0 <= hi_j < 0
                # (or 0 <= -lo_j < 0), a two-row Farkas certificate without an LP
                self.res.shape.append("0")
                self.res.farkas.append([[k, j, "1"], [k, j + (n if bit else 2 * n), "1"]])
                continue
            pushed, z = 0, zstar
            if self.sign[j] is None:   # (else the box row of z_{k,j} already implies the sign row: the LP omits it)
                a, b, scale = self._row(k, j, bit)
                self.lp.push(a, b)
                self.keys.append((k, j, bit))
                self.scales.append(scale)
                pushed = 1
            if k == 0 and z is not None:  # bits of z_0 alone: move the float point into the orthant face
                z = zstar.copy()
                if self.box is None:
                    z[j] = 1.0 if bit else -1.0
                else:
                    lo, hi = (max(self.lof[j], 0.0), self.hif[j]) if bit else (self.lof[j], min(self.hif[j], 0.0))
                    z[j] = (lo + hi) / 2 if lo <= hi else np.nan
                good = bool(np.isfinite(z[j])) and (z[j] > 0) == (bit == 1) and z[j] != 0
            else:
                good = zk is not None and (zk > 0) == (bit == 1) and zk != 0
            if self.box is not None and len(child) == n and k + 1 < self.p:
                self.completing = child   # the pattern s_k whose z_{k+1} box rows join (for _exact_row)
                Jf = np.diag(self.Af) + self.Wf * np.array(child)
                Pn, cn = Jf @ self.Pf[k], Jf @ self.cf[k] + self.hf
                pushed += self._push_box(k + 1, Pn, cn)
                if good:
                    zn = Pn @ z + cn
                    good = bool(np.all(zn < self.hif) and np.all(zn > self.lof))
            ok = True
            if not good:
                # the node's rows are fixed by its prefix and by whether z_{k+1}'s box rows joined: the same node
                # in the tree of a longer period (memo shared by the searches of one model and box) is decided once
                key = (tuple(self.pats), child, pushed > 1)
                hit = self.memo.get(key) if self.memo is not None else None
                if hit is None:
                    hit = self._decide(k, j, bit)
                    if self.memo is not None:
                        self.memo[key] = hit
                ok, z, cert, unproved = hit
                if cert is not None:
                    self.res.farkas.append(cert)
                self.res.unproved += unproved
            if ok:
                self.res.shape.append("1")
                self._bits(k, child, z)
            else:
                self.res.shape.append("0")
            self._pop(pushed)

    def _interval(self, t: int, i: int, pats, upper: bool):
        """An upper (or lower) bound of z_{t+1,i} = sum_l J_il z_{t,l} + h_i (J = A + W D_{s_t}, s_t = pats)
        from z_t in the box and in the closed orthant of s_t: (bound, Farkas entries of rows of z_t), each
        entry a row bounding z_{t,l} with multiplier |J_il|."""
        n, lo, hi = self.n, self.box[0], self.box[1]
        total, cert = self.m.h[i], []
        for col in range(n):
            coef = (self.m.A[i] if col == i else 0) + (self.m.W[i][col] if pats[col] else 0)
            if coef == 0:
                continue
            if (coef > 0) == upper:   # z_{t,col} <= hi, or <= 0 when its bit is 0
                use_sign = not pats[col] and hi[col] > 0
                bound, row = (fmpq(0), col) if use_sign else (hi[col], n + col)
            else:                     # z_{t,col} >= lo, or >= 0 when its bit is 1
                use_sign = pats[col] and lo[col] < 0
                bound, row = (fmpq(0), col) if use_sign else (lo[col], 2 * n + col)
            total += coef * bound
            cert.append([t, row, q_str(abs(coef))])
        return total, cert

    def _one_step(self, k: int, j: int, bit: int):
        """A Farkas certificate without an LP when one step of the map already empties the node: z_{k,j}
        bounded from z_{k-1} (in the box and the orthant of s_{k-1}) on the wrong side of 0 for the bit;
        with the bit's sign row the rows sum to 0 <= bound < 0. None otherwise."""
        total, cert = self._interval(k - 1, j, self.pats[k - 1], bit == 1)
        if (total < 0) if bit else (total > 0):
            return [[k, j, "1"], *cert]
        return None

    def _decide(self, k: int, j: int, bit: int):
        """A node the parent's float point does not show non-empty: (feasible?, float point or None, its Farkas
        certificate when empty, 1 when the floats call it empty but no exact certificate came out, else 0)."""
        if self.box is not None and k > 0:
            cert = self._one_step(k, j, bit)
            if cert is not None:
                return False, None, cert, 0
        self.res.lps += 1
        ok, u, z, y = self.lp.solve()
        if not ok:
            return True, None, None, 0
        if u <= INFEASIBLE:
            return True, z, None, 0
        support = np.flatnonzero(y > 1e-12).tolist()
        cert = self._certificate(support, y)
        if cert is None:
            return True, None, None, 1
        return False, None, cert, 0

    def _exact(self, pats: tuple):
        """[P_t, c_t, None] for the patterns s_0..s_{t-1} = pats, exact, computed when a certificate or a leaf first
        needs them and kept (shared by the periods through the memo); the third item becomes the rows of P_t and
        the entries of c_t as lists once a certificate reads them."""
        got = self.products.get(pats)
        if got is None:
            if pats:
                P0, c0 = self._exact(pats[:-1])[:2]
                J = self.m.jacobian(pats[-1])
                P, c = J * P0, J * c0 + self.m.hvec
            else:
                P, c = self.I, fmpq_mat(self.n, 1, [0] * self.n)
            got = self.products[pats] = [P, c, None]
        return got

    def _exact_row(self, key):
        t, i, kind = key
        # z_t for t <= k, or z_{k+1} of the pattern s_k being completed (its box rows)
        pats = tuple(self.pats[:t]) if t <= len(self.pats) else (*self.pats, self.completing)
        got = self._exact(pats)
        if got[2] is None:
            got[2] = (got[0].tolist(), [x for (x,) in got[1].tolist()])
        a, ci = got[2][0][i], got[2][1][i]
        if kind == "u":
            return list(a), self.box[1][i] - ci
        if kind == "l":
            return [-v for v in a], ci - self.box[0][i]
        if kind:
            return [-v for v in a], ci
        return list(a), -ci

    def _certificate(self, support, y):
        if not support:
            return None
        rows = {r: self._exact_row(self.keys[r]) for r in support}
        guess = [y[r] / self.scales[r] for r in support]  # the float rows were divided by their scales
        total = sum(guess)
        sol = _exact_farkas(rows, support, [g / total for g in guess])
        if sol is None:
            return None
        n = self.n
        code = {"u": n, "l": 2 * n}
        cert = [[self.keys[r][0], self.keys[r][1] + code.get(self.keys[r][2], 0), v] for r, v in sol]
        # y > 0 and sum y a = 0 hold exactly by construction (_exact_farkas); the kernel re-checks all three
        if not sum((v * rows[r][1] for r, v in sol), fmpq(0)) < 0:
            return None
        return [[t, i, q_str(v)] for t, i, v in cert]

    def _leaf(self) -> None:
        self.res.leaves += 1
        itin = list(self.pats)
        n = self.n
        P, c = self._exact(tuple(itin))[:2]
        kind, z0 = _solve_cycle(n, P, c)
        if kind == "singular":
            self.res.singular.append(["".join(map(str, D)) for D in itin])
        elif kind == "point":
            pts = follow_itinerary(self.m, z0, itin)
            if pts is not None and len({tuple(z) for z in pts}) == self.p:
                self.res.cycles.add(canonical_cycle(pts))


def search_tree(m: Model, p: int, max_nodes: int | None = None, box=None, memo: dict | None = None) -> SearchResult:
    """Every cycle of minimal period p of the exact model m by the pruned itinerary search, with the
    tree the kernel re-walks (complete unless some leaf is singular). With `box` (lo, hi), a proved
    box holding every cycle point (cycle_box), the box's rows for z_0, ..., z_{p-1} join the LPs.
    `memo` (a dict, empty at first) may be shared by the searches of several periods of the same m and
    box: a node below the last pattern has the same rows in every period's tree, so its decision (and
    certificate) is taken once. Raises SearchBudget after max_nodes nodes."""
    return _Search(m, p, max_nodes, box=box, memo=memo).run()


def _exact(x: float) -> fmpq:
    from fractions import Fraction
    f = Fraction(float(x))
    return fmpq(f.numerator, f.denominator)


def cycle_box(m: Model, steps: int = 64, bits: int = 40):
    """The plrnn_cycle_box fact of the exact model m (certify.checker.plrnn_box: a proved box holding
    every point of every cycle), with the box (lo, hi); None when the lemma's hypotheses cannot be
    met (some |a_i| >= 1, or D - K is not a nonsingular M-matrix: positive feedback too strong).
    Floats find v and P, which are checked exactly here; the boxes are refined up to `steps` times
    (until they stop shrinking) and rounded outward to multiples of 2^-bits."""
    n = m.n
    if any(not -1 < a < 1 for a in m.A):
        return None
    M, g = box_matrix(m)
    Mf = np.array([[float(x) for x in row] for row in M])
    gp = [max(x, fmpq(0)) for x in g]
    try:
        vf = np.linalg.solve(Mf, np.ones(n))
        Pf = np.linalg.solve(Mf, np.array([float(x) for x in gp]))
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(vf)) or np.any(vf <= 0):
        return None
    v = [_exact(x) for x in vf]
    if any(sum((M[i][j] * v[j] for j in range(n)), fmpq(0)) <= 0 for i in range(n)):
        return None
    P0 = [_exact(max(x, 0.0)) for x in Pf]
    delta = fmpq(1, 1 << 40)
    for _ in range(80):
        P = [dyadic(P0[j] + delta * v[j], bits, up=True) for j in range(n)]
        if all(sum((M[i][j] * P[j] for j in range(n)), fmpq(0)) >= gp[i] for i in range(n)):
            break
        delta *= 4
    else:
        return None
    boxes, lo, hi = [], *refine_box(m, [fmpq(0)] * n, P)
    for _ in range(min(steps, MAX_BOX_STEPS)):
        blo = [dyadic(x, bits, up=False) for x in lo]
        bhi = [dyadic(x, bits, up=True) for x in hi]
        if boxes and blo == boxes[-1][0] and bhi == boxes[-1][1]:
            break
        boxes.append((blo, bhi))
        lo, hi = refine_box(m, [max(x, fmpq(0)) for x in blo], [max(x, fmpq(0)) for x in bhi])
        lo, hi = [max(a, b) for a, b in zip(lo, blo)], [min(a, b) for a, b in zip(hi, bhi)]
    fact = {"fact": "plrnn_cycle_box", "v": [q_str(x) for x in v], "P": [q_str(x) for x in P],
            "boxes": [{"lo": [q_str(x) for x in b[0]], "hi": [q_str(x) for x in b[1]]} for b in boxes]}
    return fact, boxes[-1]
