"""The forum question as an experiment (notebook 02): what if gamma and beta did NOT move?

Four versions of notebook 02's network (64 -> 100 -> 100 -> 100 -> 10, sigmoid), from the same
initial weights (seed) on the same minibatches (seed + 1):
    "bn"         x -> x_hat -> y = gamma * x_hat + beta (gamma, beta trained) -> sigmoid(y)
    "frozen"     BN with gamma = 1, beta = 0 frozen (affine=False): y = x_hat, so the sigmoid's
                 input has per-feature mean 0 and std ~1 over every batch: really constant moments
    "mean_only"  centre, do not scale: y = x - mu + beta (beta trained; the std is left to the
                 layers below)
    "plain"      no BN: y = x
Each run records, on the probe, the per-feature mean and std of the last hidden layer's sigmoid
input y (the activation's input, Ng's z~), after every update, as "next" (a historical key, as in
notebook 02: the next Linear sees sigmoid(y), not y).

    states = freeze_steps(steps=200)      # a generator: one state per step of all four runs
    for state in states: ...              # LiveRun streams it; state["runs"][kind] is train_steps'
    result = results(state)               # {kind: train()'s history dict}
    numbers = summary(result)             # the numbers notebook 02 states
Shapes: T steps, D = 100 features, R = T + 1 records.
"""

from itertools import zip_longest

import numpy as np

from bn_core.data import load_digits_split
from bn_core.experiments.what_stays_put import distribution_change, moving_average
from bn_core.layers import BatchNorm1d, MeanOnlyBatchNorm1d
from bn_core.nn import Activation, mlp
from bn_core.train import LayerStats, history, train_steps

KINDS = ("bn", "frozen", "mean_only", "plain")
NORMS = {"bn": ("before", None),
         "frozen": ("before", lambda d: BatchNorm1d(d, affine=False)),
         "mean_only": ("before", MeanOnlyBatchNorm1d),
         "plain": (None, None)}


def build(kind, seed=0, sizes=(64, 100, 100, 100, 10), activation="sigmoid"):
    """One of the four networks; the same seed gives the same weights W for every kind."""
    if kind not in NORMS:
        raise ValueError(f"kind: got {kind!r}; expected one of {KINDS}")
    bn, norm = NORMS[kind]
    return mlp(list(sizes), activation, bn=bn, rng=np.random.default_rng(seed), norm_layer=norm)


def freeze_steps(lr=0.5, steps=200, batch_size=60, seed=0, kinds=KINDS, data=None, eval_every=10,
                 **net):
    """Train the `kinds` in lockstep, one update each per yielded state:
    {"step": updates done, "steps": T, "runs": {kind: that run's train_steps state}}.
    A run that diverges stops; its last state stays in "runs". net: sizes, activation."""
    data = load_digits_split() if data is None else data
    runs = {}
    for kind in kinds:
        model = build(kind, seed, **net)
        record = {"next": LayerStats(model.index_of(Activation))}  # the sigmoid's input y
        batches = np.random.default_rng(seed + 1)  # the same minibatches for every kind
        runs[kind] = train_steps(model, data, steps, batch_size, lr, batches,
                                 eval_every=eval_every, record=record)
    state = {"step": 0, "steps": steps, "runs": {}}
    for states in zip_longest(*runs.values()):
        for kind, run in zip(kinds, states, strict=True):
            if run is not None:
                state["runs"][kind] = run
        state["step"] = max(run["step"] for run in state["runs"].values())
        yield state


def results(state):
    """{kind: train()'s history} from freeze_steps' last state."""
    return {kind: history(run) for kind, run in state["runs"].items()}


def drift(run):
    """Per-step drift of the sigmoid's input y: (d_mean, d_std), each (R - 1,), as in notebook 02:
    mean over features of |m_j(t) - m_j(t - 1)| and of |s_j(t) - s_j(t - 1)|."""
    return distribution_change(run["next"])


def smoothed_loss(loss, window=20):
    """Running mean of the minibatch loss over `window` steps (fewer at the start): (T,) -> (T,)."""
    return moving_average(loss, window)


def summary(result, early=100):
    """The numbers notebook 02 states, per kind: test accuracy at step `early` and at the end,
    the final loss (mean of the last 20 minibatch losses) and the median per-step drift of the
    sigmoid's input y's mean and std. Returns {kind: dict}."""
    out = {}
    for kind, run in result.items():
        acc = dict(zip(run["eval_step"], run["test_acc"], strict=True))
        d_mean, d_std = drift(run)
        out[kind] = {"acc_early": acc.get(early, np.nan), "acc_final": run["test_acc"][-1],
                     "loss_final": float(np.nanmean(run["loss"][-20:])),
                     "drift_mean": float(np.median(d_mean)), "drift_std": float(np.median(d_std))}
    return out
