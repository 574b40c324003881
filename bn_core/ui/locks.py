"""The locks every figure and training run of a kernel share (no matplotlib here: a panel that has
not built its figures yet imports this, not ui.live).
"""

import threading

# One lock for every figure of the kernel: a LiveRun draws from its worker thread while a slider's
# callback may draw on the kernel's thread; matplotlib is not thread-safe, so they take turns.
DRAW_LOCK = threading.RLock()


class Foreground:
    """`with FOREGROUND:` around a control's callback on the kernel's thread: while any is in
    progress, LiveRun workers wait between two steps (at most 0.5 s), so the callback gets the
    CPU and the GIL and answers as fast as when nothing trains (the step scrubber, mostly)."""

    def __init__(self):
        self._count, self._lock, self._idle = 0, threading.Lock(), threading.Event()
        self._idle.set()

    def __enter__(self):
        with self._lock:
            self._count += 1
            self._idle.clear()
        return self

    def __exit__(self, *exc):
        with self._lock:
            self._count -= 1
            if self._count == 0:
                self._idle.set()

    def wait(self, timeout=None):
        """Return once no callback is in progress (True), or after `timeout` s (False)."""
        return self._idle.wait(timeout)


FOREGROUND = Foreground()
