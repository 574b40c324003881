"""In a real kernel: Kernel > Interrupt while the kernel is idle (a LiveRun training in its thread)
cancels the run and leaves no thread training; a later interrupt still stops a running cell."""

import time

import pytest

jupyter_client = pytest.importorskip("jupyter_client")

SETUP = """
import threading, time
from bn_core.ui.runner import LiveRun

def slow(steps=100_000):
    state = {"step": 0, "steps": steps}
    for k in range(steps):
        time.sleep(0.01)
        state["step"] = k + 1
        yield state

run = LiveRun(slow, lambda state: None)
time.sleep(0.3)
print("training:", run.running)
"""
CHECK = """
alive = [t for t in threading.enumerate() if t.name == "bn-core-LiveRun" and t.is_alive()]
last = run._run
print("threads:", len(alive), "finished:", last.finished, "cancelled:", last.cancelled.is_set())
"""


def execute(client, code, timeout=60):
    """Run code in the kernel; return (its printed text, the reply's status)."""
    out = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            out.append(msg["content"]["ename"])

    reply = client.execute_interactive(code, timeout=timeout, output_hook=hook)
    return "".join(out), reply["content"]["status"]


def test_interrupting_an_idle_kernel_cancels_its_runs():
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3", startup_timeout=120)
    try:
        text, _ = execute(client, SETUP)
        assert "training: True" in text
        manager.interrupt_kernel()  # the kernel is idle: only the run's thread is busy
        time.sleep(1.0)
        text, status = execute(client, CHECK)
        assert status == "ok" and "threads: 0 finished: False cancelled: True" in text, text
        # the handler chained to ipykernel's: an interrupt still stops a running cell
        client.execute("time.sleep(30)")
        time.sleep(1.5)
        manager.interrupt_kernel()
        reply = client.get_shell_msg(timeout=20)
        assert reply["content"]["status"] == "error"
        assert reply["content"]["ename"] == "KeyboardInterrupt"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
