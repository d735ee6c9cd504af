"""Recurrent models with hand-written exact gradients (no autodiff framework).

Parameters are dicts of float64 arrays (complex parameters as ``*_re``/``*_im`` pairs); every
model has ``init(rng)``, ``forward(params, x, h0=None, return_states=False)``,
``loss_and_grad(params, x, target, mask=None, loss="mse", h0=None)``, ``param_groups`` and
``eigenvalues(params)``; the linear time-invariant ones also ``impulse_response(params, T)`` and
``population_loss_and_grad(params, k_target)`` (see :mod:`linrec.models.base`).

=====================  ===============================================================
model                  recurrence
=====================  ===============================================================
LinearDiagonal         h = lam * h + gamma * B x, y = Re(C h) + D x (real or complex)
LRU                    LinearDiagonal with lam = exp(-e^nu + i e^theta), learned gamma
DiagonalSSM            continuous-time lam_c = f(w) (+ i theta), zero-order hold (StableSSM)
DenseLinear            h = A h + B x, y = C h + D x
BlockDiagonal          A block-diagonal with 2x2 heads
ElmanRNN               h = phi(W h + U x + b), phi in {tanh, relu, sigmoid}
GRU, LSTM              PyTorch conventions
MinGRU, MinLSTM        Feng et al. 2024, parallel (scan) or sequential
SelectiveRNN           h = a(x) * h + b(x), a = sigmoid (positive) or tanh(./2) (signed)
=====================  ===============================================================
"""

from linrec.models.base import LTIModel, Model, ParameterDomainError
from linrec.models.linear import LRU, BlockDiagonal, DenseLinear, DiagonalSSM, LinearDiagonal
from linrec.models.minrnn import MinGRU, MinLSTM
from linrec.models.nonlinear import GRU, LSTM, ElmanRNN
from linrec.models.selective_rnn import SelectiveRNN

__all__ = [
    "Model",
    "LTIModel",
    "ParameterDomainError",
    "LinearDiagonal",
    "LRU",
    "DiagonalSSM",
    "DenseLinear",
    "BlockDiagonal",
    "ElmanRNN",
    "GRU",
    "LSTM",
    "MinGRU",
    "MinLSTM",
    "SelectiveRNN",
]
