"""Long PLRNN cycles: cycle facts whose points are derived by the kernel from the itinerary (points null, for
cycles whose exact points exceed the certificate's digits), and the near-return float search that finds them."""

from __future__ import annotations

import copy

import pytest

from certify.certificates import interval_parse
from certify.checker import check
from certify.checker.plrnn import cycle_of, enumerate_cycles, follow_itinerary, pattern, step
from certify.dynamics.plrnn import lyapunov_plrnn
from certify.maps.plrnn import load_plrnn, plrnn_from_mapping
from certify.periodic.plrnn import search_cycles

CHAOS = {"kind": "plrnn", "A": ["1/2", "-3/4"], "W": [[0, -2], ["5/2", 0]], "h": ["3/4", "1/4"]}


def _cert_with_null_points(P):
    cert = lyapunov_plrnn(plrnn_from_mapping(CHAOS, "test"), P, spectrum=False, first=P)
    for f in cert["evidence"]:
        if f["fact"] == "cycle_plrnn":
            f["points"] = None
    return cert


def test_derived_points_give_the_same_statement_as_stated_points():
    """A cycle fact with points null is checked by solving its itinerary's cycle system: the kernel's statement
    (the cycles of period 6 of a chaotic 2-D PLRNN, complete by enumeration) is the same as with the points."""
    full = lyapunov_plrnn(plrnn_from_mapping(CHAOS, "test"), 6, spectrum=False, first=6)
    derived = _cert_with_null_points(6)
    a, b = check(full), check(derived)
    assert a.ok and b.ok, b.message
    assert a.statement == b.statement and "exactly 2 cycles of period 6" in a.statement.replace("cycle(s)", "cycles")


def test_derived_points_with_a_false_itinerary_are_rejected():
    """An itinerary whose cycle-system solution leaves its orthants (a rotation's orthant changed) is rejected."""
    cert = _cert_with_null_points(6)
    fact = next(f for f in cert["evidence"] if f["fact"] == "cycle_plrnn")
    bad = copy.deepcopy(cert)
    bf = next(f for f in bad["evidence"] if f["fact"] == "cycle_plrnn")
    s = bf["itinerary"][2]
    bf["itinerary"][2] = ("1" if s[0] == "0" else "0") + s[1:]
    res = check(bad)
    assert not res.ok and ("orthants" in res.message or "solution" in res.message)
    assert fact["itinerary"] != bf["itinerary"]


def test_derived_points_are_a_true_cycle():
    """The points the kernel derives from each period-6 itinerary (cycle_of, then follow_itinerary in matrix form)
    are the enumerated cycle's points and satisfy f(z_t) = z_(t+1) under the plain step function."""
    m = plrnn_from_mapping(CHAOS, "test").model
    found, _ = enumerate_cycles(m, 6)
    assert len(found) == 2
    for cyc in found:
        itin = [pattern(z) for z in cyc]
        kind, z0 = cycle_of(m, itin)
        pts = follow_itinerary(m, z0, itin)
        assert kind == "point" and [tuple(z) for z in pts] == list(cyc)
        assert all(step(m, pts[t]) == pts[(t + 1) % 6] for t in range(6))


@pytest.mark.slow
def test_lorenz_plrnn_has_a_certified_period_80_saddle_cycle():
    """The Lorenz-trained PLRNN: the near-return float search finds a period-80 cycle; its certificate (points
    derived, beyond 4000 digits) checks: an unstable cycle with one positive exponent."""
    net = load_plrnn("examples/lorenz_plrnn.safetensors")
    assert search_cycles(net, 80)
    cert = lyapunov_plrnn(net, 80, spectrum=False, first=80)
    facts = [f for f in cert["evidence"] if f["fact"] == "cycle_plrnn"]
    assert facts and all(f["points"] is None and f["stable"] is False for f in facts)
    res = check(cert)
    assert res.ok, res.message
    assert sum(1 for e in facts[0]["exponents"] if e != "-inf" and interval_parse(e)[0] > 0) == 1


def test_period_and_stability_commands_list_a_plrnns_cycles(capsys):
    """`certify period` and `certify stability` on a PLRNN file list the certified cycles of that one period (here
    the two 3-cycles of examples/plrnn_chaos.json, list complete), as `certify orbits --period 3..3` does."""
    from certify.cli import main

    outs = []
    for argv in (["period", "examples/plrnn_chaos.json", "-p", "3"], ["stability", "examples/plrnn_chaos.json", "-p", "3"],
                 ["orbits", "examples/plrnn_chaos.json", "--period", "3..3"]):
        assert main(argv) == 0
        outs.append(capsys.readouterr().out)
    assert outs[0] == outs[1] == outs[2]
    assert "period 3  2 cycle(s); list complete: all 64 itineraries solved exactly" in outs[0]


def test_cycles_beyond_the_checkers_work_are_not_listed(monkeypatch):
    """The certifier lists float-found cycles only while their summed cycle_work stays within the kernel's
    MAX_MATRIX_WORK (here lowered to one cycle's work): the period-6 row then counts the one listed cycle and the
    certificate checks; a complete period (enumerated) keeps every cycle."""
    import certify.dynamics.plrnn as D
    from certify.checker.plrnn import cycle_work

    net = plrnn_from_mapping(CHAOS, "test")
    monkeypatch.setattr(D, "MAX_MATRIX_WORK", cycle_work(net.model, 6))
    cert = lyapunov_plrnn(net, 6, spectrum=False, first=6, cap=0)
    assert [r["count"] for r in cert["periods"] if r["p"] == 6] == [1]
    assert sum(1 for f in cert["evidence"] if f["fact"] == "cycle_plrnn") == 1 and check(cert).ok
    full = lyapunov_plrnn(net, 6, spectrum=False, first=6)
    assert [r["count"] for r in full["periods"] if r["p"] == 6] == [2] and check(full).ok
