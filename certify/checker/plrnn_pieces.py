"""Covering relations of h-sets under long iterates of a PLRNN, by exact piecewise-affine splitting (trusted kernel).

The map is f(z) = A z + W relu(z) + h (A diagonal), exact rationals. On a set where every coordinate of z has a
fixed sign, relu(z) = D z with D = diag(q), q_j = 1 where z_j >= 0 and 0 where z_j <= 0, so f(z) = (A + W D) z + h
is affine there; the two formulas agree on z_j = 0 (relu is continuous), so the closed pieces {z_j >= 0} and
{z_j <= 0} may share their boundary. Following f^k on an h-set N1 = c1 + M1 [-1, 1]^n in its coordinates t,
z = P t + d starts with P = M1, d = c1 and stays affine on each piece of a finite split of the cube; the pieces
are polytopes R = {t in [-1, 1]^n : a_l . t <= b_l}. The kernel derives the split itself, in one canonical
order (step s = 0..k-1, coordinate j = 0..n-1, the branch z_j >= 0 first), from the certificate's entries, which
say only how each sign undecided by the box bound is settled:

  - the box bound: over the cube, P_j . t + d_j lies in d_j -+ sum_l |P_jl| (exact);
  - weak duality: for multipliers lam_l >= 0 and t in R, c . t + e >= c . t + e + sum_l lam_l (a_l . t - b_l)
    >= e - lam . b + min over the cube of (c + sum_l lam_l a_l) . t; the same with 0 for c, e shows R empty
    when the right side is > 0;
  - a split: both closed halves are followed, so the pieces cover N1 (pieces shown empty are dropped).

At each piece's end f^k(c1 + M1 t) = P t + d exactly, and in N2's coordinates g(t) = M2^-1 (P t + d - c2) =
G t + gamma. The covering conditions of certify.checker.hsets (a) (stable coordinates of g in (-1, 1)) and (b)
(the exit faces t_i = +-1 of the cube, i < u, beyond +-w_i in coordinate i) are linear inequalities on each
piece, proved by the same bounds (on a face the cube's interval of t_i is the point +-1). Together they hold on
the union of the pieces, N1. The statement then follows from Zgliczynski and Gidea as in certify.checker.hsets.

The certificate's format and the traversal are specified for certifiers in docs/chaos.md ("PLRNN coverings under long
iterates: exact pieces").
Work: every product of the traversal is charged before it is done, by the entries' bits (MAX_PIECES_WORK), and the
number of entries, pieces and constraints is bounded. A unit is about 10 ns of the shared 2-core machine (at load
~4); the interpreter's own cost is charged too (PY units an operation on a rational, 50 us a step, 25 us a parsed
number), the gcds of non-dyadic entries, and the growth of the weak-duality sums (review-pieces: 1000 trivial
coverings in R^2 under f^256 took 9.5 s for 6e6 units, and one weak-duality bound with 256 multipliers of pairwise
coprime 4000-digit denominators minutes for 3e6; measured after the fix: 1 to 9 ns a unit). Imports only flint, the
certificate number format and the kernel's PLRNN model and statement helpers.
"""

from __future__ import annotations

from flint import arb, fmpq, fmpq_mat

from certify.certificates import q_parse
from certify.checker.statement import Failure

__all__ = ["pieces_covers", "Budget", "MAX_PIECES_ITERATE", "MAX_PIECES_ENTRIES", "MAX_PIECES_WORK", "MAX_PIECE_CONSTRAINTS"]

MAX_PIECES_ITERATE = 256     # k of coverings under f^k checked by pieces
MAX_PIECES_ENTRIES = 1 << 14  # entries of all pieces coverings of one certificate together
MAX_PIECES_WORK = 1 << 31     # units (~10 ns) of all pieces coverings together (charged before each product)
MAX_JACOBIANS = 256           # step matrices A + W D kept at once (memory: (n+1)^2 entries each)
MAX_PIECE_CONSTRAINTS = 256   # constraints of one piece (nested splits)


class Budget:
    """Units of work (about 10 ns each) charged before they are done; Failure past MAX_PIECES_WORK."""

    def __init__(self):
        self.used = 0

    def charge(self, units: int, what: str):
        self.used += units
        if self.used > MAX_PIECES_WORK:
            raise Failure(f"the pieces coverings need more than {MAX_PIECES_WORK} units of work ({what}): beyond the "
                          "checker's limit")


def _words(bits: int) -> int:
    return bits // 64 + 1


def _mat_bits(X: fmpq_mat) -> int:
    return max(e.height_bits() for e in X.entries())


PY = 100  # units of one operation of the interpreter on small rationals (0.3 to 1 us on the loaded machine)


def _op(a: int, b: int) -> int:
    """Units of one product or sum of rationals of a and b bits: the gcds and products of flint (words(a) words(b)
    each, twice) and the interpreter's call."""
    return PY + 2 * _words(a) * _words(b)


class _Entries:
    """The certificate's entries for one covering, consumed in order."""

    def __init__(self, entries, where: str, budget: Budget):
        if not isinstance(entries, list):
            raise Failure(f"{where}: pieces is a list of entries")
        self.entries, self.i, self.where, self.budget = entries, 0, where, budget

    def take(self, kinds: tuple, m: int) -> tuple:
        """The next entry (kind, multipliers), of one of `kinds`, with m multipliers (none for "split")."""
        if self.i >= len(self.entries):
            raise Failure(f"{self.where}: the box bound does not decide a sign or bound at entry {self.i}, and the "
                          "entries are used up")
        e, t = self.entries[self.i], self.i
        self.i += 1
        if not (isinstance(e, list) and e and isinstance(e[0], str) and e[0] in kinds):
            raise Failure(f"{self.where}: entry {t} must be one of {list(kinds)} here")
        if e[0] == "split":
            if len(e) != 1:
                raise Failure(f"{self.where}: entry {t}: ['split'] has no multipliers")
            return "split", None
        if len(e) != 2 or not isinstance(e[1], list) or len(e[1]) != m:
            raise Failure(f"{self.where}: entry {t}: [{e[0]!r}, multipliers] with one multiplier per constraint of "
                          f"the piece ({m})")
        # q_parse: 7 to 25 us a number on the loaded machine, quadratic in its digits (1.2 ms for 4000/4000 digits)
        self.budget.charge(sum(2500 + (len(v) ** 2 // 512 if isinstance(v, str) else 0) for v in e[1]),
                           "reading the multipliers")
        lam = [q_parse(v) for v in e[1]]
        if any(v < 0 for v in lam):
            raise Failure(f"{self.where}: entry {t}: multipliers are >= 0 (weak duality)")
        return e[0], lam


def _boxmin(c, box) -> fmpq:
    """min over the box (intervals (lo, hi)) of c . t, exactly."""
    return sum((v * lo if v * lo <= v * hi else v * hi for v, (lo, hi) in zip(c, box)), fmpq(0))


def _dyadic(obj, values) -> bool:
    """Every denominator among `values` a power of two (cached on obj, the model or an h-set). Then every entry of
    z = P t + d along the traversal is dyadic too, and flint's gcds in the products are free (GMP strips the
    factors of two first); other denominators cost a gcd of the entries' words squared per entry and step."""
    d = getattr(obj, "_pieces_dyadic", None)
    if d is None:
        d = all(int(v.q) & (int(v.q) - 1) == 0 for v in values)
        obj._pieces_dyadic = d
    return d


def _height(v) -> int:
    return max(x.height_bits() for x in v)


def _lower(c, e, lam, C, box, budget: Budget) -> fmpq:
    """Weak duality: a lower bound of c . t + e over {t in box : a_l . t <= b_l} for multipliers lam >= 0
    (C: constraints (a_l, b_l, bits of their entries)).

    Charged before each multiplier by the bits the sums have then (review-pieces: their denominators are the lcm of
    the multipliers' so far, so charging by one multiplier's bits let 256 pairwise coprime 4000-digit denominators
    run minutes on a charge of 3e6 units); the box minimum sums n numbers whose denominators may all differ
    (heights add): n^2 products of their bits."""
    n = len(c)
    H = max(_height(c), e.height_bits())
    budget.charge(PY * (len(C) + 5 * n), "weak duality bounds")  # the loop, the box minimum's 4 n operations
    v = list(c)
    for lam_l, (a, b, bits) in zip(lam, C):
        if lam_l != 0:
            budget.charge((n + 1) * (_op(lam_l.height_bits(), bits) + _op(H, lam_l.height_bits() + bits)) + PY * n,
                          "weak duality bounds")
            v = [x + lam_l * y for x, y in zip(v, a)]
            e -= lam_l * b
            H = max(_height(v), e.height_bits())
    budget.charge(2 * n * n * _words(H) ** 2, "weak duality bounds")
    return e + _boxmin(v, box)


def _prove(c, e, C, box, entries: _Entries, budget: Budget, strict: bool) -> str:
    """Show c . t + e > 0 (strict) or >= 0 on the piece {t in box, C}: 'box' when the box minimum does, else by
    the next entry ('bound' or 'empty' multipliers); Failure if it does not."""
    lo = e + _boxmin(c, box)
    if lo > 0 or (not strict and lo >= 0):
        return "box"
    kind, lam = entries.take(("bound", "empty"), len(C))
    if kind == "empty":
        if _lower([fmpq(0)] * len(c), fmpq(0), lam, C, box, budget) > 0:
            return "empty"
        raise Failure(f"{entries.where}: entry {entries.i - 1}: the multipliers do not show the piece empty")
    v = _lower(c, e, lam, C, box, budget)
    if v > 0 or (not strict and v >= 0):
        return "bound"
    raise Failure(f"{entries.where}: entry {entries.i - 1}: the weak-duality bound {arb(v).str(5, radius=False)} does "
                  "not prove the inequality")


def pieces_covers(model, N1, N2, k: int, signs: list, u: int, entries, where: str, budget: Budget | None = None):
    """Verify the covering N1 => N2 under f^k (f the PLRNN `model`, exact): conditions (a) and (b) of
    certify.checker.hsets on every piece of the canonical split of N1 driven by `entries` (module docstring).
    N1, N2: hsets.HSet (exact c, M, M^-1); signs: the u end-map signs w_i. Returns the number of pieces followed
    to the end (pieces shown empty are not counted); Failure with the reason otherwise."""
    n = model.n
    budget = budget or Budget()
    budget.charge(5000 + 20 * PY * (n + 1) ** 2, "setting up a covering")  # X0, the Jacobians' bits, dyadic or not
    ent = _Entries(entries, where, budget)
    dyadic = _dyadic(model, [*model.A, *model.h, *(w for r in model.W for w in r)]) and \
        _dyadic(N1, [*N1.c, *N1.M.entries()])
    one, zero = fmpq(1), fmpq(0)
    cube = [(-one, one)] * n
    # [P d; 0 1]: z = P t + d as one (n+1) x (n+1) matrix, advanced by [A + W D, h; 0 1]
    X0 = fmpq_mat(n + 1, n + 1, [N1.M[i, j] if j < n else N1.c[i] for i in range(n) for j in range(n + 1)]
                  + [zero] * n + [one])
    aug = {}

    def step_matrix(q: tuple) -> fmpq_mat:
        J = aug.get(q)
        if J is None:
            # built here, not by model.jacobian, whose cache would keep every pattern of every covering (memory)
            budget.charge(3 * PY * (n + 1) ** 2, "the step matrices")
            if len(aug) >= MAX_JACOBIANS:
                aug.clear()
            A, W, h = model.A, model.W, model.h
            J = fmpq_mat(n + 1, n + 1, [((A[i] if i == j else zero) + (W[i][j] if q[j] else zero)) if j < n else h[i]
                                        for i in range(n) for j in range(n + 1)] + [zero] * n + [one])
            aug[q] = J
        return J

    Jbits = max(max(e.height_bits() for e in model.jacobian((1,) * n).entries()),
                max(e.height_bits() for e in model.jacobian((0,) * n).entries()),
                max([v.height_bits() for v in model.h] + [1]))
    leaves = 0

    def leaf(X, C):
        nonlocal leaves
        budget.charge(2000 + 16 * PY * n * n, "the pieces' images")  # 2n inequalities of n terms each, in Python
        G = N2.Minv * fmpq_mat(n, n, [X[i, j] for i in range(n) for j in range(n)])
        dc = fmpq_mat(n, 1, [X[i, n] - N2.c[i] for i in range(n)])
        gamma = N2.Minv * dc
        rows = [[G[i, j] for j in range(n)] for i in range(n)]
        for s in range(u, n):
            _prove([-x for x in rows[s]], one - gamma[s, 0], C, cube, ent, budget, True)
            _prove(rows[s], one + gamma[s, 0], C, cube, ent, budget, True)
        for i in range(u):
            for side in (-1, 1):
                face = list(cube)
                face[i] = (fmpq(side), fmpq(side))
                if side * signs[i] > 0:
                    _prove(rows[i], gamma[i, 0] - one, C, face, ent, budget, True)
                else:
                    _prove([-x for x in rows[i]], -gamma[i, 0] - one, C, face, ent, budget, True)
        leaves += 1

    def visit(X, xb: int, C, s: int, j: int, q: list):
        """Follow the piece {cube, C} from step s, coordinate j (signs q of z_0..z_(j-1) at step s decided; xb: the
        bits of X's entries)."""
        while s < k:
            while j < n:
                # charged row by row, before it is read (review-pieces: a piece may end at an 'empty' entry before
                # the step's end, so rows charged there would be read free): 3 operations an entry (read, abs, sum),
                # the gcds of the sum unless dyadic
                wx = _words(xb)
                budget.charge(3 * PY * (n + 1) + 30 * n * wx + (0 if dyadic else 40 * n * wx * wx),
                              "the signs along f^k")
                row = [X[j, l] for l in range(n)]
                dj = X[j, n]
                r = sum((abs(x) for x in row), zero)
                if dj - r >= 0:
                    q.append(1)
                elif dj + r <= 0:
                    q.append(0)
                else:
                    kind, lam = ent.take(("+", "-", "empty", "split"), len(C))
                    if kind == "split":
                        if len(C) >= MAX_PIECE_CONSTRAINTS:
                            raise Failure(f"{where}: a piece with more than {MAX_PIECE_CONSTRAINTS} constraints")
                        budget.charge(2 * PY * (n + 1) + 2 * n * wx, "the splits")
                        bits = max([x.height_bits() for x in row] + [dj.height_bits()])
                        visit(X, xb, C + [([-x for x in row], dj, bits)], s, j + 1, q + [1])
                        visit(X, xb, C + [(row, -dj, bits)], s, j + 1, q + [0])
                        return
                    if kind == "empty":
                        if _lower([zero] * n, zero, lam, C, cube, budget) > 0:
                            return
                        raise Failure(f"{where}: entry {ent.i - 1}: the multipliers do not show the piece empty")
                    sign = 1 if kind == "+" else -1
                    if _lower([sign * x for x in row], sign * dj, lam, C, cube, budget) >= 0:
                        q.append(1 if sign > 0 else 0)
                    else:
                        raise Failure(f"{where}: entry {ent.i - 1}: the multipliers do not show z_{j} "
                                      f"{'>=' if sign > 0 else '<='} 0 at step {s}")
                j += 1
            # the product (unless dyadic, the gcds of its entries), about 50 us of the interpreter a step, and the
            # bits of the new X (2 operations an entry)
            w = _words(xb + Jbits)
            budget.charge(5000 + (n + 1) ** 3 * w * w // 2 + (0 if dyadic else 40 * (n + 1) ** 2 * w * w)
                          + 2 * PY * (n + 1) ** 2, "the products along f^k")
            X = step_matrix(tuple(q)) * X
            xb = _mat_bits(X)
            s, j, q = s + 1, 0, []
        # G = M2^-1 P and its rows' box minima: sums of n rationals whose denominators may differ (gcds, growth)
        budget.charge(2 * PY * n * n, "the pieces' images")
        w = _words(xb + _mat_bits(N2.Minv))
        budget.charge(2 * n ** 3 * w * w + 20 * n * n * w * w, "the pieces' images")
        leaf(X, C)

    visit(X0, _mat_bits(X0), [], 0, 0, [])
    if ent.i != len(ent.entries):
        raise Failure(f"{where}: {len(ent.entries) - ent.i} entries are left over after the traversal")
    return leaves
