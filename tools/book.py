"""Build the web book: `python tools/book.py` from the repository root writes _build/html.

1. warms the cache (`python -m bn_core.panels.warm`: results and first pictures, so nothing trains
   while the pages are built);
2. runs `jupyter book build --html --execute` (Jupyter Book 2, myst.yml at the root, the offline
   theme in book/theme) with every kernel starting by bn_core.ui.book.install(), so each widget is
   also shown as plain HTML (its stored picture, its question and answer...), which a web page
   without a kernel can show. mystmd's own execution cache is dropped first: bn_core's code is
   not part of its key. The notebooks run in a Jupyter server started here (JUPYTER_BASE_URL) and
   stopped after the build: the one mystmd starts itself outlives it.

    python tools/book.py            # BASE_URL=/REPO python tools/book.py for GitHub Pages
"""

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STARTUP = "import bn_core.ui.book\nbn_core.ui.book.install()\n"


def book_env(workdir):
    """The environment of the build: this venv first on PATH, the startup file in a private
    IPython dir, root allowed (CI runs as root)."""
    workdir = Path(workdir)
    startup = workdir / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-bn-book.py").write_text(STARTUP)
    config = workdir / "jupyter-config"
    config.mkdir()
    (config / "jupyter_server_config.json").write_text('{"ServerApp": {"allow_root": true}}')
    env = dict(os.environ)
    env.update(IPYTHONDIR=str(workdir / "ipython"), JUPYTER_CONFIG_DIR=str(config),
               JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"),
               PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
               MPLBACKEND="Agg", PYTHONHASHSEED="0")
    return env


@contextlib.contextmanager
def jupyter_server(env, timeout=60):
    """A Jupyter server of this venv on a free local port, for mystmd: yields the environment
    that points mystmd at it (JUPYTER_BASE_URL, JUPYTER_TOKEN); stopped by its process group."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token, url = secrets.token_hex(16), f"http://127.0.0.1:{port}/"
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", "--ServerApp.ip=127.0.0.1", f"--port={port}",
         f"--ServerApp.root_dir={ROOT}", f"--IdentityProvider.token={token}", "--allow-root",
         "--ServerApp.open_browser=False"],
        env=env, cwd=ROOT, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(f"{url}api/status?token={token}", timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the Jupyter server for the book did not start") from None
                time.sleep(0.3)
        yield dict(env, JUPYTER_BASE_URL=url, JUPYTER_TOKEN=token)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def run_as_group(command, env):
    """Run command in ROOT in a process group of its own, and end the whole group after it (the
    theme server mystmd starts for the HTML export outlives the build, above all a failed one)."""
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    try:
        code = process.wait()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    if code:
        raise subprocess.CalledProcessError(code, command)


def build(warm=True):
    """Build _build/html; return the seconds each step took ({"warm": s, "book": s})."""
    seconds = {}
    with tempfile.TemporaryDirectory(prefix="bn-book-") as workdir:
        env = book_env(workdir)
        if warm:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "bn_core.panels.warm"], cwd=ROOT, env=env,
                           check=True, stdout=subprocess.DEVNULL)
            seconds["warm"] = time.perf_counter() - start
        shutil.rmtree(ROOT / "_build" / "execute", ignore_errors=True)
        start = time.perf_counter()
        book = shutil.which("jupyter-book", path=env["PATH"])
        if book is None:
            raise SystemExit("jupyter-book is not installed: pip install -r requirements.txt")
        with jupyter_server(env) as server_env:
            run_as_group([book, "build", "--html", "--execute"], env=server_env)
        seconds["book"] = time.perf_counter() - start
    return seconds


if __name__ == "__main__":
    times = build(warm="--no-warm" not in sys.argv[1:])
    print(", ".join(f"{step} {s:.1f} s" for step, s in times.items()), "->", ROOT / "_build/html")
