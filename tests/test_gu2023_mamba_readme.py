"""papers/gu2023_mamba/README.md is in sync with what its figure scripts compute.

The folder's figure scripts run (quick profile) into a temporary output folder
(``LINREC_OUTPUT_DIR``), the README's generated blocks are rendered from that fresh data by
``render_readme.py``, and every block must equal the committed README. The parity block reports
training runs, whose digits can differ between CPUs (BLAS kernels round differently), so there only
its layout (the text with every number masked) must match.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent.parent / "papers" / "gu2023_mamba"
_BLOCK = re.compile(r"<!-- BEGIN generated:(\w+) -->\n(.*?)<!-- END generated:\1 -->", re.S)
_NUMBER = re.compile(r"\d+(\.\d+)?(e-?\d+)?")

pytestmark = pytest.mark.slow


def _renderer():
    spec = importlib.util.spec_from_file_location("render_gu2023", HERE / "render_readme.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gu2023_mamba")
    env = dict(os.environ, LINREC_OUTPUT_DIR=str(root), PROFILE="quick", MPLBACKEND="Agg",
               OPENBLAS_NUM_THREADS="1")
    for script in sorted(HERE.glob("fig_*.py")):
        proc = subprocess.run([sys.executable, str(script)], env=env, cwd=root, capture_output=True,
                              text=True, timeout=240)
        assert proc.returncode == 0, f"{script.name} failed:\n{proc.stderr}"
    return root


def test_readme_blocks_match_a_fresh_rendering(fresh: Path) -> None:
    r = _renderer()
    page = dict(_BLOCK.findall((HERE / "README.md").read_text(encoding="utf-8")))
    new = r.blocks(fresh)
    assert set(page) == set(new), f"README blocks {sorted(page)} != renderer blocks {sorted(new)}"
    for name, body in new.items():
        if name in r.TRAINING_BLOCKS:
            assert _NUMBER.sub("#", page[name]) == _NUMBER.sub("#", body + "\n"), \
                f"{name} block layout differs from a fresh rendering; run papers/gu2023_mamba/render_readme.py"
        else:
            assert page[name] == body + "\n", f"block {name} is stale; run papers/gu2023_mamba/render_readme.py"


def test_stale_readme_is_detected(fresh: Path) -> None:
    r = _renderer()
    text = (HERE / "README.md").read_text(encoding="utf-8")
    stale = _BLOCK.sub(lambda m: m.group(0).replace(m.group(2), "typed by hand\n"), text, count=1)
    assert r.render(stale, r.blocks(fresh)) != stale
