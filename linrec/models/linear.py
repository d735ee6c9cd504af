"""Linear recurrent models: diagonal (real or complex, any eigenvalue map, gamma normalisation),
LRU, continuous-time diagonal SSM with zero-order hold, dense and block-diagonal linear RNNs.

All are linear time-invariant, h_t = A h_{t-1} + B~ x_t, y_t = Re(C h_t) + D x_t, and share the
two evaluation paths of :class:`linrec.models.base.LTIModel`: the impulse response
k_s = Re(C A^s B~) (+ D at s = 0) convolved with the input (default; O(T N) for k and an FFT
per channel), or the state recurrence (with an initial state, or when states are wanted).

Gradients are hand-written. Complex quantities z use the convention
grad_z = dL/dRe z + i dL/dIm z (that of :func:`linrec.scan.linear_scan_vjp`), under which a
holomorphic map w = f(z) pulls back as grad_z = conj(f'(z)) grad_w and a real parameter nu of a
complex value z(nu) gets dL/dnu = Re(conj(grad_z) dz/dnu).
"""

from __future__ import annotations

import numpy as np

from linrec._validation import as_rng, check_choice, check_positive_int
from linrec.models.base import LTIModel, ParameterDomainError

__all__ = ["LinearDiagonal", "LRU", "DiagonalSSM", "DenseLinear", "BlockDiagonal"]

_REAL_MAPS = ("direct", "exp", "sigmoid", "tanh", "best")
_COMPLEX_MAPS = ("direct", "lru", "exp", "polar", "gap_angle")
_GAMMAS = ("none", "fixed", "learned")


def _powers(lam: np.ndarray, T: int) -> np.ndarray:
    """P[s] = lam**s for s < T by repeated doubling (log2 T vectorised products; relative
    rounding error at most ~log2(T) eps per entry)."""
    P = np.empty((T, lam.shape[0]), dtype=lam.dtype)
    P[0] = 1.0
    filled, base = 1, lam
    while filled < T:
        m = min(filled, T - filled)
        np.multiply(P[:m], base, out=P[filled:filled + m])
        filled += m
        if filled < T:
            base = base * base
    return P


def _outside(name: str, x: np.ndarray, interval, what: str) -> str:
    """"" if every entry of x lies in ``interval`` (a :class:`linrec.reparam.Interval`), else a
    message naming the parameter, the interval and the first offending value."""
    ok = interval.contains(x)
    if np.all(ok):
        return ""
    idx = np.flatnonzero(~np.asarray(ok).ravel())
    val = float(np.real(np.asarray(x).ravel()[idx[0]]))
    return (f"{name} must lie in {interval} ({what}); got {name}[{idx[0]}] = {val!r} "
            f"({idx.size} of {np.size(x)} entries outside)")


class _DiagonalCore(LTIModel):
    """Shared machinery of the diagonal models: effective (lam, B~, C, D) -> kernel / scan."""

    complex_state = True

    # subclasses define _effective(p) -> (lam, Bt, C, D, aux) and _effective_vjp(p, aux, gl, gBt, gC, gD)

    def _kernel(self, p, T):
        # k_s = Re(sum_n P[s, n] G[n, (o, i)]) with P[s, n] = lam_n^s and G[n, (o, i)] = C[o, n] B~[n, i]:
        # one real GEMM [Re P, -Im P] @ [Re G; Im G] of size (T x 2N) @ (2N x d_out d_in)
        lam, Bt, C, D, aux = self._effective(p)
        P = _powers(lam, T)
        G = (C.T[:, :, None] * Bt[:, None, :]).reshape(lam.shape[0], -1)
        if np.iscomplexobj(P) or np.iscomplexobj(G):
            # contiguous real and imaginary parts: BLAS on strided complex views is much slower
            Pr, Pi = np.ascontiguousarray(P.real), np.ascontiguousarray(P.imag)
            k = Pr @ np.ascontiguousarray(G.real) - Pi @ np.ascontiguousarray(G.imag)
        else:
            k = P @ G
        k = k.reshape(T, self.output_dim, self.input_dim)
        if D is not None:
            k[0] += D
        return k, (lam, Bt, C, D, aux, P, G)

    def _kernel_vjp(self, p, kc, dk):
        lam, Bt, C, D, aux, P, G = kc
        T, N = P.shape
        d = dk.reshape(T, -1)
        # grad_G = P^H dk; grad_lam_n = sum_t sum_m dk[t, m] conj(G[n, m]) t conj(lam_n^(t-1))
        #                              = conj(sum_m G[n, m] Q[m, n]),  Q = (t dk)[1:]^T P[:-1]
        td = np.arange(1, T)[:, None] * d[1:]
        if np.iscomplexobj(P) or np.iscomplexobj(G):
            Pr, Pi = np.ascontiguousarray(P.real), np.ascontiguousarray(P.imag)  # real GEMMs, contiguous
            gG = (Pr.T @ d) - 1j * (Pi.T @ d)
            Q = (td.T @ Pr[:-1]) + 1j * (td.T @ Pi[:-1])
        else:
            gG = P.T @ d
            Q = td.T @ P[:-1]
        gl = np.conj(np.sum(G * Q.T, axis=1)) if T > 1 else np.zeros_like(lam)
        gG = gG.reshape(N, self.output_dim, self.input_dim)
        gC = np.einsum("noi,ni->on", gG, Bt.conj())
        gBt = np.einsum("noi,on->ni", gG, C.conj())
        gD = dk[0].copy() if D is not None else None
        return self._effective_vjp(p, aux, gl, gBt, gC, gD)

    def _scan_forward(self, p, x, h0, need_cache, need_states):
        from linrec.scan import linear_scan

        lam, Bt, C, D, aux = self._effective(p)
        u = x @ Bt.T
        h = linear_scan(lam, u, h0)
        y = (h @ C.T)
        y = y.real if np.iscomplexobj(y) and not np.iscomplexobj(x) and self.complex_state else y
        if D is not None:
            y = y + x @ D.T
        cache = (x, h, h0, lam, Bt, C, D, aux) if need_cache else None
        return y, (h if need_states else None), ("scan", cache)

    def _scan_backward(self, p, cache, dy):
        from linrec.scan import linear_scan_vjp

        x, h, h0, lam, Bt, C, D, aux = cache
        T, B, _ = x.shape
        gh = dy @ C.conj()
        dy2 = dy.reshape(T * B, -1)
        gC = dy2.T @ h.reshape(T * B, -1).conj()
        gl, gu, _ = linear_scan_vjp(lam, h, gh, h0)
        gBt = gu.reshape(T * B, -1).T @ x.reshape(T * B, -1)
        gD = dy2.T @ x.reshape(T * B, -1) if D is not None else None
        return self._effective_vjp(p, aux, gl, gBt, gC, gD)

    def eigenvalues(self, params):
        """The diagonal of A (complex or real)."""
        return self._effective(self._check_params(params))[0].copy()


class LinearDiagonal(_DiagonalCore):
    """Diagonal linear RNN h_t = lam * h_{t-1} + gamma * (B x_t), y_t = Re(C h_t) + D x_t.

    Parameters
    ----------
    input_dim : int
        Input channels.
    hidden : int
        Number of modes N.
    output_dim : int
        Output channels.
    complex : bool, optional
        Complex modes (B and C complex, stored as ``*_re``/``*_im`` pairs) or real ones.
    lam_param : str, optional
        Eigenvalue map. Complex: ``"direct"`` (params ``lam_re``, ``lam_im``) or a
        :func:`linrec.reparam.complex_reparam` name (``"lru"``/``"exp"`` = exp(-e^nu + i e^theta),
        ``"polar"``, ``"gap_angle"``; params ``nu``, ``theta``). Real: ``"direct"`` (param
        ``lam``) or a discrete-time :func:`linrec.reparam.reparam` name (``"exp"``,
        ``"sigmoid"``, ``"tanh"``, ``"best"``; param ``w``).
    gamma : {"none", "fixed", "learned"}, optional
        Input normalisation: none; gamma = sqrt(1 - |lam|^2) as a function of lam (gradients
        flow through it); or a learned ``gamma_log`` initialised at log sqrt(1 - |lam|^2) (LRU).
    feedthrough : bool, optional
        Include the D x_t term (param ``D``).
    r_min, r_max : float, optional
        Initial moduli: uniform in area on the annulus (complex, :func:`ring_uniform`) or
        uniform on [r_min, r_max) (real).
    max_phase : float, optional
        Initial phases uniform in [0, max_phase) (complex).
    path : {"auto", "conv", "scan"}, optional
        Evaluation path (see :class:`linrec.models.base.LTIModel`).

    Examples
    --------
    >>> m = LinearDiagonal(1, 3, 1, complex=False, lam_param="sigmoid", gamma="fixed")
    >>> p = m.init(0)
    >>> sorted(p)
    ['B', 'C', 'D', 'w']
    >>> m.forward(p, np.ones((4, 2, 1))).shape
    (4, 2, 1)
    """

    def __init__(self, input_dim, hidden, output_dim, *, complex: bool = True, lam_param: str = "direct",
                 gamma: str = "none", feedthrough: bool = True, r_min: float = 0.0, r_max: float = 1.0,
                 max_phase: float = 2 * np.pi, path: str = "auto"):
        super().__init__(input_dim, hidden, output_dim, path=path)
        self.complex = bool(complex)
        self.complex_state = self.complex
        self.lam_param = check_choice(lam_param, "lam_param", _COMPLEX_MAPS if self.complex else _REAL_MAPS)
        self.gamma = check_choice(gamma, "gamma", _GAMMAS)
        self.feedthrough = bool(feedthrough)
        if not 0.0 <= r_min <= r_max <= 1.0:
            raise ValueError(f"need 0 <= r_min <= r_max <= 1; got r_min={r_min!r}, r_max={r_max!r}")
        self.r_min, self.r_max, self.max_phase = float(r_min), float(r_max), float(max_phase)
        from linrec.reparam import complex_reparam, reparam

        self._map = None
        self._domain = None  # (param, Interval, description) of a map whose domain is restricted
        if self.lam_param != "direct":
            if self.complex:
                self._map = complex_reparam("lru" if self.lam_param == "exp" else self.lam_param)
                dom, par = self._map.nu_domain, "nu"
            else:
                self._map = reparam(self.lam_param, time="discrete")
                dom, par = self._map.domain, "w"
            if np.isfinite(dom.low) or np.isfinite(dom.high):
                self._domain = (par, dom, f"domain of the {self._map.name!r} map")
        groups = {}
        if self.complex:
            groups.update({"lam_re": "recurrent", "lam_im": "recurrent"} if self.lam_param == "direct"
                          else {"nu": "recurrent", "theta": "recurrent"})
            groups.update({"B_re": "input", "B_im": "input", "C_re": "output", "C_im": "output"})
        else:
            groups.update({"lam": "recurrent"} if self.lam_param == "direct" else {"w": "recurrent"})
            groups.update({"B": "input", "C": "output"})
        if self.gamma == "learned":
            groups["gamma_log"] = "recurrent"
        if self.feedthrough:
            groups["D"] = "output"
        self.param_groups = groups

    def init(self, rng=None):
        """Draw parameters: ring (or interval) eigenvalues, B ~ N(0, 1/d_in), C ~ N(0, 1/N), D ~ N(0, 1/d_in)."""
        from linrec.growth.ensembles import ring_uniform

        g = as_rng(rng)
        N, din, dout = self.hidden, self.input_dim, self.output_dim
        p = {}
        if self.complex:
            lam = ring_uniform(N, self.r_min, self.r_max, max_phase=self.max_phase, rng=g)
            if self.lam_param == "direct":
                p["lam_re"], p["lam_im"] = lam.real.copy(), lam.imag.copy()
            else:
                p["nu"], p["theta"] = self._nu_theta(lam)
            B = (g.standard_normal((N, din)) + 1j * g.standard_normal((N, din))) / np.sqrt(2 * din)
            C = (g.standard_normal((dout, N)) + 1j * g.standard_normal((dout, N))) / np.sqrt(N)
            p["B_re"], p["B_im"], p["C_re"], p["C_im"] = B.real, B.imag, C.real, C.imag
        else:
            lam = g.uniform(self.r_min, self.r_max, size=N)
            if self.lam_param == "direct":
                p["lam"] = lam
            else:
                lo = 1e-6 if self.lam_param in ("exp", "sigmoid") else -1 + 1e-6
                p["w"] = np.asarray(self._map.inverse(np.clip(lam, lo, 1 - 1e-12)), dtype=np.float64)
            p["B"] = g.standard_normal((N, din)) / np.sqrt(din)
            p["C"] = g.standard_normal((dout, N)) / np.sqrt(N)
        if self.gamma == "learned":
            lam_now = self._lam(p)[0]
            p["gamma_log"] = 0.5 * np.log(self._one_minus_abs2(p, lam_now))
        if self.feedthrough:
            p["D"] = g.standard_normal((dout, din)) / np.sqrt(din)
        return p

    def domain_violation(self, params):
        """Describe why ``params`` lie outside the eigenvalue map's domain ("" if inside).

        Only the complex ``"polar"`` map (ν in [0, 1)) restricts its parameter; the other maps
        accept every real value.

        Parameters
        ----------
        params : dict of str to numpy.ndarray
            Model parameters.

        Returns
        -------
        str
            Empty, or a message naming the parameter, its domain and an offending value.

        Examples
        --------
        >>> m = LinearDiagonal(1, 2, 1, lam_param="polar")
        >>> p = m.init(0)
        >>> m.domain_violation(p)
        ''
        >>> p["nu"][1] = 1.5
        >>> m.domain_violation(p).startswith("nu must lie in [0.0, 1.0)")
        True
        """
        return self._domain_msg(self._check_params(params))

    def _domain_msg(self, p) -> str:
        if self._domain is None:
            return ""
        par, dom, what = self._domain
        return _outside(par, p[par], dom, what)

    def _nu_theta(self, lam):
        """Invert the complex map at initialisation (phases taken in (0, 2 pi), moduli >= 1e-6)."""
        r = np.maximum(np.abs(lam), 1e-6)
        phase = np.mod(np.angle(lam), 2 * np.pi)
        if self._map.name == "polar":
            return r.copy(), np.angle(lam)
        nu = np.log(-np.log(r))
        if self._map.name == "lru":
            return nu, np.log(np.maximum(phase, 1e-6))
        return nu, np.angle(lam) / -np.expm1(-np.exp(nu))

    def _lam(self, p):
        why = self._domain_msg(p)  # p may be partial here (init)
        if why:
            raise ParameterDomainError(why)
        if self.complex:
            if self.lam_param == "direct":
                return p["lam_re"] + 1j * p["lam_im"], None
            if self._map.name == "lru":
                # exp(-e^nu + i e^theta) inline (the map's f validates its arguments on every call,
                # which costs more than the formula in the training loop); equal to
                # complex_reparam("lru").f, checked in tests/test_models.py
                with np.errstate(over="ignore"):
                    return np.exp(-np.exp(p["nu"]) + 1j * np.exp(p["theta"])), None
            return self._map.f(p["nu"], p["theta"]), None
        if self.lam_param == "direct":
            return p["lam"], None
        return self._map.f(p["w"]), None

    def _one_minus_abs2(self, p, lam):
        """1 - |lam|^2 from the gap 1 - |lam| where the map provides it (no cancellation)."""
        if self._map is not None:
            gap = self._map.gap(p["nu"]) if self.complex else self._map.gap(p["w"])
            if np.iscomplexobj(gap):
                gap = gap.real
            return gap * (2.0 - gap)
        return 1.0 - (lam.real**2 + lam.imag**2) if np.iscomplexobj(lam) else 1.0 - lam * lam

    def _effective(self, p):
        lam, _ = self._lam(p)
        if self.complex:
            B = p["B_re"] + 1j * p["B_im"]
            C = p["C_re"] + 1j * p["C_im"]
        else:
            B, C = p["B"], p["C"]
        gam = None
        if self.gamma == "fixed":
            gam = np.sqrt(self._one_minus_abs2(p, lam))
        elif self.gamma == "learned":
            gam = np.exp(p["gamma_log"])
        Bt = B if gam is None else gam[:, None] * B
        return lam, Bt, C, p.get("D"), (B, gam)

    def _effective_vjp(self, p, aux, gl, gBt, gC, gD):
        B, gam = aux
        grads = {}
        lam = None
        if gam is None:
            gB = gBt
        else:
            gB = gBt * gam[:, None]
            ggam = np.real(np.sum(gBt * B.conj(), axis=1))
            if self.gamma == "learned":
                grads["gamma_log"] = ggam * gam
            else:
                lam = self._lam(p)[0]
                gl = gl + ggam * (-lam / gam)
        if self.complex:
            grads["B_re"], grads["B_im"] = gB.real.copy(), gB.imag.copy()
            grads["C_re"], grads["C_im"] = gC.real.copy(), gC.imag.copy()
            if self.lam_param == "direct":
                grads["lam_re"], grads["lam_im"] = np.real(gl).copy(), np.imag(gl).copy()
            else:
                glc = np.conj(gl)
                if self._map.name == "lru":  # d lam/d nu = -e^nu lam, d lam/d theta = i e^theta lam
                    lam = self._lam(p)[0] if lam is None else lam
                    grads["nu"] = -np.exp(p["nu"]) * np.real(glc * lam)
                    grads["theta"] = -np.exp(p["theta"]) * np.imag(glc * lam)
                else:
                    grads["nu"] = np.real(glc * self._map.d_nu(p["nu"], p["theta"]))
                    grads["theta"] = np.real(glc * self._map.d_theta(p["nu"], p["theta"]))
        else:
            grads["B"], grads["C"] = np.real(gB), np.real(gC)
            if self.lam_param == "direct":
                grads["lam"] = np.real(gl)
            else:
                grads["w"] = np.real(gl) * self._map.df(p["w"])
        if gD is not None:
            grads["D"] = np.real(gD)
        return grads


class LRU(LinearDiagonal):
    """Linear Recurrent Unit (Orvieto et al. 2023): complex diagonal, lam = exp(-e^nu + i e^theta),
    learned gamma = exp(gamma_log) initialised at sqrt(1 - |lam|^2), ring initialisation,
    y = Re(C h) + D x.

    Parameters
    ----------
    input_dim : int
        Input channels.
    hidden : int
        Number of complex modes.
    output_dim : int
        Output channels.
    r_min, r_max : float, optional
        Ring of the initial moduli (uniform in area).
    max_phase : float, optional
        Initial phases uniform in [0, max_phase).
    path : {"auto", "conv", "scan"}, optional
        Evaluation path.

    References
    ----------
    A. Orvieto et al., "Resurrecting Recurrent Neural Networks for Long Sequences", ICML 2023,
    Eqs. (6)-(7) and Sec. 3.3.

    Examples
    --------
    >>> m = LRU(1, 8, 1, r_min=0.9, r_max=0.99)
    >>> lam = m.eigenvalues(m.init(0))
    >>> bool(np.all((np.abs(lam) >= 0.9 - 1e-12) & (np.abs(lam) < 0.99)))
    True
    """

    def __init__(self, input_dim, hidden, output_dim, *, r_min: float = 0.0, r_max: float = 1.0,
                 max_phase: float = 2 * np.pi, path: str = "auto"):
        super().__init__(input_dim, hidden, output_dim, complex=True, lam_param="lru", gamma="learned",
                         feedthrough=True, r_min=r_min, r_max=r_max, max_phase=max_phase, path=path)


class DiagonalSSM(LinearDiagonal):
    """Continuous-time diagonal SSM dh/dt = lam_c h + B x, y = Re(C h) + D x, discretised by
    zero-order hold with step delta, Re lam_c = f(w) for a continuous-time reparameterization f
    (the StableSSM setting of Wang & Li 2024).

    Parameters
    ----------
    input_dim : int
        Input channels.
    hidden : int
        Number of modes.
    output_dim : int
        Output channels.
    reparam : str or linrec.reparam.Reparam, optional
        Continuous-time map of :func:`linrec.reparam.reparam`: ``"direct"``, ``"exp"``,
        ``"softplus"`` or ``"best"`` (param ``w``), or a continuous-time
        :class:`~linrec.reparam.Reparam` built with :func:`linrec.reparam.reparam` (e.g.
        ``reparam("best", a=1.0, b=0.1)``).
    delta : float or array_like, optional
        ZOH step(s) Delta > 0 (fixed).
    lam_min, lam_max : float, optional
        Initial decay rates -Re lam_c log-uniform in [lam_min, lam_max].
    complex : bool, optional
        Complex modes (S4D-like): lam_c = f(w) + i theta with a learned frequency ``theta``
        (initialised as pi n, n = 0..N-1, S4D-Lin) and complex B, C stored as real pairs;
        y = Re(C h) + D x. Default: real modes, B and C real.
    feedthrough : bool, optional
        Include D.
    path : {"auto", "conv", "scan"}, optional
        Evaluation path.
    reparam_kwargs : dict, optional
        Parameters of the map passed to :func:`linrec.reparam.reparam` with a map name: ``a``
        and ``b`` of ``"best"``, f(w) = -1/(a w^2 + b) (default a = 1, b = 1/2; StableSSM's
        experiments use b = 0.1). Not allowed with a :class:`~linrec.reparam.Reparam` object.

    Notes
    -----
    lam_d = exp(delta lam_c), B~ = ((exp(delta lam_c) - 1)/lam_c) B (:func:`linrec.reparam.zoh`);
    the gradient goes through :func:`linrec.reparam.zoh_grad` (holomorphic in lam_c) and f'(w).

    Examples
    --------
    >>> m = DiagonalSSM(1, 4, 1, reparam="softplus", delta=0.1)
    >>> lam = m.eigenvalues(m.init(0))
    >>> bool(np.all((lam > 0) & (lam < 1)))
    True
    >>> mc = DiagonalSSM(1, 4, 1, complex=True)
    >>> bool(np.all(np.abs(mc.eigenvalues(mc.init(0))) < 1))
    True
    >>> mb = DiagonalSSM(1, 2, 1, reparam="best", reparam_kwargs={"b": 0.1})
    >>> mb.reparam_map.b, float(mb.reparam_map.range.low)
    (0.1, -10.0)
    """

    def __init__(self, input_dim, hidden, output_dim, *, reparam="exp", delta=0.1,
                 lam_min: float = 0.1, lam_max: float = 10.0, complex: bool = False, feedthrough: bool = True,
                 path: str = "auto", reparam_kwargs=None):
        LTIModel.__init__(self, input_dim, hidden, output_dim, path=path)
        from linrec.reparam import Reparam
        from linrec.reparam import reparam as _reparam

        self.complex = bool(complex)
        self.complex_state = self.complex
        names = ("direct", "exp", "softplus", "best")
        if isinstance(reparam, Reparam):
            if reparam_kwargs:
                raise ValueError("reparam_kwargs must be empty when reparam is a Reparam object (its a, b are set)")
            if reparam.time != "continuous":
                raise ValueError(f"reparam must be a continuous-time map; got time={reparam.time!r}")
            self.reparam = check_choice(reparam.name, "reparam", names)
            self._cmap = reparam
        else:
            self.reparam = check_choice(reparam, "reparam", names)
            kw = {} if reparam_kwargs is None else dict(reparam_kwargs)
            if set(kw) - {"a", "b"}:
                raise ValueError(f"reparam_kwargs accepts only 'a' and 'b'; got {sorted(kw)}")
            if kw and self.reparam != "best":
                raise ValueError(f"reparam_kwargs (a, b) apply only to the 'best' map; got reparam={self.reparam!r}")
            self._cmap = _reparam(self.reparam, time="continuous", **kw)
        d = np.asarray(delta, dtype=np.float64)
        if np.any(d <= 0) or not np.all(np.isfinite(d)):
            raise ValueError(f"delta must be positive and finite; got {delta!r}")
        self.delta = d
        if not 0 < lam_min <= lam_max:
            raise ValueError(f"need 0 < lam_min <= lam_max; got {lam_min!r}, {lam_max!r}")
        self.lam_min, self.lam_max = float(lam_min), float(lam_max)
        self.feedthrough = bool(feedthrough)
        self.gamma = "zoh"
        if self.complex:
            self.param_groups = {"w": "recurrent", "theta": "recurrent", "B_re": "input", "B_im": "input",
                                 "C_re": "output", "C_im": "output"}
        else:
            self.param_groups = {"w": "recurrent", "B": "input", "C": "output"}
        if self.feedthrough:
            self.param_groups["D"] = "output"

    def __repr__(self) -> str:
        extra = f", reparam_kwargs={{'a': {self._cmap.a!r}, 'b': {self._cmap.b!r}}}" if self.reparam == "best" else ""
        return f"DiagonalSSM({self.input_dim}, {self.hidden}, {self.output_dim}, reparam={self.reparam!r}{extra})"

    @property
    def reparam_map(self):
        """The continuous-time map lam_c = f(w) (a :class:`linrec.reparam.Reparam`)."""
        return self._cmap

    def domain_violation(self, params):
        """Describe why ``w`` lies outside the map's domain ("" if inside).

        Only the ``"direct"`` map restricts w (w < 0: a stable continuous-time mode; at w >= 0
        the zero-order hold of the model is undefined).

        Parameters
        ----------
        params : dict of str to numpy.ndarray
            Model parameters.

        Returns
        -------
        str
            Empty, or a message naming ``w``, the domain and an offending value.

        Examples
        --------
        >>> m = DiagonalSSM(1, 2, 1, reparam="direct")
        >>> p = m.init(0)
        >>> p["w"][1] = 0.0
        >>> m.domain_violation(p)
        "w must lie in (-inf, 0.0) (domain of the continuous 'direct' map); got w[1] = 0.0 (1 of 2 entries outside)"
        """
        w = self._check_params(params)["w"]
        return _outside("w", w, self._cmap.domain, f"domain of the continuous {self.reparam!r} map")

    def init(self, rng=None):
        """Draw w from log-uniform decay rates; B ~ N(0, 1/d_in), C ~ N(0, 1/N) (complex: halved variance
        per part, theta = pi n)."""
        g = as_rng(rng)
        N, din, dout = self.hidden, self.input_dim, self.output_dim
        lam_c = -np.exp(g.uniform(np.log(self.lam_min), np.log(self.lam_max), size=N))
        lo = self._cmap.range.low  # e.g. -1/b for "best": keep the initial modes inside its range
        if np.isfinite(lo):
            lam_c = np.maximum(lam_c, lo * (1.0 - 1e-6))
        p = {"w": np.asarray(self._cmap.inverse(lam_c), dtype=np.float64)}
        if self.complex:
            p["theta"] = np.pi * np.arange(N, dtype=np.float64)
            B = (g.standard_normal((N, din)) + 1j * g.standard_normal((N, din))) / np.sqrt(2 * din)
            C = (g.standard_normal((dout, N)) + 1j * g.standard_normal((dout, N))) / np.sqrt(2 * N)
            p.update({"B_re": B.real, "B_im": B.imag, "C_re": C.real, "C_im": C.imag})
        else:
            p["B"] = g.standard_normal((N, din)) / np.sqrt(din)
            p["C"] = g.standard_normal((dout, N)) / np.sqrt(N)
        if self.feedthrough:
            p["D"] = g.standard_normal((dout, din)) / np.sqrt(din)
        return p

    def continuous_eigenvalues(self, params):
        """lam_c = f(w) (+ i theta)."""
        p = self._check_params(params)
        self.check_domain(p)
        lam = self._cmap.f(p["w"])
        return lam + 1j * p["theta"] if self.complex else lam

    def _effective(self, p):
        from linrec.reparam import zoh

        if self.reparam == "direct":  # the only map with a restricted domain
            self.check_domain(p)
        lam_c = self._cmap.f(p["w"])
        if self.complex:
            lam_c = lam_c + 1j * p["theta"]
            B = p["B_re"] + 1j * p["B_im"]
            C = p["C_re"] + 1j * p["C_im"]
        else:
            B, C = p["B"], p["C"]
        lam_d, bbar = zoh(lam_c, self.delta)
        return lam_d, bbar[:, None] * B, C, p.get("D"), (lam_c, bbar, B)

    def _effective_vjp(self, p, aux, gl, gBt, gC, gD):
        from linrec.reparam import zoh_grad

        lam_c, bbar, B = aux
        dld, dbb = zoh_grad(lam_c, self.delta)
        # holomorphic chain rule: grad_z = conj(f'(z)) grad_f
        gbbar = np.sum(gBt * B.conj(), axis=1)
        glc = np.conj(dld) * gl + np.conj(dbb) * gbbar
        gB = gBt * np.conj(bbar)[:, None]
        grads = {"w": np.real(glc) * self._cmap.df(p["w"])}
        if self.complex:
            grads.update({"theta": np.imag(glc), "B_re": gB.real.copy(), "B_im": gB.imag.copy(),
                          "C_re": gC.real.copy(), "C_im": gC.imag.copy()})
        else:
            grads.update({"B": np.real(gB), "C": np.real(gC)})
        if gD is not None:
            grads["D"] = np.real(gD)
        return grads


class _DenseCore(LTIModel):
    """Dense real linear RNN machinery: h_t = A h_{t-1} + B x_t, y_t = C h_t + D x_t."""

    def _A(self, p):  # pragma: no cover - abstract
        raise NotImplementedError

    def _A_vjp(self, gA) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def eigenvalues(self, params):
        """Eigenvalues of A."""
        return np.linalg.eigvals(self._A(self._check_params(params)))

    def _kernel(self, p, T):
        A, B, C, D = self._A(p), p["B"], p["C"], p.get("D")
        N, din = B.shape
        # U[:, s*din:(s+1)*din] = A^s B, filled by doubling: log2(T) BLAS products
        U = np.empty((N, T * din), dtype=np.result_type(A, B))
        U[:, :din] = B
        filled, Ap = 1, A
        while filled < T:
            m = min(filled, T - filled)
            np.matmul(Ap, U[:, : m * din], out=U[:, filled * din:(filled + m) * din])
            filled += m
            if filled < T:
                Ap = Ap @ Ap
        k = (C @ U).reshape(C.shape[0], T, din).transpose(1, 0, 2).copy()
        if D is not None:
            k[0] += D
        return k, (A, U, T)

    def _kernel_vjp(self, p, kc, dk):
        A, U, T = kc
        C = p["C"]
        din = self.input_dim
        dkl = dk.transpose(1, 0, 2).reshape(self.output_dim, T * din)
        gC = dkl @ U.T
        W = C.T @ dkl  # dL/dU_s, then the reverse accumulation W_s = sum_r (A^T)^r G_{s+r}
        shift, M = 1, A.T
        while shift < T:
            W[:, : (T - shift) * din] += M @ W[:, shift * din:]
            shift *= 2
            if shift < T:
                M = M @ M
        grads = {"B": W[:, :din].copy(), "C": gC}
        gA = W[:, din:] @ U[:, : (T - 1) * din].T if T > 1 else np.zeros_like(A)
        grads.update(self._A_vjp(gA))
        if "D" in self.param_groups:
            grads["D"] = dk[0].copy()
        return grads

    def _scan_forward(self, p, x, h0, need_cache, need_states):
        A, B, C, D = self._A(p), p["B"], p["C"], p.get("D")
        T, Bsz, _ = x.shape
        dtype = np.result_type(A, B, x, h0 if h0 is not None else 0.0)
        u = x @ B.T
        h = np.empty((T, Bsz, self.hidden), dtype=dtype)
        prev = np.zeros((Bsz, self.hidden), dtype=dtype) if h0 is None else h0
        At = A.T
        for t in range(T):
            prev = prev @ At + u[t]
            h[t] = prev
        y = h @ C.T
        if D is not None:
            y = y + x @ D.T
        return y, (h if need_states else None), ("scan", (x, h, h0, A) if need_cache else None)

    def _scan_backward(self, p, cache, dy):
        x, h, h0, A = cache
        T, Bsz, _ = x.shape
        C = p["C"]
        gh = dy @ C
        delta = np.empty_like(gh)
        carry = np.zeros_like(gh[0])
        for t in range(T - 1, -1, -1):
            carry = gh[t] + carry @ A
            delta[t] = carry
        hprev = np.empty_like(h)
        hprev[0] = 0.0 if h0 is None else h0
        hprev[1:] = h[:-1]
        n = T * Bsz
        d2 = delta.reshape(n, -1)
        grads = {"B": d2.T @ x.reshape(n, -1), "C": dy.reshape(n, -1).T @ h.reshape(n, -1)}
        grads.update(self._A_vjp(d2.T @ hprev.reshape(n, -1)))
        if "D" in self.param_groups:
            grads["D"] = dy.reshape(n, -1).T @ x.reshape(n, -1)
        return grads


class DenseLinear(_DenseCore):
    """Dense linear RNN h_t = A h_{t-1} + B x_t, y_t = C h_t + D x_t (real).

    Parameters
    ----------
    input_dim : int
        Input channels.
    hidden : int
        State size N.
    output_dim : int
        Output channels.
    init_scheme : {"teacher", "glorot", "orthogonal"}, optional
        A at initialisation: ``"teacher"`` remaps the eigenvalues of an N(0, 1/N) matrix to
        moduli tanh|l| in [0, 1) as in Zucchet & Orvieto's dense student (times ``radius``);
        ``"glorot"`` N(0, 1/N) scaled to spectral radius ``radius``; ``"orthogonal"`` a Haar
        orthogonal matrix times ``radius``.
    radius : float, optional
        Scale of A (see ``init_scheme``).
    feedthrough : bool, optional
        Include D.
    path : {"auto", "conv", "scan"}, optional
        Evaluation path.

    Examples
    --------
    >>> m = DenseLinear(1, 6, 1)
    >>> bool(np.max(np.abs(m.eigenvalues(m.init(0)))) < 1)
    True
    """

    def __init__(self, input_dim, hidden, output_dim, *, init_scheme: str = "teacher", radius: float = 1.0,
                 feedthrough: bool = True, path: str = "auto"):
        super().__init__(input_dim, hidden, output_dim, path=path)
        self.init_scheme = check_choice(init_scheme, "init_scheme", ("teacher", "glorot", "orthogonal"))
        if not radius > 0:
            raise ValueError(f"radius must be > 0; got {radius!r}")
        self.radius = float(radius)
        self.param_groups = {"A": "recurrent", "B": "input", "C": "output"}
        if feedthrough:
            self.param_groups["D"] = "output"

    def init(self, rng=None):
        """Draw A per ``init_scheme``, B ~ N(0, 1/d_in), C ~ N(0, 1/N), D ~ N(0, 1/d_in)."""
        g = as_rng(rng)
        N, din, dout = self.hidden, self.input_dim, self.output_dim
        if self.init_scheme == "teacher":
            from linrec.tasks import make_teacher

            A = make_teacher(g, n=N, nu0=0.0).A * self.radius
        elif self.init_scheme == "glorot":
            A0 = g.normal(scale=1 / np.sqrt(N), size=(N, N))
            A = A0 * self.radius / np.max(np.abs(np.linalg.eigvals(A0)))
        else:
            from linrec.growth.ensembles import haar_orthogonal

            A = haar_orthogonal(N, rng=g) * self.radius
        p = {"A": A, "B": g.standard_normal((N, din)) / np.sqrt(din),
             "C": g.standard_normal((dout, N)) / np.sqrt(N)}
        if "D" in self.param_groups:
            p["D"] = g.standard_normal((dout, din)) / np.sqrt(din)
        return p

    def _A(self, p):
        return p["A"]

    def _A_vjp(self, gA):
        return {"A": gA}


class BlockDiagonal(_DenseCore):
    """Linear RNN with a block-diagonal A of H real 2x2 heads (N = 2H), y = C h + D x.

    Parameters
    ----------
    input_dim : int
        Input channels.
    heads : int
        Number of 2x2 blocks H (state size 2H).
    output_dim : int
        Output channels.
    r_min, r_max : float, optional
        Each block is initialised as a scaled rotation r [[cos t, -sin t], [sin t, cos t]] with
        r uniform in area on [r_min, r_max) and t uniform in [0, pi), i.e. eigenvalues r e^{+-it}.
    feedthrough : bool, optional
        Include D.
    path : {"auto", "conv", "scan"}, optional
        Evaluation path.

    Examples
    --------
    >>> m = BlockDiagonal(1, 3, 1, r_min=0.5, r_max=0.9)
    >>> mods = np.abs(m.eigenvalues(m.init(0)))
    >>> bool(mods.min() >= 0.5 - 1e-12 and mods.max() < 0.9)
    True
    """

    def __init__(self, input_dim, heads, output_dim, *, r_min: float = 0.0, r_max: float = 1.0,
                 feedthrough: bool = True, path: str = "auto"):
        heads = check_positive_int(heads, "heads")
        super().__init__(input_dim, 2 * heads, output_dim, path=path)
        self.heads = heads
        if not 0.0 <= r_min <= r_max <= 1.0:
            raise ValueError(f"need 0 <= r_min <= r_max <= 1; got {r_min!r}, {r_max!r}")
        self.r_min, self.r_max = float(r_min), float(r_max)
        self.param_groups = {"blocks": "recurrent", "B": "input", "C": "output"}
        if feedthrough:
            self.param_groups["D"] = "output"

    def init(self, rng=None):
        """Draw rotation-scaling blocks, B ~ N(0, 1/d_in), C ~ N(0, 1/N), D ~ N(0, 1/d_in)."""
        from linrec.growth.ensembles import ring_uniform

        g = as_rng(rng)
        lam = ring_uniform(self.heads, self.r_min, self.r_max, max_phase=np.pi, rng=g)
        r, t = np.abs(lam), np.angle(lam)
        blocks = np.empty((self.heads, 2, 2))
        blocks[:, 0, 0] = blocks[:, 1, 1] = r * np.cos(t)
        blocks[:, 0, 1] = -r * np.sin(t)
        blocks[:, 1, 0] = r * np.sin(t)
        N, din, dout = self.hidden, self.input_dim, self.output_dim
        p = {"blocks": blocks, "B": g.standard_normal((N, din)) / np.sqrt(din),
             "C": g.standard_normal((dout, N)) / np.sqrt(N)}
        if "D" in self.param_groups:
            p["D"] = g.standard_normal((dout, din)) / np.sqrt(din)
        return p

    def _A(self, p):
        b = p["blocks"]
        A = np.zeros((self.hidden, self.hidden), dtype=b.dtype)
        for i in range(self.heads):
            A[2 * i:2 * i + 2, 2 * i:2 * i + 2] = b[i]
        return A

    def _A_vjp(self, gA):
        H = self.heads
        idx = np.arange(H)
        g4 = gA.reshape(H, 2, H, 2)
        return {"blocks": g4[idx, :, idx, :].copy()}
