"""The kernel's caps on evidence counts shared by several claim kinds (trusted kernel).

A certificate's integers (rounds, periods, horizons, pieces, ...) drive loops and exponentials in
the fact checks; each is read with `statement.whole(value, what, lo, hi)` against a cap before any
work, so a hostile file cannot ask for 10^9 rounds or 10^(10^9). The values live with every other
input limit in certify/certificates/limits.py (docs/certificates.md, "Limits"); caps that only one
claim kind needs are named in its own module.
"""

from __future__ import annotations

from certify.certificates.limits import (MAX_DIGITS, MAX_DYNATOMIC_DEGREE, MAX_HORIZON, MAX_ITINERARIES,
                                         MAX_KRAWCZYK_PERIOD, MAX_PERIOD, MAX_PIECES, MAX_PLRNN_DIM, MAX_ROUNDS,
                                         MAX_STEPS)

__all__ = ["MAX_PERIOD", "MAX_KRAWCZYK_PERIOD", "MAX_ROUNDS", "MAX_STEPS", "MAX_HORIZON", "MAX_PIECES",
           "MAX_DYNATOMIC_DEGREE", "MAX_ITINERARIES", "MAX_PLRNN_DIM", "MAX_DIGITS"]
