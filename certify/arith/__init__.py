"""Certifier-side arithmetic: precision policy, three-valued comparisons, float evaluation.

Ball semantics live in the kernel (certify.checker.semantics); this layer decides *which*
precision to try next and reads ball comparisons as true / false / unknown. Float evaluation
(numpy) is for finders only: it proposes, it never proves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np
from flint import arb, fmpq

from certify.checker.semantics import Program, root_of, workprec

__all__ = ["Budget", "OverBudget", "over_budget", "tri_lt", "tri_le", "workprec", "to_fmpq", "float_map", "dyadic"]


@dataclass(frozen=True)
class Budget:
    """How much work to do before saying undecided.

    Every limit counts work (cells, precision bits, lap depth, searches), never seconds, so the same
    call gives the same verdict and a byte-identical certificate on any machine under any load. A
    limit that runs out makes the verdict undecided with a reason naming it and its count
    ("budget: more than 400,000 cells"). Wall-clock time is only an outer guard, outside the
    Budget (certify.limits; `--timeout`, `timeout=`).
    """

    start_prec: int = 64        # first precision of ball arithmetic, in bits
    max_prec: int = 1024        # last precision of the escalation 64, 128, ..., in bits
    max_cells: int = 400_000    # cells of one cover: a ball cover over all its precisions, a parameter
    #                             cover over all its pieces, a phase diagram's refinement
    max_pl_cells: int = 100_000  # cells of an exact piecewise-linear enumeration (f^p for period and orbits,
    #                             finished and live; f^n for lap counts): their exact rationals grow with the
    #                             iterate (about 4 KB a cell at depth 20), so this also bounds the memory
    lap_depth: int = 60         # entropy of piecewise-linear maps: the largest n whose laps of f^n are used
    searches: int = 500         # robustness: neighbours the upper-bound search tries to refute
    progress: Optional[Callable[[str], None]] = None  # called with short status lines on long work
    self_check: bool = True  # re-run the kernel checker on every proved/refuted certificate

    def report(self, text: str) -> None:
        if self.progress is not None:
            self.progress(text)

    def precisions(self):
        """64, 128, 256, ... up to max_prec."""
        p = self.start_prec
        while p <= self.max_prec:
            yield p
            p *= 2


class OverBudget(Exception):
    """A work budget ran out; the message names it and its count, e.g. "budget: more than 400,000 cells"."""

    def __init__(self, count: int, what: str = "cells"):
        super().__init__(over_budget(count, what))
        self.count, self.what = count, what


def over_budget(count: int, what: str = "cells") -> str:
    """The reason text of an exhausted work budget: "budget: more than 400,000 cells"."""
    return f"budget: more than {count:,} {what}"


def tri_lt(a: arb, b: arb):
    """a < b: True if certainly, False if certainly not (a >= b), None if the balls overlap."""
    if a < b:
        return True
    if a >= b:
        return False
    return None


def tri_le(a: arb, b: arb):
    if a <= b:
        return True
    if a > b:
        return False
    return None


def to_fmpq(x: float) -> fmpq:
    """The exact binary rational a double denotes."""
    n, d = float(x).as_integer_ratio()
    return fmpq(n, d)


def dyadic(q: fmpq, bits: int, up: bool) -> fmpq:
    """q rounded down (or up) to a multiple of 2^-bits: short exact endpoints for certificates."""
    scale = 1 << bits
    n = (q * scale).floor()
    if up and fmpq(n, scale) < q:
        n += 1
    return fmpq(n, scale)


_NP = {
    "tanh": np.tanh, "exp": np.exp, "log": np.log, "atan": np.arctan, "sqrt": np.sqrt,
    "sin": np.sin, "cos": np.cos, "abs": np.abs,
}
_DNP = {  # derivative of the unary op, given its argument u and value v
    "tanh": lambda u, v: 1 - v * v, "exp": lambda u, v: v, "log": lambda u, v: 1 / u,
    "atan": lambda u, v: 1 / (1 + u * u), "sqrt": lambda u, v: 0.5 / v,
    "sin": lambda u, v: np.cos(u), "cos": lambda u, v: -np.sin(u), "abs": lambda u, v: np.sign(u),
}


def _const(q: fmpq) -> float:
    return float(arb(q).mid()) if abs(q.p) > 2 ** 1000 or q.q > 2 ** 1000 else int(q.p) / int(q.q)


_ACT = {  # activation and its derivative, in floats
    "identity": (lambda u, s: u, lambda u, s: np.ones_like(u)),
    "relu": (lambda u, s: np.maximum(u, 0), lambda u, s: (u > 0).astype(float)),
    "leaky_relu": (lambda u, s: np.where(u > 0, u, s * u), lambda u, s: np.where(u > 0, 1.0, s)),
    "hardtanh": (lambda u, s: np.clip(u, -1, 1), lambda u, s: (np.abs(u) < 1).astype(float)),
    "tanh": (lambda u, s: np.tanh(u), lambda u, s: 1 - np.tanh(u) ** 2),
    "sigmoid": (lambda u, s: 0.5 * (1 + np.tanh(u / 2)), lambda u, s: 0.25 / np.cosh(u / 2) ** 2),
}


def _rnn1d_float(canon: dict, deriv: bool):
    """f(x) = a . act(w x + b) + c as one matrix product per call (rnn1d maps)."""
    w, b, a = (np.array([_const(fmpq(*_pq(v))) for v in canon[k]]) for k in ("w", "b", "a"))
    c = _const(fmpq(*_pq(canon["c"])))
    slope = _const(fmpq(*_pq(canon.get("slope", "1/100"))))
    act, dact = _ACT[canon["activation"]]
    out = canon.get("output_activation")

    def f(xs):
        xs = np.asarray(xs, dtype=float)
        with np.errstate(all="ignore"):
            u = np.multiply.outer(xs, w) + b
            y = act(u, slope) @ a + c
            dy = (dact(u, slope) * w) @ a if deriv else None
            if out:
                if deriv:
                    dy = dy * _ACT[out][1](y, slope)
                y = _ACT[out][0](y, slope)
        return (y, dy) if deriv else y

    return f


def _pq(v):
    num, _, den = str(v).partition("/")
    return int(num), int(den or 1)


def float_map(prog: Program, deriv: bool = False, param=None):
    """A numpy-vectorised float version of the map, or of (f, f') when deriv (untrusted; for finders).
    A family's parameter takes the float value `param`, or an array of values broadcasting with x."""
    if prog.canonical is not None and prog.canonical.get("kind") == "rnn1d":
        return _rnn1d_float(prog.canonical, deriv)
    code = prog.code
    consts = {k: _const(ins[1]) for k, ins in enumerate(code) if ins[0] == "const"}

    def f(xs):
        xs = np.asarray(xs, dtype=float)
        s, ds = [], []
        zero = np.zeros_like(xs)
        with np.errstate(all="ignore"):
            for k, ins in enumerate(code):
                op, d = ins[0], zero
                if op == "x":
                    r, d = xs, np.ones_like(xs)
                elif op == "const":
                    r = consts[k]
                elif op == "pi":
                    r = np.pi
                elif op == "root":
                    r = float(root_of(ins).ball(64).mid())
                elif op == "param":
                    r = np.asarray(param, dtype=float)
                elif op == "add":
                    r, d = s[ins[1]], ds[ins[1]]
                    for j in ins[2:]:
                        r, d = r + s[j], d + ds[j]
                elif op == "mul":
                    r, d = s[ins[1]], ds[ins[1]]
                    for j in ins[2:]:
                        r, d = r * s[j], (d * s[j] + r * ds[j]) if deriv else d
                elif op == "pow":
                    u, n = s[ins[1]], float(ins[2])
                    r = np.power(u, n)
                    if deriv:
                        d = n * np.power(u, n - 1) * ds[ins[1]]
                elif op in ("max", "min"):
                    u, v = s[ins[1]], s[ins[2]]
                    first = (u >= v) if op == "max" else (u <= v)
                    r = np.where(first, u, v)
                    if deriv:
                        d = np.where(first, ds[ins[1]], ds[ins[2]])
                else:
                    u = s[ins[1]]
                    r = _NP[op](u)
                    if deriv:
                        d = _DNP[op](u, r) * ds[ins[1]]
                s.append(r)
                ds.append(d)
        out = np.broadcast_to(s[-1], xs.shape).astype(float)
        if deriv:
            return out, np.broadcast_to(ds[-1], xs.shape).astype(float)
        return out

    return f
