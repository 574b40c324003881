"""Calling a learner's function under a time limit, and saying in a few words what came back.

    outcomes, stuck = run_all(fn, cases, names, returns)   # stuck: the Case still running at the
                                                           # limit (then outcomes is None)
    describe(obj)   'a str ('out')', 'a list of 2: (array (6, 5), dict)', 'None'

The learner's calls run in a daemon thread joined with a timeout: a function that loops forever
cannot hang the check cell. At the limit the thread is asked to stop (an exception raised in it
at its next Python line; a single long numpy call still finishes in the background).
"""

import contextlib
import ctypes
import io
import threading
import warnings

import numpy as np

LIMIT = 5.0  # seconds for all the learner's calls of one check


class Stopped(BaseException):
    """Raised inside a learner's function that ran past the limit (BaseException: a learner's
    `except Exception` does not swallow it)."""


def _stop(thread):
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident),
                                               ctypes.py_object(Stopped))


def run_all(fn, cases, call, limit=LIMIT):
    """[call(fn, case) for case in cases], run in a thread for at most `limit` seconds, output
    and warnings silenced. Returns (results, None), or (None, the case that was running)."""
    results, state = [], {"at": 0}

    def work():
        with np.errstate(all="ignore"):
            for i, case in enumerate(cases):
                state["at"] = i
                try:
                    results.append(call(fn, case))
                except Stopped:
                    return

    thread = threading.Thread(target=work, daemon=True, name="exercise-check")
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        thread.start()
        thread.join(limit)
    if thread.is_alive():
        _stop(thread)
        return None, cases[state["at"]]
    return results, None


def describe(obj, depth=0):
    """A few words on what obj is, for 'expected ..., got <this>'."""
    if obj is None:
        return "None"
    if isinstance(obj, np.ndarray):
        kind = "" if obj.dtype.kind in "fiub" else f" of {obj.dtype.name}"
        return f"an array{kind} of shape {obj.shape}" if depth == 0 else f"array {obj.shape}"
    if isinstance(obj, dict):
        keys = ", ".join(map(str, list(obj)[:8]))
        return f"a dict with keys {keys}" if depth == 0 else "dict"
    if isinstance(obj, (tuple, list)):
        if depth:
            return f"{type(obj).__name__} of {len(obj)}"
        inner = ", ".join(describe(item, 1) for item in obj[:4]) + (", ..." if len(obj) > 4
                                                                    else "")
        return f"a {type(obj).__name__} of {len(obj)}: ({inner})"
    if isinstance(obj, (str, int, float, complex, bool, np.generic)):
        text = repr(obj)
        text = text if len(text) <= 20 else text[:17] + "..."
        return f"a {type(obj).__name__} ({text})" if depth == 0 else type(obj).__name__
    return f"a {type(obj).__name__}" if depth == 0 else type(obj).__name__
