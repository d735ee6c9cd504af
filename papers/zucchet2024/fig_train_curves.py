"""Zucchet & Orvieto (2024), Sec. 5: teacher–student training curves at nu0 = 0.99 on fresh data
(batches of Gaussian sequences, T = 300), dense linear RNN against the LRU and the paper's
complex-diagonal student (Re/Im lam, no gamma), with their loss spikes.

quick (default): 1000 Adam steps with a cosine decay, batch 32, one peak learning rate per
student (dense RNN 1e-3 and LRU 3e-2 from the paper's best ranges; complex diagonal 1e-2, its
best at nu0 = 0.99 in the quick final-loss grid), 3 seeds (about 20-40 s on one core). full
(PROFILE=full): 10,000 steps, batch 128, 3 seeds, resumable under
runs/zucchet2024/train_final_loss (the same runs as the full final-loss grid, so either script
reuses the other's results); --jobs N for a process pool or --dask ADDRESS for a
dask.distributed cluster; figure train_curves_full.
"""

import argparse
import contextlib
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from linrec.experiments import zucchet2024 as Z
from linrec.io import figure_dir, get_profile, output_dir, save_arrays, save_figure
from linrec.plotting import new_axes
from linrec.plotting.training import plot_training_curves
from linrec.sweep import add_executor_arguments, executor_from_args

ID = "zucchet2024"
PROFILE = get_profile()
NU0 = 0.99
LRS = {"rnn": (1e-3,), "lru": (3e-2,), "cdiag": (1e-2,)}
LABELS = {"rnn": "dense RNN", "lru": "LRU", "cdiag": r"complex diag ($\mathrm{Re}/\mathrm{Im}\,\lambda$)"}


def main(jobs: int = 1, executor=None, dask: str | None = None):
    """Train both students (serially by default) and draw their training curves.

    ``executor`` (any concurrent.futures.Executor, left open) takes precedence over ``jobs`` and
    ``dask``, which otherwise choose one through :func:`linrec.sweep.executor_from_args`.
    """
    if PROFILE == "quick":
        kw, seeds, directory = dict(steps=1000, batch_size=32), 3, tempfile.mkdtemp(prefix="zucchet2024_")
    else:
        kw, seeds, directory = dict(steps=10_000, batch_size=128), 3, output_dir() / "runs" / ID / "train_final_loss"
    configs = Z.sweep_configs(tuple(LRS), (NU0,), LRS, objective="sample", **kw)
    with executor_from_args(jobs, dask) if executor is None else contextlib.nullcontext(executor) as ex:
        res = Z.run_grid(configs, seeds=seeds, executor=ex, directory=directory, progress=PROFILE == "full")
    curves, eff, meta = {}, {}, {}
    for r in res.runs:
        arrays, m = res.results[r.index]
        st = r.config["student"]
        curves.setdefault(st, []).append(np.asarray(arrays["loss"]))
        for g in ("recurrent", "input", "output"):
            eff.setdefault((st, g), []).append(np.asarray(arrays[f"eff_lr/{g}"]))
        eff_steps = np.asarray(arrays["eff_lr_steps"])
        meta.setdefault(st, []).append(m)
    out = {f"loss/{k}": np.array(v) for k, v in curves.items()}
    out.update({f"eff_lr/{a}/{b}": np.array(v) for (a, b), v in eff.items()})
    out["eff_lr_steps"] = eff_steps
    name = "train_curves" if PROFILE == "quick" else "train_curves_full"
    save_arrays(figure_dir(ID) / name, out, {"profile": PROFILE, "nu0": NU0, "seeds": seeds, **kw,
                                                        "lrs": {k: list(v) for k, v in LRS.items()}})
    fig, axes = new_axes(ncols=3, figsize=(13.0, 3.6))
    labelled = {f"{LABELS[st]}, lr {LRS[st][0]:g}": curves[st] for st in LRS}
    plot_training_curves(labelled, ax=axes[0], title=rf"$\nu_0 = {NU0}$, fresh batches of {kw['batch_size']}",
                         ylabel="training loss")
    for ax, st, label in ((axes[1], "rnn", "dense RNN"), (axes[2], "lru", "LRU")):
        plot_training_curves({g: eff[(st, g)] for g in ("recurrent", "input", "output")}, steps=eff_steps, ax=ax,
                             title=f"{label}: Adam effective lr by group", ylabel=r"median $\eta_t/\sqrt{\hat v_t}$")
    save_figure(fig, figure_dir(ID) / name)
    plt.close(fig)
    for st in curves:
        print(st, [f"{m['final_loss']:.3g} ({m['ms_per_step']:.1f} ms/step)" for m in meta[st]])
    return curves


if __name__ == "__main__":
    a = add_executor_arguments(argparse.ArgumentParser(description=__doc__.splitlines()[0])).parse_args()
    main(a.jobs, dask=a.dask)
