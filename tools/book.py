"""Build the web book: `python tools/book.py` from the repository root writes _build/html.

1. warms the cache (`python -m bn_core.panels.warm`: results and first pictures, so nothing trains
   while the pages are built);
2. runs `jupyter book build --html --execute` (Jupyter Book 2, myst.yml at the root, the offline
   theme in book/theme) with every kernel starting by bn_core.ui.book.install(), so each widget is
   also shown as plain HTML (its stored picture, its question and answer...), which a web page
   without a kernel can show. mystmd's own execution cache is dropped first: bn_core's code is
   not part of its key.

    python tools/book.py            # BASE_URL=/REPO python tools/book.py for GitHub Pages
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STARTUP = "import bn_core.ui.book\nbn_core.ui.book.install()\n"


def book_env(workdir):
    """The environment of the build: this venv first on PATH (mystmd starts `python -m
    jupyter_server`), the startup file in a private IPython dir, root allowed (CI runs as root)."""
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
        command = [book, "build", "--html", "--execute"]
        if subprocess.run(command, cwd=ROOT, env=env).returncode:  # once more: seen once here
            print("tools/book.py: the build failed; trying once more", flush=True)
            shutil.rmtree(ROOT / "_build" / "execute", ignore_errors=True)
            subprocess.run(command, cwd=ROOT, env=env, check=True)
        seconds["book"] = time.perf_counter() - start
    return seconds


if __name__ == "__main__":
    times = build(warm="--no-warm" not in sys.argv[1:])
    print(", ".join(f"{step} {s:.1f} s" for step, s in times.items()), "->", ROOT / "_build/html")
