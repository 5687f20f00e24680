"""Differential tests: certify's verdicts on degenerate piecewise-linear networks against the
independent exact oracle of tests/oracle_pl.py (Fractions only, no certify code).

No contradiction is allowed: a proved period must come with a true p-cycle (checked by Fraction
iteration) and the oracle must find one; a refuted period must have none; a proved orbit list
must equal the oracle's orbits exactly, or say "continuum" exactly when the oracle finds one.
Every certificate must pass the kernel's checker. Undecided is no contradiction, but on the
whole line a PL map may be undecided only when no bounded region was found.

CERTIFY_DIFF_EXAMPLES=N sets the number of examples of the hypothesis tests (e.g. 10000); run
`pytest -s` to see the tally of verdicts, or --hypothesis-show-statistics for the events.
"""

from __future__ import annotations

import os
from collections import Counter
from fractions import Fraction

import pytest
from flint import fmpq
from hypothesis import HealthCheck, event, given, settings, strategies as st
from hypothesis.control import currently_in_test_context

from certify.checker import check
from certify.errors import CertifyError
from certify.maps import parse_map
from certify.periodic.period import certify_orbits, certify_period
from oracle_pl import Net, image_hull, periodic_points
from strategies import degenerate_pl_nets, examples, rnn1d_spec, small_rationals

EXAMPLES = int(os.environ.get("CERTIFY_DIFF_EXAMPLES", "0"))
TALLY: Counter = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report_tally():
    """Print the verdict tally and the undecided rate after the module (visible with -s)."""
    yield
    if TALLY:
        runs = TALLY["period"] + TALLY["orbits"]
        undecided = TALLY["period undecided"] + TALLY["orbits undecided"]
        print(f"\ndifferential PL: {dict(sorted(TALLY.items()))}; undecided {undecided}/{runs}"
              f" = {undecided / max(runs, 1):.1%}")


def oracle_net(net) -> Net:
    return Net(tuple(zip(net["w"], net["b"], net["a"])), net["c"], net["activation"],
               net.get("output_activation"), Fraction(1, 100) if net.get("slope") is None else net["slope"])


def _fq(x: Fraction) -> fmpq:
    return fmpq(x.numerator, x.denominator)


def invariant_hull(f, lo, hi, rounds=6):
    """The smallest interval [lo', hi'] containing [lo, hi] and its images, if `rounds` hull steps reach it."""
    for _ in range(rounds):
        a, b = image_hull(f, lo, hi)
        if lo <= a and b <= hi:
            return lo, hi
        lo, hi = min(lo, a), max(hi, b)
    return None


def _exact_points(intervals, where):
    assert all(b["lo"] == b["hi"] for b in intervals), f"{where}: PL orbit points must be exact"
    return tuple(Fraction(b["lo"]) for b in intervals)


def _is_cycle(f, orbit, p):
    return (len(orbit) == p and len(set(orbit)) == p
            and all(f(orbit[i]) == orbit[(i + 1) % p] for i in range(p)))


def _count(kind, verdict):
    TALLY[kind] += 1
    TALLY[f"{kind} {verdict}"] += 1
    if currently_in_test_context():
        event(f"{kind} {verdict}")


def _checked(cert, where):
    assert "self-check" not in cert.get("reason", ""), f"{where}: {cert['reason']}"
    res = check(cert)
    assert res.ok, f"{where}: kernel rejects the {cert['verdict']} certificate: {res.message}"
    return cert


def compare(net, p, domain=None):
    """certify_period and certify_orbits on the net agree with the oracle; returns the two certificates."""
    spec = rnn1d_spec(net)
    where = f'certify period "{spec}" -p {p}' + (f" --domain {domain[0]},{domain[1]}" if domain else "")
    m, f = parse_map(spec), oracle_net(net)
    truth = periodic_points(f, p, domain)
    exists = bool(truth.points or truth.continuum)
    dom = None if domain is None else (_fq(domain[0]), _fq(domain[1]))

    per = _checked(certify_period(m, p, domain=dom), where)
    _count("period", per["verdict"])
    if per["verdict"] == "proved":
        orbit = _exact_points(per["orbit"], where)
        assert _is_cycle(f, orbit, p), f"{where}: the certified orbit {orbit} is not a {p}-cycle"
        assert orbit[0] == min(orbit)
        assert domain is None or all(domain[0] <= x <= domain[1] for x in orbit), f"{where}: orbit outside"
        assert exists, f"{where}: proved, but the oracle finds no point of minimal period {p}"
    elif per["verdict"] == "refuted":
        assert not exists, (f"{where}: REFUTED, but the oracle finds {truth.orbits[:3]}"
                            f"{' and a continuum ' + str(truth.continuum) if truth.continuum else ''}")

    orb = _checked(certify_orbits(m, p, domain=dom), where.replace("period", "orbits", 1))
    _count("orbits", orb["verdict"])
    if orb["verdict"] == "proved":
        if orb["count"] == "continuum":
            assert truth.continuum, f"{where}: orbits says continuum, the oracle finds none"
        else:
            assert not truth.continuum, f"{where}: orbits misses the continuum {truth.continuum}"
            got = sorted(_exact_points(o, where) for o in orb["orbits"])
            assert orb["count"] == len(got)
            assert got == truth.orbits, f"{where}: orbits {got} but the oracle finds {truth.orbits}"
    return per, orb


def assert_decided_on_line(net, p):
    """On the whole line a PL map is always decided (a bounded region, else the whole-line enumeration)
    unless the work budget says otherwise."""
    per, orb = compare(net, p)
    for cert in (per, orb):
        if cert["verdict"] == "undecided":
            assert "budget" in cert.get("reason", ""), \
                f'certify {cert["claim"]["kind"]} "{rnn1d_spec(net)}" -p {p}: undecided: {cert.get("reason")}'


def _settings(default):
    return settings(max_examples=EXAMPLES or default, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


PERIODS = st.integers(1, 5)


def _domain_case(net, p, lo, hi, point=None):
    """Compare on the invariant hull of [lo, hi] (certify must refuse [lo, hi] if there is none), or on
    the one-point domain {x}, x = point(fixed points of f)."""
    f = oracle_net(net)
    if point is not None:  # a one-point domain {x}, x a fixed point (isolated or in a continuum)
        fixed = periodic_points(f, 1)
        xs = sorted(fixed.points) + [e for piece in fixed.continuum for e in piece if e is not None]
        xs += [(a + b) / 2 for a, b in fixed.continuum if a is not None and b is not None]
        xs += [a + 1 if b is None else b - 1 for a, b in fixed.continuum if (a is None) != (b is None)]
        if xs:
            x = point(xs)
            compare(net, p, (x, x))
            return
    lo, hi = min(lo, hi), max(lo, hi)
    dom = invariant_hull(f, lo, hi)
    if dom is None:  # not invariant: certify must refuse the domain
        with pytest.raises(CertifyError, match="not invariant"):
            certify_period(parse_map(rnn1d_spec(net)), p, domain=(_fq(lo), _fq(hi)))
        return
    compare(net, p, dom)


# ----------------------------------------------------------------------------- hypothesis

@_settings(examples(300))
@given(degenerate_pl_nets(), PERIODS)
def test_differential_whole_line(net, p):
    """Points of minimal period p on R: certify's period/orbits verdicts equal exact enumeration."""
    compare(net, p)


@_settings(examples(100))
@given(degenerate_pl_nets(), PERIODS)
def test_whole_line_pl_decided(net, p):
    """A PL map on R is decided (proved or refuted): exact enumeration needs no bounded region."""
    assert_decided_on_line(net, p)


DOMAINS = st.tuples(small_rationals(), small_rationals(), st.sampled_from(("interval",) * 4 + ("point",)), st.data())


def _domain_of(net, p, domain):
    lo, hi, kind, data = domain
    point = (lambda xs: data.draw(st.sampled_from(xs))) if kind == "point" else None
    _domain_case(net, p, lo, hi, point)


@_settings(examples(150))
@given(degenerate_pl_nets(), PERIODS, DOMAINS)
def test_differential_invariant_domain(net, p, domain):
    """Points of minimal period p in an invariant interval (or fixed point): certify's verdicts equal exact enumeration."""
    _domain_of(net, p, domain)


@pytest.mark.slow
@_settings(3000)
@given(degenerate_pl_nets(), PERIODS)
def test_differential_whole_line_slow(net, p):
    """Points of minimal period p on R (many examples): certify agrees with the oracle, decides if a region exists."""
    assert_decided_on_line(net, p)


@pytest.mark.slow
@_settings(2000)
@given(degenerate_pl_nets(), PERIODS, DOMAINS)
def test_differential_invariant_domain_slow(net, p, domain):
    """Points of minimal period p in an invariant interval or fixed point (many examples): certify agrees with the oracle."""
    _domain_of(net, p, domain)


# ----------------------------------------------------------------------------- regressions

def _net(act, w, b, a, c="0", **kw):
    q = [Fraction(s) for s in w], [Fraction(s) for s in b], [Fraction(s) for s in a]
    net = {"activation": act, "w": q[0], "b": q[1], "a": q[2], "c": Fraction(c)}
    net.update({k: (Fraction(v) if k == "slope" else v) for k, v in kw.items()})
    return net


ISSUE9 = [  # (net, p, the truth in words)
    (_net("relu", ["1/2"], ["-1/2"], ["1/2"], "1"), 1),     # f(1) = 1 on f's break, a constant left tail
    (_net("relu", ["1"], ["0"], ["-2"]), 1),                # -2 relu(x): f(0) = 0 on the break
    (_net("relu", ["-1"], ["1"], ["-1/2"], "1"), 1),        # 1 - relu(1 - x)/2: f(1) = 1, constant right tail
    (_net("relu", ["-3"], ["1"], ["1/3"], "-1/2"), 2),      # f^2 = id on [-1/2, 1/3] and the 2-cycle {-1/2, 1/3}
]


@pytest.mark.parametrize("net,p", ISSUE9)
def test_issue9_examples(net, p):
    """The maps of issue 9 have the periodic points exact enumeration finds, and certify says so."""
    per, orb = compare(net, p)
    assert per["verdict"] == "proved" and orb["verdict"] == "proved"


def test_formula_specs_of_issue9():
    """The formula spellings of issue 9 (-2*relu(x), 1 - relu(1-x)/2, ...) are proved periodic."""
    for spec, p in [("-2*relu(x)", 1), ("1 - relu(1-x)/2", 1), ("(1/3)*relu(-3*x + 1) - 1/2", 2),
                    ("rnn1d(activation=relu, w=[1/2], b=[-1/2], a=[1/2], c=1)", 1)]:
        cert = certify_period(parse_map(spec), p)
        assert cert["verdict"] == "proved", (spec, cert.get("reason"))
        assert check(cert).ok


REGRESSIONS = [
    # constant tails
    (_net("relu", ["1"], ["0"], ["1/2"], "1"), 1),                         # 1 + relu(x)/2: fixed 2
    (_net("relu", ["1", "-1"], ["0", "0"], ["0", "1"]), 1),                # relu(-x): fixed 0 = break
    (_net("hardtanh", ["2"], ["0"], ["1"]), 1),                            # hardtanh(2x): fixed -1, 0, 1
    (_net("hardtanh", ["2"], ["0"], ["1"]), 2),
    (_net("hardtanh", ["1"], ["0"], ["-2"]), 2),                           # -2 hardtanh(x): 2-cycle {-2, 2}
    # identity pieces
    (_net("identity", ["1"], ["0"], ["1"]), 1),                            # f = id: a continuum
    (_net("identity", ["1"], ["0"], ["1"]), 2),
    (_net("identity", ["1"], ["0"], ["-1"]), 2),                           # f = -x: a 2-continuum
    (_net("relu", ["1", "-1"], ["0", "0"], ["1", "1"]), 1),                # |x|: identity right tail
    (_net("relu", ["1", "-1"], ["0", "0"], ["1", "1"]), 2),
    (_net("relu", ["1"], ["-1"], ["1"]), 1),                               # relu(x - 1): x - 1 on the tail
    (_net("hardtanh", ["1"], ["0"], ["1"]), 1),                            # hardtanh: id on [-1, 1]
    (_net("hardtanh", ["1"], ["0"], ["-1"]), 2),                           # -hardtanh: f^2 = id on [-1, 1]
    (_net("leaky_relu", ["1"], ["0"], ["1"], slope="1"), 1),              # leaky slope 1 = id
    (_net("leaky_relu", ["1"], ["0"], ["1"], slope="-1"), 2),             # |x| by a leaky slope -1
    # fixed points on breakpoints
    (_net("relu", ["1"], ["0"], ["2"]), 1),                                # 2 relu(x): fixed 0 (repelling)
    (_net("relu", ["2", "1"], ["-1", "-1/2"], ["1", "-2"], "1/2"), 1),    # coincident breaks at 1/2
    (_net("relu", ["1"], ["-1"], ["-1"], "1"), 1),                         # 1 - relu(x - 1): fixed on 1
    # coincident breakpoints
    (_net("relu", ["1", "2"], ["-1", "-2"], ["2", "-1"]), 1),             # the kinks cancel: f = 0
    (_net("relu", ["1", "2", "-1"], ["0", "0", "0"], ["1", "-1", "-1"]), 2),
    # zero weights
    (_net("relu", ["0"], ["1"], ["2"], "-1"), 1),                          # w = 0: constant 1
    (_net("relu", ["0", "1"], ["0", "0"], ["3", "0"]), 1),                 # a = 0, w = 0: constant 0
    (_net("hardtanh", ["0", "-2"], ["-3", "0"], ["1", "1"], "1"), 2),
    # found by the differential test
    (_net("relu", ["3/2"], ["1/2"], ["1"], "-1/3"), 1),                   # constant left tail, fixed -1/3 on the break
    (_net("hardtanh", ["1/2"], ["-1"], ["-1"], "-1"), 1),                 # fixed 0 on a break of hardtanh
    (_net("leaky_relu", ["-1", "3", "-3/2"], ["-1/3", "-1/2", "1/4"], ["0", "2/5", "-2/15"], "-3/2",
          slope="-1"), 2),                                                 # a 2-cycle beside a continuum
]


@pytest.mark.parametrize("net,p", REGRESSIONS)
def test_degenerate_regressions(net, p):
    """Constant tails, identity pieces, fixed points on breaks, coincident breaks, zero weights: certify agrees with the oracle."""
    compare(net, p)


DOMAIN_REGRESSIONS = [  # (net, p, domain)
    (_net("identity", ["1"], ["0"], ["1"]), 1, ("0", "0")),               # f = id on {0}: one fixed point, no continuum
    (_net("hardtanh", ["1"], ["0"], ["1"]), 1, ("1/2", "1/2")),           # inside hardtanh's identity piece
    (_net("hardtanh", ["1"], ["0"], ["1"]), 1, ("1", "2")),               # touches the identity piece at its end
    (_net("relu", ["1"], ["0"], ["-2"]), 1, ("0", "0")),                  # a one-point domain on the break
    (_net("relu", ["-1"], ["1"], ["-1/2"], "1"), 1, ("1", "3")),          # constant tail, fixed point on the end
    (_net("relu", ["-3"], ["1"], ["1/3"], "-1/2"), 2, ("-1/2", "1")),     # continuum with a cycle on its end
    (_net("identity", ["3"], ["-2"], ["-1/3"], "-2/3", output_activation="hardtanh"), 2, ("-2", "1")),  # hardtanh(-x):
    # f^2 = id on [-1, 1], the 2-cycle {-1, 1} found beside it (was "an orbit leaves the set of solutions")
    (_net("hardtanh", ["-1/3"], ["1/3"], ["-3"], "1"), 1, ("-2", "-2")),  # {-2} inside an identity piece
    (_net("identity", ["1"], ["0"], ["-1"]), 2, ("0", "0")),              # -x on {0}: no 2-cycle
]


@pytest.mark.parametrize("net,p,domain", DOMAIN_REGRESSIONS)
def test_degenerate_domain_regressions(net, p, domain):
    """One-point domains, domains ending on a continuum or a break: certify agrees with the oracle."""
    compare(net, p, (Fraction(domain[0]), Fraction(domain[1])))
