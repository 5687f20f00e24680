"""Adversarial certificates against kernel modules merged on the same day (kneading, feigenbaum, tent,
slope_onset, rnn_contraction, rnn_gradients). Each test is a forgery the kernel must refuse cleanly
(one-line FAILED, no traceback, no hang); the docstring names the false claim."""

from __future__ import annotations

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


def _zigzag_kneading(m: int, K: int, s_lo: str) -> dict:
    """An entropy certificate with a `kneading` fact (upper bound only) for a continuous PL map of [0, 1]
    with m turning points at generic rational heights (dense turning orbits, exact)."""
    import sympy
    from flint import fmpq

    from certify.certificates import q_str
    from certify.checker.entropy import TRIVIAL, describe, rounded_bound
    from certify.checker.semantics import parse_canonical_expr

    N = m + 1
    xs = [fmpq(0)] + [fmpq(k, N) + fmpq(1, 7 * N * (k + 3)) for k in range(1, N)] + [fmpq(1)]
    ys = [fmpq(1, k + 13) if k % 2 == 0 else 1 - fmpq(1, k + 11) for k in range(N + 1)]
    sl = [(ys[k + 1] - ys[k]) / (xs[k + 1] - xs[k]) for k in range(N)]
    terms = [f"{ys[0]} + ({sl[0]})*x"] + [f"({sl[k] - sl[k - 1]})*Max(0, x - {xs[k]})" for k in range(1, N)]
    expr = sympy.sstr(parse_canonical_expr(" + ".join(terms)))
    fact = {"fact": "kneading", "K": K, "prec": 128, "s_lo": s_lo, "s_hi": None}
    _, form, method, value = describe(fact)
    b = {"lo": q_str(rounded_bound((fmpq(1), 1), up=False)), "hi": q_str(rounded_bound(value, up=True)),
         "lo_exact": TRIVIAL[0], "hi_exact": form, "lo_method": TRIVIAL[1], "hi_method": method}
    return {"schema": "certify/1", "map": {"canonical": {"kind": "expr", "expr": expr}, "class": "piecewise-linear",
                                           "given": "zigzag"},
            "claim": {"kind": "entropy", "p": 0, "interval": {"lo": "0", "hi": "1"}},
            "verdict": "proved", "precision": 128, "evidence": [fact], "bounds": b}


def test_zigzag_kneading_small_is_accepted():
    """The builder's certificate at a small degree (m = 16, K = 16: Q of degree <= 256) is genuine."""
    assert check(_zigzag_kneading(16, 16, "1/100")).ok


def test_attack_kneading_degree_m_times_K_runs_unboundedly(tmp_path):
    """Unbounded run: 16 turning points and K = 1024 (each allowed alone) make Q of degree ~16000, whose
    exact root counts take days (K = 64 already takes over a minute); the kernel must refuse quickly."""
    import subprocess
    import sys

    path = tmp_path / "cert.json"
    path.write_text(json.dumps(_zigzag_kneading(16, 1024, "1/100")))
    code = ("import json, sys; from certify.checker import check; r = check(json.load(open(sys.argv[1]))); "
            "print('OK' if r.ok else 'FAILED', r.message)")
    try:
        out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60,
                             cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    except subprocess.TimeoutExpired:
        raise AssertionError("check() ran for over 60 s") from None
    assert out.returncode == 0 and out.stdout.startswith("FAILED"), out.stdout + out.stderr


def _shift_rnn_gradients(n: int, p: int, power: int, prec: int = 64) -> dict:
    """An rnn_gradients certificate (horizon 1) with a trapped_cycle fact of L = p power steps for the
    tanh RNN h_i -> tanh(3 h_(i-1)) (a cyclic shift): a sign pattern of minimal shift period p is an
    attracting p-cycle, and the box around z_1 of that pattern satisfies every check of the fact."""
    from flint import ctx

    from certify.certificates import q_str
    from certify.checker.rnn import parse_rnn
    from certify.checker.rnn_gradients import norm_logs

    pattern = [1 if i % p == 0 else -1 for i in range(n)]
    W = [["3" if j == (i - 1) % n else "0" for j in range(n)] for i in range(n)]
    canon = {"kind": "rnn", "activation": "tanh", "W": W, "b": ["0"] * n}
    z0 = ["19/20" if s > 0 else "-19/20" for s in pattern]
    with ctx.workprec(prec):
        v = norm_logs(parse_rnn(canon), [fmpq_(z) for z in z0], 1, prec, [1])[1]
    z1 = [pattern[(i - 1) % n] for i in range(n)]
    box = [{"lo": "9/10", "hi": "1"} if s > 0 else {"lo": "-1", "hi": "-9/10"} for s in z1]
    return {"schema": "certify/1", "map": {"canonical": canon, "class": "smooth"},
            "claim": {"kind": "rnn_gradients", "p": 0, "z0": z0, "horizon": 1},
            "verdict": "proved", "precision": prec,
            "evidence": [{"fact": "jacobian_norms", "T": [1],
                          "log_norm": [{"lo": q_str(v.lower().fmpq()), "hi": q_str(v.upper().fmpq())}]},
                         {"fact": "trapped_cycle", "p": p, "power": power, "box": box, "weights": ["1"] * n}]}


def fmpq_(s):
    from certify.certificates import q_parse
    return q_parse(s)


def test_shift_rnn_trapped_cycle_small_is_accepted():
    """The builder's certificate is genuine at a small size (n = 8, a 4-cycle, L = 8)."""
    res = check(_shift_rnn_gradients(8, 4, 2))
    assert res.ok, res.message


def test_attack_trapped_cycle_work_unbounded(tmp_path):
    """Unbounded run: the work bound counts the horizon only, so a trapped_cycle of L = 64 x 64 steps on a
    128-dimensional RNN (n = 512 is allowed too: hours) runs 4096 ball matrix products of size n; the
    kernel must refuse quickly."""
    import subprocess
    import sys

    path = tmp_path / "cert.json"
    path.write_text(json.dumps(_shift_rnn_gradients(128, 64, 64)))
    code = ("import json, sys; from certify.checker import check; r = check(json.load(open(sys.argv[1]))); "
            "print('OK' if r.ok else 'FAILED', r.message)")
    try:
        out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60,
                             cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    except subprocess.TimeoutExpired:
        raise AssertionError("check() ran for over 60 s") from None
    assert out.returncode == 0 and out.stdout.startswith("FAILED"), out.stdout + out.stderr


def test_attack_kneading_cycle_says_turning_orbits_eventually_periodic():
    """False claim: 'the turning orbits are eventually periodic' (r = 3.83: the orbit of 1/2 has unbounded
    denominators, it only converges to the attracting 3-cycle; only its lap sequence is eventually periodic)."""
    res = check(_load("entropy_kneading_cycle"))
    assert res.ok, res.message
    assert "turning orbits are eventually periodic" not in res.statement


def test_attack_repeated_kneading_facts_run_unboundedly(tmp_path):
    """Unbounded run: an entropy certificate repeating one kneading fact (about a second each, up to minutes
    at m K = 1024) hundreds of times; nothing bounds the number of kneading facts."""
    import subprocess
    import sys

    c = _zigzag_kneading(16, 16, "1/100")
    c["evidence"] = c["evidence"] * 400
    path = tmp_path / "cert.json"
    path.write_text(json.dumps(c))
    code = ("import json, sys; from certify.checker import check; r = check(json.load(open(sys.argv[1]))); "
            "print('OK' if r.ok else 'FAILED', r.message)")
    try:
        out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60,
                             cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    except subprocess.TimeoutExpired:
        raise AssertionError("check() ran for over 60 s") from None
    assert out.returncode == 0 and out.stdout.startswith("FAILED"), out.stdout + out.stderr


def test_attack_smooth_turns_refined_at_max_precision(tmp_path):
    """Long run: 16 stated turning points of sin(50 x)/3 + 1/2 refined by bisection to prec = 16384 bits
    (about 16 x 16384 Taylor evaluations at 16384 bits, some 40 times the kernel's ball-work budget)."""
    import subprocess
    import sys

    c = _sin_kneading(16384)
    path = tmp_path / "cert.json"
    path.write_text(json.dumps(c))
    code = ("import json, sys; from certify.checker import check; r = check(json.load(open(sys.argv[1]))); "
            "print('OK' if r.ok else 'FAILED', r.message)")
    try:
        out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60,
                             cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    except subprocess.TimeoutExpired:
        raise AssertionError("check() ran for over 60 s") from None
    assert out.returncode == 0 and out.stdout.startswith("FAILED") and "work limit" in out.stdout, out.stdout


def _sin_kneading(prec: int, K: int = 1, s_lo: str = "1/100") -> dict:
    """An entropy certificate with a kneading fact (stated turns) for sin(50 x)/3 + 1/2 on [0, 1]."""
    import math

    import sympy
    from flint import fmpq

    from certify.certificates import q_str
    from certify.checker.entropy import TRIVIAL, describe, rounded_bound
    from certify.checker.semantics import parse_canonical_expr

    expr = sympy.sstr(parse_canonical_expr("sin(50*x)/3 + 1/2"))
    turns = []
    for k in range(16):
        c = fmpq(round((math.pi / 2 + k * math.pi) / 50 * 10**6), 10**6)
        turns.append({"lo": q_str(c - fmpq(1, 1000)), "hi": q_str(c + fmpq(1, 1000))})
    fact = {"fact": "kneading", "K": K, "prec": prec, "s_lo": s_lo, "s_hi": None, "turns": turns}
    _, form, method, value = describe(fact)
    b = {"lo": q_str(rounded_bound((fmpq(1), 1), up=False)), "hi": q_str(rounded_bound(value, up=True)),
         "lo_exact": TRIVIAL[0], "hi_exact": form, "lo_method": TRIVIAL[1], "hi_method": method}
    return {"schema": "certify/1", "map": {"canonical": {"kind": "expr", "expr": expr}, "class": "smooth", "given": "sin"},
            "claim": {"kind": "entropy", "p": 0, "interval": {"lo": "0", "hi": "1"}, "pieces": 64},
            "verdict": "proved", "precision": 128, "evidence": [fact], "bounds": b}


def test_kneading_cycle_trap_degree_is_bounded_before_the_work():
    """A kneading_cycle trap with k + p + 1 beyond 4096 (a determinant of huge degree) is refused before the work."""
    cert = json.loads((pathlib.Path(__file__).parent / "certificates" / "entropy_kneading_cycle.json").read_text())
    fact = next(f for f in cert["evidence"] if f["fact"] == "kneading_cycle")
    fact["traps"][0]["k"] = 4096
    res = check(cert)
    assert not res.ok and "limit 4096" in res.message


def test_repeated_entropy_facts_are_refused_before_the_work():
    """An entropy certificate repeating a fact (400 copies of a Markov fact: each checked at full cost) is refused."""
    cert = json.loads((pathlib.Path(__file__).parent / "certificates" / "entropy_markov.json").read_text())
    fact = next(f for f in cert["evidence"] if f["fact"] == "markov")
    cert["evidence"] = cert["evidence"] + [fact] * 400
    res = check(cert)
    assert not res.ok and "at most one fact of each kind" in res.message
