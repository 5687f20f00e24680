"""Topological entropy by the Milnor-Thurston kneading determinant (trusted kernel).

Theorem (Milnor-Thurston 1988, "On iterated maps of the interval", Thm 6.3 with Lemma 4.5). Let
f: I -> I be continuous on a compact interval I = [a, b], with turning points c_1 < ... < c_m in
(a, b) (m >= 1) and f strictly monotone on each lap I_0 = [a, c_1], ..., I_m = [c_m, b], of
orientation eps_j = +1 (increasing) or -1. The invariant coordinate of x one-sidedly off the turning
points is theta(x) = sum_k eps(x_0) ... eps(x_(k-1)) I(x_k) t^k (x_k = f^k(x), I(x_k) its lap), a
power series with coefficients in the vector space spanned by the laps; the kneading increments are
nu_i = theta(c_i+) - theta(c_i-) = sum_j N_ij(t) I_j, and the kneading determinant is
D(t) = (-1)^(j+1) D_j(t) / (1 - eps_j t), D_j the determinant of N without column j (independent
of j). With s = exp(-h_top(f)) (s = 1 when h_top = 0): D is holomorphic in |t| < 1, D(t) != 0 for
|t| < s, and D(s) = 0 when s < 1. Hence, for 0 < s_lo < s_hi < 1,
    D != 0 on [0, s_lo]  implies  s > s_lo, so h_top(f) < -log s_lo, and
    D(t0) = 0 for some t0 in (s_lo, s_hi)  implies  s <= t0, so h_top(f) > -log s_hi.

Computation. c_i+ and c_i- have the same image side: f(c_i +- d) lies on the side sigma = eps_i of
f(c_i) (below a maximum, above a minimum), and afterwards both follow the one-sided orbit of
(f(c_i), sigma), so nu_i = I_i - I_(i-1) + 2 eps_i t theta(f(c_i) from side sigma). Along a
one-sided orbit (y, sigma) the lap is the lap of y when y is not a turning point, and the lap on the
sigma side when y = c_j exactly; the side then becomes sigma * eps(lap). The kernel follows each
orbit for K steps: exactly (PL maps; polynomial maps with a rational turning point while the
iterate has at most EXACT_BITS bits) or in balls at the fact's precision, where a lap is decided
only when the ball lies strictly between two turning points (else the fact fails). Every
coefficient of N_ij beyond t^0 is 0 or +-2, so N = P + R with P the exact integer polynomial of
degree <= K and |R_ij(t)| <= r = 2 t^(K+1) / (1 - t), |P_ij(t)| <= g = (1 + t) / (1 - t) for
0 <= t < 1. With Q = det P (column 0 removed; Q(0) = 1) and multilinearity in the columns plus
Hadamard's inequality, |D_0(t) - Q(t)| <= e = ceil(m^(m/2)) ((g + r)^m - g^m) on [0, t1], the
bounds taken at t1 = the largest t used. Checked exactly: |Q(0)| > e; Q - e and Q + e have no real
root in [0, s_lo] (flint's certified root counts), so D_0 keeps the sign of Q(0) there; and with
s_hi, Q(s_hi) is beyond e on the other side, so D_0 changes sign in (s_lo, s_hi).
Hypotheses checked: f piecewise linear (exact table) or a polynomial with rational coefficients; no
flat piece meeting I (PL), f' not zero at a or b and its real roots of odd multiplicity in (a, b)
isolated by flint (polynomials); f(I) in I and continuity are checked by `entropy`.
"""

from __future__ import annotations

from math import isqrt

from flint import arb, ctx, fmpq, fmpq_poly, fmpz_poly

from certify.certificates import q_parse, q_str
from certify.checker.polynomials import count_real_roots
from certify.checker.statement import Failure, whole

__all__ = ["MAX_K", "MAX_TURNS", "MAX_PREC", "EXACT_BITS", "Turns", "turns_of", "kneading_poly", "tail_bound",
           "check_kneading", "check_monotone", "decide", "Undecided"]

MAX_K = 1024       # orbit steps (the degree of the truncated determinant)
MAX_TURNS = 16     # turning points of f in I
MAX_PREC = 16384   # ball precision (bits) of the orbits of irrational or high iterates
EXACT_BITS = 4096  # a polynomial orbit is followed exactly while the iterate's height stays below this


class Undecided(Failure):
    """A turning orbit's ball meets a turning point: its lap (symbol) is not decided at this precision."""


class Turns:
    """The turning points of f on I, each an exact rational (lo == hi) or a rational isolating interval
    of one irrational turning point, in increasing order; eps[j] the orientation of lap j."""

    def __init__(self, points, eps, exact_step, ball_step):
        self.points, self.eps, self.exact_step, self.ball_step = points, eps, exact_step, ball_step

    def lap(self, y, sigma: int) -> int:
        """The lap of the one-sided point (y, sigma): y an fmpq or an arb ball."""
        below = above = 0
        for j, (a, b) in enumerate(self.points):
            if isinstance(y, arb):
                if y.upper() < arb(a):
                    above += 1
                elif y.lower() > arb(b):
                    below += 1
            elif a == b == y:
                return j + 1 if sigma > 0 else j
            elif y < a:
                above += 1
            elif y > b:
                below += 1
        if below + above != len(self.points):
            raise Undecided("an orbit point is not separated from a turning point")
        return below


def _pl_turns(pl, lo, hi) -> Turns:
    signs, points = [], []
    for plo, phi, A, _ in pl.pieces():
        if (plo is not None and plo >= hi) or (phi is not None and phi <= lo):
            continue
        sg = (A > 0) - (A < 0)
        if sg == 0:
            raise Failure("f has a flat piece on I (the kneading theory here needs strictly monotone laps)")
        if signs and sg != signs[-1]:
            points.append((plo, plo))
        if not signs or sg != signs[-1]:
            signs.append(sg)
    return Turns(points, signs, pl, None)


def _poly_turns(prog, lo, hi) -> Turns:
    from certify.checker.semantics import eval_exact, eval_ball

    poly = eval_exact(prog, fmpq_poly([0, 1]))
    d = poly.derivative()
    if d.is_zero() or d(lo) == 0 or d(hi) == 0:
        raise Failure("f' vanishes at an end of I (or everywhere)")
    points = []
    if d.degree() >= 1:
        for g, mult in d.factor()[1]:
            if mult % 2 == 0:
                continue  # f' keeps its sign across a root of even multiplicity: not a turning point
            g = fmpq_poly(g)
            if g.degree() == 1:
                c = g.coeffs()
                r = -c[0] / c[1]
                if lo < r < hi:
                    points.append((r, r))
                continue
            for z, _ in g.complex_roots():
                if not z.imag == 0:
                    continue
                a, b = z.real.lower().fmpq(), z.real.upper().fmpq()
                if b < lo or a > hi:
                    continue
                if not (lo < a and b < hi):
                    raise Failure("a turning point's isolating interval meets an end of I")
                points.append((a, b))
    points.sort()
    if any(p[1] >= q[0] for p, q in zip(points, points[1:])):
        raise Failure("turning points not separated")
    eps, cuts = [], [lo] + [x for p in points for x in p] + [hi]
    for j in range(len(points) + 1):
        u, w = cuts[2 * j], cuts[2 * j + 1]
        for k in range(1, 64):  # a rational point of the lap's interior where f' != 0 (finitely many roots)
            v = d(u + (w - u) * fmpq(k, 64))
            if v != 0:
                eps.append(1 if v > 0 else -1)
                break
        else:
            raise Failure("no point of a lap where f' != 0")

    def ball_step(x):
        return eval_ball(prog, x)
    return Turns(points, eps, lambda x: poly(x), ball_step)


def turns_of(prog, pl, lo, hi, allow_none: bool = False) -> Turns:
    """The turning points and lap orientations of f on I = [lo, hi] (Failure outside the hypotheses)."""
    if pl is not None:
        t = _pl_turns(pl, lo, hi)
    elif prog.is_polynomial() and not prog.has_param():
        t = _poly_turns(prog, lo, hi)
    else:
        raise Failure("kneading facts are checked for piecewise-linear and polynomial maps")
    if allow_none and not t.points:
        return t
    if not 1 <= len(t.points) <= MAX_TURNS:
        raise Failure(f"the kneading fact needs 1..{MAX_TURNS} turning points in I, f has {len(t.points)}")
    return t


def _bits(q: fmpq) -> int:
    return max(abs(int(q.p)).bit_length(), int(q.q).bit_length())


def _orbit(T: Turns, i: int, K: int):
    """[(lap, sign)] for k = 0..K-1 along the one-sided orbit of f(c_i) from the side eps_i."""
    a, b = T.points[i]
    sigma = T.eps[i + 1]
    if a == b:
        y = T.exact_step(a)
    else:
        from certify.checker.semantics import ball_of
        y = T.ball_step(ball_of(a, b))
    out, sign = [], 1
    for k in range(K):
        try:
            lap = T.lap(y, sigma)
        except Undecided:
            raise Undecided(f"the orbit of turning point {i + 1}: step {k + 1} meets a turning point at "
                            f"{ctx.prec} bits") from None
        out.append((lap, sign))
        sign *= T.eps[lap]
        sigma *= T.eps[lap]
        if k + 1 < K:
            if not isinstance(y, arb) and (T.ball_step is None or _bits(y) <= EXACT_BITS):
                y = T.exact_step(y)
            else:
                y = T.ball_step(arb(y) if not isinstance(y, arb) else y)
            if isinstance(y, arb) and not y.is_finite():
                raise Undecided(f"the orbit of turning point {i + 1} is not finite in balls")
    return out


def _det(M) -> fmpz_poly:
    """The determinant of a square matrix of integer polynomials (Bareiss, exact divisions)."""
    n = len(M)
    M = [row[:] for row in M]
    prev, sign = fmpz_poly([1]), 1
    for k in range(n - 1):
        if M[k][k] == 0:
            p = next((p for p in range(k + 1, n) if M[p][k] != 0), None)
            if p is None:
                return fmpz_poly([])
            M[k], M[p], sign = M[p], M[k], -sign
        for i in range(k + 1, n):
            for j in range(k + 1, n):
                q, r = divmod(M[i][j] * M[k][k] - M[i][k] * M[k][j], prev)
                if r != 0:
                    raise Failure("internal: an inexact Bareiss division")
                M[i][j] = q
        prev = M[k][k]
    return sign * M[n - 1][n - 1]


def kneading_poly(T: Turns, K: int):
    """Q = det of the kneading matrix truncated at degree K, without column 0 (an fmpz_poly)."""
    m = len(T.points)
    rows = []
    for i in range(m):
        co = [[0] * (K + 1) for _ in range(m + 1)]
        co[i][0], co[i + 1][0] = -1, 1
        for k, (lap, sgn) in enumerate(_orbit(T, i, K)):
            co[lap][k + 1] += 2 * T.eps[i + 1] * sgn
        rows.append([fmpz_poly(c) for c in co[1:]])
    return _det(rows), m


def tail_bound(m: int, K: int, t1: fmpq) -> fmpq:
    """e >= |D_0(t) - Q(t)| for 0 <= t <= t1 < 1 (Hadamard on the columns; module docstring)."""
    g = (1 + t1) / (1 - t1)
    r = 2 * t1 ** (K + 1) / (1 - t1)
    h = isqrt(m ** m)
    h += h * h < m ** m
    return h * ((g + r) ** m - g ** m)


def check_monotone(prog, pl, lo, hi) -> None:
    """A `monotone` fact: f strictly monotone on I = [lo, hi] (no turning point in I; PL: no flat piece;
    polynomial: no root of odd multiplicity of f' in I), so laps(f^n|I) = 1 and h_top(f|I) = 0."""
    if not lo < hi:
        raise Failure("monotone is used on an interval I with lo < hi")
    if turns_of(prog, pl, lo, hi, allow_none=True).points:
        raise Failure("f has a turning point in I")


def check_kneading(prog, pl, lo, hi, fact: dict):
    """Verify a `kneading` fact on I = [lo, hi]: returns (s_lo, s_hi or None, m)."""
    K = whole(fact["K"], "K", 1, MAX_K)
    prec = whole(fact["prec"], "prec", 64, MAX_PREC)
    s_lo = q_parse(fact["s_lo"])
    s_hi = None if fact["s_hi"] is None else q_parse(fact["s_hi"])
    if not (0 < s_lo < 1) or (s_hi is not None and not s_lo < s_hi < 1):
        raise Failure("0 < s_lo < s_hi < 1")
    if not lo < hi:
        raise Failure("kneading theory is used on an interval I with lo < hi")
    with ctx.workprec(prec):
        Q, m = kneading_poly(turns_of(prog, pl, lo, hi), K)
    decide(Q, m, K, s_lo, s_hi)
    return s_lo, s_hi, m


def decide(Q: fmpz_poly, m: int, K: int, s_lo: fmpq, s_hi) -> None:
    """The exact tests of a kneading fact on Q = the truncated determinant (Failure if one fails)."""
    e = tail_bound(m, K, s_hi if s_hi is not None else s_lo)
    Qq = fmpq_poly(Q)
    q0 = Qq(0)
    if not abs(q0) > e:
        raise Failure(f"|Q(0)| = {q_str(abs(q0))} is not above the tail bound (K = {K} too small)")
    if count_real_roots(Qq - e, 0, s_lo) or count_real_roots(Qq + e, 0, s_lo):
        raise Failure(f"D is not proved non-zero on [0, {q_str(s_lo)}] at K = {K} (|Q| reaches the tail bound)")
    if s_hi is not None and not (Qq(s_hi) * (1 if q0 > 0 else -1) < -e):
        raise Failure(f"D is not proved to change sign on [{q_str(s_lo)}, {q_str(s_hi)}] at K = {K}")
