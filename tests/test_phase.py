"""Phase diagrams of two-parameter PL families: exact itinerary conditions for period 3, certified
cells, robust chaos, agreement with the one-parameter onsets, the kernel and the CLI."""

import copy
import json
import pathlib
import re

import pytest
import sympy
from flint import fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

from certify.certificates import interval_parse, q_str
from certify.checker import check
from certify.checker.phase import (cell_chaos, cell_period3, chaos_conditions, period3_words, pl_family2,
                                   poly_str)
from certify.cli import main
from certify.errors import CertifyError
from certify.maps import parse_family, parse_family2, parse_map
from certify.periodic.period import certify_period
from certify.thresholds import certify_onset
from certify.thresholds.phase import certify_phase
from strategies import junk_sweep

aL, aR = sympy.symbols("aL aR")


def skew():
    fam = pl_family2(parse_family2("skew_tent(aL, aR, 1)", "aL", "aR").canonical)
    return fam, period3_words(fam), chaos_conditions(fam)


def at(words, x, y):
    """The class of the single parameter point (x, y) (a degenerate cell)."""
    return cell_period3(words, ((x, x), (y, y)))


def test_skew_tent_itinerary_conditions_are_exact():
    """skew_tent(aL, aR, 1): LLR has D = 1 - aL^2 aR and border collisions 1 + aR + aL aR, 1 + aL + aL aR;
    LRR has D = 1 - aL aR^2 and the same two collision curves."""
    _, words, _ = skew()
    got = {tuple(w.word): (poly_str(w.D), sorted(poly_str(P) for _, P in w.conds)) for w in words}
    assert got == {(0, 0, 1): ("-aL**2*aR + 1", sorted(["-aL*aR - aR - 1", "-aL*aR - aL - 1", "aL**2 + aL + 1"])),
                   (0, 1, 1): ("-aL*aR**2 + 1", sorted(["-aR**2 - aR - 1", "aL*aR + aL + 1", "aL*aR + aR + 1"]))}


def test_boundary_meets_tent_line_at_golden_ratio():
    """On the tent line aR = -aL (tent(s) is conjugate to skew_tent(s, -s, 1)) the period-3 boundary
    aL aR + aL + 1 = 0 becomes s^2 - s - 1: the onset of `certify threshold tent(s)`, phi."""
    cert = certify_phase(parse_family2("skew_tent(aL, aR, 1)", "aL", "aR"),
                         ((fmpq(1), fmpq(2)), (fmpq(-2), fmpq(-1))), grid=4, depth=3)
    assert check(cert).ok
    itin = cert["evidence"][0]
    (near,) = [itin["boundary"][k] for k in cert["boundary_near"]]
    assert sympy.expand(sympy.sympify(near).subs(aR, -aL) + (aL ** 2 - aL - 1)) == 0
    onset = certify_onset(parse_family("tent(s)", "s"), 3, (fmpq(3, 2), fmpq(2)), digits=12)
    assert onset["minpoly"] == "s**2 - s - 1"
    lo, hi = interval_parse(onset["onset"])
    _, words, chaos = skew()
    assert at(words, lo, -lo) == "N" and at(words, hi, -hi) == "P"
    assert cell_chaos(chaos, ((lo, lo), (-lo, -lo))) == "C"  # chaos (h_top > 0) without period 3 below phi


@pytest.mark.parametrize("spec, param, line, rng, onset", [
    ("skew_tent(aL, -3/2, 1)", "aL", lambda v: (v, fmpq(-3, 2)), (1, 3), "2"),
    ("skew_tent(aL, -5/2, 1)", "aL", lambda v: (v, fmpq(-5, 2)), (fmpq(1, 4), 3), "2/3"),
    ("1 + 9/4*Min(x, 0) - r*Max(x, 0)", "r", lambda v: (fmpq(9, 4), -v), (1, 2), "13/9"),
])
def test_lines_agree_with_one_parameter_onsets(spec, param, line, rng, onset):
    """On lines aR = c and aL = c the cells' classes switch where `certify threshold` puts the onset."""
    _, words, _ = skew()
    cert = certify_onset(parse_family(spec, param), 3, (fmpq(rng[0]), fmpq(rng[1])), digits=8)
    assert check(cert).ok
    assert cert["verdict"] == "proved" and cert["exact"] == onset
    lo, hi = interval_parse(cert["onset"])
    if lo == hi:  # a rational onset with the cycle proved on it: look just beside it
        lo, hi = lo - fmpq(1, 10 ** 8), hi + fmpq(1, 10 ** 8)
    assert at(words, *line(lo)) == "N" and at(words, *line(hi)) == "P"


def test_plrnn_line_onset_is_the_boundary_root():
    """plrnn1d(a, w, 1) on the line w = -4: the boundary a^2 + a w + a + 1 gives a^2 - 3a + 1, the onset
    (3 - sqrt 5)/2 that `certify threshold plrnn1d(a, -4, 1)` proves."""
    fam2 = parse_family2("plrnn1d(a, w, 1)", "a", "w")
    cert = certify_phase(fam2, ((fmpq(0), fmpq(2)), (fmpq(-5), fmpq(-3))), grid=4, depth=3)
    a, w = sympy.symbols("a w")
    near = [sympy.sympify(cert["evidence"][0]["boundary"][k]) for k in cert["boundary_near"]]
    assert any(sympy.rem(sympy.expand(g.subs(w, -4)), a ** 2 - 3 * a + 1, a) == 0 and g.has(w) for g in near)
    one = certify_onset(parse_family("plrnn1d(a, -4, 1)", "a"), 3, (fmpq(0), fmpq(2)), digits=8)
    assert one["minpoly"] == "a**2 - 3*a + 1"
    words = period3_words(pl_family2(fam2.canonical))
    lo, hi = interval_parse(one["onset"])
    assert at(words, lo, fmpq(-4)) == "N" and at(words, hi, fmpq(-4)) == "P"


@settings(max_examples=20, deadline=None)
@given(st.integers(-12, 12), st.integers(-12, 12))
def test_point_classes_agree_with_certify_period(i, j):
    """At a parameter point the phase class 'P' / 'N' is the verdict of `certify period 3` on the map."""
    _, words, _ = skew()
    x, y = fmpq(i, 4), fmpq(j, 4)
    cls = at(words, x, y)
    if cls == "U":
        return
    c = certify_period(parse_map(f"skew_tent(aL={q_str(x)}, aR={q_str(y)}, mu=1)"), 3)
    assert c["verdict"] in ({"P": "proved", "N": "refuted"}[cls], "undecided")  # undecided: e.g. slopes -1, -1


def test_robust_chaos_region_is_banerjee_yorke_grebogi():
    """The chaos cells satisfy aL > 1 and -aL/(aL - 1) < aR < -1 (the normal form's robust-chaos region)."""
    _, _, chaos = skew()
    assert [poly_str(g) for g in chaos[0]] == ["aL - 1", "-aR - 1", "1", "aL*aR + aL - aR"]
    assert cell_chaos(chaos, ((fmpq(3, 2), fmpq(2)), (fmpq(-3, 2), fmpq(-5, 4)))) == "C"
    assert cell_chaos(chaos, ((fmpq(3, 2), fmpq(2)), (fmpq(-5), fmpq(-4)))) == "-"
    assert cell_chaos(chaos, ((fmpq(1, 2), fmpq(2)), (fmpq(-2), fmpq(-3, 2)))) == "?"


def test_fixed_point_on_the_break_does_not_block_a_cell():
    """plrnn1d(a, -3, h) at h = 0 is homogeneous (its fixed point sits on the break): cells across h = 0
    are proved free of period 3 by the fixed-point factor of x_1 - x_0."""
    fam = pl_family2(parse_family2("plrnn1d(a, -3, h)", "a", "h").canonical)
    words = period3_words(fam)
    assert cell_period3(words, ((fmpq(1, 4), fmpq(1, 2)), (fmpq(-1, 8), fmpq(1, 8)))) == "N"


@pytest.fixture(scope="module")
def small_cert():
    return certify_phase(parse_family2("skew_tent(aL, aR, 1)", "aL", "aR"),
                         ((fmpq(0), fmpq(3)), (fmpq(-3), fmpq(0))), grid=4, depth=2)


def test_phase_certificate_checks_and_areas_sum_to_one(small_cert):
    """A phase certificate passes the kernel; the P, N, U fractions are exact and sum to 1."""
    assert small_cert["verdict"] == "proved" and check(small_cert).ok
    a = {k: fmpq(*map(int, (v + "/1").split("/")[:2])) for k, v in small_cert["areas"].items()}
    assert a["P"] + a["N"] + a["U"] == 1 and a["P"] > 0 and a["N"] > 0 and a["C"] > 0


def _first(cert, cls):
    return next(c for c in cert["evidence"][2]["cells"] if c[3] == cls)


def _tampers(cert):
    def none_to_proved(c):
        _first(c, "N")[3] = "P"

    def proved_to_none(c):
        _first(c, "P")[3] = "N"

    def chaos_added(c):
        next(x for x in c["evidence"][2]["cells"] if x[3] == "N")[3] = "NC"

    def wrong_boundary(c):
        c["evidence"][0]["boundary"][0] = "aL**2*aR - 2"

    def wrong_condition(c):
        c["evidence"][0]["words"][0]["P"][0] = "-aL*aR - aR + 1"

    def cell_dropped(c):
        c["evidence"][2]["cells"].pop()

    def cell_overlaps(c):
        lv, i, j, _ = c["evidence"][2]["cells"][0]
        c["evidence"][2]["cells"].append([lv + 1, 2 * i, 2 * j, "U"])

    def area_changed(c):
        c["areas"]["P"] = "1/2"

    def boundary_hidden(c):
        c["boundary_near"] = []

    return [none_to_proved, proved_to_none, chaos_added, wrong_boundary, wrong_condition, cell_dropped,
            cell_overlaps, area_changed, boundary_hidden]


@pytest.mark.parametrize("k", range(9))
def test_tampered_phase_certificate_is_rejected(small_cert, k):
    """Each mutation (a 'none' cell claimed 'proved', a wrong boundary polynomial, a gap in the tiling, ...)
    makes the kernel reject the certificate."""
    bad = copy.deepcopy(small_cert)
    _tampers(bad)[k](bad)
    res = check(json.loads(json.dumps(bad)))
    assert not res.ok, res.message


@pytest.mark.parametrize("spec, x, y, rng, msg", [
    ("skew_tent(aL, aR, 1)", "aL", "b", "0,1,0,1", "the free parameters are aL and b"),
    ("aL*relu(x) + 1", "aL", "b", "0,1,0,1", "does not appear"),
    ("skew_tent(aL, aR, 1)", "aL", "aR", "1,1,0,1", "X0 < X1"),
    ("relu(x - a) + b", "a", "b", "0,1,0,1", "breakpoints"),
    ("a*x^2 + b", "a", "b", "0,1,0,1", "piecewise linear"),
    ("skew_tent(aL, aR, 1)", "aL", "aL", "0,1,0,1", "two different"),
    ("skew_tent(aL, aR, 1)", "aL", "aR", "0,1,0", "four numbers"),
])
def test_bad_phase_input_is_one_line_exit_2(spec, x, y, rng, msg, capsys):
    """Unknown names, empty ranges and families whose breakpoints move are refused with exit code 2."""
    assert main(["phase", spec, "--x", x, "--y", y, "--range", rng]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and msg in err


def test_phase_cli_writes_figure_and_certificate(tmp_path, capsys):
    """`certify phase` prints the boundary curve, writes the diagram (PNG) and a certificate `certify check` accepts."""
    png, cj = tmp_path / "phase.png", tmp_path / "cert.json"
    assert main(["phase", "skew_tent(aL, aR, 1)", "--x", "aL", "--y", "aR", "--range=0,3,-3,0", "--grid", "4",
                 "--depth", "2", "--out", str(png), "--cert", str(cj)]) == 0
    out = capsys.readouterr().out
    assert "aL*aR + aL + 1 = 0" in out and "period 3 proved" in out
    assert png.read_bytes().startswith(b"\x89PNG")
    assert main(["check", str(cj)]) == 0
    with pytest.raises(CertifyError):
        parse_family2("weights.json", "a", "b")


# ----------------------------------------------------------------------------- the kernel's statement and bindings

CERTS = pathlib.Path(__file__).resolve().parent / "certificates"


def _load(name):
    return json.loads((CERTS / name).read_text())


def _renamed(cert, old, new):
    """The certificate with the parameter `old` renamed `new` in the claim and the canonical family."""
    c = copy.deepcopy(cert)
    c["claim"]["params"] = [new if p == old else p for p in c["claim"]["params"]]
    canon = c["map"]["canonical"]
    canon["params"] = list(c["claim"]["params"])
    canon["expr"] = re.sub(rf"\b{old}\b", new, canon["expr"])
    return c


def test_statement_gives_exact_area_fractions_and_the_boundary_curves():
    """skew_tent on [-3, 3]^2, grid 4, depth 1: period 3 on 1/32 of the area, none on 21/32, undecided 5/16;
    the boundary of the period-3 region lies on aL aR + aL + 1 = 0 and three other factors."""
    res = check(_load("phase.json"))
    assert res.ok, res.message
    lines = res.statement.splitlines()
    assert lines[0].startswith("in the rectangle aL ∈ [-3, 3], aR ∈ [-3, 3] (cells of a 4 x 4 grid split down to depth 1)")
    assert lines[1] == "a point of minimal period 3 for every parameter on 1/32, for no parameter on 21/32, undecided on 5/16"
    assert "aL*aR + aL + 1 = 0" in lines[3] and "aR**2 + aR + 1" not in lines[3]


def test_robust_chaos_cells_are_in_the_statement():
    """On [3/2, 5/2] x [-3/2, -5/4] the Banerjee-Yorke-Grebogi conditions hold throughout: robust chaos on 1."""
    res = check(_load("phase_chaos.json"))
    assert res.ok and "robust chaos" in res.statement and "for every parameter on 1" in res.statement


def test_parameter_named_x_is_refused():
    """A forgery that passed: params [x, c] make x^2 + c a 'constant map of (x, c)' with no period 3 on
    c in [-2, -7/4], where x^2 + c has period 3; the kernel refuses a parameter named x."""
    cert = _load("phase_chaos.json")
    cert["map"] = {"given": "x^2 + c", "canonical": {"kind": "expr", "expr": "x**2 + c", "params": ["x", "c"]},
                   "class": "two-parameter piecewise-linear family"}
    cert["claim"].update(params=["x", "c"], range={"x": {"lo": "-1", "hi": "1"}, "y": {"lo": "-2", "hi": "-7/4"}},
                         grid=1, depth=0)
    cert["evidence"] = [{"fact": "itinerary_conditions", "pieces": {"breaks": [], "slopes": ["0"], "icepts": ["c + x**2"]},
                         "words": [], "boundary": []}, {"fact": "chaos_conditions", "cases": None},
                        {"fact": "phase_cells", "cells": [[0, 0, 0, "N"]]}]
    cert.update(areas={"P": "0", "N": "1", "U": "0", "C": "0"}, boundary_near=[])
    res = check(cert)
    assert not res.ok and "'x' cannot name a parameter" in res.message


@pytest.mark.parametrize("name", ["x", "pi", "E", "Max", "relu", "tanh", "Integer", "lambda", "aR"])
def test_reserved_or_repeated_parameter_names_are_refused(name):
    """Parameter names are plain, distinct, and neither x nor a function, constant or keyword name."""
    res = check(_renamed(_load("phase_chaos.json"), "aL", name))
    assert not res.ok and ("cannot name" in res.message or "different names" in res.message), res.message


def test_claim_parameters_must_be_the_familys():
    """The claim's parameter order is the family's: swapping the axes of the claim alone is refused."""
    cert = _load("phase_chaos.json")
    cert["claim"]["params"] = ["aR", "aL"]
    assert "differ from the family's" in check(cert).message


@pytest.mark.parametrize("how", ["pieces", "name", "a", "depth", "near extra", "near dropped", "P to U",
                                 "undecided with facts", "refuted", "dimension", "p string"])
def test_displayed_fields_are_bound(how):
    """Fields the report shows (affine pieces, itinerary names, side-condition slopes, depth, boundary curves,
    classes) must be the kernel's; 'refuted' and an undecided diagram with facts mean nothing."""
    c = _load("phase.json")
    words = c["evidence"][0]["words"]
    if how == "pieces":
        c["evidence"][0]["pieces"]["slopes"] = ["2*aL", "aR"]
    elif how == "name":
        words[0]["name"] = "LRR"
    elif how == "a":
        words[0]["a"][0] = "7"
    elif how == "depth":
        c["claim"]["depth"] = 16
    elif how == "near extra":
        c["boundary_near"] = [0, 1, 2, 3, 4]
    elif how == "near dropped":
        del c["boundary_near"]
    elif how == "P to U":
        cell = next(x for x in c["evidence"][2]["cells"] if x[3] == "P")
        cell[3] = "U"
        c["areas"].update(P="1/64", U="21/64")
    elif how == "undecided with facts":
        c["verdict"] = "undecided"
    elif how == "refuted":
        c["verdict"] = "refuted"
    elif how == "dimension":
        c["map"]["dimension"] = 2
    elif how == "p string":
        c["claim"]["p"] = "3"
    assert not check(c).ok


def test_undecided_phase_certificate_carries_nothing():
    """A rectangle on the corner of the period-3 and chaos boundaries: no cell decided, no facts, no areas."""
    cert = _load("phase_undecided.json")
    assert cert["verdict"] == "undecided" and cert["evidence"] == [] and "areas" not in cert
    res = check(cert)
    assert res.ok and res.statement.startswith("undecided: nothing is claimed about period 3")
    cert["areas"] = {"P": "1", "N": "0", "U": "0", "C": "1"}
    assert not check(cert).ok


def test_depth_is_the_finest_level_used():
    """Cells all decided at level 0 give depth 0 whatever --depth allowed: the claim states what was done."""
    cert = certify_phase(parse_family2("skew_tent(aL, aR, 1)", "aL", "aR"),
                         ((fmpq(-1, 2), fmpq(1, 2)), (fmpq(-1, 2), fmpq(1, 2))), grid=2, depth=5)
    assert cert["claim"]["depth"] == 0 and check(cert).ok


def _quick(cert):
    """check() refuses the certificate in one line; callers match the message naming the limit hit
    (refused before the work; no test reads the clock)."""
    res = check(cert)
    assert not res.ok and "\n" not in res.message
    return res.message


@pytest.mark.parametrize("expr, msg", [
    ("(aL + aR)**5*Max(0, x) + 1", "degree"),
    ("aL**123456789*Max(0, x) + aR", "small literal exponents"),
    ("aL*Max(0, x - aR) + 1", "outside max"),
    ("aL*x**2 + aR", "piecewise linear"),
    ("aL*Max(0, x) + aR*(" * 60 + "x" + ")" * 60, "nested"),
    ("aL*x + aR*(Max(0, x) + " + " + ".join(f"Max(0, x - {k})" for k in range(9, 0, -1)) + ")", "pieces"),
])
def test_hostile_families_fail_fast_on_one_line(expr, msg):
    """Families beyond the kernel's bounds (degree, exponent, moving breaks, pieces, nesting) are refused
    before any expansion, in one line."""
    cert = _load("phase_chaos.json")
    cert["map"]["canonical"]["expr"] = expr
    assert msg in _quick(cert)


@pytest.mark.parametrize("field, value, msg", [
    (("claim", "grid"), 2048, "grid"), (("claim", "depth"), 17, "depth"), (("claim", "grid"), True, "grid"),
    (("claim", "range"), {"x": {"lo": "1", "hi": "1"}, "y": {"lo": "0", "hi": "1"}}, "empty"),
    (("evidence", 2, "cells"), [[0, 0, 0, "N"]] * 60_000, "cells"),
    (("evidence", 2, "cells"), [[0, 0, 0, "N", 1]], "class"),
    (("evidence", 2, "cells"), [[0, 5, 0, "N"]], "column"),
    (("evidence", 0, "words", 0, "D"), "aL" + " + aL" * 5000, "longer"),
    (("evidence", 0, "words", 0, "D"), "2**99999999", "small literal exponents"),
])
def test_hostile_fields_fail_fast_on_one_line(field, value, msg):
    """Grid, depth, cell lists and polynomial texts beyond the kernel's bounds are refused before the work."""
    cert = _load("phase_chaos.json")
    node = cert
    for k in field[:-1]:
        node = node[k]
    node[field[-1]] = value
    assert msg in _quick(cert)


@pytest.mark.parametrize("fixture", [pytest.param("phase_chaos.json", marks=pytest.mark.slow), "phase_undecided.json"])
def test_every_shallow_field_replaced_by_junk_fails_on_one_line(fixture):
    """Any field of a phase certificate (down to the facts' fields) replaced by junk (None, bools, huge
    numbers, bad strings, empty or nested containers) gives a one-line failure, never an exception."""
    junk_sweep(_load(fixture), 3)


@pytest.mark.slow
def test_every_field_replaced_by_junk_fails_on_one_line():
    """The same for every field, down to single polynomials and cell entries."""
    junk_sweep(_load("phase_chaos.json"), 99)


def test_certifier_stops_refining_at_the_kernels_cell_limit(monkeypatch):
    """With the sign-test budget cut to 60 cells' worth, refinement stops at the limit, a note says so,
    the depth is the finest level reached, and the kernel (same budget) accepts the certificate; a grid
    beyond the limit is refused up front."""
    import certify.checker.phase as kernel
    import certify.thresholds.phase as certifier
    fam = parse_family2("skew_tent(aL, aR, 1)", "aL", "aR")
    pl = pl_family2(fam.canonical)
    words = period3_words(pl)
    per_cell = kernel.sign_tests_per_cell(words, chaos_conditions(pl), kernel.boundary_factors(words))
    monkeypatch.setattr(kernel, "MAX_SIGN_TESTS", 60 * per_cell)
    monkeypatch.setattr(certifier, "MAX_SIGN_TESTS", 60 * per_cell)
    cert = certify_phase(fam, ((fmpq(-3), fmpq(3)), (fmpq(-3), fmpq(3))), grid=4, depth=6)
    cells = cert["evidence"][2]["cells"]
    assert len(cells) <= 60 and "limit of 60 cells" in cert["note"] and check(cert).ok
    assert cert["claim"]["depth"] == max(c[0] for c in cells)
    with pytest.raises(CertifyError, match="more than the checker accepts"):
        certify_phase(fam, ((fmpq(-3), fmpq(3)), (fmpq(-3), fmpq(3))), grid=8, depth=0)
