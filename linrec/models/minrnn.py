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

``mode="parallel"`` runs :func:`linrec.scan.linear_scan` (``method="log"`` when the candidate
and the initial state are non-negative, else the default method); ``mode="sequential"`` runs the
recurrence step by step. Both give the same states up to rounding, including from a nonzero h0.
The backward pass is :func:`linrec.scan.linear_scan_vjp` followed by the gates' chain rule.
Readout y_t = C h_t + c.
"""

from __future__ import annotations

import numpy as np

from linrec._validation import as_rng, check_choice
from linrec.models.base import Model

__all__ = ["MinGRU", "MinLSTM"]


def _softplus(x):
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def _sig(x):
    return np.exp(-_softplus(-x))


def _g(v):
    return np.where(v >= 0, v + 0.5, _sig(v))


def _dg(v):
    s = _sig(v)
    return np.where(v >= 0, 1.0, s * (1.0 - s))


class _MinRNN(Model):
    _gates: tuple[str, ...] = ()

    def __init__(self, input_dim, hidden, output_dim, *, mode: str = "parallel", positive: bool = True):
        super().__init__(input_dim, hidden, output_dim)
        self.mode = check_choice(mode, "mode", ("parallel", "sequential"))
        self.positive = bool(positive)
        groups = {}
        for gname in self._gates:
            groups[f"W{gname}"] = "gate"
            groups[f"b{gname}"] = "gate"
        groups.update({"Wh": "input", "bh": "input", "C": "output", "c": "output"})
        self.param_groups = groups

    def init(self, rng=None):
        """Linear layers U(-1/sqrt(d_in), 1/sqrt(d_in)) (PyTorch's default), readout C ~ N(0, 1/N)."""
        g = as_rng(rng)
        N, din, dout = self.hidden, self.input_dim, self.output_dim
        k = 1.0 / np.sqrt(din)
        p = {}
        for name in (*self._gates, "h"):
            p[f"W{name}"] = g.uniform(-k, k, (N, din))
            p[f"b{name}"] = g.uniform(-k, k, N)
        p["C"] = g.standard_normal((dout, N)) / np.sqrt(N)
        p["c"] = np.zeros(dout)
        return p

    def _ab(self, p, x):
        """Gates a, the input coefficient (z or i'), the candidate and the pre-activations."""
        raise NotImplementedError  # pragma: no cover

    def _forward(self, p, x, h0, need_cache, need_states):
        from linrec.scan import linear_scan

        T, B, _ = x.shape
        h0 = self._check_h0(h0, B)
        a, coef, cand, aux = self._ab(p, x)
        b = coef * cand
        if self.mode == "parallel":
            use_log = self.positive and (h0 is None or np.all(h0 >= 0))
            h = linear_scan(a, b, h0, method="log" if use_log else "auto")
        else:
            h = np.empty_like(b)
            prev = np.zeros((B, self.hidden)) if h0 is None else h0
            for t in range(T):
                prev = a[t] * prev + b[t]
                h[t] = prev
        y = h @ p["C"].T + p["c"]
        cache = (x, h, h0, a, coef, cand, aux) if need_cache else None
        return y, (h if need_states else None), cache

    def _candidate(self, p, x):
        v = x @ p["Wh"].T + p["bh"]
        return (_g(v) if self.positive else v), v

    def _backward(self, p, cache, dy):
        from linrec.scan import linear_scan_vjp

        x, h, h0, a, coef, cand, aux = cache
        T, B, _ = x.shape
        gh = dy @ p["C"]
        ga, gb, _ = linear_scan_vjp(a, h, gh, h0)
        gcand = gb * coef
        v = aux["v"]
        gv = gcand * _dg(v) if self.positive else gcand
        gpre = self._gate_grads(ga, gb * cand, aux)
        n = T * B
        x2 = x.reshape(n, -1)
        dy2 = dy.reshape(n, -1)
        grads = {"Wh": gv.reshape(n, -1).T @ x2, "bh": gv.reshape(n, -1).sum(0),
                 "C": dy2.T @ h.reshape(n, -1), "c": dy2.sum(0)}
        for name, gk in gpre.items():
            g2 = gk.reshape(n, -1)
            grads[f"W{name}"] = g2.T @ x2
            grads[f"b{name}"] = g2.sum(0)
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
        a = np.exp(-_softplus(k))  # 1 - z = s(-k), in log space
        z = np.exp(-_softplus(-k))  # z = s(k)
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
                 positive: bool = True):
        super().__init__(input_dim, hidden, output_dim, mode=mode, positive=positive)
        self.normalize = bool(normalize)

    def _ab(self, p, x):
        kf = x @ p["Wf"].T + p["bf"]
        ki = x @ p["Wi"].T + p["bi"]
        cand, v = self._candidate(p, x)
        spf, spi = _softplus(-kf), _softplus(-ki)  # -log f, -log i
        if self.normalize:
            d = spf - spi
            a = np.exp(-_softplus(d))
            i = np.exp(-_softplus(-d))
            aux = {"v": v, "ai": a * i, "sf": np.exp(-_softplus(kf)), "si": np.exp(-_softplus(ki))}
        else:
            a = np.exp(-spf)
            i = np.exp(-spi)
            aux = {"v": v, "fa": a * np.exp(-_softplus(kf)), "ii": i * np.exp(-_softplus(ki))}
        return a, i, cand, aux

    def _gate_grads(self, ga, gcoef, aux):
        if self.normalize:
            # a = s(-d), i' = s(d); d = sp(-k_f) - sp(-k_i): dd/dk_f = -s(-k_f), dd/dk_i = s(-k_i)
            gd = (gcoef - ga) * aux["ai"]
            return {"f": -gd * aux["sf"], "i": gd * aux["si"]}
        return {"f": ga * aux["fa"], "i": gcoef * aux["ii"]}
