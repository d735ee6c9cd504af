"""Pascanu et al. (2013): what happens during training. Global gradient norm per step (the
exploding spikes that clipping cuts), the regulariser Omega (Eq. (10)), and the measured Jacobian
products log ||dh_T/dh_{T-k}|| (linrec.jacobians) at several training steps against Pascanu's
bound k log eta, eta = sigma_max(W).

quick (default): temporal order T = 20, 20 hidden units, SGD lr 0.2, 3 seeds per method
(about 15 s on one core). full: T = 50, 50 hidden units, 50,000 steps at most, 5 seeds.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from linrec.experiments import pascanu2013 as P
from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.plotting import new_axes
from linrec.plotting.training_small import jacobian_products, seed_curves

PROFILE = get_profile()
METHODS = ("sgd", "clip", "clip_reg")
if PROFILE == "quick":
    BASE, SEEDS = {"T": 20, "hidden": 20, "steps": 2000, "jac_every": 2}, 3
else:
    BASE, SEEDS = {"T": 50, "hidden": 50, "steps": 50_000, "eval_every": 200, "jac_every": 10}, 5


def main():
    runs = {m: [P.run({**BASE, "method": m}, rng=s) for s in range(SEEDS)] for m in METHODS}
    arrays = {}
    for m, rs in runs.items():
        for s, (a, _) in enumerate(rs):
            for k in ("grad_norm", "omega", "jac_steps", "jac_log_norms", "eta", "eval_steps", "eval_error"):
                arrays[f"{m}/{s}/{k}"] = a[k]
    meta = {m: [mt for _, mt in rs] for m, rs in runs.items()}
    save_arrays(figure_dir(P.PAPER_ID) / "train_dynamics", arrays, {"profile": PROFILE, "config": BASE,
                                                                    "runs": meta})

    def trim(a, key):
        v = a[key]
        return v[np.isfinite(v)]

    fig, axes = new_axes(ncols=2, figsize=(9.0, 3.4))
    seed_curves({m: [trim(a, "grad_norm") for a, _ in rs] for m, rs in runs.items()}, logy=True,
                hline=P.default_config()["clip"], ylabel="global gradient norm (before clipping)", ax=axes[0])
    axes[0].set_title(f"temporal order T={BASE['T']}: gradient norm (dashed: clip)")
    seed_curves({m: [trim(a, "omega") for a, _ in rs] for m, rs in runs.items()}, logy=True,
                ylabel=r"$\Omega$ (Eq. 10), mean over steps", ax=axes[1])
    axes[1].set_title(r"regulariser $\Omega$ along training")
    save_figure(fig, figure_dir(P.PAPER_ID) / "train_dynamics")
    plt.close(fig)

    fig, axes = new_axes(ncols=3, figsize=(12.0, 3.6))
    for ax, m in zip(axes, METHODS):
        a, mt = runs[m][0]
        jacobian_products(a["jac_steps"], a["jac_log_norms"], a["eta"], ax=ax)
        state = f"solved at step {mt['solve_step']}" if mt["solved"] else "not solved"
        ax.set_title(f"{m}, seed 0 ({state})")
    save_figure(fig, figure_dir(P.PAPER_ID) / "train_jacobian_products")
    plt.close(fig)
    for m, rs in runs.items():
        print(m, [(mt["solved"], mt["solve_step"], round(mt["max_grad_norm"], 1)) for _, mt in rs])


if __name__ == "__main__":
    main()
