"""Differential test: every proved or refuted onset and windows claim agrees with independent oracles.

Piecewise-linear families (skew tents a Min(x, 0) + b Max(x, 0) + c with one coefficient the
parameter, width 1-3 ReLU / leaky-ReLU networks with one output weight, the output bias or a
gain as parameter, families with identity or constant pieces at some parameter) are decided at
chosen parameters by tests/oracle_pl.py, which knows nothing of certify (Fractions, brute force).
Polynomial families are decided by an exact sympy count of the real roots of f^p(x) - x that are
no roots of f^d(x) - x for d | p, d < p (no dynatomic polynomial, no discriminant).

What a certificate claims at a parameter r (True: a point of minimal period p exists; False:
none; None: nothing claimed) is read from its fields, and compared with the oracle at the range's
ends, at rationals inside every gap between the stated critical parameters, just outside every
root interval, just inside the onset enclosure on both sides, and at the simple rationals of the
range (denominators <= 4: where slopes are 0 or +-1 and identity pieces live).

    CERTIFY_ORACLE_EXAMPLES=300 python -m pytest -q tests/test_threshold_oracle.py   # more examples
    python -m pytest -q -m slow tests/test_threshold_oracle.py                       # the long run
"""

from __future__ import annotations

import os
from fractions import Fraction as Q

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oracle_pl import Net, periodic_points
from strategies import examples

from certify.arith import Budget
from certify.certificates import q_parse
from certify.checker import check
from certify.maps import parse_family
from certify.thresholds import certify_onset, certify_windows

EXAMPLES = int(os.environ.get("CERTIFY_ORACLE_EXAMPLES", "20"))
COEFFS = [Q(v) for v in ("-3", "-2", "-3/2", "-1", "-1/2", "0", "1/2", "1", "3/2", "2", "3")]
ENDS = [Q(k, 4) for k in range(-12, 13)]
BUDGET = Budget(max_prec=256)


def _q(s: str) -> Q:
    v = q_parse(s)
    return Q(int(v.p), int(v.q))


def _t(q: Q) -> str:
    return f"({q.numerator}/{q.denominator})"


# ----------------------------------------------------------------------------- families

@st.composite
def skew_tents(draw):
    """a Min(x, 0) + b Max(x, 0) + c with one of a, b, c the parameter r."""
    a, b, c = (draw(st.sampled_from(COEFFS)) for _ in range(3))
    slot = draw(st.sampled_from("abc"))
    coef = {"a": a, "b": b, "c": c}
    text = {k: ("r" if k == slot else _t(v)) for k, v in coef.items()}
    spec = f"{text['a']}*Min(x, 0) + {text['b']}*Max(x, 0) + {text['c']}"

    def at(r):
        v = dict(coef, **{slot: r})
        return Net(((Q(1), Q(0), v["b"]), (Q(-1), Q(0), -v["a"])), c=v["c"])  # b relu(x) - a relu(-x) + c

    return spec, "r", at


@st.composite
def networks(draw, slots=("gain", "a", "c"), acts=("relu", "leaky_relu")):
    """sum a_i act(w_i x + b_i) + c, act ReLU, leaky ReLU (slope 1/10) or hard-tanh, width 1-3; the
    parameter is a gain g multiplying every weight and bias, one output weight a_i, the output bias c,
    or (kinks moving with it) an input weight or bias."""
    act = draw(st.sampled_from(acts))
    k = draw(st.integers(1, 3))
    units = [tuple(draw(st.sampled_from(COEFFS)) for _ in range(3)) for _ in range(k)]
    units = [(w if w != 0 else Q(1), b, a) for w, b, a in units]
    c = draw(st.sampled_from(COEFFS))
    slot = draw(st.sampled_from(slots))
    i = draw(st.integers(0, k - 1))
    name = "g" if slot == "gain" else "r"

    def act_text(u):
        return {"relu": f"Max(0, {u})", "leaky_relu": f"(Max(0, {u}) + (1/10)*Min(0, {u}))",
                "hardtanh": f"Max(-1, Min(1, {u}))"}[act]

    terms = []
    for j, (w, b, a) in enumerate(units):
        if slot == "gain":
            terms.append(f"{_t(a)}*g*{act_text(f'{_t(w)}*g*x + {_t(b)}*g')}")
        else:
            wt, bt = _t(w), _t(b)
            at_ = "r" if (slot == "a" and j == i) else _t(a)
            wt = "r" if (slot == "w" and j == i) else wt
            bt = "r" if (slot == "b" and j == i) else bt
            terms.append(f"{at_}*{act_text(f'{wt}*x + {bt}')}")
    ctext = f"{_t(c)}*g" if slot == "gain" else ("r" if slot == "c" else _t(c))
    spec = " + ".join(terms) + f" + {ctext}"

    def at(r):
        if slot == "gain":
            return Net(tuple((r * w, r * b, r * a) for w, b, a in units), c=r * c, act=act, slope=Q(1, 10))
        us = [list(u) for u in units]
        if slot in ("w", "b", "a"):
            us[i]["wba".index(slot)] = r
        return Net(tuple(tuple(u) for u in us), c=r if slot == "c" else c, act=act, slope=Q(1, 10))

    return spec, name, at


@st.composite
def pl_cases(draw, slots=("gain", "a", "c"), acts=("relu", "leaky_relu")):
    spec, name, at = draw(st.one_of(skew_tents(), networks(slots, acts)))
    p = draw(st.integers(1, 4))
    A, B = sorted(draw(st.lists(st.sampled_from(ENDS), min_size=2, max_size=2, unique=True)))
    at_critical = draw(st.sampled_from([None, "A", "B"]))
    return spec, name, at, p, A, B, at_critical


# ----------------------------------------------------------------------------- what a certificate claims

def _gap_of(roots, r):
    """Index of the gap holding r (gap k between root intervals k-1 and k), or None inside an interval."""
    for k, (lo, hi) in enumerate(roots):
        if lo <= r <= hi:
            return None
        if r < lo:
            return k
    return len(roots)


def claimed(cert: dict):
    """r -> True / False / None: what the certificate says about a point of minimal period p at r."""
    A, B = (_q(v) for v in (cert["claim"]["range"]["lo"], cert["claim"]["range"]["hi"]))
    kind, verdict = cert["claim"]["kind"], cert["verdict"]
    if verdict == "refuted":
        return lambda r: False if A <= r <= B else None
    if kind == "onset":
        lo, hi = (_q(v) for v in (cert["onset"]["lo"], cert["onset"]["hi"]))
        facts = {f["fact"]: f for f in cert["evidence"]}
        if "critical_partition" in facts:  # none on [A, lo); present at the first proved gap sample
            first = next((_q(smp["value"]) for smp in facts["critical_partition"]["samples"]
                          if smp and smp["verdict"] == "proved"), None)
            return lambda r: False if A <= r < lo else (True if r == first else None)
        v = _q(facts["cycle_at"]["value"])
        cover = "param_cover" in facts

        def onset_claim(r):
            if lo == hi == A:
                return True if (A < r <= v or r == v) else None
            if A <= r <= lo if cover else A <= r < lo:
                return False
            if (r == hi) if cover else (hi <= r <= v):
                return True
            return None
        return onset_claim
    roots = [tuple(_q(x) for x in (ri["lo"], ri["hi"])) for ri in cert["evidence"][0]["roots"]]
    index = {rt: k for k, rt in enumerate(roots)}
    runs = []
    for w in cert["windows"]:
        f, t = (tuple(_q(x) for x in (w[e]["lo"], w[e]["hi"])) for e in ("from", "to"))
        i = 0 if f == (A, A) and (not roots or roots[0] != (A, A)) else index[f] + 1
        j = len(roots) if t == (B, B) and (not roots or roots[-1] != (B, B)) else index[t]
        runs.append((i, j, w["orbits"]))

    def windows_claim(r):
        if not A <= r <= B:
            return None
        k = _gap_of(roots, r)
        if k is None:
            return None
        for i, j, orbits in runs:
            if i <= k <= j:
                return True if orbits is None else orbits[k - i]
        return False
    return windows_claim


def probes(cert: dict) -> list:
    """Parameters to compare at: range ends, simple rationals, gap interiors, near every stated end."""
    A, B = (_q(v) for v in (cert["claim"]["range"]["lo"], cert["claim"]["range"]["hi"]))
    pts = {A, B} | {Q(n, d) for d in (1, 2, 3, 4) for n in range(int(A * d) - 1, int(B * d) + 2)}
    ends = [A, B]
    for f in cert["evidence"]:
        for ri in f.get("roots", []):
            ends += [_q(ri["lo"]), _q(ri["hi"])]
        if f["fact"] == "cycle_at":
            ends.append(_q(f["value"]))
    if cert.get("onset"):
        ends += [_q(cert["onset"]["lo"]), _q(cert["onset"]["hi"])]
    ends = sorted(set(ends))
    for a, b in zip(ends, ends[1:]):
        pts |= {a + (b - a) * Q(k, 8) for k in range(1, 8)}
        pts |= {a + (b - a) / 10 ** 6, b - (b - a) / 10 ** 6}
    return sorted(x for x in pts if A <= x <= B)


# ----------------------------------------------------------------------------- oracles

def has_period_pl(at, r, p) -> bool:
    res = periodic_points(at(r), p)
    return bool(res.points or res.continuum)


def _rational_critical(spec, name, p, A, B):
    """Rational critical parameters of the family in [A, B] (certify's kernel, only to choose ranges)."""
    from certify.checker.plfamily import pl_critical, pl_family
    from flint import fmpq
    fam = parse_family(spec, name)
    lo, hi = fmpq(A.numerator, A.denominator), fmpq(B.numerator, B.denominator)
    table = pl_family(fam.program, lo, hi)
    if table is None:
        return []
    out = []
    for g in pl_critical(table, p, lo, hi):
        if g.degree() == 1:
            r = -g.coeffs()[0] / g.coeffs()[1]
            if lo <= r <= hi:
                out.append(Q(int(r.p), int(r.q)))
    return out


def _compare(cert, oracle) -> list:
    """[(r, claimed, true)] where the certificate's claim at r disagrees with the oracle."""
    claim = claimed(cert)
    bad = []
    for r in probes(cert):
        c = claim(r)
        if c is None:
            continue
        truth = oracle(r)
        if (c is True and truth is False) or (c is False and truth not in (False, 0)) or \
                (isinstance(c, int) and not isinstance(c, bool) and c != truth):
            bad.append((r, c, truth))
    return bad


def _run_pl(case, stats):
    from flint import fmpq
    spec, name, at, p, A, B, at_critical = case
    try:
        fam = parse_family(spec, name)
    except Exception:  # the parameter cancelled out, or the family is not a valid map
        stats["skipped"] += 1
        return
    if at_critical:
        crit = _rational_critical(spec, name, p, Q(-4), Q(4))
        if crit:
            c = crit[len(crit) // 2]
            A, B = (c, max(B, c + 1)) if at_critical == "A" else (min(A, c - 1), c)
    rng = (fmpq(A.numerator, A.denominator), fmpq(B.numerator, B.denominator))
    for run in (certify_onset, certify_windows):
        try:
            cert = run(fam, p, rng, digits=12, budget=BUDGET)
        except Exception as e:  # a CertifyError is a refusal, never a wrong claim
            from certify.errors import CertifyError
            assert isinstance(e, CertifyError), f"{run.__name__}({spec!r}, p={p}, [{A}, {B}]) raised {e!r}"
            stats["refused"] += 1
            continue
        stats[cert["verdict"]] += 1
        if cert["verdict"] == "undecided":
            continue
        res = check(cert)
        assert res.ok, f"{run.__name__}({spec!r}, p={p}, [{A}, {B}]): {res.message}"
        bad = _compare(cert, lambda r: has_period_pl(at, r, p))
        assert not bad, (f"{run.__name__}({spec!r}, {name}, p={p}, range [{A}, {B}]) says {cert['verdict']}, "
                         f"but the oracle disagrees at (r, claimed, true): {bad[:5]}")


def _stats():
    return {"proved": 0, "refuted": 0, "undecided": 0, "refused": 0, "skipped": 0}


STATS = _stats()


@settings(max_examples=EXAMPLES if os.environ.get("CERTIFY_ORACLE_EXAMPLES") else examples(20), deadline=None,
          derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(pl_cases())
def test_pl_families_agree_with_the_oracle(case):
    """Every proved or refuted onset and windows claim about a PL family holds at every probed parameter."""
    _run_pl(case, STATS)


@pytest.mark.slow
@settings(max_examples=max(EXAMPLES, 400), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(pl_cases(slots=("gain", "a", "c", "w", "b"), acts=("relu", "leaky_relu", "hardtanh")))
def test_pl_families_agree_with_the_oracle_long(case):
    """The same over many more examples, random seeds, hard-tanh networks and parameters inside the
    activations (no fixed-breakpoint table: the parameter-cover route)."""
    _run_pl(case, STATS)


# ----------------------------------------------------------------------------- polynomial families

X, R = sympy.symbols("x r")


def minimal_period_count(f, p, r) -> int:
    """Real points of minimal period p of f(x, r) at the rational r, exactly: real roots of f^p(x) - x
    that are roots of no f^d(x) - x, d | p, d < p (sympy's exact real-root counts)."""
    g = sympy.Poly(f.subs(R, r), X)
    it = {0: sympy.Poly(X, X)}
    for d in range(1, p + 1):
        it[d] = g.compose(it[d - 1])
    gp = (it[p] - sympy.Poly(X, X))
    if gp.is_zero:  # f^p = id: a continuum of minimal period p, unless f^d = id already
        return 0 if any(p % d == 0 and (it[d] - sympy.Poly(X, X)).is_zero for d in range(1, p)) else -1
    gp = gp.sqf_part()
    lower = sympy.Poly(1, X)
    for d in range(1, p):
        if p % d == 0:
            gd = it[d] - sympy.Poly(X, X)
            lower = lower * (gd if not gd.is_zero else sympy.Poly(0, X))
    common = gp.gcd(lower) if not lower.is_zero else gp
    return gp.count_roots() - (common.count_roots() if common.degree() > 0 else 0)


@st.composite
def polynomial_cases(draw):
    """(a + b r) x^2 + (c + d r) x + (e + h r), small rational coefficients, r appearing; p <= 4."""
    small = st.sampled_from([Q(v) for v in ("-2", "-1", "-1/2", "0", "1/2", "1", "2")])
    a, b, c, d, e, h = (draw(small) for _ in range(6))
    if b == d == h == 0:
        h = Q(1)
    f = (a + b * R) * X ** 2 + (c + d * R) * X + (e + h * R)
    p = draw(st.integers(1, 4 if (a, b) != (0, 0) else 3))
    A, B = sorted(draw(st.lists(st.sampled_from(ENDS), min_size=2, max_size=2, unique=True)))
    return f, p, A, B


def _run_poly(case, stats):
    from flint import fmpq
    f, p, A, B = case
    spec = sympy.sstr(sympy.expand(f))
    try:
        fam = parse_family(spec, "r")
    except Exception:
        stats["skipped"] += 1
        return
    rng = (fmpq(A.numerator, A.denominator), fmpq(B.numerator, B.denominator))
    for run in (certify_onset, certify_windows):
        cert = run(fam, p, rng, digits=12, budget=BUDGET)
        stats[cert["verdict"]] += 1
        if cert["verdict"] == "undecided":
            continue
        assert check(cert).ok

        def oracle(r):
            n = minimal_period_count(f, p, sympy.Rational(r.numerator, r.denominator))
            if n < 0:
                return True
            if cert["claim"]["kind"] == "windows":
                return n // p
            return n > 0
        bad = _compare(cert, oracle)
        assert not bad, (f"{run.__name__}({spec!r}, p={p}, range [{A}, {B}]) says {cert['verdict']}, but the "
                         f"oracle disagrees at (r, claimed, true): {bad[:5]}")


@settings(max_examples=max(4, EXAMPLES // 4), deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(polynomial_cases())
def test_polynomial_families_agree_with_an_exact_count(case):
    """Every proved or refuted onset and windows claim about a quadratic family holds at every probed parameter."""
    _run_poly(case, STATS)


@pytest.mark.slow
@settings(max_examples=max(EXAMPLES, 150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(polynomial_cases())
def test_polynomial_families_agree_with_an_exact_count_long(case):
    """The same over more examples and random seeds."""
    _run_poly(case, STATS)


# ----------------------------------------------------------------------------- the infimum over the whole range

def least_with_period(at, p, A: Q, B: Q, extra=()) -> Q | None:
    """The least parameter with a point of minimal period p among a fine exact grid of [A, B] (step
    (B - A)/96) and the `extra` rationals in it (Fractions and brute force: tests/oracle_pl.py)."""
    grid = sorted({A + (B - A) * k / 96 for k in range(97)} | {c for c in extra if A <= c <= B})
    return next((r for r in grid if has_period_pl(at, r, p)), None)


@pytest.mark.slow  # ~5 s; test_pl_families_agree_with_the_oracle stays in the default suite
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(pl_cases())
def test_pl_onset_is_the_infimum_over_the_whole_range(case):
    """A PL onset decides the range it was given (nothing left unclaimed), and its infimum agrees with the
    least grid or exact critical parameter with period p: none below the onset, and refuted iff none at all."""
    from flint import fmpq
    spec, name, at, p, A, B, at_critical = case
    try:
        fam = parse_family(spec, name)
    except Exception:
        return
    crit = _rational_critical(spec, name, p, Q(-4), Q(4))
    if at_critical and crit:
        c = crit[len(crit) // 2]
        A, B = (c, max(B, c + 1)) if at_critical == "A" else (min(A, c - 1), c)
    try:
        cert = certify_onset(fam, p, (fmpq(A.numerator, A.denominator), fmpq(B.numerator, B.denominator)),
                             digits=12, budget=BUDGET)
    except Exception:  # refused (not a PL family with fixed breakpoints on this range, ...)
        return
    if cert["verdict"] == "undecided" or not any(f["fact"] == "critical_partition" for f in cert["evidence"]):
        return
    assert check(cert).ok and "unclaimed" not in cert
    assert (_q(cert["claim"]["range"]["lo"]), _q(cert["claim"]["range"]["hi"])) == (A, B)
    least = least_with_period(at, p, A, B, crit)
    if cert["verdict"] == "refuted":
        assert least is None, f"{spec} p={p} [{A}, {B}]: refuted, but period {p} at {least}"
        return
    lo, hi = (_q(v) for v in (cert["onset"]["lo"], cert["onset"]["hi"]))
    assert least is None or least >= lo, f"{spec} p={p} [{A}, {B}]: period {p} at {least} < onset {lo}"
    if lo == hi and lo in crit and has_period_pl(at, lo, p):
        assert least == lo  # an exact critical onset with the period on it is the least such parameter


@pytest.mark.parametrize("spec, name, p, A, B, want", [
    ("plrnn1d(a, -4, 1)", "a", 3, Q(0), Q(2), "3/2 - sqrt(5)/2"),   # three critical parameters before the onset
    ("a*Min(x,0) + 0*Max(x,0) + 1", "a", 1, Q(-1), Q(1), None),      # zero weight: a fixed point for every a
    ("tent(s)", "s", 3, Q(0), Q(1), "refuted"),                       # no onset in the range
    ("tent(s)", "s", 3, Q(1, 2) + Q(5, 10), Q(2), "1/2 + sqrt(5)/2"),
    ("Min(x,0) + Max(x,0) + r", "r", 1, Q(-1), Q(0), "0"),            # the onset at the range's end (f = id there)
])
def test_degenerate_pl_onsets(spec, name, p, A, B, want):
    """Degenerate PL families decide the whole range: an onset past several critical parameters, a period on
    the whole range (onset A), no onset in the range, the onset at the range's end."""
    from flint import fmpq
    cert = certify_onset(parse_family(spec, name), p, (fmpq(A.numerator, A.denominator),
                                                       fmpq(B.numerator, B.denominator)))
    assert check(cert).ok and "unclaimed" not in cert and "note" not in cert
    if want == "refuted":
        assert cert["verdict"] == "refuted"
    elif want is None:
        assert cert["verdict"] == "proved" and _q(cert["onset"]["lo"]) == _q(cert["onset"]["hi"]) == A
    else:
        assert cert["verdict"] == "proved" and cert["exact"] == want
