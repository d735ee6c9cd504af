"""linrec.reparam.approximation: kernels' inner products vs mpmath, fits, margins, perturbation."""

import math

import mpmath
import numpy as np
import pytest
from scipy import special

from linrec.reparam import reparam
from linrec.reparam.approximation import (
    ExpFit,
    _vp_objective,
    fit_exponentials,
    inner_exp,
    kernel_sum,
    margin_curve,
    memory_kernel,
    model_perturbation_bound,
    perturbation_error,
    stability_margin,
)
from linrec.testing import check_grad

KERNELS = {
    "exponential": memory_kernel("exponential", rate=0.7, amplitude=1.5),
    "polynomial": memory_kernel("polynomial", p=2.0),
    "polynomial_slow": memory_kernel("polynomial", p=1.1, scale=10.0),
    "window": memory_kernel("window", t0=2.0, width=3.0),
    "bump": memory_kernel("bump", t0=4.0),
    "airy": memory_kernel("airy", t0=3.0),
    "sum": kernel_sum(memory_kernel("exponential", rate=2.0), memory_kernel("bump", t0=5.0),
                      memory_kernel("window", t0=1.0, width=2.0)),
}


def _mp_rho(kernel):
    """ρ(t) in mpmath arithmetic (independent of the numpy implementation)."""
    if kernel.kind == "sum":
        parts = [_mp_rho(p) for p in kernel.parts]
        return lambda t: sum(f(t) for f in parts)
    p = dict(kernel.params)
    return {
        "exponential": lambda t: p["amplitude"] * mpmath.exp(-p["rate"] * t),
        "polynomial": lambda t: (1 + t / p["scale"]) ** (-p["p"]),
        "window": lambda t: mpmath.mpf(1) if p["t0"] <= t < p["t0"] + p["width"] else mpmath.mpf(0),
        "bump": lambda t: mpmath.exp(-((t - p["t0"]) ** 2)),
        "airy": lambda t: mpmath.airyai(t - p["t0"]),
    }[kernel.kind]


def _breaks(kernel):
    pts = {0.0}
    for k in (kernel.parts if kernel.kind == "sum" else (kernel,)):
        d = dict(k.params)
        if "t0" in d:
            pts.add(d["t0"])
            if "width" in d:
                pts.add(d["t0"] + d["width"])
    return sorted(pts) + [mpmath.inf]


@pytest.mark.parametrize("key", list(KERNELS))
def test_inner_products_vs_mpmath_quadrature(key):
    k = KERNELS[key]
    rho = _mp_rho(k)
    with mpmath.workdps(30):
        for s in (0.05, 1.3):
            ref = mpmath.quad(lambda t, s=s: rho(t) * mpmath.exp(-s * t), _breaks(k))
            mom = mpmath.quad(lambda t, s=s: t * rho(t) * mpmath.exp(-s * t), _breaks(k))
            # closed forms: a few eps; quadrature-based (airy, bump moment): epsrel 1e-13 requested
            assert float(inner_exp(k, -s)) == pytest.approx(float(ref), rel=1e-11)
            assert float(k.laplace_moment(s)) == pytest.approx(float(mom), rel=1e-10)
        n2 = mpmath.quad(lambda t: rho(t) ** 2, _breaks(k))
    assert k.norm2() == pytest.approx(float(n2), rel=1e-11)


def test_polynomial_inner_product_via_incomplete_gamma():
    # e^s s^(p-1) Γ(1-p, s) = e^s E_p(s): a second closed form (upper incomplete gamma)
    for p, tau, s in ((2.0, 1.0, 0.3), (1.1, 10.0, 0.02), (3.5, 2.0, 4.0)):
        k = memory_kernel("polynomial", p=p, scale=tau)
        x = s * tau
        ref = tau * mpmath.exp(x) * x ** (p - 1) * mpmath.gammainc(1 - p, x)
        assert float(k.laplace(s)) == pytest.approx(float(ref), rel=1e-13)


@pytest.mark.parametrize("key", ["exponential", "polynomial", "window", "bump", "sum"])
def test_discrete_inner_products_vs_direct_sums(key):
    k = KERNELS[key]
    rho = _mp_rho(k)
    with mpmath.workdps(30):
        for z in (-0.6, 0.0, 0.3, 0.9):
            ref = mpmath.nsum(lambda n, z=z: rho(n) * mpmath.mpf(z) ** n, [0, mpmath.inf])
            refm = mpmath.nsum(lambda n, z=z: n * rho(n) * mpmath.mpf(z) ** (n - 1), [1, mpmath.inf])
            assert float(k.gen(z)) == pytest.approx(float(ref), rel=1e-12)
            assert float(k.gen_moment(z)) == pytest.approx(float(refm), rel=1e-12, abs=1e-300)
        n2 = mpmath.nsum(lambda n: rho(n) ** 2, [0, mpmath.inf])
    assert k.norm2_discrete() == pytest.approx(float(n2), rel=1e-12)


@pytest.mark.parametrize("time", ["continuous", "discrete"])
def test_fit_gradient(time):
    k = KERNELS["polynomial"]
    n2 = k.norm2() if time == "continuous" else k.norm2_discrete()
    v = np.array([0.8, -0.5, -2.0])
    _, g = _vp_objective(v, k, time, n2)
    check_grad(lambda x: _vp_objective(np.asarray(x, dtype=float), k, time, n2)[0], v, g, cond=1e4)


def test_fit_recovers_exact_exponential_sums():
    k = kernel_sum(memory_kernel("exponential", rate=0.3, amplitude=2.0), memory_kernel("exponential", rate=2.0))
    fit = fit_exponentials(k, 2, rng=1)
    # an exact representation exists: the fit error is at the √eps level of J*
    assert fit.error < 1e-6
    np.testing.assert_allclose(fit.lam, [-0.3, -2.0], rtol=1e-5)
    np.testing.assert_allclose(fit.c, [2.0, 1.0], rtol=1e-5)
    assert stability_margin(fit) == pytest.approx(0.3, rel=1e-5)


def test_fit_error_decreases_and_margin_collapses_for_polynomial():
    s, e, fits = margin_curve(KERNELS["polynomial"], [1, 2, 3], n_starts=2, rng=0)
    assert np.all(np.diff(e) < 0)
    assert np.all(np.diff(s) < 0)
    # the fit error is the L2 error of the returned coefficients (independent quadrature check)
    f = fits[-1]
    t = np.linspace(0, 400, 400001)
    resid = KERNELS["polynomial"].value(t) - (f.c[None, :] * np.exp(np.outer(t, f.lam))).sum(axis=1)
    tail = 1 / (3 * 401.0**3)  # ∫_400^∞ (1+t)^-4 dt; the model's tail is e^{-2 s 400} ~ 0
    l2 = math.sqrt((np.trapezoid(resid**2, t) + tail) / KERNELS["polynomial"].norm2())
    assert l2 == pytest.approx(f.error, rel=1e-4)  # trapezoid error h^2/12 |f''| ~ 1e-10 absolute


def test_discrete_fit_exponential_margin():
    fit = fit_exponentials(memory_kernel("exponential", rate=0.5), 2, time="discrete", rng=0)
    assert stability_margin(fit) == pytest.approx(-math.expm1(-0.5), rel=1e-6)


def test_perturbation_error_direct_vs_stable():
    k = KERNELS["polynomial"]
    fit = fit_exponentials(k, 2, rng=0)
    s = stability_margin(fit)
    n = math.sqrt(k.norm2())
    assert float(perturbation_error(fit, k, reparam("direct"), 0.0)) == pytest.approx(fit.error * n, rel=1e-6)
    assert np.isinf(perturbation_error(fit, k, reparam("direct"), s))
    assert np.isfinite(perturbation_error(fit, k, reparam("direct"), 0.9 * s))
    b = 1.0 / (1.01 * float(-fit.lam.min()))  # best's range [-1/b, 0) must contain the fit
    for f in (reparam("exp"), reparam("softplus"), reparam("best", b=b)):
        e = perturbation_error(fit, k, f, [0.0, s, 3 * s])
        assert np.all(np.isfinite(e)) and np.all(np.diff(e) >= 0)
    with pytest.raises(ValueError, match="not all in the range"):
        perturbation_error(fit, k, reparam("best", b=100.0), 0.1)
    with pytest.raises(ValueError, match="beta must be >= 0"):
        perturbation_error(fit, k, reparam("exp"), -0.1)
    with pytest.raises(ValueError, match="discrete-time map"):
        perturbation_error(fit, k, reparam("exp", time="discrete"), 0.1)


def test_perturbation_error_discrete():
    k = KERNELS["polynomial"]
    fit = fit_exponentials(k, 2, time="discrete", n_starts=2, rng=0)
    s = stability_margin(fit)  # 1 - max λ
    n = math.sqrt(k.norm2_discrete())
    direct = reparam("direct", time="discrete")
    assert float(perturbation_error(fit, k, direct, 0.0)) == pytest.approx(fit.error * n, rel=1e-6)
    assert np.isinf(perturbation_error(fit, k, direct, 1.0001 * s))
    for f in (reparam("exp", time="discrete"), reparam("sigmoid", time="discrete"), reparam("tanh", time="discrete")):
        e = perturbation_error(fit, k, f, [0.5 * s, 5 * s, 50 * s])
        assert np.all(np.isfinite(e))


def test_model_perturbation_bound_holds():
    k = KERNELS["polynomial"]
    fit = fit_exponentials(k, 2, rng=0)
    m = reparam("exp")
    w = m.inverse(fit.lam)
    beta = 0.5
    bound = float(model_perturbation_bound(fit, np.expm1(beta)))  # S_exp(β) = e^β - 1
    t = np.linspace(0, 3000, 300001)
    worst = 0.0
    for sg in ([1, 1], [1, -1], [-1, 1], [-1, -1]):
        lt = m.f(w + beta * np.array(sg))
        diff = (fit.c[None, :] * (np.exp(np.outer(t, lt)) - np.exp(np.outer(t, fit.lam)))).sum(axis=1)
        worst = max(worst, float(np.trapezoid(np.abs(diff), t)))
    assert worst <= bound * (1 + 1e-6)


def test_bad_input():
    with pytest.raises(ValueError, match="not integrable"):
        memory_kernel("polynomial", p=1.0)
    with pytest.raises(ValueError, match="not integrable"):
        memory_kernel("exponential", rate=-0.1)
    with pytest.raises(ValueError, match="width must be > 0"):
        memory_kernel("window", t0=1.0, width=0.0)
    with pytest.raises(ValueError, match="t0 must be >= 0"):
        memory_kernel("bump", t0=-1.0)
    with pytest.raises(TypeError, match="unexpected parameter"):
        memory_kernel("bump", t0=1.0, width=2.0)
    with pytest.raises(ValueError, match="kind must be one of"):
        memory_kernel("gaussian")
    with pytest.raises(ValueError, match="m must be >= 1"):
        fit_exponentials(KERNELS["exponential"], 0)
    with pytest.raises(TypeError, match="m must be an integer"):
        fit_exponentials(KERNELS["exponential"], 1.5)
    with pytest.raises(ValueError, match="lam must be < 0"):
        inner_exp(KERNELS["exponential"], 0.1)
    with pytest.raises(ValueError, match=r"lam must lie in \(-1, 1\)"):
        inner_exp(KERNELS["exponential"], 1.0, time="discrete")
    with pytest.raises(ValueError, match="both of infinite support"):
        kernel_sum(KERNELS["polynomial"], KERNELS["polynomial_slow"]).norm2_discrete()
    with pytest.raises(ValueError, match="no finite support"):
        memory_kernel("polynomial", p=2.0)._n_terms()
    with pytest.raises(TypeError, match="fit must be an ExpFit"):
        stability_margin("fit")
    with pytest.raises(ValueError, match="t must be >= 0"):
        KERNELS["bump"].value(-1.0)
    assert isinstance(fit_exponentials(KERNELS["exponential"], 1, n_starts=1), ExpFit)
    assert special.airy(0.0)[0] > 0  # scipy's Airy is what the airy kernel evaluates
