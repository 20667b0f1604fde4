"""The ``shallowsym`` command line: ``equiv``, ``canon``, ``symmetries``, ``fundim``,
``reduce`` and ``demo``.

Exit codes: 0 success (for ``equiv``: equivalent), 1 not equivalent, 2 bad input, 3 a search
limit reached (``--relabel-limit``).
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
from .errors import SearchLimitExceeded, ShallowSymError
from .fibre import DEFAULT_TYPE_LIMIT
from .flips import DEFAULT_LIMIT
from .functional import functional_dimension
from .io import RELU_ASSUMED, read
from .minimal import reduce
from .network import ShallowNetwork
from .relabel import DEFAULT_RELABEL_LIMIT, RELABEL_MODES, relabelled_equivalent
from .symmetry import symmetries

EXIT_OK, EXIT_DIFFERENT, EXIT_BAD_INPUT = 0, 1, 2
EXIT_LIMIT = 3
EXIT_UNDECIDED = 3  # deepequiv: UNKNOWN, or a search limit reached
NOTES: list[str] = []  # notes of the current command (cleared by main)
FILE_HELP = "network file: .json, .npz, .safetensors, .onnx or .pt (state dict)"


def _load(path: str, layers: str | None = None) -> ShallowNetwork:
    keys = layers.split(",") if layers else None
    if keys is not None and len(keys) != 2:
        raise ShallowSymError(f"--layers needs two names separated by a comma, not {layers!r}")
    try:
        result = read(path, keys=keys)
        if result.relu_assumed:  # the file cannot say; the user must hear it (issue 16)
            NOTES.append(f"{path}: {RELU_ASSUMED}")
            print(f"shallowsym: note: {path}: {RELU_ASSUMED}", file=sys.stderr)
        return result.network
    except OSError as err:
        raise ShallowSymError(f"cannot read {path}: {err.strerror or err}") from None
    except ImportError as err:  # an optional dependency's own import error, past our check
        raise ShallowSymError(f"reading {path} needs an optional dependency: {err}") from None


def _emit(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    if NOTES:  # what the input files could not say (ReLU assumed), also for machines
        data = {**data, "notes": list(NOTES)}
    print(json.dumps(data, indent=2) if args.json else text)


def _search_limit(err: SearchLimitExceeded) -> int:
    print(f"shallowsym: error: {err}", file=sys.stderr)
    return EXIT_LIMIT


def _cmd_equiv(args: argparse.Namespace) -> int:
    a, b = _load(args.a, args.layers), _load(args.b, args.layers)
    if args.relabel is not None:
        try:
            result = relabelled_equivalent(a, b, relabel=args.relabel, limit=args.relabel_limit)
        except SearchLimitExceeded as err:
            return _search_limit(err)
        _emit(args, result.to_dict(), str(result))
        return EXIT_OK if result else EXIT_DIFFERENT
    result = equivalent(a, b, method=args.method)
    _emit(args, result.to_dict(), str(result))
    return EXIT_OK if result else EXIT_DIFFERENT


def _cmd_align(args: argparse.Namespace) -> int:
    from . import alignment, fast

    try:
        if args.fast:
            result = fast.align(args.a, args.b, rtol=args.rtol, atol=args.atol)
        else:
            result = alignment.align(_load(args.a), _load(args.b))
    except ValueError as err:
        raise ShallowSymError(str(err)) from None
    _emit(args, result.to_dict(), str(result))
    return EXIT_OK
def _cmd_deepequiv(args: argparse.Namespace) -> int:
    """Deep networks: exit 0 equivalent, 1 not equivalent, 3 undecided (UNKNOWN, or the
    complete decision reached --limit)."""
    from .deep import equivalent as deep_equivalent
    from .deep.io import load as deep_load
    from .errors import SearchLimitExceeded

    try:
        a, b = deep_load(args.a), deep_load(args.b)
    except OSError as err:
        raise ShallowSymError(f"cannot read {err.filename}: {err.strerror or err}") from None
    try:
        result = deep_equivalent(a, b, decide=args.decide, limit=args.limit)
    except SearchLimitExceeded as err:
        print(f"shallowsym: error: {err}", file=sys.stderr)
        return EXIT_UNDECIDED
    _emit(args, result.to_dict(), str(result))
    return {True: EXIT_OK, False: EXIT_DIFFERENT, None: EXIT_UNDECIDED}[result.equivalent]


def _cmd_canon(args: argparse.Namespace) -> int:
    cf = canonical_form(_load(args.network, args.layers))
    _emit(args, cf.to_dict(), f"{cf}\n({cf.num_bent} bent hyperplanes, d = {cf.d}, k = {cf.k})")
    return EXIT_OK


def _cmd_symmetries(args: argparse.Namespace) -> int:
    report = symmetries(_load(args.network, args.layers), limit=args.limit)
    data = report.to_dict()
    text = str(report)
    if args.types:
        types = report.fiber_types(limit=args.type_limit)
        data["fiber_types"] = [t.to_dict() for t in types]
        text += "\nfibre types (modulo the standard group):\n" + "\n".join(f"  {t}" for t in types)
    if args.relabel:
        try:
            relabelling = report.relabelling(limit=args.relabel_limit)
        except SearchLimitExceeded as err:
            return _search_limit(err)
        data["relabelling"] = relabelling.to_dict()
        text += f"\n{relabelling}"
    _emit(args, data, text)
    return EXIT_OK


def _cmd_fundim(args: argparse.Namespace) -> int:
    fd = functional_dimension(_load(args.network, args.layers))
    _emit(args, fd.to_dict(), str(fd))
    return EXIT_OK


def _cmd_reduce(args: argparse.Namespace) -> int:
    net = _load(args.network, args.layers)
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
    p.add_argument(
        "--relabel",
        choices=RELABEL_MODES,
        help="equivalent up to permuted inputs, outputs or both (exit 3 past --relabel-limit)",
    )
    _limit_option(p, "--relabel-limit", DEFAULT_RELABEL_LIMIT, "the relabelling search")
    p.set_defaults(run=_cmd_equiv)
    p = sub.add_parser("align", help="pair the bent hyperplanes of two networks")
    p.add_argument("a", help=FILE_HELP)
    p.add_argument("b", help=FILE_HELP)
    p.add_argument("--fast", action="store_true", help="float alignment (bits that agree)")
    p.add_argument("--rtol", type=float, default=None, help="with --fast (default by dtype)")
    p.add_argument("--atol", type=float, default=None, help="with --fast (default by dtype)")
    p.set_defaults(run=_cmd_align)
    p = sub.add_parser("deepequiv", help="three-valued equivalence of deep ReLU networks")
    p.add_argument("a", help=FILE_HELP + "; any number of hidden layers")
    p.add_argument("b", help=FILE_HELP + "; any number of hidden layers")
    p.add_argument("--decide", action="store_true", help="complete decision (Z3) if undecided")
    _limit_option(p, "--limit", 10_000_000, "the complete decision (Z3 resource units)")
    p.set_defaults(run=_cmd_deepequiv)
    p = sub.add_parser("canon", help="print the canonical form of a network's function")
    p.add_argument("network", help=FILE_HELP)
    p.set_defaults(run=_cmd_canon)
    p = sub.add_parser("symmetries", help="roles, stabilizer, hidden mechanisms, fibre dimension")
    p.add_argument("network", help=FILE_HELP)
    p.add_argument("--types", action="store_true", help="also list every stratum of the fibre")
    _limit_option(p, "--limit", DEFAULT_LIMIT, "the flip search")
    _limit_option(p, "--type-limit", DEFAULT_TYPE_LIMIT, "the fibre types examined")
    p.add_argument(
        "--relabel", action="store_true", help="also the group of input/output relabellings"
    )
    _limit_option(p, "--relabel-limit", DEFAULT_RELABEL_LIMIT, "the relabelling search")
    p.set_defaults(run=_cmd_symmetries)
    p = sub.add_parser("fundim", help="exact functional dimension and what lowers it")
    p.add_argument("network", help=FILE_HELP)
    p.set_defaults(run=_cmd_fundim)
    p = sub.add_parser("reduce", help="a network of minimal width with the same function")
    p.add_argument("network", help=FILE_HELP)
    p.add_argument("-o", "--output", help="write the reduced network here (JSON)")
    _limit_option(p, "--limit", DEFAULT_LIMIT, "the sign search")
    p.set_defaults(run=_cmd_reduce)
    p = sub.add_parser("demo", help="run the main job on embedded example networks")
    p.set_defaults(run=_cmd_demo)
    for p in sub.choices.values():
        p.add_argument("--json", action="store_true", help="print machine-readable JSON")
        p.add_argument(
            "--layers",
            metavar="FIRST,SECOND",
            help="state dicts: the two layer names in network order, when shapes and names "
            "do not decide",
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``shallowsym`` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    NOTES.clear()
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
