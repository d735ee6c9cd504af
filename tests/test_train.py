"""Tests of linrec.train: determinism, divergence handling, records, fused LTI path, configs."""

import numpy as np
import pytest

from linrec import models, optim, tasks
from linrec.models.conv import causal_conv
from linrec.train import Diverged, History, run_config, train


def _ts(T=40, nu0=0.5):
    return tasks.TeacherStudent(tasks.make_teacher(0, n=3, nu0=nu0), T=T)


def test_deterministic_given_rng():
    task = _ts()
    runs = [train(models.LRU(1, 4, 1), task, optim.adam(1e-2), steps=20, batch_size=4, rng=3) for _ in range(2)]
    np.testing.assert_array_equal(runs[0].loss, runs[1].loss)
    np.testing.assert_array_equal(runs[0].params["nu"], runs[1].params["nu"])
    other = train(models.LRU(1, 4, 1), task, optim.adam(1e-2), steps=20, batch_size=4, rng=4)
    assert not np.array_equal(other.loss, runs[0].loss)


@pytest.mark.parametrize("make", [lambda: models.LRU(1, 5, 1), lambda: models.DenseLinear(1, 4, 1),
                                  lambda: models.DiagonalSSM(1, 3, 1, reparam="softplus")])
def test_fused_lti_path_matches_generic(make):
    m = make()
    rng = np.random.default_rng(0)
    p = m.init(rng)
    task = _ts(T=60)
    x = rng.standard_normal((60, 5, 1))
    mask = np.ones(60, bool)
    L1, g1 = m.loss_and_grad_lti_target(p, x, task.impulse_response(), mask)
    L2, g2 = m.loss_and_grad(p, x, causal_conv(x, task.impulse_response()), mask)
    assert L1 == pytest.approx(L2, rel=1e-10)
    for k in p:  # same sums in a different order: rounding O(T eps) relative to the gradient scale
        np.testing.assert_allclose(g1[k], g2[k], rtol=1e-8, atol=1e-10 * max(1, np.abs(g2[k]).max()))


def test_divergence_stops_and_marks_the_run():
    task = _ts(nu0=0.9)
    h = train(models.DenseLinear(1, 4, 1), task, optim.sgd(50.0), steps=200, batch_size=4, rng=0)
    assert h.diverged and 0 <= h.diverged_at < 200 and h.steps_done == h.diverged_at
    assert np.all(np.isnan(h.loss[h.diverged_at + 1:]))
    assert h.final_loss() == np.inf
    assert all(np.all(np.isfinite(v)) for v in h.params.values())  # last finite parameters


def test_records_groups_ratios_and_eigenvalues():
    task = _ts()
    m = models.LRU(1, 4, 1)
    h = train(m, task, optim.adam(1e-2), steps=30, batch_size=4, rng=1, eig_every=10)
    assert set(h.grad_norm) == {"recurrent", "input", "output"}
    for grp in h.grad_norm:
        assert h.grad_norm[grp].shape == (30,) and np.all(h.grad_weight_ratio[grp] > 0)
    # group update norms add up to the global update norm
    np.testing.assert_allclose(np.sqrt(sum(v**2 for v in h.group_update_norm.values())), h.update_norm, rtol=1e-12)
    assert h.eig_steps.tolist() == [0, 10, 20, 30] and h.eigenvalues.shape == (4, 4)
    np.testing.assert_allclose(h.eigenvalues[-1], m.eigenvalues(h.params))
    arrays, meta = h.to_arrays()
    h2 = History.from_arrays(arrays, meta)
    np.testing.assert_array_equal(h2.loss, h.loss)
    np.testing.assert_array_equal(h2.grad_weight_ratio["recurrent"], h.grad_weight_ratio["recurrent"])
    assert h2.final_loss() == h.final_loss() and set(h2.params) == set(h.params)


def test_population_objective_and_errors():
    task = _ts()
    m = models.LinearDiagonal(1, 6, 1, r_max=0.9)
    h = train(m, task, optim.adam(1e-2), steps=150, rng=0, objective="population")
    assert h.loss[-1] < 0.2 * h.loss[0]
    with pytest.raises(ValueError, match="population"):
        train(models.GRU(1, 2, 1), task, optim.adam(1e-2), steps=2, objective="population")
    with pytest.raises(TypeError, match="optimizer"):
        train(m, task, lambda g: g, steps=2)
    with pytest.raises(ValueError, match="steps"):
        train(m, task, optim.adam(1e-2), steps=0)


def test_classification_eval_accuracy_and_progress(capsys):
    task = tasks.TemporalOrder(10)
    h = train(models.GRU(6, 8, 4), task, optim.adam(1e-2), steps=20, batch_size=8, rng=0, eval_every=10,
              eval_batch=32, progress=True)
    assert h.eval_steps.tolist() == [0, 10, 20] and np.all((h.eval_accuracy >= 0) & (h.eval_accuracy <= 1))
    assert h.eigenvalues is None


def test_run_config_groups_clip_and_errors():
    cfg = {"model": "LRU", "model_kwargs": {"input_dim": 1, "hidden": 4, "output_dim": 1},
           "task": "teacher_student", "task_kwargs": {"n": 2, "T": 20, "teacher_seed": 0},
           "optimizer": "adam", "lr": {"recurrent": 1e-3, "default": 1e-2}, "schedule": "cosine",
           "clip": 1.0, "steps": 15, "batch_size": 4}
    h = run_config(cfg, rng=0)
    assert h.steps_done == 15 and np.all(np.isfinite(h.loss))
    h2 = run_config({**cfg, "task": "adding", "task_kwargs": {"T": 10}, "model": "ElmanRNN",
                     "model_kwargs": {"input_dim": 2, "hidden": 3, "output_dim": 1}, "lr": 1e-2}, rng=0)
    assert h2.steps_done == 15
    with pytest.raises(ValueError, match="model"):
        run_config({**cfg, "model": "Transformer"})


def test_callback_stops_and_final_loss_uses_done_steps():
    task = _ts()
    seen = []

    def cb(step, params, loss):
        seen.append(step)
        return step == 4

    h = train(models.LRU(1, 3, 1), task, optim.adam(1e-2), steps=50, batch_size=2, rng=0, callback=cb)
    assert seen == [0, 1, 2, 3, 4] and h.steps_done == 5 and not h.diverged
    assert h.final_loss(window=100) == pytest.approx(np.mean(h.loss[:5]))


def test_parameters_leaving_their_domain_mark_divergence():
    # "direct" continuous eigenvalues with a huge SGD step become positive: ZOH undefined
    task = tasks.LinearFunctional("exp", T=30, dt=0.1)
    m = models.DiagonalSSM(1, 3, 1, reparam="direct", lam_min=0.01, lam_max=0.02)
    h = train(m, task, optim.sgd(1e4), steps=50, batch_size=8, rng=0)
    assert h.diverged and h.diverged_at == h.steps_done == 0 and "domain" in h.diverged_reason
    assert m.domain_violation(h.params) == ""  # the last valid parameters are kept
    arrays, meta = h.to_arrays()
    assert History.from_arrays(arrays, meta).diverged_reason == h.diverged_reason
    # at step 0 an invalid point is a usage error and raises
    bad = {k: v.copy() for k, v in m.init(0).items()}
    bad["w"][:] = 1.0
    with pytest.raises(models.ParameterDomainError, match="initial params"):
        train(m, task, optim.sgd(1e-3), steps=2, params=bad)


@pytest.mark.parametrize("steps", [1, 2])
def test_leaving_the_domain_at_the_last_step_does_not_crash(steps):
    # regression: the update of the last step left the domain and the final eigenvalue record
    # (outside the loop) raised ValueError out of train()
    task = tasks.LinearFunctional("exp", T=30, dt=0.1)
    m = models.DiagonalSSM(1, 3, 1, reparam="direct", lam_min=0.01, lam_max=0.02)
    p0 = m.init(0)
    # a tiny first step (stays inside), then a huge one (leaves): per-step rates by a schedule
    h = train(m, task, optim.sgd(lambda k: 1e-6 if k < steps - 1 else 1e4), steps=steps, batch_size=8, rng=1,
              params=p0, eig_every=1)
    assert h.diverged and h.diverged_at == steps - 1 and h.steps_done == steps - 1
    assert h.diverged_reason.startswith("parameters left the model's domain")
    assert h.eig_steps.tolist() == list(range(steps)) and np.all(np.isfinite(h.eigenvalues))


def test_domain_error_raised_inside_the_model_is_a_divergence_but_a_bare_valueerror_is_not():
    task = _ts()

    class Flaky(models.LRU):
        """Raises ``exc`` from the loss from the third evaluation on; no domain_violation."""

        domain_violation = None

        def __init__(self, exc):
            super().__init__(1, 3, 1)
            self.exc, self.calls = exc, 0

        def loss_and_grad_lti_target(self, *args, **kwargs):
            self.calls += 1
            if self.calls >= 3:
                raise self.exc
            return super().loss_and_grad_lti_target(*args, **kwargs)

    h = train(Flaky(models.ParameterDomainError("nu left its domain")), task, optim.adam(1e-2), steps=10,
              batch_size=2, rng=0)
    assert h.diverged and h.diverged_at == 2 and h.steps_done == 2 and "nu left its domain" in h.diverged_reason
    # a programming error (plain ValueError, or anything else) is never swallowed as a divergence
    with pytest.raises(ValueError, match="a bug"):
        train(Flaky(ValueError("a bug")), task, optim.adam(1e-2), steps=10, batch_size=2, rng=0)
    with pytest.raises(KeyError):
        train(Flaky(KeyError("bug")), task, optim.adam(1e-2), steps=10, batch_size=2, rng=0)


def test_callback_can_mark_the_run_diverged():
    task = _ts()

    def by_string(step, params, loss):
        return "loss plateau watchdog" if step == 3 else None

    def by_exception(step, params, loss):
        if step == 3:
            raise Diverged("left the stable region")
        return False

    for cb, why in ((by_string, "loss plateau watchdog"), (by_exception, "left the stable region")):
        h = train(models.LRU(1, 3, 1), task, optim.adam(1e-2), steps=20, batch_size=2, rng=0, callback=cb,
                  eig_every=1)
        assert h.diverged and h.diverged_reason == why
        assert h.diverged_at == 4 and h.steps_done == 4  # the callback's step counts as done
        assert np.all(np.isfinite(h.loss[:4])) and np.all(np.isnan(h.loss[4:]))
        assert h.final_loss() == np.inf and h.eig_steps.tolist() == [0, 1, 2, 3]
    # an empty string or a falsy value continues; True stops without divergence
    h = train(models.LRU(1, 3, 1), task, optim.adam(1e-2), steps=5, batch_size=2, rng=0, callback=lambda *a: "")
    assert h.steps_done == 5 and not h.diverged
    # when the update also left the domain, the run diverged at that step with the callback's reason
    m = models.DiagonalSSM(1, 3, 1, reparam="direct", lam_min=0.01, lam_max=0.02)
    lf = tasks.LinearFunctional("exp", T=30, dt=0.1)
    h = train(m, lf, optim.sgd(1e4), steps=5, batch_size=8, rng=0,
              callback=lambda s, p, L: "w >= 0" if np.any(p["w"] >= 0) else None)
    assert h.diverged and h.diverged_at == 0 and h.diverged_reason == "w >= 0"


def test_eigenvalue_failure_is_recorded_as_nan():
    # LAPACK failing on a finite (huge) matrix is a diagnostic failure, not a crash or a divergence
    task = _ts()

    class Fragile(models.DenseLinear):
        """eigenvalues raise LinAlgError from the third record on."""

        def __init__(self):
            super().__init__(1, 3, 1)
            self.calls = 0

        def eigenvalues(self, params):
            self.calls += 1
            if self.calls >= 3:
                raise np.linalg.LinAlgError("Eigenvalues did not converge")
            return super().eigenvalues(params)

    h = train(Fragile(), task, optim.adam(1e-3), steps=4, batch_size=2, rng=0, eig_every=1)
    assert not h.diverged and h.steps_done == 4 and h.eig_steps.tolist() == [0, 1, 2, 3, 4]
    assert np.all(np.isfinite(h.eigenvalues[:2])) and np.all(np.isnan(h.eigenvalues[2:]))
