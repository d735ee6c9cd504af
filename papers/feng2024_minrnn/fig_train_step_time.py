"""Feng et al. (2024), Sec. 4 / Fig. 1: time per training step, scan-based versus step-by-step.

CPU seconds of one loss-and-gradient evaluation (forward + backward) per sequence length for
minGRU / minLSTM with the parallel (log-space scan) and the sequential forward, and for the
BPTT GRU / LSTM. One thread (OPENBLAS_NUM_THREADS=1 recommended), all repeats shown. The paper's
175x (T = 512) compared a GPU parallel scan with a Python-loop GRU on the same GPU; here both
run on a CPU, so the ratio measures the Python loop overhead that the vectorised scan removes,
not parallel hardware. quick: batch 16, d = 64, T <= 512 (about 15 s); full: batch 64,
d = 128, T <= 4096.
"""

import os
import platform

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from linrec.experiments import feng2024_minrnn as F
from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.plotting import new_axes
from linrec.plotting.training_small import seed_curves

PROFILE = get_profile()


def main():
    lengths, variants, sizes = F.timing_configs(PROFILE)
    times = {}
    for model, mode, meth in variants:
        label = f"{model} ({mode}{', ' + meth if meth else ''})"
        times[label] = np.array([F.time_training_step(model, T, mode="parallel" if mode == "bptt" else mode,
                                                      scan_method=meth, rng=0, **sizes) for T in lengths])
    hw = {"machine": platform.machine(), "processor": platform.processor(), "cpus": os.cpu_count(),
          "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS")}
    fig, axes = new_axes(ncols=2, figsize=(10.0, 3.8))
    for ax, (cell, full) in zip(axes, (("MinGRU", "GRU"), ("MinLSTM", "LSTM"))):
        sub = {k: list(v.T) for k, v in times.items() if k.startswith(cell) or k.startswith(full + " ")}
        seed_curves(sub, x={k: [lengths] * sizes["repeats"] for k in sub}, logy=True, xlabel="sequence length T",
                    ylabel="seconds per forward + backward", ax=ax)
        ax.set_xscale("log", base=2)
        ax.set_title(f"{cell} vs {full}: CPU, 1 thread, batch {sizes['batch']}, d = {sizes['hidden']}")
    med = {k: np.min(v, axis=1) for k, v in times.items()}  # least-disturbed repeat (shared machine)
    ratios = {}
    for cell, full in (("MinGRU", "GRU"), ("MinLSTM", "LSTM")):
        best = np.minimum(med[f"{cell} (parallel, log)"], med[f"{cell} (parallel, chunked)"])
        ratios[f"{full} / {cell} (best scan)"] = med[f"{full} (bptt)"] / best
        ratios[f"{cell} sequential / best scan"] = med[f"{cell} (sequential)"] / best
        ratios[f"{cell} log scan / chunked scan"] = med[f"{cell} (parallel, log)"] / med[f"{cell} (parallel, chunked)"]
    save_arrays(figure_dir(F.PAPER_ID) / "train_step_time",
                {"lengths": np.asarray(lengths), **times, **{f"ratio/{k}": v for k, v in ratios.items()}},
                {"profile": PROFILE, "sizes": sizes, "hardware": hw})
    save_figure(fig, figure_dir(F.PAPER_ID) / "train_step_time")
    plt.close(fig)
    for k, v in ratios.items():
        print(k, dict(zip(lengths, np.round(v, 2).tolist())))
    print(hw)


if __name__ == "__main__":
    main()
