"""Robustness radius of period 3, oscillations (lap counts) and finite-horizon scrambling."""

import copy
import pathlib

import pytest
from flint import arb, ctx, fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

from certify.certificates import dumps, loads, q_parse, q_str
from certify.checker import check
from certify.checker.robust import box_program, li_yorke_box
from certify.checker.semantics import eval_ball
from certify.cli import main
from certify.dynamics.oscillations import oscillations, rho
from certify.dynamics.robustness import neighbour, persistence, robustness
from certify.dynamics.scrambling import scrambling
from certify.maps import from_weights, parse_map

from strategies import rnn1d_weights

NET = str(pathlib.Path(__file__).resolve().parent.parent / "proofs" / "relu_tent_net.json")


@pytest.fixture(scope="module")
def robust_cert():
    return robustness(parse_map(NET))


def _rejected(cert, mutate):
    bad = copy.deepcopy(cert)
    mutate(bad)
    return not check(bad).ok


# ----------------------------------------------------------------------------- robustness

@settings(max_examples=40, deadline=None)
@given(rnn1d_weights(activations=("relu", "leaky_relu", "hardtanh", "tanh", "sigmoid"), width=(1, 3)),
       st.fractions(-3, 3, max_denominator=16), st.fractions(0, 1, max_denominator=16),
       st.lists(st.fractions(-1, 1, max_denominator=8), min_size=13, max_size=13))
def test_box_program_encloses_every_network_in_the_box(weights, x, radius, u):
    """eval_ball of the box program contains g(x) for every network g within the radius."""
    m = from_weights(weights)
    k = len(m.canonical["w"])
    theta = [q_parse(v) for key in ("w", "b", "a") for v in m.canonical[key]] + [q_parse(m.canonical["c"])]
    r = fmpq(radius.numerator, radius.denominator)
    moved = neighbour(m, [t + r * fmpq(v.numerator, v.denominator) for t, v in zip(theta, u[:3 * k + 1])])
    with ctx.workprec(1024):  # x and the moved network's value, far tighter than the box's enclosure
        X = arb(fmpq(x.numerator, x.denominator))
        value = eval_ball(moved.program, X)
    with ctx.workprec(128):
        assert eval_ball(box_program(m.canonical, r), X).contains(value)


def test_tent_net_has_positive_certified_radius(robust_cert):
    """The width-2 ReLU tent network keeps period 3 (every period) within a proved radius > 0."""
    assert robust_cert["verdict"] == "proved"
    r = robust_cert["radius"]
    assert r["lo_status"] == "proved" and q_parse(r["lo"]) > fmpq(1, 1000)
    assert check(loads(dumps(robust_cert))).ok


def test_upper_bound_is_a_refuted_neighbour_and_the_ball_test_fails_there(robust_cert):
    """Some network within hi has no period 3 (re-checked), and the ball witness fails at delta = hi."""
    r = robust_cert["radius"]
    hi = q_parse(r["hi"])
    assert r["hi_status"] == "proved" and q_parse(r["lo"]) < hi < fmpq(1, 5)
    fact = robust_cert["evidence"][1]
    assert fact["certificate"]["verdict"] == "refuted" and check(fact["certificate"]).ok
    a = q_parse(robust_cert["evidence"][0]["a"])
    with ctx.workprec(128):
        assert li_yorke_box(parse_map(NET).canonical, a, hi, 256) is None


def test_robustness_tampering_is_rejected(robust_cert):
    """A larger radius, a moved witness, a too-small neighbour distance or a changed refutation are rejected."""
    def grow_lo(c):
        lo = q_str(q_parse(c["radius"]["lo"]) * 2)
        c["radius"]["lo"] = c["evidence"][0]["delta"] = lo

    def shrink_hi(c):
        hi = q_str(q_parse(c["radius"]["hi"]) / 2)
        c["radius"]["hi"] = c["evidence"][1]["delta"] = hi

    def move_a(c):
        c["evidence"][0]["a"] = "2/7"

    def neighbour_not_refuted(c):
        c["evidence"][1]["certificate"]["evidence"].pop()

    def other_architecture(c):
        c["evidence"][1]["certificate"]["map"]["canonical"]["activation"] = "leaky_relu"

    def hide_upper(c):
        c["radius"]["hi_status"] = "unknown"

    for mutate in (grow_lo, shrink_hi, move_a, neighbour_not_refuted, other_architecture, hide_upper):
        assert _rejected(robust_cert, mutate), mutate.__name__


def test_network_without_period_3_has_radius_zero():
    """A ReLU tent of slope 8/5 (< golden ratio) has no period 3: radius [0, 0], refuted, re-checked."""
    m = from_weights({"activation": "relu", "w": [1, 1], "b": [0, "-1/2"], "a": ["8/5", "-16/5"], "c": 0})
    cert = robustness(m)
    assert cert["verdict"] == "refuted" and cert["radius"]["hi"] == "0"
    assert check(cert).ok
    assert _rejected(cert, lambda c: c["radius"].update(hi="1/10", lo="1/10"))


def test_persistence_below_radius_keeps_period_3(robust_cert):
    """Every sampled recurrent network within the proved radius has period 3 (exact verdicts)."""
    lo = q_parse(robust_cert["radius"]["lo"])
    exp = persistence(parse_map(NET), [lo], samples=8, seed=1)
    assert exp["rows"][0]["recurrent_period3"] == {"proved": 8, "refuted": 0, "undecided": 0}
    assert exp["rows"][0]["composition_witness"]["found"] == 8


# ----------------------------------------------------------------------------- oscillations

@pytest.fixture(scope="module")
def tent_laps():
    return oscillations(parse_map("tent(s=2)"), upto=10, max_odd=5)


def test_tent_laps_are_powers_of_two(tent_laps):
    """f^t of the tent map of slope 2 has exactly 2^t laps on [0, 1], t = 1..10."""
    counts = [f["count"] for f in tent_laps["evidence"] if f["fact"] == "laps"]
    assert counts == [2 ** t for t in range(1, 11)]
    assert tent_laps["odd_period"]["p"] == 3 and check(loads(dumps(tent_laps))).ok
    assert tent_laps["growth"]["rate"] == "0.693147"  # log 2 to the 6 digits stored


def test_rho_3_is_the_golden_ratio():
    """The largest root of z^3 - 2z - 1 is (1 + sqrt 5)/2, and rho_p decreases towards sqrt 2."""
    assert abs(rho(3) - (1 + 5 ** 0.5) / 2) < 1e-12
    assert rho(3) > rho(5) > rho(7) > 2 ** 0.5


def test_oscillations_tampering_is_rejected(tent_laps):
    """A wrong lap count, a missing t, or a period certificate of another map is rejected."""
    def wrong_count(c):
        c["evidence"][4]["count"] = 31

    def missing_t(c):
        del c["evidence"][2]

    def other_map(c):
        sub = next(f for f in c["evidence"] if f["fact"] == "odd_period")["certificate"]
        sub["map"]["canonical"] = parse_map("tent(s=9/5)").canonical

    for mutate in (wrong_count, missing_t, other_map):
        assert _rejected(tent_laps, mutate), mutate.__name__


def test_tent_below_golden_ratio_uses_period_5():
    """Tent slope 8/5 has no period 3; the least odd period is 5 and laps grow faster than rho_5^t."""
    cert = oscillations(parse_map("tent(s=8/5)"), upto=12, max_odd=7)
    assert cert["odd_period"]["p"] == 5 and cert["odd_period"]["refuted_before"] == [3]
    counts = [f["count"] for f in cert["evidence"] if f["fact"] == "laps"]
    assert counts[-1] >= rho(5) ** 12


# ----------------------------------------------------------------------------- scrambling

@pytest.fixture(scope="module")
def logistic_pair():
    return scrambling(parse_map("logistic(r=4)"), fmpq(1, 3), fmpq(1, 3) + fmpq(1, 10 ** 12),
                      fmpq(1, 10 ** 9), fmpq(1, 2), 120)


def test_logistic_pair_close_then_apart(logistic_pair):
    """For logistic r=4, 1/3 and 1/3 + 1e-12 are 1e-9-close up to t = 10 and 1/2-apart at t = 40 (balls)."""
    s = logistic_pair["statement"]
    assert logistic_pair["verdict"] == "proved" and s["first_close"] == 0 and s["first_apart_after"] == 40
    assert logistic_pair["evidence"][0]["close"] == list(range(11))
    assert check(loads(dumps(logistic_pair))).ok


def test_scrambling_tampering_is_rejected(logistic_pair):
    """Dropping a time, shifting the first apart time or flipping the verdict is rejected."""
    def drop(c):
        c["evidence"][0]["apart"].pop()

    def shift(c):
        c["statement"]["first_apart_after"] = 41

    def flip(c):
        c["verdict"] = "refuted"

    def lower_precision(c):
        c["precision"] = 64

    for mutate in (drop, shift, flip, lower_precision):
        assert _rejected(logistic_pair, mutate), mutate.__name__


def test_tent_pair_exact_and_refuted_when_too_short():
    """Tent slope 2 is exact; with horizon 20 the pair never separates by 1/2, which is refuted."""
    m = parse_map("tent(s=2)")
    x, y = fmpq(1, 3), fmpq(1, 3) + fmpq(1, 10 ** 12)
    long = scrambling(m, x, y, fmpq(1, 10 ** 9), fmpq(1, 2), 200)
    assert long["verdict"] == "proved" and long["statement"]["arithmetic"] == "exact rationals"
    short = scrambling(m, x, y, fmpq(1, 10 ** 9), fmpq(1, 2), 20)
    assert short["verdict"] == "refuted" and check(short).ok


# ----------------------------------------------------------------------------- CLI

@pytest.mark.parametrize("argv", [
    ["scrambling", "tent(s=2)", "--x", "1/3", "--y", "1/3", "--eps", "1e-9", "--delta", "1/2"],
    ["scrambling", "tent(s=2)", "--x", "1/3", "--y", "0.4", "--eps", "0", "--delta", "1/2"],
    ["scrambling", "tent(s=2)", "--x", "sqrt(2)", "--y", "0.4", "--eps", "1e-9", "--delta", "1/2"],
    ["scrambling", "tent(s=2)", "--x", "1/3", "--y", "0.4", "--eps", "1e-9", "--delta", "1/2", "--horizon", "0"],
    ["robustness", "tent(s=2)"],
    ["robustness", NET, "--persistence", "0"],
    ["robustness", "rnn1d(activation=tanh, w=[2], b=[0], a=[1], c=0)", "--persistence", "5"],
    ["oscillations", "logistic(r=4)"],
    ["oscillations", "tent(s=2)", "--upto", "0"],
    ["oscillations", "tent(s=2)", "--plot", "laps.jpg"],
])
def test_bad_input_exits_2(argv, capsys):
    """Bad input gives one line on stderr and exit code 2."""
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("certify: error:") and "\n" not in err


def test_cli_oscillations_plot_and_check(tmp_path, capsys):
    """`certify oscillations --plot --out` writes a PDF and a certificate that `certify check` accepts."""
    pdf, out = tmp_path / "laps.pdf", tmp_path / "osc.json"
    assert main(["oscillations", "tent(s=2)", "--upto", "8", "--max-odd", "3", "--plot", str(pdf),
                 "--out", str(out)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert "t=8: 256" in capsys.readouterr().out
    assert main(["check", str(out)]) == 0
