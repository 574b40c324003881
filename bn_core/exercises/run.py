"""Running a learner's function on one designed input, safely, and comparing what came out.

Nothing here raises on the learner's behalf: a function that raises, returns None, returns the
wrong type or changes its arguments in place gives an Outcome that says so. Shape letters as in
bn_core.functional: N examples, D features, C channels, H x W positions.
"""

import copy
from dataclasses import dataclass, field

import numpy as np

from bn_core.exercises.guard import describe

TOL = 1e-6  # relative tolerance of every comparison (float64 round-off is ~1e-12 here)
AXES = {1: ("feature",), 2: ("example", "feature"), 4: ("example", "channel", "row", "column")}


@dataclass(frozen=True)
class Case:
    """One designed input. label: how the learner reads it ("the (6, 5) batch"); args: the
    positional arguments; notes: {feature or channel index: what is special about it}, used to
    point at an error; meta: whatever a mistake's own matching rule needs."""

    label: str
    args: tuple
    notes: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)


@dataclass
class Outcome:
    """What one call did: values (float64 arrays, one per returned name) or error (one line).
    returned_none: the function ran and returned None; bad_type: what came back instead of
    arrays (guard.describe); float32: a returned array was float32/float16; iterated: names of
    the dict arguments the function iterated over (`a, b = cache` unpacks a dict's keys)."""

    values: tuple = None
    error: str = None
    not_attempted: bool = False
    returned_none: bool = False
    bad_type: str = None
    changed: tuple = ()
    float32: bool = False
    iterated: tuple = ()


class WatchedDict(dict):
    """A dict argument that notes when it is iterated (tuple-unpacking a dict gives its keys)."""

    iterated = False

    def __iter__(self):
        self.iterated = True
        return super().__iter__()


def one_line(exc):
    """'ValueError: operands could not ...': the exception's type and first line, kept short."""
    lines = str(exc).strip().splitlines()
    msg = lines[0] if lines else ""
    msg = msg if len(msg) <= 160 else msg[:157] + "..."
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


def changed_args(before, after, names):
    """Names of the arguments (or dict entries) whose arrays differ after the call."""
    found = []
    for name, a, b in zip(names, before, after):
        if isinstance(a, dict):
            found += [f"{name}['{k}']" for k in a if isinstance(a[k], np.ndarray)
                      and not _same_array(a[k], b.get(k) if isinstance(b, dict) else None)]
        elif isinstance(a, np.ndarray) and not _same_array(a, b):
            found.append(name)
    return tuple(found)


def _same_array(a, b):
    return isinstance(b, np.ndarray) and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)


def _numeric(item):
    return not isinstance(item, (dict, str)) and np.asarray(item).dtype.kind in "fiub"


def to_arrays(result, returns):
    """(values, problem, float32): the result as float64 arrays, one per name in `returns`;
    problem: guard.describe(result) when it is not that. A single output may come as (out, cache)
    or [out, cache]; several as a tuple or a list."""
    if len(returns) == 1:
        if isinstance(result, (tuple, list)) and result and isinstance(result[0], np.ndarray):
            result = result[0]  # (out, cache) or [out, cache]: take out
        items = (result,)
    elif isinstance(result, (tuple, list)) and len(result) == len(returns):
        items = tuple(result)
    else:
        return None, describe(result), False
    if not all(_numeric(item) for item in items):
        return None, describe(result), False
    arrays = [np.asarray(item) for item in items]
    low = any(a.dtype in (np.float32, np.float16) for a in arrays)
    return tuple(a.astype(np.float64) for a in arrays), None, low


def run(fn, case, names, returns):
    """Call fn on a deep copy of case.args (dicts watched); return an Outcome. Never raises for
    anything fn does (guard.Stopped, the time limit, passes through)."""
    args = [WatchedDict(a) if isinstance(a, dict) else a for a in copy.deepcopy(case.args)]
    try:
        with np.errstate(all="ignore"):
            result = fn(*args)
    except NotImplementedError:
        return Outcome(not_attempted=True)
    except Exception as exc:  # the learner's bug: reported, never raised
        return Outcome(error=one_line(exc), changed=changed_args(case.args, args, names),
                       iterated=_iterated(args, names))
    changed, iterated = changed_args(case.args, args, names), _iterated(args, names)
    if result is None:
        return Outcome(returned_none=True, changed=changed, iterated=iterated)
    values, problem, low = to_arrays(result, returns)
    return Outcome(values=values, bad_type=problem, changed=changed, float32=low,
                   iterated=iterated)


def _iterated(args, names):
    return tuple(n for n, a in zip(names, args) if isinstance(a, WatchedDict) and a.iterated)


def close(a, b, tol=TOL):
    """Same shapes and equal to tol, relative to the size of b's values (NaN equals NaN)."""
    if a is None or b is None or len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if x.shape != y.shape:
            return False
        finite = np.abs(y[np.isfinite(y)])
        scale = max(1.0, float(finite.max())) if finite.size else 1.0
        if not np.allclose(x, y, rtol=tol, atol=tol * scale, equal_nan=True):
            return False
    return True


def same_behaviour(got, want):
    """Whether two lists of Outcomes agree: equal values where both returned, and raising on the
    same cases. At least one case must have been compared."""
    compared = 0
    for g, w in zip(got, want):
        if g.error or w.error:
            if bool(g.error) != bool(w.error):
                return False
            continue
        if not close(g.values, w.values):
            return False
        compared += 1
    return compared > 0


def where(index, case, names=None):
    """'example 3, feature 1 (its variance is 1e-8)' for an index into an output array; names:
    the axes' names (by default from AXES, by the number of axes)."""
    names = names or AXES.get(len(index), tuple(f"axis {k}" for k in range(len(index))))
    text = ", ".join(f"{n} {i}" for n, i in zip(names, index))
    axis = case.meta.get("note_axis", 1 if len(index) == 4 else len(index) - 1)
    note = case.notes.get(int(index[axis])) if index else None
    return f"{text} ({note})" if note else text


def largest_error(got, want, returns, case, axes=None):
    """'the largest error is 2.3, in out at example 3, feature 1 of the (6, 5) batch': where
    got and want differ most, without the expected value."""
    best = (-1.0, None, None)
    for name, g, w in zip(returns, got, want):
        diff = np.abs(g - w)
        diff[np.isnan(diff)] = np.inf
        k = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.size else ()
        if diff.size and diff[k] > best[0]:
            best = (float(diff[k]), name, tuple(int(i) for i in k))
    size, name, index = best
    if name is None:
        return f"the outputs differ on {case.label}"
    size_text = "NaN or inf" if not np.isfinite(size) else f"{size:.2g}"
    at = where(index, case, (axes or {}).get(name)) if index else "the single value"
    return f"the largest error is {size_text}, in {name} at {at}, on {case.label}"
