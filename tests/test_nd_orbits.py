"""Every orbit of minimal period p of the Hénon map, proved complete (checker/nd_orbits.py), against a float
Newton oracle, with tamper tests."""

import copy

import numpy as np
import pytest
from flint import fmpq

from certify.checker import check
from certify.checker import nd_orbits as N
from certify.checker.polymap import parse_polymap
from certify.checker.semantics import workprec
from certify.checker.statement import Failure
from certify.cli import main
from certify.errors import CertifyError
from certify.maps.polymap import parse_polymap_spec

HENON = "henon(a=1.4, b=0.3)"


def old_orbits(spec: str, p: int):
    """The closed-walk method (claim polymap_orbits) as a Result: `certify orbits` now uses the subdivision."""
    from certify.api import Result
    from certify.periodic.polymap_orbits import certify_polymap_orbits
    f = parse_polymap_spec(spec)
    return Result.of("orbits", certify_polymap_orbits(f, p), f)


def newton_orbits(p: int, a: float = 1.4, b: float = 0.3, starts: int = 60) -> int:
    """Float oracle: orbits of minimal period p of (1 - a x^2 + y, b x), by Newton on f^p(z) = z from a grid
    of starts in [-1.5, 1.5] x [-0.45, 0.45] (all starts at once, vectorised); each converged point's whole
    orbit is collected, deduplicated, and grouped by minimal period."""
    def f(x, y):
        return 1 - a * x ** 2 + y, b * x

    X, Y = np.meshgrid(np.linspace(-1.5, 1.5, starts), np.linspace(-0.45, 0.45, starts // 3))
    x, y = X.ravel(), Y.ravel()
    with np.errstate(all="ignore"):  # starts that escape overflow; they are dropped below
        for _ in range(60):
            u, v = x.copy(), y.copy()
            j11, j12, j21, j22 = np.ones_like(x), np.zeros_like(x), np.zeros_like(x), np.ones_like(x)
            for _ in range(p):  # J <- Df(u, v) J, (u, v) <- f(u, v)
                j11, j12, j21, j22 = -2 * a * u * j11 + j21, -2 * a * u * j12 + j22, b * j11, b * j12
                u, v = f(u, v)
            g1, g2 = u - x, v - y
            m11, m22 = j11 - 1, j22 - 1
            det = m11 * m22 - j12 * j21
            x, y = x - (m22 * g1 - j12 * g2) / det, y - (m11 * g2 - j21 * g1) / det
        u, v = x, y
        for _ in range(p):
            u, v = f(u, v)
        ok = np.isfinite(u) & (np.abs(x) < 10) & (np.abs(y) < 10) & (np.hypot(u - x, v - y) < 1e-10)
    points = []
    for z in zip(x[ok], y[ok]):
        for _ in range(p):  # the whole orbit: Newton may find only some of its points
            if not any(abs(z[0] - q[0]) < 1e-8 and abs(z[1] - q[1]) < 1e-8 for q in points):
                points.append(z)
            z = f(*z)
    minimal = 0
    for z in points:
        w, d = f(*z), 1
        while (abs(w[0] - z[0]) > 1e-8 or abs(w[1] - z[1]) > 1e-8) and d < p:
            w, d = f(*w), d + 1
        minimal += d == p
    assert minimal % p == 0
    return minimal // p


@pytest.fixture(scope="module")
def certs():
    """certify.orbits on the Hénon map for periods 1..5."""
    return {p: old_orbits(HENON, p) for p in range(1, 6)}


@pytest.mark.parametrize("p", [1, 2, 3, 4, 5])
def test_counts_match_float_newton_oracle(certs, p):
    """The certified number of orbits of minimal period p equals the float Newton search's count."""
    res = certs[p]
    assert res.proved
    assert res.certificate["count"] == newton_orbits(p)


def test_known_counts(certs):
    """Periods 1..5 of the Hénon map: 2 fixed points, 1, 0, 1, 0 orbits (the float oracle's counts)."""
    assert [certs[p].certificate["count"] for p in range(1, 6)] == [2, 1, 0, 1, 0]


def test_fixed_points_enclose_closed_form(certs):
    """The fixed points' enclosures (width < 1e-10) contain, to float accuracy, x = (-(1 - b) +- sqrt((1 - b)^2 + 4a)) / (2a)."""
    xs = sorted(((-0.7 + s * 6.09 ** 0.5) / 2.8) for s in (-1, 1))
    from fractions import Fraction
    boxes = [o["box"][0] for o in certs[1].certificate["orbits"]]
    assert len(boxes) == 2
    for x, iv in zip(xs, sorted(boxes, key=lambda iv: Fraction(iv["lo"]))):
        lo, hi = Fraction(iv["lo"]), Fraction(iv["hi"])
        assert float(lo) - 1e-12 <= x <= float(hi) + 1e-12 and hi - lo < Fraction(1, 10 ** 10)


def test_every_orbit_is_a_saddle(certs):
    """The Hénon map's orbits of period <= 5 are all saddles (one multiplier inside, one outside the unit circle)."""
    assert all(o["stability"] == "saddle" for p in certs for o in certs[p].certificate["orbits"])


def test_kernel_accepts_and_states_completeness(certs):
    """The kernel re-derives the cover and walks; its statement says 'exactly' and names the region lemma."""
    r = check(certs[4].certificate)
    assert r.ok, r.message
    assert "has exactly 1 orbit of minimal period 4" in r.statement and "region lemma" in r.statement


def test_cli_prints_count_and_orbits(capsys):
    """certify orbits on the Hénon map prints the count, the cover and each orbit."""
    assert main(["orbits", HENON, "--period", "2"]) == 0
    out = capsys.readouterr().out
    assert "PROVED: exactly 1 orbit of minimal period 2 (complete)" in out
    assert "orbit 1  z_0 in" in out and "saddle" in out


def _fails(cert, words: str):
    r = check(cert)
    assert not r.ok and words in r.message, r.message


def test_tamper_drop_orbit(certs):
    """Dropping an orbit from the list (and the count) is rejected: the kernel's walks find it."""
    c = copy.deepcopy(certs[1].certificate)
    c["orbits"].pop()
    c["count"] = 1
    _fails(c, "orbits: the kernel finds 2")


def test_tamper_wrong_count(certs):
    """A count other than the number of listed orbits is rejected."""
    c = copy.deepcopy(certs[2].certificate)
    c["count"] = 2
    _fails(c, "count must be 1")


def test_tamper_region_too_small(certs):
    """A region smaller than the lemma's square (R below the positive root of q) is rejected."""
    c = copy.deepcopy(certs[1].certificate)
    c["claim"]["region"][0] = {"lo": "-14/10", "hi": "14/10"}
    _fails(c, "x-range does not contain")
    c = copy.deepcopy(certs[1].certificate)
    c["claim"]["region"][1] = {"lo": "-2/7", "hi": "3/7"}
    _fails(c, "y-range does not contain")


def test_tamper_cover_cells_and_edges(certs):
    """Cell and edge counts other than the kernel's own cover (a box removed, an edge claimed absent) are rejected."""
    for key, delta in (("cells", -1), ("edges", -1), ("walks", 1)):
        c = copy.deepcopy(certs[4].certificate)
        c["evidence"][0][key] += delta
        _fails(c, f"exclusion_cover: {key} is")


def test_tamper_walk_and_stability(certs):
    """An orbit moved to another walk, or given another stability, is rejected."""
    c = copy.deepcopy(certs[2].certificate)
    c["orbits"][0]["walk"][0][0] += 1
    _fails(c, "the certificate's list differs")
    c = copy.deepcopy(certs[2].certificate)
    c["orbits"][0]["stability"] = "attracting"
    _fails(c, "the certificate's list differs")


def test_tamper_added_orbit_in_period_3(certs):
    """Claiming an orbit of period 3 (there is none) is rejected."""
    c = copy.deepcopy(certs[3].certificate)
    c["orbits"] = copy.deepcopy(certs[1].certificate["orbits"][:1])
    c["count"] = 1
    _fails(c, "orbits: the kernel finds 0")


def test_region_lemma_needs_positive_a():
    """The region lemma is refused for a <= 0 (no bound on periodic points) and for maps not of Hénon type."""
    for spec in ("henon(a=-1, b=0.3)", "(1 + x^2 + y, 0.3*x)"):
        with pytest.raises(Failure, match="a > 0"):
            N.henon_form(parse_polymap_spec(spec).kernel)
    with pytest.raises(Failure, match="Hénon type"):
        N.henon_form(parse_polymap_spec("(1 - x^2 + y^2, 0.3*x)").kernel)
    with pytest.raises(CertifyError, match="Hénon type"):
        old_orbits("(1 - x^2 + y^2, 0.3*x)", 1)


def test_region_radius_is_exact_root_for_henon():
    """For a = 7/5, b = 3/10 the lemma's radius is exactly 10/7 (q(10/7) = 0), and 10/7 - 1/1000 is refused."""
    m = parse_polymap_spec(HENON).kernel
    (xlo, xhi, ylo, yhi), R = N.region_square(m, [{"lo": "-10/7", "hi": "10/7"}, {"lo": "-3/7", "hi": "3/7"}])
    assert R == fmpq(10, 7)
    with pytest.raises(Failure):
        N.region_square(m, [{"lo": "-1427/1000", "hi": "1427/1000"}, {"lo": "-3/7", "hi": "3/7"}])


def test_primitive_least_rotation():
    """A walk is kept iff it is aperiodic and the least of its rotations."""
    assert N._primitive_least((1, 2, 3)) and not N._primitive_least((2, 3, 1))
    assert not N._primitive_least((1, 2, 1, 2)) and N._primitive_least((1, 1, 2))


def test_walks_of_a_small_graph():
    """The primitive closed walks of length 3 of the complete graph on {0, 1} are 001 and 011."""
    succ = {0: [0, 1], 1: [0, 1]}
    assert N.walks(succ, 3) == [(0, 0, 1), (0, 1, 1)]
    assert N.walks(succ, 2) == [(0, 1)]


def test_count_zeros_excludes_and_solves():
    """A box around a fixed point counts one zero; a box away from the fixed points counts none."""
    m = parse_polymap(parse_polymap_spec(HENON).canonical)
    q = fmpq
    with workprec(64):
        near = [(q(62, 100), q(64, 100), False), (q(18, 100), q(20, 100), False)]
        far = [(q(0), q(1, 10), False), (q(0), q(1, 10), False)]
        assert len(N.count_zeros(m, near, N._Work())) == 1
        assert N.count_zeros(m, far, N._Work()) == []


def test_undecided_when_caps_exceeded(monkeypatch):
    """When the kernel's test cap is reached the certifier answers undecided, naming the cap."""
    monkeypatch.setattr(N, "MAX_ND_TESTS", 3)
    res = old_orbits(HENON, 4)
    assert res.undecided and "Krawczyk tests" in res.certificate["reason"]


def test_undecided_certificate_claims_nothing(certs):
    """An undecided certificate with orbits or facts is rejected."""
    c = copy.deepcopy(certs[2].certificate)
    c["verdict"] = "undecided"
    _fails(c, "claims nothing")


@pytest.mark.slow
@pytest.mark.parametrize("p, count", [(6, 2), (7, 4)])
def test_periods_six_and_seven(p, count):
    """Periods 6 and 7: exactly 2 and 4 orbits (Galias 2001), matching the float oracle."""
    res = old_orbits(HENON, p)
    assert res.proved and res.certificate["count"] == count == newton_orbits(p)


def _doc_commands():
    """(argv, shown lines) for each `$ certify` line of docs/plane-orbits.md."""
    import os
    import re
    import shlex
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, "docs", "plane-orbits.md"), encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    out, cur, inside = [], None, False
    for line in lines:
        if re.match(r"^```", line):
            inside, cur = not inside, None
            continue
        if inside and line.startswith("$ certify "):
            cur = (shlex.split(line[len("$ certify "):]), [])
            out.append(cur)
        elif inside and cur is not None:
            cur[1].append(line)
    return out


@pytest.mark.slow
def test_docs_commands_print_what_the_page_shows(tmp_path, capsys, monkeypatch):
    """Every `$ certify` command of docs/plane-orbits.md prints exactly the lines shown under it."""
    monkeypatch.chdir(tmp_path)
    cmds = _doc_commands()
    assert len(cmds) == 5
    for argv, shown in cmds:
        main(argv)
        assert capsys.readouterr().out.splitlines() == shown, argv


def test_pair_cap_stops_the_graph(monkeypatch):
    """The kernel counts the (cell, image cell) pairs it looks up and stops at its cap with a Failure naming it."""
    monkeypatch.setattr(N, "MAX_ND_PAIRS", 1000)
    m = parse_polymap_spec(HENON).kernel
    with workprec(64):
        reg, _ = N.region_square(m, [{"lo": "-10/7", "hi": "10/7"}, {"lo": "-3/7", "hi": "3/7"}])
        with pytest.raises(Failure, match="pairs"):
            N.search(m, reg, [16, 5], 2, 1)


@pytest.mark.parametrize("p", [1, 2, 3, 4, 5])
def test_negative_b_matches_oracle(p):
    """henon(a=1.4, b=-0.3) (a rational fixed point (-10/7, 3/7) at the corner of the lemma's square: the
    certifier widens the region) has the float oracle's counts 2, 1, 2, 2, 2."""
    res = old_orbits("henon(a=1.4, b=-0.3)", p)
    assert res.proved and res.certificate["count"] == newton_orbits(p, b=-0.3, starts=90)


def test_conjugate_form_has_the_same_counts(certs):
    """(7/5 - x^2 + 3/10 y, x) is conjugate to henon(a=1.4, b=0.3) by (x, y) -> (a x, a y / b): same counts."""
    for p in (1, 2, 3, 4):
        res = old_orbits("(7/5 - x^2 + 3/10*y, x)", p)
        assert res.proved and res.certificate["count"] == certs[p].certificate["count"]
        assert res.certificate["claim"]["region"][0] == {"lo": "-2", "hi": "2"}


def test_attracting_fixed_point_of_small_a():
    """henon(a=0.2, b=0.3) has 2 fixed points: x = (-0.7 + sqrt(1.29)) / 0.4 attracting, the other a saddle."""
    res = old_orbits("henon(a=0.2, b=0.3)", 1)
    from fractions import Fraction
    st = {o["stability"]: Fraction(o["box"][0]["lo"]) for o in res.certificate["orbits"]}
    assert sorted(st) == ["attracting", "saddle"]
    assert float(st["attracting"]) == pytest.approx((-0.7 + 1.29 ** 0.5) / 0.4, abs=1e-9)
    assert float(st["saddle"]) == pytest.approx((-0.7 - 1.29 ** 0.5) / 0.4, abs=1e-9)


def test_tamper_grid_changes_the_cover(certs):
    """Another grid (a coarser start, fewer refinements) makes another cover: the stated cover no longer matches."""
    for grid in ({"start": [8, 3], "levels": 2}, {"start": [16, 5], "levels": 1}):
        c = copy.deepcopy(certs[2].certificate)
        c["claim"]["grid"] = grid
        _fails(c, "exclusion_cover:")


@pytest.mark.parametrize("a, b", [(1.2, 0.3), (1.3, 0.25), (1.4, 0.1)])
def test_other_parameters_match_oracle(a, b):
    """For other (a, b) the certified counts of periods 1..4 equal the float oracle's."""
    spec = f"henon(a={a}, b={b})"
    got = [old_orbits(spec, p).certificate.get("count") for p in (1, 2, 3, 4)]
    assert got == [newton_orbits(p, a=a, b=b) for p in (1, 2, 3, 4)]


def test_step_cap_stops_the_walk_enumeration(monkeypatch):
    """The kernel counts the partial walks it explores and stops at its cap with a Failure naming it."""
    monkeypatch.setattr(N, "MAX_ND_STEPS", 50)
    succ = {0: [0, 1], 1: [0, 1]}
    with pytest.raises(Failure, match="partial walks"):
        N.walks(succ, 8)
