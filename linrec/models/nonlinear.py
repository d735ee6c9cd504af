"""Nonlinear recurrent networks with hand-written backpropagation through time.

- :class:`ElmanRNN`: h_t = phi(W h_{t-1} + U x_t + b), phi in {tanh, relu, sigmoid};
- :class:`GRU`: PyTorch's convention (the update gate z keeps the old state):
  r = s(W_ir x + b_ir + W_hr h + b_hr), z = s(W_iz x + b_iz + W_hz h + b_hz),
  n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h' = (1 - z) * n + z * h;
- :class:`LSTM`: PyTorch's convention, gates (i, f, g, o) stacked in that order,
  c' = f * c + i * g, h' = o * tanh(c'); the state passed as ``h0`` is [h0, c0] of width 2N and
  the states returned are [h_t, c_t].

Every model reads out y_t = C h_t + c. The backward passes run the exact adjoint recurrence
(one matrix product per step) and form the weight gradients with one BLAS product over all
steps. The code is complex-step safe for tanh and sigmoid (no abs, comparisons or conj on the
perturbed path).
"""

from __future__ import annotations

import numpy as np

from linrec._validation import as_rng, check_choice
from linrec.models.base import Model

__all__ = ["ElmanRNN", "GRU", "LSTM"]


def _sigmoid(z):
    if np.iscomplexobj(z):
        return 1.0 / (1.0 + np.exp(-z))
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def _rec_init(g, N, scheme, radius):
    if scheme == "sparse":
        # Pascanu et al.'s "smart_tanh": 15 non-zero N(0, 1) entries per row, spectral radius `radius`
        W = g.standard_normal((N, N))
        for row in W:
            row[g.permutation(N)[15:]] = 0.0
        rho = np.max(np.abs(np.linalg.eigvals(W)))
        return W * (radius / rho) if rho > 0 else W
    if scheme == "orthogonal":
        from linrec.growth.ensembles import haar_orthogonal

        return radius * haar_orthogonal(N, rng=g)
    return radius * g.standard_normal((N, N)) / np.sqrt(N)


def _dtype(*arrs):
    return np.result_type(*[a for a in arrs if a is not None], np.float64)


def _omega(W, d, delta, bound):
    """Omega and its direct gradient in W for d (T, B, N) = delta * phi' and delta (T, B, N)."""
    v = d @ W  # dL/dh_{t-1} through step t
    num = np.sum(v * v, axis=2)
    den = np.sum(delta * delta, axis=2)
    ok = den >= bound
    B = d.shape[1]
    count = np.sum(ok) / B
    if count == 0:
        return 0.0, np.zeros_like(W)
    safe = np.where(ok, den, 1.0)
    r = np.where(ok, num / safe, 1.0)
    om = float(np.sum((r - 1.0) ** 2) / B / count)
    # d/dW of (||d W||^2 / ||delta||^2 - 1)^2 = 2 (r - 1) / ||delta||^2 * 2 d^T (d W)
    coef = np.where(ok, 4.0 * (r - 1.0) / safe, 0.0) / (B * count)
    n = d.shape[0] * B
    gW = (d * coef[:, :, None]).reshape(n, -1).T @ v.reshape(n, -1)
    return om, gW


class ElmanRNN(Model):
    """Elman network h_t = phi(W h_{t-1} + U x_t + b), y_t = C h_t + c.

    Parameters
    ----------
    input_dim : int
        Input channels.
    hidden : int
        State size N.
    output_dim : int
        Output channels.
    activation : {"tanh", "relu", "sigmoid"}, optional
        Nonlinearity phi.
    init_scheme : {"normal", "orthogonal", "sparse"}, optional
        W = radius * N(0, 1/N) (spectral radius close to ``radius``), radius * Haar orthogonal, or
        Pascanu et al.'s "smart_tanh" (15 non-zero entries per row, spectral radius exactly
        ``radius``, and U, C ~ N(0, 0.01^2)).
    radius : float, optional
        Scale of W.
    omega : float, optional
        Strength alpha of Pascanu et al.'s vanishing-gradient regulariser: ``loss_and_grad``
        adds alpha * dOmega/dW (adjoints and states held fixed, as in their code) to the gradient
        of W; the returned loss is the task loss alone (see :meth:`ElmanRNN.omega_and_grad`).
    omega_bound : float, optional
        Steps with ||dL/dh_t||^2 below this are left out of Omega (their ``bound``).

    Examples
    --------
    >>> m = ElmanRNN(2, 4, 3, activation="relu")
    >>> y, h = m.forward(m.init(0), np.ones((5, 2, 2)), return_states=True)
    >>> y.shape, h.shape, bool(h.min() >= 0)
    ((5, 2, 3), (5, 2, 4), True)
    """

    def __init__(self, input_dim, hidden, output_dim, *, activation: str = "tanh", init_scheme: str = "normal",
                 radius: float = 1.0, omega: float = 0.0, omega_bound: float = 1e-20):
        super().__init__(input_dim, hidden, output_dim)
        if not omega >= 0:
            raise ValueError(f"omega must be >= 0; got {omega!r}")
        self.omega = float(omega)
        self.omega_bound = float(omega_bound)
        self.activation = check_choice(activation, "activation", ("tanh", "relu", "sigmoid"))
        self.init_scheme = check_choice(init_scheme, "init_scheme", ("normal", "orthogonal", "sparse"))
        if not radius > 0:
            raise ValueError(f"radius must be > 0; got {radius!r}")
        self.radius = float(radius)
        self.param_groups = {"W": "recurrent", "U": "input", "b": "input", "C": "output", "c": "output"}

    def init(self, rng=None):
        """Draw W per ``init_scheme``, U ~ N(0, 1/d_in), C ~ N(0, 1/N), zero biases."""
        g = as_rng(rng)
        N, din, dout = self.hidden, self.input_dim, self.output_dim
        W = _rec_init(g, N, self.init_scheme, self.radius)
        su, sc = (0.01, 0.01) if self.init_scheme == "sparse" else (1 / np.sqrt(din), 1 / np.sqrt(N))
        return {"W": W, "U": g.standard_normal((N, din)) * su, "b": np.zeros(N),
                "C": g.standard_normal((dout, N)) * sc, "c": np.zeros(dout)}

    def _phi(self, z):
        if self.activation == "tanh":
            return np.tanh(z)
        if self.activation == "relu":
            return np.maximum(z, 0.0)
        return _sigmoid(z)

    def _forward(self, p, x, h0, need_cache, need_states):
        T, B, _ = x.shape
        h0 = self._check_h0(h0, B)
        W, U, b, C, c = p["W"], p["U"], p["b"], p["C"], p["c"]
        dtype = _dtype(W, U, b, x, h0)
        u = x @ U.T + b
        h = np.empty((T, B, self.hidden), dtype=dtype)
        pre = np.empty_like(h) if (need_cache and self.activation == "relu") else None
        prev = np.zeros((B, self.hidden), dtype=dtype) if h0 is None else h0
        Wt = W.T
        for t in range(T):
            z = prev @ Wt + u[t]
            if pre is not None:
                pre[t] = z
            prev = self._phi(z)
            h[t] = prev
        y = h @ C.T + c
        return y, (h if need_states else None), ((x, h, h0, pre) if need_cache else None)


    def _backward(self, p, cache, dy):
        x, h, h0, pre = cache
        T, B, _ = x.shape
        W, C = p["W"], p["C"]
        if self.activation == "tanh":
            dphi = 1.0 - h * h
        elif self.activation == "sigmoid":
            dphi = h * (1.0 - h)
        else:
            dphi = (pre > 0).astype(np.float64)
        gh = dy @ C
        gpre = np.empty_like(gh)
        delta = np.empty_like(gh) if self.omega > 0 else None
        carry = np.zeros_like(gh[0])
        for t in range(T - 1, -1, -1):
            dt = gh[t] + carry
            if delta is not None:
                delta[t] = dt
            gp = dt * dphi[t]
            gpre[t] = gp
            carry = gp @ W
        hprev = np.empty_like(h)
        hprev[0] = 0.0 if h0 is None else h0
        hprev[1:] = h[:-1]
        n = T * B
        g2 = gpre.reshape(n, -1)
        dy2 = dy.reshape(n, -1)
        grads = {"W": g2.T @ hprev.reshape(n, -1), "U": g2.T @ x.reshape(n, -1), "b": g2.sum(0),
                 "C": dy2.T @ h.reshape(n, -1), "c": dy2.sum(0)}
        if delta is not None:
            _, gW = _omega(W, gpre, delta, self.omega_bound)
            grads["W"] = grads["W"] + self.omega * gW
        return grads

    def omega_and_grad(self, params, x, target, mask=None, *, loss: str = "mse", h0=None):
        """Pascanu et al.'s vanishing-gradient regulariser Omega at ``params`` and its gradient
        with respect to W (the adjoints and states held fixed, as in their code).

        Omega = sum_t mean_b (||d_t W||^2 / ||delta_t||^2 - 1)^2 / sum_t mean_b [||delta_t||^2 >= bound],
        where delta_t = dL/dh_t (total) and d_t = delta_t * phi'(pre_t), so d_t W = dL/dh_{t-1}
        through step t (Pascanu, Mikolov & Bengio 2013, Eq. (9); ``RNN.py`` uses squared norms).
        """
        from linrec.models.losses import loss_and_dy

        p = self._check_params(params)
        x = self._check_x(x)
        y, _, (xx, h, hh0, pre) = self._forward(p, x, h0, True, False)
        _, dy = loss_and_dy(loss, y, target, mask)
        T = x.shape[0]
        W = p["W"]
        if self.activation == "tanh":
            dphi = 1.0 - h * h
        elif self.activation == "sigmoid":
            dphi = h * (1.0 - h)
        else:
            dphi = (pre > 0).astype(np.float64)
        gh = dy @ p["C"]
        delta = np.empty_like(gh)
        gpre = np.empty_like(gh)
        carry = np.zeros_like(gh[0])
        for t in range(T - 1, -1, -1):
            delta[t] = gh[t] + carry
            gpre[t] = delta[t] * dphi[t]
            carry = gpre[t] @ W
        return _omega(W, gpre, delta, self.omega_bound)


class GRU(Model):
    """Gated recurrent unit (PyTorch convention, see the module docstring), y_t = C h_t + c.

    Parameters
    ----------
    input_dim : int
        Input channels.
    hidden : int
        State size N.
    output_dim : int
        Output channels.

    Notes
    -----
    Parameters ``Wx`` (3N, d_in), ``Wh`` (3N, N), ``bx``, ``bh`` (3N,) hold the (r, z, n) blocks
    in that order, initialised U(-1/sqrt(N), 1/sqrt(N)) as in PyTorch. Parameter count
    3 (N d_in + N^2 + 2N) plus the readout.

    Examples
    --------
    >>> m = GRU(2, 3, 1)
    >>> m.forward(m.init(0), np.ones((4, 5, 2))).shape
    (4, 5, 1)
    """

    def __init__(self, input_dim, hidden, output_dim):
        super().__init__(input_dim, hidden, output_dim)
        self.param_groups = {"Wx": "input", "bx": "input", "Wh": "recurrent", "bh": "recurrent",
                             "C": "output", "c": "output"}

    def init(self, rng=None):
        """PyTorch's uniform initialisation; readout C ~ N(0, 1/N)."""
        g = as_rng(rng)
        N, din, dout = self.hidden, self.input_dim, self.output_dim
        k = 1.0 / np.sqrt(N)
        return {"Wx": g.uniform(-k, k, (3 * N, din)), "Wh": g.uniform(-k, k, (3 * N, N)),
                "bx": g.uniform(-k, k, 3 * N), "bh": g.uniform(-k, k, 3 * N),
                "C": g.standard_normal((dout, N)) / np.sqrt(N), "c": np.zeros(dout)}

    def _forward(self, p, x, h0, need_cache, need_states):
        T, B, _ = x.shape
        N = self.hidden
        h0 = self._check_h0(h0, B)
        dtype = _dtype(p["Wx"], p["Wh"], p["bx"], p["bh"], x, h0)
        gx = x @ p["Wx"].T + p["bx"]
        Wht, bh = p["Wh"].T, p["bh"]
        h = np.empty((T, B, N), dtype=dtype)
        if need_cache:
            r_all, z_all, n_all, ghn_all = (np.empty((T, B, N), dtype=dtype) for _ in range(4))
        prev = np.zeros((B, N), dtype=dtype) if h0 is None else h0
        for t in range(T):
            gh = prev @ Wht + bh
            r = _sigmoid(gx[t, :, :N] + gh[:, :N])
            z = _sigmoid(gx[t, :, N:2 * N] + gh[:, N:2 * N])
            n = np.tanh(gx[t, :, 2 * N:] + r * gh[:, 2 * N:])
            prev = (1.0 - z) * n + z * prev
            h[t] = prev
            if need_cache:
                r_all[t], z_all[t], n_all[t], ghn_all[t] = r, z, n, gh[:, 2 * N:]
        y = h @ p["C"].T + p["c"]
        cache = (x, h, h0, r_all, z_all, n_all, ghn_all) if need_cache else None
        return y, (h if need_states else None), cache

    def _backward(self, p, cache, dy):
        x, h, h0, r_all, z_all, n_all, ghn_all = cache
        T, B, _ = x.shape
        N = self.hidden
        Wh = p["Wh"]
        hprev = np.empty_like(h)
        hprev[0] = 0.0 if h0 is None else h0
        hprev[1:] = h[:-1]
        gh_out = dy @ p["C"]
        dgx = np.empty((T, B, 3 * N), dtype=gh_out.dtype)
        dgh = np.empty_like(dgx)
        carry = np.zeros((B, N), dtype=gh_out.dtype)
        for t in range(T - 1, -1, -1):
            g = gh_out[t] + carry
            r, z, n = r_all[t], z_all[t], n_all[t]
            dn = g * (1.0 - z)
            dz = g * (hprev[t] - n)
            dpre_n = dn * (1.0 - n * n)
            dpre_r = dpre_n * ghn_all[t] * r * (1.0 - r)
            dpre_z = dz * z * (1.0 - z)
            dgx[t, :, :N], dgx[t, :, N:2 * N], dgx[t, :, 2 * N:] = dpre_r, dpre_z, dpre_n
            dgh[t, :, :N], dgh[t, :, N:2 * N], dgh[t, :, 2 * N:] = dpre_r, dpre_z, dpre_n * r
            carry = g * z + dgh[t] @ Wh
        n_ = T * B
        dgx2, dgh2, dy2 = dgx.reshape(n_, -1), dgh.reshape(n_, -1), dy.reshape(n_, -1)
        return {"Wx": dgx2.T @ x.reshape(n_, -1), "bx": dgx2.sum(0), "Wh": dgh2.T @ hprev.reshape(n_, -1),
                "bh": dgh2.sum(0), "C": dy2.T @ h.reshape(n_, -1), "c": dy2.sum(0)}


class LSTM(Model):
    """Long short-term memory (PyTorch convention, see the module docstring), y_t = C h_t + c.

    Parameters
    ----------
    input_dim : int
        Input channels.
    hidden : int
        Cell size N (the state passed as ``h0`` is [h0, c0], width 2N).
    output_dim : int
        Output channels.
    forget_bias : float, optional
        Initial bias of the forget gate (1.0, the usual choice).

    Examples
    --------
    >>> m = LSTM(2, 3, 1)
    >>> y, s = m.forward(m.init(0), np.ones((4, 5, 2)), return_states=True)
    >>> y.shape, s.shape
    ((4, 5, 1), (4, 5, 6))
    """

    def __init__(self, input_dim, hidden, output_dim, *, forget_bias: float = 1.0):
        super().__init__(input_dim, hidden, output_dim)
        self.forget_bias = float(forget_bias)
        self.param_groups = {"Wx": "input", "Wh": "recurrent", "b": "input", "C": "output", "c": "output"}

    def init(self, rng=None):
        """PyTorch's uniform initialisation, forget bias ``forget_bias``, readout C ~ N(0, 1/N)."""
        g = as_rng(rng)
        N, din, dout = self.hidden, self.input_dim, self.output_dim
        k = 1.0 / np.sqrt(N)
        b = g.uniform(-k, k, 4 * N)
        b[N:2 * N] = self.forget_bias
        return {"Wx": g.uniform(-k, k, (4 * N, din)), "Wh": g.uniform(-k, k, (4 * N, N)), "b": b,
                "C": g.standard_normal((dout, N)) / np.sqrt(N), "c": np.zeros(dout)}

    def _forward(self, p, x, h0, need_cache, need_states):
        T, B, _ = x.shape
        N = self.hidden
        h0 = self._check_h0(h0, B, 2 * N)
        dtype = _dtype(p["Wx"], p["Wh"], p["b"], x, h0)
        gx = x @ p["Wx"].T + p["b"]
        Wht = p["Wh"].T
        hs = np.empty((T, B, N), dtype=dtype)
        cs = np.empty((T, B, N), dtype=dtype)
        gates = np.empty((T, B, 4 * N), dtype=dtype) if need_cache else None
        hp = np.zeros((B, N), dtype=dtype) if h0 is None else h0[:, :N]
        cp = np.zeros((B, N), dtype=dtype) if h0 is None else h0[:, N:]
        for t in range(T):
            a = gx[t] + hp @ Wht
            i = _sigmoid(a[:, :N])
            f = _sigmoid(a[:, N:2 * N])
            gg = np.tanh(a[:, 2 * N:3 * N])
            o = _sigmoid(a[:, 3 * N:])
            cp = f * cp + i * gg
            hp = o * np.tanh(cp)
            hs[t], cs[t] = hp, cp
            if need_cache:
                gates[t, :, :N], gates[t, :, N:2 * N], gates[t, :, 2 * N:3 * N], gates[t, :, 3 * N:] = i, f, gg, o
        y = hs @ p["C"].T + p["c"]
        states = np.concatenate([hs, cs], axis=2) if need_states else None
        return y, states, ((x, hs, cs, h0, gates) if need_cache else None)

    def _backward(self, p, cache, dy):
        x, hs, cs, h0, gates = cache
        T, B, _ = x.shape
        N = self.hidden
        Wh = p["Wh"]
        hprev = np.empty_like(hs)
        cprev = np.empty_like(cs)
        hprev[0] = 0.0 if h0 is None else h0[:, :N]
        cprev[0] = 0.0 if h0 is None else h0[:, N:]
        hprev[1:], cprev[1:] = hs[:-1], cs[:-1]
        gh_out = dy @ p["C"]
        da = np.empty((T, B, 4 * N), dtype=gh_out.dtype)
        dh_carry = np.zeros((B, N), dtype=gh_out.dtype)
        dc_carry = np.zeros_like(dh_carry)
        for t in range(T - 1, -1, -1):
            i, f, gg, o = gates[t, :, :N], gates[t, :, N:2 * N], gates[t, :, 2 * N:3 * N], gates[t, :, 3 * N:]
            dh = gh_out[t] + dh_carry
            tc = np.tanh(cs[t])
            dc = dc_carry + dh * o * (1.0 - tc * tc)
            da[t, :, :N] = dc * gg * i * (1.0 - i)
            da[t, :, N:2 * N] = dc * cprev[t] * f * (1.0 - f)
            da[t, :, 2 * N:3 * N] = dc * i * (1.0 - gg * gg)
            da[t, :, 3 * N:] = dh * tc * o * (1.0 - o)
            dc_carry = dc * f
            dh_carry = da[t] @ Wh
        n_ = T * B
        da2, dy2 = da.reshape(n_, -1), dy.reshape(n_, -1)
        return {"Wx": da2.T @ x.reshape(n_, -1), "Wh": da2.T @ hprev.reshape(n_, -1), "b": da2.sum(0),
                "C": dy2.T @ hs.reshape(n_, -1), "c": dy2.sum(0)}
