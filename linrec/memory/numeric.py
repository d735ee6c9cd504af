"""Exact numerics for the curse of memory (Zucchet & Orvieto, 2024).

Model: ``h_t = lam h_{t-1} + gamma x_t`` (the input enters at the same step, ``h_1 = gamma x_1``
when ``h_0 = 0``), real or complex ``lam``, real wide-sense-stationary input with
autocorrelation ``R(Delta) = sum_j a_j rho_j^|Delta| + w [Delta = 0]`` (:class:`InputModel`).

Everything near ``|lam| -> 1`` is computed from the complex logarithm ``L = log lam`` (real part
``log|lam| = log1p(-gap)`` or ``-exp(nu)``), so that ``1 - lam1 lam2 = -expm1(L1 + L2)`` never
cancels catastrophically. See the package docstring for the two normalization modes and the
real-output rule.

References
----------
N. Zucchet and A. Orvieto, "Recurrent neural networks: vanishing and exploding gradients are
not the end of the story", NeurIPS 2024 (arXiv:2405.21064), Sec. 2-4.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from linrec._validation import as_float_array

__all__ = [
    "population_loss",
    "population_loss_grad",
    "loss_weights",
    "gauss_newton_hessian",
]

_NOT_A_FORMULA = ()


# ----------------------------------------------------------------------------------------------
# Population loss of a linear student against a linear teacher
# ----------------------------------------------------------------------------------------------


def _check_pair(k_student: Any, k_teacher: Any) -> tuple[np.ndarray, np.ndarray]:
    ks = as_float_array(k_student, "k_student", allow_complex=False)
    kt = as_float_array(k_teacher, "k_teacher", allow_complex=False)
    if ks.ndim == 0 or kt.ndim == 0:
        raise ValueError("k_student and k_teacher must have a leading time axis (shape (T, ...))")
    if ks.shape != kt.shape:
        raise ValueError(
            f"k_student and k_teacher must have the same shape (T, ...); got {ks.shape} and {kt.shape}"
        )
    return ks, kt


def loss_weights(T: int) -> np.ndarray:
    """Weights ``w_s = (T - s) / T`` of the lag-``s`` error in the averaged population loss.

    Parameters
    ----------
    T : int
        Sequence length (>= 1).

    Returns
    -------
    numpy.ndarray, shape (T,)
        ``w_s`` for ``s = 0, ..., T-1``.

    Notes
    -----
    Lag ``s`` of the impulse response contributes to the outputs at steps ``t = s+1, ..., T``,
    i.e. to ``T - s`` of the ``T`` averaged squared errors, hence ``w_s = (T - s)/T``.

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 4 (loss averaged over the sequence, Eq. (1)).

    Examples
    --------
    >>> loss_weights(4)
    array([1.  , 0.75, 0.5 , 0.25])
    """
    from linrec._validation import check_positive_int

    T = check_positive_int(T, "T")
    return (T - np.arange(T, dtype=np.float64)) / T


def population_loss(k_student: Any, k_teacher: Any) -> float:
    """Exact white-noise population loss of a linear student against a linear teacher.

    Both systems are causal linear filters given by their impulse responses (``k[0]`` the
    direct feedthrough ``D + C B``, ``k[s] = C A^s B`` for a state-space model). The input is
    i.i.d. with unit variance, the sequence has length ``T`` (transients included, ``h_0 = 0``)
    and the loss is averaged over all ``T`` steps.

    Parameters
    ----------
    k_student, k_teacher : array_like, shape (T,) or (T, p, q) (any trailing shape)
        Real impulse responses of the student and the teacher; trailing axes (outputs p,
        inputs q) are summed in the Frobenius sense. Shapes must match.

    Returns
    -------
    float
        ``L = 1/2 * (1/T) * sum_t E ||y_t - y*_t||^2``.

    Notes
    -----
    With ``e_t = sum_{s=0}^{t-1} dk_s x_{t-s}`` (``t = 1..T``, ``dk = k - k*``) and
    ``E[x_i x_j^T] = I [i = j]``, ``E||e_t||^2 = sum_{s<t} ||dk_s||_F^2``; summing over t,

    .. math:: L = \\frac{1}{2T} \\sum_{s=0}^{T-1} (T - s) \\, \\|\\Delta k_s\\|_F^2 .

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 4, teacher-student loss (their Eq. (1) with white-noise
    inputs); this exact finite-T form is derived here and checked against simulation in
    ``tests/test_memory.py``.

    Examples
    --------
    >>> lam, lam_star, T = 0.5, 0.6, 50
    >>> s = np.arange(T)
    >>> float(round(population_loss(lam ** s, lam_star ** s), 6))
    0.018357
    """
    ks, kt = _check_pair(k_student, k_teacher)
    w = loss_weights(ks.shape[0])
    d = (ks - kt).reshape(ks.shape[0], -1)
    return float(0.5 * np.dot(w, np.einsum("ti,ti->t", d, d)))


def population_loss_grad(k_student: Any, k_teacher: Any, jac: Any = None) -> np.ndarray:
    """Gradient of :func:`population_loss` with respect to the student.

    Parameters
    ----------
    k_student, k_teacher : array_like, shape (T, ...)
        Real impulse responses (same shape).
    jac : array_like, shape (T, ..., P), optional
        Jacobian ``d k_student / d theta`` of the student's impulse response with respect to P
        real parameters (trailing axis). If None, the gradient with respect to the impulse
        response itself is returned.

    Returns
    -------
    numpy.ndarray
        ``dL/dk`` with the shape of ``k_student``, or ``dL/dtheta`` of shape (P,).

    Notes
    -----
    ``dL/dk_s = w_s (k_s - k*_s)`` with ``w_s = (T - s)/T``; by the chain rule
    ``dL/dtheta = sum_s w_s J_s^T (k_s - k*_s)``.

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 4.

    Examples
    --------
    >>> g = population_loss_grad([1.0, 0.5], [0.0, 0.0])
    >>> g.tolist()
    [1.0, 0.25]
    """
    ks, kt = _check_pair(k_student, k_teacher)
    w = loss_weights(ks.shape[0])
    d = ks - kt
    gk = w.reshape((-1,) + (1,) * (ks.ndim - 1)) * d
    if jac is None:
        return gk
    J = as_float_array(jac, "jac", allow_complex=False)
    if J.shape[:-1] != ks.shape:
        raise ValueError(f"jac must have shape {ks.shape} + (P,); got {J.shape}")
    return np.einsum("i,ip->p", gk.reshape(-1), J.reshape(-1, J.shape[-1]))


def gauss_newton_hessian(jac: Any) -> np.ndarray:
    """Gauss--Newton Hessian of the population loss, i.e. the exact Hessian at the optimum.

    Parameters
    ----------
    jac : array_like, shape (T, ..., P)
        Jacobian of the student's impulse response with respect to P real parameters
        (time first, parameters last).

    Returns
    -------
    numpy.ndarray, shape (P, P)
        ``G = sum_s w_s J_s^T J_s``.

    Notes
    -----
    ``H = sum_s w_s (J_s^T J_s + sum_i dk_{s,i} nabla^2 k_{s,i})``; at the optimum ``dk = 0``,
    so the Hessian equals the Gauss--Newton matrix ``G = sum_s w_s J_s^T J_s`` with
    ``w_s = (T-s)/T``. As ``T -> infinity``, ``w_s -> 1`` and
    ``G_pp = E[(d y / d p)^2]`` under white noise: the curvature at the optimum is the
    stationary output sensitivity.

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 4 (Hessian at optimality, Eq. (6)).

    Examples
    --------
    >>> lam, T = 0.5, 200
    >>> s = np.arange(T)
    >>> J = (s * lam ** np.maximum(s - 1, 0))[:, None]      # d lam^s / d lam
    >>> float(round(gauss_newton_hessian(J)[0, 0], 3))      # ~ (1+lam^2)/(1-lam^2)^3 = 2.963
    2.93
    """
    J = as_float_array(jac, "jac", allow_complex=False)
    if J.ndim < 2:
        raise ValueError(f"jac must have shape (T, ..., P); got shape {J.shape}")
    T, P = J.shape[0], J.shape[-1]
    w = loss_weights(T)
    Jf = J.reshape(T, -1, P)
    return np.einsum("t,tip,tiq->pq", w, Jf, Jf)
