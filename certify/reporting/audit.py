"""Audits in a report: an audit folder read, recounted and re-checked when the report is built.

What a folder holds (see certify.ensembles.audit): audit.json (laws, seed), results.jsonl (one line
per network: verdict, digest of its certificate, the protocol's detection, the certified reason of
a disagreement) or, for large committed audits, results-head.jsonl (its first lines), and
summary.json. The report
- recounts the verdicts from results.jsonl and requires summary.json's counts to equal them (with
  only a head of the lines, the counts are summary.json's, and the page says so);
- re-checks networks: each selected line's network is regenerated from the seed, its period
  certificate re-created (the line, digest included, must come out byte for byte the same) and
  re-checked by the kernel (certify.verify), as is the certificate of the other period a
  disagreement names; `recheck` selects per cell the first N lines of each verdict, or all;
- recomputes the statistics (Clopper-Pearson, homogeneity, fitted thresholds) from the counts.
"""

from __future__ import annotations

import json
import os
import shlex
from dataclasses import replace

from certify.checker.statement import one_line
from certify.errors import CertifyError

__all__ = ["audit_section", "recheck_chunk", "RECHECK_DEFAULT"]

RECHECK_DEFAULT = "all"  # or N: the first N lines of each verdict per cell
_COUNTS = ("n", "proved", "refuted", "undecided", "protocol_detected", "disagreements")


def _load(folder: str):
    try:
        with open(os.path.join(folder, "audit.json"), encoding="utf-8") as fh:
            header = json.load(fh)
    except OSError:
        raise CertifyError(f"{folder} holds no audit (audit.json); run certify audit --out {folder}") from None
    except ValueError as e:
        raise CertifyError(f"{folder}/audit.json is not JSON ({e})") from None
    stored = None
    if os.path.exists(os.path.join(folder, "summary.json")):
        with open(os.path.join(folder, "summary.json"), encoding="utf-8") as fh:
            stored = json.load(fh)
    lines, source = [], None
    for name in ("results.jsonl", "results-head.jsonl"):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as fh:
                lines = [raw.rstrip("\n") for raw in fh if raw.endswith("\n")]  # a torn last line is not counted
            source = name
            break
    if source is None and stored is None:
        raise CertifyError(f"{folder} holds no finished audit (results.jsonl, summary.json)")
    return header, stored, lines, source


def recheck_chunk(items):
    """Worker: [(task, recorded line)] -> per item (index in the audit, ok, what was found)."""
    from certify.ensembles.audit import decide_with_certificates
    from certify.verify import verify

    out = []
    for pos, task, recorded in items:
        task = task[:-1] + (replace(task[-1], self_check=False),)  # the kernel check is the verify below
        try:
            line, cert, other = decide_with_certificates(task)
        except CertifyError as e:
            out.append((pos, False, f"the network could not be re-certified: {one_line(e)}"))
            continue
        if json.dumps(line, sort_keys=True) != recorded:
            out.append((pos, False, f"the re-created line differs from the recorded one: {one_line(recorded, 200)}"))
            continue
        v = verify(cert, expect_claim=f"period:{task[4]}")
        if not v.ok:
            out.append((pos, False, f"the kernel rejects the re-created certificate: {v.result.message}"))
            continue
        if other is not None:
            w = verify(other)
            q = other["claim"]["p"]
            if not (w.ok and w.result.verdict == "proved" and f"period-{q} orbit" in line.get("disagreement", "")):
                out.append((pos, False, f"the kernel rejects the period-{q} certificate behind the disagreement: "
                                        f"{w.result.message}"))
                continue
        out.append((pos, True, v.result.verdict))
    return out


def _select(lines, recheck):
    """Positions of the lines to re-check: per cell, the first `recheck` of each verdict (all: every line)."""
    if recheck == "all":
        return list(range(len(lines)))
    seen: dict = {}
    picked = []
    for pos, raw in enumerate(lines):
        r = json.loads(raw)
        key = (r["width"], r["gain"], r["verdict"])
        if seen.get(key, 0) < recheck:
            seen[key] = seen.get(key, 0) + 1
            picked.append(pos)
    return picked


def _recheck(header, lines, recheck, workers, progress):
    """Re-check the selected lines: {position: (ok, found)}."""
    from certify.ensembles.audit import Audit
    from certify.ensembles.engines import in_order, open_engine
    from certify.progress import progress_bar

    audit = Audit.from_header(header)
    tasks = list(audit.tasks())
    picked = [pos for pos in _select(lines, recheck) if pos < len(tasks)]
    results = {pos: (False, "the line is beyond the audit's networks") for pos in range(len(tasks), len(lines))}
    units = [[(pos, tasks[pos], lines[pos]) for pos in picked[i:i + 16]] for i in range(0, len(picked), 16)]
    engine = open_engine(None, workers)
    try:
        with progress_bar(len(picked), unit="networks re-checked", enabled=progress) as bar:
            for found in in_order(engine, recheck_chunk, units):
                for pos, ok, what in found:
                    results[pos] = (ok, what)
                bar.update(len(found))
    finally:
        engine.close()
    return results


def audit_section(folder: str, recheck=RECHECK_DEFAULT, workers: int | None = None, progress=None) -> dict:
    """The audit in `folder`, recounted and re-checked (see the module docstring), as a dict for the
    report templates; `ok` is False when a count, a line or a certificate does not check. workers:
    local processes for the re-check (default every core); progress: None (a bar on a terminal),
    True or False."""
    from certify.ensembles.audit import count_lines, summary_of
    from certify.ensembles.fit import LEVELS
    from certify.reporting.audit_plots import audit_plots

    header, stored, lines, source = _load(folder)
    total = header["samples"] * len(header["widths"]) * len(header["gains"])
    levels = sorted({t["level"] for t in (stored or {}).get("gain_thresholds") or []}) or list(LEVELS)
    failures = []
    full = source == "results.jsonl"
    if full:
        cells, reasons = count_lines(lines)
        summary = summary_of(header, cells, reasons, levels)
        if stored is not None:
            mine = {(r["width"], r["gain"]): [r.get(k) for k in _COUNTS] for r in summary["rows"]}
            theirs = {(r["width"], r["gain"]): [r.get(k) for k in _COUNTS] for r in stored["rows"]}
            if mine != theirs or summary["disagreement_reasons"] != stored.get("disagreement_reasons", {}):
                failures.append("summary.json's counts differ from the verdicts in results.jsonl")
        counted = f"recounted from the {len(lines)} lines of results.jsonl" + (
            "" if stored is None else ", equal to summary.json" if not failures else "")
    else:
        if stored is None:
            raise CertifyError(f"{folder} holds only {source}; its summary.json is missing")
        cells = {(r["width"], r["gain"]): {"n": r["n"], "proved": r["proved"], "refuted": r["refuted"],
                                           "undecided": r["undecided"],
                                           "protocol_detected": r.get("protocol_detected", 0),
                                           "disagree": r.get("disagreements", 0)} for r in stored["rows"]}
        summary = summary_of(header, cells, stored.get("disagreement_reasons", {}), levels)
        counted = (f"as recorded in summary.json: the folder holds only the first {len(lines)} of the {total} "
                   f"results lines ({source}), so the counts are not recounted here")
    results = _recheck(header, lines, recheck, workers, progress) if lines else {}
    bad = sorted(pos for pos, (ok, _) in results.items() if not ok)
    for pos in bad[:20]:
        r = json.loads(lines[pos]) if pos < len(lines) else {}
        failures.append(f"network width {r.get('width')}, gain {r.get('gain')}, index {r.get('index')} "
                        f"(line {pos + 1}): {results[pos][1]}")
    if len(bad) > 20:
        failures.append(f"... and {len(bad) - 20} more lines that do not check")
    per_cell: dict = {}
    for pos, (ok, _) in results.items():
        if pos < len(lines):
            r = json.loads(lines[pos])
            c = per_cell.setdefault((r["width"], r["gain"]), [0, 0])
            c[0] += 1
            c[1] += ok
    for row in summary["rows"]:
        checked, good = per_cell.get((row["width"], row["gain"]), [0, 0])
        row["rechecked"], row["recheck_ok"] = checked, good
        # certified: every network of the cell re-checked now; recorded: as the run wrote them
        row["status"] = "failed" if failures else "certified" if full and good == row["n"] else "recorded"
    q = shlex.quote(folder)
    self_check = {True: "the run re-checked every verdict with the kernel (self-check on)",
                  False: "the run did not re-check its verdicts with the kernel (--no-self-check)",
                  "mixed": "the run re-checked some verdicts with the kernel, not all (resumed with the other "
                           "self-check setting)"}.get(header.get("self_check"), "the run's self-check setting is "
                                                                                "not recorded")
    return {
        "folder": folder,
        "self_check_text": self_check,
        "ok": not failures,
        "failures": failures,
        "header": header,
        "summary": summary,
        "laws": [(f"{p['width']}/{p['gain']:g}", header["laws"].get(f"{p['width']}/{p['gain']:g}", ""))
                 for p in sorted(header["law_parameters"], key=lambda p: (p["gain"], p["width"]))],
        "complete": summary["complete"] and (not full or len(lines) == total),
        "total": total,
        "lines": len(lines),
        "source": source,
        "counted": counted,
        "rechecked": len(results),
        "recheck_ok": len(results) - len(bad),
        "recheck_rule": "every line the folder holds" if recheck == "all" else
                        f"per cell the first {recheck} line(s) of each verdict",
        "plots": audit_plots(summary),
        # a folder with only the first lines cannot re-check the rest: the audit must be run again
        "recheck_command": f"certify report {q} --html report.html" if full else None,
        "network_snippet": [
            "python -c \"from certify.ensembles.audit import Audit, network; import json",
            f"a = Audit.from_header(json.load(open({os.path.join(folder, 'audit.json')!r})))",
            "w = network(a.laws[0], a.seed, 0, 0)  # the law of the cell, gain index, network index",
            "json.dump(w, open('net.json', 'w'))\"",
            f"certify period net.json --period {header['period']} --out net.cert.json && certify check net.cert.json",
        ],
    }
