"""BPTT Jacobian products dz_T/dz_0 along an orbit of an n-dimensional RNN map (kernel).

`rnn_gradients`: for the RNN f(h) = act(W h + b) and the orbit z_t = f^t(z0) of a rational z0, the
chain rule gives dz_T/dz_0 = J(z_{T-1}) ... J(z_0) with J(z) = diag(act'(W z + b)) W. The kernel
encloses the orbit in ball vectors and the product in ball matrices (arb_mat) at the certificate's
precision (the slope enclosure of certify.checker.rnn contains act' at every point of the ball, and
hulls the one-sided derivatives at a kink of relu or hardtanh), and at each listed checkpoint T
checks that the stated interval contains its enclosure of log ||dz_T/dz_0||_inf (the induced
max-row-sum norm) and lies within 2^-40 of it. No hypothesis beyond the map being the canonical one;
an enclosure of the norm that may be 0 or is not finite fails the fact. Growth rates fitted to the
values, the regime read from them and the Lyapunov exponent estimate are informational (Mikhaeil et
al., Theorem 2: along a chaotic orbit the norm grows like exp(lambda_max T); along an orbit attracted
to a stable cycle it stays bounded or decays).

Imports only flint, certify.certificates and the kernel's modules statement, rnn and gradients.
"""

from __future__ import annotations

from flint import arb, arb_mat

from certify.certificates import interval_parse, q_parse, q_str
from certify.checker.gradients import SLACK, _checkpoints, _keys
from certify.checker.limits import MAX_HORIZON
from certify.checker.rnn import _identity, _image, parse_rnn
from certify.checker.statement import Failure, Statement, ball_text, facts_list, undecided, whole

__all__ = ["rnn_gradients", "norm_logs", "gradient_work", "MAX_GRADIENT_WORK"]

MAX_GRADIENT_WORK = 1 << 24  # n^2 H (1 + prec / 512): ball entries formed (about 20 s)


def gradient_work(n: int, horizon: int, prec: int) -> int:
    """The cost of enclosing the orbit and the product for `horizon` steps, in MAX_GRADIENT_WORK units."""
    return n * n * horizon * (1 + prec // 512)


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
    want = set(range(1, horizon + 1) if ts is None else ts)
    Z = arb_mat(m.n, 1, [arb(v) for v in z0])
    P, out = _identity(m.n), {}
    for t in range(1, horizon + 1):
        Z, A = _image(m, Z, prec)
        P = A * P
        if t in want:
            out[t] = _log_norm(P)
    return out


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

    Theorems: the chain rule dz_T/dz_0 = prod_{t<T} diag(act'(W z_t + b)) W; ball arithmetic encloses
    every value (the norm is a continuous function of the entries, evaluated in balls). Hypotheses
    checked: the canonical RNN, z0 of dimension n, checkpoints increasing to H, the work bounded before
    it is done. Verdicts: proved or undecided (a list of enclosures refutes nothing).
    """
    m = parse_rnn(cert["map"]["canonical"])
    claim = cert["claim"]
    whole(claim["p"], "the claim's p (unused by rnn_gradients)", 0, 0)
    z0 = claim["z0"]
    if not isinstance(z0, list) or len(z0) != m.n:
        raise Failure(f"z0 must list {m.n} exact numbers (the RNN's dimension)")
    z0 = [q_parse(v) for v in z0]
    H = whole(claim["horizon"], "the horizon", 1, MAX_HORIZON)
    shown = ", ".join(q_str(v) for v in z0[:3]) + (", ..." if m.n > 3 else "")
    where = f"the orbit of z0 = ({shown}) under h -> {m.activation}(W h + b) (n = {m.n})"
    for name in ("lambda_max",):
        v = cert.get(name)
        if v is not None and not (isinstance(v, dict) and v.get("status") == "estimate"):
            raise Failure(f"{name} is an estimate and must say status: estimate")
    if cert["verdict"] == "undecided":
        return undecided(cert, (), f"the Jacobian products along {where}")
    if cert["verdict"] != "proved":
        raise Failure("an rnn_gradients certificate is proved or undecided, never refuted")
    evidence = facts_list(cert)
    if [f["fact"] for f in evidence] != ["jacobian_norms"]:
        raise Failure("an rnn_gradients certificate holds one jacobian_norms fact")
    prec = cert["precision"]
    if gradient_work(m.n, H, prec) > MAX_GRADIENT_WORK:
        raise Failure(f"n = {m.n}, horizon {H} at {prec} bits is beyond the kernel's work limit")
    g = evidence[0]
    _keys(g, {"fact", "T", "log_norm"})
    ts = _checkpoints(g, H)
    logs = norm_logs(m, z0, H, prec, ts)
    try:
        _check_norms(ts, g["log_norm"], logs)
    except Failure as e:
        raise Failure(f"fact 0 (jacobian_norms): {e}") from None
    return Statement(f"along {where}, log ||dz_T/dz_0||_inf {ball_text(logs[H])} at T = {H} (dz_T/dz_0 = "
                     f"prod_(t<T) diag(act'(W z_t + b)) W, enclosed at {len(ts)} checkpoint"
                     f"{'s' if len(ts) > 1 else ''} T <= {H}, listed)", 1)
