"""Products of Jacobians: log-norm accumulation, Pascanu's bound, Lyapunov spectra.

Convention: ``J[t-1] = dh_t/dh_{t-1}`` for t = 1..T, so dh_T/dh_s = J[T-1] ... J[s]
(backpropagation multiplies from the end). Products are kept as e^s M with ||M||_F = 1 so
nothing overflows or underflows; only log-norms are returned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla
from scipy.special import digamma

from linrec._validation import as_float_array, as_rng, check_choice, check_positive_int

__all__ = [
    "jacobian_product",
    "gradient_log_norms",
    "pascanu_bound",
    "LyapunovSpectrum",
    "lyapunov_spectrum",
    "gaussian_lyapunov_spectrum",
]

_GAIN = {"linear": 1.0, "tanh": 1.0, "sigmoid": 0.25, "relu": 1.0}


def _as_jacobian_stack(J, name="J"):
    J = as_float_array(J, name, ndim=(2, 3))
    if J.ndim == 3 and J.shape[1] != J.shape[2]:
        raise ValueError(f"{name} must have shape (T, N, N) or (T, N) (diagonals); got {J.shape}")
    return J


def _renorm(P):
    nrm = np.linalg.norm(P)
    if nrm == 0.0:
        return np.zeros_like(P), -np.inf
    return P / nrm, float(np.log(nrm))


def jacobian_product(J):
    """Product J[T-1] ... J[0] in scaled form (matrix of unit Frobenius norm, log scale).

    Parameters
    ----------
    J : array_like, shape (T, N, N) or (T, N)
        Per-step Jacobians, or their diagonals for diagonal recurrences.

    Returns
    -------
    M : numpy.ndarray
        (N, N) matrix (or (N,) diagonal) with ||M||_F = 1 (zero if the product vanishes
        exactly).
    log_scale : float
        log of the Frobenius norm of the product, so that the product is exp(log_scale) M.

    Notes
    -----
    dh_T/dh_0 = prod_{t=T}^{1} J_t, accumulated as P_t = J_t P_{t-1} renormalized every step:
    P_t = e^{s_t} M_t, s_t = s_{t-1} + log ||J_t M_{t-1}||_F. Diagonal Jacobians are
    multiplied in log space: log|prod d_t| = sum log|d_t| (phases multiplied separately).

    References
    ----------
    R. Pascanu, T. Mikolov and Y. Bengio, "On the difficulty of training recurrent neural
    networks", ICML 2013, Eq. (5) (the product of Jacobians in backpropagation through time).

    Examples
    --------
    >>> M, s = jacobian_product(np.stack([2.0 * np.eye(2)] * 100))
    >>> float(round(s - 100 * np.log(2.0) - 0.5 * np.log(2.0), 10))   # ||2^100 I||_F = 2^100 sqrt(2)
    0.0
    """
    J = _as_jacobian_stack(J)
    if J.ndim == 2:
        with np.errstate(divide="ignore"):
            logs = np.sum(np.log(np.abs(J)), axis=0)
        phase = np.prod(np.where(J == 0, 0, J / np.where(J == 0, 1, np.abs(J))), axis=0)
        if np.all(np.isneginf(logs)):
            return np.zeros(J.shape[1], dtype=J.dtype), -np.inf
        top = np.max(logs)
        mag = np.exp(logs - top)
        nrm = np.linalg.norm(mag)
        return (mag / nrm) * phase, float(top + np.log(nrm))
    N = J.shape[1]
    M, s = np.eye(N, dtype=J.dtype) / np.sqrt(N), 0.5 * np.log(N)
    for Jt in J:
        M, ds = _renorm(Jt @ M)
        s += ds
        if not np.isfinite(s):
            return M, -np.inf
    return M, float(s)


def gradient_log_norms(J, *, ord=2):
    """log ||dh_T/dh_{T-k}|| for k = 0..T: gradient norm against the horizon.

    Parameters
    ----------
    J : array_like, shape (T, N, N) or (T, N)
        Per-step Jacobians J[t-1] = dh_t/dh_{t-1} (or their diagonals).
    ord : {2, "fro"}, optional
        Matrix norm: spectral (default) or Frobenius.

    Returns
    -------
    numpy.ndarray, shape (T + 1,)
        Entry k is log ||J[T-1] J[T-2] ... J[T-k]|| (k = 0: log ||I||).

    Notes
    -----
    Backward accumulation as in backpropagation: G_0 = I, G_k = G_{k-1} J_{T-k+1}, renormalized
    each step (G_k = e^{s_k} M_k). For diagonal Jacobians log|G_k| = sum_{j<k} log|d_{T-j}| and
    the 2-norm is the max over coordinates. Cost O(T N^3) plus one SVD per k for ord=2.

    References
    ----------
    R. Pascanu, T. Mikolov and Y. Bengio, "On the difficulty of training recurrent neural
    networks", ICML 2013, Eqs. (3)-(5) (dE_t/dtheta as a sum over horizons of
    Jacobian products). Y. Bengio, P. Simard and P. Frasconi, "Learning long-term dependencies
    with gradient descent is difficult", IEEE TNN 5 (1994).

    Examples
    --------
    >>> g = gradient_log_norms(np.full((3, 1), 0.5))
    >>> [round(float(np.exp(v)), 6) for v in g]
    [1.0, 0.5, 0.25, 0.125]
    """
    J = _as_jacobian_stack(J)
    if ord not in (2, "fro"):
        raise ValueError(f"ord must be 2 or 'fro'; got {ord!r}")
    T = J.shape[0]
    out = np.empty(T + 1)
    if J.ndim == 2:
        with np.errstate(divide="ignore"):
            la = np.log(np.abs(J[::-1]))
        cum = np.vstack([np.zeros((1, J.shape[1])), np.cumsum(la, axis=0)])
        if ord == 2:
            return cum.max(axis=1)
        top = cum.max(axis=1, keepdims=True)
        with np.errstate(invalid="ignore"):
            res = top[:, 0] + 0.5 * np.log(np.sum(np.exp(2 * (cum - np.where(np.isfinite(top), top, 0))), axis=1))
        return np.where(np.isneginf(top[:, 0]), -np.inf, res)
    N = J.shape[1]
    M, s = np.eye(N, dtype=J.dtype), 0.0
    out[0] = 0.0 if ord == 2 else 0.5 * np.log(N)
    for k in range(1, T + 1):
        M, ds = _renorm(M @ J[T - k])
        s += ds
        if not np.isfinite(s):
            out[k:] = -np.inf
            break
        nm = sla.svdvals(M)[0] if ord == 2 else 1.0
        out[k] = s + np.log(nm)
    return out


def pascanu_bound(W, n, *, activation="tanh"):
    """Pascanu's bound log ||prod_{k=1}^n J_k|| <= n log(gamma sigma_max(W)).

    Parameters
    ----------
    W : array_like, shape (N, N)
        Recurrent matrix.
    n : int
        Horizon (number of Jacobian factors), n >= 1.
    activation : {"tanh", "sigmoid", "relu", "linear"}, optional
        Determines gamma = sup |sigma'|: 1, 1/4, 1, 1.

    Returns
    -------
    log_bound : numpy.ndarray, shape (n + 1,)
        k log(gamma sigma_max(W)) for k = 0..n.
    eta : float
        gamma sigma_max(W); eta < 1 is Pascanu's sufficient condition for vanishing gradients.

    Notes
    -----
    ||dh_t/dh_{t-1}|| = ||diag(sigma'(.)) W|| <= gamma sigma_max(W) = eta, hence
    ||dh_T/dh_{T-k}|| <= eta^k: vanishing is guaranteed when sigma_max(W) < 1/gamma
    (= 1 for tanh, 4 for sigmoid); sigma_max(W) > 1/gamma is necessary for exploding.

    References
    ----------
    R. Pascanu, T. Mikolov and Y. Bengio, "On the difficulty of training recurrent neural
    networks", ICML 2013, Sec. 3.1, Eqs. (6)-(7) (sufficient condition lambda_1 < 1/gamma).

    Examples
    --------
    >>> lb, eta = pascanu_bound(np.diag([2.0, 1.0]), 3, activation="sigmoid")
    >>> eta, [round(float(v), 6) for v in np.exp(lb)]
    (0.5, [1.0, 0.5, 0.25, 0.125])
    """
    W = as_float_array(W, "W", ndim=2)
    n = check_positive_int(n, "n")
    check_choice(activation, "activation", tuple(_GAIN))
    eta = _GAIN[activation] * float(sla.svdvals(W)[0])
    with np.errstate(divide="ignore"):
        le = np.log(eta)
    return np.arange(n + 1) * le if eta > 0 else np.r_[0.0, np.full(n, -np.inf)], eta


@dataclass(frozen=True)
class LyapunovSpectrum:
    """Result of :func:`lyapunov_spectrum`.

    Attributes
    ----------
    exponents : numpy.ndarray, shape (k,)
        Lyapunov exponents per step, in decreasing order.
    stderr : numpy.ndarray, shape (k,)
        Batch-means standard error of each exponent (nan if fewer than 2 batches).
    n_steps : int
        Number of Jacobians used (after ``discard``).
    running : numpy.ndarray, shape (n_steps, k)
        Running estimates after each step (the convergence history).
    """

    exponents: np.ndarray
    stderr: np.ndarray
    n_steps: int
    running: np.ndarray


def lyapunov_spectrum(jacobians, *, k=None, discard=0, n_batches=10, rng=0):
    """Lyapunov spectrum of a product of matrices by repeated QR (Benettin's algorithm).

    Parameters
    ----------
    jacobians : array_like (T, N, N) or iterable of (N, N) arrays
        The factors J_1, J_2, ... in the order they are applied (J_t = dh_t/dh_{t-1}); an
        iterable (e.g. a generator along a long trajectory) is consumed lazily.
    k : int, optional
        Number of leading exponents (default N).
    discard : int, optional
        Number of initial factors used only to align the frame (transient), not averaged.
    n_batches : int, optional
        Number of contiguous batches for the batch-means standard error (default 10).
    rng : numpy.random.Generator, int or None, optional
        Source of the random initial orthonormal frame (default seed 0, so results are
        reproducible). A generic frame is needed: a coordinate frame can lie in an invariant
        subspace (e.g. for triangular factors) and return the exponents unsorted.

    Returns
    -------
    LyapunovSpectrum
        Exponents (per step), batch-means standard errors, number of steps and the running
        estimates.

    Notes
    -----
    Q_0 = a random (Haar) N x k orthonormal frame; for t = 1..T: J_t Q_{t-1} = Q_t R_t (QR with diag(R_t) >= 0);
    lambda_i = (1/T) sum_t log R_t[i, i]. The QR keeps the frame orthonormal so no overflow
    occurs and lambda_1 >= ... >= lambda_k. Convergence estimate: the T logs are cut into
    ``n_batches`` contiguous batches; stderr = std(batch means, ddof=1)/sqrt(n_batches), valid
    when the batch length exceeds the correlation time of the log R_t[i, i].

    References
    ----------
    G. Benettin, L. Galgani, A. Giorgilli and J.-M. Strelcyn, "Lyapunov characteristic
    exponents for smooth dynamical systems...", Meccanica 15 (1980), Part 2 (the QR/Gram-Schmidt
    procedure); I. Shimada and T. Nagashima, Prog. Theor. Phys. 61 (1979).

    Examples
    --------
    >>> ls = lyapunov_spectrum(np.stack([np.diag([2.0, 0.5])] * 50), discard=25)
    >>> [round(float(v), 8) for v in ls.exponents]
    [0.69314718, -0.69314718]
    """
    discard = int(discard) if not isinstance(discard, bool) and isinstance(discard, (int, np.integer)) else None
    if discard is None or discard < 0:
        raise ValueError("discard must be a non-negative integer")
    n_batches = check_positive_int(n_batches, "n_batches")
    gen = as_rng(rng)
    if isinstance(jacobians, np.ndarray) or (not isinstance(jacobians, Iterable)):
        arr = as_float_array(jacobians, "jacobians", ndim=3)
        if arr.shape[1] != arr.shape[2]:
            raise ValueError(f"jacobians must have shape (T, N, N); got {arr.shape}")
        it = iter(arr)
    else:
        it = iter(jacobians)
    Q = None
    logs = []
    count = 0
    for Jt in it:
        Jt = as_float_array(Jt, "jacobians[t]", ndim=2)
        if Q is None:
            N = Jt.shape[0]
            if Jt.shape != (N, N):
                raise ValueError(f"each Jacobian must be square; got {Jt.shape}")
            kk = N if k is None else check_positive_int(k, "k")
            if kk > N:
                raise ValueError(f"k must be <= N = {N}; got {kk}")
            Q = np.linalg.qr(gen.standard_normal((N, kk)))[0].astype(Jt.dtype)
        elif Jt.shape[0] != Q.shape[0] or Jt.shape[0] != Jt.shape[1]:
            raise ValueError(f"all Jacobians must have shape {(Q.shape[0], Q.shape[0])}; got {Jt.shape}")
        Z = Jt @ Q
        Q, R = np.linalg.qr(Z)
        d = np.diagonal(R)
        ad = np.abs(d)
        Q = Q * np.where(ad > 0, d / np.where(ad > 0, ad, 1), 1)[None, :]
        if count >= discard:
            with np.errstate(divide="ignore"):
                logs.append(np.log(ad))
        count += 1
    if Q is None or not logs:
        raise ValueError("jacobians must contain more than `discard` matrices")
    L = np.array(logs)
    T = L.shape[0]
    running = np.cumsum(L, axis=0) / np.arange(1, T + 1)[:, None]
    exps = running[-1]
    if n_batches >= 2 and T >= n_batches:
        B = T // n_batches
        bm = L[: B * n_batches].reshape(n_batches, B, -1).mean(axis=1)
        se = bm.std(axis=0, ddof=1) / np.sqrt(n_batches)
    else:
        se = np.full(exps.shape, np.nan)
    return LyapunovSpectrum(exps, se, T, running)


def gaussian_lyapunov_spectrum(N, *, sigma=1.0, complex_entries=False):
    """Exact Lyapunov spectrum of products of i.i.d. Ginibre matrices (Newman 1986).

    Parameters
    ----------
    N : int
        Matrix size.
    sigma : float, optional
        Entries have variance sigma^2 / N (see :func:`linrec.growth.ginibre`).
    complex_entries : bool, optional
        Complex Ginibre (E|G_ij|^2 = sigma^2/N) instead of real.

    Returns
    -------
    numpy.ndarray, shape (N,)
        lambda_1 >= ... >= lambda_N.

    Notes
    -----
    Real: lambda_i = log sigma + (1/2)[log(2/N) + psi((N - i + 1)/2)];
    complex: lambda_i = log sigma + (1/2)[log(1/N) + psi(N - i + 1)], psi the digamma
    function. Reason: by rotation invariance the growth of an i-dimensional volume is that of
    the first i columns, and ||G e||^2 ~ (sigma^2/N) chi^2_{N-i+1} after projecting out i-1
    directions; E log chi^2_m = log 2 + psi(m/2). Sum: lambda_1 + ... + lambda_N =
    E log|det G|.

    References
    ----------
    C. M. Newman, "The distribution of Lyapunov exponents: exact results for random
    matrices", Commun. Math. Phys. 103 (1986), Eq. (1.2) / Theorem 1.
    A. Crisanti, G. Paladin and A. Vulpiani, "Products of Random Matrices", Springer 1993,
    Sec. 5.2.

    Examples
    --------
    >>> lam = gaussian_lyapunov_spectrum(2)
    >>> round(float(lam[0]), 10), round(float(lam[1]), 10)    # (log 1 + psi(1))/2, (psi(1/2))/2
    (-0.2886078325, -0.981755013)
    """
    N = check_positive_int(N, "N")
    if isinstance(sigma, bool) or not np.isscalar(sigma) or not np.isreal(sigma) or not sigma > 0:
        raise ValueError(f"sigma must be a positive real number; got {sigma!r}")
    i = np.arange(1, N + 1)
    if complex_entries:
        return np.log(sigma) + 0.5 * (np.log(1.0 / N) + digamma(N - i + 1.0))
    return np.log(sigma) + 0.5 * (np.log(2.0 / N) + digamma((N - i + 1) / 2.0))
