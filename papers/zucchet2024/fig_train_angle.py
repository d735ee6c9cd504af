"""Zucchet & Orvieto (2024): learning the angle of one complex eigenvalue lam = nu e^{i theta} with a
real Adam (state carried from step to step) under the polar, exp (LRU) and "optimal" (gap-scaled
angle, theta (1 - |lam|)) parameterizations, at nu = 0.9 and 0.99.

Shown: |angle - theta*| / (1 - nu) (the loss valley in angle has width about 1 - nu) and the
population loss against the step. Adam moves every coordinate by about lr per step whatever the
gradient's size, so the angle moves by lr * d(angle)/d(theta): lr (polar), lr * angle (exp),
lr * (1 - nu) (optimal) — the rescaling that equalises gradient descent's curvature slows Adam
down by 1/(1 - nu). Exact population loss, T = 1000, lr = 1e-2, 2000 steps (about 10 s; same in both
profiles).
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from linrec.experiments import zucchet2024 as Z
from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.plotting import new_axes
from linrec.plotting.training import plot_training_curves

ID = "zucchet2024"
PROFILE = get_profile()
NUS = (0.9, 0.99)
PARAMS = ("polar", "exp", "optimal")
KW = dict(theta_star=0.5, theta0=0.8, lr=1e-2, steps=2000, T=1000)


def main():
    res = {(nu, p): Z.angle_dynamics(p, nu=nu, **KW) for nu in NUS for p in PARAMS}
    arrays = {f"{p}/nu{nu}/{k}": np.asarray(v[k]) for (nu, p), v in res.items() for k in ("loss", "angle")}
    save_arrays(figure_dir(ID) / "train_angle", arrays, {"profile": PROFILE, "nus": list(NUS), **KW})
    fig, axes = new_axes(ncols=3, figsize=(13.0, 3.6))
    for ax, nu in zip(axes[:2], NUS):
        curves = {p: np.abs(res[(nu, p)]["angle_error"])[None] / res[(nu, p)]["width"] for p in PARAMS}
        plot_training_curves(curves, ax=ax, title=rf"$\nu = {nu}$: angle error$/(1 - \nu)$, Adam lr {KW['lr']:g}",
                             ylabel=r"$|\theta - \theta^*|/(1 - \nu)$")
        ax.axhline(1.0, color="0.5", lw=0.8, ls=":")
    plot_training_curves({f"{p}, nu={nu}": res[(nu, p)]["loss"][None] for nu in NUS for p in PARAMS}, ax=axes[2],
                         title="population loss", ylabel="loss")
    save_figure(fig, figure_dir(ID) / "train_angle")
    plt.close(fig)
    for (nu, p), v in res.items():
        e = np.abs(v["angle_error"]) / v["width"]
        inside = np.flatnonzero(e < 1)
        print(nu, p, "steps to |error| < 1 - nu:", int(inside[0]) if inside.size else None,
              f"final |error|/(1-nu) {e[-1]:.2e}")
    return res


if __name__ == "__main__":
    main()
