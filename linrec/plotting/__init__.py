"""Figure functions: data in, ``(fig, ax)`` out.

Every function takes arrays (never computes the math itself) and an optional ``ax``; when
``ax`` is None it creates a figure inside :func:`style` so the linrec style applies without
touching global rcParams. Importing this package selects no backend; paper scripts call
``matplotlib.use("Agg")`` first.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["style", "new_axes", "STYLE_PATH"]

STYLE_PATH = Path(__file__).with_name("linrec.mplstyle")


@contextlib.contextmanager
def style() -> Iterator[None]:
    """Context manager applying the linrec matplotlib style locally.

    Yields
    ------
    None
        Within the block, rcParams follow ``linrec.mplstyle``; they are restored afterwards.

    Examples
    --------
    >>> import matplotlib
    >>> with style():
    ...     inside = matplotlib.rcParams["legend.frameon"]
    >>> inside
    False
    """
    import matplotlib.pyplot as plt

    with plt.style.context(str(STYLE_PATH)):
        yield


def new_axes(ax: Any = None, *, ncols: int = 1, nrows: int = 1, figsize: tuple[float, float] | None = None):
    """Return ``(fig, ax)``: the given axes and its figure, or a new styled figure.

    Parameters
    ----------
    ax : matplotlib.axes.Axes or array of Axes, optional
        Existing axes to draw into.
    ncols, nrows : int, optional
        Grid of a new figure.
    figsize : tuple of float, optional
        Size of a new figure in inches.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure.
    ax : matplotlib.axes.Axes or numpy.ndarray of Axes
        The axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> fig, ax = new_axes()
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    import matplotlib.pyplot as plt
    import numpy as np

    if ax is not None:
        first = np.ravel(ax)[0] if isinstance(ax, np.ndarray) else ax
        return first.figure, ax
    with style():
        fig, ax = plt.subplots(nrows, ncols, figsize=figsize, squeeze=True, layout="constrained")
    return fig, ax
