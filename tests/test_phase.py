"""Phase diagrams of two-parameter PL families: exact itinerary conditions for period 3, certified
cells, robust chaos, agreement with the one-parameter onsets, the kernel and the CLI."""

import copy
import json

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
from certify.orbits.period import certify_period
from certify.thresholds import certify_onset
from certify.thresholds.phase import certify_phase

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


def test_phase_cli_writes_svg_and_certificate(tmp_path, capsys):
    """`certify phase` prints the boundary curve, writes an SVG and a certificate `certify check` accepts."""
    svg, cj = tmp_path / "phase.svg", tmp_path / "cert.json"
    assert main(["phase", "skew_tent(aL, aR, 1)", "--x", "aL", "--y", "aR", "--range=0,3,-3,0", "--grid", "4",
                 "--depth", "2", "--out", str(svg), "--cert", str(cj)]) == 0
    out = capsys.readouterr().out
    assert "aL*aR + aL + 1 = 0" in out and "period 3 proved" in out
    assert svg.read_text().startswith("<svg") and "url(#hatch)" in svg.read_text()
    assert main(["check", str(cj)]) == 0
    with pytest.raises(CertifyError):
        parse_family2("weights.json", "a", "b")
