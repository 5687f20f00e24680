"""Every cycle of minimal period p of an n-dimensional RNN map h -> act(W h + b): the list, complete when proved.

Claim rnn_cycles (certify.checker.rnn_orbits). For tanh and sigmoid networks with n p <= COMPLETE_DIM the
certifier asks for the complete list: the region is the image box X_r (the activation's range and r ball
images, r chosen until the box stops shrinking), every periodic point lies in it, and the kernel's own
subdivision of the cyclic system counts the cycles (the search is the kernel's; the certifier only chooses r).
Otherwise, or when the subdivision does not close within the kernel's work limit, the list is what the float
search finds (certify.periodic.rnn: Newton from seeded starts, boxes widened until the kernel's Krawczyk test
passes), each cycle proved, pairwise distinct, labelled "found, not proved complete".
"""

from __future__ import annotations

import numpy as np

from certify.arith import Budget
from certify.certificates import SCHEMA, interval, q_str
from certify.checker.rnn import MAX_WORK, _disjoint, krawczyk_cycle, stability
from certify.checker.rnn_contraction import image_box
from certify.checker.rnn_orbits import MAX_FOUND, MAX_ROUNDS, search_rnn_cycles
from certify.checker import nd_orbits as ND
from certify.checker.semantics import workprec
from certify.checker.statement import Failure
from certify.errors import CertifyError
from certify.maps.rnn import RNNMap
from certify.periodic.rnn import STARTS, _prove, find_cycles

__all__ = ["certify_rnn_cycles", "image_rounds", "COMPLETE_DIM"]

COMPLETE_DIM = 12      # n p up to which the complete subdivision is tried (beyond: the found list)
SHRINK = 64            # image rounds stop when no side shrank by more than 1/SHRINK of itself


def image_rounds(net: RNNMap) -> tuple:
    """(r, X_r): image rounds until no side of the image box shrinks by more than 1/SHRINK (at most MAX_ROUNDS)."""
    box = image_box(net.model, 0)
    for r in range(1, MAX_ROUNDS + 1):
        new = image_box(net.model, r)
        if all(((h0 - l0) - (hi - lo)) * SHRINK <= h0 - l0 for (lo, hi), (l0, h0) in zip(new, box)):
            return r - 1, box
        box = new
    return MAX_ROUNDS, box


def _base(net: RNNMap, claim: dict, prec: int) -> dict:
    from certify.periodic.period import versions
    cls = "smooth" if net.activation in ("tanh", "sigmoid") else "piecewise-linear"
    return {"schema": SCHEMA, "map": {"given": net.given, "canonical": net.canonical, "class": cls},
            "claim": claim, "verdict": "undecided", "precision": prec, "evidence": [], "versions": versions()}


def _complete(net: RNNMap, p: int, budget: Budget):
    """The complete certificate (basis image), or (None, reason) when the subdivision does not close."""
    with workprec(budget.start_prec):  # the kernel's precision: it re-derives the same box
        r, box = image_rounds(net)
        claim = {"kind": "rnn_cycles", "p": p, "basis": "image", "rounds": r, "trap": 0,
                 "region": [interval(lo, hi) for lo, hi in box]}
        budget.report(f"period {p}: subdivision of the cyclic system in the image box (rounds {r})")
        try:
            found = search_rnn_cycles(net.model, claim)
        except Failure as e:
            return None, f"the subdivision did not close: {e}"
        entries = ND.cycle_entries(found)  # the ends read at the kernel's precision
    cert = _base(net, claim, budget.start_prec)
    cert.update(verdict="proved", orbits=entries, count=len(entries), complete=True,
                evidence=[{"fact": "cycle_subdivision", "nodes": found["nodes"], "tests": found["tests"]}])
    return cert, None


def _canonical(Z: np.ndarray) -> np.ndarray:
    """The rotation of the float cycle whose point 0 has the least first coordinate."""
    return np.roll(Z, -int(np.argmin(Z[:, 0])), axis=0)


def _found(net: RNNMap, p: int, budget: Budget, starts: int, why: str) -> dict:
    """The found list: each float cycle proved by Krawczyk at one common precision, kept when distinct from
    those kept before (the kernel's pairwise test)."""
    claim = {"kind": "rnn_cycles", "p": p, "basis": "found", "rounds": 0, "trap": 0, "region": []}
    proofs = []
    for k, Z in enumerate(find_cycles(net, p, starts)):
        if len(proofs) == MAX_FOUND or (len(proofs) + 1) * net.n ** 3 * p ** 2 > MAX_WORK:
            break
        budget.report(f"period {p}: float cycle {k + 1}, Krawczyk test")
        proof = _prove(net, _canonical(Z), budget)
        if proof is None:
            continue
        prec, boxes = proof[0], proof[1]
        if all(_disjoint(other[0], box) for other, _ in proofs for box in boxes):  # a new orbit, not a rotation
            proofs.append((boxes, prec))
    cert = _base(net, claim, budget.start_prec)
    if not proofs:
        cert["reason"] = f"{why}; no cycle of minimal period {p} was found and proved from {starts} seeded starts"
        return cert
    prec = max(q for _, q in proofs)
    facts, entries = [], []
    with workprec(prec):
        for boxes, _ in proofs:
            ok, A = krawczyk_cycle(net.model, boxes, prec)
            if not ok:
                continue
            st = stability(A)
            facts.append({"fact": "cycle_krawczyk_nd", "p": p, "stability": st,
                          "boxes": [[interval(lo, hi) for lo, hi in z] for z in boxes]})
            entries.append({"box": [{"lo": q_str(lo), "hi": q_str(hi)} for lo, hi in boxes[0]], "stability": st})
    if not facts:
        cert["reason"] = f"{why}; no found cycle passed the Krawczyk test at a common precision"
        return cert
    cert.update(verdict="proved", precision=prec, evidence=facts, orbits=entries, count=len(entries),
                complete=False, reason=why)
    return cert


def certify_rnn_cycles(net: RNNMap, p: int, budget: Budget | None = None, starts: int = STARTS) -> dict:
    """The certificate of the cycles of minimal period p of the RNN (claim rnn_cycles): complete when the kernel's
    subdivision of the image box closes (tanh, sigmoid, n p <= COMPLETE_DIM), else the cycles found, each proved,
    labelled not proved complete; undecided when none is found. The certificate passes `check`."""
    from certify.verify import self_checked

    budget = budget or Budget()
    if not 1 <= p <= ND.MAX_CYCLE_PERIOD:
        raise CertifyError(f"orbits of an RNN: period between 1 and {ND.MAX_CYCLE_PERIOD}, got {p}")
    why = (f"n p = {net.n * p} > {COMPLETE_DIM}: no complete search tried" if net.n * p > COMPLETE_DIM else
           "relu and hardtanh: no complete search (a cycle on a kink sits on a face of the subdivision)"
           if net.activation in ("relu", "hardtanh") else None)
    if why is None:
        cert, why = _complete(net, p, budget)
        if cert is not None:
            return self_checked(cert, budget.self_check, drop=("orbits", "count", "complete"))
    cert = _found(net, p, budget, starts, why)
    return self_checked(cert, budget.self_check, drop=("orbits", "count", "complete"))
