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
