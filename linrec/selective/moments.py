"""Exact second moments and parameter sensitivities of selective (random-gate) recurrences.

For one channel h_t = a_t h_{t-1} + b_t with (a_t, b_t) i.i.d. over time (a gate of
:mod:`linrec.selective.gates`), and s_t = ∂h_t/∂p for a real parameter p of the gate,

    h_t = a_t h_{t-1} + b_t,
    s_t = a'_t h_{t-1} + a_t s_{t-1} + b'_t,           (a' = ∂a/∂p, b' = ∂b/∂p)

the pair u_t = (h_t, s_t) is a random affine recursion u_t = G_t u_{t-1} + c_t whose (G_t, c_t)
are independent of u_{t-1}. Its first and second moments therefore obey a *closed, linear*
recursion whose coefficients are the moments of the gate alone — E[a], E[a ā'], E[b ā], … — even
when the gate depends on the same input as b_t (S6, minGRU). This module solves that recursion:

* :func:`state_moment`, :func:`sensitivity` — the stationary solution in closed form (forward
  substitution; the diagonal terms 1 − E[a], 1 − E|a|², 1 − E[a²] are formed as
  E[−expm1(log a)], … so they keep full relative precision as E|a|² → 1);
* :func:`finite_moments` — the exact moments at finite T from h_0 = s_0 = 0 (a power of the
  augmented moment map, a code path independent of the forward substitution);
* :func:`memory_gap` (1 − E|a|², the quantity that replaces 1 − |λ|² when gates are random),
  :func:`lyapunov_exponent` (E[log|a|]) and :func:`asymptotic_exponents`.

With a finite driver law the expectations are finite sums, so these are exact to rounding.

Conventions follow :mod:`linrec.memory`: ``output='real'`` is E[(Re h)²] (the real output of a
complex state, E[Re u Re v] = ½ Re(E[uv] + E[u v̄])), ``output='modulus'`` is E|h|².
Normalization (gates independent of the input only) multiplies the input by
γ = sqrt(1 − E|a|²) — the random-gate analogue of the LRU's sqrt(1 − |λ|²) — as a function of p
(``'function'``, differentiated) or as an independent parameter (``'independent'``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from linrec._validation import check_choice, check_nonnegative_int

__all__ = [
    "GateMoments",
    "gate_moments",
    "memory_gap",
    "lyapunov_exponent",
    "state_moment",
    "sensitivity",
    "finite_moments",
    "asymptotic_exponents",
]

_TERMS = ("a", "da", "b", "db")
_NORMALIZATIONS = (None, "function", "independent")
_OUTPUTS = ("real", "modulus")


@dataclass(frozen=True)
class GateMoments:
    """The moments of one gate step that drive the moment recursion.

    Attributes
    ----------
    mean : numpy.ndarray, shape (4,)
        E[a], E[a'], E[b], E[b'] (complex128).
    conj : numpy.ndarray, shape (4, 4)
        E[u v̄] for u, v in (a, a', b, b').
    plain : numpy.ndarray, shape (4, 4)
        E[u v] for u, v in (a, a', b, b').
    one_minus_mean : complex
        1 − E[a], computed as E[−expm1(log a)].
    one_minus_abs2 : float
        1 − E|a|², computed as E[−expm1(2 Re log a)].
    one_minus_square : complex
        1 − E[a²], computed as E[−expm1(2 log a)].
    gamma : float
        Normalization γ (1 without normalization).
    dgamma : float
        ∂γ/∂p (0 unless ``normalization='function'``).
    """

    mean: np.ndarray
    conj: np.ndarray
    plain: np.ndarray
    one_minus_mean: complex
    one_minus_abs2: float
    one_minus_square: complex
    gamma: float
    dgamma: float


def _check_gate(gate: Any) -> None:
    if not (hasattr(gate, "terms") and hasattr(gate, "law") and hasattr(gate, "params")):
        raise TypeError("gate must be a selective gate (RandomStepGate, S6Gate, MinGRUGate or an object "
                        f"with law, params and terms(xi, param)); got {type(gate).__name__}")


def _check_normalization(normalization: Any) -> None:
    if normalization is not None and normalization not in _NORMALIZATIONS:
        raise ValueError(f"normalization must be None, 'function' or 'independent'; got {normalization!r}")


def _check_param(gate: Any, param: Any) -> None:
    if param is not None:
        check_choice(param, "param", tuple(gate.params))


def gate_moments(gate: Any, param: str | None = None, *, normalization: str | None = None) -> GateMoments:
    """Moments of one step of a gate (one expectation over the driver's law).

    Parameters
    ----------
    gate : gate object
        A gate of :mod:`linrec.selective.gates`.
    param : str, optional
        The parameter p of the sensitivity (one of ``gate.params``); None for the state only.
    normalization : {None, 'function', 'independent'}, optional
        Input normalization γ = sqrt(1 − E|a|²) (gates with an independent input only).

    Returns
    -------
    GateMoments
        The moments.

    Notes
    -----
    For a gate with an independent white input (b_t = β_t x_t, E x = 0, E x² = σ²) the b-moments
    are σ² times those of (γβ, γβ' + γ'β) and every mixed a–b moment vanishes. With
    ``'function'``, γ' = ∂γ/∂p = −Re E[a' ā]/γ (from γ² = 1 − E|a|²).

    Examples
    --------
    >>> from linrec.selective import RandomStepGate
    >>> m = gate_moments(RandomStepGate([1.0], lam=0.5), "lam")
    >>> float(m.one_minus_abs2), complex(m.conj[0, 1]).real
    (0.75, 0.5)
    """
    _check_gate(gate)
    _check_param(gate, param)
    _check_normalization(normalization)
    independent = gate.input_variance is not None
    if normalization is not None and not independent:
        raise ValueError("normalization applies to gates whose input is independent of the gate "
                         f"(RandomStepGate); {type(gate).__name__} is selective (its input drives the gate)")

    def f(xi: np.ndarray) -> np.ndarray:
        t = gate.terms(xi, param)
        v = np.stack([np.asarray(t.a, complex), np.asarray(t.da, complex), np.asarray(t.b, complex),
                      np.asarray(t.db, complex)], axis=-1)
        la = np.asarray(t.log_a, complex)
        gaps = np.stack([-np.expm1(la), -np.expm1(2 * la.real) + 0j, -np.expm1(2 * la)], axis=-1)
        return np.concatenate([v, gaps, (v[:, :, None] * np.conj(v[:, None, :])).reshape(len(xi), 16),
                               (v[:, :, None] * v[:, None, :]).reshape(len(xi), 16)], axis=-1)

    e = gate.law.expect(f)
    mean, gaps = e[:4].copy(), e[4:7]
    conj, plain = e[7:23].reshape(4, 4).copy(), e[23:39].reshape(4, 4).copy()
    d1, dc, dp = complex(gaps[0]), float(np.real(gaps[1])), complex(gaps[2])
    gamma, dgamma = 1.0, 0.0
    if independent:
        if normalization is not None:
            if not dc > 0:
                raise ValueError(f"normalization needs E|a|^2 < 1; got 1 - E|a|^2 = {dc!r}")
            gamma = float(np.sqrt(dc))
            if normalization == "function":
                dgamma = float(-np.real(conj[1, 0]) / gamma)
        # b = x (gamma beta), b' = x (gamma beta' + gamma' beta); x white, independent, variance s2
        M = np.array([[gamma, 0.0], [dgamma, gamma]])
        s2 = gate.input_variance
        mean[2:] = 0.0
        for P in (conj, plain):
            P[2:, :2] = 0.0
            P[:2, 2:] = 0.0
            P[2:, 2:] = s2 * (M @ P[2:, 2:] @ M.T)
    return GateMoments(mean, conj, plain, d1, dc, dp, gamma, dgamma)


def memory_gap(gate: Any) -> float:
    """1 − E|a|², the memory gap of a random gate (1 − |λ|² for a time-invariant mode).

    Parameters
    ----------
    gate : gate object
        A gate of :mod:`linrec.selective.gates`.

    Returns
    -------
    float
        E[−expm1(2 Re log a)] (full relative precision as E|a|² → 1).

    Notes
    -----
    The second moments of the state are stationary iff E|a|² < 1; the state memory grows like
    1/(1 − E|a|²). Since |E a|² ≤ E|a|², random gates remember *longer* (smaller gap) than the
    time-invariant mode with the mean gate E[a]; for a = λ^Δ, by Jensen (Δ ↦ λ^{2Δ} is convex)
    also longer than the constant step with the same mean E[Δ].

    Examples
    --------
    >>> from linrec.selective import RandomStepGate
    >>> round(memory_gap(RandomStepGate([1.0], gap=1e-12)), 18)
    2e-12
    """
    _check_gate(gate)
    return float(np.real(gate.law.expect(lambda xi: -np.expm1(2 * np.real(np.asarray(gate.terms(xi).log_a, complex))))))


def lyapunov_exponent(gate: Any) -> float:
    """Lyapunov exponent E[log|a_t|] of a diagonal selective channel.

    Parameters
    ----------
    gate : gate object
        A gate of :mod:`linrec.selective.gates`.

    Returns
    -------
    float
        E[Re log a]: by the law of large numbers (1/T) log|Π_t a_t| → E[log|a|] almost surely.

    Examples
    --------
    >>> from linrec.selective import S6Gate
    >>> round(lyapunov_exponent(S6Gate([0.0], A_log=0.0, w=1.0, c=0.0)), 6)   # -softplus(0)
    -0.693147
    """
    _check_gate(gate)
    return float(np.real(gate.law.expect(lambda xi: np.real(np.asarray(gate.terms(xi).log_a, complex)))))


def _stationary(m: GateMoments, conj: bool) -> tuple[complex, complex, complex]:
    """(E h·h*, E s·h*, E s·s*) with * = conj (conj=True) or identity, by forward substitution."""
    cj = np.conj if conj else (lambda z: z)
    P = m.conj if conj else m.plain
    A, A1, B, B1 = 0, 1, 2, 3
    Ea, Ea1, Eb, Eb1 = m.mean
    d_mean = m.one_minus_mean
    mu_h = Eb / d_mean
    mu_s = (Ea1 * mu_h + Eb1) / d_mean
    d = m.one_minus_abs2 if conj else m.one_minus_square
    H = (P[A, B] * mu_h + P[B, A] * cj(mu_h) + P[B, B]) / d
    C = (P[A1, A] * H + P[A1, B] * mu_h + P[A, B] * mu_s + P[B1, A] * cj(mu_h) + P[B1, B]) / d
    S = (P[A1, A1] * H + P[A1, A] * cj(C) + P[A, A1] * C + P[A1, B1] * mu_h + P[A, B1] * mu_s
         + P[B1, A1] * cj(mu_h) + P[B1, A] * cj(mu_s) + P[B1, B1]) / d
    return complex(H), complex(C), complex(S)


def _check_stationary(m: GateMoments) -> None:
    if not m.one_minus_abs2 > 0:
        raise ValueError("a stationary moment needs E|a|^2 < 1 (mean-square stable gates); "
                         f"got 1 - E|a|^2 = {m.one_minus_abs2!r}")


def _combine(conj_val: complex, plain_val: complex, output: str) -> float:
    if output == "modulus":
        return float(np.real(conj_val))
    return float(0.5 * np.real(conj_val + plain_val))


def state_moment(gate: Any, *, normalization: str | None = None, output: str = "real") -> float:
    """Stationary second moment E[(Re h)²] (or E|h|²) of a selective channel.

    Parameters
    ----------
    gate : gate object
        A gate of :mod:`linrec.selective.gates` with E|a|² < 1.
    normalization : {None, 'function', 'independent'}, optional
        Input normalization γ = sqrt(1 − E|a|²) (random gates with independent input only).
    output : {'real', 'modulus'}, optional
        E[(Re h)²] or E|h|².

    Returns
    -------
    float
        The moment.

    Notes
    -----
    Stationarity of h_t = a_t h_{t-1} + b_t with (a_t, b_t) independent of h_{t-1}:

        μ = E b / (1 − E a),
        E|h|² = (E[a b̄] μ + E[b ā] μ̄ + E|b|²) / (1 − E|a|²),

    and E[h²] the same without conjugates over 1 − E[a²]. Independent white input:
    E|h|² = σ² E|β|² / (1 − E|a|²); a constant gate gives 1/(1 − λ²) (Zucchet & Orvieto 2024).

    References
    ----------
    N. Zucchet, A. Orvieto, "Recurrent neural networks: vanishing and exploding gradients are
    not the end of the story", NeurIPS 2024, Sec. 3 (time-invariant case, extended here to
    random gates).

    Examples
    --------
    >>> from linrec.selective import RandomStepGate
    >>> round(state_moment(RandomStepGate([1.0], lam=0.9)), 6)        # 1/(1 - 0.81)
    5.263158
    >>> round(state_moment(RandomStepGate([0.5, 1.5], lam=0.9)), 6)   # 1/(1 - (0.9 + 0.9^3)/2)
    5.390836
    """
    check_choice(output, "output", _OUTPUTS)
    m = gate_moments(gate, normalization=normalization)
    _check_stationary(m)
    return _combine(_stationary(m, True)[0], _stationary(m, False)[0], output)


def sensitivity(gate: Any, param: str, *, normalization: str | None = None, output: str = "real") -> float:
    """Stationary sensitivity E[(∂ Re h/∂p)²] (or E|∂h/∂p|²) of a selective channel.

    Parameters
    ----------
    gate : gate object
        A gate of :mod:`linrec.selective.gates` with E|a|² < 1.
    param : str
        The parameter p (one of ``gate.params``: the mode λ, ν, θ or the gate's own parameters
        such as Δ's scale or S6's w, c, A_log).
    normalization : {None, 'function', 'independent'}, optional
        Input normalization (random gates with independent input only).
    output : {'real', 'modulus'}, optional
        E[(Re s)²] or E|s|².

    Returns
    -------
    float
        The stationary sensitivity.

    Notes
    -----
    With s_t = a'_t h_{t-1} + a_t s_{t-1} + b'_t and μ_h, μ_s the stationary means
    (μ_s = (E[a'] μ_h + E b')/(1 − E a)), C = E[s h̄] and S = E|s|² solve

        C (1 − E|a|²) = E[a' ā] E|h|² + E[a' b̄] μ_h + E[a b̄] μ_s + E[b' ā] μ̄_h + E[b' b̄],
        S (1 − E|a|²) = E|a'|² E|h|² + 2 Re(E[a ā'] C) + 2 Re(E[a' b̄'] μ_h + E[a b̄'] μ_s) + E|b'|².

    For a constant gate a = λ, b = x this is (1 + λ²)/(1 − λ²)³; in general
    S ~ 2 |E[a' ā]|² E|h|²/(1 − E|a|²)² ∝ (1 − E|a|²)^{-3} (:func:`asymptotic_exponents`).

    References
    ----------
    N. Zucchet, A. Orvieto, NeurIPS 2024, Sec. 3 (the curse of memory, time-invariant case);
    the random-gate recursion is derived in this module.

    Examples
    --------
    >>> from linrec.selective import RandomStepGate
    >>> round(sensitivity(RandomStepGate([1.0], lam=0.5), "lam"), 6)   # (1 + 0.25)/0.75^3
    2.962963
    """
    if param is None:
        raise ValueError("param must name a parameter of the gate; got None")
    check_choice(output, "output", _OUTPUTS)
    m = gate_moments(gate, param, normalization=normalization)
    _check_stationary(m)
    return _combine(_stationary(m, True)[2], _stationary(m, False)[2], output)


def _augmented_map(m: GateMoments) -> np.ndarray:
    """Affine moment map z_t = L z_{t-1} + f as the (12, 12) matrix [[L, f], [0, 1]].

    z = (μ_h, μ_s, μ̄_h, μ̄_s, H, C, C̄, S, H2, C2, S2) with H = E h h̄, C = E s h̄, S = E s s̄ and
    H2, C2, S2 their unconjugated counterparts.
    """
    Ea, Ea1, Eb, Eb1 = m.mean
    P, Q = m.conj, m.plain
    A, A1, B, B1 = 0, 1, 2, 3
    K = np.zeros((12, 12), complex)
    muh, mus, muhc, musc, H, C, Cc, S, H2, C2, S2, one = range(12)
    K[muh, [muh, one]] = Ea, Eb
    K[mus, [muh, mus, one]] = Ea1, Ea, Eb1
    K[muhc, [muhc, one]] = np.conj(Ea), np.conj(Eb)
    K[musc, [muhc, musc, one]] = np.conj(Ea1), np.conj(Ea), np.conj(Eb1)
    K[H, [H, muh, muhc, one]] = P[A, A], P[A, B], P[B, A], P[B, B]
    row = {H: P[A1, A], C: P[A, A], muh: P[A1, B], mus: P[A, B], muhc: P[B1, A], one: P[B1, B]}
    for j, v in row.items():
        K[C, j] += v
        K[Cc, {C: Cc, muh: muhc, mus: musc, muhc: muh}.get(j, j)] += np.conj(v)
    srow = [(H, P[A1, A1]), (Cc, P[A1, A]), (C, P[A, A1]), (S, P[A, A]), (muh, P[A1, B1]),
            (mus, P[A, B1]), (muhc, P[B1, A1]), (musc, P[B1, A]), (one, P[B1, B1])]
    for j, v in srow:
        K[S, j] += v
    K[H2, [H2, muh, one]] = Q[A, A], 2 * Q[A, B], Q[B, B]
    for j, v in [(H2, Q[A1, A]), (C2, Q[A, A]), (muh, Q[A1, B] + Q[B1, A]), (mus, Q[A, B]), (one, Q[B1, B])]:
        K[C2, j] += v
    for j, v in [(H2, Q[A1, A1]), (C2, 2 * Q[A1, A]), (S2, Q[A, A]), (muh, 2 * Q[A1, B1]),
                 (mus, 2 * Q[A, B1]), (one, Q[B1, B1])]:
        K[S2, j] += v
    K[one, one] = 1.0
    return K


def finite_moments(T: Any, gate: Any, param: str | None = None, *, normalization: str | None = None,
                   output: str = "real") -> dict[str, np.ndarray]:
    """Exact moments at finite times T from h_0 = s_0 = 0 (no stationarity needed).

    Parameters
    ----------
    T : int or array_like of int
        Time(s) T ≥ 0.
    gate : gate object
        A gate of :mod:`linrec.selective.gates` (E|a|² ≥ 1 allowed: the moments then grow).
    param : str, optional
        Parameter of the sensitivity (one of ``gate.params``).
    normalization : {None, 'function', 'independent'}, optional
        Input normalization (random gates with independent input; needs E|a|² < 1).
    output : {'real', 'modulus'}, optional
        Convention for the second moments.

    Returns
    -------
    dict
        ``'state'`` (E[(Re h_T)²] or E|h_T|²), ``'sensitivity'`` (E[(Re s_T)²] or E|s_T|²; zeros
        without ``param``), ``'mean'`` (E[h_T]), arrays shaped like ``T``.

    Notes
    -----
    The 11 first and second moments of (h_t, s_t) — means, conjugated and unconjugated second
    moments — evolve by an affine map z_t = L z_{t−1} + f whose entries are gate moments;
    z_T = [L f; 0 1]^T [0; 1] is computed by repeated squaring (O(log T) products, relative
    rounding O(log T · eps) times the growth of the powers). This path shares only the gate
    moments with the closed forms of :func:`state_moment`/:func:`sensitivity`.

    Examples
    --------
    >>> from linrec.selective import RandomStepGate
    >>> g = RandomStepGate([1.0], lam=0.5)
    >>> [round(float(v), 6) for v in finite_moments([1, 2, 200], g)["state"]]
    [1.0, 1.25, 1.333333]
    """
    Ts = np.asarray(T)
    if Ts.dtype.kind not in "iu" and not (Ts.dtype.kind == "f" and np.all(Ts == np.round(Ts))):
        raise TypeError(f"T must be an integer or an array of integers; got {Ts.dtype}")
    flat = [check_nonnegative_int(int(t), "T") for t in Ts.ravel()]
    check_choice(output, "output", _OUTPUTS)
    m = gate_moments(gate, param, normalization=normalization)
    K = _augmented_map(m)
    state, sens, mean = [], [], []
    for t in flat:
        z = np.linalg.matrix_power(K, t)[:, -1]
        state.append(_combine(z[4], z[8], output))
        sens.append(_combine(z[7], z[10], output))
        mean.append(z[0] if gate.is_complex else np.real(z[0]))
    shape = Ts.shape
    return {"state": np.reshape(state, shape), "sensitivity": np.reshape(sens, shape),
            "mean": np.reshape(mean, shape)}


def asymptotic_exponents(normalization: str | None = None) -> dict[str, int]:
    """Exponents k of the stationary moments ∝ (1 − E|a|²)^k as E|a|² → 1.

    Parameters
    ----------
    normalization : {None, 'function', 'independent'}, optional
        Input normalization.

    Returns
    -------
    dict
        ``{'state': k_h, 'sensitivity': k_s}``: (−1, −3) without normalization, (0, −2) with
        either normalization.

    Notes
    -----
    From the forward substitution of :func:`sensitivity` with d = 1 − E|a|² → 0 at fixed
    input statistics: E|h|² = O(1/d) (times γ² = d when normalized), C = E[s h̄] picks up one more
    1/d through E[a' ā] E|h|²/d, and S one more through 2 Re(E[a ā'] C)/d, provided
    E[a' ā] ≠ 0 (the parameter moves the gate). Normalized, E|h|² = O(1), C = O(1/d),
    S = O(1/d²) (for ``'function'`` also from γ'² E|β|² = O(1/d)). The time-invariant limits are
    Zucchet & Orvieto's (1 − λ)^{-1}, (1 − λ)^{-3} and, normalized, (1 − λ)^{-2}.

    References
    ----------
    N. Zucchet, A. Orvieto, NeurIPS 2024, Sec. 3 (time-invariant exponents).

    Examples
    --------
    >>> asymptotic_exponents(), asymptotic_exponents("independent")
    ({'state': -1, 'sensitivity': -3}, {'state': 0, 'sensitivity': -2})
    """
    _check_normalization(normalization)
    if normalization is None:
        return {"state": -1, "sensitivity": -3}
    return {"state": 0, "sensitivity": -2}
