"""Float canonical forms: tolerances, input arrays, hyperplane groups and the batch path.

Internal API shared by the modules of :mod:`shallowsym.fast` (documented, no underscore):
:func:`network_arrays`, :func:`resolve_tolerances`, :func:`check_tolerances`,
:func:`check_stack`, :func:`hyperplane_groups`, :func:`affine_parts`, :func:`chunks`.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from ..network import ShallowNetwork

__all__ = [
    "ATOL",
    "DEFAULT_TOLERANCES",
    "RTOL",
    "FastCanonicalBatch",
    "FastCanonicalForm",
    "canonical_form",
    "canonicalize_batch",
]

RTOL = 1e-9
ATOL = 1e-12
UNCERTAIN_FACTOR = 10.0
#: Default (rtol, atol) per input dtype; inputs of two dtypes use the coarser pair.
DEFAULT_TOLERANCES: dict[str, tuple[float, float]] = {
    "float64": (RTOL, ATOL),
    "float32": (1e-5, 1e-8),
    "float16": (1e-2, 1e-5),
    "bfloat16": (1e-2, 1e-5),
    "qint8": (1e-2, 1e-5),  # int8 quantized layers, read as their dequantized weights
}
#: Floats of work memory per chunk of a batch (keys, sorted keys and temporaries stay near
#: 8 bytes x this x 4).
CHUNK_FLOATS = 1 << 18


# -- inputs ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class NetworkArrays:
    """One network as float64 arrays (W1, b1, W2, b2) and the dtype its values came in."""

    arrays: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
    dtype: str


def _dtype_name(dtype: Any) -> str:
    text = str(dtype).replace("torch.", "")
    if text in ("quint8", "int8"):
        return "qint8"
    if text in ("half",):
        return "float16"
    if text in ("float", "single"):
        return "float32"
    if text in ("double",):
        return "float64"
    return text if text in DEFAULT_TOLERANCES else "float64"


def _from_exact(net: ShallowNetwork, dtype: str | None = None) -> NetworkArrays:
    arrays = net.to_numpy()
    if dtype is None:
        dtype = "float64"
    return NetworkArrays(arrays, dtype)


def network_arrays(net: Any, name: str = "net") -> NetworkArrays:
    """Read one network for the fast path: a ``ShallowNetwork`` (dtype float64), a tuple
    (W1, b1, W2, b2) of arrays, tensors or nested lists (dtype: theirs), a PyTorch module
    (through :func:`shallowsym.io.from_torch`; dtype: its parameters'), or a path to any file
    :func:`shallowsym.io.load` reads (dtype: the one the weights are stored in,
    :attr:`shallowsym.io.ReadResult.dtype`; exact files such as JSON: float64).

    Raises
    ------
    TypeError
        Naming ``name`` and the type, for anything else.
    """
    if isinstance(net, ShallowNetwork):
        return _from_exact(net)
    if isinstance(net, str | os.PathLike):
        from .. import io

        result = io.read(net)
        if result.relu_assumed:
            warnings.warn(f"{result.source}: {io.RELU_ASSUMED}", io.ReLUAssumedWarning, 2)
        dtype = "float64" if result.dtype == "exact" else result.dtype
        return NetworkArrays(result.network.to_numpy(), dtype)
    if isinstance(net, tuple | list) and len(net) == 4:
        arrays, dtypes = [], []
        for part in net:
            if hasattr(part, "detach") and hasattr(part, "cpu"):  # a torch tensor
                dtypes.append(_dtype_name(part.dtype))
                part = part.detach().cpu().double().numpy()
            else:
                part = np.asarray(part)
                if part.dtype.kind == "f":
                    dtypes.append(_dtype_name(part.dtype))
            arrays.append(np.asarray(part, dtype=np.float64))
        W1, b1, W2, b2 = arrays
        if W1.ndim != 2 or b1.ndim != 1 or W2.ndim != 2 or b2.ndim != 1:
            raise ValueError(
                f"{name} must be arrays of shapes (h, d), (h,), (k, h), (k,), not "
                f"{W1.shape}, {b1.shape}, {W2.shape}, {b2.shape}"
            )
        h = W1.shape[0]
        if b1.shape != (h,) or W2.shape[1] != h or b2.shape != (W2.shape[0],):
            raise ValueError(
                f"{name} has inconsistent shapes W1 {W1.shape}, b1 {b1.shape}, W2 {W2.shape}, "
                f"b2 {b2.shape}"
            )
        return NetworkArrays(tuple(arrays), coarsest(dtypes or ["float64"]))
    if hasattr(net, "parameters") and hasattr(net, "forward"):  # a torch module
        from .. import io

        return _from_exact(io.from_torch(net), _module_dtype(net))
    raise TypeError(
        f"{name} must be a ShallowNetwork, a tuple (W1, b1, W2, b2) of arrays, a PyTorch "
        f"module or a path to a model file, not {type(net).__name__}"
    )


def _module_dtype(module: Any) -> str:
    """The coarsest dtype of a torch module's weights: its parameters', and for quantized
    layers (whose ``weight()`` is a method) the quantized weights' (``qint8``)."""
    dtypes = [_dtype_name(p.dtype) for p in module.parameters()]
    for layer in module.modules():
        weight = getattr(layer, "weight", None)
        if callable(weight) and not hasattr(weight, "dtype"):
            try:
                dtypes.append(_dtype_name(weight().dtype))
            except Exception:  # not a quantized layer's accessor after all: skip it
                continue
    return coarsest(dtypes) if dtypes else "float32"


def coarsest(dtypes) -> str:
    """The dtype with the loosest default tolerances among ``dtypes``."""
    return max(dtypes, key=lambda t: DEFAULT_TOLERANCES.get(t, (RTOL, ATOL))[0])


def check_tolerances(rtol: float, atol: float) -> None:
    """ValueError unless both are finite non-negative numbers, naming the one that is not."""
    for name, value in (("rtol", rtol), ("atol", atol)):
        if isinstance(value, bool) or not isinstance(value, int | float | np.floating):
            raise TypeError(f"{name} must be a float, not {type(value).__name__}")
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a finite non-negative number, not {value!r}")


def resolve_tolerances(rtol: float | None, atol: float | None, dtype: str) -> tuple[float, float]:
    """``rtol`` and ``atol``, each defaulting to :data:`DEFAULT_TOLERANCES` of ``dtype``."""
    default_rtol, default_atol = DEFAULT_TOLERANCES.get(dtype, (RTOL, ATOL))
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    check_tolerances(rtol, atol)
    return float(rtol), float(atol)


def check_stack(W1, b1, W2, b2) -> None:
    """ValueError unless the four arrays are a stack (N, h, d), (N, h), (N, k, h), (N, k) of
    finite numbers."""
    if W1.ndim != 3 or b1.ndim != 2 or W2.ndim != 3 or b2.ndim != 2:
        raise ValueError("stacks must have shapes (N, h, d), (N, h), (N, k, h), (N, k)")
    N, h, _ = W1.shape
    if b1.shape != (N, h) or W2.shape[0] != N or W2.shape[2] != h or b2.shape != (N, W2.shape[1]):
        raise ValueError(
            f"inconsistent stack shapes W1 {W1.shape}, b1 {b1.shape}, W2 {W2.shape}, b2 {b2.shape}"
        )


def check_finite(name: str, array: np.ndarray) -> None:
    """ValueError naming ``name`` if the array holds nan or infinite entries."""
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} holds nan or infinite entries")


def check_finite_stack(chunk, M: np.ndarray, delta: np.ndarray, first: int) -> None:
    """ValueError naming the network and array with a nan or infinite entry. Every entry
    reaches M = W2 W1 or delta (nan times 0 is nan), so only they are scanned in full."""
    if np.isfinite(M).all() and np.isfinite(delta).all():
        return
    bad = ~(np.isfinite(M).reshape(len(M), -1).all(1) & np.isfinite(delta).all(1))
    n = int(np.argmax(bad))
    for name, array in zip(("W1", "b1", "W2", "b2"), chunk, strict=True):
        if not np.isfinite(array[n]).all():
            raise ValueError(f"{name} holds nan or infinite entries (network {first + n})")
    raise ValueError(f"network {first + n} overflows: W2 W1 or delta is not finite")


def chunks(N: int, h: int, d: int, k: int, chunk_size: int | None):
    """Slices of at most ``chunk_size`` networks (default: about :data:`CHUNK_FLOATS` floats
    of keys per chunk) covering range(N)."""
    if chunk_size is None:
        chunk_size = max(1, CHUNK_FLOATS // max(1, h * (d + 1 + k)))
    elif isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise ValueError(f"chunk_size must be a positive integer, not {chunk_size!r}")
    return [slice(start, min(N, start + chunk_size)) for start in range(0, N, chunk_size)]


# -- hyperplane groups -----------------------------------------------------------------------
_PROJECTIONS: dict[int, np.ndarray] = {}


def projection(size: int) -> np.ndarray:
    """A fixed Gaussian direction of length ``size`` (the same in every run)."""
    if size not in _PROJECTIONS:
        _PROJECTIONS[size] = np.random.default_rng(20261122).standard_normal(size)
    return _PROJECTIONS[size]


@dataclass
class Groups:
    """Hyperplane groups of a chunk: one row per group, networks in order, each network's
    groups in order of projection.

    ``members`` lists the live neurons (index within their network) group after group, and
    ``starts`` where each group begins in it."""

    network: np.ndarray  # (G,) network index within the chunk
    keys: np.ndarray  # (G, d+1) representative key (u[p] = 1)
    kinks: np.ndarray  # (G, k) summed s_i a_i
    scale: np.ndarray  # (G, k) summed |s_i a_i|
    ambiguous: np.ndarray  # (n,) two groups within UNCERTAIN_FACTOR key tolerances, or tiny
    tiny: np.ndarray  # (n,) a pivot decision within UNCERTAIN_FACTOR of atol (_pivots)
    members: np.ndarray  # (L,) neuron index of each live neuron, grouped
    starts: np.ndarray  # (G,) start of each group in members
    has_w: np.ndarray | None = None  # (n, h) w != 0 (some |w_j| > atol)
    coincide: np.ndarray | None = None  # (n,) two groups within UNCERTAIN_FACTOR tolerances


# numpy reduces a short last axis slowly (a loop per row); for small d, loop over columns.
_SHORT_AXIS = 48


def max_last(x: np.ndarray) -> np.ndarray:
    """max_j x[..., j] (-inf for an empty axis), fast also for a short last axis."""
    if x.shape[-1] > _SHORT_AXIS or x.shape[-1] == 0:
        return x.max(axis=-1, initial=-np.inf)
    out = x[..., 0].copy()
    for j in range(1, x.shape[-1]):
        np.maximum(out, x[..., j], out=out)
    return out


def max_abs_last(x: np.ndarray) -> np.ndarray:
    """max_j |x[..., j]| (0 for an empty axis), fast also for a short last axis."""
    return np.maximum(max_last(np.abs(x)), 0.0)


def _pivots(W1: np.ndarray, atol: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(w[p], w != 0) per neuron of a stack, p the first index with |w[p]| > atol, and per
    network whether a pivot decision is borderline: a neuron's pivot lies within ten atol of
    zero, or a weight before it lies between atol / 10 and atol (counted as zero, it might
    have been the pivot). Small weights after the pivot are compared like any other entry
    of the key, so they do not make the verdict uncertain."""
    n = W1.shape[0]
    wp = W1[..., 0].copy()
    first = np.abs(wp) > atol
    if first.all():  # the common case: every first weight is the pivot (one column read)
        tiny = (np.abs(wp) <= UNCERTAIN_FACTOR * atol).reshape(n, -1).any(axis=1)
        return wp, first, tiny
    magnitude = np.abs(W1)
    big = magnitude > atol
    has_w = big.any(axis=-1)
    if W1.shape[-1] > _SHORT_AXIS:
        pivot = np.argmax(big, axis=-1)
        wp = np.take_along_axis(W1, pivot[..., None], axis=-1)[..., 0]
    else:
        wp = np.zeros(W1.shape[:-1])
        for j in range(W1.shape[-1] - 1, -1, -1):
            np.copyto(wp, W1[..., j], where=big[..., j])
        pivot = np.argmax(big, axis=-1)
    pivot = np.where(has_w, pivot, W1.shape[-1])
    near = (magnitude > atol / UNCERTAIN_FACTOR) & ~big  # counted as zero, but not by far
    before = near.any(axis=-1) & (np.argmax(near, axis=-1) < pivot)
    borderline = before | (has_w & (np.abs(wp) <= UNCERTAIN_FACTOR * atol))
    return wp, has_w, borderline.reshape(n, -1).any(axis=1)


def hyperplane_groups(
    W1,
    b1,
    W2,
    rtol: float,
    atol: float,
    *,
    merge: float = 1.0,
    work: np.ndarray | None = None,
    keys_out: np.ndarray | None = None,
) -> Groups:
    """Group the neurons of each network of a chunk by hyperplane.

    Each network's neurons are sorted on their own by one fixed projection of their key:
    keys equal within tolerance project within ``sum |projection|`` tolerances, so only
    neighbours whose projections are that close are compared entrywise (the pre-screen), and
    equal keys end up adjacent (a third key projecting between them would need to lie within
    the same tiny band). ``merge`` multiplies the tolerance of merging (10 merges everything
    the default flags as ambiguous). ``work``, an array of at least n * h * (d + 1) floats,
    holds the keys (reusing one buffer across chunks saves fresh memory, which is slow).
    ``keys_out``, (n h, d + 1) of any float dtype, receives the sorted keys when every neuron
    is its own group (the batch's output array: no intermediate copy); ``Groups.keys`` is
    then that array.
    """
    n, h, d = W1.shape
    k = W2.shape[1]
    # A borderline pivot (``tiny``): a weight within ten atol of zero at or before the pivot
    # may change the hyperplane or turn a live neuron into a constant, so it is uncertain too.
    wp, has_w, tiny = _pivots(W1, atol)
    size = n * h * (d + 1)
    if work is None or work.size < size:
        work = np.empty(size)
    keys = work[:size].reshape(n, h, d + 1)
    divisor = wp if has_w.all() else np.where(has_w, wp, 1.0)
    np.divide(W1, divisor[..., None], out=keys[..., :d])  # one pass each, no copy first
    np.divide(b1, divisor, out=keys[..., d])
    contrib = np.swapaxes(W2, 1, 2) * np.abs(wp)[..., None]  # s_i a_i, (n, h, k)
    direction = projection(d + 1)
    proj = keys @ direction
    if not has_w.all():
        proj[~has_w] = np.inf
    order = np.argsort(proj, axis=1)
    # Gathers by flat indices: several times faster than take_along_axis's broadcast indices.
    gather = (order + (np.arange(n) * h)[:, None]).ravel()
    sp = proj.ravel().take(gather).reshape(n, h)
    valid = has_w.ravel().take(gather).reshape(n, h)
    # Pre-screen: keys within ``reach`` tolerances project within reach * |direction|_1
    # tolerances, and a network's largest key entry bounds every tolerance in it; only the
    # pairs that pass are compared entrywise.
    flat = keys.reshape(n, -1)
    largest = np.maximum(flat.max(axis=1, initial=0.0), -flat.min(axis=1, initial=0.0))
    bound = atol + rtol * np.where(np.isfinite(largest), largest, 0.0)
    reach = UNCERTAIN_FACTOR * max(merge, 1.0) * np.abs(direction).sum()
    with np.errstate(invalid="ignore"):
        candidate = (sp[:, 1:] - sp[:, :-1]) <= (reach * bound)[:, None]
    rows, cols = np.nonzero(candidate)
    same = np.zeros((n, max(h - 1, 0)), dtype=bool)
    ambiguous = tiny.copy()
    coincide = np.zeros(n, dtype=bool)
    if len(rows):
        left = keys[rows, order[rows, cols]]
        right = keys[rows, order[rows, cols + 1]]
        tol = atol + rtol * np.maximum(max_abs_last(left), max_abs_last(right))
        gap = max_abs_last(right - left)
        merged = gap <= merge * tol
        same[rows[merged], cols[merged]] = True
        near = (gap <= UNCERTAIN_FACTOR * tol) & (gap > tol / UNCERTAIN_FACTOR)
        ambiguous[rows[near]] = True
        coincide[rows[near]] = True
    if h and valid.all() and not same.any():  # the generic case: one neuron per hyperplane
        if keys_out is None:
            sorted_keys = keys.reshape(n * h, d + 1).take(gather, axis=0)
        else:  # mode "clip": the indices are valid, and "raise" would buffer the whole output
            sorted_keys = np.take(keys.reshape(n * h, d + 1), gather, 0, keys_out, "clip")
        return Groups(
            network=np.repeat(np.arange(n), h),
            keys=sorted_keys,
            kinks=(kinks := contrib.reshape(n * h, k).take(gather, axis=0)),
            scale=np.abs(kinks),
            ambiguous=ambiguous,
            tiny=tiny,
            members=order.ravel(),
            starts=np.arange(n * h),
            has_w=has_w,
            coincide=coincide,
        )
    start = np.ones((n, h), dtype=bool)
    start[:, 1:] = ~same
    live = valid.ravel()
    flat_order = order.ravel()[live]
    flat_net = np.repeat(np.arange(n), h)[live]
    starts = np.nonzero(start.ravel()[live])[0]
    if len(flat_order) == 0:
        return Groups(
            np.zeros(0, dtype=np.int64),
            np.zeros((0, d + 1)),
            np.zeros((0, k)),
            np.zeros((0, k)),
            ambiguous,
            tiny,
            flat_order,
            starts,
            has_w,
            coincide,
        )
    first = flat_order[starts]
    first_net = flat_net[starts]
    sc = contrib[flat_net, flat_order]
    return Groups(
        network=first_net,
        keys=keys[first_net, first],
        kinks=np.add.reduceat(sc, starts, axis=0),
        scale=np.add.reduceat(np.abs(sc), starts, axis=0),
        ambiguous=ambiguous,
        tiny=tiny,
        members=flat_order,
        starts=starts,
        has_w=has_w,
        coincide=coincide,
    )


def affine_parts(W1, b1, W2, b2, atol: float, *, scales: bool = True, has_w=None):
    """M = W2 W1, delta, and (when ``scales``) their magnitude scales, for a stack.

    Batched matmul (BLAS per network; measured 2-3x faster than einsum here, from (8, 32, 1)
    to (784, 128, 10) with numpy 2). Zero-input neurons are those with every |w_j| <= atol
    (``has_w`` False; pass ``Groups.has_w`` to skip recomputing it)."""
    if has_w is None:
        _, has_w, _ = _pivots(W1, atol)
    shifted = np.where(has_w, b1, b1 + np.abs(b1))
    M = W2 @ W1
    delta = b2 + 0.5 * (W2 @ shifted[..., None])[..., 0]
    if not scales:
        return M, delta, None, None
    absW2 = np.abs(W2)
    M_scale = absW2 @ np.abs(W1)
    delta_scale = np.abs(b2) + 0.5 * (absW2 @ np.abs(shifted)[..., None])[..., 0]
    return M, delta, M_scale, delta_scale


# -- canonical forms -------------------------------------------------------------------------
@dataclass(frozen=True)
class FastCanonicalForm:
    """Float canonical form: bent hyperplanes (u[p] = 1), kinks, M and delta, with the
    tolerances used. ``uncertain`` flags near-coincident but unmerged hyperplanes."""

    normals: np.ndarray
    offsets: np.ndarray
    kinks: np.ndarray
    linear: np.ndarray
    constant: np.ndarray
    rtol: float
    atol: float
    uncertain: bool

    @property
    def num_bent(self) -> int:
        return len(self.offsets)

    def __repr__(self) -> str:  # never the arrays: at d = 784 they are megabytes of text
        d = self.linear.shape[1] if self.linear.ndim == 2 else 0
        k = self.linear.shape[0] if self.linear.ndim == 2 else 0
        return (
            f"FastCanonicalForm(d={d}, k={k}, num_bent={self.num_bent}, rtol={self.rtol:g}, "
            f"atol={self.atol:g}, uncertain={self.uncertain})"
        )

    def __str__(self) -> str:
        flag = "; uncertain: two hyperplanes nearly coincide or a pivot is near atol" * bool(
            self.uncertain
        )
        return (
            f"float canonical form (rtol={self.rtol:g}, atol={self.atol:g}): "
            f"{self.num_bent} bent hyperplanes, d = {self.linear.shape[1]}, "
            f"k = {self.linear.shape[0]}{flag}"
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (floats as floats)."""
        return {
            "normals": self.normals.tolist(),
            "offsets": self.offsets.tolist(),
            "kinks": self.kinks.tolist(),
            "linear": self.linear.tolist(),
            "constant": self.constant.tolist(),
            "rtol": self.rtol,
            "atol": self.atol,
            "uncertain": self.uncertain,
        }

    def _repr_markdown_(self) -> str:
        return "```\n" + str(self) + "\n```"


@dataclass(frozen=True)
class FastCanonicalBatch:
    """Canonical forms of a stack: bent hyperplanes of all networks, concatenated network
    after network, with ``counts`` the number per network (``network`` gives each row's
    network). Arrays have the input's float dtype (float32 stays float32; the computation is
    float64 within each chunk)."""

    normals: np.ndarray
    offsets: np.ndarray
    kinks: np.ndarray
    counts: np.ndarray
    linear: np.ndarray
    constant: np.ndarray
    uncertain: np.ndarray
    rtol: float
    atol: float

    def __len__(self) -> int:
        return len(self.counts)

    def __str__(self) -> str:
        """A summary: how many networks, bent hyperplanes per network, uncertain forms."""
        n = len(self.counts)
        counts = (
            f"{int(self.counts.min())}-{int(self.counts.max())} bent hyperplanes each"
            if n
            else "no networks"
        )
        return (
            f"float canonical forms of {n} networks (rtol={self.rtol:g}, atol={self.atol:g}): "
            f"{counts}, {int(self.uncertain.sum())} uncertain"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary and per-network counts (``batch[n].to_dict()`` for one form)."""
        return {
            "networks": len(self.counts),
            "counts": self.counts.tolist(),
            "uncertain": self.uncertain.tolist(),
            "rtol": self.rtol,
            "atol": self.atol,
        }

    def _repr_markdown_(self) -> str:
        return f"**{self}**"

    @cached_property
    def network(self) -> np.ndarray:
        """The network index of each bent hyperplane."""
        return np.repeat(np.arange(len(self.counts)), self.counts)

    @cached_property
    def _bounds(self) -> np.ndarray:
        return np.concatenate([[0], np.cumsum(self.counts)])

    def __getitem__(self, n: int) -> FastCanonicalForm:
        N = len(self.counts)
        if not -N <= n < N:
            raise IndexError(f"network index {n} out of range for {N} networks")
        n %= N
        rows = slice(int(self._bounds[n]), int(self._bounds[n + 1]))
        return FastCanonicalForm(
            self.normals[rows],
            self.offsets[rows],
            self.kinks[rows],
            self.linear[n],
            self.constant[n],
            self.rtol,
            self.atol,
            bool(self.uncertain[n]),
        )


def _stack(parts, names=("W1", "b1", "W2", "b2")):
    arrays = []
    for name, part in zip(names, parts, strict=True):
        if hasattr(part, "detach") and hasattr(part, "cpu"):
            part = part.detach().cpu().numpy()
        part = np.asarray(part)
        if part.dtype.kind not in "fiu":
            raise TypeError(f"{name} must be a numeric array, not of dtype {part.dtype}")
        arrays.append(part)
    return arrays


def canonicalize_batch(
    W1,
    b1,
    W2,
    b2,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    chunk_size: int | None = None,
) -> FastCanonicalBatch:
    """Canonical forms of N networks at once: arrays (N, h, d), (N, h), (N, k, h), (N, k).

    Parameters
    ----------
    W1, b1, W2, b2
        The stack (numpy arrays, memory maps or tensors; float32 or float64).
    rtol, atol
        Tolerances; default from the dtype (:data:`DEFAULT_TOLERANCES`).
    chunk_size
        Networks per chunk (default: about 260000 floats of keys per chunk), which bounds
        the work memory; results do not depend on it.

    Returns
    -------
    FastCanonicalBatch
        In the input's float dtype (float32 input gives float32 results).

    Raises
    ------
    ValueError
        For inconsistent shapes, nan or infinite entries (naming the network), a negative or
        non-finite tolerance, or a ``chunk_size`` that is not a positive integer.
    TypeError
        For a stack that is not numeric (naming it), or a tolerance that is not a number.

    Examples
    --------
    >>> import numpy as np
    >>> W1 = np.array([[[1.0], [-1.0]], [[2.0], [3.0]]]); b1 = np.array([[-1.0, 3.0], [0.0, 0.0]])
    >>> W2 = np.ones((2, 1, 2)); b2 = np.zeros((2, 1))
    >>> batch = canonicalize_batch(W1, b1, W2, b2)
    >>> batch.counts.tolist(), batch[1].kinks.tolist()
    ([2, 1], [[5.0]])

    References
    ----------
    * docs/theory.md sections 3-4 (hyperplane keys, Theorem 1: the canonical form);
      proofs/canonical_form.md.
    * H. Petzka, M. Trimmel, C. Sminchisescu, "Notes on the symmetries of 2-layer
      ReLU-networks", NLDL 2020.
    """
    W1, b1, W2, b2 = _stack((W1, b1, W2, b2))
    check_stack(W1, b1, W2, b2)
    out_dtype = np.float32 if all(x.dtype == np.float32 for x in (W1, b1, W2, b2)) else np.float64
    rtol, atol = resolve_tolerances(rtol, atol, np.dtype(out_dtype).name)
    N, h, d = W1.shape
    k = W2.shape[1]
    # Preallocated for every neuron being bent; untouched pages cost no memory.
    keys = np.empty((N * h, d + 1), dtype=out_dtype)
    kinks = np.empty((N * h, k), dtype=out_dtype)
    counts = np.zeros(N, dtype=np.int64)
    linear = np.empty((N, k, d), dtype=out_dtype)
    constant = np.empty((N, k), dtype=out_dtype)
    uncertain = np.zeros(N, dtype=bool)
    filled = 0
    parts = chunks(N, h, d, k, chunk_size)
    work = np.empty(max((p.stop - p.start for p in parts), default=0) * h * (d + 1))
    for part in parts:
        c = [np.asarray(x[part], dtype=np.float64) for x in (W1, b1, W2, b2)]
        size = (part.stop - part.start) * h
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            g = hyperplane_groups(
                c[0], c[1], c[2], rtol, atol, work=work, keys_out=keys[filled : filled + size]
            )
            M, delta, _, _ = affine_parts(*c, atol, scales=False, has_w=g.has_w)
        check_finite_stack(c, M, delta, part.start)
        bent = max_last(np.abs(g.kinks) - (atol + rtol * g.scale)) > 0
        count = int(bent.sum())
        if count == len(bent):  # every group bent: no selection to copy
            if g.keys.base is not keys and g.keys is not keys:
                keys[filled : filled + count] = g.keys
            kinks[filled : filled + count] = g.kinks
            counts[part] = np.bincount(g.network, minlength=part.stop - part.start)
        else:
            keys[filled : filled + count] = g.keys[bent]
            kinks[filled : filled + count] = g.kinks[bent]
            counts[part] = np.bincount(g.network[bent], minlength=part.stop - part.start)
        filled += count
        linear[part] = M
        constant[part] = delta
        uncertain[part] = g.ambiguous
    return FastCanonicalBatch(
        normals=keys[:filled, :-1],
        offsets=keys[:filled, -1],
        kinks=kinks[:filled],
        counts=counts,
        linear=linear,
        constant=constant,
        uncertain=uncertain,
        rtol=rtol,
        atol=atol,
    )


def canonical_form(
    net: Any, *, rtol: float | None = None, atol: float | None = None
) -> FastCanonicalForm:
    """The float canonical form of one network: a ``ShallowNetwork``, a tuple of arrays, a
    PyTorch module or a model file (see :func:`network_arrays`); tolerances default from the
    dtype. The float mirror of :func:`shallowsym.canonical_form` (same argument name).

    Parameters
    ----------
    net
        A ``ShallowNetwork``, a tuple (W1 (h, d), b1 (h,), W2 (k, h), b2 (k,)) of arrays, a
        PyTorch module or a path to any file :func:`shallowsym.io.load` reads.
    rtol, atol
        Tolerances; default from the dtype (:data:`DEFAULT_TOLERANCES`).

    Returns
    -------
    FastCanonicalForm
        The bent hyperplanes (normals, offsets), their kinks, the linear part M and the
        constant delta, as float64 arrays, with the tolerances used and whether a grouping
        decision was near its tolerance (``uncertain``).

    Raises
    ------
    TypeError
        For a network of another type (naming it), or a tolerance that is not a number.
    ValueError
        For arrays of the wrong shapes, nan or infinite entries, or a negative or non-finite
        tolerance.
    InvalidNetworkError
        For a path that cannot be read (as :func:`shallowsym.io.read`).

    Examples
    --------
    >>> form = canonical_form(([[1.0], [-1.0]], [-1.0, 3.0], [[1.0, 1.0]], [0.0]))
    >>> form.offsets.tolist(), form.kinks.tolist(), form.constant.tolist()
    ([-3.0, -1.0], [[1.0], [1.0]], [1.0])
    >>> print(form)
    float canonical form (rtol=1e-09, atol=1e-12): 2 bent hyperplanes, d = 1, k = 1

    References
    ----------
    * docs/theory.md sections 3-4 (hyperplane keys, Theorem 1: the canonical form);
      proofs/canonical_form.md.
    * H. Petzka, M. Trimmel, C. Sminchisescu, "Notes on the symmetries of 2-layer
      ReLU-networks", NLDL 2020.
    """
    source = network_arrays(net)
    rtol, atol = resolve_tolerances(rtol, atol, source.dtype)
    W1, b1, W2, b2 = source.arrays
    for name, array in zip(("W1", "b1", "W2", "b2"), source.arrays, strict=True):
        check_finite(name, array)
    return canonicalize_batch(W1[None], b1[None], W2[None], b2[None], rtol=rtol, atol=atol)[0]
