"""Adding problem (Pascanu et al. 2013, after Hochreiter & Schmidhuber 1997): tanh RNN vs IRNN vs LSTM.

Small CPU-cheap run: hidden 16, lengths T in {10, 30, 60}, Adam (lr 1e-2) with global-norm
clipping at 1, fresh batches of 32. The IRNN is a ReLU RNN with W = I (Le et al. 2015); the LSTM
starts with forget bias 1. Score: mean MSE of the last 50 steps relative to the trivial
predictor's 1/24 (the target (v1 + v2)/2 of two U[0, 1) values has variance 1/24); "solved" is a
ratio below 0.1. This is measured data with a small seed count, not a claim.
"""

import matplotlib

matplotlib.use("Agg")
import numpy as np

from linrec import optim
from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.models import LSTM, ElmanRNN
from linrec.plotting import new_axes
from linrec.tasks import Adding
from linrec.train import train

ID = "answers"
PROFILE = get_profile()
LENGTHS = (10, 30, 60)
HIDDEN = 16
STEPS = 400 if PROFILE == "quick" else 1500
SEEDS = 3 if PROFILE == "quick" else 10
BASELINE = 1.0 / 24.0
SOLVED = 0.1
MODELS = ("tanh RNN", "IRNN (ReLU, W = I)", "LSTM (forget bias 1)")


def make(name: str, rng: np.random.Generator):
    """Model and initial parameters for ``name``."""
    if name == "tanh RNN":
        m = ElmanRNN(2, HIDDEN, 1, activation="tanh")
        return m, m.init(rng)
    if name.startswith("IRNN"):
        m = ElmanRNN(2, HIDDEN, 1, activation="relu")
        p = m.init(rng)
        p["W"] = np.eye(HIDDEN)
        return m, p
    m = LSTM(2, HIDDEN, 1, forget_bias=1.0)
    return m, m.init(rng)


ratio = np.full((len(MODELS), len(LENGTHS), SEEDS), np.nan)
curves: dict[str, np.ndarray] = {}
for i, name in enumerate(MODELS):
    for j, T in enumerate(LENGTHS):
        for s in range(SEEDS):
            rng = np.random.default_rng([s, j, i])
            model, p0 = make(name, rng)
            h = train(model, Adding(T), optim.chain(optim.clip_by_global_norm(1.0), optim.adam(1e-2)),
                      steps=STEPS, batch_size=32, rng=rng, params=p0)
            loss = np.asarray(h.loss, dtype=float)
            ratio[i, j, s] = np.inf if h.diverged or len(loss) < STEPS else np.mean(loss[-50:]) / BASELINE
            if T == LENGTHS[-1]:
                curves[f"{name}/seed{s}"] = loss
fig, axes = new_axes(ncols=2, figsize=(9, 3.6))
for i, name in enumerate(MODELS):
    med = np.median(np.where(np.isfinite(ratio[i]), ratio[i], 10.0), axis=1)
    axes[0].plot(LENGTHS, med, "o-", label=name)
    for s in range(SEEDS):
        c = curves[f"{name}/seed{s}"]
        axes[1].plot(np.arange(len(c)), c / BASELINE, color=f"C{i}", alpha=0.6, lw=0.8,
                     label=name if s == 0 else None)
axes[0].axhline(SOLVED, color="k", ls=":", label="solved")
axes[0].set(xlabel="length T", ylabel="final MSE / (1/24)", yscale="log",
            title=f"adding problem, hidden {HIDDEN}, {SEEDS} seeds (median)")
axes[1].axhline(SOLVED, color="k", ls=":")
axes[1].set(xlabel="step", ylabel="MSE / (1/24)", yscale="log", title=f"T = {LENGTHS[-1]}: training curves")
axes[0].legend(fontsize=7)
axes[1].legend(fontsize=7)
save_arrays(figure_dir(ID) / "lstm_adding", {"ratio": ratio, "lengths": np.array(LENGTHS), **curves},
            {"models": list(MODELS), "hidden": HIDDEN, "steps": STEPS, "seeds": SEEDS, "solved": SOLVED,
             "profile": PROFILE})
save_figure(fig, figure_dir(ID) / "lstm_adding")
