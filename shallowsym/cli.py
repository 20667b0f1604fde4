"""The ``shallowsym`` command line: ``equiv``, ``canon``, ``symmetries``, ``fundim``,
``reduce`` and ``demo``.

Exit codes: 0 success (for ``equiv``: equivalent), 1 not equivalent (only a decided verdict),
2 bad input, 3 a search limit reached (pass a larger ``--limit``), 4 internal error (one line
asking for a report; the traceback only with ``--debug``), 130 interrupted (Ctrl-C, one line).
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Sequence
from typing import Any

from . import __version__, examples
from .canonical import canonical_form
from .equivalence import equivalent
from .errors import SearchLimitExceeded, ShallowSymError
from .fibre import DEFAULT_TYPE_LIMIT
from .flips import DEFAULT_LIMIT
from .functional import functional_dimension
from .io import load
from .minimal import reduce
from .network import ShallowNetwork
from .symmetry import symmetries

EXIT_OK, EXIT_DIFFERENT, EXIT_BAD_INPUT = 0, 1, 2
EXIT_LIMIT, EXIT_INTERNAL, EXIT_INTERRUPTED = 3, 4, 130
SUPPRESS = argparse.SUPPRESS
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
    if args.output is not None:
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
    parser.add_argument("--version", action="version", version=f"shallowsym {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an internal error"
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
    p = sub.add_parser("demo", help="run the main job on embedded example networks")
    p.set_defaults(run=_cmd_demo)
    for p in sub.choices.values():
        p.add_argument("--json", action="store_true", help="print machine-readable JSON")
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=SUPPRESS)
    return parser


def _error(message: str) -> None:
    """Print one line ``shallowsym: error: ...`` on stderr (newlines in the message folded)."""
    print("shallowsym: error: " + " ".join(str(message).split()), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``shallowsym`` console script; returns the exit code.

    0 success (``equiv``: equivalent), 1 not equivalent, 2 bad input, 3 a search limit
    reached, 4 internal error, 130 interrupted; every error is one line on stderr.
    """
    debug = "--debug" in (sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
        return args.run(args)
    except SearchLimitExceeded as err:
        _error(f"{err} (search limit reached; the answer is undecided)")
        return EXIT_LIMIT
    except ShallowSymError as err:
        _error(str(err))
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # the reader (for example ``head``) closed the pipe: not an error
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        _error("interrupted")
        return EXIT_INTERRUPTED
    except RecursionError as err:  # deeply nested input, before any cap caught it
        if debug:
            traceback.print_exc()
        _error(f"input too deeply nested ({err}); if the input is valid, please report")
        return EXIT_INTERNAL
    except MemoryError:
        if debug:
            traceback.print_exc()
        _error("out of memory; if the input is within the documented caps, please report")
        return EXIT_INTERNAL
    except Exception as err:
        if debug:
            traceback.print_exc()
        _error(
            f"internal error, please report: {type(err).__name__}: {err}"
            + ("" if debug else " (run with --debug for the traceback)")
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
