"""The classic mistakes of a batch-norm forward pass, each a real function written as a learner
would write it. x: (N, D), gamma, beta: (D,); each returns out: (N, D)."""

import numpy as np


def var_n_minus_1(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=0)
    var = x.var(axis=0, ddof=1)  # divides by N - 1
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def eps_outside_sqrt(x, gamma, beta, eps=1e-5):
    mu, var = x.mean(axis=0), x.var(axis=0)
    return gamma * (x - mu) / (np.sqrt(var) + eps) + beta


def eps_forgotten(x, gamma, beta, eps=1e-5):
    mu, var = x.mean(axis=0), x.var(axis=0)
    return gamma * (x - mu) / np.sqrt(var) + beta


def divide_by_var(x, gamma, beta, eps=1e-5):
    mu, var = x.mean(axis=0), x.var(axis=0)
    return gamma * (x - mu) / (var + eps) + beta


def wrong_axis(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=1, keepdims=True)  # over the features of each example: layer norm
    var = x.var(axis=1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def cancellation(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=0)
    var = (x**2).mean(axis=0) - mu**2  # E[x^2] - E[x]^2
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def gamma_beta_wrong_axis(x, gamma, beta, eps=1e-5):
    x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)
    return gamma[:, None] * x_hat + beta[:, None]  # one gamma per example, not per feature


def no_gamma_beta(x, gamma, beta, eps=1e-5):
    return (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)  # returns x_hat


def in_place(x, gamma, beta, eps=1e-5):
    x -= x.mean(axis=0)  # changes the caller's x
    x /= np.sqrt((x**2).mean(axis=0) + eps)
    return gamma * x + beta


def mean_axis1_no_keepdims(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=1)  # (N,): lines up with the features, only runs when N == D
    return gamma * (x - mu) / np.sqrt(((x - mu) ** 2).mean(axis=1) + eps) + beta
