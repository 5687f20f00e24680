#!/usr/bin/env python3
"""Overhead of the public API: certify.period(f, 3) against the internal certify_period(m, 3) on
the same He-initialised ReLU networks, in one process, interleaved per network.

    python bench/bench_api.py                 # 200 width-64 nets, 5 rounds
    python bench/bench_api.py --n 50 --rounds 3

Each network is built once as a Map (certify.rnn1d would build the same); both calls get the Map.
The API adds the canonical JSON of the certificate (Result.certificate_json, the bytes --out
writes) and its input checks. Prints the median per-network times and the ratio API/internal (the
target is <= 1.2); absolute times are context (the machine is shared).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time


def main(argv=None) -> int:
    import numpy as np

    import certify
    from certify.maps import from_weights
    from certify.periodic.period import certify_period

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200, help="networks per round (default 200)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--seed", type=int, default=20261122)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    k = args.width
    maps = [from_weights({"activation": "relu", "w": [float(v) for v in rng.normal(0, 2 ** 0.5, k)],
                          "b": [float(v) for v in rng.normal(0, 2 ** 0.5, k)],
                          "a": [float(v) for v in rng.normal(0, (2 / k) ** 0.5, k)], "c": 0.0})
            for _ in range(args.n)]
    certify.period(maps[0], 3), certify_period(maps[0], 3)  # warm-up
    api_med, raw_med, agree = [], [], True
    for r in range(args.rounds):
        api, raw = [], []
        for i, m in enumerate(maps):  # alternate which call goes first (the second may find caches warm)
            verdicts = {}
            for which in (("api", "raw") if (i + r) % 2 == 0 else ("raw", "api")):
                t0 = time.perf_counter()
                verdicts[which] = certify.period(m, 3).verdict if which == "api" else certify_period(m, 3)["verdict"]
                (api if which == "api" else raw).append(time.perf_counter() - t0)
            agree = agree and verdicts["api"] == verdicts["raw"]
        api_med.append(statistics.median(api))
        raw_med.append(statistics.median(raw))
        print(f"round {r + 1}: api {api_med[-1] * 1e3:.2f} ms   internal {raw_med[-1] * 1e3:.2f} ms")
    a, b = statistics.median(api_med), statistics.median(raw_med)
    print(f"relu width {k}, {args.n} nets, period 3: certify.period {a * 1e3:.2f} ms, certify_period "
          f"{b * 1e3:.2f} ms, ratio api/internal {a / b:.3f} (target <= 1.2)")
    print("verdicts identical" if agree else "VERDICTS DIFFER")
    return 0


if __name__ == "__main__":
    sys.exit(main())
