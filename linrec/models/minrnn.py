"""minGRU and minLSTM (Feng et al. 2024, "Were RNNs all we needed?") with exact gradients.

Both are input-gated linear recurrences h_t = a_t * h_{t-1} + b_t whose gates depend on x_t
only, so the whole sequence can be computed with a parallel scan:

- minGRU: z_t = s(W_z x_t + b_z), h~_t = g(W_h x_t + b_h), a_t = 1 - z_t, b_t = z_t h~_t;
- minLSTM: f_t = s(W_f x_t + b_f), i_t = s(W_i x_t + b_i), h~_t = g(W_h x_t + b_h); with length
  normalisation f' = f/(f + i), i' = i/(f + i) (the paper's time-independent scaling), else
  f' = f, i' = i; a_t = f'_t, b_t = i'_t h~_t.

Gates are formed in log space through softplus (log s(k) = -softplus(-k), and for the
normalised minLSTM log f' = -softplus(d), log i' = -softplus(-d) with
d = softplus(-k_f) - softplus(-k_i)), as in the paper's log-space implementation. With
``positive=True`` the candidate is g(v) = v + 1/2 for v >= 0 and s(v) for v < 0 (positive, so the
log-space scan of Heinsen applies); with ``positive=False`` g is the identity.

``mode="parallel"`` runs :func:`linrec.scan.linear_scan` with ``scan_method`` (default
``"chunked"``; ``"log"`` is Heinsen's log-space scan of the paper's Appendix B, for a
non-negative candidate and h0); ``mode="sequential"`` runs the recurrence step by step. Both
give the same states up to rounding, including from a nonzero h0.

Why ``"chunked"`` and not the paper's log-space scan by default: on a CPU the log-space scan
(a log, a logcumsumexp and an exp per element) costs more than the two-level chunked scan (a few
multiply-adds per element) and is less accurate (its error grows like u sum_k |log a_k| instead
of u t). Measured forward + backward (``loss_and_grad``) with OPENBLAS_NUM_THREADS=1, log / chunked
time: minGRU 1.4-3.9x (T = 64..4096, B = 4..128, N = 16..256), minLSTM 1.2-1.6x; states
against the step-by-step recurrence at T = 4096: 9e-15 (log) vs 1e-16 (chunked) relative. The
gates are still formed in log space through softplus in either case.
The backward pass is :func:`linrec.scan.linear_scan_vjp` followed by the gates' chain rule.
Readout y_t = C h_t + c (of the last layer when ``layers > 1``).
"""

from __future__ import annotations

import numpy as np

from linrec._validation import as_rng, check_choice, check_positive_int
from linrec.models.base import Model

__all__ = ["MinGRU", "MinLSTM"]


def _softplus(x):
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def _sig_pair(x):
    """(s(x), s(-x)) = (exp(-softplus(-x)), exp(-softplus(x))) from one exponential e = exp(-|x|):
    1/(1 + e) and e/(1 + e), assigned by the sign of x (no overflow, full relative accuracy)."""
    e = np.exp(-np.abs(x))
    big = 1.0 / (1.0 + e)
    small = e * big
    pos = x >= 0
    return np.where(pos, big, small), np.where(pos, small, big)


def _sig(x):
    return _sig_pair(x)[0]


def _g(v):
    return np.where(v >= 0, v + 0.5, _sig(v))


def _dg(v):
    s = _sig(v)
    return np.where(v >= 0, 1.0, s * (1.0 - s))


def _lname(base: str, layer: int) -> str:
    return base if layer == 0 else f"{base}_{layer}"


class _MinRNN(Model):
    _gates: tuple[str, ...] = ()

    def __init__(self, input_dim, hidden, output_dim, *, mode: str = "parallel", positive: bool = True,
                 layers: int = 1, residual: bool = False, scan_method: str | None = None):
        super().__init__(input_dim, hidden, output_dim)
        self.mode = check_choice(mode, "mode", ("parallel", "sequential"))
        if scan_method is None:
            scan_method = "chunked"
        self.scan_method = check_choice(scan_method, "scan_method", ("auto", "sequential", "chunked", "tree", "log"))
        self.positive = bool(positive)
        self.layers = check_positive_int(layers, "layers")
        self.residual = bool(residual)
        groups = {}
        for layer in range(self.layers):
            for gname in self._gates:
                groups[_lname(f"W{gname}", layer)] = "gate"
                groups[_lname(f"b{gname}", layer)] = "gate"
            groups[_lname("Wh", layer)] = "input"
            groups[_lname("bh", layer)] = "input"
        groups.update({"C": "output", "c": "output"})
        self.param_groups = groups

    def init(self, rng=None):
        """Linear layers U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (PyTorch's default), readout C ~ N(0, 1/N)."""
        g = as_rng(rng)
        N, dout = self.hidden, self.output_dim
        p = {}
        for layer in range(self.layers):
            din = self.input_dim if layer == 0 else N
            k = 1.0 / np.sqrt(din)
            for name in (*self._gates, "h"):
                p[_lname(f"W{name}", layer)] = g.uniform(-k, k, (N, din))
                p[_lname(f"b{name}", layer)] = g.uniform(-k, k, N)
        p["C"] = g.standard_normal((dout, N)) / np.sqrt(N)
        p["c"] = np.zeros(dout)
        return p

    def _layer_params(self, p, layer):
        return {base: p[_lname(base, layer)] for base in
                [f"{w}{n}" for n in (*self._gates, "h") for w in ("W", "b")]}

    def _ab(self, p, x):
        """Gates a, the input coefficient (z or i'), the candidate and the pre-activations."""
        raise NotImplementedError  # pragma: no cover

    def _forward(self, p, x, h0, need_cache, need_states):
        from linrec.scan import linear_scan

        T, B, _ = x.shape
        N = self.hidden
        h0 = self._check_h0(h0, B, N * self.layers)
        inp = x
        caches, states = [], []
        for layer in range(self.layers):
            pl = self._layer_params(p, layer)
            h0l = None if h0 is None else h0[:, layer * N:(layer + 1) * N]
            a, coef, cand, aux = self._ab(pl, inp)
            b = coef * cand
            if self.mode == "parallel":
                h = linear_scan(a, b, h0l, method=self.scan_method)
            else:
                h = np.empty_like(b)
                prev = np.zeros((B, N)) if h0l is None else h0l
                for t in range(T):
                    prev = a[t] * prev + b[t]
                    h[t] = prev
            if need_cache:
                caches.append((inp, h, h0l, a, coef, cand, aux))
            out = h + inp if (self.residual and layer > 0) else h
            states.append(out)
            inp = out
        y = inp @ p["C"].T + p["c"]
        st = (states[0] if self.layers == 1 else np.concatenate(states, axis=2)) if need_states else None
        return y, st, ((caches, inp) if need_cache else None)

    def _candidate(self, p, x):
        v = x @ p["Wh"].T + p["bh"]
        return (_g(v) if self.positive else v), v

    def _backward(self, p, cache, dy):
        from linrec.scan import linear_scan_vjp

        caches, last = cache
        T, B, _ = dy.shape
        n = T * B
        dy2 = dy.reshape(n, -1)
        grads = {"C": dy2.T @ last.reshape(n, -1), "c": dy2.sum(0)}
        g_out = dy @ p["C"]
        for layer in range(self.layers - 1, -1, -1):
            inp, h, h0l, a, coef, cand, aux = caches[layer]
            pl = self._layer_params(p, layer)
            ga, gb, _ = linear_scan_vjp(a, h, g_out, h0l)
            gcand = gb * coef
            gv = gcand * _dg(aux["v"]) if self.positive else gcand
            gpre = self._gate_grads(ga, gb * cand, aux)
            x2 = inp.reshape(n, -1)
            gv2 = gv.reshape(n, -1)
            grads[_lname("Wh", layer)] = gv2.T @ x2
            grads[_lname("bh", layer)] = gv2.sum(0)
            if layer > 0:
                g_in = gv @ pl["Wh"]
            for name, gk in gpre.items():
                g2 = gk.reshape(n, -1)
                grads[_lname(f"W{name}", layer)] = g2.T @ x2
                grads[_lname(f"b{name}", layer)] = g2.sum(0)
                if layer > 0:
                    g_in = g_in + gk @ pl[f"W{name}"]
            if layer > 0:
                g_out = g_in + g_out if (self.residual and layer > 0) else g_in
        return grads

    def _gate_grads(self, ga, gcoef, aux):  # pragma: no cover - abstract
        raise NotImplementedError


class MinGRU(_MinRNN):
    """minGRU: h_t = (1 - z_t) h_{t-1} + z_t g(W_h x_t + b_h), z_t = s(W_z x_t + b_z); y = C h + c.

    Parameters
    ----------
    input_dim : int
        Input channels.
    hidden : int
        State size N.
    output_dim : int
        Output channels.
    mode : {"parallel", "sequential"}, optional
        Scan-based or step-by-step evaluation (same result).
    positive : bool, optional
        Use the positive candidate g (log-space form of the paper) instead of the identity.
    layers : int, optional
        Number of stacked layers (layer l > 0 reads the states of layer l - 1; parameters of
        layer l are suffixed ``_l``; ``h0`` then has width ``layers * hidden``).
    residual : bool, optional
        Add each stacked layer's input to its states (h^l + h^{l-1}).
    scan_method : {"chunked", "log", "auto", "sequential", "tree"}, optional
        :func:`linrec.scan.linear_scan` method of the parallel mode (None: ``"chunked"``,
        faster and more accurate on a CPU than the paper's log-space scan ``"log"``, which
        needs a non-negative candidate and h0; see the module docstring for the measurements).

    References
    ----------
    L. Feng, F. Tung, M. O. Ahmed, Y. Bengio, H. Hajimirsadeghi, "Were RNNs all we needed?",
    2024, Sec. 3.1 and Appendix B (log-space minGRU).

    Examples
    --------
    >>> m = MinGRU(2, 4, 1)
    >>> p = m.init(0)
    >>> x = np.random.default_rng(1).normal(size=(20, 3, 2))
    >>> h0 = np.full((3, 4), 0.3)
    >>> a = m.forward(p, x, h0)
    >>> b = MinGRU(2, 4, 1, mode="sequential").forward(p, x, h0)
    >>> bool(np.allclose(a, b, rtol=1e-12, atol=1e-12))
    True
    """

    _gates = ("z",)

    def _ab(self, p, x):
        k = x @ p["Wz"].T + p["bz"]
        z, a = _sig_pair(k)  # z = s(k) = exp(-softplus(-k)), 1 - z = s(-k) = exp(-softplus(k))
        cand, v = self._candidate(p, x)
        return a, z, cand, {"v": v, "az": a * z}

    def _gate_grads(self, ga, gcoef, aux):
        # da/dk = -a z, dz/dk = a z
        return {"z": (gcoef - ga) * aux["az"]}


class MinLSTM(_MinRNN):
    """minLSTM: h_t = f'_t h_{t-1} + i'_t g(W_h x_t + b_h) with (optionally normalised) input-only
    gates f = s(W_f x + b_f), i = s(W_i x + b_i); y = C h + c.

    Parameters
    ----------
    input_dim : int
        Input channels.
    hidden : int
        State size N.
    output_dim : int
        Output channels.
    normalize : bool, optional
        Length normalisation f' = f/(f+i), i' = i/(f+i) (default True, the paper's minLSTM).
    mode : {"parallel", "sequential"}, optional
        Scan-based or step-by-step evaluation.
    positive : bool, optional
        Positive candidate g (log-space form) instead of the identity.
    layers : int, optional
        Number of stacked layers (see :class:`MinGRU`).
    residual : bool, optional
        Residual connections between stacked layers.
    scan_method : str, optional
        Scan method of the parallel mode (see :class:`MinGRU`).

    References
    ----------
    L. Feng et al., "Were RNNs all we needed?", 2024, Sec. 3.2 and Appendix B.

    Examples
    --------
    >>> m = MinLSTM(2, 4, 1)
    >>> p = m.init(0)
    >>> x = np.random.default_rng(1).normal(size=(20, 3, 2))
    >>> bool(np.allclose(m.forward(p, x), MinLSTM(2, 4, 1, mode="sequential").forward(p, x)))
    True
    """

    _gates = ("f", "i")

    def __init__(self, input_dim, hidden, output_dim, *, normalize: bool = True, mode: str = "parallel",
                 positive: bool = True, layers: int = 1, residual: bool = False, scan_method: str | None = None):
        super().__init__(input_dim, hidden, output_dim, mode=mode, positive=positive, layers=layers,
                         residual=residual, scan_method=scan_method)
        self.normalize = bool(normalize)

    def _ab(self, p, x):
        kf = x @ p["Wf"].T + p["bf"]
        ki = x @ p["Wi"].T + p["bi"]
        cand, v = self._candidate(p, x)
        spf, spi = _softplus(-kf), _softplus(-ki)  # -log f, -log i
        if self.normalize:
            d = spf - spi
            i, a = _sig_pair(d)  # f' = exp(-softplus(d)), i' = exp(-softplus(-d))
            aux = {"v": v, "ai": a * i, "sf": _sig_pair(kf)[1], "si": _sig_pair(ki)[1]}
        else:
            a = np.exp(-spf)
            i = np.exp(-spi)
            aux = {"v": v, "fa": a * _sig_pair(kf)[1], "ii": i * _sig_pair(ki)[1]}
        return a, i, cand, aux

    def _gate_grads(self, ga, gcoef, aux):
        if self.normalize:
            # a = s(-d), i' = s(d); d = sp(-k_f) - sp(-k_i): dd/dk_f = -s(-k_f), dd/dk_i = s(-k_i)
            gd = (gcoef - ga) * aux["ai"]
            return {"f": -gd * aux["sf"], "i": gd * aux["si"]}
        return {"f": ga * aux["fa"], "i": gcoef * aux["ii"]}
