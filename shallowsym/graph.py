"""Labelled graphs of networks, for deciding equivalence by graph isomorphism (networkx).

* The **bent-hyperplane graph** has a node for the affine part, labelled (d, k, M, delta), and a
  node for each bent hyperplane, labelled with its exact key and kink, joined to the affine node.
  Two networks compute the same function iff these graphs are isomorphic as labelled graphs.
* The **neuron graph** has a node for each neuron, labelled with its normal form up to positive
  scaling (orientation and scaled output weights for a neuron with w != 0), a node for each
  hyperplane carrying neurons, labelled with its key, an edge from each neuron to its
  hyperplane, and a node for b2. A labelled isomorphism between the neuron graphs of a and b
  is exactly an element g of G_h with g.a = b.
"""

from __future__ import annotations

import networkx as nx

from .canonical import canonical_form
from .hyperplanes import neuron_keys
from .network import ShallowNetwork, check_network
from .standard import (
    StandardCertificate,
    certificate_from_matching,
    checked,
    neuron_normal_forms,
)

__all__ = ["bent_hyperplane_graph", "graph_standard_map", "graphs_isomorphic", "neuron_graph"]


def bent_hyperplane_graph(net: ShallowNetwork) -> nx.Graph:
    """The labelled bent-hyperplane graph of ``net`` (node attribute ``label``).

    Parameters
    ----------
    net : ShallowNetwork
        The network whose canonical form is drawn as a graph.

    Returns
    -------
    networkx.Graph
        A node ``"affine"`` labelled (d, k, M, delta) and a node per bent hyperplane labelled
        with its key and kink, joined to the affine node. Two networks compute the same function
        exactly when their graphs are isomorphic as labelled graphs.

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`ShallowNetwork`.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> g = bent_hyperplane_graph(ShallowNetwork([[1], [-1]], [-1, 3], [[1, 1]], [0]))
    >>> g.number_of_nodes(), g.number_of_edges()
    (3, 2)

    References
    ----------
    * docs/theory.md section 4 (Theorems 1 and 3: the canonical form is a complete invariant);
      proofs/canonical_form.md, proofs/equivalence.md.
    * L. Cordella, P. Foggia, C. Sansone, M. Vento, "A (sub)graph isomorphism algorithm for
      matching large graphs" (VF2), IEEE TPAMI 2004: the family of matchers networkx's
      ``vf2pp`` belongs to.
    """
    cf = canonical_form(net)
    graph = nx.Graph()
    graph.add_node("affine", label=("affine", cf.d, cf.k, cf.linear, cf.constant))
    for key, kink in zip(cf.keys, cf.kinks, strict=True):
        graph.add_node(("bent", key), label=("bent", key, kink))
        graph.add_edge("affine", ("bent", key))
    return graph


def neuron_graph(net: ShallowNetwork) -> nx.Graph:
    """The labelled neuron graph of ``net`` (node attribute ``label``).

    Parameters
    ----------
    net : ShallowNetwork
        The network to draw.

    Returns
    -------
    networkx.Graph
        A node per neuron labelled with its normal form up to positive scaling, a node per
        hyperplane carrying neurons labelled with its key, an edge from each neuron to its
        hyperplane, and a node for b2. Labelled isomorphisms between the neuron graphs of a and
        b are exactly the elements g of G_h with g.a = b.

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`ShallowNetwork`.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> g = neuron_graph(ShallowNetwork([[1], [2], [0]], [1, 2, 0], [[1, 1, 1]], [0]))
    >>> sorted(n for n in g.nodes if n[0] == "hyperplane"), g.degree[("hyperplane", (1, 1))]
    ([('hyperplane', (1, 1))], 2)

    References
    ----------
    * docs/theory.md sections 2 (the group G_h) and 3 (exact hyperplane keys).
    * P. Stock, R. Gribonval, "An embedding of ReLU networks and an analysis of their
      identifiability", Constructive Approximation 2022.
    * L. Cordella, P. Foggia, C. Sansone, M. Vento, "A (sub)graph isomorphism algorithm for
      matching large graphs" (VF2), IEEE TPAMI 2004: the family of matchers networkx's
      ``vf2pp`` belongs to.
    """
    check_network(net, "neuron_graph", "net")
    labels, _ = neuron_normal_forms(net)
    keys = neuron_keys(net).keys
    graph = nx.Graph()
    graph.add_node(("b2",), label=("b2", tuple(net.b2)))
    for i, (label, key) in enumerate(zip(labels, keys, strict=True)):
        if key is None:
            graph.add_node(("neuron", i), label=("neuron", label))
            continue
        # The key lives on the hyperplane node; the neuron keeps orientation and scaled a.
        graph.add_node(("neuron", i), label=("neuron", label[0], label[2], label[3]))
        graph.add_node(("hyperplane", key), label=("hyperplane", key))
        graph.add_edge(("neuron", i), ("hyperplane", key))
    return graph


def graphs_isomorphic(a: ShallowNetwork, b: ShallowNetwork) -> bool:
    """Whether the bent-hyperplane graphs of a and b are isomorphic as labelled graphs.

    Parameters
    ----------
    a, b : ShallowNetwork
        The two networks.

    Returns
    -------
    bool
        True exactly when ``a`` and ``b`` compute the same function (docs/theory.md Theorem 3).

    Raises
    ------
    TypeError
        If ``a`` or ``b`` is not a :class:`ShallowNetwork`.

    Examples
    --------
    >>> from shallowsym import examples
    >>> graphs_isomorphic(*examples.flip_pair())
    True

    References
    ----------
    * docs/theory.md section 4 (Theorem 3); proofs/equivalence.md.
    * L. Cordella, P. Foggia, C. Sansone, M. Vento, "A (sub)graph isomorphism algorithm for
      matching large graphs" (VF2), IEEE TPAMI 2004: the family of matchers networkx's
      ``vf2pp`` belongs to.
    """
    return nx.vf2pp_is_isomorphic(
        bent_hyperplane_graph(a), bent_hyperplane_graph(b), node_label="label"
    )


def graph_standard_map(a: ShallowNetwork, b: ShallowNetwork) -> StandardCertificate | None:
    """An element g of G_h with g.a = b found by labelled isomorphism of neuron graphs.

    Parameters
    ----------
    a, b : ShallowNetwork
        Two networks; None is returned when their shapes differ.

    Returns
    -------
    StandardCertificate or None
        The permutation and scales of g, checked by applying them to ``a`` exactly; None when
        the neuron graphs are not isomorphic.

    Raises
    ------
    AssertionError
        Only on an internal error: the certificate found failed its exact check.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork, apply_standard
    >>> a = ShallowNetwork([[1], [2]], [0, 1], [[3, 4]], [5])
    >>> graph_standard_map(a, apply_standard(a, [1, 0], [2, 3])).permutation
    (1, 0)

    References
    ----------
    * docs/theory.md section 2 (the group G_h).
    * P. Stock, R. Gribonval, "An embedding of ReLU networks and an analysis of their
      identifiability", Constructive Approximation 2022.
    * L. Cordella, P. Foggia, C. Sansone, M. Vento, "A (sub)graph isomorphism algorithm for
      matching large graphs" (VF2), IEEE TPAMI 2004: the family of matchers networkx's
      ``vf2pp`` belongs to.
    """
    if (a.d, a.h, a.k) != (b.d, b.h, b.k):
        return None
    mapping = nx.vf2pp_isomorphism(neuron_graph(a), neuron_graph(b), node_label="label")
    if mapping is None:
        return None
    matching = {node[1]: image[1] for node, image in mapping.items() if node[0] == "neuron"}
    return checked(certificate_from_matching(a, b, matching), a, b)
