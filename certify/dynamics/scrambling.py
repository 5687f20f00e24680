"""Finite-horizon scrambling of a pair x, y (Sanford et al.: nearby trajectories come close and
separate again): the complete lists of times t <= H with |f^t(x) - f^t(y)| < eps and > delta,
exact for piecewise-linear maps with rational data, else in balls with the precision raised until
every comparison is decided. This is a statement about t <= H only: it says nothing about
liminf or limsup, which is what the definition of a scrambled pair needs.
"""

from __future__ import annotations

from certify.arith import workprec
from certify.certificates import SCHEMA, q_str
from certify.checker import check
from certify.checker.scrambling import MAX_HORIZON, classify, distances
from certify.errors import CertifyError
from certify.maps import Map
from certify.orbits.period import versions


def scrambling(m: Map, x, y, eps, delta, horizon: int, max_prec: int = 1 << 14) -> dict:
    """Certificate listing every t <= horizon where the orbits of x and y are eps-close or delta-apart."""
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
    exact = m.program.pl() is not None
    prec = 64
    while True:
        with workprec(prec):
            rows = [classify(d, eps, delta) for d in distances(m.program, x, y, horizon)]
        if all(c is not None and a is not None for c, a in rows) or exact:
            break
        if prec >= max_prec:
            t = next(i for i, (c, a) in enumerate(rows) if c is None or a is None)
            return {**base, "verdict": "undecided", "precision": prec, "evidence": [],
                    "reason": f"at t = {t} the distance is not decided against eps and delta at {prec} bits"}
        prec *= 2
    close = [t for t, (c, _) in enumerate(rows) if c]
    apart = [t for t, (_, a) in enumerate(rows) if a]
    later = [t for t in apart if close and t > close[0]]
    again = [t for t in close if later and t > later[0]]
    statement = {"first_close": close[0] if close else None, "first_apart_after": later[0] if later else None,
                 "close_again_after": again[0] if again else None,
                 "arithmetic": "exact rationals" if exact else f"balls at {prec} bits",
                 "scope": f"times 0..{horizon} only: no statement about liminf/limsup"}
    cert = {**base, "verdict": "proved" if later else "refuted", "precision": prec, "statement": statement,
            "evidence": [{"fact": "separation_times", "close": close, "apart": apart}]}
    res = check(cert, program=m.program)
    if not res.ok:
        return {**base, "verdict": "undecided", "precision": prec, "evidence": [],
                "reason": f"internal self-check failed ({res.message}); please report"}
    return cert
