"""The independent oracle of tests/rnn_cycles_oracle.py against closed forms, and (below) the kernel's rnn_cycles
search against the oracle."""

from fractions import Fraction as Q
from unittest import mock

import mpmath
import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

import oracle_pl
import strategies
from certify.checker import nd_orbits as ND
from certify.checker.rnn import parse_rnn
from certify.checker.rnn_contraction import image_box
from certify.checker.rnn_orbits import enumerate_rnn_cycles, search_rnn_cycles
from certify.checker.semantics import workprec
from certify.checker.statement import Failure
from rnn_cycles_oracle import (CONTINUUM, TIE, diagonal_cycles, minimal_period, mp_q, newton_cycles, pl_cycles,
                               refine_cycle, step)

ZERO, ONE = Q(0), Q(1)


def _eye(n, s=ONE):
    return [[s if i == j else ZERO for j in range(n)] for i in range(n)]


def _pts(*xs):
    """A 1-D orbit as the oracle returns it: a tuple of 1-tuples."""
    return tuple((Q(x),) for x in xs)


# ----------------------------------------------------------------------------- pl_cycles: closed forms

@given(st.sampled_from(["hardtanh", "relu"]), st.integers(1, 3), st.data())
def test_zero_weights_one_fixed_point(act, n, data):
    """W = 0: h -> act(b) is constant, so act(b) is the only fixed point and there are no cycles of period > 1."""
    b = [data.draw(strategies.small_rationals()) for _ in range(n)]
    p = data.draw(st.integers(1, 2 if n == 3 else 3))
    region = [(Q(-5), Q(5))] * n
    got = pl_cycles(act, [[ZERO] * n for _ in range(n)], b, p, region)
    if p == 1:
        fixed = tuple(min(max(x, -ONE), ONE) if act == "hardtanh" else max(x, ZERO) for x in b)
        assert got == [(fixed,)]
    else:
        assert got == []


def test_hardtanh_minus_two():
    """h -> hardtanh(-2 h): the fixed point 0 and the 2-cycle {-1, 1}, and no 3-cycle or 4-cycle."""
    W, b = [[Q(-2)]], [ZERO]
    assert pl_cycles("hardtanh", W, b, 1) == [_pts(0)]
    assert pl_cycles("hardtanh", W, b, 2) == [_pts(-1, 1)]
    assert pl_cycles("hardtanh", W, b, 3) == []
    assert pl_cycles("hardtanh", W, b, 4) == []


def test_fixed_points_on_kinks():
    """hardtanh(2x - 1) fixes -1 and 1 (pre-activation 1, on the kink); relu(2x) fixes only 0 (pre-activation 0,
    on the kink); relu(2x - 1) fixes 0 and 1; relu(3/2 - x / 2) fixes only 1."""
    assert pl_cycles("hardtanh", [[Q(2)]], [Q(-1)], 1) == [_pts(-1), _pts(1)]
    assert pl_cycles("relu", [[Q(2)]], [ZERO], 1, [(Q(-8), Q(8))]) == [_pts(0)]
    assert pl_cycles("relu", [[Q(2)]], [Q(-1)], 1, [(Q(-8), Q(8))]) == [_pts(0), _pts(1)]
    assert pl_cycles("relu", [[Q(-1, 2)]], [Q(3, 2)], 1, [(Q(-8), Q(8))]) == [_pts(1)]


def test_two_cycle_through_a_kink():
    """relu(-2x + 1) on [-8, 8]: the fixed point 1/3, the 2-cycle 0 -> 1 -> 0 (at 1 the pre-activation is -1, at 0
    it is 1) and nothing else of period 2."""
    W, b, box = [[Q(-2)]], [ONE], [(Q(-8), Q(8))]
    assert pl_cycles("relu", W, b, 1, box) == [_pts(Q(1, 3))]
    assert pl_cycles("relu", W, b, 2, box) == [_pts(0, 1)]


def test_region_limits_the_cycles():
    """relu(2x - 1) has the fixed points 0 and 1: only 0 is inside the box [-1/2, 1/2], none inside [2, 3]."""
    assert pl_cycles("relu", [[Q(2)]], [Q(-1)], 1, [(Q(-1, 2), Q(1, 2))]) == [_pts(0)]
    assert pl_cycles("relu", [[Q(2)]], [Q(-1)], 1, [(Q(2), Q(3))]) == []


def test_continuum_identity():
    """h -> hardtanh(h) fixes every point of [-1, 1]^n (a continuum), and then has no point of minimal period 2."""
    for n in (1, 2, 3):
        assert pl_cycles("hardtanh", _eye(n), [ZERO] * n, 1) == CONTINUUM
        assert pl_cycles("hardtanh", _eye(n), [ZERO] * n, 2) == []


def test_continuum_minus_identity():
    """h -> hardtanh(-h) fixes only 0, and every other point of [-1, 1]^n has minimal period 2 (a continuum)."""
    for n in (1, 2):
        assert pl_cycles("hardtanh", _eye(n, -ONE), [ZERO] * n, 1) == [(tuple([ZERO] * n),)]
        assert pl_cycles("hardtanh", _eye(n, -ONE), [ZERO] * n, 2) == CONTINUUM
        assert pl_cycles("hardtanh", _eye(n, -ONE), [ZERO] * n, 3) == []


def test_continuum_swap():
    """(x, y) -> hardtanh(y, x): the diagonal is a continuum of fixed points, every other point of the square
    has minimal period 2 (a continuum), and there is no 3-cycle."""
    W = [[ZERO, ONE], [ONE, ZERO]]
    assert pl_cycles("hardtanh", W, [ZERO, ZERO], 1) == CONTINUUM
    assert pl_cycles("hardtanh", W, [ZERO, ZERO], 2) == CONTINUUM
    assert pl_cycles("hardtanh", W, [ZERO, ZERO], 3) == []


def test_continuum_rotation():
    """h -> hardtanh(R h), R the rotation by a quarter turn: R maps [-1, 1]^2 onto itself, so 0 is the only fixed
    point, R^2 = -I leaves no point of minimal period 2 or 3, and every other point has minimal period 4 (a
    continuum)."""
    R = [[ZERO, -ONE], [ONE, ZERO]]
    assert pl_cycles("hardtanh", R, [ZERO, ZERO], 1) == [((ZERO, ZERO),)]
    assert pl_cycles("hardtanh", R, [ZERO, ZERO], 2) == []
    assert pl_cycles("hardtanh", R, [ZERO, ZERO], 3) == []
    assert pl_cycles("hardtanh", R, [ZERO, ZERO], 4) == CONTINUUM


def test_continuum_relu_reflection():
    """relu(1 - x) is x -> 1 - x on [0, 1]: the fixed point 1/2, and every other point of [0, 1] has period 2 (a
    continuum, including the 2-cycle {0, 1} through the kink)."""
    box = [(Q(-4), Q(4))]
    assert pl_cycles("relu", [[-ONE]], [ONE], 1, box) == [_pts(Q(1, 2))]
    assert pl_cycles("relu", [[-ONE]], [ONE], 2, box) == CONTINUUM


def test_continuum_outside_region_is_not_counted():
    """relu(x) fixes every x >= 0: a continuum inside [-1, 1], but only the fixed point 0 in the box [-1, 0], and
    nothing in [-2, -1]."""
    assert pl_cycles("relu", [[ONE]], [ZERO], 1, [(-ONE, ONE)]) == CONTINUUM
    assert pl_cycles("relu", [[ONE]], [ZERO], 1, [(-ONE, ZERO)]) == [_pts(0)]
    assert pl_cycles("relu", [[ONE]], [ZERO], 1, [(Q(-2), -ONE)]) == []


def test_tie():
    """(x, y) -> (hardtanh(1/2), hardtanh(-2 y)): the 2-cycle (1/2, -1) <-> (1/2, 1) has both points at the least
    first coordinate 1/2, so its canonical rotation is undefined (TIE); its fixed point (1/2, 0) is not."""
    W, b = [[ZERO, ZERO], [ZERO, Q(-2)]], [Q(1, 2), ZERO]
    assert pl_cycles("hardtanh", W, b, 2) == TIE
    assert pl_cycles("hardtanh", W, b, 1) == [((Q(1, 2), ZERO),)]


def test_canonical_rotation():
    """hardtanh(-2 x, -2 y) has a 2-cycle (0, -1) <-> (0, 1) tied at x = 0 (TIE); hardtanh(-2 x, y / 2) has exactly
    one orbit of minimal period 2, listed from its point with the least first coordinate: (-1, 0) -> (1, 0)."""
    assert pl_cycles("hardtanh", _eye(2, Q(-2)), [ZERO, ZERO], 2) == TIE
    W = [[Q(-2), ZERO], [ZERO, Q(1, 2)]]
    assert pl_cycles("hardtanh", W, [ZERO, ZERO], 2) == [((-ONE, ZERO), (ONE, ZERO))]


@settings(max_examples=strategies.examples(60))
@given(strategies.rnn_nets(activations=("hardtanh", "relu"), dims=(1, 2)), st.integers(1, 3))
def test_orbits_are_cycles(net, p):
    """Every orbit pl_cycles returns is a cycle of minimal period p by direct iteration, in the box, in its
    canonical rotation (point 0 alone at the least first coordinate), listed once."""
    act, W, b = net
    if len(b) * p > 6:
        p = 1
    box = [(Q(-8), Q(8))] * len(b)
    got = pl_cycles(act, W, b, p, box)
    if got in (CONTINUUM, TIE):
        return
    assert len(set(got)) == len(got)
    for orb in got:
        assert minimal_period(act, W, b, orb[0], p) == p
        assert all(step(act, W, b, orb[t]) == orb[(t + 1) % p] for t in range(p))
        assert all(orb[0][0] < z[0] for z in orb[1:])
        assert all(-8 <= x <= 8 for z in orb for x in z)


@settings(max_examples=strategies.examples(100))
@given(strategies.rnn_nets(activations=("hardtanh", "relu"), dims=(1, 1)), st.integers(1, 5))
def test_one_dimensional_agrees_with_oracle_pl(net, p):
    """For n = 1, pl_cycles (itineraries of the cyclic system) and tests/oracle_pl (pieces of f^p) find the same
    orbits of minimal period p in the box, and the same continuum verdict."""
    act, W, b = net
    box = (Q(-64), Q(64))
    got = pl_cycles(act, W, b, p, [box])
    f = oracle_pl.Net(((W[0][0], b[0], ONE),), ZERO, act)
    ref = oracle_pl.periodic_points(f, p, box)
    if ref.continuum:
        assert got == CONTINUUM
        return
    assert got == [tuple((x,) for x in orb) for orb in ref.orbits if all(box[0] <= x <= box[1] for x in orb)]


# ----------------------------------------------------------------------------- diagonal_cycles: closed forms

def _close(x, y, digits=40):
    return abs(x - y) < mpmath.mpf(10) ** -digits


@pytest.mark.parametrize("w", [Q(1, 3), Q(1, 2), Q(3, 4), Q(-1, 2), Q(-3, 4)])
def test_tanh_contracting(w):
    """tanh(w x) with |w| < 1: 0 is the only fixed point and there are no 2-cycles or 3-cycles."""
    got = diagonal_cycles("tanh", [w], [ZERO], 1)
    assert len(got) == 1 and _close(got[0][0][0], 0)
    assert diagonal_cycles("tanh", [w], [ZERO], 2) == []
    assert diagonal_cycles("tanh", [w], [ZERO], 3) == []


def test_tanh_degenerate_declines():
    """tanh(x): 0 is a degenerate fixed point ((tanh)'(0) = 1, a triple root of tanh x - x): the oracle declines."""
    assert diagonal_cycles("tanh", [ONE], [ZERO], 1) is None


def test_tanh_minus_identity_declines_at_period_two():
    """tanh(-x) fixes only 0 (slope -1, not degenerate for period 1), but f^2 = tanh o tanh has (f^2)'(0) = 1: the
    oracle declines for period 2."""
    got = diagonal_cycles("tanh", [-ONE], [ZERO], 1)
    assert len(got) == 1 and _close(got[0][0][0], 0)
    assert diagonal_cycles("tanh", [-ONE], [ZERO], 2) is None


@pytest.mark.parametrize("w", [Q(3, 2), Q(2), Q(3)])
def test_tanh_bistable(w):
    """tanh(w x) with w > 1: exactly three fixed points -a < 0 < a with a = tanh(w a), and no 2-cycles (an
    increasing map has no cycle of period > 1)."""
    got = diagonal_cycles("tanh", [w], [ZERO], 1)
    assert len(got) == 3
    a = got[2][0][0]
    with mpmath.workdps(60):
        assert _close(got[0][0][0], -a) and _close(got[1][0][0], 0) and _close(mpmath.tanh(mp_q(w) * a), a)
    assert diagonal_cycles("tanh", [w], [ZERO], 2) == []


@pytest.mark.parametrize("w", [Q(3, 2), Q(2), Q(3)])
def test_tanh_flip(w):
    """tanh(-w x) with w > 1: exactly one fixed point (0) and exactly one 2-cycle {-a, a}, a = tanh(w a) > 0; no
    3-cycle or 4-cycle (a decreasing map has cycles of periods 1 and 2 only)."""
    assert len(diagonal_cycles("tanh", [-w], [ZERO], 1)) == 1
    got = diagonal_cycles("tanh", [-w], [ZERO], 2)
    assert len(got) == 1
    (x0,), (x1,) = got[0]
    with mpmath.workdps(60):
        assert x0 < 0 and _close(x0, -x1) and _close(mpmath.tanh(mp_q(w) * x1), x1)
    assert diagonal_cycles("tanh", [-w], [ZERO], 3) == []
    assert diagonal_cycles("tanh", [-w], [ZERO], 4) == []


@pytest.mark.parametrize("w,b", [(Q(1), ZERO), (Q(3), Q(-1)), (Q(-3), Q(2)), (Q(7, 2), Q(-7, 4))])
def test_sigmoid_contraction(w, b):
    """sigmoid(w x + b) with |w| < 4 is a contraction (|slope| <= |w| / 4 < 1): exactly one fixed point, no 2-cycle."""
    assert len(diagonal_cycles("sigmoid", [w], [b], 1)) == 1
    assert diagonal_cycles("sigmoid", [w], [b], 2) == []


def test_sigmoid_pitchfork_declines():
    """sigmoid(4 x - 2) fixes 1/2 with slope 4 sigmoid'(0) = 1 (a degenerate fixed point): the oracle declines."""
    assert diagonal_cycles("sigmoid", [Q(4)], [Q(-2)], 1) is None


def test_products():
    """tanh(diag(w) h): with w = (-2, 1/2) one orbit of minimal period 2 (2-cycle x fixed point 0); with w = (-2, 3)
    three (the 2-cycle times the three fixed points); with w = (-2, -3) and (3, -2) some 2-cycle pairs a fixed first
    coordinate with a 2-cycle in the second (two points at the least first coordinate): TIE."""
    assert len(diagonal_cycles("tanh", [Q(-2), Q(1, 2)], [ZERO, ZERO], 2)) == 1
    assert len(diagonal_cycles("tanh", [Q(-2), Q(3)], [ZERO, ZERO], 2)) == 3
    assert diagonal_cycles("tanh", [Q(-2), Q(-3)], [ZERO, ZERO], 2) == TIE
    assert diagonal_cycles("tanh", [Q(3), Q(-2)], [ZERO, ZERO], 2) == TIE


def test_product_tie_from_a_later_coordinate():
    """tanh(diag(-2, 1/2, -3) h): the 2-cycle of the third coordinate times the fixed points 0 of the first two is a
    2-cycle tied at its first coordinate 0: TIE (whatever the other orbits)."""
    assert diagonal_cycles("tanh", [Q(-2), Q(1, 2), Q(-3)], [ZERO] * 3, 2) == TIE


@settings(max_examples=strategies.examples(30))
@given(strategies.rnn_nets(activations=("tanh", "sigmoid"), dims=(1, 1), diagonal=True), st.integers(1, 4))
def test_diagonal_orbits_are_cycles(net, p):
    """Every 1-D orbit diagonal_cycles returns is a cycle of minimal period p to 40 digits, from its least point."""
    act, W, b = net
    got = diagonal_cycles(act, [W[0][0]], b, p)
    if got is None:
        return
    with mpmath.workdps(60):
        w, c = mp_q(W[0][0]), mp_q(b[0])
        f = (lambda x: mpmath.tanh(w * x + c)) if act == "tanh" else (lambda x: 1 / (1 + mpmath.exp(-(w * x + c))))
        for orb in got:
            xs = [z[0] for z in orb]
            assert all(_close(f(xs[t]), xs[(t + 1) % p]) for t in range(p))
            assert all(xs[0] < x and not _close(xs[0], x) for x in xs[1:])


# ----------------------------------------------------------------------------- the kernel against the oracle
#
# The kernel (certify.checker.rnn_orbits) lists the cycles of minimal period p two ways. search_rnn_cycles (basis
# image: tanh, sigmoid, hardtanh; a region containing the image box X_r) either returns every cycle, each as the
# Krawczyk enclosure K (n p balls) of its canonical rotation (least first coordinate, or least c.z with order c, at
# t = 0), or raises Failure (undecided). enumerate_rnn_cycles (relu, hardtanh) returns every cycle exactly, rotated
# to its lexicographically least point, or raises Failure. Whenever the kernel answers, its count is the oracle's
# and each oracle orbit lies in exactly one K (is one of the exact cycles); whenever the oracle finds a continuum
# of orbits or (subdivision) a tie of the canonical rotation, no finite list is right and the kernel must refuse.

KERNEL_PREC = 64   # the certifier's first precision (certify.arith.Budget.start_prec)
FAST_CAP = ND.MAX_SUB_WORK // 10  # the default run's work cap (kernel_cycles); the slow tests use the kernel's
BIG = Q(10 ** 9)   # relu's cycles (which the kernel enumerates on all of R^n) are sought in [-BIG, BIG]^n


def _rnn(act, W, b):
    return parse_rnn({"kind": "rnn", "activation": act, "W": [[str(x) for x in r] for r in W],
                      "b": [str(x) for x in b]})


def kernel_cycles(act, W, b, p, region, rounds=0, order=None, cap=None):
    """The kernel's subdivision (basis image): its orbits [(K, stability)], or None when it raises Failure; with
    `cap`, the kernel's work cap MAX_SUB_WORK lowered to it (a lower cap only turns answers into refusals, which
    the differential property allows: it keeps the default run short on degenerate maps such as tanh(x))."""
    claim = {"p": p, "basis": "image", "region": [{"lo": str(lo), "hi": str(hi)} for lo, hi in region],
             "rounds": rounds, "order": [] if order is None else [str(c) for c in order]}
    with workprec(KERNEL_PREC), mock.patch.object(ND, "MAX_SUB_WORK", cap or ND.MAX_SUB_WORK):
        try:
            return search_rnn_cycles(_rnn(act, W, b), claim)["orbits"]
        except Failure:
            return None


def kernel_enumeration(act, W, b, p):
    """The kernel's exact enumeration (relu, hardtanh): [(points as tuples of Fractions, stability)], or None when
    it raises Failure."""
    with workprec(KERNEL_PREC):
        try:
            found = enumerate_rnn_cycles(_rnn(act, W, b), p)
        except Failure:
            return None
    return [(tuple(tuple(Q(int(v.p), int(v.q)) for v in z) for z in pts), st) for pts, (st, _) in found]


def _ends(ball):
    return Q(int(ball.lower().fmpq().p), int(ball.lower().fmpq().q)), \
        Q(int(ball.upper().fmpq().p), int(ball.upper().fmpq().q))


def _holds(K, coords, slack=ZERO) -> bool:
    """Every coordinate (a Fraction) lies in its ball of the enclosure K, within slack (0: exactly)."""
    return all(lo - slack <= x <= hi + slack for x, (lo, hi) in zip(coords, (_ends(K[k, 0]) for k in range(K.nrows()))))


def _event(oracle, kernel):
    """Hypothesis statistics: how often the kernel decides, and what the oracle found."""
    kind = oracle if oracle in (CONTINUUM, TIE) else ("a list" if oracle else "none")
    event(f"kernel {'refuses' if kernel is None else 'lists'}; oracle: {kind}")


def _consistent(stability, moduli) -> bool:
    """The kernel's stability verdict does not contradict the multipliers' moduli (to 10^-9)."""
    top, low = max(moduli), min(moduli)
    if stability.startswith("saddle"):
        return top > 1 - 1e-9 and low < 1 + 1e-9
    return {"attracting": top < 1 + 1e-9, "repelling": low > 1 - 1e-9}.get(stability, True)


def assert_agrees(oracle, kernel, slack=ZERO, moduli=None):
    """The differential property of a subdivision (oracle: list of canonical orbits, CONTINUUM or TIE; moduli: the
    moduli of each orbit's multipliers, or None where unknown)."""
    if kernel is None:
        return
    assert oracle not in (CONTINUUM, TIE), f"the kernel lists {len(kernel)} orbit(s) where the oracle finds {oracle}"
    assert len(kernel) == len(oracle), f"kernel {len(kernel)} orbit(s), oracle {len(oracle)}: {oracle}"
    for k, orb in enumerate(oracle):
        coords = [x for z in orb for x in z]
        hits = [j for j, (K, _) in enumerate(kernel) if _holds(K, coords, slack)]
        assert len(hits) == 1, f"oracle orbit {orb} lies in {len(hits)} kernel enclosures"
        if moduli is not None and moduli[k] is not None:
            st_ = kernel[hits[0]][1]
            assert _consistent(st_, moduli[k]), f"the kernel says {st_} for {orb}, multipliers' moduli {moduli[k]}"


def assert_enumeration_agrees(oracle, kernel, moduli=None):
    """The differential property of an enumeration: the kernel's exact cycles (lexicographically least point first,
    sorted) are the oracle's, and no continuum when the kernel answers."""
    if kernel is None:
        return
    assert oracle is not CONTINUUM, f"the kernel lists {len(kernel)} orbit(s) where the oracle finds a continuum"
    assert [pts for pts, _ in kernel] == oracle, f"kernel {[pts for pts, _ in kernel]}, oracle {oracle}"
    for (pts, st_), mod in zip(kernel, moduli or [None] * len(kernel)):
        assert mod is None or _consistent(st_, mod), f"the kernel says {st_} for {pts}, multipliers' moduli {mod}"


def pl_moduli(act, W, b, orb):
    """The moduli of the multipliers of a PL orbit (eigenvalues of prod_t diag(act'(u_t)) W, numpy), or None when
    some pre-activation is on a kink (no derivative)."""
    kinks = (-ONE, ONE) if act == "hardtanh" else (ZERO,)
    M = np.eye(len(b))
    for z in orb:
        u = [sum((w * x for w, x in zip(row, z)), ZERO) + c for row, c in zip(W, b)]
        if any(x in kinks for x in u):
            return None
        D = [ONE if (abs(x) < 1 if act == "hardtanh" else x > 0) else ZERO for x in u]
        M = np.array([[float(D[i] * W[i][j]) for j in range(len(b))] for i in range(len(b))]) @ M
    return [float(abs(v)) for v in np.linalg.eigvals(M)]


def diagonal_moduli(act, w, b, orb):
    """The moduli of the multipliers of an orbit of h -> act(diag(w) h + b): |prod_t w_i act'(w_i x_t,i + b_i)|."""
    out = []
    with mpmath.workdps(60):
        for i in range(len(b)):
            lam = mpmath.mpf(1)
            for z in orb:
                u = mp_q(w[i]) * (mp_q(z[i]) if isinstance(z[i], Q) else z[i]) + mp_q(b[i])
                d = 1 - mpmath.tanh(u) ** 2 if act == "tanh" else mpmath.exp(-u) / (1 + mpmath.exp(-u)) ** 2
                lam *= mp_q(w[i]) * d
            out.append(float(abs(lam)))
    return out


ORDERS = [None, None, (ZERO, ONE), (ONE, -ONE), (Q(1, 2), Q(1, 3)), (-ONE, ZERO), (ONE, ONE, ONE), (ZERO, ZERO, ONE)]


@st.composite
def _order(draw, n):
    """None (the first coordinate) or a vector c of n rationals, not all 0 (the canonical rotation's least c.z)."""
    c = draw(st.sampled_from(ORDERS))
    if c is None:
        return None
    c = (list(c) + [ONE] * n)[:n]
    return None if all(x == 0 for x in c) else c


@st.composite
def image_regions(draw, act, W, b):
    """(region, rounds) for basis image: the kernel's image box X_r (r = 0..3, certify.checker.rnn_contraction),
    or r = 0 and a box around the activation's closed range."""
    n = len(b)
    if draw(st.booleans()):
        lo, hi = (-ONE, ONE) if act != "sigmoid" else (ZERO, ONE)
        grow = draw(st.sampled_from([(ZERO, ZERO), (ONE, ONE), (Q(1, 3), Q(2))]))
        return [(lo - grow[0], hi + grow[1])] * n, 0
    r = draw(st.integers(0, 3))
    with workprec(KERNEL_PREC):
        box = image_box(_rnn(act, W, b), r)
    return [(Q(int(lo.p), int(lo.q)), Q(int(hi.p), int(hi.q))) for lo, hi in box], r


@st.composite
def hardtanh_claims(draw, max_np=6, dims=(1, 3)):
    """(W, b, p, region, rounds, order) of a subdivision claim on a hardtanh RNN (`image_regions`, `_order`)."""
    _, W, b = draw(strategies.rnn_nets(activations=("hardtanh",), dims=dims))
    p = draw(st.integers(1, max(1, max_np // len(b))))
    region, rounds = draw(image_regions("hardtanh", W, b))
    return W, b, p, region, rounds, draw(_order(len(b)))


def _check_hardtanh(claim, cap=None):
    """The oracle lists every cycle (X_r must hold them all): an unsound image box shows as a missing count."""
    W, b, p, region, rounds, order = claim
    if any(lo >= hi for lo, hi in region):
        return  # a degenerate image box: the kernel refuses the region
    oracle = pl_cycles("hardtanh", W, b, p, order=order)
    kernel = kernel_cycles("hardtanh", W, b, p, region, rounds, order, cap)
    _event(oracle, kernel)
    moduli = [pl_moduli("hardtanh", W, b, orb) for orb in oracle] if oracle not in (CONTINUUM, TIE) else None
    assert_agrees(oracle, kernel, moduli=moduli)


@settings(max_examples=strategies.examples(100))
@given(hardtanh_claims())
def test_kernel_subdivision_agrees_with_pl_oracle(claim):
    """hardtanh RNNs, n p <= 6, basis image: when the kernel's subdivision lists the cycles of minimal period p, the
    exact oracle finds the same number, each in exactly one of the kernel's enclosures (canonical by the first
    coordinate or by c.z), no continuum and no tie, and the stability verdicts agree with the multipliers."""
    _check_hardtanh(claim, FAST_CAP)


@pytest.mark.slow
@settings(max_examples=strategies.examples(400))
@given(hardtanh_claims(max_np=8))
def test_kernel_subdivision_agrees_with_pl_oracle_thorough(claim):
    """The same for n p <= 8, the kernel's own work cap and more examples."""
    _check_hardtanh(claim)


@st.composite
def enumeration_claims(draw, max_np=6, dims=(1, 3)):
    """(act, W, b, p) for the kernel's enumeration (relu, hardtanh; n p <= max_np)."""
    act, W, b = draw(strategies.rnn_nets(activations=("hardtanh", "relu"), dims=dims))
    return act, W, b, draw(st.integers(1, max(1, max_np // len(b))))


def _check_enumeration(claim):
    act, W, b, p = claim
    region = [(-BIG, BIG)] * len(b) if act == "relu" else None
    oracle = pl_cycles(act, W, b, p, region, order="lex")
    kernel = kernel_enumeration(act, W, b, p)
    _event(oracle, kernel)
    moduli = [pl_moduli(act, W, b, orb) for orb in oracle] if oracle is not CONTINUUM else None
    assert_enumeration_agrees(oracle, kernel, moduli)


@settings(max_examples=strategies.examples(100))
@given(enumeration_claims())
def test_kernel_enumeration_agrees_with_pl_oracle(claim):
    """relu and hardtanh RNNs, n p <= 6: when the kernel's enumeration answers, its exact cycles of minimal period p
    are the oracle's (relu: all in [-10^9, 10^9]^n), no continuum, and the stability verdicts agree with the
    multipliers."""
    _check_enumeration(claim)


@pytest.mark.slow
@settings(max_examples=strategies.examples(400))
@given(enumeration_claims(max_np=8))
def test_kernel_enumeration_agrees_with_pl_oracle_thorough(claim):
    """The same for n p <= 8 and more examples."""
    _check_enumeration(claim)


@st.composite
def smooth_claims(draw, dims=(1, 2), periods=(1, 3)):
    """(act, W, b, p, region, rounds, order) for diagonal tanh and sigmoid (W and b scaled by 5 at times) with
    basis image (`image_regions`, `_order`)."""
    act, W, b = draw(strategies.rnn_nets(activations=("tanh", "sigmoid"), dims=dims, diagonal=True))
    scale = draw(st.sampled_from([1, 1, 1, 5]))  # steep units too: cycle points within 10^-8 of the range's ends
    W, b = [[scale * x for x in r] for r in W], [scale * x for x in b]
    p = draw(st.integers(*periods))
    region, rounds = draw(image_regions(act, W, b))
    return act, W, b, p, region, rounds, draw(_order(len(b)))


def _check_smooth(claim, cap=None):
    """The oracle lists every cycle (X_r must hold them all)."""
    act, W, b, p, region, rounds, order = claim
    if any(lo >= hi for lo, hi in region):
        return
    w = [W[i][i] for i in range(len(b))]
    oracle = diagonal_cycles(act, w, b, p, order=order)
    if oracle is None:
        event("oracle declines")
        return
    moduli = None
    if oracle is not TIE:
        moduli = [diagonal_moduli(act, w, b, orb) for orb in oracle]
        oracle = [tuple(tuple(Q(mpmath.nstr(x, 50)) for x in z) for z in orb) for orb in oracle]
    kernel = kernel_cycles(act, W, b, p, region, rounds, order, cap)
    _event(oracle, kernel)
    assert_agrees(oracle, kernel, slack=Q(1, 10 ** 40), moduli=moduli)


@settings(max_examples=strategies.examples(60))
@given(smooth_claims())
def test_kernel_agrees_with_diagonal_oracle(claim):
    """Diagonal tanh and sigmoid RNNs, n p <= 6: when the kernel lists the cycles of minimal period p, the mpmath
    oracle (when it is sure) finds the same number, each within 10^-40 of exactly one of the kernel's enclosures,
    and no tie, and the stability verdicts agree with the multipliers."""
    _check_smooth(claim, FAST_CAP)


@pytest.mark.slow
@settings(max_examples=strategies.examples(300))
@given(smooth_claims(dims=(1, 3), periods=(1, 4)))
def test_kernel_agrees_with_diagonal_oracle_thorough(claim):
    """The same for n <= 3, p <= 4 (n p <= 8), the kernel's own work cap and more examples."""
    if len(claim[2]) * claim[3] <= 8:
        _check_smooth(claim)


def _q(rows):
    return [[Q(x) for x in r] for r in rows]


DECIDED = [  # (act, W, b, p): the kernel's subdivision (X_0, order []) lists these, and agrees with the oracle
    ("hardtanh", [[-2]], [0], 1),
    ("hardtanh", [["1/2"]], ["1/4"], 1),
    ("hardtanh", [["-1/2", 1], [-1, "1/2"]], ["1/4", "1/5"], 1),
    ("tanh", [[3]], [0], 1),
    ("tanh", [[-2]], [0], 2),
    ("tanh", [[-2, 0], [0, "1/2"]], [0, 0], 2),
    ("tanh", [[-2, 0], [0, "3/2"]], [0, 0], 2),
    ("tanh", [[-2, 0], [0, 3]], [0, 0], 2),          # refused (400 bisections) by the first version of the kernel
    ("sigmoid", [[-20]], [10], 2),
]


def _oracle(act, W, b, p, order=None):
    if act in ("hardtanh", "relu"):
        return pl_cycles(act, W, b, p, [(-BIG, BIG)] * len(b) if act == "relu" else None, order)
    got = diagonal_cycles(act, [W[i][i] for i in range(len(b))], b, p, order=order)
    if got is None or got is TIE:
        return got
    return [tuple(tuple(Q(mpmath.nstr(x, 50)) for x in z) for z in orb) for orb in got]


def _range(act, n):
    return [(ZERO, ONE) if act == "sigmoid" else (-ONE, ONE)] * n


@pytest.mark.parametrize("act,W,b,p", DECIDED)
def test_kernel_decides_and_agrees(act, W, b, p):
    """Simple cases the kernel's subdivision decides (fixed points off the kinks, the flip 2-cycles of tanh(-2 x)
    and sigmoid(-20 x + 10), products with a contracting or bistable second coordinate): same orbits as the
    oracle, and stability verdicts the multipliers do not contradict."""
    W, b = _q(W), [Q(x) for x in b]
    kernel = kernel_cycles(act, W, b, p, _range(act, len(b)))
    assert kernel is not None
    oracle = _oracle(act, W, b, p)
    assert oracle is not None and oracle and oracle is not TIE
    if act in ("hardtanh", "relu"):
        assert_agrees(oracle, kernel, moduli=[pl_moduli(act, W, b, orb) for orb in oracle])
    else:
        w = [W[i][i] for i in range(len(b))]
        assert_agrees(oracle, kernel, Q(1, 10 ** 40), [diagonal_moduli(act, w, b, orb) for orb in oracle])


ENUMERATED = [  # (act, W, b, p): the kernel's enumeration lists these exactly, as the oracle does
    ("hardtanh", [[-2]], [0], 2),                     # {-1, 1}
    ("relu", [[-2]], [1], 2),                         # {0, 1} through the kink
    ("hardtanh", [[0, 0], [0, -2]], ["1/2", 0], 2),   # (1/2, -1) <-> (1/2, 1): a tie for the subdivision, not here
    ("hardtanh", [[2]], [-1], 1),                     # -1 and 1 (on the kink)
    ("relu", [["-1/2", 1], ["1/3", "1/2"]], ["1/4", 1], 1),
]


@pytest.mark.parametrize("act,W,b,p", ENUMERATED)
def test_kernel_enumeration_decides_and_agrees(act, W, b, p):
    """Cycles through kinks and saturated units, which the subdivision refuses: the enumeration lists them exactly,
    the same as the oracle."""
    W, b = _q(W), [Q(x) for x in b]
    kernel = kernel_enumeration(act, W, b, p)
    assert kernel is not None
    oracle = _oracle(act, W, b, p, "lex")
    assert oracle
    assert_enumeration_agrees(oracle, kernel, [pl_moduli(act, W, b, orb) for orb in oracle])


MUST_REFUSE = [  # (act, W, b, p, what the oracle finds)
    ("hardtanh", [[1]], [0], 1, CONTINUUM),                      # every point of [-1, 1] fixed
    ("hardtanh", [[1, 0], [0, 1]], [0, 0], 1, CONTINUUM),
    ("hardtanh", [[-1]], [0], 2, CONTINUUM),                     # every x != 0 of period 2
    ("hardtanh", [[0, 1], [1, 0]], [0, 0], 1, CONTINUUM),        # the swap: the diagonal fixed,
    ("hardtanh", [[0, 1], [1, 0]], [0, 0], 2, CONTINUUM),        # everything else of period 2
    ("hardtanh", [["1/2", "1/2"], ["1/2", "1/2"]], [0, 0], 1, CONTINUUM),  # a line of fixed points
    ("hardtanh", [[0, -1], [1, 0]], [0, 0], 4, CONTINUUM),       # quarter turn: period 4 off 0
    ("relu", [[1]], [0], 1, CONTINUUM),                          # every x >= 0 fixed
    ("relu", [[-1]], [1], 2, CONTINUUM),                         # x -> 1 - x on [0, 1]
    ("relu", [[0, -1], [-1, 0]], [1, 1], 2, CONTINUUM),
    ("hardtanh", [[0, 0], [0, -2]], ["1/2", 0], 2, TIE),        # (1/2, -1) <-> (1/2, 1)
    ("tanh", [[-2, 0], [0, -3]], [0, 0], 2, TIE),               # (0, -a) <-> (0, a)
    ("tanh", [[3, 0], [0, -2]], [0, 0], 2, TIE),
    ("sigmoid", [["1/2", 0], [0, -20]], [0, 10], 2, TIE),
]


@pytest.mark.parametrize("act,W,b,p,what", MUST_REFUSE)
def test_kernel_refuses_continuum_and_tie(act, W, b, p, what):
    """A continuum of orbits of minimal period p, or (subdivision, order []) an orbit whose canonical rotation is
    undefined (two points at the least first coordinate): no finite canonical list is right, and the kernel's
    subdivision (tanh, sigmoid, hardtanh) and enumeration (relu, hardtanh) refuse (a continuum) or the subdivision
    refuses (a tie)."""
    W, b = _q(W), [Q(x) for x in b]
    assert _oracle(act, W, b, p) == what
    if act != "relu":
        assert kernel_cycles(act, W, b, p, _range(act, len(b))) is None
    if act != "tanh" and act != "sigmoid" and what is CONTINUUM:
        assert kernel_enumeration(act, W, b, p) is None


def test_order_breaks_a_tie():
    """tanh(diag(3, -2) h) has the 2-cycles (x, -a) <-> (x, a) for the fixed points x of tanh(3 x), tied at their
    first coordinate; with the order c = (0, 1) (least second coordinate first) the 2-cycle with second coordinate
    -a first is canonical: if the kernel's subdivision decides it, it lists the oracle's orbits."""
    W, b = _q([[3, 0], [0, -2]]), [ZERO, ZERO]
    oracle = _oracle("tanh", W, b, 2, [ZERO, ONE])
    assert oracle is not TIE and len(oracle) == 3
    assert_agrees(oracle, kernel_cycles("tanh", W, b, 2, _range("tanh", 2), order=[ZERO, ONE]), Q(1, 10 ** 40))


# ----------------------------------------------------------------------------- coupled tanh / sigmoid: Newton's lower bound

@st.composite
def coupled_claims(draw, max_np=6, dims=(1, 3)):
    """(act, W, b, p, region) for tanh and sigmoid with any W (zero rows, permutations, general; W and b scaled by 5
    at times): basis image, region the activation's closed range^n."""
    act, W, b = draw(strategies.rnn_nets(activations=("tanh", "sigmoid"), dims=dims))
    scale = draw(st.sampled_from([1, 1, 1, 5]))  # steep units too (see smooth_claims)
    W, b = [[scale * x for x in r] for r in W], [scale * x for x in b]
    n = len(b)
    p = draw(st.integers(1, max(1, max_np // n)))
    return act, W, b, p, _range(act, n)


def _mid(ball):
    q = ball.mid().fmpq()
    return mp_q(Q(int(q.p), int(q.q)))


def _check_coupled(claim, starts, cap=None):
    act, W, b, p, region = claim
    n = len(b)
    kernel = kernel_cycles(act, W, b, p, region, cap=cap)
    event(f"kernel {'refuses' if kernel is None else 'lists'}")
    if kernel is None:
        return
    slack = Q(1, 10 ** 30)
    for orb in newton_cycles(act, W, b, p, region, starts):
        coords = [Q(mpmath.nstr(x, 45)) for z in orb for x in z]
        hits = [j for j, (K, _) in enumerate(kernel) if _holds(K, coords, slack)]
        assert len(hits) == 1, f"Newton's orbit {orb} lies in {len(hits)} kernel enclosures"
    with mpmath.workdps(50):
        for K, _ in kernel:
            pts = refine_cycle(act, W, b, p, [_mid(K[k, 0]) for k in range(n * p)])
            assert pts is not None, "Newton from an enclosure's midpoint reaches no zero of the cyclic system"
            assert _holds(K, [Q(mpmath.nstr(x, 45)) for z in pts for x in z], slack)
            assert all(pts[0][0] < z[0] for z in pts[1:]), "the enclosed zero is not a canonical rotation"


@settings(max_examples=strategies.examples(40))
@given(coupled_claims())
def test_kernel_cycles_exist_and_include_newtons(claim):
    """tanh and sigmoid RNNs with any W, n p <= 6: when the kernel lists the cycles of minimal period p, Newton's
    method from each enclosure's midpoint reaches a zero of the cyclic system inside it, in canonical rotation (the
    orbit exists), and every orbit Newton finds from 40 seeded starts lies in exactly one enclosure (none missed or
    listed twice)."""
    _check_coupled(claim, 40, FAST_CAP)


@pytest.mark.slow
@settings(max_examples=strategies.examples(300))
@given(coupled_claims(max_np=8))
def test_kernel_cycles_exist_and_include_newtons_thorough(claim):
    """The same for n p <= 8, 150 starts, the kernel's own work cap and more examples."""
    _check_coupled(claim, 150)
