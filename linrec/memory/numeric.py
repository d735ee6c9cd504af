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
not the end of the story", NeurIPS 2024 (arXiv:2405.21064), Sec. 3-4. Section numbers
are as we recall them; equation numbers are deliberately not cited (not checked against the PDF).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.linalg import matmul_toeplitz, solve_discrete_lyapunov

from linrec._validation import (
    as_float_array,
    as_rng,
    check_choice,
    check_in_range,
    check_positive_int,
    check_square,
    check_stable,
)

__all__ = [
    "InputModel",
    "LambdaMap",
    "EXP_MAP",
    "log_lambda",
    "one_minus_abs2",
    "generating_function",
    "state_moment",
    "sensitivity",
    "exact_coefficients",
    "exact_moment",
    "exact_state_moment",
    "exact_sensitivity",
    "local_slope",
    "stationary_covariance",
    "diagonal_stationary_covariance",
    "stationary_loss",
    "scalar_impulse_response",
    "diagonal_impulse_response",
    "dense_impulse_response",
    "dense_realization",
    "top_eigvec_mass",
    "participation_ratio",
    "diagonal_dominance",
    "population_loss",
    "population_loss_grad",
    "loss_weights",
    "gauss_newton_hessian",
]

_NOT_A_FORMULA = ("top_eigvec_mass", "participation_ratio", "diagonal_dominance", "local_slope")


_PARAMS = ("lam", "re", "im", "nu", "theta", "omega")
_NORMALIZATIONS = (None, "function", "independent")
_OUTPUTS = ("real", "modulus")


# ----------------------------------------------------------------------------------------------
# Input models and the eigenvalue in log form
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InputModel:
    """Wide-sense-stationary real input with ``R(Delta) = sum_j a_j rho_j^|Delta| + w [Delta=0]``.

    Parameters
    ----------
    weights : tuple of float
        Non-negative weights ``a_j`` of the AR(1) components.
    rhos : tuple of float
        Correlations ``rho_j`` in [0, 1] (``rho = 1``: constant input, ``rho = 0``: white; zero
        correlations are folded into the white part).
    white : float
        Non-negative weight ``w`` of the white part.

    Attributes
    ----------
    variance : float
        ``R(0) = sum_j a_j + w``.

    Examples
    --------
    >>> m = InputModel.ar1(0.5)
    >>> m.autocorrelation([0, 1, 2]).tolist()
    [1.0, 0.5, 0.25]
    >>> InputModel.mixture([1.0], [0.9], white=0.5).variance
    1.5
    """

    weights: tuple = ()
    rhos: tuple = ()
    white: float = 1.0

    def __post_init__(self) -> None:
        w = as_float_array(self.weights, "weights", allow_complex=False, min_size=0).ravel()
        r = as_float_array(self.rhos, "rho", allow_complex=False, min_size=0).ravel()
        if w.shape != r.shape:
            raise ValueError(f"weights and rhos must have the same length; got {w.size} and {r.size}")
        if r.size:
            check_in_range(r, "rho", 0.0, 1.0)
        if np.any(w < 0):
            raise ValueError(f"weights must be >= 0; got {w.tolist()}")
        white = float(as_float_array(self.white, "white", allow_complex=False, ndim=0))
        if white < 0:
            raise ValueError(f"white must be >= 0; got {white}")
        white += float(np.sum(w[r == 0.0]))
        keep = (r > 0.0) & (w > 0.0)
        object.__setattr__(self, "weights", tuple(float(v) for v in w[keep]))
        object.__setattr__(self, "rhos", tuple(float(v) for v in r[keep]))
        object.__setattr__(self, "white", white)
        if self.variance <= 0:
            raise ValueError("the input model must have positive variance (some weight > 0)")

    @property
    def variance(self) -> float:
        """R(0), the input variance."""
        return float(sum(self.weights) + self.white)

    @classmethod
    def white_noise(cls, var: float = 1.0) -> InputModel:
        """White noise with variance ``var``: ``R(Delta) = var [Delta = 0]``."""
        return cls((), (), var)

    @classmethod
    def ar1(cls, rho: float, var: float = 1.0) -> InputModel:
        """AR(1) input ``R(Delta) = var rho^|Delta|`` with rho in [0, 1]."""
        rho = float(check_in_range(rho, "rho", 0.0, 1.0))
        return cls((var,), (rho,), 0.0)

    @classmethod
    def constant(cls, var: float = 1.0) -> InputModel:
        """Constant input ``x_t = x_0`` (rho = 1): ``R(Delta) = var``."""
        return cls((var,), (1.0,), 0.0)

    @classmethod
    def mixture(cls, weights: Any, rhos: Any, white: float = 0.0) -> InputModel:
        """Finite mixture ``sum_j a_j rho_j^|Delta| + w [Delta = 0]``."""
        return cls(tuple(np.ravel(weights)), tuple(np.ravel(rhos)), white)

    def autocorrelation(self, lags: Any) -> np.ndarray:
        """R(Delta) at integer lags (array_like) -- see the class docstring."""
        d = np.abs(as_float_array(lags, "lags", allow_complex=False, min_size=0))
        out = np.where(d == 0, self.white, 0.0)
        for a, r in zip(self.weights, self.rhos):
            out = out + a * r ** d
        return out


def _model(model: Any) -> InputModel:
    if model is None:
        return InputModel.white_noise()
    if not isinstance(model, InputModel):
        raise TypeError(f"model must be an InputModel (or None for unit white noise); got {type(model).__name__}")
    return model


@dataclass(frozen=True)
class LambdaMap:
    """A reparameterization ``lambda = f(omega)`` of the eigenvalue modulus, for the chain rule.

    Any object with callables ``f`` and ``df`` (and optionally ``gap``, returning
    ``1 - |f(omega)|`` without cancellation) works wherever a map is accepted, e.g. the maps
    of ``linrec.reparam``; this class is the minimal container.

    Parameters
    ----------
    f : callable
        ``omega -> lambda`` (real; the modulus, possibly signed).
    df : callable
        ``omega -> d lambda / d omega``.
    gap : callable, optional
        ``omega -> 1 - |lambda|`` computed stably (recommended near |lambda| = 1).
    name : str, optional
        Label.

    Examples
    --------
    >>> float(round(EXP_MAP.f(0.0), 6)), float(round(EXP_MAP.df(0.0), 6))
    (0.367879, -0.367879)
    """

    f: Callable[[Any], Any]
    df: Callable[[Any], Any]
    gap: Callable[[Any], Any] | None = None
    name: str = ""


def _exp_f(w: Any) -> np.ndarray:
    with np.errstate(over="ignore"):
        return np.exp(-np.exp(np.asarray(w, dtype=np.float64)))


def _exp_df(w: Any) -> np.ndarray:
    w = np.asarray(w, dtype=np.float64)
    with np.errstate(over="ignore"):
        return -np.exp(w - np.exp(w))


def _exp_gap(w: Any) -> np.ndarray:
    with np.errstate(over="ignore"):
        return -np.expm1(-np.exp(np.asarray(w, dtype=np.float64)))


#: The exponential reparameterization ``lambda = exp(-exp(omega))`` (LRU's nu_log).
EXP_MAP = LambdaMap(_exp_f, _exp_df, _exp_gap, "exp")


def _as_map(reparam: Any) -> Any:
    if reparam is None:
        return EXP_MAP
    if isinstance(reparam, tuple) and len(reparam) == 2 and all(callable(g) for g in reparam):
        return LambdaMap(reparam[0], reparam[1])
    if callable(getattr(reparam, "f", None)) and callable(getattr(reparam, "df", None)):
        return reparam
    raise TypeError("reparam must have callables .f and .df (e.g. a LambdaMap) or be a pair (f, df)")


def _one_minus_exp(z: Any) -> np.ndarray:
    """1 - exp(z) without cancellation for small |z| (real or complex z)."""
    z = np.asarray(z)
    if z.dtype.kind != "c":
        return -np.expm1(z)
    a, b = z.real, z.imag
    with np.errstate(invalid="ignore"):
        re = -np.expm1(a) * np.cos(b) + 2.0 * np.sin(0.5 * b) ** 2
        im = -np.exp(a) * np.sin(b)
    return re + 1j * im


@dataclass(frozen=True)
class _Eig:
    L: np.ndarray  # log lambda (real when lambda > 0 and theta = 0)
    rot: np.ndarray  # e^{i theta_user} (or 1.0), the factor d lambda / d |f| for param omega/nu
    omega: np.ndarray | None
    rmap: Any


def _resolve(lam: Any, gap: Any, omega: Any, theta: Any, reparam: Any, stationary: bool = True) -> _Eig:
    given = [v is not None for v in (lam, gap, omega)]
    if sum(given) != 1:
        raise ValueError("give exactly one of lam, gap (= 1 - |lam|) or omega (|lam| = f(omega))")
    th = as_float_array(0.0 if theta is None else theta, "theta", allow_complex=False)
    rmap = _as_map(reparam) if (omega is not None or reparam is not None) else None
    om = None
    if lam is not None:
        if np.any(th != 0):
            raise ValueError("theta is only used with gap or omega; pass a complex lam instead")
        arr = as_float_array(lam, "lam")
        if stationary:
            check_stable(arr, "lam")
        with np.errstate(divide="ignore"):
            if arr.dtype.kind == "f" and np.all(arr >= 0):
                L = np.log(arr)
            else:
                L = np.log(arr.astype(np.complex128))
        rot = np.exp(1j * np.angle(arr)) if arr.dtype.kind == "c" else np.sign(arr) + (arr == 0)
        return _Eig(L, rot, None, rmap)
    if gap is not None:
        g = as_float_array(gap, "gap", allow_complex=False)
        if stationary:
            check_in_range(g, "gap", 0.0, 1.0, low_inclusive=False)
        else:
            check_in_range(g, "gap", None, 1.0)
        with np.errstate(divide="ignore"):
            logmod = np.log1p(-g)
        sign = np.ones_like(logmod)
    else:
        om = as_float_array(omega, "omega", allow_complex=False)
        if getattr(rmap, "gap", None) is not None:
            g = np.asarray(rmap.gap(om), dtype=np.float64)
            fv = np.asarray(rmap.f(om), dtype=np.float64)
            sign = np.where(fv < 0, -1.0, 1.0)
        else:
            fv = np.asarray(rmap.f(om), dtype=np.float64)
            g = 1.0 - np.abs(fv)
            sign = np.where(fv < 0, -1.0, 1.0)
        if stationary and np.any(g <= 0):
            raise ValueError(f"omega must map to |lam| < 1 for a stationary quantity; got 1-|lam| = {g.min()!r}")
        with np.errstate(divide="ignore"):
            logmod = np.log1p(-g)
    rot = np.exp(1j * th) if np.any(th != 0) else np.ones_like(th)
    if np.any(th != 0) or np.any(sign < 0):
        L = logmod + 1j * (th + np.where(sign < 0, np.pi, 0.0))
    else:
        L = logmod + 0.0 * th
    rot = rot * sign if np.any(sign < 0) else rot
    return _Eig(np.asarray(L), np.asarray(rot), om, rmap)


def log_lambda(lam: Any = None, *, gap: Any = None, omega: Any = None, theta: Any = 0.0,
               reparam: Any = None, stationary: bool = True) -> np.ndarray:
    """Logarithm ``L = log lambda`` of the eigenvalue, from the gap when possible.

    Parameters
    ----------
    lam : array_like, optional
        The eigenvalue (real or complex). Near ``|lam| = 1`` prefer ``gap`` or ``omega``: a float
        ``lam`` carries the gap only to absolute precision ~1e-16.
    gap : array_like, optional
        ``1 - |lam|`` in (0, 1] (with ``theta``: ``lam = (1 - gap) e^{i theta}``).
    omega : array_like, optional
        Parameter of a modulus map ``|lam| = f(omega)``; by default :data:`EXP_MAP`,
        ``|lam| = exp(-exp(omega))`` (then ``L = -exp(omega) + i theta`` exactly).
    theta : array_like, optional
        Angle of ``lam`` when ``gap`` or ``omega`` is given.
    reparam : LambdaMap or object with .f/.df(/.gap), optional
        The map used to interpret ``omega`` (default :data:`EXP_MAP`).
    stationary : bool, optional
        Require ``|lam| < 1`` (default True).

    Returns
    -------
    numpy.ndarray
        ``L``: float64 when ``lam > 0`` is real, complex128 otherwise.

    Notes
    -----
    ``log|lam| = log1p(-gap)`` or ``log1p(-gap(omega))``; ``L = log|lam| + i theta``
    (``+ i pi`` for negative real lam). Then ``1 - |lam|^2 = -expm1(2 Re L)`` and
    ``1 - lam1 lam2 = 1 - exp(L1 + L2)`` are evaluated without cancellation.

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 3 (the exponential parameterization
    ``lambda = exp(-exp(nu))`` of the LRU, Orvieto et al. 2023).

    Examples
    --------
    >>> float(log_lambda(gap=1e-12))
    -1.0000000000005e-12
    >>> complex(np.round(log_lambda(omega=0.0, theta=0.5), 6))
    (-1+0.5j)
    """
    return _resolve(lam, gap, omega, theta, reparam, stationary).L


def one_minus_abs2(lam: Any = None, *, gap: Any = None, omega: Any = None, reparam: Any = None) -> np.ndarray:
    """``1 - |lam|^2`` without cancellation (the squared normalization ``gamma^2``).

    Parameters
    ----------
    lam : array_like, optional
        Eigenvalue(s), ``|lam| < 1``.
    gap : array_like, optional
        ``1 - |lam|`` instead of ``lam``.
    omega : array_like, optional
        ``|lam| = f(omega)`` instead of ``lam`` (default map :data:`EXP_MAP`).
    reparam : LambdaMap, optional
        Map used with ``omega``.

    Returns
    -------
    numpy.ndarray
        ``1 - |lam|^2``.

    Notes
    -----
    ``1 - |lam|^2 = -expm1(2 log|lam|)``, with ``log|lam| = log1p(-gap)``; for the exponential
    map ``1 - |lam|^2 = -expm1(-2 exp(omega))``.

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 3 (input normalization ``gamma = sqrt(1-|lambda|^2)``).

    Examples
    --------
    >>> float(one_minus_abs2(gap=1e-12))
    1.999999999999e-12
    """
    e = _resolve(lam, gap, omega, 0.0, reparam)
    return -np.expm1(2.0 * np.real(e.L))


# ----------------------------------------------------------------------------------------------
# Generating function f(lam1, lam2) = E[g(lam1) g(lam2)] and its derivatives
# ----------------------------------------------------------------------------------------------


def _kernel(L1: np.ndarray, L2: np.ndarray, model: InputModel) -> tuple[np.ndarray, ...]:
    """f, d1 f, d2 f, d1 d2 f at (exp L1, exp L2) for the stationary state g(lam)."""
    L1, L2 = np.broadcast_arrays(np.asarray(L1), np.asarray(L2))
    cplx = L1.dtype.kind == "c" or L2.dtype.kind == "c"
    with np.errstate(over="ignore"):
        l1, l2 = np.exp(L1), np.exp(L2)
    iD = 1.0 / _one_minus_exp(L1 + L2)
    iD2 = iD * iD
    w = model.white
    f = w * iD
    f1 = w * l2 * iD2
    f2 = w * l1 * iD2
    f12 = w * (iD2 + 2.0 * l1 * l2 * iD2 * iD)
    for a, rho in zip(model.weights, model.rhos):
        lr = np.log(rho)
        iA = 1.0 / _one_minus_exp(lr + L1)
        iB = 1.0 / _one_minus_exp(lr + L2)
        if rho == 1.0:  # constant input: f = 1/((1-lam1)(1-lam2)) exactly, no cancellation for lam < 0
            f, f1, f2, f12 = f + a * iA * iB, f1 + a * iA * iA * iB, f2 + a * iA * iB * iB, f12 + a * (iA * iB) ** 2
            continue
        P = iA + iB - 1.0
        f = f + a * P * iD
        f1 = f1 + a * (rho * iA * iA * iD + P * l2 * iD2)
        f2 = f2 + a * (rho * iB * iB * iD + P * l1 * iD2)
        f12 = f12 + a * (rho * (l1 * iA * iA + l2 * iB * iB) * iD2 + P * (iD2 + 2.0 * l1 * l2 * iD2 * iD))
    if not cplx:
        return tuple(np.real(v) for v in (f, f1, f2, f12))
    return f, f1, f2, f12


def generating_function(lam1: Any, lam2: Any, model: InputModel | None = None, *,
                        derivatives: bool = False, log: bool = False):
    """Stationary generating function ``f(lam1, lam2) = E[g(lam1)_t g(lam2)_t]`` and derivatives.

    ``g(lam)_t = sum_{k>=0} lam^k x_{t-k}`` is the unnormalized stationary state; ``lam1``,
    ``lam2`` may be complex (no conjugation is applied).

    Parameters
    ----------
    lam1, lam2 : array_like
        Eigenvalues with ``|lam| < 1`` (broadcast together); or their logarithms if ``log``.
    model : InputModel, optional
        Input autocorrelation (default unit white noise).
    derivatives : bool, optional
        Also return ``d f/d lam1``, ``d f/d lam2`` and ``S = d^2 f/(d lam1 d lam2)``.
    log : bool, optional
        Interpret ``lam1``, ``lam2`` as ``log lam`` (stable near the unit circle, see
        :func:`log_lambda`).

    Returns
    -------
    f : numpy.ndarray
        The generating function; with ``derivatives`` a tuple ``(f, f_1, f_2, S)``.

    Notes
    -----
    ``f = sum_{k,l>=0} lam1^k lam2^l R(k-l)``. For ``R(Delta) = rho^|Delta|``, splitting
    ``k = l``, ``k > l``, ``k < l``:

    .. math:: f = \\frac{1/A + 1/B - 1}{D},\\quad D = 1 - \\lambda_1\\lambda_2,\\;
              A = 1 - \\rho\\lambda_1,\\; B = 1 - \\rho\\lambda_2,

    equal to ``(1 - rho^2 lam1 lam2)/(D A B)``; white noise gives ``1/D``, constant input
    ``1/((1-lam1)(1-lam2))``. Mixtures add linearly. Derivatives:
    ``f_1 = rho/(A^2 D) + P lam2/D^2``, ``S = rho (lam1/A^2 + lam2/B^2)/D^2 +
    P (1/D^2 + 2 lam1 lam2/D^3)`` with ``P = 1/A + 1/B - 1``. ``S(lam1, lam2) =
    E[g'(lam1) g'(lam2)]`` is the cross moment of sensitivities.

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 3 (white noise) and appendix (correlated
    inputs).

    Examples
    --------
    >>> f, f1, f2, S = generating_function(0.5, 0.5, derivatives=True)
    >>> round(float(f), 6), round(float(S), 6)      # 1/(1-lam^2), (1+lam^2)/(1-lam^2)^3
    (1.333333, 2.962963)
    """
    model = _model(model)
    if log:
        L1 = as_float_array(lam1, "lam1")
        L2 = as_float_array(lam2, "lam2")
        if np.any(np.real(L1) >= 0) or np.any(np.real(L2) >= 0):
            raise ValueError("log lam1 and log lam2 must have negative real part (|lam| < 1)")
    else:
        L1 = log_lambda(lam1)
        L2 = log_lambda(lam2)
    out = _kernel(L1, L2, model)
    return out if derivatives else out[0]


# ----------------------------------------------------------------------------------------------
# Stationary moments and sensitivities (closed forms)
# ----------------------------------------------------------------------------------------------


def _lam_p(e: _Eig, param: str, lam_is_real: bool) -> np.ndarray:
    with np.errstate(over="ignore"):
        lam = np.exp(e.L)
    if param in ("lam", "re"):
        if param == "lam" and not lam_is_real:
            raise ValueError("param='lam' needs a real lam; use 're', 'im', 'nu' or 'theta' for complex lam")
        return np.ones_like(lam)
    if param == "im":
        return 1j * np.ones_like(lam)
    if param == "nu":
        return e.rot * np.ones_like(lam)
    if param == "theta":
        return 1j * lam
    # omega: lam = f(omega) e^{i theta}
    if e.omega is None:
        raise ValueError("param='omega' needs the location given as omega (with reparam, default EXP_MAP)")
    return np.asarray(e.rmap.df(e.omega), dtype=np.float64) * _user_rot(e)


def _user_rot(e: _Eig) -> np.ndarray:
    # lam = f(omega) e^{i theta}; e.rot = e^{i theta} * sign(f); d lam/d omega = f'(omega) e^{i theta}
    with np.errstate(over="ignore"):
        fv = np.asarray(e.rmap.f(e.omega), dtype=np.float64)
    return e.rot * np.where(fv < 0, -1.0, 1.0)


def _gammas(e: _Eig, lam_p: np.ndarray, normalization: str | None) -> tuple[np.ndarray, np.ndarray]:
    if normalization is None:
        return np.ones(np.shape(e.L)), np.zeros(np.shape(e.L))
    g2 = -np.expm1(2.0 * np.real(e.L))
    gamma = np.sqrt(g2)
    if normalization == "independent":
        return gamma, np.zeros_like(gamma)
    with np.errstate(over="ignore"):
        lam = np.exp(e.L)
    return gamma, -np.real(np.conj(lam) * lam_p) / gamma


def _check_common(model, normalization, output):
    model = _model(model)
    if normalization not in _NORMALIZATIONS:
        raise ValueError(f"normalization must be None, 'function' or 'independent'; got {normalization!r}")
    check_choice(output, "output", _OUTPUTS)
    return model


def state_moment(lam: Any = None, *, gap: Any = None, omega: Any = None, theta: Any = 0.0,
                 reparam: Any = None, model: InputModel | None = None,
                 normalization: str | None = None, output: str = "real") -> np.ndarray:
    """Stationary second moment of the state, ``E[(Re h)^2]`` (or ``E|h|^2``).

    Parameters
    ----------
    lam : array_like, optional
        Eigenvalue(s) ``|lam| < 1`` (or give ``gap``/``omega``, see :func:`log_lambda`).
    gap : array_like, optional
        ``1 - |lam|``.
    omega : array_like, optional
        ``|lam| = f(omega)`` (default map ``exp(-exp(omega))``).
    theta : array_like, optional
        Angle of lam with ``gap``/``omega``.
    reparam : LambdaMap, optional
        Modulus map for ``omega``.
    model : InputModel, optional
        Input autocorrelation (default unit white noise).
    normalization : {None, 'function', 'independent'}, optional
        Multiply the input by ``gamma = sqrt(1 - |lam|^2)`` (both modes give the same state).
    output : {'real', 'modulus'}, optional
        ``E[(Re h)^2]`` (the real output, default) or ``E|h|^2``.

    Returns
    -------
    numpy.ndarray
        The moment.

    Notes
    -----
    ``h = gamma g(lam)``; real output: ``E[(Re h)^2] = gamma^2/2 Re(f(lam, lam) +
    f(lam, conj lam))`` (rule ``E[Re u Re v] = 1/2 Re(E[uv] + E[u conj v])``); modulus:
    ``gamma^2 f(lam, conj lam)``. White noise, real lam: ``1/(1 - lam^2)``.

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 3 (state moment; normalization).

    Examples
    --------
    >>> round(float(state_moment(0.9)), 6)                 # 1/(1 - 0.81)
    5.263158
    >>> round(float(state_moment(gap=1e-12, normalization="function")), 6)
    1.0
    """
    model = _check_common(model, normalization, output)
    e = _resolve(lam, gap, omega, theta, reparam)
    gamma, _ = _gammas(e, np.zeros(np.shape(e.L)), normalization)
    f_ll = _kernel(e.L, e.L, model)[0]
    f_lc = _kernel(e.L, np.conj(e.L), model)[0]
    m = np.real(f_lc) if output == "modulus" else 0.5 * np.real(f_ll + f_lc)
    return gamma**2 * m


def sensitivity(param: str = "lam", lam: Any = None, *, gap: Any = None, omega: Any = None,
                theta: Any = 0.0, reparam: Any = None, model: InputModel | None = None,
                normalization: str | None = None, output: str = "real") -> np.ndarray:
    """Stationary sensitivity ``E[(d Re h / d p)^2]`` of the state to a real parameter p.

    Parameters
    ----------
    param : {'lam', 're', 'im', 'nu', 'theta', 'omega'}
        The parameter: real lam; Re lam; Im lam; the modulus ``nu = |lam|``; the angle
        ``theta = arg lam``; or ``omega`` of a map ``|lam| = f(omega)`` (chain rule, location
        given by ``omega``).
    lam : array_like, optional
        Eigenvalue(s) ``|lam| < 1`` (or give ``gap``/``omega``).
    gap : array_like, optional
        ``1 - |lam|``.
    omega : array_like, optional
        ``|lam| = f(omega)`` (default map :data:`EXP_MAP`, ``exp(-exp(omega))``).
    theta : array_like, optional
        Angle of lam with ``gap``/``omega``.
    reparam : LambdaMap or object with .f/.df, optional
        The map f for ``omega`` (e.g. a ``linrec.reparam`` map).
    model : InputModel, optional
        Input autocorrelation (default unit white noise).
    normalization : {None, 'function', 'independent'}, optional
        ``gamma = sqrt(1-|lam|^2)`` as a function of lam (differentiated) or as an independent
        parameter (held fixed); None for no normalization.
    output : {'real', 'modulus'}, optional
        Sensitivity of ``Re h`` (default) or ``E|dh/dp|^2``.

    Returns
    -------
    numpy.ndarray
        The sensitivity.

    Notes
    -----
    ``h = gamma g(lam)``, ``u = dh/dp = gamma_p g + gamma lam_p g'`` with ``lam_p`` = 1, i,
    ``e^{i theta}``, ``i lam``, ``f'(omega) e^{i theta}`` and, for ``'function'``,
    ``gamma_p = -Re(conj(lam) lam_p)/gamma`` (zero otherwise). Then

    ``E[u u] = gamma_p^2 f + 2 gamma_p gamma lam_p f_2 + gamma^2 lam_p^2 S`` at (lam, lam),
    ``E[u conj u] = gamma_p^2 f + gamma_p gamma (conj(lam_p) f_2 + lam_p f_1) +
    gamma^2 |lam_p|^2 S`` at (lam, conj lam), and the real output gives
    ``1/2 Re(E[uu] + E[u conj u])``. White noise, real lam: ``(1 + lam^2)/(1 - lam^2)^3``.

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 3 (white-noise sensitivity; normalization and
    reparameterization; complex eigenvalues and the angle sensitivity).

    Examples
    --------
    >>> round(float(sensitivity("lam", 0.5)), 6)         # (1 + 0.25)/(0.75)^3
    2.962963
    >>> round(float(sensitivity("omega", omega=-30.0, normalization="independent")), 6)
    0.5
    """
    check_choice(param, "param", _PARAMS)
    model = _check_common(model, normalization, output)
    e = _resolve(lam, gap, omega, theta, reparam)
    lam_is_real = e.L.dtype.kind != "c"
    if lam is not None:
        lam_is_real = not np.iscomplexobj(lam) or bool(np.all(np.imag(lam) == 0))
    lp = _lam_p(e, param, lam_is_real)
    gamma, gp = _gammas(e, lp, normalization)
    f, f1, f2, S = _kernel(e.L, e.L, model)
    fc, f1c, f2c, Sc = _kernel(e.L, np.conj(e.L), model)
    uu = gp**2 * f + 2.0 * gp * gamma * lp * f2 + gamma**2 * lp**2 * S
    uc = gp**2 * fc + gp * gamma * (np.conj(lp) * f2c + lp * f1c) + gamma**2 * np.abs(lp) ** 2 * Sc
    if output == "modulus":
        return np.real(uc)
    return 0.5 * np.real(uu + uc)


# ----------------------------------------------------------------------------------------------
# Exact finite-T sums
# ----------------------------------------------------------------------------------------------


def exact_coefficients(T: int, param: str | None = None, lam: Any = None, *, gap: Any = None,
                       omega: Any = None, theta: float = 0.0, reparam: Any = None,
                       normalization: str | None = None) -> np.ndarray:
    """Coefficients ``c_k`` with ``h_T = sum_{k=0}^{T-1} c_k x_{T-k}`` (or of ``dh_T/dp``).

    Parameters
    ----------
    T : int
        Step (``h_0 = 0``, ``h_1 = gamma x_1``).
    param : str or None, optional
        None for the state, else a parameter as in :func:`sensitivity`.
    lam : scalar, optional
        Eigenvalue (any modulus: the sums are finite); or ``gap``/``omega``.
    gap : float, optional
        ``1 - |lam|``.
    omega : float, optional
        ``|lam| = f(omega)``.
    theta : float, optional
        Angle with ``gap``/``omega``.
    reparam : LambdaMap, optional
        Modulus map for ``omega``.
    normalization : {None, 'function', 'independent'}, optional
        See :func:`sensitivity`.

    Returns
    -------
    numpy.ndarray, shape (T,)
        Complex (or real) coefficients.

    Notes
    -----
    ``h_T = gamma sum_k lam^k x_{T-k}``; ``dh_T/dp = sum_k (gamma_p lam^k +
    gamma lam_p k lam^{k-1}) x_{T-k}``; powers as ``exp(k log lam)``.

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 3 (unrolled recurrence).

    Examples
    --------
    >>> exact_coefficients(3, "lam", 0.5).tolist()
    [0.0, 1.0, 1.0]
    """
    T = check_positive_int(T, "T")
    if param is not None:
        check_choice(param, "param", _PARAMS)
    if normalization not in _NORMALIZATIONS:
        raise ValueError(f"normalization must be None, 'function' or 'independent'; got {normalization!r}")
    e = _resolve(lam, gap, omega, theta, reparam, stationary=normalization is not None)
    if np.ndim(e.L) != 0:
        raise ValueError("exact sums take a scalar lam (loop over values)")
    k = np.arange(T, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        pw = np.exp(k * e.L) if np.isfinite(e.L).all() else (k == 0).astype(np.float64)
    if param is None:
        gamma, _ = _gammas(e, np.zeros(()), normalization)
        return gamma * pw
    lam_is_real = e.L.dtype.kind != "c"
    if lam is not None:
        lam_is_real = not np.iscomplexobj(lam) or bool(np.imag(lam) == 0)
    lp = _lam_p(e, param, lam_is_real)
    gamma, gp = _gammas(e, lp, normalization)
    dpw = np.zeros_like(pw)
    dpw[1:] = k[1:] * pw[:-1]
    out = gp * pw + gamma * lp * dpw
    return out if np.iscomplexobj(out) and np.any(np.imag(out) != 0) else np.real(out)


def _quad(u: np.ndarray, v: np.ndarray, model: InputModel) -> complex:
    """sum_{k,l} u_k v_l R(k - l) (exact; Toeplitz products through scipy)."""
    out = model.white * np.sum(u * v)
    T = u.shape[0]
    for a, rho in zip(model.weights, model.rhos):
        if rho == 1.0:
            out = out + a * np.sum(u) * np.sum(v)
        else:
            col = rho ** np.arange(T, dtype=np.float64)
            out = out + a * np.sum(u * matmul_toeplitz((col, col), v, check_finite=False))
    return complex(out)


def exact_moment(u: Any, v: Any = None, model: InputModel | None = None, *, output: str = "real") -> float:
    """``E[Re(sum u_k x_{T-k}) Re(sum v_k x_{T-k})]`` as an exact finite sum.

    Parameters
    ----------
    u : array_like, shape (T,)
        Coefficients (real or complex) on ``x_T, x_{T-1}, ...``.
    v : array_like, shape (T,), optional
        Second coefficient vector (default ``u``).
    model : InputModel, optional
        Input autocorrelation (default unit white noise).
    output : {'real', 'modulus'}, optional
        Real-output moment (default) or ``Re E[U conj V]``.

    Returns
    -------
    float
        The moment.

    Notes
    -----
    ``E[U V] = sum_{k,l} u_k v_l R(k-l)``; ``E[Re U Re V] = 1/2 Re(E[UV] + E[U conj V])``.
    The AR(1) parts are Toeplitz products (``scipy.linalg.matmul_toeplitz``).

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 3 (second moments of the unrolled state).

    Examples
    --------
    >>> round(exact_moment([1.0, 0.5]), 6)
    1.25
    """
    check_choice(output, "output", _OUTPUTS)
    model = _model(model)
    u = as_float_array(u, "u", ndim=1)
    v = u if v is None else as_float_array(v, "v", ndim=1)
    if u.shape != v.shape:
        raise ValueError(f"u and v must have the same shape; got {u.shape} and {v.shape}")
    uc = _quad(u, np.conj(v), model)
    if output == "modulus":
        return float(np.real(uc))
    return float(0.5 * np.real(_quad(u, v, model) + uc))


def exact_state_moment(T: int, lam: Any = None, *, gap: Any = None, omega: Any = None, theta: float = 0.0,
                       reparam: Any = None, model: InputModel | None = None,
                       normalization: str | None = None, output: str = "real") -> float:
    """Exact ``E[(Re h_T)^2]`` at step T from ``h_0 = 0`` (finite sum).

    Parameters
    ----------
    T : int
        Step.
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
        See :func:`state_moment`.
    output : {'real', 'modulus'}, optional
        See :func:`state_moment`.

    Returns
    -------
    float
        The moment; tends to :func:`state_moment` as ``T -> infinity``.

    Notes
    -----
    ``sum_{k,l<T} c_k c_l R(k-l)`` with ``c`` from :func:`exact_coefficients` (white noise:
    ``(1 - lam^{2T})/(1 - lam^2)``).

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 3 (state moment at a finite step).

    Examples
    --------
    >>> round(exact_state_moment(2, 0.5), 6)     # 1 + 0.25
    1.25
    """
    c = exact_coefficients(T, None, lam, gap=gap, omega=omega, theta=theta, reparam=reparam,
                           normalization=normalization)
    return exact_moment(c, model=model, output=output)


def exact_sensitivity(T: int, param: str = "lam", lam: Any = None, *, gap: Any = None, omega: Any = None,
                      theta: float = 0.0, reparam: Any = None, model: InputModel | None = None,
                      normalization: str | None = None, output: str = "real") -> float:
    """Exact ``E[(d Re h_T / d p)^2]`` at step T from ``h_0 = 0`` (finite sum).

    Parameters
    ----------
    T : int
        Step.
    param : str, optional
        Parameter, as in :func:`sensitivity`.
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
        See :func:`sensitivity`.
    output : {'real', 'modulus'}, optional
        See :func:`sensitivity`.

    Returns
    -------
    float
        The sensitivity; tends to :func:`sensitivity` as ``T -> infinity``.

    Notes
    -----
    ``sum_{k,l<T} c_k c_l R(k-l)`` with ``c_k = gamma_p lam^k + gamma lam_p k lam^{k-1}``.

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 3 (sensitivity of the state to lambda, white noise).

    Examples
    --------
    >>> round(exact_sensitivity(3, "lam", 0.5), 6)     # 0^2 + 1^2 + (2 * 0.5)^2
    2.0
    """
    c = exact_coefficients(T, param, lam, gap=gap, omega=omega, theta=theta, reparam=reparam,
                           normalization=normalization)
    return exact_moment(c, model=model, output=output)


def local_slope(x: Any, y: Any) -> np.ndarray:
    """Local log-log slope ``d log y / d log x`` (second-order finite differences).

    Parameters
    ----------
    x, y : array_like, shape (n,)
        Positive abscissae (monotone) and positive values.

    Returns
    -------
    numpy.ndarray, shape (n,)
        ``numpy.gradient(log y, log x)``.

    Examples
    --------
    >>> x = np.logspace(-3, -1, 5)
    >>> np.round(local_slope(x, x ** -3.0), 9).tolist()
    [-3.0, -3.0, -3.0, -3.0, -3.0]
    """
    x = as_float_array(x, "x", allow_complex=False, ndim=1, min_size=2)
    y = as_float_array(y, "y", allow_complex=False, ndim=1, min_size=2)
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("x and y must be positive for a log-log slope")
    return np.gradient(np.log(y), np.log(x))


# ----------------------------------------------------------------------------------------------
# Stationary covariances (diagonal closed form, dense Lyapunov)
# ----------------------------------------------------------------------------------------------


def stationary_covariance(A: Any, Q: Any) -> np.ndarray:
    """Stationary covariance ``Sigma = A Sigma A^H + Q`` of ``h_t = A h_{t-1} + B x_t`` (white x).

    Parameters
    ----------
    A : array_like, shape (n, n)
        Recurrent matrix with spectral radius < 1.
    Q : array_like, shape (n, n)
        Input covariance ``B B^H`` (Hermitian positive semi-definite).

    Returns
    -------
    numpy.ndarray, shape (n, n)
        ``Sigma = sum_k A^k Q (A^H)^k``.

    Notes
    -----
    Solves the discrete Lyapunov equation ``A Sigma A^H - Sigma + Q = 0`` with
    ``scipy.linalg.solve_discrete_lyapunov``.

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 4 (dense versus diagonal recurrences).

    Examples
    --------
    >>> np.round(stationary_covariance([[0.5]], [[1.0]]), 6).tolist()
    [[1.333333]]
    """
    A = check_square(A, "A")
    Q = check_square(Q, "Q")
    if Q.shape != A.shape:
        raise ValueError(f"Q must have the shape of A {A.shape}; got {Q.shape}")
    rad = float(np.max(np.abs(np.linalg.eigvals(A))))
    if rad >= 1:
        raise ValueError(f"A must have spectral radius < 1 for a stationary covariance; got {rad!r}")
    return solve_discrete_lyapunov(A, Q)


def diagonal_stationary_covariance(lam: Any = None, Q: Any = None, *, gap: Any = None, theta: Any = 0.0) -> np.ndarray:
    """Closed-form stationary covariance of a diagonal recurrence, stable near ``|lam| = 1``.

    Parameters
    ----------
    lam : array_like, shape (n,), optional
        Eigenvalues ``|lam_i| < 1`` (or give ``gap`` and ``theta``).
    Q : array_like, shape (n, n)
        Input covariance ``B B^H``.
    gap : array_like, shape (n,), optional
        ``1 - |lam_i|``.
    theta : array_like, shape (n,), optional
        Angles with ``gap``.

    Returns
    -------
    numpy.ndarray, shape (n, n)
        ``Sigma_ij = Q_ij / (1 - lam_i conj(lam_j))``.

    Notes
    -----
    ``Sigma = sum_k Lambda^k Q (Lambda^H)^k`` entrywise; the denominator is
    ``1 - exp(L_i + conj(L_j))`` with ``L = log lam`` (no cancellation).

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 4; Orvieto et al. (2023), LRU (diagonal complex recurrences).

    Examples
    --------
    >>> np.round(diagonal_stationary_covariance([0.5, -0.5], np.eye(2)), 6).tolist()
    [[1.333333, 0.0], [0.0, 1.333333]]
    """
    if Q is None:
        raise ValueError("Q (the input covariance B B^H) is required")
    L = np.atleast_1d(_resolve(lam, gap, None, theta if gap is not None else 0.0, None).L)
    if L.ndim != 1:
        raise ValueError(f"lam must be a vector; got shape {L.shape}")
    Q = check_square(Q, "Q")
    if Q.shape != (L.size, L.size):
        raise ValueError(f"Q must have shape ({L.size}, {L.size}); got {Q.shape}")
    Lc = L.astype(np.complex128)
    out = Q / _one_minus_exp(Lc[:, None] + np.conj(Lc)[None, :])
    return np.real(out) if (np.all(np.imag(out) == 0)) else out


# ----------------------------------------------------------------------------------------------
# Stationary teacher-student loss (closed form)
# ----------------------------------------------------------------------------------------------


def stationary_loss(lam: Any, lam_star: Any, c: Any = 1.0, c_star: Any = 1.0,
                    model: InputModel | None = None) -> np.ndarray:
    """Closed-form stationary loss ``1/2 E[(Re(c g(lam)) - Re(c* g(lam*)))^2]``.

    It is the ``T -> infinity`` limit of :func:`population_loss` for single-mode students
    ``y = Re(c h)``, ``h_t = lam h_{t-1} + x_t`` (put any input gain or normalization into c).

    Parameters
    ----------
    lam : array_like
        Student eigenvalue(s), ``|lam| < 1`` (real or complex; broadcast with the rest).
    lam_star : array_like
        Teacher eigenvalue(s).
    c, c_star : array_like, optional
        Complex output gains of student and teacher.
    model : InputModel, optional
        Input autocorrelation (default unit white noise).

    Returns
    -------
    numpy.ndarray
        The loss.

    Notes
    -----
    With ``M(a, lam; b, mu) = E[Re(a g(lam)) Re(b g(mu))] = 1/2 Re(a b f(lam, mu) +
    a conj(b) f(lam, conj mu))``: ``L = 1/2 [M(c,lam;c,lam) - 2 M(c,lam;c*,lam*) +
    M(c*,lam*;c*,lam*)]``.

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 3 (one-dimensional loss landscapes in lambda and theta).

    Examples
    --------
    >>> round(float(stationary_loss(0.5, 0.5)), 12)
    0.0
    >>> round(float(stationary_loss(0.0, 0.5)), 6)          # 1/2 (1 - 2 + 4/3)
    0.166667
    """
    model = _model(model)
    la = as_float_array(lam, "lam")
    ls = as_float_array(lam_star, "lam_star")
    check_stable(la, "lam")
    check_stable(ls, "lam_star")
    c = np.asarray(as_float_array(c, "c"), dtype=np.complex128)
    cs = np.asarray(as_float_array(c_star, "c_star"), dtype=np.complex128)
    with np.errstate(divide="ignore"):
        L = np.log(la.astype(np.complex128))
        Ls = np.log(ls.astype(np.complex128))

    def M(a, La, b, Lb):
        return 0.5 * np.real(a * b * _kernel(La, Lb, model)[0] + a * np.conj(b) * _kernel(La, np.conj(Lb), model)[0])

    return 0.5 * (M(c, L, c, L) - 2.0 * M(c, L, cs, Ls) + M(cs, Ls, cs, Ls))


# ----------------------------------------------------------------------------------------------
# Impulse responses and their Jacobians: (a) scalar, (b) complex diagonal, (c) dense
# ----------------------------------------------------------------------------------------------


def scalar_impulse_response(T: int, lam: Any = None, *, gap: Any = None, omega: Any = None, reparam: Any = None,
                            param: str = "lam", normalization: str | None = None,
                            b: float = 1.0, c: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Impulse response of a scalar student and its Jacobian in (p, b, c).

    Student: ``h_t = lam h_{t-1} + gamma b x_t``, ``y_t = c h_t`` with real lam.

    Parameters
    ----------
    T : int
        Length.
    lam : float, optional
        Real eigenvalue (or ``gap``/``omega``).
    gap : float, optional
        ``1 - |lam|``.
    omega : float, optional
        ``lam = f(omega)`` (default map ``exp(-exp(omega))``).
    reparam : LambdaMap, optional
        Map for ``omega``.
    param : {'lam', 'nu', 'omega'}, optional
        Recurrent parameter p (direct, modulus, or through the map).
    normalization : {None, 'function', 'independent'}, optional
        ``gamma = sqrt(1 - lam^2)`` (differentiated or not), or ``gamma = 1``.
    b, c : float, optional
        Input and output gains.

    Returns
    -------
    k : numpy.ndarray, shape (T,)
        ``k_s = c gamma b lam^s``.
    J : numpy.ndarray, shape (T, 3)
        ``dk_s/d(p, b, c)``.

    Notes
    -----
    ``dk_s/dp = c b (gamma_p lam^s + gamma lam_p s lam^{s-1})``, ``dk_s/db = c gamma lam^s``,
    ``dk_s/dc = gamma b lam^s``. At the optimum the Hessian is
    :func:`gauss_newton_hessian` ``(J)``; its (p, p) entry tends to :func:`sensitivity` as
    ``T -> infinity`` (for ``b = c = 1``).

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 3-4 (Hessian at the optimum against lambda*).

    Examples
    --------
    >>> k, J = scalar_impulse_response(3, 0.5)
    >>> k.tolist(), J[:, 0].tolist()
    ([1.0, 0.5, 0.25], [0.0, 1.0, 1.0])
    """
    check_choice(param, "param", ("lam", "nu", "omega"))
    e = _resolve(lam, gap, omega, 0.0, reparam, stationary=normalization is not None)
    if np.ndim(e.L) != 0 or e.L.dtype.kind == "c" and np.any(np.abs(np.imag(e.L)) not in (0.0, np.pi)):
        raise ValueError("scalar_impulse_response takes one real lam")
    u = exact_coefficients(T, param, lam, gap=gap, omega=omega, reparam=reparam, normalization=normalization)
    s = np.real(exact_coefficients(T, None, lam, gap=gap, omega=omega, reparam=reparam, normalization=normalization))
    b = float(as_float_array(b, "b", allow_complex=False, ndim=0))
    c = float(as_float_array(c, "c", allow_complex=False, ndim=0))
    J = np.stack([c * b * np.real(u), c * s, b * s], axis=1)
    return c * b * s, J


def diagonal_impulse_response(T: int, lam: Any, b: Any, c: Any, *, param: str = "reim",
                              normalization: str | None = None, d: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Impulse response of a complex-diagonal student and its Jacobian in real coordinates.

    Student: ``h_{i,t} = lam_i h_{i,t-1} + gamma_i b_i x_t``, ``y_t = Re(sum_i c_i h_{i,t}) + d x_t``.

    Parameters
    ----------
    T : int
        Length.
    lam : array_like, shape (n,)
        Complex eigenvalues ``|lam_i| < 1``.
    b, c : array_like, shape (n,)
        Complex input and output weights.
    param : {'reim', 'polar', 'exp'}, optional
        Recurrent coordinates: (Re lam, Im lam); (nu = |lam|, theta); or (omega, theta) with
        ``|lam| = exp(-exp(omega))``.
    normalization : {None, 'function', 'independent'}, optional
        ``gamma_i = sqrt(1 - |lam_i|^2)``, differentiated (``'function'``) or fixed.
    d : float, optional
        Direct feedthrough (added to ``k_0``; not a parameter).

    Returns
    -------
    k : numpy.ndarray, shape (T,)
        ``k_s = Re(sum_i c_i gamma_i b_i lam_i^s) + d [s = 0]``.
    J : numpy.ndarray, shape (T, 6n)
        Columns ``[p1 (n), p2 (n), Re b (n), Im b (n), Re c (n), Im c (n)]``.

    Notes
    -----
    ``dk_s/dp = Re(c b (gamma_p lam^s + gamma lam_p s lam^{s-1}))`` with ``lam_p`` = 1, i
    (reim); ``e^{i theta}``, ``i lam`` (polar); ``-exp(omega) lam``, ``i lam`` (exp) and
    ``gamma_p = -Re(conj(lam) lam_p)/gamma`` in the ``'function'`` mode;
    ``dk_s/d Re b = Re(c gamma lam^s)``, ``dk_s/d Im b = Re(i c gamma lam^s)``, and likewise
    for c.

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 4 (complex diagonal networks, Hessian at the optimum).

    Examples
    --------
    >>> k, J = diagonal_impulse_response(3, [0.5j], [1.0], [1.0])
    >>> np.round(k, 6).tolist(), J.shape
    ([1.0, 0.0, -0.25], (3, 6))
    """
    T = check_positive_int(T, "T")
    check_choice(param, "param", ("reim", "polar", "exp"))
    if normalization not in _NORMALIZATIONS:
        raise ValueError(f"normalization must be None, 'function' or 'independent'; got {normalization!r}")
    lam = np.asarray(as_float_array(lam, "lam", ndim=1), dtype=np.complex128)
    check_stable(lam, "lam")
    n = lam.size
    b = np.asarray(as_float_array(b, "b", ndim=1), dtype=np.complex128)
    c = np.asarray(as_float_array(c, "c", ndim=1), dtype=np.complex128)
    if b.shape != (n,) or c.shape != (n,):
        raise ValueError(f"b and c must have shape ({n},) like lam; got {b.shape} and {c.shape}")
    with np.errstate(divide="ignore"):
        L = np.log(lam)
    s = np.arange(T, dtype=np.float64)[:, None]
    with np.errstate(invalid="ignore"):
        pw = np.where(s == 0, 1.0 + 0j, np.exp(s * L[None, :]))
    dpw = np.zeros_like(pw)
    dpw[1:] = s[1:] * pw[:-1]
    mod = np.abs(lam)
    rot = np.where(mod > 0, lam / np.where(mod > 0, mod, 1.0), 1.0)
    if param == "reim":
        lps = (np.ones(n, complex), 1j * np.ones(n, complex))
    elif param == "polar":
        lps = (rot, 1j * lam)
    else:
        lps = (np.log(mod) * lam, 1j * lam)  # d lam/d omega = -exp(omega) lam = log|lam| lam
    if normalization is None:
        gamma = np.ones(n)
    else:
        gamma = np.sqrt(-np.expm1(2.0 * np.real(L)))
    cols = []
    for lp in lps:
        gp = -np.real(np.conj(lam) * lp) / gamma if normalization == "function" else np.zeros(n)
        cols.append(np.real(c * b * (gp * pw + gamma * lp * dpw)))
    base = gamma * pw
    cols += [np.real(c * base), np.real(1j * c * base), np.real(b * base), np.real(1j * b * base)]
    k = np.real(np.sum(c * b * base, axis=1))
    k[0] += float(as_float_array(d, "d", allow_complex=False, ndim=0))
    return k, np.concatenate(cols, axis=1)


def dense_impulse_response(T: int, A: Any, B: Any, C: Any, D: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Impulse response of a dense linear student and its Jacobian in (A, B, C).

    Student: ``h_t = A h_{t-1} + B x_t``, ``y_t = C h_t + D x_t`` (real matrices).

    Parameters
    ----------
    T : int
        Length.
    A : array_like, shape (n, n)
        Recurrent matrix.
    B : array_like, shape (n, q)
        Input matrix.
    C : array_like, shape (p, n)
        Output matrix.
    D : array_like, shape (p, q), optional
        Feedthrough (not a parameter; default zero).

    Returns
    -------
    k : numpy.ndarray, shape (T, p, q)
        ``k_s = C A^s B (+ D at s = 0)``.
    J : numpy.ndarray, shape (T, p, q, n*n + n*q + p*n)
        Derivatives with respect to ``A.ravel()``, ``B.ravel()``, ``C.ravel()`` (row-major).

    Notes
    -----
    Forward-mode recursion ``M_s = A M_{s-1}`` (``M_0 = B``),
    ``dM_s/dA_ij = E_ij M_{s-1} + A dM_{s-1}/dA_ij``; ``dk_s/dA = C dM_s/dA``,
    ``dk_s/dB_ij = (C A^s)_{:,i} e_j^T``, ``dk_s/dC_ij = e_i (A^s B)_{j,:}``.

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 4 (dense recurrences, Hessian at the optimum).

    Examples
    --------
    >>> k, J = dense_impulse_response(3, [[0.5]], [[1.0]], [[1.0]])
    >>> k.ravel().tolist(), J[:, 0, 0, 0].tolist()
    ([1.0, 0.5, 0.25], [0.0, 1.0, 1.0])
    """
    T = check_positive_int(T, "T")
    A = check_square(A, "A", allow_complex=False)
    n = A.shape[0]
    B = as_float_array(B, "B", allow_complex=False, ndim=2)
    C = as_float_array(C, "C", allow_complex=False, ndim=2)
    if B.shape[0] != n:
        raise ValueError(f"B must have {n} rows (the state size of A); got shape {B.shape}")
    if C.shape[1] != n:
        raise ValueError(f"C must have {n} columns (the state size of A); got shape {C.shape}")
    p, q = C.shape[0], B.shape[1]
    Dm = np.zeros((p, q)) if D is None else as_float_array(D, "D", allow_complex=False, ndim=2)
    if Dm.shape != (p, q):
        raise ValueError(f"D must have shape ({p}, {q}); got {Dm.shape}")
    nA, nB, nC = n * n, n * q, p * n
    k = np.empty((T, p, q))
    J = np.zeros((T, p, q, nA + nB + nC))
    M = B.copy()
    G = np.zeros((n, n, n, q))  # G[i, j] = dM/dA_ij
    CP = C.copy()  # C A^s
    idx = np.arange(n)
    for s in range(T):
        if s > 0:
            Gn = np.einsum("ab,ijbq->ijaq", A, G)
            Gn[idx, :, idx, :] += M[None, :, :]
            G = Gn
            M = A @ M
            CP = CP @ A
        k[s] = C @ M
        J[s, :, :, :nA] = np.einsum("pa,ijaq->pqij", C, G).reshape(p, q, nA)
        J[s, :, :, nA:nA + nB] = np.einsum("pi,jq->pqij", CP, np.eye(q)).reshape(p, q, nB)
        J[s, :, :, nA + nB:] = np.einsum("pi,jq->pqij", np.eye(p), M).reshape(p, q, nC)
    k[0] += Dm
    return k, J


def dense_realization(lam: Any, b: Any, c: Any, rng: Any = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A dense real system with the impulse response of a complex-diagonal one.

    The complex-diagonal system (as in :func:`diagonal_impulse_response` without
    normalization) ``h_{i,t} = lam_i h_{i,t-1} + b_i x_t``, ``y_t = Re(sum_i c_i h_{i,t})`` is
    written in real coordinates and then in a random basis, giving a real
    ``h_t = A h_{t-1} + B x_t``, ``y_t = C h_t`` (as in :func:`dense_impulse_response`) with
    2n states and the same impulse response, whose recurrent matrix ``A`` is dense.

    Parameters
    ----------
    lam : array_like, shape (n,)
        Complex eigenvalues (each becomes a 2x2 rotation-scaling block, so ``A`` has the
        eigenvalues ``lam_i`` and ``conj(lam_i)``).
    b, c : array_like, shape (n,)
        Complex input and output weights.
    rng : numpy.random.Generator, int or None, optional
        Source of the change of basis ``P`` (one draw of ``rng.standard_normal((2n, 2n))``);
        see :func:`linrec._validation.as_rng`.

    Returns
    -------
    A : numpy.ndarray, shape (2n, 2n)
        ``P blockdiag(rot(lam_i)) P^{-1}``.
    B : numpy.ndarray, shape (2n, 1)
        ``P [Re b_1, Im b_1, ..., Re b_n, Im b_n]^T``.
    C : numpy.ndarray, shape (1, 2n)
        ``[Re c_1, -Im c_1, ..., Re c_n, -Im c_n] P^{-1}``.

    Raises
    ------
    ValueError
        If the shapes differ, or the drawn basis is numerically singular.

    Notes
    -----
    With ``h_i = u_i + i v_i``, ``lam h_i = (Re lam u_i - Im lam v_i) + i (Im lam u_i + Re lam v_i)``,
    so ``(u_i, v_i)`` evolves by ``rot(lam_i) = [[Re lam_i, -Im lam_i], [Im lam_i, Re lam_i]]``
    with input ``(Re b_i, Im b_i)``, and ``Re(c_i h_i) = Re c_i u_i - Im c_i v_i``. Hence
    ``C_0 A_0^s B_0 = Re(sum_i c_i b_i lam_i^s)`` for the block-diagonal ``(A_0, B_0, C_0)``, and
    the similarity ``A = P A_0 P^{-1}``, ``B = P B_0``, ``C = C_0 P^{-1}`` with a Gaussian ``P``
    keeps ``C A^s B = C_0 A_0^s B_0`` (``P`` is invertible with probability one). ``P^{-1}`` is
    applied through ``numpy.linalg.solve``.

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 4 (a dense student at the same optimum as the complex-diagonal
    one, for comparing the structure of their Hessians); the real form of a complex-conjugate
    eigenvalue pair is the standard real Jordan form.

    Examples
    --------
    >>> lam, b, c = np.array([0.9 * np.exp(0.3j)]), np.array([1.0 + 0.5j]), np.array([0.2 - 1j])
    >>> A, B, C = dense_realization(lam, b, c, np.random.default_rng(0))
    >>> A.shape, B.shape, C.shape
    ((2, 2), (2, 1), (1, 2))
    >>> kd, _ = diagonal_impulse_response(5, lam, b, c)
    >>> kn, _ = dense_impulse_response(5, A, B, C)
    >>> bool(np.allclose(kn.ravel(), kd, rtol=0, atol=1e-12))
    True
    """
    lam = np.asarray(as_float_array(lam, "lam", ndim=1), dtype=np.complex128)
    n = lam.size
    b = np.asarray(as_float_array(b, "b", ndim=1), dtype=np.complex128)
    c = np.asarray(as_float_array(c, "c", ndim=1), dtype=np.complex128)
    if b.shape != (n,) or c.shape != (n,):
        raise ValueError(f"b and c must have shape ({n},) like lam; got {b.shape} and {c.shape}")
    rng = as_rng(rng)
    A0 = np.zeros((2 * n, 2 * n))
    for i, z in enumerate(lam):
        A0[2 * i:2 * i + 2, 2 * i:2 * i + 2] = [[z.real, -z.imag], [z.imag, z.real]]
    B0 = np.stack([b.real, b.imag], axis=1).reshape(2 * n, 1)
    C0 = np.stack([c.real, -c.imag], axis=1).reshape(1, 2 * n)
    P = rng.standard_normal((2 * n, 2 * n))
    if np.linalg.cond(P) > 1e12:  # probability ~0 for a Gaussian draw; guards the solves below
        raise ValueError("the random change of basis is numerically singular; draw again with another rng")
    A = np.linalg.solve(P.T, (P @ A0).T).T  # P A0 P^{-1}
    C = np.linalg.solve(P.T, C0.T).T  # C0 P^{-1}
    return A, P @ B0, C


# ----------------------------------------------------------------------------------------------
# Reading the structure of a Hessian
# ----------------------------------------------------------------------------------------------


def top_eigvec_mass(H: Any, coords: Any, k: int = 1) -> np.ndarray:
    """Fraction of the squared mass of the top-k eigenvectors of H that sits on ``coords``.

    Parameters
    ----------
    H : array_like, shape (P, P)
        Symmetric matrix (e.g. the Hessian at the optimum).
    coords : array_like of int or bool
        Indices (or a boolean mask) of the coordinates of interest (e.g. recurrent ones).
    k : int, optional
        Number of leading eigenvectors (by eigenvalue).

    Returns
    -------
    numpy.ndarray, shape (k,)
        ``sum_{i in coords} v_i^2`` for each unit eigenvector, largest eigenvalue first.

    Examples
    --------
    >>> top_eigvec_mass(np.diag([3.0, 1.0]), [0]).tolist()
    [1.0]
    """
    H = check_square(H, "H", allow_complex=False)
    k = check_positive_int(k, "k")
    if k > H.shape[0]:
        raise ValueError(f"k must be <= {H.shape[0]}; got {k}")
    w, V = np.linalg.eigh(0.5 * (H + H.T))
    V = V[:, np.argsort(w)[::-1][:k]]
    sel = np.zeros(H.shape[0], dtype=bool)
    sel[np.asarray(coords)] = True
    return np.sum(V[sel] ** 2, axis=0)


def participation_ratio(v: Any) -> np.ndarray:
    """Participation ratio ``(sum v_i^2)^2 / sum v_i^4`` (1: one coordinate; P: spread evenly).

    Parameters
    ----------
    v : array_like, shape (P,) or (P, m)
        Vector(s) (columns).

    Returns
    -------
    numpy.ndarray
        Ratio per column (scalar array for a vector).

    Examples
    --------
    >>> float(participation_ratio([1.0, 1.0, 0.0, 0.0]))
    2.0
    """
    v = as_float_array(v, "v", ndim=(1, 2))
    a2 = np.abs(v) ** 2
    return np.sum(a2, axis=0) ** 2 / np.sum(a2**2, axis=0)


def diagonal_dominance(H: Any) -> float:
    """Share of the squared Frobenius norm of H on its diagonal, ``||diag H||^2 / ||H||_F^2``.

    A diagonal preconditioner (Adam) captures H well when this is close to 1.

    Parameters
    ----------
    H : array_like, shape (P, P)
        Matrix.

    Returns
    -------
    float
        In [1/P, 1] for positive semi-definite H.

    Examples
    --------
    >>> diagonal_dominance(np.eye(3))
    1.0
    """
    H = check_square(H, "H")
    return float(np.sum(np.abs(np.diag(H)) ** 2) / np.sum(np.abs(H) ** 2))


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
    Zucchet & Orvieto (2024), Sec. 4 (loss averaged over the sequence).

    Examples
    --------
    >>> loss_weights(4)
    array([1.  , 0.75, 0.5 , 0.25])
    """
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
    Zucchet & Orvieto (2024), Sec. 4, teacher-student loss (with white-noise
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
    Zucchet & Orvieto (2024), Sec. 4 (Hessian at optimality).

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
