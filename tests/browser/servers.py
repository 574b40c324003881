"""JupyterLab, Voila and Chromium for the browser tests and benchmarks/slider_latency.py.

Each server runs this venv's Python (`sys.executable -m jupyterlab` / `-m voila`, so kernels named
"python3" run it too), on 127.0.0.1 and a free port, without token or password, with its own
temporary config/runtime/settings/workspaces directories, serving a COPY of the notebooks (Lab
autosaves outputs into the files it opens). It is stopped by its process group id.

    with serve("lab", notebooks, workdir) as lab:      # lab.url = "http://127.0.0.1:PORT/"
        ...
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# Lab settings: render every cell (no virtual scrolling, so the whole notebook is in the DOM),
# and no autosave or dialogs to click away.
NOTEBOOK_SETTINGS = "@jupyterlab/notebook-extension/tracker.jupyterlab-settings"
LAB_SETTINGS = {
    NOTEBOOK_SETTINGS: {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                         "checkForUpdates": False},
}


def free_port():
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(workdir, cache=None):
    """Environment of a server: private Jupyter dirs, this venv's kernels, inline matplotlib;
    its kernels' experiment cache is folder `cache` when given, else the cache in use."""
    env = dict(os.environ)
    if cache is not None:
        env["BN_CORE_CACHE_DIR"] = str(cache)
    env.pop("MPLBACKEND", None)  # tests/run.sh sets Agg; a learner's kernel uses inline plots
    env.update(
        JUPYTER_CONFIG_DIR=str(workdir / "config"),
        JUPYTER_RUNTIME_DIR=str(workdir / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(workdir / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(workdir / "workspaces"),
        JUPYTER_DATA_DIR=str(workdir / "data"),
        JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"),
        PYTHONHASHSEED="0",
        PYTHONFAULTHANDLER="1",  # a kernel sent SIGABRT writes every thread's stack to the log
    )
    return env


def server_command(kind, root, port):
    """The command line of a JupyterLab ("lab") or Voila ("voila") server serving `root`."""
    if kind == "lab":
        return [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
                f"--port={port}", f"--ServerApp.root_dir={root}", "--IdentityProvider.token=",
                "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True", "--allow-root",
                "--LabApp.news_url=None",
                "--LabApp.extension_manager=readonly", "--ServerApp.open_browser=False"]
    if kind == "voila":
        return [sys.executable, "-m", "voila", str(root), "--no-browser", "--Voila.ip=127.0.0.1",
                f"--port={port}", "--VoilaConfiguration.show_tracebacks=True",
                # let a closed page shut its kernel down (Voila posts without an _xsrf)
                "--Voila.tornado_settings={'disable_check_xsrf': True}"]
    raise ValueError(f"server kind must be 'lab' or 'voila', got {kind!r}")


class Server:
    """A running server: `url` (ends with "/"), `root` (the served copy), `log` (its output)."""

    def __init__(self, kind, notebooks, workdir, timeout=60, cache=None, lab_defaults=False):
        """lab_defaults: Lab draws a notebook as a learner's does (its default windowing mode:
        off-screen cells skipped by the browser), not every cell (the tests find them all)."""
        self.kind, self.workdir = kind, Path(workdir)
        self.root = self.workdir / "notebooks"
        shutil.copytree(notebooks, self.root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        settings = {**LAB_SETTINGS, NOTEBOOK_SETTINGS: {}} if lab_defaults else LAB_SETTINGS
        for name, values in settings.items():
            path = self.workdir / "settings" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        port = free_port()
        self.url = f"http://127.0.0.1:{port}/"
        self.log = self.workdir / f"{kind}.log"
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                server_command(kind, self.root, port), cwd=self.workdir,
                env=server_env(self.workdir, cache),
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)
        self._wait_up(timeout)

    def _wait_up(self, timeout):
        probe = self.url + ("api/status" if self.kind == "lab" else "voila/tree")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} exited with {self.proc.returncode}: {self.tail()}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(probe, timeout=2) as response:
                    if response.status == 200:
                        return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.kind} did not answer {probe} in {timeout} s: {self.tail()}")

    def tail(self, lines=30):
        """The last lines of the server's output (for error messages)."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout=15):
        """SIGTERM the server's process group (it shuts its kernels down), SIGKILL if it hangs."""
        if self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


@contextlib.contextmanager
def serve(kind, notebooks, workdir, cache=None, lab_defaults=False):
    """Start a server (see Server), yield it, stop it."""
    server = Server(kind, notebooks, workdir, cache=cache, lab_defaults=lab_defaults)
    try:
        yield server
    finally:
        server.stop()


def launch_chromium(playwright):
    """Debian's Chromium, headless (never a downloaded browser)."""
    if not os.access(CHROMIUM, os.X_OK):
        raise FileNotFoundError(f"{CHROMIUM} is missing: apt-get install chromium "
                                "(tests/run.sh does it)")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


@contextlib.contextmanager
def classroom_voila(workdir, *args, pools=None):
    """`voila notebooks/` as the README tells a teacher: started in a copy of the repository's root
    (its voila.json and notebooks) so that Voila reads ./voila.json; extra command-line `args`
    override it; pools: {notebook: size} replaces the pre-heated pools' sizes (tests keep them
    small). Yields (process, url, log path); the experiment cache lives in workdir."""
    root = Path(__file__).resolve().parents[2]
    workdir = Path(workdir)
    shutil.copytree(root / "notebooks", workdir / "notebooks")
    config = json.loads((root / "voila.json").read_text())
    for name, size in (pools or {}).items():
        config["VoilaKernelManager"]["kernel_pools_config"][name]["pool_size"] = size
    (workdir / "voila.json").write_text(json.dumps(config))
    port = free_port()
    url, log = f"http://127.0.0.1:{port}/", workdir / "voila.log"
    env = server_env(workdir, workdir / "cache")
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "voila", "notebooks/", "--no-browser", "--Voila.ip=127.0.0.1",
             f"--port={port}", *args], cwd=workdir, env=env, stdout=out,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"voila did not start: {log.read_text()}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(url + "voila/tree", timeout=2):
                    break
            time.sleep(0.2)
        yield proc, url, log
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def kernels(pid):
    """The ipykernel processes under the server process `pid`."""
    import psutil

    found = []
    for proc in psutil.Process(pid).children(recursive=True):
        with contextlib.suppress(psutil.Error):  # gone, or a zombie not reaped yet
            if proc.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(proc.cmdline()):
                found.append(proc)
    return found


def dump_newest_kernel(server, settle=3.0):
    """Abort the kernel `server` started last (SIGABRT: with PYTHONFAULTHANDLER, see server_env,
    it writes the stack of each of its threads to the server's log) and return what the log gained:
    where a kernel that stopped answering was stuck. "" if the server has no kernel."""
    found = kernels(server.proc.pid)
    if not found:
        return ""
    before = server.log.stat().st_size
    newest = max(found, key=lambda proc: proc.create_time())
    with contextlib.suppress(OSError):
        os.kill(newest.pid, signal.SIGABRT)
    time.sleep(settle)
    with open(server.log, "rb") as log:
        log.seek(before)
        return log.read().decode(errors="replace")


def wait_for(predicate, timeout, what):
    """Poll predicate() until it is true; AssertionError after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.25)
    raise AssertionError(f"waited {timeout} s for {what}")


CULL_FAST = ("--MappingKernelManager.cull_idle_timeout=2", "--MappingKernelManager.cull_interval=1")
