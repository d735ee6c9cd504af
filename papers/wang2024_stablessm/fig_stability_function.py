"""Stability functions S_f(beta): numeric suprema (lines) and sympy closed forms (circles)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import sympy as sp

import linrec.plotting.reparam as pr
from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.plotting import new_axes
from linrec.reparam import REPARAM_NAMES, reparam
from linrec.reparam.criteria import stability_function
from linrec.reparam.symbolic import stability_function_closed_form

ID = "wang2024_stablessm"
PROFILE = get_profile()
beta = np.geomspace(1e-2, 3.0, 12 if PROFILE == "quick" else 40)
fig, axes = new_axes(ncols=2, figsize=(9.0, 3.6))
arrays = {"beta": beta}
for ax, time in zip(axes, ("continuous", "discrete")):
    curves, closed = {}, {}
    for name in REPARAM_NAMES[time]:
        m = reparam(name, time=time)
        s = stability_function(m, beta)
        curves[name] = s
        arrays[f"{time}_{name}"] = s
        cf = stability_function_closed_form(name, time, a=m.a if name == "best" else None,
                                            b=m.b if name == "best" else None)
        if cf is not None and cf.expr != sp.oo:
            closed[f"{name}: {sp.sstr(cf.expr)}"] = [float(cf(sp.Float(b))) for b in beta]
    pr.plot_stability_functions(beta, curves, closed_forms=closed, ax=ax, title=f"{time} time")
    ax.set_xscale("log")
save_arrays(figure_dir(ID) / "stability_function", arrays, {"profile": PROFILE})
save_figure(fig, figure_dir(ID) / "stability_function")
plt.close(fig)
