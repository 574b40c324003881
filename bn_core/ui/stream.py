"""Helpers for figures that a LiveRun draws while a run trains.

    Growing              a recorder's rows as one array, converting only the new rows
    so_far(state, ...)   a recorder field of a train_steps state (or of one of several), so far
    first_frame(state)   whether a figure draws this run for the first time (limits start afresh)
    grow(ax, values)     y limits that hold the values, widened with room to spare, never shrunk
    limits(*arrays)      tight (lo, hi) around every finite value (a finished run's limits)
    settle(ax, ...)      at a streamed run's end: keep the grown limits if they fit, else tight

Per-run caches live in the run's state dict (state["views"]): a new run starts afresh.
"""

import numpy as np


class Growing:
    """A recorder's list of rows as one array, grown in place: each call converts only the rows
    appended since the last one (a frame costs the new steps, not the whole run)."""

    def __init__(self):
        self.buf, self.n = None, 0

    def update(self, rows):
        """rows: list of equally shaped arrays (or numbers). Returns (len(rows), ...)."""
        if len(rows) > self.n:
            block = np.asarray(rows[self.n:])
            if self.buf is None or len(rows) > len(self.buf):
                buf = np.empty((max(64, 2 * len(rows)),) + block.shape[1:], block.dtype)
                if self.buf is not None:
                    buf[:self.n] = self.buf[:self.n]
                self.buf = buf
            self.buf[self.n:len(rows)] = block
            self.n = len(rows)
        return self.buf[:self.n]


def so_far(state, key, recorder, field):
    """Field `field` of recorder `recorder` of state[key] (a train_steps state), every row
    recorded so far: (R, ...)."""
    cache = state.setdefault("views", {})  # lives with this run's state: a new run starts afresh
    grown = cache.setdefault((key, recorder, field), Growing())
    return grown.update(state[key]["record"][recorder].rows[field])


def first_frame(state, name):
    """True the first time figure `name` draws this run (it then sets its limits afresh)."""
    seen = state.setdefault("views", {}).setdefault("drawn", set())
    new = name not in seen
    seen.add(name)
    return new


def grow(ax, values, fresh, log=False, pad=0.3):
    """Widen ax's y limits to hold `values` (never shrink; fresh: limits around the values alone,
    if they do not fit), with room to spare so that few frames pay a full redraw (a fresh run
    whose first values fit keeps the limits: its first frame is a quick one). Returns True if
    the limits changed."""
    values = np.ravel(values)
    values = values[np.isfinite(values) & (values > 0)] if log else values
    if not values.size:
        return False
    t = np.log10(values) if log else values
    lo, hi = t.min(), t.max()
    cur = np.log10(ax.get_ylim()) if log else ax.get_ylim()
    if lo >= cur[0] and hi <= cur[1]:  # fits: a new run keeps the last one's limits at first
        return False
    span = max(hi - lo, 0.3 if log else 1e-3)
    lo, hi = lo - pad * span, hi + pad * span
    if not fresh:
        lo, hi = min(lo, cur[0]), max(hi, cur[1])
    ax.set_ylim(*((10**lo, 10**hi) if log else (lo, hi)))
    return True


def limits(*arrays, pad=0.05):
    """(lo, hi) around every finite value of the arrays, padded by `pad` of the range."""
    values = np.concatenate([np.ravel(a) for a in arrays])
    values = values[np.isfinite(values)]
    lo, hi = (values.min(), values.max()) if values.size else (0.0, 1.0)
    span = max(hi - lo, 1e-3)
    return lo - pad * span, hi + pad * span


def settle(ax, tight, values, log=False, fill=0.5):
    """At the end of a run the figure streamed: keep ax's y limits (grown while it trained) if they
    hold every value and the values span at least `fill` of them, else set `tight` (the limits a
    finished run gets). A kept limit costs no full redraw. Returns True if the limits changed."""
    values = np.ravel(values)
    values = values[np.isfinite(values) & (values > 0)] if log else values[np.isfinite(values)]
    t = np.log10(values) if log else values
    cur = np.log10(ax.get_ylim()) if log else np.asarray(ax.get_ylim())
    if t.size and cur[0] <= t.min() and t.max() <= cur[1] and \
            t.max() - t.min() >= fill * (cur[1] - cur[0]):
        return False
    ax.set_ylim(*tight)
    return True


def set_xlim(axes, lo, hi):
    """Set every axes' x limits to (lo, hi); True if any changed (the background is stale)."""
    stale = [a for a in np.atleast_1d(axes) if tuple(a.get_xlim()) != (lo, hi)]
    for a in stale:
        a.set_xlim(lo, hi)
    return bool(stale)
