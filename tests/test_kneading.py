"""Entropy by the Milnor-Thurston kneading determinant: exact cases, an independent lap oracle, tampering."""

from __future__ import annotations

import copy
import math
from fractions import Fraction
from pathlib import Path

import pytest
from flint import fmpq, fmpz_poly
from hypothesis import HealthCheck, given, settings

from certify.arith import Budget
from certify.certificates import q_parse
from certify.checker import check
from certify.checker.kneading import decide, kneading_poly, tail_bound, turns_of
from certify.checker.statement import Failure
from certify.cli import main
from certify.dynamics import entropy as entropy_mod
from certify.dynamics.entropy import entropy_bounds
from certify.dynamics.kneading import kneading_fact
from certify.maps import parse_map
from strategies import examples, pl_interpolation_net, rnn1d_spec, unit_interval_pl_maps
from test_entropy_exact import oracle_laps

ROOT = Path(__file__).resolve().parent.parent
PERIOD3 = "min(x + 1/2, 2 - 2*x)"  # on [0, 1]: 0 -> 1/2 -> 1 -> 0, the turning point 1/2 has period 3


def _fact(spec, lo, hi):
    m = parse_map(spec)
    return kneading_fact(m.program, m.program.pl(), (fmpq(lo), fmpq(hi)))


def _s(fact):
    return q_parse(fact["s_lo"]), q_parse(fact["s_hi"])


@pytest.mark.parametrize("s", ["5/4", "3/2", "17/10", "19/10", "2"])
def test_tent_kneading_zero_is_one_over_s(s):
    """tent(s) on [0, 1]: the least zero of D encloses 1/s exactly (h = log s)."""
    fact, _ = _fact(f"tent(s={s})", 0, 1)
    a, b = _s(fact)
    assert a < 1 / fmpq(s) < b and b - a < fmpq(1, 10 ** 6)


def test_logistic_4_kneading_zero_is_one_half():
    """logistic r = 4 on [0, 1] (turning orbit 1/2 -> 1 -> 0, exact): the zero encloses 1/2 (h = ln 2)."""
    fact, _ = _fact("logistic(r=4)", 0, 1)
    a, b = _s(fact)
    assert a < fmpq(1, 2) < b


def test_period_3_turning_point_gives_the_golden_mean():
    """A PL unimodal map whose turning point has period 3 (its orbit hits it exactly): s = 1/phi."""
    fact, _ = _fact(PERIOD3, 0, 1)
    a, b = _s(fact)
    assert a * a + a - 1 < 0 < b * b + b - 1  # 1/phi is the root of t^2 + t - 1 in (0, 1)


def test_unimodal_determinant_is_the_kneading_series():
    """tent(2): the truncated determinant is 1 - 2t for every K (orbit 1/2 -> 1 -> 0 -> 0 ...)."""
    m = parse_map("tent(s=2)")
    T = turns_of(m.program, m.program.pl(), fmpq(0), fmpq(1))
    for K in (1, 5, 40):
        assert kneading_poly(T, K) == (fmpz_poly([1, -2]), 1)


def test_tail_bound_is_hadamard_times_the_geometric_tail():
    """m = 1: e = r = 2 t^(K+1) / (1 - t) exactly; e grows with m."""
    t = fmpq(1, 2)
    assert tail_bound(1, 10, t) == 2 * t ** 11 / (1 - t)
    assert tail_bound(2, 10, t) > 2 * tail_bound(1, 10, t)


def test_decide_refuses_an_enclosure_missing_the_zero():
    """tent(2) (Q = 1 - 2t): [0.3, 0.4] has no sign change, [0.6, 0.7] has the zero below it."""
    Q = fmpz_poly([1, -2])
    decide(Q, 1, 60, fmpq(49, 100), fmpq(51, 100))
    with pytest.raises(Failure, match="change sign"):
        decide(Q, 1, 60, fmpq(3, 10), fmpq(4, 10))
    with pytest.raises(Failure, match="non-zero"):
        decide(Q, 1, 60, fmpq(6, 10), fmpq(7, 10))
    with pytest.raises(Failure, match="tail bound"):
        decide(Q, 1, 2, fmpq(49, 100), fmpq(51, 100))


def test_logistic_383_is_log_golden_mean_exactly():
    """logistic r = 3.83 (period-3 window): the turning orbit is trapped by the attracting 3-cycle, D is
    rational, and h = -log s with s the root of t^2 + t - 1: log phi exactly."""
    cert = entropy_bounds(parse_map("logistic(r=3.83)"))
    fact = cert["evidence"][0]
    assert check(cert).ok and fact["fact"] == "kneading_cycle" and fact["minpoly"] == "x^2 + x - 1"
    lo, hi = (q_parse(cert["bounds"][k]) for k in ("lo", "hi"))
    assert float(lo) <= math.log((1 + math.sqrt(5)) / 2) <= float(hi) and hi - lo <= fmpq(1, 10 ** 6)


@pytest.fixture(scope="module")
def logistic35():
    return entropy_bounds(parse_map("logistic(r=3.5)"))


def test_logistic_35_has_zero_entropy_exactly(logistic35):
    """logistic r = 3.5: the turning orbit is trapped by the attracting 4-cycle; D has no zero in [0, 1)."""
    fact = logistic35["evidence"][0]
    assert check(logistic35).ok and fact["fact"] == "kneading_cycle" and fact["s"] is None
    assert fact["traps"][0]["p"] == 4 and logistic35["bounds"]["hi"] == "0"


def test_cycle_tampering_is_rejected(logistic35):
    """A trap moved off the orbit, another period, a stated zero where there is none, or h = 0 claimed
    for logistic 3.83: rejected."""
    trap = lambda c: c["evidence"][0]["traps"][0]  # noqa: E731
    _rejected(logistic35, lambda c: trap(c).update(J={"lo": "1/10", "hi": "1/5"}), "not proved inside its trap")
    _rejected(logistic35, lambda c: trap(c).update(p=3), "")
    _rejected(logistic35, lambda c: c["evidence"][0].update(s={"lo": "1/2", "hi": "1/2"}, minpoly="2*x - 1"),
              "least zero")
    gold = entropy_bounds(parse_map("logistic(r=3.83)"))
    _rejected(gold, lambda c: c["evidence"][0].update(s=None, minpoly=None), "h > 0")
    _rejected(gold, lambda c: c["evidence"][0].update(minpoly="x^2 - x - 1"), "minimal polynomial")


def test_zero_entropy_logistic_is_monotone_on_its_interval(capsys):
    """logistic r = 3.2: the proved invariant interval has no turning point, so h = 0 exactly."""
    assert main(["entropy", "logistic(r=3.2)"]) == 0
    out = capsys.readouterr().out
    assert "h_top = log(1) = 0" in out and "strictly monotone on I" in out


def test_he_relu64_net_to_1e_6_inside_the_lap_bounds():
    """The width-64 He ReLU net with period 3: width <= 1e-6, inside today's lap bounds [0.562, 0.602]."""
    cert = entropy_bounds(parse_map(str(ROOT / "examples" / "he_relu64_p3_net.json")))
    assert check(cert).ok and cert["evidence"][0]["fact"] == "kneading"
    lo, hi = (q_parse(cert["bounds"][k]) for k in ("lo", "hi"))
    assert hi - lo <= fmpq(1, 10 ** 6) and 0.562 <= float(lo) and float(hi) <= 0.602


def test_kneading_certificate_is_the_same_on_every_run():
    """min(2x, 7(1-x)/5): the kneading certificate is byte-identical run to run (no clock, no floats kept)."""
    from certify.certificates import dumps
    a, b = (entropy_bounds(parse_map("min(2*x, 7*(1-x)/5)")) for _ in range(2))
    assert a["evidence"][0]["fact"] == "kneading" and dumps(a) == dumps(b)


def test_flat_piece_is_refused_with_a_reason():
    """A PL map with a flat piece on I: no kneading fact, a note saying why."""
    fact, note = _fact("max(min(2*x, 1/2), 2*x - 1)", 0, 1)
    assert fact is None and "flat piece" in note


def test_irrational_exact_hit_stops_with_the_budget():
    """x^3 - 3x/2: f(1/sqrt 2) = -1/sqrt 2 is a turning point; balls cannot decide: note names the step."""
    m = parse_map("x^3 - 3*x/2")
    fact, note = kneading_fact(m.program, None, (fmpq(-3, 2), fmpq(3, 2)))
    assert fact is None and "step 1 meets a turning point" in note


def test_sin_pi_x_has_entropy_log_2():
    """sin(pi x) on [0, 1] (smooth, turning point isolated by f' signs and f'' != 0): s encloses 1/2."""
    fact, _ = _fact("sin(pi*x)", 0, 1)
    a, b = _s(fact)
    assert a < fmpq(1, 2) < b and len(fact["turns"]) == 1


TANH_NET = "3*tanh(3*x) - 4*tanh(x-1/2) + 1/3"  # period 3 proved (usage.md)


@pytest.fixture(scope="module")
def tanh_cert():
    return entropy_bounds(parse_map(TANH_NET))


def test_tanh_net_to_1e_6_with_its_period_3(tanh_cert):
    """A tanh net with a proved period 3: width <= 1e-6 and lo >= log rho_3 (BGMY, 2^-40 rounding)."""
    from certify.checker.entropy import rho_odd
    assert check(tanh_cert).ok and {"kneading", "kneading_cycle"} & {f["fact"] for f in tanh_cert["evidence"]}
    lo, hi = (q_parse(tanh_cert["bounds"][k]) for k in ("lo", "hi"))
    assert hi - lo <= fmpq(1, 10 ** 6) and float(lo) >= math.log(float(rho_odd(3))) - 2 ** -39


def test_smooth_turning_intervals_are_checked(tanh_cert):
    """A turning interval moved off the zero of f', or turns dropped, or stated for a PL map: rejected."""
    kn = lambda c: next(f for f in c["evidence"] if f["fact"].startswith("kneading"))  # noqa: E731
    a = q_parse(kn(tanh_cert)["turns"][0]["lo"])
    _rejected(tanh_cert, lambda c: kn(c).update(turns=[{"lo": str(a - fmpq(1, 100)), "hi": str(a - fmpq(1, 200))}]),
              "change sign")
    _rejected(tanh_cert, lambda c: kn(c).pop("turns"), "exactly when")
    pl = entropy_bounds(parse_map("min(2*x, 7*(1-x)/5)"))
    _rejected(pl, lambda c: c["evidence"][0].update(turns=[]), "exactly when")


def test_monotone_smooth_map_has_zero_entropy():
    """2 tanh(2x): on its invariant interval f' > 0 (proved by bisection): h = 0 exactly."""
    cert = entropy_bounds(parse_map("2*tanh(2*x)"))
    assert check(cert).ok and cert["evidence"][0]["fact"] == "monotone" and cert["bounds"]["hi"] == "0"


# ----------------------------------------------------------------------------- tampering

def _rejected(cert, edit, why=""):
    bad = copy.deepcopy(cert)
    edit(bad)
    res = check(bad)
    assert not res.ok, "tampered certificate accepted"
    assert why in res.message, res.message


def test_kneading_tampering_is_rejected():
    """A moved enclosure, a small K, another map, a changed bound or key: rejected by the kernel."""
    cert = entropy_bounds(parse_map("logistic(r=3.9)"))
    assert check(cert).ok and cert["evidence"][0]["fact"] == "kneading"
    ev = lambda c: c["evidence"][0]  # noqa: E731
    _rejected(cert, lambda c: ev(c).update(s_hi=ev(c)["s_lo"]), "s_lo < s_hi")
    _rejected(cert, lambda c: ev(c).update(s_lo="1/2", s_hi="51/100"), "change sign")
    _rejected(cert, lambda c: ev(c).update(s_lo="3/5", s_hi="61/100"), "non-zero")
    _rejected(cert, lambda c: ev(c).update(K=8), "K = 8")
    _rejected(cert, lambda c: c["map"]["canonical"].update(expr="19*x*(1 - x)/5"), "")
    _rejected(cert, lambda c: c["bounds"].update(lo="1/2"), "bounds entry")
    _rejected(cert, lambda c: ev(c).update(extra=1), "keys")


# ----------------------------------------------------------------------------- differential

class Knots:
    """The PL interpolation of (knots, values) on [0, 1] in Fractions, for the lap oracle."""

    def __init__(self, knots, values):
        self.knots, self.values = knots, values

    def __call__(self, x):
        """The interpolation, extended affinely beyond 0 and 1 (as the network is)."""
        k = sum(1 for t in self.knots[1:-1] if t < x)
        t0, t1, v0, v1 = self.knots[k], self.knots[k + 1], self.values[k], self.values[k + 1]
        return v0 + (v1 - v0) * (x - t0) / (t1 - t0)

    def breaks(self):
        return list(self.knots[1:-1])


SEEN: list = []
SHALLOW = Budget(lap_depth=8)  # the lap-graph comparison sharpens to n = 8 at most


@settings(max_examples=examples(25), deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(pl=unit_interval_pl_maps())
def test_kneading_agrees_with_lap_oracle_and_lap_graphs(pl, monkeypatch_module):
    """PL self-maps of [0, 1] (flat pieces, turning knots on fixed points, slopes +-1): the kneading
    enclosure [lo, hi] has (1/n) log laps(f^n) >= lo (exact lap oracle in Fractions, n <= 5) and
    meets the lap-graph bounds computed without it; flat pieces give no kneading fact."""
    knots, values = pl
    f = Knots(knots, values)
    m = parse_map(rnn1d_spec(pl_interpolation_net(knots, values)))
    dom = (fmpq(0), fmpq(1))
    flat = any(v0 == v1 for v0, v1 in zip(values, values[1:]))
    with monkeypatch_module.context() as mp:
        mp.setattr(entropy_mod, "_exact_fact", lambda *a: None)
        cert = entropy_bounds(m, domain=dom, tolerance=0.05, budget=SHALLOW)
        assert cert["verdict"] == "proved" and check(cert).ok
        kind = cert["evidence"][0]["fact"]
        if flat:
            assert kind not in ("kneading", "kneading_cycle", "monotone")
            SEEN.append("flat")
            return
        assert kind in ("kneading", "kneading_cycle", "monotone") or "kneading" in cert.get("note", "")  # laps won
        SEEN.append(kind)
        klo, khi = (float(q_parse(cert["bounds"][k])) for k in ("lo", "hi"))
        for n in range(1, 6):
            assert math.log(oracle_laps(f, Fraction(0), Fraction(1), n)) / n >= klo - 1e-12
        mp.setattr(entropy_mod, "_kneading", lambda *a: (None, None))
        other = entropy_bounds(m, domain=dom, tolerance=0.05, budget=SHALLOW)
    assert other["verdict"] == "proved"
    glo, ghi = (float(q_parse(other["bounds"][k])) for k in ("lo", "hi"))
    assert glo <= khi + 1e-12 and klo <= ghi + 1e-12


def test_differential_test_met_its_cases():
    """The differential test above met truncated and exact (trapped) determinants and flat pieces (not
    vacuous)."""
    assert {"kneading", "kneading_cycle", "flat"} <= set(SEEN), SEEN


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()
