"""Coq export (certify export --coq, the library formal/): the translation of maps into terms, the
Python side of the PL table check, refusals, and Coq's verdict on exports and on tampered ones.

The Coq tests need coqc with Interval and Coquelicot (CI installs them from Debian); without
coqc they are skipped. The oracles here are written separately: maps evaluated directly in
fractions.Fraction and mpmath, periodic points from the kernel's whole-line enumeration."""

import json
import os
import re
import shutil
import subprocess
from fractions import Fraction

import mpmath
import pytest
from flint import fmpq
from hypothesis import HealthCheck, given, settings, strategies as st

import certify
from certify.checker.semantics import Program
from certify.coq import NoCoqExport, coq_proof
from certify.coq import affine
from certify.coq.terms import eval_exact, from_program, to_coq

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROOFS = os.path.join(ROOT, "proofs")
FORMAL = os.path.join(ROOT, "formal")
HAVE_COQ = shutil.which("coqc") is not None and os.path.isdir("/usr/lib/ocaml/coq/user-contrib/Interval")


def _cert(name):
    with open(os.path.join(PROOFS, name), encoding="utf-8") as fh:
        return json.load(fh)


# ----------------------------------------------------------------------------- the library

def test_library_has_no_admitted_proof_or_axiom():
    """formal/ proves everything it states: no Admitted, admit, Axiom, Parameter, Hypothesis."""
    bad = re.compile(r"\b(Admitted|admit|Axiom|Axioms|Parameter|Parameters|Hypothesis|Hypotheses|Conjecture)\b")
    files = [os.path.join(d, f) for d, _, fs in os.walk(FORMAL) for f in fs if f.endswith(".v")]
    assert len(files) >= 5
    for path in files:
        with open(path, encoding="utf-8") as fh:
            text = re.sub(r"\(\*.*?\*\)", "", fh.read(), flags=re.S)  # comments may name them
        assert not bad.search(text), (path, bad.search(text).group(0))


# ----------------------------------------------------------------------------- terms

def _frac_net(act, w, b, a, c, x):
    """Oracle: the network evaluated directly in Fractions."""
    acts = {"relu": lambda z: max(z, 0), "hardtanh": lambda z: max(-1, min(1, z)),
            "leaky_relu": lambda z: z if z >= 0 else Fraction(1, 100) * z, "identity": lambda z: z}
    return sum(ai * acts[act](wi * x + bi) for wi, bi, ai in zip(w, b, a)) + c


def _canon(act, w, b, a, c):
    return {"kind": "rnn1d", "activation": act, "w": [str(v) for v in w], "b": [str(v) for v in b],
            "a": [str(v) for v in a], "c": str(c)}


small = st.fractions(min_value=-3, max_value=3, max_denominator=6)
nets = st.tuples(st.sampled_from(["relu", "hardtanh", "leaky_relu", "identity"]),
                 st.integers(1, 4)).flatmap(lambda ak: st.tuples(
                     st.just(ak[0]), st.lists(small, min_size=ak[1], max_size=ak[1]),
                     st.lists(small, min_size=ak[1], max_size=ak[1]), st.lists(small, min_size=ak[1], max_size=ak[1]),
                     small))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nets, small)
def test_term_of_a_pl_network_is_the_network(net, x):
    """The exported term of a PL network takes the network's value at every rational (zero
    weights and points on breaks included)."""
    act, w, b, a, c = net
    term = from_program(Program.from_canonical(_canon(act, w, b, a, c)).code)
    got = eval_exact(term, fmpq(x.numerator, x.denominator))
    want = _frac_net(act, w, b, a, c, x)
    assert Fraction(int(got.p), int(got.q)) == want


def _mp(t, x):
    """Oracle: a term's real value in mpmath, with tanh and sigmoid as the library defines them."""
    op = t[0]
    if op == "var":
        return x
    if op == "const":
        return mpmath.mpf(int(t[1].p)) / int(t[1].q)
    u = _mp(t[1], x)
    if op == "tanh":
        return 1 - 2 / (mpmath.exp(2 * u) + 1)
    if op == "sigmoid":
        return 1 / (1 + mpmath.exp(-u))
    if op == "exp":
        return mpmath.exp(u)
    v = _mp(t[2], x)
    return {"add": u + v, "mul": u * v, "max": max(u, v), "min": min(u, v)}[op]


@pytest.mark.parametrize("spec", ["3*tanh(3*x) - 4*tanh(x-1/2) + 1/3", "x/2 + tanh(3*x)", "logistic(r=383/100)",
                                  "2*exp(-x) - 1", "tent(s=8/5)", "abs(x) - 1/2"])
def test_term_of_a_formula_takes_its_values(spec):
    """The exported term of a formula agrees with the formula (mpmath, 40 digits) at sample points."""
    m = certify.parse(spec)
    term = from_program(Program.from_canonical(m.canonical).code)
    mpmath.mp.dps = 40
    try:
        for x in ("-2.5", "-1", "0", "0.3", "1", "2.75"):
            got = _mp(term, mpmath.mpf(Fraction(x).numerator) / Fraction(x).denominator)
            ref = m.ball(Fraction(x))  # the kernel's enclosure of f(x)
            assert abs(got - float(ref.mid())) <= float(ref.rad()) + 1e-12, (x, got, ref)
    finally:
        mpmath.mp.dps = 15


def test_sigmoid_network_becomes_esigmoid():
    """A sigmoid unit 1/(1 + exp(-u)) is written ESigmoid u, not a division the library lacks, and the
    term takes the network's values (mpmath against the kernel's enclosure)."""
    canon = _canon("identity", ["3/2", "-2"], ["1/3", "0"], ["2", "-1/2"], "1/5") | {"activation": "sigmoid"}
    term = from_program(Program.from_canonical(canon).code)
    text = to_coq(term)
    assert text.count("ESigmoid") == 2 and "EExp" not in text
    m = certify.parse("rnn1d(activation=sigmoid, w=[3/2, -2], b=[1/3, 0], a=[2, -1/2], c=1/5)")
    for x in ("-3", "0", "1/2", "4"):
        ref = m.ball(Fraction(x))
        assert abs(_mp(term, mpmath.mpf(Fraction(x).numerator) / Fraction(x).denominator) - float(ref.mid())) \
            <= float(ref.rad()) + 1e-12


# ----------------------------------------------------------------------------- PL tables

def _frac_iterate(net, x, n):
    for _ in range(n):
        x = _frac_net(*net, x)
    return x


def _probe(s):
    lo, hi = s
    if lo is None and hi is None:
        return [fmpq(-7), fmpq(0), fmpq(5)]
    if lo is None:
        return [hi - 3, hi]
    if hi is None:
        return [lo, lo + 3]
    return [lo, (lo + hi) / 2, hi]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nets, st.integers(1, 4))
def test_partition_gives_f_p_affine_and_exactly_the_kernels_periodic_points(net, p):
    """On every segment of the export's partition f^p is the stated affine form (checked in
    Fractions), and the export finds a point of minimal period p exactly when the kernel's
    whole-line enumeration does."""
    from certify.periodic.pl import enumerate_line

    prog = Program.from_canonical(_canon(*net))
    term = from_program(prog.code)
    cuts = affine.partition(term, p)
    assert cuts == sorted(set(cuts))
    for s in affine.segments(cuts):
        a, b = affine.iterate_form(term, p, s)
        for x in _probe(s):
            want = _frac_iterate(net, Fraction(int(x.p), int(x.q)), p)
            got = a * x + b
            assert Fraction(int(got.p), int(got.q)) == want
    cover = enumerate_line(prog.pl(), p)
    kernel_has = bool(cover.orbits or cover.continuum)
    assert bool(affine.periodic_points(term, p, cuts)) == kernel_has


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nets, st.integers(1, 3))
def test_itineraries_follow_the_table(net, p):
    """Each segment's itinerary names table pieces that hold its successive images."""
    term = from_program(Program.from_canonical(_canon(*net)).code)
    ts, forms = affine.table(term)
    segs = affine.segments(ts)
    for s in affine.segments(affine.partition(term, p)):
        for k in affine.itinerary(ts, forms, p, s):
            (lo, hi), (L, H) = s, segs[k]
            assert (L is None or (lo is not None and L <= lo)) and (H is None or (hi is not None and hi <= H))
            s = affine.image(*forms[k], s)


def test_whole_line_constant_is_checked():
    """A constant max(0, 1) on the whole line is 1, not 0 (the library's nonneg_on bug, mirrored)."""
    term = ("add", ("var",), ("add", ("max", ("const", fmpq(0)), ("const", fmpq(1))), ("const", fmpq(-1))))
    assert affine.form(term, (None, None)) == (fmpq(1), fmpq(0))
    assert affine.periodic_points(term, 1, affine.partition(term, 1))  # the identity: every point is fixed


# ----------------------------------------------------------------------------- refusals

@pytest.mark.parametrize("name, words", [
    ("tent_s2_orbits_p3.cert.json", "no Coq export exists yet for orbits claims"),
    ("logistic_r38_no_period3.cert.json", "not piecewise linear (it multiplies two non-constant terms)"),
    ("tanh_family_no_period3.cert.json", "not piecewise linear (it uses tanh)"),
])
def test_export_refuses_what_it_cannot_prove(name, words):
    """Claims without a Coq route are refused with the reason, never exported."""
    with pytest.raises(NoCoqExport, match=re.escape(words)):
        coq_proof(_cert(name))


def test_export_refuses_a_certificate_the_kernel_rejects():
    """A tampered certificate is not exported: the kernel re-checks it first."""
    cert = _cert("relu_tent_net_period3.cert.json")
    cert["evidence"][0]["points"][0] = "1/5"
    with pytest.raises(NoCoqExport, match="does not pass certify check"):
        coq_proof(cert)


def test_export_refuses_a_smooth_cycle_of_period_other_than_3():
    """A smooth period-2 cycle has no Coq route yet (only period 3, by Li-Yorke)."""
    with pytest.raises(NoCoqExport, match="no Coq export exists yet for period 2"):
        certify.export(certify.period("logistic(r=3.2)", 2))


def test_coq_file_name_must_be_an_identifier(tmp_path):
    """coqc names a module after its file: proof-3.v is refused before anything is written."""
    with pytest.raises(certify.CertifyError, match="Coq identifier"):
        certify.export(os.path.join(PROOFS, "tent_s8_5_no_period3.cert.json"), coq=str(tmp_path / "proof-3.v"))
    assert not list(tmp_path.iterdir())


def test_given_text_cannot_leave_the_header_comment():
    """A map's given text with comment closers or quotes stays inside the Coq comment."""
    cert = _cert("tent_s8_5_no_period3.cert.json")
    cert["map"]["given"] = 'x *) Axiom bad : False. (* "'
    head = coq_proof(cert).split("*)", 1)[0]
    assert "Axiom bad" in head and '"' not in head


def test_export_is_deterministic():
    """The same certificate gives byte-identical Coq files."""
    cert = _cert("tanh_family_period3.cert.json")
    assert coq_proof(cert) == coq_proof(json.loads(json.dumps(cert)))


# ----------------------------------------------------------------------------- Coq

needs_coq = pytest.mark.skipif(not HAVE_COQ, reason="coqc with Interval not installed (CI installs it)")


@pytest.fixture(scope="module")
def formal():
    subprocess.run(["make", "-s", "-C", FORMAL], check=True, capture_output=True)
    return FORMAL


def _coqc(formal, tmp_path, name, text):
    path = tmp_path / f"{name}.v"
    path.write_text(text)
    return subprocess.run(["coqc", "-R", formal, "Certify", str(path)], cwd=tmp_path, capture_output=True, text=True)


@needs_coq
@pytest.mark.parametrize("name", ["tent_s8_5_no_period3", "logistic_r383_period3", "tent_s2_period5",
                                  "relu_tent_net_period3"])
def test_coq_proves_the_exported_claim(formal, tmp_path, name):
    """Coq checks the export of a PL refutation, an exact Li-Yorke point and an exact cycle."""
    r = _coqc(formal, tmp_path, name, coq_proof(_cert(f"{name}.cert.json")))
    assert r.returncode == 0, r.stderr
    assert "Closed under the global context" not in r.stdout  # it prints the axioms instead
    assert "Admitted" not in r.stdout and "certify_claim" not in r.stderr


@needs_coq
@pytest.mark.parametrize("name, old, new", [
    ("tent_s8_5_no_period3", "(5 # 16)", "(5 # 17)"),                 # a break of f^3 moved
    ("tent_s8_5_no_period3", "(EConst (8 # 5))", "(EConst (2 # 1))"),  # the map changed (tent 2 has period 3)
    ("tent_s2_period5", "(4 # 33)", "(5 # 33)"),                       # a point of the cycle moved
])
def test_coq_rejects_a_tampered_export(formal, tmp_path, name, old, new):
    """Coq refuses an export whose data were altered."""
    text = coq_proof(_cert(f"{name}.cert.json"))
    assert old in text
    r = _coqc(formal, tmp_path, name, text.replace(old, new, 1))
    assert r.returncode != 0


@needs_coq
def test_coq_rejects_a_wrong_li_yorke_point(formal, tmp_path):
    """A point that is not a Li-Yorke point (f^3(a) > a for logistic 3.83 at 1/2) does not compile."""
    text = coq_proof(_cert("logistic_r383_period3.cert.json"))
    text = re.sub(r"check_li_yorke_sound f \([^)]*\)", "check_li_yorke_sound f (1 # 2)", text)
    assert "(1 # 2))." in text
    assert _coqc(formal, tmp_path, "wrong", text).returncode != 0


@needs_coq
@pytest.mark.slow
@pytest.mark.parametrize("name", ["tanh_family_period3", "he_relu64_no_period3"])
def test_coq_proves_the_long_exports(formal, tmp_path, name):
    """The smooth (interval) and the width-64 network exports compile (10-20 s each)."""
    r = _coqc(formal, tmp_path, name, coq_proof(_cert(f"{name}.cert.json")))
    assert r.returncode == 0, r.stderr
