"""Sampling law of randomly initialised one-layer nn.RNNs, reproduced without PyTorch.

PyTorch's default init of nn.RNN(input_size, hidden_size) draws every parameter (weight_ih_l0,
weight_hh_l0, bias_ih_l0, bias_hh_l0) from U(-1/sqrt(hidden), 1/sqrt(hidden)) and stores it in
float32. The audit law multiplies weight_hh_l0 (the recurrent matrix W) by a gain and leaves the
biases at PyTorch's law; the input is held at 0, so the autonomous map is h -> act(W h + b) with
b = bias_ih + bias_hh (the float32 sum taken exactly). Draws come from numpy's PCG64 seeded by
SeedSequence(seed, spawn_key=(width, gain index, network index)) (certify.ensembles.laws.network_rng),
so a network is regenerated alone and a run is reproducible bit for bit (torch's own stream is not
reproduced: the law is the same, the numbers are not torch's).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from certify.errors import CertifyError

__all__ = ["RNNLaw", "torch_rnn_state_dict"]

ACTIVATIONS = ("tanh", "relu")


def torch_rnn_state_dict(rng: np.random.Generator, hidden: int, gain: float = 1.0, input_size: int = 1) -> dict:
    """float32 arrays weight_ih_l0 (hidden x input_size), weight_hh_l0 (gain times the default law),
    bias_ih_l0, bias_hh_l0, drawn in that order from PyTorch's default U(-1/sqrt(hidden), 1/sqrt(hidden))."""
    a = 1 / math.sqrt(hidden)
    w_ih = rng.uniform(-a, a, (hidden, input_size))
    w_hh = gain * rng.uniform(-a, a, (hidden, hidden))
    b_ih, b_hh = rng.uniform(-a, a, hidden), rng.uniform(-a, a, hidden)
    return {"weight_ih_l0": w_ih.astype(np.float32), "weight_hh_l0": w_hh.astype(np.float32),
            "bias_ih_l0": b_ih.astype(np.float32), "bias_hh_l0": b_hh.astype(np.float32)}


@dataclass(frozen=True)
class RNNLaw:
    """The law of one audit cell: nn.RNN(1, width) with weight_hh_l0 scaled by gain, input held at 0."""

    activation: str
    width: int
    gain: float

    def __post_init__(self):
        if self.activation not in ACTIVATIONS:
            raise CertifyError(f"--activation for --model rnn is tanh or relu (nn.RNN's nonlinearities), "
                               f"got {self.activation!r}")

    def describe(self) -> str:
        a = 1 / math.sqrt(self.width)
        return (f"nn.RNN(1, {self.width}, nonlinearity={self.activation}) at PyTorch's default init, input held at 0: "
                f"W = weight_hh_l0 ~ {self.gain:g} * U(-{a:.6g}, {a:.6g}), b = bias_ih_l0 + bias_hh_l0, each "
                f"~ U(-{a:.6g}, {a:.6g}) (float32, taken as exact binary rationals)")

    def sample(self, rng: np.random.Generator) -> dict:
        """The state_dict arrays of one network (float32)."""
        return torch_rnn_state_dict(rng, self.width, self.gain)
