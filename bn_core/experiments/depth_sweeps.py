"""Notebook 08's two CS231n experiments on the deep MLP, as generators that yield as results arrive.

- weight_scale_sweep: every weight matrix drawn with std `scale` (CS231n's weight_scale, not a
  gain: std = gain / sqrt(fan_in)), trained with and without BN for each scale on a log grid;
  best test accuracy and final training loss per scale. S scales: arrays (S,) per network.
- batch_size_run: the same deep net with BN trained for the same number of epochs at batch sizes
  4, 16, 64; training and test accuracy (eval mode) after every epoch: arrays (B, E).
"""

import numpy as np

from bn_core.experiments.depth import deep_mlp, digits
from bn_core.nn import Linear
from bn_core.train import accuracy, one_blas_thread, train_steps

NETS = ("plain", "bn")  # without BN, with BN before each activation (the palette's keys)
SCALES = tuple(np.logspace(-4, 0, 12))  # CS231n's weight scales (it used 20 points)


def scaled_mlp(scale, bn, depth=8, width=100, activation="relu", seed=0):
    """deep_mlp with every W (the last included) ~ N(0, scale^2), the same draws for any bn."""
    model = deep_mlp(depth, 1.0, activation, "before" if bn else "off", width,
                     rng=np.random.default_rng(seed))
    for layer in model.layers:
        if isinstance(layer, Linear):  # drawn with std 1 / sqrt(fan_in): rescale to std `scale`
            layer.W *= scale * np.sqrt(layer.in_features)
    return model


def weight_scale_sweep(scales=SCALES, steps=120, batch_size=50, lr=0.1,
                       momentum=0.9, depth=8, activation="relu", seed=0, data=None):
    """Yield the sweep's state after every training step (so a newer run can supersede it at once).

    state: "scales": (S,), for each net in NETS "best_acc"[net]: (S,) best test accuracy (checked
    every 25 steps), "final_loss"[net]: (S,) mean loss of the last 10 steps (inf if it diverged),
    "diverged"[net]: (S,) bool; NaN where not run yet; "done": points finished, "total": 2 S.
    """
    data = digits() if data is None else data
    scales = np.asarray(scales, dtype=np.float64)
    nan = np.full(len(scales), np.nan)
    state = {"scales": scales, "best_acc": {n: nan.copy() for n in NETS},
             "final_loss": {n: nan.copy() for n in NETS},
             "diverged": {n: np.zeros(len(scales), bool) for n in NETS},
             "done": 0, "total": 2 * len(scales), "point": None}
    yield state
    for i, scale in enumerate(scales):
        for net in NETS:
            model = scaled_mlp(scale, net == "bn", depth, activation=activation, seed=seed)
            run = None
            for run in train_steps(model, data, steps, batch_size, lr,  # noqa: B007 (run: last)
                                   np.random.default_rng(seed + 1), momentum, eval_every=25):
                yield state
            loss = run["loss"][~np.isnan(run["loss"])][-10:]
            state["diverged"][net][i] = run["diverged"]
            state["final_loss"][net][i] = np.inf if run["diverged"] else loss.mean()
            state["best_acc"][net][i] = max(run["test_acc"])
            state["done"] += 1
            state["point"] = (net, i)
            yield state


def sweep_progress(state):
    """(points done, points in all): LiveRun's readout for the sweep."""
    return state["done"], state["total"]


def band(state, net, lo, hi):
    """(min, max) of `net`'s best accuracy over the scales in [lo, hi]."""
    x = state["scales"]
    acc = state["best_acc"][net][(x >= lo) & (x <= hi)]
    return float(acc.min()), float(acc.max())

BATCH_SIZES, EPOCHS = (4, 16, 64), 3


def batch_size_run(batch_sizes=BATCH_SIZES, epochs=EPOCHS, lr=0.05, depth=8, activation="tanh",
                   seed=0, data=None):
    """The deep net with BN (Kaiming gain) trained for `epochs` epochs at each batch size, the
    networks taking turns epoch by epoch; yields after every step.

    state: "batch_sizes": (B,), "train_acc", "test_acc": (B, E) in eval mode (NaN until measured),
    "epoch": epochs finished by every net, "epochs": E, "steps": (B,) updates per epoch.
    """
    x_train, y_train, x_test, y_test = data = digits() if data is None else data
    sizes = np.asarray(batch_sizes)
    per_epoch = len(y_train) // sizes  # full batches only
    runs = []
    for b, size in zip(per_epoch, sizes, strict=True):
        model = deep_mlp(depth, 5.0 / 3.0, activation, "before", rng=np.random.default_rng(seed))
        steps = train_steps(model, data, int(b) * epochs, int(size), lr,
                            np.random.default_rng(seed + 1), eval_every=10**9)
        next(steps)  # step 0: nothing trained yet
        runs.append((model, steps))
    state = {"batch_sizes": sizes, "train_acc": np.full((len(sizes), epochs), np.nan),
             "test_acc": np.full((len(sizes), epochs), np.nan), "epoch": 0, "epochs": epochs,
             "steps": per_epoch}
    yield state
    for e in range(epochs):
        for k, (model, steps) in enumerate(runs):
            for _ in range(per_epoch[k]):
                next(steps)
                yield state
            with one_blas_thread():
                state["train_acc"][k, e] = accuracy(model, x_train, y_train)
                state["test_acc"][k, e] = accuracy(model, x_test, y_test)
            yield state
        state["epoch"] = e + 1
        yield state


def batch_progress(state):
    """(epochs done, epochs in all): LiveRun's readout for the batch-size run."""
    return state["epoch"], state["epochs"]
