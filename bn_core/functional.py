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
2018) normalizes each example over a group of C/G channels and all H * W positions. Those, and
BatchNorm2d, live in `normalize.py` (one function over any axes) and are re-exported here.

Numerics. The mean is taken of values shifted by one sample of their own feature, and the variance
from centred values (never E[x^2] - E[x]^2): a feature with mean 1e8 and std 1 still normalizes to
std 1, and a constant feature gives x_hat == 0 exactly, so out == beta. Results keep x's dtype.
"""

import numpy as np

from bn_core._checks import check_dout, check_norm_inputs

# the same normalization over other axes (BatchNorm2d, LayerNorm, GroupNorm), re-exported here
from bn_core.normalize import (  # noqa: F401
    batchnorm2d_backward,
    batchnorm2d_forward,
    groupnorm_backward,
    groupnorm_forward,
    layernorm_backward,
    layernorm_forward,
    normalize,
    normalize_backward,
)

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
    dout = check_dout(dout, x_hat)
    n = x_hat.shape[0]
    dbeta = np.ones(n, dtype=dout.dtype) @ dout  # sum_i dout, (N, D) -> (D,)
    dgamma = np.einsum("ij,ij->j", dout, x_hat)  # sum_i dout * x_hat, (D,)
    # dx = gamma * inv_std * (dout - dbeta / N - x_hat * dgamma / N), built in one buffer
    dx = x_hat * (dgamma / n)  # (N, D)
    dx += dbeta / n
    np.subtract(dout, dx, out=dx)
    dx *= gamma * inv_std
    return dx, dgamma, dbeta


def meanonly_forward(x, beta):
    """Mean-only batch norm (Salimans & Kingma, 2016): centre each feature, do not scale.

    x: (N, D), N >= 2; beta: (D,). out = x - mu + beta, mu = mean_i(x): (D,), so out has
    per-feature mean beta and keeps x's std. Returns out: (N, D), x's dtype, and cache with mu and
    the biased var: (D,) (for the running statistics; the output does not use var).
    """
    x, _, beta, _ = check_norm_inputs(x, beta, beta, 1.0, 2, "(N, D)")
    if x.shape[0] < 2:
        raise ValueError(f"x: got a batch of N={x.shape[0]} example; centring needs N >= 2 "
                         "(one example minus its own mean is 0: use eval mode for one example)")
    mu = x[0] + (x - x[0]).mean(axis=0)  # (N, D) -> (D,), shifted by one row as above
    xc = x - mu  # (N, D)
    var = (xc * xc).mean(axis=0)  # (D,)
    return xc + beta, {"mu": mu, "var": var, "xc": xc}


def meanonly_backward(dout, cache):
    """Backward of meanonly_forward. dout: (N, D). Returns dx = dout - mean_i(dout): (N, D),
    dgamma = 0: (D,) (there is no scale) and dbeta = sum_i dout: (D,)."""
    dout = check_dout(dout, cache["xc"])
    dbeta = dout.sum(axis=0)  # (N, D) -> (D,)
    return dout - dbeta / len(dout), np.zeros_like(dbeta), dbeta


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
    dout = check_dout(dout, x_hat)
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
