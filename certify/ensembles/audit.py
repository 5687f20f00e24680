"""Audits of random-initialisation claims: every sampled network decided rigorously.

The networks are decided by an engine (local processes or a dask cluster, see engines.py) and
this driver alone writes: results stream to OUT/results.jsonl (one line per network, in a fixed
order), so an interrupted audit resumes where it stopped without recomputing, losing or
duplicating a line, and the same seed gives byte-identical files whatever the engine. OUT/summary.json holds per-cell counts, Clopper-Pearson
intervals, the protocol's detections when one ran, and a homogeneity test across widths.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import asdict

from certify import __version__
from certify.arith import Budget
from certify.certificates import write_atomic
from certify.ensembles.engines import in_order, open_engine
from certify.ensembles.fit import LEVELS, gain_thresholds
from certify.ensembles.laws import Law, network_rng
from certify.ensembles.protocols import detect
from certify.ensembles.stats import clopper_pearson, homogeneity
from certify.errors import CertifyError
from certify.progress import progress_bar

__all__ = ["Audit", "run_audit", "decide", "decide_chunk", "decide_with_certificates", "network"]

CHUNK = 16  # networks per work unit (the same units go to every engine)


def network(law: Law, seed: int, gain_index: int, index: int) -> dict:
    """The weights of one network of a cell, regenerated from the seed alone."""
    return law.sample(network_rng(seed, law.width, gain_index, index))


def decide(task):
    """Worker: (law, seed, gain_index, index, period, protocol, budget) -> one results line (dict)."""
    return decide_with_certificates(task)[0]


def decide_with_certificates(task):
    """(line, certificate, reason certificate): the results line of `decide`, the network's period
    certificate (whose digest the line holds) and, when the line gives a certified period-q orbit
    as the reason for a disagreement, that orbit's certificate (else None)."""
    from certify.maps import from_weights
    from certify.periodic.period import certify_period

    law, seed, gi, index, period, protocol, budget = task
    weights = network(law, seed, gi, index)
    cert = certify_period(from_weights(weights, given=f"audit net {law.width}/{gi}/{index}"), period, budget=budget)
    cert.pop("versions", None)  # keep the digest independent of library versions
    line = {"width": law.width, "gain": law.gain, "index": index, "verdict": cert["verdict"],
            "digest": hashlib.sha256(json.dumps(cert, sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:16]}
    if cert["verdict"] == "undecided":
        line["reason"] = cert.get("reason", "")[:200]
    other = None
    if protocol:
        line["protocol_detected"] = flagged = detect(protocol, weights)
        if flagged != (cert["verdict"] == "proved") and cert["verdict"] != "undecided":
            line["disagreement"], other = _why(weights, cert["verdict"], period, budget)
    return line, cert, other


def _why(weights: dict, verdict: str, period: int, budget):
    """The certified reason a grid detector disagrees with the verdict on one network, and the
    certificate of the other period it names (None when it names none)."""
    from certify.maps import from_weights
    from certify.periodic.period import certify_period

    if verdict == "proved":
        return f"certified period-{period} orbit that the grid missed", None
    m = from_weights(weights)
    for q in (2, 4, 1):
        if q != period:
            cert = certify_period(m, q, budget=budget)
            if cert["verdict"] == "proved":
                return (f"flagged, but no point of period {period} exists (refuted); a certified period-{q} orbit "
                        f"is what the grid counted"), cert
    return f"flagged, but no point of period {period} exists (refuted): a grid artefact", None


class Audit:
    """One audit: a grid of cells (width x gain), `samples` networks each."""

    def __init__(self, activation, init, widths, gains, samples, seed, period=3, protocol=None,
                 bias="pytorch", first_layer="random", output_activation=None, budget=Budget(),
                 output_bias=True, preset=None):
        if samples < 1 or not widths or not gains:
            raise CertifyError("an audit needs at least one width, one gain and one sample")
        if any(k < 1 for k in widths) or any(not (g > 0) for g in gains):
            raise CertifyError("widths must be >= 1 and gains > 0")
        self.laws = [Law(activation, init, k, g, bias, first_layer, output_activation, output_bias)
                     for g in gains for k in widths]
        for law in self.laws:
            law.describe()  # validates init and bias names early
        self.gains, self.widths = list(gains), list(widths)
        self.samples, self.seed, self.period, self.protocol, self.budget = samples, seed, period, protocol, budget
        self.preset = preset  # {"name", "reported_percent", "table_row", "source"} of a named configuration
        if protocol:
            detect(protocol, self.laws[0].sample(network_rng(seed, 1, 0, 0)))

    @classmethod
    def from_header(cls, header: dict) -> "Audit":
        """The audit an audit.json describes (to re-run or check part of a committed audit)."""
        law = header["law_parameters"][0]
        return cls(law["activation"], law["init"], header["widths"], header["gains"], header["samples"],
                   header["seed"], period=header["period"], protocol=header.get("protocol"), bias=law["bias"],
                   first_layer=law["first_layer"], output_activation=law["output_activation"],
                   output_bias=law.get("output_bias", True), preset=header.get("preset"))

    def tasks(self):
        for law in self.laws:
            gi = self.gains.index(law.gain)
            for i in range(self.samples):
                yield (law, self.seed, gi, i, self.period, self.protocol, self.budget)

    def header(self) -> dict:
        extra = {"preset": self.preset} if self.preset else {}
        return extra | {"certify": __version__, "seed": self.seed, "period": self.period, "protocol": self.protocol,
                "samples": self.samples, "widths": self.widths, "gains": self.gains,
                "laws": {f"{law.width}/{law.gain:g}": law.describe() for law in self.laws},
                "law_parameters": [_parameters(law) for law in self.laws],
                "self_check": self.budget.self_check}


def _parameters(law: Law) -> dict:
    """The law's fields; output_bias only when it is not the default (headers of older audits stay valid)."""
    d = asdict(law)
    if d["output_bias"]:
        del d["output_bias"]
    return d


def _read_done(path: str) -> int:
    """Number of complete lines already in results.jsonl; a torn last line is cut off."""
    if not os.path.exists(path):
        return 0
    with open(path, "rb") as fh:
        data = fh.read()
    keep = data[: data.rfind(b"\n") + 1]
    if len(keep) != len(data):
        with open(path, "wb") as fh:
            fh.write(keep)
    return keep.count(b"\n")


_ONE_AT_A_TIME = threading.Lock()


def decide_chunk(tasks: list) -> list:
    """Worker: one work unit (consecutive tasks) -> their results lines, in order."""
    with _ONE_AT_A_TIME:  # flint.ctx is process-global: never two decisions at once in one process
        return [decide(t) for t in tasks]


def run_audit(audit: Audit, out: str, workers: int | None = None, progress=None, scheduler: str | None = None,
              chunk: int = CHUNK, levels=LEVELS) -> dict:
    """Run (or resume) an audit into the folder `out`; returns the summary.

    progress: None (a tqdm bar with ETA on stderr when stderr is a terminal), True (always a bar),
    False (none), or a callable that receives a status line ("12/100 networks decided") per unit.

    The work goes to local processes (`workers`, default every core) or to the dask cluster at
    `scheduler` ('tcp://host:port' or 'local-cluster[:N]'), in units of `chunk` networks; the
    lines are written here, in task order, so the files do not depend on where they were computed.
    `levels`: the probabilities whose crossing gains are fitted when the audit spans several gains.
    """
    header_path, results = os.path.join(out, "audit.json"), os.path.join(out, "results.jsonl")
    header, old = audit.header(), None
    if os.path.exists(header_path):
        with open(header_path, encoding="utf-8") as fh:
            old = json.load(fh)
        same = ("certify", "self_check")  # may change between runs of one audit
        if {k: v for k, v in old.items() if k not in same} != {k: v for k, v in header.items() if k not in same}:
            raise CertifyError(f"{out} holds a different audit (other laws, seed or samples); use a new --out")
    tasks = list(audit.tasks())
    total = len(tasks)
    engine = open_engine(scheduler, workers)  # before anything is written: a bad scheduler leaves no trace
    try:
        os.makedirs(out, exist_ok=True)
        if not os.path.exists(header_path):
            write_atomic(header_path, json.dumps(header, sort_keys=True, indent=1) + "\n")
        done = _read_done(results)
        if old is not None and done < total and old.get("self_check") not in (None, "mixed", header["self_check"]):
            old["self_check"] = "mixed"  # resumed with the other setting: some verdicts were re-checked, some not
            write_atomic(header_path, json.dumps(old, sort_keys=True, indent=1) + "\n")
        units = [tasks[i:i + chunk] for i in range(done, total, chunk)]
        with open(results, "a", encoding="utf-8") as fh, \
                progress_bar(total, done, "networks", enabled=None if progress is None else progress is True) as bar:
            n, synced = done, done
            for lines in in_order(engine, decide_chunk, units):
                fh.write("".join(json.dumps(line, sort_keys=True) + "\n" for line in lines))
                fh.flush()
                n += len(lines)
                if n - synced >= 50 or n == total:
                    os.fsync(fh.fileno())
                    synced = n
                bar.update(len(lines))
                if callable(progress):
                    progress(f"{n}/{total} networks decided")
    finally:
        engine.close()
    return summarise(out, levels)


def summarise(out: str, levels=LEVELS) -> dict:
    """summary.json from results.jsonl: counts, Clopper-Pearson intervals, homogeneity across widths,
    and, for a sweep over several gains, fitted gain thresholds (estimates, see fit.py)."""
    with open(os.path.join(out, "audit.json"), encoding="utf-8") as fh:
        header = json.load(fh)
    with open(os.path.join(out, "results.jsonl"), encoding="utf-8") as fh:
        cells, reasons = count_lines(fh)
    summary = summary_of(header, cells, reasons, levels)
    write_atomic(os.path.join(out, "summary.json"), json.dumps(summary, sort_keys=True, indent=1) + "\n")
    return summary


def count_lines(lines):
    """Per-cell counts {(width, gain): {n, proved, refuted, undecided, protocol_detected, disagree}} and
    the disagreement reasons {reason: count} of results lines (JSON text)."""
    cells: dict = {}
    reasons: dict = {}
    for raw in lines:
        r = json.loads(raw)
        if "disagreement" in r:
            why = r["disagreement"]
            reasons[why] = reasons.get(why, 0) + 1
        c = cells.setdefault((r["width"], r["gain"]), {"n": 0, "proved": 0, "refuted": 0, "undecided": 0,
                                                       "protocol_detected": 0, "disagree": 0})
        c["n"] += 1
        c[r["verdict"]] += 1
        if "protocol_detected" in r:
            c["protocol_detected"] += r["protocol_detected"]
            c["disagree"] += (r["verdict"] == "proved") != r["protocol_detected"]
    return cells, reasons


def summary_of(header: dict, cells: dict, reasons: dict, levels=LEVELS) -> dict:
    """The summary (as written to summary.json) of an audit's header and its per-cell counts."""
    rows = []
    for (k, g), c in sorted(cells.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        lo, hi = clopper_pearson(c["proved"], c["n"])
        row = {"width": k, "gain": g, "n": c["n"], "proved": c["proved"], "refuted": c["refuted"],
               "undecided": c["undecided"], "p": c["proved"] / c["n"], "ci95": [lo, hi],
               "law": header["laws"].get(f"{k}/{g:g}")}
        if header.get("protocol"):
            row["protocol_detected"] = c["protocol_detected"]
            row["protocol_p"] = c["protocol_detected"] / c["n"]
            row["disagreements"] = c["disagree"]
        rows.append(row)
    tests = {}
    for g in header["gains"]:
        by_width = [(r["proved"], r["n"]) for r in rows if r["gain"] == g]
        stat, dof, pval = homogeneity(by_width)
        tests[f"{g:g}"] = {"chi2": stat, "dof": dof, "p_value": pval,
                           "hypothesis": "the certified chaos probability is the same at every width"}
    summary = {"seed": header["seed"], "period": header["period"], "protocol": header.get("protocol"),
               "complete": sum(r["n"] for r in rows) == header["samples"] * len(header["widths"]) * len(header["gains"]),
               "rows": rows, "width_homogeneity": tests, "disagreement_reasons": reasons,
               "statistic": "p = proved / n (certified period-p points, i.e. Li-Yorke chaos for p = 3); "
                            "ci95 = Clopper-Pearson exact 95% interval"}
    for key in ("self_check", "preset"):
        if key in header:
            summary[key] = header[key]
    if len(header["gains"]) > 1:
        summary["gain_thresholds"] = gain_thresholds(rows, levels)
    return summary
