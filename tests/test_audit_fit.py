"""Gain thresholds (fitted estimates), notebook presets and the notebook detector, and the speed-ups'
exactness (the cover enumeration and the kink sort)."""

import json
import math
import subprocess
import sys

import numpy as np
import pytest
from flint import fmpq
from hypothesis import given, settings, strategies as st

from certify.ensembles.audit import Audit, network, run_audit
from certify.ensembles.fit import gain_thresholds
from certify.ensembles.laws import Law, network_rng
from certify.ensembles.presets import PRESETS, preset
from certify.ensembles.protocols import detect
from certify.errors import CertifyError

from strategies import rnn1d_weights


def _rows(width, cells):
    return [{"width": width, "gain": g, "n": n, "proved": k} for g, k, n in cells]


def test_two_gains_fit_passes_through_both_frequencies():
    """With two gains the logistic MLE is saturated: the crossing of L is the logit interpolation in log g."""
    (g1, k1), (g2, k2), n = (1.0, 10), (4.0, 70), 100
    logit = lambda p: math.log(p / (1 - p))  # noqa: E731
    t = gain_thresholds(_rows(2, [(g1, k1, n), (g2, k2, n)]), levels=[0.5])[0]
    u = math.log(g1) + (logit(0.5) - logit(k1 / n)) / (logit(k2 / n) - logit(k1 / n)) * math.log(g2 / g1)
    assert t["gain"] == pytest.approx(math.exp(u), rel=1e-6)
    assert t["ci95"][0] < t["gain"] < t["ci95"][1] and t["status"] == "estimate"


def test_fit_recovers_a_logistic_law():
    """Counts drawn from a logistic law in log g: each 95% interval holds the true crossing gain."""
    rng = np.random.default_rng(1)  # one fixed draw (any 95% interval misses 1 time in 20)
    a, b = -3.0, 4.0
    gains = [0.5 + 0.25 * i for i in range(15)]
    cells = [(g, int(rng.binomial(400, 1 / (1 + math.exp(-(a + b * math.log(g)))))), 400) for g in gains]
    for t in gain_thresholds(_rows(8, cells)):
        true = math.exp((math.log(t["level"] / (1 - t["level"])) - a) / b)
        assert t["ci95"][0] < true < t["ci95"][1]
        assert t["goodness_of_fit"]["dof"] == 13


def test_separated_counts_give_no_point_estimate_but_a_bracket():
    """None proved below a gain and all above: no unique MLE; the interval lies between those two gains."""
    cells = [(g, 0 if g < 1.2 else 50, 50) for g in (0.5, 0.75, 1.0, 1.25, 1.5)]
    for t in gain_thresholds(_rows(4, cells)):
        assert t["gain"] is None and 1.0 <= t["ci95"][0] < t["ci95"][1] <= 1.25


def test_no_success_means_nothing_to_fit():
    """Every network refuted at every gain: no crossing, no interval."""
    t = gain_thresholds(_rows(2, [(1.0, 0, 30), (2.0, 0, 30)]))
    assert all(r["gain"] is None and r["ci95"] is None for r in t)


def test_gain_sweep_summary_has_thresholds_and_self_check(tmp_path):
    """An audit over several gains writes gain_thresholds and the self-check setting into summary.json."""
    from certify.arith import Budget
    a = Audit("relu", "he", [2], [1.0, 3.0, 5.0], 30, 1, budget=Budget(self_check=False))
    s = run_audit(a, str(tmp_path / "a"), workers=1, levels=[0.05])
    assert s["self_check"] is False and [t["level"] for t in s["gain_thresholds"]] == [0.05]
    assert json.loads((tmp_path / "a" / "summary.json").read_text())["gain_thresholds"][0]["width"] == 2


def test_bad_levels_exit_2(tmp_path):
    """--levels outside (0, 1) is an input error: exit 2, nothing written."""
    r = subprocess.run([sys.executable, "-m", "certify.cli", "audit", "--gain", "1:2:1", "--levels", "0.5,1",
                        "--out", str(tmp_path / "a")], capture_output=True, text=True)
    assert r.returncode == 2 and "--levels" in r.stderr and not (tmp_path / "a").exists()


# ----------------------------------------------------------------------------- notebook presets

def _notebook_verdict(wts, window, out_bias, out_relu):
    """The Chaos_RNNs notebooks' computation, step for step: the layers as (1, k) and (k, 1) arrays
    and np.dot, f evaluated point by point, F3 = f(f(f(F0))), and their counting loop over
    check = 1..161 (strict products of neighbours, plus exact zeros between opposite signs)."""
    w1, b1 = np.array([wts["w"]]), np.array([wts["b"]])
    w2, b2 = np.array(wts["a"]).reshape(-1, 1), np.array([[wts["c"]]])

    def rnn_pass(v):
        out = np.dot(np.maximum(0, np.dot(v, w1) + b1), w2) + (b2 if out_bias else 0)
        return (np.maximum(0, out) if out_relu else out)[0][0]

    xs = np.linspace(-window, window, num=163, endpoint=True)
    f0, f3 = xs.copy(), xs.copy()
    for i in range(len(xs)):
        f0[i] = rnn_pass(f0[i])
        f3[i] = rnn_pass(rnn_pass(rnn_pass(f0[i])))
    n1 = n3 = 0
    for c in range(1, len(xs) - 1):
        for y, inc in ((f0, 1), (f3, 3)):
            hit = int((xs[c - 1] - y[c - 1]) * (xs[c] - y[c]) < 0)
            hit += int(xs[c] - y[c] == 0 and (xs[c - 1] - y[c - 1]) * (xs[c + 1] - y[c + 1]) < 0)
            n1, n3 = (n1 + hit, n3) if inc == 1 else (n1, n3 + hit)
    return n3 - n1 > 0


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_protocol_is_the_notebook_computation(name):
    """On 60 networks of each preset, grid163 (or grid163-unit) says exactly what the notebook code says."""
    p = preset(name)
    law = Law(p["activation"], p["init"], 2, 1.0, p["bias"], p.get("first_layer", "random"),
              p["output_activation"], p["output_bias"])
    window = 2.0 if p["protocol"] == "grid163" else 1.0
    with np.errstate(all="ignore"):
        for i in range(60):
            w = law.sample(network_rng(0, 2, 0, i))
            assert detect(p["protocol"], w) == _notebook_verdict(w, window, True, w.get("output_activation") == "relu")


def test_preset_laws_follow_the_notebook_code():
    """The presets' laws: He std sqrt(2/fan_in), U(0,1) biases, normal_k std 1/fan_out, dropped output bias."""
    law = Law("relu", "he", 2, 1.0, "uniform:0:1", output_bias=False)
    assert law.layers()["w"] == ("normal", math.sqrt(2)) and law.layers()["a"] == ("normal", 1.0)
    assert law.layers()["b"] == ("uniform_ab", (0.0, 1.0)) and law.layers()["c"][0] == "drawn-not-added"
    w = law.sample(network_rng(0, 2, 0, 0))
    assert w["c"] == 0.0 and all(0 <= b < 1 for b in w["b"])
    assert Law("relu", "notebook-normal-k", 2, 1.0).layers()["w"] == ("normal", 0.5)
    t = Law("relu", "he", 2, 1.0, "truncnormal:1:1").sample(network_rng(0, 2, 0, 3))
    assert all(abs(b) <= 1 for b in t["b"])


def test_preset_from_the_cli(tmp_path):
    """certify audit --preset writes the preset (reported percentage, provenance) into summary.json."""
    r = subprocess.run([sys.executable, "-m", "certify.cli", "audit", "--preset", "notebook-ones-he", "--samples", "20",
                        "--workers", "1", "--out", str(tmp_path / "a")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    s = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert s["preset"]["reported_percent"] == 13.77 and s["protocol"] == "grid163" and s["rows"][0]["n"] == 20
    law = json.loads((tmp_path / "a" / "audit.json").read_text())["law_parameters"][0]
    assert law["first_layer"] == "ones" and law["output_bias"] is False
    with pytest.raises(CertifyError, match="unknown --preset"):
        preset("notebook-lecun")


# ----------------------------------------------------------------------------- speed-ups stay exact

@settings(max_examples=60, deadline=None)
@given(rnn1d_weights(), st.integers(1, 4))
def test_cover_cells_tile_and_solve_exactly(weights, p):
    """The cover's cells tile the region, and every orbit it reports is an exact cycle of minimal period p."""
    from certify.maps import from_weights
    from certify.periodic import pl as plmod
    pl = from_weights(weights).program.pl()
    region, _ = plmod.find_region(pl)
    if region in (None, "empty"):
        return
    cover = plmod.enumerate_cover(pl, region, p)
    assert cover.cells[0][0] == region[0] and cover.cells[-1][1] == region[1]
    assert all(b == c for (_, b), (c, _) in zip(cover.cells, cover.cells[1:]))
    for orb in cover.orbits:
        y = orb[0]
        for _ in range(p):
            y = pl(y)
        assert y == orb[0] and len(set(orb)) == p


@given(st.lists(st.tuples(st.integers(-10**6, 10**6), st.integers(1, 2**60)), min_size=1, max_size=40))
def test_kink_table_equals_exact_sort(pairs):
    """The float-keyed sort of the kinks gives the table of the exactly sorted kinks (ties and huge values too)."""
    from certify.checker.semantics import _basis_to_table
    kinks = [(fmpq(n, d), fmpq(1, 1 + i)) for i, (n, d) in enumerate(pairs)] + [(fmpq(10**400), fmpq(1))]
    tab = _basis_to_table(fmpq(0), fmpq(1), kinks)
    ref = sorted(kinks, key=lambda tg: tg[0])
    assert tab.breaks == sorted({t for t, _ in ref}) and tab.slopes[-1] == 1 + sum(g for _, g in ref)


def test_network_draws_are_unchanged():
    """The default law's draws are those of the committed audits (the law refactoring kept the stream)."""
    assert network(Law("relu", "notebook-glorot", 2, 1.0), 0, 0, 0)["c"] == 0.0
    header = json.loads(open("proofs/audits/notebook-width2/audit.json").read())
    assert Audit.from_header(header).header()["laws"] == header["laws"]


def test_clopper_pearson_for_large_counts():
    """Clopper-Pearson bounds for thousands of successes (mpmath's betainc failed there) bracket k/n tightly."""
    from certify.ensembles.stats import clopper_pearson
    lo, hi = clopper_pearson(1475, 10000)
    assert 0.1406 < lo < 0.1475 < hi < 0.1547
    assert clopper_pearson(0, 2000)[1] == pytest.approx(1 - 0.025 ** (1 / 2000), rel=1e-6)


def test_report_shows_the_fit(tmp_path):
    """certify report on a gain sweep: a thresholds table labelled estimate, and the fitted curve on the plot."""
    from certify.arith import Budget
    from certify.reporting.page import build_report, render_markdown
    a = Audit("relu", "he", [8], [1.0, 2.0, 4.0], 40, 1, budget=Budget(self_check=False))
    s = run_audit(a, str(tmp_path / "a"), workers=1)
    assert any("model" in t for t in s["gain_thresholds"])
    report = build_report([str(tmp_path / "a")], recheck=0)
    md, _ = render_markdown(report, "report")
    assert "### Fitted gain thresholds (estimate)" in md and "profile-likelihood" in md
    [plot] = report.audits[0]["plots"]
    labels = [t.get_text() for t in plot.figure.axes[0].get_legend().get_texts()]
    assert plot.estimate and "logistic fit (estimate)" in labels and "fitted threshold, 95% CI (estimate)" in labels
