"""Roles of a trained MNIST-sized model (784, 128, 10) on the pixel box [0, 1]^784.

The model is trained here, with a fixed seed, on scikit-learn's bundled handwritten digits
(1797 8 x 8 images, no download) upsampled to 28 x 28 and scaled to [0, 1], so its input has
MNIST's size and range. Then shallowsym reports, exactly, which neurons are dead on the box,
which are always active there (an affine map), and what that does to the canonical form,
functional dimension and fibre on the box; and max_difference bounds what pruning the dead
neurons and a few live ones costs on the whole box.

Run:  python benchmarks/domain_roles.py
"""

from __future__ import annotations

import time
from fractions import Fraction

import numpy as np
import torch
from scipy.ndimage import zoom
from sklearn.datasets import load_digits

from shallowsym import (
    Box,
    ShallowNetwork,
    canonical_form,
    functional_dimension,
    max_difference,
    symmetries,
)
from shallowsym.domain import domain_roles
from shallowsym.errors import SearchLimitExceeded
from shallowsym.minimal import minimal_width


def train(seed: int = 0, epochs: int = 60):
    digits = load_digits()
    images = np.stack([zoom(img / 16.0, 28 / 8, order=1) for img in digits.images])
    X = torch.tensor(np.clip(images, 0, 1).reshape(-1, 784), dtype=torch.float32)
    y = torch.tensor(digits.target)
    torch.manual_seed(seed)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10)
    )
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(epochs):
        for batch in torch.randperm(len(X)).split(64):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(X[batch]), y[batch]).backward()
            opt.step()
    accuracy = (model(X).argmax(1) == y).float().mean().item()
    return model, accuracy, X.double().numpy()


def main() -> None:
    model, accuracy, X = train()
    W1, b1 = model[0].weight.detach().double().numpy(), model[0].bias.detach().double().numpy()
    W2, b2 = model[2].weight.detach().double().numpy(), model[2].bias.detach().double().numpy()
    net = ShallowNetwork(W1, b1, W2, b2)  # float32 weights, converted exactly
    box = Box(0, 1, d=784)
    print(f"trained (784, 128, 10) on upsampled digits, training accuracy {accuracy:.3f}")
    start = time.perf_counter()
    report = symmetries(net, domain=box)
    print(report)
    print(f"(report in {time.perf_counter() - start:.2f} s)")
    start = time.perf_counter()
    functional_dimension(net)
    print(f"(functional_dimension on R^784 alone: {time.perf_counter() - start:.2f} s)")
    cf = canonical_form(net)
    cf_box = canonical_form(net, domain=box)
    print(f"bent hyperplanes: {cf.num_bent} on R^784, {cf_box.num_bent} meeting the box")
    try:
        start = time.perf_counter()
        width = minimal_width(net, domain=box, limit=64)
        print(f"minimal width on the box: {width} ({time.perf_counter() - start:.2f} s)")
    except SearchLimitExceeded as err:
        print(f"minimal width on the box: {err}")
    # The data's own bounding box, widened by eps and kept inside [0, 1]: a pixel constant in
    # the data (never lit: 0 everywhere) gets [0, eps].
    for eps in (Fraction(1, 64), Fraction(1, 1024), Fraction(0)):
        lo = [max(Fraction(0), Fraction(float(v)) - eps) for v in X.min(axis=0)]
        hi = [min(Fraction(1), Fraction(float(v)) + eps) for v in X.max(axis=0)]
        hi = [b if b > a else a + Fraction(1, 1024) for a, b in zip(lo, hi, strict=True)]
        data_box = Box(lo, hi)
        degenerate = sum(1 for a, b in zip(X.min(axis=0), X.max(axis=0), strict=True) if a == b)
        start = time.perf_counter()
        roles = domain_roles(net, data_box)
        seconds = time.perf_counter() - start
        print(
            f"on the data's bounding box, margin {eps} ({degenerate} constant pixels get "
            f"[v, v + {max(eps, Fraction(1, 1024))}]): {roles} ({seconds:.2f} s)"
        )
        if roles.count("dead") or roles.count("affine"):
            start = time.perf_counter()
            sym = symmetries(net, domain=data_box)
            fd = sym.functional_dimension.dimension
            try:
                width = minimal_width(net, domain=data_box, limit=64)
            except SearchLimitExceeded as err:
                width = f"undecided ({err})"
            print(
                f"  functional dimension there {fd} (on [0, 1]^784: "
                f"{report.functional_dimension.dimension}); fibre dimension "
                f"{sym.fibre_dimension}; minimal width {width}; "
                f"{time.perf_counter() - start:.2f} s"
            )
    dead = [i for i, r in enumerate(report.roles.roles) if r == "dead"]
    bent = [i for i, r in enumerate(report.roles.roles) if r == "bent"]
    for pruned in (dead, dead + bent[:3]):
        W2p = W2.copy()
        W2p[:, pruned] = 0
        start = time.perf_counter()
        md = max_difference(net, ShallowNetwork(W1, b1, W2p, b2), domain=box)
        label = "exact" if md.exact else f"certified lower bound, solver bound {md.upper_bound:.6g}"
        print(
            f"pruning {len(pruned)} neurons ({len(dead)} dead): max |f - f_pruned| on the box = "
            f"{float(md.maximum):.6g} ({label}; {md.method}, {md.remaining} hyperplanes remain; "
            f"{time.perf_counter() - start:.2f} s)"
        )


if __name__ == "__main__":
    main()
