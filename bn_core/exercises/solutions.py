"""Reference solutions of the exercises, written as a learner would write them (readable first;
the fast versions live in bn_core.functional). `exercise.solution()` prints them; the notebooks
never contain them. Shape letters as in bn_core.functional.
"""

import numpy as np


def bn_forward(x, gamma, beta, eps=1e-5):
    """Batch norm in training mode. x: (N, D), gamma: (D,), beta: (D,) -> out: (N, D)."""
    mu = x.mean(axis=0)  # (N, D) -> (D,): one mean per feature, over the batch
    var = ((x - mu) ** 2).mean(axis=0)  # (D,): the biased variance (divide by N)
    x_hat = (x - mu) / np.sqrt(var + eps)  # (N, D): eps inside the square root
    return gamma * x_hat + beta  # (D,) broadcasts over the N rows


def bn_backward(dout, cache):
    """Backward of batch norm. dout: (N, D); cache: the dict of bn_core.batchnorm_forward
    (x_hat, mu, var, std, inv_std, gamma, eps). Returns dx: (N, D), dgamma: (D,), dbeta: (D,)."""
    x_hat, inv_std, gamma = cache["x_hat"], cache["inv_std"], cache["gamma"]
    dbeta = dout.sum(axis=0)  # beta is broadcast over the N rows: its gradient sums them
    dgamma = (dout * x_hat).sum(axis=0)  # (D,)
    dx_hat = dout * gamma  # (N, D)
    # x_hat depends on x directly, through mu and through var: the last two paths subtract
    # the batch mean of dx_hat and its component along x_hat
    dx = inv_std * (dx_hat - dx_hat.mean(axis=0) - x_hat * (dx_hat * x_hat).mean(axis=0))
    return dx, dgamma, dbeta


def update_running(running_mean, running_var, x, momentum):
    """One update of the running statistics, PyTorch's convention: momentum (0.1) weights the
    NEW batch; running_var stores the UNBIASED batch variance. x: (N, D), running_*: (D,).
    Returns the new (running_mean, running_var), leaving the arguments unchanged."""
    n = x.shape[0]
    mu = x.mean(axis=0)  # (D,)
    var_unbiased = ((x - mu) ** 2).sum(axis=0) / (n - 1)  # (D,)
    new_mean = (1 - momentum) * running_mean + momentum * mu
    new_var = (1 - momentum) * running_var + momentum * var_unbiased
    return new_mean, new_var


def bn_eval(x, gamma, beta, running_mean, running_var, eps=1e-5):
    """Batch norm in eval mode: the stored statistics, not the batch's. x: (N, D), N >= 1."""
    x_hat = (x - running_mean) / np.sqrt(running_var + eps)  # (N, D)
    return gamma * x_hat + beta


def fold_linear(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    """Fold an eval-mode BN into the Linear before it: bn_eval(x @ W + b) == x @ W2 + b2.
    W: (D_in, D), b, gamma, beta, running_*: (D,). Returns W2: (D_in, D), b2: (D,)."""
    s = gamma / np.sqrt(running_var + eps)  # (D,): one scale per output column
    W2 = W * s  # scales column j of W by s_j
    b2 = (b - running_mean) * s + beta
    return W2, b2


def layer_norm(x, gamma, beta, eps=1e-5):
    """Layer norm: bn_forward with the statistics taken over each example's features (axis 1)
    instead of over the batch. x: (N, D), gamma, beta: (D,) -> out: (N, D)."""
    mu = x.mean(axis=1, keepdims=True)  # (N, 1): one mean per example
    var = ((x - mu) ** 2).mean(axis=1, keepdims=True)  # (N, 1)
    x_hat = (x - mu) / np.sqrt(var + eps)
    return gamma * x_hat + beta


def bn2d_forward(x, gamma, beta, eps=1e-5):
    """BatchNorm2d: one mean and variance per channel, over the batch and all positions.
    x: (N, C, H, W), gamma, beta: (C,) -> out: (N, C, H, W)."""
    mu = x.mean(axis=(0, 2, 3), keepdims=True)  # (1, C, 1, 1)
    var = ((x - mu) ** 2).mean(axis=(0, 2, 3), keepdims=True)  # (1, C, 1, 1)
    x_hat = (x - mu) / np.sqrt(var + eps)
    return gamma.reshape(1, -1, 1, 1) * x_hat + beta.reshape(1, -1, 1, 1)
