"""ReLU RNN Jacobian products: identity vs scaled identity vs random Gaussian initialization."""

import matplotlib

matplotlib.use("Agg")
import numpy as np

import linrec.plotting.jacobians as pj
from linrec.growth import ginibre, power_norms
from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.jacobians import gradient_log_norms, rnn_jacobians, rnn_trajectory
from linrec.plotting import new_axes

ID = "le2015_irnn"
PROFILE = get_profile()
N, T = (64, 300) if PROFILE == "quick" else (100, 1000)
n_traj = 4 if PROFILE == "quick" else 16
rng = np.random.default_rng(0)
k = np.arange(T + 1)
inits = {
    "identity (IRNN)": np.eye(N),
    "1.02 I": 1.02 * np.eye(N),
    "0.98 I": 0.98 * np.eye(N),
    "Gaussian N(0, 1/N)": ginibre(N, rng=rng),
    "Gaussian N(0, 2/N)": ginibre(N, sigma=np.sqrt(2.0), rng=rng),
}
fig, axes = new_axes(ncols=2, figsize=(9, 3.6))
curves, arrays = {}, {"k": k}
for name, W in inits.items():
    logs, active = [], []
    for _ in range(n_traj):
        # inputs as in the adding/pixel tasks: small and mostly positive, zero bias
        x = rng.uniform(0.0, 1.0, size=(T, N)) * 0.1
        _, a = rnn_trajectory(W, np.eye(N), x, h0=rng.uniform(0.0, 1.0, size=N), activation="relu")
        logs.append(gradient_log_norms(rnn_jacobians(W, a, activation="relu")))
        active.append(np.mean(a > 0))
    curves[f"{name} (active {np.mean(active):.0%})"] = np.array(logs)
    arrays[name] = np.array(logs)
pj.plot_gradient_norms(k, curves, ax=axes[0], title=f"ReLU RNN, N = {N}: gradient norm vs horizon")
axes[0].set_ylim(1e-12, 1e8)
# right: all units active (nonnegative W, positive drive) -> the product is exactly W^k
Wpos = np.abs(ginibre(N, rng=rng)) * 1.25 / np.sqrt(N)
Wpos *= 1.01 / np.max(np.abs(np.linalg.eigvals(Wpos)))     # Perron root 1.01
x = rng.uniform(0.5, 1.0, size=(T, N))
_, a = rnn_trajectory(Wpos, np.eye(N), x, b=np.full(N, 0.1), h0=rng.uniform(0.1, 1.0, size=N), activation="relu")
meas = gradient_log_norms(rnn_jacobians(Wpos, a, activation="relu"))
pred = power_norms(Wpos, T, log=True)
arrays["all_active_measured"], arrays["all_active_W_power"] = meas, pred
pj.plot_gradient_norms(k, {"ReLU product, all units active": meas}, bounds={"||W^k|| (linear recurrence)": pred},
                       ax=axes[1], title=f"all active ({np.mean(a > 0):.0%}): product = W^k exactly")
save_arrays(figure_dir(ID) / "relu_products", arrays, {"N": N, "T": T, "profile": PROFILE})
save_figure(fig, figure_dir(ID) / "relu_products")
