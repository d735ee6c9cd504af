"""Pascanu et al. (2013), Sec. 5: success rate against sequence length for a tanh RNN trained with
SGD, with global-norm clipping, and with clipping plus the vanishing-gradient regulariser Omega.

quick (default): 2-bit temporal order, T in {10, 20, 30}, 20 hidden units, SGD at rate 0.2,
at most 2000 steps, 4 seeds (about 40 s on one core). full (PROFILE=full): Pascanu's sizes
(50 hidden units, T up to 200, 10 seeds), resumable under runs/pascanu2013/ through
linrec.sweep.run_sweep; pass --jobs N for a process pool or --dask ADDRESS for a dask.distributed cluster (see
papers/pascanu2013/README.md, section 4). ``--task adding`` runs the adding problem instead.
"""

import argparse
import contextlib
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from linrec.experiments import pascanu2013 as P
from linrec.io import figure_dir, get_profile, output_dir, save_arrays, save_figure
from linrec.plotting import new_axes
from linrec.plotting.training_small import solve_steps, success_vs_length
from linrec.sweep import add_executor_arguments, executor_from_args, run_sweep

PROFILE = get_profile()


def main(jobs: int = 1, task: str = "temporal_order", executor=None, dask: str | None = None):
    """Run the success-rate sweep for ``task`` and draw the figure.

    ``executor`` (any concurrent.futures.Executor, left open) takes precedence over ``jobs`` and
    ``dask``, which otherwise choose one through :func:`linrec.sweep.executor_from_args`.
    """
    configs, seeds = P.success_configs(PROFILE, task)
    if PROFILE == "quick":
        directory = tempfile.mkdtemp(prefix="pascanu2013_")  # quick: always recomputed
    else:
        directory = output_dir() / "runs" / P.PAPER_ID / f"success_{task}"
    with executor_from_args(jobs, dask) if executor is None else contextlib.nullcontext(executor) as ex:
        res = run_sweep(P.run, configs, directory, seeds=seeds, executor=ex, progress=PROFILE == "full")
    rows = [(r.config, res.results[r.index][1]) for r in res.runs if r.index in res.results]
    tab = P.success_table(rows)
    name = f"train_success_{task}"
    save_arrays(figure_dir(P.PAPER_ID) / name,
                {"lengths": tab["lengths"], "solved": tab["solved"], "solve_step": tab["solve_step"],
                 "max_grad_norm": tab["max_grad_norm"]},
                {"methods": tab["methods"], "profile": PROFILE, "seeds": seeds, "configs": configs})
    fig, axes = new_axes(ncols=2, figsize=(9.0, 3.4))
    success_vs_length(tab["lengths"], tab["methods"], tab["solved"], ax=axes[0])
    solve_steps(tab["lengths"], tab["methods"], tab["solve_step"], configs[0]["steps"], ax=axes[1])
    axes[0].set_title(f"{task.replace('_', ' ')}: tanh RNN, SGD lr {configs[0].get('lr', P.default_config()['lr'])}")
    axes[1].set_title("steps to < 1% held-out error")
    save_figure(fig, figure_dir(P.PAPER_ID) / name)
    plt.close(fig)
    for i, m in enumerate(tab["methods"]):
        counts = {int(T): f"{int(tab['solved'][i, j].sum())}/{int(tab['n'][i, j])}"
                  for j, T in enumerate(tab["lengths"])}
        print(m, counts)
    return tab


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--task", default="temporal_order", choices=("temporal_order", "adding"))
    a = add_executor_arguments(ap).parse_args()
    main(a.jobs, a.task, dask=a.dask)
