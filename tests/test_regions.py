"""The kernel's region rules (certify/checker/regions.py) at their boundary cases, and against the oracle."""

from fractions import Fraction

import pytest
from flint import fmpq
from hypothesis import HealthCheck, given, settings

from certify.checker.regions import _affine_sub, _pieces_in, fixed_tails, pl_region, refine
from certify.maps import parse_map
from certify.periodic.pl import find_region
from oracle_pl import Net, periodic_points
from strategies import degenerate_pl_nets, rnn1d_spec


def pl_of(spec):
    return parse_map(spec).program.pl()


def _inside(x, S):
    lo, hi = S
    return (lo is None or lo <= x) and (hi is None or x <= hi)


def _region_holds(S, truth):
    """Every isolated point and every continuum piece of `truth` lies in the region S."""
    if S == "empty":
        return not truth.points and not truth.continuum
    pts = [fmpq(x.numerator, x.denominator) for x in truth.points]
    ends = [e for piece in truth.continuum for e in piece]
    return all(_inside(x, S) for x in pts) and all(
        (e is None and (S[0] is None or S[1] is None)) or (e is not None and _inside(fmpq(e.numerator, e.denominator), S))
        for e in ends)


def test_pieces_in_one_point_region_on_a_break():
    """A one-point region [t, t] at a break t meets f's graph in the one point (t, f(t))."""
    pl = pl_of("-2*relu(x)")
    got = list(_pieces_in(pl, (fmpq(0), fmpq(0))))
    assert len(got) == 1 and got[0][:2] == (0, 0) and got[0][2] * 0 + got[0][3] == 0


def test_pieces_in_one_point_region_off_breaks():
    """A one-point region [x, x] off the breaks is one degenerate piece of the piece holding x."""
    pl = pl_of("-2*relu(x)")
    (lo, hi, s, c), = _pieces_in(pl, (fmpq(5), fmpq(5)))
    assert (lo, hi, s, c) == (5, 5, -2, 0)


def test_pieces_in_tiles_the_region():
    """The clipped pieces of f meeting [L, U] tile it, in order, each where f is affine."""
    pl = pl_of("2*relu(x) - 4*relu(x - 1/2)")
    got = list(_pieces_in(pl, (fmpq(-1), fmpq(1, 2))))
    assert [(g[0], g[1]) for g in got] == [(-1, 0), (0, fmpq(1, 2))]


@pytest.mark.parametrize("spec,fixed", [
    ("-2*relu(x)", 0),                                              # fixed point on the break, zero left slope
    ("1 - relu(1-x)/2", 1),                                         # constant right tail, fixed on the break
    ("rnn1d(activation=relu, w=[1/2], b=[-1/2], a=[1/2], c=1)", 1),  # constant left tail, fixed on the break
    ("rnn1d(activation=relu, w=[3/2], b=[1/2], a=[1], c=-1/3)", fmpq(-1, 3)),
    ("3 + 0*x", 3),                                                 # zero slope everywhere: L = U = 3
    ("hardtanh(2*x)", 1),                                           # constant tails both sides
])
def test_region_keeps_fixed_points_on_breaks(spec, fixed):
    """Rules (i)-(iii) never drop a fixed point, also when the region shrinks to the single point L = U."""
    pl = pl_of(spec)
    region, rounds = find_region(pl)
    assert region not in ("empty", None) and _inside(fmpq(fixed), region)
    S = pl_region(pl, rounds)
    assert S == region


def test_refine_one_point_region_fixed_on_break():
    """refine([t, t]) for a fixed break t returns [t, t], not "empty"."""
    pl = pl_of("1 - relu(1-x)/2")
    assert refine(pl, (fmpq(1), fmpq(1))) == (1, 1)


def test_refine_one_point_region_not_fixed():
    """refine([x, x]) is "empty" when f(x) != x: a one-point region holds a periodic orbit only if it is fixed."""
    pl = pl_of("1 - relu(1-x)/2")
    assert refine(pl, (fmpq(2), fmpq(2))) == "empty"


def test_identity_tails():
    """A tail with f = id holds only fixed points: fixed_tails cuts it off (break kept); f = id leaves nothing."""
    assert fixed_tails(pl_of("relu(x) + relu(-x)")) == (None, 0)       # |x|: identity right tail
    assert fixed_tails(pl_of("x - relu(x)")) == (0, None)              # min(x, 0): identity left tail
    assert fixed_tails(pl_of("2*x - x")) == "empty"
    assert pl_region(pl_of("x + 0*relu(x)"), 5, nonfixed=True) == "empty"
    # the whole-line rules cannot bound a continuum of fixed points reaching infinity
    assert find_region(pl_of("relu(x) + relu(-x)"))[0] is None


def test_identity_tail_region_for_period_two():
    """min(x, 1 - x) (identity left tail): points of minimal period >= 2 lie in the nonfixed region."""
    pl = pl_of("2*relu(x) - 4*relu(x - 1/2) - relu(-x)")  # 2x on [0, 1/2], 2 - 2x beyond, x below 0
    region, _ = find_region(pl, nonfixed=True)
    assert region not in ("empty", None)
    f = Net(((Fraction(1), Fraction(0), Fraction(2)), (Fraction(1), Fraction(-1, 2), Fraction(-4)),
             (Fraction(-1), Fraction(0), Fraction(-1))))
    for p in (2, 3, 4):
        assert _region_holds(region, periodic_points(f, p))


def test_zero_slope_everywhere():
    """A constant map c: the rules shrink R to the one point {c}."""
    region, _ = find_region(pl_of("rnn1d(activation=relu, w=[0], b=[1], a=[2], c=-1)"))
    assert region == (1, 1)


def test_affine_sub_constant_piece():
    """(iii) on a constant piece: the whole piece when its value is in [A, B], else nothing."""
    assert _affine_sub(fmpq(0), fmpq(2), fmpq(-1), fmpq(1), fmpq(0), fmpq(2)) == (-1, 1)
    assert _affine_sub(fmpq(0), fmpq(3), None, fmpq(1), fmpq(0), fmpq(2)) is None
    assert _affine_sub(fmpq(0), fmpq(0), None, None, fmpq(0), fmpq(0)) == (None, None)


def test_identity_tail_not_cut_by_whole_line_rules():
    """From S = R, (i)-(iii) keep an identity tail (its points are fixed): the region stays unbounded."""
    pl = pl_of("relu(x) + relu(-x)")
    S = pl_region(pl, 10)
    assert S != "empty" and S[1] is None and S[0] <= 0


def test_weighted_abs_rule_on_sign_swapping_tails():
    """-2x (both tails reverse sign, two-step gain 4): the weighted |x| rule bounds the region around 0."""
    region, _ = find_region(pl_of("-2*x + 0*relu(x)"))
    assert region not in (None, "empty") and _inside(fmpq(0), region)


def test_gain_one_tails_stay_unbounded():
    """-x has a continuum of 2-cycles reaching infinity: no bounded region exists, none is claimed."""
    assert find_region(pl_of("-x + 0*relu(x)"))[0] is None


def test_rounding_keeps_a_non_dyadic_fixed_point():
    """A constant map 1/3: the region, rounded outward to 2^-24, still holds the fixed point 1/3."""
    region, _ = find_region(pl_of("rnn1d(activation=relu, w=[0], b=[1], a=[1/3], c=0)"))
    assert region not in (None, "empty") and _inside(fmpq(1, 3), region)


def test_empty_region_only_without_orbits():
    """x + 1 on the whole line (slope 1, intercept 1) has no periodic points: the rules say "empty"."""
    assert find_region(pl_of("x + 1 + 0*relu(x)"))[0] == "empty"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(degenerate_pl_nets())
def test_region_holds_every_periodic_point(net):
    """The PL region (and the nonfixed region) holds every periodic point of period <= 4 the oracle finds."""
    pl = parse_map(rnn1d_spec(net)).program.pl()
    f = Net(tuple(zip(net["w"], net["b"], net["a"])), net["c"], net["activation"], net.get("output_activation"),
            Fraction(1, 100) if net.get("slope") is None else net["slope"])
    region, _ = find_region(pl)
    nonfixed, _ = find_region(pl, nonfixed=True)
    for p in (1, 2, 3, 4):
        truth = periodic_points(f, p)
        if region is not None:
            assert _region_holds(region, truth), (rnn1d_spec(net), p, region)
        if p >= 2 and nonfixed is not None:
            assert _region_holds(nonfixed, truth), (rnn1d_spec(net), p, nonfixed)
