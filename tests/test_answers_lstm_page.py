"""papers/answers/relu_vs_lstm.md is in sync with what its figure script computes.

``fig_lstm_gradients.py`` (about two seconds) and ``fig_lstm_adding.py`` (about 20 s, a small
training run) run with the quick profile into a temporary output folder (``LINREC_OUTPUT_DIR``),
the page is rendered from that fresh data by ``render_lstm.py``, and every rendered block must
equal the committed page. The adding block is a training result, whose trajectories differ across
CPUs and BLAS builds, so there only its layout (every number masked) must match; its numbers are
checked against the checkout's own saved data by ``render_lstm.py --check`` after ``make figures``.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent.parent / "papers" / "answers"
SCRIPTS = ("fig_lstm_gradients.py", "fig_lstm_adding.py")
_NUMBER = re.compile(r"\d+(\.\d+)?(e-?\d+)?")
_BLOCK = re.compile(r"<!-- BEGIN rendered:(\w+) -->\n(.*?)<!-- END rendered:\1 -->", re.S)


def _renderer():
    spec = importlib.util.spec_from_file_location("render_lstm", HERE / "render_lstm.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("answers_lstm")
    env = dict(os.environ, LINREC_OUTPUT_DIR=str(root), PROFILE="quick", MPLBACKEND="Agg",
               OPENBLAS_NUM_THREADS="1")
    for script in SCRIPTS:
        proc = subprocess.run([sys.executable, str(HERE / script)], env=env, cwd=root, capture_output=True,
                              text=True, timeout=300)
        assert proc.returncode == 0, f"{script} failed:\n{proc.stderr}"
    return root


@pytest.mark.slow
def test_page_blocks_match_a_fresh_rendering(fresh: Path) -> None:
    r = _renderer()
    page = dict(_BLOCK.findall((HERE / "relu_vs_lstm.md").read_text(encoding="utf-8")))
    new = r.blocks(fresh)
    assert set(page) == set(new), f"page blocks {sorted(page)} != renderer blocks {sorted(new)}"
    for name, body in new.items():
        if name == r.ADDING_BLOCK:
            assert _NUMBER.sub("#", page[name]) == _NUMBER.sub("#", body + "\n"), \
                "adding block layout differs from a fresh rendering; run papers/answers/render_lstm.py"
        else:
            assert page[name] == body + "\n", f"block {name} is stale; run papers/answers/render_lstm.py"


@pytest.mark.slow
def test_stale_page_is_detected(fresh: Path) -> None:
    r = _renderer()
    text = (HERE / "relu_vs_lstm.md").read_text(encoding="utf-8")
    stale = _BLOCK.sub(lambda m: f"<!-- BEGIN rendered:{m.group(1)} -->\nold\n<!-- END rendered:{m.group(1)} -->",
                       text)
    assert r.render(stale, r.blocks(fresh)) != stale        # negative control: a stale page differs
    with pytest.raises(ValueError, match="rendered:relu"):
        r.render("no blocks here", {"relu": "x"})
