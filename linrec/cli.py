"""The ``linrec`` command line: papers, their claims and figures, and the environment.

``python -m linrec --help`` (or the ``linrec`` console script) lists the subcommands:

==============  ============================================================================
``papers``      the reproduced papers (``papers/<id>/``) and their claims (``papers/CLAIMS.md``)
``figures``     run one paper's figure scripts, each script's output printed as one block
``claims``      run the claim tests (all, or one paper's), optionally with ``--seed-offset``
``versions``    versions of linrec and its dependencies, and the BLAS/LAPACK numpy uses
==============  ============================================================================

The papers' scripts and the claim tests live in the project checkout, not in the installed
package: ``papers``, ``figures`` and ``claims`` look for the checkout in ``--root DIR``, else
in the current directory or one of its parents (a directory holding ``papers/`` and
``tests/claims/``). ``versions`` works anywhere.

Exit codes: 0 success; 1 the work failed (a figure script or a claim test failed); 2 a usage
error or no project checkout found.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main", "find_checkout", "list_papers", "read_claims_ledger", "blas_info"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

_DEPENDENCIES = ("numpy", "scipy", "sympy", "mpmath", "matplotlib")
_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_CORETYPE")


class CheckoutNotFound(LookupError):
    """No linrec project checkout (``papers/`` and ``tests/claims/``) was found."""


def find_checkout(root: str | os.PathLike | None = None, *, start: str | os.PathLike | None = None) -> Path:
    """The project checkout holding ``papers/`` and ``tests/claims/``.

    Parameters
    ----------
    root : path-like, optional
        The checkout given explicitly (``--root``); it must hold both folders.
    start : path-like, optional
        Where to start looking upward when ``root`` is None (default: the current directory).

    Returns
    -------
    pathlib.Path
        The checkout's directory (resolved).

    Raises
    ------
    CheckoutNotFound
        If ``root`` lacks the folders, or neither ``start`` nor any of its parents has them.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "papers").mkdir(); (d / "tests" / "claims").mkdir(parents=True)
    >>> find_checkout(start=d / "papers") == d.resolve()
    True
    """
    def is_checkout(d: Path) -> bool:
        return (d / "papers").is_dir() and (d / "tests" / "claims").is_dir()

    if root is not None:
        d = Path(root).expanduser().resolve()
        if not is_checkout(d):
            raise CheckoutNotFound(f"--root {str(root)!r} does not hold papers/ and tests/claims/")
        return d
    here = Path(start if start is not None else os.getcwd()).resolve()
    for d in (here, *here.parents):
        if is_checkout(d):
            return d
    raise CheckoutNotFound(
        f"no linrec checkout (a directory with papers/ and tests/claims/) in {str(here)!r} or its "
        "parents; run from inside the project checkout or pass --root DIR")


def list_papers(root: Path) -> list[str]:
    """Paper ids: the folders ``papers/<id>/`` that hold a ``README.md``, sorted.

    Parameters
    ----------
    root : pathlib.Path
        The project checkout.

    Returns
    -------
    list of str

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "papers" / "demo2024").mkdir(parents=True)
    >>> _ = (d / "papers" / "demo2024" / "README.md").write_text("# demo")
    >>> list_papers(d)
    ['demo2024']
    """
    return sorted(p.parent.name for p in (root / "papers").glob("*/README.md"))


def read_claims_ledger(root: Path) -> dict[str, list[tuple[str, str]]]:
    """The claims recorded in ``papers/CLAIMS.md``, grouped by paper.

    The ledger is the Markdown table written by ``make claims``: its first column is the paper
    id, its third the claim and its second-to-last the result.

    Parameters
    ----------
    root : pathlib.Path
        The project checkout.

    Returns
    -------
    dict
        ``{paper_id: [(claim, result), ...]}`` in ledger order; empty if there is no ledger.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); (d / "papers").mkdir()
    >>> rows = ["| paper | eq | claim | p | m | e | tol | why | result | test |",
    ...         "|---|---|---|---|---|---|---|---|---|---|",
    ...         "| demo | Eq. 1 | x = 1 | 1 | 1 | 0 | atol=0 | exact | pass | `t` |"]
    >>> _ = (d / "papers" / "CLAIMS.md").write_text("\\n".join(rows))
    >>> read_claims_ledger(d)
    {'demo': [('x = 1', 'pass')]}
    """
    path = root / "papers" / "CLAIMS.md"
    out: dict[str, list[tuple[str, str]]] = {}
    if not path.is_file():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| ") or line.startswith("| paper ") or line.startswith("|---"):
            continue
        # cells are separated by " | "; escaped pipes (\|) inside cells are not separators
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if len(cells) < 4:
            continue
        out.setdefault(cells[0], []).append((cells[2].replace("\\|", "|"), cells[-2]))
    return out


def blas_info() -> list[str]:
    """Lines describing the BLAS/LAPACK numpy was built with and, if threadpoolctl is
    installed, the thread pools loaded in this process.

    Returns
    -------
    list of str

    Examples
    --------
    >>> any(line.startswith("OPENBLAS_NUM_THREADS=") for line in blas_info())
    True
    """
    import numpy as np

    lines: list[str] = []
    try:
        config = np.show_config(mode="dicts")
        deps = config.get("Build Dependencies", {}) if isinstance(config, dict) else {}
    except (TypeError, ValueError):  # numpy without mode="dicts"
        deps = {}
    for key in ("blas", "lapack"):
        d = deps.get(key, {})
        if d:
            lines.append(f"{key}: {d.get('name', '?')} {d.get('version', '')}".rstrip()
                         + (f" ({d['openblas configuration']})" if d.get("openblas configuration") else ""))
    try:
        import threadpoolctl
    except ImportError:
        lines.append("threadpoolctl: not installed (pip install threadpoolctl for the loaded BLAS)")
    else:
        for pool in threadpoolctl.threadpool_info():
            lines.append(
                f"loaded {pool.get('internal_api', '?')} {pool.get('version', '')}: "
                f"{pool.get('num_threads', '?')} threads, architecture {pool.get('architecture', '?')}")
    for var in _THREAD_VARIABLES:
        lines.append(f"{var}={os.environ.get(var, '(unset)')}")
    return lines


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _cmd_versions(args: argparse.Namespace) -> int:
    import linrec

    print(f"linrec {linrec.__version__}")
    print(f"python {platform.python_version()} ({sys.executable})")
    print(f"platform {platform.platform()} {platform.machine()}")
    for name in _DEPENDENCIES:
        print(f"{name} {_version(name)}")
    for line in blas_info():
        print(line)
    return EXIT_OK


def _cmd_papers(args: argparse.Namespace) -> int:
    root = find_checkout(args.root)
    ledger = read_claims_ledger(root)
    papers = list_papers(root)
    def belongs(lid: str, pid: str) -> bool:  # "answers/residual_rnn" belongs to papers/answers/
        return lid == pid or lid.startswith(pid + "/")

    for pid in papers:
        claims = [c for lid, rows in ledger.items() if belongs(lid, pid) for c in rows]
        failed = sum(result != "pass" for _, result in claims)
        status = f"{len(claims)} claims" + (f", {failed} not passing" if failed else "")
        print(f"{pid}: {status}")
        if args.claims:
            for text, result in claims:
                print(f"  [{result}] {text}")
    others = sorted(lid for lid in ledger if not any(belongs(lid, pid) for pid in papers))
    if others:
        print(f"claims under ids without a papers/ folder: {', '.join(others)}")
    if not ledger:
        print("no papers/CLAIMS.md yet: `make claims` or `linrec claims` writes it")
    return EXIT_OK


def _script_takes_executor_flags(script: Path) -> bool:
    # the sweep scripts add --jobs/--dask through linrec.sweep.add_executor_arguments
    return "add_executor_arguments" in script.read_text(encoding="utf-8")


def _cmd_figures(args: argparse.Namespace) -> int:
    root = find_checkout(args.root)
    papers = list_papers(root)
    if args.paper not in papers:
        print(f"linrec figures: unknown paper {args.paper!r}; known: {', '.join(papers)}", file=sys.stderr)
        return EXIT_USAGE
    scripts = sorted((root / "papers" / args.paper).glob("fig*.py"))
    if not scripts:
        print(f"linrec figures: papers/{args.paper}/ has no fig*.py scripts", file=sys.stderr)
        return EXIT_USAGE
    env = dict(os.environ, PROFILE=args.profile, MPLBACKEND="Agg")
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    failed = []
    for i, script in enumerate(scripts, 1):
        cmd = [sys.executable, str(script)]
        if _script_takes_executor_flags(script):
            cmd += ["--jobs", str(args.jobs)] + (["--dask", args.dask] if args.dask else [])
        t0 = time.perf_counter()
        # output captured, then printed as one block under the script's own header
        proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
        dt = time.perf_counter() - t0
        ok = proc.returncode == 0
        print(f"[figures {i}/{len(scripts)}] papers/{args.paper}/{script.name} "
              f"({'ok' if ok else f'FAILED, exit {proc.returncode}'}, {dt:.1f} s)")
        block = (proc.stdout + proc.stderr).rstrip()
        if block:
            print("\n".join("    " + line for line in block.splitlines()))
        sys.stdout.flush()
        if not ok:
            failed.append(script.name)
    if failed:
        print(f"linrec figures: {len(failed)} of {len(scripts)} scripts failed: {', '.join(failed)}",
              file=sys.stderr)
        return EXIT_FAILED
    print(f"[figures] done: {len(scripts)} scripts; outputs under {root / 'figures' / args.paper}")
    return EXIT_OK


def _cmd_claims(args: argparse.Namespace) -> int:
    root = find_checkout(args.root)
    claims_dir = root / "tests" / "claims"
    if args.paper is None:
        targets = [str(claims_dir)]
    else:
        targets = sorted(str(p) for p in claims_dir.glob(f"test_{args.paper}*.py"))
        if not targets:
            known = sorted({re.sub(r"_(training|models|scan|discretization)$", "", p.stem[5:])
                            for p in claims_dir.glob("test_*.py")})
            print(f"linrec claims: no claim tests for {args.paper!r} (tests/claims/test_{args.paper}*.py); "
                  f"known: {', '.join(known)}", file=sys.stderr)
            return EXIT_USAGE
    cmd = [sys.executable, "-m", "pytest", "-q", "-m", "claim", f"--seed-offset={args.seed_offset}", *targets]
    if args.jobs > 1:
        cmd[3:3] = ["-n", str(args.jobs)]
    if args.ledger:
        cmd.append(f"--claims-ledger={args.ledger}")
    env = dict(os.environ, MPLBACKEND="Agg")
    print("[claims] " + " ".join(cmd[1:]))
    sys.stdout.flush()
    rc = subprocess.run(cmd, cwd=root, env=env).returncode
    return EXIT_OK if rc == 0 else (EXIT_USAGE if rc in (4, 5) else EXIT_FAILED)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``linrec`` (see the module docstring).

    Returns
    -------
    argparse.ArgumentParser

    Examples
    --------
    >>> build_parser().parse_args(["claims", "--seed-offset", "7"]).seed_offset
    7
    """
    import linrec

    parser = argparse.ArgumentParser(
        prog="linrec", description="linrec: executable theory of linear recurrent systems.",
        epilog="exit codes: 0 ok, 1 the work failed, 2 usage error or no checkout found")
    parser.add_argument("--version", action="version", version=f"linrec {linrec.__version__}")
    parser.add_argument("--root", default=None, metavar="DIR",
                        help="the project checkout (default: the current directory or a parent)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("papers", help="list the reproduced papers and their claims",
                       description="List papers/<id>/ folders with the number of claims each has in papers/CLAIMS.md.")
    p.add_argument("--claims", action="store_true", help="also print every claim and its result")
    p.set_defaults(func=_cmd_papers)

    p = sub.add_parser("figures", help="regenerate one paper's figures",
                       description="Run papers/PAPER/fig*.py one after the other; each script's output is "
                                   "printed as one block under its header.")
    p.add_argument("paper", help="paper id, e.g. zucchet2024 (see `linrec papers`)")
    p.add_argument("--profile", choices=("quick", "full"), default="quick",
                   help="quick (minutes) or full (the paper's protocol; hours for training sweeps)")
    p.add_argument("--jobs", type=_positive_int, default=1,
                   help="worker processes for the training sweeps (default 1)")
    p.add_argument("--dask", default=None, metavar="ADDRESS",
                   help="dask.distributed scheduler address for the training sweeps (with --jobs 1)")
    p.set_defaults(func=_cmd_figures)

    p = sub.add_parser("claims", help="run the claim tests",
                       description="Run pytest -m claim on tests/claims (all, or one paper's files).")
    p.add_argument("paper", nargs="?", default=None, help="only this paper's claim tests")
    p.add_argument("--seed-offset", type=_int, default=0,
                   help="shift every seed the claim tests draw with (claims must hold for any)")
    p.add_argument("--jobs", type=_positive_int, default=1, help="pytest-xdist workers (default 1)")
    p.add_argument("--ledger", default=None, metavar="FILE",
                   help="write the claims ledger (Markdown) to FILE, as `make claims` does")
    p.set_defaults(func=_cmd_claims)

    p = sub.add_parser("versions", help="print versions and the BLAS configuration",
                       description="Versions of linrec, Python and the dependencies; numpy's BLAS/LAPACK.")
    p.set_defaults(func=_cmd_versions)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``linrec`` command line.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments without the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code: 0 ok, 1 the work failed, 2 usage error or no checkout found.

    Examples
    --------
    >>> main(["--version"])  # doctest: +SKIP
    linrec 0.1.0
    0
    >>> main(["figures", "--jobs", "0", "demo"])  # argparse prints the usage error to stderr
    2
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version (0) and usage errors (2)
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    if args.command == "figures" and args.dask and args.jobs > 1:
        print("linrec figures: --dask and --jobs > 1 exclude each other", file=sys.stderr)
        return EXIT_USAGE
    try:
        return args.func(args)
    except CheckoutNotFound as exc:
        print(f"linrec {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # output piped into e.g. `head`, which closed the pipe: not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
