"""Gradient norm vs horizon for tanh RNN, LSTM, GRU, minGRU, minLSTM and LRU at initialization."""

import matplotlib

matplotlib.use("Agg")
import numpy as np

import linrec.plotting.jacobians as pj
from linrec.growth import glorot_dense, ring_uniform
from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.jacobians import (
    gradient_log_norms,
    gru_jacobians,
    gru_trajectory,
    lru_jacobian,
    lstm_jacobians,
    lstm_trajectory,
    mingru_log_jacobians,
    minlstm_log_jacobians,
    rnn_jacobians,
    rnn_trajectory,
)

ID = "pascanu2013"
PROFILE = get_profile()
N, d, T = (32, 8, 300) if PROFILE == "quick" else (128, 16, 1000)
rng = np.random.default_rng(4)
x = rng.normal(size=(T, d))
curves = {}

W, U = glorot_dense(N, rng=rng), glorot_dense(N, d, rng=rng)
_, a = rnn_trajectory(W, U, x, activation="tanh")
curves["tanh RNN (Glorot)"] = gradient_log_norms(rnn_jacobians(W, a, activation="tanh"))

Wl, Ul = glorot_dense(4 * N, d, rng=rng), glorot_dense(4 * N, N, rng=rng)
bl = np.zeros(4 * N)
bl[N:2 * N] = 1.0                                        # forget-gate bias 1 (Gers et al. 2000)
tr = lstm_trajectory(Wl, Ul, x, b=bl)
curves["LSTM, full (h, c) Jacobian"] = gradient_log_norms(lstm_jacobians(Ul, tr))
curves["LSTM cell path diag(prod f_t)"] = gradient_log_norms(lstm_jacobians(Ul, tr, path="cell"))

Wg, Ug = glorot_dense(3 * N, d, rng=rng), glorot_dense(3 * N, N, rng=rng)
trg = gru_trajectory(Wg, Ug, x)
curves["GRU (Cho et al. convention)"] = gradient_log_norms(gru_jacobians(Ug, trg))

Wz = glorot_dense(N, d, rng=rng)
curves["minGRU, bias -3"] = gradient_log_norms(np.exp(mingru_log_jacobians(x @ Wz.T - 3.0)))
Wf, Wi = glorot_dense(N, d, rng=rng), glorot_dense(N, d, rng=rng)
curves["minLSTM"] = gradient_log_norms(np.exp(minlstm_log_jacobians(x @ Wf.T, x @ Wi.T)))

lam = ring_uniform(N, 0.9, 0.999, max_phase=np.pi / 10, rng=rng)
lam_j, _ = lru_jacobian(np.log(-np.log(np.abs(lam))), np.log(np.angle(lam)))
curves["LRU, ring [0.9, 0.999]"] = gradient_log_norms(np.tile(lam_j, (T, 1)))

k = np.arange(T + 1)
save_arrays(figure_dir(ID) / "gated_cells", {"k": k, **{n: v for n, v in curves.items()}},
            {"N": N, "d": d, "T": T, "profile": PROFILE})
fig, ax = pj.plot_gradient_norms(k, curves, title=f"gradient norm vs horizon at initialization (N = {N})")
ax.set_ylim(1e-16, 10)
save_figure(fig, figure_dir(ID) / "gated_cells")
