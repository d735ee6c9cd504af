"""ReLU vs LSTM gradient paths: ReLU products are W^n on the active units; the LSTM cell path is prod f_t.

Left: a ReLU RNN with a nonnegative W (Perron root r) and positive drive keeps every unit active,
so dh_T/dh_0 = W^T exactly and its norm follows r^T: r = 1.1 explodes, r = 0.9 vanishes, the
identity (IRNN, Le et al. 2015) sits at r = 1. Right: an LSTM whose gates read only the input
(U_i = U_f = U_g = 0) has dc_T/dc_0 = prod_t diag(f_t) exactly (Hochreiter & Schmidhuber 1997,
constant error carousel; Gers et al. 2000, forget gate): measured by a finite difference of the
actual forward pass and compared with the product of the forget gates, for three forget biases.
"""

import matplotlib

matplotlib.use("Agg")
import numpy as np

import linrec.plotting.jacobians as pj
from linrec.growth import ginibre
from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.jacobians import gradient_log_norms, lstm_trajectory, rnn_jacobians, rnn_trajectory
from linrec.plotting import new_axes

ID = "answers"
PROFILE = get_profile()
N, T = (32, 60) if PROFILE == "quick" else (64, 200)
n_W = 8 if PROFILE == "quick" else 32
RATES = (0.9, 1.0, 1.1)
BIASES = (0.0, 1.0, 3.0)
rng = np.random.default_rng(0)
k = np.arange(T + 1)
arrays: dict[str, np.ndarray] = {"k": k, "rates": np.array(RATES), "biases": np.array(BIASES)}
fig, axes = new_axes(ncols=2, figsize=(9, 3.6))

curves, bounds = {}, {}
for r in RATES:
    logs, active = [], []
    for _ in range(n_W):
        if r == 1.0:
            W = np.eye(N)                               # the IRNN initialization
        else:
            W = np.abs(ginibre(N, rng=rng))
            W *= r / np.max(np.abs(np.linalg.eigvals(W)))   # Perron root r
        x = rng.uniform(0.0, 1.0, size=(T, N)) * 0.1
        _, a = rnn_trajectory(W, np.eye(N), x, b=np.full(N, 0.01), h0=rng.uniform(0.0, 1.0, size=N),
                              activation="relu")
        logs.append(gradient_log_norms(rnn_jacobians(W, a, activation="relu")))
        active.append(np.mean(a > 0))
    logs = np.array(logs)
    arrays[f"relu/{r:g}/log_norms"] = logs
    arrays[f"relu/{r:g}/active"] = np.array(active)
    label = "W = I (IRNN)" if r == 1.0 else f"W >= 0, Perron root {r:g}"
    curves[f"{label} (active {np.mean(active):.0%})"] = logs
    bounds[rf"${r:g}^k$"] = k * np.log(r)
pj.plot_gradient_norms(k, curves, bounds=bounds, ax=axes[0],
                       title=rf"ReLU RNN, $N = {N}$, {n_W} draws: $\|\partial h_T/\partial h_{{T-k}}\|$ vs $r^k$")

lcurves, lbounds = {}, {}
d = 4
DELTA = 1e150
for bf in BIASES:
    meas, pred = [], []
    for _ in range(n_W):
        Wx = rng.normal(size=(4 * N, d)) / np.sqrt(d)
        U = np.zeros((4 * N, N))
        U[3 * N:] = rng.normal(size=(N, N)) / np.sqrt(N)     # only the output gate reads h
        b = np.zeros(4 * N)
        b[N:2 * N] = bf
        x = rng.normal(size=(T, d))
        c0 = rng.normal(size=N)
        base = lstm_trajectory(Wx, U, x, b=b, c0=c0)
        # c_T is affine in c_0 here, so a finite difference of any size is exact up to rounding;
        # a large step DELTA keeps prod f_t * DELTA far above the rounding of c_t ~ 1
        pert = lstm_trajectory(Wx, U, x, b=b, c0=c0 + DELTA)
        meas.append(np.log(np.abs(pert["c"][1:] - base["c"][1:]) / DELTA).mean(axis=1))
        pred.append(np.cumsum(np.log(base["f"]), axis=0).mean(axis=1))
    arrays[f"lstm/{bf:g}/log_measured"] = np.array(meas)
    arrays[f"lstm/{bf:g}/log_prod_f"] = np.array(pred)
    f_inf = 1.0 / (1.0 + np.exp(-bf))
    lcurves[f"finite difference, forget bias {bf:g}"] = np.concatenate([np.zeros((n_W, 1)), np.array(meas)], axis=1)
    lbounds[f"mean log prod f_t (bias {bf:g}, sigmoid = {f_inf:.2f})"] = np.concatenate([[0.0], np.mean(pred, axis=0)])
pj.plot_gradient_norms(k, lcurves, bounds=lbounds, ax=axes[1], ylabel="geometric mean |dc_t/dc_0|",
                       title="LSTM cell path: dc_t/dc_0 = prod f_t")
save_arrays(figure_dir(ID) / "lstm_gradients", arrays, {"N": N, "T": T, "n_W": n_W, "profile": PROFILE})
save_figure(fig, figure_dir(ID) / "lstm_gradients")
