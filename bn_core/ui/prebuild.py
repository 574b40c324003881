"""Figures built while the learner reads, so that the first touch of a control answers as fast as
the hundredth.

A notebook opens on stored pictures (ui.poster): no matplotlib, no figure. Without this module the
learner's first move paid for both (matplotlib imported, the figure built: 0.4-0.9 s). Here each
figure that opened on its picture is queued, and once the kernel is idle (no cell has run for
IDLE s) the queue is worked off on the kernel's own thread, one figure per turn of its event loop:
a slider's message that arrives meanwhile waits for at most one figure (~0.2-0.4 s, the matplotlib
import the first time), and is handled before the next one.

    prebuild.later(image, build, pending)   # image: the figure's Image widget (queued once);
        # build(): builds the figure and draws what is on show; pending(): whether that is still
        # needed when its turn comes

Why the kernel's thread and not a worker thread: a panel builds its figure on first use from a
control's callback; one thread doing both means no figure is ever built twice or drawn from two
threads, and a queued build whose figure the learner built meanwhile is skipped (pending()).

Once every figure is built, the kernel imports what ipywidgets' interactive_output imports at its
first call (matplotlib_inline, pyplot: ~90 ms that notebook 03's, 04's and 05's first taps paid),
collects its garbage and freezes what is left (gc.freeze): the objects a kernel holds by then
(matplotlib, the figures, the widgets: ~150k) are no longer scanned by Python's full collections,
which otherwise came every few taps and took ~60 ms each (measured in the kernel during notebook
03's taps). A cell that runs unfreezes them (a re-run panel's old figures must stay collectable),
and the kernel freezes again once idle.

Only in a Jupyter kernel (JupyterLab, Voila, nbval): scripts, tests and the warm step queue
nothing. BN_CORE_PREBUILD=off turns it off (the figures are then built at the first move, as
before).
"""

import contextlib
import gc
import logging
import os
import sys
import time
from collections import deque

from bn_core.ui.locks import DRAW_LOCK

IDLE = 1.5  # s without a cell running before the first build (Run All's cells come first)
GAP = 0.02  # s between two builds: the messages that arrived meanwhile are handled in between

log = logging.getLogger(__name__)
_queue = deque()  # (image, build, pending), in the order the page shows them
_state = {"shell": None, "busy": False, "last": 0.0, "scheduled": False, "built": 0,
          "settled": False, "frozen": 0}  # frozen: objects gc.freeze() moved at the last settle


def enabled():
    """Whether figures are built in the background here (a Jupyter kernel, not turned off)."""
    return _kernel() is not None


def _kernel():
    if os.environ.get("BN_CORE_PREBUILD", "").lower() in ("off", "0", "no", "false"):
        return None
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    kernel = getattr(shell, "kernel", None)
    return kernel if getattr(kernel, "io_loop", None) is not None else None


def later(image, build, pending=lambda: True):
    """Queue build() for the figure shown in `image` for when the kernel is idle (once per image:
    a later call replaces the build queued for it, keeping its place); True if queued (False
    outside a kernel)."""
    kernel = _kernel()
    if kernel is None:
        return False
    _hook(kernel.shell)
    for i, (queued_image, _, _) in enumerate(_queue):
        if queued_image is image:
            _queue[i] = (image, build, pending)
            break
    else:
        _queue.append((image, build, pending))
    _state["last"] = time.monotonic()
    _schedule(kernel, IDLE)
    return True


def _hook(shell):
    """Follow the cells: a build never starts while one runs or soon after one ended."""
    if _state["shell"] is shell:
        return
    _state["shell"] = shell
    shell.events.register("pre_run_cell", _cell_starts)
    shell.events.register("post_run_cell", _cell_ends)


def _cell_starts(*_info):
    _state["busy"] = True
    if _state["settled"]:  # what the cell drops (a panel run again) must be collectable
        gc.unfreeze()
        _state["settled"] = False


def _cell_ends(*_result):
    _state["busy"], _state["last"] = False, time.monotonic()
    kernel = _kernel()
    if kernel is not None:
        _schedule(kernel, IDLE)  # once idle again: build what the cell queued, then settle


def _settle():
    """Nothing left to build: import what a first move would, collect the garbage now, while the
    learner reads, then freeze the survivors (see the module's docstring), so that no tap pays for
    a full collection."""
    _first_call_imports()
    gc.collect()
    gc.freeze()
    _state["settled"], _state["frozen"] = True, gc.get_freeze_count()


def _first_call_imports():
    """ipywidgets' interactive_output (its Output widget: notebooks 03 to 05) imports
    matplotlib_inline and pyplot at its first call once matplotlib is loaded (~90 ms of a first
    tap); imported now where the page has one (elsewhere it would only cost the kernel)."""
    if "matplotlib" not in sys.modules:
        return
    from ipywidgets import Output
    from ipywidgets.widgets import widget

    if any(isinstance(w, Output) for w in list(getattr(widget, "_instances", {}).values())):
        with contextlib.suppress(ImportError):
            import matplotlib_inline.backend_inline  # noqa: F401


def _schedule(kernel, delay):
    if not _state["scheduled"]:
        _state["scheduled"] = True
        kernel.io_loop.call_later(delay, _turn)


def _turn():
    """One turn: build the next queued figure if the kernel is idle, then schedule the next."""
    _state["scheduled"] = False
    kernel = _kernel()
    if kernel is None or (not _queue and _state["settled"]):
        return
    wait = IDLE - (time.monotonic() - _state["last"])
    if _state["busy"] or wait > 0:
        _schedule(kernel, max(wait, 0.1))
        return
    if not _queue:
        _settle()
        return
    if not DRAW_LOCK.acquire(blocking=False):  # a training run is drawing: after it
        _schedule(kernel, 0.1)
        return
    try:
        _image, build, pending = _queue.popleft()
        if pending():
            build()
            _state["built"] += 1
    except Exception:  # a figure that cannot be built now is built at the first move instead
        log.debug("building a figure in the background failed", exc_info=True)
    finally:
        DRAW_LOCK.release()
    _schedule(kernel, GAP)  # the next figure, or the settle once there is none


def drain():
    """Build everything queued now, on this thread (tests; a kernel that wants it all at once)."""
    while _queue:
        _image, build, pending = _queue.popleft()
        with DRAW_LOCK:
            if pending():
                build()
                _state["built"] += 1


def queued():
    """How many figures wait to be built (a figure a move has built meanwhile does not wait)."""
    return sum(1 for _image, _build, pending in _queue if pending())
