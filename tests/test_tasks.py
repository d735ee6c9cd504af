"""Tests of linrec.tasks: teacher construction, kernels, target correctness, Pascanu tasks."""

import numpy as np
import pytest

from linrec import tasks
from linrec.models.conv import causal_conv, causal_conv_vjp


def test_teacher_band_and_realness():
    for nu0 in (0.36, 0.84, 0.99):
        t = tasks.make_teacher(3, nu0=nu0)
        mods = np.abs(np.linalg.eigvals(t.A))
        # tanh|l| in [0,1) so moduli in [nu0, 1); 1e-9 covers eig round trip of a 10x10 matrix
        assert mods.min() >= nu0 - 1e-9 and mods.max() < 1.0
    assert t.A.dtype == np.float64 and t.C.shape == (1, 10)


def test_teacher_output_matches_state_space_loop():
    t = tasks.make_teacher(1, n=4, nu0=0.5, input_dim=2, output_dim=3)
    x = np.random.default_rng(2).normal(size=(60, 3, 2))
    h = np.zeros((3, 4))
    ys = []
    for xt in x:
        h = h @ t.A.T + xt @ t.B.T
        ys.append(h @ t.C.T + xt @ t.D.T)
    # FFT convolution vs recursion: O(T eps) rounding on O(1) outputs
    np.testing.assert_allclose(t(x), np.array(ys), atol=1e-11)


@pytest.mark.parametrize("T", [7, 70])
def test_conv_fft_direct_and_vjp(T):
    rng = np.random.default_rng(T)
    x, k, dy = rng.normal(size=(T, 3, 2)), rng.normal(size=(T, 4, 2)), rng.normal(size=(T, 3, 4))
    y1 = causal_conv(x, k, method="fft")
    y2 = causal_conv(x, k, method="direct")
    np.testing.assert_allclose(y1, y2, atol=1e-11)
    dk1, dx1 = causal_conv_vjp(x, k, dy, method="fft", need_dx=True)
    dk2, dx2 = causal_conv_vjp(x, k, dy, method="direct", need_dx=True)
    np.testing.assert_allclose(dk1, dk2, atol=1e-10)
    np.testing.assert_allclose(dx1, dx2, atol=1e-10)
    # adjoint identity <dy, conv(x, k)> = <dk, k> = <dx, x> (bilinear)
    ip = np.sum(dy * y1)
    assert np.sum(dk1 * k) == pytest.approx(ip, rel=1e-10)
    assert np.sum(dx1 * x) == pytest.approx(ip, rel=1e-10)


def test_conv_bad_shapes():
    with pytest.raises(ValueError, match="k must have shape"):
        causal_conv(np.zeros((5, 1, 2)), np.zeros((5, 1, 1)))
    with pytest.raises(ValueError, match="method"):
        causal_conv(np.zeros((5, 1, 1)), np.zeros((5, 1, 1)), method="fast")


def test_teacher_student_fresh_data_and_constant_inputs():
    task = tasks.TeacherStudent(tasks.make_teacher(0), T=30)
    g = np.random.default_rng(0)
    b1, b2 = task.sample(g, 5), task.sample(g, 5)
    assert not np.allclose(b1.x, b2.x)
    bc = tasks.TeacherStudent(task.teacher, T=30, inputs="constant").sample(0, 4)
    assert np.all(bc.x == bc.x[0])
    with pytest.raises(ValueError, match="inputs"):
        tasks.TeacherStudent(task.teacher, T=30, inputs="uniform")
    with pytest.raises(ValueError, match="nu0"):
        tasks.make_teacher(0, nu0=1.0)


def test_memory_kernels():
    t = np.linspace(0, 10, 101)
    assert tasks.memory_kernel("exp", t, tau=2.0)[20] == pytest.approx(np.exp(-1.0))
    sh = tasks.memory_kernel("shifted", t, t0=3.0)
    assert np.all(sh[t < 3] == 0) and sh[30] == pytest.approx(1.0)
    assert tasks.memory_kernel("airy", [0.0])[0] == pytest.approx(0.355028053887817)  # Ai(0)
    with pytest.raises(ValueError, match="kind"):
        tasks.memory_kernel("gauss", t)
    lf = tasks.LinearFunctional("exp", T=40, dt=0.1)
    b = lf.sample(0, 2)
    expect = np.array([[sum(np.exp(-0.1 * s) * b.x[t - s, j, 0] for s in range(t + 1)) for j in range(2)]
                       for t in range(40)])
    np.testing.assert_allclose(b.target[:, :, 0], expect, atol=1e-13)
    assert np.std(b.x) < 0.2  # inputs are dt * N(0, 1)


@pytest.mark.parametrize("make,sigma2", [
    (lambda: tasks.LinearFunctional("exp", T=60, dt=0.1, params={"tau": 2.0}), 0.1**2),  # inputs dt N(0, 1)
    (lambda: tasks.LinearFunctional("poly", T=60, dt=0.25, input_std=0.7), 0.7**2),
    (lambda: tasks.delayed_bump(60, 3.0, dt=0.1), 1.0)])  # plateau studies: unit variance
def test_linear_functional_population_loss_is_the_expected_sampled_loss(make, sigma2):
    from linrec import models, optim
    from linrec.train import train

    task = make()
    assert task.input_variance == pytest.approx(sigma2, rel=1e-15)
    m = models.DiagonalSSM(1, 3, 1, reparam="softplus", delta=task.dt, feedthrough=False)
    p = m.init(1)
    k = m.impulse_response(p, task.T)
    pop = task.population_loss(k)
    # exact: sigma^2/(2T) sum_s (T - s)(k_s - rho_s)^2 with sigma = input_std (dt by default)
    d = (k - task.impulse_response())[:, 0, 0]
    s = np.arange(task.T)
    assert pop == pytest.approx(sigma2 / (2 * task.T) * np.sum((task.T - s) * d**2), rel=1e-13)
    # Monte Carlo: n independent batches of the sampled "mse" loss; their mean is within 4 standard
    # errors of the expectation (SE = sample std / sqrt(n); n = 400 batch means of 8 sequences
    # each are close to normal: a false failure has probability ~6e-5)
    rng = np.random.default_rng(2)
    n = 400
    vals = np.empty(n)
    for i in range(n):
        b = task.sample(rng, 8)
        vals[i] = m.loss(p, b.x, b.target, b.mask)
    se = vals.std(ddof=1) / np.sqrt(n)
    assert abs(vals.mean() - pop) < 4 * se
    # the unit-variance population loss differs by 1/sigma^2: far outside the Monte Carlo band
    # unless the inputs have unit variance (delayed_bump's default)
    unit = m.population_loss_and_grad(p, task.impulse_response())[0]
    assert unit == pytest.approx(pop / sigma2, rel=1e-12)
    if sigma2 != 1.0:
        assert abs(vals.mean() - unit) > 20 * se
    # train(objective="population") minimises exactly this expectation (value and gradient)
    h = train(m, task, optim.sgd(1e-3), steps=1, params=p, objective="population", eig_every=0)
    assert h.loss[0] == pytest.approx(pop, rel=1e-13)
    g_unit = m.population_loss_and_grad(p, task.impulse_response())[1]
    np.testing.assert_allclose(h.params["w"], p["w"] - 1e-3 * sigma2 * g_unit["w"], rtol=1e-13, atol=1e-16)


def test_population_objective_needs_white_noise_inputs_and_input_std_checks():
    from linrec import models, optim
    from linrec.train import train

    ts = tasks.TeacherStudent(tasks.make_teacher(0, n=2), T=10, inputs="constant")
    with pytest.raises(ValueError, match="white-noise"):
        train(models.LRU(1, 2, 1), ts, optim.adam(1e-2), steps=2, objective="population")
    assert tasks.TeacherStudent(tasks.make_teacher(0, n=2), T=10).input_variance == 1.0
    lf = tasks.LinearFunctional("exp", T=10, dt=0.1)
    assert lf.input_variance == pytest.approx(0.01) and tasks.delayed_bump(10, 0.5, input_std=None).input_variance \
        == pytest.approx(0.01)
    for bad in (0.0, -1.0, np.inf, "1", True):
        with pytest.raises(ValueError, match="input_std"):
            tasks.LinearFunctional("exp", T=10, input_std=bad)
    with pytest.raises(ValueError, match="lags"):
        lf.population_loss(np.zeros(9))


def test_adding_target_is_mean_of_marked():
    b = tasks.Adding(30, jitter=True).sample(5, 8)
    L = b.x.shape[0]
    assert 30 <= L < 33
    for j in range(8):
        marked = b.x[:, j, 0] == 1
        assert marked.sum() == 2
        assert b.target[-1, j, 0] == pytest.approx(b.x[marked, j, 1].mean())
        p = np.flatnonzero(marked)
        assert p[0] < L // 10 <= p[1] < L // 10 + int(L * 0.4)


@pytest.mark.parametrize("bits", [2, 3])
def test_temporal_order_classes(bits):
    b = tasks.TemporalOrder(50, bits=bits).sample(1, 64)
    sym = b.x.argmax(-1)
    for j in range(64):
        rel = np.flatnonzero(sym[:, j] < 2)
        assert len(rel) == bits
        assert b.target[-1, j] == sum(int(sym[p, j]) << i for i, p in enumerate(rel))
    assert b.target[-1].max() < 2**bits and np.all(b.x.sum(-1) == 1)


def test_copy_and_selective_copy():
    for task in (tasks.Copy(5, 3, 4), tasks.SelectiveCopy(5, 3, 9)):
        b = task.sample(2, 6)
        sym = b.x.argmax(-1)
        K = 3
        for j in range(6):
            data = sym[: task.T - K, j]
            data = data[data < 5]
            np.testing.assert_array_equal(data, b.target[-K:, j])
        assert b.mask.sum() == K and b.x.shape == (task.T, 6, 7)
    with pytest.raises(ValueError, match="length"):
        tasks.SelectiveCopy(5, 4, 3)
