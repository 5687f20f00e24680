"""The Feigenbaum point of the logistic family from both sides (checker/feigenbaum.py, thresholds/feigenbaum.py)."""

import copy
import functools

import mpmath
import pytest
from flint import fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

from certify.certificates import interval_parse, q_parse
from certify.checker import check
from certify.checker.feigenbaum import cascade_word
from certify.checker.statement import Failure
from certify.maps import parse_family
from certify.thresholds import feigenbaum as FG
from certify.thresholds.chaos import certify_chaos_onset

# the literature value (Briggs 1991; OEIS A098587), an oracle independent of the code under test
R_INF = fmpq(356994567187094490184200515138649893676, 10 ** 38)


def _q(r) -> fmpq:
    """An mpmath number as an exact rational (its binary value)."""
    m, e = r.man_exp
    return fmpq(int(m)) * (fmpq(2) ** int(e) if e >= 0 else fmpq(1, 2 ** int(-e)))


@functools.lru_cache(maxsize=1)
def _skeleton() -> dict:
    return certify_chaos_onset(parse_family("logistic(r)", "r"), None, periods=(6,))


def _cert(depth: int) -> dict:
    """A two-sided chaos-onset certificate on [1, 4] built from the finder's facts at a given depth."""
    facts = FG.cascade_facts(depth)
    return dict(copy.deepcopy(_skeleton()), evidence=facts, precision=max(f["prec"] for f in facts),
                **FG.as_fields(facts))


@pytest.fixture(scope="module")
def default_cert():
    return _skeleton()


def _mp_orbit_letters(r, n):
    """Kneading letters of f_r^j(1/2), j = 1..n-1, in mpmath at 60 digits (independent oracle)."""
    with mpmath.workdps(60):
        x, out = mpmath.mpf(1) / 2, []
        for _ in range(n - 1):
            x = r * x * (1 - x)
            out.append("R" if x > 0.5 else "L")
        return "".join(out)


def _mp_superstable(n, guess):
    """The zero of f_r^n(1/2) - 1/2 near guess, by mpmath's secant method at 60 digits."""
    def S(r):
        x = mpmath.mpf(1) / 2
        for _ in range(n):
            x = r * x * (1 - x)
        return x - mpmath.mpf(1) / 2
    with mpmath.workdps(60):
        return mpmath.findroot(S, mpmath.mpf(guess))


def test_default_enclosure_has_ten_correct_digits(default_cert):
    """`chaos-onset logistic(r)` (range [1, 4]) encloses r_inf in an interval of width < 1e-9, accepted by the kernel."""
    cert = default_cert
    assert cert["verdict"] == "proved" and check(cert).ok
    lo, hi = q_parse(cert["lower"]), q_parse(cert["upper"])
    assert lo < R_INF < hi
    assert hi - lo < fmpq(1, 10 ** 9) and cert["period"] == 3 * 2 ** 14


def test_kernel_statement_names_the_theorems(default_cert):
    """The statement names Misiurewicz (upper side), kneading theory and monotonicity (lower side)."""
    text = check(default_cert).statement
    for name in ("Misiurewicz", "Milnor-Thurston", "Douady-Hubbard", "Collet-Eckmann", "W_15C", "non-decreasing"):
        assert name in text


def test_cascade_words_are_the_period_doubling_sequences():
    """W_1 = R, W_2 = RLR, W_3 = RLRRRLR: each is the previous, a letter, the previous again."""
    assert [cascade_word(k) for k in range(4)] == ["", "R", "RLR", "RLRRRLR"]
    assert cascade_word(4) == "RLRRRLRLRLRRRLR"


@pytest.mark.parametrize("k, guess", [(2, "3.4986"), (3, "3.5546"), (4, "3.5667"), (5, "3.56924")])
def test_cascade_words_match_mpmath_orbits(k, guess):
    """The kernel's W_k equals the itinerary of 1/2 at the 2^k superstable parameter found by mpmath (60 digits)."""
    r = _mp_superstable(2 ** k, guess)
    assert _mp_orbit_letters(r, 2 ** k) == cascade_word(k)


@settings(max_examples=8, deadline=None)
@given(st.integers(2, 9))
def test_every_depth_encloses_the_literature_value(depth):
    """At every depth the proved interval contains r_inf, and its ends agree with mpmath's superstable parameters."""
    cert = _cert(depth)
    assert check(cert).ok
    lo, hi = (interval_parse(f["r"]) for f in cert["evidence"])
    assert lo[0] < R_INF < hi[1]
    for (a, b), n in ((lo, 2 ** depth), (hi, 3 * 2 ** (depth - 1))):
        r = _mp_superstable(n, float((a + b) / 2))
        assert a - fmpq(1, 10 ** 50) <= _q(r) <= b + fmpq(1, 10 ** 50)  # 60-digit oracle


def test_enclosures_shrink_with_depth():
    """Deeper facts give nested, narrower enclosures: width ratio near Feigenbaum's delta = 4.669."""
    w = []
    for depth in (6, 7, 8):
        lo, hi = FG.bounds(FG.cascade_facts(depth))
        w.append(hi - lo)
    assert 4 < float(w[0] / w[1]) < 5.5 and 4 < float(w[1] / w[2]) < 5.5


def _tamper(cert, edit):
    bad = copy.deepcopy(cert)
    edit(bad)
    return bad


@pytest.mark.parametrize("what, edit", [
    ("power-of-2 period", lambda c: c["evidence"][1].update(n=2 ** 11) or c.update(period=2 ** 11)),
    ("lower moved up", lambda c: c.update(lower="357/100")),
    ("upper moved down", lambda c: c.update(upper="3569/1000")),
    ("wrong depth", lambda c: c["evidence"][0].update(k=5)),
    ("interval off the root", lambda c: c["evidence"][0].update(r={"lo": "7/2", "hi": "71/20"})),
    ("range outside [1, 4]", lambda c: c["claim"].update(range={"lo": "1/2", "hi": "4"})),
    ("refuted verdict", lambda c: c.update(verdict="refuted")),
])
def test_tampered_two_sided_certificates_are_rejected(what, edit):
    """Each edit (a period that is a power of 2, a moved bound, a wrong depth or interval, a range past [1, 4]) fails."""
    cert = _cert(6)
    assert check(cert).ok
    assert not check(_tamper(cert, edit)).ok, what


def test_a_superstable_parameter_outside_the_cascade_is_not_a_lower_bound():
    """The period-4 superstable parameter near 3.9603 has the right period but not the kneading W_2: rejected."""
    from certify.checker.feigenbaum import superstable_at
    r = _mp_superstable(4, "3.9603")
    m = _q(r)
    fact = {"fact": "cascade_center", "k": 2, "r": {"lo": str(m - fmpq(1, 2 ** 60)), "hi": str(m + fmpq(1, 2 ** 60))},
            "prec": 128}
    (_, _), word = superstable_at(fact, fmpq(1), fmpq(4), 4)
    assert word != cascade_word(2)
    cert = _cert(2)
    cert["evidence"][0] = fact
    cert["lower"] = fact["r"]["lo"]
    res = check(cert)
    assert not res.ok and "kneading" in res.message
    with pytest.raises(Failure, match="Krawczyk"):
        superstable_at(dict(fact, r={"lo": "39/10", "hi": "79/20"}), fmpq(1), fmpq(4), 4)


def test_the_facts_are_refused_for_another_family():
    """The same facts on the tent family are rejected: they are about r*x*(1 - x) exactly."""
    cert = certify_chaos_onset(parse_family("tent(s)", "s"), (fmpq(1), fmpq(2)), periods=(6,))
    facts = FG.cascade_facts(4)
    bad = dict(cert, verdict="proved", evidence=facts, **FG.as_fields(facts))
    bad["claim"] = dict(cert["claim"], range={"lo": "1", "hi": "4"})
    assert not check(bad).ok


def test_a_range_inside_the_cascade_is_refuted():
    """On [1, 7/2] there is no chaos: the period-8 cascade center (3.5546) lies past 7/2; tampering is rejected."""
    cert = certify_chaos_onset(parse_family("logistic(r)", "r"), (fmpq(1), fmpq(7, 2)), periods=(6,))
    res = check(cert)
    assert cert["verdict"] == "refuted" and res.ok and cert["lower"] == "7/2"
    assert res.statement.startswith("no chaos for r in [1, 7/2]") and "2^3 = 8" in res.statement
    wider = copy.deepcopy(cert)
    wider["claim"]["range"] = {"lo": "1", "hi": "18/5"}  # 3.6: past the center
    wider["lower"] = "18/5"
    assert not check(wider).ok
    proved = dict(copy.deepcopy(cert), verdict="proved", lower=cert["evidence"][0]["r"]["lo"])
    assert not check(proved).ok  # the center lies past B: not a lower bound inside the range
