"""Pascanu et al. (2013), Sec. 3.3 / Eq. (10): the regulariser Omega keeps the error signal from
vanishing over long horizons. Temporal order at T = 50 from Pascanu's sparse "smart tanh"
initialisation (spectral radius 0.95), SGD lr 0.2 with clipping, with and without alpha dOmega/dW
(alpha = 2). Left: measured log10 ||dh_T/dh_{T-k}|| against k at the end of training
(linrec.jacobians; every seed thin, median thick). Right: held-out error along training.

quick (default): 20 units, 1000 steps, 4 seeds per method (about 8 s CPU); neither method solves
T = 50 in that budget. full: 50 units, 20,000 steps, 8 seeds.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from linrec.experiments import pascanu2013 as P
from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.plotting import new_axes
from linrec.plotting.training_small import seed_curves

PROFILE = get_profile()
BASE = {"T": 50, "init_scheme": "sparse", "radius": 0.95, "lr": 0.2, "eval_every": 100}
if PROFILE == "quick":
    BASE.update(hidden=20, steps=1000)
    SEEDS = 4
else:
    BASE.update(hidden=50, steps=20_000, eval_every=500)
    SEEDS = 8
METHODS = ("clip", "clip_reg")


def main():
    runs = {m: [P.run({**BASE, "method": m}, rng=s) for s in range(SEEDS)] for m in METHODS}
    final = {m: [a["jac_log_norms"][-1] / np.log(10) for a, _ in rs] for m, rs in runs.items()}
    save_arrays(figure_dir(P.PAPER_ID) / "train_horizon",
                {f"{m}/final_log10_norms": np.array(v) for m, v in final.items()}
                | {f"{m}/{s}/eval_error": a["eval_error"] for m, rs in runs.items() for s, (a, _) in enumerate(rs)},
                {"profile": PROFILE, "config": BASE, "seeds": SEEDS,
                 "runs": {m: [mt for _, mt in rs] for m, rs in runs.items()}})
    fig, axes = new_axes(ncols=2, figsize=(10.0, 3.6))
    k = np.arange(BASE["T"] + 1)
    seed_curves(final, x={m: [k] * SEEDS for m in METHODS}, xlabel="horizon k",
                ylabel=r"$\log_{10}\|\partial h_T/\partial h_{T-k}\|_2$ after training", ax=axes[0])
    axes[0].set_title(f"temporal order T = {BASE['T']}, sparse init (radius 0.95)")
    seed_curves({m: [a["eval_error"] for a, _ in rs] for m, rs in runs.items()},
                x={m: [a["eval_steps"] for a, _ in rs] for m, rs in runs.items()}, hline=0.75,
                ylabel="held-out error (dashed: chance)", ax=axes[1])
    axes[1].set_title("error along training")
    save_figure(fig, figure_dir(P.PAPER_ID) / "train_horizon")
    plt.close(fig)
    for m, v in final.items():
        print(m, "log10 ||dh_T/dh_0|| at the end:", [round(float(x[-1]), 1) for x in v],
              "final error:", [round(mt["final_error"], 3) for _, mt in runs[m]])


if __name__ == "__main__":
    main()
