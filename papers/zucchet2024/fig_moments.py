"""Moments and sensitivities of h_t = lam h_{t-1} + x_t against the gap 1 - lam, several inputs.

Closed forms (linrec.memory.numeric, evaluated from the gap) as lines; Monte Carlo estimates of
the forward-mode sensitivity (linrec.memory.montecarlo) with 2-SE error bars as markers.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.memory import InputModel, sensitivity, state_moment
from linrec.memory.montecarlo import mc_sensitivity, mc_state_moment
from linrec.plotting import new_axes
from linrec.plotting.memory import plot_loglog

ID = "zucchet2024"
PROFILE = get_profile()
N_MC = 4000 if PROFILE == "quick" else 40000

gaps = np.logspace(-6, np.log10(0.5), 200)
models = {
    "white noise": None,
    "AR(1) rho=0.9": InputModel.ar1(0.9),
    "AR(1) rho=0.99": InputModel.ar1(0.99),
    "AR(1) rho=0.999": InputModel.ar1(0.999),
    "constant (rho=1)": InputModel.constant(),
}
moments = {k: state_moment(gap=gaps, model=m) for k, m in models.items()}
sens = {k: sensitivity("lam", gap=gaps, model=m) for k, m in models.items()}

mc_gaps = np.array([0.3, 0.1, 0.03])
mc = {}
for i, key in enumerate(["white noise", "AR(1) rho=0.9"]):
    vals = []
    for j, g in enumerate(mc_gaps):
        T = int(np.ceil(40 / g))  # truncation lam^(2T) T^2 < 1e-30
        e1 = mc_state_moment(T, N_MC, gap=g, model=models[key], rng=1000 * i + j)
        e2 = mc_sensitivity(T, N_MC, "lam", gap=g, model=models[key], rng=1000 * i + j + 500)
        vals.append((e1.mean, e1.se, e2.mean, e2.se))
    mc[key] = np.array(vals)

save_arrays(figure_dir(ID) / "moments", {"gaps": gaps, **{f"moment/{k}": v for k, v in moments.items()},
                                         **{f"sens/{k}": v for k, v in sens.items()},
                                         **{f"mc/{k}": v for k, v in mc.items()}, "mc_gaps": mc_gaps},
            {"profile": PROFILE, "n_mc": N_MC})

fig, axes = new_axes(ncols=2, figsize=(9.0, 3.6))
plot_loglog(gaps, moments, ax=axes[0], ylabel=r"$\mathbb{E}[h^2]$", title="state second moment",
            points={f"MC {k}": (mc_gaps, v[:, 0], 2 * v[:, 1]) for k, v in list(mc.items())[:1]},
            ref_slopes={"slope -1": (-1.0, 1e-6, 5e5), "slope -2": (-2.0, 1e-6, 1e12)})
plot_loglog(gaps, sens, ax=axes[1], ylabel=r"$\mathbb{E}[(\partial h/\partial\lambda)^2]$", title=r"sensitivity to $\lambda$",
            points={f"MC {k}": (mc_gaps, v[:, 2], 2 * v[:, 3]) for k, v in mc.items()},
            ref_slopes={"slope -3": (-3.0, 1e-6, 2.5e17), "slope -4": (-4.0, 1e-6, 1e24)})
save_figure(fig, figure_dir(ID) / "moments")
plt.close(fig)
