"""An independent exact re-check of a "pieces" covering stream (the contract of docs: /work/pieces-spec.md, the
kernel's canonical traversal) and a brute-force iteration of a PLRNN, for tests.

Independent of certify on purpose: it imports nothing from `certify`, only `fractions`, and takes the simplest
correct route at every step (lists of Fractions, Gauss-Jordan for M2^-1, the bound formulas written out).

`replay(A, W, h, c1, M1, c2, M2, k, degree, u, entries)` walks the traversal, consumes the entries and checks each
one exactly; it returns the leaves [(C, G, gamma)] (C the region's constraints [(a, b)] meaning a . t <= b, and g(t) =
G t + gamma, f^k in N2's coordinates; with c2 = M2 = None: G = P, gamma = d, f^k itself) and raises AssertionError
naming the entry that fails. With c2 = M2 = None the leaf bounds are skipped (the sign part of a stream only).
"""

from __future__ import annotations

from fractions import Fraction

ZERO = Fraction(0)


def F(v) -> Fraction:
    """An exact number (fmpq, int, Fraction, "p/q") as a Fraction."""
    if isinstance(v, Fraction):
        return v
    if hasattr(v, "p") and hasattr(v, "q"):  # flint fmpq
        return Fraction(int(v.p), int(v.q))
    return Fraction(v)


def step(A, W, h, z) -> list:
    """f(z) = A z + W relu(z) + h, straight from the formula."""
    n = len(z)
    r = [x if x > 0 else ZERO for x in z]
    return [A[i] * z[i] + sum(W[i][l] * r[l] for l in range(n)) + h[i] for i in range(n)]


def iterate(A, W, h, z, k) -> list:
    for _ in range(k):
        z = step(A, W, h, z)
    return z


def inverse(M) -> list:
    """M^-1 by Gauss-Jordan elimination over the rationals (AssertionError when singular)."""
    n = len(M)
    R = [list(M[i]) + [Fraction(int(i == j)) for j in range(n)] for i in range(n)]
    for col in range(n):
        piv = next((r for r in range(col, n) if R[r][col] != 0), None)
        assert piv is not None, "singular matrix"
        R[col], R[piv] = R[piv], R[col]
        p = R[col][col]
        R[col] = [x / p for x in R[col]]
        for r in range(n):
            if r != col and R[r][col] != 0:
                f = R[r][col]
                R[r] = [x - f * y for x, y in zip(R[r], R[col])]
    return [row[n:] for row in R]


def det(M) -> Fraction:
    """det M by Gaussian elimination over the rationals."""
    R = [list(r) for r in M]
    n, out = len(R), Fraction(1)
    for col in range(n):
        piv = next((r for r in range(col, n) if R[r][col] != 0), None)
        if piv is None:
            return Fraction(0)
        if piv != col:
            R[col], R[piv] = R[piv], R[col]
            out = -out
        out *= R[col][col]
        for r in range(col + 1, n):
            f = R[r][col] / R[col][col]
            R[r] = [x - f * y for x, y in zip(R[r], R[col])]
    return out


def matvec(M, v) -> list:
    return [sum(a * b for a, b in zip(row, v)) for row in M]


def boxmin(v, box) -> Fraction:
    """min of v . t over [-1, 1]^n (box None) or over the face t_i = side (box (i, side))."""
    total = ZERO
    for l, x in enumerate(v):
        if box is not None and l == box[0]:
            total += x * box[1]
        else:
            total += min(-x, x)
    return total


def bound(c, e, lam, C, box) -> Fraction:
    """e - sum lam_l b_l + boxmin(c + sum lam_l a_l)."""
    v = list(c)
    total = e
    for x, (a, b) in zip(lam, C):
        total -= x * b
        v = [vi + x * ai for vi, ai in zip(v, a)]
    return total + boxmin(v, box)


def _lam(entry, C, where):
    assert len(entry) == 2 and isinstance(entry[1], list), f"{where}: malformed entry {entry!r}"
    lam = [F(x) for x in entry[1]]
    assert len(lam) == len(C), f"{where}: {len(lam)} multipliers for {len(C)} constraints"
    assert all(x >= 0 for x in lam), f"{where}: a negative multiplier"
    return lam


def replay(A, W, h, c1, M1, c2, M2, k, degree, u, entries) -> list:
    """The leaves of the stream's traversal, every entry checked exactly (AssertionError naming the first bad one)."""
    A, h = [F(a) for a in A], [F(x) for x in h]
    W = [[F(x) for x in r] for r in W]
    n = len(A)
    P0 = [[F(x) for x in r] for r in M1]
    d0 = [F(x) for x in c1]
    Minv = inverse([[F(x) for x in r] for r in M2]) if M2 is not None else None
    c2 = [F(x) for x in c2] if c2 is not None else None
    signs = [degree] if u == 1 and not isinstance(degree, list) else list(degree)
    pos = [0]
    leaves = []

    def take(where):
        assert pos[0] < len(entries), f"{where}: the stream ends early"
        pos[0] += 1
        return entries[pos[0] - 1]

    def visit(P, d, C, s, j, q):
        while s < k:
            while j < n:
                row, dj = P[j], d[j]
                r = sum(abs(x) for x in row)
                where = f"entry {pos[0]} (step {s}, z_{j})"
                if dj - r >= 0:
                    q = q + [1]
                elif dj + r <= 0:
                    q = q + [0]
                else:
                    e = take(where)
                    if e == ["split"]:
                        visit(P, d, C + [([-x for x in row], dj)], s, j + 1, q + [1])
                        C, q = C + [(row, -dj)], q + [0]
                    elif e[0] == "+":
                        assert bound(row, dj, _lam(e, C, where), C, None) >= 0, f"{where}: '+' bound < 0"
                        q = q + [1]
                    elif e[0] == "-":
                        assert bound([-x for x in row], -dj, _lam(e, C, where), C, None) >= 0, f"{where}: '-' bound < 0"
                        q = q + [0]
                    elif e[0] == "empty":
                        assert bound([ZERO] * n, ZERO, _lam(e, C, where), C, None) > 0, f"{where}: 'empty' not > 0"
                        return
                    else:
                        raise AssertionError(f"{where}: unknown entry {e!r}")
                j += 1
            # P <- diag(A) P + W diag(q) P ; d <- A d + W (q d) + h
            qP = [[x * q[i] for x in P[i]] for i in range(n)]
            P = [[A[i] * P[i][l] + sum(W[i][m] * qP[m][l] for m in range(n)) for l in range(n)] for i in range(n)]
            d = [A[i] * d[i] + sum(W[i][m] * q[m] * d[m] for m in range(n)) + h[i] for i in range(n)]
            s, j, q = s + 1, 0, []
        if Minv is None:
            leaves.append((C, P, d))
            return
        G = [[sum(Minv[i][m] * P[m][l] for m in range(n)) for l in range(n)] for i in range(n)]
        gam = matvec(Minv, [x - y for x, y in zip(d, c2)])
        checks = []
        for s_ in range(u, n):
            checks.append(([-x for x in G[s_]], 1 - gam[s_], None))
            checks.append((G[s_], gam[s_] + 1, None))
        for i in range(u):
            for side in (-1, 1):
                if side * signs[i] > 0:
                    checks.append((G[i], gam[i] - 1, (i, side)))
                else:
                    checks.append(([-x for x in G[i]], -gam[i] - 1, (i, side)))
        for c, e, box in checks:
            if e + boxmin(c, box) > 0:
                continue
            where = f"entry {pos[0]} (leaf {len(leaves)}, box {box})"
            ent = take(where)
            if ent[0] == "bound":
                assert bound(c, e, _lam(ent, C, where), C, box) > 0, f"{where}: 'bound' not > 0"
            elif ent[0] == "empty":
                assert bound([ZERO] * n, ZERO, _lam(ent, C, where), C, box) > 0, f"{where}: 'empty' not > 0"
            else:
                raise AssertionError(f"{where}: unknown leaf entry {ent!r}")
        leaves.append((C, G, gam))

    visit(P0, d0, [], 0, 0, [])
    assert pos[0] == len(entries), f"{len(entries) - pos[0]} entries left unconsumed"
    return leaves


def inside(C, t) -> bool:
    """t satisfies every constraint a . t <= b of the region."""
    return all(sum(a * x for a, x in zip(ai, t)) <= b for ai, b in C)
