"""Claims on vanishing/exploding gradients as products of Jacobians.

Pascanu, Mikolov & Bengio, "On the difficulty of training recurrent neural networks"
(ICML 2013), plus the gated cells' Jacobian structure (LSTM: Hochreiter & Schmidhuber 1997 /
Gers et al. 2000; minGRU/minLSTM: Feng et al. 2024) and Lyapunov exponents of random products
(Newman 1986) and of random tanh RNNs (order-to-chaos at g = 1). The clipping experiment of
Pascanu et al. is added by the training work (papers/pascanu2013/README.md).
"""

import numpy as np
import pytest
from scipy.special import expit

from linrec.growth.ensembles import ginibre, haar_orthogonal
from linrec.growth.numeric import power_norms, spectral_radius, transient_peak
from linrec.jacobians import (
    gaussian_lyapunov_spectrum,
    gradient_log_norms,
    jacobian_product,
    lstm_jacobians,
    lstm_trajectory,
    lyapunov_spectrum,
    mingru_log_jacobians,
    minlstm_log_jacobians,
    pascanu_bound,
    rnn_jacobians,
    rnn_trajectory,
)

PAPER = "pascanu2013"
EPS = np.finfo(float).eps


@pytest.mark.claim
@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_pascanu_sufficient_condition_for_vanishing(claim, activation):
    rng = np.random.default_rng(10)
    N, T = 32, 80
    gamma = {"tanh": 1.0, "sigmoid": 0.25}[activation]
    ratios, finals = [], []
    for _ in range(5):
        Q1, Q2 = haar_orthogonal(N, rng=rng), haar_orthogonal(N, rng=rng)
        s = np.linspace(0.2, 0.95, N) / gamma                      # sigma_max = 0.95/gamma < 1/gamma
        W = Q1 @ np.diag(s) @ Q2
        x = rng.normal(size=(T, N))
        _, a = rnn_trajectory(W, np.eye(N), x, h0=rng.normal(size=N), activation=activation,
                              convention="inside")
        g = gradient_log_norms(rnn_jacobians(W, a, activation=activation, convention="inside"))
        lb, eta = pascanu_bound(W, T, activation=activation)
        assert eta < 1
        ratios.append(np.max(g[1:] - lb[1:]))   # k = 0 is 0 = 0 trivially
        finals.append(g[-1])
    claim.check_bound(paper=PAPER, equation="Sec. 3.1, Eqs. (6)-(7)",
                      statement=f"{activation} RNN with sigma_max(W) < 1/gamma: ||dx_T/dx_(T-k)|| <= "
                                f"(gamma sigma_max)^k for every 1 <= k <= {T} on 5 random trajectories (shown: "
                                "max_k ||prod J|| / (gamma sigma_max)^k)",
                      bound=np.ones(5), measured=np.exp(np.array(ratios)), relation="<=", slack=1e-12,
                      why="exact inequality; slack covers float64 rounding of the log-norm accumulation "
                          "(relative O(k eps) on the norm)")
    assert np.all(np.array(finals) < T * np.log(0.95))


@pytest.mark.claim
def test_exploding_requires_large_sigma_max_and_normal_vs_nonnormal(claim):
    # linear RNN: the Jacobian product is W^n exactly. Orthogonal-times-scalar W: ||W^n|| = c^n,
    # explodes iff c > 1. Non-normal W with rho(W) < 1 still grows transiently (Pascanu's
    # condition is on sigma_max, not rho: rho < 1 does not prevent growth at finite horizons).
    rng = np.random.default_rng(11)
    N, T = 16, 60
    Q = haar_orthogonal(N, rng=rng)
    for c in (0.9, 1.1):
        _, a = rnn_trajectory(c * Q, np.eye(N), rng.normal(size=(T, N)), activation="linear")
        g = gradient_log_norms(rnn_jacobians(c * Q, a, activation="linear"))
        claim.check(paper=PAPER, equation="Sec. 3.1 (linear case, Eq. (5))",
                    statement=f"linear RNN, W = {c} x orthogonal: log||dh_T/dh_(T-k)|| = k log {c} "
                              "(vanishes for c < 1, explodes for c > 1)",
                    predicted=np.arange(T + 1) * np.log(c), measured=g, atol=4 * T * N * EPS,
                    why="log-norm of a product of k orthogonal-times-scalar matrices: absolute error in "
                        "the log is the relative rounding O(k N eps)")
    W = np.diag(np.full(N, 0.9)) + np.diag(np.full(N - 1, 1.0), 1)
    tp = transient_peak(W)
    g = gradient_log_norms(np.stack([W] * 200))
    claim.check(paper=PAPER, equation="Sec. 3.1 (eigenvalue vs singular value condition)",
                statement="non-normal W with rho(W) = 0.9 < 1: the gradient norm max_k ||W^k|| reaches the "
                          "transient peak of ||W^n|| (>> 1) before vanishing",
                predicted=tp.peak, measured=float(np.exp(g.max())), rtol=4 * 200 * N * EPS,
                why="same quantity by two products (forward Schur powers vs backward Jacobian accumulation); "
                    "relative rounding O(n N eps) with n <= 200")
    assert tp.peak > 1e3 and spectral_radius(W) < 1


@pytest.mark.claim
def test_lstm_jacobian_product_vs_finite_differences(claim):
    rng = np.random.default_rng(12)
    N, d, T = 4, 3, 12
    W, U, b = rng.normal(size=(4 * N, d)), rng.normal(size=(4 * N, N)) * 0.7, rng.normal(size=4 * N)
    b[N:2 * N] += 2.0                                          # forget bias, as usual
    x = rng.normal(size=(T, d))
    h0, c0 = rng.normal(size=N) * 0.5, rng.normal(size=N)
    tr = lstm_trajectory(W, U, x, b=b, h0=h0, c0=c0)
    M, s = jacobian_product(lstm_jacobians(U, tr))
    prod = np.exp(s) * M

    def final_state(v):
        o = lstm_trajectory(W, U, x, b=b, h0=v[:N], c0=v[N:])
        return np.concatenate([o["h"][-1], o["c"][-1]])

    v0, hstep = np.concatenate([h0, c0]), 1e-6
    fd = np.array([(final_state(v0 + hstep * e) - final_state(v0 - hstep * e)) / (2 * hstep)
                   for e in np.eye(2 * N)]).T
    claim.check(paper="hochreiter1997_lstm", equation="Gers et al. 2000, Eqs. (1)-(4)",
                statement="full LSTM Jacobian product d(h_T, c_T)/d(h_0, c_0) over 12 steps (product of "
                          "per-step Jacobians) equals central finite differences of the forward pass",
                predicted=prod, measured=fd, atol=1e-7,
                why="central differences with step 1e-6: truncation h^2 |f'''|/6 ~ 1e-11 and rounding "
                    "eps |f|/h ~ 1e-10 per step, amplified by the 12-step product (|entries| < 10)")
    # cell path: c_T as a function of c_0 with the hidden states h_t held fixed at the trajectory
    f = tr["f"]

    def cell_only(c):
        for t in range(T):
            c = f[t] * c + tr["i"][t] * tr["g"][t]
        return c

    fdc = np.array([(cell_only(c0 + hstep * e) - cell_only(c0 - hstep * e)) / (2 * hstep) for e in np.eye(N)]).T
    pc = jacobian_product(lstm_jacobians(U, tr, path="cell"))
    claim.check(paper="hochreiter1997_lstm", equation="Sec. 4 (constant error carousel)",
                statement="cell path dc_T/dc_0 with h held fixed is diag(prod_t f_t)",
                predicted=np.diag(np.exp(pc[1]) * pc[0]), measured=fdc, atol=1e-9,
                why="the cell map is affine in c: central differences are exact up to rounding eps |c|/h ~ 1e-10")


@pytest.mark.claim
def test_mingru_minlstm_products(claim):
    rng = np.random.default_rng(13)
    N, d, T = 5, 3, 40
    Wz, Wh, Wf, Wi = (rng.normal(size=(N, d)) for _ in range(4))
    bz = rng.normal(size=N) * 0.3 - 3.5      # small update gates: products ~ 0.1, resolvable
    x = rng.normal(size=(T, d))

    # independent forward passes (Feng et al. 2024, Eqs. for minGRU / minLSTM), h_T as a function of h_0
    def mingru(h):
        for t in range(T):
            z = expit(Wz @ x[t] + bz)
            h = (1 - z) * h + z * (Wh @ x[t])
        return h

    # h_T is affine in h_0, so a difference with step 1 is exact up to rounding:
    # absolute error <= ~4 T eps max|h_t|, relative to the smallest product entry.
    h0, hs = rng.normal(size=N), 1.0
    lg = mingru_log_jacobians(x @ Wz.T + bz)
    pred = np.exp(lg.sum(axis=0))
    fd = np.array([(mingru(h0 + hs * e) - mingru(h0 - hs * e)) / (2 * hs) for e in np.eye(N)]).T
    assert np.allclose(fd - np.diag(np.diag(fd)), 0, atol=1e-13)
    tol = 4 * T * EPS * 4 * max(1.0, np.abs(mingru(h0)).max()) / pred.min()
    claim.check(paper="feng2024_minrnn", equation="Sec. 3.1 (minGRU)",
                statement="minGRU: dh_T/dh_0 = diag(prod_t (1 - z_t)) (gates independent of h), T = 40",
                predicted=pred, measured=np.diag(fd), rtol=tol,
                why="h_T affine in h_0: a step-1 central difference is exact up to rounding 4 T eps max|h| "
                    "(|h| <= 4 here), relative to min prod")
    lf = minlstm_log_jacobians(x @ Wf.T, x @ Wi.T)
    # minLSTM's f' is ~ 1/2 on average: T = 40 steps give products ~ 1e-12..1e-8, so use the first 12 steps
    T2 = 12
    pred2 = np.exp(lf[:T2].sum(axis=0))

    def minlstm_short(h):
        for t in range(T2):
            fg, ig = expit(Wf @ x[t]), expit(Wi @ x[t])
            h = fg / (fg + ig) * h + ig / (fg + ig) * (Wh @ x[t])
        return h

    fd2 = np.array([(minlstm_short(h0 + hs * e) - minlstm_short(h0 - hs * e)) / (2 * hs) for e in np.eye(N)]).T
    tol2 = 4 * T2 * EPS * 4 * max(1.0, np.abs(minlstm_short(h0)).max()) / pred2.min()
    claim.check(paper="feng2024_minrnn", equation="Sec. 3.2 (minLSTM)",
                statement="minLSTM: dh_T/dh_0 = diag(prod_t f'_t), f' = f/(f + i), T = 12",
                predicted=pred2, measured=np.diag(fd2), rtol=tol2,
                why="affine in h_0: step-1 central difference exact up to rounding 4 T eps max|h|, "
                    "relative to min prod")


@pytest.mark.claim
def test_gaussian_product_lyapunov_spectrum(claim):
    rng = np.random.default_rng(14)
    N, T, sigma = 8, 6000, 1.3
    mats = (ginibre(N, sigma=sigma, rng=rng) for _ in range(T))
    ls = lyapunov_spectrum(mats, discard=20, n_batches=20, rng=rng)
    exact = gaussian_lyapunov_spectrum(N, sigma=sigma)
    claim.check(paper="newman1986", equation="Eq. (1.2)",
                statement=f"Lyapunov spectrum of products of i.i.d. real Ginibre {N}x{N} matrices (variance "
                          "sigma^2/N): lambda_i = log sigma + (log(2/N) + psi((N-i+1)/2))/2",
                predicted=exact, measured=ls.exponents, atol=5 * float(ls.stderr.max()),
                why=f"5 batch-means standard errors (20 batches of {T // 20} i.i.d. steps); the "
                    "transient bias after discarding 20 steps is O(1/T)")


@pytest.mark.claim
def test_tanh_rnn_order_to_chaos(claim):
    rng = np.random.default_rng(15)
    N, T = 100, 1500
    W = ginibre(N, rng=rng)

    def top_exponent(g):
        h, a = rnn_trajectory(g * W, np.zeros((N, 1)), np.zeros((T, 1)), h0=rng.normal(size=N),
                              activation="tanh")
        jac = (rnn_jacobians(g * W, a[t:t + 1], activation="tanh")[0] for t in range(T))
        return lyapunov_spectrum(jac, k=1, discard=300, n_batches=10, rng=rng)

    sub = top_exponent(0.8)
    pred = np.log(0.8 * spectral_radius(W))     # h -> 0, J_t -> g W: top exponent = log rho(g W)
    drift = abs(sub.running[-1, 0] - sub.running[sub.n_steps // 2, 0])
    claim.check(paper=PAPER, equation="order-to-chaos (Molgedey, Schuster & Ritter 1992)",
                statement="random tanh RNN h <- tanh(g W h), g = 0.8 < 1: the state decays to the fixed point 0 "
                          "and the top Lyapunov exponent equals log rho(g W) < 0",
                predicted=pred, measured=sub.exponents[0], atol=4 * drift + 5 * float(sub.stderr[0]),
                why="finite-T bias estimated by the drift of the running mean between T/2 and T (x4) "
                    "plus 5 batch-means standard errors")
    sup = top_exponent(2.0)
    claim.check_bound(paper=PAPER, equation="order-to-chaos (Molgedey, Schuster & Ritter 1992)",
                      statement="g = 2 > 1: the top Lyapunov exponent is positive (chaos: gradients of "
                                "the tanh RNN explode along typical trajectories)",
                      bound=5 * float(sup.stderr[0]), measured=float(sup.exponents[0]), relation=">=",
                      why="positive by more than 5 batch-means standard errors")
    assert pred < 0


@pytest.mark.claim
def test_power_norms_agree_with_jacobian_accumulation(claim):
    # the growth engine (forward Schur powers) and the gradient engine (backward products) agree
    rng = np.random.default_rng(16)
    W = ginibre(30, sigma=1.05, rng=rng)
    n = np.arange(0, 121, 20)
    fwd = power_norms(W, n, log=True)
    bwd = gradient_log_norms(np.stack([W] * 120))[n]
    claim.check(paper=PAPER, equation="Eq. (5) (linear case: product of Jacobians = W^k)",
                statement="log ||W^k|| from Schur-form binary powering equals the backward accumulated "
                          "Jacobian product of a linear RNN",
                predicted=fwd, measured=bwd, atol=4 * 120 * 30 * EPS,
                why="two algorithms, each with relative rounding O(k N eps) on the norm, k <= 120")
