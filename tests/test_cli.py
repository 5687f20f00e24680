"""The certify command: exit codes, one-line errors, JSON and atomic output."""

import contextlib
import io
import json
import os
import subprocess
import sys

import pytest

from certify.cli import main


def run(*args):
    return subprocess.run([sys.executable, "-m", "certify.cli", *args], capture_output=True, text=True, timeout=300)


def run_in_process(*args):
    """certify.cli.main in this interpreter, like `run` (a fresh interpreter costs ~1 s a call)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


def test_period_proved_exit_0(capsys):
    """A proved verdict exits 0 and names the verdict and consequences."""
    assert main(["period", "logistic(r=383/100)", "--period", "3"]) == 0
    out = capsys.readouterr().out
    assert "PROVED" in out and "Li-Yorke" in out and "Sharkovsky" in out


def test_period_refuted_exit_0(capsys):
    """A refuted verdict exits 0."""
    assert main(["period", "tent(s=8/5)", "--period", "3"]) == 0
    assert "REFUTED" in capsys.readouterr().out


def test_undecided_exit_3(capsys):
    """An undecided verdict exits 3 and gives the reason."""
    assert main(["period", "exp(x)", "--period", "2"]) == 3
    assert "reason" in capsys.readouterr().out


def test_formula_starting_with_minus(capsys):
    """A map written with a leading minus is a map, not an option."""
    assert main(["period", "-2*tanh(x)", "-p", "3"]) == 0
    assert "REFUTED" in capsys.readouterr().out


def test_json_out_and_check(tmp_path, capsys):
    """--json prints the certificate, --out writes the same bytes, and check passes on it (exit 0)."""
    out = tmp_path / "cert.json"
    assert main(["period", "tent(s=2)", "--period", "3", "--json", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert json.loads(printed)["verdict"] == "proved"
    assert out.read_text() == printed
    assert main(["check", str(out)]) == 0
    assert capsys.readouterr().out.startswith("OK")


def test_check_tampered_exit_1(tmp_path, capsys):
    """A tampered certificate fails the check: exit 1 and the failing fact."""
    out = tmp_path / "cert.json"
    main(["period", "tent(s=2)", "--period", "3", "--out", str(out)])
    cert = json.loads(out.read_text())
    cert["evidence"][0]["points"][0] = "1/3"
    out.write_text(json.dumps(cert))
    capsys.readouterr()
    assert main(["check", str(out)]) == 1
    assert "FAILED: fact 0 (cycle_exact)" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["period", "x*", "--period", "3"], "malformed formula"),
    (["period", "foo(r=1)", "--period", "3"], "unknown name"),
    (["period", "rnn1d(activation=swish, w=[1], b=[0], a=[1])", "-p", "3"], "unknown activation"),
    (["period", "rnn1d(activation=relu, w=[inf], b=[0], a=[1])", "-p", "3"], "finite"),
    (["period", "rnn1d(activation=relu, w=[1,2], b=[0], a=[1])", "-p", "3"], "lengths differ"),
    (["period", "floor(x)", "-p", "3"], "discontinuous"),
    (["period", "tent(s=2)", "--period", "3.5"], "whole number"),
    (["period", "tent(s=2)", "--period", "0"], ">= 1"),
    (["period", "tent(s=2)", "-p", "3", "--domain", "1,0"], "LO < HI"),
    (["period", "logistic(r=4)", "-p", "3", "--domain", "0,1/2"], "not invariant"),
    (["check", "no-such-file.json"], "cannot read"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_input_one_line_exit_2(args, message):
    """Bad input: exit 2, one line on stderr naming the problem, no traceback, nothing on stdout."""
    r = run_in_process(*args)
    assert r.returncode == 2, r.stderr
    assert r.stderr.count("\n") == 1 and message in r.stderr and "Traceback" not in r.stderr
    assert r.stdout == ""


@pytest.mark.parametrize("args, message", [
    (["period", "x*", "--period", "3"], "malformed formula"),  # an error of certify's own
    (["frobnicate"], "invalid choice"),  # an error of the argument parser
    (["check", "no-such-file.json"], "cannot read"),
])
def test_bad_input_one_line_exit_2_from_the_command(args, message):
    """The same through `python -m certify.cli`: the process exits 2 with one line on stderr, nothing else."""
    r = run(*args)
    assert r.returncode == 2, r.stderr
    assert r.stderr.count("\n") == 1 and message in r.stderr and "Traceback" not in r.stderr
    assert r.stdout == ""


def test_out_not_written_on_bad_input(tmp_path):
    """Nothing is written when the input is bad."""
    out = tmp_path / "cert.json"
    r = run("period", "x*", "-p", "3", "--out", str(out))
    assert r.returncode == 2 and not out.exists()
    assert not [f for f in os.listdir(tmp_path) if f.startswith(".certify-")]


def test_check_non_certificate_exit_2(tmp_path):
    """A JSON file that is not a certificate is an input error, not a failed check."""
    f = tmp_path / "x.json"
    f.write_text("[1, 2]")
    assert run("check", str(f)).returncode == 2


def test_plot_writes_png_cobweb(tmp_path, capsys):
    """--plot cobweb.png writes a PNG file and names it on the last line."""
    png = tmp_path / "cobweb.png"
    assert main(["orbits", "tent(s=2)", "-p", "3", "--domain", "0,1", "--plot", str(png)]) == 0
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert capsys.readouterr().out.splitlines()[-1] == f"plot     {png}"


def test_plot_needs_figure_extension():
    """--plot with an extension other than .png, .pdf, .svg is a one-line input error naming them."""
    r = run("period", "tent(s=2)", "-p", "3", "--plot", "x.jpg")
    assert r.returncode == 2 and ".png, .pdf or .svg" in r.stderr and r.stderr.count("\n") == 1


def test_threshold_command(tmp_path, capsys):
    """certify threshold prints the exact onset and writes a certificate that checks."""
    out = tmp_path / "onset.json"
    assert main(["threshold", "logistic(r)", "--param", "r", "--period", "3", "--range", "3.5,4",
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "1 + 2*sqrt(2)" in text and "r**2 - 2*r - 7" in text
    assert main(["check", str(out)]) == 0


@pytest.mark.parametrize("args, message", [
    (["threshold", "logistic(r)", "--param", "r", "--range", "4,3"], "LO < HI"),
    (["threshold", "tanh(x)", "--param", "r", "--range", "0,1"], "does not appear"),
    (["threshold", "logistic(r)", "--param", "r", "--range", "3"], "two numbers"),
])
def test_threshold_bad_input(args, message):
    """Threshold input errors: one line, exit 2."""
    r = run_in_process(*args)
    assert r.returncode == 2 and message in r.stderr and r.stderr.count("\n") == 1


def test_forcing_interval_proved_for_tent_estimated_for_logistic(capsys):
    """tau_pred = ln 2 / lambda: proved (= 1 step) for the slope-2 tent, an estimate for logistic r = 4."""
    assert main(["forcing-interval", "tent(s=2)", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["tau_pred"]["status"] == "proved" and abs(out["tau_pred"]["value"] - 1) < 1e-12
    assert main(["forcing-interval", "logistic(r=4)", "--json", "--steps", "20000"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["tau_pred"]["status"] == "estimate" and abs(out["tau_pred"]["value"] - 1) < 0.02


def test_gradients_cli_and_plot(tmp_path, capsys):
    """certify gradients prints the regime and writes the plot (SVG by its extension)."""
    svg = tmp_path / "g.svg"
    assert main(["gradients", "logistic(r=4)", "--x0", "3/10", "--horizon", "200", "--plot", str(svg)]) == 0
    assert "exploding" in capsys.readouterr().out and b"<svg" in svg.read_bytes()[:400]
