"""Notebook 02's experiment: the same MLP trained without and with BN (Ioffe & Szegedy's Fig. 1),
and how far a layer's input distribution moves per step.
"""

import numpy as np

from bn_core.data import load_digits_split
from bn_core.experiments.cache import disk_cached
from bn_core.layers import BatchNorm1d
from bn_core.nn import Activation, mlp
from bn_core.train import LayerStats, Params, Percentiles, Snapshots, train


@disk_cached  # one training per code version and arguments, shared by every kernel
def compare_bn(lr=0.5, steps=1000, batch_size=60, seed=0, sizes=(64, 100, 100, 100, 10),
               activation="sigmoid", unit=0, snapshot_every=10, data=None, momentum=0.0):
    """Ioffe & Szegedy's Fig. 1 experiment: the same MLP without and with BN (before the
    activation), from the same initial weights (seed) and the same minibatches (seed + 1).

    Returns {"plain": history, "bn": history}. Both record, for the LAST hidden layer:
    "pct" the 15/50/85th percentiles of `unit`'s activation input, "next" the per-feature mean and
    std of the activation input (Z without BN, Y = gamma * Z_hat + beta with BN); the BN run also
    "z" (stats of the raw Z entering BN), "params" (gamma, beta: (T + 1, D)) and "snap" (Z and Y
    on the probe every snapshot_every steps). data defaults to load_digits_split().
    Served from the on-disk cache (bn_core.experiments.cache); compare_bn.uncached trains.
    """
    data = load_digits_split() if data is None else data
    runs = {}
    for key, bn in (("plain", None), ("bn", "before")):
        model = mlp(list(sizes), activation, bn=bn, rng=np.random.default_rng(seed))
        act = model.index_of(Activation)  # the last hidden layer's activation
        record = {"pct": Percentiles(act, unit), "next": LayerStats(act)}
        if bn:
            norm = model.index_of(BatchNorm1d)
            record.update(z=LayerStats(norm), params=Params(norm),
                          snap=Snapshots(norm, every=snapshot_every))
        runs[key] = train(model, data, steps, batch_size, lr, np.random.default_rng(seed + 1),
                          momentum=momentum, eval_every=10, record=record)
        runs[key]["model"] = model
    return runs


def distribution_change(stats):
    """How far a layer's input distribution moves per step: mean over features of
    |mean_j(t) - mean_j(t - 1)| and of |std_j(t) - std_j(t - 1)|. stats: LayerStats result with
    "mean", "std": (R, D). Returns d_mean, d_std: (R - 1,)."""
    d_mean = np.abs(np.diff(stats["mean"], axis=0)).mean(axis=1)  # (R - 1, D) -> (R - 1,)
    d_std = np.abs(np.diff(stats["std"], axis=0)).mean(axis=1)
    return d_mean, d_std
