"""The exact PL oracle (tests/oracle_pl.py) against closed forms."""

from fractions import Fraction as Q

import pytest

from oracle_pl import Net, invariant, iterate_breaks, periodic_points

TENT = Net(((Q(1), Q(0), Q(2)), (Q(1), Q(-1, 2), Q(-4))))  # 2 relu(x) - 4 relu(x - 1/2)


def tent(s):
    """s min(x, 1 - x) = s relu(x) - s relu(-x) - 2 s relu(x - 1/2) on the whole line."""
    return Net(((Q(1), Q(0), Q(s)), (Q(-1), Q(0), Q(-s)), (Q(1), Q(-1, 2), Q(-2 * s))))


def mobius(n):
    m, k, out = n, 2, 1
    while k * k <= m:
        if m % k == 0:
            m //= k
            if m % k == 0:
                return 0
            out = -out
        k += 1
    return -out if m > 1 else out


def test_tent_period3_orbit():
    """The slope-2 tent map has the 3-cycle 2/7 -> 4/7 -> 6/7."""
    res = periodic_points(tent(2), 3)
    assert (Q(2, 7), Q(4, 7), Q(6, 7)) in res.orbits
    assert not res.continuum


def test_relu_tent_two_period3_orbits():
    """2 relu(x) - 4 relu(x - 1/2) on [0, 1] has exactly the two 3-cycles {2/7, 4/7, 6/7}, {2/9, 4/9, 8/9}."""
    assert invariant(TENT, Q(0), Q(1))
    res = periodic_points(TENT, 3, (Q(0), Q(1)))
    assert res.orbits == [(Q(2, 9), Q(4, 9), Q(8, 9)), (Q(2, 7), Q(4, 7), Q(6, 7))]


@pytest.mark.parametrize("p", [1, 2, 3, 4, 5, 6])
def test_full_tent_orbit_counts(p):
    """The full tent map has (1/p) sum_{d | p} mu(p/d) 2^d orbits of minimal period p, on [0, 1] and on R."""
    want = sum(mobius(p // d) * 2 ** d for d in range(1, p + 1) if p % d == 0) // p
    assert len(periodic_points(TENT, p, (Q(0), Q(1))).orbits) == want
    assert len(periodic_points(TENT, p).orbits) == want


def test_full_tent_breaks_of_iterate():
    """The breaks of T^p on [0, 1] are the 2^p - 1 dyadics k / 2^p, 0 < k < 2^p (plus 0, 1 from the ReLU tails)."""
    inner = [t for t in iterate_breaks(TENT, 4) if 0 < t < 1]
    assert inner == [Q(k, 16) for k in range(1, 16)]


def test_identity_is_a_continuum():
    """f = id: every point is fixed (a continuum), none has minimal period 2."""
    f = Net(((Q(1), Q(0), Q(1)),), act="identity")
    assert periodic_points(f, 1).continuum == [(None, None)]
    res = periodic_points(f, 2)
    assert not res.continuum and not res.points


def test_negation_has_period2_continuum():
    """f = -x: 0 is the only fixed point, every other point has minimal period 2."""
    f = Net(((Q(1), Q(0), Q(-1)),), act="identity")
    assert periodic_points(f, 1).orbits == [(Q(0),)]
    assert periodic_points(f, 2).continuum == [(None, None)]


def test_constant_map():
    """A constant map c has the one fixed point c and no other periodic point."""
    f = Net(((Q(0), Q(5), Q(1)),), c=Q(-2))
    assert periodic_points(f, 1).orbits == [(Q(3),)]
    for p in (2, 3):
        res = periodic_points(f, p)
        assert not res.points and not res.continuum


def test_minus_two_relu():
    """-2 relu(x) fixes 0 and has no other periodic point."""
    f = Net(((Q(1), Q(0), Q(-2)),))
    assert periodic_points(f, 1).orbits == [(Q(0),)]
    assert not periodic_points(f, 2).points


def test_constant_tail_fixed_point_on_break():
    """1 - relu(1 - x)/2 fixes exactly 1, its break (constant tail to the right)."""
    f = Net(((Q(-1), Q(1), Q(-1, 2)),), c=Q(1))
    assert f.breaks() == [Q(1)]
    assert periodic_points(f, 1).orbits == [(Q(1),)]


def test_relu_fixed_point_on_break():
    """relu(x/2 - 1/2)/2 + 1 fixes its break 1 (constant tail to the left)."""
    f = Net(((Q(1, 2), Q(-1, 2), Q(1, 2)),), c=Q(1))
    assert periodic_points(f, 1).orbits == [(Q(1),)]


def test_continuum_beside_isolated_cycle():
    """relu(1 - 3x)/3 - 1/2: f^2 = id on [-1/2, 1/3]; the 2-cycle {-1/2, 1/3} sits on its ends."""
    f = Net(((Q(-3), Q(1), Q(1, 3)),), c=Q(-1, 2))
    res = periodic_points(f, 2)
    assert res.continuum == [(Q(-1, 2), Q(1, 3))]
    assert (Q(-1, 2), Q(1, 3)) in res.orbits
    assert periodic_points(f, 1).orbits == [(Q(-1, 12),)]


def test_identity_tail():
    """|x| = relu(x) + relu(-x) is the identity on [0, inf): a continuum of fixed points, no 2-cycle."""
    f = Net(((Q(1), Q(0), Q(1)), (Q(-1), Q(0), Q(1))), )
    assert periodic_points(f, 1).continuum == [(Q(0), None)]
    assert not periodic_points(f, 2).points


def test_domain_filters():
    """With a domain, only points inside it count: the tent's fixed point 2/3 is not in [0, 1/2]."""
    assert periodic_points(TENT, 1, (Q(0), Q(1, 2))).orbits == [(Q(0),)]


def test_hardtanh_output():
    """hardtanh(-2x) with identity units: fixed point 0 and the 2-cycle {-1, 1} (p = 2)."""
    f = Net(((Q(1), Q(0), Q(-2)),), act="identity", out="hardtanh")
    assert periodic_points(f, 1).orbits == [(Q(0),)]
    assert periodic_points(f, 2).orbits == [(Q(-1), Q(1))]
    assert f.breaks() == [Q(-1, 2), Q(1, 2)]
