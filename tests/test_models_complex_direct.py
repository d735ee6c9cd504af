"""The complex diagonal model with lam trained directly (``lam_param="direct"``, no gamma).

This is the "complex numbers" student of Zucchet & Orvieto (2024), Sec. 5 (the authors'
``lru_param="default"``, ``which_gamma="none"``): h_t = lam h_{t-1} + B x_t,
y_t = Re(C h_t) + D x_t with the trainable coordinates Re lam, Im lam, Re B, Im B, Re C, Im C, D.

``tests/test_models.py`` checks its gradients against central differences at T = 7 and
|lam| <= 0.9. Here the hand-written gradient is checked in the training regime (T = 300,
|lam| up to 0.995) against the complex step of an independent, *realified* implementation: with
lam = a + i b the powers lam^s = r_s + i q_s follow the real recursion
r_{s+1} = a r_s - b q_s, q_{s+1} = a q_s + b r_s, and

    k_s = sum_n [Re C_n (r_s Re B_n - q_s Im B_n) - Im C_n (r_s Im B_n + q_s Re B_n)] + D [s = 0],

a polynomial in every real coordinate, so Im f(x + i h e_k) / h is exact to rounding. The loss is
the white-noise population loss L = 1/(2T) sum_s (T - s) (k_s - k*_s)^2
(:func:`linrec.memory.population_loss`).
"""

import numpy as np
import pytest

from linrec import models
from linrec.testing import check_grad

T, N = 300, 4


def _realified_population_loss(p, kt):
    """Independent real-arithmetic population loss (analytic in every coordinate of p)."""
    a, b = p["lam_re"], p["lam_im"]
    Br, Bi = p["B_re"][:, 0], p["B_im"][:, 0]
    Cr, Ci = p["C_re"][0], p["C_im"][0]
    r = np.ones_like(a + 0 * Br)
    q = np.zeros_like(r)
    total = 0.0
    for s in range(T):
        k = np.sum(Cr * (r * Br - q * Bi) - Ci * (r * Bi + q * Br))
        if s == 0:
            k = k + p["D"][0, 0]
        total = total + (T - s) * (k - kt[s]) ** 2
        r, q = a * r - b * q, a * q + b * r
    return total / (2 * T)


def _point(seed, r_min, r_max):
    m = models.LinearDiagonal(1, N, 1, complex=True, lam_param="direct", gamma="none", r_min=r_min, r_max=r_max)
    g = np.random.default_rng(seed)
    p = m.init(g)
    kt = 0.3 * g.standard_normal(T) * 0.98 ** np.arange(T)
    return m, p, kt


@pytest.mark.parametrize("r_min,r_max", [(0.3, 0.9), (0.98, 0.995)])
def test_direct_complex_population_gradient_against_complex_step(r_min, r_max):
    m, p, kt = _point(11, r_min, r_max)
    L, g = m.population_loss_and_grad(p, kt[:, None, None])
    assert set(g) == {"lam_re", "lam_im", "B_re", "B_im", "C_re", "C_im", "D"}
    # the model's kernel (complex powers by doubling) and the real recursion are two roundings of
    # the same sum of T (T - s)-weighted squares: agreement to ~T eps relative
    assert L == pytest.approx(_realified_population_loss(p, kt), rel=1e-11)
    # sums over T = 300 steps with |lam| near 1: condition factor raised to 1e4 (rounding of one
    # evaluation ~ T * |lam|^-s growth * eps)
    res = check_grad(lambda q: _realified_population_loss(q, kt), p, g, complex_step=True, cond=1e4)
    assert res.worst_cs is not None and res.n_checked == 6 * N + 1  # every coordinate
    # negative control: the conjugate's gradient (Im lam with the wrong sign) must be rejected
    wrong = dict(g, lam_im=-g["lam_im"])
    bad = check_grad(lambda q: _realified_population_loss(q, kt), p, wrong, complex_step=True, cond=1e4,
                     raise_on_failure=False)
    assert not bad.ok


def test_direct_complex_batch_gradient_near_the_unit_circle():
    # the training loss on a batch (the "sample" objective of the teacher-student runs),
    # |lam| in [0.98, 0.995), T = 300: central differences (the forward takes Re, so no complex step)
    m, p, _ = _point(12, 0.98, 0.995)
    g = np.random.default_rng(13)
    x = g.standard_normal((T, 2, 1))
    y = g.standard_normal((T, 2, 1))
    L, grads = m.loss_and_grad(p, x, y)
    assert L == pytest.approx(m.loss(p, x, y), rel=1e-12)
    check_grad(lambda q: m.loss(q, x, y), p, grads, cond=1e4)


def test_direct_parameters_are_the_real_and_imaginary_parts_of_lam():
    m, p, _ = _point(14, 0.5, 0.9)
    lam = m.eigenvalues(p)
    np.testing.assert_array_equal(lam, p["lam_re"] + 1j * p["lam_im"])
    assert m.param_groups["lam_re"] == m.param_groups["lam_im"] == "recurrent"
    # no gamma: the kernel at s = 0 is Re(C B) + D exactly
    k = m.impulse_response(p, 3)
    B = p["B_re"] + 1j * p["B_im"]
    C = p["C_re"] + 1j * p["C_im"]
    assert k[0, 0, 0] == pytest.approx(float(np.real(C @ B)[0, 0] + p["D"][0, 0]), rel=1e-13)
    assert k[2, 0, 0] == pytest.approx(float(np.real(C @ (lam**2 * B[:, 0]))[0]), rel=1e-12)
