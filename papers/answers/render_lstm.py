"""Render the numbers of papers/answers/relu_vs_lstm.md from the saved figure data.

Reads ``figures/answers/lstm_gradients.npz`` (written by ``fig_lstm_gradients.py``) and rewrites
every block of the page between ``<!-- BEGIN rendered:NAME -->`` and ``<!-- END rendered:NAME -->``.
Nothing here computes a result; run the figure script first::

    .venv/bin/python papers/answers/fig_lstm_gradients.py    # (make figures runs it)
    .venv/bin/python papers/answers/render_lstm.py           # rewrite the page
    .venv/bin/python papers/answers/render_lstm.py --check   # exit 1 if the page is stale

``--root DIR`` reads ``DIR/figures/answers`` instead of the checkout's.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

from linrec.io import load_arrays

HERE = Path(__file__).resolve().parent
PAGE = HERE / "relu_vs_lstm.md"
REPO = HERE.parent.parent
ID = "answers"


def fmt(x: float, digits: int = 3) -> str:
    """A number with ``digits`` significant digits, scientific outside [1e-3, 1e4)."""
    x = float(x)
    if x != 0 and (abs(x) < 1e-3 or abs(x) >= 1e4):
        return f"{x:.{digits - 1}e}".replace("e-0", "e-").replace("e+0", "e").replace("e+", "e")
    return f"{x:.{digits}g}"


def _load(root: Path):
    return load_arrays(root / "figures" / ID / "lstm_gradients.npz")


def relu(root: Path) -> str:
    """Per Perron root: active fraction, measured ||dh_T/dh_0|| (median) and r^T."""
    a, meta = _load(root)
    T = int(meta["T"])
    lines = [f"N = {meta['N']}, T = {T}, {meta['n_W']} draws per row (figure data, `{ID}/lstm_gradients.npz`):", "",
             "| W | units active | ‖dh_T/dh_0‖ (median, min – max) | r^T |", "|---|---|---|---|"]
    for r in a["rates"]:
        logs = a[f"relu/{r:g}/log_norms"][:, -1]
        label = "I (IRNN)" if r == 1.0 else f"W ≥ 0, Perron root {r:g}"
        v = np.exp(logs)
        lines.append(f"| {label} | {np.mean(a[f'relu/{r:g}/active']):.0%} | {fmt(np.median(v))} "
                     f"({fmt(v.min())} – {fmt(v.max())}) | {fmt(r ** T)} |")
    return "\n".join(lines)


def lstm(root: Path) -> str:
    """Per forget bias: the geometric-mean factor per step and |finite difference - prod f| in log."""
    a, meta = _load(root)
    T = int(meta["T"])
    lines = [f"N = {meta['N']}, T = {T}, {meta['n_W']} draws per row:", "",
             "| forget bias | sigmoid(bias) | geometric-mean f_t per step "
             "| dc_T/dc_0 (geometric mean over units, median) "
             "| max \\|log finite difference − log ∏ f_t\\| |", "|---|---|---|---|---|"]
    for bf in a["biases"]:
        meas, pred = a[f"lstm/{bf:g}/log_measured"], a[f"lstm/{bf:g}/log_prod_f"]
        lines.append(f"| {bf:g} | {fmt(1 / (1 + np.exp(-bf)))} | {fmt(np.exp(np.mean(pred[:, -1]) / T))} "
                     f"| {fmt(np.exp(np.median(pred[:, -1])))} | {fmt(np.max(np.abs(meas - pred)), 2)} |")
    return "\n".join(lines)


ADDING_BLOCK = "adding"     # training result: measured data, trajectories differ across CPUs/BLAS


def adding(root: Path) -> str:
    """Solved counts (final MSE below ``solved`` x 1/24) per model and length, with the seed count."""
    a, meta = load_arrays(root / "figures" / ID / "lstm_adding.npz")
    ratio, lengths = a["ratio"], a["lengths"]
    n = int(meta["seeds"])
    lines = [f"Hidden {meta['hidden']}, {meta['steps']} Adam steps, {n} seeds per cell; solved = final MSE below "
             f"{fmt(meta['solved'])} × 1/24 (diverged runs count as unsolved); cells: solved / seeds "
             "(median final MSE / (1/24)):", "",
             "| model | " + " | ".join(f"T = {T}" for T in lengths) + " |", "|---|" + "---|" * len(lengths)]
    for i, name in enumerate(meta["models"]):
        cells = []
        for j in range(len(lengths)):
            r = ratio[i, j]
            cells.append(f"{int(np.sum(r < meta['solved']))} / {n} ({fmt(np.median(r), 2)})")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def blocks(root: Path = REPO) -> dict[str, str]:
    """Every rendered block of the page, from the data under ``root/figures/answers``."""
    return {"relu": relu(root), "lstm": lstm(root), ADDING_BLOCK: adding(root)}


def render(text: str, new: dict[str, str]) -> str:
    """Replace each ``rendered:NAME`` block of ``text``; ValueError naming a block that is missing."""
    for name, body in new.items():
        pat = re.compile(rf"(<!-- BEGIN rendered:{name} -->\n).*?(<!-- END rendered:{name} -->)", re.S)
        if not pat.search(text):
            raise ValueError(f"text has no block rendered:{name}")
        text = pat.sub(lambda m, b=body: m.group(1) + b + "\n" + m.group(2), text)
    return text


def main(check: bool = False, root: Path = REPO) -> int:
    """Rewrite the page (or with ``check`` only compare); return the exit code."""
    text = PAGE.read_text(encoding="utf-8")
    new = render(text, blocks(root))
    if check:
        if new != text:
            print(f"{PAGE} is stale; run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the page differs from the rendering")
    ap.add_argument("--root", type=Path, default=REPO, help="folder holding figures/answers (default: the checkout)")
    args = ap.parse_args()
    sys.exit(main(args.check, args.root))
