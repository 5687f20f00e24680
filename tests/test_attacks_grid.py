"""Adversarial review of the per-coordinate grids of checker/hsets.py (commit 7768d78: a covering fact's grid may be
a list of n box counts; grid_counts, grid_boxes, _cells, covers and the box count of horseshoe): the boxes the kernel
evaluates tile the cube and every exit face whatever the counts, the budget counts exactly those boxes before any is
evaluated, violations confined to the first or last piece of a split are caught on every grid, and real
certificates (Hénon, the committed RNN and PLRNN horseshoes) tampered with list grids are rejected; seeded random
maps on random list grids never have an accepted covering with an exact violating sample. No attack on soundness or
on the work bounds got through; the two tests at the end are strictness gaps it found, since fixed (a malformed grid's
message now names its fact; check() on a dict refuses the float degree 1.0); neither was a false statement."""

from __future__ import annotations

import copy
import json
import math
from fractions import Fraction

import mpmath
import pytest
from flint import arb, fmpq

from certify.checker import check
from certify.checker import hsets as H
from certify.certificates import SCHEMA, read
from tests.test_attacks import ROOT
from tests.test_hsets import _sample_violation

# ----------------------------------------------------------------------------- helpers


def _cube(n: int) -> dict:
    """The h-set [-1, 1]^n (centre 0, M = I)."""
    return {"c": ["0"] * n, "M": [["1" if i == j else "0" for j in range(n)] for i in range(n)]}


def _affine(rows, const=None) -> H.PolyMap:
    """The polynomial map t -> R t + const (R a list of rows of Fractions): on the unit cube it is its own g."""
    n = len(rows)
    const = const or [0] * n
    f = []
    for i, r in enumerate(rows):
        terms = [[str(Fraction(a)), [1 if k == j else 0 for k in range(n)]] for j, a in enumerate(r) if a != 0]
        if const[i]:
            terms.append([str(Fraction(const[i])), [0] * n])
        f.append(terms)
    return H.parse_map({"kind": "polymap", "vars": [f"x{i}" for i in range(n)], "f": f})


def _g(rows, const, t):
    """The affine map's exact value at a point (Fraction oracle)."""
    return [sum((Fraction(a) * x for a, x in zip(r, t)), Fraction(0)) + Fraction(const[i] if const else 0)
            for i, r in enumerate(rows)]


def _cert(canon, sets, covers, u=1, iterate=1, cls="polynomial", entropy=None):
    head = {"fact": "hsets", "sets": sets, **({"unstable": u} if u > 1 else {})}
    return {"schema": SCHEMA, "map": {"canonical": canon, "class": cls},
            "claim": {"kind": "horseshoe", "iterate": iterate}, "verdict": "proved", "precision": 64,
            "evidence": [head, *covers],
            "entropy": entropy or {"weights": [1] * len(sets), "rho_lower": "1", "lower": "1/2"}}


def _proof(name: str) -> dict:
    return read(str(ROOT / "proofs" / name))


@pytest.fixture(scope="module")
def henon_cert():
    """The finder's Hénon horseshoe (periodic orbits up to period 8; 21 h-sets, 31 coverings under f^2, grid 1)."""
    from certify.horseshoes import horseshoe_certificate
    from certify.maps.polymap import parse_polymap_spec
    return horseshoe_certificate(parse_polymap_spec("henon(a=1.4, b=0.3)"), max_period=8, method="orbits")


class _Evaluated(Exception):
    """Raised by a stub of hsets._image: a box was evaluated (the kernel's except clauses do not catch it)."""


def _no_box(monkeypatch):
    def stub(*args, **kwargs):
        raise _Evaluated("a covering box was evaluated before the budget refused the certificate")
    monkeypatch.setattr(H, "_image", stub)


# ----------------------------------------------------------------------------- the boxes evaluated

def _tiles(boxes, ks) -> bool:
    """The boxes (tuples of exact (lo, hi)) are exactly the product of a split of [-1, 1] into ks[j] consecutive
    intervals along each coordinate j: so they tile the cube (no piece missed, none twice)."""
    if len(set(boxes)) != len(boxes) or len(boxes) != math.prod(ks):
        return False
    for j, k in enumerate(ks):
        proj = sorted({b[j] for b in boxes})
        if len(proj) != k or proj[0][0] != -1 or proj[-1][1] != 1:
            return False
        if any(lo >= hi for lo, hi in proj) or any(a[1] != b[0] for a, b in zip(proj, proj[1:])):
            return False
    return True


GRIDS_U = [([1, 1], 1), ([256, 1], 1), ([1, 256], 1), ([3, 7], 2), ([2, 3, 5], 1), ([2, 3, 5], 2), ([2, 3, 5], 3),
           ([1, 1, 1, 1], 4), ([5, 1, 1, 3], 2), (4, 2), (3, 1)]


@pytest.mark.parametrize("grid,u", GRIDS_U)
def test_covers_evaluates_exactly_the_counted_boxes_and_they_tile_cube_and_faces(monkeypatch, grid, u):
    """covers: the cube boxes tile [-1, 1]^n, the boxes of each exit face t_i = +-1 (i < u) tile that face, and
    their number is grid_boxes, the count the budget charges (no face piece missed, none uncounted)."""
    n = len(grid) if isinstance(grid, list) else 3
    ks = H.grid_counts(grid, n)
    seen = []

    def image(f, N1, N2, T, steps=1):
        seen.append(tuple(T))  # a passing image: unstable face coordinates far out, everything else 0
        return [arb(5 * T[j][0]) if j < u and T[j][0] == T[j][1] else arb(0) for j in range(n)]

    monkeypatch.setattr(H, "_image", image)
    N = H.parse_hset(_cube(n), n)
    assert H.covers(None, N, N, 1 if u == 1 else [1] * u, grid, 1, u) is None
    assert len(seen) == H.grid_boxes(ks, u)
    cube = [T for T in seen if all(lo != hi for lo, hi in T)]
    assert _tiles(cube, ks)
    for i in range(u):
        for side in (-1, 1):
            face = [T[:i] + T[i + 1:] for T in seen if T[i] == (side, side)]
            assert _tiles(face, ks[:i] + ks[i + 1:])
    assert len(seen) == len(cube) + sum(math.prod(ks) // ks[i] * 2 for i in range(u))


# ----------------------------------------------------------------------------- violations in one corner piece

LIST_GRIDS_2 = [1, 2, [1, 1], [1, 256], [256, 1], [7, 13], [13, 7], [2, 255], [31, 33]]


@pytest.mark.parametrize("s", [1, -1])
@pytest.mark.parametrize("grid", LIST_GRIDS_2)
def test_stable_violation_in_the_corner_box_is_caught(grid, s):
    """(a) fails only near the corner t = (s, s) (g_1 = (t_0 + t_1) / 2 + s / 2000 reaches 1 + 1/2000 there,
    Fraction oracle): rejected on every grid, first or last piece; (t_0 + t_1) (1/2 - 1/4000) passes on every grid."""
    rows, const = [[3, 0], [Fraction(1, 2), Fraction(1, 2)]], [0, Fraction(s, 2000)]
    assert abs(_g(rows, const, [s, s])[1]) > 1
    N = H.parse_hset(_cube(2), 2)
    why = H.covers(_affine(rows, const), N, N, 1, grid)
    assert why is not None and "stable coordinate" in why
    ok_rows = [[3, 0], [Fraction(1999, 4000), Fraction(1999, 4000)]]
    assert H.covers(_affine(ok_rows), N, N, 1, grid) is None


@pytest.mark.parametrize("s", [1, -1])
@pytest.mark.parametrize("grid", LIST_GRIDS_2)
def test_face_violation_in_the_end_piece_of_the_face_split_is_caught(grid, s):
    """(b) fails only where s t_1 > 999/1000 on t_0 = -1 and s t_1 < -999/1000 on t_0 = +1 (g_0 = 3/2 t_0 +
    s 1001/2000 t_1, Fraction oracle at the corners): rejected on every grid; with 999/2000 accepted on every grid."""
    rows = [[Fraction(3, 2), s * Fraction(1001, 2000)], [0, Fraction(1, 2)]]
    assert _g(rows, None, [1, -s])[0] < 1 and _g(rows, None, [-1, s])[0] > -1
    N = H.parse_hset(_cube(2), 2)
    why = H.covers(_affine(rows), N, N, 1, grid)
    assert why is not None and "face t_0" in why
    ok_rows = [[Fraction(3, 2), s * Fraction(999, 2000)], [0, Fraction(1, 2)]]
    assert H.covers(_affine(ok_rows), N, N, 1, grid) is None


LIST_GRIDS_3 = [1, 3, [1, 1, 1], [256, 1, 1], [1, 1, 256], [1, 256, 1], [3, 5, 7], [7, 1, 64], [64, 2, 3]]


@pytest.mark.parametrize("s", [1, -1])
@pytest.mark.parametrize("grid", LIST_GRIDS_3)
def test_u2_face_violation_in_a_corner_of_the_second_face_is_caught(grid, s):
    """u = 2 in R^3: g_1 = 3/2 t_1 + s 1001/4000 (t_0 + t_2) misses the face t_1 = +1 only near (t_0, t_2) = (-s, -s)
    (Fraction oracle): rejected on every grid (that face split along t_0 and the stable t_2); 999/4000 accepted."""
    rows = [[3, 0, 0], [s * Fraction(1001, 4000), Fraction(3, 2), s * Fraction(1001, 4000)], [0, 0, Fraction(1, 2)]]
    assert _g(rows, None, [-s, 1, -s])[1] < 1
    N = H.parse_hset(_cube(3), 3)
    why = H.covers(_affine(rows), N, N, [1, 1], grid, 1, 2)
    assert why is not None and "face t_1" in why
    ok = [[3, 0, 0], [s * Fraction(999, 4000), Fraction(3, 2), s * Fraction(999, 4000)], [0, 0, Fraction(1, 2)]]
    assert H.covers(_affine(ok), N, N, [1, 1], grid, 1, 2) is None


@pytest.mark.parametrize("n", [2, 3])
@pytest.mark.parametrize("grid", [1, 4, "ones", "long0", "long1", "odd"])
def test_linear_end_map_exit_corner_mapped_inside_is_caught(n, grid):
    """Linear end map, u = 2: g = (3/2 t_0 + c t_1, c t_0 + 3/2 t_1) with c = 1001/2000 maps the exit corner (1, -1)
    into the open target (Fraction oracle), so no end map A can work: rejected for A = 2 I and A = Dg on every grid
    (n = 3: a stable t_2 / 2 split too); c = 999/2000 accepted with both."""
    ks = {"ones": [1] * n, "long0": [256] + [1] * (n - 1), "long1": [1, 256] + [1] * (n - 2),
          "odd": [3, 5, 7][:n]}.get(grid, grid)

    def rows(c):
        r = [[Fraction(3, 2), c], [c, Fraction(3, 2)]]
        return r if n == 2 else [r[0] + [0], r[1] + [0], [0, 0, Fraction(1, 2)]]

    bad, good = Fraction(1001, 2000), Fraction(999, 2000)
    assert max(abs(v) for v in _g(rows(bad), None, [1, -1] + [0] * (n - 2))[:2]) < 1
    N = H.parse_hset(_cube(n), n)
    for c, accept in ((bad, False), (good, True)):
        for A in ([[2, 0], [0, 2]], [[Fraction(3, 2), c], [c, Fraction(3, 2)]]):
            lin = [[fmpq(Fraction(a).numerator, Fraction(a).denominator) for a in r] for r in A]
            why = H.covers(_affine(rows(c)), N, N, None, ks, 1, 2, lin)
            assert (why is None) == accept, (c, A, why)


def test_linear_end_map_inside_the_cube_on_the_middle_of_a_face_is_caught():
    """A = diag(2, 1/2) takes the middle of the face t_1 = +1 to (0, 1/2), inside the cube: on (3 t_0, 3 t_1) the
    face t_1 = 1 split in 256 pieces along t_0 fails on the middle pieces, and on every coarser grid."""
    N = H.parse_hset(_cube(2), 2)
    lin = [[fmpq(2), fmpq(0)], [fmpq(0), fmpq(1, 2)]]
    for grid in (1, 2, [1, 1], [256, 1], [255, 1], [1, 256], [16, 16]):
        why = H.covers(_affine([[3, 0], [0, 3]]), N, N, None, grid, 1, 2, lin)
        assert why is not None and "face t_1" in why


# ----------------------------------------------------------------------------- malformed grids

BAD_GRIDS = [[], [1], [1, 1, 1], [0, 1], [1, 0], [-1, 1], [257, 1], [1, 2 ** 64 + 1], [True, 1], [1, True],
             [True, True], [1.0, 1], [1, 1.5], ["1", 1], [None, 1], [[1], 1], [{}, 1], [[1, 1]], {"0": 1}, "1,1",
             None, 1.0, True, False, 0, -3, 257, [1, 10 ** 5000], 10 ** 5000]


def _id(g) -> str:
    return "huge" if isinstance(g, int) and g > 10 ** 100 else "huge-list" if g == [1, 10 ** 5000] else repr(g)[:24]


@pytest.mark.parametrize("grid", BAD_GRIDS, ids=_id)
def test_henon_covering_with_a_malformed_grid_is_refused(henon_cert, grid):
    """Fact 1 of the Hénon certificate (a true covering) with a grid that is not one integer or 2 integers in
    1..256 (wrong length, zero, booleans, floats, strings, nested, huge) is refused, not crashed on."""
    c = copy.deepcopy(henon_cert)
    c["evidence"][1]["grid"] = grid
    r = check(c)
    assert not r.ok and ("grid" in r.message or "malformed" in r.message), r.message


def test_zero_count_would_make_the_cube_empty_and_is_refused(henon_cert):
    """A count 0 would leave no box (an empty product: (a) and (b) vacuous): grid_counts refuses it, and a false
    edge with grid [0, 1], [1, 0] or [0, 0] is refused on its grid."""
    from certify.checker.statement import Failure
    for ks in ([0, 1], [1, 0]):
        with pytest.raises(Failure, match="grid"):
            H.grid_counts(ks, 2)
    for grid in ([0, 1], [1, 0], [0, 0]):
        c = copy.deepcopy(henon_cert)
        c["evidence"].append({"fact": "covering", "from": 0, "to": 0, "degree": 1, "grid": grid})
        r = check(c)
        assert not r.ok and "grid" in r.message


# ----------------------------------------------------------------------------- real certificates

def test_henon_false_edges_are_sampled_violations(henon_cert):
    """Every pair of the Hénon certificate's 21 h-sets that is not an edge breaks the covering conditions at a point
    sampled in mpmath (40 digits) for both degrees: adding one is a false fact."""
    sets = [H.parse_hset(d, 2) for d in henon_cert["evidence"][0]["sets"]]
    f = H.parse_map(henon_cert["map"]["canonical"])
    edges = {(e["from"], e["to"]) for e in henon_cert["evidence"][1:]}
    for i, j in [(0, 0), (0, 1), (20, 20)]:
        assert (i, j) not in edges
        assert all(_sample_violation(f, sets[i], sets[j], d, steps=2) for d in (1, -1))


@pytest.mark.parametrize("grid", [[1, 1], [16, 1], [1, 16], [256, 1], [1, 256], [3, 5], [32, 32], 8])
@pytest.mark.parametrize("degree", [1, -1])
def test_henon_false_edge_with_a_list_grid_is_rejected(henon_cert, grid, degree):
    """Fact 32 claims 0 => 1 (a sampled violation) on a list grid: rejected, naming the covering."""
    c = copy.deepcopy(henon_cert)
    c["evidence"].append({"fact": "covering", "from": 0, "to": 1, "degree": degree, "grid": grid})
    r = check(c)
    assert not r.ok and "fact 32 (covering 0 => 1)" in r.message, r.message


def test_henon_complete_graph_on_list_grids_is_rejected(henon_cert):
    """The complete graph on the 21 Hénon h-sets (rho = 21, h_top >= log(21) / 2 > log 2, false for a quadratic
    Hénon map) with the 410 missing edges on grids [16, 1] and [1, 16]: rejected at the first false covering."""
    c = copy.deepcopy(henon_cert)
    edges = {(e["from"], e["to"]) for e in c["evidence"][1:]}
    extra = [(i, j) for i in range(21) for j in range(21) if (i, j) not in edges]
    c["evidence"] += [{"fact": "covering", "from": i, "to": j, "degree": 1, "grid": [16, 1] if q % 2 else [1, 16]}
                      for q, (i, j) in enumerate(extra)]
    c["entropy"] = {"weights": [1] * 21, "rho_lower": "21", "lower": "3/2"}
    r = check(c)
    assert not r.ok and "fact 32 (covering" in r.message, r.message


def test_henon_mixed_int_and_list_grids(henon_cert):
    """Facts alternating grid 1, [1, 1] and [2, 1] are accepted with the same statement; adding a false edge on
    [4, 4] among them is rejected."""
    c = copy.deepcopy(henon_cert)
    for q, fact in enumerate(c["evidence"][1:]):
        fact["grid"] = (1, [1, 1], [2, 1])[q % 3]
    r = check(c)
    assert r.ok and r.statement == check(henon_cert).statement
    c["evidence"].insert(5, {"fact": "covering", "from": 20, "to": 20, "degree": -1, "grid": [4, 4]})
    r = check(c)
    assert not r.ok and "covering 20 => 20" in r.message


def test_henon_pieces_and_grid_forms_do_not_mix(henon_cert):
    """A polynomial map's covering stated with pieces, or with both pieces and a list grid, is refused."""
    c = copy.deepcopy(henon_cert)
    del c["evidence"][1]["grid"]
    c["evidence"][1]["pieces"] = []
    assert not check(c).ok
    c = copy.deepcopy(henon_cert)
    c["evidence"][1]["pieces"] = []
    assert not check(c).ok


def _rnn_g(canon, N1, N2, t):
    """g(t) = M2^-1 (tanh(W (c1 + M1 t) + b) - c2) in mpmath (30 digits)."""
    W = [[mpmath.mpf(Fraction(v).numerator) / Fraction(v).denominator for v in r] for r in canon["W"]]
    b = [mpmath.mpf(Fraction(v).numerator) / Fraction(v).denominator for v in canon["b"]]
    q = lambda x: mpmath.mpf(int(x.p)) / int(x.q)  # noqa: E731
    n = N1.n
    p = [q(N1.c[i]) + sum(q(N1.M[i, j]) * t[j] for j in range(n)) for i in range(n)]
    y = [mpmath.tanh(sum(W[i][j] * p[j] for j in range(n)) + b[i]) for i in range(n)]
    return [sum(q(N2.Minv[i, j]) * (y[j] - q(N2.c[j])) for j in range(n)) for i in range(n)]


def test_rnn8_list_grids():
    """The committed nn.RNN(8) horseshoe: every grid g written [g] * 8 is accepted with the same statement; [1] * 7
    and [1] * 9 are refused; a false edge (the centre of N_0 maps outside N_1's stable range, mpmath) on [256, 1,
    ..., 1], [1] * 8 and [2] * 8 is rejected."""
    cert = _proof("rnn8_gain8_horseshoe.cert.json")
    base = check(cert)
    assert base.ok
    c = copy.deepcopy(cert)
    for fact in c["evidence"][1:]:
        fact["grid"] = [fact["grid"]] * 8
    r = check(c)
    assert r.ok and r.statement == base.statement
    for grid in ([1] * 7, [1] * 9):
        c = copy.deepcopy(cert)
        c["evidence"][1]["grid"] = grid
        r = check(c)
        assert not r.ok and "grid" in r.message
    edges = {(e["from"], e["to"]) for e in cert["evidence"][1:]}
    sets = [H.parse_hset(d, 8) for d in cert["evidence"][0]["sets"]]
    i, j = next((i, j) for i in range(len(sets)) for j in range(len(sets)) if (i, j) not in edges and
                max(abs(v) for v in _rnn_g(cert["map"]["canonical"], sets[i], sets[j], [0] * 8)[1:]) > 1)
    for grid in ([256] + [1] * 7, [1] * 8, [2] * 8):
        for d in (1, -1):
            c = copy.deepcopy(cert)
            c["evidence"].append({"fact": "covering", "from": i, "to": j, "degree": d, "grid": grid})
            r = check(c)
            assert not r.ok and f"covering {i} => {j}" in r.message, r.message


def test_plrnn_chaos_u2_linear_with_list_grids():
    """The committed PLRNN horseshoe (u = 2, linear end maps, under f^2): grids written [g, g] and [g, 2 g] are
    accepted with the same statement; [g, 0] is refused; a contracting end map diag(1/4, 1/4) on [64, 64] or [256, 1]
    is rejected."""
    cert = _proof("plrnn_chaos_horseshoe.cert.json")
    base = check(cert)
    assert base.ok
    for form in (lambda g: [g, g], lambda g: [g, 2 * g]):
        c = copy.deepcopy(cert)
        for fact in c["evidence"][1:]:
            fact["grid"] = form(fact["grid"])
        r = check(c)
        assert r.ok and r.statement == base.statement
    c = copy.deepcopy(cert)
    c["evidence"][3]["grid"] = [c["evidence"][3]["grid"], 0]
    assert not check(c).ok
    for grid in ([64, 64], [256, 1], [1, 256]):
        c = copy.deepcopy(cert)
        c["evidence"][1].update(linear=[["1/4", "0"], ["0", "1/4"]], grid=grid)
        r = check(c)
        assert not r.ok and "fact 1 (covering" in r.message, r.message


def test_lorenz_pieces_covering_cannot_become_a_grid_one():
    """The committed Lorenz PLRNN horseshoe (pieces coverings under f^64): a fact with a list grid beside its pieces,
    or its pieces replaced by a list grid, is refused (grids are for iterates k <= 8)."""
    cert = _proof("lorenz_plrnn_horseshoe.cert.json")
    assert check(cert).ok
    n = len(cert["evidence"][0]["sets"][0]["c"])
    c = copy.deepcopy(cert)
    c["evidence"][1]["grid"] = [1] * n
    assert not check(c).ok
    c = copy.deepcopy(cert)
    del c["evidence"][1]["pieces"]
    c["evidence"][1]["grid"] = [256] + [1] * (n - 1)
    r = check(c)
    assert not r.ok and "k <= 8" in r.message


TENT2 = {"kind": "plrnn", "A": ["3", "3"], "W": [["-6", "0"], ["0", "-6"]], "h": ["1", "1"]}


def _tent2(grid, flip=False):
    cs = [(-1, -1), (-1, 1), (1, -1), (1, 1)]
    sets = [{"c": [f"{a}/3", f"{b}/3"], "M": [["3/10", "0"], ["0", "3/10"]]} for a, b in cs]
    covs = [{"fact": "covering", "from": i, "to": j, "grid": grid,
             "degree": [(1 if cs[i][0] < 0 else -1) * (-1 if flip and (i, j) == (3, 3) else 1),
                        1 if cs[i][1] < 0 else -1]}
            for i in range(4) for j in range(4)]
    return _cert(TENT2, sets, covs, u=2, cls="piecewise-linear",
                 entropy={"minpoly": "x - 4", "rho": {"lo": "3999/1000", "hi": "4001/1000"}, "lower": "138/100"})


def test_tent2_u2_with_list_grids():
    """(1 - 3|x|, 1 - 3|y|), u = n = 2, sign end maps: the 4-shift is accepted on [1, 1], [2, 3] and [1, 64]; one
    wrong sign is rejected on [256, 1], [1, 256], [5, 7]; a count 0 is refused."""
    for grid in ([1, 1], [2, 3], [1, 64]):
        r = check(_tent2(grid))
        assert r.ok and "2 unstable directions" in r.statement
    for grid in ([256, 1], [1, 256], [5, 7]):
        r = check(_tent2(grid, flip=True))
        assert not r.ok and "covering 3 => 3" in r.message
    r = check(_tent2([1, 0]))
    assert not r.ok and "grid" in r.message


# ----------------------------------------------------------------------------- n = 64

def _relu_rnn(n, W, b):
    return {"kind": "rnn", "activation": "relu", "W": [[str(v) for v in r] for r in W], "b": [str(v) for v in b]}


def _corner_net(n, eps):
    """h -> relu(W h + 10): affine (W h + 10) on the h-set c = 0, M = I / 10, so in the coordinates of that set and
    of c = 10, M = I / 10 it is g(t) = W t with W = diag(3, 1/2, ..., 1/2) except row n - 1: (t_0 + t_(n-1)) / 2 + eps
    (relu's slope is exactly 1 there, the pre-activations being >= 10 - 3/10 - 1/10 > 0)."""
    W = [[Fraction(0)] * n for _ in range(n)]
    W[0][0] = Fraction(3)
    for i in range(1, n - 1):
        W[i][i] = Fraction(1, 2)
    W[n - 1][0] = W[n - 1][n - 1] = Fraction(1, 2)
    # t = 10 h (N1: c = 0, M = I / 10); g = 10 (relu(W h + 10) - 10) = W t + 10 eps e_(n-1) with b_(n-1) = 10 + eps / 10
    b = [Fraction(10)] * (n - 1) + [Fraction(10) + eps / 10]
    sets = [{"c": ["0"] * n, "M": [["1/10" if i == j else "0" for j in range(n)] for i in range(n)]},
            {"c": ["10"] * n, "M": [["1/10" if i == j else "0" for j in range(n)] for i in range(n)]}]
    return _relu_rnn(n, W, b), sets


def test_n64_stable_violation_in_the_last_corner_box_is_caught():
    """n = 64, u = 1: a ReLU RNN whose g has g_63 = (t_0 + t_63) / 2 + 1/2000 (1 + 1/2000 at t_0 = t_63 = 1, exact):
    rejected on [1] * 64 and on [2, 1, ..., 1, 2] (the violation in the last cube box); with eps = -1/2000 and the
    row (t_0 + t_63) (1/2 - 1/4000) it is accepted on [1] * 64."""
    n = 64
    canon, sets = _corner_net(n, Fraction(1, 2000))
    f = H.parse_map(canon)
    N1, N2 = H.parse_hset(sets[0], n), H.parse_hset(sets[1], n)
    for grid in ([1] * n, [2] + [1] * (n - 2) + [2]):
        why = H.covers(f, N1, N2, 1, grid)
        assert why is not None and "stable coordinate" in why
    canon["W"][n - 1][0] = canon["W"][n - 1][n - 1] = "1999/4000"
    canon["b"][n - 1] = "10"
    assert H.covers(H.parse_map(canon), N1, N2, 1, [1] * n) is None


# ----------------------------------------------------------------------------- the budget, before any box

def _plrnn64():
    n = 64
    return {"kind": "plrnn", "A": ["3"] + ["1/2"] * (n - 1), "W": [["0"] * n for _ in range(n)], "h": ["0"] * n}


@pytest.mark.parametrize("grid,u,what", [
    ([256] * 64, 1, "boxes"),                       # 2^512 boxes
    ([256] * 64, 64, "boxes"),
    ([256, 256, 256] + [1] * 61, 1, "boxes"),       # 16.8 million
    ([255, 255, 61] + [1] * 61, 1, "ball operations"),  # 3,997,635 boxes: under MAX_BOXES, over the work
    ([1] * 64, 64, "ball operations"),              # 129 boxes of a 64-dimensional map
    ([2] + [1] * 63, 1, None),                      # 4 boxes: within the limits, a one-fact certificate
])
def test_n64_list_grid_budget_before_work(monkeypatch, grid, u, what):
    """n = 64 PLRNN: list grids whose boxes (counted as big integers, never overflowing) exceed MAX_BOXES, or whose
    ball operations exceed MAX_COVER_WORK, are refused before any box is evaluated."""
    _no_box(monkeypatch)
    cov = {"fact": "covering", "from": 0, "to": 0, "degree": 1 if u == 1 else [1] * u, "grid": grid}
    cert = _cert(_plrnn64(), [_cube(64)], [cov], u=u, cls="piecewise-linear")
    if what is None:
        with pytest.raises(_Evaluated):
            check(cert)
        return
    r = check(cert)
    assert not r.ok and "beyond the checker's limit" in r.message and what in r.message, r.message


def test_henon_mixed_grids_summed_in_the_budget(henon_cert, monkeypatch):
    """The Hénon certificate with its 31 grids alternately 256 and [256, 256] under f^2: 31 x 2 x 66048 boxes,
    beyond MAX_BOXES, refused before any box (int and list grids counted alike)."""
    c = copy.deepcopy(henon_cert)
    for q, fact in enumerate(c["evidence"][1:]):
        fact["grid"] = 256 if q % 2 else [256, 256]
    assert 31 * 2 * H.grid_boxes([256, 256], 1) > H.MAX_BOXES
    _no_box(monkeypatch)
    r = check(c)
    assert not r.ok and "boxes" in r.message and "beyond the checker's limit" in r.message


def test_sixteen_variables_huge_list_grid_refused_before_work(monkeypatch):
    """A polynomial map of R^16 with grid [256] * 16 (2^128 boxes) is refused before any box."""
    n = 16
    canon = {"kind": "polymap", "vars": [f"x{i}" for i in range(n)],
             "f": [[["2", [1 if j == i else 0 for j in range(n)]]] for i in range(n)]}
    _no_box(monkeypatch)
    r = check(_cert(canon, [_cube(n)], [{"fact": "covering", "from": 0, "to": 0, "degree": 1, "grid": [256] * n}]))
    assert not r.ok and "boxes" in r.message


def test_grid_boxes_is_exact_for_huge_counts():
    """grid_boxes of [256] * 64 with u = 64 is 256^64 + 128 * 256^63 exactly (Python integers: no overflow)."""
    assert H.grid_boxes([256] * 64, 64) == 256 ** 64 + 128 * 256 ** 63
    assert H.grid_boxes(H.grid_counts(256, 64), 1) == 256 ** 64 + 2 * 256 ** 63


def test_json_round_trip_of_a_list_grid_certificate(henon_cert, tmp_path):
    """A list-grid certificate read from its file (the reader refuses floats and huge integers) checks like the dict."""
    from certify.certificates import read as read_cert
    c = copy.deepcopy(henon_cert)
    for fact in c["evidence"][1:]:
        fact["grid"] = [1, 2]
    path = tmp_path / "c.json"
    path.write_text(json.dumps(c))
    r = check(read_cert(str(path)))
    assert r.ok and r.statement == check(c).statement


# ----------------------------------------------------------------------------- random maps against a Fraction oracle

def _ev(poly, t) -> Fraction:
    s = Fraction(0)
    for e, c in poly:
        v = c
        for x, k in zip(t, e):
            v *= x ** k
        s += v
    return s


def _polymap(polys, names):
    return H.parse_map({"kind": "polymap", "vars": names,
                        "f": [[[str(c), list(e)] for e, c in p if c] or [["0", [0] * len(names)]] for p in polys]})


@pytest.mark.slow
def test_random_quadratic_coverings_on_list_grids_never_accept_a_sampled_violation():
    """u = 1 in the plane, 150 seeded random cubic maps near the covering's edge, sign end maps, random list grids
    (long in either coordinate): no covering the kernel accepts has an exact (Fraction) violating sample of (a) or (b)."""
    import random
    rnd = random.Random(11)
    N = H.parse_hset(_cube(2), 2)
    exps = [(0, 1), (2, 0), (0, 2), (1, 1), (0, 0), (3, 0), (2, 1)]

    def r(lo, hi, den=64):
        return Fraction(rnd.randint(int(lo * den), int(hi * den)), den)

    pts = [Fraction(i, 50) - 1 for i in range(101)]
    accepted = 0
    for _ in range(150):
        p0 = [((1, 0), r(1, 3))] + [(e, r(-0.6, 0.6)) for e in exps]
        p1 = [((0, 1), r(-0.6, 0.6)), ((1, 0), r(-0.5, 0.5)), ((2, 0), r(-0.5, 0.5)), ((0, 0), r(-0.3, 0.3)),
              ((1, 1), r(-0.3, 0.3))]
        deg = rnd.choice([1, -1])
        grid = rnd.choice([[rnd.randint(1, 64), rnd.randint(1, 4)], [rnd.randint(1, 4), rnd.randint(1, 64)],
                           [rnd.randint(1, 16), rnd.randint(1, 16)], rnd.randint(1, 8)])
        if H.covers(_polymap([p0, p1], ["x", "y"]), N, N, deg, grid) is not None:
            continue
        accepted += 1
        assert all(abs(_ev(p1, (a, b))) < 1 for a in pts[::2] for b in pts[::2]), (p0, p1, grid)
        assert all(_ev(p0, (s, b)) * s * deg > 1 for s in (-1, 1) for b in pts), (p0, p1, deg, grid)
    assert accepted >= 10


@pytest.mark.slow
def test_random_linear_end_map_coverings_on_list_grids_never_accept_a_sampled_violation():
    """u = 2 in R^3 (a stable t_2), 50 seeded random quadratic maps (half near a rotation) with random linear end
    maps A and list grids: at every sampled exit point of an accepted covering some coordinate r has g_r and (A t)_r
    beyond the same +-1, and the stable coordinate stays in (-1, 1) (exact Fraction oracle)."""
    import random
    rnd = random.Random(5)
    n = 3
    N = H.parse_hset(_cube(n), n)

    def r(lo, hi, den=32):
        return Fraction(rnd.randint(int(lo * den), int(hi * den)), den)

    e0, e1, e2 = (1, 0, 0), (0, 1, 0), (0, 0, 1)
    pts = [Fraction(i, 20) - 1 for i in range(41)]
    accepted = 0
    for _ in range(50):
        rot = rnd.random() < 0.5
        a, b = r(1, 2.5), r(-1.5, 1.5)
        p0 = [(e0, a), (e1, -b if rot else r(-0.5, 0.5)), ((2, 0, 0), r(-0.4, 0.4)), ((0, 1, 1), r(-0.3, 0.3)),
              (e2, r(-0.2, 0.2))]
        p1 = [(e1, a), (e0, b if rot else r(-0.5, 0.5)), ((1, 1, 0), r(-0.4, 0.4)), ((1, 0, 1), r(-0.3, 0.3))]
        p2 = [(e2, r(-0.5, 0.5)), (e0, r(-0.2, 0.2)), ((0, 2, 0), r(-0.2, 0.2))]
        A = [[a + r(-0.5, 0.5), (-b if rot else 0) + r(-0.3, 0.3)], [(b if rot else 0) + r(-0.3, 0.3), a + r(-0.5, 0.5)]]
        lin = [[fmpq(x.numerator, x.denominator) for x in row] for row in A]
        grid = rnd.choice([[rnd.randint(1, 32), rnd.randint(1, 4), rnd.randint(1, 4)], [rnd.randint(1, 4), rnd.randint(1, 32), 1],
                           [rnd.randint(1, 8), rnd.randint(1, 8), rnd.randint(1, 3)], rnd.randint(1, 4)])
        if H.covers(_polymap([p0, p1, p2], ["x", "y", "z"]), N, N, None, grid, 1, 2, lin) is not None:
            continue
        accepted += 1
        assert all(abs(_ev(p2, (x, y, z))) < 1 for x in pts[::5] for y in pts[::5] for z in pts[::5])
        for i in range(2):
            for s in (-1, 1):
                for x in pts:
                    for z in pts[::8]:
                        t = [s, x, z] if i == 0 else [x, s, z]
                        g = [_ev(p, t) for p in (p0, p1)]
                        at = [A[q][0] * t[0] + A[q][1] * t[1] for q in range(2)]
                        assert any((g[q] > 1 and at[q] > 1) or (g[q] < -1 and at[q] < -1) for q in range(2)), (t, A, grid)
    assert accepted >= 10


# ----------------------------------------------------------------------------- strictness gaps found by the review (fixed)

def test_malformed_grid_rejection_names_its_fact():
    """A malformed grid on fact 3 of the tent^2 certificate is refused with a message naming fact 3."""
    for grid in ([1, 0], [1], 0):
        c = _tent2([1, 1])
        c["evidence"][3]["grid"] = grid
        r = check(c)
        assert not r.ok and "fact 3" in r.message, r.message


def test_float_degree_refused_by_check():
    """A covering's degree is the JSON integer 1 or -1 (or a list of them): the float 1.0 is refused like a float grid."""
    c = _tent2([1, 1])
    c["evidence"][1]["degree"] = [float(w) for w in c["evidence"][1]["degree"]]
    assert not check(c).ok
