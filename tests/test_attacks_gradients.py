"""Adversarial certificates against the rnn_gradients claim on PLRNNs z -> A z + W relu(z) + h (review3).
Each certificate is forged from the kernel's own enclosures (so only the kernel's judgement is tested) and
compared with an exact Fraction oracle: a kink of relu on the orbit, trapped cycles at a kink, misstated
periods, boxes not mapped into themselves, tampered numbers, budgets, and the --expect-map binding."""

from __future__ import annotations

import itertools
import json
import math
from fractions import Fraction

from flint import fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

from certify.certificates import interval, interval_parse, q_str
from certify.checker import check
from certify.checker.rnn_gradients import orbit_product, parse_network
from certify.checker.semantics import workprec
from certify.verify import verify

KINK = "meets a kink of relu"


def _q(v) -> fmpq:
    f = Fraction(v)
    return fmpq(f.numerator, f.denominator)


def _canon(A, W, h) -> dict:
    return {"kind": "plrnn", "A": [q_str(_q(a)) for a in A], "W": [[q_str(_q(w)) for w in r] for r in W],
            "h": [q_str(_q(v)) for v in h]}


def _forge(canon, z0, H, prec=128, trapped=None) -> dict:
    """A proved rnn_gradients certificate whose log_norm intervals are the kernel's own enclosures."""
    ts = list(range(1, H + 1))
    with workprec(prec):
        logs = orbit_product(parse_network(canon), [_q(v) for v in z0], H, prec, ts)[0]
        ivs = [interval(0, 0) if logs[t] is None else interval(logs[t].lower().fmpq(), logs[t].upper().fmpq())
               for t in ts]
    ev = [{"fact": "jacobian_norms", "T": ts, "log_norm": ivs}] + ([trapped] if trapped else [])
    return {"schema": "certify/1", "map": {"given": "attack", "canonical": canon, "class": "piecewise-linear"},
            "claim": {"kind": "rnn_gradients", "p": 0, "z0": [q_str(_q(v)) for v in z0], "horizon": H},
            "verdict": "proved", "precision": prec, "evidence": ev}


def _one_sided(A, W, h, z0, T, cap=256):
    """Exact Fractions: (whether the orbit meets a kink z_t,j = 0 with column j of W nonzero, the list of
    ||prod_(t<T) (A + W diag(s_t))||_inf over every choice s_t,j in {0, 1} at those kinks)."""
    n = len(A)
    A, W, h = [Fraction(a) for a in A], [[Fraction(w) for w in r] for r in W], [Fraction(v) for v in h]
    z, choices = [Fraction(v) for v in z0], []
    for _ in range(T):
        choices.append([[0, 1] if z[j] == 0 and any(W[r][j] for r in range(n)) else [int(z[j] > 0)]
                        for j in range(n)])
        z = [A[i] * z[i] + sum(W[i][j] * max(z[j], 0) for j in range(n)) + h[i] for i in range(n)]
    kinked = any(len(c) == 2 for step in choices for c in step)
    norms = []
    for pick in itertools.islice(itertools.product(*[itertools.product(*step) for step in choices]), cap):
        P = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
        for s in pick:
            J = [[(A[i] if i == j else 0) + W[i][j] * s[j] for j in range(n)] for i in range(n)]
            P = [[sum(J[i][k] * P[k][j] for k in range(n)) for j in range(n)] for i in range(n)]
        norms.append(max(sum(abs(v) for v in r) for r in P))
    return kinked, norms


def test_attack_kink_on_orbit_names_the_generalised_jacobian():
    """At z0 = (1, 0) with W's second column nonzero f^3 is not differentiable (the one-sided products have
    norms 2.375 and 3.375): the accepted statement must not present a derivative, it must say the bound is for
    every one-sided product (Clarke's generalised Jacobian), and those norms lie in the certified interval."""
    A, W, h = ["1/2", "1/2"], [["0", "1"], ["1", "0"]], ["0", "0"]
    c = _forge(_canon(A, W, h), ["1", "0"], 3)
    res = check(c)
    kinked, norms = _one_sided(A, W, h, ["1", "0"], 3)
    assert kinked and sorted(set(norms)) == [Fraction(19, 8), Fraction(27, 8)]
    assert res.ok and KINK in res.statement and "Clarke" in res.statement  # before the fix: no qualification
    lo, hi = interval_parse(c["evidence"][0]["log_norm"][-1])
    assert all(float(lo) - 1e-12 <= math.log(v) <= float(hi) + 1e-12 for v in norms)


def test_kink_free_column_is_no_kink():
    """z0 with a zero coordinate whose column of W is zero: relu(z_j) does not enter f, f^T is differentiable,
    and the statement carries no kink qualification."""
    A, W, h = ["1/2", "1/3"], [["1/4", "0"], ["1/5", "0"]], ["1", "1"]
    res = check(_forge(_canon(A, W, h), ["1", "0"], 4))
    assert res.ok and KINK not in res.statement


fr = st.fractions(min_value=-2, max_value=2, max_denominator=4)
degenerate = st.one_of(st.just(Fraction(0)), fr)


@settings(max_examples=25, deadline=None)
@given(st.lists(degenerate, min_size=2, max_size=2), st.lists(degenerate, min_size=4, max_size=4),
       st.lists(degenerate, min_size=2, max_size=2), st.lists(degenerate, min_size=2, max_size=2),
       st.sampled_from(["none", "W0", "A0", "h0"]))
def test_accepted_norms_contain_every_one_sided_product(A, Wf, h, z0, degen):
    """Differential against Fractions on small PLRNNs (W = 0, A = 0, h = 0 and orbits on kinks included):
    whenever the kernel accepts, each interval contains log ||P|| for every exact product of one-sided
    Jacobians, and an orbit meeting a kink is stated as such."""
    W = [Wf[:2], Wf[2:]]
    if degen == "W0":
        W = [[Fraction(0)] * 2] * 2
    A = [Fraction(0)] * 2 if degen == "A0" else A
    h = [Fraction(0)] * 2 if degen == "h0" else h
    H = 5
    c = _forge(_canon(A, W, h), z0, H)
    res = check(c)
    if not res.ok:
        return  # refusing is always sound
    for T, iv in zip(c["evidence"][0]["T"], c["evidence"][0]["log_norm"]):
        kinked, norms = _one_sided(A, W, h, z0, T)
        lo, hi = interval_parse(iv)
        assert all(v > 0 and float(lo) - 1e-9 <= math.log(v) <= float(hi) + 1e-9 for v in norms)
        if kinked:
            assert KINK in res.statement


def _trap(lo, hi, p=1, power=1, weights=("1",)):
    return {"fact": "trapped_cycle", "p": p, "power": power, "box": [interval(_q(a), _q(b)) for a, b in zip(lo, hi)],
            "weights": list(weights)}


def test_attack_trapped_cycle_at_a_kink():
    """f(z) = z/2 + relu(z)/4 has its attracting fixed point 0 at the kink: at z0 = 0 no f^T is differentiable,
    so the accepted bound for every T >= H must be stated for the one-sided products (left slope 1/2, right 3/4)."""
    canon = _canon(["1/2"], [["1/4"]], ["0"])
    res = check(_forge(canon, ["0"], 2, trapped=_trap(["-1/8"], ["1/8"])))
    assert res.ok and "vanishes exponentially" in res.statement and KINK in res.statement
    res = check(_forge(canon, ["1"], 8, trapped=_trap(["-1/8"], ["1/8"])))  # orbit positive, box across the kink
    assert res.ok and "trapped cycle's boxes" in res.statement


def test_attack_trapped_cycle_not_attracting():
    """f(z) = 2 z has the repelling fixed point 0: a box around it is not mapped into itself, so 'the gradient
    vanishes' is refused."""
    res = check(_forge(_canon(["2"], [["0"]], ["0"]), ["0"], 3, trapped=_trap(["-1"], ["1"])))
    assert not res.ok and "\n" not in res.message


TWO = _canon(["-1/2"], [["-1"]], ["1"])  # slopes -1/2 (z < 0) and -3/2 (z > 0): attracting 2-cycle {-2, 2}


def test_two_cycle_genuine_passes():
    """The attracting 2-cycle {-2, 2} of z -> -z/2 - relu(z) + 1 (multiplier 3/4) is accepted with p = 2."""
    res = check(_forge(TWO, ["-2"], 2, trapped=_trap(["-21/10"], ["-19/10"], p=2)))
    assert res.ok and "period 2" in res.statement


def test_attack_two_cycle_misstated_periods():
    """False claims 'an attracting cycle of period 1' (p = 1, power = 2) and 'of period 4' (p = 4) about the
    2-cycle {-2, 2} are refused."""
    for p, j in ((1, 2), (4, 1), (3, 1)):
        res = check(_forge(TWO, ["-2"], 2, trapped=_trap(["-21/10"], ["-19/10"], p=p, power=j)))
        assert not res.ok, (p, j)


def test_attack_box_not_containing_z_H():
    """A trapped box around the other point of the 2-cycle (z_H = -2, box around 2) is refused."""
    res = check(_forge(TWO, ["-2"], 2, trapped=_trap(["19/10"], ["21/10"], p=2)))
    assert not res.ok


def test_attack_malformed_claims_are_refused():
    """Checkpoints out of order, duplicated or not ending at H, z0 of the wrong length, a shifted log_norm, a
    non-diagonal A, a negative weight and an out-of-range precision are each refused."""
    canon = _canon(["1/2", "1/2"], [["0", "1/5"], ["1/10", "0"]], ["1", "1"])
    good = _forge(canon, ["3/10", "-1/5"], 4)
    assert check(good).ok
    bad = []
    for ts in ([2, 1, 3, 4], [1, 1, 2, 4], [1, 2, 3]):
        c = json.loads(json.dumps(good))
        c["evidence"][0]["T"] = ts
        c["evidence"][0]["log_norm"] = c["evidence"][0]["log_norm"][:len(ts)]
        bad.append(c)
    c = json.loads(json.dumps(good))
    c["claim"]["z0"] = ["3/10", "-1/5", "0"]
    bad.append(c)
    c = json.loads(json.dumps(good))
    lo, hi = interval_parse(c["evidence"][0]["log_norm"][1])
    c["evidence"][0]["log_norm"][1] = interval(lo + fmpq(1, 1 << 30), hi + fmpq(1, 1 << 30))
    bad.append(c)
    c = json.loads(json.dumps(good))
    c["map"]["canonical"]["A"] = [["1/2", "1/10"], ["0", "1/2"]]
    bad.append(c)
    c = json.loads(json.dumps(good))
    c["precision"] = 1 << 40
    bad.append(c)
    c = json.loads(json.dumps(good))
    c["evidence"].append(_trap(["0", "0"], ["9", "9"], weights=("1", "-1")))
    bad.append(c)
    for c in bad:
        res = check(c)
        assert not res.ok and "\n" not in res.message


def test_attack_work_limit_counted_before_work():
    """A 256-dimensional PLRNN over 100000 steps (and a 64 x 64-step trapped cycle on a small one beyond the
    limit) is refused by the work bound before any orbit step is taken."""
    n = 256
    canon = {"kind": "plrnn", "A": ["0"] * n, "W": [["0"] * n for _ in range(n)], "h": ["0"] * n}
    c = {"schema": "certify/1", "map": {"given": "x", "canonical": canon, "class": "piecewise-linear"}, "verdict": "proved", "precision": 64,
         "claim": {"kind": "rnn_gradients", "p": 0, "z0": ["0"] * n, "horizon": 100000},
         "evidence": [{"fact": "jacobian_norms", "T": [100000], "log_norm": [interval(0, 0)]}]}
    res = check(c)
    assert not res.ok and "work limit" in res.message


def test_attack_huge_weights_finish():
    """A = 2^13000 over 20000 steps (|z_H| about 2^(2.6e8)) and a trapped box: the exact comparison of z_H with
    the box is refused after one conversion, not a hang."""
    canon = _canon([2 ** 13000], [["0"]], ["0"])
    res = check(_forge(canon, ["1"], 20000, trapped=_trap(["0"], ["1"])))
    assert not res.ok and "not inside the box" in res.message


def test_attack_expect_map_binds_to_the_file(tmp_path):
    """A certificate about one PLRNN file passes --expect-map for that file and fails for another file."""
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    ca = _canon(["1/2", "1/2"], [["0", "1/5"], ["1/10", "0"]], ["1", "1"])
    cb = _canon(["1/2", "1/2"], [["0", "1/5"], ["1/10", "0"]], ["1", "2"])
    a.write_text(json.dumps(ca))
    b.write_text(json.dumps(cb))
    c = _forge(ca, ["3/10", "-1/5"], 3)
    assert verify(c, expect_map=str(a)).ok and not verify(c, expect_map=str(b)).ok


def test_attack_relu_rnn_kink_on_orbit():
    """The same hole for an RNN h -> relu(W h + b): at h0 = (1, 0) with b = (-1, 0) the pre-activation
    W h0 + b is (0, 1) and relu has a kink at 0 (one-sided products differ), so the accepted statement says
    the bound is for the one-sided Jacobians; tanh orbits never get that line."""
    W = [["1", "2"], ["1", "1/2"]]
    relu = {"kind": "rnn", "activation": "relu", "W": W, "b": ["-1", "0"]}
    c = _forge(relu, ["1", "0"], 3)
    c["map"]["class"] = "piecewise-linear"
    res = check(c)
    assert res.ok and "meets a kink of relu" in res.statement
    c = _forge({"kind": "rnn", "activation": "tanh", "W": W, "b": ["-1", "0"]}, ["1", "0"], 3)
    c["map"]["class"] = "smooth"
    res = check(c)
    assert res.ok and "kink" not in res.statement
