"""Onset of a period in polynomial families: exact algebraic thresholds, certified on both sides."""

import copy
from fractions import Fraction

import pytest
from flint import fmpq

from certify.certificates import interval_parse
from certify.checker import check
from certify.errors import CertifyError
from certify.maps import parse_family, parse_map
from certify.periodic.period import certify_period
from certify.thresholds import certify_onset, certify_windows


def onset(spec, param, p, a, b, digits=30):
    cert = certify_onset(parse_family(spec, param), p, (fmpq(*a), fmpq(*b)), digits=digits)
    assert check(cert).ok
    return cert


def test_logistic_period3_onset_is_1_plus_sqrt8():
    """The logistic family gains period 3 at r = 1 + 2 sqrt(2), root of r^2 - 2r - 7 (FIELD.md)."""
    cert = onset("logistic(r)", "r", 3, (7, 2), (4, 1))
    assert cert["verdict"] == "proved" and cert["exact"] == "1 + 2*sqrt(2)"
    assert cert["minpoly"] == "r**2 - 2*r - 7"
    lo, hi = interval_parse(cert["onset"])
    from flint import arb, ctx
    with ctx.workprec(200):
        root = 1 + 2 * arb(2).sqrt()
        assert root > lo and root < hi
    assert hi - lo <= fmpq(1, 10 ** 30)


def test_onset_to_1000_digits():
    """The enclosure width follows --digits (1000 digits here)."""
    lo, hi = interval_parse(onset("logistic(r)", "r", 3, (7, 2), (4, 1), digits=1000)["onset"])
    assert hi - lo <= fmpq(1, 10 ** 1000)


def test_logistic_period4_is_born_at_1_plus_sqrt6():
    """Period 4 appears at the second period doubling, r = 1 + sqrt(6)."""
    assert onset("logistic(r)", "r", 4, (3, 1), (4, 1))["exact"] == "1 + sqrt(6)"


def test_quadratic_family_rational_onset():
    """x^2 - c gains period 3 at c = 7/4 exactly."""
    cert = onset("x^2 - c", "c", 3, (0, 1), (2, 1))
    assert cert["exact"] == "7/4" and cert["minpoly"] == "c - 7/4"


def test_period5_onset_agrees_with_period_verdicts():
    """Below the certified period-5 onset (3.73817...) period 5 is refuted, above it proved."""
    cert = onset("logistic(r)", "r", 5, (7, 2), (4, 1))
    lo, hi = interval_parse(cert["onset"])
    assert 3.7381 < float(lo) < 3.7382
    below, above = lo - fmpq(1, 10 ** 4), hi + fmpq(1, 10 ** 4)
    for r, want in ((below, "refuted"), (above, "proved")):
        assert certify_period(parse_map(f"logistic(r={r.p}/{r.q})"), 5)["verdict"] == want


def test_no_period3_below_the_window_is_refuted():
    """On [3, 3.8] the logistic family never has period 3: refuted for the whole range."""
    assert onset("logistic(r)", "r", 3, (3, 1), (19, 5))["verdict"] == "refuted"


def test_onset_at_range_start():
    """If period 3 is present at the start of the range, the onset is that start."""
    cert = onset("logistic(r)", "r", 3, (39, 10), (4, 1))
    assert cert["verdict"] == "proved" and cert["onset"] == {"lo": "39/10", "hi": "39/10"}


@pytest.mark.parametrize("edit", ["minpoly", "isolating", "cycle_value", "exact", "onset"])
def test_tampered_onset_rejected(edit):
    """Changing the minpoly, the interval, the cycle's parameter, the exact form or the onset fails."""
    cert = onset("logistic(r)", "r", 3, (7, 2), (4, 1))
    bad = copy.deepcopy(cert)
    alg, cyc = bad["evidence"]
    if edit == "minpoly":
        alg["minpoly"] = ["-5", "-2", "1"]
    elif edit == "isolating":  # an interval that misses r* = 3.8284...
        alg["isolating"]["hi"] = "3828/1000"
        bad["onset"]["hi"] = "3828/1000"
    elif edit == "cycle_value":
        cyc["value"] = "3/1"
    elif edit == "exact":
        bad["exact"] = "1 + sqrt(8) + 1/10**40"
    else:
        bad["onset"] = {"lo": "3", "hi": "4"}
    assert not check(bad).ok


@pytest.mark.parametrize("spec, param, rng, message", [
    ("tanh(x)", "r", ((0, 1), (1, 1)), "does not appear"),
    ("logistic(r)", "q", ((3, 1), (4, 1)), "but --param is 'q'"),
    ("sqrt(g)*x*(1-x)", "g", ((-2, 1), (-1, 1)), "not defined"),
    ("x + 1/g", "g", ((0, 1), (1, 1)), "not defined"),
    ("logistic(r)", "x", ((3, 1), (4, 1)), "plain name"),
])
def test_bad_threshold_input(spec, param, rng, message):
    """A parameter not in the map, a clash, a range where the map is undefined, a reserved name: one-line errors."""
    with pytest.raises(CertifyError, match=message):
        certify_onset(parse_family(spec, param), 3, tuple(fmpq(*v) for v in rng))


def test_reversed_range_refused():
    """An empty or reversed range is an input error."""
    with pytest.raises(CertifyError, match="A < B"):
        certify_onset(parse_family("logistic(r)", "r"), 3, (fmpq(4), fmpq(3)))


def test_family_is_not_a_map_for_the_checker():
    """A period certificate whose canonical map still has a free parameter is rejected."""
    cert = certify_period(parse_map("logistic(r=4)"), 3)
    cert["map"]["canonical"] = {"kind": "expr", "expr": "r*x*(1 - x)", "param": "r"}
    assert not check(cert).ok


def test_elimination_budget_is_undecided_not_a_hang():
    """Period 7 of a quadratic family needs a degree-126 discriminant: undecided with the reason."""
    cert = certify_onset(parse_family("logistic(r)", "r"), 7, (fmpq(7, 2), fmpq(4)))
    assert cert["verdict"] == "undecided" and "degree-126" in cert["reason"]


def test_logistic_period5_window_and_orbit_counts():
    """Period 5 exists in [3.5, 4] exactly from 3.7381724 on, with 2, 4 and 6 orbits (6 = necklace(5) at r = 4)."""
    from certify.thresholds import certify_windows
    cert = certify_windows(parse_family("logistic(r)", "r"), 5, (fmpq(7, 2), fmpq(4)), digits=20)
    assert check(cert).ok
    (w,) = cert["windows"]
    assert 3.73817 < float(interval_parse(w["from"])[0]) < 3.73818 and w["to"] == {"lo": "4", "hi": "4"}
    assert w["orbits"] == [2, 4, 6]


def test_windows_with_a_root_at_the_range_start():
    """Period 2 of the logistic family on [0, 4]: a single window from the period doubling r = 3."""
    from certify.thresholds import certify_windows
    cert = certify_windows(parse_family("logistic(r)", "r"), 2, (fmpq(0), fmpq(4)), digits=10)
    assert check(cert).ok
    (w,) = cert["windows"]
    assert w["from"] == {"lo": "3", "hi": "3"} and w["orbits"] == [1]


@pytest.mark.parametrize("edit", ["count", "root", "window"])
def test_tampered_windows_rejected(edit):
    """A changed orbit count, root interval or window is rejected."""
    from certify.thresholds import certify_windows
    cert = certify_windows(parse_family("x^2 - c", "c"), 4, (fmpq(-1), fmpq(2)), digits=10)
    bad = copy.deepcopy(cert)
    if edit == "count":
        bad["windows"][0]["orbits"][-1] += 1
    elif edit == "root":
        bad["evidence"][0]["roots"][0] = {"lo": "0", "hi": "1"}
    else:
        bad["windows"][0]["from"] = {"lo": "1", "hi": "1"}
    assert not check(bad).ok


def test_tent_period3_onset_is_the_golden_ratio():
    """The tent family gains period 3 at s = (1 + sqrt 5)/2, root of s^2 - s - 1 (FIELD.md)."""
    cert = onset("tent(s)", "s", 3, (11, 10), (2, 1))
    assert cert["verdict"] == "proved" and cert["minpoly"] == "s**2 - s - 1"
    assert sympy_equal(cert["exact"], "(1 + sqrt(5))/2")


def sympy_equal(a, b):
    import sympy
    return sympy.simplify(sympy.sympify(a) - sympy.sympify(b)) == 0


def test_pl_family_without_critical_parameter_is_refuted():
    """A skew tent family with no critical parameter in range and no period 3 at its start: refuted."""
    cert = onset("skew_tent(aL=1/2, aR=-2, mu=m)", "m", 3, (1, 10), (2, 1))
    assert cert["verdict"] == "refuted"


def test_tampered_pl_onset_rejected():
    """Moving a gap's sample, the onset's interval or the partition's end of a PL onset is rejected."""
    cert = onset("tent(s)", "s", 3, (11, 10), (2, 1))
    assert check(cert).ok
    for edit in ("sample", "interval", "to"):
        bad = copy.deepcopy(cert)
        f = bad["evidence"][0]
        if edit == "sample":
            f["samples"][0]["value"] = "17/10"
        elif edit == "interval":
            bad["onset"] = {"lo": "3/2", "hi": "8/5"}
        else:
            f["to"] = "21/10"
        assert not check(bad).ok, edit


def test_pl_onset_claiming_more_than_its_partition_is_rejected():
    """A PL onset certificate whose claim range is widened beyond what its partition covers is rejected."""
    cert = onset("plrnn1d(a, -4, 1)", "a", 3, (1, 3), (2, 1))  # partition of [1/3, E]
    assert check(cert).ok
    bad = copy.deepcopy(cert)
    bad["claim"]["range"]["lo"] = "0"
    res = check(bad)
    assert not res.ok and "critical polynomial" in res.message


TENT_NET = str(__import__("pathlib").Path(__file__).resolve().parent.parent / "proofs" / "relu_tent_net.json")


def test_relu_network_gain_threshold():
    """The width-2 ReLU tent net scaled by a gain g is the tent map of slope 2 g^2: period 3 from g = sqrt(phi/2)."""
    import math
    cert = certify_onset(parse_family(TENT_NET, "gain"), 3, (fmpq(1, 2), fmpq(2)))
    assert check(cert).ok and cert["verdict"] == "proved"
    lo, hi = interval_parse(cert["onset"])
    g = math.sqrt((1 + math.sqrt(5)) / 4)
    assert float(lo) <= g <= float(hi) + 1e-12 and "note" not in cert and "unclaimed" not in cert  # the whole range


def test_tent_period5_onset():
    """The tent family gains period 5 at s = 1.5128764, a root of s^4 - s^3 - s^2 + s - 1."""
    cert = onset("tent(s)", "s", 5, (11, 10), (2, 1))
    assert cert["minpoly"] == "s**4 - s**3 - s**2 + s - 1"
    assert abs(float(interval_parse(cert["onset"])[0]) - 1.5128764) < 1e-6


def test_tampered_refuted_onset_rejected():
    """A refuted onset (logistic, period 3 on [3, 3.8]) stretched over the onset at 3.828 is rejected."""
    cert = onset("logistic(r)", "r", 3, (3, 1), (19, 5))
    bad = copy.deepcopy(cert)
    bad["claim"]["range"]["hi"] = "39/10"
    assert cert["verdict"] == "refuted" and not check(bad).ok


def test_tampered_pl_refuted_onset_rejected():
    """A PL-family refutation whose embedded exact refutation in the first gap is damaged is rejected."""
    cert = onset("skew_tent(aL=1/2, aR=-2, mu=m)", "m", 3, (1, 10), (2, 1))
    bad = copy.deepcopy(cert)
    embedded = bad["evidence"][0]["samples"][0]["evidence"]
    cover = next(f for f in embedded if f["fact"] == "cover_pl")
    cover["cells"] = cover["cells"][:-1]  # the embedded exact refutation no longer covers its region
    assert cert["verdict"] == "refuted" and not check(bad).ok


def test_gain_on_output_weights_only():
    """Scaling only the tent net's output layer (a, c) by g gives slope 2g: period 3 from g = phi/2 exactly."""
    cert = certify_onset(parse_family(TENT_NET, "gain", "a,c"), 3, (fmpq(1, 2), fmpq(2)))
    assert check(cert).ok and cert["exact"] == "1/4 + sqrt(5)/4"


@pytest.mark.parametrize("spec, group, message", [
    ("logistic(r)", "a", "applies to weights files"),
    (TENT_NET, "w,q", "comma list of w, b, a, c"),
])
def test_bad_weight_groups(spec, group, message):
    """A group on a formula family, an unknown group name: one-line errors."""
    with pytest.raises(CertifyError, match=message):
        parse_family(spec, "gain", group)


def test_tent_onset_from_slope_one():
    """From s = 1, where min(x, 1-x) has a half-line of fixed points, the period-3 onset is still the golden ratio."""
    cert = certify_onset(parse_family("tent(s)", "s"), 3, (fmpq(1), fmpq(2)))
    assert cert["verdict"] == "proved" and cert["exact"] == "1/2 + sqrt(5)/2" and check(cert).ok


def test_pl_windows_of_the_tent_family():
    """Period 5 exists in the tent family exactly from s = 1.5128764 (root of s^4 - s^3 - s^2 + s - 1) to 2; tampering is rejected.

    Written min(s*x, s - s*x) so that the generic critical partition decides it (tent(s) has its own route)."""
    cert = certify_windows(parse_family("min(s*x, s - s*x)", "s"), 5, (fmpq(1), fmpq(2)), digits=20)
    assert cert["verdict"] == "proved" and check(cert).ok
    (w,) = cert["windows"]
    lo, hi = interval_parse(w["from"])
    assert lo < fmpq(15128764, 10 ** 7) < hi + fmpq(1, 10 ** 7) and interval_parse(w["to"]) == (2, 2)
    for edit in ("window", "sample", "root", "factor"):
        bad = copy.deepcopy(cert)
        fact = bad["evidence"][0]
        if edit == "factor":  # the root interval attributed to a factor without a root there
            fact["factors"][0] = next(k for k in range(len(fact["factors"]) + 50) if k != fact["factors"][0]
                                      and k not in fact["factors"])
        elif edit == "window":
            bad["windows"][0]["from"] = {"lo": "3/2", "hi": "3/2"}
        elif edit == "sample":
            s = next(s for s in fact["samples"] if s and s["verdict"] == "refuted")
            s["verdict"], s["evidence"] = "proved", fact["samples"][-1]["evidence"]
        else:
            del fact["roots"][0]
        assert not check(bad).ok, edit


HE16 = str(__import__("pathlib").Path(__file__).resolve().parent.parent / "proofs" / "he_relu16_net.json")


def test_feasible_itineraries_contain_every_period3_orbit():
    """Pruned itineraries keep every actual 3-orbit's: at sampled gains, each exact orbit's pieces are a kept word."""
    from bisect import bisect_left

    from certify.checker.thresholds import itineraries, pl_family, transitions
    from certify.periodic.period import certify_orbits

    fam = parse_family(HE16, "gain")
    A, B = fmpq(1, 2), fmpq(1)
    breaks = pl_family(fam.program, A, B)[0]
    words = set(itineraries(transitions(pl_family(fam.program, A, B), A, B), 3))
    assert len(words) < 17 ** 3 / 4  # the pruning matters
    seen = 0
    for g in (fmpq(97, 100), fmpq(99, 100), fmpq(1)):
        cert = certify_orbits(fam.at(g), 3)
        assert cert["verdict"] == "proved"
        for orbit in cert["orbits"]:
            pts = [sum(interval_parse(b)) / 2 for b in orbit]
            word = tuple(bisect_left(breaks, x) for x in pts)
            assert any(tuple(word[(i + k) % 3] for k in range(3)) in words for i in range(3))
            seen += 1
    assert seen > 0


@pytest.mark.slow
def test_gain_threshold_of_a_width16_he_relu_net():
    """A width-16 He ReLU net: the gain where period 3 appears is an exact critical root, re-checked."""
    cert = certify_onset(parse_family(HE16, "gain"), 3, (fmpq(1, 2), fmpq(1)), digits=20)
    assert cert["verdict"] == "proved" and check(cert).ok
    lo, hi = interval_parse(cert["onset"])
    assert 0.96 < float(lo) < 0.97 and hi - lo <= fmpq(1, 10 ** 20)


def test_unclaimed_part_must_lie_before_the_claim():
    """The informational `unclaimed` part of an onset is accepted before the claim's range (and named in the
    statement), and rejected when it reaches into the range."""
    cert = onset("logistic(r)", "r", 3, (7, 2), (4, 1))
    ok = dict(cert, unclaimed={"from": "3", "reason": "not decided"})
    res = check(ok)
    assert res.ok and "[3, 7/2)" in res.statement
    assert not check(dict(cert, unclaimed={"from": "7/2", "reason": "not decided"})).ok


def test_partial_verdict_names_the_undecided_part():
    """A verdict covering only [A', B] says in its verdict line which part [A, A') is undecided, and the API
    exposes it as Result.undecided_part."""
    from certify.reporting.text import render_onset
    from certify.results import Result
    cert = dict(onset("logistic(r)", "r", 3, (7, 2), (4, 1)), unclaimed={"from": "3", "reason": "a reason"})
    verdict = next(line for line in render_onset(cert).splitlines() if line.startswith("verdict"))
    assert verdict.startswith("verdict  PROVED on [3.5, 4]; [3, 3.5) undecided: a reason")
    assert Result.of("threshold", cert).undecided_part == ((3, Fraction(7, 2)), "a reason")
