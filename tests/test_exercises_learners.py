"""A regression suite of wrong solutions, written out as learners write them (not the catalogue's
code): each must get the diagnosis of its mistake by name, not just "incorrect". In the style of
learntools' testing notebooks, one function per mistake."""

import numpy as np
import pytest

from bn_core.exercises import nb01, nb04, nb05, nb07

# ---- notebook 01: bn_forward(x, gamma, beta, eps) --------------------------------------------


def f_var_n_minus_1(x, gamma, beta, eps=1e-5):
    n = x.shape[0]
    mu = np.sum(x, axis=0) / n
    var = np.sum((x - mu) ** 2, axis=0) / (n - 1)
    return gamma * ((x - mu) / np.sqrt(var + eps)) + beta


def f_eps_outside(x, gamma, beta, eps=1e-5):
    mu = np.mean(x, axis=0)
    std = np.sqrt(np.mean((x - mu) ** 2, axis=0))
    return gamma * (x - mu) / (std + eps) + beta


def f_no_eps(x, gamma, beta, eps=1e-5):
    return gamma * (x - x.mean(0)) / x.std(0) + beta


def f_divide_by_var(x, gamma, beta, eps=1e-5):
    xc = x - x.mean(axis=0)
    return gamma * xc / (np.mean(xc**2, axis=0) + eps) + beta


def f_wrong_axis(x, gamma, beta, eps=1e-5):
    mu = np.mean(x, axis=1)[:, None]
    var = np.mean((x - mu) ** 2, axis=1)[:, None]
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def f_cancellation(x, gamma, beta, eps=1e-5):
    mean = np.mean(x, axis=0)
    var = np.mean(x * x, axis=0) - mean * mean
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


def f_gamma_rows(x, gamma, beta, eps=1e-5):
    x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)
    return gamma.reshape(-1, 1) * x_hat + beta.reshape(-1, 1)


def f_in_place(x, gamma, beta, eps=1e-5):
    mu, var = x.mean(axis=0), x.var(axis=0)
    x -= mu
    x /= np.sqrt(var + eps)
    return x * gamma + beta


def f_no_affine(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=0)
    return (x - mu) / np.sqrt(((x - mu) ** 2).mean(axis=0) + eps)


# ---- notebook 04: bn_backward(dout, cache) ---------------------------------------------------


def b_no_mu(dout, cache):
    x_hat, std, gamma = cache["x_hat"], cache["std"], cache["gamma"]
    n = dout.shape[0]
    dxhat = dout * gamma
    xc = x_hat * std
    dvar = np.sum(dxhat * xc, axis=0) * -0.5 * std**-3
    dx = dxhat / std + dvar * 2 * xc / n  # forgot: + dmu / n
    return dx, np.sum(dout * x_hat, axis=0), np.sum(dout, axis=0)


def b_no_var(dout, cache):
    x_hat, std, gamma = cache["x_hat"], cache["std"], cache["gamma"]
    dxhat = dout * gamma
    dx = dxhat / std - np.mean(dxhat / std, axis=0)  # forgot the path through var
    return dx, np.sum(dout * x_hat, axis=0), np.sum(dout, axis=0)


def b_constant(dout, cache):
    return (dout * cache["gamma"] / cache["std"], (dout * cache["x_hat"]).sum(0), dout.sum(0))


def b_no_gamma(dout, cache):
    x_hat, inv_std = cache["x_hat"], cache["inv_std"]
    n = dout.shape[0]
    dbeta, dgamma = dout.sum(axis=0), (dout * x_hat).sum(axis=0)
    dx = inv_std / n * (n * dout - dbeta - x_hat * dgamma)  # gamma missing in front
    return dx, dgamma, dbeta


def b_sums_axis1(dout, cache):
    x_hat, inv_std, gamma = cache["x_hat"], cache["inv_std"], cache["gamma"]
    n = dout.shape[0]
    dx = gamma * inv_std / n * (n * dout - dout.sum(0) - x_hat * (dout * x_hat).sum(0))
    return dx, np.sum(dout * x_hat, axis=1), np.sum(dout, axis=1)


# ---- notebook 05 -----------------------------------------------------------------------------


def r_swapped(running_mean, running_var, x, momentum):
    return (momentum * running_mean + (1 - momentum) * np.mean(x, axis=0),
            momentum * running_var + (1 - momentum) * np.var(x, axis=0, ddof=1))


def r_biased(running_mean, running_var, x, momentum):
    return (running_mean + momentum * (x.mean(0) - running_mean),
            running_var + momentum * (np.var(x, axis=0) - running_var))


def r_std(running_mean, running_var, x, momentum):
    return ((1 - momentum) * running_mean + momentum * x.mean(0),
            (1 - momentum) * running_var + momentum * np.std(x, axis=0, ddof=1))


def e_batch(x, gamma, beta, running_mean, running_var, eps=1e-5):
    return gamma * (x - np.mean(x, 0)) / np.sqrt(np.var(x, 0) + eps) + beta


def e_no_sqrt(x, gamma, beta, running_mean, running_var, eps=1e-5):
    return (x - running_mean) / (running_var + eps) * gamma + beta


def e_no_eps(x, gamma, beta, running_mean, running_var, eps=1e-5):
    return (x - running_mean) / running_var**0.5 * gamma + beta


def fold_no_mean(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    scale = gamma / np.sqrt(running_var + eps)
    return W * scale[None, :], scale * b + beta


def fold_no_beta(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    scale = gamma / np.sqrt(running_var + eps)
    return W * scale, scale * (b - running_mean)


def fold_rows(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    scale = gamma / np.sqrt(running_var + eps)
    return scale.reshape(-1, 1) * W, scale * (b - running_mean) + beta


def fold_b_unscaled(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    scale = gamma / np.sqrt(running_var + eps)
    return W * scale, b + beta - scale * running_mean


# ---- notebook 07 -----------------------------------------------------------------------------


def ln_axis0(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=0, keepdims=True)
    return gamma * (x - mu) / np.sqrt(((x - mu) ** 2).mean(axis=0, keepdims=True) + eps) + beta


def ln_no_keepdims(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=1)
    var = ((x.T - mu) ** 2).T.mean(axis=1)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def ln_d_minus_1(x, gamma, beta, eps=1e-5):
    d = x.shape[1]
    mu = x.sum(axis=1, keepdims=True) / d
    var = ((x - mu) ** 2).sum(axis=1, keepdims=True) / (d - 1)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def ln_eps_outside(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=-1, keepdims=True)
    return gamma * (x - mu) / (x.std(axis=-1, keepdims=True) + eps) + beta


def _bn2d(x, gamma, beta, eps, axes):
    mu = np.mean(x, axis=axes, keepdims=True)
    var = np.mean((x - mu) ** 2, axis=axes, keepdims=True)
    return gamma[None, :, None, None] * (x - mu) / np.sqrt(var + eps) + beta[None, :, None, None]


def c_axis0(x, gamma, beta, eps=1e-5):
    return _bn2d(x, gamma, beta, eps, (0,))


def c_instance(x, gamma, beta, eps=1e-5):
    return _bn2d(x, gamma, beta, eps, (-2, -1))


def c_layer(x, gamma, beta, eps=1e-5):
    return _bn2d(x, gamma, beta, eps, (1, 2, 3))


def c_gamma_flat(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=(0, 2, 3))[None, :, None, None]
    var = x.var(axis=(0, 2, 3))[None, :, None, None]
    return (x - mu) / np.sqrt(var + eps) * gamma + beta


WRONG = [  # (exercise, learner's function, the start of the expected diagnosis)
    (nb01.forward, f_var_n_minus_1, "the variance divided by N - 1"),
    (nb01.forward, f_eps_outside, "eps added outside the square root"),
    (nb01.forward, f_no_eps, "eps left out"),
    (nb01.forward, f_divide_by_var, "divided by the variance instead of the standard deviation"),
    (nb01.forward, f_wrong_axis, "the statistics taken over the wrong axis"),
    (nb01.forward, f_cancellation, "the variance computed as E[x^2] - E[x]^2"),
    (nb01.forward, f_gamma_rows, "gamma and beta broadcast on the wrong axis"),
    (nb01.forward, f_in_place, "the input x changed in place"),
    (nb01.forward, f_no_affine, "gamma and beta not applied"),
    (nb04.backward, b_no_mu, "the path through mu is missing, so dx does not sum to zero"),
    (nb04.backward, b_no_var, "the path through var is missing"),
    (nb04.backward, b_constant, "mu and var treated as constants"),
    (nb04.backward, b_no_gamma, "gamma forgotten in dx"),
    (nb04.backward, b_sums_axis1, "dgamma or dbeta summed over the wrong axis"),
    (nb05.running, r_swapped, "the momentum convention swapped"),
    (nb05.running, r_biased, "the biased variance stored"),
    (nb05.running, r_std, "a standard deviation stored in running_var"),
    (nb05.eval_mode, e_batch, "the batch's statistics used in eval mode"),
    (nb05.eval_mode, e_no_sqrt, "divided by running_var instead of its square root"),
    (nb05.eval_mode, e_no_eps, "eps left out"),
    (nb05.folding, fold_no_mean, "running_mean left out of the bias"),
    (nb05.folding, fold_no_beta, "beta left out of the bias"),
    (nb05.folding, fold_rows, "the rows of W scaled instead of its columns"),
    (nb05.folding, fold_b_unscaled, "b not multiplied by s"),
    (nb07.layer_norm, ln_axis0, "the statistics still over the batch (axis 0)"),
    (nb07.layer_norm, ln_no_keepdims, "keepdims forgotten"),
    (nb07.layer_norm, ln_d_minus_1, "the variance divided by D - 1"),
    (nb07.layer_norm, ln_eps_outside, "eps added outside the square root"),
    (nb07.batchnorm2d, c_axis0, "the statistics over the batch axis only"),
    (nb07.batchnorm2d, c_instance, "the statistics over the positions only"),
    (nb07.batchnorm2d, c_layer, "the statistics over axes (1, 2, 3)"),
    (nb07.batchnorm2d, c_gamma_flat, "gamma and beta not reshaped"),
]


@pytest.mark.parametrize(("ex", "fn", "diagnosis"), WRONG,
                         ids=[f"{ex.key}: {fn.__name__}" for ex, fn, _ in WRONG])
def test_a_learners_mistake_is_named(ex, fn, diagnosis):
    verdict = ex.verdict(fn)
    assert verdict.startswith(f"incorrect: {diagnosis}"), verdict
    assert "\n" not in verdict
