"""Write the example weight files (numpy and safetensors only; fixed seeds, so the files are the same
on every run). From the repository root: python examples/make_weights.py

he_relu8.safetensors  nn.Sequential(nn.Linear(1, 8), nn.ReLU(), nn.Linear(8, 1)) as its state_dict
                      keys (0.weight (8, 1), 0.bias, 2.weight (1, 8), 2.bias), float32, He-normal
                      weights and PyTorch-default biases; metadata {"activation": "relu"}
he_relu8.json         the same network as a JSON weights file (flat keys w, b, a, c): each float32
                      written as the JSON float of the same value, so both files denote one map
tanh8_f16.safetensors a width-8 network stored in float16 under the prefix "net." (keys net.0.weight,
                      ...) with no metadata: the activation comes from --activation tanh
he_relu8.pt           the state_dict of he_relu8 saved by torch.save (written only when PyTorch is
                      installed: pip install certify[torch]); read with --activation relu

and three files certify must refuse (exit 2), each he_relu8.safetensors with one thing wrong:
in2.safetensors       0.weight of shape (8, 2): a first layer nn.Linear(2, 8), a map of two variables
no_out.safetensors    no key 2.weight: the output layer's weights are missing
lengths.safetensors   2.weight of shape (1, 7): 8 hidden units in, 7 out
"""

from __future__ import annotations

import json
import os

import numpy as np
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
RELU_SEED = 281  # of seeds 0..399, three (281, 323, 373) give a net with a proved period 3; the first
TANH_SEED, TANH_GAIN = 26, 2.0


def he_net(seed: int, k: int = 8, gain: float = 1.0, dtype=np.float32) -> dict:
    """A state_dict of nn.Sequential(nn.Linear(1, k), act, nn.Linear(k, 1)): He-normal weights
    (std sqrt(2 / fan_in)), biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)) as PyTorch draws them, times `gain`."""
    rng = np.random.default_rng(seed)
    return {"0.weight": (gain * rng.normal(0, np.sqrt(2.0), (k, 1))).astype(dtype),
            "0.bias": (gain * rng.uniform(-1, 1, k)).astype(dtype),
            "2.weight": (gain * rng.normal(0, np.sqrt(2.0 / k), (1, k))).astype(dtype),
            "2.bias": (gain * rng.uniform(-1 / np.sqrt(k), 1 / np.sqrt(k), 1)).astype(dtype)}


def main() -> None:
    relu = he_net(RELU_SEED)
    save_file(relu, os.path.join(HERE, "he_relu8.safetensors"), metadata={"activation": "relu"})
    twin = {"model": "rnn1d", "activation": "relu",
            "w": relu["0.weight"].ravel().tolist(), "b": relu["0.bias"].tolist(),
            "a": relu["2.weight"].ravel().tolist(), "c": relu["2.bias"].item()}
    with open(os.path.join(HERE, "he_relu8.json"), "w") as fh:
        fh.write(json.dumps(twin) + "\n")
    tanh = he_net(TANH_SEED, gain=TANH_GAIN, dtype=np.float16)
    save_file({f"net.{k}": v for k, v in tanh.items()}, os.path.join(HERE, "tanh8_f16.safetensors"))
    bad = {"in2": dict(relu, **{"0.weight": np.concatenate([relu["0.weight"], relu["0.weight"]], axis=1)}),
           "no_out": {k: v for k, v in relu.items() if k != "2.weight"},
           "lengths": dict(relu, **{"2.weight": relu["2.weight"][:, :7].copy()})}
    for name, tensors in bad.items():
        save_file(tensors, os.path.join(HERE, f"{name}.safetensors"), metadata={"activation": "relu"})
    try:
        import torch
    except ImportError:
        return
    torch.save({k: torch.from_numpy(v) for k, v in relu.items()}, os.path.join(HERE, "he_relu8.pt"))


if __name__ == "__main__":
    main()
