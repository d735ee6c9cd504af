"""The test helpers themselves: a gradient check that cannot fail is worthless."""

import numpy as np
import pytest

from linrec.testing import check_grad, evaluate_bound, evaluate_claim


def _loss(p):
    # a small recurrent loss: h_t = a h_{t-1} + b x_t, L = sum h_t^2 / 2
    x = np.linspace(-1, 1, 50)
    h = 0.0
    total = 0.0
    for xt in x:
        h = p["a"] * h + p["b"] * xt
        total = total + 0.5 * h * h
    return total


def _grad(p):
    x = np.linspace(-1, 1, 50)
    a, b = p["a"], p["b"]
    hs = []
    h = 0.0
    for xt in x:
        h = a * h + b * xt
        hs.append(h)
    ga = gb = 0.0
    adj = 0.0
    for t in range(len(x) - 1, -1, -1):
        adj = adj + hs[t]  # dL/dh_t including the future through a
        hprev = hs[t - 1] if t > 0 else 0.0
        ga += adj * hprev
        gb += adj * x[t]
        adj = adj * a
    return {"a": np.array(ga), "b": np.array(gb)}


def test_check_grad_accepts_correct_gradient_on_dict():
    p = {"a": np.array(0.9), "b": np.array(-0.7)}
    res = check_grad(_loss, p, _grad(p), complex_step=True)
    assert res.ok and res.n_checked == 2


@pytest.mark.parametrize("rel", [1e-6, 1e-4])
def test_check_grad_rejects_slightly_wrong_gradient(rel):
    p = {"a": np.array(0.9), "b": np.array(-0.7)}
    g = _grad(p)
    g["a"] = g["a"] * (1 + rel)
    with pytest.raises(AssertionError, match="gradient check failed"):
        check_grad(_loss, p, g, complex_step=True)
    # central differences alone also catch a 1e-6 relative error (tolerance ~1e-8 relative)
    res = check_grad(_loss, p, g, raise_on_failure=False)
    assert not res.ok


def test_check_grad_subsample_and_shape_errors():
    x = np.arange(10.0)
    res = check_grad(lambda v: np.sum(v**3), x, 3 * x**2, coords=4, rng=1)
    assert res.n_checked == 4
    with pytest.raises(ValueError, match="structure"):
        check_grad(lambda v: np.sum(v), x, np.ones(3))


def test_claim_evaluation():
    ok = evaluate_claim(test="t", paper="p", equation="e", statement="s", predicted=[1.0, 2.0],
                        measured=[1.0, 2.0 + 1e-9], rtol=1e-8, why="w")
    assert ok.passed and ok.rel_error == pytest.approx(5e-10)
    bad = evaluate_claim(test="t", paper="p", equation="e", statement="s", predicted=1.0,
                         measured=1.1, rtol=0.01, why="w")
    assert not bad.passed
    nan = evaluate_claim(test="t", paper="p", equation="e", statement="s", predicted=1.0,
                         measured=np.nan, atol=1.0, why="w")
    assert not nan.passed
    with pytest.raises(ValueError, match="why"):
        evaluate_claim(test="t", paper="p", equation="e", statement="s", predicted=1, measured=1,
                       rtol=1e-3, why="")
    with pytest.raises(ValueError, match="rtol and atol"):
        evaluate_claim(test="t", paper="p", equation="e", statement="s", predicted=1, measured=1, why="w")
    assert evaluate_bound(test="t", paper="p", equation="e", statement="s", bound=1.0, measured=0.5,
                          why="w").passed
    assert not evaluate_bound(test="t", paper="p", equation="e", statement="s", bound=1.0,
                              measured=[0.5, 1.01], slack=1e-3, why="w").passed
    assert evaluate_bound(test="t", paper="p", equation="e", statement="s", bound=1.0, measured=2.0,
                          relation=">=", why="w").passed
