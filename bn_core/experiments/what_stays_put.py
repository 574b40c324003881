"""Notebook 02's experiment: the same MLP trained without and with BN (Ioffe & Szegedy's Fig. 1),
and how far the activation's input distribution moves per step.

    compare_bn(lr=0.5)              both networks trained to the end: {"plain": ..., "bn": ...}
    compare_bn_steps(lr=0.5)        the same, both networks stepped in one loop (lockstep): a
                                    generator of {"step", "steps", "plain": state, "bn": state}
                                    (train_steps states), for a panel that draws while it trains
    distribution_change(stats)      per-step move of a layer's per-feature mean and std
    spread_at_init(seed)            each hidden layer's x spread at step 0: the signal collapse
    lr_grid(), snap_lr(lr)          the learning rates notebook 02's lr sliders offer, as cache keys
"""

import numpy as np

from bn_core.data import load_digits_split
from bn_core.experiments.cache import disk_cached
from bn_core.layers import BatchNorm1d
from bn_core.nn import Activation, Linear, mlp
from bn_core.train import (
    LayerStats,
    Params,
    Percentiles,
    Snapshots,
    history,
    lockstep,
    probe_forward,
    train_steps,
)

KEYS = ("plain", "bn")
LR_SLIDER = (-1.3, 0.5, 0.1)  # notebook 02's lr sliders: exponents of 10, from 0.05 to 3.16


def snap_lr(lr):
    """lr rounded to 3 significant digits, as the lr sliders show it: the slider's 10 ** -0.3 is
    0.501 whether the browser or Python computed the power (so a tap finds the warmed run)."""
    return float(f"{lr:.3g}")


def lr_grid(lo=LR_SLIDER[0], hi=LR_SLIDER[1], step=LR_SLIDER[2]):
    """Every value a log slider from 10 ** lo to 10 ** hi in steps of `step` offers (its positions
    are lo + k * step), snapped: the learning rates the warm step trains (tuple, increasing)."""
    count = round((hi - lo) / step) + 1
    return tuple(snap_lr(10 ** (lo + k * step)) for k in range(count))


def compare_bn_steps(lr=0.5, steps=1000, batch_size=60, seed=0, sizes=(64, 100, 100, 100, 10),
                     activation="sigmoid", unit=0, snapshot_every=10, data=None, momentum=0.0,
                     dtype=np.float32):
    """compare_bn() one step at a time. Yields the same dict after step 0 and after every step:
    "step" (steps both networks have done), "steps" (T), "plain" and "bn" (their train_steps
    states: "loss", "test_acc", "record"... filled so far) and "models". Each network has its
    own generators (weights: seed, minibatches: seed + 1), so stepping them in one loop gives
    the numbers of two separate runs. A network that diverges stops; the other goes on.
    """
    data = load_digits_split() if data is None else data
    x_train, y_train, x_test, y_test = data
    data = (x_train.astype(dtype), y_train, x_test.astype(dtype), y_test)  # float32: ~2x faster
    runs, models = {}, {}
    for key, bn in zip(KEYS, (None, "before"), strict=True):
        model = mlp(list(sizes), activation, bn=bn, rng=np.random.default_rng(seed), dtype=dtype)
        act = model.index_of(Activation)  # the last hidden layer's activation
        record = {"pct": Percentiles(act, unit), "next": LayerStats(act)}
        if bn:
            norm = model.index_of(BatchNorm1d)
            record.update(z=LayerStats(norm), params=Params(norm),
                          snap=Snapshots(norm, every=snapshot_every))
        runs[key] = train_steps(model, data, steps, batch_size, lr, np.random.default_rng(seed + 1),
                                momentum=momentum, eval_every=10, record=record)
        models[key] = model
    yield from lockstep(runs, {"step": 0, "steps": steps, "models": models})


@disk_cached  # one training per code version and arguments, shared by every kernel
def compare_bn(lr=0.5, steps=1000, batch_size=60, seed=0, sizes=(64, 100, 100, 100, 10),
               activation="sigmoid", unit=0, snapshot_every=10, data=None, momentum=0.0,
               dtype=np.float32):
    """Ioffe & Szegedy's Fig. 1 experiment: the same MLP without and with BN (before the
    activation), from the same initial weights (seed) and the same minibatches (seed + 1), in
    `dtype` (float32: the curves are those of float64 to the eye, in half the time).

    Returns {"plain": history, "bn": history}. Both record, for the LAST hidden layer:
    "pct" the 15/50/85th percentiles of `unit`'s activation input, "next" the per-feature mean and
    std of the activation input (x without BN, y = gamma * x_hat + beta with BN: Ng's z~; the key
    "next" is historical: the next Linear sees sigmoid(y), not y); the BN run also
    "z" (stats of the raw x entering BN), "params" (gamma, beta: (T + 1, D)) and "snap" (x and y
    on the probe every snapshot_every steps). data defaults to load_digits_split().
    """
    *_, state = compare_bn_steps(lr, steps, batch_size, seed, sizes, activation, unit,
                                 snapshot_every, data, momentum, dtype)
    return histories(state)


def histories(state):
    """compare_bn()'s {"plain": history, "bn": history} from compare_bn_steps()'s last state."""
    return {key: {**history(state[key]), "model": state["models"][key]} for key in KEYS}


def distribution_change(stats):
    """How far a distribution (e.g. the activation's input) moves per step: mean over features of
    |mean_j(t) - mean_j(t - 1)| and of |std_j(t) - std_j(t - 1)|. stats: LayerStats result with
    "mean", "std": (R, D). Returns d_mean, d_std: (R - 1,)."""
    d_mean = np.abs(np.diff(stats["mean"], axis=0)).mean(axis=1)  # (R - 1, D) -> (R - 1,)
    d_std = np.abs(np.diff(stats["std"], axis=0)).mean(axis=1)
    return d_mean, d_std


def moving_average(v, window=20):
    """Mean of v: (R,) over the last `window` entries (fewer at the start): (R,) -> (R,).
    NaN (steps after a divergence) count as 0."""
    c = np.cumsum(np.insert(np.nan_to_num(v, nan=0.0), 0, 0.0))
    k = np.arange(1, len(v) + 1)
    lo = np.maximum(k - window, 0)
    return (c[k] - c[lo]) / (k - lo)


def spread_at_init(seed=0, bn=None, x=None, sizes=(64, 100, 100, 100, 10), activation="sigmoid"):
    """How spread out each hidden layer's x (its Linear's output, entering BN when bn="before") is
    at step 0, before any update: the mean over features of the per-feature std of x over the
    probe x: (P, 64) (default: the first 200 training images). Returns (L,), L hidden layers.
    Without BN each sigmoid (slope <= 1/4) shrinks the spread: the signal collapses with depth."""
    x = load_digits_split()[0][:200] if x is None else x
    model = mlp(list(sizes), activation, bn=bn, rng=np.random.default_rng(seed))
    probe_forward(model, x)
    hidden = [i for i, layer in enumerate(model.layers) if isinstance(layer, Linear)][:-1]
    return np.array([model.inputs[i + 1].std(axis=0).mean() for i in hidden])  # (P, D) -> ()
