"""Reading a (784, 128, 10) model from every format: shallowsym's reader (checks, exact
conversion, network) against the format library's own load (float arrays only), in one run.

``python benchmarks/bench_io.py``; best of 5 per row. The ratio is the price of the checks
(file bounds, graph following, shape chaining) and of the exact rationals.
"""

from __future__ import annotations

import os
import tempfile
import time
import warnings

import numpy as np

from shallowsym import io


def best(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    import onnx
    import torch
    from safetensors.numpy import load_file, save_file

    warnings.simplefilter("ignore")
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10)
    )
    folder = tempfile.mkdtemp()
    paths = {
        ext: os.path.join(folder, "m" + ext) for ext in (".pt", ".safetensors", ".npz", ".onnx")
    }
    state = model.state_dict()
    torch.save(state, paths[".pt"])
    save_file({k: v.numpy() for k, v in state.items()}, paths[".safetensors"])
    np.savez(paths[".npz"], **{k: v.numpy() for k, v in state.items()})
    torch.onnx.export(model, (torch.randn(1, 784),), paths[".onnx"], dynamo=False)
    peers = {
        ".pt": lambda: torch.load(paths[".pt"], weights_only=True),
        ".safetensors": lambda: load_file(paths[".safetensors"]),
        ".npz": lambda: dict(np.load(paths[".npz"])),
        ".onnx": lambda: onnx.load(paths[".onnx"]),
    }
    reference = io.from_torch(model)
    print(f"{'format':<13} {'io.load':>9} {'library load':>13} {'ratio':>6}")
    for ext, path in paths.items():
        assert io.load(path) == reference
        ours, theirs = best(lambda path=path: io.load(path)), best(peers[ext])
        print(f"{ext:<13} {ours:>8.4f}s {theirs:>12.4f}s {ours / theirs:>5.0f}x")
    arrays = [p.detach().numpy() for p in model.parameters()]
    print(
        f"exact conversion alone (ShallowNetwork of the float32 arrays): "
        f"{best(lambda: io.from_arrays(*arrays)):.4f}s"
    )


if __name__ == "__main__":
    main()
