"""Figures for linear scans: rounding error of each method as the sequence grows.

Data in, ``(fig, ax)`` out; errors are computed by the caller (``papers/*/fig_*.py``) with
:mod:`linrec.scan` and a high-precision reference.
"""

from __future__ import annotations

import numpy as np

from linrec.plotting import new_axes, style

__all__ = ["plot_scan_errors"]

_MARKERS = {"sequential": "o", "lfilter": "s", "chunked": "^", "tree": "v", "log": "D", "auto": "x"}
_COLORS = {m: f"C{i}" for i, m in enumerate(_MARKERS)}  # the same colour for a method in every panel


def plot_scan_errors(T, errors, *, guides=None, ax=None, title=None, ylabel=None):
    """Log-log plot of scan errors against the sequence length, with guide lines.

    Parameters
    ----------
    T : array_like, shape (m,)
        Sequence lengths.
    errors : mapping of str to array_like
        Method name -> error at each ``T`` (e.g. the worst normalized error
        ``max_t |h_t - h_t^exact| / (u S_t)``). Non-positive values (exact results) are drawn at
        the bottom of the axis as open markers.
    guides : mapping of str to array_like, optional
        Label -> values at ``T`` drawn as thin grey dashed lines (e.g. the worst-case bound
        ``2(T+1)`` or a ``sqrt(T)`` random-walk guide). A label ``"<method> bound"`` is drawn
        dashed in that method's colour instead.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into (a new figure otherwise).
    title : str, optional
        Axes title.
    ylabel : str, optional
        Y-axis label (default: "max error / (u S_t)").

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure.
    ax : matplotlib.axes.Axes
        The axes.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> T = np.array([10, 100, 1000])
    >>> fig, ax = plot_scan_errors(T, {"sequential": [1.0, 3.0, 9.0]}, guides={"2(T+1)": 2 * (T + 1)})
    >>> len(ax.lines)
    2
    >>> plt.close(fig)
    """
    with style():
        fig, ax = new_axes(ax)
        T = np.asarray(T, dtype=float)
        colors = {}
        positive = [np.asarray(v, float)[np.asarray(v, float) > 0] for v in errors.values()]
        floor = min((p.min() for p in positive if p.size), default=1.0) / 3
        for name, vals in errors.items():
            y = np.asarray(vals, dtype=float)
            exact = y <= 0
            kw = {"color": _COLORS[name]} if name in _COLORS else {}
            line, = ax.plot(T[~exact], y[~exact], "-", marker=_MARKERS.get(name, "."), ms=4, label=name, **kw)
            colors[name] = line.get_color()
            if np.any(exact):
                ax.plot(T[exact], np.full(exact.sum(), floor), ls="none", marker=_MARKERS.get(name, "."),
                        mfc="none", color=line.get_color())
        for label, vals in (guides or {}).items():
            method = label[: -len(" bound")] if label.endswith(" bound") else None
            color = colors.get(method, "0.45")
            ax.plot(T, np.asarray(vals, dtype=float), "--", color=color, lw=1.0, label=label)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("sequence length T")
        ax.set_ylabel(ylabel or r"max error / $(u\, S_t)$")
        if title:
            ax.set_title(title)
        ax.legend(fontsize="x-small", loc="upper left", ncol=2)
    return fig, ax
