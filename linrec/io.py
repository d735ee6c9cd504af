"""The only module that touches the filesystem.

Results are stored as an ``.npz`` file of arrays with a ``.json`` sidecar of metadata, each
written atomically (temporary file in the same directory, then ``os.replace``), so that an
interrupted writer never leaves a corrupt file. Figures are saved as PNG and PDF with
metadata stripped of timestamps, so the same data give byte-identical files.

Outputs are written under :func:`output_dir`: the caller's folder, else ``$LINREC_OUTPUT_DIR``,
else the current directory, never inside the installed package.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "atomic_write_bytes",
    "remove_stale_temporaries",
    "save_arrays",
    "load_arrays",
    "save_figure",
    "figure_dir",
    "output_dir",
    "OUTPUT_DIR_ENV",
    "repo_root",
    "get_profile",
    "PROFILES",
    "render_blocks",
    "render_page",
]

PROFILES = ("quick", "full")


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file + ``os.replace``).

    Parameters
    ----------
    path : str or path-like
        Destination; parent directories are created.
    data : bytes
        Content.

    Returns
    -------
    pathlib.Path
        The destination path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = tempfile.mkdtemp()
    >>> atomic_write_bytes(pathlib.Path(d) / "x.bin", b"abc").read_bytes()
    b'abc'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


# the temporary names of atomic_write_bytes: mkstemp(prefix=".<name>.", suffix=".tmp") appends 8
# characters from [a-z0-9_] (tempfile's name sequence) -> ".<name>.<8 chars>.tmp"
_TEMP_NAME = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp")


def remove_stale_temporaries(directory: str | os.PathLike, older_than: float = 600.0) -> list[Path]:
    """Delete temporary files that an interrupted :func:`atomic_write_bytes` left in a directory.

    A writer killed between creating its temporary file and ``os.replace`` (e.g. by SIGKILL)
    leaves a hidden ``.<name>.<8 random characters>.tmp`` next to the destination; the
    destination itself is never corrupt. This removes such files, and only those: regular files
    directly in ``directory`` (not recursive) whose name matches that pattern and whose last
    modification is at least ``older_than`` seconds ago, so that a write in progress in
    another process (which takes well under a second: the content is serialised in memory and
    written in one call) is left alone.

    Parameters
    ----------
    directory : str or path-like
        Directory to clean. A missing directory is not an error (nothing to remove).
    older_than : float, optional
        Minimum age in seconds (by modification time) of a temporary file to remove (default
        600, ten minutes; 0 removes every matching file).

    Returns
    -------
    list of pathlib.Path
        The removed files, sorted.

    Raises
    ------
    ValueError
        If ``older_than`` is negative or not finite.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for name in (".run.npz.k3x9_a0q.tmp", "run.npz", ".notes.tmp", "keep.tmp"):
    ...     _ = (d / name).write_bytes(b"")
    >>> [p.name for p in remove_stale_temporaries(d, older_than=0)]
    ['.run.npz.k3x9_a0q.tmp']
    >>> sorted(p.name for p in d.iterdir())
    ['.notes.tmp', 'keep.tmp', 'run.npz']
    """
    older_than = float(older_than)
    if not (older_than >= 0 and np.isfinite(older_than)):
        raise ValueError(f"older_than must be a finite number of seconds >= 0; got {older_than!r}")
    directory = Path(directory)
    if not directory.is_dir():
        return []
    cutoff = time.time() - older_than
    removed = []
    for entry in os.scandir(directory):
        if not _TEMP_NAME.fullmatch(entry.name):
            continue
        try:
            if not entry.is_file(follow_symlinks=False) or entry.stat(follow_symlinks=False).st_mtime > cutoff:
                continue
            os.unlink(entry.path)
        except FileNotFoundError:  # its writer finished (os.replace) or another cleaner removed it
            continue
        removed.append(Path(entry.path))
    return sorted(removed)


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, complex):
        return {"real": obj.real, "imag": obj.imag}
    return obj


def save_arrays(
    path: str | os.PathLike, arrays: Mapping[str, Any], meta: Mapping[str, Any] | None = None
) -> Path:
    """Save arrays to ``path`` (``.npz``) and metadata to a ``.json`` sidecar, atomically.

    The sidecar is written last, so its presence marks a complete result.

    Parameters
    ----------
    path : str or path-like
        Destination; the suffix is forced to ``.npz``.
    arrays : mapping of str to array_like
        Arrays to store.
    meta : mapping, optional
        JSON-serialisable metadata (numpy scalars and arrays are converted).

    Returns
    -------
    pathlib.Path
        The ``.npz`` path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = save_arrays(pathlib.Path(tempfile.mkdtemp()) / "r", {"x": np.arange(3)}, {"seed": 1})
    >>> load_arrays(p)[1]["seed"]
    1
    """
    import io as _io

    path = Path(path).with_suffix(".npz")
    buf = _io.BytesIO()
    np.savez(buf, **{k: np.asarray(v) for k, v in arrays.items()})
    atomic_write_bytes(path, buf.getvalue())
    side = json.dumps(_jsonable(dict(meta or {})), indent=1, sort_keys=True).encode()
    atomic_write_bytes(path.with_suffix(".json"), side)
    return path


def load_arrays(path: str | os.PathLike) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Load what :func:`save_arrays` wrote.

    Parameters
    ----------
    path : str or path-like
        The ``.npz`` path (or the same stem).

    Returns
    -------
    arrays : dict of str to numpy.ndarray
        The stored arrays.
    meta : dict
        The sidecar's metadata.

    Raises
    ------
    FileNotFoundError
        If the result or its sidecar is missing (an incomplete result).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = save_arrays(pathlib.Path(tempfile.mkdtemp()) / "r", {"x": np.arange(3)})
    >>> load_arrays(p)[0]["x"]
    array([0, 1, 2])
    """
    path = Path(path).with_suffix(".npz")
    side = path.with_suffix(".json")
    if not side.exists():
        raise FileNotFoundError(f"no complete result at {path} (missing sidecar {side.name})")
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    meta = json.loads(side.read_text())
    return arrays, meta


OUTPUT_DIR_ENV = "LINREC_OUTPUT_DIR"


def output_dir(root: str | os.PathLike | None = None) -> Path:
    """Return the folder under which figures and sweep runs are written (not created).

    The first of: ``root`` if given, else the environment variable ``LINREC_OUTPUT_DIR`` if set
    and non-empty, else the current working directory. Never a folder inside the installed
    package: ``make figures`` runs the scripts from the repository root, so they write to
    ``<checkout>/figures/<paper_id>/`` and ``<checkout>/runs/``, while a script run elsewhere writes
    next to where it is run.

    Parameters
    ----------
    root : str or path-like, optional
        Explicit output folder (relative paths are taken from the current directory).

    Returns
    -------
    pathlib.Path
        The output folder as an absolute path.

    Raises
    ------
    TypeError
        If ``root`` is neither None, a str nor a path-like object.
    ValueError
        If ``root`` is the empty string.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> d = tempfile.mkdtemp()
    >>> output_dir(d) == pathlib.Path(d).absolute()
    True
    """
    if root is None:
        env = os.environ.get(OUTPUT_DIR_ENV, "")
        return Path(env).absolute() if env else Path.cwd()
    if not isinstance(root, (str, os.PathLike)):
        raise TypeError(f"root must be a str, a path-like object or None; got {type(root).__name__}")
    root = os.fspath(root)
    if not isinstance(root, str):
        raise TypeError(f"root must name a path as str, not {type(root).__name__}")
    if not root:
        raise ValueError("root must be a non-empty path (None means $LINREC_OUTPUT_DIR or the current directory)")
    return Path(root).absolute()


def repo_root() -> Path:
    """Return the root of the linrec checkout this package is imported from.

    For reading files of the checkout (``papers/``, ``pyproject.toml``); outputs go to
    :func:`output_dir`, never here.

    Returns
    -------
    pathlib.Path
        The directory holding ``pyproject.toml`` and ``linrec/``.

    Raises
    ------
    FileNotFoundError
        If linrec is not imported from a checkout (e.g. installed from a wheel into
        site-packages, where no ``pyproject.toml`` of linrec sits next to the package).

    Examples
    --------
    >>> (repo_root() / "pyproject.toml").exists()
    True
    """
    root = Path(__file__).resolve().parent.parent
    pyproject = root / "pyproject.toml"
    try:
        is_checkout = 'name = "linrec"' in pyproject.read_text(encoding="utf-8")
    except OSError:
        is_checkout = False
    if not is_checkout:
        raise FileNotFoundError(f"linrec is not imported from a checkout (no linrec pyproject.toml in {root}); "
                                "outputs go to linrec.io.output_dir(), not the installed package")
    return root


def figure_dir(paper_id: str, root: str | os.PathLike | None = None) -> Path:
    """Return (and create) ``figures/<paper_id>/`` under :func:`output_dir`.

    Parameters
    ----------
    paper_id : str
        Paper identifier, e.g. ``"zucchet2024"``.
    root : str or path-like, optional
        Output folder; default ``$LINREC_OUTPUT_DIR``, else the current directory
        (see :func:`output_dir`).

    Returns
    -------
    pathlib.Path
        ``<output folder>/figures/<paper_id>``, created if missing.

    Raises
    ------
    TypeError
        If ``paper_id`` is not a str or ``root`` not a path.
    ValueError
        If ``paper_id`` is not a plain directory name.

    Examples
    --------
    >>> import tempfile
    >>> d = figure_dir("feng2024_minrnn", root=tempfile.mkdtemp())
    >>> d.parent.name, d.name, d.is_dir()
    ('figures', 'feng2024_minrnn', True)
    """
    if not isinstance(paper_id, str):
        raise TypeError(f"paper_id must be a str; got {type(paper_id).__name__}")
    if not paper_id or "/" in paper_id or "\\" in paper_id or paper_id.startswith("."):
        raise ValueError(f"paper_id must be a plain directory name; got {paper_id!r}")
    d = output_dir(root) / "figures" / paper_id
    d.mkdir(parents=True, exist_ok=True)
    return d


def save_figure(fig: Any, stem: str | os.PathLike, *, formats: tuple[str, ...] = ("png", "pdf")) -> list[Path]:
    """Save a matplotlib figure deterministically as ``stem.png`` and ``stem.pdf``.

    Creation dates and software versions are removed from the metadata so that the same
    figure gives the same bytes on every run.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    stem : str or path-like
        Path without suffix.
    formats : tuple of str, optional
        File formats to write.

    Returns
    -------
    list of pathlib.Path
        The written files.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> paths = save_figure(fig, pathlib.Path(tempfile.mkdtemp()) / "f")
    >>> [p.suffix for p in paths]
    ['.png', '.pdf']
    >>> plt.close(fig)
    """
    import io as _io

    stem = Path(stem)
    out = []
    for fmt in formats:
        if fmt == "png":
            meta: dict[str, Any] = {"Software": None}
        elif fmt == "pdf":
            meta = {"Creator": None, "Producer": None, "CreationDate": None}
        elif fmt == "svg":
            meta = {"Date": None, "Creator": None}
        else:
            raise ValueError(f"formats must contain 'png', 'pdf' or 'svg'; got {fmt!r}")
        buf = _io.BytesIO()
        fig.savefig(buf, format=fmt, metadata=meta, dpi=150 if fmt == "png" else None)
        out.append(atomic_write_bytes(stem.with_suffix("." + fmt), buf.getvalue()))
    return out


def get_profile(value: str | None = None) -> str:
    """Return the figure profile: ``value``, else the ``PROFILE`` environment variable, else quick.

    Parameters
    ----------
    value : str, optional
        Explicit profile, ``"quick"`` (minutes on 2 cores) or ``"full"`` (the paper's protocol).

    Returns
    -------
    str
        ``"quick"`` or ``"full"``.

    Examples
    --------
    >>> get_profile("full")
    'full'
    """
    prof = value if value is not None else os.environ.get("PROFILE", "quick") or "quick"
    if prof not in PROFILES:
        raise ValueError(f"PROFILE must be one of {PROFILES}; got {prof!r}")
    return prof


def render_blocks(text: str, blocks: Mapping[str, str], *, tag: str = "generated") -> str:
    """Replace the body of every ``<!-- BEGIN tag:NAME -->`` … ``<!-- END tag:NAME -->`` block.

    Parameters
    ----------
    text : str
        A Markdown page.
    blocks : mapping of str to str
        New body of each block (without a trailing newline).
    tag : str, optional
        Marker word of the blocks (``"generated"``).

    Returns
    -------
    str
        The page with every block's body replaced; text outside blocks is untouched.

    Raises
    ------
    KeyError
        If the page has a block that ``blocks`` does not provide.

    Notes
    -----
    This is how the paper READMEs carry measured numbers: a ``papers/*/render*.py`` script
    computes each block from the data the figure scripts saved (never by hand), and ``make
    figures`` runs it after the scripts.

    Examples
    --------
    >>> page = "a\\n<!-- BEGIN generated:n -->\\nold\\n<!-- END generated:n -->\\nb"
    >>> render_blocks(page, {"n": "42"}).splitlines()[2]
    '42'
    """
    pattern = re.compile(rf"(<!-- BEGIN {re.escape(tag)}:(\w+) -->\n)(.*?)(<!-- END {re.escape(tag)}:\2 -->)", re.S)

    def sub(m: re.Match) -> str:
        if m.group(2) not in blocks:
            raise KeyError(f"the page has a {tag} block {m.group(2)!r} that the renderer does not provide")
        return m.group(1) + blocks[m.group(2)] + "\n" + m.group(4)

    return pattern.sub(sub, text)


def render_page(path: str | os.PathLike, blocks: Mapping[str, str], *, check: bool = False,
                tag: str = "generated") -> bool:
    """Rewrite a page's generated blocks (or, with ``check``, only report whether it is stale).

    Parameters
    ----------
    path : str or path-like
        The Markdown file.
    blocks : mapping of str to str
        New block bodies (see :func:`render_blocks`).
    check : bool, optional
        Do not write; return whether the page already equals its rendering.
    tag : str, optional
        Marker word of the blocks.

    Returns
    -------
    bool
        True if the page is (now) in sync; with ``check``, False when it is stale.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "README.md"
    >>> _ = p.write_text("<!-- BEGIN generated:n -->\\n<!-- END generated:n -->\\n")
    >>> render_page(p, {"n": "1"}, check=True), render_page(p, {"n": "1"}), render_page(p, {"n": "1"}, check=True)
    (False, True, True)
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    out = render_blocks(text, blocks, tag=tag)
    if out == text:
        return True
    if check:
        return False
    atomic_write_bytes(path, out.encode("utf-8"))
    return True
