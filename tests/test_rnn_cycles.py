"""Every cycle of an n-dimensional RNN map (claim rnn_cycles): complete lists by the kernel's subdivision of the
image box, found lists labelled not proved complete, refusals of tampered certificates."""

import copy
from fractions import Fraction

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import certify
from certify.cli import main
from certify.verify import check
from tests import strategies


def _orbits(W, b, p, activation="tanh"):
    return certify.orbits(certify.rnn(W=W, b=b, activation=activation), p)


def _fixed_1d(w: float) -> float:
    """The positive fixed point of x -> tanh(w x), w > 1 (mpmath, 40 digits)."""
    with mpmath.workdps(40):
        return float(mpmath.findroot(lambda x: mpmath.tanh(w * x) - x, 1))


def test_product_of_bistable_maps_has_nine_fixed_points():
    """h -> tanh(2 h) on R^2 is a product of two maps with fixed points {-x*, 0, x*}: exactly 9 fixed points,
    (0, 0) repelling, the 4 corners attracting, the 4 others saddles."""
    r = _orbits([["2", "0"], ["0", "2"]], ["0", "0"], 1)
    c = r.certificate
    assert r.verdict == "proved" and c["complete"] is True and c["count"] == 9
    kinds = sorted(o["stability"] for o in c["orbits"])
    assert kinds == ["attracting"] * 4 + ["repelling"] + ["saddle: 1 unstable direction"] * 4
    xs = _fixed_1d(2.0)
    firsts = sorted({round(float(Fraction(o["box"][0]["lo"])), 6) for o in c["orbits"]})
    assert firsts == [round(-xs, 6), 0.0, round(xs, 6)]


def test_product_of_bistable_maps_has_no_two_cycle():
    """h -> tanh(2 h) is a product of monotone maps: no orbit of minimal period 2 (complete)."""
    c = _orbits([["2", "0"], ["0", "2"]], ["0", "0"], 2).certificate
    assert c["verdict"] == "proved" and c["complete"] is True and c["count"] == 0 and c["orbits"] == []


def test_constant_map_has_one_fixed_point_and_no_cycles():
    """W = 0: f is the constant tanh(b), its only periodic point, a fixed point (attracting); no 2- or 3-cycles."""
    counts = []
    for p in (1, 2, 3):
        c = _orbits([["0", "0"], ["0", "0"]], ["1/2", "-1/3"], p).certificate
        assert c["verdict"] == "proved" and c["complete"] is True
        counts.append(c["count"])
    assert counts == [1, 0, 0]


def test_identity_continuum_is_never_counted():
    """W = I, b = 0: tanh(h) = h only at 0, but h -> tanh(h) is tangent to the identity there (multiplier 1):
    Krawczyk cannot isolate it, so the verdict is undecided, never a count."""
    r = _orbits([["1", "0"], ["0", "1"]], ["0", "0"], 1)
    assert r.verdict == "undecided"


def test_tie_in_first_coordinate_is_decided_by_a_functional():
    """h -> tanh(-2 h) on R^2: the 2-cycle ((0, a), (0, -a)) has the same first coordinate at both points, so the
    canonical rotation is taken by c.z with c = (1, 1/3): exactly 4 orbits of minimal period 2 ((a, a), (a, -a),
    (0, a), (a, 0) up to sign; a the 2-cycle of x -> tanh(-2 x)), complete."""
    c = _orbits([["-2", "0"], ["0", "-2"]], ["0", "0"], 2).certificate
    assert c["verdict"] == "proved" and c["complete"] is True and c["count"] == 4
    assert c["claim"]["order"] == ["1", "1/3"]


def _two_cycles_1d(g) -> int:
    """The number of orbits of minimal period 2 of the decreasing map g of [-1, 1] (mpmath, 30 digits): sign
    changes of g(g(x)) - x on a grid, the fixed point taken out, halved."""
    with mpmath.workdps(30):
        xs = [mpmath.mpf(-1) + 2 * mpmath.mpf(i) / 4000 for i in range(4001)]
        h = [g(g(x)) - x for x in xs]
        return (sum(1 for a, b in zip(h, h[1:]) if a * b < 0) - 1) // 2


def test_zero_row_unit_is_constant_on_every_cycle():
    """W with a zero first row: h_1 = tanh(1/2) at every periodic point, so every 2-cycle ties in h_1; with the
    functional order the list is complete: exactly the 2-cycles of x -> tanh(tanh(1/2) - 3 x) (mpmath: one)."""
    c = _orbits([["0", "0"], ["1", "-3"]], ["1/2", "0"], 2).certificate
    expected = _two_cycles_1d(lambda x: mpmath.tanh(mpmath.tanh(mpmath.mpf(1) / 2) - 3 * x))
    assert c["complete"] is True and c["count"] == expected == 1


def test_gain_one_network_has_exactly_one_fixed_point():
    """examples/rnn8_gain1.safetensors (n = 8): exactly one fixed point, attracting (complete in the image box)."""
    c = certify.orbits("examples/rnn8_gain1.safetensors", 1).certificate
    assert c["complete"] is True and c["count"] == 1 and c["orbits"][0]["stability"] == "attracting"
    assert c["claim"]["basis"] == "image"


def test_found_list_beyond_complete_dimension():
    """n p > 16 (examples/rnn8_gain4.safetensors, n = 8, p = 3): no complete search; 4 orbits of minimal period 3
    found, each proved (one Krawczyk fact each, with its multipliers), labelled not proved complete."""
    c = certify.orbits("examples/rnn8_gain4.safetensors", 3).certificate
    assert c["verdict"] == "proved" and c["complete"] is False and "n p = 24 > 16" in c["reason"]
    assert c["count"] == 4 == sum(f["fact"] == "cycle_krawczyk_nd" for f in c["evidence"])
    assert "at least 4 orbits of minimal period 3 (found, not proved complete" in check(c).statement


def test_certificate_is_byte_identical_on_rerun():
    """The same network and period give the same certificate bytes."""
    a = _orbits([["2", "1/2"], ["-1", "3/2"]], ["1/4", "0"], 2)
    b = _orbits([["2", "1/2"], ["-1", "3/2"]], ["1/4", "0"], 2)
    assert a.certificate_json == b.certificate_json


@pytest.fixture(scope="module")
def nine():
    return _orbits([["2", "0"], ["0", "2"]], ["0", "0"], 1).certificate


def _tampered(cert, change):
    c = copy.deepcopy(cert)
    change(c)
    return check(c)


def test_dropped_orbit_is_refused(nine):
    """A complete list with one orbit removed (count 8) is refused: the kernel counts 9."""
    def drop(c):
        c["orbits"].pop()
        c["count"] = 8
    assert not _tampered(nine, drop).ok


def test_stability_changed_is_refused(nine):
    """An orbit's stability changed from the kernel's is refused."""
    def flip(c):
        c["orbits"][0]["stability"] = "repelling" if c["orbits"][0]["stability"] != "repelling" else "attracting"
    assert not _tampered(nine, flip).ok


def test_region_smaller_than_image_box_is_refused(nine):
    """The basis image needs the region to contain the image box: a region shrunk to [0, 1] x [0, 1] is refused
    (it would hide the cycles outside it)."""
    def shrink(c):
        c["claim"]["region"] = [{"lo": "0", "hi": "1"}] * 2
    res = _tampered(nine, shrink)
    assert not res.ok and "image box" in res.message


def test_found_list_marked_complete_is_refused():
    """A found list (not proved complete) cannot claim complete: true."""
    c = certify.orbits("examples/rnn8_gain4.safetensors", 3).certificate
    assert not _tampered(c, lambda c: c.update(complete=True)).ok


def test_found_list_with_a_rotation_twice_is_refused():
    """A found list listing the same orbit twice (as a rotation of itself) is refused: not shown distinct."""
    c = certify.orbits("examples/rnn8_gain4.safetensors", 3).certificate

    def dup(c):
        f = copy.deepcopy(c["evidence"][0])
        f["boxes"] = f["boxes"][1:] + f["boxes"][:1]
        c["evidence"].append(f)
        c["orbits"].append({"box": f["boxes"][0], "stability": f["stability"]})
        c["count"] += 1
    res = _tampered(c, dup)
    assert not res.ok and "distinct" in res.message


def test_order_zero_is_refused(nine):
    """The functional order c = 0 orders nothing: refused."""
    assert not _tampered(nine, lambda c: c["claim"].update(order=["0", "0"])).ok


def test_cli_orbits_on_rnn_file(capsys):
    """`certify orbits examples/rnn3_cycles.json --period 3` prints the complete count (two 3-cycles, both saddles
    with one unstable direction) and exits 0."""
    assert main(["orbits", "examples/rnn3_cycles.json", "--period", "3"]) == 0
    out = capsys.readouterr().out
    assert "exactly 2 orbits of minimal period 3 (complete)" in out
    assert out.count("saddle: 1 unstable direction") == 2


def test_hardtanh_product_two_cycles_exact():
    """h -> hardtanh(-2 h) on R^2: exactly 4 orbits of minimal period 2, at exact points with coordinates in
    {-1, 0, 1} ((1, 1), (1, -1), (0, 1), (1, 0) up to sign), by the exact enumeration of sign itineraries."""
    c = _orbits([["-2", "0"], ["0", "-2"]], ["0", "0"], 2, activation="hardtanh").certificate
    assert c["verdict"] == "proved" and c["complete"] is True and c["claim"]["basis"] == "enumeration"
    pts = sorted(tuple(Fraction(v["lo"]) for v in o["box"][:2]) for o in c["orbits"])
    assert all(v["lo"] == v["hi"] for o in c["orbits"] for v in o["box"])
    assert pts == [(-1, -1), (-1, 0), (-1, 1), (0, -1)]
    assert sorted(o["stability"] for o in c["orbits"]) == ["attracting"] * 2 + ["saddle: 1 unstable direction"] * 2


def test_relu_identity_continuum_is_undecided():
    """h -> relu(h) fixes every point of the closed orthant: the enumeration meets a singular, consistent cycle
    system and the verdict is undecided (a continuum is never counted)."""
    r = _orbits([["1", "0"], ["0", "1"]], ["0", "0"], 1, activation="relu")
    assert r.verdict == "undecided" and "singular" in r.certificate["reason"]


def test_relu_constant_map_fixed_point():
    """W = 0: h -> relu(b) = (1/2, 0) is the only periodic point, an attracting fixed point, exactly."""
    c = _orbits([["0", "0"], ["0", "0"]], ["1/2", "-1"], 1, activation="relu").certificate
    assert c["count"] == 1 and c["orbits"][0]["box"] == [{"lo": "1/2", "hi": "1/2"}, {"lo": "0", "hi": "0"}]
    assert c["orbits"][0]["stability"] == "attracting"


def test_enumerated_point_moved_is_refused():
    """An enumerated list whose exact point is moved (1 -> 1/2) is refused."""
    c = _orbits([["-2", "0"], ["0", "-2"]], ["0", "0"], 2, activation="hardtanh").certificate

    def move(c):
        c["orbits"][0]["box"][0] = {"lo": "1/2", "hi": "1/2"}
    assert not _tampered(c, move).ok


def test_period_refuted_by_an_empty_complete_list():
    """`certify period examples/rnn3_cycles.json -p 2`: no float 2-cycle, and the complete list is empty, so the
    verdict is refuted (no point of minimal period 2 anywhere: the image box holds every periodic point)."""
    r = certify.period("examples/rnn3_cycles.json", 2)
    c = r.certificate
    assert r.verdict == "refuted" and c["claim"]["kind"] == "rnn_cycles" and c["claim"]["question"] == "period"
    assert c["count"] == 0 and c["complete"] is True
    assert "has no point of minimal period 2" in check(c).statement


def test_refuted_with_a_listed_orbit_is_refused():
    """A period question refuted while its complete list has an orbit is refused (and proved with an empty list)."""
    c = certify.period("examples/rnn3_cycles.json", 2).certificate
    assert not _tampered(c, lambda c: c.update(verdict="proved")).ok
    c3 = certify.orbits("examples/rnn3_cycles.json", 3).certificate
    assert not _tampered(c3, lambda c: (c["claim"].update(question="period"), c.update(verdict="refuted"))).ok


def test_contraction_refutes_every_period_above_one():
    """examples/rnn8_gain1.safetensors is a certified contraction: its only periodic point is its fixed point, so
    `certify period ... -p 3` is refuted with the basis contraction (no subdivision needed in dimension 8)."""
    r = certify.period("examples/rnn8_gain1.safetensors", 3)
    c = r.certificate
    assert r.verdict == "refuted" and c["claim"]["basis"] == "contraction" and c["count"] == 0
    assert "contraction" in check(c).statement


def test_contraction_basis_refusals():
    """A list by contraction cannot list a period-1 orbit count (the fixed point needs its own enclosure), cannot be
    non-empty, and its contraction fact must hold (weights changed to make q >= 1 are refused)."""
    c = certify.orbits("examples/rnn8_gain1.safetensors", 2).certificate
    assert check(c).ok and c["claim"]["basis"] == "contraction"
    assert not _tampered(c, lambda c: c["claim"].update(p=1)).ok
    assert not _tampered(c, lambda c: c.update(count=1)).ok

    def heavy(c):
        c["evidence"][0]["weights"] = ["1"] + ["1/1000000"] * (len(c["evidence"][0]["weights"]) - 1)
        c["evidence"][0]["norm"] = "max"
    assert not _tampered(c, heavy).ok


@settings(max_examples=strategies.examples(20), deadline=None)
@given(w=st.lists(st.sampled_from([Fraction(0), Fraction(1, 2), Fraction(-1, 2), Fraction(-9, 10), Fraction(3, 4)]),
                  min_size=1, max_size=3),
       b=st.lists(st.sampled_from([Fraction(0), Fraction(1, 3), Fraction(-2)]), min_size=3, max_size=3),
       p=st.integers(2, 3))
def test_contraction_basis_agrees_with_diagonal_oracle(w, b, p):
    """Diagonal tanh with |w_i| < 1 (zero weights included) is a certified contraction: the list of period p >= 2
    (basis contraction) is empty, as the mpmath oracle of the 1-D factors finds."""
    from tests.rnn_cycles_oracle import diagonal_cycles
    b = b[:len(w)]
    W = [[str(w[i]) if i == j else "0" for j in range(len(w))] for i in range(len(w))]
    c = _orbits(W, [str(v) for v in b], p).certificate
    oracle = diagonal_cycles("tanh", w, b, p)
    assert c["claim"]["basis"] == "contraction" and check(c).ok and c["count"] == 0
    assert oracle is not None and len(oracle) == 0
