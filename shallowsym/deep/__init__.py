"""Deep ReLU networks: exact networks, reduced canonical forms, three-valued equivalence.

Modules: :mod:`~shallowsym.deep.network` (``DeepNetwork``), :mod:`~shallowsym.deep.canonical`
(the reduced canonical form modulo permutations and positive scalings of every hidden layer),
:mod:`~shallowsym.deep.equivalence` (EQUIVALENT / NOT EQUIVALENT / UNKNOWN),
:mod:`~shallowsym.deep.fast` (float64 mirror), :mod:`~shallowsym.deep.io` (importers) and
:mod:`~shallowsym.deep.functional` (batch functional dimension at any depth). The theory is
``proofs/deep.md``.
"""

from . import fast, io
from .canonical import DeepCanonicalForm, ReductionStep, canonical_form
from .equivalence import DeepCertificate, DeepEquivalence, equivalent
from .functional import (
    architecture,
    batch_functional_dimension,
    exact_batch_functional_dimension,
    he_init,
    num_parameters,
    parameter_bound,
    torch_default_init,
)
from .lines import line_breakpoints
from .network import DeepNetwork

__all__ = [
    "DeepCanonicalForm",
    "DeepCertificate",
    "DeepEquivalence",
    "DeepNetwork",
    "ReductionStep",
    "architecture",
    "batch_functional_dimension",
    "canonical_form",
    "equivalent",
    "exact_batch_functional_dimension",
    "fast",
    "he_init",
    "io",
    "line_breakpoints",
    "num_parameters",
    "parameter_bound",
    "torch_default_init",
]
