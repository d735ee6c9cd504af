"""Claims on ReLU RNN Jacobian products and identity initialization (IRNN).

Le, Jaitly & Hinton, "A simple way to initialize recurrent networks of rectified linear units"
(arXiv:1504.00941, 2015): ReLU RNN with W initialized to the identity. Our point: on
trajectories where every unit is active the Jacobian product of a ReLU RNN is exactly W^n, so
ReLU does not remove the A^n problem; identity (or orthogonal) W works because ||I^n|| = 1.
"""

import numpy as np
import pytest

from linrec.growth.ensembles import haar_orthogonal, haar_unitary
from linrec.growth.numeric import power_norms
from linrec.jacobians import gradient_log_norms, jacobian_product, rnn_jacobians, rnn_trajectory

PAPER = "le2015_irnn"
EPS = np.finfo(float).eps


def _all_active_relu(W, T, rng):
    N = W.shape[0]
    # positive inputs, positive bias and a positive initial state keep W h + U x + b > 0 when W >= 0
    x = rng.uniform(0.5, 1.0, size=(T, N))
    h, a = rnn_trajectory(W, np.eye(N), x, b=np.full(N, 0.1), h0=rng.uniform(0.1, 1.0, size=N), activation="relu")
    assert np.all(a > 0)
    return rnn_jacobians(W, a, activation="relu")


@pytest.mark.claim
def test_relu_all_active_product_is_W_power(claim):
    rng = np.random.default_rng(20)
    N, T = 20, 50
    W = np.abs(rng.normal(size=(N, N))) / N * 1.2          # nonnegative: keeps every unit active
    J = _all_active_relu(W, T, rng)
    assert np.array_equal(J, np.broadcast_to(W, J.shape))   # each factor is exactly W
    M, s = jacobian_product(J)
    Wn = np.linalg.matrix_power(W, T)
    claim.check(paper=PAPER, equation="Sec. 2 (ReLU RNN), Jacobian diag(1[a_t > 0]) W",
                statement="ReLU RNN, all units active: dh_T/dh_0 = W^T exactly (T = 50), so ReLU keeps the "
                          "A^n growth/decay of the linear recurrence",
                predicted=Wn, measured=np.exp(s) * M, rtol=4 * T * N * EPS,
                why="same T products in a different association/scaling: relative rounding O(T N eps) "
                    "(nonnegative matrices, no cancellation)")
    g = gradient_log_norms(J)
    claim.check(paper=PAPER, equation="Sec. 2",
                statement="gradient norm vs horizon of the all-active ReLU RNN equals ||W^k||_2 "
                          "(rho(W) ~ 1.2: explodes like rho^k)",
                predicted=power_norms(W, T, log=True), measured=g, atol=4 * T * N * EPS,
                why="log of norms with relative rounding O(k N eps), k <= 50")


@pytest.mark.claim
def test_identity_and_orthogonal_init_keep_norm_one(claim):
    rng = np.random.default_rng(21)
    N, T = 32, 200
    J = _all_active_relu(np.eye(N), T, rng)
    g = gradient_log_norms(J)
    claim.check(paper=PAPER, equation="Sec. 3 (identity initialization)",
                statement="IRNN at initialization (W = I), all units active: ||dh_T/dh_(T-k)|| = ||I^k|| = 1 "
                          "for every horizon k <= 200",
                predicted=np.zeros(T + 1), measured=g, atol=EPS,
                why="products of identity matrices are exact; renormalizing by the Frobenius norm sqrt(N) "
                    "(N = 32) rounds, leaving at most a one-ulp error in the log")
    n = np.array([1, 10, 100, 1000, 10000])
    Q = haar_orthogonal(N, rng=rng)
    U = haar_unitary(N, rng=rng)
    for name, M in (("orthogonal", Q), ("unitary", U)):
        # ||Q^n|| of the rounded Q is 1 + O(n N eps): its singular values are 1 + O(N eps)
        sv = np.linalg.svd(M, compute_uv=False)
        per_step = np.max(np.abs(sv - 1)) + 4 * N * EPS
        dev = (power_norms(M, n) - 1.0) / n
        claim.check(paper=PAPER, equation="Sec. 3 (orthogonal/identity initialization)",
                    statement=f"Haar {name} W (N = 32): ||W^n||_2 = 1 for n = 1..10^4 to rounding; shown: "
                              "(||W^n|| - 1)/n",
                    predicted=np.zeros(n.size), measured=dev, atol=per_step,
                    why="per step: distance of the rounded W's singular values from 1 (the exact norm of its "
                        "powers drifts by that) + 4 N eps for the rounding of binary powering")


@pytest.mark.claim
def test_random_gaussian_init_explodes_or_vanishes(claim):
    # Random init W ~ N(0, g^2/N): the all-active ReLU product is W^n, governed by rho(W) ~ g at long
    # horizons; scaled identity makes it exactly c^n. Both routes agree with power_norms.
    rng = np.random.default_rng(22)
    N, T = 16, 40
    for c in (0.95, 1.05):
        J = _all_active_relu(c * np.eye(N), T, rng)
        claim.check(paper=PAPER, equation="Sec. 3",
                    statement=f"scaled identity W = {c} I with ReLU: gradient norm = {c}^k exactly "
                              "(identity init is marginal: any scale != 1 vanishes or explodes)",
                    predicted=np.arange(T + 1) * np.log(c), measured=gradient_log_norms(J), atol=4 * T * EPS,
                    why="products of scaled identities: relative rounding of c^k is O(k eps)")
