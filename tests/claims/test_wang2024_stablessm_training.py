"""StableSSM training claims: learning-rate sweeps of a diagonal ZOH SSM under each reparameterization.

Quick protocol (:func:`linrec.experiments.wang2024_stablessm.run_lr`): 16 modes with initial
rates log-uniform in [lam_min, lam_max] = [0.1, 10], dt = 0.1, T = 200, polynomial memory
(1 + t)^{-1.5} (the long-memory case of the paper), exact population loss, Adam at a constant
rate on a grid 1e-3 ... 10 (2/3 decade), 200 steps, SEEDS seeds shared by all maps.

Power calculation (SEEDS = 15). Per-run rates were measured once on seeds not used here
(17 seeds x the whole grid, plus 80 seeds at lr = 10^(-1/3) and 10^(1/3) for the stable maps):
at lr = 10^(-1/3) every run of exp, softplus and best trained (final/initial loss < 1e-2; 97/97
each) and every run of direct left the stable region (17/17); at lr = 10^(1/3) best trained in
94/97 runs, exp in 4/97, softplus in 23/97. A median over 15 seeds fails only if 8 or more runs
fail: at conservative per-run rates (0.05 where none failed, 0.08 for best at 10^(1/3)) that is
binom.sf(7, 15, 0.05) = 1.8e-7 and binom.sf(7, 15, 0.08) = 6.5e-6 -- far below the 1e-3 budget.
Statements whose outcome is a coin flip at this budget are not claimed: direct trains at some
small rates in some seeds (both too slow and unstable runs occur), and whether exp or softplus
also train at 10^(1/3) (so "best" may tie them) varies from seed to seed.
"""

import numpy as np
import pytest
from scipy.stats import binom

from linrec.experiments.wang2024_stablessm import max_tolerated_lr, outcome_table, run_lr

PAPER = "wang2024_stablessm"
MAPS = ("direct", "exp", "softplus", "best")
LRS = 10.0 ** np.arange(-3, 1.01, 2 / 3)
SEEDS = 15
LAM_MIN = 0.1
#: conservative per-run failure rates behind the power calculation (module docstring)
P_FAIL_NONE_SEEN, P_FAIL_BEST_FAST = 0.05, 0.08


def _p_median_fails(p: float) -> float:
    """Probability that at least half of SEEDS independent runs fail at per-run rate p."""
    return float(binom.sf((SEEDS - 1) // 2, SEEDS, p))


def _sweep():
    """Metadata (maps x rates x seeds), the largest |dL/dw_i| / bound_i and the smallest decay rate per map."""
    metas = np.empty((len(MAPS), LRS.size, SEEDS), dtype=object)
    worst, min_rate = {}, {}
    for i, m in enumerate(MAPS):
        for j, lr in enumerate(LRS):
            for s in range(SEEDS):
                arrays, meta = run_lr({"reparam": m, "kernel": "poly", "lr": float(lr), "steps": 200,
                                       "record_every": 20}, rng=s)
                metas[i, j, s] = meta
                worst[m] = max(worst.get(m, 0.0), float(np.max(arrays["ck_grad_over_bound"])))
                min_rate[m] = min(min_rate.get(m, np.inf), float(np.min(arrays["ck_min_rate"])))
    return metas, worst, min_rate


def _check_stable_maps_stay_stable(claim, metas, min_rate):
    # measured: -lambda_i = -f(w_i) at every checkpoint of every run, and the direct map's flag
    left = np.vectorize(lambda m: bool(m["left_stable"]), otypes=[bool])(metas)
    for i, m in enumerate(MAPS[1:], start=1):
        claim.check_bound(paper=PAPER, equation="Sec. 3.3 / Def. 3.4 (stable reparameterization)",
                          statement=f"{m}: every mode keeps lambda = f(w) < 0 at every checkpoint of every run at "
                                    "every learning rate in [1e-3, 10] (smallest decay rate -lambda measured)",
                          bound=float(np.finfo(float).tiny), measured=min_rate[m], relation=">=",
                          why="f maps R into (-inf, 0) (structural; bound: the smallest positive float); the "
                              "measurement is the decay rate the runs actually reached")
        assert not left[i].any(), f"{m}: a run was flagged as having left the stable region"


def _check_direct_unstable(claim, metas):
    left = np.vectorize(lambda m: bool(m["left_stable"]), otypes=[bool])(metas[0])
    big = LRS >= LAM_MIN
    frac = float(left[big].mean())
    n = int(left[big].size)
    claim.check_bound(paper=PAPER, equation="Sec. 3.3 (direct parameterization is unstable)",
                      statement=f"direct: the majority of the {n} runs with lr >= lam_min (the slowest initial "
                                "rate) leave the stable region (some w_i >= 0)",
                      bound=0.5, measured=frac, relation=">=",
                      why="Adam moves every weight by ~lr per step, i.e. by at least the distance lam_min of the "
                          f"slowest initial mode from lambda = 0; measured 65/68 on other seeds, so P(fail) <= "
                          f"binom.cdf({n // 2 - 1}, {n}, 0.8) = {binom.cdf(n // 2 - 1, n, 0.8):.1e}")


def _check_tolerated_rates(claim, tab):
    lr_max = {m: max_tolerated_lr(LRS, tab["ratio"][i]) for i, m in enumerate(MAPS)}
    # grid index of the largest tolerated rate (-1: none), so "one grid step" is exact
    idx = {m: int(np.flatnonzero(LRS == v)[0]) if v > 0 else -1 for m, v in lr_max.items()}
    for m in MAPS[1:]:
        claim.check_bound(paper=PAPER, equation="Sec. 4 (optimization stability)",
                          statement=f"largest learning rate with median final/initial loss < 1e-2: {m} exceeds "
                                    "direct by at least one grid step (2/3 decade); measured in grid steps",
                          bound=1.0, measured=float(idx[m] - idx["direct"]), relation=">=",
                          why=f"at lr = 10^(-1/3) {m} trains and direct leaves the stable region in every measured "
                              f"run: P(fail) <= 2 x {_p_median_fails(P_FAIL_NONE_SEEN):.1e} (module docstring)")
    claim.check_bound(paper=PAPER, equation="Sec. 3.3 (best reparameterization)",
                      statement="best tolerates the largest learning rate of the four maps (ties allowed)",
                      bound=max(lr_max["exp"], lr_max["softplus"]), measured=lr_max["best"], relation=">=",
                      why="no map trains at lr = 10 (median); it fails only if best's median fails at 10^(1/3): "
                          f"P <= {_p_median_fails(P_FAIL_BEST_FAST):.1e} at a per-run rate {P_FAIL_BEST_FAST} "
                          "(measured 3/97)")


def _check_gradient_bound(claim, worst):
    for m in MAPS:
        claim.check_bound(paper=PAPER, equation="Thm 3.6 (gradient bounded by G_f), explicit for ZOH",
                          statement=f"{m}: |dL/dw_i| <= ||e||_inf |c_i b_i| |f'(w_i)|/f(w_i)^2 at every checkpoint "
                                    "of every run",
                          bound=1.0, measured=worst[m], relation="<=", slack=1e-12,
                          why="exact inequality; slack for float64 rounding of the T-term gradient sums "
                              "(the bound is attained by very fast modes)")


@pytest.mark.claim
def test_learning_rate_sweep(claim):
    # one sweep (4 x 7 x 15 runs, about 30 s on one core) serves the claims; a single test keeps it
    # from being recomputed on several pytest-xdist workers
    metas, worst, min_rate = _sweep()
    tab = outcome_table(metas)
    _check_stable_maps_stay_stable(claim, metas, min_rate)
    _check_direct_unstable(claim, metas)
    _check_tolerated_rates(claim, tab)
    _check_gradient_bound(claim, worst)
