"""Claims of papers/answers/residual_rnn.md: why a residual connection across time is not a fix.

Every step of the page's argument, as a prediction checked against an independent measurement:

1. A residual tanh RNN h_t = h_{t-1} + tanh(W h_{t-1} + U x_t) has Jacobians I + D_t W; near the
   fixed point (D_t ~ I) their product behaves like A^n, A = I + W (eigenvalues 1 + mu): it
   explodes whenever some Re-shifted 1 + mu leaves the unit disk, which a random W always does.
2. lambda = 1 (the purely linear residual path) is where the curse-of-memory sensitivity diverges
   (Zucchet & Orvieto 2024); normalization + exp(-exp(omega)) keep it bounded for |lambda| < 1.
3. Diagonal |lambda| < 1 recurrences run as parallel scans that agree with the sequential loop to
   rounding (timings are measured in the figure, not asserted).
4. A unitary A keeps ||A^n x|| = ||x||, but the angle sensitivity still grows like T^3.
"""

import numpy as np
import pytest

from linrec.growth import ginibre, haar_unitary
from linrec.jacobians import jacobian_product
from linrec.memory import exact_sensitivity, sensitivity
from linrec.scan import linear_scan, rounding_bound

PAPER = "answers/residual_rnn"
EPS = np.finfo(float).eps


def _residual_tanh(W, x):
    """Jacobians I + diag(tanh'(z_t)) W and max_i tanh^2(z_t) of h_t = h_{t-1} + tanh(W h_{t-1} + x_t)."""
    N = W.shape[0]
    h = np.zeros(N)
    J, dev = np.empty((len(x), N, N)), np.empty(len(x))
    for t in range(len(x)):
        z = W @ h + x[t]
        th = np.tanh(z)
        J[t] = np.eye(N) + (1.0 - th**2)[:, None] * W
        dev[t] = np.max(th**2)
        h = h + th
    return J, dev


def _ensemble(shift, seed, n_W=8, N=32, T=40, sigma=0.3):
    """Per W: (log ||prod J||_2 - T log rho(I+W), rigorous lower and upper bounds, log rho, log ||prod J||_2)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n_W):
        W = ginibre(N, sigma=sigma, rng=rng) - shift * np.eye(N)
        lam, V = np.linalg.eig(np.eye(N) + W)
        rho, kappa = np.max(np.abs(lam)), np.linalg.cond(V)
        J, dev = _residual_tanh(W, 1e-9 * rng.standard_normal((T, N)))
        M, s = jacobian_product(J)
        d = s + np.log(np.linalg.norm(M, 2)) - T * np.log(rho)
        # ||E_t|| = ||(D_t - I) W|| <= max tanh^2 ||W||; in the eigenbasis of A = I + W:
        # ||P_T - A^T|| <= kappa (prod (rho + kappa ||E_t||) - rho^T) and rho^T <= ||A^T|| <= kappa rho^T
        growth = np.prod(1.0 + kappa * dev * np.linalg.norm(W, 2) / rho)
        # rounding of T products of N x N matrices, relative O(T N eps) times kappa (eigenbasis)
        round_rel = 4 * T * N * EPS * kappa
        lower = np.log(max(1.0 - kappa * (growth - 1.0) - round_rel, 1e-300))
        upper = np.log(kappa) + np.log(growth) + round_rel
        out.append((d, lower, upper, np.log(rho), d + T * np.log(rho)))
    return np.array(out)


@pytest.mark.claim
@pytest.mark.parametrize("name,shift", [("plain W = G", 0.0), ("contractive W = G - 0.4 I", 0.4)])
def test_residual_products_follow_eigenvalues_of_I_plus_W(claim, name, shift):
    res = _ensemble(shift, seed=50 if shift == 0 else 51)
    d, lower, upper = res[:, 0], res[:, 1], res[:, 2]
    why = ("rigorous, per W: rho^T <= ||A^T|| <= cond(V) rho^T, and the D_t != I perturbation "
           "||P_T - A^T|| <= cond(V)(prod(rho + cond(V)||E_t||) - rho^T) with ||E_t|| <= max tanh^2(z_t) ||W||, "
           "plus O(T N eps cond(V)) rounding; checked for every W of an 8-draw ensemble (N = 32, T = 40)")
    claim.check_bound(paper=PAPER, equation="J_t = I + D_t W, A = I + W",
                      statement=f"residual tanh RNN ({name}): log||prod J_t|| - T log rho(I+W) stays below "
                                "log cond(V) + perturbation (worst W of the ensemble)",
                      bound=0.0, measured=float(np.max(d - upper)), relation="<=", why=why)
    claim.check_bound(paper=PAPER, equation="J_t = I + D_t W, A = I + W",
                      statement=f"residual tanh RNN ({name}): log||prod J_t|| - T log rho(I+W) stays above "
                                "the perturbation lower bound (worst W of the ensemble)",
                      bound=0.0, measured=float(np.min(d - lower)), relation=">=", why=why)


@pytest.mark.claim
def test_plain_residual_rnn_explodes(claim):
    res = _ensemble(0.0, seed=52)
    claim.check_bound(paper=PAPER, equation="eigenvalues 1 + mu of I + W",
                      statement="plain residual RNN, W Ginibre (sigma = 0.3, N = 32): rho(I + W) > 1 for every W "
                                "of the ensemble (smallest log rho)",
                      bound=0.0, measured=float(np.min(res[:, 3])), relation=">=",
                      why="circular law: the spectrum of W fills |mu| <= sigma, so max Re mu ~ sigma > 0 and "
                          "|1 + mu| > 1; P(all eigenvalues in Re mu <= 0) is astronomically small for N = 32")
    growth = res[:, 4]
    claim.check_bound(paper=PAPER, equation="||prod J_t|| >= rho^T (1 - perturbation)",
                      statement="plain residual RNN: the measured Jacobian product over T = 40 grows "
                                "(smallest log||prod J_t|| over the ensemble > 0)",
                      bound=0.0, measured=float(np.min(growth)), relation=">=",
                      why="log||P_T|| >= T log rho + lower bound of the previous claim, both positive here")
    control = _ensemble(0.6, seed=55, T=100)
    claim.check_bound(paper=PAPER, equation="eigenvalues 1 + mu of I + W",
                      statement="negative control, W = G - 0.6 I: the product shrinks (largest log||prod J_t|| over "
                                "the ensemble, T = 100, < 0)",
                      bound=0.0, measured=float(np.max(control[:, 4])), relation="<=",
                      why="circular law: 1 + mu fills |z - 0.4| <= 0.3; the rightmost real eigenvalue of a real "
                          "Ginibre matrix overshoots the edge by O(N^-1/2), so rho <~ 0.8 and T log rho <~ -22 "
                          "outweighs log cond(V) <~ 8 (upper bound of claim 1); calibrated: the largest value over "
                          "200 other 8-draw ensembles was -20.7")


@pytest.mark.claim
def test_lambda_one_is_where_the_sensitivity_diverges(claim):
    T = np.array([10, 100, 1000])
    at_one = np.array([exact_sensitivity(int(t), "lam", 1.0) for t in T])
    claim.check(paper=PAPER, equation="Zucchet & Orvieto (2024) Sec. 3 at lam = 1",
                statement="lam = 1 (linear residual path): E[(dh_T/dlam)^2] = sum_{k<T} k^2 = T(T-1)(2T-1)/6, "
                          "unbounded in T",
                predicted=T * (T - 1) * (2 * T - 1) / 6, measured=at_one, rtol=4 * 1000 * EPS,
                why="exact finite sum of T <= 1000 squares in float64: relative rounding O(T eps)")
    gap = 1e-6
    claim.check(paper=PAPER, equation="S(lam) = (1 + lam^2)/(1 - lam^2)^3",
                statement="as lam -> 1 the stationary sensitivity diverges like gap^-3 / 4 (gap^3 S at gap = 1e-6)",
                predicted=0.25, measured=float(gap**3 * sensitivity("lam", gap=gap)), rtol=2 * gap,
                why="gap^3 S = (1 + lam^2)/(1 + lam)^3 = 1/4 (1 - gap/2 + O(gap^2)): relative error <= 2 gap")
    lam, Tl = 0.99, 5000
    claim.check(paper=PAPER, equation="S(lam) = (1 + lam^2)/(1 - lam^2)^3",
                statement="closed form at lam = 0.99 equals the exact finite-T sum (T = 5000)",
                predicted=float(sensitivity("lam", lam)), measured=exact_sensitivity(Tl, "lam", lam), rtol=1e-9,
                why="truncation T^2 lam^(2T) / S ~ 1e-79; rounding of 5000 terms O(T eps) ~ 1e-12")
    g = 1e-3
    om = float(np.log(-np.log1p(-g)))
    claim.check(paper=PAPER, equation="gamma = sqrt(1 - lam^2), lam = exp(-exp(omega))",
                statement="SSM fix: with normalization and the exp(-exp(omega)) map the sensitivity to omega stays "
                          "bounded (-> 1/2) at gap = 1e-3 (exact finite-T sum, T = 60/gap)",
                predicted=0.5, measured=exact_sensitivity(int(60 / g), "omega", omega=om,
                                                           normalization="independent"),
                rtol=2 * g, why="limit 1/2 with relative correction O(gap) (about gap); truncation e^-120")


@pytest.mark.claim
def test_parallel_scans_agree_with_the_loop(claim):
    rng = np.random.default_rng(53)
    T, d = 4096, 16
    a = rng.uniform(0.9, 0.999, size=d)
    b = rng.standard_normal((T, d))
    ref = linear_scan(a, b, method="sequential")
    for m in ("chunked", "tree"):
        dev = np.abs(linear_scan(a, b, method=m) - ref)
        bound = rounding_bound(a, b, method=m) + rounding_bound(a, b, method="sequential")
        claim.check_bound(paper=PAPER, equation="h_t = a h_{t-1} + b_t (diagonal, |a| < 1)",
                          statement=f"the {m} parallel scan equals the sequential loop to rounding (T = 4096, "
                                    "max of |dev| / bound)",
                          bound=1.0, measured=float(np.max(dev / bound)), relation="<=",
                          why="rigorous a-priori rounding bounds of both methods (linrec.scan.rounding_bound)")


@pytest.mark.claim
def test_unitary_keeps_norm_but_not_angle_sensitivity(claim):
    rng = np.random.default_rng(54)
    N, n_max = 16, 500
    worst = 0.0
    tol = 0.0
    for _ in range(8):
        Q = haar_unitary(N, rng=rng)
        defect = np.linalg.norm(Q.conj().T @ Q - np.eye(N), 2)
        v = rng.standard_normal(N) + 1j * rng.standard_normal(N)
        n0 = np.linalg.norm(v)
        for _ in range(n_max):
            v = Q @ v
        worst = max(worst, abs(np.linalg.norm(v) / n0 - 1.0))
        # one complex matvec: |fl(Qv) - Qv| <= sqrt(2) gamma_(N+2) |Q| |v| (Higham, Sec. 3.6), so the
        # relative norm error per product is <= sqrt(2) gamma_(N+2) || |Q| ||_2 (+ the unitarity defect)
        gamma = (N + 2) * EPS / (1 - (N + 2) * EPS)
        per_step = np.sqrt(2) * gamma * np.linalg.norm(np.abs(Q), 2) + defect
        tol = max(tol, np.expm1(n_max * np.log1p(per_step)))
    claim.check_bound(paper=PAPER, equation="||Q^n x|| = ||x|| (Q unitary)",
                      statement="unitary Q (Haar, N = 16, 8 draws): ||Q^500 x|| / ||x|| = 1 to rounding",
                      bound=tol, measured=worst, relation="<=",
                      why="per product relative rounding <= sqrt(2) gamma_(N+2) || |Q| ||_2 plus the unitarity defect "
                          "||Q^H Q - I|| of the computed Q, compounded over n = 500 products (worst of 8 draws)")
    theta, T, n, delta = 0.3, 200, 8000, 1e-6
    x = rng.standard_normal((T, n))

    def h_T(th):
        return linear_scan(np.full(n, np.exp(1j * th)), x.astype(complex), method="sequential")[-1].real

    fd = (h_T(theta + delta) - h_T(theta - delta)) / (2 * delta)
    k = np.arange(T)
    claim.check(paper=PAPER, equation="d Re h_T / d theta = -sum k sin(k theta) x_{T-k}",
                statement="|lam| = 1, theta = 0.3: Monte Carlo E[(d Re h_T/d theta)^2] (finite differences, 8000 "
                          "input draws) equals sum k^2 sin^2(k theta) (T = 200)",
                predicted=float(np.sum(k**2 * np.sin(k * theta) ** 2)), measured=float(np.mean(fd**2)), rtol=0.08,
                why="u = dRe h_T/dtheta is exactly Gaussian, mean of u^2 has relative sd sqrt(2/n) = 0.0158; "
                    "0.08 = 5 sd (P(fail) < 1e-6); finite-difference error O(delta^2 T^3) ~ 1e-5 relative")
    Tb = 1000
    s = exact_sensitivity(Tb, "theta", gap=0.0, theta=theta)
    claim.check(paper=PAPER, equation="sum_{k<T} k^2 sin^2(k theta) ~ T^3 / 6",
                statement="unitary angle sensitivity grows like T^3/6 (T = 1000, theta = 0.3): memory makes it "
                          "diverge although ||A^n x|| is preserved",
                predicted=Tb**3 / 6, measured=s, rtol=3 / (Tb * np.sin(theta)) + 3 / (2 * Tb),
                why="sum k^2/2 = T^3/6 (1 - O(3/(2T))); |sum k^2 cos(2k theta)| <= T^2/|sin theta| by Abel "
                    "summation, relative 3/(T sin theta)")
