"""Pascanu's bound (gamma sigma_max)^k vs measured Jacobian products, tanh and sigmoid RNNs."""

import matplotlib

matplotlib.use("Agg")
import numpy as np

import linrec.plotting.jacobians as pj
from linrec.growth import haar_orthogonal
from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.jacobians import gradient_log_norms, pascanu_bound, rnn_jacobians, rnn_trajectory
from linrec.plotting import new_axes

ID = "pascanu2013"
PROFILE = get_profile()
N, T = (32, 80) if PROFILE == "quick" else (128, 300)
n_traj = 8 if PROFILE == "quick" else 32
rng = np.random.default_rng(0)
fig, axes = new_axes(ncols=2, figsize=(9, 3.6))
arrays = {"k": np.arange(T + 1)}
for ax, activation, gamma in zip(axes, ("tanh", "sigmoid"), (1.0, 0.25)):
    # W = Q1 diag(s) Q2 with sigma_max = 0.95/gamma (vanishing guaranteed) and 1.3/gamma (not guaranteed)
    curves, bounds = {}, {}
    for smax in (0.95, 1.3):
        s = np.linspace(0.1, smax, N) / gamma
        W = haar_orthogonal(N, rng=rng) @ np.diag(s) @ haar_orthogonal(N, rng=rng)
        logs = []
        for _ in range(n_traj):
            _, a = rnn_trajectory(W, np.eye(N), rng.normal(size=(T, N)), h0=rng.normal(size=N),
                                  activation=activation, convention="inside")
            logs.append(gradient_log_norms(rnn_jacobians(W, a, activation=activation, convention="inside")))
        lb, eta = pascanu_bound(W, T, activation=activation)
        curves[f"measured, gamma sigma_max = {eta:.2f}"] = np.array(logs)
        bounds[f"bound ({eta:.2f})^k"] = lb
        arrays[f"{activation}_{smax}_log_norms"] = np.array(logs)
        arrays[f"{activation}_{smax}_bound"] = lb
    pj.plot_gradient_norms(np.arange(T + 1), curves, bounds=bounds, ax=ax, title=f"{activation} RNN (N = {N})")
    ax.set_ylim(1e-12, 1e6)
save_arrays(figure_dir(ID) / "bound_vs_measured", arrays, {"N": N, "T": T, "n_traj": n_traj, "profile": PROFILE})
save_figure(fig, figure_dir(ID) / "bound_vs_measured")
