"""Adversarial certificates against the kernel modules merged with the horseshoe (checker/hsets.py,
checker/polymap.py) and the pruned PLRNN search (checker/plrnn_tree.py): each test is a reproducer
that failed before its fix (hangs are run in a child process with a time limit)."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap

import pytest

from certify.maps.polymap import parse_polymap_spec
from certify.verify import verify

from tests.test_attacks import ROOT


def _check_in_subprocess(tmp_path, cert: dict, timeout: float = 20, mem_bytes: int = 2 << 30):
    """(finished, ok, message) of check() in a child process with time and address-space limits."""
    path = tmp_path / "cert.json"
    path.write_text(json.dumps(cert))
    code = textwrap.dedent(f"""
        import json, resource, sys
        resource.setrlimit(resource.RLIMIT_AS, ({mem_bytes}, {mem_bytes}))
        sys.path.insert(0, {str(ROOT)!r})
        from certify.checker import check
        r = check(json.load(open({str(path)!r})))
        print(json.dumps({{"ok": r.ok, "message": r.message}}))
    """)
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, None, f"timed out after {timeout} s"
    if out.returncode != 0 or not out.stdout.strip():
        return False, None, f"exit {out.returncode}: {out.stderr.strip()[-300:]}"
    r = json.loads(out.stdout.strip().splitlines()[-1])
    return True, r["ok"], r["message"]


def _horseshoe(canon, sets, covers, iterate=1, precision=64, m=None):
    m = len(sets) if m is None else m
    return {"schema": "certify/1", "map": {"canonical": canon, "class": "polynomial"},
            "claim": {"kind": "horseshoe", "iterate": iterate}, "verdict": "proved", "precision": precision,
            "evidence": [{"fact": "hsets", "sets": sets}, *covers],
            "entropy": {"weights": [1] * m, "rho_lower": "1", "lower": "1/10"}}


# ============================================================================ horseshoe (hsets.py)

def test_attack_horseshoe_covering_work_hang(tmp_path):
    """Hang: one true covering 0 => 0 of (3x, y/3) plus 998 terms 2^-3000 x^a y^b, grid 256 under f^8 (528k step-boxes, within MAX_BOXES) takes about 50 min (5.7 ms per step-box: the box budget ignores terms, degree, dimension and precision)."""
    tiny = "1/" + str(2 ** 3000)
    fx, fy = [["3", [1, 0]]], [["1/3", [0, 1]]]
    mons = [(a, b) for a in range(65) for b in range(65 - a) if (a, b) not in ((1, 0), (0, 1))]
    for a, b in mons[:499]:
        fx.append([tiny, [a, b]])
        fy.append([tiny, [a, b]])
    canon = {"kind": "polymap", "vars": ["x", "y"], "f": [fx, fy]}
    cert = _horseshoe(canon, [{"c": ["0", "0"], "M": [["1", "0"], ["0", "1"]]}],
                      [{"fact": "covering", "from": 0, "to": 0, "degree": 1, "grid": 256}], iterate=8)
    finished, ok, msg = _check_in_subprocess(tmp_path, cert)
    assert finished, msg
    assert not ok


def test_attack_horseshoe_disjointness_vertices_hang(tmp_path):
    """Hang: 40 h-sets in R^16 (no coverings, 150 kB) whose bounding boxes all overlap make disjoint() enumerate 2^16 vertices per pair, 20 s a pair, 780 pairs (about 4 h; 4096 sets: weeks)."""
    n, m = 16, 40
    M = [[("1/1000" if j == 0 else ("11" if i == j else "1")) for j in range(n)] for i in range(n)]
    sets = [{"c": [f"{3 * k}/1000"] * n, "M": M} for k in range(m)]
    canon = {"kind": "polymap", "vars": [f"x{i}" for i in range(n)],
             "f": [[["2", [1 if j == i else 0 for j in range(n)]]] for i in range(n)]}
    finished, ok, msg = _check_in_subprocess(tmp_path, _horseshoe(canon, sets, []))
    assert finished, msg
    assert not ok


def test_attack_henon_given_decimal_fraction_crashes_verify():
    """Crash: a genuine horseshoe certificate whose map.given is 'henon(a=1.4/5, b=0.3)' makes verify() raise ValueError (the plain-decimal fast path hands '1.4/5' to Fraction)."""
    canon = parse_polymap_spec("henon(a=7/25, b=3/10)").canonical
    assert parse_polymap_spec("henon(a=1.4/5, b=0.3)").canonical == canon
    cert = _horseshoe(canon, [{"c": ["0", "0"], "M": [["1", "0"], ["0", "1"]]}], [])
    cert["map"]["given"] = "henon(a=1.4/5, b=0.3)"
    v = verify(cert)  # must not raise
    assert not v.ok


# ============================================================================ PLRNN search trees (plrnn_tree.py)

@pytest.mark.slow  # ~5 s; the walk budget is also charged in tests/test_attacks_plrnn_box.py
def test_attack_plrnn_search_tree_walk_hang(tmp_path):
    """Hang: a search_plrnn fact for a 64-dimensional PLRNN, p = 6, with shape '1' * 2^22 (4 MB, within MAX_TREE_NODES) re-walks about 2 million leaves, each a 64 x 64 exact product and solve (3.2 ms per node: about 3.7 h)."""
    n, p = 64, 6
    rnd = random.Random(1)
    canon = {"kind": "plrnn", "A": [f"{rnd.randint(-9, 9)}/{rnd.randint(10, 19)}" for _ in range(n)],
             "W": [[f"{rnd.randint(-9, 9)}/{rnd.randint(10, 99)}" for _ in range(n)] for _ in range(n)],
             "h": [f"{rnd.randint(-9, 9)}/{rnd.randint(10, 19)}" for _ in range(n)]}
    rows = [{"p": q, "count": 0, "complete": True} if q == p else
            {"p": q, "count": 0, "complete": False, "reason": "x"} for q in range(1, p + 1)]
    cert = {"schema": "certify/1", "map": {"canonical": canon, "class": "piecewise-linear", "dimension": n},
            "claim": {"kind": "plrnn_cycles", "p": p}, "verdict": "proved", "precision": 64,
            "evidence": [{"fact": "search_plrnn", "p": p, "shape": "1" * (1 << 22), "farkas": []}],
            "periods": rows}
    finished, ok, msg = _check_in_subprocess(tmp_path, cert, timeout=30)
    assert finished, msg
    assert not ok


def test_attack_horseshoe_hset_inverse_hang(tmp_path):
    """Hang: 4 h-sets in R^16 whose matrices have random 1600-bit rational entries (560 kB) make the kernel's exact M.inv() take over a minute each (23 s at 800 bits, 16 x 16)."""
    n, rnd = 16, random.Random(2)
    sets = [{"c": ["0"] * n, "M": [[f"{rnd.getrandbits(1600) + 1}/{rnd.getrandbits(1600) + 1}" for _ in range(n)]
                                   for _ in range(n)]} for _ in range(4)]
    canon = {"kind": "polymap", "vars": [f"x{i}" for i in range(n)],
             "f": [[["2", [1 if j == i else 0 for j in range(n)]]] for i in range(n)]}
    finished, ok, msg = _check_in_subprocess(tmp_path, _horseshoe(canon, sets, []))
    assert finished, msg
    assert not ok
