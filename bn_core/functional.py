"""The math of normalization layers as pure functions: forward -> (out, cache), backward.

Shape letters, used in every docstring of this package:
    N  batch size (number of examples)
    D  number of features of a fully connected layer
    C  number of channels of a convolutional layer; H, W its height and width
    G  number of groups of GroupNorm (C must be a multiple of G)

Batch normalization (Ioffe & Szegedy, 2015), for each feature j over the N examples of a batch:
    mu_j   = (1/N) sum_i x_ij
    var_j  = (1/N) sum_i (x_ij - mu_j)^2          # the BIASED variance (divide by N, not N - 1)
    x_hat  = (x - mu) / sqrt(var + eps)           # eps > 0 goes inside the square root
    out    = gamma * x_hat + beta                 # so out has per-feature mean beta, std ~|gamma|

Layer normalization (Ba et al., 2016) is the same formula with the roles of the axes swapped: each
example is normalized over its own D features, so it needs no batch at all. GroupNorm (Wu & He,
2018) normalizes each example over a group of C/G channels and all H * W positions.

Numerics. The mean is taken of values shifted by one sample of their own feature, and the variance
from centred values (never E[x^2] - E[x]^2): a feature with mean 1e8 and std 1 still normalizes to
std 1, and a constant feature gives x_hat == 0 exactly, so out == beta. Results keep x's dtype.
"""

import numpy as np

from bn_core._checks import check_norm_inputs

# --------------------------------------------------------------------------------------------
# The textbook version: batch norm of an (N, D) batch, every intermediate named.
# --------------------------------------------------------------------------------------------


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    """Batch norm in training mode: normalize each feature with its batch statistics.

    x: (N, D), N >= 2; gamma: (D,); beta: (D,); eps > 0, added to the variance.
    Returns out: (N, D), same dtype as x, and cache: dict of the named intermediates
    x_hat: (N, D); mu, var, std = sqrt(var + eps), inv_std = 1 / std, gamma: (D,); eps.
    """
    x, gamma, beta, eps = check_norm_inputs(x, gamma, beta, eps, 2, "(N, D)")
    n, d = x.shape
    if n < 2:
        raise ValueError(
            f"x: got a batch of N={n} example; batch norm in training mode needs N >= 2, "
            "because the variance of a single value is undefined (use eval mode for one example)"
        )

    # mu = (1/N) sum_i x_i, computed on x shifted by its first row (exact for constant features).
    # Arranged for speed (measured in benchmarks/core_speed.py): sums as BLAS products with a
    # ones vector, one buffer turned in place from x - x[0] into x - mu and then into x_hat.
    ones = np.ones(n, dtype=x.dtype)
    xc = x - x[0]  # (N, D), x shifted by one of its own rows
    shift_mean = (ones @ xc) / n  # (N, D) -> (D,)
    mu = x[0] + shift_mean  # (D,)
    xc -= shift_mean  # xc = x - mu
    var = np.einsum("ij,ij->j", xc, xc) / x.dtype.type(n)  # (1/N) sum_i (x_i - mu)^2, (D,)
    std = np.sqrt(var + eps)  # (D,)
    inv_std = 1 / std  # (D,)
    x_hat = xc  # the same buffer from here on
    x_hat *= inv_std  # x_hat = (x - mu) / sqrt(var + eps), (N, D)
    out = x_hat * gamma  # out = gamma * x_hat + beta, (N, D)
    out += beta
    cache = {"x_hat": x_hat, "mu": mu, "var": var, "std": std, "inv_std": inv_std,
             "gamma": gamma, "eps": eps}
    return out, cache


def batchnorm_backward(dout, cache):
    """Compact closed-form backward of batchnorm_forward.

    dout: (N, D), the upstream gradient dL/dout. Returns dx: (N, D), dgamma: (D,), dbeta: (D,).
    With dx_hat = dout * gamma:
        dx = (1 / sqrt(var + eps)) * (dx_hat - mean_i(dx_hat) - x_hat * mean_i(dx_hat * x_hat))
    which, because sum_i dout = dbeta and sum_i dout * x_hat = dgamma, is
        dx = gamma / sqrt(var + eps) * (dout - dbeta / N - x_hat * dgamma / N)
    """
    x_hat, inv_std, gamma = cache["x_hat"], cache["inv_std"], cache["gamma"]
    dout = _check_dout(dout, x_hat)
    n = x_hat.shape[0]
    dbeta = np.ones(n, dtype=dout.dtype) @ dout  # sum_i dout, (N, D) -> (D,)
    dgamma = np.einsum("ij,ij->j", dout, x_hat)  # sum_i dout * x_hat, (D,)
    # dx = gamma * inv_std * (dout - dbeta / N - x_hat * dgamma / N), built in one buffer
    dx = x_hat * (dgamma / n)  # (N, D)
    dx += dbeta / n
    np.subtract(dout, dx, out=dx)
    dx *= gamma * inv_std
    return dx, dgamma, dbeta


def batchnorm_backward_stepwise(dout, cache):
    """Backward of batchnorm_forward walking the computational graph node by node, in reverse.

    The forward graph, one node per line:
        mu = mean_i(x); xc = x - mu; var = mean_i(xc ** 2); std = sqrt(var + eps);
        inv_std = 1 / std; x_hat = xc * inv_std; out = gamma * x_hat + beta
    dout: (N, D). Returns dx: (N, D), dgamma: (D,), dbeta: (D,). Slower than batchnorm_backward,
    and equal to it up to round-off (the tests check this).
    """
    x_hat, std, inv_std = cache["x_hat"], cache["std"], cache["inv_std"]
    var, gamma, eps = cache["var"], cache["gamma"], cache["eps"]
    dout = _check_dout(dout, x_hat)
    n = x_hat.shape[0]
    xc = x_hat * std  # x - mu, recovered from the cache (N, D)
    # out = gamma * x_hat + beta
    dbeta = dout.sum(axis=0)  # (D,)
    dgamma = (dout * x_hat).sum(axis=0)  # (D,)
    dx_hat = dout * gamma  # (N, D)
    # x_hat = xc * inv_std: xc and inv_std both feed x_hat
    dinv_std = (dx_hat * xc).sum(axis=0)  # (D,)
    dxc = dx_hat * inv_std  # (N, D), first path into xc
    # inv_std = 1 / std
    dstd = -dinv_std / std**2  # (D,)
    # std = sqrt(var + eps)
    dvar = dstd * 0.5 / np.sqrt(var + eps)  # (D,)
    # var = mean_i(sq) with sq = xc ** 2
    dsq = np.ones_like(xc) * dvar / n  # (N, D)
    dxc += 2 * xc * dsq  # second path into xc
    # xc = x - mu: x feeds xc directly, and through mu
    dx = dxc.copy()  # (N, D), first path into x
    dmu = -dxc.sum(axis=0)  # (D,)
    # mu = mean_i(x)
    dx += np.ones_like(xc) * dmu / n  # second path into x
    return dx, dgamma, dbeta


# --------------------------------------------------------------------------------------------
# The same normalization over any set of axes: BatchNorm2d, LayerNorm and GroupNorm use it.
# --------------------------------------------------------------------------------------------


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
    dout = _check_dout(dout, x_hat)
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
    dout = _check_dout(dout, x_hat)
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
    dout = _check_dout(dout, np.empty(shape, dtype=x_hat.dtype))
    x_hat4 = x_hat.reshape(shape)
    dbeta = dout.sum(axis=(0, 2, 3))  # (C,)
    dgamma = (dout * x_hat4).sum(axis=(0, 2, 3))  # (C,)
    dx_hat = (dout * gamma[:, None, None]).reshape(x_hat.shape)  # (N, G, C/G * H * W)
    dx = normalize_backward(dx_hat, x_hat, var, (2,), eps)
    return dx.reshape(shape), dgamma, dbeta


def _check_dout(dout, like):
    """dout must have the forward output's shape; it is cast to the forward's dtype."""
    dout = np.asarray(dout)
    if dout.shape != like.shape:
        raise ValueError(
            f"dout: got shape {dout.shape}; expected the forward output's shape {like.shape}"
        )
    return dout.astype(like.dtype, copy=False)
