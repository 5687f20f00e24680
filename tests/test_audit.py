"""Audits: every network decided, reproducible bit for bit, resumable without loss or duplication."""

import json

import pytest

from certify.ensembles.audit import Audit, network, run_audit
from certify.ensembles.laws import Law
from certify.ensembles.protocols import detect
from certify.errors import CertifyError

RELU_TENT = {"activation": "relu", "w": [1.0, 1.0], "b": [0.0, -0.5], "a": [2.0, -4.0], "c": 0.0}


def small_audit(**kw):
    args = dict(activation="relu", init="he", widths=[2, 4], gains=[1.0], samples=25, seed=3, protocol="grid163")
    args.update(kw)
    return Audit(**args)


def test_pl_audit_has_no_undecided(tmp_path):
    """Every ReLU network is decided exactly: zero undecided, counts add up."""
    s = run_audit(small_audit(), str(tmp_path / "a"), workers=1)
    assert s["complete"] and all(r["undecided"] == 0 and r["n"] == 25 for r in s["rows"])
    assert all(r["proved"] + r["refuted"] == r["n"] for r in s["rows"])


def test_same_seed_same_bytes(tmp_path):
    """Two runs with the same seed (one serial, one on 2 processes) write identical results."""
    run_audit(small_audit(), str(tmp_path / "a"), workers=1)
    run_audit(small_audit(), str(tmp_path / "b"), workers=2)
    assert (tmp_path / "a" / "results.jsonl").read_bytes() == (tmp_path / "b" / "results.jsonl").read_bytes()


def test_resume_after_interruption(tmp_path):
    """A results file cut mid-line resumes to exactly the uninterrupted file, without recomputation of kept lines."""
    run_audit(small_audit(), str(tmp_path / "full"), workers=1)
    full = (tmp_path / "full" / "results.jsonl").read_bytes()
    part = tmp_path / "part"
    part.mkdir()
    (part / "audit.json").write_bytes((tmp_path / "full" / "audit.json").read_bytes())
    lines = full.split(b"\n")
    (part / "results.jsonl").write_bytes(b"\n".join(lines[:17]) + b"\n" + lines[17][:10])  # torn 18th line
    run_audit(small_audit(), str(part), workers=1)
    assert (part / "results.jsonl").read_bytes() == full


def test_other_audit_in_same_folder_refused(tmp_path):
    """Resuming into a folder that holds a different audit is an input error."""
    run_audit(small_audit(), str(tmp_path / "a"), workers=1)
    with pytest.raises(CertifyError, match="different audit"):
        run_audit(small_audit(seed=4), str(tmp_path / "a"), workers=1)


def test_network_regenerates_from_seed():
    """A network is a function of (seed, width, gain index, index) alone."""
    law = Law("relu", "he", 8, 1.0)
    assert network(law, 5, 0, 7) == network(law, 5, 0, 7) != network(law, 5, 0, 8)


def test_grid163_flags_the_relu_tent():
    """The notebook detector flags the width-2 ReLU tent map (which has period 3)."""
    assert detect("grid163", RELU_TENT)


def test_grid163_counts_a_two_cycle_as_chaos():
    """As coded (F3 = f^4), grid163 flags a net that has a 2-cycle but provably no period 3."""
    from certify.maps import from_weights
    from certify.periodic.period import certify_period
    net = {"activation": "relu", "w": [1.25, -1.5], "b": [1.0, 0.0], "a": [-1.75, -0.5], "c": 0.0}
    assert detect("grid163", net)
    m = from_weights(net)
    assert certify_period(m, 3)["verdict"] == "refuted" and certify_period(m, 2)["verdict"] == "proved"


@pytest.mark.parametrize("kw, message", [
    (dict(init="glorotish"), "unknown --init"),
    (dict(bias="laplace:1"), "unknown --bias"),
    (dict(protocol="grid999"), "unknown --protocol"),
    (dict(samples=0), "at least one"),
    (dict(widths=[0]), "widths must be"),
])
def test_bad_audit_input(kw, message):
    """Unknown laws or protocols and empty audits are refused with a one-line message."""
    with pytest.raises(CertifyError, match=message):
        small_audit(**kw)


def test_summary_rows_have_the_documented_keys(tmp_path):
    """summary.json rows carry width, gain, n, proved, refuted, undecided, p, ci95 and protocol_detected."""
    run_audit(small_audit(), str(tmp_path / "a"), workers=1)
    rows = json.loads((tmp_path / "a" / "summary.json").read_text())["rows"]
    assert {"width", "gain", "n", "proved", "refuted", "undecided", "p", "ci95", "protocol_detected"} <= set(rows[0])


def _committed_audits():
    import pathlib
    root = pathlib.Path(__file__).resolve().parent.parent / "proofs" / "audits"
    return sorted(p.parent for p in root.glob("**/audit.json"))


@pytest.mark.parametrize("folder", _committed_audits(), ids=lambda p: p.name)
def test_committed_audit_reproduces(folder):
    """The first 12 networks of each committed audit, regenerated from its seed, give the committed lines
    (results.jsonl, or results-head.jsonl, its first lines, for the large audits)."""
    from certify.ensembles.audit import decide
    header = json.loads((folder / "audit.json").read_text())
    audit = Audit.from_header(header)
    total = header["samples"] * len(header["widths"]) * len(header["gains"])
    if (folder / "results.jsonl").exists():
        lines = (folder / "results.jsonl").read_text().splitlines()
        assert len(lines) == total
    else:
        lines = (folder / "results-head.jsonl").read_text().splitlines()
        assert sum(r["n"] for r in json.loads((folder / "summary.json").read_text())["rows"]) == total
    for task, line in zip(list(audit.tasks())[:12], lines[:12]):
        assert json.dumps(decide(task), sort_keys=True) == line


def test_report_writes_html_markdown_and_png_plots_into_the_folder(tmp_path):
    """certify report FOLDER: report.html and report.md in the folder, one PNG per plot (width plot, and one gain
    plot per width of a gain sweep), and the re-check snippet."""
    from certify.cli import main
    run_audit(small_audit(gains=[1.0, 2.0], samples=10), str(tmp_path / "a"), workers=1)
    assert main(["report", str(tmp_path / "a"), "--workers", "1", "--recheck", "1"]) == 0
    names = {p.name for p in (tmp_path / "a").iterdir()}
    assert {"report.md", "report.html", "report-probability_vs_width.png", "report-probability_vs_gain_width2.png",
            "report-probability_vs_gain_width4.png"} <= names
    md = (tmp_path / "a" / "report.md").read_text()
    assert "Clopper" in md and "| 2 | 1 | 10 |" in md and "certify period net.json" in md


def test_report_on_empty_folder_is_input_error(tmp_path):
    """A folder without an audit is a one-line input error."""
    from certify.reporting.page import build_report
    with pytest.raises(CertifyError, match="holds no audit"):
        build_report([str(tmp_path)])
