"""Taylor coefficients of a map: exactly at a rational point, or enclosed over a ball (trusted kernel).

Non-hyperbolic periodic points (f'(x0) = 1 at a fixed point, a tangency, a period-doubling point)
defeat Krawczyk's test: g = f^p - id has a multiple root there. When the root x0 is rational and
every elementary function meets it at a point where its value is rational (tanh, sin, atan at 0,
exp and cos at 0, log at 1, sqrt at the square of a rational), the Taylor coefficients of f^p at
x0 are rationals, computed here exactly. Theorem used (Taylor with Lagrange remainder):

  (M) Let g be k times differentiable on X = [lo, hi] (k >= 1), x0 in X, g(x0) = g'(x0) = ... =
      g^(k-1)(x0) = 0 exactly, and g^(k)(xi)/k! != 0 for every xi in X (an enclosure of it
      over X excludes 0). Then for x in X, g(x) = g^(k)(xi)/k! (x - x0)^k for some xi between
      x0 and x, which is non-zero unless x = x0: x0 is the only zero of g in X.

Both evaluations run the same truncated power-series recurrences (w = F(u) with w' = F'(u) u') on
coefficient lists: exactly over fmpq at a rational x0, or in arb over the ball X, where each
coefficient encloses g^(j)(xi)/j! for every xi in X (arb's inclusion property, operation by
operation). Smoothness is part of the evaluation: max, min and abs need a branch certain on X
(exactly: a strict comparison at x0), log and sqrt a positive argument, negative powers a non-zero
one; otherwise the evaluation refuses (NoSeries), and nothing is proved. Order 0 (the value alone)
allows ties and sqrt(0): that is exact evaluation of f, not a derivative.
"""

from __future__ import annotations

from math import isqrt

from flint import arb, ctx, fmpq

from certify.checker.semantics import MONOTONE, NotExact, Program, _ipow, _mono, _sq, ball_of, root_of

MAX_ORDER = 12  # the highest multiplicity a certificate may state (series of length 13)


class NoSeries(Exception):
    """The map is not proved smooth where its Taylor coefficients were asked for."""


_SPECIAL = {"tanh": (0, 0), "sin": (0, 0), "atan": (0, 0), "exp": (0, 1), "cos": (0, 1), "log": (1, 0)}


def _exact_const(op: str, c: fmpq, n: int) -> fmpq:
    """F(c) exactly, for the special points where it is rational; NotExact elsewhere."""
    if op == "sqrt":
        if c < 0 or (c == 0 and n > 1):
            raise NoSeries("sqrt at a non-positive argument")
        a, b = isqrt(int(c.p)), isqrt(int(c.q))
        if a * a != c.p or b * b != c.q:
            raise NotExact("sqrt of a rational that is not a square")
        return fmpq(a, b)
    at, value = _SPECIAL[op]
    if c != at:
        raise NotExact(f"{op} at {c}: not a point where its value is rational")
    return fmpq(value)


def _ball_const(op: str, c: arb) -> arb:
    if op in ("log", "sqrt") and not c > 0:
        raise NoSeries(f"{op} of an argument not proved positive")
    return _mono(op, c) if op in MONOTONE else getattr(c, op)()


def _mul(a, b, n):
    return [sum((a[i] * b[k - i] for i in range(1, k + 1)), a[0] * b[k]) for k in range(n)]


def _square(a, n, exact):
    """a^2; over balls the constant term is the tight enclosure of {t^2 : t in a_0} (never negative)."""
    r = _mul(a, a, n)
    return r if exact else [_sq(a[0])] + r[1:]


def _nonzero(c, exact: bool) -> bool:
    return c != 0 if exact else (c > 0 or c < 0)


def _inv(u, n, exact):
    if not _nonzero(u[0], exact):
        raise NoSeries("division by a series whose value may vanish")
    w = [1 / u[0]]
    for k in range(1, n):
        w.append(-w[0] * sum((u[j] * w[k - j] for j in range(2, k + 1)), u[1] * w[k - 1]))
    return w


def _compose(u, w0, dF, n):
    """w = F(u) from w0 = F(u0) and w' = dF(w, u) u', where dF gives the series of F'(u) from the
    coefficients of w known so far (its coefficient m needs w_0..w_m only)."""
    w = [w0]
    for k in range(1, n):
        d = dF(w, k - 1)  # F'(u) up to order k - 1
        w.append(sum((j * u[j] * d[k - j] for j in range(2, k + 1)), u[1] * d[k - 1]) / k)
    return w


def _unary(op: str, u, n: int, exact: bool):
    c = u[0]
    if op == "abs":
        if n == 1 and exact:
            return [abs(c)]
        if not _nonzero(c, exact):
            raise NoSeries("abs at a point where its argument may vanish")
        return u if c > 0 else [-v for v in u]
    w0 = _exact_const(op, c, n) if exact else _ball_const(op, c)
    if n == 1:
        return [w0]
    one = c * 0 + 1
    if op == "exp":
        return _compose(u, w0, lambda w, m: w, n)
    if op == "tanh":
        def d_tanh(w, m):  # 1 - w^2, up to order m (w is known up to order m)
            sq = _square(w, m + 1, exact)
            return [one - sq[0]] + [-s for s in sq[1:]]
        return _compose(u, w0, d_tanh, n)
    if op in ("sin", "cos"):
        s0 = _exact_const("sin", c, n) if exact else c.sin()
        c0 = _exact_const("cos", c, n) if exact else c.cos()
        s, co = [s0], [c0]
        for k in range(1, n):
            s.append(sum((j * u[j] * co[k - j] for j in range(1, k + 1)), c * 0) / k)
            co.append(-sum((j * u[j] * s[k - j] for j in range(1, k + 1)), c * 0) / k)
        return s if op == "sin" else co
    if op == "atan":
        sq = _square(u, n, exact)
        d = _inv([one + sq[0]] + sq[1:], n, exact)
        return _compose(u, w0, lambda w, m: d, n)
    if op == "log":
        d = _inv(u, n, exact)
        return _compose(u, w0, lambda w, m: d, n)
    if op == "sqrt":
        w = [w0]
        for k in range(1, n):
            w.append((u[k] - sum((w[i] * w[k - i] for i in range(1, k)), c * 0)) / (2 * w0))
        return w
    raise NoSeries(op)


def _pow(u, e: int, n: int, exact: bool):
    if e < 0:
        return _pow(_inv(u, n, exact), -e, n, exact)
    result = [u[0] * 0 + 1] + [u[0] * 0] * (n - 1)
    base, m = u, e
    while m:
        if m & 1:
            result = _mul(result, base, n)
        m >>= 1
        if m:
            base = _mul(base, base, n)
    # over balls the constant term is u_0^e by endpoints (x^2 on [-1, 1] is [0, 1], not [-1, 1])
    return result if exact else [_ipow(u[0], e)] + result[1:]


def series(prog: Program, u, exact: bool):
    """The Taylor coefficients of f(u(t)) for the input series u (a list of n coefficients)."""
    n = len(u)
    zero = u[0] * 0
    s: list = []
    for ins in prog.code:
        op = ins[0]
        if op == "x":
            r = u
        elif op == "const":
            r = [ins[1] if exact else arb(ins[1])] + [zero] * (n - 1)
        elif op in ("pi", "root"):
            if exact:
                raise NotExact(op)
            c = arb.pi() if op == "pi" else root_of(ins).ball(ctx.prec + 8)
            r = [c] + [zero] * (n - 1)
        elif op == "add":
            r = [sum((s[k][j] for k in ins[2:]), s[ins[1]][j]) for j in range(n)]
        elif op == "mul":
            r = s[ins[1]]
            for k in ins[2:]:
                r = _mul(r, s[k], n)
        elif op == "pow":
            r = _pow(s[ins[1]], ins[2], n, exact)
        elif op in ("max", "min"):
            a, b = s[ins[1]], s[ins[2]]
            first = (a[0] > b[0]) if op == "max" else (a[0] < b[0])
            second = (b[0] > a[0]) if op == "max" else (b[0] < a[0])
            if first:
                r = a
            elif second:
                r = b
            elif exact and n == 1:
                r = a  # a tie: the value is the same either way
            else:
                raise NoSeries(f"{op} at a point where its arguments may tie (a kink)")
        elif op in MONOTONE or op in ("sin", "cos", "abs"):
            r = _unary(op, s[ins[1]], n, exact)
        else:
            raise NoSeries(f"instruction {op!r}")
        if not exact and not all(c.is_finite() for c in r):
            raise NoSeries("a coefficient enclosure is not finite")
        s.append(r)
    return s[-1]


def iterate_exact(prog: Program, x0: fmpq, p: int, n: int):
    """Exact Taylor coefficients c_0..c_(n-1) of f^p at the rational x0 (NotExact or NoSeries when
    they are not rational by the rules above)."""
    u = [x0, fmpq(1)] + [fmpq(0)] * (n - 2) if n > 1 else [x0]
    for _ in range(p):
        u = series(prog, u, True)
    return u


def iterate_ball(prog: Program, lo, hi, p: int, n: int):
    """Enclosures, valid for every xi in [lo, hi], of the Taylor coefficients of f^p at xi."""
    u = [ball_of(lo, hi), arb(1)] + [arb(0)] * (n - 2) if n > 1 else [ball_of(lo, hi)]
    for _ in range(p):
        u = series(prog, u, False)
    return u


def exact_value(prog: Program, x: fmpq) -> fmpq:
    """f(x) exactly where the rules above make it rational (tanh(0) = 0, exp(0) = 1, ...)."""
    try:
        return series(prog, [x], True)[0]
    except NoSeries as e:
        raise NotExact(str(e)) from None


MAX_ORBIT_BITS = 1 << 16  # size of an orbit point followed exactly (a periodic orbit's are far smaller)


def isolated_root(prog: Program, lo, hi, x0, k: int, p: int) -> bool:
    """(M) for g = f^p - id: x0 (rational, lo < x0 < hi) is the only solution of f^p(x) = x in
    [lo, hi], being a root of exact multiplicity k whose k-th coefficient is bounded away from 0."""
    if not (1 <= k <= MAX_ORDER and lo < x0 < hi):
        return False
    try:
        # x0 periodic with a period dividing p first (as g(x0) = 0 requires), its iterates bounded
        # in size: those of a point that is not periodic grow by a factor deg f per step
        y = x0
        for j in range(1, p + 1):
            y = exact_value(prog, y)
            if y == x0:
                break
            if max(y.p.bit_length(), y.q.bit_length()) > MAX_ORBIT_BITS:
                return False
        if y != x0 or p % j:
            return False
        c = iterate_exact(prog, x0, p, k)
        g = [c[0] - x0] + ([c[1] - 1] if k > 1 else []) + c[2:]
        if any(v != 0 for v in g):
            return False
        top = iterate_ball(prog, lo, hi, p, k + 1)[k] - (1 if k == 1 else 0)
    except (NotExact, NoSeries, ZeroDivisionError):
        return False
    return bool(top.is_finite() and (top > 0 or top < 0))
