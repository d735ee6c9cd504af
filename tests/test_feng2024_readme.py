"""papers/feng2024_minrnn/README.md: its measured numbers are rendered from the figure data.

The scan-accuracy and step-time scripts run (quick profile) into a temporary output folder, the
README's generated blocks are rendered from that fresh data, and their layout (the text with every
number masked) must equal the committed README's: rounding errors of exp/log-based scans and step
timings depend on the CPU, so only ``render_readme.py --check`` after ``make figures`` compares
the numbers themselves (against the checkout's own data). A hand-typed number in a block fails.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent.parent / "papers" / "feng2024_minrnn"
SCRIPTS = ("fig_scan_accuracy.py", "fig_train_step_time.py")
_BLOCK = re.compile(r"<!-- BEGIN generated:(\w+) -->\n(.*?)<!-- END generated:\1 -->", re.S)
_NUMBER = re.compile(r"\d+(\.\d+)?(e-?\d+)?")

pytestmark = pytest.mark.slow


def _renderer():
    spec = importlib.util.spec_from_file_location("render_feng", HERE / "render_readme.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("feng2024")
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
    assert set(new) == set(r.MACHINE_BLOCKS)
    for name, body in new.items():
        assert _NUMBER.sub("#", page[name]) == _NUMBER.sub("#", body + "\n"), \
            f"block {name} differs from a fresh rendering; run papers/feng2024_minrnn/render_readme.py"


def test_typed_numbers_outside_blocks_are_gone() -> None:
    text = (HERE / "README.md").read_text(encoding="utf-8")
    assert "50-70" not in text and "50–70" not in text
