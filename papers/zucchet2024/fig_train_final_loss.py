"""Zucchet & Orvieto (2024), Sec. 5: final teacher–student loss against nu0 for the dense linear RNN,
the LRU, the block-diagonal and the two complex-diagonal students (Re/Im lam as in the paper's
"complex numbers" student, and the exp parameterization), and Adam's effective learning rate per
parameter group.

quick (default): the exact white-noise population loss (no sampling noise), nu0 in
{0.36, 0.84, 0.96, 0.99}, 500 Adam steps with a cosine decay, 2 peak learning rates for the dense
RNN (the ends of the paper's best range) and 3 for the other students, 2 seeds (about 1 minute
on one core). full (PROFILE=full): the paper's protocol (fresh batches of 128 sequences, T = 300,
10,000 steps, 4 learning rates per student, 3 seeds), resumable under
runs/zucchet2024/train_final_loss through linrec.sweep.run_sweep; pass --jobs N for a process pool
or --dask ADDRESS for a dask.distributed cluster (papers/zucchet2024/README.md, "How to run"), or
--load-only to plot the finished runs of a partial full sweep (figure train_final_loss_full; a
(student, nu0) point is drawn only when all its learning rates and seeds have finished, and
--students restricts the sweep to some students).

Saved with the figure (figures/zucchet2024/train_final_loss[_full].npz): ``final/<student>``
(nu0 x seeds, at the best rate), ``best_lr/<student>``, ``by_lr/<student>`` (nu0 x rates x
seeds, inf for a diverged run), ``lrs/<student>``, ``eff_lr/<student>/<group>``; the README's
numbers are rendered from them by papers/zucchet2024/render_readme.py.
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
from linrec.plotting.training import plot_sweep
from linrec.sweep import add_executor_arguments, executor_from_args, load_sweep

ID = "zucchet2024"
PROFILE = get_profile()
QUICK_LRS = {"rnn": (3e-4, 1e-3), "lru": (3e-3, 1e-2, 3e-2), "block": (1e-3, 3e-3, 1e-2),
             "cdiag": (3e-3, 1e-2, 3e-2), "cdiag_exp": (3e-3, 1e-2, 3e-2)}
LABELS = {"rnn": "dense RNN", "lru": "LRU", "block": r"block-diag $2\times 2$",
          "cdiag": r"complex diag, $\mathrm{Re}/\mathrm{Im}\,\lambda$ (no $\gamma$)",
          "cdiag_exp": r"complex diag, $\exp$ (no $\gamma$)"}


def settings(profile):
    if profile == "quick":
        return dict(lrs=QUICK_LRS, seeds=2, kw=dict(steps=500, objective="population"))
    return dict(lrs=Z.LR_GRID, seeds=3, kw=dict(steps=10_000, objective="sample", batch_size=128))


def main(jobs: int = 1, executor=None, load_only: bool = False, dask: str | None = None,
         students=Z.STUDENTS):
    """Run (or with ``load_only`` only load) the final-loss grid and draw the figure.

    ``executor`` (any concurrent.futures.Executor, left open) takes precedence over ``jobs`` and
    ``dask``, which otherwise choose one through :func:`linrec.sweep.executor_from_args`.
    ``students`` restricts the grid (the others are neither run nor drawn).
    """
    s = settings(PROFILE)
    students = tuple(students)
    configs = Z.sweep_configs(students, Z.NU0_PAPER, s["lrs"], **s["kw"])
    directory = (tempfile.mkdtemp(prefix="zucchet2024_") if PROFILE == "quick"
                 else output_dir() / "runs" / ID / "train_final_loss")
    if load_only:
        res = load_sweep(configs, directory, seeds=s["seeds"], seed_by="seed")
    else:
        with executor_from_args(jobs, dask) if executor is None else contextlib.nullcontext(executor) as ex:
            res = Z.run_grid(configs, seeds=s["seeds"], executor=ex, directory=directory,
                             progress=PROFILE == "full")
    best = Z.best_over_lr(res)
    nu0 = np.asarray(Z.NU0_PAPER)
    name = "train_final_loss" if PROFILE == "quick" else "train_final_loss_full"
    # every (lr, seed) of a point, inf for a diverged run, NaN for one not (yet) run
    by_lr = {st: np.array([[best[(st, float(v))]["by_lr"][float(lr)] for lr in s["lrs"][st]] for v in nu0])
             for st in students}
    complete = {st: ~np.isnan(by_lr[st]).any(axis=(1, 2)) for st in students}
    final = {st: np.array([best[(st, float(v))]["values"] if complete[st][i] else np.full(s["seeds"], np.nan)
                           for i, v in enumerate(nu0)]) for st in students}
    best_lr = {st: np.array([best[(st, float(v))]["lr"] if complete[st][i] else np.nan
                             for i, v in enumerate(nu0)]) for st in students}
    # a partial sweep (--load-only): keep the students and nu0 whose grids have finished
    shown = [st for st in students if complete[st].any()]
    rows = np.array([any(complete[st][i] for st in shown) for i in range(len(nu0))])
    # effective learning rate of each group: median over the second half of training, at the best lr
    eff = {}
    for r in res.runs:
        c = r.config
        i = list(nu0).index(c["nu0"])
        if (r.index not in res.results or not complete[c["student"]][i]
                or c["lr"] != best[(c["student"], c["nu0"])]["lr"]):
            continue
        arrays, _ = res.results[r.index]
        for grp in ("recurrent", "input", "output"):
            v = np.asarray(arrays[f"eff_lr/{grp}"])
            eff.setdefault((c["student"], grp), np.full((len(nu0), s["seeds"]), np.nan))[
                i, r.seed_index] = np.median(v[len(v) // 2:]) if v.size else np.nan
    arrays = {f"final/{k}": v for k, v in final.items()}
    arrays.update({f"best_lr/{k}": v for k, v in best_lr.items()})
    arrays.update({f"by_lr/{k}": v for k, v in by_lr.items()})
    arrays.update({f"lrs/{k}": np.asarray(s["lrs"][k], dtype=np.float64) for k in students})
    arrays.update({f"eff_lr/{a}/{b}": v for (a, b), v in eff.items()})
    arrays["nu0"] = nu0
    save_arrays(figure_dir(ID) / name, arrays, {"profile": PROFILE, "seeds": s["seeds"], "students": list(students),
                                                "shown": shown, "lrs": {k: list(v) for k, v in s["lrs"].items()},
                                                **s["kw"]})
    fig, axes = new_axes(ncols=3, figsize=(13.0, 3.6))
    plot_sweep(1 - nu0[rows], {LABELS[k]: final[k][rows] for k in shown}, ax=axes[0], xlabel=r"$1 - \nu_0$",
               ylabel="final loss (mean of last 100 steps)",
               title=f"best lr per point, {s['kw']['steps']} steps ({s['kw']['objective']})")
    axes[0].invert_xaxis()
    panels = [st for st in ("rnn", "lru", "cdiag") if st in shown][:2]
    for ax, st in zip(axes[1:], panels):
        plot_sweep(1 - nu0[rows], {g: eff[(st, g)][rows] for g in ("recurrent", "input", "output")}, ax=ax,
                   xlabel=r"$1 - \nu_0$",
                   ylabel="Adam effective lr (median)", title=rf"{LABELS[st]}: $\eta_t/\sqrt{{\hat v_t}}$")
        ax.invert_xaxis()
    for ax in axes[1 + len(panels):]:
        ax.set_axis_off()
    save_figure(fig, figure_dir(ID) / name)
    plt.close(fig)
    for st in shown:
        print(st, {float(v): (np.round(final[st][i], 7).tolist(), float(best_lr[st][i])) for i, v in enumerate(nu0)})
    return final, eff


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--load-only", action="store_true", help="plot the finished runs only (no training)")
    ap.add_argument("--students", default=",".join(Z.STUDENTS),
                    help="comma-separated students to run or load (default: all)")
    a = add_executor_arguments(ap).parse_args()
    main(a.jobs, load_only=a.load_only, dask=a.dask, students=a.students.split(","))
