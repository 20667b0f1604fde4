"""The dimension of the fibre at theta: theta's own stratum and the strata it unfolds into.

The fibre is a finite union of strata (combinatorial types, :mod:`shallowsym.fibre.strata`).
Its dimension at theta is the largest dimension of a stratum that comes arbitrarily close to
theta, which can exceed the dimension of theta's own stratum when theta is degenerate
(docs/theory.md section 5; proofs/fibre_dimension.md). Counting neuron by neuron,

    dim = (k+1) h - k |S| + (d-k) (#zero-output neurons + #cancelling groups) - rank,

so a nearby stratum is larger when it has more zero-output neurons and cancelling groups
(d > k), fewer of them (k > d), or a smaller rank.

One driver (:mod:`.driver`, :func:`local_dimension`) runs one unit per kind of unfolding, each
a paragraph of proofs/fibre_dimension.md with the same three operations (``options``: the
choices of every group, as small frozen values; ``build``: one unfolding at an explicit step
t; ``bound``: its stratum's dimension at the limit point t -> 0, or its own when exact):

* :mod:`.absorb` (k > d, item 1): zero-output neurons take a small output weight or a share of
  a live kink;
* :mod:`.purify` (k > d, item 1): a mixed group sends a zero-sum orientation away;
* :mod:`.joins` (k > d, item 1): idle zero-output neurons join a group, go apart, or form a
  mixed group, paid for or bounded;
* :mod:`.parallel` (d >= k, item 2): zero-sum blocks leave their group for parallel
  hyperplanes;
* :mod:`.far` (d > k, item 3): zero-input neurons form far cancelling groups, pure or mixed,
  and those with beta = 0 pure groups anywhere.

:mod:`.blocks` has the zero-sum combinatorics and :mod:`.edits` the neuron-level edits.
"""

from .driver import MEASURE_COST, STEPS, LocalDimension, local_dimension, measure_cost, steps

__all__ = ["MEASURE_COST", "STEPS", "LocalDimension", "local_dimension", "measure_cost", "steps"]
