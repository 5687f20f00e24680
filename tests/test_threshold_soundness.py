"""Regressions for wrong threshold verdicts (issue 9) and for fields the kernel now binds."""

import copy

import pytest
from flint import fmpq, fmpq_poly

from certify.certificates import interval_parse
from certify.checker import check
from certify.checker.plfamily import pl_critical, pl_family
from certify.checker.semantics import NotExact, Program, eval_exact
from certify.maps import parse_family, parse_map
from certify.periodic.period import certify_period
from certify.thresholds import certify_onset, certify_windows
from certify.thresholds.chaos import certify_chaos_onset

Q = fmpq


def run(spec, param, p, a, b, what=certify_onset, **kw):
    cert = what(parse_family(spec, param), p, (Q(*a) if isinstance(a, tuple) else Q(a),
                                               Q(*b) if isinstance(b, tuple) else Q(b)), **kw)
    res = check(cert)
    assert res.ok, res.message
    return cert


def test_affine_family_with_an_identity_member_is_not_refuted():
    """x + r on [-1, 1] is the identity at r = 0 (a continuum of fixed points) and has no fixed point
    elsewhere: no traceback, no refutation, the onset is the rational critical parameter r* = 0 with the
    cycle proved on it; off r = 0 there is no fixed point, which is what the windows say."""
    cert = run("x + r", "r", 1, -1, 1)
    assert cert["verdict"] == "proved" and interval_parse(cert["onset"]) == (0, 0) and cert["minpoly"] == "r"
    win = run("x + r", "r", 1, -1, 1, certify_windows)
    assert win["verdict"] == "proved" and win["windows"] == []
    assert [interval_parse(r) for r in win["evidence"][0]["roots"]] == [(0, 0)]


def test_pl_identity_member_keeps_its_critical_parameter():
    """Min(x,0) + Max(x,0) + r = x + r written piecewise: the itinerary with slope product 1 contributes
    C(r) = r to the critical polynomial (it used to be skipped, and the onset refuted on [-1, 1])."""
    fam = parse_family("Min(x,0) + Max(x,0) + r", "r")
    crit = pl_critical(pl_family(fam.program, Q(-1), Q(1)), 1, Q(-1), Q(1))
    assert fmpq_poly([0, 1]) in crit
    cert = run("Min(x,0) + Max(x,0) + r", "r", 1, -1, 1)
    assert cert["verdict"] == "proved" and interval_parse(cert["onset"]) == (0, 0)


def test_identity_cylinder_for_every_parameter_is_handled():
    """-r - x on x <= 0: f^2 = id on the cylinder [-r, 0] for every r, a continuum of period 2 for r > 0 only;
    the cylinder's end order contributes r, and the onset is r* = 0 (not refuted, not dropped)."""
    fam = parse_family("-r - Min(x,0) - Max(x,0)/2", "r")
    assert fmpq_poly([0, 1]) in pl_critical(pl_family(fam.program, Q(-1), Q(1)), 2, Q(-1), Q(1))
    cert = run("-r - Min(x,0) - Max(x,0)/2", "r", 2, -1, 1)
    assert cert["verdict"] == "proved" and cert["exact"] == "0"


def test_two_cycle_born_at_the_range_start_is_proved_not_refuted():
    """r + Min(x,0)/2 - 2 Max(x,0) on [0, 1]: at r = 1/2 the points -1/4, 3/8 form a 2-cycle; the 2-cycle
    (-r/2, 3r/4) exists for every r > 0, so the onset is r* = 0 (certify said refuted)."""
    m = parse_map("1/2 + Min(x,0)/2 - 2*Max(x,0)")
    assert m.program(Q(-1, 4)) == Q(3, 8) and m.program(Q(3, 8)) == Q(-1, 4)
    cert = run("r + Min(x,0)/2 - 2*Max(x,0)", "r", 2, 0, 1)
    assert cert["verdict"] == "proved" and interval_parse(cert["onset"]) == (0, 0)
    assert {f["fact"] for f in cert["evidence"]} == {"critical_partition"}


def test_pl_refutation_must_sample_after_a_critical_root_at_A():
    """A PL refutation forged from a partition whose gap after the critical root at A has a 2-cycle is rejected."""
    fam = parse_family("r + Min(x,0)/2 - 2*Max(x,0)", "r")
    at_A = certify_period(fam.at(Q(0)), 2)
    assert at_A["verdict"] == "refuted"  # f_0 has no 2-cycle: the cycle degenerates to the fixed point 0
    cert = run("r + Min(x,0)/2 - 2*Max(x,0)", "r", 2, 0, 1)
    forged = {k: v for k, v in cert.items() if k not in ("onset", "exact", "minpoly")}
    forged.update(verdict="refuted")
    res = check(forged)
    assert not res.ok and "proved" in res.message


def test_algebraic_facts_refuse_families_that_are_not_polynomial():
    """no_onset and parameter_partition rest on the dynatomic polynomial: a PL family is refused, never
    evaluated by comparing polynomials; exact evaluation over polynomials refuses max, min and abs."""
    cert = run("Min(x,0) + Max(x,0) + r", "r", 2, 0, 1)
    forged = dict(cert, evidence=[{"fact": "no_onset"}])
    res = check(forged)
    assert not res.ok and "polynomial" in res.message
    win = run("Min(x,0) + Max(x,0) + r", "r", 2, 0, 1, certify_windows)
    fact = win["evidence"][0]
    forged = dict(win, evidence=[{"fact": "parameter_partition", "roots": fact["roots"],
                                  "samples": [[s and s["value"], 0] for s in fact["samples"]]}])
    res = check(forged)
    assert not res.ok and "polynomial" in res.message
    with pytest.raises(NotExact):
        eval_exact(Program.from_canonical({"kind": "expr", "expr": "Max(0, x)"}), fmpq_poly([0, 1]))


def test_fixed_point_on_a_break_is_not_refuted():
    """Min(x,0)/2 fixes 0, its break: the region rules shrank S to the point 0 and then lost it (the map was
    refuted for period 1: 'no periodic points at all'). A windows certificate embedded that refutation."""
    cert = certify_period(parse_map("Min(x,0)/2"), 1)
    assert cert["verdict"] == "proved" and check(cert).ok
    win = run("r*Min(x, 0)", "r", 1, (-1, 2), (3, 2), certify_windows)
    assert len(win["windows"]) == 1  # 0 is fixed for every r


def test_windows_gap_next_to_an_end_touching_root_interval_needs_a_sample():
    """A root interval [A, b] holding a root in (A, b] leaves the gap [A, r0) non-empty: leaving it unsampled
    (count 0) is refused; only a root exactly at A empties the first gap."""
    win = run("logistic(r)", "r", 3, (19, 5), (39, 10), certify_windows, digits=10)
    forged = copy.deepcopy(win)
    fact = forged["evidence"][0]
    fact["roots"][0]["lo"] = "19/5"
    fact["samples"][0] = [None, 0]
    forged["windows"][0]["from"] = fact["roots"][0]
    res = check(forged)
    assert not res.ok and "sample" in res.message


@pytest.fixture(scope="module")
def logistic_onset():
    return run("logistic(r)", "r", 3, (7, 2), 4, digits=20)


@pytest.mark.parametrize("edit", ["minpoly", "digits", "minpoly-reducible", "exact-wrong"])
def test_onset_fields_are_bound(logistic_onset, edit):
    """minpoly must be the fact's (irreducible) minimal polynomial; digits is no longer a field."""
    bad = copy.deepcopy(logistic_onset)
    if edit == "minpoly":
        bad["minpoly"] = "r**2 - 2*r - 8"
    elif edit == "digits":
        bad["digits"] = 20
    elif edit == "minpoly-reducible":
        alg = bad["evidence"][0]
        alg["minpoly"] = ["-7", "-9", "-1", "1"]  # (r^2 - 2r - 7)(r + 1): reducible
    else:
        bad["exact"] = "1 + 2*sqrt(3)"
    assert not check(bad).ok


def test_windows_verdict_and_pl_orbit_counts_are_bound():
    """A windows certificate is proved or undecided; a PL windows list states no orbit counts."""
    alg = run("logistic(r)", "r", 3, (19, 5), (39, 10), certify_windows, digits=10)
    assert not check(dict(alg, verdict="refuted")).ok
    pl = run("tent(s)", "s", 3, 1, 2, certify_windows, digits=10)
    bad = copy.deepcopy(pl)
    bad["windows"][0]["orbits"] = [1]
    assert not check(bad).ok


def test_chaos_onset_fields_are_bound():
    """lower is the slopes fact's L; lower_reason is gone; an estimate must be labelled; a refutation is zero
    entropy on the whole range."""
    cert = certify_chaos_onset(parse_family("tent(s)", "s"), (Q(1, 2), Q(2)), periods=(6,))
    assert cert["verdict"] == "proved" and cert["lower"] == "1" and check(cert).ok
    for edit in ("lower", "reason", "estimate", "no-fact"):
        bad = copy.deepcopy(cert)
        if edit == "lower":
            bad["lower"] = "9/10"
        elif edit == "reason":
            bad["lower_reason"] = "anything"
        elif edit == "estimate":
            bad["estimate"] = {"value": "1.01", "status": "proved", "method": "-"}
        else:
            bad["evidence"] = bad["evidence"][:1]
        assert not check(bad).ok, edit
    refuted = certify_chaos_onset(parse_family("tent(s)", "s"), (Q(1, 2), Q(1)))
    assert refuted["verdict"] == "refuted" and check(refuted).ok
    assert not check(dict(refuted, claim=dict(refuted["claim"], range={"lo": "1/2", "hi": "2"}))).ok


def test_isolated_orbit_visiting_a_continuum_end():
    """11/4 Min(x,0) - Max(x,0) + 1: f^2 = id on [0, 1] (a continuum of period 2), and the isolated solution 0
    found on the cell to its left has the orbit {0, 1} ending on the continuum: no 'inconsistent cover'
    crash (certify period, orbits and threshold raised a traceback)."""
    m = parse_map("11/4*Min(x, 0) - Max(x, 0) + 1")
    from certify.periodic.period import certify_orbits
    assert certify_period(m, 2)["verdict"] == "proved"
    orb = certify_orbits(m, 2)
    assert orb["count"] == "continuum" and check(orb).ok
    assert run("r*Min(x, 0) - Max(x, 0) + 1", "r", 2, (11, 4), 3)["verdict"] == "proved"
