"""Every cycle of minimal period p of an n-dimensional RNN map h -> act(W h + b), or the cycles found (trusted kernel).

Claim kind `rnn_cycles` (claim keys p, basis, region, rounds, order; optional question: "orbits", the
default, or "period": refuted when a complete list is empty). Three forms:

Complete (basis image). The kernel re-derives the whole list by Galias' subdivision of the
cyclic system F(Z) = (f(z_{p-1}) - z_0, f(z_0) - z_1, ...) over B^p, the same tree as for polynomial maps
(certify.checker.nd_orbits.cycle_search: contraction, Krawczyk tests, canonical rotation, leaves partitioning
B^p), with the RNN map in balls, and the canonical rotation of an orbit the one with the least first coordinate
at t = 0 (order []) or the least c.z_0 (order: n exact rationals c, not all 0; for orbits whose first
coordinate is the same at two points, e.g. a unit with a zero row of W, and the subdivision cannot decide it):
  - f over a box: act(W X + b) with tanh and sigmoid read off the ends of each pre-activation ball (both are
    increasing), relu and hardtanh exactly (certify.checker.rnn_contraction._act_interval). arb's own tanh of
    a wide ball is far too loose (tanh of [-3, 3] comes out as [-402, 402]);
  - slopes: diag(act'(W X + b)) W encloses every slope matrix of f between points of X (the derivative's
    range over the pre-activation ball, [0, 1] across a kink of relu or hardtanh), so Krawczyk's test with
    it proves existence and uniqueness (Neumaier, Interval Methods for Systems of Equations, Thm. 5.1.8);
  - backward contraction (tanh and sigmoid when W's ball inverse exists: then W is invertible and W^-1 lies in
    it): f is injective and x = W^-1 (act^-1(y) - b); atanh and logit are increasing, read off the ends of y.
Basis image (tanh, sigmoid, hardtanh): every periodic point z satisfies z = f^(r+1)(z'), so it lies in the
image box X_r (the activation's closed range^n, then r ball images met with it,
certify.checker.rnn_contraction.image_box); the region must contain X_r. The list is every cycle of f.
Stability of each cycle from its Krawczyk enclosure (`_stability`): off the kinks of relu and hardtanh f is
smooth near the cycle, so the multipliers are the eigenvalues of the Jacobian product M, classified by
Gershgorin's discs of V^-1 M V (V the kernel's own approximate eigenvectors; certify.checker.multipliers proves V
invertible and counts the discs outside the unit circle: attracting, repelling, or a saddle with its number of
unstable directions), else by trace and determinant in the plane or norms (nd_orbits.cycle_stability); on a
kink, or when all of these leave it open, the joint bound ||M(X)^k|| < 1 over every product of slope matrices
(or of their inverses; certify.checker.rnn.stability) decides or leaves it open.

Found (basis found, region [], rounds 0, order []): the evidence is one cycle_krawczyk_nd fact per cycle
(certify.checker.rnn.fact_cycle_krawczyk_nd: a unique cycle of minimal period p in its boxes), each optionally
followed by a cycle_multipliers fact (Gershgorin discs after the certificate's similarity: attracting,
repelling, or a saddle with its number of unstable directions; certify.checker.rnn), and the kernel
shows the cycles pairwise distinct (the first point's box of each is disjoint from every box of every other
cycle). The statement is "at least N", labelled not proved complete.

Enumerated (relu and hardtanh; basis enumeration, region [], rounds 0, order []; one fact
enumeration_rnn with the number of itineraries): every cycle exactly, through the PLRNN whose cycles are the
RNN's (`enumerate_rnn_cycles`, its lemma), all sign itineraries solved (certify.checker.plrnn); the orbits are
listed with exact points (intervals lo = hi) and the kernel's stability; complete.

By contraction (basis contraction, p >= 2, region [], rounds 0, order []; one contraction fact as in claim
rnn_contraction): f is a contraction on a box holding f^(k+1)(R^n), so its only periodic point is its fixed
point; the list of orbits of minimal period p >= 2 is empty, complete.

Imports only flint, certify.certificates and the kernel's modules statement, nd_orbits, plrnn, rnn and
rnn_contraction.
"""

from __future__ import annotations

from itertools import product

from flint import acb_mat, arb, arb_mat, ctx, fmpq

from certify.certificates import interval_parse, q_parse, q_str
from certify.checker import multipliers as MU
from certify.checker import nd_orbits as ND
from certify.checker import plrnn as PL
from certify.checker.rnn import (MAX_RNN_PERIOD, MAX_WORK, RNN, _box_text, _disjoint, cycle_cost, fact_cycle_krawczyk_nd,
                                 fact_cycle_multipliers, jacobian_product, multipliers_parts, multipliers_text, parse_rnn,
                                 stability)
from certify.checker.rnn_contraction import RANGES, _act_interval, fact_contraction, image_box
from certify.checker.statement import Failure, Statement, undecided, whole

__all__ = ["RNNBalls", "search_rnn_cycles", "enumerate_rnn_cycles", "itineraries", "rnn_cycles", "MAX_ENUM_BITS", "MAX_ROUNDS", "MAX_FOUND", "BASES"]

MAX_ROUNDS = 64             # image rounds of the basis image
MAX_INVERSE_DIM = 32        # W's ball inverse (the backward contraction) only up to this dimension
MAX_FOUND = 256             # cycles of a found list
MAX_PAIR_WORK = 1 << 25     # interval comparisons of a found list's distinctness test (pairs x p x n)
BASES = ("image", "found", "enumeration", "contraction")
MAX_ENUM_BITS = 16          # log2 of the sign itineraries of an enumeration (2^(n p) for relu, 3^(n p) for hardtanh)
ENUM_FLOOR = 100            # work units per itinerary and cube of the lift's dimension (PL.MAX_MATRIX_WORK's units)
EVAL_UNIT = 10              # work units (about 0.1 microsecond each) per microsecond of one evaluation of f over
                            # a box: about 20 n + 2 n^2 microseconds at 64 bits (measured: 58 for n = 3, 177 for
                            # n = 8; the inverse about 1.6 times that)


class RNNBalls:
    """The exact RNN map in balls with the interface of certify.checker.nd_orbits (n, ball, jacobian, inverse,
    cost): values and slopes from the ends of each pre-activation ball, the inverse when it exists."""

    margin = True  # contractions keep a margin (certify.checker.nd_orbits._widened)

    def __init__(self, m: RNN):
        n = self.n = m.n
        self.activation = m.activation
        self.W = [[arb(w) for w in r] for r in m.W]
        self.b = [arb(v) for v in m.b]
        self.cost = EVAL_UNIT * (20 * n + 2 * n * n)  # the activation at both ends of n balls, n^2 multiply-adds
        self.Winv = None
        if m.activation in ("tanh", "sigmoid") and n <= MAX_INVERSE_DIM:
            # a ball inverse: when it exists, every matrix in the ball of W is invertible and its inverse lies in it
            # (the exact inverse of W, computed over Q, costs unbounded time in the entries' digits)
            # at 64 bits whatever the working precision (any enclosure is sound; n^3 operations at 65536 bits
            # were minutes), and only up to MAX_INVERSE_DIM (beyond, no backward contraction)
            try:
                with ctx.workprec(64):
                    Wi = arb_mat(n, n, [w for r in self.W for w in r]).inv()
            except ZeroDivisionError:
                Wi = None
            if Wi is not None:
                self.Winv = [[Wi[i, j] for j in range(n)] for i in range(n)]

    def _pre(self, X) -> list:
        return [sum((w * x for w, x in zip(r, X)), c) for r, c in zip(self.W, self.b)]

    def ball(self, X) -> list:
        """act(W X + b) over the ball vector X: a ball containing f(x) for every x in X."""
        return [_act_interval(self.activation, u)[0] for u in self._pre(X)]

    def jacobian(self, X) -> list:
        """diag(act'(W X + b)) W: rows of balls containing every slope matrix of f between points of X."""
        s = [_act_interval(self.activation, u)[1] for u in self._pre(X)]
        return [[s[i] * w for w in self.W[i]] for i in range(self.n)]

    def kinked(self, X) -> bool:
        """Some pre-activation ball over X contains a kink of relu (0) or hardtanh (+-1)."""
        if self.activation not in ("relu", "hardtanh"):
            return False
        kinks = (arb(0),) if self.activation == "relu" else (arb(-1), arb(1))
        return any(u.overlaps(k) for u in self._pre(X) for k in kinks)

    def inverse(self, Y):
        """A ball vector containing every x with f(x) in Y, or None (no inverse here, or Y reaches the ends
        of the activation's range)."""
        if self.Winv is None:
            return None
        lo_r, hi_r = RANGES[self.activation]
        if not all(y > lo_r and y < hi_r for y in Y):
            return None
        u = []
        for y in Y:
            ends = [arb(y.lower()), arb(y.upper())]
            if self.activation == "tanh":
                vals = [e.atanh() for e in ends]
            else:
                vals = [(e / (1 - e)).log() for e in ends]
            u.append(vals[0].union(vals[1]))
        d = [ui - c for ui, c in zip(u, self.b)]
        return [sum((w * x for w, x in zip(r, d)), arb(0)) for r in self.Winv]


def _region(m: RNN, claim: dict) -> tuple:
    """The claim's region B (n exact (lo, hi)), checked to contain the image box X_r (basis image), and why every
    periodic point lies in it (text)."""
    region, sides = ND.parse_region(claim["region"], m.n)
    text = " x ".join(sides) if m.n <= 3 else f"{' x '.join(sides[:2])} x ... ({m.n} intervals)"
    rounds = whole(claim["rounds"], "rounds (image rounds)", 0, MAX_ROUNDS)
    if RANGES[m.activation] is None:
        raise Failure("relu has no bounded range: the basis image needs tanh, sigmoid or hardtanh")
    X = image_box(m, rounds)
    if any(not (lo <= a and b <= hi) for (lo, hi), (a, b) in zip(region, X)):
        raise Failure(f"the region does not contain the image box after {rounds} rounds: periodic points "
                      f"may lie outside it")
    return region, (f"every periodic point lies in f^{rounds + 1}(R^n), inside B = {text} (the activation's "
                    f"range and {rounds} ball images)")


def _similarity(M: arb_mat) -> acb_mat:
    """Approximate right eigenvectors of M's midpoint, as an exact (midpoint) matrix: the kernel's own choice of
    the similarity V for Gershgorin's discs (any invertible V is sound; certify.checker.multipliers proves it)."""
    _, R = acb_mat(M.mid()).eig(right=True, algorithm="approx")
    return R.mid()


def _stability(km: RNNBalls, K, p: int) -> tuple:
    """(stability, text) of the cycle in the enclosure K. Off kinks f is smooth near the cycle and the multipliers
    are the eigenvalues of the Jacobian product M: Gershgorin's discs of V^-1 M V (V the kernel's own, `_similarity`)
    classify them with the number of unstable directions, else trace and determinant (the plane) or norms
    (certify.checker.nd_orbits.cycle_stability); a pre-activation ball meeting a kink of relu or hardtanh, or
    both undetermined: the joint norm bound over every product of slope matrices (certify.checker.rnn.stability)."""
    n = km.n
    points = [[K[t * n + i, 0] for i in range(n)] for t in range(p)]
    A = [arb_mat(n, n, [v for row in km.jacobian(z) for v in row]) for z in points]
    if not any(km.kinked(z) for z in points):
        M = jacobian_product(A)
        try:
            ds = MU.discs(M, _similarity(M))
        except (Failure, ZeroDivisionError, ValueError):
            ds = None
        if ds is not None and MU.classify(ds)[0] != "undetermined":
            return multipliers_parts(ds)[0], multipliers_text(ds)
        st = ND.cycle_stability(km, K, p)
        if st != "undetermined":
            return st, st
    st = stability(A)
    return st, st


def _order(order, n: int):
    """None for [] (the first coordinate), else the n exact rationals c (not all 0) of the canonical rotation."""
    if order == []:
        return None
    if not (isinstance(order, list) and len(order) == n):
        raise Failure(f"order is [] or a list of {n} rationals")
    c = [q_parse(v) for v in order]
    if all(v == 0 for v in c):
        raise Failure("order c is not 0")
    return c


def search_rnn_cycles(m: RNN, claim: dict) -> dict:
    """Every cycle of minimal period p (basis image), each as (K, stability) with K its Krawczyk enclosure (n p
    balls, the canonical rotation at t = 0), plus the tree's nodes and tests and the basis text; a Failure when
    undecided."""
    p = whole(claim["p"], "the claim's period p", 1, ND.MAX_CYCLE_PERIOD)
    if claim["basis"] != "image":
        raise Failure("a subdivided list has the basis image")
    km = RNNBalls(m)
    order = _order(claim["order"], m.n)
    region, why = _region(m, claim)
    found = ND.cycle_search(km, region, p, 0, order)
    stab = [_stability(km, K, p) for K in found["orbits"]]
    found["orbits"] = [(K, st) for K, (st, _) in zip(found["orbits"], stab)]
    found["texts"] = [text for _, text in stab]
    found["why"] = why
    return found


def _head(m: RNN) -> str:
    return f"the {m.activation} RNN h -> {m.activation}(W h + b) (n = {m.n})"


def _noun(p: int, count: int) -> str:
    plural = "" if count == 1 else "s"
    return f"fixed point{plural}" if p == 1 else f"orbit{plural} of minimal period {p}"


def _cycles(m: RNN, ev: list, p: int, prec: int) -> list:
    """The found list's cycles: each a cycle_krawczyk_nd fact, optionally followed by a cycle_multipliers fact
    for it; [(boxes as exact pairs, the fact's boxes, stability, multipliers text or None)]."""
    out, k = [], 0
    while k < len(ev):
        try:
            st, A = fact_cycle_krawczyk_nd(m, ev[k], p, prec)
        except Failure as e:
            raise Failure(f"fact {k} (cycle_krawczyk_nd): {e}") from None
        boxes, text = ev[k]["boxes"], None
        if k + 1 < len(ev) and isinstance(ev[k + 1], dict) and ev[k + 1].get("fact") == "cycle_multipliers":
            try:
                ds = fact_cycle_multipliers(m, ev[k + 1], A)
            except Failure as e:
                raise Failure(f"fact {k + 1} (cycle_multipliers): {e}") from None
            st, text = multipliers_parts(ds)[0], multipliers_text(ds)
            k += 1
        out.append(([[interval_parse(v) for v in z] for z in boxes], boxes, st, text))
        k += 1
    return out


def _found(m: RNN, cert: dict, p: int) -> Statement:
    ev = cert["evidence"]
    if not isinstance(ev, list) or not 1 <= len(ev) <= 2 * MAX_FOUND:
        raise Failure(f"a found list has 1 to {MAX_FOUND} cycles (a cycle_krawczyk_nd fact each, optionally followed "
                      f"by a cycle_multipliers fact)")
    if len(ev) * cycle_cost(m.n, p, cert["precision"]) > MAX_WORK:
        raise Failure(f"{len(ev)} facts of a cycle of period {p} in dimension {m.n} at {cert['precision']} bits: "
                      f"beyond the checker's limit {MAX_WORK} work units")
    orbits = _cycles(m, ev, p, cert["precision"])
    pairs = len(orbits) * (len(orbits) - 1) // 2
    if pairs * p * m.n > MAX_PAIR_WORK:
        raise Failure(f"{pairs} pairs of cycles x {p} boxes x {m.n} coordinates to compare: beyond the checker's "
                      f"limit {MAX_PAIR_WORK}")
    for a in range(len(orbits)):
        for b in range(a + 1, len(orbits)):
            first, other = orbits[a][0][0], orbits[b][0]
            if not all(_disjoint(first, box) for box in other):
                raise Failure(f"cycles {a} and {b}: the first point's box of cycle {a} is not disjoint from every box "
                              f"of cycle {b}, so they are not shown distinct")
    entries = [{"box": boxes[0], "stability": st} for _, boxes, st, _ in orbits]
    if cert.get("orbits") != entries or cert.get("count") != len(entries) or cert.get("complete") is not False:
        raise Failure("orbits, count and complete (false) must be the facts' cycles (first boxes, stability), "
                      "their number and false")
    lines = [f"{_head(m)} has at least {len(entries)} {_noun(p, len(entries))} (found, not proved complete: each "
             f"unique in its boxes by Krawczyk on the cyclic system, pairwise distinct)"]
    for k, (_, boxes, st, text) in enumerate(orbits):
        lines.append(f"orbit {k + 1}: z_0 in ({_box_text(boxes[0])}); {text or st}")
    return Statement("\n".join(lines), len(ev))


def _pl_model(m: RNN) -> tuple:
    """(the PLRNN z -> W' relu(z) + h' (A = 0), H) with f = H o g and F = g o H for the RNN f = act(W h + b):
    relu: g(h) = W h + b, H = relu, F(z) = W relu(z) + b; hardtanh(u) = relu(u + 1) - relu(u - 1) - 1:
    g(h) = (W h + b + 1, W h + b - 1), H(z1, z2) = relu(z1) - relu(z2) - 1, F = (W', W') relu(z) + (h1, h2)
    with W' = (W, -W), h1 = b - W 1 + 1, h2 = b - W 1 - 1."""
    n, W, b = m.n, m.W, m.b
    zero = fmpq(0)
    if m.activation == "relu":
        return PL.Model([zero] * n, W, b), lambda z: [v if v > 0 else zero for v in z]
    rows = [r + [-w for w in r] for r in W]
    s = [sum(r, zero) for r in W]
    h = [b[i] - s[i] + 1 for i in range(n)] + [b[i] - s[i] - 1 for i in range(n)]

    def H(z):
        return [(z[i] if z[i] > 0 else zero) - (z[n + i] if z[n + i] > 0 else zero) - 1 for i in range(n)]
    return PL.Model([zero] * (2 * n), rows + rows, h), H


def _exact_step(m: RNN, h: list) -> list:
    out = []
    for r, c in zip(m.W, m.b):
        u = sum((w * x for w, x in zip(r, h)), c)
        out.append((u if u > 0 else fmpq(0)) if m.activation == "relu" else max(fmpq(-1), min(fmpq(1), u)))
    return out


def _patterns(m: RNN) -> list:
    """The orthants of F's periodic points: all 2^n for relu; for hardtanh's lift, per unit (z1, z2) in
    {(0, 0), (1, 0), (1, 1)} (z1 = z2 + 2 on F's image, which holds every periodic point, so z1 <= 0 < z2 never
    happens), 3^n patterns."""
    if m.activation == "relu":
        return list(product((0, 1), repeat=m.n))
    units = list(product(((0, 0), (1, 0), (1, 1)), repeat=m.n))
    return [tuple(u[0] for u in pat) + tuple(u[1] for u in pat) for pat in units]


def itineraries(m: RNN, p: int) -> int:
    """The number of sign itineraries of period p the enumeration solves: (2^n for relu, 3^n for hardtanh)^p."""
    return (2 if m.activation == "relu" else 3) ** (m.n * p)


def enumerate_rnn_cycles(m: RNN, p: int) -> list:
    """Every cycle of minimal period p of a relu or hardtanh RNN, exactly: [(points, stability)] with each cycle
    rotated to its lexicographically least point, sorted; a Failure when the enumeration is beyond the limits
    or a sign itinerary's cycle system is singular and consistent (a continuum of cycles may exist).

    Lemma. With f = H o g and F = g o H (`_pl_model`): f o H = H o F and g o f = F o g, so H maps the periodic
    points of F to those of f and g back; H o g = f and g o H = F permute each cycle, so both are one to one
    on periodic points, and H is a bijection from the cycles of F to those of f preserving minimal periods.
    F is a PLRNN with A = 0: its cycles of period p are all found by solving the sign itineraries its periodic
    points can follow (`_patterns`) exactly (certify.checker.plrnn.enumerate_cycles)."""
    if m.activation not in ("relu", "hardtanh"):
        raise Failure("an exact enumeration is for relu and hardtanh RNNs")
    model, H = _pl_model(m)
    pats = _patterns(m)
    count = itineraries(m, p)
    if count > 1 << MAX_ENUM_BITS:
        raise Failure(f"{count} sign itineraries: beyond the checker's limit 2^{MAX_ENUM_BITS}")
    # each itinerary: its products and solve (cycle_work) and a floor for the interpreter and the exact n' x n'
    # arithmetic, and the stability of the cycle it may give (measured: 2.4 ms an itinerary at n' = 16)
    if count * (PL.cycle_work(model, p) + ENUM_FLOOR * model.n ** 3) > PL.MAX_MATRIX_WORK:
        raise Failure(f"{count} itineraries in dimension {model.n} (numbers growing by {PL.step_bits(model)} bits a "
                      f"step): beyond the checker's limit")
    found, singular = PL.enumerate_cycles(model, p, pats)
    if singular:
        raise Failure(PL.singular_reason(singular[0]))
    km = RNNBalls(m)
    out = []
    for cyc in found:
        pts = [H(list(z)) for z in cyc]
        if any(_exact_step(m, pts[t]) != pts[(t + 1) % p] for t in range(p)) or len(set(map(tuple, pts))) != p:
            raise Failure("a cycle of the PLRNN does not map to a cycle of minimal period p")  # cannot happen
        k = min(range(p), key=lambda t: pts[t])
        pts = pts[k:] + pts[:k]
        K = arb_mat(m.n * p, 1, [arb(v) for z in pts for v in z])
        out.append((pts, _stability(km, K, p)))
    return sorted(out, key=lambda c: c[0])


def _enumerated(m: RNN, cert: dict, p: int) -> Statement:
    ND._one_fact(cert["evidence"], "enumeration_rnn", ("itineraries",))
    cycles = enumerate_rnn_cycles(m, p)
    count = itineraries(m, p)
    if cert["evidence"][0]["itineraries"] != count:
        raise Failure(f"enumeration_rnn: itineraries is {count} by the kernel's own enumeration")
    entries = [{"box": [{"lo": q_str(v), "hi": q_str(v)} for z in pts for v in z], "stability": st}
               for pts, (st, _) in cycles]
    if cert.get("orbits") != entries or cert.get("count") != len(entries) or cert.get("complete") is not True:
        raise Failure(f"orbits, count and complete (true) must be the kernel's: {len(entries)} orbit(s) of minimal "
                      f"period {p}, exact points, the kernel's stability")
    sub = "z = W h + b" if m.activation == "relu" else "z = (W h + b + 1, W h + b - 1)"
    lines = [f"{_head(m)} has exactly {len(entries)} {_noun(p, len(entries))} (complete: its cycles are those of the "
             f"PLRNN z -> W' relu(z) + h' through {sub}, all {count} sign itineraries its periodic points can "
             f"follow solved exactly)"]
    for k, (pts, (_, text)) in enumerate(cycles):
        shown = " -> ".join("(" + ", ".join(q_str(v) for v in z) + ")" for z in pts[:4])
        lines.append(f"orbit {k + 1}: {shown}{' -> ...' if p > 4 else ''}; {text}")
    return Statement("\n".join(lines), 1)


def _contracted(m: RNN, cert: dict, p: int) -> Statement:
    """Basis contraction (p >= 2): f is a contraction (certify.checker.rnn_contraction.fact_contraction), so its
    only periodic point is its fixed point (Banach) and it has no orbit of minimal period p >= 2."""
    ev = cert["evidence"]
    if p < 2:
        raise Failure("the basis contraction lists periods p >= 2 (the fixed point needs its own enclosure)")
    if not (isinstance(ev, list) and len(ev) == 1):
        raise Failure("a list by contraction has one contraction fact")
    what = fact_contraction(m, ev[0], cert["precision"])
    if cert.get("orbits") != [] or cert.get("count") != 0 or cert.get("complete") is not True:
        raise Failure("a list by contraction is empty: orbits [], count 0, complete true")
    return Statement(f"{_head(m)} has exactly 0 {_noun(p, 0)} (complete: f is {what}, so its only periodic point is "
                     f"its fixed point, Banach)", 1)


def rnn_cycles(prog, cert: dict) -> Statement:
    """Every orbit of minimal period p of an RNN map in a region, each unique in its Krawczyk enclosure, with its
    stability, the list complete (basis image: every cycle of f lies in the image box); or (basis enumeration,
    relu and hardtanh) every cycle exactly; or (basis found) the cycles the certificate lists, each proved and
    pairwise distinct, not proved complete. With the optional question "period": refuted when the complete list
    is empty (no point of minimal period p), else proved.

    Theorems: Krawczyk's with a slope enclosure (existence and uniqueness in a box); the subdivision's leaves
    partition B^p, so the count is exact (certify.checker.nd_orbits.polymap_cycles); the basis's lemma
    (the image box). Checked: the map, the region and its basis, the tree re-derived by the kernel
    with its work counted before it is done, the fields orbits, count and complete against the kernel's own."""
    m = parse_rnn(cert["map"]["canonical"])
    claim = cert["claim"]
    p = whole(claim["p"], "the claim's period p", 1, MAX_RNN_PERIOD)
    if claim["basis"] not in BASES:
        raise Failure(f"the claim's basis is one of {', '.join(BASES)}")
    question = claim.get("question", "orbits")
    if question not in ("orbits", "period"):
        raise Failure("the claim's question is orbits or period")
    if cert["verdict"] == "undecided":
        return undecided(cert, ("orbits", "count", "complete"), f"orbits of period {p} of {_head(m)}")
    want = "refuted" if question == "period" and cert.get("count") == 0 else "proved"
    if cert["verdict"] != want:
        raise Failure(f"an rnn_cycles certificate with question {question} and count {cert.get('count')!r} is "
                      f"{want} (or undecided)")
    if claim["basis"] != "image" and (claim["region"] != [] or claim["rounds"] != 0 or claim["order"] != []):
        raise Failure(f"a list with the basis {claim['basis']} has region [], rounds 0 and order []")
    form = {"found": _found, "enumeration": _enumerated, "contraction": _contracted, "image": _complete}
    st = form[claim["basis"]](m, cert, p)
    if question == "period":
        head = (f"{_head(m)} has no point of minimal period {p} (the complete list is empty)" if want == "refuted"
                else f"{_head(m)} has a point of minimal period {p}")
        return Statement(head + "\n" + st.text, st.facts)
    return st


def _complete(m: RNN, cert: dict, p: int) -> Statement:
    claim, ev = cert["claim"], cert["evidence"]
    ND._one_fact(ev, "cycle_subdivision", ("nodes", "tests"))
    found = search_rnn_cycles(m, claim)
    entries = ND.cycle_entries(found)
    ND._bind(cert, "cycle_subdivision", ("nodes", "tests"), found, entries, p, "tree")
    if cert.get("complete") is not True:
        raise Failure("complete must be true: the kernel's subdivision is complete for its basis")
    lines = [f"{_head(m)} has exactly {len(entries)} {_noun(p, len(entries))} (complete: {found['why']}; "
             f"{found['nodes']} nodes of the subdivision of the cyclic system, {found['tests']} Krawczyk tests)"]
    for k, ((K, _), text) in enumerate(zip(found["orbits"], found["texts"])):
        lines.append(f"orbit {k + 1}: z_0 in ({ND._point_text(K, 0, m.n)}); {text}")
    return Statement("\n".join(lines), 1)
