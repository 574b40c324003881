"""Wrong versions of a normalization, generated from what they change in the math (not written
in one style): which elements share a mean and variance, how the variance is divided, where eps
goes, how gamma and beta are applied. A learner's function in any style that does the same math
gives the same numbers, so it is named the same. Rules here recognise mistakes by their effect.

    stats labels: an int array of x's shape, equal where elements share their statistics
    over(axes)     labels of statistics over those axes (keepdims)
    variant(stats, params, ...)   a function f(x, gamma, beta, eps) doing the changed math
"""

import numpy as np


def over(*axes):
    """labels(shape): elements share statistics when they differ only along `axes`."""
    def labels(shape):
        keep = [a for a in range(len(shape)) if a not in axes]
        if not keep:
            return np.zeros(shape, dtype=int)
        idx = np.indices(shape)
        return np.ravel_multi_index([idx[a] for a in keep], [shape[a] for a in keep])
    return labels


def along(axis):
    """labels(shape): the index along `axis` (which entry of gamma and beta an element uses)."""
    return lambda shape: np.indices(shape)[axis]


def flat_columns(shape):
    """x.reshape(-1, C) without moving C last: element k of the flat array is 'column' k % C."""
    return np.arange(int(np.prod(shape))).reshape(shape) % shape[1]


def channel_groups(g):
    """Group norm's sets, as x.reshape(N, g, -1) makes them: each example's numbers (channel
    after channel) cut into g equal runs (a run may split a channel when g does not divide C)."""
    def labels(shape):
        per = int(np.prod(shape[1:]))
        if per % g:
            raise ValueError(f"cannot reshape an example of {per} numbers into {g} groups")
        within = np.arange(per).reshape(shape[1:]) // (per // g)
        return np.indices(shape)[0] * g + within[None]
    return labels


def group_stats(x, labels, ddof=0):
    """mu and var (each of x's shape) over the sets of equal labels."""
    flat = labels.ravel()
    counts = np.bincount(flat)
    mu = (np.bincount(flat, x.ravel()) / np.maximum(counts, 1))[labels]
    sq = np.bincount(flat, ((x - mu) ** 2).ravel()) / np.maximum(counts - ddof, 1)
    return mu, sq[labels]


DENOMINATORS = {
    "inside": lambda var, eps: np.sqrt(var + eps),
    "outside": lambda var, eps: np.sqrt(var) + eps,
    "none": lambda var, eps: np.sqrt(var),
    "variance": lambda var, eps: var + eps,
}
AFFINE = {
    "right": lambda xh, g, b: g * xh + b, "swapped": lambda xh, g, b: b * xh + g,
    "no beta": lambda xh, g, b: g * xh, "no gamma": lambda xh, g, b: xh + b,
    "none": lambda xh, g, b: xh, "sign": lambda xh, g, b: -g * xh + b,
}


def variant(stats, params, ddof=0, denom="inside", affine="right", runs_if=None):
    """f(x, gamma, beta, eps=1e-5): the normalization with the given change. stats, params:
    labels functions; runs_if(shape): False where numpy would refuse to broadcast."""
    def fn(x, gamma, beta, eps=1e-5):
        if runs_if is not None and not runs_if(x.shape):
            raise ValueError("operands could not be broadcast together")
        mu, var = group_stats(x, stats(x.shape), ddof)
        x_hat = (x - mu) / DENOMINATORS[denom](var, eps)
        p = params(x.shape)
        return AFFINE[affine](x_hat, gamma[p], beta[p])
    return fn


def errors_only_when(test):
    """rule(trial): the function raises on every case where test(case) is true and runs on the
    others (at least one of each): numpy refusing a broadcast that only fits some shapes."""
    def rule(trial):
        flags = [bool(test(c)) for c in trial.cases]
        return (any(flags) and not all(flags)
                and all(bool(g.error) == f for g, f in zip(trial.got, flags)))
    return rule


def power_of(trial, stats, params):
    """p if the learner's outputs are gamma * (x - mu) / (var + eps) ** p + beta with one p (not
    1/2) on every case, over the right sets: the wrong power on the variance; else None."""
    found = []
    for g, _, case in trial.rows():
        x, gamma, beta, eps = case.args[:4]
        if g.values is None or g.values[0].shape != x.shape:
            return None
        p = params(x.shape)
        mu, var = group_stats(x, stats(x.shape))
        z, xc = ((g.values[0] - beta[p]) / gamma[p]).ravel(), (x - mu).ravel()
        keep = (np.abs(np.log(var + eps)).ravel() > 0.5) & (np.abs(xc) > 1e-6 * np.abs(xc).max())
        if np.any(z[keep] * xc[keep] <= 0):
            return None
        found.append(np.log(xc[keep] / z[keep]) / np.log((var + eps).ravel()[keep]))
    ps = np.concatenate(found) if found else np.array([])
    if not ps.size or not np.all(np.isfinite(ps)):
        return None
    power = float(np.median(ps))
    if np.abs(ps - power).max() > 1e-3 or abs(power - 0.5) < 1e-3:
        return None
    return power
