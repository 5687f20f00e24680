"""Adversarial review of the cycle-box lemma (plrnn_cycle_box) and of box rows in search_plrnn trees: false
boxes, box rows at the wrong time, with the wrong sign, from another model, models outside the hypotheses, and
hostile sizes under the work budget; differential tests against an independent Fraction brute force."""

import copy
from fractions import Fraction
from itertools import product

import pytest
from flint import fmpq
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from certify.api import orbits
from certify.certificates import q_parse
from certify.checker import check
from certify.checker.plrnn import Model
from certify.checker.plrnn_box import box_shape, fact_plrnn_cycle_box
from certify.checker import plrnn_tree
from certify.checker.plrnn_tree import MAX_SEARCH_WORK, new_budget, walk_tree
from certify.checker.statement import Failure
from certify.errors import CertifyError
from certify.maps.plrnn import load_plrnn, plrnn_from_mapping
from certify.periodic.plrnn_search import cycle_box, search_tree
from strategies import PLRNN_NUMBERS

# ---------------------------------------------------------------- the independent oracle (Fractions only)


def _solve(M, c):
    """The unique solution of M x = c by Gauss-Jordan in Fractions, or None when M is singular."""
    n = len(c)
    R = [list(M[i]) + [c[i]] for i in range(n)]
    for col in range(n):
        piv = next((r for r in range(col, n) if R[r][col] != 0), None)
        if piv is None:
            return None
        R[col], R[piv] = R[piv], R[col]
        for r in range(n):
            if r != col and R[r][col] != 0:
                f = R[r][col] / R[col][col]
                R[r] = [x - f * y for x, y in zip(R[r], R[col])]
    return [R[i][n] / R[i][i] for i in range(n)]


def _step(A, W, h, z):
    r = [max(x, Fraction(0)) for x in z]
    return [A[i] * z[i] + sum(W[i][j] * r[j] for j in range(len(z))) + h[i] for i in range(len(z))]


def oracle_cycles(A, W, h, p):
    """Every cycle of minimal period p by all 2^(n p) itineraries in Fractions: (set of frozensets of points,
    whether some itinerary's system was singular)."""
    n = len(A)
    cycles, singular = set(), False
    pats = list(product((0, 1), repeat=n))
    for it in product(pats, repeat=p):
        P = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
        c = [Fraction(0)] * n
        for D in it:
            J = [[(A[i] if i == j else 0) + (W[i][j] if D[j] else 0) for j in range(n)] for i in range(n)]
            P = [[sum(J[i][k] * P[k][j] for k in range(n)) for j in range(n)] for i in range(n)]
            c = [sum(J[i][k] * c[k] for k in range(n)) + h[i] for i in range(n)]
        z = _solve([[int(i == j) - P[i][j] for j in range(n)] for i in range(n)], c)
        if z is None:
            singular = True
            continue
        pts, x = [], z
        for D in it:
            if tuple(int(v > 0) for v in x) != D:
                break
            pts.append(tuple(x))
            x = _step(A, W, h, x)
        else:
            if x == z and len(set(pts)) == p:
                cycles.add(frozenset(pts))
    return cycles, singular


def _frac(A, W, h):
    return [Fraction(a) for a in A], [[Fraction(w) for w in r] for r in W], [Fraction(v) for v in h]


def _net(A, W, h):
    return plrnn_from_mapping({"kind": "plrnn", "A": A, "W": W, "h": h}, "attack")


def _fr(q):
    return Fraction(int(q.p), int(q.q))


@st.composite
def small_plrnns(draw):
    """A 1- or 2-dimensional PLRNN with |a_i| < 1 (negative and zero a_i included), W and h of mixed signs."""
    n = draw(st.integers(1, 2))
    a = st.one_of(st.just("0"), st.sampled_from(["1/2", "-1/2", "3/4", "-3/4", "1/3", "-9/10"]))
    A = draw(st.lists(a, min_size=n, max_size=n))
    W = [draw(st.lists(PLRNN_NUMBERS, min_size=n, max_size=n)) for _ in range(n)]
    h = draw(st.one_of(st.just(["0"] * n), st.lists(PLRNN_NUMBERS, min_size=n, max_size=n)))
    return A, W, h


@settings(max_examples=40, deadline=None)
@given(small_plrnns())
def test_oracle_cycles_lie_in_the_kernel_box(model):
    """Every cycle of periods 1..3 found by the Fraction brute force lies in the box the kernel accepts."""
    net = _net(*model)
    found = cycle_box(net.model)
    assume(found is not None)
    lo, hi = fact_plrnn_cycle_box(net.model, found[0])
    A, W, h = _frac(*model)
    for p in range(1, 4 if len(A) == 1 else 3):
        for cyc in oracle_cycles(A, W, h, p)[0]:
            assert all(_fr(lo[i]) <= z[i] <= _fr(hi[i]) for z in cyc for i in range(len(A)))


@settings(max_examples=25, deadline=None)
@given(small_plrnns())
def test_checked_orbits_counts_equal_the_oracle(model):
    """A checked orbits certificate (search with box rows, no enumeration) lists per complete period exactly the
    Fraction brute force's cycles: no cycle is dropped."""
    A, W, h = _frac(*model)
    P = 3 if len(A) == 1 else 2
    oracle = {p: oracle_cycles(A, W, h, p) for p in range(1, P + 1)}
    assume(not any(s for _, s in oracle.values()))
    cert = orbits(_net(*model), f"1..{P}", cap=0).certificate
    report = check(cert)
    assert report.ok, report.message
    for row in cert["periods"]:
        if row["complete"]:
            assert row["count"] == len(oracle[row["p"]][0])


# ---------------------------------------------------------------- hand-made models with known cycles

# z -> -2 relu(z) + 1: the 2-cycle {1, -1} (on the lemma's box boundary) and the fixed point 1/3
_FLIP = (["0"], [["-2"]], ["1"])


def test_known_two_cycle_lies_on_the_box_and_is_listed():
    """The 2-cycle {-1, 1} of z -> 1 - 2 relu(z) touches the box [-1, 1]; the checked certificate still lists it."""
    net = _net(*_FLIP)
    fact, (lo, hi) = cycle_box(net.model)
    assert _fr(lo[0]) <= -1 and _fr(hi[0]) >= 1
    assert oracle_cycles(*_frac(*_FLIP), 2)[0] == {frozenset({(Fraction(1),), (Fraction(-1),)})}
    cert = orbits(net, "1..3", cap=0).certificate
    assert check(cert).ok
    assert [r["count"] for r in cert["periods"]] == [1, 1, 0] and all(r["complete"] for r in cert["periods"])


def test_box_excluding_a_real_cycle_is_rejected():
    """A box fact whose last box cuts off the 2-cycle point z = 1 (hi = 1 - 2^-40) is rejected by the kernel."""
    m = _net(*_FLIP).model
    fact, _ = cycle_box(m)
    bad = copy.deepcopy(fact)
    for b in bad["boxes"]:
        b["hi"] = ["1099511627775/1099511627776"]
    box_shape(m, bad)
    with pytest.raises(Failure, match="does not contain"):
        fact_plrnn_cycle_box(m, bad)


def test_false_box_passed_to_the_walk_drops_the_cycle_but_the_certificate_cannot_carry_it():
    """With a box that excludes the 2-cycle the walk would miss it; in a certificate that box fact is refused."""
    net = _net(*_FLIP)
    cert = orbits(net, "1..2", cap=0).certificate
    bad = copy.deepcopy(cert)
    box = next(f for f in bad["evidence"] if f["fact"] == "plrnn_cycle_box")
    box["boxes"] = [{"lo": ["-1"], "hi": ["1/2"]}]
    report = check(bad)
    assert not report.ok and "does not contain" in report.message


# ---------------------------------------------------------------- box rows used wrongly in the tree

def _boxed():
    m = _net(["1/2", "3/5", "7/10"], [["0", "-1/2", "-1/3"], ["-1/4", "0", "-1/2"], ["-1/3", "-1/5", "0"]],
             ["1", "1/2", "-1/4"]).model
    fact, box = cycle_box(m)
    res = search_tree(m, 3, box=box)
    return m, box, "".join(res.shape), res.farkas


def _first_box_cert(farkas, n):
    return next(k for k, c in enumerate(farkas) if any(e[1] >= n for e in c))


@pytest.mark.parametrize("shift, message", [
    (lambda e, n, p: [e[0] + p, e[1], e[2]], "not a constraint"),            # a time beyond the period
    (lambda e, n, p: [-1, e[1], e[2]], "not a constraint"),                   # a negative time
    (lambda e, n, p: [e[0], e[1] + 2 * n, e[2]], "not a constraint"),          # row index 3n and beyond
    (lambda e, n, p: [e[0], e[1] + n if e[1] < 2 * n else e[1] - n, e[2]], "does not prove"),  # the other side
    (lambda e, n, p: [e[0], e[1], "-" + e[2]], "does not prove"),             # a negative multiplier
])
def test_box_row_tampering_is_rejected(shift, message):
    """A box row at a time outside 0..k(+1), beyond index 3n, on the other side of the box, or with y < 0 is refused."""
    m, box, shape, farkas = _boxed()
    k = _first_box_cert(farkas, m.n)
    bad = copy.deepcopy(farkas)
    j = next(j for j, e in enumerate(bad[k]) if e[1] >= m.n)
    bad[k][j] = shift(bad[k][j], m.n, 3)
    with pytest.raises(Failure, match=message):
        walk_tree(m, 3, shape, bad, box=box)


def test_next_time_box_row_needs_a_complete_pattern():
    """A box row of z_{k+1} at a node whose s_k is not complete (z_{k+1} not yet affine in z_0) is refused."""
    m, box, shape, farkas = _boxed()
    # the first pruned node of the walk: bit (0, 0) of s_0 (incomplete for n = 3) when the shape starts with 0
    bad = copy.deepcopy(farkas)
    bad[0] = bad[0] + [[1, m.n, "1"]]
    with pytest.raises(Failure, match="not a constraint"):
        walk_tree(m, 3, shape, bad, box=box)


def test_box_of_another_model_is_rejected():
    """A cycle-box fact proved for one PLRNN does not check for another (here h doubled)."""
    m1 = _net(*_FLIP).model
    m2 = _net(["0"], [["-2"]], ["2"]).model
    fact, _ = cycle_box(m1)
    with pytest.raises(Failure):
        fact_plrnn_cycle_box(m2, fact)


@pytest.mark.parametrize("a", ["1", "-1", "3/2", "-2"])
def test_models_outside_the_hypothesis_are_refused(a):
    """|a_i| >= 1 (either sign) violates the lemma's hypothesis: the kernel refuses the box fact."""
    fact = {"fact": "plrnn_cycle_box", "v": ["1"], "P": ["100"], "boxes": [{"lo": ["-1000"], "hi": ["1000"]}]}
    with pytest.raises(Failure, match=r"\(-1, 1\)"):
        fact_plrnn_cycle_box(_net([a], [["0"]], ["0"]).model, fact)


def test_non_diagonal_a_cannot_be_stated():
    """A non-diagonal A is refused when the PLRNN is read (the kernel's model has a diagonal only)."""
    with pytest.raises(CertifyError):
        load_plrnn("examples/plrnn_not_diagonal.json")


def test_zero_v_is_refused_even_when_m_v_would_pass():
    """v with a zero entry is refused (the M-matrix argument needs v > 0), also when (D - K) v > 0 fails only there."""
    m = _net(["1/2", "1/2"], [["0", "0"], ["0", "0"]], ["1", "1"]).model
    fact = {"fact": "plrnn_cycle_box", "v": ["1", "0"], "P": ["2", "2"],
            "boxes": [{"lo": ["-10", "-10"], "hi": ["10", "10"]}]}
    with pytest.raises(Failure, match="M-matrix"):
        fact_plrnn_cycle_box(m, fact)


# ---------------------------------------------------------------- hostile sizes under the budget

def _hostile(n, p, digits, ydigits=0):
    """A = W = 0, h = -1 (the fixed point -1): a valid box with entries of `digits` digits and distinct
    denominators, and the all-negative tree whose pruned nodes carry every box row of z_0..z_k (paired, so the
    certificates stay valid), with multipliers of `ydigits`-digit distinct denominators when ydigits > 0."""
    zero = fmpq(0)
    m = Model([zero] * n, [[zero] * n for _ in range(n)], [fmpq(-1)] * n)
    qs = [10 ** (digits - 1) + 2 * k + 1 for k in range(2 * n)]
    lo = [fmpq(-1) - fmpq(1, qs[n + i]) for i in range(n)]
    hi = [fmpq(-1, 2) + fmpq(1, qs[i]) for i in range(n)]
    ctr = iter(range(10 ** 7))
    shape, farkas = [], []

    def walk(k, bits):
        if len(bits) == n:
            if k < p - 1:
                walk(k + 1, ())
            return
        i = len(bits)
        shape.append("1")
        walk(k, bits + (0,))
        shape.append("0")
        pad = []
        for t in range(k + 1):
            for j in range(n):
                if not (t == k and j == i):
                    y = f"1/{10 ** (ydigits - 1) + 2 * next(ctr) + 1}" if ydigits else "1"
                    pad += [[t, n + j, y], [t, 2 * n + j, y]]
        Y = "1" if ydigits else str(2 * len(pad) + 10)
        farkas.append([[k, i, Y], [k, n + i, Y]] + pad)
    walk(0, ())
    return m, (lo, hi), "".join(shape), farkas


def test_multipliers_with_distinct_huge_denominators_exhaust_the_budget_before_the_work():
    """Farkas multipliers with distinct 4000-digit denominators (a quadratic lcm; ~50 s for n = 10, p = 8 before
    the fix, using 0.04% of the budget) are charged first: the walk is refused at once."""
    m, box, shape, farkas = _hostile(10, 8, 2, ydigits=4000)
    with pytest.raises(Failure, match="units of exact matrix work"):
        walk_tree(m, 8, shape, farkas, box=box)


def test_box_values_with_huge_denominators_are_charged_per_use():
    """A box with 4000-digit entries (written once, used by every box row) is charged per row: the n = 10,
    p = 2 tree (0.1 s, ~2e5 units before the fix) now costs beyond a 64th of the budget."""
    m, box, shape, farkas = _hostile(10, 2, 4000)
    with pytest.raises(Failure, match="units of exact matrix work"):
        walk_tree(m, 2, shape, farkas, [MAX_SEARCH_WORK // 64], box=box)
    assert walk_tree(m, 2, shape, farkas, box=box)[0] == set()   # a valid certificate, within the whole budget


def test_small_hostile_tree_is_valid_and_cheap():
    """The hostile tree with small box entries is a valid certificate (no cycle of period 3: all points are -1)."""
    m, box, shape, farkas = _hostile(3, 3, 2)
    assert walk_tree(m, 3, shape, farkas, box=box) == (set(), [])


@pytest.mark.parametrize("A, W, h", [
    (["0"], [["-1"]], ["1"]),                       # the 2-cycle {0, 1}: a kink point, both box ends
    (["-1/2"], [["-2"]], ["1"]),                     # negative a
    (["-3/4"], [["0"]], ["-1"]),                     # W = 0, h negative: the fixed point only
    (["0", "0"], [["0", "0"], ["0", "0"]], ["0", "0"]),   # everything zero: the fixed point 0 on all kinks
    (["-1/2", "1/2"], [["0", "-1"], ["1", "-1"]], ["0", "1"]),   # mixed signs
])
def test_degenerate_models_checked_counts_equal_the_oracle(A, W, h):
    """Kink cycles, negative a, W = 0, h = 0 or negative: the checked search lists exactly the oracle's cycles."""
    Af, Wf, hf = _frac(A, W, h)
    P = 4 if len(A) == 1 else 2
    cert = orbits(_net(A, W, h), f"1..{P}", cap=0).certificate
    assert check(cert).ok
    for row in cert["periods"]:
        cycles, singular = oracle_cycles(Af, Wf, hf, row["p"])
        if row["complete"]:
            assert not singular and row["count"] == len(cycles)


# ---------------------------------------------------------------- a node's check reused across the periods' trees

def _two_periods():
    """The boxed 3-D model's trees of periods 2 and 3 from one certifier memo (the nodes below the last pattern are
    the same in both), and the index in period 3's list of the first certificate period 2's tree also has."""
    m, box = _boxed()[:2]
    memo = {}
    t2, t3 = search_tree(m, 2, box=box, memo=memo), search_tree(m, 3, box=box, memo=memo)
    shared = [k for k, c in enumerate(t3.farkas) if c in t2.farkas]
    assert shared
    return m, box, t2, t3, shared[0]


@pytest.mark.parametrize("cap", [None, 1])
def test_reused_node_checks_charge_the_same_units(cap, monkeypatch):
    """Walking period 2's and period 3's trees on one budget charges exactly the units of walking them on plain
    budget lists (which reuse nothing), and finds the same cycles: a node checked before is charged again, in
    full; also when the tables of checked nodes and products are full after one entry."""
    if cap is not None:
        monkeypatch.setattr(plrnn_tree, "KEPT_NODES", cap)
        monkeypatch.setattr(plrnn_tree, "KEPT_PRODUCTS", cap)
    m, box, t2, t3, _ = _two_periods()
    shared, plain = new_budget(), [MAX_SEARCH_WORK]
    for t in (t2, t3):
        got = walk_tree(m, t.p, "".join(t.shape), t.farkas, shared, box=box)
        assert got == walk_tree(m, t.p, "".join(t.shape), t.farkas, plain, box=box)
    assert shared[0] == plain[0] < MAX_SEARCH_WORK


@pytest.mark.parametrize("tamper, message", [
    (lambda e: [e[0], e[1], "-" + e[2]], "does not prove"),                    # a negative multiplier
    (lambda e: [e[0], e[1], str(2 * q_parse(e[2]))], "does not prove"),        # another multiplier
    (lambda e: [bool(e[0]) if e[0] in (0, 1) else float(e[0]), e[1], e[2]], "a Farkas entry is"),  # == as a key, not a time
])
def test_a_node_checked_in_one_period_is_not_taken_on_trust_in_the_next(tamper, message):
    """A pruned node that period 2's tree proved empty, met again in period 3's tree (same budget) with its
    certificate changed (a wrong multiplier, or a time written True or 1.0, equal to 1 as a dict key), is refused."""
    m, box, t2, t3, k = _two_periods()
    budget = new_budget()
    walk_tree(m, 2, "".join(t2.shape), t2.farkas, budget, box=box)
    bad = copy.deepcopy(t3.farkas)
    bad[k][0] = tamper(bad[k][0])
    with pytest.raises(Failure, match=message):
        walk_tree(m, 3, "".join(t3.shape), bad, budget, box=box)
