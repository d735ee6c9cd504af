"""The paper READMEs whose measured numbers are rendered from figure data are in sync with it.

For each folder the figure scripts that feed ``render_readme.py`` run (quick profile) into a
temporary output folder and every generated block of the README must equal a rendering from that
fresh data. Blocks of training runs, timings and exp/log rounding depend on the CPU (BLAS and libm
kernels), so only their layout (numbers masked) is compared; ``render_readme.py --check`` after
``make figures`` compares their numbers against the checkout's own data.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from linrec.io import render_blocks, render_page

_spec = importlib.util.spec_from_file_location("readme_sync", Path(__file__).with_name("readme_sync.py"))
_sync = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_sync)
PAPERS, assert_in_sync, renderer, run_scripts = _sync.PAPERS, _sync.assert_in_sync, _sync.renderer, _sync.run_scripts

pytestmark = pytest.mark.slow

FOLDERS = {
    # folder: (scripts feeding the renderer, name of the renderer's machine-dependent block tuple)
    "gu2023_mamba": (("fig_discretization.py", "fig_parity.py", "fig_selective_memory.py"), "TRAINING_BLOCKS"),
    "feng2024_minrnn": (("fig_scan_accuracy.py", "fig_train_step_time.py"), "MACHINE_BLOCKS"),
    "wang2024_stablessm": (("fig_train_lr_sweep.py", "fig_train_grad_ratio.py"), "TRAINING_BLOCKS"),
}
TYPED_BY_HAND = {  # reviewer-found hand-typed numbers that contradicted the data
    "feng2024_minrnn": ("50-70", "50–70"),
    "wang2024_stablessm": ("5·10⁻⁵–4·10⁻⁴", "1–2 orders of magnitude above"),
}


@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_readme_blocks_match_a_fresh_rendering(folder: str, tmp_path: Path) -> None:
    scripts, attr = FOLDERS[folder]
    root = run_scripts(folder, scripts, tmp_path)
    assert_in_sync(folder, root, getattr(renderer(folder), attr))


@pytest.mark.parametrize("folder", sorted(TYPED_BY_HAND))
def test_contradicted_numbers_are_gone(folder: str) -> None:
    text = (PAPERS / folder / "README.md").read_text(encoding="utf-8")
    for typed in TYPED_BY_HAND[folder]:
        assert typed not in text


def test_a_stale_block_is_detected(tmp_path: Path) -> None:
    # a hand edit inside a block makes render_page --check report the page stale
    r = renderer("feng2024_minrnn")
    page = tmp_path / "README.md"
    fake = {name: "rendered" for name in r.BLOCKS}
    page.write_text(render_blocks((PAPERS / "feng2024_minrnn" / "README.md").read_text(encoding="utf-8"), fake),
                    encoding="utf-8")
    assert render_page(page, fake, check=True)
    page.write_text(page.read_text(encoding="utf-8").replace("rendered", "typed 60x", 1), encoding="utf-8")
    assert not render_page(page, fake, check=True)
