"""Period verdicts: proved with a cycle, refuted with a complete enumeration, undecided at tangencies."""

import numpy as np
import pytest
from flint import fmpq
from hypothesis import given, settings

from certify.arith import Budget
from certify.certificates import interval_parse, q_parse
from certify.checker import check
from certify.errors import CertifyError
from certify.maps import from_weights, parse_map
from certify.periodic.finder import candidate_cycles
from certify.periodic.period import certify_orbits, certify_period

from strategies import rnn1d_weights


def verdict(spec, p, **kw):
    cert = certify_period(parse_map(spec), p, **kw)
    assert check(cert).ok
    return cert


def test_logistic_383_has_period_3():
    """logistic r = 383/100 > 1 + sqrt(8) has a period-3 orbit, with a Li-Yorke witness."""
    cert = verdict("logistic(r=383/100)", 3)
    assert cert["verdict"] == "proved"
    orbit = [interval_parse(b) for b in cert["orbit"]]
    assert orbit[0] == min(orbit) and len(orbit) == 3
    assert any(f["fact"] == "li_yorke" for f in cert["evidence"])


def test_logistic_38_has_no_period_3():
    """logistic r = 3.8 < 1 + sqrt(8): no point of minimal period 3 exists."""
    assert verdict("logistic(r=3.8)", 3)["verdict"] == "refuted"


def test_tent_8_5_has_no_period_3():
    """tent s = 8/5 < golden ratio: no point of minimal period 3 (exact, piecewise linear)."""
    cert = verdict("tent(s=8/5)", 3)
    assert cert["verdict"] == "refuted"
    assert [f["fact"] for f in cert["evidence"]] == ["region", "cover_pl"]


def test_tent_golden_ratio_turning_point_is_period_3():
    """tent s = 17/10 > golden ratio has period 3; the exact orbit satisfies f(x_i) = x_(i+1)."""
    cert = verdict("tent(s=17/10)", 3)
    assert cert["verdict"] == "proved"
    pts = [q_parse(b["lo"]) for b in cert["orbit"]]
    f = parse_map("tent(s=17/10)").program
    assert [f(x) for x in pts] == pts[1:] + pts[:1]


def test_tent_slope_2_orbit_2_7():
    """tent s = 2 has the period-3 orbit {2/7, 4/7, 6/7} among its (complete) orbits."""
    cert = certify_orbits(parse_map("tent(s=2)"), 3)
    assert check(cert).ok and cert["count"] == 2
    orbits = [[q_parse(b["lo"]) for b in o] for o in cert["orbits"]]
    assert [fmpq(2, 7), fmpq(4, 7), fmpq(6, 7)] in orbits


def test_smooth_tanh_family_neighbour_refuted():
    """3 tanh(3x) - 9/2 tanh(x - 1/2) + 1/3 (past the window) has no period-3 point."""
    assert verdict("3*tanh(3*x) - 9/2*tanh(x-1/2) + 1/3", 3)["verdict"] == "refuted"


def test_smooth_tanh_family_refuted_with_cover():
    """3 tanh(2x + 1/2) - 5/2 tanh(x - 1) has no period-3 point (bounded image, ball cover)."""
    cert = verdict("3*tanh(2*x+1/2) - 5/2*tanh(x-1)", 3)
    assert cert["verdict"] == "refuted"
    assert cert["evidence"][0]["method"] == "bounded_image"


def test_smooth_map_with_period_3_proved_by_krawczyk():
    """3 tanh(3x) - 4 tanh(x - 1/2) + 1/3 has a period-3 orbit, proved on the cyclic system."""
    cert = verdict("3*tanh(3*x) - 4*tanh(x-1/2) + 1/3", 3)
    assert cert["verdict"] == "proved"
    assert cert["evidence"][0]["fact"] == "cycle_krawczyk"


def test_tangency_on_a_domain_is_proved_exactly():
    """At r = 1 + sqrt(8) the period-3 orbit is born in a tangency: on the domain [0, 1] it is proved by
    an exact orbit in a number field (Krawczyk alone stalls there)."""
    cert = certify_period(parse_map("logistic(r=1+sqrt(8))"), 3, domain=(fmpq(0), fmpq(1)),
                          budget=Budget(max_prec=256))
    assert cert["verdict"] == "proved" and cert["evidence"][-1]["fact"] == "cycle_algebraic"
    assert check(cert).ok


def test_monotone_map_has_only_fixed_points():
    """tanh(x) is increasing (with a non-hyperbolic fixed point at 0): no period 3, by monotonicity."""
    cert = verdict("tanh(x)", 3)
    assert cert["verdict"] == "refuted" and cert["evidence"][1]["fact"] == "monotone"


def test_decreasing_map_has_no_period_3():
    """-2 tanh(x) is decreasing: f^2 is increasing, so no period 3."""
    cert = verdict("-2*tanh(x)", 3)
    assert cert["verdict"] == "refuted" and cert["evidence"][1]["direction"] == "decreasing"


def test_fixed_point_on_domain_end_is_listed():
    """logistic r = 3.8 on [0, 1]: both fixed points, 0 (a domain end) and 14/19, are listed."""
    cert = certify_orbits(parse_map("logistic(r=3.8)"), 1, domain=(fmpq(0), fmpq(1)))
    assert check(cert).ok and cert["count"] == 2


def test_domain_refutation_with_fixed_point_on_its_end():
    """logistic r = 3.8 has no period 3 in [0, 1], although 0 is a fixed point on the boundary."""
    assert verdict("logistic(r=3.8)", 3, domain=(fmpq(0), fmpq(1)))["verdict"] == "refuted"


def test_domain_must_be_invariant():
    """--domain [0, 1/2] is not invariant for logistic r = 4: a one-line input error."""
    with pytest.raises(CertifyError, match="not invariant"):
        certify_period(parse_map("logistic(r=4)"), 3, domain=(fmpq(0), fmpq(1, 2)))


def test_domain_claim_is_recorded():
    """On the invariant domain [0, 1] the tent map s = 2 has period 3, and the claim says so."""
    cert = verdict("tent(s=2)", 3, domain=(fmpq(0), fmpq(1)))
    assert cert["verdict"] == "proved" and cert["claim"]["domain"] == {"lo": "0", "hi": "1"}


def test_no_periodic_points_at_all():
    """x + 1 + relu(x)/2 has no periodic points: refuted from an empty region."""
    cert = verdict("x + 1 + relu(x)/2", 2)
    assert cert["verdict"] == "refuted" and cert["evidence"][0]["region"] == "empty"


def test_period_must_be_positive_integer():
    """Period 0 is refused."""
    with pytest.raises(CertifyError):
        certify_period(parse_map("tent(s=2)"), 0)


@given(w=rnn1d_weights(activations=("relu", "hardtanh", "leaky_relu"), width=(1, 5)))
@settings(max_examples=40, deadline=None)
def test_pl_verdict_agrees_with_float_search(w):
    """When a float search finds a clear 3-cycle of a PL net, certify proves period 3 (never refutes)."""
    m = from_weights(w)
    cert = certify_period(m, 3)
    assert check(cert).ok
    if cert["verdict"] == "refuted":
        assert not candidate_cycles(m.program, (-200, 200), 3, grid=40001)


@pytest.mark.parametrize("first", [0, pytest.param(30, marks=pytest.mark.slow)])
def test_random_he_relu_nets_never_contradict_floats(first):
    """On 60 He-initialised ReLU nets of width 16 (nets 30-59 with -m slow), refuted nets have no float 3-cycle."""
    rng = np.random.default_rng(7)
    k, seen = 16, {"proved": 0, "refuted": 0, "undecided": 0}
    for i in range(first + 30):
        weights = {"activation": "relu", "w": rng.normal(0, 2 ** .5, k).tolist(),
                   "b": rng.normal(0, 2 ** .5, k).tolist(), "a": rng.normal(0, (2 / k) ** .5, k).tolist(), "c": 0.0}
        if i < first:  # drawn all the same: nets 30-59 are those of the single 60-net run
            continue
        m = from_weights(weights)
        cert = certify_period(m, 3)
        seen[cert["verdict"]] += 1
        if cert["verdict"] == "refuted":
            assert not candidate_cycles(m.program, (-100, 100), 3, grid=40001)
    assert seen["undecided"] == 0


def test_unbounded_periodic_set_still_proves_a_cycle():
    """-x has a continuum of 2-cycles (no bounded region exists): period 2 is still proved exactly."""
    cert = verdict("-x", 2)
    assert cert["verdict"] == "proved" and cert["evidence"][0]["fact"] == "cycle_exact"


def test_log_and_sqrt_need_a_domain():
    """sqrt(x) is not defined on all of R: without --domain it is an input error, with one it works."""
    with pytest.raises(CertifyError, match="not proved (positive|non-negative)"):
        certify_period(parse_map("sqrt(x)"), 1)
    assert verdict("sqrt(x)", 1, domain=(fmpq(1, 4), fmpq(4)))["verdict"] == "proved"


def test_monotone_map_refuted_after_subdividing():
    """tanh(x) + tanh(3x - 1) tanh(x + 1)/4 is increasing, which the kernel sees only on subdivided cells: no period 3."""
    cert = certify_period(parse_map("tanh(x) + tanh(3*x - 1)*tanh(x+1)/4"), 3)
    assert cert["verdict"] == "refuted" and [f["fact"] for f in cert["evidence"]] == ["region", "monotone"]
    assert len(next(f for f in cert["evidence"] if f["fact"] == "monotone")["cells"]) > 1
    assert check(cert).ok


def test_identity_tail_holds_only_fixed_points():
    """tent(s=1) = min(x, 1-x) is the identity on x <= 1/2: no point of period 3, which the kernel re-proves."""
    cert = certify_period(parse_map("tent(s=1)"), 3)
    assert cert["verdict"] == "refuted" and cert["evidence"][0].get("nonfixed") is True
    assert check(cert).ok
    bad = dict(cert, claim=dict(cert["claim"], p=1))  # the fixed-tail rule says nothing about fixed points
    assert not check(bad).ok


def test_cycle_proof_does_not_depend_on_float_noise():
    """Float candidates a few ulps apart (another libm or BLAS) give the same proved boxes: the start of
    the Krawczyk proof is the candidate snapped to a dyadic grid."""
    from certify.periodic import balls
    from certify.periodic.finder import candidate_cycles

    m = parse_map("3*tanh(3*x) - 4*tanh(x-1/2) + 1/3")
    cyc = candidate_cycles(m.program, (-10, 10), 3)[0]
    got = {tuple(balls.certify_cycle(m.program, [x * (1 + k * 2.0 ** -52) for x in cyc], Budget())[0])
           for k in range(-4, 5)}
    assert len(got) == 1
