"""Certified multipliers of n-dimensional RNN cycles: Gershgorin discs of V^-1 M V (the kernel's
cycle_multipliers fact), tampering, degenerate cases, and a differential test against mpmath's
eigenvalues at the 50-digit cycle."""

import copy

import mpmath
import pytest
from flint import acb_mat, arb_mat, fmpq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_rnn import EXAMPLE, _mp_cycle, _mpq

from certify.checker import check
from certify.checker import multipliers as MU
from certify.checker.statement import Failure
from certify.maps.rnn import load_rnn, rnn
from certify.periodic.rnn import certify_rnn_cycle
from certify.reporting.rnn import multiplier_discs


@pytest.fixture(scope="module")
def saddle():
    return certify_rnn_cycle(load_rnn(EXAMPLE), 1)


@pytest.fixture(scope="module")
def cycle7():
    return certify_rnn_cycle(load_rnn(EXAMPLE), 7)


def _fails(cert, words: str):
    r = check(cert)
    assert not r.ok and words in r.message, r.message


def _identity(n: int) -> dict:
    return {"re": [[str(int(i == j)) for j in range(n)] for i in range(n)]}


# ----------------------------------------------------------------------------- the discs

def test_triangular_matrix_discs_separate_and_count():
    """diag(2, 1/2) + (1/10) e_12 with V = I: discs |z - 2| <= 1/10 and {1/2}, one multiplier outside."""
    ds = MU.discs(arb_mat([[2, fmpq(1, 10)], [0, fmpq(1, 2)]]), acb_mat([[1, 0], [0, 1]]))
    assert MU.classify(ds) == ("saddle", 1) and MU.groups(ds) == [[0], [1]]


def test_jordan_block_needs_a_scaling_similarity():
    """[[1/2, 1], [0, 1/2]] (defective): V = I leaves a disc of radius 1 on the circle; V = diag(1, 1/4) proves it attracting."""
    M = arb_mat([[fmpq(1, 2), 1], [0, fmpq(1, 2)]])
    assert MU.classify(MU.discs(M, acb_mat([[1, 0], [0, 1]]))) == ("undetermined", None)
    ds = MU.discs(M, acb_mat([[1, 0], [0, fmpq(1, 4)]]))
    assert MU.classify(ds) == ("attracting", 0) and MU.groups(ds) == [[0, 1]]


def test_singular_similarity_is_refused():
    """A V with two equal columns is not invertible: discs() raises a Failure naming V."""
    with pytest.raises(Failure, match="V is not proved invertible"):
        MU.discs(arb_mat([[2, 0], [0, 3]]), acb_mat([[1, 1], [1, 1]]))


def test_complex_pair_from_a_rotation():
    """W = (6/5) x rotation by 1 rad, b = 0: the fixed point 0 has the complex pair 1.2 e^(+-i), repelling, complex V."""
    import math
    c, s = fmpq(*math.cos(1.0).as_integer_ratio()), fmpq(*math.sin(1.0).as_integer_ratio())
    net = rnn([[fmpq(6, 5) * c, -fmpq(6, 5) * s], [fmpq(6, 5) * s, fmpq(6, 5) * c]], [0, 0])
    cert = certify_rnn_cycle(net, 1)
    mult = cert["evidence"][1]
    assert mult["stability"] == "repelling" and mult["unstable"] == 2 and "im" in mult["V"]
    r = check(cert)
    assert r.ok and "repelling; multipliers: 2 with |lambda| in [1.19" in r.statement


def test_zero_weights_give_multiplier_zero():
    """W = 0: the Jacobian product is exactly 0, every disc is the point 0, attracting with 0 unstable."""
    cert = certify_rnn_cycle(rnn([[0, 0, 0]] * 3, [1, 0, -1]), 1)
    assert cert["evidence"][1]["stability"] == "attracting" and cert["evidence"][1]["unstable"] == 0
    assert all(d.centre == 0 and d.radius == 0 for d in multiplier_discs(cert))


def test_repeated_eigenvalue_is_counted_twice():
    """W = 3 I, b = 0: the fixed point's product is a multiple of I (a double eigenvalue); both counted alike."""
    cert = certify_rnn_cycle(rnn([[3, 0], [0, 3]], [0, 0]), 1)
    mult = cert["evidence"][1]
    assert mult["unstable"] in (0, 2) and check(cert).ok
    assert _mp_unstable(cert) == mult["unstable"]


# ----------------------------------------------------------------------------- the example

def test_example_fixed_point_is_a_saddle(saddle):
    """rnn8_tanh's fixed point: a saddle with 5 unstable directions, stated by the kernel."""
    f = saddle["evidence"][1]
    assert (f["fact"], f["stability"], f["unstable"]) == ("cycle_multipliers", "saddle", 5)
    r = check(saddle)
    assert r.ok and r.facts == 2 and "saddle: 5 unstable directions; multipliers: 5 with |lambda| in" in r.statement


def test_example_7_cycle_multipliers_attracting(cycle7):
    """rnn8_tanh's 7-cycle: all 8 multipliers inside the unit disc."""
    f = cycle7["evidence"][1]
    assert (f["stability"], f["unstable"]) == ("attracting", 0)
    assert "attracting; multipliers: 8 with" in check(cycle7).statement


def test_old_certificates_without_multipliers_still_check(cycle7):
    """A certificate with only the cycle_krawczyk_nd fact (as before multipliers) is accepted, with the norm stability."""
    c = copy.deepcopy(cycle7)
    del c["evidence"][1]
    r = check(c)
    assert r.ok and r.facts == 1 and "attracting" in r.statement and "multipliers" not in r.statement


# ----------------------------------------------------------------------------- tampering

def test_wrong_unstable_count_is_rejected(saddle):
    """unstable: 4 on the 5-unstable saddle is refused."""
    c = copy.deepcopy(saddle)
    c["evidence"][1]["unstable"] = 4
    _fails(c, "the discs prove 'saddle' with 5 unstable")


def test_wrong_label_is_rejected(saddle):
    """stability 'repelling' on the saddle is refused."""
    c = copy.deepcopy(saddle)
    c["evidence"][1]["stability"] = "repelling"
    _fails(c, "not 'repelling'")


def test_singular_V_is_rejected(saddle):
    """V with its first column copied into the second is singular: refused."""
    c = copy.deepcopy(saddle)
    for part in c["evidence"][1]["V"].values():
        for row in part:
            row[1] = row[0]
    _fails(c, "V is not proved invertible")


def test_discs_meeting_the_circle_are_rejected(saddle):
    """The saddle claimed with V = I (whose Gershgorin discs meet the unit circle) is refused."""
    c = copy.deepcopy(saddle)
    c["evidence"][1]["V"] = _identity(8)
    _fails(c, "meets the unit circle")


def test_malformed_multipliers_fact_is_rejected(saddle):
    """An extra key, a V of the wrong shape, or a third fact is refused."""
    c = copy.deepcopy(saddle)
    c["evidence"][1]["note"] = "x"
    _fails(c, "keys")
    c = copy.deepcopy(saddle)
    c["evidence"][1]["V"] = _identity(7)
    _fails(c, "8 x 8")
    c = copy.deepcopy(saddle)
    c["evidence"].append(c["evidence"][1])
    _fails(c, "optionally followed")


# ----------------------------------------------------------------------------- differential

def _mp_multipliers(cert, dps: int = 50):
    """mpmath eigenvalues (50 digits) of the Jacobian of f^p at the cycle refined by mpmath Newton."""
    canon, boxes = cert["map"]["canonical"], cert["evidence"][0]["boxes"]
    Z = _mp_cycle(canon, boxes, dps)
    with mpmath.workdps(dps):
        W = mpmath.matrix([[_mpq(w) for w in r] for r in canon["W"]])
        b = mpmath.matrix([_mpq(v) for v in canon["b"]])
        n = len(canon["b"])
        M = mpmath.eye(n)
        for z in Z:
            u = W * mpmath.matrix(z) + b
            if canon["activation"] == "tanh":
                d = [1 - mpmath.tanh(u[i]) ** 2 for i in range(n)]
            else:
                d = [mpmath.exp(-u[i]) / (1 + mpmath.exp(-u[i])) ** 2 for i in range(n)]
            M = mpmath.diag(d) * W * M
        return mpmath.eig(M, left=False, right=False)


def _mp_unstable(cert) -> int:
    return sum(1 for lam in _mp_multipliers(cert) if abs(lam) > 1)


def _mpf(q) -> mpmath.mpf:
    return mpmath.mpf(int(q.p)) / int(q.q)


def _in_discs(lam, ds) -> bool:
    """lam (30 to 50 digits) is in some disc, up to 10^-25 (mpmath's own error)."""
    for d in ds:
        c = mpmath.mpc(_mpf(d.centre.real.mid().fmpq()), _mpf(d.centre.imag.mid().fmpq()))
        if abs(lam - c) <= _mpf(d.radius.upper().fmpq()) + mpmath.mpf(10) ** -25:
            return True
    return False


def _agrees_with_mpmath(cert, dps: int = 50):
    ds, lams = multiplier_discs(cert), _mp_multipliers(cert, dps)
    assert all(_in_discs(lam, ds) for lam in lams)
    assert sum(1 for lam in lams if abs(lam) > 1) == cert["evidence"][1]["unstable"]


def test_example_multipliers_agree_with_mpmath(saddle, cycle7):
    """At 50 (the 7-cycle: 30) digits, the eigenvalues of the Jacobian product at the example's cycles lie in the discs, with the certified unstable count."""
    _agrees_with_mpmath(saddle)
    _agrees_with_mpmath(cycle7, 30)


def _nets():
    entry = st.integers(-12, 12).map(lambda k: k / 4)
    return st.integers(2, 4).flatmap(lambda n: st.tuples(
        st.lists(st.lists(entry, min_size=n, max_size=n), min_size=n, max_size=n),
        st.lists(entry, min_size=n, max_size=n),
        st.sampled_from(["tanh", "sigmoid"]), st.sampled_from([1, 1, 2, 3])))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_nets())
def test_certified_multipliers_agree_with_mpmath(case):
    """For small random RNNs, every mpmath eigenvalue lies in the kernel's discs and the unstable count agrees."""
    W, b, act, p = case
    cert = certify_rnn_cycle(rnn(W, b, activation=act), p, starts=8)
    if cert["verdict"] != "proved" or len(cert["evidence"]) < 2:
        return
    assert check(cert).ok
    _agrees_with_mpmath(cert)


# ----------------------------------------------------------------------------- the command

def test_cli_stability_lists_the_discs(capsys):
    """`certify stability rnn8_tanh.json -p 1`: the saddle, and one line per disc (5 unstable, 3 stable)."""
    from certify.cli import main
    assert main(["stability", EXAMPLE, "-p", "1"]) == 0
    out = capsys.readouterr().out
    assert "stable   saddle: 5 unstable directions" in out
    lines = [ln for ln in out.splitlines() if ln.startswith("         1 in |z - (")]
    assert len(lines) == 8 and sum(ln.endswith("   unstable") for ln in lines) == 5


def test_cli_stability_refuses_a_1d_map(capsys):
    """`certify stability 'logistic(r=3)'` is an input error (exit 2) naming what it reads."""
    from certify.cli import main
    assert main(["stability", "logistic(r=3)", "-p", "1"]) == 2
    assert "reads an n-dimensional RNN or PLRNN file" in capsys.readouterr().err


def test_shown_disc_contains_the_kernel_disc(saddle):
    """The printed centre and radius give a disc containing the kernel's (the shown radius absorbs the rounding)."""
    import re
    from fractions import Fraction

    from certify.reporting.rnn import _disc_line
    for d in multiplier_discs(saddle):
        m = re.fullmatch(r"\|z - \((\S+)(?: ([+-]) (\S+)i)?\)\| <= (\S+)", _disc_line(d))
        re_, sign, im, r = m.groups()
        shown = complex(float(re_), float((sign or "+") + (im or "0")))
        c = complex(d.centre)
        assert abs(c - shown) + float(d.radius.upper()) <= float(Fraction(r)) * (1 + 1e-12)
