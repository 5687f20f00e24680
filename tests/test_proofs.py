"""Every committed certificate in proofs/ passes the independent checker with its expected verdict."""

import pathlib

import pytest

from certify.certificates import read
from certify.checker import check

PROOFS = pathlib.Path(__file__).resolve().parent.parent / "proofs"
FILES = sorted(PROOFS.glob("*.cert.json"))
SLOW = {"he_relu16_gain_onset.cert.json"}  # its check decides 433 critical parameters exactly (about 90 s)


def test_there_are_committed_proofs():
    """proofs/ holds the reference certificates."""
    assert len(FILES) >= 15


@pytest.mark.parametrize("path", [pytest.param(p, marks=pytest.mark.slow) if p.name in SLOW else p for p in FILES],
                         ids=lambda p: p.name)
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


def test_plrnn2d_cycles_are_the_hand_computed_ones():
    """The committed 2D PLRNN certificate lists the attracting 2-cycle (-3, -1) <-> (1, 1), complete up to 6."""
    cert = read(str(PROOFS / "plrnn2d_cycles.cert.json"))
    two = [f for f in cert["evidence"] if f["fact"] == "cycle_plrnn" and f["p"] == 2]
    assert {"points": [["-3", "-1"], ["1", "1"]], "stable": True}.items() <= next(
        f for f in two if f["stable"]).items()
    assert [r["count"] for r in cert["periods"]] == [1, 2, 0, 0, 0, 0]
    assert all(r["complete"] for r in cert["periods"])
