"""Continuity of a compiled map on the real line or on an interval (part of the trusted kernel).

Li-Yorke, Sharkovsky and the entropy theorems need f continuous on an interval. Every instruction
of a program is continuous wherever it is defined: constants, x, +, *, integer powers n >= 0, max,
min, abs, tanh, exp, atan, sin and cos on all of R; the three exceptions carry an obligation on
their argument u:
  u^n with n < 0   u != 0 (a pole otherwise),
  log(u)           u > 0,
  sqrt(u)          u >= 0.
`discontinuity` proves each obligation on the domain (R, or an interval; a family's parameter
ranging over a ball), exactly for polynomial arguments (a certified count of real roots, certify.checker.polynomials) and otherwise
by outward-rounded enclosures: the image of the whole line (extended-real interval arithmetic) or
ball images of a bisection of the interval with a fixed budget of pieces. A composition of maps
continuous where defined, with every argument in the domain of its operation, is continuous.
"""

from __future__ import annotations

from flint import arb, fmpq, fmpq_poly

from certify.checker.polynomials import count_real_roots
from certify.checker.semantics import NotExact, Program, ball_of, eval_ball, eval_exact, eval_range

MAX_PIECES = 4096  # ball evaluations per obligation on an interval (a work budget, not a time)

_NEEDS = {"nonzero": "non-zero", "positive": "positive", "nonnegative": "non-negative"}


def _obligation(ins):
    """(argument slot, condition) of an instruction that is not continuous everywhere, else None."""
    op = ins[0]
    if op == "pow" and ins[2] < 0:
        return ins[1], "nonzero"
    if op == "log":
        return ins[1], "positive"
    if op == "sqrt":
        return ins[1], "nonnegative"
    return None


def _certain(lo: arb, hi: arb, need: str) -> bool:
    """The condition holds on every value in [lo, hi] (exact arbs, possibly infinite)."""
    if need == "nonzero":
        return bool(lo > 0 or hi < 0)
    if need == "positive":
        return bool(lo > 0)
    return bool(lo >= 0)


def _polynomial(prefix: Program):
    """The prefix as an exact polynomial in x (an fmpq_poly or a constant fmpq), or None."""
    if not prefix.is_polynomial() or prefix.has_param():
        return None
    try:
        return eval_exact(prefix, fmpq_poly([0, 1]))
    except NotExact:
        return None


def _holds_exact(u, need: str, domain) -> bool | None:
    if not isinstance(u, fmpq_poly):
        u = fmpq(u)
        return u != 0 if need == "nonzero" else u > 0 if need == "positive" else u >= 0
    lo, hi = domain if domain is not None else (None, None)
    if count_real_roots(u, lo, hi) == 0:
        probe = lo if lo is not None else fmpq(0)
        return True if need == "nonzero" else u(probe) > 0
    return False if need != "nonnegative" else None


def _holds_balls(prefix: Program, need: str, domain) -> bool:
    if domain is None:
        rng = eval_range(prefix, bounded=False)
        return rng is not None and _certain(*rng, need)
    stack, spent = [domain], 0
    while stack:
        lo, hi = stack.pop()
        spent += 1
        if spent > MAX_PIECES:
            return False
        v = eval_ball(prefix, ball_of(lo, hi))
        if v.is_finite() and _certain(v.lower(), v.upper(), need):
            continue
        if lo == hi:
            return False
        mid = (lo + hi) / 2
        stack += [(mid, hi), (lo, mid)]
    return True


def discontinuity(prog: Program, domain=None) -> str | None:
    """None when f is proved continuous on `domain` ((lo, hi) exact, or None for all of R), else
    the first obligation that could not be proved, in words. A family must be given with its
    parameter as a ball (Program.at_ball): continuity is then proved for every parameter value."""
    code = prog.code
    for ins in code:
        ob = _obligation(ins)
        if ob is None:
            continue
        arg, need = ob
        prefix = Program(code[:arg + 1])
        u = _polynomial(prefix)
        ok = _holds_exact(u, need, domain) if u is not None else None
        if ok is None:
            ok = _holds_balls(prefix, need, domain)
        if not ok:
            what = "the argument of " + ins[0] if ins[0] != "pow" else f"the base of a power {ins[2]}"
            where = "on R" if domain is None else f"on [{domain[0]}, {domain[1]}]"
            return f"{what} is not proved {_NEEDS[need]} {where}, so f is not proved continuous there"
    return None
