"""Jacobians of recurrent cells and their products.

:mod:`linrec.jacobians.cells` gives per-step Jacobians dh_t/dh_{t-1} along a trajectory for
linear/tanh/sigmoid/ReLU RNNs, LSTM, GRU, minGRU, minLSTM and LRU;
:mod:`linrec.jacobians.products` multiplies them (log-norm accumulation), states Pascanu's
bound and computes Lyapunov spectra (Benettin's QR method) with the exact Gaussian law.
"""

from __future__ import annotations

from linrec.jacobians.cells import (
    ACTIVATION_GAIN,
    gru_jacobians,
    gru_trajectory,
    lru_jacobian,
    lstm_jacobians,
    lstm_trajectory,
    mingru_log_jacobians,
    minlstm_log_jacobians,
    rnn_jacobians,
    rnn_trajectory,
)
from linrec.jacobians.products import (
    LyapunovSpectrum,
    gaussian_lyapunov_spectrum,
    gradient_log_norms,
    jacobian_product,
    lyapunov_spectrum,
    pascanu_bound,
)

__all__ = [
    "ACTIVATION_GAIN",
    "rnn_trajectory",
    "rnn_jacobians",
    "lstm_trajectory",
    "lstm_jacobians",
    "gru_trajectory",
    "gru_jacobians",
    "mingru_log_jacobians",
    "minlstm_log_jacobians",
    "lru_jacobian",
    "jacobian_product",
    "gradient_log_norms",
    "pascanu_bound",
    "LyapunovSpectrum",
    "lyapunov_spectrum",
    "gaussian_lyapunov_spectrum",
]
