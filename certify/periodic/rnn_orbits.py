"""Every cycle of minimal period p of an n-dimensional RNN map h -> act(W h + b): the list, complete when proved.

Claim rnn_cycles (certify.checker.rnn_orbits). For periods p >= 2 of a certified contraction the list is empty
(certify.dynamics.rnn_contraction). For relu and hardtanh networks the complete list is exact: the kernel solves
every sign itinerary of a PLRNN whose cycles are the RNN's (at most 2^16 itineraries, 2^(n p) for relu and
3^(n p) for hardtanh). For tanh and sigmoid networks with n p <= COMPLETE_DIM the
certifier asks for the complete list: the region is the image box X_r (the activation's range and r ball
images, r chosen until the box stops shrinking), every periodic point lies in it, and the kernel's own
subdivision of the cyclic system counts the cycles (the search is the kernel's; the certifier only chooses r).
Otherwise, or when the subdivision does not close within the kernel's work limit, the list is what the float
search finds (certify.periodic.rnn: Newton from seeded starts, boxes widened until the kernel's Krawczyk test
passes), each cycle proved, pairwise distinct, labelled "found, not proved complete".
"""

from __future__ import annotations

import numpy as np
from flint import fmpq

from certify.arith import Budget
from certify.certificates import SCHEMA, interval, q_str
from certify.checker.rnn import MAX_WORK, _disjoint, cycle_cost, krawczyk_cycle, stability, stability_head
from certify.checker.rnn_contraction import RANGES, image_box
from certify.checker.rnn_orbits import MAX_FOUND, MAX_ROUNDS, enumerate_rnn_cycles, itineraries, search_rnn_cycles
from certify.checker import nd_orbits as ND
from certify.checker.semantics import workprec
from certify.checker.statement import Failure
from certify.errors import CertifyError
from certify.maps.rnn import RNNMap
from certify.periodic.rnn import STARTS, _prove, find_cycles, multipliers_fact

__all__ = ["certify_rnn_cycles", "image_rounds", "listed_claim", "COMPLETE_DIM"]

COMPLETE_DIM = 16      # n p up to which the complete subdivision is tried (beyond: the found list)
ORDER = [fmpq(1, 2 * i + 1) for i in range(512)]  # c = (1, 1/3, 1/5, ...): the canonical rotation when a zero ties
WIDEN = 256            # the region is the image box widened by 1/WIDEN of each side (`_widen`)
SHRINK = 64            # image rounds stop when no side shrank by more than 1/SHRINK of itself


def image_rounds(net: RNNMap) -> tuple:
    """(r, X_r): image rounds (at least 1: X_1 lies inside the open range, where the inverse contracts) until no
    side of the image box shrinks by more than 1/SHRINK (at most MAX_ROUNDS)."""
    box = image_box(net.model, 1)
    for r in range(2, MAX_ROUNDS + 1):
        new = image_box(net.model, r)
        if all(((h0 - l0) - (hi - lo)) * SHRINK <= h0 - l0 for (lo, hi), (l0, h0) in zip(new, box)):
            return r - 1, box
        box = new
    return MAX_ROUNDS, box


def _widen(lo, hi, rng) -> tuple:
    """[lo, hi] widened by 1/WIDEN of its width and 2^-32 on each side, within the activation's range `rng` (the
    region must only contain the image box, which lies in the range): a cycle whose Krawczyk enclosure is the
    image box itself (W = 0) then lies in the region's interior."""
    d = (hi - lo) / WIDEN + fmpq(1, 2 ** 32)
    return max(lo - d, fmpq(rng[0])), min(hi + d, fmpq(rng[1]))


def listed_claim(p: int, basis: str) -> dict:
    """The claim of a list without a region (bases found, enumeration, contraction)."""
    return {"kind": "rnn_cycles", "p": p, "basis": basis, "rounds": 0, "order": [], "region": []}


def _base(net: RNNMap, claim: dict, prec: int) -> dict:
    from certify.periodic.period import versions
    return {"schema": SCHEMA, "map": {"given": net.given, "canonical": net.canonical, "class": net.map_class},
            "claim": claim, "verdict": "undecided", "precision": prec, "evidence": [], "versions": versions()}


def _complete(net: RNNMap, p: int, budget: Budget):
    """The complete certificate (basis image), or (None, reason) when the subdivision does not close. The canonical
    rotation is by the first coordinate, and when a zero ties there, by c.z with c = ORDER."""
    with workprec(budget.start_prec):  # the kernel's precision: it re-derives the same box
        r, box = image_rounds(net)
        box = [_widen(lo, hi, RANGES[net.activation]) for lo, hi in box]
        for order in ([], [q_str(c) for c in ORDER[:net.n]]):
            claim = {"kind": "rnn_cycles", "p": p, "basis": "image", "rounds": r, "order": order,
                     "region": [interval(lo, hi) for lo, hi in box]}
            budget.report(f"period {p}: subdivision of the cyclic system in the image box (rounds {r})")
            try:
                found = search_rnn_cycles(net.model, claim)
                break
            except Failure as e:
                reason = f"the subdivision did not close: {e}"
                if "ties" not in str(e) or order:
                    return None, reason
        entries = ND.cycle_entries(found)  # the ends read at the kernel's precision
    cert = _base(net, claim, budget.start_prec)
    cert.update(verdict="proved", orbits=entries, count=len(entries), complete=True,
                evidence=[{"fact": "cycle_subdivision", "nodes": found["nodes"], "tests": found["tests"]}])
    return cert, None


def _enumerated(net: RNNMap, p: int, budget: Budget):
    """The complete certificate of a relu or hardtanh RNN (basis enumeration: every sign itinerary of the PLRNN
    whose cycles are the RNN's, solved exactly by the kernel), or (None, reason)."""
    claim = listed_claim(p, "enumeration")
    budget.report(f"period {p}: every sign itinerary, exactly")
    with workprec(budget.start_prec):
        try:
            cycles = enumerate_rnn_cycles(net.model, p)
        except Failure as e:
            return None, f"the enumeration did not decide: {e}"
    cert = _base(net, claim, budget.start_prec)
    cert.update(verdict="proved", count=len(cycles), complete=True,
                orbits=[{"box": [interval(v, v) for z in pts for v in z], "stability": st} for pts, (st, _) in cycles],
                evidence=[{"fact": "enumeration_rnn", "itineraries": itineraries(net.model, p)}])
    return cert, None


def _contracted(net: RNNMap, p: int):
    """The empty complete list of period p >= 2 when f is a certified contraction (certify.dynamics.rnn_contraction;
    its only periodic point is its fixed point), else None."""
    from certify.dynamics.rnn_contraction import certify_contraction
    c = certify_contraction(net)
    if c["verdict"] != "proved":
        return None
    claim = listed_claim(p, "contraction")
    cert = _base(net, claim, c["precision"])
    cert.update(verdict="proved", orbits=[], count=0, complete=True, evidence=c["evidence"])
    return cert


def _canonical(Z: np.ndarray) -> np.ndarray:
    """The rotation of the float cycle whose point 0 has the least first coordinate."""
    return np.roll(Z, -int(np.argmin(Z[:, 0])), axis=0)


def _found(net: RNNMap, p: int, budget: Budget, starts: int, why: str) -> dict:
    """The found list: each float cycle proved by Krawczyk at one common precision, kept when distinct from
    those kept before (the kernel's pairwise test)."""
    claim = listed_claim(p, "found")
    proofs = []
    for k, Z in enumerate(find_cycles(net, p, starts)):
        if len(proofs) == MAX_FOUND:
            break
        budget.report(f"period {p}: float cycle {k + 1}, Krawczyk test")
        proof = _prove(net, _canonical(Z), budget)
        if proof is None:
            continue
        prec, boxes = proof[0], proof[1]
        top = max([prec] + [q for _, q in proofs])
        if 2 * (len(proofs) + 1) * cycle_cost(net.n, p, top) > MAX_WORK:  # two facts a cycle at most
            break
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
            fact = {"fact": "cycle_krawczyk_nd", "p": p, "stability": stability(A),
                    "boxes": [[interval(lo, hi) for lo, hi in z] for z in boxes]}
            mult = multipliers_fact(A)
            facts += [fact] if mult is None else [fact, mult]
            entries.append({"box": fact["boxes"][0], "stability": fact["stability"] if mult is None else
                            stability_head(mult["stability"], mult["unstable"])})
    if not facts:
        cert["reason"] = f"{why}; no found cycle passed the Krawczyk test at a common precision"
        return cert
    cert.update(verdict="proved", precision=prec, evidence=facts, orbits=entries, count=len(entries),
                complete=False, reason=why)
    return cert


def _asked(cert: dict, question: str) -> dict:
    """The certificate for the question "period": refuted when its complete list is empty, else as it is."""
    if question == "period":
        cert["claim"]["question"] = "period"
        if cert["verdict"] == "proved" and cert["count"] == 0:
            cert["verdict"] = "refuted"
    return cert


def certify_rnn_cycles(net: RNNMap, p: int, budget: Budget | None = None, starts: int = STARTS,
                       question: str = "orbits") -> dict:
    """The certificate of the cycles of minimal period p of the RNN (claim rnn_cycles): complete when the kernel's
    exact enumeration (relu, hardtanh) or subdivision of the image box (tanh, sigmoid, n p <= COMPLETE_DIM)
    closes, else the cycles found, each proved, labelled not proved complete; undecided when none is found.
    question "period": refuted when the complete list is empty. The certificate passes `check`."""
    from certify.verify import self_checked

    budget = budget or Budget()
    if not 1 <= p <= ND.MAX_CYCLE_PERIOD:
        raise CertifyError(f"orbits of an RNN: period between 1 and {ND.MAX_CYCLE_PERIOD}, got {p}")
    cert = _contracted(net, p) if p >= 2 else None
    if cert is not None:
        return self_checked(_asked(cert, question), budget.self_check, drop=("orbits", "count", "complete"))
    if net.activation in ("relu", "hardtanh"):
        cert, why = _enumerated(net, p, budget)
    elif net.n * p > COMPLETE_DIM:
        cert, why = None, f"n p = {net.n * p} > {COMPLETE_DIM}: no complete search tried"
    else:
        cert, why = _complete(net, p, budget)
    if cert is None:
        cert = _found(net, p, budget, starts, why)
    return self_checked(_asked(cert, question), budget.self_check, drop=("orbits", "count", "complete"))
