"""The `$ certify ...` commands of docs/usage.md print what the page shows: each runs in-process
(certify.cli.main) in a scratch folder holding the repository's proofs/ and examples/, and the
output lines shown under it appear in the output, in order. A block may leave lines out (the page
keeps the lines that matter); `…` marks a cut, and a shown line ending in `...` is a prefix.
Commands that read a file an earlier command of the page wrote (`cert.json`, `runs/he`, ...) run
that command first. Shell pipelines and Python snippets are not run here. The long ones run with
-m slow."""

import os
import re
import shlex

import pytest

from certify.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "docs", "usage.md")
# more than ~1.5 s in-process on a shared 2-core machine
SLOW = ("audit ", "report runs/", "report proofs/audits", "chaos-onset", "tanh(3*x) - g*tanh", "tanh_net.json --scale", "he_relu16_net.json",
        "--flow", "plrnn_chaos", "lorenz_plrnn", "plrnn2d.json -p 3 --spectrum", "robustness", "phase \"skew", "bifurcation",
        "--x0 0.2718281828", "check cert.json", "check phase.json",
        "chaos examples/", "check horseshoe.json", "rnn3_cycles.json -p 5")
# a printed difference that is a known code problem, not a stale page: the test fails once it is fixed
KNOWN: dict = {}


def _commands() -> list[tuple[int, str, list[str]]]:
    """(line, command, shown output lines) for every single-line `$ certify` command of the page."""
    with open(DOC, encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    out, i = [], 0
    while i < len(lines):
        fence = re.match(r"^(\s*)```\s*$", lines[i])
        if not fence:
            i += 1
            continue
        body, i = [], i + 1
        while i < len(lines) and not re.match(r"^\s*```\s*$", lines[i]):
            body.append((i + 1, lines[i][len(fence.group(1)):]))
            i += 1
        i += 1
        for k, (lineno, text) in enumerate(body):
            if not text.startswith("$ "):
                continue
            shown = []
            for _, nxt in body[k + 1:]:
                if nxt.startswith("$ "):
                    break
                shown.append(nxt)
            cmd = re.sub(r"\s+#\s.*$", "", text[2:]).strip()
            earlier = [c for _, c, _ in out]
            if cmd.startswith("certify ") and not re.search(r"[|<>]|&&|\\$", cmd) and _runnable(cmd, earlier):
                out.append((lineno, cmd, shown))
    return out


def _writes(cmd: str) -> set[str]:
    args = shlex.split(cmd)
    return {args[j + 1] for j, a in enumerate(args[:-1]) if a in ("--out", "--cert")}


def _reads(cmd: str) -> list[str]:
    args = shlex.split(cmd)[2:]
    return [a for j, a in enumerate(args) if re.fullmatch(r"[\w./-]+\.(json|npz|pt|pth|safetensors)|runs/[\w/-]+", a)
            and (j == 0 or args[j - 1] not in ("--out", "--cert", "--html", "--markdown"))]


def _runnable(cmd: str, earlier: list[str]) -> bool:
    """Every file CMD reads is in the repository or written by an earlier certify command of the page
    (not by a shell or Python line, which this test does not run)."""
    return all(os.path.exists(os.path.join(ROOT, f)) or any(f in _writes(c) for c in earlier) for f in _reads(cmd))


def _missing(shown: list[str], printed: list[str]) -> list[str]:
    """The shown lines that are not found, in order, among the printed ones."""
    missing, k = [], 0
    for line in (s.rstrip() for s in shown):
        if line.strip() in ("", "…"):
            continue
        prefix = line.rstrip(".…") if line.endswith(("...", "…")) else None
        for j in range(k, len(printed)):
            if printed[j].rstrip() == line or (prefix is not None and printed[j].startswith(prefix)):
                k = j + 1
                break
        else:
            missing.append(line)
    return missing


def _case(lineno: int, cmd: str, shown: list[str]):
    marks = [pytest.mark.slow] if any(s in cmd for s in SLOW) else []
    if cmd in KNOWN:
        marks.append(pytest.mark.xfail(strict=True, reason=KNOWN[cmd]))
    return pytest.param(cmd, shown, marks=marks, id=f"usage.md:{lineno}")


def test_usage_shows_commands():
    """docs/usage.md shows the output of at least 60 certify commands."""
    assert len(_commands()) >= 60


@pytest.mark.parametrize("cmd, shown", [_case(*c) for c in _commands()])
def test_usage_command_prints_what_the_page_shows(cmd, shown, tmp_path, monkeypatch, capsys):
    """Command CMD of docs/usage.md prints the lines the page shows under it, in order."""
    import matplotlib
    matplotlib.use("Agg")
    for name in ("proofs", "examples"):
        os.symlink(os.path.join(ROOT, name), tmp_path / name)
    monkeypatch.chdir(tmp_path)
    commands = [c for _, c, _ in _commands()]
    earlier = commands[:commands.index(cmd)]
    for path in _reads(cmd):
        writers = [c for c in earlier if path in _writes(c)]
        if writers and not os.path.exists(path):
            main(shlex.split(writers[-1])[1:])
    capsys.readouterr()
    code = main(shlex.split(cmd)[1:])
    out, err = capsys.readouterr()
    printed = (out + err).splitlines()
    assert code in (0, 1, 2, 3)
    assert not _missing(shown, printed), f"$ {cmd}\nnot printed: {_missing(shown, printed)}\nprinted:\n{out}{err}"
