"""Size caps: how much outside data shallowsym agrees to read before allocating anything.

Every reader and the :class:`~shallowsym.ShallowNetwork` constructor check sizes against these
caps *before* allocating memory for them: the number of parameters (and of entries of W2 W1,
which every exact computation builds), the size of a file and of each decompressed array, and
the number of digits of a number given as text. A value over its cap raises
:class:`~shallowsym.errors.InvalidNetworkError` naming the file, array or entry, the cap and
how to raise it; nothing reaches an allocation that could abort the interpreter (FLINT aborts
the process when a matrix does not fit in memory).

The caps are module-wide settings; :func:`override` changes them for a ``with`` block.

Examples
--------
>>> from shallowsym import caps, ShallowNetwork
>>> caps.current().max_entries
10000000
>>> with caps.override(max_entries=5):  # doctest: +ELLIPSIS
...     ShallowNetwork([[1, 2]], [0], [[1]], [0])
Traceback (most recent call last):
...
shallowsym.errors.InvalidNetworkError: the network (d = 2, h = 1, k = 1) has 5 parameters ...
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import InvalidNetworkError

__all__ = ["Caps", "check_count", "current", "override", "read_regular_file"]


@dataclass(frozen=True)
class Caps:
    """The size caps in force.

    Attributes
    ----------
    max_entries
        Parameters h(d + 1) + k(h + 1) plus the k d entries of W2 W1 of one network, and the
        entries of any one array a reader converts (default 10^7: about 0.5 GB of exact
        rationals).
    max_file_bytes
        Bytes read from one file, and bytes of one array once decompressed (default 2^30).
    max_digits
        Characters of one number given as text, such as a JSON integer or ``"1/3"``
        (default 10^5; Python's own limit for ``int(str)`` is 4300).
    """

    max_entries: int = 10_000_000
    max_file_bytes: int = 2**30
    max_digits: int = 100_000

    def __str__(self) -> str:
        return (
            f"max_entries = {self.max_entries}, max_file_bytes = {self.max_file_bytes}, "
            f"max_digits = {self.max_digits}"
        )

    def to_dict(self) -> dict[str, int]:
        """The caps as a JSON-ready dict."""
        return dataclasses.asdict(self)

    def _repr_markdown_(self) -> str:
        return "| cap | value |\n|---|---:|\n" + "\n".join(
            f"| `{k}` | {v} |" for k, v in self.to_dict().items()
        )


_CURRENT = [Caps()]


def current() -> Caps:
    """The caps in force now.

    Returns
    -------
    Caps

    Examples
    --------
    >>> current().max_digits
    100000
    """
    return _CURRENT[-1]


@contextlib.contextmanager
def override(
    *,
    max_entries: int | None = None,
    max_file_bytes: int | None = None,
    max_digits: int | None = None,
) -> Iterator[Caps]:
    """Change caps inside a ``with`` block (the others keep their value).

    Parameters
    ----------
    max_entries, max_file_bytes, max_digits
        New positive integer caps; ``None`` keeps the cap in force.

    Yields
    ------
    Caps
        The caps in force inside the block.

    Raises
    ------
    ValueError
        If a cap is not a positive integer.

    Examples
    --------
    >>> with override(max_digits=10) as c:
    ...     c.max_digits
    10
    >>> current().max_digits
    100000
    """
    changes = {
        "max_entries": max_entries,
        "max_file_bytes": max_file_bytes,
        "max_digits": max_digits,
    }
    for name, value in changes.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise TypeError(f"{name} must be an int, not {type(value).__name__}")
        if value is not None and value < 1:
            raise ValueError(f"{name} must be a positive integer, not {value!r}")
    new = dataclasses.replace(current(), **{k: v for k, v in changes.items() if v is not None})
    _CURRENT.append(new)
    try:
        yield new
    finally:
        _CURRENT.remove(new)


def check_count(count: int, what: str, cap: str = "max_entries") -> None:
    """Raise InvalidNetworkError when ``count`` exceeds the cap named ``cap``.

    ``what`` says what was counted, for example ``"W1 in model.npz has 10^9 entries"``.

    Examples
    --------
    >>> check_count(3, "W1 has 3 entries")
    >>> check_count(10**9, "W1 has 10^9 entries")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    shallowsym.errors.InvalidNetworkError: W1 has 10^9 entries, over the cap max_entries = ...
    """
    value = getattr(current(), cap)
    if count > value:
        raise InvalidNetworkError(
            f"{what}, over the cap {cap} = {value} "
            f"(raise it with shallowsym.caps.override({cap}=...))"
        )


def read_regular_file(path: str | os.PathLike) -> bytes:
    """The bytes of a regular file, read with a bound (``max_file_bytes``).

    FIFOs, devices (``/dev/zero``, also through a symlink), directories and sockets are
    refused without blocking: the file is opened non-blocking and checked with ``fstat``
    before anything is read.

    Raises
    ------
    InvalidNetworkError
        If the path does not exist, is not a regular file, or is larger than the cap.

    Examples
    --------
    >>> read_regular_file('/dev/zero')
    Traceback (most recent call last):
    ...
    shallowsym.errors.InvalidNetworkError: /dev/zero is a character device, not a regular file
    """
    if not isinstance(path, str | os.PathLike):
        raise InvalidNetworkError(
            f"a file path must be a str or os.PathLike, not {type(path).__name__}"
        )
    name = os.fspath(path)
    try:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise InvalidNetworkError(f"{name} does not exist") from None
    except OSError as err:
        raise InvalidNetworkError(f"cannot read {name}: {err.strerror or err}") from None
    except ValueError as err:  # an embedded NUL byte
        raise InvalidNetworkError(f"cannot read {name!r}: {err}") from None
    with os.fdopen(fd, "rb") as fh:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InvalidNetworkError(f"{name} is {_kind(mode)}, not a regular file")
        cap = current().max_file_bytes
        size = os.fstat(fd).st_size
        if size > cap:
            check_count(size, f"{name} has {size} bytes", "max_file_bytes")
        data = fh.read(cap + 1)
    check_count(len(data), f"{name} has more than {cap} bytes", "max_file_bytes")
    return data


def _kind(mode: int) -> str:
    for test, text in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return text
    return "not a regular file"
