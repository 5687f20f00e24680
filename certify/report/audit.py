"""Audit reports: Markdown + HTML with SVG plots, written next to an audit's results."""

from __future__ import annotations

import html
import json
import math
import os

from certify.certificates import write_atomic
from certify.errors import CertifyError

_W, _H, _PAD = 620, 380, 56


def _plot(points_by_series, xs_label: str, title: str, log2x: bool, fit=None) -> str:
    """A small SVG: one or more series of (x, p, lo, hi) with error bars (lo/hi may be None).

    fit: optional (curve, marks): a fitted curve [(x, p)] drawn dashed, and per level a mark
    (gain, level, ci_lo, ci_hi) drawn as a point with a horizontal 95% bar (None ends are open).
    """
    xs = [x for s in points_by_series.values() for x, *_ in s]
    ys = [v for s in points_by_series.values() for _, p, lo, hi in s for v in (p, hi if hi is not None else p)]
    if not xs:
        return ""
    tx = (lambda v: math.log2(v)) if log2x else (lambda v: v)
    x0, x1 = min(map(tx, xs)), max(map(tx, xs))
    if x1 == x0:
        x0, x1 = x0 - 1, x1 + 1
    y1 = max(max(ys) * 1.1, 0.01)

    def sx(v):
        return _PAD + (tx(v) - x0) / (x1 - x0) * (_W - 2 * _PAD)

    def sy(v):
        return _H - _PAD - v / y1 * (_H - 2 * _PAD)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{_H}" font-family="sans-serif" font-size="12">',
           f'<rect width="{_W}" height="{_H}" fill="white"/>',
           f'<text x="{_PAD}" y="22" font-size="14">{html.escape(title)}</text>',
           f'<line x1="{_PAD}" y1="{sy(0)}" x2="{_W - _PAD}" y2="{sy(0)}" stroke="#999"/>',
           f'<line x1="{_PAD}" y1="{sy(0)}" x2="{_PAD}" y2="{_PAD}" stroke="#999"/>',
           f'<text x="{_W / 2}" y="{_H - 14}" text-anchor="middle">{html.escape(xs_label)}</text>',
           f'<text x="14" y="{_H / 2}" transform="rotate(-90 14 {_H / 2})" text-anchor="middle">probability</text>']
    for k in range(5):
        v = y1 * k / 4
        out.append(f'<text x="{_PAD - 6}" y="{sy(v) + 4:.1f}" text-anchor="end">{v:.3g}</text>')
    for x in sorted(set(xs)):
        out.append(f'<text x="{sx(x):.1f}" y="{sy(0) + 16:.1f}" text-anchor="middle">{x:g}</text>')
    colours = {"certified": "#1f4e9c", "protocol": "#d62728"}
    for i, (name, pts) in enumerate(points_by_series.items()):
        c = colours.get(name.split()[0], "#2ca02c")
        pts = sorted(pts)
        path = " ".join(f"{'M' if j == 0 else 'L'}{sx(x):.1f},{sy(p):.1f}" for j, (x, p, _, _) in enumerate(pts))
        out.append(f'<path d="{path}" fill="none" stroke="{c}" stroke-width="1.5"/>')
        for x, p, lo, hi in pts:
            if lo is not None:
                out.append(f'<line x1="{sx(x):.1f}" y1="{sy(lo):.1f}" x2="{sx(x):.1f}" y2="{sy(hi):.1f}" stroke="{c}"/>')
            out.append(f'<circle cx="{sx(x):.1f}" cy="{sy(p):.1f}" r="3.5" fill="{c}"/>')
        out.append(f'<rect x="{_W - _PAD - 190}" y="{_PAD + 18 * i - 10}" width="10" height="10" fill="{c}"/>'
                   f'<text x="{_W - _PAD - 175}" y="{_PAD + 18 * i}">{html.escape(name)}</text>')
    if fit:
        curve, marks = fit
        x_lo, x_hi = min(xs), max(xs)
        path = " ".join(f"{'M' if j == 0 else 'L'}{sx(x):.1f},{sy(min(p, y1)):.1f}" for j, (x, p) in enumerate(curve))
        out.append(f'<path d="{path}" fill="none" stroke="#555" stroke-width="1.2" stroke-dasharray="5,3"/>')
        for g, level, lo, hi in marks:
            a = sx(max(lo if lo is not None else x_lo, x_lo))
            b = sx(min(hi if hi is not None else x_hi, x_hi))
            if level <= y1:
                out.append(f'<line x1="{a:.1f}" y1="{sy(level):.1f}" x2="{b:.1f}" y2="{sy(level):.1f}" '
                           f'stroke="#555" stroke-width="3" opacity="0.5"/>')
                if g is not None and x_lo <= g <= x_hi:
                    out.append(f'<circle cx="{sx(g):.1f}" cy="{sy(level):.1f}" r="3" fill="white" stroke="#555"/>')
        n = len(points_by_series)
        out.append(f'<line x1="{_W - _PAD - 190}" y1="{_PAD + 18 * n - 5}" x2="{_W - _PAD - 180}" '
                   f'y2="{_PAD + 18 * n - 5}" stroke="#555" stroke-dasharray="5,3"/>'
                   f'<text x="{_W - _PAD - 175}" y="{_PAD + 18 * n}">logistic fit, thresholds (estimate)</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _g(v) -> str:
    return "-" if v is None else f"{v:.4g}"


def _fit_overlay(summary: dict, width: int, gains):
    """(curve, marks) of the fitted logistic curve of one width, or None when nothing was fitted."""
    import math

    from certify.ensembles.fit import logistic

    ts = [t for t in summary.get("gain_thresholds") or [] if t["width"] == width]
    model = next((t["model"] for t in ts if "model" in t), None)
    if not ts:
        return None
    lo, hi = min(gains), max(gains)
    curve = []
    if model is not None:
        curve = [(g, logistic(model["alpha"], model["beta"], g))
                 for g in (lo * math.exp(j / 100 * math.log(hi / lo)) for j in range(101))]
    marks = [(t.get("gain"), t["level"], *(t.get("ci95") or (None, None))) for t in ts if t.get("ci95")]
    return (curve, marks) if curve or marks else None


def write_report(folder: str) -> list[str]:
    """report.md, report.html and SVG plots for the audit in `folder`; returns the files written."""
    try:
        with open(os.path.join(folder, "summary.json"), encoding="utf-8") as fh:
            summary = json.load(fh)
        with open(os.path.join(folder, "audit.json"), encoding="utf-8") as fh:
            header = json.load(fh)
    except OSError:
        raise CertifyError(f"{folder} holds no finished audit (summary.json, audit.json)") from None
    p, prot = summary["period"], summary.get("protocol")
    rows = summary["rows"]
    files = []
    plots = []
    for g in header["gains"]:
        cells = [r for r in rows if r["gain"] == g]
        if len(cells) > 1 or len(header["gains"]) == 1:
            series = {"certified (95% CI)": [(r["width"], r["p"], *r["ci95"]) for r in cells]}
            if prot:
                series[f"protocol {prot}"] = [(r["width"], r["protocol_p"], None, None) for r in cells]
            name = f"probability_vs_width_gain{g:g}.svg"
            write_atomic(os.path.join(folder, name), _plot(series, "width (log scale)",
                                                           f"P(period {p}) vs width, gain {g:g}", True))
            plots.append(name)
    if len(header["gains"]) > 1:
        for k in header["widths"]:
            cells = [r for r in rows if r["width"] == k]
            series = {"certified (95% CI)": [(r["gain"], r["p"], *r["ci95"]) for r in cells]}
            if prot:
                series[f"protocol {prot}"] = [(r["gain"], r["protocol_p"], None, None) for r in cells]
            name = f"probability_vs_gain_width{k}.svg"
            write_atomic(os.path.join(folder, name), _plot(series, "gain", f"P(period {p}) vs gain, width {k}", False,
                                                           _fit_overlay(summary, k, header["gains"])))
            plots.append(name)
    md = [f"# Audit: certified period-{p} probability of random 1D RNN maps", "",
          f"Seed {header['seed']}, {header['samples']} networks per cell, certify {header['certify']}. "
          f"Every network is decided rigorously (proved / refuted / undecided); p = proved / n with an exact "
          f"Clopper–Pearson 95% interval." + (f" The `{prot}` protocol ran on the same networks." if prot else ""), "",
          "## Laws", ""] + [f"- {k}: {v}" for k, v in header["laws"].items()] + ["", "## Results", ""]
    head = "| width | gain | n | proved | refuted | undecided | p | 95% CI |" + (" protocol p | disagreements |" if prot else "")
    md += [head, "|" + "---|" * (8 + (2 if prot else 0))]
    for r in rows:
        line = (f"| {r['width']} | {r['gain']:g} | {r['n']} | {r['proved']} | {r['refuted']} | {r['undecided']} | "
                f"{r['p']:.4f} | [{r['ci95'][0]:.4f}, {r['ci95'][1]:.4f}] |")
        if prot:
            line += f" {r['protocol_p']:.4f} | {r['disagreements']} |"
        md.append(line)
    md += ["", "## Is the probability independent of width?", ""]
    for g, t in summary["width_homogeneity"].items():
        md.append(f"- gain {g}: chi-square {t['chi2']:.3g} on {t['dof']} degrees of freedom, p-value {t['p_value']:.3g}")
    if summary.get("gain_thresholds"):
        md += ["", "## Fitted gain thresholds (estimates)", "",
               "Where the certified probability crosses each level. **Estimate**: " + summary["gain_thresholds"][0][
                   "method"] + " (per width). The counts are certified; the curve and the crossing gains are "
                               "statistics of a model. `-` = none, or an interval end beyond the searched range.",
               "", "| width | level | gain | 95% CI | fit deviance (dof, p) | note |", "|---|---|---|---|---|---|"]
        for t in summary["gain_thresholds"]:
            ci = t.get("ci95")
            gof = t.get("goodness_of_fit")
            gof_s = "-" if not gof else (f"{gof['deviance']:.3g} ({gof['dof']}, "
                                         f"{'-' if gof['p_value'] is None else format(gof['p_value'], '.3g')})")
            md.append(f"| {t['width']} | {t['level']:g} | {_g(t.get('gain'))} | "
                      f"{'-' if ci is None else f'[{_g(ci[0])}, {_g(ci[1])}]'} | {gof_s} | {t.get('note', '')} |")
    if "self_check" in summary:
        md += ["", f"Kernel self-check of each verdict during the run: **{summary['self_check']}** "
                   "(false: re-check any network with `certify check`, see below)."]
    if summary.get("disagreement_reasons"):
        md += ["", "## Where the protocol and the certified verdicts disagree", ""]
        md += [f"- {n} x {why}" for why, n in sorted(summary["disagreement_reasons"].items(), key=lambda kv: -kv[1])]
    md += ["", "## Plots", ""] + [f"![{n}]({n})" for n in plots]
    md += ["", "## Re-checking any network", "",
           "Each network is regenerated from the seed and its (width, gain index, index):", "", "```",
           "python -c \"from certify.ensembles.audit import Audit, network; import json",
           f"a = Audit.from_header(json.load(open('{os.path.join(folder, 'audit.json')}')))",
           "w = network(a.laws[0], a.seed, 0, 0)  # law of the cell, gain index, network index",
           "json.dump(w, open('net.json', 'w'))\"",
           f"certify period net.json --period {p} --out net.cert.json && certify check net.cert.json", "```", ""]
    text = "\n".join(md) + "\n"
    write_atomic(os.path.join(folder, "report.md"), text)
    body = [f"<h1>{html.escape(md[0][2:])}</h1>"]
    for name in plots:
        with open(os.path.join(folder, name), encoding="utf-8") as fh:
            body.append(fh.read())
    body.append("<pre>" + html.escape(text) + "</pre>")
    write_atomic(os.path.join(folder, "report.html"),
                 "<!doctype html><meta charset=utf-8><title>certify audit</title>\n" + "\n".join(body) + "\n")
    files += ["report.md", "report.html"] + plots
    return files
