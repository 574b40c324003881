"""Recognising a batch-norm backward's mistake by what it does to dx, whatever the style.

On one feature, every backward of this family gives dx = a * A + b * B + c * C with
    A = gamma * inv_std * dout              (the direct path),
    B = -gamma * inv_std * mean_i(dout)     (the path through mu),
    C = -gamma * inv_std * x_hat * mean_i(dout * x_hat)   (the path through var),
and the right one has a = b = c = 1. The coefficients, fitted on features of N >= 5 examples,
name the mistake: b = 0 (mu path missing), c = 0 (var path), a = b = c = 1 / gamma (gamma
forgotten), a coefficient -1 (a flipped sign), N / (N - 1) (N - 1 in place of N), ...
"""

import numpy as np

MIN_N = 5  # a fit of 3 coefficients needs more examples than that


def coefficients(trial):
    """[(a, b, c, gamma_j, std_j, n)] over the features of every case with N >= MIN_N, or None
    when dx is not of that form (or has the wrong shape)."""
    rows = []
    for g, _, case in trial.rows():
        dout, cache = case.args
        n = dout.shape[0]
        if g.values is None or len(g.values) != 3 or g.values[0].shape != dout.shape:
            return None
        if n < MIN_N:
            continue
        x_hat, gamma, inv_std = cache["x_hat"], cache["gamma"], cache["inv_std"]
        for j in range(dout.shape[1]):
            k = gamma[j] * inv_std[j]
            basis = np.column_stack([k * dout[:, j], -k * np.full(n, dout[:, j].mean()),
                                     -k * x_hat[:, j] * (dout[:, j] * x_hat[:, j]).mean()])
            coef, *_ = np.linalg.lstsq(basis, g.values[0][:, j], rcond=None)
            scale = max(np.abs(g.values[0][:, j]).max(), 1e-300)
            if np.abs(basis @ coef - g.values[0][:, j]).max() > 1e-6 * scale:
                return None
            rows.append((*coef, gamma[j], 1 / inv_std[j], n))
    return np.array(rows) if rows else None


def _near(value, target, tol=1e-5):
    return np.all(np.abs(value - target) <= tol * np.maximum(1.0, np.abs(target)))


def classify(trial):
    """The name of dx's mistake (a key of EFFECTS), or None."""
    rows = coefficients(trial)
    if rows is None:
        return None
    a, b, c, gamma, std, n = rows.T
    ones = np.ones_like(a)
    if _near(a, 1) and _near(b, 1) and _near(c, 1):
        return None
    tests = [
        ("no mu", _near(a, 1) and _near(b, 0) and _near(c, 1)),
        ("no var", _near(a, 1) and _near(b, 1) and _near(c, 0)),
        ("constants", _near(a, 1) and _near(b, 0) and _near(c, 0)),
        ("gamma", all(_near(v, 1 / gamma) for v in (a, b, c))),
        ("sign all", all(_near(v, -ones) for v in (a, b, c))),
        ("sign mu", _near(a, 1) and _near(b, -1) and _near(c, 1)),
        ("sign var", _near(a, 1) and _near(b, 1) and _near(c, -1)),
    ]
    for name, hit in tests:
        if hit:
            return name
    ratios = (n / (n - 1), (n - 1) / n)
    if any(_near(v, r) for v in (a, b, c) for r in ratios) and sum(
            _near(v, 1) for v in (a, b, c)) >= 1:
        return "n - 1"
    if _near(a, b) and _near(b, c) and np.all(a > 0):
        power = np.log(a) / np.log(std)
        keep = np.abs(np.log(std)) > 0.3
        if keep.any() and np.ptp(power[keep]) < 1e-3 and abs(power[keep][0]) > 1e-3:
            return "power"
    return None


EFFECTS = {
    "no mu": ("the path through mu is missing", "so dx does not sum to zero over the batch: "
              "shifting a whole feature would wrongly change the loss"),
    "no var": ("the path through var is missing", "so dx keeps a component along x_hat: "
               "stretching a feature would wrongly change the loss"),
    "constants": ("mu and var treated as constants (both paths missing)",
                  "so dx = gamma * dout / std, the gradient of a layer with fixed statistics"),
    "gamma": ("gamma forgotten in dx (dx_hat = dout instead of dout * gamma)",
              "so dx is off by a factor 1 / gamma per feature, sign included where gamma < 0"),
    "sign all": ("a flipped sign: dx points the wrong way",
                 "so every dx comes out negated: gradient descent would climb the loss"),
    "sign mu": ("a flipped sign on the path through mu",
                "so the mean of dout is added back instead of subtracted: dx does not sum to 0"),
    "sign var": ("a flipped sign on the path through var",
                 "so the component along x_hat is doubled instead of removed"),
    "n - 1": ("N - 1 in place of N (a mean or the variance's derivative divided by N - 1)",
              "so one of dx's three terms comes out N / (N - 1) times too large (twice at N = 2)"),
    "power": ("the wrong power of the standard deviation (var + eps raised to the wrong power)",
              "so dx is scaled by a power of std per feature: right only where std is 1"),
}
