"""n-dimensional PLRNNs: exact cycles, certified stability, complete enumeration, the kernel, the CLI."""

import copy
import json
import math
import pathlib

import numpy as np
import pytest
from flint import fmpq, fmpq_poly, fmpq_mat
from hypothesis import given, settings
from hypothesis import strategies as st

from certify.certificates import dumps, interval_parse, loads
from certify.checker import check
from certify.checker.plrnn import cycle_stability, enumerate_cycles, singular_reason, step
from certify.cli import main
from certify.dynamics.plrnn import lyapunov_plrnn, spectrum_estimate
from certify.errors import CertifyError
from certify.maps import parse_map
from certify.maps.plrnn import load_plrnn, plrnn_from_mapping
from certify.periodic.period import certify_orbits
from certify.periodic.plrnn import certify_cycles, search_cycles
from strategies import junk_sweep

Q = fmpq
# f(z) = -z/2 + W relu(z) + h with W = [[0, -2], [-1, 0]]: an attracting 2-cycle (-3, -1) <-> (1, 1)
STABLE = {"kind": "plrnn", "A": ["-1/2", "-1/2"], "W": [[0, -2], [-1, 0]], "h": ["-1/2", "1/2"]}
# f(z) = z/2 + W relu(z) + h with W = [[0, 3], [3, 0]]: a repelling 2-cycle (-1, 1) <-> (1, -1)
UNSTABLE = {"kind": "plrnn", "A": ["1/2", "1/2"], "W": [[0, 3], [3, 0]], "h": ["-3/2", "-3/2"]}
# bounded chaotic attractor (QR estimate lambda_1 ~ 0.25)
CHAOS = {"kind": "plrnn", "A": ["1/2", "-3/4"], "W": [[0, -2], ["5/2", 0]], "h": ["3/4", "1/4"]}


def net(d):
    return plrnn_from_mapping(d, "test")


def cyc(*pts):
    return tuple(tuple(Q(v) for v in z) for z in pts)


def test_stable_two_cycle_by_hand():
    """f(-3,-1) = (3/2 - 1/2, 1/2 + 1/2) = (1,1), f(1,1) = (-1/2 - 2 - 1/2, -1/2 - 1 + 1/2) = (-3,-1)."""
    m = net(STABLE).model
    assert step(m, [Q(-3), Q(-1)]) == [Q(1), Q(1)] and step(m, [Q(1), Q(1)]) == [Q(-3), Q(-1)]
    found, singular = enumerate_cycles(m, 2)
    assert cyc((-3, -1), (1, 1)) in found and not singular


def test_stable_two_cycle_eigenvalues():
    """M = J(1,1) J(-3,-1) = [[1/4, 1], [1/2, 1/4]], eigenvalues 1/4 +- sqrt(2)/2, both of modulus < 1."""
    m = net(STABLE).model
    M = m.jacobian((1, 1)) * m.jacobian((0, 0))
    assert M == fmpq_mat(2, 2, [Q(1, 4), 1, Q(1, 2), Q(1, 4)])
    assert M.charpoly() == fmpq_poly([Q(-7, 16), Q(-1, 2), 1])
    stable, exps, reason = cycle_stability(m, [[Q(-3), Q(-1)], [Q(1), Q(1)]])
    assert stable is True and reason is None
    want = [0.5 * math.log(0.25 + math.sqrt(2) / 2), 0.5 * math.log(math.sqrt(2) / 2 - 0.25)]
    for e, w in zip(exps, want):
        assert e.contains(w) or abs(float(e.mid()) - w) < 1e-14


def test_unstable_two_cycle_by_hand():
    """(-1, 1) <-> (1, -1) is a 2-cycle with M = [[37/4, 3/2], [3/2, 1/4]]: trace 19/2, det 1/16, repelling."""
    m = net(UNSTABLE).model
    assert step(m, [Q(1), Q(-1)]) == [Q(-1), Q(1)] and step(m, [Q(-1), Q(1)]) == [Q(1), Q(-1)]
    M = m.jacobian((0, 1)) * m.jacobian((1, 0))
    assert M == fmpq_mat(2, 2, [Q(37, 4), Q(3, 2), Q(3, 2), Q(1, 4)])
    stable, exps, _ = cycle_stability(m, [[Q(-1), Q(1)], [Q(1), Q(-1)]])
    assert stable is False and exps[0] > 0 > exps[1]
    assert cyc((-1, 1), (1, -1)) in enumerate_cycles(m, 2)[0]


def test_fixed_point_on_a_kink_is_undecided_but_not_on_a_dead_unit():
    """z = 0 of z -> z/2 + relu(z) is on the switching boundary: undecided; with W = 0 there is no kink."""
    kinked = net({"kind": "plrnn", "A": ["1/2"], "W": [[1]], "h": [0]}).model
    stable, exps, reason = cycle_stability(kinked, [[Q(0)]])
    assert stable is None and exps is None and "switching boundary" in reason
    smooth = net({"kind": "plrnn", "A": ["1/2"], "W": [[0]], "h": [0]}).model
    assert cycle_stability(smooth, [[Q(0)]])[0] is True


def test_boundary_cycle_certificate_claims_no_stability():
    """A fixed point on a kink is certified as a cycle with stability undecided; claiming 'stable' is rejected."""
    cert = lyapunov_plrnn(net({"kind": "plrnn", "A": ["1/2"], "W": [[1]], "h": [0]}), 1, spectrum=False)
    fact = cert["evidence"][0]
    assert fact["points"] == [["0"]] and fact["stable"] is None and fact["exponents"] is None
    assert "switching boundary" in fact["reason"] and check(cert).ok
    bad = copy.deepcopy(cert)
    bad["evidence"][0]["stable"] = True
    assert not check(bad).ok


def test_eigenvalue_minus_one_and_a_continuum():
    """z -> -z: the fixed point 0 has eigenvalue -1 (undecided); every other point has period 2 (no complete list)."""
    n = net({"kind": "plrnn", "A": ["-1"], "W": [[0]], "h": [0]})
    stable, _, reason = cycle_stability(n.model, [[Q(0)]])
    assert stable is None and "eigenvalue -1" in reason
    _, _, rows = certify_cycles(n, 2)
    assert rows[0]["complete"] is True and rows[1]["complete"] is False and "singular" in rows[1]["reason"]


def _newton_cycles(d, p, starts=3000, seed=1):
    """Brute force in floats: Newton on f^p(z) = z from random starts; cycles of minimal period p, rounded."""
    n = net(d)
    a, W, h = n.floats()
    Z = np.random.default_rng(seed).uniform(-4, 4, (starts, n.n))
    eye = np.eye(n.n)
    with np.errstate(all="ignore"):
        for _ in range(40):
            pts, M, Y = [], np.broadcast_to(eye, (starts, n.n, n.n)), Z
            for _ in range(p):
                pts.append(Y)
                M = (np.diag(a) + W[None] * (Y[:, None, :] > 0)) @ M
                Y = Y * a + np.maximum(Y, 0) @ W.T + h
            F = Y - Z
            step_ = np.linalg.solve(M - eye + 1e-300 * eye, F[..., None])[..., 0]
            Z = np.where(np.isfinite(step_), Z - step_, Z)
    out = set()
    for k in range(starts):
        orbit = [q[k] for q in pts]
        if np.abs(F[k]).max() < 1e-11 and all(np.abs(orbit[i] - orbit[j]).max() > 1e-8
                                              for i in range(p) for j in range(i)):
            r = [tuple(np.round(q, 6) + 0.0) for q in orbit]
            i0 = min(range(p), key=lambda i: r[i])
            out.add(tuple(r[i0:] + r[:i0]))
    return out


@pytest.mark.parametrize("p", [1, 2, 3, 4, 5, 6])
def test_enumeration_equals_brute_force_newton(p):
    """On a chaotic 2D PLRNN the exact enumeration finds exactly the cycles a dense float Newton search finds."""
    found, singular = enumerate_cycles(net(CHAOS).model, p)
    exact = {tuple(tuple(round(float(v), 6) + 0.0 for v in z) for z in c) for c in found}
    assert not singular and exact == _newton_cycles(CHAOS, p)


def test_float_search_finds_only_true_cycles_and_most_of_them():
    """Cycles proposed from float orbits are a subset of the complete list (here, period 6: all of them)."""
    n = net(CHAOS)
    found = search_cycles(n, 6)
    full, _ = enumerate_cycles(n.model, 6)
    assert found <= full and len(found) == len(full) == 2


def test_beyond_the_cap_nothing_is_claimed_complete():
    """With n p above the enumeration cap the period's list is marked incomplete, with the reason."""
    by_p, enums, rows = certify_cycles(net(CHAOS), 3, cap=4)
    assert [r["complete"] for r in rows] == [True, True, False] and "2^6 itineraries were not all solved" in rows[2]["reason"]
    assert [e["p"] for e in enums] == [1, 2]
    assert by_p[3] <= enumerate_cycles(net(CHAOS).model, 3)[0]


@settings(max_examples=12, deadline=None)
@given(st.integers(-6, 6), st.integers(-12, 12), st.sampled_from([-2, -1, 1, 2]), st.integers(1, 3))
def test_one_dimensional_plrnn_agrees_with_the_1d_certifier(a4, w4, h, p):
    """n = 1: z -> a z + w relu(z) + h has the same p-cycles as certify orbits on plrnn1d(a, w, h)."""
    a, w = Q(a4, 4), Q(w4, 4)
    n = net({"kind": "plrnn", "A": [str(a)], "W": [[str(w)]], "h": [h]})
    found, singular = enumerate_cycles(n.model, p)
    cert = certify_orbits(parse_map(f"plrnn1d(a={a}, w={w}, h={h})"), p)
    if singular or cert["verdict"] != "proved" or cert["count"] == "continuum":
        return
    one_d = {tuple(interval_parse(b)[0] for b in o) for o in cert["orbits"]}
    assert {tuple(z[0] for z in c) for c in found} == one_d


def test_tent_as_plrnn_matches_the_tent_map():
    """z -> 2z - 4 relu(z) + 1 is the slope-2 tent map on [-1, 1]: 2 fixed points, one 2-cycle, two 3-cycles."""
    cert = lyapunov_plrnn(net({"kind": "plrnn", "A": [2], "W": [[-4]], "h": [1]}), 3, spectrum=False)
    assert [r["count"] for r in cert["periods"]] == [2, 1, 2]
    three = [f for f in cert["evidence"] if f.get("p") == 3 and f["fact"] == "cycle_plrnn"]
    assert [z[0] for z in three[0]["points"]] == ["-5/9", "-1/9", "7/9"]
    assert all(f["stable"] is False for f in three)


def test_spectrum_estimate_at_an_attracting_fixed_point():
    """Near the attracting fixed point (-7/9, 1/3) (Jacobian [[-1/2, -2], [0, -1/2]]) both exponents are -log 2."""
    s = spectrum_estimate(net(STABLE), z0=[-0.7, 0.3], steps=2000)
    assert s["status"] == "estimate" and all(abs(float(v) + math.log(2)) < 1e-3 for v in s["values"])


def test_spectrum_estimate_of_the_tent_map_is_log_2():
    """The 1D tent as a PLRNN has |slope| 2 everywhere: the QR estimate is log 2."""
    s = spectrum_estimate(net({"kind": "plrnn", "A": [2], "W": [[-4]], "h": [1]}), steps=5000)
    assert abs(float(s["values"][0]) - math.log(2)) < 1e-9


def test_float_weights_are_exact_binary_doubles():
    """A JSON float 0.1 is the double 3602879701896397/2^55; the string "0.1" is 1/10."""
    n = net({"kind": "plrnn", "A": [0.1, "0.1"], "W": [[0, 0], [0, 0]], "h": [0, 0]})
    assert n.canonical["A"] == ["3602879701896397/36028797018963968", "1/10"]


# ----------------------------------------------------------------------------- certificates and tampering

@pytest.fixture(scope="module")
def stable_cert():
    return lyapunov_plrnn(net(STABLE), 3, spectrum=False)


def test_certificate_lists_the_cycles_and_checks(stable_cert):
    """The STABLE net: an attracting fixed point, an attracting and a repelling 2-cycle, no 3-cycle; all proved."""
    assert stable_cert["verdict"] == "proved" and check(stable_cert).ok
    cycles = [(f["p"], f["stable"]) for f in stable_cert["evidence"] if f["fact"] == "cycle_plrnn"]
    assert sorted(cycles) == [(1, True), (2, False), (2, True)]
    assert [r["count"] for r in stable_cert["periods"]] == [1, 2, 0]
    assert loads(dumps(stable_cert)) == stable_cert  # no JSON floats anywhere


def _first_cycle(cert, p):
    return next(f for f in cert["evidence"] if f["fact"] == "cycle_plrnn" and f["p"] == p and f["stable"] is True)


def _tamper(cert, how):
    c = copy.deepcopy(cert)
    two = _first_cycle(c, 2)
    if how == "moved point":
        two["points"][0][0] = "-29/10"
    elif how == "wrong orthant":
        two["itinerary"][1] = "10"
    elif how == "wrong stability":
        two["stable"] = False
    elif how == "non-minimal cycle":
        one = _first_cycle(c, 1)
        two.update(points=one["points"] * 2, itinerary=one["itinerary"] * 2)
    elif how == "wrong exponent":
        two["exponents"][0] = {"lo": "1/10", "hi": "2/10"}
    elif how == "dropped cycle":
        c["evidence"].remove(two)
        c["periods"][1]["count"] = 1
    elif how == "complete without enumeration":
        c["evidence"] = [f for f in c["evidence"] if not (f["fact"] == "enumeration_plrnn" and f["p"] == 3)]
    elif how == "changed weight":
        c["map"]["canonical"]["h"][0] = "-1/3"
    elif how == "count":
        c["periods"][2]["count"] = 1
    elif how == "plrnn claim on a 1D map":
        c["map"]["canonical"] = {"kind": "expr", "expr": "2*x"}
    return c


@pytest.mark.parametrize("how", ["moved point", "wrong orthant", "wrong stability", "non-minimal cycle",
                                 "wrong exponent", "dropped cycle", "complete without enumeration",
                                 "changed weight", "count", "plrnn claim on a 1D map"])
def test_tampered_plrnn_certificates_are_rejected(stable_cert, how):
    """Each single mutation of a true PLRNN certificate makes the kernel reject it."""
    res = check(_tamper(stable_cert, how))
    assert not res.ok, how


def test_unstable_claim_on_stable_cycle_names_the_fact(stable_cert):
    """The rejection names the failing fact."""
    assert "stable: false" in check(_tamper(stable_cert, "wrong stability")).message
    assert "not distinct" in check(_tamper(stable_cert, "non-minimal cycle")).message


# ----------------------------------------------------------------------------- CLI

def _write(tmp_path, d, name="net.json"):
    p = tmp_path / name
    p.write_text(json.dumps(d) if not isinstance(d, str) else d)
    return str(p)


def test_cli_plrnn_out_and_check(tmp_path, capsys):
    """certify lyapunov FILE -p 2 --spectrum --out C writes a certificate that certify check accepts."""
    f, out = _write(tmp_path, STABLE), str(tmp_path / "c.json")
    assert main(["lyapunov", f, "-p", "2", "--spectrum", "--steps", "2000", "--out", out]) == 0
    text = capsys.readouterr().out
    assert "attracting" in text and "ESTIMATE" in text and "list complete" in text
    assert main(["check", out]) == 0 and "OK" in capsys.readouterr().out
    assert main(["lyapunov", f, "-p", "1", "--json"]) == 0
    assert loads(capsys.readouterr().out)["claim"] == {"kind": "plrnn_cycles", "p": 1}


@pytest.mark.parametrize("content, msg", [
    ({"kind": "plrnn", "A": [1, 2], "W": [[0, 1]], "h": [0, 0]}, "shapes differ"),
    ({"kind": "plrnn", "A": [[1, 1], [0, 1]], "W": [[0, 1], [1, 0]], "h": [0, 0]}, "diagonal"),
    ({"kind": "plrnn", "A": ["nan"], "W": [[0]], "h": [0]}, "finite"),
    ({"kind": "plrnn", "A": ["x"], "W": [[0]], "h": [0]}, "A[0]"),
    ({"kind": "plrnn", "A": [1], "W": [[0]], "h": [0], "b": 1}, "unknown key"),
    ({"kind": "plrnnx", "A": [1], "W": [[0]], "h": [0]}, "'kind' must be 'plrnn'"),
    ({"kind": "plrnn", "A": [], "W": [], "h": []}, "non-empty"),
])
def test_cli_bad_plrnn_files_exit_2(tmp_path, capsys, content, msg):
    """A malformed PLRNN file is one line on stderr, exit 2, and no certificate is written."""
    out = tmp_path / "c.json"
    assert main(["lyapunov", _write(tmp_path, content), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert msg in err and err.count("\n") == 1 and not out.exists()


def test_cli_bad_x0_and_wrong_command(tmp_path, capsys):
    """--x0 needs n numbers; certify period on a PLRNN file lists its cycles of that period (the attracting 2-cycle),
    and refuses the options of 1D maps."""
    f = _write(tmp_path, STABLE)
    assert main(["lyapunov", f, "--spectrum", "--x0", "1"]) == 2
    assert "2 comma-separated" in capsys.readouterr().err
    assert main(["period", f, "-p", "2"]) == 0
    assert "z0 = (-3, -1) orthants 00,11: attracting" in capsys.readouterr().out
    assert main(["period", f, "-p", "2", "--activation", "relu"]) == 2
    assert "without --activation" in capsys.readouterr().err


def test_load_plrnn_missing_file():
    """A missing file is a CertifyError."""
    with pytest.raises(CertifyError, match="no such file"):
        load_plrnn("/nonexistent/plrnn.json")


# ----------------------------------------------------------------------------- the kernel's statement and bindings

CERTS = pathlib.Path(__file__).resolve().parent / "certificates"


def _load(name):
    return json.loads((CERTS / name).read_text())


def test_statement_lists_every_cycle_with_stability_and_exponents():
    """plrnn2d: exactly the fixed point (-7/9, 1/3) (double eigenvalue -1/2: exponents log 1/2), attracting;
    exactly two 2-cycles, one attracting, one unstable; no 3-cycle (all 64 itineraries)."""
    res = check(_load("plrnn_cycles.json"))
    lines = res.statement.splitlines()
    assert res.ok and lines[0] == "the PLRNN z -> A z + W relu(z) + h (n = 2), periods 1..3:"
    assert lines[1] == "exactly 1 fixed point (all 2^2 itineraries solved exactly)"
    assert lines[2].startswith("  {(-7/9, 1/3)} attracting; Lyapunov exponents [-0.6931471806, -0.6931471805]")
    assert lines[3] == "exactly 2 cycles of period 2 (all 2^4 itineraries solved exactly)"
    assert "{(-3, -1), (1, 1)} attracting" in lines[4] and "{(-49/31, 1/31), (7/31, 15/31)} unstable" in lines[5]
    assert lines[6] == "no cycle of period 3 (all 2^(n p) itineraries solved exactly)"


def test_incomplete_period_says_at_least():
    """With --cap 2 period 2 is searched in floats only: 'at least 1 cycle', with the kernel's reason."""
    res = check(_load("plrnn_incomplete.json"))
    assert res.ok and "at least 1 cycle of period 2 (list not proved complete: the 2^4 itineraries were not all " \
                      "solved" in res.statement


def test_singular_itinerary_is_reverified():
    """z -> -z: the fixed point 0 has eigenvalue -1 (stability undecided, exponent 0); every other point has
    period 2, and the itinerary (0, 0) has a singular, consistent system: no complete list of 2-cycles."""
    cert = _load("plrnn_singular.json")
    assert cert["periods"][1]["singular"] == ["0", "0"]
    res = check(cert)
    assert res.ok and "{(0)} stability undecided; Lyapunov exponents [0.0000000000, 0.0000000000]" in res.statement
    assert "itinerary 0,0 is singular and consistent" in res.statement
    bad = copy.deepcopy(cert)
    bad["periods"][1]["singular"] = ["0"]
    assert "2 strings of 1 bits" in check(bad).message
    bad = _load("plrnn_incomplete.json")  # plrnn2d: the 2-cycle (-3, -1), (1, 1) solves a non-singular system
    bad["periods"][1].update(singular=["00", "11"], reason=singular_reason(["00", "11"]))
    assert "not singular" in check(bad).message
    bad = copy.deepcopy(cert)
    bad["periods"][1]["reason"] = "two 2-cycles exist"
    assert "the reason must read" in check(bad).message


def test_undecided_plrnn_certificate_carries_nothing():
    """An escaping net with no enumeration (--cap 0): undecided, no facts, no periods; the spectrum stays
    an informational estimate."""
    cert = _load("plrnn_undecided.json")
    res = check(cert)
    assert res.ok and cert["evidence"] == [] and "periods" not in cert and "spectrum" in res.informational
    assert res.statement.startswith("undecided: nothing is claimed about the cycles of periods 1..2")
    bad = copy.deepcopy(cert)
    bad["periods"] = [{"p": 1, "count": 0, "complete": True}, {"p": 2, "count": 0, "complete": True}]
    assert not check(bad).ok


@pytest.mark.parametrize("how, msg", [
    ("dimension 3", "map.dimension"), ("dimension true", "map.dimension"),
    ("stable 1", "stable must be false"), ("stable null", "stable must be false"),
    ("widened exponent", "wider than the kernel's enclosure"), ("reversed exponents", "out of order"),
    ("enumerated but incomplete", "complete must be true"), ("duplicate enumeration", "a second enumeration"),
    ("period as string", "integer"), ("spectrum proved", "estimate"), ("refuted", "proved"),
    ("undecided with facts", "claims nothing"), ("claim P beyond limit", "1..1024"),
])
def test_displayed_fields_are_bound(stable_cert, how, msg):
    """Forgeries that passed before: a wrong dimension (the report's 2^(n p)), stable: 1 on an unstable cycle
    (shown 'attracting'), an exponent widened around 0, an enumerated period marked incomplete; and fields the
    report reads that are not the kernel's."""
    c = _load("plrnn_cycles.json")
    unstable = next(f for f in c["evidence"] if f.get("stable") is False)
    if how == "dimension 3":
        c["map"]["dimension"] = 3
    elif how == "dimension true":
        c = _load("plrnn_singular.json")  # n = 1, and True == 1 in Python
        c["map"]["dimension"] = True
    elif how == "stable 1":
        unstable["stable"] = 1
    elif how == "stable null":
        unstable["stable"] = None
    elif how == "widened exponent":
        unstable["exponents"][0] = {"lo": "-10", "hi": "10"}
    elif how == "reversed exponents":
        unstable["exponents"].reverse()
    elif how == "enumerated but incomplete":
        c["periods"][2] = {"p": 3, "count": 0, "complete": False, "reason": "a 3-cycle exists but is too large"}
    elif how == "duplicate enumeration":
        c["evidence"].append(dict(c["evidence"][-1]))
    elif how == "period as string":
        c["evidence"][0]["p"] = "1"
    elif how == "spectrum proved":
        c["spectrum"] = {"status": "proved", "values": ["5"]}
    elif how == "refuted":
        c["verdict"] = "refuted"
    elif how == "undecided with facts":
        c["verdict"] = "undecided"
    elif how == "claim P beyond limit":
        c["claim"]["p"] = 5000
    res = check(c)
    assert not res.ok and msg in res.message, res.message


@pytest.mark.parametrize("make, msg", [
    (lambda c: c["map"]["canonical"].update(A=["0"] * 65, W=[["0"] * 65] * 65, h=["0"] * 65), "beyond the checker's limit 64"),
    (lambda c: c["evidence"].append({"fact": "enumeration_plrnn", "p": 11, "itineraries": 2 ** 22}), "outside|1..3"),
    (lambda c: (c["claim"].update(p=11), c["evidence"].append({"fact": "enumeration_plrnn", "p": 11,
                                                                "itineraries": 2 ** 22})), "enumeration limit 20"),
    (lambda c: (c["claim"].update(p=1024), c["evidence"].append(
        {"fact": "cycle_plrnn", "p": 1024, "points": [], "itinerary": [], "stable": None, "exponents": None})),
     "n p = 2048|points"),
    (lambda c: (c["claim"].update(p=1024), c["evidence"].extend(
        [{"fact": "cycle_plrnn", "p": 1024, "points": [], "itinerary": [], "stable": None, "exponents": None}] * 600)),
     "Jacobian products"),
])
def test_hostile_sizes_fail_fast_on_one_line(make, msg):
    """Dimension, period, itinerary counts and Jacobian work beyond the kernel's bounds are refused before
    the work, in one line."""
    import re
    c = _load("plrnn_cycles.json")
    make(c)
    res = check(c)  # the message names the limit: refused before the work (no clock is read)
    assert not res.ok and "\n" not in res.message
    assert re.search(msg, res.message), res.message


@pytest.mark.parametrize("fixture", ["plrnn_singular.json", "plrnn_undecided.json"])
def test_every_field_replaced_by_junk_fails_on_one_line(fixture):
    """Any field of a PLRNN certificate replaced by junk gives a one-line failure, never an exception."""
    junk_sweep(_load(fixture), 99)


def test_cli_cap_zero_escaping_net_is_undecided(tmp_path, capsys):
    """certify lyapunov --cap 0 on z -> 2z + 1 (orbits escape, nothing enumerated): exit 3, no facts."""
    out = tmp_path / "c.json"
    f = _write(tmp_path, {"kind": "plrnn", "A": [2], "W": [[0]], "h": [1]})
    assert main(["lyapunov", f, "-p", "2", "--cap", "0", "--out", str(out)]) == 3
    cert = loads(out.read_text())
    assert cert["verdict"] == "undecided" and cert["evidence"] == [] and "periods" not in cert
    assert main(["lyapunov", f, "--cap", "21"]) == 2 and "--cap" in capsys.readouterr().err
