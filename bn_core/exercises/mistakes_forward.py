"""The classic mistakes of a batch-norm forward pass, each a real function written as a learner
would write it. x: (N, D), gamma, beta: (D,); each returns out: (N, D)."""

import numpy as np


def wrong_axis(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=1, keepdims=True)  # over the features of each example: layer norm
    var = x.var(axis=1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def cancellation(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=0)
    var = (x**2).mean(axis=0) - mu**2  # E[x^2] - E[x]^2
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def in_place(x, gamma, beta, eps=1e-5):
    x -= x.mean(axis=0)  # changes the caller's x
    x /= np.sqrt((x**2).mean(axis=0) + eps)
    return gamma * x + beta


def mean_axis1_no_keepdims(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=1)  # (N,): lines up with the features, only runs when N == D
    return gamma * (x - mu) / np.sqrt(((x - mu) ** 2).mean(axis=1) + eps) + beta
