"""Text output for people: short approximate numbers, long lists cut, Jupyter blocks.

Exact results stay exact in ``to_dict()`` (JSON); this module only decides how much of them a
person reads. A number whose exact text is at most :data:`MAX_EXACT_CHARS` characters prints
exactly (``-3/4``, ``1/1000``); a longer one prints as a short decimal marked approximate
(``~1.4567e-125``). Long lists print their first :data:`SHOWN` items and "... and N more";
``full=True`` prints everything and ``exact=True`` every number exactly.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from fractions import Fraction

from flint import fmpq

from .rationals import format_rational

__all__ = [
    "MAX_EXACT_CHARS",
    "SHOWN",
    "format_number",
    "html_block",
    "markdown_block",
    "network_text",
    "short_message",
    "shorten",
    "shorten_rendered",
    "vector_text",
]

MAX_EXACT_CHARS = 12
"""Exact texts up to this length print exactly (1/1000, -35/64); longer ones as ``~`` decimals
(a float32 weight such as 8254927/67108864 prints as ~0.12301)."""

SHOWN = 8
"""How many items of a long list a summary shows."""


def format_number(
    value: Fraction | fmpq | int, *, exact: bool = False, max_chars: int = MAX_EXACT_CHARS
) -> str:
    """The exact text of ``value`` when at most ``max_chars`` long (or ``exact``), else 5
    significant digits marked ``~``.

    Parameters
    ----------
    value : Fraction, flint fmpq or int
        The exact number.
    exact : bool, keyword-only
        Always print the exact text (default False).
    max_chars : int, keyword-only
        The longest exact text printed as such (default :data:`MAX_EXACT_CHARS`).

    Returns
    -------
    str
        ``-3/4``, or an approximation such as ``~3.3333e-131``.

    Raises
    ------
    Nothing of its own: the arguments are not validated (this is an internal helper of the
        result types' ``__str__``), so a wrong type fails with Python's own ``TypeError`` or
        ``AttributeError``.

    Examples
    --------
    >>> from fractions import Fraction
    >>> format_number(Fraction(-3, 4))
    '-3/4'
    >>> format_number(Fraction(1, 3 * 10**130))
    '~3.3333e-131'
    >>> format_number(Fraction(2, 3) + Fraction(1, 2**40))
    '~0.66667'
    >>> format_number(Fraction(1, 3 * 10**130), exact=True)[:4]
    '1/30'

    References
    ----------
    * docs/theory.md section 1 (every number is an exact rational; only its printed form
      may be shortened, and a shortened number is marked ``~``).
    """
    text = format_rational(value)
    if exact or len(text) <= max_chars:
        return text
    return _approximate(value)


def _approximate(value: Fraction | fmpq | int) -> str:
    if isinstance(value, Fraction):
        q = value
    elif isinstance(value, int):
        q = Fraction(value)
    else:
        q = Fraction(int(value.p), int(value.q))
    if q == 0:
        return "0"
    sign = "-" if q < 0 else ""
    q = abs(q)
    e = math.floor((q.numerator.bit_length() - q.denominator.bit_length()) * math.log10(2))
    m = q / Fraction(10) ** e if e >= 0 else q * Fraction(10) ** (-e)
    mantissa = float(m)
    while mantissa >= 10:
        mantissa, e = mantissa / 10, e + 1
    while mantissa < 1:
        mantissa, e = mantissa * 10, e - 1
    if round(mantissa, 4) >= 10:
        mantissa, e = mantissa / 10, e + 1
    if -4 <= e < 6:
        return f"~{sign}{mantissa * 10.0**e:.5g}"
    return f"~{sign}{mantissa:.4f}e{e:+d}"


def shorten(
    items: Sequence[str],
    *,
    full: bool = False,
    noun: str = "",
    shown: int = SHOWN,
    indent: str = "",
) -> list[str]:
    """The first ``shown`` items and ``... and N more <noun>`` (all of them when ``full``).

    Parameters
    ----------
    items : sequence of str
        The lines to show.
    full : bool, keyword-only
        Show every item (default False).
    noun : str, keyword-only
        What the items are, for the last line (default empty).
    shown : int, keyword-only
        How many items to show (default :data:`SHOWN`); a list of ``shown + 1`` items shows all.
    indent : str, keyword-only
        Prefix of the ``... and N more`` line.

    Returns
    -------
    list of str

    Raises
    ------
    Nothing of its own: the arguments are not validated (this is an internal helper of the
        result types' ``__str__``), so a wrong type fails with Python's own ``TypeError`` or
        ``AttributeError``.

    Examples
    --------
    >>> shorten([str(i) for i in range(20)], noun="neurons", shown=3)
    ['0', '1', '2', '... and 17 more neurons']

    References
    ----------
    * docs/theory.md section 1 (every number is an exact rational; only its printed form
      may be shortened, and a shortened number is marked ``~``).
    """
    return shorten_rendered(items, str, full=full, noun=noun, shown=shown, indent=indent)


def shorten_rendered(
    items: Sequence,
    render,
    *,
    full: bool = False,
    noun: str = "",
    shown: int = SHOWN,
    indent: str = "",
) -> list[str]:
    """Like :func:`shorten`, but ``render`` (item -> text) runs only on the items shown.

    Parameters
    ----------
    items : sequence
        The items (only ``len`` and slicing are used, so a ``range`` of any length is cheap).
    render : callable
        item -> str, called on the items shown only.
    full, noun, shown, indent
        As in :func:`shorten`.

    Returns
    -------
    list of str

    Raises
    ------
    Nothing of its own: the arguments are not validated (this is an internal helper of the
        result types' ``__str__``), so a wrong type fails with Python's own ``TypeError`` or
        ``AttributeError``.

    Examples
    --------
    >>> shorten_rendered(range(10**9), lambda i: f"x{i}", shown=2)
    ['x0', 'x1', '... and 999999998 more']

    References
    ----------
    * docs/theory.md section 1 (every number is an exact rational; only its printed form
      may be shortened, and a shortened number is marked ``~``).
    """
    if full or len(items) <= shown + 1:
        return [render(item) for item in items]
    return [
        *(render(item) for item in items[:shown]),
        f"{indent}... and {len(items) - shown} more {noun}".rstrip(),
    ]


def markdown_block(text: str) -> str:
    """``text`` as a Markdown code block (Jupyter's ``_repr_markdown_``).

    Parameters
    ----------
    text : str
        The text to show.

    Returns
    -------
    str
        ``text`` fenced as a ``text`` code block.

    Raises
    ------
    Nothing of its own: the arguments are not validated (this is an internal helper of the
        result types' ``__str__``), so a wrong type fails with Python's own ``TypeError`` or
        ``AttributeError``.

    Examples
    --------
    >>> print(markdown_block("f = relu(x)"))
    ```text
    f = relu(x)
    ```

    References
    ----------
    * docs/theory.md section 1 (every number is an exact rational; only its printed form
      may be shortened, and a shortened number is marked ``~``).
    """
    return "```text\n" + text + "\n```"


def html_block(text: str) -> str:
    """``text`` as an escaped HTML ``<pre>`` block (Jupyter's ``_repr_html_``).

    Parameters
    ----------
    text : str
        The text to show.

    Returns
    -------
    str
        ``<pre>...</pre>`` with ``<``, ``>`` and ``&`` escaped.

    Raises
    ------
    Nothing of its own: the arguments are not validated (this is an internal helper of the
        result types' ``__str__``), so a wrong type fails with Python's own ``TypeError`` or
        ``AttributeError``.

    Examples
    --------
    >>> html_block("a < b")
    '<pre>a &lt; b</pre>'

    References
    ----------
    * docs/theory.md section 1 (every number is an exact rational; only its printed form
      may be shortened, and a shortened number is marked ``~``).
    """
    return "<pre>" + html.escape(text) + "</pre>"


def short_message(text: str) -> str:
    """``text`` with every number (integer, decimal or fraction) of more than 12 digits as a
    ``~`` decimal.

    Parameters
    ----------
    text : str
        A message, for example an error message quoting a search count.

    Returns
    -------
    str

    Raises
    ------
    Nothing of its own: the arguments are not validated (this is an internal helper of the
        result types' ``__str__``), so a wrong type fails with Python's own ``TypeError`` or
        ``AttributeError``.

    Examples
    --------
    >>> short_message("needs 12345678901234567890 steps")
    'needs ~1.2346e+19 steps'
    >>> short_message("at most 0.0351234567890123 <= 1/20, kink -2628400000000001/9007199254740992")
    'at most ~0.035123 <= 1/20, kink ~-0.29181'

    References
    ----------
    * docs/theory.md section 1 (every number is an exact rational; only its printed form
      may be shortened, and a shortened number is marked ``~``).
    """
    return _NUMBER.sub(_short_number, text)


# a whole number token: an integer, a decimal or a fraction (not part of a word or a longer
# token), so that "0.0351..." or "a/b" is shortened as one value, not digit run by digit run
_NUMBER = re.compile(r"(?<![\w.~/])-?\d+(?:\.\d+|/\d+)?(?![\w.~/])")


def _short_number(match: re.Match) -> str:
    token = match.group()
    if sum(c.isdigit() for c in token) <= 12:
        return token
    return format_number(Fraction(token), max_chars=12)


def vector_text(
    values,
    *,
    exact: bool = False,
    full: bool = False,
    shown: int = 4,
    max_chars: int = MAX_EXACT_CHARS,
) -> str:
    """``(1/2, ~0.33333, ... and 780 more entries)``.

    Parameters
    ----------
    values : iterable of Fraction, flint fmpq or int
        The entries.
    exact, max_chars
        As in :func:`format_number`.
    full : bool, keyword-only
        Show every entry (default False).
    shown : int, keyword-only
        How many entries to show (default 4).

    Returns
    -------
    str

    Raises
    ------
    Nothing of its own: the arguments are not validated (this is an internal helper of the
        result types' ``__str__``), so a wrong type fails with Python's own ``TypeError`` or
        ``AttributeError``.

    Examples
    --------
    >>> from fractions import Fraction
    >>> vector_text([Fraction(1, 2), Fraction(1, 3 * 10**20)] + [0] * 9)
    '(1/2, ~3.3333e-21, 0, 0, ... and 7 more entries)'

    References
    ----------
    * docs/theory.md section 1 (every number is an exact rational; only its printed form
      may be shortened, and a shortened number is marked ``~``).
    """
    items = shorten_rendered(
        list(values),
        lambda v: format_number(v, exact=exact, max_chars=max_chars),
        full=full,
        noun="entries",
        shown=shown,
    )
    return "(" + ", ".join(items) + ")"


def network_text(net, *, full: bool = False, exact: bool = False) -> str:
    """A network for people: its shape, then one line per neuron (w, beta, a), the first
    :data:`SHOWN` neurons and the first entries of each vector unless ``full``.

    Parameters
    ----------
    net : ShallowNetwork
        The network to print.
    full : bool, keyword-only
        Print every neuron and every entry (default False).
    exact : bool, keyword-only
        Print every number exactly (default False: long numbers as ``~`` decimals).

    Returns
    -------
    str

    Raises
    ------
    Nothing of its own: the arguments are not validated (this is an internal helper of the
        result types' ``__str__``), so a wrong type fails with Python's own ``TypeError`` or
        ``AttributeError``.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> print(network_text(ShallowNetwork([[1, 2]], ['1/3'], [[2]], [0])))
    ShallowNetwork: d = 2, h = 1, k = 1
      neuron 0: w = (1, 2), beta = 1/3, a = (2)
      b2 = (0)

    References
    ----------
    * docs/theory.md section 1 (networks, neurons (w_i, beta_i, a_i)).
    """
    lines = [f"ShallowNetwork: d = {net.d}, h = {net.h}, k = {net.k}"]
    rows = []
    # Entries are read one by one from the exact flint matrices: ``net.neuron`` would convert
    # the whole network to Fractions (seconds at (784, 1024, 10)) to show a few numbers.
    A1, A2, biases = net.exact.W1, net.exact.W2, net.exact.b1.entries()
    for i in range(net.h if full else min(net.h, SHOWN + 1)):
        w = [A1[i, c] for c in range(net.d)]
        beta = biases[i]
        a = [A2[r, i] for r in range(net.k)]
        rows.append(
            f"  neuron {i}: w = {vector_text(w, exact=exact, full=full)}, beta = "
            f"{format_number(beta, exact=exact)}, a = {vector_text(a, exact=exact, full=full)}"
        )
    if not full and net.h > SHOWN + 1:
        rows = [*rows[:SHOWN], f"  ... and {net.h - SHOWN} more neurons (--full)"]
    lines += rows
    lines.append(f"  b2 = {vector_text(net.exact.b2.entries(), exact=exact, full=full)}")
    return "\n".join(lines)
