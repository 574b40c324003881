"""An on-disk cache for the experiments' results, shared by every kernel of a machine: ten learners
opening notebook 02 train its default networks once, not ten times.

    runs = cached(compare_bn, lr=0.5, steps=1000, seed=0)   # fn(**kwargs), computed at most once
    runs = lookup(compare_bn, lr=0.5, steps=1000, seed=0)   # the same if cached, else None

    @disk_cached                                             # the same, as a decorator
    def compare_bn(lr=0.5, ...): ...

Results are keyed by the function, its arguments (hashed by joblib: numbers, strings, tuples, numpy
arrays) and the CODE VERSION: a hash of the source of every module of bn_core's engine and
experiments, so any change to the code that computes a result invalidates it. Only pure functions
of their arguments belong here (a seed, not a Generator that the call would advance; no callbacks).

Where: $BN_CORE_CACHE_DIR, else $XDG_CACHE_HOME/bn_core, else ~/.cache/bn_core (never inside the
package). BN_CORE_CACHE_DIR=off (or an unwritable place) turns caching off: fn is simply called.
joblib is imported on the first cached call, so `import bn_core` still loads numpy only.

    python -m bn_core.experiments.warm           # warm it with every notebook's defaults
"""

import functools
import hashlib
import os
from pathlib import Path

from bn_core._cache_dir import cache_dir, use_version

PACKAGE = Path(__file__).resolve().parents[1]


def code_version():
    """Hex digest (16 chars) of the source of bn_core's engine and experiments modules."""
    digest = hashlib.sha256()
    files = sorted(PACKAGE.glob("*.py")) + sorted((PACKAGE / "experiments").glob("*.py"))
    for path in files:
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@functools.lru_cache(maxsize=4)
def _memory(root):
    """joblib.Memory for this code version under root, or None if root is not writable. Other
    versions that nobody used for days are removed (_cache_dir.use_version)."""
    version = code_version()
    try:
        (Path(root) / version).mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    if not os.access(Path(root) / version, os.W_OK):
        return None
    use_version(Path(root) / version)  # versions unused for days are removed
    import joblib  # lazily: only kernels that cache something pay for it

    return joblib.Memory(Path(root) / version, verbose=0)


def cached(fn, /, **kwargs):
    """fn(**kwargs), read from the on-disk cache when this code version computed it before."""
    root = cache_dir()
    memory = _memory(str(root)) if root is not None else None
    if memory is None:
        return fn(**kwargs)
    return memory.cache(fn)(**kwargs)


def lookup(fn, /, **kwargs):
    """fn(**kwargs) if the cache already holds it for this code version, else None: computes
    nothing (a panel that would rather stream a missing result than wait for it asks this)."""
    fn = getattr(fn, "uncached", fn)  # a @disk_cached function is keyed by the function it wraps
    root = cache_dir()
    memory = _memory(str(root)) if root is not None else None
    if memory is None:
        return None
    func = memory.cache(fn)
    return func(**kwargs) if func.check_call_in_cache(**kwargs) else None


def final_state(steps_fn, **kwargs):
    """The last state of the generator steps_fn(**kwargs): what a streamed run ends on. Cache it
    with cached(final_state, steps_fn=..., **kwargs); a LiveRun then shows it without training."""
    *_, state = steps_fn(**kwargs)
    return state


def final_lookup(steps_fn):
    """For LiveRun(lookup=...): params -> the cached final state of steps_fn(**params), or None."""
    return lambda params: lookup(final_state, steps_fn=steps_fn, **params)


def disk_cached(fn):
    """Decorator: every call of fn goes through cached() (keyword or positional arguments)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        names = fn.__code__.co_varnames[:len(args)]
        return cached(wrapper.uncached, **dict(zip(names, args)), **kwargs)

    wrapper.uncached = fn
    return wrapper
