"""Input checks shared by the functions and layers: each bad input raises a ValueError that names
the argument, what it got and what was expected."""

import math

import numpy as np


def as_float_array(x, name, ndim, shape_text):
    """x as a float numpy array of rank `ndim` (integers become float64; float dtypes are kept)."""
    x = np.asarray(x)
    if x.ndim != ndim:
        raise ValueError(f"{name}: got shape {x.shape} (rank {x.ndim}); expected {shape_text}")
    if x.dtype.kind != "f":  # float16 ... longdouble (np.issubdtype(x.dtype, np.floating), faster)
        if not (np.issubdtype(x.dtype, np.integer) or x.dtype == bool):
            raise ValueError(f"{name}: got dtype {x.dtype}; expected a float or integer array")
        x = x.astype(np.float64)
    if x.size == 0:
        raise ValueError(f"{name}: got an empty array of shape {x.shape}; expected {shape_text}")
    return x


def check_vector(v, name, length, dtype):
    """v as a (length,) array of `dtype`."""
    v = np.asarray(v)
    if v.shape != (length,):
        raise ValueError(f"{name}: got shape {v.shape}; expected ({length},), one per feature")
    return v.astype(dtype, copy=False)


def check_eps(eps, dtype=np.float64):
    """eps must be a finite number > 0 (it keeps sqrt(var + eps) away from zero)."""
    try:
        value = float(eps)
    except (TypeError, ValueError):
        raise ValueError(f"eps: got {eps!r}; expected a number > 0, such as 1e-5") from None
    if not (value > 0 and math.isfinite(value)):
        raise ValueError(f"eps: got {eps!r}; expected a finite number > 0, such as 1e-5")
    return np.dtype(dtype).type(value)


def check_norm_inputs(x, gamma, beta, eps, ndim, shape_text):
    """The arguments of every normalization function: x of rank `ndim` (float), gamma and beta
    with one entry per feature/channel (axis 1 of x), eps > 0. Returns them converted."""
    x = as_float_array(x, "x", ndim=ndim, shape_text=shape_text)
    gamma = check_vector(gamma, "gamma", x.shape[1], x.dtype)
    beta = check_vector(beta, "beta", x.shape[1], x.dtype)
    return x, gamma, beta, check_eps(eps, x.dtype)


def check_momentum(momentum):
    """momentum in [0, 1]: the weight of the new batch in the running statistics."""
    try:
        value = float(momentum)
    except (TypeError, ValueError):
        raise ValueError(f"momentum: got {momentum!r}; expected a number in [0, 1]") from None
    if not 0 <= value <= 1:
        raise ValueError(
            f"momentum: got {momentum!r}; expected a number in [0, 1] "
            "(PyTorch's convention: the weight of the NEW batch, default 0.1)"
        )
    return value


def check_num_features(num_features, name="num_features"):
    if isinstance(num_features, bool) or not isinstance(num_features, (int, np.integer)):
        raise ValueError(f"{name}: got {num_features!r}; expected an integer >= 1")
    if num_features < 1:
        raise ValueError(f"{name}: got {num_features}; expected an integer >= 1")
    return int(num_features)


def check_dout(dout, like):
    """dout must have the forward output's shape; it is cast to the forward's dtype."""
    dout = np.asarray(dout)
    if dout.shape != like.shape:
        raise ValueError(
            f"dout: got shape {dout.shape}; expected the forward output's shape {like.shape}"
        )
    return dout.astype(like.dtype, copy=False)
