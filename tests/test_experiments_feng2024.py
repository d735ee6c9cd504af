"""Unit tests of linrec.experiments.feng2024_minrnn: exact parameter counts against closed forms,
the paper's leading-order ratios as their large-d limit, timing and equivalence bookkeeping, and
the gradient of the stacked model used in the selective-copy runs."""

import numpy as np
import pytest

from linrec.experiments import feng2024_minrnn as F
from linrec.models import MinGRU, MinLSTM
from linrec.tasks import SelectiveCopy
from linrec.testing import check_grad


@pytest.mark.parametrize("dx,dh", [(1, 1), (3, 7), (64, 128), (100, 25)])
def test_parameter_counts_closed_forms(dx, dh):
    c = F.parameter_counts(dx, dh)
    assert c == {"MinGRU": 2 * dh * dx + 2 * dh, "MinLSTM": 3 * dh * dx + 3 * dh,
                 "GRU": 3 * (dh * dx + dh * dh + 2 * dh), "LSTM": 4 * (dh * dx + dh * dh) + 4 * dh}


@pytest.mark.parametrize("alpha", [0.5, 1.0, 2.0, 4.0])
def test_stated_ratio_is_the_large_width_limit(alpha):
    # exact/stated - 1 = O(1/d_x): the bias vectors are lower order
    for cell, full in (("MinGRU", "GRU"), ("MinLSTM", "LSTM")):
        errs = []
        for dx in (16, 256):
            c = F.parameter_counts(dx, int(alpha * dx))
            errs.append(abs(c[cell] / c[full] / F.stated_ratio(cell, alpha) - 1))
        assert errs[1] <= errs[0] / 8 + 1e-15 and errs[1] < 4 / 256


def test_stated_ratio_values_and_errors():
    assert F.stated_ratio("MinLSTM", 1.0) == pytest.approx(3 / 8)
    with pytest.raises(ValueError, match="expansion"):
        F.stated_ratio("MinGRU", 0.0)
    with pytest.raises(ValueError, match="model"):
        F.stated_ratio("GRU", 1.0)


def test_timing_returns_positive_times_and_validates():
    for model, mode, meth in F.timing_configs("quick")[1]:
        t = F.time_training_step(model, 8, mode="parallel" if mode == "bptt" else mode, scan_method=meth,
                                 batch=2, d_in=3, hidden=4, repeats=2, rng=0)
        assert t.shape == (2,) and np.all(t > 0)
    with pytest.raises(ValueError, match="model"):
        F.time_training_step("RNN", 8)
    with pytest.raises(ValueError, match="profile"):
        F.timing_configs("medium")


def test_equivalence_run_tracks_both_modes():
    out = F.equivalence_run("MinLSTM", steps=10, T=30, rng=1)
    np.testing.assert_allclose(out["loss_parallel"], out["loss_sequential"], rtol=1e-12)
    assert np.all(out["param_diff"] < 1e-12) and out["loss_parallel"][-1] < out["loss_parallel"][0]


@pytest.mark.parametrize("cls", [MinGRU, MinLSTM])
def test_two_layer_gradient_on_selective_copy(cls):
    # the stacked model of the selective-copy runs: exact gradient vs central differences
    task = SelectiveCopy(4, 2, 6)
    m = cls(task.input_dim, 5, task.output_dim, layers=2)
    p = m.init(0)
    b = task.sample(1, 3)
    L, g = m.loss_and_grad(p, b.x, b.target, b.mask, loss="ce")
    assert check_grad(lambda q: m.loss(q, b.x, b.target, b.mask, loss="ce"), p, g).ok


def test_selective_copy_run_deterministic_and_validated():
    cfg = {"steps": 6, "eval_every": 3, "length": 6, "n_copy": 2, "layers": 2, "hidden": 4, "eval_batch": 16}
    a1, m1 = F.selective_copy_run(cfg, rng=2)
    a2, m2 = F.selective_copy_run(cfg, rng=2)
    np.testing.assert_array_equal(a1["loss"], a2["loss"])
    assert m1 == m2 and a1["eval_accuracy"].shape == (3, 2)
    assert np.all((a1["eval_accuracy"] >= 0) & (a1["eval_accuracy"] <= 1))
    with pytest.raises(ValueError, match="unknown keys"):
        F.selective_copy_run({"depth": 2})
    with pytest.raises(ValueError, match="cell"):
        F.selective_copy_run({"cell": "GRU"})
