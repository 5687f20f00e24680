"""Adversarial certificates against kernel modules merged on the same day (kneading, feigenbaum, tent,
slope_onset, rnn_contraction, rnn_gradients). Each test is a forgery the kernel must refuse cleanly
(one-line FAILED, no traceback, no hang); the docstring names the false claim."""

from __future__ import annotations

import copy
import json
import pathlib

from certify.checker import check

ROOT = pathlib.Path(__file__).resolve().parent.parent
CERTS = ROOT / "tests" / "certificates"


def _load(name: str) -> dict:
    return json.loads((CERTS / f"{name}.json").read_text())


def test_rnn_gradients_trapped_cycle_genuine_passes():
    """The generated trapped_cycle certificate (rnn8_tanh, attracting 7-cycle) is accepted."""
    assert check(_load("rnn8_gradients_trapped")).ok


def test_attack_trapped_cycle_wrong_period_one():
    """False claim: 'the orbit is trapped near an attracting cycle of period 1' (the cycle has period 7;
    p = 1, power = 7 keeps L = 7)."""
    c = _load("rnn8_gradients_trapped")
    c["evidence"][1]["p"], c["evidence"][1]["power"] = 1, 7
    res = check(c)
    assert not res.ok and "\n" not in res.message


def test_attack_trapped_cycle_wrong_period_doubled():
    """False claim: 'an attracting cycle of period 14' (p = 14, power = 1: f^14 maps the box into itself,
    but the cycle has minimal period 7)."""
    c = _load("rnn8_gradients_trapped")
    c["evidence"][1]["p"], c["evidence"][1]["power"] = 14, 1
    res = check(c)
    assert not res.ok and "\n" not in res.message


def test_trapped_cycle_power_two_still_passes():
    """p = 7 with power 2 (L = 14) is a true statement and stays accepted."""
    c = _load("rnn8_gradients_trapped")
    c["evidence"][1]["power"] = 2
    assert check(c).ok
