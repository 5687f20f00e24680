"""`certify report`: a self-contained HTML page and a Markdown file for audits and certificates.

Everything certified on the page is re-checked when the report is built: each certificate file by
the kernel (certify/reporting/certs.py), each audit folder by recounting its verdicts and
re-creating and re-checking its networks' certificates (certify/reporting/audit.py). The pages are
rendered from Jinja2 templates (certify/reporting/templates/); the HTML page embeds its CSS and its
figures (inline SVG), the Markdown file links PNG figures written next to it. Nothing on either
depends on the clock: the same inputs give byte-identical files.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass, field

from certify.certificates import write_atomic
from certify.errors import CertifyError

__all__ = ["Report", "build_report", "render_html", "render_markdown", "write_report"]


@dataclass
class Report:
    """What a report shows: certificate entries and audit sections, each already re-checked."""

    certificates: list = field(default_factory=list)
    audits: list = field(default_factory=list)
    written: list = field(default_factory=list)  # the files write_report wrote

    @property
    def ok(self) -> bool:
        return all(c["ok"] for c in self.certificates) and all(a["ok"] for a in self.audits)

    @property
    def title(self) -> str:
        if self.audits and not self.certificates and len(self.audits) == 1:
            p = self.audits[0]["summary"]["period"]
            return f"Audit: certified period-{p} probability of random 1D RNN maps"
        if self.certificates and not self.audits:
            return "Certificates re-checked by the kernel"
        return "certify report: audits and certificates re-checked by the kernel"

    def lines(self) -> list[str]:
        """What `certify report` prints about the re-check, one line per certificate set or audit."""
        out = []
        if self.certificates:
            bad = sum(not c["ok"] for c in self.certificates)
            out.append(f"re-checked  {len(self.certificates)} certificate(s) with the kernel: " +
                       (f"{len(self.certificates) - bad} OK, {bad} FAILED" if bad else "all OK"))
            out += [f"FAILED      {c['path']}: {c['message']}" for c in self.certificates if not c["ok"]]
        for a in self.audits:
            out.append(f"counted     {a['folder']}: {a['counted']}")
            out.append(f"re-checked  {a['folder']}: {a['rechecked']} of {a['total']} networks re-created from the "
                       f"seed and re-checked by the kernel: " +
                       ("none (--recheck 0)" if not a["rechecked"] else "all OK" if a["recheck_ok"] == a["rechecked"] else
                        f"{a['recheck_ok']} OK, {a['rechecked'] - a['recheck_ok']} FAILED"))
            out += [f"FAILED      {a['folder']}: {f}" for f in a["failures"]]
        return out


def _not_rnn_audit(path: str) -> None:
    """Refuse an n-dimensional RNN audit folder (certify audit --model rnn) with a one-line reason."""
    import json

    try:
        with open(os.path.join(path, "audit.json"), encoding="utf-8") as fh:
            model = json.load(fh).get("model")
    except (OSError, ValueError, AttributeError):
        return
    if model == "rnn":
        raise CertifyError(f"{path} is an n-dimensional RNN audit (--model rnn): its report is the table certify audit "
                           f"prints and {os.path.join(path, 'summary.json')}; certify report reads 1D audits")


def build_report(paths, recheck="all", workers: int | None = None, progress=None) -> Report:
    """Re-check every path: a folder is an audit, a file a certificate (see the module docstring)."""
    from certify.reporting.audit import audit_section
    from certify.reporting.certs import certificate_entry

    if not paths:
        raise CertifyError("certify report needs at least one audit folder or certificate file")
    report = Report()
    for path in paths:
        if os.path.isdir(path):
            _not_rnn_audit(path)
            try:
                report.audits.append(audit_section(path, recheck, workers, progress))
            except (KeyError, TypeError, ValueError, IndexError, AttributeError) as e:  # a hand-edited folder
                raise CertifyError(f"{path} is not a readable audit folder ({type(e).__name__}: {e}); "
                                   f"certify audit --out writes one") from None
        elif os.path.exists(path):
            report.certificates.append(certificate_entry(path))
        else:
            raise CertifyError(f"{path}: no such file or folder (give audit folders and certificate files)")
    for i, entry in enumerate(report.certificates + report.audits):
        entry["anchor"] = i + 1
    return report


def _environment(html: bool):
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("certify.reporting", "templates"), autoescape=html,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["g"] = _g
    env.filters["p4"] = lambda v: "-" if v is None else f"{v:.4f}"
    env.filters["md"] = _md
    env.filters["code"] = _code
    env.filters["fenced"] = _fenced
    return env


def _g(v, digits: int = 4) -> str:
    return "-" if v is None else f"{v:.{digits}g}"


def _md(text) -> str:
    """Text safe inside Markdown (and its tables): one line, Markdown and HTML characters escaped."""
    from certify.checker.statement import one_line

    out = []
    for ch in one_line(text, 4000):
        out.append("\\" + ch if ch in "\\`*_[]<>|~" else ch)
    return "".join(out)


def _code(text) -> str:
    """Text as a Markdown code span (fenced by more backticks than it holds)."""
    from certify.checker.statement import one_line

    text = one_line(text, 4000)
    run = longest = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _fenced(text) -> str:
    """Text as a Markdown code block (fenced by more backticks than any run inside it)."""
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{text}\n{fence}"


def _context(report: Report) -> dict:
    from certify import __version__

    return {"report": report, "version": __version__, "title": report.title,
            "check_all": "certify check " + " ".join(shlex.quote(c["path"]) for c in report.certificates)}


def render_html(report: Report) -> str:
    """The self-contained HTML page (inline CSS, inline SVG figures)."""
    from markupsafe import Markup

    from certify.reporting.audit_plots import svg_text

    figures = {}
    for i, a in enumerate(report.audits):
        for j, plot in enumerate(a["plots"]):
            figures[f"{i}-{j}"] = Markup(svg_text(plot, f"a{i}f{j}"))
    return _environment(True).get_template("report.html.j2").render(**_context(report), figures=figures)


def render_markdown(report: Report, stem: str) -> tuple[str, dict]:
    """The Markdown text and its figures {file name: PNG bytes}, named `stem`-<figure>.png (the
    text links them relative to the Markdown file)."""
    from certify.reporting.audit_plots import png_bytes

    names, files = {}, {}
    for i, a in enumerate(report.audits):
        for j, plot in enumerate(a["plots"]):
            name = f"{stem}-{i + 1}-{plot.name}.png" if len(report.audits) > 1 else f"{stem}-{plot.name}.png"
            names[f"{i}-{j}"] = name
            files[name] = png_bytes(plot)
    text = _environment(False).get_template("report.md.j2").render(**_context(report), figures=names)
    return text, files


def write_report(report: Report, html: str | None = None, markdown: str | None = None) -> list[str]:
    """Write the HTML page and/or the Markdown file (with its PNG figures); returns the paths written."""
    written = []
    if html:
        write_atomic(html, render_html(report))
        written.append(html)
    if markdown:
        folder = os.path.dirname(markdown)
        stem = os.path.splitext(os.path.basename(markdown))[0]
        text, files = render_markdown(report, stem)
        write_atomic(markdown, text)
        written.append(markdown)
        for name, data in files.items():
            write_atomic(os.path.join(folder, name), data)
            written.append(os.path.join(folder, name))
    return written
