"""A wall-clock budget for a bounded part of an answer (a report's fibre types or dimension).

The step limits (``limit=``) bound the work a search *plans*; a budget in seconds also stops
a part whose steps turn out slow (realizing a fibre type, an unfolding at a large width), so
that it prints as "undecided (reason)" and the rest of the report still prints. The budget
raises :class:`~shallowsym.errors.SearchLimitExceeded`, the error every bounded part already
turns into "undecided"; nothing computed so far is cached half-done (results are cached only
when complete).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

from .errors import SearchLimitExceeded

__all__ = ["time_budget"]


@contextlib.contextmanager
def time_budget(seconds: float | None, what: str, *, limit: int) -> Iterator[None]:
    """Run the block for at most ``seconds`` of wall-clock time.

    Parameters
    ----------
    seconds
        The budget; ``None`` means no budget.
    what
        What the block computes, for the message (``"the fibre types"``).
    limit
        The step limit of the bounded part, kept on the raised error.

    Yields
    ------
    None
        The block runs inside.

    Raises
    ------
    SearchLimitExceeded
        When the budget runs out (the block is interrupted between two Python steps).
    ValueError
        If ``seconds`` is not a positive number.

    Notes
    -----
    Uses ``SIGALRM``, so the budget applies only in the main thread of a Unix process (the CLI,
    a script, a notebook); elsewhere the block runs unbounded in time (its step ``limit``
    still applies). Inside another budget (or while another interval timer runs) the block is
    bounded by the outer one only. A C call in progress (a flint elimination) finishes before
    the stop.

    Examples
    --------
    >>> import time
    >>> try:
    ...     with time_budget(0.05, "a nap", limit=1):
    ...         time.sleep(1)
    ... except SearchLimitExceeded as err:
    ...     print(err)
    a nap did not finish within the time budget of 0.05 s (--time-budget)
    >>> with time_budget(None, "nothing", limit=1):
    ...     pass

    References
    ----------
    docs/theory.md section 5 (the fibre dimension and types this bounds).
    """
    if seconds is None:
        yield
        return
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not seconds > 0:
        raise ValueError(f"time budget must be a positive number of seconds, not {seconds!r}")
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        # no alarms here, or a budget (or another timer) already runs: the outer one bounds
        # this block
        yield
        return

    class _Expired(BaseException):
        """Raised by the alarm; a BaseException so no ``except Exception`` swallows it."""

    finished = []

    def on_alarm(signum, frame):
        if not finished:  # an alarm racing the end of the block is ignored
            raise _Expired

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
        finished.append(True)
    except _Expired:
        raise SearchLimitExceeded(
            f"{what} did not finish within the time budget of {seconds:g} s (--time-budget)",
            limit=limit,
        ) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
