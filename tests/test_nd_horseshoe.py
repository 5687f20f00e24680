"""Horseshoes of PLRNN and RNN maps (certify.checker.hsets with network maps, certify.horseshoes.nd): known
horseshoes built by hand (a tent map times a contraction, a product of two tents), tamper tests, an exact
Fraction oracle on the h-sets' faces and interior, an mpmath oracle for the Lipschitz enclosures of tanh and
relu maps, degenerate networks refused honestly."""

import json
import math
from fractions import Fraction

import mpmath
import pytest
from flint import arb, fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

from certify.checker import check
from certify.checker import hsets as H
from certify.certificates import SCHEMA

# x -> 1 - 3|x| = 1 + 3x - 6 relu(x) (a tent map with a Cantor set of entropy log 2), y -> y / 2
TENT = {"kind": "plrnn", "A": ["3", "1/2"], "W": [["-6", "0"], ["0", "0"]], "h": ["1", "0"]}
# (x, y) -> (1 - 3|x|, 1 - 3|y|): entropy log 4 on a Cantor set, both directions unstable
TENT2 = {"kind": "plrnn", "A": ["3", "3"], "W": [["-6", "0"], ["0", "-6"]], "h": ["1", "1"]}


def _cert(canon, sets, covs, unstable=1, lower="69/100", minpoly="x - 2", rho=("1999/1000", "2001/1000")):
    head = {"fact": "hsets", "sets": sets, **({"unstable": unstable} if unstable > 1 else {})}
    return {"schema": SCHEMA, "map": {"given": "test", "canonical": canon, "class": "piecewise-linear"},
            "claim": {"kind": "horseshoe", "iterate": 1}, "verdict": "proved", "precision": 64,
            "evidence": [head] + [{"fact": "covering", "from": i, "to": j, "degree": d, "grid": 1} for i, j, d in covs],
            "entropy": {"minpoly": minpoly, "rho": {"lo": rho[0], "hi": rho[1]}, "lower": lower}}


def _tent_cert():
    """Two h-sets over x in [-19/30, -1/30] and [1/30, 19/30], |y| <= 1: the full 2-shift (f increasing on the
    first, decreasing on the second)."""
    sets = [{"c": ["-1/3", "0"], "M": [["3/10", "0"], ["0", "1"]]},
            {"c": ["1/3", "0"], "M": [["3/10", "0"], ["0", "1"]]}]
    covs = [(i, j, 1 if i == 0 else -1) for i in range(2) for j in range(2)]
    return _cert(TENT, sets, covs)


def _tent2_cert():
    """Four expanding h-sets (no stable direction), the products of the tent's two pieces: the full 4-shift."""
    cs = [(-1, -1), (-1, 1), (1, -1), (1, 1)]
    sets = [{"c": [f"{a}/3", f"{b}/3"], "M": [["3/10", "0"], ["0", "3/10"]]} for a, b in cs]
    covs = [(i, j, [1 if cs[i][0] < 0 else -1, 1 if cs[i][1] < 0 else -1]) for i in range(4) for j in range(4)]
    return _cert(TENT2, sets, covs, unstable=2, lower="138/100", minpoly="x - 4", rho=("3999/1000", "4001/1000"))


def test_known_tent_horseshoe_checks():
    """The tent map times a contraction has the 2-shift on two h-sets: h_top >= log 2 > 0.69."""
    res = check(_tent_cert())
    assert res.ok, res.message
    assert "PLRNN" in res.statement and "Lipschitz" in res.statement and "0.69" in res.statement


def test_two_unstable_directions_check():
    """A product of two tents covers its four expanding h-sets in every order (u = n = 2): h_top >= log 4."""
    res = check(_tent2_cert())
    assert res.ok, res.message
    assert "2 unstable directions" in res.statement


def test_moved_centre_rejected():
    """An h-set moved across the kink x = 0 no longer has its face images beyond the target."""
    c = _tent_cert()
    c["evidence"][0]["sets"][0]["c"] = ["-1/10", "0"]
    assert not check(c).ok


def test_shrunken_set_rejected():
    """Shrinking an h-set's stable size below what y -> y / 2 maps into it breaks the stable condition."""
    c = _tent_cert()
    c["evidence"][0]["sets"][0]["M"][1][1] = "1/4"
    res = check(c)
    assert not res.ok and "stable coordinate" in res.message


def test_false_edge_rejected():
    """A covering to a far-away h-set that the image does not reach is refused."""
    c = _tent_cert()
    c["evidence"][0]["sets"].append({"c": ["5", "0"], "M": [["1/10", "0"], ["0", "1"]]})
    c["evidence"].append({"fact": "covering", "from": 0, "to": 2, "degree": 1, "grid": 1})
    res = check(c)
    assert not res.ok and "covering 0 => 2" in res.message


def test_overstated_entropy_rejected():
    """A bound above log rho(A) = log 2 is refused, and so is a wrong minimal polynomial."""
    c = _tent_cert()
    c["entropy"]["lower"] = "7/10"
    assert not check(c).ok
    c = _tent_cert()
    c["entropy"]["minpoly"] = "x - 3"
    c["entropy"]["rho"] = {"lo": "299/100", "hi": "301/100"}
    assert not check(c).ok


def test_wrong_degree_signs_rejected():
    """u = 2: a covering stated with the wrong sign in one unstable direction is refused, and a scalar degree too."""
    c = _tent2_cert()
    c["evidence"][1]["degree"] = [-1, 1]
    assert not check(c).ok
    c = _tent2_cert()
    c["evidence"][1]["degree"] = 1
    assert not check(c).ok


def _pl_value(canon, z):
    A = [Fraction(a) for a in canon["A"]]
    W = [[Fraction(w) for w in r] for r in canon["W"]]
    h = [Fraction(v) for v in canon["h"]]
    r = [max(v, Fraction(0)) for v in z]
    return [A[i] * z[i] + sum(W[i][j] * r[j] for j in range(len(z))) + h[i] for i in range(len(z))]


@pytest.mark.parametrize("make", [_tent_cert, _tent2_cert])
def test_fraction_oracle_confirms_each_covering(make):
    """Exact Fractions at sampled points of every claimed covering: stable coordinates of the image inside
    (-1, 1), the unstable faces' images beyond +-1 with the stated signs (the covering's necessary conditions)."""
    cert = make()
    head = cert["evidence"][0]
    u, sets = head.get("unstable", 1), head["sets"]
    grid = [Fraction(k, 8) - 1 for k in range(17)]
    for fact in cert["evidence"][1:]:
        N1, N2 = sets[fact["from"]], sets[fact["to"]]
        c1, c2 = [Fraction(v) for v in N1["c"]], [Fraction(v) for v in N2["c"]]
        M1 = [[Fraction(v) for v in r] for r in N1["M"]]
        # both test maps have diagonal M: coordinates by division
        signs = [fact["degree"]] if u == 1 else fact["degree"]
        for t0 in grid:
            for t1 in grid:
                t = [t0, t1]
                z = [c1[i] + sum(M1[i][j] * t[j] for j in range(2)) for i in range(2)]
                fz = _pl_value(cert["map"]["canonical"], z)
                s = [(fz[i] - c2[i]) / Fraction(N2["M"][i][i]) for i in range(2)]
                for i in range(u, 2):
                    assert -1 < s[i] < 1
                for i in range(u):
                    if abs(t[i]) == 1:
                        assert s[i] * t[i] * signs[i] > 1


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(["tanh", "sigmoid", "relu", "hardtanh"]),
       st.lists(st.integers(-8, 8), min_size=6, max_size=6), st.integers(-4, 4), st.integers(-4, 4),
       st.integers(1, 16))
def test_lipschitz_enclosure_contains_mpmath_values(act, ws, x0, y0, width):
    """For x, y in a box, f(x) lies in the kernel's ball image and f(y) - f(x) in Df(box) (y - x) (the mean-value
    inclusion for Lipschitz maps), f computed by mpmath at 60 digits; degenerate weights (zeros) included."""
    canon = {"kind": "rnn", "activation": act, "W": [[f"{ws[0]}/4", f"{ws[1]}/4"], [f"{ws[2]}/4", f"{ws[3]}/4"]],
             "b": [f"{ws[4]}/4", f"{ws[5]}/4"]}
    f = H.parse_map(canon)
    lo = [fmpq(x0, 4), fmpq(y0, 4)]
    r = fmpq(width, 32)
    X = [arb(v).union(arb(v + 2 * r)) for v in lo]
    img, D = f.ball(X), f.jacobian(X)
    mpmath.mp.dps = 60
    acts = {"tanh": mpmath.tanh, "sigmoid": lambda v: 1 / (1 + mpmath.exp(-v)), "relu": lambda v: max(v, 0),
            "hardtanh": lambda v: min(max(v, -1), 1)}

    def F(z):
        return [acts[act](sum(mpmath.mpf(Fraction(canon["W"][i][j]).numerator) / Fraction(canon["W"][i][j]).denominator
                              * z[j] for j in range(2)) + mpmath.mpf(Fraction(canon["b"][i]).numerator)
                          / Fraction(canon["b"][i]).denominator) for i in range(2)]
    pts = [[mpmath.mpf(int(v.p)) / int(v.q) + mpmath.mpf(int(r.p)) / int(r.q) * k for v in lo] for k in (0, 1, 2)]
    pts.append([pts[0][0], pts[2][1]])
    for a in pts:
        fa = F(a)
        for i in range(2):
            assert img[i].lower() <= arb(mpmath.nstr(fa[i] - mpmath.mpf(10) ** -40, 50)) and \
                arb(mpmath.nstr(fa[i] + mpmath.mpf(10) ** -40, 50)) <= img[i].upper() or img[i].contains(
                    arb(mpmath.nstr(fa[i], 50)))
        for b in pts:
            fb = F(b)
            for i in range(2):
                diff = arb(mpmath.nstr(fb[i] - fa[i], 50), 1e-40)
                enc = sum((D[i][j] * arb(mpmath.nstr(b[j] - a[j], 50), 1e-40) for j in range(2)), arb(0))
                assert enc.overlaps(diff)


def test_finder_proves_the_tent_horseshoe():
    """The n-dimensional finder finds h-sets of the tent-times-contraction PLRNN whose coverings the kernel
    verifies, with 0 < lower <= log 2."""
    from certify.horseshoes.nd import nd_certificate
    from certify.maps.plrnn import plrnn_from_mapping

    cert = nd_certificate(plrnn_from_mapping(TENT, "tent"), max_period=5)
    assert cert["verdict"] == "proved" and check(cert).ok
    lower = Fraction(cert["entropy"]["lower"])
    assert 0 < lower <= math.log(2)


@pytest.mark.parametrize("model", [{"kind": "rnn", "activation": "tanh", "W": [[0, 0], [0, 0]], "b": [0, "1/2"]},
                                   {"kind": "plrnn", "A": [0, 0], "W": [[0, 0], [0, 0]], "h": [0, 0]}])
def test_zero_weights_refused_honestly(tmp_path, model):
    """A network with zero weights is a constant map: no unstable periodic orbit, an undecided verdict that says so
    (and the kernel accepts it: nothing is claimed)."""
    import certify

    p = tmp_path / "zero.json"
    p.write_text(json.dumps(model))
    res = certify.chaos(str(p))
    assert res.verdict == "undecided" and "unstable direction" in res.certificate["reason"]
    assert res.check().ok


def test_one_dimensional_network_is_an_input_error(tmp_path):
    """h-sets need n >= 2: a 1-dimensional network is refused with a CertifyError naming the 1D commands."""
    import certify
    from certify.errors import CertifyError

    p = tmp_path / "n1.json"
    p.write_text(json.dumps({"kind": "rnn", "activation": "tanh", "W": [[3]], "b": [0]}))
    with pytest.raises(CertifyError, match="dimension"):
        certify.chaos(str(p))


def test_network_map_budget_counted_before_work():
    """The covering work of a network map is counted from its dimension and the grids before any ball is
    evaluated: 64 coverings on 256-grids are refused at once."""
    c = _tent_cert()
    c["evidence"] = c["evidence"][:1] + [{"fact": "covering", "from": 0, "to": 0, "degree": 1, "grid": H.MAX_GRID}] * 64
    res = check(c)
    assert not res.ok and "limit" in res.message


@pytest.mark.slow
def test_rnn8_gain4_says_what_happens():
    """nn.RNN(8) at gain 4: its periodic orbits mostly have several unstable directions; the verdict is undecided
    with the counts of unstable directions (or proved with a certificate the kernel accepts)."""
    import certify

    res = certify.chaos("examples/rnn8_gain4.safetensors", max_period=6)
    assert res.check().ok
    if res.verdict == "undecided":
        assert "unstable direction" in res.certificate["reason"]


def test_audit_horseshoe_column(tmp_path):
    """The RNN audit counts certified horseshoes with a Clopper-Pearson interval and the undecided; a contraction
    excludes the column; certify.chaos stays the API function."""
    import certify
    from certify.ensembles.rnn_audit import RNNAudit, run_rnn_audit

    s = run_rnn_audit(RNNAudit([2], [0.5, 4.0], 2, seed=0), str(tmp_path / "a"), workers=1, progress=False)
    assert "horseshoe" in s["columns"]
    for r in s["rows"]:
        assert {"horseshoe", "ci95_horseshoe", "horseshoe_undecided"} <= set(r)
        assert r["horseshoe"] + r["horseshoe_undecided"] + r["contraction"] == r["n"]
    lines = [json.loads(x) for x in open(tmp_path / "a" / "results.jsonl")]
    assert all(ln["horseshoe"] == "excluded" for ln in lines if ln["contraction"] == "proved")
    assert callable(certify.chaos)


PROOF = "proofs/plrnn_chaos_horseshoe.cert.json"


def _proof():
    import os
    from certify.certificates import read
    return read(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), PROOF))


def _inv2(M):
    a, b, c, d = M[0][0], M[0][1], M[1][0], M[1][1]
    det = a * d - b * c
    return [[d / det, -b / det], [-c / det, a / det]]


def test_plrnn_chaos_exit_faces_map_outside_the_targets():
    """Exact Fractions on the committed plrnn_chaos horseshoe (u = 2, linear end maps): points of every exit face
    of N_i map under f^k outside N_j, and so does the stated end map A (necessary conditions of each covering)."""
    cert = _proof()
    sets = cert["evidence"][0]["sets"]
    canon = cert["map"]["canonical"]
    k = cert["claim"]["iterate"]
    ts = [Fraction(s, 4) for s in range(-4, 5)]
    for fact in cert["evidence"][1:]:
        N1, N2 = sets[fact["from"]], sets[fact["to"]]
        c1, c2 = [Fraction(v) for v in N1["c"]], [Fraction(v) for v in N2["c"]]
        M1 = [[Fraction(v) for v in r] for r in N1["M"]]
        inv = _inv2([[Fraction(v) for v in r] for r in N2["M"]])
        A = [[Fraction(v) for v in r] for r in fact["linear"]]
        for i in range(2):
            for side in (-1, 1):
                for s in ts:
                    t = [side, s] if i == 0 else [s, side]
                    z = [c1[r] + M1[r][0] * t[0] + M1[r][1] * t[1] for r in range(2)]
                    for _ in range(k):
                        z = _pl_value(canon, z)
                    d = [z[0] - c2[0], z[1] - c2[1]]
                    g = [inv[r][0] * d[0] + inv[r][1] * d[1] for r in range(2)]
                    at = [A[r][0] * t[0] + A[r][1] * t[1] for r in range(2)]
                    assert max(abs(g[0]), abs(g[1])) > 1 and max(abs(at[0]), abs(at[1])) > 1


def test_plrnn_chaos_tampering_rejected():
    """The committed plrnn_chaos horseshoe: a zero end map, a dropped unstable dimension, a moved centre and an
    overstated bound are each rejected."""
    assert check(_proof()).ok
    c = _proof()
    c["evidence"][1]["linear"] = [["0", "0"], ["0", "0"]]
    assert not check(c).ok
    c = _proof()
    del c["evidence"][0]["unstable"]
    assert not check(c).ok
    c = _proof()
    t = c["evidence"][1]["to"]
    c["evidence"][0]["sets"][t]["c"][0] = str(Fraction(c["evidence"][0]["sets"][t]["c"][0]) + Fraction(1, 10))
    assert not check(c).ok
    c = _proof()
    c["entropy"]["lower"] = "13/100"
    assert not check(c).ok


@pytest.mark.slow
def test_finder_reproduces_the_committed_plrnn_chaos_horseshoe(monkeypatch):
    """`certify chaos ../examples/plrnn_chaos.json` from proofs/ gives the committed certificate, byte for byte
    apart from the versions (the finder is deterministic)."""
    import os
    import certify

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    monkeypatch.chdir(os.path.join(root, "proofs"))
    cert = certify.chaos("../examples/plrnn_chaos.json").certificate
    want = _proof()
    assert {k: v for k, v in cert.items() if k != "versions"} == {k: v for k, v in want.items() if k != "versions"}


def test_chaos_reports_its_stages_and_names_both_passes_when_undecided():
    """certify.chaos on a PLRNN without a horseshoe (proofs/plrnn2d.json: attracting cycles) reports the
    short-period stage, then the saddle-cycle stage, to `progress`, and its undecided reason names both."""
    import os

    import certify

    msgs = []
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "proofs", "plrnn2d.json")
    res = certify.chaos(path, progress=msgs.append)
    assert res.verdict == "undecided"
    assert [m.split(" ")[0] for m in msgs] == ["h-sets", "saddle"]
    assert "periods up to 10" in res.certificate["reason"] and "saddle cycles of periods 20-120" in res.certificate["reason"]
