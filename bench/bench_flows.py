"""Benchmark: Lyapunov spectrum estimates of the Lorenz-63 flow (Benettin QR, RK4, float64).

Times certify's estimate (all orbits in one numpy array) at horizon T per orbit, and a plain
per-step numpy loop over a single orbit (the same RK4 + QR scheme, arrays of shape (3,) and
(3, 3)), and compares the cost per orbit-time-unit. Prints figures only.

    python bench/bench_flows.py [--horizon 100] [--orbits 32]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from certify.dynamics.flows import lyapunov_spectrum


def plain_loop(T, dt=0.01, transient=20.0, s=10.0, r=28.0, b=8 / 3, qr_every=5):
    """One Lorenz orbit, one step at a time: RK4 of (y, Q), QR every qr_every steps."""
    def f(y):
        return np.array([s * (y[1] - y[0]), y[0] * (r - y[2]) - y[1], y[0] * y[1] - b * y[2]])

    def jac(y):
        return np.array([[-s, s, 0.0], [r - y[2], -1.0, -y[0]], [y[1], y[0], -b]])

    y, Q, acc = np.array([1.0, 1.0, 20.0]), np.eye(3), np.zeros(3)
    n_tr, n = int(transient / dt), int(T / dt)
    for i in range(n_tr + n):
        k1, K1 = f(y), jac(y) @ Q
        k2, K2 = f(y + dt / 2 * k1), jac(y + dt / 2 * k1) @ (Q + dt / 2 * K1)
        k3, K3 = f(y + dt / 2 * k2), jac(y + dt / 2 * k2) @ (Q + dt / 2 * K2)
        k4, K4 = f(y + dt * k3), jac(y + dt * k3) @ (Q + dt * K3)
        y, Q = y + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4), Q + dt / 6 * (K1 + 2 * K2 + 2 * K3 + K4)
        if (i + 1) % qr_every == 0:
            Q, R = np.linalg.qr(Q)
            if i >= n_tr:
                acc += np.log(np.abs(np.diag(R)))
    return np.sort(acc / (n * dt))[::-1]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--horizon", type=float, default=100.0)
    ap.add_argument("--orbits", type=int, default=32)
    args = ap.parse_args(argv)
    T, M = args.horizon, args.orbits
    print(f"Lorenz-63 (10, 28, 8/3), RK4 dt = 0.01, transient 20, QR every 5 steps; literature lambda_max 0.9056")
    rows = []
    for name, kw in ((f"certify {M} orbits x T={T:g}", dict(step_check=False)),
                     (f"certify {M} orbits x T={T:g} + dt/2 check", dict(step_check=True))):
        t0 = time.perf_counter()
        r = lyapunov_spectrum("lorenz", horizon=T, orbits=M, **kw)
        rows.append((name, time.perf_counter() - t0, M * T, r["lambda_max"]["value"], r["lambda_max"]["stderr"]))
    t0 = time.perf_counter()
    lam = plain_loop(T)
    rows.append((f"plain numpy loop, 1 orbit x T={T:g}", time.perf_counter() - t0, T, lam[0], None))
    base = rows[-1][1] / rows[-1][2]
    print(f"{'method':40} {'seconds':>8} {'orbit-time':>10} {'s/1000 t.u.':>12} {'vs plain':>9}  lambda_max")
    for name, sec, ot, v, se in rows:
        per = sec / ot
        err = f" +/- {se:.1e}" if se is not None else ""
        print(f"{name:40} {sec:8.2f} {ot:10.0f} {1000 * per:12.3f} {per / base:8.3f}x  {v:.4f}{err}")


if __name__ == "__main__":
    main()
