"""The numbers of notebook 04 (the backward pass): bn_core's gradients against central differences
on an off-centre problem, the speed of the two backward passes, the projection BN's gradient makes,
and scale invariance.

Shapes: x, dout: (N, D); gamma, beta: (D,).
"""

import timeit

import numpy as np

from bn_core import functional as F
from bn_core.experiments.cache import disk_cached
from bn_core.gradcheck import numerical_gradient, rel_error


def offcentre_problem(rng, n=6, d=4):
    """A small float64 problem where bugs show: x off-centre and spread, gamma != 1, beta != 0.

    Returns x: (N, D), gamma: (D,), beta: (D,), dout: (N, D).
    """
    x = 3.0 + 2.5 * rng.standard_normal((n, d))
    gamma = rng.uniform(0.5, 2.0, d) * rng.choice([-1.0, 1.0], d)
    beta = rng.uniform(-1.0, 1.0, d)
    dout = rng.standard_normal((n, d))
    return x, gamma, beta, dout


def gradient_check(rng, n=6, d=4, h=1e-5):
    """Relative errors of bn_core's analytic gradients against central differences.

    Returns {"dx": .., "dgamma": .., "dbeta": .., "stepwise vs compact": ..} (floats).
    """
    x, gamma, beta, dout = offcentre_problem(rng, n, d)
    _, cache = F.batchnorm_forward(x, gamma, beta)
    dx, dgamma, dbeta = F.batchnorm_backward(dout, cache)
    num_dx = numerical_gradient(lambda v: F.batchnorm_forward(v, gamma, beta)[0], x, dout, h)
    num_dgamma = numerical_gradient(lambda g: F.batchnorm_forward(x, g, beta)[0], gamma, dout, h)
    num_dbeta = numerical_gradient(lambda b: F.batchnorm_forward(x, gamma, b)[0], beta, dout, h)
    steps = F.batchnorm_backward_stepwise(dout, cache)
    return {"dx": rel_error(dx, num_dx), "dgamma": rel_error(dgamma, num_dgamma),
            "dbeta": rel_error(dbeta, num_dbeta),
            "stepwise vs compact": max(rel_error(a, b)
                                       for a, b in zip(steps, (dx, dgamma, dbeta), strict=True))}


def time_backward(n=256, d=512, repeat=7, number=20, rng=None):
    """Median seconds per call of the stepwise and the compact backward on an (N, D) batch.

    Returns (stepwise_seconds, compact_seconds).
    """
    rng = np.random.default_rng(0) if rng is None else rng
    x, gamma, beta, _ = offcentre_problem(rng, n, d)
    dout = rng.standard_normal((n, d))
    _, cache = F.batchnorm_forward(x, gamma, beta)
    result = []
    for fn in (F.batchnorm_backward_stepwise, F.batchnorm_backward):
        times = timeit.repeat(lambda fn=fn: fn(dout, cache), repeat=repeat, number=number)
        result.append(float(np.median(times)) / number)
    return tuple(result)


@disk_cached
def backward_timing(n=256, d=512):
    """time_backward(n, d), measured by the first kernel of this machine and code version and then
    read from the disk cache: a class opening notebook 04 times it once, not once per learner
    (a measurement, not a pure function: time_backward measures afresh)."""
    return time_backward(n, d)


def projection_check(x, gamma, beta, dout, eps=1e-5):
    """How far dx is from the two directions BN removes, per feature.

    x, dout: (N, D). Returns a dict of (D,) arrays: "sum dx" = sum_i dx_i (zero: a shift of a
    whole feature changes nothing), "dx . x_hat" = sum_i dx_i x_hat_i, and "predicted" =
    gamma * inv_std * dgamma * eps / (var + eps), its exact value (zero only when eps = 0).
    """
    _, cache = F.batchnorm_forward(x, gamma, beta, eps)
    dx, dgamma, _ = F.batchnorm_backward(dout, cache)
    x_hat, var = cache["x_hat"], cache["var"]
    return {"sum dx": dx.sum(axis=0), "dx . x_hat": np.einsum("ij,ij->j", dx, x_hat),
            "predicted": gamma * cache["inv_std"] * dgamma * cache["eps"] / (var + cache["eps"]),
            "dx": dx}


def scale_data(a, x, gamma, beta, dout, eps=1e-5):
    """BN and its gradient at a * x and at x. x, dout: (N, D); a > 0.

    Returns out_a, out_1 (N, D) and dx_a, dx_1 (N, D); BN(a x) = BN(x) and dx_a = dx_1 / a hold
    while a**2 * var >> eps.
    """
    out_a, cache_a = F.batchnorm_forward(a * x, gamma, beta, eps)
    out_1, cache_1 = F.batchnorm_forward(x, gamma, beta, eps)
    return (out_a, out_1, F.batchnorm_backward(dout, cache_a)[0],
            F.batchnorm_backward(dout, cache_1)[0])
