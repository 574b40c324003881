"""Where bn_core keeps what kernels share on disk: the experiments' results (experiments.cache) and
the figures' first images (ui.poster), and whether that place can be trusted.

$BN_CORE_CACHE_DIR, else $XDG_CACHE_HOME/bn_core, else ~/.cache/bn_core (never inside the
package). BN_CORE_CACHE_DIR=off (or empty) turns both off.

Trust: a result is a pickle, and unpickling runs code; so the cache is read only from folders that
nobody but this user (or root) can write, the check ssh makes of ~/.ssh and pip of its cache: every
folder from the cache root down to the file, and the root's parents, must be owned by this user or
root and not writable by group or others. Two exceptions: a parent with the sticky bit (/tmp: others
may not rename or remove what is ours), and a group-writable folder whose group is this user's own
private group (no other member; Debian's umask 002). A folder that fails is not used at all: the
notebooks compute as with the cache off, and the process says once, in one line on stderr (the
`bn_core.cache` logger at WARNING), why and how to fix it.
"""

import functools
import logging
import os
import shutil
import stat
import time
from pathlib import Path

try:
    import grp
    import pwd
except ImportError:  # Windows: no Unix owners and modes to check (as pip, it trusts the cache)
    grp = pwd = None

OFF = {"off", "0", "no", "false", "none"}
IDLE_DAYS = 2  # a code version nobody used for this long is removed
log = logging.getLogger("bn_core.cache")
_told = []  # the one warning this process gave about an untrusted cache, if any


def cache_dir():
    """The cache's root folder (Path), or None when caching is turned off."""
    chosen = os.environ.get("BN_CORE_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in OFF or not chosen.strip() else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "bn_core"


def make_dirs(folder):
    """Create `folder` and its missing parents as drwxr-xr-x (whatever the umask: a umask of 002
    would make them group-writable, hence untrusted). True if it exists as a folder afterwards."""
    missing = []
    while not folder.is_dir() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    try:
        for path in reversed(missing):
            path.mkdir(mode=0o755, exist_ok=True)
    except OSError:  # read-only, no space, a file in the way: the cache is off here
        return False
    return True


def use_version(folder, idle_days=IDLE_DAYS):
    """Mark `folder` (a code version's: its name is 16 hex digits) as in use, and remove its
    sibling versions that nobody has used for `idle_days`. Two checkouts of different code on one
    machine (a server still running the old one) keep their own versions meanwhile."""
    now = time.time()
    try:
        os.utime(folder, (now, now))
    except OSError:  # a read-only cache (a class's, warmed by its operator): only read
        return
    for old in folder.parent.iterdir():
        if (old != folder and old.is_dir() and len(old.name) == len(folder.name)
                and now - old.stat().st_mtime > idle_days * 86400):
            shutil.rmtree(old, ignore_errors=True)


def _own_private_group(gid, uid):
    """True if group `gid` has no member but user `uid` (a user private group)."""
    try:
        group, user = grp.getgrgid(gid), pwd.getpwuid(uid)
    except KeyError:
        return False
    others = [p for p in pwd.getpwall() if p.pw_gid == gid and p.pw_uid != uid]
    return not others and set(group.gr_mem) <= {user.pw_name} and user.pw_gid == gid


def _name(uid):
    """The name of user `uid` (for a chown command), else its number."""
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def distrust(st, uid, parent=False):
    """(why, fix) if a folder or file with os.stat result `st` may be written by someone other than
    user `uid` or root, else None. `parent`: a parent of the root (its sticky bit suffices). `fix`
    is a shell command with {path} in it."""
    deep = "" if parent else "-R "  # never chmod -R /home
    if st.st_uid not in (uid, 0):
        return f"it belongs to {_name(st.st_uid)}", f"chown {deep}{_name(uid)} {{path}}"
    if st.st_mode & 0o022 and not (parent and st.st_mode & stat.S_ISVTX):
        if st.st_mode & 0o002 or not _own_private_group(st.st_gid, uid):
            why = f"others may write to it ({stat.filemode(st.st_mode)})"
            return why, f"chmod {deep}go-w {{path}}"
    return None


@functools.lru_cache(maxsize=8)
def _parents_distrust(root, uid):
    """distrust() of the first untrusted parent of `root` (a str), as (path, why, fix), or None."""
    for parent in Path(root).parents:
        try:
            found = distrust(os.stat(parent), uid, parent=True)
        except OSError:
            continue
        if found:
            return str(parent), *found
    return None


def untrusted(folder, root):
    """(path, why, fix) for the first folder from `folder` up to the cache `root` (both Paths,
    `folder` inside `root`), or one of root's parents, that others may write to; None if none."""
    if pwd is None:
        return None
    uid = os.geteuid()
    path = folder
    while True:
        try:
            found = distrust(os.stat(path), uid)
        except OSError:
            found = None  # not there (yet): nothing to read from it
        if found:
            return str(path), *found
        if path == root or path == path.parent:
            break
        path = path.parent
    for base in {os.path.abspath(root), os.path.realpath(root)}:  # where a link leads, too
        found = _parents_distrust(base, uid)
        if found:
            return found
    return None


def trusted(folder, root):
    """True if the cache may read `folder` (inside `root`); else says once per process, in one
    line on stderr, why not and how to fix it, and returns False."""
    found = untrusted(folder, root)
    if found is None:
        return True
    path, why, fix = found
    if not _told:
        _told.append(path)
        log.warning("bn_core: cache not used: %s is unsafe, %s, and a pickle put there would run "
                    "in this kernel. Fix: %s (or set BN_CORE_CACHE_DIR to a folder of your own, or "
                    "to off)", path, why, fix.format(path=path))
    return False
