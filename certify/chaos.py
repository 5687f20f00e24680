"""The horseshoe column of `certify audit --model rnn` (certify.ensembles.rnn_audit picks up AUDIT_COLUMNS).

Each network gets `certify chaos`'s n-dimensional finder (certify.horseshoes.nd) under a fixed work budget:
periodic orbits up to AUDIT_PERIOD, one size LP per try of AUDIT_TRIES, at most AUDIT_POINTS periodic
points; the certificate passes the kernel before "proved" is counted. Everything else is "undecided" (the
finder's reason is not a refutation: no horseshoe is ever claimed absent).
"""

from __future__ import annotations

__all__ = ["AUDIT_COLUMNS", "horseshoe_column", "AUDIT_PERIOD", "AUDIT_POINTS"]

AUDIT_PERIOD = 4      # periods of the orbits the h-sets are built around
AUDIT_POINTS = 120    # periodic points in one size LP
AUDIT_TRIES = ((1, 0.05, 0.02, 0.02), (2, 0.02, 0.01, 0.02))


def horseshoe_column(net, budget=None) -> str:
    """"proved" when the n-dimensional finder returns a horseshoe certificate the kernel accepts, else
    "undecided" (the work is bounded by AUDIT_PERIOD, AUDIT_POINTS and AUDIT_TRIES, never by time)."""
    from certify.horseshoes.nd import nd_certificate

    cert = nd_certificate(net, AUDIT_PERIOD, tries=AUDIT_TRIES, max_points=AUDIT_POINTS)
    return "proved" if cert["verdict"] == "proved" else "undecided"


AUDIT_COLUMNS = {"horseshoe": horseshoe_column}
