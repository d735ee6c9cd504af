"""Learning-rate sweeps of a diagonal ZOH SSM under each reparameterization (StableSSM, training).

Adam at a constant learning rate on a linear functional with exponential memory e^{-t/2} (left)
and polynomial memory (1 + t)^{-1.5} (right); final/initial loss ratio per seed (dots), the
median over seeds (line), and runs that left the stable region or diverged (crosses at the
top). Protocol of :func:`linrec.experiments.wang2024_stablessm.run_lr` (16 modes, dt = 0.1,
T = 200, exact white-noise population loss).

Usage: ``python fig_train_lr_sweep.py [--jobs N | --dask ADDRESS]``. ``PROFILE=full`` runs the
authors' LF protocol (AdamW, cosine decay, minibatches of 128, 10,000 steps, 64 modes) resumably
through :func:`linrec.sweep.run_sweep` (results in ``runs/wang2024_stablessm/``).
"""

import argparse

import matplotlib

matplotlib.use("Agg")
import numpy as np

from linrec.experiments.wang2024_stablessm import max_tolerated_lr, outcome_table, run_lr
from linrec.io import figure_dir, get_profile, output_dir, save_arrays, save_figure
from linrec.plotting import new_axes
from linrec.plotting.training_sweeps import plot_lr_sweep
from linrec.sweep import add_executor_arguments, executor_from_args, expand_grid, run_sweep

ID = "wang2024_stablessm"
PROFILE = get_profile()
args = add_executor_arguments(argparse.ArgumentParser(description=__doc__.splitlines()[0])).parse_args()

MAPS = ("direct", "exp", "softplus", "best")
KERNELS = ("exp", "poly")
if PROFILE == "quick":
    # ours: Adam at a constant rate, exact population loss, 16 modes, 200 steps
    lrs, seeds = 10.0 ** np.arange(-3, 1.01, 2 / 3), 3
    base = {"steps": 200, "record_every": 0}
    kparams = {"exp": {"tau": 2.0}, "poly": {"power": 1.5}}
    titles = {"exp": r"exponential memory $e^{-t/2}$", "poly": r"polynomial memory $(1+t)^{-1.5}$"}
else:
    # the authors' LF protocol (radarFudan/StableSSM: history_experiments/expr_lf.sh,
    # configs/experiment/LF/ssm.yaml, src/data/lf_datamodule.py): AdamW (weight decay 0.01) with
    # cosine decay, lr in {5e-6, ..., 5}, batch 128, 10 epochs of 1000 steps, T = 100, 64 modes,
    # 3 repetitions; targets rho_s = e^{-s} and (1 + 0.1 s)^{-1.1} per sample (data step 1). The
    # model's ZOH step is the data step, delta = 1: then e^{-s} needs lambda_c = -1, inside the range
    # [-1/b, 0) = [-2, 0) of DiagonalSSM's best map (b = 1/2; the authors use b = 0.1 with steps <= 0.1)
    lrs, seeds = 5.0 * 10.0 ** np.arange(-6, 0.5, 1.0), 3
    base = {"steps": 10_000, "hidden": 64, "T": 100, "delta": 1.0, "objective": "sample", "batch_size": 128,
            "optimizer": "adamw", "weight_decay": 0.01, "schedule": "cosine", "record_every": 0}
    kparams = {"exp": {"tau": 0.1}, "poly": {"power": 1.1}}
    titles = {"exp": r"exponential memory $e^{-s}$", "poly": r"polynomial memory $(1+0.1 s)^{-1.1}$"}

configs = [c for kern in KERNELS
           for c in expand_grid({**base, "kernel": kern, "kernel_params": kparams[kern]},
                                {"reparam": list(MAPS), "lr": list(lrs)})]
with executor_from_args(args.jobs, args.dask) as ex:
    res = run_sweep(run_lr, configs, output_dir() / "runs" / ID / PROFILE / "lr_sweep", seeds=seeds, seed_by="seed",
                    executor=ex)
if res.errors:
    raise RuntimeError(f"{len(res.errors)} runs failed: {list(res.errors.values())[:3]}")
metas = np.empty((len(KERNELS), len(MAPS), len(lrs), seeds), dtype=object)
for r in res.runs:
    k, rest = divmod(r.config_index, len(MAPS) * len(lrs))
    m, li = divmod(rest, len(lrs))
    metas[k, m, li, r.seed_index] = res.results[r.index][1]
tab = outcome_table(metas)
summary = {f"max_lr/{kern}/{m}": max_tolerated_lr(lrs, tab["ratio"][i, j]) for i, kern in enumerate(KERNELS)
           for j, m in enumerate(MAPS)}
save_arrays(figure_dir(ID) / "train_lr_sweep", {"lrs": lrs, "ratio": tab["ratio"], "unstable": tab["unstable"]},
            {"profile": PROFILE, "maps": MAPS, "kernels": KERNELS, "seeds": seeds, **summary})
fig, axes = new_axes(ncols=2, figsize=(10.5, 4.0))
for i, kern in enumerate(KERNELS):
    plot_lr_sweep(lrs, {m: tab["ratio"][i, j] for j, m in enumerate(MAPS)}, ax=axes[i], diverged_value=30.0,
                  title=f"{titles[kern]}: x = left stable region / diverged")
save_figure(fig, figure_dir(ID) / "train_lr_sweep")
print({k: f"{v:.3g}" for k, v in summary.items()})
