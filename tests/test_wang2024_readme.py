"""papers/wang2024_stablessm/README.md: its training numbers are rendered from the figure data.

The learning-rate sweep and gradient-ratio scripts run (quick profile) into a temporary output
folder, the README's generated blocks are rendered from that fresh data, and their layout (the
text with every number masked) must equal the committed README's: training trajectories depend on
the CPU's BLAS kernels, so ``render_readme.py --check`` after ``make figures`` compares the numbers
themselves. The reviewer-found hand-typed ranges must not come back.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent.parent / "papers" / "wang2024_stablessm"
SCRIPTS = ("fig_train_lr_sweep.py", "fig_train_grad_ratio.py")
_BLOCK = re.compile(r"<!-- BEGIN generated:(\w+) -->\n(.*?)<!-- END generated:\1 -->", re.S)
_NUMBER = re.compile(r"\d+(\.\d+)?(e-?\d+)?")

pytestmark = pytest.mark.slow


def _renderer():
    spec = importlib.util.spec_from_file_location("render_wang", HERE / "render_readme.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("wang2024")
    env = dict(os.environ, LINREC_OUTPUT_DIR=str(root), PROFILE="quick", MPLBACKEND="Agg",
               OPENBLAS_NUM_THREADS="1")
    for script in SCRIPTS:
        proc = subprocess.run([sys.executable, str(HERE / script)], env=env, cwd=root, capture_output=True,
                              text=True, timeout=240)
        assert proc.returncode == 0, f"{script} failed:\n{proc.stderr}"
    return root


def test_readme_blocks_have_the_layout_of_a_fresh_rendering(fresh: Path) -> None:
    r = _renderer()
    page = dict(_BLOCK.findall((HERE / "README.md").read_text(encoding="utf-8")))
    new = r.blocks(fresh)
    assert set(page) == set(new), f"README blocks {sorted(page)} != renderer blocks {sorted(new)}"
    assert set(new) == set(r.TRAINING_BLOCKS)
    for name, body in new.items():
        assert _NUMBER.sub("#", page[name]) == _NUMBER.sub("#", body + "\n"), \
            f"block {name} differs from a fresh rendering; run papers/wang2024_stablessm/render_readme.py"


def test_typed_numbers_outside_blocks_are_gone() -> None:
    text = (HERE / "README.md").read_text(encoding="utf-8")
    assert "5·10⁻⁵–4·10⁻⁴" not in text and "1–2 orders of magnitude above" not in text
