"""Attacks on plrnn_cycles facts whose points are derived from the itinerary (`points` null, commit ebdc075):
soundness against an independent Fraction oracle, the cost charge for long periods with large-bit weights, and
the float search (review-cycles)."""

from __future__ import annotations

from fractions import Fraction
from itertools import product
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certify.checker import check
from certify.checker.plrnn import (MAX_MATRIX_WORK, Model, canonical_cycle, cycle_of, cycle_stability,
                                   cycle_work, enumerate_cycles, fact_cycle_plrnn, follow_itinerary, parse_plrnn,
                                   step_bits)
from certify.checker.statement import Failure
from tests.test_attacks_merged import _check_in_subprocess
from tests.test_attacks_plrnn_box import _solve, _step

ROOT = Path(__file__).resolve().parents[1]


def _cert(canon: dict, facts: list, P: int) -> dict:
    n = len(canon["A"])
    return {"schema": "certify/1", "map": {"canonical": canon, "class": "piecewise-linear", "dimension": n},
            "claim": {"kind": "plrnn_cycles", "p": P}, "verdict": "proved", "precision": 64, "evidence": facts,
            "periods": [{"p": q, "count": sum(1 for f in facts if f["p"] == q), "complete": False,
                         "reason": f"the 2^{n * q} itineraries were not all solved: cycles found by float search only"}
                        for q in range(1, P + 1)]}


def _derived_fact(m: Model, itinerary: list, stable=None, exps=None, reason=None) -> dict:
    fact = {"fact": "cycle_plrnn", "p": len(itinerary), "points": None, "itinerary": itinerary, "stable": stable,
            "exponents": None if exps is None else
            [e if e == "-inf" else {"lo": str(e.lower().fmpq()), "hi": str(e.upper().fmpq())} for e in exps]}
    if reason is not None:
        fact["reason"] = reason
    return fact


def _kernel_fact(m: Model, itinerary: list) -> dict:
    """A derived-points fact with the kernel's own stability, reason and exponents (when the points exist)."""
    it = [tuple(int(c) for c in s) for s in itinerary]
    kind, z0 = cycle_of(m, it)
    pts = follow_itinerary(m, z0, it) if kind == "point" else None
    if pts is None:
        return _derived_fact(m, itinerary)
    return _derived_fact(m, itinerary, *cycle_stability(m, pts))


# ---------------------------------------------------------------------------- the Fraction oracle

def _oracle_cycle(A, W, h, itinerary):
    """The canonical cycle an itinerary names, by Fractions only, or None: the unique solution of its cycle system,
    iterated with the plain step z -> A z + W relu(z) + h, closing after p steps with (z_t)_i > 0 iff bit i of
    itinerary t, p distinct points, starting at the lexicographically least."""
    n, p = len(A), len(itinerary)
    M = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
    c = [Fraction(0)] * n
    for s in itinerary:
        J = [[(A[i] if i == j else 0) + (W[i][j] if s[j] == "1" else 0) for j in range(n)] for i in range(n)]
        M = [[sum(J[i][k] * M[k][j] for k in range(n)) for j in range(n)] for i in range(n)]
        c = [sum(J[i][k] * c[k] for k in range(n)) + h[i] for i in range(n)]
    z = _solve([[int(i == j) - M[i][j] for j in range(n)] for i in range(n)], c)
    if z is None:
        return None
    pts = []
    for s in itinerary:
        if "".join("1" if v > 0 else "0" for v in z) != s:
            return None
        pts.append(tuple(z))
        z = _step(A, W, h, z)
    if tuple(z) != pts[0] or len(set(pts)) != p or min(pts) != pts[0]:
        return None
    return tuple(pts)


_SMALL = st.sampled_from([Fraction(v) for v in (0, 0, 1, -1, 2, -2, "1/2", "-1/2", "3/2", "-3/4", "5/2")])


@st.composite
def _plrnns(draw):
    n = draw(st.integers(1, 2))
    A = [draw(_SMALL) for _ in range(n)]
    W = [[draw(_SMALL) for _ in range(n)] for _ in range(n)]
    h = [draw(st.sampled_from([Fraction(v) for v in (0, 0, 1, -1, "1/2", "-3/2")])) for _ in range(n)]
    return A, W, h


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_plrnns(), st.integers(1, 3))
def test_derived_points_accept_exactly_the_oracles_cycles(model, p):
    """For small PLRNNs (zero weights, |a| >= 1, points on kinks) and every itinerary of length p <= 3, a
    cycle_plrnn fact with points null is accepted iff the Fraction oracle finds a cycle of minimal period p with
    that itinerary and canonical start; the accepted cycles are those of the enumeration (when it is non-singular)."""
    A, W, h = model
    n = len(A)
    canon = {"kind": "plrnn", "A": [str(a) for a in A], "W": [[str(w) for w in r] for r in W], "h": [str(v) for v in h]}
    m = parse_plrnn(canon)
    accepted = set()
    for itin in product(["".join(b) for b in product("01", repeat=n)], repeat=p):
        itin = list(itin)
        want = _oracle_cycle(A, W, h, itin)
        try:
            cyc, _, _ = fact_cycle_plrnn(m, _kernel_fact(m, itin), p)
            got = tuple(tuple(Fraction(int(v.p), int(v.q)) for v in z) for z in cyc)
        except Failure:
            got = None
        assert got == want, (canon, itin)
        if got is not None:
            accepted.add(got)
    found, singular = enumerate_cycles(m, p)
    if not singular:
        assert accepted == {tuple(tuple(Fraction(int(v.p), int(v.q)) for v in z) for z in c) for c in found}


KINK = {"kind": "plrnn", "A": ["1/2"], "W": [["1"]], "h": ["0"]}  # z -> z/2 + relu(z): the fixed point 0 is a kink


def test_fixed_point_on_the_kink_needs_bit_zero():
    """The fixed point z = 0 of z -> z/2 + relu(z) lies on the switching point: itinerary '0' derives it (stability
    undecided, the kink reason); itinerary '1' also solves to 0, whose orthant bit is 0, and is refused."""
    m = parse_plrnn(KINK)
    ok = check(_cert(KINK, [_kernel_fact(m, ["0"])], 1))
    assert ok.ok, ok.message
    f = _kernel_fact(m, ["0"])
    assert f["stable"] is None and "switching boundary z_1 = 0" in f["reason"]
    bad = check(_cert(KINK, [_derived_fact(m, ["1"], None, None, f["reason"])], 1))
    assert not bad.ok and "leaves the itinerary's orthants" in bad.message


def test_kink_of_a_zero_column_decides_stability():
    """z -> z/2 + 0 relu(z): the fixed point 0 lies on z = 0 but W's column is zero (no kink): the derived fact is
    stable: true with exponent log(1/2)."""
    canon = {"kind": "plrnn", "A": ["1/2"], "W": [["0"]], "h": ["0"]}
    m = parse_plrnn(canon)
    f = _kernel_fact(m, ["0"])
    assert f["stable"] is True and "reason" not in f
    assert check(_cert(canon, [f], 1)).ok


def test_repeated_itinerary_is_not_a_cycle_of_that_period():
    """A fixed point's itinerary repeated twice ('1','1') derives the fixed point twice: refused as period 2."""
    canon = {"kind": "plrnn", "A": ["1/2"], "W": [["0"]], "h": ["1"]}  # fixed point 2
    m = parse_plrnn(canon)
    res = check(_cert(canon, [_derived_fact(m, ["1", "1"], True)], 2))
    assert not res.ok and "not distinct" in res.message


def test_singular_and_inconsistent_cycle_systems_are_refused():
    """z -> z (every point fixed: I - M = 0, c = 0, singular) and z -> z + 1 (no fixed point: inconsistent): a
    derived fixed point is refused for both."""
    for h, word in (("0", "no unique"), ("1", "no solution")):
        canon = {"kind": "plrnn", "A": ["1"], "W": [["0"]], "h": [h]}
        res = check(_cert(canon, [_derived_fact(parse_plrnn(canon), ["0"])], 1))
        assert not res.ok and word in res.message, res.message


TENT = {"kind": "plrnn", "A": ["2"], "W": [["-4"]], "h": ["1"]}  # 2z + 1 (z <= 0), -2z + 1 (z > 0)


def test_rotation_that_is_not_the_canonical_start_is_refused():
    """The tent map's 3-cycle with itinerary 1,0,0 starts at its largest point; its rotation 0,0,1 starts at the
    least point and is accepted, the other two rotations are refused."""
    m = parse_plrnn(TENT)
    results = {}
    for k in range(3):
        it = (["1", "0", "0"] * 2)[k:k + 3]
        results["".join(it)] = check(_cert(TENT, [_kernel_fact(m, it)], 3))
    assert [s for s, r in results.items() if r.ok] == ["001"]
    assert all("lexicographically least" in r.message for s, r in results.items() if s != "001")


def test_derived_and_stated_facts_for_one_cycle_are_a_duplicate():
    """The same 3-cycle listed once with derived and once with stated points is listed twice: refused."""
    m = parse_plrnn(TENT)
    f = _kernel_fact(m, ["0", "0", "1"])
    it = [tuple(int(c) for c in s) for s in f["itinerary"]]
    pts = follow_itinerary(m, cycle_of(m, it)[1], it)
    g = dict(f, points=[[str(v) for v in z] for z in pts])
    res = check(_cert(TENT, [f, g], 3))
    assert not res.ok and "listed twice" in res.message


# ---------------------------------------------------------------------------- cost

def _big_tent(digits: int = 4000) -> dict:
    """The tent map with slope 2 + 10^-(digits - 1) on z <= 0: a numerator of `digits` digits."""
    N = 10 ** (digits - 1)
    return {"kind": "plrnn", "A": [f"{2 * N + 1}/{N}"], "W": [["-4"]], "h": ["1"]}


def test_long_derived_cycle_with_a_4000_digit_slope_is_refused_before_work(tmp_path):
    """Hang (fixed): a 1-D cycle fact of period 1024, points null, slope with 4000 digits was charged n^3 p^2 =
    2^20 of 2^32 but its exact solve grows numbers to 13.6 million bits (p = 128 took 139 s; 1024: hours, 1.7 GB
    of points). The bit-aware charge refuses it at once."""
    canon = _big_tent()
    m = parse_plrnn(canon)
    assert cycle_work(m, 1024) > MAX_MATRIX_WORK
    fact = _derived_fact(m, ["0"] * 1023 + ["1"], False)
    finished, ok, msg = _check_in_subprocess(tmp_path, _cert(canon, [fact], 1024), timeout=20)
    assert finished, msg
    assert not ok and "beyond the checker's limit for Jacobian products" in msg


def test_odd_denominators_in_dimension_16_are_charged_their_growth(tmp_path):
    """Hang (fixed): a 16-D PLRNN with random 30-bit odd denominators and one period-64 fact with points null was
    charged 2^24 of 2^32, but the denominators' lcm grows by thousands of bits a step (the exact solve alone ran
    141 s). The charge counts g = bits(lcm) + numerator bits + bits(n) per step and refuses it."""
    rng = np.random.default_rng(1)
    n, p = 16, 64

    def q():
        return f"{int(rng.integers(-2**29, 2**29))}/{int(rng.integers(2**28, 2**29)) | 1}"
    canon = {"kind": "plrnn", "A": [q() for _ in range(n)], "W": [[q() for _ in range(n)] for _ in range(n)],
             "h": [q() for _ in range(n)]}
    m = parse_plrnn(canon)
    assert step_bits(m) > 1000 and cycle_work(m, p) > MAX_MATRIX_WORK
    it = ["".join(str(int(b)) for b in rng.integers(0, 2, n)) for _ in range(p)]
    finished, ok, msg = _check_in_subprocess(tmp_path, _cert(canon, [_derived_fact(m, it, False)], p), timeout=20)
    assert finished, msg
    assert not ok and "beyond the checker's limit" in msg


def test_a_4000_digit_slope_is_charged_under_the_limit_for_short_periods():
    """The charge still admits a short derived cycle with a 4000-digit slope (period 16: 0.06 of the limit, under
    a second) and the Lorenz PLRNN's period-80 cycle (10-D, dyadic weights: g = 61 bits a step, 0.31 of the limit)."""
    m = parse_plrnn(_big_tent())
    assert cycle_work(m, 16) < MAX_MATRIX_WORK // 10
    f = _kernel_fact(m, ["0"] * 15 + ["1"])
    res = check(_cert(_big_tent(), [f], 16))
    assert res.ok, res.message
    from certify.maps.plrnn import load_plrnn
    lorenz = load_plrnn(str(ROOT / "examples/lorenz_plrnn.safetensors")).model
    assert step_bits(lorenz) < 64 and cycle_work(lorenz, 80) < MAX_MATRIX_WORK // 3


# ---------------------------------------------------------------------------- the float search

def test_search_cycles_is_deterministic_and_exact():
    """search_cycles on the chaotic 2-D PLRNN returns the same cycles twice, each a true cycle of minimal period p
    (Fraction oracle on its itinerary), and only cycles of the enumeration (it claims no completeness)."""
    from certify.maps.plrnn import plrnn_from_mapping
    from certify.periodic.plrnn import search_cycles

    chaos = {"kind": "plrnn", "A": ["1/2", "-3/4"], "W": [[0, -2], ["5/2", 0]], "h": ["3/4", "1/4"]}
    net = plrnn_from_mapping(chaos, "test")
    A = [Fraction(a) for a in chaos["A"]]
    W = [[Fraction(w) for w in r] for r in chaos["W"]]
    h = [Fraction(v) for v in chaos["h"]]
    for p in (1, 3, 6):
        a, b = search_cycles(net, p), search_cycles(net, p)
        assert a == b
        found, singular = enumerate_cycles(net.model, p)
        assert not singular and a <= found
        for cyc in a:
            assert cyc == canonical_cycle(cyc)
            itin = ["".join("1" if v > 0 else "0" for v in z) for z in cyc]
            want = _oracle_cycle(A, W, h, itin)
            assert want == tuple(tuple(Fraction(int(v.p), int(v.q)) for v in z) for z in cyc)


def test_singular_row_of_a_long_period_is_charged_its_growth(tmp_path):
    """Hang (fixed, pre-existing): a periods row of period 1024 naming a 'singular' itinerary made the kernel solve
    its cycle system (4000-digit slope: numbers of 13.6 million bits, hours) under the n^3 p^2 = 2^20 charge; the
    bit-aware charge refuses it before the solve."""
    canon = _big_tent()
    m = parse_plrnn(canon)
    cert = _cert(canon, [_kernel_fact(m, ["0"])], 1024)
    assert check(_cert(canon, [_kernel_fact(m, ["0"])], 1)).ok
    itin = ["0"] * 1023 + ["1"]
    cert["periods"][-1] = {"p": 1024, "count": 0, "complete": False, "singular": itin,
                           "reason": f"the cycle system of itinerary {','.join(itin)} is singular and consistent: a "
                                     f"continuum of periodic points is possible"}
    finished, ok, msg = _check_in_subprocess(tmp_path, cert, timeout=20)
    assert finished, msg
    assert not ok and "period 1024: the singular itinerary is beyond the checker's limits" in msg
