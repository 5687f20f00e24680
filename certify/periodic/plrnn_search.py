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

Leaves (all p patterns fixed) solve the cycle system exactly (certify.checker.plrnn), exactly as the
brute-force enumeration does; the kernel (certify.checker.plrnn_tree) re-walks the same tree from
its shape string and the certificates, re-checks every Farkas certificate and re-solves every leaf.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from flint import fmpq, fmpq_mat
from scipy.optimize import linprog

from certify.certificates import q_str
from certify.checker.plrnn import Model, _solve_cycle, canonical_cycle, follow_itinerary
from certify.checker.plrnn_tree import farkas_holds

__all__ = ["SearchResult", "SearchBudget", "search_tree"]

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

    def fact(self) -> dict:
        return {"fact": "search_plrnn", "p": self.p, "shape": "".join(self.shape), "farkas": self.farkas}


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


class _Linprog:
    """The phase-one LP min u s.t. a_r z - u <= b_r, u >= -1, rows kept as a stack (scipy.linprog)."""

    def __init__(self, n: int):
        self.n, self.A, self.b = n, [], []

    def push(self, a, b) -> None:
        self.A.append(a)
        self.b.append(b)

    def pop(self) -> None:
        self.A.pop()
        self.b.pop()

    def solve(self):
        """(ok, u*, z, y): y the multipliers of the rows (>= 0)."""
        A, n = np.array(self.A), self.n
        c = np.zeros(n + 1)
        c[-1] = 1.0
        r = linprog(c, A_ub=np.hstack([A, -np.ones((len(A), 1))]), b_ub=np.array(self.b),
                    bounds=[(None, None)] * n + [(-1.0, None)], method="highs")
        if r.status != 0:
            return False, None, None, None
        return True, r.fun, r.x[:n], -np.asarray(r.ineqlin.marginals)


class _Highs:
    """The same LP kept in one HiGHS instance (rows added and removed, warm started): scipy's bundled
    HiGHS bindings; _Linprog is used when they cannot be imported."""

    def __init__(self, n: int):
        from scipy.optimize._highspy import _core
        self.n, self.h = n, _core._Highs()
        self.h.setOptionValue("output_flag", False)
        self.inf = self.h.getInfinity()
        for _ in range(n):
            self.h.addVar(-self.inf, self.inf)
        self.h.addVar(-1.0, self.inf)
        self.h.changeColCost(n, 1.0)
        self.idx = np.arange(n + 1, dtype=np.int32)
        self.optimal = _core.HighsModelStatus.kOptimal

    def push(self, a, b) -> None:
        self.h.addRow(-self.inf, float(b), self.n + 1, self.idx, np.append(a, -1.0))

    def pop(self) -> None:
        self.h.deleteRows(1, np.array([self.h.getNumRow() - 1], dtype=np.int32))

    def solve(self):
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
    def __init__(self, m: Model, p: int, max_nodes: int | None = None, use_rotation: bool = True):
        self.m, self.p, self.n = m, p, m.n
        self.max_nodes = max_nodes
        self.rot = use_rotation
        self.res = SearchResult(p)
        n = m.n
        self.Af = np.array([float(a) for a in m.A])
        self.Wf = np.array([[float(w) for w in r] for r in m.W])
        self.hf = np.array([float(v) for v in m.h])
        self.I = fmpq_mat(n, n, [1 if i == j else 0 for i in range(n) for j in range(n)])

    # exact and float data of the prefix: lists indexed by t
    def run(self) -> SearchResult:
        n = self.n
        self.Pq, self.cq = [self.I], [fmpq_mat(n, 1, [0] * n)]
        self.Pf, self.cf = [np.eye(n)], [np.zeros(n)]
        self.pats = []
        self.lp, self.keys, self.scales = _lp(n), [], []   # the float LP's rows, their (t, i, bit) and scales
        self._point(0, np.zeros(n))
        return self.res

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
                J = self.m.jacobian(bits)
                Jf = np.diag(self.Af) + self.Wf * np.array(bits)
                self.Pq.append(J * self.Pq[k])
                self.cq.append(J * self.cq[k] + self.m.hvec)
                self.Pf.append(Jf @ self.Pf[k])
                self.cf.append(Jf @ self.cf[k] + self.hf)
                self._bits(k + 1, (), zstar)
                for lst in (self.Pq, self.cq, self.Pf, self.cf):
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
            a, b, scale = self._row(k, j, bit)
            self.lp.push(a, b)
            self.keys.append((k, j, bit))
            self.scales.append(scale)
            ok, z = True, zstar
            if k == 0:  # bits of z_0 alone: an orthant face, never empty; move the float point into it
                z = zstar.copy()
                z[j] = 1.0 if bit else -1.0
            elif zk is None or (zk > 0) != (bit == 1) or zk == 0:
                ok, z = self._lp()
            if ok:
                self.res.shape.append("1")
                self._bits(k, child, z)
            else:
                self.res.shape.append("0")
            self.lp.pop()
            self.keys.pop()
            self.scales.pop()

    def _lp(self):
        """(feasible?, float point or None); when called empty, the exact certificate is appended."""
        self.res.lps += 1
        ok, u, z, y = self.lp.solve()
        if not ok:
            return True, None
        if u <= INFEASIBLE:
            return True, z
        support = [i for i in range(len(y)) if y[i] > 1e-12]
        cert = self._certificate(support, y)
        if cert is None:
            self.res.unproved += 1
            return True, None
        self.res.farkas.append(cert)
        return False, None

    def _exact_row(self, key):
        t, i, bit = key
        P, c = self.Pq[t], self.cq[t]
        a = [P[i, col] for col in range(self.n)]
        if bit:
            return [-v for v in a], c[i, 0]
        return a, -c[i, 0]

    def _certificate(self, support, y):
        if not support:
            return None
        rows = {r: self._exact_row(self.keys[r]) for r in support}
        guess = [y[r] / self.scales[r] for r in support]  # the float rows were divided by their scales
        total = sum(guess)
        sol = _exact_farkas(rows, support, [g / total for g in guess])
        if sol is None:
            return None
        cert = [[self.keys[r][0], self.keys[r][1], v] for r, v in sol]
        if not farkas_holds([(rows[r][0], rows[r][1], v) for r, v in sol], self.n):
            return None
        return [[t, i, q_str(v)] for t, i, v in cert]

    def _leaf(self) -> None:
        self.res.leaves += 1
        itin = list(self.pats)
        n = self.n
        J = self.m.jacobian(itin[-1])
        P, c = J * self.Pq[-1], J * self.cq[-1] + self.m.hvec
        kind, z0 = _solve_cycle(n, P, c)
        if kind == "singular":
            self.res.singular.append(["".join(map(str, D)) for D in itin])
        elif kind == "point":
            pts = follow_itinerary(self.m, z0, itin)
            if pts is not None and len({tuple(z) for z in pts}) == self.p:
                self.res.cycles.add(canonical_cycle(pts))


def search_tree(m: Model, p: int, max_nodes: int | None = None) -> SearchResult:
    """Every cycle of minimal period p of the exact model m by the pruned itinerary search, with the
    tree the kernel re-walks (complete unless some leaf is singular). Raises SearchBudget after
    max_nodes nodes."""
    return _Search(m, p, max_nodes).run()
