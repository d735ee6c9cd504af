"""A diagonal selective (input-gated) linear RNN with positive or signed gates.

The recurrence of Mamba / minGRU-style layers with a diagonal, input-dependent transition,

    h_t = a_t * h_{t-1} + b_t,    a_t = g(W_a x_t + c_a),    b_t = W_b x_t + c_b,
    y_t = C h_t + d,

with the gate range chosen by ``gate``:

- ``"positive"``: g = sigmoid, a_t in (0, 1) (Mamba's exp(-Delta softplus(.)), minGRU's 1 - z);
- ``"signed"``: g = 2 sigmoid - 1 = tanh(./2), a_t in (-1, 1) (Grazzi et al. 2025's extended
  range [-1, 1]: the transition may have negative eigenvalues).

Grazzi et al. show that the sign of the transition's eigenvalues decides whether such a layer can
track state: with a_t >= 0 the Jacobian dh_t/dh_{t-1} = diag(a_t) never reverses a unit's sign,
and along a constant input the readout is a sum of exponentials with positive bases, which has at
most N sign changes (so parity of long sequences is out of reach), whereas a_t = -1 on a 1 flips
the state exactly (:mod:`linrec.experiments.grazzi2025_parity`).

The states are computed with :func:`linear_scan` and the backward pass is its adjoint
:func:`linear_scan_vjp` followed by the gate's chain rule (da/dk = s(1 - s) for ``"positive"``,
2 s(1 - s) = (1 - a^2)/2 for ``"signed"``).
"""

from __future__ import annotations

import numpy as np

from linrec._validation import as_rng, check_choice
from linrec.models.base import Model

__all__ = ["SelectiveRNN"]

GATES = ("positive", "signed")


def _sig_pair(x):
    """(s(x), s(-x)) from one exponential exp(-|x|) (no overflow, full relative accuracy)."""
    e = np.exp(-np.abs(x))
    big = 1.0 / (1.0 + e)
    small = e * big
    pos = x >= 0
    return np.where(pos, big, small), np.where(pos, small, big)


class SelectiveRNN(Model):
    r"""Diagonal selective linear RNN h_t = a_t * h_{t-1} + b_t with input-dependent gates.

    Parameters
    ----------
    input_dim : int
        Input channels d_in.
    hidden : int
        State size N (one scalar recurrence per unit).
    output_dim : int
        Output channels d_out.
    gate : {"positive", "signed"}, optional
        Gate range: ``"positive"`` a = sigmoid(k) in (0, 1); ``"signed"`` a = 2 sigmoid(k) - 1
        = tanh(k/2) in (-1, 1).
    scan_method : str, optional
        :func:`linrec.scan.linear_scan` method (default ``"auto"``: the step-by-step loop for
        short or wide sequences, the chunked scan otherwise; not ``"log"``, which needs a > 0).

    Notes
    -----
    With pre-activations k_t = W_a x_t + c_a (N,),

    .. math:: a_t = \begin{cases} \sigma(k_t) & \text{positive} \\ 2\sigma(k_t) - 1 =
              \tanh(k_t/2) & \text{signed} \end{cases}, \qquad
              b_t = W_b x_t + c_b, \qquad h_t = a_t \odot h_{t-1} + b_t, \qquad
              y_t = C h_t + d,

    from h_{-1} = h0 (zero by default). Parameters ``Wa`` (N, d_in), ``ca`` (N,), ``Wb``
    (N, d_in), ``cb`` (N,), ``C`` (d_out, N), ``d`` (d_out,). The backward pass is the reverse
    scan delta_t = dL/dh_t + a_{t+1} delta_{t+1}, dL/da_t = delta_t h_{t-1}, dL/db_t = delta_t.

    References
    ----------
    R. Grazzi, J. Siems, A. Zela, J. K. H. Franke, F. Hutter, M. Pontil, "Unlocking state-tracking
    in linear RNNs through negative eigenvalues", ICLR 2025, Sec. 3-4 (Theorem 1: positive
    diagonal transitions cannot solve parity; the range extension a -> 2a - 1).
    A. Gu, T. Dao, "Mamba: linear-time sequence modeling with selective state spaces", 2023,
    Sec. 3.2 (input-dependent, diagonal, positive transition).

    Examples
    --------
    >>> m = SelectiveRNN(1, 3, 2, gate="signed")
    >>> p = m.init(0)
    >>> x = np.random.default_rng(1).integers(0, 2, size=(6, 4, 1)).astype(float)
    >>> y, h = m.forward(p, x, return_states=True)
    >>> y.shape, h.shape
    ((6, 4, 2), (6, 4, 3))
    >>> a = m.gates(p, x)
    >>> bool(np.allclose(h[1], a[1] * h[0] + x[1] @ p["Wb"].T + p["cb"]))
    True
    """

    param_groups = {"Wa": "gate", "ca": "gate", "Wb": "input", "cb": "input", "C": "output", "d": "output"}

    def __init__(self, input_dim: int, hidden: int, output_dim: int, *, gate: str = "positive",
                 scan_method: str = "auto"):
        super().__init__(input_dim, hidden, output_dim)
        self.gate = check_choice(gate, "gate", GATES)
        self.scan_method = check_choice(scan_method, "scan_method", ("auto", "sequential", "chunked", "tree"))

    def __repr__(self) -> str:
        return f"SelectiveRNN({self.input_dim}, {self.hidden}, {self.output_dim}, gate={self.gate!r})"

    def init(self, rng=None):
        """Gate and input layers U(-1/sqrt(d_in), 1/sqrt(d_in)) (PyTorch's default), C ~ N(0, 1/N), d = 0.

        Parameters
        ----------
        rng : Generator or int or None, optional
            Random source.

        Returns
        -------
        dict of str to numpy.ndarray
            ``Wa``, ``ca``, ``Wb``, ``cb``, ``C``, ``d``.

        Examples
        --------
        >>> sorted(SelectiveRNN(2, 3, 1).init(0))
        ['C', 'Wa', 'Wb', 'ca', 'cb', 'd']
        """
        g = as_rng(rng)
        N, din, dout = self.hidden, self.input_dim, self.output_dim
        k = 1.0 / np.sqrt(din)
        return {
            "Wa": g.uniform(-k, k, (N, din)),
            "ca": g.uniform(-k, k, N),
            "Wb": g.uniform(-k, k, (N, din)),
            "cb": g.uniform(-k, k, N),
            "C": g.standard_normal((dout, N)) / np.sqrt(N),
            "d": np.zeros(dout),
        }

    def _gate(self, k):
        """a = g(k) and da/dk."""
        s, sm = _sig_pair(k)
        if self.gate == "positive":
            return s, s * sm
        return s - sm, 2.0 * s * sm  # 2 s - 1 = s - (1 - s), without cancellation of 1

    def gates(self, params, x) -> np.ndarray:
        """The transition a_t = g(W_a x_t + c_a) of every step, unit and sequence.

        Parameters
        ----------
        params : dict of str to numpy.ndarray
            Model parameters.
        x : array_like, shape (T, B, d_in)
            Inputs.

        Returns
        -------
        numpy.ndarray, shape (T, B, N)
            a_t, in (0, 1) for ``gate="positive"``, in (-1, 1) for ``gate="signed"``.

        Examples
        --------
        >>> m = SelectiveRNN(1, 2, 1, gate="signed")
        >>> p = m.init(0)
        >>> p["Wa"][:] = -40.0; p["ca"][:] = 20.0     # a(0) = tanh(10), a(1) = tanh(-10)
        >>> np.round(m.gates(p, np.array([[[0.0]], [[1.0]]]))[:, 0, 0], 6)
        array([ 1., -1.])
        """
        p = self._check_params(params)
        x = self._check_x(x)
        return self._gate(x @ p["Wa"].T + p["ca"])[0]

    def eigenvalues(self, params):
        """None: the transition depends on the input (see :meth:`gates` for a_t itself).

        Parameters
        ----------
        params : dict of str to numpy.ndarray
            Model parameters.

        Returns
        -------
        None
            Always.

        Examples
        --------
        >>> m = SelectiveRNN(1, 2, 1)
        >>> m.eigenvalues(m.init(0)) is None
        True
        """
        return None

    def _forward(self, p, x, h0, need_cache, need_states):
        from linrec.scan import linear_scan

        T, B, _ = x.shape
        h0 = self._check_h0(h0, B)
        a, da = self._gate(x @ p["Wa"].T + p["ca"])
        b = x @ p["Wb"].T + p["cb"]
        h = linear_scan(a, b, h0, method=self.scan_method)
        y = h @ p["C"].T + p["d"]
        cache = (x, a, da, h, h0) if need_cache else None
        return y, (h if need_states else None), cache

    def _backward(self, p, cache, dy):
        from linrec.scan import linear_scan_vjp

        x, a, da, h, h0 = cache
        T, B, _ = dy.shape
        n = T * B
        dy2 = dy.reshape(n, -1)
        grads = {"C": dy2.T @ h.reshape(n, -1), "d": dy2.sum(0)}
        ga, gb, _ = linear_scan_vjp(a, h, dy @ p["C"], h0)
        gk = (ga * da).reshape(n, -1)
        gb = gb.reshape(n, -1)
        x2 = x.reshape(n, -1)
        grads["Wa"] = gk.T @ x2
        grads["ca"] = gk.sum(0)
        grads["Wb"] = gb.T @ x2
        grads["cb"] = gb.sum(0)
        return grads
