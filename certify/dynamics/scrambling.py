"""Finite-horizon scrambling of a pair x, y (Sanford et al.: nearby trajectories come close and
separate again): the complete lists of times t <= H with |f^t(x) - f^t(y)| < eps and > delta,
exact for piecewise-linear maps with rational data (while the iterates stay small), else in balls
with the precision raised until every comparison is decided. This is a statement about t <= H only:
it says nothing about liminf or limsup, which is what the definition of a scrambled pair needs.
"""

from __future__ import annotations

from certify.arith import workprec
from certify.certificates import SCHEMA, q_str
from certify.verify import self_checked
from certify.checker.scrambling import MAX_HORIZON, classify, distances, statement_of
from certify.checker.statement import MAX_BALL_WORK, ball_work
from certify.errors import CertifyError
from certify.maps import Map
from certify.periodic.period import versions


def scrambling(m: Map, x, y, eps, delta, horizon: int, max_prec: int = 1 << 14) -> dict:
    """Certificate listing every t <= horizon where the orbits of x and y are eps-close or delta-apart.

    The precision doubles from 64 bits up to `max_prec` and the kernel's work limit (horizon x
    precision); if a comparison is still undecided the result is undecided."""
    if not (eps > 0 and delta > 0):
        raise CertifyError("--eps and --delta must be positive")
    if not 1 <= horizon <= MAX_HORIZON:
        raise CertifyError(f"--horizon must be between 1 and {MAX_HORIZON}")
    if x == y:
        raise CertifyError("x and y must differ")
    claim = {"kind": "scrambling", "p": 0, "x": q_str(x), "y": q_str(y), "eps": q_str(eps),
             "delta": q_str(delta), "horizon": horizon}
    base = {"schema": SCHEMA, "map": {"given": m.given, "canonical": m.canonical, "class": m.kind},
            "claim": claim, "versions": versions()}
    prec = 64
    while True:
        with workprec(prec):
            ds, exact = distances(m.program, x, y, horizon)
            rows = [classify(d, eps, delta) for d in ds]
        if exact or all(c is not None and a is not None for c, a in rows):
            break
        if prec >= max_prec or ball_work(horizon, 2 * prec) * 2 > MAX_BALL_WORK:
            t = next(i for i, (c, a) in enumerate(rows) if c is None or a is None)
            return {**base, "verdict": "undecided", "precision": prec, "evidence": [],
                    "reason": f"at t = {t} the distance is not decided against eps and delta at {prec} bits"}
        prec *= 2
    close = [t for t, (c, _) in enumerate(rows) if c]
    apart = [t for t, (_, a) in enumerate(rows) if a]
    statement = statement_of(close, apart, horizon, exact, prec)
    cert = {**base, "verdict": "proved" if statement["first_apart_after"] is not None else "refuted",
            "precision": prec, "statement": statement,
            "evidence": [{"fact": "separation_times", "close": close, "apart": apart}]}
    return self_checked(cert, keep=(*base, "precision"), program=m.program)
