"""Random matrix ensembles used as recurrent initializations in the papers.

* :func:`glorot_dense` -- Glorot & Bengio (2010) "normalized" initialization, variance
  2 / (fan_in + fan_out), Gaussian (default) or uniform.
* :func:`haar_orthogonal`, :func:`haar_unitary` -- Haar-distributed orthogonal / unitary
  matrices from the QR factorization of a Ginibre matrix with the sign (phase) fix of
  Mezzadri (2007).
* :func:`ring_uniform` -- the LRU ring initialization (Orvieto et al. 2023, Lemma 3.2):
  eigenvalues uniform in area on the annulus r_min <= |lam| < r_max.
* :func:`ginibre` -- i.i.d. Gaussian matrices with entry variance sigma^2 / N (real or
  complex), the ensemble of the Lyapunov-spectrum law (Newman 1986).

Every draw goes through a :class:`numpy.random.Generator` supplied by the caller.
"""

from __future__ import annotations

import numpy as np

from linrec._validation import as_rng, check_choice, check_positive_int

__all__ = ["glorot_dense", "haar_orthogonal", "haar_unitary", "ring_uniform", "ginibre"]


def _check_real_scalar(x, name: str) -> float:
    if isinstance(x, bool) or not np.isscalar(x) or np.iscomplexobj(x):
        raise TypeError(f"{name} must be a real number; got {type(x).__name__}")
    try:
        val = float(x)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a real number; got {x!r}") from exc
    if not np.isfinite(val):
        raise ValueError(f"{name} must be finite; got {val!r}")
    return val


def glorot_dense(n, m=None, *, distribution="normal", rng=None):
    """Glorot ("Xavier") dense matrix with entry variance 2 / (n + m).

    Parameters
    ----------
    n : int
        Number of rows (fan-out of ``x -> W x``).
    m : int, optional
        Number of columns (fan-in); defaults to ``n`` (a square recurrent matrix).
    distribution : {"normal", "uniform"}, optional
        ``"normal"`` (default): i.i.d. N(0, 2/(n+m)). ``"uniform"``: i.i.d.
        U[-a, a] with a = sqrt(6/(n+m)), the form written in Glorot & Bengio (2010).
        Both have the same variance 2/(n+m).
    rng : numpy.random.Generator, int or None, optional
        Source of randomness (see :func:`linrec._validation.as_rng`).

    Returns
    -------
    numpy.ndarray
        Real array of shape (n, m).

    Notes
    -----
    Glorot & Bengio balance the forward and backward variance conditions
    n_in Var[W] = 1 and n_out Var[W] = 1 with the compromise
    Var[W] = 2 / (n_in + n_out). The uniform version U[-a, a] has variance a^2/3, so
    a = sqrt(6 / (n_in + n_out)). For a square N x N matrix Var = 1/N and the spectral
    radius tends to 1 (circular law), so a Glorot recurrent matrix sits at the edge of
    stability while its largest singular value tends to 2.

    References
    ----------
    X. Glorot and Y. Bengio, "Understanding the difficulty of training deep feedforward
    neural networks", AISTATS 2010, Eq. (16) (normalized initialization).

    Examples
    --------
    >>> W = glorot_dense(400, rng=0)
    >>> W.shape
    (400, 400)
    >>> bool(abs(W.var() * 400 - 1.0) < 0.02)
    True
    >>> glorot_dense(3, 5, distribution="uniform", rng=0).shape
    (3, 5)
    """
    n = check_positive_int(n, "n")
    m = n if m is None else check_positive_int(m, "m")
    check_choice(distribution, "distribution", ("normal", "uniform"))
    gen = as_rng(rng)
    var = 2.0 / (n + m)
    if distribution == "normal":
        return gen.normal(0.0, np.sqrt(var), size=(n, m))
    a = np.sqrt(3.0 * var)
    return gen.uniform(-a, a, size=(n, m))


def _haar_from_ginibre(Z: np.ndarray) -> np.ndarray:
    # Q R = Z with R's diagonal made positive: Q <- Q diag(d / |d|), d = diag(R).
    # numpy's Householder QR does not fix the phases, which would bias the distribution
    # (Mezzadri 2007, Sec. 5).
    Q, R = np.linalg.qr(Z)
    d = np.diagonal(R).copy()
    absd = np.abs(d)
    ph = np.where(absd > 0, d / np.where(absd > 0, absd, 1.0), 1.0)
    return Q * ph[np.newaxis, :]


def haar_orthogonal(n, *, rng=None):
    """Haar-distributed (uniform) random orthogonal matrix.

    Parameters
    ----------
    n : int
        Size N of the matrix.
    rng : numpy.random.Generator, int or None, optional
        Source of randomness.

    Returns
    -------
    numpy.ndarray
        Real (N, N) array Q with Q^T Q = I to rounding.

    Notes
    -----
    Draw Z with i.i.d. N(0, 1) entries, factor Z = Q R (Householder QR) and return
    Q diag(sign(r_ii)). Fixing the signs makes the factorization unique, so the law of the
    result inherits the invariance of Z under left multiplication by orthogonal matrices,
    i.e. it is Haar measure on O(N).

    References
    ----------
    F. Mezzadri, "How to generate random matrices from the classical compact groups",
    Notices of the AMS 54(5), 2007, Sec. 5 (algorithm after Eq. (5.12)).

    Examples
    --------
    >>> Q = haar_orthogonal(5, rng=0)
    >>> bool(np.allclose(Q.T @ Q, np.eye(5)))
    True
    """
    n = check_positive_int(n, "n")
    gen = as_rng(rng)
    return _haar_from_ginibre(gen.standard_normal((n, n)))


def haar_unitary(n, *, rng=None):
    """Haar-distributed random unitary matrix.

    Parameters
    ----------
    n : int
        Size N of the matrix.
    rng : numpy.random.Generator, int or None, optional
        Source of randomness.

    Returns
    -------
    numpy.ndarray
        Complex (N, N) array U with U^H U = I to rounding.

    Notes
    -----
    Z = (X + iY)/sqrt(2) with X, Y i.i.d. N(0, 1); Z = Q R; return Q diag(r_ii / |r_ii|).
    The phase fix makes the law invariant under U(N), i.e. Haar measure.

    References
    ----------
    F. Mezzadri, "How to generate random matrices from the classical compact groups",
    Notices of the AMS 54(5), 2007, Sec. 5.

    Examples
    --------
    >>> U = haar_unitary(4, rng=1)
    >>> bool(np.allclose(U.conj().T @ U, np.eye(4)))
    True
    """
    n = check_positive_int(n, "n")
    gen = as_rng(rng)
    Z = (gen.standard_normal((n, n)) + 1j * gen.standard_normal((n, n))) / np.sqrt(2.0)
    return _haar_from_ginibre(Z)


def ring_uniform(n, r_min, r_max, *, max_phase=2 * np.pi, rng=None):
    """Complex eigenvalues uniform in area on an annulus (LRU ring initialization).

    Parameters
    ----------
    n : int
        Number of eigenvalues.
    r_min : float
        Inner radius, 0 <= r_min <= r_max.
    r_max : float
        Outer radius, r_max >= r_min.
    max_phase : float, optional
        Phases are uniform in [0, max_phase); 0 < max_phase <= 2 pi (default 2 pi).
        Orvieto et al. use max_phase = pi/10 for long-range tasks.
    rng : numpy.random.Generator, int or None, optional
        Source of randomness.

    Returns
    -------
    numpy.ndarray
        Complex array of shape (n,).

    Notes
    -----
    With u1, u2 ~ U[0, 1): |lam| = sqrt(u1 (r_max^2 - r_min^2) + r_min^2) and
    arg lam = max_phase u2. Then P(|lam| <= r) = (r^2 - r_min^2)/(r_max^2 - r_min^2),
    the area fraction of the annulus inside radius r, so lam is uniform in area on the
    sector of the annulus.

    References
    ----------
    A. Orvieto et al., "Resurrecting Recurrent Neural Networks for Long Sequences",
    ICML 2023, Lemma 3.2.

    Examples
    --------
    >>> lam = ring_uniform(1000, 0.9, 0.999, rng=0)
    >>> bool(np.all((np.abs(lam) >= 0.9) & (np.abs(lam) < 0.999)))
    True
    """
    n = check_positive_int(n, "n")
    r_min = _check_real_scalar(r_min, "r_min")
    r_max = _check_real_scalar(r_max, "r_max")
    max_phase = _check_real_scalar(max_phase, "max_phase")
    if r_min < 0:
        raise ValueError(f"r_min must be >= 0; got {r_min!r}")
    if r_max < r_min:
        raise ValueError(f"r_max must be >= r_min; got r_max = {r_max!r} < r_min = {r_min!r}")
    if not 0 < max_phase <= 2 * np.pi:
        raise ValueError(f"max_phase must lie in (0, 2 pi]; got {max_phase!r}")
    gen = as_rng(rng)
    u1 = gen.uniform(size=n)
    u2 = gen.uniform(size=n)
    mod = np.sqrt(u1 * (r_max * r_max - r_min * r_min) + r_min * r_min)
    # guard u1 -> 1 rounding: keep the half-open annulus
    mod = np.minimum(mod, np.nextafter(r_max, 0.0)) if r_max > r_min else mod
    return mod * np.exp(1j * max_phase * u2)


def ginibre(n, *, sigma=1.0, complex_entries=False, rng=None):
    """Ginibre matrix: i.i.d. Gaussian entries with variance sigma^2 / N.

    Parameters
    ----------
    n : int
        Size N of the matrix.
    sigma : float, optional
        Scale; entries have variance sigma^2 / N so the spectral radius tends to sigma.
    complex_entries : bool, optional
        Complex Ginibre (E|z|^2 = sigma^2/N, real and imaginary parts independent) instead
        of real.
    rng : numpy.random.Generator, int or None, optional
        Source of randomness.

    Returns
    -------
    numpy.ndarray
        (N, N) float64 or complex128 array.

    Notes
    -----
    G_ij ~ N(0, sigma^2/N). By the circular law the eigenvalues fill the disc of radius
    sigma as N -> inf; products of i.i.d. copies have the Lyapunov spectrum of
    :func:`linrec.jacobians.gaussian_lyapunov_spectrum` (Newman 1986).

    References
    ----------
    J. Ginibre, "Statistical ensembles of complex, quaternion, and real matrices",
    J. Math. Phys. 6, 1965. C. M. Newman, "The distribution of Lyapunov exponents: exact
    results for random matrices", Commun. Math. Phys. 103, 1986, Eq. (1.2).

    Examples
    --------
    >>> G = ginibre(300, sigma=0.5, rng=0)
    >>> bool(abs(G.std() * np.sqrt(300) - 0.5) < 0.01)
    True
    """
    n = check_positive_int(n, "n")
    sigma = _check_real_scalar(sigma, "sigma")
    if sigma < 0:
        raise ValueError(f"sigma must be >= 0; got {sigma!r}")
    gen = as_rng(rng)
    if complex_entries:
        s = sigma / np.sqrt(2.0 * n)
        return s * (gen.standard_normal((n, n)) + 1j * gen.standard_normal((n, n)))
    return (sigma / np.sqrt(n)) * gen.standard_normal((n, n))
