"""The kernel's pieces coverings (certify/checker/plrnn_pieces.py): covering relations of h-sets under f^k of a
PLRNN proved by exact piecewise-affine splitting. Differential tests against an oracle written apart from the
kernel: a stream generator in fractions.Fraction (splitting at every undecided sign, multipliers from a
scipy LP of the dual, rounded and re-checked exactly) and exact iteration of sampled points."""

from __future__ import annotations

import random
from fractions import Fraction as F

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from certify.checker import check, hsets
from certify.checker.plrnn import parse_plrnn
from certify.checker.plrnn_pieces import pieces_covers
from certify.checker.statement import Failure
from tests.pieces_oracle import inverse, step
from tests.strategies import examples


# ----------------------------------------------------------------------------- the oracle (independent of the kernel)

def _dual(c, e, C, box):
    """Multipliers lam >= 0 maximising e - lam.b + min_box (c + sum lam_l a_l).t (an LP in lam and slacks),
    rounded to Fractions; [] when there are no constraints."""
    m, n = len(C), len(c)
    if m == 0:
        return []
    # variables: lam (m), s (n) with s_i >= v_i lo_i and s_i >= v_i hi_i, v = c + sum lam a; maximise e - lam.b + sum s
    # -> minimise lam.b - sum s subject to s_i - lam.(a_.i) lo_i <= c_i lo_i, s_i - lam.(a_.i) hi_i <= c_i hi_i
    obj = [float(b) for _, b in C] + [-1.0] * n
    rows, rhs = [], []
    for i, (lo, hi) in enumerate(box):
        for end in (lo, hi):
            rows.append([-float(a[i] * end) for a, _ in C] + [1.0 if j == i else 0.0 for j in range(n)])
            rhs.append(float(c[i] * end))
    res = linprog(obj, A_ub=rows, b_ub=rhs, bounds=[(0, 1e6)] * m + [(None, None)] * n, method="highs")
    if res.status != 0:
        return [F(0)] * m
    return [max(F(0), F(x).limit_denominator(1 << 40)) for x in res.x[:m]]


def _q(x) -> str:
    x = F(x)
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


def _bound(c, e, lam, C, box):
    v = list(c)
    for l, (a, b) in zip(lam, C):
        v = [x + l * y for x, y in zip(v, a)]
        e -= l * b
    return e + sum(min(x * lo, x * hi) for x, (lo, hi) in zip(v, box))


def _stream(A, W, h, c1, M1, c2, M2inv, k, signs):
    """The entries of the canonical traversal (the contract in docs/chaos.md, "exact pieces"), written apart from the kernel:
    split at every undecided sign; at each leaf bound the box minimum, else LP multipliers ('empty' when the
    piece is shown empty)."""
    n = len(A)
    out = []
    cube = [(F(-1), F(1))] * n

    def prove(c, e, C, box):
        if e + sum(min(x * lo, x * hi) for x, (lo, hi) in zip(c, box)) > 0:
            return
        z = [F(0)] * n
        lam = _dual(z, F(0), C, box)
        if C and _bound(z, F(0), lam, C, box) > 0:
            out.append(["empty", [_q(x) for x in lam]])
            return
        lam = _dual(c, e, C, box)
        out.append(["bound", [_q(x) for x in lam]])

    def visit(P, d, C, s, j, q):
        while s < k:
            while j < n:
                r = sum(abs(x) for x in P[j])
                if d[j] - r >= 0:
                    q = q + [1]
                elif d[j] + r <= 0:
                    q = q + [0]
                else:
                    z = [F(0)] * n
                    for sign, kind in ((1, "+"), (-1, "-")):
                        lam = _dual([sign * x for x in P[j]], sign * d[j], C, cube)
                        if C and _bound([sign * x for x in P[j]], sign * d[j], lam, C, cube) >= 0:
                            out.append([kind, [_q(x) for x in lam]])
                            q = q + [1 if sign > 0 else 0]
                            break
                    else:
                        lam = _dual(z, F(0), C, cube)
                        if C and _bound(z, F(0), lam, C, cube) > 0:
                            out.append(["empty", [_q(x) for x in lam]])
                            return
                        out.append(["split"])
                        visit(P, d, C + [([-x for x in P[j]], d[j])], s, j + 1, q + [1])
                        visit(P, d, C + [(list(P[j]), -d[j])], s, j + 1, q + [0])
                        return
                j += 1
            J = [[(A[i] if i == l else 0) + W[i][l] * q[l] for l in range(n)] for i in range(n)]
            P = [[sum(J[i][l] * P[l][m] for l in range(n)) for m in range(n)] for i in range(n)]
            d = [sum(J[i][l] * d[l] for l in range(n)) + h[i] for i in range(n)]
            s, j, q = s + 1, 0, []
        G = [[sum(M2inv[i][l] * P[l][m] for l in range(n)) for m in range(n)] for i in range(n)]
        g = [sum(M2inv[i][l] * (d[l] - c2[l]) for l in range(n)) for i in range(n)]
        u = len(signs)
        for s_ in range(u, n):
            prove([-x for x in G[s_]], 1 - g[s_], C, cube)
            prove(G[s_], 1 + g[s_], C, cube)
        for i in range(u):
            for side in (-1, 1):
                face = list(cube)
                face[i] = (F(side), F(side))
                if side * signs[i] > 0:
                    prove(G[i], g[i] - 1, C, face)
                else:
                    prove([-x for x in G[i]], -g[i] - 1, C, face)

    visit([list(r) for r in M1], list(c1), [], 0, 0, [])
    return out


def _sampled_covering(A, W, h, c1, M1, c2, M2, k, signs, grid=12):
    """Exact iteration of the grid points of the square (and its faces) in Fractions: do the covering
    conditions hold at every sample? (a necessary condition of the covering N1 => N2)"""
    n, Mi = 2, inverse(M2)
    pts = [F(2 * i, grid) - 1 for i in range(grid + 1)]
    for t in ((a, b) for a in pts for b in pts):
        z = [c1[i] + sum(M1[i][j] * t[j] for j in range(n)) for i in range(n)]
        for _ in range(k):
            z = step(A, W, h, z)
        g = [sum(Mi[i][j] * (z[j] - c2[j]) for j in range(n)) for i in range(n)]
        if not -1 < g[1] < 1:
            return False
        if abs(t[0]) == 1 and not (g[0] * t[0] * signs[0] > 1):
            return False
    return True


# ----------------------------------------------------------------------------- certificates

def _canon(A, W, h):
    return {"kind": "plrnn", "A": [_q(a) for a in A], "W": [[_q(w) for w in r] for r in W], "h": [_q(v) for v in h]}


def _hset(c, M):
    return {"c": [_q(v) for v in c], "M": [[_q(v) for v in r] for r in M]}


def _cert(canon, sets, covers, k, entropy=None):
    return {"schema": "certify/1", "map": {"canonical": canon, "class": "piecewise-linear"},
            "claim": {"kind": "horseshoe", "iterate": k}, "verdict": "proved", "precision": 64,
            "evidence": [{"fact": "hsets", "sets": sets}, *covers],
            "entropy": entropy or {"weights": [1] * len(sets), "rho_lower": "2", "lower": "1/2"}}


def _kernel(A, W, h, c1, M1, c2, M2, k, signs, entries):
    """The kernel's verdict on one covering: pieces followed, or the Failure's text."""
    model = parse_plrnn(_canon(A, W, h))
    N1, N2 = hsets.parse_hset(_hset(c1, M1), 2), hsets.parse_hset(_hset(c2, M2), 2)
    try:
        return pieces_covers(model, N1, N2, k, signs, len(signs), entries, "covering")
    except Failure as e:
        return str(e)


# f(x, y) = (3 x - 6 relu(x) + 1, y / 4 + x / 8): the tent x -> 1 - 3 |x| with a contracting y
TENT = ([F(3), F(1, 4)], [[F(-6), F(0)], [F(1, 8), F(0)]], [F(1), F(0)])


def test_linear_saddle_covers_itself_under_its_iterates():
    """The linear saddle (3 x, y / 3) (a PLRNN with W = 0) maps the unit square across itself under f^k, k = 1..3;
    the kernel still splits at the (irrelevant) kinks x = 0, y = 0 of step 0: four pieces (later steps keep the
    quadrants), each accepted."""
    A, W, h = [F(3), F(1, 3)], [[F(0)] * 2] * 2, [F(0)] * 2
    I = [[F(1), F(0)], [F(0), F(1)]]
    for k in range(1, 4):
        entries = _stream(A, W, h, [F(0)] * 2, I, [F(0)] * 2, I, k, [1])
        assert entries.count(["split"]) == 3 and len(entries) == 3 + 2 * 4 * (k - 1)
        assert _kernel(A, W, h, [0, 0], I, [0, 0], I, k, [1], entries) == 4


def test_degree_sign_of_the_linear_saddle_is_checked():
    """(3 x, y / 3) has degree +1 on the unit square: the end-map sign -1 is refused, (-3 x, y / 3) has degree -1."""
    A, W, h = [F(3), F(1, 3)], [[F(0)] * 2] * 2, [F(0)] * 2
    I = [[F(1), F(0)], [F(0), F(1)]]
    z = [F(0)] * 2
    wrong = _kernel(A, W, h, z, I, z, I, 1, [-1], _stream(A, W, h, z, I, z, I, 1, [-1]))
    assert "does not prove the inequality" in wrong
    A2 = [F(-3), F(1, 3)]
    assert _kernel(A2, W, h, z, I, z, I, 1, [-1], _stream(A2, W, h, z, I, z, I, 1, [-1])) == 4


def test_tent_plrnn_has_two_branch_horseshoe():
    """f(x, y) = (1 - 3 |x|, y / 4 + x / 8) maps x in [-7/12, -1/12] and [1/12, 7/12] each across both (degrees
    +1, -1): four coverings, disjoint sets, h_top >= log 2 (the kernel's statement)."""
    A, W, h = TENT
    M = [[F(1, 4), F(0)], [F(0), F(1, 2)]]
    sets = [([F(-1, 3), F(0)], M), ([F(1, 3), F(0)], M)]
    covers = []
    for i, (c1, M1) in enumerate(sets):
        for j, (c2, M2) in enumerate(sets):
            sign = 1 if i == 0 else -1
            entries = _stream(A, W, h, c1, M1, c2, inverse(M2), 1, [sign])
            assert _kernel(A, W, h, c1, M1, c2, M2, 1, [sign], entries) == 2, (i, j)  # split at y = 0
            assert _sampled_covering(A, W, h, c1, M1, c2, M2, 1, [sign])
            covers.append({"fact": "covering", "from": i, "to": j, "degree": sign, "pieces": entries})
    cert = _cert(_canon(A, W, h), [_hset(c, M) for c, M in sets], covers, 1)
    res = check(cert)
    assert res.ok, res.message
    assert "h_top(f) >= log rho(A) >= 0.5" in res.statement


def _tent_family(rng):
    """A perturbed tent PLRNN (x, y) -> (s x - 2 s relu(x) + e relu(y) + 1, a y + b relu(x) + g relu(y)), some
    weights zero."""
    pick = lambda *vals: F(rng.choice(vals))
    s = pick(2, 3, 4, F(5, 2))
    e, a, b, g = pick(0, 0, F(1, 16), F(-1, 8)), pick(0, F(1, 4), F(-1, 3)), pick(0, F(1, 8), F(-1, 8)), pick(0, 0, F(1, 5))
    return [s, a], [[-2 * s, e], [b, g]], [F(1), F(0)]


def test_accepted_pieces_coverings_hold_at_every_sampled_point():
    """Differential test: whenever the kernel accepts a pieces covering (oracle stream) of a perturbed tent PLRNN under
    f^k, k <= 3, exact iteration of a grid of points (faces included) satisfies the covering conditions; and both
    acceptances and rejections occur among the generated cases."""
    rng = random.Random(12)
    accepted = rejected = 0
    for _ in range(30):
        A, W, h = _tent_family(rng)
        k = rng.choice([1, 1, 1, 2])
        c1 = [F(rng.choice([-1, 1]), 3) + F(rng.randint(-4, 4), 64), F(rng.randint(-2, 2), 16)]
        c2 = [F(rng.choice([-1, 1]), 3) + F(rng.randint(-4, 4), 64), F(rng.randint(-2, 2), 16)]
        M1 = [[F(1, rng.choice([4, 4, 5, 40])), F(rng.randint(-1, 1), 32)], [F(0), F(1, rng.choice([2, 3, 8]))]]
        M2 = [[F(1, rng.choice([4, 8, 12])), F(0)], [F(rng.randint(-1, 1), 32), F(1, rng.choice([2, 3]))]]
        sign = (1 if c1[0] < 0 else -1) * rng.choice([1, 1, 1, -1])  # the branch's orientation, sometimes wrong
        entries = _stream(A, W, h, c1, M1, c2, inverse(M2), k, [sign])
        verdict = _kernel(A, W, h, c1, M1, c2, M2, k, [sign], entries)
        if isinstance(verdict, int):
            accepted += 1
            assert _sampled_covering(A, W, h, c1, M1, c2, M2, k, [sign]), (A, W, c1, M1, c2, M2, k, sign)
        else:
            rejected += 1
    assert accepted >= 4 and rejected >= 4, (accepted, rejected)


@settings(max_examples=examples(16), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([F(3), F(-3), F(4)]), st.sampled_from([F(0), F(1, 3), F(-1, 2)]),
       st.lists(st.sampled_from([F(0), F(0), F(1), F(-1), F(1, 2), F(1, 4), F(-1, 4), F(1, 3)]), min_size=4, max_size=4),
       st.sampled_from([F(0), F(0), F(1, 4)]), st.integers(1, 3), st.sampled_from([1, -1]))
def test_degenerate_plrnns_are_never_accepted_without_the_covering(a0, a1, ws, h0, k, sign):
    """Zero weights, identity and constant pieces, kinks through the centre of the unit square: an accepted covering
    of the square by itself under f^k satisfies the covering conditions at every sampled point (exact iteration)."""
    A, W, h = [a0, a1], [[ws[0], ws[1]], [ws[2], ws[3]]], [h0, F(0)]
    I = [[F(1), F(0)], [F(0), F(1)]]
    z = [F(0), F(0)]
    entries = _stream(A, W, h, z, I, z, I, k, [sign])
    if isinstance(_kernel(A, W, h, z, I, z, I, k, [sign], entries), int):
        assert _sampled_covering(A, W, h, z, I, z, I, k, [sign], grid=6)


def _tent_cert():
    A, W, h = TENT
    M = [[F(1, 4), F(0)], [F(0), F(1, 2)]]
    sets = [([F(-1, 3), F(0)], M), ([F(1, 3), F(0)], M)]
    covers = [{"fact": "covering", "from": i, "to": j, "degree": 1 if i == 0 else -1,
               "pieces": _stream(A, W, h, c1, M1, c2, inverse(M2), 1, [1 if i == 0 else -1])}
              for i, (c1, M1) in enumerate(sets) for j, (c2, M2) in enumerate(sets)]
    return _cert(_canon(A, W, h), [_hset(c, M) for c, M in sets], covers, 1)


def _mutations():
    """(name, function changing a valid tent certificate) pairs; each must be rejected."""
    def first_split(c):
        return next(f for f in c["evidence"][1:] if ["split"] in f["pieces"])

    def drop_split(c):
        first_split(c)["pieces"].remove(["split"])

    def extra(c):
        c["evidence"][1]["pieces"].append(["bound", []])

    def split_to_plus(c):
        p = first_split(c)["pieces"]
        p[p.index(["split"])] = ["+", []]

    def degree(c):
        c["evidence"][1]["degree"] = -c["evidence"][1]["degree"]

    def grid_on_long_iterate(c):
        c["claim"]["iterate"] = 9
        c["evidence"][1] = {k: v for k, v in c["evidence"][1].items() if k != "pieces"} | {"grid": 2}

    def iterate(c):
        c["claim"]["iterate"] = 2

    def polymap(c):
        c["map"] = {"canonical": {"kind": "polymap", "vars": ["x", "y"], "f": [[["1", [1, 0]]], [["1", [0, 1]]]]},
                    "class": "polynomial"}

    def shift(c):
        c["evidence"][0]["sets"][1]["c"][0] = "1/12"

    def entropy(c):
        c["entropy"]["lower"] = "7/10"

    return [drop_split, extra, split_to_plus, degree, grid_on_long_iterate, iterate, polymap, shift, entropy]


def test_tent_certificate_passes_and_every_mutation_is_rejected():
    """The tent horseshoe certificate checks; dropping or inventing entries, a wrong degree, a grid covering under
    f^9, a wrong iterate, a polynomial map, an overlapping set or an entropy above log 2 are each rejected."""
    import copy
    base = _tent_cert()
    res = check(base)
    assert res.ok, res.message
    for mutate in _mutations():
        c = copy.deepcopy(base)
        mutate(c)
        assert not check(c).ok, mutate.__name__
