"""Residual tanh RNN h_t = h_{t-1} + tanh(W h_{t-1} + U x_t): Jacobian products vs rho(I + W)^n.

The per-step Jacobian is I + D_t W with D_t = diag(1 - tanh^2(z_t)); near the fixed point h = 0
(small inputs) D_t = I and the product grows or shrinks like A^n, A = I + W, eigenvalues 1 + mu.
Two ensembles of W: "plain" W = G (Ginibre, sigma/sqrt(N) entries: mu fills the disk |mu| <= sigma,
so about half of the 1 + mu lie outside the unit circle) and "contractive" W = -c I + G.
"""

import matplotlib

matplotlib.use("Agg")
import numpy as np

from linrec.growth import ginibre
from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.jacobians import gradient_log_norms
from linrec.plotting import new_axes

ID = "answers"
PROFILE = get_profile()
N, T, n_W = (48, 60, 12) if PROFILE == "quick" else (96, 120, 40)
SIGMA, SHIFT, X_SCALE = 0.3, 0.4, 1e-9


def residual_tanh(W, x):
    """Jacobians I + diag(tanh'(z_t)) W of h_t = h_{t-1} + tanh(W h_{t-1} + x_t), and max_t,i |1 - tanh'|."""
    h = np.zeros(W.shape[0])
    J = np.empty((len(x),) + W.shape)
    dev = 0.0
    for t in range(len(x)):
        z = W @ h + x[t]
        J[t] = np.eye(W.shape[0]) + (1.0 - np.tanh(z) ** 2)[:, None] * W
        dev = max(dev, float(np.max(np.tanh(z) ** 2)))
        h = h + np.tanh(z)
    return J, dev


rng = np.random.default_rng(0)
arrays = {"k": np.arange(T + 1)}
fig, axes = new_axes(ncols=2, figsize=(9, 3.6))
for ax, (name, shift) in zip(axes, (("plain", 0.0), ("contractive", SHIFT))):
    logs, rates, kappa, eig, devs = [], [], [], [], []
    for _ in range(n_W):
        W = ginibre(N, sigma=SIGMA, rng=rng) - shift * np.eye(N)
        A = np.eye(N) + W
        lam, V = np.linalg.eig(A)
        J, dev = residual_tanh(W, X_SCALE * rng.standard_normal((T, N)))
        devs.append(dev)
        logs.append(gradient_log_norms(J))
        rates.append(np.log(np.max(np.abs(lam))))
        kappa.append(np.linalg.cond(V))
        eig.append(lam)
    logs, rates = np.array(logs), np.array(rates)
    arrays[f"{name}/log_norms"], arrays[f"{name}/log_rho"] = logs, rates
    arrays[f"{name}/cond_V"], arrays[f"{name}/eig"] = np.array(kappa), np.array(eig)
    arrays[f"{name}/max_1_minus_D"] = np.array(devs)
    k = arrays["k"]
    for i in range(n_W):
        ax.plot(k, logs[i] / np.log(10), color="C0", alpha=0.4, lw=1, label="measured" if i == 0 else None)
        ax.plot(k, k * rates[i] / np.log(10), color="C3", ls="--", lw=0.8, label="n log ρ(I+W)" if i == 0 else None)
    ax.set_xlabel("horizon n")
    ax.set_ylabel("log10 ||∏ (I + D_t W)||")
    shift_txt = f" - {shift:.1f} I" if shift else ""
    ax.set_title(f"{name}: W = G{shift_txt}, N = {N}")
    ax.legend(fontsize=8)
save_arrays(figure_dir(ID) / "residual_jacobians", arrays,
            {"N": N, "T": T, "n_W": n_W, "sigma": SIGMA, "shift": SHIFT, "x_scale": X_SCALE, "profile": PROFILE})
save_figure(fig, figure_dir(ID) / "residual_jacobians")
