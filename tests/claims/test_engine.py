"""Claims about the training engine itself (paper="linrec_engine"): exact gradients recover a
representable teacher, Adam's invariance to per-parameter gradient scaling (SGD's lack of it),
and the bound that global-norm clipping puts on SGD updates."""

import numpy as np
import pytest
from scipy.optimize import minimize

from linrec import models, optim, tasks
from linrec.train import train

EPS = np.finfo(np.float64).eps


@pytest.mark.claim
def test_population_loss_exact_gradient_recovers_teacher(claim):
    # teacher: 3-state dense system (a conjugate pair and a real mode at most), representable by a
    # complex diagonal student with 4 modes (one complex mode per conjugate pair, y = Re(C h))
    T = 60
    teacher = tasks.make_teacher(2, n=3, nu0=0.5)
    task = tasks.TeacherStudent(teacher, T=T)
    kt = task.impulse_response()
    m = models.LinearDiagonal(1, 4, 1, r_min=0.3, r_max=0.9)
    p0 = m.init(5)
    keys = list(p0)
    sizes = [p0[k].size for k in keys]

    def unflat(v):
        out, i = {}, 0
        for k, n in zip(keys, sizes):
            out[k] = v[i:i + n].reshape(p0[k].shape)
            i += n
        return out

    def fg(v):
        L, g = m.population_loss_and_grad(unflat(v), kt)
        return L, np.concatenate([g[k].ravel() for k in keys])

    v0 = np.concatenate([p0[k].ravel() for k in keys])
    L0 = fg(v0)[0]
    res = minimize(fg, v0, jac=True, method="BFGS", options={"gtol": 1e-13, "maxiter": 5000})
    p = unflat(res.x)
    L = m.population_loss_and_grad(p, kt)[0]
    # with a gradient wrong by a relative delta, quasi-Newton stalls at a loss ~ delta^2 L0; reaching
    # 1e-12 L0 therefore certifies the gradient to ~1e-6 and the recovery of the teacher
    claim.check_bound(paper="linrec_engine", equation="population loss L = 1/(2T) sum_s (T-s)|dk_s|^2",
                      statement="BFGS on the exact population-loss gradient drives a representable student's "
                                "loss to the global minimum 0 (below 1e-12 of its initial value)",
                      bound=1e-12 * L0, measured=L, relation="<=", slack=0.0,
                      why="a gradient with relative error delta stalls quasi-Newton at ~delta^2 L0")
    # the impulse responses then agree: (T - s) >= 1 gives |dk_s| <= sqrt(2 T L) for every lag
    ks = m.impulse_response(p, T)
    claim.check(paper="linrec_engine", equation="k_s = Re(C lam^s B) + D delta_s",
                statement="the trained student's impulse response equals the teacher's",
                predicted=kt.ravel(), measured=ks.ravel(), atol=np.sqrt(2 * T * L) + 1e-14,
                why="from the measured final loss: |dk_s|^2 <= 2T L / (T - s) <= 2T L")


@pytest.mark.claim
def test_adam_invariant_to_per_parameter_gradient_scaling_sgd_is_not(claim):
    rng = np.random.default_rng(0)
    p = {"a": rng.normal(size=5), "b": rng.normal(size=(3, 2))}
    scale = {k: np.exp(rng.uniform(-7, 7, size=v.shape)) for k, v in p.items()}  # 1e-3 .. 1e3 per entry
    grads = [{k: rng.normal(size=v.shape) for k, v in p.items()} for _ in range(20)]

    def run(opt, scaled):
        s = opt.init(p)
        ups = []
        for g in grads:
            gg = {k: g[k] * scale[k] for k in g} if scaled else g
            u, s = opt.update(gg, s, p)
            ups.append(np.concatenate([u[k].ravel() for k in sorted(u)]))
        return np.array(ups)

    lr, b1, b2, t = 1e-2, 0.9, 0.999, len(grads)
    adam = optim.adam(lr, b1, b2, eps=0.0)  # eps = 0: the invariance is exact in real arithmetic
    ua, ub = run(adam, False), run(adam, True)
    # Rounding bound (first order in eps).  m_t = b1 m + (1 - b1) g is a signed sum that can
    # cancel, so its rounding error is relative to M_t, the same recursion run on |g|
    # (3 roundings per step, plus 1 for the scaling g * c): |dm_t| <= (3t + 1) eps M_t.
    # v_t is a sum of positive terms: relative error <= (3t + 2) eps, sqrt halves it and adds 1.
    # Bias corrections, the division and the learning rate add 5 more.  Both runs round, so
    # |u_scaled - u| <= 2 [(3t + 1) + (3t + 4)/2 + 5] eps * S_t with S_t = lr M_hat / sqrt(v_hat),
    # for every draw of the gradients (a worst-case bound, independent of the seed).
    m_abs = {k: np.zeros_like(v) for k, v in p.items()}
    v_sq = {k: np.zeros_like(v) for k, v in p.items()}
    scale_ref = []
    for i, g in enumerate(grads, start=1):
        for k in g:
            m_abs[k] = b1 * m_abs[k] + (1 - b1) * np.abs(g[k])
            v_sq[k] = b2 * v_sq[k] + (1 - b2) * g[k] ** 2
        scale_ref.append(np.concatenate([(lr * (m_abs[k] / (1 - b1**i)) / np.sqrt(v_sq[k] / (1 - b2**i))).ravel()
                                         for k in sorted(g)]))
    n_round = 2 * ((3 * t + 1) + (3 * t + 4) / 2 + 5)
    claim.check(paper="kingma2015_adam", equation="Alg. 1: u = -lr m_hat / (sqrt(v_hat) + eps)",
                statement="Adam's updates are unchanged when each gradient coordinate is multiplied by a "
                          "fixed positive constant (eps = 0); difference in units of lr |m|_hat / sqrt(v_hat)",
                predicted=0.0, measured=float(np.max(np.abs(ub - ua) / np.array(scale_ref))),
                atol=n_round * EPS,
                why=f"first-order rounding bound over t = {t} steps, relative to the update computed from |g| "
                    f"(m can cancel): 2[(3t+1) + (3t+4)/2 + 5] = {n_round:.0f} eps; holds for any gradients")
    # negative control: with eps comparable to the smallest gradient scales the invariance breaks,
    # and the same measurement exceeds the tolerance by orders of magnitude
    uc, ud = run(optim.adam(lr, b1, b2, eps=1e-3), False), run(optim.adam(lr, b1, b2, eps=1e-3), True)
    assert np.max(np.abs(ud - uc) / np.array(scale_ref)) > 1e6 * n_round * EPS
    sgd = optim.sgd(1e-2)
    us, ut = run(sgd, False), run(sgd, True)
    c = np.concatenate([scale[k].ravel() for k in sorted(scale)])
    claim.check(paper="kingma2015_adam", equation="SGD: u = -lr g",
                statement="SGD's updates scale with the per-coordinate gradient scale (no invariance)",
                predicted=us * c, measured=ut, rtol=4 * EPS, atol=1e-300,
                why="one product and one scaling: 2 roundings per entry")
    assert np.max(np.abs(ut / us)) > 100  # the SGD updates really changed


@pytest.mark.claim
def test_clipping_bounds_the_update_norm(claim):
    # tanh RNN on Pascanu's adding problem with a learning rate large enough to explode unclipped
    task = tasks.Adding(30)
    lr, tau = 0.5, 1.0
    m = models.ElmanRNN(2, 16, 1, radius=1.8)
    h = train(m, task, optim.chain(optim.clip_by_global_norm(tau), optim.sgd(lr)), steps=200, batch_size=16,
              rng=0, eig_every=0)
    done = h.update_norm[: h.steps_done]
    claim.check_bound(paper="pascanu2013", equation="Alg. 1 (gradient norm clipping)",
                      statement="with global-norm clipping at tau, every SGD update has norm <= lr * tau",
                      bound=lr * tau, measured=done, relation="<=", slack=8 * EPS,
                      why="the rescaled gradient has norm tau up to the rounding of one norm and one product")
    assert h.steps_done == 200 and np.any(h.grad_norm["recurrent"][: h.steps_done] > tau)  # clipping was active
