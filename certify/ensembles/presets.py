"""Named audit configurations: the five width-2 configurations of the Chaos_RNNs notebooks.

The notebooks (github.com/steliostavroulakis/Chaos_RNNs) report "chaos percentages" for five
initialisations of a width-2 ReLU RNN map (FIELD.md section 2), each from 10,000 networks drawn
with numpy's global generator, unseeded (so their draws cannot be replayed), and the grid163
detector (protocols.py). What each configuration is, read from the notebooks' code:

- The notebook that prints a percentage (RNNs_and_Chaos_Period_3_Probability_RNNs.ipynb, the one
  that carries the table) computes f(x) = sum_i a_i relu(w_i x + b_i): its output layer draws a
  bias but does not add it, and its second ReLU is computed but not returned. Window [-2, 2].
  Its code is the Glorot row, coded as every parameter ~ (2/(k+1)) N(0, 1).
- The depth notebooks (Depth_2_..., NEW_DEPTH_2_...) code the other laws by name, per layer
  with fan_in n_in and fan_out n_out: 'he' = sqrt(2/n_in) N(0,1) (weights and biases), '1' =
  weights 1 (bias '1' = 0), 'uniform' = U(0, 1) (np.random.uniform), 'normal_k' = (1/n_out)
  N(0,1), 'glorot' = sqrt(2/(n_in+n_out)) N(0,1). Their forward pass adds the output bias and
  applies the output activation; window [-1, 1]. They list the same table as the "original
  table" (with the 4.51 % and 7.49 % rows swapped and 4.45 % for 4.4 %).
- TR(-1,1) (the fourth row's biases) is not in any notebook's code: it is read here as N(0, 1)
  truncated to [-1, 1] -- a documented guess.

So each configuration has two presets: `notebook-NAME` with the printing notebook's forward pass
and window, and `notebook-NAME-depth2` with the depth notebooks' forward pass and window.
"""

from __future__ import annotations

from certify.errors import CertifyError

__all__ = ["PRESETS", "preset"]

_ROWS = {  # name: (table row, reported %, layer laws)
    "ones-he": ("w=1, b=He, ReLU | w=He, b=He, identity", 13.77,
                dict(init="he", bias="scheme", first_layer="ones")),
    "he": ("w=He, b=He, ReLU | w=He, b=He, ReLU", 4.51, dict(init="he", bias="scheme")),
    "he-uniform": ("w=He, b=U, ReLU | w=He, b=U, ReLU", 7.49, dict(init="he", bias="uniform:0:1")),
    "normal-k-truncnormal": ("w=N(0,1/k), b=TR(-1,1), ReLU | w=N(0,1/k), b=TR(-1,1), ReLU", 4.4,
                             dict(init="notebook-normal-k", bias="truncnormal:1:1")),
    "glorot": ("w=Glorot, b=Glorot, ReLU | w=Glorot, b=Glorot, ReLU", 2.28, None),
}

PRESETS: dict = {}
for _name, (_row, _reported, _laws) in _ROWS.items():
    _common = dict(activation="relu", widths=[2], samples=10000, table_row=_row, reported_percent=_reported)
    if _laws is None:  # the printing notebook's own code (verbatim); in the depth notebooks, 'glorot'
        PRESETS["notebook-glorot"] = dict(_common, init="notebook-glorot", bias="pytorch", output_bias=True,
                                          output_activation=None, protocol="grid163", source="verbatim")
        PRESETS["notebook-glorot-depth2"] = dict(_common, init="xavier", bias="scheme", output_bias=True,
                                                 output_activation="relu", protocol="grid163-unit",
                                                 source="depth notebooks' code")
        continue
    guess = " (TR(-1,1) guessed as N(0,1) truncated to [-1,1])" if "truncnormal" in _laws["bias"] else ""
    PRESETS[f"notebook-{_name}"] = dict(_common, **_laws, output_bias=False, output_activation=None,
                                        protocol="grid163",
                                        source="laws from the depth notebooks' code, forward pass and window of "
                                               "the printing notebook" + guess)
    PRESETS[f"notebook-{_name}-depth2"] = dict(_common, **_laws, output_bias=True,
                                               output_activation=None if _name == "ones-he" else "relu",
                                               protocol="grid163-unit", source="depth notebooks' code" + guess)

AUDIT_KEYS = ("activation", "init", "bias", "first_layer", "output_activation", "output_bias", "widths",
              "samples", "protocol")


def preset(name: str) -> dict:
    """The preset's settings (audit options, reported percentage, table row, provenance)."""
    if name not in PRESETS:
        raise CertifyError(f"unknown --preset {name!r}; choose one of {', '.join(PRESETS)}")
    return PRESETS[name]
