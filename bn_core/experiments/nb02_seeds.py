"""Notebook 02's numbers on five seeds: every number its answer states, measured again with other
initial weights (seed) and minibatch orders (seed + 1), so the notebook can give ranges.

    row = seed_numbers(0)        # one seed: {name: float}, disk-cached (a few seconds to compute)
    table = across_seeds()       # {name: (S,) array}, one entry per seed of SEEDS
    between(table["move.ratio_mean"], ".0f")   # "177 to 225"

Per seed (names of the row):
    collapse.*    step 0, on the 200-image probe: mean over features of each hidden layer's x std
                  (x = the Linear's output), without BN (x_std1..3) and with BN (raw x, bn_std1..3)
    move.*        compare_bn (lr 0.5, 1,000 steps): median per-step move of the per-feature mean
                  (d_mean) and std (d_std) of the sigmoid's input without BN ("plain": x), of the
                  BN network's raw x ("raw") and of its y ("bn"); their ratios, overall and per
                  phase of PHASES; test accuracy at step 100 and the first step at 90% (NaN: never);
                  without BN, the last layer's x spread and the test accuracy at COLLAPSE_STEPS
                  (collapse.x_std3_at<t>, collapse.acc_at<t>)
                  and how far its per-feature mean moved in the first 100 steps (mean_shift100)
    freeze.*      freeze.summary of the four networks (200 steps), the frozen / trained loss ratio
                  and the fraction of steps >= 10 at which the frozen network's loss is higher
    ics.*         ics.summary, sigmoid (lr 0.5) and ReLU (lr 0.1): rel and cos, plain and bn
    proj.*        projection.projection_check at step 0 (float64) and after training (the trained
                  BN network in float64), and projection.bias_share of the network without BN
S = len(SEEDS) seeds.
"""

import copy

import numpy as np

from bn_core.data import load_digits_split, minibatches
from bn_core.experiments import freeze, ics, projection
from bn_core.experiments.cache import disk_cached, final_state
from bn_core.experiments.seeds import SEEDS
from bn_core.experiments.what_stays_put import compare_bn, distribution_change, spread_at_init

PHASES = ((0, 100), (100, 500), (500, 1000))  # steps (from, to] of compare_bn's 1,000
COLLAPSE_STEPS = (100, 300, 500, 1000)  # when the last hidden layer's spread is reported
SIZES = (64, 100, 100, 100, 10)


def move_numbers(runs):
    """The per-step moves of compare_bn's {"plain", "bn"} histories (see the module docstring)."""
    d = {"plain": distribution_change(runs["plain"]["next"]),
         "raw": distribution_change(runs["bn"]["z"]), "bn": distribution_change(runs["bn"]["next"])}
    out = {}
    for key, (d_mean, d_std) in d.items():
        out[f"move.{key}_mean"], out[f"move.{key}_std"] = np.median(d_mean), np.median(d_std)
    out["move.ratio_mean"] = out["move.plain_mean"] / out["move.bn_mean"]
    out["move.ratio_both"] = np.median(sum(d["plain"])) / np.median(sum(d["bn"]))
    out["move.plain_over_raw"] = out["move.plain_mean"] / out["move.raw_mean"]
    for lo, hi in PHASES:
        part = slice(lo, hi)  # d[t - 1] is the move made by step t
        out[f"move.ratio_mean_{lo}_{hi}"] = (np.median(d["plain"][0][part])
                                            / np.median(d["bn"][0][part]))
        for key in ("plain", "bn"):
            out[f"move.{key}_std_{lo}_{hi}"] = np.median(d[key][1][part])
    plain = runs["plain"]["next"]  # the plateau: the spread of x stays collapsed, its mean moves
    for t in COLLAPSE_STEPS:
        out[f"collapse.x_std3_at{t}"] = plain["std"][t].mean()  # (D,) -> ()
    out["collapse.mean_shift100"] = np.abs(plain["mean"][100] - plain["mean"][0]).mean()
    for key, run in runs.items():
        acc = dict(zip(run["eval_step"], run["test_acc"], strict=True))
        out[f"move.{key}_acc100"] = acc[100]
        out[f"move.{key}_first90"] = next((s for s, a in acc.items() if a >= 0.9), np.nan)
    for t in COLLAPSE_STEPS:
        out[f"collapse.acc_at{t}"] = dict(zip(runs["plain"]["eval_step"], runs["plain"]["test_acc"],
                                              strict=True))[t]
    return {key: float(value) for key, value in out.items()}


def freeze_numbers(seed):
    """freeze.summary of the four networks for `seed` (lr 0.5, 200 steps), flattened."""
    result = freeze.results(final_state(freeze.freeze_steps, lr=0.5, steps=200, seed=seed))
    out = {f"freeze.{kind}_{key}": float(value)
           for kind, numbers in freeze.summary(result).items() for key, value in numbers.items()}
    out["freeze.loss_ratio"] = out["freeze.frozen_loss_final"] / out["freeze.bn_loss_final"]
    frozen, trained = (freeze.smoothed_loss(result[k]["loss"]) for k in ("frozen", "bn"))
    out["freeze.frozen_above"] = float(np.mean(frozen[10:] > trained[10:]))
    return out


def ics_numbers(seed):
    """ics.summary (median ||G - G'|| / ||G|| and cos) for `seed`, sigmoid and ReLU networks."""
    out = {}
    for activation, lr in (("sigmoid", 0.5), ("relu", 0.1)):
        state = final_state(ics.ics_steps, lr=lr, steps=200, seed=seed, activation=activation)
        for kind, s in ics.summary(ics.results(state)).items():
            for key in ("rel", "cos"):
                out[f"ics.{activation}_{kind}_{key}"] = float(s[key][-1])
    return out


def as_float64(model):
    """A float64 copy of model (parameters cast; float32 training, float64 checks)."""
    twin = copy.deepcopy(model)
    for layer, name in twin.parameters():
        setattr(layer, name, getattr(layer, name).astype(np.float64))
    return twin


def projection_numbers(seed, trained):
    """projection.projection_check on seed's first minibatch (batch 60), at step 0 and for the
    `trained` BN network; bias_share of the network without BN at step 0, for comparison."""
    from bn_core.nn import mlp

    x_train, y_train, *_ = load_digits_split()
    xb, yb = next(minibatches(x_train, y_train, 60, np.random.default_rng(seed + 1)))
    out = {}
    for when, model in (("init", mlp(list(SIZES), "sigmoid", bn="before",
                                     rng=np.random.default_rng(seed))),
                        ("trained", as_float64(trained))):
        for key, value in projection.projection_check(model, xb, yb).items():
            out[f"proj.{when}_{key}"] = value
    plain = mlp(list(SIZES), "sigmoid", rng=np.random.default_rng(seed))
    out["proj.plain_bias_share"] = projection.bias_share(plain, xb, yb)
    return out


@disk_cached  # a few seconds per seed, once per code version
def seed_numbers(seed):
    """Every number of notebook 02's answer for one seed: {name: float} (module docstring)."""
    runs = compare_bn.uncached(lr=0.5, steps=1000, seed=seed, snapshot_every=1000)
    out = move_numbers(runs)
    x_train = load_digits_split()[0]
    for key, bn in (("x_std", None), ("bn_std", "before")):
        for k, value in enumerate(spread_at_init(seed, bn=bn, x=x_train[:200]), start=1):
            out[f"collapse.{key}{k}"] = float(value)
    out.update(freeze_numbers(seed))
    out.update(ics_numbers(seed))
    out.update(projection_numbers(seed, runs["bn"]["model"]))
    return out


def across_seeds(seeds=SEEDS):
    """{name: (S,) array}: seed_numbers for every seed, stacked (each seed cached on disk)."""
    rows = [seed_numbers(int(seed)) for seed in seeds]
    return {key: np.array([row[key] for row in rows]) for key in rows[0]}


def between(values, spec=".2g"):
    """'lo to hi' (or one number when they round alike) of values: (S,), formatted with spec."""
    lo, hi = (format(v, spec) for v in (np.nanmin(values), np.nanmax(values)))
    return lo if lo == hi else f"{lo} to {hi}"
