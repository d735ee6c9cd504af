"""Feng et al. (2024), Sec. 3: the parallel (scan) and sequential minGRU / minLSTM are the same
model, also under training. The same initial weights and batches are trained with both forward
passes (Adam 1e-2); we plot both loss curves and the relative parameter difference after each
step, which stays at the level of rounding (the two forwards differ by the scans' O(T eps)
rounding and Adam's update is not contractive, so the difference may grow slowly, never to
the scale of the parameters). quick: 300 steps, T = 64 (a few seconds); full: 3000 steps.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from linrec.experiments import feng2024_minrnn as F
from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.plotting import new_axes
from linrec.plotting.training_small import seed_curves

PROFILE = get_profile()
STEPS = 300 if PROFILE == "quick" else 3000


def main():
    runs = {m: F.equivalence_run(m, steps=STEPS, T=64, rng=0) for m in ("MinGRU", "MinLSTM")}
    save_arrays(figure_dir(F.PAPER_ID) / "train_equivalence",
                {f"{m}/{k}": v for m, r in runs.items() for k, v in r.items()}, {"profile": PROFILE, "steps": STEPS})
    fig, axes = new_axes(ncols=2, figsize=(10.0, 3.6))
    curves = {}
    for m, r in runs.items():
        curves[f"{m} parallel"] = [r["loss_parallel"]]
        curves[f"{m} sequential"] = [r["loss_sequential"]]
    seed_curves(curves, logy=True, ylabel="training loss", ax=axes[0])
    for line in axes[0].get_lines()[2::4]:  # each label draws (curve, legend handle)
        line.set_linestyle("--")
    axes[0].set_title("parallel (solid) and sequential (dashed) coincide")
    seed_curves({m: [np.maximum(r["param_diff"], 1e-17)] for m, r in runs.items()}, logy=True,
                ylabel=r"max$_k$ $\|p^{par}_k - p^{seq}_k\| / \|p^{par}_k\|$", ax=axes[1])
    axes[1].axhline(np.finfo(float).eps, color="0.5", ls=":", lw=0.8)
    axes[1].set_title("relative parameter difference (dotted: eps)")
    save_figure(fig, figure_dir(F.PAPER_ID) / "train_equivalence")
    plt.close(fig)
    for m, r in runs.items():
        rel = np.abs(r["loss_parallel"] - r["loss_sequential"]) / r["loss_parallel"]
        print(m, "max param diff", float(np.max(r["param_diff"])), "max loss rel diff", float(np.max(rel)))


if __name__ == "__main__":
    main()
