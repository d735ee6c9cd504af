"""Plateaus of gradient descent on a delayed memory (Li, Han, E & Li 2021), reduced to one mode.

Setting. A linear functional with a Gaussian bump of memory at delay t0,
rho(t) = exp(-(t - t0)^2 / (2 sigma^2)) (:func:`linrec.tasks.delayed_bump`), is learned from
white-noise inputs by a single continuous-time mode k(t) = a e^{-r t} (rate r = -lambda_c > 0,
memory 1/r) discretised by zero-order hold with step dt (:class:`linrec.models.DiagonalSSM` with
one mode, lambda_c = f(w) for a map of :mod:`linrec.reparam`), or by a small dense linear RNN.

Reduced one-dimensional theory (our derivation). The loss is quadratic in the amplitude a, so
a relaxes fast to its optimum a*(r); by the envelope theorem dL/dw = L~'(r) dr/dw along the
slow manifold, where L~(r) = min_a L(a, r) is the *reduced loss*. In continuous time (white
noise, infinite horizon) ||e^{-r.}||^2 = 1/(2r), a* = 2r rho^(r) and

    L~(r) = 1/2 ||rho||^2 - r rho^(r)^2,    rho^(r) = int_0^inf rho(t) e^{-r t} dt,

rho^(r) = sigma sqrt(pi/2) exp(-r t0 + r^2 sigma^2 / 2) erfc((r sigma^2 - t0) / (sigma sqrt 2)).
For t0 >> sigma, erfc ~ 2 and L~'(r) ~ 2 pi sigma^2 e^{-2 r t0 + r^2 sigma^2} (2 r t0 - 2 r^2 sigma^2 - 1):
a mode started with short memory (r0 t0 >> 1) feels a gradient exponentially small in the
delay. Gradient flow with rate eta in the weight w (r = -f(w)) moves r at speed
eta f'(w)^2 L~'(r), so the time to reach r_exit < r0 (the plateau) is

    tau = int_{r_exit}^{r0} dr / (eta f'(w(r))^2 L~'(r))
        ~ exp(2 r0 t0 - r0^2 sigma^2) / (eta f'(w0)^2 4 pi sigma^2 (t0 - r0 sigma^2) (2 r0 t0 - 2 r0^2 sigma^2 - 1))

(the integral is dominated by its upper end: Laplace's method with exponent slope
2 (t0 - r0 sigma^2)). The plateau therefore grows like e^{2 r0 t0} with the delay -- the
exponential slow-down that Li et al. call the curse of memory in optimization -- and a
reparameterization only changes the prefactor 1/f'(w0)^2, not the exponential rate.

For the engine's discrete loss (white-noise population loss over a window of T steps,
L = 1/(2T) sum_s (T - s)(k_s - rho(s dt))^2, :func:`linrec.memory.population_loss`) the same
elimination is exact with weighted sums (:func:`reduced_loss_discrete`); in the continuum limit
L~_discrete ~ L~ / dt, and the finite window multiplies the bump's weight by
1 - (t0 - r sigma^2)/(T dt) (the mean of the exponentially tilted bump), which
:func:`plateau_time_asymptotic` includes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy import integrate, special

from linrec._validation import as_float_array, check_choice, check_positive_int

__all__ = [
    "bump_laplace",
    "reduced_loss_continuous",
    "reduced_loss_discrete",
    "plateau_time_asymptotic",
    "plateau_time_flow",
    "reduced_gd_steps",
    "default_horizon",
    "run_plateau",
]

_MAPS = ("direct", "exp", "softplus", "best")


def _pos(x: Any, name: str) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real number; got {x!r}") from None
    if not (v > 0 and math.isfinite(v)):
        raise ValueError(f"{name} must be positive and finite; got {x!r}")
    return v


def _map(name: str):
    from linrec.reparam import reparam

    return reparam(check_choice(name, "reparam", _MAPS), time="continuous")


def bump_laplace(r: Any, t0: float, sigma: float = 1.0) -> np.ndarray:
    """Laplace transform of the Gaussian bump memory on [0, inf).

    Parameters
    ----------
    r : array_like
        Decay rates r > 0 (the Laplace variable).
    t0 : float
        Delay (centre) of the bump, t0 >= 0.
    sigma : float, optional
        Width of the bump.

    Returns
    -------
    numpy.ndarray
        rho^(r) = int_0^inf exp(-(t - t0)^2 / (2 sigma^2)) e^{-r t} dt.

    Notes
    -----
    Completing the square, -(t - t0)^2/(2 sigma^2) - r t = -(t - m)^2/(2 sigma^2) - r t0 + r^2 sigma^2/2
    with m = t0 - r sigma^2, so rho^(r) = sigma sqrt(pi/2) exp(-r t0 + r^2 sigma^2/2) erfc(-m/(sigma sqrt 2)).
    Evaluated in log space with log erfc(z) = log 2 + log Phi(-sqrt(2) z) (``scipy.special.log_ndtr``),
    which stays finite for large delays.

    References
    ----------
    .. [1] Z. Li, J. Han, W. E, Q. Li, "On the curse of memory in recurrent neural networks:
       approximation and optimization analysis", ICLR 2021, Sec. 5 (linear functionals with
       memory kernel rho; the optimization analysis works with its Laplace transform).

    Examples
    --------
    >>> from scipy.integrate import quad
    >>> ref = quad(lambda t: np.exp(-(t - 3) ** 2 / 2 - 0.7 * t), 0, 40)[0]
    >>> bool(abs(float(bump_laplace(0.7, 3.0)) / ref - 1) < 1e-10)
    True
    """
    r = as_float_array(r, "r", allow_complex=False, min_size=0)
    t0 = float(t0)
    if not (t0 >= 0 and math.isfinite(t0)):
        raise ValueError(f"t0 must be >= 0 and finite; got {t0!r}")
    sigma = _pos(sigma, "sigma")
    if np.any(r <= 0):
        raise ValueError("r must be > 0")
    m = t0 - r * sigma**2
    log_val = (np.log(sigma * math.sqrt(math.pi / 2)) - r * t0 + 0.5 * (r * sigma) ** 2
               + math.log(2.0) + special.log_ndtr(m / sigma))
    return np.exp(log_val)


def reduced_loss_continuous(r: Any, t0: float, sigma: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Reduced (amplitude-eliminated) continuous-time loss of one mode against a delayed bump.

    Parameters
    ----------
    r : array_like
        Decay rates r > 0 of the mode e^{-r t}.
    t0 : float
        Delay of the bump.
    sigma : float, optional
        Width of the bump.

    Returns
    -------
    L : numpy.ndarray
        L~(r) = 1/2 ||rho||^2 - r rho^(r)^2.
    dL : numpy.ndarray
        dL~/dr = -rho^(r)^2 (1 + 2 r rho^'(r)/rho^(r)).

    Notes
    -----
    L(a, r) = 1/2 int_0^inf (a e^{-r t} - rho(t))^2 dt is minimised by a* = 2 r rho^(r), leaving
    L~(r) = 1/2 ||rho||^2 - r rho^(r)^2 with ||rho||^2 = sigma sqrt(pi)/2 erfc(-t0/sigma). With
    rho^(r) from :func:`bump_laplace`, rho^'/rho^ = -t0 + r sigma^2 - sigma sqrt(2/pi)
    e^{-m^2/(2 sigma^2)} / erfc(-m/(sigma sqrt 2)), m = t0 - r sigma^2 (from d erfc(z)/dz = -2 e^{-z^2}/sqrt(pi)).

    References
    ----------
    .. [1] Z. Li, J. Han, W. E, Q. Li, ICLR 2021, Sec. 5 (gradient flow of the population loss of a
       linear RNN; plateaus for targets with long memory).

    Examples
    --------
    >>> L, dL = reduced_loss_continuous([0.5, 1.0], 5.0)
    >>> h = 1e-6
    >>> num = (reduced_loss_continuous(1.0 + h, 5.0)[0] - reduced_loss_continuous(1.0 - h, 5.0)[0]) / (2 * h)
    >>> bool(abs(float(num) / float(dL[1]) - 1) < 1e-6)
    True
    """
    r = as_float_array(r, "r", allow_complex=False, min_size=0)
    sigma = _pos(sigma, "sigma")
    R = bump_laplace(r, t0, sigma)
    norm2 = 0.5 * sigma * math.sqrt(math.pi) * special.erfc(-float(t0) / sigma)
    m = float(t0) - r * sigma**2
    # erfc(-m/(sigma sqrt2)) = 2 Phi(m/sigma); ratio e^{-m^2/2s^2}/erfc via log_ndtr (no underflow)
    mills = np.exp(-0.5 * (m / sigma) ** 2 - math.log(2.0) - special.log_ndtr(m / sigma))
    dlogR = -float(t0) + r * sigma**2 - sigma * math.sqrt(2 / math.pi) * mills
    L = 0.5 * norm2 - r * R**2
    dL = -(R**2) * (1.0 + 2.0 * r * dlogR)
    return L, dL


def reduced_loss_discrete(r: Any, rho: Any, dt: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact reduced population loss of one ZOH mode against a sampled kernel (the engine's loss).

    Parameters
    ----------
    r : array_like
        Continuous decay rates r > 0 (discrete eigenvalue q = e^{-r dt}).
    rho : array_like
        Target kernel samples rho_s, s = 0..T-1 (e.g. ``task.impulse_response()[:, 0, 0]``).
    dt : float
        Step of the zero-order hold.

    Returns
    -------
    L : numpy.ndarray
        L~(r) = 1/2 (S_rr - S_qr^2 / S_qq).
    dL : numpy.ndarray
        dL~/dr = dt S_qr (P S_qq - S_qr Q) / S_qq^2.

    Notes
    -----
    The white-noise population loss over a window of T steps is
    L = 1/2 sum_s w_s (A q^s - rho_s)^2 with w_s = (T - s)/T (:func:`linrec.memory.population_loss`)
    and A the product of the output weight, input weight and ZOH gain. With S_qq = sum w_s q^{2s},
    S_qr = sum w_s q^s rho_s, S_rr = sum w_s rho_s^2, the optimum is A* = S_qr/S_qq and
    L~ = 1/2 (S_rr - S_qr^2/S_qq). Since dq^s/dr = -s dt q^s, with P = sum w_s s q^s rho_s and
    Q = sum w_s s q^{2s}: dL~/dr = dt S_qr (P S_qq - S_qr Q)/S_qq^2. The sums are direct (O(T)
    per rate), independent of the engine's kernel code.

    References
    ----------
    .. [1] Z. Li, J. Han, W. E, Q. Li, ICLR 2021, Sec. 5 (population loss of a linear RNN under
       white-noise inputs).

    Examples
    --------
    >>> rho = np.exp(-0.5 * (0.1 * np.arange(100) - 4.0) ** 2)
    >>> L, dL = reduced_loss_discrete([1.0], rho, 0.1)
    >>> h = 1e-6
    >>> num = (reduced_loss_discrete(1 + h, rho, 0.1)[0] - reduced_loss_discrete(1 - h, rho, 0.1)[0]) / (2 * h)
    >>> bool(abs(float(num) / float(dL[0]) - 1) < 1e-6)
    True
    """
    r = as_float_array(r, "r", allow_complex=False, min_size=0)
    rho = as_float_array(rho, "rho", allow_complex=False).ravel()
    dt = _pos(dt, "dt")
    if np.any(r <= 0):
        raise ValueError("r must be > 0")
    T = rho.size
    s = np.arange(T, dtype=np.float64)
    w = (T - s) / T
    shape = r.shape
    rr = r.reshape(-1, 1)
    q = np.exp(-rr * dt * s)  # q^s, computed as exp(-r dt s): no repeated products
    Sqq = (w * q * q).sum(axis=1)
    Sqr = (w * q * rho).sum(axis=1)
    Srr = float((w * rho * rho).sum())
    P = (w * s * q * rho).sum(axis=1)
    Q = (w * s * q * q).sum(axis=1)
    L = 0.5 * (Srr - Sqr**2 / Sqq)
    dL = dt * Sqr * (P * Sqq - Sqr * Q) / Sqq**2
    return L.reshape(shape), dL.reshape(shape)


def plateau_time_asymptotic(t0: Any, r0: float, lr: float, *, sigma: float = 1.0, dt: float = 0.1,
                            fprime0: float = 1.0, horizon: Any = None) -> np.ndarray:
    """Leading-order plateau length (in gradient-descent steps) of one mode against a delayed bump.

    Parameters
    ----------
    t0 : array_like
        Delays of the bump.
    r0 : float
        Initial decay rate of the mode (short memory: 2 r0 (t0 - r0 sigma^2) >> 1).
    lr : float
        Gradient-descent step eta.
    sigma : float, optional
        Width of the bump.
    dt : float, optional
        ZOH step; the engine's discrete loss is about the continuous one divided by dt.
    fprime0 : float, optional
        |f'(w0)| of the reparameterization at the initial weight (1 for ``direct``).
    horizon : array_like, optional
        Window length T dt of the population loss (None: infinite); broadcast against t0.

    Returns
    -------
    numpy.ndarray
        tau ~ dt e^{2 r0 t0 - r0^2 sigma^2}
        / (eta f'(w0)^2 4 pi sigma^2 c^2 (t0 - r0 sigma^2)(2 r0 t0 - 2 r0^2 sigma^2 - 1)),
        c = 1 - (t0 - r0 sigma^2)/horizon (c = 1 without a horizon).

    Notes
    -----
    From tau = int_{r_exit}^{r0} dr / (eta f'(w)^2 L~'(r)) with the large-delay form
    L~'(r) = 2 pi sigma^2 e^{-2 r t0 + r^2 sigma^2} (2 r t0 - 2 r^2 sigma^2 - 1) / dt of the reduced
    loss (:func:`reduced_loss_continuous`, erfc -> 2), the integrand grows like
    e^{2 (t0 - r0 sigma^2) r} towards r0 and Laplace's method at the upper end gives the formula,
    with relative error O(1/(2 (t0 - r0 sigma^2)(r0 - r_exit))). The window weight (T - s)/T
    evaluated at the mean t0 - r sigma^2 of the tilted bump multiplies rho^ by c, hence L~' by c^2.
    Growth rate: d log tau / d t0 -> 2 r0.

    References
    ----------
    .. [1] Z. Li, J. Han, W. E, Q. Li, "On the curse of memory in recurrent neural networks:
       approximation and optimization analysis", ICLR 2021 (JMLR 2022), Sec. 5: plateaus whose
       length grows exponentially with the memory of the target ("curse of memory" in
       optimization). The formula above is our derivation for the one-mode reduction.

    Examples
    --------
    >>> tau = plateau_time_asymptotic([8.0, 9.0], 1.0, 5.0)
    >>> float(np.round(np.log(tau[1] / tau[0]), 3))
    1.723
    """
    t0 = as_float_array(t0, "t0", allow_complex=False, min_size=0)
    r0, lr, sigma, dt = _pos(r0, "r0"), _pos(lr, "lr"), _pos(sigma, "sigma"), _pos(dt, "dt")
    fprime0 = _pos(abs(float(fprime0)), "fprime0")
    mean = t0 - r0 * sigma**2
    lin = 2 * r0 * t0 - 2 * r0**2 * sigma**2 - 1.0
    if np.any(mean <= 0) or np.any(lin <= 0):
        raise ValueError("the asymptotic form needs t0 > r0 sigma^2 and 2 r0 t0 - 2 r0^2 sigma^2 > 1")
    if horizon is None:
        c = 1.0
    else:
        H = as_float_array(horizon, "horizon", allow_complex=False, min_size=0)
        if np.any(H <= 0):
            raise ValueError("horizon must be > 0")
        c = 1.0 - mean / H
    if np.any(np.asarray(c) <= 0):
        raise ValueError("horizon must exceed t0 - r0 sigma^2")
    log_tau = (np.log(dt) + 2 * r0 * t0 - (r0 * sigma) ** 2
               - np.log(lr * fprime0**2 * 4 * math.pi * sigma**2 * np.asarray(c) ** 2 * mean * lin))
    return np.exp(log_tau)


def plateau_time_flow(reparam: str, r0: float, r_exit: float, rho: Any, dt: float, lr: float) -> float:
    """Plateau length predicted by the reduced gradient flow (quadrature over the rate).

    Parameters
    ----------
    reparam : {"direct", "exp", "softplus", "best"}
        Continuous-time map lambda_c = f(w) (r = -f(w)).
    r0 : float
        Initial rate.
    r_exit : float
        Rate that ends the plateau (0 < r_exit < r0).
    rho : array_like
        Target kernel samples (the engine's discrete loss, :func:`reduced_loss_discrete`).
    dt : float
        ZOH step.
    lr : float
        Gradient-descent step eta.

    Returns
    -------
    float
        tau = int_{r_exit}^{r0} dr / (eta f'(w(r))^2 dL~/dr) in steps (inf if dL~/dr <= 0 somewhere
        on the path: the mode would not reach r_exit).

    Notes
    -----
    Along the slow manifold dw/dk = -eta f'(w) dL~/dr... with r = -f(w): dr/dk = -eta f'(w)^2 dL~/dr,
    so the time from r0 down to r_exit is the quadrature above (``scipy.integrate.quad``).

    References
    ----------
    .. [1] Z. Li, J. Han, W. E, Q. Li, ICLR 2021, Sec. 5 (gradient-flow analysis of plateaus).

    Examples
    --------
    >>> rho = np.exp(-0.5 * (0.1 * np.arange(240) - 7.0) ** 2)
    >>> tau = plateau_time_flow("direct", 1.0, 0.5, rho, 0.1, 5.0)
    >>> bool(10 < tau < 100)
    True
    """
    m = _map(reparam)
    r0, r_exit = _pos(r0, "r0"), _pos(r_exit, "r_exit")
    if not r_exit < r0:
        raise ValueError(f"need r_exit < r0; got r_exit={r_exit!r}, r0={r0!r}")
    lr = _pos(lr, "lr")
    rho = as_float_array(rho, "rho", allow_complex=False).ravel()

    def integrand(r):
        w = m.inverse(-r)
        fp = float(m.df(w))
        dL = float(reduced_loss_discrete(r, rho, dt)[1])
        return 1.0 / (lr * fp * fp * dL)

    grid = np.linspace(r_exit, r0, 33)
    if np.any(reduced_loss_discrete(grid, rho, dt)[1] <= 0):
        return math.inf
    val, _ = integrate.quad(integrand, r_exit, r0, limit=200, epsrel=1e-10)
    return float(val)


def reduced_gd_steps(reparam: str, r0: float, r_exit: float, rho: Any, dt: float, lr: float, *,
                     max_steps: int = 100_000) -> int:
    """Number of steps of the reduced one-dimensional gradient descent from r0 to r_exit.

    Parameters
    ----------
    reparam : {"direct", "exp", "softplus", "best"}
        Continuous-time map lambda_c = f(w).
    r0 : float
        Initial rate.
    r_exit : float
        The plateau ends at the first step with r <= r_exit.
    rho : array_like
        Target kernel samples.
    dt : float
        ZOH step.
    lr : float
        Step eta.
    max_steps : int, optional
        Give up after this many steps (returns ``max_steps``).

    Returns
    -------
    int
        First k with r_k <= r_exit under w_{k+1} = w_k + eta f'(w_k) dL~/dr(r_k), r_k = -f(w_k).

    Notes
    -----
    Gradient descent on the reduced loss L~(r(w)): dL~/dw = dL~/dr dr/dw = -f'(w) dL~/dr, so
    w_{k+1} = w_k - eta dL~/dw = w_k + eta f'(w_k) dL~/dr(r_k) (:func:`reduced_loss_discrete`).
    This is the discrete counterpart of :func:`plateau_time_flow`; the difference between the
    two is the O(eta) error of Euler's method.

    References
    ----------
    .. [1] Z. Li, J. Han, W. E, Q. Li, ICLR 2021, Sec. 5.

    Examples
    --------
    >>> rho = np.exp(-0.5 * (0.1 * np.arange(240) - 7.0) ** 2)
    >>> k = reduced_gd_steps("direct", 1.0, 0.5, rho, 0.1, 5.0)
    >>> tau = plateau_time_flow("direct", 1.0, 0.5, rho, 0.1, 5.0)
    >>> bool(abs(k - tau) < 0.05 * tau + 2)
    True
    """
    m = _map(reparam)
    r0, r_exit, lr = _pos(r0, "r0"), _pos(r_exit, "r_exit"), _pos(lr, "lr")
    max_steps = check_positive_int(max_steps, "max_steps")
    rho = as_float_array(rho, "rho", allow_complex=False).ravel()
    w = float(m.inverse(-r0))
    r = r0
    for k in range(max_steps):
        if r <= r_exit:
            return k
        dL = float(reduced_loss_discrete(r, rho, dt)[1])
        w = w + lr * float(m.df(w)) * dL
        if reparam == "direct" and w >= 0:
            return k + 1
        r = -float(m.f(w))
    return max_steps


def default_horizon(t0: float, sigma: float = 1.0, dt: float = 0.1) -> int:
    """Window length T (steps) used for a delay: twice the bump's support t0 + 6 sigma.

    Parameters
    ----------
    t0 : float
        Delay.
    sigma : float, optional
        Width of the bump.
    dt : float, optional
        Step.

    Returns
    -------
    int
        T = 2 round((t0 + 6 sigma)/dt).

    Examples
    --------
    >>> default_horizon(8.0)
    280
    """
    return 2 * int(round((float(t0) + 6 * _pos(sigma, "sigma")) / _pos(dt, "dt")))


_DEFAULTS = {"model": "single", "reparam": "direct", "t0": 8.0, "sigma": 1.0, "dt": 0.1, "r0": 1.0,
             "r_exit": 0.5, "optimizer": "gd", "lr": 5.0, "max_steps": 20_000, "hidden": 4,
             "stop_at_exit": True, "T": None}


def run_plateau(config: Mapping[str, Any], rng=None) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """One plateau run on the exact population loss (the unit of work of the sweeps).

    Parameters
    ----------
    config : mapping
        ``model`` ("single": one-mode :class:`linrec.models.DiagonalSSM`; "dense": a
        :class:`linrec.models.DenseLinear` with ``hidden`` states), ``reparam`` (single only),
        ``t0``, ``sigma``, ``dt`` (task :func:`linrec.tasks.delayed_bump`), ``r0`` (initial rate;
        dense: spectral radius e^{-r0 dt}), ``r_exit`` (the plateau ends when the rate of the
        slowest mode drops to r_exit), ``optimizer`` ("gd" or "adam"), ``lr``, ``max_steps``,
        ``hidden``, ``stop_at_exit`` and ``T`` (None: :func:`default_horizon`). Missing keys take
        the defaults (single mode, direct, t0 = 8, r0 = 1, r_exit = 0.5, gradient descent with
        eta = 5).
    rng : Generator or int or None, optional
        Random source (used by the dense model's initialisation: A = Q diag(e^{-r_i dt}) Q^T with
        a Haar rotation Q and rates r_i evenly spaced in [r0, 3 r0], B ~ N(0, 1), C = 0; the single mode starts
        deterministically at r0 with input weight 1 and output weight 0).

    Returns
    -------
    arrays : dict of numpy.ndarray
        ``loss`` (per step), ``rate`` (rate of the slowest mode before each step).
    meta : dict
        ``plateau_steps`` (first step with rate <= r_exit, -1 if never), ``left_stable``
        (direct map crossed lambda_c = 0), ``diverged``, ``steps_done``, ``final_loss``.

    Examples
    --------
    >>> arrays, meta = run_plateau({"t0": 6.0, "max_steps": 500})
    >>> meta["plateau_steps"] > 0, meta["left_stable"]
    (True, False)
    """
    from linrec import models, optim, tasks
    from linrec._validation import as_rng
    from linrec.train import train

    unknown = set(config) - set(_DEFAULTS)
    if unknown:
        raise ValueError(f"config has unknown keys {sorted(unknown)}; expected some of {sorted(_DEFAULTS)}")
    c = {**_DEFAULTS, **dict(config)}
    kind = check_choice(c["model"], "config['model']", ("single", "dense"))
    opt_name = check_choice(c["optimizer"], "config['optimizer']", ("gd", "adam"))
    dt, sigma, t0 = _pos(c["dt"], "dt"), _pos(c["sigma"], "sigma"), float(c["t0"])
    r0, r_exit = _pos(c["r0"], "r0"), _pos(c["r_exit"], "r_exit")
    T = default_horizon(t0, sigma, dt) if c["T"] is None else check_positive_int(c["T"], "T")
    max_steps = check_positive_int(c["max_steps"], "max_steps")
    task = tasks.delayed_bump(T, t0, width=sigma, dt=dt)
    g = as_rng(rng)
    if kind == "single":
        mp = _map(c["reparam"])
        model = models.DiagonalSSM(1, 1, 1, reparam=c["reparam"], delta=dt, feedthrough=False)
        params = {"w": np.atleast_1d(np.asarray(mp.inverse(-r0), dtype=np.float64)),
                  "B": np.ones((1, 1)), "C": np.zeros((1, 1))}

        def rate(p):
            w = p["w"]
            if c["reparam"] == "direct" and np.any(w >= 0):
                return None
            return float(np.min(-mp.f(w)))
    else:
        from linrec.growth.ensembles import haar_orthogonal

        N = check_positive_int(c["hidden"], "hidden")
        model = models.DenseLinear(1, N, 1, feedthrough=False)
        # A = Q diag(e^{-r_i dt}) Q^T with rates r_i evenly spaced in [r0, 3 r0] and a Haar rotation Q:
        # a full matrix whose slowest mode has rate exactly r0; B ~ N(0, 1); C = 0 (zero kernel)
        Q = haar_orthogonal(N, rng=g)
        rates0 = r0 * np.linspace(1.0, 3.0, N)
        params = {"A": (Q * np.exp(-rates0 * dt)) @ Q.T, "B": g.standard_normal((N, 1)), "C": np.zeros((1, N))}

        def rate(p):
            rad = float(np.max(np.abs(np.linalg.eigvals(p["A"]))))
            return -math.log(rad) / dt if 0 < rad < 1 else None

    lr = _pos(c["lr"], "lr")
    opt = optim.sgd(lr) if opt_name == "gd" else optim.adam(lr)
    rates = np.full(max_steps + 1, np.nan)
    rates[0] = rate(params)
    state = {"exit": -1, "left": False}

    def callback(step, p, L):
        rv = rate(p)
        if rv is None:
            state["left"] = True
            return True
        rates[step + 1] = rv
        if state["exit"] < 0 and rv <= r_exit:
            state["exit"] = step + 1
            return bool(c["stop_at_exit"])
        return False

    h = train(model, task, opt, steps=max_steps, params=params, objective="population", eig_every=0,
              callback=callback)
    n = h.steps_done
    loss = h.loss[:n].copy()
    meta = {"plateau_steps": int(state["exit"]), "left_stable": bool(state["left"]),
            "diverged": bool(h.diverged or state["left"]), "steps_done": int(n),
            "final_loss": float(loss[-1]) if n else math.nan, "T": int(T)}
    return {"loss": loss, "rate": rates[: n + 1].copy()}, meta
