"""Adversarial certificates against root constants (CRootOf), number fields and algebraic root cells
(cover_ball tag "a"): each test is a certificate the kernel once accepted, crashed on or worked on
without bound, and states what the kernel must do with it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import certify
from certify.checker import check

ROOT = str(Path(certify.__file__).resolve().parent.parent)

# a degree-14 integer polynomial with 10-digit coefficients (irreducible): sympy isolates its roots
# for minutes when asked whether CRootOf(p, 0) is real
P14 = ("x**14 - 3438881604*x**13 - 6882486816*x**12 + 7046899778*x**11 - 2756606983*x**10 + "
       "6669772505*x**9 + 9969648605*x**8 - 9904127261*x**7 - 8636650093*x**6 - 2261214667*x**5 + "
       "5873481304*x**4 - 6705083047*x**3 + 4559117965*x**2 - 7904671614*x - 9098250963")
# the same times x**3 - 11*x + 1, expanded: reducible, so sympy isolates roots while parsing
P17 = ("x**17 - 3438881604*x**16 - 6882486827*x**15 + 44874597423*x**14 + 69511866389*x**13 - "
       "77728611869*x**12 + 47339225196*x**11 - 86028231799*x**10 - 111633012243*x**9 + "
       "116653833809*x**8 + 90972505066*x**7 + 9531628197*x**6 - 62310391046*x**5 + 71724723207*x**4 - "
       "65953631625*x**3 + 91510505719*x**2 + 92176088979*x - 9098250963")


def _period_cert(expr: str) -> dict:
    return {"schema": "certify/1", "precision": 64, "verdict": "refuted",
            "claim": {"kind": "period", "p": 3, "domain": None},
            "map": {"canonical": {"kind": "expr", "expr": expr}, "class": "polynomial"},
            "evidence": []}


def _tangent_cert(p: int, cell: list) -> dict:
    """An orbits certificate for x + (x^2 - 2)^2 (fixed points +-sqrt 2, double) whose first cover
    cell is `cell` (on [-33.06..., -1]), the rest excluded."""
    lo, hi = "-35502686209/1073741824", "35502686209/1073741824"
    return {"schema": "certify/1", "precision": 64, "verdict": "proved", "complete": True, "count": 0,
            "orbits": [], "claim": {"kind": "orbits", "p": p, "domain": None},
            "map": {"canonical": {"kind": "expr", "expr": "x + (x**2 - 2)**2"}, "class": "polynomial"},
            "evidence": [{"fact": "region", "method": "polynomial_escape", "region": {"lo": "-33", "hi": "33"}},
                         {"fact": "cover_ball", "p": p, "region": {"lo": lo, "hi": hi},
                          "cells": [[lo, "-1", *cell], ["-1", hi, "x"]]}]}


def _check_within(cert: dict, seconds: float):
    """(ok, message) of certify check in a child process; `seconds` is only the outer guard that ends
    a hang (as --timeout is for the CLI): no assertion reads the clock."""
    code = ("import json, sys; from certify.checker import check; r = check(json.load(sys.stdin)); "
            "print(json.dumps([r.ok, r.message]))")
    return tuple(json.loads(_child(code, json.dumps(cert), seconds)))


def _child(code: str, stdin: str, seconds: float) -> str:
    """The output of `code` run in a child Python; `seconds` only ends a hang (an outer guard)."""
    env = {**os.environ, "PYTHONPATH": ROOT}
    try:
        out = subprocess.run([sys.executable, "-c", code], input=stdin, capture_output=True,
                             text=True, timeout=seconds, env=env, cwd=ROOT)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"the child did not end within the {seconds} s guard (a hang)") from None
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_root_constant_of_degree_14_is_checked_without_sympy_root_isolation():
    """CRootOf(p14, 0) in a map: certify check ends in seconds (sympy's is_real isolated p14's roots for 3 minutes)."""
    ok, msg = _check_within(_period_cert(f"x*(1 - x)*CRootOf({P14}, 0)"), 30)
    assert not ok


def test_root_constant_of_reducible_polynomial_is_refused_before_sympy_isolates():
    """CRootOf(reducible p17, 2) in a map: refused in seconds (sympy isolated p17's roots while parsing, 3 minutes)."""
    ok, msg = _check_within(_period_cert(f"x*(1 - x)*CRootOf({P17}, 2)"), 30)
    assert not ok and "irreducible" in msg


def test_algebraic_root_cell_at_non_periodic_point_is_refused_quickly():
    """An "a" cell at -1 - sqrt(2)/7, not periodic, for p = 40: refused in seconds (its exact iterates grow 4x per step: unbounded)."""
    field = {"minpoly": ["-2", "0", "1"], "root": {"lo": "1", "hi": "2"}}
    cert = _tangent_cert(40, ["a", field, [], ["-1", "-1/7"], 1, {"lo": "-2", "hi": "-1"}])
    ok, msg = _check_within(cert, 30)
    assert not ok and "periodic" in msg


def test_rational_root_cell_at_non_periodic_point_is_refused_quickly():
    """A "t" cell at -6/5, not periodic, for p = 40: refused in seconds (its exact iterates grow 4x per step: unbounded)."""
    ok, msg = _check_within(_tangent_cert(40, ["t", "-6/5", 1]), 30)
    assert not ok


def test_true_double_fixed_points_still_check():
    """x + (x^2 - 2)^2 has exactly the fixed points +-sqrt 2 (double): the finder's certificate checks."""
    from certify.maps import parse_map
    from certify.periodic.period import certify_orbits

    cert = certify_orbits(parse_map("x + (x^2-2)^2"), 1)
    assert cert["verdict"] == "proved" and cert["count"] == 2 and check(cert).ok


def test_polynomial_escape_with_a_field_of_degree_437_is_refused_quickly():
    """A polynomial_escape region for x(1 - x) CRootOf(x^19 - x - 1, 0) CRootOf(x^23 - x - 1, 0): refused in seconds (sympy's primitive element of degree 437 ran for minutes)."""
    cert = _period_cert("x*(1 - x)*CRootOf(x**19 - x - 1, 0)*CRootOf(x**23 - x - 1, 0)")
    cert["evidence"] = [{"fact": "region", "method": "polynomial_escape", "region": {"lo": "-100", "hi": "100"}}]
    ok, msg = _check_within(cert, 30)
    assert not ok and "Cauchy" in msg


def test_polynomial_escape_with_nine_square_roots_is_refused_quickly():
    """A polynomial_escape region for x(1 - x)(sqrt 2 + ... + sqrt 23), a field of degree 512: refused in seconds (sympy ran for minutes)."""
    cert = _period_cert("x*(1 - x)*(sqrt(2) + sqrt(3) + sqrt(5) + sqrt(7) + sqrt(11) + sqrt(13) + sqrt(17) + "
                        "sqrt(19) + sqrt(23))")
    cert["evidence"] = [{"fact": "region", "method": "polynomial_escape", "region": {"lo": "-100", "hi": "100"}}]
    ok, msg = _check_within(cert, 30)
    assert not ok and "Cauchy" in msg


def test_root_constant_at_the_highest_precision_is_enclosed_quickly():
    """A degree-64 root constant at precision 65536: certify check ends in seconds (exact bisection to 65544 bits ran for hours)."""
    cert = _period_cert("x*(1 - x)*CRootOf(x**64 - 2, 1)")
    cert["precision"] = 65536
    cert["evidence"] = [{"fact": "region", "method": "bounded_image", "region": {"lo": "-2", "hi": "2"}}]
    ok, msg = _check_within(cert, 30)
    assert not ok and "f(R)" in msg


def test_field_sign_at_a_13000_bit_close_rational_is_decided_quickly():
    """theta - t and theta - t - 2^-13000 in Q(2^(1/64)), t = theta rounded down to 13000 bits: signs +1, -1 in seconds (exact bisection took minutes)."""
    code = ("from flint import arb, ctx, fmpq, fmpz; from certify.checker.algebraic import NumberField\n"
            "field = NumberField(['-2'] + ['0'] * 63 + ['1'], '1', '2')\n"
            "with ctx.workprec(13100):\n"
            "    t = (arb(2) ** (arb(1) / 64) * 2 ** 13000).floor().mid().fmpq() / fmpz(2) ** 13000\n"
            "theta = field.element(['0', '1'])\n"
            "print((theta - t).sign(), (theta - t - fmpq(1, fmpz(2) ** 13000)).sign())")
    assert _child(code, "", 30).split() == ["1", "-1"]
