"""Progress bars (tqdm) for long loops: on stderr, with a rate and an ETA, only on a terminal."""

from __future__ import annotations

import sys

__all__ = ["progress_bar", "status_line", "StatusLine"]


class _Silent:
    """The bar when none is shown: same interface, does nothing."""

    def update(self, n: int = 1) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass


def progress_bar(total: int, initial: int = 0, unit: str = "items", enabled: bool | None = None):
    """A context manager with update(n): a tqdm bar counting `unit` from `initial` to `total`
    (elapsed time, rate, ETA), removed when done. enabled None: shown iff stderr is a terminal."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return _Silent()
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit=f" {unit}", file=sys.stderr, leave=False, dynamic_ncols=True,
                desc="certify", smoothing=0.1)


class StatusLine:
    """A tqdm status line for work whose total is not known in advance (covers, enumerations,
    searches): the latest status text and the elapsed time, on stderr; removed when closed.
    Call it with a text (the Budget's `progress` callback)."""

    def __init__(self):
        from tqdm import tqdm

        self._bar = tqdm(total=None, file=sys.stderr, leave=False, dynamic_ncols=True,
                         bar_format="certify: {desc} [{elapsed}]")

    def __call__(self, text: str) -> None:
        self._bar.set_description_str(text)

    def close(self) -> None:
        self._bar.close()


def status_line(enabled: bool | None = None) -> StatusLine | None:
    """A StatusLine when shown (enabled None: iff stderr is a terminal), else None."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    return StatusLine() if enabled else None
