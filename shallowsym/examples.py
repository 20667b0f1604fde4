"""Small example networks from docs/theory.md section 5, for the demo, the docs and the tests."""

from __future__ import annotations

from .network import ShallowNetwork

__all__ = ["cancelling_pair", "flip_pair", "near_miss", "twins", "two_dimensional"]


def flip_pair() -> tuple[ShallowNetwork, ShallowNetwork]:
    """S8: relu(x - 1) + relu(3 - x) = relu(1 - x) + relu(x - 3) + 2.

    Two neurons, two distinct kinks, yet the sides lie in different G_2-orbits.
    """
    a = ShallowNetwork([[1], [-1]], [-1, 3], [[1, 1]], [0])
    b = ShallowNetwork([[-1], [1]], [1, -3], [[1, 1]], [2])
    return a, b


def cancelling_pair() -> tuple[ShallowNetwork, ShallowNetwork]:
    """S7: relu(2x) = relu(-2x) + 2 relu(x + 5) - 2 relu(-x - 5) - 10."""
    a = ShallowNetwork([[2]], [0], [[1]], [0])
    b = ShallowNetwork([[-2], [1], [-1]], [0, 5, -5], [[1, 2, -2]], [-10])
    return a, b


def twins() -> tuple[ShallowNetwork, ShallowNetwork]:
    """S5: 3 relu(x + 1) = relu(x + 1) + relu(2x + 2)."""
    a = ShallowNetwork([[1]], [1], [[3]], [0])
    b = ShallowNetwork([[1], [2]], [1, 2], [[1, 1]], [0])
    return a, b


def near_miss() -> tuple[ShallowNetwork, ShallowNetwork]:
    """The flip pair's left side, and a copy with one bias moved by 1/10^9."""
    a, _ = flip_pair()
    b = ShallowNetwork([[1], [-1]], ["-1.000000001", 3], [[1, 1]], [0])
    return a, b


def two_dimensional() -> ShallowNetwork:
    """A 2-input, 2-output network with twins, a cancelling pair and a zero-input neuron."""
    return ShallowNetwork(
        [[1, -2], [2, -4], [0, 1], [0, -1], [0, 0]],
        [3, 6, 1, -1, 2],
        [[1, 1, 1, -1, 1], [0, 2, -1, 1, 0]],
        [0, "1/2"],
    )
