"""Every cycle of minimal period p of an n-dimensional RNN map h -> act(W h + b), or the cycles found (trusted kernel).

Claim kind `rnn_cycles` (claim keys p, basis, region, rounds, trap). Two forms:

Complete (basis image, trapping or domain). The kernel re-derives the whole list by Galias' subdivision of the
cyclic system F(Z) = (f(z_{p-1}) - z_0, f(z_0) - z_1, ...) over B^p, the same tree as for polynomial maps
(certify.checker.nd_orbits.cycle_search: contraction, Krawczyk tests, canonical rotation, leaves partitioning
B^p), with the RNN map in balls:
  - f over a box: act(W X + b) with tanh and sigmoid read off the ends of each pre-activation ball (both are
    increasing), relu and hardtanh exactly (certify.checker.rnn_contraction._act_interval). arb's own tanh of
    a wide ball is far too loose (tanh of [-3, 3] comes out as [-402, 402]);
  - slopes: diag(act'(W X + b)) W encloses every slope matrix of f between points of X (the derivative's
    range over the pre-activation ball, [0, 1] across a kink of relu or hardtanh), so Krawczyk's test with
    it proves existence and uniqueness (Neumaier, Interval Methods for Systems of Equations, Thm. 5.1.8);
  - backward contraction (tanh and sigmoid with det W != 0, W's inverse exact): f is injective and
    x = W^-1 (act^-1(y) - b); atanh and logit are increasing, read off the ends of y.
Basis (why every counted cycle is a cycle of the statement):
  - image (tanh, sigmoid, hardtanh): every periodic point z satisfies z = f^(r+1)(z'), so it lies in the image
    box X_r (the activation's closed range^n, then r ball images met with it,
    certify.checker.rnn_contraction.image_box); the region must contain X_r. The list is every cycle of f;
  - trapping: f(B) in B checked on a grid of trap^n cells, so every cycle meeting B lies in B;
  - domain: the cycles contained in B.
Stability of each cycle from its Krawczyk enclosure: tanh and sigmoid are smooth, so the multipliers are
the eigenvalues of the Jacobian product (trace and determinant in the plane, norms of powers in R^n:
certify.checker.nd_orbits.cycle_stability); relu and hardtanh may have a cycle on a kink, so only the
joint bound ||M(X)^k|| < 1 over every product of slope matrices (certify.checker.rnn.stability) is used.

Found (basis found, region [], rounds 0, trap 0): the evidence is one cycle_krawczyk_nd fact per cycle
(certify.checker.rnn.fact_cycle_krawczyk_nd: a unique cycle of minimal period p in its boxes) and the kernel
shows the cycles pairwise distinct (the first point's box of each is disjoint from every box of every other
cycle). The statement is "at least N", labelled not proved complete.

Imports only flint, certify.certificates and the kernel's modules statement, nd_orbits, rnn and rnn_contraction.
"""

from __future__ import annotations

from flint import arb, arb_mat, fmpq_mat

from certify.certificates import interval_parse, q_str
from certify.checker import nd_orbits as ND
from certify.checker.rnn import (MAX_RNN_PERIOD, MAX_WORK, RNN, _box_text, _disjoint, fact_cycle_krawczyk_nd,
                                 parse_rnn, stability)
from certify.checker.rnn_contraction import RANGES, _act_interval, image_box
from certify.checker.statement import Failure, Statement, undecided, whole

__all__ = ["RNNBalls", "search_rnn_cycles", "rnn_cycles", "MAX_ROUNDS", "MAX_FOUND", "BASES"]

MAX_ROUNDS = 64             # image rounds of the basis image
MAX_FOUND = 256             # cycles of a found list
BASES = ("image", "trapping", "domain", "found")
EVAL_UNIT = 40              # work units (about 0.1 microsecond each) of one activation over a ball, or one ball
                            # multiply-add with its interpreter overhead (measured: n = 2, 3, 8)


class RNNBalls:
    """The exact RNN map in balls with the interface of certify.checker.nd_orbits (n, ball, jacobian, inverse,
    cost): values and slopes from the ends of each pre-activation ball, the inverse when it exists."""

    def __init__(self, m: RNN):
        n = self.n = m.n
        self.activation = m.activation
        self.W = [[arb(w) for w in r] for r in m.W]
        self.b = [arb(v) for v in m.b]
        self.cost = EVAL_UNIT * (2 * n * n + 4 * n)  # pre-activations, values and slopes, the slope matrix
        self.Winv = None
        if m.activation in ("tanh", "sigmoid"):
            Wq = fmpq_mat(n, n, [w for r in m.W for w in r])
            if Wq.det() != 0:
                Wi = Wq.inv()
                self.Winv = [[arb(Wi[i, j]) for j in range(n)] for i in range(n)]

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


def _region(m: RNN, km: RNNBalls, claim: dict) -> tuple:
    """The claim's region B (n exact (lo, hi)), why every counted cycle lies in it (text), the work units its
    check used, and whether the list is every cycle of f (basis image)."""
    basis = claim["basis"]
    reg = claim["region"]
    if not (isinstance(reg, list) and len(reg) == m.n):
        raise Failure(f"the region is a list of {m.n} intervals")
    region = [interval_parse(v) for v in reg]
    if any(not lo < hi for lo, hi in region):
        raise Failure("the region's intervals have lo < hi")
    text = " x ".join(f"[{q_str(lo)}, {q_str(hi)}]" for lo, hi in region) if m.n <= 3 else \
        f"{' x '.join(f'[{q_str(lo)}, {q_str(hi)}]' for lo, hi in region[:2])} x ... ({m.n} intervals)"
    rounds = whole(claim["rounds"], "rounds (image rounds)", 0, MAX_ROUNDS)
    trap = claim["trap"]
    if basis != "image" and rounds != 0:
        raise Failure("rounds (image rounds) is 0 unless the basis is image")
    if basis != "trapping" and trap != 0:
        raise Failure("trap (cells per axis of the trapping check) is 0 unless the basis is trapping")
    if basis == "image":
        if RANGES[m.activation] is None:
            raise Failure("relu has no bounded range: the basis image needs tanh, sigmoid or hardtanh")
        X = image_box(m, rounds)
        if any(not (lo <= a and b <= hi) for (lo, hi), (a, b) in zip(region, X)):
            raise Failure(f"the region does not contain the image box after {rounds} rounds: periodic points "
                          f"may lie outside it")
        return region, (f"every periodic point lies in f^{rounds + 1}(R^n), inside B = {text} (the activation's "
                        f"range and {rounds} ball images)"), 0, True
    if basis == "trapping":
        spent = ND.trapping(km, region, whole(trap, "trap (cells per axis)", 1, ND.MAX_TRAP_CELLS))
        return region, (f"B = {text} is forward-invariant, f(B) in B (checked on {trap}^{m.n} cells), so every "
                        f"cycle meeting B lies in B"), spent, False
    return region, f"counted among the cycles contained in B = {text} (the domain)", 0, False


def _stability(km: RNNBalls, K, p: int) -> str:
    """The cycle's stability from its enclosure K: eigenvalues for smooth maps and off kinks, else the joint
    norm bound over every product of slope matrices."""
    n = km.n
    points = [[K[t * n + i, 0] for i in range(n)] for t in range(p)]
    if not any(km.kinked(z) for z in points):
        return ND.cycle_stability(km, K, p)
    return stability([arb_mat(n, n, [v for row in km.jacobian(z) for v in row]) for z in points])


def search_rnn_cycles(m: RNN, claim: dict) -> dict:
    """Every cycle of minimal period p in the claim's region (complete bases), each as (K, stability) with K
    its Krawczyk enclosure (n p balls, the canonical rotation: least first coordinate at t = 0), plus the
    tree's nodes and tests, the basis text and whether it is every cycle of f; a Failure when undecided."""
    p = whole(claim["p"], "the claim's period p", 1, ND.MAX_CYCLE_PERIOD)
    if claim["basis"] not in BASES[:3]:
        raise Failure(f"a complete list has basis {', '.join(BASES[:3])}")
    km = RNNBalls(m)
    region, why, spent, every = _region(m, km, claim)
    found = ND.cycle_search(km, region, p, spent)
    found["orbits"] = [(K, _stability(km, K, p)) for K in found["orbits"]]
    found["why"], found["every"] = why, every
    return found


def _head(m: RNN) -> str:
    return f"the {m.activation} RNN h -> {m.activation}(W h + b) (n = {m.n})"


def _noun(p: int, count: int) -> str:
    plural = "" if count == 1 else "s"
    return f"fixed point{plural}" if p == 1 else f"orbit{plural} of minimal period {p}"


def _found(m: RNN, cert: dict, p: int) -> Statement:
    claim, ev = cert["claim"], cert["evidence"]
    if claim["region"] != [] or claim["rounds"] != 0 or claim["trap"] != 0:
        raise Failure("a found list has region [], rounds 0 and trap 0")
    if not isinstance(ev, list) or not 1 <= len(ev) <= MAX_FOUND:
        raise Failure(f"a found list has 1 to {MAX_FOUND} cycle_krawczyk_nd facts")
    if len(ev) * m.n ** 3 * p ** 2 > MAX_WORK:
        raise Failure(f"{len(ev)} cycles x n^3 p^2 is beyond the checker's limit {MAX_WORK}")
    orbits = []
    for k, fact in enumerate(ev):
        try:
            st, _ = fact_cycle_krawczyk_nd(m, fact, p, cert["precision"])
        except Failure as e:
            raise Failure(f"fact {k} (cycle_krawczyk_nd): {e}") from None
        orbits.append(([[interval_parse(v) for v in z] for z in fact["boxes"]], st))
    for a in range(len(orbits)):
        for b in range(a + 1, len(orbits)):
            first, other = orbits[a][0][0], orbits[b][0]
            if not all(_disjoint(first, box) for box in other):
                raise Failure(f"cycles {a} and {b}: the first point's box of cycle {a} is not disjoint from every box "
                              f"of cycle {b}, so they are not shown distinct")
    entries = [{"box": [{"lo": q_str(lo), "hi": q_str(hi)} for lo, hi in boxes[0]], "stability": st}
               for boxes, st in orbits]
    if cert.get("orbits") != entries or cert.get("count") != len(entries) or cert.get("complete") is not False:
        raise Failure("orbits, count and complete (false) must be the facts' cycles (first boxes, stability), "
                      "their number and false")
    noun = _noun(p, len(entries))
    lines = [f"{_head(m)} has at least {len(entries)} {noun} (found, not proved complete: each unique in its "
             f"boxes by Krawczyk on the cyclic system, pairwise distinct)"]
    for k, (fact, (_, st)) in enumerate(zip(ev, orbits)):
        lines.append(f"orbit {k + 1}: z_0 in ({_box_text(fact['boxes'][0])}); {st}")
    return Statement("\n".join(lines), len(ev))


def rnn_cycles(prog, cert: dict) -> Statement:
    """Every orbit of minimal period p of an RNN map in a region, each unique in its Krawczyk enclosure, with its
    stability, the list complete for the cycles the basis covers (basis image: every cycle of f); or (basis
    found) the cycles the certificate lists, each proved and pairwise distinct, not proved complete.

    Theorems: Krawczyk's with a slope enclosure (existence and uniqueness in a box); the subdivision's leaves
    partition B^p, so the count is exact (certify.checker.nd_orbits.polymap_cycles); the basis's lemma
    (image box, trapping region). Checked: the map, the region and its basis, the tree re-derived by the kernel
    with its work counted before it is done, the fields orbits, count and complete against the kernel's own."""
    m = parse_rnn(cert["map"]["canonical"])
    claim = cert["claim"]
    p = whole(claim["p"], "the claim's period p", 1, MAX_RNN_PERIOD)
    if claim["basis"] not in BASES:
        raise Failure(f"the claim's basis is one of {', '.join(BASES)}")
    if cert["verdict"] == "undecided":
        return undecided(cert, ("orbits", "count", "complete"), f"orbits of period {p} of {_head(m)}")
    if cert["verdict"] != "proved":
        raise Failure("an rnn_cycles certificate is proved or undecided")
    if claim["basis"] == "found":
        return _found(m, cert, p)
    ev = cert["evidence"]
    ND._one_fact(ev, "cycle_subdivision", ("nodes", "tests"))
    found = search_rnn_cycles(m, claim)
    entries = ND.cycle_entries(found)
    ND._bind(cert, "cycle_subdivision", ("nodes", "tests"), found, entries, p, "tree")
    if cert.get("complete") is not True:
        raise Failure("complete must be true: the kernel's subdivision is complete for its basis")
    scope = "" if found["every"] else (" contained in B" if claim["basis"] == "domain" and p > 1 else " in B")
    lines = [f"{_head(m)} has exactly {len(entries)} {_noun(p, len(entries))}{scope} (complete: {found['why']}; {found['nodes']} "
             f"nodes of the subdivision of the cyclic system, {found['tests']} Krawczyk tests)"]
    for k, (K, st) in enumerate(found["orbits"]):
        lines.append(f"orbit {k + 1}: z_0 in ({ND._point_text(K, 0, m.n)}); {st}")
    return Statement("\n".join(lines), 1)
