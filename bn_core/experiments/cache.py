"""An on-disk cache for the experiments' results, shared by every kernel of a machine: ten learners
opening notebook 02 train its default networks once, not ten times.

    runs = cached(compare_bn, lr=0.5, steps=1000, seed=0)   # fn(**kwargs), computed at most once
    runs = lookup(compare_bn, lr=0.5, steps=1000, seed=0)   # the same if cached, else None
    keep(compare_bn, runs, lr=0.5, steps=1000, seed=0)      # rewrites a broken stored result

    @disk_cached                                             # the same, as a decorator
    def compare_bn(lr=0.5, ...): ...

Results are keyed by the function, its arguments (defaults filled in, hashed by joblib.hash:
numbers, strings, tuples, numpy arrays) and the CODE VERSION: a hash of the source of every module
of bn_core's engine and experiments, so any change to the code that computes a result invalidates
it. Only pure functions of their arguments belong here (a seed, not a Generator that the call would
advance; no callbacks).

Where: $BN_CORE_CACHE_DIR, else $XDG_CACHE_HOME/bn_core, else ~/.cache/bn_core (never inside the
package); BN_CORE_CACHE_DIR=off turns caching off: fn is simply called. Each result is one file,
<root>/<code version>/<module.function>/<arguments' hash>.pkl: a header, the SHA-256 of the pickle
and the pickle, written to a temporary file then renamed (a reader sees all of it or nothing).

Faults, all silent in the notebook (at most an INFO line of the `bn_core.cache` logger):
- a file that cannot be read (truncated, corrupt, unreadable) is computed again and rewritten;
- a write that fails (full disk, read-only cache) is skipped: the result is only returned;
- a read-only cache (a class's, warmed by its operator) is read.
A cache folder that others may write to is never read (bn_core._cache_dir.trusted: a pickle runs
code when loaded): computed instead, and said once per process, with the fix.
joblib is imported on the first cached call, so `import bn_core` still loads numpy only.

    python -m bn_core.experiments.warm           # warm it with every notebook's defaults
"""

import functools
import hashlib
import inspect
import os
import pickle
import threading
from pathlib import Path

from bn_core._cache_dir import cache_dir, log, make_dirs, trusted, use_version

PACKAGE = Path(__file__).resolve().parents[1]
MAGIC = b"bn_core result 1\n"  # then the SHA-256 (32 bytes) of the pickle, then the pickle


def code_version():
    """Hex digest (16 chars) of the source of bn_core's engine and experiments modules."""
    digest = hashlib.sha256()
    files = sorted(PACKAGE.glob("*.py")) + sorted((PACKAGE / "experiments").glob("*.py"))
    for path in files:
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@functools.lru_cache(maxsize=4)
def _version_folder(root):
    """root/<code version> (a Path: created if need be, marked in use; versions unused for days
    removed), or None if it is not there and cannot be created (read-only, a file in the way) or
    if others may write to it (said once: _cache_dir.trusted)."""
    root = Path(root)
    folder = root / code_version()
    if not trusted(folder, root) or not make_dirs(folder):  # untrusted, or none and unwritable
        return None
    use_version(folder)
    return folder


def _entry(fn, kwargs):
    """The file of fn(**kwargs)'s result (a Path, maybe not there yet), or None if the cache is off
    or others may write to it: then it is neither read nor written."""
    root = cache_dir()
    folder = _version_folder(str(root)) if root is not None else None
    if folder is None:
        return None
    try:
        bound = inspect.signature(fn).bind(**kwargs)
        bound.apply_defaults()  # f(lr=0.5) and f() are one result when 0.5 is the default
        arguments = dict(bound.arguments)
    except (TypeError, ValueError):  # fn itself will say what is wrong with the arguments
        arguments = kwargs
    import joblib  # lazily: only kernels that cache something pay for it

    path = folder / f"{fn.__module__}.{fn.__qualname__}" / f"{joblib.hash(arguments)}.pkl"
    return path if trusted(path, root) else None  # the file, its folders, the root, its parents


def _read(path, load=True):
    """(True, the result stored at `path`) if it is complete, else (False, None). load=False:
    (True, None) if it is complete (its checksum checked, nothing unpickled)."""
    try:
        with open(path, "rb") as file:
            head, digest = file.read(len(MAGIC) + 32), hashlib.sha256()
            for chunk in iter(lambda: file.read(1 << 20), b""):
                digest.update(chunk)
            if head != MAGIC + digest.digest():
                raise ValueError("incomplete or corrupt (checksum)")
            file.seek(len(head))
            return True, pickle.load(file) if load else None
    except FileNotFoundError:
        return False, None
    except Exception as exc:  # whatever a broken pickle raises: compute again
        log.info("bn_core cache: %s unreadable (%s): computed again", path, exc)
        return False, None


class _Hashed:
    """A binary file that also hashes what is written to it."""

    def __init__(self, file):
        self.file, self.digest = file, hashlib.sha256()

    def write(self, data):
        self.digest.update(data)
        return self.file.write(data)


def _write(path, value):
    """Store `value` at `path` for later kernels; if that fails (full disk, read-only, no space
    for the folder), nothing is stored and nothing is said beyond an INFO log line."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        if not make_dirs(path.parent):
            raise OSError(f"cannot create {path.parent}")
        tmp.unlink(missing_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "wb") as file:
            file.write(MAGIC + bytes(32))  # the checksum, once known
            hashed = _Hashed(file)
            pickle.dump(value, hashed, protocol=5)
            file.seek(len(MAGIC))
            file.write(hashed.digest.digest())
        os.replace(tmp, path)  # atomic: a reader sees all or nothing
    except OSError as exc:
        log.info("bn_core cache: %s not stored (%s)", path, exc)
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass


def cached(fn, /, **kwargs):
    """fn(**kwargs), read from the on-disk cache when this code version computed it before."""
    path = _entry(fn, kwargs)
    found, value = _read(path) if path is not None else (False, None)
    if found:
        return value
    value = fn(**kwargs)
    if path is not None:
        _write(path, value)
    return value


def lookup(fn, /, **kwargs):
    """fn(**kwargs) if the cache already holds it for this code version, else None: computes
    nothing (a panel that would rather stream a missing result than wait for it asks this)."""
    fn = getattr(fn, "uncached", fn)  # a @disk_cached function is keyed by the function it wraps
    path = _entry(fn, kwargs)
    return _read(path)[1] if path is not None else None


def keep(fn, value, /, **kwargs):
    """Store `value` as fn(**kwargs)'s result where a stored one is broken (cut, corrupt): a run
    that streamed live because its stored result could not be read ends on exactly that result,
    and later kernels read it again. A missing entry stays missing (warm and cached() make them)."""
    fn = getattr(fn, "uncached", fn)
    path = _entry(fn, kwargs)
    if path is not None and path.is_file() and not _read(path, load=False)[0]:
        _write(path, value)


def final_state(steps_fn, **kwargs):
    """The last state of the generator steps_fn(**kwargs): what a streamed run ends on. Cache it
    with cached(final_state, steps_fn=..., **kwargs); a LiveRun then shows it without training."""
    *_, state = steps_fn(**kwargs)
    return state


class final_lookup:  # noqa: N801  (used like a function: lookup=final_lookup(steps_fn))
    """For LiveRun(lookup=...): params -> the cached final state of steps_fn(**arguments(params)),
    or None; .keep(params, state) stores the end of a run that trained live instead."""

    def __init__(self, steps_fn, arguments=dict):
        self.steps_fn, self.arguments = steps_fn, arguments

    def __call__(self, params):
        return lookup(final_state, steps_fn=self.steps_fn, **self.arguments(params))

    def keep(self, params, state):
        keep(final_state, state, steps_fn=self.steps_fn, **self.arguments(params))


def disk_cached(fn):
    """Decorator: every call of fn goes through cached() (keyword or positional arguments)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        names = fn.__code__.co_varnames[:len(args)]
        return cached(wrapper.uncached, **dict(zip(names, args)), **kwargs)

    wrapper.uncached = fn
    return wrapper
