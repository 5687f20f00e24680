"""Topological horseshoes of maps R^n -> R^n by covering relations of h-sets (trusted kernel): polynomial maps,
PLRNNs z -> A z + W relu(z) + h and RNN maps h -> act(W h + b) (tanh, sigmoid, relu, hardtanh).

h-sets (Zgliczynski and Gidea, J. Differential Equations 202 (2004); first one unstable direction, then u). An h-set
is N = c + M [-1, 1]^n for a centre c in Q^n and an invertible matrix M in Q^(n x n) whose first column
spans the unstable direction and the others the stable ones. Its coordinates are t = M^-1 (p - c),
exact (M^-1 is computed exactly over Q); N^- = {|t_0| = 1} is its exit set and N^+ = {|t_s|_max = 1,
s >= 1} its entry set.

Covering relation N1 => N2 (degree w = +1 or -1). Let g(t) = M2^-1 (f(c1 + M1 t) - c2), f in the
coordinates of both sets. The kernel checks, in arb balls, on a grid of k^n boxes of [-1, 1]^n and
of k^(n-1) boxes of each face {t_0 = -1}, {t_0 = +1} (or k_i pieces along coordinate i, the covering's grid a
list: a thin set long in its unstable direction split along it only; a face t_i = +-1 is split as the other
coordinates are; the soundness argument below holds for any cover of the cube and faces by boxes):
  (a) every stable coordinate of g over the whole of [-1, 1]^n lies in (-1, 1);
  (b) w = +1: g_0 < -1 on the face t_0 = -1 and g_0 > 1 on the face t_0 = +1 (w = -1: reversed).
Each box's image is enclosed by the mean-value form g(t_m) + Dg(T)(T - t_m), intersected with the
direct ball evaluation (both contain g(T); Dg(T) = M2^-1 Df(c1 + M1 T) M1 with Df in balls).
The mean-value inclusion. For every x, y in a box P, f(y) - f(x) = Q (y - x) for a matrix Q whose entries lie
in the balls Df(P): for a polynomial, row by row by the mean-value theorem on the segment [x, y] (inside the
convex P); for the Lipschitz network maps by difference quotients of the activation (mean-value inclusion for
Lipschitz maps: the slope of an absolutely continuous act between u and v is the mean of act' over [u, v],
act' defined almost everywhere, so it lies in the hull of act' over any interval containing u and v; at a
kink of relu or hardtanh that hull contains [0, 1], the one-sided derivatives: Clarke's generalised
derivative). An RNN map is act(W h + b): f(y) - f(x) = diag(q) W (y - x) with q_i the slope of act between
the pre-activations (W x + b)_i and (W y + b)_i, both in the ball of (W P + b)_i, so q_i lies in the hull of
act' there (certify.checker.rnn_contraction._act_interval: tanh and sigmoid read off the ends of the ball,
relu and hardtanh exactly); a PLRNN is A z + W relu(z) + h: f(y) - f(x) = (A + W diag(q)) (y - x), q_j the
slope of relu between x_j and y_j, in [0, 1] (1 if P_j > 0, 0 if P_j < 0). Along f^k the product of the
slope matrices between f^i(x) and f^i(y), both in the ball iterate P_i, is the chain.
More unstable directions (the hsets fact's `unstable`: u, default 1; the first u columns of M unstable, the
rest stable, u = n allowed: no stable direction). Condition (a) is checked for the coordinates t_u, ..., t_(n-1),
and (b) on each exit face {t_i = +-1}, i < u, in one of two forms: signs w_i (`degree`, a list of u signs: the
face t_i = +-1 maps beyond t_i = +-w_i; the end map is A = diag(2 w)), or a stated u x u rational matrix A
(`linear`): on every exit box some coordinate r < u has both g_r and (A t_u)_r beyond the same +-1. Then the
straight-line homotopy h_s = (1 - s) g + s (A t_u, 0) keeps h_s(exit set) out of N2 (a convex combination of
two numbers beyond +1 is beyond +1), keeps the stable coordinates in (-1, 1), and ends at (A t_u, 0) with
A(boundary of the cube) outside the closed cube (so A is invertible): ZG 2004, Definition 6, for any u. The
linear form allows the rotation of an expanding map (complex multipliers), where no signs work.
With f continuous (a polynomial, a PLRNN, an RNN map with a continuous activation), (a) and (b) give the homotopy h_s = (1 - s) g + s (2 w t_0, 0):
it never maps N1^- into N2 (its unstable coordinate stays beyond +-1 on the faces, by convexity),
never maps N1 into N2^+ (its stable coordinates stay in (-1, 1)), and ends at a linear map of degree
w on the unstable coordinate: the definition of N1 => N2 (ZG 2004, Definition 6), for u = 1.

The graph. Nodes are the h-sets, edges the verified coverings (the 0-1 transition matrix A). The kernel
checks exactly that the h-sets are pairwise disjoint: two sets whose exact bounding boxes are disjoint,
or such that every vertex of one has the same coordinate t_k of the other beyond the same +-1 (a
separating face: the sets are convex). Then:
  - for every path N_{a_0} => ... => N_{a_m} there is p in N_{a_0} with f^i(p) in N_{a_i}, and for every
    closed path a periodic point following it (ZG 2004, Theorems 4 and 9);
  - Lambda = {p : f^i(p) in the union of the sets for all i >= 0} is compact and f(Lambda) is inside
    Lambda; the itinerary pi: Lambda -> Sigma_A^+ is well defined and continuous (disjoint compact
    sets), pi f = sigma pi, and onto (every infinite path is followed: nested non-empty compact sets
    by the first point). So (Sigma_A^+, sigma) is a factor of (Lambda, f), and
    h_top(f) >= h_top(f|Lambda) >= h_top(sigma_A) = log rho(A).
Coverings may be stated under an iterate g = f^k (the claim's `iterate`, k <= 8 on grids; for a PLRNN, k <= 256 with
"pieces" coverings: f^k exactly affine on a split of N1 that the kernel derives, certify.checker.plrnn_pieces; f^k is a polynomial map
too, evaluated by composing ball evaluations, its Jacobian by the chain rule over the ball iterates); the
theorems apply to g, and h_top(f) = h_top(f^k) / k (Bowen / Adler-Konheim-McAndrew), so
h_top(f) >= log rho(A) / k.
rho(A) is bounded below by Collatz-Wielandt (rho(A) >= min_i (A v)_i / v_i for a positive vector v given
in the certificate), or stated exactly: the minimal polynomial of rho(A) and an isolating interval,
verified by exact root counts of the characteristic polynomial (certify.checker.markov).

Imports only flint, certify.certificates, certify.errors and the kernel's modules statement, polymap,
markov (and polynomials), rnn, rnn_contraction, plrnn (their exact models and activation enclosures) and
plrnn_pieces.
"""

from __future__ import annotations

import itertools
import math
from math import isqrt

from flint import arb, ctx, fmpq, fmpq_mat, fmpz, fmpz_mat

from certify.certificates import interval_parse, q_parse, q_str
from certify.checker.markov import _located, poly_text
from certify.checker.plrnn import parse_plrnn
from certify.checker.plrnn_pieces import MAX_PIECES_ENTRIES, MAX_PIECES_ITERATE, Budget, pieces_covers
from certify.checker.polymap import PolyMap, parse_polymap, polymap_text
from certify.checker.rnn import _act, parse_rnn
from certify.checker.rnn_contraction import _act_interval
from certify.checker.statement import Failure, Statement, fixed, undecided, whole

__all__ = ["HSet", "parse_hset", "NetMap", "parse_map", "map_text", "MAX_NET_DIM", "covers", "disjoint", "horseshoe", "cover_work", "MAX_HSETS", "MAX_GRID",
           "MAX_BOXES", "MAX_EXACT_NODES", "MAX_COVER_WORK", "MAX_DISJOINT_WORK",
           "MAX_INVERSE_WORK", "inverse_work", "grid_counts", "grid_boxes"]

MAX_HSETS = 4096          # h-sets of one certificate
MAX_GRID = 256            # k: boxes per coordinate of one covering check
MAX_BOXES = 4_000_000     # boxes of all covering checks of one certificate together
MAX_EXACT_NODES = 128     # nodes of a graph whose spectral radius is stated by its minimal polynomial
MAX_ITERATE = 8           # k of coverings under f^k
MAX_COVER_WORK = 1 << 25  # ball operations of all covering checks together (a certificate at the limit: ~9 s)
MAX_DISJOINT_WORK = 1 << 26  # exact operations of the disjointness sweep (box comparisons, separations)
MAX_INVERSE_WORK = 1 << 30   # sum of inverse_work over the h-sets (exact determinants and inverses; < 15 s)
MAX_NET_DIM = 64          # state dimension of an RNN or PLRNN map with h-sets


class NetMap:
    """A PLRNN z -> A z + W relu(z) + h or an RNN map h -> act(W h + b), evaluated in balls: `ball` encloses
    f over a box and `jacobian` every slope matrix Q with f(y) - f(x) = Q (y - x), x, y in the box (the
    mean-value inclusion for Lipschitz maps of the module docstring)."""

    def __init__(self, kind: str, model):
        self.kind, self.model, self.n = kind, model, model.n
        n = self.n
        self.W = [[arb(w) for w in r] for r in model.W]
        if kind == "plrnn":
            self.A, self.h = [arb(a) for a in model.A], [arb(v) for v in model.h]
        else:
            self.b = [arb(v) for v in model.b]
        self.ops = 3 * n * n + 2 * n  # ball operations of one evaluation and its slopes (tanh, sigmoid: cover_work)

    def _pre(self, X) -> list:
        """(W X + b)_i for an RNN map (balls)."""
        n = self.n
        return [sum((self.W[i][j] * X[j] for j in range(n)), self.b[i]) for i in range(n)]

    def ball(self, X) -> list:
        """f over the ball vector X."""
        n = self.n
        if self.kind == "plrnn":
            r = [_act("relu", x)[0] for x in X]
            return [self.A[i] * X[i] + sum((self.W[i][j] * r[j] for j in range(n)), self.h[i]) for i in range(n)]
        return [_act_interval(self.model.activation, u)[0] for u in self._pre(X)]

    def jacobian(self, X) -> list:
        """Rows of balls containing every slope matrix of f between two points of X."""
        n = self.n
        if self.kind == "plrnn":
            q = [_act("relu", x)[1] for x in X]
            return [[(self.A[i] if i == j else arb(0)) + self.W[i][j] * q[j] for j in range(n)] for i in range(n)]
        q = [_act_interval(self.model.activation, u)[1] for u in self._pre(X)]
        return [[q[i] * self.W[i][j] for j in range(n)] for i in range(n)]


def parse_map(canon):
    """The map of a horseshoe certificate: a PolyMap (kind polymap) or a NetMap (kinds plrnn, rnn), every
    shape and limit checked before any number is read."""
    kind = canon.get("kind") if isinstance(canon, dict) else None
    if kind == "plrnn":
        return NetMap(kind, parse_plrnn(canon, MAX_NET_DIM))
    if kind == "rnn":
        return NetMap(kind, parse_rnn(canon, MAX_NET_DIM))
    return parse_polymap(canon)


def map_text(f) -> str:
    """The map for reading: a polynomial map's formula, a network's form and dimension."""
    if isinstance(f, PolyMap):
        return f"the polynomial map {polymap_text(f)}"
    if f.kind == "plrnn":
        return f"the PLRNN z -> A z + W relu(z) + h on R^{f.n}"
    act = f.model.activation
    return f"the RNN map h -> {act}(W h + b) on R^{f.n}"


class HSet:
    """N = c + M [-1, 1]^n with exact c, M and M^-1."""

    def __init__(self, c, M: fmpq_mat):
        self.n, self.c, self.M = len(c), c, M
        if M.det() == 0:
            raise Failure("an h-set's matrix M is singular")
        self.Minv = M.inv()
        n = self.n
        self.Mb = [[arb(M[i, j]) for j in range(n)] for i in range(n)]
        self.Minvb = [[arb(self.Minv[i, j]) for j in range(n)] for i in range(n)]
        self.cb = [arb(v) for v in c]
        rad = [sum((abs(M[i, j]) for j in range(n)), fmpq(0)) for i in range(n)]
        self.box = [(c[i] - rad[i], c[i] + rad[i]) for i in range(n)]

    def coords(self, p) -> list:
        """t = M^-1 (p - c), exactly."""
        d = [p[i] - self.c[i] for i in range(self.n)]
        return [sum((self.Minv[i, j] * d[j] for j in range(self.n)), fmpq(0)) for i in range(self.n)]

    def vertices(self) -> list:
        n = self.n
        return [[self.c[i] + sum((self.M[i, j] * s[j] for j in range(n)), fmpq(0)) for i in range(n)]
                for s in itertools.product((-1, 1), repeat=n)]


def _read_hset(d, n: int) -> tuple:
    """{"c": [n rationals], "M": [n rows of n rationals]} -> (c, M), nothing computed yet."""
    if not isinstance(d, dict) or set(d) != {"c", "M"}:
        raise Failure("an h-set is {'c': [...], 'M': [[...], ...]}")
    c, M = d["c"], d["M"]
    if not (isinstance(c, list) and len(c) == n and isinstance(M, list) and len(M) == n
            and all(isinstance(r, list) and len(r) == n for r in M)):
        raise Failure(f"an h-set in R^{n} has a centre of {n} numbers and an {n} x {n} matrix")
    return [q_parse(v) for v in c], fmpq_mat(n, n, [q_parse(v) for r in M for v in r])


def inverse_work(M: fmpq_mat) -> int:
    """The cost of M's exact determinant and inverse. Each row is cleared of its denominators (their lcm D_i),
    giving integers of L bits, L = max over entries of bits(p) + bits(D_i) - bits(q) + 1; fraction-free
    elimination then does n^3 products of integers growing to n L bits (w = n L / 64 words, about w^1.5 word
    operations each) and the n^2 entries of the inverse are reduced by gcds of w words (w^2 each):
    n^3 w^1.5 + n^2 w^2. (review2: the former n^3 L^2 ignored the growth to n L bits: 200 sets of 64 x 64
    matrices with 40-bit entries passed it and took minutes; measured 2 to 35 ns per unit of this count.)"""
    n = M.nrows()
    L = 1
    for i in range(n):
        d = fmpz(1)
        for j in range(n):
            q = M[i, j].q
            d = d * q // d.gcd(q)
        db = int(d).bit_length()
        L = max(L, max(int(abs(M[i, j].p)).bit_length() + db - int(M[i, j].q).bit_length() + 1 for j in range(n)))
    w = n * L // 64 + 1
    return n ** 3 * w * isqrt(w) + n ** 2 * w * w


def parse_hset(d, n: int) -> HSet:
    """{"c": [n rationals], "M": [n rows of n rationals]} -> HSet (M invertible)."""
    return HSet(*_read_hset(d, n))


# ----------------------------------------------------------------------------- covering relations

def _image(f, N1: HSet, N2: HSet, T, steps: int = 1) -> list:
    """Balls containing g(t) = M2^-1 (f^steps(c1 + M1 t) - c2) for every t in the box T (pairs lo <= hi).

    Mean-value form: g(T) is inside g(t_m) + Dg(T)(T - t_m), Dg(T) = M2^-1 Df(P_(k-1)) ... Df(P_0) M1 where
    P_i is a ball enclosure of f^i(c1 + M1 T) (chain rule at an intermediate point, which lies in T);
    intersected with the direct ball iterate P_k."""
    n = N1.n
    Tb = [arb(lo).union(arb(hi)) for lo, hi in T]
    tm = [(lo + hi) / 2 for lo, hi in T]
    P = [N1.cb[i] + sum((N1.Mb[i][j] * Tb[j] for j in range(n)), arb(0)) for i in range(n)]
    fm = [arb(N1.c[i] + sum((N1.M[i, j] * tm[j] for j in range(n)), fmpq(0))) for i in range(n)]
    DM = N1.Mb
    for _ in range(steps):
        D = f.jacobian(P)
        DM = [[sum((D[i][k] * DM[k][j] for k in range(n)), arb(0)) for j in range(n)] for i in range(n)]
        P, fm = f.ball(P), f.ball(fm)
    dt = [Tb[j] - arb(tm[j]) for j in range(n)]
    out = []
    for i in range(n):
        row = N2.Minvb[i]
        sm = sum((row[k] * (fm[k] - N2.cb[k]) for k in range(n)), arb(0))
        mv = sm + sum((sum((row[k] * DM[k][j] for k in range(n)), arb(0)) * dt[j] for j in range(n)), arb(0))
        direct = sum((row[k] * (P[k] - N2.cb[k]) for k in range(n)), arb(0))
        out.append(mv.intersection(direct) if mv.overlaps(direct) else mv)
    return out


def _cells(ks) -> itertools.product:
    """The boxes of [-1, 1]^len(ks) with ks[i] equal pieces along coordinate i, as lists of exact (lo, hi)."""
    def pieces(k):
        ends = [fmpq(-1) + fmpq(2 * i, k) for i in range(k + 1)]
        return [(ends[i], ends[i + 1]) for i in range(k)]
    return itertools.product(*(pieces(k) for k in ks))


def grid_counts(grid, n: int) -> list:
    """A covering fact's grid as n boxes per coordinate: one integer k (k in every coordinate) or a list of n
    integers (a thin set long in its unstable directions is split along them only), each in 1..MAX_GRID."""
    if isinstance(grid, list):
        if len(grid) != n:
            raise Failure(f"a grid is one integer or a list of {n} integers (boxes per coordinate)")
        return [whole(k, "grid", 1, MAX_GRID) for k in grid]
    return [whole(grid, "grid", 1, MAX_GRID)] * n


def grid_boxes(ks, u: int) -> int:
    """Boxes of one covering check on the grid ks (n counts): the whole cube, then the two faces t_i = +-1 of
    each unstable coordinate i < u (the other coordinates split as in the cube)."""
    whole_cube = math.prod(ks)
    return whole_cube + sum(2 * (whole_cube // ks[i]) for i in range(u))


def covers(f, N1: HSet, N2: HSet, degree, grid, steps: int = 1, u: int = 1, linear=None):
    """None if N1 => N2 under f^steps is verified on the grid (an integer k: k^n boxes; a list of n integers:
    boxes per coordinate, grid_counts), else the reason it is not. u unstable
    directions (the first u coordinates). The end map of the homotopy: `degree` +-1 (u = 1) or a list of u
    signs w_i (A = diag(2 w): the face t_i = +-1 must map beyond +-w_i in coordinate i), or `linear`, a u x u
    matrix A of exact rationals (each exit box must have one coordinate r and a sign with both g_r and
    (A t_u)_r beyond it)."""
    n, one = N1.n, arb(1)
    ks = grid_counts(grid, n)
    for T in _cells(ks):
        g = _image(f, N1, N2, list(T), steps)
        for s in range(u, n):
            if not (g[s] > -one and g[s] < one):
                return f"a stable coordinate of the image is not inside (-1, 1) (t in {_box(T)})"
    signs = None if linear is not None else [degree] if u == 1 and not isinstance(degree, list) else list(degree)
    for i in range(u):
        for side in (-1, 1):
            face = (fmpq(side), fmpq(side))
            for T in _cells(ks[:i] + ks[i + 1:]):
                box = [*T[:i], face, *T[i:]]
                g = _image(f, N1, N2, box, steps)
                if signs is not None:
                    want = side * signs[i]
                    ok = g[i] > one if want > 0 else g[i] < -one
                    where = f" beyond t_{i} = {want}"
                else:
                    tb = [arb(lo).union(arb(hi)) for lo, hi in box[:u]]
                    at = [sum((arb(linear[r][c]) * tb[c] for c in range(u)), arb(0)) for r in range(u)]
                    ok = any((g[r] > one and at[r] > one) or (g[r] < -one and at[r] < -one) for r in range(u))
                    where = " and its image under A beyond one face of the target in the same coordinate"
                if not ok:
                    return f"the image of the face t_{i} = {side} is not{where} (at {_box(box)})"
    return None


def _mul_scale(prec: int) -> int:
    """The cost of one ball operation at prec bits relative to 64 bits: linear up to a few thousand bits, then
    the superlinear multiplication of full mantissas (measured: 0.2 us at 64 bits, 20 us at 16384, 160 us at
    65536; review-grid: 2.4 times the 64-bit time at 1535 bits, which the former (1536 + prec) // 1536 counted as 1)."""
    return (512 + prec) // 512 * (1 + prec // 16384)


def _transcendental(prec: int) -> int:
    """The cost of tanh or exp of an exact point at prec bits, in units of a 64-bit ball operation (measured:
    0.7 us at 64 bits, 5 us at 1024, 100 us at 4096, 1 ms at 16384, 8.6 ms at 65536; a unit is about 0.25 us)."""
    return 4 + prec * prec // (1 << 15)


def cover_work(f, prec: int) -> int:
    """Ball operations of one box under one step of f, scaled by the working precision: the ball
    evaluations of f (twice) and of its n^2 partial derivatives (each term: its coefficient and one
    product per variable it contains), the powers of the variables, and the n x n products (a network
    map: its pre-activations, slopes and activations, and the n x n products), plus a fixed overhead per box
    of the interpreter (the box, its midpoint, the comparisons: 256 + 64 n units; a 2-dimensional map takes
    about 100 us a box, about 16 s at the limit).
    tanh and sigmoid are counted apart: _act_interval evaluates the activation or its derivative at 4 exact
    points of each pre-activation ball, in f(P), f(t_m) and the slopes (12 n per box), each at the full working
    precision. (review2: the former linear scaling let a 2-dimensional tanh RNN at 65536 bits run about
    27 minutes within the limit.)"""
    n = f.n
    if isinstance(f, NetMap):
        smooth = f.kind == "rnn" and f.model.activation in ("tanh", "sigmoid")
        return (2 * f.ops + 2 * n ** 3 + 64 * n + 256) * _mul_scale(prec) + (12 * n * _transcendental(prec) if smooth else 0)
    terms = sum(1 + sum(1 for k in e if k) for comp in f.terms for _, e in comp)
    top = max((k for comp in f.terms for _, e in comp for k in e), default=0)
    ops = (n + 2) * terms + 3 * n * top + 2 * n ** 3 + 64 * n + 256
    return ops * _mul_scale(prec)


def _box(T) -> str:
    return "[" + ", ".join(f"{q_str(lo)}..{q_str(hi)}" for lo, hi in T) + "]"


# ----------------------------------------------------------------------------- disjointness

def _separated(A: HSet, B: HSet) -> bool:
    """Some face hyperplane of A has every vertex of B strictly beyond it (then B misses A).

    In A's coordinates B is v + G [-1, 1]^n with v = A.M^-1 (c_B - c_A) and G = A.M^-1 B.M, so over the
    vertices of B t_k ranges exactly over v_k -+ sum_j |G_kj|: every vertex has t_k > 1 iff
    v_k - sum_j |G_kj| > 1 (and < -1 iff v_k + sum_j |G_kj| < -1). Exact, n^3 work (not 2^n n^2)."""
    n = A.n
    v = A.coords(B.c)
    G = A.Minv * B.M
    for k in range(n):
        r = sum((abs(G[k, j]) for j in range(n)), fmpq(0))
        if v[k] - r > 1 or v[k] + r < -1:
            return True
    return False


def disjoint(sets: list):
    """None if the h-sets are pairwise disjoint (exactly), else a pair (i, j) not shown disjoint.
    Failure when the sweep would exceed MAX_DISJOINT_WORK (n per box comparison, n^3 per separation)."""
    order = sorted(range(len(sets)), key=lambda i: sets[i].box[0][0])
    active, work = [], 0
    for i in order:
        lo = sets[i].box[0][0]
        active = [j for j in active if sets[j].box[0][1] >= lo]
        for j in active:
            n = sets[i].n
            work += n + 8  # review2: + 8 and + 8 n^2 + 64 below, the interpreter's cost per pair (4096 slivers: 80 s)
            if all(a_lo <= b_hi and b_lo <= a_hi for (a_lo, a_hi), (b_lo, b_hi) in zip(sets[i].box, sets[j].box)):
                work += 2 * n ** 3 + 8 * n * n + 64
                if work > MAX_DISJOINT_WORK:
                    raise Failure(f"showing the h-sets disjoint needs more than {MAX_DISJOINT_WORK} operations "
                                  "(too many sets with overlapping bounding boxes)")
                if not (_separated(sets[i], sets[j]) or _separated(sets[j], sets[i])):
                    return min(i, j), max(i, j)
            elif work > MAX_DISJOINT_WORK:
                raise Failure(f"showing the h-sets disjoint needs more than {MAX_DISJOINT_WORK} operations "
                              "(too many sets with overlapping bounding boxes)")
        active.append(i)
    return None


# ----------------------------------------------------------------------------- the claim

_COVER_KEYS = {"fact", "from", "to", "degree", "grid"}
_COVER_LINEAR = {"fact", "from", "to", "linear", "grid"}
_COVER_PIECES = {"fact", "from", "to", "degree", "pieces"}
_ENTROPY_CW = {"weights", "rho_lower", "lower"}
_ENTROPY_EXACT = {"minpoly", "rho", "lower"}


def _entropy(cert, edges, m: int, steps: int):
    """(rho lower bound, text of how it is known, lower) from the certificate's entropy field."""
    e = cert.get("entropy")
    if not isinstance(e, dict) or set(e) not in (_ENTROPY_CW, _ENTROPY_EXACT):
        raise Failure("entropy is {'weights', 'rho_lower', 'lower'} (Collatz-Wielandt) or "
                      "{'minpoly', 'rho', 'lower'} (exact)")
    if set(e) == _ENTROPY_CW:
        w = e["weights"]
        if not isinstance(w, list) or len(w) != m:
            raise Failure(f"entropy.weights has one positive integer per h-set ({m})")
        v = [whole(x, "a weight", 1, 1 << 64) for x in w]
        av = [0] * m
        for i, j in edges:
            av[i] += v[j]
        r = min(fmpq(a, x) for a, x in zip(av, v))
        if q_parse(e["rho_lower"]) != r:
            raise Failure(f"entropy.rho_lower must be min_i (A v)_i / v_i = {q_str(r)}")
        how = f"rho(A) >= min_i (A v)_i / v_i = {q_str(r)} (Collatz-Wielandt, v = entropy.weights)"
        rho_lo = r
    else:
        if m > MAX_EXACT_NODES:
            raise Failure(f"an exact spectral radius is stated for at most {MAX_EXACT_NODES} h-sets")
        mat = fmpz_mat(m, m, [1 if (i, j) in edges else 0 for i in range(m) for j in range(m)])
        chi = mat.charpoly()
        a, b = interval_parse(e["rho"])
        g = _located(chi, [h for h, _ in chi.factor()[1]], a, b)
        if poly_text(g) != e["minpoly"]:
            raise Failure(f"the minimal polynomial of rho(A) is {poly_text(g)}, not {e['minpoly']!r}")
        how = f"rho(A) is the largest real root of {poly_text(g)}, in [{q_str(a)}, {q_str(b)}] (exact root counts)"
        rho_lo = a
    lower = q_parse(e["lower"])
    if not rho_lo > 1:
        raise Failure("the graph's spectral radius is not shown to exceed 1: no positive entropy is claimed")
    if not (lower > 0 and arb(rho_lo).log() / steps > arb(lower)):
        raise Failure(f"entropy.lower {q_str(lower)} is not below log({q_str(rho_lo)})" + (f" / {steps}" if steps > 1 else ""))
    return how, lower


def horseshoe(prog, cert: dict) -> Statement:
    """The map has a compact forward-invariant set on which it is semi-conjugate to the subshift of
    finite type of a graph of h-sets with verified covering relations; h_top(f) >= log rho(A) >= lower.

    Theorems: Zgliczynski-Gidea 2004 (covering relations of h-sets with u >= 1 unstable directions: the
    sufficient conditions (a), (b) of the module docstring, with the straight-line homotopy to the end map
    diag(2 w) or the stated linear A, A(boundary of the cube) outside the closed cube checked box by box; a chain of coverings is followed
    by an orbit, a closed chain by a periodic orbit); the factor argument on disjoint compact sets
    (entropy does not increase under factors); Perron-Frobenius and Collatz-Wielandt for rho(A).
    Checked, not assumed: the map's shapes, every M's invertibility (exact determinant), every covering
    on its grid in balls at the certificate's precision, pairwise disjointness (exact), rho(A) and the
    entropy bound; work bounded before it is done.
    """
    f = parse_map(cert["map"]["canonical"])
    n = f.n
    steps = whole(cert["claim"]["iterate"], "the claim's iterate k", 1, MAX_PIECES_ITERATE)
    if n < 2:
        raise Failure("h-sets with one unstable direction are for maps of R^n, n >= 2")
    if cert["verdict"] == "undecided":
        return undecided(cert, {"entropy"}, f"horseshoes of {map_text(f)}")
    if cert["verdict"] != "proved":
        raise Failure("a horseshoe certificate is proved or undecided (nothing is refuted)")
    ev = cert["evidence"]
    if not isinstance(ev, list) or not ev or not isinstance(ev[0], dict):
        raise Failure("evidence is an hsets fact followed by covering facts")
    head = ev[0]
    if set(head) not in ({"fact", "sets"}, {"fact", "sets", "unstable"}) or head["fact"] != "hsets" \
            or not isinstance(head["sets"], list):
        raise Failure("fact 0 is {'fact': 'hsets', 'sets': [...]} (and 'unstable': u, default 1)")
    u = whole(head.get("unstable", 1), "the h-sets' unstable dimension u", 1, n)
    m = len(head["sets"])
    if not 1 <= m <= MAX_HSETS:
        raise Failure(f"between 1 and {MAX_HSETS} h-sets")
    covs = ev[1:]
    boxes, entries = 0, 0
    for t, fact in enumerate(covs, start=1):
        if not isinstance(fact, dict) or set(fact) not in (_COVER_KEYS, _COVER_LINEAR, _COVER_PIECES) \
                or fact["fact"] != "covering":
            raise Failure(f"fact {t} is a covering fact with the keys {sorted(_COVER_KEYS)} (or 'linear' for "
                          "'degree', or 'pieces' for 'grid' on a PLRNN)")
        if "pieces" in fact:
            if not (isinstance(f, NetMap) and f.kind == "plrnn"):
                raise Failure(f"fact {t}: pieces coverings are for PLRNN maps (f^k piecewise affine)")
            if not isinstance(fact["pieces"], list):
                raise Failure(f"fact {t}: pieces is a list of entries")
            entries += len(fact["pieces"])
        else:
            if steps > MAX_ITERATE:
                raise Failure(f"fact {t}: a covering on a grid of boxes is checked under f^k for k <= {MAX_ITERATE} "
                              "(longer iterates: pieces coverings of a PLRNN)")
            try:
                ks = grid_counts(fact["grid"], n)
            except Failure as e:
                raise Failure(f"fact {t}: {e}") from None
            boxes += grid_boxes(ks, u) * steps
    if entries > MAX_PIECES_ENTRIES:
        raise Failure(f"the pieces coverings have {entries} entries, beyond the checker's limit {MAX_PIECES_ENTRIES}")
    if boxes > MAX_BOXES:
        raise Failure(f"the covering checks need {boxes} boxes, beyond the checker's limit {MAX_BOXES}")
    work = boxes * cover_work(f, ctx.prec)
    if work > MAX_COVER_WORK:
        raise Failure(f"the covering checks need about {work} ball operations ({boxes} boxes of this map at "
                      f"{ctx.prec} bits), beyond the checker's limit {MAX_COVER_WORK}")
    sets, work = [], 0
    for d in head["sets"]:
        c, M = _read_hset(d, n)
        work += inverse_work(M)
        if work > MAX_INVERSE_WORK:
            raise Failure(f"the h-sets' matrices are too large to invert exactly within the checker's limit "
                          f"(sum of n^3 w^1.5 + n^2 w^2 over the sets, w = n L / 64 with L the bits of a matrix's "
                          f"entries, above {MAX_INVERSE_WORK})")
        sets.append(HSet(c, M))
    edges, linear, pieces, budget = set(), False, 0, Budget()
    for t, fact in enumerate(covs, start=1):
        i, j = whole(fact["from"], "from", 0, m - 1), whole(fact["to"], "to", 0, m - 1)
        deg, lin = fact.get("degree"), fact.get("linear")
        if lin is not None:
            if not (isinstance(lin, list) and len(lin) == u and all(isinstance(r, list) and len(r) == u for r in lin)):
                raise Failure(f"fact {t}: linear is a {u} x {u} matrix of rationals")
            lin = [[q_parse(v) for v in r] for r in lin]
            linear = True
        elif u == 1 and (deg not in (1, -1) or type(deg) is not int):
            raise Failure(f"fact {t}: degree is 1 or -1")
        elif u > 1 and not (isinstance(deg, list) and len(deg) == u
                            and all(w in (1, -1) and type(w) is int for w in deg)):
            raise Failure(f"fact {t}: degree is a list of {u} signs 1 or -1 (one per unstable direction)")
        if (i, j) in edges:
            raise Failure(f"fact {t}: the covering {i} => {j} is listed twice")
        if "pieces" in fact:
            signs = [deg] if u == 1 else list(deg)
            followed = pieces_covers(f.model, sets[i], sets[j], steps, signs, u, fact["pieces"],
                                     f"fact {t} (covering {i} => {j})", budget)
            if followed == 0:  # N_i is not empty: some piece must reach the end (defensive; review-pieces)
                raise Failure(f"fact {t} (covering {i} => {j}): every piece is shown empty, but N_{i} is not")
            pieces += followed
        else:
            why = covers(f, sets[i], sets[j], deg, fact["grid"], steps, u, lin)
            if why is not None:
                raise Failure(f"fact {t} (covering {i} => {j}): {why}")
        edges.add((i, j))
    pair = disjoint(sets)
    if pair is not None:
        raise Failure(f"h-sets {pair[0]} and {pair[1]} are not shown disjoint")
    how, lower = _entropy(cert, edges, m, steps)
    g = "f" if steps == 1 else f"g = f^{steps}"
    grid = any("grid" in fact for fact in covs)
    lip = "" if isinstance(f, PolyMap) or not grid else \
        ("; images enclosed by the mean-value inclusion for Lipschitz maps: every slope of the activation lies in the "
         "hull of its derivative, [0, 1] across a kink (Clarke's generalised derivative)")
    if pieces:
        npc = sum(1 for fact in covs if "pieces" in fact)
        lip += (f"; {'for the pieces coverings: ' if grid else ''}f^{steps} exactly affine on each polytope piece of a "
                f"split of the source h-set ({pieces} pieces over the {npc} pieces coverings; relu signs fixed on each, "
                "the formulas agreeing on the kinks), signs and inequalities by exact box bounds and weak LP duality")
    dirs = "one unstable direction" if u == 1 else f"{u} unstable directions" + (", no stable one" if u == n else "")
    text = (f"{map_text(f)} has {m} pairwise disjoint h-sets in R^{n} ({dirs}) with {len(edges)} covering relations N_i => N_j under {g} (Zgliczynski-Gidea 2004; f "
            f"continuous{lip}; in N_j's coordinates the image of N_i has its stable coordinates in (-1, 1) and its "
            + ("unstable faces beyond opposite ends" if not linear else
               "exit faces beyond a face of N_j, in a coordinate where the stated linear end map A takes them beyond "
               "it too (A(boundary) outside the unit cube)") + ")\n"
            f"every path of the graph is followed by an orbit of {g[0]}, every closed path by a periodic orbit; on "
            f"Lambda = {{p : {g[0]}^i(p) in N_(s_i) for all i >= 0, s a path of the graph}} {g[0]} is semi-conjugate "
            "to the subshift of finite type of the graph (transition matrix A)\n"
            + (f"h_top(f) >= log rho(A) >= {fixed(lower, 6, up=False)}; {how}" if steps == 1 else
               f"h_top(f) = h_top(f^{steps}) / {steps} >= log rho(A) / {steps} >= {fixed(lower, 6, up=False)}; {how}"))
    return Statement(text, 1 + len(edges))
