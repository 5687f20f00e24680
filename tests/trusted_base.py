"""The trusted base per claim kind: which kernel modules a certificate of that kind relies on.

    python tests/trusted_base.py            # print the table
    python tests/trusted_base.py --write    # rewrite it in docs/design.md (between the markers)

For each claim kind: the module of its derive function (certify.checker.KINDS), what every check
runs (checker/__init__.py, the envelope and continuity, the map semantics, the certificate
reader), and every kernel or certificate module these import, at any depth (imports inside
functions included; checker/__init__.py's imports of the other kinds' modules are dispatch, not
dependencies). Sizes are lines of code (non-blank, non-comment). tests/test_trusted_base.py fails
when docs/design.md is out of date.
"""

from __future__ import annotations

import ast
import functools
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
PKG = ROOT / "certify"
DOC = ROOT / "docs" / "design.md"
BEGIN, END = "<!-- trusted-base:begin -->", "<!-- trusted-base:end -->"
CORE = ["certify.checker", "certify.checker.statement", "certify.checker.continuity", "certify.checker.semantics",
        "certify.certificates"]
# claim kinds whose facts embed whole certificates of other kinds, re-checked through check()
EMBEDS = {"robustness": ["period"], "oscillations": ["period", "entropy"]}


def _path(module: str) -> pathlib.Path:
    rel = PKG.parent / module.replace(".", "/")
    return rel / "__init__.py" if rel.is_dir() else rel.with_suffix(".py")


@functools.lru_cache(maxsize=None)  # each module is parsed once per run, not once per claim kind
def _imports(module: str) -> frozenset:
    """Kernel and certificate modules imported by `module` (anywhere in the file)."""
    out = set()
    for node in ast.walk(ast.parse(_path(module).read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(("certify.checker",
                                                                                          "certify.certificates")):
            out.add(node.module)
            for alias in node.names:  # from certify.checker import facts
                if _path(f"{node.module}.{alias.name}").exists():
                    out.add(f"{node.module}.{alias.name}")
    return frozenset(out)


def closure(start) -> set:
    seen, todo = set(), list(start)
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.add(m)
        if m != "certify.checker":  # its imports of the kinds' modules are the dispatch table
            todo += sorted(_imports(m) - seen)
    return seen


def lines(module: str) -> int:
    """Lines of code: non-blank lines that are not comments."""
    return sum(1 for ln in _path(module).read_text().splitlines() if ln.strip() and not ln.strip().startswith("#"))


def table() -> str:
    """The markdown table: claim kind, the kernel modules it relies on with their lines of code, total."""
    from certify.checker import KINDS

    rows = ["| claim kind | modules (lines of code) | total |", "|---|---|---|"]
    for kind in sorted(KINDS):
        mods = sorted(closure(CORE + [KINDS[k].derive.__module__ for k in [kind, *EMBEDS.get(kind, [])]]))
        cells = ", ".join(f"`{_path(m).relative_to(PKG).as_posix()}` ({lines(m)})" for m in mods)
        rows.append(f"| `{kind}` | {cells} | {sum(lines(m) for m in mods)} |")
    return "\n".join(rows)


def main(argv) -> int:
    text = table()
    if "--write" in argv:
        doc = DOC.read_text()
        head, rest = doc.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        DOC.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
