"""LiveRun: a training experiment that streams into its figures, gives way to a newer run at once,
and never blocks the notebook.

Why: a widget callback runs on the kernel's message loop: while it trains no other message is
handled (another slider, a button). Here a callback only *starts* a run. The run steps in a worker
thread, draws at most every `frame_seconds`, and stops without drawing again once replaced.

An experiment is a generator function of the controls' values that yields its state after each
step (a few ms of work); `draw(state)` puts that state on the figures:

    def start(lr=0.5):
        yield from train_steps(model(), data, steps=1000, batch_size=60, lr=lr, rng=rng(1))
    def draw(state):
        line.set_data(range(state["step"]), state["loss"][:state["step"]])
        live.refresh()
    run = LiveRun(start, draw, params={"lr": 0.5})
    slider.observe(lambda change: run.restart(lr=change["new"]), "value")
    display(run.widget)          # play/pause, step, reset, speed, "step k / T, x s", errors in red
    state = run.wait()           # tests and nbval: block until the run ends, get its last state

lookup(params) -> a stored final state or None (e.g. experiments.cache.final_lookup): a run started
by a control shows a stored end at once instead of training; play, step and reset always train; a
run at the opening parameters whose stored end was broken stores it again (lookup.keep).
poster (ui.poster.RunPosters): a stored end is not even drawn if a picture of it is stored (shown
before the state is read; `draw` is called first for a state not stored); the first kernel that
draws a stored end keeps its picture.

Same seed, same numbers: the worker exhausts the same generator a blocking call would; draw() gets
the generator's own state object, not a copy (LiveRun reads state["step"], state["steps"]). What
the first run of a kernel pays once is paid while the learner reads (ui.warm_run).
"""

import inspect
import threading
import time

from bn_core.ui import prebuild, warm_run
from bn_core.ui.interrupt import LIVE_RUNS, install_interrupt_handler
from bn_core.ui.locks import DRAW_LOCK, FOREGROUND
from bn_core.ui.palette import TEXT
from bn_core.ui.run_controls import RunControls, error_html
from bn_core.ui.run_flags import Run


def default_progress(state):
    """(steps done, steps in all) of a train_steps-style state dict."""
    return state["step"], state["steps"]


class LiveRun:
    """Run `start(**params)` in a worker thread and stream its states to `draw`.

    start: generator function; draw: callable(state), called with DRAW_LOCK held, only for the
    current run. params: the first run's keyword arguments. frame_seconds: the longest time between
    two frames at full speed. autostart: start the first run now (else wait for play/restart).
    on_done: callable(state), called once when a run reaches its end (not when cancelled)."""

    def __init__(self, start, draw, params=None, frame_seconds=0.1, autostart=True,
                 on_done=None, progress=default_progress, lookup=None, poster=None):
        if frame_seconds <= 0:
            raise ValueError(f"frame_seconds: got {frame_seconds!r}; expected > 0")
        self._start, self._draw, self._on_done, self.progress = start, draw, on_done, progress
        self._lookup = lookup  # lookup(params): a stored final state for params, or None
        self._poster = poster  # .show(params, state) -> True if a picture of the stored end shows
        self.params, self._opening = dict(params or {}), dict(params or {})  # warmed: kept
        # steps_per_frame 0: a frame every frame_seconds, as fast as training goes
        self.frame_seconds, self.steps_per_frame = frame_seconds, 0
        self.completed = 0  # runs that reached their end (a test counts superseded runs with it)
        self.state = None  # the last state drawn
        self._run = None
        self.controls = c = RunControls(self)
        self.widget, self.readout, self.error = c.widget, c.readout, c.error
        LIVE_RUNS.add(self)
        install_interrupt_handler()
        prebuild.later(warm_run, warm_run.warm)  # once per kernel (queued once)
        if autostart:
            self.restart()

    # ---------------------------------------------------------------- controlling the runs

    def restart(self, paused=False, fresh=False, **params):
        """Cancel the current run (it stops within one step, drawing nothing more) and start a new
        one with the parameters updated by `params`. fresh: train even if `lookup` has the end."""
        self.params.update(params)
        run = Run(dict(self.params), paused)
        run.fresh = fresh or paused
        with DRAW_LOCK:  # from here on the old run cannot draw
            old, self._run = self._run, run
            self.error.value = ""
        if old is not None:
            old.cancelled.set()
            old.go.set()  # a paused run wakes up to notice it is cancelled
        run.thread = threading.Thread(target=self._work, args=(run,), daemon=True,
                                      name="bn-core-LiveRun")
        run.thread.start()
        self._sync_buttons()
        return run

    def pause(self):
        if self._run is not None:
            self._run.pause()
        self._sync_buttons()

    def resume(self):
        """Go on training; a run that has finished starts again from the beginning."""
        run = self._run
        if run is None or run.done.is_set():
            self.restart(fresh=True)  # the learner asked to watch it train
            return
        run.unpause()
        self._sync_buttons()

    def step(self):
        """One more step, drawn, then paused."""
        run = self._run
        if run is None or run.done.is_set():
            run = self.restart(paused=True)
        run.step_once = True
        run.unpause()
        self._sync_buttons(playing=False)

    def reset(self):
        """Back to step 0 with the current parameters, paused."""
        self.restart(paused=True)

    def cancel(self):
        """Stop the current run (within one step); the figures keep what they show."""
        if self._run is not None:
            self._run.cancelled.set()
            self._run.go.set()
        self._sync_buttons(playing=False)

    def wait(self, timeout=None):
        """Block until the current run has ended; return its last state (None if it failed).
        An interrupt while waiting (KeyboardInterrupt) cancels the run, then propagates."""
        run = self._run
        if run is None:
            return None
        try:
            if not run.done.wait(timeout):
                raise TimeoutError(f"the run did not end within {timeout} s")
        except KeyboardInterrupt:
            self.cancel()
            raise
        return None if run.error else run.state

    @property
    def running(self):
        return self._run is not None and not self._run.done.is_set()

    # ---------------------------------------------------------------- the worker thread

    def _work(self, run):
        try:
            if self._lookup is not None and self._poster is not None and not run.fresh:
                with DRAW_LOCK:  # its picture at once: reading the stored state takes 20-150 ms
                    if run is self._run and not run.cancelled.is_set():
                        self._poster.show(run.params)
            final = None if self._lookup is None or run.fresh else \
                self._lookup(run.params)  # a stored end for these params: shown, not trained
            run.state = final  # a stored end: no step to train, no frame to draw but the last
            states = iter(()) if final is not None else self._start(**run.params)
            last_frame, since_frame, gap = 0.0, 0, self.frame_seconds
            for state in states:
                FOREGROUND.wait(0.5)  # a control's callback is drawing: let it have the CPU
                if run.cancelled.is_set():
                    states.close()
                    return
                run.state, since_frame = state, since_frame + 1
                spf, now = self.steps_per_frame, time.perf_counter()
                if run.step_once or (since_frame >= spf if spf else now - last_frame >= gap):
                    self._show(run, state)
                    since_frame = 0
                    if spf:  # paced: one frame per frame_seconds at most
                        time.sleep(max(0.0, self.frame_seconds - (time.perf_counter() - now)))
                    last_frame = time.perf_counter()
                    # training gets at least twice the time drawing takes (a busy machine)
                    gap = max(self.frame_seconds, 2 * (last_frame - now))
                if run.step_once:
                    run.step_once = False
                    run.pause()
                    self._sync_buttons(playing=False)
                if not run.go.is_set():
                    run.go.wait()
                    if run.cancelled.is_set():
                        states.close()
                        return
            if run.state is not None and not run.cancelled.is_set():
                pictured = final is not None and self._poster is not None and \
                    self._poster.show(run.params, run.state)
                self._show(run, run.state, final=True, draw=not pictured)
                if final is not None and not pictured and self._poster is not None:
                    self._poster.store(run.params)
                if final is None and run.params == self._opening and hasattr(self._lookup, "keep"):
                    self._lookup.keep(run.params, run.state)  # only if broken
                run.finished, self.completed = True, self.completed + 1
                with DRAW_LOCK:  # a newer run may not be drawn over by this one's end
                    if self._on_done is not None and run is self._run:
                        self._on_done(run.state)
        except Exception as exc:  # shown in the panel: Voila swallows errors of threads
            run.error = exc
            with DRAW_LOCK:
                if run is self._run:
                    self.error.value = error_html(exc)
                    self.controls.status.say((id(run), "error"), "the run stopped with an error")
        finally:
            run.done.set()
            if run is self._run:
                self._sync_buttons(playing=False)

    def _show(self, run, state, final=False, draw=True):
        """Draw a frame. A draw that is a generator function is drawn in parts (one figure per
        `yield`): between two, the lock is free and a control's callback goes first.
        draw=False: only the readout (a stored picture shows the state)."""
        parts = None
        while draw:
            with DRAW_LOCK:
                if run is not self._run or run.cancelled.is_set():
                    return  # superseded: a newer run owns the figures
                if parts is None:
                    parts = self._draw(state)
                if not inspect.isgenerator(parts) or next(parts, StopIteration) is StopIteration:
                    break
            FOREGROUND.wait(0.5)
        with DRAW_LOCK:
            if run is not self._run or run.cancelled.is_set():
                return
            self.state = state
            step, steps = self.progress(state)
            status = "done" if final else ("paused" if not run.go.is_set() else "training")
            self.readout.value = (f"step {step} / {steps}, {run.elapsed():.1f} s "
                                  f"<span style='color:{TEXT['reference']}'>({status})</span>")
            self.controls.announce(run, status, step, steps, run.elapsed())

    # ---------------------------------------------------------------- widgets

    def toggle(self):
        """Play if paused or done, pause if training."""
        if self.running and self._run.go.is_set():
            self.pause()
        else:
            self.resume()

    def _sync_buttons(self, playing=None):
        if playing is None:
            playing = self.running and self._run.go.is_set()
        self.controls.show_playing(playing)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
