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


def _nfft(T: int) -> int:
    return sfft.next_fast_len(2 * T - 1, real=True)


# numpy.fft rather than scipy.fft on purpose: with time on the last, contiguous axis numpy 2's
# pocketfft vectorises over the many short transforms of a batch and measured 3-5x faster here
# (bench/bench_train.py); scipy.fft is used for the fast length.
def _fft_forward(x: np.ndarray, k: np.ndarray):
    """y = k * x by the real FFT; returns y (T, B, d_out) and the cache for :func:`_fft_dk`."""
    T, B, din = x.shape
    dout = k.shape[1]
    n = _nfft(T)
    Xf = np.fft.rfft(np.ascontiguousarray(x.transpose(1, 2, 0)), n)  # (B, d_in, F)
    Kf = np.fft.rfft(np.ascontiguousarray(k.transpose(1, 2, 0)), n)  # (d_out, d_in, F)
    if din == 1 and dout == 1:
        Yf = Xf * Kf[0]
    else:
        Yf = (Xf.transpose(2, 0, 1) @ Kf.transpose(2, 1, 0)).transpose(1, 2, 0)  # (B, d_out, F)
    y = np.fft.irfft(Yf, n)[..., :T].transpose(2, 0, 1)
    return y, (Xf, Kf, n, T)


def _fft_dk(cache, dy: np.ndarray, need_dx: bool = False):
    """dk_s = sum_t sum_b dy_t x_{t-s}^T (and dx_t = sum_s k_s^T dy_{t+s}) from the forward cache."""
    Xf, Kf, n, T = cache
    DYf = np.fft.rfft(np.ascontiguousarray(dy.transpose(1, 2, 0)), n)  # (B, d_out, F)
    if Xf.shape[1] == 1 and DYf.shape[1] == 1:
        dKf = np.einsum("bf,bf->f", DYf[:, 0], Xf[:, 0].conj())[None, None]
    else:
        dKf = (DYf.transpose(2, 1, 0) @ Xf.conj().transpose(2, 0, 1)).transpose(1, 2, 0)  # (d_out, d_in, F)
    dk = np.fft.irfft(dKf, n)[..., :T].transpose(2, 0, 1)
    if not need_dx:
        return dk
    if Xf.shape[1] == 1 and DYf.shape[1] == 1:
        DXf = DYf * Kf[0].conj()
    else:
        DXf = (DYf.transpose(2, 0, 1) @ Kf.conj().transpose(2, 0, 1)).transpose(1, 2, 0)  # (B, d_in, F)
    return dk, np.fft.irfft(DXf, n)[..., :T].transpose(2, 0, 1)


def _direct_forward(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    T = x.shape[0]
    y = np.zeros((T, x.shape[1], k.shape[1]), dtype=np.result_type(x, k))
    for s in range(T):
        y[s:] += x[: T - s] @ k[s].T
    return y


def _direct_dk(x: np.ndarray, dy: np.ndarray) -> np.ndarray:
    T = x.shape[0]
    dk = np.empty((T, dy.shape[2], x.shape[2]), dtype=np.result_type(x, dy))
    for s in range(T):
        dk[s] = np.tensordot(dy[s:], x[: T - s], axes=([0, 1], [0, 1]))
    return dk


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
    if _method(method, x.shape[0]) == "direct":
        return _direct_forward(x, k)
    return np.ascontiguousarray(_fft_forward(x, k)[0])


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
        dk = _direct_dk(x, dy)
        if not need_dx:
            return dk
        dx = np.zeros_like(x)
        for s in range(T):
            dx[: T - s] += dy[s:] @ k[s]
        return dk, dx
    _, cache = _fft_forward(x, k)
    out = _fft_dk(cache, dy, need_dx)
    if need_dx:
        return np.ascontiguousarray(out[0]), np.ascontiguousarray(out[1])
    return np.ascontiguousarray(out)
