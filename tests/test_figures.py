"""Figures (certify/reporting/figures.py): what is drawn is what the certificates say."""

import subprocess
import sys

import numpy as np
import pytest
from flint import fmpq

from certify.arith import Budget
from certify.certificates import interval_parse, read
from certify.cli import main
from certify.dynamics.gradients import gradients
from certify.dynamics.oscillations import oscillations
from certify.errors import CertifyError
from certify.maps import parse_family, parse_family2, parse_map
from certify.periodic.period import certify_orbits, certify_period
from certify.reporting import figures
from certify.thresholds import certify_windows
from certify.thresholds.phase import certify_phase

MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-"}


@pytest.fixture(scope="module")
def certs():
    """One certificate of each figure's kind, small enough to be quick."""
    logistic = parse_family("logistic(r)", "r")
    rng = (fmpq(7, 2), fmpq(4))
    return {
        "krawczyk": certify_period(parse_map("logistic(r=3.83)"), 3),
        "exact_orbits": certify_orbits(parse_map("tent(s=2)"), 3, domain=(fmpq(0), fmpq(1))),
        "refuted": certify_period(parse_map("tent(s=1.5)"), 3),
        "undecided": certify_period(parse_map("rnn1d(w=[1,-1.3,0.7],b=[0.1,0.2,-0.3],a=[2,1.5,-1],c=0.1,"
                                              "activation=tanh)"), 7, budget=Budget(max_cells=10)),
        "laps": oscillations(parse_map("tent(s=17/10)"), 8),
        "gradient": gradients(None, fmpq(3, 10), 40, family=logistic, value=fmpq(7, 2), loss=True),
        "phase": certify_phase(parse_family2("skew_tent(aL, aR, 1)", "aL", "aR"),
                               ((fmpq(0), fmpq(3)), (fmpq(-3), fmpq(0))), grid=4, depth=2),
        "family": (logistic, rng),
        "windows": [certify_windows(logistic, p, rng) for p in (3, 5)],
    }


def _bifurcation(certs):
    fam, rng = certs["family"]
    return figures.bifurcation(fam, rng, certs["windows"], points=60, transient=100, keep=20)


def _all_figures(certs):
    return {"cobweb": figures.cobweb(None, certs["krawczyk"]), "laps": figures.laps(certs["laps"]),
            "gradient": figures.gradient(certs["gradient"]), "phase": figures.phase(certs["phase"]),
            "bifurcation": _bifurcation(certs)}


def _x_extent(artist):
    """The data x-range an axvspan rectangle or a fill_between collection covers."""
    if hasattr(artist, "get_width"):
        return artist.get_x(), artist.get_x() + artist.get_width()
    xs = np.concatenate([p.vertices[:, 0] for p in artist.get_paths()])
    return float(xs.min()), float(xs.max())


def _legend_texts(fig):
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend()] + list(fig.legends)
    return [t.get_text() for leg in legends for t in leg.get_texts()]


def test_certificates_are_decided_as_the_figures_need(certs):
    """The fixtures hold the verdicts the figure tests rely on (proved, refuted, undecided, U cells)."""
    assert [certs[k]["verdict"] for k in ("krawczyk", "exact_orbits", "refuted", "undecided")] == \
        ["proved", "proved", "refuted", "undecided"]
    assert interval_parse({"lo": certs["phase"]["areas"]["U"], "hi": certs["phase"]["areas"]["U"]})[0] > 0


def test_every_figure_has_title_axis_labels_ticks_and_a_legend(certs):
    """Each figure has a title naming the map, labelled axes with ticks, and a legend of several entries."""
    for name, fig in _all_figures(certs).items():
        ax = fig.axes[0]
        assert fig.axes[-1].get_xlabel() and all(a.get_ylabel() for a in fig.axes), name  # x shared below
        assert len(ax.get_xticks()) >= 2 and len(ax.get_yticks()) >= 2, name
        assert any(s in ax.get_title() for s in ("logistic", "tent", "skew_tent")), name
        assert len(_legend_texts(fig)) >= 2, name


def test_cobweb_has_equal_aspect(certs):
    """The cobweb's axes are drawn at equal aspect, with the same range on both axes."""
    for key in ("krawczyk", "exact_orbits", "refuted", "undecided"):
        ax = figures.cobweb(None, certs[key]).axes[0]
        assert ax.get_aspect() == 1.0 and ax.get_xlim() == ax.get_ylim()


@pytest.mark.parametrize("key", ["krawczyk", "exact_orbits"])
def test_cobweb_points_are_the_certified_enclosures(certs, key):
    """Each marked point (x_i, f(x_i)) lies in the enclosures X_i x X_i+1 of the certificate (float rounding)."""
    cert = certs[key]
    orbits = [cert["orbit"]] if cert.get("orbit") else cert["orbits"]
    ax = figures.cobweb(None, cert).axes[0]
    for k, orb in enumerate(orbits):
        line = next(ln for ln in ax.get_lines() if ln.get_gid() == f"orbit-{k}")
        boxes = [interval_parse(b) for b in orb]
        for i, (x, y) in enumerate(zip(line.get_xdata(), line.get_ydata())):
            for v, (lo, hi) in ((x, boxes[i]), (y, boxes[(i + 1) % len(boxes)])):
                assert np.nextafter(float(lo), -np.inf) <= v <= np.nextafter(float(hi), np.inf)


def test_refutation_shading_spans_the_certified_region(certs):
    """A refuted period shades exactly the region of the certificate's region fact, labelled as proved."""
    cert = certs["refuted"]
    lo, hi = interval_parse(next(f for f in cert["evidence"] if f["fact"] == "region")["region"])
    fig = figures.cobweb(None, cert)
    ax = fig.axes[0]
    span = next(p for p in ax.patches if p.get_gid() == "refuted-region")
    assert _x_extent(span) == pytest.approx((float(lo), float(hi)), rel=1e-15, abs=1e-300)
    assert any(t.startswith("proved: no point of minimal period 3 in [0, 0.75]") for t in _legend_texts(fig))
    assert "REFUTED" in ax.get_title()


def test_undecided_cobweb_is_the_graph_only(certs):
    """An undecided certificate gives the graph and the diagonal, no orbit, and says undecided."""
    ax = figures.cobweb(None, certs["undecided"]).axes[0]
    assert "UNDECIDED" in ax.get_title()
    assert not [ln for ln in ax.get_lines() if (ln.get_gid() or "").startswith("orbit")]
    assert not [p for p in ax.patches if p.get_gid() == "refuted-region"]


@pytest.mark.parametrize("ext", ["png", "pdf", "svg"])
def test_save_writes_the_format_of_the_extension(certs, tmp_path, ext):
    """save() writes PNG, PDF or SVG by the extension: the files start with the format's magic bytes."""
    path = tmp_path / f"cobweb.{ext}"
    figures.save(figures.cobweb(None, certs["exact_orbits"]), str(path))
    data = path.read_bytes()
    if ext == "svg":
        assert data.startswith(b"<?xml") and b"<svg" in data[:600]
    else:
        assert data.startswith(MAGIC[ext])


def test_save_refuses_other_extensions(certs, tmp_path):
    """A figure file named .jpg (or without extension) is a CertifyError naming the accepted ones."""
    fig = figures.laps(certs["laps"])
    for name in ("c.jpg", "c"):
        with pytest.raises(CertifyError, match=r"\.png, \.pdf or \.svg"):
            figures.save(fig, str(tmp_path / name))
        assert not (tmp_path / name).exists()


def test_bifurcation_bands_are_the_certified_windows(certs):
    """Each shaded band spans a certified window's enclosure (outer ends), labelled "certified period p";
    the float orbit points are labelled as floats."""
    fig = _bifurcation(certs)
    ax = fig.axes[0]
    for cert in certs["windows"]:
        p = cert["claim"]["p"]
        for i, w in enumerate(cert["windows"]):
            want = (float(interval_parse(w["from"])[0]), float(interval_parse(w["to"])[1]))
            for gid in (f"window-{p}-{i}", f"bar-{p}-{i}"):
                art = next(a for a in ax.patches + ax.collections if a.get_gid() == gid)
                assert _x_extent(art) == pytest.approx(want, rel=1e-15)
    texts = _legend_texts(fig)
    assert "certified period 3" in texts and "certified period 5" in texts
    assert "orbit diagram (floats, not certified)" in texts


def test_phase_undecided_cells_have_their_own_legend_entry(certs):
    """Undecided cells are drawn in their own colour with a legend entry; the boundary is dashed."""
    fig = figures.phase(certs["phase"])
    ax = fig.axes[0]
    und = next(c for c in ax.collections if c.get_gid() == "cells-U")
    assert len(und.get_paths()) > 0
    colours = {tuple(c.get_facecolor()[0]) for c in ax.collections if c.get_gid() in ("cells-P", "cells-U")}
    assert len(colours) == 2
    assert any(t.startswith("undecided (") for t in _legend_texts(fig))
    assert ax.get_xlabel() == "aL" and ax.get_ylabel() == "aR"
    lines = [c for c in ax.collections if type(c).__name__ == "LineCollection"]
    assert lines and all(c.get_linestyle()[0][1] is not None for c in lines)  # dashed


def test_gradient_figure_plots_the_loss_gradient(certs):
    """With --loss the gradient figure has a second axes with the certified log|dL_T/dr| enclosures."""
    fig = figures.gradient(certs["gradient"])
    assert len(fig.axes) == 2
    fact = next(f for f in certs["gradient"]["evidence"] if f["fact"] == "param_gradient_values")
    line = next(ln for ln in fig.axes[1].get_lines() if "dL_T/dr" in ln.get_label())
    for y, iv in zip(line.get_ydata(), fact["log_abs_dL"]):
        lo, hi = interval_parse(iv)
        assert float(lo) - 1e-12 <= y <= float(hi) + 1e-12
    assert any("(estimate)" in t for t in _legend_texts(fig))


def test_laps_figure_plots_the_exact_counts(certs):
    """The lap figure's points are the logs of the certificate's exact lap counts."""
    ax = figures.laps(certs["laps"]).axes[0]
    counts = [f["count"] for f in certs["laps"]["evidence"] if f["fact"] == "laps"]
    line = next(ln for ln in ax.get_lines() if "exact counts" in ln.get_label())
    assert np.allclose(line.get_ydata(), np.log(counts), rtol=0, atol=1e-12)


def test_figures_module_imports_no_matplotlib_and_no_pyplot():
    """Importing the figures module loads no matplotlib; drawing a figure never loads pyplot."""
    code = ("import sys; import certify.reporting.figures as F; a = 'matplotlib' in sys.modules; "
            "from certify.periodic.period import certify_period; from certify.maps import parse_map; "
            "F.cobweb(None, certify_period(parse_map('tent(s=2)'), 3)); "
            "print(a, 'matplotlib' in sys.modules, 'matplotlib.pyplot' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.split() == ["False", "True", "False"]


def test_cli_bifurcation_prints_writes_and_checks(tmp_path, capsys):
    """`certify bifurcation` prints each period's windows, writes the figure and checkable certificates."""
    png, prefix = tmp_path / "b.png", tmp_path / "b"
    assert main(["bifurcation", "logistic(r)", "--param", "r", "--range", "3.5,4", "--period", "3,5",
                 "--plot", str(png), "--out", str(prefix)]) == 0
    out = capsys.readouterr().out
    assert "points of minimal period 3 exist exactly for r in [3.82842712475, 4]" in out
    assert "points of minimal period 5 exist exactly for r in [3.73817237527, 4]" in out
    assert out.splitlines()[-1] == f"plot     {png}"
    assert png.read_bytes().startswith(MAGIC["png"])
    for p in (3, 5):
        assert read(f"{prefix}-p{p}.json")["claim"]["p"] == p
        assert main(["check", f"{prefix}-p{p}.json"]) == 0


def test_cli_bifurcation_refuses_a_bad_plot_name_before_any_work(capsys):
    """A --plot name that is not .png/.pdf/.svg is a one-line input error (exit 2)."""
    assert main(["bifurcation", "logistic(r)", "--param", "r", "--range", "3.5,4", "--plot", "b.gif"]) == 2
    assert ".png, .pdf or .svg" in capsys.readouterr().err


def test_undecided_certificates_give_figures_that_say_so(certs):
    """Undecided lap, gradient and phase certificates (no facts) give a labelled figure titled UNDECIDED."""
    for key, draw in (("laps", figures.laps), ("gradient", figures.gradient), ("phase", figures.phase)):
        cert = {**certs[key], "verdict": "undecided", "evidence": []}
        ax = draw(cert).axes[0]
        assert "UNDECIDED" in ax.get_title() and ax.get_xlabel() and ax.get_ylabel(), key


def test_plot_dispatches_on_the_claim_kind(certs):
    """figures.plot picks the figure of the claim kind, and refuses kinds without one."""
    assert figures.plot(certs["krawczyk"]).axes[0].get_aspect() == 1.0
    assert len(figures.plot(certs["gradient"]).axes) == 2
    with pytest.raises(CertifyError, match="no figure for windows"):
        figures.plot(certs["windows"][0])


def test_api_results_and_maps_plot_themselves(tmp_path):
    """res.plot() is the cobweb of a period result and the orbit diagram of a windows result;
    res.save writes the figure by extension; Map.plot() draws the graph at equal aspect."""
    import certify

    res = certify.period("tent(s=2)", 3)
    assert res.plot().axes[0].get_aspect() == 1.0
    assert res.save(str(tmp_path / "c.pdf")) and (tmp_path / "c.pdf").read_bytes().startswith(MAGIC["pdf"])
    win = certify.windows("logistic(r)", "r", 3, (fmpq(7, 2), fmpq(4)))
    ax = win.plot(points=40, transient=50, keep=10).axes[0]
    assert next(p for p in ax.patches if p.get_gid() == "window-3-0")
    graph = certify.parse("logistic(r=4)").plot((0, 1)).axes[0]
    assert graph.get_aspect() == 1.0 and graph.get_xlim() == (0.0, 1.0) and "logistic" in graph.get_title()
