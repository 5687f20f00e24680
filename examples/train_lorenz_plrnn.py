"""Train a PLRNN z -> A z + W relu(z) + h on Lorenz-63 data; write examples/lorenz_plrnn.safetensors.

Data: the Lorenz-63 flow (sigma = 10, rho = 28, beta = 8/3) integrated with scipy's solve_ivp
(DOP853, rtol 1e-10) and sampled every DT = 0.05 time units after a transient, z-scored per
coordinate. Model: a PLRNN of dimension N = 6 whose first 3 units are read out as the 3 Lorenz
coordinates (the identity observation model of Durstewitz-lab PLRNNs), A diagonal, W with a zero
diagonal, h a bias. Training: sparse teacher forcing (every TAU steps the observed units are reset
to the data), mean squared one-step-ahead error over windows of length SEQ, Adam. Deterministic:
seed 0, one thread, deterministic torch algorithms. About a minute of CPU.

    python examples/train_lorenz_plrnn.py            # writes examples/lorenz_plrnn.safetensors
    certify orbits examples/lorenz_plrnn.safetensors --period 1..6
"""

from __future__ import annotations

import os
import sys

import numpy as np
import torch
from safetensors.torch import save_file
from scipy.integrate import solve_ivp

N, OBS = 6, 3                  # PLRNN dimension, observed units
DT, SAMPLES, TRANSIENT = 0.05, 4000, 20.0
SEQ, TAU, BATCH, STEPS, LR = 40, 8, 64, 3000, 3e-3
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lorenz_plrnn.safetensors")


def lorenz_data() -> np.ndarray:
    """The z-scored Lorenz-63 orbit from (1, 1, 1), SAMPLES points DT apart after TRANSIENT."""
    def rhs(_, u):
        x, y, z = u
        return [10.0 * (y - x), x * (28.0 - z) - y, x * y - 8.0 / 3.0 * z]
    t = TRANSIENT + DT * np.arange(SAMPLES)
    sol = solve_ivp(rhs, (0.0, t[-1]), [1.0, 1.0, 1.0], t_eval=t, method="DOP853", rtol=1e-10, atol=1e-10)
    X = sol.y.T
    return (X - X.mean(axis=0)) / X.std(axis=0)


class PLRNN(torch.nn.Module):
    def __init__(self, n: int):
        super().__init__()
        self.a = torch.nn.Parameter(torch.full((n,), 0.9))
        self.W = torch.nn.Parameter(0.1 * torch.randn(n, n))
        self.h = torch.nn.Parameter(torch.zeros(n))
        self.register_buffer("off", 1.0 - torch.eye(n))

    def step(self, z):
        return self.a * z + torch.relu(z) @ (self.W * self.off).T + self.h


def train() -> PLRNN:
    torch.manual_seed(0)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    X = torch.tensor(lorenz_data(), dtype=torch.float32)
    model = PLRNN(N)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    gen = torch.Generator().manual_seed(0)
    for it in range(STEPS):
        idx = torch.randint(0, len(X) - SEQ - 1, (BATCH,), generator=gen)
        win = torch.stack([X[i:i + SEQ + 1] for i in idx.tolist()])        # (BATCH, SEQ + 1, 3)
        z = torch.cat([win[:, 0], torch.zeros(BATCH, N - OBS)], dim=1)
        loss = 0.0
        for t in range(SEQ):
            if t % TAU == 0:                                                # sparse teacher forcing
                z = torch.cat([win[:, t], z[:, OBS:]], dim=1)
            z = model.step(z)
            loss = loss + ((z[:, :OBS] - win[:, t + 1]) ** 2).mean()
        opt.zero_grad()
        (loss / SEQ).backward()
        opt.step()
        if it % 500 == 0 or it == STEPS - 1:
            print(f"step {it:5d}  loss {loss.item() / SEQ:.5f}", flush=True)
    return model


def main() -> int:
    model = train()
    with torch.no_grad():
        W = (model.W * model.off).detach().clone()
        save_file({"A": model.a.detach().clone(), "W": W, "h": model.h.detach().clone()}, OUT,
                  metadata={"source": "examples/train_lorenz_plrnn.py", "data": f"Lorenz-63, dt={DT}, z-scored"})
        z = torch.zeros(N)
        for _ in range(2000):
            z = model.step(z)
        print(f"wrote {OUT}; free-running state after 2000 steps: {[round(v, 3) for v in z.tolist()]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
