"""The ``shallowsym`` command line: ``equiv``, ``canon``, ``symmetries``, ``fundim``,
``reduce``, ``zoo`` and ``demo``.

Exit codes: 0 success (for ``equiv``: equivalent), 1 not equivalent, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from . import examples
from .canonical import canonical_form
from .equivalence import equivalent
from .errors import ShallowSymError
from .fibre import DEFAULT_TYPE_LIMIT
from .flips import DEFAULT_LIMIT
from .functional import functional_dimension
from .io import load
from .minimal import reduce
from .network import ShallowNetwork
from .symmetry import symmetries
from .zoo import zoo

EXIT_OK, EXIT_DIFFERENT, EXIT_BAD_INPUT = 0, 1, 2
FILE_HELP = "network file: .json, .npz, .safetensors, .onnx or .pt (state dict)"


def _load(path: str) -> ShallowNetwork:
    try:
        return load(path)
    except OSError as err:
        raise ShallowSymError(f"cannot read {path}: {err.strerror or err}") from None
    except ImportError as err:  # an optional dependency's own import error, past our check
        raise ShallowSymError(f"reading {path} needs an optional dependency: {err}") from None


def _emit(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    print(json.dumps(data, indent=2) if args.json else text)


def _cmd_equiv(args: argparse.Namespace) -> int:
    a, b = _load(args.a), _load(args.b)
    result = equivalent(a, b, method=args.method)
    _emit(args, result.to_dict(), str(result))
    return EXIT_OK if result else EXIT_DIFFERENT


def _cmd_canon(args: argparse.Namespace) -> int:
    cf = canonical_form(_load(args.network))
    _emit(args, cf.to_dict(), f"{cf}\n({cf.num_bent} bent hyperplanes, d = {cf.d}, k = {cf.k})")
    return EXIT_OK


def _cmd_symmetries(args: argparse.Namespace) -> int:
    report = symmetries(_load(args.network), limit=args.limit)
    data = report.to_dict()
    text = str(report)
    if args.types:
        types = report.fiber_types(limit=args.type_limit)
        data["fiber_types"] = [t.to_dict() for t in types]
        text += "\nfibre types (modulo the standard group):\n" + "\n".join(f"  {t}" for t in types)
    _emit(args, data, text)
    return EXIT_OK


def _cmd_fundim(args: argparse.Namespace) -> int:
    fd = functional_dimension(_load(args.network))
    _emit(args, fd.to_dict(), str(fd))
    return EXIT_OK


def _cmd_reduce(args: argparse.Namespace) -> int:
    net = _load(args.network)
    small = reduce(net, limit=args.limit)
    if args.output:
        try:
            small.save(args.output)
        except OSError as err:
            raise ShallowSymError(f"cannot write {args.output}: {err.strerror or err}") from None
    data = {
        "width": net.h,
        "minimal_width": small.h,
        "irreducible": net.h == small.h,
        "output": args.output,
        "network": small.to_dict(),
    }
    text = (
        f"width {net.h}, minimal width {small.h}"
        + (" (irreducible)" if net.h == small.h else "")
        + (f"; wrote {args.output}" if args.output else f"\n{small}")
    )
    _emit(args, data, text)
    return EXIT_OK


def _cmd_zoo(args: argparse.Namespace) -> int:
    try:
        result = zoo(
            args.source,
            output=args.output,
            mode="fast" if args.fast else "exact",
            backend=args.backend,
            scheduler=args.scheduler,
            n_workers=args.workers,
            batch_size=args.batch_size,
            limit=args.limit,
            resume=args.resume,
        )
    except (ValueError, TypeError) as err:
        raise ShallowSymError(str(err)) from None
    except OSError as err:
        raise ShallowSymError(f"cannot write {args.output}: {err.strerror or err}") from None
    except KeyboardInterrupt:
        print(
            "shallowsym: interrupted; finished batches are kept, rerun with --resume",
            file=sys.stderr,
        )
        return 130
    data = {k: v for k, v in result.to_dict().items() if k != "rows"}
    _emit(args, data, str(result))
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    a, b = examples.flip_pair()
    c, e = examples.near_miss()
    net = examples.two_dimensional()
    hidden, miss, cf = equivalent(a, b), equivalent(c, e), canonical_form(net)
    if args.json:
        print(
            json.dumps(
                {
                    "hidden_symmetry": hidden.to_dict(),
                    "near_miss": miss.to_dict(),
                    "canonical_form": cf.to_dict(),
                },
                indent=2,
            )
        )
        return EXIT_OK
    print("1. relu(x - 1) + relu(3 - x)  versus  relu(1 - x) + relu(x - 3) + 2")
    print(f"   a = {a}\n   b = {b}")
    print("   " + str(hidden).replace("\n", "\n   "))
    print("\n2. the same network with one bias moved by 1/10^9")
    print("   " + str(miss).replace("\n", "\n   "))
    print(
        "\n3. canonical form of a 2-input, 2-output network with twins, a cancelling pair "
        "and a zero-input neuron"
    )
    print(f"   {net}")
    print("   " + str(cf).replace("\n", "\n   "))
    return EXIT_OK


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not positive")
    return value


def _limit_option(parser: argparse.ArgumentParser, flag: str, default: int, what: str) -> None:
    parser.add_argument(
        flag, type=_positive, default=default, help=f"bound on {what} (default {default})"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shallowsym",
        description="Exact equivalence and symmetries of one-hidden-layer ReLU networks.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("equiv", help="decide whether two networks compute the same function")
    p.add_argument("a", help=FILE_HELP)
    p.add_argument("b", help=FILE_HELP)
    p.add_argument("--method", choices=("canonical", "graph"), default="canonical")
    p.set_defaults(run=_cmd_equiv)
    p = sub.add_parser("canon", help="print the canonical form of a network's function")
    p.add_argument("network", help=FILE_HELP)
    p.set_defaults(run=_cmd_canon)
    p = sub.add_parser("symmetries", help="roles, stabilizer, hidden mechanisms, fibre dimension")
    p.add_argument("network", help=FILE_HELP)
    p.add_argument("--types", action="store_true", help="also list every stratum of the fibre")
    _limit_option(p, "--limit", DEFAULT_LIMIT, "the flip search")
    _limit_option(p, "--type-limit", DEFAULT_TYPE_LIMIT, "the fibre types examined")
    p.set_defaults(run=_cmd_symmetries)
    p = sub.add_parser("fundim", help="exact functional dimension and what lowers it")
    p.add_argument("network", help=FILE_HELP)
    p.set_defaults(run=_cmd_fundim)
    p = sub.add_parser("reduce", help="a network of minimal width with the same function")
    p.add_argument("network", help=FILE_HELP)
    p.add_argument("-o", "--output", help="write the reduced network here (JSON)")
    _limit_option(p, "--limit", DEFAULT_LIMIT, "the sign search")
    p.set_defaults(run=_cmd_reduce)
    p = sub.add_parser("zoo", help="keys, duplicates and statistics of a folder of networks")
    p.add_argument("source", help="a folder: every network file below it is read")
    p.add_argument("-o", "--output", help="write the table here (.parquet, .csv or .json)")
    p.add_argument("--backend", choices=("serial", "dask"), default="serial")
    p.add_argument("--scheduler", help="address of a running Dask scheduler (--backend dask)")
    p.add_argument("--workers", type=_positive, default=2, help="workers of the local cluster")
    p.add_argument("--batch-size", type=_positive, default=1000, help="networks per task")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--exact", action="store_true", help="exact keys and statistics (default)")
    mode.add_argument("--fast", action="store_true", help="float64 keys and duplicate groups")
    p.add_argument("--resume", action="store_true", help="skip networks done by an earlier run")
    _limit_option(p, "--limit", DEFAULT_LIMIT, "each network's searches")
    p.set_defaults(run=_cmd_zoo)
    p = sub.add_parser("demo", help="run the main job on embedded example networks")
    p.set_defaults(run=_cmd_demo)
    for p in sub.choices.values():
        p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``shallowsym`` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ShallowSymError as err:
        print(f"shallowsym: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # the reader (for example ``head``) closed the pipe: not an error
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
