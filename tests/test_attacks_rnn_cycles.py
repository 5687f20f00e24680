"""Adversarial review of checker/rnn_orbits.py (claim rnn_cycles: the complete list of cycles of an RNN map
h -> act(W h + b) by the subdivision of the cyclic system in nd_orbits.cycle_search, or the found list of
cycle_krawczyk_nd facts): tampered fields, regions and bases, found lists with rotations, lower periods and
overlapping boxes, continua of fixed points, ties, and the work done before any charge (the exact inverse of W,
the image box, the precision of the found list, the stability of each found cycle). Counts are compared with
oracles independent of the kernel: an exact Fraction enumeration of activation patterns for relu and hardtanh,
mpmath Newton at 50 digits for tanh. Hangs and crashes run in a child process with time and memory limits."""

from __future__ import annotations

import copy
import itertools
import random
from fractions import Fraction as F

import mpmath
import pytest
from flint import fmpq

from certify.certificates import q_str
from certify.checker import check
from certify.checker import nd_orbits as ND
from certify.checker.rnn import RNN
from certify.checker.rnn_orbits import search_rnn_cycles
from certify.checker.semantics import workprec
from certify.checker.statement import Failure
from certify.maps.rnn import rnn
from certify.periodic.rnn import STARTS
from certify.periodic.rnn_orbits import _found, certify_rnn_cycles
from tests.test_attacks_merged import _check_in_subprocess

T2_W, T2_B = [[-2, F(1, 2)], [F(3, 10), -2]], [F(1, 10), F(-1, 20)]  # tanh: 1 fixed point, 4 orbits of period 2


def _canon(act: str, W, b) -> dict:
    return {"kind": "rnn", "activation": act, "W": [[q_str(fmpq(F(w).numerator, F(w).denominator)) for w in r]
                                                     for r in W],
            "b": [q_str(fmpq(F(v).numerator, F(v).denominator)) for v in b]}


def _claim_cert(canon: dict, claim: dict, precision: int = 64, **fields) -> dict:
    """A complete-form certificate with the given claim and (by default) an empty list."""
    cls = "smooth" if canon["activation"] in ("tanh", "sigmoid") else "piecewise-linear"
    cert = {"schema": "certify/1", "map": {"canonical": canon, "class": cls},
            "claim": {"kind": "rnn_cycles", **claim}, "verdict": "proved", "precision": precision,
            "evidence": [{"fact": "cycle_subdivision", "nodes": 1, "tests": 1}], "orbits": [], "count": 0,
            "complete": True}
    cert.update(fields)
    return cert


def _kernel_cert(act: str, W, b, claim: dict) -> dict:
    """The complete certificate the kernel's own search gives for the claim (as certify.periodic.rnn_orbits)."""
    canon = _canon(act, W, b)
    m = RNN(act, [[fmpq(F(w).numerator, F(w).denominator) for w in r] for r in W],
            [fmpq(F(v).numerator, F(v).denominator) for v in b])
    with workprec(64):
        found = search_rnn_cycles(m, {"kind": "rnn_cycles", **claim})
        entries = ND.cycle_entries(found)
    return _claim_cert(canon, claim, orbits=entries, count=len(entries),
                       evidence=[{"fact": "cycle_subdivision", "nodes": found["nodes"], "tests": found["tests"]}])


@pytest.fixture(scope="module")
def t2_period2() -> dict:
    cert = certify_rnn_cycles(rnn(T2_W, T2_B, "tanh"), 2)
    assert cert["claim"]["basis"] == "image" and cert["count"] == 4
    return cert


@pytest.fixture(scope="module")
def t2_found2() -> dict:
    cert = _found(rnn(T2_W, T2_B, "tanh"), 2, __import__("certify.arith", fromlist=["Budget"]).Budget(), STARTS, "t")
    assert cert["count"] == 4
    return cert


# ----------------------------------------------------------------------------- oracles independent of the kernel

def _mp_cycle(W, b, Z0, p: int):
    """Newton on the cyclic system of h -> tanh(W h + b) at 50 digits from Z0 (p points of R^n)."""
    n = len(b)
    with mpmath.workdps(50):
        Wm, bm = mpmath.matrix([[mpmath.mpf(F(w).numerator) / F(w).denominator for w in r] for r in W]), \
            mpmath.matrix([mpmath.mpf(F(v).numerator) / F(v).denominator for v in b])
        Z = mpmath.matrix([Z0[t][i] for t in range(p) for i in range(n)])

        def F_(Z):
            out = []
            for t in range(p):
                prev = mpmath.matrix([Z[((t - 1) % p) * n + i] for i in range(n)])
                u = Wm * prev + bm
                out += [mpmath.tanh(u[i]) - Z[t * n + i] for i in range(n)]
            return out
        Z = mpmath.findroot(lambda *z: F_(mpmath.matrix(z)), list(Z))
        return [[Z[t * n + i] for i in range(n)] for t in range(p)]


def _pl_orbits(act: str, W, b, p: int) -> tuple:
    """(orbits of minimal period p as frozensets of exact points, some pattern singular) of h -> act(W h + b),
    act relu or hardtanh: every cycle solves the affine system of its activation pattern (per coordinate and
    time: saturated low, linear, saturated high), solved exactly and kept when it is a cycle."""
    n = len(b)
    W = [[F(w) for w in r] for r in W]
    b = [F(v) for v in b]

    def act_(u):
        return max(u, F(0)) if act == "relu" else min(max(u, F(-1)), F(1))

    def step(z):
        return [act_(sum((w * x for w, x in zip(r, z)), F(0)) + c) for r, c in zip(W, b)]
    states = (-1, 0, 1) if act == "hardtanh" else (0, 1)
    N = n * p
    seqs, singular = set(), False
    for pat in itertools.product(states, repeat=N):
        M = [[F(0)] * (N + 1) for _ in range(N)]
        for t in range(p):
            for i in range(n):
                s, row = pat[t * n + i], ((t + 1) % p) * n + i
                M[row][row] += 1
                if (s == 0) if act == "hardtanh" else (s == 1):
                    for j in range(n):
                        M[row][t * n + j] -= W[i][j]
                    M[row][N] = b[i]
                else:
                    M[row][N] = F(s) if act == "hardtanh" else F(0)
        for c in range(N):  # Gauss-Jordan
            piv = next((r for r in range(c, N) if M[r][c] != 0), None)
            if piv is None:
                singular = True
                break
            M[c], M[piv] = M[piv], M[c]
            for r in range(N):
                if r != c and M[r][c] != 0:
                    f = M[r][c] / M[c][c]
                    M[r] = [x - f * y for x, y in zip(M[r], M[c])]
        else:
            z = [M[r][N] / M[r][r] for r in range(N)]
            Z = tuple(tuple(z[t * n:(t + 1) * n]) for t in range(p))
            if all(list(Z[(t + 1) % p]) == step(Z[t]) for t in range(p)):
                seqs.add(Z)
    orbits = {frozenset(Z) for Z in seqs
              if next(d for d in range(1, p + 1) if p % d == 0 and all(Z[t] == Z[(t + d) % p] for t in range(p))) == p}
    return orbits, singular


# ----------------------------------------------------------------------------- accepted statements are true

@pytest.mark.slow
def test_tanh_period_two_count_is_true_by_mpmath(t2_period2):
    """h -> tanh(W h + b), W = [[-2, 1/2], [3/10, -2]], b = (1/10, -1/20) has exactly 4 orbits of minimal period 2:
    each listed enclosure holds a 2-cycle (Newton at 50 digits), and 200 random starts find no fifth."""
    assert check(t2_period2).ok
    with mpmath.workdps(50):
        _t2_orbits_are_true(t2_period2)


def _q(v: F):
    return mpmath.mpf(v.numerator) / v.denominator


def _t2_orbits_are_true(cert: dict) -> None:
    n, seen = 2, []
    for o in cert["orbits"]:
        ivs = [(F(iv["lo"]), F(iv["hi"])) for iv in o["box"]]
        Z = _mp_cycle(T2_W, T2_B, [[_q((ivs[t * n + i][0] + ivs[t * n + i][1]) / 2) for i in range(n)]
                                   for t in range(2)], 2)
        assert all(_q(ivs[k][0]) <= Z[k // n][k % n] <= _q(ivs[k][1]) for k in range(2 * n))
        assert abs(Z[0][0] - Z[1][0]) > mpmath.mpf("1e-5")  # minimal period 2
        seen.append(Z)
    rng = random.Random(0)
    for _ in range(200):
        try:
            Z = _mp_cycle(T2_W, T2_B, [[rng.uniform(-1, 1) for _ in range(n)] for _ in range(2)], 2)
        except (ZeroDivisionError, ValueError):
            continue
        if max(abs(Z[0][i] - Z[1][i]) for i in range(n)) < mpmath.mpf("1e-20"):
            continue  # the fixed point
        assert any(max(abs(Z[t][i] - S[(t + r) % 2][i]) for t in range(2) for i in range(n)) < mpmath.mpf("1e-20")
                   for S in seen for r in range(2))


@pytest.mark.parametrize("act,seed", [("relu", 3), ("relu", 4), ("hardtanh", 2),
                                      pytest.param("hardtanh", 6, marks=pytest.mark.slow)])
def test_pl_counts_equal_exact_pattern_oracle(act, seed):
    """For random relu and hardtanh networks with weights k/17, every complete count of cycles of minimal period
    p <= 3 (the kernel's exact enumeration) equals the exact count by activation patterns (Fraction), at the same
    exact points; undecided exactly when the oracle meets a singular pattern or never."""
    rng = random.Random(seed)
    accepted = 0
    for _ in range(12):
        W = [[F(rng.randint(-60, 60), 17) for _ in range(2)] for _ in range(2)]
        b = [F(rng.randint(-30, 30), 29) for _ in range(2)]
        p = rng.choice([1, 2, 3])
        cert = certify_rnn_cycles(rnn(W, b, act), p)
        if not cert.get("complete"):
            continue
        assert check(cert).ok and cert["claim"]["basis"] == "enumeration"
        orbits, _ = _pl_orbits(act, W, b, p)
        listed = {frozenset(tuple(F(v["lo"]) for v in o["box"][t * 2:t * 2 + 2]) for t in range(p))
                  for o in cert["orbits"]}
        assert listed == orbits, (W, b, p)
        accepted += 1
    assert accepted >= 1


def test_fixed_point_repeated_is_not_a_period_two_orbit(t2_period2):
    """The 2-system's zero (z*, z*) of the fixed point ties in its first coordinate and is dropped (shift or
    _lower_period): the fixed point is not counted among the 4 orbits of period 2."""
    pts = [[(F(iv["lo"]) + F(iv["hi"])) / 2 for iv in o["box"]] for o in t2_period2["orbits"]]
    assert len(pts) == 4 and all(abs(z[0] - z[2]) > F(1, 10 ** 6) for z in pts)


# ----------------------------------------------------------------------------- refusals of tampered complete lists

@pytest.mark.parametrize("tamper", ["count", "drop", "stability", "complete", "nodes", "p", "rounds65", "region"])
def test_tampered_complete_list_is_refused(t2_period2, tamper):
    """A complete list of 4 orbits of period 2 with a changed count, a dropped orbit, a changed stability,
    complete false, a changed node count, p 4, rounds 65 or a region smaller than the image box is refused."""
    c = copy.deepcopy(t2_period2)
    if tamper == "count":
        c["count"] = 3
    elif tamper == "drop":
        c["orbits"], c["count"] = c["orbits"][:3], 3
    elif tamper == "stability":
        c["orbits"][0]["stability"] = "repelling" if c["orbits"][0]["stability"] != "repelling" else "attracting"
    elif tamper == "complete":
        c["complete"] = False
    elif tamper == "nodes":
        c["evidence"][0]["nodes"] += 1
    elif tamper == "p":
        c["claim"]["p"] = 4
    elif tamper == "rounds65":
        c["claim"]["rounds"] = 65
    elif tamper == "region":
        c["claim"]["region"][0]["hi"] = "0"
    assert check(c).ok is False


def test_larger_region_than_image_box_is_accepted_with_the_same_orbits(t2_period2):
    """The region [-2, 2]^2 contains the image box: the basis image holds, the same 4 orbits (fresh tree)."""
    claim = dict(t2_period2["claim"], region=[{"lo": "-2", "hi": "2"}] * 2, rounds=0)
    claim.pop("kind")
    cert = _kernel_cert("tanh", T2_W, T2_B, claim)
    assert check(cert).ok and cert["count"] == 4


def test_relu_has_no_image_basis():
    """relu has no bounded range: the basis image is refused."""
    cert = _claim_cert(_canon("relu", [[F(1, 2), 0], [0, F(1, 2)]], [1, 1]),
                       {"p": 1, "basis": "image", "rounds": 0, "order": [], "region": [{"lo": "-4", "hi": "4"}] * 2})
    r = check(cert)
    assert r.ok is False and "relu has no bounded range" in r.message


@pytest.mark.parametrize("act,W,b,p", [
    ("relu", [[1, 0], [0, 1]], [0, 0], 1),        # every h >= 0 is fixed
    ("hardtanh", [[1, 0], [0, 1]], [0, 0], 1),    # every h in [-1, 1]^2 is fixed
    ("hardtanh", [[-1, 0], [0, -1]], [0, 0], 2),  # every h != 0 in [-1, 1]^2 has period 2
    ("relu", [[0, 1], [1, 0]], [0, 0], 2),        # (s, t), s != t >= 0: a continuum of 2-cycles
])
def test_pl_continua_are_refused(act, W, b, p):
    """Continua of fixed points or 2-cycles (W = I or -I, relu swap) are refused by the exact enumeration (a
    singular consistent itinerary), never counted, whatever count is stated."""
    for count in (0, 1):
        cert = _claim_cert(_canon(act, W, b), {"p": p, "basis": "enumeration", "rounds": 0, "order": [],
                                                 "region": []}, count=count,
                           evidence=[{"fact": "enumeration_rnn", "itineraries": (2 if act == "relu" else 3) ** (len(b) * p)}])
        res = check(cert)
        assert res.ok is False


@pytest.mark.parametrize("act,W,b,p", [
    ("hardtanh", [[1, 0], [0, 1]], [0, 0], 1),    # every h in [-1, 1]^2 is fixed
    ("tanh", [[1, 0], [0, 1]], [0, 0], 1),        # 0 is fixed with multiplier 1 (not hyperbolic)
])
def test_continua_and_degenerate_cycles_are_refused_by_the_subdivision(act, W, b, p):
    """A continuum of fixed points (hardtanh, W = I) and a non-hyperbolic fixed point are refused by the
    subdivision, never counted."""
    cert = _claim_cert(_canon(act, W, b), {"p": p, "basis": "image", "rounds": 0, "order": [],
                                             "region": [{"lo": "-2", "hi": "2"}] * 2})
    assert check(cert).ok is False


def test_tie_without_order_is_refused_and_with_order_counted():
    """The 2-cycle {(0, a), (0, -a)} of tanh(-2 h) ties in its first coordinate: without an order the subdivision
    refuses; with c = (1, 1/3) it counts exactly the 4 orbits of period 2."""
    claim = {"p": 2, "basis": "image", "rounds": 0, "order": [], "region": [{"lo": "-2", "hi": "2"}] * 2}
    assert check(_claim_cert(_canon("tanh", [[-2, 0], [0, -2]], [0, 0]), claim)).ok is False
    cert = _kernel_cert("tanh", [[-2, 0], [0, -2]], [0, 0], dict(claim, order=["1", "1/3"]))
    assert check(cert).ok and cert["count"] == 4


@pytest.mark.slow
def test_singular_W_tanh_count_matches_mpmath():
    """tanh with singular W = [[2, 1], [4, 2]] (no inverse for the backward contraction): the accepted count of fixed
    points equals the number of roots of x = tanh(2x + y + 1/10), y = tanh(4x + 2y) found by 400 Newton starts."""
    W, b = [[2, 1], [4, 2]], [F(1, 10), 0]
    cert = _kernel_cert("tanh", W, b, {"p": 1, "basis": "image", "rounds": 0, "order": [],
                                        "region": [{"lo": "-2", "hi": "2"}] * 2})
    assert check(cert).ok
    rng, roots = random.Random(1), []
    for _ in range(400):
        try:
            Z = _mp_cycle(W, b, [[rng.uniform(-1, 1), rng.uniform(-1, 1)]], 1)
        except (ZeroDivisionError, ValueError):
            continue
        if not any(abs(Z[0][0] - r[0]) + abs(Z[0][1] - r[1]) < mpmath.mpf("1e-20") for r in roots):
            roots.append(Z[0])
    assert cert["count"] == len(roots)


# ----------------------------------------------------------------------------- refusals of tampered found lists

def _add_fact(cert: dict, boxes: list, stability: str) -> dict:
    c = copy.deepcopy(cert)
    c["evidence"].append({"fact": "cycle_krawczyk_nd", "p": len(boxes), "boxes": boxes, "stability": stability})
    c["orbits"].append({"box": boxes[0], "stability": stability})
    c["count"] += 1
    return c


def test_found_list_is_accepted(t2_found2):
    """The found list of the 4 orbits of period 2 of the tanh network T2 is accepted as 'at least 4'."""
    r = check(t2_found2)
    assert r.ok and "at least 4" in r.statement


def test_found_rotation_of_a_listed_cycle_is_refused(t2_found2):
    """A fifth fact that is a rotation of fact 0 (the same orbit from its other point) is not shown distinct."""
    f = t2_found2["evidence"][0]
    r = check(_add_fact(t2_found2, f["boxes"][1:] + f["boxes"][:1], f["stability"]))
    assert r.ok is False and "not shown distinct" in r.message


def test_found_duplicate_cycle_is_refused(t2_found2):
    """A fifth fact equal to fact 0 is not shown distinct."""
    f = t2_found2["evidence"][0]
    assert check(_add_fact(t2_found2, f["boxes"], f["stability"])).ok is False


def test_found_fixed_point_as_period_two_cycle_is_refused(t2_found2):
    """The fixed point's box repeated twice as a 2-cycle fact: its boxes are not disjoint under the shift by 1."""
    fp = _found(rnn(T2_W, T2_B, "tanh"), 1, __import__("certify.arith", fromlist=["Budget"]).Budget(), STARTS, "t")
    box = fp["evidence"][0]["boxes"][0]
    r = check(_add_fact(t2_found2, [box, box], fp["evidence"][0]["stability"]))
    assert r.ok is False and "minimal period may divide 1" in r.message


def test_found_overlapping_boxes_of_distinct_cycles_are_refused(t2_found2):
    """Cycle 1's first box widened to meet every box of cycle 0: distinct cycles, but not shown distinct (refused)."""
    c = copy.deepcopy(t2_found2)
    facts = [f for f in c["evidence"] if f["fact"] == "cycle_krawczyk_nd"]
    boxes = facts[1]["boxes"]
    boxes[0] = [{"lo": "-1", "hi": "1"}] * 2
    c["orbits"][1]["box"] = boxes[0]
    assert check(c).ok is False


@pytest.mark.parametrize("tamper", ["count", "complete", "region", "rounds", "fact_p"])
def test_tampered_found_list_is_refused(t2_found2, tamper):
    """A found list with count 5, complete true, a region, rounds 1 or a fact of period 1 is refused."""
    c = copy.deepcopy(t2_found2)
    if tamper == "count":
        c["count"] = 5
    elif tamper == "complete":
        c["complete"] = True
    elif tamper == "region":
        c["claim"]["region"] = [{"lo": "-1", "hi": "1"}] * 2
    elif tamper == "rounds":
        c["claim"]["rounds"] = 1
    else:
        c["evidence"][0]["p"] = 1
    assert check(c).ok is False


# ----------------------------------------------------------------------------- crashes and hangs (child process)

def _sigmoid_tiny(kind: str) -> dict:
    canon = _canon("sigmoid", [[0]], [-10 ** 12])
    if kind == "rnn_cycles":
        return _claim_cert(canon, {"p": 1, "basis": "image", "rounds": 1, "order": [],
                                   "region": [{"lo": "0", "hi": "1"}]})
    return {"schema": "certify/1", "map": {"canonical": canon, "class": "smooth"},
            "claim": {"kind": "rnn_contraction", "p": 0}, "verdict": "proved", "precision": 64,
            "evidence": [{"fact": "contraction", "steps": 1, "norm": "max", "weights": ["1"]}]}


@pytest.mark.parametrize("kind", ["rnn_cycles", "rnn_contraction"])
def test_attack_sigmoid_image_box_tiny_end_crashes(tmp_path, kind):
    """Crash: h -> sigmoid(0 h - 10^12), one image round: X_1's lower end 2^-(1.44e12) is converted exactly
    (v.lower().fmpq() in rnn_contraction.image_box, 180 GB); GMP aborts ('Cannot reallocate memory'), for
    rnn_cycles and rnn_contraction alike. Now the ends are rounded outward (nd_orbits._end): the checker finishes,
    refuses the false empty list (the constant map has a fixed point) and accepts the true contraction (W = 0)."""
    finished, ok, msg = _check_in_subprocess(tmp_path, _sigmoid_tiny(kind), timeout=30)
    assert finished, msg
    assert ok is (kind == "rnn_contraction")


def _dense_rational_tanh(n: int, digits: int = 12) -> dict:
    rng = random.Random(1)
    W = [[f"{rng.randint(-10 ** digits, 10 ** digits)}/{rng.randint(10 ** (digits - 1), 10 ** digits)}"
          for _ in range(n)] for _ in range(n)]
    canon = {"kind": "rnn", "activation": "tanh", "W": W, "b": ["0"] * n}
    # the region [0, 1]^n does not contain the image box [-1, 1]^n: refused at once after RNNBalls is built
    return _claim_cert(canon, {"p": 1, "basis": "image", "rounds": 0, "order": [],
                               "region": [{"lo": "0", "hi": "1"}] * n})


@pytest.mark.slow
def test_attack_exact_inverse_of_rational_W_hangs(tmp_path):
    """Hang: a tanh network with n = 40 and dense W of 12-digit rationals (30 kB): RNNBalls.__init__ computes
    fmpq_mat det and inv (n = 32: 38 s; n = 40: 69 s; n = 512: days) before the region is even checked; refused
    within the time limit (an arb_mat inverse, or the exact one charged by the entries' bits)."""
    finished, ok, msg = _check_in_subprocess(tmp_path, _dense_rational_tanh(40), timeout=30)
    assert finished, msg
    assert ok is False


def _junk_found(n: int, p: int, precision: int) -> dict:
    rng = random.Random(0)
    W = [[f"{rng.randint(-300, 300)}/100" for _ in range(n)] for _ in range(n)]
    box = [[{"lo": "-1/2", "hi": f"{1 + t}/{2 + t}"} for _ in range(n)] for t in range(p)]
    return {"schema": "certify/1", "map": {"canonical": {"kind": "rnn", "activation": "tanh", "W": W, "b": ["0"] * n},
                                           "class": "smooth"},
            "claim": {"kind": "rnn_cycles", "p": p, "basis": "found", "region": [], "rounds": 0, "order": []},
            "verdict": "proved", "precision": precision,
            "evidence": [{"fact": "cycle_krawczyk_nd", "p": p, "boxes": box, "stability": "attracting"}],
            "orbits": [{"box": box[0], "stability": "attracting"}], "count": 1, "complete": False}


@pytest.mark.slow
def test_attack_found_list_at_high_precision_hangs(tmp_path):
    """Hang: one junk cycle_krawczyk_nd fact, n = 64, p = 1, precision 65536 (n^3 p^2 = 262144, far below MAX_WORK):
    the Krawczyk test is done in full at 65536 bits before it fails (n = 16: 7 s, n = 48: 54 s, n = 64: minutes,
    n = 512: days); refused within the time limit (the limit scaled by the precision, as nd_orbits._prec_scale)."""
    finished, ok, msg = _check_in_subprocess(tmp_path, _junk_found(64, 1, 65536), timeout=30)
    assert finished, msg
    assert ok is False


def _many_saddles(n: int = 320, count: int = 256) -> dict:
    """count fixed points of the decoupled h -> tanh(2 h) in R^n (coordinates in {-a, 0, a}, a = tanh(2a)), each a
    saddle (stability 'undetermined'): distinct in the first 8 even coordinates."""
    with mpmath.workdps(30):
        a = mpmath.findroot(lambda x: x - mpmath.tanh(2 * x), 0.95)
        af = F(int(a * 10 ** 15), 10 ** 15)
    eps = F(1, 10 ** 6)
    facts, orbits = [], []
    for k in range(count):
        box = []
        for i in range(n):
            c = F(0) if i % 2 or i // 2 >= 8 else (af if (k >> (i // 2)) & 1 else -af)
            box.append({"lo": str(c - eps), "hi": str(c + eps)})
        facts.append({"fact": "cycle_krawczyk_nd", "p": 1, "boxes": [box], "stability": "undetermined"})
        orbits.append({"box": box, "stability": "undetermined"})
    canon = {"kind": "rnn", "activation": "tanh", "W": [["2" if i == j else "0" for j in range(n)] for i in range(n)],
             "b": ["0"] * n}
    return {"schema": "certify/1", "map": {"canonical": canon, "class": "smooth"},
            "claim": {"kind": "rnn_cycles", "p": 1, "basis": "found", "region": [], "rounds": 0, "order": []},
            "verdict": "proved", "precision": 64, "evidence": facts, "orbits": orbits, "count": count,
            "complete": False}


def test_many_saddles_small_is_true():
    """The decoupled tanh(2 h) in R^40 has the 4 listed saddle fixed points: the found list of 4 is accepted."""
    assert check(_many_saddles(40, 4)).ok


@pytest.mark.slow
def test_attack_found_list_stability_uncharged_hangs(tmp_path):
    """Hang: 256 true saddle fixed points of tanh(2 h) in R^320 (p = 1; 256 n^3 = 8.4e9 <= MAX_WORK): each fact's
    Krawczyk test (0.6 s) and stability (M^(2^k) 9 times, M^-1, 9 more: 2.2 s) take about 2.8 s (12 minutes in all; a run on a
    loaded machine was stopped after 25 minutes);
    refused within the time limit (the stability's n^3 (p + 2 MAX_POWER_STEPS + 2) charged too)."""
    finished, ok, msg = _check_in_subprocess(tmp_path, _many_saddles(), timeout=30, mem_bytes=4 << 30)
    assert finished, msg
    assert ok is False


@pytest.mark.slow
def test_attack_image_box_uncharged_hangs(tmp_path):
    """Hang: hardtanh, n = 512, rounds 64 and a region too small: image_box does 512^2 * 64 = 1.7e7 ball
    multiply-adds in the interpreter (30 to 60 s) before the region is compared; refused within 15 s (the
    rounds' n^2 work charged before, as rnn_contraction's MAX_CONTRACTION_WORK does, with a lower limit)."""
    n = 512
    canon = {"kind": "rnn", "activation": "hardtanh", "W": [[f"{(i * 7 + j * 3) % 11 - 5}/1000" for j in range(n)]
                                                             for i in range(n)], "b": ["0"] * n}
    cert = _claim_cert(canon, {"p": 1, "basis": "image", "rounds": 64, "order": [],
                               "region": [{"lo": "0", "hi": "1/2"}] * n})
    finished, ok, msg = _check_in_subprocess(tmp_path, cert, timeout=15, mem_bytes=4 << 30)
    assert finished, msg
    assert ok is False


def _image_box_high_precision(kind: str, n: int = 32) -> dict:
    rng = random.Random(1)
    canon = {"kind": "rnn", "activation": "tanh",
             "W": [[f"{rng.randint(-100, 100)}/997" for _ in range(n)] for _ in range(n)], "b": ["0"] * n}
    if kind == "rnn_cycles":
        return _claim_cert(canon, {"p": 1, "basis": "image", "rounds": 64, "order": [],
                                   "region": [{"lo": "0", "hi": "1/2"}] * n}, precision=65536)
    return {"schema": "certify/1", "map": {"canonical": canon, "class": "smooth"},
            "claim": {"kind": "rnn_contraction", "p": 0}, "verdict": "proved", "precision": 65536,
            "evidence": [{"fact": "contraction", "steps": 64, "norm": "max", "weights": ["1"] * n}]}


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["rnn_cycles", "rnn_contraction"])
def test_attack_image_box_at_high_precision_hangs(tmp_path, kind):
    """Hang: tanh, n = 32, 64 image rounds at 65536 bits (n^2 (k + 1) = 66560, far below rnn_contraction's
    MAX_CONTRACTION_WORK): image_box's 4096 tanh evaluations at 65536 bits take about 2.5 minutes (n = 16: 47 s;
    n = 512: hours) before the region (or the contraction) is judged; refused within the time limit."""
    finished, ok, msg = _check_in_subprocess(tmp_path, _image_box_high_precision(kind), timeout=30)
    assert finished, msg
    assert ok is False


# ----------------------------------------------------------------------------- huge and tiny rationals

_H, _T = 10 ** 3000, F(1, 10 ** 3000)


@pytest.mark.parametrize("act,W,b,p,basis,rounds", [
    ("tanh", [[_H, 0], [0, _H]], [0, 0], 1, "image", 1),          # tanh(10^3000 h): slopes beyond any ball
    ("tanh", [[-_H, 0], [0, -_H]], [_T, _T], 2, "image", 1),
    ("tanh", [[_T, 0], [0, _T]], [_T, -_T], 1, "image", 3),       # a fixed point within 10^-3000 of 0
    ("sigmoid", [[_H, -_H], [_H, _H]], [-_H, _T], 1, "image", 2),  # sigmoid(-10^3000) is not finite in arb
])
def test_huge_and_tiny_rationals_are_refused_quickly(act, W, b, p, basis, rounds):
    """Weights and biases of 3000 digits (10^3000, 10^-3000): cycles the balls cannot isolate are refused (depth or
    a non-finite end), and a false empty list is refused, quickly, never counted."""
    region = [] if basis == "enumeration" else [{"lo": "-2", "hi": "2"}] * 2
    ev = [{"fact": "enumeration_rnn", "itineraries": 1 << (2 * p)}] if basis == "enumeration" else None
    cert = _claim_cert(_canon(act, W, b), {"p": p, "basis": basis, "rounds": rounds, "order": [], "region": region},
                       **({"evidence": ev} if ev else {}))
    assert check(cert).ok is False


def test_relu_huge_weights_enumeration_equals_oracle():
    """relu(W h + b) with W = [[10^3000, -1], [1, 10^3000]], b = (-10^3000, 10^-3000): the exact enumeration lists no
    fixed point, as the exact pattern oracle finds, and its empty list is accepted (it is true)."""
    W, b = [[_H, -1], [1, _H]], [-_H, _T]
    cert = certify_rnn_cycles(rnn(W, b, "relu"), 1)
    assert check(cert).ok and cert["count"] == 0 == len(_pl_orbits("relu", W, b, 1)[0])


def test_relu_tiny_weights_fixed_point_is_exact():
    """relu(10^-3000 h + 10^-3000): exactly one fixed point, at the exact point h_i = T / (1 - T), T = 10^-3000
    (the kernel's enumeration)."""
    cert = certify_rnn_cycles(rnn([[_T, 0], [0, _T]], [_T, _T], "relu"), 1)
    assert check(cert).ok and cert["count"] == 1
    z = _T / (1 - _T)
    assert all(F(iv["lo"]) == z == F(iv["hi"]) for iv in cert["orbits"][0]["box"])


def test_hardtanh_fixed_point_on_a_kink_is_counted_once_and_not_called_stable():
    """hardtanh(-2 x + 3) has its fixed point x = 1 on the kink (pre-activation exactly 1; slopes 0 and -2 on its
    sides): with y -> hardtanh(y / 2 + 1/4), exactly one fixed point (1, 1/2) (the exact pattern oracle), listed at
    that exact point by the enumeration, stability 'undetermined' (the joint bound over slopes [-2, 0] decides
    nothing); the subdivision refuses it (a face), never miscounts."""
    W, b = [[-2, 0], [0, F(1, 2)]], [3, F(1, 4)]
    cert = certify_rnn_cycles(rnn(W, b, "hardtanh"), 1)
    assert check(cert).ok
    orbits, _ = _pl_orbits("hardtanh", W, b, 1)
    assert orbits == {frozenset({(F(1), F(1, 2))})} and cert["count"] == 1
    assert [F(v["lo"]) for v in cert["orbits"][0]["box"]] == [1, F(1, 2)]
    assert cert["orbits"][0]["stability"] == "undetermined"
    with pytest.raises(Failure):
        _kernel_cert("hardtanh", W, b, {"p": 1, "basis": "image", "rounds": 0, "order": [],
                                        "region": [{"lo": "-2", "hi": "2"}] * 2})