"""Moves: functions that change a network's parameters but never its function.

Three modules (docs/theory.md sections 2, 5 and 7):

- :mod:`~shallowsym.moves.elementary`: one move per mechanism (permutations, scalings, twins,
  zero neurons, flips, redistributions, cancelling groups, transplants); each validates its
  arguments and raises ``ValueError`` when its precondition fails.
- :mod:`~shallowsym.moves.walk`: random walks in the fibre (:func:`random_equivalent`) and
  jumps to random points of a stratum (:func:`resample`).
- :mod:`~shallowsym.moves.certificates`: a path of moves from one network to an equivalent
  one (:func:`explain`), searched lazily within ``limit``.

They compose, so a user can walk a fibre by hand::

    >>> from shallowsym import ShallowNetwork, equivalent
    >>> from shallowsym.moves import add_zero_output_neuron, flip, split_twin
    >>> net = ShallowNetwork([[1], [-1]], [-1, 3], [[1, 1]], [0])
    >>> other = add_zero_output_neuron(split_twin(flip(net, [0, 1]), 0, "1/3"), [5], 7)
    >>> other.h, bool(equivalent(net, other))
    (4, True)
"""

from .certificates import Move, MoveCertificate, explain
from .elementary import (
    add_cancelling_pair,
    add_zero_input_neuron,
    add_zero_output_neuron,
    dissolve_cancelling_pair,
    dissolving_kink,
    flip,
    flip_and_redistribute,
    flip_with_cancelling_pair,
    form_cancelling_pair,
    merge_twins,
    move_cancelling_group,
    permute,
    redistribute,
    redraw_zero_input,
    redraw_zero_output,
    rescale,
    split_into,
    split_twin,
    transfer_twin,
    transplant,
)
from .walk import MOVES, random_equivalent, resample

__all__ = [
    "MOVES",
    "Move",
    "MoveCertificate",
    "add_cancelling_pair",
    "add_zero_input_neuron",
    "add_zero_output_neuron",
    "dissolve_cancelling_pair",
    "dissolving_kink",
    "explain",
    "flip",
    "flip_and_redistribute",
    "flip_with_cancelling_pair",
    "form_cancelling_pair",
    "merge_twins",
    "move_cancelling_group",
    "permute",
    "random_equivalent",
    "redistribute",
    "redraw_zero_input",
    "redraw_zero_output",
    "resample",
    "rescale",
    "split_into",
    "split_twin",
    "transfer_twin",
    "transplant",
]
