"""Render the measured training numbers of papers/wang2024_stablessm/README.md from the figure data.

Reads ``figures/wang2024_stablessm/train_lr_sweep.npz`` and ``train_grad_ratio.npz`` (written by
``fig_train_lr_sweep.py`` and ``fig_train_grad_ratio.py``) and rewrites the README blocks between
``<!-- BEGIN generated:NAME -->`` and ``<!-- END generated:NAME -->``. Nothing here trains::

    .venv/bin/python papers/wang2024_stablessm/fig_train_lr_sweep.py      # (make figures runs both)
    .venv/bin/python papers/wang2024_stablessm/render_readme.py           # rewrite the README
    .venv/bin/python papers/wang2024_stablessm/render_readme.py --check   # exit 1 if it is stale

``--root DIR`` reads ``DIR/figures/wang2024_stablessm`` instead of the checkout's.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from linrec.io import load_arrays, render_page

HERE = Path(__file__).resolve().parent
README = HERE / "README.md"
REPO = HERE.parent.parent
ID = "wang2024_stablessm"
#: training runs: their digits depend on the CPU's BLAS kernels, so the sync test compares layouts
TRAINING_BLOCKS = ("lr_table", "grad_ratio")


def fmt(x: float) -> str:
    """Two significant digits; scientific outside [1e-2, 1e4)."""
    x = float(x)
    if not np.isfinite(x):
        return "∞" if x > 0 else "n/a"
    if x != 0 and (abs(x) < 1e-2 or abs(x) >= 1e4):
        return f"{x:.1e}".replace("e-0", "e-").replace("e+0", "e").replace("e+", "e")
    return f"{x:.2g}" if abs(x) < 10 else f"{x:.0f}"


def lr_table(root: Path) -> str:
    a, meta = load_arrays(root / "figures" / ID / "train_lr_sweep.npz")
    maps, kernels, lrs = meta["maps"], meta["kernels"], a["lrs"]
    n = len(lrs) * int(meta["seeds"])
    head = " | ".join(f"{k} memory" for k in kernels)
    rows = [f"| map | {head} | unstable runs (of {n} per target) | median final/initial at lr = {fmt(lrs[-1])} |",
            "|---|" + "---|" * (len(kernels) + 2)]
    for j, m in enumerate(maps):
        best = " | ".join(fmt(float(meta[f"max_lr/{k}/{m}"])) if meta[f"max_lr/{k}/{m}"] not in (None, "None")
                          else "none" for k in kernels)
        unstable = ", ".join(str(int(a["unstable"][i, j].sum())) for i in range(len(kernels)))
        last = ", ".join(fmt(np.median(a["ratio"][i, j, -1])) for i in range(len(kernels)))
        rows.append(f"| {m} | {best} | {unstable} | {last} |")
    rows.append("")
    rows.append(f"Largest learning rate with median final/initial loss < 10⁻² over {meta['seeds']} seeds "
                f"(grid {fmt(lrs[0])} … {fmt(lrs[-1])}); the last two columns list the targets in the order "
                f"{', '.join(kernels)}.")
    return "\n".join(rows)


def grad_ratio(root: Path) -> str:
    a, meta = load_arrays(root / "figures" / ID / "train_grad_ratio.npz")
    rows = ["| map | peak ‖∂L/∂w‖/‖w‖ | final (median) | bound / measured, last step (range over seeds) | "
            "max \\|∂L/∂w_i\\|/bound_i | ‖G_f(w)‖/‖w‖ first → last (max) |", "|---|---|---|---|---|---|"]
    for m in ("direct", "exp", "softplus", "best"):
        r, bd, c = a[f"{m}/ratio"], a[f"{m}/bound"], a[f"{m}/criterion"]
        over = bd[-1] / r[-1]
        rows.append(f"| {m} | {fmt(np.nanmax(r))} | {fmt(np.nanmedian(r[-1]))} | {fmt(np.nanmin(over))}–"
                    f"{fmt(np.nanmax(over))} | {fmt(meta['max_grad_over_bound'][m])} | {fmt(np.nanmedian(c[0]))} → "
                    f"{fmt(np.nanmedian(c[-1]))} ({fmt(np.nanmax(c))}) |")
    return "\n".join(rows)


BLOCKS = {"lr_table": lr_table, "grad_ratio": grad_ratio}


def blocks(root: Path) -> dict[str, str]:
    """Every generated block's body (without the trailing newline)."""
    return {name: fun(root) for name, fun in BLOCKS.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the README differs from a rendering")
    ap.add_argument("--root", type=Path, default=REPO, help="folder holding figures/wang2024_stablessm")
    args = ap.parse_args(argv)
    if not render_page(README, blocks(args.root), check=args.check):
        print(f"{README} is stale: run papers/{ID}/render_readme.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
