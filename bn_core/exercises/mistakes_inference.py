"""The classic mistakes of running statistics, eval mode and folding, each a real function written
as a learner would write it. x: (N, D); running_mean, running_var, gamma, beta, b: (D,);
W: (D_in, D)."""

import numpy as np


def momentum_swapped(running_mean, running_var, x, momentum):
    n = x.shape[0]
    mu, var = x.mean(axis=0), x.var(axis=0) * n / (n - 1)
    # CS231n's convention with PyTorch's number: momentum weights the OLD value
    return (momentum * running_mean + (1 - momentum) * mu,
            momentum * running_var + (1 - momentum) * var)


def biased_var_stored(running_mean, running_var, x, momentum):
    mu, var = x.mean(axis=0), x.var(axis=0)  # the biased variance, divided by N
    return ((1 - momentum) * running_mean + momentum * mu,
            (1 - momentum) * running_var + momentum * var)


def std_stored(running_mean, running_var, x, momentum):
    mu, std = x.mean(axis=0), x.std(axis=0, ddof=1)  # a standard deviation, not a variance
    return ((1 - momentum) * running_mean + momentum * mu,
            (1 - momentum) * running_var + momentum * std)


def batch_stats_in_eval(x, gamma, beta, running_mean, running_var, eps=1e-5):
    mu, var = x.mean(axis=0), x.var(axis=0)  # the batch's statistics, as in training
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def no_sqrt_in_eval(x, gamma, beta, running_mean, running_var, eps=1e-5):
    return gamma * (x - running_mean) / (running_var + eps) + beta


def eps_forgotten_in_eval(x, gamma, beta, running_mean, running_var, eps=1e-5):
    return gamma * (x - running_mean) / np.sqrt(running_var) + beta


def fold_without_running_mean(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    s = gamma / np.sqrt(running_var + eps)
    return W * s, b * s + beta


def fold_without_beta(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    s = gamma / np.sqrt(running_var + eps)
    return W * s, (b - running_mean) * s


def fold_rows(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    s = gamma / np.sqrt(running_var + eps)
    return W * s[:, None], (b - running_mean) * s + beta  # scales row i, not column j


def fold_bias_unscaled(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    s = gamma / np.sqrt(running_var + eps)
    return W * s, b - running_mean * s + beta  # b not multiplied by s


def batch_mean_in_eval(x, gamma, beta, running_mean, running_var, eps=1e-5):
    return gamma * (x - x.mean(axis=0)) / np.sqrt(running_var + eps) + beta  # the batch's mean


def swapped_in_eval(x, gamma, beta, running_mean, running_var, eps=1e-5):
    return beta * (x - running_mean) / np.sqrt(running_var + eps) + gamma


def no_beta_in_eval(x, gamma, beta, running_mean, running_var, eps=1e-5):
    return gamma * (x - running_mean) / np.sqrt(running_var + eps)


def fold_no_sqrt(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    s = gamma / (running_var + eps)  # the variance, not its square root
    return W * s, (b - running_mean) * s + beta


def fold_no_std(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    return W * gamma, (b - running_mean) * gamma + beta  # scaled by gamma only
