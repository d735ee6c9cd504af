"""The non-normal transient a spectral-radius argument misses: ||W^k|| vs rho(W)^k."""

import matplotlib

matplotlib.use("Agg")
import numpy as np

import linrec.plotting.jacobians as pj
from linrec.growth import haar_orthogonal, numerical_radius, spectral_radius, transient_peak
from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.jacobians import gradient_log_norms, rnn_jacobians, rnn_trajectory

ID = "pascanu2013"
PROFILE = get_profile()
N, T = (24, 250) if PROFILE == "quick" else (64, 600)
rng = np.random.default_rng(2)
Q = haar_orthogonal(N, rng=rng)
Tm = np.diag(rng.uniform(-0.93, 0.93, size=N)) + np.triu(rng.normal(size=(N, N)), 1) * 0.5
W_nn = Q @ Tm @ Q.T                       # rho < 1, strongly non-normal
W_n = Q @ np.diag(np.diag(Tm)) @ Q.T      # same eigenvalues, normal
curves = {}
for name, W in (("non-normal W", W_nn), ("normal W, same eigenvalues", W_n)):
    _, a = rnn_trajectory(W, np.eye(N), rng.normal(size=(T, N)), activation="linear")
    curves[name] = gradient_log_norms(rnn_jacobians(W, a, activation="linear"))
rho = spectral_radius(W_nn)
k = np.arange(T + 1)
tp = transient_peak(W_nn)
bounds = {"rho(W)^k (spectral-radius argument)": k * np.log(rho),
          "Pascanu: sigma_max(W)^k": k * np.log(np.linalg.norm(W_nn, 2)),
          "2 w(W)^k (numerical radius)": np.log(2) + k * np.log(numerical_radius(W_nn))}
save_arrays(figure_dir(ID) / "nonnormal_transient", {"k": k, **{n.replace(" ", "_"): v for n, v in curves.items()}},
            {"rho": rho, "peak": tp.peak, "n_peak": tp.n_peak, "profile": PROFILE})
fig, ax = pj.plot_gradient_norms(k, curves, bounds=bounds,
                                 title=rf"linear RNN, $\rho(W) = {rho:.2f} < 1$: transient peak {tp.peak:.3g} "
                                       f"at k = {tp.n_peak}")
ax.set_ylim(1e-8, 1e4 * max(1.0, tp.peak))
save_figure(fig, figure_dir(ID) / "nonnormal_transient")
