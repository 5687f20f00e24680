"""Finite-horizon scrambling of a pair of points: verify the complete lists of times and say what they
prove (kernel).

For rationals x != y and a horizon H the checker computes d_t = |f^t(x) - f^t(y)|, t = 0..H: exactly
for piecewise-linear maps while the iterates' rationals stay below MAX_EXACT_BITS, else in balls at
the certificate's precision (the same rule for the certifier, which imports it). It verifies that the
listed `close` times are exactly the t with d_t < eps and the listed `apart` times exactly the t
with d_t > delta (each comparison decided certainly, both ways), so first times and the absence
of a time are proved too. Nothing is claimed about t > H: a Li-Yorke scrambled pair needs
liminf d_t = 0 and limsup d_t > 0, statements about infinitely many t.
"""

from __future__ import annotations

from flint import arb

from certify.certificates import q_parse
from certify.checker.limits import MAX_HORIZON
from certify.checker.semantics import Program, eval_ball
from certify.checker.statement import MAX_BALL_WORK, Failure, Statement, ball_work, facts_list, num, undecided, whole

__all__ = ["scrambling", "distances", "classify", "times", "statement_of", "MAX_HORIZON", "MAX_EXACT_BITS"]

MAX_EXACT_BITS = 4096  # bits of an exact iterate (numerator + denominator); beyond: balls


def _bits(q) -> int:
    return q.p.bit_length() + q.q.bit_length()


def distances(prog: Program, x, y, horizon: int):
    """(d_t for t = 0..horizon as an iterator, exact): exact rationals for PL maps while every iterate
    has at most MAX_EXACT_BITS bits, else balls at the current precision."""
    pl = prog.pl()
    if pl is not None:
        out, u, v = [], x, y
        for _ in range(horizon + 1):
            if _bits(u) > MAX_EXACT_BITS or _bits(v) > MAX_EXACT_BITS:
                break
            out.append(abs(u - v))
            u, v = pl(u), pl(v)
        else:
            return iter(out), True
    return _ball_distances(prog, x, y, horizon), False


def _ball_distances(prog: Program, x, y, horizon: int):
    X, Y = arb(x), arb(y)
    for t in range(horizon + 1):
        yield abs(X - Y)
        if t < horizon:
            X, Y = eval_ball(prog, X), eval_ball(prog, Y)


def classify(d, eps, delta):
    """(close, apart) for one distance: each True, False or None (undecided in balls)."""
    if not isinstance(d, arb):
        return d < eps, d > delta
    E, D = arb(eps), arb(delta)
    close = True if d < E else False if d >= E else None
    apart = True if d > D else False if d <= D else None
    return close, apart


def statement_of(close: list, apart: list, horizon: int, exact: bool, prec: int) -> dict:
    """The `statement` entry the complete lists imply: the first close time, the first apart time after
    it, the first close time after that, the arithmetic and the scope."""
    later = [t for t in apart if close and t > close[0]]
    again = [t for t in close if later and t > later[0]]
    return {"first_close": close[0] if close else None, "first_apart_after": later[0] if later else None,
            "close_again_after": again[0] if again else None,
            "arithmetic": "exact rationals" if exact else f"balls at {prec} bits",
            "scope": f"times 0..{horizon} only: no statement about liminf/limsup"}


def _claim(cert: dict):
    c = cert["claim"]
    whole(c["p"], "the claim's p (unused by scrambling)", 0, 0)
    x, y, eps, delta = (q_parse(c[k]) for k in ("x", "y", "eps", "delta"))
    horizon = whole(c["horizon"], "the horizon", 1, MAX_HORIZON)
    if not (eps > 0 and delta > 0) or x == y:
        raise Failure("eps and delta must be positive and x != y")
    return x, y, eps, delta, horizon


def times(ts) -> str:
    """A complete list of times for reading: runs a..b, the first eight runs, and the count."""
    runs = []
    for t in ts:
        if runs and t == runs[-1][1] + 1:
            runs[-1][1] = t
        else:
            runs.append([t, t])
    shown = ", ".join(f"{a}" if a == b else f"{a}..{b}" for a, b in runs[:8])
    more = ", ..." if len(runs) > 8 else ""
    return f"{len(ts)} time{'s' if len(ts) != 1 else ''}" + (f" ({shown}{more})" if ts else "")


def scrambling(prog, cert: dict) -> Statement:
    """When, for t = 0..H, the orbits of x and y under f are closer than eps and farther than delta.

    No theorem beyond arithmetic: d_t is computed exactly (PL maps, small iterates) or enclosed in
    balls, and each comparison with eps and delta is decided certainly. proved: some close time t1
    is followed by an apart time t2 <= H (the pair comes close, then separates: sensitive dependence
    made concrete). refuted: no close time is followed by an apart time within 0..H. Neither says
    anything about t > H, so neither proves or refutes that {x, y} is a Li-Yorke scrambled pair.
    Checked: x != y, eps, delta > 0; the lists complete; the statement entry equal to the kernel's;
    the work bounded before it is done (H <= 100000, exact iterates <= 4096 bits, H x precision).
    """
    x, y, eps, delta, H = _claim(cert)
    pair = f"the orbits of x = {num(x)} and y = {num(y)}"
    if cert["verdict"] == "undecided":
        return undecided(cert, ("statement",), f"{pair} up to t = {H}")
    if prog.has_param():
        raise Failure("a family with a free parameter is not a map")
    evidence = facts_list(cert)
    if len(evidence) != 1 or evidence[0]["fact"] != "separation_times" or set(evidence[0]) != {"fact", "close", "apart"}:
        raise Failure("a scrambling certificate holds one separation_times fact (close, apart)")
    prec = cert["precision"]
    if ball_work(H, prec) * 2 > MAX_BALL_WORK:
        raise Failure(f"horizon {H} at {prec} bits is beyond the kernel's work limit")
    close, apart = [], []
    ds, exact = distances(prog, x, y, H)
    for t, d in enumerate(ds):
        cl, ap = classify(d, eps, delta)
        if cl is None or ap is None:
            raise Failure(f"fact 0 (separation_times): |f^{t}(x) - f^{t}(y)| is not decided against eps "
                          f"and delta at {prec} bits")
        if cl:
            close.append(t)
        if ap:
            apart.append(t)
    fact = evidence[0]
    if fact["close"] != close or fact["apart"] != apart:
        raise Failure("fact 0 (separation_times): the listed times are not exactly the computed ones")
    s = statement_of(close, apart, H, exact, prec)
    if cert.get("statement") != s:
        raise Failure("the statement entry (first times, arithmetic, scope) is not the one the times imply")
    proved = s["first_apart_after"] is not None
    if (cert["verdict"] == "proved") != proved:
        raise Failure("the verdict is proved exactly when a close time is followed by an apart time")
    how = "exact rationals" if exact else f"ball arithmetic at {prec} bits"
    lists = (f"complete lists ({how}): |f^t(x) - f^t(y)| < eps = {num(eps)} at {times(close)}, "
             f"> delta = {num(delta)} at {times(apart)}")
    scope = f"times 0..{H} only: no statement about liminf or limsup (not a scrambled pair)"
    if proved:
        again = (f"close again first at t = {s['close_again_after']}" if s["close_again_after"] is not None
                 else f"not close again up to t = {H}")
        head = (f"{pair} under f are less than eps = {num(eps)} apart at t1 = {s['first_close']} (the first time "
                f"they are) and more than delta = {num(delta)} apart at t2 = {s['first_apart_after']} (the first such "
                f"time after t1); {again}")
    else:
        head = (f"for no times 0 <= t1 < t2 <= {H} are {pair} under f less than eps = {num(eps)} apart at t1 "
                f"and more than delta = {num(delta)} apart at t2")
    return Statement("\n".join([head, lists, scope]), 1)

