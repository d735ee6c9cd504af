"""Per-step Jacobians dh_t/dh_{t-1} of recurrent cells along a trajectory.

Self-contained: every function takes weights and inputs as arrays (no model objects), runs the
forward recurrence (``*_trajectory``) and returns the per-step Jacobians ``J[t-1] =
dh_t/dh_{t-1}``, t = 1..T, so that dh_T/dh_s = J[T-1] J[T-2] ... J[s] (see
:mod:`linrec.jacobians.products`).

Conventions
-----------
* Elman RNN, ``convention="outside"`` (default, the usual modern form):
  h_t = sigma(W h_{t-1} + U x_t + b), J_t = diag(sigma'(a_t)) W, a_t the pre-activation.
  ``convention="inside"`` (Pascanu et al. 2013, Eq. (2)): x_t = W sigma(x_{t-1}) + U u_t + b,
  J_t = W diag(sigma'(x_{t-1})).
* LSTM (Hochreiter & Schmidhuber 1997 with forget gate, Gers et al. 2000): stacked gate order
  (i, f, g, o) in ``W`` (4N, d), ``U`` (4N, N), ``b`` (4N,); c_t = f_t c_{t-1} + i_t g_t,
  h_t = o_t tanh(c_t). State (h_t, c_t).
* GRU (Cho et al. 2014, Eqs. (5)-(8)): z_t weights the OLD state,
  h_t = z_t h_{t-1} + (1 - z_t) n_t, n_t = tanh(W_n x_t + U_n (r_t h_{t-1}) + b_n); gate order
  (z, r, n). (PyTorch swaps the roles of z and 1 - z and applies r after U_n.)
* minGRU (Feng et al. 2024): h_t = (1 - z_t) h_{t-1} + z_t htilde_t, z_t = sigma(W_z x_t + b_z):
  J_t = diag(1 - z_t), independent of h.
* minLSTM (Feng et al. 2024): f'_t = f_t/(f_t + i_t), h_t = f'_t h_{t-1} + i'_t htilde_t:
  J_t = diag(f'_t).
* LRU (Orvieto et al. 2023): h_t = lam h_{t-1} + gamma (B x_t), lam = exp(-exp(nu_log) +
  i exp(theta_log)): J_t = diag(lam), constant.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, log_expit

from linrec._validation import as_float_array, check_choice

__all__ = [
    "ACTIVATION_GAIN",
    "rnn_trajectory",
    "rnn_jacobians",
    "lstm_trajectory",
    "lstm_jacobians",
    "gru_trajectory",
    "gru_jacobians",
    "mingru_log_jacobians",
    "minlstm_log_jacobians",
    "lru_jacobian",
]

_ACTIVATIONS = ("linear", "tanh", "sigmoid", "relu")

#: sup |sigma'| for each activation: the gamma of Pascanu et al. (2013), Sec. 3.1.
ACTIVATION_GAIN = {"linear": 1.0, "tanh": 1.0, "sigmoid": 0.25, "relu": 1.0}


def _act(a: np.ndarray, activation: str) -> np.ndarray:
    if activation == "linear":
        return a
    if activation == "tanh":
        return np.tanh(a)
    if activation == "sigmoid":
        return expit(a)
    return np.maximum(a, 0.0)


def _dact_from_pre(a: np.ndarray, activation: str) -> np.ndarray:
    if activation == "linear":
        return np.ones_like(a)
    if activation == "tanh":
        t = np.tanh(a)
        return 1.0 - t * t
    if activation == "sigmoid":
        s = expit(a)
        return s * (1.0 - s)
    return (a > 0).astype(float)


def _check_rnn(W, U, b, x, h0):
    W = as_float_array(W, "W", allow_complex=False, ndim=2)
    N = W.shape[0]
    if W.shape != (N, N):
        raise ValueError(f"W must be square (N, N); got shape {W.shape}")
    x = as_float_array(x, "x", allow_complex=False, ndim=2)
    U = as_float_array(U, "U", allow_complex=False, ndim=2)
    if U.shape != (N, x.shape[1]):
        raise ValueError(f"U must have shape (N, d) = {(N, x.shape[1])}; got {U.shape}")
    b = np.zeros(N) if b is None else as_float_array(b, "b", allow_complex=False, ndim=1)
    if b.shape != (N,):
        raise ValueError(f"b must have shape (N,) = {(N,)}; got {b.shape}")
    h0 = np.zeros(N) if h0 is None else as_float_array(h0, "h0", allow_complex=False, ndim=1)
    if h0.shape != (N,):
        raise ValueError(f"h0 must have shape (N,) = {(N,)}; got {h0.shape}")
    return W, U, b, x, h0


def rnn_trajectory(W, U, x, *, b=None, h0=None, activation="tanh", convention="outside"):
    """Run an Elman RNN and return its states and pre-activations.

    Parameters
    ----------
    W : array_like, shape (N, N)
        Recurrent matrix.
    U : array_like, shape (N, d)
        Input matrix.
    x : array_like, shape (T, d)
        Inputs x_1..x_T.
    b : array_like, shape (N,), optional
        Bias (default 0).
    h0 : array_like, shape (N,), optional
        Initial state (default 0).
    activation : {"tanh", "sigmoid", "relu", "linear"}, optional
        The nonlinearity sigma.
    convention : {"outside", "inside"}, optional
        ``"outside"``: h_t = sigma(W h_{t-1} + U x_t + b). ``"inside"`` (Pascanu et al.):
        h_t = W sigma(h_{t-1}) + U x_t + b.

    Returns
    -------
    h : numpy.ndarray, shape (T + 1, N)
        States h_0..h_T.
    a : numpy.ndarray, shape (T, N)
        For "outside", the pre-activations a_t = W h_{t-1} + U x_t + b; for "inside", the
        arguments h_{t-1} of sigma at step t.

    Notes
    -----
    outside: a_t = W h_{t-1} + U x_t + b, h_t = sigma(a_t).
    inside: h_t = W sigma(h_{t-1}) + U x_t + b (Pascanu et al. 2013, Eq. (2) with x for
    the state).

    References
    ----------
    J. L. Elman, "Finding structure in time", Cognitive Science 14 (1990).
    R. Pascanu, T. Mikolov and Y. Bengio, "On the difficulty of training recurrent neural
    networks", ICML 2013, Eq. (2).

    Examples
    --------
    >>> h, a = rnn_trajectory(0.5 * np.eye(2), np.eye(2), np.ones((3, 2)), activation="linear")
    >>> h[-1]
    array([1.75, 1.75])
    """
    check_choice(activation, "activation", _ACTIVATIONS)
    check_choice(convention, "convention", ("outside", "inside"))
    W, U, b, x, h0 = _check_rnn(W, U, b, x, h0)
    T, N = x.shape[0], W.shape[0]
    h = np.empty((T + 1, N))
    a = np.empty((T, N))
    h[0] = h0
    drive = x @ U.T + b
    for t in range(T):
        if convention == "outside":
            a[t] = W @ h[t] + drive[t]
            h[t + 1] = _act(a[t], activation)
        else:
            a[t] = h[t]
            h[t + 1] = W @ _act(h[t], activation) + drive[t]
    return h, a


def rnn_jacobians(W, a, *, activation="tanh", convention="outside"):
    """Per-step Jacobians dh_t/dh_{t-1} of an Elman RNN along a trajectory.

    Parameters
    ----------
    W : array_like, shape (N, N)
        Recurrent matrix.
    a : array_like, shape (T, N)
        The second output of :func:`rnn_trajectory` (pre-activations for "outside", the
        arguments of sigma for "inside").
    activation : {"tanh", "sigmoid", "relu", "linear"}, optional
        The nonlinearity sigma.
    convention : {"outside", "inside"}, optional
        See :func:`rnn_trajectory`.

    Returns
    -------
    numpy.ndarray, shape (T, N, N)
        J[t-1] = dh_t/dh_{t-1}.

    Notes
    -----
    outside: J_t = diag(sigma'(a_t)) W. inside: J_t = W diag(sigma'(h_{t-1}))
    (Pascanu et al. 2013, Eq. (5): dx_t/dx_{t-1} = W^T_rec diag(sigma'(x_{t-1})) in their
    row-vector convention). sigma' = 1 - tanh^2, s(1 - s), 1[a > 0] (0 at a = 0), 1.
    For ReLU on a trajectory where every unit is active, J_t = W exactly and the product is
    W^n (Le et al. 2015).

    References
    ----------
    R. Pascanu, T. Mikolov and Y. Bengio, "On the difficulty of training recurrent neural
    networks", ICML 2013, Eqs. (5)-(6).

    Examples
    --------
    >>> W = np.array([[0.5, 0.1], [0.0, 0.5]])
    >>> h, a = rnn_trajectory(W, np.eye(2), np.ones((2, 2)), activation="relu")
    >>> bool(np.array_equal(rnn_jacobians(W, a, activation="relu")[1], W))   # all active
    True
    """
    check_choice(activation, "activation", _ACTIVATIONS)
    check_choice(convention, "convention", ("outside", "inside"))
    W = as_float_array(W, "W", allow_complex=False, ndim=2)
    a = as_float_array(a, "a", allow_complex=False, ndim=2)
    N = W.shape[0]
    if W.shape != (N, N):
        raise ValueError(f"W must be square (N, N); got shape {W.shape}")
    if a.shape[1] != N:
        raise ValueError(f"a must have shape (T, N) with N = {N}; got {a.shape}")
    d = _dact_from_pre(a, activation)
    if convention == "outside":
        return d[:, :, None] * W[None, :, :]
    return W[None, :, :] * d[:, None, :]


# ----------------------------------------------------------------------------------- LSTM


def _check_gated(W, U, b, x, n_gates, name_state="h0"):
    U = as_float_array(U, "U", allow_complex=False, ndim=2)
    if U.shape[0] % n_gates or U.shape[1] * n_gates != U.shape[0]:
        raise ValueError(f"U must have shape ({n_gates} N, N); got {U.shape}")
    N = U.shape[1]
    x = as_float_array(x, "x", allow_complex=False, ndim=2)
    W = as_float_array(W, "W", allow_complex=False, ndim=2)
    if W.shape != (n_gates * N, x.shape[1]):
        raise ValueError(f"W must have shape ({n_gates} N, d) = {(n_gates * N, x.shape[1])}; got {W.shape}")
    b = np.zeros(n_gates * N) if b is None else as_float_array(b, "b", allow_complex=False, ndim=1)
    if b.shape != (n_gates * N,):
        raise ValueError(f"b must have shape ({n_gates * N},); got {b.shape}")
    return W, U, b, x, N


def _state(v, N, name):
    v = np.zeros(N) if v is None else as_float_array(v, name, allow_complex=False, ndim=1)
    if v.shape != (N,):
        raise ValueError(f"{name} must have shape (N,) = {(N,)}; got {v.shape}")
    return v


def lstm_trajectory(W, U, x, *, b=None, h0=None, c0=None):
    """Run an LSTM and return states and gates.

    Parameters
    ----------
    W : array_like, shape (4N, d)
        Input weights, gate blocks in the order (i, f, g, o).
    U : array_like, shape (4N, N)
        Recurrent weights, same order.
    x : array_like, shape (T, d)
        Inputs.
    b : array_like, shape (4N,), optional
        Biases (default 0).
    h0 : array_like, shape (N,), optional
        Initial hidden state (default 0).
    c0 : array_like, shape (N,), optional
        Initial cell state (default 0).

    Returns
    -------
    dict of numpy.ndarray
        ``h``, ``c`` of shape (T + 1, N) (index 0 is the initial state) and the gates ``i``,
        ``f``, ``g``, ``o`` of shape (T, N).

    Notes
    -----
    (i, f, o) = sigmoid(.), g = tanh(.) of W x_t + U h_{t-1} + b;
    c_t = f_t * c_{t-1} + i_t * g_t;  h_t = o_t * tanh(c_t).

    References
    ----------
    S. Hochreiter and J. Schmidhuber, "Long short-term memory", Neural Computation 9 (1997);
    F. Gers, J. Schmidhuber and F. Cummins, "Learning to forget", Neural Computation 12
    (2000), Eqs. (1)-(4) (forget gate).

    Examples
    --------
    >>> N, d = 2, 1
    >>> out = lstm_trajectory(np.zeros((8, 1)), np.zeros((8, 2)), np.ones((3, 1)))
    >>> [round(float(v), 6) for v in out["f"][0]]     # sigmoid(0)
    [0.5, 0.5]
    """
    W, U, b, x, N = _check_gated(W, U, b, x, 4)
    h0 = _state(h0, N, "h0")
    c0 = _state(c0, N, "c0")
    T = x.shape[0]
    h = np.empty((T + 1, N))
    c = np.empty((T + 1, N))
    gates = {k: np.empty((T, N)) for k in "ifgo"}
    h[0], c[0] = h0, c0
    drive = x @ W.T + b
    for t in range(T):
        z = drive[t] + U @ h[t]
        i, f, g, o = expit(z[:N]), expit(z[N:2 * N]), np.tanh(z[2 * N:3 * N]), expit(z[3 * N:])
        c[t + 1] = f * c[t] + i * g
        h[t + 1] = o * np.tanh(c[t + 1])
        gates["i"][t], gates["f"][t], gates["g"][t], gates["o"][t] = i, f, g, o
    return {"h": h, "c": c, **gates}


def lstm_jacobians(U, traj, *, path="full"):
    """Per-step LSTM Jacobians: the cell path diag(f_t) or the full (h, c) Jacobian.

    Parameters
    ----------
    U : array_like, shape (4N, N)
        Recurrent weights (gate order i, f, g, o).
    traj : dict
        Output of :func:`lstm_trajectory`.
    path : {"full", "cell"}, optional
        ``"cell"``: dc_t/dc_{t-1} with h_{t-1} held fixed, returned as the diagonal f_t,
        shape (T, N). ``"full"``: d(h_t, c_t)/d(h_{t-1}, c_{t-1}), shape (T, 2N, 2N), block
        order (h, c).

    Returns
    -------
    numpy.ndarray
        (T, N) diagonals for "cell", (T, 2N, 2N) matrices for "full".

    Notes
    -----
    With a' = derivative of the gate non-linearity (s(1-s) for sigmoid gates, 1 - g^2 for g):
    dc_t/dc_{t-1} = diag(f_t),
    dc_t/dh_{t-1} = diag(c_{t-1} f_t(1-f_t)) U_f + diag(g_t i_t(1-i_t)) U_i + diag(i_t (1-g_t^2)) U_g,
    dh_t/dc_{t-1} = diag(o_t (1 - tanh^2 c_t) f_t),
    dh_t/dh_{t-1} = diag(tanh(c_t) o_t(1-o_t)) U_o + diag(o_t (1 - tanh^2 c_t)) dc_t/dh_{t-1}.
    The "constant error carousel" is the cell path: prod_t diag(f_t), which vanishes only as
    fast as the forget gates are below 1.

    References
    ----------
    S. Hochreiter and J. Schmidhuber, "Long short-term memory", Neural Computation 9 (1997),
    Sec. 4 (constant error carousel); F. Gers et al., "Learning to forget", Neural
    Computation 12 (2000), Eqs. (1)-(4).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> W, U = rng.normal(size=(8, 1)), rng.normal(size=(8, 2))
    >>> tr = lstm_trajectory(W, U, rng.normal(size=(4, 1)))
    >>> bool(np.array_equal(lstm_jacobians(U, tr, path="cell"), tr["f"]))
    True
    >>> lstm_jacobians(U, tr).shape
    (4, 4, 4)
    """
    check_choice(path, "path", ("full", "cell"))
    if not isinstance(traj, dict) or not all(k in traj for k in ("h", "c", "i", "f", "g", "o")):
        raise TypeError("traj must be the dict returned by lstm_trajectory (keys h, c, i, f, g, o)")
    f = np.asarray(traj["f"], dtype=float)
    if path == "cell":
        return f.copy()
    U = as_float_array(U, "U", allow_complex=False, ndim=2)
    T, N = f.shape
    if U.shape != (4 * N, N):
        raise ValueError(f"U must have shape (4N, N) = {(4 * N, N)}; got {U.shape}")
    Ui, Uf, Ug, Uo = U[:N], U[N:2 * N], U[2 * N:3 * N], U[3 * N:]
    i, g, o = traj["i"], traj["g"], traj["o"]
    c = traj["c"]
    J = np.zeros((T, 2 * N, 2 * N))
    for t in range(T):
        tc = np.tanh(c[t + 1])
        dc_dh = ((c[t] * f[t] * (1 - f[t]))[:, None] * Uf + (g[t] * i[t] * (1 - i[t]))[:, None] * Ui
                 + (i[t] * (1 - g[t] ** 2))[:, None] * Ug)
        k = o[t] * (1 - tc * tc)
        J[t, :N, :N] = (tc * o[t] * (1 - o[t]))[:, None] * Uo + k[:, None] * dc_dh
        J[t, :N, N:] = np.diag(k * f[t])
        J[t, N:, :N] = dc_dh
        J[t, N:, N:] = np.diag(f[t])
    return J


# ------------------------------------------------------------------------------------ GRU


def gru_trajectory(W, U, x, *, b=None, h0=None):
    """Run a GRU (Cho et al. 2014 convention) and return states and gates.

    Parameters
    ----------
    W : array_like, shape (3N, d)
        Input weights, gate blocks in the order (z, r, n).
    U : array_like, shape (3N, N)
        Recurrent weights, same order.
    x : array_like, shape (T, d)
        Inputs.
    b : array_like, shape (3N,), optional
        Biases (default 0).
    h0 : array_like, shape (N,), optional
        Initial state (default 0).

    Returns
    -------
    dict of numpy.ndarray
        ``h`` of shape (T + 1, N) and the gates ``z``, ``r``, ``n`` of shape (T, N).

    Notes
    -----
    z_t = sigmoid(W_z x_t + U_z h_{t-1} + b_z), r_t = sigmoid(W_r x_t + U_r h_{t-1} + b_r),
    n_t = tanh(W_n x_t + U_n (r_t * h_{t-1}) + b_n), h_t = z_t * h_{t-1} + (1 - z_t) * n_t.

    References
    ----------
    K. Cho et al., "Learning phrase representations using RNN encoder-decoder for statistical
    machine translation", EMNLP 2014, Eqs. (5)-(8).

    Examples
    --------
    >>> out = gru_trajectory(np.zeros((6, 1)), np.zeros((6, 2)), np.ones((2, 1)), h0=[1.0, -1.0])
    >>> out["h"][-1]                     # z = 1/2, n = 0: the state halves each step
    array([ 0.25, -0.25])
    """
    W, U, b, x, N = _check_gated(W, U, b, x, 3)
    h0 = _state(h0, N, "h0")
    T = x.shape[0]
    h = np.empty((T + 1, N))
    gates = {k: np.empty((T, N)) for k in "zrn"}
    h[0] = h0
    drive = x @ W.T + b
    Uz, Ur, Un = U[:N], U[N:2 * N], U[2 * N:]
    for t in range(T):
        z = expit(drive[t, :N] + Uz @ h[t])
        r = expit(drive[t, N:2 * N] + Ur @ h[t])
        n = np.tanh(drive[t, 2 * N:] + Un @ (r * h[t]))
        h[t + 1] = z * h[t] + (1 - z) * n
        gates["z"][t], gates["r"][t], gates["n"][t] = z, r, n
    return {"h": h, **gates}


def gru_jacobians(U, traj):
    """Per-step GRU Jacobians dh_t/dh_{t-1} (Cho et al. 2014 convention).

    Parameters
    ----------
    U : array_like, shape (3N, N)
        Recurrent weights (gate order z, r, n).
    traj : dict
        Output of :func:`gru_trajectory`.

    Returns
    -------
    numpy.ndarray, shape (T, N, N)
        J[t-1] = dh_t/dh_{t-1}.

    Notes
    -----
    dn_t/dh_{t-1} = diag(1 - n_t^2) U_n (diag(r_t) + diag(h_{t-1} r_t (1 - r_t)) U_r),
    J_t = diag(z_t) + diag((h_{t-1} - n_t) z_t (1 - z_t)) U_z + diag(1 - z_t) dn_t/dh_{t-1}.
    The leading term diag(z_t) is the GRU's gated identity path (it plays the role of the
    LSTM forget gate).

    References
    ----------
    K. Cho et al., "Learning phrase representations using RNN encoder-decoder for statistical
    machine translation", EMNLP 2014, Eqs. (5)-(8).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> U = rng.normal(size=(6, 2))
    >>> tr = gru_trajectory(rng.normal(size=(6, 1)), U, rng.normal(size=(3, 1)))
    >>> gru_jacobians(U, tr).shape
    (3, 2, 2)
    """
    if not isinstance(traj, dict) or not all(k in traj for k in ("h", "z", "r", "n")):
        raise TypeError("traj must be the dict returned by gru_trajectory (keys h, z, r, n)")
    z, r, n, h = (np.asarray(traj[k], dtype=float) for k in ("z", "r", "n", "h"))
    T, N = z.shape
    U = as_float_array(U, "U", allow_complex=False, ndim=2)
    if U.shape != (3 * N, N):
        raise ValueError(f"U must have shape (3N, N) = {(3 * N, N)}; got {U.shape}")
    Uz, Ur, Un = U[:N], U[N:2 * N], U[2 * N:]
    J = np.empty((T, N, N))
    for t in range(T):
        dr = np.diag(r[t]) + (h[t] * r[t] * (1 - r[t]))[:, None] * Ur
        dn = (1 - n[t] ** 2)[:, None] * (Un @ dr)
        J[t] = np.diag(z[t]) + ((h[t] - n[t]) * z[t] * (1 - z[t]))[:, None] * Uz + (1 - z[t])[:, None] * dn
    return J


# ------------------------------------------------------------------- minGRU, minLSTM, LRU


def mingru_log_jacobians(a_z):
    """Log-diagonal of the minGRU Jacobians: log(1 - z_t) = -softplus(a_t).

    Parameters
    ----------
    a_z : array_like, shape (T, N)
        Update-gate pre-activations a_t = W_z x_t + b_z (they do not depend on h).

    Returns
    -------
    numpy.ndarray, shape (T, N)
        log(1 - z_t) with z_t = sigmoid(a_t); the Jacobian is diag(exp(.)) and the product over
        s < t <= T is exp of the cumulative sum: prod (1 - z_t).

    Notes
    -----
    h_t = (1 - z_t) h_{t-1} + z_t htilde_t with z_t, htilde_t functions of x_t only, so
    dh_t/dh_{t-1} = diag(1 - z_t) and dh_T/dh_s = diag(prod_{t=s+1}^T (1 - z_t)).
    1 - sigmoid(a) = sigmoid(-a), so log(1 - z_t) = log_expit(-a_t), accurate for large |a|.

    References
    ----------
    L. Feng, F. Tung, M. O. Ahmed, Y. Bengio and H. Hajimirsadeghi, "Were RNNs all we
    needed?", arXiv:2410.01201 (2024), Sec. 3.1 (minGRU).

    Examples
    --------
    >>> [round(float(v), 6) for v in np.exp(mingru_log_jacobians([[0.0, 2.0]]))[0]]
    [0.5, 0.119203]
    """
    a = as_float_array(a_z, "a_z", allow_complex=False, ndim=2)
    return log_expit(-a)


def minlstm_log_jacobians(a_f, a_i):
    """Log-diagonal of the minLSTM Jacobians: log f'_t = log f_t - log(f_t + i_t).

    Parameters
    ----------
    a_f : array_like, shape (T, N)
        Forget-gate pre-activations (functions of x_t only).
    a_i : array_like, shape (T, N)
        Input-gate pre-activations.

    Returns
    -------
    numpy.ndarray, shape (T, N)
        log f'_t, with f'_t = f_t/(f_t + i_t), f = sigmoid(a_f), i = sigmoid(a_i).

    Notes
    -----
    h_t = f'_t h_{t-1} + i'_t htilde_t, f'_t = f_t/(f_t + i_t), i'_t = i_t/(f_t + i_t), so
    dh_t/dh_{t-1} = diag(f'_t) and dh_T/dh_s = diag(prod_{t=s+1}^T f'_t). Computed as
    log_expit(a_f) - logaddexp(log_expit(a_f), log_expit(a_i)).

    References
    ----------
    L. Feng et al., "Were RNNs all we needed?", arXiv:2410.01201 (2024), Sec. 3.2 (minLSTM,
    normalized gates).

    Examples
    --------
    >>> [round(float(v), 6) for v in np.exp(minlstm_log_jacobians([[0.0]], [[0.0]]))[0]]
    [0.5]
    """
    af = as_float_array(a_f, "a_f", allow_complex=False, ndim=2)
    ai = as_float_array(a_i, "a_i", allow_complex=False, ndim=2)
    if af.shape != ai.shape:
        raise ValueError(f"a_f and a_i must have the same shape; got {af.shape} and {ai.shape}")
    lf, li = log_expit(af), log_expit(ai)
    return lf - np.logaddexp(lf, li)


def lru_jacobian(nu_log, theta_log):
    """LRU Jacobian diagonal lam = exp(-exp(nu_log) + i exp(theta_log)) and log|lam|.

    Parameters
    ----------
    nu_log : array_like, shape (N,)
        Log of the decay rate nu = -log|lam|.
    theta_log : array_like, shape (N,)
        Log of the phase theta = arg(lam).

    Returns
    -------
    lam : numpy.ndarray, shape (N,)
        Complex diagonal of dh_t/dh_{t-1} (constant in t).
    log_abs : numpy.ndarray, shape (N,)
        log|lam| = -exp(nu_log), exact even when |lam| is within 1e-12 of 1, so that
        |dh_T/dh_s| = exp((T - s) log_abs) is evaluated without forming powers.

    Notes
    -----
    h_t = diag(lam) h_{t-1} + gamma (B x_t) with lam = exp(-exp(nu_log) + i exp(theta_log)):
    dh_T/dh_s = diag(lam^(T-s)), |lam^(T-s)| = exp(-(T-s) exp(nu_log)).

    References
    ----------
    A. Orvieto et al., "Resurrecting Recurrent Neural Networks for Long Sequences", ICML 2023,
    Sec. 3.3 (exponential parameterization).

    Examples
    --------
    >>> lam, la = lru_jacobian([np.log(0.01)], [0.0])
    >>> round(float(abs(lam[0])), 8), round(float(la[0]), 8)
    (0.99004983, -0.01)
    """
    nu = as_float_array(nu_log, "nu_log", allow_complex=False, ndim=1)
    th = as_float_array(theta_log, "theta_log", allow_complex=False, ndim=1)
    if nu.shape != th.shape:
        raise ValueError(f"nu_log and theta_log must have the same shape; got {nu.shape} and {th.shape}")
    log_abs = -np.exp(nu)
    return np.exp(log_abs + 1j * np.exp(th)), log_abs
