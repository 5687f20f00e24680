"""Finite-horizon scrambling of a pair of points (kernel).

For rationals x, y and a horizon H the checker computes d_t = |f^t(x) - f^t(y)|, t = 0..H: exactly
for piecewise-linear maps, else in balls at the certificate's precision. It verifies that the
listed `close` times are exactly the t with d_t < eps and the listed `apart` times exactly the t
with d_t > delta (each comparison decided certainly, both ways), so first times and the absence
of a time are proved too.
"""

from __future__ import annotations

from flint import arb

from certify.certificates import q_parse
from certify.checker.semantics import Program, eval_ball

MAX_HORIZON = 100_000


def distances(prog: Program, x, y, horizon: int):
    """d_t = |f^t(x) - f^t(y)| for t = 0..horizon: exact rationals (PL maps) or balls."""
    pl = prog.pl()
    out = []
    if pl is not None:
        for _ in range(horizon + 1):
            out.append(abs(x - y))
            x, y = pl(x), pl(y)
        return out
    X, Y = arb(x), arb(y)
    for _ in range(horizon + 1):
        out.append(abs(X - Y))
        X, Y = eval_ball(prog, X), eval_ball(prog, Y)
    return out


def classify(d, eps, delta):
    """(close, apart) for one distance: each True, False or None (undecided in balls)."""
    if not isinstance(d, arb):
        return d < eps, d > delta
    E, D = arb(eps), arb(delta)
    close = True if d < E else False if d >= E else None
    apart = True if d > D else False if d <= D else None
    return close, apart


def check_scrambling(prog: Program, cert: dict) -> int:
    """Verify the complete lists of close and apart times and that they imply the verdict."""
    from certify.checker import facts as F

    c = cert["claim"]
    x, y, eps, delta = (q_parse(c[k]) for k in ("x", "y", "eps", "delta"))
    horizon = int(c["horizon"])
    if not (eps > 0 and delta > 0 and 1 <= horizon <= MAX_HORIZON):
        raise F.Failure("eps and delta must be positive and 1 <= horizon <= 100000")
    if prog.has_param():
        raise F.Failure("a family with a free parameter is not a map")
    facts = cert["evidence"]
    if cert["verdict"] == "undecided":
        return len(facts)
    if len(facts) != 1 or facts[0].get("fact") != "separation_times":
        raise F.Failure("a scrambling certificate holds one separation_times fact")
    close, apart = set(), set()
    for t, d in enumerate(distances(prog, x, y, horizon)):
        cl, ap = classify(d, eps, delta)
        if cl is None or ap is None:
            raise F.Failure(f"fact 0 (separation_times): |f^{t}(x) - f^{t}(y)| is not decided against eps "
                            f"and delta at {cert['precision']} bits")
        if cl:
            close.add(t)
        if ap:
            apart.add(t)
    fact = facts[0]
    if [int(t) for t in fact["close"]] != sorted(close) or [int(t) for t in fact["apart"]] != sorted(apart):
        raise F.Failure("fact 0 (separation_times): the listed times differ from the computed ones")
    pair = None
    if close:
        t1 = min(close)
        later = [t for t in apart if t > t1]
        pair = (t1, min(later)) if later else None
    s = cert["statement"]
    if (cert["verdict"] == "proved") != (pair is not None):
        raise F.Failure("the verdict does not match whether a close time is followed by an apart time")
    if pair is not None and (int(s["first_close"]), int(s["first_apart_after"])) != pair:
        raise F.Failure("the stated first times differ from the computed ones")
    again = min((t for t in close if pair and t > pair[1]), default=None)
    if s.get("close_again_after") != again:
        raise F.Failure("the stated time of closeness after separation differs from the computed one")
    return len(facts)
