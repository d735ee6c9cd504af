"""Monte Carlo estimators for the curse of memory (independent of the closed forms).

The recurrence ``h_t = lam h_{t-1} + gamma x_t`` and its forward-mode sensitivity
``s_t = dh_t/dp = lam s_{t-1} + lam_p h_{t-1} + gamma_p x_t`` (not finite differences) are
simulated with :func:`linrec.scan.linear_scan` over many independent input sequences drawn
from an :class:`~linrec.memory.numeric.InputModel`; estimates come with standard errors.

References
----------
N. Zucchet and A. Orvieto, "Recurrent neural networks: vanishing and exploding gradients are
not the end of the story", NeurIPS 2024 (arXiv:2405.21064), Sec. 3 (the curse of memory).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.signal import lfilter

from linrec._validation import as_float_array, as_rng, check_choice, check_positive_int
from linrec.memory.numeric import (
    _NORMALIZATIONS,
    _OUTPUTS,
    _PARAMS,
    InputModel,
    _check_pair,
    _gammas,
    _lam_p,
    _model,
    _resolve,
)
from linrec.scan import linear_scan

__all__ = [
    "MCEstimate",
    "sample_inputs",
    "simulate",
    "mc_state_moment",
    "mc_sensitivity",
    "mc_population_loss",
]

_NOT_A_FORMULA = ("sample_inputs",)

_BATCH = 2048


@dataclass(frozen=True)
class MCEstimate:
    """A Monte Carlo estimate with its standard error.

    Parameters
    ----------
    mean : float
        Sample mean.
    se : float
        Standard error of the mean (sample standard deviation / sqrt(n)).
    n : int
        Number of independent samples.

    Examples
    --------
    >>> e = MCEstimate(1.0, 0.01, 100)
    >>> e.mean, e.se, e.n
    (1.0, 0.01, 100)
    """

    mean: float
    se: float
    n: int


class _Accumulator:
    """Streaming mean and variance (Chan et al. pairwise update)."""

    def __init__(self) -> None:
        self.n, self.mean, self.m2 = 0, 0.0, 0.0

    def add(self, v: np.ndarray) -> None:
        nb = v.size
        mb = float(np.mean(v))
        m2b = float(np.sum((v - mb) ** 2))
        delta = mb - self.mean
        tot = self.n + nb
        self.mean += delta * nb / tot
        self.m2 += m2b + delta**2 * self.n * nb / tot
        self.n = tot

    def result(self) -> MCEstimate:
        var = self.m2 / (self.n - 1) if self.n > 1 else float("nan")
        return MCEstimate(float(self.mean), float(np.sqrt(var / self.n)), int(self.n))


def sample_inputs(model: InputModel | None, T: int, n: int, rng: Any = None) -> np.ndarray:
    """Draw ``n`` independent stationary Gaussian input sequences of length ``T``.

    Parameters
    ----------
    model : InputModel or None
        Autocorrelation (None: unit white noise).
    T : int
        Sequence length.
    n : int
        Number of sequences.
    rng : numpy.random.Generator, int or None
        Randomness (see :func:`linrec._validation.as_rng`).

    Returns
    -------
    numpy.ndarray, shape (T, n)
        ``x`` with ``E[x_t x_{t+Delta}] = R(Delta)``: each AR(1) component is
        ``z_t = rho z_{t-1} + sqrt(1 - rho^2) e_t`` from a stationary start ``z_0 ~ N(0, 1)``
        (constant for ``rho = 1``), scaled by ``sqrt(a_j)``; the white part is added.

    Examples
    --------
    >>> x = sample_inputs(InputModel.ar1(0.9), 5, 3, rng=0)
    >>> x.shape
    (5, 3)
    """
    model = _model(model)
    T = check_positive_int(T, "T")
    n = check_positive_int(n, "n")
    rng = as_rng(rng)
    x = np.zeros((T, n))
    if model.white > 0:
        x += np.sqrt(model.white) * rng.standard_normal((T, n))
    for a, rho in zip(model.weights, model.rhos):
        drive = rng.standard_normal((T, n))
        drive[1:] *= np.sqrt(max(0.0, 1.0 - rho * rho))
        z = linear_scan(rho, drive) if rho < 1.0 else np.broadcast_to(drive[:1], (T, n))
        x += np.sqrt(a) * z
    return x


def simulate(x: Any, lam: Any = None, *, gap: Any = None, omega: Any = None, theta: float = 0.0,
             reparam: Any = None, param: str | None = None,
             normalization: str | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """Simulate the (normalized) recurrence and its forward-mode sensitivity.

    Parameters
    ----------
    x : array_like, shape (T, ...)
        Real inputs, time first.
    lam : scalar, optional
        Eigenvalue (or ``gap``/``omega``, see :func:`linrec.memory.numeric.log_lambda`).
    gap : float, optional
        ``1 - |lam|``.
    omega : float, optional
        ``|lam| = f(omega)`` (default map ``exp(-exp(omega))``).
    theta : float, optional
        Angle with ``gap``/``omega``.
    reparam : LambdaMap, optional
        Modulus map for ``omega``.
    param : str or None, optional
        Parameter p of the sensitivity (as in :func:`linrec.memory.numeric.sensitivity`), or
        None to skip it.
    normalization : {None, 'function', 'independent'}, optional
        Input normalization mode.

    Returns
    -------
    h : numpy.ndarray, shape (T, ...)
        States ``h_1..h_T``.
    s : numpy.ndarray or None
        Sensitivities ``dh_t/dp``.

    Notes
    -----
    ``h_t = lam h_{t-1} + gamma x_t`` and, differentiating the recurrence,
    ``s_t = lam s_{t-1} + lam_p h_{t-1} + gamma_p x_t`` with ``h_0 = s_0 = 0``
    (``gamma_p = 0`` unless ``normalization='function'``). Both run through
    :func:`linrec.scan.linear_scan`.

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 3 (the linear diagonal recurrence and its sensitivity).

    Examples
    --------
    >>> h, s = simulate(np.ones((3, 1)), 0.5, param="lam")
    >>> h.ravel().tolist(), s.ravel().tolist()
    ([1.0, 1.5, 1.75], [0.0, 1.0, 2.0])
    """
    x = as_float_array(x, "x", allow_complex=False)
    if x.ndim < 1:
        raise ValueError("x must have a leading time axis")
    if normalization not in _NORMALIZATIONS:
        raise ValueError(f"normalization must be None, 'function' or 'independent'; got {normalization!r}")
    e = _resolve(lam, gap, omega, theta, reparam, stationary=normalization is not None)
    if np.ndim(e.L) != 0:
        raise ValueError("simulate takes a scalar lam")
    with np.errstate(over="ignore"):
        lam_v = complex(np.exp(e.L)) if e.L.dtype.kind == "c" else float(np.exp(e.L))
    if param is None:
        gamma, _ = _gammas(e, np.zeros(()), normalization)
        return linear_scan(lam_v, float(gamma) * x), None
    check_choice(param, "param", _PARAMS)
    is_real = e.L.dtype.kind != "c"
    if lam is not None:
        is_real = not np.iscomplexobj(lam) or bool(np.imag(lam) == 0)
    lp = complex(_lam_p(e, param, is_real))
    gamma, gp = _gammas(e, np.asarray(lp), normalization)
    h = linear_scan(lam_v, float(gamma) * x)
    h_prev = np.zeros_like(h)
    h_prev[1:] = h[:-1]
    drive = lp * h_prev + float(gp) * x
    if np.iscomplexobj(drive) and np.all(np.imag(drive) == 0) and not np.iscomplexobj(h):
        drive = np.real(drive)
    return h, linear_scan(lam_v, drive)


def _estimate(T, n, rng, model, kw, param, output, batch):
    check_choice(output, "output", _OUTPUTS)
    T = check_positive_int(T, "T")
    n = check_positive_int(n, "n")
    batch = check_positive_int(batch, "batch")
    rng = as_rng(rng)
    acc = _Accumulator()
    done = 0
    while done < n:
        m = min(batch, n - done)
        x = sample_inputs(model, T, m, rng)
        h, s = simulate(x, param=param, **kw)
        v = (h if param is None else s)[-1]
        acc.add(np.abs(v) ** 2 if output == "modulus" else np.real(v) ** 2)
        done += m
    return acc.result()


def mc_state_moment(T: int, n: int, lam: Any = None, *, gap: Any = None, omega: Any = None,
                    theta: float = 0.0, reparam: Any = None, model: InputModel | None = None,
                    normalization: str | None = None, output: str = "real", rng: Any = None,
                    batch: int = _BATCH) -> MCEstimate:
    """Monte Carlo estimate of ``E[(Re h_T)^2]`` (or ``E|h_T|^2``) from ``h_0 = 0``.

    Parameters
    ----------
    T : int
        Step at which the moment is taken.
    n : int
        Number of independent sequences.
    lam : scalar, optional
        Eigenvalue (or ``gap``/``omega``).
    gap : float, optional
        ``1 - |lam|``.
    omega : float, optional
        ``|lam| = f(omega)``.
    theta : float, optional
        Angle with ``gap``/``omega``.
    reparam : LambdaMap, optional
        Modulus map for ``omega``.
    model : InputModel, optional
        Input autocorrelation (default unit white noise).
    normalization : {None, 'function', 'independent'}, optional
        Input normalization.
    output : {'real', 'modulus'}, optional
        ``(Re h)^2`` or ``|h|^2``.
    rng : numpy.random.Generator, int or None
        Randomness.
    batch : int, optional
        Sequences simulated at once (memory ~ 16 T batch bytes per array).

    Returns
    -------
    MCEstimate
        Sample mean of ``(Re h_T)^2`` over ``n`` sequences and its standard error; its
        expectation is :func:`linrec.memory.numeric.exact_state_moment` ``(T, ...)``.

    Notes
    -----
    ``h_t = lam h_{t-1} + gamma x_t`` simulated by :func:`simulate`.

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 3 (second moment of the state under stationary inputs).

    Examples
    --------
    >>> e = mc_state_moment(50, 2000, 0.5, rng=0)
    >>> bool(abs(e.mean - 4 / 3) < 4 * e.se)
    True
    """
    kw = dict(lam=lam, gap=gap, omega=omega, theta=theta, reparam=reparam, normalization=normalization)
    return _estimate(T, n, rng, model, kw, None, output, batch)


def mc_sensitivity(T: int, n: int, param: str = "lam", lam: Any = None, *, gap: Any = None, omega: Any = None,
                   theta: float = 0.0, reparam: Any = None, model: InputModel | None = None,
                   normalization: str | None = None, output: str = "real", rng: Any = None,
                   batch: int = _BATCH) -> MCEstimate:
    """Monte Carlo estimate of ``E[(d Re h_T / d p)^2]`` by forward-mode simulation.

    Parameters
    ----------
    T : int
        Step at which the sensitivity is taken.
    n : int
        Number of independent sequences.
    param : str, optional
        Parameter, as in :func:`linrec.memory.numeric.sensitivity`.
    lam : scalar, optional
        Eigenvalue (or ``gap``/``omega``).
    gap : float, optional
        ``1 - |lam|``.
    omega : float, optional
        ``|lam| = f(omega)``.
    theta : float, optional
        Angle with ``gap``/``omega``.
    reparam : LambdaMap, optional
        Modulus map for ``omega``.
    model : InputModel, optional
        Input autocorrelation.
    normalization : {None, 'function', 'independent'}, optional
        Input normalization mode.
    output : {'real', 'modulus'}, optional
        ``(Re s)^2`` or ``|s|^2``.
    rng : numpy.random.Generator, int or None
        Randomness.
    batch : int, optional
        Sequences simulated at once.

    Returns
    -------
    MCEstimate
        Mean and standard error; the expectation is
        :func:`linrec.memory.numeric.exact_sensitivity` ``(T, ...)``.

    Notes
    -----
    ``s_t = lam s_{t-1} + lam_p h_{t-1} + gamma_p x_t`` simulated by :func:`simulate`.

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 3 (sensitivity of the state to lambda, white noise).

    Examples
    --------
    >>> e = mc_sensitivity(60, 2000, "lam", 0.5, rng=0)
    >>> bool(abs(e.mean - 80 / 27) < 4 * e.se)
    True
    """
    check_choice(param, "param", _PARAMS)
    kw = dict(lam=lam, gap=gap, omega=omega, theta=theta, reparam=reparam, normalization=normalization)
    return _estimate(T, n, rng, model, kw, param, output, batch)


def mc_population_loss(k_student: Any, k_teacher: Any, n: int, rng: Any = None,
                       batch: int = _BATCH) -> MCEstimate:
    """Monte Carlo estimate of the white-noise population loss by filtering random inputs.

    Parameters
    ----------
    k_student, k_teacher : array_like, shape (T,) or (T, p, q)
        Impulse responses (same shape).
    n : int
        Number of independent input sequences of length T.
    rng : numpy.random.Generator, int or None
        Randomness.
    batch : int, optional
        Sequences simulated at once.

    Returns
    -------
    MCEstimate
        Per-sequence losses ``1/2 (1/T) sum_t ||y_t - y*_t||^2`` averaged over sequences; the
        expectation is :func:`linrec.memory.numeric.population_loss`.

    Notes
    -----
    ``y_t = sum_{s<t} k_s x_{t-s}`` computed by causal FIR filtering
    (``scipy.signal.lfilter``) of i.i.d. N(0, I) inputs.

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 4 (linear teacher-student task).

    Examples
    --------
    >>> s = np.arange(20)
    >>> e = mc_population_loss(0.5 ** s, 0.6 ** s, 4000, rng=0)
    >>> from linrec.memory.numeric import population_loss
    >>> bool(abs(e.mean - population_loss(0.5 ** s, 0.6 ** s)) < 4 * e.se)
    True
    """
    ks, kt = _check_pair(k_student, k_teacher)
    n = check_positive_int(n, "n")
    rng = as_rng(rng)
    T = ks.shape[0]
    dk = (ks - kt).reshape(T, -1, 1) if ks.ndim == 1 else (ks - kt)
    if dk.ndim != 3:
        raise ValueError(f"impulse responses must have shape (T,) or (T, p, q); got {ks.shape}")
    p, q = dk.shape[1:]
    acc = _Accumulator()
    done = 0

    while done < n:
        m = min(batch, n - done)
        x = rng.standard_normal((T, q, m))
        e = np.zeros((T, p, m))
        for i in range(p):
            for j in range(q):
                e[:, i, :] += lfilter(dk[:, i, j], [1.0], x[:, j, :], axis=0)
        acc.add(0.5 * np.mean(np.sum(e**2, axis=1), axis=0))
        done += m
    return acc.result()
