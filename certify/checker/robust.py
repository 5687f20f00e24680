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
from certify.checker.limits import MAX_PIECES
from certify.checker.semantics import Program, _Builder, _from_rnn1d, ball_of, eval_ball
from certify.checker.statement import Failure, Statement, facts_list, num, undecided, whole

PARAMS = ("w", "b", "a")
NORM = "max over every w_i, b_i, a_i and c"


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
    if not isinstance(other, dict) or other.get("kind") != "rnn1d" or any(
            other.get(k) != canon.get(k) for k in ("activation", "output_activation", "slope")):
        raise Failure("the neighbour is not a network of the same architecture")
    if any(not isinstance(other.get(k), list) or len(other[k]) != len(canon[k]) for k in PARAMS):
        raise Failure("the neighbour has a different width")
    diffs = [abs(q_parse(u) - q_parse(v)) for k in PARAMS for u, v in zip(canon[k], other[k])]
    diffs.append(abs(q_parse(canon.get("c", "0")) - q_parse(other.get("c", "0"))))
    return max(diffs)


def fact_li_yorke_box(canon: dict, fact: dict) -> fmpq:
    """Every network within delta satisfies Li-Yorke's inequalities at a; returns delta."""
    if set(fact) != {"fact", "a", "delta", "pieces", "direction"}:
        raise Failure("a li_yorke_box fact has the keys a, delta, pieces, direction")
    a, delta = q_parse(fact["a"]), q_parse(fact["delta"])
    pieces = whole(fact["pieces"], "pieces", 1, MAX_PIECES)
    if pieces * len(canon["w"]) > MAX_PIECES * 256:
        raise Failure(f"pieces x width must be at most {MAX_PIECES * 256}")
    if delta < 0 or fact["direction"] not in ("increasing", "decreasing"):
        raise Failure("delta must be >= 0 and the direction increasing or decreasing")
    got = li_yorke_box(canon, a, delta, pieces)
    if got is None or got != fact["direction"]:
        raise Failure(f"Li-Yorke inequalities at a = {fact['a']} are not proved for every network "
                      f"within {fact['delta']}")
    return delta


def fact_refuted_neighbour(canon: dict, fact: dict) -> fmpq:
    """An embedded certificate refutes period 3 for a network within delta; returns delta."""
    from certify.checker import check

    if set(fact) != {"fact", "delta", "certificate"}:
        raise Failure("a refuted_neighbour fact has the keys delta, certificate")
    delta = q_parse(fact["delta"])
    sub = fact["certificate"]
    if not isinstance(sub, dict) or sub.get("claim") != {"kind": "period", "p": 3, "domain": None} \
            or sub.get("verdict") != "refuted":
        raise Failure("the embedded certificate must refute period 3 on the whole line")
    dist = distance(canon, sub["map"]["canonical"])
    if dist > delta:
        raise Failure(f"the neighbour is at distance {q_str(dist)} > {fact['delta']}")
    res = check(sub)
    if not res.ok:
        raise Failure(f"embedded refutation: {res.message}")
    return delta


def radius_of(lo, hi) -> dict:
    """The `radius` entry a lower bound lo (None: refuted) and an upper bound hi (None: unknown) give."""
    if lo is None:
        return {"lo": "0", "hi": "0", "lo_status": "proved", "hi_status": "proved"}
    return {"lo": q_str(lo), "hi": None if hi is None else q_str(hi), "lo_status": "proved",
            "hi_status": "unknown" if hi is None else "proved"}


def _architecture(canon: dict) -> str:
    out = canon.get("output_activation")
    return (f"activation {canon['activation']}" + (f", output activation {out}" if out else "") +
            f", width {len(canon['w'])}")


def robustness(prog: Program, cert: dict) -> Statement:
    """Bounds [lo, hi] on the max-norm radius of period 3 around an rnn1d network g0: every network of
    its architecture whose parameters w_i, b_i, a_i, c are each within lo of g0's has points of every
    period, and a network within hi has no point of period 3.

    Theorems: Li-Yorke (g continuous on R with g^3(a) <= a < g(a) < g^2(a) or the mirror has points
    of every period and an uncountable scrambled set), applied to every g of the box at once: ball
    enclosures Y1, Y2, Y3 of g(a), g(Y1), g(Y2) over all g in the box (weights as balls; every
    activation is continuous and monotone, so interval images come from endpoints) with
    Y3 <= a < Y1 < Y2 certainly give the inequalities for each g. The upper bound is an embedded
    refutation of period 3 on R (re-checked in full) for a network of the same architecture at
    max-norm distance <= hi (computed exactly). Checked: the map is an rnn1d network (continuous
    on R: every activation is); claim p = 3 and the norm; radius equal to the kernel's; refuted
    means the network itself (distance 0) has no period 3; undecided carries nothing.
    """
    canon = cert["map"]["canonical"]
    claim = cert["claim"]
    if canon.get("kind") != "rnn1d" or claim["p"] != 3 or claim["norm"] != NORM:
        raise Failure(f"robustness certificates are about period 3 of rnn1d networks (p: 3, norm: {NORM!r})")
    experiment_ok(cert)
    if cert["verdict"] == "undecided":
        return undecided(cert, ("radius",), "the robustness radius of period 3 of this network")
    evidence = facts_list(cert)
    boxes = [i for i, f in enumerate(evidence) if f["fact"] == "li_yorke_box"]
    refs = [i for i, f in enumerate(evidence) if f["fact"] == "refuted_neighbour"]
    if len(boxes) + len(refs) != len(evidence) or len(boxes) > 1 or len(refs) > 1:
        raise Failure("a robustness certificate holds at most one li_yorke_box and one refuted_neighbour fact")
    lo = hi = None
    for i, fact in enumerate(evidence):
        try:
            if fact["fact"] == "li_yorke_box":
                lo = fact_li_yorke_box(canon, fact)
            else:
                hi = fact_refuted_neighbour(canon, fact)
        except Failure as e:
            raise Failure(f"fact {i} ({fact['fact']}): {e}") from None
    if cert["verdict"] == "refuted":
        if hi != 0 or lo is not None:
            raise Failure("a refuted robustness claim is one refuted_neighbour fact at delta 0 (the network itself)")
        if cert.get("radius") != radius_of(None, None):
            raise Failure("the radius of a network without period 3 is [0, 0]")
        return Statement("the network itself has no point of period 3 (embedded refutation, re-checked), so no "
                         "radius of period 3 exists around it (radius [0, 0])", len(evidence))
    if lo is None or lo <= 0:
        raise Failure("a proved radius needs a li_yorke_box fact with delta > 0")
    if cert.get("radius") != radius_of(lo, hi):
        raise Failure("the radius entry is not the one the facts prove (lo = the box's delta, hi = the "
                      "neighbour's delta or null, statuses)")
    lines = [f"every rnn1d network g of this architecture ({_architecture(canon)}) whose parameters w_i, b_i, "
             f"a_i and c are each within {num(lo)} of these satisfies g^3(a) <= a < g(a) < g^2(a) (or the mirror) "
             "at one rational a (the fact's), hence (Li-Yorke) has points of every period and an uncountable "
             "scrambled set"]
    if hi is not None:
        if hi <= lo:
            raise Failure("the refuted neighbour lies inside the proved box: the facts contradict each other")
        lines.append(f"a network of this architecture within {num(hi, up=True)} (max norm) has no point of "
                     "period 3 (embedded refutation, re-checked)")
        lines.append(f"so the max-norm radius of period 3 around this network lies in [{num(lo)}, {num(hi, up=True)}]")
    else:
        lines.append(f"so the max-norm radius of period 3 around this network is at least {num(lo)} "
                     "(no upper bound is claimed)")
    return Statement("\n".join(lines), len(evidence))


def experiment_ok(cert: dict) -> None:
    """The persistence experiment (informational) says it is one."""
    exp = cert.get("experiment")
    if exp is not None and not (isinstance(exp, dict) and str(exp.get("status", "")).startswith("experiment")):
        raise Failure("experiment is informational and must say status: experiment ...")
