"""Render the measured scan-accuracy numbers of papers/feng2024_minrnn/README.md from the saved data.

Reads ``figures/feng2024_minrnn/scan_accuracy.npz`` (written by ``fig_scan_accuracy.py``) and
rewrites the README blocks between ``<!-- BEGIN generated:NAME -->`` and
``<!-- END generated:NAME -->``. Nothing here computes a result::

    .venv/bin/python papers/feng2024_minrnn/fig_scan_accuracy.py    # (make figures runs it)
    .venv/bin/python papers/feng2024_minrnn/render_readme.py         # rewrite the README
    .venv/bin/python papers/feng2024_minrnn/render_readme.py --check # exit 1 if the README is stale

``--root DIR`` reads ``DIR/figures/feng2024_minrnn`` instead of the checkout's.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from linrec.io import load_arrays, render_page

HERE = Path(__file__).resolve().parent
README = HERE / "README.md"
REPO = HERE.parent.parent
ID = "feng2024_minrnn"
#: every block holds rounding errors of exp/log-based code, whose last digits depend on the CPU's
#: libm/SIMD kernels: the sync test compares their layout, `--check` their numbers
MACHINE_BLOCKS = ("accuracy_table", "log_ratio", "step_time")
DATA = ("minGRU gates", "a in {0.5 ... 0.999}")
LINEAR = ("sequential", "lfilter", "chunked", "tree")


def fmt(x: float) -> str:
    """Two significant digits, scientific from 1e4 on."""
    x = float(x)
    if x >= 1e4:
        return f"{x:.1e}".replace("e+0", "e").replace("e+", "e")
    return f"{x:.2g}" if x < 10 else f"{x:.0f}"


def _load(root: Path):
    return load_arrays(root / "figures" / ID / "scan_accuracy.npz")


def accuracy_table(root: Path) -> str:
    a, meta = _load(root)
    T = int(a["T"][-1])
    rows = ["| data | precision | sequential | lfilter | chunked | tree | log | log bound | `2(T+1)` worst case |",
            "|---|---|---|---|---|---|---|---|---|"]
    for di, dname in enumerate(DATA):
        for prec in ("float64", "float32"):
            cells = []
            for m in (*LINEAR, "log"):
                key = f"err_{di}_{prec}_{m}"
                cells.append(fmt(a[key][-1]) if key in a else "n/a")
            cells.append(fmt(a[f"logbound_{di}_{prec}"][-1]))
            cells.append(fmt(2.0 * (T + 1)))
            rows.append(f"| {dname} | {prec} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def log_ratio(root: Path) -> str:
    a, meta = _load(root)
    parts = []
    for di, dname in enumerate(DATA):
        ratios = []
        for prec in ("float64", "float32"):
            best_linear = min(float(a[k][-1]) for m in LINEAR if (k := f"err_{di}_{prec}_{m}") in a)
            ratios.append(float(a[f"err_{di}_{prec}_log"][-1]) / best_linear)
        parts.append(f"{dname}: {fmt(min(ratios))}–{fmt(max(ratios))}×")
    T = int(a["T"][-1])
    return (f"Worst error of the log-space scan over the most accurate linear-space scan at T = {T} "
            f"(float64 and float32): " + "; ".join(parts) + ".")


STEP_RATIOS = (("GRU / MinGRU (best scan)", "GRU / minGRU (best scan)"),
               ("MinGRU sequential / best scan", "minGRU sequential / best scan"),
               ("MinGRU log scan / chunked scan", "minGRU log-space scan / chunked scan"),
               ("LSTM / MinLSTM (best scan)", "LSTM / minLSTM (best scan)"),
               ("MinLSTM sequential / best scan", "minLSTM sequential / best scan"))


def step_time(root: Path) -> str:
    """Ratios of the fastest repeats of fig_train_step_time.py (timings: machine-dependent)."""
    a, meta = load_arrays(root / "figures" / ID / "train_step_time.npz")
    T = [int(t) for t in a["lengths"]]
    rows = ["| ratio | " + " | ".join(f"T = {t}" for t in T) + " |", "|---|" + "---|" * len(T)]
    for key, label in STEP_RATIOS:
        rows.append(f"| {label} | " + " | ".join(fmt(v) for v in a[f"ratio/{key}"]) + " |")
    hw = meta.get("hardware", {})
    rows.append("")
    rows.append(f"Measured on {hw.get('machine', '?')} with {hw.get('cpus', '?')} CPUs, "
                f"OPENBLAS_NUM_THREADS={hw.get('OPENBLAS_NUM_THREADS')}, batch {meta['sizes']['batch']}, "
                f"d = {meta['sizes']['hidden']}, {meta['sizes']['repeats']} repeats (fastest used).")
    return "\n".join(rows)


BLOCKS = {"accuracy_table": accuracy_table, "log_ratio": log_ratio, "step_time": step_time}


def blocks(root: Path) -> dict[str, str]:
    """Every generated block's body (without the trailing newline)."""
    return {name: fun(root) for name, fun in BLOCKS.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the README differs from a rendering")
    ap.add_argument("--root", type=Path, default=REPO, help="folder holding figures/feng2024_minrnn")
    args = ap.parse_args(argv)
    if not render_page(README, blocks(args.root), check=args.check):
        print(f"{README} is stale: run papers/{ID}/render_readme.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
