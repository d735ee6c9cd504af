"""Tests of linrec.experiments.wang2024_stablessm."""

import math

import numpy as np
import pytest

from linrec import models
from linrec.experiments.wang2024_stablessm import gradient_bound, max_tolerated_lr, outcome_table, run_lr


@pytest.mark.parametrize("reparam", ["direct", "exp", "softplus", "best"])
def test_gradient_bound_holds_at_random_points(reparam):
    rng = np.random.default_rng(1)
    m = models.DiagonalSSM(1, 5, 1, reparam=reparam, delta=0.1, feedthrough=False)
    T = 120
    for _ in range(5):
        p = m.init(rng)
        k_star = rng.normal(size=(T, 1, 1)) * np.exp(-0.02 * np.arange(T))[:, None, None]
        _, g = m.population_loss_and_grad(p, k_star)
        bound = gradient_bound(reparam, p, m.impulse_response(p, T) - k_star)
        assert np.all(np.abs(g["w"]) <= bound * (1 + 1e-12))


def test_gradient_bound_is_attained_by_a_fast_mode():
    # one mode with lambda = -1e4: its ZOH kernel lives in the first step, where the weight (T - s)/T
    # is 1; against a constant error e_s = 1 the gradient tends to ||e||_inf |c b| G_f(w)
    m = models.DiagonalSSM(1, 1, 1, reparam="exp", delta=0.1, feedthrough=False)
    p = {"w": np.array([np.log(1e4)]), "B": np.ones((1, 1)), "C": np.full((1, 1), 1e-6)}
    T = 50
    k_star = -np.ones((T, 1, 1))
    _, g = m.population_loss_and_grad(p, k_star)
    bound = gradient_bound("exp", p, m.impulse_response(p, T) - k_star)
    assert abs(g["w"][0]) / bound[0] == pytest.approx(1.0, rel=1e-3)  # relative size of |c b|/|lambda| vs 1


def test_run_lr_records_and_direct_leaves_stable_region():
    arrays, meta = run_lr({"reparam": "direct", "lr": 1.0, "steps": 50, "T": 60, "hidden": 4}, rng=0)
    assert meta["left_stable"] and meta["diverged"] and math.isinf(meta["loss_ratio"])
    arrays, meta = run_lr({"reparam": "best", "lr": 1e-2, "steps": 30, "T": 60, "hidden": 4, "record_every": 10}, rng=0)
    assert not meta["diverged"]
    assert arrays["ck_steps"].tolist() == [0, 10, 20, 30]
    assert np.allclose(arrays["ck_criterion"], 2.0)  # best: ||G_f(w)|| / ||w|| = 2a exactly
    assert np.all(arrays["ck_grad_over_bound"] <= 1 + 1e-12)
    assert arrays["ratio"].shape == (30,)


def test_run_lr_sample_objective():
    arrays, meta = run_lr({"reparam": "softplus", "objective": "sample", "batch_size": 4, "steps": 10, "T": 40,
                           "hidden": 3, "record_every": 0}, rng=0)
    assert meta["steps_done"] == 10 and arrays["ck_steps"].size == 0


def test_run_lr_adamw_cosine():
    # the authors' optimizer: AdamW with cosine decay to 0 over the run
    arrays, meta = run_lr({"reparam": "best", "optimizer": "adamw", "schedule": "cosine", "weight_decay": 0.01,
                           "steps": 20, "T": 40, "hidden": 3, "record_every": 0}, rng=0)
    assert meta["steps_done"] == 20 and not meta["diverged"]


def test_run_lr_delta_is_the_model_step():
    # same initial continuous rates, different ZOH steps: the per-step loss differs, the run is valid
    a1, m1 = run_lr({"reparam": "exp", "steps": 3, "T": 30, "hidden": 2, "record_every": 0}, rng=0)
    a2, m2 = run_lr({"reparam": "exp", "steps": 3, "T": 30, "hidden": 2, "record_every": 0, "delta": 1.0}, rng=0)
    assert m1["initial_loss"] != m2["initial_loss"] and not m2["diverged"]


def test_outcome_table_and_max_lr():
    metas = [[{"diverged": False, "loss_ratio": 1e-3}, {"diverged": True, "loss_ratio": math.inf}],
             [{"diverged": False, "loss_ratio": 0.5}, {"diverged": False, "loss_ratio": 0.2}]]
    t = outcome_table(metas)
    assert t["unstable"].tolist() == [[False, True], [False, False]]
    assert t["failed"].tolist() == [[False, False], [True, True]]
    assert max_tolerated_lr([1e-3, 1e-2], [[1e-3, 2e-3], [0.5, 0.2]]) == 1e-3
    assert max_tolerated_lr([1e-3], [[1.0, 1.0]]) == 0.0


def test_errors():
    with pytest.raises(ValueError, match="unknown keys"):
        run_lr({"nope": 1})
    with pytest.raises(ValueError, match="reparam"):
        run_lr({"reparam": "sigmoid"})
    with pytest.raises(ValueError, match="lr"):
        run_lr({"lr": -1.0})
    with pytest.raises(ValueError, match="optimizer"):
        run_lr({"optimizer": "sgd"})
    with pytest.raises(ValueError, match="kernel"):
        run_lr({"kernel": "airy"})
    with pytest.raises(ValueError, match="single-input"):
        gradient_bound("exp", {"w": np.zeros(2), "B": np.ones((3, 1)), "C": np.ones((1, 3))}, np.ones(5))
    with pytest.raises(ValueError, match="ratios"):
        max_tolerated_lr([1e-3, 1e-2], [1.0, 2.0])
