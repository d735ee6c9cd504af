"""Shared plumbing of the README sync tests: run a folder's figure scripts into a temporary
output folder and compare the README's generated blocks with a fresh rendering.

A paper folder's ``render_readme.py`` defines ``blocks(root) -> {name: body}`` and names its
machine-dependent blocks (training runs, timings, libm-dependent rounding) in a tuple attribute;
for those only the layout (every number masked) must match, for the others the text itself.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

PAPERS = Path(__file__).resolve().parent.parent / "papers"
BLOCK = re.compile(r"<!-- BEGIN generated:(\w+) -->\n(.*?)<!-- END generated:\1 -->", re.S)
NUMBER = re.compile(r"\d+(\.\d+)?(e-?\d+)?")


def renderer(folder: str) -> ModuleType:
    """Import ``papers/<folder>/render_readme.py`` as a module."""
    spec = importlib.util.spec_from_file_location(f"render_{folder}", PAPERS / folder / "render_readme.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_scripts(folder: str, scripts: tuple[str, ...], root: Path) -> Path:
    """Run the scripts (quick profile, one BLAS thread) with ``LINREC_OUTPUT_DIR=root``."""
    env = dict(os.environ, LINREC_OUTPUT_DIR=str(root), PROFILE="quick", MPLBACKEND="Agg",
               OPENBLAS_NUM_THREADS="1")
    for script in scripts:
        proc = subprocess.run([sys.executable, str(PAPERS / folder / script)], env=env, cwd=root,
                              capture_output=True, text=True, timeout=240)
        assert proc.returncode == 0, f"{script} failed:\n{proc.stderr}"
    return root


def assert_in_sync(folder: str, root: Path, layout_only: tuple[str, ...]) -> None:
    """Every generated block of the README equals a rendering from ``root`` (layout only where asked)."""
    r = renderer(folder)
    page = dict(BLOCK.findall((PAPERS / folder / "README.md").read_text(encoding="utf-8")))
    new = r.blocks(root)
    assert set(page) == set(new), f"README blocks {sorted(page)} != renderer blocks {sorted(new)}"
    for name, body in new.items():
        if name in layout_only:
            assert NUMBER.sub("#", page[name]) == NUMBER.sub("#", body + "\n"), \
                f"{name} block layout differs from a fresh rendering; run papers/{folder}/render_readme.py"
        else:
            assert page[name] == body + "\n", f"block {name} is stale; run papers/{folder}/render_readme.py"
