"""Figure: the free-running Lorenz PLRNN (examples/lorenz_plrnn.safetensors) beside Lorenz-63 data.

The PLRNN's orbit from z = 0.1 (every coordinate) is run 1000 steps as a transient, then 4000 steps
(200 time units at dt = 0.05) are read out through the observation model x = B z stored in the
file's metadata and un-z-scored with the data's mean and std (also in the metadata); the Lorenz
orbit is the training data's (examples/train_lorenz_plrnn.py). Both are drawn in the (x, z) plane.

    python examples/plot_lorenz_plrnn.py     # writes docs/figures/lorenz_plrnn.png
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

WEIGHTS = os.path.join(HERE, "lorenz_plrnn.safetensors")
OUT = os.path.join(HERE, "..", "docs", "figures", "lorenz_plrnn.png")


def model():
    """(a, W, h, readout): the PLRNN's weights (floats) and z -> B z * std + mean, the observation model and the
    data's scaling stored in the file's metadata (Lorenz coordinates)."""
    from safetensors.numpy import load_file
    from safetensors import safe_open

    t = load_file(WEIGHTS)
    a, W, h = (t[k].astype(float) for k in ("A", "W", "h"))
    with safe_open(WEIGHTS, "np") as fh:
        meta = fh.metadata()
    B = np.array(json.loads(meta["observation"]))
    mean, std = np.array(json.loads(meta["data_mean"])), np.array(json.loads(meta["data_std"]))
    return a, W, h, lambda z: B @ z * std + mean


def plrnn_orbit(steps: int = 4000, transient: int = 1000) -> np.ndarray:
    """The PLRNN's free-running orbit observed as (x, y, z) in the Lorenz coordinates."""
    a, W, h, readout = model()
    z, out = np.full(len(a), 0.1), []
    for k in range(transient + steps):
        z = a * z + W @ np.maximum(z, 0) + h
        if k >= transient:
            out.append(readout(z))
    return np.array(out)


def main() -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from train_lorenz_plrnn import lorenz_orbit

    data, model = lorenz_orbit(4000), plrnn_orbit()
    fig, axes = plt.subplots(1, 2, figsize=(9, 4), sharex=True, sharey=True)
    for ax, X, title in ((axes[0], data, "Lorenz-63 data (dt = 0.05)"),
                         (axes[1], model, "PLRNN (n = 10), free-running, read out x = B z")):
        ax.plot(X[:, 0], X[:, 2], lw=0.3, color="k")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("x")
    axes[0].set_ylabel("z")
    fig.tight_layout()
    fig.savefig(OUT, dpi=110)
    print(f"wrote {os.path.normpath(OUT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
