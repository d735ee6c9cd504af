"""Feng et al. (2024), Sec. 4 / Table 1: selective copying with one versus two minGRU layers.

Selective copy (linrec.tasks.SelectiveCopy): 3 symbols out of 4 scattered among 12 positions
must be written back in order after a delimiter. A single minGRU layer's gates see only the
current token, so its state at the delimiter is sum_j (prod_{k>j} a(x_k)) b(x_j): every symbol
is stored with a weight set by the tokens that follow it, and nothing marks its rank among the
symbols; a second layer's gates read the first layer's states (which do encode what came
before) and can select by rank. A single layer with 150 units (as many parameters as the two
32-unit layers) controls for size. quick: 32 hidden units, Adam 1e-2 with cosine decay, 1000
steps, batch 32, 3 seeds per model (about 30 s of CPU on one core). full: 5 seeds, 5000 steps,
minGRU and minLSTM, 1-3 layers, through linrec.sweep (--jobs N or --dask ADDRESS).
"""

import argparse
import contextlib
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from linrec.experiments import feng2024_minrnn as F
from linrec.io import figure_dir, get_profile, output_dir, save_arrays, save_figure
from linrec.plotting import new_axes
from linrec.plotting.training_small import bar_with_repeats, seed_curves
from linrec.sweep import add_executor_arguments, executor_from_args, run_sweep

PROFILE = get_profile()
WIDE = 150  # one layer with as many parameters as two layers of 32 units (2704 vs 2692)


def configs():
    if PROFILE == "quick":
        return [{"layers": 1, "steps": 1000, "eval_batch": 256}, {"layers": 2, "steps": 1000, "eval_batch": 256},
                {"layers": 1, "hidden": WIDE, "steps": 1000, "eval_batch": 256}], 3
    return ([{"layers": L, "cell": c, "steps": 5000} for c in ("MinGRU", "MinLSTM") for L in (1, 2, 3)]
            + [{"layers": 1, "cell": c, "hidden": WIDE, "steps": 5000} for c in ("MinGRU", "MinLSTM")]), 5


def main(jobs: int = 1, executor=None, dask: str | None = None):
    """Train every configuration and seed (serially by default) and draw the figure.

    ``executor`` (any concurrent.futures.Executor, left open) takes precedence over ``jobs`` and
    ``dask``, which otherwise choose one through :func:`linrec.sweep.executor_from_args`.
    """
    cfgs, seeds = configs()
    directory = (tempfile.mkdtemp(prefix="feng2024_") if PROFILE == "quick"
                 else output_dir() / "runs" / F.PAPER_ID / "selective_copy")
    with executor_from_args(jobs, dask) if executor is None else contextlib.nullcontext(executor) as ex:
        res = run_sweep(F.selective_copy_run, cfgs, directory, seeds=seeds, executor=ex, progress=PROFILE == "full")
    groups = {}
    for r in res.runs:
        if r.index in res.results:
            arrays, meta = res.results[r.index]
            c = r.config
            lab = f"{c.get('cell', 'MinGRU')}, {c['layers']} layer{'s' * (c['layers'] > 1)}"
            lab += f", N={c['hidden']}" if "hidden" in c else ""
            groups.setdefault(lab, []).append((arrays, meta))
    out = {}
    for lab, runs in groups.items():
        out[f"{lab}/eval_steps"] = runs[0][0]["eval_steps"]
        out[f"{lab}/eval_accuracy"] = np.stack([a["eval_accuracy"] for a, _ in runs])
    save_arrays(figure_dir(F.PAPER_ID) / "train_selective_copy", out,
                {"profile": PROFILE, "configs": cfgs, "seeds": seeds,
                 "final_accuracy": {k: [m["final_accuracy"] for _, m in v] for k, v in groups.items()},
                 "n_params": {k: v[0][1]["n_params"] for k, v in groups.items()}})
    fig, axes = new_axes(ncols=2, figsize=(10.0, 3.6))
    seed_curves({k: [a["eval_accuracy"].mean(axis=1) for a, _ in v] for k, v in groups.items()},
                x={k: [a["eval_steps"] for a, _ in v] for k, v in groups.items()}, hline=0.25,
                ylabel="held-out accuracy (mean over copied positions)", ax=axes[0])
    axes[0].set_title("selective copy (dashed: chance 1/4)")
    labels, vals = [], []
    for k, v in groups.items():
        K = v[0][0]["eval_accuracy"].shape[1]
        for pos in range(K):
            labels.append(f"{k.split(', ', 1)[1]}: #{pos + 1}")
            vals.append([a["eval_accuracy"][-1, pos] for a, _ in v])
    bar_with_repeats(labels, vals, ylabel="final accuracy at copied position", ax=axes[1])
    axes[1].set_title("which symbol is recalled (all seeds)")
    save_figure(fig, figure_dir(F.PAPER_ID) / "train_selective_copy")
    plt.close(fig)
    for k, v in groups.items():
        print(k, [round(m["final_accuracy"], 3) for _, m in v], "params", v[0][1]["n_params"])
    return groups


if __name__ == "__main__":
    a = add_executor_arguments(argparse.ArgumentParser(description=__doc__.splitlines()[0])).parse_args()
    main(a.jobs, dask=a.dask)
