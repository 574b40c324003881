"""Build the web book: `python tools/book.py` from the repository root writes _build/html.

It is `jupyter book build --html` (Jupyter Book 2: myst.yml at the root, the offline theme in
book/theme, the plugin book/outputs.mjs that runs the notebooks through tools/book_outputs.py for
their outputs), with two additions:
1. the cache is warmed first (`python -m bn_core.panels.warm`: results and first pictures, so
   nothing trains while the pages are built), timed apart from the build;
2. mystmd runs in a process group of its own, ended after the build: the theme server it starts
   for the HTML export outlives the build, above all a failed one.

    python tools/book.py            # BASE_URL=/REPO python tools/book.py for GitHub Pages
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_as_group(command, env=None):
    """Run command in ROOT in a process group of its own, and end the whole group after it."""
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
    env = dict(os.environ, BN_BOOK_PYTHON=sys.executable,  # the plugin runs the notebooks here
               PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    if warm:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bn_core.panels.warm", "--defaults-only"], cwd=ROOT,
                       check=True, stdout=subprocess.DEVNULL, env=dict(env, PYTHONHASHSEED="0"))
        seconds["warm"] = time.perf_counter() - start
    book = shutil.which("jupyter-book", path=env["PATH"])
    if book is None:
        raise SystemExit("jupyter-book is not installed: pip install -r requirements.txt")
    start = time.perf_counter()
    run_as_group([book, "build", "--html"], env=env)
    seconds["book"] = time.perf_counter() - start
    return seconds


if __name__ == "__main__":
    times = build(warm="--no-warm" not in sys.argv[1:])
    print(", ".join(f"{step} {s:.1f} s" for step, s in times.items()), "->", ROOT / "_build/html")
