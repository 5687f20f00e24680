"""Sampling laws of randomly initialised 1D RNN maps f(x) = sum_i a_i act(w_i x + b_i) + c.

Layer 1 (w, b) has fan_in 1 and fan_out k; layer 2 (a, c) has fan_in k and fan_out 1. A global
gain multiplies every standard deviation (or uniform bound). Each network is drawn from its own
numpy Generator seeded by SeedSequence(seed, spawn_key=(width, gain index, network index)), so a
network can be regenerated alone and a run is reproducible bit for bit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from certify.errors import CertifyError

INITS = ("he", "he_uniform", "xavier", "xavier_uniform", "lecun", "pytorch", "notebook-glorot")
BIASES = ("pytorch", "zero", "normal:STD", "uniform:A", "scheme")


def _weight_law(init: str, fan_in: int, fan_out: int, gain: float, k: int):
    """('normal', std) or ('uniform', bound) for one layer's weights."""
    if init == "he":
        return "normal", gain * math.sqrt(2 / fan_in)
    if init == "he_uniform":
        return "uniform", gain * math.sqrt(6 / fan_in)
    if init == "xavier":
        return "normal", gain * math.sqrt(2 / (fan_in + fan_out))
    if init == "xavier_uniform":
        return "uniform", gain * math.sqrt(6 / (fan_in + fan_out))
    if init == "lecun":
        return "normal", gain * math.sqrt(1 / fan_in)
    if init == "pytorch":
        return "uniform", gain / math.sqrt(fan_in)
    if init == "notebook-glorot":
        return "normal", gain * 2 / (k + 1)
    raise CertifyError(f"unknown --init {init!r}; choose one of {', '.join(INITS)}")


def _bias_law(bias: str, init: str, fan_in: int, gain: float, k: int):
    if bias == "zero":
        return "zero", 0.0
    if bias == "pytorch":
        return "uniform", 1 / math.sqrt(fan_in)
    if bias == "scheme":  # the same law as the layer's weights
        return _weight_law(init, fan_in, 1 if fan_in == k else k, gain, k)
    kind, _, val = bias.partition(":")
    try:
        v = float(val)
    except ValueError:
        v = -1.0
    if kind in ("normal", "uniform") and v >= 0 and math.isfinite(v):
        return kind, v
    raise CertifyError(f"unknown --bias {bias!r}; use pytorch, zero, scheme, normal:STD or uniform:A")


@dataclass(frozen=True)
class Law:
    """The exact sampling law of one audit cell."""

    activation: str
    init: str
    width: int
    gain: float
    bias: str = "pytorch"
    first_layer: str = "random"  # or "ones": w_i = 1 (the random-walk family)
    output_activation: str | None = None

    def layers(self):
        k = self.width
        if self.init == "notebook-glorot":  # every parameter (2/(k+1)) N(0,1); output bias drawn, not added
            law = _weight_law(self.init, 1, k, self.gain, k)
            return {"w": law, "b": law, "a": law, "c": ("drawn-not-added", law[1])}
        return {"w": _weight_law(self.init, 1, k, self.gain, k), "b": _bias_law(self.bias, self.init, 1, self.gain, k),
                "a": _weight_law(self.init, k, 1, self.gain, k), "c": _bias_law(self.bias, self.init, k, self.gain, k)}

    def describe(self) -> str:
        parts = []
        for name, (kind, v) in self.layers().items():
            if name == "w" and self.first_layer == "ones":
                parts.append("w_i = 1")
            elif kind == "zero":
                parts.append(f"{name} = 0")
            elif kind == "normal":
                parts.append(f"{name} ~ N(0, {v:.6g}^2)")
            elif kind == "uniform":
                parts.append(f"{name} ~ U(-{v:.6g}, {v:.6g})")
            else:
                parts.append(f"{name} drawn ~ N(0, {v:.6g}^2) but not added (c = 0)")
        out = f", output {self.output_activation}" if self.output_activation else ""
        return (f"rnn1d width {self.width}, activation {self.activation}{out}; init {self.init}, gain {self.gain:g}, "
                f"bias {self.bias}: " + "; ".join(parts) + " (float64, taken as exact binary rationals)")

    def sample(self, rng: np.random.Generator) -> dict:
        """One network's weights (float64 lists), drawn in the order w, b, a, c."""
        k = self.width
        out = {}
        for name, (kind, v) in self.layers().items():
            n = k if name in ("w", "b", "a") else 1
            if kind in ("normal", "drawn-not-added"):
                x = rng.normal(0.0, v, n)
            elif kind == "uniform":
                x = rng.uniform(-v, v, n)
            else:
                x = np.zeros(n)
            if kind == "drawn-not-added":
                x = np.zeros(n)
            out[name] = x
        if self.first_layer == "ones":
            out["w"] = np.ones(k)
        weights = {"activation": self.activation, "w": out["w"].tolist(), "b": out["b"].tolist(),
                   "a": out["a"].tolist(), "c": float(out["c"][0])}
        if self.output_activation:
            weights["output_activation"] = self.output_activation
        return weights


def network_rng(seed: int, width: int, gain_index: int, index: int) -> np.random.Generator:
    """The Generator of one network: independent of how the run is split or resumed."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(width, gain_index, index))))
