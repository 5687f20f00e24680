"""Second adversarial review of checker/rnn_orbits.py (claim rnn_cycles): the parts added since the first review
(tests/test_attacks_rnn_cycles.py). The basis enumeration for relu and hardtanh (the PLRNN lift F = g o H with
f = H o g, hardtanh's 2n-dimensional lift), the canonical rotation by c.z (order), the margin of the contractions,
the kernel's own stability (Gershgorin after its approximate eigenvectors, trace and determinant, joint norms),
question "period", and the work done before a refusal. Truth is decided by oracles independent of the kernel: the
exact Fraction enumeration of activation patterns (`_pl_orbits`) for relu and hardtanh, mpmath for tanh. Hangs run
in a child process with a time limit."""

from __future__ import annotations

import copy
import random
from fractions import Fraction as F

import mpmath
import pytest
from flint import fmpq

from certify.checker import check
from certify.checker import plrnn as PL
from certify.checker.rnn import RNN
from certify.checker.rnn_orbits import _pl_model
from certify.maps.rnn import rnn
from certify.periodic.rnn_orbits import certify_rnn_cycles
from tests.test_attacks_merged import _check_in_subprocess
from tests.test_attacks_rnn_cycles import T2_W, T2_B, _canon, _claim_cert, _kernel_cert, _pl_orbits

IMAGE = {"basis": "image", "rounds": 0}
ENUM = {"basis": "enumeration", "rounds": 0, "order": [], "region": []}


def _q(v) -> fmpq:
    v = F(v)
    return fmpq(v.numerator, v.denominator)


def _f(act: str, W, b, h):
    """h -> act(W h + b) in Fractions (the oracle's map, independent of the kernel)."""
    out = []
    for r, c in zip(W, b):
        u = sum((F(w) * x for w, x in zip(r, h)), F(c))
        out.append(max(u, F(0)) if act == "relu" else min(max(u, F(-1)), F(1)))
    return out


def _enum_cert(act: str, W, b, p: int, orbits: list, question: str | None = None, verdict: str = "proved") -> dict:
    """An enumeration-form certificate with the given orbit list (exact points, stabilities)."""
    count = (2 if act == "relu" else 3) ** (len(b) * p)  # hardtanh's lift: 3 sign pairs per unit
    claim = dict(ENUM, p=p, **({"question": question} if question else {}))
    return _claim_cert(_canon(act, W, b), claim, evidence=[{"fact": "enumeration_rnn", "itineraries": count}],
                       orbits=orbits, count=len(orbits), verdict=verdict)


def _listed(cert: dict, n: int, p: int) -> set:
    return {frozenset(tuple(F(v["lo"]) for v in o["box"][t * n:(t + 1) * n]) for t in range(p))
            for o in cert["orbits"]}


# ----------------------------------------------------------------------------- 1. the enumeration and its lemma

@pytest.mark.parametrize("act", ["relu", "hardtanh"])
def test_lift_is_a_semiconjugacy(act):
    """The kernel's lift (_pl_model) satisfies f o H = H o F and g o f = F o g exactly at random rational points
    (g(h) = W h + b for relu, (W h + b + 1, W h + b - 1) for hardtanh), with f computed in Fractions: the lemma's
    hypotheses hold, so H is a bijection from the cycles of F to those of f preserving minimal periods."""
    rng = random.Random(5)
    for _ in range(20):
        n = rng.choice([1, 2, 3])
        W = [[F(rng.randint(-30, 30), rng.randint(1, 9)) for _ in range(n)] for _ in range(n)]
        b = [F(rng.randint(-20, 20), rng.randint(1, 9)) for _ in range(n)]
        model, H = _pl_model(RNN(act, [[_q(w) for w in r] for r in W], [_q(v) for v in b]))

        def g(h):
            u = [sum((w * x for w, x in zip(r, h)), c) for r, c in zip(W, b)]
            return u if act == "relu" else [v + 1 for v in u] + [v - 1 for v in u]
        for _ in range(5):
            h = [F(rng.randint(-40, 40), rng.randint(1, 7)) for _ in range(n)]
            z = [F(rng.randint(-40, 40), rng.randint(1, 7)) for _ in range(model.n)]
            Fz = [F(int(v.p), int(v.q)) for v in PL.step(model, [_q(v) for v in z])]
            Hz = [F(int(v.p), int(v.q)) for v in H([_q(v) for v in z])]
            HFz = [F(int(v.p), int(v.q)) for v in H([_q(v) for v in Fz])]
            assert _f(act, W, b, Hz) == HFz
            gf = g(_f(act, W, b, h))
            Fg = [F(int(v.p), int(v.q)) for v in PL.step(model, [_q(v) for v in g(h)])]
            assert gf == Fg


@pytest.mark.parametrize("seed", [7, pytest.param(8, marks=pytest.mark.slow)])
def test_enumeration_in_three_dimensions_equals_pattern_oracle(seed):
    """For random relu and hardtanh networks in R^3 (weights k/13, biases k/7, p = 1 or 2), every accepted
    enumerated list is exactly the set of orbits of minimal period p found by the exact pattern oracle."""
    rng = random.Random(seed)
    accepted = 0
    for _ in range(10 if seed == 7 else 30):
        act, n, p = rng.choice(["relu", "hardtanh"]), 3, rng.choice([1, 2])
        W = [[F(rng.randint(-40, 40), 13) for _ in range(n)] for _ in range(n)]
        b = [F(rng.randint(-20, 20), 7) for _ in range(n)]
        cert = certify_rnn_cycles(rnn(W, b, act), p)
        if cert["claim"]["basis"] != "enumeration":
            continue
        assert check(cert).ok
        assert _listed(cert, n, p) == _pl_orbits(act, W, b, p)[0], (act, W, b, p)
        accepted += 1
    assert accepted >= 5


def _grid_relu(n: int) -> tuple:
    """relu(2 h - 1) in R^n: fixed points {0, 1}^n; at h_i = 1 the multiplier 2, at h_i = 0 the multiplier 0."""
    return [[2 if i == j else 0 for j in range(n)] for i in range(n)], [-1] * n


def test_enumeration_lists_every_fixed_point_with_its_saddle_index():
    """relu(2 h - 1) in R^3 has exactly the 8 fixed points {0, 1}^3, each with (number of coordinates 1) unstable
    directions: attracting at 0, repelling at (1, 1, 1), saddles between."""
    W, b = _grid_relu(3)
    cert = certify_rnn_cycles(rnn(W, b, "relu"), 1)
    assert check(cert).ok and cert["claim"]["basis"] == "enumeration" and cert["count"] == 8
    for o in cert["orbits"]:
        k = sum(F(v["lo"]) == 1 for v in o["box"])
        want = "attracting" if k == 0 else "repelling" if k == 3 else \
            f"saddle: {k} unstable direction{'s' if k > 1 else ''}"
        assert o["stability"] == want


@pytest.mark.parametrize("tamper", ["drop", "extra_fixed_as_2cycle", "point", "stability", "itineraries",
                                    "complete"])
def test_tampered_enumerated_list_is_refused(tamper):
    """relu(-2 h + 1) has the fixed point 1/3 and the 2-cycle {0, 1}: an enumerated period-2 list with the orbit
    dropped, the fixed point added as a 2-cycle, a moved point, a changed stability, a wrong itinerary count or
    complete false is refused."""
    W, b = [[-2]], [1]
    cert = certify_rnn_cycles(rnn(W, b, "relu"), 2)
    assert check(cert).ok and cert["count"] == 1 and _listed(cert, 1, 2) == _pl_orbits("relu", W, b, 2)[0]
    c = copy.deepcopy(cert)
    if tamper == "drop":
        c["orbits"], c["count"] = [], 0
    elif tamper == "extra_fixed_as_2cycle":
        c["orbits"].append({"box": [{"lo": "1/3", "hi": "1/3"}] * 2, "stability": "repelling"})
        c["count"] = 2
    elif tamper == "point":
        c["orbits"][0]["box"][1] = {"lo": "1", "hi": "1000001/1000000"}
    elif tamper == "stability":
        c["orbits"][0]["stability"] = "repelling" if c["orbits"][0]["stability"] != "repelling" else "attracting"
    elif tamper == "itineraries":
        c["evidence"][0]["itineraries"] = 2
    else:
        c["complete"] = False
    assert check(c).ok is False


@pytest.mark.parametrize("act,W,b,p", [
    ("relu", [[1, 0], [0, 1]], [0, 0], 1),              # every h >= 0 is fixed
    ("hardtanh", [[0, 1], [1, 0]], [0, 0], 2),          # (s, t) <-> (t, s) in [-1, 1]^2: a continuum of 2-cycles
    ("hardtanh", [[F(1, 2), F(1, 2)], [F(1, 2), F(1, 2)]], [0, 0], 1),  # the diagonal segment is fixed
])
def test_continua_are_refused_whatever_the_list(act, W, b, p):
    """A continuum of cycles (singular consistent itinerary of the lift) is refused, for the empty list and for a
    list of one of its cycles."""
    x = "1/2"
    one = [{"box": [{"lo": x, "hi": x}] * (len(b) * p), "stability": "undetermined"}]
    for orbits in ([], one):
        assert check(_enum_cert(act, W, b, p, orbits)).ok is False


def test_hardtanh_infeasible_singular_itinerary_does_not_block_a_true_list():
    """hardtanh(-h) has exactly one fixed point, 0 (the pattern oracle: no singular pattern), multiplier -1: the
    true enumerated list [0, stability undetermined] is accepted. (The lift's itinerary (0, 1) has a singular
    consistent system, I - W'D = [[1, -1], [0, 0]], h' = (2, 0), but z1 <= 0 < z2 = z1 - 2 is empty: the kernel no
    longer enumerates such sign pairs; before, it refused the true list.)"""
    orbits, singular = _pl_orbits("hardtanh", [[-1]], [0], 1)
    assert orbits == {frozenset({(F(0),)})} and not singular
    cert = _enum_cert("hardtanh", [[-1]], [0], 1, [{"box": [{"lo": "0", "hi": "0"}], "stability": "undetermined"}])
    assert check(cert).ok


# ----------------------------------------------------------------------------- 5. question period

def test_period_refutation_by_enumeration_is_true_and_a_false_one_is_refused():
    """relu(2 h - 1) in R^2 has no orbit of minimal period 2 (pattern oracle): the enumerated empty list with
    question period is refuted and accepted; for p = 1 (4 fixed points) an empty refuted list is refused."""
    W, b = _grid_relu(2)
    assert not _pl_orbits("relu", W, b, 2)[0] and len(_pl_orbits("relu", W, b, 1)[0]) == 4
    res = check(_enum_cert("relu", W, b, 2, [], question="period", verdict="refuted"))
    assert res.ok and "no point of minimal period 2" in res.statement
    assert check(_enum_cert("relu", W, b, 1, [], question="period", verdict="refuted")).ok is False
    assert check(_enum_cert("relu", W, b, 2, [], question="period", verdict="proved")).ok is False


def test_period_refutation_by_a_found_list_is_refused():
    """A found-form certificate cannot refute a period: count 0 with no facts, or with facts, is refused."""
    base = {"p": 1, "basis": "found", "region": [], "rounds": 0, "order": [], "question": "period"}
    canon = _canon("tanh", T2_W, T2_B)
    assert check(_claim_cert(canon, base, evidence=[], verdict="refuted", complete=False)).ok is False
    assert check(_claim_cert(canon, base, evidence=[], verdict="proved", complete=False)).ok is False


def test_period_refutation_by_image_subdivision_with_cycles_is_refused(t2_p2_cert):
    """tanh with 4 orbits of period 2 (mpmath-checked in the first review): the image-basis certificate with
    question period and the list emptied to count 0, verdict refuted, is refused."""
    c = copy.deepcopy(t2_p2_cert)
    c["claim"]["question"] = "period"
    c["orbits"], c["count"], c["verdict"] = [], 0, "refuted"
    assert check(c).ok is False


# ----------------------------------------------------------------------------- 2. order

@pytest.fixture(scope="module")
def t2_p2_cert() -> dict:
    return _kernel_cert("tanh", T2_W, T2_B, dict(IMAGE, p=2, order=[], region=[{"lo": "-1", "hi": "1"}] * 2))


def _orbit_keys(cert: dict, n: int, p: int) -> set:
    """Each orbit as the frozenset of its points' midpoints rounded to 10^-8 (rotation invariant)."""
    out = set()
    for o in cert["orbits"]:
        mids = [(F(v["lo"]) + F(v["hi"])) / 2 for v in o["box"]]
        out.add(frozenset(tuple(round(mids[t * n + i], 8) for i in range(n)) for t in range(p)))
    return out


@pytest.mark.parametrize("order", [["1", "0"], ["0", "1"], ["-1", "1"], ["1/1000000000000", "-1"], ["-3", "7"],
                                   ["1", "1/3"]])
def test_order_counts_the_same_orbits(t2_p2_cert, order):
    """With any order c (negative, tiny, either axis) the complete list of period-2 orbits of the tanh map is
    the same 4 orbits as without an order (the canonical rotation changes, the orbits do not)."""
    cert = _kernel_cert("tanh", T2_W, T2_B, dict(IMAGE, p=2, order=order, region=[{"lo": "-1", "hi": "1"}] * 2))
    assert check(cert).ok and cert["count"] == 4
    assert _orbit_keys(cert, 2, 2) == _orbit_keys(t2_p2_cert, 2, 2)


def test_order_orthogonal_to_an_orbit_is_refused_and_a_generic_one_counts():
    """tanh(-2 h) decoupled in R^2: the 2-cycle {(a, -a), (-a, a)} ties for c = (1, 1) (c orthogonal to its
    difference) and is refused, never counted once or twice; c = (1, 2) gives the 4 orbits of period 2
    (per coordinate 0 or the 2-cycle +-a: 3^2 - 1 points of period 2)."""
    W, b, reg = [[-2, 0], [0, -2]], [0, 0], [{"lo": "-1", "hi": "1"}] * 2
    claim = dict(IMAGE, p=2, region=reg)
    assert check(_claim_cert(_canon("tanh", W, b), dict(claim, order=["1", "1"]))).ok is False
    cert = _kernel_cert("tanh", W, b, dict(claim, order=["1", "2"]))
    assert check(cert).ok and cert["count"] == 4


# ----------------------------------------------------------------------------- 3. margin and faces

@pytest.mark.parametrize("W,p,count", [([[F(1, 2)]], 1, 1), ([[-3]], 2, 1)])
def test_zero_on_the_first_split_face_is_counted_once(W, p, count):
    """The region [-127, 129] is split first at 0 (127/256 of its width), where tanh(h / 2) has its fixed point
    and the 2-cycle +-a of tanh(-3 h) has none: the fixed point is counted once, the one 2-cycle once (mpmath:
    a = tanh(3 a) > 0 is the only positive root)."""
    cert = _kernel_cert("tanh", W, [0], dict(IMAGE, p=p, order=[], region=[{"lo": "-127", "hi": "129"}]))
    assert check(cert).ok and cert["count"] == count
    if p == 2:
        with mpmath.workdps(50):
            a = mpmath.findroot(lambda x: x - mpmath.tanh(3 * x), 0.9)
            lo, hi = (mpmath.mpf(F(v).numerator) / F(v).denominator for v in cert["orbits"][0]["box"][0].values())
            assert any(lo <= s * a <= hi for s in (1, -1))


# ----------------------------------------------------------------------------- 4. stability

@pytest.mark.parametrize("W,b,want", [
    ([[0, -1], [1, 0]], [2, 0], "undetermined"),               # fixed point (1, 1), multipliers +-i
    ([[-1, 1], [0, -1]], [3, 2], "undetermined"),              # Jordan block at -1 (not attracting)
    ([[F(1, 2), 1], [0, F(1, 2)]], [0, F(1, 2)], "attracting"),  # Jordan block at 1/2
    ([[-1]], [1], "undetermined"),                              # fixed point 1/2, multiplier -1
])
def test_enumerated_stability_of_non_hyperbolic_and_defective_fixed_points(W, b, want):
    """relu fixed points in the open positive orthant (f affine near them, Jacobian W): multipliers on the unit
    circle (+-i, -1, a Jordan block at -1) are undetermined, a Jordan block at 1/2 (non-diagonalisable, V nearly
    singular) attracting; one fixed point each (pattern oracle)."""
    cert = certify_rnn_cycles(rnn(W, b, "relu"), 1)
    assert check(cert).ok and cert["claim"]["basis"] == "enumeration" and cert["count"] == 1
    assert _listed(cert, len(b), 1) == _pl_orbits("relu", W, b, 1)[0]
    assert cert["orbits"][0]["stability"] == want
    for st in {"attracting", "repelling", "undetermined"} - {want}:
        c = copy.deepcopy(cert)
        c["orbits"][0]["stability"] = st
        assert check(c).ok is False


# ----------------------------------------------------------------------------- 6. work before a refusal

@pytest.mark.slow
def test_attack_enumeration_of_hardtanh_n8_hangs(tmp_path):
    """Hang: hardtanh(2 h) in R^8, p = 1, basis enumeration, an empty list (false: 3^8 = 6561 fixed points). The
    lift has n' p = 16 (= MAX_ENUM_BITS), 2^16 itineraries of 16 x 16 products, charged 2^16 cycle_work = 1.6e9
    <= 2^32; enumerate_cycles alone took 159 s, the whole enumerate_rnn_cycles 192 s (relu(2 h - 1) in R^16:
    65536 fixed points: enumeration alone 60 s, 670 s with a stability each, on the shared 2-core machine) before the
    list was compared and refused. Now refused within 30 s: 3^8 itineraries (hardtanh's feasible sign pairs), each
    charged a floor for its exact arithmetic and stability."""
    n = 8
    cert = _enum_cert("hardtanh", [[2 if i == j else 0 for j in range(n)] for i in range(n)], [0] * n, 1, [])
    finished, ok, msg = _check_in_subprocess(tmp_path, cert, timeout=30)
    assert finished, msg
    assert ok is False


def _tanh_high_precision(n: int) -> dict:
    """tanh, dense W of k/997, precision 65536, and a region [0, 1]^n that does not contain the image box [-1, 1]^n
    (a false basis: refused as soon as the region is compared)."""
    rng = random.Random(1)
    canon = {"kind": "rnn", "activation": "tanh",
             "W": [[f"{rng.randint(-100, 100)}/997" for _ in range(n)] for _ in range(n)], "b": ["0"] * n}
    return _claim_cert(canon, dict(IMAGE, p=1, order=[], region=[{"lo": "0", "hi": "1"}] * n), precision=65536)


@pytest.mark.slow
def test_attack_ball_inverse_of_W_at_high_precision_hangs(tmp_path):
    """Hang: tanh in R^64 with dense W of k/997 at precision 65536: RNNBalls(m) computes arb_mat(W).inv() at 65536
    bits (n = 32: 16 s, n = 64: 122 s, n = 512: days; about n^3 multiplications of 65536-bit numbers) before
    the region [0, 1]^64 was found not to contain the image box. Now refused within 30 s (the inverse at 64 bits, any
    enclosure being sound, and only up to n = 32)."""
    finished, ok, msg = _check_in_subprocess(tmp_path, _tanh_high_precision(64), timeout=30)
    assert finished, msg
    assert ok is False


def test_ball_inverse_at_low_precision_is_quick():
    """The same false region for tanh in R^64 at 64 bits is refused (the region does not contain the image box)."""
    cert = _tanh_high_precision(64)
    cert["precision"] = 64
    res = check(cert)
    assert res.ok is False and "does not contain the image box" in res.message
