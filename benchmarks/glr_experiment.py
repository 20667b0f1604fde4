"""The Grigsby-Lindsey-Rolnick functional-dimension experiment, and exact vs Gaussian batches.

Part 1: for architectures (n0, n, ..., n, 1) with 4, 5 and 6 weight layers and n0 = n in
{5, 10, 15}, draw random initialisations (He: weights N(0, 2/fan_in), biases 0; PyTorch
default: weights and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in))), compute the batch functional
dimension on 2P standard Gaussian points by float64 Jacobian and SVD (numpy's rank tolerance),
and report the share of networks reaching the bound P - (hidden neurons) and the mean gap.

Part 2: for shallow (1, h, 1) networks (PyTorch default init), compare the Gaussian-batch
estimate with the exact functional dimension (structural algorithm, exact rationals) and with
the exact batch rank on decisive points: the Gaussian estimate falls below the truth when some
cell of the arrangement holds too few sample points; the exact methods never do.

Run:  python benchmarks/glr_experiment.py [--trials 20] [--quick]
"""

from __future__ import annotations

import argparse

import numpy as np
from tqdm import tqdm

from shallowsym import (
    ShallowNetwork,
    batch_functional_dimension,
    decisive_points,
    deep,
    fast,
    functional_dimension,
)


def part1(trials: int, widths: list[int], depths: list[int]) -> None:
    rows = []
    jobs = [(n, L, init) for n in widths for L in depths for init in ("He", "PyTorch")]
    rng = np.random.default_rng(0)
    for n, L, init in tqdm(jobs, desc="architectures", unit="arch"):
        arch = (n,) + (n,) * (L - 1) + (1,)
        bound = deep.parameter_bound(arch)
        P = deep.num_parameters(arch)
        gaps = []
        for _ in range(trials):
            draw = deep.he_init if init == "He" else deep.torch_default_init
            W, b = draw(arch, rng)
            X = rng.standard_normal((2 * P, n))
            gaps.append(bound - deep.batch_functional_dimension(W, b, X))
        gaps = np.array(gaps)
        rows.append((arch, init, bound, float((gaps == 0).mean()), float(gaps.mean())))
    print(
        "\nPart 1: share of random initialisations whose batch functional dimension reaches "
        f"the bound ({trials} networks each, 2P Gaussian points)"
    )
    print(f"{'architecture':<28} {'init':<8} {'bound':>6} {'share at bound':>15} {'mean gap':>9}")
    for arch, init, bound, share, gap in rows:
        print(f"{arch!s:<28} {init:<8} {bound:>6} {share:>15.2f} {gap:>9.2f}")


def part2(trials: int, widths: list[int]) -> None:
    rng = np.random.default_rng(1)
    print("\nPart 2: shallow (1, h, 1), PyTorch default init: Gaussian batch (2P points) vs exact")
    print(
        f"{'h':>4} {'networks':>9} {'Gaussian below exact':>21} {'mean shortfall':>15} "
        f"{'exact batch on decisive points = exact':>40}"
    )
    for h in widths:
        below, shortfall, agree = 0, 0, 0
        for _ in tqdm(range(trials), desc=f"h={h}", leave=False):
            W, b = deep.torch_default_init((1, h, 1), rng)
            net = ShallowNetwork(W[0], b[0], W[1], b[1])
            exact = functional_dimension(net).dimension
            X = rng.standard_normal((2 * net.num_parameters, 1))
            gauss = fast.batch_functional_dimension(net, X)
            below += gauss < exact
            shortfall += exact - gauss
            agree += batch_functional_dimension(net, decisive_points(net)) == exact
        print(
            f"{h:>4} {trials:>9} {below:>21} {shortfall / trials:>15.2f} {f'{agree}/{trials}':>40}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    args = parser.parse_args()
    if args.quick:
        part1(2, [5], [4])
        part2(3, [4])
        return
    part1(args.trials, [5, 10, 15], [4, 5, 6])
    part2(args.trials, [4, 8, 16, 32])


if __name__ == "__main__":
    main()
