"""Pictures of networks and their fibres (matplotlib, an optional dependency).

* :func:`plot_function`: f for d = 1, with its bent points marked;
* :func:`plot_hyperplanes`: for d = 2, the bent hyperplanes (solid, width by |kink|) and the
  cancelling ones (dashed) over a window;
* :func:`plot_domain`: for d = 2, a domain D (box or polygon) with the neurons' hyperplanes:
  bent on D solid, cancelling on D dashed, those missing D greyed;
* :func:`plot_fibre_types`: one row per stratum of the fibre, the representative's neurons
  drawn where they sit (d = 1), coloured by role and marked by orientation.

Each returns the matplotlib ``Axes`` it drew on.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from .canonical import canonical_form
from .domain.canonical import key_side
from .domain.sets import Box, Polytope, as_domain, polygon_vertices
from .fibre.strata import fibre_types
from .network import ShallowNetwork, check_network
from .roles import structure

__all__ = ["plot_domain", "plot_fibre_types", "plot_function", "plot_hyperplanes"]

_ROLE_COLORS = {
    "bent": "tab:blue",
    "cancelling": "tab:orange",
    "zero-output": "tab:gray",
    "zero-input-active": "tab:green",
    "zero-input-inactive": "tab:olive",
}


def _axes(ax):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(6, 4))[1]


def plot_function(
    net: ShallowNetwork, *, ax: Any = None, xlim: tuple[float, float] = (-4, 4), output: int = 0
) -> Any:
    """Plot output ``output`` of a d = 1 network, marking its bent points.

    Parameters
    ----------
    net : ShallowNetwork
        A network with d = 1.
    ax : matplotlib Axes, optional, keyword-only
        Where to draw; default a new figure's axes (this needs matplotlib, the ``notebooks``
        extra).
    xlim : pair of float, keyword-only
        The x range (default (-4, 4)).
    output : int, keyword-only
        Which of the k outputs to draw (default 0).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    ValueError
        If ``net.d`` is not 1.
    IndexError
        If ``output`` is not below ``net.k``.
    ImportError
        If ``ax`` is None and matplotlib is not installed.

    Examples
    --------
    >>> from shallowsym import examples
    >>> ax = plot_function(examples.flip_pair()[0])  # doctest: +SKIP

    References
    ----------
    * docs/theory.md section 4 (Theorem 3: the bent hyperplanes are where f is not
      differentiable).
    """
    check_network(net, "plot_function")
    if net.d != 1:
        raise ValueError(f"plot_function draws d = 1 networks, not d = {net.d}")
    ax = _axes(ax)
    cf = canonical_form(net)
    xs = sorted(
        {float(x) for x in np.linspace(*xlim, 200)}
        | {float(-b.offset) for b in cf.bent_hyperplanes if xlim[0] <= -b.offset <= xlim[1]}
    )
    ys = [float(net([Fraction(x)])[output]) for x in xs]
    ax.plot(xs, ys, color="black", lw=1.5, label="f")
    for bent in cf.bent_hyperplanes:
        x0 = -bent.offset
        if xlim[0] <= x0 <= xlim[1]:
            ax.plot([float(x0)], [float(net([x0])[output])], "o", color="tab:red")
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    return ax


def plot_hyperplanes(
    net: ShallowNetwork,
    *,
    ax: Any = None,
    xlim: tuple[float, float] = (-4, 4),
    ylim: tuple[float, float] = (-4, 4),
) -> Any:
    """Draw a d = 2 network's neuron hyperplanes: bent ones solid (line width grows with the
    kink's size), cancelling ones dashed.

    Parameters
    ----------
    net : ShallowNetwork
        A network with d = 2.
    ax : matplotlib Axes, optional, keyword-only
        Where to draw; default a new figure's axes (this needs matplotlib, the ``notebooks``
        extra).
    xlim, ylim : pair of float, keyword-only
        The window (default (-4, 4) each).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    ValueError
        If ``net.d`` is not 2.
    ImportError
        If ``ax`` is None and matplotlib is not installed.

    Examples
    --------
    >>> from shallowsym import examples
    >>> ax = plot_hyperplanes(examples.two_dimensional(), xlim=(-6, 4))  # doctest: +SKIP

    References
    ----------
    * docs/theory.md sections 3 (hyperplane keys), 4 (kinks, bent hyperplanes) and 5
      (cancelling groups, S7).
    """
    check_network(net, "plot_hyperplanes")
    if net.d != 2:
        raise ValueError(f"plot_hyperplanes draws d = 2 networks, not d = {net.d}")
    ax = _axes(ax)
    s = structure(net)
    cf = canonical_form(net)
    largest = max((max(abs(float(v)) for v in k) for k in cf.kinks), default=1.0) or 1.0
    for group in s.groups:
        a, b, c = (float(v) for v in group.key)
        kink = cf.kink(group.key)
        size = max(abs(float(v)) for v in kink)
        style = dict(
            color=_ROLE_COLORS["bent" if group.bent else "cancelling"],
            ls="-" if group.bent else "--",
            lw=1 + 3 * size / largest,
        )
        _line(ax, (a, b, c), xlim, ylim, style)
    return _plane_axes(ax, xlim, ylim)


def _line(ax, abc: tuple[float, float, float], xlim, ylim, style: dict) -> None:
    """Draw the line a x1 + b x2 + c = 0 across the window."""
    a, b, c = abc
    if abs(b) > 1e-12:
        xs = np.array(xlim)
        ax.plot(xs, -(a * xs + c) / b, **style)
    else:
        ax.plot([-c / a, -c / a], ylim, **style)


def _plane_axes(ax, xlim, ylim):
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    return ax


def plot_domain(
    net: ShallowNetwork, domain: Box | Polytope, *, ax: Any = None, margin: float = 0.5
) -> Any:
    """Draw a bounded d = 2 domain and the network's neuron hyperplanes over it: those bent on D
    solid (width by the kink on D), those meeting D without a kink there dashed, and those
    missing int(D) (dead or always active there) greyed and dotted.

    Parameters
    ----------
    net : ShallowNetwork
        A network with d = 2.
    domain : Box or Polytope
        The bounded domain D, of dimension 2.
    ax : matplotlib Axes, optional, keyword-only
        Where to draw; default a new figure's axes (this needs matplotlib, the ``notebooks``
        extra).
    margin : float, keyword-only
        Space drawn around D's bounding box (default 0.5).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    ValueError
        If ``net.d`` is not 2.
    TypeError
        If ``domain`` is not a :class:`Box` or a :class:`Polytope`.
    InvalidDomainError
        (a ``ValueError``) If the dimension of ``domain`` is not 2.
    ImportError
        If ``ax`` is None and matplotlib is not installed.

    Examples
    --------
    >>> from shallowsym import examples
    >>> from shallowsym.domain import Box
    >>> ax = plot_domain(examples.two_dimensional(), Box(0, 1, d=2))  # doctest: +SKIP

    References
    ----------
    * docs/theory.md section 9 (Lemma D1 folding, Theorem D3 canonical form on D);
      proofs/domains.md.
    """
    check_network(net, "plot_domain")
    if net.d != 2:
        raise ValueError(f"plot_domain draws d = 2 networks, not d = {net.d}")
    domain = as_domain(domain, 2)
    ax = _axes(ax)
    corners = polygon_vertices(domain)
    xs = [float(p[0]) for p in corners]
    ys = [float(p[1]) for p in corners]
    ax.fill(xs, ys, color="tab:blue", alpha=0.08, label="D")
    ax.plot([*xs, xs[0]], [*ys, ys[0]], color="tab:blue", lw=1)
    xlim = (min(xs) - margin, max(xs) + margin)
    ylim = (min(ys) - margin, max(ys) + margin)
    cf = canonical_form(net, domain=domain)
    largest = max((max(abs(float(v)) for v in k) for k in cf.kinks), default=1.0) or 1.0
    for group in structure(net).groups:
        a, b, c = (float(v) for v in group.key)
        if key_side(domain, group.key):
            style = dict(color="0.7", ls=":", lw=1)
        elif any(cf.kink(group.key)):
            size = max(abs(float(v)) for v in cf.kink(group.key))
            style = dict(color=_ROLE_COLORS["bent"], ls="-", lw=1 + 3 * size / largest)
        else:
            style = dict(color=_ROLE_COLORS["cancelling"], ls="--", lw=1)
        _line(ax, (a, b, c), xlim, ylim, style)
    return _plane_axes(ax, xlim, ylim)


def plot_fibre_types(net: ShallowNetwork, *, ax: Any = None, limit: int = 10_000) -> Any:
    """One row per stratum of the fibre of a d = 1 network: the representative's live neurons
    at their breakpoints (triangles point by orientation), inert neurons at the left.

    Parameters
    ----------
    net : ShallowNetwork
        A network with d = 1.
    ax : matplotlib Axes, optional, keyword-only
        Where to draw; default a new figure's axes (this needs matplotlib, the ``notebooks``
        extra).
    limit : int, keyword-only
        The search bound passed to :func:`shallowsym.fibre_types` (default 10000).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    ValueError
        If ``net.d`` is not 1 or ``limit`` is not a positive integer.
    SearchLimitExceeded
        If enumerating the strata needs more than ``limit`` steps.
    ImportError
        If ``ax`` is None and matplotlib is not installed.

    Examples
    --------
    >>> from shallowsym import examples
    >>> ax = plot_fibre_types(examples.cancelling_pair()[1])  # doctest: +SKIP

    References
    ----------
    * docs/theory.md section 5, "Strata and the fibre's dimension at theta";
      proofs/fibre_dimension.md.
    """
    check_network(net, "plot_fibre_types")
    if net.d != 1:
        raise ValueError(f"plot_fibre_types draws d = 1 networks, not d = {net.d}")
    ax = _axes(ax)
    types = fibre_types(net, limit=limit)
    points = [
        float(-b.offset) for t in types for b in canonical_form(t.representative).bent_hyperplanes
    ]
    left = min(points, default=0.0) - 1.5
    for row, stratum in enumerate(types):
        rep = stratum.representative
        for role in structure(rep).roles:
            w, beta, _ = rep.neuron(role.neuron)
            color = _ROLE_COLORS[role.role]
            if role.hyperplane is None:
                ax.plot([left], [row], "s", color=color)
            else:
                marker = ">" if role.orientation > 0 else "<"
                ax.plot([float(-beta / w[0])], [row], marker, color=color, ms=9)
    ax.set_yticks(range(len(types)))
    ax.set_yticklabels([f"{t.type} (dim {t.dimension})" for t in types], fontsize=7)
    ax.set_xlabel("x (breakpoints of the representative's neurons)")
    return ax
