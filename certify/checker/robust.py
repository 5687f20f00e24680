"""Robustness of period 3 under weight perturbations of an rnn1d map (kernel).

Lower bound: a rational a and a radius delta such that every network whose parameters
(w, b, a, c) are each within delta of the given ones satisfies Li-Yorke's inequalities at a,
g^3(a) <= a < g(a) < g^2(a) or the mirror. The checker encloses g(a), g^2(a), g^3(a) over the whole
box by evaluating the network with every weight a ball of radius delta (monotone activations and
max/min from endpoints; each step's input ball cut into `pieces` equal parts to limit the
dependency effect) and requires the inequalities to hold certainly. Li and Yorke's theorem (g
continuous on R) then gives every such network points of every period.

Upper bound: an embedded certificate refuting period 3 for a network within delta of the given one,
re-checked in full by the kernel.
"""

from __future__ import annotations

from flint import arb, fmpq

from certify.certificates import q_parse, q_str
from certify.checker.semantics import Program, _Builder, _from_rnn1d, ball_of, eval_ball

MAX_PIECES = 4096
PARAMS = ("w", "b", "a")


def box_program(canon: dict, radius) -> Program:
    """The network with every parameter a ball of the given radius (for eval_ball only)."""
    b = _Builder()
    _from_rnn1d(canon, b, fmpq(radius))
    return Program(b.code)


def box_image(prog: Program, Y: arb, pieces: int) -> arb:
    """Enclosure of {g(y) : y in Y, g in the box}: the hull over `pieces` equal parts of Y."""
    if pieces == 1 or Y.rad() == 0:
        return eval_ball(prog, Y)
    lo, hi = Y.lower().fmpq(), Y.upper().fmpq()
    step = (hi - lo) / pieces
    out = None
    for k in range(pieces):
        v = eval_ball(prog, ball_of(lo + k * step, lo + (k + 1) * step))
        out = v if out is None else out.union(v)
    return out


def li_yorke_box(canon: dict, a, radius, pieces: int = 1):
    """'increasing' or 'decreasing' if every network within `radius` satisfies Li-Yorke at a, else None."""
    prog = box_program(canon, radius)
    A = arb(a)
    y1 = eval_ball(prog, A)
    y2 = box_image(prog, y1, pieces)
    y3 = box_image(prog, y2, pieces)
    if y3 <= A and A < y1 and y1 < y2:
        return "increasing"
    if y3 >= A and A > y1 and y1 > y2:
        return "decreasing"
    return None


def distance(canon: dict, other: dict) -> fmpq:
    """Max-norm distance between two rnn1d networks of the same architecture (Failure otherwise)."""
    from certify.checker import facts as F

    if other.get("kind") != "rnn1d" or any(other.get(k) != canon.get(k)
                                           for k in ("activation", "output_activation", "slope")):
        raise F.Failure("the neighbour is not a network of the same architecture")
    if any(len(other[k]) != len(canon[k]) for k in PARAMS):
        raise F.Failure("the neighbour has a different width")
    diffs = [abs(q_parse(u) - q_parse(v)) for k in PARAMS for u, v in zip(canon[k], other[k])]
    diffs.append(abs(q_parse(canon.get("c", "0")) - q_parse(other.get("c", "0"))))
    return max(diffs)


def fact_li_yorke_box(canon: dict, fact: dict) -> fmpq:
    """Every network within delta satisfies Li-Yorke's inequalities at a; returns delta."""
    from certify.checker import facts as F

    a, delta, pieces = q_parse(fact["a"]), q_parse(fact["delta"]), int(fact["pieces"])
    if delta < 0 or not 1 <= pieces <= MAX_PIECES:
        raise F.Failure("delta must be >= 0 and pieces in 1..4096")
    got = li_yorke_box(canon, a, delta, pieces)
    if got is None or got != fact["direction"]:
        raise F.Failure(f"Li-Yorke inequalities at a = {fact['a']} are not proved for every network "
                        f"within {fact['delta']}")
    return delta


def fact_refuted_neighbour(canon: dict, fact: dict) -> fmpq:
    """An embedded certificate refutes period 3 for a network within delta; returns delta."""
    from certify.checker import check
    from certify.checker import facts as F

    delta = q_parse(fact["delta"])
    sub = fact["certificate"]
    if sub.get("claim") != {"kind": "period", "p": 3, "domain": None} or sub.get("verdict") != "refuted":
        raise F.Failure("the embedded certificate must refute period 3 on the whole line")
    dist = distance(canon, sub["map"]["canonical"])
    if dist > delta:
        raise F.Failure(f"the neighbour is at distance {q_str(dist)} > {fact['delta']}")
    res = check(sub)
    if not res.ok:
        raise F.Failure(f"embedded refutation: {res.message}")
    return delta


def check_robustness(prog: Program, cert: dict) -> int:
    """Verify a robustness certificate: the facts, and that they give the stated radius bounds."""
    from certify.checker import facts as F

    canon = cert["map"]["canonical"]
    if canon.get("kind") != "rnn1d" or int(cert["claim"]["p"]) != 3:
        raise F.Failure("robustness certificates are about period 3 of rnn1d networks")
    lo_d = hi_d = None
    for i, fact in enumerate(cert["evidence"]):
        try:
            if fact["fact"] == "li_yorke_box":
                lo_d = fact_li_yorke_box(canon, fact)
            elif fact["fact"] == "refuted_neighbour":
                hi_d = fact_refuted_neighbour(canon, fact)
            else:
                raise F.Failure(f"unknown fact kind {fact['fact']!r}")
        except F.Failure as e:
            raise F.Failure(f"fact {i} ({fact.get('fact')}): {e}") from None
    if cert["verdict"] == "undecided":
        return len(cert["evidence"])
    r = cert["radius"]
    hi = None if r["hi"] is None else q_parse(r["hi"])
    if hi != hi_d or (hi is None) != (r["hi_status"] == "unknown"):
        raise F.Failure("the stated upper bound differs from the refuted neighbour's distance")
    if cert["verdict"] == "refuted":  # the network itself has no period 3
        if hi != 0 or q_parse(r["lo"]) != 0:
            raise F.Failure("a refuted robustness claim needs the network itself refuted (radius [0, 0])")
        return len(cert["evidence"])
    if lo_d is None or lo_d <= 0 or q_parse(r["lo"]) != lo_d or r["lo_status"] != "proved":
        raise F.Failure("a proved radius needs a li_yorke_box fact with delta = radius lo > 0")
    return len(cert["evidence"])
