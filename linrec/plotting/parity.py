"""Figures of the parity experiments (Grazzi et al. 2025 on selective linear RNNs).

Every function takes arrays and returns ``(fig, ax)``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from linrec.plotting import new_axes, style

__all__ = ["accuracy_vs_length", "training_curves", "readout_along_ones"]

_COLORS = ("C0", "C1", "C2", "C3", "C4", "C5")


def accuracy_vs_length(lengths, accuracy: Mapping[str, np.ndarray], *, T_train: int | None = None, ax=None):
    """Held-out parity accuracy against prefix length, every seed thin, the median thick.

    Parameters
    ----------
    lengths : array_like, shape (L,)
        Prefix lengths t + 1.
    accuracy : mapping of str to array_like, shape (S, L)
        Per label (e.g. gate range), the accuracy of S seeds at each length.
    T_train : int, optional
        Longest training length (dotted vertical line).
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.

    Returns
    -------
    fig, ax
        The figure and axes.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> fig, ax = accuracy_vs_length(np.arange(1, 6), {"signed": np.ones((2, 5))}, T_train=3)
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    lengths = np.asarray(lengths, dtype=float)
    fig, ax = new_axes(ax)
    with style():
        for i, (label, acc) in enumerate(accuracy.items()):
            acc = np.atleast_2d(np.asarray(acc, dtype=float))
            c = _COLORS[i % len(_COLORS)]
            for row in acc:
                ax.plot(lengths, row, color=c, lw=0.6, alpha=0.35)
            ax.plot(lengths, np.median(acc, axis=0), color=c, lw=2, label=f"{label} (median of {len(acc)})")
        ax.axhline(0.5, color="0.5", ls="--", lw=1, label="chance")
        if T_train is not None:
            ax.axvline(T_train, color="k", ls=":", lw=1, label=r"$T_{\mathrm{train}}$")
        ax.set_xlabel(r"sequence length $t$")
        ax.set_ylabel(r"accuracy of $\sum_{s \leq t} x_s \ \mathrm{mod}\ 2$")
        ax.set_ylim(0.4, 1.03)
        ax.legend(fontsize=7)
    return fig, ax


def training_curves(loss: Mapping[str, np.ndarray], *, ax=None):
    """Training cross-entropy against step, every seed thin, the median thick (log y axis).

    Parameters
    ----------
    loss : mapping of str to array_like, shape (S, steps)
        Per label, the loss curves of S seeds.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.

    Returns
    -------
    fig, ax
        The figure and axes.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> fig, ax = training_curves({"positive": np.full((2, 4), 0.6)})
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    fig, ax = new_axes(ax)
    with style():
        for i, (label, L) in enumerate(loss.items()):
            L = np.atleast_2d(np.asarray(L, dtype=float))
            c = _COLORS[i % len(_COLORS)]
            steps = np.arange(L.shape[1])
            for row in L:
                ax.plot(steps, row, color=c, lw=0.5, alpha=0.3)
            ax.plot(steps, np.median(L, axis=0), color=c, lw=2, label=label)
        ax.axhline(np.log(2.0), color="0.5", ls="--", lw=1, label=r"chance $\log 2$")
        ax.set_yscale("log")
        ax.set_xlabel("Adam step")
        ax.set_ylabel("training cross-entropy")
        ax.legend(fontsize=7)
    return fig, ax


def readout_along_ones(k, readouts: Mapping[str, np.ndarray], *, linthresh: float = 1.0, ax=None):
    """Readouts f(k) along the input 1^k (symmetric-log axis); odd k, where f > 0 is correct, shaded.

    Parameters
    ----------
    k : array_like, shape (K + 1,)
        Number of ones read (0..K).
    readouts : mapping of str to array_like, shape (K + 1,)
        Per label, the readout (logit difference of parity 1 over parity 0) after k ones.
    linthresh : float, optional
        Half-width of the linear region of the symmetric-log y axis.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.

    Returns
    -------
    fig, ax
        The figure and axes.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> k = np.arange(6)
    >>> fig, ax = readout_along_ones(k, {"signed": -((-1.0) ** k)})
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    k = np.asarray(k, dtype=float)
    fig, ax = new_axes(ax)
    with style():
        for j in k[k % 2 == 1]:
            ax.axvspan(j - 0.5, j + 0.5, color="0.92", lw=0, zorder=0)
        for i, (label, f) in enumerate(readouts.items()):
            ax.plot(k, np.asarray(f, dtype=float), "-o", color=_COLORS[i % len(_COLORS)], ms=3, lw=1, label=label)
        ax.axhline(0.0, color="0.4", lw=0.8)
        ax.set_yscale("symlog", linthresh=linthresh)
        ax.set_xlabel(r"number of ones $k$ (input $1^k$; shaded: odd $k$, correct $f > 0$)")
        ax.set_ylabel(r"readout $f(k) = y_1 - y_0$")
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=2)
    return fig, ax
