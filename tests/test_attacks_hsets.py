"""Adversarial review of checker/hsets.py after its generalisation (network maps, u > 1 unstable directions,
linear end maps): the covering rule against end maps that are not expanding on the cube's boundary, maps of
zero entropy, and the work budgets (high precision with tanh, exact inverses of large matrices, the
disjointness sweep). Hangs run in a child process with a time limit and failed before their fix."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from flint import arb, fmpq, fmpq_mat

from certify.checker import check, hsets
from certify.checker.rnn import parse_rnn
from tests.test_attacks_merged import _check_in_subprocess


def _cert(canon, sets, covers, u=1, iterate=1, precision=64, cls="polynomial", entropy=None):
    m = len(sets)
    head = {"fact": "hsets", "sets": sets} if u == 1 else {"fact": "hsets", "sets": sets, "unstable": u}
    return {"schema": "certify/1", "map": {"canonical": canon, "class": cls},
            "claim": {"kind": "horseshoe", "iterate": iterate}, "verdict": "proved", "precision": precision,
            "evidence": [head, *covers],
            "entropy": entropy or {"weights": [1] * m, "rho_lower": "2", "lower": "1/2"}}


def _linear(a, b, c, d):
    """The polynomial map (a x + b y, c x + d y)."""
    rows = [[[str(v), e] for v, e in ((p, [1, 0]), (q, [0, 1])) if v != 0] for p, q in ((a, b), (c, d))]
    return {"kind": "polymap", "vars": ["x", "y"], "f": rows}


UNIT = {"c": ["0", "0"], "M": [["1", "0"], ["0", "1"]]}


def _unit_hset():
    return hsets.parse_hset(UNIT, 2)


def _oracle_exit_outside(A, k=400):
    """Fraction oracle: A maps every sampled point of the boundary of [-1, 1]^2 outside the closed square."""
    pts = [Fraction(2 * i, k) - 1 for i in range(k + 1)]
    bd = [(s, t) for s in (-1, 1) for t in pts] + [(t, s) for s in (-1, 1) for t in pts]
    return all(max(abs(A[0][0] * x + A[0][1] * y), abs(A[1][0] * x + A[1][1] * y)) > 1 for x, y in bd)


def test_linear_end_map_of_a_rotation_expansion_is_accepted():
    """(2x - 2y, 2x + 2y) (rotation by 45 degrees times 2 sqrt 2) covers the unit square with u = 2 and end map A = Df."""
    f = hsets.parse_map(_linear(2, -2, 2, 2))
    A = [[fmpq(2), fmpq(-2)], [fmpq(2), fmpq(2)]]
    assert _oracle_exit_outside([[2, -2], [2, 2]])
    assert hsets.covers(f, _unit_hset(), _unit_hset(), None, 4, 1, 2, A) is None


@pytest.mark.parametrize("A", [
    [["1/4", "-1/4"], ["1/4", "1/4"]],   # rotation by 45 degrees with |A| small: A(boundary) inside the square
    [["2", "2"], ["2", "2"]],            # singular
    [["3", "0"], ["0", "1/2"]],          # a contracting direction
    [["0", "0"], ["0", "0"]],
])
def test_linear_end_map_not_expanding_on_the_boundary_is_rejected(A):
    """An end map A with A(boundary of the cube) meeting the closed cube (singular, contracting, small rotation) is no ZG end map: refused."""
    Aq = [[Fraction(v) for v in r] for r in A]
    assert not _oracle_exit_outside(Aq)
    f = hsets.parse_map(_linear(2, -2, 2, 2))
    lin = [[fmpq(Fraction(v).numerator, Fraction(v).denominator) for v in r] for r in A]
    assert hsets.covers(f, _unit_hset(), _unit_hset(), None, 16, 1, 2, lin) is not None
    cert = _cert(_linear(2, -2, 2, 2), [UNIT], [{"fact": "covering", "from": 0, "to": 0, "linear": A, "grid": 16}], u=2)
    assert not check(cert).ok


@pytest.mark.parametrize("a", [(2, 0, 0, 2), (2, -2, 2, 2), (3, 0, 0, "1/3")])
@pytest.mark.parametrize("form", ["degree", "linear"])
def test_zero_entropy_linear_maps_get_no_horseshoe(a, form):
    """A linear map has one fixed point and no compact invariant set of positive entropy: two disjoint h-sets covering each other and themselves are refused (u = 2 and u = 1)."""
    canon, u = _linear(*a), 1 if a[3] == "1/3" else 2
    sets = [UNIT, {"c": ["4", "0"], "M": [["1", "0"], ["0", "1"]]}]
    if u == 1:
        end = {"degree": 1} if form == "degree" else {"linear": [["3"]]}
    else:
        end = {"degree": [1, 1]} if form == "degree" else {"linear": [[str(a[0]), str(a[1])], [str(a[2]), str(a[3])]]}
    covs = [{"fact": "covering", "from": i, "to": j, **end, "grid": 16} for i in range(2) for j in range(2)]
    cert = _cert(canon, sets, covs, u=u)
    r = check(cert)
    assert not r.ok and "covering" in r.message


def test_zero_entropy_network_map_gets_no_horseshoe():
    """The PLRNN z -> 2 z (W = 0) has one fixed point: the expanding squares at 0 and (4, 0) cannot cover each other both ways."""
    canon = {"kind": "plrnn", "A": ["2", "2"], "W": [["0", "0"], ["0", "0"]], "h": ["0", "0"]}
    sets = [UNIT, {"c": ["4", "0"], "M": [["1", "0"], ["0", "1"]]}]
    covs = [{"fact": "covering", "from": i, "to": j, "degree": [1, 1], "grid": 8} for i in range(2) for j in range(2)]
    r = check(_cert(canon, sets, covs, u=2, cls="piecewise-linear"))
    assert not r.ok and "covering" in r.message


def test_relu_kink_slopes_hull_contains_both_sides():
    """The slope enclosure of relu across its kink contains 0 and 1, hardtanh's across +-1 too, and every difference quotient (Fraction oracle)."""
    rnd = random.Random(3)
    for act in ("relu", "hardtanh"):
        f = hsets.NetMap("rnn", parse_rnn({"kind": "rnn", "activation": act, "W": [["3", "1"], ["-1", "2"]],
                                           "b": ["1/7", "-1"]}))
        X = [arb(0).union(arb(1)) - arb("0.5"), arb(0).union(arb(1))]
        J = f.jacobian(X)
        for _ in range(200):
            x = [Fraction(rnd.randint(-500, 500), 1000), Fraction(rnd.randint(0, 1000), 1000)]
            y = [Fraction(rnd.randint(-500, 500), 1000), Fraction(rnd.randint(0, 1000), 1000)]
            W, b = [[3, 1], [-1, 2]], [Fraction(1, 7), Fraction(-1)]
            act_f = (lambda v: max(v, 0)) if act == "relu" else (lambda v: max(-1, min(1, v)))
            for i in range(2):
                ux = W[i][0] * x[0] + W[i][1] * x[1] + b[i]
                uy = W[i][0] * y[0] + W[i][1] * y[1] + b[i]
                if ux == uy:
                    continue
                q = (act_f(uy) - act_f(ux)) / (uy - ux)
                for j in range(2):
                    val = q * W[i][j]
                    assert J[i][j].contains(arb(fmpq(val.numerator, val.denominator)))


# ----------------------------------------------------------------------------- work budgets (hangs before)

def test_attack_tanh_high_precision_cover_work_hang(tmp_path):
    """Hang: a 2-dimensional tanh RNN at 65536 bits with 20 coverings of grid 21 (u = 2: every box evaluated) fitted the old budget (linear in the precision) and took about 26 minutes (tanh of exact points at 65536 bits: 8.6 ms each)."""
    canon = {"kind": "rnn", "activation": "tanh", "W": [["3/7", "-11/13"], ["5/3", "2/11"]], "b": ["1/3", "1/4"]}
    sets = [{"c": [f"{q}/3", "1/9"], "M": [["1/3", "1/7"], ["1/7", "1/3"]]} for q in range(20)]
    covs = [{"fact": "covering", "from": q, "to": q, "degree": [1, 1], "grid": 21} for q in range(20)]
    cert = _cert(canon, sets, covs, u=2, precision=65536, cls="smooth")
    finished, ok, msg = _check_in_subprocess(tmp_path, cert, timeout=20)
    assert finished, msg
    assert not ok and "beyond the checker's limit" in msg


def test_attack_inverse_of_large_matrices_hang(tmp_path):
    """Hang: 11 h-sets in R^64 with 300-bit integer matrices (4 MB) fitted the old n^3 L^2 budget and took about 145 s to invert (13 s each: the entries grow to n L bits)."""
    rnd = random.Random(0)
    n = 64
    canon = {"kind": "plrnn", "A": ["1/2"] * n, "W": [["0"] * n for _ in range(n)], "h": ["0"] * n}
    sets = [{"c": ["0"] * n, "M": [[rnd.randint(-2 ** 299, 2 ** 299) for _ in range(n)] for _ in range(n)]}
            for _ in range(11)]
    finished, ok, msg = _check_in_subprocess(tmp_path, _cert(canon, sets, [], cls="piecewise-linear"), timeout=20)
    assert finished, msg
    assert not ok and "too large to invert" in msg


def test_inverse_work_bounds_the_growth_of_the_entries():
    """inverse_work counts the growth of the entries to n L bits: a 64 x 64 matrix of 300-bit integers is beyond the limit on its own."""
    rnd = random.Random(1)
    M = fmpq_mat(64, 64, [rnd.randint(-2 ** 299, 2 ** 299) for _ in range(64 * 64)])
    assert hsets.inverse_work(M) > hsets.MAX_INVERSE_WORK
    assert hsets.inverse_work(fmpq_mat(2, 2, [1, 0, 0, 1])) < 1000


@pytest.mark.slow
def test_attack_disjointness_slivers_interpreter_cost(tmp_path):
    """Hang: 4096 thin parallel parallelograms whose bounding boxes all overlap (each pair separated by a face) made the sweep run about 80 s before its work limit (18 units a pair, 22 us each; 1000 sets: 11 s)."""
    m, eps = 4096, "1/20000"
    sets = [{"c": [f"{3 * k}/20000", f"{-3 * k}/20000"], "M": [["1", eps], ["1", "-" + eps]]} for k in range(m)]
    finished, ok, msg = _check_in_subprocess(tmp_path, _cert(_linear(2, 0, 0, 2), sets, []), timeout=25)
    assert finished, msg
    assert not ok


# ----------------------------------------------------------------------------- the committed u = 2 certificate, by an oracle

def test_plrnn_chaos_horseshoe_by_an_independent_oracle():
    """proofs/plrnn_chaos_horseshoe.cert.json (u = 2, f^2): on sampled exit points (Fraction) the image is outside N_j with a coordinate beyond the same face as A's image, the winding number of g(boundary) about 0 is sign det A, and log rho(graph) / 2 >= 0.121109 (numpy)."""
    import json
    import math

    import numpy as np

    from tests.test_attacks import ROOT
    cert = json.load(open(ROOT / "proofs" / "plrnn_chaos_horseshoe.cert.json"))
    canon = cert["map"]["canonical"]
    A = [Fraction(a) for a in canon["A"]]
    W = [[Fraction(w) for w in r] for r in canon["W"]]
    h = [Fraction(v) for v in canon["h"]]

    def f(z):
        r = [max(v, Fraction(0)) for v in z]
        return [A[i] * z[i] + sum(W[i][j] * r[j] for j in range(2)) + h[i] for i in range(2)]

    sets = [([Fraction(v) for v in s["c"]], [[Fraction(v) for v in r] for r in s["M"]]) for s in cert["evidence"][0]["sets"]]

    def coords(s, p):
        c, M = s
        det = M[0][0] * M[1][1] - M[0][1] * M[1][0]
        d = [p[0] - c[0], p[1] - c[1]]
        return [(M[1][1] * d[0] - M[0][1] * d[1]) / det, (-M[1][0] * d[0] + M[0][0] * d[1]) / det]

    k = 48
    ts = [Fraction(2 * i, k) - 1 for i in range(k)]
    loop = [(t, Fraction(-1)) for t in ts] + [(Fraction(1), t) for t in ts] + \
           [(-t, Fraction(1)) for t in ts] + [(Fraction(-1), -t) for t in ts]
    edges = []
    for cov in cert["evidence"][1:]:
        i, j = cov["from"], cov["to"]
        L = [[Fraction(v) for v in r] for r in cov["linear"]]
        c, M = sets[i]
        winding, prev = 0.0, None
        for t in loop:
            p = [c[r] + M[r][0] * t[0] + M[r][1] * t[1] for r in range(2)]
            g = coords(sets[j], f(f(p)))
            at = [L[r][0] * t[0] + L[r][1] * t[1] for r in range(2)]
            assert any((g[r] > 1 and at[r] > 1) or (g[r] < -1 and at[r] < -1) for r in range(2))
            ang = math.atan2(float(g[1]), float(g[0]))
            if prev is not None:
                winding += (ang - prev + math.pi) % (2 * math.pi) - math.pi
            prev = ang
        first = coords(sets[j], f(f([c[r] + M[r][0] * loop[0][0] + M[r][1] * loop[0][1] for r in range(2)])))
        winding += (math.atan2(float(first[1]), float(first[0])) - prev + math.pi) % (2 * math.pi) - math.pi
        det = L[0][0] * L[1][1] - L[0][1] * L[1][0]
        assert round(winding / (2 * math.pi)) == (1 if det > 0 else -1)
        edges.append((i, j))
    m = len(sets)
    G = np.zeros((m, m))
    for i, j in edges:
        G[i, j] = 1
    rho = max(abs(np.linalg.eigvals(G)))
    assert math.log(rho) / 2 >= 0.121109


@pytest.mark.parametrize("act", ["tanh", "sigmoid"])
def test_smooth_slope_hull_over_wide_balls_by_mpmath(act):
    """Over wide pre-activation balls (across 0, far out, saturated) every difference quotient of tanh or sigmoid (mpmath, 60 digits) lies in the slope ball the NetMap uses, and the values in the value ball."""
    import mpmath

    from certify.checker.rnn_contraction import _act_interval
    mpmath.mp.dps = 60
    fn = mpmath.tanh if act == "tanh" else (lambda v: 1 / (1 + mpmath.exp(-v)))
    rnd = random.Random(7)
    for _ in range(60):
        a = Fraction(rnd.randint(-4000, 4000), rnd.choice([10, 100, 1000]))
        b = a + Fraction(rnd.randint(1, 40000), rnd.choice([10, 100, 1000]))
        U = arb(fmpq(a.numerator, a.denominator)).union(arb(fmpq(b.numerator, b.denominator)))
        val, slope = _act_interval(act, U)
        lo, hi = (mpmath.mpf(slope.lower().str(30, radius=False)), mpmath.mpf(slope.upper().str(30, radius=False)))
        for _ in range(20):
            x = a + (b - a) * Fraction(rnd.randint(0, 1000), 1000)
            y = a + (b - a) * Fraction(rnd.randint(0, 1000), 1000)
            if x == y:
                continue
            fx, fy = fn(mpmath.mpf(x.numerator) / x.denominator), fn(mpmath.mpf(y.numerator) / y.denominator)
            q = (fy - fx) / (mpmath.mpf(y.numerator) / y.denominator - mpmath.mpf(x.numerator) / x.denominator)
            assert lo - mpmath.mpf(10) ** -25 <= q <= hi + mpmath.mpf(10) ** -25
            vlo, vhi = (mpmath.mpf(val.lower().str(30, radius=False)), mpmath.mpf(val.upper().str(30, radius=False)))
            assert vlo - mpmath.mpf(10) ** -25 <= fx <= vhi + mpmath.mpf(10) ** -25
