"""Onsets in smooth families by parameter covers: the enclosure, its independent cross-check, tampering."""

import copy

import mpmath
import pytest
from flint import fmpq

from certify.certificates import interval_parse, q_str
from certify.checker import check
from certify.checker.facts import excluded_in_piece
from certify.checker.semantics import workprec
from certify.maps import parse_family
from certify.thresholds import certify_onset

TANH = "3*tanh(3*x) - g*tanh(x-1/2) + 1/3"


@pytest.fixture(scope="module")
def tanh_onset():
    return certify_onset(parse_family(TANH, "g"), 3, (fmpq(3), fmpq(4)), digits=12)


def _fold_mpmath(x0: float, g0: float):
    """The saddle-node (x, g) of f_g^3(x) = x, (f_g^3)'(x) = 1 by mpmath's Newton (an oracle only)."""
    def f(x, g):
        return 3 * mpmath.tanh(3 * x) - g * mpmath.tanh(x - mpmath.mpf(1) / 2) + mpmath.mpf(1) / 3

    def F(x, g):
        y = f(f(f(x, g), g), g)
        return [y - x, mpmath.diff(lambda t: f(f(f(t, g), g), g), x) - 1]

    with mpmath.workdps(40):
        x, g = mpmath.findroot(F, (x0, g0))
        return str(g)


@pytest.mark.slow
def test_tanh_family_onset_matches_an_independent_fold_computation(tanh_onset):
    """The tanh family gains period 3 at g* ~ 3.7381583504238: the enclosure holds mpmath's fold."""
    cert = tanh_onset
    assert cert["verdict"] == "proved" and cert.get("exact") is None and check(cert).ok
    lo, hi = interval_parse(cert["onset"])
    assert hi - lo <= fmpq(1, 10 ** 12)
    box = interval_parse(cert["evidence"][1]["cycle"]["boxes"][0])
    g = _fold_mpmath(float(box[0]), float(hi))
    assert float(lo) - 1e-13 < float(g) < float(hi) + 1e-13
    assert g.startswith("3.7381583504238336174462198686")  # certify's 30-digit enclosure (docs/usage.md)


@pytest.mark.slow
def test_tanh_family_refuted_below_the_onset():
    """No period 3 for any g in [3, 7/2]: a parameter cover alone, re-checked."""
    cert = certify_onset(parse_family(TANH, "g"), 3, (fmpq(3), fmpq(7, 2)))
    assert cert["verdict"] == "refuted" and [f["fact"] for f in cert["evidence"]] == ["param_cover"]
    assert check(cert).ok


def _mutants(cert):
    cover = cert["evidence"][0]
    # the cover extended past the onset, up to the cycle's parameter: it must fail there
    over = copy.deepcopy(cert)
    last = over["evidence"][0]["pieces"][-1]
    last["param"]["hi"] = over["onset"]["hi"]
    over["onset"]["lo"] = over["onset"]["hi"] = cert["onset"]["hi"]
    yield "past the onset", over
    gap = copy.deepcopy(cert)
    del gap["evidence"][0]["pieces"][len(cover["pieces"]) // 2]
    yield "a piece dropped", gap
    wide = copy.deepcopy(cert)
    wide["evidence"][0]["region"]["hi"] = "3"
    yield "region too small", wide
    lower = copy.deepcopy(cert)
    lower["onset"]["lo"] = q_str(interval_parse(cert["onset"])[0] - fmpq(1, 10 ** 6))
    yield "enclosure not matching the cover", lower
    narrow = copy.deepcopy(cert)
    narrow["minpoly"] = "g - 187/50"
    yield "a minimal polynomial the cover cannot prove", narrow
    exact = copy.deepcopy(cert)
    exact["exact"] = "187/50"
    yield "an exact value the cover cannot prove", exact


def test_tampered_parameter_covers_are_rejected(tanh_onset):
    """A cover stretched past g*, a dropped piece, a short region, a wrong enclosure: all rejected."""
    for what, bad in _mutants(tanh_onset):
        assert not check(bad).ok, what


def test_mean_value_exclusion_keeps_cells_with_a_fixed_point():
    """The (x, r) mean-value test never excludes a cell holding a fixed point of some f_r in the piece."""
    fam = parse_family(TANH, "g")
    a, b = fmpq(333, 100), fmpq(334, 100)
    with workprec(128):
        # the fixed point near 1.2 moves with g; a cell around it must not be excluded
        assert not excluded_in_piece(fam.program, a, b, fmpq(11, 10), fmpq(13, 10), 3)
        # while a cell away from every periodic point, [2, 2.1], is excluded for the whole piece
        assert excluded_in_piece(fam.program, a, b, fmpq(2), fmpq(21, 10), 3)
