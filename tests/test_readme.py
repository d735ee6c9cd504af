"""The README's code runs as pasted, and its module table is complete.

Every ```python block of README.md is written to a file in a temporary directory and run there
as a script in a fresh interpreter (``cwd`` = that directory, so nothing the examples write lands
in the checkout; ``MPLBACKEND=Agg``; warnings are errors as in the rest of the suite). Blocks
with an ``if __name__ == "__main__":`` guard start worker processes: they are run with the
``spawn`` start method forced (the default on macOS and Windows), under which every worker
re-imports the script, and they must do all their work under the guard.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import linrec

README = Path(__file__).resolve().parent.parent / "README.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
# forced before the block's own code; re-executed (harmlessly, force=True) by spawned workers
_SPAWN = 'import multiprocessing\nmultiprocessing.set_start_method("spawn", force=True)\n'


def _blocks() -> list[str]:
    return _BLOCK.findall(README.read_text(encoding="utf-8"))


def _is_guard(node: ast.stmt) -> bool:
    if not isinstance(node, ast.If):
        return False
    t = node.test
    return (isinstance(t, ast.Compare) and isinstance(t.left, ast.Name) and t.left.id == "__name__"
            and len(t.comparators) == 1 and isinstance(t.comparators[0], ast.Constant)
            and t.comparators[0].value == "__main__")


def _guarded(code: str) -> bool:
    return any(_is_guard(node) for node in ast.parse(code).body)


BLOCKS = _blocks()


def test_readme_has_python_blocks():
    # the examples of "Using it in an analysis script": moments, scan, training + sweep
    assert len(BLOCKS) >= 3


def _params():
    out = []
    for i, code in enumerate(BLOCKS):
        marks = [pytest.mark.slow] if _guarded(code) else []  # the sweep example trains (~6 s)
        out.append(pytest.param(i, code, id=f"block{i}", marks=marks))
    return out


@pytest.mark.parametrize(("index", "code"), _params())
def test_readme_block_runs_as_pasted(index, code, tmp_path):
    guarded = _guarded(code)
    if guarded:
        # spawn safety: at top level only imports, definitions and the guard
        allowed = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)
        outside = [node.lineno for node in ast.parse(code).body
                   if not isinstance(node, allowed) and not _is_guard(node)]
        assert outside == [], f"README block {index}: statements outside the __main__ guard at lines {outside}"
    script = tmp_path / f"readme_block{index}.py"
    script.write_text((_SPAWN if guarded else "") + code, encoding="utf-8")
    env = {**os.environ, "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    env.pop("LINREC_OUTPUT_DIR", None)
    proc = subprocess.run([sys.executable, "-W", "error", script.name], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, f"README block {index} failed:\n{code}\n--- stderr ---\n{proc.stderr}"
    assert proc.stdout.strip(), f"README block {index} prints nothing"
    if guarded:
        # the work ran once: a worker re-importing the script under spawn would repeat its prints
        lines = proc.stdout.strip().splitlines()
        assert len(lines) == len(set(lines)), f"README block {index} repeated output:\n{proc.stdout}"
    sweep = re.search(r'run_sweep\([^,]+,\s*[^,]+,\s*"([^"]+)"', code)
    if sweep:  # a relative run directory lands under the cwd, one .json sidecar per finished run
        assert list((tmp_path / sweep.group(1)).glob("*.json")), f"no runs under {tmp_path / sweep.group(1)}"


def test_readme_module_table_is_complete():
    text = README.read_text(encoding="utf-8")
    table = text[text.index("## What is inside"):text.index("## Reproduced papers")]
    rows = [line for line in table.splitlines() if line.startswith("| `linrec.")]
    listed = set()
    for row in rows:
        first = row.split("|")[1]
        listed.update(name.removeprefix("linrec.") for name in re.findall(r"`([\w.]+)`", first))
    expected = set(linrec._SUBMODULES) | {"plotting"}
    assert expected <= listed, f"missing from the README module table: {sorted(expected - listed)}"
    assert listed <= expected, f"not a linrec subpackage: {sorted(listed - expected)}"
