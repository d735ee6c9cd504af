"""Numerics of A^n: norms of powers, transients, numerical radius, Kreiss constant, pseudospectra.

Everything here works on the complex Schur form A = Q T Q^H (``scipy.linalg.schur``): the
2-norm, the numerical radius and sigma_min(zI - A) are unitarily invariant, and T is
triangular so that shifted solves cost O(N^2) instead of O(N^3).

The dense <-> diagonal equivalence of linear RNNs (:func:`dense_to_diagonal`,
:func:`diagonal_to_dense`) is here as well because its accuracy is governed by the same
non-normality: the error of the diagonal form is O(cond(P) eps), cond(P) the condition number
of the eigenvector matrix.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla
from scipy.optimize import minimize, minimize_scalar

from linrec._validation import (
    LinrecWarning,
    as_float_array,
    check_choice,
    check_nonnegative_int,
    check_positive_int,
    check_square,
)

__all__ = [
    "spectral_radius",
    "power_norms",
    "TransientPeak",
    "transient_peak",
    "numerical_radius",
    "KreissResult",
    "kreiss_constant",
    "pseudospectra",
    "pseudospectral_radius",
    "DiagonalSystem",
    "dense_to_diagonal",
    "diagonal_to_dense",
]

_EPS = float(np.finfo(np.float64).eps)


# ---------------------------------------------------------------------------------------------
# spectral radius and norms of powers
# ---------------------------------------------------------------------------------------------


def spectral_radius(A):
    """Spectral radius rho(A) = max_i |lambda_i(A)|.

    Parameters
    ----------
    A : array_like, shape (N, N)
        Square real or complex matrix.

    Returns
    -------
    float
        The largest eigenvalue modulus.

    Notes
    -----
    rho(A) = max_i |lambda_i| = lim_n ||A^n||^(1/n) (Gelfand's formula); it governs the
    asymptotic growth ||A^n|| = Theta(n^(k-1) rho^n) but not the transient (see
    :func:`transient_peak`). Computed from ``scipy.linalg.eigvals``; the eigenvalues of a
    non-normal matrix are themselves ill-conditioned (a Jordan block of size k perturbed by
    eps moves them by eps^(1/k)).

    References
    ----------
    L. N. Trefethen and M. Embree, "Spectra and Pseudospectra", Princeton 2005, Ch. 14
    (Eq. (14.1) and the Gelfand formula (16.3)).

    Examples
    --------
    >>> float(spectral_radius([[0.5, 10.0], [0.0, -0.8]]))
    0.8
    """
    A = check_square(A)
    return float(np.max(np.abs(sla.eigvals(A))))


def _schur(A: np.ndarray) -> np.ndarray:
    T, _ = sla.schur(A, output="complex")
    return T


def _norm2(M: np.ndarray) -> float:
    if not np.any(M):
        return 0.0
    return float(sla.svdvals(M)[0])


def _as_exponents(n) -> np.ndarray:
    if isinstance(n, (bool, np.bool_)):
        raise TypeError("n must be a non-negative integer or an array of them; got bool")
    if np.isscalar(n):
        n_max = check_nonnegative_int(n, "n")
        return np.arange(n_max + 1, dtype=np.int64)
    arr = np.asarray(n)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"n must be an integer or a non-empty 1-D array of integers; got shape {arr.shape}")
    if arr.dtype.kind not in "iu":
        raise TypeError(f"n must contain integers; got dtype {arr.dtype}")
    if np.any(arr < 0):
        raise ValueError(f"n must contain non-negative integers; got {int(arr.min())}")
    return arr.astype(np.int64)


def power_norms(A, n, *, log=False, method="auto"):
    """Spectral norms ||A^n||_2 of matrix powers, optionally as natural logarithms.

    Parameters
    ----------
    A : array_like, shape (N, N)
        Square real or complex matrix.
    n : int or array_like of int
        An int ``n_max`` asks for n = 0, 1, ..., n_max; a 1-D array asks for exactly those
        exponents (any order, repeats allowed; e.g. a log-spaced set up to 10^6).
    log : bool, optional
        Return log ||A^n||_2 (``-inf`` for a zero power). Use it whenever the powers may
        overflow or underflow: the computation is always done in scaled (log) form, only the
        final ``exp`` can overflow.
    method : {"auto", "schur", "eig", "direct"}, optional
        ``"schur"``: powers of the triangular Schur factor T, reached from the previous
        requested exponent by binary powering with cached scaled squares T^(2^j).
        ``"eig"``: A^n = V diag(lambda^n) V^-1 (accurate only when cond(V) is small; a
        ``LinrecWarning`` is issued when cond(V) > 1e8). ``"direct"``: repeated
        multiplication by A (the reference; n_max matrix products). ``"auto"`` = ``"schur"``.

    Returns
    -------
    numpy.ndarray
        Float array aligned with the requested exponents.

    Notes
    -----
    ||A^n||_2 = ||T^n||_2 for A = Q T Q^H. Every product is kept as s_k M_k with
    ||M_k||_F = 1 and log s_k accumulated, so nothing overflows even for rho^n = 10^(+-4000).
    Cost ("schur"): one Schur form, floor(log2 n_max) squarings, and per requested exponent
    popcount(n_k - n_{k-1}) products plus one SVD: O((log2 n_max + m log2 n_max) N^3) for
    m exponents, versus n_max N^3 for repeated multiplication.

    Accuracy: the problem itself has condition number ~n: a relative perturbation delta of A
    (already its rounding to float64, delta ~ eps) changes ||A^n|| by a relative n delta (e.g.
    a rounded orthogonal Q has singular values 1 +- O(N eps), so ||Q^n|| = 1 + O(n N eps)
    exactly). Binary powering matches that: squaring doubles a relative error, so T^(2^j)
    carries O(2^j N eps), and the computed ||A^n|| has relative error O(n N eps) for normal A,
    like repeated multiplication, at log2(n) instead of n products. For non-normal A both are
    further amplified by (max_k ||T^k||) ||T^(n-k)|| / ||T^n||. ``"eig"`` has error
    O(n eps + cond(V) eps) relative to rho^n: better for diagonalizable A with
    well-conditioned eigenvectors, useless for (nearly) defective A.

    References
    ----------
    L. N. Trefethen and M. Embree, "Spectra and Pseudospectra", Princeton 2005, Ch. 14-16
    (transient behaviour of ||A^n||). N. J. Higham, "Functions of Matrices", SIAM 2008,
    Sec. 4.1 (binary powering) and Sec. 3.1 (Schur method).

    Examples
    --------
    >>> A = [[0.9, 1.0], [0.0, 0.9]]
    >>> p = power_norms(A, 3)
    >>> [round(float(x), 6) for x in p]
    [1.0, 1.529563, 2.110826, 2.631921]
    >>> big = power_norms(A, [1000000], log=True)   # log-space: 0.9^(1e6) underflows
    >>> bool(big[0] < -100000)
    True
    """
    A = check_square(A)
    exps = _as_exponents(n)
    check_choice(method, "method", ("auto", "schur", "eig", "direct"))
    if not isinstance(log, (bool, np.bool_)):
        raise TypeError(f"log must be a bool; got {type(log).__name__}")
    if method == "auto":
        method = "schur"
    if method == "eig":
        out = _power_norms_eig(A, exps)
    else:
        M0 = _schur(A) if method == "schur" else A.astype(np.complex128)
        out = _power_norms_products(M0, exps, binary=(method == "schur"))
    if log:
        return out
    with np.errstate(over="ignore"):
        return np.exp(out)


def _scaled_mul(X: np.ndarray, sx: float, Y: np.ndarray, sy: float) -> tuple[np.ndarray, float]:
    """Product of scaled matrices (X e^sx)(Y e^sy) renormalized to unit Frobenius norm."""
    P = X @ Y
    nrm = np.linalg.norm(P)
    if nrm == 0.0 or not np.isfinite(sx + sy):
        return np.zeros_like(P), -np.inf
    return P / nrm, sx + sy + float(np.log(nrm))


def _power_norms_products(T: np.ndarray, exps: np.ndarray, *, binary: bool) -> np.ndarray:
    N = T.shape[0]
    order = np.argsort(exps, kind="stable")
    out = np.empty(exps.size)
    # current power P = e^s M, starting at A^0 = I
    M, s = np.eye(N, dtype=np.complex128) / np.sqrt(N), 0.5 * np.log(N)
    cur = 0
    nT = np.linalg.norm(T)
    base = (T / nT, float(np.log(nT))) if nT > 0 else (np.zeros_like(T), -np.inf)
    squares = [base]  # squares[j] = T^(2^j), scaled
    for idx in order:
        target = int(exps[idx])
        d = target - cur
        if binary:
            j = 0
            while d:
                while len(squares) <= j:
                    Xq, sq = squares[-1]
                    squares.append(_scaled_mul(Xq, sq, Xq, sq))
                if d & 1:
                    M, s = _scaled_mul(M, s, *squares[j])
                d >>= 1
                j += 1
        else:
            for _ in range(d):
                M, s = _scaled_mul(M, s, *base)
        cur = target
        if target == 0:  # ||A^0|| = ||I|| = 1 exactly
            out[idx] = 0.0
            continue
        nm = _norm2(M)
        out[idx] = s + np.log(nm) if nm > 0 and np.isfinite(s) else -np.inf
    return out


def _power_norms_eig(A: np.ndarray, exps: np.ndarray) -> np.ndarray:
    lam, V = sla.eig(A)
    cond = np.linalg.cond(V)
    if not np.isfinite(cond) or cond > 1e8:
        warnings.warn(
            f"power_norms(method='eig'): eigenvector matrix has cond(V) = {cond:.3g}; the "
            "result may have lost all accuracy (use method='schur')",
            LinrecWarning,
            stacklevel=3,
        )
    Vinv = np.linalg.solve(V, np.eye(A.shape[0]))
    absl = np.abs(lam)
    rho = float(absl.max())
    out = np.empty(exps.size)
    for k, e in enumerate(exps):
        if e == 0:
            out[k] = 0.0
            continue
        if rho == 0.0:
            out[k] = -np.inf
            continue
        # lambda^n / rho^n in log form: |.| from n (log|lam| - log rho), phase n arg(lam)
        with np.errstate(divide="ignore", invalid="ignore"):
            mod = np.where(absl > 0, np.exp(e * (np.log(np.where(absl > 0, absl, 1.0)) - np.log(rho))), 0.0)
        phase = np.exp(1j * np.mod(e * np.angle(lam), 2 * np.pi))
        P = (V * (mod * phase)[np.newaxis, :]) @ Vinv
        nm = _norm2(P)
        out[k] = e * np.log(rho) + np.log(nm) if nm > 0 else -np.inf
    return out


@dataclass(frozen=True)
class TransientPeak:
    """Maximum of ||A^n||_2 over n >= 0 (see :func:`transient_peak`).

    Attributes
    ----------
    peak : float
        max_n ||A^n||_2 over the checked range (>= 1 because A^0 = I).
    n_peak : int
        The smallest exponent attaining it.
    n_checked : int
        Exponents 0..n_checked were examined.
    certified : bool
        True when some ||A^m||_2 < 1 with m <= n_checked was found, which proves that no
        later power exceeds the peak (submultiplicativity, see the function's Notes).
    norms : numpy.ndarray
        ||A^n||_2 for n = 0..n_checked.
    """

    peak: float
    n_peak: int
    n_checked: int
    certified: bool
    norms: np.ndarray


def transient_peak(A, n_max=100000):
    """Transient peak max_n ||A^n||_2 and where it occurs, with a stopping certificate.

    Parameters
    ----------
    A : array_like, shape (N, N)
        Square matrix.
    n_max : int, optional
        Largest exponent examined if no certificate is found earlier (default 100000).

    Returns
    -------
    TransientPeak
        Peak value, its exponent, the range examined and whether the peak is certified to be
        the supremum over all n >= 0.

    Notes
    -----
    Powers are formed one step at a time on the Schur factor (scaled, as in
    :func:`power_norms`). Stopping rule: if ||A^m||_2 < 1 for some m >= 1 and
    p = max_{0<=j<=m} ||A^j||_2, then for every n = q m + j (0 <= j < m),
    ||A^n|| <= ||A^m||^q ||A^j|| <= p, so p = sup_n ||A^n||_2. The search stops at the
    first such m (it exists whenever rho(A) < 1), or at ``n_max`` uncertified.

    References
    ----------
    L. N. Trefethen and M. Embree, "Spectra and Pseudospectra", Princeton 2005, Ch. 14-15
    (transient growth of ||A^n||, Fig. 14.3).

    Examples
    --------
    >>> tp = transient_peak([[0.9, 1.0], [0.0, 0.9]])
    >>> round(tp.peak, 4), tp.n_peak, tp.certified
    (3.9126, 9, True)
    """
    A = check_square(A)
    n_max = check_positive_int(n_max, "n_max")
    T = _schur(A)
    nT = np.linalg.norm(T)
    norms = [1.0]
    if nT == 0.0:
        return TransientPeak(1.0, 0, 1, True, np.array([1.0, 0.0]))
    X, sx = T / nT, float(np.log(nT))
    M, s = X.copy(), sx
    peak, n_peak, certified = 1.0, 0, False
    for k in range(1, n_max + 1):
        if k > 1:
            M, s = _scaled_mul(M, s, X, sx)
        nm = _norm2(M)
        with np.errstate(over="ignore"):
            val = float(np.exp(s) * nm) if np.isfinite(s) else 0.0
        norms.append(val)
        if val > peak:
            peak, n_peak = val, k
        if val < 1.0:
            certified = True
            break
        if not np.isfinite(val):  # overflowed: the powers grow without bound in float64
            break
    return TransientPeak(float(peak), int(n_peak), len(norms) - 1, certified, np.asarray(norms))


# ---------------------------------------------------------------------------------------------
# numerical radius
# ---------------------------------------------------------------------------------------------


def numerical_radius(A, *, xtol=1e-12):
    """Numerical radius w(A) = max{|x^H A x| : ||x||_2 = 1}.

    Parameters
    ----------
    A : array_like, shape (N, N)
        Square matrix.
    xtol : float, optional
        Angle tolerance of the final local refinement (default 1e-12).

    Returns
    -------
    float
        w(A), with rho(A) <= w(A) <= ||A||_2 <= 2 w(A).

    Notes
    -----
    w(A) = max_theta f(theta), f(theta) = lambda_max(H(e^{i theta} A)) with
    H(X) = (X + X^H)/2, i.e. f(theta) = lambda_max(cos(theta) H - sin(theta) S) for
    A = H + i S (Johnson 1978). f is Lipschitz with constant L = ||A||_2, so on an interval
    [a, b] f <= (f(a) + f(b))/2 + L (b - a)/2. A branch-and-bound bisection discards
    every interval whose bound is below the best value found minus 1e-3 L, then Brent's method
    refines f (smooth where lambda_max is simple) inside each surviving cluster to ``xtol``.
    For real A, f(-theta) = f(theta), so [0, pi] suffices.

    Berger's power inequality w(A^n) <= w(A)^n with ||X|| <= 2 w(X) gives
    ||A^n||_2 <= 2 w(A)^n: if w(A) <= 1 there is no transient growth beyond a factor 2.

    References
    ----------
    C. R. Johnson, "Numerical determination of the field of values of a general complex
    matrix", SIAM J. Numer. Anal. 15 (1978), Theorem 1 (the Hermitian-part formula).
    L. N. Trefethen and M. Embree, "Spectra and Pseudospectra", Princeton 2005, Ch. 17,
    Eq. (17.4) and Theorem 17.2 (power inequality).

    Examples
    --------
    >>> round(numerical_radius([[0.0, 1.0], [0.0, 0.0]]), 12)   # Jordan block: w = 1/2
    0.5
    >>> round(numerical_radius(np.diag([1.0, -3.0])), 12)
    3.0
    """
    A = check_square(A)
    if not (isinstance(xtol, (int, float)) and not isinstance(xtol, bool) and xtol > 0):
        raise ValueError(f"xtol must be a positive number; got {xtol!r}")
    T = _schur(A)  # w is unitarily invariant; T is cheaper to form Hermitian parts of
    H = (T + T.conj().T) / 2
    S = (T - T.conj().T) / 2j
    L = float(sla.svdvals(T)[0])
    if L == 0.0:
        return 0.0
    hi = np.pi if not np.iscomplexobj(A) else 2 * np.pi

    def f_batch(th):
        th = np.asarray(th, dtype=float)
        mats = np.cos(th)[:, None, None] * H[None] - np.sin(th)[:, None, None] * S[None]
        return np.linalg.eigvalsh(mats)[:, -1]

    m0 = max(64, 4 * A.shape[0])
    th = np.linspace(0.0, hi, m0 + 1)
    fv = f_batch(th)
    tol = 1e-3 * L
    a, b, fa, fb = th[:-1], th[1:], fv[:-1], fv[1:]
    best = float(fv.max())
    for _ in range(60):
        ub = 0.5 * (fa + fb) + 0.5 * L * (b - a)
        keep = ub > best + tol
        if not np.any(keep):
            break
        a, b, fa, fb = a[keep], b[keep], fa[keep], fb[keep]
        mid = 0.5 * (a + b)
        fm = f_batch(mid)
        best = max(best, float(fm.max()))
        a, b, fa, fb = (np.concatenate([a, mid]), np.concatenate([mid, b]),
                        np.concatenate([fa, fm]), np.concatenate([fm, fb]))
    # surviving intervals (bound within tol of the best); refine each cluster locally
    ub = 0.5 * (fa + fb) + 0.5 * L * (b - a)
    keep = ub >= best - tol
    cand_a, cand_b = a[keep], b[keep]
    order = np.argsort(cand_a)
    cand_a, cand_b = cand_a[order], cand_b[order]
    clusters = []
    for lo, up in zip(cand_a, cand_b):
        if clusters and lo <= clusters[-1][1] + 1e-15:
            clusters[-1][1] = max(clusters[-1][1], up)
        else:
            clusters.append([lo, up])
    clusters.sort(key=lambda c: -float(f_batch([0.5 * (c[0] + c[1])])[0]))
    for lo, up in clusters[:8]:
        res = minimize_scalar(lambda t: -f_batch([t])[0], bounds=(lo, up), method="bounded",
                              options={"xatol": xtol})
        best = max(best, float(-res.fun))
    return best


# ---------------------------------------------------------------------------------------------
# pseudospectra, Kreiss constant
# ---------------------------------------------------------------------------------------------


def _start_vector(N: int) -> np.ndarray:
    # deterministic, generic start vector (no random draw)
    k = np.arange(1, N + 1)
    v0 = np.exp(2j * np.pi * ((k * 0.6180339887498949) % 1.0)) * (1.0 + 0.5 * np.sin(1.7 * k))
    return v0 / np.linalg.norm(v0)


def _sigma_min_tri_batch(T: np.ndarray, z: np.ndarray, *, rtol=1e-10, max_iter=None) -> np.ndarray:
    """sigma_min(z_k I - T) for upper-triangular T and many shifts z_k: inverse Lanczos.

    Block-vectorized over shifts: the triangular solves are column-oriented back/forward
    substitutions over all shifts at once (numpy has no batched trsv; this loop over N rows is
    deliberate). Lanczos on (R^H R)^{-1}, R = zI - T, without reorthogonalization: its
    largest Ritz value converges from below to 1/sigma_min^2. (Warm starts from neighbouring
    grid points were tried and did not pay off here: the iteration count is set by clustered
    singular values, not by the start vector.)
    """
    N = T.shape[0]
    K = z.size
    d = np.diagonal(T)
    out = np.empty(K)
    if max_iter is None:
        max_iter = min(N, 80)
    generic = _start_vector(N)
    chunk = max(1, min(K, 4096))
    for c0 in range(0, K, chunk):
        zc = z[c0:c0 + chunk]
        out[c0:c0 + zc.size] = _lanczos_chunk(T, d, zc, rtol, max_iter, np.repeat(generic[:, None], zc.size, axis=1))
    return out


def _tri_solve_batch(T, diag, zc, B, adjoint):
    # solve (z I - T) X = B (adjoint=False) or (z I - T)^H X = B, column k for shift zc[k]
    N = T.shape[0]
    X = np.empty_like(B)
    if not adjoint:
        piv = zc[None, :] - diag[:, None]
        for i in range(N - 1, -1, -1):
            acc = B[i]
            if i + 1 < N:
                acc = acc + T[i, i + 1:] @ X[i + 1:]
            X[i] = acc / piv[i]
    else:
        pivc = np.conj(zc)[None, :] - np.conj(diag)[:, None]
        Th = T.conj().T
        for i in range(N):
            acc = B[i]
            if i > 0:
                acc = acc + Th[i, :i] @ X[:i]
            X[i] = acc / pivc[i]
    return X


def _lanczos_chunk(T, diag, zc, rtol, max_iter, V):
    # Hand-rolled Lanczos on purpose: scipy.sparse.linalg.eigsh (ARPACK) works on one operator at
    # a time, i.e. a Python-level call per matvec per grid point; vectorizing over thousands of
    # shifts needs the three-term recurrence written out here.
    N = T.shape[0]
    K = zc.size
    # exactly singular shifts
    sing = np.any(zc[None, :] == diag[:, None], axis=0)
    V = V.astype(np.complex128, copy=True)
    V_prev = np.zeros_like(V)
    beta_prev = np.zeros(K)
    alphas, betas = [], []
    theta_old = np.zeros(K)
    next_check = 0
    result = np.full(K, np.nan)
    active = np.arange(K)
    zs = zc.copy()
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        zs[sing] = zs[sing] + 1.0  # avoid division by zero; overwritten below
        # per-shift scaling c = 1/||R^-H v0||^2 so that c (R^H R)^-1 does not overflow even when
        # sigma_min < 1e-154 (1/sigma^2 would exceed the float64 range)
        sc = 1.0 / np.linalg.norm(_tri_solve_batch(T, diag, zs, V, adjoint=True), axis=0)
        sc_all = sc.copy()
        for it in range(max_iter):
            W = _tri_solve_batch(T, diag, zs, V, adjoint=True) * sc[None, :]
            W = _tri_solve_batch(T, diag, zs, W, adjoint=False) * sc[None, :]  # W = c (R^H R)^{-1} V
            alpha = np.real(np.sum(np.conj(V) * W, axis=0))
            W = W - alpha[None, :] * V - beta_prev[None, :] * V_prev
            beta = np.linalg.norm(W, axis=0)
            alphas.append(alpha)
            betas.append(beta)
            m = len(alphas)
            if not (m <= 6 or m >= next_check or m >= N or it == max_iter - 1):
                V_prev = V
                V = W / beta[None, :]
                beta_prev = beta
                continue
            next_check = int(np.ceil(1.25 * m))  # Ritz values on a geometric schedule: O(K m^3) each
            Aarr = np.array(alphas).T  # (K_active, m)
            Barr = np.array(betas).T[:, : m - 1]
            Tm = np.zeros((active.size, m, m))
            idx = np.arange(m)
            Tm[:, idx, idx] = Aarr
            if m > 1:
                Tm[:, idx[:-1], idx[1:]] = Barr
                Tm[:, idx[1:], idx[:-1]] = Barr
            finite = np.all(np.isfinite(Tm), axis=(1, 2))
            theta = np.full(active.size, np.nan)
            resid = np.full(active.size, np.inf)
            if np.any(finite):
                ev, evec = np.linalg.eigh(Tm[finite])
                theta[finite] = ev[:, -1]
                # Lanczos residual ||B y - theta y|| = beta_m |s_m| of the top Ritz pair (exact
                # arithmetic); with gap g to the rest of the spectrum |lambda - theta| <= r^2 / g
                r = beta[finite] * np.abs(evec[:, -1, -1])
                if m >= 3:  # the Ritz gap is a usable estimate only after a few steps
                    gap = ev[:, -1] - ev[:, -2]
                    r = np.minimum(r, r * r / np.maximum(gap, 1e-300))
                resid[finite] = r
            done = ((resid <= rtol * np.abs(theta)) | (np.abs(theta - theta_old) <= 1e-3 * rtol * np.abs(theta))
                    | (beta <= 1e-300) | (m >= N) | ~finite)
            if it == max_iter - 1:
                done[:] = True
            if np.any(done):
                result[active[done]] = theta[done]
                keep = ~done
                active = active[keep]
                if active.size == 0:
                    break
                V, W, zs, sc = V[:, keep], W[:, keep], zs[keep], sc[keep]
                beta = beta[keep]
                theta = theta[keep]
                alphas = [a_[keep] for a_ in alphas]
                betas = [b_[keep] for b_ in betas]
            theta_old = theta
            V_prev = V
            V = W / beta[None, :]
            beta_prev = beta
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = sc_all / np.sqrt(result)        # theta = c / sigma^2 with sqrt(c) = sc
    out[sing] = 0.0
    bad = ~np.isfinite(out)
    for j in np.nonzero(bad)[0]:  # fallback (non-finite Lanczos data): dense SVD of the triangular matrix
        out[j] = _smin_point(T, zc[j])
    return out


def _sigma_min_grid(A: np.ndarray, z: np.ndarray, method: str, rtol: float = 1e-10) -> np.ndarray:
    T = _schur(A)
    N = T.shape[0]
    if method == "auto":
        method = "svd" if N <= 24 else "lanczos"
    if method == "svd":
        out = np.empty(z.size)
        I = np.eye(N)
        step = max(1, 200000 // (N * N))
        for c0 in range(0, z.size, step):
            zc = z[c0:c0 + step]
            out[c0:c0 + zc.size] = np.linalg.svd(zc[:, None, None] * I[None] - T[None], compute_uv=False)[:, -1]
        return out
    return _sigma_min_tri_batch(T, z, rtol=rtol)


def pseudospectra(A, x, y, *, method="auto", rtol=1e-10):
    """sigma_min(zI - A) on the grid z = x_j + i y_k (epsilon-pseudospectra level sets).

    Parameters
    ----------
    A : array_like, shape (N, N)
        Square matrix.
    x : array_like, shape (nx,)
        Real parts of the grid.
    y : array_like, shape (ny,)
        Imaginary parts of the grid.
    method : {"auto", "lanczos", "svd"}, optional
        ``"lanczos"``: inverse Lanczos on (R^H R)^-1 with R = zI - T triangular (O(N^2) per
        iteration, vectorized over grid points); ``"svd"``: singular values of the
        triangular zI - T per point (O(N^3)); ``"auto"``: "svd" for N <= 24, else "lanczos".
    rtol : float, optional
        Lanczos stopping tolerance (residual test, see Notes; default 1e-10). Measured on a
        random non-normal N = 100 matrix: max relative error of sigma_min 3e-11 (rtol 1e-10),
        3e-7 (1e-6, three times faster), 6e-3 (1e-3: the gap estimate is then unreliable).

    Returns
    -------
    numpy.ndarray, shape (ny, nx)
        sigma_min(z I - A); the epsilon-pseudospectrum is {z : value < epsilon}.

    Notes
    -----
    sigma_eps(A) = {z : ||(zI - A)^-1||_2 > 1/eps} = {z : sigma_min(zI - A) < eps}.
    With A = Q T Q^H (complex Schur), sigma_min(zI - A) = sigma_min(zI - T). Inverse
    Lanczos computes lambda_max((R^H R)^-1) = sigma_min(R)^-2 by Lanczos, each step two
    triangular solves (scaled per shift so that nothing overflows for sigma_min down to
    ~1e-300) and vectorized over grid points. Stopping rule (on a geometric schedule of Krylov
    dimensions m): the top Ritz pair's residual r = beta_m |s_m| satisfies
    min(r, r^2/gap) <= rtol theta (gap = distance to the second Ritz value, used for m >= 3),
    or the Ritz value stagnates (relative change <= 1e-3 rtol), or after min(N, 80) steps.
    Ritz values increase monotonically, so an early stop over-estimates sigma_min.

    References
    ----------
    L. N. Trefethen, "Computation of pseudospectra", Acta Numerica 8 (1999), Sec. 4-5
    (Schur reduction and inverse Lanczos). L. N. Trefethen and M. Embree, "Spectra and
    Pseudospectra", Princeton 2005, Eq. (2.1) and Ch. 39.

    Examples
    --------
    >>> s = pseudospectra(np.diag([0.5, -0.5]), [0.0, 0.5], [0.0])
    >>> [round(float(v), 12) for v in s[0]]       # normal: distance to the spectrum
    [0.5, 0.0]
    """
    A = check_square(A)
    x = as_float_array(x, "x", allow_complex=False, ndim=1)
    y = as_float_array(y, "y", allow_complex=False, ndim=1)
    check_choice(method, "method", ("auto", "lanczos", "svd"))
    if isinstance(rtol, bool) or not isinstance(rtol, (int, float)) or not 0 < rtol < 1:
        raise ValueError(f"rtol must be a number in (0, 1); got {rtol!r}")
    Z = x[None, :] + 1j * y[:, None]
    return _sigma_min_grid(A, Z.ravel(), method, rtol=float(rtol)).reshape(Z.shape)


def _smin_point(T: np.ndarray, z: complex) -> float:
    return float(sla.svdvals(z * np.eye(T.shape[0]) - T)[-1])


def _smin_points(T: np.ndarray, z: np.ndarray) -> np.ndarray:
    # sigma_min(z_k I - T) by dense (batched) SVD: exact to O(eps ||T||), no iteration
    z = np.atleast_1d(np.asarray(z, dtype=complex))
    N = T.shape[0]
    out = np.empty(z.size)
    step = max(1, 200000 // (N * N))
    I = np.eye(N)
    for c0 in range(0, z.size, step):
        zc = z[c0:c0 + step]
        out[c0:c0 + zc.size] = np.linalg.svd(zc[:, None, None] * I[None] - T[None], compute_uv=False)[:, -1]
    return out


def _radial_search(T: np.ndarray, eps: float, theta: float, s_tol: float) -> float:
    """Largest r >= 0 with sigma_min(r e^{i theta} I - T) = eps (Mengi & Overton 2005, radial search).

    eps is a singular value of x I - B (x real, B = e^{-i theta} T) iff x is an eigenvalue of
    [[B, eps I], [eps I, B^H]] (eigenvector [v; u] with (xI - B) v = eps u, (xI - B)^H u = eps v).
    Near-real eigenvalues are candidates; each is checked by an SVD (sigma_min <= eps + s_tol),
    the largest accepted one is returned (-inf if none). Beyond the largest real eigenvalue no
    singular value equals eps and sigma_min -> inf, so there sigma_min(r) = eps exactly.
    """
    N = T.shape[0]
    B = np.exp(-1j * theta) * T
    I = eps * np.eye(N)
    H = np.block([[B, I], [I, B.conj().T]])
    x = np.linalg.eigvals(H)
    scale = float(np.linalg.norm(H, 1))
    cand = np.sort(x.real[(np.abs(x.imag) <= 1e-7 * scale) & (x.real >= 0)])[::-1]
    if cand.size == 0:
        return -np.inf
    s = _smin_points(T, cand * np.exp(1j * theta))
    ok = np.nonzero(s <= eps + s_tol)[0]
    return float(cand[ok[0]]) if ok.size else -np.inf


def _circular_search(T: np.ndarray, eps: float, r: float) -> np.ndarray:
    """Angles theta in [0, 2 pi) where eps is a singular value of r e^{i theta} I - T, sorted.

    With lambda = e^{i theta} (so conj(lambda) = 1/lambda), (r lambda I - T) v = eps u and
    (r lambda I - T)^H u = eps v are the generalized eigenproblem
    [[T, eps I], [0, r I]] [v; u] = lambda [[r I, 0], [eps I, T^H]] [v; u]
    (Mengi & Overton 2005, circular search via a symplectic pencil; eigenvalues come in pairs
    lambda, 1/conj(lambda)). Eigenvalues with ||lambda| - 1| <= 1e-6 are returned: extra
    (off-circle) ones only add breakpoints, every arc is re-checked by an SVD at its midpoint.
    """
    N = T.shape[0]
    I = np.eye(N)
    Z = np.zeros((N, N))
    L = np.block([[T, eps * I], [Z, r * I]])
    R = np.block([[r * I, Z], [eps * I, T.conj().T]])
    with np.errstate(divide="ignore", invalid="ignore"):
        lam = sla.eigvals(L, R)
    lam = lam[np.isfinite(lam)]
    lam = lam[np.abs(np.abs(lam) - 1.0) <= 1e-6]
    return np.sort(np.mod(np.angle(lam), 2 * np.pi))


def pseudospectral_radius(A, eps, *, n_angles=None):
    """epsilon-pseudospectral radius rho_eps(A) = max{|z| : sigma_min(zI - A) <= eps}.

    Parameters
    ----------
    A : array_like, shape (N, N)
        Square matrix.
    eps : float
        Level epsilon > 0.
    n_angles : None, optional
        Deprecated and ignored (it was the size of the angular grid of an earlier ray search;
        the criss-cross algorithm needs no grid). Passing a value emits a DeprecationWarning.

    Returns
    -------
    float
        rho_eps(A); always rho(A) + eps <= rho_eps(A) <= ||A||_2 + eps.

    Notes
    -----
    The criss-cross algorithm of Mengi & Overton (2005), on the complex Schur
    form T (sigma_min(zI - A) = sigma_min(zI - T)):

    1. Radial search along the ray through an eigenvalue of largest modulus: r_0 = the largest
       r with sigma_min(r e^{i theta} I - T) = eps, from the real eigenvalues of the 2N x 2N
       matrix [[e^{-i theta} T, eps I], [eps I, e^{i theta} T^H]]; r_0 >= rho(A) + eps.
    2. Circular search on |z| = r_k: all theta where eps is a singular value of
       r_k e^{i theta} I - T are the unimodular eigenvalues e^{i theta} of the 2N x 2N
       symplectic pencil [[T, eps I], [0, r_k I]] - lambda [[r_k I, 0], [eps I, T^H]]. They cut
       the circle into arcs; an arc lies in the pseudospectrum iff sigma_min < eps at its
       midpoint (checked by an SVD, so spurious or missing breakpoints cannot create a false arc).
    3. Radial search at the midpoint of every such arc; r_{k+1} = the largest radius found.
       Stop when no arc lies inside the pseudospectrum (or r stops increasing).

    Global: every bounded component of the pseudospectrum contains an eigenvalue (the resolvent
    norm is subharmonic off the spectrum, so it cannot exceed 1/eps on a region free of
    eigenvalues without exceeding it on the region's boundary), all eigenvalues lie inside
    |z| <= r_0, so a component that reaches beyond r_k crosses the circle |z| = r_k and is found
    by step 2; no component can be missed.
    Mengi & Overton prove that r_k increases monotonically to rho_eps(A) and converges
    quadratically. Every accepted radius is a point with sigma_min <= eps + 64 u (||A|| + eps)
    (u the unit roundoff), so the error is the intrinsic one, O(u ||A|| / |d sigma_min / dr|)
    at the maximizer. Cost O(N^3) per iteration (eigenvalues of 2N x 2N matrices).

    References
    ----------
    E. Mengi and M. L. Overton, "Algorithms for the computation of the pseudospectral
    radius and the numerical radius of a matrix", IMA J. Numer. Anal. 25 (2005), 648-669
    (radial and circular searches, the criss-cross iteration, its global and quadratic
    convergence).
    L. N. Trefethen and M. Embree, "Spectra and Pseudospectra", Princeton 2005, Eq. (16.6).

    Examples
    --------
    >>> round(pseudospectral_radius(np.diag([0.5, -0.2]), 0.1), 8)   # normal: rho + eps
    0.6
    >>> A = [[0.9, 10.0], [0.0, 0.9]]    # the disc |z - 0.9| <= sqrt(eps (10 + eps))
    >>> round(pseudospectral_radius(A, 1e-4), 10), round(0.9 + float(np.sqrt(1e-4 * (10 + 1e-4))), 10)
    (0.9316229347, 0.9316229347)
    """
    A = check_square(A)
    if isinstance(eps, bool) or not np.isscalar(eps) or not np.isreal(eps):
        raise TypeError(f"eps must be a real number; got {type(eps).__name__}")
    eps = float(eps)
    if not (np.isfinite(eps) and eps > 0):
        raise ValueError(f"eps must be a finite positive number; got {eps!r}")
    if n_angles is not None:
        check_positive_int(n_angles, "n_angles")
        warnings.warn("pseudospectral_radius: n_angles is deprecated and ignored (the criss-cross "
                      "algorithm needs no angular grid); it will be removed", DeprecationWarning,
                      stacklevel=2)
    T = _schur(A)
    lam = np.diagonal(T)
    normT = float(sla.svdvals(T)[0])
    s_tol = 64 * _EPS * (normT + eps)
    rho = float(np.max(np.abs(lam)))
    theta = float(np.angle(lam[int(np.argmax(np.abs(lam)))])) if rho > 0 else 0.0
    # (|lam| + eps) e^{i arg lam} is at distance eps from lam: a certified lower bound
    r = max(rho + eps, _radial_search(T, eps, theta, s_tol))
    for _ in range(100):
        ang = _circular_search(T, eps, r)
        if ang.size == 0:  # circle entirely inside or outside: test it as one arc
            ang = np.array([np.mod(theta, 2 * np.pi)])
        mids = 0.5 * (ang + np.append(ang[1:], ang[0] + 2 * np.pi))
        inside = _smin_points(T, r * np.exp(1j * mids)) < eps
        if not np.any(inside):
            break
        radii = np.array([_radial_search(T, eps, float(t), s_tol) for t in mids[inside]])
        k = int(np.argmax(radii))
        if not radii[k] > r * (1 + 4 * _EPS):
            r = max(r, float(radii[k]))
            break
        r, theta = float(radii[k]), float(mids[inside][k])
    else:  # pragma: no cover - quadratic convergence takes a handful of steps
        warnings.warn("pseudospectral_radius: criss-cross did not converge in 100 iterations",
                      LinrecWarning, stacklevel=2)
    return r


def _sigma_min_T(T: np.ndarray, z: np.ndarray, rtol: float = 1e-10) -> np.ndarray:
    if T.shape[0] <= 24:
        return _sigma_min_grid_T(T, z)
    return _sigma_min_tri_batch(T, z, rtol=rtol)


def _sigma_min_grid_T(T: np.ndarray, z: np.ndarray) -> np.ndarray:
    N = T.shape[0]
    return np.linalg.svd(z[:, None, None] * np.eye(N)[None] - T[None], compute_uv=False)[:, -1]


@dataclass(frozen=True)
class KreissResult:
    """Kreiss constant and where it is attained (see :func:`kreiss_constant`).

    Attributes
    ----------
    value : float
        K(A) = sup_{|z|>1} (|z| - 1) ||(zI - A)^-1||_2 (``inf`` if rho(A) > 1).
    z : complex
        The maximizing point found (nan for rho(A) > 1).
    upper : float
        e N K(A), the Kreiss-matrix-theorem upper bound for sup_n ||A^n||_2.
    """

    value: float
    z: complex
    upper: float


def kreiss_constant(A, *, n_theta=None, n_r=40):
    """Kreiss constant K(A) = sup_{|z|>1} (|z| - 1) ||(zI - A)^-1||_2.

    Parameters
    ----------
    A : array_like, shape (N, N)
        Square matrix.
    n_theta : int, optional
        Number of angles of the initial grid (default max(64, 4 N); for real A only
        [0, pi] is searched since the resolvent norm is symmetric under conjugation).
    n_r : int, optional
        Number of radii of the initial grid, log-spaced in |z| - 1 in [1e-8, 1e3].

    Returns
    -------
    KreissResult
        The constant, the maximizer z, and the two sides of the Kreiss matrix theorem.

    Notes
    -----
    The Kreiss matrix theorem: K(A) <= sup_{n>=0} ||A^n||_2 <= e N K(A). Here
    g(z) = (|z| - 1) / sigma_min(zI - T) is evaluated on a polar grid (inverse Lanczos on
    the Schur form, as in :func:`pseudospectra`), then maximized by Nelder-Mead in
    (log(|z| - 1), arg z) from the three best grid points with sigma_min by SVD (at most 500
    evaluations each; stops at a relative change 1e-12 of g). g -> 1 as
    |z| -> inf, so K(A) >= 1; K(A) = inf if rho(A) > 1. The result is a local maximum that is
    the global one when the grid resolves the resolvent's peaks: a lower bound in general.
    Near |z| = 1 the factor |z| - 1 is computed with relative error ~eps/(|z| - 1) (we stop at
    |z| - 1 >= 1e-8), so e.g. K(I) comes out as 1 + O(1e-8). With an eigenvalue of modulus 1
    in a Jordan block of size >= 2, K(A) = inf and the method returns a huge finite number
    (~1/eps).

    References
    ----------
    H.-O. Kreiss, "Uber die Stabilitatsdefinition fur Differenzengleichungen die partielle
    Differentialgleichungen approximieren", BIT 2 (1962). R. J. LeVeque and L. N. Trefethen,
    "On the resolvent condition in the Kreiss matrix theorem", BIT 24 (1984) (the constant
    e N). L. N. Trefethen and M. Embree, "Spectra and Pseudospectra", Princeton 2005,
    Eq. (16.13) and Theorem 18.1.

    Examples
    --------
    >>> kc = kreiss_constant(np.diag([0.5, -0.3]))   # normal: K = 1 (attained at infinity)
    >>> round(kc.value, 6)
    1.0
    >>> kc = kreiss_constant([[0.5, 4.0], [0.0, 0.5]])
    >>> bool(kc.value <= transient_peak([[0.5, 4.0], [0.0, 0.5]]).peak <= kc.upper)
    True
    """
    A = check_square(A)
    N = A.shape[0]
    n_theta = max(64, 4 * N) if n_theta is None else check_positive_int(n_theta, "n_theta")
    n_r = check_positive_int(n_r, "n_r")
    T = _schur(A)
    rho = float(np.max(np.abs(np.diagonal(T))))
    if rho > 1.0:
        return KreissResult(np.inf, complex(np.nan, np.nan), np.inf)
    hi = np.pi if not np.iscomplexobj(A) else 2 * np.pi
    th = np.linspace(0.0, hi, n_theta + 1)
    d = np.logspace(-8, 3, n_r)
    TH, D = np.meshgrid(th, d, indexing="ij")
    Z = ((1.0 + D) * np.exp(1j * TH)).ravel()
    smin = _sigma_min_T(T, Z, rtol=1e-4)  # coarse grid; the maximizer is refined by dense SVDs
    with np.errstate(divide="ignore"):
        g = np.where(smin > 0, D.ravel() / smin, np.inf)
    if not np.all(np.isfinite(g)):
        k = int(np.argmax(~np.isfinite(g)))
        return KreissResult(np.inf, complex(Z[k]), np.inf)
    best = max(1.0, float(g.max()))
    zbest = complex(Z[int(np.argmax(g))]) if g.max() >= 1.0 else complex(np.inf)

    def negg(p):
        dd, t = np.exp(p[0]), p[1]
        z = (1.0 + dd) * np.exp(1j * t)
        s = _smin_point(T, z)
        return -dd / s if s > 0 else -np.inf

    for k in np.argsort(g)[::-1][:3]:
        p0 = np.array([np.log(D.ravel()[k]), TH.ravel()[k]])
        res = minimize(negg, p0, method="Nelder-Mead",
                       options={"xatol": 1e-9, "fatol": 1e-12 * best, "maxfev": 500})
        if -res.fun > best:
            best = float(-res.fun)
            zbest = complex((1.0 + np.exp(res.x[0])) * np.exp(1j * res.x[1]))
    return KreissResult(best, zbest, float(np.e * N * best))


# ---------------------------------------------------------------------------------------------
# dense <-> diagonal linear RNNs
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiagonalSystem:
    """Diagonal linear RNN h_t = lam * h_{t-1} + B x_t, y_t = Re(C h_t) (+ D x_t).

    Attributes
    ----------
    lam : numpy.ndarray, shape (M,)
        Complex eigenvalues, one per real eigenvalue and one per conjugate pair
        (the member with positive imaginary part).
    B : numpy.ndarray, shape (M, d_in)
        Complex input matrix P^-1 B restricted to the kept eigenvalues.
    C : numpy.ndarray, shape (d_out, M)
        Complex output matrix C P restricted to the kept eigenvalues, with the columns of
        conjugate pairs doubled so that the real output is Re(C h).
    cond : float
        2-norm condition number of the eigenvector matrix P.
    error_bound : float
        The first-order relative error estimate c N cond(P) eps (c = 4) of the transformed
        system's outputs.
    """

    lam: np.ndarray
    B: np.ndarray
    C: np.ndarray
    cond: float
    error_bound: float


def dense_to_diagonal(A, B, C, *, cond_max=1e10, on_ill_conditioned="warn"):
    """Diagonalize a real linear RNN and reduce conjugate pairs to a real output.

    Parameters
    ----------
    A : array_like, shape (N, N)
        Real state matrix of h_t = A h_{t-1} + B x_t.
    B : array_like, shape (N, d_in)
        Real input matrix.
    C : array_like, shape (d_out, N)
        Real output matrix of y_t = C h_t.
    cond_max : float, optional
        Threshold on cond(P) above which the diagonal form is considered unreliable.
    on_ill_conditioned : {"warn", "raise"}, optional
        Issue a ``LinrecWarning`` (default) or raise ``ValueError`` when cond(P) > cond_max
        (defective or nearly defective A). The dense form (or the real Schur form) is the
        fallback the caller should keep in that case.

    Returns
    -------
    DiagonalSystem
        lam, B~, C~ with y_t = Re(C~ h~_t) equal to the dense output.

    Notes
    -----
    A = P Lambda P^-1, h~ = P^-1 h: h~_t = Lambda h~_{t-1} + (P^-1 B) x_t, y_t = (C P) h~_t.
    For real A, B, C the eigenvalues come in conjugate pairs with conjugate eigenvectors, so
    the two terms of a pair are conjugate and y = sum_real c_j h~_j + 2 Re sum_pairs c_j h~_j:
    keep one member of each pair and double its output column; then y = Re(C~ h~). Rows of
    P^-1 B (columns of C P) for real eigenvalues are real in exact arithmetic; their rounding
    imaginary parts are dropped.
    The transformed system is backward stable relative to P: the output error is about
    cond(P) eps (one product by P^-1 and one by P), which is reported as
    ``error_bound = 4 N cond(P) eps``.

    References
    ----------
    A. Orvieto et al., "Resurrecting Recurrent Neural Networks for Long Sequences",
    ICML 2023, Sec. 3.2 (equivalence of dense and complex diagonal linear RNNs, real part
    output). N. J. Higham, "Accuracy and Stability of Numerical Algorithms", SIAM 2002,
    Sec. 7.1 (condition numbers).

    Examples
    --------
    >>> A = np.array([[0.9, -0.2], [0.3, 0.7]])
    >>> ds = dense_to_diagonal(A, np.eye(2), np.eye(2))
    >>> ds.lam.shape                      # one complex pair -> one state
    (1,)
    >>> Ad, Bd, Cd = diagonal_to_dense(ds.lam, ds.B, ds.C)
    >>> bool(np.allclose(Cd @ Ad @ Bd, A, atol=1e-12))   # same impulse response C A B
    True
    """
    A = check_square(A, "A", allow_complex=False)
    N = A.shape[0]
    B = as_float_array(B, "B", allow_complex=False, ndim=2)
    C = as_float_array(C, "C", allow_complex=False, ndim=2)
    if B.shape[0] != N:
        raise ValueError(f"B must have shape (N, d_in) with N = {N}; got {B.shape}")
    if C.shape[1] != N:
        raise ValueError(f"C must have shape (d_out, N) with N = {N}; got {C.shape}")
    check_choice(on_ill_conditioned, "on_ill_conditioned", ("warn", "raise"))
    lam, P = np.linalg.eig(A)  # LAPACK dgeev: pairs adjacent and exactly conjugate
    cond = float(np.linalg.cond(P)) if np.all(np.isfinite(P)) else np.inf
    if not np.isfinite(cond) or cond > cond_max:
        msg = (f"dense_to_diagonal: eigenvector matrix P has cond(P) = {cond:.3g} > cond_max = {cond_max:.3g} "
               "(A is defective or nearly so); the diagonal form loses about log10(cond(P)) digits - "
               "keep the dense (or Schur) form instead")
        if on_ill_conditioned == "raise":
            raise ValueError(msg)
        warnings.warn(msg, LinrecWarning, stacklevel=2)
    Bt = np.linalg.solve(P, B.astype(np.complex128))
    Ct = C @ P
    keep_real = lam.imag == 0
    # real eigenvalues have real eigenvectors and real rows of P^-1 in exact arithmetic:
    # drop the O(cond(P) eps) imaginary rounding so that their states stay real
    Bt[keep_real] = Bt[keep_real].real
    Ct[:, keep_real] = Ct[:, keep_real].real
    keep_pos = lam.imag > 0
    keep = keep_real | keep_pos
    scale = np.where(keep_pos, 2.0, 1.0)[keep]
    return DiagonalSystem(lam=lam[keep].astype(np.complex128), B=Bt[keep], C=Ct[:, keep] * scale[None, :],
                          cond=cond, error_bound=float(4 * N * cond * _EPS))


def diagonal_to_dense(lam, B, C):
    """Real dense (block-diagonal) linear RNN equivalent to a reduced complex diagonal one.

    Parameters
    ----------
    lam : array_like, shape (M,)
        Complex eigenvalues; entries with nonzero imaginary part stand for a conjugate pair.
    B : array_like, shape (M, d_in)
        Complex input matrix of the diagonal system.
    C : array_like, shape (d_out, M)
        Complex output matrix; the output is y = Re(C h).

    Returns
    -------
    A : numpy.ndarray, shape (N, N)
        Real block-diagonal state matrix (1x1 blocks for real lam, 2x2 rotation-scaling blocks
        [[a, -b], [b, a]] for lam = a + i b), N = M + number of complex entries.
    B : numpy.ndarray, shape (N, d_in)
        Real input matrix.
    C : numpy.ndarray, shape (d_out, N)
        Real output matrix, with y_t = C h_t equal to Re(C~ h~_t).

    Notes
    -----
    For lam = a + i b, write h~ = u + i v, B~ = Br + i Bi, C~ = Cr + i Ci. Then
    u_t = a u_{t-1} - b v_{t-1} + Br x_t, v_t = b u_{t-1} + a v_{t-1} + Bi x_t and
    Re(C~ h~) = Cr u - Ci v. Real lam with complex B~ keeps only the real part of the state
    that reaches the output: Re(c h) with h = h_r + i h_i needs both parts, so a real lam
    with complex B or C also gets a 2-dimensional (diagonal) block.

    References
    ----------
    A. Orvieto et al., "Resurrecting Recurrent Neural Networks for Long Sequences",
    ICML 2023, Sec. 3.2 and Appendix (real block form of complex diagonal recurrences).

    Examples
    --------
    >>> A, B, C = diagonal_to_dense([0.5 + 0.5j], [[1.0]], [[1.0]])
    >>> A
    array([[ 0.5, -0.5],
           [ 0.5,  0.5]])
    """
    lam = as_float_array(lam, "lam", ndim=1).astype(np.complex128)
    Bc = as_float_array(B, "B", ndim=2).astype(np.complex128)
    Cc = as_float_array(C, "C", ndim=2).astype(np.complex128)
    M = lam.size
    if Bc.shape[0] != M:
        raise ValueError(f"B must have shape (M, d_in) with M = {M}; got {Bc.shape}")
    if Cc.shape[1] != M:
        raise ValueError(f"C must have shape (d_out, M) with M = {M}; got {Cc.shape}")
    blocks, rowsB, colsC = [], [], []
    for j in range(M):
        a, b = lam[j].real, lam[j].imag
        real_block = b == 0 and np.all(Bc[j].imag == 0)
        if real_block:
            blocks.append(np.array([[a]]))
            rowsB.append(Bc[j].real[None, :])
            colsC.append(Cc[:, j].real[:, None])
        else:
            blocks.append(np.array([[a, -b], [b, a]]))
            rowsB.append(np.vstack([Bc[j].real, Bc[j].imag]))
            colsC.append(np.column_stack([Cc[:, j].real, -Cc[:, j].imag]))
    return sla.block_diag(*blocks), np.vstack(rowsB), np.hstack(colsC)

