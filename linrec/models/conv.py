"""Causal convolution y = k * x of a batch of sequences with a matrix kernel, and its adjoints.

A linear time-invariant (LTI) recurrent model with zero initial state maps inputs to outputs by
y_t = sum_{s=0}^{t} k_s x_{t-s}, with the impulse response k_s = C A^s B (+ D at s = 0). Training
such a model through k is much cheaper than materialising its hidden states: k costs O(T N), the
convolution O(T log T) per channel with the FFT. This module computes the convolution and the
two vector-Jacobian products (with respect to k and to x) that its backward pass needs.

Shapes: x (T, B, d_in), k (T, d_out, d_in), y (T, B, d_out); time on axis 0.
"""

from __future__ import annotations

import numpy as np
import scipy.fft as sfft

from linrec._validation import as_float_array, check_choice

__all__ = ["causal_conv", "causal_conv_vjp"]

_METHODS = ("auto", "fft", "direct")
#: below this length the direct (Toeplitz/BLAS) form is used by method="auto"
_FFT_MIN_T = 48


def _method(method: str, T: int) -> str:
    method = check_choice(method, "method", _METHODS)
    if method == "auto":
        return "fft" if T >= _FFT_MIN_T else "direct"
    return method


def _check(x, k):
    x = as_float_array(x, "x", allow_complex=False, ndim=3)
    k = as_float_array(k, "k", allow_complex=False, ndim=3)
    if k.shape[0] != x.shape[0] or k.shape[2] != x.shape[2]:
        raise ValueError(f"k must have shape (T, d_out, d_in) = ({x.shape[0]}, ., {x.shape[2]}) to match x "
                         f"(T, B, d_in) = {x.shape}; got {k.shape}")
    return x, k


def causal_conv(x, k, *, method: str = "auto") -> np.ndarray:
    """Causal convolution of a batch of sequences with a matrix impulse response.

    Parameters
    ----------
    x : array_like, shape (T, B, d_in)
        Real input sequences.
    k : array_like, shape (T, d_out, d_in)
        Real impulse response (k[0] includes any feed-through term).
    method : {"auto", "fft", "direct"}, optional
        ``"fft"``: zero-padded real FFT of length >= 2T - 1 (O(T log T)); ``"direct"``: one BLAS
        product per lag (O(T^2)); ``"auto"`` picks ``"fft"`` when T >= 48.

    Returns
    -------
    numpy.ndarray, shape (T, B, d_out)
        y_t = sum_{s=0}^{t} k_s x_{t-s}.

    Examples
    --------
    >>> x = np.zeros((4, 1, 1)); x[0] = 1.0
    >>> k = np.arange(1.0, 5.0).reshape(4, 1, 1)
    >>> causal_conv(x, k)[:, 0, 0]
    array([1., 2., 3., 4.])
    """
    x, k = _check(x, k)
    T = x.shape[0]
    if _method(method, T) == "direct":
        y = np.zeros((T, x.shape[1], k.shape[1]))
        for s in range(T):
            y[s:] += x[: T - s] @ k[s].T
        return y
    n = sfft.next_fast_len(2 * T - 1, real=True)
    Xf = sfft.rfft(x, n, axis=0)
    Kf = sfft.rfft(k, n, axis=0)
    if k.shape[1] == 1 and k.shape[2] == 1:
        Yf = Xf * Kf[:, :, 0][:, None, :]
    else:
        Yf = Xf @ np.swapaxes(Kf, 1, 2)
    return sfft.irfft(Yf, n, axis=0)[:T]


def causal_conv_vjp(x, k, dy, *, method: str = "auto", need_dx: bool = False):
    """Vector-Jacobian products of :func:`causal_conv` with respect to k (and x).

    Parameters
    ----------
    x : array_like, shape (T, B, d_in)
        Inputs of the forward convolution.
    k : array_like, shape (T, d_out, d_in)
        Impulse response of the forward convolution.
    dy : array_like, shape (T, B, d_out)
        Gradient of the loss with respect to the output.
    method : {"auto", "fft", "direct"}, optional
        As in :func:`causal_conv`.
    need_dx : bool, optional
        Also return the gradient with respect to ``x``.

    Returns
    -------
    dk : numpy.ndarray, shape (T, d_out, d_in)
        dk_s = sum_t sum_b dy_t x_{t-s}^T (a cross-correlation).
    dx : numpy.ndarray, shape (T, B, d_in)
        Only when ``need_dx``: dx_t = sum_{s} k_s^T dy_{t+s}.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x, k, dy = rng.normal(size=(5, 2, 1)), rng.normal(size=(5, 1, 1)), rng.normal(size=(5, 2, 1))
    >>> dk = causal_conv_vjp(x, k, dy)
    >>> e = np.zeros_like(k); e[2] = 1e-6
    >>> fd = np.sum(dy * (causal_conv(x, k + e) - causal_conv(x, k))) / 1e-6
    >>> bool(abs(fd - dk[2, 0, 0]) < 1e-6)
    True
    """
    x, k = _check(x, k)
    dy = as_float_array(dy, "dy", allow_complex=False, ndim=3)
    T, B = x.shape[:2]
    if dy.shape != (T, B, k.shape[1]):
        raise ValueError(f"dy must have shape {(T, B, k.shape[1])}; got {dy.shape}")
    if _method(method, T) == "direct":
        dk = np.empty_like(k)
        dx = np.zeros_like(x) if need_dx else None
        for s in range(T):
            dk[s] = np.tensordot(dy[s:], x[: T - s], axes=([0, 1], [0, 1]))
            if need_dx:
                dx[: T - s] += dy[s:] @ k[s]
        return (dk, dx) if need_dx else dk
    n = sfft.next_fast_len(2 * T - 1, real=True)
    Xf = sfft.rfft(x, n, axis=0)
    DYf = sfft.rfft(dy, n, axis=0)
    if k.shape[1] == 1 and k.shape[2] == 1:
        dKf = np.einsum("fb,fb->f", DYf[:, :, 0], Xf[:, :, 0].conj())[:, None, None]
    else:
        dKf = np.swapaxes(DYf, 1, 2) @ Xf.conj()
    dk = sfft.irfft(dKf, n, axis=0)[:T]
    if not need_dx:
        return dk
    Kf = sfft.rfft(k, n, axis=0)
    # dx_t = sum_s k_s^T dy_{t+s}: a correlation, conj(K) in frequency, read at lags 0..T-1
    dx = sfft.irfft(DYf @ Kf.conj(), n, axis=0)[:T]
    return dk, dx
