"""certify report: the HTML page read with a real parser (html.parser), the Markdown file and its figures,
the kernel's re-check of every certificate and audit, and byte-identical rebuilds."""

import json
import pathlib
import shutil
from html.parser import HTMLParser

import pytest

from certify.arith import Budget
from certify.cli import main
from certify.ensembles.audit import Audit, run_audit
from certify.errors import CertifyError
from certify.reporting.page import build_report, render_html, render_markdown, write_report
from certify.verify import verify

PROOFS = pathlib.Path(__file__).resolve().parent.parent / "proofs"
VOID = {"meta", "br", "img", "link", "input", "hr", "wbr", "source", "col", "area", "base", "embed", "track"}


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    @property
    def classes(self):
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def find_all(self, tag=None, cls=None, **attrs):
        return [n for n in self.iter() if (tag is None or n.tag == tag) and (cls is None or cls in n.classes)
                and all(n.attrs.get(k) == v for k, v in attrs.items())]


class Tree(HTMLParser):
    """A document tree from the standard library's HTML parser; unclosed or stray end tags are errors."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.root = self.cur = Node("#document", {})
        self.doctype = None
        self.feed(text)
        self.close()
        assert self.cur is self.root, f"unclosed <{self.cur.tag}>"

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        assert self.cur.tag == tag, f"</{tag}> closes <{self.cur.tag}>"
        self.cur = self.cur.parent

    def handle_data(self, data):
        self.cur.children.append(data)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A small gain sweep with a protocol, two committed certificates, a tampered one and a non-JSON file,
    reported to HTML and Markdown."""
    root = tmp_path_factory.mktemp("report")
    audit = root / "sweep"
    run_audit(Audit("relu", "he", [2, 8], [1.0, 2.0, 4.0], 8, 5, protocol="grid163",
                    budget=Budget(self_check=False)), str(audit), workers=1)
    certs = []
    for name in ("logistic_r4_lyapunov.cert.json", "logistic_r38_no_period3.cert.json"):
        shutil.copy(PROOFS / name, root / name)
        certs.append(str(root / name))
    cert = json.loads((PROOFS / "logistic_r383_period3.cert.json").read_text())
    cert["claim"]["p"] = 5  # the facts prove period 3, not 5
    (root / "tampered.cert.json").write_text(json.dumps(cert))
    (root / "junk.cert.json").write_text("not json")
    certs += [str(root / "tampered.cert.json"), str(root / "junk.cert.json")]
    report = build_report([str(audit)] + certs, workers=1)
    files = write_report(report, html=str(root / "r.html"), markdown=str(root / "r.md"))
    html = (root / "r.html").read_text(encoding="utf-8")
    return {"root": root, "audit": str(audit), "certs": certs, "report": report, "files": files, "html": html,
            "tree": Tree(html)}


def test_page_is_one_self_contained_document(built):
    """One <!DOCTYPE html> document with head, title and inline CSS; nothing loaded from elsewhere: no script,
    no stylesheet link, no src attribute, every link an anchor on the page."""
    t = built["tree"]
    assert t.doctype.lower() == "doctype html"
    [html] = t.root.find_all("html")
    assert [c.tag for c in html.children if isinstance(c, Node)] == ["head", "body"]
    assert t.root.find_all("title")[0].text() == built["report"].title
    assert t.root.find_all("style") and not t.root.find_all("script") and not t.root.find_all("link")
    assert not [n for n in t.root.iter() if "src" in n.attrs]
    ids = {n.attrs["id"] for n in t.root.iter() if "id" in n.attrs}
    for a in t.root.find_all("a"):
        assert a.attrs["href"].startswith("#") and a.attrs["href"][1:] in ids


def test_every_certificate_has_its_verdict_and_statement(built):
    """Each certificate that passes has an article with its path, the kernel's verdict and the kernel's
    statement verbatim, and the exact certify check command for that file."""
    from certify.certificates import read
    for c in built["report"].certificates:
        [art] = built["tree"].root.find_all("article", id=f"cert-{c['anchor']}")
        assert c["path"] in art.text() and f"certify check {c['path']}" in art.text()
        if not c["ok"]:
            continue
        r = verify(read(c["path"])).result
        assert art.find_all("span", cls="verdict")[0].text() == r.verdict.upper()
        assert art.find_all("pre", cls="statement")[0].text() == r.statement


def test_failed_certificates_are_prominent_and_not_certified(built):
    """The tampered and the unreadable file: FAILED in an alert banner at the top and in their articles, with
    the reason; no statement of theirs is shown as certified."""
    t = built["tree"]
    [banner] = t.root.find_all("section", id="failures")
    assert banner.attrs.get("role") == "alert" and "FAILED" in banner.text()
    body = [n for n in t.root.find_all("main")[0].children if isinstance(n, Node)]
    assert body[0] is banner  # the first thing on the page
    failed = [c for c in built["report"].certificates if not c["ok"]]
    assert {pathlib.Path(c["path"]).name for c in failed} == {"tampered.cert.json", "junk.cert.json"}
    for c in failed:
        assert c["path"] in banner.text()
        [art] = t.root.find_all("article", id=f"cert-{c['anchor']}")
        assert "failed" in art.classes and "FAILED" in art.text() and c["message"] in art.text()
        assert not art.find_all("pre", cls="statement") and not art.find_all(cls="certified")
    assert failed[1]["message"].startswith("unreadable") and "Krawczyk" in failed[0]["message"]


def test_recheck_sentence_names_the_kernel_and_the_commands(built):
    """The page says everything was re-checked by the kernel when it was built, with the one command that
    re-checks all certificates and the command that re-checks the audit."""
    [sec] = built["tree"].root.find_all("section", id="recheck")
    text = " ".join(sec.text().split())
    assert "re-checked by certify's independent kernel" in text and "when this page was built" in text
    assert "certify check " + " ".join(built["certs"]) in text
    assert f"certify report {built['audit']} --html report.html" in text
    assert "48 of 48 networks were re-created from the seed" in text


def test_estimates_are_marked(built):
    """Every element of class 'estimate' says 'estimate'; the typical Lyapunov exponent and the fitted thresholds
    are such elements; no estimate sits inside a certified block."""
    t = built["tree"]
    marked = t.root.find_all(cls="estimate")
    assert marked and all("estimate" in n.text().lower() for n in marked)
    assert any(n.tag == "p" and "typical" in n.text() for n in marked)
    assert any(n.tag == "table" and "Fitted gain thresholds" in n.parent.text() for n in marked)
    for block in t.root.find_all("div", cls="certified"):
        assert not block.find_all(cls="estimate")


def test_figures_are_inline_svg_with_captions(built):
    """Each audit plot is an inline <svg> in a <figure> with a caption, ids unique on the page; a one-width
    sweep would get no width plot, a width with one gain no gain plot."""
    t = built["tree"]
    figures = t.root.find_all("figure")
    plots = built["report"].audits[0]["plots"]
    assert [p.name for p in plots] == ["probability_vs_width", "probability_vs_gain_width2",
                                       "probability_vs_gain_width8"]
    assert len(figures) == len(plots)
    for fig, plot in zip(figures, plots):
        [svg] = [n for n in fig.children if isinstance(n, Node) and n.tag == "svg"]
        assert svg.attrs["aria-label"] == plot.name and svg.find_all("path")
        assert fig.find_all("figcaption")[0].text() == plot.caption
    ids = [n.attrs["id"] for n in t.root.iter() if "id" in n.attrs]
    assert len(ids) == len(set(ids))


def test_no_markdown_inside_pre(built):
    """<pre> holds only commands and kernel statements: no Markdown headings, tables, images or emphasis."""
    for pre in built["tree"].root.find_all("pre"):
        for line in pre.text().splitlines():
            assert not line.lstrip().startswith(("#", "|", "![", "**", "---", "```")), line


def test_audit_table_matches_the_results(built):
    """The counts table has one row per cell with the recounted counts, each cell's every network re-checked
    (green), and the protocol's rate marked as floats."""
    a = built["report"].audits[0]
    [table] = built["tree"].root.find_all("table", cls="results")
    rows = table.find_all("tr")[1:]
    assert len(rows) == len(a["summary"]["rows"]) == 6
    for tr, r in zip(rows, a["summary"]["rows"]):
        cells = tr.find_all("td")
        assert [c.text() for c in cells[:6]] == [str(r["width"]), f"{r['gain']:g}", str(r["n"]), str(r["proved"]),
                                                 str(r["refuted"]), str(r["undecided"])]
        assert all("certified" in c.classes for c in cells[2:6]) and "floats" in cells[8].classes
        assert cells[-1].text() == f"{r['n']} / {r['n']} OK"


def test_markdown_links_png_figures(built):
    """The Markdown file links one PNG per plot, written next to it; it has no HTML tags."""
    md = (built["root"] / "r.md").read_text()
    for plot in built["report"].audits[0]["plots"]:
        name = f"r-{plot.name}.png"
        assert f"]({name})" in md and (built["root"] / name).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert "**FAILED**" in md and "<" not in md.replace("\\<", "")


def test_rebuild_is_byte_identical(built, tmp_path):
    """The same inputs give the same HTML, Markdown and PNG bytes (no timestamps)."""
    report = build_report([built["audit"]] + built["certs"], workers=1)
    assert render_html(report) == built["html"]
    text, files = render_markdown(report, "r")
    assert text == (built["root"] / "r.md").read_text(encoding="utf-8")
    assert all(data == (built["root"] / name).read_bytes() for name, data in files.items())


def test_a_changed_results_line_fails_the_audit(built, tmp_path):
    """A results line whose verdict was edited: the recount differs from summary.json and the line's network
    re-checks differently, so the audit is FAILED and its counts are struck out."""
    folder = tmp_path / "a"
    shutil.copytree(built["audit"], folder)
    lines = (folder / "results.jsonl").read_text().splitlines()
    line = json.loads(lines[3])
    line["verdict"] = "proved" if line["verdict"] == "refuted" else "refuted"
    lines[3] = json.dumps(line, sort_keys=True)
    (folder / "results.jsonl").write_text("\n".join(lines) + "\n")
    report = build_report([str(folder)], recheck=2, workers=1)
    a = report.audits[0]
    assert not report.ok and any("summary.json's counts differ" in f for f in a["failures"])
    assert any("index 3 (line 4)" in f and "differs from the recorded one" in f for f in a["failures"])
    tree = Tree(render_html(report))
    assert tree.root.find_all("section", id="failures") and tree.root.find_all("td", cls="failed")


def test_a_head_only_audit_shows_recorded_counts(built, tmp_path):
    """A folder with only the first lines (results-head.jsonl): counts as recorded in summary.json (grey), the
    held lines re-checked, the page says which."""
    folder = tmp_path / "h"
    folder.mkdir()
    for name in ("audit.json", "summary.json"):
        shutil.copy(pathlib.Path(built["audit"]) / name, folder / name)
    head = (pathlib.Path(built["audit"]) / "results.jsonl").read_text().splitlines()[:5]
    (folder / "results-head.jsonl").write_text("\n".join(head) + "\n")
    report = build_report([str(folder)], workers=1)
    a = report.audits[0]
    assert report.ok and a["rechecked"] == 5 and "the folder holds only the first 5 of the 48" in a["counted"]
    assert {r["status"] for r in a["summary"]["rows"]} == {"recorded"}
    tree = Tree(render_html(report))
    assert tree.root.find_all("td", cls="recorded") and not tree.root.find_all("td", cls="certified")


def test_cli_report(built, tmp_path, capsys):
    """certify report: exit 0 when everything checks, 1 with a FAILED certificate (the page is still written),
    2 without an output file for certificates or for a missing path."""
    ok = built["certs"][0]
    assert main(["report", ok, "--html", str(tmp_path / "ok.html")]) == 0
    assert "re-checked  1 certificate(s) with the kernel: all OK" in capsys.readouterr().out
    assert main(["report", ok, built["certs"][2], "--markdown", str(tmp_path / "bad.md")]) == 1
    out = capsys.readouterr().out
    assert "1 OK, 1 FAILED" in out and (tmp_path / "bad.md").exists()
    assert main(["report", ok]) == 2 and "give --html FILE" in capsys.readouterr().err
    assert main(["report", str(tmp_path / "nothing.json"), "--html", str(tmp_path / "x.html")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_folder_without_an_audit_is_an_input_error(tmp_path):
    """A folder that holds no audit.json, or an audit.json without the audit's fields, is a one-line input error."""
    with pytest.raises(CertifyError, match="holds no audit"):
        build_report([str(tmp_path)])
    (tmp_path / "audit.json").write_text("{}")
    (tmp_path / "results.jsonl").write_text("")
    with pytest.raises(CertifyError, match="not a readable audit folder"):
        build_report([str(tmp_path)])
