"""Bounded regions that provably hold every periodic point of a map on the real line.

Part of the trusted kernel. Throughout, f : R -> R is continuous, P is a periodic orbit (a finite
nonempty set with f(P) = P), and a *region* is a closed interval S = [L, U] (None for an infinite
end; L = U is allowed and is the one-point set {L}) or "empty" (no such P at all). A region
*holds the orbits of a class* (all periodic orbits, or those of minimal period >= 2) when every
point of every such orbit lies in it.

Rules for piecewise-linear f (the `PL` table: breaks t_1 < ... < t_m, f = s_k x + c_k on the
closed piece k; the table is all the rules read):

(R0) Pieces. `_pieces_in(f, S)` lists the pieces of f meeting S, clipped to S, as closed
     intervals covering S, each with the slope and intercept of f on it; a one-point S = [L, L]
     is one degenerate piece [L, L] (with either neighbouring formula when L is a break: f is
     continuous, so both give f(L)). Nothing else may be assumed of a piece: it can have slope 0
     (a constant piece or tail), slope 1 and intercept 0 (identity), or zero length (L = U).

(R1) Lyapunov rules. Hypotheses: S holds the orbits of the class; V : R -> R continuous; P an orbit
     of the class; q in P with V(q) = max_P V. Then
       (i)   f(q) in P, so V(f(q)) <= V(q):  max_P V <= sup{ V(x) : x in S, V(f(x)) <= V(x) };
       (ii)  q = f(w) for some w in P (f(P) = P), V(f(w)) = V(q) >= V(w):
                                             max_P V <= sup{ V(f(w)) : w in S, V(f(w)) >= V(w) };
     the sup of the empty set is -inf: then no orbit of the class exists ("empty"). `refine` uses
     V(x) = alpha x (x >= 0), -beta x (x < 0): V = x (1, -1) bounds P above, V = -x (-1, 1) below,
     a weighted |x| (1, beta > 0) on both sides, where V >= 0 makes a negative bound "empty".
     The sets are computed on each piece of (R0), split at 0 and at the zero of f, where V(x) and
     V(f(x)) are affine in x, so each set is a finite union of closed intervals and each sup is
     attained at an end (or is +inf on an unbounded one).
(R2) Preimage rule. Hypotheses: S holds the orbits of the class. Every x in P has f(x) in P, so
     in S: P lies in hull{ x in S : f(x) in S }, computed exactly per piece by `_affine_sub` (a
     constant piece is all in or all out).
(R3) Rounding. The result of a round is widened outward to the grid 2^-24 (a superset still holds
     the orbits); L > U after (R1) means "empty".
(R4) Fixed tails. Hypothesis: f = id (slope 1, intercept 0) on the tail piece (-inf, t_1] (or
     [t_m, +inf)). Every point of that closed tail is fixed, so no orbit of minimal period >= 2
     meets it and S = [t_1, +inf) (or (-inf, t_m]) holds those orbits; if f = id on all of R no
     such orbit exists ("empty"). Valid only for claims about minimal period p >= 2: the kernel
     refuses a `nonfixed` region for p = 1.
(R5) `pl_region(f, n, nonfixed)`: n rounds of (R1)-(R3) from S = R (which holds every orbit), or
     from (R4) when `nonfixed`. By induction every round's S holds the orbits of the class, so the
     result does; the checker re-runs the same rounds and compares.

For polynomials of degree d >= 2 (R6): f(x)^2 - x^2 has degree 2d > 2 and a positive leading
coefficient, so it is positive for |x| > M, M its Cauchy bound: |f(x)| > |x| there. The point q of
P with the largest |x| has |f(q)| <= |q| (f(q) in P), so |q| <= M and P lies in [-M, M].

Contracting tails (R7). Hypotheses: f(x) = s x + h(x) for all real x, with |s| < 1 and
|h(x)| <= B everywhere, and a radius R with (1 - |s|) R >= B. Then
  (a) |f(x)| <= |s| |x| + B < |x| for |x| > R (as (1 - |s|) |x| > (1 - |s|) R >= B), and
  (b) |f(x)| <= |s| R + B <= R for |x| <= R.
Let q be the point of P with the largest |q|, and w in P with f(w) = q (f(P) = P). If |w| > R,
(a) gives |q| < |w| <= |q|, impossible; so |w| <= R and, by (b), every point of P has |x| <= |q|
<= R. Then every x in P is f(w') for some w' in P, in [-R, R]: P lies in f([-R, R]).
`affine_tail(prog)` finds s and an enclosure of h(R) from the program's structure alone (a slot
whose whole-line range is bounded has s = 0; x has s = 1; sums add; a product by an x-free
factor c scales both), so the hypotheses hold on the whole unbounded line by construction, not
by sampling. (One-sided tails alone do not suffice: f(x) = -x has f(x) < x for x > 0 and f(x) > x
for x < 0, yet every point is periodic.)

Expanding tails (R8), the mirror of (R7). Hypotheses: f(x) = s x + h(x) for all real x, with
|s| > 1, |h(x)| <= B everywhere, and R with (|s| - 1) R >= B. For |x| > R,
|f(x)| >= |s| |x| - B > |x| (as (|s| - 1) |x| > (|s| - 1) R >= B). The point q of P with the
largest |q| has f(q) in P, so |f(q)| <= |q|, hence |q| <= R: P lies in [-R, R]. (|s| = 1 is
excluded: f(x) = -x + h can have periodic points everywhere.)

Half-bounded maps (R9), the one-sided form of "P lies in f(R)". Hypotheses (side "above"): f(x) <= M
for every real x, and f(x) >= m for every x <= M (both from extended-real range enclosures, the
second over the half-line (-inf, M]). Then P = f(P) lies in (-inf, M], so P = f(P) lies in
f((-inf, M]), in [m, +inf): P lies in [m, M]. Side "below" is the mirror image (f >= m on R, f <= M
on [m, +inf)). This decides maps bounded on one side only, whose other tail runs off to infinity:
1 - exp(x), an ELU unit with a negative output weight.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from flint import arb, fmpq, fmpq_poly

from certify.checker.semantics import PL, Program, eval_exact, slot_ranges

_GRID = 2 ** 24  # regions are rounded outward to this dyadic grid so their size stays small


def _affine_sub(s, c, lo, hi, A, B):
    """{x in [lo, hi] : A <= s*x + c <= B} as (l, h), or None if empty. None bounds are infinite."""
    l, h = lo, hi
    if s == 0:
        if (A is not None and c < A) or (B is not None and c > B):
            return None
        return l, h
    lower_arg, upper_arg = (A, B) if s > 0 else (B, A)
    if lower_arg is not None:
        t = (lower_arg - c) / s
        l = t if l is None or t > l else l
    if upper_arg is not None:
        t = (upper_arg - c) / s
        h = t if h is None or t < h else h
    if l is not None and h is not None and l > h:
        return None
    return l, h


def _pieces_in(pl: PL, S):
    """(lo, hi, slope, intercept) of the pieces of f meeting S, clipped to S (None = infinite)."""
    L, U = S
    if L is not None and L == U:  # a one-point region, possibly a break: the piece to its right
        k = bisect_right(pl.breaks, L)
        yield L, L, pl.slopes[k], pl.icepts[k]
        return
    k0 = 0 if L is None else bisect_right(pl.breaks, L)
    k1 = len(pl.breaks) if U is None else bisect_left(pl.breaks, U)
    ends = pl.breaks
    for k in range(k0, k1 + 1):
        lo = ends[k - 1] if k > 0 else None
        hi = ends[k] if k < len(ends) else None
        l = L if lo is None or (L is not None and L > lo) else lo
        h = U if hi is None or (U is not None and U < hi) else hi
        if l is not None and h is not None and l > h:
            continue
        yield l, h, pl.slopes[k], pl.icepts[k]


_ZERO, _ONE = fmpq(0), fmpq(1)


def _sign_pieces(pl: PL, S):
    """Pieces of f inside S, split at 0 and at zeros of f: (l, h, s, c, sign of x, sign of f)."""
    for l, h, s, c in _pieces_in(pl, S):
        cuts = []
        if (l is None or l < 0) and (h is None or h > 0):
            cuts.append(_ZERO)
        if s != 0:
            z = -c / s
            if (l is None or z > l) and (h is None or z < h) and z != 0:
                if cuts and z < 0:
                    cuts.insert(0, z)
                else:
                    cuts.append(z)
        a = l
        for b in cuts + [h]:
            if a is None:
                probe = _ZERO if b is None else b - _ONE
            else:
                probe = a + _ONE if b is None else (a + b) / 2
            yield a, b, s, c, (1 if probe >= 0 else -1), (1 if s * probe + c >= 0 else -1)
            a = b


def _sup_bounds(pl: PL, S, Vs):
    """For each V in Vs, upper bounds on max_P V from rules (i) and (ii), in one pass over f's pieces.

    V = (alpha, beta) is the continuous function alpha*x for x >= 0 and -beta*x for x < 0;
    (1, -1) is x, (-1, 1) is -x, (1, 1) is |x|. A bound is None for +inf and "empty" when no
    point of S can be the maximiser.
    """
    best = [["empty", "empty"] for _ in Vs]

    def add(k, r, bound):
        b = best[k][r]
        if b == "empty":
            best[k][r] = bound
        elif b is not None:
            best[k][r] = None if bound is None else max(b, bound)

    for a, b, s, c, sx, sf in _sign_pieces(pl, S):
        for k, (alpha, beta) in enumerate(Vs):
            e1 = alpha if sx > 0 else -beta  # V(x) = e1 * x on this piece
            e2 = alpha if sf > 0 else -beta  # V(f(x)) = e2 * (s x + c)
            # V(f(x)) - V(x) = coef*x + const; (i) is where it is <= 0, (ii) where it is >= 0:
            # two complementary half-lines of [a, b], split at t (None: all or nothing).
            coef, const = e2 * s - e1, e2 * c
            if coef == 0:
                ji = (a, b) if const <= 0 else None
                jii = (a, b) if const >= 0 else None
            else:
                t = -const / coef
                below = None if (a is not None and t < a) else (a, t if b is None or t < b else b)
                above = None if (b is not None and t > b) else (t if a is None or t > a else a, b)
                ji, jii = (below, above) if coef > 0 else (above, below)
            if ji is not None:
                end = ji[1] if e1 > 0 else ji[0]
                add(k, 0, None if end is None else e1 * end)
            if jii is not None:
                slope = e2 * s
                if slope == 0:
                    add(k, 1, e2 * c)
                else:
                    end = jii[1] if slope > 0 else jii[0]
                    add(k, 1, None if end is None else e2 * (s * end + c))
    return best


def _weights(pl: PL):
    """Lyapunov functions tried: x and -x always; |x| when one tail reverses sign; when both do,
    the weighted |x| balancing the two tail slopes (so the two-step tail gain decides)."""
    Vs = [(fmpq(1), fmpq(-1)), (fmpq(-1), fmpq(1))]
    sl, sr = pl.slopes[0], pl.slopes[-1]
    if sl < 0 and sr < 0:
        w = sl / sr  # beta ~ sqrt(|sl| / |sr|), a dyadic so the checker computes the same
        beta = fmpq(int((w * 2 ** 40).floor().isqrt()), 2 ** 20)
        Vs.append((fmpq(1), beta if beta > 0 else fmpq(1)))
    elif sl < 0 or sr < 0:
        Vs.append((fmpq(1), fmpq(1)))
    return Vs


def _min_bound(a, b):
    """Smaller of two upper bounds where None is +inf and 'empty' is -inf."""
    if a == "empty" or b == "empty":
        return "empty"
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def _round_out(S):
    L, U = S
    if L is not None:
        L = fmpq((L * _GRID).floor(), _GRID)
    if U is not None:
        U = fmpq(-((-U * _GRID).floor()), _GRID)
    return L, U


def refine(pl: PL, S, nonfixed: bool = False):
    """One round of rules (i)-(iii) for each Lyapunov function of `_weights`: a smaller S, or "empty".
    With `nonfixed` (S holds the points of minimal period >= 2), a result that is one fixed point
    is "empty"."""
    L, U = S
    Vs = _weights(pl)
    for (alpha, beta), rules in zip(Vs, _sup_bounds(pl, S, Vs)):
        bound = _min_bound(*rules)
        if bound == "empty":
            return "empty"
        if bound is None:
            continue
        if beta < 0:  # V = x
            U = bound if U is None or bound < U else U
        elif alpha < 0:  # V = -x
            L = -bound if L is None or -bound > L else L
        else:  # V >= 0 is a weighted |x|: alpha x <= bound (x >= 0), -beta x <= bound (x < 0)
            if bound < 0:
                return "empty"
            U = bound / alpha if U is None or bound / alpha < U else U
            L = -bound / beta if L is None or -bound / beta > L else L
    if L is not None and U is not None and L > U:
        return "empty"
    hull = None
    for l, h, s, c in _pieces_in(pl, (L, U)):
        j = _affine_sub(s, c, l, h, L, U)
        if j is None:
            continue
        hull = j if hull is None else (
            None if hull[0] is None or j[0] is None else min(hull[0], j[0]),
            None if hull[1] is None or j[1] is None else max(hull[1], j[1]))
    if hull is None:
        return "empty"
    if nonfixed and hull[0] is not None and hull[0] == hull[1] and pl(hull[0]) == hull[0]:
        return "empty"  # one fixed point holds no point of minimal period >= 2
    return _round_out(hull)


def fixed_tails(pl: PL):
    """(L, U) holding every point that is not fixed: f(x) = x on a tail piece (slope 1, intercept
    0) makes the whole tail, its break included, fixed points; "empty" when f is the identity."""
    ident = [s == 1 and c == 0 for s, c in zip(pl.slopes, pl.icepts)]
    if not pl.breaks:
        return "empty" if ident[0] else (None, None)
    return (pl.breaks[0] if ident[0] else None, pl.breaks[-1] if ident[-1] else None)


def pl_region(pl: PL, rounds: int, nonfixed: bool = False):
    """Apply `refine` `rounds` times starting from the whole line, or, when `nonfixed` (the claim
    is about points of minimal period >= 2, which are not fixed), from `fixed_tails`: (L, U),
    None ends, or "empty"."""
    S = fixed_tails(pl) if nonfixed else (None, None)
    if S == "empty":
        return S
    for _ in range(rounds):
        S = refine(pl, S, nonfixed)
        if S == "empty":
            return S
    return S


def cauchy_bound(poly: fmpq_poly) -> fmpq:
    """1 + max |a_i / a_n|: every complex root of poly has modulus below it."""
    coeffs = poly.coeffs()
    lead = abs(coeffs[-1])
    return 1 + max((abs(a) / lead for a in coeffs[:-1]), default=fmpq(0))


def polynomial_escape_radius(prog: Program):
    """M with |f(x)| > |x| for all |x| > M, for a polynomial map of degree >= 2; else None."""
    if not prog.is_polynomial() or prog.has_param():
        from certify.checker.algebraic import escape_radius  # coefficients with square roots
        return escape_radius(prog)
    f = eval_exact(prog, fmpq_poly([0, 1]))
    if not isinstance(f, fmpq_poly) or f.degree() < 2:
        return None
    g = f * f - fmpq_poly([0, 0, 1])
    return cauchy_bound(g)


def affine_tail(prog: Program):
    """(s, h): arb balls with f(x) = s0 x + h(x) for all real x, for one real s0 in s and with
    h(x) in h for every x (R7); None when the program's structure does not give such a split.

    Per slot: an x-free slot is a constant in its range; a slot with a bounded whole-line range
    has slope 0; x is (1, 0); a sum adds slopes and enclosures; a product of one slot by x-free
    factors c multiplies both by c. Anything else (x * tanh(x), exp(x), a power) is refused.
    """
    if prog.has_param():
        return None
    ranges = slot_ranges(prog)
    if ranges is None:
        return None
    dep: list[bool] = []
    split: list = []
    zero = arb(0)
    for ins, (lo, hi) in zip(prog.code, ranges):
        op = ins[0]
        args = [] if op in ("x", "const", "pi", "ball", "param", "root") else [ins[1]] if op == "pow" else list(ins[1:])
        d = op == "x" or any(dep[k] for k in args)
        dep.append(d)
        r = None
        if lo.is_finite() and hi.is_finite():
            r = (zero, lo.union(hi))  # bounded (or x-free): slope 0, values in the range
        elif op == "x":
            r = (arb(1), zero)
        elif op == "add" and all(split[k] is not None for k in args):
            r = (sum((split[k][0] for k in args), zero), sum((split[k][1] for k in args), zero))
        elif op == "mul":
            varying = [k for k in args if dep[k]]
            if len(varying) == 1 and all(split[k] is not None for k in args):
                c = arb(1)
                for k in args:
                    if k != varying[0]:
                        c = c * split[k][1]  # an x-free factor: its one value lies in its range
                s, h = split[varying[0]]
                r = (c * s, c * h)
        if r is not None and not (r[0].is_finite() and r[1].is_finite()):
            r = None
        split.append(r)
    return split[-1]


def expanding_radius_ok(prog: Program, R) -> bool:
    """The hypotheses of (R8) for the radius R >= 0: f = s x + h with |s| > 1, |h| <= B and
    (|s| - 1) R >= B, all certainly true in ball arithmetic."""
    got = affine_tail(prog)
    if got is None or R < 0:
        return False
    s, h = got
    return bool(abs(s) > 1 and arb(R) * (abs(s) - 1) >= h.abs_upper())


def half_bounded_ok(prog: Program, side: str, lo, hi) -> bool:
    """The hypotheses of (R9) for the region [lo, hi]: side "above": f <= hi on R and f >= lo on
    (-inf, hi]; side "below": f >= lo on R and f <= hi on [lo, +inf)."""
    if side not in ("above", "below") or not lo <= hi:
        return False
    whole = slot_ranges(prog)
    half = slot_ranges(prog, below=hi) if side == "above" else slot_ranges(prog, above=lo)
    if whole is None or half is None:
        return False
    if side == "above":
        return bool(whole[-1][1] <= arb(hi) and half[-1][0] >= arb(lo))
    return bool(whole[-1][0] >= arb(lo) and half[-1][1] <= arb(hi))


def tail_radius_ok(prog: Program, R) -> bool:
    """The hypotheses of (R7) for the radius R >= 0: f = s x + h with |s| < 1, |h| <= B and
    (1 - |s|) R >= B, all certainly true in ball arithmetic."""
    got = affine_tail(prog)
    if got is None or R < 0:
        return False
    s, h = got
    return bool(abs(s) < 1 and arb(R) * (1 - abs(s)) >= h.abs_upper())
