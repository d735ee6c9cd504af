"""papers/answers/residual_rnn.md is in sync with what its figure scripts compute.

The three ``fig_residual_*.py`` scripts run (quick profile, a few seconds) into a temporary
output folder (``LINREC_OUTPUT_DIR``), the page is rendered from that fresh data by
``render_residual.py``, and every rendered block must equal the committed page. The timing block
is a measurement of whichever machine made the figure, so there only its layout (the text with
every number masked: T grid, methods, columns) must match; its numbers are checked against the
checkout's own saved data by ``render_residual.py --check`` after ``make figures``.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow      # re-runs the page's figure scripts (make test-slow)

HERE = Path(__file__).resolve().parent.parent / "papers" / "answers"
SCRIPTS = ("fig_residual_jacobians.py", "fig_residual_memory.py", "fig_residual_scan.py")
_BLOCK = re.compile(r"<!-- BEGIN rendered:(\w+) -->\n(.*?)<!-- END rendered:\1 -->", re.S)
_NUMBER = re.compile(r"\d+(\.\d+)?(e-?\d+)?")


def _renderer():
    spec = importlib.util.spec_from_file_location("render_residual", HERE / "render_residual.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("answers_residual")
    env = dict(os.environ, LINREC_OUTPUT_DIR=str(root), PROFILE="quick", MPLBACKEND="Agg",
               OPENBLAS_NUM_THREADS="1")
    for script in SCRIPTS:
        proc = subprocess.run([sys.executable, str(HERE / script)], env=env, cwd=root, capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode == 0, f"{script} failed:\n{proc.stderr}"
    return root


def test_page_blocks_match_a_fresh_rendering(fresh: Path) -> None:
    r = _renderer()
    page = dict(_BLOCK.findall((HERE / "residual_rnn.md").read_text(encoding="utf-8")))
    new = r.blocks(fresh)
    assert set(page) == set(new), f"page blocks {sorted(page)} != renderer blocks {sorted(new)}"
    for name, body in new.items():
        if name == r.SCAN_BLOCK:
            assert _NUMBER.sub("#", page[name]) == _NUMBER.sub("#", body + "\n"), \
                "scan block layout differs from a fresh rendering; run papers/answers/render_residual.py"
        else:
            assert page[name] == body + "\n", f"block {name} is stale; run papers/answers/render_residual.py"


def test_stale_page_is_detected(fresh: Path) -> None:
    r = _renderer()
    text = (HERE / "residual_rnn.md").read_text(encoding="utf-8")
    stale = _BLOCK.sub(lambda m: f"<!-- BEGIN rendered:{m.group(1)} -->\nold\n<!-- END rendered:{m.group(1)} -->",
                       text)
    assert r.render(stale, r.blocks(fresh)) != stale        # negative control: a stale page differs
    with pytest.raises(ValueError, match="rendered:jacobians"):
        r.render("no blocks here", {"jacobians": "x"})
