"""Continuous-time benchmark flows (Lorenz-63, Rössler, forced Duffing): Lyapunov spectra and
predictability times. Everything here is an *estimate* (float64), labelled so, with error bars.

- Spectrum: the Benettin / QR method. The flow and its variational equation dQ/dt = Df(y) Q are
  integrated together by fixed-step RK4 for several initial conditions at once (one numpy array);
  every `qr_every` steps Q = Q'R is re-orthonormalised and log|R_ii| accumulated. A transient is
  integrated (orbit and tangent frame) and discarded first.
- Error bars: each orbit's post-transient run is cut into blocks; stderr is the larger of the
  batch-means standard error (all blocks) and the standard error across orbits. A step-size check
  (the same run at dt/2) and a Liouville check (sum of exponents vs the time-averaged divergence,
  the same number for every trajectory when div f is constant) are reported separately.
- tau_pred = ln 2 / lambda_max (Mikhaeil et al. 2022), in time units and in steps of a sampling
  step the user gives; and the inverse, the lambda a reported tau in steps implies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from certify.errors import CertifyError

__all__ = ["Flow", "FLOWS", "get_flow", "parse_params", "lyapunov_spectrum", "predictability",
           "reported_audit"]

LN2 = math.log(2)


@dataclass(frozen=True)
class Flow:
    """An autonomous vector field y' = f(y; p) on R^n with its Jacobian, vectorised over orbits."""

    name: str
    equations: str
    defaults: dict  # parameter name -> default value (float), in display order
    field: Callable  # (y of shape (M, n), p) -> (M, n)
    jacobian: Callable  # (y, p) -> (M, n, n)
    x0: tuple  # centre of the default initial conditions
    spread: tuple  # std of the normal perturbation per coordinate (0: none)
    dt: float  # default RK4 step (time units)
    horizon: float  # default post-transient length per orbit (time units)
    transient: float  # default discarded length (time units)
    divergence_constant: bool = False  # div f independent of y (Lorenz, Duffing): sum of exponents = div
    wrap: tuple = field(default=())  # coordinates taken mod 2 pi (a phase)
    note: str = ""


def _lorenz(y, p):
    x, u, z = y[:, 0], y[:, 1], y[:, 2]
    return np.stack((p["sigma"] * (u - x), x * (p["rho"] - z) - u, x * u - p["beta"] * z), axis=1)


def _lorenz_jac(y, p):
    J = np.empty((len(y), 3, 3))
    J[:, 0] = (-p["sigma"], p["sigma"], 0.0)
    J[:, 1, 0], J[:, 1, 1], J[:, 1, 2] = p["rho"] - y[:, 2], -1.0, -y[:, 0]
    J[:, 2, 0], J[:, 2, 1], J[:, 2, 2] = y[:, 1], y[:, 0], -p["beta"]
    return J


def _rossler(y, p):
    x, u, z = y[:, 0], y[:, 1], y[:, 2]
    return np.stack((-u - z, x + p["a"] * u, p["b"] + z * (x - p["c"])), axis=1)


def _rossler_jac(y, p):
    J = np.zeros((len(y), 3, 3))
    J[:, 0, 1], J[:, 0, 2] = -1.0, -1.0
    J[:, 1, 0], J[:, 1, 1] = 1.0, p["a"]
    J[:, 2, 0], J[:, 2, 2] = y[:, 2], y[:, 0] - p["c"]
    return J


def _duffing(y, p):
    x, v, phi = y[:, 0], y[:, 1], y[:, 2]
    acc = p["gamma"] * np.cos(phi) - p["delta"] * v - p["alpha"] * x - p["beta"] * x ** 3
    return np.stack((v, acc, np.full_like(x, p["omega"])), axis=1)


def _duffing_jac(y, p):
    J = np.zeros((len(y), 3, 3))
    J[:, 0, 1] = 1.0
    J[:, 1, 0] = -p["alpha"] - 3 * p["beta"] * y[:, 0] ** 2
    J[:, 1, 1] = -p["delta"]
    J[:, 1, 2] = -p["gamma"] * np.sin(y[:, 2])
    return J


FLOWS = {
    "lorenz": Flow("lorenz", "x' = sigma (y - x), y' = x (rho - z) - y, z' = x y - beta z",
                   {"sigma": 10.0, "rho": 28.0, "beta": 8 / 3}, _lorenz, _lorenz_jac,
                   x0=(1.0, 1.0, 20.0), spread=(1.0, 1.0, 1.0), dt=0.01, horizon=100.0, transient=20.0,
                   divergence_constant=True, note="divergence -(sigma + 1 + beta) everywhere"),
    "rossler": Flow("rossler", "x' = -y - z, y' = x + a y, z' = b + z (x - c)",
                    {"a": 0.2, "b": 0.2, "c": 5.7}, _rossler, _rossler_jac,
                    x0=(1.0, 1.0, 0.0), spread=(0.5, 0.5, 0.0), dt=0.025, horizon=500.0, transient=100.0),
    "duffing": Flow("duffing", "x'' + delta x' + alpha x + beta x^3 = gamma cos(phi), phi' = omega "
                               "(state x, v = x', phi)",
                    {"delta": 0.3, "alpha": -1.0, "beta": 1.0, "gamma": 0.5, "omega": 1.2},
                    _duffing, _duffing_jac, x0=(1.0, 0.0, 0.0), spread=(0.1, 0.1, 0.0), dt=0.05,
                    horizon=500.0, transient=100.0, divergence_constant=True, wrap=(2,),
                    note="the phase phi = omega t makes the flow autonomous; it contributes the exponent 0 "
                         "and the divergence is -delta everywhere"),
}
_ALIASES = {"rössler": "rossler", "lorenz63": "lorenz", "lorenz-63": "lorenz"}


def get_flow(name: str) -> Flow:
    """The flow called `name` (lorenz, rossler, duffing), else a CertifyError listing them."""
    key = _ALIASES.get(name.strip().lower(), name.strip().lower())
    if key not in FLOWS:
        raise CertifyError(f"unknown flow {name!r}: use one of {', '.join(FLOWS)}")
    return FLOWS[key]


def parse_params(flow: Flow, text: str | dict | None) -> dict:
    """The flow's parameters: its defaults, overridden by "name=value,..." (values exact, e.g. 8/3)."""
    from certify.maps.formulas import parse_number

    p = dict(flow.defaults)
    if text is None:
        return p
    items = text.items() if isinstance(text, dict) else (
        (s.partition("=")[0], s.partition("=")[2]) for s in text.split(",") if s.strip())
    for name, value in items:
        name = name.strip()
        if name not in p:
            raise CertifyError(f"unknown parameter {name!r} for flow {flow.name}: its parameters are "
                               f"{', '.join(flow.defaults)}")
        if isinstance(value, str):
            if not value.strip():
                raise CertifyError(f"parameter {name} needs a value: write {name}=NUMBER")
            value = float(parse_number(value.strip(), f"parameter {name}"))
        value = float(value)
        if not math.isfinite(value):
            raise CertifyError(f"parameter {name} must be a finite number, got {value!r}")
        p[name] = value
    return p


def _rk4(flow: Flow, p: dict, y, Q, dt: float):
    """One RK4 step of (y, Q) under y' = f(y), Q' = Df(y) Q; also div f(y) = trace Df(y)."""
    f, J = flow.field, flow.jacobian
    J1 = J(y, p)
    k1, K1 = f(y, p), J1 @ Q
    y2, Q2 = y + 0.5 * dt * k1, Q + 0.5 * dt * K1
    k2, K2 = f(y2, p), J(y2, p) @ Q2
    y3, Q3 = y + 0.5 * dt * k2, Q + 0.5 * dt * K2
    k3, K3 = f(y3, p), J(y3, p) @ Q3
    y4, Q4 = y + dt * k3, Q + dt * K3
    k4, K4 = f(y4, p), J(y4, p) @ Q4
    return (y + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4), Q + dt / 6 * (K1 + 2 * K2 + 2 * K3 + K4),
            np.trace(J1, axis1=1, axis2=2))


def _benettin(flow: Flow, p: dict, y0, dt: float, horizon: float, transient: float, qr_every: int,
              blocks: int):
    """Per orbit and block, the exponents (1/block time) sum log|R_ii|; and the mean divergence per orbit."""
    M, n = y0.shape
    chunk = qr_every
    n_tr = int(math.ceil(transient / dt / chunk))
    per_block = max(1, int(round(horizon / dt / chunk / blocks)))
    y, Q = y0.copy(), np.broadcast_to(np.eye(n), (M, n, n)).copy()
    out = np.zeros((M, blocks, n))
    div = np.zeros(M)
    wrap = list(flow.wrap)
    with np.errstate(all="ignore"):
        for c in range(n_tr + blocks * per_block):
            for _ in range(chunk):
                y, Q, tr = _rk4(flow, p, y, Q, dt)
                if c >= n_tr:
                    div += tr
            if wrap:
                y[:, wrap] = np.mod(y[:, wrap], 2 * math.pi)
            Q, R = np.linalg.qr(Q)
            if c >= n_tr:
                out[:, (c - n_tr) // per_block] += np.log(np.abs(np.diagonal(R, axis1=1, axis2=2)))
            if not (np.all(np.isfinite(y)) and np.all(np.isfinite(R))):
                raise CertifyError(f"an orbit of {flow.name} with {_params_text(p)} left the finite range "
                                   f"(blow-up or a degenerate tangent frame): no estimate; check the "
                                   f"parameters or take a smaller --dt")
    block_time = per_block * chunk * dt
    return out / block_time, div / (blocks * per_block * chunk), blocks * per_block * chunk * dt


def _params_text(p: dict) -> str:
    return ",".join(f"{k}={v:.10g}" for k, v in p.items())


def _summarise(b):
    """Estimate and stderr per exponent from block values b (M, K, n): the larger of batch-means and
    across-orbit standard errors."""
    M, K, n = b.shape
    flat = b.reshape(M * K, n)
    value = flat.mean(axis=0)
    se_blocks = flat.std(axis=0, ddof=1) / math.sqrt(M * K) if M * K > 1 else np.full(n, np.nan)
    orbit = b.mean(axis=1)
    se_orbits = orbit.std(axis=0, ddof=1) / math.sqrt(M) if M > 1 else np.zeros(n)
    return value, np.fmax(se_blocks, se_orbits), se_blocks, se_orbits


def lyapunov_spectrum(flow: Flow | str, params=None, *, dt: float | None = None, horizon: float | None = None,
                      transient: float | None = None, orbits: int = 32, blocks: int = 10, qr_every: int = 5,
                      seed: int = 0, step_check: bool = True) -> dict:
    """Estimate of the Lyapunov spectrum (per time unit) of a flow, by Benettin's QR method.

    `orbits` initial conditions (the flow's x0 plus seeded normal perturbations) are run together
    with fixed-step RK4 (float64), each for `transient` then `horizon` time units. Returns
    {"status": "estimate", "lambda_max": {value, stderr, status, method}, "spectrum": [...],
    "step_check": (dt vs dt/2), "liouville": (sum of exponents vs mean divergence), ...}.
    Not a proof: no verdict is drawn from these numbers.
    """
    flow = get_flow(flow) if isinstance(flow, str) else flow
    p = parse_params(flow, params)
    dt = flow.dt if dt is None else float(dt)
    horizon = flow.horizon if horizon is None else float(horizon)
    transient = flow.transient if transient is None else float(transient)
    for what, v in (("--dt", dt), ("--horizon", horizon)):
        if not (math.isfinite(v) and v > 0):
            raise CertifyError(f"{what} must be a positive number, got {v!r}")
    if not (math.isfinite(transient) and transient >= 0):
        raise CertifyError(f"--transient must be >= 0, got {transient!r}")
    if orbits < 1 or blocks < 2 or qr_every < 1:
        raise CertifyError("need orbits >= 1, blocks >= 2 and qr_every >= 1")
    if horizon / dt < blocks * qr_every:
        raise CertifyError(f"--horizon {horizon:g} is too short for --dt {dt:g}: need at least "
                           f"{blocks * qr_every} steps")
    rng = np.random.default_rng(seed)
    y0 = np.array(flow.x0) + rng.normal(size=(orbits, len(flow.x0))) * np.array(flow.spread)
    if flow.wrap:
        y0[:, list(flow.wrap)] = rng.uniform(0, 2 * math.pi, size=(orbits, len(flow.wrap)))
    b, div, run_time = _benettin(flow, p, y0, dt, horizon, transient, qr_every, blocks)
    value, se, se_blocks, se_orbits = _summarise(b)
    order = np.argsort(-value)
    value, se, se_blocks, se_orbits = value[order], se[order], se_blocks[order], se_orbits[order]
    method = (f"Benettin QR: RK4 (float64) of the flow and its variational equation, dt = {dt:g}, "
              f"{orbits} orbit(s) x {run_time:g} time units after a transient of {transient:g}, "
              f"re-orthonormalised every {qr_every} steps; stderr = max(batch means over "
              f"{orbits}x{blocks} blocks, spread across orbits)")
    out = {"flow": flow.name, "equations": flow.equations, "params": p, "status": "estimate",
           "units": "per time unit",
           "lambda_max": {"value": float(value[0]), "stderr": float(se[0]), "status": "estimate",
                          "method": method},
           "spectrum": [{"value": float(v), "stderr": float(s), "stderr_blocks": float(sb),
                         "stderr_orbits": float(so)} for v, s, sb, so in zip(value, se, se_blocks, se_orbits)],
           "dt": dt, "horizon": run_time, "transient": transient, "orbits": orbits, "blocks": blocks,
           "qr_every": qr_every, "seed": seed, "method": method}
    total, mdiv = float(value.sum()), float(div.mean())
    out["liouville"] = {"sum": total, "mean_divergence": mdiv, "difference": total - mdiv,
                        "exact": flow.divergence_constant,
                        "note": "sum of exponents = time average of div f along the orbit (Liouville); "
                                + ("div f is constant here, so the sum is known exactly"
                                   if flow.divergence_constant else "div f varies, a consistency check only")}
    if step_check:
        half = lyapunov_spectrum(flow, p, dt=dt / 2, horizon=horizon, transient=transient, orbits=orbits,
                                 blocks=blocks, qr_every=2 * qr_every, seed=seed, step_check=False)
        h = half["lambda_max"]
        d = float(h["value"] - value[0])
        comb = math.hypot(h["stderr"], float(se[0]))
        out["step_check"] = {"dt_half": dt / 2, "lambda_max": h["value"], "stderr": h["stderr"],
                             "difference": d, "combined_stderr": comb, "ok": bool(abs(d) <= 3 * comb),
                             "note": "the same run at dt/2; a difference beyond 3 combined stderr means the "
                                     "step is too large (or the horizon too short)"}
    return out


def predictability(lam: dict, dt_sample: float | None = None) -> dict:
    """tau_pred = ln 2 / lambda_max in time units and in steps of `dt_sample`, with delta-method stderr.

    An estimate when lambda is; None when lambda_max <= 0 (no finite predictability horizon).
    """
    if dt_sample is not None and not (math.isfinite(dt_sample) and dt_sample > 0):
        raise CertifyError(f"--dt-sample must be a positive number, got {dt_sample!r}")
    v, se = lam["value"], lam["stderr"]
    base = {"status": lam.get("status", "estimate"), "dt_sample": dt_sample}
    if v is None or v <= 0:
        return {**base, "time": None, "time_stderr": None, "steps": None, "stderr": None,
                "note": "lambda_max <= 0: no finite predictability horizon"}
    t, st = LN2 / v, LN2 * se / v ** 2
    out = {**base, "time": t, "time_stderr": st,
           "steps": None if dt_sample is None else t / dt_sample,
           "stderr": None if dt_sample is None else st / dt_sample,
           "method": "ln 2 / lambda_max; stderr by the delta method ln 2 * stderr(lambda) / lambda^2"}
    if v < 2 * se:
        out["note"] = "lambda_max is within 2 stderr of 0: tau_pred is not resolved"
    return out


def reported_audit(reported_steps: float, dt_sample: float, lam: dict | None = None) -> dict:
    """What a reported tau_pred in steps implies: lambda per step, lambda per time unit at dt_sample,
    and (given a computed lambda) the sampling step that would make the two agree."""
    if not (math.isfinite(reported_steps) and reported_steps > 0):
        raise CertifyError(f"--reported must be a positive number of steps, got {reported_steps!r}")
    if not (math.isfinite(dt_sample) and dt_sample > 0):
        raise CertifyError(f"--dt-sample must be a positive number, got {dt_sample!r}")
    out = {"steps": reported_steps, "dt_sample": dt_sample, "lambda_per_step": LN2 / reported_steps,
           "lambda_time": LN2 / (reported_steps * dt_sample)}
    if lam is not None and lam.get("value") is not None and lam["value"] > 0:
        v, se = lam["value"], lam["stderr"]
        out["z"] = (out["lambda_time"] - v) / se if se > 0 else None
        out["ratio_to_computed"] = out["lambda_time"] / v
        out["implied_dt_sample"] = LN2 / v / reported_steps
        out["implied_dt_sample_stderr"] = LN2 * se / v ** 2 / reported_steps
    return out
