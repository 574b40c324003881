"""Where bn_core keeps what kernels share on disk: the experiments' results (experiments.cache) and
the figures' first images (ui.poster).

$BN_CORE_CACHE_DIR, else $XDG_CACHE_HOME/bn_core, else ~/.cache/bn_core (never inside the
package). BN_CORE_CACHE_DIR=off (or empty) turns both off.
"""

import os
from pathlib import Path

OFF = {"off", "0", "no", "false", "none"}


def cache_dir():
    """The cache's root folder (Path), or None when caching is turned off."""
    chosen = os.environ.get("BN_CORE_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in OFF or not chosen.strip() else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "bn_core"
