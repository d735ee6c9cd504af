"""Losses on model outputs with their gradients (the first step of every backward pass).

Both losses average over the batch and over the masked time steps:

- ``mse``: L = 1/(2 B |M|) sum_{t in M} sum_b ||y_tb - y*_tb||^2 (summed over output channels, so
  for white-noise inputs its expectation is :func:`linrec.memory.population_loss`; for one output
  it is Zucchet & Orvieto's "1/2 mean over batch and time of the squared error");
- ``ce``: L = 1/(B |M|) sum_{t in M} sum_b -log softmax(y_tb)[c_tb] (integer classes c).
"""

from __future__ import annotations

import numpy as np

from linrec._validation import check_choice

__all__ = ["mse", "cross_entropy", "loss_and_dy", "accuracy"]

LOSSES = ("mse", "ce")


def _mask(mask, T: int) -> np.ndarray:
    if mask is None:
        return np.ones(T, dtype=bool)
    m = np.asarray(mask, dtype=bool)
    if m.shape != (T,):
        raise ValueError(f"mask must have shape ({T},); got {m.shape}")
    if not m.any():
        raise ValueError("mask must select at least one time step")
    return m


def mse(y, target, mask=None) -> tuple[float, np.ndarray]:
    """Half mean squared error over batch and masked steps (summed over outputs), and dL/dy.

    Parameters
    ----------
    y : array_like, shape (T, B, d)
        Model outputs (real, or complex for complex-step checks).
    target : array_like, shape (T, B, d)
        Targets.
    mask : array_like of bool, shape (T,), optional
        Steps that count (default all).

    Returns
    -------
    loss : float or complex
        L = sum_{t in M} ||y_t - y*_t||^2 / (2 B |M|).
    dy : numpy.ndarray
        dL/dy, zero outside the mask.

    Examples
    --------
    >>> y = np.ones((2, 1, 1)); t = np.zeros((2, 1, 1))
    >>> L, dy = mse(y, t)
    >>> float(L), dy[:, 0, 0].tolist()
    (0.5, [0.5, 0.5])
    """
    y = np.asarray(y)
    target = np.asarray(target)
    if y.ndim != 3 or target.shape != y.shape:
        raise ValueError(f"y and target must have the same shape (T, B, d); got {y.shape} and {target.shape}")
    m = _mask(mask, y.shape[0])
    scale = 1.0 / (y.shape[1] * int(m.sum()))
    err = y - target
    if not m.all():
        err = err * m[:, None, None]
    loss = 0.5 * scale * np.sum(err * err)
    return (loss if np.iscomplexobj(loss) else float(loss)), scale * err


def cross_entropy(logits, target, mask=None) -> tuple[float, np.ndarray]:
    """Mean softmax cross-entropy over batch and masked steps, and dL/dlogits.

    Parameters
    ----------
    logits : array_like, shape (T, B, K)
        Unnormalised class scores.
    target : array_like of int, shape (T, B)
        Class indices in [0, K) (ignored outside the mask).
    mask : array_like of bool, shape (T,), optional
        Steps that count (default all).

    Returns
    -------
    loss : float
        Mean of -log softmax(logits)[target].
    dlogits : numpy.ndarray
        (softmax - onehot) / (B |M|) on masked steps, zero elsewhere.

    Examples
    --------
    >>> L, d = cross_entropy(np.zeros((1, 2, 4)), np.array([[0, 3]]))
    >>> round(L, 6) == round(float(np.log(4)), 6)
    True
    """
    z = np.asarray(logits, dtype=np.float64)
    c = np.asarray(target)
    if z.ndim != 3 or c.shape != z.shape[:2]:
        raise ValueError(f"logits (T, B, K) and target (T, B) must agree; got {z.shape} and {c.shape}")
    m = _mask(mask, z.shape[0])
    zm = z[m]
    cm = c[m].astype(np.int64)
    if np.any(cm < 0) or np.any(cm >= z.shape[2]):
        raise ValueError(f"target must hold classes in [0, {z.shape[2]}) on masked steps")
    zs = zm - zm.max(axis=-1, keepdims=True)
    lse = np.log(np.sum(np.exp(zs), axis=-1))
    picked = np.take_along_axis(zs, cm[..., None], axis=-1)[..., 0]
    n = cm.size
    loss = float(np.sum(lse - picked) / n)
    p = np.exp(zs - lse[..., None])
    np.put_along_axis(p, cm[..., None], np.take_along_axis(p, cm[..., None], axis=-1) - 1.0, axis=-1)
    d = np.zeros_like(z)
    d[m] = p / n
    return loss, d


def loss_and_dy(kind: str, y, target, mask=None):
    """Dispatch to :func:`mse` (``"mse"``) or :func:`cross_entropy` (``"ce"``).

    Parameters
    ----------
    kind : {"mse", "ce"}
        Loss name.
    y : array_like
        Outputs (T, B, d).
    target : array_like
        Targets (see the loss).
    mask : array_like of bool, optional
        Steps that count.

    Returns
    -------
    tuple
        ``(loss, dL/dy)``.

    Examples
    --------
    >>> float(loss_and_dy("mse", np.ones((1, 1, 1)), np.zeros((1, 1, 1)))[0])
    0.5
    """
    kind = check_choice(kind, "loss", LOSSES)
    return mse(y, target, mask) if kind == "mse" else cross_entropy(y, target, mask)


def accuracy(logits, target, mask=None) -> float:
    """Fraction of masked (step, sequence) pairs whose arg-max class is the target.

    Parameters
    ----------
    logits : array_like, shape (T, B, K)
        Class scores.
    target : array_like of int, shape (T, B)
        Classes.
    mask : array_like of bool, shape (T,), optional
        Steps that count.

    Returns
    -------
    float
        Accuracy in [0, 1].

    Examples
    --------
    >>> accuracy(np.array([[[0.0, 1.0], [2.0, 0.0]]]), np.array([[1, 1]]))
    0.5
    """
    z = np.asarray(logits)
    m = _mask(mask, z.shape[0])
    return float(np.mean(np.argmax(z[m], axis=-1) == np.asarray(target)[m]))
