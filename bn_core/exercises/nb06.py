"""Notebook 06's prediction: the sign of an off-diagonal entry of BN's Jacobian, for a batch the
learner sees (the outlier panel's, as first shown), with x_hat_i and x_hat_j stated."""

import numpy as np

from bn_core.experiments.coupling import bn_jacobian
from bn_core.ui.predict import Prediction


def jacobian_sign(batch, i=0, j=1, where="the batch of the panel above"):
    """The Prediction for dy_i/dx_j (i != j) of training-mode BN (gamma = 1, beta = 0) of one
    feature, batch: (N,). The prompt gives x_i, x_j and their x_hat (everything needed to reason:
    the pull is -(1 + x_hat_i x_hat_j) / (N sigma_B)); Reveal shows the measured entry."""
    batch = np.asarray(batch, dtype=np.float64)
    if i == j:
        raise ValueError(f"i, j: got {i}, {j}; expected an off-diagonal entry (i != j)")
    jac = bn_jacobian(batch)  # raises on a batch that is not (N,), N >= 2
    n, mu, sigma = len(batch), batch.mean(), np.sqrt(batch.var() + 1e-5)
    x_hat = (batch - mu) / sigma  # (N,)
    entry = float(jac[i, j])
    answer = 2 if abs(entry) < 1e-12 else (0 if entry < 0 else 1)
    text = (f"dy_{i}/dx_{j} = {entry:+.3f} (its own input's pull, dy_{i}/dx_{i}, is "
            f"{float(jac[i, i]):+.3f}; N = {n})")
    choices = (f"y_{i} goes down (dy_{i}/dx_{j} < 0)", f"y_{i} goes up (dy_{i}/dx_{j} > 0)",
               f"y_{i} does not move: it depends on x_{i} only")
    prompt = (f"Training mode, {where} (N = {n}, batch mean {mu:+.2f}, std {sigma:.2f}): "
              f"example {i} has x_{i} = {batch[i]:+.2f}, so x̂_{i} = {x_hat[i]:+.2f}; example "
              f"{j} has x_{j} = {batch[j]:+.2f}, so x̂_{j} = {x_hat[j]:+.2f}. Raise x_{j} a "
              f"little, leaving x_{i} alone. What does example {i}'s output y_{i} = x̂_{i} do?")
    same_side = 1 + x_hat[i] * x_hat[j]
    return Prediction(prompt, choices,
                      explain=f"Raising x_{j} raises the batch mean, which every output "
                              f"subtracts, and moves the std by x̂_{j} / N; here 1 + x̂_{i} x̂_{j} "
                              f"= {same_side:+.2f}. Only when x_{i} and x_{j} sit at opposite "
                              f"extremes (x̂_{i} x̂_{j} < -1) does the widening std win and flip "
                              "the sign.").measured(answer, text)
