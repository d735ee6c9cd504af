"""Plateaus of gradient descent against the delay of a bump memory (Li, Han, E & Li 2021).

Left: the rate r of a single ZOH mode (memory 1/r) during gradient descent on the exact
population loss, for several delays t0 (direct map): the mode sits on a plateau whose length
grows exponentially with t0. Right: plateau length (steps until r <= r0/2) against t0 for the
four reparameterizations (gradient descent, eta = 5): measured runs (points), the reduced
one-dimensional theory (lines, :func:`reduced_gd_steps`) and the large-delay asymptotic of the
direct map (dashed); Adam (lr = 1e-2, ours) and a small dense linear RNN (4 states, gradient
descent eta = 0.03, 3 seeds, ours).

Usage: ``python fig_plateaus.py [--jobs N | --dask ADDRESS]``; ``PROFILE=full`` runs more delays and seeds
through :func:`linrec.sweep.run_sweep` (resumable, results in ``runs/li2021_curse_of_memory/``).
"""

import argparse

import matplotlib

matplotlib.use("Agg")
import numpy as np

from linrec.experiments.li2021_curse_of_memory import (
    default_horizon,
    plateau_time_asymptotic,
    reduced_gd_steps,
    run_plateau,
)
from linrec.io import figure_dir, get_profile, output_dir, save_arrays, save_figure
from linrec.plotting import new_axes
from linrec.plotting.training_sweeps import plot_plateau_times, plot_rate_trajectories
from linrec.sweep import add_executor_arguments, executor_from_args, run_sweep
from linrec.tasks import delayed_bump

ID = "li2021_curse_of_memory"
PROFILE = get_profile()
args = add_executor_arguments(argparse.ArgumentParser(description=__doc__.splitlines()[0])).parse_args()

R0, R_EXIT, DT, SIGMA, ETA = 1.0, 0.5, 0.1, 1.0, 5.0
MAPS = ("direct", "exp", "softplus", "best")
if PROFILE == "quick":
    delays = {"direct": [7.0, 8.0, 9.0, 10.0], "exp": [7.0, 8.0, 9.0], "softplus": [7.0, 8.0, 9.0],
              "best": [7.0, 8.0, 9.0, 10.0]}
    adam_delays, dense_delays, dense_seeds = [6.0, 8.0, 10.0, 12.0], [7.0, 8.0, 9.0], 3
else:
    grid = [6.0, 7.0, 8.0, 9.0, 10.0, 11.0]
    delays = {m: grid for m in MAPS}
    adam_delays, dense_delays, dense_seeds = [6.0, 8.0, 10.0, 12.0, 14.0], [6.0, 7.0, 8.0, 9.0, 10.0], 10


def sweep(name, configs, seeds=1):
    """Run through linrec.sweep (resumable; serial, a process pool or dask) and return (meta, arrays) per run."""
    with executor_from_args(args.jobs, args.dask) as ex:
        res = run_sweep(run_plateau, configs, output_dir() / "runs" / ID / PROFILE / name, seeds=seeds, executor=ex)
    if res.errors:
        raise RuntimeError(f"{len(res.errors)} runs failed: {list(res.errors.values())[:3]}")
    out = {}
    for r in res.runs:
        arrays, meta = res.results[r.index]
        out[(r.config_index, r.seed_index)] = (meta, arrays)
    return out


# gradient descent, single mode, every map
gd_cfgs = [{"reparam": m, "t0": t0, "lr": ETA, "max_steps": 200_000} for m in MAPS for t0 in delays[m]]
gd = sweep("gd", gd_cfgs)
measured, theory, arrays = {}, {}, {}
i = 0
for m in MAPS:
    meas, red = [], []
    for t0 in delays[m]:
        meta, arr = gd[(i, 0)]
        meas.append(meta["plateau_steps"])
        rho = delayed_bump(default_horizon(t0, SIGMA, DT), t0, width=SIGMA, dt=DT).impulse_response()[:, 0, 0]
        red.append(reduced_gd_steps(m, R0, R_EXIT, rho, DT, ETA, max_steps=400_000))
        if m == "direct":
            arrays[f"rate_t0_{t0:g}"] = arr["rate"]
        i += 1
    measured[f"GD {m}"], theory[f"GD {m} (reduced 1-D theory)"] = np.array(meas, float), np.array(red, float)
t_fine = np.linspace(min(delays["direct"]), max(delays["direct"]), 50)
asym = plateau_time_asymptotic(t_fine, R0, ETA, sigma=SIGMA, dt=DT,
                               horizon=np.array([default_horizon(t, SIGMA, DT) * DT for t in t_fine]))

# Adam (ours) and a small dense linear RNN (ours)
adam_cfgs = [{"reparam": m, "t0": t0, "optimizer": "adam", "lr": 1e-2, "max_steps": 50_000} for m in ("direct", "best")
             for t0 in adam_delays]
adam = sweep("adam", adam_cfgs)
for j, m in enumerate(("direct", "best")):
    measured[f"Adam {m} (ours)"] = np.array([adam[(j * len(adam_delays) + k, 0)][0]["plateau_steps"]
                                             for k in range(len(adam_delays))], float)
dense_cfgs = [{"model": "dense", "hidden": 4, "t0": t0, "lr": 0.03, "max_steps": 200_000} for t0 in dense_delays]
dense = sweep("dense", dense_cfgs, seeds=dense_seeds)
measured["GD dense N=4 (ours)"] = np.array([[dense[(k, s)][0]["plateau_steps"] for s in range(dense_seeds)]
                                            for k in range(len(dense_delays))], float)

d_of = {f"GD {m}": delays[m] for m in MAPS}
d_of.update({"Adam direct (ours)": adam_delays, "Adam best (ours)": adam_delays, "GD dense N=4 (ours)": dense_delays})
td = {f"GD {m} (reduced 1-D theory)": delays[m] for m in MAPS}
td["GD direct (asymptotic)"] = t_fine
theory["GD direct (asymptotic)"] = asym

save_arrays(figure_dir(ID) / "plateaus", {**{k.replace(" ", "_"): v for k, v in measured.items()},
                                          **{k.replace(" ", "_"): v for k, v in theory.items()}, **arrays},
            {"profile": PROFILE, "r0": R0, "r_exit": R_EXIT, "dt": DT, "sigma": SIGMA, "eta": ETA, "delays": d_of})
fig, axes = new_axes(ncols=2, figsize=(12.5, 4.2))
plot_rate_trajectories({f"t0 = {t0:g}": arrays[f"rate_t0_{t0:g}"] for t0 in delays["direct"]}, ax=axes[0],
                       r_exit=R_EXIT, title="one mode, direct map, GD eta = 5")
plot_plateau_times(d_of, measured, theory, theory_delays=td, ax=axes[1], title="plateau length vs delay")
save_figure(fig, figure_dir(ID) / "plateaus")
