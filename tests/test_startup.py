"""Start-up: what a command imports before it does any work (the mechanism behind a fast start;
bench/bench_startup.py prints the times)."""

import json
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
# dependencies that cost start-up time (each tens of milliseconds or more to import)
HEAVY = ("sympy", "numpy", "flint", "mpmath", "scipy", "matplotlib", "torch", "safetensors", "jinja2", "dask",
         "distributed")

PROBE = """
import contextlib, io, json, sys
out = io.StringIO()
with contextlib.redirect_stdout(out):
{body}
print(json.dumps({{"loaded": sorted(m for m in {heavy!r} if m in sys.modules), "out": out.getvalue()}}))
"""


def loaded_by(*lines: str) -> dict:
    """Run `lines` in a fresh interpreter (this tree first on the path): the heavy modules it
    imported ("loaded") and what it printed ("out")."""
    body = "\n".join("    " + ln for ln in lines)
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    res = subprocess.run([sys.executable, "-c", PROBE.format(body=body, heavy=HEAVY)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout.splitlines()[-1])


def run_cli(argv: list) -> list:
    """Lines calling certify.cli.main(argv), a --help or --version exit included."""
    return ["from certify.cli import main", "try:", f"    main({argv!r})", "except SystemExit:", "    pass"]


def test_import_certify_loads_no_heavy_module():
    """`import certify` imports no heavy dependency (sympy, numpy, flint, mpmath, scipy, matplotlib, torch, ...)."""
    assert loaded_by("import certify")["loaded"] == []


def test_import_cli_loads_no_heavy_module():
    """`import certify.cli` imports no heavy dependency."""
    assert loaded_by("import certify.cli")["loaded"] == []


def test_version_loads_no_heavy_module():
    """`certify --version` prints the version and imports no heavy dependency."""
    from certify import __version__

    got = loaded_by(*run_cli(["--version"]))
    assert got == {"loaded": [], "out": f"certify {__version__}\n"}


def test_help_of_every_command_loads_no_heavy_module():
    """`certify --help` and `certify COMMAND --help`, for every command, import no heavy dependency."""
    from certify.cli import _parser

    commands = sorted(_parser()._subparsers._group_actions[0].choices)
    assert "check" in commands and "period" in commands
    lines = run_cli(["--help"])
    for cmd in commands:
        lines += run_cli([cmd, "--help"])
    got = loaded_by(*lines)
    assert got["loaded"] == []
    assert got["out"].count("usage: certify") == len(commands) + 1


@pytest.mark.parametrize("cert", ["relu_tent_net_period3.cert.json", "logistic_r383_period3.cert.json"])
def test_check_loads_only_flint_and_sympy(cert):
    """`certify check` of a width-2 ReLU-net (its map line is written out by sympy) or a formula certificate imports only flint, sympy and mpmath."""
    got = loaded_by(*run_cli(["check", f"proofs/{cert}"]))
    assert got["out"].startswith("OK: ")
    assert set(got["loaded"]) <= {"flint", "sympy", "mpmath"}


@pytest.fixture(scope="module")
def wide_cert(tmp_path_factory):
    """A period-3 certificate of the width-64 ReLU network bench/he_relu64_net.json (map.given names that file)."""
    from certify.cli import main

    out = str(tmp_path_factory.mktemp("wide") / "he_relu64.cert.json")
    cwd = os.getcwd()
    os.chdir(ROOT)  # map.given is the path as typed: relative to the repository root, where loaded_by runs
    try:
        assert main(["period", "bench/he_relu64_net.json", "-p", "3", "--out", out]) == 0
    finally:
        os.chdir(cwd)
    return out


def test_check_of_a_wide_network_loads_no_sympy(wide_cert):
    """`certify check` of a width-64 ReLU network's certificate re-reads its weights file (map.given matches) and imports flint only."""
    got = loaded_by(*run_cli(["check", wide_cert]))
    assert got["out"].startswith("OK: ")
    assert "given    bench/he_relu64_net.json  (denotes the canonical map)" in got["out"]
    assert got["loaded"] == ["flint"]


@pytest.mark.parametrize("path", ["bench/he_relu64_net.json", "examples/he_relu8.safetensors"])
def test_reading_a_weights_file_loads_no_sympy(path):
    """certify.load of a weights file (decimal JSON numbers, or float tensors) builds its canonical form without sympy."""
    got = loaded_by("import certify", f"m = certify.load({path!r})", "print(m.canonical['kind'], len(m.canonical['w']))")
    assert got["out"].split()[0] == "rnn1d"
    assert "sympy" not in got["loaded"]


def test_a_formula_still_loads_sympy():
    """Parsing a formula imports sympy on demand (certify.maps itself does not)."""
    assert "sympy" not in loaded_by("import certify.maps")["loaded"]
    assert "sympy" in loaded_by("from certify.maps import parse_map", "parse_map('x*(1-x)')")["loaded"]


def test_kernel_import_loads_no_sympy_or_numpy():
    """`import certify.checker` (the kernel) imports neither sympy nor numpy (flint only)."""
    assert loaded_by("import certify.checker")["loaded"] == ["flint"]


@pytest.mark.parametrize("cert", ["relu_tent_net_period3.cert.json", "plrnn2d_cycles.cert.json"])
def test_kernel_checks_a_network_without_sympy(cert):
    """The kernel passes a network's certificate (rnn1d, PLRNN) importing flint and no sympy."""
    got = loaded_by("from certify.certificates import read", "from certify.checker import check",
                    f"res = check(read('proofs/{cert}'))", "print(res.ok, res.facts > 0)")
    assert got == {"loaded": ["flint"], "out": "True True\n"}


def test_kernel_checks_a_formula_with_sympy():
    """A formula map's certificate is checked with sympy (the canonical expression is parsed)."""
    got = loaded_by("from certify.certificates import read", "from certify.checker import check",
                    "print(check(read('proofs/logistic_r383_period3.cert.json')).ok)")
    assert got["out"] == "True\n" and "sympy" in got["loaded"]
