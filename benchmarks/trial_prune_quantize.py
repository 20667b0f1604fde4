"""The issue-16 user trial: train, prune dead neurons, quantize, align.

Trains nn.Sequential(Linear(784, h), ReLU(), Linear(h, 10)) for 15 epochs of Adam on
scikit-learn's digits upscaled to 28 x 28 (pixels in [0, 1]), deletes the neurons that never
fire on the data (the pruned copy), rounds to float16 (``model.half()``) and quantizes to int8
(``torch.ao.quantization.quantize_dynamic``), and prints what ``fast.align`` and
``fast.equivalent`` report for each against the original, with times and line counts.

Run:  python benchmarks/trial_prune_quantize.py [h ...]   (default: 128 1024)
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np
import torch
from scipy.ndimage import zoom
from sklearn.datasets import load_digits
from torch import nn

from shallowsym import fast


def train(h: int):
    torch.manual_seed(0)
    digits = load_digits()
    X = np.stack([zoom(im, 28 / 8, order=1) for im in digits.images]).reshape(-1, 784) / 16.0
    X = torch.tensor(X, dtype=torch.float32)
    y = torch.tensor(digits.target)
    model = nn.Sequential(nn.Linear(784, h), nn.ReLU(), nn.Linear(h, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(15):
        for i in range(0, len(X), 128):
            opt.zero_grad()
            nn.functional.cross_entropy(model(X[i : i + 128]), y[i : i + 128]).backward()
            opt.step()
    with torch.no_grad():
        accuracy = (model(X).argmax(1) == y).float().mean().item()
        active = (model[0](X) > 0).any(0)
    return model, accuracy, torch.nonzero(active).ravel()


def copies(model, keep, h: int):
    pruned = nn.Sequential(nn.Linear(784, len(keep)), nn.ReLU(), nn.Linear(len(keep), 10))
    with torch.no_grad():
        pruned[0].weight.copy_(model[0].weight[keep])
        pruned[0].bias.copy_(model[0].bias[keep])
        pruned[2].weight.copy_(model[2].weight[:, keep])
        pruned[2].bias.copy_(model[2].bias)
    half = nn.Sequential(nn.Linear(784, h), nn.ReLU(), nn.Linear(h, 10))
    half.load_state_dict(model.state_dict())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        int8 = torch.ao.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)
    return {"pruned": pruned, "float16": half.half(), "int8": int8}


def main() -> None:
    widths = [int(a) for a in sys.argv[1:]] or [128, 1024]
    warnings.simplefilter("ignore")  # the DequantizedWarning is stated in the output below
    for h in widths:
        model, accuracy, keep = train(h)
        print(
            f"=== (784, {h}, 10): training accuracy {accuracy:.3f}; "
            f"{h - len(keep)} neurons never fire on the data"
        )
        for name, other in copies(model, keep, h).items():
            start = time.perf_counter()
            text = str(fast.align(model, other))
            elapsed = time.perf_counter() - start
            print(f"--- fast.align(model, {name}): {elapsed:.2f}s, {len(text.splitlines())} lines")
            print(text)
            print(f"--- fast.equivalent(model, {name}):")
            print(fast.equivalent(model, other))


if __name__ == "__main__":
    main()
