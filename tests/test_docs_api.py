"""docs/api.md and docs/tutorial.py run as written: every ```python block executes, and every
`print(...)  # -> TEXT` prints exactly TEXT."""

import contextlib
import io
import os
import re
import runpy

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _blocks(path: str) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return re.findall(r"```python\n(.*?)```", fh.read(), re.S)


def _expected(block: str) -> list[str]:
    return [m.group(1).rstrip() for m in re.finditer(r"^\s*print\(.*\)\s*# -> (.*)$", block, re.M)]


SLOW = ("lorenz_plrnn",)  # blocks that run for more than a few seconds: with -m slow


def _index(i: int, block: str):
    return pytest.param(i, marks=pytest.mark.slow) if any(s in block for s in SLOW) else i


@pytest.mark.parametrize("index", [_index(i, b) for i, b in enumerate(_blocks(os.path.join(ROOT, "docs", "api.md")))])
def test_api_doc_block_runs_and_prints_what_it_says(index, monkeypatch):
    """Block INDEX of docs/api.md runs from the repository root; its `# ->` lines are its output."""
    import matplotlib
    matplotlib.use("Agg")
    monkeypatch.chdir(ROOT)
    block = _blocks(os.path.join(ROOT, "docs", "api.md"))[index]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, f"docs/api.md block {index}", "exec"), {"__name__": "__docs__"})
    printed = out.getvalue().splitlines()
    for line in _expected(block):
        assert line in printed, f"docs/api.md block {index}: {line!r} not printed; got {printed}"



def test_tutorial_runs(tmp_path, monkeypatch):
    """docs/tutorial.py runs as a script: a certified period 3 of a He ReLU net, its cobweb, a small
    audit and its plot, written as PNG files."""
    monkeypatch.setenv("CERTIFY_TUTORIAL_OUT", str(tmp_path))
    monkeypatch.setenv("CERTIFY_TUTORIAL_SAMPLES", "12")
    monkeypatch.chdir(ROOT)
    with contextlib.redirect_stdout(io.StringIO()):
        ns = runpy.run_path(os.path.join(ROOT, "docs", "tutorial.py"), run_name="__tutorial__")
    assert ns["res"].proved and ns["check"].ok
    for name in ("cobweb.png", "p_period3.png"):
        with open(tmp_path / name, "rb") as fh:
            assert fh.read(8) == b"\x89PNG\r\n\x1a\n"
