"""Every `certify` command in README.md runs as written from the repository root (in-process through
certify.cli.main, in a scratch folder holding the repository's proofs/ and examples/), and exits
with a verdict, not an error. The long ones (audits, smooth parameter covers) run with -m slow."""

import importlib.util
import os
import re
import shlex

import pytest

from certify.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SLOW = ("audit", "report", "chaos-onset", "phase \"skew", "--spectrum", "tanh(3*x) - g*tanh", "--flow", "robustness", "chaos \"henon", "chaos examples/")


def _commands() -> list[str]:
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        text = fh.read()
    out = []
    for block in re.findall(r"```\n(.*?)```", text, re.S):
        for line in block.splitlines():
            line = re.sub(r"\s+#\s.*$", "", line.split("&&")[-1].strip())
            if line.startswith("certify "):
                out.append(line)
    return out


def _without_dask(cmd: str) -> bool:
    """CMD asks for a dask scheduler and dask.distributed (the [dask] extra) is not installed."""
    return "--scheduler" in cmd and (importlib.util.find_spec("dask") is None
                                     or importlib.util.find_spec("dask.distributed") is None)


def _case(cmd: str):
    return pytest.param(cmd, marks=pytest.mark.slow) if any(s in cmd for s in SLOW) else cmd


def test_readme_has_commands():
    """The README shows the commands of at least ten subcommands."""
    assert len({c.split()[1] for c in _commands()}) >= 10


@pytest.mark.parametrize("cmd", [_case(c) for c in _commands()])
def test_readme_command_runs(cmd, tmp_path, monkeypatch, capsys):
    """README command CMD exits 0 (proved, refuted or check passed) from a copy of the repo root's files."""
    if _without_dask(cmd):
        pytest.skip("needs the [dask] extra")
    for name in ("proofs", "examples"):
        os.symlink(os.path.join(ROOT, name), tmp_path / name)
    monkeypatch.chdir(tmp_path)
    commands = _commands()
    if cmd.split()[1] in ("check", "report", "export"):  # they read what an earlier command of the README wrote
        for earlier in commands[:commands.index(cmd)]:
            if "--out" in earlier and not _without_dask(earlier):
                assert main(shlex.split(earlier)[1:]) in (0, 3)
    capsys.readouterr()
    assert main(shlex.split(cmd)[1:]) == 0, capsys.readouterr()


def test_readme_python_block_runs_and_prints_what_it_says(monkeypatch, capsys):
    """The README's Python block runs from the repository root; each `# -> TEXT` is a line it prints."""
    monkeypatch.chdir(ROOT)
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        blocks = re.findall(r"```python\n(.*?)```", fh.read(), re.S)
    assert blocks
    for block in blocks:
        capsys.readouterr()
        exec(compile(block, "README.md", "exec"), {"__name__": "__readme__"})
        printed = capsys.readouterr().out.splitlines()
        for want in re.findall(r"^print\(.*\)\s*# -> (.*)$", block, re.M):
            assert want.rstrip() in printed
