"""Gradient scale G_f against the distance d to the stability boundary, per map (log-log).

Continuous time (d = -lambda) and discrete time (d = 1 - lambda); dotted lines are the
symbolic exponents k (G ~ d^-k): 2 for direct, 1 for exp/softplus/sigmoid/tanh, 1/2 for best.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import linrec.plotting.reparam as pr
from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.plotting import new_axes
from linrec.reparam import REPARAM_NAMES, reparam
from linrec.reparam.criteria import boundary_exponent
from linrec.reparam.symbolic import boundary_exponent_symbolic

ID = "wang2024_stablessm"
PROFILE = get_profile()
dist = np.logspace(-0.5, -12, 60 if PROFILE == "quick" else 400)
fig, axes = new_axes(ncols=2, figsize=(9.0, 3.6))
arrays, meta = {"distance_target": dist}, {"profile": PROFILE, "exponents": {}}
for ax, time in zip(axes, ("continuous", "discrete")):
    curves, slopes = {}, {}
    for name in REPARAM_NAMES[time]:
        m = reparam(name, time=time)
        res = boundary_exponent(m, distances=dist)
        k = boundary_exponent_symbolic(name, time)
        dashed = "--" if name in ("softplus", "sigmoid") else ""  # they overlap exp at small d
        curves[f"{dashed}{name} (k = {k})"] = (res.distances, res.scales)
        arrays[f"{time}_{name}_d"], arrays[f"{time}_{name}_G"] = res.distances, res.scales
        meta["exponents"][f"{time}/{name}"] = {"symbolic": str(k), "fit": res.k}
    formula = r"$G_f=|f'|/f^2$" if time == "continuous" else r"$G_f=|f'|/(1-f)^2$"
    pr.plot_loglog_curves(curves, xlabel="distance to the boundary d", ylabel=r"gradient scale $G_f$",
                          invert_x=True, ax=ax, title=f"{time} time: {formula}")
save_arrays(figure_dir(ID) / "gradient_scale", arrays, meta)
save_figure(fig, figure_dir(ID) / "gradient_scale")
plt.close(fig)
