"""The kernel's statements: continuity checked, Sharkovsky forcing, bound consequences, `certify check`."""

import copy
import json
import pathlib

import pytest
from flint import arb, fmpq

from certify.checker import check
from certify.checker.consequences import consequences, forces, rho
from certify.checker.continuity import discontinuity
from certify.cli import main
from certify.errors import CertifyError
from certify.maps import parse_map
from certify.periodic.period import certify_period
from certify.verify import verify

CERTS = pathlib.Path(__file__).resolve().parent / "certificates"


def _load(name):
    return json.loads((CERTS / name).read_text())


# ----------------------------------------------------------------------------- continuity

@pytest.mark.parametrize("spec", ["atan(1/tanh(x))", "1/x", "x/(x - 1/3)", "log(x)", "sqrt(x - 1)", "1/(x^2 - 2)"])
def test_discontinuous_or_undefined_maps_are_refused_on_R(spec):
    """A pole or a log/sqrt of a possibly non-positive argument on R: not proved continuous, exit 2."""
    assert discontinuity(parse_map(spec).program) is not None
    with pytest.raises(CertifyError, match="not proved"):
        certify_period(parse_map(spec), 1)


@pytest.mark.parametrize("spec", ["x/(1 + x^2)", "1/(x^2 - 2*x + 2)", "1/(1 + exp(-x))", "sqrt(1 + x^2)",
                                  "1/(2 + sin(x))", "log(2 + tanh(x))", "rnn1d(activation=sigmoid, w=[2], b=[1], a=[3], c=-1)"])
def test_continuous_maps_are_accepted_on_R(spec):
    """Denominators without real roots (exact for polynomials) or bounded away from 0: continuous on R."""
    assert discontinuity(parse_map(spec).program) is None


def test_pole_outside_the_domain_is_fine():
    """1/x is continuous on [1, 2]: its only pole is outside the domain."""
    prog = parse_map("1/x").program
    assert discontinuity(prog, (fmpq(1), fmpq(2))) is None
    assert discontinuity(prog, (fmpq(-1), fmpq(2))) is not None


def test_forged_discontinuous_certificate_is_rejected():
    """A genuine-looking period-3 certificate whose map has a pole on R fails in the kernel."""
    cert = _load("period_pl_proved.json")
    cert["map"]["canonical"] = {"kind": "expr", "expr": "atan(1/tanh(x))"}
    res = check(cert)
    assert not res.ok and "continuous" in res.message


def test_cli_refuses_discontinuous_map(capsys):
    """certify period on atan(1/tanh(x)) is bad input: one line, exit 2."""
    assert main(["period", "atan(1/tanh(x))", "-p", "3"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "continuous" in err[0]


# ----------------------------------------------------------------------------- Sharkovsky

def test_sharkovsky_order():
    """3 forces everything; odd periods force larger odd ones and all even; powers of 2 force only smaller ones."""
    assert all(forces(3, p) for p in range(1, 50))
    assert forces(5, 7) and not forces(7, 5) and forces(5, 6) and forces(6, 10) and not forces(10, 6)
    assert forces(8, 4) and not forces(4, 8) and forces(12, 8) and not forces(8, 12) and forces(2, 1)


def test_forcing_fact_must_follow_sharkovsky():
    """A forcing fact claiming period 3 from a proved period-5 orbit is rejected (5 does not force 3)."""
    cert = _load("period_forced.json")
    assert check(cert).ok and cert["claim"]["p"] == 40
    bad = copy.deepcopy(cert)
    bad["claim"]["p"] = 1
    bad["consequences"] = consequences(1)
    assert check(bad).ok  # 3 forces 1: a weaker, true statement
    fake = copy.deepcopy(cert)
    fake["evidence"][0]["p"] = 5
    assert not check(fake).ok


def test_rho_enclosures():
    """rho_3 is the golden ratio; rho_p decreases towards sqrt(2)."""
    golden = (1 + arb(5).sqrt()) / 2
    assert rho(3).overlaps(golden) and rho(3).rad() < 1e-12
    assert rho(3) > rho(5) > rho(7) > rho(31) > 2 ** 0.5


# ----------------------------------------------------------------------------- bound fields

def test_consequences_are_bound():
    """Editing the consequences of a genuine certificate makes it fail."""
    cert = _load("period_pl_proved.json")
    cert["consequences"][0] = "Sharkovsky: f has periodic points of every period, and is a banana"
    assert not check(cert).ok


def test_unknown_top_level_field_is_refused():
    """A field the claim kind does not define (it could be displayed as certified) is refused."""
    cert = _load("period_pl_proved.json")
    cert["entropy"] = "1"
    res = check(cert)
    assert not res.ok and "do not belong" in res.message


def test_map_class_is_bound():
    """map.class must be the class of the canonical map."""
    cert = _load("period_pl_proved.json")
    cert["map"]["class"] = "polynomial"
    assert not check(cert).ok


def test_given_must_denote_the_canonical_map():
    """A map.given spec that parses to another map fails `certify check` (kernel passes, binding fails)."""
    cert = _load("period_pl_proved.json")
    cert["map"]["given"] = "tent(s=3)"
    assert check(cert).ok
    v = verify(cert)
    assert not v.ok and "given" in v.result.message


def test_statement_names_what_is_proved():
    """The statement of a PL period-3 certificate names the exact orbit and Li-Yorke."""
    res = check(_load("period_pl_proved.json"))
    assert res.ok and res.statement.startswith("f has a point of minimal period 3 on R: x0 = 2/9, x1 = 4/9, x2 = 8/9")
    assert "Li-Yorke" in res.statement


# ----------------------------------------------------------------------------- certify check

def test_check_expectations(capsys):
    """--expect-map and --expect-claim bind the file to what the user meant."""
    f = str(CERTS / "period_pl_proved.json")
    assert main(["check", f, "--expect-map", "tent(s=2)", "--expect-claim", "period:3"]) == 0
    assert main(["check", f, "--expect-map", "2*min(x, 1-x)"]) == 0
    assert main(["check", f, "--expect-map", "tent(s=3)"]) == 1
    assert main(["check", f, "--expect-claim", "period:5"]) == 1
    assert main(["check", f, "--expect-claim", "orbits"]) == 1


def test_check_many_files(capsys, tmp_path):
    """Several files in one run: one line each; exit 1 if any fails, 2 if one is unreadable."""
    good = [str(CERTS / "period_pl_proved.json"), str(CERTS / "orbits_pl.json")]
    assert main(["check", *good]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 2
    bad = tmp_path / "bad.json"
    cert = _load("orbits_pl.json")
    cert["count"] = cert["count"] + 1
    bad.write_text(json.dumps(cert))
    assert main(["check", *good, str(bad)]) == 1
    missing = str(tmp_path / "missing.json")
    assert main(["check", *good, missing]) == 2
