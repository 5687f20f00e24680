"""Complete orbit lists: counts equal the necklace numbers where the theory says so."""

import pytest

from certify.checker import check
from certify.maps import parse_map
from certify.periodic.period import certify_orbits


def necklace(p: int) -> int:
    """(1/p) sum_{d | p} mu(p/d) 2^d: orbits of minimal period p of the full 2-shift."""
    def mu(n):
        res, k = 1, 2
        while k * k <= n:
            if n % k == 0:
                n //= k
                if n % k == 0:
                    return 0
                res = -res
            k += 1
        return -res if n > 1 else res
    return sum(mu(p // d) * 2 ** d for d in range(1, p + 1) if p % d == 0) // p


def test_necklace_reference_values():
    """The formula gives 2, 1, 2, 3, 6, 9, 18, 30, 56, 99 for p = 1..10 (FIELD.md)."""
    assert [necklace(p) for p in range(1, 11)] == [2, 1, 2, 3, 6, 9, 18, 30, 56, 99]


@pytest.mark.parametrize("p", range(1, 13))
def test_logistic_4_orbit_counts(p):
    """logistic r = 4 has exactly necklace(p) orbits of minimal period p, proven complete."""
    cert = certify_orbits(parse_map("logistic(r=4)"), p)
    assert cert["verdict"] == "proved" and cert["complete"] is True
    assert cert["count"] == necklace(p) == len(cert["orbits"])
    assert check(cert).ok


@pytest.mark.parametrize("p", range(1, 13))
def test_tent_2_orbit_counts(p):
    """tent s = 2 has exactly necklace(p) orbits of minimal period p (exact PL enumeration)."""
    cert = certify_orbits(parse_map("tent(s=2)"), p)
    assert cert["verdict"] == "proved" and cert["count"] == necklace(p)
    assert check(cert).ok


def test_orbits_start_leftmost_and_follow_f():
    """Each listed orbit starts at its leftmost point and is in orbit order."""
    from certify.certificates import q_parse
    cert = certify_orbits(parse_map("tent(s=2)"), 5)
    f = parse_map("tent(s=2)").program
    for orb in cert["orbits"]:
        pts = [q_parse(b["lo"]) for b in orb]
        assert pts[0] == min(pts)
        assert [f(x) for x in pts] == pts[1:] + pts[:1]


def test_smooth_orbits_by_cover():
    """A bounded tanh map: its fixed points are listed completely by the ball cover."""
    cert = certify_orbits(parse_map("2*tanh(2*x)"), 1)
    assert cert["verdict"] == "proved" and cert["count"] == 3
    assert check(cert).ok


def test_logistic_below_3_has_one_attracting_fixed_point_pair():
    """logistic r = 2.5 has no orbit of minimal period 2 (cover refutes, list is empty)."""
    cert = certify_orbits(parse_map("logistic(r=2.5)"), 2)
    assert cert["verdict"] == "proved" and cert["count"] == 0
    assert check(cert).ok
