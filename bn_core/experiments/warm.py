"""Fill the on-disk cache (bn_core.experiments.cache) with the default experiments the notebooks run
when they open, so that not even the first learner of a class waits for them:

    python -m bn_core.experiments.warm      # once per machine and code version (Binder: postBuild)
    python -m bn_core.experiments.warm --defaults-only     # without the lr grids (tests, the book)
"""

import sys

import numpy as np

from bn_core.data import load_digits_split
from bn_core.experiments import (
    backward,
    coupling,
    depth,
    depth_bias,
    depth_sweeps,
    freeze,
    ics,
    inference,
    nb02_seeds,
    seeds,
    smoothness,
    what_stays_put,
)
from bn_core.experiments.cache import cache_dir, cached, code_version, final_state

# (name, the call a notebook makes when it opens); each goes through the disk cache
DEFAULTS = {
    "02 what_stays_put.compare_bn": lambda: what_stays_put.compare_bn(lr=0.5, steps=1000, seed=0),
    # the forum panels' LiveRuns look these up (same params as their first runs in notebook 02)
    "02 freeze": lambda: cached(final_state, steps_fn=freeze.freeze_steps, lr=0.5, steps=200,
                                seed=0),
    "02 ics sigmoid": lambda: cached(final_state, steps_fn=ics.ics_steps, lr=0.5, steps=200,
                                     seed=0, activation="sigmoid"),
    "02 ics relu": lambda: cached(final_state, steps_fn=ics.ics_steps, lr=0.1, steps=200, seed=0,
                                  activation="relu"),
    # notebook 02's numbers on five seeds (its ranges), a few seconds per seed
    "02 seeds": lambda: nb02_seeds.across_seeds(),
    # notebook 03: the noise explorer's first run, the lr sweep, the loss landscapes
    "03 noisy_bn": lambda: cached(final_state, steps_fn=smoothness.noise_steps,
                                  data=load_digits_split(), kinds=("plain", "bn", "noisy"),
                                  steps=400, lr=0.5, seed=0, strength=0.5, watch=1),
    "03 lr_sweep": lambda: smoothness.seeded_lr_sweep(
        load_digits_split(), np.geomspace(0.03, 30, 9), steps=150, seed=0,
        kinds=("plain", "bn", "bn_after"), activation="relu"),
    "03 landscapes": lambda: smoothness.landscapes(
        load_digits_split(), ("plain", "bn"), steps=300, lr=0.1, seed=0,
        step_sizes=(0.05, 0.1, 0.2, 0.4)),
    # notebooks 03 and 06: their results on seeds 0-4 (seed 0's runs are the ones above)
    "03 noise seeds": lambda: seeds.noise_seeds(load_digits_split()),
    "03 landscape seeds": lambda: seeds.landscape_seeds(load_digits_split()),
    "06 ghost seeds": lambda: seeds.ghost_seeds(),
    # notebook 04: the timing of the two backward passes (measured once per machine)
    "04 backward_timing": lambda: backward.backward_timing(n=256, d=512),
    # notebook 05: the two networks its cells train; notebook 06: the ghost-batch default run
    "05 trained_mlp": lambda: inference.trained_mlp(seed=0),
    "05 trained_mlp slow": lambda: inference.trained_mlp(seed=1, train_seed=2, momentum=0.01),
    "06 ghost default": lambda: cached(final_state, steps_fn=coupling.ghost_experiment_steps,
                                       seeds=coupling.notebook_ghost_seeds(), ghosts=(2, 4, 8, 32)),
    # notebook 08: the first runs of the per-layer, sweep and batch-size panels, the tables
    "08 depth panel": lambda: cached(final_state, steps_fn=depth.depth_run, depth=8, gain=5 / 3,
                                     activation="tanh", bn="off", steps=300),
    "08 batch sizes": lambda: cached(final_state, steps_fn=depth_sweeps.batch_size_run),
    "08 weight-scale sweep": lambda: cached(final_state,
                                            steps_fn=depth_sweeps.weight_scale_sweep),
    "08 at_init": lambda: [depth.at_init(bn=bn, gain=gain) for bn in ("off", "before")
                           for gain in (0.5, 5 / 3, 5)],
    "08 redundant_bias": lambda: depth_bias.redundant_bias(),
}


# Every value of a training control whose runs take seconds: a tap shows the stored run at once
# (the learner presses play to watch it train); ~2 CPU-min more for a cold cache.
GRIDS = {
    "02 lr grid": lambda: [what_stays_put.compare_bn(lr=lr, steps=1000, seed=0)
                           for lr in what_stays_put.lr_grid()],
    "02 freeze lr grid": lambda: [cached(final_state, steps_fn=freeze.freeze_steps, lr=lr,
                                         steps=200, seed=0) for lr in what_stays_put.lr_grid()],
    # notebook 03's noise slider re-trains BN + noise only (the other two are its first run's)
    "03 noise grid": lambda: [cached(final_state, steps_fn=smoothness.noise_steps,
                                     data=load_digits_split(), kinds=("noisy",), steps=400, lr=0.5,
                                     seed=0, strength=strength, watch=1)
                              for strength in smoothness.NOISE_STRENGTHS],
    # notebook 08's "hidden layers" and "weight gain", each at the other controls' defaults (its
    # four controls together have too many combinations to store: a second control moved trains)
    "08 depth grid": lambda: [cached(final_state, steps_fn=depth.depth_run, depth=d, gain=5 / 3,
                                     activation="tanh", bn="off", steps=300) for d in depth.DEPTHS],
    "08 gain grid": lambda: [cached(final_state, steps_fn=depth.depth_run, depth=8, gain=g,
                                    activation="tanh", bn="off", steps=300)
                             for g in depth.gain_grid()],
}


def warm(grids=True):
    """Run every default experiment (a cache hit when already warm), and with grids=True every lr
    of notebook 02's training sliders. Returns the names run."""
    calls = {**DEFAULTS, **(GRIDS if grids else {})}
    for call in calls.values():
        call()
    return list(calls)


if __name__ == "__main__":
    print(f"bn_core cache: {cache_dir() or 'off'} (code version {code_version()})")
    print("warm:", ", ".join(warm(grids="--defaults-only" not in sys.argv)))
