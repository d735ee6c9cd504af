"""Criteria for judging a reparameterization λ = f(w) (Wang & Li 2024, "StableSSM").

* :func:`gradient_scale` — G_f(w) = |f'(w)|/f(w)² (continuous time) or |f'(w)|/(1 − f(w))²
  (discrete time): by StableSSM Thm 3.6 the gradient |∂L/∂w| of a (trained) SSM is bounded
  by a constant times G_f(w), and for a constant input the bound is attained
  (:func:`constant_input_grad`).
* :func:`gradient_over_weight` — G_f(w)/|w| per mode, or ‖G_f(w)‖/‖w‖ over modes.
* :func:`boundary_exponent` — the exponent k in G_f ~ d^−k as the eigenvalue approaches the
  stability boundary, fitted numerically (the symbolic limit is in
  :func:`linrec.reparam.symbolic.boundary_exponent_symbolic`).
* :func:`stability_function` / :func:`stability_verdict` — S_f(β) = sup_w sup_{|δ|≤β}
  |1 − d(w)/d(w + δ)| and whether f is a stable reparameterization (StableSSM Def. 3.4).
* :func:`constant_input_output` / :func:`constant_input_grad` — the gradient identity behind
  StableSSM Thm 3.6, in continuous time (exact, with or without ZOH) and in discrete time
  (finite or infinite horizon).

The exponent convention
-----------------------
Write d for the distance to the stability boundary used in the denominators: d = −λ = |λ|
in continuous time (boundary λ = 0), d = 1 − λ in discrete time (boundary λ = 1). The
exponent is k = −lim_{d→0} log G_f / log d, i.e. G_f ~ d^−k. This is the convention in which
the paper's numbers come out as **2, 1, 1, ½ for direct, exp, softplus, best**:

* direct, f = w:               G = 1/λ²                                      → k = 2;
* exp, f = −e^w:               G = e^w/e^{2w} = 1/|λ|                        → k = 1;
* softplus, f = −log(1+e^w):   G = σ(w)/log(1+e^w)² ~ e^w/e^{2w} (w → −∞)    → k = 1;
* best, f = −1/(a w² + b):     G = 2a|w| = 2√a (1/|λ| − b)^{1/2} ~ 2√a |λ|^−½ → k = ½.

The discrete maps give the same numbers with d = 1 − λ (direct 2; exp/LRU, sigmoid, tanh 1;
best ½). Measuring G against the weight instead (G ~ |w|^k) would give 2 (direct, w → 0),
"exponential" (exp, softplus) and −1 (best: G grows like |w|), so the paper's numbers
require the eigenvalue convention above.

Per-mode versus norm ratio
--------------------------
For ``best`` the per-mode ratio G_f(w)/|w| = 2a is constant (StableSSM Sec. 3.3: the
gradient-over-weight ratio is balanced). For exp and softplus the per-mode ratio is
ill-defined near w = 0: w = 0 is an ordinary eigenvalue (λ = −1, resp. −log 2) where
G_f is finite and non-zero, so G_f(w)/|w| → ∞ merely because the weight vanishes; the ratio
is returned as ``inf`` at w = 0. The norm ratio ‖G_f(w)‖₂/‖w‖₂ over a vector of modes does
not have this artefact unless all weights vanish.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import optimize

from linrec._validation import as_float_array, check_choice, check_positive_int
from linrec.reparam.maps import Reparam, zoh_grad

__all__ = [
    "gradient_scale",
    "gradient_over_weight",
    "boundary_exponent",
    "BoundaryExponent",
    "stability_function",
    "stability_verdict",
    "constant_input_output",
    "constant_input_grad",
]



def _check_map(m: Any) -> Reparam:
    if not isinstance(m, Reparam):
        raise TypeError(f"m must be a linrec.reparam.Reparam (from reparam(...)); got {type(m).__name__}")
    return m


def gradient_scale(m: Reparam, w: Any) -> np.ndarray:
    """Gradient scale G_f(w) of a reparameterization.

    Parameters
    ----------
    m : Reparam
        The map (continuous or discrete time).
    w : array_like
        Weights in ``m.domain``.

    Returns
    -------
    numpy.ndarray
        |f'(w)|/f(w)² (continuous) or |f'(w)|/(1 − f(w))² (discrete).

    Notes
    -----
    G_f(w) = |f'(w)| / d(w)² with d = −f (continuous) or d = 1 − f (discrete), d from
    :meth:`Reparam.boundary_distance` (no cancellation near the boundary). For
    best: G = 2a|w| in both times.

    References
    ----------
    .. [1] S. Wang and Q. Li, "StableSSM", ICML 2024, Thm 3.6 and Sec. 3.3 (gradient-scale
       criterion; "best" reparameterization).

    Examples
    --------
    >>> from linrec.reparam import reparam
    >>> gradient_scale(reparam("best", a=1.0, b=0.5), [1.0, -3.0]).tolist()
    [2.0, 6.0]
    """
    m = _check_map(m)
    w = as_float_array(w, "w", allow_complex=False, min_size=0)
    d = m.boundary_distance(w)
    return np.abs(m.df(w)) / d**2


def gradient_over_weight(m: Reparam, w: Any, *, kind: str = "mode") -> np.ndarray | float:
    """Gradient-over-weight ratio, per mode or as a norm ratio.

    Parameters
    ----------
    m : Reparam
        The map.
    w : array_like
        Weights in ``m.domain`` (one per mode).
    kind : {"mode", "norm"}, optional
        ``"mode"``: G_f(w_i)/|w_i| elementwise (``inf`` where w_i = 0; ill-defined near w = 0
        for exp and softplus, see the module docstring). ``"norm"``: ‖G_f(w)‖₂ / ‖w‖₂.

    Returns
    -------
    numpy.ndarray or float
        The ratio(s).

    Notes
    -----
    Per mode: R_i = G_f(w_i)/|w_i|; norm: R = (Σ G_f(w_i)²)^{1/2} / (Σ w_i²)^{1/2}. For best,
    G_f = 2a|w| so R_i = R = 2a for every w ≠ 0.

    References
    ----------
    .. [1] S. Wang and Q. Li, "StableSSM", ICML 2024, Sec. 3.3 (gradient-over-weight ratio).

    Examples
    --------
    >>> from linrec.reparam import reparam
    >>> gradient_over_weight(reparam("best", a=1.5), [0.1, -2.0, 7.0]).round(12).tolist()
    [3.0, 3.0, 3.0]
    >>> float(gradient_over_weight(reparam("exp"), [0.0, 1.0])[0])
    inf
    """
    m = _check_map(m)
    check_choice(kind, "kind", ("mode", "norm"))
    w = as_float_array(w, "w", allow_complex=False)
    g = gradient_scale(m, w)
    if kind == "norm":
        nw = float(np.linalg.norm(w))
        if nw == 0.0:
            raise ValueError("w must not be all zero for the norm ratio ||G_f(w)|| / ||w||")
        return float(np.linalg.norm(g) / nw)
    aw = np.abs(w)
    with np.errstate(divide="ignore"):
        return np.where(aw == 0, np.inf, g / np.where(aw == 0, 1.0, aw))


class BoundaryExponent:
    """Result of :func:`boundary_exponent`.

    Parameters
    ----------
    k : float
        Fitted exponent (G_f ~ d^−k).
    local : numpy.ndarray
        Local slopes −Δlog G/Δlog d between consecutive distances (the last is the most
        asymptotic).
    distances : numpy.ndarray
        The distances d at which G was evaluated.
    scales : numpy.ndarray
        G_f at those points.

    Examples
    --------
    >>> from linrec.reparam import reparam
    >>> res = boundary_exponent(reparam("exp"))
    >>> round(res.k, 6)
    1.0
    """

    def __init__(self, k: float, local: np.ndarray, distances: np.ndarray, scales: np.ndarray) -> None:
        self.k = float(k)
        self.local = local
        self.distances = distances
        self.scales = scales

    def __repr__(self) -> str:
        return f"BoundaryExponent(k={self.k!r}, n={self.distances.size})"


def _weights_toward_boundary(m: Reparam, distances: np.ndarray) -> np.ndarray:
    """Weights w whose λ = f(w) lies at (about) the given distances from the boundary."""
    if m.time == "continuous":
        lam = -distances
        if m.name == "best":
            lam = np.maximum(lam, m.range.low * (1 - 1e-15))
        return m.inverse(lam)
    lam = 1.0 - distances  # rounding in lam only moves the point; d is recomputed from w
    lam = np.clip(lam, np.nextafter(m.range.low, 1.0) if np.isfinite(m.range.low) else -1.0, np.nextafter(1.0, 0.0))
    if m.name == "exp":  # exact: 1 - exp(-e^w) = d  <=>  w = log(-log1p(-d))
        return np.log(-np.log1p(-distances))
    if m.name == "sigmoid":  # sigma(-w) = d  <=>  w = log((1-d)/d)
        return np.log1p(-distances) - np.log(distances)
    if m.name == "tanh":  # 2 sigma(-2w) = d  <=>  w = log((2-d)/d)/2
        return 0.5 * (np.log(2.0 - distances) - np.log(distances))
    if m.name == "best":  # 1/q = d  <=>  w = sqrt((1/d - b)/a)
        return np.sqrt((1.0 / distances - m.b) / m.a)
    return m.inverse(lam)


def boundary_exponent(m: Reparam, *, distances: Any = None) -> BoundaryExponent:
    """Fit the exponent k of G_f ~ d^−k as λ approaches the stability boundary.

    Parameters
    ----------
    m : Reparam
        The map.
    distances : array_like, optional
        Decreasing distances d to the boundary in (0, 1) at which to evaluate (default
        logspace(−6, −12, 13)). The weights are placed there and d is recomputed from w.

    Returns
    -------
    BoundaryExponent
        ``k`` from a least-squares fit of log G against log d, plus local slopes.

    Notes
    -----
    d = −λ (continuous, boundary λ = 0⁻) or 1 − λ (discrete, boundary λ = 1⁻);
    k = −d log G_f / d log d, estimated by least squares over the given distances. For the
    maps in :mod:`linrec.reparam.maps` the corrections are O(d) (softplus, exp, best) so the
    default range gives k to about 1e-6. The exact limit is
    :func:`linrec.reparam.symbolic.boundary_exponent_symbolic`.

    References
    ----------
    .. [1] S. Wang and Q. Li, "StableSSM", ICML 2024, Sec. 3.3 (gradient scale
       of the direct, exp, softplus and best parameterizations).

    Examples
    --------
    >>> from linrec.reparam import reparam
    >>> [round(boundary_exponent(reparam(n)).k, 4) for n in ("direct", "exp", "softplus", "best")]
    [2.0, 1.0, 1.0, 0.5]
    """
    m = _check_map(m)
    if distances is None:
        distances = np.logspace(-6, -12, 13)
    d0 = as_float_array(distances, "distances", allow_complex=False, ndim=1, min_size=2)
    if np.any(d0 <= 0) or np.any(d0 >= 1):
        raise ValueError("distances must lie in (0, 1)")
    w = _weights_toward_boundary(m, d0)
    d = m.boundary_distance(w)
    g = gradient_scale(m, w)
    x, y = np.log(d), np.log(g)
    slope = np.polyfit(x, y, 1)[0]
    local = -np.diff(y) / np.diff(x)
    return BoundaryExponent(-slope, local, d, g)


def _sup_grid(m: Reparam, beta: float) -> np.ndarray:
    w = np.concatenate([
        np.linspace(-40.0, 40.0, 1601),
        np.geomspace(40.0, 600.0, 120),
        -np.geomspace(40.0, 600.0, 120),
    ])
    return np.unique(w)


def _log_distance(m: Reparam, w: np.ndarray) -> np.ndarray:
    """log d(w), finite on |w| <= 700 even where d itself underflows (tanh, sigmoid, exp)."""
    if m.time == "continuous" and m.name == "exp":
        return np.asarray(w, dtype=float).copy()
    if m.time == "discrete" and m.name == "sigmoid":  # d = sigma(-w) = exp(-softplus(w))
        return -np.logaddexp(0.0, w)
    if m.time == "discrete" and m.name == "tanh":  # d = 2 sigma(-2w)
        return np.log(2.0) - np.logaddexp(0.0, 2.0 * w)
    return np.log(m.boundary_distance(w))


def _ratio_defect(m: Reparam, w: np.ndarray, dl: np.ndarray) -> np.ndarray:
    """|1 - d(w)/d(w + δ)| through log d (no 0/0 where d underflows)."""
    with np.errstate(over="ignore"):
        return np.abs(np.expm1(_log_distance(m, w) - _log_distance(m, w + dl)))


def stability_function(m: Reparam, beta: Any, *, n_delta: int = 21) -> np.ndarray:
    """Stability function S_f(β) by a robust numeric supremum.

    Parameters
    ----------
    m : Reparam
        The map.
    beta : array_like
        Perturbation radii β ≥ 0 (β ≤ 100).
    n_delta : int, optional
        Number of perturbations δ on [−β, β] in the grid search (default 21; includes ±β).

    Returns
    -------
    numpy.ndarray
        S_f(β) (``inf`` where a perturbation of size ≤ β leaves the domain, i.e. makes the
        eigenvalue unstable).

    Notes
    -----
    S_f(β) = sup_w sup_{|δ|≤β} |1 − d(w)/d(w + δ)| with d = −f (continuous) or 1 − f
    (discrete). In continuous time |f(w)| ∫_0^∞ |e^{f(w+δ)t} − e^{f(w)t}| dt =
    |1 − f(w)/f(w+δ)| for real f < 0, so S_f is the quantity bounded by g(β) in StableSSM's
    Definition 3.4; in discrete time (1 − λ) Σ_k |λ̃^k − λ^k| = |1 − (1 − λ)/(1 − λ̃)| for
    λ, λ̃ ∈ [0, 1), the analogue used here. Maps with a bounded domain (direct) give ∞ for
    β > 0: w can sit within β of the domain's end. Otherwise the supremum is searched on a
    grid w ∈ [−600, 600] (dense on [−40, 40], geometric beyond: the values at ±600 stand for
    the limits w → ±∞) times δ ∈ linspace(−β, β, n_delta), then refined by bounded
    maximization in w (Brent) around the best grid points for δ = ±β and for the grid's best δ.

    References
    ----------
    .. [1] S. Wang and Q. Li, "StableSSM", ICML 2024, Definition 3.4 (stable
       reparameterization) and Thm 3.5.

    Examples
    --------
    >>> from linrec.reparam import reparam
    >>> round(float(stability_function(reparam("exp"), 0.5)), 9) == round(float(np.expm1(0.5)), 9)
    True
    >>> float(stability_function(reparam("direct"), 0.1))
    inf
    """
    m = _check_map(m)
    n_delta = check_positive_int(n_delta, "n_delta")
    b = as_float_array(beta, "beta", allow_complex=False, min_size=0)
    if np.any(b < 0):
        raise ValueError(f"beta must be >= 0; got {float(np.min(b))!r}")
    if np.any(b > 100):
        raise ValueError(f"beta must be <= 100 (the numeric supremum searches |w| <= 600); got {float(np.max(b))!r}")
    out = np.empty(b.shape)
    bounded = np.isfinite(m.domain.low) or np.isfinite(m.domain.high)
    for idx, bi in np.ndenumerate(b):
        if bi == 0:
            out[idx] = 0.0
            continue
        if bounded:
            out[idx] = np.inf
            continue
        wg = _sup_grid(m, bi)
        deltas = np.linspace(-bi, bi, max(n_delta, 2))
        W, D = np.meshgrid(wg, deltas, indexing="ij")
        vals = _ratio_defect(m, W, D)
        best = float(np.max(vals))
        # refine in w for the best δ of the grid and for δ = ±β (1-D bounded Brent search
        # around the best grid point of each, to ~1e-12 in w)
        for j in {int(np.argmax(np.max(vals, axis=0))), 0, deltas.size - 1}:
            i = int(np.argmax(vals[:, j]))
            lo_w, hi_w = wg[max(i - 1, 0)], wg[min(i + 1, wg.size - 1)]
            if hi_w <= lo_w:
                continue
            res = optimize.minimize_scalar(
                lambda x, dj=float(deltas[j]): -float(_ratio_defect(m, np.array(x), np.array(dj))),
                bounds=(lo_w, hi_w), method="bounded", options={"xatol": 1e-12 * max(1.0, abs(wg[i]))},
            )
            best = max(best, -float(res.fun))
        out[idx] = best
    return out


def stability_verdict(m: Reparam, *, betas: Any = (1e-3, 1e-2, 0.1, 0.5, 1.0)) -> str:
    """Verdict "stable" or "unstable" from the stability function.

    Parameters
    ----------
    m : Reparam
        The map.
    betas : array_like, optional
        Increasing radii at which S_f is evaluated.

    Returns
    -------
    str
        ``"stable"`` if S_f(β) is finite at every β and S_f(β₀/10) ≤ S_f(β₀)/2 at the smallest
        β₀ (S_f(β) → 0 as β → 0: a continuous g with g(0) = 0), else ``"unstable"``.

    Notes
    -----
    StableSSM Def. 3.4: f is stable if sup_w |f(w)| sup_{|w̃−w|≤β} ∫|e^{f(w̃)t} − e^{f(w)t}| dt
    ≤ g(β) with g continuous and g(0) = 0, i.e. S_f(β) finite and S_f(β) → 0. Numerically:
    finite on ``betas`` and shrinking by at least half when β₀ shrinks tenfold (the stable
    maps here have S_f(β) = O(β): e^β − 1, e^{2β} − 1, or the best closed form ~ β√(a/b), so
    the factor is ~1/10 whatever a/b).

    References
    ----------
    .. [1] S. Wang and Q. Li, "StableSSM", ICML 2024, Definition 3.4.

    Examples
    --------
    >>> from linrec.reparam import reparam
    >>> [stability_verdict(reparam(n)) for n in ("direct", "exp", "softplus", "best")]
    ['unstable', 'stable', 'stable', 'stable']
    """
    m = _check_map(m)
    bs = as_float_array(betas, "betas", allow_complex=False, ndim=1)
    if np.any(bs <= 0):
        raise ValueError("betas must be > 0")
    s = stability_function(m, bs)
    if not np.all(np.isfinite(s)):
        return "unstable"
    b0 = float(np.min(bs))
    s0 = float(s[np.argmin(bs)])
    s_small = float(stability_function(m, b0 / 10.0))
    return "stable" if (s0 == 0.0 or s_small <= 0.5 * s0) else "unstable"


def _check_io(m: Reparam, w: Any, c: Any, u: Any, delta: Any, horizon: Any):
    m = _check_map(m)
    w = as_float_array(w, "w", min_size=0)
    c = as_float_array(c, "c", min_size=0)
    u = as_float_array(u, "u", min_size=0)
    if delta is not None:
        if m.time != "continuous":
            raise ValueError("delta (ZOH step) applies only to a continuous-time map")
        delta = as_float_array(delta, "delta", allow_complex=False, min_size=0)
        if np.any(delta <= 0):
            raise ValueError("delta must be > 0")
    if horizon is not None:
        horizon = check_positive_int(horizon, "horizon")
        if m.time == "continuous" and delta is None:
            raise ValueError("a finite horizon (in steps) needs delta (ZOH) for a continuous-time map")
    return m, w, c, u, delta, horizon


def constant_input_output(
    m: Reparam, w: Any, *, c: Any = 1.0, u: Any = 1.0, delta: Any = None, horizon: int | None = None
) -> np.ndarray:
    """Output of a one-mode SSM driven by a constant input (Thm 3.6 setting).

    Parameters
    ----------
    m : Reparam
        The map λ = f(w).
    w : array_like
        Weights (complex allowed, for complex-step differentiation).
    c : array_like, optional
        Output weight.
    u : array_like, optional
        The constant input value.
    delta : array_like, optional
        ZOH step Δ (continuous-time maps only): the mode runs as h_{k+1} = e^{Δλ} h_k + B̄ u.
    horizon : int, optional
        Number of steps T the input has been on (h = 0 before); None: infinite past.

    Returns
    -------
    numpy.ndarray
        ŷ = c h at the current time.

    Notes
    -----
    Continuous, infinite past: h = −u/λ, ŷ = −c u/f(w) (with ZOH the fixed point
    B̄u/(1 − e^{Δλ}) is the same −u/λ). Continuous with ZOH, T steps:
    ŷ = c B̄ u (1 − e^{TΔλ})/(1 − e^{Δλ}) = c u expm1(TΔλ)/λ. Discrete:
    ŷ = c u Σ_{k<T} λ^k = c u (1 − λ^T)/(1 − λ), and c u/(1 − λ) for T = ∞.

    References
    ----------
    .. [1] S. Wang and Q. Li, "StableSSM", ICML 2024, Thm 3.6 and its proof (constant input).

    Examples
    --------
    >>> from linrec.reparam import reparam
    >>> float(constant_input_output(reparam("direct"), -0.5, c=2.0, u=3.0))
    12.0
    """
    m, w, c, u, delta, horizon = _check_io(m, w, c, u, delta, horizon)
    lam = m.f(w)
    if m.time == "continuous":
        if horizon is None:
            return -c * u / lam
        return c * u * np.expm1(horizon * delta * lam) / lam
    d = m.boundary_distance(w)  # 1 - lam
    if horizon is None:
        return c * u / d
    return c * u * (1.0 - lam**horizon) / d


def constant_input_grad(
    m: Reparam, w: Any, *, c: Any = 1.0, u: Any = 1.0, delta: Any = None, horizon: int | None = None
) -> np.ndarray:
    """∂ŷ/∂w for the constant-input output of :func:`constant_input_output`.

    Parameters
    ----------
    m : Reparam
        The map λ = f(w).
    w : array_like
        Weights.
    c : array_like, optional
        Output weight.
    u : array_like, optional
        The constant input value.
    delta : array_like, optional
        ZOH step (continuous-time maps only).
    horizon : int, optional
        Steps since the input was switched on; None: infinite past.

    Returns
    -------
    numpy.ndarray
        ∂ŷ/∂w.

    Notes
    -----
    Infinite past: ∂ŷ/∂w = c u f'(w)/f(w)² (continuous, with or without ZOH, exactly) and
    c u f'(w)/(1 − f(w))² (discrete) — the gradient scale G_f times c u, which is why G_f
    governs the gradient (Thm 3.6). Finite horizon, continuous ZOH:
    ∂ŷ/∂w = c u f'(w) (TΔ)² g(TΔλ), g(x) = (x eˣ − eˣ + 1)/x² (series near 0, as in
    :func:`linrec.reparam.zoh_grad`). Discrete, T steps:
    ∂ŷ/∂w = c u f'(w) [S_T − Tλ^{T−1}]/(1 − λ), S_T = (1 − λ^T)/(1 − λ); this loses about
    log10(1/(T(1 − λ))) digits when T(1 − λ) ≪ 1.

    References
    ----------
    .. [1] S. Wang and Q. Li, "StableSSM", ICML 2024, Thm 3.6 (gradient bound, attained for
       constant inputs).

    Examples
    --------
    >>> from linrec.reparam import reparam
    >>> m = reparam("softplus")
    >>> g = constant_input_grad(m, 0.3)
    >>> bool(np.isclose(g, m.df(0.3) / m.f(0.3) ** 2))
    True
    """
    m, w, c, u, delta, horizon = _check_io(m, w, c, u, delta, horizon)
    lam = m.f(w)
    fp = m.df(w)
    if m.time == "continuous":
        if horizon is None:
            return c * u * fp / lam**2
        _, dy = zoh_grad(lam, horizon * delta)
        return c * u * fp * dy
    d = m.boundary_distance(w)
    if horizon is None:
        return c * u * fp / d**2
    s_t = (1.0 - lam**horizon) / d
    return c * u * fp * (s_t - horizon * lam ** (horizon - 1)) / d

