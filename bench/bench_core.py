#!/usr/bin/env python
"""Core speed benchmarks for certify: figures, targets, and ratios against a saved baseline.

Project rule: speed targets are measured here (printed figures and ratios), never as timed
assertions in tests.

    python bench/bench_core.py --quick                  # smoke run, ~1 minute
    python bench/bench_core.py --save bench/baseline-YYYY-MM-DD.json
    python bench/bench_core.py --baseline bench/baseline-2026-11-22.json

Benchmarks (see bench/README.md for the sampling laws):
  1. relu rnn1d width 64 / 512: certify_period(m, 3) time (incl. from_weights; includes the
     internal self-check) vs a float numpy grid Li-Yorke search on the same networks.
  2. tanh rnn1d width 64 with a period-3 orbit: proof time of certify_period(m, 3).
  3. logistic(r=4): certify_orbits(m, p) for p = 1..16, counts vs necklace numbers, check() times.
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import statistics
import sys
import time
from collections import Counter

import numpy as np

from certify.arith import Budget
from certify.checker import check
from certify.checker.thresholds import mobius
from certify.maps import from_weights, parse_map
from certify.periodic.period import certify_orbits, certify_period, versions

GRID_POINTS = 200_001
GRID_WINDOW = (-10.0, 10.0)
RELU_LAW = "w_i ~ N(0, 2), b_i ~ N(0, 2), a_i ~ N(0, 2/k), c = 0 (He init, fan_in 1)"
TANH_VAR = 16.0
TANH_LAW = f"w_i ~ N(0, {TANH_VAR:g}), b_i ~ N(0, {TANH_VAR:g}), a_i ~ N(0, {TANH_VAR:g}/k), c = 0"


# ----------------------------------------------------------------------------- helpers

def percentile(xs, q):
    return float(np.percentile(np.asarray(xs, dtype=float), q)) if xs else float("nan")


def median(xs):
    return float(statistics.median(xs)) if xs else float("nan")


def sample_network(rng: np.random.Generator, k: int, var_w: float, var_b: float, var_a: float):
    """One rnn1d network (w, b, a) as float64 arrays; c = 0. Variances, not standard deviations."""
    w = rng.normal(0.0, np.sqrt(var_w), k)
    b = rng.normal(0.0, np.sqrt(var_b), k)
    a = rng.normal(0.0, np.sqrt(var_a), k)
    return w, b, a


def build_map(act: str, w, b, a):
    return from_weights({"activation": act, "w": w.tolist(), "b": b.tolist(), "a": a.tolist(), "c": 0.0})


def timed_certify_period(act: str, net, p: int = 3, self_check: bool = True):
    """(seconds, certificate) for building the map with from_weights and certify_period(m, p).

    self_check=False times the certifier alone (no internal kernel re-check of the verdict)."""
    t0 = time.perf_counter()
    cert = certify_period(build_map(act, *net), p, budget=Budget(self_check=self_check))
    return time.perf_counter() - t0, cert


def timed_check(cert):
    """Seconds for the independent kernel check of a certificate (asserted to pass)."""
    t0 = time.perf_counter()
    res = check(cert)
    dt = time.perf_counter() - t0
    if not res.ok:
        raise RuntimeError(f"certificate failed its check: {res.message}")
    return dt


_ACT = {"relu": lambda u: np.maximum(u, 0.0), "tanh": np.tanh}


def float_map(act: str, w, b, a, chunk: int = 8192):
    """Vectorised float f(x) = sum_i a_i act(w_i x + b_i) (c = 0), chunked to bound memory."""
    g = _ACT[act]

    def f(x):
        out = np.empty_like(x)
        for s in range(0, x.size, chunk):
            xs = x[s:s + chunk]
            out[s:s + chunk] = g(np.outer(xs, w) + b) @ a
        return out
    return f


def grid_period3(act: str, net) -> bool:
    """Float Li-Yorke test on a grid: some a with f^3(a) <= a < f(a) < f^2(a) or the mirror.

    Neither rigorous (float) nor complete (grid, window [-10, 10])."""
    f = float_map(act, *net)
    x = np.linspace(GRID_WINDOW[0], GRID_WINDOW[1], GRID_POINTS)
    with np.errstate(over="ignore", invalid="ignore"):
        y1 = f(x)
        y2 = f(y1)
        y3 = f(y2)
        up = (y3 <= x) & (x < y1) & (y1 < y2)
        down = (y3 >= x) & (x > y1) & (y1 > y2)
    return bool(np.any(up | down))


# ----------------------------------------------------------------------------- benchmarks

def bench_relu(k: int, n: int, seed: int, log) -> dict:
    """Period-3 verdicts for n random He-initialised ReLU networks of width k, vs the grid."""
    rng = np.random.default_rng(seed)
    nets = [sample_network(rng, k, 2.0, 2.0, 2.0 / k) for _ in range(n)]
    timed_certify_period("relu", nets[0])          # warm-up (imports, caches); not timed
    grid_period3("relu", nets[0])
    times, gtimes, verdicts, flags, errors = [], [], Counter(), [], []
    cverd, vtimes, ctimes = [], [], []
    for i, net in enumerate(nets):
        try:
            vt, vcert = timed_certify_period("relu", net, self_check=False)
            vtimes.append(vt)
            if vcert["verdict"] != "undecided":
                ctimes.append(timed_check(vcert))
            dt, cert = timed_certify_period("relu", net)
            v = cert["verdict"]
            if v == "undecided":
                log(f"  relu k={k} net {i}: undecided ({cert.get('reason')})")
        except Exception as e:  # noqa: BLE001 -- a benchmark reports errors, it does not stop
            dt, v = float("nan"), "error"
            errors.append(f"net {i}: {type(e).__name__}: {e}")
            log(f"  relu k={k} net {i}: ERROR {type(e).__name__}: {e}")
        times.append(dt)
        verdicts[v] += 1
        cverd.append(v)
        t0 = time.perf_counter()
        flags.append(grid_period3("relu", net))
        gtimes.append(time.perf_counter() - t0)
    ok_times = [t for t in times if t == t]
    # disagreements among decided verdicts: proved-but-not-flagged (grid miss) and
    # refuted-but-flagged (would be a float artefact of the grid, or a certify bug)
    miss = sum(1 for v, g in zip(cverd, flags) if v == "proved" and not g)
    false_flag = sum(1 for v, g in zip(cverd, flags) if v == "refuted" and g)
    und_flag = sum(1 for v, g in zip(cverd, flags) if v in ("undecided", "error") and g)
    med, gmed = median(ok_times), median(gtimes)
    return {
        "n": n, "median_s": med, "p90_s": percentile(ok_times, 90), "max_s": max(ok_times, default=float("nan")),
        "verdict_median_s": median(vtimes), "verdict_p90_s": percentile(vtimes, 90),
        "check_median_s": median(ctimes),
        "proved": verdicts["proved"], "refuted": verdicts["refuted"],
        "undecided": verdicts["undecided"], "errors": verdicts["error"],
        "grid_median_s": gmed, "grid_flagged": sum(flags),
        "ratio_certify_over_grid": med / gmed if gmed > 0 else float("nan"),
        "disagree_proved_not_flagged": miss, "disagree_refuted_but_flagged": false_flag,
        "undecided_or_error_flagged": und_flag, "error_messages": errors[:5],
    }


def bench_tanh(k: int, want: int, max_tries: int, seed: int, log) -> dict:
    """Sample tanh networks until certify_period proves period 3 on `want` of them; time proofs."""
    rng = np.random.default_rng(seed)
    found, search_verdicts, refute_times = [], Counter(), []
    t_search = time.perf_counter()
    tries = 0
    while len(found) < want and tries < max_tries:
        net = sample_network(rng, k, TANH_VAR, TANH_VAR, TANH_VAR / k)
        tries += 1
        try:
            dt, cert = timed_certify_period("tanh", net)
            v = cert["verdict"]
        except Exception as e:  # noqa: BLE001
            v = "error"
            log(f"  tanh search try {tries}: ERROR {type(e).__name__}: {e}")
        search_verdicts[v] += 1
        if v == "proved":
            found.append(net)
        elif v == "refuted":
            refute_times.append(dt)
        elif v == "undecided":
            log(f"  tanh search try {tries}: undecided ({cert.get('reason')})")
    search_s = time.perf_counter() - t_search
    # proof time: a second, separate pass over the networks found (fresh from_weights each time)
    proof_times, proof_verdicts = [], Counter()
    for net in found:
        dt, cert = timed_certify_period("tanh", net)
        proof_times.append(dt)
        proof_verdicts[cert["verdict"]] += 1
    return {
        "found": len(found), "tries": tries, "search_s": search_s,
        "search_proved": search_verdicts["proved"], "search_refuted": search_verdicts["refuted"],
        "search_undecided": search_verdicts["undecided"], "search_errors": search_verdicts["error"],
        "median_s": median(proof_times), "p90_s": percentile(proof_times, 90),
        "max_s": max(proof_times, default=float("nan")),
        "reproved": proof_verdicts["proved"], "refute_median_s": median(refute_times),
    }


def necklaces(p: int) -> int:
    """Number of period-p orbits of the full 2-shift (= of logistic r=4): (1/p) sum mu(p/d) 2^d."""
    return sum(mobius(p // d) * 2 ** d for d in range(1, p + 1) if p % d == 0) // p


def bench_logistic(pmax: int, log) -> dict:
    m = parse_map("logistic(r=4)")
    per_p, total, mismatches = {}, 0.0, []
    for p in range(1, pmax + 1):
        t0 = time.perf_counter()
        cert = certify_orbits(m, p)
        dt = time.perf_counter() - t0
        total += dt
        t0 = time.perf_counter()
        res = check(cert)
        dc = time.perf_counter() - t0
        want = necklaces(p)
        got = cert.get("count")
        good = cert["verdict"] == "proved" and got == want and res.ok and res.verdict == "proved"
        if not good:
            mismatches.append(p)
            log(f"  logistic p={p}: verdict {cert['verdict']}, count {got} (want {want}), "
                f"check ok={res.ok} {res.message!r}")
        per_p[p] = {"orbits_s": dt, "check_s": dc, "count": got, "want": want, "ok": good}
    return {"pmax": pmax, "total_s": total, "per_p": per_p, "mismatches": mismatches}


# ----------------------------------------------------------------------------- report

def figures_table(r: dict, pmax: int):
    """Rows (key, label, value, unit, target) from the raw results."""
    rows = []
    for k in r["relu_widths"]:
        d = r[f"relu{k}"]
        tgt = {64: 0.005, 512: 0.100}.get(k)
        rows += [
            (f"relu{k}.verdict_median_s", f"relu w={k} period-3 verdict median (N={d['n']})",
             d.get("verdict_median_s", float("nan")), "ms", tgt),
            (f"relu{k}.verdict_p90_s", f"relu w={k} verdict p90", d.get("verdict_p90_s", float("nan")), "ms", None),
            (f"relu{k}.check_median_s", f"relu w={k} certify check median", d.get("check_median_s", float("nan")),
             "ms", None),
            (f"relu{k}.median_s", f"relu w={k} verdict + self-check median", d["median_s"], "ms", None),
            (f"relu{k}.p90_s", f"relu w={k} verdict + self-check p90", d["p90_s"], "ms", None),
            (f"relu{k}.grid_median_s", f"relu w={k} grid search median", d["grid_median_s"], "ms", None),
            (f"relu{k}.ratio_certify_over_grid", f"relu w={k} certify/grid", d["ratio_certify_over_grid"], "x", None),
        ]
    d = r["tanh64"]
    rows += [(f"tanh64.median_s", f"tanh w=64 period-3 proof median (n={d['found']})", d["median_s"], "ms", 0.050),
             (f"tanh64.p90_s", "tanh w=64 period-3 proof p90", d["p90_s"], "ms", None),
             (f"tanh64.refute_median_s", "tanh w=64 refute median (search)", d["refute_median_s"], "ms", None)]
    d = r["logistic"]
    rows.append(("logistic.total_s", f"logistic r=4 orbits p=1..{d['pmax']} total", d["total_s"], "s",
                  30.0 if d["pmax"] >= 16 else None))
    for p in range(max(1, pmax - 4), pmax + 1):
        e = d["per_p"][p]
        rows.append((f"logistic.p{p}.orbits_s", f"logistic orbits p={p} (count {e['count']})", e["orbits_s"], "s", None))
        rows.append((f"logistic.p{p}.check_s", f"logistic check(cert) p={p}", e["check_s"], "s", None))
    return rows


def fmt(v, unit):
    if v is None or v != v:
        return "-"
    if unit == "ms":
        return f"{v * 1e3:.2f} ms"
    if unit == "s":
        return f"{v:.3f} s"
    return f"{v:.3g}x"


def print_table(rows, baseline: dict | None):
    head = f"{'figure':<46} {'value':>11} {'target':>10} {'val/tgt':>8}"
    if baseline is not None:
        head += f" {'baseline':>11} {'now/base':>9}"
    print(head)
    print("-" * len(head))
    for key, label, v, unit, tgt in rows:
        line = f"{label:<46} {fmt(v, unit):>11} {fmt(tgt, unit):>10} "
        line += f"{(v / tgt):>8.2f}" if tgt and v == v else f"{'-':>8}"
        if baseline is not None:
            bv = baseline.get(key)
            line += f" {fmt(bv, unit):>11} "
            line += f"{(v / bv):>9.2f}" if isinstance(bv, (int, float)) and bv and v == v else f"{'-':>9}"
        print(line)


def print_details(r: dict):
    print()
    for k in r["relu_widths"]:
        d = r[f"relu{k}"]
        print(f"relu w={k}: verdicts proved {d['proved']} / refuted {d['refuted']} / undecided {d['undecided']}"
              f" / errors {d['errors']}; grid flags {d['grid_flagged']}/{d['n']}; disagreements: "
              f"proved-not-flagged {d['disagree_proved_not_flagged']}, refuted-but-flagged "
              f"{d['disagree_refuted_but_flagged']}, undecided/error-but-flagged {d['undecided_or_error_flagged']}")
        for msg in d["error_messages"]:
            print(f"   error: {msg}")
    d = r["tanh64"]
    print(f"tanh w=64: {d['found']} proved in {d['tries']} tries ({d['search_s']:.1f} s search; "
          f"search verdicts proved {d['search_proved']} / refuted {d['search_refuted']} / undecided "
          f"{d['search_undecided']} / errors {d['search_errors']}); re-proved {d['reproved']}/{d['found']}")
    d = r["logistic"]
    bad = d["mismatches"]
    print(f"logistic r=4: counts == necklace numbers and check ok for p=1..{d['pmax']}: "
          f"{'yes' if not bad else 'NO, failing p = ' + str(bad)}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n64", type=int, default=None, help="relu width-64 networks (default 200; quick 20)")
    ap.add_argument("--n512", type=int, default=None, help="relu width-512 networks (default 50; quick 5)")
    ap.add_argument("--tanh-proofs", type=int, default=None, help="tanh networks to prove (default 10; quick 3)")
    ap.add_argument("--tanh-max-tries", type=int, default=400, help="give up the tanh search after this many")
    ap.add_argument("--pmax", type=int, default=None, help="logistic periods 1..pmax (default 16; quick 12)")
    ap.add_argument("--seed", type=int, default=20261122, help="numpy Generator seed")
    ap.add_argument("--quick", action="store_true", help="small N, logistic up to p=12 (smoke run)")
    ap.add_argument("--save", metavar="FILE", help="write the figures (and raw results) as JSON")
    ap.add_argument("--baseline", metavar="FILE", help="compare with an earlier --save JSON")
    ap.add_argument("-v", "--verbose", action="store_true", help="log undecided verdicts and errors as they happen")
    args = ap.parse_args(argv)
    q = args.quick
    n64 = args.n64 if args.n64 is not None else (20 if q else 200)
    n512 = args.n512 if args.n512 is not None else (5 if q else 50)
    tanh_n = args.tanh_proofs if args.tanh_proofs is not None else (3 if q else 10)
    pmax = args.pmax if args.pmax is not None else (12 if q else 16)
    log = (lambda s: print(s, file=sys.stderr, flush=True)) if args.verbose else (lambda s: None)
    baseline = None
    if args.baseline:
        with open(args.baseline) as fh:
            baseline = json.load(fh)["figures"]

    print(f"certify core benchmark  {datetime.datetime.now().isoformat(timespec='seconds')}  "
          f"seed={args.seed}  {'quick' if q else 'full'}")
    print(f"versions: {versions()}  machine: {platform.machine()} {platform.processor() or ''}".rstrip())
    print(f"relu law: {RELU_LAW}; numpy default_rng(seed), widths 64 (seed) and 512 (seed+1)")
    print(f"tanh law: {TANH_LAW}; default_rng(seed+2); sampled until {tanh_n} proved")
    print(f"grid baseline: float f on {GRID_POINTS} equally spaced points of {list(GRID_WINDOW)}, "
          "Li-Yorke test f^3(a) <= a < f(a) < f^2(a) or mirror (not rigorous, not complete)")
    print("times: relu/tanh include from_weights; 'verdict' rows time certify_period with Budget(self_check=False),")
    print("  'verdict + self-check' rows the default (the kernel re-checks each verdict before returning it),")
    print("  'certify check' the independent check of the verdict's certificate; one untimed warm-up")
    print(flush=True)

    r = {"relu_widths": [64, 512]}
    r["relu64"] = bench_relu(64, n64, args.seed, log)
    r["relu512"] = bench_relu(512, n512, args.seed + 1, log)
    r["tanh64"] = bench_tanh(64, tanh_n, args.tanh_max_tries, args.seed + 2, log)
    r["logistic"] = bench_logistic(pmax, log)

    rows = figures_table(r, pmax)
    print_table(rows, baseline)
    print_details(r)

    if args.save:
        out = {"date": datetime.date.today().isoformat(), "seed": args.seed, "quick": q,
               "params": {"n64": n64, "n512": n512, "tanh_proofs": tanh_n, "pmax": pmax},
               "versions": versions(), "python": platform.python_version(),
               "figures": {key: v for key, _, v, _, _ in rows},
               "raw": {k: v for k, v in r.items()}}
        with open(args.save, "w") as fh:
            json.dump(out, fh, indent=1, default=str)
        print(f"\nsaved figures to {args.save}")


if __name__ == "__main__":
    main()
