"""Tests of linrec.reparam.discretization (ZOH, bilinear, Euler, Mamba's ZOH/Euler)."""

import mpmath
import numpy as np
import pytest

from linrec.memory import sensitivity as mem_sensitivity
from linrec.memory import state_moment as mem_state_moment
from linrec.reparam import reparam
from linrec.reparam.criteria import boundary_exponent, gradient_scale, stability_verdict
from linrec.reparam.discretization import (
    DISCRETIZATIONS,
    SENSITIVITY_PARAMS,
    DiscretizedReparam,
    discretization_gap,
    discretize,
    discretize_grad,
    discretize_reparam,
    discretized_criteria,
    discretized_sensitivity,
    discretized_state_moment,
    exact_sensitivity_exponent,
    one_minus_abs2,
    sensitivity_exponent,
    stability_region,
)
from linrec.testing import check_grad

EPS = np.finfo(float).eps


def _mp_pair(z, delta, method, B=1):
    """(λ, B̄) in mpmath at 50 digits, from the defining formulas (a = z/Δ)."""
    with mpmath.workdps(50):
        z, delta, B = mpmath.mpmathify(z), mpmath.mpf(delta), mpmath.mpmathify(B)
        if method in ("zoh", "zoh_euler"):
            lam = mpmath.exp(z)
            bb = delta * B * (mpmath.expm1(z) / z if method == "zoh" else 1)
        elif method == "bilinear":
            lam = (1 + z / 2) / (1 - z / 2)
            bb = delta * B / (1 - z / 2)
        elif method == "forward_euler":
            lam, bb = 1 + z, delta * B
        else:
            lam, bb = 1 / (1 - z), delta * B / (1 - z)
        return lam, bb


def _mp_grad_a(z, delta, method):
    """(∂λ/∂a, ∂B̄/∂a) = (Δψ'(z), Δ²φ'(z)) in mpmath at 60 digits (closed forms; the ZOH
    φ' = (z e^z − e^z + 1)/z² loses ~24 of the 60 digits at |z| = 1e−12, leaving plenty)."""
    with mpmath.workdps(60):
        z, d = mpmath.mpmathify(z), mpmath.mpf(delta)
        if method in ("zoh", "zoh_euler"):
            dpsi = mpmath.exp(z)
            dphi = (z * mpmath.exp(z) - mpmath.exp(z) + 1) / z**2 if method == "zoh" else 0
        elif method == "bilinear":
            dpsi, dphi = 1 / (1 - z / 2) ** 2, mpmath.mpf(1) / 2 / (1 - z / 2) ** 2
        elif method == "forward_euler":
            dpsi, dphi = 1, 0
        else:
            dpsi = dphi = 1 / (1 - z) ** 2
        return d * dpsi, d * d * dphi


def _rel(x, ref):
    ref = complex(ref)
    return abs(complex(x) - ref) / abs(ref)


# -- values, broadcasting, errors ---------------------------------------------------------------


@pytest.mark.parametrize("method", DISCRETIZATIONS)
@pytest.mark.parametrize("a", [-0.7, -2.0 + 3.0j, -1e-3j - 1e-9])
def test_values_match_mpmath(method, a):
    delta, B = 0.3, 1.5 - 0.5j
    lam, bb = discretize(a, delta, method, B=B)
    lam_mp, bb_mp = _mp_pair(mpmath.mpc(a) * delta, delta, method, B=mpmath.mpc(B))
    # a handful of correctly rounded operations: relative error <= ~10 eps
    assert _rel(lam, lam_mp) <= 10 * EPS
    assert _rel(bb, bb_mp) <= 10 * EPS


def test_zero_a_limits():
    for method in DISCRETIZATIONS:
        lam, bb = discretize(0.0, 0.25, method, B=2.0)
        assert float(lam) == 1.0 and float(bb) == 0.5
        g = discretize_grad(0.0, 0.25, method)
        assert float(g.dlam_da) == 0.25 and float(g.dlam_ddelta) == 0.0 and float(g.dbbar_ddelta) == 1.0


def test_broadcasting_and_dtypes():
    a = np.array([[-1.0], [-2.0], [-0.5]])
    d = np.array([0.1, 0.2, 0.3, 0.4])
    for method in DISCRETIZATIONS:
        lam, bb = discretize(a, d, method)
        assert lam.shape == bb.shape == (3, 4) and lam.dtype == np.float64
        g = discretize_grad(a, d, method, B=np.ones((1, 4)))
        assert all(np.shape(x) == (3, 4) for x in g)
        lam_c, bb_c = discretize(a + 1j, d, method)
        assert lam_c.dtype == np.complex128 and lam_c.shape == (3, 4)
        # elementwise equals scalar calls
        assert np.allclose(lam[1, 2], discretize(-2.0, 0.3, method)[0], rtol=0, atol=0)


def test_inputs_not_mutated():
    a = np.array([-1.0, -2.0])
    a0 = a.copy()
    discretize(a, 0.1, "bilinear")
    discretized_sensitivity(a, 0.1, "zoh")
    assert np.array_equal(a, a0)


@pytest.mark.parametrize("call,match", [
    (lambda: discretize(-1.0, 0.0), "delta"),
    (lambda: discretize(-1.0, -1.0), "delta"),
    (lambda: discretize(0.5, 1.0), "a"),
    (lambda: discretize(0.1 + 1j, 1.0), "a"),
    (lambda: discretize(-1.0, 1.0, "tustin"), "method"),
    (lambda: discretize(-1.0, 1.0, 3), "method"),
    (lambda: discretize(np.nan, 1.0), "a"),
    (lambda: discretize(-1.0, np.inf), "delta"),
    (lambda: discretize(-1.0, 1.0, B=np.inf), "B"),
    (lambda: discretize_grad(1.0, 1.0), "a"),
    (lambda: stability_region(np.nan, "zoh"), "z"),
    (lambda: discretization_gap(-1.0, "euler"), "method"),
    (lambda: discretized_sensitivity(0.0, 1.0), "a"),
    (lambda: discretized_sensitivity(-3.0, 1.0, "forward_euler"), "delta \\* a"),
    (lambda: discretized_sensitivity(-1.0, 1.0, param="b"), "param"),
    (lambda: sensitivity_exponent("zoh", "a", fixed="b"), "fixed"),
    (lambda: sensitivity_exponent("zoh", "a", eps=[0.1, 2.0]), "eps"),
    (lambda: discretize_reparam(reparam("exp"), 0.0), "delta"),
])
def test_bad_input_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_bad_input_type_error():
    with pytest.raises(TypeError, match="delta"):
        discretize(-1.0, 1.0 + 1j)
    with pytest.raises(TypeError, match="a must be real"):
        discretized_sensitivity(-1.0 + 1j, 1.0)
    with pytest.raises(TypeError, match="m must be"):
        discretize_reparam(reparam("exp", time="discrete"), 1.0)
    with pytest.raises(TypeError, match="b_scaling"):
        discretized_state_moment(-1.0, 1.0, b_scaling=1)
    with pytest.raises(TypeError, match="delta"):
        discretize_reparam(reparam("exp"), True)


# -- gradients ------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", DISCRETIZATIONS)
def test_grad_wrt_a_check_grad_and_complex_step(method):
    a = np.array([-0.3, -1.7, -4.0, -0.05])
    delta, B = 0.4, 1.3
    g = discretize_grad(a, delta, method, B=B)
    check_grad(lambda x: float(np.real(np.sum(discretize(x, delta, method, B=B)[0]))) if np.isrealobj(x)
               else np.sum(discretize(x, delta, method, B=B)[0]), a, g.dlam_da, complex_step=True)
    check_grad(lambda x: float(np.real(np.sum(discretize(x, delta, method, B=B)[1]))) if np.isrealobj(x)
               else np.sum(discretize(x, delta, method, B=B)[1]), a, g.dbbar_da, complex_step=True)


@pytest.mark.parametrize("method", DISCRETIZATIONS)
def test_grad_wrt_delta_check_grad(method):
    d = np.array([0.3, 1.1, 2.5])
    a, B = -0.6, 0.7
    g = discretize_grad(a, d, method, B=B)
    check_grad(lambda x: float(np.sum(discretize(a, x, method, B=B)[0])), d, g.dlam_ddelta)
    check_grad(lambda x: float(np.sum(discretize(a, x, method, B=B)[1])), d, g.dbbar_ddelta)


@pytest.mark.parametrize("method", DISCRETIZATIONS)
def test_complex_a_holomorphic_derivative(method):
    # complex derivative: the difference quotient along the real and imaginary directions agree
    a, delta, h = -0.8 + 1.9j, 0.35, 1e-6
    g = discretize_grad(a, delta, method)
    for idx in (0, 1):
        def f(x, idx=idx):
            return discretize(x, delta, method)[idx]

        fd_re = (f(a + h) - f(a - h)) / (2 * h)
        fd_im = (f(a + 1j * h) - f(a - 1j * h)) / (2j * h)
        ref = g[0] if idx == 0 else g[2]
        # central difference: truncation |f'''| h²/6 ~ 1e-12, rounding eps/h ~ 2e-10
        assert abs(fd_re - ref) <= 1e-8 * max(1, abs(ref))
        assert abs(fd_im - ref) <= 1e-8 * max(1, abs(ref))


@pytest.mark.parametrize("method", DISCRETIZATIONS)
def test_small_z_against_mpmath(method):
    """z = −1e−12 (and a complex point of the same size): values, gap and grads to ~10 ulps."""
    delta = 1.0
    for z in (-1e-12, -1e-12 + 1e-12j):
        a = z / delta
        lam, bb = discretize(a, delta, method, B=1.0)
        lam_mp, bb_mp = _mp_pair(mpmath.mpc(z), delta, method)
        assert _rel(lam, lam_mp) <= 4 * EPS and _rel(bb, bb_mp) <= 4 * EPS
        with mpmath.workdps(50):
            gap_mp = 1 - abs(lam_mp)
            q_mp = 1 - abs(lam_mp) ** 2
        dl, db = _mp_grad_a(mpmath.mpc(z), delta, method)
        assert _rel(discretization_gap(z, method), gap_mp) <= 10 * EPS
        assert _rel(one_minus_abs2(z, method), q_mp) <= 10 * EPS
        g = discretize_grad(a, delta, method)
        assert _rel(g.dlam_da, dl) <= 10 * EPS
        if method in ("forward_euler", "zoh_euler"):
            assert complex(g.dbbar_da) == 0 and db == 0
        else:
            assert _rel(g.dbbar_da, db) <= 10 * EPS


# -- stability regions -------------------------------------------------------------------------


def _grid(n=201, r=6.0):
    x = np.concatenate([-np.geomspace(1e-14, r, n), np.geomspace(1e-14, r, n), [0.0]])
    X, Y = np.meshgrid(x, np.concatenate([x, [1e-300]]))
    return X + 1j * Y


def test_bilinear_maps_left_half_plane_onto_disk():
    z = _grid()
    # stable exactly for Re z < 0, including Re z = -1e-14 and |Im z| = 6, and 1 - |λ|² > 0 there
    inside = z.real < 0
    assert np.array_equal(stability_region(z, "bilinear"), inside)
    assert np.all(one_minus_abs2(z[inside], "bilinear") > 0)
    assert np.all(one_minus_abs2(z[~inside], "bilinear") <= 0)
    lam = discretize(z[inside], 1.0, "bilinear")[0]
    assert np.all(np.abs(lam) <= 1.0)  # |λ| rounds to at most 1 (1 - |λ| ~ 1e-14 is representable)
    # imaginary axis -> unit circle (to rounding of |.|/|.|), and onto: λ in the disk has Re z < 0
    y = np.linspace(-50, 50, 1001)
    assert np.max(np.abs(np.abs(discretize(1j * y, 1.0, "bilinear")[0]) - 1.0)) <= 4 * EPS
    rng = np.random.default_rng(3)
    r, t = np.sqrt(rng.uniform(0, 0.999, 1000)), rng.uniform(-np.pi, np.pi, 1000)
    lam_d = r * np.exp(1j * t)
    z_back = 2 * (lam_d - 1) / (lam_d + 1)  # the inverse Möbius map
    assert np.all(z_back.real < 0)
    assert np.allclose(discretize(z_back, 1.0, "bilinear")[0], lam_d, rtol=0, atol=1e-12)


def test_forward_euler_unstable_outside_disk():
    z = _grid()
    fe = stability_region(z, "forward_euler")
    far = np.abs(np.abs(1 + z) - 1) > 1e-12  # away from the circle, where |1+z| is decided exactly
    assert np.array_equal(fe[far], (np.abs(1 + z) < 1)[far])
    real = -np.linspace(2.0 + 1e-9, 40.0, 500)
    assert not np.any(stability_region(real, "forward_euler"))
    assert np.all(discretization_gap(real, "forward_euler") < 0)
    assert np.all(stability_region(-np.linspace(1e-12, 2 - 1e-9, 500), "forward_euler"))


def test_zoh_and_backward_euler_regions():
    z = _grid()
    assert np.array_equal(stability_region(z, "zoh"), z.real < 0)
    assert np.array_equal(stability_region(z, "zoh_euler"), z.real < 0)
    be = stability_region(z, "backward_euler")
    assert np.all(be[z.real < 0])  # A-stable
    far = np.abs(np.abs(1 - z) - 1) > 1e-12
    assert np.array_equal(be[far], (np.abs(1 - z) > 1)[far])
    # poles are unstable, gap -inf there
    assert not stability_region(1.0, "backward_euler") and not stability_region(2.0, "bilinear")
    assert discretization_gap(1.0, "backward_euler") == -np.inf and discretization_gap(2.0, "bilinear") == -np.inf


@pytest.mark.parametrize("method", DISCRETIZATIONS)
def test_gap_matches_direct_formula_away_from_zero(method):
    z = np.array([-0.5 + 0.3j, -1.5, -0.1 - 2j, -3.0 + 0.1j])
    lam = discretize(z, 1.0, method)[0]
    assert np.allclose(discretization_gap(z, method), 1 - np.abs(lam), rtol=1e-13, atol=1e-15)
    assert np.allclose(one_minus_abs2(z, method), 1 - np.abs(lam) ** 2, rtol=1e-13, atol=1e-15)


# -- curse of memory --------------------------------------------------------------------------


def _finite_sum(a, delta, method, param, B, b_scaling, K=20000):
    """Σ_k c_k² with c_k = ∂(b λ^k)/∂p from the hand-written derivatives, and Σ_k (b λ^k)²."""
    lam, bb = discretize(a, delta, method, B=B)
    g = discretize_grad(a, delta, method, B=B)
    b = bb if b_scaling else B
    if param == "a":
        lp, bp = g.dlam_da, g.dbbar_da
    elif param == "a_log":
        lp, bp = a * g.dlam_da, a * g.dbbar_da
    else:
        lp, bp = g.dlam_ddelta, g.dbbar_ddelta
    bp = bp if b_scaling else 0.0
    k = np.arange(K)
    c = lp * b * k * lam ** np.maximum(k - 1, 0) + bp * lam**k
    return float(np.sum(c**2)), float(np.sum((b * lam**k) ** 2))


@pytest.mark.parametrize("method", DISCRETIZATIONS)
@pytest.mark.parametrize("param", SENSITIVITY_PARAMS)
@pytest.mark.parametrize("b_scaling", [True, False])
def test_sensitivity_closed_form_vs_finite_sum(method, param, b_scaling):
    a, delta, B = -0.9, 0.02, 1.7  # λ ≈ 0.982: λ^{2K} K² at K = 20000 is < 1e-300
    s = discretized_sensitivity(a, delta, method, param=param, B=B, b_scaling=b_scaling)
    ref, ref_h = _finite_sum(a, delta, method, param, B, b_scaling)
    # summation of 2e4 positive terms: relative rounding <= K eps ~ 4e-12
    assert s == pytest.approx(ref, rel=1e-11)
    assert discretized_state_moment(a, delta, method, B=B, b_scaling=b_scaling) == pytest.approx(ref_h, rel=1e-11)


def test_sensitivity_forward_mode_simulation():
    """Differential test: the tangent recurrence's impulse response gives E[(dh/da)²] = Σ c_k²."""
    a, delta, method = -2.0, 0.05, "bilinear"
    lam, bb = discretize(a, delta, method)
    g = discretize_grad(a, delta, method)
    # the tangent u_t = λ u_{t-1} + λ_p h_{t-1} + b_p x_t equals Σ c_k x_{t-k}; compare the
    # coefficients (impulse response, x = δ_0) with the closed form's summands
    T = 3000
    h = u = 0.0
    cs = []
    for t in range(T):
        x = 1.0 if t == 0 else 0.0
        u = lam * u + g.dlam_da * h + g.dbbar_da * x
        h = lam * h + bb * x
        cs.append(u)
    s = discretized_sensitivity(a, delta, method, param="a")
    assert float(np.sum(np.square(cs))) == pytest.approx(s, rel=1e-11)


def test_sensitivity_reuses_memory_formulas():
    # b fixed: E[(dh/dp)²] = λ_p² B² (1+λ²)/(1-λ²)³ = λ_p² B² · linrec.memory.sensitivity("lam")
    a, delta = -0.3, 0.5
    lam, _ = discretize(a, delta, "zoh")
    g = discretize_grad(a, delta, "zoh")
    s = discretized_sensitivity(a, delta, "zoh", param="a", b_scaling=False, B=2.0)
    assert s == pytest.approx(float(g.dlam_da) ** 2 * 4.0 * float(mem_sensitivity("lam", float(lam))), rel=1e-13)
    h2 = discretized_state_moment(a, delta, "zoh", b_scaling=False, B=2.0)
    assert h2 == pytest.approx(4.0 * float(mem_state_moment(float(lam))), rel=1e-13)


@pytest.mark.parametrize("method", DISCRETIZATIONS)
def test_sensitivity_small_z_mpmath(method):
    # at ε = Δ|a| = 1e-12 the closed form keeps full precision (1 - λ² from the z formulas)
    a, delta = -1e-12, 1.0
    s = discretized_sensitivity(a, delta, method, param="a_log")
    with mpmath.workdps(60):
        e = mpmath.mpf(a) * delta
        lam, bb = _mp_pair(e, delta, method)
        dl, db = _mp_grad_a(e, delta, method)
        lp, bp = mpmath.mpf(a) * dl, mpmath.mpf(a) * db  # a = −exp(A_log): ∂/∂A_log = a ∂/∂a
        q = 1 - lam**2
        ref = lp**2 * bb**2 * (1 + lam**2) / q**3 + 2 * lp * bb * bp * lam / q**2 + bp**2 / q
    assert _rel(s, ref) <= 100 * EPS


@pytest.mark.parametrize("method", DISCRETIZATIONS)
def test_sensitivity_exponents_all_cases(method):
    for param in (None,) + SENSITIVITY_PARAMS:
        for fixed in ("delta", "a"):
            for bs in (True, False):
                r = sensitivity_exponent(method, param, fixed=fixed, b_scaling=bs)
                assert r.exact == exact_sensitivity_exponent(method, param, fixed=fixed, b_scaling=bs)
                # measured = k - c1 ε + O(ε²) at ε = 1e-9; |c1| is O(1) (<= 10 for these maps)
                assert abs(r.measured - r.exact) <= 1e-7, (param, fixed, bs, r.measured)


def _sympy_slope(method, param, fixed, b_scaling):
    """ε d log E/dε as a series −k + S1 ε, from the closed form (independent symbolic derivation)."""
    import sympy as sp

    e = sp.symbols("epsilon", positive=True)
    A, D = sp.symbols("A D")
    z = D * A
    psi = {"forward_euler": 1 + z, "backward_euler": 1 / (1 - z)}[method]
    b = D * {"forward_euler": 1, "backward_euler": 1 / (1 - z)}[method] if b_scaling else sp.Integer(1)
    if param is None:
        E = b**2 / (1 - psi**2)
    else:
        P = D if param == "delta" else A
        lp, bp = sp.diff(psi, P), sp.diff(b, P)
        if param == "a_log":
            lp, bp = A * lp, A * bp
        q = 1 - psi**2
        E = lp**2 * b**2 * (1 + psi**2) / q**3 + 2 * lp * b * bp * psi / q**2 + bp**2 / q
    E = E.subs({A: -e, D: 1} if fixed == "delta" else {A: -1, D: e})
    s = sp.expand(sp.series(sp.simplify(e * sp.diff(E, e) / E), e, 0, 2).removeO())
    return -int(s.coeff(e, 0)), float(s.coeff(e, 1))


@pytest.mark.parametrize("method", ["forward_euler", "backward_euler"])
def test_exponents_and_first_correction_symbolic(method):
    # the claims file's S1 table for these rows: ±(1/2, 1/2, 3/2, 1/2, 1/2, 1/2, 3/2, 1/2)
    cases = [("a", "delta", True), ("a_log", "delta", True), ("delta", "delta", True), (None, "delta", True),
             ("a", "a", True), ("a", "a", False), ("delta", "a", True), ("delta", "a", False)]
    sign = 1 if method == "forward_euler" else -1
    for case, s1 in zip(cases, (0.5, 0.5, 1.5, 0.5, 0.5, 0.5, 1.5, 0.5)):
        k, c = _sympy_slope(method, *case)
        assert k == exact_sensitivity_exponent(method, case[0], fixed=case[1], b_scaling=case[2])
        assert c == sign * s1


# -- composition with reparameterizations -----------------------------------------------------


@pytest.mark.parametrize("name", ["direct", "exp", "softplus", "best"])
@pytest.mark.parametrize("method", DISCRETIZATIONS)
def test_discretized_reparam_derivatives_and_inverse(name, method):
    m = discretize_reparam(reparam(name), 0.7, method)
    assert isinstance(m, DiscretizedReparam) and m.time == "discrete"
    w = np.array([-2.3, -0.4, -1.1]) if name == "direct" else np.array([-2.3, -0.4, 0.6, 1.9])
    check_grad(lambda x: np.sum(m.f(x)), w, m.df(w), complex_step=True)
    check_grad(lambda x: np.sum(m.df(x)), w, m.d2f(w), complex_step=True)
    lam = m.f(w)
    assert np.allclose(m.boundary_distance(w), 1 - lam, rtol=1e-13, atol=1e-15)
    assert np.allclose(m.gap(w), 1 - np.abs(lam), rtol=1e-13, atol=1e-15)
    w_back = m.inverse(lam)
    ref = np.abs(w) if name == "best" else w
    assert np.allclose(w_back, ref, rtol=1e-9, atol=1e-12)
    assert np.all(m.range.contains(lam))
    # criteria accept it: G = |λ'|/(1-λ)² and the composed gradient-over-distance ratio <= continuous
    g = gradient_scale(m, w)
    assert np.allclose(g, np.abs(m.df(w)) / (1 - lam) ** 2, rtol=1e-12)
    base = reparam(name)
    ratio_d = np.abs(m.df(w)) / m.boundary_distance(w)
    assert np.all(ratio_d <= np.abs(base.df(w)) / base.boundary_distance(w) * (1 + 1e-14))


def test_discretized_reparam_range_errors():
    m = discretize_reparam(reparam("exp"), 1.0, "zoh")
    with pytest.raises(ValueError, match="lam"):
        m.inverse(1.5)
    with pytest.raises(ValueError, match="w"):
        discretize_reparam(reparam("direct"), 1.0).f(0.5)
    with pytest.raises(TypeError, match="base"):
        DiscretizedReparam(name="x", time="discrete")


def test_criteria_on_composed_maps():
    res = boundary_exponent(discretize_reparam(reparam("softplus"), 0.1, "bilinear"))
    assert res.k == pytest.approx(1.0, abs=1e-6)  # O(d) corrections at d <= 1e-6
    assert stability_verdict(discretize_reparam(reparam("best"), 0.5, "zoh")) == "stable"
    assert stability_verdict(discretize_reparam(reparam("direct"), 0.5, "zoh")) == "unstable"
    c = discretized_criteria(reparam("exp"), 2.0, "forward_euler", verdict=False)
    assert c.verdict == "skipped" and not c.in_unit_disk
    c = discretized_criteria(reparam("best", a=1.0, b=0.5), 2.0, "forward_euler", verdict=False)
    assert not c.in_unit_disk  # range [1 - Δ/b, 1) = [-3, 1)
    c = discretized_criteria(reparam("best", a=1.0, b=4.0), 2.0, "forward_euler", verdict=False)
    assert c.in_unit_disk  # [1/2, 1)
