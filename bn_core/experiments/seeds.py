"""Notebooks 03 and 06's results on five seeds (0 to 4), so that their prose states ranges, not one
run's numbers. Every run goes through the disk cache (experiments.cache; seed 0 is the very run
the notebook shows), so a warm machine reads them (experiments.warm) and nothing trains at open.

    noise_seeds(data)        03 part 1: no BN, BN, BN + noise (sigmoid net, 400 steps): (S,) arrays
    landscape_seeds(data)    03 part 3: no BN / BN ratios of beta_eff, gradient change, band, ||g||
    ghost_seeds()            06: the ghost-batch experiment, one repeat per seed: (G, S) arrays

Shapes: S seeds; G ghost-batch sizes.
"""

import numpy as np

from bn_core.experiments.cache import cached, final_state
from bn_core.experiments.coupling import ghost_experiment_steps
from bn_core.experiments.smoothness import band_width, drift, final_loss, landscapes, noise_steps
from bn_core.train import history

SEEDS = (0, 1, 2, 3, 4)  # the seeds of every notebook's ranges (02's too: nb02_seeds)
NOISE_KINDS = ("plain", "bn", "noisy")  # as notebook 03's NoiseExplorer trains them
STEP_SIZES = (0.05, 0.1, 0.2, 0.4)


def _seeds(seeds):
    seeds = tuple(int(s) for s in seeds)
    if not seeds:
        raise ValueError("seeds: got none; expected at least one seed")
    return seeds


def noise_seeds(data, seeds=SEEDS, steps=400, lr=0.5, strength=0.5, at=250):
    """Notebook 03's noisy-BN runs (smoothness.noise_steps, watch=1) on each seed.

    Returns a dict of (S,) arrays: "acc <kind>" final test accuracy, "loss <kind>" final
    training loss (mean of the last 20 steps), "drift <kind>" drift of layer 2's input, for kind
    in plain, bn, noisy; and "plain acc at <at>": no BN's test accuracy at step `at` (evaluated
    every 50 steps)."""
    out = {}
    for seed in _seeds(seeds):
        state = cached(final_state, steps_fn=noise_steps, data=data, kinds=NOISE_KINDS,
                       steps=steps, lr=lr, seed=seed, strength=strength, watch=1)
        for kind in NOISE_KINDS:
            run = history(state[kind])
            for name, value in (("acc", run["test_acc"][-1]), ("loss", final_loss(run["loss"])),
                                ("drift", drift(run["watch"]))):
                out.setdefault(f"{name} {kind}", []).append(float(value))
            if kind == "plain":
                if at not in run["eval_step"]:
                    raise ValueError(f"at: got {at}; expected one of {list(run['eval_step'])}")
                index = list(run["eval_step"]).index(at)
                out.setdefault(f"plain acc at {at}", []).append(float(run["test_acc"][index]))
    return {key: np.array(values) for key, values in out.items()}


def landscape_seeds(data, seeds=SEEDS, steps=300, lr=0.1, step_sizes=STEP_SIZES):
    """Notebook 03's loss-landscape probes (smoothness.landscapes, no BN and BN) on each seed.

    Returns (S,) arrays of no BN / BN ratios of the probes' means: "beta_eff" (the normalised
    measure), "gradient change" ||grad L(w - eta g) - g||, "band width" of L(w - eta g) (raw
    steps eta g), and "||g||" (how much longer the raw steps of no BN are)."""
    ratios = {"beta_eff": [], "gradient change": [], "band width": [], "||g||": []}
    for seed in _seeds(seeds):
        r = landscapes(data, ("plain", "bn"), steps=steps, lr=lr, seed=seed,
                       step_sizes=tuple(step_sizes))
        plain, bn = r["plain"], r["bn"]
        ratios["beta_eff"].append(plain["beta"].mean() / bn["beta"].mean())
        ratios["gradient change"].append(plain["change"].mean() / bn["change"].mean())
        ratios["band width"].append(band_width(plain) / band_width(bn))
        ratios["||g||"].append(plain["gnorm"].mean() / bn["gnorm"].mean())
    return {key: np.array(values) for key, values in ratios.items()}


def ghost_seeds(seeds=SEEDS, ghosts=(2, 4, 8, 32)):
    """Notebook 06's ghost-batch experiment (coupling.ghost_experiment_steps, default sizes) with
    one repeat per seed. Returns "ghosts": (G,), "train", "test", "gap": (G, S) accuracies in
    eval mode and train - test; "plain_train", "plain_test", "plain_gap": (S,) without BN."""
    state = cached(final_state, steps_fn=ghost_experiment_steps, seeds=_seeds(seeds),
                   ghosts=tuple(int(g) for g in ghosts))
    out = {key: np.array(state[key]) for key in ("ghosts", "train", "test", "plain_train",
                                                  "plain_test")}
    out["gap"] = out["train"] - out["test"]  # (G, S)
    out["plain_gap"] = out["plain_train"] - out["plain_test"]  # (S,)
    return out


def span(values):
    """'lo to hi' of an array of values, for printing a range: (lo, hi) floats."""
    values = np.asarray(values, dtype=float)
    return float(values.min()), float(values.max())
