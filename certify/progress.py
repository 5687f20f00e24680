"""Progress bars (tqdm) for long loops: on stderr, with a rate and an ETA, only on a terminal."""

from __future__ import annotations

import sys

__all__ = ["progress_bar"]


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
