"""Start-up time of the `certify` command and of `import certify` (issue 10, scope 6).

Each command runs N times in a fresh process from the repository root (this tree first on
PYTHONPATH); the script prints the median and the minimum wall time, the ratio of the median to
that of `python -c pass` (the interpreter's own start-up, measured the same way), and the
target. Modules run from cached bytecode, as after `pip install`: PYTHONDONTWRITEBYTECODE is
unset for the runs, and an untimed first run of each command writes the .pyc files (with it set
and no cache, every certify module is compiled from source on each run: about 0.1 s more per
command that imports the kernel). Figures, not assertions: what the tests assert instead is the mechanism (which modules a
command imports, tests/test_startup.py).

    python bench/bench_startup.py              # N = 15
    python bench/bench_startup.py -n 31 --imports   # also the import cost of each dependency
"""

from __future__ import annotations

import argparse
import glob
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
RELU = "proofs/relu_tent_net_period3.cert.json"  # width-2 ReLU network, period 3 proved
LOGISTIC = "proofs/logistic_r383_period3.cert.json"  # logistic(r=383/100), period 3 proved
WIDE = "bench/he_relu64_net.json"  # width-64 ReLU network: its certificate is made in a temporary directory


def certify_cmd() -> list[str]:
    """The console script next to this interpreter (what users run), else `python -m certify.cli`."""
    script = pathlib.Path(sys.executable).parent / "certify"
    if script.exists():
        return [str(script)]
    found = shutil.which("certify")
    return [found] if found else [sys.executable, "-m", "certify.cli"]


def cases(imports: bool, wide_cert: str) -> list[tuple[str, list[str], float | None]]:
    """(label, command, target seconds or None); `wide_cert` is the width-64 network's certificate."""
    py, cert = sys.executable, certify_cmd()
    batch = sorted(glob.glob(str(ROOT / "proofs" / "*.cert.json")))
    out = [
        ("python -c pass", [py, "-c", "pass"], None),
        ("python -c 'import certify'", [py, "-c", "import certify"], 0.15),
        ("python -c 'import certify.cli'", [py, "-c", "import certify.cli"], None),
        ("certify --version", [*cert, "--version"], 0.3),
        ("certify --help", [*cert, "--help"], 0.3),
        ("certify check <ReLU net, period 3>", [*cert, "check", RELU], 0.6),
        ("certify check <logistic(r=383/100), period 3>", [*cert, "check", LOGISTIC], 0.6),
        ("certify check <width-64 ReLU net, period 3>", [*cert, "check", wide_cert], 0.6),
        (f"certify check proofs/*.cert.json ({len(batch)} files)", [*cert, "check", *batch], None),
        ("kernel alone: check(read(<ReLU net, period 3>))",
         [py, "-c", f"from certify.certificates import read; from certify.checker import check; "
                    f"assert check(read({RELU!r})).ok"], None),
    ]
    if imports:
        out += [(f"python -c 'import {m}'", [py, "-c", f"import {m}"], None)
                for m in ("flint", "mpmath", "numpy", "sympy", "certify.checker", "certify.maps")]
    return out


def timed(cmd: list[str], env: dict) -> float:
    """Wall seconds of one run (its output discarded); a failing command stops the benchmark."""
    t0 = time.perf_counter()
    res = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    t = time.perf_counter() - t0
    if res.returncode != 0:
        sys.exit(f"bench_startup: {' '.join(cmd)} exited {res.returncode}: {res.stderr.decode()[-500:]}")
    return t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=15, help="runs of each command (default 15)")
    ap.add_argument("--imports", action="store_true", help="also time importing each dependency alone")
    args = ap.parse_args()
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    tmp = tempfile.mkdtemp(prefix="bench_startup_")
    wide_cert = os.path.join(tmp, "he_relu64_period3.cert.json")
    timed([*certify_cmd(), "period", WIDE, "-p", "3", "--out", wide_cert], env)  # made once, not timed
    try:
        run(args, env, wide_cert)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(args, env: dict, wide_cert: str) -> None:
    """Time each case N times, interleaved, and print the table."""
    rows = cases(args.imports, wide_cert)
    for _, cmd, _ in rows:  # warm the file cache and write the .pyc files: not timed
        timed(cmd, env)
    times = {label: [] for label, _, _ in rows}
    for _ in range(args.n):  # interleaved, so load changes affect every command alike
        for label, cmd, _ in rows:
            times[label].append(timed(cmd, env))
    base = statistics.median(times["python -c pass"])
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}, "
          f"N = {args.n}, certify = {' '.join(certify_cmd())}")
    print(f"{'command':<52} {'median':>8} {'min':>8} {'x pass':>7} {'target':>12}")
    for label, _, target in rows:
        med, lo = statistics.median(times[label]), min(times[label])
        goal = "" if target is None else f"<= {target:.2f}" + (" ok" if med <= target else " MISSED")
        print(f"{label:<52} {med:8.3f} {lo:8.3f} {med / base:7.1f} {goal:>12}".rstrip())


if __name__ == "__main__":
    main()
