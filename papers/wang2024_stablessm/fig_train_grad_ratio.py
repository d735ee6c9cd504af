"""Gradient-over-weight ratio during training versus the gradient-scale prediction (StableSSM).

For each reparameterization (panels), Adam at lr = 0.02 on the polynomial-memory functional:
the measured ||dL/dw|| / ||w|| of the recurrent weights at every step (solid, one line per seed),
the bound ||(||e||_inf |c_i b_i| G_f(w_i))_i|| / ||w|| implied by the gradient scale
G_f = |f'|/f^2 (dashed; Thm 3.6 made explicit for the ZOH model, see
:func:`linrec.experiments.wang2024_stablessm.gradient_bound`) and the paper's unit criterion
||G_f(w)|| / ||w|| (dotted; constant 2a = 2 for best). A direct run that crosses lambda = 0 stops.

Usage: ``python fig_train_grad_ratio.py [--jobs N | --dask ADDRESS]``; ``PROFILE=full`` trains longer.
"""

import argparse

import matplotlib

matplotlib.use("Agg")
import numpy as np

from linrec.experiments.wang2024_stablessm import run_lr
from linrec.io import figure_dir, get_profile, output_dir, save_arrays, save_figure
from linrec.plotting import new_axes
from linrec.plotting.training_sweeps import plot_ratio_trajectories
from linrec.sweep import add_executor_arguments, executor_from_args, run_sweep

ID = "wang2024_stablessm"
PROFILE = get_profile()
args = add_executor_arguments(argparse.ArgumentParser(description=__doc__.splitlines()[0])).parse_args()

MAPS = ("direct", "exp", "softplus", "best")
LR = 0.02
steps, seeds, every = (300, 3, 10) if PROFILE == "quick" else (3000, 8, 50)
configs = [{"reparam": m, "kernel": "poly", "lr": LR, "steps": steps, "record_every": every} for m in MAPS]
with executor_from_args(args.jobs, args.dask) as ex:
    res = run_sweep(run_lr, configs, output_dir() / "runs" / ID / PROFILE / "grad_ratio", seeds=seeds, seed_by="seed",
                    executor=ex)
if res.errors:
    raise RuntimeError(f"{len(res.errors)} runs failed: {list(res.errors.values())[:3]}")


def pad(v, n):
    out = np.full(n, np.nan)
    out[: min(n, len(v))] = v[:n]
    return out


ck = np.arange(0, steps + 1, every)
data, worst = {}, {}
for r in res.runs:
    arrays, meta = res.results[r.index]
    m = MAPS[r.config_index]
    d = data.setdefault(m, {"ratio": [], "bound": [], "criterion": []})
    d["ratio"].append(pad(arrays["ratio"], steps))
    d["bound"].append(pad(arrays["ck_ratio_bound"], ck.size))
    d["criterion"].append(pad(arrays["ck_criterion"], ck.size))
    worst[m] = max(worst.get(m, 0.0), float(np.max(arrays["ck_grad_over_bound"])))
save_arrays(figure_dir(ID) / "train_grad_ratio",
            {f"{m}/{k}": np.array(v).T for m, d in data.items() for k, v in d.items()},
            {"profile": PROFILE, "lr": LR, "max_grad_over_bound": worst})
fig, axes = new_axes(ncols=4, figsize=(13.0, 3.6))
for ax, m in zip(axes, MAPS):
    d = data[m]
    plot_ratio_trajectories(np.arange(steps), {r"$\|\partial L/\partial w\|/\|w\|$": np.array(d["ratio"]).T}, ax=ax,
                            title=f"{m} (lr {LR:g})")
    ax.plot(ck, np.array(d["bound"]).T, "--", color="C1", lw=0.9)
    ax.plot(ck, np.array(d["criterion"]).T, ":", color="C2", lw=1.2)
    ax.plot([], [], "--", color="C1", label=r"bound from $G_f$ (claim 10)")
    ax.plot([], [], ":", color="C2", label=r"$\|G_f(w)\|/\|w\|$")
    ax.legend(fontsize=6.5)
save_figure(fig, figure_dir(ID) / "train_grad_ratio")
print({m: round(v, 6) for m, v in worst.items()})
