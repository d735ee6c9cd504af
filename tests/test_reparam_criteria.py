"""linrec.reparam.criteria: gradient scale, ratios, exponents, S_f, the Thm 3.6 identity."""

import mpmath
import numpy as np
import pytest

from linrec.reparam import REPARAM_NAMES, reparam, zoh
from linrec.reparam.criteria import (
    boundary_exponent,
    constant_input_grad,
    constant_input_output,
    gradient_over_weight,
    gradient_scale,
    stability_function,
    stability_verdict,
)
from linrec.testing import check_grad

EPS = np.finfo(float).eps
ALL = [(n, t) for t in ("continuous", "discrete") for n in REPARAM_NAMES[t]]


def _mp_G(name, time, w):
    """Gradient scale in 60-digit arithmetic from mpmath's numerical derivative."""
    with mpmath.workdps(60):
        w = mpmath.mpf(w)
        f = {
            ("direct", "continuous"): lambda x: x, ("exp", "continuous"): lambda x: -mpmath.exp(x),
            ("softplus", "continuous"): lambda x: -mpmath.log(1 + mpmath.exp(x)),
            ("best", "continuous"): lambda x: -1 / (x**2 + mpmath.mpf(1) / 2),
            ("direct", "discrete"): lambda x: x, ("exp", "discrete"): lambda x: mpmath.exp(-mpmath.exp(x)),
            ("sigmoid", "discrete"): lambda x: 1 / (1 + mpmath.exp(-x)), ("tanh", "discrete"): mpmath.tanh,
            ("best", "discrete"): lambda x: 1 - 1 / (x**2 + 1),
        }[(name, time)]
        d = -f(w) if time == "continuous" else 1 - f(w)
        return float(abs(mpmath.diff(f, w)) / d**2)


@pytest.mark.parametrize("name,time", ALL)
def test_gradient_scale_matches_mpmath_near_boundary(name, time):
    m = reparam(name, time=time)
    near = {
        ("direct", "continuous"): -1e-9, ("exp", "continuous"): -30.0, ("softplus", "continuous"): -30.0,
        ("best", "continuous"): 1e4, ("direct", "discrete"): 1 - 1e-9, ("exp", "discrete"): -30.0,
        ("sigmoid", "discrete"): 30.0, ("tanh", "discrete"): 15.0, ("best", "discrete"): 1e4,
    }[(name, time)]
    for w in (near, 0.3 if name != "direct" else -0.3 if time == "continuous" else 0.3):
        got = float(gradient_scale(m, w))
        # d from boundary_distance (relative eps) squared, f' relative eps: ~6 eps plus the
        # input rounding of w amplified by |w d log G/dw| (<= 30 here; 1e4 for best: G = 2|w| -> 1)
        assert got == pytest.approx(_mp_G(name, time, w), rel=64 * EPS)


def test_gradient_over_weight():
    best = reparam("best", a=0.75, b=2.0)
    w = np.array([-50.0, -1e-3, 2.0, 1e5])
    np.testing.assert_allclose(gradient_over_weight(best, w), 1.5, rtol=4 * EPS)
    assert gradient_over_weight(best, w, kind="norm") == pytest.approx(1.5, rel=4 * EPS)
    r = gradient_over_weight(reparam("exp"), [0.0, 1e-8, 1.0])
    assert r[0] == np.inf and r[1] > 1e7  # ill-defined near w = 0
    norm = gradient_over_weight(reparam("softplus"), [0.0, 1.0], kind="norm")
    assert np.isfinite(norm)
    with pytest.raises(ValueError, match="all zero"):
        gradient_over_weight(best, [0.0, 0.0], kind="norm")
    with pytest.raises(ValueError, match="kind must be one of"):
        gradient_over_weight(best, [1.0], kind="max")
    with pytest.raises(TypeError, match="m must be a linrec.reparam.Reparam"):
        gradient_scale("exp", 1.0)


@pytest.mark.parametrize("name,time", ALL)
def test_boundary_exponent_values(name, time):
    expected = {"direct": 2.0, "best": 0.5}.get(name, 1.0)
    res = boundary_exponent(reparam(name, time=time))
    # the O(d) corrections at d <= 1e-6 move the least-squares slope by < 1e-7 (tanh: 2d)
    assert res.k == pytest.approx(expected, abs=1e-6)
    assert res.local[-1] == pytest.approx(expected, abs=1e-9)


def test_boundary_exponent_bad_distances():
    with pytest.raises(ValueError, match="distances must lie in"):
        boundary_exponent(reparam("exp"), distances=[0.5, 2.0])


def _brute_S(m, beta):
    """Independent brute force: dense grid in w (step 2e-3 on [-30, 30]) and δ (41 values incl. ±β)."""
    w = np.arange(-30.0, 30.0, 2e-3)
    best = 0.0
    for dl in np.linspace(-beta, beta, 41):
        with np.errstate(under="ignore"):
            r = m.boundary_distance(w) / m.boundary_distance(w + dl)
        best = max(best, float(np.max(np.abs(1 - r))))
    return best


@pytest.mark.parametrize("name,time", [("exp", "continuous"), ("softplus", "continuous"), ("best", "continuous"),
                                       ("sigmoid", "discrete"), ("tanh", "discrete"), ("best", "discrete")])
def test_stability_function_vs_brute_force(name, time):
    m = reparam(name, time=time)
    for beta in (0.05, 0.7):
        s = float(stability_function(m, beta))
        brute = _brute_S(m, beta)
        # the optimizer's supremum is at least the grid maximum (it contains the grid's corner
        # points) and exceeds it by at most the grid's resolution: |r''| h^2/8 ~ 2e-6 (h = 2e-3) for the
        # interior maximum of best, e^{-30}-size tail for suprema at w -> ±inf
        assert s >= brute * (1 - 1e-12)
        assert s <= brute * (1 + 1e-5) + 1e-12


def test_stability_function_errors_and_verdicts():
    with pytest.raises(ValueError, match="beta must be >= 0"):
        stability_function(reparam("exp"), -0.1)
    with pytest.raises(ValueError, match="beta must be <= 100"):
        stability_function(reparam("exp"), 200.0)
    assert float(stability_function(reparam("exp"), 0.0)) == 0.0
    for t in ("continuous", "discrete"):
        for n in REPARAM_NAMES[t]:
            assert stability_verdict(reparam(n, time=t)) == ("unstable" if n == "direct" else "stable")
    # large a/b makes S_f(β) ~ β sqrt(a/b) large but still O(β): stable
    assert stability_verdict(reparam("best", a=1e4, b=1e-3)) == "stable"
    with pytest.raises(ValueError, match="betas must be > 0"):
        stability_verdict(reparam("exp"), betas=[0.0, 1.0])


def _simulate_zoh(m, w, *, delta, T, c=1.0, u=1.0):
    """Run h_{k+1} = e^{Δλ} h_k + B̄ u for T steps from h = 0 (complex-safe loop)."""
    lam = m.f(w)
    lam_d, bbar = zoh(lam, delta)
    h = 0.0 * lam_d
    for _ in range(T):
        h = lam_d * h + bbar * u
    return c * h


def _simulate_discrete(m, w, *, T, c=1.0, u=1.0):
    lam = m.f(w)
    h = 0.0 * lam
    for _ in range(T):
        h = lam * h + u
    return c * h


@pytest.mark.parametrize("name", REPARAM_NAMES["continuous"])
def test_constant_input_identity_continuous(name):
    m = reparam(name)
    w = np.array(-0.7 if name == "direct" else 0.4)
    delta, T = 0.25, 600  # |Δλ| T >= 0.25 * 0.5 * 600 = 75: e^{-75} truncation, below rounding
    y_sim = _simulate_zoh(m, w, delta=delta, T=T, c=1.3, u=-0.6)
    y_inf = constant_input_output(m, w, c=1.3, u=-0.6)
    assert float(y_sim) == pytest.approx(float(y_inf), rel=1e-12)  # T steps of rounding: ~T eps
    g_inf = constant_input_grad(m, w, c=1.3, u=-0.6)
    # the identity, checked on the simulated SSM by central differences and complex step
    check_grad(lambda v: _simulate_zoh(m, v, delta=delta, T=T, c=1.3, u=-0.6), w, g_inf,
               complex_step=True, cond=4 * T)
    # finite horizon with ZOH: exact for every T
    for T2 in (1, 7, 40):
        g = constant_input_grad(m, w, c=1.3, u=-0.6, delta=delta, horizon=T2)
        check_grad(lambda v, T2=T2: _simulate_zoh(m, v, delta=delta, T=T2, c=1.3, u=-0.6), w, g,
                   complex_step=True, cond=4 * T2 + 16)
        y = constant_input_output(m, w, c=1.3, u=-0.6, delta=delta, horizon=T2)
        assert float(y) == pytest.approx(float(_simulate_zoh(m, w, delta=delta, T=T2, c=1.3, u=-0.6)), rel=1e-13)


@pytest.mark.parametrize("name", REPARAM_NAMES["discrete"])
def test_constant_input_identity_discrete(name):
    m = reparam(name, time="discrete")
    w = np.array(0.55 if name == "direct" else 0.4 if name != "exp" else -0.2)
    for T in (1, 5, 60):
        g = constant_input_grad(m, w, c=0.8, u=2.0, horizon=T)
        check_grad(lambda v, T=T: _simulate_discrete(m, v, T=T, c=0.8, u=2.0), w, g, complex_step=True, cond=4 * T + 16)
    g_inf = constant_input_grad(m, w, c=0.8, u=2.0)
    assert float(g_inf) == pytest.approx(float(0.8 * 2.0 * m.df(w) / (1 - m.f(w)) ** 2), rel=8 * EPS)


def test_constant_input_errors():
    with pytest.raises(ValueError, match="only to a continuous-time map"):
        constant_input_output(reparam("exp", time="discrete"), 0.0, delta=0.1)
    with pytest.raises(ValueError, match="needs delta"):
        constant_input_grad(reparam("exp"), 0.0, horizon=3)
    with pytest.raises(ValueError, match="horizon must be >= 1"):
        constant_input_grad(reparam("exp", time="discrete"), 0.0, horizon=0)
    with pytest.raises(ValueError, match="delta must be > 0"):
        constant_input_grad(reparam("exp"), 0.0, delta=-1.0, horizon=2)
