"""The classic mistakes when batch norm's forward is moved to other axes (notebook 07), each a
real function written as a learner would write it. layer norm: x: (N, D), gamma, beta: (D,);
BatchNorm2d: x: (N, C, H, W), gamma, beta: (C,)."""

import numpy as np


def ln_no_keepdims(x, gamma, beta, eps=1e-5):
    mu, var = x.mean(axis=1), x.var(axis=1)  # (N,): broadcasts along the features
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def ln_d_minus_1(x, gamma, beta, eps=1e-5):
    mu, var = x.mean(axis=1, keepdims=True), x.var(axis=1, ddof=1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def ln_eps_outside(x, gamma, beta, eps=1e-5):
    mu, var = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)
    return gamma * (x - mu) / (np.sqrt(var) + eps) + beta


def _norm(x, gamma, beta, axes, eps):
    mu, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
    return gamma.reshape(1, -1, 1, 1) * (x - mu) / np.sqrt(var + eps) + beta.reshape(1, -1, 1, 1)


def bn2d_gamma_not_reshaped(x, gamma, beta, eps=1e-5):
    mu, var = x.mean(axis=(0, 2, 3), keepdims=True), x.var(axis=(0, 2, 3), keepdims=True)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta  # (C,) broadcasts along W
