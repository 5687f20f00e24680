"""Maps as terms of the Coq library's `expr` (formal/Expr.v), and their exact evaluation.

A term is a nested tuple: ("var",), ("const", q), ("add", s, t), ("mul", s, t), ("max", s, t),
("min", s, t), ("tanh", s), ("sigmoid", s), ("exp", s), with q an fmpq. `from_program` translates
the kernel's compiled program of a canonical map (certify.checker.semantics) instruction by
instruction: this translation is what a Coq proof of an exported certificate still trusts.
`eval_exact` mirrors the library's `evalQ` (None where the term is transcendental).
"""

from __future__ import annotations

from flint import fmpq

from certify.errors import CertifyError

VAR = ("var",)
MAX_NODES = 1_000_000  # a term larger than this is not written (nested pieces duplicate shared slots)


class NoCoqExport(CertifyError):
    """The certificate (claim kind, map or evidence) has no Coq export yet; the message says why."""


def const(q) -> tuple:
    return ("const", fmpq(q))


def from_program(code) -> tuple:
    """The term of a compiled program (a tuple of instructions; the last slot is f(x))."""
    slots, sizes = [], []
    for ins in code:
        op = ins[0]
        if op == "x":
            t, n = VAR, 1
        elif op == "const":
            if not isinstance(ins[1], fmpq):
                raise NoCoqExport("the map has a ball-valued constant (a family evaluated on a range)")
            t, n = ("const", ins[1]), 1
        elif op in ("add", "mul"):
            t, n = slots[ins[1]], sizes[ins[1]]
            for k in ins[2:]:
                t, n = (op, t, slots[k]), n + sizes[k] + 1
        elif op in ("max", "min"):
            t, n = (op, slots[ins[1]], slots[ins[2]]), sizes[ins[1]] + sizes[ins[2]] + 1
        elif op == "abs":
            s, m = slots[ins[1]], sizes[ins[1]]
            t, n = ("max", s, ("mul", const(-1), s)), 2 * m + 3
        elif op in ("tanh", "exp"):
            t, n = (op, slots[ins[1]]), sizes[ins[1]] + 1
        elif op == "pow":
            t, n = _power(slots[ins[1]], sizes[ins[1]], ins[2])
        elif op == "param":
            raise NoCoqExport("the map is a family (it has a parameter): export a certificate of one map")
        else:
            raise NoCoqExport(f"the Coq library has no term for {op} yet (it has +, *, max, min, |.|, "
                              "tanh, sigmoid, exp and integer powers)")
        if n > MAX_NODES:
            raise NoCoqExport(f"the map's term would have more than {MAX_NODES} nodes")
        slots.append(t)
        sizes.append(n)
    return slots[-1]


def _power(t, n: int, e: int):
    if t[0] == "const":
        return ("const", t[1] ** e), 1
    if e == 0:
        return const(1), 1
    if e > 0:
        r = t
        for _ in range(e - 1):
            r = ("mul", r, t)
        return r, e * n + e - 1
    u = _sigmoid_argument(t) if e == -1 else None
    if u is None:
        raise NoCoqExport("the Coq library has no division by a non-constant term yet (only 1/(1 + exp(-u)), "
                          "the sigmoid)")
    return ("sigmoid", u), n - 4


def _sigmoid_argument(t):
    """u when t is 1 + exp(-u) (in either order, -u as (-1)*u): then 1/t = sigmoid(u)."""
    if t[0] != "add":
        return None
    for one, e in ((t[1], t[2]), (t[2], t[1])):
        if one == ("const", fmpq(1)) and e[0] == "exp" and e[1][0] == "mul":
            m = e[1]
            for c, u in ((m[1], m[2]), (m[2], m[1])):
                if c == ("const", fmpq(-1)):
                    return u
    return None


def is_exact(t) -> bool:
    """The term uses only constants, +, *, max and min: evalQ evaluates it over Q."""
    stack = [t]
    while stack:
        s = stack.pop()
        if s[0] in ("tanh", "sigmoid", "exp"):
            return False
        stack.extend(s[1:] if s[0] in ("add", "mul", "max", "min") else ())
    return True


def eval_exact(t, x: fmpq) -> fmpq:
    """The term's value at the rational x, exactly (the library's evalQ); the term must be exact."""
    op = t[0]
    if op == "var":
        return x
    if op == "const":
        return t[1]
    u, v = eval_exact(t[1], x), eval_exact(t[2], x)
    if op == "add":
        return u + v
    if op == "mul":
        return u * v
    if op == "max":
        return v if u <= v else u
    if op == "min":
        return u if u <= v else v
    raise NoCoqExport(f"{op} has no exact value")


def q_coq(q: fmpq) -> str:
    """A rational as a Coq Q literal."""
    return f"({int(q.p)} # {int(q.q)})"


def r_coq(q: fmpq) -> str:
    """A rational as a Coq real literal (a quotient of integer literals, which interval and lra read)."""
    return f"({int(q.p)})" if q.q == 1 else f"({int(q.p)} / {int(q.q)})"


_COQ = {"add": "EAdd", "mul": "EMul", "max": "EMax", "min": "EMin", "tanh": "ETanh",
        "sigmoid": "ESigmoid", "exp": "EExp"}


def to_coq(t) -> str:
    """The term as Coq source (an `expr`)."""
    op = t[0]
    if op == "var":
        return "EVar"
    if op == "const":
        return f"(EConst {q_coq(t[1])})"
    return "(" + " ".join([_COQ[op], *(to_coq(s) for s in t[1:])]) + ")"
