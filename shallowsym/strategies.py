"""Hypothesis strategies for networks, equivalent pairs and near misses.

In the conventions of ``hypothesis.extra.numpy``: options are keyword-only, ranges are
``min_``/``max_`` pairs, and bad arguments raise ``hypothesis.errors.InvalidArgument`` when the
strategy is built, not when it is drawn. Importing shallowsym registers ``networks()`` for
``st.from_type(ShallowNetwork)`` through hypothesis's entry point.

Use them to property-test conjectures about network symmetries::

    from hypothesis import given
    from shallowsym import functional_dimension, reduce
    from shallowsym.strategies import networks

    @given(networks(max_h=4))
    def test_reduce_is_idempotent(net):
        assert reduce(reduce(net)) == reduce(net)
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from .canonical import canonical_form
from .moves.walk import random_equivalent
from .network import ShallowNetwork

__all__ = [
    "DEEP_DEGENERACIES",
    "DEGENERACIES",
    "deep_equivalent_pairs",
    "deep_networks",
    "equivalent_pairs",
    "inequivalent_pairs",
    "networks",
    "networks_with_hidden_symmetries",
]

DEGENERACIES = ("twin", "opposite", "zero_input", "zero_output", "flip", "cancel")

_SMALL = st.builds(Fraction, st.integers(-4, 4), st.sampled_from([1, 1, 2, 3]))
_POSITIVE = st.builds(Fraction, st.integers(1, 5), st.sampled_from([1, 2, 3]))


def _check_range(name: str, low: int, high: int, floor: int) -> None:
    for label, value in ((f"min_{name}", low), (f"max_{name}", high)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidArgument(f"{label}={value!r} must be an integer")
    if low < floor:
        raise InvalidArgument(f"min_{name}={low} must be at least {floor}")
    if high < low:
        raise InvalidArgument(f"max_{name}={high} must be at least min_{name}={low}")


def _check_degeneracies(degeneracies: Sequence[str] | bool) -> tuple[str, ...]:
    if degeneracies is True:
        return DEGENERACIES
    if degeneracies is False:
        return ()
    if isinstance(degeneracies, str) or not isinstance(degeneracies, Sequence):
        raise InvalidArgument(f"degeneracies={degeneracies!r} must be a bool or a list of names")
    unknown = [name for name in degeneracies if name not in DEGENERACIES]
    if unknown:
        raise InvalidArgument(f"unknown degeneracies {unknown}; choose from {DEGENERACIES}")
    return tuple(degeneracies)


def networks(
    *,
    min_d: int = 1,
    max_d: int = 3,
    min_h: int = 0,
    max_h: int = 6,
    min_k: int = 1,
    max_k: int = 2,
    elements: st.SearchStrategy[Fraction] | None = None,
    degeneracies: Sequence[str] | bool = True,
) -> st.SearchStrategy[ShallowNetwork]:
    """Small exact networks, with planted degeneracies so that hidden symmetries are common.

    Each neuron after the first is either drawn from ``elements`` or, with equal weight, a
    planted degeneracy of an earlier neuron: a positively scaled ``twin``, an ``opposite``
    (negatively scaled) copy, a ``zero_input`` (w = 0) or ``zero_output`` (a = 0) neuron, a
    ``flip`` partner (a w^T cancelling an earlier neuron's, so the two can be flipped) or a
    ``cancel`` partner (its kink cancels an earlier neuron's). Random networks almost never
    have hidden symmetries; planted ones make the interesting cases frequent and shrinkable.

    Parameters
    ----------
    min_d, max_d : int, keyword-only
        Range of the input dimension d (default 1 to 3; ``min_d`` >= 1).
    min_h, max_h : int, keyword-only
        Range of the width h (default 0 to 6; ``min_h`` >= 0).
    min_k, max_k : int, keyword-only
        Range of the output dimension k (default 1 to 2; ``min_k`` >= 1).
    elements : hypothesis strategy of Fraction, optional, keyword-only
        The entries (default: small fractions with numerators in [-4, 4] and denominators in
        {1, 2, 3}).
    degeneracies : bool or sequence of str, keyword-only
        Which degeneracies to plant: True (default) for all of ``DEGENERACIES``, False for
        none, or a list of their names.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        A strategy drawing :class:`ShallowNetwork` values.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        When the strategy is built, if a range bound is not an integer, ``min_d`` or ``min_k``
        is below 1, ``min_h`` is below 0, a ``max_`` is below its ``min_``, ``elements`` is not a
        strategy, or ``degeneracies`` is neither a bool nor a list of names from
        ``DEGENERACIES``.

    Examples
    --------
    >>> from hypothesis import find
    >>> net = find(networks(min_h=2, max_h=2), lambda n: n.h == 2)
    >>> net.h
    2

    References
    ----------
    * docs/theory.md section 5 (the mechanisms S3-S8 the degeneracies plant);
      proofs/fibre_mechanisms.md.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023.
    """
    _check_range("d", min_d, max_d, 1)
    _check_range("h", min_h, max_h, 0)
    _check_range("k", min_k, max_k, 1)
    kinds = _check_degeneracies(degeneracies)
    if elements is None:
        elements = _SMALL
    elif not isinstance(elements, st.SearchStrategy):
        raise InvalidArgument(f"elements={elements!r} must be a hypothesis strategy")
    return _networks(min_d, max_d, min_h, max_h, min_k, max_k, elements, kinds)


@st.composite
def _networks(draw, min_d, max_d, min_h, max_h, min_k, max_k, elements, kinds):
    d = draw(st.integers(min_d, max_d))
    k = draw(st.integers(min_k, max_k))
    h = draw(st.integers(min_h, max_h))
    neurons: list[tuple[list, object, list]] = []
    choices = ["random"] * max(len(kinds), 1) + list(kinds)
    for _ in range(h):
        kind = draw(st.sampled_from(choices)) if neurons else "random"
        w = [draw(elements) for _ in range(d)]
        beta = draw(elements)
        a = [draw(elements) for _ in range(k)]
        if kind in ("twin", "opposite", "flip", "cancel"):
            w0, beta0, a0 = draw(st.sampled_from(neurons))
            t = draw(_POSITIVE)
            if kind == "flip":
                w, a = [-x / t for x in w0], [t * x for x in a0]
            elif kind == "opposite":
                w, beta = [-t * x for x in w0], -t * beta0
            else:
                w, beta = [t * x for x in w0], t * beta0
                if kind == "cancel":
                    a = [-x / t for x in a0]
        elif kind == "zero_input":
            w = [Fraction(0)] * d
        elif kind == "zero_output":
            a = [Fraction(0)] * k
        neurons.append((w, beta, a))
    W2 = [[a[j] for _, _, a in neurons] for j in range(k)]
    return ShallowNetwork.from_rows(
        [w for w, _, _ in neurons],
        [b for _, b, _ in neurons],
        W2,
        [draw(elements) for _ in range(k)],
        d=d,
    )


def equivalent_pairs(*, moves: int = 4, **kwargs) -> st.SearchStrategy[tuple]:
    """(net, other): a network from ``networks(**kwargs)`` and a random network of the same
    architecture computing the same function, reached by ``moves`` random moves of
    :mod:`shallowsym.moves` (hidden ones included).

    Parameters
    ----------
    moves : int, keyword-only
        The number of random moves of :func:`shallowsym.moves.random_equivalent` (default 4).
    **kwargs
        Passed to :func:`networks` (``min_d``, ``max_h``, ``degeneracies``...).

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        A strategy drawing pairs (net, other) of equivalent networks.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        If ``moves`` is not a non-negative integer, or as :func:`networks` for ``kwargs``.
    TypeError
        If ``kwargs`` holds a name :func:`networks` does not take.

    Examples
    --------
    >>> from hypothesis import find
    >>> from shallowsym import equivalent
    >>> a, b = find(equivalent_pairs(min_h=1), lambda pair: True)
    >>> bool(equivalent(a, b))
    True

    References
    ----------
    * docs/theory.md sections 2 and 5 (the moves' mechanisms); proofs/fibre_mechanisms.md.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023.
    """
    if isinstance(moves, bool) or not isinstance(moves, int) or moves < 0:
        raise InvalidArgument(f"moves={moves!r} must be a non-negative integer")
    base = networks(**kwargs)
    return st.tuples(base, st.integers(0, 2**32 - 1)).map(
        lambda pair: (pair[0], random_equivalent(pair[0], seed=pair[1], moves=moves))
    )


def inequivalent_pairs(
    *, epsilon: Fraction = Fraction(1, 10**9), **kwargs
) -> st.SearchStrategy[tuple]:
    """(net, other): near misses. One parameter of ``net`` moves by +-``epsilon``; when that
    leaves the function unchanged (a zero neuron's weight, say), b2 moves too, so the two
    networks always compute different functions.

    Parameters
    ----------
    epsilon : rational, keyword-only
        The size of the change (default 10^-9); any non-zero value ``Fraction`` accepts.
    **kwargs
        Passed to :func:`networks` (``min_d``, ``max_h``, ``degeneracies``...).

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        A strategy drawing pairs (net, other) whose canonical forms differ.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        If ``epsilon`` is zero or not a rational number, or as :func:`networks` for ``kwargs``.
    TypeError
        If ``kwargs`` holds a name :func:`networks` does not take.

    Examples
    --------
    >>> from hypothesis import find
    >>> from shallowsym import equivalent
    >>> a, b = find(inequivalent_pairs(), lambda pair: True)
    >>> bool(equivalent(a, b))
    False

    References
    ----------
    * docs/theory.md section 4 (Theorem 3: different canonical forms mean different
      functions); proofs/equivalence.md.
    """
    try:
        eps = Fraction(epsilon)
    except (TypeError, ValueError):
        raise InvalidArgument(f"epsilon={epsilon!r} must be a rational number") from None
    if eps == 0:
        raise InvalidArgument("epsilon must be non-zero")
    return _near_misses(networks(**kwargs), eps)


@st.composite
def _near_misses(draw, base, eps):
    net = draw(base)
    W1, b1 = [list(r) for r in net.W1], list(net.b1)
    W2, b2 = [list(r) for r in net.W2], list(net.b2)
    slots = [("b2", j, None) for j in range(net.k)] + [("b1", i, None) for i in range(net.h)]
    slots += [("W1", i, c) for i in range(net.h) for c in range(net.d)]
    slots += [("W2", j, i) for j in range(net.k) for i in range(net.h)]
    name, r, c = draw(st.sampled_from(slots))
    delta = eps * draw(st.sampled_from([1, -1]))
    target = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}[name]
    if c is None:
        target[r] += delta
    else:
        target[r][c] += delta
    other = ShallowNetwork.from_rows(W1, b1, W2, b2, d=net.d)
    if canonical_form(other) == canonical_form(net):
        b2[0] += eps
        other = ShallowNetwork.from_rows(W1, b1, W2, b2, d=net.d)
    return net, other


def networks_with_hidden_symmetries(**kwargs) -> st.SearchStrategy[ShallowNetwork]:
    """Networks whose fibre is larger than their standard orbit (checked exactly with
    :func:`shallowsym.symmetries`): ``networks(**kwargs)`` with at least one neuron, filtered.

    Parameters
    ----------
    **kwargs
        Passed to :func:`networks`; ``min_h`` defaults to 1 and must be at least 1.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        A strategy drawing :class:`ShallowNetwork` values with hidden symmetries.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        If ``min_h`` is below 1, or as :func:`networks` for ``kwargs``.
    TypeError
        If ``kwargs`` holds a name :func:`networks` does not take.

    Examples
    --------
    >>> from hypothesis import find
    >>> from shallowsym import symmetries
    >>> net = find(networks_with_hidden_symmetries(max_h=2, max_d=1), lambda n: True)
    >>> symmetries(net).has_hidden_symmetries
    True

    References
    ----------
    * docs/theory.md section 5 (mechanisms S3-S9 and Proposition 4); proofs/generic_fibres.md.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023.
    """
    from .symmetry import symmetries

    kwargs.setdefault("min_h", 1)
    if kwargs["min_h"] < 1:
        raise InvalidArgument("networks with hidden symmetries need min_h >= 1")
    return networks(**kwargs).filter(lambda net: symmetries(net).has_hidden_symmetries)


# -- deep networks -------------------------------------------------------------------------

DEEP_DEGENERACIES = ("twin", "zero_input", "zero_output", "inactive")


def deep_networks(
    *,
    min_depth: int = 2,
    max_depth: int = 3,
    min_d: int = 1,
    max_d: int = 3,
    min_width: int = 1,
    max_width: int = 4,
    min_k: int = 1,
    max_k: int = 2,
    elements: st.SearchStrategy[Fraction] | None = None,
    degeneracies: Sequence[str] | bool = True,
) -> st.SearchStrategy:
    """Small exact :class:`~shallowsym.deep.DeepNetwork` of ``min_depth`` to ``max_depth``
    hidden layers, with planted degeneracies that the reduced canonical form removes.

    Each hidden neuron after the first of its layer is drawn from ``elements`` or, with equal
    weight, a planted ``twin`` (a positive multiple of an earlier neuron's row), a
    ``zero_input`` neuron (constant), a ``zero_output`` neuron (no outgoing weights) or, in
    layers after the first, an ``inactive`` one (incoming weights and bias <= 0 on inputs
    that are ReLU outputs: never active).

    Parameters
    ----------
    min_depth, max_depth : int, keyword-only
        Range of the number of hidden layers (default 2 to 3; ``min_depth`` >= 1). The drawn
        network's ``depth`` (affine layers) is one more.
    min_d, max_d : int, keyword-only
        Range of the input dimension n_0 (default 1 to 3; ``min_d`` >= 1).
    min_width, max_width : int, keyword-only
        Range of every hidden width, drawn per layer (default 1 to 4; ``min_width`` >= 1).
    min_k, max_k : int, keyword-only
        Range of the output dimension n_L (default 1 to 2; ``min_k`` >= 1).
    elements : hypothesis strategy of Fraction, optional, keyword-only
        The entries (default: small fractions with numerators in [-4, 4] and denominators in
        {1, 2, 3}).
    degeneracies : bool or sequence of str, keyword-only
        Which degeneracies to plant: True (default) for all of ``DEEP_DEGENERACIES``, False
        for none, or a list of their names.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        A strategy drawing :class:`~shallowsym.deep.DeepNetwork` values.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        When the strategy is built, if a range bound is not an integer, ``min_depth``,
        ``min_d``, ``min_width`` or ``min_k`` is below 1, a ``max_`` is below its ``min_``,
        ``elements`` is not a strategy, or ``degeneracies`` is neither a bool nor a list of
        names from ``DEEP_DEGENERACIES``.
    TypeError
        If an argument is passed positionally or under a name it does not take.

    Examples
    --------
    >>> from hypothesis import find
    >>> net = find(deep_networks(min_depth=3), lambda n: True)
    >>> net.depth
    4
    >>> from shallowsym.deep import canonical_form
    >>> def reduced(n):
    ...     return sum(canonical_form(n).network.widths) < sum(n.widths)
    >>> net = find(deep_networks(degeneracies=["zero_output"]), reduced)
    >>> reduced(net)
    True

    References
    ----------
    * proofs/deep.md section 2 (Lemma 1: the exact reductions the planted degeneracies
      trigger) and section 3 (the reduced canonical form that removes them).
    * docs/theory.md section 11 (what the reduced form detects at depth >= 2).
    * D. Rolnick, K. Kording, "Reverse-engineering deep ReLU networks", ICML 2020.
    """
    _check_range("depth", min_depth, max_depth, 1)
    _check_range("d", min_d, max_d, 1)
    _check_range("width", min_width, max_width, 1)
    _check_range("k", min_k, max_k, 1)
    if degeneracies is True:
        kinds = DEEP_DEGENERACIES
    elif degeneracies is False:
        kinds = ()
    elif isinstance(degeneracies, str) or not isinstance(degeneracies, Sequence):
        raise InvalidArgument(f"degeneracies={degeneracies!r} must be a bool or a list of names")
    else:
        unknown = [name for name in degeneracies if name not in DEEP_DEGENERACIES]
        if unknown:
            raise InvalidArgument(
                f"unknown degeneracies {unknown}; choose from {DEEP_DEGENERACIES}"
            )
        kinds = tuple(degeneracies)
    if elements is None:
        elements = _SMALL
    elif not isinstance(elements, st.SearchStrategy):
        raise InvalidArgument(f"elements={elements!r} must be a hypothesis strategy")
    return _deep_networks(
        min_depth, max_depth, min_d, max_d, min_width, max_width, min_k, max_k, elements, kinds
    )


@st.composite
def _deep_networks(
    draw, min_depth, max_depth, min_d, max_d, min_width, max_width, min_k, max_k, elements, kinds
):
    from .deep.network import DeepNetwork

    depth = draw(st.integers(min_depth, max_depth))
    widths = [draw(st.integers(min_d, max_d))]
    widths += [draw(st.integers(min_width, max_width)) for _ in range(depth)]
    widths.append(draw(st.integers(min_k, max_k)))
    weights, biases = [], []
    for lay in range(depth + 1):
        cols, rows = widths[lay], widths[lay + 1]
        W = [[draw(elements) for _ in range(cols)] for _ in range(rows)]
        b = [draw(elements) for _ in range(rows)]
        weights.append(W)
        biases.append(b)
    zero_out: list[tuple[int, int]] = []
    choices = ["random"] * max(len(kinds), 1) + list(kinds)
    for lay in range(depth):
        W, b = weights[lay], biases[lay]
        for i in range(1, len(W)):
            kind = draw(st.sampled_from(choices))
            if kind == "twin":
                j = draw(st.integers(0, i - 1))
                t = draw(_POSITIVE)
                W[i], b[i] = [t * x for x in W[j]], t * b[j]
            elif kind == "zero_input":
                W[i] = [Fraction(0)] * len(W[i])
            elif kind == "zero_output":
                zero_out.append((lay, i))
            elif kind == "inactive" and lay > 0:
                W[i], b[i] = [-abs(x) for x in W[i]], -abs(b[i])
    for lay, i in zero_out:
        for row in weights[lay + 1]:
            row[i] = Fraction(0)
    return DeepNetwork(weights, biases)


def deep_equivalent_pairs(**kwargs) -> st.SearchStrategy[tuple]:
    """(net, other): a network from ``deep_networks(**kwargs)`` and the same network with
    every hidden layer randomly permuted and positively scaled (exactly the same function).

    Parameters
    ----------
    **kwargs
        Passed to :func:`deep_networks` (keyword-only ranges, ``elements``,
        ``degeneracies``).

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        A strategy drawing pairs of :class:`~shallowsym.deep.DeepNetwork` in the same
        orbit of the standard group G (per-layer permutations and positive scalings, with
        scales from 1/3 to 5).

    Raises
    ------
    hypothesis.errors.InvalidArgument
        As :func:`deep_networks` for ``kwargs``.
    TypeError
        If ``kwargs`` holds a name :func:`deep_networks` does not take.

    Examples
    --------
    >>> from hypothesis import find
    >>> from shallowsym.deep import equivalent
    >>> a, b = find(deep_equivalent_pairs(), lambda pair: True)
    >>> bool(equivalent(a, b))
    True

    References
    ----------
    * proofs/deep.md section 1 (the standard group G) and section 3 (Proposition 2: the
      reduced canonical form is constant on G-orbits).
    * docs/theory.md section 11 (equal reduced forms prove equivalence, with a certificate).
    * P. Grillo, G. Montúfar, identifiability of deep ReLU networks up to permutation and
      scaling (2026): for generic parameters the fibre is the G-orbit.
    * D. Rolnick, K. Kording, "Reverse-engineering deep ReLU networks", ICML 2020.
    """
    return _deep_standard_images(deep_networks(**kwargs))


@st.composite
def _deep_standard_images(draw, base):
    from .deep.network import DeepNetwork

    net = draw(base)
    weights = [[list(row) for row in W] for W in net.weights]
    biases = [list(b) for b in net.biases]
    for lay in range(net.depth - 1):
        n = len(biases[lay])
        order = draw(st.permutations(range(n)))
        scales = [draw(_POSITIVE) for _ in range(n)]
        weights[lay] = [[x * scales[q] for x in weights[lay][order[q]]] for q in range(n)]
        biases[lay] = [biases[lay][order[q]] * scales[q] for q in range(n)]
        weights[lay + 1] = [
            [row[order[q]] / scales[q] for q in range(n)] for row in weights[lay + 1]
        ]
    return net, DeepNetwork(weights, biases)
