"""Every window of the logistic family to period 10 without elimination (fact logistic_births)."""

import copy
import functools

import mpmath
import numpy as np
import pytest
from flint import fmpq

from certify.certificates import interval, interval_parse
from certify.checker import check
from certify.checker.dynatomic import mobius
from certify.maps import parse_family
from certify.arith import Budget
from certify.thresholds import _windows_logistic, certify_windows
from certify.thresholds.births import births_fact

FAM = parse_family("logistic(r)", "r")


def a000048(n: int) -> int:
    """OEIS A000048, by its closed formula (1/2n) sum over odd d | n of mu(d) 2^(n/d)."""
    return sum(mobius(d) * 2 ** (n // d) for d in range(1, n + 1, 2) if n % d == 0) // (2 * n)


@functools.lru_cache(maxsize=None)
def windows(p: int, a=(3, 1), b=(4, 1)) -> dict:
    rng = (fmpq(*a), fmpq(*b))
    # p <= 6 goes by exact elimination by default; the births route is called directly there
    cert = certify_windows(FAM, p, rng) if p > 6 else _windows_logistic(FAM, p, rng, 30, Budget())
    assert cert["verdict"] == "proved" and check(cert).ok
    return cert


def births(cert: dict):
    fact = cert["evidence"][0]
    return [(bt["kind"], interval_parse(bt["r"]), interval_parse(bt["x"])) for bt in fact["births"]]


def float_count(p: int, r: float, n: int = 2_000_000) -> int:
    """Orbits of minimal period p of f_r, by sign changes of f^d(x) - x on a float grid (an oracle)."""
    x = np.linspace(-1e-9, 1 + 1e-9, n)

    def roots(d):
        y = x.copy()
        for _ in range(d):
            y = r * y * (1 - y)
        s = np.sign(y - x)
        return int(np.count_nonzero(s[1:] != s[:-1]))
    return sum(mobius(p // d) * roots(d) for d in range(1, p + 1) if p % d == 0) // p


def counts_at(cert: dict, r: float) -> int:
    """The certificate's orbit count at r (0 before the first window)."""
    p = cert["claim"]["p"]
    for w in cert["windows"]:
        lo = float(sum(interval_parse(w["from"])) / 2)
        if r > lo:
            bs = [float(sum(R) / 2) for _, R, _ in births(cert)]
            k = sum(1 for c in bs if c < r) - sum(1 for c in bs if c <= lo)
            return w["orbits"][k]
    assert p
    return 0


@pytest.mark.parametrize("p", [3, 4, 5, 6, 7, 8])
def test_number_of_births_is_a000048(p):
    """The births of period p in (3, 4] are as many as the superstable parameters (A000048, closed formula)."""
    fact = births_fact(p, fmpq(3), 30)
    assert len(fact["births"]) == a000048(p) == fact["tags"].count("c")


@pytest.mark.slow
@pytest.mark.parametrize("p", [9, 10])
def test_number_of_births_is_a000048_slow(p):
    """The same for p = 9, 10 (28 and 51 births), through the kernel."""
    cert = windows(p)
    assert len(births(cert)) == a000048(p) == {9: 28, 10: 51}[p]


@pytest.mark.parametrize("p", [5, pytest.param(6, marks=pytest.mark.slow)])
def test_births_agree_with_exact_elimination(p):
    """Each birth lies in a root interval of B = disc * lc of Phi_p, and they are the same number."""
    exact = certify_windows(FAM, p, (fmpq(7, 2), fmpq(4)))
    roots = [interval_parse(r) for r in exact["evidence"][0]["roots"]]
    got = [R for _, R, _ in births(windows(p))]
    got = [R for R in got if R[0] > fmpq(7, 2)]
    assert len(got) == len(roots)
    assert all(a <= hi and lo <= b for (lo, hi), (a, b) in zip(got, roots))


@pytest.mark.parametrize("p", [7, 8])
def test_births_against_mpmath_newton(p):
    """Newton at 50 digits on the fold (or period-doubling) system lands in every 30-digit enclosure."""
    mpmath.mp.dps = 50
    try:
        for kind, (r0, r1), (x0, x1) in births(windows(p)):
            n, s = (p, 1) if kind == "saddle-node" else (p // 2, -1)

            def system(x, r, n=n, s=s):
                y, d = x, mpmath.mpf(1)
                for _ in range(n):
                    y, d = r * y * (1 - y), d * r * (1 - 2 * y)
                return [y - x, d - s]
            guess = (mpmath.mpf(float((x0 + x1) / 2)), mpmath.mpf(float((r0 + r1) / 2)))
            x, r = mpmath.findroot(system, guess)
            assert r1 - r0 <= fmpq(1, 10 ** 30)
            assert mpmath.mpf(int(r0.p)) / int(r0.q) <= r <= mpmath.mpf(int(r1.p)) / int(r1.q)
    finally:
        mpmath.mp.dps = 15


def test_superstable_parameters_against_mpmath():
    """Newton at 50 digits on f_r^7(1/2) = 1/2 from a float scan finds 9 superstable parameters of
    period 7 in (3, 4], each just above one birth."""
    mpmath.mp.dps = 50
    try:
        def S(r, n=7):
            y = mpmath.mpf(1) / 2
            for _ in range(n):
                y = r * y * (1 - y)
            return y - mpmath.mpf(1) / 2
        grid = np.linspace(3, 4, 200_001)
        y = np.full_like(grid, 0.5)
        for _ in range(7):
            y = grid * y * (1 - y)
        s = np.sign(y - 0.5)
        found = sorted({round(float(mpmath.findroot(S, grid[i])), 12) for i in np.nonzero(s[1:] != s[:-1])[0]})
        found = [c for c in found if abs(S(c, 1)) > 1e-9]  # period 7 is prime: only r = 2 (period 1) to drop
    finally:
        mpmath.mp.dps = 15
    bs = [float(sum(R) / 2) for _, R, _ in births(windows(7))]
    assert len(found) == len(bs) == 9
    assert all(b < c < b + 0.02 for b, c in zip(bs, found))


@pytest.mark.parametrize("p, r", [(7, 3.9), (8, 3.9), (8, 3.99),
                                  pytest.param(9, 3.8, marks=pytest.mark.slow)])
def test_orbit_counts_against_a_float_grid(p, r):
    """The certified number of p-orbits at r matches sign changes of f^d(x) - x on a float grid."""
    assert counts_at(windows(p), r) == float_count(p, r)


def test_orbit_counts_match_certify_orbits():
    """At r = 39/10 the count of 8-orbits is the 9 that certify orbits proves (1D ball machinery)."""
    assert counts_at(windows(8), 3.9) == 9


def test_kinds_of_births():
    """Period 8 has two period doublings (of the period-4 cascade and window) among its 16 births."""
    kinds = [k for k, _, _ in births(windows(8))]
    assert kinds.count("period-doubling") == 2 and kinds[0] == "period-doubling"


def test_range_ending_below_4():
    """On [3.5, 3.9] only the births below 3.9 bound the windows; the orbit counts still follow from f_4."""
    cert = windows(7, (7, 2), (39, 10))
    assert [w["orbits"] for w in cert["windows"]] == [[2, 4, 6]]


def _tamper(edit):
    cert = copy.deepcopy(windows(7))
    fact = cert["evidence"][0]
    edit(cert, fact)
    return check(cert)


@pytest.mark.parametrize("edit, why", [
    (lambda c, f: f.update(tags=f["tags"].replace("c", "x", 1)), "not proved non-zero"),
    (lambda c, f: f.update(tags=f["tags"].replace("x", "c", 1)), "unique zero"),
    (lambda c, f: f["births"].pop(), "births for 9 centers"),
    (lambda c, f: f["births"][0].update(kind="period-doubling"), "period doubling gives an even period"),
    (lambda c, f: f["births"][1].update(r=f["births"][0]["r"]), "not proved"),
    (lambda c, f: f["births"][0].update(r=interval(*[v + fmpq(1, 10 ** 20) for v in
                                                     interval_parse(f["births"][0]["r"])])), "not proved"),
    (lambda c, f: c["windows"][0]["orbits"].__setitem__(0, 4), "stated windows"),
    (lambda c, f: f["cuts"].__setitem__(-1, "5"), "tile [A, 4]"),
    (lambda c, f: c["map"]["canonical"].update(expr="r*x*(1 - x) + x/1000"), ""),
    (lambda c, f: f.update(prec=8), "precision"),
])
def test_tampered_births_rejected(edit, why):
    """A changed tag, birth, kind, enclosure, orbit count, cell or map makes the kernel refuse the certificate."""
    res = _tamper(edit)
    assert not res.ok and why in res.message


def test_other_families_refused():
    """The fact holds only for r*x*(1 - x): the kernel refuses it for another quadratic family."""
    cert = copy.deepcopy(windows(7))
    cert["map"]["canonical"]["expr"] = "r*x*(1 - x)/2"
    cert["map"]["given"] = "r*x*(1 - x)/2"
    res = check(cert)
    assert not res.ok
