"""Tests of linrec.experiments.li2021_curse_of_memory: closed forms vs quadrature vs the engine."""

import math

import mpmath
import numpy as np
import pytest
from scipy.integrate import quad

from linrec import models
from linrec.experiments.li2021_curse_of_memory import (
    bump_laplace,
    default_horizon,
    plateau_time_asymptotic,
    plateau_time_flow,
    reduced_gd_steps,
    reduced_loss_continuous,
    reduced_loss_discrete,
    run_plateau,
)
from linrec.tasks import delayed_bump


@pytest.mark.parametrize("r,t0,sigma", [(0.3, 2.0, 1.0), (1.0, 8.0, 1.0), (2.5, 12.0, 0.7), (0.1, 0.0, 2.0)])
def test_bump_laplace_vs_mpmath(r, t0, sigma):
    mpmath.mp.dps = 40
    ref = mpmath.quad(lambda t: mpmath.exp(-(t - t0) ** 2 / (2 * sigma**2) - r * t), [0, t0, t0 + 40 * sigma])
    # relative error of log_ndtr/exp evaluation: a few ulps times the exponent size
    assert float(bump_laplace(r, t0, sigma)) == pytest.approx(float(ref), rel=1e-12)


def test_reduced_loss_continuous_vs_quadrature():
    t0, sigma, r = 5.0, 1.0, 0.8

    def rho(t):
        return math.exp(-(t - t0) ** 2 / (2 * sigma**2))

    num = quad(lambda t: rho(t) * math.exp(-r * t), 0, 60, points=[t0], epsabs=0, epsrel=1e-13)[0]
    a_star = 2 * r * num
    L_direct = 0.5 * quad(lambda t: (a_star * math.exp(-r * t) - rho(t)) ** 2, 0, 60, points=[t0],
                          epsabs=0, epsrel=1e-13)[0]
    L, dL = reduced_loss_continuous(r, t0, sigma)
    assert float(L) == pytest.approx(L_direct, rel=1e-10)
    h = 1e-5
    fd = (reduced_loss_continuous(r + h, t0, sigma)[0] - reduced_loss_continuous(r - h, t0, sigma)[0]) / (2 * h)
    assert float(dL) == pytest.approx(float(fd), rel=1e-7)  # O(h^2) central difference + rounding/h


def test_reduced_loss_discrete_matches_engine_at_optimal_amplitude():
    t0, dt = 4.0, 0.1
    T = default_horizon(t0)
    task = delayed_bump(T, t0, dt=dt)
    k = task.impulse_response()
    r = 0.9
    m = models.DiagonalSSM(1, 1, 1, reparam="direct", delta=dt, feedthrough=False)
    L_red, dL_red = reduced_loss_discrete(r, k[:, 0, 0], dt)
    # the engine's population loss is quadratic in C: minimise it exactly from three evaluations
    vals = []
    for c in (-1.0, 0.0, 1.0):
        p = {"w": np.array([-r]), "B": np.ones((1, 1)), "C": np.full((1, 1), c)}
        vals.append(m.population_loss_and_grad(p, k)[0])
    a, b = (vals[0] + vals[2] - 2 * vals[1]) / 2, (vals[2] - vals[0]) / 2
    c_opt = -b / (2 * a)
    L_eng, g = m.population_loss_and_grad({"w": np.array([-r]), "B": np.ones((1, 1)), "C": np.full((1, 1), c_opt)}, k)
    assert float(L_red) == pytest.approx(L_eng, rel=1e-10)
    # envelope theorem: at the optimal amplitude dL/dw (direct map, r = -w) = -dL~/dr
    assert float(g["w"][0]) == pytest.approx(-float(dL_red), rel=1e-7)


def test_discrete_tends_to_continuous():
    t0, r, H = 5.0, 1.0, 400.0
    for dt in (0.02, 0.01):
        T = int(round(H / dt))
        rho = np.exp(-0.5 * (dt * np.arange(T) - t0) ** 2)
        Ld = float(reduced_loss_discrete(r, rho, dt)[0]) * dt
        err = abs(Ld / float(reduced_loss_continuous(r, t0)[0]) - 1)
        # window weights (T - s)/T cost O(t0 / H) = 1.25 %; Riemann sum + ZOH cost O(r dt)
        assert err < 1.5 * t0 / H + r * dt


def test_flow_vs_gd_vs_asymptotic():
    t0, dt, eta = 9.0, 0.1, 5.0
    T = default_horizon(t0)
    rho = delayed_bump(T, t0, dt=dt).impulse_response()[:, 0, 0]
    flow = plateau_time_flow("direct", 1.0, 0.5, rho, dt, eta)
    steps = reduced_gd_steps("direct", 1.0, 0.5, rho, dt, eta)
    assert abs(steps - flow) < 0.03 * flow + 2  # Euler vs flow: O(eta) per step near the exit
    asym = float(plateau_time_asymptotic(t0, 1.0, eta, dt=dt, horizon=T * dt))
    # Laplace endpoint + erfc -> 2 + continuum: relative error O(1/(2 (t0 - r0)(r0 - r_exit))) = 1/8
    assert abs(asym / flow - 1) < 2 / (2 * (t0 - 1.0) * 0.5)


def test_run_plateau_single_and_dense():
    arrays, meta = run_plateau({"t0": 6.0, "max_steps": 300})
    assert meta["plateau_steps"] > 0 and not meta["diverged"]
    assert arrays["rate"][0] == pytest.approx(1.0)
    arrays, meta = run_plateau({"model": "dense", "hidden": 3, "t0": 5.0, "lr": 0.03, "max_steps": 200}, rng=0)
    assert arrays["loss"].size == meta["steps_done"]


def test_errors():
    with pytest.raises(ValueError, match="unknown keys"):
        run_plateau({"bogus": 1})
    with pytest.raises(ValueError, match="reparam"):
        run_plateau({"reparam": "tanh"})
    with pytest.raises(ValueError, match="r must be > 0"):
        bump_laplace(0.0, 1.0)
    with pytest.raises(ValueError, match="sigma"):
        reduced_loss_continuous(1.0, 1.0, sigma=-1)
    with pytest.raises(ValueError, match="r_exit < r0"):
        plateau_time_flow("direct", 1.0, 2.0, np.ones(10), 0.1, 1.0)
    with pytest.raises(ValueError, match="asymptotic"):
        plateau_time_asymptotic(0.5, 1.0, 1.0)
    with pytest.raises(TypeError, match="dt"):
        reduced_loss_discrete(1.0, np.ones(5), "x")
