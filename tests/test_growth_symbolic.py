"""Tests of linrec.growth.symbolic: Jordan closed forms vs exact powers, growth classes."""

import numpy as np
import pytest
import sympy as sp

from linrec.growth.numeric import power_norms, transient_peak
from linrec.growth.symbolic import growth_class, jordan2_transient_peak, power_closed_form

R = sp.Rational


@pytest.mark.parametrize(
    "A",
    [
        [[R(1, 2), 1], [0, R(1, 2)]],                     # defective
        [[0, -1], [1, 0]],                                # complex eigenvalues +-i
        [[1, 2], [3, 4]],                                 # irrational (algebraic) eigenvalues
        [[0, 1, 0], [0, 0, 1], [0, 0, 0]],                # nilpotent
        [[2, 1, 0], [0, 2, 0], [0, 0, -1]],               # mixed blocks
    ],
)
def test_closed_form_equals_exact_powers(A):
    cf = power_closed_form(A)
    M = sp.Matrix(A)
    for k in range(8):
        # exact: expand + rationalize denominators brings algebraic differences to 0
        D = (cf.expr.subs(cf.n, k) - M**k).applyfunc(lambda e: sp.expand(sp.radsimp(sp.expand(e))))
        assert D == sp.zeros(M.rows)
    # lambdified numeric evaluation vs exact powers in float: a few eps relative
    ref = np.array([np.array((M**k).evalf(), dtype=complex) for k in range(6)])
    assert np.allclose(cf.numeric(np.arange(6)), ref, rtol=1e-12, atol=1e-12)


def test_growth_class_coefficient_vs_numeric():
    A = [[R(1, 2), 1, 0], [0, R(1, 2), 1], [0, 0, R(1, 3)]]
    g = growth_class(A)
    assert g.rho == R(1, 2) and g.k == 2
    Af = np.array(sp.Matrix(A).evalf(), dtype=float)
    n = np.array([4000, 8000])
    r = np.exp(power_norms(Af, n, log=True) - np.log(n) - n * np.log(0.5))
    # the ratio is C + c/n + O(n^-2): Richardson 2 r(2n) - r(n) removes the 1/n term
    assert np.isclose(2 * r[1] - r[0], float(g.coefficient), rtol=1e-6)
    nil = growth_class([[0, 1, 5], [0, 0, 1], [0, 0, 0]])
    assert nil.index == 3 and nil.k == 0
    rot = growth_class([[0, -2], [2, 0]])
    assert rot.rho == 2 and float(rot.coefficient) == pytest.approx(1.0, rel=1e-14)
    osc = growth_class([[0, -4], [1, 0]])   # A^2 = -4 I: ratio 1 (n even), 2 (n odd)
    assert osc.coefficient is None and np.allclose(osc.oscillation, (1.0, 2.0), rtol=1e-13)


def test_jordan2_transient_peak_vs_numeric():
    for lam, alpha in [(0.9, 1.0), (0.99, 0.5), (0.5, 0.1)]:
        r = jordan2_transient_peak(lam, alpha)
        tp = transient_peak([[lam, alpha], [0.0, lam]])
        assert tp.n_peak == r["n_peak"]
        assert np.isclose(tp.peak, float(r["peak"]), rtol=1e-12)


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: power_closed_form([[1, 2, 3]]), ValueError, "square"),
        (lambda: power_closed_form([1, 2]), ValueError, "2-D"),
        (lambda: power_closed_form(np.zeros((0, 0))), ValueError, "at least"),
        (lambda: power_closed_form([[sp.Symbol("a")]]), ValueError, "numeric"),
        (lambda: power_closed_form([[float("nan")]]), ValueError, "finite"),
        (lambda: power_closed_form([["x y"]]), TypeError, "numbers"),
        (lambda: jordan2_transient_peak(1.2, 1.0), ValueError, "lam"),
        (lambda: jordan2_transient_peak(0.5, -1.0), ValueError, "alpha"),
        (lambda: power_closed_form([[1]]).numeric(-1), ValueError, "non-negative"),
    ],
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# --- bounded cost on float input (floats are the exact rationals they denote) ---------------

@pytest.mark.parametrize("N,seed", [(3, 0), (3, 7), (6, 1), (6, 12)])
def test_growth_class_random_float_matrix_is_fast_and_right(N, seed):
    # an irreducible characteristic polynomial of degree N: rho and k decided without radicals
    # (previously: > 10 minutes at N = 3, a raw MatrixError at N = 6). Independent check: numpy's
    # eigenvalues; a random Gaussian matrix has simple eigenvalues (k = 1) almost surely.
    import time

    A = np.random.default_rng(seed).standard_normal((N, N))
    t0 = time.process_time()
    g = growth_class(A)
    assert time.process_time() - t0 < 60  # a generous ceiling against the old hang, not a benchmark
    assert g.k == 1 and g.index == 0 and g.coefficient is None
    rho_np = np.max(np.abs(np.linalg.eigvals(A)))
    # eigenvalue rounding of a random Gaussian matrix: ~ N eps ||A|| times the condition number
    assert abs(float(sp.N(g.rho, 30)) - rho_np) <= 1e-10 * rho_np
    with pytest.raises(ValueError, match="irreducible factor of degree .*power_norms"):
        power_closed_form(A)


def test_rank_path_finds_jordan_blocks_of_irreducible_cubics():
    # companion matrices are non-derogatory: (x^3 - x - 1)^2 gives one 2x2 Jordan block at each
    # root, so ||A^n|| ~ n rho^n with rho the plastic number; (x - 1/2)^2 (x^3 - x - 1) gives k = 1
    x = sp.Symbol("x")

    def companion(p):
        c = sp.Poly(sp.expand(p), x).all_coeffs()
        n = len(c) - 1
        C = sp.zeros(n, n)
        for i in range(1, n):
            C[i, i - 1] = 1
        for i in range(n):
            C[i, n - 1] = -c[n - i]
        return C

    plastic = 1.3247179572447460260  # real root of x^3 = x + 1
    g = growth_class(companion((x ** 3 - x - 1) ** 2))
    assert g.k == 2 and abs(float(sp.N(g.rho, 20)) - plastic) < 1e-15
    g = growth_class(companion((x - sp.Rational(1, 2)) ** 2 * (x ** 3 - x - 1)))
    assert g.k == 1 and abs(float(sp.N(g.rho, 20)) - plastic) < 1e-15
    # the numeric check of k = 2: ||A^n|| / (n rho^n) settles to a constant
    A = np.array(companion((x ** 3 - x - 1) ** 2).evalf(), dtype=float)
    r = [np.linalg.norm(np.linalg.matrix_power(A, n), 2) / (n * plastic ** n) for n in (200, 400)]
    assert abs(r[1] / r[0] - 1) < 0.02  # (1 + O(1/n)) corrections: 1/200 scale


def test_size_limits_and_wrapped_errors():
    with pytest.raises(ValueError, match="at most 8x8.*power_norms"):
        growth_class(np.eye(9))
    with pytest.raises(ValueError, match="at most 4x4"):
        growth_class(sp.eye(5) * sp.sqrt(2))
    with pytest.raises(ValueError, match="at most 2x2"):
        power_closed_form(np.eye(3), max_size=2)
    with pytest.raises(TypeError, match="max_size"):
        growth_class(np.eye(2), max_size=2.0)
    with pytest.raises(ValueError, match="max_size"):
        growth_class(np.eye(2), max_size=0)
    # exact input with low-degree factors keeps the exact Jordan path and its closed forms
    cf = power_closed_form([[1, 1], [0, 1]])
    assert cf.expr[0, 1] == cf.n
