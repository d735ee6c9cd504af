"""Order to chaos in random tanh RNNs h <- tanh(g W h): top Lyapunov exponent vs g."""

import matplotlib

matplotlib.use("Agg")
import numpy as np

import linrec.plotting.jacobians as pj
from linrec.growth import ginibre, spectral_radius
from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.jacobians import lyapunov_spectrum, rnn_jacobians, rnn_trajectory

ID = "pascanu2013"
PROFILE = get_profile()
N, T = (100, 1200) if PROFILE == "quick" else (400, 5000)
gs = np.linspace(0.5, 2.5, 11 if PROFILE == "quick" else 21)
rng = np.random.default_rng(3)
W = ginibre(N, rng=rng)
rhoW = spectral_radius(W)
top, se = [], []
for g in gs:
    h, a = rnn_trajectory(g * W, np.zeros((N, 1)), np.zeros((T, 1)), h0=rng.normal(size=N), activation="tanh")
    jac = (rnn_jacobians(g * W, a[t:t + 1], activation="tanh")[0] for t in range(T))
    ls = lyapunov_spectrum(jac, k=1, discard=T // 5, rng=rng)
    top.append(ls.exponents[0])
    se.append(ls.stderr[0])
pred = np.where(gs * rhoW < 1, np.log(gs * rhoW), np.nan)
save_arrays(figure_dir(ID) / "lyapunov", {"g": gs, "top": np.array(top), "stderr": np.array(se), "pred": pred},
            {"N": N, "T": T, "rho_W": rhoW, "profile": PROFILE})
fig, ax = pj.plot_lyapunov(gs, top, stderr=se, predicted=pred,
                           title=rf"random tanh RNN, $N = {N}$: ordered for $g < 1$, $\lambda_1 > 0$ (chaos) only "
                                 rf"beyond $g \approx 1.5$ at this $N$")
save_figure(fig, figure_dir(ID) / "lyapunov")
