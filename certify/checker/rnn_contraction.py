"""Global contraction of an n-dimensional RNN map h -> act(W h + b): every orbit converges to one fixed
point (kernel).

Claim `rnn_contraction`; one fact `contraction` with `steps` k (0..64), `norm` ("max", "euclid" or
"quadratic") and `weights` (n positive rationals, a hint; for "quadratic" a symmetric n x n matrix). The kernel builds boxes X_0 ⊇ X_1 ⊇ ... ⊇ X_k:
  - X_0 is the closed range of act in every coordinate ([-1, 1] for tanh and hardtanh, [0, 1] for
    sigmoid), so f(R^n) ⊂ X_0; for relu there is no bounded range and k must be 0 (X_0 = R^n);
  - X_{j+1} = hull(f(X_j)) ∩ X_j, with f(X_j) enclosed in ball arithmetic.
Induction: f^{j+1}(R^n) ⊂ X_j (f^{j+2}(R^n) ⊂ f(X_j), and ⊂ f^{j+1}(R^n) ⊂ X_j). Then it encloses
the slope matrices over X_k: S = diag(s) W with s_i the hull of act' over (W X_k + b)_i (for relu on
R^n: s_i in [0, 1]); every difference f(x) - f(y), x, y in X_k, equals S' (x - y) for some S' in S
(the difference quotient of act between two points lies in the hull of act' between them; X_k is
convex; for tanh and sigmoid act' is even and decreasing in |x|, so its hull over an interval is
read off the interval's ends and the point nearest 0). Then, with the weights d:
  - norm "max": q = max_i sum_j |S_ij| d_j / d_i < 1, so f is a q-contraction of ||v|| = max_i |v_i| / d_i;
  - norm "euclid": G = diag(d) - W^T diag(sup(s_i)^2 d_i) W is positive definite (every pivot of its
    LDL^T factorisation in balls > 0); for any slope matrix D W, D = diag(s'), 0 <= s'_i <= sup s_i,
    (D W)^T P (D W) = W^T D P D W <= W^T diag(sup(s)^2 d) W < P (P = diag(d) commutes with D), so f is
    a contraction of ||v||_P = sqrt(v^T P v) with factor sqrt(lambda_max(P^-1/2 (P - G) P^-1/2)) < 1;
  - norm "quadratic": the weights are a symmetric n x n matrix P (a full quadratic norm, for networks whose
    contraction needs a rotated norm: ||W||_2 > 1 > rho(W)). P is positive definite (LDL^T pivots in balls)
    and G(D) = P - (D W)^T P (D W) is positive definite at each of the 2^v vertices D = diag(q), q_i an end
    of s_i (v the slopes that are not points). lambda_min(G(D)) = min over unit x of x^T P x -
    ||P^(1/2) D (W x)||^2 is a minimum of concave functions of the diagonal of D, hence concave, so its
    minimum over the slope box is at a vertex: every slope matrix is a contraction of ||v||_P, with one
    factor < 1 (the box is compact). Work (1 + 2^(v+1)) n^3 times the precision in 64-bit words (and n^3 for
    euclid), bounded before it is done.

Theorem (Banach, on the closure K of the forward-invariant set f^{k+1}(R^n), K ⊂ X_k compact or, for
relu, K = R^n): f has exactly one fixed point z* in X_k, and every orbit of f converges to it
(after k + 1 steps it lies in K, where distances to z* shrink by q each step). Hence f has no
cycle of period > 1, and no chaos of any kind (no period 3, no horseshoe, h_top = 0 on every
compact invariant set).

Imports only itertools, flint, certify.certificates and the kernel's modules statement, rnn and nd_orbits (_end).
"""

from __future__ import annotations

import itertools

from flint import arb, arb_mat, ctx, fmpq

from certify.certificates import q_parse
from certify.checker.nd_orbits import _end
from certify.checker.rnn import _act, parse_rnn
from certify.checker.statement import Failure, Statement, _decimal, facts_list, undecided, whole

__all__ = ["rnn_contraction", "fact_contraction", "free_slopes", "trapped_slopes", "image_box", "contraction_factor", "MAX_STEPS", "RANGES"]

MAX_STEPS = 64
RANGES = {"tanh": (-1, 1), "hardtanh": (-1, 1), "sigmoid": (0, 1), "relu": None}
MAX_CONTRACTION_WORK = 1 << 24  # n^2 (k + 1) ball entries
MAX_IMAGE_WORK = 1 << 24        # image_box: (n^2 + 20 n) k ball operations times the precision in 64-bit words
                                # (about 1.8 microseconds each: n = 512, k = 64 at 64 bits took 30 s)


def _hull(lo: fmpq, hi: fmpq) -> arb:
    return arb(lo).union(arb(hi))


def _sq_slope(name: str, x: arb) -> arb:
    """act'(x) for tanh (1 - tanh^2) or sigmoid (s (1 - s)) at a point-like ball x."""
    if name == "tanh":
        t = x.tanh()
        return 1 - t * t
    e = 1 / (1 + (-x).exp())
    return e * (1 - e)


def _act_interval(name: str, u: arb) -> tuple:
    """(act over u, act' over u) as balls, tight for wide u: tanh and sigmoid are increasing, and their
    derivatives are even and decreasing in |x|, so both are read off the ends of u (the derivative's
    maximum at the point of u nearest 0). relu and hardtanh: certify.checker.rnn's exact cases."""
    if name not in ("tanh", "sigmoid"):
        return _act(name, u)
    lo, hi = arb(u.lower()), arb(u.upper())
    val = _act(name, lo)[0].union(_act(name, hi)[0])
    far = abs(lo).max(abs(hi))
    near = arb(0) if u.contains(0) else abs(lo).min(abs(hi))
    return val, _sq_slope(name, far).union(_sq_slope(name, near))


def image_box(m, k: int) -> list:
    """X_k as n exact (lo, hi) pairs: X_0 = R^n mapped into the activation's closed range, X_{j+1} = X_j met with
    the hull of the ball image act(W X_j + b) (ends exact). f(R^n) lies in X_0 and f(X_j) in X_{j+1}, so
    f^(k+1)(R^n) lies in X_k: every periodic point, and every orbit after k + 1 steps. Bounded activations only."""
    n = m.n
    rng = RANGES[m.activation]
    if rng is None:
        raise Failure("relu has no bounded range: no image box")
    work = (n * n + 20 * n) * k * max(1, -(-ctx.prec // 64))
    if work > MAX_IMAGE_WORK:
        raise Failure(f"{k} image rounds in dimension {n} at {ctx.prec} bits: {work} work units, beyond the "
                      f"checker's limit {MAX_IMAGE_WORK}")
    W = arb_mat(n, n, [arb(w) for r in m.W for w in r])
    b = [arb(v) for v in m.b]
    box = [(fmpq(rng[0]), fmpq(rng[1]))] * n
    for _ in range(k):
        X = [_hull(lo, hi) for lo, hi in box]
        vals = [_act_interval(m.activation, sum((W[i, j] * X[j] for j in range(n)), b[i]))[0] for i in range(n)]
        if not all(v.is_finite() for v in vals):
            raise Failure("an image ball is not finite at this precision")
        # ends rounded outward near 0 (_end): sigmoid(-10^12) is about 2^-(1.4e12), 180 GB as an exact fmpq
        box = [(max(lo, _end(v.lower(), False)), min(hi, _end(v.upper(), True))) for (lo, hi), v in zip(box, vals)]
        if any(lo > hi for lo, hi in box):  # cannot happen for sound enclosures; refuse rather than assume
            raise Failure("an image box is empty")
    return box


def trapped_slopes(m, k: int, prec: int) -> tuple:
    """(X_k as n (lo, hi) pairs or None for R^n, the slope balls s_i over X_k, the ball matrix
    S = diag(s) W containing every slope matrix over X_k)."""
    n = m.n
    W = arb_mat(n, n, [arb(w) for r in m.W for w in r])
    b = [arb(v) for v in m.b]
    if RANGES[m.activation] is None:
        if k != 0:
            raise Failure("relu has no bounded range: a contraction on R^n has steps 0")
        s = [arb(0).union(arb(1))] * n
        return None, s, arb_mat(n, n, [s[i] * W[i, j] for i in range(n) for j in range(n)])
    box = image_box(m, k)
    X = [_hull(lo, hi) for lo, hi in box]
    slopes = [_act_interval(m.activation, sum((W[i, j] * X[j] for j in range(n)), b[i]))[1] for i in range(n)]
    S = arb_mat(n, n, [slopes[i] * W[i, j] for i in range(n) for j in range(n)])
    return box, slopes, S


def contraction_factor(S: arb_mat, d: list) -> arb:
    """q = max_i sum_j |S_ij| d_j / d_i (an arb ball) for positive weights d."""
    n = S.nrows()
    q = None
    for i in range(n):
        r = arb(0)
        for j in range(n):
            r += abs(S[i, j]) * arb(d[j])
        r = r / arb(d[i])
        q = r if q is None else q.max(r)
    return q


def euclid_pivots(m, slopes: list, p: list) -> list:
    """The pivots of an LDL^T factorisation (in balls, lower triangle) of
    G = diag(p) - W^T diag(sup(s_i)^2 p_i) W. All pivots > 0 prove G positive definite, so for every
    D = diag(s'), 0 <= s'_i <= sup s_i: (D W)^T P (D W) <= W^T diag(sup(s)^2 p) W < P (P = diag(p)),
    i.e. every slope matrix is a contraction of the norm ||v||_P = sqrt(v^T P v)."""
    n = m.n
    W = [[arb(w) for w in r] for r in m.W]
    sig = [arb(x.upper()) ** 2 * arb(pi) for x, pi in zip(slopes, p)]
    G = [[(arb(p[i]) if i == j else arb(0)) - sum((W[k][i] * sig[k] * W[k][j] for k in range(n)), arb(0))
          for j in range(i + 1)] for i in range(n)]
    return _ldl_pivots(G)


MAX_NORM_WORK = 1 << 23   # norms "euclid" and "quadratic": ball operations times the precision in 64-bit words
                          # (quadratic: (1 + 2^(v+1)) n^3, v the slopes that are not points; euclid: n^3; review-quad:
                          # uncharged precision let n = 64 at 65536 bits run for minutes)


def _norm_work(n: int, v: int | None) -> int:
    """The work of the euclid (v None) or quadratic test at the working precision, counted before it is done."""
    return (n ** 3 if v is None else (1 + (2 << v)) * n ** 3) * max(1, -(-ctx.prec // 64))


def free_slopes(slopes: list) -> int:
    """v: the slope balls that are not points (the slope box has 2^v vertices)."""
    return sum(1 for s in slopes if s.lower() != s.upper())


def _positive_definite(G: list) -> bool:
    """G (symmetric balls, lower triangle read) proved positive definite: all n LDL^T pivots > 0."""
    piv = _ldl_pivots(G)
    return len(piv) == len(G) and piv[-1] > 0


def _ldl_pivots(G: list) -> list:
    """The pivots of an LDL^T factorisation of the symmetric ball matrix G (lower triangle read), stopping at
    the first pivot not proved > 0. All n pivots > 0 prove G positive definite (Sylvester)."""
    n = len(G)
    L = [[arb(0)] * n for _ in range(n)]
    d = []
    for j in range(n):
        dj = G[j][j] - sum((L[j][k] * L[j][k] * d[k] for k in range(j)), arb(0))
        d.append(dj)
        if not dj > 0:
            return d
        for i in range(j + 1, n):
            L[i][j] = (G[i][j] - sum((L[i][k] * L[j][k] * d[k] for k in range(j)), arb(0))) / dj
    return d


def quadratic_vertices(m, slopes: list, P: list):
    """None when P - (D W)^T P (D W) is proved positive definite for every vertex D = diag(q) of the slope box
    (q_i an end of slopes[i]), else the first vertex q (exact balls) where a pivot is not proved > 0.
    Every slope matrix over the box is D W with D in the box, and lambda_min(P - (D W)^T P (D W)) is concave
    in D (x^T P x minus the convex ||P^(1/2) D W x||^2, minimised over unit x), so the vertices suffice:
    ||D W v||_P < ||v||_P for every D in the box, uniformly (a compact box)."""
    n = m.n
    W = [[arb(w) for w in r] for r in m.W]
    Pb = [[arb(v) for v in r] for r in P]
    # the ends as exact balls (no conversion to fmpq: the slope of tanh far out is about 2^-(10^12))
    ends = [[arb(s.lower())] if s.lower() == s.upper() else [arb(s.lower()), arb(s.upper())] for s in slopes]
    for q in itertools.product(*ends):
        A = [[q[i] * W[i][j] for j in range(n)] for i in range(n)]   # D W
        PA = [[sum((Pb[i][k] * A[k][j] for k in range(n)), arb(0)) for j in range(n)] for i in range(n)]
        G = [[Pb[i][j] - sum((A[k][i] * PA[k][j] for k in range(n)), arb(0)) for j in range(i + 1)]
             for i in range(n)]
        if not _positive_definite(G):
            return list(q)
    return None


def fact_contraction(m, fact: dict, prec: int) -> str:
    """The contraction fact holds for the RNN m (module docstring: the boxes X_k, the slopes, q < 1, the
    Euclidean test or the quadratic norm's vertex test); returns "a contraction <how>, <where>", else a Failure."""
    if not isinstance(fact, dict) or fact.get("fact") != "contraction" or set(fact) != {"fact", "steps", "norm", "weights"}:
        raise Failure("a contraction fact has the keys fact, steps, norm, weights")
    k = whole(fact["steps"], "steps", 0, MAX_STEPS)
    if m.n * m.n * (k + 1) > MAX_CONTRACTION_WORK:
        raise Failure(f"n^2 (k + 1) = {m.n * m.n * (k + 1)} is beyond the kernel's work limit")
    d = fact["weights"]
    if fact["norm"] == "quadratic":
        return _quadratic(m, k, d, prec)
    if not isinstance(d, list) or len(d) != m.n:
        raise Failure(f"weights must list {m.n} positive rationals")
    d = [q_parse(v) for v in d]
    if not all(v > 0 for v in d):
        raise Failure("fact 0 (contraction): every weight must be positive")
    box, slopes, S = trapped_slopes(m, k, prec)
    if fact["norm"] == "max":
        q = contraction_factor(S, d)
        if not q < 1:
            raise Failure(f"fact 0 (contraction): the weighted max-norm of the slopes is not proved < 1 "
                          f"(q <= {_decimal(q.upper().fmpq(), True, 6)})")
        how = f"factor q <= {_decimal(q.upper().fmpq(), True, 6)} < 1 in the max-norm max_i |v_i| / d_i"
    elif fact["norm"] == "euclid":
        if _norm_work(m.n, None) > MAX_NORM_WORK:
            raise Failure(f"fact 0 (contraction): the Euclidean test in dimension {m.n} at {ctx.prec} bits is beyond "
                          f"the kernel's work limit ({MAX_NORM_WORK} ball operations of 64 bits)")
        piv = euclid_pivots(m, slopes, d)
        if len(piv) < m.n or not piv[-1] > 0:
            raise Failure(f"fact 0 (contraction): diag(p) - W^T diag(sup(s)^2 p) W is not proved positive definite "
                          f"(pivot {len(piv) - 1} not > 0)")
        how = "in the norm sqrt(sum_i p_i v_i^2) (diag(p) - W^T diag(sup(s)^2 p) W positive definite, LDL^T pivots > 0)"
    else:
        raise Failure("fact 0 (contraction): norm must be 'max', 'euclid' or 'quadratic'")
    return f"a contraction {how}, {_where(box, k)}"


def _where(box, k: int) -> str:
    return ("on R^n (relu slopes in [0, 1])" if box is None else
            f"on the box X_{k} built from act's range by {k} ball image(s), which contains f^{k + 1}(R^n)")


def _quadratic(m, k: int, P, prec: int) -> str:
    """Norm "quadratic": weights is a symmetric n x n rational matrix P (symmetry exact, positive definite by
    LDL^T pivots in balls),
    and P - (D W)^T P (D W) is positive definite at every vertex D of the slope box (quadratic_vertices), so
    f is a contraction of ||v||_P = sqrt(v^T P v) on X_k. Work (1 + 2^(v+1)) n^3 times the precision in words, v
    the slopes that are not points, bounded before it is done (before P's pivots too)."""
    n = m.n
    if not (isinstance(P, list) and len(P) == n and all(isinstance(r, list) and len(r) == n for r in P)):
        raise Failure(f"fact 0 (contraction): the quadratic norm's weights are an {n} x {n} matrix of rationals")
    P = [[q_parse(v) for v in r] for r in P]
    if any(P[i][j] != P[j][i] for i in range(n) for j in range(i)):
        raise Failure("fact 0 (contraction): the quadratic norm's matrix P is not symmetric")
    box, slopes, _ = trapped_slopes(m, k, prec)
    v = free_slopes(slopes)
    if _norm_work(n, v) > MAX_NORM_WORK:
        raise Failure(f"fact 0 (contraction): 2^{v} vertices of the slope box in dimension {n} at {ctx.prec} bits are "
                      f"beyond the kernel's work limit ({MAX_NORM_WORK} ball operations of 64 bits)")
    if not _positive_definite([[arb(x) for x in r] for r in P]):
        raise Failure("fact 0 (contraction): the quadratic norm's matrix P is not positive definite")
    bad = quadratic_vertices(m, slopes, P)
    if bad is not None:
        raise Failure("fact 0 (contraction): P - (D W)^T P (D W) is not proved positive definite at the vertex "
                      "D = diag(" + ", ".join(f"{float(x):.6g}" for x in bad) + ") of the slope box")
    how = (f"in the norm sqrt(v^T P v) (P positive definite and P - (D W)^T P (D W) positive definite, LDL^T "
           f"pivots > 0, at all {1 << v} vertices D of the slope box, and so on all of it: concave in D)")
    return f"a contraction {how}, {_where(box, k)}"


def rnn_contraction(prog, cert: dict) -> Statement:
    """The RNN is a contraction in a weighted max-norm, a diagonal Euclidean norm or a quadratic norm on a box
    containing f^(k+1)(R^n) (on R^n for relu): it has exactly one fixed point, and every orbit converges to it
    (Banach's fixed-point theorem; the slope enclosure as in certify.checker.rnn). Checked: the canonical map,
    k <= 64, the weights positive (P positive definite), q < 1 or the positive definite tests in ball
    arithmetic, the work bounded before it is done."""
    m = parse_rnn(cert["map"]["canonical"])
    whole(cert["claim"]["p"], "the claim's p (unused by rnn_contraction)", 0, 0)
    head = f"the {m.activation} RNN h -> {m.activation}(W h + b) (n = {m.n})"
    if cert["verdict"] == "undecided":
        return undecided(cert, (), f"a contraction of {head}")
    if cert["verdict"] != "proved":
        raise Failure("an rnn_contraction certificate is proved or undecided (a failed test refutes nothing)")
    ev = facts_list(cert)
    if len(ev) != 1 or ev[0]["fact"] != "contraction" or set(ev[0]) != {"fact", "steps", "norm", "weights"}:
        raise Failure("an rnn_contraction certificate holds one contraction fact with the keys fact, steps, norm, "
                      "weights")
    what = fact_contraction(m, ev[0], cert["precision"])
    return Statement(f"{head} is {what}: it has exactly one fixed point and every orbit "
                     f"converges to it (Banach); no cycle of period > 1, no chaos", 1)
