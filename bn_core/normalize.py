"""One normalization over any set of axes, and the layers built on it: BatchNorm2d (statistics per
channel over N, H, W), LayerNorm (per example over its features) and GroupNorm (per example over a
group of C/G channels and H, W). Shape letters as in `functional.py`.

    x_hat = (x - mu) / sqrt(var + eps)      mu, var over `axes`, biased variance
    out   = gamma * x_hat + beta            gamma, beta: one value per feature or channel
"""

import numpy as np

from bn_core._checks import check_dout, check_norm_inputs


def normalize(x, axes, eps):
    """x_hat = (x - mu) / sqrt(var + eps), with mu and var taken over `axes` (biased variance).

    x: any shape, float. Returns x_hat (x's shape), mu and var (x's shape with `axes` of length 1).
    """
    x = np.asarray(x)
    eps = x.dtype.type(eps)
    # shift by one element of each group so constant groups give exactly x - mu == 0
    ref = x[tuple(slice(0, 1) if a in axes else slice(None) for a in range(x.ndim))]
    shifted = x - ref
    shift_mean = shifted.mean(axis=axes, keepdims=True)
    mu = ref + shift_mean
    xc = shifted - shift_mean  # x - mu
    var = (xc * xc).mean(axis=axes, keepdims=True)  # biased variance, from centred values
    x_hat = xc / np.sqrt(var + eps)  # x_hat = (x - mu) / sqrt(var + eps)
    return x_hat, mu, var


def normalize_backward(dx_hat, x_hat, var, axes, eps):
    """Gradient of normalize with respect to x, given dL/dx_hat.

    dx = (1 / sqrt(var + eps)) * (dx_hat - mean(dx_hat) - x_hat * mean(dx_hat * x_hat)),
    the means taken over `axes`. Shapes as in normalize.
    """
    inv_std = 1 / np.sqrt(var + x_hat.dtype.type(eps))
    mean_dx_hat = dx_hat.mean(axis=axes, keepdims=True)
    mean_dx_hat_x_hat = (dx_hat * x_hat).mean(axis=axes, keepdims=True)
    return inv_std * (dx_hat - mean_dx_hat - x_hat * mean_dx_hat_x_hat)


def batchnorm2d_forward(x, gamma, beta, eps=1e-5):
    """Spatial batch norm in training mode: per channel over N, H and W.

    x: (N, C, H, W) with N * H * W >= 2; gamma: (C,); beta: (C,). Returns out: (N, C, H, W), cache.
    """
    x, gamma, beta, eps = check_norm_inputs(x, gamma, beta, eps, 4, "(N, C, H, W)")
    n, c, h, w = x.shape
    if n * h * w < 2:
        raise ValueError(
            f"x: got shape {x.shape}, one value per channel; batch norm in training mode needs "
            "N * H * W >= 2 values per channel (use eval mode for one example)"
        )
    x_hat, mu, var = normalize(x, (0, 2, 3), eps)  # mu, var: (1, C, 1, 1)
    out = gamma[:, None, None] * x_hat + beta[:, None, None]
    cache = {"x_hat": x_hat, "mu": mu.reshape(c), "var": var.reshape(c), "gamma": gamma, "eps": eps}
    return out, cache


def batchnorm2d_backward(dout, cache):
    """Backward of batchnorm2d_forward.

    dout: (N, C, H, W). Returns dx: (N, C, H, W), dgamma: (C,), dbeta: (C,).
    """
    x_hat, var, gamma, eps = cache["x_hat"], cache["var"], cache["gamma"], cache["eps"]
    dout = check_dout(dout, x_hat)
    dbeta = dout.sum(axis=(0, 2, 3))  # (N, C, H, W) -> (C,)
    dgamma = (dout * x_hat).sum(axis=(0, 2, 3))  # (C,)
    dx_hat = dout * gamma[:, None, None]
    dx = normalize_backward(dx_hat, x_hat, var[:, None, None], (0, 2, 3), eps)
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, eps=1e-5):
    """Layer norm: each example normalized over its own features; no batch statistics at all.

    x: (N, D), any N >= 1; gamma: (D,); beta: (D,). mu, var: (N, 1), one pair per example.
    Returns out: (N, D), cache.
    """
    x, gamma, beta, eps = check_norm_inputs(x, gamma, beta, eps, 2, "(N, D)")
    x_hat, mu, var = normalize(x, (1,), eps)  # per example: mean over axis 1, (N, D) -> (N, 1)
    out = gamma * x_hat + beta
    cache = {"x_hat": x_hat, "mu": mu, "var": var, "gamma": gamma, "eps": eps}
    return out, cache


def layernorm_backward(dout, cache):
    """Backward of layernorm_forward. dout: (N, D) -> dx: (N, D), dgamma: (D,), dbeta: (D,)."""
    x_hat, var, gamma, eps = cache["x_hat"], cache["var"], cache["gamma"], cache["eps"]
    dout = check_dout(dout, x_hat)
    dbeta = dout.sum(axis=0)  # gamma and beta are still per feature: sum over the batch
    dgamma = (dout * x_hat).sum(axis=0)
    dx = normalize_backward(dout * gamma, x_hat, var, (1,), eps)  # means over features
    return dx, dgamma, dbeta


def groupnorm_forward(x, gamma, beta, num_groups, eps=1e-5):
    """GroupNorm: each example normalized over each group of C/G channels and all H * W positions.

    x: (N, C, H, W); gamma: (C,); beta: (C,); num_groups G divides C. G = 1 is LayerNorm over
    (C, H, W); G = C is InstanceNorm. Returns out: (N, C, H, W), cache.
    """
    x, gamma, beta, eps = check_norm_inputs(x, gamma, beta, eps, 4, "(N, C, H, W)")
    n, c, h, w = x.shape
    if isinstance(num_groups, bool) or not isinstance(num_groups, (int, np.integer)):
        raise ValueError(f"num_groups: got {num_groups!r}; expected a positive integer dividing C")
    if num_groups < 1 or c % num_groups:
        raise ValueError(
            f"num_groups: got {num_groups} for C={c} channels; expected a positive divisor of C"
        )
    xg = x.reshape(n, num_groups, (c // num_groups) * h * w)  # (N, G, C/G * H * W)
    x_hat, mu, var = normalize(xg, (2,), eps)  # mu, var: (N, G, 1)
    out = gamma[:, None, None] * x_hat.reshape(x.shape) + beta[:, None, None]
    cache = {"x_hat": x_hat, "mu": mu, "var": var, "gamma": gamma, "eps": eps, "shape": x.shape}
    return out, cache


def groupnorm_backward(dout, cache):
    """Backward of groupnorm_forward.

    dout: (N, C, H, W). Returns dx: (N, C, H, W), dgamma: (C,), dbeta: (C,).
    """
    x_hat, var, gamma, eps, shape = (cache[k] for k in ("x_hat", "var", "gamma", "eps", "shape"))
    dout = check_dout(dout, np.empty(shape, dtype=x_hat.dtype))
    x_hat4 = x_hat.reshape(shape)
    dbeta = dout.sum(axis=(0, 2, 3))  # (C,)
    dgamma = (dout * x_hat4).sum(axis=(0, 2, 3))  # (C,)
    dx_hat = (dout * gamma[:, None, None]).reshape(x_hat.shape)  # (N, G, C/G * H * W)
    dx = normalize_backward(dx_hat, x_hat, var, (2,), eps)
    return dx.reshape(shape), dgamma, dbeta


