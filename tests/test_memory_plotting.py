"""Smoke-and-content tests of linrec.plotting.memory (Agg backend)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from linrec.plotting.memory import plot_complex_field, plot_landscape, plot_loglog, plot_matrix


def test_plot_functions_draw_the_data():
    g = np.logspace(-4, -1, 7)
    fig, ax = plot_loglog(g, {"a": 1 / g, "--b": 2 / g}, points={"mc": (g[:2], 1 / g[:2], 0.1 / g[:2])})
    np.testing.assert_allclose(ax.lines[0].get_ydata(), 1 / g)
    assert ax.lines[1].get_linestyle() == "--"
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    plt.close(fig)
    fig, axes = plt.subplots(1, 2)
    f2, a2 = plot_landscape(np.linspace(0, 1, 5), {"L": np.array([1.0, 0.5, 0.0, 0.5, 1.0])}, ax=axes[0])
    assert f2 is fig and a2 is axes[0]
    assert np.all(a2.lines[0].get_ydata() > 0)  # zero clipped for the log axis
    r = np.linspace(-1, 1, 4)
    plot_complex_field(r, r, np.ones((4, 4)), ax=axes[1])
    plt.close(fig)
    fig, ax = plot_matrix(np.diag([1.0, 100.0]), groups={"x": 1, "y": 1})
    assert [t.get_text() for t in ax.get_xticklabels()] == ["x", "y"]
    plt.close(fig)
