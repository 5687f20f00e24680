"""`certify chaos` and certify.chaos(): certified horseshoes of planar polynomial maps, end to end."""

import json
import os
import subprocess
import sys

import pytest

import certify
from certify.cli import main
from certify.errors import CertifyError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def henon8():
    """certify.chaos on the Hénon map with periodic orbits up to period 8."""
    return certify.chaos("henon(a=1.4, b=0.3)", max_period=8)


def test_api_returns_proved_result(henon8):
    """certify.chaos returns a proved Result whose certificate the kernel re-verifies."""
    assert henon8.proved and henon8.command == "chaos"
    assert henon8.check().ok
    assert henon8.certificate["claim"]["kind"] == "horseshoe"


def test_text_states_bound_and_theorem(henon8):
    """The printed verdict states the entropy bound and the theorems it rests on."""
    text = henon8.text
    assert "PROVED: a topological horseshoe, h_top(f) >= 0." in text
    assert "Zgliczynski-Gidea" in text and "subshift of finite type" in text


def test_bound_is_log_rho(henon8):
    """The stated lower bound is positive and below log 2 / 1 (the graph is a real subshift)."""
    from fractions import Fraction
    lower = Fraction(henon8.certificate["entropy"]["lower"])
    assert 0 < lower < Fraction(7, 10)


def test_tuple_formula_same_certificate_map(henon8):
    """The tuple formula of the Hénon map gives the same canonical map as henon(a, b)."""
    res = certify.chaos("(1 - 1.4*x^2 + y, 0.3*x)", max_period=8)
    assert res.certificate["map"]["canonical"] == henon8.certificate["map"]["canonical"]
    assert res.proved


def test_eigenvalue_one_linear_map_is_undecided():
    """(x, y) -> (x, y/2) has no hyperbolic periodic orbit: no horseshoe is claimed."""
    res = certify.chaos("(x, 0.5*y)", max_period=3)
    assert res.undecided and "no hyperbolic periodic orbit" in res.reason


def test_three_dimensional_map_is_undecided():
    """The finder handles the plane: a map of R^3 gives an undecided verdict naming why."""
    res = certify.chaos("(y, z, 1 - 1.4*x^2)", max_period=2)
    assert res.undecided and "n = 2" in res.reason


def test_not_a_polynomial_map_is_an_input_error():
    """A 1D formula is refused with CertifyError."""
    with pytest.raises(CertifyError):
        certify.chaos("4*x*(1 - x)")


def test_henon_b0_claims_nothing_false():
    """b = 0 (Df singular at every point): the finder runs, and its verdict passes the kernel (today it
    is undecided: the periodic points lie on one line and their h-sets cannot be both disjoint and large)."""
    res = certify.chaos("henon(a=1.4, b=0)", max_period=8)
    assert res.check().ok and (res.proved or "no graph of h-sets" in res.reason)


def test_cli_writes_certificate_and_check_passes(tmp_path, capsys):
    """certify chaos -o writes the certificate; certify check re-verifies every covering."""
    out = tmp_path / "cert.json"
    assert main(["chaos", "henon(a=1.4, b=0.3)", "--max-period", "8", "-o", str(out)]) == 0
    assert "PROVED" in capsys.readouterr().out
    assert main(["check", str(out)]) == 0
    text = capsys.readouterr().out
    assert "OK: all" in text and "covering relations" in text


def test_check_does_not_import_finder(tmp_path, henon8):
    """certify check of a Hénon horseshoe certificate imports neither the finder nor numpy, scipy or sympy
    (map.given is re-read by the family's sympy-free path)."""
    path = tmp_path / "cert.json"
    path.write_text(json.dumps(henon8.certificate))
    code = ("import sys; from certify.cli import main; rc = main(['check', sys.argv[1]]); "
            "bad = [m for m in ('certify.horseshoes', 'numpy', 'scipy', 'sympy') if m in sys.modules]; "
            "print(rc, bad); sys.exit(1 if rc or bad else 0)")
    r = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": ROOT})
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.slow
def test_default_henon_bound():
    """With the default periods (up to 10) the Hénon bound is at least 0.19 (coverings under f^2)."""
    from fractions import Fraction
    res = certify.chaos("henon(a=1.4, b=0.3)")
    assert res.proved and Fraction(res.certificate["entropy"]["lower"]) >= Fraction(19, 100)
    assert res.certificate["claim"]["iterate"] == 2


def _doc_commands():
    """(command, shown output lines) for each `$ certify` line of docs/chaos.md."""
    import re
    import shlex
    with open(os.path.join(ROOT, "docs", "chaos.md"), encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    out, cur = [], None
    inside = False
    for line in lines:
        if re.match(r"^```", line):
            inside = not inside
            continue
        if inside and line.startswith("$ certify "):
            cur = (shlex.split(line[len("$ certify "):]), [])
            out.append(cur)
        elif inside and cur is not None:
            cur[1].append(line)
        elif not inside:
            cur = None
    return out


@pytest.mark.slow
def test_docs_chaos_commands_print_what_the_page_shows(tmp_path, capsys, monkeypatch):
    """Every `$ certify` command of docs/chaos.md prints the lines shown under it, in order."""
    monkeypatch.chdir(tmp_path)
    cmds = _doc_commands()
    assert len(cmds) == 2
    for argv, shown in cmds:
        main(argv)
        printed = capsys.readouterr().out.splitlines()
        pos = 0
        for line in shown:
            assert line in printed[pos:], f"{argv}: {line!r} not printed"
            pos = printed.index(line, pos) + 1
