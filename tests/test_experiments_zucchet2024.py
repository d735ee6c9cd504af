"""Unit tests of linrec.experiments.zucchet2024 (protocols of the teacher–student reproduction)."""

import numpy as np
import pytest

from linrec import tasks
from linrec.experiments import zucchet2024 as Z


def test_make_teacher_matches_the_papers_construction():
    # independent re-derivation of the teacher from the same stream: A0 ~ N(0, 1/n), remap
    # each eigenvalue to (nu0 + (1 - nu0) tanh|l|) e^{i arg l}; then B, C, D in that order
    n, nu0 = 10, 0.84
    t = tasks.make_teacher(3, n=n, nu0=nu0)
    g = np.random.default_rng(3)
    A0 = g.normal(scale=1 / np.sqrt(n), size=(n, n))
    lam = np.linalg.eigvals(A0)
    want = (nu0 + (1 - nu0) * np.tanh(np.abs(lam))) * np.exp(1j * np.angle(lam))
    got = np.linalg.eigvals(t.A)
    key = lambda z: (round(z.real, 8), round(z.imag, 8))  # noqa: E731
    # eigenvalues of a 10x10 real matrix: rounding ~ cond(V) * eps; 1e-9 is generous
    np.testing.assert_allclose(sorted(got, key=key), sorted(want, key=key), atol=1e-9)
    np.testing.assert_array_equal(t.B, g.normal(size=(n, 1)))
    np.testing.assert_array_equal(t.C, g.normal(size=(1, n)) / np.sqrt(n))
    np.testing.assert_array_equal(t.D, g.normal(size=(1, 1)))


@pytest.mark.parametrize("student,kind", [("rnn", "DenseLinear"), ("lru", "PaperLRU"), ("block", "PaperBlockDiagonal"),
                                          ("cdiag", "PaperComplexDiagonal"), ("cdiag_exp", "PaperComplexDiagonal")])
def test_make_student_kinds_and_ring(student, kind):
    m = Z.make_student(student, 0.96, hidden=8)
    assert type(m).__name__ == kind
    lam = m.eigenvalues(m.init(0))
    if student in ("rnn", "block"):
        assert np.max(np.abs(lam)) < 1
    else:
        assert np.all(np.abs(lam) >= 0.96 - 1e-12) and np.all(np.abs(lam) < 1)
    if student.startswith("cdiag"):
        assert "gamma_log" not in m.param_groups and m.gamma == "none"
    if student == "cdiag":  # the paper's "complex numbers" student: Re lam, Im lam trained directly
        assert m.lam_param == "direct" and {"lam_re", "lam_im"} <= set(m.param_groups)
    if student == "cdiag_exp":
        assert m.lam_param == "exp" and {"nu", "theta"} <= set(m.param_groups)
    assert set(Z.LR_GRID) == set(Z.STUDENTS)


def test_block_student_is_the_authors_multihead_rnn():
    # each 2x2 head is the dense RNN's construction at n = 2 (tanh-remapped eigenvalues), drawn
    # in order from the stream, then B, C, D; state 2h, 2h+1 belong to head h
    H = 5
    p = Z.PaperBlockDiagonal(1, H, 1).init(4)
    g = np.random.default_rng(4)
    for h in range(H):
        np.testing.assert_array_equal(p["blocks"][h], tasks.make_teacher(g, n=2, nu0=0.0).A)
    np.testing.assert_array_equal(p["B"], g.standard_normal((2 * H, 1)))
    np.testing.assert_array_equal(p["C"], g.standard_normal((1, 2 * H)) / np.sqrt(2 * H))
    # moduli tanh|l| of an N(0, 1/2) 2x2 matrix: inside the unit disk, and not confined to a ring
    lam = Z.PaperBlockDiagonal(1, 400, 1).eigenvalues(Z.PaperBlockDiagonal(1, 400, 1).init(0))
    assert np.all(np.abs(lam) < 1) and np.min(np.abs(lam)) < 0.2


def test_diagonal_students_use_the_authors_initialisation_of_B_and_C():
    # authors' matrix_init = normal(shape) / sqrt(shape[0]): Re B, Im B ~ N(0, 1/N) (shape (N, 1)),
    # Re C, Im C ~ N(0, 1) (shape (1, N)). With N = 4096 draws the sample std of a Gaussian has
    # relative standard deviation 1/sqrt(2N) = 0.011; 6 of them: rtol 0.07
    N = 4096
    for m in (Z.PaperLRU(1, N, 1, r_min=0.5), Z.PaperComplexDiagonal(1, N, 1, r_min=0.5),
              Z.PaperComplexDiagonal(1, N, 1, lam_param="exp", r_min=0.5)):
        p = m.init(3)
        for k, want in (("B_re", 1 / np.sqrt(N)), ("B_im", 1 / np.sqrt(N)), ("C_re", 1.0), ("C_im", 1.0)):
            assert np.std(p[k]) == pytest.approx(want, rel=0.07), (type(m).__name__, k)
            assert abs(np.mean(p[k])) < 6 * want / np.sqrt(N)
        # ring uniform in area on [0.5, 1): E|lam|^2 = (1 + 0.25) / 2, var of |lam|^2 = 0.75^2 / 12
        r2 = np.abs(m.eigenvalues(p)) ** 2
        assert abs(np.mean(r2) - 0.625) < 6 * 0.75 / np.sqrt(12 * N)
    # the eigenvalues and gamma of the paper's LRU are linrec's LRU's (same stream, drawn first)
    from linrec import models

    a, b = Z.PaperLRU(1, 16, 1, r_min=0.9).init(5), models.LRU(1, 16, 1, r_min=0.9).init(5)
    for k in ("nu", "theta", "gamma_log"):
        np.testing.assert_array_equal(a[k], b[k])
    assert not np.allclose(a["B_re"], b["B_re"])


def test_bad_inputs():
    with pytest.raises(ValueError, match="student"):
        Z.make_student("gru", 0.5)
    with pytest.raises(ValueError, match="lam_param"):
        Z.PaperComplexDiagonal(1, 2, 1, lam_param="polar")
    with pytest.raises(ValueError, match="nu0"):
        Z.make_student("lru", 1.0)
    with pytest.raises(ValueError, match="hidden"):
        Z.make_student("block", 0.5, hidden=7)
    with pytest.raises(ValueError, match="lr"):
        Z.teacher_student_config("lru", 0.5, -1e-3)
    with pytest.raises(ValueError, match="objective"):
        Z.teacher_student_config("lru", 0.5, 1e-3, objective="exact")
    with pytest.raises(ValueError, match="missing"):
        Z.run_teacher_student({"student": "lru"}, rng=0)
    with pytest.raises(ValueError, match="no learning rates"):
        Z.sweep_configs(["rnn"], [0.5], {"lru": [1e-2]})
    with pytest.raises(ValueError, match="directory"):
        Z.run_grid([], executor=object())
    with pytest.raises(ValueError, match="param"):
        Z.angle_dynamics("cartesian")
    with pytest.raises(ValueError, match="nu"):
        Z.angle_dynamics("polar", nu=1.0)


def test_effective_learning_rate_at_the_first_step_is_lr_over_abs_gradient():
    # after one Adam step v_1 / (1 - b2) = g^2 exactly, so lr_0 / (sqrt(v_hat) + eps) = lr / (|g| + eps)
    cfg = Z.teacher_student_config("lru", 0.5, 1e-2, steps=3, T=40, hidden=3, n_teacher=2,
                                   objective="population", record_every=1)
    arrays, _ = Z.run_teacher_student(cfg, rng=5)
    g = np.random.default_rng(5)
    teacher = tasks.make_teacher(g, n=2, nu0=0.5)
    m = Z.PaperLRU(1, 3, 1, r_min=0.5, max_phase=2 * np.pi)
    p = m.init(g)
    _, grads = m.population_loss_and_grad(p, teacher.impulse_response(40))
    for grp in ("recurrent", "input", "output"):
        gv = np.concatenate([np.ravel(grads[k]) for k in grads if m.param_groups[k] == grp])
        want = np.median(1e-2 / (np.abs(gv) + 1e-8))
        assert arrays[f"eff_lr/{grp}"][0] == pytest.approx(want, rel=1e-10)


def test_run_grid_in_process_equals_resumable_sweep(tmp_path):
    cfgs = Z.sweep_configs(["lru", "cdiag"], [0.5], {"lru": [1e-2], "cdiag": [1e-2]}, steps=8, T=20,
                           batch_size=2, hidden=2, n_teacher=2)
    a = Z.run_grid(cfgs, seeds=2)
    b = Z.run_grid(cfgs, seeds=2, directory=tmp_path)
    c = Z.run_grid(cfgs, seeds=2, directory=tmp_path)  # resumed: nothing recomputed
    assert c.computed == [] and len(b.computed) == 4
    for i in a.results:
        np.testing.assert_array_equal(a.results[i][0]["loss"], b.results[i][0]["loss"])
        np.testing.assert_array_equal(c.results[i][0]["loss"], b.results[i][0]["loss"])
    # common random numbers: both students at seed 0 see the same teacher
    np.testing.assert_array_equal(a.results[0][0]["teacher_eigs"], a.results[2][0]["teacher_eigs"])


def test_best_over_lr_picks_smallest_median_and_counts_divergence_as_inf():
    cfgs = Z.sweep_configs(["lru"], [0.5], {"lru": [1e-4, 3e-2]}, steps=40, T=20, hidden=2, n_teacher=2,
                           objective="population", window=5)
    res = Z.run_grid(cfgs, seeds=2)
    best = Z.best_over_lr(res)[("lru", 0.5)]
    meds = {lr: np.median(v) for lr, v in best["by_lr"].items()}
    assert best["lr"] == min(meds, key=meds.get)
    assert best["median"] == pytest.approx(min(meds.values()))


def test_hessian_dense_and_diagonal_describe_the_same_teacher():
    # both parameterizations' Hessians come from Jacobians of the same impulse response: the
    # Gauss-Newton trace equals sum_s w_s ||dk_s/dp||^2 and both are >= 0; their nonzero spectra
    # differ (different coordinates) but the largest eigenvalue is positive and finite
    out = Z.hessian_at_teacher(0.9, rng=1, T=100, n=4)
    for k in ("dense", "diag_reim", "diag_exp", "diag_exp_gamma"):
        assert np.isfinite(out[k]["lam_max"]) and out[k]["lam_max"] > 0
        assert 1.0 - 1e-12 <= out[k]["lam_max_jacobi"]
        assert 0 < out[k]["diag_dominance"] <= 1
    assert np.all(out["teacher_moduli"] >= 0.9 - 1e-9)


def test_angle_dynamics_polar_reaches_teacher_and_records_angles():
    out = Z.angle_dynamics("polar", nu=0.9, theta_star=0.5, theta0=0.7, lr=1e-2, steps=300, T=200)
    assert out["angle"].shape == (301,) and out["angle"][0] == 0.7
    assert abs(out["angle_error"][-1]) < 1e-6 and not out["diverged"]
