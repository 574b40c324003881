"""One warm cache per test session, and copies of it.

`python -m bn_core.panels.warm` computes every notebook's default results and first pictures: about
3 CPU-minutes from an empty cache, and on CI every commit is a new code version, so the cache is
always cold there. The session runs it once, from an empty folder of its own, in the background
from the end of the collection (tests/conftest.py orders the modules that need it last), and:
- the tests that need a warm cache, or warm results without pictures, and the browser tests'
  servers start from a COPY of it (copy_cache, copy_results): that folder is never written to;
- the cache in use (BN_CORE_CACHE_DIR, else ~/.cache/bn_core: the web book, nbval on notebooks/)
  gets the files it lacks of it (seed), as tools/book.py's warm-up would have computed them.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from bn_core._cache_dir import make_dirs
from bn_core.experiments.cache import cache_dir, code_version
from bn_core.ui.poster import drawing_version

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_S = 1800


def parts():
    """The folders of a cache that hold this code version's results and pictures (relative)."""
    return [code_version(), f"posters/{drawing_version()}"]


def copy_results(warm, into):
    """Copy the results (no picture) of cache `warm` into the new cache folder `into`."""
    shutil.copytree(warm / code_version(), into / code_version())
    return into


def copy_cache(warm, into):
    """Copy the results and the pictures of cache `warm` into the new cache folder `into`."""
    for part in parts():
        shutil.copytree(warm / part, into / part)
    return into


def _copy_missing(src, dst):
    """Copy file src to dst unless dst exists, written aside then renamed (readers see all)."""
    if not os.path.exists(dst):
        tmp = f"{dst}.{os.getpid()}.seed.tmp"
        shutil.copy2(src, tmp)
        os.replace(tmp, dst)
    return dst


def seed(warm, into):
    """Add to cache folder `into` the results and pictures of `warm` it does not have yet."""
    if make_dirs(into):
        for part in parts():
            shutil.copytree(warm / part, into / part, dirs_exist_ok=True,
                            copy_function=_copy_missing)


class SessionWarm:
    """`python -m bn_core.panels.warm` in a temporary folder, started in the background."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="bn-warm-")) / "cache"
        self.proc, self.result, self.seeded = None, None, False

    def start(self):
        if self.proc is None:
            path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
            env = {**os.environ, "BN_CORE_CACHE_DIR": str(self.folder), "MPLBACKEND": "Agg",
                   "PYTHONPATH": path}
            self.out = open(self.folder.parent / "warm.log", "w+")  # closed in wait()
            # --defaults-only: the training sliders' grids are no test's claim (~2.5 CPU-min)
            self.proc = subprocess.Popen([sys.executable, "-m", "bn_core.panels.warm",
                                          "--defaults-only"], env=env,
                                         stdout=self.out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)

    def wait(self):
        """(folder, what warm printed) once it has ended well; raises if it failed."""
        if self.result is None:
            self.start()
            try:
                code = self.proc.wait(TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.stop()
                raise
            self.out.seek(0)
            printed = self.out.read()
            self.out.close()
            assert code == 0, f"python -m bn_core.panels.warm failed ({code}):\n{printed[-5000:]}"
            self.result = (self.folder, printed)
        return self.result

    def seed_default(self):
        """The cache in use, warm for this code version (unless it is off)."""
        if not self.seeded:
            folder, _ = self.wait()
            if cache_dir() is not None:
                seed(folder, cache_dir())
            self.seeded = True

    def stop(self):
        """End the warm-up if it still runs, and remove the folder."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        shutil.rmtree(self.folder.parent, ignore_errors=True)
