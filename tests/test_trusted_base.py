"""The trusted base documented in docs/design.md is the one the kernel's imports give."""

from trusted_base import BEGIN, DOC, END, table


def test_design_doc_lists_the_current_trusted_base():
    """docs/design.md's table of kernel modules and lines per claim kind matches the code (regenerate it
    with `python tests/trusted_base.py --write`)."""
    doc = DOC.read_text()
    assert BEGIN in doc and END in doc
    assert doc.split(BEGIN, 1)[1].split(END, 1)[0].strip() == table().strip()
