"""The exceptions shallowsym raises on purpose."""


class ShallowSymError(Exception):
    """Base class of every error shallowsym raises on purpose."""


class InvalidNetworkError(ShallowSymError, ValueError):
    """Parameters (or a file holding them) do not describe a valid network.

    The message names the array and the entry, and says what is wrong,
    for example ``W1[2, 0] is nan`` or ``W2 has 4 columns but W1 has 5 rows``.
    """


class InvalidDomainError(ShallowSymError, ValueError):
    """An input domain (a box or a polytope) is not valid: an entry is not a finite number,
    the shapes or dimensions disagree, or the domain has empty interior. The message names the
    argument and the entry."""


class SearchLimitExceeded(ShallowSymError, RuntimeError):
    """An exponential search needed more steps than its ``limit=`` allows.

    Raised instead of hanging or silently truncating an answer. The attribute
    ``limit`` holds the limit that was exceeded.
    """

    def __init__(self, message: str, *, limit: int):
        super().__init__(message)
        self.limit = limit


class MissingDependencyError(ShallowSymError, ImportError):
    """Reading a format needs an optional dependency that is not installed; the message names
    the pip extra to install (``shallowsym[torch]``, ``shallowsym[onnx]``)."""


class UnsupportedArchitectureError(InvalidNetworkError):
    """The model is not one hidden ReLU layer (Linear, ReLU, Linear); the message says what
    was found."""


class NonDifferentiableError(ShallowSymError, ValueError):
    """The realization map is not differentiable at theta (a zero-input neuron with beta = 0
    and a != 0); ``neurons`` names them."""

    def __init__(self, message: str, neurons: tuple[int, ...]):
        super().__init__(message)
        self.neurons = neurons


class ReLUAssumedWarning(UserWarning):
    """A state dict was read: it holds weights but not the activation, and ReLU was assumed."""


class DequantizedWarning(UserWarning):
    """A quantized Linear layer (``torch.ao`` dynamic or static quantization) was read as its
    dequantized weights; the rounding of activations it applies at run time is not modelled."""


def check_limit(limit: object) -> None:
    """Raise ValueError unless ``limit`` (a search bound) is a positive integer."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be a positive integer, not {limit!r}")
