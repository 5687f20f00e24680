"""Certified bounds on the topological entropy of interval maps (see checker/entropy.py)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from flint import arb, fmpq

from certify import limits
from certify.arith import Budget, dyadic, float_map, over_budget, to_fmpq, workprec
from certify.certificates import SCHEMA, interval, q_parse, q_str
from certify.verify import self_checked
from certify.checker.entropy import (MAX_CELL_WORK, MAX_DEPTH, MAX_GRAPH_CELLS, TRIVIAL, affine_cells, describe, laps,
                                     lap_points, rho_odd, rounded_bound)
from certify.checker.facts import image_bounds, pieces_invariant, pl_image
from certify.checker.semantics import ball_of, eval_ball
from certify.errors import CertifyError
from certify.maps import Map
from certify.periodic import pl as plmod
from certify.periodic.period import versions


def _cert_maker(m: Map, claim: dict):
    """cert_of(verdict, evidence, **extra): an entropy certificate for m with this (mutable) claim."""
    def cert_of(verdict, evidence=(), **extra):
        c = {"schema": SCHEMA, "map": {"given": m.given, "canonical": m.canonical, "class": m.kind},
             "claim": claim, "verdict": verdict, "precision": 128, "evidence": list(evidence),
             "versions": versions()}
        c.update(extra)
        return c
    return cert_of


def invariant_interval(m: Map, domain=None):
    """An interval I with f(I) in I holding the dynamics: the domain, or the PL region grown by f."""
    pl = m.program.pl()
    if domain is not None:
        img = pl_image(pl, *domain)
        if not (domain[0] <= img[0] and img[1] <= domain[1]):
            raise CertifyError("the domain is not invariant")
        return domain
    region, _ = plmod.find_region(pl)
    if region in (None, "empty"):
        return None
    lo, hi = region
    for _ in range(40):
        a, b = pl_image(pl, lo, hi)
        if lo <= a and b <= hi:
            return lo, hi  # a single point is fine: entropy 0
        lo, hi = min(lo, a), max(hi, b)
    return None


def horseshoe(cells, candidates: int = 24):
    """Laps of f^n inside a target U whose images cover U: a k-horseshoe (largest k found).

    Targets tried: the images of the laps with the longest images.
    """
    runs = []  # maximal runs of cells with one non-zero slope sign: f^n strictly monotone on each
    for a, b, A, B in cells:
        sgn = (A > 0) - (A < 0)
        if runs and sgn != 0 and runs[-1][2] == sgn and runs[-1][1] == a:
            runs[-1][1] = b
            runs[-1][3] += [A * a + B, A * b + B]
        elif sgn != 0:
            runs.append([a, b, sgn, [A * a + B, A * b + B]])
    ls = [(a, b, min(vals), max(vals)) for a, b, _, vals in runs]
    best = []
    for _, _, u, v in sorted(ls, key=lambda L: L[2] - L[3])[:candidates]:
        chosen = [(a, b) for a, b, lo, hi in ls if u <= a and b <= v and lo <= u and hi >= v]
        if len(chosen) > len(best):
            best = chosen
    return best


def perron_vector(edges, k: int, upper: bool, eta: float = 1e-3):
    """A float vector for perron_bound: positive with T v <= (1 + eta) rho v (upper), or the Perron
    vector with negligible entries zeroed (lower). Floats only: the kernel's exact ratio decides."""
    if not edges:
        return np.ones(k) if upper else None
    src, dst = np.array([e[0] for e in edges]), np.array([e[1] for e in edges])

    def T(x):
        y = np.zeros(k)
        np.add.at(y, src, x[dst])
        return y
    v = np.ones(k)
    for _ in range(5000):  # power iteration on T + I (aperiodic, same Perron vector)
        w = T(v) + v
        w /= w.max()
        done = np.allclose(w, v, rtol=1e-12, atol=1e-14)
        v = w
        if done:
            break
    rho = max(float((T(v)[v > 1e-9]).max() / v[v > 1e-9].max()) if (v > 1e-9).any() else 0.0,
              float(np.max(T(v) / np.where(v > 1e-9, v, np.inf))))
    if not upper:
        return np.where(v >= 2.0 ** -20, v, 0.0) if rho > 0 else None
    mu = max(rho, 1e-12) * (1 + eta)
    x, acc = np.ones(k), np.ones(k)  # acc = sum_k (T/mu)^k 1: T acc = mu (acc - 1 + x_next) <= mu acc
    for _ in range(200_000):
        x = T(x) / mu
        if x.max() <= 0.5:
            break
        acc += x
    return acc


def _graph_fact(pl, points, n: int, upper: bool):
    """The graph_upper / graph_lower fact for the laps of f^n (the cells between `points`), or None (f
    not strictly monotone on a cell, too many edges, or no useful vector)."""
    from certify.checker.entropy import graph_edges, perron_bound
    try:
        edges = graph_edges(pl, points, cover=not upper)
    except ValueError:
        return None
    v = perron_vector(edges, len(points) - 1, upper)
    if v is None:
        return None
    scale = 2.0 ** 40 / v.max()
    vi = [int(t * scale) + (1 if upper else 0) for t in v]
    if not upper and not any(vi):
        return None
    mu = perron_bound(edges, vi, upper)
    return {"fact": "graph_upper" if upper else "graph_lower", "n": n, "points": [q_str(t) for t in points],
            "v": vi, "mu": q_str(mu)}


GRAPH_LAPS = MAX_GRAPH_CELLS  # the largest partition (laps of f^n) whose graphs are built (the kernel's limit)


def entropy_bounds(m: Map, domain=None, budget: Budget = Budget(), tolerance: float = 0.01,
                   timeout: float | None = None) -> dict:
    """Certified [lo, hi] on h_top(f|I) for a map on an invariant interval I.

    Piecewise-linear maps: exact lap counts of f^n, and the graphs of the partition of I into the laps
    of f^n (h <= log rho(transition graph), h >= log rho(covering graph)), sharpened with n until
    hi - lo < tolerance, n = budget.lap_depth (at most the kernel's 256), f^n has more than
    budget.max_pl_cells affine cells, or the kernel could not re-check the facts within its cell limit
    (a `note` then names the budget); k-horseshoes when f has flat pieces. Other maps: see
    smooth_entropy_bounds. `timeout` (seconds, None: none) is the outer guard: when it fires the
    result is undecided, "time limit (machine-dependent)".
    """
    claim = {"kind": "entropy", "interval": None, "p": 0}
    cert_of = _cert_maker(m, claim)
    return limits.guard(timeout, lambda: _entropy_bounds(m, domain, budget, tolerance, claim, cert_of),
                        lambda why: cert_of("undecided", reason=why))


def _entropy_bounds(m: Map, domain, budget: Budget, tolerance: float, claim: dict, cert_of) -> dict:
    pl = m.program.pl()
    if pl is None:
        return _smooth_entropy_bounds(m, domain, budget, claim, cert_of)
    I = invariant_interval(m, domain)

    if I is None:
        return cert_of("undecided", reason="no invariant interval holding the dynamics was found "
                                           "(orbits escape to infinity?); pass --domain")
    claim["interval"] = interval(*I)
    exact = _exact_fact(m, pl, I)
    if exact is not None:
        return _finish_exact(cert_of, exact, budget)
    best_up, best_lo = None, None  # (value, fact, exact, method)
    kn, kn_note = _kneading(m, pl, I)
    if kn is not None and kn.get("s_hi", 0) is not None:
        return _kneading_finish(m, I, kn, budget, cert_of)
    if kn is not None:
        best_up = (-math.log(float(q_parse(kn["s_lo"]))), kn)
    graphs = I[0] < I[1]
    n, stopped = 1, None
    depth, max_cells, spent = min(budget.lap_depth, MAX_DEPTH), budget.max_pl_cells, 0
    while True:
        if n > depth:
            stopped = f"budget: lap depth {depth} reached"
            break
        limits.checkpoint()
        try:
            cells = affine_cells(pl, *I, n, max_cells=max_cells)
        except ValueError:
            stopped = f"{over_budget(max_cells)} in f^{n}"
            break
        spent += len(cells)  # the kernel re-composes f, ..., f^n for each of (at most) three facts
        if 3 * spent > MAX_CELL_WORK:
            stopped = f"budget: the kernel's limit of {MAX_CELL_WORK:,} affine cells in all, at f^{n}"
            break
        ls = laps(cells)
        count = len(ls)
        cand_up = [(_log_ratio(count, n), {"fact": "laps", "n": n, "count": count})]
        cand_lo = []
        gu = _graph_fact(pl, lap_points(ls), n, True) if graphs and count <= GRAPH_LAPS else None
        if gu is None:
            graphs = False  # f has a flat piece on I (or I is a point): horseshoes instead
        else:
            cand_up.append((math.log(float(q_parse(gu["mu"]))), gu))
            gl = _graph_fact(pl, lap_points(ls), n, False)
            if gl is not None and q_parse(gl["mu"]) > 1:
                cand_lo.append((math.log(float(q_parse(gl["mu"]))), gl))
        if not graphs and len(cells) <= 5000:
            shoe = horseshoe(cells)
            if 2 <= len(shoe) <= MAX_GRAPH_CELLS:
                cand_lo.append((_log_ratio(len(shoe), n),
                                {"fact": "horseshoe", "n": n, "intervals": [interval(a, b) for a, b in shoe]}))
        for c in cand_up:
            if best_up is None or c[0] < best_up[0]:
                best_up = c
        for c in cand_lo:
            if best_lo is None or c[0] > best_lo[0]:
                best_lo = c
        if best_up[0] - (best_lo[0] if best_lo else 0.0) < tolerance:
            break
        n += 1
    best_lo = _period3_floor(m, I, best_lo, budget)
    extra = {} if stopped is None else {"note": f"sharpening stopped before hi - lo < {tolerance:g} ({stopped})"}
    if kn_note is not None:
        extra["note"] = "; ".join(x for x in (extra.get("note"), kn_note) if x)
    return _finish(cert_of, best_lo, best_up, budget, **extra)


def _kneading_finish(m: Map, I, kn: dict, budget: Budget, cert_of):
    """The certificate of a monotone or two-sided kneading fact; when log rho_3 lies inside the kneading
    enclosure, a proved period 3 (BGMY) raises the lower bound to log rho_3's (issue: a net with a proved
    period 3 always gets lo >= log rho_3)."""
    if kn["fact"] == "kneading":
        lo_v, hi_v = (-math.log(float(q_parse(kn[k]))) for k in ("s_hi", "s_lo"))
        if lo_v - 1e-9 < math.log(float(rho_odd(3))) <= hi_v + 1e-9:
            best = _period3_floor(m, I, None, budget)
            if best is not None:
                return _finish(cert_of, best, (hi_v, kn), budget)
    return _finish_exact(cert_of, kn, budget)


def _period3_floor(m: Map, I, best_lo, budget: Budget):
    """best_lo, or log rho_3 from a proved period 3 in I when that is larger (BGMY: a network with a
    proved period 3 always gets h >= log of the golden mean)."""
    from certify.periodic.period import certify_period

    a = rho_odd(3)
    if I[0] >= I[1] or (best_lo is not None and best_lo[0] >= math.log(float(a))):
        return best_lo
    sub = certify_period(m, 3, domain=I, budget=dataclasses.replace(budget, max_cells=budget.max_cells // 16))
    if sub["verdict"] != "proved":
        return best_lo
    return (math.log(float(a)), {"fact": "odd_period", "p": 3, "rho_lower": q_str(a), "certificate": sub})


def _finish(cert_of, best_lo, best_up, budget, **extra):
    """The proved certificate from the best lower (or None: h >= 0) and upper candidates (value, fact):
    the bounds entry is the kernel's (checker.entropy.describe, rounded_bound)."""
    side, hi_form, hi_method, hi_value = describe(best_up[1])
    if side == "exact":
        hi_value = hi_value[1]
    if best_lo is None:
        (lo_form, lo_method), lo_value = TRIVIAL, (fmpq(1), 1)
    else:
        _, lo_form, lo_method, lo_value = describe(best_lo[1])
    evidence = [best_up[1]] + ([best_lo[1]] if best_lo is not None else [])
    bounds = {"lo": q_str(rounded_bound(lo_value, up=False)), "hi": q_str(rounded_bound(hi_value, up=True)),
              "lo_exact": lo_form, "hi_exact": hi_form, "lo_method": lo_method, "hi_method": hi_method}
    cert = cert_of("proved", evidence, bounds=bounds, **extra)
    return self_checked(cert, budget.self_check, keep=("schema", "map", "claim", "precision", "versions"))


def _kneading(m: Map, pl, I):
    """(kneading fact or None, note or None): the Milnor-Thurston enclosure of h(f|I) (dynamics/kneading.py)."""
    from certify.dynamics.kneading import kneading_fact

    return kneading_fact(m.program, pl, I)


def _exact_fact(m: Map, pl, I):
    """A slope or markov fact giving h(f|I) exactly, or None."""
    from certify.dynamics.entropy_exact import markov_fact, slope_fact

    fact = slope_fact(pl, I) if pl is not None else None
    return fact if fact is not None else markov_fact(m.program, pl, I)


def _finish_exact(cert_of, fact, budget):
    """The proved certificate of an exact fact (both bounds from it), self-checked."""
    _, form, method, (lo_value, hi_value) = describe(fact)
    bounds = {"lo": q_str(rounded_bound(lo_value, up=False)), "hi": q_str(rounded_bound(hi_value, up=True)),
              "lo_exact": form, "hi_exact": form, "lo_method": method, "hi_method": method}
    cert = cert_of("proved", [fact], bounds=bounds)
    return self_checked(cert, budget.self_check, keep=("schema", "map", "claim", "precision", "versions"))


def _polynomial_markov(m: Map, domain, claim: dict, cert_of, budget):
    """The exact entropy of a polynomial map from a Markov partition of I (the domain, or a simple
    interval near the float attractor's hull), or None."""
    from certify.dynamics.entropy_exact import markov_fact, polynomial_candidates

    if not m.program.is_polynomial() or m.program.has_param():
        return None
    for I in polynomial_candidates(m.program, domain):
        fact = markov_fact(m.program, None, I)
        if fact is not None:
            claim["interval"] = interval(*I)
            return _finish_exact(cert_of, fact, budget)
    return None


def smooth_invariant_interval(m: Map, domain=None):
    """(I, pieces): an interval with f(I) in I proved by ball images of `pieces` equal parts, or None.

    Candidates: the domain; else the hull of float orbits (rounded outward to simple rationals, then
    widened a little), which for f(I) = I maps (logistic r = 4 on [0, 1]) lands on the exact ends."""
    from fractions import Fraction
    prog = m.program
    if domain is not None:
        cands = [domain]
    else:
        f = float_map(prog)
        x = np.linspace(-3, 3, 601) + 0.001 * np.sqrt(2)  # generic starts (not on fixed points)
        with np.errstate(all="ignore"):
            for _ in range(500):
                x = f(x)
                x = x[np.isfinite(x) & (np.abs(x) < 1e6)]
            if not x.size:
                return None
            a, b = float(x.min()), float(x.max())
            for _ in range(60):  # grow the attractor's hull until f maps it into itself (in floats)
                y = f(np.linspace(a, b, 4001))
                y = y[np.isfinite(y)]
                na, nb = min(a, float(y.min())), max(b, float(y.max()))
                if (na, nb) == (a, b) or nb - na > 1e6:
                    break
                a, b = na, nb
        cands = []
        for den in (10, 1000, 10 ** 6):
            lo, hi = Fraction(a).limit_denominator(den), Fraction(b).limit_denominator(den)
            cands.append((fmpq(lo.numerator, lo.denominator), fmpq(hi.numerator, hi.denominator)))
        w = max(b - a, 1e-9)
        lo, hi = to_fmpq(a - 1e-9 * w), to_fmpq(b + 1e-9 * w)
        with workprec(128):
            for _ in range(8):  # grow by the ball image of I (plus a margin) until f(I) lies inside
                ends = [image_bounds(prog, u, v) for u, v in _tiling((lo, hi), 64)]
                ya, yb = min(e[0] for e in ends), max(e[1] for e in ends)
                if not (ya.is_finite() and yb.is_finite()):
                    break
                margin = dyadic((hi - lo) / 10 ** 9, 60, up=True)
                lo, hi = min(lo, dyadic(ya.fmpq(), 60, up=False) - margin), max(hi, dyadic(yb.fmpq(), 60, up=True) + margin)
                cands.append((lo, hi))
    good = []
    for lo, hi in cands:
        if lo < hi:
            for pieces in (64, 256, 1024):
                with workprec(128):
                    if pieces_invariant(prog, lo, hi, pieces):
                        good.append(((lo, hi), pieces))
                        break
    if good:
        return min(good, key=lambda g: g[0][1] - g[0][0])
    if domain is not None:
        raise CertifyError("the domain is not proved invariant (f(I) in I) by ball arithmetic")
    return None


def smooth_entropy_bounds(m: Map, domain=None, budget: Budget = Budget(), timeout: float | None = None) -> dict:
    """Certified [lo, hi] on h_top(f|I) for a smooth (non-PL) map on an invariant interval I.

    lo: log rho_p for the least odd p <= 15 with a proved point of period p in I (BGMY; p = 3 gives
    log of the golden mean), each period decided within 1/16 of budget.max_cells; hi: (1/n) log
    sup_I |(f^n)'| for the best n <= 3, the sup bounded in ball arithmetic on a tiling of I
    (h <= max(0, log Lip)).
    """
    claim = {"kind": "entropy", "interval": None, "p": 0}
    cert_of = _cert_maker(m, claim)
    return limits.guard(timeout, lambda: _smooth_entropy_bounds(m, domain, budget, claim, cert_of),
                        lambda why: cert_of("undecided", reason=why))


def _smooth_entropy_bounds(m: Map, domain, budget: Budget, claim: dict, cert_of) -> dict:
    done = _polynomial_markov(m, domain, claim, cert_of, budget)
    if done is not None:
        return done
    found = smooth_invariant_interval(m, domain)
    if found is None:
        return cert_of("undecided", reason="no invariant interval was proved; pass --domain LO,HI")
    I, pieces = found
    claim.update(interval=interval(*I), pieces=pieces)
    best_up, kn, kn_note = None, None, None
    if not m.program.has_param():
        kn, kn_note = _kneading(m, None, I)
        if kn is not None and kn.get("s_hi", 0) is not None:
            return _kneading_finish(m, I, kn, budget, cert_of)
        if kn is not None:
            best_up = (-math.log(float(q_parse(kn["s_lo"]))), kn)
    for n in (1, 2, 3):
        cells = _tiling(I, 512)
        s = fmpq(1)
        with workprec(128):
            for a, b in cells:
                X, D = ball_of(a, b), arb(1)
                for _ in range(n):
                    X, d = eval_ball(m.program, X, deriv=True)
                    D = D * d
                if not D.is_finite():
                    s = None
                    break
                s = max(s, abs(D).upper().fmpq())
        if s is None:
            continue
        s = dyadic(s, 20, up=True)
        val = math.log(float(s)) / n
        if best_up is None or val < best_up[0]:
            best_up = (val, {"fact": "lipschitz", "n": n, "s": q_str(s), "cells": [interval(a, b) for a, b in cells]})
    if best_up is None:
        return cert_of("undecided", reason="no finite bound on |f'| over I")
    extra = {} if kn_note is None else {"note": kn_note}
    return _finish(cert_of, _smooth_lower(m, I, budget), best_up, budget, **extra)


def _smooth_lower(m: Map, I, budget: Budget):
    """log rho_p for the least odd p <= 15 with a proved point of period p in I, or None."""
    from certify.periodic.period import certify_period

    sub_budget = dataclasses.replace(budget, max_cells=budget.max_cells // 16)
    for p in range(3, 16, 2):
        sub = certify_period(m, p, domain=I, budget=sub_budget)
        if sub["verdict"] == "proved":
            a = rho_odd(p)
            return (math.log(float(a)), {"fact": "odd_period", "p": p, "rho_lower": q_str(a), "certificate": sub})
    return None


def _tiling(I, k: int):
    lo, hi = I
    pts = [lo + (hi - lo) * fmpq(j, k) for j in range(k + 1)]
    return list(zip(pts, pts[1:]))


def _log_ratio(k: int, n: int) -> float:
    return math.log(k) / n
