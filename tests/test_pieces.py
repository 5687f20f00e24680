"""certify.horseshoes.pieces: the stream of a pieces covering (exact piecewise-affine splitting of f^k on an h-set),
re-checked by an independent Fraction replay (tests/pieces_oracle.py) and against brute-force iteration."""

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from certify.checker import check
from certify.horseshoes.pieces import exact_hset, pieces_certificate, pieces_stream
from certify.maps.plrnn import plrnn_from_mapping
from tests import pieces_oracle as O
from tests.strategies import examples, plrnn_models

SMALL = st.one_of(st.just(Fraction(0)), st.integers(-2, 2).map(Fraction),
                  st.tuples(st.integers(-7, 7), st.sampled_from([2, 3, 4, 8])).map(lambda t: Fraction(*t)))


def _kernel(model, N1, N2, k, degree, u, entries) -> int:
    """The kernel's verdict on a stream (certify.checker.plrnn_pieces.pieces_covers): the pieces it followed, or
    Failure."""
    from flint import fmpq, fmpq_mat

    from certify.checker.hsets import HSet
    from certify.checker.plrnn_pieces import pieces_covers

    def hset(c, M):
        n = len(c)
        q = [O.F(v) for v in c] + [O.F(v) for r in M for v in r]
        q = [fmpq(v.numerator, v.denominator) for v in q]
        return HSet(q[:n], fmpq_mat(n, n, q[n:]))
    signs = [degree] if u == 1 else list(degree)
    return pieces_covers(model, hset(*N1), hset(*N2), k, signs, u, entries, "test")


def _exact(model):
    return ([O.F(a) for a in model.A], [[O.F(w) for w in r] for r in model.W], [O.F(v) for v in model.h])


@st.composite
def hsets(draw, n):
    """(c, M): centre of small rationals (zero often: points on the kinks), M with a leading first column and
    smaller other columns (or all zero: a degenerate, lower-dimensional set)."""
    c = draw(st.lists(SMALL, min_size=n, max_size=n))
    M = [[draw(SMALL) / (1 if j == 0 else 8) for j in range(n)] for _ in range(n)]
    return c, M


def _points(n, rng, C_list, extra=24):
    """Rational points of the cube: its corners' neighbourhood, random ones with small denominators, and points
    exactly on the hyperplanes of the regions' constraints (where two pieces meet)."""
    pts = [[Fraction(s) for s in ((-1) ** (b >> i & 1) for i in range(n))] for b in range(min(1 << n, 16))]
    pts.append([Fraction(0)] * n)
    for _ in range(extra):
        pts.append([Fraction(rng.randint(-12, 12), 12) for _ in range(n)])
    for C in C_list:
        for a, b in C:
            for _ in range(2):
                t = [Fraction(rng.randint(-8, 8), 8) for _ in range(n)]
                i = max(range(n), key=lambda l: abs(a[l]))
                if a[i] == 0:
                    continue
                t[i] = (b - sum(a[l] * t[l] for l in range(n) if l != i)) / a[i]
                if abs(t[i]) <= 1:
                    pts.append(t)
    return pts


def _covering_target(A, W, h, c1, M1, k):
    """An N2 = (c2, M2) the covering N1 => N2 (degree +1) may well satisfy: c2 the midpoint of the images of the
    exit faces' centres, first column half their difference, huge stable columns; None if degenerate."""
    n = len(c1)
    xp = O.iterate(A, W, h, [c + m[0] for c, m in zip(c1, M1)], k)
    xm = O.iterate(A, W, h, [c - m[0] for c, m in zip(c1, M1)], k)
    v = [(p - m) / 4 for p, m in zip(xp, xm)]
    if not any(v):
        return None
    i = max(range(n), key=lambda l: abs(v[l]))
    cols = [v] + [[Fraction(10 ** 5 if r == l else 0) for r in range(n)] for l in range(n) if l != i]
    M2 = [[cols[j][r] for j in range(n)] for r in range(n)]
    return [(p + m) / 2 for p, m in zip(xp, xm)], M2


def _pieces_match(model, data, k):
    import random

    n = model.n
    c1, M1 = data.draw(hsets(n))
    st_ = pieces_stream(model, (c1, M1), None, k, 1)
    if not st_.proved:
        assert "max_splits" in st_.reason or "max_lps" in st_.reason
        assume(False)
    A, W, h = _exact(model)
    leaves = O.replay(A, W, h, c1, M1, None, None, k, 1, 1, st_.entries)
    assert len(leaves) == st_.leaves and st_.splits == st_.entries.count(["split"])
    rng = random.Random(n * 1000 + k)
    for t in _points(n, rng, [C for C, _, _ in leaves]):
        z = O.iterate(A, W, h, [c + sum(m[l] * t[l] for l in range(n)) for c, m in zip(c1, M1)], k)
        hits = [(P, d) for C, P, d in leaves if O.inside(C, t)]
        assert hits, f"t = {t} lies in no piece"
        for P, d in hits:
            assert [sum(p * x for p, x in zip(row, t)) + e for row, e in zip(P, d)] == z


def _coverings_hold(model, data, k):
    import random

    n = model.n
    c1, M1 = data.draw(hsets(n))
    A, W, h = _exact(model)
    target = _covering_target(A, W, h, c1, M1, k)
    assume(target is not None)
    c2, M2 = target
    w = data.draw(st.sampled_from([1, -1]))
    M2 = [[w * r[0]] + r[1:] for r in M2]  # the first column reversed: the degree -1 covering
    st_ = pieces_stream(model, (c1, M1), (c2, M2), k, w)
    assert st_.proved or st_.reason
    assume(st_.proved)
    event(f"proved with {st_.leaves} pieces")
    O.replay(A, W, h, c1, M1, c2, M2, k, w, 1, st_.entries)
    if O.det(M1) != 0:  # the kernel's h-sets are non-degenerate
        assert _kernel(model, (c1, M1), (c2, M2), k, w, 1, st_.entries) == st_.leaves
    Minv = O.inverse(M2)
    rng = random.Random(k)
    for t in _points(n, rng, []):
        for face in (None, -1, 1):
            if face is not None:
                t = [Fraction(face)] + t[1:]
            z = O.iterate(A, W, h, [c + sum(m[l] * t[l] for l in range(n)) for c, m in zip(c1, M1)], k)
            g = O.matvec(Minv, [x - y for x, y in zip(z, c2)])
            assert all(-1 < g[s] < 1 for s in range(1, n))
            if face is not None:
                assert face * w * g[0] > 1


FAST = settings(max_examples=examples(16), deadline=None, suppress_health_check=[HealthCheck.too_slow])
MANY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CASES = given(plrnn_models(dims=(2, 4)), st.data(), st.integers(1, 3))


@FAST
@CASES
def test_pieces_match_brute_force_iteration(model, data, k):
    """Every point of N1 lies in a piece of the stream, and on each piece containing it f^k(c1 + M1 t) = P t + d
    exactly (brute-force Fraction iteration), points on the pieces' common hyperplanes included."""
    _pieces_match(model, data, k)


@pytest.mark.slow
@MANY
@CASES
def test_pieces_match_brute_force_iteration_many(model, data, k):
    """As test_pieces_match_brute_force_iteration, 300 generated cases."""
    _pieces_match(model, data, k)


@FAST
@CASES
def test_proved_coverings_hold_at_sampled_points(model, data, k):
    """A covering the certifier proves passes the independent exact replay, and at sampled points of N1 the image
    in N2's coordinates has every stable coordinate in (-1, 1) and the exit faces beyond the ends the degree says."""
    _coverings_hold(model, data, k)


@pytest.mark.slow
@MANY
@CASES
def test_proved_coverings_hold_at_sampled_points_many(model, data, k):
    """As test_proved_coverings_hold_at_sampled_points, 300 generated cases."""
    _coverings_hold(model, data, k)


def test_repair_finds_tight_non_dyadic_multipliers():
    """A sign that is zero on the boundary of its region (z_0 = t_0 / 3 on t_0 >= 0) is proved with the exact
    multiplier 1/3 (re-solved on the LP's active set), not split again."""
    net = plrnn_from_mapping({"kind": "plrnn", "A": ["1/3", "0"], "W": [["0", "0"], ["0", "0"]], "h": ["0", "1"]}, "t")
    N1 = ([0, 1], [[1, 0], [0, Fraction(1, 2)]])
    st_ = pieces_stream(net.model, N1, None, 2, 1)
    assert st_.entries == [["split"], ["+", ["1/3"]], ["-", ["1/3"]]]
    A, W, h = _exact(net.model)
    assert len(O.replay(A, W, h, *N1, None, None, 2, 1, 1, st_.entries)) == 2


TENT = {"kind": "plrnn", "A": ["3", "1/2"], "W": [["-6", "0"], ["0", "-1/4"]], "h": ["1", "0"]}
SETS = [([Fraction(-7, 20), 0], [[Fraction(1, 4), 0], [0, 1]]), ([Fraction(7, 20), 0], [[Fraction(1, 4), 0], [0, 1]])]


def test_tent_pieces_covering_needs_an_empty_face():
    """z_0 -> 4 z_0 - 6 relu(z_0) folds [-1, 1] at 0: the covering c1 = (0, 2), M1 = I => c2 = (-3, 1),
    M2 = diag(1/2, 1) of degree +1 splits once (z_1 in [1, 3] needs no split), and the piece t_0 >= 0 discharges the
    face t_0 = -1 by Farkas multipliers ('empty')."""
    net = plrnn_from_mapping({"kind": "plrnn", "A": ["4", "1/2"], "W": [["-6", "0"], ["0", "0"]], "h": ["0", "0"]},
                             "t")
    N1, N2 = ([0, 2], [[1, 0], [0, 1]]), ([-3, 1], [[Fraction(1, 2), 0], [0, 1]])
    st_ = pieces_stream(net.model, N1, N2, 1, 1)
    assert st_.entries[0] == ["split"] and st_.entries[1][0] == "empty" and len(st_.entries) == 2
    assert (st_.leaves, st_.splits) == (2, 1)
    A, W, h = _exact(net.model)
    O.replay(A, W, h, *N1, *N2, 1, 1, 1, st_.entries)
    assert _kernel(net.model, N1, N2, 1, 1, 1, st_.entries) == 2
    assert not pieces_stream(net.model, N1, N2, 1, -1).proved  # the opposite degree fails


def test_unproved_covering_and_work_caps_give_reasons():
    """A stable coordinate leaving N2 makes the covering unproved with the coordinate named; a split beyond
    max_splits, or exact products beyond max_work word operations, stop the traversal naming the cap."""
    net = plrnn_from_mapping({"kind": "plrnn", "A": ["4", "3"], "W": [["-6", "0"], ["0", "0"]], "h": ["0", "0"]}, "t")
    N1, N2 = ([0, 2], [[1, 0], [0, 1]]), ([-3, 1], [[Fraction(1, 2), 0], [0, 1]])
    st_ = pieces_stream(net.model, N1, N2, 1, 1)
    assert st_.entries is None and "g_1 < 1" in st_.reason
    st_ = pieces_stream(net.model, N1, N2, 1, 1, max_splits=0)
    assert st_.entries is None and "max_splits" in st_.reason
    st_ = pieces_stream(net.model, N1, N2, 3, 1, max_work=10)
    assert st_.entries is None and "max_work" in st_.reason


def test_two_unstable_directions():
    """u = 2: the product of two folds covers with degree [1, 1] (both exit-face pairs checked), and the oracle
    accepts the stream."""
    net = plrnn_from_mapping({"kind": "plrnn", "A": ["4", "4"], "W": [["-6", "0"], ["0", "-6"]], "h": ["0", "0"]}, "t")
    N1, N2 = ([0, 0], [[1, 0], [0, 1]]), ([-3, -3], [[Fraction(1, 2), 0], [0, Fraction(1, 2)]])
    st_ = pieces_stream(net.model, N1, N2, 1, [1, 1], u=2)
    assert st_.proved and st_.leaves == 4
    A, W, h = _exact(net.model)
    O.replay(A, W, h, *N1, *N2, 1, [1, 1], 2, st_.entries)
    assert _kernel(net.model, N1, N2, 1, [1, 1], 2, st_.entries) == 4


def test_stream_is_deterministic_and_oracle_rejects_tampering():
    """The same input gives the same stream; zeroing a multiplier of an 'empty' entry makes the replay fail."""
    net = plrnn_from_mapping({"kind": "plrnn", "A": ["4", "1/2"], "W": [["-6", "0"], ["0", "0"]], "h": ["0", "0"]},
                             "t")
    N1, N2 = ([0, 2], [[1, 0], [0, 1]]), ([-3, 1], [[Fraction(1, 2), 0], [0, 1]])
    a, b = pieces_stream(net.model, N1, N2, 1, 1), pieces_stream(net.model, N1, N2, 1, 1)
    assert a.entries == b.entries
    bad = [a.entries[0], ["empty", ["0"] * len(a.entries[1][1])]]
    A, W, h = _exact(net.model)
    with pytest.raises(AssertionError, match="empty"):
        O.replay(A, W, h, *N1, *N2, 1, 1, 1, bad)


def test_certificate_two_set_tent_horseshoe():
    """Two h-sets either side of the tent's fold, the stable coordinate folded by relu too: four pieces coverings
    (each one split) give a certificate with h_top >= log 2 claimed, iterate 1."""
    net = plrnn_from_mapping(TENT, "tent")
    cert = pieces_certificate(net, 1, SETS, [(0, 0, 1), (0, 1, 1), (1, 0, -1), (1, 1, -1)])
    assert cert["verdict"] == "proved" and cert["claim"] == {"kind": "horseshoe", "iterate": 1}
    assert check(cert).ok
    covs = cert["evidence"][1:]
    assert [(c["from"], c["to"], c["degree"]) for c in covs] == [(0, 0, 1), (0, 1, 1), (1, 0, -1), (1, 1, -1)]
    assert all(c["pieces"][0] == ["split"] for c in covs) and all("grid" not in c for c in covs)
    assert Fraction(cert["entropy"]["lower"]) > Fraction(693, 1000)  # log 2 = 0.6931...
    A, W, h = _exact(net.model)
    for c in covs:
        (c1, M1), (c2, M2) = SETS[c["from"]], SETS[c["to"]]
        O.replay(A, W, h, c1, M1, c2, M2, 1, c["degree"], 1, c["pieces"])


def test_certificate_finds_the_degrees():
    """Edges given without a degree get the one that is proved: +1 out of the increasing branch's set N0, -1 out
    of N1, the same certificate as with the degrees stated."""
    net = plrnn_from_mapping(TENT, "tent")
    stated = pieces_certificate(net, 1, SETS, [(0, 0, 1), (0, 1, 1), (1, 0, -1), (1, 1, -1)], self_check=False)
    found = pieces_certificate(net, 1, SETS, [(0, 0, None), (0, 1, None), (1, 0, None), (1, 1, None)], self_check=False)
    assert found == stated


def test_certificate_rationalises_float_sets_as_nd():
    """Float h-sets enter the certificate rationalised exactly as certify.horseshoes.nd writes h-sets (multiples of
    2^-40, nd._hset_dict), and the certificate is the same as from those rationals given exactly."""
    import numpy as np

    from certify.certificates import q_parse
    from certify.horseshoes.nd import _hset_dict

    net = plrnn_from_mapping(TENT, "tent")
    floats = [([float(v) + 1e-13 for v in c], [[float(v) for v in r] for r in M]) for c, M in SETS]
    cert = pieces_certificate(net, 1, floats, [(0, 0, 1), (0, 1, 1), (1, 0, -1), (1, 1, -1)], self_check=False)
    dicts = [_hset_dict(np.array(c), np.array(M), np.ones(2)) for c, M in floats]
    assert cert["evidence"][0]["sets"] == dicts and dicts[0]["c"][0] != "-7/20"
    exact = [([q_parse(v) for v in d["c"]], [[q_parse(v) for v in r] for r in d["M"]]) for d in dicts]
    assert pieces_certificate(net, 1, exact, [(0, 0, 1), (0, 1, 1), (1, 0, -1), (1, 1, -1)], self_check=False) == cert


def test_exact_hset_float_conversions():
    """Floats become the nearest multiple of 2^-40 by default (nd's h-sets), of 2^-b with float_bits b, or exactly
    the binary number they are (float_bits None); exact numbers are kept."""
    from flint import fmpq

    v = 0.1 + 2.0 ** -45
    assert exact_hset([v, Fraction(1, 3)], [[v, 0], [0, 1]])[0] == [fmpq(round(v * 2 ** 40), 2 ** 40), fmpq(1, 3)]
    assert exact_hset([v, 1], [[1, 0], [0, 1]], 8)[0][0] == fmpq(26, 256)
    c, M = exact_hset([v, 1], [[2.0 ** -60, 0], [0, 1]], None)
    assert c[0] == fmpq(*v.as_integer_ratio()) and M[0, 0] == fmpq(1, 2 ** 60)


def test_certificate_drops_overlapping_sets():
    """A third h-set overlapping N0 is dropped before any covering out of or into it is tried, the other two keep
    their four coverings (sets renumbered 0, 1), and the kernel accepts the result."""
    net = plrnn_from_mapping(TENT, "tent")
    extra = ([Fraction(-3, 10), 0], [[Fraction(1, 4), 0], [0, 1]])
    edges = [(0, 0, 1), (0, 2, 1), (2, 0, -1), (2, 2, -1), (1, 1, 1), (1, 0, 1)]
    cert = pieces_certificate(net, 1, [SETS[0], extra, SETS[1]], edges)
    assert cert["verdict"] == "proved" and len(cert["evidence"][0]["sets"]) == 2 and check(cert).ok
    assert [(c["from"], c["to"]) for c in cert["evidence"][1:]] == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_certificate_without_entropy_is_undecided():
    """Edges that are not proved are dropped: with only N0 => N1 proved (the wrong degrees elsewhere) the graph
    has no cycle, so the certificate is undecided with the failures named."""
    net = plrnn_from_mapping(TENT, "tent")
    cert = pieces_certificate(net, 1, SETS, [(0, 0, -1), (0, 1, 1), (1, 0, 1)], self_check=False)
    assert cert["verdict"] == "undecided" and "not proved" in cert["reason"]


def _lorenz_candidate():
    """The research candidate (docs/research/lorenz_f80_candidate.json, read only by tests and bench): the PLRNN,
    k = 80 and the two h-sets (centre, frame) as floats."""
    import json
    import os

    from certify.maps.plrnn import load_plrnn

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    net = load_plrnn(os.path.join(root, "examples", "lorenz_plrnn.safetensors"))
    with open(os.path.join(root, "docs", "research", "lorenz_f80_candidate.json")) as fh:
        d = json.load(fh)

    def fx(v):
        return [float.fromhex(s) for s in v]
    return net, d["k"], [(fx(d["x"]), [fx(r) for r in d["Ma"]]), (fx(d["y"]), [fx(r) for r in d["Mb"]])]


LORENZ_EDGES = [(0, 0, 1), (0, 1, 1), (1, 0, -1), (1, 1, -1)]


@pytest.mark.slow
def test_lorenz_f80_four_pieces_coverings():
    """The Lorenz PLRNN's research candidate: N0 => N0, N0 => N1 (degree +1), N1 => N0, N1 => N1 (degree -1) under
    f^80 are all proved (f^80 has 4 affine pieces on N0 and 6 on N1), and the independent Fraction replay accepts
    every stream, as does the kernel's pieces_covers."""

    net, k, sets = _lorenz_candidate()
    assert k == 80
    N = [exact_hset(c, M) for c, M in sets]
    A, W, h = _exact(net.model)
    for i, j, w in LORENZ_EDGES:
        st_ = pieces_stream(net.model, N[i], N[j], k, w)
        assert st_.proved, st_.reason
        assert st_.leaves == (4 if i == 0 else 6) and st_.dropped == 0
        (c1, M1), (c2, M2) = N[i], N[j]
        M1 = [[M1[r, s] for s in range(net.n)] for r in range(net.n)]
        M2 = [[M2[r, s] for s in range(net.n)] for r in range(net.n)]
        assert len(O.replay(A, W, h, c1, M1, c2, M2, k, w, 1, st_.entries)) == st_.leaves
        assert _kernel(net.model, (c1, M1), (c2, M2), k, w, 1, st_.entries) == st_.leaves


@pytest.mark.slow
def test_lorenz_f80_certificate():
    """pieces_certificate on the candidate: a horseshoe certificate under f^80 with the four coverings and
    h_top >= log 2 / 80 > 0.00866 per step, which the kernel (certify.checker.check) accepts, and rejects naming the
    covering once a 'bound' entry's multipliers are zeroed."""
    net, k, sets = _lorenz_candidate()
    cert = pieces_certificate(net, k, sets, LORENZ_EDGES)  # self-checked by the kernel
    assert cert["verdict"] == "proved" and cert["claim"]["iterate"] == 80
    res = check(cert)
    assert res.ok and "f^80 exactly affine on each of 20 polytope pieces" in res.statement
    import copy
    bad = copy.deepcopy(cert)
    t, e = next((t, e) for t, fact in enumerate(bad["evidence"][1:], start=1)
                for e in fact["pieces"] if e[0] == "bound")
    e[1] = ["0"] * len(e[1])
    res = check(bad)
    assert not res.ok and f"fact {t}" in res.message
    assert len(cert["evidence"]) == 5
    assert Fraction(cert["entropy"]["lower"]) > Fraction(866, 100000)
