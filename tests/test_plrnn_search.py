"""PLRNN cycles by the pruned itinerary search: same cycles as brute force, the kernel's re-walk, tampering, CLI."""

import copy
import json

import numpy as np
import pytest
from flint import fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

from certify.api import orbits, period_range
from certify.checker import check
from certify.checker.plrnn import enumerate_cycles
from certify.checker.plrnn_tree import farkas_holds, walk_tree
from certify.checker.statement import Failure
from certify.cli import main
from certify.errors import CertifyError
from certify.maps.plrnn import is_plrnn_file, load_plrnn, plrnn_from_mapping
from certify.periodic.plrnn_search import SearchBudget, search_tree
from strategies import plrnn_models

CHAOS = "examples/plrnn_chaos.json"
Q = fmpq

plrnns = plrnn_models


@settings(max_examples=60, deadline=None)
@given(plrnns(), st.integers(1, 4))
def test_search_finds_exactly_the_brute_force_cycles(m, p):
    """The pruned search and the enumeration of all 2^(n p) itineraries list the same p-cycles."""
    if m.n * p > 8:
        p = max(1, 8 // m.n)
    res = search_tree(m, p)
    found, singular = enumerate_cycles(m, p)
    assert res.cycles == found
    assert {tuple(s) for s in res.singular} <= {tuple(s) for s in singular}


@settings(max_examples=30, deadline=None)
@given(plrnns(), st.integers(1, 3))
def test_kernel_walk_reproduces_the_search(m, p):
    """The kernel's re-walk of the shape and Farkas certificates finds the finder's cycles and singular leaves."""
    res = search_tree(m, p)
    found, singular = walk_tree(m, p, "".join(res.shape), res.farkas)
    assert found == res.cycles and singular == res.singular


def test_fixed_point_on_the_kink_found_once():
    """z -> z/2 + relu(z) has the single fixed point 0, on the kink: both methods list it once."""
    m = plrnn_from_mapping({"kind": "plrnn", "A": ["1/2"], "W": [[1]], "h": [0]}, "kink").model
    assert search_tree(m, 1).cycles == enumerate_cycles(m, 1)[0] == {((Q(0),),)}


def test_singular_leaf_is_reported():
    """z -> relu(z) fixes every z >= 0 (the leaf '1' has a singular, consistent system): reported, not pruned."""
    m = plrnn_from_mapping({"kind": "plrnn", "A": [0], "W": [[1]], "h": [0]}, "id").model
    assert search_tree(m, 1).singular == [["1"]]


def test_chaos_map_search_equals_enumeration_to_period_7():
    """On examples/plrnn_chaos.json the search and the enumeration agree for p = 1..7 (n p <= 14)."""
    m = load_plrnn(CHAOS).model
    for p in range(1, 8):
        assert search_tree(m, p).cycles == enumerate_cycles(m, p)[0]


def test_farkas_certificate_by_hand():
    """z <= -1 and -z <= -1 (z >= 1): y = (1, 1) sums the rows to 0 <= -2, so the polyhedron is empty."""
    assert farkas_holds([([Q(1)], Q(-1), Q(1)), ([Q(-1)], Q(-1), Q(1))], 1)
    assert not farkas_holds([([Q(1)], Q(-1), Q(1)), ([Q(-1)], Q(-1), Q(2))], 1)   # y^T A != 0
    assert not farkas_holds([([Q(1)], Q(1), Q(1)), ([Q(-1)], Q(1), Q(1))], 1)     # y^T b >= 0


def test_budget_stops_the_search():
    """A node budget below the tree's size raises SearchBudget with the cycles found so far."""
    with pytest.raises(SearchBudget) as e:
        search_tree(load_plrnn(CHAOS).model, 8, max_nodes=100)
    assert e.value.result.nodes == 101


@pytest.fixture(scope="module")
def chaos_cert():
    res = orbits(CHAOS, "1..8", cap=4)
    return res.certificate


def test_orbits_range_certificate_is_complete_and_checks(chaos_cert):
    """orbits PLRNN 1..8 with cap 4: periods 3..8 complete by search_plrnn facts, and the kernel agrees."""
    kinds = {f["p"]: f["fact"] for f in chaos_cert["evidence"] if f["fact"] not in ("cycle_plrnn", "plrnn_cycle_box")}
    assert kinds == {1: "enumeration_plrnn", 2: "enumeration_plrnn", **{p: "search_plrnn" for p in range(3, 9)}}
    assert all(r["complete"] for r in chaos_cert["periods"])
    assert [r["count"] for r in chaos_cert["periods"]] == [1, 0, 2, 2, 2, 2, 4, 7]
    res = check(chaos_cert)
    assert res.ok and "pruned itinerary search" in res.statement


def _search_fact(cert, p):
    return next(f for f in cert["evidence"] if f["fact"] == "search_plrnn" and f["p"] == p)


@pytest.mark.parametrize("tamper, msg", [
    (lambda f: f["farkas"][0][0].__setitem__(2, "1/1000000"), "does not prove the node empty"),
    (lambda f: f.__setitem__("shape", f["shape"].replace("1", "0", 1)), ""),
    (lambda f: f["farkas"][0].pop(), "does not prove the node empty"),
    (lambda f: f["farkas"][0][0].__setitem__(0, 99), "not a constraint of the node"),
])
def test_tampered_tree_is_rejected(chaos_cert, tamper, msg):
    """A changed multiplier, shape mark or row of a Farkas certificate makes the kernel reject the certificate."""
    cert = copy.deepcopy(chaos_cert)
    tamper(_search_fact(cert, 6))
    res = check(cert)
    assert not res.ok and msg in res.message


def test_dropped_cycle_is_rejected(chaos_cert):
    """Deleting a listed 7-cycle (and lowering its count) is caught by the re-walked tree."""
    cert = copy.deepcopy(chaos_cert)
    i = next(i for i, f in enumerate(cert["evidence"]) if f["fact"] == "cycle_plrnn" and f["p"] == 7)
    del cert["evidence"][i]
    cert["periods"][6]["count"] -= 1
    res = check(cert)
    assert not res.ok and "the search tree finds 4 cycles of period 7, 3 are listed" in res.message


def test_walk_rejects_a_short_shape():
    """A shape string that ends before the walk does is a Failure naming it."""
    m = load_plrnn(CHAOS).model
    res = search_tree(m, 3)
    with pytest.raises(Failure, match="ends early"):
        walk_tree(m, 3, "".join(res.shape)[:-1], res.farkas)


def test_period_range_parsing():
    """'1..8' is (1, 8), '5' is (5, 5); an empty or malformed range is a CertifyError."""
    assert period_range("1..8") == (1, 8) and period_range("5") == (5, 5)
    for bad in ("3..1", "0..4", "a..b", "1..2..3"):
        with pytest.raises(CertifyError):
            period_range(bad)


def test_first_period_rows_claim_nothing():
    """orbits PLRNN 3..4: periods 1 and 2 are listed as not requested (count 0), and the kernel accepts it."""
    cert = orbits(CHAOS, "3..4").certificate
    assert [r["complete"] for r in cert["periods"]] == [False, False, True, True]
    assert cert["periods"][0]["reason"].startswith("period 1 is below the requested range")
    assert check(cert).ok


def test_safetensors_plrnn_equals_json(tmp_path):
    """A PLRNN saved as safetensors (A, W, h) loads to the same exact model as its JSON twin (dyadic values)."""
    from safetensors.numpy import save_file
    d = {"A": np.array([0.5, -0.75]), "W": np.array([[0.0, -2.0], [2.5, 0.0]]), "h": np.array([0.75, 0.25])}
    f = str(tmp_path / "net.safetensors")
    save_file({k: v.astype(np.float32) for k, v in d.items()}, f)
    assert is_plrnn_file(f)
    assert load_plrnn(f).canonical == load_plrnn(CHAOS).canonical


def test_cli_orbits_plrnn_range(tmp_path, capsys):
    """certify orbits PLRNN --period 1..5 --cap 2 prints the search lines and writes a certificate that checks."""
    out = str(tmp_path / "c.json")
    assert main(["orbits", CHAOS, "--period", "1..5", "--cap", "2", "--out", out]) == 0
    text = capsys.readouterr().out
    assert "period 3  2 cycle(s); list complete: pruned itinerary search" in text
    assert json.load(open(out))["claim"] == {"kind": "plrnn_cycles", "p": 5}
    assert main(["check", out]) == 0


def test_lorenz_plrnn_file_loads():
    """examples/lorenz_plrnn.safetensors is a 10-dimensional PLRNN with A diagonal and W's diagonal zero."""
    net = load_plrnn("examples/lorenz_plrnn.safetensors")
    assert net.n == 10 and all(net.model.W[i][i] == 0 for i in range(10))
