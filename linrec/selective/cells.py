"""Per-step Jacobians of selective cells: S6 (Mamba), a Mamba-2 head, minGRU and minLSTM.

For each cell, ``*_trajectory`` runs the recurrence on an input sequence and ``*_jacobians``
returns, at every step t, the partial derivatives of h_t with h_{t-1} held fixed:

* ``'state'``: ∂h_t/∂h_{t-1} — diagonal for all four cells (selectivity keeps the recurrence
  diagonal), so the product over steps is an elementwise product and the Lyapunov exponents
  are time averages of log|a_t| (E[log|a|] for i.i.d. inputs,
  :func:`linrec.selective.lyapunov_exponent`);
* ``'input'``: ∂h_t/∂x_t, *including the gate path* ∂a_t/∂x_t · h_{t-1} (the term that makes a
  selective cell's input Jacobian depend on its memory);
* one entry per parameter: the local derivative ∂h_t/∂θ. The derivative of h_T through time is
  Σ_t (Π_{r>t} ∂h_r/∂h_{r-1}) ∂h_t/∂θ (:func:`accumulate_parameter_gradient`).

Shapes: T steps, D input channels; S6 states are (D, N) (one N-state SSM per channel), a
Mamba-2 head's state is (P, N) with one scalar decay, minGRU/minLSTM states are (H,).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import expit

from linrec._validation import as_float_array

__all__ = [
    "s6_trajectory",
    "s6_jacobians",
    "mamba2_trajectory",
    "mamba2_jacobians",
    "mingru_trajectory",
    "mingru_jacobians",
    "minlstm_trajectory",
    "minlstm_jacobians",
    "accumulate_parameter_gradient",
]


def _arr(x: Any, name: str, ndim: int) -> np.ndarray:
    return as_float_array(x, name, allow_complex=False, ndim=ndim)


def _shape(x: np.ndarray, shape: tuple[int, ...], name: str) -> None:
    if x.shape != shape:
        raise ValueError(f"{name} must have shape {shape}; got {x.shape}")


def _softplus(u: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, u)


# ------------------------------------------------------------------------------------------ S6


def _check_s6(params: dict, x: Any) -> tuple[np.ndarray, dict]:
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of arrays; got {type(params).__name__}")
    missing = {"A_log", "W_delta", "b_delta", "W_B", "W_C"} - set(params)
    if missing:
        raise ValueError(f"params is missing {sorted(missing)} (S6 needs A_log, W_delta, b_delta, W_B, W_C)")
    x = _arr(x, "x", 2)
    D = x.shape[1]
    p = {k: _arr(params[k], k, v) for k, v in (("A_log", 2), ("W_delta", 2), ("b_delta", 1), ("W_B", 2), ("W_C", 2))}
    N = p["A_log"].shape[1]
    _shape(p["A_log"], (D, N), "A_log")
    _shape(p["W_delta"], (D, D), "W_delta")
    _shape(p["b_delta"], (D,), "b_delta")
    _shape(p["W_B"], (N, D), "W_B")
    _shape(p["W_C"], (N, D), "W_C")
    return x, p


def s6_trajectory(params: dict, x: Any) -> dict[str, np.ndarray]:
    """Run Mamba's selective SSM (S6) on x from h_0 = 0.

    Parameters
    ----------
    params : dict
        ``A_log`` (D, N) with A = −exp(A_log); ``W_delta`` (D, D), ``b_delta`` (D,) with
        Δ_t = softplus(W_delta x_t + b_delta); ``W_B``, ``W_C`` (N, D) with B_t = W_B x_t,
        C_t = W_C x_t.
    x : array_like, shape (T, D)
        Input sequence.

    Returns
    -------
    dict
        ``h`` (T + 1, D, N) states (h[0] = 0), ``y`` (T, D) outputs y_t = h_t C_t, and the
        per-step ``delta`` (T, D), ``abar`` (T, D, N), ``B`` (T, N), ``C`` (T, N), ``u`` (T, D).

    Notes
    -----
    h_t[d, n] = exp(Δ_t[d] A[d, n]) h_{t−1}[d, n] + Δ_t[d] B_t[n] x_t[d] (ZOH for A, Euler for
    B, as in Mamba's implementation), y_t[d] = Σ_n C_t[n] h_t[d, n].

    References
    ----------
    A. Gu, T. Dao, "Mamba: linear-time sequence modeling with selective state spaces", 2023,
    Algorithm 2 and eq. (2a), (4).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> p = {"A_log": np.zeros((2, 3)), "W_delta": np.eye(2), "b_delta": np.zeros(2),
    ...      "W_B": np.ones((3, 2)), "W_C": np.ones((3, 2))}
    >>> s6_trajectory(p, rng.standard_normal((5, 2)))["h"].shape
    (6, 2, 3)
    """
    x, p = _check_s6(params, x)
    T, D = x.shape
    A = -np.exp(p["A_log"])
    u = x @ p["W_delta"].T + p["b_delta"]
    delta = _softplus(u)
    abar = np.exp(delta[:, :, None] * A[None])
    B, C = x @ p["W_B"].T, x @ p["W_C"].T
    h = np.zeros((T + 1,) + A.shape)
    for t in range(T):
        h[t + 1] = abar[t] * h[t] + (delta[t] * x[t])[:, None] * B[t][None, :]
    y = np.einsum("tdn,tn->td", h[1:], C)
    return {"h": h, "y": y, "delta": delta, "abar": abar, "B": B, "C": C, "u": u}


def s6_jacobians(params: dict, x: Any, traj: dict | None = None) -> dict[str, np.ndarray]:
    """Per-step Jacobians of S6 with respect to state, input and parameters.

    Parameters
    ----------
    params : dict
        As in :func:`s6_trajectory`.
    x : array_like, shape (T, D)
        Input sequence.
    traj : dict, optional
        The output of :func:`s6_trajectory` (recomputed when omitted).

    Returns
    -------
    dict
        ``state`` (T, D, N): the diagonal of ∂h_t/∂h_{t−1} (Ā_t);
        ``input`` (T, D, N, D): ∂h_t[d, n]/∂x_t[j];
        ``A_log`` (T, D, N): ∂h_t[d, n]/∂A_log[d, n] (the only nonzero entries);
        ``b_delta`` (T, D, N): ∂h_t[d, n]/∂b_delta[d];
        ``W_delta`` (T, D, N, D): ∂h_t[d, n]/∂W_delta[d, j];
        ``W_B`` (T, D, N, D): ∂h_t[d, n]/∂W_B[n, j].

    Notes
    -----
    With g_t[d, n] = ∂h_t[d, n]/∂Δ_t[d] = A Ā_t h_{t−1} + B_t[n] x_t[d] (gate path plus the Δ in
    B̄) and σ_t = sigmoid(u_t) = ∂Δ_t/∂u_t:

        ∂h[d, n]/∂x[j] = g[d, n] σ[d] W_Δ[d, j] + Δ[d] x[d] W_B[n, j] + Δ[d] B[n] δ_{dj},
        ∂h[d, n]/∂A_log[d, n] = A Δ Ā h_{t−1},  ∂h/∂b_Δ[d] = g σ,  ∂h/∂W_Δ[d, j] = g σ x[j],
        ∂h[d, n]/∂W_B[n, j] = Δ[d] x[d] x[j].

    References
    ----------
    A. Gu, T. Dao, 2023, Algorithm 2 (the S6 parameterization differentiated here).

    Examples
    --------
    >>> p = {"A_log": np.zeros((1, 1)), "W_delta": np.zeros((1, 1)), "b_delta": np.zeros(1),
    ...      "W_B": np.ones((1, 1)), "W_C": np.ones((1, 1))}
    >>> J = s6_jacobians(p, np.ones((2, 1)))
    >>> round(float(J["state"][0, 0, 0]), 6)          # exp(-softplus(0)) = 1/2
    0.5
    """
    x, p = _check_s6(params, x)
    traj = s6_trajectory(p, x) if traj is None else traj
    A = -np.exp(p["A_log"])
    delta, abar, B, h_prev = traj["delta"], traj["abar"], traj["B"], traj["h"][:-1]
    sig = expit(traj["u"])
    g = A[None] * abar * h_prev + B[:, None, :] * x[:, :, None]
    gs = g * sig[:, :, None]
    T, D = x.shape
    J_in = gs[..., None] * p["W_delta"][None, :, None, :]
    J_in += (delta * x)[:, :, None, None] * p["W_B"][None, None, :, :]
    eye = np.eye(D)
    J_in += (delta[:, :, None] * B[:, None, :])[..., None] * eye[None, :, None, :]
    return {
        "state": abar,
        "input": J_in,
        "A_log": A[None] * delta[:, :, None] * abar * h_prev,
        "b_delta": gs,
        "W_delta": gs[..., None] * x[:, None, None, :],
        "W_B": np.broadcast_to((delta * x)[:, :, None, None] * x[:, None, None, :], (T, D, A.shape[1], D)).copy(),
    }


# -------------------------------------------------------------------------------- Mamba-2 head


def _check_m2(params: dict, x: Any) -> tuple[np.ndarray, dict]:
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of arrays; got {type(params).__name__}")
    missing = {"A_log", "w", "c", "W_B", "W_C"} - set(params)
    if missing:
        raise ValueError(f"params is missing {sorted(missing)} (a Mamba-2 head needs A_log, w, c, W_B, W_C)")
    x = _arr(x, "x", 2)
    P = x.shape[1]
    p = {"A_log": _arr(params["A_log"], "A_log", 0), "w": _arr(params["w"], "w", 1),
         "c": _arr(params["c"], "c", 0), "W_B": _arr(params["W_B"], "W_B", 2), "W_C": _arr(params["W_C"], "W_C", 2)}
    _shape(p["w"], (P,), "w")
    N = p["W_B"].shape[0]
    _shape(p["W_B"], (N, P), "W_B")
    _shape(p["W_C"], (N, P), "W_C")
    return x, p


def mamba2_trajectory(params: dict, x: Any) -> dict[str, np.ndarray]:
    """Run one Mamba-2 (SSD) head with a scalar decay per step from h_0 = 0.

    Parameters
    ----------
    params : dict
        ``A_log`` scalar (A = −exp(A_log)); ``w`` (P,), ``c`` scalar with
        Δ_t = softplus(w · x_t + c); ``W_B``, ``W_C`` (N, P).
    x : array_like, shape (T, P)
        The head's input sequence.

    Returns
    -------
    dict
        ``h`` (T + 1, P, N), ``y`` (T, P) = h_t C_t, ``delta`` (T,), ``abar`` (T,), ``B``, ``C``
        (T, N), ``u`` (T,).

    Notes
    -----
    h_t = exp(Δ_t A) h_{t−1} + Δ_t x_t B_tᵀ: the state transition is a scalar times the
    identity (the SSD restriction of Mamba-2), so all P·N coordinates share one decay.

    References
    ----------
    T. Dao, A. Gu, "Transformers are SSMs: generalized models and efficient algorithms through
    structured state space duality", ICML 2024, Sec. 3 (scalar-times-identity A).

    Examples
    --------
    >>> p = {"A_log": 0.0, "w": np.zeros(2), "c": 0.0, "W_B": np.ones((3, 2)), "W_C": np.ones((3, 2))}
    >>> mamba2_trajectory(p, np.ones((4, 2)))["h"].shape
    (5, 2, 3)
    """
    x, p = _check_m2(params, x)
    T, P = x.shape
    A = -np.exp(float(p["A_log"]))
    u = x @ p["w"] + float(p["c"])
    delta = _softplus(u)
    abar = np.exp(delta * A)
    B, C = x @ p["W_B"].T, x @ p["W_C"].T
    h = np.zeros((T + 1, P, B.shape[1]))
    for t in range(T):
        h[t + 1] = abar[t] * h[t] + delta[t] * np.outer(x[t], B[t])
    return {"h": h, "y": np.einsum("tpn,tn->tp", h[1:], C), "delta": delta, "abar": abar, "B": B, "C": C, "u": u}


def mamba2_jacobians(params: dict, x: Any, traj: dict | None = None) -> dict[str, np.ndarray]:
    """Per-step Jacobians of a Mamba-2 head with respect to state, input and parameters.

    Parameters
    ----------
    params : dict
        As in :func:`mamba2_trajectory`.
    x : array_like, shape (T, P)
        Input sequence.
    traj : dict, optional
        The output of :func:`mamba2_trajectory`.

    Returns
    -------
    dict
        ``state`` (T,): the scalar ā_t with ∂h_t/∂h_{t−1} = ā_t I;
        ``input`` (T, P, N, P): ∂h_t[p, n]/∂x_t[j];
        ``A_log`` (T, P, N), ``c`` (T, P, N), ``w`` (T, P, N, P), ``W_B`` (T, P, N, N, P)
        (∂h_t[p, n]/∂W_B[m, j], nonzero for m = n).

    Notes
    -----
    With g_t = ∂h_t/∂Δ_t = A ā_t h_{t−1} + x_t B_tᵀ and σ_t = sigmoid(u_t):
    ∂h[p, n]/∂x[j] = g[p, n] σ w[j] + Δ (δ_{pj} B[n] + x[p] W_B[n, j]); ∂h/∂A_log = A Δ ā h_{t−1};
    ∂h/∂c = g σ; ∂h/∂w[j] = g σ x[j]; ∂h[p, n]/∂W_B[n, j] = Δ x[p] x[j].

    References
    ----------
    T. Dao, A. Gu, ICML 2024, Sec. 3.

    Examples
    --------
    >>> p = {"A_log": 0.0, "w": np.zeros(1), "c": 0.0, "W_B": np.ones((1, 1)), "W_C": np.ones((1, 1))}
    >>> round(float(mamba2_jacobians(p, np.ones((1, 1)))["state"][0]), 6)
    0.5
    """
    x, p = _check_m2(params, x)
    traj = mamba2_trajectory(p, x) if traj is None else traj
    A = -np.exp(float(p["A_log"]))
    delta, abar, B, h_prev = traj["delta"], traj["abar"], traj["B"], traj["h"][:-1]
    sig = expit(traj["u"])
    T, P = x.shape
    N = B.shape[1]
    g = A * abar[:, None, None] * h_prev + x[:, :, None] * B[:, None, :]
    gs = g * sig[:, None, None]
    J_in = gs[..., None] * p["w"][None, None, None, :]
    J_in += delta[:, None, None, None] * np.eye(P)[None, :, None, :] * B[:, None, :, None]
    J_in += (delta[:, None] * x)[:, :, None, None] * p["W_B"][None, None, :, :]
    W_B = np.zeros((T, P, N, N, P))
    dxx = delta[:, None, None] * x[:, :, None] * x[:, None, :]        # (T, P, P): Δ x[p] x[j]
    for n in range(N):
        W_B[:, :, n, n, :] = dxx
    return {
        "state": abar,
        "input": J_in,
        "A_log": A * (delta * abar)[:, None, None] * h_prev,
        "c": gs,
        "w": gs[..., None] * x[:, None, None, :],
        "W_B": W_B,
    }


# ------------------------------------------------------------------------------- minGRU/minLSTM


def _check_min(params: dict, x: Any, keys: tuple[str, ...], cell: str) -> tuple[np.ndarray, dict]:
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of arrays; got {type(params).__name__}")
    missing = set(keys) - set(params)
    if missing:
        raise ValueError(f"params is missing {sorted(missing)} ({cell} needs {', '.join(keys)})")
    x = _arr(x, "x", 2)
    p = {k: _arr(params[k], k, 2 if k.startswith("W") else 1) for k in keys}
    H = p[keys[0]].shape[0]
    for k in keys:
        _shape(p[k], (H, x.shape[1]) if k.startswith("W") else (H,), k)
    return x, p


def mingru_trajectory(params: dict, x: Any, h0: Any = None) -> dict[str, np.ndarray]:
    """Run minGRU: h_t = (1 − z_t) ⊙ h_{t−1} + z_t ⊙ h̃_t.

    Parameters
    ----------
    params : dict
        ``W_z`` (H, D), ``b_z`` (H,), ``W_h`` (H, D), ``b_h`` (H,):
        z_t = sigmoid(W_z x_t + b_z), h̃_t = W_h x_t + b_h.
    x : array_like, shape (T, D)
        Input sequence.
    h0 : array_like, shape (H,), optional
        Initial state (zeros).

    Returns
    -------
    dict
        ``h`` (T + 1, H), ``z`` (T, H), ``htilde`` (T, H).

    References
    ----------
    L. Feng et al., "Were RNNs all we needed?", arXiv:2410.01201 (2024), Sec. 3.1.

    Examples
    --------
    >>> p = {"W_z": np.zeros((1, 1)), "b_z": np.zeros(1), "W_h": np.ones((1, 1)), "b_h": np.zeros(1)}
    >>> mingru_trajectory(p, np.ones((2, 1)))["h"][:, 0].tolist()
    [0.0, 0.5, 0.75]
    """
    x, p = _check_min(params, x, ("W_z", "b_z", "W_h", "b_h"), "minGRU")
    T = x.shape[0]
    H = p["b_z"].size
    z = expit(x @ p["W_z"].T + p["b_z"])
    ht = x @ p["W_h"].T + p["b_h"]
    h = np.zeros((T + 1, H))
    if h0 is not None:
        h[0] = _arr(h0, "h0", 1)
    for t in range(T):
        h[t + 1] = (1.0 - z[t]) * h[t] + z[t] * ht[t]
    return {"h": h, "z": z, "htilde": ht}


def mingru_jacobians(params: dict, x: Any, traj: dict | None = None) -> dict[str, np.ndarray]:
    """Per-step Jacobians of minGRU with respect to state, input and parameters.

    Parameters
    ----------
    params : dict
        As in :func:`mingru_trajectory`.
    x : array_like, shape (T, D)
        Input sequence.
    traj : dict, optional
        The output of :func:`mingru_trajectory`.

    Returns
    -------
    dict
        ``state`` (T, H) = 1 − z_t (diagonal); ``input`` (T, H, D);
        ``b_z`` (T, H), ``W_z`` (T, H, D), ``b_h`` (T, H), ``W_h`` (T, H, D) (row i of W
        affects only h[i], so the (i, j) entry is ∂h_t[i]/∂W[i, j]).

    Notes
    -----
    ∂h/∂x = diag((h̃ − h_{t−1}) z(1 − z)) W_z + diag(z) W_h — the first term is the gate path,
    proportional to the distance between memory and candidate.

    References
    ----------
    L. Feng et al., arXiv:2410.01201 (2024), Sec. 3.1.

    Examples
    --------
    >>> p = {"W_z": np.ones((1, 1)), "b_z": -np.ones(1), "W_h": np.ones((1, 1)), "b_h": np.zeros(1)}
    >>> float(mingru_jacobians(p, np.ones((1, 1)))["input"][0, 0, 0])      # 0.25 * 1 + 0.5 * 1
    0.75
    """
    x, p = _check_min(params, x, ("W_z", "b_z", "W_h", "b_h"), "minGRU")
    traj = mingru_trajectory(p, x) if traj is None else traj
    z, ht, h_prev = traj["z"], traj["htilde"], traj["h"][:-1]
    gz = (ht - h_prev) * z * (1.0 - z)
    return {
        "state": 1.0 - z,
        "input": gz[:, :, None] * p["W_z"][None] + z[:, :, None] * p["W_h"][None],
        "b_z": gz,
        "W_z": gz[:, :, None] * x[:, None, :],
        "b_h": z,
        "W_h": z[:, :, None] * x[:, None, :],
    }


def minlstm_trajectory(params: dict, x: Any, h0: Any = None) -> dict[str, np.ndarray]:
    """Run minLSTM with normalized gates: h_t = f'_t ⊙ h_{t−1} + i'_t ⊙ h̃_t.

    Parameters
    ----------
    params : dict
        ``W_f``, ``W_i``, ``W_h`` (H, D) and ``b_f``, ``b_i``, ``b_h`` (H,):
        f = sigmoid(W_f x + b_f), i = sigmoid(W_i x + b_i), h̃ = W_h x + b_h,
        f' = f/(f + i), i' = i/(f + i).
    x : array_like, shape (T, D)
        Input sequence.
    h0 : array_like, shape (H,), optional
        Initial state.

    Returns
    -------
    dict
        ``h`` (T + 1, H), ``f``, ``i``, ``fn`` (= f'), ``htilde`` (T, H).

    References
    ----------
    L. Feng et al., arXiv:2410.01201 (2024), Sec. 3.2.

    Examples
    --------
    >>> p = {k: np.zeros((1, 1)) for k in ("W_f", "W_i", "W_h")} | {k: np.zeros(1) for k in ("b_f", "b_i", "b_h")}
    >>> p["b_h"] = np.ones(1)
    >>> minlstm_trajectory(p, np.ones((2, 1)))["h"][:, 0].tolist()
    [0.0, 0.5, 0.75]
    """
    keys = ("W_f", "b_f", "W_i", "b_i", "W_h", "b_h")
    x, p = _check_min(params, x, keys, "minLSTM")
    T = x.shape[0]
    f = expit(x @ p["W_f"].T + p["b_f"])
    i = expit(x @ p["W_i"].T + p["b_i"])
    fn = f / (f + i)
    ht = x @ p["W_h"].T + p["b_h"]
    h = np.zeros((T + 1, f.shape[1]))
    if h0 is not None:
        h[0] = _arr(h0, "h0", 1)
    for t in range(T):
        h[t + 1] = fn[t] * h[t] + (1.0 - fn[t]) * ht[t]
    return {"h": h, "f": f, "i": i, "fn": fn, "htilde": ht}


def minlstm_jacobians(params: dict, x: Any, traj: dict | None = None) -> dict[str, np.ndarray]:
    """Per-step Jacobians of minLSTM with respect to state, input and parameters.

    Parameters
    ----------
    params : dict
        As in :func:`minlstm_trajectory`.
    x : array_like, shape (T, D)
        Input sequence.
    traj : dict, optional
        The output of :func:`minlstm_trajectory`.

    Returns
    -------
    dict
        ``state`` (T, H) = f'_t; ``input`` (T, H, D); ``b_f``, ``b_i``, ``b_h`` (T, H);
        ``W_f``, ``W_i``, ``W_h`` (T, H, D).

    Notes
    -----
    ∂f'/∂u_f = f(1 − f) i/(f + i)², ∂f'/∂u_i = −f i(1 − i)/(f + i)², i' = 1 − f', so
    ∂h/∂u_• = (h_{t−1} − h̃) ∂f'/∂u_• and ∂h/∂x = diag(∂h/∂u_f) W_f + diag(∂h/∂u_i) W_i + diag(i') W_h.

    References
    ----------
    L. Feng et al., arXiv:2410.01201 (2024), Sec. 3.2.

    Examples
    --------
    >>> p = {k: np.zeros((1, 1)) for k in ("W_f", "W_i", "W_h")} | {k: np.zeros(1) for k in ("b_f", "b_i", "b_h")}
    >>> float(minlstm_jacobians(p, np.ones((1, 1)))["state"][0, 0])
    0.5
    """
    keys = ("W_f", "b_f", "W_i", "b_i", "W_h", "b_h")
    x, p = _check_min(params, x, keys, "minLSTM")
    traj = minlstm_trajectory(p, x) if traj is None else traj
    f, i, fn, ht, h_prev = traj["f"], traj["i"], traj["fn"], traj["htilde"], traj["h"][:-1]
    s2 = (f + i) ** 2
    d_uf = (h_prev - ht) * f * (1.0 - f) * i / s2
    d_ui = -(h_prev - ht) * f * i * (1.0 - i) / s2
    inn = 1.0 - fn
    return {
        "state": fn,
        "input": (d_uf[:, :, None] * p["W_f"][None] + d_ui[:, :, None] * p["W_i"][None]
                  + inn[:, :, None] * p["W_h"][None]),
        "b_f": d_uf, "W_f": d_uf[:, :, None] * x[:, None, :],
        "b_i": d_ui, "W_i": d_ui[:, :, None] * x[:, None, :],
        "b_h": inn, "W_h": inn[:, :, None] * x[:, None, :],
    }


def accumulate_parameter_gradient(state: Any, local: Any) -> np.ndarray:
    """∂h_T/∂θ through time from diagonal state Jacobians and local parameter Jacobians.

    Parameters
    ----------
    state : array_like, shape ``(T, *S)`` or ``(T,)``
        Diagonal state Jacobians ∂h_t/∂h_{t−1} (elementwise factors; a scalar per step for a
        Mamba-2 head).
    local : array_like, shape ``(T, *S, ...)``
        Local derivatives ∂h_t/∂θ (state axes first, then parameter axes).

    Returns
    -------
    numpy.ndarray, shape ``(*S, ...)``
        Σ_t (Π_{r>t} a_r) ∂h_t/∂θ, by the forward recursion G_t = a_t G_{t−1} + L_t
        (no products are formed explicitly).

    Notes
    -----
    h_T = a_T h_{T−1} + … gives dh_T/dθ = Σ_{t=1}^{T} (Π_{r=t+1}^{T} a_r) ∂h_t/∂θ|_{h_{t−1}}
    for a diagonal recurrence whose state Jacobian does not involve θ-dependent cross terms.

    Examples
    --------
    >>> accumulate_parameter_gradient([[0.5], [0.5]], [[1.0], [1.0]]).tolist()
    [1.5]
    """
    a = as_float_array(state, "state", allow_complex=False)
    L = as_float_array(local, "local", allow_complex=False)
    if L.shape[0] != a.shape[0] or L.shape[1:a.ndim] != a.shape[1:]:
        raise ValueError(f"local must start with the shape of state {a.shape}; got {L.shape}")
    extra = L.ndim - a.ndim
    G = np.zeros(L.shape[1:])
    for t in range(a.shape[0]):
        G = a[t].reshape(a.shape[1:] + (1,) * extra) * G + L[t]
    return G
