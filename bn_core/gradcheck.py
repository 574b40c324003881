"""Finite-difference gradient checks (CS231n style): compare an analytic backward with
central differences.

    df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2 h)

For an array-valued f with upstream gradient dout, the scalar checked is sum(f(x) * dout).
"""

import numpy as np


def numerical_gradient(f, x, dout, h=1e-5):
    """Central-difference gradient of sum(f(x) * dout) with respect to x.

    f: function of x returning an array shaped like dout; x: any shape, float64, perturbed in
    place and restored; dout: f(x)'s shape. Returns dx: x's shape.
    """
    x = np.asarray(x)
    dout = np.asarray(dout)
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    while not it.finished:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        plus = np.sum(np.asarray(f(x), dtype=np.float64) * dout)
        x[i] = old - h
        minus = np.sum(np.asarray(f(x), dtype=np.float64) * dout)
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
        it.iternext()
    return grad


def rel_error(a, b):
    """max |a - b| / max(|a| + |b|, 1e-8), elementwise: about 1e-7 or less for a correct
    float64 gradient checked with h = 1e-5."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
