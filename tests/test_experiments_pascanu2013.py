"""Unit tests of linrec.experiments.pascanu2013: Omega's immediate gradient against finite
differences under the paper's convention (dE/dh_k and the states held constant), against the
engine's squared-norm version, the adjoint against the model's backward pass, the norm ratios
against linrec.jacobians, and the protocol's bookkeeping."""

import numpy as np
import pytest

from linrec.experiments import pascanu2013 as P
from linrec.jacobians import rnn_jacobians, rnn_trajectory
from linrec.models import ElmanRNN
from linrec.testing import check_grad


def _frozen(seed=0, T=7, B=3, N=4, activation="tanh"):
    m = ElmanRNN(2, N, 1, activation=activation, radius=1.3)
    p = m.init(seed)
    g = np.random.default_rng(seed + 1)
    x = g.normal(size=(T, B, 2))
    t = g.normal(size=(T, B, 1))
    return m, p, x, t


def _adjoints(m, p, x, t):
    """delta_k = dE/dh_k and gpre_k = delta_k * phi'_k for the full-sequence MSE, by an explicit
    per-sequence, per-step loop (independent of the module's batched adjoint)."""
    y, h = m.forward(p, x, return_states=True)
    T, B, _ = x.shape
    dy = (y - t) / (B * T)  # mse, all steps
    delta = np.zeros_like(h)
    gpre = np.zeros_like(h)
    for b in range(B):
        carry = np.zeros(m.hidden)
        for k in range(T - 1, -1, -1):
            delta[k, b] = p["C"].T @ dy[k, b] + carry
            gpre[k, b] = delta[k, b] * (1 - h[k, b] ** 2)
            carry = p["W"].T @ gpre[k, b]
    return delta, gpre, h


@pytest.mark.parametrize("power", [1, 2])
def test_omega_gradient_matches_finite_differences_with_adjoints_frozen(power):
    m, p, x, t = _frozen()
    delta, gpre, _ = _adjoints(m, p, x, t)
    om, gW, rho = P.omega_and_grad(p["W"], gpre, delta, power=power)
    assert om > 0 and np.all(np.isfinite(rho))
    # the function differentiated: W enters only through gpre @ W (Pascanu Sec. 3.3, the immediate derivative)
    res = check_grad(lambda W: P.omega_and_grad(W, gpre, delta, power=power)[0], p["W"], gW, complex_step=True)
    assert res.ok


def test_power_two_equals_the_engines_code_form():
    m, p, x, t = _frozen(3)
    me = ElmanRNN(2, m.hidden, 1, radius=1.3, omega=1.0)
    om_engine, g_engine = me.omega_and_grad(p, x, t)
    E, grads, om, _ = P.regularized_loss_and_grad(m, p, x, t, alpha=0.0, power=2)
    delta, gpre, _ = _adjoints(m, p, x, t)
    _, gW, _ = P.omega_and_grad(p["W"], gpre, delta, power=2)
    # two implementations of the same sums over T*B terms: agreement to O(T B eps) relative
    assert om == pytest.approx(om_engine, rel=1e-12)
    np.testing.assert_allclose(gW, g_engine, rtol=1e-10, atol=1e-14 * np.abs(g_engine).max())


@pytest.mark.parametrize("loss,activation", [("mse", "tanh"), ("mse", "relu"), ("ce", "sigmoid")])
def test_alpha_zero_gradient_is_the_models(loss, activation):
    g = np.random.default_rng(4)
    m = ElmanRNN(3, 5, 4, activation=activation)
    p = m.init(g)
    x = g.normal(size=(9, 6, 3))
    mask = np.zeros(9, dtype=bool)
    mask[-3:] = True
    t = g.integers(4, size=(9, 6)) if loss == "ce" else g.normal(size=(9, 6, 4))
    E, grads, _, _ = P.regularized_loss_and_grad(m, p, x, t, mask, loss=loss)
    E2, grads2 = m.loss_and_grad(p, x, t, mask, loss=loss)
    assert E == pytest.approx(E2, rel=1e-14)
    for k in grads2:
        np.testing.assert_allclose(grads[k], grads2[k], rtol=1e-11, atol=1e-15)


def test_alpha_adds_the_omega_gradient_to_W_only():
    m, p, x, t = _frozen(5)
    _, g0, om0, _ = P.regularized_loss_and_grad(m, p, x, t)
    _, g2, om2, _ = P.regularized_loss_and_grad(m, p, x, t, alpha=2.0)
    delta, gpre, _ = _adjoints(m, p, x, t)
    _, gW, _ = P.omega_and_grad(p["W"], gpre, delta)
    np.testing.assert_allclose(g2["W"] - g0["W"], 2.0 * gW, rtol=1e-10, atol=1e-15)
    for k in ("U", "b", "C", "c"):
        np.testing.assert_array_equal(g2[k], g0[k])
    assert om0 == om2


def test_norm_ratios_match_linrec_jacobians():
    m, p, x, t = _frozen(6, T=8, B=2)
    _, _, _, rho = P.regularized_loss_and_grad(m, p, x, t)
    delta, _, _ = _adjoints(m, p, x, t)
    for b in range(2):
        _, a = rnn_trajectory(p["W"], p["U"], x[:, b], b=p["b"])
        J = rnn_jacobians(p["W"], a)  # J[k] = dh_{k+1}/dh_k, i.e. the Jacobian of step k (0-based)
        ref = [np.linalg.norm(delta[k, b] @ J[k]) / np.linalg.norm(delta[k, b]) for k in range(8)]
        np.testing.assert_allclose(rho[:, b], ref, rtol=1e-12)


def test_jacobian_log_norms_respect_pascanu_bound():
    m, p, x, _ = _frozen(7, T=15)
    ln, eta = P.jacobian_log_norms(p, x)
    k = np.arange(16)
    assert np.all(ln <= k * np.log(eta) + 1e-12 * (1 + k))


def test_run_is_deterministic_and_stops_when_solved():
    cfg = {"T": 10, "hidden": 8, "steps": 60, "eval_every": 20, "eval_batch": 64, "method": "clip_reg"}
    a1, m1 = P.run(cfg, rng=3)
    a2, m2 = P.run(cfg, rng=3)
    for k in a1:
        np.testing.assert_array_equal(a1[k], a2[k])
    assert m1 == m2
    a, m = P.run({**cfg, "tol": 1.0}, rng=0)  # any error counts as solved: stop at the first evaluation
    assert m["solved"] and m["solve_step"] == 0 and np.all(np.isnan(a["loss"]))


def test_success_table_shapes():
    rows = [({"T": T, "method": me}, {"solved": T == 10, "solve_step": 5 if T == 10 else -1, "max_grad_norm": 1.0})
            for T in (10, 20) for me in ("sgd", "clip") for _ in range(3)]
    tab = P.success_table(rows)
    assert tab["solved"].shape == (2, 2, 3) and tab["methods"] == ["sgd", "clip"]
    assert tab["solved"][:, 0].all() and not tab["solved"][:, 1].any()


def test_bad_inputs():
    m, p, x, t = _frozen()
    with pytest.raises(ValueError, match="power"):
        P.omega_and_grad(p["W"], np.zeros((2, 1, 4)), np.zeros((2, 1, 4)), power=3)
    with pytest.raises(ValueError, match="gpre"):
        P.omega_and_grad(p["W"], np.zeros((2, 1, 3)), np.zeros((2, 1, 3)))
    with pytest.raises(TypeError, match="ElmanRNN"):
        from linrec.models import GRU
        P.regularized_loss_and_grad(GRU(2, 3, 1), {}, x, t)
    with pytest.raises(ValueError, match="alpha"):
        P.regularized_loss_and_grad(m, p, x, t, alpha=-1.0)
    with pytest.raises(ValueError, match="unknown keys"):
        P.run({"lr_typo": 1.0})
    with pytest.raises(ValueError, match="method"):
        P.run({"method": "adam"})
    with pytest.raises(TypeError, match="task"):
        P.task_error(object(), np.zeros((2, 1, 1)), np.zeros((2, 1, 1)))
    # Omega is zero (and its gradient too) when no adjoint passes the bound
    om, gW, rho = P.omega_and_grad(p["W"], np.zeros((2, 1, 4)), np.zeros((2, 1, 4)))
    assert om == 0.0 and not gW.any() and np.all(np.isnan(rho))
