"""Every orbit of minimal period p of a Hénon-type map of the plane, with completeness (trusted kernel).

The maps. f(x, y) = (c - a x^2 + s y, b x) with exact rationals a > 0, b, c, s (the Hénon map
(1 - a x^2 + y, b x) has c = s = 1), read from the canonical polynomial map (certify.checker.polymap).

Region lemma (Devaney and Nitecki, Comm. Math. Phys. 67 (1979), in the form needed for periodic
orbits). Let (x_t, y_t) be a periodic orbit and M = max_t |x_t| (a finite orbit: the maximum is
attained at some t). Since y_t = b x_{t-1}, x_{t+1} = c - a x_t^2 + s b x_{t-1}, so
a M^2 = a x_t^2 = c + s b x_{t-1} - x_{t+1} <= |c| + |s b| M + M, i.e. q(M) <= 0 for
q(r) = a r^2 - (1 + |s b|) r - |c|. q has one positive root R0 and is positive beyond it, so every
R > 0 with q(R) >= 0 (checked exactly) has M <= R0 <= R, and |y_t| = |b| |x_{t-1}| <= |b| R. So every
periodic point lies in the square S = [-R, R] x [-Y, Y] whenever Y >= |b| R. The claim's region must
contain such a square; a periodic orbit's points lie in S.

Cover and graph (Galias' method, Int. J. Bifurcation and Chaos 11 (2001) 2427-2450, simplest form).
The region is cut into a uniform grid of half-open cells [x_i, x_{i+1}) x [y_j, y_{j+1}) (the last
row and column closed), so every point of the region lies in exactly one cell, h(z). Edge c -> d
when the ball image f(c) of the closed cell c meets the closed cell d: for a periodic orbit,
h(z_t) -> h(z_{t+1}) is an edge. Pruning removes, all at once, the cells with no edge in from a kept
cell or no edge out to one; the cells h(z_t) of a periodic orbit always keep both, so they are never
removed. Refinement splits each kept cell into 2 x 2 half-open cells (h(z) at the finer level lies
inside h(z) at the coarser one), and edges and pruning are redone; `levels` rounds in all. The
kernel builds the graph itself from the claim's region and grid: nothing of the cover or the edges
is taken from the certificate.

Cycles. The itinerary (h(z_0), ..., h(z_{p-1})) of a point of period p is a closed walk of length p in
the graph. If z has minimal period d < p, its itinerary is invariant under the shift by d; so a zero
of the cyclic system F(Z) = (f(z_{p-1}) - z_0, f(z_0) - z_1, ..., f(z_{p-2}) - z_{p-1}) in the
half-open product of an aperiodic (primitive) walk has minimal period exactly p, and the p points of
one orbit of minimal period p have the p distinct rotations of one primitive walk as itineraries.
The kernel enumerates every primitive closed walk of length p up to rotation (the lexicographically
least rotation) and counts the zeros of F in its half-open product:
  - 0 when some ball image f(X_t) misses X_{t+1}, or the Krawczyk image K(X) misses X;
  - 1 when K(X) lies in the interior of X (Krawczyk: a unique zero in X, inside K(X), so in the
    half-open product);
  - otherwise X is replaced by X meet K(X) (every zero stays) and bisected along its widest
    coordinate into half-open halves, and the counts are added (at most MAX_DEPTH bisections deep).
K(X) = m - C F(m) + (I - C J(X)) (X - m) with J(X) the block Jacobian of F over X in balls (Df over
X_{t-1} below the diagonal, -I on it), C the approximate inverse of J(m) (any C is sound); every zero
of F in X lies in K(X) (Neumaier, Interval Methods for Systems of Equations, Thm. 5.1.7, 5.1.8).
The number of orbits of minimal period p is the sum of the counts: complete, with the walks, tests
and cells bounded by the caps below before the work is done.

Stability of each orbit: the Jacobian of f^p at the orbit lies in M = Df(E_{p-1}) ... Df(E_0) over the
Krawczyk enclosure E; with T = tr M and D = det M (balls), T^2 - 4D > 0 gives real multipliers
(T +- sqrt(T^2 - 4D)) / 2, T^2 - 4D < 0 a complex pair of modulus sqrt(D); each compared with 1.

Imports only flint, certify.certificates, certify.errors and the kernel's modules statement, polymap
and rnn (its block preconditioner).
"""

from __future__ import annotations

from flint import arb, arb_mat, ctx, fmpq

from certify.certificates import interval_parse, q_str
from certify.checker.polymap import PolyMap, parse_polymap, polymap_text
from certify.checker.statement import Failure, Statement, ball_text, undecided, whole

__all__ = ["henon_form", "region_square", "box_graph", "walks", "count_zeros", "search", "polymap_orbits",
           "cycle_search", "trapping", "poly_henon_form", "region_poly", "search_cycles", "cycle_entries", "polymap_cycles", "MAX_SUB_WORK", "MAX_CYCLE_PERIOD",
           "MAX_ND_PERIOD", "MAX_ND_CELLS", "MAX_ND_WALKS", "MAX_ND_TESTS", "MAX_ND_PAIRS", "MAX_ND_STEPS", "MAX_DEPTH", "MAX_GRID", "MAX_LEVELS"]

MAX_ND_PERIOD = 12        # the claim's period (walks)
MAX_GRID = 512            # cells per axis of the starting grid
MAX_LEVELS = 8            # refinement rounds
MAX_ND_CELLS = 400_000    # ball images of cells, all levels together
MAX_ND_WALKS = 200_000    # primitive closed walks up to rotation
MAX_ND_TESTS = 400_000    # Krawczyk tests, all walks and their pieces together
MAX_ND_PAIRS = 20_000_000  # (cell, cell met by its image) pairs looked up, all levels together
MAX_ND_STEPS = 20_000_000  # partial walks explored while enumerating the closed walks
MAX_DEPTH = 16            # bisections of one walk's product


class _Work:
    """Counters of the work done, checked against the caps as it is done."""

    def __init__(self):
        self.cells = self.tests = self.looked = self.steps = 0

    def cell(self):
        self.cells += 1
        if self.cells > MAX_ND_CELLS:
            raise Failure(f"more than {MAX_ND_CELLS} cell images: beyond the checker's limit")

    def pairs(self, k: int):
        self.looked += k
        if self.looked > MAX_ND_PAIRS:
            raise Failure(f"more than {MAX_ND_PAIRS} (cell, image cell) pairs: beyond the checker's limit")

    def step(self):
        self.steps += 1
        if self.steps > MAX_ND_STEPS:
            raise Failure(f"more than {MAX_ND_STEPS} partial walks explored: beyond the checker's limit")

    def test(self):
        self.tests += 1
        if self.tests > MAX_ND_TESTS:
            raise Failure(f"more than {MAX_ND_TESTS} Krawczyk tests: beyond the checker's limit")


# ----------------------------------------------------------------------------- the map and the region

def henon_form(m: PolyMap) -> tuple:
    """(c, a, s, b) when f(x, y) = (c - a x^2 + s y, b x) with a > 0 exactly, else a Failure."""
    if m.n != 2:
        raise Failure("completeness is proved for maps of the plane of Hénon type (c - a x^2 + s y, b x)")
    first = {e: c for c, e in m.terms[0]}
    second = {e: c for c, e in m.terms[1]}
    if not set(first) <= {(0, 0), (2, 0), (0, 1)} or set(second) != {(1, 0)} or (2, 0) not in first:
        raise Failure("the map is not of Hénon type (c - a x^2 + s y, b x): the region lemma does not apply")
    a = -first[(2, 0)]
    if not a > 0:
        raise Failure("the region lemma needs a > 0 in (c - a x^2 + s y, b x)")
    return first.get((0, 0), fmpq(0)), a, first.get((0, 1), fmpq(0)), second[(1, 0)]


class _Henon:
    """The map (c - a x^2 + s y, b x) in balls, from the coefficients `henon_form` read off the canonical
    terms (so it is the certificate's map exactly); the same interface as PolyMap (n, ball, jacobian)."""

    n = 2

    def __init__(self, m: PolyMap):
        self.c, self.a, self.s, self.b = (arb(v) for v in henon_form(m))
        self.zero = arb(0)

    def ball(self, X) -> list:
        x, y = X
        return [self.c - self.a * (x * x) + self.s * y, self.b * x]

    def jacobian(self, X) -> list:
        return [[-2 * self.a * X[0], self.s], [self.b, self.zero]]

    def square_back(self, x: arb, y: arb, x_next: arb):
        """A ball containing every x in the ball x with x_next = c - a x^2 + s y for some y, x_next in the balls:
        x^2 lies in Q = (c + s y - x_next) / a (a > 0), so |x| <= sqrt(sup Q) and, when inf Q > 0,
        |x| >= sqrt(inf Q); the hull of x met with the two intervals, or None when the meet is empty."""
        Q = (self.c + self.s * y - x_next) / self.a
        if not Q.is_finite() or not x.is_finite():
            return x
        q_hi = Q.upper()
        if q_hi < 0:
            return None
        r_hi = _end(arb(q_hi).sqrt().upper(), True)
        q_lo = Q.lower()
        r_lo = _end(arb(q_lo).sqrt().lower(), False) if q_lo > 0 else fmpq(0)
        lo, hi = _end(x.lower(), False), _end(x.upper(), True)
        pieces = [(max(lo, -r_hi), min(hi, -r_lo)), (max(lo, r_lo), min(hi, r_hi))]
        pieces = [(a, b) for a, b in pieces if a <= b]
        if not pieces:
            return None
        return _hull(min(a for a, _ in pieces), max(b for _, b in pieces)).intersection(x)

    def inverse(self, X):
        """f^-1 over the ball vector X (x = y' / b, y = (x' - c + a x^2) / s), or None when b s = 0."""
        if self.b == 0 or self.s == 0:
            return None
        x = X[1] / self.b
        return [x, (X[0] - self.c + self.a * (x * x)) / self.s]


def region_square(m: PolyMap, region) -> tuple:
    """The region (xlo, xhi, ylo, yhi) exact, checked to contain a square [-R, R] x [-Y, Y] with
    R > 0, a R^2 - (1 + |s b|) R - |c| >= 0 and Y >= |b| R (the region lemma). Returns it and R."""
    c, a, s, b = henon_form(m)
    if not (isinstance(region, list) and len(region) == 2):
        raise Failure("the region is a list of two intervals (x, y)")
    (xlo, xhi), (ylo, yhi) = (interval_parse(v) for v in region)
    R, Y = min(-xlo, xhi), min(-ylo, yhi)
    if not R > 0 or a * R * R - (1 + abs(s * b)) * R - abs(c) < 0:
        raise Failure(f"the region's x-range does not contain [-R, R] with a R^2 - (1 + |s b|) R - |c| >= 0 "
                      f"(R = {q_str(R)}): periodic points may lie outside it")
    if Y < abs(b) * R:
        raise Failure(f"the region's y-range does not contain [-|b| R, |b| R] (R = {q_str(R)})")
    return (xlo, xhi, ylo, yhi), R


# ----------------------------------------------------------------------------- the box graph

def _hull(lo: fmpq, hi: fmpq) -> arb:
    return arb(lo).union(arb(hi))


def _range(u: arb, lo: fmpq, width: fmpq, n: int):
    """The indices k (0..n-1) of the closed cells [lo + k w, lo + (k+1) w] that the ball u may meet."""
    if not u.is_finite():
        return 0, n - 1
    a = (u.lower().fmpq() - lo) / width
    b = (u.upper().fmpq() - lo) / width
    return max(int(-((-a).floor())) - 1, 0), min(int(b.floor()), n - 1)


def _cell(region, N, i, j) -> tuple:
    xlo, xhi, ylo, yhi = region
    dx, dy = (xhi - xlo) / N[0], (yhi - ylo) / N[1]
    return (xlo + i * dx, xlo + (i + 1) * dx), (ylo + j * dy, ylo + (j + 1) * dy)


def _edges(m: PolyMap, region, N, kept: set, work: _Work) -> dict:
    xlo, xhi, ylo, yhi = region
    dx, dy = (xhi - xlo) / N[0], (yhi - ylo) / N[1]
    succ = {}
    for (i, j) in sorted(kept):
        work.cell()
        (x0, x1), (y0, y1) = _cell(region, N, i, j)
        u, v = m.ball([_hull(x0, x1), _hull(y0, y1)])
        i0, i1 = _range(u, xlo, dx, N[0])
        j0, j1 = _range(v, ylo, dy, N[1])
        work.pairs(max(i1 - i0 + 1, 0) * max(j1 - j0 + 1, 0))
        succ[(i, j)] = [(k, l) for k in range(i0, i1 + 1) for l in range(j0, j1 + 1) if (k, l) in kept]
    return succ


def _prune(succ: dict) -> dict:
    kept = set(succ)
    while True:
        into = {d for c in kept for d in succ[c] if d in kept}
        new = {c for c in kept if c in into and any(d in kept for d in succ[c])}
        if new == kept:
            return {c: [d for d in succ[c] if d in kept] for c in sorted(kept)}
        kept = new


def box_graph(m: PolyMap, region, start, levels: int, work: _Work) -> tuple:
    """The pruned graph at the finest level: (N, succ) with N the grid's cells per axis and succ the
    kept cells' successors (every periodic point's half-open cell is kept)."""
    N = tuple(start)
    kept = {(i, j) for i in range(N[0]) for j in range(N[1])}
    for level in range(levels + 1):
        if level:
            N = (2 * N[0], 2 * N[1])
            kept = {(2 * i + di, 2 * j + dj) for (i, j) in kept for di in (0, 1) for dj in (0, 1)}
        succ = _prune(_edges(m, region, N, kept, work))
        kept = set(succ)
    return N, succ


# ----------------------------------------------------------------------------- closed walks

def _primitive_least(w: tuple) -> bool:
    """w is aperiodic and the lexicographically least of its rotations."""
    p = len(w)
    return all(w < w[k:] + w[:k] for k in range(1, p))


def walks(succ: dict, p: int, work: _Work | None = None) -> list:
    """Every primitive closed walk of length p, up to rotation (each as its least rotation); the partial
    walks explored are counted against MAX_ND_STEPS."""
    work = work or _Work()
    order = sorted(succ)
    index = {c: k for k, c in enumerate(order)}
    out_ = [[index[d] for d in succ[c]] for c in order]
    into = [[] for _ in order]
    for k, ds in enumerate(out_):
        for d in ds:
            into[d].append(k)
    found = []
    for s in range(len(order)):
        # dist[v] <= r: v reaches s in at most r steps through cells >= s
        dist, frontier = {s: 0}, [s]
        for r in range(1, p):
            nxt = []
            for v in frontier:
                for u in into[v]:
                    if u >= s and u not in dist:
                        dist[u] = r
                        nxt.append(u)
            frontier = nxt
        stack = [(s, (s,))]
        while stack:
            v, w = stack.pop()
            work.step()
            left = p - len(w)
            if left == 0:
                if s in out_[v] and _primitive_least(w):
                    found.append(w)
                    if len(found) > MAX_ND_WALKS:
                        raise Failure(f"more than {MAX_ND_WALKS} closed walks: beyond the checker's limit")
                continue
            for u in out_[v]:
                if u >= s and dist.get(u, p + 1) <= left:
                    stack.append((u, w + (u,)))
    found.sort()
    return [tuple(order[k] for k in w) for w in found]


# ----------------------------------------------------------------------------- Krawczyk on the cyclic system

def _krawczyk(m: PolyMap, box: list) -> arb_mat:
    """K(X) for the cyclic system over box = p n (lo, hi) pairs (point t's coordinates at t n ...)."""
    n = m.n
    p = len(box) // n
    N = n * p
    X = [_hull(lo, hi) for lo, hi, _ in box]
    mid = [arb((lo + hi) / 2) for lo, hi, _ in box]
    J = arb_mat(N, N)
    Jm = arb_mat(N, N)
    F = arb_mat(N, 1)
    for t in range(p):
        prev = (t - 1) % p
        zp, zm = X[prev * n:(prev + 1) * n], mid[prev * n:(prev + 1) * n]
        DX, Dm, fm = m.jacobian(zp), m.jacobian(zm), m.ball(zm)
        for i in range(n):
            F[t * n + i, 0] = fm[i] - mid[t * n + i]
            J[t * n + i, t * n + i] = -1
            Jm[t * n + i, t * n + i] = -1
            for j in range(n):
                J[t * n + i, prev * n + j] += DX[i][j]
                Jm[t * n + i, prev * n + j] += Dm[i][j]
    eye = arb_mat(N, N, [1 if i == j else 0 for i in range(N) for j in range(N)])
    try:
        C = Jm.mid().solve(eye, algorithm="approx").mid()
    except (ZeroDivisionError, ValueError):  # J(m) singular to working precision: any C is sound
        C = eye
    d = arb_mat(N, 1, [X[k] - mid[k] for k in range(N)])
    mm = arb_mat(N, 1, mid)
    return mm - C * F + (eye - C * J) * d


def _tighten(m: PolyMap, K: arb_mat, rounds: int = 4) -> arb_mat:
    """E = E meet K(E), `rounds` times from E = K: the zero stays inside (every zero in E is in K(E))."""
    for _ in range(rounds):
        box = [(_end(K[k, 0].lower(), False), _end(K[k, 0].upper(), True), True) for k in range(K.nrows())]
        K2 = _krawczyk(m, box)
        K = arb_mat(K.nrows(), 1, [K2[k, 0].intersection(K[k, 0]) for k in range(K.nrows())])
    return K


TINY_BITS = 1024            # an end of a contracted side within 2^-TINY_BITS of 0 is rounded outward (`_end`)
_TINY = arb(fmpq(1, 2 ** TINY_BITS))


def _end(v: arb, up: bool) -> fmpq:
    """The exact end v of a ball (v.lower() or v.upper()) as an fmpq, rounded outward (up when `up`) to 0 or
    +-2^-TINY_BITS when 0 < |v| < 2^-TINY_BITS. Reason: near a superattracting point (x -> -x^3 at 0) every
    contraction cubes an end's binary exponent, node after node, and the exact fmpq of an end of 2^-(10^9)
    takes gigabytes: the checker died with a segfault instead of rejecting (tests/test_attacks_cycles.py).
    Rounded outward, every end keeps at most about TINY_BITS + precision bits and still encloses the ball."""
    if v == 0 or not abs(v) < _TINY:
        return v.fmpq()
    if up:
        return fmpq(1, 2 ** TINY_BITS) if v > 0 else fmpq(0)
    return fmpq(0) if v > 0 else -fmpq(1, 2 ** TINY_BITS)


def _ends(u: arb, lo: fmpq, hi: fmpq) -> tuple:
    """[lo, hi] met with the ball u, ends exact and rounded outward (`_end`); (lo, hi) when u is not finite.
    An end of u beyond lo (hi) is not converted at all: lo (hi) is the end."""
    if not u.is_finite():
        return lo, hi
    a, b = u.lower(), u.upper()
    new_lo = lo if a <= arb(lo) else max(lo, _end(a, False))
    new_hi = hi if b >= arb(hi) else min(hi, _end(b, True))
    return new_lo, new_hi


def _meet(u: arb, v: arb):
    """A ball containing the intersection of u and v, or None when they are disjoint."""
    if not u.overlaps(v):
        return None
    return u.intersection(v)


def _propagate(m, box: list, rounds: int = 3, square: bool = False):
    """The product shrunk by X_{t+1} meet f(X_t) and X_t meet f^-1(X_{t+1}) around the cycle (every zero of
    the cyclic system stays: z_{t+1} = f(z_t)), or None when a meet is empty (no zero); with `square`
    (Hénon type), also x_t by the square root of x_t^2 = (c + s y_t - x_{t+1}) / a."""
    n = m.n
    p = len(box) // n
    X = [[_hull(lo, hi) for lo, hi, _ in box[t * n:(t + 1) * n]] for t in range(p)]
    inv = getattr(m, "inverse", None)
    for _ in range(rounds):
        for t in range(p):
            nxt = (t + 1) % p
            img = m.ball(X[t])
            X[nxt] = [_meet(u, v) for u, v in zip(X[nxt], img)]
            if None in X[nxt]:
                return None
        if inv is None:
            continue
        for t in range(p - 1, -1, -1):
            pre = inv(X[(t + 1) % p])
            if pre is None:
                break
            X[t] = [_meet(u, v) for u, v in zip(X[t], pre)]
            if None in X[t]:
                return None
            if square:
                x = m.square_back(X[t][0], X[t][1], X[(t + 1) % p][0])
                if x is None:
                    return None
                X[t][0] = x
    out = []
    margin = getattr(m, "margin", False)
    for k, (lo, hi, closed) in enumerate(box):
        u = X[k // n][k % n]
        if margin and u.is_finite():
            u = _widened(u)
        new_lo, new_hi = _ends(u, lo, hi)
        if new_lo > new_hi:
            return None
        out.append((new_lo, new_hi, closed or new_hi < hi))
    return out


def _widened(u: arb) -> arb:
    """A ball containing u, wider by 1/64 of its width and 64 units of the last place on each side. A map with
    `margin` (certify.checker.rnn_orbits.RNNBalls) is contracted to these: near an attracting cycle the contraction
    otherwise shrinks the box to its own rounding, where a Krawczyk image is never strictly inside it."""
    a, b = u.lower(), u.upper()
    d = (b - a) / 64 + (abs(a) + abs(b) + 1) * arb(2) ** (6 - ctx.prec)
    return (a - d).union(b + d)


def _krawczyk_test(m, box: list) -> tuple:
    """Krawczyk on the half-open product box: (None, None) when K(X) misses X (no zero); (K, None) when K(X)
    lies in the interior of X (a unique zero, in K); else (K, X meet K(X)) as a half-open product."""
    K = _krawczyk(m, box)
    inner, meet = True, []
    for k, (lo, hi, closed) in enumerate(box):
        u = K[k, 0]
        if u < arb(lo) or u > arb(hi):
            return None, None
        if not (u > arb(lo) and u < arb(hi)):
            inner = False
        new_lo, new_hi = _ends(u, lo, hi)
        meet.append((new_lo, new_hi, closed or new_hi < hi))
    return (K, None) if inner else (K, meet)


def count_zeros(m: PolyMap, box: list, work: _Work, depth: int = 0) -> list:
    """The zeros of the cyclic system in the half-open product `box` (p n triples (lo, hi, closed):
    [lo, hi) or, when closed, [lo, hi]), each as its Krawczyk enclosure K (a ball column)."""
    work.test()
    box = _propagate(m, box)
    if box is None:
        return []
    if any(not lo < hi for lo, hi, _ in box):
        raise Failure("a walk's product shrank to a face: its zero is not decided")
    K, meet = _krawczyk_test(m, box)
    if meet is None:
        return [] if K is None else [_tighten(m, K)]
    if depth >= MAX_DEPTH:
        raise Failure(f"a walk's product is neither excluded nor solved after {MAX_DEPTH} bisections")
    k = max(range(len(meet)), key=lambda k: meet[k][1] - meet[k][0])
    lo, hi, closed = meet[k]
    if not lo < hi:  # a degenerate coordinate: the product is a point of the half-open box
        raise Failure("a walk's product shrank to a face: its zero is not decided")
    mid = (lo + hi) / 2
    left, right = list(meet), list(meet)
    left[k], right[k] = (lo, mid, False), (mid, hi, closed)
    return count_zeros(m, left, work, depth + 1) + count_zeros(m, right, work, depth + 1)


def _walk_box(region, N, w) -> list:
    box = []
    for (i, j) in w:
        (x0, x1), (y0, y1) = _cell(region, N, i, j)
        box += [(x0, x1, i == N[0] - 1), (y0, y1, j == N[1] - 1)]
    return box


def _stability(m: PolyMap, K: arb_mat, p: int) -> str:
    n = m.n
    M = None
    for t in range(p):
        D = m.jacobian([K[t * n + i, 0] for i in range(n)])
        D = arb_mat(n, n, [v for row in D for v in row])
        M = D if M is None else D * M
    T, Dt = M[0, 0] + M[1, 1], M[0, 0] * M[1, 1] - M[0, 1] * M[1, 0]
    disc = T * T - 4 * Dt
    if disc > 0:
        r = disc.sqrt()
        mods = sorted((abs((T + r) / 2), abs((T - r) / 2)), key=lambda v: v.mid())
    elif disc < 0:
        mod = abs(Dt).sqrt()
        mods = [mod, mod]
    else:
        return "undetermined"
    out = sum(1 for v in mods if v > 1)
    inn = sum(1 for v in mods if v < 1)
    if out + inn < 2:
        return "undetermined"
    return {0: "attracting", 2: "repelling"}.get(out, "saddle")


def search(m: PolyMap, region, start, levels: int, p: int) -> dict:
    """The whole derivation: the graph, the walks, each walk's zeros. Returns the counts and the
    orbits [(walk, K, stability)], or raises Failure (a cap, or a walk not decided)."""
    work = _Work()
    m = _Henon(m)
    N, succ = box_graph(m, region, start, levels, work)
    ws = walks(succ, p, work)
    orbits = []
    for w in ws:
        for K in count_zeros(m, _walk_box(region, N, w), work):
            orbits.append((w, K, _stability(m, K, p)))
    return {"grid": list(N), "cells": len(succ), "edges": sum(len(v) for v in succ.values()), "walks": len(ws),
            "tests": work.tests, "orbits": orbits}


# ----------------------------------------------------------------------------- the claim

def _ivs(K: arb_mat) -> list:
    return [{"lo": q_str(K[k, 0].lower().fmpq()), "hi": q_str(K[k, 0].upper().fmpq())} for k in range(K.nrows())]


def orbit_entries(found: dict) -> list:
    """The certificate's orbit list from a search: walk (cells), enclosure, stability."""
    return [{"walk": [list(c) for c in w], "box": _ivs(K), "stability": st} for w, K, st in found["orbits"]]


_GRID_KEYS = {"start", "levels"}


def _grid(claim) -> tuple:
    g = claim["grid"]
    if not isinstance(g, dict) or set(g) != _GRID_KEYS or not isinstance(g["start"], list) or len(g["start"]) != 2:
        raise Failure("the claim's grid is {'start': [nx, ny], 'levels': L}")
    start = [whole(v, "a starting grid size", 1, MAX_GRID) for v in g["start"]]
    return start, whole(g["levels"], "the grid's levels", 0, MAX_LEVELS)


def _point_text(K, t: int, n: int) -> str:
    return ", ".join(ball_text(K[t * n + i, 0], 6).removeprefix("in ") for i in range(n))


def _one_fact(ev, name: str, keys: tuple) -> None:
    """The evidence is one fact `name` with exactly the fields `keys`, else a Failure."""
    if not (isinstance(ev, list) and len(ev) == 1 and isinstance(ev[0], dict)
            and set(ev[0]) == {"fact", *keys} and ev[0]["fact"] == name):
        raise Failure(f"a decided orbit list has one {name} fact ({', '.join(keys)})")


def _bind(cert: dict, name: str, keys: tuple, found: dict, entries: list, p: int, what: str) -> None:
    """The fact's fields, the orbit list and the count equal the kernel's own derivation, else a Failure."""
    fact = cert["evidence"][0]
    for key in keys:
        if fact[key] != found[key]:
            raise Failure(f"{name}: {key} is {found[key]!r} by the kernel's own {what}, not {fact[key]!r}")
    if cert.get("orbits") != entries:
        raise Failure(f"orbits: the kernel finds {len(entries)} orbit(s) of minimal period {p} (as listed by its "
                      f"own search); the certificate's list differs")
    if cert.get("count") != len(entries):
        raise Failure(f"count must be {len(entries)}, the number of orbits of minimal period {p}")


def polymap_orbits(prog, cert: dict) -> Statement:
    """Every orbit of minimal period p of a Hénon-type map, each unique in its Krawczyk enclosure, with
    its stability; the list is complete (region lemma, exclusion cover, walks).

    Theorems: the region lemma (module docstring; Devaney-Nitecki), Krawczyk's (exclusion: every zero
    in X lies in K(X); existence and uniqueness when K(X) is inside int X), the itinerary argument for
    minimal periods. Checked, not assumed: the map's form and a > 0, the region's square, the graph
    (built by the kernel), every walk's count, the fields `count` and `orbits` against the kernel's
    own, the work bounded by the caps as it is done."""
    m = parse_polymap(cert["map"]["canonical"])
    claim = cert["claim"]
    p = whole(claim["p"], "the claim's period p", 1, MAX_ND_PERIOD)
    region, R = region_square(m, claim["region"])
    start, levels = _grid(claim)
    head = f"the map {polymap_text(m)}"
    ev = cert["evidence"]
    if cert["verdict"] == "undecided":
        return undecided(cert, ("orbits", "count"), f"orbits of period {p} of {head}")
    if cert["verdict"] != "proved":
        raise Failure("orbit lists of polynomial maps are proved or undecided")
    _one_fact(ev, "exclusion_cover", ("grid", "cells", "edges", "walks", "tests"))
    found = search(m, region, start, levels, p)
    entries = orbit_entries(found)
    _bind(cert, "exclusion_cover", ("grid", "cells", "edges", "walks", "tests"), found, entries, p, "cover")
    xlo, xhi, ylo, yhi = region
    plural = "" if len(entries) == 1 else "s"
    noun = f"fixed point{plural}" if p == 1 else f"orbit{plural} of minimal period {p}"
    lines = [f"{head} has exactly {len(entries)} {noun} (complete: every periodic "
             f"point lies in [{q_str(xlo)}, {q_str(xhi)}] x [{q_str(ylo)}, {q_str(yhi)}], region lemma with "
             f"R = {q_str(R)}; a {found['grid'][0]} x {found['grid'][1]} grid, {found['cells']} cells kept, "
             f"{found['edges']} edges, {found['walks']} primitive closed walks, {found['tests']} Krawczyk tests)"]
    n = m.n
    for k, (w, K, st) in enumerate(found["orbits"]):
        lines.append(f"orbit {k + 1}: z_0 in ({_point_text(K, 0, n)}); {st}")
    return Statement("\n".join(lines), 1)



# ----------------------------------------------------------------------------- subdivision of the cyclic system
#
# Claim kind `polymap_cycles` (module docstring of the section: see `polymap_cycles` below). The search is
# a tree over half-open products X = X_0 x ... x X_{p-1} of boxes of R^n, from the root B^p (B the claim's
# region, closed): each node is contracted, tested and either dropped, counted, or bisected into two
# half-open halves, so the leaves partition B^p and every zero of the cyclic system in B^p lies in one leaf.

MAX_CYCLE_PERIOD = 24      # the claim's period (subdivision)
MAX_SUB_WORK = 200_000_000  # work units (_eval_cost; about 0.1 microsecond each, so about 30 s in all): a node
                            # costs 3 ROUNDS p evaluations of f, a Krawczyk test (n p)^3 + 4 (n p)^2, 2 n p
                            # evaluations and its setup; counted before the work
MAX_SUB_DEPTH = 400         # bisections along one branch of the tree
MAX_TRAP_CELLS = 200_000    # cells of the trapping-region check f(B) in B
SPLIT = fmpq(127, 256)      # a side is split at this fraction, off the middle: simple rational cycles
                            # (0, 1/2, ...) of maps with simple coefficients do not land on the faces
ROUNDS = 2                  # contraction rounds around the cycle at each node
NODE_STEP = 20              # work units of a node's bookkeeping per point of the cycle
TEST_SETUP = 1000           # work units of a Krawczyk test's fixed cost (matrices built, solved)
KRAWCZYK_SHARE = 32         # Krawczyk is tried once every width is at most (widest side of B) / 32
BASES = ("region_lemma", "domain", "trapping")


class _Units:
    """Work units counted against MAX_SUB_WORK before the work they stand for is done."""

    def __init__(self):
        self.used = self.nodes = self.tests = 0
        self.scale = _prec_scale()

    def spend(self, k: int, what: str):
        self.used += k * self.scale
        if self.used > MAX_SUB_WORK:
            raise Failure(f"more than {MAX_SUB_WORK} work units ({what}): beyond the checker's limit")


def _prec_scale() -> int:
    """Work units per unit at the working precision: a unit is calibrated at 64 bits, but the certificate
    chooses the precision (up to 65536 bits), and ball arithmetic at 65536 bits is about 500 times slower.
    Without this factor a certificate at that precision spent the whole cap in hours, not seconds
    (tests/test_attacks_cycles.py). Linear in the precision: an upper bound of the measured slowdown."""
    return max(1, -(-ctx.prec // 64))


def _eval_cost(m) -> int:
    """Work units of one ball evaluation of f. The general evaluator walks each term's n exponents and each
    variable's powers up to the largest exponent, about ten units a step (a unit is about 0.1 microsecond of
    this interpreter's ball arithmetic); the Hénon-type form evaluates its 4 terms directly."""
    if hasattr(m, "cost"):  # a map that states its own cost (certify.checker.rnn_orbits.RNNBalls)
        return m.cost
    if not hasattr(m, "terms"):
        return 4 * 2 + 2 * 2 + 2
    top = max((k for comp in m.terms for _, e in comp for k in e), default=0)
    return 10 * (m.n * sum(len(c) for c in m.terms) + m.n * top + m.n)


def _first_least(box: list, n: int, p: int):
    """Contract box to the points whose first coordinate x_0^(1) is <= every x_t^(1) (the canonical rotation
    of an orbit has its least first coordinate at t = 0), or None when no point of the box satisfies it."""
    lo0, hi0, c0 = box[0]
    hi = min([hi0] + [box[t * n][1] for t in range(1, p)])
    out = list(box)
    out[0] = (lo0, hi, c0 or hi < hi0)
    for t in range(1, p):
        lo, h, c = box[t * n]
        out[t * n] = (max(lo, lo0), h, c)
    if any(not lo <= h for lo, h, _ in out):
        return None
    return out


def _lower_period(m, box: list, n: int, p: int) -> bool:
    """Some proper divisor d of p has a unique d-cycle w (Krawczyk on the d-system) in E_t = the meet of the
    closed boxes X_t, X_{t+d}, ...: then w repeated p/d times is a zero of the p-system in the closed product,
    so it is the leaf's unique zero z, and z has period d < p."""
    for d in (d for d in range(1, p) if p % d == 0):
        E = []
        for k in range(n * d):
            t, i = divmod(k, n)
            lo = max(box[(t + j * d) * n + i][0] for j in range(p // d))
            hi = min(box[(t + j * d) * n + i][1] for j in range(p // d))
            if not lo < hi:
                break
            E.append((lo, hi, True))
        else:
            K, meet = _krawczyk_test(m, E)
            if K is not None and meet is None:
                return True
    return False


def _decide_leaf(m, box: list, K: arb_mat, n: int, p: int, spend=None, order=None):
    """1 when the unique zero z in box (inside K) is the canonical rotation of an orbit of minimal period p
    (x_0 < x_t strictly for t = 1..p-1, x the first coordinate or c.z with c = order), 0 when it is not (some
    x_t < x_0, or z is fixed by a shift sigma^t whose image sigma^t(K) lies inside box: then sigma^t z = z by
    uniqueness, or z is a lower-period cycle repeated, `_lower_period`), else a Failure. `spend()` is charged
    before the lower-period tests."""
    xs = [K[t * n, 0] if order is None else _phi([K[t * n + i, 0] for i in range(n)], order) for t in range(p)]
    if all(xs[0] < xs[t] for t in range(1, p)):
        return 1
    if any(xs[t] < xs[0] for t in range(1, p)):
        return 0
    N = n * p
    for t in range(1, p):
        if xs[0] < xs[t]:
            continue
        shifted = [K[(k + t * n) % N, 0] for k in range(N)]
        if all(u > arb(lo) and u < arb(hi) for u, (lo, hi, _) in zip(shifted, box)):
            return 0
    if spend is not None:
        spend()
    if _lower_period(m, box, n, p):
        return 0
    raise Failure("a zero's first coordinate (or c.z) ties with another point of its orbit: its rotation is not "
                  "decided")


def _order_prune(box: list, order: list, n: int, p: int):
    """box, or None when some point's c.x_t is below c.x_0 at every point of the box (c = order: the canonical
    rotation has its least c.x at t = 0, so no canonical zero lies in the box)."""
    phi = [_phi([_hull(lo, hi) for lo, hi, _ in box[t * n:(t + 1) * n]], order) for t in range(p)]
    return None if any(phi[t] < phi[0] for t in range(1, p)) else box


def _phi(z: list, order: list) -> arb:
    return sum((arb(c) * x for c, x in zip(order, z) if c != 0), arb(0))


def cycle_search(m, region: list, p: int, spent: int = 0, order: list | None = None) -> dict:
    """Every canonical zero of the cyclic system in region^p (region: n exact (lo, hi), closed), each with
    its Krawczyk enclosure: {"nodes", "tests", "units" (work), "orbits": [K, ...]} in the tree's depth-first order, or a
    Failure (a cap, a leaf not decided). `spent`: units already used by this claim (its trapping check). `order`:
    n exact rationals c (not all 0); the canonical rotation is then the one with the least c.x_0 (by pruning),
    else the least first coordinate (by contraction)."""
    n = m.n
    least = _first_least if order is None else (lambda box, n, p: _order_prune(box, order, n, p))
    units = _Units()
    units.used = spent
    per_node = p * (3 * ROUNDS * _eval_cost(m) + NODE_STEP)  # forward, backward, square-root steps, bookkeeping
    per_test = (n * p) ** 3 + 4 * (n * p) ** 2 + 2 * n * p * _eval_cost(m) + TEST_SETUP
    wide = max(hi - lo for lo, hi in region)
    small = wide / KRAWCZYK_SHARE
    stack = [([(lo, hi, True) for lo, hi in region] * p, 0)]
    found = []
    while stack:
        box, depth = stack.pop()
        units.spend(per_node, "tree nodes")
        units.nodes += 1
        box = least(box, n, p)
        if box is not None:
            box = _propagate(m, box, ROUNDS, square=isinstance(m, _Henon))
        if box is not None:
            box = least(box, n, p)
        if box is None:
            continue
        if max(hi - lo for lo, hi, _ in box) <= small:
            units.spend(per_test, "Krawczyk tests")
            units.tests += 1
            if any(not lo < hi for lo, hi, _ in box):
                raise Failure("a product shrank to a face: its zero is not decided")
            K, meet = _krawczyk_test(m, box)
            if K is None:
                continue
            if meet is None:
                units.spend(4 * per_test, "Krawczyk tests")
                K = _tighten(m, K)
                if _decide_leaf(m, box, K, n, p, lambda: units.spend(p * per_test, "Krawczyk tests"), order):
                    found.append(K)
                continue
            box = meet
        if depth >= MAX_SUB_DEPTH:
            raise Failure(f"a product is neither excluded nor solved after {MAX_SUB_DEPTH} bisections")
        k = max(range(len(box)), key=lambda k: box[k][1] - box[k][0])
        lo, hi, closed = box[k]
        if not lo < hi:
            raise Failure("a product shrank to a face: its zero is not decided")
        mid = lo + (hi - lo) * SPLIT
        left, right = list(box), list(box)
        left[k], right[k] = (lo, mid, False), (mid, hi, closed)
        stack.append((right, depth + 1))
        stack.append((left, depth + 1))
    return {"nodes": units.nodes, "tests": units.tests, "units": units.used, "orbits": found}


def trapping(m, region: list, cells: int) -> int:
    """f(B) lies in B (B closed): B cut into cells^n closed cells, each ball image inside B; else a Failure.
    The cells are counted against MAX_TRAP_CELLS, and their evaluations against MAX_SUB_WORK, before any
    is evaluated. Returns the work units used (the claim's subdivision gets only the rest of the cap)."""
    n = m.n
    if cells ** n > MAX_TRAP_CELLS:
        raise Failure(f"{cells}^{n} cells for the trapping check: more than {MAX_TRAP_CELLS}")
    used = cells ** n * _eval_cost(m) * _prec_scale()
    if used > MAX_SUB_WORK:
        raise Failure(f"{cells}^{n} evaluations of f for the trapping check: more than {MAX_SUB_WORK} work units, "
                      f"beyond the checker's limit")
    steps = [(hi - lo) / cells for lo, hi in region]

    def cell(idx):
        return [_hull(lo + i * d, lo + (i + 1) * d) for (lo, _), i, d in zip(region, idx, steps)]
    idx = [0] * n
    while True:
        for u, (lo, hi) in zip(m.ball(cell(idx)), region):
            if not (u >= arb(lo) and u <= arb(hi)):
                raise Failure(f"f(B) is not shown inside B: the image of cell {idx} leaves it")
        k = 0
        while k < n and idx[k] == cells - 1:
            idx[k] = 0
            k += 1
        if k == n:
            return used
        idx[k] += 1


def poly_henon_form(m: PolyMap) -> tuple:
    """(P, s, b) when f(x, y) = (P(x) + s y, b x) with P = {k: a_k} of degree d >= 2 (exact), b != 0 and any s
    (the Hénon type is d = 2 without a linear term), else a Failure."""
    if m.n != 2:
        raise Failure("a region lemma is known here for maps of the plane (P(x) + s y, b x) only")
    first = {e: c for c, e in m.terms[0]}
    second = {e: c for c, e in m.terms[1]}
    if set(second) != {(1, 0)} or any(e[1] != 0 and e != (0, 1) for e in first):
        raise Failure("the map is not of the form (P(x) + s y, b x): no region lemma applies")
    P = {e[0]: c for e, c in first.items() if e[1] == 0}
    if max(P, default=0) < 2:
        raise Failure("the region lemma needs P(x) of degree >= 2 in (P(x) + s y, b x)")
    return P, first.get((0, 1), fmpq(0)), second[(1, 0)]


def region_poly(m: PolyMap, region) -> tuple:
    """The region (xlo, xhi, ylo, yhi) exact, checked to contain [-R, R] x [-Y, Y] with R > 0, q(R) >= 0 and
    Y >= |b| R, where q(r) = |a_d| r^d - sum_{0<k<d} |a_k| r^k - (1 + |s b|) r - |a_0| (the region lemma for
    (P(x) + s y, b x), docs/plane-orbits.md). Returns it and R.

    Lemma. Let M = max_t |x_t| over a periodic orbit, attained at t. P(x_t) = x_{t+1} - s b x_{t-1}, so
    |a_d| M^d - sum_{k<d} |a_k| M^k <= |P(x_t)| <= (1 + |s b|) M: q(M) <= 0. q(r) / r^d is strictly
    increasing on r > 0 (every lower term has a negative power of r and 1 + |s b| > 0), so M > R would give
    q(M) / M^d > q(R) / R^d >= 0. Hence M <= R, and |y_t| = |b| |x_{t-1}| <= |b| R <= Y."""
    P, s, b = poly_henon_form(m)
    d = max(P)
    if not (isinstance(region, list) and len(region) == 2):
        raise Failure("the region is a list of two intervals (x, y)")
    (xlo, xhi), (ylo, yhi) = (interval_parse(v) for v in region)
    R, Y = min(-xlo, xhi), min(-ylo, yhi)
    q = abs(P[d]) * R ** d - sum((abs(c) * R ** k for k, c in P.items() if 0 < k < d), fmpq(0)) \
        - (1 + abs(s * b)) * R - abs(P.get(0, fmpq(0)))
    if not R > 0 or q < 0:
        raise Failure(f"the region's x-range does not contain [-R, R] with q(R) >= 0 (R = {q_str(R)}): "
                      f"periodic points may lie outside it")
    if Y < abs(b) * R:
        raise Failure(f"the region's y-range does not contain [-|b| R, |b| R] (R = {q_str(R)})")
    return (xlo, xhi, ylo, yhi), R


class _PolyHenon:
    """(P(x) + s y, b x) in balls: the kernel's PolyMap for f and Df, and f^-1 (x = y' / b,
    y = (x' - P(x)) / s) for the backward contraction."""

    n = 2

    def __init__(self, m: PolyMap):
        P, s, b = poly_henon_form(m)
        self.m, self.terms = m, m.terms
        self.P = [(arb(c), k) for k, c in sorted(P.items())]
        self.s, self.b = arb(s), arb(b)

    def ball(self, X) -> list:
        return self.m.ball(X)

    def jacobian(self, X) -> list:
        return self.m.jacobian(X)

    def inverse(self, X):
        """f^-1 over the ball vector X, or None when s = 0 (f is not invertible)."""
        if self.s == 0:
            return None
        x = X[1] / self.b
        return [x, (X[0] - sum((c * x ** k for c, k in self.P), arb(0))) / self.s]


def _kernel_map(m: PolyMap):
    """The Hénon-type form (with its inverse and the square-root contraction) when the map has it, else
    (P(x) + s y, b x) with its inverse, else the map."""
    for form in (_Henon, _PolyHenon):
        try:
            return form(m)
        except Failure:
            continue
    return m


def cycle_stability(m, K: arb_mat, p: int) -> str:
    """Stability of the orbit in the enclosure K: from trace and determinant in the plane, from norms of
    the Jacobian product (or its inverse) in R^n (the kernel's RNN helper)."""
    if m.n == 2:
        return _stability(m, K, p)
    from certify.checker.rnn import stability
    n = m.n
    A = []
    for t in range(p):
        D = m.jacobian([K[t * n + i, 0] for i in range(n)])
        A.append(arb_mat(n, n, [v for row in D for v in row]))
    return stability(A)


def parse_region(reg, n: int) -> tuple:
    """A claim's region: n exact (lo, hi) with lo < hi, and each side's text "[lo, hi]"; else a Failure."""
    if not (isinstance(reg, list) and len(reg) == n):
        raise Failure(f"the region is a list of {n} intervals")
    region = [interval_parse(v) for v in reg]
    if any(not lo < hi for lo, hi in region):
        raise Failure("the region's intervals have lo < hi")
    return region, [f"[{q_str(lo)}, {q_str(hi)}]" for lo, hi in region]


def cycle_region(m: PolyMap, claim: dict) -> tuple:
    """The claim's region B (n exact (lo, hi)), its basis, why every counted cycle lies in it (text), and the
    work units its check used (the trapping check's: one cap for the whole claim)."""
    basis = claim["basis"]
    if basis not in BASES:
        raise Failure(f"the claim's basis is one of {', '.join(BASES)}")
    region, sides = parse_region(claim["region"], m.n)
    text = " x ".join(sides)
    trap = claim["trap"]
    if basis != "trapping" and trap != 0:
        raise Failure("trap (cells per axis of the trapping check) is 0 unless the basis is trapping")
    if basis == "region_lemma":
        _, R = region_poly(m, claim["region"])
        return region, basis, (f"every periodic point lies in B = {text} (region lemma for (P(x) + s y, b x), "
                               f"R = {q_str(R)})"), 0
    if basis == "trapping":
        # the trapping check's units count against the claim's one cap: before, it could spend a whole cap
        # (about 10 s) and the subdivision another (tests/test_attacks_cycles.py)
        spent = trapping(m, region, whole(trap, "trap (cells per axis)", 1, MAX_TRAP_CELLS))
        return region, basis, (f"B = {text} is forward-invariant, f(B) in B (checked on {trap}^{m.n} cells), "
                               f"so every cycle meeting B lies in B"), spent
    return region, basis, f"counted among the cycles contained in B = {text} (the domain)", 0


def search_cycles(m: PolyMap, claim: dict) -> dict:
    """The whole derivation of a polymap_cycles claim: region check, the tree, each orbit's stability."""
    p = whole(claim["p"], "the claim's period p", 1, MAX_CYCLE_PERIOD)
    region, basis, why, spent = cycle_region(m, claim)
    km = _kernel_map(m)
    found = cycle_search(km, region, p, spent)
    found["orbits"] = [(K, cycle_stability(km, K, p)) for K in found["orbits"]]
    found["why"] = why
    return found


def cycle_entries(found: dict) -> list:
    """The certificate's orbit list from a search: each enclosure (p n intervals) and stability."""
    return [{"box": _ivs(K), "stability": st} for K, st in found["orbits"]]


def polymap_cycles(prog, cert: dict) -> Statement:
    """Every orbit of minimal period p of a polynomial map of R^n in a region B, each unique in its Krawczyk
    enclosure, with its stability; the list is complete for the cycles the basis covers.

    Method (Galias, Int. J. Bifurcation and Chaos 11 (2001) 2427-2450: subdivision of the cyclic system).
    The zeros of F(Z) = (f(z_{p-1}) - z_0, f(z_0) - z_1, ...) in B^p are the p-cycles contained in B. An
    orbit of minimal period p whose least first coordinate is attained at one point has exactly one
    rotation with x_0^(1) < x_t^(1) (t = 1..p-1): its canonical zero. The kernel searches B^p depth-first:
    each half-open product is contracted (to x_0^(1) <= x_t^(1); X_{t+1} meet f(X_t) and, for Hénon
    type, X_t meet f^-1(X_{t+1}): every canonical zero stays, and the contracted closed product lies in
    the half-open one), dropped when empty, and once every side is at most 1/32 of B's widest, tested by
    Krawczyk: K(X) missing X drops it, K(X) inside int X proves a unique zero z, counted when it is
    canonical (x_0 < x_t strictly: then its p points are distinct, so its minimal period is p) and not
    when some x_t < x_0 or a shift of K lies inside X (z is then shift-invariant, of lower period) or a
    Krawczyk test on a d-system (d | p) proves a d-cycle in the meet of X_t, X_{t+d}, ... (`_lower_period`);
    otherwise X meet K(X) is cut along its widest side (at 127/256 of it, off the middle, so that simple
    rational cycles do not sit on faces) into half-open parts. The leaves partition
    B^p, so the count is exact; a tie or a branch deeper than MAX_SUB_DEPTH is a Failure.

    Basis (why every counted cycle is a cycle of the statement): region_lemma ((P(x) + s y, b x) with deg P >= 2:
    every periodic point lies in B, `region_poly`), trapping (f(B) in B checked on a grid of cells: a cycle
    meeting B lies in B), domain (the statement is about the cycles contained in B).
    Checked: the map, the region and its basis, the tree re-derived by the kernel with its work counted
    before it is done, the fields `count` and `orbits` and the fact's counts against the kernel's own."""
    m = parse_polymap(cert["map"]["canonical"])
    claim = cert["claim"]
    p = whole(claim["p"], "the claim's period p", 1, MAX_CYCLE_PERIOD)
    question = claim.get("question", "orbits")
    if question not in ("orbits", "period"):
        raise Failure("the claim's question is orbits or period")
    head = f"the map {polymap_text(m)}"
    ev = cert["evidence"]
    if cert["verdict"] == "undecided":
        return undecided(cert, ("orbits", "count"), f"orbits of period {p} of {head}")
    if cert["verdict"] not in ("proved", "refuted") or (question == "orbits" and cert["verdict"] != "proved"):
        raise Failure("a polymap_cycles certificate is proved (orbits; period: some orbit), refuted (period: "
                      "none) or undecided")
    _one_fact(ev, "cycle_subdivision", ("nodes", "tests"))
    found = search_cycles(m, claim)
    entries = cycle_entries(found)
    _bind(cert, "cycle_subdivision", ("nodes", "tests"), found, entries, p, "tree")
    if question == "period" and (cert["verdict"] == "refuted") != (not entries):
        raise Failure(f"the kernel finds {len(entries)} orbit(s) of minimal period {p}: the verdict is "
                      f"{'refuted' if not entries else 'proved'}")
    # basis domain counts the cycles contained in B: a p-cycle (p > 1) with one point in B and one outside is
    # not counted, so "no point of minimal period p in B" would be false (tests/test_attacks_cycles.py)
    partial = claim["basis"] == "domain" and p > 1
    scope = "" if claim["basis"] == "region_lemma" else (" contained in B" if partial else " in B")
    plural = "" if len(entries) == 1 else "s"
    noun = f"fixed point{plural}" if p == 1 else f"orbit{plural} of minimal period {p}"
    if question == "period" and entries:
        lines = [f"{head} has a point of minimal period {p}: {len(entries)} {noun}{scope} (Krawczyk; "
                 f"{found['why']}; {found['nodes']} nodes, {found['tests']} Krawczyk tests)"]
    elif question == "period":
        what = "orbit" if partial else "point"
        lines = [f"{head} has no {what} of minimal period {p}{scope} (complete: {found['why']}; "
                 f"{found['nodes']} nodes of the subdivision of the cyclic system, {found['tests']} Krawczyk tests)"]
    else:
        lines = [f"{head} has exactly {len(entries)} {noun}{scope} (complete: {found['why']}; "
                 f"{found['nodes']} nodes of the subdivision of the cyclic system, {found['tests']} Krawczyk tests)"]
    for k, (K, st) in enumerate(found["orbits"]):
        lines.append(f"orbit {k + 1}: z_0 in ({_point_text(K, 0, m.n)}); {st}")
    return Statement("\n".join(lines), 1)
