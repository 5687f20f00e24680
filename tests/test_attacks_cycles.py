"""Adversarial certificates against the claim polymap_cycles (checker/nd_orbits.py: every orbit of minimal
period p of a polynomial map of R^n by the subdivision of the cyclic system).

Ground truth comes from closed forms checked in Fraction arithmetic (fixed points and 2-cycles of maps built
for it), necklace counts of the Chebyshev-type map x -> 1 - 2 x^2, and the known Hénon counts. The first
group were holes (a segfault, hours of work within the cap, a false displayed statement, two caps for one
claim) and pass since the fixes; the second group documents forgeries the kernel refuses.
"""

from __future__ import annotations

import copy
import json
import math
import subprocess
import sys
import textwrap
from fractions import Fraction as Q

import pytest
from flint import fmpq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certify.checker import check
from certify.checker import nd_orbits as N
from certify.checker.polymap import parse_polymap
from certify.checker.semantics import workprec
from certify.checker.statement import Failure
from strategies import examples


def _canon(comps, names=("x", "y")) -> dict:
    return {"kind": "polymap", "vars": list(names), "f": [[[str(c), list(e)] for c, e in comp] for comp in comps]}


def _claim(p, region, basis="domain", trap=0, question=None) -> dict:
    claim = {"kind": "polymap_cycles", "p": p, "region": [{"lo": str(lo), "hi": str(hi)} for lo, hi in region],
             "basis": basis, "trap": trap}
    if question:
        claim["question"] = question
    return claim


def _claimed_none(comps, p, region, names=("x", "y"), prec=64, **kw) -> dict:
    """A certificate claiming no orbit, built without running the kernel."""
    return {"schema": "certify/1", "map": {"canonical": _canon(comps, names), "class": "polynomial"},
            "claim": _claim(p, region, **kw), "verdict": "proved", "precision": prec, "orbits": [], "count": 0,
            "evidence": [{"fact": "cycle_subdivision", "nodes": 1, "tests": 0}]}


def _cert(comps, p, region, names=("x", "y"), prec=64, **kw) -> dict:
    """A certificate whose fields are the kernel's own derivation (so check accepts it iff the search closes);
    a search that does not close gives a forged one claiming no orbit."""
    cert = _claimed_none(comps, p, region, names, prec, **kw)
    can, claim = cert["map"]["canonical"], cert["claim"]
    try:
        with workprec(prec):
            found = N.search_cycles(parse_polymap(can), claim)
            entries = N.cycle_entries(found)
    except Failure:
        return cert
    cert.update(orbits=entries, count=len(entries),
                evidence=[{"fact": "cycle_subdivision", "nodes": found["nodes"], "tests": found["tests"]}])
    if claim.get("question") == "period" and not entries:
        cert["verdict"] = "refuted"
    return cert


def _f(comps, z):
    """The map at a rational point, in Fractions (the oracle)."""
    out = []
    for comp in comps:
        s = Q(0)
        for c, e in comp:
            t = Q(c)
            for v, k in zip(z, e):
                t *= Q(v) ** k
            s += t
        out.append(s)
    return out


def _inside(entry, z, t=0) -> bool:
    n = len(z)
    return all(Q(b["lo"]) <= v <= Q(b["hi"]) for b, v in zip(entry["box"][t * n:(t + 1) * n], z))


# ----------------------------------------------------------------------------- were accepted, crashed or ran long

CUBE = [[(-1, (3, 0))], [("1/2", (0, 1))]]  # (-x^3, y/2): superattracting fixed point (0, 0)


def test_superattracting_point_on_a_face_is_a_clean_rejection():
    """(-x^3, y/2), p = 2 in [0, 2] x [-1, 1]: the contraction cubed an end's exponent per node and its exact
    fmpq took gigabytes (segfault); now a clean rejection (run in a subprocess with 2 GB, so a regression fails)."""
    cert = _claimed_none(CUBE, 2, [(0, 2), (-1, 1)])
    code = textwrap.dedent(f"""
        import json, resource
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
        from certify.checker import check
        r = check(json.loads({json.dumps(json.dumps(cert))}))
        print(json.dumps([r.ok, r.message]))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-500:]
    ok, message = json.loads(out.stdout)
    assert not ok and "bisections" in message


def test_end_rounding_is_outward():
    """_end rounds an end within 2^-TINY_BITS of 0 outward (down for a lower end, up for an upper one), else exactly."""
    from flint import arb
    tiny = arb(fmpq(1, 2 ** (N.TINY_BITS + 5)))
    assert N._end(tiny, False) == 0 and N._end(tiny, True) == fmpq(1, 2 ** N.TINY_BITS)
    assert N._end(-tiny, False) == -fmpq(1, 2 ** N.TINY_BITS) and N._end(-tiny, True) == 0
    assert N._end(arb(fmpq(3, 8)), False) == fmpq(3, 8) and N._end(arb(0), True) == 0


GCUBE = [[("-1/2", (3, 0)), ("-1/2", (1, 0))], [("1/2", (0, 1))]]  # 2-cycle {(1, 0), (-1, 0)}, saddle


def test_domain_refutation_does_not_claim_points_of_b():
    """(-(x^3 + x)/2, y/2) has the 2-cycle (1, 0) <-> (-1, 0) and (1, 0) lies in B = [1/3, 2] x [-1, 1]: the
    refutation for B (basis domain) must say no orbit *contained* in B, not 'no point of minimal period 2 in B'."""
    assert _f(GCUBE, (1, 0)) == [-1, 0] and _f(GCUBE, (-1, 0)) == [1, 0]
    cert = _cert(GCUBE, 2, [("1/3", 2), (-1, 1)], question="period")
    r = check(cert)
    assert r.ok and cert["verdict"] == "refuted"
    assert "no point of minimal period 2" not in r.statement
    assert "has no orbit of minimal period 2 contained in B" in r.statement
    from certify.reporting.nd_orbits import render_polymap_cycles
    cert["map"]["given"] = "(-1/2*x^3 - 1/2*x, 1/2*y)"
    assert "REFUTED: no orbit of minimal period 2 contained in B" in render_polymap_cycles(cert)
    whole = _cert(GCUBE, 2, [(-2, 2), ("-1/3", 1)])
    assert check(whole).ok and whole["count"] == 1 and _inside(whole["orbits"][0], (-1, 0))
    assert whole["orbits"][0]["stability"] == "saddle"  # multipliers 4 and 1/4


HENON = [[(1, (0, 0)), ("-7/5", (2, 0)), (1, (0, 1))], [("3/10", (1, 0))]]
HENON_B = [("-10/7", "10/7"), ("-3/7", "3/7")]


def test_work_units_scale_with_the_precision():
    """A unit is calibrated at 64 bits: at 640 bits every unit counts 10 (65536 bits ran about 500 times slower,
    so a certificate could spend the whole cap in hours)."""
    m = parse_polymap(_canon(HENON))
    claim = _claim(2, HENON_B, basis="region_lemma")
    with workprec(64):
        low = N.search_cycles(m, claim)["units"]
    with workprec(640):
        high = N.search_cycles(m, claim)["units"]
    assert high == 10 * low


def test_trapping_check_and_subdivision_share_one_cap(monkeypatch):
    """(x/2 + 1/3, y/3 + 1/5) keeps [-1, 1]^2: with the cap just above the subdivision's own work, a trapping check
    that fits in the cap alone leaves too little for the subdivision (before, each had a whole cap: about 10 s + 20 s)."""
    comps = [[("1/2", (1, 0)), ("1/3", (0, 0))], [("1/3", (0, 1)), ("1/5", (0, 0))]]
    m = parse_polymap(_canon(comps))
    with workprec(64):
        tree = N.search_cycles(m, _claim(1, [(-1, 1), (-1, 1)]))["units"]
        monkeypatch.setattr(N, "MAX_SUB_WORK", tree + 1000)
        assert len(N.search_cycles(m, _claim(1, [(-1, 1), (-1, 1)], basis="trapping", trap=1))["orbits"]) == 1
        cells = math.isqrt(tree // N._eval_cost(m))  # the trapping check alone fits in the cap, not with the tree
        assert cells ** 2 * N._eval_cost(m) > 1000
        N.trapping(m, [(fmpq(-1), fmpq(1))] * 2, cells)
        with pytest.raises(Failure, match="beyond the checker's limit"):
            N.search_cycles(m, _claim(1, [(-1, 1), (-1, 1)], basis="trapping", trap=cells))


# ----------------------------------------------------------------------------- rejected (hypotheses the kernel checks)

def _forge(cert, count) -> dict:
    """cert with `count` orbits listed (copies of a made-up enclosure) and the kernel's fact fields kept."""
    bad = copy.deepcopy(cert)
    n = len(cert["map"]["canonical"]["vars"])
    box = [{"lo": "-1/1000", "hi": "1/1000"}] * (n * cert["claim"]["p"])
    bad.update(orbits=[{"box": box, "stability": "saddle"}] * count, count=count)
    return bad


def test_tied_first_coordinates_are_not_lost():
    """(2x, -y^3) has the 2-cycle (0, 1) <-> (0, -1), both points with x = 0: no rotation is canonical, and the
    kernel refuses to decide (any count is rejected) rather than dropping it."""
    comps = [[(2, (1, 0))], [(-1, (0, 3))]]
    assert _f(comps, (0, 1)) == [0, -1] and _f(comps, (0, -1)) == [0, 1]
    cert = _cert(comps, 2, [(-2, 2), (-3, 2)])
    for k in (0, 1):
        r = check(_forge(cert, k))
        assert not r.ok and "ties" in r.message


def test_zero_on_a_bisection_plane_and_on_the_boundary():
    """(2x + 1/64, y/2) has its fixed point at x = -1/64, the first cut of [-2, 2] at 127/256; (2x, y/2) has (0, 0)
    on the face x = 0 of [0, 1] x [-1, 1]: neither count is decided, so a forged 0 or 1 is rejected."""
    on_plane = [[(2, (1, 0)), ("1/64", (0, 0))], [("1/2", (0, 1))]]
    assert _f(on_plane, (Q(-1, 64), 0)) == [Q(-1, 64), 0] and Q(-2) + 4 * Q(int(N.SPLIT.p), int(N.SPLIT.q)) == Q(-1, 64)
    on_face = [[(2, (1, 0))], [("1/2", (0, 1))]]
    for comps, region in ((on_plane, [(-2, 2), (-2, 2)]), (on_face, [(0, 1), (-1, 1)])):
        cert = _cert(comps, 1, region)
        for k in (0, 1):
            assert not check(_forge(cert, k)).ok


def test_continuum_of_cycles_is_rejected():
    """(y, x) has a continuum of 2-cycles ((u, v) <-> (v, u)) and of fixed points: no count is accepted."""
    comps = [[(1, (0, 1))], [(1, (1, 0))]]
    cert = _cert(comps, 2, [(-1, "3/2"), (-1, "3/2")])
    for k in (0, 1, 2):
        assert not check(_forge(cert, k)).ok


def test_lower_period_is_not_counted():
    """(2x + 1/3, y/2 + 1/5) is affine with no eigenvalue a root of unity: its only periodic point is the fixed
    point (-1/3, 2/5), so 0 orbits of minimal period 2 (a forged 1 is rejected) and 1 saddle fixed point."""
    comps = [[(2, (1, 0)), ("1/3", (0, 0))], [("1/2", (0, 1)), ("1/5", (0, 0))]]
    assert _f(comps, (Q(-1, 3), Q(2, 5))) == [Q(-1, 3), Q(2, 5)]
    two = _cert(comps, 2, [(-2, 2), (-2, 2)])
    assert check(two).ok and two["count"] == 0 and not check(_forge(two, 1)).ok
    one = _cert(comps, 1, [(-2, 2), (-2, 2)])
    assert check(one).ok and one["count"] == 1 and _inside(one["orbits"][0], (Q(-1, 3), Q(2, 5)))
    assert one["orbits"][0]["stability"] == "saddle"
    tampered = copy.deepcopy(one)
    tampered["orbits"][0]["stability"] = "attracting"
    assert not check(tampered).ok


def test_stability_closed_forms():
    """Affine maps with known multipliers: (x/2, y/3) attracting, (2x, 3y) repelling, the rotation-scaling
    ((x - y)/2, (x + y)/2) (|l| = 1/sqrt 2) attracting and 3 times it repelling, each with its fixed point."""
    cases = [([[("1/2", (1, 0)), ("1/3", (0, 0))], [("1/3", (0, 1)), ("1/5", (0, 0))]], (Q(2, 3), Q(3, 10)), "attracting"),
             ([[(2, (1, 0)), ("1/3", (0, 0))], [(3, (0, 1)), ("1/5", (0, 0))]], (Q(-1, 3), Q(-1, 10)), "repelling"),
             ([[("1/2", (1, 0)), ("-1/2", (0, 1)), ("1/7", (0, 0))], [("1/2", (1, 0)), ("1/2", (0, 1))]],
              (Q(1, 7), Q(1, 7)), "attracting"),
             ([[("3/2", (1, 0)), ("-3/2", (0, 1)), ("1/7", (0, 0))], [("3/2", (1, 0)), ("3/2", (0, 1))]],
              (Q(-1, 35), Q(3, 35)), "repelling")]
    for comps, z, want in cases:
        assert _f(comps, z) == list(z)
        cert = _cert(comps, 1, [(-2, 2), (-2, 2)])
        assert check(cert).ok and cert["count"] == 1
        assert _inside(cert["orbits"][0], z) and cert["orbits"][0]["stability"] == want


def test_non_invertible_map_by_its_region_lemma():
    """(1 - 2x^2, x/2) is not invertible (s = 0): its x-dynamics is conjugate to the angle doubling, so the orbits
    of minimal period 1..4 number 2, 1, 2, 3 (necklaces); each has multipliers 0 and (g^p)' (saddle)."""
    comps = [[(1, (0, 0)), (-2, (2, 0))], [("1/2", (1, 0))]]
    for p, count in zip(range(1, 5), (2, 1, 2, 3)):
        cert = _cert(comps, p, [("-998/997", "998/997"), (-1, 1)], basis="region_lemma")
        assert check(cert).ok and cert["count"] == count
        assert {o["stability"] for o in cert["orbits"]} == {"saddle"}


def test_huge_coefficients_conjugate_henon():
    """k f(z / k) with k = 10^20 is conjugate to Hénon (1 - 7/5 x^2 + y, 3/10 x): the same counts 2, 1, 0, 1."""
    k = 10 ** 20
    comps = [[(k, (0, 0)), (f"-7/{5 * k}", (2, 0)), (1, (0, 1))], [("3/10", (1, 0))]]
    region = [(-2 * k, 2 * k), (-k, k)]
    for p, count in zip(range(1, 5), (2, 1, 0, 1)):
        cert = _cert(comps, p, region, basis="region_lemma")
        assert check(cert).ok and cert["count"] == count


def test_region_lemma_refused_for_other_forms():
    """The region lemma is refused for (1 - 7/5 x^2 + y + y^2/100, 3/10 x) (a y^2 term), for b = 0, and for a
    region missing the square [-R, R] x [-|b| R, |b| R]."""
    forms = [[[(1, (0, 0)), ("-7/5", (2, 0)), (1, (0, 1)), ("1/100", (0, 2))], [("3/10", (1, 0))]],
             [[(1, (0, 0)), ("-7/5", (2, 0)), (1, (0, 1))], []]]
    for comps in forms:
        cert = _forge(_cert(HENON, 1, HENON_B, basis="region_lemma"), 2)
        cert["map"]["canonical"] = _canon(comps)
        assert not check(cert).ok
    small = _forge(_cert(HENON, 1, HENON_B, basis="region_lemma"), 2)
    small["claim"]["region"][0] = {"lo": "-1", "hi": "10/7"}
    r = check(small)
    assert not r.ok and "region" in r.message


def test_false_trapping_box_is_rejected():
    """(2x, y/2) maps [-1, 1]^2 onto [-2, 2] x [-1/2, 1/2], not into itself: basis trapping is refused."""
    comps = [[(2, (1, 0))], [("1/2", (0, 1))]]
    cert = _forge(_cert(comps, 1, [(-1, 1), (-1, 1)]), 1)
    cert["claim"].update(basis="trapping", trap=8)
    r = check(cert)
    assert not r.ok and "f(B)" in r.message


def test_map_of_r3_closed_form():
    """(x/2 + 1/3, y/3 + 1/5, z/5 + 1/7) keeps [-2, 2]^3 (checked) and has one fixed point (2/3, 3/10, 5/28),
    attracting."""
    comps = [[("1/2", (1, 0, 0)), ("1/3", (0, 0, 0))], [("1/3", (0, 1, 0)), ("1/5", (0, 0, 0))],
             [("1/5", (0, 0, 1)), ("1/7", (0, 0, 0))]]
    z = (Q(2, 3), Q(3, 10), Q(5, 28))
    assert _f(comps, z) == list(z)
    cert = _cert(comps, 1, [(-2, 2)] * 3, names=("x", "y", "z"), basis="trapping", trap=1)
    assert check(cert).ok and cert["count"] == 1
    assert _inside(cert["orbits"][0], z) and cert["orbits"][0]["stability"] == "attracting"


_QS = st.fractions(min_value=-3, max_value=3, max_denominator=8)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=_QS, b=_QS, c=_QS, d=_QS, e=_QS, f=_QS, p=st.sampled_from([1, 2, 3]))
def test_affine_maps_against_fractions(a, b, c, d, e, f, p):
    """An affine map z -> A z + v of the plane with A^p - I invertible has one periodic point of period dividing p,
    its fixed point (Fractions): the kernel counts 1 fixed point when it lies in the open box, 0 when outside the
    closed box, 0 orbits of minimal period 2 or 3; undecided allowed, a wrong count never."""
    A = [[a, b], [c, d]]

    def mul(X, Y):
        return [[sum(X[i][k] * Y[k][j] for k in range(2)) for j in range(2)] for i in range(2)]
    P = [[Q(1), Q(0)], [Q(0), Q(1)]]
    for _ in range(p):
        P = mul(P, A)
    if (P[0][0] - 1) * (P[1][1] - 1) - P[0][1] * P[1][0] == 0:
        return  # a continuum of periodic points (or none): not this test's case
    det = (a - 1) * (d - 1) - b * c  # nonzero: A - I divides A^p - I
    z = ((-(d - 1) * e + b * f) / det, (c * e - (a - 1) * f) / det)
    comps = [[(t, k) for t, k in ((a, (1, 0)), (b, (0, 1)), (e, (0, 0))) if t], [(t, k) for t, k in
             ((c, (1, 0)), (d, (0, 1)), (f, (0, 0))) if t]]
    assert _f(comps, z) == list(z)
    cert = _cert([[(str(t), k) for t, k in comp] for comp in comps], p, [(-2, 2), (-2, 2)])
    r = check(cert)
    if not r.ok:
        return  # undecided (a cap, a face, a tie): never a count
    inside = all(-2 < v < 2 for v in z)
    outside = any(abs(v) > 2 for v in z)
    if p == 1 and inside:
        assert cert["count"] == 1 and _inside(cert["orbits"][0], z)
    elif p > 1 or outside:
        assert cert["count"] == 0
