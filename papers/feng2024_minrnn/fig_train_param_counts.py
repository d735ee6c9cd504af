"""Feng et al. (2024), Sec. 3: parameter counts of minGRU / minLSTM against GRU / LSTM.

Exact counts in linrec's conventions (PyTorch's GRU with two bias vectors, LSTM with one;
readouts excluded) divided by the full cell's, against d_h / d_x, with the paper's leading-order
ratios 2 / (3 (1 + alpha)) and 3 / (4 (1 + alpha)) (1/3 and 3/8 at alpha = 1). Instant.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from linrec.experiments import feng2024_minrnn as F
from linrec.io import figure_dir, save_arrays, save_figure
from linrec.plotting.training_small import parameter_ratios

D_X = 64
EXPANSION = np.array([0.25, 0.5, 1.0, 2.0, 3.0, 4.0, 8.0])


def main():
    counts = [F.parameter_counts(D_X, int(round(a * D_X))) for a in EXPANSION]
    r_gru = np.array([c["MinGRU"] / c["GRU"] for c in counts])
    r_lstm = np.array([c["MinLSTM"] / c["LSTM"] for c in counts])
    save_arrays(figure_dir(F.PAPER_ID) / "train_param_counts",
                {"expansion": EXPANSION, "minGRU_over_GRU": r_gru, "minLSTM_over_LSTM": r_lstm,
                 "stated_minGRU": F.stated_ratio("MinGRU", EXPANSION),
                 "stated_minLSTM": F.stated_ratio("MinLSTM", EXPANSION)},
                {"d_x": D_X, "counts": counts})
    fig, ax = parameter_ratios(EXPANSION, {"minGRU / GRU": r_gru, "minLSTM / LSTM": r_lstm})
    ax.plot(EXPANSION, F.stated_ratio("MinGRU", EXPANSION), "k:", lw=1.0, label="paper: 2/(3(1+a)), 3/(4(1+a))")
    ax.plot(EXPANSION, F.stated_ratio("MinLSTM", EXPANSION), "k:", lw=1.0)
    ax.set_yscale("log")
    ax.legend()
    ax.set_title(f"parameter ratios (d_x = {D_X}, readout excluded)")
    save_figure(fig, figure_dir(F.PAPER_ID) / "train_param_counts")
    plt.close(fig)
    for a, c in zip(EXPANSION, counts):
        print(f"alpha={a}: {c}  minGRU/GRU={c['MinGRU'] / c['GRU']:.4f}  minLSTM/LSTM={c['MinLSTM'] / c['LSTM']:.4f}")


if __name__ == "__main__":
    main()
