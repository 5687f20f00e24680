"""The certifiers' gate (certify.verify.self_checked): a certificate the independent checker rejects
leaves the library as undecided, never with its verdict."""

import copy

import pytest

import certify
from certify.verify import self_checked


@pytest.fixture(scope="module")
def proved():
    return certify.period("logistic(r=383/100)", 3).certificate


def _tampered(cert):
    bad = copy.deepcopy(cert)
    bad["claim"]["p"] = 5  # the facts prove a 3-cycle, not a 5-cycle
    bad["orbit"] = ["1/2"]
    return bad


def test_accepted_certificate_passes_unchanged(proved):
    """A certificate the checker accepts is returned as it is."""
    assert self_checked(proved) is proved


def test_rejected_certificate_becomes_undecided(proved):
    """A rejected proved certificate becomes undecided, without evidence or the dropped results, with the reason."""
    out = self_checked(_tampered(proved), drop=("orbit",))
    assert out["verdict"] == "undecided" and out["evidence"] == [] and "orbit" not in out
    assert out["reason"].startswith("internal self-check failed (") and out["claim"]["p"] == 5


def test_keep_lists_the_only_fields_left(proved):
    """With keep, only those fields (and verdict, evidence, reason, extra) remain."""
    out = self_checked(_tampered(proved), keep=("schema", "map", "claim"), precision=64)
    assert set(out) == {"schema", "map", "claim", "verdict", "evidence", "reason", "precision"}
    assert out["precision"] == 64


def test_disabled_or_undecided_is_not_checked(proved):
    """enabled=False (benchmarks of the certifier alone) and undecided certificates pass through."""
    bad = _tampered(proved)
    assert self_checked(bad, enabled=False) is bad
    und = dict(bad, verdict="undecided")
    assert self_checked(und) is und
