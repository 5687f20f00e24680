"""Train a PLRNN z -> A z + W relu(z) + h on Lorenz-63 data; write examples/lorenz_plrnn.safetensors.

Data: the Lorenz-63 flow (sigma = 10, rho = 28, beta = 8/3) integrated with scipy's solve_ivp
(DOP853, rtol 1e-10) from (1, 1, 1), sampled every DT = 0.05 time units after a transient of 20,
z-scored per coordinate. Model: a PLRNN of dimension N = 10 (A diagonal, W with a zero diagonal,
h a bias) read out by a linear observation model x = B z (B is 3 x N, learned; it is written to
the file's metadata, since the map z -> A z + W relu(z) + h alone is what certify proves things
about). Training: sparse teacher forcing as Mikhaeil et al. (NeurIPS 2022) prescribe: every TAU
steps the latent state is moved to the nearest state that reproduces the data point (z <- z +
B^+ (x - B z)), with TAU = round(ln 2 / (lambda_max DT)) = 15 steps for the Lorenz exponent
lambda_max = 0.9056 per time unit, so gradients are cut before they explode (Theorem 2) while the
model still sees its own error grow for about one doubling time. The hidden state of each window
is warmed up by BURN forced steps; the loss is the mean squared error of B z against the data
over SEQ = 3 TAU free-running steps; Adam with an exponentially decaying learning rate.
Deterministic: seed 0, one thread, deterministic torch algorithms; about 4 minutes of CPU (8000 steps).

    python examples/train_lorenz_plrnn.py            # writes examples/lorenz_plrnn.safetensors
    certify lyapunov examples/lorenz_plrnn.safetensors --spectrum
"""

from __future__ import annotations

import json
import math
import os
import sys

import numpy as np
import torch
from safetensors.torch import save_file
from scipy.integrate import solve_ivp

N, OBS = 10, 3                 # PLRNN dimension, observed coordinates
DT, SAMPLES, TRANSIENT = 0.05, 6000, 20.0
LAMBDA_LORENZ = 0.9056         # lambda_max of Lorenz-63 per time unit (Sprott, Chaos and Time-Series Analysis, 2003)
TAU = round(math.log(2) / (LAMBDA_LORENZ * DT))   # 15 steps: the forcing interval of Mikhaeil et al.
SEQ, BURN, BATCH, STEPS, LR = 3 * TAU, 10, 128, 8000, 3e-3
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lorenz_plrnn.safetensors")


def lorenz_orbit(samples: int = SAMPLES, dt: float = DT) -> np.ndarray:
    """The Lorenz-63 orbit from (1, 1, 1), `samples` points dt apart after TRANSIENT (not z-scored)."""
    def rhs(_, u):
        x, y, z = u
        return [10.0 * (y - x), x * (28.0 - z) - y, x * y - 8.0 / 3.0 * z]
    t = TRANSIENT + dt * np.arange(samples)
    sol = solve_ivp(rhs, (0.0, t[-1]), [1.0, 1.0, 1.0], t_eval=t, method="DOP853", rtol=1e-10, atol=1e-10)
    return sol.y.T


class PLRNN(torch.nn.Module):
    """z -> a * z + (W with zero diagonal) relu(z) + h, observed through x = B z."""

    def __init__(self, n: int):
        super().__init__()
        self.a = torch.nn.Parameter(torch.full((n,), 0.9))
        self.W = torch.nn.Parameter(0.1 * torch.randn(n, n) / math.sqrt(n))
        self.h = torch.nn.Parameter(torch.zeros(n))
        self.register_buffer("off", 1.0 - torch.eye(n))
        self.B = torch.nn.Parameter(torch.cat([torch.eye(OBS), 0.1 * torch.randn(OBS, n - OBS)], dim=1))

    def step(self, z):
        return self.a * z + torch.relu(z) @ (self.W * self.off).T + self.h


def train(X: np.ndarray) -> PLRNN:
    """Sparse teacher forcing (interval TAU) on windows of the z-scored data X."""
    torch.manual_seed(0)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    Xt = torch.tensor(X, dtype=torch.float32)
    model = PLRNN(N)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.05 ** (1 / STEPS))
    gen = torch.Generator().manual_seed(0)
    for it in range(STEPS):
        idx = torch.randint(0, len(Xt) - SEQ - BURN - 1, (BATCH,), generator=gen)
        win = torch.stack([Xt[i:i + SEQ + BURN + 1] for i in idx.tolist()])   # (BATCH, BURN + SEQ + 1, 3)
        Bp = torch.linalg.pinv(model.B)

        def force(z, x):
            return z + (x - z @ model.B.T) @ Bp.T

        z = force(torch.zeros(BATCH, N), win[:, 0])
        for k in range(BURN):
            z = model.step(force(z, win[:, k]))
        loss = 0.0
        for k in range(SEQ):
            if k % TAU == 0:                                                  # sparse teacher forcing
                z = force(z, win[:, BURN + k])
            z = model.step(z)
            loss = loss + ((z @ model.B.T - win[:, BURN + k + 1]) ** 2).mean()
        loss = loss / SEQ
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if it % 500 == 0 or it == STEPS - 1:
            print(f"step {it:5d}  loss {loss.item():.5f}", flush=True)
    return model


def lyapunov_max(A, W, h, z, steps: int = 20000, transient: int = 1000) -> float:
    """Float QR estimate of the largest Lyapunov exponent per step along the orbit of z."""
    Q, s = np.eye(len(z)), 0.0
    for t in range(transient + steps):
        J = np.diag(A) + W * (z > 0)
        z = A * z + W @ np.maximum(z, 0) + h
        if t >= transient:
            Q, R = np.linalg.qr(J @ Q)
            s += math.log(abs(R[0, 0]))
    return s / steps


def main() -> int:
    raw = lorenz_orbit()
    mean, std = raw.mean(axis=0), raw.std(axis=0)
    X = (raw - mean) / std
    model = train(X)
    with torch.no_grad():
        A, W, h = model.a.clone(), (model.W * model.off).clone(), model.h.clone()
        B = model.B.double().numpy()
    meta = {"source": "examples/train_lorenz_plrnn.py", "data": f"Lorenz-63 (10, 28, 8/3), dt={DT}, z-scored",
            "observation": json.dumps(np.round(B, 7).tolist()), "data_mean": json.dumps(np.round(mean, 7).tolist()),
            "data_std": json.dumps(np.round(std, 7).tolist()), "dt": str(DT), "tau": str(TAU)}
    save_file({"A": A, "W": W, "h": h}, OUT, metadata=meta)
    A64, W64, h64 = (t.double().numpy() for t in (A, W, h))
    lam = lyapunov_max(A64, W64, h64, np.linalg.pinv(B) @ X[0])
    print(f"wrote {OUT}; lambda_max ~ {lam:.4f} per step = {lam / DT:.3f} per time unit "
          f"(Lorenz: {LAMBDA_LORENZ * DT:.4f} per step)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
