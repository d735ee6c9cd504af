"""Parity with a Mamba-style diagonal selective linear RNN: positive versus signed gates
(Grazzi et al., ICLR 2025, on the recurrence h_t = a_t * h_{t-1} + b_t of Gu & Dao 2023).

Left: held-out accuracy of the prefix parity against sequence length after training on length
10 (N = 4 units, 400 Adam steps; linrec.experiments.grazzi2025_parity.parity_run), gate range
(0, 1) (sigmoid, as Mamba / minGRU) versus (-1, 1) (2 sigmoid - 1). Middle: training
cross-entropy. Right: the readout (logit difference) along the input 1^k: a positive-gate model
is an exponential sum with positive bases, at most N sign changes (the trained one, and a model
built to follow parity for k <= N = 4, which then stops alternating); the signed transition
a = 1 - 2x alternates forever, and so does the trained signed model.
quick: 4 seeds per gate (~5 s on one core); full: 20 seeds, test length 200.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from linrec.experiments import grazzi2025_parity as G
from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.models import SelectiveRNN
from linrec.plotting import new_axes
from linrec.plotting.parity import accuracy_vs_length, readout_along_ones, training_curves

PROFILE = get_profile()
SEEDS = 4 if PROFILE == "quick" else 20
T_TEST = 100 if PROFILE == "quick" else 200
T_TRAIN = 10
K = 24
GATES = {"positive": r"positive $a = \sigma(\cdot) \in (0, 1)$",
         "signed": r"signed $a = 2\sigma(\cdot) - 1 \in (-1, 1)$"}


def main():
    acc, loss, readouts, out, finals = {}, {}, {}, {}, {}
    for gate, label in GATES.items():
        runs = [G.parity_run({"gate": gate, "T_test": T_TEST, "T_train": T_TRAIN}, rng=s) for s in range(SEEDS)]
        acc[label] = np.stack([a["accuracy"] for a, _ in runs])
        loss[label] = np.stack([a["loss"] for a, _ in runs])
        finals[gate] = {"acc_train": [m["acc_train"] for _, m in runs], "acc_test": [m["acc_test"] for _, m in runs]}
        model = SelectiveRNN(1, runs[0][1]["config"]["hidden"], 2, gate=gate)
        params = {k.split("/", 1)[1]: v for k, v in runs[0][0].items() if k.startswith("param/")}
        readouts[f"trained {gate} (seed 0)"] = G.readout_along_ones(model, params, K)
        out[f"{gate}/accuracy"] = acc[label]
        out[f"{gate}/loss"] = loss[label]
        out[f"{gate}/gates"] = np.stack([a["gates"] for a, _ in runs])
    m, p = G.alternating_positive_model([0.2, 0.4, 0.6, 0.8])
    readouts[r"positive, built to alternate for $k \leq N = 4$"] = G.readout_along_ones(m, p, K)
    readouts[r"$a = 1 - 2x$, $h_{-1} = -1$: $h_k = (-1)^{k+1}$"] = np.concatenate(
        [[-1.0], G.signed_parity_states(np.ones(K), h0=-1.0)])
    for i, f in enumerate(readouts.values()):
        out[f"readout/{i}"] = f
    lengths = np.arange(1, T_TEST + 1)
    k = np.arange(K + 1)
    save_arrays(figure_dir(G.PAPER_ID) / "parity", {"lengths": lengths, "k": k, **out},
                {"profile": PROFILE, "seeds": SEEDS, "T_train": T_TRAIN, "T_test": T_TEST,
                 "readout_labels": list(readouts), "final": finals})
    fig, axes = new_axes(ncols=3, figsize=(14.0, 4.6))
    accuracy_vs_length(lengths, acc, T_train=T_TRAIN, ax=axes[0])
    axes[0].set_title(r"parity, trained on $T \leq 10$, $N = 4$")
    training_curves(loss, ax=axes[1])
    axes[1].set_title("training")
    readout_along_ones(k, readouts, ax=axes[2])
    axes[2].set_title(r"readout along $1^k$: at most $N$ sign changes if $a \geq 0$")
    save_figure(fig, figure_dir(G.PAPER_ID) / "parity")
    plt.close(fig)
    for gate, v in finals.items():
        print(gate, "acc (len <= 10)", np.round(v["acc_train"], 3).tolist(), "acc (len > 10)",
              np.round(v["acc_test"], 3).tolist())
    return finals


if __name__ == "__main__":
    main()
