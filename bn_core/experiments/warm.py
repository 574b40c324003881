"""Fill the on-disk cache (bn_core.experiments.cache) with the default experiments the notebooks run
when they open, so that not even the first learner of a class waits for them:

    python -m bn_core.experiments.warm      # once per machine and code version (Binder: postBuild)
"""

from bn_core.experiments import what_stays_put
from bn_core.experiments.cache import cache_dir, code_version

# (name, the call a notebook makes when it opens); each goes through the disk cache
DEFAULTS = {
    "02 what_stays_put.compare_bn": lambda: what_stays_put.compare_bn(lr=0.5, steps=1000, seed=0),
}


def warm():
    """Run every default experiment (a cache hit when already warm). Returns the names run."""
    for call in DEFAULTS.values():
        call()
    return list(DEFAULTS)


if __name__ == "__main__":
    print(f"bn_core cache: {cache_dir() or 'off'} (code version {code_version()})")
    print("warm:", ", ".join(warm()))
