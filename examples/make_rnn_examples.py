"""Write the n-dimensional RNN example files (numpy and safetensors only; fixed seeds, so the files are
the same on every run). From the repository root: python examples/make_rnn_examples.py

rnn8_torch.safetensors  the state_dict of nn.RNN(2, 8) (tanh): PyTorch's default init
                        U(-1/sqrt(8), 1/sqrt(8)) for every parameter, weight_hh_l0 times the gain 3,
                        float32 (certify.ensembles.rnn_laws.torch_rnn_state_dict, seed 9); run with
                        --input 0.1,-0.2 (the input held at that constant vector)
rnn8_gain4.safetensors  nn.RNN(1, 8) (tanh) at the default init with weight_hh_l0 times 4 (seed 11): a
                        chaotic-looking autonomous map (QR estimate lambda_max ~ 0.13), the gradients example
rnn8_gain1.safetensors  nn.RNN(1, 8) (tanh) at the default init, gain 1 (seed 0): a certified contraction
rnn8_gain8.safetensors  network 4 of the gain-8 cell of `certify audit --model rnn --hidden 8 --gain 5:8:3` (seed 0,
                        gain index 1): nn.RNN(1, 8) at gain 8, a certified horseshoe (certify chaos)
rnn_feedback.json       an output-feedback RNN: hidden width 3, output y = V h + c (2 numbers) fed back as
                        the next input, h -> tanh(W h + U y + b); exact rationals
"""

from __future__ import annotations

import json
import os

import numpy as np
from safetensors.numpy import save_file

from certify.ensembles.laws import network_rng
from certify.ensembles.rnn_laws import RNNLaw, torch_rnn_state_dict

HERE = os.path.dirname(os.path.abspath(__file__))
SEED, GAIN = 9, 3.0
CHAOS_SEED, CHAOS_GAIN = 11, 4.0

FEEDBACK = {"kind": "rnn_feedback", "activation": "tanh",
            "W": [["1/2", "-1", "0"], ["1", "1/2", "0"], ["0", "0", "-1/4"]],
            "U": [["1", "0"], ["0", "1"], ["1", "-1"]],
            "b": ["0", "1/10", "0"],
            "V": [["1", "0", "0"], ["0", "0", "1"]],
            "c": ["-1/5", "1/5"]}


def main() -> None:
    sd = torch_rnn_state_dict(np.random.default_rng(SEED), 8, GAIN, input_size=2)
    save_file(sd, os.path.join(HERE, "rnn8_torch.safetensors"), metadata={"activation": "tanh"})
    sd = torch_rnn_state_dict(np.random.default_rng(CHAOS_SEED), 8, CHAOS_GAIN)
    save_file(sd, os.path.join(HERE, "rnn8_gain4.safetensors"), metadata={"activation": "tanh"})
    sd = torch_rnn_state_dict(np.random.default_rng(0), 8, 1.0)
    save_file(sd, os.path.join(HERE, "rnn8_gain1.safetensors"), metadata={"activation": "tanh"})
    sd = RNNLaw("tanh", 8, 8.0).sample(network_rng(0, 8, 1, 4))
    save_file(sd, os.path.join(HERE, "rnn8_gain8.safetensors"), metadata={"activation": "tanh"})
    with open(os.path.join(HERE, "rnn_feedback.json"), "w", encoding="utf-8") as fh:
        json.dump(FEEDBACK, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
