"""Notebook 08's two CS231n experiments on the deep MLP, as generators that yield as results arrive.

- weight_scale_sweep: every weight matrix drawn with std `scale` (CS231n's weight_scale, not a
  gain: std = gain / sqrt(fan_in)), trained with and without BN for each scale on a log grid, at
  R learning rates (so that what the initial scale does can be told from what the learning rate
  does); best test accuracy and final training loss per scale: arrays (R, S) per network.
- batch_size_run: the same deep net with BN trained for the same number of epochs at batch sizes
  4, 16, 64; training and test accuracy (eval mode) after every epoch: arrays (B, E).
"""

import numpy as np

from bn_core.experiments.depth import deep_mlp, digits
from bn_core.nn import Linear
from bn_core.train import accuracy, one_blas_thread, train_steps

NETS = ("plain", "bn")  # without BN, with BN before each activation (the palette's keys)
SCALES = tuple(np.logspace(-4, 0, 12))  # CS231n's weight scales (it used 20 points)
LRS = (0.1, 0.01)  # SGD's learning rates of the sweep (momentum 0.9)


def scaled_mlp(scale, bn, depth=8, width=100, activation="relu", seed=0):
    """deep_mlp with every W (the last included) ~ N(0, scale^2), the same draws for any bn."""
    model = deep_mlp(depth, 1.0, activation, "before" if bn else "off", width,
                     rng=np.random.default_rng(seed))
    for layer in model.layers:
        if isinstance(layer, Linear):  # drawn with std 1 / sqrt(fan_in): rescale to std `scale`
            layer.W *= scale * np.sqrt(layer.in_features)
    return model


def weight_scale_sweep(scales=SCALES, lrs=LRS, steps=120, batch_size=50, momentum=0.9, depth=8,
                       activation="relu", seed=0, data=None):
    """Yield the sweep's state after every training step (so a newer run can supersede it at once).

    state: "scales": (S,), "lrs": (R,), for each net in NETS "best_acc"[net]: (R, S) best test
    accuracy (checked every 25 steps), "final_loss"[net]: (R, S) mean loss of the last 10 steps
    (inf if it diverged), "diverged"[net]: (R, S) bool; NaN where not run yet; "done": points
    finished, "total": 2 R S, "point": the last (net, r, i). Every training is seeded on its own
    (same weights for every lr and both nets, same batches), so a subset of scales or learning
    rates gives the same points as the full sweep.
    """
    data = digits() if data is None else data
    scales, lrs = np.asarray(scales, dtype=np.float64), np.asarray(lrs, dtype=np.float64)
    if scales.ndim != 1 or lrs.ndim != 1 or not (np.all(scales > 0) and np.all(lrs > 0)):
        raise ValueError(f"scales {scales!r}, lrs {lrs!r}: expected 1-D sequences of numbers > 0")
    nan = np.full((len(lrs), len(scales)), np.nan)
    state = {"scales": scales, "lrs": lrs, "best_acc": {n: nan.copy() for n in NETS},
             "final_loss": {n: nan.copy() for n in NETS},
             "diverged": {n: np.zeros(nan.shape, bool) for n in NETS},
             "done": 0, "total": 2 * nan.size, "point": None}
    yield state
    for r, lr in enumerate(lrs):
        for i, scale in enumerate(scales):
            for net in NETS:
                model = scaled_mlp(scale, net == "bn", depth, activation=activation, seed=seed)
                run = None
                for run in train_steps(model, data, steps, batch_size, lr,  # noqa: B007 (last)
                                       np.random.default_rng(seed + 1), momentum, eval_every=25):
                    yield state
                loss = run["loss"][~np.isnan(run["loss"])][-10:]
                state["diverged"][net][r, i] = run["diverged"]
                state["final_loss"][net][r, i] = np.inf if run["diverged"] else loss.mean()
                state["best_acc"][net][r, i] = max(run["test_acc"])
                state["done"] += 1
                state["point"] = (net, r, i)
                yield state


def sweep_progress(state):
    """(points done, points in all): LiveRun's readout for the sweep."""
    return state["done"], state["total"]


def lr_row(state, lr):
    """The row of state's (R, S) arrays that holds learning rate `lr`."""
    rows = np.flatnonzero(np.isclose(state["lrs"], lr))
    if rows.size == 0:
        raise ValueError(f"lr: got {lr!r}; the sweep ran at {list(state['lrs'])}")
    return int(rows[0])


def band(state, net, lo, hi, lr=LRS[0]):
    """(min, max) of `net`'s best accuracy at learning rate `lr` over the scales in [lo, hi]."""
    x = state["scales"]
    acc = state["best_acc"][net][lr_row(state, lr)][(x >= lo) & (x <= hi)]
    return float(acc.min()), float(acc.max())


def at_scale(state, net, scale, lr):
    """{"best_acc", "final_loss", "diverged"} of `net` at the grid point nearest `scale` (log)."""
    i = int(np.argmin(np.abs(np.log(state["scales"]) - np.log(scale))))
    r = lr_row(state, lr)
    return {key: state[key][net][r, i].item() for key in ("best_acc", "final_loss", "diverged")}


def sweep_table(state):
    """The sweep as text, one line per (net, lr, quantity), a column per scale."""
    head = "weight scale       " + "".join(f"{s:>9.1e}" for s in state["scales"])
    lines = [head]
    for r, lr in enumerate(state["lrs"]):
        for net in NETS:
            acc = "".join(f"{a:9.2f}" for a in state["best_acc"][net][r])
            loss = "".join(f"{'diverged':>9}" if d else f"{v:9.2f}" for v, d in
                            zip(state["final_loss"][net][r], state["diverged"][net][r],
                                strict=True))
            lines += [f"{net:5s} lr {lr:<4g} acc  {acc}", f"{net:5s} lr {lr:<4g} loss {loss}"]
    return "\n".join(lines)


BATCH_SIZES, EPOCHS = (4, 16, 64), 3


def batch_size_run(batch_sizes=BATCH_SIZES, epochs=EPOCHS, lr=0.05, depth=8, activation="tanh",
                   seed=0, data=None):
    """The deep net with BN (tanh, gain 5/3) trained for `epochs` epochs at each batch size, the
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
