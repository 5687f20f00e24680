#!/usr/bin/env python
"""Side-by-side speed of this tree against a baseline commit: ReLU width-64 period-3 verdicts.

    python bench/bench_ab.py --base e5aa77d            # 200 He-initialised width-64 nets, 5 rounds
    python bench/bench_ab.py --base e5aa77d --n 50 --rounds 3

The baseline commit is checked out in a temporary git worktree; both trees run the same networks
in separate processes, in alternating rounds (A B A B ...), so machine load hits both alike. Each
round times `from_weights` + `certify_period(m, 3)` (with the kernel self-check, as the CLI runs it)
per network and reports the median; the figure is the median over rounds, and the ratio
this/baseline is the evidence (absolute times are context: the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

WORKER = r"""
import json, sys, time
import numpy as np
from certify.maps import from_weights
try:
    from certify.periodic.period import certify_period
except ImportError:  # commits before the API (certify.orbits became certify.periodic)
    from certify.orbits.period import certify_period
n, seed, k = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(seed)
nets = [(rng.normal(0, 2 ** 0.5, k), rng.normal(0, 2 ** 0.5, k), rng.normal(0, (2 / k) ** 0.5, k)) for _ in range(n)]
def weights(net):
    w, b, a = net
    return {"activation": "relu", "w": [float(v) for v in w], "b": [float(v) for v in b],
            "a": [float(v) for v in a], "c": 0.0}
certify_period(from_weights(weights(nets[0])), 3)  # warm-up
times, verdicts = [], []
for net in nets:
    t0 = time.perf_counter()
    cert = certify_period(from_weights(weights(net)), 3)
    times.append(time.perf_counter() - t0)
    verdicts.append(cert["verdict"])
print(json.dumps({"times": times, "verdicts": verdicts}))
"""


def run(tree: str, n: int, seed: int, k: int) -> dict:
    env = dict(os.environ, PYTHONPATH=tree)
    out = subprocess.run([sys.executable, "-c", WORKER, str(n), str(seed), str(k)], env=env, cwd=tree,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True, help="baseline git commit (e.g. e5aa77d)")
    ap.add_argument("--n", type=int, default=200, help="networks per round (default 200)")
    ap.add_argument("--rounds", type=int, default=5, help="alternating rounds per tree (default 5)")
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--seed", type=int, default=20261122)
    args = ap.parse_args(argv)
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with tempfile.TemporaryDirectory() as tmp:
        base = os.path.join(tmp, "base")
        subprocess.run(["git", "-C", here, "worktree", "add", "--detach", "-q", base, args.base], check=True)
        try:
            med = {"this": [], "base": []}
            agree = True
            for r in range(args.rounds):
                a, b = run(here, args.n, args.seed, args.width), run(base, args.n, args.seed, args.width)
                med["this"].append(statistics.median(a["times"]))
                med["base"].append(statistics.median(b["times"]))
                agree = agree and a["verdicts"] == b["verdicts"]
                print(f"round {r + 1}: this {med['this'][-1] * 1e3:.2f} ms   base {med['base'][-1] * 1e3:.2f} ms")
        finally:
            subprocess.run(["git", "-C", here, "worktree", "remove", "--force", base], check=True)
    t, b = statistics.median(med["this"]), statistics.median(med["base"])
    print(f"relu width {args.width}, {args.n} nets, period 3 with self-check: this {t * 1e3:.2f} ms, "
          f"base ({args.base}) {b * 1e3:.2f} ms, ratio this/base {t / b:.3f}")
    print("verdicts identical" if agree else "VERDICTS DIFFER between the trees (see the differential tests)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
