"""Published grid-based chaos detectors, reproduced as coded (floats; they prove nothing).

grid163 (the Chaos_RNNs notebooks, FIELD.md section 2): F0 = f(x) on 163 equally spaced points of
[-2, 2] ([-1, 1] for grid163-unit, the depth notebooks' window); F3 = f(f(f(F0))) -- as coded
this is f^4(x). For y = F0 and y = F3 the notebooks count the neighbours (i-1, i), i = 1..161,
where (x - y) changes sign strictly (product < 0; the last pair (161, 162) is not looked at), plus
the interior points i = 1..161 where x - y is exactly 0 with strictly opposite signs on both sides;
"chaotic" when the count for F3 exceeds the count for F0.
"""

from __future__ import annotations

import numpy as np

from certify.errors import CertifyError

PROTOCOLS = ("grid163", "grid163-unit")


def _float_net(weights: dict):
    w, b, a = (np.asarray(weights[k], dtype=float) for k in ("w", "b", "a"))
    c = float(weights["c"])
    act = {"relu": lambda u: np.maximum(u, 0.0), "tanh": np.tanh, "identity": lambda u: u,
           "hardtanh": lambda u: np.clip(u, -1.0, 1.0), "sigmoid": lambda u: 1 / (1 + np.exp(-u)),
           "leaky_relu": lambda u: np.where(u > 0, u, 0.01 * u)}[weights["activation"]]
    out = weights.get("output_activation")
    g = {"relu": lambda u: np.maximum(u, 0.0), "tanh": np.tanh, None: lambda u: u}.get(out, np.tanh)

    def f(x):
        return g(act(np.multiply.outer(x, w) + b) @ a + c)

    return f


def detect(protocol: str, weights: dict) -> bool:
    """The protocol's verdict for one network ('chaotic' or not)."""
    if protocol not in PROTOCOLS:
        raise CertifyError(f"unknown --protocol {protocol!r}; choose one of {', '.join(PROTOCOLS)}")
    lo, hi = (-2.0, 2.0) if protocol == "grid163" else (-1.0, 1.0)
    x = np.linspace(lo, hi, 163)
    f = _float_net(weights)
    with np.errstate(all="ignore"):
        F0 = f(x)
        F3 = f(f(f(F0)))
        return _crossings(x, F3) > _crossings(x, F0)


def _crossings(x, y) -> int:
    """The notebooks' count of sign changes of x - y (see the module docstring)."""
    d = x - y
    strict = np.count_nonzero(d[:-2] * d[1:-1] < 0)
    through_zero = np.count_nonzero((d[1:-1] == 0) & (d[:-2] * d[2:] < 0))
    return int(strict + through_zero)
