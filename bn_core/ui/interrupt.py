"""Interrupting the kernel, restarting or shutting it down leaves no LiveRun training.

A LiveRun trains in a daemon thread, which an interrupt does not reach: the kernel delivers SIGINT
to the main thread only. So every LiveRun registers in LIVE_RUNS, and
    install_interrupt_handler()   SIGINT cancels every run (then does what it did before)
    cancel_all(join_seconds)      cancel them all (also at interpreter exit: shutdown, restart)
A cancelled run stops within one step and draws nothing more.
"""

import atexit
import signal
import threading
import time
import weakref

LIVE_RUNS = weakref.WeakSet()  # every LiveRun of the process: an interrupt or exit cancels them all


def cancel_all(join_seconds=0.0):
    """Cancel every LiveRun's current run; wait up to join_seconds for their threads to end.
    Returns the number of runs that were still training."""
    runs = [live._run for live in list(LIVE_RUNS) if live.running]
    for live in list(LIVE_RUNS):
        live.cancel()
    deadline = time.monotonic() + join_seconds
    for run in runs:
        run.done.wait(max(0.0, deadline - time.monotonic()))
    return len(runs)


def _chain(previous):
    """A SIGINT handler: cancel every run, then do what `previous` did (raise
    KeyboardInterrupt, ignore...)."""
    def on_sigint(signum, frame):
        cancel_all()
        if callable(previous):
            previous(signum, frame)
    on_sigint.bn_core_live_run = True
    return on_sigint


def install_interrupt_handler():
    """Make an interrupt (Kernel > Interrupt, the stop button, Ctrl-C) cancel every run.

    The kernel delivers SIGINT to the main thread. While a cell or a widget message is handled,
    ipykernel installs Python's default handler (KeyboardInterrupt in that cell; wait() cancels its
    run then), and afterwards it restores the handler it saved, SIG_IGN for an idle kernel: so
    inside a handler ours goes where ipykernel restores from (kernel.saved_sigint_handler), and
    elsewhere (a script, pytest) it is installed directly. Either way it chains to the handler it
    replaces. Only the main thread may install signal handlers: elsewhere this does nothing.
    Returns True if a handler is (now) in place."""
    if threading.current_thread() is not threading.main_thread():
        return False
    kernel = _kernel()
    current = signal.getsignal(signal.SIGINT)
    if getattr(current, "bn_core_live_run", False):
        return True
    saved = getattr(kernel, "saved_sigint_handler", None)
    if kernel is not None and current is signal.default_int_handler and saved is not None:
        if not getattr(saved, "bn_core_live_run", False):
            kernel.saved_sigint_handler = _chain(saved)  # ipykernel restores it after this message
        return True
    signal.signal(signal.SIGINT, _chain(current))
    return True


def _kernel():
    """The ipykernel Kernel this code runs in, or None."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return getattr(get_ipython(), "kernel", None)


atexit.register(cancel_all, 1.0)  # a kernel shutdown or restart leaves no run training
