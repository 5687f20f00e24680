"""Audit plots (matplotlib): the certified probability against width and against gain.

Certified probabilities are drawn with their Clopper-Pearson 95% intervals as error bars; a
protocol's detection rate (a float grid, not certified) and the fitted logistic curve with its
threshold intervals (estimates) are drawn in other styles and say so in the legend. The axes hold
every error bar and every finite interval end; a cell sweep with one point is not plotted (the
report's table shows it). Figures are rendered to SVG text (inline in HTML pages) or PNG bytes,
both byte-identical for the same data (no dates, fixed SVG ids).
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass

__all__ = ["Plot", "audit_plots", "svg_text", "png_bytes"]

CERTIFIED = "#1f4e9c"
PROTOCOL = "#c0392b"
ESTIMATE = "#b9770e"
MAX_SERIES = 4  # more gains than this: no width plot (the gain plots show every width)


@dataclass
class Plot:
    """One figure of a report: a file-name stem, a caption and the matplotlib Figure."""

    name: str
    caption: str
    figure: object
    estimate: bool = False  # whether the figure shows fitted estimates


def _figure(height: float = 4.0):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, height), layout="constrained")
    return fig, fig.add_subplot()


def _plain_ticks(ax, values) -> None:
    """Ticks on a log axis at the given values, written as plain numbers."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    ax.xaxis.set_major_locator(FixedLocator(sorted(set(values))))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))


def _legend(fig, ax) -> None:
    """The legend inside the axes when it is short, below them (outside the data) when it is long."""
    handles, labels = ax.get_legend_handles_labels()
    if len(labels) <= 4:
        ax.legend(loc="best", fontsize="small")
    else:
        fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize="small")


def _yerr(cells):
    return [[r["p"] - r["ci95"][0] for r in cells], [r["ci95"][1] - r["p"] for r in cells]]


def _ylim(ax, top: float) -> None:
    """0 to a little above `top`, with room below 0 so that points and bars at 0 stay visible."""
    top = min(max(top, 0.01) * 1.12, 1.05)
    ax.set_ylim(-0.04 * top, top)


def probability_vs_width(rows, period: int, protocol: str | None) -> Plot | None:
    """P(proved) against width (log scale), one series per gain, with 95% intervals; None when the
    audit has one width (or more than MAX_SERIES gains)."""
    widths = sorted({r["width"] for r in rows})
    gains = sorted({r["gain"] for r in rows})
    if len(widths) < 2 or len(gains) > MAX_SERIES:
        return None
    one = len(gains) == 1
    fig, ax = _figure(4.0 if one else 4.0 + 0.2 * len(gains) * (2 if protocol else 1))
    top = 0.0
    for i, g in enumerate(gains):
        cells = sorted((r for r in rows if r["gain"] == g), key=lambda r: r["width"])
        dodge = 1.0 if one else 1.05 ** (i - (len(gains) - 1) / 2)  # side by side, so the bars do not overlap
        xs = [r["width"] * dodge for r in cells]
        colour = CERTIFIED if one else f"C{i}"
        ax.errorbar(xs, [r["p"] for r in cells], yerr=_yerr(cells), fmt="o-", capsize=4, color=colour,
                    label="certified, 95% Clopper–Pearson CI" if one else f"gain {g:g}: certified, 95% CI")
        top = max([top] + [r["ci95"][1] for r in cells])
        if protocol:
            ax.plot(xs, [r["protocol_p"] for r in cells], "s--", mfc="none", color=PROTOCOL if one else colour,
                    label=f"{protocol} detector (floats, not certified)" if one else
                    f"gain {g:g}: {protocol} (floats, not certified)")
            top = max([top] + [r["protocol_p"] for r in cells])
    ax.set_xscale("log", base=2)
    _plain_ticks(ax, widths)
    ax.set_xlim(widths[0] / 1.25, widths[-1] * 1.25)
    _ylim(ax, top)
    ax.set_xlabel("width k (log scale)")
    ax.set_ylabel(f"P(point of minimal period {period})")
    ax.set_title(f"Certified probability of period {period} against width" +
                 (f" (gain {gains[0]:g})" if len(gains) == 1 else ""))
    ax.grid(True, alpha=0.3)
    _legend(fig, ax)
    return Plot("probability_vs_width", f"Probability of a certified point of minimal period {period} against "
                                        f"width, with exact 95% intervals" +
                ("; the protocol's detection rate is a float computation, not certified." if protocol else "."), fig)


def probability_vs_gain(rows, width: int, period: int, protocol: str | None, thresholds) -> Plot | None:
    """P(proved) against gain (log scale) for one width, with the fitted logistic curve and each
    level's fitted threshold and 95% interval (estimates); None with fewer than two gains."""
    from certify.ensembles.fit import logistic

    cells = sorted((r for r in rows if r["width"] == width), key=lambda r: r["gain"])
    if len({r["gain"] for r in cells}) < 2:
        return None
    fig, ax = _figure()
    gains = [r["gain"] for r in cells]
    ax.errorbar(gains, [r["p"] for r in cells], yerr=_yerr(cells), fmt="o", capsize=4, color=CERTIFIED,
                label="certified, 95% Clopper–Pearson CI", zorder=3)
    top = max(r["ci95"][1] for r in cells)
    if protocol:
        ax.plot(gains, [r["protocol_p"] for r in cells], "s--", mfc="none", color=PROTOCOL,
                label=f"{protocol} detector (floats, not certified)")
        top = max([top] + [r["protocol_p"] for r in cells])
    ts = [t for t in thresholds or [] if t["width"] == width]
    # x range: the gains, widened to hold every finite interval end and crossing inside the fit's
    # search range (the grid widened by its own span in log gain)
    u0, u1 = math.log(gains[0]), math.log(gains[-1])
    span = max(u1 - u0, math.log(2))
    lo_lim, hi_lim = math.exp(u0 - span), math.exp(u1 + span)
    xs = list(gains) + [v for t in ts for v in ([t.get("gain")] + list(t.get("ci95") or []))
                        if v is not None and lo_lim <= v <= hi_lim]
    x0, x1 = min(xs) / 1.15, max(xs) * 1.15
    model = next((t["model"] for t in ts if "model" in t), None)
    estimate = False
    if model is not None:
        grid = [x0 * (x1 / x0) ** (j / 200) for j in range(201)]
        ax.plot(grid, [logistic(model["alpha"], model["beta"], g) for g in grid], "-", color=ESTIMATE, lw=1.5,
                label="logistic fit (estimate)")
        estimate = True
    labelled = False
    for t in ts:
        ci = t.get("ci95")
        if ci is None:
            continue
        a = ci[0] if ci[0] is not None else x0
        b = ci[1] if ci[1] is not None else x1
        a, b = max(a, x0), min(b, x1)
        ax.plot([a, b], [t["level"], t["level"]], "-", color=ESTIMATE, lw=4, alpha=0.45, solid_capstyle="butt",
                label=None if labelled else "fitted threshold, 95% CI (estimate)")
        for end, edge, marker in ((ci[0], x0, "<"), (ci[1], x1, ">")):
            if end is None:  # the interval runs beyond the searched range
                ax.plot([edge], [t["level"]], marker, color=ESTIMATE, ms=7)
        g = t.get("gain")
        if g is not None and x0 <= g <= x1:
            ax.plot([g], [t["level"]], "D", color=ESTIMATE, ms=5, mec="black", mew=0.5)
        labelled = estimate = True
    if estimate:
        top = max([top] + [t["level"] for t in ts if t.get("ci95")] + ([1.0] if model is not None else []))
    ax.set_xscale("log")
    nice = [m * 10.0 ** e for e in range(math.floor(math.log10(x0)), math.ceil(math.log10(x1)) + 1) for m in (1, 2, 5)]
    _plain_ticks(ax, gains + [v for v in nice if x0 <= v <= x1 and all(not g / 1.25 < v < g * 1.25 for g in gains)])
    ax.set_xlim(x0, x1)
    _ylim(ax, top)
    ax.set_xlabel("gain g (log scale)")
    ax.set_ylabel(f"P(point of minimal period {period})")
    ax.set_title(f"Certified probability of period {period} against gain, width {width}")
    ax.grid(True, alpha=0.3)
    _legend(fig, ax)
    caption = (f"Width {width}: probability of a certified point of minimal period {period} against gain, with exact "
               f"95% intervals.")
    if estimate:
        caption += (" The curve and the threshold bars (fitted gain where the probability crosses each level, with "
                    "its 95% profile-likelihood interval; arrows: the interval runs beyond the plotted range) are "
                    "estimates of a logistic model, not certified.")
    return Plot(f"probability_vs_gain_width{width}", caption, fig, estimate)


def audit_plots(summary: dict) -> list[Plot]:
    """Every plot of an audit summary: against width (several widths), against gain (per width,
    several gains)."""
    rows, p, prot = summary["rows"], summary["period"], summary.get("protocol")
    plots = [probability_vs_width(rows, p, prot)]
    plots += [probability_vs_gain(rows, k, p, prot, summary.get("gain_thresholds"))
              for k in sorted({r["width"] for r in rows})]
    return [x for x in plots if x is not None]


_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(xlink:href="#|href="#|url\(#)([^")]+)')


def svg_text(plot: Plot, prefix: str) -> str:
    """The figure as an <svg> element for inline use: no XML prologue, no date, its ids prefixed
    (several figures on one page must not share ids), scalable to the page width."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "certify", "svg.fonttype": "path"}):
        plot.figure.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, count=1, flags=re.S)
    text = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', text)
    text = _REF.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", text)
    return text.replace("<svg ", f'<svg role="img" aria-label="{plot.name}" ', 1)


def png_bytes(plot: Plot, dpi: int = 150) -> bytes:
    """The figure as PNG bytes (no software or date metadata)."""
    buf = io.BytesIO()
    plot.figure.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()
