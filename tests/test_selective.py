"""Unit tests of linrec.selective: laws, gates, moment recursions, simulation and cell Jacobians.

Oracles independent of the code under test: the time-invariant formulas of linrec.memory (a
separate implementation), exhaustive enumeration of every input sequence of a finite law, finite
differences of the gate terms and of whole trajectories, and mpmath at 1 - E|a|^2 = 1e-12.
"""

import itertools

import mpmath as mp
import numpy as np
import pytest
from scipy import stats

from linrec import memory
from linrec.selective import (
    ContinuousLaw,
    DiscreteLaw,
    MinGRUGate,
    RandomStepGate,
    S6Gate,
    accumulate_parameter_gradient,
    as_law,
    asymptotic_exponents,
    finite_moments,
    gaussian_law,
    lyapunov_exponent,
    mamba2_jacobians,
    mamba2_trajectory,
    mc_moments,
    memory_gap,
    mingru_jacobians,
    mingru_trajectory,
    minlstm_jacobians,
    minlstm_trajectory,
    s6_jacobians,
    s6_trajectory,
    sensitivity,
    simulate_channel,
    state_moment,
)
from linrec.testing import check_grad

EPS = np.finfo(float).eps
LAW3 = DiscreteLaw([-1.0, 0.5, 2.0], [0.3, 0.5, 0.2])


def _gates():
    return [
        RandomStepGate(DiscreteLaw([0.5, 1.0, 2.0], [0.25, 0.5, 0.25]), lam=0.8, input_scale="delta"),
        RandomStepGate(DiscreteLaw([0.5, 1.5]), nu=0.9, theta=0.6),
        S6Gate(LAW3, A_log=-0.5, w=1.2, c=-0.3, B=0.8),
        S6Gate(LAW3, A_log=-0.5, w=1.2, c=-0.3, B=0.8, discretization="zoh"),
        MinGRUGate(LAW3, w=1.5, c=-1.0, u=0.7),
    ]


# ---------------------------------------------------------------------------------------- laws


def test_discrete_law_expect_sample_and_errors():
    law = DiscreteLaw([1.0, 3.0], [0.25, 0.75])
    assert law.mean() == 2.5 and law.second_moment() == 7.0
    assert np.allclose(law.expect(lambda v: np.stack([v, v**2], -1)), [2.5, 7.0], rtol=1e-15)
    draws = law.sample(1000, rng=0)
    assert set(np.unique(draws)) <= {1.0, 3.0}
    assert np.array_equal(draws, law.sample(1000, rng=0))
    with pytest.raises(ValueError, match="probs must sum to 1"):
        DiscreteLaw([1.0, 2.0], [0.5, 0.6])
    with pytest.raises(ValueError, match="probs must be >= 0"):
        DiscreteLaw([1.0, 2.0], [-0.5, 1.5])
    with pytest.raises(ValueError, match="same length"):
        DiscreteLaw([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="first axis"):
        law.expect(lambda v: 1.0)


def test_continuous_law_quadrature_and_moment_check():
    law = ContinuousLaw(stats.gamma(2.0, scale=0.5))
    # E[Delta] = 1, E[Delta^2] = k theta^2 (k + 1) = 1.5; quadrature at rtol 1e-12
    assert np.allclose(law.expect(lambda v: np.stack([v, v**2], -1)), [1.0, 1.5], rtol=1e-11)
    # complex integrands: E[exp(i Delta)] = (1 - i theta)^-k
    assert np.isclose(complex(law.expect(lambda v: np.exp(1j * v))), (1 - 0.5j) ** -2, rtol=1e-11)
    with pytest.raises(ValueError, match="finite second moment"):
        ContinuousLaw(stats.t(1.5))
    with pytest.raises(TypeError, match="frozen scipy.stats"):
        ContinuousLaw([1, 2])
    with pytest.raises(TypeError, match="law must be"):
        as_law("gauss")
    with pytest.raises(ValueError, match="std must be > 0"):
        gaussian_law(0.0, 0.0)


# --------------------------------------------------------------------------------------- gates


@pytest.mark.parametrize("gate", _gates(), ids=lambda g: type(g).__name__)
def test_gate_derivatives_match_finite_differences(gate):
    xi = np.unique(gate.law.values)
    h = 1e-6
    for p in gate.params:
        t = gate.terms(xi, p)
        if isinstance(gate, RandomStepGate):
            base = {"lam": gate.lam, "nu": gate.nu, "theta": gate.theta, "log_delta": gate.log_delta}
            kw = {k: v for k, v in dict(lam=gate.lam, nu=gate.nu, theta=gate.theta).items() if v is not None}

            def make(v, p=p, kw=kw):
                kw2 = dict(kw)
                if p == "log_delta":
                    return RandomStepGate(gate.law, log_delta=v, input_scale=gate.input_scale, **kw2)
                kw2[p] = v
                return RandomStepGate(gate.law, log_delta=gate.log_delta, input_scale=gate.input_scale, **kw2)
            v0 = base[p]
        else:
            fields = {k: getattr(gate, k) for k in gate.params}
            extra = {"discretization": gate.discretization} if isinstance(gate, S6Gate) else {}

            def make(v, p=p, fields=fields, extra=extra):
                return type(gate)(gate.law, **{**fields, p: v}, **extra)
            v0 = getattr(gate, p)
        tp, tm = make(v0 + h).terms(xi), make(v0 - h).terms(xi)
        # central differences: truncation O(h^2 f''') ~ 1e-12, rounding eps |f| / h ~ 2e-10
        assert np.allclose((tp.a - tm.a) / (2 * h), t.da, rtol=1e-7, atol=1e-8), p
        assert np.allclose((tp.b - tm.b) / (2 * h), t.db, rtol=1e-7, atol=1e-8), p
        assert np.allclose(np.exp(t.log_a), t.a, rtol=1e-15)


def test_gate_validation():
    with pytest.raises(ValueError, match="Delta > 0"):
        RandomStepGate([0.0, 1.0], lam=0.5)
    with pytest.raises(ValueError, match="Delta > 0"):
        RandomStepGate(stats.norm(), lam=0.5)
    with pytest.raises(ValueError, match="exactly one of lam, gap or nu"):
        RandomStepGate([1.0], lam=0.5, gap=0.5)
    with pytest.raises(ValueError, match="lam must lie in"):
        RandomStepGate([1.0], lam=1.0)
    with pytest.raises(ValueError, match="nu must lie in"):
        RandomStepGate([1.0], nu=1.2, theta=0.1)
    with pytest.raises(ValueError, match="theta goes with nu"):
        RandomStepGate([1.0], lam=0.5, theta=0.1)
    with pytest.raises(ValueError, match="input_variance"):
        RandomStepGate([1.0], lam=0.5, input_variance=0.0)
    with pytest.raises(ValueError, match="param must be one of"):
        RandomStepGate([1.0], lam=0.5).terms(np.ones(1), "nu")
    with pytest.raises(ValueError, match="discretization"):
        S6Gate(LAW3, discretization="bilinear")
    with pytest.raises(TypeError, match="gate must be a selective gate"):
        state_moment(0.5)


# ------------------------------------------------------------------------------------- moments


@pytest.mark.parametrize("lam", [0.3, 0.9, 0.999])
def test_constant_step_is_the_time_invariant_recurrence(lam):
    g = RandomStepGate([1.0], lam=lam)
    # two implementations of the same closed forms: relative rounding O(10 eps / (1 - lam))
    tol = 50 * EPS / (1 - lam)
    assert np.isclose(state_moment(g), memory.state_moment(lam), rtol=tol)
    assert np.isclose(sensitivity(g, "lam"), memory.sensitivity("lam", lam), rtol=tol)
    for norm in ("function", "independent"):
        assert np.isclose(state_moment(g, normalization=norm), 1.0, rtol=tol)
        assert np.isclose(sensitivity(g, "lam", normalization=norm),
                          memory.sensitivity("lam", lam, normalization=norm), rtol=tol)


@pytest.mark.parametrize("param", ["nu", "theta"])
@pytest.mark.parametrize("output", ["real", "modulus"])
def test_constant_step_complex_mode_matches_memory(param, output):
    nu, theta = 0.95, 0.7
    g = RandomStepGate([1.0], nu=nu, theta=theta)
    ref = memory.sensitivity(param, nu * np.exp(1j * theta), output=output)
    # 1/(1 - nu)^3 ~ 1e4 amplifies rounding of the pairings: rtol 1e4 * 100 eps
    assert np.isclose(sensitivity(g, param, output=output), ref, rtol=1e6 * EPS)


def _enumerate(gate, T, param):
    """E over all K^T driver sequences (exact oracle for a finite law)."""
    vals, pr = gate.law.values, gate.law.probs
    out = np.zeros(3, complex)
    for idx in itertools.product(range(len(vals)), repeat=T):
        w = np.prod(pr[list(idx)])
        t = gate.terms(vals[list(idx)], param)
        h = s = 0.0
        for k in range(T):
            s = t.da[k] * h + t.a[k] * s + t.db[k]
            h = t.a[k] * h + t.b[k]
        out += w * np.array([np.real(h) ** 2, np.real(s) ** 2, h])
    return out


@pytest.mark.parametrize("gate", _gates()[2:], ids=lambda g: f"{type(g).__name__}-{getattr(g, 'discretization', '')}")
def test_finite_moments_equal_exhaustive_enumeration(gate):
    T = 6                                         # 3^6 = 729 sequences
    for p in gate.params:
        e = _enumerate(gate, T, p)
        f = finite_moments(T, gate, p)
        # both sums of 729 positive-weight terms: relative rounding O(T * 10 eps)
        assert np.isclose(f["state"], e[0].real, rtol=1e-13), p
        assert np.isclose(f["sensitivity"], e[1].real, rtol=1e-13), p
        assert np.isclose(f["mean"], e[2].real, rtol=1e-13), p


@pytest.mark.parametrize("gate", _gates(), ids=lambda g: type(g).__name__)
def test_finite_moments_converge_to_the_stationary_closed_form(gate):
    p = gate.params[0]
    # |E a|, E|a|^2 <= 0.7 for these gates: after T = 400 steps the transient is < 0.7^400 T^2
    f = finite_moments(400, gate, p)
    assert np.isclose(f["state"], state_moment(gate), rtol=1e-12)
    assert np.isclose(f["sensitivity"], sensitivity(gate, p), rtol=1e-12)
    assert np.isclose(finite_moments(0, gate, p)["state"], 0.0, atol=0)


def test_stationary_closed_form_matches_mpmath_at_the_boundary():
    gap = 1e-12
    law = DiscreteLaw([0.5, 2.0], [2 / 3, 1 / 3])       # mean step 1
    g = RandomStepGate(law, gap=gap)
    mp.mp.dps = 50
    try:
        lam = 1 - mp.mpf(gap)
        pr = [mp.mpf(2) / 3, mp.mpf(1) / 3]
        ds = [mp.mpf(1) / 2, mp.mpf(2)]
        Ea2 = sum(p * lam ** (2 * d) for p, d in zip(pr, ds))
        Eaa1 = sum(p * d * lam ** (2 * d - 1) for p, d in zip(pr, ds))
        Ea1 = sum(p * d**2 * lam ** (2 * d - 2) for p, d in zip(pr, ds))
        H = 1 / (1 - Ea2)
        C = Eaa1 * H / (1 - Ea2)
        S = (Ea1 * H + 2 * Eaa1 * C) / (1 - Ea2)
        ref_h, ref_s, ref_gap = float(H), float(S), float(1 - Ea2)
    finally:
        mp.mp.dps = 15
    # the gaps 1 - E a^2 are formed by expm1 (relative error a few eps), so H ~ 1/d, S ~ 1/d^3
    # carry relative errors ~ 3 * (few eps): 1e-14
    assert np.isclose(memory_gap(g), ref_gap, rtol=1e-14)
    assert np.isclose(state_moment(g), ref_h, rtol=1e-14)
    assert np.isclose(sensitivity(g, "lam"), ref_s, rtol=1e-14)


def test_stationary_errors_and_normalization_rules():
    with pytest.raises(ValueError, match="normalization applies"):
        state_moment(S6Gate(LAW3), normalization="function")
    with pytest.raises(ValueError, match="normalization must be None"):
        state_moment(RandomStepGate([1.0], lam=0.5), normalization="gamma")
    with pytest.raises(ValueError, match="output must be one of"):
        state_moment(RandomStepGate([1.0], lam=0.5), output="abs")
    with pytest.raises(ValueError, match="param must name"):
        sensitivity(RandomStepGate([1.0], lam=0.5), None)
    # a gate with E a^2 >= 1 (S6 with A_log -> -inf is a = 1): finite T fine, stationary refused
    g = S6Gate(LAW3, A_log=-800.0)
    with pytest.raises(ValueError, match=r"E\|a\|\^2 < 1"):
        state_moment(g)
    assert np.all(np.diff(finite_moments([10, 20, 40], g)["state"]) > 0)
    with pytest.raises(TypeError, match="T must be an integer"):
        finite_moments(2.5, g)
    assert asymptotic_exponents("function") == {"state": 0, "sensitivity": -2}


def test_lyapunov_exponent_and_memory_gap_of_simple_gates():
    g = RandomStepGate(DiscreteLaw([0.5, 1.5]), lam=0.9)
    assert np.isclose(lyapunov_exponent(g), np.log(0.9), rtol=1e-15)       # E[Delta] = 1
    assert np.isclose(memory_gap(g), 1 - (0.9 + 0.9**3) / 2, rtol=1e-14)
    # Jensen (Delta -> lam^(2 Delta) convex): random steps with the same mean step remember longer
    assert memory_gap(g) < memory_gap(RandomStepGate([1.0], lam=0.9))


def test_gaussian_law_gate_moments_via_quadrature_match_discrete_approximation():
    # Gauss-Hermite with 60 nodes as a finite law approximates N(0,1) to ~1e-13 for these
    # smooth integrands; the quadrature law is adaptive Gauss-Kronrod: independent algorithms
    x, w = np.polynomial.hermite_e.hermegauss(60)
    approx = DiscreteLaw(x, w / w.sum())
    for cls, kw in ((S6Gate, dict(A_log=-0.5, w=1.2, c=-0.3)), (MinGRUGate, dict(w=1.5, c=-1.0, u=0.7))):
        g_q, g_d = cls(gaussian_law(), **kw), cls(approx, **kw)
        p = g_q.params[1]
        assert np.isclose(state_moment(g_q), state_moment(g_d), rtol=1e-9)
        assert np.isclose(sensitivity(g_q, p), sensitivity(g_d, p), rtol=1e-9)


# ---------------------------------------------------------------------------------- simulation


def test_simulated_sensitivity_is_the_derivative_of_the_simulated_state():
    # common random numbers: h_T(p + e) - h_T(p - e) over the same drivers vs forward mode s_T
    g = S6Gate(LAW3, A_log=-0.5, w=1.2, c=-0.3)
    e = 1e-6
    _, s = simulate_channel(g, 30, 16, "w", rng=3)
    hp, _ = simulate_channel(S6Gate(LAW3, A_log=-0.5, w=1.2 + e, c=-0.3), 30, 16, rng=3)
    hm, _ = simulate_channel(S6Gate(LAW3, A_log=-0.5, w=1.2 - e, c=-0.3), 30, 16, rng=3)
    assert np.allclose((hp - hm) / (2 * e), s, rtol=1e-6, atol=1e-8)


def test_mc_moments_agree_with_finite_moments_within_standard_errors():
    g = RandomStepGate(DiscreteLaw([0.5, 1.5]), nu=0.8, theta=0.9, input_scale="delta")
    est = mc_moments(g, 25, 20000, "theta", rng=11)
    ex = finite_moments(25, g, "theta")
    ex_mod = finite_moments(25, g, "theta", output="modulus")
    # 4 comparisons, z = 4.4: P(any false alarm) < 4 * 1.1e-5 (n = 2e4: CLT is accurate)
    for key, ref in (("state_real", ex["state"]), ("sens_real", ex["sensitivity"]),
                     ("state_modulus", ex_mod["state"]), ("sens_modulus", ex_mod["sensitivity"])):
        assert abs(est[key].mean - ref) < 4.4 * est[key].se, key
    assert est["state_real"].n == 20000


# ----------------------------------------------------------------------------------- Jacobians


def _s6_params(rng, D=3, N=4):
    return {"A_log": 0.3 * rng.standard_normal((D, N)), "W_delta": rng.standard_normal((D, D)),
            "b_delta": rng.standard_normal(D), "W_B": rng.standard_normal((N, D)), "W_C": rng.standard_normal((N, D))}


def _m2_params(rng, P=3, N=2):
    return {"A_log": np.array(0.2), "w": rng.standard_normal(P), "c": np.array(-0.4),
            "W_B": rng.standard_normal((N, P)), "W_C": rng.standard_normal((N, P))}


def _gru_params(rng, H=3, D=2):
    return {"W_z": rng.standard_normal((H, D)), "b_z": rng.standard_normal(H), "W_h": rng.standard_normal((H, D)),
            "b_h": rng.standard_normal(H)}


def _lstm_params(rng, H=3, D=2):
    return {k: rng.standard_normal((H, D)) if k.startswith("W") else rng.standard_normal(H)
            for k in ("W_f", "b_f", "W_i", "b_i", "W_h", "b_h")}


def _contract(cell, name, G, w):
    """dL/dtheta for L = sum(w * h_T) from the accumulated dh_T/dtheta G."""
    if cell == "s6":
        return {"A_log": lambda: w * G, "b_delta": lambda: np.sum(w * G, 1),
                "W_delta": lambda: np.einsum("dn,dnj->dj", w, G), "W_B": lambda: np.einsum("dn,dnj->nj", w, G)}[name]()
    if cell == "m2":
        return {"A_log": lambda: np.sum(w * G), "c": lambda: np.sum(w * G), "w": lambda: np.einsum("pn,pnj->j", w, G),
                "W_B": lambda: np.einsum("pn,pnmj->mj", w, G)}[name]()
    return w * G if name.startswith("b") else w[:, None] * G


CELLS = {
    "s6": (s6_trajectory, s6_jacobians, _s6_params, 3, ("A_log", "b_delta", "W_delta", "W_B")),
    "m2": (mamba2_trajectory, mamba2_jacobians, _m2_params, 3, ("A_log", "c", "w", "W_B")),
    "mingru": (mingru_trajectory, mingru_jacobians, _gru_params, 2, ("b_z", "W_z", "b_h", "W_h")),
    "minlstm": (minlstm_trajectory, minlstm_jacobians, _lstm_params, 2, ("b_f", "W_f", "b_i", "W_i", "b_h", "W_h")),
}


@pytest.mark.parametrize("cell", list(CELLS))
def test_cell_parameter_jacobians_accumulate_to_the_gradient(cell):
    traj_f, jac_f, make, D, names = CELLS[cell]
    rng = np.random.default_rng(5)
    p = make(rng)
    x = rng.standard_normal((7, D))
    tr = traj_f(p, x)
    J = jac_f(p, x, tr)
    w = rng.standard_normal(tr["h"].shape[1:])
    for name in names:
        G = accumulate_parameter_gradient(J["state"], J[name])
        grad = _contract(cell, name, G, w)

        def loss(v, name=name):
            return float(np.sum(w * traj_f({**p, name: v}, x)["h"][-1]))
        check_grad(loss, p[name], grad)


@pytest.mark.parametrize("cell", list(CELLS))
def test_cell_input_and_state_jacobians_match_finite_differences(cell):
    traj_f, jac_f, make, D, _ = CELLS[cell]
    rng = np.random.default_rng(6)
    p = make(rng)
    x = rng.standard_normal((6, D))
    tr = traj_f(p, x)
    J = jac_f(p, x, tr)
    w = rng.standard_normal(tr["h"].shape[1:])
    t = 2
    # d(w . h_{t+1})/dx_t: the local input Jacobian (h_t does not depend on x_t)

    def local(v):
        x2 = x.copy()
        x2[t] = v
        return float(np.sum(w * traj_f(p, x2)["h"][t + 1]))
    axes = tuple(range(w.ndim))
    check_grad(local, x[t], np.tensordot(w, J["input"][t], axes=(axes, axes)))

    # d(w . h_T)/dx_0 = w . (prod_{r >= 1} a_r) J_in[0]: state Jacobians along the path
    def total(v):
        x2 = x.copy()
        x2[0] = v
        return float(np.sum(w * traj_f(p, x2)["h"][-1]))
    prod = np.prod(J["state"][1:], axis=0)
    if cell == "m2":
        prod = prod * np.ones(w.shape)
    check_grad(total, x[0], np.tensordot(w * prod, J["input"][0], axes=(axes, axes)))


def test_cell_validation_messages():
    rng = np.random.default_rng(0)
    p = _s6_params(rng)
    with pytest.raises(ValueError, match="missing"):
        s6_trajectory({"A_log": p["A_log"]}, np.zeros((2, 3)))
    with pytest.raises(ValueError, match="W_delta must have shape"):
        s6_trajectory({**p, "W_delta": np.zeros((2, 2))}, np.zeros((2, 3)))
    with pytest.raises(TypeError, match="params must be a dict"):
        mingru_trajectory([1, 2], np.zeros((2, 2)))
    with pytest.raises(ValueError, match="local must start"):
        accumulate_parameter_gradient(np.ones((3, 2)), np.ones((2, 2)))
