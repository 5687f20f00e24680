"""BPTT gradient factors along an orbit: verify their enclosures and say what they prove (kernel).

`gradients`: along the orbit x_t = f^t(x0) of a rational x0, log|dx_T/dx_0| = sum_{t<T} log|f'(x_t)|
(chain rule) lies in the stated interval at every checkpoint T <= H; with a family's parameter theta
at an exact value also log|dx_T/dtheta| (forward mode: dx_{t+1}/dtheta = f_x(x_t) dx_t/dtheta +
f_theta(x_t), x0 independent of theta) and log|dL_T/dtheta| for the squared loss
L_T = (1/T) sum_{t=1..T} (x_t - y_t)^2 against the orbit y_t of y0 at the same theta (targets are data:
dL_T/dtheta = (2/T) sum (x_t - y_t) dx_t/dtheta). Everything is enclosed in ball arithmetic at the
certificate's precision; no hypothesis beyond the map being differentiable along the orbit (ball
derivatives hull one-sided derivatives at kinks, which encloses the derivative wherever it exists).
Growth rates fitted to the values, the regime read from them and the Lyapunov exponent of a float
orbit are estimates: informational, never verified.
"""

from __future__ import annotations

from flint import arb, fmpq

from certify.certificates import interval_parse, q_parse, q_str
from certify.checker.limits import MAX_HORIZON
from certify.checker.semantics import Program, eval_ball
from certify.checker.statement import (MAX_BALL_WORK, Failure, Statement, ball_text, ball_work, facts_list,
                                       undecided, whole)

__all__ = ["gradients", "gradient_logs", "param_gradient_logs", "gradient_program", "MAX_HORIZON", "SLACK"]

SLACK = fmpq(1, 1 << 40)  # a stated interval lies within this of the kernel's ball (so it shows the value)


def _log_abs(v: arb):
    return abs(v).log() if v.is_finite() and not v.contains(0) else None


def gradient_logs(prog: Program, x0, horizon: int, ts=None) -> dict:
    """{T: ball enclosing log|dx_T/dx_0| = sum_{t<T} log|f'(x_t)|, or None where 0 is possible} for T in
    `ts` (default 1..horizon)."""
    want = set(range(1, horizon + 1) if ts is None else ts)
    X, D, out = arb(x0), arb(1), {}
    for t in range(1, horizon + 1):
        X, d = eval_ball(prog, X, deriv=True)
        D = D * d
        if t in want:
            out[t] = _log_abs(D)
    return out


def param_gradient_logs(prog: Program, x0, y0, horizon: int, loss: bool, ts=None):
    """({T: log|dx_T/dtheta|}, {T: log|dL_T/dtheta|} or {}) as balls (None where 0 is possible) for T in
    `ts` (default 1..horizon), L_T = (1/T) sum_{t=1..T} (x_t - y_t)^2.

    `prog` is a family whose parameter theta is a point ball (Program.at_ball(v, v)). Forward mode:
    x_0 = x0 does not depend on theta and dx_{t+1}/dtheta = f_x(x_t) dx_t/dtheta + f_theta(x_t), which is
    eval_ball's directional derivative with seed (dx_t/dtheta, 1). The targets y_t (the orbit of y0 at
    the same theta) are data, independent of theta: dL_T/dtheta = (2/T) sum (x_t - y_t) dx_t/dtheta.
    """
    want = set(range(1, horizon + 1) if ts is None else ts)
    X, S, Y, G, one = arb(x0), arb(0), arb(y0), arb(0), arb(1)
    dx, dL = {}, {}
    for t in range(1, horizon + 1):
        X, S = eval_ball(prog, X, deriv=True, seed=(S, one))
        if loss:
            Y = eval_ball(prog, Y)
            G = G + (X - Y) * S
        if t in want:
            dx[t] = _log_abs(S)
            if loss:
                dL[t] = _log_abs(2 * G / t)
    return dx, dL


def gradient_program(prog: Program, claim: dict) -> Program:
    """The map a gradients claim is about: the family at its claimed parameter value (the parameter a
    point ball, so that eval_ball can seed d/dtheta), or the map itself when the claim names none."""
    name = claim.get("param")
    if ("param" in claim) != ("value" in claim):
        raise Failure("a gradients claim names both a parameter and its value, or neither")
    if name is None:
        if prog.has_param():
            raise Failure("a family with a free parameter is not a map: give the parameter a value")
        return prog
    if (prog.canonical or {}).get("param") != name or not prog.has_param():
        raise Failure(f"the claim's parameter {name!r} is not the family's parameter")
    v = q_parse(claim["value"])
    return prog.at_ball(v, v)


def _checkpoints(fact: dict, horizon: int) -> list:
    ts = fact["T"]
    if not isinstance(ts, list) or not 1 <= len(ts) <= horizon:
        raise Failure(f"T must list 1..{horizon} checkpoints")
    for t in ts:
        whole(t, "a checkpoint", 1, horizon)
    if ts != sorted(set(ts)) or ts[-1] != horizon:
        raise Failure(f"the checkpoints increase and end at the claim's horizon {horizon}")
    return ts


def _check_logs(name: str, ts, stated, logs) -> None:
    """Each stated interval contains the kernel's ball and lies within SLACK of it."""
    if not isinstance(stated, list) or len(stated) != len(ts):
        raise Failure(f"one {name.format(t='T')} interval per checkpoint is required")
    for t, iv in zip(ts, stated):
        lo, hi = interval_parse(iv)
        v = logs[t]
        if v is None or not (v >= arb(lo).upper() and v <= arb(hi).lower()):
            raise Failure(f"log|{name.format(t=t)}| is not proved to lie in [{iv['lo']}, {iv['hi']}]")
        if lo < v.lower().fmpq() - SLACK or hi > v.upper().fmpq() + SLACK:
            raise Failure(f"the interval of log|{name.format(t=t)}| is wider than the kernel's enclosure "
                          "(by more than 2^-40)")


def _keys(fact: dict, want: set) -> None:
    if set(fact) != want:
        raise Failure(f"a {fact['fact']} fact has the keys {sorted(want)}, got {sorted(fact)}")


def gradients(prog, cert: dict) -> Statement:
    """Enclosures of log|dx_T/dx_0| (and with a parameter theta of log|dx_T/dtheta| and log|dL_T/dtheta|)
    along the orbit of the claim's x0, at checkpoints T up to the claim's horizon H.

    Theorems: the chain rule d x_T/d x_0 = prod_{t<T} f'(x_t), and forward-mode differentiation
    of x_{t+1} = f(x_t, theta) with x_0 fixed; ball arithmetic encloses every value (Mikhaeil et
    al.'s Theorems 1-3 relate their growth to the orbit's attractor: the regime the certifier reads
    off a fitted rate is an estimate, informational). Hypotheses checked: f continuous on R (check()),
    differentiable along the orbit in the ball sense (a derivative enclosure containing 0 fails the
    fact); the facts' start is the claim's x0, their last checkpoint the claim's horizon; a family is
    evaluated at the claim's parameter value. Verdicts: proved or undecided (a list of enclosures
    refutes nothing). Work bounded before it is done: H <= 100000, H x precision bounded.
    """
    claim = cert["claim"]
    whole(claim["p"], "the claim's p (unused by gradients)", 0, 0)
    x0 = q_parse(claim["x0"])
    H = whole(claim["horizon"], "the horizon", 1, MAX_HORIZON)
    if ("param" in claim) != ("value" in claim):
        raise Failure("a gradients claim names both a parameter and its value, or neither")
    where = f"the orbit of x0 = {q_str(x0)}" + (f" at {claim['param']} = {q_str(q_parse(claim['value']))}"
                                                 if claim.get("param") is not None else "")
    _estimates(cert)
    if cert["verdict"] == "undecided":
        return undecided(cert, (), f"the gradients along {where}")
    if cert["verdict"] != "proved":
        raise Failure("a gradients certificate is proved or undecided, never refuted")
    prog = gradient_program(prog, claim)
    evidence = facts_list(cert)
    kinds = [fact["fact"] for fact in evidence]
    if kinds not in (["gradient_values"], ["gradient_values", "param_gradient_values"]):
        raise Failure("a gradients certificate holds one gradient_values fact (then one param_gradient_values)")
    if len(kinds) == 2 and claim.get("param") is None:
        raise Failure("parameter gradients need the claim to name the parameter and its value")
    if ball_work(H, cert["precision"]) * (3 if len(kinds) == 2 else 1) > MAX_BALL_WORK:
        raise Failure(f"horizon {H} at {cert['precision']} bits is beyond the kernel's work limit")
    lines = []
    g = evidence[0]
    _keys(g, {"fact", "x0", "T", "log_abs"})
    if q_parse(g["x0"]) != x0:
        raise Failure("fact 0 (gradient_values): the fact is about another start than the claim's x0")
    ts = _checkpoints(g, H)
    logs = gradient_logs(prog, x0, H, ts)
    try:
        _check_logs("dx_{t}/dx_0", ts, g["log_abs"], logs)
    except Failure as e:
        raise Failure(f"fact 0 (gradient_values): {e}") from None
    lines.append(f"along {where} under f, log|dx_T/dx_0| = sum_(t<T) log|f'(x_t)| {ball_text(logs[H])} at "
                 f"T = {H} (enclosed at {len(ts)} checkpoint{'s' if len(ts) > 1 else ''} T <= {H}, listed)")
    if len(kinds) == 2:
        pf, name = evidence[1], claim["param"]
        _keys(pf, {"fact", "x0", "y0", "T", "log_abs_dx", "log_abs_dL"})
        if q_parse(pf["x0"]) != x0:
            raise Failure("fact 1 (param_gradient_values): the fact is about another start than the claim's x0")
        y0, loss = q_parse(pf["y0"]), pf["log_abs_dL"] is not None
        pts = _checkpoints(pf, H)
        dx, dL = param_gradient_logs(prog, x0, y0, H, loss, pts)
        try:
            _check_logs(f"dx_{{t}}/d{name}", pts, pf["log_abs_dx"], dx)
            if loss:
                _check_logs(f"dL_{{t}}/d{name}", pts, pf["log_abs_dL"], dL)
        except Failure as e:
            raise Failure(f"fact 1 (param_gradient_values): {e}") from None
        at = f"at T = {H} (enclosed at {len(pts)} checkpoint{'s' if len(pts) > 1 else ''}, listed)"
        lines.append(f"log|dx_T/d{name}| (forward mode, x0 fixed) {ball_text(dx[H])} {at}")
        if loss:
            lines.append(f"with L_T = (1/T) sum_(t=1..T) (x_t - y_t)^2, y_t the orbit of y0 = {q_str(y0)} at the same "
                         f"{name} (targets independent of {name}): log|dL_T/d{name}| {ball_text(dL[H])} {at}")
    return Statement("\n".join(lines), len(evidence))


def _estimates(cert: dict) -> None:
    """The informational estimates say so: `lambda` and `param_gradient` are marked status: estimate."""
    for name in ("lambda", "param_gradient"):
        v = cert.get(name)
        if v is not None and not (isinstance(v, dict) and v.get("status") == "estimate"):
            raise Failure(f"{name} is an estimate and must say status: estimate")
