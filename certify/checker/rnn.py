"""Kernel for cycles of n-dimensional vanilla RNN maps h -> act(W h + b) (tanh, sigmoid, relu, hardtanh).

A cycle of period p is a zero of the cyclic system F(Z) = (f(z_{p-1}) - z_0, f(z_0) - z_1, ...,
f(z_{p-2}) - z_{p-1}) on R^(n p). The verifier re-does the Krawczyk test on that system from the
certificate's boxes X_0, ..., X_{p-1} and the canonical map alone, in arb balls:

    K = m - C F(m) + (I - C J(X)) (X - m),   K inside the interior of X

proves a unique zero of F in X (Krawczyk; Neumaier, Interval Methods for Systems of Equations,
Thm. 5.1.8). J(X) is the block matrix with -I on the diagonal and A_s = diag(act'(W X_s + b)) W
below it (cyclically); A_s encloses every slope matrix of f between points of X_s, since each
activation is absolutely continuous and its difference quotient on [u, v] lies in the hull of its
derivative there (relu and hardtanh: [0, 1] across a kink). C is any fixed matrix: the kernel takes
the midpoint of its own structured inverse of J(m) (blocks from (I - M)^{-1}, M the product of the
A_s at the midpoints). Minimal period p: for every proper divisor d of p some box X_t is disjoint
from X_{t+d}, so z_t != z_{t+d}. Stability from the ball matrix M(X) = A_{p-1} ... A_0 containing
every product of slope matrices along the boxes: ||M(X)^k||_inf < 1 for some k = 2^j proves the
cycle attracting, ||(M(X)^{-1})^k||_inf < 1 (every member invertible) proves it repelling (all
multipliers outside the unit circle); otherwise stability is undetermined. An optional second fact,
cycle_multipliers, encloses the multipliers (the eigenvalues of every member of M(X)) by
Gershgorin discs after a similarity V given in the certificate as a hint (certify.checker.multipliers):
attracting, repelling, or a saddle with the exact number of unstable directions.

Imports only flint, certify.certificates, certify.errors and the kernel's modules statement and
multipliers.
"""

from __future__ import annotations

from flint import arb, arb_mat, fmpq

from certify.certificates import interval_parse, q_parse
from certify.checker import multipliers as MU
from certify.checker.statement import Failure, Statement, _decimal, iv, whole
from certify.errors import CertifyError

__all__ = ["RNN", "ACTIVATIONS", "parse_rnn", "krawczyk_cycle", "jacobian_product", "stability", "rnn_cycle",
           "multipliers_text", "multipliers_parts", "MAX_RNN_DIM",
           "MAX_RNN_PERIOD", "MAX_WORK", "MAX_POWER_STEPS", "cycle_cost", "stability_head"]

ACTIVATIONS = ("tanh", "sigmoid", "relu", "hardtanh")
MAX_RNN_DIM = 512           # state dimension n of an rnn map
MAX_RNN_PERIOD = 256        # the claim's period p
MAX_WORK = 1 << 30          # cycle_cost units over a certificate's cycles (about 20 s: about 17 ns a unit, measured
                            # at n = 320 by the review of rnn_cycles; 2^33 was about 150 s)
MAX_POWER_STEPS = 8         # stability: ||M^k|| with k = 1, 2, 4, ..., 2^8


class RNN:
    """The exact map h -> act(W h + b): W (n x n) and b (n) as fmpq, act one of ACTIVATIONS."""

    def __init__(self, activation: str, W, b):
        self.n, self.activation, self.W, self.b = len(b), activation, W, b
        self._balls = {}

    def balls(self, prec: int):
        """(W, b) as arb matrices at `prec` bits (rounded outward: they contain the exact entries)."""
        if prec not in self._balls:
            n = self.n
            self._balls[prec] = (arb_mat(n, n, [arb(w) for r in self.W for w in r]),
                                 arb_mat(n, 1, [arb(v) for v in self.b]))
        return self._balls[prec]


def parse_rnn(canon, max_dim: int = MAX_RNN_DIM) -> RNN:
    """{"kind": "rnn", "activation": ..., "W": [n][n], "b": [n]} with exact rational strings -> RNN
    (refused when n > max_dim, before any entry is read)."""
    if not isinstance(canon, dict) or canon.get("kind") != "rnn" or set(canon) != {"kind", "activation", "W", "b"}:
        raise CertifyError("canonical RNN must be {'kind': 'rnn', 'activation': ..., 'W': [[...]], 'b': [...]}")
    act, W, b = canon["activation"], canon["W"], canon["b"]
    if act not in ACTIVATIONS:
        raise CertifyError(f"RNN activation must be one of {', '.join(ACTIVATIONS)}, got {str(act)[:40]!r}")
    if not (isinstance(W, list) and isinstance(b, list)) or not b:
        raise CertifyError("RNN W and b must be non-empty lists")
    n = len(b)
    if n > max_dim:
        raise CertifyError(f"an RNN of dimension {n} is beyond the checker's limit {max_dim}")
    if len(W) != n or any(not isinstance(r, list) or len(r) != n for r in W):
        raise CertifyError(f"RNN shapes differ: b has {n} entries, so W must be {n} x {n}")
    return RNN(act, [[q_parse(w) for w in r] for r in W], [q_parse(v) for v in b])


# ----------------------------------------------------------------------------- ball evaluation

def _act(name: str, u: arb) -> tuple:
    """(act(u), act'(u)) enclosures over the ball u: the value ball contains act(x) and the slope
    ball every difference quotient (act(x) - act(y)) / (x - y), for all x, y in u."""
    if name == "tanh":
        t = u.tanh()
        return t, 1 - t * t
    if name == "sigmoid":
        s = 1 / (1 + (-u).exp())
        return s, s * (1 - s)
    zero, one = arb(0), arb(1)
    if name == "relu":
        if u > 0:
            return u, one
        if u < 0:
            return zero, zero
        return zero.union(u), zero.union(one)
    if u > -1 and u < 1:  # hardtanh
        return u, one
    if u > 1:
        return one, zero
    if u < -1:
        return -one, zero
    return u.union(one).union(-one), zero.union(one)


def _image(m: RNN, x: arb_mat, prec: int) -> tuple:
    """(f(x), A(x)): the image ball vector and the slope enclosure diag(act'(W x + b)) W."""
    W, b = m.balls(prec)
    u = W * x + b
    vals, slopes = zip(*(_act(m.activation, u[i, 0]) for i in range(m.n)))
    n = m.n
    A = arb_mat(n, n, [slopes[i] * W[i, j] for i in range(n) for j in range(n)])
    return arb_mat(n, 1, list(vals)), A


def _identity(n: int) -> arb_mat:
    return arb_mat(n, n, [1 if i == j else 0 for i in range(n) for j in range(n)])


def _boxes(m: RNN, boxes, p: int) -> list:
    """The boxes as p lists of n exact (lo, hi) pairs with lo < hi."""
    if not (isinstance(boxes, list) and len(boxes) == p
            and all(isinstance(z, list) and len(z) == m.n for z in boxes)):
        raise Failure(f"a {p}-cycle needs {p} boxes of dimension {m.n}")
    out = []
    for t, z in enumerate(boxes):
        row = [interval_parse(iv) for iv in z]
        if not all(lo < hi for lo, hi in row):
            raise Failure(f"box {t} is not a box with interior (lo < hi in every coordinate)")
        out.append(row)
    return out


def _hull(lo: fmpq, hi: fmpq) -> arb:
    return arb(lo).union(arb(hi))


def _preconditioner(A: list, n: int) -> list:
    """Blocks C[t][s] (point matrices) approximating the inverse of the cyclic Jacobian J with -I on
    the diagonal and A[s] at (s + 1, s): x_t = A[t-1] x_{t-1} - r_t solves J x = r, and closing the
    cycle gives x_0 = -(I - M)^{-1} (r_0 + sum_{s>=1} A[p-1] ... A[s] r_s). Any C is sound."""
    p, I = len(A), _identity(n)
    G = [I] * p
    if p > 1:
        G[p - 1] = A[p - 1]
        for s in range(p - 2, 0, -1):
            G[s] = G[s + 1] * A[s]
    M = G[1] * A[0] if p > 1 else A[0]
    N = -(I - M).solve(I, algorithm="approx")
    rows = [[N * g for g in G]]
    for t in range(1, p):
        row = [A[t - 1] * blk for blk in rows[-1]]
        row[t] = row[t] - I
        rows.append(row)
    return [[blk.mid() for blk in row] for row in rows]


def krawczyk_cycle(m: RNN, boxes, prec: int) -> tuple:
    """Whether K is inside the interior of X (a unique zero of the cyclic system in the boxes), and
    the slope enclosures A_s over the boxes. boxes: p lists of n exact (lo, hi) pairs."""
    n, p = m.n, len(boxes)
    X = [arb_mat(n, 1, [_hull(lo, hi) for lo, hi in z]) for z in boxes]
    mids = [[(lo + hi) / 2 for lo, hi in z] for z in boxes]
    mb = [arb_mat(n, 1, [arb(v) for v in z]) for z in mids]
    fm, Am = zip(*(_image(m, x, prec) for x in mb))
    A = [_image(m, x, prec)[1] for x in X]
    C = _preconditioner([a.mid() for a in Am], n)
    F = [fm[t - 1] - mb[t] for t in range(p)]  # f(m_{t-1}) - m_t, t - 1 taken mod p
    d = [X[s] - mb[s] for s in range(p)]
    I = _identity(n)
    for t in range(p):
        K = mb[t]
        for s in range(p):
            D = C[t][s] - C[t][(s + 1) % p] * A[s]
            if s == t:
                D = D + I
            K = K - C[t][s] * F[s] + D * d[s]
        for i, (lo, hi) in enumerate(boxes[t]):
            k = K[i, 0]
            if not (k > arb(lo) and k < arb(hi)):
                return False, A
    return True, A


def cycle_cost(n: int, p: int, prec: int) -> int:
    """The work units of one cycle's facts at `prec` bits: the Krawczyk test (n^3 p^2 ball multiply-adds), the
    Jacobian product (n^3 p), the stability's squarings and inverse (n^3 (2 MAX_POWER_STEPS + 3)) and the
    multipliers' discs (n^3), times the precision in 64-bit words (ball arithmetic slows about linearly)."""
    return n ** 3 * (p * p + p + 2 * MAX_POWER_STEPS + 4) * max(1, -(-prec // 64))


def _norm_below_one(M: arb_mat) -> bool:
    n = M.nrows()
    return all(sum((abs(M[i, j]) for j in range(n)), arb(0)) < 1 for i in range(n))


def _power_below_one(M: arb_mat) -> bool:
    for _ in range(MAX_POWER_STEPS + 1):
        if _norm_below_one(M):
            return True
        M = M * M
    return False


def jacobian_product(A: list) -> arb_mat:
    """The ball matrix M = A[p-1] ... A[0]: it contains every product of slope matrices along the boxes."""
    M = A[0]
    for a in A[1:]:
        M = a * M
    return M


def stability(A: list) -> str:
    """"attracting", "repelling" or "undetermined" from the ball matrix M = A[p-1] ... A[0]."""
    M = jacobian_product(A)
    if _power_below_one(M):
        return "attracting"
    try:
        inv = M.inv()
    except ZeroDivisionError:  # some member of M may be singular
        return "undetermined"
    return "repelling" if _power_below_one(inv) else "undetermined"


def _divisors(p: int) -> list:
    return [d for d in range(1, p) if p % d == 0]


def _disjoint(a, b) -> bool:
    return any(hi1 < lo2 or hi2 < lo1 for (lo1, hi1), (lo2, hi2) in zip(a, b))


STABILITY = ("attracting", "repelling", "undetermined")
_FACT_KEYS = {"fact", "p", "boxes", "stability"}


def fact_cycle_krawczyk_nd(m: RNN, fact: dict, p: int, prec: int) -> tuple:
    """The boxes hold a unique p-cycle (Krawczyk on the cyclic system), of minimal period p (boxes
    disjoint under every proper divisor shift), with the stated stability (the kernel's). Returns it
    and the slope enclosures A_s over the boxes."""
    if not isinstance(fact, dict) or set(fact) != _FACT_KEYS or fact.get("fact") != "cycle_krawczyk_nd":
        raise Failure(f"a cycle_krawczyk_nd fact has the keys {sorted(_FACT_KEYS)}")
    if whole(fact["p"], "the fact's period", 1, MAX_RNN_PERIOD) != p:
        raise Failure(f"the fact's period {fact['p']} is not the claim's period {p}")
    boxes = _boxes(m, fact["boxes"], p)
    for d in _divisors(p):
        if not any(_disjoint(boxes[t], boxes[(t + d) % p]) for t in range(p)):
            raise Failure(f"no box is disjoint from its shift by {d}: the minimal period may divide {d}")
    ok, A = krawczyk_cycle(m, boxes, prec)
    if not ok:
        raise Failure("the Krawczyk image is not inside the boxes: no cycle is proved")
    st = stability(A)
    if fact["stability"] != st:
        raise Failure(f"stability must be {st!r}, what the kernel derives at this precision")
    return st, A


_MULT_KEYS = {"fact", "V", "stability", "unstable"}


def fact_cycle_multipliers(m: RNN, fact: dict, A: list) -> list:
    """Every member of M = A[p-1] ... A[0] has exactly `unstable` eigenvalues of modulus > 1 and the
    rest of modulus < 1 (the stated stability), proved by the Gershgorin discs of V^-1 M V
    (certify.checker.multipliers). Returns the discs."""
    if not isinstance(fact, dict) or set(fact) != _MULT_KEYS or fact.get("fact") != "cycle_multipliers":
        raise Failure(f"a cycle_multipliers fact has the keys {sorted(_MULT_KEYS)}")
    ds = MU.discs(jacobian_product(A), MU.parse_similarity(fact["V"], m.n))
    st, k = MU.classify(ds)
    if st == "undetermined":
        raise Failure("a Gershgorin disc meets the unit circle: the multipliers are not separated from it")
    if fact["stability"] != st or whole(fact["unstable"], "unstable", 0, m.n) != k:
        raise Failure(f"the discs prove {st!r} with {k} unstable direction(s), not {fact['stability']!r} "
                      f"with {fact['unstable']}")
    return ds


def _range_text(ds: list) -> str:
    lo, hi = MU.modulus_range(ds)
    low = max(lo.lower().fmpq(), fmpq(0))
    return f"|lambda| in [{_decimal(low, False, 3)}, {_decimal(hi.upper().fmpq(), True, 3)}]"


def multipliers_parts(ds: list) -> tuple:
    """("saddle: 1 unstable direction", "1 with |lambda| in [...], 7 with |lambda| in [...]") from
    the discs: the classification, and the moduli of the unstable then the stable multipliers,
    rounded outward (each range contains every multiplier of its kind)."""
    st, k = MU.classify(ds)
    if st == "undetermined":
        return "undetermined (a Gershgorin disc meets the unit circle)", f"{len(ds)} with {_range_text(ds)}"
    out, inn = [d for d in ds if d.outside()], [d for d in ds if not d.outside()]
    return stability_head(st, k), ", ".join(f"{len(g)} with {_range_text(g)}" for g in (out, inn) if g)


def stability_head(st: str, unstable: int) -> str:
    """"attracting", "repelling" or "saddle: k unstable direction(s)" for a classification and its count."""
    return st if st != "saddle" else f"saddle: {unstable} unstable direction{'s' if unstable > 1 else ''}"


def multipliers_text(ds: list) -> str:
    """"saddle: 1 unstable direction; multipliers: 1 with |lambda| in [...], 7 with ..."."""
    head, ranges = multipliers_parts(ds)
    return f"{head}; multipliers: {ranges}"


def _box_text(box, shown: int = 3) -> str:
    parts = [iv(v).removeprefix("in ") for v in box[:shown]]
    return ", ".join(parts) + (f", ... ({len(box)} coordinates)" if len(box) > shown else "")


def rnn_cycle(prog, cert: dict) -> Statement:
    """The RNN h -> act(W h + b) has a cycle of minimal period p, unique in the certificate's boxes,
    with the stated stability.

    Theorems: Krawczyk's (a unique zero of the cyclic system in X when K(X) is inside int X, for
    any preconditioner and any slope enclosure J(X)); disjoint boxes under a shift by d exclude the
    periods dividing d; ||M(X)^k|| < 1 (resp. for the inverse) bounds every product of slopes along
    the boxes, so points near the cycle converge to it (resp. leave); Gershgorin's, counting form
    (certify.checker.multipliers), for the optional cycle_multipliers fact: the Jacobian of f^p at the
    cycle lies in M(X), and V^-1 M(X) V has its eigenvalues in the discs, as many in a union of discs
    apart from the others as discs, so the count outside the unit circle is exact. Checked, not
    assumed: the map's shapes, the boxes, the minimal period, the Krawczyk inclusion, the stability at
    the certificate's precision, V's invertibility, the discs' position against the unit circle, the
    work bounded before it is done.
    """
    m = parse_rnn(cert["map"]["canonical"])
    p = whole(cert["claim"]["p"], "the claim's period p", 1, MAX_RNN_PERIOD)
    head = f"the {m.activation} RNN h -> {m.activation}(W h + b) (n = {m.n})"
    evidence = cert["evidence"]
    if not isinstance(evidence, list):
        raise Failure("evidence must be a list of facts")
    if cert["verdict"] == "undecided":
        if evidence:
            raise Failure("an undecided RNN cycle claims nothing: no facts")
        return Statement(f"undecided: nothing is claimed about cycles of period {p} of {head}", 0)
    if cert["verdict"] != "proved" or len(evidence) not in (1, 2):
        raise Failure("a proved RNN cycle has one cycle_krawczyk_nd fact, optionally followed by one "
                      "cycle_multipliers fact (refutations are not supported)")
    prec = cert["precision"]
    if cycle_cost(m.n, p, prec) > MAX_WORK:
        raise Failure(f"a cycle of period {p} in dimension {m.n} at {prec} bits costs {cycle_cost(m.n, p, prec)} "
                      f"units: beyond the checker's limit {MAX_WORK}")
    try:
        st, A = fact_cycle_krawczyk_nd(m, evidence[0], p, prec)
    except Failure as e:
        raise Failure(f"fact 0 (cycle_krawczyk_nd): {e}") from None
    if len(evidence) == 2:
        try:
            st = multipliers_text(fact_cycle_multipliers(m, evidence[1], A))
        except Failure as e:
            raise Failure(f"fact 1 (cycle_multipliers): {e}") from None
    box = evidence[0]["boxes"][0]
    noun = "a fixed point" if p == 1 else f"a cycle of minimal period {p}"
    return Statement(f"{head} has {noun}, unique in the certified boxes (Krawczyk on the cyclic system); "
                     f"{st}\nz_0 in ({_box_text(box)})", len(evidence))
