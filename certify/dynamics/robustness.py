"""Robustness radius of period 3 for rnn1d networks, and the persistence experiment.

`robustness` returns a certificate for radius [lo, hi] (max-norm over all of w, b, a, c): every
network within lo has points of every period (a Li-Yorke witness proved over the whole box, see
certify/checker/robust.py), and some network within hi has no point of period 3 (an exact or
ball refutation by `certify_period`, embedded). Floats only choose the witness and the directions.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from flint import fmpq

from certify import limits
from certify.arith import Budget, dyadic, float_map, to_fmpq, workprec
from certify.certificates import SCHEMA, q_parse, q_str
from certify.verify import self_checked
from certify.checker.robust import PARAMS, li_yorke_box
from certify.errors import CertifyError
from certify.maps import Map, from_weights
from certify.periodic.period import DEFAULT_WINDOW, certify_period, find_region, versions

PREC = 128
PIECES = 256


def _params(canon: dict) -> list[fmpq]:
    return [q_parse(v) for k in PARAMS for v in canon[k]] + [q_parse(canon.get("c", "0"))]


def neighbour(m: Map, theta: list, given: str = "neighbour") -> Map:
    """The network of m's architecture with the parameter vector theta (exact rationals)."""
    canon = m.canonical
    k = len(canon["w"])
    d = {key: canon[key] for key in ("activation", "output_activation", "slope") if canon.get(key)}
    for i, key in enumerate(PARAMS):
        d[key] = [q_str(v) for v in theta[i * k:(i + 1) * k]]
    d["c"] = q_str(theta[-1])
    return from_weights(d, given)


def _window(m: Map):
    with workprec(64):
        _, region, _ = find_region(m, None, Budget())
    if region in (None, "empty"):
        return DEFAULT_WINDOW
    lo, hi = region
    pad = (hi - lo) / 8 + fmpq(1, 8)
    return lo - pad, hi + pad


def witness_candidates(m: Map, count: int = 8) -> list[fmpq]:
    """Rational points with the largest Li-Yorke margin min(a - f^3 a, f a - a, f^2 a - f a) (or mirror)."""
    lo, hi = (float(v) for v in _window(m))
    f = float_map(m.program)
    xs = np.linspace(lo, hi, 200_001)
    with np.errstate(all="ignore"):
        y1 = f(xs)
        y2 = f(y1)
        y3 = f(y2)
        up = np.minimum(np.minimum(xs - y3, y1 - xs), y2 - y1)
        down = np.minimum(np.minimum(y3 - xs, xs - y1), y1 - y2)
        margin = np.nan_to_num(np.maximum(up, down), nan=-np.inf)
    out: list[fmpq] = []
    for i in np.argsort(-margin):
        if margin[i] <= 0 or len(out) >= count:
            break
        a = dyadic(to_fmpq(xs[i]), 24, up=False)
        if all(abs(float(a - b)) > (hi - lo) * 1e-3 for b in out):
            out.append(a)
    return out


def _largest_delta(canon, a, pieces: int, steps: int = 30) -> fmpq:
    """The largest dyadic delta (to `steps` bisections) at which the ball witness at a passes; 0 if none."""
    if not li_yorke_box(canon, a, fmpq(0), 1):
        return fmpq(0)
    lo, hi = fmpq(0), fmpq(1, 1 << 20)
    while li_yorke_box(canon, a, hi, pieces):
        lo, hi = hi, hi * 2
        if hi > 1 << 20:
            return lo
    for _ in range(steps):
        mid = (lo + hi) / 2
        if li_yorke_box(canon, a, mid, pieces):
            lo = mid
        else:
            hi = mid
    return lo


def lower_bound(m: Map):
    """(a, delta, direction) with the ball Li-Yorke test passing at the largest delta found, or None."""
    canon = m.canonical
    best = None
    with workprec(PREC):
        for a in witness_candidates(m):
            d = _largest_delta(canon, a, 16, steps=16)
            if d > 0 and (best is None or d > best[1]):
                best = (a, d)
        if best is None:
            return None
        a = best[0]
        d = _largest_delta(canon, a, PIECES)
        d = dyadic(d, 40, up=False)
        while d > 0 and not li_yorke_box(canon, a, d, PIECES):
            d = dyadic(d * (1 - fmpq(1, 1 << 20)), 40, up=False)
        if d <= 0:
            return None
        return a, d, li_yorke_box(canon, a, d, PIECES)


def _directions(m: Map, a, seed: int = 0, randoms: int = 48):
    """Directions (max-norm 1) to perturb along: the corner lowering the Li-Yorke margin fastest, all
    signs flipped, each single parameter, and random directions (corners and interior points)."""
    theta = _params(m.canonical)
    n = len(theta)
    base = _margin(m, theta, a)
    h = fmpq(1, 1 << 20)
    grad = [_margin(m, theta[:i] + [theta[i] + h] + theta[i + 1:], a) - base for i in range(n)]
    dirs = [[-1 if g > 0 else 1 if g < 0 else 0 for g in grad],
            [-1 if v > 0 else 1 for v in theta], [1 if v > 0 else -1 for v in theta]]
    for i in range(n):
        for s in (1, -1):
            dirs.append([s if j == i else 0 for j in range(n)])
    rng = np.random.default_rng(seed)
    for k in range(randoms):
        u = rng.choice([-1, 1], size=n) if k % 2 == 0 else rng.uniform(-1, 1, size=n)
        u = np.round(u / np.abs(u).max() * (1 << 16)).astype(int)
        dirs.append([fmpq(int(v), 1 << 16) for v in u])
    seen, out = set(), []
    for d in dirs:
        key = tuple(str(v) for v in d)
        if key not in seen and any(d):
            seen.add(key)
            out.append([fmpq(v) for v in d])
    return out


def _margin(m: Map, theta, a) -> float:
    f = float_map(neighbour(m, theta).program)
    y1 = f(float(a))
    y2 = f(y1)
    y3 = f(y2)
    x = float(a)
    return float(max(min(x - y3, y1 - x, y2 - y1), min(y3 - x, x - y1, y1 - y2)))


def _refuted(m: Map, theta, budget: Budget):
    cert = certify_period(neighbour(m, theta, "neighbour"), 3, budget=budget)
    return cert if cert["verdict"] == "refuted" else None


def upper_bound(m: Map, start: fmpq, a, budget: Budget = Budget(), seed: int = 0):
    """(delta, refuting certificate): the nearest refuted neighbour found along a set of directions.

    Along the first direction that has one, delta doubles from `start` until period 3 is refuted;
    later directions are tried only if they refute at 97% of the best delta so far; each success is
    bisected (12 steps) towards `start`. At most budget.searches neighbours are tried, each decided
    at <= 256 bits within budget.max_cells / 20 cells.
    """
    theta = _params(m.canonical)
    scale = max([abs(v) for v in theta] + [fmpq(1)])
    sub = dataclasses.replace(budget, max_prec=min(budget.max_prec, 256), max_cells=budget.max_cells // 20)
    best, tries = None, [0]

    def at(d, t):
        limits.checkpoint()
        tries[0] += 1
        return _refuted(m, [v + t * s for v, s in zip(theta, d)], sub)

    def spent():
        return tries[0] >= budget.searches

    for d in _directions(m, a, seed):
        if spent():
            break
        found, lo = None, start
        if best is None:
            t = max(start, fmpq(1, 1 << 20))
            while t <= 4 * scale and not spent() and found is None:
                cert = at(d, t)
                if cert is not None:
                    found = (t, cert)
                else:
                    lo, t = t, t * 2
        else:
            t = dyadic(best[0] * fmpq(97, 100), 30, up=True)
            cert = at(d, t)
            found = (t, cert) if cert is not None else None
        if found is None:
            continue
        hi = found[0]
        for _ in range(12):
            mid = dyadic((lo + hi) / 2, 30, up=True)
            if spent() or not lo < mid < hi:
                break
            cert = at(d, mid)
            if cert is not None:
                hi, found = mid, (mid, cert)
            else:
                lo = mid
        if best is None or found[0] < best[0]:
            best = found
    return best


def robustness(m: Map, seed: int = 0, upper: bool = True, budget: Budget = Budget(),
               timeout: float | None = None) -> dict:
    """Certified radius [lo, hi] of period 3 under max-norm weight perturbations of an rnn1d network.

    The upper-bound search tries at most budget.searches neighbours. `timeout` (seconds, None: none)
    is the outer guard: when it fires the result is undecided, "time limit (machine-dependent)"."""
    if m.canonical.get("kind") != "rnn1d":
        raise CertifyError("the robustness radius is defined for networks: give a weights file or rnn1d(...)")
    cert = {"schema": SCHEMA, "map": {"given": m.given, "canonical": m.canonical, "class": m.kind},
            "claim": {"kind": "robustness", "p": 3, "norm": "max over every w_i, b_i, a_i and c"},
            "precision": PREC, "versions": versions()}
    return limits.guard(timeout, lambda: _robustness(m, seed, upper, budget, cert),
                        lambda why: {**cert, "verdict": "undecided", "evidence": [], "reason": why})


def _robustness(m: Map, seed: int, upper: bool, budget: Budget, cert: dict) -> dict:
    own = certify_period(m, 3, budget=budget)
    if own["verdict"] == "refuted":
        cert.update(verdict="refuted", evidence=[{"fact": "refuted_neighbour", "delta": "0", "certificate": own}],
                    radius={"lo": "0", "hi": "0", "lo_status": "proved", "hi_status": "proved"})
        return _gate(cert)
    low = lower_bound(m)
    if low is None:
        why = ("the network has a period-3 orbit but no Li-Yorke point with strict margins was found"
               if own["verdict"] == "proved" else f"period 3 is undecided for the network itself: "
                                                  f"{own.get('reason', '')}")
        cert.update(verdict="undecided", evidence=[], reason=why)
        return cert
    a, d, direction = low
    evidence = [{"fact": "li_yorke_box", "a": q_str(a), "delta": q_str(d), "pieces": PIECES,
                 "direction": direction}]
    radius = {"lo": q_str(d), "hi": None, "lo_status": "proved", "hi_status": "unknown"}
    found = upper_bound(m, d, a, budget, seed) if upper else None
    if found is not None:
        t, sub = found
        evidence.append({"fact": "refuted_neighbour", "delta": q_str(t), "certificate": sub})
        radius.update(hi=q_str(t), hi_status="proved")
    cert.update(verdict="proved", evidence=evidence, radius=radius)
    return _gate(cert)


def _gate(cert: dict) -> dict:
    return self_checked(cert)


# ----------------------------------------------------------------------------- persistence experiment

def _composition_witness(tables, J) -> bool:
    """Exactly: g = f_3 o f_2 o f_1 has a fixed point x in J with x < f_1(x) < f_2(f_1(x)) or the mirror."""
    from certify.checker.entropy import affine_cells

    f1, f2, _ = tables
    for a, b, A, B in affine_cells(list(tables), *J, 3):
        if A == 1:
            xs = [(a + b) / 2] if B == 0 else []  # g = id on the cell: test its midpoint
        else:
            xs = [x for x in [B / (1 - A)] if a <= x <= b]
        for x in xs:
            x1 = f1(x)
            x2 = f2(x1)
            if x < x1 < x2 or x > x1 > x2:
                return True
    return False


def persistence(m: Map, deltas, samples: int, seed: int = 0) -> dict:
    """Experiment: for N random perturbations of size delta, the recurrent map f (one perturbed copy,
    exact `certify_period` verdict for period 3) against the feed-forward composition f_3 o f_2 o f_1 of
    three independently perturbed copies (exact search for a fixed point x of the composition in J
    with x, f_1(x), f_2(f_1(x)) ordered like a Li-Yorke point). Perturbations are uniform in the
    max-norm box, rounded to multiples of 2^-24 (then within delta)."""
    from certify.dynamics.entropy import invariant_interval

    if m.program.pl() is None:
        raise CertifyError("the persistence experiment needs a piecewise-linear network (exact verdicts)")
    if samples < 1:
        raise CertifyError("--persistence needs a positive number of samples")
    I = invariant_interval(m)
    if I is None:
        raise CertifyError("no invariant interval of the network was found for the experiment")
    pad = (I[1] - I[0]) / 4 + fmpq(1, 8)
    J = (I[0] - pad, I[1] + pad)
    theta = _params(m.canonical)
    rng = np.random.default_rng(seed)
    rows = []
    for delta in deltas:
        rec = {"proved": 0, "refuted": 0, "undecided": 0}
        comp = 0
        for _ in range(samples):
            nets = []
            for _ in range(3):
                u = rng.integers(-(1 << 24), (1 << 24) + 1, size=len(theta))
                nets.append(neighbour(m, [v + delta * fmpq(int(k), 1 << 24) for v, k in zip(theta, u)]))
            rec[certify_period(nets[0], 3)["verdict"]] += 1
            comp += _composition_witness([n.program.pl() for n in nets], J)
        rows.append({"delta": q_str(delta), "recurrent_period3": rec,
                     "composition_witness": {"found": comp, "none_in_J": samples - comp}})
    return {"status": "experiment: per-sample verdicts are exact (rational weights); the rates are sample "
                      "frequencies, not probabilities with error bars",
            "samples": samples, "seed": seed, "J": {"lo": q_str(J[0]), "hi": q_str(J[1])}, "rows": rows}
