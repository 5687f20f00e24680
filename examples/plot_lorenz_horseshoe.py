"""Figure: where the Lorenz PLRNN's certified horseshoe lives.

Reads proofs/lorenz_plrnn_horseshoe.cert.json (written by `certify chaos examples/lorenz_plrnn.safetensors`):
its two h-sets are centred at points of two period-64 saddle cycles. The figure draws, read out through the
observation model x = B z of examples/lorenz_plrnn.safetensors and un-z-scored (as
examples/plot_lorenz_plrnn.py does), the free-running attractor in grey and the float orbits of the two centres
over one period (64 steps) in colour, the centres marked; left the (x, z) plane, right a close-up around the
centres. Floats draw; the certificate proves (certify check).

    python examples/plot_lorenz_horseshoe.py     # writes docs/figures/lorenz_horseshoe.png
"""

from __future__ import annotations

import json
import os
import sys
from fractions import Fraction

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
CERT = os.path.join(HERE, "..", "proofs", "lorenz_plrnn_horseshoe.cert.json")
OUT = os.path.join(HERE, "..", "docs", "figures", "lorenz_horseshoe.png")


def main() -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from plot_lorenz_plrnn import model, plrnn_orbit

    a, W, h, readout = model()
    with open(CERT) as fh:
        cert = json.load(fh)
    k = cert["claim"]["iterate"]
    centres = [np.array([float(Fraction(v)) for v in s["c"]]) for s in cert["evidence"][0]["sets"]]

    def cycle(z):
        out = []
        for _ in range(k + 1):
            out.append(readout(z))
            z = a * z + W @ np.maximum(z, 0) + h
        return np.array(out)

    attractor = plrnn_orbit(20000)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
    for ax in axes:
        ax.plot(attractor[:, 0], attractor[:, 2], ",", color="0.7", alpha=0.5)
        for i, (c, col) in enumerate(zip(centres, ("tab:red", "tab:blue"))):
            X = cycle(c)
            ax.plot(X[:, 0], X[:, 2], "-", lw=0.9, color=col, label=f"period-{k} cycle through N_{i}")
            ax.plot(X[0, 0], X[0, 2], "o", ms=4, color=col)
        ax.set_xlabel("x")
    axes[0].set_ylabel("z")
    axes[0].set_title(f"two saddle cycles of period {k} on the attractor", fontsize=10)
    axes[0].legend(fontsize=8, loc="upper left")
    x0 = np.mean([readout(c) for c in centres], axis=0)
    axes[1].set_xlim(x0[0] - 1.5, x0[0] + 1.5)
    axes[1].set_ylim(x0[2] - 1.5, x0[2] + 1.5)
    axes[1].set_title(f"close-up at the h-sets' centres (h_top >= log 2 / {k})", fontsize=10)
    fig.tight_layout()
    fig.savefig(OUT, dpi=110)
    print(f"wrote {os.path.normpath(OUT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
