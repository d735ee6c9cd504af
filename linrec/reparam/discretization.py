"""Discretization atlas: ZOH, bilinear, Euler and Mamba's ZOH/Euler mix of a diagonal mode.

A continuous-time mode h' = a h + B u (a real or complex, Re a ≤ 0) run with step Δ > 0 becomes
h_k = λ h_{k−1} + B̄ u_k. With z = Δa every map is λ = ψ(z), B̄ = Δ B φ(z):

==================  ===========================  ======================  =========================
method              λ = ψ(z)                     B̄ / (Δ B) = φ(z)        1 − λ (real z, no cancel.)
==================  ===========================  ======================  =========================
``zoh``             e^z                          expm1(z)/z (1 at 0)     −expm1(z)
``bilinear``        (1 + z/2)/(1 − z/2)          1/(1 − z/2)             −z/(1 − z/2)
``forward_euler``   1 + z                        1                       −z
``backward_euler``  1/(1 − z)                    1/(1 − z)               −z/(1 − z)
``zoh_euler``       e^z                          1                       −expm1(z)
==================  ===========================  ======================  =========================

``zoh_euler`` is what Mamba's implementation computes (exact ZOH for A, the Euler
approximation Δ B for B). Contents:

* :func:`discretize`, :func:`discretize_grad` (∂λ/∂a, ∂λ/∂Δ, ∂B̄/∂a, ∂B̄/∂Δ, series-stable at
  z → 0), :func:`stability_region`, :func:`discretization_gap` (1 − |λ| without cancellation)
  and :func:`one_minus_abs2`.
* Curse of memory of the discretized mode: :func:`discretized_state_moment`,
  :func:`discretized_sensitivity` (white noise, exact closed form with the B̄(a) chain rule)
  and :func:`sensitivity_exponent` (derived exponent vs measured log-log slope).
* Composition with the stable reparameterizations: :func:`discretize_reparam` returns a
  discrete-time :class:`DiscretizedReparam` λ_d(w) = ψ(Δ f(w)) that
  :mod:`linrec.reparam.criteria` accepts as is; :func:`discretized_criteria` evaluates
  StableSSM's criteria on it.

References
----------
A. Gu and T. Dao, "Mamba: linear-time sequence modeling with selective state spaces", 2023,
Sec. 2 eq. (4) (ZOH) and Sec. 3.5 / App. (the simplified Euler B̄ = ΔB).
A. Gu, K. Goel and C. Ré, "Efficiently modeling long sequences with structured state spaces"
(S4), ICLR 2022, Sec. 2 (bilinear discretization).
S. Wang and Q. Li, "StableSSM", ICML 2024, Sec. 3 (gradient scale, stable reparameterization).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from linrec._validation import as_float_array, check_choice
from linrec.reparam.maps import Interval, Reparam, zoh, zoh_grad

__all__ = [
    "DISCRETIZATIONS",
    "SENSITIVITY_PARAMS",
    "discretize",
    "discretize_grad",
    "DiscretizationGrad",
    "stability_region",
    "one_minus_abs2",
    "discretization_gap",
    "discretized_state_moment",
    "discretized_sensitivity",
    "sensitivity_exponent",
    "exact_sensitivity_exponent",
    "SensitivityExponent",
    "DiscretizedReparam",
    "discretize_reparam",
    "discretized_criteria",
    "DiscretizedCriteria",
]

DISCRETIZATIONS: tuple[str, ...] = ("zoh", "bilinear", "forward_euler", "backward_euler", "zoh_euler")
"""Names of the discretization maps."""

SENSITIVITY_PARAMS: tuple[str, ...] = ("a", "a_log", "delta")
"""Parameters p of :func:`discretized_sensitivity`: a, Mamba's A_log = log(−a), and Δ."""


# ----------------------------------------------------------------------------------------------
# The maps as functions of z = Δ a
# ----------------------------------------------------------------------------------------------


def _method(method: Any) -> str:
    if not isinstance(method, str):
        raise ValueError(f"method must be one of {DISCRETIZATIONS}; got {method!r}")
    return check_choice(method, "method", DISCRETIZATIONS)


def _psi(z: np.ndarray, method: str) -> np.ndarray:
    """λ = ψ(z)."""
    if method in ("zoh", "zoh_euler"):
        return np.exp(z)
    if method == "bilinear":
        return (1.0 + z / 2.0) / (1.0 - z / 2.0)
    if method == "forward_euler":
        return 1.0 + z
    return 1.0 / (1.0 - z)


def _dpsi(z: np.ndarray, method: str) -> np.ndarray:
    """ψ'(z), written so that large |z| underflows instead of overflowing."""
    if method in ("zoh", "zoh_euler"):
        return np.exp(z)
    if method == "bilinear":
        return (1.0 / (1.0 - z / 2.0)) ** 2
    if method == "forward_euler":
        return np.ones_like(z)
    return (1.0 / (1.0 - z)) ** 2


def _d2psi(z: np.ndarray, method: str) -> np.ndarray:
    """ψ''(z)."""
    if method in ("zoh", "zoh_euler"):
        return np.exp(z)
    if method == "bilinear":
        return (1.0 / (1.0 - z / 2.0)) ** 3
    if method == "forward_euler":
        return np.zeros_like(z)
    return 2.0 * (1.0 / (1.0 - z)) ** 3


def _psi_inverse(lam: np.ndarray, method: str) -> np.ndarray:
    """z = ψ^{-1}(λ) (real λ in the range of ψ on z ≤ 0)."""
    if method in ("zoh", "zoh_euler"):
        return np.log(lam)
    if method == "bilinear":
        return 2.0 * (lam - 1.0) / (lam + 1.0)
    if method == "forward_euler":
        return lam - 1.0
    return (lam - 1.0) / lam


def _one_minus_lam(z: np.ndarray, method: str) -> np.ndarray:
    """1 − ψ(z) without cancellation at small |z|."""
    if method in ("zoh", "zoh_euler"):
        return -np.expm1(z)
    if method == "bilinear":
        return -z / (1.0 - z / 2.0)
    if method == "forward_euler":
        return -z
    return -z / (1.0 - z)


def _one_plus_lam(z: np.ndarray, method: str) -> np.ndarray:
    """1 + ψ(z) without cancellation near λ = −1."""
    if method in ("zoh", "zoh_euler"):
        return 1.0 + np.exp(z)
    if method == "bilinear":
        return 2.0 / (1.0 - z / 2.0)
    if method == "forward_euler":
        return 2.0 + z
    return (2.0 - z) / (1.0 - z)


def _check_a_delta(a: Any, delta: Any, *, real: bool = False, strict: bool = False):
    a = as_float_array(a, "a", allow_complex=not real, min_size=0)
    d = as_float_array(delta, "delta", allow_complex=False, min_size=0)
    if strict and np.any(np.real(a) >= 0):
        bad = np.real(a)[np.real(a) >= 0].ravel()[0]
        raise ValueError(f"a must be < 0 (a stationary, decaying mode); got a = {bad!r}")
    if np.any(np.real(a) > 0):
        bad = np.real(a)[np.real(a) > 0].ravel()[0]
        raise ValueError(f"a must have Re(a) <= 0 (a stable continuous-time mode); got Re(a) = {bad!r}")
    if np.any(d <= 0):
        raise ValueError(f"delta must be > 0; got {float(np.min(d))!r}")
    return a, d


def _check_b(B: Any, *, real: bool = False) -> np.ndarray:
    return as_float_array(B, "B", allow_complex=not real, min_size=0)


def discretize(a: Any, delta: Any, method: str = "zoh", B: Any = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Discretize a diagonal continuous-time mode h' = a h + B u with step Δ.

    Parameters
    ----------
    a : array_like
        Continuous-time eigenvalues (real or complex) with Re a ≤ 0.
    delta : array_like
        Step sizes Δ > 0 (broadcast against ``a`` and ``B``).
    method : {"zoh", "bilinear", "forward_euler", "backward_euler", "zoh_euler"}, optional
        The discretization (default ``"zoh"``).
    B : array_like, optional
        Input coefficient (default 1).

    Returns
    -------
    lam : numpy.ndarray
        Discrete eigenvalue λ = ψ(Δa).
    bbar : numpy.ndarray
        Discrete input coefficient B̄.

    Notes
    -----
    With z = Δa:

    * ZOH: λ = e^z, B̄ = (e^z − 1)/a · B = Δ B expm1(z)/z (Δ B at a = 0), via
      :func:`linrec.reparam.maps.zoh`;
    * bilinear (Tustin): λ = (1 + z/2)/(1 − z/2), B̄ = Δ B/(1 − z/2);
    * forward Euler: λ = 1 + z, B̄ = Δ B;
    * backward Euler: λ = 1/(1 − z), B̄ = Δ B/(1 − z);
    * ``zoh_euler`` (Mamba's implementation): λ = e^z, B̄ = Δ B.

    References
    ----------
    .. [1] A. Gu and T. Dao, "Mamba", 2023, Sec. 2 eq. (4) (ZOH: Ā = exp(ΔA),
       B̄ = (ΔA)^{-1}(exp(ΔA) − I) ΔB).
    .. [2] A. Gu, K. Goel, C. Ré, "S4", ICLR 2022, Sec. 2 (bilinear:
       Ā = (I − Δ/2 A)^{-1}(I + Δ/2 A), B̄ = (I − Δ/2 A)^{-1} ΔB).

    Examples
    --------
    >>> lam, bbar = discretize(-1.0, 0.5, "bilinear")
    >>> float(lam), float(bbar)
    (0.6, 0.4)
    >>> lam, bbar = discretize(0.0, 0.1, "zoh", B=2.0)
    >>> float(lam), float(bbar)
    (1.0, 0.2)
    """
    method = _method(method)
    a, d = _check_a_delta(a, delta)
    B = _check_b(B)
    a, d, B = np.broadcast_arrays(a, d, B)
    z = d * a
    if method == "zoh":
        lam, bb = zoh(a, d)
        return lam, bb * B
    lam = _psi(z, method)
    if method in ("forward_euler", "zoh_euler"):
        phi = np.ones_like(z)
    elif method == "bilinear":
        phi = 1.0 / (1.0 - z / 2.0)
    else:
        phi = 1.0 / (1.0 - z)
    return lam, d * B * phi


class DiscretizationGrad(NamedTuple):
    """Derivatives returned by :func:`discretize_grad` (complex derivatives for complex a).

    Parameters
    ----------
    dlam_da : numpy.ndarray
        ∂λ/∂a.
    dlam_ddelta : numpy.ndarray
        ∂λ/∂Δ.
    dbbar_da : numpy.ndarray
        ∂B̄/∂a.
    dbbar_ddelta : numpy.ndarray
        ∂B̄/∂Δ.

    Examples
    --------
    >>> g = discretize_grad(-1.0, 1.0, "forward_euler")
    >>> float(g.dlam_da), float(g.dbbar_da)
    (1.0, 0.0)
    """

    dlam_da: np.ndarray
    dlam_ddelta: np.ndarray
    dbbar_da: np.ndarray
    dbbar_ddelta: np.ndarray


def discretize_grad(a: Any, delta: Any, method: str = "zoh", B: Any = 1.0) -> DiscretizationGrad:
    """Derivatives of (λ, B̄) with respect to a and Δ.

    Parameters
    ----------
    a : array_like
        Continuous-time eigenvalues with Re a ≤ 0.
    delta : array_like
        Steps Δ > 0.
    method : str, optional
        One of :data:`DISCRETIZATIONS`.
    B : array_like, optional
        Input coefficient (default 1).

    Returns
    -------
    DiscretizationGrad
        ``(dlam_da, dlam_ddelta, dbbar_da, dbbar_ddelta)``.

    Notes
    -----
    λ = ψ(z), B̄ = Δ B φ(z), z = Δa, so ∂λ/∂a = Δψ'(z), ∂λ/∂Δ = aψ'(z),
    ∂B̄/∂a = Δ² B φ'(z), ∂B̄/∂Δ = B (φ + zφ')(z) = B d(zφ)/dz:

    * ZOH: ψ' = e^z; φ' = g(z) = (z e^z − e^z + 1)/z² (series 1/2 + z/3 + … for |z| ≤ 1/2,
      from :func:`linrec.reparam.maps.zoh_grad`); ∂B̄/∂Δ = B e^z;
    * bilinear: ψ' = (1 − z/2)^{−2}; φ' = (1/2)(1 − z/2)^{−2}; ∂B̄/∂Δ = B (1 − z/2)^{−2};
    * forward Euler: ψ' = 1; φ' = 0; ∂B̄/∂Δ = B;
    * backward Euler: ψ' = φ' = (1 − z)^{−2}; ∂B̄/∂Δ = B (1 − z)^{−2};
    * ``zoh_euler``: ψ' = e^z; φ' = 0; ∂B̄/∂Δ = B.

    No formula divides by z, so all are exact at z = 0.

    References
    ----------
    .. [1] A. Gu and T. Dao, "Mamba", 2023, Sec. 2 eq. (4).
    .. [2] A. Gu, K. Goel, C. Ré, "S4", ICLR 2022, Sec. 2.

    Examples
    --------
    >>> g = discretize_grad(0.0, 2.0, "zoh")
    >>> [float(v) for v in g]
    [2.0, 0.0, 2.0, 1.0]
    """
    method = _method(method)
    a, d = _check_a_delta(a, delta)
    B = _check_b(B)
    a, d, B = np.broadcast_arrays(a, d, B)
    z = d * a
    dpsi = _dpsi(z, method)
    if method == "zoh":
        _, dbb = zoh_grad(a, d)  # Δ² g(z)
        return DiscretizationGrad(d * dpsi, a * dpsi, B * dbb, B * np.exp(z))
    if method in ("forward_euler", "zoh_euler"):
        return DiscretizationGrad(d * dpsi, a * dpsi, np.zeros_like(z * B), B * np.ones_like(z))
    if method == "bilinear":
        s = (1.0 / (1.0 - z / 2.0)) ** 2
        return DiscretizationGrad(d * dpsi, a * dpsi, 0.5 * d * d * B * s, B * s)
    s = (1.0 / (1.0 - z)) ** 2
    return DiscretizationGrad(d * dpsi, a * dpsi, d * d * B * s, B * s)


# ----------------------------------------------------------------------------------------------
# Stability regions and the gap
# ----------------------------------------------------------------------------------------------


def _z(z: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    z = np.asarray(as_float_array(z, "z", min_size=0), dtype=np.complex128)
    return z, np.real(z), np.abs(z) ** 2


def _num_den(z: np.ndarray, x: np.ndarray, r2: np.ndarray, method: str) -> tuple[np.ndarray, np.ndarray]:
    """1 − |λ|² = num/den with num computed without cancellation (den > 0 except at a pole)."""
    if method == "bilinear":  # |1 − z/2|² − |1 + z/2|² = −2x
        return -2.0 * x, np.abs(1.0 - z / 2.0) ** 2
    if method == "forward_euler":  # 1 − |1 + z|² = −(2x + |z|²)
        return -(2.0 * x + r2), np.ones_like(x)
    # backward Euler: |1 − z|² − 1 = |z|² − 2x
    return r2 - 2.0 * x, np.abs(1.0 - z) ** 2


def stability_region(z: Any, method: str = "zoh") -> np.ndarray:
    """Whether z = Δa is mapped inside the open unit disk, |λ(z)| < 1.

    Parameters
    ----------
    z : array_like
        Points of the complex plane (any sign of Re z).
    method : str, optional
        One of :data:`DISCRETIZATIONS`.

    Returns
    -------
    numpy.ndarray of bool
        |ψ(z)| < 1.

    Notes
    -----
    Decided from the sign of the numerator of 1 − |λ|² (exact up to the rounding of one
    product): ZOH: Re z < 0; bilinear: |1 − z/2|² − |1 + z/2|² = −2 Re z > 0, i.e.
    Re z < 0 (the left half plane maps exactly onto the disk); forward Euler:
    −(2 Re z + |z|²) > 0, i.e. |1 + z| < 1; backward Euler: |z|² − 2 Re z > 0, i.e.
    |1 − z| > 1 (the whole left half plane and part of the right one). Poles (z = 2 bilinear,
    z = 1 backward Euler) are unstable.

    References
    ----------
    .. [1] A. Gu, K. Goel, C. Ré, "S4", ICLR 2022, Sec. 2 (bilinear).
    .. [2] A. Gu and T. Dao, "Mamba", 2023, Sec. 2 eq. (4).

    Examples
    --------
    >>> stability_region([-3.0, -1.0, 0.5j - 0.1], "forward_euler").tolist()
    [False, True, False]
    >>> stability_region([-3.0, 1e-300j - 1e-300], "bilinear").tolist()
    [True, True]
    """
    method = _method(method)
    z, x, r2 = _z(z)
    if method in ("zoh", "zoh_euler"):
        return x < 0
    num, _ = _num_den(z, x, r2, method)
    return num > 0


def one_minus_abs2(z: Any, method: str = "zoh") -> np.ndarray:
    """1 − |λ(z)|² without cancellation at small |z| (negative outside the stability region).

    Parameters
    ----------
    z : array_like
        z = Δa (complex allowed).
    method : str, optional
        One of :data:`DISCRETIZATIONS`.

    Returns
    -------
    numpy.ndarray
        1 − |ψ(z)|² (``-inf`` at a pole).

    Notes
    -----
    ZOH: −expm1(2 Re z); bilinear: −2 Re z/|1 − z/2|²; forward Euler: −(2 Re z + |z|²);
    backward Euler: (|z|² − 2 Re z)/|1 − z|². Each numerator is a sum of terms of one sign
    inside the stability region (Re z < 0), hence no cancellation.

    References
    ----------
    .. [1] A. Gu, K. Goel, C. Ré, "S4", ICLR 2022, Sec. 2.

    Examples
    --------
    >>> float(one_minus_abs2(-1e-12, "bilinear"))
    2e-12
    """
    method = _method(method)
    z, x, r2 = _z(z)
    if method in ("zoh", "zoh_euler"):
        with np.errstate(over="ignore"):
            return -np.expm1(2.0 * x)
    num, den = _num_den(z, x, r2, method)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), -np.inf)


def discretization_gap(z: Any, method: str = "zoh") -> np.ndarray:
    """The gap 1 − |λ(z)| computed without cancellation for small |z|.

    Parameters
    ----------
    z : array_like
        z = Δa (complex allowed; outside the stability region the gap is negative).
    method : str, optional
        One of :data:`DISCRETIZATIONS`.

    Returns
    -------
    numpy.ndarray
        1 − |ψ(z)| (``-inf`` at a pole).

    Notes
    -----
    ZOH and ``zoh_euler``: |λ| = e^{Re z}, gap = −expm1(Re z). Otherwise
    gap = (1 − |λ|²)/(1 + |λ|) with 1 − |λ|² from :func:`one_minus_abs2`:

    * bilinear: −2 Re z / (|1 − z/2|² (1 + |λ|)); on the real axis −z/(1 − z/2);
    * forward Euler: −(2 Re z + |z|²)/(1 + |1 + z|); on the real axis −z;
    * backward Euler: (|z|² − 2 Re z)/(|1 − z| (|1 − z| + 1)); on the real axis −z/(1 − z).

    All are accurate to a few ulps relative at z = −1e−12 (checked against mpmath).

    References
    ----------
    .. [1] A. Gu and T. Dao, "Mamba", 2023, Sec. 2 eq. (4).
    .. [2] A. Gu, K. Goel, C. Ré, "S4", ICLR 2022, Sec. 2.

    Examples
    --------
    >>> float(discretization_gap(-1e-12, "zoh"))
    9.999999999995e-13
    >>> float(discretization_gap(-3.0, "forward_euler"))
    -1.0
    """
    method = _method(method)
    zc, x, r2 = _z(z)
    if method in ("zoh", "zoh_euler"):
        with np.errstate(over="ignore"):
            return -np.expm1(x)
    if method == "backward_euler":
        m1 = np.abs(1.0 - zc)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(m1 > 0, (r2 - 2.0 * x) / np.where(m1 > 0, m1 * (m1 + 1.0), 1.0), -np.inf)
    q = one_minus_abs2(zc, method)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        mod = np.abs(_psi(zc, method)) if method == "forward_euler" else np.abs(1.0 + zc / 2.0) / np.abs(1.0 - zc / 2.0)
        return np.where(np.isfinite(q), q / (1.0 + np.where(np.isfinite(mod), mod, 0.0)), -np.inf)


# ----------------------------------------------------------------------------------------------
# Curse of memory of the discretized mode (real a < 0, unit white noise)
# ----------------------------------------------------------------------------------------------


def _mode(a: Any, delta: Any, method: str, B: Any, b_scaling: bool):
    """(z, λ, 1 − λ², b, grads) for the real stationary mode."""
    if not isinstance(b_scaling, (bool, np.bool_)):
        raise TypeError(f"b_scaling must be a bool; got {b_scaling!r}")
    method = _method(method)
    a, d = _check_a_delta(a, delta, real=True, strict=True)
    B = _check_b(B, real=True)
    a, d, B = np.broadcast_arrays(a, d, B)
    z = d * a
    if method == "forward_euler" and np.any(z <= -2.0):
        bad = float(z[z <= -2.0].ravel()[0])
        raise ValueError("delta * a must be > -2 for forward Euler to give a stationary mode (|1 + z| < 1); "
                         f"got delta * a = {bad!r}")
    lam, bbar = discretize(a, d, method, B)
    q = _one_minus_lam(z, method) * _one_plus_lam(z, method)  # 1 − λ², no cancellation
    g = discretize_grad(a, d, method, B)
    b = bbar if b_scaling else B.copy()
    return method, a, d, B, z, lam, q, b, g


def discretized_state_moment(a: Any, delta: Any, method: str = "zoh", *, B: Any = 1.0,
                             b_scaling: bool = True) -> np.ndarray:
    """Stationary E[h²] of the discretized mode under unit white-noise input.

    Parameters
    ----------
    a : array_like
        Real continuous-time eigenvalues a < 0.
    delta : array_like
        Steps Δ > 0 (for forward Euler Δ|a| < 2).
    method : str, optional
        One of :data:`DISCRETIZATIONS`.
    B : array_like, optional
        Real input coefficient (default 1).
    b_scaling : bool, optional
        True (default): the input enters through B̄(a, Δ); False: through B itself
        (h_t = λ h_{t−1} + B x_t, no discretization of B).

    Returns
    -------
    numpy.ndarray
        E[h²] = b²/(1 − λ²) with b = B̄ (or B).

    Notes
    -----
    h_t = λ h_{t−1} + b x_t, E[x_s x_t] = [s = t]: h_t = b Σ_k λ^k x_{t−k}, so
    E[h²] = b² Σ_k λ^{2k} = b²/(1 − λ²). 1 − λ² = (1 − λ)(1 + λ) with both factors from
    closed forms in z (see the module table), so the moment is accurate as Δ|a| → 0.

    References
    ----------
    .. [1] N. Zucchet and A. Orvieto, NeurIPS 2024, Sec. 3 (white-noise state moment).
    .. [2] A. Gu and T. Dao, "Mamba", 2023, Sec. 2 eq. (4).

    Examples
    --------
    >>> round(float(discretized_state_moment(-1e-8, 1.0, "zoh")), 1)  # ~ Δ²/(2Δ|a|)
    50000000.0
    """
    _, _, _, _, _, _, q, b, _ = _mode(a, delta, method, B, b_scaling)
    return b * b / q


def _param_derivs(param: str, a, d, B, z, g, b_scaling: bool):
    """(∂λ/∂p, ∂b/∂p) for p = a, log(−a) or Δ."""
    check_choice(param, "param", SENSITIVITY_PARAMS)
    zero = np.zeros_like(z)
    if param == "a":
        lp, bp = g.dlam_da, g.dbbar_da
    elif param == "a_log":  # a = −exp(p): da/dp = a
        lp, bp = a * g.dlam_da, a * g.dbbar_da
    else:
        lp, bp = g.dlam_ddelta, g.dbbar_ddelta
    return lp, (bp if b_scaling else zero)


def discretized_sensitivity(a: Any, delta: Any, method: str = "zoh", *, param: str = "a", B: Any = 1.0,
                            b_scaling: bool = True) -> np.ndarray:
    """Curse-of-memory sensitivity E[(∂h/∂p)²] of the discretized mode (unit white noise).

    Parameters
    ----------
    a : array_like
        Real continuous-time eigenvalues a < 0.
    delta : array_like
        Steps Δ > 0 (for forward Euler Δ|a| < 2).
    method : str, optional
        One of :data:`DISCRETIZATIONS`.
    param : {"a", "a_log", "delta"}, optional
        The continuous parameter p: a itself, Mamba's ``A_log`` = log(−a) (a = −e^p), or Δ.
    B : array_like, optional
        Real input coefficient (default 1).
    b_scaling : bool, optional
        True (default): input through B̄(a, Δ), which depends on p too; False: through a fixed B.

    Returns
    -------
    numpy.ndarray
        The stationary sensitivity.

    Notes
    -----
    h_t = Σ_{k≥0} b λ^k x_{t−k}, so ∂h/∂p = Σ_k c_k x_{t−k} with
    c_k = λ_p b k λ^{k−1} + b_p λ^k (λ_p = ∂λ/∂p, b_p = ∂b/∂p by the chain rule through
    λ(a, Δ) and B̄(a, Δ), :func:`discretize_grad`). With Σ k² r^{k−1} = (1 + r)/(1 − r)³,
    Σ k r^k = r/(1 − r)², r = λ²:

    E[(∂h/∂p)²] = Σ c_k² = λ_p² b² (1 + λ²)/(1 − λ²)³ + 2 λ_p b b_p λ/(1 − λ²)² + b_p²/(1 − λ²).

    The first term is b² λ_p² times :func:`linrec.memory.sensitivity` ("lam"); the last is
    b_p²/b² times :func:`discretized_state_moment`. Asymptotics (ε = Δ|a| → 0, all five
    methods alike, since ψ(z) = 1 + z + O(z²) and φ(z) = 1 + O(z)): see
    :func:`exact_sensitivity_exponent`.

    References
    ----------
    .. [1] N. Zucchet and A. Orvieto, NeurIPS 2024, Sec. 3 (sensitivity
       (1 + λ²)/(1 − λ²)³; reparameterization by the chain rule).
    .. [2] A. Gu and T. Dao, "Mamba", 2023, Sec. 2 eq. (4) and the A_log parameterization.

    Examples
    --------
    >>> s = discretized_sensitivity(-1e-4, 1.0, "forward_euler", b_scaling=False)
    >>> bool(np.isclose(s, (1 + (1 - 1e-4) ** 2) / (1 - (1 - 1e-4) ** 2) ** 3))
    True
    """
    method, a, d, B, z, lam, q, b, g = _mode(a, delta, method, B, b_scaling)
    lp, bp = _param_derivs(param, a, d, B, z, g, b_scaling)
    return lp**2 * b**2 * (1.0 + lam**2) / q**3 + 2.0 * lp * b * bp * lam / q**2 + bp**2 / q


_EXPONENTS = {
    # (fixed, b_scaling, param) -> k with E ~ ε^{-k}, ε = Δ|a| → 0
    ("delta", True, None): 1, ("delta", True, "a"): 3, ("delta", True, "a_log"): 1, ("delta", True, "delta"): 1,
    ("delta", False, None): 1, ("delta", False, "a"): 3, ("delta", False, "a_log"): 1, ("delta", False, "delta"): 1,
    ("a", True, None): -1, ("a", True, "a"): -1, ("a", True, "a_log"): -1, ("a", True, "delta"): 1,
    ("a", False, None): 1, ("a", False, "a"): 1, ("a", False, "a_log"): 1, ("a", False, "delta"): 3,
}


def _check_exp_args(method, param, fixed, b_scaling):
    method = _method(method)
    if param is not None:
        check_choice(param, "param", SENSITIVITY_PARAMS)
    check_choice(fixed, "fixed", ("delta", "a"))
    if not isinstance(b_scaling, (bool, np.bool_)):
        raise TypeError(f"b_scaling must be a bool; got {b_scaling!r}")
    return method


def exact_sensitivity_exponent(method: str = "zoh", param: str | None = "a", *, fixed: str = "delta",
                               b_scaling: bool = True) -> int:
    """Derived exponent k with E[(∂h/∂p)²] ~ (Δ|a|)^{−k} as Δ|a| → 0 (param None: E[h²]).

    Parameters
    ----------
    method : str, optional
        One of :data:`DISCRETIZATIONS` (the exponent does not depend on it).
    param : {"a", "a_log", "delta", None}, optional
        Sensitivity parameter, or None for the state moment E[h²].
    fixed : {"delta", "a"}, optional
        Which of Δ and a is held fixed while ε = Δ|a| → 0 (a → 0⁻ at fixed Δ: long memory of
        the continuous mode; Δ → 0 at fixed a: finer sampling).
    b_scaling : bool, optional
        Input through B̄ (True) or through a fixed B (False).

    Returns
    -------
    int
        k (negative: the quantity vanishes).

    Notes
    -----
    Every method has 1 − λ = ε + O(ε²), 1 − λ² = 2ε + O(ε²), ∂λ/∂a = Δ(1 + O(ε)),
    ∂λ/∂Δ = a(1 + O(ε)), B̄ = ΔB(1 + O(ε)), ∂B̄/∂a = Δ²B φ'(0)(1 + O(ε)),
    ∂B̄/∂Δ = B(1 + O(ε)). Inserting into the formula of :func:`discretized_sensitivity`
    (leading term λ_p² b²/(4ε³) unless it vanishes faster):

    =============  =========  ===========  ==========  ==========
    fixed          E[h²]      p = a        p = A_log   p = Δ
    =============  =========  ===========  ==========  ==========
    Δ (any b)      1          3            1           1
    a, b = B̄       −1         −1           −1          1
    a, b = B       1          1            1           3
    =============  =========  ===========  ==========  ==========

    E.g. fixed Δ, p = a: Δ⁴B²/(4ε³); p = A_log (λ_p = z ψ' ≈ −ε): Δ²B²/(4ε). Fixed a,
    p = Δ, b = B̄: the three terms are B²/ε (1/4 − 1/2 + 1/2) = B²/(4ε). The methods differ
    only in the O(ε) corrections (φ'(0) = 1/2, 1/2, 0, 1, 0).

    References
    ----------
    .. [1] N. Zucchet and A. Orvieto, NeurIPS 2024, Sec. 3 (curse of memory).
    .. [2] A. Gu and T. Dao, "Mamba", 2023, Sec. 2 eq. (4).

    Examples
    --------
    >>> exact_sensitivity_exponent("zoh", "a"), exact_sensitivity_exponent("zoh", "a_log")
    (3, 1)
    """
    _check_exp_args(method, param, fixed, b_scaling)
    return _EXPONENTS[(fixed, bool(b_scaling), param)]


@dataclass(frozen=True)
class SensitivityExponent:
    """Result of :func:`sensitivity_exponent`.

    Parameters
    ----------
    exact : int
        Derived exponent (:func:`exact_sensitivity_exponent`).
    measured : float
        −d log E/d log ε at the smallest ε (local slope).
    eps : numpy.ndarray
        The ε = Δ|a| grid (decreasing).
    values : numpy.ndarray
        E[(∂h/∂p)²] (or E[h²]) on the grid.
    local : numpy.ndarray
        −(local slopes) on the grid.

    Examples
    --------
    >>> r = sensitivity_exponent("bilinear", "a")
    >>> r.exact, round(r.measured, 6)
    (3, 3.0)
    """

    exact: int
    measured: float
    eps: np.ndarray = field(repr=False)
    values: np.ndarray = field(repr=False)
    local: np.ndarray = field(repr=False)


def sensitivity_exponent(method: str = "zoh", param: str | None = "a", *, fixed: str = "delta",
                         b_scaling: bool = True, eps: Any = None, B: float = 1.0) -> SensitivityExponent:
    """Measured log-log slope of the sensitivity as Δ|a| → 0, with the derived exponent.

    Parameters
    ----------
    method : str, optional
        One of :data:`DISCRETIZATIONS`.
    param : {"a", "a_log", "delta", None}, optional
        Sensitivity parameter, or None for E[h²].
    fixed : {"delta", "a"}, optional
        Hold Δ = 1 and set a = −ε, or hold a = −1 and set Δ = ε.
    b_scaling : bool, optional
        Input through B̄ (True) or through a fixed B (False).
    eps : array_like, optional
        Decreasing grid of ε = Δ|a| in (0, 1) (default logspace(−6, −9, 7)).
    B : float, optional
        Input coefficient.

    Returns
    -------
    SensitivityExponent
        ``exact`` and ``measured`` (= −d log E/d log ε at the last ε).

    Notes
    -----
    measured = −numpy.gradient(log E, log ε) at the smallest ε
    (:func:`linrec.memory.local_slope`). E = C ε^{−k}(1 + c₁ε + O(ε²)) gives
    measured = k − c₁ε + O(ε²): the default grid gives k to about 1e−9 |c₁|.

    References
    ----------
    .. [1] N. Zucchet and A. Orvieto, NeurIPS 2024, Sec. 3.
    .. [2] A. Gu and T. Dao, "Mamba", 2023, Sec. 2 eq. (4).

    Examples
    --------
    >>> r = sensitivity_exponent("zoh_euler", "delta", fixed="a", b_scaling=False)
    >>> r.exact, round(r.measured, 6)
    (3, 3.0)
    """
    from linrec.memory import local_slope

    method = _check_exp_args(method, param, fixed, b_scaling)
    if eps is None:
        eps = np.logspace(-6, -9, 7)
    e = as_float_array(eps, "eps", allow_complex=False, ndim=1, min_size=2)
    if np.any(e <= 0) or np.any(e >= 1):
        raise ValueError("eps must lie in (0, 1)")
    if fixed == "delta":
        a, d = -e, np.ones_like(e)
    else:
        a, d = -np.ones_like(e), e
    if param is None:
        v = discretized_state_moment(a, d, method, B=B, b_scaling=b_scaling)
    else:
        v = discretized_sensitivity(a, d, method, param=param, B=B, b_scaling=b_scaling)
    loc = -local_slope(e, v)
    return SensitivityExponent(exact_sensitivity_exponent(method, param, fixed=fixed, b_scaling=b_scaling),
                               float(loc[-1]), e, v, loc)


# ----------------------------------------------------------------------------------------------
# Composition with the continuous-time reparameterizations
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiscretizedReparam(Reparam):
    """A continuous-time reparameterization followed by a discretization: λ_d(w) = ψ(Δ f(w)).

    A discrete-time :class:`~linrec.reparam.maps.Reparam` (``time == "discrete"``), so the
    functions of :mod:`linrec.reparam.criteria` apply to it unchanged. Build it with
    :func:`discretize_reparam`.

    Parameters
    ----------
    name : str
        ``"<method>(<base name>)"``.
    time : str
        ``"discrete"``.
    a, b : float
        The base map's ``best`` parameters (NaN otherwise).
    base : Reparam
        The continuous-time map f.
    delta : float
        Step Δ > 0.
    method : str
        One of :data:`DISCRETIZATIONS` (only ψ matters; ``zoh_euler`` equals ``zoh`` here).

    Attributes
    ----------
    domain : Interval
        The base map's domain.
    range : Interval
        ψ(Δ · base range).

    Examples
    --------
    >>> from linrec.reparam import reparam
    >>> m = discretize_reparam(reparam("exp"), 1.0, "zoh")
    >>> m.name, m.time, round(float(m.f(0.0)), 6)
    ('zoh(exp)', 'discrete', 0.367879)
    """

    base: Reparam | None = None
    delta: float = 1.0
    method: str = "zoh"

    def __post_init__(self) -> None:
        if not isinstance(self.base, Reparam) or self.base.time != "continuous":
            raise TypeError("base must be a continuous-time linrec.reparam.Reparam (reparam(name, time='continuous'))")
        _method(self.method)
        if self.time != "discrete":
            raise ValueError(f"time must be 'discrete' for a discretized map; got {self.time!r}")
        object.__setattr__(self, "domain", self.base.domain)
        r = self.base.range
        lo = _psi(np.array(self.delta * r.low), self.method) if np.isfinite(r.low) else {
            "zoh": 0.0, "zoh_euler": 0.0, "bilinear": -1.0, "forward_euler": -np.inf, "backward_euler": 0.0,
        }[self.method]
        object.__setattr__(self, "range", Interval(float(lo), float(_psi(np.array(self.delta * r.high), self.method)),
                                                   r.low_closed, r.high_closed))

    def _zf(self, w: Any) -> tuple[np.ndarray, np.ndarray]:
        f = self.base.f(w)
        return self.delta * f, f

    def f(self, w: Any) -> np.ndarray:
        """λ_d = ψ(Δ f(w)).

        Parameters
        ----------
        w : array_like
            Weights in :attr:`domain`.

        Returns
        -------
        numpy.ndarray
            λ_d.

        Examples
        --------
        >>> from linrec.reparam import reparam
        >>> float(discretize_reparam(reparam("direct"), 2.0, "bilinear").f(-1.0))
        0.0
        """
        z, _ = self._zf(w)
        return _psi(z, self.method)

    def df(self, w: Any) -> np.ndarray:
        """dλ_d/dw = Δ ψ'(Δ f) f'(w).

        Parameters
        ----------
        w : array_like
            Weights.

        Returns
        -------
        numpy.ndarray
            The derivative.

        Examples
        --------
        >>> from linrec.reparam import reparam
        >>> float(discretize_reparam(reparam("direct"), 1.0, "forward_euler").df(-0.5))
        1.0
        """
        z, _ = self._zf(w)
        return self.delta * _dpsi(z, self.method) * self.base.df(w)

    def d2f(self, w: Any) -> np.ndarray:
        """d²λ_d/dw² = Δ² ψ''(Δ f) f'² + Δ ψ'(Δ f) f''.

        Parameters
        ----------
        w : array_like
            Weights.

        Returns
        -------
        numpy.ndarray
            The second derivative.

        Examples
        --------
        >>> from linrec.reparam import reparam
        >>> float(discretize_reparam(reparam("direct"), 1.0, "zoh").d2f(0.0 - 1e-300))
        1.0
        """
        z, _ = self._zf(w)
        fp = self.base.df(w)
        return self.delta**2 * _d2psi(z, self.method) * fp**2 + self.delta * _dpsi(z, self.method) * self.base.d2f(w)

    def boundary_distance(self, w: Any) -> np.ndarray:
        """d = 1 − λ_d without cancellation (−expm1(Δf) for ZOH, −Δf/(1 − Δf/2) bilinear, ...).

        Parameters
        ----------
        w : array_like
            Weights.

        Returns
        -------
        numpy.ndarray
            1 − λ_d.

        Examples
        --------
        >>> from linrec.reparam import reparam
        >>> float(discretize_reparam(reparam("exp"), 1.0, "zoh").boundary_distance(-40.0))
        4.248354255291589e-18
        """
        z, _ = self._zf(w)
        return _one_minus_lam(z, self.method)

    def gap(self, w: Any) -> np.ndarray:
        """1 − |λ_d| (:func:`discretization_gap` at z = Δ f(w)).

        Parameters
        ----------
        w : array_like
            Weights.

        Returns
        -------
        numpy.ndarray
            The gap (negative where λ_d leaves the unit disk).

        Examples
        --------
        >>> from linrec.reparam import reparam
        >>> float(discretize_reparam(reparam("direct"), 1.0, "forward_euler").gap(-3.0))
        -1.0
        """
        z, _ = self._zf(w)
        return np.real(discretization_gap(z, self.method))

    def inverse(self, lam: Any) -> np.ndarray:
        """w with ψ(Δ f(w)) = λ_d.

        Parameters
        ----------
        lam : array_like
            Discrete eigenvalues in :attr:`range`.

        Returns
        -------
        numpy.ndarray
            w = f^{−1}(ψ^{−1}(λ_d)/Δ).

        Examples
        --------
        >>> from linrec.reparam import reparam
        >>> m = discretize_reparam(reparam("softplus"), 0.5, "bilinear")
        >>> round(float(m.inverse(m.f(1.3))), 9)
        1.3
        """
        lam = as_float_array(lam, "lam", allow_complex=False, min_size=0)
        if not np.all(self.range.contains(lam)):
            bad = lam[~self.range.contains(lam)].ravel()[0]
            raise ValueError(f"lam must lie in {self.range} (range of {self.name}); got {bad!r}")
        lam_c = _psi_inverse(lam, self.method) / self.delta
        r = self.base.range
        if np.isfinite(r.low):  # rounding of ψ^{-1} must not step outside the base range
            lam_c = np.maximum(lam_c, r.low)
        return self.base.inverse(np.minimum(lam_c, -np.finfo(float).tiny))


def discretize_reparam(m: Reparam, delta: float = 1.0, method: str = "zoh") -> DiscretizedReparam:
    """Compose a continuous-time reparameterization with a discretization.

    Parameters
    ----------
    m : Reparam
        A continuous-time map (``reparam(name, time="continuous")``).
    delta : float, optional
        Step Δ > 0.
    method : str, optional
        One of :data:`DISCRETIZATIONS`.

    Returns
    -------
    DiscretizedReparam
        The discrete-time map w ↦ ψ(Δ f(w)).

    Notes
    -----
    λ_d(w) = ψ(Δ f(w)), λ_d' = Δ ψ'(Δf) f'. With the criteria' distance d_d = 1 − λ_d and the
    continuous one d_c = −f:

    |λ_d'|/d_d = r(z) · |f'|/d_c,   r(z) = z ψ'(z)/(ψ(z) − 1),  z = Δ f,

    and r = x/(eˣ − 1) (ZOH, x = −z), 1/(1 − z/2) (bilinear), 1/(1 − z) (backward Euler),
    1 (forward Euler), all in (0, 1] for z < 0 with r → 1 as z → 0. So the discretized map's
    gradient-over-distance ratio never exceeds the continuous one, and near the boundary
    (d_d ≈ Δ d_c) the gradient scale G_d = |λ_d'|/d_d² ≈ G_c/Δ: the boundary exponent k of
    StableSSM is unchanged.

    References
    ----------
    .. [1] S. Wang and Q. Li, "StableSSM", ICML 2024, Thm 3.6 and Sec. 3.3.
    .. [2] A. Gu and T. Dao, "Mamba", 2023, Sec. 2 eq. (4).

    Examples
    --------
    >>> from linrec.reparam import reparam
    >>> m = discretize_reparam(reparam("best"), 0.1, "bilinear")
    >>> round(m.range.low, 12), m.range.high, m.name   # psi(-0.2) = 0.9/1.1
    (0.818181818182, 1.0, 'bilinear(best)')
    """
    if not isinstance(m, Reparam) or isinstance(m, DiscretizedReparam) or m.time != "continuous":
        raise TypeError("m must be a continuous-time linrec.reparam.Reparam (reparam(name, time='continuous'))")
    method = _method(method)
    if isinstance(delta, bool) or not isinstance(delta, (int, float, np.integer, np.floating)):
        raise TypeError(f"delta must be a real number; got {delta!r}")
    if not np.isfinite(delta) or delta <= 0:
        raise ValueError(f"delta must be finite and > 0; got {delta!r}")
    return DiscretizedReparam(name=f"{method}({m.name})", time="discrete", a=m.a, b=m.b, base=m,
                              delta=float(delta), method=method)


@dataclass(frozen=True)
class DiscretizedCriteria:
    """Result of :func:`discretized_criteria`.

    Parameters
    ----------
    name : str
        Composed map name.
    k_continuous, k_discrete : float
        Boundary exponents (G ~ d^{−k}) of the base map and of the composed map.
    ratio_continuous, ratio_discrete : float
        sup_w |f'|/(−f) and sup_w |λ_d'|/(1 − λ_d) over the grid (the gradient-over-distance
        ratio; ∞-like values, ~1e12, mean unbounded).
    verdict : str
        :func:`linrec.reparam.criteria.stability_verdict` of the composed map.
    in_unit_disk : bool
        Whether the composed range lies in the open unit disk (up to its end λ_d → 1).

    Examples
    --------
    >>> from linrec.reparam import reparam
    >>> c = discretized_criteria(reparam("exp"), 1.0, "zoh", verdict=False)
    >>> round(c.k_discrete, 4), round(c.ratio_discrete, 6), c.in_unit_disk
    (1.0, 1.0, True)
    """

    name: str
    k_continuous: float
    k_discrete: float
    ratio_continuous: float
    ratio_discrete: float
    verdict: str
    in_unit_disk: bool


def _ratio_grid(m: Reparam) -> np.ndarray:
    if np.isfinite(m.domain.high):
        return m.domain.high - np.geomspace(1e-12, 1e3, 400)
    return np.unique(np.concatenate([np.linspace(-40.0, 40.0, 1601), np.geomspace(40.0, 600.0, 120),
                                     -np.geomspace(40.0, 600.0, 120)]))


def discretized_criteria(m: Reparam, delta: float = 1.0, method: str = "zoh", *, verdict: bool = True,
                         w: Any = None) -> DiscretizedCriteria:
    """StableSSM's criteria for a continuous map before and after discretization.

    Parameters
    ----------
    m : Reparam
        Continuous-time map.
    delta : float, optional
        Step Δ > 0.
    method : str, optional
        One of :data:`DISCRETIZATIONS`.
    verdict : bool, optional
        Also run :func:`linrec.reparam.criteria.stability_verdict` on the composed map (about
        0.1 s; ``"skipped"`` otherwise).
    w : array_like, optional
        Grid for the suprema of the ratios (default: 1e−12 … 1e3 below a finite domain end,
        else [−600, 600], dense on [−40, 40]).

    Returns
    -------
    DiscretizedCriteria
        Exponents, ratios, verdict and whether λ_d stays in the unit disk.

    Notes
    -----
    k from :func:`linrec.reparam.criteria.boundary_exponent` (G = |λ'|/d², d = −f continuous,
    1 − λ_d discrete); ratio = sup_w |λ'(w)|/d(w) = sup_w |d log d/dw|, the quantity that
    makes S_f(β) = sup |1 − d(w)/d(w + δ)| ≈ β · ratio small (StableSSM Def. 3.4):
    bounded for exp (1), softplus (1) and best (√(a/b)), unbounded (1/|w| as w → 0⁻) for
    direct, before and after ZOH, bilinear or backward Euler (the discretized ratio is
    r(z) ≤ 1 times the continuous one, :func:`discretize_reparam`). Forward Euler keeps the
    ratios but leaves the unit disk for Δ|f(w)| > 2 (``in_unit_disk`` False).

    References
    ----------
    .. [1] S. Wang and Q. Li, "StableSSM", ICML 2024, Def. 3.4, Thm 3.6, Sec. 3.3.

    Examples
    --------
    >>> from linrec.reparam import reparam
    >>> c = discretized_criteria(reparam("direct"), 1.0, "bilinear", verdict=False)
    >>> round(c.k_discrete, 4), c.ratio_discrete > 1e11
    (2.0, True)
    """
    from linrec.reparam.criteria import boundary_exponent, stability_verdict

    md = discretize_reparam(m, delta, method)
    grid = _ratio_grid(m) if w is None else as_float_array(w, "w", allow_complex=False, ndim=1)
    kc = boundary_exponent(m).k
    kd = boundary_exponent(md).k
    with np.errstate(under="ignore"):
        rc = float(np.max(np.abs(m.df(grid)) / m.boundary_distance(grid)))
        rd = float(np.max(np.abs(md.df(grid)) / md.boundary_distance(grid)))
    v = stability_verdict(md) if verdict else "skipped"
    lo = md.range.low
    disk = bool(lo > -1.0 or (lo == -1.0 and not md.range.low_closed))
    return DiscretizedCriteria(md.name, kc, kd, rc, rd, v, disk)
