"""Progress display (certify/progress.py): shown only on a terminal, never part of a verdict."""

from certify.progress import progress_bar, status_line


def test_no_display_off_a_terminal(capsys):
    """Off a terminal (pytest's captured stderr) the bar is silent and the status line is None."""
    with progress_bar(10) as bar:
        bar.update(5)
    assert status_line() is None and capsys.readouterr().err == ""


def test_status_line_shows_the_latest_text(capsys):
    """A forced status line writes the latest status text to stderr, then clears itself."""
    line = status_line(enabled=True)
    line("cover: 10 cells")
    line("cover: 20 cells")
    line.close()
    err = capsys.readouterr().err
    assert "certify: cover: 20 cells" in err
