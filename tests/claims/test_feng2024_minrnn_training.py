"""Feng et al. (2024), "Were RNNs all we needed?", on the CPU engine: parameter ratios against the
paper's percentages, parallel = sequential under training, and what one versus two stacked
minGRU layers learn on selective copying (quick settings, about 15 s on one core)."""

import numpy as np
import pytest
from scipy.stats import mannwhitneyu

from linrec.experiments import feng2024_minrnn as F

PAPER = "feng2024_minrnn"
EPS = np.finfo(float).eps


@pytest.mark.claim
def test_parameter_ratios_match_the_papers_percentages(claim):
    d = 64
    c = F.parameter_counts(d, d)
    # minGRU / GRU = (2 d^2 + 2 d) / (3 (2 d^2 + 2 d)) = 1/3 exactly (PyTorch GRU: two bias vectors)
    claim.check(paper=PAPER, equation="Sec. 3.1 (parameter count)",
                statement="at d_h = d_x, minGRU has 1/3 of GRU's parameters (the paper's ~33%)",
                predicted=1 / 3, measured=c["MinGRU"] / c["GRU"], rtol=4 * EPS,
                why="both counts are exact integers; the ratio is exactly 1/3 with biases included")
    # minLSTM / LSTM = 3 (d + 1) / (4 (2 d + 1)) = (3/8) (1 + 1/(2d + 1)) with one LSTM bias vector
    claim.check(paper=PAPER, equation="Sec. 3.2 (parameter count)",
                statement="at d_h = d_x, minLSTM has 3/8 of LSTM's parameters (the paper's ~38%), up to the "
                          "bias vectors",
                predicted=3 / 8, measured=c["MinLSTM"] / c["LSTM"], rtol=(1 + 1e-12) / (2 * d + 1),
                why="exact ratio (3/8)(1 + 1/(2d+1)): the biases add a relative 1/(2d+1) = 0.78% at d = 64")


@pytest.mark.claim
def test_parallel_and_sequential_train_identically(claim):
    steps, T = 200, 64
    worst = 0.0
    for cell in ("MinGRU", "MinLSTM"):
        out = F.equivalence_run(cell, steps=steps, T=T, rng=0)
        worst = max(worst, float(np.max(out["param_diff"])))
    # each step's gradients differ by O(T eps) (the two forwards' rounding, log-scan vs loop);
    # without amplification the parameter differences add up at most linearly over the steps
    claim.check_bound(paper=PAPER, equation="Sec. 3 (parallel scan = recurrence)",
                      statement="training minGRU / minLSTM with the parallel (scan) and the sequential forward "
                                f"from the same start and data gives the same parameters after {steps} Adam steps "
                                "(max relative difference)",
                      bound=steps * T * EPS, measured=worst, relation="<=",
                      why="O(T eps) per step from the forward passes' rounding, accumulated linearly over steps")


@pytest.mark.claim
def test_two_layers_learn_selective_copy_one_does_not(claim):
    seeds = 4
    acc = {L: [F.selective_copy_run({"layers": L, "steps": 600, "eval_batch": 256}, rng=s)[1]["final_accuracy"]
               for s in range(seeds)] for L in (1, 2)}
    # one-sided Mann-Whitney test over seeds: complete separation of 4 vs 4 gives p = 1/70
    p_value = mannwhitneyu(acc[2], acc[1], alternative="greater").pvalue
    claim.check_bound(paper=PAPER, equation="Sec. 4, Table 1 (selective copying, layers)",
                      statement="two stacked minGRU layers reach a higher selective-copy accuracy than one "
                                f"(3 of 4 symbols, 12 positions, 600 steps; 1 layer {np.round(acc[1], 2).tolist()}, "
                                f"2 layers {np.round(acc[2], 2).tolist()}; one-sided Mann-Whitney p-value)",
                      bound=0.05, measured=p_value, relation="<=",
                      why="a 5% significance level over 4 + 4 seeds; no tuning of seeds or steps")
    # and the single layer stays far from solving the task while two layers get most symbols right
    claim.check_bound(paper=PAPER, equation="Sec. 4, Table 1",
                      statement="a single minGRU layer stays below 80% accuracy (median over seeds)",
                      bound=0.8, measured=float(np.median(acc[1])), relation="<=",
                      why="the paper reports a single layer far from solving selective copying; 80% is a "
                          "round threshold between 'partial' and 'mostly solved'")
