"""The cycle-box lemma for PLRNNs (plrnn_cycle_box): every cycle lies in the box, tampering is rejected, and the
pruned search inside the box lists exactly the brute-force cycles."""

import copy
from fractions import Fraction

import pytest
from flint import fmpq
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from certify.api import orbits
from certify.checker import check
from certify.checker.plrnn import enumerate_cycles
from certify.checker.plrnn_box import box_shape, fact_plrnn_cycle_box
from certify.checker.plrnn_tree import walk_tree
from certify.checker.statement import Failure
from certify.maps.plrnn import plrnn_from_mapping
from certify.periodic.plrnn_search import cycle_box, search_tree
from strategies import PLRNN_NUMBERS, plrnn_models

# a_i in [0, 1) or in (-1, 1), zero often
_a = st.one_of(st.just("0"), st.tuples(st.integers(-3, 3), st.just(4)).map(lambda t: f"{t[0]}/{t[1]}"))


def plrnns():
    return plrnn_models(a=_a, w=PLRNN_NUMBERS)


def _model(A, W, h):
    return plrnn_from_mapping({"kind": "plrnn", "A": A, "W": W, "h": h}, "test").model


def _fraction_step(A, W, h, z):
    """f(z) = A z + W relu(z) + h in Fractions (the oracle's own evaluation)."""
    r = [max(x, Fraction(0)) for x in z]
    return [A[i] * z[i] + sum(W[i][j] * r[j] for j in range(len(z))) + h[i] for i in range(len(z))]


def _fr(q):
    return Fraction(int(q.p), int(q.q))


@settings(max_examples=60, deadline=None)
@given(plrnns())
def test_every_brute_force_cycle_lies_in_the_box(m):
    """Every cycle of periods 1..3 (all 2^(n p) itineraries solved) lies in the kernel-checked cycle box (Fraction oracle)."""
    found = cycle_box(m)
    assume(found is not None)
    fact, _ = found
    box_shape(m, fact)
    lo, hi = fact_plrnn_cycle_box(m, fact)
    A, W, h = [_fr(a) for a in m.A], [[_fr(w) for w in r] for r in m.W], [_fr(v) for v in m.h]
    for p in range(1, 4):
        if m.n * p > 9:
            break
        cycles, _ = enumerate_cycles(m, p)
        for cyc in cycles:
            pts = [[_fr(x) for x in z] for z in cyc]
            for t, z in enumerate(pts):   # the oracle re-checks the cycle in Fractions, then the box
                assert _fraction_step(A, W, h, z) == pts[(t + 1) % p]
                assert all(_fr(lo[i]) <= z[i] <= _fr(hi[i]) for i in range(m.n))


@settings(max_examples=40, deadline=None)
@given(plrnns(), st.integers(1, 3))
def test_search_in_the_box_finds_exactly_the_brute_force_cycles(m, p):
    """With the box's rows the pruned search and its kernel re-walk list exactly the 2^(n p) enumeration's p-cycles."""
    found = cycle_box(m)
    assume(found is not None)
    if m.n * p > 8:
        p = max(1, 8 // m.n)
    res = search_tree(m, p, box=found[1])
    cycles, singular = enumerate_cycles(m, p)
    assert res.cycles == cycles
    kcycles, ksingular = walk_tree(m, p, "".join(res.shape), res.farkas, box=found[1])
    assert kcycles == res.cycles and ksingular == res.singular


@pytest.mark.parametrize("A, W, h", [
    (["0", "0"], [["0", "0"], ["0", "0"]], ["0", "0"]),          # everything zero: the fixed point 0 on every kink
    (["1/2", "0"], [["0", "0"], ["0", "0"]], ["1", "-1"]),       # W = 0: the box is the fixed point
    (["0", "0"], [["0", "-1"], ["1", "0"]], ["1/2", "0"]),       # a = 0, h on a kink
    (["1/2", "-1/2"], [["0", "-2"], ["5/2", "0"]], ["3/4", "1/4"]),  # negative a_i
])
def test_degenerate_models_box_holds_the_cycles(A, W, h):
    """W = 0, h = 0, a = 0, negative a_i: the box holds every cycle of periods 1..4 and the search in it is exact."""
    m = _model(A, W, h)
    fact, box = cycle_box(m)
    lo, hi = fact_plrnn_cycle_box(m, fact)
    for p in range(1, 5):
        cycles, _ = enumerate_cycles(m, p)
        assert all(lo[i] <= z[i] <= hi[i] for cyc in cycles for z in cyc for i in range(m.n))
        assert search_tree(m, p, box=box).cycles == cycles


def test_zero_model_box_is_the_origin():
    """For W = 0 and h = 0 the lemma's box is the single point 0 (the only cycle, the fixed point on all kinks)."""
    m = _model(["0", "1/2"], [["0", "0"], ["0", "0"]], ["0", "0"])
    fact, (lo, hi) = cycle_box(m)
    assert lo == hi == [fmpq(0), fmpq(0)]
    assert search_tree(m, 1, box=(lo, hi)).cycles == {((fmpq(0), fmpq(0)),)}


def test_strong_positive_feedback_has_no_box():
    """rho(D^-1 W+) > 1 (a unit exciting itself through a partner): no M-matrix certificate, no box is claimed."""
    assert cycle_box(_model(["1/2", "1/2"], [["0", "1"], ["1", "0"]], ["1", "1"])) is None


def test_unit_a_is_refused():
    """a_i = 1 violates the lemma's hypothesis |a_i| < 1: no box from the finder, and the kernel refuses one."""
    m = _model(["1", "0"], [["0", "0"], ["0", "0"]], ["0", "0"])
    assert cycle_box(m) is None
    ok = _model(["1/2", "0"], [["0", "0"], ["0", "0"]], ["0", "0"])
    fact, _ = cycle_box(ok)
    with pytest.raises(Failure, match=r"\(-1, 1\)"):
        fact_plrnn_cycle_box(m, fact)


_M = (["1/2", "3/4"], [["0", "-1"], ["1/4", "0"]], ["1", "1/2"])


def _tampered(change):
    m = _model(*_M)
    fact, _ = cycle_box(m)
    bad = copy.deepcopy(fact)
    change(bad)
    box_shape(m, bad)
    return m, bad


@pytest.mark.parametrize("change, message", [
    (lambda f: f["boxes"][-1]["hi"].__setitem__(0, "-1000"), "does not contain"),     # a box too small
    (lambda f: f["boxes"][0]["lo"].__setitem__(1, "1000"), "does not contain"),
    (lambda f: f["v"].__setitem__(0, "0"), "M-matrix"),                               # v not positive
    (lambda f: f["v"].__setitem__(1, "-1"), "M-matrix"),
    (lambda f: f["P"].__setitem__(0, "0"), "P >= 0"),                                  # P violates (D - K) P >= g+
    (lambda f: f["P"].__setitem__(1, "-1"), "P >= 0"),
])
def test_tampered_box_fact_is_rejected(change, message):
    """A box smaller than the lemma derives, a v that is not positive, or a P violating (D - K) P >= g+ is rejected."""
    m, bad = _tampered(change)
    with pytest.raises(Failure, match=message):
        fact_plrnn_cycle_box(m, bad)


def test_box_fact_work_is_bounded_before_the_work():
    """More boxes than MAX_BOX_STEPS are refused by the shape check before any arithmetic."""
    m = _model(*_M)
    fact, _ = cycle_box(m)
    fact["boxes"] = fact["boxes"][:1] * 300
    with pytest.raises(Failure, match="boxes must list"):
        box_shape(m, fact)


def test_certificate_with_box_checks_and_tampering_fails():
    """orbits on the 2-D chaotic PLRNN carries a cycle box the checker verifies; dropping or shrinking the box is refused."""
    res = orbits("examples/plrnn_chaos.json", "1..6", cap=4)
    cert = res.certificate
    assert any(f["fact"] == "plrnn_cycle_box" for f in cert["evidence"])
    report = check(cert)
    assert report.ok and "lies in the box" in report.statement
    bad = copy.deepcopy(cert)   # the searches say box: true, so the box fact cannot be dropped
    bad["evidence"] = [f for f in bad["evidence"] if f["fact"] != "plrnn_cycle_box"]
    assert not check(bad).ok and "no plrnn_cycle_box" in check(bad).message
    bad = copy.deepcopy(cert)
    box = next(f for f in bad["evidence"] if f["fact"] == "plrnn_cycle_box")
    box["boxes"][-1]["hi"][0] = box["boxes"][-1]["lo"][0]
    assert not check(bad).ok and "does not contain" in check(bad).message


def _boxed_search():
    """A 3-D PLRNN whose search in the box prunes with box rows (two-row, one-step and LP certificates)."""
    m = _model(["1/2", "3/5", "7/10"], [["0", "-1/2", "-1/3"], ["-1/4", "0", "-1/2"], ["-1/3", "-1/5", "0"]],
               ["1", "1/2", "-1/4"])
    fact, box = cycle_box(m)
    res = search_tree(m, 3, box=box)
    assert any(e[1] >= m.n for c in res.farkas for e in c)
    return m, box, res


def test_search_with_box_rows_is_rewalked_and_tampering_is_rejected():
    """The kernel accepts the box-row certificates and rejects a changed multiplier or a box row without the box."""
    m, box, res = _boxed_search()
    shape = "".join(res.shape)
    assert walk_tree(m, 3, shape, res.farkas, box=box)[0] == res.cycles
    k = next(i for i, c in enumerate(res.farkas) if any(e[1] >= m.n for e in c))
    bad = copy.deepcopy(res.farkas)
    e = next(e for e in bad[k] if e[1] >= m.n)
    e[2] = str(fmpq(e[2]) * 2)
    with pytest.raises(Failure, match="does not prove the node empty"):
        walk_tree(m, 3, shape, bad, box=box)
    with pytest.raises(Failure, match="not a constraint of the node"):
        walk_tree(m, 3, shape, res.farkas)
    wide = ([x - 1000 for x in box[0]], [x + 1000 for x in box[1]])   # the certificates hold for the proved box only
    with pytest.raises(Failure, match="does not prove the node empty"):
        walk_tree(m, 3, shape, res.farkas, box=wide)


def test_walk_charges_every_node_before_its_work():
    """The walk's budget counts NODE_UNITS per node and LEAF_UNITS per leaf: a 1-D all-expanded tree exhausts a small budget."""
    from certify.checker.plrnn_tree import LEAF_UNITS, NODE_UNITS
    m = _model(["1/2"], [["1/3"]], ["1/5"])
    budget = [200 * NODE_UNITS + 10 * LEAF_UNITS]
    with pytest.raises(Failure, match="units of exact matrix work"):
        walk_tree(m, 12, "1" * 4000, [], budget)
