"""A class's kernels forked from one warm process (bn_core.classroom): they behave as kernels
started the usual way (folder, environment, interrupt, restart, shutdown, subprocesses), start with
matplotlib imported, and cost less CPU to start."""

import os
import subprocess
import sys
import time

import psutil
import pytest
from fresh_kernel import execute
from jupyter_client.manager import KernelManager
from jupyter_client.provisioning import KernelProvisionerFactory

from bn_core.classroom.forkserver import kernel_args
from bn_core.classroom.provisioner import ForkProvisioner

PROBE = ("import os, sys\n"
         "print(os.getcwd(), os.environ.get('BN_FORK_TEST'), 'matplotlib' in sys.modules,"
         " 'joblib' in sys.modules, os.getpgid(0) == os.getpid())")


def start(provisioner, cwd, env=None):
    """(manager, client): a python3 kernel started by `provisioner` (bn-fork, local-provisioner)."""
    # what voila.json configures (KernelProvisionerFactory: one per process)
    KernelProvisionerFactory.instance().default_provisioner_name = provisioner
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(cwd=str(cwd), env={**os.environ, **(env or {})})
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    return manager, client


@pytest.fixture
def fork_env(monkeypatch):
    monkeypatch.delenv("MPLBACKEND", raising=False)  # as a server starts its kernels
    yield
    KernelProvisionerFactory.instance().default_provisioner_name = "local-provisioner"


def stop(manager, client):
    client.stop_channels()
    manager.shutdown_kernel(now=False)


def test_which_command_lines_are_forked():
    python = sys.executable
    assert kernel_args([python, "-m", "ipykernel_launcher", "-f", "c.json"]) == ["-f", "c.json"]
    assert ForkProvisioner.forks([python, "-m", "ipykernel_launcher", "-f", "c.json"])
    assert not ForkProvisioner.forks(["/usr/bin/python3.9", "-m", "ipykernel_launcher", "-f", "c"])
    assert not ForkProvisioner.forks([python, "-m", "other_kernel", "-f", "c.json"])
    assert not ForkProvisioner.forks(["R", "--slave"]) and not ForkProvisioner.forks([])


def test_a_forked_kernel_is_a_kernel(fork_env, tmp_path):
    manager, client = start("bn-fork", tmp_path, {"BN_FORK_TEST": "yes"})
    try:
        assert type(manager.provisioner) is ForkProvisioner
        kernel = psutil.Process(manager.provisioner.pid)
        assert "bn_core.classroom.forkserver" in " ".join(kernel.parent().cmdline())
        assert "ipykernel_launcher" in " ".join(kernel.cmdline())  # what ps and the tests see
        assert execute(client, PROBE).split() == [str(tmp_path), "yes", "True", "True", "True"]
        # its subprocesses can be waited for (the fork server ignores SIGCHLD, the kernel not)
        assert execute(client, "import subprocess\nprint(subprocess.run(['echo', 'ok'], "
                               "capture_output=True, text=True, check=True).stdout)") == "ok\n\n"
        client.execute("import time\ntime.sleep(30)")
        time.sleep(1)
        manager.interrupt_kernel()  # Kernel > Interrupt: SIGINT to the kernel
        while True:
            msg = client.get_iopub_msg(timeout=10)
            if msg["msg_type"] == "error":
                assert msg["content"]["ename"] == "KeyboardInterrupt"
                break
        old = kernel.pid
        manager.restart_kernel(now=True)  # Kernel > Restart: a new fork
        client.wait_for_ready(timeout=60)
        assert manager.provisioner.pid != old and not psutil.pid_exists(old)
        assert execute(client, "print(6 * 7)") == "42\n"
    finally:
        pid = manager.provisioner.pid
        stop(manager, client)
    assert not manager.is_alive() and not psutil.pid_exists(pid)


def _start_cpu(provisioner, tmp_path):
    manager, client = start(provisioner, tmp_path)
    try:
        times = psutil.Process(manager.provisioner.pid).cpu_times()
        return times.user + times.system
    finally:
        stop(manager, client)


def test_a_forked_kernel_starts_on_less_cpu(fork_env, tmp_path, monkeypatch):
    _start_cpu("bn-fork", tmp_path)  # the fork server is up (its imports: once per server)
    forked = min(_start_cpu("bn-fork", tmp_path) for _ in range(2))
    usual = min(_start_cpu("local-provisioner", tmp_path) for _ in range(2))
    # measured: 0.25 against 0.56 CPU-s, and the forked one has matplotlib imported already
    assert forked < 0.75 * usual, (forked, usual)


def test_the_fork_server_ends_with_its_server(tmp_path):
    code = ("from bn_core.classroom import provisioner\n"
            "provisioner.fork_server()\n"
            "print(provisioner._server['proc'].pid, flush=True)\n")
    code += "print(provisioner._server['path'], flush=True)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    pid, path = int(out.split()[-2]), out.split()[-1]
    deadline = time.monotonic() + 10
    while psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline, "the fork server outlived the process that started it"
        time.sleep(0.2)
    assert not os.path.exists(os.path.dirname(path)), "it left its socket behind"
