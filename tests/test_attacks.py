"""Adversarial certificates against the trusted kernel (certify/checker) and `certify check`.

Two groups:
- ACCEPTED attacks (the tests FAIL until the kernel or the verification layer is fixed): a forged
  certificate that `certify check` accepts while its displayed statement is false, or a file on
  which the check crashes (traceback), hangs or exhausts memory. Each test's docstring states the
  false claim or the failure mode.
- REJECTED attacks (the tests pass): forgeries the kernel correctly refuses, kept because they
  document a hypothesis the kernel checks.

Hangs and memory exhaustion are run in a subprocess with a wall-clock timeout and an address-space
limit, so that a failing test fails cleanly instead of taking the test run down with it.
"""

from __future__ import annotations

import copy
import json
import pathlib
import re
import subprocess
import sys
import textwrap

import pytest
import sympy
from flint import fmpq

from certify.certificates import loads
from certify.checker import check
from certify.checker.semantics import Program, eval_exact
from certify.errors import CertifyError
from certify.verify import verify

ROOT = pathlib.Path(__file__).resolve().parent.parent
CERTS = ROOT / "tests" / "certificates"


def _load(name: str) -> dict:
    return json.loads((CERTS / f"{name}.json").read_text())


def _cert(expr, claim, verdict, evidence, cls, **extra) -> dict:
    c = {"schema": "certify/1", "map": {"canonical": {"kind": "expr", "expr": expr}, "class": cls},
         "claim": claim, "verdict": verdict, "precision": 64, "evidence": evidence}
    c.update(extra)
    return c


def _one_line_failure(res) -> bool:
    return (not res.ok) and "\n" not in res.message


def _check_in_subprocess(tmp_path, cert: dict, timeout: float = 20, mem_bytes: int = 2 << 30):
    """Run check() on `cert` in a child process (address space and time limited).

    Returns (finished, ok, message): finished is False when the child timed out, crashed with a
    traceback or was killed (abort, out of memory)."""
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


# ============================================================================ ACCEPTED: false statements

# A width-2 leaky-ReLU network. With slope 0 (what the kernel compiles for a JSON integer 0) it is
# f(x) = relu(x) + 100 relu(-x) + 1 > x everywhere: no fixed point. With the display's slope 1/100
# it is f(x) = 1 for x >= 0: the fixed point 1.
_LEAKY_CANON = {"kind": "rnn1d", "activation": "leaky_relu", "w": ["1", "-1"], "b": ["0", "0"],
                "a": ["1", "100"], "c": "1", "slope": 0}


def _leaky_refutation(canon) -> dict:
    return {"schema": "certify/1", "map": {"canonical": canon, "class": "piecewise-linear"},
            "claim": {"kind": "period", "p": 1, "domain": None}, "verdict": "refuted", "precision": 64,
            "consequences": ["f has no periodic points at all (every orbit is monotone and escapes to infinity)"],
            "evidence": [{"fact": "region", "method": "piecewise_linear", "region": "empty", "rounds": 1}]}


def test_attack_leaky_slope_int_zero_displays_other_map():
    """False display: `certify check` prints f(x) = 100*Max(0,-x) + Max(0,x) + Min(0,-x) + Min(0,x)/100 + 1 and 'f has no point of minimal period 1' (but f(1) = 1)."""
    cert = _leaky_refutation(dict(_LEAKY_CANON))
    v = verify(cert)
    if not v.ok:
        return
    # the map line must denote the map the kernel compiled: compare at x = 1 and x = -3
    m = re.match(r"f\(x\) = (.*?)\s+\[", v.map_line)
    assert m, v.map_line
    shown = sympy.sympify(m.group(1), locals={"x": sympy.Symbol("x"), "Max": sympy.Max, "Min": sympy.Min})
    prog = Program.from_canonical(cert["map"]["canonical"])
    for t in (1, -3):
        assert sympy.Rational(shown.subs(sympy.Symbol("x"), t)) == sympy.Rational(str(eval_exact(prog, fmpq(t)))), \
            f"displayed map differs from the checked one at x = {t}: {v.map_line}"


def test_attack_leaky_slope_int_zero_passes_expect_map():
    """False statement: `certify check --expect-map 'rnn1d(leaky_relu, w=[1], b=[2], a=[200], c=0, slope=1/100)'` passes 'no fixed point', yet x = -4 is one."""
    spec = "rnn1d(activation=leaky_relu, w=[1], b=[2], a=[200], c=0, slope=1/100)"
    canon = {"kind": "rnn1d", "activation": "leaky_relu", "w": ["1"], "b": ["2"], "a": ["200"], "c": "0",
             "slope": 0}
    cert = _leaky_refutation(canon)
    cert["map"]["given"] = spec
    # the network the user names really has the fixed point -4: 200 * leaky(-4 + 2) = 200 * (-2/100) = -4
    assert eval_exact(Program.from_canonical({**canon, "slope": "1/100"}), fmpq(-4)) == -4
    v = verify(cert, expect_map=spec, expect_claim="period:1")
    assert not v.ok, f"accepted with given {v.given!r}: {v.result.statement}"


def test_attack_exponent_stable_integer_one_displays_attracting():
    """False statement: the tent map's fixed points 0 and 2/3 (|f'| = 2) are printed 'Lyapunov exponent in [0.693, 0.694], attracting' when an exponent entry says "stable": 1."""
    cert = _load("lyapunov_slope")
    for e in cert["exponents"]:
        e["stable"] = 1
    res = check(cert)
    assert not res.ok or "attracting" not in res.statement, res.statement


def test_attack_exponent_stable_integer_zero_displays_repelling():
    """False statement: the attracting 2-cycle of the logistic map at r = 3.2 (exponent < 0) is printed 'repelling' when its entry says "stable": 0."""
    cert = _load("lyapunov_estimate")
    cert["exponents"][0]["stable"] = 0
    res = check(cert)
    assert not res.ok or "repelling" not in res.statement, res.statement


def test_attack_floor_division_in_canonical_expression():
    """Misleading display: the map is printed as f(x) = x + 1//3 (read: x + 1/3, no periodic point) while the kernel compiles x and proves a continuum of fixed points."""
    cert = _cert("x + 1//3", {"kind": "orbits", "p": 1, "domain": None}, "proved",
                 [{"fact": "cover_pl", "p": 1, "region": None, "cells": [[None, None]]}],
                 "piecewise-linear", count="continuum", orbits=[], complete=True)
    res = check(cert)
    assert not res.ok, res.statement


def test_attack_removable_singularity_fixed_point():
    """False statement: f(x) = x**2/x (undefined at 0) 'has a point of minimal period 1 on R: x0 = 0' (sympy cancels x**2/x to x before the continuity obligation is looked at)."""
    cert = _cert("x**2/x + x**2", {"kind": "period", "p": 1, "domain": None}, "proved",
                 [{"fact": "cycle_exact", "points": ["0"]}], "polynomial",
                 orbit=[{"lo": "0", "hi": "0"}],
                 consequences=["no positive-entropy consequence: periods that are powers of 2 allow zero entropy"])
    res = check(cert)
    assert not res.ok, res.statement


def test_attack_given_string_spoofs_the_report():
    """Spoofed output: an undecided certificate (exit 0) whose map.given injects 'verdict PROVED / proves f has a point of minimal period 3' lines and an ANSI conceal code that hides the real verdict."""
    from certify.reporting.text import render_check

    cert = _load("period_undecided")
    cert["map"]["given"] = ("tanh(x)\nclaim    period p=3\nverdict  PROVED\n"
                            "proves   f has a point of minimal period 3 on R\x1b[8m")
    v = verify(cert)
    if not v.ok:
        return
    out = render_check("cert.json", v)
    assert "\x1b" not in out and "\r" not in out, repr(out)
    assert sum(line.startswith("verdict") for line in out.splitlines()) == 1, out


def test_attack_reason_spoofs_the_report():
    """Spoofed output: an undecided certificate whose reason starts with CR + 'clear line' and rewrites the first line as "OK: all 3 facts hold and imply the verdict 'proved'"."""
    from certify.reporting.text import render_check

    cert = _load("period_undecided")
    cert["reason"] = "\r\x1b[2KOK: all 3 facts hold and imply the verdict 'proved'\nproves   f has a point of period 3"
    v = verify(cert)
    if not v.ok:
        return
    out = render_check("cert.json", v)
    assert "\x1b" not in out and "\r" not in out, repr(out)
    assert not any(line.startswith("proves") for line in out.splitlines()), out


# ============================================================================ ACCEPTED: crashes

def test_attack_huge_exponent_overflow_traceback():
    """Crash: canonical x**(10**30) and a cycle_exact fact make check() raise OverflowError (fmpq_pow_fmpz: exponent too large) instead of failing."""
    cert = _cert("x**(10**30)", {"kind": "period", "p": 1, "domain": None}, "proved",
                 [{"fact": "cycle_exact", "points": ["2"]}], "polynomial", orbit=[{"lo": "2", "hi": "2"}])
    res = check(cert)
    assert _one_line_failure(res), res


def test_attack_roots_count_overlap_message_overflows():
    """Crash: two identical roots_count entries near 10**400 make the overlap message's float() raise OverflowError."""
    N = 10 ** 400
    box = {"lo": str(N - 1), "hi": str(N + 1)}
    cert = _cert("x**2/10**400", {"kind": "orbits", "p": 1, "domain": None}, "proved",
                 [{"fact": "roots_count", "p": 1, "orbits": [{"period": 1, "box": box}, {"period": 1, "box": box}]}],
                 "polynomial", orbits=[[box]], count=1, complete=True)
    cert["precision"] = 4000
    res = check(cert)
    assert _one_line_failure(res), res


def test_attack_onset_param_cover_width_overflows():
    """Crash: a parameter-cover onset with the cycle at r = 10**400 makes the statement's float(hi - lo) raise OverflowError (the statement itself, r* in [1/2, 10**400], is true)."""
    N = 10 ** 400
    cover = {"fact": "param_cover", "p": 2,
             "pieces": [{"cells": [["-1075838977/1073741824", "1075838977/1073741824", "r", 1,
                                    {"hi": "1/295147905179352825856", "lo": "-1/295147905179352825856"}]],
                         "param": {"hi": "1/2", "lo": "0"}, "prec": 64}],
             "region": {"hi": "1075838977/1073741824", "lo": "-1075838977/1073741824"}}
    boxes = [{"lo": "-1000001/1000000", "hi": "-999999/1000000"}, {"lo": "999999/1000000", "hi": "1000001/1000000"}]
    cert = {"schema": "certify/1", "precision": 2000, "verdict": "proved",
            "map": {"canonical": {"kind": "expr", "expr": "-tanh(r*x)", "param": "r"}, "class": "other family"},
            "claim": {"kind": "onset", "p": 2, "param": "r", "range": {"lo": "0", "hi": str(N)}},
            "evidence": [cover, {"fact": "cycle_at", "value": str(N), "cycle": {"fact": "cycle_krawczyk", "boxes": boxes}}],
            "onset": {"lo": "1/2", "hi": str(N)}}
    res = check(cert)
    assert res.ok or _one_line_failure(res), res


def test_attack_onset_exact_transcendental_traceback():
    """Crash: an onset certificate whose `exact` is 'pi' makes check() raise sympy's NotAlgebraic."""
    cert = _load("onset_algebraic")
    cert["exact"] = "pi"
    res = check(cert)
    assert _one_line_failure(res), res


def test_attack_rnn1d_without_c_crashes_verify():
    """Crash: an rnn1d canonical map without "c" (the kernel defaults it to 0) and a given spec make verify() raise KeyError in same_map."""
    canon = {"kind": "rnn1d", "activation": "relu", "w": ["1"], "b": ["2"], "a": ["200"]}
    cert = _leaky_refutation(canon)
    cert["map"]["given"] = "rnn1d(activation=relu, w=[1], b=[2], a=[200], c=0)"
    v = verify(cert)  # must not raise
    assert v.ok or "\n" not in v.result.message


def test_attack_given_huge_integer_crashes_verify():
    """Crash: a genuine certificate whose map.given is 'x + 10**5000' makes verify() raise ValueError (int-to-str digit limit)."""
    cert = _load("period_pl_refuted")
    cert["map"]["given"] = "x + 10**5000"
    v = verify(cert)  # must not raise
    assert v.given != "matches"


def test_attack_json_integer_over_digit_limit():
    """Crash: a certificate file with a 5001-digit JSON integer makes certify.certificates.loads raise ValueError, a traceback in `certify check`."""
    text = json.dumps(_load("period_pl_refuted")).replace('"precision": 64', '"precision": 6' + "0" * 5000)
    with pytest.raises(CertifyError):
        loads(text)


def test_attack_json_deep_nesting():
    """Crash: a 400 kB certificate file nesting 200,000 arrays makes loads raise RecursionError, a traceback in `certify check`."""
    text = '{"schema": "certify/1", "x": ' + "[" * 200_000 + "]" * 200_000 + "}"
    with pytest.raises(CertifyError):
        loads(text)


# ============================================================================ ACCEPTED: hangs and memory

def test_attack_huge_power_memory(tmp_path):
    """Unbounded memory: canonical x**(2**36) with a cycle_exact fact at 3 makes eval_exact compute 3**(2**36) (13.7 GB; GMP aborts the process under a 2 GB limit)."""
    cert = _cert("x**(2**36)", {"kind": "period", "p": 1, "domain": None}, "proved",
                 [{"fact": "cycle_exact", "points": ["3"]}], "polynomial", orbit=[{"lo": "3", "hi": "3"}])
    finished, ok, msg = _check_in_subprocess(tmp_path, cert)
    assert finished and not ok, msg


def test_attack_huge_integer_literal_memory(tmp_path):
    """Unbounded memory: the canonical expression x + 2**(2**40) makes sympy build a 2**40-bit integer while parsing (MemoryError traceback under a 2 GB limit)."""
    cert = _cert("x + 2**(2**40)", {"kind": "period", "p": 1, "domain": None}, "refuted", [], "polynomial")
    finished, ok, msg = _check_in_subprocess(tmp_path, cert)
    assert finished and not ok, msg


def test_attack_region_rounds_hang(tmp_path):
    """Hang: a piecewise_linear region fact with rounds = 10**12 runs 10**12 rounds of the region rules (about 10**4 rounds per second)."""
    cert = _load("period_pl_refuted")
    cert["evidence"][0]["rounds"] = 10 ** 12
    finished, ok, msg = _check_in_subprocess(tmp_path, cert)
    assert finished, msg


def test_attack_krawczyk_period_4096_hang(tmp_path):
    """Hang / memory: one cycle_krawczyk fact with 4096 boxes (150 kB) builds and inverts a 4096 x 4096 arb matrix (flint aborts under a 2 GB limit) and runs a 4096^2 Python loop (31 s at p = 1024, ~p^2.5)."""
    p = 4096
    boxes = [{"lo": f"{i}/{p}", "hi": f"{2 * i + 1}/{2 * p}"} for i in range(p)]
    cert = _cert("4*x*(1 - x)", {"kind": "period", "p": p, "domain": None}, "proved",
                 [{"fact": "cycle_krawczyk", "boxes": boxes}], "polynomial", orbit=boxes)
    finished, ok, msg = _check_in_subprocess(tmp_path, cert, timeout=30)
    assert finished, msg


def test_attack_onset_exact_minimal_polynomial_hang(tmp_path):
    """Hang: an onset certificate whose `exact` is cos(2*pi/10007) makes sympy.minimal_polynomial run for hours (67 s for cos(2*pi/1009))."""
    cert = _load("onset_algebraic")
    cert["exact"] = "cos(2*pi/10007)"
    finished, ok, msg = _check_in_subprocess(tmp_path, cert)
    assert finished and not ok, msg


def test_attack_onset_minpoly_huge_power_hang(tmp_path):
    """Hang: an onset certificate whose `minpoly` text is (r+1)**1000000 makes sympy expand a degree-10^6 polynomial (10 s for degree 8000)."""
    cert = _load("onset_algebraic")
    cert["minpoly"] = "(r + 1)**1000000"
    finished, ok, msg = _check_in_subprocess(tmp_path, cert)
    assert finished and not ok, msg


def test_attack_onset_fact_minpoly_degree_hang(tmp_path):
    """Hang: an onset_algebraic fact whose minpoly is x^60000 - 2 (180 kB) makes the kernel factor it and run a Sturm count of degree 60000 (1.9 s at degree 2000, ~n^2)."""
    cert = _load("onset_algebraic")
    fact = next(f for f in cert["evidence"] if f["fact"] == "onset_algebraic")
    fact["minpoly"] = ["-2"] + ["0"] * 59999 + ["1"]
    finished, ok, msg = _check_in_subprocess(tmp_path, cert)
    assert finished and not ok, msg


def test_attack_dynatomic_period_12_hang(tmp_path):
    """Hang: a 300-byte no_onset certificate for the logistic family with p = 12 makes the kernel compute the discriminant of Phi_12(x, r) (flint aborts under a 2 GB limit); p = 8 already exceeds 2 minutes."""
    cert = _load("onset_refuted_algebraic")
    cert["claim"]["p"] = 12
    finished, ok, msg = _check_in_subprocess(tmp_path, cert)
    assert finished, msg


def test_attack_pl_family_itinerary_count_hang(tmp_path):
    """Hang: an onset claim with p = 40 for the tent family r*Min(x, 1 - x) makes count_itineraries enumerate all 2**40 words before comparing with its limit of 60,000."""
    cert = _load("onset_refuted_pl")
    cert["map"] = {"canonical": {"kind": "expr", "expr": "r*Min(x, 1 - x)", "param": "r"},
                   "class": "piecewise-linear family"}
    cert["claim"]["range"] = {"lo": "1", "hi": "2"}
    cert["claim"]["p"] = 40
    finished, ok, msg = _check_in_subprocess(tmp_path, cert)
    assert finished, msg


# ============================================================================ ACCEPTED: kinds being rewritten
# (entropy, oscillations, scrambling, robustness, gradients: reported separately)

def test_attack_entropy_negative_pieces_skips_invariance():
    """Unchecked hypothesis: an entropy claim with "pieces": -1 makes pieces_invariant loop zero times, so f(I) in I is 'proved' for 4x(1-x) on I = [0, 2] (f(2) = -8)."""
    cert = {"schema": "certify/1", "precision": 64, "verdict": "proved",
            "map": {"canonical": {"kind": "expr", "expr": "4*x*(1 - x)"}, "class": "polynomial"},
            "claim": {"kind": "entropy", "p": 0, "interval": {"lo": "0", "hi": "2"}, "pieces": -1},
            "evidence": [{"fact": "lipschitz", "n": 1, "s": "16", "cells": [{"lo": "0", "hi": "2"}]}],
            "bounds": {"lo": "0", "hi": "3", "lo_exact": "log(1)/1", "hi_exact": "log(16)/1"}}
    res = check(cert)
    assert not res.ok, res.statement


def test_attack_entropy_laps_depth_hang(tmp_path):
    """Crash / hang: an entropy laps fact with n = 10**12 on the contraction x/2 makes affine_cells build a list of 10**12 tables (MemoryError traceback); with n = 10**9 it loops for hours (2.5 s for 10**5)."""
    cert = {"schema": "certify/1", "precision": 64, "verdict": "proved",
            "map": {"canonical": {"kind": "expr", "expr": "x/2"}, "class": "piecewise-linear"},
            "claim": {"kind": "entropy", "p": 0, "interval": {"lo": "0", "hi": "1"}},
            "evidence": [{"fact": "laps", "n": 10 ** 12, "count": 1}],
            "bounds": {"lo": "0", "hi": "0", "lo_exact": "log(1)/1", "hi_exact": f"log(1)/{10 ** 12}"}}
    finished, ok, msg = _check_in_subprocess(tmp_path, cert)
    assert finished, msg


# ============================================================================ REJECTED (instructive)

def test_rejected_empty_region_with_fixed_point_on_break():
    """Rejected: -2*relu(x) has the fixed point 0 on its break; a region fact 'empty' (no periodic points) fails."""
    cert = _cert("-2*Max(0, x)", {"kind": "period", "p": 1, "domain": None}, "refuted",
                 [{"fact": "region", "method": "piecewise_linear", "region": "empty", "rounds": 5}],
                 "piecewise-linear", consequences=["f has no periodic points at all (every orbit is monotone and "
                                                   "escapes to infinity)"])
    assert _one_line_failure(check(cert))


def test_rejected_nonfixed_region_for_fixed_points():
    """Rejected: 'nonfixed' regions (identity tails removed) may not refute period 1 (min(x, 1) has fixed points)."""
    cert = _cert("Min(x, 1)", {"kind": "period", "p": 1, "domain": None}, "refuted",
                 [{"fact": "region", "method": "piecewise_linear", "region": "empty", "rounds": 1, "nonfixed": True}],
                 "piecewise-linear")
    assert _one_line_failure(check(cert))


def test_rejected_forcing_against_sharkovsky_order():
    """Rejected: a proved 5-cycle does not force period 3 (3 comes before 5 in Sharkovsky's order)."""
    forced = _load("period_forced")
    cert = copy.deepcopy(forced)
    cert["claim"]["p"] = 3
    cert["evidence"][0]["p"] = 5
    assert _one_line_failure(check(cert))


@pytest.mark.parametrize("expr,domain", [("1/x", None), ("sqrt(x)", None), ("log(x**2)", None),
                                         ("atan(1/tanh(x))", None), ("1/(x**2 - 2)", None),
                                         ("1/(exp(x) - 2)", None), ("1/(tanh(x) - 1/2)", ("0", "1"))])
def test_rejected_hidden_poles(expr, domain):
    """Rejected: maps with a pole or an undefined point on the claim's domain (some only at irrational points) are not proved continuous."""
    claim = {"kind": "period", "p": 1, "domain": None if domain is None else {"lo": domain[0], "hi": domain[1]}}
    cert = _cert(expr, claim, "refuted", [], "smooth")
    res = check(cert)
    assert _one_line_failure(res) and "continuous" in res.message, res.message


def test_rejected_family_pole_inside_parameter_range():
    """Rejected: x*log(r) with r in [0, 1] is not defined at r = 0; continuity is proved for the parameter ball."""
    cert = copy.deepcopy(_load("onset_refuted_algebraic"))
    cert["map"]["canonical"]["expr"] = "x*log(r)"
    cert["claim"]["range"] = {"lo": "0", "hi": "1"}
    cert["map"]["class"] = "other family"
    res = check(cert)
    assert _one_line_failure(res) and "continuous" in res.message, res.message


def test_rejected_period3_without_li_yorke():
    """Rejected: a period-3 proof without its Li-Yorke witness."""
    cert = copy.deepcopy(_load("period_ball_proved")) if (CERTS / "period_ball_proved.json").exists() else None
    if cert is None or cert["claim"]["p"] != 3:
        pytest.skip("no period-3 fixture")
    cert["evidence"] = [f for f in cert["evidence"] if f["fact"] != "li_yorke"]
    assert _one_line_failure(check(cert))


def test_rejected_degenerate_krawczyk_boxes():
    """Rejected: point boxes [a, a] can never satisfy K(X) in int(X), whatever the map."""
    cert = _cert("4*x*(1 - x)", {"kind": "period", "p": 1, "domain": None}, "proved",
                 [{"fact": "cycle_krawczyk", "boxes": [{"lo": "3/4", "hi": "3/4"}]}], "polynomial",
                 orbit=[{"lo": "3/4", "hi": "3/4"}])
    assert _one_line_failure(check(cert))


def test_rejected_monotone_decreasing_refuting_period_2():
    """Rejected: a non-increasing map can have period 2, so a decreasing monotone fact cannot refute it."""
    cert = copy.deepcopy(_load("period_monotone_refuted"))
    cert["evidence"][1]["direction"] = "decreasing"
    assert _one_line_failure(check(cert))


def test_rejected_domain_claim_without_invariance():
    """Rejected: a claim on a domain whose region is not the proved-invariant domain (the logistic map at 383/100 on [0, 1/2])."""
    cert = copy.deepcopy(_load("period_domain_proved"))
    cert["claim"]["domain"] = {"lo": "0", "hi": "1/2"}
    cert["evidence"][0]["region"] = {"lo": "0", "hi": "1/2"}
    assert _one_line_failure(check(cert))


def test_rejected_whole_line_cover_on_a_domain():
    """Rejected: a whole-line cover (region null) cannot prove a claim restricted to a domain."""
    cert = _cert("-x", {"kind": "period", "p": 3, "domain": {"lo": "-1", "hi": "1"}}, "refuted",
                 [{"fact": "cover_pl", "p": 3, "region": None, "cells": [[None, None]]}], "piecewise-linear")
    assert _one_line_failure(check(cert))


def test_rejected_onset_exact_other_root():
    """Rejected: the conjugate root 1 - 2*sqrt(2) has the right minimal polynomial but lies outside the isolating interval."""
    cert = _load("onset_algebraic")
    cert["exact"] = "1 - 2*sqrt(2)"
    assert _one_line_failure(check(cert))


def test_rejected_tampered_consequences():
    """Rejected: consequences are re-derived by the kernel (a claimed entropy bound of log 2 for period 40 fails)."""
    cert = copy.deepcopy(_load("period_forced"))
    cert["consequences"][-1] = cert["consequences"][-1].replace("(1/8) log(rho_5)", "log(2)")
    assert _one_line_failure(check(cert))


def test_rejected_precision_out_of_range():
    """Rejected: precisions below 16 or above 65536 bits."""
    for prec in (15, 65537, True):
        cert = copy.deepcopy(_load("period_pl_refuted"))
        cert["precision"] = prec
        assert _one_line_failure(check(cert))


def test_rejected_roots_count_double_root():
    """Rejected: x^2 + 1/4 has the double fixed point 1/2; listing it twice cannot fill the degree count."""
    box = {"lo": "49/100", "hi": "51/100"}
    cert = _cert("x**2 + 1/4", {"kind": "orbits", "p": 1, "domain": None}, "proved",
                 [{"fact": "roots_count", "p": 1, "orbits": [{"period": 1, "box": box}, {"period": 1, "box": box}]}],
                 "polynomial", orbits=[[box]], count=1, complete=True)
    assert _one_line_failure(check(cert))


def test_rejected_phase_parameter_named_x():
    """Rejected: a phase family may not name a parameter x (x**2 + c read as a constant map of (x, c))."""
    cert = copy.deepcopy(_load("phase"))
    cert["map"]["canonical"]["params"] = ["x", cert["map"]["canonical"]["params"][1]]
    cert["claim"]["params"] = cert["map"]["canonical"]["params"]
    assert _one_line_failure(check(cert))


def test_rejected_family_parameter_named_integer():
    """Rejected: a family parameter named Integer (which would shadow the parser's number constructor) does not parse."""
    cert = copy.deepcopy(_load("onset_refuted_algebraic"))
    cert["map"]["canonical"] = {"kind": "expr", "expr": "Integer*x*(1 - x)", "param": "Integer"}
    cert["claim"]["param"] = "Integer"
    assert _one_line_failure(check(cert))
