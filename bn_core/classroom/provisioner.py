"""ForkProvisioner: jupyter_client's local provisioner, with kernels forked from one warm process
(forkserver.py) instead of each started from scratch.

Used by Voila for a class (voila.json: KernelProvisionerFactory.default_provisioner_name =
"bn-fork"; registered in pyproject.toml under jupyter_client.kernel_provisioners). The fork server
is started at the first kernel a server launches and ends with that server. A kernel command line
that is not `python -m ipykernel_launcher ...`, or a fork server that does not answer, launches
the usual way (LocalProvisioner). Interrupts, restarts and shutdowns work as for any local
kernel: the forked kernel leads its own process group, which the provisioner signals.
"""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

from jupyter_client.provisioning import LocalProvisioner

from bn_core.classroom.forkserver import kernel_args

START_TIMEOUT = 30.0  # s for the fork server to import everything and listen (~1.5 CPU-s)
_server = {"proc": None, "path": None}
_lock = threading.Lock()


class ForkedKernel:
    """What LocalProvisioner expects of its Popen, for a kernel forked by another process (the
    fork server reaps it: gone from the process table = ended)."""

    stdin = stdout = stderr = None

    def __init__(self, pid):
        self.pid, self.returncode = pid, None

    def poll(self):
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0  # its exit status went to the fork server
        return self.returncode

    def wait(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.05)
        return self.returncode

    def send_signal(self, signum):
        os.kill(self.pid, signum)

    def terminate(self):
        self.send_signal(signal.SIGTERM)

    def kill(self):
        self.send_signal(signal.SIGKILL)


def fork_server():
    """The Unix socket of this process's fork server, started (and waited for) if needed."""
    with _lock:
        proc = _server["proc"]
        if proc is None or proc.poll() is not None:
            folder = tempfile.mkdtemp(prefix="bn-forkserver-")  # 0700: the server's user only
            path = os.path.join(folder, "socket")
            proc = subprocess.Popen([sys.executable, "-m", "bn_core.classroom.forkserver", path],
                                    stdin=subprocess.DEVNULL)
            _server.update(proc=proc, path=path)
            deadline = time.monotonic() + START_TIMEOUT
            while not _answers(path):
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    raise RuntimeError("bn_core.classroom.forkserver did not start")
                time.sleep(0.05)
        return _server["path"]


def _answers(path):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(path)
        except OSError:
            return False
        probe.sendall(b"{}\n")  # an empty request: the server answers nothing, forks nothing
        return True


def fork_kernel(argv, env, cwd):
    """Ask the fork server for a kernel; its pid."""
    request = {"argv": list(argv), "env": dict(env), "cwd": str(cwd)}
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(30)
        conn.connect(fork_server())
        conn.sendall((json.dumps(request) + "\n").encode())
        return json.loads(conn.makefile("r").readline())["pid"]


class ForkProvisioner(LocalProvisioner):
    """LocalProvisioner whose python kernels are forked from the warm fork server."""

    @staticmethod
    def forks(cmd):
        """Whether kernel command line `cmd` is forked: ipykernel on this very Python (another
        program, or another environment's Python, is launched the usual way)."""
        return (kernel_args(cmd) is not None
                and os.path.realpath(cmd[0]) == os.path.realpath(sys.executable))

    async def launch_kernel(self, cmd, **kwargs):
        if not self.forks(cmd):
            return await super().launch_kernel(cmd, **kwargs)
        env = {**(kwargs.get("env") or os.environ), "JPY_PARENT_PID": str(os.getpid())}  # as
        # jupyter_client's launcher sets it: the kernel ends if this server is gone
        cwd = kwargs.get("cwd") or os.getcwd()
        try:
            pid = await asyncio.get_running_loop().run_in_executor(
                None, fork_kernel, cmd, env, cwd)
        except (OSError, RuntimeError, ValueError, KeyError) as error:
            self.log.warning("bn-fork: starting the kernel the usual way (%s)", error)
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedKernel(pid)
        self.pid, self.pgid, self.cwd = pid, pid, cwd  # its own session: group id = pid
        return self.connection_info
