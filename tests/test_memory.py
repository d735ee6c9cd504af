"""Unit and differential tests of linrec.memory (numeric, montecarlo, symbolic).

Tolerances: closed form vs exact finite sum differ by the truncation |lam|^(2T) poly(T) (made
< 1e-12 by the choice of T) plus O(T eps) rounding of the sums; Monte Carlo estimates are
compared within 4 standard errors (two-sided false-alarm rate 6e-5 per comparison, fixed seeds).
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

from linrec.memory import (
    EXP_MAP,
    InputModel,
    LambdaMap,
    dense_impulse_response,
    dense_realization,
    diagonal_impulse_response,
    diagonal_stationary_covariance,
    exact_moment,
    exact_sensitivity,
    exact_state_moment,
    gauss_newton_hessian,
    generating_function,
    log_lambda,
    one_minus_abs2,
    participation_ratio,
    population_loss,
    population_loss_grad,
    scalar_impulse_response,
    sensitivity,
    state_moment,
    stationary_covariance,
    stationary_loss,
    top_eigvec_mass,
)
from linrec.memory.montecarlo import mc_population_loss, mc_sensitivity, mc_state_moment, sample_inputs, simulate
from linrec.testing import check_grad

MODELS = [None, InputModel.ar1(0.7), InputModel.constant(), InputModel.mixture([0.5, 0.3], [0.9, 0.2], white=0.4)]
LOCS = [dict(lam=0.97), dict(lam=-0.95), dict(gap=0.03, theta=0.4), dict(omega=np.log(0.03), theta=1.0),
        dict(lam=0.9 + 0.3j)]


# ---------------------------------------------------------------- closed form vs exact finite sum
@pytest.mark.parametrize("model", MODELS, ids=["white", "ar1", "const", "mix"])
@pytest.mark.parametrize("norm", [None, "function", "independent"])
def test_closed_form_matches_exact_sum(model, norm):
    # T = 6000 and |lam| <= 0.97: truncation <= T^3 0.97^(2T) ~ 1e-68; rounding of the Toeplitz
    # (FFT) products O(log T eps) relative: 1e-9 is a generous bound.
    T = 6000
    for loc in LOCS:
        for out in ("real", "modulus"):
            a = state_moment(**loc, model=model, normalization=norm, output=out)
            b = exact_state_moment(T, **loc, model=model, normalization=norm, output=out)
            assert abs(a - b) <= 1e-9 * abs(a)
            params = ["re", "nu", "theta", "im"] + (["omega"] if "omega" in loc else [])
            if not np.iscomplexobj(loc.get("lam", 0.0)) and loc.get("theta", 0) == 0:
                params.append("lam")
            for p in params:
                a = sensitivity(p, **loc, model=model, normalization=norm, output=out)
                b = exact_sensitivity(T, p, **loc, model=model, normalization=norm, output=out)
                assert abs(a - b) <= 1e-8 * abs(a) + 1e-12, (loc, p, out)


def test_white_noise_formulas():
    lam = np.linspace(-0.95, 0.95, 11)
    np.testing.assert_allclose(state_moment(lam), 1 / (1 - lam**2), rtol=1e-14)
    np.testing.assert_allclose(sensitivity("lam", lam), (1 + lam**2) / (1 - lam**2) ** 3, rtol=1e-13)
    f = generating_function(0.3, 0.6, InputModel.ar1(0.5))
    assert f == pytest.approx((1 - 0.25 * 0.18) / ((1 - 0.18) * (1 - 0.15) * (1 - 0.3)), rel=1e-14)
    # constant input
    np.testing.assert_allclose(sensitivity("lam", lam, model=InputModel.constant()), 1 / (1 - lam) ** 4, rtol=1e-13)


def test_exact_sum_matches_direct_double_sum():
    rng = np.random.default_rng(0)
    u = rng.standard_normal(50) + 1j * rng.standard_normal(50)
    m = InputModel.mixture([0.7, 0.2], [0.8, 1.0], white=0.3)
    R = m.autocorrelation(np.subtract.outer(np.arange(50), np.arange(50)))
    direct = 0.5 * np.real(u @ R @ u + u @ R @ np.conj(u))
    assert exact_moment(u, model=m) == pytest.approx(direct, rel=1e-12)


# ------------------------------------------------------------------- mpmath at 1 - |lam| = 1e-12
def _mp_white(delta, theta=0.0):
    mpmath.mp.dps = 50
    try:
        lam = (1 - mpmath.mpf(delta)) * mpmath.exp(1j * mpmath.mpf(theta))
        lc = mpmath.conj(lam)
        S = lambda a, b: (1 + a * b) / (1 - a * b) ** 3  # noqa: E731
        f = lambda a, b: 1 / (1 - a * b)  # noqa: E731
        g2 = 1 - abs(lam) ** 2
        m = g2 * mpmath.re(f(lam, lam) + f(lam, lc)) / 2
        # theta-sensitivity, gamma function of |lam| only: u = gamma i lam g'
        lp = 1j * lam
        s = g2 * mpmath.re(lp * lp * S(lam, lam) + lp * mpmath.conj(lp) * S(lam, lc)) / 2
        return float(m), float(s)
    finally:
        mpmath.mp.dps = 15


def _mp_ar1(delta, rho, normalized):
    mpmath.mp.dps = 50
    try:
        lam, rho = 1 - mpmath.mpf(delta), mpmath.mpf(rho)
        f = lambda a, b: (1 - rho**2 * a * b) / ((1 - a * b) * (1 - rho * a) * (1 - rho * b))  # noqa: E731
        S = mpmath.diff(lambda a, b: f(a, b), (lam, lam), (1, 1))
        g2 = 1 - lam**2 if normalized else 1
        return float(g2 * f(lam, lam)), float(g2 * S)
    finally:
        mpmath.mp.dps = 15


def test_mpmath_at_gap_1e12():
    # closed forms evaluated from the gap must keep full relative precision: 1e-12 allows the
    # O(eps) rounding of each of ~20 operations, far below the 1e-4 error of forming 1 - lam^2.
    d = 1e-12
    assert float(one_minus_abs2(gap=d)) == pytest.approx(2 * d - d * d, rel=1e-15)
    m, s = _mp_white(d, 0.3)
    assert float(state_moment(gap=d, theta=0.3, normalization="function")) == pytest.approx(m, rel=1e-12)
    assert float(sensitivity("theta", gap=d, theta=0.3, normalization="function")) == pytest.approx(s, rel=1e-10)
    for norm in (False, True):
        m, s = _mp_ar1(d, 0.9, norm)
        nm = "independent" if norm else None
        assert float(state_moment(gap=d, model=InputModel.ar1(0.9), normalization=nm)) == pytest.approx(m, rel=1e-12)
        assert float(sensitivity("lam", gap=d, model=InputModel.ar1(0.9), normalization=nm)) == pytest.approx(
            s, rel=1e-10)
    # omega input: |lam| = exp(-exp(omega)) exactly
    assert float(log_lambda(omega=np.log(1e-12))) == pytest.approx(-1e-12, rel=1e-15)


def test_naive_float_lambda_loses_the_gap_but_gap_input_does_not():
    lam = 1 - 1e-12  # float rounding of the gap: relative error ~1e-4
    naive = float(state_moment(lam))
    exact = float(state_moment(gap=1e-12))
    assert abs(naive / exact - 1) > 1e-6
    assert exact == pytest.approx(1 / (2e-12 - 1e-24), rel=1e-14)


# ------------------------------------------------------------------------------- Monte Carlo
@pytest.mark.parametrize("loc,param,norm,model", [
    (dict(lam=0.9), "lam", None, None),
    (dict(gap=0.1, theta=0.7), "theta", "function", InputModel.ar1(0.6)),
    (dict(omega=np.log(0.1), theta=0.3), "omega", "function", None),
    (dict(gap=0.1, theta=0.5), "nu", "independent", InputModel.constant()),
])
def test_monte_carlo_matches_exact_sum(loc, param, norm, model):
    T, n = 120, 8000
    exact = exact_sensitivity(T, param, **loc, model=model, normalization=norm)
    est = mc_sensitivity(T, n, param, **loc, model=model, normalization=norm, rng=11)
    assert abs(est.mean - exact) <= 4 * est.se  # 4 standard errors
    exact = exact_state_moment(T, **loc, model=model, normalization=norm)
    est = mc_state_moment(T, n, **loc, model=model, normalization=norm, rng=12)
    assert abs(est.mean - exact) <= 4 * est.se


def test_sample_inputs_autocorrelation():
    m = InputModel.mixture([0.6], [0.8], white=0.4)
    x = sample_inputs(m, 6, 40000, rng=3)
    emp = np.mean(x[0] * x[3]), np.mean(x[2] ** 2)
    # SE of a product mean of unit-variance Gaussians <= sqrt(2/n) = 0.007; 4 SE = 0.03
    assert emp[0] == pytest.approx(0.6 * 0.8**3, abs=0.03)
    assert emp[1] == pytest.approx(1.0, abs=0.03)


def test_simulate_forward_mode_matches_finite_difference():
    x = np.random.default_rng(0).standard_normal((30, 3))
    h1, s = simulate(x, gap=0.2, theta=0.4, param="theta", normalization="function")
    eps = 1e-6
    hp, _ = simulate(x, gap=0.2, theta=0.4 + eps, normalization="function")
    hm, _ = simulate(x, gap=0.2, theta=0.4 - eps, normalization="function")
    # central difference error O(eps^2 |h'''|) + O(eps_mach/eps): 1e-8 absolute
    np.testing.assert_allclose(s, (hp - hm) / (2 * eps), atol=1e-8)


# ---------------------------------------------------------------------------- population loss
def test_population_loss_formula_and_simulation():
    T = 25
    s = np.arange(T)
    ks, kt = 0.8**s, 0.5 * 0.9**s
    exact = population_loss(ks, kt)
    est = mc_population_loss(ks, kt, 6000, rng=5)
    assert abs(est.mean - exact) <= 4 * est.se
    # multi-output (T, p, q) equals the sum of per-entry losses
    rng = np.random.default_rng(1)
    K1, K2 = rng.standard_normal((T, 2, 3)), rng.standard_normal((T, 2, 3))
    tot = sum(population_loss(K1[:, i, j], K2[:, i, j]) for i in range(2) for j in range(3))
    assert population_loss(K1, K2) == pytest.approx(tot, rel=1e-13)
    est = mc_population_loss(K1, K2, 3000, rng=6)
    assert abs(est.mean - population_loss(K1, K2)) <= 4 * est.se


def test_population_loss_tends_to_stationary_loss():
    # (1/T) sum (T-s) dk_s^2 = sum dk_s^2 - (1/T) sum s dk_s^2: difference <= (1/T) sum s dk^2
    lam, lam_s, T = 0.7 + 0.2j, 0.5 - 0.4j, 4000
    c, cs = 1.0 + 0.5j, 0.8
    s = np.arange(T)
    k = np.real(c * lam**s)
    kt = np.real(cs * lam_s**s)
    bound = np.sum(s * (k - kt) ** 2) / T / 2
    assert abs(population_loss(k, kt) - stationary_loss(lam, lam_s, c, cs)) <= bound + 1e-15


def _scalar_loss(params, T, teacher, **kw):
    k, _ = scalar_impulse_response(T, params["p"][0], b=params["p"][1], c=params["p"][2], **kw)
    return population_loss(k, teacher)


@pytest.mark.parametrize("norm", [None, "function"])
def test_gradients_against_finite_differences(norm):
    T = 40
    kt, _ = scalar_impulse_response(T, 0.8)
    p = np.array([0.6, 1.2, 0.7])
    k, J = scalar_impulse_response(T, p[0], b=p[1], c=p[2], normalization=norm)
    g = population_loss_grad(k, kt, J)
    check_grad(lambda x: _scalar_loss(x, T, kt, normalization=norm), {"p": p}, {"p": g})
    # complex diagonal
    lam = np.array([0.8 * np.exp(0.4j), 0.5 * np.exp(2.0j)])
    b, c = np.array([1.0, 0.5 + 0.2j]), np.array([0.3 - 1j, 1.0])
    for param in ("reim", "polar", "exp"):
        kt2, _ = diagonal_impulse_response(T, lam * 0.9, b, c)
        k2, J2 = diagonal_impulse_response(T, lam, b, c, param=param, normalization=norm)
        x0 = _diag_to_vec(lam, b, c, param)
        check_grad(lambda x, pr=param, kk=kt2: population_loss(_diag_from_vec(T, x, pr, norm), kk), x0,
                   population_loss_grad(k2, kt2, J2))
    # dense
    rng = np.random.default_rng(2)
    A = 0.3 * rng.standard_normal((3, 3))
    B, C = rng.standard_normal((3, 2)), rng.standard_normal((2, 3))
    kt3, _ = dense_impulse_response(T, 0.5 * A, B, C)
    k3, J3 = dense_impulse_response(T, A, B, C)
    x0 = np.concatenate([A.ravel(), B.ravel(), C.ravel()])

    def dl(x):
        return population_loss(dense_impulse_response(T, x[:9].reshape(3, 3), x[9:15].reshape(3, 2),
                                                      x[15:].reshape(2, 3))[0], kt3)

    check_grad(dl, x0, population_loss_grad(k3, kt3, J3))


def _diag_to_vec(lam, b, c, param):
    if param == "reim":
        p1, p2 = lam.real, lam.imag
    elif param == "polar":
        p1, p2 = np.abs(lam), np.angle(lam)
    else:
        p1, p2 = np.log(-np.log(np.abs(lam))), np.angle(lam)
    return np.concatenate([p1, p2, b.real, b.imag, c.real, c.imag])


def _diag_from_vec(T, x, param, norm):
    n = x.size // 6
    p1, p2, br, bi, cr, ci = x.reshape(6, n)
    if param == "reim":
        lam = p1 + 1j * p2
    elif param == "polar":
        lam = p1 * np.exp(1j * p2)
    else:
        lam = np.exp(-np.exp(p1) + 1j * p2)
    return diagonal_impulse_response(T, lam, br + 1j * bi, cr + 1j * ci, normalization=norm)[0]


def test_hessian_at_optimum_tends_to_sensitivity():
    # G_pp(T) = sum_s (1 - s/T) k'_s^2 -> sum_s k'_s^2 = E[(dh/dp)^2]; the gap is
    # (1/T) sum_s s k'_s^2, bounded here by the exact sum itself.
    lam, T = 0.9, 3000
    _, J = scalar_impulse_response(T, lam, normalization="function")
    G = gauss_newton_hessian(J)[0, 0]
    s = np.arange(T)
    gap_bound = np.sum(s * J[:, 0] ** 2) / T
    assert abs(G - sensitivity("lam", lam, normalization="function")) <= gap_bound + 1e-12


def test_covariances():
    lam = np.array([0.99 * np.exp(0.3j), 0.5, -0.7 + 0.1j])
    rng = np.random.default_rng(0)
    Bm = rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2))
    Q = Bm @ Bm.conj().T
    S1 = diagonal_stationary_covariance(lam, Q)
    S2 = stationary_covariance(np.diag(lam), Q)
    # Lyapunov solve: backward-stable, error ~ eps cond ~ eps / (1 - |lam|^2) ~ 1e-14
    np.testing.assert_allclose(S1, S2, rtol=1e-10, atol=1e-12)
    # near the boundary from the gap: entry (0, 0) = Q00 / (1 - |lam|^2)
    Sg = diagonal_stationary_covariance(Q=np.eye(2), gap=[1e-12, 0.5], theta=[0.1, 0.0])
    assert Sg[0, 0].real == pytest.approx(1 / (2e-12 - 1e-24), rel=1e-13)


def test_structure_tools():
    H = np.diag([5.0, 1.0, 0.5])
    assert top_eigvec_mass(H, [0], 2).tolist() == [1.0, 0.0]
    assert float(participation_ratio(np.ones(4))) == pytest.approx(4.0)


def test_lambda_map_and_tuple_reparam():
    # a generic map (f, df) gives the same as the built-in exp map away from the boundary
    f, df = EXP_MAP.f, EXP_MAP.df
    a = sensitivity("omega", omega=-1.0, reparam=(f, df), normalization="function")
    b = sensitivity("omega", omega=-1.0, normalization="function")
    assert a == pytest.approx(b, rel=1e-13)
    sig = LambdaMap(lambda w: 1 / (1 + np.exp(-w)), lambda w: np.exp(-w) / (1 + np.exp(-w)) ** 2)
    # direct chain rule: (d lam/d w)^2 E[(dh/dlam)^2]
    w = 1.5
    lam = 1 / (1 + np.exp(-w))
    assert sensitivity("omega", omega=w, reparam=sig) == pytest.approx(
        sig.df(w) ** 2 * sensitivity("lam", lam), rel=1e-12)


# ------------------------------------------------------------------------------------- errors
def test_errors():
    with pytest.raises(ValueError, match="lam"):
        state_moment(1.0)
    with pytest.raises(ValueError, match="lam"):
        sensitivity("lam", 0.5 + 0.9j)
    with pytest.raises(ValueError, match="rho"):
        InputModel.ar1(1.2)
    with pytest.raises(ValueError, match="rho"):
        InputModel.mixture([1.0], [-0.1])
    with pytest.raises(ValueError, match="T"):
        exact_state_moment(0, 0.5)
    with pytest.raises(TypeError, match="T"):
        exact_state_moment(2.5, 0.5)
    with pytest.raises(ValueError, match="same shape"):
        population_loss(np.zeros(5), np.zeros(6))
    with pytest.raises(ValueError, match="same shape"):
        population_loss(np.zeros((5, 2, 1)), np.zeros((5, 1, 1)))
    with pytest.raises(ValueError, match="exactly one"):
        state_moment(0.5, gap=0.5)
    with pytest.raises(ValueError, match="normalization"):
        state_moment(0.5, normalization="lru")
    with pytest.raises(ValueError, match="gap"):
        state_moment(gap=0.0)
    with pytest.raises(ValueError, match="spectral radius"):
        stationary_covariance([[1.0]], [[1.0]])
    with pytest.raises(ValueError, match="B must have"):
        dense_impulse_response(5, np.eye(2) * 0.5, np.ones((3, 1)), np.ones((1, 2)))
    with pytest.raises(TypeError, match="model"):
        state_moment(0.5, model="white")
    with pytest.raises(ValueError, match="param='omega'"):
        sensitivity("omega", 0.5)


# ---------------------------------------------------------------------------------- symbolic
def test_symbolic_finite_T_against_summation_and_numeric():
    import sympy as sp

    from linrec.memory import symbolic as sym

    T = 5
    for rho in (None, sp.Rational(1, 3), 1):
        f = sym.generating_function(sym.LAM1, sym.LAM2, rho, T)
        r = 0 if rho is None else rho
        k, l = sp.symbols("k l", integer=True)
        direct = sum(sym.LAM1**i * sym.LAM2**j * (r ** abs(i - j) if r != 0 else int(i == j))
                     for i in range(T) for j in range(T))
        assert sp.simplify(sp.cancel(f - direct)) == 0
    # finite-T sensitivity against the numeric exact sum
    S = sym.sensitivity("lam", sp.Rational(1, 2), T=12)
    num = exact_sensitivity(12, "lam", 0.8, model=InputModel.ar1(0.5))
    assert float(S.subs(sym.LAM, sp.Rational(4, 5))) == pytest.approx(num, rel=1e-12)
    # normalized, function mode, against numeric closed form
    e = sym.sensitivity("lam", sp.Rational(1, 2), normalization="function")
    assert float(e.subs(sym.LAM, sp.Rational(9, 10))) == pytest.approx(
        sensitivity("lam", 0.9, model=InputModel.ar1(0.5), normalization="function"), rel=1e-12)
    with pytest.raises(ValueError, match="rho"):
        sym.generating_function(rho=2)
    with pytest.raises(ValueError, match="T"):
        sym.generating_function(T=0)


def test_symbolic_mixture_matches_numeric():
    import sympy as sp

    from linrec.memory import symbolic as sym

    mix = [(sp.Rational(1, 2), sp.Rational(9, 10)), (sp.Rational(3, 10), 1), (sp.Rational(2, 5), None)]
    model = InputModel.mixture([0.5, 0.3], [0.9, 1.0], white=0.4)
    for norm in (None, "function", "independent"):
        e = sym.sensitivity("lam", mix, normalization=norm)
        assert float(e.subs(sym.LAM, sp.Rational(4, 5))) == pytest.approx(
            sensitivity("lam", 0.8, model=model, normalization=norm), rel=1e-12)
    e = sym.state_moment("nu", mix)
    val = complex(e.subs({sym.NU: sp.Rational(4, 5), sym.THETA: sp.Rational(1, 2)}).evalf())
    assert val.real == pytest.approx(float(state_moment(gap=0.2, theta=0.5, model=model)), rel=1e-12)
    assert abs(val.imag) < 1e-12 * abs(val.real)  # the real-output rule gives a real number


def test_chain_rule_accepts_linrec_reparam_maps():
    # any object with .f/.df (and .gap) works; the discrete exp map of linrec.reparam must agree
    # with the built-in EXP_MAP to rounding, including deep in the |lam| -> 1 regime.
    reparam_mod = pytest.importorskip("linrec.reparam")
    m = reparam_mod.reparam("exp", time="discrete")
    for w in (-1.0, -12.0, -25.0):
        for norm in ("function", "independent"):
            a = sensitivity("omega", omega=w, reparam=m, normalization=norm)
            b = sensitivity("omega", omega=w, normalization=norm)
            assert a == pytest.approx(b, rel=1e-12)


@pytest.mark.parametrize("lam", [[0.99 * np.exp(0.1j), 0.9 * np.exp(1.2j)], [1 - 1e-9, -0.5, 0.3j],
                                 [0.7 * np.exp(2.5j)]])
def test_dense_realization_has_the_diagonal_impulse_response(lam):
    rng = np.random.default_rng(11)
    lam = np.asarray(lam, dtype=complex)
    n, T = lam.size, 300
    b = rng.standard_normal(n) + 1j * rng.standard_normal(n)
    c = rng.standard_normal(n) + 1j * rng.standard_normal(n)
    A, B, C = dense_realization(lam, b, c, np.random.default_rng(3))
    assert A.shape == (2 * n, 2 * n) and B.shape == (2 * n, 1) and C.shape == (1, 2 * n)
    assert A.dtype == B.dtype == C.dtype == np.float64
    # the same basis for the same seed; the recurrent matrix is dense (no zero entries)
    A2, _, _ = dense_realization(lam, b, c, 3)
    np.testing.assert_array_equal(A, A2)
    assert np.all(A != 0)
    # spectrum: lam and conj(lam)
    ev = np.sort_complex(np.linalg.eigvals(A))
    np.testing.assert_allclose(ev, np.sort_complex(np.concatenate([lam, lam.conj()])), atol=1e-6)
    # impulse response: direct complex sum vs a simulation of the real recurrence vs dense_impulse_response
    s = np.arange(T)[:, None]
    k_ref = np.real(np.sum(c * b * lam ** s, axis=1))
    h, k_sim = B[:, 0].copy(), np.empty(T)
    for t in range(T):
        k_sim[t] = (C @ h)[0]
        h = A @ h
    k_dense = dense_impulse_response(T, A, B, C)[0].ravel()
    k_diag = diagonal_impulse_response(T, lam, b, c)[0]
    # rounding: the similarity P (.) P^-1 costs ~cond(P) eps per product, accumulated over <= T steps
    cond = np.linalg.cond(np.random.default_rng(3).standard_normal((2 * n, 2 * n)))
    tol = 10 * T * cond * np.finfo(float).eps * np.sum(np.abs(c * b))
    for k in (k_sim, k_dense, k_diag):
        np.testing.assert_allclose(k, k_ref, rtol=0, atol=tol)


def test_dense_realization_rejects_bad_input():
    with pytest.raises(ValueError, match="shape"):
        dense_realization([0.5, 0.2], [1.0], [1.0, 1.0], 0)
    with pytest.raises(ValueError, match="lam"):
        dense_realization([[0.5]], [1.0], [1.0], 0)
    with pytest.raises(ValueError, match="lam"):
        dense_realization([], [], [], 0)
    with pytest.raises(TypeError, match="rng"):
        dense_realization([0.5], [1.0], [1.0], "seed")
