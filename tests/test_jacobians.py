"""Tests of linrec.jacobians: per-step Jacobians vs finite differences, products, Lyapunov."""

import numpy as np
import pytest

from linrec.jacobians import (
    gaussian_lyapunov_spectrum,
    gradient_log_norms,
    gru_jacobians,
    gru_trajectory,
    jacobian_product,
    lru_jacobian,
    lstm_jacobians,
    lstm_trajectory,
    lyapunov_spectrum,
    mingru_log_jacobians,
    minlstm_log_jacobians,
    pascanu_bound,
    rnn_jacobians,
    rnn_trajectory,
)

# Central differences with step 1e-6 on O(1) smooth maps: truncation h^2/6 |f'''| ~ 1e-12,
# rounding ~ eps |f| / h ~ 2e-10; 1e-8 leaves a factor ~50 margin.
FD_STEP, FD_TOL = 1e-6, 1e-8


def fd_jacobian(f, v):
    v = np.asarray(v, dtype=float)
    cols = []
    for k in range(v.size):
        e = np.zeros_like(v)
        e[k] = FD_STEP
        cols.append((f(v + e) - f(v - e)) / (2 * FD_STEP))
    return np.array(cols).T


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "linear", "relu"])
@pytest.mark.parametrize("convention", ["outside", "inside"])
def test_rnn_jacobians_vs_fd(activation, convention):
    rng = np.random.default_rng(0)
    N, d, T = 5, 3, 6
    W = rng.normal(size=(N, N)) / np.sqrt(N)
    U = rng.normal(size=(N, d))
    b = rng.normal(size=N)
    x = rng.normal(size=(T, d))
    h, a = rnn_trajectory(W, U, x, b=b, activation=activation, convention=convention)
    J = rnn_jacobians(W, a, activation=activation, convention=convention)
    assert J.shape == (T, N, N)
    for t in range(T):
        if activation == "relu" and np.min(np.abs(a[t])) < 1e-4:
            continue  # finite differences straddle a kink
        step = lambda v, t=t: rnn_trajectory(W, U, x[t:t + 1], b=b, h0=v, activation=activation,  # noqa: E731
                                             convention=convention)[0][1]
        assert np.allclose(J[t], fd_jacobian(step, h[t]), atol=FD_TOL, rtol=0)


def test_lstm_full_and_cell_vs_fd():
    rng = np.random.default_rng(1)
    N, d, T = 4, 2, 5
    W, U, b = rng.normal(size=(4 * N, d)), rng.normal(size=(4 * N, N)) / 2, rng.normal(size=4 * N)
    x = rng.normal(size=(T, d))
    tr = lstm_trajectory(W, U, x, b=b, c0=rng.normal(size=N))
    J = lstm_jacobians(U, tr)
    Jc = lstm_jacobians(U, tr, path="cell")
    for t in range(T):
        def step(v, t=t):
            o = lstm_trajectory(W, U, x[t:t + 1], b=b, h0=v[:N], c0=v[N:])
            return np.concatenate([o["h"][1], o["c"][1]])

        state = np.concatenate([tr["h"][t], tr["c"][t]])
        fd = fd_jacobian(step, state)
        assert np.allclose(J[t], fd, atol=FD_TOL, rtol=0)
        # cell path: dc_t/dc_{t-1} with h_{t-1} fixed is the lower-right block = diag(f_t)
        assert np.allclose(np.diag(Jc[t]), fd[N:, N:], atol=FD_TOL, rtol=0)


def test_gru_vs_fd():
    rng = np.random.default_rng(2)
    N, d, T = 4, 2, 5
    W, U, b = rng.normal(size=(3 * N, d)), rng.normal(size=(3 * N, N)), rng.normal(size=3 * N)
    x = rng.normal(size=(T, d))
    tr = gru_trajectory(W, U, x, b=b, h0=rng.normal(size=N))
    J = gru_jacobians(U, tr)
    for t in range(T):
        step = lambda v, t=t: gru_trajectory(W, U, x[t:t + 1], b=b, h0=v)["h"][1]  # noqa: E731
        assert np.allclose(J[t], fd_jacobian(step, tr["h"][t]), atol=FD_TOL, rtol=0)


def test_min_cells_and_lru():
    a = np.array([[-40.0, 0.0, 3.0, 800.0]])
    # log(1 - sigmoid(a)) computed naively underflows/loses digits at a = 800 and -40
    lj = mingru_log_jacobians(a)
    assert np.allclose(lj, [[-4.248354255291589e-18, -np.log(2), -np.log1p(np.exp(3.0)), -800.0]], rtol=1e-14)
    lf = minlstm_log_jacobians([[0.0, 5.0]], [[0.0, -5.0]])
    f, i = 1 / (1 + np.exp(-np.array([0.0, 5.0]))), 1 / (1 + np.exp(-np.array([0.0, -5.0])))
    assert np.allclose(np.exp(lf[0]), f / (f + i), rtol=1e-14)
    lam, la = lru_jacobian(np.log([1e-12, 0.5]), np.log([0.1, 1.0]))
    assert np.allclose(la, [-1e-12, -0.5], rtol=1e-15)
    assert np.allclose(np.angle(lam), [0.1, 1.0], rtol=1e-14)


def test_products_and_horizon_norms():
    rng = np.random.default_rng(3)
    J = rng.normal(size=(7, 4, 4))
    M, s = jacobian_product(J)
    direct = J[6] @ J[5] @ J[4] @ J[3] @ J[2] @ J[1] @ J[0]
    assert np.allclose(np.exp(s) * M, direct, rtol=1e-12)
    g = gradient_log_norms(J)
    ref = [0.0] + [np.log(np.linalg.norm(np.linalg.multi_dot(list(J[::-1][:k])) if k > 1 else J[-1], 2))
                   for k in range(1, 8)]
    assert np.allclose(g, ref, rtol=1e-12, atol=1e-12)
    gf = gradient_log_norms(J, ord="fro")
    assert np.isclose(gf[-1], np.log(np.linalg.norm(direct)), rtol=1e-12)
    # diagonal Jacobians: both norms, and the product in log space
    d = rng.uniform(0.1, 2.0, size=(9, 3)) * np.sign(rng.normal(size=(9, 3)))
    gd = gradient_log_norms(d)
    gdf = gradient_log_norms(d, ord="fro")
    Jd = np.array([np.diag(v) for v in d])
    assert np.allclose(gd, gradient_log_norms(Jd), atol=1e-12)
    assert np.allclose(gdf, gradient_log_norms(Jd, ord="fro"), atol=1e-12)
    Md, sd = jacobian_product(d)
    assert np.allclose(np.exp(sd) * Md, np.prod(d, axis=0), rtol=1e-12)
    # log accumulation survives 10^5 factors of 1e-3 (product 1e-300000)
    big = gradient_log_norms(np.full((100000, 2), 1e-3))
    assert np.isclose(big[-1], 100000 * np.log(1e-3), rtol=1e-12)


def test_pascanu_bound_holds():
    rng = np.random.default_rng(4)
    W = rng.normal(size=(6, 6)) / 2
    h, a = rnn_trajectory(W, np.eye(6), rng.normal(size=(30, 6)), activation="sigmoid")
    g = gradient_log_norms(rnn_jacobians(W, a, activation="sigmoid"))
    lb, eta = pascanu_bound(W, 30, activation="sigmoid")
    assert np.all(g <= lb + 1e-12 * np.arange(31))
    assert np.isclose(eta, np.linalg.norm(W, 2) / 4)


def test_lyapunov_spectrum_exact_cases():
    # constant upper-triangular matrix: exponents are log|eigenvalues|, sorted
    A = np.array([[0.5, 3.0], [0.0, 2.0]])
    ls = lyapunov_spectrum(np.stack([A] * 400), discard=50)
    assert np.allclose(ls.exponents, [np.log(2.0), np.log(0.5)], atol=1e-2)
    ls_gen = lyapunov_spectrum((A for _ in range(400)), discard=50)
    assert np.allclose(ls_gen.exponents, ls.exponents, rtol=0, atol=1e-15)
    assert ls.running.shape == (350, 2) and ls.n_steps == 350
    ls1 = lyapunov_spectrum(np.stack([A] * 10), k=1)
    assert ls1.exponents.shape == (1,)


def test_gaussian_lyapunov_law_small_mc():
    # N = 1: lambda = E log|sigma g| = log sigma + (log 2 + psi(1/2))/2 for g ~ N(0, 1)
    rng = np.random.default_rng(5)
    g = rng.normal(size=200000)
    mc = np.mean(np.log(np.abs(0.7 * g)))
    se = np.std(np.log(np.abs(g))) / np.sqrt(g.size)
    assert abs(gaussian_lyapunov_spectrum(1, sigma=0.7)[0] - mc) < 5 * se
    # sum of exponents = E log|det G| (complex N = 3): check monotone and finite
    lam = gaussian_lyapunov_spectrum(3, complex_entries=True)
    assert np.all(np.diff(lam) < 0)


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: rnn_trajectory(np.eye(2), np.eye(2), np.ones((3, 2)), activation="gelu"), ValueError, "activation"),
        (lambda: rnn_trajectory(np.ones((2, 3)), np.eye(2), np.ones((3, 2))), ValueError, "W must be square"),
        (lambda: rnn_trajectory(np.eye(2), np.eye(3), np.ones((3, 2))), ValueError, "U must"),
        (lambda: rnn_trajectory(np.eye(2), np.eye(2), np.full((3, 2), np.nan)), ValueError, "finite"),
        (lambda: rnn_jacobians(np.eye(2), np.ones((3, 3))), ValueError, "a must"),
        (lambda: lstm_trajectory(np.ones((7, 1)), np.ones((8, 2)), np.ones((2, 1))), ValueError, "W must"),
        (lambda: lstm_jacobians(np.ones((8, 2)), {"h": 1}), TypeError, "traj"),
        (lambda: gru_jacobians(np.ones((6, 2)), [1]), TypeError, "traj"),
        (lambda: minlstm_log_jacobians([[0.0]], [[0.0, 1.0]]), ValueError, "same shape"),
        (lambda: jacobian_product(np.ones((2, 3, 4))), ValueError, "J must"),
        (lambda: gradient_log_norms(np.ones((2, 3, 3)), ord=1), ValueError, "ord"),
        (lambda: pascanu_bound(np.eye(2), 0), ValueError, "n must"),
        (lambda: lyapunov_spectrum(np.ones((3, 2, 2)), k=3), ValueError, "k must"),
        (lambda: lyapunov_spectrum(np.ones((3, 2, 2)), discard=3), ValueError, "more than"),
        (lambda: lyapunov_spectrum(np.ones((3, 2, 2)), discard=-1), ValueError, "discard"),
        (lambda: lyapunov_spectrum([np.eye(2), np.eye(3)]), ValueError, "all Jacobians"),
        (lambda: gaussian_lyapunov_spectrum(3, sigma=0.0), ValueError, "sigma"),
        (lambda: lru_jacobian([1.0], [1.0, 2.0]), ValueError, "same shape"),
    ],
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
