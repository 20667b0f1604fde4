"""The fibre: every parameter set of one architecture computing a given function.

Modules, in the order of docs/theory.md sections 5-8:

- :mod:`~shallowsym.fibre.flips`: discrete flips (S8): the sets T with sum_T a_i w_i^T = 0,
  searched within ``limit``.
- :mod:`~shallowsym.fibre.residual`: the residual of an orientation choice and its rank, which
  decide how many cancelling pairs a choice costs (section 6).
- :mod:`~shallowsym.fibre.factorization`: dimensions of the rank-r factorization varieties
  that parametrize cancelling groups (section 8).
- :mod:`~shallowsym.fibre.strata`: combinatorial types (strata) of the fibre, their
  dimensions, their enumeration (:func:`fibre_types`) and exact realization (:func:`realize`).
- :mod:`~shallowsym.fibre.unfolding`: the fibre's local dimension at theta
  (:func:`local_dimension`), from the strata that come arbitrarily close to it: one driver and
  one unit per kind of unfolding.
- :mod:`~shallowsym.fibre.neurons`: neuron-level constructions the moves share.
"""

from .flips import flip_sets
from .strata import FibreType, candidate_types, fibre_types, realize, stratum_dimension
from .unfolding import LocalDimension, local_dimension

__all__ = [
    "FibreType",
    "LocalDimension",
    "candidate_types",
    "fibre_types",
    "flip_sets",
    "local_dimension",
    "realize",
    "stratum_dimension",
]
