"""Model zoos: keys, duplicates and statistics over many networks, serially or on Dask.

``zoo(source)`` reads a folder (every supported file below it, in sorted order), a list of
files, a stack of float arrays (W1, b1, W2, b2) of shapes (N, h, d), (N, h), (N, k, h), (N, k),
or a list of ``ShallowNetwork``; it computes one row per network and groups the networks that
compute the same function.

Exact mode (the default) computes per network: the SHA-256 key of the exact canonical form
(:func:`shallowsym.keys.canonical_digest`), the number of bent hyperplanes, the width after
``reduce`` (``minimal_width``, bounded by ``limit=``; empty when the search exceeds it), the
functional dimension and its bound P - h, the hidden-symmetry verdict ("yes", "no", or
"undecided" when the flip search exceeds ``limit=``) and the count of each neuron role. Equal
keys are equal functions (proofs/canonical_form.md), so duplicate groups are exact.

Fast mode (``mode="fast"``) computes the float key (:func:`shallowsym.keys.fast_keys`) and the
number of bent hyperplanes with ``shallowsym.fast``; a network is looked up under its key and
under its neighbouring cells' keys, and every candidate duplicate is confirmed against its
group's first member with ``fast.equivalent``; ``uncertain`` is True where the key or that
verdict is uncertain (the row then keeps its own group unless confirmed).

Backends: ``"serial"`` and ``"dask"`` (dask.distributed: a ``LocalCluster`` of ``n_workers``
processes by default, the ``scheduler`` address of an existing cluster, or a ``client``).
Networks go to workers in batches of ``batch_size``; workers return plain rows with keys as
bytes, so results are identical to the serial backend. Dask reruns the tasks of a worker that
dies, so a killed worker loses no result. A file that cannot be read gives a row with
``status = "error"`` and the error, and the run goes on. With ``output=``, every finished batch
is appended to ``<output>.journal.jsonl``; ``resume=True`` skips the networks found there.
"""

from __future__ import annotations

import csv
import itertools
import json
import math
import os
import random
import sys
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from flint import nmod_mat

from . import fast
from .canonical import canonical_form
from .errors import MissingDependencyError, SearchLimitExceeded, check_limit
from .fibre.flips import DEFAULT_LIMIT
from .functional import NonDifferentiableError, functional_dimension
from .io import EXTENSIONS, load
from .keys import RESOLUTION, canonical_digest, fast_keys
from .minimal import minimal_width
from .network import ShallowNetwork
from .roles import structure
from .symmetry import symmetries

__all__ = ["COLUMNS", "ZooResult", "zoo"]

ROLES = ("bent", "cancelling", "zero-output", "zero-input-active", "zero-input-inactive")
COLUMNS = (
    "index",
    "item",
    "status",
    "error",
    "mode",
    "d",
    "h",
    "k",
    "key",
    "uncertain",
    "num_bent",
    "width_after_reduce",
    "functional_dimension",
    "dimension_bound",
    "hidden_symmetries",
    *(f"n_{role.replace('-', '_')}" for role in ROLES),
    "group",
    "group_size",
)
_JOURNAL_SUFFIX = ".journal.jsonl"
_PRIME = 2**61 - 1
_RESUBMISSIONS = 3


# -- per-network work (runs on workers: plain data in, plain rows out) ----------------------
def _empty_row(index: int, item: str, mode: str) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(index=index, item=item, status="ok", mode=mode, uncertain=False)
    return row


def _error_text(err: BaseException) -> str:
    lines = str(err).strip().splitlines()
    return f"{type(err).__name__}: {lines[0] if lines else ''}".rstrip(": ")


def _exact_row(row: dict[str, Any], net: ShallowNetwork, limit: int) -> None:
    cf = canonical_form(net)
    row.update(d=net.d, h=net.h, k=net.k, key=canonical_digest(cf), num_bent=cf.num_bent)
    try:  # cheap bound first: every bent hyperplane needs a neuron, so h bent means width h
        row["width_after_reduce"] = (
            net.h if cf.num_bent == net.h else minimal_width(net, limit=limit)
        )
    except SearchLimitExceeded:
        row["width_after_reduce"] = None
    try:
        fd = functional_dimension(net)
        row["functional_dimension"], row["dimension_bound"] = fd.dimension, fd.bound
    except NonDifferentiableError:
        pass
    row["hidden_symmetries"] = _hidden_verdict(net, limit)
    counts = Counter(role.role for role in structure(net).roles)
    for role in ROLES:
        row[f"n_{role.replace('-', '_')}"] = counts.get(role, 0)


def _independent_flip_vectors(net: ShallowNetwork, live: list[int]) -> bool:
    """True when the vectors a_i w_i^T (flattened k x d) of the ``live`` neurons are certified
    linearly independent: then no non-empty set of them sums to 0, so no flip exists (S8).

    The certificate is the rank, modulo the prime 2^61 - 1, of the rows of a fixed
    pseudo-random subset of n + 8 coordinates: a rank n mod p implies rank n over Q. False
    means "not certified" (dependent, or unlucky rows), never "dependent"."""
    n, kd = len(live), net.k * net.d
    if n == 0:
        return True
    if n > kd:
        return False
    w, a = net.exact.W1.entries(), net.exact.W2.entries()  # flint fmpq, as canonical.py reads them
    d, h = net.d, net.h
    rows = sorted(random.Random(1_000_003 * n + kd).sample(range(kd), min(kd, n + 8)))
    entries = []
    for r in rows:
        j, c = divmod(r, d)
        for i in live:
            value = a[j * h + i] * w[i * d + c]
            den = int(value.q)
            if den % _PRIME == 0:
                return False
            entries.append(int(value.p) * pow(den, -1, _PRIME) % _PRIME)
    return nmod_mat(len(rows), n, entries, _PRIME).rank() == n


def _hidden_verdict(net: ShallowNetwork, limit: int) -> str:
    """ "yes", "no" or "undecided": ``symmetries(net).has_hidden_symmetries`` with cheap
    certificates first (a stratum larger than the orbit; no mixed group and independent flip
    vectors, so no other orientation and no flip: proofs/generic_fibres.md)."""
    report = symmetries(net, limit=limit)
    if report.stratum_dimension > report.orbit_dimension:
        return "yes"
    groups = structure(net).groups
    if not any(g.mixed for g in groups):
        if _independent_flip_vectors(net, sorted(i for g in groups for i in g.neurons)):
            return "no"
    try:
        return "yes" if report.has_hidden_symmetries else "no"
    except SearchLimitExceeded:
        return "undecided"


def _fast_rows(rows: list[dict[str, Any]], arrays: list, resolution: float) -> None:
    """Fill fast-mode rows; ``arrays[n]`` is (W1, b1, W2, b2) for ``rows[n]``."""
    by_shape: dict[tuple, list[int]] = {}
    for n, arr in enumerate(arrays):
        by_shape.setdefault(tuple(a.shape for a in arr), []).append(n)
    for members in by_shape.values():
        stacks = [np.stack([arrays[n][p] for n in members]) for p in range(4)]
        for n, key in zip(members, fast_keys(*stacks, resolution=resolution), strict=True):
            W1, _, W2, _ = arrays[n]
            rows[n].update(
                d=W1.shape[1],
                h=W1.shape[0],
                k=W2.shape[0],
                key=key.digest,
                neighbours=list(key.neighbours),
                uncertain=key.uncertain,
                num_bent=key.num_bent,
            )


def process_batch(batch: list[tuple[int, str, Any]] | dict, options: dict[str, Any]) -> list[dict]:
    """Rows for one batch of ``(index, item, payload)``; the payload is a path, a
    ``ShallowNetwork`` or a tuple of float arrays (or a batch packed as one stack). An error on
    one network is recorded in its row. Internal API of :func:`zoo`, public so that Dask
    workers can import it."""
    if isinstance(batch, dict):  # packed by _pack: one stack of arrays for the whole batch
        stack = batch["stack"]
        batch = [
            (index, item, tuple(a[n] for a in stack))
            for n, (index, item) in enumerate(batch["meta"])
        ]
    mode = options["mode"]
    rows, arrays, fast_rows = [], [], []
    for index, item, payload in batch:
        row = _empty_row(index, item, mode)
        rows.append(row)
        try:
            if isinstance(payload, str):
                payload = load(payload)
            if mode == "exact":
                if not isinstance(payload, ShallowNetwork):
                    payload = ShallowNetwork(*payload)
                _exact_row(row, payload, options["limit"])
            else:
                if isinstance(payload, ShallowNetwork):
                    payload = payload.to_numpy()
                arrays.append(tuple(np.asarray(a, dtype=np.float64) for a in payload))
                fast_rows.append(row)
        except Exception as err:  # a fault is recorded and the run goes on
            row.update(status="error", error=_error_text(err))
    if fast_rows:
        try:
            _fast_rows(fast_rows, arrays, options["resolution"])
        except Exception as err:
            for row in fast_rows:
                row.update(status="error", error=_error_text(err))
    return rows


# -- sources ------------------------------------------------------------------------------
def _items(source: Any) -> list[tuple[int, str, Any]]:
    if isinstance(source, str | os.PathLike):
        root = Path(source)
        if not root.is_dir():
            raise ValueError(f"source {os.fspath(source)!r} is not a folder")
        files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in EXTENSIONS)
        return [(n, p.relative_to(root).as_posix(), os.fspath(p)) for n, p in enumerate(files)]
    if isinstance(source, tuple) and len(source) == 4 and not isinstance(source[0], ShallowNetwork):
        stacks = [np.asarray(a, dtype=np.float64) for a in source]
        for name, arr, dims in zip(("W1", "b1", "W2", "b2"), stacks, (3, 2, 3, 2), strict=True):
            if arr.ndim != dims:
                raise ValueError(f"source {name} must have {dims} dimensions, not {arr.ndim}")
        counts = {len(a) for a in stacks}
        if len(counts) != 1:
            raise ValueError(f"source arrays hold different numbers of networks: {sorted(counts)}")
        return [(n, f"#{n}", tuple(a[n] for a in stacks)) for n in range(len(stacks[0]))]
    if isinstance(source, Sequence) and not isinstance(source, bytes):
        items = []
        for n, entry in enumerate(source):
            if isinstance(entry, ShallowNetwork):
                items.append((n, f"#{n}", entry))
            elif isinstance(entry, str | os.PathLike):
                items.append((n, os.fspath(entry), os.fspath(entry)))
            else:
                raise TypeError(
                    f"source[{n}] must be a path or a ShallowNetwork, not {type(entry).__name__}"
                )
        return items
    raise TypeError(
        "source must be a folder, a list of files or networks, or a tuple (W1, b1, W2, b2) "
        f"of stacked arrays, not {type(source).__name__}"
    )


# -- grouping -----------------------------------------------------------------------------
def _group_exact(rows: list[dict]) -> None:
    first: dict[str, int] = {}
    for row in rows:
        if row["status"] == "ok":
            row["group"] = first.setdefault(row["key"], row["index"])


def _payload_arrays(payload: Any) -> tuple:
    if isinstance(payload, str):
        payload = load(payload)
    if isinstance(payload, ShallowNetwork):
        return payload.to_numpy()
    return payload


def _group_fast(rows: list[dict], payloads: dict[int, Any]) -> None:
    parent: dict[int, int] = {}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    ok = [row for row in rows if row["status"] == "ok"]
    for row in ok:
        parent[row["index"]] = row["index"]
    for row in ok:
        for key in [row["key"], *row.get("neighbours", [])]:
            if key in owner:
                a, b = find(owner[key]), find(row["index"])
                parent[max(a, b)] = min(a, b)
            else:
                owner[key] = row["index"]
    candidates: dict[int, list[dict]] = {}
    for row in ok:
        candidates.setdefault(find(row["index"]), []).append(row)
    # Confirm each candidate against its group's first member, in one batch per shape pair;
    # the members it rejects are grouped among themselves one by one (rare).
    pairs: dict[tuple, list[tuple[dict, tuple, dict, tuple]]] = {}
    leftovers: dict[int, list[tuple[dict, tuple]]] = {}
    for root, members in candidates.items():
        for row in members:
            row["group"] = row["index"]
        if len(members) == 1:
            continue
        rep, rep_arrays = members[0], _payload_arrays(payloads[members[0]["index"]])
        for row in members[1:]:
            arrays = _payload_arrays(payloads[row["index"]])
            shape = (tuple(a.shape for a in rep_arrays), tuple(a.shape for a in arrays))
            pairs.setdefault(shape, []).append((rep, rep_arrays, row, arrays))
        leftovers[root] = []
    for batch in pairs.values():
        A = [np.stack([p[1][i] for p in batch]) for i in range(4)]
        B = [np.stack([p[3][i] for p in batch]) for i in range(4)]
        equal, uncertain, _ = fast.equivalent_batch(A, B)
        for (rep, _, row, arrays), eq, unc in zip(batch, equal, uncertain, strict=True):
            if eq and not unc:
                row["group"] = rep["index"]
            else:
                row["uncertain"] = row["uncertain"] or bool(unc)
                leftovers[find(rep["index"])].append((row, arrays))
    for rest in leftovers.values():
        reps: list[tuple[int, tuple]] = []
        for row, arrays in sorted(rest, key=lambda item: item[0]["index"]):
            for rep_index, rep_arrays in reps:
                verdict = fast.equivalent(rep_arrays, arrays)
                if verdict.equivalent:
                    row["group"] = rep_index
                    break
                if verdict.equivalent is None:
                    row["uncertain"] = True
            if row["group"] == row["index"]:
                reps.append((row["index"], arrays))


def _finish(rows: list[dict], mode: str, payloads: dict[int, Any]) -> None:
    if mode == "exact":
        _group_exact(rows)
    else:
        _group_fast(rows, payloads)
    sizes = Counter(row["group"] for row in rows if row["status"] == "ok")
    for row in rows:
        row.pop("neighbours", None)
        if row["status"] == "ok":
            row["group_size"] = sizes[row["group"]]


def _summary(rows: list[dict], mode: str) -> dict[str, Any]:
    ok = [row for row in rows if row["status"] == "ok"]
    groups = Counter(row["group"] for row in ok)
    summary: dict[str, Any] = {
        "mode": mode,
        "networks": len(rows),
        "errors": len(rows) - len(ok),
        "distinct_functions": len(groups),
        "duplicate_groups": sum(1 for size in groups.values() if size > 1),
        "duplicates": sum(size - 1 for size in groups.values()),
        "uncertain": sum(1 for row in ok if row["uncertain"]),
    }
    if mode == "exact":
        with_fd = [row for row in ok if row["functional_dimension"] is not None]
        decided = [row for row in ok if row["hidden_symmetries"] in ("yes", "no")]
        reduced = [row for row in ok if row["width_after_reduce"] is not None]
        summary.update(
            full_functional_dimension=_share(
                sum(row["functional_dimension"] == row["dimension_bound"] for row in with_fd),
                len(with_fd),
            ),
            functional_dimension_not_differentiable=len(ok) - len(with_fd),
            hidden_symmetries=_share(
                sum(row["hidden_symmetries"] == "yes" for row in decided), len(decided)
            ),
            hidden_symmetries_undecided=len(ok) - len(decided),
            reducible=_share(
                sum(row["width_after_reduce"] < row["h"] for row in reduced), len(reduced)
            ),
            width_undecided=len(ok) - len(reduced),
        )
    return summary


def _share(count: int, total: int) -> str | None:
    return f"{count}/{total}" if total else None


@dataclass(frozen=True)
class ZooResult:
    """The rows of a zoo run (one per network, in source order) and their summary.

    ``rows`` are dicts with the keys of ``COLUMNS``: ``key`` is the hexadecimal SHA-256 key,
    ``group`` the index of the first network with the same function (``group_size``
    networks), ``hidden_symmetries`` "yes", "no" or "undecided" (exact mode), and empty
    (None) values where a column does not apply or a bounded search gave up.
    """

    rows: tuple[dict[str, Any], ...]
    summary: dict[str, Any]
    output: str | None = None

    @property
    def duplicates(self) -> tuple[tuple[str, ...], ...]:
        """The groups of two or more networks with the same function, as item names."""
        groups: dict[int, list[str]] = {}
        for row in self.rows:
            if row["status"] == "ok":
                groups.setdefault(row["group"], []).append(row["item"])
        return tuple(tuple(g) for g in groups.values() if len(g) > 1)

    def __str__(self) -> str:
        s = self.summary
        lines = [
            f"zoo ({s['mode']}): {s['networks']} networks, {s['errors']} errors, "
            f"{s['distinct_functions']} distinct functions, {s['duplicates']} duplicates in "
            f"{s['duplicate_groups']} groups, {s['uncertain']} uncertain"
        ]
        if s["mode"] == "exact":
            lines.append(
                f"full functional dimension: {s['full_functional_dimension']}; hidden "
                f"symmetries: {s['hidden_symmetries']} ({s['hidden_symmetries_undecided']} "
                f"undecided); reducible: {s['reducible']} ({s['width_undecided']} undecided)"
            )
        if self.output:
            lines.append(f"wrote {self.output}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": dict(self.summary),
            "duplicates": [list(g) for g in self.duplicates],
            "rows": [dict(row) for row in self.rows],
            "output": self.output,
        }

    def _repr_markdown_(self) -> str:
        return "```\n" + str(self) + "\n```"


# -- output -------------------------------------------------------------------------------
def _require(module: str, what: str) -> None:
    try:
        __import__(module)
    except ImportError:
        raise MissingDependencyError(f"{what}: pip install 'shallowsym[zoo]'") from None


def _write_table(rows: list[dict], path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows), path)
    elif suffix == ".csv":
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
            writer.writeheader()
            writer.writerows(rows)
    else:
        path.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


def _for_json(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    if isinstance(out.get("key"), bytes):
        out["key"] = out["key"].hex()
    if "neighbours" in out:
        out["neighbours"] = [n.hex() if isinstance(n, bytes) else n for n in out["neighbours"]]
    return out


def _read_journal(path: Path, mode: str) -> dict[str, dict]:
    done: dict[str, dict] = {}
    if not path.exists():
        return done
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:  # a line cut short by a crash
            continue
        if isinstance(row, dict) and row.get("mode") == mode and "item" in row:
            done[row["item"]] = row
    return done


def _batches(items: list, size: int) -> list[list]:
    return [items[n : n + size] for n in range(0, len(items), size)]


def _pack(batch: list[tuple[int, str, Any]]) -> list | dict:
    """Float arrays of one shape travel as one stack per batch (one pickle, not 4 per net)."""
    payloads = [payload for _, _, payload in batch]
    if not all(isinstance(p, tuple) for p in payloads):
        return batch
    shapes = {tuple(a.shape for a in p) for p in payloads}
    if len(shapes) != 1:
        return batch
    return {
        "meta": [(index, item) for index, item, _ in batch],
        "stack": tuple(np.stack([p[i] for p in payloads]) for i in range(4)),
    }


def _run_serial(batches, options, collect) -> None:
    for batch in batches:
        collect(process_batch(batch, options))


def _run_dask(batches, options, collect, scheduler, client, n_workers) -> None:
    from distributed import CancelledError, Client, LocalCluster, as_completed
    from distributed.scheduler import KilledWorker

    own_cluster = own_client = None
    if client is None:
        if scheduler is None:
            own_cluster = LocalCluster(
                n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            own_client = client = Client(own_cluster)
        else:
            own_client = client = Client(scheduler)
    try:
        # At most two tasks per worker thread in flight: big networks are not all shipped at once.
        queue = iter(batches)
        running = as_completed()
        batch_of: dict[Any, tuple[list, int]] = {}

        def submit(batch, attempt=0):
            with warnings.catch_warnings():  # big networks make big tasks; that is expected
                warnings.filterwarnings("ignore", message="Sending large graph")
                future = client.submit(process_batch, _pack(batch), options, pure=False)
            batch_of[future] = (batch, attempt)
            running.add(future)

        for batch in itertools.islice(queue, 2 * max(1, sum(client.nthreads().values()))):
            submit(batch)
        for future in running:
            batch, attempt = batch_of.pop(future)
            try:
                result = future.result()
            except (CancelledError, KilledWorker):
                # Dask reruns the tasks of a dead worker itself; past its allowed failures, or
                # when the scheduler forgot the task, the batch is sent again from here.
                if attempt >= _RESUBMISSIONS:
                    raise
                submit(batch, attempt + 1)
                continue
            collect(result)
            future.release()
            batch = next(queue, None)
            if batch is not None:
                submit(batch)
    finally:
        if own_client is not None:
            own_client.close()
        if own_cluster is not None:
            own_cluster.close()


def zoo(
    source: Any,
    *,
    output: str | os.PathLike | None = None,
    mode: str = "exact",
    backend: str = "serial",
    scheduler: str | None = None,
    client: Any = None,
    n_workers: int = 2,
    batch_size: int = 1000,
    limit: int = DEFAULT_LIMIT,
    resolution: float = RESOLUTION,
    resume: bool = False,
    progress: bool | None = None,
) -> ZooResult:
    """Keys, duplicate groups and statistics of a zoo of networks (see the module docstring).

    Parameters
    ----------
    source
        A folder (every .json, .npz, .safetensors, .onnx, .pt, .pth file below it), a list of
        file paths or of ``ShallowNetwork``, or a tuple (W1, b1, W2, b2) of stacked arrays.
    output
        Write the table here: .parquet (needs pyarrow), .csv or .json; a summary goes to
        ``<stem>.summary.json`` and finished batches to ``<output>.journal.jsonl``.
    mode
        "exact" (rational arithmetic; every statistic) or "fast" (float64 keys and
        duplicate groups; see ``shallowsym.keys.fast_keys`` for the tolerance).
    backend
        "serial" or "dask".
    scheduler, client
        For ``backend="dask"``: the address of a running scheduler, or a
        ``distributed.Client``; by default a ``LocalCluster`` of ``n_workers`` processes.
    n_workers
        Workers of the default ``LocalCluster``.
    batch_size
        Networks per task (fewer when needed to give every worker four tasks).
    limit
        Bound on the searches of ``minimal_width`` and ``symmetries`` per network.
    resolution
        Grid step of the float key (fast mode).
    resume
        Skip the networks already in ``<output>.journal.jsonl`` (needs ``output``).
    progress
        Show a tqdm progress bar; by default when stderr is a terminal.

    Returns
    -------
    ZooResult

    Raises
    ------
    TypeError
        If ``source`` or one of its entries has the wrong type.
    ValueError
        If an option has a bad value or ``source`` is not a folder, list or stack.
    MissingDependencyError
        If the Dask backend or a Parquet table needs a package that is not installed.
    OSError
        If ``output`` (or its journal) cannot be written. A file of ``source`` that cannot be
        read raises nothing: it becomes an error row of the table.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> a = ShallowNetwork([[1], [-1]], [-1, 3], [[1, 1]], [0])
    >>> b = ShallowNetwork([[-1], [1]], [1, -3], [[1, 1]], [2])      # a flip of a
    >>> c = ShallowNetwork([[1], [-1]], [-1, 4], [[1, 1]], [0])
    >>> result = zoo([a, b, c], progress=False)
    >>> print(result)   # doctest: +NORMALIZE_WHITESPACE
    zoo (exact): 3 networks, 0 errors, 2 distinct functions, 1 duplicates in 1 groups,
    0 uncertain
    full functional dimension: 3/3; hidden symmetries: 3/3 (0 undecided); reducible: 0/3
    (0 undecided)
    >>> result.duplicates
    (('#0', '#1'),)

    References
    ----------
    proofs/canonical_form.md (keys), proofs/minimal_width.md, proofs/functional_dimension.md.
    """
    if mode not in ("exact", "fast"):
        raise ValueError(f"mode must be 'exact' or 'fast', not {mode!r}")
    if backend not in ("serial", "dask"):
        raise ValueError(f"backend must be 'serial' or 'dask', not {backend!r}")
    for name, value in (("n_workers", n_workers), ("batch_size", batch_size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, not {value!r}")
    check_limit(limit)
    if not (isinstance(resolution, float | int) and math.isfinite(resolution) and resolution > 0):
        raise ValueError(f"resolution must be a positive finite number, not {resolution!r}")
    if resume and output is None:
        raise ValueError("resume=True needs output= (the journal lives next to the table)")
    if (scheduler is not None or client is not None) and backend != "dask":
        raise ValueError("scheduler= and client= need backend='dask'")
    if output is not None:
        suffix = Path(output).suffix.lower()
        if suffix not in (".parquet", ".csv", ".json"):
            raise ValueError(f"output must end in .parquet, .csv or .json, not {suffix!r}")
        if suffix == ".parquet":
            _require("pyarrow", "writing Parquet needs pyarrow")
    if backend == "dask":
        _require("distributed", "backend='dask' needs dask.distributed")
    items = _items(source)
    payloads = {index: payload for index, _, payload in items}
    options = {"mode": mode, "limit": limit, "resolution": float(resolution)}

    journal = Path(os.fspath(output) + _JOURNAL_SUFFIX) if output is not None else None
    done = _read_journal(journal, mode) if (resume and journal is not None) else {}
    rows: dict[int, dict] = {}
    todo = []
    for index, item, payload in items:
        if item in done:
            row = done[item]
            row["index"] = index
            rows[index] = row
        else:
            todo.append((index, item, payload))
    if journal is not None:  # keep only whole rows: a crash may have cut the last line short
        journal.write_text("".join(json.dumps(row) + "\n" for row in done.values()), "utf-8")

    workers = n_workers if backend == "dask" and client is None and scheduler is None else 2
    size = max(1, min(batch_size, math.ceil(len(todo) / (4 * workers)))) if todo else 1
    batches = _batches(todo, size)
    if progress is None:
        progress = sys.stderr.isatty()
    from tqdm.auto import tqdm

    bar = tqdm(total=len(items), initial=len(rows), disable=not progress, unit="net", desc="zoo")

    def collect(batch_rows: list[dict]) -> None:
        plain = [_for_json(row) for row in batch_rows]
        if journal is not None:
            with open(journal, "a", encoding="utf-8") as handle:
                handle.write("".join(json.dumps(row) + "\n" for row in plain))
        for row in plain:
            rows[row["index"]] = row
        bar.update(len(plain))

    try:
        if backend == "serial":
            _run_serial(batches, options, collect)
        else:
            _run_dask(batches, options, collect, scheduler, client, n_workers)
    finally:
        bar.close()
    ordered = [rows[index] for index, _, _ in items]
    _finish(ordered, mode, payloads)
    ordered = [{column: row.get(column) for column in COLUMNS} for row in ordered]
    summary = _summary(ordered, mode)
    written = None
    if output is not None:
        path = Path(output)
        _write_table(ordered, path)
        result = ZooResult(tuple(ordered), summary, os.fspath(path))
        path.with_name(path.stem + ".summary.json").write_text(
            json.dumps({k: v for k, v in result.to_dict().items() if k != "rows"}, indent=1) + "\n",
            encoding="utf-8",
        )
        written = os.fspath(path)
    return ZooResult(tuple(ordered), summary, written)
