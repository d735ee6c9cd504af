"""Resumable parameter sweeps over any :class:`concurrent.futures.Executor`.

A sweep is a list of configurations (plain dicts, e.g. for :func:`linrec.train.run_config`)
times a number of seeds. Run ``i`` (configurations outer, seeds inner) gets the random stream
``SeedSequence(base_seed, spawn_key=(i,))`` -- the i-th child of
``SeedSequence(base_seed).spawn(n)`` -- or, with ``seed_by="seed"``, the child of its seed index
(common random numbers across configurations). Each finished run is written by the calling
process through :func:`linrec.io.save_arrays` (temporary file + ``os.replace``, the JSON sidecar
last, so a result without its sidecar is incomplete), under a name derived from the
configuration and the seed; a rerun loads finished runs instead of recomputing them. Killing a
sweep therefore loses only the runs in flight and never leaves a corrupt result.

``executor=None`` runs serially in-process; ``concurrent.futures.ProcessPoolExecutor`` runs
locally in parallel; ``dask.distributed.Client(address).get_executor()`` runs on a cluster (the
function and configurations must be picklable: use module-level functions such as
:func:`linrec.train.run_config`). Summaries use the median and the geometric mean over seeds,
which, unlike the arithmetic mean, are not dominated by one divergent seed.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import hashlib
import itertools
import json
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from linrec import io as _io
from linrec._validation import check_choice, check_positive_int

__all__ = ["expand_grid", "Run", "SweepResult", "plan", "run_sweep", "load_sweep", "summarize",
           "add_executor_arguments", "executor_from_args"]


def expand_grid(base: Mapping[str, Any], axes: Mapping[str, Sequence[Any]]) -> list[dict]:
    """Cartesian product of ``axes`` applied to copies of ``base``.

    Parameters
    ----------
    base : mapping
        The common configuration.
    axes : mapping of str to sequence
        Values per key; dotted keys (``"task_kwargs.nu0"``) set nested entries. Later axes vary
        fastest.

    Returns
    -------
    list of dict
        One configuration per grid point.

    Examples
    --------
    >>> cfgs = expand_grid({"lr": 0.1, "task_kwargs": {"T": 10}}, {"lr": [1, 2], "task_kwargs.nu0": [0.5]})
    >>> [(c["lr"], c["task_kwargs"]["nu0"], c["task_kwargs"]["T"]) for c in cfgs]
    [(1, 0.5, 10), (2, 0.5, 10)]
    """
    keys = list(axes)
    out = []
    for values in itertools.product(*(list(axes[k]) for k in keys)):
        cfg = copy.deepcopy(dict(base))
        for key, v in zip(keys, values):
            parts = key.split(".")
            d = cfg
            for part in parts[:-1]:
                d = d.setdefault(part, {})
                if not isinstance(d, dict):
                    raise ValueError(f"axis {key!r}: {part!r} is not a dict in base")
            d[parts[-1]] = v
        out.append(cfg)
    return out


def _canonical(config: Mapping[str, Any]) -> str:
    try:
        return json.dumps(config, sort_keys=True, default=lambda o: o.tolist() if hasattr(o, "tolist") else repr(o))
    except TypeError as exc:
        raise TypeError(f"configs must be JSON-like dicts; {exc}") from None


@dataclass(frozen=True)
class Run:
    """One (configuration, seed) pair of a sweep.

    Parameters
    ----------
    index : int
        Run index (configurations outer, seeds inner).
    config_index : int
        Position of the configuration in the sweep.
    seed_index : int
        Seed number in [0, seeds).
    config : dict
        The configuration.
    name : str
        File stem: a hash of the configuration, the root seed and the stream's spawn key
        (stable across reruns of the same sweep).
    seed : numpy.random.SeedSequence
        The run's random stream.

    Examples
    --------
    >>> r = plan([{"lr": 0.1}], seeds=2)[1]
    >>> r.index, r.seed_index, r.name.endswith("_s1")
    (1, 1, True)
    """

    index: int
    config_index: int
    seed_index: int
    config: dict
    name: str
    seed: np.random.SeedSequence = field(repr=False)


def plan(configs: Sequence[Mapping[str, Any]], *, seeds: int = 1, base_seed: int = 0,
         seed_by: str = "run") -> list[Run]:
    """List the runs of a sweep with their seeds and file names (nothing is executed).

    Parameters
    ----------
    configs : sequence of mapping
        Configurations (JSON-like dicts).
    seeds : int, optional
        Seeds per configuration.
    base_seed : int, optional
        Entropy of the root ``SeedSequence``.
    seed_by : {"run", "seed"}, optional
        Spawn key: the run index (independent streams for every run) or the seed index (the
        same stream for every configuration at a given seed: common random numbers).

    Returns
    -------
    list of Run
        In run-index order.

    Examples
    --------
    >>> runs = plan([{"a": 1}, {"a": 2}], seeds=2, seed_by="seed")
    >>> runs[0].seed.spawn_key == runs[2].seed.spawn_key
    True
    """
    seeds = check_positive_int(seeds, "seeds")
    seed_by = check_choice(seed_by, "seed_by", ("run", "seed"))
    if isinstance(configs, Mapping) or not isinstance(configs, Sequence):
        raise TypeError("configs must be a sequence of dicts (use expand_grid for a grid)")
    runs = []
    for ci, cfg in enumerate(configs):
        if not isinstance(cfg, Mapping):
            raise TypeError(f"configs[{ci}] must be a dict; got {type(cfg).__name__}")
        digest = hashlib.sha1(_canonical(cfg).encode()).hexdigest()[:16]
        for si in range(seeds):
            i = ci * seeds + si
            key = i if seed_by == "run" else si
            ss = np.random.SeedSequence(int(base_seed), spawn_key=(key,))
            # the stream depends on the run index under seed_by="run", so the index is in the name:
            # reordering the configurations then recomputes instead of loading a differently seeded run
            tag = f"i{i}_s{si}" if seed_by == "run" else f"seed_s{si}"
            runs.append(Run(i, ci, si, dict(cfg), f"run_{digest}_b{int(base_seed)}_{tag}", ss))
    return runs


def _call(fn, config, seed):
    """Executed by the worker: run and flatten the result."""
    out = fn(config, np.random.default_rng(seed))
    if hasattr(out, "to_arrays"):
        return out.to_arrays()
    if isinstance(out, tuple) and len(out) == 2:
        return dict(out[0]), dict(out[1])
    if isinstance(out, Mapping):
        return dict(out), {}
    raise TypeError(f"the run function must return a History, (arrays, meta) or a dict of arrays; got {type(out)}")


@dataclass
class SweepResult:
    """Completed runs of a sweep.

    Parameters
    ----------
    runs : list of Run
        Every planned run.
    results : dict of int to tuple
        Run index -> (arrays, meta) for the finished runs.
    errors : dict of int to str
        Run index -> error message for runs whose function raised (not saved; retried on rerun).
    computed : list of int
        Indices computed in this call (the others were loaded from disk).

    Examples
    --------
    >>> res = SweepResult(plan([{"a": 1}]), {}, {}, [])
    >>> res.complete
    False
    """

    runs: list
    results: dict
    errors: dict
    computed: list

    @property
    def complete(self) -> bool:
        """Whether every planned run has a result."""
        return len(self.results) == len(self.runs)


def _path(directory, run: Run) -> Path:
    return Path(directory) / f"{run.name}.npz"


def _try_load(directory, run: Run):
    try:
        return _io.load_arrays(_path(directory, run))
    except (FileNotFoundError, OSError, ValueError, KeyError, json.JSONDecodeError):
        return None


def load_sweep(configs, directory, *, seeds: int = 1, base_seed: int = 0, seed_by: str = "run") -> SweepResult:
    """Load the finished runs of a sweep without computing anything.

    Parameters
    ----------
    configs : sequence of mapping
        The sweep's configurations.
    directory : str or path-like
        Where the results are.
    seeds : int, optional
        Seeds per configuration.
    base_seed : int, optional
        Root seed.
    seed_by : {"run", "seed"}, optional
        As in :func:`plan`.

    Returns
    -------
    SweepResult
        Finished runs only.

    Examples
    --------
    >>> import tempfile
    >>> load_sweep([{"a": 1}], tempfile.mkdtemp()).complete
    False
    """
    runs = plan(configs, seeds=seeds, base_seed=base_seed, seed_by=seed_by)
    results = {}
    for r in runs:
        got = _try_load(directory, r)
        if got is not None:
            results[r.index] = got
    return SweepResult(runs, results, {}, [])


def run_sweep(fn: Callable[[dict, np.random.Generator], Any], configs, directory, *, seeds: int = 1,
              base_seed: int = 0, seed_by: str = "run", executor: Executor | None = None,
              progress: Callable[[int, int, Run], None] | bool | None = None,
              stale_after: float | None = 600.0) -> SweepResult:
    """Run every (configuration, seed) that has no finished result yet; save each atomically.

    It first removes the hidden temporary files (``.<name>.<random>.tmp``) that a writer killed
    mid-write left in ``directory`` (:func:`linrec.io.remove_stale_temporaries`); finished
    results are never touched.

    Parameters
    ----------
    fn : callable
        ``fn(config, rng) -> History | (arrays, meta) | dict of arrays``; module-level (picklable)
        for process or dask executors, e.g. :func:`linrec.train.run_config`.
    configs : sequence of mapping
        Configurations (see :func:`expand_grid`).
    directory : str or path-like
        One ``.npz`` + ``.json`` pair per run is written here through :mod:`linrec.io`.
    seeds : int, optional
        Seeds per configuration.
    base_seed : int, optional
        Root seed of the ``SeedSequence``.
    seed_by : {"run", "seed"}, optional
        As in :func:`plan`.
    executor : concurrent.futures.Executor, optional
        None runs serially in this process.
    progress : callable or bool, optional
        ``progress(done, total, run)`` after each finished run; True prints a line per run.
    stale_after : float or None, optional
        Age in seconds from which a leftover temporary file counts as stale and is removed at
        the start (default 600; a live write lasts well under a second); None keeps them.

    Returns
    -------
    SweepResult
        All finished runs (loaded or computed) and the errors of this call.

    Examples
    --------
    >>> import tempfile
    >>> def f(cfg, rng):
    ...     return {"x": rng.normal(size=3) * cfg["s"]}, {"final_loss": cfg["s"]}
    >>> d = tempfile.mkdtemp()
    >>> res = run_sweep(f, [{"s": 1.0}, {"s": 2.0}], d, seeds=2)
    >>> res.complete, len(res.computed), len(run_sweep(f, [{"s": 1.0}, {"s": 2.0}], d, seeds=2).computed)
    (True, 4, 0)
    """
    runs = plan(configs, seeds=seeds, base_seed=base_seed, seed_by=seed_by)
    if stale_after is not None:
        _io.remove_stale_temporaries(directory, older_than=stale_after)
    results, errors, computed = {}, {}, []
    pending = []
    for r in runs:
        got = _try_load(directory, r)
        if got is None:
            pending.append(r)
        else:
            results[r.index] = got
    total = len(runs)
    if progress is True:
        def progress(done, tot, run):  # noqa: F811 - plain-line progress
            print(f"sweep: {done}/{tot} runs done ({run.name})", flush=True)

    def finish(run: Run, out):
        arrays, meta = out
        meta = dict(meta)
        meta.update({"config": run.config, "seed_index": run.seed_index, "run_index": run.index,
                     "base_seed": int(base_seed), "seed_by": seed_by, "spawn_key": list(run.seed.spawn_key)})
        path = _io.save_arrays(_path(directory, run), arrays, meta)
        results[run.index] = _io.load_arrays(path)  # exactly what is on disk
        computed.append(run.index)
        if callable(progress):
            progress(len(results), total, run)

    if executor is None:
        for r in pending:
            try:
                out = _call(fn, r.config, r.seed)
            except Exception as exc:  # a bug in one run must not lose the others
                errors[r.index] = f"{type(exc).__name__}: {exc}"
                continue
            finish(r, out)
    else:
        futures = {executor.submit(_call, fn, r.config, r.seed): r for r in pending}
        for fut in as_completed(futures):
            r = futures[fut]
            try:
                out = fut.result()
            except Exception as exc:
                errors[r.index] = f"{type(exc).__name__}: {exc}"
                continue
            finish(r, out)
    return SweepResult(runs, results, errors, sorted(computed))


def _final(meta, arrays):
    v = meta.get("final_loss", math.nan)
    return math.inf if meta.get("diverged") else float(v if v is not None else math.nan)


def summarize(result: SweepResult, value: Callable[[dict, dict], float] | None = None) -> list[dict]:
    """Per-configuration statistics over seeds: median and geometric mean (all values kept).

    Parameters
    ----------
    result : SweepResult
        From :func:`run_sweep` or :func:`load_sweep`.
    value : callable, optional
        ``value(meta, arrays) -> float`` per run (default: ``meta["final_loss"]``, inf for a
        diverged run).

    Returns
    -------
    list of dict
        One dict per configuration with ``config``, ``values`` (per seed, NaN if missing),
        ``n`` (finished), ``n_diverged``, ``median``, ``geomean`` (exp of the mean log over
        finished seeds; inf if any is inf, NaN if any is <= 0) and ``mean``.

    Examples
    --------
    >>> import tempfile
    >>> def f(cfg, rng):
    ...     return {}, {"final_loss": cfg["s"] * (1 + rng.integers(2))}
    >>> res = run_sweep(f, [{"s": 1.0}], tempfile.mkdtemp(), seeds=3)
    >>> s = summarize(res)[0]
    >>> s["n"], s["median"] in (1.0, 2.0)
    (3, True)
    """
    value = _final if value is None else value
    by_cfg: dict[int, dict] = {}
    for r in result.runs:
        entry = by_cfg.setdefault(r.config_index, {"config": r.config, "values": []})
        if r.index in result.results:
            arrays, meta = result.results[r.index]
            entry["values"].append(float(value(meta, arrays)))
            entry.setdefault("diverged", []).append(bool(meta.get("diverged", False)))
        else:
            entry["values"].append(math.nan)
    out = []
    for ci in sorted(by_cfg):
        e = by_cfg[ci]
        v = np.asarray(e["values"], dtype=np.float64)
        done = v[~np.isnan(v)]
        if done.size == 0:
            med = geo = mean = math.nan
        else:
            med = float(np.median(done))
            mean = float(np.mean(done))
            if np.any(done <= 0):
                geo = math.nan
            elif np.any(np.isinf(done)):
                geo = math.inf
            else:
                geo = float(np.exp(np.mean(np.log(done))))
        out.append({"config": e["config"], "values": v, "n": int(done.size),
                    "n_diverged": int(sum(e.get("diverged", []))), "median": med, "geomean": geo, "mean": mean})
    return out


_CONFLICT = "--jobs N > 1 and --dask ADDRESS are mutually exclusive (a process pool or a dask cluster, not both)"


def _jobs_type(text: str) -> int:
    """argparse type of ``--jobs``: a positive integer."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


class _JobsAction(argparse.Action):
    def __call__(self, parser, namespace, values, option_string=None):
        if values > 1 and getattr(namespace, "dask", None) is not None:
            parser.error(_CONFLICT)
        setattr(namespace, self.dest, values)


class _DaskAction(argparse.Action):
    def __call__(self, parser, namespace, values, option_string=None):
        if getattr(namespace, "jobs", 1) > 1:
            parser.error(_CONFLICT)
        setattr(namespace, self.dest, values)


def add_executor_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add ``--jobs N`` and ``--dask ADDRESS`` (how a sweep script runs) to a parser.

    ``--jobs N`` (default 1) runs the sweep serially in this process for N = 1 and in a
    :class:`concurrent.futures.ProcessPoolExecutor` with N workers for N > 1; ``--dask ADDRESS``
    runs it on the workers of a dask.distributed scheduler. Both together with N > 1 make the
    parser exit with a usage error. Pass the parsed values to :func:`executor_from_args`.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The script's parser (an argument group also works); modified in place.

    Returns
    -------
    argparse.ArgumentParser
        The same parser, for chaining.

    Raises
    ------
    TypeError
        If ``parser`` has no ``add_argument`` method.

    Examples
    --------
    >>> import argparse
    >>> p = add_executor_arguments(argparse.ArgumentParser())
    >>> a = p.parse_args(["--jobs", "2"])
    >>> a.jobs, a.dask
    (2, None)
    >>> p.parse_args(["--dask", "tcp://127.0.0.1:8786"]).dask
    'tcp://127.0.0.1:8786'
    """
    if not callable(getattr(parser, "add_argument", None)):
        raise TypeError(f"parser must be an argparse.ArgumentParser; got {type(parser).__name__}")
    parser.add_argument("--jobs", type=_jobs_type, default=1, action=_JobsAction, metavar="N",
                        help="worker processes: 1 (default) runs serially in-process, N > 1 uses a "
                             "ProcessPoolExecutor with N workers")
    parser.add_argument("--dask", default=None, action=_DaskAction, metavar="ADDRESS",
                        help="address of a dask.distributed scheduler (e.g. tcp://host:8786): run on its "
                             "workers (needs the 'distributed' extra; not with --jobs N > 1)")
    return parser


@contextlib.contextmanager
def executor_from_args(jobs: int = 1, dask: str | None = None) -> Iterator[Executor | None]:
    """The executor chosen by ``--jobs``/``--dask``, released when the block ends.

    Yields None for ``jobs=1`` without ``dask`` (:func:`run_sweep` then runs serially
    in-process), a :class:`concurrent.futures.ProcessPoolExecutor` with ``jobs`` workers for
    ``jobs > 1`` (shut down on exit, waiting for its work), or
    ``dask.distributed.Client(dask).get_executor()`` for a scheduler address (the client is
    closed on exit). dask is imported only in the last case.

    Parameters
    ----------
    jobs : int, optional
        Number of local worker processes (positive; default 1 = serial).
    dask : str, optional
        Address of a dask.distributed scheduler, e.g. ``"tcp://127.0.0.1:8786"``; only with
        ``jobs=1``.

    Yields
    ------
    concurrent.futures.Executor or None
        Pass it as ``executor=`` to :func:`run_sweep`.

    Raises
    ------
    TypeError
        If ``jobs`` is not an int or ``dask`` is not a string.
    ValueError
        If ``jobs`` is not positive, ``dask`` is empty, or ``jobs > 1`` together with ``dask``.
    ImportError
        If ``dask`` is given but dask.distributed is not installed.

    Examples
    --------
    >>> with executor_from_args() as ex:
    ...     print(ex)
    None
    >>> with executor_from_args(jobs=2) as ex:
    ...     print(type(ex).__name__, ex.submit(pow, 2, 10).result())
    ProcessPoolExecutor 1024
    """
    jobs = check_positive_int(jobs, "jobs")
    if dask is not None:
        if not isinstance(dask, str):
            raise TypeError(f"dask must be a scheduler address string or None; got {type(dask).__name__}")
        if not dask.strip():
            raise ValueError("dask must be a non-empty scheduler address (e.g. 'tcp://127.0.0.1:8786')")
        if jobs > 1:
            raise ValueError(f"jobs={jobs} and dask={dask!r} are mutually exclusive: "
                             "use a local process pool (jobs > 1) or a dask cluster, not both")
        try:
            from dask.distributed import Client
        except ImportError as exc:
            raise ImportError("dask=... (--dask) needs dask.distributed: install the 'distributed' extra "
                              "from a checkout (pip install -e '.[distributed]') or dask itself "
                              "(pip install 'dask[distributed]')") from exc
        with Client(dask) as client:
            yield client.get_executor()
    elif jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            yield pool
    else:
        yield None
