"""Hostile input: every bad map spec is one line and exit 2; every bad certificate one line and exit 1
(or 2 when it is not a certificate at all); nothing crashes, hangs or exhausts memory.

Generated specs go to parse_map and to the CLI in-process; generated certificate files (real
certificates from proofs/ with values replaced by hostile ones, keys duplicated, text truncated or
made invalid UTF-8) go to `certify check`. The worst files run in one child process under
RLIMIT_AS = 1 GB and RLIMIT_CPU = 60 s (guards, not timings: no test reads the clock).
`pytest -m slow tests/test_fuzz.py` runs many more examples.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import pathlib
import resource
import subprocess
import sys
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certify.certificates import Unreadable, loads, read
from certify.certificates.limits import MAX_FILE_BYTES, check_expression
from certify.checker.statement import Failure, whole
from certify.cli import main
from certify.errors import CertifyError
from certify.maps import parse_map
from strategies import hostile_specs

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROOFS = ROOT / "proofs"
# small certificates of every shape the kernel reads quickly (the large ones are fuzzed in the slow run)
SMALL = ["tent_s8_5_no_period3.cert.json", "tent_s2_orbits_p3.cert.json", "logistic_r4_period3.cert.json",
         "relu_tent_net_period3.cert.json", "plrnn2d_cycles.cert.json", "logistic_period5_windows.cert.json",
         "quadratic_period3_onset.cert.json", "logistic_r4_lyapunov.cert.json", "tanh_family_period3.cert.json"]
LARGE = ["tent_period3_onset.cert.json", "tent_s17_10_entropy.cert.json", "logistic_r38_no_period3.cert.json",
         "he_relu16_gain_onset.cert.json", "tanh_family_no_period3.cert.json", "logistic_period5_onset.cert.json"]
SETTINGS = dict(deadline=None, database=None, suppress_health_check=list(HealthCheck))


def run_cli(args) -> tuple[int, str, str]:
    """certify.cli.main in-process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def one_line(code: int, out: str, err: str) -> None:
    """Exit 2: exactly one line, on stderr. Exit 1: one FAILED line on stdout, then at most the
    report's context lines (file, claim, map), each one line. Never a traceback."""
    assert "Traceback" not in out + err
    if code == 2:
        assert err.count("\n") == 1 and err.endswith("\n") and out == "", (code, out[:300], err[:300])
        return
    assert err == "", (code, out[:300], err[:300])
    lines = out.splitlines()
    if code == 1:
        assert lines and lines[0].startswith("FAILED") and len(lines) <= 4, (code, out[:600])
        assert all(line.startswith(("file ", "claim ", "map ")) for line in lines[1:]), out[:600]


# ----------------------------------------------------------------------------- map specs

def _parse_or_refuse(spec: str) -> None:
    try:
        parse_map(spec)
    except CertifyError as e:
        assert "\n" not in str(e).strip() or True  # the CLI makes the message one line
    except Exception as e:  # noqa: BLE001
        raise AssertionError(f"parse_map({spec[:200]!r}) raised {type(e).__name__}: {str(e)[:200]}") from None


@settings(max_examples=150, **SETTINGS)
@given(hostile_specs())
def test_parse_map_refuses_or_builds(spec):
    """parse_map on any text returns a Map or raises CertifyError: no other exception."""
    _parse_or_refuse(spec)


@pytest.mark.slow
@settings(max_examples=3000, **SETTINGS)
@given(hostile_specs())
def test_parse_map_refuses_or_builds_many(spec):
    """The same property over many more generated specs."""
    _parse_or_refuse(spec)


def _cli_spec(spec: str) -> None:
    code, out, err = run_cli(["period", spec, "-p", "1", "--timeout", "2", "--max-prec", "128"])
    assert code in (0, 2, 3), (code, spec[:200], err[:300])
    if code == 2:
        one_line(code, out, err)
    assert "Traceback" not in out + err


@settings(max_examples=40, **SETTINGS)
@given(hostile_specs())
def test_cli_map_specs_exit_0_2_or_3(spec):
    """certify period SPEC exits 0, 2 or 3; a refused spec gives exactly one line on stderr."""
    _cli_spec(spec)


@pytest.mark.slow
@settings(max_examples=300, **SETTINGS)
@given(hostile_specs())
def test_cli_map_specs_exit_0_2_or_3_many(spec):
    """The same property over many more generated specs."""
    _cli_spec(spec)


# ----------------------------------------------------------------------------- certificate files

def _paths(obj, depth: int = 12):
    """Every path (a tuple of keys and indices) into obj, at most `depth` deep (iteratively)."""
    out, stack = [], [((), obj)]
    while stack:
        prefix, v = stack.pop()
        out.append(prefix)
        if len(prefix) < depth:
            items = v.items() if isinstance(v, dict) else enumerate(v) if isinstance(v, list) else ()
            stack.extend((prefix + (k,), c) for k, c in items)
    return out


def _deep(n: int):
    v = "0"
    for _ in range(n):
        v = [v]
    return v


# Replacements small enough that no kernel loop they drive is long (counts beyond the limits are
# the kernel's to bound: see the slow tests at the end).
_BIG = {  # hostile values too large to write into a strategy's repr: built on demand
    "int 10^4001": lambda: 10**4001, "nines": lambda: "9" * 5000, "long string": lambda: "a" * 70_000,
    "long sum": lambda: "x" + "+x" * 6000, "tanh 14": lambda: "tanh(" * 14 + "x" + ")" * 14,
    "parens 500": lambda: "(" * 500 + "x" + ")" * 500, "deep 70": lambda: _deep(70), "deep 40": lambda: _deep(40),
    "wide rnn1d": lambda: {"kind": "rnn1d", "activation": "relu", "w": ["1"] * 5000, "b": ["0"] * 5000,
                           "a": ["1"] * 5000, "c": "0"},
    "plrnn 70": lambda: {"kind": "plrnn", "A": ["1"] * 70, "W": [], "h": []},
}

# Replacements small enough that no kernel loop they drive is long (counts beyond the limits are
# the kernel's to bound: see the slow tests at the end).
HOSTILE_VALUES = st.one_of(
    st.sampled_from([-1, 0, 1, 2, 3, True, False, None, 0.5, 1e308, float("nan"), float("inf"), -float("inf"), "",
                     "0", "-0", "1/0", "0/1", "1//2", "1/-2", "+1", " 1", "1_000", "\u0663", "\u0661/\u0663", "\uff11",
                     "1\u00a0", "Infinity", "NaN", "1e5", "0x10", "\ud800", "x**(10**9)", "x**2**100",
                     "2**2**2**2**2**2", "10**(10**6)*x", "exp(1000*log(x))", "__import__('os')", "proved", "refuted",
                     "undecided", "period", "expr", "rnn1d", "plrnn", [], {}, [[]], {"lo": "1", "hi": "0"},
                     {"lo": "0"}, {"lo": "\u0663", "hi": "4"}, {"kind": "expr", "expr": "x**(10**9)"},
                     {"kind": "expr", "expr": 7},
                     {"kind": "rnn1d", "activation": "relu", "w": "1", "b": [], "a": None}]),
    st.sampled_from(sorted(_BIG)).map(lambda k: _BIG[k]()),
    st.integers(-3, 3),
    st.text(max_size=20),
)


@st.composite
def hostile_certificates(draw, names=SMALL):
    """(bytes of a certificate file): a real certificate with 1-3 values replaced by hostile ones,
    then perhaps a duplicated key, a truncation, invalid UTF-8 or a deep wrapper."""
    cert = copy.deepcopy(draw(st.sampled_from(names).map(_load)))
    for _ in range(draw(st.integers(1, 3))):
        paths = sorted(_paths(cert)[1:], key=repr)
        path = draw(st.sampled_from(paths))
        parent = cert
        for k in path[:-1]:
            parent = parent[k]
        parent[path[-1]] = copy.deepcopy(draw(HOSTILE_VALUES))  # never mutate a shared constant
    text = json.dumps(cert, allow_nan=True, ensure_ascii=draw(st.booleans()), sort_keys=True)
    data = text.encode("utf-8", "surrogatepass")
    edit = draw(st.sampled_from(["none", "none", "duplicate", "truncate", "utf8", "bom", "wrap", "nul"]))
    if edit == "duplicate":
        i = data.index(b"{") + 1
        data = data[:i] + b'"verdict": "proved", ' + data[i:]
    elif edit == "truncate":
        data = data[:draw(st.integers(0, max(0, len(data) - 1)))]
    elif edit == "utf8":
        i = draw(st.integers(0, len(data)))
        data = data[:i] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80"])) + data[i:]
    elif edit == "bom":
        data = b"\xef\xbb\xbf" + data
    elif edit == "wrap":
        n = draw(st.sampled_from([10, 63, 64, 65, 1000, 100_000]))
        data = b"[" * n + data + b"]" * n
    elif edit == "nul":
        data = data + b"\x00"
    return data


_CACHE: dict = {}


def _load(name: str) -> dict:
    if name not in _CACHE:
        _CACHE[name] = json.loads((PROOFS / name).read_text())
    return _CACHE[name]


def _check_file(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "cert.json")
        pathlib.Path(path).write_bytes(data)
        code, out, err = run_cli(["check", path])
    assert code in (0, 1, 2), (code, out[:300], err[:300])
    one_line(code, out, err)


@settings(max_examples=120, **SETTINGS)
@given(hostile_certificates())
def test_check_hostile_certificates_one_line(data):
    """certify check on a mutated certificate exits 0, 1 or 2: one error line (and the report's context
    lines on a failure), no traceback."""
    _check_file(data)


@pytest.mark.slow
@settings(max_examples=2000, **SETTINGS)
@given(hostile_certificates(SMALL + LARGE))
def test_check_hostile_certificates_one_line_many(data):
    """The same property over many more mutations, of the larger certificates too."""
    _check_file(data)


# ----------------------------------------------------------------------------- the listed regressions

@pytest.mark.parametrize("spec, message", [
    ("x**2**100", "exponent"),
    ("x*1e100000", "more than 4000 digits"),
    ("(1+x)**100000", "exponent"),
    ("tanh(" * 14 + "x" + ")" * 14, "nested deeper"),
    ("relu(" * 20 + "x" + ")" * 20, "nested deeper"),
    ("(" * 3000 + "x" + ")" * 3000, "parentheses nested deeper"),
    ("- " * 2000 + "x", "nested too deeply"),
    ("x" + "*x" * 200, "degree"),
    ("(10**1000)**5", "digits"),
    ("exp(1000000*log(x))", "log"),
    ("sqrt(" + "7" * 1000 + ")*x", "root"),
    ("x*\u0663", "unexpected"),
    ("x\u00a0+ 1", "unexpected"),
    ("rnn1d(activation=relu, w=[1], b=[0], a=[1], c=1, c=2)", "twice"),
    ("rnn1d(activation=relu, w=[1], b=[0], a=[1], gain=2)", "no argument"),
    ("rnn1d(activation=relu, w=[" + ",".join(["1"] * 5000) + "], b=[0], a=[1])", "wider"),
    ("logistic(r=4, r=3)", "twice"),
    ("logistic(q=4)", "no parameter"),
    ("x" * 100_001, "longer than"),
])
def test_bad_map_spec_one_line_exit_2(spec, message):
    """Each hostile map spec of issue 9 is refused with one line naming the problem, exit 2."""
    code, out, err = run_cli(["period", spec, "-p", "1"])
    assert code == 2 and message in err, err
    one_line(code, out, err)


@pytest.mark.parametrize("spec", ["-hardtanh(x)", "-2*relu(x)", "-x", "-tanh(x)/2"])
def test_map_with_leading_minus_is_a_map(spec):
    """A map beginning with '-' is read as the map (no option prefix matching: -h is not --help)."""
    code, out, err = run_cli(["period", spec, "-p", "1", "--timeout", "10"])
    assert code in (0, 3) and out.startswith(f"map      {spec}"), (code, out, err)


def test_double_dash_ends_options():
    """`--` ends the options: what follows is the map, even when it starts with '-'."""
    code, out, _ = run_cli(["period", "-p", "1", "--", "-hardtanh(x)"])
    assert code == 0 and out.startswith("map      -hardtanh(x)")


def test_options_are_not_abbreviated():
    """--per is not --period (no prefix matching of long options)."""
    code, _, err = run_cli(["period", "x/2", "--per", "1"])
    assert code == 2 and "--per" in err


def test_period_ascii_digits_only():
    """-p takes ASCII digits only (int() alone would read the Arabic-Indic three as 3)."""
    code, _, err = run_cli(["period", "x/2", "-p", "\u0663"])
    assert code == 2 and "whole number" in err


def _cert_bytes(edit) -> bytes:
    cert = copy.deepcopy(_load("tent_s8_5_no_period3.cert.json"))
    edit(cert)
    return json.dumps(cert, allow_nan=True).encode()


def _set(path, value):
    def edit(c):
        d = c
        for k in path[:-1]:
            d = d[k]
        d[path[-1]] = value
    return edit


BAD_CERTIFICATES = [
    ("claim is a list", _cert_bytes(_set(["claim"], [1])), 1, "'claim' must be"),
    ("evidence is a string", _cert_bytes(_set(["evidence"], "x")), 1, "'evidence' must be"),
    ("a fact is a number", _cert_bytes(_set(["evidence", 0], 3)), 1, "evidence"),
    ("map is a number", _cert_bytes(_set(["map"], 7)), 1, "'map' must be"),
    ("canonical is a list", _cert_bytes(_set(["map", "canonical"], [])), 1, "canonical"),
    ("precision is a string", _cert_bytes(_set(["precision"], "64")), 1, "'precision' must be"),
    ("Infinity", _cert_bytes(_set(["precision"], float("inf"))), 1, "Infinity"),
    ("NaN", _cert_bytes(_set(["precision"], float("nan"))), 1, "NaN"),
    ("float", _cert_bytes(_set(["precision"], 64.0)), 1, "float"),
    ("10^5-deep nesting", b"[" * 100_000 + b"]" * 100_000, 1, "nested deeper"),
    ("deep nesting inside", b'{"schema": "certify/1", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", 1, "nested"),
    ("invalid UTF-8", b'{"schema": "certify/1", "\xff": 1}', 2, "UTF-8"),
    ("huge integer", b'{"schema": "certify/1", "precision": ' + b"9" * 100_000 + b"}", 1, "digits"),
    ("huge rational", _cert_bytes(_set(["evidence", 0, "region", "hi"], "7" * 5000)), 1, "digits"),
    ("Arabic-Indic digits", _cert_bytes(_set(["evidence", 0, "region", "hi"], "\u0661\u0663/\u0661\u0666")), 1,
     "ASCII"),
    ("duplicate keys", b'{"schema": "certify/1", "verdict": "proved", "verdict": "refuted"}', 1, "repeats the key"),
    ("power tower", _cert_bytes(_set(["map", "canonical", "expr"], "x*2**2**2**2**2**2")), 1, "digits"),
    ("x**(10**9)", _cert_bytes(_set(["map", "canonical", "expr"], "x**(10**9)")), 1, "exponent"),
    ("10**(10**6)", _cert_bytes(_set(["map", "canonical", "expr"], "10**(10**6)*x")), 1, "digits"),
    ("tanh nested 14", _cert_bytes(_set(["map", "canonical", "expr"], "tanh(" * 14 + "x" + ")" * 14)), 1, "nested"),
    ("parentheses 5000 deep", _cert_bytes(_set(["map", "canonical", "expr"], "(" * 4000 + "x" + ")" * 4000)), 1,
     "nested"),
    ("long expression", _cert_bytes(_set(["map", "canonical", "expr"], "+".join(["x"] * 6000))), 1, "longer"),
    ("rnn1d 5000 units", _cert_bytes(_set(["map", "canonical"], {"kind": "rnn1d", "activation": "relu",
                                                                  "w": ["1"] * 5000, "b": ["0"] * 5000,
                                                                  "a": ["1"] * 5000, "c": "0"})), 1, "wider"),
    ("long string", _cert_bytes(_set(["reason"], "a" * 70_000)), 1, "longer than"),
    ("truncated", (PROOFS / "tent_s8_5_no_period3.cert.json").read_bytes()[:400], 2, "not valid JSON"),
    ("not an object", b"[1, 2]", 2, "not a certify certificate"),
    ("empty file", b"", 2, "not valid JSON"),
    ("too large", b" " * (MAX_FILE_BYTES + 1), 2, "larger than"),
]


@pytest.mark.parametrize("name, data, code, message", BAD_CERTIFICATES, ids=[c[0] for c in BAD_CERTIFICATES])
def test_bad_certificate_one_line(name, data, code, message):
    """Each hostile certificate of issue 9 gets one line naming the problem: exit 1, or 2 when the
    file is not a certificate at all."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "cert.json")
        pathlib.Path(path).write_bytes(data)
        got, out, err = run_cli(["check", path])
    assert got == code and message in (out + err), (got, out[:300], err[:300])
    one_line(got, out, err)


def test_check_missing_file_and_dev_zero():
    """A missing file and /dev/zero are unreadable input: exit 2, one line (at most the size limit + 1
    bytes of /dev/zero are read)."""
    for path, message in (("/nonexistent/cert.json", "no such file"), ("/dev/zero", "larger than")):
        code, out, err = run_cli(["check", path])
        assert code == 2 and message in err, err
        one_line(code, out, err)


def test_q_parse_and_read_are_strict():
    """The readers refuse what the CLI refuses, with CertifyError (Unreadable for non-certificates)."""
    with pytest.raises(CertifyError, match="repeats"):
        loads('{"schema": "certify/1", "a": 1, "a": 2}')
    with pytest.raises(Unreadable):
        loads("{")
    with pytest.raises(Unreadable, match="no such file"):
        read("/nonexistent.json")
    with pytest.raises(Failure, match="0..1000"):
        whole(10**9, "rounds", 0, 1000)
    with pytest.raises(Failure, match="integer"):
        whole("\u0663", "p", 0, 1000)  # an Arabic-Indic digit: not a JSON integer
    with pytest.raises(CertifyError, match="exponent"):
        check_expression("x**1001", "formula")


# ----------------------------------------------------------------------------- worst cases, guarded

_CHILD = r"""
import contextlib, io, json, sys
from certify.cli import main
rows = []
for path in sys.argv[1:]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["check", path])
    rows.append([code, out.getvalue(), err.getvalue()])
print(json.dumps(rows))
"""


def _guarded(paths, cpu: int = 60):
    """Run `certify check` on each path in one child under RLIMIT_AS = 1 GB and RLIMIT_CPU = cpu s."""
    def guard():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))

    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    r = subprocess.run([sys.executable, "-c", _CHILD, *paths], capture_output=True, text=True, preexec_fn=guard,
                       env=env, cwd=str(ROOT))
    assert r.returncode == 0, (r.returncode, r.stderr[-2000:])
    return json.loads(r.stdout)


WORST = {
    "deep-1MB": b"[" * (1 << 19) + b"]" * (1 << 19),
    "open-brace-1MB": b"{" * (1 << 20),
    "integer-1MB": b'{"schema": "certify/1", "precision": ' + b"9" * ((1 << 20) - 40) + b"}",
    "string-1MB": b'{"schema": "certify/1", "reason": "' + b"a" * ((1 << 20) - 40) + b'"}',
    "zeros-array-1MB": b'{"schema": "certify/1", "x": [' + b"0," * ((1 << 19) - 30) + b"0]}",
    "objects-array-1MB": b'{"schema": "certify/1", "x": [' + b"{}," * ((1 << 20) // 3 - 20) + b"{}]}",
    "tower": _cert_bytes(_set(["map", "canonical", "expr"], "x*2**2**2**2**2**2")),
    "tanh-14": _cert_bytes(_set(["map", "canonical", "expr"], "tanh(" * 14 + "x" + ")" * 14)),
    "too-large": b'{"schema": "certify/1", "reason": "' + b"a" * (MAX_FILE_BYTES + 10) + b'"}',
}


def test_worst_files_bounded_in_a_guarded_child():
    """The worst hostile files (1 MB deep nesting, integer, string, arrays; /dev/zero; a 16 MB+
    file; power towers; nested tanh) are refused in one line each inside a child limited to 1 GB of
    address space and 60 CPU seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for name, data in WORST.items():
            paths.append(os.path.join(tmp, name + ".json"))
            pathlib.Path(paths[-1]).write_bytes(data)
        rows = _guarded(paths + ["/dev/zero"])
    for path, (code, out, err) in zip(paths + ["/dev/zero"], rows):
        assert code in (1, 2), (path, code, out, err)
        one_line(code, out, err)


# Evidence counts only the kernel can bound (certify/checker/limits.py and the caps of each claim
# kind's module): the kernel refuses them before any work, not the guard, not a MemoryError.
def _contraction_entropy_cert() -> dict:
    """An entropy certificate of x/2 + 1/4 (one affine cell however far f^n is composed)."""
    from certify.dynamics.entropy import entropy_bounds
    return entropy_bounds(parse_map("x/2 + 1/4"))


KERNEL_COUNTS = {
    "region rounds 10^9": (lambda: _load("tent_s8_5_no_period3.cert.json"), ["evidence", 0, "rounds"], 10**9),
    "oscillations upto 10^9": (lambda: json.loads((ROOT / "tests" / "certificates" / "oscillations.json").read_text()),
                               ["claim", "upto"], 10**9),
    "entropy laps n 10^9": (_contraction_entropy_cert, ["evidence", 0, "n"], 10**9),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(KERNEL_COUNTS))
def test_kernel_counts_bounded(name):
    """A certificate asking for 10^9 region rounds, lap steps or composition steps is refused by the
    kernel itself in one line (not by the guard, and not by running out of memory)."""
    make, path, value = KERNEL_COUNTS[name]
    cert = copy.deepcopy(make())
    _set(path, value)(cert)
    with tempfile.TemporaryDirectory() as tmp:
        p = os.path.join(tmp, "cert.json")
        pathlib.Path(p).write_text(json.dumps(cert))
        rows = _guarded([p], cpu=20)
    code, out, err = rows[0]
    assert code == 1 and "stopped on it" not in out, (code, out, err)
    one_line(code, out, err)
