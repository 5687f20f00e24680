"""Certified multipliers: enclosures of the eigenvalues of every matrix in a ball matrix M by
Gershgorin discs after a similarity, and the classification they prove.

Gershgorin's theorem (Horn and Johnson, Matrix Analysis, 2nd ed., Thm. 6.1.1), counting form. Let B
be any complex n x n matrix and D_1, ..., D_n closed discs with D_i containing the disc
{z : |z - B_ii| <= R_i}, R_i = sum_{j != i} |B_ij|. Then every eigenvalue of B lies in the union of
the D_i, and a union U of k of the discs that is disjoint from the other n - k contains exactly k
eigenvalues of B, counted with algebraic multiplicity. No other hypothesis (B need not be
diagonalisable, the discs may coincide). Proof of the count: B(t) = diag(B) + t (B - diag(B)),
t in [0, 1], has its eigenvalues in the union of the discs |z - B_ii| <= t R_i, inside the union of
the D_i; they depend continuously on t (as the roots of the characteristic polynomial), so the
number in U (closed, at positive distance from the other discs) is constant, and at t = 0 it is
the k diagonal entries whose discs make up U.

Application. V is any invertible complex matrix (a hint: float eigenvectors of the midpoint of M
written as exact rationals). For every member M' of M, B' = V^-1 M' V has the eigenvalues of M'
with their multiplicities. The kernel computes a ball matrix B = solve(V, M V) in acb arithmetic,
which contains V^-1 M' V for every M' in M, and fails when V is not proved invertible. Disc i has
the exact centre c_i = mid(B_ii) and the radius ball r_i = |B_ii - c_i| + sum_{j != i} |B_ij|; every
comparison below is an arb comparison, true only when it holds for every point of the balls, so
D_i = {|z - c_i| <= sup r_i} contains every member's Gershgorin disc and its diagonal entry.

Classification: disc i is inside the open unit disc when |c_i| + r_i < 1, outside the closed unit
disc when |c_i| - r_i > 1. When every disc is one or the other, the union of the inner discs and
the union of the outer ones are disjoint (the unit circle separates them), so every member of M has
exactly (number of outer discs) eigenvalues of modulus > 1 and the rest of modulus < 1: attracting
(none outside), repelling (all outside), or a saddle with that many unstable directions. Any disc
meeting the unit circle leaves the classification undetermined. For reporting, discs are grouped:
two discs are joined unless |c_i - c_j| > r_i + r_j is proved; each group is a union of connected
components of the discs' union, so it holds exactly as many eigenvalues as discs.

Imports only flint, certify.certificates and the kernel's statement module.
"""

from __future__ import annotations

from dataclasses import dataclass

from flint import acb, acb_mat, arb

from certify.certificates import q_parse
from certify.checker.statement import Failure

__all__ = ["Disc", "discs", "groups", "classify", "parse_similarity", "modulus_range", "STABILITY"]

STABILITY = ("attracting", "repelling", "saddle")


@dataclass(frozen=True)
class Disc:
    """The closed disc |z - centre| <= sup(radius): centre an exact complex number (acb, zero
    radius), radius an arb ball."""

    centre: acb
    radius: arb

    def inside(self) -> bool:
        """Proved: every point of the disc has modulus < 1."""
        return bool(abs(self.centre) + self.radius < 1)

    def outside(self) -> bool:
        """Proved: every point of the disc has modulus > 1."""
        return bool(abs(self.centre) - self.radius > 1)

    def apart(self, other: "Disc") -> bool:
        """Proved: the two discs are disjoint."""
        return bool(abs(self.centre - other.centre) > self.radius + other.radius)


def parse_similarity(hint, n: int) -> acb_mat:
    """{"re": [n][n], "im": [n][n]} ("im" optional: a real V) of exact rational strings -> acb_mat."""
    if not isinstance(hint, dict) or not set(hint) <= {"re", "im"} or "re" not in hint:
        raise Failure("V must be {'re': [[...]], 'im': [[...]]} ('im' optional)")

    def rows(part):
        if not (isinstance(part, list) and len(part) == n
                and all(isinstance(r, list) and len(r) == n for r in part)):
            raise Failure(f"V must be {n} x {n}")
        return [[q_parse(v) for v in r] for r in part]

    re = rows(hint["re"])
    im = rows(hint["im"]) if "im" in hint else None
    return acb_mat(n, n, [acb(re[i][j], im[i][j] if im else 0) for i in range(n) for j in range(n)])


def discs(M, V: acb_mat) -> list:
    """The n discs of B = V^-1 M V (M an arb_mat or acb_mat ball matrix); Failure when V is not
    proved invertible at the working precision."""
    n = M.nrows()
    if V.nrows() != n or V.ncols() != n:
        raise Failure(f"V must be {n} x {n}")
    try:
        B = V.solve(acb_mat(M) * V)
    except ZeroDivisionError:
        raise Failure("V is not proved invertible (singular or too ill-conditioned at this precision)") from None
    out = []
    for i in range(n):
        c = B[i, i].mid()
        r = abs(B[i, i] - c)
        for j in range(n):
            if j != i:
                r += abs(B[i, j])
        out.append(Disc(c, r))
    return out


def groups(ds: list) -> list:
    """Index lists of the discs joined by 'not proved disjoint' (unions of connected components)."""
    parent = list(range(len(ds)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i
    for i in range(len(ds)):
        for j in range(i + 1, len(ds)):
            if not ds[i].apart(ds[j]):
                parent[root(i)] = root(j)
    out: dict = {}
    for i in range(len(ds)):
        out.setdefault(root(i), []).append(i)
    return sorted(out.values())


def classify(ds: list) -> tuple:
    """(stability, unstable): ("attracting" | "repelling" | "saddle", the number of eigenvalues of
    modulus > 1 with multiplicity), or ("undetermined", None) when some disc meets the unit circle."""
    inner = [d.inside() for d in ds]
    outer = [d.outside() for d in ds]
    if not all(a or b for a, b in zip(inner, outer)):
        return "undetermined", None
    k = sum(outer)
    return ("attracting" if k == 0 else "repelling" if k == len(ds) else "saddle"), k


def modulus_range(ds: list) -> tuple:
    """(lo, hi) arb balls with lo <= |lambda| <= hi for every point lambda of the discs' union (lo
    may be negative)."""
    lo = hi = None
    for d in ds:
        a, b = abs(d.centre) - d.radius, abs(d.centre) + d.radius
        lo = a if lo is None else lo.min(a)
        hi = b if hi is None else hi.max(b)
    return lo, hi
