"""The outer time guard: `--timeout SECONDS` and the `timeout=` keyword of the public functions.

Verdicts never depend on the clock: every limit that can make certify say undecided counts work
(`certify.arith.Budget`: cells, precision bits, lap depth, searches), so the same call gives the
same verdict and the same certificate on any machine under any load. This module is the one place
that reads the clock, and only to stop a computation the user does not want to wait for: the
result is then an undecided certificate whose reason starts with "time limit (machine-dependent)",
never a proved or refuted verdict that depends on time.

How it fires:
- in the main thread (where signals are delivered), a SIGALRM interval timer raises `TimeLimit`
  between two Python bytecodes; the long loops of certify are Python loops, so it lands within
  a fraction of a second (a single long C call, such as one flint root isolation, ends first);
- in other threads, on platforms without SIGALRM, or when another SIGALRM timer is running
  (pytest-timeout, say), the long loops call `checkpoint()`, which raises once time is up.

`TimeLimit` is a BaseException (like KeyboardInterrupt), so no `except Exception` swallows it;
`guard` catches it at the API boundary and builds the undecided result. Guards nest: the outer
one firing ends the inner ones too.
"""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager

from certify.errors import CertifyError

__all__ = ["REASON", "TimeLimit", "time_limit", "guard", "checkpoint", "check_timeout"]

REASON = "time limit (machine-dependent)"


class TimeLimit(BaseException):
    """Raised inside a `time_limit` block when its time is up."""

    def __init__(self, seconds: float, token: object):
        super().__init__(f"{REASON}: stopped after {seconds:g} s (--timeout); a faster machine, a lighter "
                         "load or a larger limit may decide it")
        self.seconds, self.token = seconds, token


_local = threading.local()  # .stack: [(deadline, token, seconds)] outermost first; .signals: bool


def _stack() -> list:
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


def _expired(now: float):
    """The outermost guard of this thread whose deadline has passed, or None."""
    for deadline, token, seconds in getattr(_local, "stack", ()):
        if now >= deadline:
            return TimeLimit(seconds, token)
    return None


def checkpoint() -> None:
    """Raise TimeLimit if a guard of this thread has run out of time (cheap; call it in long loops)."""
    if getattr(_local, "stack", None):
        late = _expired(time.monotonic())
        if late is not None:
            raise late


def _on_alarm(signum, frame):
    if getattr(_local, "busy", False):
        return  # a guard is being entered or left: it re-arms the timer itself
    late = _expired(time.monotonic())
    if late is not None:
        raise late
    _arm()  # early (timer granularity) or stale: wait for the earliest deadline again


def _arm() -> None:
    """Set the timer to the earliest deadline of the (main thread's) guards, or turn it off."""
    stack = getattr(_local, "stack", ())
    if stack:
        left = min(d for d, _, _ in stack) - time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))
    else:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _signals_usable() -> bool:
    """SIGALRM is ours to use: main thread, the platform has it, and no other timer is running."""
    return (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
            and signal.getitimer(signal.ITIMER_REAL)[0] == 0)


def check_timeout(seconds) -> None:
    """CertifyError unless seconds is None (no guard) or a positive finite number."""
    if seconds is not None and not (isinstance(seconds, (int, float)) and 0 < seconds < float("inf")):
        raise CertifyError(f"the timeout must be a positive number of seconds (or none), got {seconds!r}")


@contextmanager
def time_limit(seconds):
    """Raise TimeLimit inside the block once `seconds` of wall-clock time have passed (None: no limit).

    Entering and leaving run with the alarm handler muted (`busy`), so the guard stack is always
    consistent; each re-arms the timer for the deadlines left.
    """
    check_timeout(seconds)
    if seconds is None:
        yield
        return
    stack = _stack()
    outermost = not stack
    _local.busy = True
    try:
        if outermost:
            _local.signals = _signals_usable()
            _local.old = signal.signal(signal.SIGALRM, _on_alarm) if _local.signals else None
        stack.append((time.monotonic() + seconds, object(), seconds))
        if _local.signals:
            _arm()
    finally:
        _local.busy = False
    try:
        yield stack[-1][1]
    finally:
        _local.busy = True
        try:
            stack.pop()
            if _local.signals:
                _arm()  # the next deadline out, or off
                if outermost:
                    signal.signal(signal.SIGALRM, _local.old)
        finally:
            _local.busy = False


def guard(timeout, work, undecided):
    """work() under a time limit of `timeout` seconds (None: none); when it fires, undecided(reason)
    with reason starting "time limit (machine-dependent)". The one way certify's public functions
    apply `timeout=`."""
    token = None
    try:
        with time_limit(timeout) as token:
            return work()
    except TimeLimit as e:
        if e.token is not token:
            raise  # an outer guard's time is up: it builds its own result
        return undecided(str(e))
