"""One LiveRun run's flags, shared by the kernel's thread (which sets them) and the run's worker
thread (which checks them between two steps): cancelled, go (cleared = paused), step_once, done."""

import threading
import time


class Run:
    """One run: its parameters, its thread and the flags the thread checks between steps."""

    def __init__(self, params, paused):
        self.params = params
        self.cancelled = threading.Event()
        self.go = threading.Event()  # cleared = paused
        if not paused:
            self.go.set()
        self.step_once = False
        self.done = threading.Event()
        self.finished = False  # reached the generator's end (not cancelled, no error)
        self.state, self.error = None, None
        self.started = time.perf_counter()
        self.paused_seconds, self.paused_at = 0.0, self.started
        self.thread = None

    def pause(self):
        if self.go.is_set():
            self.paused_at = time.perf_counter()
            self.go.clear()

    def unpause(self):
        if not self.go.is_set():
            self.paused_seconds += time.perf_counter() - self.paused_at
            self.go.set()

    def elapsed(self):
        """Seconds since the run started, pauses excluded."""
        end = time.perf_counter() if self.go.is_set() else self.paused_at
        return end - self.started - self.paused_seconds
