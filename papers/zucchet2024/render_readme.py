"""Render the training numbers of papers/zucchet2024/README.md from the saved figure data.

Reads figures/zucchet2024/train_final_loss.npz (quick profile) and, when present,
figures/zucchet2024/train_final_loss_full.npz (paper protocol), both written by
fig_train_final_loss.py, and rewrites every block of the README between
``<!-- BEGIN rendered:NAME -->`` and ``<!-- END rendered:NAME -->``. A (student, nu0) point whose
grid has not finished is rendered as "pending". Nothing here trains; run the figure scripts first::

    PROFILE=quick .venv/bin/python papers/zucchet2024/fig_train_final_loss.py
    PROFILE=full .venv/bin/python papers/zucchet2024/fig_train_final_loss.py --load-only
    .venv/bin/python papers/zucchet2024/render_readme.py          # rewrite the README
    .venv/bin/python papers/zucchet2024/render_readme.py --check  # exit 1 if it is stale
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

from linrec.io import figure_dir, load_arrays

HERE = Path(__file__).resolve().parent
README = HERE / "README.md"
NAMES = {"rnn": "dense RNN", "lru": "LRU", "block": "block-diag 2×2", "cdiag": "complex diag, Re/Im λ (paper's)",
         "cdiag_exp": "complex diag, exp"}


def fmt(x: float) -> str:
    """A loss or a ratio with two significant digits ("inf" for a diverged run)."""
    if np.isnan(x):
        return "pending"
    if np.isinf(x):
        return "inf"
    if 1e-2 <= abs(x) < 1e3:
        out = f"{x:.2g}"
        return f"{x:.0f}" if "e" in out else out
    return f"{x:.1e}".replace("e-0", "e-").replace("e+0", "e")


def fmt_lr(x: float) -> str:
    return f"{x:.0e}".replace("e-0", "e-")


def _load(name: str):
    path = figure_dir("zucchet2024") / f"{name}.npz"
    if not path.exists():
        return None
    arrays, meta = load_arrays(path)
    return arrays, meta


def _median(v) -> float:
    v = np.asarray(v, dtype=np.float64)
    return float(np.median(v)) if not np.isnan(v).any() else float("nan")


def table(data, students) -> str:
    """Median over seeds at the best rate (that rate in brackets), one row per nu0."""
    arrays, _ = data
    nu0 = arrays["nu0"]
    head = "| ν0 | " + " | ".join(NAMES[s] for s in students) + " |\n|---|" + "---|" * len(students)
    rows = []
    for i, v in enumerate(nu0):
        cells = []
        for s in students:
            key = f"final/{s}"
            if key not in arrays or np.isnan(arrays[key][i]).any():
                cells.append("pending")
            else:
                cells.append(f"{fmt(_median(arrays[key][i]))} ({fmt_lr(arrays[f'best_lr/{s}'][i])})")
        rows.append(f"| {v:g} | " + " | ".join(cells) + " |")
    return head + "\n" + "\n".join(rows)


def per_lr(data, student, i) -> str:
    """Median at every rate of one point, and the number of diverged seeds."""
    arrays, _ = data
    v = arrays[f"by_lr/{student}"][i]
    lrs = arrays[f"lrs/{student}"]
    parts = []
    for j, lr in enumerate(lrs):
        nd = int(np.isinf(v[j]).sum())
        parts.append(f"{fmt(_median(v[j]))} at {fmt_lr(lr)}" + (f" ({nd} of {v.shape[1]} diverged)" if nd else ""))
    return "; ".join(parts)


def findings(data, profile: str) -> str:
    """The comparison of the diagonal students at nu0 = 0.99 and their growth from nu0 = 0.36."""
    arrays, meta = data
    nu0 = list(np.round(arrays["nu0"], 6))
    i_lo, i_hi = nu0.index(0.36), nu0.index(0.99)
    med = {s: [_median(arrays[f"final/{s}"][i]) if f"final/{s}" in arrays else float("nan")
               for i in range(len(nu0))] for s in NAMES}
    out = []
    avail = [s for s in ("rnn", "lru", "cdiag", "cdiag_exp", "block") if f"final/{s}" in arrays]
    seeds = {s: ", ".join(fmt(x) for x in arrays[f"final/{s}"][i_hi]) for s in avail}
    out.append(f"- **At ν0 = 0.99** ({profile}; median over {meta['seeds']} seeds at the best rate, the seeds in "
               "brackets): " + "; ".join(f"{NAMES[s]} {fmt(med[s][i_hi])} ({seeds[s]})" for s in avail) + ".")
    if "lru" in avail:
        rel = [f"{NAMES[s]} / LRU = {fmt(med[s][i_hi] / med['lru'][i_hi])}" for s in avail if s != "lru"]
        out.append("- **Relative to the LRU at ν0 = 0.99**: " + "; ".join(rel) + ".")
    ratio = {s: med[s][i_hi] / med[s][i_lo] for s in avail}
    grow = [f"{NAMES[s]} " + ("pending" if np.isnan(ratio[s]) else f"×{fmt(ratio[s])}") for s in avail]
    out.append("- **Growth of the median from ν0 = 0.36 to 0.99**: " + "; ".join(grow) + ".")
    for s in ("cdiag", "cdiag_exp", "lru", "block"):
        if f"by_lr/{s}" in arrays and not np.isnan(arrays[f"by_lr/{s}"][i_hi]).any():
            out.append(f"- **{NAMES[s]}, every rate at ν0 = 0.99**: {per_lr(data, s, i_hi)}; at ν0 = 0.36: "
                       f"{per_lr(data, s, i_lo) if not np.isnan(arrays[f'by_lr/{s}'][i_lo]).any() else 'pending'}.")
    return "\n".join(out)


def effective_lr(data, students) -> str:
    """Adam's effective learning rate per group at nu0 = 0.36 and 0.99 (median over seeds)."""
    arrays, _ = data
    nu0 = list(np.round(arrays["nu0"], 6))
    i_lo, i_hi = nu0.index(0.36), nu0.index(0.99)
    parts = []
    for s in students:
        groups = []
        for g in ("recurrent", "input", "output"):
            v = arrays.get(f"eff_lr/{s}/{g}")
            if v is None:
                continue
            groups.append(f"{g} {fmt(_median(v[i_lo]))} → {fmt(_median(v[i_hi]))}")
        if groups:
            parts.append(f"{NAMES[s]}: " + ", ".join(groups))
    return ("Median over seeds of Adam's effective rate lr_t/(√v̂_t + ε) (each run: median over the "
            "second half of training at the best rate), ν0 = 0.36 → 0.99. " + "; ".join(parts) + ".")


def hessian(data) -> str:
    """The Hessian diagnostics at the optimum (fig_train_hessian.py), median over teachers."""
    arrays, meta = data
    nu0 = list(np.round(arrays["nu0"], 6))
    i_lo, i_hi = nu0.index(0.36), nu0.index(0.99)
    kinds = {"dense": "dense", "diag_reim": "diagonal Re/Im (cdiag)", "diag_exp": "diagonal exp (cdiag_exp)",
             "diag_exp_gamma": "diagonal exp + γ (LRU)"}
    med = {(k, m): np.median(arrays[f"{k}/{m}"], axis=1) for k in kinds for m in ("lam_max", "top_pr",
                                                                                     "lam_max_jacobi")
           if f"{k}/{m}" in arrays}
    avail = [k for k in kinds if (k, "lam_max") in med]
    lm = "; ".join(f"{kinds[k]} {fmt(med[(k, 'lam_max')][i_lo])} → {fmt(med[(k, 'lam_max')][i_hi])}" for k in avail)
    pr = "; ".join(f"{kinds[k]} {fmt(med[(k, 'top_pr')][i_hi])}" for k in avail)
    jac = "; ".join(f"{kinds[k]} {fmt(med[(k, 'lam_max_jacobi')][i_hi])}" for k in avail)
    return (f"Exact Gauss–Newton Hessian at student = teacher, median of {meta['seeds']} teachers. λ_max from "
            f"ν0 = 0.36 to 0.99: {lm}. Participation ratio of the top eigenvector at ν0 = 0.99: {pr}. "
            f"Sharpness left after an ideal diagonal preconditioner at ν0 = 0.99: {jac}.")


def blocks() -> dict[str, str]:
    out = {}
    quick = _load("train_final_loss")
    if quick is not None:
        students = [s for s in NAMES if f"final/{s}" in quick[0]]
        out["quick_table"] = table(quick, students)
        out["quick_findings"] = findings(quick, "quick profile: population loss, 500 steps")
        out["quick_eff_lr"] = effective_lr(quick, ["rnn", "lru", "cdiag"])
    hess = _load("train_hessian")
    if hess is not None:
        out["hessian"] = hessian(hess)
    full = _load("train_final_loss_full")
    if full is not None:
        students = [s for s in ("rnn", "lru", "block", "cdiag", "cdiag_exp") if f"final/{s}" in full[0]]
        out["full_table"] = table(full, students)
        out["full_findings"] = findings(full, "paper protocol: 10,000 steps, batch 128")
        out["full_eff_lr"] = effective_lr(full, students)
    return out


def render(text: str, new: dict[str, str]) -> str:
    for name, body in new.items():
        pat = re.compile(rf"(<!-- BEGIN rendered:{name} -->\n).*?(<!-- END rendered:{name} -->)", re.S)
        if not pat.search(text):
            raise ValueError(f"README has no block rendered:{name}")
        text = pat.sub(lambda m, body=body: m.group(1) + body + "\n" + m.group(2), text)
    return text


def main(check: bool = False) -> int:
    text = README.read_text()
    new = render(text, blocks())
    if check:
        return int(new != text)
    README.write_text(new)
    return 0


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the README differs from the rendering")
    sys.exit(main(ap.parse_args().check))
