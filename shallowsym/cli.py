"""The ``shallowsym`` command line: ``equiv``, ``align``, ``canon``, ``symmetries``,
``fundim``, ``reduce``, ``maxdiff``, ``deepequiv``, ``zoo`` and ``demo``; ``--box LO HI`` or
``--domain D.json`` restrict ``equiv``, ``canon``, ``symmetries``, ``fundim``, ``reduce`` and
``maxdiff`` to a bounded input domain.

Exit codes: 0 success (for ``equiv``: equivalent), 1 not equivalent (only a decided verdict),
2 bad input, 3 a search limit reached (pass a larger ``--limit``), 4 internal error (one line
asking for a report; the traceback only with ``--debug``), 130 interrupted (Ctrl-C, one line).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import traceback
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from . import __version__, examples
from .canonical import canonical_form
from .domain.maxdiff import DEFAULT_VERTEX_LIMIT, max_difference
from .domain.sets import Box, domain_from_dict
from .equivalence import equivalent
from .errors import InvalidDomainError, SearchLimitExceeded, ShallowSymError
from .fibre.flips import DEFAULT_LIMIT
from .fibre.strata import DEFAULT_TYPE_LIMIT
from .functional import functional_dimension
from .io import RELU_ASSUMED, WRITABLE, read, save
from .minimal import reduction
from .moves.certificates import DEFAULT_EXPLAIN_LIMIT
from .network import ShallowNetwork
from .relabel import DEFAULT_RELABEL_LIMIT, RELABEL_MODES, relabelled_equivalent
from .symmetry import symmetries
from .text import short_message, shorten
from .zoo import zoo

EXIT_OK, EXIT_DIFFERENT, EXIT_BAD_INPUT = 0, 1, 2
EXIT_LIMIT, EXIT_INTERNAL, EXIT_INTERRUPTED = 3, 4, 130
EXIT_UNDECIDED = EXIT_LIMIT  # deepequiv: UNKNOWN, or the complete decision reached --limit
NOTES: list[str] = []  # notes of the current command (cleared by main)
SUPPRESS = argparse.SUPPRESS
FILE_HELP = "network file: .json, .npz, .safetensors, .onnx or .pt (state dict)"
EPILOG = (
    "exit codes: 0 success (equiv: equivalent), 1 not equivalent, 2 bad input, "
    "3 a search limit reached (raise the flag the message names), 4 internal error, "
    "130 interrupted"
)


def _flag(text: str, flag: str = "--limit") -> str:
    """A library message about ``limit=`` rewritten to name the CLI flag."""
    text = re.sub(r"\blimit=(?=\d)", f"{flag} ", text)
    return short_message(text.replace("limit=", flag))


def _limited(flag: str):
    """Run a subcommand body; a SearchLimitExceeded is re-raised naming ``flag``."""

    def wrap(body):
        def run(args: argparse.Namespace) -> int:
            try:
                return body(args)
            except SearchLimitExceeded as err:
                raise SearchLimitExceeded(_flag(str(err), flag), limit=err.limit) from None

        return run

    return wrap


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


def _domain(args: argparse.Namespace, d: int):
    """The domain of ``--box LO HI`` or ``--domain D.json`` (None when neither is given)."""
    if getattr(args, "box", None) is not None and getattr(args, "domain", None) is not None:
        raise ShallowSymError("give either --box or --domain, not both")
    if getattr(args, "box", None) is not None:
        lo, hi = args.box
        return Box(lo, hi, d=d)
    if getattr(args, "domain", None) is not None:
        try:
            with open(args.domain, encoding="utf-8") as handle:
                return domain_from_dict(handle.read(), d=d)
        except OSError as err:
            raise ShallowSymError(f"cannot read {args.domain}: {err.strerror or err}") from None
        except InvalidDomainError as err:
            raise InvalidDomainError(f"--domain {args.domain}: {err}") from None
    return None


def _emit(args: argparse.Namespace, data, text) -> None:
    """Print JSON (``data``) or text; either may be a callable, called only when printed.
    JSON carries the notes of the command (what the input files could not say)."""
    chosen = data if args.json else text
    if callable(chosen):
        chosen = chosen()
    if args.json and NOTES:
        chosen = {**chosen, "notes": list(NOTES)}
    print(json.dumps(chosen, indent=2) if args.json else chosen)


def _relabel_limited(run):
    """``run()``, with a search limit re-raised naming ``--relabel-limit``."""
    try:
        return run()
    except SearchLimitExceeded as err:
        raise SearchLimitExceeded(_flag(str(err), "--relabel-limit"), limit=err.limit) from None


@_limited("--limit")
def _cmd_equiv(args: argparse.Namespace) -> int:
    a, b = _load(args.a, args.layers), _load(args.b, args.layers)
    if args.relabel is not None:
        relabelled = _relabel_limited(
            lambda: relabelled_equivalent(a, b, relabel=args.relabel, limit=args.relabel_limit)
        )
        _emit(args, relabelled.to_dict, lambda: str(relabelled))
        return EXIT_OK if relabelled else EXIT_DIFFERENT
    domain = _domain(args, a.d)
    if args.epsilon is not None and domain is None:
        raise ShallowSymError(
            "--epsilon needs --box LO HI or --domain D.json: on all of R^d the difference of "
            "two different networks may be unbounded"
        )
    result = equivalent(
        a, b, method=args.method, limit=args.limit, domain=domain, epsilon=args.epsilon
    )
    _emit(args, result.to_dict, lambda: _flag(result.to_text(full=args.full, exact=args.exact)))
    return EXIT_OK if result else EXIT_DIFFERENT


def _cmd_align(args: argparse.Namespace) -> int:
    from . import alignment, fast

    try:
        if args.fast:
            result = fast.align(args.a, args.b, rtol=args.rtol, atol=args.atol)
        else:
            result = alignment.align(_load(args.a, args.layers), _load(args.b, args.layers))
    except ValueError as err:
        raise ShallowSymError(str(err)) from None
    _emit(args, result.to_dict(), str(result))
    return EXIT_OK


def _deep_load(path: str, layers: str | None):
    """A DeepNetwork from any supported file (``--layers``: the layer names in network
    order, for state dicts), with the ReLU-assumed note of :func:`_load`."""
    import warnings

    from .deep.io import load as deep_load
    from .io import ReLUAssumedWarning

    keys = layers.split(",") if layers else None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ReLUAssumedWarning)
            net = deep_load(path, keys=keys)
    except OSError as err:
        raise ShallowSymError(f"cannot read {path}: {err.strerror or err}") from None
    if any(issubclass(w.category, ReLUAssumedWarning) for w in caught):
        NOTES.append(f"{path}: {RELU_ASSUMED}")
        print(f"shallowsym: note: {path}: {RELU_ASSUMED}", file=sys.stderr)
    return net


def _cmd_deepequiv(args: argparse.Namespace) -> int:
    """Deep networks: exit 0 equivalent, 1 not equivalent, 3 undecided (UNKNOWN, or the
    complete decision reached --limit)."""
    from .deep import equivalent as deep_equivalent
    from .errors import SearchLimitExceeded

    a, b = _deep_load(args.a, args.layers), _deep_load(args.b, args.layers)
    try:
        result = deep_equivalent(a, b, decide=args.decide, limit=args.limit)
    except SearchLimitExceeded as err:
        print(f"shallowsym: error: {err}", file=sys.stderr)
        return EXIT_UNDECIDED
    _emit(args, result.to_dict(), str(result))
    return {True: EXIT_OK, False: EXIT_DIFFERENT, None: EXIT_UNDECIDED}[result.equivalent]


def _cmd_canon(args: argparse.Namespace) -> int:
    net = _load(args.network, args.layers)
    cf = canonical_form(net, domain=_domain(args, net.d))
    _emit(
        args,
        cf.to_dict,
        lambda: (
            f"{cf.to_text(full=args.full, exact=args.exact)}\n"
            f"({cf.num_bent} bent hyperplanes, d = {cf.d}, k = {cf.k})"
        ),
    )
    return EXIT_OK


@_limited("--limit")
def _cmd_symmetries(args: argparse.Namespace) -> int:
    net = _load(args.network, args.layers)
    domain = _domain(args, net.d)
    if domain is not None:
        on_domain = symmetries(net, limit=args.limit, domain=domain)
        _emit(args, on_domain.to_dict, lambda: str(on_domain))
        return EXIT_OK
    report = symmetries(net, limit=args.limit, time_budget=args.time_budget)
    types, reason = None, None
    if args.types:
        try:
            types = report.fibre_types(limit=args.type_limit)
        except SearchLimitExceeded as err:
            reason = _flag(str(err), "--type-limit")

    relabelling = None
    if args.relabel:
        relabelling = _relabel_limited(lambda: report.relabelling(limit=args.relabel_limit))

    def data() -> dict[str, Any]:
        out = report.to_dict()
        if args.types:
            out["fibre_types"] = None if types is None else [t.to_dict() for t in types]
            if reason is not None:
                out["fibre_types_undecided"] = reason
        if relabelling is not None:
            out["relabelling"] = relabelling.to_dict()
        return out

    def text() -> str:
        out = _flag(report.to_text(full=args.full, exact=args.exact))
        if reason is not None:
            out += f"\nfibre types: undecided ({reason})"
        elif types is not None:
            listed = shorten(
                [f"  {t}" for t in types], full=args.full, noun="types (--full)", indent="  "
            )
            out += f"\nfibre types (modulo the standard group): {len(types)}\n" + "\n".join(listed)
        if relabelling is not None:
            out += f"\n{relabelling}"
        return out

    _emit(args, data, text)
    if reason is not None:  # the report printed; the part asked for is undecided
        _error(f"fibre types undecided: {reason}")
        return EXIT_LIMIT
    return EXIT_OK


def _cmd_fundim(args: argparse.Namespace) -> int:
    net = _load(args.network, args.layers)
    fd = functional_dimension(net, domain=_domain(args, net.d))
    _emit(args, fd.to_dict, lambda: fd.to_text(full=args.full, exact=args.exact))
    return EXIT_OK


@_limited("--limit")
def _cmd_reduce(args: argparse.Namespace) -> int:
    if args.output is not None:
        suffix = Path(args.output).suffix.lower()
        if suffix not in WRITABLE:
            raise ShallowSymError(
                f"-o {args.output}: cannot write {suffix or 'extension-less'!r} files; use "
                f"one of {', '.join(WRITABLE)}"
            )
    net = _load(args.network, args.layers)
    result = reduction(net, limit=args.limit, domain=_domain(args, net.d))
    exact = None
    if args.output is not None:
        try:
            exact = save(result.network, args.output)
        except OSError as err:
            raise ShallowSymError(f"cannot write {args.output}: {err.strerror or err}") from None

    def data() -> dict[str, Any]:
        return {**result.to_dict(), "output": args.output, "output_exact": exact}

    def text() -> str:
        out = result.to_text(full=args.full, exact=args.exact)
        if args.output:
            how = (
                "exactly"
                if exact
                else "rounded to float64: NOT exactly the reduced network; use .json or .npz"
            )
            out += f"\nwrote {args.output} ({how})"
        return out

    _emit(args, data, text)
    return EXIT_OK


@_limited("--limit")
def _cmd_maxdiff(args: argparse.Namespace) -> int:
    a, b = _load(args.a, args.layers), _load(args.b, args.layers)
    domain = _domain(args, a.d)
    if domain is None:
        raise ShallowSymError("maxdiff needs a bounded domain: --box LO HI or --domain D.json")
    result = max_difference(
        a, b, domain=domain, method=args.method, time_limit=args.time_limit, limit=args.limit
    )
    _emit(args, result.to_dict(), result.to_text(exact=args.exact))
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
    hidden = equivalent(a, b, limit=args.limit)
    miss, cf = equivalent(c, e, limit=args.limit), canonical_form(net)
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


def _epsilon(text: str) -> str:
    """--epsilon: an exact non-negative number (``1/20``, ``0.05``, ``1e-3``), kept as text."""
    try:
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number (e.g. 1/20 or 0.05)") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative; epsilon bounds |f_a - f_b|")
    return text


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not positive")
    return value


DEFAULT_TIME_BUDGET = 20.0


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, not {text!r}")
    return value


def _limit_option(parser: argparse.ArgumentParser, flag: str, default: int, what: str) -> None:
    parser.add_argument(
        flag, type=_positive, default=default, help=f"bound on {what} (default {default})"
    )


def _domain_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--box", nargs=2, metavar=("LO", "HI"), help="the domain [LO, HI]^d (exact numbers)"
    )
    parser.add_argument("--domain", metavar="D.json", help="a domain file (Box or Polytope JSON)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shallowsym",
        description="Exact equivalence and symmetries of one-hidden-layer ReLU networks.",
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"shallowsym {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an internal error"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser(
        "equiv", help="decide whether two networks compute the same function", epilog=EPILOG
    )
    p.add_argument("a", help=FILE_HELP)
    p.add_argument("b", help=FILE_HELP)
    p.add_argument("--method", choices=("canonical", "graph"), default="canonical")
    _limit_option(p, "--limit", DEFAULT_EXPLAIN_LIMIT, "the move-certificate search")
    p.add_argument(
        "--relabel",
        choices=RELABEL_MODES,
        help="equivalent up to permuted inputs, outputs or both (exit 3 past --relabel-limit)",
    )
    _limit_option(p, "--relabel-limit", DEFAULT_RELABEL_LIMIT, "the relabelling search")
    p.add_argument(
        "--epsilon",
        type=_epsilon,
        help="with --box or --domain: equal up to this sup |f_a - f_b| (exact)",
    )
    p.set_defaults(run=_cmd_equiv)
    p = sub.add_parser("align", help="pair the bent hyperplanes of two networks", epilog=EPILOG)
    p.add_argument("a", help=FILE_HELP)
    p.add_argument("b", help=FILE_HELP)
    p.add_argument("--fast", action="store_true", help="float alignment (bits that agree)")
    p.add_argument("--rtol", type=float, default=None, help="with --fast (default by dtype)")
    p.add_argument("--atol", type=float, default=None, help="with --fast (default by dtype)")
    _limit_option(p, "--limit", DEFAULT_LIMIT, "searches (align does none; accepted everywhere)")
    p.set_defaults(run=_cmd_align)
    p = sub.add_parser(
        "deepequiv", help="three-valued equivalence of deep ReLU networks", epilog=EPILOG
    )
    p.add_argument("a", help=FILE_HELP + "; any number of hidden layers")
    p.add_argument("b", help=FILE_HELP + "; any number of hidden layers")
    p.add_argument("--decide", action="store_true", help="complete decision (Z3) if undecided")
    _limit_option(p, "--limit", 10_000_000, "the complete decision (Z3 resource units)")
    p.set_defaults(run=_cmd_deepequiv)
    p = sub.add_parser(
        "canon", help="print the canonical form of a network's function", epilog=EPILOG
    )
    p.add_argument("network", help=FILE_HELP)
    _limit_option(p, "--limit", DEFAULT_LIMIT, "searches (canon does none; accepted everywhere)")
    p.set_defaults(run=_cmd_canon)
    p = sub.add_parser(
        "symmetries", help="roles, stabilizer, hidden mechanisms, fibre dimension", epilog=EPILOG
    )
    p.add_argument("network", help=FILE_HELP)
    p.add_argument("--types", action="store_true", help="also list every stratum of the fibre")
    _limit_option(p, "--limit", DEFAULT_LIMIT, "the flip and unfolding searches")
    _limit_option(p, "--type-limit", DEFAULT_TYPE_LIMIT, "the fibre types examined")
    p.add_argument(
        "--relabel", action="store_true", help="also the group of input/output relabellings"
    )
    _limit_option(p, "--relabel-limit", DEFAULT_RELABEL_LIMIT, "the relabelling search")
    p.add_argument(
        "--time-budget",
        type=_seconds,
        default=DEFAULT_TIME_BUDGET,
        metavar="SECONDS",
        help="wall-clock seconds for each slow part (fibre dimension, fibre types); past it "
        f"the part prints as undecided and the rest prints (default {DEFAULT_TIME_BUDGET:g})",
    )
    p.set_defaults(run=_cmd_symmetries)
    p = sub.add_parser(
        "fundim", help="exact functional dimension and what lowers it", epilog=EPILOG
    )
    p.add_argument("network", help=FILE_HELP)
    _limit_option(p, "--limit", DEFAULT_LIMIT, "searches (fundim does none; accepted everywhere)")
    p.set_defaults(run=_cmd_fundim)
    p = sub.add_parser(
        "reduce", help="a network of minimal width with the same function", epilog=EPILOG
    )
    p.add_argument("network", help=FILE_HELP)
    p.add_argument(
        "-o",
        "--output",
        help="write the reduced network here, in the format of the extension: "
        + ", ".join(WRITABLE)
        + " (.json and .npz exact; the others float64, and the message says if rounded)",
    )
    p.add_argument(
        "--limit",
        type=_positive,
        default=None,
        help=f"bound on the sign search (default {DEFAULT_LIMIT}) or, with --box/--domain, on "
        "the flip sets examined (default 1024; past it the best reduction found is written, "
        "with the bounds on the minimal width)",
    )
    p.set_defaults(run=_cmd_reduce)
    p = sub.add_parser("maxdiff", help="sup over a bounded domain of |f_a - f_b|", epilog=EPILOG)
    p.add_argument("a", help=FILE_HELP)
    p.add_argument("b", help=FILE_HELP)
    p.add_argument("--method", choices=("auto", "exact", "milp"), default="auto")
    p.add_argument(
        "--time-limit",
        type=_seconds,
        default=10.0,
        help="seconds per MILP solve (default 10; past it the answer is a certified lower "
        "bound with the solver's upper bound)",
    )
    _limit_option(p, "--limit", DEFAULT_VERTEX_LIMIT, "the exact vertex enumeration")
    p.set_defaults(run=_cmd_maxdiff)
    for name in ("equiv", "canon", "maxdiff", "reduce", "symmetries", "fundim"):
        _domain_options(sub.choices[name])
    p = sub.add_parser(
        "zoo", help="keys, duplicates and statistics of a folder of networks", epilog=EPILOG
    )
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
    p = sub.add_parser("demo", help="run the main job on embedded example networks", epilog=EPILOG)
    _limit_option(p, "--limit", DEFAULT_EXPLAIN_LIMIT, "the move-certificate search")
    p.set_defaults(run=_cmd_demo)
    for name, p in sub.choices.items():
        p.add_argument("--json", action="store_true", help="print machine-readable JSON")
        if name == "deepequiv":
            p.add_argument(
                "--layers",
                metavar="NAME,NAME,...",
                help="state dicts: every layer name in network order, when shapes and names "
                "do not decide",
            )
        elif name not in ("zoo", "demo"):
            p.add_argument(
                "--layers",
                metavar="FIRST,SECOND",
                help="state dicts: the two layer names in network order, when shapes and names "
                "do not decide",
            )
        p.add_argument(
            "--full",
            action="store_true",
            help="print every item of long lists (default: the first few)",
        )
        if name != "zoo":  # zoo's --exact chooses the exact mode (against --fast)
            p.add_argument(
                "--exact",
                action="store_true",
                help="print every number as an exact rational (default: long ones as ~ decimals)",
            )
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
    NOTES.clear()
    given = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in given
    as_json = "--json" in given  # a script reading stdout gets a JSON object on errors too
    try:
        args = build_parser().parse_args(argv)
        return args.run(args)
    except SearchLimitExceeded as err:
        message = f"{err} (search limit reached; the answer is undecided)"
        _error(message)
        if as_json:
            print(json.dumps({"error": "undecided", "message": message, "exit_code": EXIT_LIMIT}))
        return EXIT_LIMIT
    except ShallowSymError as err:
        _error(str(err))
        if as_json:
            print(
                json.dumps({"error": "bad input", "message": str(err), "exit_code": EXIT_BAD_INPUT})
            )
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
