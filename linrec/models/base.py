"""The model protocol shared by every recurrent model in :mod:`linrec.models`.

A model is a small immutable object holding sizes and options; its parameters live outside it
in a dict of float64 arrays (complex parameters are stored as real pairs ``*_re``/``*_im``), so
that optimizers, sweeps and gradient checks handle every model the same way:

- ``init(rng) -> params``;
- ``forward(params, x, h0=None, *, return_states=False) -> y`` (or ``(y, states)``), with
  ``x`` of shape (T, B, d_in) and ``y`` of shape (T, B, d_out);
- ``loss_and_grad(params, x, target, mask=None, *, loss="mse", h0=None) -> (loss, grads)``
  with exact gradients from a hand-written backward pass;
- ``param_groups``: parameter name -> group (``"recurrent"``, ``"input"``, ``"output"``,
  ``"gate"``), used for per-group learning rates and diagnostics;
- ``eigenvalues(params)``: the recurrence's eigenvalues where that is meaningful (else None);
- ``domain_violation(params) -> str`` and ``check_domain(params)``: whether the parameters lie
  in the domain of the model's maps (e.g. w < 0 for the continuous "direct" map). Evaluating a
  model outside it raises :class:`ParameterDomainError` (a ``ValueError``), which
  :func:`linrec.train.train` turns into a divergence after the first step.

Linear time-invariant models (:class:`LTIModel`) add ``impulse_response(params, T)`` and
``population_loss_and_grad(params, k_target)``, and by default evaluate the zero-initial-state
map through their impulse response (y = k * x with the FFT), which is far cheaper than
materialising the hidden states.
"""

from __future__ import annotations

import numpy as np

from linrec._validation import check_choice, check_positive_int
from linrec.models.conv import _direct_dk, _direct_forward, _fft_dk, _fft_forward
from linrec.models.losses import loss_and_dy

__all__ = ["Model", "LTIModel", "ParameterDomainError"]


class ParameterDomainError(ValueError):
    """Parameters lie outside the domain of a model's map (e.g. w >= 0 for the continuous
    ``"direct"`` map, where the zero-order hold is undefined).

    Raised by :meth:`Model.check_domain` and by models evaluated at such parameters. During
    training this is a divergence, not a programming error: :func:`linrec.train.train` catches
    exactly this class (never a bare ``ValueError``) after the first step and marks the run
    diverged with the message as its reason.

    Examples
    --------
    >>> from linrec.models import DiagonalSSM
    >>> m = DiagonalSSM(1, 2, 1, reparam="direct")
    >>> p = m.init(0)
    >>> p["w"][0] = 0.5
    >>> try:
    ...     m.check_domain(p)
    ... except ParameterDomainError as exc:
    ...     print(isinstance(exc, ValueError), "domain" in str(exc))
    True True
    """


class Model:
    """Base class of the recurrent models (see the module docstring for the protocol).

    Parameters
    ----------
    input_dim : int
        Number of input channels d_in.
    hidden : int
        State size N.
    output_dim : int
        Number of output channels d_out.

    Examples
    --------
    >>> from linrec.models import ElmanRNN
    >>> m = ElmanRNN(2, 3, 1)
    >>> p = m.init(0)
    >>> m.forward(p, np.zeros((5, 4, 2))).shape
    (5, 4, 1)
    """

    param_groups: dict[str, str] = {}

    def __init__(self, input_dim: int, hidden: int, output_dim: int):
        self.input_dim = check_positive_int(input_dim, "input_dim")
        self.hidden = check_positive_int(hidden, "hidden")
        self.output_dim = check_positive_int(output_dim, "output_dim")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.input_dim}, {self.hidden}, {self.output_dim})"

    # --- to implement -------------------------------------------------------------------
    def init(self, rng=None) -> dict[str, np.ndarray]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _forward(self, p, x, h0, need_cache: bool, need_states: bool):  # pragma: no cover
        """Return (y, states or None, cache or None)."""
        raise NotImplementedError

    def _backward(self, p, cache, dy) -> dict[str, np.ndarray]:  # pragma: no cover
        raise NotImplementedError

    def eigenvalues(self, params) -> np.ndarray | None:
        """Eigenvalues of the recurrence (None for models where they are not defined).

        Parameters
        ----------
        params : dict of str to numpy.ndarray
            Model parameters.

        Returns
        -------
        numpy.ndarray or None
            (N,) eigenvalues of the state-transition matrix for linear models.
        """
        return None

    def domain_violation(self, params) -> str:
        """Describe why ``params`` lie outside the model's domain ("" if they lie inside).

        The domain is that of the model's maps (e.g. w < 0 for the continuous ``"direct"``
        map, ν in [0, 1) for the complex ``"polar"`` map); unconstrained models (the default)
        accept every value. Finiteness is not part of the domain (the training loop checks it
        separately).

        Parameters
        ----------
        params : dict of str to numpy.ndarray
            Model parameters.

        Returns
        -------
        str
            Empty if every parameter lies in its domain, else a message naming the parameter,
            the domain and an offending value.

        Examples
        --------
        >>> from linrec.models import ElmanRNN
        >>> m = ElmanRNN(1, 2, 1)
        >>> m.domain_violation(m.init(0))
        ''
        """
        return ""

    def check_domain(self, params) -> None:
        """Raise :class:`ParameterDomainError` if ``params`` lie outside the model's domain.

        Parameters
        ----------
        params : dict of str to numpy.ndarray
            Model parameters.

        Raises
        ------
        ParameterDomainError
            With the message of :meth:`domain_violation`.

        Examples
        --------
        >>> from linrec.models import DiagonalSSM
        >>> m = DiagonalSSM(1, 2, 1, reparam="direct")
        >>> m.check_domain(m.init(0)) is None
        True
        """
        why = self.domain_violation(params)
        if why:
            raise ParameterDomainError(why)

    # --- shared -------------------------------------------------------------------------
    def _check_params(self, params) -> dict:
        names = set(self.param_groups)
        got = set(params)
        if got != names:
            raise ValueError(f"params must have keys {sorted(names)}; missing {sorted(names - got)}, "
                             f"unexpected {sorted(got - names)}")
        return params

    def _check_x(self, x) -> np.ndarray:
        x = np.asarray(x)
        if x.ndim != 3 or x.shape[2] != self.input_dim:
            raise ValueError(f"x must have shape (T, B, {self.input_dim}); got {x.shape}")
        if x.dtype.kind not in "fc":
            x = x.astype(np.float64)
        return x

    def _check_h0(self, h0, B: int, width: int | None = None):
        if h0 is None:
            return None
        h0 = np.asarray(h0)
        width = self.hidden if width is None else width
        if h0.shape != (B, width):
            raise ValueError(f"h0 must have shape ({B}, {width}); got {h0.shape}")
        return h0

    def forward(self, params, x, h0=None, *, return_states: bool = False):
        """Run the model.

        Parameters
        ----------
        params : dict of str to numpy.ndarray
            Model parameters (as returned by ``init``).
        x : array_like, shape (T, B, d_in)
            Inputs.
        h0 : array_like, shape (B, width), optional
            Initial state (zero by default; width N, 2N for the LSTM's [h, c], ``layers * N``
            for stacked minimal RNNs).
        return_states : bool, optional
            Also return the hidden states (T, B, width).

        Returns
        -------
        y : numpy.ndarray, shape (T, B, d_out)
            Outputs.
        states : numpy.ndarray
            Only with ``return_states``.
        """
        p = self._check_params(params)
        x = self._check_x(x)
        y, states, _ = self._forward(p, x, h0, False, return_states)
        return (y, states) if return_states else y

    def loss(self, params, x, target, mask=None, *, loss: str = "mse", h0=None):
        """Loss value only (complex-step safe for ``"mse"`` on models written with analytic ops).

        Parameters
        ----------
        params : dict of str to numpy.ndarray
            Model parameters.
        x : array_like, shape (T, B, d_in)
            Inputs.
        target : array_like
            Targets (T, B, d_out) for ``"mse"``, integer classes (T, B) for ``"ce"``.
        mask : array_like of bool, shape (T,), optional
            Steps entering the loss (default all).
        loss : {"mse", "ce"}, optional
            Loss (see :mod:`linrec.models.losses`).
        h0 : array_like, optional
            Initial state.

        Returns
        -------
        float
            The loss.
        """
        p = self._check_params(params)
        y, _, _ = self._forward(p, self._check_x(x), h0, False, False)
        return loss_and_dy(loss, y, target, mask)[0]

    def loss_and_grad(self, params, x, target, mask=None, *, loss: str = "mse", h0=None):
        """Loss and its exact gradient with respect to every parameter (hand-written backward pass).

        Parameters
        ----------
        params : dict of str to numpy.ndarray
            Model parameters.
        x : array_like, shape (T, B, d_in)
            Inputs.
        target : array_like
            Targets (T, B, d_out) for ``"mse"``, integer classes (T, B) for ``"ce"``.
        mask : array_like of bool, shape (T,), optional
            Steps entering the loss (default all).
        loss : {"mse", "ce"}, optional
            Loss (see :mod:`linrec.models.losses`).
        h0 : array_like, optional
            Initial state (held fixed; no gradient is returned for it).

        Returns
        -------
        loss : float
            The loss.
        grads : dict of str to numpy.ndarray
            dL/dparam for every parameter, same keys, order and shapes as ``params`` (complex
            parameters' real pairs get dL/dRe and dL/dIm).
        """
        p = self._check_params(params)
        y, _, cache = self._forward(p, self._check_x(x), h0, True, False)
        L, dy = loss_and_dy(loss, y, target, mask)
        g = self._backward(p, cache, dy)
        return L, {k: g[k] for k in p}


class LTIModel(Model):
    """Base class of linear time-invariant models (impulse-response path and population loss).

    Parameters
    ----------
    input_dim : int
        Number of input channels.
    hidden : int
        State size.
    output_dim : int
        Number of output channels.
    path : {"auto", "conv", "scan"}, optional
        ``"conv"``: y = k * x through the impulse response (zero initial state only);
        ``"scan"``: run the state recurrence; ``"auto"``: ``"conv"`` unless an initial state or
        the states are requested.

    Examples
    --------
    >>> from linrec.models import LRU
    >>> m = LRU(1, 4, 1)
    >>> p = m.init(0)
    >>> x = np.random.default_rng(0).normal(size=(30, 2, 1))
    >>> bool(np.allclose(m.forward(p, x), LRU(1, 4, 1, path="scan").forward(p, x)))
    True
    """

    def __init__(self, input_dim: int, hidden: int, output_dim: int, *, path: str = "auto"):
        super().__init__(input_dim, hidden, output_dim)
        self.path = check_choice(path, "path", ("auto", "conv", "scan"))

    def _kernel(self, p, T: int):  # pragma: no cover - abstract
        """Return (k (T, d_out, d_in), cache)."""
        raise NotImplementedError

    def _kernel_vjp(self, p, kcache, dk) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def _scan_forward(self, p, x, h0, need_cache, need_states):  # pragma: no cover - abstract
        raise NotImplementedError

    def _scan_backward(self, p, cache, dy) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def impulse_response(self, params, T: int) -> np.ndarray:
        """Impulse response k_s = Re(C A^s B~) (+ D at s = 0) for s < T.

        Parameters
        ----------
        params : dict of str to numpy.ndarray
            Model parameters.
        T : int
            Number of lags.

        Returns
        -------
        numpy.ndarray, shape (T, d_out, d_in)
            The kernel; y = k * x from a zero initial state.
        """
        T = check_positive_int(T, "T")
        return self._kernel(self._check_params(params), T)[0]

    def population_loss_and_grad(self, params, k_target):
        """Exact white-noise population loss against a target impulse response, and its gradient.

        L = 1/(2T) sum_s (T - s) ||k_s - k*_s||_F^2 (:func:`linrec.memory.population_loss`), the
        expectation of the ``"mse"`` loss over i.i.d. unit-variance inputs of length T.

        Parameters
        ----------
        params : dict of str to numpy.ndarray
            Model parameters.
        k_target : array_like, shape (T, d_out, d_in)
            Target impulse response (e.g. ``TeacherStudent.impulse_response()``).

        Returns
        -------
        loss : float
            The population loss.
        grads : dict of str to numpy.ndarray
            Its gradient (through the hand-written kernel VJP).
        """
        from linrec.memory import population_loss, population_loss_grad

        k_target = np.asarray(k_target, dtype=np.float64)
        if k_target.ndim != 3 or k_target.shape[1:] != (self.output_dim, self.input_dim):
            raise ValueError(f"k_target must have shape (T, {self.output_dim}, {self.input_dim}); got {k_target.shape}")
        p = self._check_params(params)
        k, kc = self._kernel(p, k_target.shape[0])
        L = population_loss(k, k_target)
        g = self._kernel_vjp(p, kc, population_loss_grad(k, k_target))
        return L, {key: g[key] for key in p}

    def loss_and_grad_lti_target(self, params, x, k_target, mask=None):
        """The ``"mse"`` loss and gradient when the target is a causal filter of the same inputs.

        For targets y* = k* * x (teacher–student, linear functionals) the error is
        e = (k - k*) * x, so one FFT of x serves the target, the output and the gradient
        dk_s = sum_t sum_b dy_t x_{t-s}^T. Same value and gradient as
        ``loss_and_grad(params, x, causal_conv(x, k_target), mask)`` up to rounding, with two
        fewer FFTs per step.

        Parameters
        ----------
        params : dict of str to numpy.ndarray
            Model parameters.
        x : array_like, shape (T, B, d_in)
            Inputs.
        k_target : array_like, shape (T, d_out, d_in)
            Impulse response of the target.
        mask : array_like of bool, shape (T,), optional
            Steps entering the loss.

        Returns
        -------
        loss : float
            The ``"mse"`` loss.
        grads : dict of str to numpy.ndarray
            Its gradient.
        """
        from linrec.models.losses import mse

        p = self._check_params(params)
        x = self._check_x(x)
        k_target = np.asarray(k_target, dtype=np.float64)
        if k_target.shape != (x.shape[0], self.output_dim, self.input_dim):
            raise ValueError(f"k_target must have shape {(x.shape[0], self.output_dim, self.input_dim)}; "
                             f"got {k_target.shape}")
        k, kc = self._kernel(p, x.shape[0])
        e, cc = _conv_forward(x, k - k_target)
        L, dy = mse(e, np.zeros_like(e), mask)
        g = self._kernel_vjp(p, kc, _conv_dk(cc, dy))
        return L, {key: g[key] for key in p}

    def _use_conv(self, h0, need_states) -> bool:
        if self.path == "conv":
            if h0 is not None or need_states:
                raise ValueError("path='conv' runs from a zero initial state and has no states; use path='scan'")
            return True
        return self.path == "auto" and h0 is None and not need_states

    def _forward(self, p, x, h0, need_cache, need_states):
        if not self._use_conv(h0, need_states):
            h0 = self._check_h0(h0, x.shape[1])
            return self._scan_forward(p, x, h0, need_cache, need_states)
        T = x.shape[0]
        k, kc = self._kernel(p, T)
        y, cc = _conv_forward(x, k)
        return y, None, (("conv", kc, cc) if need_cache else None)

    def _backward(self, p, cache, dy):
        if cache[0] == "conv":
            _, kc, cc = cache
            return self._kernel_vjp(p, kc, _conv_dk(cc, dy))
        return self._scan_backward(p, cache[1], dy)


_FFT_MIN_T = 48


def _conv_forward(x, k):
    """y = k * x with the FFT (T >= 48, real data) or one product per lag; returns the cache for dk."""
    if x.dtype.kind == "c" or k.dtype.kind == "c" or x.shape[0] < _FFT_MIN_T:
        return _direct_forward(x, k), ("direct", x)
    y, cache = _fft_forward(x, k)
    return y, ("fft", cache)


def _conv_dk(cc, dy):
    """dk_s = sum_t sum_b dy_t x_{t-s}^T from the forward cache."""
    if cc[0] == "direct":
        return _direct_dk(cc[1], dy)
    return _fft_dk(cc[1], dy)
