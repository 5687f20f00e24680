"""BPTT Jacobian products dz_T/dz_0 along an orbit of an n-dimensional RNN map (kernel).

`rnn_gradients`: for the RNN f(h) = act(W h + b) and the orbit z_t = f^t(z0) of a rational z0, the
chain rule gives dz_T/dz_0 = J(z_{T-1}) ... J(z_0) with J(z) = diag(act'(W z + b)) W (for a PLRNN
z -> A z + W relu(z) + h, A diagonal: J(z) = A + W diag(relu'(z)), plrnn_image). The kernel
encloses the orbit in ball vectors and the product in ball matrices (arb_mat) at the certificate's
precision (the slope enclosure of certify.checker.rnn contains act' at every point of the ball, and
hulls the one-sided derivatives at a kink of relu or hardtanh), and at each listed checkpoint T
checks that the stated interval contains its enclosure of log ||dz_T/dz_0||_inf (the induced
max-row-sum norm) and lies within 2^-40 of it. Where an enclosure of z_t meets a kink (_kinked) f^T may not
be differentiable at z0, and the statement says the bounds are for every product of one-sided Jacobians
(Clarke's generalised Jacobian) rather than for a derivative. No hypothesis beyond the map being the canonical one;
an enclosure of the norm that may be 0 or is not finite fails the fact. Growth rates fitted to the
values, the regime read from them and the Lyapunov exponent estimate are informational (Mikhaeil et
al., Theorem 2: along a chaotic orbit the norm grows like exp(lambda_max T); along an orbit attracted
to a stable cycle it stays bounded or decays).

An optional second fact, trapped_cycle, bounds the product for *every* T >= H (trapped_bound): a box
around z_H that f^(p j) maps into itself (mean-value form), and a weighted norm in which the p j-step
slope product over the box's images is < 1, give ||dz_T/dz_0||_inf <= K q^floor((T - H)/(p j)): the gradient vanishes
(Theorem 1 of Mikhaeil et al., proved for this orbit).

Imports only flint, certify.certificates and the kernel's modules statement, rnn, plrnn, rnn_contraction
and gradients.
"""

from __future__ import annotations

from flint import arb, arb_mat

from certify.certificates import interval_parse, q_parse, q_str
from certify.checker.gradients import SLACK, _checkpoints, _keys
from certify.checker.limits import MAX_HORIZON
from certify.checker.plrnn import parse_plrnn
from certify.checker.rnn import _act, _identity, parse_rnn
from certify.checker.statement import Failure, Statement, _decimal, ball_text, facts_list, undecided, whole

__all__ = ["rnn_gradients", "norm_logs", "orbit_product", "trapped_bound", "gradient_work", "MAX_GRADIENT_WORK",
           "plrnn_image", "parse_network"]

MAX_GRADIENT_WORK = 1 << 23  # n^2 max(n, 32)/32 H (1 + prec/512): about 25 s on a loaded 2-core machine


def gradient_work(n: int, horizon: int, prec: int) -> int:
    """The cost of enclosing the orbit and the product for `horizon` steps, in MAX_GRADIENT_WORK units
    (matrix products: n^3 per step, the Python overhead n^2 for small n)."""
    return n * n * max(n, 32) // 32 * horizon * (1 + prec // 512)


def parse_network(canon):
    """The kernel model of a canonical RNN (kind rnn) or PLRNN (kind plrnn)."""
    if isinstance(canon, dict) and canon.get("kind") == "plrnn":
        return parse_plrnn(canon)
    return parse_rnn(canon)


def _is_plrnn(m) -> bool:
    return hasattr(m, "hvec")


def plrnn_image(m, X: list) -> tuple:
    """(f(X), J) for the PLRNN f(z) = A z + W relu(z) + h over the ball vector X (a list of n balls), at
    the context precision: f(X) encloses f(x) for every x in X, and J = A + W diag(s), s_j the relu slope
    ball over X_j (1, 0, or [0, 1] when X_j may contain 0), contains every difference-quotient matrix, so
    f(x) - f(y) = J' (x - y) with J' in J for all x, y in X (relu(x_j) - relu(y_j) = s'_j (x_j - y_j) with
    s'_j in [0, 1], in {1} or in {0}). A point ball gives the Jacobian at a point off the kinks."""
    n = m.n
    vals, slopes = zip(*(_act("relu", X[j]) for j in range(n)))
    W = [[arb(w) for w in r] for r in m.W]
    out = [arb(m.A[i]) * X[i] + arb(m.h[i]) + sum((W[i][j] * vals[j] for j in range(n)), arb(0)) for i in range(n)]
    J = arb_mat(n, n, [(arb(m.A[i]) if i == j else arb(0)) + W[i][j] * slopes[j] for i in range(n) for j in range(n)])
    return out, J


def _log_norm(P: arb_mat):
    """A ball enclosing log ||P||_inf (max over rows of the sum of |entries|), or None when the norm
    may be 0 or is not finite."""
    n = P.nrows()
    best = None
    for i in range(n):
        s = arb(0)
        for j in range(P.ncols()):
            s += abs(P[i, j])
        best = s if best is None else best.max(s)
    return best.log() if best.is_finite() and best > 0 else None


def norm_logs(m, z0: list, horizon: int, prec: int, ts=None) -> dict:
    """{T: ball enclosing log ||dz_T/dz_0||_inf, or None} for T in `ts` (default 1..horizon)."""
    return orbit_product(m, z0, horizon, prec, ts)[0]


def _kinked(m, slopes) -> bool:
    """The slope balls of one step straddle a kink (relu at 0, hardtanh at -1 or 1: the ball [0, 1]) in a
    coordinate that enters the Jacobian (a nonzero column of W for a PLRNN, a nonzero row of W for an RNN):
    there f may not be differentiable, and the step's ball holds both one-sided Jacobians."""
    if not _is_plrnn(m) and m.activation not in ("relu", "hardtanh"):
        return False  # tanh and sigmoid are smooth: their slope balls are wide only by rounding
    col = _is_plrnn(m)
    return any(s.rad() > 0 and any((m.W[r][j] if col else m.W[j][r]) != 0 for r in range(m.n))
               for j, s in enumerate(slopes))


def orbit_product(m, z0: list, horizon: int, prec: int, ts=None, kinks=None) -> tuple:
    """(norm_logs's dict, the ball vector z_H, the ball matrix dz_H/dz_0). Each step: u = W z + b,
    z' = act(u) and the slope balls s = act'(u) (certify.checker.rnn's enclosures), P' = diag(s) (W P)
    (diag(s) W P is the same product as (diag(s) W) P; two matrix products in arb, n entries set by hand).
    When `kinks` is a list, the steps t whose enclosure of z_t meets a kink (_kinked) are appended to it."""
    want = set(range(1, horizon + 1) if ts is None else ts)
    n = m.n
    if _is_plrnn(m):  # P' = J P, J = A + W diag(relu'(z_t)) (plrnn_image)
        X, P, out = [arb(v) for v in z0], _identity(n), {}
        for t in range(1, horizon + 1):
            if kinks is not None and _kinked(m, [_act("relu", x)[1] for x in X]):
                kinks.append(t - 1)
            X, J = plrnn_image(m, X)
            P = J * P
            if t in want:
                out[t] = _log_norm(P)
        return out, arb_mat(n, 1, X), P
    W, b = m.balls(prec)
    Z = arb_mat(n, 1, [arb(v) for v in z0])
    P, out = _identity(n), {}
    for t in range(1, horizon + 1):
        u = W * Z + b
        vals, slopes = zip(*(_act(m.activation, u[i, 0]) for i in range(n)))
        if kinks is not None and _kinked(m, slopes):
            kinks.append(t - 1)
        D = arb_mat(n, n)
        for i in range(n):
            D[i, i] = slopes[i]
        Z = arb_mat(n, 1, list(vals))
        P = D * (W * P)
        if t in want:
            out[t] = _log_norm(P)
    return out, Z, P


_TRAP_KEYS = {"fact", "p", "power", "box", "weights"}
MAX_TRAP = 64  # the cycle's period p and the power j


def trapped_bound(m, fact: dict, Z, P, kinks=None) -> tuple:
    """(log K, q, L) such that ||dz_T/dz_0||_inf <= K q^floor((T - H) / L) for every T >= H, L = p j, from a
    trapped_cycle fact. The kernel checks z_H in the box B_0; B_{t+1} = hull(f(B_t)) (ball images, so
    f^t(B_0) lies in B_t) and the slope balls A_t = diag(s) W over B_t (s the hull of act' over W B_t + b);
    Q = A_{L-1} ... A_0 and, with c the centre of B_0, the mean-value form f^L(c) + Q (B_0 - c) inside
    B_0, so f^L maps B_0 into itself (f^L(x) - f^L(c) is a product of slope matrices between points of
    the convex B_t); with the weighted norm ||M||_d = max_i sum_k |M_ik| d_k / d_i, q = ||Q||_d < 1. The
    orbit after H stays in B_0, B_1, ..., B_{L-1} cyclically, so dz_T/dz_0 = R_r Q'^m dz_H/dz_0 with
    T = H + m L + r, every factor in the balls; C = the largest ||A_{r-1} ... A_0||_d over r < L (1 at
    r = 0), N = ||dz_H/dz_0||_d and K = (max d / min d) C N (||M||_inf <= (max d / min d) ||M||_d).
    The period p stated: f^L is a q-contraction of B_0 into itself, so it has one fixed point z* there;
    B_t is disjoint from B_0 for 0 < t < p (f^t(z*) != z*), and with j > 1 the mean-value form also puts
    f^p(B_0) inside B_0 (f^p(z*) is then a fixed point of f^L in B_0: z*), so z* has minimal period p."""
    from certify.checker.rnn_contraction import _act_interval, contraction_factor

    if not isinstance(fact, dict) or set(fact) != _TRAP_KEYS or fact.get("fact") != "trapped_cycle":
        raise Failure(f"a trapped_cycle fact has the keys {sorted(_TRAP_KEYS)}")
    p, j = whole(fact["p"], "p", 1, MAX_TRAP), whole(fact["power"], "power", 1, MAX_TRAP)
    n, L = m.n, p * j
    box, d = fact["box"], fact["weights"]
    if not (isinstance(box, list) and len(box) == n and isinstance(d, list) and len(d) == n):
        raise Failure(f"box and weights must each list {n} entries")
    box = [interval_parse(iv) for iv in box]
    d = [q_parse(v) for v in d]
    if not all(v > 0 for v in d) or not all(lo <= hi for lo, hi in box):
        raise Failure("the weights must be positive and the box's intervals lo <= hi")
    if not all(Z[i, 0].lower().fmpq() >= box[i][0] and Z[i, 0].upper().fmpq() <= box[i][1] for i in range(n)):
        raise Failure("z_H (the kernel's orbit enclosure at the horizon) is not inside the box")
    W = None if _is_plrnn(m) else arb_mat(n, n, [arb(w) for r in m.W for w in r])
    b = None if _is_plrnn(m) else arb_mat(n, 1, [arb(v) for v in m.b])

    def image(X):  # (f(X), the slope matrices over X) as balls, X a list of n balls
        if W is None:  # a PLRNN: (A X + W relu(X) + h, A + W diag(relu' over X))
            if kinks is not None and _kinked(m, [_act("relu", x)[1] for x in X]):
                kinks.append("box")
            return plrnn_image(m, X)
        u = W * arb_mat(n, 1, X) + b  # an RNN: (act(W X + b), diag(act'(W X + b)) W)
        vals, slopes = zip(*(_act_interval(m.activation, u[i, 0]) for i in range(n)))
        if kinks is not None and _kinked(m, slopes):
            kinks.append("box")
        D = arb_mat(n, n)
        for i in range(n):
            D[i, i] = slopes[i]
        return list(vals), D * W

    X = [arb(lo).union(arb(hi)) for lo, hi in box]
    c = [arb((lo + hi) / 2) for lo, hi in box]
    delta = arb_mat(n, 1, [x - ci for x, ci in zip(X, c)])  # contains B_0 - c
    def inside(c, Q, steps):  # f^steps(B_0) inside B_0 by the mean-value form f^steps(c) + Q (B_0 - c)
        img = Q * delta
        for i, (lo, hi) in enumerate(box):
            v = c[i] + img[i, 0]
            if not (v.lower().fmpq() >= lo and v.upper().fmpq() <= hi):
                raise Failure(f"f^{steps} is not proved to map the box into itself (mean-value form, coordinate {i})")

    R, C, Q = _identity(n), arb(1), None
    for t in range(L):
        X, A = image(X)
        c, _ = image(c)
        Q = A * (R if t == 0 else Q)
        if t < L - 1:
            C = C.max(contraction_factor(Q, d))
        if t + 1 < p and all(X[i].overlaps(arb(lo).union(arb(hi))) for i, (lo, hi) in enumerate(box)):
            raise Failure(f"the box's image after {t + 1} < p = {p} steps is not proved disjoint from it "
                          f"(the cycle's minimal period p)")
        if t + 1 == p and j > 1:
            inside(c, Q, p)  # f^p(B_0) in B_0: the fixed point of f^L in B_0 is fixed by f^p
    inside(c, Q, L)
    q = contraction_factor(Q, d)
    if not q < 1:
        raise Failure(f"the weighted norm of the {L}-step slope product is not proved < 1")
    ratio = arb(max(d)) / arb(min(d))
    N = contraction_factor(P, d)
    if not (N > 0 and N.is_finite()):
        raise Failure("the weighted norm of dz_H/dz_0 is not proved positive and finite")
    return (ratio * C * N).log(), q, L


def _check_norms(ts, stated, logs) -> None:
    """Each stated interval contains the kernel's ball of log ||dz_T/dz_0||_inf and lies within SLACK of it."""
    if not isinstance(stated, list) or len(stated) != len(ts):
        raise Failure("one log_norm interval per checkpoint is required")
    for t, iv in zip(ts, stated):
        lo, hi = interval_parse(iv)
        v = logs[t]
        if v is None or not (v >= arb(lo).upper() and v <= arb(hi).lower()):
            raise Failure(f"log ||dz_{t}/dz_0||_inf is not proved to lie in [{iv['lo']}, {iv['hi']}]")
        if lo < v.lower().fmpq() - SLACK or hi > v.upper().fmpq() + SLACK:
            raise Failure(f"the interval of log ||dz_{t}/dz_0||_inf is wider than the kernel's enclosure "
                          "(by more than 2^-40)")


def rnn_gradients(prog, cert: dict) -> Statement:
    """Enclosures of log ||dz_T/dz_0||_inf along the orbit of the claim's z0 under the RNN, at listed
    checkpoints T up to the claim's horizon H.

    Theorems: the chain rule dz_T/dz_0 = prod_{t<T} diag(act'(W z_t + b)) W (a PLRNN: prod_{t<T}
    (A + W diag(relu'(z_t))), an enclosure containing both one-sided slopes at a kink); ball arithmetic encloses
    every value (the norm is a continuous function of the entries, evaluated in balls). Hypotheses
    checked: the canonical RNN, z0 of dimension n, checkpoints increasing to H, the work bounded before
    it is done. Verdicts: proved or undecided (a list of enclosures refutes nothing).
    """
    m = parse_network(cert["map"]["canonical"])
    claim = cert["claim"]
    whole(claim["p"], "the claim's p (unused by rnn_gradients)", 0, 0)
    z0 = claim["z0"]
    if not isinstance(z0, list) or len(z0) != m.n:
        raise Failure(f"z0 must list {m.n} exact numbers (the RNN's dimension)")
    z0 = [q_parse(v) for v in z0]
    H = whole(claim["horizon"], "the horizon", 1, MAX_HORIZON)
    shown = ", ".join(q_str(v) for v in z0[:3]) + (", ..." if m.n > 3 else "")
    where = (f"the orbit of z0 = ({shown}) under z -> A z + W relu(z) + h (n = {m.n})" if _is_plrnn(m) else
             f"the orbit of z0 = ({shown}) under h -> {m.activation}(W h + b) (n = {m.n})")
    chain = "(A + W diag(relu'(z_t)))" if _is_plrnn(m) else "diag(act'(W z_t + b)) W"
    for name in ("lambda_max",):
        v = cert.get(name)
        if v is not None and not (isinstance(v, dict) and v.get("status") == "estimate"):
            raise Failure(f"{name} is an estimate and must say status: estimate")
    if cert["verdict"] == "undecided":
        return undecided(cert, (), f"the Jacobian products along {where}")
    if cert["verdict"] != "proved":
        raise Failure("an rnn_gradients certificate is proved or undecided, never refuted")
    evidence = facts_list(cert)
    if [f["fact"] for f in evidence] not in (["jacobian_norms"], ["jacobian_norms", "trapped_cycle"]):
        raise Failure("an rnn_gradients certificate holds one jacobian_norms fact, then optionally one trapped_cycle "
                      "fact")
    prec = cert["precision"]
    L = 0  # the trapped_cycle's steps: each two n x n ball matrix products (B_t's slopes times W, and Q)
    if len(evidence) == 2 and isinstance(evidence[1], dict):
        L = whole(evidence[1].get("p"), "p", 1, MAX_TRAP) * whole(evidence[1].get("power"), "power", 1, MAX_TRAP)
    if gradient_work(m.n, H + 2 * L, prec) > MAX_GRADIENT_WORK:
        raise Failure(f"n = {m.n}, horizon {H}" + (f" and a trapped cycle of {L} steps" if L else "") +
                      f" at {prec} bits is beyond the kernel's work limit")
    g = evidence[0]
    _keys(g, {"fact", "T", "log_norm"})
    ts = _checkpoints(g, H)
    kinks = []  # the steps t whose enclosure of z_t meets a kink (then the claim is about one-sided Jacobians)
    logs, Z, P = orbit_product(m, z0, H, prec, ts, kinks)
    try:
        _check_norms(ts, g["log_norm"], logs)
    except Failure as e:
        raise Failure(f"fact 0 (jacobian_norms): {e}") from None
    text = (f"along {where}, log ||dz_T/dz_0||_inf {ball_text(logs[H])} at T = {H} (dz_T/dz_0 = "
            f"prod_(t<T) {chain}, enclosed at {len(ts)} checkpoint"
            f"{'s' if len(ts) > 1 else ''} T <= {H}, listed)")
    boxed = []
    if len(evidence) == 2:
        try:
            logK, q, L = trapped_bound(m, evidence[1], Z, P, boxed)
        except Failure as e:
            raise Failure(f"fact 1 (trapped_cycle): {e}") from None
        p = evidence[1]["p"]
        text += (f"\nfor every T >= {H}: ||dz_T/dz_0||_inf <= K q^floor((T - {H})/{L}) with log K <= "
                 f"{_decimal(logK.upper().fmpq(), True, 6)} and q <= {_decimal(q.upper().fmpq(), True, 6)} < 1: the orbit is "
                 f"trapped near an attracting cycle of period {p} (f^{L} maps a box around z_{H} into itself) and the gradient "
                 f"vanishes exponentially (Mikhaeil et al., Theorem 1, proved for this orbit)")
    if kinks or boxed:
        # At a kink (z_t,j = 0 for relu) f is not differentiable, so "dz_T/dz_0" may not exist there: the
        # ball products hold every product of the steps' one-sided Jacobians (slope s in [0, 1] at the kink),
        # hence dz_T/dz_0 where f^T is differentiable at z0 and, by Clarke's chain rule (the product of the
        # generalised Jacobians, convex hull: the ball matrices are convex), every matrix of Clarke's
        # generalised Jacobian of f^T at z0. The statement says so instead of naming a derivative that may not exist.
        where_k = (f"z_{kinks[0]}" if kinks else "") + (" and " if kinks and boxed else "") + \
            ("the trapped cycle's boxes" if boxed else "")
        text += (f"\nthe enclosure of {where_k} meets a kink of {'relu' if _is_plrnn(m) else m.activation}, where f^T "
                 f"may not be differentiable at z0: the bounds hold for every product of one-sided Jacobians (slope "
                 f"in [0, 1] at a kink), so for dz_T/dz_0 where it exists and for every matrix of Clarke's generalised "
                 f"Jacobian of f^T at z0")
    return Statement(text, len(evidence))
