"""The independent checker: accepts true certificates, rejects every tampered one, imports no finder."""

import ast
import copy
import sys
import json
import pathlib

import pytest
from flint import fmpq

from certify.certificates import SCHEMA, dumps, loads, q_str
from certify.checker import check
from certify.errors import CertifyError
from certify.maps import parse_map
from certify.periodic.period import certify_orbits, certify_period

CHECKER = pathlib.Path(__file__).resolve().parent.parent / "certify" / "checker"
ALLOWED = {"certify.checker", "certify.certificates", "certify.errors"}


def test_checker_imports_no_finder_or_certifier():
    """Every module of certify/checker imports only the stdlib, flint, sympy and the allowed certify modules."""
    for path in CHECKER.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                if name.startswith("certify"):
                    assert any(name == a or name.startswith(a + ".") for a in ALLOWED), f"{path.name} imports {name}"
                else:
                    top = name.split(".")[0]
                    assert top in sys.stdlib_module_names or top in {"flint", "sympy"}, f"{path.name} imports {name}"


@pytest.fixture(scope="module")
def certs():
    return {
        "pl_proved": certify_period(parse_map("tent(s=2)"), 3),
        "pl_refuted": certify_period(parse_map("tent(s=8/5)"), 3),
        "ball_proved": certify_period(parse_map("logistic(r=383/100)"), 3),
        "ball_refuted": certify_period(parse_map("logistic(r=3.8)"), 3),
        "count": certify_orbits(parse_map("logistic(r=4)"), 4),
        "pl_orbits": certify_orbits(parse_map("tent(s=2)"), 4),
        "cover_orbits": certify_orbits(parse_map("2*tanh(2*x)"), 1),
        "monotone": certify_period(parse_map("tanh(x)"), 3),
    }


def test_genuine_certificates_pass(certs):
    """Each certificate the certifiers produce passes the checker."""
    for name, cert in certs.items():
        res = check(cert)
        assert res.ok, (name, res.message)
        assert cert["verdict"] in ("proved", "refuted")


def _bump(s: str) -> str:
    """Change an exact rational slightly."""
    return q_str(fmpq(*map(int, (s.split("/") + ["1"])[:2])) + fmpq(1, 10 ** 6))


def _mutations(cert):
    """Yield (description, tampered certificate): each changes one number or claim."""
    for i, fact in enumerate(cert["evidence"]):
        kind = fact["fact"]
        c = copy.deepcopy(cert)
        f = c["evidence"][i]
        if kind == "cycle_exact":
            f["points"][1] = _bump(f["points"][1])
        elif kind == "cycle_krawczyk":
            f["boxes"][0]["hi"] = f["boxes"][0]["lo"]
        elif kind == "li_yorke":
            f["a"] = "0"  # a fixed point of both maps: f(a) = a, never a witness
        elif kind == "region":
            if f["region"] == "empty":
                continue
            f["region"]["hi"] = q_str(fmpq(*map(int, (f["region"]["hi"].split("/") + ["1"])[:2])) / 2)
        elif kind == "cover_pl":
            f["cells"][0][1] = _bump(f["cells"][0][1])
        elif kind == "cover_ball":
            j = next(k for k, r in enumerate(f["cells"]) if r[2] == "r")
            f["cells"][j][2] = "x"
        elif kind == "roots_count":
            f["orbits"].pop()
        elif kind == "monotone":
            f["direction"] = "decreasing"
        yield f"{kind} changed", c
    c = copy.deepcopy(cert)
    monotone = any(f["fact"] == "monotone" for f in cert["evidence"])
    c["claim"]["p"] = 1 if monotone else cert["claim"]["p"] + 1  # a monotone map has every p >= 2 refuted
    yield "claimed period changed", c
    c = copy.deepcopy(cert)
    c["map"]["canonical"] = parse_map("tent(s=3/2)").canonical
    yield "map changed", c
    c = copy.deepcopy(cert)
    c["verdict"] = "refuted" if cert["verdict"] == "proved" else "proved"
    yield "verdict flipped", c
    if "orbit" in cert:
        c = copy.deepcopy(cert)
        c["orbit"] = c["orbit"][1:] + c["orbit"][:1]
        yield "orbit not starting leftmost", c
    if cert.get("orbits"):
        c = copy.deepcopy(cert)
        c["orbits"] = c["orbits"][:-1]
        c["count"] = len(c["orbits"])
        yield "an orbit dropped from the list", c


@pytest.mark.parametrize("name", ["pl_proved", "pl_refuted", "ball_proved", "ball_refuted", "count",
                                  "pl_orbits", "cover_orbits", "monotone"])
def test_tampered_certificates_are_rejected(certs, name):
    """Changing any number, the claim, the map or the verdict makes the check fail with a message."""
    for what, bad in _mutations(certs[name]):
        res = check(bad)
        assert not res.ok, f"{name}: {what} was accepted"
        assert res.message


def test_failure_names_the_fact(certs):
    """A changed cycle point is reported as a failure of that fact, with the map values."""
    bad = copy.deepcopy(certs["pl_proved"])
    bad["evidence"][0]["points"][1] = "1/2"
    res = check(bad)
    assert not res.ok and res.message.startswith("fact 0 (cycle_exact)")


def test_float_in_certificate_is_refused():
    """A certificate with a JSON float is not a certificate."""
    with pytest.raises(CertifyError, match="float"):
        loads('{"schema": "%s", "precision": 64.0}' % SCHEMA)


def test_serialisation_is_deterministic(certs):
    """dumps gives the same bytes twice and round-trips through loads."""
    cert = certs["ball_proved"]
    assert dumps(cert) == dumps(json.loads(dumps(cert)))
    assert loads(dumps(cert)) == json.loads(dumps(cert))


def test_canonical_expression_cannot_run_code():
    """A certificate whose map string smuggles Python is refused before sympy sees it."""
    cert = {"schema": SCHEMA, "map": {"canonical": {"kind": "expr", "expr": "__import__('os').getcwd()"}, "class": "smooth"},
            "claim": {"kind": "period", "p": 1, "domain": None}, "verdict": "proved", "precision": 64, "evidence": []}
    res = check(cert)
    assert not res.ok and "unknown name" in res.message


def test_proved_without_cycle_is_rejected(certs):
    """A 'proved' verdict with its cycle fact removed does not pass."""
    bad = copy.deepcopy(certs["ball_proved"])
    bad["evidence"] = [f for f in bad["evidence"] if not f["fact"].startswith("cycle")]
    assert not check(bad).ok


def test_refuted_without_cover_is_rejected(certs):
    """A 'refuted' verdict resting on a region alone does not pass."""
    bad = copy.deepcopy(certs["ball_refuted"])
    bad["evidence"] = bad["evidence"][:1]
    assert not check(bad).ok
