"""The trusted base per claim kind: which kernel modules `certify check` runs, and their sizes.

    python tests/trusted_base.py            # print the table
    python tests/trusted_base.py --write    # rewrite it in docs/design.md (between the markers)

For each committed certificate in tests/certificates/, `certify.checker.check` runs under a profile
hook that records every function executed; the kernel files among them are what a certificate of
that claim kind relies on. tests/test_trusted_base.py fails when docs/design.md is out of date.
"""

from __future__ import annotations

import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
KERNEL = ROOT / "certify" / "checker"
SHARED = ROOT / "certify" / "certificates"
DOC = ROOT / "docs" / "design.md"
BEGIN, END = "<!-- trusted-base:begin -->", "<!-- trusted-base:end -->"


def _lines(path: pathlib.Path) -> int:
    """Lines of code: non-blank lines that are not comments."""
    return sum(1 for line in path.read_text().splitlines() if line.strip() and not line.strip().startswith("#"))


def modules_used(cert: dict) -> set:
    """Kernel (and certificate-data) source files executed while checking `cert`."""
    from certify.checker import check

    seen = set()

    def hook(frame, event, arg):
        if event == "call":
            seen.add(frame.f_code.co_filename)

    sys.setprofile(hook)
    try:
        res = check(cert)
    finally:
        sys.setprofile(None)
    assert res.ok, res.message
    return {pathlib.Path(f) for f in seen if f.startswith((str(KERNEL), str(SHARED)))}


def table() -> str:
    """The markdown table: claim kind, kernel modules it relies on, their total lines of code."""
    kinds: dict[str, set] = {}
    for f in sorted((ROOT / "tests" / "certificates").glob("*.json")):
        cert = json.loads(f.read_text())
        kinds.setdefault(cert["claim"]["kind"], set()).update(modules_used(cert))
    rows = ["| claim kind | kernel modules it runs (lines of code) | total |", "|---|---|---|"]
    for kind in sorted(kinds):
        files = sorted(kinds[kind], key=lambda p: str(p))
        cells = ", ".join(f"`{p.relative_to(ROOT / 'certify').as_posix()}` ({_lines(p)})" for p in files)
        rows.append(f"| `{kind}` | {cells} | {sum(_lines(p) for p in files)} |")
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
