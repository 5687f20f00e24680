"""Audits of randomly initialised n-dimensional RNNs (nn.RNN at PyTorch's default init, weight_hh
scaled by a gain, input held at 0): per hidden width and gain, how many networks have a certified
cycle of period 3 (chaotic in Li-Yorke's sense when n = 1; in n dimensions a certified 3-cycle, the
finder's verdict), how many are proved non-chaotic (a certified contraction: every orbit converges
to one fixed point, claim rnn_contraction), and how many neither (undecided, counted).

Each network is decided by the certifiers with the kernel's self-check: first the contraction test
(cheap; a contraction has no cycle of period > 1, so the period-3 search is skipped and the line says
"excluded"), else the period-3 cycle search (certify.periodic.rnn). Further columns plug in through
COLUMNS: a name -> decider(net, budget) returning "proved" or "undecided"; the certified horseshoe column
comes from certify.horseshoes.nd.AUDIT_COLUMNS (the n-dimensional horseshoe finder); every column is
run on every network not proved contracting (a contraction excludes it: "excluded") and counted in the
summary, with a Clopper-Pearson interval and the count of its undecided networks (columns() merges
both; the header records the column names, so an audit folder is never resumed with other columns).

Files (resumable, byte-identical for one seed whatever the number of workers): OUT/audit.json (the
header), OUT/results.jsonl (one line per network, in task order), OUT/summary.json.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import threading
from collections.abc import Callable

from certify import __version__
from certify.arith import Budget
from certify.certificates import write_atomic
from certify.ensembles.audit import _read_done
from certify.ensembles.engines import in_order, open_engine
from certify.ensembles.laws import network_rng
from certify.ensembles.rnn_laws import RNNLaw
from certify.ensembles.stats import clopper_pearson
from certify.errors import CertifyError
from certify.progress import progress_bar

__all__ = ["RNNAudit", "run_rnn_audit", "decide_rnn", "rnn_network", "COLUMNS", "columns", "summarise_rnn",
           "render_rnn_audit"]

CHUNK = 8

# extra certified columns: name -> decider(net: RNNMap, budget: Budget) -> "proved" | "undecided"
COLUMNS: dict[str, Callable] = {}


def columns() -> dict:
    """The extra columns: COLUMNS plus certify.horseshoes.nd.AUDIT_COLUMNS (the certified horseshoe). (Not a
    module certify.chaos: importing it would shadow the function certify.chaos.)"""
    cols = dict(COLUMNS)
    mod = importlib.import_module("certify.horseshoes.nd")
    cols.update(getattr(mod, "AUDIT_COLUMNS", {}) or {})
    return cols


def _digest(cert: dict) -> str:
    cert = {k: v for k, v in cert.items() if k != "versions"}
    return hashlib.sha256(json.dumps(cert, sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:16]


def rnn_network(law: RNNLaw, seed: int, gain_index: int, index: int):
    """The RNNMap of one network of a cell, regenerated from the seed alone."""
    from certify.maps.rnn import rnn_from_state_dict

    sd = law.sample(network_rng(seed, law.width, gain_index, index))
    return rnn_from_state_dict(sd, f"audit rnn {law.width}/{gain_index}/{index}", activation=law.activation)


def decide_rnn(task) -> dict:
    """Worker: (law, seed, gain_index, index, period, budget) -> one results line."""
    from certify.dynamics.rnn_contraction import certify_contraction
    from certify.periodic.rnn import certify_rnn_cycle

    law, seed, gi, index, period, budget = task
    net = rnn_network(law, seed, gi, index)
    line = {"width": law.width, "gain": law.gain, "index": index}
    con = certify_contraction(net, budget)
    line["contraction"] = con["verdict"]
    if con["verdict"] == "proved":
        line["period"] = "excluded"
        line["digest"] = _digest(con)
    else:
        cyc = certify_rnn_cycle(net, period, budget)
        line["period"] = cyc["verdict"]
        line["digest"] = _digest(cyc)
        if cyc["verdict"] == "proved":
            line["stability"] = cyc["evidence"][-1].get("stability")
    for name, fn in sorted(columns().items()):
        # a contraction (one globally attracting fixed point) has no cycle of period > 1 and zero entropy
        line[name] = "excluded" if con["verdict"] == "proved" else fn(net, budget)
    return line


_ONE_AT_A_TIME = threading.Lock()


def decide_rnn_chunk(tasks: list) -> list:
    """Worker: one work unit -> its results lines, in order (flint.ctx is process-global)."""
    with _ONE_AT_A_TIME:
        return [decide_rnn(t) for t in tasks]


class RNNAudit:
    """One audit of nn.RNN(1, width) networks: a grid of cells (width x gain), `samples` networks each."""

    def __init__(self, widths, gains, samples: int, seed: int = 0, period: int = 3, activation: str = "tanh",
                 budget: Budget = Budget()):
        if samples < 1 or not widths or not gains:
            raise CertifyError("an audit needs at least one width, one gain and one sample")
        if any(k < 1 for k in widths) or any(not (g > 0) for g in gains):
            raise CertifyError("widths must be >= 1 and gains > 0")
        self.laws = [RNNLaw(activation, k, g) for g in gains for k in widths]
        self.widths, self.gains, self.samples, self.seed = list(widths), list(gains), samples, seed
        self.period, self.activation, self.budget = period, activation, budget

    def tasks(self):
        for law in self.laws:
            gi = self.gains.index(law.gain)
            for i in range(self.samples):
                yield (law, self.seed, gi, i, self.period, self.budget)

    def header(self) -> dict:
        return {"model": "rnn", "certify": __version__, "seed": self.seed, "period": self.period,
                "activation": self.activation, "samples": self.samples, "widths": self.widths, "gains": self.gains,
                "laws": {f"{law.width}/{law.gain:g}": law.describe() for law in self.laws},
                "columns": ["contraction", "period", *sorted(columns())], "self_check": self.budget.self_check}


def run_rnn_audit(audit: RNNAudit, out: str, workers: int | None = None, progress=None) -> dict:
    """Run (or resume) the audit into the folder `out`; returns the summary."""
    header_path, results = os.path.join(out, "audit.json"), os.path.join(out, "results.jsonl")
    header = audit.header()
    if os.path.exists(header_path):
        with open(header_path, encoding="utf-8") as fh:
            old = json.load(fh)
        same = ("certify", "self_check")
        if {k: v for k, v in old.items() if k not in same} != {k: v for k, v in header.items() if k not in same}:
            raise CertifyError(f"{out} holds a different audit (other laws, seed or samples); use a new --out")
    tasks = list(audit.tasks())
    engine = open_engine(None, workers)
    try:
        os.makedirs(out, exist_ok=True)
        if not os.path.exists(header_path):
            write_atomic(header_path, json.dumps(header, sort_keys=True, indent=1) + "\n")
        done = _read_done(results)
        units = [tasks[i:i + CHUNK] for i in range(done, len(tasks), CHUNK)]
        with open(results, "a", encoding="utf-8") as fh, \
                progress_bar(len(tasks), done, "networks", enabled=None if progress is None else progress is True) as bar:
            n = done
            for lines in in_order(engine, decide_rnn_chunk, units):
                fh.write("".join(json.dumps(line, sort_keys=True) + "\n" for line in lines))
                fh.flush()
                n += len(lines)
                bar.update(len(lines))
                if callable(progress):
                    progress(f"{n}/{len(tasks)} networks decided")
    finally:
        engine.close()
    return summarise_rnn(out)


def summarise_rnn(out: str) -> dict:
    """summary.json: per (width, gain) the counts of certified period-P cycles, certified contractions,
    each extra column's proofs, and the undecided (neither a cycle nor a contraction), with
    Clopper-Pearson 95% intervals of the two proportions."""
    with open(os.path.join(out, "audit.json"), encoding="utf-8") as fh:
        header = json.load(fh)
    cells: dict = {}
    extra = [c for c in header["columns"] if c not in ("contraction", "period")]
    with open(os.path.join(out, "results.jsonl"), encoding="utf-8") as fh:
        for raw in fh:
            r = json.loads(raw)
            c = cells.setdefault((r["width"], r["gain"]), {"n": 0, "period": 0, "contraction": 0, "undecided": 0,
                                                           **{e: 0 for e in extra},
                                                           **{f"{e}_undecided": 0 for e in extra}})
            c["n"] += 1
            c["period"] += r["period"] == "proved"
            c["contraction"] += r["contraction"] == "proved"
            c["undecided"] += r["period"] != "proved" and r["contraction"] != "proved"
            for e in extra:
                c[e] += r.get(e) == "proved"
                c[f"{e}_undecided"] += r.get(e) == "undecided"
    rows = []
    for (k, g), c in sorted(cells.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        rows.append({"width": k, "gain": g, **c, "p_period": c["period"] / c["n"],
                     "ci95_period": list(clopper_pearson(c["period"], c["n"])),
                     "p_contraction": c["contraction"] / c["n"],
                     "ci95_contraction": list(clopper_pearson(c["contraction"], c["n"])),
                     **{f"ci95_{e}": list(clopper_pearson(c[e], c["n"])) for e in extra},
                     "law": header["laws"].get(f"{k}/{g:g}")})
    total = header["samples"] * len(header["widths"]) * len(header["gains"])
    summary = {"model": "rnn", "seed": header["seed"], "period": header["period"], "activation": header["activation"],
               "columns": header["columns"], "complete": sum(r["n"] for r in rows) == total, "rows": rows,
               "statistic": f"period = networks with a certified cycle of minimal period {header['period']} (claim "
                            "rnn_cycle); contraction = networks proved to have one globally attracting fixed point "
                            "(claim rnn_contraction: no cycle of period > 1, no chaos); undecided = neither; "
                            "horseshoe (when a column) = networks with a certified topological horseshoe (claim "
                            "horseshoe: h_top > 0), excluded for a certified contraction, the others undecided "
                            "(horseshoe_undecided); "
                            "ci95 = Clopper-Pearson exact 95% intervals"}
    write_atomic(os.path.join(out, "summary.json"), json.dumps(summary, sort_keys=True, indent=1) + "\n")
    return summary


def render_rnn_audit(summary: dict) -> str:
    """One line per cell: width, gain, n, certified period-P, certified contraction, undecided, extra columns."""
    P, extra = summary["period"], [c for c in summary["columns"] if c not in ("contraction", "period")]
    head = f"{'width':>5} {'gain':>5} {'n':>5}  {'period ' + str(P):<20}  {'contraction':<20}  {'undecided':>9}"
    head += "".join(f"  {e + ' (undecided)':<30}" for e in extra)
    out = [f"audit    nn.RNN(1, width), {summary['activation']}, PyTorch default init with weight_hh x gain, input 0; "
           f"seed {summary['seed']}", head.rstrip()]
    for r in summary["rows"]:
        lo, hi = r["ci95_period"]
        clo, chi = r["ci95_contraction"]
        line = (f"{r['width']:>5} {r['gain']:>5g} {r['n']:>5}  {r['period']:>4} [{lo:.3f}, {hi:.3f}]  "
                f"  {r['contraction']:>4} [{clo:.3f}, {chi:.3f}]    {r['undecided']:>9}")
        line += "".join(f"  {r[e]:>4} [{r[f'ci95_{e}'][0]:.3f}, {r[f'ci95_{e}'][1]:.3f}] ({r[f'{e}_undecided']:>4})   "
                        if f"ci95_{e}" in r else f"  {r[e]:>10}" for e in extra)
        out.append(line.rstrip())
    out.append("         counts certified by the kernel; [lo, hi] = Clopper-Pearson 95% interval of the proportion")
    if not summary["complete"]:
        out.append("         INCOMPLETE: some networks are not decided yet (run the same command again to resume)")
    return "\n".join(out)
