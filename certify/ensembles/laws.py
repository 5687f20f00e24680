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

INITS = ("he", "he_uniform", "xavier", "xavier_uniform", "lecun", "pytorch", "notebook-glorot", "notebook-normal-k")
BIASES = ("pytorch", "zero", "normal:STD", "uniform:A", "uniform:LO:HI", "truncnormal:STD:A", "scheme")


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
    if init == "notebook-normal-k":  # the Chaos_RNNs notebooks' 'normal_k': std 1 / fan_out
        return "normal", gain / fan_out
    raise CertifyError(f"unknown --init {init!r}; choose one of {', '.join(INITS)}")


def _bias_law(bias: str, init: str, fan_in: int, gain: float, k: int):
    if bias == "zero":
        return "zero", 0.0
    if bias == "pytorch":
        return "uniform", 1 / math.sqrt(fan_in)
    if bias == "scheme":  # the same law as the layer's weights
        return _weight_law(init, fan_in, 1 if fan_in == k else k, gain, k)
    kind, *vals = bias.split(":")
    try:
        v = [float(t) for t in vals]
    except ValueError:
        v = []
    if v and all(math.isfinite(t) for t in v):
        if kind in ("normal", "uniform") and len(v) == 1 and v[0] >= 0:
            return kind, v[0]
        if kind == "uniform" and len(v) == 2 and v[0] < v[1]:
            return "uniform_ab", (v[0], v[1])  # U(LO, HI)
        if kind == "truncnormal" and len(v) == 2 and v[0] > 0 and v[1] > 0:
            return "truncnormal", (v[0], v[1])  # N(0, STD^2) conditioned on [-A, A]
    raise CertifyError(f"unknown --bias {bias!r}; use pytorch, zero, scheme, normal:STD, uniform:A, uniform:LO:HI "
                       f"or truncnormal:STD:A")


def _truncnormal(rng: np.random.Generator, std: float, bound: float, n: int) -> np.ndarray:
    """n draws of N(0, std^2) conditioned on [-bound, bound], by rejection (redraw what falls outside)."""
    x = rng.normal(0.0, std, n)
    out = np.abs(x) > bound
    while out.any():
        x[out] = rng.normal(0.0, std, int(out.sum()))
        out = np.abs(x) > bound
    return x


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
    output_bias: bool = True  # False: c is drawn (the random stream advances) but not added (c = 0)

    def layers(self):
        k = self.width
        if self.init == "notebook-glorot":  # every parameter (2/(k+1)) N(0,1); output bias drawn, not added
            law = _weight_law(self.init, 1, k, self.gain, k)
            return {"w": law, "b": law, "a": law, "c": ("drawn-not-added", law)}
        c = _bias_law(self.bias, self.init, k, self.gain, k)
        return {"w": _weight_law(self.init, 1, k, self.gain, k), "b": _bias_law(self.bias, self.init, 1, self.gain, k),
                "a": _weight_law(self.init, k, 1, self.gain, k), "c": c if self.output_bias else ("drawn-not-added", c)}

    def describe(self) -> str:
        parts = []
        for name, (kind, v) in self.layers().items():
            if name == "w" and self.first_layer == "ones":
                parts.append("w_i = 1")
            elif kind == "drawn-not-added":
                parts.append(f"{name} drawn ~ {_law_text(*v)} but not added (c = 0)")
            else:
                parts.append(f"{name} = 0" if kind == "zero" else f"{name} ~ {_law_text(kind, v)}")
        out = f", output {self.output_activation}" if self.output_activation else ""
        return (f"rnn1d width {self.width}, activation {self.activation}{out}; init {self.init}, gain {self.gain:g}, "
                f"bias {self.bias}: " + "; ".join(parts) + " (float64, taken as exact binary rationals)")

    def sample(self, rng: np.random.Generator) -> dict:
        """One network's weights (float64 lists), drawn in the order w, b, a, c."""
        k = self.width
        out = {}
        for name, (kind, v) in self.layers().items():
            n = k if name in ("w", "b", "a") else 1
            x = _draw(rng, *v, n) if kind == "drawn-not-added" else _draw(rng, kind, v, n)
            out[name] = np.zeros(n) if kind == "drawn-not-added" else x
        if self.first_layer == "ones":
            out["w"] = np.ones(k)
        weights = {"activation": self.activation, "w": out["w"].tolist(), "b": out["b"].tolist(),
                   "a": out["a"].tolist(), "c": float(out["c"][0])}
        if self.output_activation:
            weights["output_activation"] = self.output_activation
        return weights


def _law_text(kind, v) -> str:
    if kind == "zero":
        return "0"
    if kind == "normal":
        return f"N(0, {v:.6g}^2)"
    if kind == "uniform":
        return f"U(-{v:.6g}, {v:.6g})"
    if kind == "uniform_ab":
        return f"U({v[0]:.6g}, {v[1]:.6g})"
    return f"N(0, {v[0]:.6g}^2) truncated to [-{v[1]:.6g}, {v[1]:.6g}]"


def _draw(rng: np.random.Generator, kind, v, n: int) -> np.ndarray:
    if kind == "normal":
        return rng.normal(0.0, v, n)
    if kind == "uniform":
        return rng.uniform(-v, v, n)
    if kind == "uniform_ab":
        return rng.uniform(v[0], v[1], n)
    if kind == "truncnormal":
        return _truncnormal(rng, v[0], v[1], n)
    return np.zeros(n)


def network_rng(seed: int, width: int, gain_index: int, index: int) -> np.random.Generator:
    """The Generator of one network: independent of how the run is split or resumed."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(width, gain_index, index))))
