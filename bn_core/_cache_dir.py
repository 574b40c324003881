"""Where bn_core keeps what kernels share on disk: the experiments' results (experiments.cache) and
the figures' first images (ui.poster).

$BN_CORE_CACHE_DIR, else $XDG_CACHE_HOME/bn_core, else ~/.cache/bn_core (never inside the
package). BN_CORE_CACHE_DIR=off (or empty) turns both off.
"""

import os
import shutil
import time
from pathlib import Path

OFF = {"off", "0", "no", "false", "none"}
IDLE_DAYS = 2  # a code version nobody used for this long is removed


def cache_dir():
    """The cache's root folder (Path), or None when caching is turned off."""
    chosen = os.environ.get("BN_CORE_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in OFF or not chosen.strip() else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "bn_core"


def use_version(folder, idle_days=IDLE_DAYS):
    """Mark `folder` (a code version's: its name is 16 hex digits) as in use, and remove its
    sibling versions that nobody has used for `idle_days`. Two checkouts of different code on one
    machine (a server still running the old one) keep their own versions meanwhile."""
    now = time.time()
    try:
        os.utime(folder, (now, now))
    except OSError:
        return
    for old in folder.parent.iterdir():
        if (old != folder and old.is_dir() and len(old.name) == len(folder.name)
                and now - old.stat().st_mtime > idle_days * 86400):
            shutil.rmtree(old, ignore_errors=True)
