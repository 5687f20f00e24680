"""The kernel's entropy, oscillations, scrambling, robustness and gradients statements: what they say,
the forgeries that passed before they were derived from the facts, and hostile sizes."""

import copy
import json
import pathlib

import pytest
from flint import fmpq

from certify.certificates import SCHEMA
from certify.checker import check
from certify.checker.entropy import log_rho_text, odd_period_entry, rho_odd
from certify.maps import parse_map
from certify.periodic.period import certify_period

from strategies import junk_sweep

HERE = pathlib.Path(__file__).resolve().parent / "certificates"


def _load(name):
    return json.loads((HERE / f"{name}.json").read_text())


def _edit(name, edit):
    cert = _load(name)
    edit(cert)
    return check(cert)


def _rejected(name, edit, words=""):
    res = _edit(name, edit)
    assert not res.ok and words in res.message and "\n" not in res.message, res.message
    return res


# ----------------------------------------------------------------------------- entropy

def test_entropy_statement_gives_the_interval_and_the_laps_it_rests_on():
    """min(2x, 7(1-x)/5) on [0, 14/17]: the stated interval comes from the lap graphs of f^6 and f^10."""
    res = check(_load("entropy"))
    assert res.ok
    assert res.statement.startswith("h_top(f|I) in [0.414012737393, 0.4262017389856], I = [0, ~0.8235294222832]")
    assert "33 laps of f^6" in res.statement and "204 laps of f^10" in res.statement


def test_exact_entropy_statements():
    """The slope, Markov (rational and algebraic rho, J = f^k(I)) and polynomial Markov fixtures state h exactly."""
    want = {"entropy_slope": "h_top(f|I) = log(6/5) in [0.1823215567937, 0.1823215567948], I = [0, 5033165/8388608]",
            "entropy_markov": "h_top(f|I) = log(rho), rho the largest root of x^2 - x - 1 in [0.4812118250592, "
                              "0.4812118250602], I = [0, 2]",
            "entropy_markov_shrunk": "h_top(f|I) = log(rho), rho the largest root of x^2 - x - 1 in",
            "entropy_markov_poly": "h_top(f|I) = log(2) in [0.6931471805592, 0.6931471805602], I = [0, 1]"}
    for name, start in want.items():
        res = check(_load(name))
        assert res.ok and res.statement.startswith(start), res.statement
    assert "J = [0, 2] (f^1(I) ⊆ J, so h(f|I) = h(f|J))" in check(_load("entropy_markov_shrunk")).statement


def test_entropy_bounds_are_proved_or_undecided():
    """A bound on h_top is not a yes/no claim: verdict refuted is refused (it passed before)."""
    _rejected("entropy", lambda c: c.update(verdict="refuted"), "proved or undecided")


@pytest.mark.parametrize("key, value", [("lo", "0"), ("hi", "1"), ("lo_method", "a 3-horseshoe of f^2"),
                                        ("hi_exact", "log(2)"), ("lo_exact", "log(1)/1")])
def test_entropy_bounds_entry_is_the_kernels(key, value):
    """lo, hi are the facts' exact forms rounded outward to 2^-40, with the kernel's method texts (all passed before)."""
    _rejected("entropy", lambda c: c["bounds"].update({key: value}))


def test_graph_partition_must_be_the_laps_it_names():
    """A graph fact's points are the lap ends of f^n for its n (the method text names them)."""
    def other_n(c):
        c["evidence"][0]["n"] -= 1
    _rejected("entropy", other_n, "not the ends of the laps")


def test_entropy_undecided_carries_nothing():
    """An undecided entropy certificate has no facts and no bounds; with a null interval it says so."""
    assert check(_load("entropy_undecided")).statement.startswith("undecided: nothing is claimed")
    _rejected("entropy_undecided", lambda c: c.update(bounds=_load("entropy")["bounds"]), "claims nothing")
    _rejected("entropy_undecided", lambda c: c.update(verdict="proved"), "interval")


def test_pieces_belong_to_smooth_maps_only():
    """f(I) in I is exact for PL maps (no claim.pieces) and by ball images of `pieces` parts otherwise."""
    _rejected("entropy", lambda c: c["claim"].update(pieces=64), "no pieces")
    _rejected("entropy_smooth", lambda c: c["claim"].pop("pieces"), "pieces")


def test_smooth_lower_bound_needs_the_period_on_I():
    """BGMY needs the odd-period point in I: the embedded period certificate must be on the domain I."""
    def on_R(c):
        next(f for f in c["evidence"] if f["fact"] == "odd_period")["certificate"]["claim"]["domain"] = None
    _rejected("entropy_smooth", on_R, "domain I")


def test_rho_lower_bound_and_its_log_text():
    """rho_3 is the golden ratio: the bisection's a < rho_3 and log rho_3 = 0.481211825 rounds down to 0.481211."""
    a = rho_odd(3)
    assert float(a) < (1 + 5 ** 0.5) / 2 < float(a) + 2 ** -39
    assert log_rho_text(3) == "0.481211" and log_rho_text(5) == "0.414012"


# ----------------------------------------------------------------------------- oscillations

def test_oscillations_refuted_states_nothing():
    """Lap counts are proved or undecided: 'refuted' with no evidence passed before and is refused."""
    _rejected("oscillations", lambda c: c.update(verdict="refuted", evidence=[]), "proved or undecided")


def test_odd_period_point_must_lie_in_I():
    """f = 1/2 on I = [0, 1] has zero entropy there: a period-3 orbit on [10, 11] proves nothing about I."""
    m = parse_map("max(1/2, 2*min(x - 10, 11 - x) + 10)")
    sub = certify_period(m, 3)
    assert sub["verdict"] == "proved"
    cert = {"schema": SCHEMA, "map": {"given": m.given, "canonical": m.canonical, "class": m.kind},
            "claim": {"kind": "oscillations", "p": 0, "interval": {"lo": "0", "hi": "1"}, "upto": 2},
            "verdict": "proved", "precision": 128, "odd_period": odd_period_entry(3, []),
            "evidence": [{"fact": "laps", "n": 1, "count": 1}, {"fact": "laps", "n": 2, "count": 1},
                         {"fact": "odd_period", "p": 3, "certificate": sub}]}
    res = check(cert)
    assert not res.ok and "not shown to lie in I" in res.message
    cert["evidence"].pop()
    cert["odd_period"] = odd_period_entry(None, [])
    assert check(cert).ok and "exactly 1, 1 laps" in check(cert).statement


@pytest.mark.parametrize("key, value", [("log_rho", "0.9"), ("refuted_before", [3, 5]), ("p", 5)])
def test_odd_period_entry_is_the_kernels(key, value):
    """p, the refuted periods and log rho_p (rounded down) are derived from the facts (each passed before)."""
    _rejected("oscillations", lambda c: c["odd_period"].update({key: value}), "odd_period entry")


def test_least_odd_period_needs_the_smaller_ones_refuted():
    """tent(s=8/5): 5 is the least odd period only with period 3 refuted; dropping the refutation is refused."""
    res = check(_load("oscillations_odd5"))
    assert res.ok and "5 is the least odd period >= 3" in res.statement and "rho_5^t" in res.statement
    _rejected("oscillations_odd5",
              lambda c: c.update(evidence=[f for f in c["evidence"] if f["fact"] != "no_odd_period"]),
              "refuted odd periods")


def test_laps_grow_at_least_like_rho_p():
    """Laps are submultiplicative, so laps(f^t) >= exp(t h) >= rho_p^t for every t (tent 17/10, p = 3; tent 8/5, p = 5)."""
    for name, p in (("oscillations", 3), ("oscillations_odd5", 5)):
        cert = _load(name)
        rho = float(rho_odd(p))
        for f in cert["evidence"]:
            if f["fact"] == "laps":
                assert f["count"] >= rho ** f["n"]


def test_growth_is_an_estimate():
    """The fitted rate of log laps must say status: estimate (a 'proved' rate passed before)."""
    _rejected("oscillations", lambda c: c["growth"].update(status="proved"), "estimate")


# ----------------------------------------------------------------------------- scrambling

def test_scrambling_statement_gives_first_times_and_scope():
    """logistic r=4, 1/3 and 1/3 + 1e-6: within 1/1000 at t = 0, more than 1/2 apart first at t = 20, scope 0..60."""
    res = check(_load("scrambling"))
    assert "apart at t1 = 0" in res.statement and "apart at t2 = 20" in res.statement
    assert "times 0..60 only" in res.statement


def test_scrambling_refuted_says_exactly_what_it_states():
    """Refuted: for no t1 < t2 <= H are the orbits eps-close at t1 and delta-apart at t2 (tent s=2, exact)."""
    res = check(_load("scrambling_refuted"))
    assert res.ok and res.statement.startswith("for no times 0 <= t1 < t2 <= 20")
    assert "(exact rationals)" in res.statement


@pytest.mark.parametrize("key, value", [("scope", "all times t >= 0"), ("arithmetic", "exact rationals"),
                                        ("first_apart_after", 21)])
def test_scrambling_statement_entry_is_the_kernels(key, value):
    """The statement entry (first times, arithmetic, scope) is derived from the complete lists (scope and arithmetic passed before)."""
    _rejected("scrambling", lambda c: c["statement"].update({key: value}), "statement entry")


def test_refuted_scrambling_first_times_are_bound():
    """A refuted pair has no apart time after the first close one: a forged first_apart_after is refused."""
    _rejected("scrambling_refuted", lambda c: c["statement"].update(first_apart_after=7), "statement entry")


def test_exact_orbits_switch_to_balls_when_the_rationals_grow():
    """tent(s=17/10) iterates gain ~3.3 bits a step: past 4096 bits the pair is followed in balls (certifier and kernel)."""
    from certify.dynamics.scrambling import scrambling
    cert = scrambling(parse_map("tent(s=17/10)"), fmpq(1, 3), fmpq(1, 3) + fmpq(1, 10 ** 6), fmpq(1, 1000),
                      fmpq(1, 4), 1500)
    assert cert["statement"]["arithmetic"].startswith("balls at") and check(cert).ok
    short = scrambling(parse_map("tent(s=17/10)"), fmpq(1, 3), fmpq(1, 3) + fmpq(1, 10 ** 6), fmpq(1, 1000),
                       fmpq(1, 4), 100)
    assert short["statement"]["arithmetic"] == "exact rationals" and check(short).ok


# ----------------------------------------------------------------------------- robustness

def test_robustness_statement_gives_the_radius_interval():
    """The ReLU tent net: every network within lo has every period, one within hi has no period 3."""
    res = check(_load("robustness"))
    assert "has points of every period" in res.statement
    assert "radius of period 3 around this network lies in [~0.00553466384008, ~0.08926629181952]" in res.statement


@pytest.mark.parametrize("edit, words", [
    (lambda c: c["claim"].update(norm="L2 norm of all weights"), "norm"),
    (lambda c: c.update(experiment={"rows": [], "status": "proved for all networks"}), "experiment"),
    (lambda c: c["radius"].update(hi_status="unknown"), "radius"),
    (lambda c: c["radius"].update(lo="1/1000"), "radius"),
])
def test_robustness_norm_radius_and_experiment_are_bound_or_labelled(edit, words):
    """The norm is the max over w, b, a, c; radius is the kernel's; the experiment says it is one (norm and experiment passed before)."""
    _rejected("robustness", edit, words)


def test_refuted_robustness_is_the_network_itself():
    """Refuted means a refutation at distance 0 and radius [0, 0] with proved statuses."""
    res = check(_load("robustness_refuted"))
    assert res.ok and res.statement.startswith("the network itself has no point of period 3")
    _rejected("robustness_refuted", lambda c: c["radius"].update(hi_status="unknown"), "[0, 0]")
    _rejected("robustness_refuted", lambda c: c["evidence"][0].update(delta="1/10"), "delta 0")


# ----------------------------------------------------------------------------- gradients

def test_gradient_statement_shows_the_kernels_enclosure_at_the_horizon():
    """logistic r=4 from 3/10: log|dx_40/dx_0| is about 27.66 (growth ~ log 2 per step), enclosed by the kernel."""
    res = check(_load("gradients"))
    assert "log|dx_T/dx_0| = sum_(t<T) log|f'(x_t)| in [27.66159365, 27.66159366] at T = 40" in res.statement


@pytest.mark.parametrize("edit, words", [
    (lambda c: c["evidence"][0]["log_abs"].__setitem__(-1, {"lo": "-100", "hi": "100"}), "wider"),
    (lambda c: c["claim"].update(horizon=4000), "horizon"),
    (lambda c: c["lambda"].update(status="proved"), "estimate"),
    (lambda c: c.update(verdict="refuted"), "never refuted"),
])
def test_gradient_intervals_hug_the_kernels_balls(edit, words):
    """Intervals within 2^-40 of the kernel's balls, last checkpoint = horizon, lambda an estimate (the first three passed before)."""
    _rejected("gradients", edit, words)


def test_parameter_and_value_go_together():
    """A gradients claim names a parameter and its value, or neither."""
    _rejected("gradients_param", lambda c: c["claim"].pop("value"), "both")
    _rejected("gradients_param", lambda c: c["param_gradient"].update(status="proved"), "estimate")


# ----------------------------------------------------------------------------- hostile input

@pytest.mark.parametrize("name, edit, words", [
    ("entropy", lambda c: c["evidence"][0].update(n=10 ** 9), "n must be an integer in 1..256"),
    pytest.param("entropy", lambda c: c["evidence"].__setitem__(0, {"fact": "laps", "n": 200, "count": 1}),
                 "work limit", marks=pytest.mark.slow),  # ~10 s: the cell budget is spent before the refusal
    ("entropy_smooth", lambda c: c["claim"].update(pieces=10 ** 9), "pieces"),
    ("entropy_smooth", lambda c: next(f for f in c["evidence"] if f["fact"] == "lipschitz").update(n=10 ** 6), "n must"),
    ("oscillations", lambda c: c["claim"].update(upto=10 ** 9), "upto"),
    ("scrambling", lambda c: c["claim"].update(horizon=10 ** 9), "horizon"),
    ("scrambling", lambda c: c.update(precision=1 << 16) or c["claim"].update(horizon=100_000), "work limit"),
    ("gradients", lambda c: c["claim"].update(horizon=10 ** 9), "horizon"),
    ("robustness", lambda c: c["evidence"][0].update(pieces=10 ** 9), "pieces"),
    ("robustness", lambda c: c["evidence"][1]["certificate"]["evidence"][0].update(rounds=10 ** 30), "rounds"),
])
def test_hostile_counts_are_refused_before_the_work(name, edit, words):
    """Counts read from a certificate are capped before any work is done, with a one-line failure."""
    _rejected(name, edit, words)


@pytest.mark.parametrize("name", ["scrambling", "scrambling_refuted", "robustness_refuted", "oscillations_undecided",
                                  "entropy_undecided"])
def test_every_field_replaced_by_junk_fails_on_one_line(name):
    """Any field (down to the facts' entries) replaced by junk gives a one-line result, never an exception."""
    junk_sweep(_load(name), 99)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["entropy", "entropy_smooth", "oscillations", "oscillations_odd5", "robustness",
                                  "gradients", "gradients_param", "entropy_horseshoe"])  # 3-5 s each
def test_every_field_of_the_larger_fixtures_replaced_by_junk(name):
    """The same on the larger fixtures."""
    junk_sweep(_load(name), 99)


def test_certifier_output_passes_and_states(tmp_path):
    """A fresh certificate of each kind passes the kernel: the certifiers write what the kernel derives."""
    from certify.dynamics.entropy import entropy_bounds
    from certify.dynamics.gradients import gradients
    cert = entropy_bounds(parse_map("tent(s=2)"))
    res = check(copy.deepcopy(cert))
    assert res.ok and res.statement.startswith("h_top(f|I) = log(2) in [0.6931471805")
    g = gradients(parse_map("tent(s=2)"), fmpq(1, 3) + fmpq(1, 10 ** 9), 30)
    assert check(g).ok and "param_gradient" not in g
