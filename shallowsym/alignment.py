"""How two networks match: their bent hyperplanes paired, with the neurons on each and the
differences of normal, offset and kink (docs/theory.md section 4: a network's function is fixed by
its bent hyperplanes, their kinks, M and delta, so these are what two models can differ in).

:func:`align` is exact: hyperplanes match when their exact keys are equal, differences are
``Fraction``. :func:`shallowsym.fast.align` matches float models whose hyperplanes agree only
to some bits. Both return an :class:`Alignment`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .canonical import canonical_form
from .hyperplanes import hyperplane_normal_offset, neuron_keys
from .network import ShallowNetwork
from .rationals import format_rational, to_fraction

__all__ = ["Alignment", "HyperplaneMatch", "align"]

_SHOWN = 12


def _number(value: Any) -> Any:
    """JSON form: exact numbers as strings, floats as floats."""
    if isinstance(value, Fraction | int) and not isinstance(value, bool):
        return format_rational(value)
    return float(value)


def _show(value: Any) -> str:
    if isinstance(value, Fraction):
        return format_rational(value)
    return f"{float(value):.3g}"


@dataclass(frozen=True)
class HyperplaneMatch:
    """One hyperplane of an alignment.

    Attributes
    ----------
    neurons_a, neurons_b
        The neurons of a and of b on it (one side is empty for an unmatched hyperplane).
    normal, offset
        The hyperplane u.x + c = 0 (from a when matched; u[p] = 1 at its first non-zero
        entry when exact; on the fast path u is a unit vector and c = beta/|w|).
    kink_a, kink_b
        The kink of each side on it (in the same normalization as ``normal``).
    normal_difference, offset_difference, kink_difference
        Relative differences between the two sides (0 exactly when they agree; None when
        unmatched).
    bits
        How many leading bits agree (fast path; None when exact or unmatched).
    role
        ``matched``, ``twins`` (matched, with more than one neuron on a side), and for an
        unmatched hyperplane ``dead`` (its neurons have zero output weights), ``cancelling``
        (their kinks cancel) or ``missing`` (bent on one side only).
    """

    neurons_a: tuple[int, ...]
    neurons_b: tuple[int, ...]
    normal: tuple
    offset: Any
    kink_a: tuple
    kink_b: tuple
    normal_difference: Any
    offset_difference: Any
    kink_difference: Any
    bits: int | None
    role: str

    @property
    def matched(self) -> bool:
        return bool(self.neurons_a) and bool(self.neurons_b)

    def __str__(self) -> str:
        left = ",".join(map(str, self.neurons_a)) or "-"
        right = ",".join(map(str, self.neurons_b)) or "-"
        if self.matched:
            diffs = (
                f"normal {_show(self.normal_difference)}, offset "
                f"{_show(self.offset_difference)}, kink {_show(self.kink_difference)}"
            )
            bits = f"{self.bits} bits, " if self.bits is not None else ""
            return f"a[{left}] <-> b[{right}] ({self.role}): {bits}{diffs}"
        side, kink = ("a", self.kink_a) if self.neurons_a else ("b", self.kink_b)
        neurons = left if self.neurons_a else right
        shown = ", ".join(_show(x) for x in kink[:4]) + (", ..." if len(kink) > 4 else "")
        return f"{side}[{neurons}] only ({self.role}): kink ({shown})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "neurons_a": list(self.neurons_a),
            "neurons_b": list(self.neurons_b),
            "role": self.role,
            "normal": [_number(x) for x in self.normal],
            "offset": _number(self.offset),
            "kink_a": [_number(x) for x in self.kink_a],
            "kink_b": [_number(x) for x in self.kink_b],
            "normal_difference": None
            if self.normal_difference is None
            else _number(self.normal_difference),
            "offset_difference": None
            if self.offset_difference is None
            else _number(self.offset_difference),
            "kink_difference": None
            if self.kink_difference is None
            else _number(self.kink_difference),
            "bits": self.bits,
        }


@dataclass(frozen=True)
class Alignment:
    """The bent hyperplanes of two networks, paired.

    Attributes
    ----------
    matched
        Hyperplanes present in both, sorted by decreasing difference (worst first).
    unmatched_a, unmatched_b
        Hyperplanes of one side only, with their role (dead, cancelling, missing).
    constant_a, constant_b
        Neurons with zero input weights: (neuron, "active") when b1 > 0 (a constant), else
        (neuron, "inactive") (never active).
    linear_difference, constant_difference
        Relative differences of M = W2 W1 and of delta.
    output_scale
        The positive lambda minimizing the kink differences kink_b - lambda kink_a over the
        matched hyperplanes (hard-label extraction recovers f only up to such a scale); None
        when no positive one exists.
    scaled_kink_difference
        The largest relative kink difference after that scaling.
    bits
        Leading bits on which every matched hyperplane agrees (fast path; None when exact).
    exact
        True for :func:`align`, False for :func:`shallowsym.fast.align`.
    dtype, rtol, atol
        The fast path's dtype and tolerances ("exact", 0, 0 when exact).
    """

    matched: tuple[HyperplaneMatch, ...]
    unmatched_a: tuple[HyperplaneMatch, ...]
    unmatched_b: tuple[HyperplaneMatch, ...]
    constant_a: tuple[tuple[int, str], ...]
    constant_b: tuple[tuple[int, str], ...]
    linear_difference: Any
    constant_difference: Any
    output_scale: Any
    scaled_kink_difference: Any
    bits: int | None
    exact: bool
    dtype: str
    rtol: float
    atol: float

    @property
    def missing(self) -> int:
        """Unmatched bent hyperplanes (role ``missing``) on both sides."""
        return sum(m.role == "missing" for m in (*self.unmatched_a, *self.unmatched_b))

    @property
    def neuron_map(self) -> tuple[tuple[int, int], ...]:
        """(neuron of a, neuron of b) for every matched hyperplane with one neuron on each
        side, sorted by a's neuron (a pruned model's survivors, or a permutation)."""
        return tuple(
            sorted(
                (m.neurons_a[0], m.neurons_b[0])
                for m in self.matched
                if len(m.neurons_a) == 1 and len(m.neurons_b) == 1
            )
        )

    def _map_lines(self) -> list[str]:
        """The neuron map in runs (a[8..19] -> b[0..11]) and the unmatched neurons in ranges."""
        lines = []
        pairs = self.neuron_map
        if pairs:
            runs: list[list[int]] = []  # [first a, first b, length]
            for i, j in pairs:
                if runs and i == runs[-1][0] + runs[-1][2] and j == runs[-1][1] + runs[-1][2]:
                    runs[-1][2] += 1
                else:
                    runs.append([i, j, 1])
            text = ", ".join(
                f"a[{i}] -> b[{j}]" if n == 1 else f"a[{i}..{i + n - 1}] -> b[{j}..{j + n - 1}]"
                for i, j, n in runs[:_SHOWN]
            )
            more = f", ... ({len(runs) - _SHOWN} more runs)" if len(runs) > _SHOWN else ""
            lines.append(f"neurons matched one to one ({len(pairs)}): {text}{more}")
        for side, unmatched in (("a", self.unmatched_a), ("b", self.unmatched_b)):
            neurons = sorted(i for m in unmatched for i in (m.neurons_a or m.neurons_b))
            if neurons:
                lines.append(f"neurons only in {side} ({len(neurons)}): {_ranges(neurons, _SHOWN)}")
        return lines

    def _lines(self) -> list[str]:
        how = "exact" if self.exact else f"{self.dtype}, rtol={self.rtol:g}, atol={self.atol:g}"
        head = (
            f"alignment ({how}): {len(self.matched)} hyperplanes matched, "
            f"{len(self.unmatched_a)} only in a, {len(self.unmatched_b)} only in b"
        )
        lines = [head]
        if self.bits is not None:
            lines.append(f"every matched hyperplane agrees to {self.bits} bits")
        lines += self._map_lines()
        roles: dict[str, int] = {}
        for m in (*self.unmatched_a, *self.unmatched_b):
            roles[m.role] = roles.get(m.role, 0) + 1
        if roles:
            lines.append(
                "unmatched: " + ", ".join(f"{n} {role}" for role, n in sorted(roles.items()))
            )
        for name, consts in (("a", self.constant_a), ("b", self.constant_b)):
            if consts:
                lines.append(
                    f"zero-input neurons of {name}: "
                    + ", ".join(f"{i} ({state})" for i, state in consts[:_SHOWN])
                    + (" ..." if len(consts) > _SHOWN else "")
                )
        lines.append(
            f"W2 W1 differs by {_show(self.linear_difference)}, delta by "
            f"{_show(self.constant_difference)} (relative)"
        )
        if self.output_scale is not None:
            lines.append(
                f"best output scale {_show(self.output_scale)}: kinks then differ by "
                f"{_show(self.scaled_kink_difference)} (relative)"
            )
        shown = [*self.matched[:_SHOWN], *self.unmatched_a[:_SHOWN], *self.unmatched_b[:_SHOWN]]
        lines += ["  " + str(m) for m in shown]
        hidden = len(self.matched) + len(self.unmatched_a) + len(self.unmatched_b) - len(shown)
        if hidden:
            lines.append(f"  ... ({hidden} more hyperplanes)")
        return lines

    def __str__(self) -> str:
        return "\n".join(self._lines())

    def _repr_markdown_(self) -> str:
        return "```\n" + str(self) + "\n```"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (exact numbers as strings)."""
        return {
            "exact": self.exact,
            "dtype": self.dtype,
            "rtol": self.rtol,
            "atol": self.atol,
            "bits": self.bits,
            "matched": [m.to_dict() for m in self.matched],
            "unmatched_a": [m.to_dict() for m in self.unmatched_a],
            "unmatched_b": [m.to_dict() for m in self.unmatched_b],
            "neuron_map": [list(p) for p in self.neuron_map],
            "constant_a": [list(c) for c in self.constant_a],
            "constant_b": [list(c) for c in self.constant_b],
            "linear_difference": _number(self.linear_difference),
            "constant_difference": _number(self.constant_difference),
            "output_scale": None if self.output_scale is None else _number(self.output_scale),
            "scaled_kink_difference": None
            if self.scaled_kink_difference is None
            else _number(self.scaled_kink_difference),
        }


def _ranges(values: list[int], limit: int) -> str:
    """``1..3, 7, 9..12``: sorted integers as ranges, the first ``limit`` ranges shown."""
    spans: list[list[int]] = []
    for v in values:
        if spans and v == spans[-1][1] + 1:
            spans[-1][1] = v
        else:
            spans.append([v, v])
    text = ", ".join(str(a) if a == b else f"{a}..{b}" for a, b in spans[:limit])
    return text + (f", ... ({len(spans) - limit} more ranges)" if len(spans) > limit else "")


def relative_difference(x, y) -> Any:
    """max |x_i - y_i| / max(|x_i|, |y_i|) over the entries (0 when both are zero); exact for
    exact inputs."""
    top = max((abs(p - q) for p, q in zip(x, y, strict=True)), default=0)
    size = max((max(abs(p), abs(q)) for p, q in zip(x, y, strict=True)), default=0)
    return top / size if size else top * 0


def output_scale(kinks_a, kinks_b) -> tuple[Any, Any]:
    """(lambda, largest relative difference of kink_b and lambda kink_a): the least-squares
    positive output scale over matched kinks, or (None, None) when it is not positive."""
    pairs = list(zip(kinks_a, kinks_b, strict=True))
    num = sum((p * q for ka, kb in pairs for p, q in zip(ka, kb, strict=True)), 0)
    den = sum((p * p for ka in kinks_a for p in ka), 0)
    if not den or num <= 0:
        return None, None
    lam = num / den
    worst = max(
        (relative_difference([lam * p for p in ka], kb) for ka, kb in pairs),
        default=lam * 0,
    )
    return lam, worst


def unmatched_role(outputs_zero: bool, kink_zero: bool) -> str:
    """``dead`` (zero output weights), ``cancelling`` (outputs whose kinks cancel) or
    ``missing`` (bent)."""
    if outputs_zero:
        return "dead"
    return "cancelling" if kink_zero else "missing"


def align(a: ShallowNetwork, b: ShallowNetwork) -> Alignment:
    """The exact alignment of two networks' bent hyperplanes.

    Parameters
    ----------
    a, b
        Networks with the same d and k.

    Returns
    -------
    Alignment
        Hyperplanes match when their exact keys are equal; kink, M and delta differences
        are exact relative differences (``Fraction``).

    Raises
    ------
    TypeError
        If a or b is not a ``ShallowNetwork``.
    ValueError
        If their input or output dimensions differ.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> a = ShallowNetwork([[1], [-1], [2]], [-1, 3, 0], [[1, 1, 0]], [0])
    >>> b = ShallowNetwork([[-2], [1]], [6, -1], [[0.5, 3]], [0])
    >>> print(align(a, b))
    alignment (exact): 2 hyperplanes matched, 1 only in a, 0 only in b
    neurons matched one to one (2): a[0] -> b[1], a[1] -> b[0]
    neurons only in a (1): 2
    unmatched: 1 dead
    W2 W1 differs by 1, delta by 1 (relative)
    best output scale 2: kinks then differ by 1/2 (relative)
      a[0] <-> b[1] (matched): normal 0, offset 0, kink 2/3
      a[1] <-> b[0] (matched): normal 0, offset 0, kink 0
      a[2] only (dead): kink (0)

    References
    ----------
    proofs/canonical_form.md (bent hyperplanes, kinks, M and delta determine f).
    """
    for name, net in (("a", a), ("b", b)):
        if not isinstance(net, ShallowNetwork):
            raise TypeError(f"{name} must be a ShallowNetwork, not {type(net).__name__}")
    if (a.d, a.k) != (b.d, b.k):
        raise ValueError(f"a has (d, k) = {(a.d, a.k)} but b has {(b.d, b.k)}")
    sides = [_exact_groups(net) for net in (a, b)]
    (groups_a, consts_a), (groups_b, consts_b) = sides
    matched, only_a, only_b = [], [], []
    kinks_pairs = []
    for key, (neurons, kink, zero_out) in groups_a.items():
        normal, offset = hyperplane_normal_offset(key)
        if key in groups_b:
            neurons_b, kink_b, _ = groups_b[key]
            role = "twins" if len(neurons) > 1 or len(neurons_b) > 1 else "matched"
            diff = relative_difference(kink, kink_b)
            matched.append(
                HyperplaneMatch(
                    tuple(neurons),
                    tuple(neurons_b),
                    normal,
                    offset,
                    kink,
                    kink_b,
                    Fraction(0),
                    Fraction(0),
                    diff,
                    None,
                    role,
                )
            )
            kinks_pairs.append((kink, kink_b))
        else:
            only_a.append(_unmatched(neurons, (), normal, offset, kink, zero_out, a.k))
    for key, (neurons, kink, zero_out) in groups_b.items():
        if key not in groups_a:
            normal, offset = hyperplane_normal_offset(key)
            only_b.append(_unmatched((), neurons, normal, offset, kink, zero_out, a.k))
    matched.sort(key=lambda m: -m.kink_difference)
    ca, cb = canonical_form(a), canonical_form(b)
    linear = relative_difference(
        [x for row in ca.linear for x in row], [x for row in cb.linear for x in row]
    )
    lam, scaled = output_scale([p for p, _ in kinks_pairs], [q for _, q in kinks_pairs])
    return Alignment(
        matched=tuple(matched),
        unmatched_a=tuple(only_a),
        unmatched_b=tuple(only_b),
        constant_a=consts_a,
        constant_b=consts_b,
        linear_difference=linear,
        constant_difference=relative_difference(ca.constant, cb.constant),
        output_scale=lam,
        scaled_kink_difference=scaled,
        bits=None,
        exact=True,
        dtype="exact",
        rtol=0.0,
        atol=0.0,
    )


def _unmatched(neurons_a, neurons_b, normal, offset, kink, zero_out, k) -> HyperplaneMatch:
    role = unmatched_role(zero_out, not any(kink))
    zeros = (Fraction(0),) * k
    kink_a, kink_b = (kink, zeros) if neurons_a else (zeros, kink)
    return HyperplaneMatch(
        tuple(neurons_a),
        tuple(neurons_b),
        normal,
        offset,
        kink_a,
        kink_b,
        None,
        None,
        None,
        None,
        role,
    )


def _exact_groups(net: ShallowNetwork):
    """{key: (neurons, kink as Fractions, all outputs zero)} and the zero-input neurons."""
    nk = neuron_keys(net)
    h, k = net.h, net.k
    columns = net.exact.W2.transpose().entries()
    groups: dict = {}
    constants = []
    biases = net.exact.b1.entries()
    for i, key in enumerate(nk.keys):
        if key is None:
            constants.append((i, "active" if biases[i] > 0 else "inactive"))
            continue
        column = [x * nk.scales[i] for x in columns[i * k : (i + 1) * k]]
        neurons, total, zero = groups.get(key, ([], None, True))
        neurons.append(i)
        total = column if total is None else [x + y for x, y in zip(total, column, strict=True)]
        groups[key] = (neurons, total, zero and nk.zero_output[i])
    del h
    return (
        {
            key: (neurons, tuple(map(to_fraction, total)), zero)
            for key, (neurons, total, zero) in groups.items()
        },
        tuple(constants),
    )
