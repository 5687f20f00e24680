"""Time to certify a topological horseshoe of the Hénon map (issue 12 target: certificate <= 10 s, its
check <= 2 s) and the entropy bound reached, for the default method (h-sets on the attractor net,
coverings under f^4) beside the periodic-orbit method (the previous default: 0.198215 under f^2).

Times `certify.chaos` (finder + kernel verification of every covering + the self-check), the kernel's
`check` in-process, and `certify check FILE` as a fresh process (start-up and imports included). The
machine's load average is printed: the times scale with it (2 cores shared).

    PYTHONPATH=$PWD python bench/bench_chaos.py [--spec "henon(a=1.4, b=0.3)"] [--max-period 10]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from fractions import Fraction

import certify
from certify.checker import check


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", default="henon(a=1.4, b=0.3)")
    ap.add_argument("--max-period", type=int, default=10)
    a = ap.parse_args()
    print(f"load average        {os.getloadavg()[0]:.1f}")
    for method in ("orbits", "net"):
        row(a, method)


def row(a, method):
    t = time.perf_counter()
    res = certify.chaos(a.spec, max_period=a.max_period, method=method)
    t_cert = time.perf_counter() - t
    cert = res.certificate
    t = time.perf_counter()
    ok = check(cert).ok
    t_check = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "cert.json")
        with open(path, "w") as fh:
            json.dump(cert, fh)
        t = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "certify.cli", "check", path], capture_output=True, text=True)
        t_cli = time.perf_counter() - t
    lower = cert.get("entropy", {}).get("lower")
    sets = len(cert["evidence"][0]["sets"]) if cert["evidence"] else 0
    how = (f"periodic orbits up to period {a.max_period}" if method == "orbits" else "h-sets on the attractor net")
    k = cert["claim"]["iterate"]
    print(f"map                 {a.spec}, method {method} ({how})")
    print(f"verdict             {res.verdict}" + (f": h_top >= {float(Fraction(lower)):.6f} "
                                                  f"({sets} h-sets, {len(cert['evidence']) - 1} coverings under f^{k})"
                                                  if lower else f" ({res.reason})"))
    print(f"certificate         {t_cert:.2f} s   (target <= 10 s)")
    print(f"check, in-process   {t_check:.3f} s   ({'OK' if ok else 'FAILED'})")
    print(f"certify check FILE  {t_cli:.2f} s   (fresh process; target <= 2 s; exit {r.returncode})")


if __name__ == "__main__":
    main()
