"""Pascanu, Mikolov & Bengio (ICML 2013), trained: clipping rescues SGD on the temporal-order
problem at a learning rate where plain SGD fails; the measured Jacobian products along training
obey Pascanu's bound; the regulariser lowers Omega (its target quantity) and keeps the error
signal from vanishing over a long horizon.

Quick settings: 2-bit temporal order, T = 20, 20 hidden tanh units, SGD lr 0.2, batch 20, at
most 1000 steps, 5 seeds per method; and T = 50 from the sparse init, 30 seeds per method (about
60 s of CPU in all)."""

import numpy as np
import pytest
from scipy.stats import fisher_exact

from linrec.experiments import pascanu2013 as P

PAPER = "pascanu2013"
SEEDS = 5
BASE = {"T": 20, "hidden": 20, "steps": 1000, "lr": 0.2, "jac_every": 4}


@pytest.fixture(scope="module")
def runs():
    return {m: [P.run({**BASE, "method": m}, rng=s) for s in range(SEEDS)] for m in ("sgd", "clip", "clip_reg")}


@pytest.mark.claim
def test_clipping_rescues_sgd(claim, runs):
    solved = {m: sum(meta["solved"] for _, meta in rs) for m, rs in runs.items()}
    # one-sided Fisher exact test of "clipping does not raise the success probability":
    # with 5 + 5 seeds, 5/5 vs 0/5 gives p = 0.004, one miss on either side p = 0.024.
    table = [[solved["clip"], SEEDS - solved["clip"]], [solved["sgd"], SEEDS - solved["sgd"]]]
    p_value = fisher_exact(table, alternative="greater")[1]
    claim.check_bound(paper=PAPER, equation="Sec. 3.2, Algorithm 1; Sec. 5.1",
                      statement=f"global-norm clipping (threshold 1) makes SGD (lr 0.2) solve 2-bit temporal order "
                                f"at T=20 where unclipped SGD fails: solved {solved['clip']}/{SEEDS} vs "
                                f"{solved['sgd']}/{SEEDS} seeds (one-sided Fisher p-value)",
                      bound=0.05, measured=p_value, relation="<=",
                      why="a 5% significance level on the seeds' success counts; no tuning of seeds or steps")
    # the mechanism: unclipped SGD sees gradient spikes far above the clipping threshold
    spikes = np.median([meta["max_grad_norm"] for _, meta in runs["sgd"]])
    claim.check_bound(paper=PAPER, equation="Sec. 3 (exploding gradients)",
                      statement="the median over seeds of the largest gradient norm met by unclipped SGD exceeds "
                                "the clipping threshold 1 by more than 10x",
                      bound=10.0, measured=spikes, relation=">=",
                      why="an order of magnitude: a step of lr * ||g|| >= 2 moves W by more than its own norm")


@pytest.mark.claim
def test_measured_jacobian_products_obey_pascanu_bound(claim, runs):
    # log ||dh_T/dh_{T-k}|| <= k log eta, eta = sigma_max(W) (tanh: gamma = 1), at every record of
    # every run; rounding: each product of k factors carries O(k N eps) relative error
    worst = -np.inf
    for rs in runs.values():
        for a, _ in rs:
            k = np.arange(1, a["jac_log_norms"].shape[1])  # k = 0 is the identity (ratio 1 trivially)
            gap = a["jac_log_norms"][:, 1:] - k[None, :] * np.log(a["eta"])[:, None]
            worst = max(worst, float(np.max(gap)))
    eps = np.finfo(float).eps
    claim.check_bound(paper=PAPER, equation="Eqs. (6)-(7)",
                      statement="measured Jacobian products along SGD / clipped / regularised training never "
                                "exceed eta^k, eta = sigma_max(W) (max over runs, records and horizons of "
                                "||prod J|| / eta^k, k >= 1)",
                      bound=1.0, measured=float(np.exp(worst)), relation="<=",
                      slack=100 * BASE["T"] * BASE["hidden"] * eps,
                      why="O(k N eps) rounding of the renormalised products, k <= T")


@pytest.mark.claim
def test_regulariser_lowers_omega(claim, runs):
    # Omega averaged over the last 50 training steps of each run (all clipped runs stop when solved)
    def tail(a):
        v = a["omega"][np.isfinite(a["omega"])]
        return float(np.mean(v[-50:]))

    with_reg = np.median([tail(a) for a, _ in runs["clip_reg"]])
    without = np.median([tail(a) for a, _ in runs["clip"]])
    claim.check_bound(paper=PAPER, equation="Eq. (10) and its immediate derivative",
                      statement="adding alpha dOmega/dW (alpha = 2) to the clipped gradient lowers Omega at the "
                                "end of training (median over seeds of Omega with / without the regulariser)",
                      bound=1.0, measured=with_reg / without, relation="<=",
                      why="Omega is what the extra gradient term descends; a ratio below 1 is the prediction")


#: seeds per method for the long-horizon claim, from a power calculation (see the test)
SEEDS_LONG = 30


@pytest.mark.claim
def test_regulariser_keeps_long_horizon_gradients(claim):
    # temporal order T = 50 from the sparse "smart tanh" init (radius 0.95), clipped SGD lr 0.2,
    # 1000 steps: the measured ||dh_T/dh_0|| (linrec.jacobians, independent of the Omega code) at
    # the end of training, with and without alpha dOmega/dW. A run's error signal "vanished" when
    # ||dh_T/dh_0|| < 1e-2 (attenuated 100x over the horizon). Per-run rates measured once on 90
    # seeds not used here (5000-5029, 6000-6059): vanished in 60/90 clipped runs, 6/90 regularised.
    # Power: a one-sided Fisher exact test at 5% with 30 + 30 seeds fails to reject with
    # probability 1.4e-4 at those rates (computed exactly over both binomials). The earlier
    # 4 + 4-seed Mann-Whitney version passed only for some seeds (p = 0.17 and 0.56 measured).
    cfg = {"T": 50, "hidden": 20, "init_scheme": "sparse", "radius": 0.95, "steps": 1000, "eval_every": 100}
    end = {m: np.array([float(P.run({**cfg, "method": m}, rng=s)[0]["jac_log_norms"][-1, -1] / np.log(10))
                        for s in range(SEEDS_LONG)]) for m in ("clip", "clip_reg")}
    vanished = {m: int(np.sum(v < -2.0)) for m, v in end.items()}
    table = [[vanished[m], SEEDS_LONG - vanished[m]] for m in ("clip", "clip_reg")]
    p_value = fisher_exact(table, alternative="greater")[1]
    claim.check_bound(paper=PAPER, equation="Eq. (10), Sec. 3.3",
                      statement="Omega keeps the error signal alive over the horizon: at T=50 the end-of-training "
                                f"||dh_T/dh_0|| vanished (< 1e-2) in {vanished['clip']}/{SEEDS_LONG} clipped runs and "
                                f"{vanished['clip_reg']}/{SEEDS_LONG} regularised ones; one-sided Fisher p-value",
                      bound=0.05, measured=p_value, relation="<=",
                      why="5% level; 30 + 30 seeds give power 1 - 1.4e-4 at the rates measured on 90 other "
                          "seeds (0.67 vs 0.067)")
