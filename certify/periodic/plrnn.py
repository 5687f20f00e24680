"""Certified cycles of an n-dimensional PLRNN: exact itinerary solving, enumeration, float search.

A cycle with a given itinerary of orthants solves a linear system (certify.checker.plrnn.cycle_of);
its solution is a cycle only when every point lies in its claimed orthant and the points are
distinct. Two ways to propose itineraries:
- enumeration of all 2^(n p) itineraries (when n p <= cap): then the list of p-cycles is complete,
  unless some itinerary has a singular, consistent system (a possible continuum);
- float search: the symbol sequences of float orbits from random starts, cut into windows of
  length p. Attracting cycles show up as the orbit's eventual itinerary; repelling ones as the
  pieces a chaotic orbit shadows. Nothing proposed this way is claimed complete.
Every cycle found either way is confirmed exactly by the kernel before it is listed.
"""

from __future__ import annotations

import numpy as np

from certify.arith import dyadic
from certify.certificates import interval, q_str
from certify.certificates.limits import MAX_DIGITS
from certify.checker.plrnn import (MAX_CHECK_BITS, follow_itinerary, canonical_cycle, cycle_of, cycle_stability,
                                   enumerate_cycles, not_enumerated_reason, pattern, singular_reason)
from certify.checker.plrnn_tree import MAX_FARKAS_ENTRIES, MAX_SEARCH_BITS, MAX_TREE_NODES, not_requested_reason
from certify.maps.plrnn import PLRNN
from certify.periodic.plrnn_search import SearchBudget, cycle_box, search_tree

__all__ = ["float_orbits", "search_cycles", "cycle_fact", "certify_cycles", "ENUMERATION_CAP"]

POINT_BITS = MAX_DIGITS * 3   # a cycle's exact points are stated when their numbers fit the certificate's digits
ENUMERATION_CAP = 16  # enumerate all itineraries of period p only when n p <= 16 (65536 itineraries)


def float_orbits(net: PLRNN, starts: int = 64, transient: int = 500, steps: int = 2000, seed: int = 0):
    """Float orbits (after a transient) from random starts, as an array (steps, starts, n); diverged dropped."""
    a, W, h = net.floats()
    rng = np.random.default_rng(seed)
    scale = max(1.0, 2 * float(np.abs(h).max()))
    Z = rng.normal(0.0, scale, (starts, net.n))
    out = np.empty((steps, starts, net.n))
    with np.errstate(all="ignore"):
        for _ in range(transient):
            Z = Z * a + np.maximum(Z, 0) @ W.T + h
        for t in range(steps):
            out[t] = Z
            Z = Z * a + np.maximum(Z, 0) @ W.T + h
    ok = np.all(np.isfinite(out), axis=(0, 2)) & (np.abs(out).max(axis=(0, 2)) < 1e100)
    return out[:, ok, :]


def _float_cycles(a, W, h, itins) -> np.ndarray:
    """Floats only, for a batch of itineraries (B, p, n) of 0/1: does each cycle system have a solution whose orbit
    keeps (up to rounding) the itinerary's orthants? A screen before the exact solves (a period-80 exact solve in
    R^10 takes ~50 ms; the batch screens thousands a second)."""
    B, p, n = itins.shape
    D = itins.astype(float)
    M, c = np.broadcast_to(np.eye(n), (B, n, n)).copy(), np.zeros((B, n))
    for t in range(p):
        J = np.diag(a)[None, :, :] + W[None, :, :] * D[:, t, None, :]
        M, c = J @ M, np.einsum("bij,bj->bi", J, c) + h
    with np.errstate(all="ignore"):
        A = np.eye(n)[None] - M
        ok = np.isfinite(A).all(axis=(1, 2)) & np.isfinite(c).all(axis=1)
        ok &= np.abs(np.linalg.det(np.where(ok[:, None, None], A, np.eye(n)))) > 1e-300
        z = np.zeros((B, n))
        if ok.any():
            z[ok] = np.linalg.solve(A[ok], c[ok][..., None])[..., 0]
        for t in range(p):
            tol = 1e-7 * np.maximum(1.0, np.abs(z).max(axis=1))[:, None]
            ok &= ~np.any(((z < -tol) & (D[:, t] == 1)) | ((z > tol) & (D[:, t] == 0)), axis=1)
            ok &= np.isfinite(z).all(axis=1)
            z = a * z + np.maximum(z, 0) @ W.T + h
    return ok


def search_cycles(net: PLRNN, p: int, orbits=None, limit: int = 20_000) -> set:
    """Cycles of minimal period p whose itineraries occur as windows of float orbits, confirmed exactly.

    Windows are taken in order of their float return distance |z_(t+p) - z_t| (near returns first: an attracting
    cycle's windows return exactly, a chaotic orbit shadows a saddle cycle where it nearly returns), at most
    `limit` * 8 / max(p, 8) distinct itineraries (up to rotation); they are screened in floats (_float_cycles) before the exact
    solves."""
    if orbits is None:
        orbits = float_orbits(net)
    steps, starts = orbits.shape[0], orbits.shape[1]
    if steps <= p or starts == 0:
        return set()
    a, W, h = net.floats()
    sym = (orbits > 0).astype(np.uint8)
    dist = np.abs(orbits[p:] - orbits[:-p]).max(axis=2)        # (steps - p, starts)
    order = np.argsort(dist, axis=None, kind="stable")
    seen, itins, n = set(), [], net.n
    limit = limit * 8 // max(p, 8)   # distinct itineraries screened: fewer as they lengthen (near returns come first)
    cols = {}
    for flat in order:
        t, k = divmod(int(flat), starts)
        if k not in cols:
            cols[k] = sym[:, k, :].tobytes()  # the orthants of the orbit, n bytes per point
        w = cols[k][t * n:(t + p) * n]
        r = min(w[i * n:] + w[:i * n] for i in range(p))  # one representative per cyclic rotation
        if r in seen:
            continue
        seen.add(r)
        if len(seen) > limit:
            break
        itins.append(r)
    found = set()
    for lo in range(0, len(itins), 1024):
        batch = itins[lo:lo + 1024]
        arr = np.frombuffer(b"".join(batch), dtype=np.uint8).reshape(len(batch), p, n)
        for itin, ok in zip(arr, _float_cycles(a, W, h, arr)):
            if not ok:
                continue
            itin = [tuple(int(b) for b in row) for row in itin]
            kind, z0 = cycle_of(net.model, itin)
            if kind == "point":
                pts = follow_itinerary(net.model, z0, itin)
                if pts is not None and len({tuple(z) for z in pts}) == p:
                    found.add(canonical_cycle(pts))
    return found


def cycle_fact(net: PLRNN, cyc) -> dict:
    """The cycle_plrnn fact of a canonical cycle, with stability and exponents at the current precision."""
    pts = [list(z) for z in cyc]
    stable, exps, reason = cycle_stability(net.model, pts)
    big = max(v.height_bits() for z in pts for v in z) > POINT_BITS  # beyond the certificate's digits: derived
    fact = {"fact": "cycle_plrnn", "p": len(pts), "points": None if big else [[q_str(v) for v in z] for z in pts],
            "itinerary": ["".join(map(str, pattern(z))) for z in pts], "stable": stable,
            "exponents": None if exps is None else
            [e if e == "-inf" else interval(dyadic(e.lower().fmpq(), 48, up=False), dyadic(e.upper().fmpq(), 48, up=True))
             for e in exps]}
    if reason:
        fact["reason"] = reason
    return fact


def certify_cycles(net: PLRNN, P: int, cap: int = ENUMERATION_CAP, seed: int = 0, progress=None,
                   max_nodes: int = 0, first: int = 1):
    """Cycles of every minimal period first..P: (canonical cycles by period, enumeration and search
    facts, period rows 1..P).

    A period's list is complete when all 2^(n p) itineraries were solved (n p <= cap), or when the
    pruned itinerary search (certify.periodic.plrnn_search, at most max_nodes nodes per period;
    inside the proved cycle box of cycle_box when the lemma applies, its fact then listed first)
    ran to the end (after the first period that meets the budget, longer ones are not searched),
    and no leaf had a singular, consistent system; otherwise it holds what the
    searches found, with the reason the checker re-derives (and, for a singular system, the
    itinerary it re-verifies). Periods below `first` are not searched (their rows claim nothing).
    """
    cap = min(cap, MAX_CHECK_BITS)
    orbits = None
    by_period, enums, rows = {}, [], []
    nodes_left, entries_left = MAX_TREE_NODES, MAX_FARKAS_ENTRIES
    box = False   # not computed yet; then None (the cycle-box lemma does not apply) or (lo, hi)
    memo = {}     # the search's node decisions, shared by the periods (same model, same box)
    for p in range(1, P + 1):
        row = {"p": p}
        if p < first:
            by_period[p] = set()
            rows.append({"p": p, "count": 0, "complete": False, "reason": not_requested_reason(p)})
            continue
        exact = set()
        if net.n * p > cap and max_nodes > 0 and net.n * p <= MAX_SEARCH_BITS and nodes_left > 0:
            if progress:
                progress(f"period {p}: pruned itinerary search (at most {max_nodes} nodes)")
            if box is False:
                found_box = cycle_box(net.model)
                box = None if found_box is None else found_box[1]
                if found_box is not None:
                    enums.append(found_box[0])
            try:
                res = search_tree(net.model, p, min(max_nodes, nodes_left), box=box, memo=memo)
            except SearchBudget as e:
                exact = e.result.cycles
                row["reason"] = not_enumerated_reason(net.n, p)
                nodes_left = 0  # the trees grow with p: longer periods would exhaust the budget too
            else:
                fact = res.fact()
                entries = sum(len(c) for c in res.farkas)
                if not res.singular and entries <= entries_left:
                    enums.append(fact)
                    nodes_left, entries_left = nodes_left - len(fact["shape"]), entries_left - entries
                    by_period[p] = res.cycles
                    rows.append({"p": p, "count": len(res.cycles), "complete": True})
                    continue
                exact = res.cycles
                if res.singular:
                    row.update(singular=res.singular[0], reason=singular_reason(res.singular[0]))
                else:
                    row["reason"] = not_enumerated_reason(net.n, p)
        elif net.n * p <= cap:
            if progress:
                progress(f"period {p}: solving all 2^{net.n * p} itineraries exactly")
            found, singular = enumerate_cycles(net.model, p)
            if not singular:
                enums.append({"fact": "enumeration_plrnn", "p": p, "itineraries": 2 ** (net.n * p)})
                by_period[p] = found
                rows.append({"p": p, "count": len(found), "complete": True})
                continue
            row.update(singular=singular[0], reason=singular_reason(singular[0]))
        else:
            row["reason"] = not_enumerated_reason(net.n, p)
        if orbits is None:
            orbits = float_orbits(net, seed=seed)
        if progress:
            progress(f"period {p}: float search")
        found = search_cycles(net, p, orbits) | exact
        by_period[p] = found
        rows.append({**row, "count": len(found), "complete": False})
    return by_period, enums, rows
