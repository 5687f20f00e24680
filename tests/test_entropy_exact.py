"""Exact topological entropy: constant slope (log s) and Markov partitions (log of an algebraic
spectral radius), checked against closed forms, hand-built transition matrices and an independent
exact lap-count oracle (tests/oracle_pl.py, Fractions only); tamper tests for every new fact."""

import copy
import math
from fractions import Fraction

import numpy as np
import pytest
from flint import fmpq
from hypothesis import HealthCheck, given, settings

from certify.certificates import interval_parse, q_parse
from certify.checker import check
from certify.cli import main
from certify.dynamics import entropy as entropy_mod
from certify.dynamics.entropy import entropy_bounds
from certify.maps import parse_map
from oracle_pl import Net, image_hull, iterate, iterate_breaks
from strategies import degenerate_pl_nets, rnn1d_spec


class Knots:
    """A PL map given by a Python function of Fractions and its breaks (for the oracle)."""

    def __init__(self, f, breaks):
        self.f, self._breaks = f, sorted(Fraction(b) for b in breaks)

    def __call__(self, x):
        return self.f(x)

    def breaks(self):
        return self._breaks


def oracle_laps(f, lo, hi, n) -> int:
    """Laps of f^n on [lo, hi]: sign changes of the slope between consecutive breaks (flat parts merged)."""
    pts = [lo, *[t for t in iterate_breaks(f, n) if lo < t < hi], hi]
    vals = [iterate(f, x, n) for x in pts]
    signs = [(b > a) - (b < a) for a, b in zip(vals, vals[1:])]
    signs = [s for s in signs if s != 0]
    return 1 + sum(1 for s, t in zip(signs, signs[1:]) if s != t)


def _bounds(cert):
    b = cert["bounds"]
    return float(q_parse(b["lo"])), float(q_parse(b["hi"]))


def _rho(cert):
    a, b = interval_parse(cert["evidence"][0]["rho"])
    return float(a), float(b)


THREE = "max(min(x+2, 6-3*x), x-2)"  # on [0, 3]: 0 -> 2, 1 -> 3, 2 -> 0, 3 -> 1 (a Markov map by hand)
THREE_F = Knots(lambda x: max(min(x + 2, 6 - 3 * x), x - 2), [1, 2])
GOLDEN = "min(x+1, 4-2*x)"  # on [0, 2]: 0 -> 1 -> 2 -> 0, the period-3 Markov map of the golden mean
GOLDEN_F = Knots(lambda x: min(x + 1, 4 - 2 * x), [1])


@pytest.mark.parametrize("s", ["1", "11/10", "6/5", "3/2", "17/10", "2"])
def test_tent_entropy_is_log_s_exactly(s):
    """tent(s) for 1 <= s <= 2 has h_top = log s: the constant-slope fact states exactly log(s)."""
    cert = entropy_bounds(parse_map(f"tent(s={s})"), domain=(fmpq(0), fmpq(1)))
    assert check(cert).ok and cert["evidence"][0]["fact"] == "slope"
    assert cert["bounds"]["lo_exact"] == cert["bounds"]["hi_exact"] == f"log({s})"
    lo, hi = _bounds(cert)
    h = math.log(float(Fraction(s)))
    assert lo - 1e-15 <= h <= hi + 1e-15 and hi - lo < 1e-11


def test_golden_markov_map_has_the_golden_mean():
    """0 -> 1 -> 2 -> 0 on [0, 2]: h = log((1 + sqrt 5)/2), minimal polynomial x^2 - x - 1."""
    cert = entropy_bounds(parse_map(GOLDEN), domain=(fmpq(0), fmpq(2)))
    assert check(cert).ok
    fact = cert["evidence"][0]
    assert fact["fact"] == "markov" and fact["minpoly"] == "x^2 - x - 1" and fact["points"] == ["0", "1", "2"]
    a, b = _rho(cert)
    phi = (1 + 5 ** 0.5) / 2
    assert a <= phi <= b and b - a < 1e-30 + 1e-15
    lo, hi = _bounds(cert)
    assert lo <= math.log(phi) <= hi


def test_hand_built_markov_matrix():
    """The 3-cell map 0->2, 1->3, 2->0, 3->1: rho equals the spectral radius of the matrix built by hand."""
    M = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 0]])  # [0,1] -> [2,3]; [1,2] -> [0,3]; [2,3] -> [0,1]
    rho = max(abs(np.linalg.eigvals(M)))
    cert = entropy_bounds(parse_map(THREE), domain=(fmpq(0), fmpq(3)))
    assert check(cert).ok and cert["evidence"][0]["points"] == ["0", "1", "2", "3"]
    a, b = _rho(cert)
    assert a - 1e-12 <= rho <= b + 1e-12
    lo, _ = _bounds(cert)
    for n in range(1, 9):  # h = inf (1/n) log laps(f^n): every lap count is at least rho^n
        assert math.log(oracle_laps(THREE_F, Fraction(0), Fraction(3), n)) / n >= lo - 1e-12


@pytest.mark.slow  # ~8 s; the lap-oracle differential test above stays in the default suite
def test_markov_partition_from_a_finite_turning_orbit_agrees_with_lap_growth():
    """min(3x/2, 2(1-x)) (turning orbit finite, 72 cells): laps(f^n) >= rho^n and laps(f^n+1)/laps(f^n) ~ rho."""
    spec = "min(3*x/2, 2*(1-x))"
    f = Knots(lambda x: min(Fraction(3, 2) * x, 2 * (1 - x)), [Fraction(4, 7)])
    cert = entropy_bounds(parse_map(spec))
    assert check(cert).ok and cert["evidence"][0]["fact"] == "markov"
    a, b = _rho(cert)
    lo, hi = interval_parse(cert["claim"]["interval"])
    lo, hi = Fraction(int(lo.p), int(lo.q)), Fraction(int(hi.p), int(hi.q))
    counts = [oracle_laps(f, lo, hi, n) for n in range(1, 15)]
    assert all(c >= a ** n * (1 - 1e-12) for n, c in enumerate(counts, 1))
    assert abs(counts[-1] / counts[-2] - (a + b) / 2) < 0.02


def test_logistic_4_is_log_2_exactly(capsys):
    """logistic(r=4): the partition {[0,1/2],[1/2,1]} proves ln 2, with or without --domain 0,1."""
    for extra in ([], ["--domain", "0,1"]):
        assert main(["entropy", "logistic(r=4)", *extra]) == 0
        out = capsys.readouterr().out
        assert "verdict  PROVED: h_top = log(2) in [0.69314718055" in out
    cert = entropy_bounds(parse_map("logistic(r=4)"))
    assert cert["evidence"][0]["points"] == ["0", "1/2", "1"] and "pieces" not in cert["claim"]


def test_slope_one_and_contractions_have_zero_entropy():
    """1 - x (|slope| 1) and x/2 (slope 1/2) on [0, 1]: h = log(1) = 0 exactly."""
    for spec in ("1 - x", "x/2"):
        cert = entropy_bounds(parse_map(spec), domain=(fmpq(0), fmpq(1)))
        assert check(cert).ok and cert["bounds"]["hi_exact"] == "log(1)" and _bounds(cert) == (0.0, 0.0)


def test_flat_piece_is_not_markov():
    """A map with a flat piece on I gets no markov or slope fact (bounds from laps and horseshoes)."""
    cert = entropy_bounds(parse_map("max(0, min(3*x, 1, 3 - 3*x))"), tolerance=0.2)
    assert check(cert).ok and {f["fact"] for f in cert["evidence"]} <= {"laps", "horseshoe"}


# ----------------------------------------------------------------------------- tampering

def _rejected(cert, edit, why=""):
    bad = copy.deepcopy(cert)
    edit(bad)
    res = check(bad)
    assert not res.ok, "tampered certificate accepted"
    assert why in res.message, res.message


@pytest.fixture(scope="module")
def golden():
    return entropy_bounds(parse_map(GOLDEN), domain=(fmpq(0), fmpq(2)))


def test_markov_tampering_is_rejected(golden):
    """A moved point, a wrong polynomial, an enclosure missing rho, a wrong k or bound: rejected."""
    ev = lambda c: c["evidence"][0]  # noqa: E731
    _rejected(golden, lambda c: ev(c)["points"].__setitem__(1, "3/2"), "not a point of the partition")
    _rejected(golden, lambda c: ev(c).update(minpoly="x^2 - 2*x - 1"), "minimal polynomial")
    _rejected(golden, lambda c: ev(c).update(rho={"lo": "2", "hi": "3"}), "spectral radius")
    _rejected(golden, lambda c: ev(c).update(rho={"lo": "1", "hi": "3/2"}), "spectral radius")
    _rejected(golden, lambda c: ev(c).update(k=1), "k is 0")
    _rejected(golden, lambda c: c["bounds"].update(lo="1/2"), "bounds entry")
    _rejected(golden, lambda c: c["map"]["canonical"].update(expr="Min(4 - 2*x, x + 9/10)"), "")


def test_markov_on_a_subinterval_needs_f_k_of_I_inside_it():
    """J = [0, 2] inside I = [-1, 3] needs f^k(I) in J: k = 0 is refused."""
    cert = entropy_bounds(parse_map("max(min(x+1, 4-2*x), 0)"), domain=(fmpq(-1), fmpq(3)))
    assert check(cert).ok
    fact = cert["evidence"][0]
    assert fact["fact"] == "markov" and fact["k"] >= 1
    _rejected(cert, lambda c: c["evidence"][0].update(k=0), "")


def test_slope_tampering_is_rejected():
    """tent(6/5): another s, or a map with a second slope, is rejected."""
    cert = entropy_bounds(parse_map("tent(s=6/5)"))
    _rejected(cert, lambda c: c["evidence"][0].update(s="7/5"), "slope")
    _rejected(cert, lambda c: c["map"]["canonical"].update(expr="Min(6*x/5, 1 - x)"), "")


def test_polynomial_markov_tampering_is_rejected():
    """logistic 4: another r breaks the partition; without the markov fact f(I) in I is unproved."""
    cert = entropy_bounds(parse_map("logistic(r=4)"))
    _rejected(cert, lambda c: c["map"]["canonical"].update(expr="39*x*(1 - x)/10"), "")
    _rejected(cert, lambda c: c.update(evidence=[{"fact": "lipschitz", "n": 1, "s": "4",
                                                  "cells": [{"lo": "0", "hi": "1"}]}]), "pieces")


# ----------------------------------------------------------------------------- hypothesis

def _oracle_net(net) -> Net:
    return Net(tuple(zip(net["w"], net["b"], net["a"])), net["c"], net["activation"],
               net.get("output_activation"), Fraction(1, 100) if net.get("slope") is None else net["slope"])


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(net=degenerate_pl_nets(width=(1, 3)))
def test_exact_entropy_agrees_with_lap_oracle_and_graphs(net, monkeypatch_module):
    """Degenerate PL nets with an invariant interval: an exact (slope or markov) value satisfies
    laps(f^n) >= exp(n lo) (oracle) and lies within the lap-graph bounds computed without it."""
    f = _oracle_net(net)
    lo, hi = Fraction(-2), Fraction(2)
    for _ in range(6):
        a, b = image_hull(f, lo, hi)
        if lo <= a and b <= hi:
            break
        lo, hi = min(lo, a), max(hi, b)
    else:
        return
    if hi - lo > 100:
        return
    m = parse_map(rnn1d_spec(net))
    dom = (fmpq(lo.numerator, lo.denominator), fmpq(hi.numerator, hi.denominator))
    cert = entropy_bounds(m, domain=dom)
    if cert["verdict"] != "proved" or cert["evidence"][0]["fact"] not in ("slope", "markov"):
        return
    EXACT_SEEN.append(cert["evidence"][0]["fact"])
    assert check(cert).ok
    elo, ehi = _bounds(cert)
    for n in range(1, 5):
        assert math.log(oracle_laps(f, lo, hi, n)) / n >= elo - 1e-12
    with monkeypatch_module.context() as mp:
        mp.setattr(entropy_mod, "_exact_fact", lambda *a: None)
        other = entropy_bounds(m, domain=dom, tolerance=0.05)
    if other["verdict"] == "proved":
        glo, ghi = _bounds(other)
        assert glo <= ehi + 1e-12 and elo <= ghi + 1e-12


EXACT_SEEN: list = []


def test_hypothesis_reached_exact_cases():
    """The differential test above met slope and markov facts (it is not vacuous)."""
    assert {"slope", "markov"} <= set(EXACT_SEEN), EXACT_SEEN


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_relu_net_with_period_3_gets_log_golden_mean():
    """A width-8 He ReLU net with a proved period 3: lo >= log rho_3 (2^-40 rounding), even from n = 1 graphs."""
    from certify.checker.entropy import rho_odd
    from certify.ensembles.laws import Law, network_rng
    from certify.maps import from_weights
    m = from_weights(Law("relu", "he", 8, 2.0).sample(network_rng(20261122, 8, 0, 67)))
    cert = entropy_bounds(m, tolerance=10)
    assert check(cert).ok
    lo, hi = _bounds(cert)
    assert lo >= math.log(float(rho_odd(3))) - 2 ** -39  # odd_period, or the kneading determinant: log phi exactly
    assert {"odd_period", "kneading_cycle"} & {f["fact"] for f in cert["evidence"]}
