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
Hypotheses checked: no flat piece meeting I (PL maps); f' not zero at a or b and its real roots of
odd multiplicity in (a, b) isolated by flint (polynomials with rational coefficients); for other
smooth maps, stated isolating intervals [u, v] with f'(u), f'(v) of certain opposite signs and
f'' != 0 on [u, v] (exactly one zero of f', a sign change), and f' != 0 on the rest of I by ball
enclosures on bisection cells (so f is strictly monotone on each lap); f(I) in I and continuity are
checked by `entropy`.
"""

from __future__ import annotations

from math import isqrt

from flint import arb, ctx, fmpq, fmpq_poly, fmpz_poly

from certify.certificates import q_parse, q_str
from certify.checker.polynomials import count_real_roots
from certify.checker.statement import MAX_BALL_WORK, Failure, ball_work, whole

__all__ = ["MAX_K", "MAX_TURNS", "MAX_PREC", "EXACT_BITS", "Turns", "turns_of", "kneading_poly", "tail_bound",
           "check_kneading", "check_monotone", "check_kneading_cycle", "cycle_poly", "decide", "Undecided"]

MAX_K = 1024       # orbit steps K, and m K (the degree of the truncated determinant, m turning points)
MAX_TURNS = 16     # turning points of f in I
MAX_PREC = 16384   # ball precision (bits) of the orbits of irrational or high iterates
MAX_TURN_CELLS = 4096  # bisection cells proving f' != 0 between the turning points of a smooth map
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


def _smooth_turns(prog, lo, hi, raw) -> Turns:
    """Turning points of a smooth map from stated isolating intervals [a, b] inside (lo, hi): f' has
    certain opposite signs at a and b and f'' != 0 on [a, b] (one simple zero: a turning point), the
    interval refined by bisection on the sign of f' to the working precision; f' != 0 between them,
    proved by ball enclosures of f' on at most MAX_TURN_CELLS bisection cells (so f is strictly
    monotone on each lap). Enclosures of f' and f'' over a ball: checker/taylor.py."""
    from certify.certificates import interval_parse
    from certify.checker.semantics import eval_ball
    from certify.checker.taylor import NoSeries, iterate_ball

    if not isinstance(raw, list) or len(raw) > MAX_TURNS:
        raise Failure(f"turns must be a list of at most {MAX_TURNS} intervals")
    iv = [interval_parse(t) for t in raw]
    if ball_work(len(iv) * ctx.prec, ctx.prec) > MAX_BALL_WORK:  # about prec bisection steps per turning point
        raise Failure(f"refining {len(iv)} turning points to {ctx.prec} bits is beyond the kernel's work limit")
    if any(not a < b for a, b in iv) or any(p[1] >= q[0] for p, q in zip(iv, iv[1:])) or \
            (iv and not (lo < iv[0][0] and iv[-1][1] < hi)):
        raise Failure("turns must be increasing disjoint intervals with lo < hi inside the open interval I")

    def coeff(u, v, k):
        try:
            return iterate_ball(prog, u, v, 1, k + 1)[k]
        except NoSeries as e:
            raise Failure(f"f is not proved smooth on [{q_str(u)}, {q_str(v)}] ({e})") from None

    def sign(u, v):
        d = coeff(u, v, 1)
        return 1 if d > 0 else (-1 if d < 0 else 0)

    points, cells = [], [MAX_TURN_CELLS]
    for a, b in iv:
        sa, sb = sign(a, a), sign(b, b)
        if sa == 0 or sb != -sa:
            raise Failure(f"f' does not certainly change sign across [{q_str(a)}, {q_str(b)}]")
        c2 = coeff(a, b, 2)
        if not (c2 > 0 or c2 < 0):
            raise Failure(f"f'' may vanish on [{q_str(a)}, {q_str(b)}] (a single zero of f' is not proved)")
        tol = fmpq(1, 1 << max(ctx.prec - 8, 8)) * max(fmpq(1), abs(a))
        while b - a > tol:
            mid = (a + b) / 2
            sm = sign(mid, mid)
            if sm == 0:
                break
            a, b = (mid, b) if sm == sa else (a, mid)
        points.append((a, b))
    cuts = [lo] + [x for p in iv for x in p] + [hi]
    eps = [_one_sign(sign, cuts[2 * j], cuts[2 * j + 1], cells) for j in range(len(iv) + 1)]
    return Turns(points, eps, None, lambda x: eval_ball(prog, x))


def _one_sign(sign, u, v, cells) -> int:
    """The sign of f' on [u, v], proved non-zero there by bisection (cells[0]: the cells left)."""
    stack, found = [(u, v)], set()
    while stack:
        a, b = stack.pop()
        s = sign(a, b)
        if s != 0:
            found.add(s)
            continue
        cells[0] -= 1
        if cells[0] < 0:
            raise Failure(f"f' != 0 between the turning points is not proved within {MAX_TURN_CELLS} cells")
        mid = (a + b) / 2
        stack += [(mid, b), (a, mid)]
    if len(found) != 1:
        raise Failure("f' changes sign between the turning intervals")
    return found.pop()


def turns_of(prog, pl, lo, hi, allow_none: bool = False, raw=None) -> Turns:
    """The turning points and lap orientations of f on I = [lo, hi] (Failure outside the hypotheses);
    `raw`: the stated isolating intervals of a map that is neither piecewise linear nor polynomial."""
    if prog.has_param():
        raise Failure("a family with a free parameter is not a map")
    if pl is not None:
        t = _pl_turns(pl, lo, hi)
    elif prog.is_polynomial():
        t = _poly_turns(prog, lo, hi)
    else:
        t = _smooth_turns(prog, lo, hi, [] if raw is None else raw)
    if allow_none and not t.points:
        return t
    if not 1 <= len(t.points) <= MAX_TURNS:
        raise Failure(f"the kneading fact needs 1..{MAX_TURNS} turning points in I, f has {len(t.points)}")
    return t


def _bits(q: fmpq) -> int:
    return max(abs(int(q.p)).bit_length(), int(q.q).bit_length())


def _orbit(T: Turns, i: int, K: int, point: bool = False):
    """[(lap, sign)] for k = 0..K-1 along the one-sided orbit of f(c_i) from the side eps_i (and, with
    `point`, the orbit's point after K steps)."""
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
        if k + 1 < K or point:
            if not isinstance(y, arb) and (T.ball_step is None or _bits(y) <= EXACT_BITS):
                y = T.exact_step(y)
            else:
                y = T.ball_step(arb(y) if not isinstance(y, arb) else y)
            if isinstance(y, arb) and not y.is_finite():
                raise Undecided(f"the orbit of turning point {i + 1} is not finite in balls")
    return (out, y) if point else out


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
    with ctx.workprec(max(ctx.prec, 128)):
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
    with ctx.workprec(prec):
        T = _stated_turns(prog, pl, lo, hi, fact)
        if len(T.points) * K > MAX_K:  # Q has degree up to m K: its exact root counts grow fast with it
            raise Failure(f"m K = {len(T.points)} x {K} is beyond the kernel's limit {MAX_K} on the degree of the "
                          "truncated determinant")
        Q, m = kneading_poly(T, K)
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


# ----------------------------------------------------------------------------- eventually periodic turning orbits

MAX_CYCLE = 64    # the period p of a trap
MAX_PREFIX = 4096  # the steps k before a turning orbit enters its trap
MAX_CYCLE_DEGREE = 4096  # sum over the traps of k + p + 1: bounds the degree of the exact determinant


def _trapped(T: Turns, pl, prog, i: int, k: int, p: int, J):
    """(prefix, cycle, sigma) for turning point i: the one-sided orbit of f(c_i) after k steps lies in
    J = [a, b], f^p(J) is inside J, and every f^j(J), j < p, lies strictly inside one lap (so from step k
    on the laps repeat with period p forever). prefix: [(lap, sign)] for steps 0..k-1; cycle: the p
    (lap, sign) from step k on; sigma: the product of the orientations along the cycle."""
    from certify.checker.facts import pl_image
    from certify.checker.semantics import ball_of, eval_ball

    a, b = J
    prefix, y = _orbit(T, i, k, point=True)
    if isinstance(y, arb):
        if not (arb(a) <= y.lower() and y.upper() <= arb(b)):
            raise Failure(f"the orbit of turning point {i + 1} after {k} steps is not proved inside its trap")
    elif not a <= y <= b:
        raise Failure(f"the orbit of turning point {i + 1} after {k} steps is not inside its trap")
    sign = prefix[-1][1] * T.eps[prefix[-1][0]] if prefix else 1
    cycle, u, v, Z = [], a, b, None
    for j in range(p):
        X = ball_of(u, v) if pl is not None else (Z if Z is not None else ball_of(a, b))
        try:
            lap = T.lap(X, 1)
        except Undecided:
            raise Failure(f"the trap of turning point {i + 1}: its image {j} meets a turning point") from None
        cycle.append((lap, sign))
        sign *= T.eps[lap]
        if pl is not None:
            u, v = pl_image(pl, u, v)
        else:  # mean-value form: f(X) in f(c) + f'(X) (X - c), c the centre of X (f is C^1 here)
            c = arb(X.mid())
            Z = T.ball_step(c) + eval_ball(prog, X, deriv=True)[1] * (X - c)
    if pl is not None:
        inside = a <= u and v <= b
    else:
        inside = Z.is_finite() and arb(a) <= Z.lower() and Z.upper() <= arb(b)
    if not inside:
        raise Failure(f"f^{p} does not map the trap of turning point {i + 1} into itself")
    sigma = 1
    for lap, _ in cycle:
        sigma *= T.eps[lap]
    return prefix, cycle, sigma


def cycle_poly(T: Turns, pl, prog, traps) -> fmpz_poly:
    """P = prod_i (1 - sigma_i t^p_i) D_0(t): the exact kneading determinant (column 0 removed) of
    turning orbits that are all eventually trapped, cleared of its denominators (non-zero on [0, 1))."""
    m = len(T.points)
    if len(traps) != m:
        raise Failure(f"one trap per turning point ({m})")
    rows = []
    for i, (k, p, J) in enumerate(traps):
        prefix, cycle, sigma = _trapped(T, pl, prog, i, k, p, J)
        den = fmpz_poly([1] + [0] * (p - 1) + [-sigma])
        co = [fmpz_poly([]) for _ in range(m + 1)]
        co[i] += fmpz_poly([-1]) * den
        co[i + 1] += fmpz_poly([1]) * den
        e2 = 2 * T.eps[i + 1]
        for j, (lap, s) in enumerate(prefix):
            co[lap] += fmpz_poly([0] * (j + 1) + [e2 * s]) * den
        for j, (lap, s) in enumerate(cycle):
            co[lap] += fmpz_poly([0] * (k + j + 1) + [e2 * s])
        rows.append(co[1:])
    return _det(rows)


def _stated_turns(prog, pl, lo, hi, fact: dict):
    """The turning points of f in I (lo < hi) for a kneading fact, which states isolating intervals
    (`turns`) exactly when f is neither PL nor a polynomial."""
    if not lo < hi:
        raise Failure("kneading theory is used on an interval I with lo < hi")
    smooth = pl is None and not prog.is_polynomial()
    if smooth != ("turns" in fact):
        raise Failure("the fact states turns (isolating intervals) exactly when f is neither PL nor a polynomial")
    return turns_of(prog, pl, lo, hi, raw=fact.get("turns"))


def check_kneading_cycle(prog, pl, lo, hi, fact: dict):
    """Verify a `kneading_cycle` fact: (s_lo, s_hi, minpoly text) of the least zero of D in (0, 1), or
    None when D has no zero in [0, 1) (h = 0)."""
    from certify.certificates import interval_parse

    prec = whole(fact["prec"], "prec", 64, MAX_PREC)
    raw = fact["traps"]
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_TURNS:
        raise Failure(f"traps: a list of 1..{MAX_TURNS} entries")
    traps = []
    for t in raw:
        if not isinstance(t, dict) or set(t) != {"k", "p", "J"}:
            raise Failure("each trap has the keys k, p, J")
        traps.append((whole(t["k"], "k", 0, MAX_PREFIX), whole(t["p"], "p", 1, MAX_CYCLE), interval_parse(t["J"])))
    if sum(k + p + 1 for k, p, _ in traps) > MAX_CYCLE_DEGREE:  # the exact root counts grow fast with the degree
        raise Failure(f"the traps' steps k + p + 1 sum beyond the kernel's limit {MAX_CYCLE_DEGREE} on the degree of "
                      "the determinant")
    with ctx.workprec(prec):
        Pz = cycle_poly(_stated_turns(prog, pl, lo, hi, fact), pl, prog, traps)
    P = fmpq_poly(Pz)
    if P.is_zero() or P(0) == 0:
        raise Failure("internal: the cleared determinant vanishes at 0")
    if fact["s"] is None:
        if fact["minpoly"] is not None:
            raise Failure("minpoly is null when D has no zero in (0, 1)")
        if count_real_roots(P, 0, 1) - (P(1) == 0) != 0:
            raise Failure("D has a zero in (0, 1): h > 0")
        return None
    a, b = interval_parse(fact["s"])
    if not 0 < a <= b < 1:
        raise Failure("0 < s.lo <= s.hi < 1")
    if count_real_roots(P, 0, b) != 1 or count_real_roots(P, a, b) != 1:
        raise Failure(f"[{q_str(a)}, {q_str(b)}] does not hold the least zero of D in (0, 1) alone")
    from certify.checker.markov import poly_text
    hits = [g for g, _ in Pz.factor()[1] if count_real_roots(fmpq_poly(g), a, b) >= 1]
    if len(hits) != 1:
        raise Failure("no single irreducible factor vanishes at the least zero")
    g = -hits[0] if hits[0].coeffs()[-1] < 0 else hits[0]
    if poly_text(g) != fact["minpoly"]:
        raise Failure(f"the minimal polynomial of s is {poly_text(g)}, not {fact['minpoly']!r}")
    if g.degree() == 1 and a != b:
        raise Failure("a rational s is stated exactly (s.lo = s.hi)")
    return a, b, fact["minpoly"]
