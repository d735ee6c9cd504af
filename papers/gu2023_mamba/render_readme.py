"""Render the measured numbers of papers/gu2023_mamba/README.md from the saved figure data.

Reads ``figures/gu2023_mamba/{selective_memory,parity,discretization}.json`` (written by this
folder's ``fig_*.py`` scripts) and rewrites every block of the README between
``<!-- BEGIN generated:NAME -->`` and ``<!-- END generated:NAME -->``. Nothing here computes a
result; run the figure scripts first::

    .venv/bin/python papers/gu2023_mamba/fig_selective_memory.py   # (make figures runs them all)
    .venv/bin/python papers/gu2023_mamba/render_readme.py          # rewrite the README
    .venv/bin/python papers/gu2023_mamba/render_readme.py --check  # exit 1 if the README is stale

``--root DIR`` reads ``DIR/figures/gu2023_mamba`` instead of the checkout's.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from linrec.io import render_page

HERE = Path(__file__).resolve().parent
README = HERE / "README.md"
REPO = HERE.parent.parent
ID = "gu2023_mamba"
TRAINING_BLOCKS = ("parity",)     # numbers of training runs: machine-dependent in their digits

EXPONENTS = (
    # (json key, what, predicted)
    ("constant $\\Delta = 1$", "constant step: E[(dh/dλ)²]", -3),
    ("$\\Delta \\in \\{\\frac{1}{2}, 1, 2\\}$", "steps in {½, 1, 2}: E[(dh/dλ)²]", -3),
    ("$\\Delta \\sim \\Gamma(2, \\frac{1}{2})$", "Gamma(2, ½) steps: E[(dh/dλ)²]", -3),
    ("small_delta/state", "S6, Δ → 0: E[h²]", 0),
    ("small_delta/A_log", "S6, Δ → 0: E[(dh/d log(−A))²]", 0),
    ("small_delta/w", "S6, Δ → 0: E[(dh/dw)²]", 0),
    ("small_delta/c", "S6, Δ → 0: E[(dh/dc)²]", 1),
    ("small_delta/B", "S6, Δ → 0: E[(dh/dB)²]", 0),
    ("small_A/state", "S6, A → 0 at fixed Δ: E[h²]", -2),
    ("small_A/A_log", "S6, A → 0 at fixed Δ: E[(dh/d log(−A))²]", -2),
)


def _meta(root: Path, name: str) -> dict:
    path = root / "figures" / ID / f"{name}.json"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run papers/{ID}/fig_{name}.py first")
    return json.loads(path.read_text(encoding="utf-8"))


def block_exponents(root: Path) -> str:
    meta = _meta(root, "selective_memory")
    rows = ["| quantity (d = 1 − E[a²] → 0) | predicted exponent | measured local slope |", "|---|---|---|"]
    for key, what, k in EXPONENTS:
        rows.append(f"| {what} | {k} | {meta['slopes'][key] + 0.0:.4f} |".replace("-0.0000", "0.0000"))
    rows.append("")
    rows.append(f"Monte Carlo ({meta['n_mc']} sequences per point, panel a) against the exact finite-T moments: "
                f"largest deviation {meta['max_abs_z']:.2f} standard errors.")
    return "\n".join(rows)


def block_parity(root: Path) -> str:
    meta = _meta(root, "parity")
    lines = [f"| gates | seeds | accuracy, lengths ≤ 10 (min–max) | accuracy, lengths 11–{meta['T_test']} (min–max) |",
             "|---|---|---|---|"]
    for gate in ("positive", "signed"):
        f = meta["final"][gate]
        tr, te = np.asarray(f["acc_train"]), np.asarray(f["acc_test"])
        lines.append(f"| {gate} | {len(tr)} | {tr.min():.2f}–{tr.max():.2f} | {te.min():.2f}–{te.max():.2f} |")
    return "\n".join(lines)


def block_discretization(root: Path) -> str:
    meta = _meta(root, "discretization")
    summary = meta.get("summary")
    if not summary:
        raise KeyError("discretization.json has no 'summary' entry (rerun fig_discretization.py)")
    lines = ["| method | " + " | ".join(summary["columns"]) + " |", "|---|" + "---|" * len(summary["columns"])]
    for method, row in summary["rows"].items():
        lines.append(f"| {method} | " + " | ".join(str(v) for v in row) + " |")
    return "\n".join(lines)


BLOCKS = {"exponents": block_exponents, "parity": block_parity, "discretization": block_discretization}


def blocks(root: Path) -> dict[str, str]:
    """Every generated block's body (without the trailing newline)."""
    return {name: fun(root) for name, fun in BLOCKS.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the README differs from a rendering")
    ap.add_argument("--root", type=Path, default=REPO, help="folder holding figures/gu2023_mamba")
    args = ap.parse_args(argv)
    if not render_page(README, blocks(args.root), check=args.check):
        print(f"{README} is stale: run papers/{ID}/render_readme.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
