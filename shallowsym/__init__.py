"""shallowsym: exact symmetries and functional equivalence of one-hidden-layer ReLU networks.

>>> from shallowsym import ShallowNetwork, equivalent
>>> a = ShallowNetwork([[1], [-1]], [-1, 3], [[1, 1]], [0])
>>> b = ShallowNetwork([[-1], [1]], [1, -3], [[1, 1]], [2])
>>> bool(equivalent(a, b))
True
"""

from . import deep, examples, fast, keys, moves, zoo
from .alignment import Alignment, HyperplaneMatch, align
from .canonical import BentHyperplane, CanonicalForm, canonical_form
from .domain import Box, Polytope
from .domain.maxdiff import MaxDifference, max_difference
from .equivalence import Equivalence, equivalent
from .errors import (
    InvalidDomainError,
    InvalidNetworkError,
    MissingDependencyError,
    NonDifferentiableError,
    ReLUAssumedWarning,
    SearchLimitExceeded,
    ShallowSymError,
    UnsupportedArchitectureError,
)
from .fibre.flips import flip_sets
from .fibre.strata import FibreType, fibre_types, realize, stratum_dimension
from .fibre.unfolding import LocalDimension, local_dimension
from .functional import (
    FunctionalDimension,
    batch_functional_dimension,
    decisive_points,
    functional_dimension,
)
from .graph import bent_hyperplane_graph, neuron_graph
from .hyperplanes import neuron_keys
from .minimal import ReducedNetwork, is_irreducible, minimal_width, reduce, reduction
from .moves.certificates import Move, MoveCertificate, explain
from .network import ShallowNetwork
from .relabel import RelabelledEquivalence, Relabelling, relabelled_equivalent, relabelling_group
from .roles import CombinatorialType, NeuronRole, combinatorial_type, structure
from .standard import StandardCertificate, apply_standard, find_standard_map
from .symmetry import Mechanism, Stabilizer, SymmetryReport, symmetries

__version__ = "0.1.0"

__all__ = [
    "Alignment",
    "BentHyperplane",
    "Box",
    "CanonicalForm",
    "CombinatorialType",
    "Equivalence",
    "FibreType",
    "FunctionalDimension",
    "HyperplaneMatch",
    "InvalidDomainError",
    "InvalidNetworkError",
    "LocalDimension",
    "MaxDifference",
    "Mechanism",
    "MissingDependencyError",
    "Move",
    "MoveCertificate",
    "NeuronRole",
    "NonDifferentiableError",
    "Polytope",
    "ReLUAssumedWarning",
    "ReducedNetwork",
    "RelabelledEquivalence",
    "Relabelling",
    "SearchLimitExceeded",
    "ShallowNetwork",
    "ShallowSymError",
    "Stabilizer",
    "StandardCertificate",
    "SymmetryReport",
    "UnsupportedArchitectureError",
    "align",
    "apply_standard",
    "batch_functional_dimension",
    "bent_hyperplane_graph",
    "canonical_form",
    "combinatorial_type",
    "decisive_points",
    "deep",
    "equivalent",
    "examples",
    "explain",
    "fast",
    "fibre_types",
    "find_standard_map",
    "flip_sets",
    "functional_dimension",
    "is_irreducible",
    "keys",
    "local_dimension",
    "max_difference",
    "minimal_width",
    "moves",
    "neuron_graph",
    "neuron_keys",
    "realize",
    "reduce",
    "reduction",
    "relabelled_equivalent",
    "relabelling_group",
    "stratum_dimension",
    "structure",
    "symmetries",
    "zoo",
]
