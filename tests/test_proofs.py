"""Every committed certificate in proofs/ passes the independent checker with its expected verdict."""

import pathlib

import pytest

from certify.certificates import read
from certify.checker import check

PROOFS = pathlib.Path(__file__).resolve().parent.parent / "proofs"
FILES = sorted(PROOFS.glob("*.cert.json"))


def test_there_are_committed_proofs():
    """proofs/ holds the reference certificates."""
    assert len(FILES) >= 14


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_committed_certificate_checks(path):
    """The certificate re-verifies, and 'no_period' files are refutations, the others proofs."""
    cert = read(str(path))
    res = check(cert)
    assert res.ok, res.message
    assert cert["verdict"] == ("refuted" if "_no_" in path.name else "proved")


def test_logistic_orbit_count_is_99():
    """The committed period-10 list for logistic r = 4 has the necklace number 99 of orbits."""
    cert = read(str(PROOFS / "logistic_r4_orbits_p10.cert.json"))
    assert cert["count"] == 99 and len(cert["orbits"]) == 99 and cert["complete"] is True
