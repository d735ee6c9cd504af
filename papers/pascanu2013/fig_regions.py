"""Vanishing/exploding regions: per-step log growth of Jacobian products vs sigma_max(W)."""

import matplotlib

matplotlib.use("Agg")
import numpy as np

import linrec.plotting.jacobians as pj
from linrec.growth import glorot_dense
from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.jacobians import ACTIVATION_GAIN, gradient_log_norms, rnn_jacobians, rnn_trajectory
from linrec.plotting import new_axes

ID = "pascanu2013"
PROFILE = get_profile()
N, T = (32, 100) if PROFILE == "quick" else (100, 400)
n_scale, n_traj = (16, 3) if PROFILE == "quick" else (40, 10)
rng = np.random.default_rng(1)
W0 = glorot_dense(N, rng=rng)
s0 = np.linalg.norm(W0, 2)
fig, axes = new_axes(ncols=2, figsize=(9, 3.6))
arrays = {}
for ax, activation in zip(axes, ("tanh", "sigmoid")):
    thr = 1.0 / ACTIVATION_GAIN[activation]
    smax = np.linspace(0.2 * thr, 3.0 * thr, n_scale)
    rates = np.empty((n_scale, n_traj))
    for i, sm in enumerate(smax):
        W = W0 * (sm / s0)
        for j in range(n_traj):
            _, a = rnn_trajectory(W, np.eye(N), rng.normal(size=(T, N)), h0=rng.normal(size=N),
                                  activation=activation, convention="inside")
            rates[i, j] = gradient_log_norms(rnn_jacobians(W, a, activation=activation, convention="inside"))[-1] / T
    arrays[f"{activation}_sigma_max"], arrays[f"{activation}_rates"] = smax, rates
    pj.plot_growth_regions(smax, rates, threshold=thr, ax=ax,
                           title=f"{activation} RNN, Glorot W rescaled (N = {N}, T = {T})")
save_arrays(figure_dir(ID) / "regions", arrays, {"N": N, "T": T, "profile": PROFILE})
save_figure(fig, figure_dir(ID) / "regions")
