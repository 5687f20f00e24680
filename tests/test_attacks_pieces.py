"""Adversarial review of checker/plrnn_pieces.py (coverings of h-sets under f^k of a PLRNN by exact piecewise-affine
splitting): the work charges (weak-duality sums whose denominators grow, the interpreter's cost per step, the parsing
of multipliers), the memory of the step matrices, and soundness against an exact Fraction oracle independent of the
kernel (u = n, n = 3, faces and vertices on kinks, hostile entry streams). Hangs run in a child process with a time
limit and took minutes before their fix."""

from __future__ import annotations

import copy
import itertools
import json
import random
from fractions import Fraction as F

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certify.checker import check, hsets
from certify.checker.plrnn import parse_plrnn
from certify.checker.plrnn_pieces import MAX_PIECES_WORK, Budget, pieces_covers
from certify.checker.statement import Failure
from tests.test_attacks_merged import _check_in_subprocess
from tests.pieces_oracle import step
from tests.test_plrnn_pieces import _canon, _hset, _q, _stream


def _cert(canon, sets, covers, k, u=1):
    head = {"fact": "hsets", "sets": sets} if u == 1 else {"fact": "hsets", "sets": sets, "unstable": u}
    return {"schema": "certify/1", "map": {"canonical": canon, "class": "piecewise-linear"},
            "claim": {"kind": "horseshoe", "iterate": k}, "verdict": "proved", "precision": 64,
            "evidence": [head, *covers],
            "entropy": {"weights": [1] * len(sets), "rho_lower": "2", "lower": "1/2"}}


# ----------------------------------------------------------------------------- work: weak-duality sums

def _coprime_multipliers_cert(n: int, m: int, digits: int) -> dict:
    """f = identity on R^n, N1 = M1 [-1, 1]^n with dense rows: every sign z_j = M1_j . t is undecided at every step,
    so m splits build a piece of m constraints; then one 'empty' entry with m multipliers 1/(10^(digits-1) + 2l + 1)
    (pairwise nearly coprime denominators: the sums' denominators are their lcm, m * digits digits long)."""
    rng = random.Random(1)
    M = [[("1" if i == j else f"{rng.randint(1, 9)}/{rng.randint(10, 19)}") for j in range(n)] for i in range(n)]
    base = 10 ** (digits - 1)
    entries = [["split"]] * m + [["empty", [f"1/{base + 2 * l + 1}" for l in range(m)]]]
    canon = {"kind": "plrnn", "A": ["1"] * n, "W": [["0"] * n for _ in range(n)], "h": ["0"] * n}
    return _cert(canon, [{"c": ["0"] * n, "M": M}], [{"fact": "covering", "from": 0, "to": 0, "degree": 1,
                                                      "pieces": entries}], -(-m // n) + 1)


def test_weak_duality_sum_with_coprime_denominators_is_charged_by_its_growth():
    """The weak-duality sum c + sum lam_l a_l has the lcm of the multipliers' denominators: 64 multipliers of 4000
    digits in R^8 (250 kB) took 8 s on a charge of 5e5 units; now refused by the budget before the sums grow."""
    cert = _coprime_multipliers_cert(8, 64, 4000)
    model = parse_plrnn(cert["map"]["canonical"])
    N = hsets.parse_hset(cert["evidence"][0]["sets"][0], 8)
    budget = Budget()
    with pytest.raises(Failure, match="units of work \\(weak duality bounds\\)"):
        pieces_covers(model, N, N, cert["claim"]["iterate"], [1], 1, cert["evidence"][1]["pieces"], "c", budget)
    assert budget.used > MAX_PIECES_WORK


@pytest.mark.slow
def test_attack_weak_duality_coprime_denominators_hang(tmp_path):
    """Hang: one 'empty' entry with 256 multipliers of pairwise coprime 4000-digit denominators in R^64 (1 MB) sums
    numbers of a million digits 64 times 256 times (about 15 minutes; 16 MB: hours); refused within the budget."""
    finished, ok, msg = _check_in_subprocess(tmp_path, _coprime_multipliers_cert(64, 256, 4000), timeout=30)
    assert finished, msg
    assert not ok and "units of work" in msg


def test_small_multipliers_are_charged_for_their_parsing():
    """Reading a multiplier costs 7 to 25 us (q_parse), whatever its value: 255 zero multipliers cost at least 255000
    units."""
    n, m = 2, 255
    canon = {"kind": "plrnn", "A": ["1"] * n, "W": [["0"] * n for _ in range(n)], "h": ["0"] * n}
    model = parse_plrnn(canon)
    N = hsets.parse_hset({"c": ["0", "0"], "M": [["1", "1/3"], ["1/5", "1"]]}, 2)
    budget = Budget()
    with pytest.raises(Failure, match="do not show the piece empty"):
        pieces_covers(model, N, N, 129, [1], 1, [["split"]] * m + [["empty", ["0"] * m]], "c", budget)
    assert budget.used >= 1000 * m


# ----------------------------------------------------------------------------- work: the interpreter

def _trivial_coverings_cert(a: int, b: int) -> dict:
    """The identity of R^2 under f^256: a copies of the long set c + diag(2, 1/2) cover b copies of the unit square
    around c = (100, 100) (every sign decided by the box bound: no entries); the sets overlap, found only after the
    coverings."""
    canon = {"kind": "plrnn", "A": ["1", "1"], "W": [["0", "0"], ["0", "0"]], "h": ["0", "0"]}
    src = {"c": ["100", "100"], "M": [["2", "0"], ["0", "1/2"]]}
    tgt = {"c": ["100", "100"], "M": [["1", "0"], ["0", "1"]]}
    covs = [{"fact": "covering", "from": i, "to": a + j, "degree": 1, "pieces": []} for i in range(a) for j in range(b)]
    return _cert(canon, [src] * a + [tgt] * b, covs, 256)


def test_a_step_is_charged_its_interpreter_cost():
    """A 2-D covering under f^256 with no entry costs about 46 us a step in Python (1000 of them 9.5 s) but was charged
    22 units a step (the budget allowed 2^31 / 22 steps, about an hour); now at least 5000 units a step."""
    cert = _trivial_coverings_cert(1, 1)
    model = parse_plrnn(cert["map"]["canonical"])
    N1, N2 = (hsets.parse_hset(d, 2) for d in cert["evidence"][0]["sets"])
    budget = Budget()
    assert pieces_covers(model, N1, N2, 256, [1], 1, [], "c", budget) == 1
    assert budget.used >= 256 * 5000


@pytest.mark.slow
def test_attack_many_trivial_coverings_hang(tmp_path):
    """Hang: 240000 entry-free coverings of R^2 under f^256 (15 MB) follow 61 million steps (about 40 minutes) within
    the former budget; refused after about 2^31 / (256 * 7000) of them."""
    finished, ok, msg = _check_in_subprocess(tmp_path, _trivial_coverings_cert(400, 600), timeout=90)
    assert finished, msg
    assert not ok and "units of work" in msg


def test_step_matrices_do_not_accumulate_in_the_model():
    """The traversal builds its step matrices A + W D itself (at most MAX_JACOBIANS kept per covering): the model's
    own cache, shared by all coverings of a certificate, gains only the two patterns read for their bits."""
    A, W, h = [F(3), F(1, 4)], [[F(-6), F(0)], [F(1, 8), F(0)]], [F(1), F(0)]
    c1, M1 = [F(-1, 3), F(0)], [[F(1, 4), F(0)], [F(0), F(1, 2)]]
    Minv = [[F(4), F(0)], [F(0), F(2)]]
    entries = _stream(A, W, h, c1, M1, c1, Minv, 3, [1])
    model = parse_plrnn(_canon(A, W, h))
    N = hsets.parse_hset(_hset(c1, M1), 2)
    try:
        pieces_covers(model, N, N, 3, [1], 1, entries, "c")
    except Failure:
        pass
    assert set(model._jac) <= {(0, 0), (1, 1)}


# ----------------------------------------------------------------------------- soundness: an exact oracle

def _inv(M):
    """Gauss-Jordan over Fractions."""
    n = len(M)
    R = [list(r) + [F(int(i == j)) for j in range(n)] for i, r in enumerate(M)]
    for c in range(n):
        p = next(r for r in range(c, n) if R[r][c] != 0)
        R[c], R[p] = R[p], R[c]
        R[c] = [x / R[c][c] for x in R[c]]
        for r in range(n):
            if r != c and R[r][c] != 0:
                R[r] = [x - R[r][c] * y for x, y in zip(R[r], R[c])]
    return [r[n:] for r in R]


def _sampled(A, W, h, c1, M1, c2, M2, k, signs, grid=4):
    """Exact iteration in Fractions of the grid points of the cube [-1, 1]^n (vertices and faces included): do the
    covering conditions (a) and (b) hold at every sample? (necessary for the covering)"""
    n, u, Mi = len(A), len(signs), _inv(M2)
    pts = [F(2 * i, grid) - 1 for i in range(grid + 1)]
    for t in itertools.product(pts, repeat=n):
        z = [c1[i] + sum(M1[i][j] * t[j] for j in range(n)) for i in range(n)]
        for _ in range(k):
            z = step(A, W, h, z)
        g = [sum(Mi[i][j] * (z[j] - c2[j]) for j in range(n)) for i in range(n)]
        if any(not -1 < g[s] < 1 for s in range(u, n)):
            return False
        if any(abs(t[i]) == 1 and not g[i] * t[i] * signs[i] > 1 for i in range(u)):
            return False
    return True


def _kernel(A, W, h, c1, M1, c2, M2, k, signs, entries):
    n = len(A)
    model = parse_plrnn(_canon(A, W, h))
    N1, N2 = hsets.parse_hset(_hset(c1, M1), n), hsets.parse_hset(_hset(c2, M2), n)
    try:
        return pieces_covers(model, N1, N2, k, signs, len(signs), entries, "c")
    except Failure as e:
        return str(e)


def _tents(n, rng, eps):
    """A product of tents x -> 1 - 3|x| in every coordinate (u = n unstable directions), coupled by small weights."""
    A = [F(3)] * n
    W = [[F(-6) if i == j else eps * rng.choice([0, 0, 1, -1]) for j in range(n)] for i in range(n)]
    return A, W, [F(1)] * n


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10 ** 6), st.sampled_from([F(0), F(1, 64), F(1, 16)]), st.sampled_from([1, 2]),
       st.lists(st.sampled_from([F(1, 12), F(1, 6), F(1, 4), F(1, 3), F(5, 12)]), min_size=2, max_size=2))
def test_no_stable_direction_coverings_hold_where_accepted(seed, eps, k, cs):
    """u = n = 2 (no stable direction: only exit faces, with a list of degree signs): an accepted covering of a square
    by a square (centres on multiples of 1/12, so faces and vertices hit the kinks x = 0, y = 0 of f and f^2) under a
    coupled product of tents satisfies the exit conditions at every sampled point (exact iteration)."""
    rng = random.Random(seed)
    A, W, h = _tents(2, rng, eps)
    c1 = [cs[0] * rng.choice([1, -1]), cs[1] * rng.choice([1, -1])]
    c2 = [F(rng.choice([-4, 4]), 12), F(rng.choice([-4, 4]), 12)]
    M1 = [[F(1, 4), F(0)], [F(0), F(1, 4)]]
    M2 = [[F(1, 4), F(0)], [F(0), F(1, 4)]]
    signs = [rng.choice([1, -1]), rng.choice([1, -1])]
    entries = _stream(A, W, h, c1, M1, c2, _inv(M2), k, signs)
    verdict = _kernel(A, W, h, c1, M1, c2, M2, k, signs, entries)
    if isinstance(verdict, int):
        assert _sampled(A, W, h, c1, M1, c2, M2, k, signs, grid=6)


def test_no_stable_direction_product_of_tents_is_accepted_with_the_right_signs():
    """(1 - 3|x|, 1 - 3|y|) maps [1/12, 7/12]^2 across itself reversing both coordinates: signs (-1, -1) accepted with
    u = 2, (1, -1), (-1, 1), (1, 1) refused; the oracle agrees on all four."""
    A, W, h = _tents(2, random.Random(0), F(0))
    c, M = [F(1, 3), F(1, 3)], [[F(1, 4), F(0)], [F(0), F(1, 4)]]
    for signs in ([-1, -1], [1, -1], [-1, 1], [1, 1]):
        entries = _stream(A, W, h, c, M, c, _inv(M), 1, signs)
        verdict = _kernel(A, W, h, c, M, c, M, 1, signs, entries)
        assert isinstance(verdict, int) == (signs == [-1, -1]) == _sampled(A, W, h, c, M, c, M, 1, signs), signs


def test_three_dimensional_coverings_agree_with_the_oracle():
    """n = 3 with u = 1 and u = 2 (tents in the unstable coordinates, a contraction mixing relu of all of them in the
    stable one): every accepted covering under f and f^2 holds at every sampled point, and both verdicts occur."""
    rng = random.Random(5)
    accepted = rejected = 0
    for _ in range(16):
        u = rng.choice([1, 2])
        A = [F(3)] * u + [F(rng.choice([0, 1, -1]), 4)] * (3 - u)
        W = [[(F(-6) if i == j else F(rng.choice([0, 0, 1, -1]), 32)) if i < u else F(rng.choice([0, 1, -1]), 8)
              for j in range(3)] for i in range(3)]
        h = [F(1)] * u + [F(0)] * (3 - u)
        c1 = [F(rng.choice([-4, 4]), 12) + F(rng.randint(-1, 1), 24) for _ in range(u)] + [F(0)] * (3 - u)
        c2 = [F(rng.choice([-4, 4]), 12) for _ in range(u)] + [F(rng.randint(-1, 1), 16)] * (3 - u)
        M1 = [[F(1, 4) if i == j else F(0) for j in range(3)] for i in range(3)]
        M2 = [[(F(1, 4) if i < u else F(1, 2)) if i == j else F(0) for j in range(3)] for i in range(3)]
        M1[2][0] = F(rng.randint(-1, 1), 16)
        signs = [(-1 if c1[i] > 0 else 1) * rng.choice([1, 1, -1]) for i in range(u)]
        k = rng.choice([1, 1, 2])
        entries = _stream(A, W, h, c1, M1, c2, _inv(M2), k, signs)
        verdict = _kernel(A, W, h, c1, M1, c2, M2, k, signs, entries)
        if isinstance(verdict, int):
            accepted += 1
            assert _sampled(A, W, h, c1, M1, c2, M2, k, signs, grid=4), (A, W, c1, c2, k, signs)
        else:
            rejected += 1
    assert accepted >= 2 and rejected >= 2, (accepted, rejected)


def _hostile_streams(entries, rng, count=40):
    """Mutations of an entry stream: multipliers scaled, permuted, zeroed or made huge, kinds swapped ('+' for '-',
    'bound' for 'empty', 'split' for 'empty' with zero multipliers), entries dropped or duplicated."""
    out = []
    for _ in range(count):
        e = copy.deepcopy(entries)
        if not e:
            break
        i = rng.randrange(len(e))
        kind = e[i][0]
        r = rng.randrange(6)
        if kind != "split" and r == 0:
            e[i][1] = [_q(F(x) * rng.choice([2, F(1, 2), 10 ** 6])) for x in e[i][1]]
        elif kind != "split" and r == 1:
            rng.shuffle(e[i][1])
        elif kind != "split" and r == 2:
            e[i][1] = [rng.choice(["0", "1000000", "1/1000000"]) for _ in e[i][1]]
        elif r == 3:
            e[i][0] = {"+": "-", "-": "+", "bound": "empty", "empty": "bound", "split": "empty"}[kind]
            if kind == "split":
                e[i] = ["empty", ["0"] * 0]
        elif r == 4:
            del e[i]
        else:
            e.insert(i, copy.deepcopy(e[i]))
        out.append(e)
    return out


def test_hostile_streams_never_prove_a_false_covering():
    """False coverings of the tent PLRNN (a wrong degree, a target off the image, a source folded at the kink, a target
    wider than the image) are refused with their own oracle stream, with the stream of the nearby true covering, and
    with 40 mutations of each (scaled, permuted, zeroed, huge multipliers;
    swapped kinds; dropped, duplicated entries)."""
    A, W, h = [F(3), F(1, 4)], [[F(-6), F(0)], [F(1, 8), F(0)]], [F(1), F(0)]
    M = [[F(1, 4), F(0)], [F(0), F(1, 2)]]
    good = ([F(-1, 3), F(0)], M, [F(1, 3), F(0)], M, [1])
    false = [
        ([F(-1, 3), F(0)], M, [F(1, 3), F(0)], M, [-1]),                                  # wrong degree
        ([F(-1, 3), F(0)], M, [F(1, 3), F(3, 4)], M, [1]),                                # target off the image in y
        ([F(0), F(0)], [[F(7, 12), F(0)], [F(0), F(1, 2)]], [F(1, 3), F(0)], M, [1]),     # source folded at the kink
        ([F(-1, 3), F(0)], M, [F(1, 3), F(0)], [[F(3, 2), F(0)], [F(0), F(1, 2)]], [1]),  # target wider than the image
    ]
    rng = random.Random(7)
    gc1, gM1, gc2, gM2, gs = good
    good_stream = _stream(A, W, h, gc1, gM1, gc2, _inv(gM2), 1, gs)
    assert isinstance(_kernel(A, W, h, gc1, gM1, gc2, gM2, 1, gs, good_stream), int)
    for c1, M1, c2, M2, signs in false:
        assert not _sampled(A, W, h, c1, M1, c2, M2, 1, signs, grid=12)
        own = _stream(A, W, h, c1, M1, c2, _inv(M2), 1, signs)
        for entries in [own, good_stream, *_hostile_streams(own, rng), *_hostile_streams(good_stream, rng)]:
            assert not isinstance(_kernel(A, W, h, c1, M1, c2, M2, 1, signs, entries), int), (c1, M1, c2, M2, signs)


def test_statement_counts_pieces_over_all_coverings():
    """The statement's piece count is the sum over the pieces coverings (the tent horseshoe: 4 coverings of 2 pieces
    each, split at y = 0), said as such, not 8 pieces covering each source set."""
    from tests.test_plrnn_pieces import _tent_cert
    res = check(_tent_cert())
    assert res.ok, res.message
    assert "(8 pieces over the 4 pieces coverings;" in res.statement


def test_json_roundtrip_of_the_attack_certificates_is_small():
    """The reproducers stay within the file limits they target (16 MB, 2 million values)."""
    s = json.dumps(_trivial_coverings_cert(400, 600), separators=(",", ":"))
    assert len(s) < 16 * 2 ** 20
    s = json.dumps(_coprime_multipliers_cert(64, 256, 4000))
    assert len(s) < 16 * 2 ** 20


def test_step_matrix_cache_cleared_at_its_cap_keeps_the_verdicts(monkeypatch):
    """With the step-matrix cache capped at one pattern (cleared whenever a new one comes) the tent horseshoe still
    checks and a wrong degree is still refused: the cap changes memory, not the matrices."""
    import certify.checker.plrnn_pieces as pp
    from tests.test_plrnn_pieces import _tent_cert
    monkeypatch.setattr(pp, "MAX_JACOBIANS", 1)
    cert = _tent_cert()
    assert check(cert).ok
    cert["evidence"][1]["degree"] = -cert["evidence"][1]["degree"]
    assert not check(cert).ok


@pytest.mark.slow
def test_lorenz_horseshoe_under_f80_keeps_half_the_budget(monkeypatch):
    """The 2-set horseshoe of the Lorenz PLRNN under f^80 (docs/research/lorenz-horseshoe.md; 4 pieces coverings,
    oracle streams) checks with the recalibrated charges and uses less than half of MAX_PIECES_WORK (0.64e9 units)."""
    from pathlib import Path
    from certify.maps.plrnn import load_plrnn
    root = Path(__file__).resolve().parent.parent
    net = load_plrnn(str(root / "examples/lorenz_plrnn.safetensors"))
    model = parse_plrnn(net.canonical)
    d = json.loads((root / "docs/research/lorenz_f80_candidate.json").read_text())
    hx = lambda s: F(float.fromhex(s))  # noqa: E731
    k, n = d["k"], model.n
    sets = [([hx(v) for v in d["x"]], [[hx(v) for v in r] for r in d["Ma"]]),
            ([hx(v) for v in d["y"]], [[hx(v) for v in r] for r in d["Mb"]])]
    H = [hsets.parse_hset(_hset(c, M), n) for c, M in sets]
    fq = lambda x: F(int(x.p), int(x.q))  # noqa: E731
    A, W, h = [fq(a) for a in model.A], [[fq(w) for w in r] for r in model.W], [fq(v) for v in model.h]
    covs = []
    for i in range(2):
        for j in range(2):
            Minv = [[fq(H[j].Minv[a, b]) for b in range(n)] for a in range(n)]
            ent = _stream(A, W, h, sets[i][0], sets[i][1], sets[j][0], Minv, k, [1 if i == 0 else -1])
            covs.append({"fact": "covering", "from": i, "to": j, "degree": 1 if i == 0 else -1, "pieces": ent})
    cert = _cert(net.canonical, [_hset(c, M) for c, M in sets], covs, k)
    cert["entropy"] = {"weights": [1, 1], "rho_lower": "2", "lower": "433/50000"}
    budgets = []
    real = hsets.Budget
    monkeypatch.setattr(hsets, "Budget", lambda: budgets.append(real()) or budgets[-1])
    res = check(cert)
    assert res.ok, res.message
    assert 0 < budgets[0].used < MAX_PIECES_WORK // 2


def test_mixed_grid_and_pieces_coverings_are_each_checked():
    """The tent horseshoe with two coverings on grids of boxes and two by pieces (f^1): accepted, its statement names
    the pieces part as such; a wrong degree on either kind, or a grid covering under f^9, is refused."""
    from tests.test_plrnn_pieces import _tent_cert
    base = _tent_cert()
    for t in (1, 4):
        base["evidence"][t] = {k: v for k, v in base["evidence"][t].items() if k != "pieces"} | {"grid": 8}
    res = check(base)
    assert res.ok, res.message
    assert "for the pieces coverings: f^1 exactly affine" in res.statement
    for t in (1, 2):
        bad = copy.deepcopy(base)
        bad["evidence"][t]["degree"] = -bad["evidence"][t]["degree"]
        assert not check(bad).ok, t
    bad = copy.deepcopy(base)
    bad["claim"]["iterate"] = 9
    res = check(bad)
    assert not res.ok and "k <= 8" in res.message
