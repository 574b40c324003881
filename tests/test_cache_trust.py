"""Nobody else's pickle is loaded: a cache folder (or file, or a parent of the root) that another
user may write to, or that belongs to another user, is not read; the kernel computes instead and
says so once, in one line, with the fix. A read-only folder of this user's or root's is read, and
so is a cache under a sticky world-writable parent (/tmp). Each test first shows that the planted
pickle IS loaded from a trusted folder, so that "not loaded" means refused, not missed."""

import hashlib
import logging
import os
import pickle
import subprocess
import sys
from types import SimpleNamespace

import pytest
from test_cache_faults import CALLS, cache_at, squares  # noqa: F401  (cache_at: a fixture)

from bn_core import _cache_dir
from bn_core.experiments import cache

pytestmark = pytest.mark.usefixtures("cache_at")  # each test: a new cache folder
RAN = []  # what unpickling the planted file did


def _ran():
    RAN.append(1)
    return "planted"


class Planted:
    """Unpickled, it runs _ran(): what a stranger's pickle could do."""

    def __reduce__(self):
        return (_ran, ())


def plant(n=4):
    """A well-formed result file for squares(n) whose loading runs _ran(); its Path."""
    path = cache._entry(squares, {"n": n})
    path.parent.mkdir(mode=0o755)
    payload = pickle.dumps(Planted(), protocol=5)
    path.write_bytes(cache.MAGIC + hashlib.sha256(payload).digest() + payload)
    path.chmod(0o644)
    return path


def forget():
    for memo in (cache._version_folder, _cache_dir._parents_distrust):
        memo.cache_clear()


def loads(n=4):
    """What cached(squares, n) returns now, and whether the planted pickle ran (fresh memos)."""
    forget()
    RAN.clear()
    return cache.cached(squares, n=n), bool(RAN)


def warnings_of(caplog):
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_trusted_folder_loads_the_planted_file():
    plant()
    assert loads() == ("planted", True) and CALLS == []


UNSAFE = {  # what is made writable by others, how, and the fix said
    "the root, world-writable": (lambda p: p.parents[2], 0o777, "chmod -R go-w"),
    "the code version, o+w": (lambda p: p.parents[1], 0o757, "chmod -R go-w"),
    "the function's folder, g+w": (lambda p: p.parent, 0o775, "chmod -R go-w"),
    "the file, world-writable": (lambda p: p, 0o666, "chmod -R go-w"),
    "a parent of the root, not sticky": (lambda p: p.parents[3], 0o777, "chmod go-w"),
}


@pytest.mark.parametrize("name", UNSAFE)
def test_a_place_others_may_write_is_never_read(caplog, monkeypatch, name):
    monkeypatch.setattr(_cache_dir, "_own_private_group", lambda gid, uid: False)  # a real group
    path = plant()
    planted = path.read_bytes()
    where, mode, fix = UNSAFE[name]
    where(path).chmod(mode)
    value, ran = loads()
    assert not ran and value[2] == 4.5 and CALLS == [4]  # computed instead
    assert not loads()[1] and CALLS == [4, 4] and cache.lookup(squares, n=4) is None
    (said,) = warnings_of(caplog)  # once per process, one line, with the fix
    assert f"{fix} {where(path)}" in said and "\n" not in said and "others may write" in said
    assert path.read_bytes() == planted  # neither read nor written over
    where(path).chmod(0o755)


def test_a_folder_of_another_user_is_never_read(caplog, monkeypatch):
    path = plant()
    if os.geteuid() == 0:
        os.chown(path.parents[1], 4242, -1)  # the code version's folder: someone else's
    else:  # a user cannot give a folder away: be someone else instead
        monkeypatch.setattr(_cache_dir.os, "geteuid", lambda: 4242)
    value, ran = loads()
    assert not ran and value[1] == 1.5
    (said,) = warnings_of(caplog)
    assert "it belongs to" in said and "chown -R" in said and str(path.parents[1]) in said


def test_a_read_only_folder_of_ours_is_read():
    path = plant()
    for folder in (path.parent, path.parents[1], path.parents[2]):
        folder.chmod(0o555)  # as after the operator's chmod -R a-w
    path.chmod(0o444)
    assert loads() == ("planted", True) and CALLS == []
    for folder in (path.parent, path.parents[1], path.parents[2]):
        folder.chmod(0o755)


@pytest.mark.parametrize("sticky", [True, False])
def test_a_cache_in_tmp_like_folder(tmp_path, monkeypatch, caplog, sticky):
    shared = tmp_path / "shared"  # like /tmp: everybody may create files in it
    shared.mkdir()
    monkeypatch.setenv("BN_CORE_CACHE_DIR", str(shared / "bn_core"))
    forget()
    plant()
    shared.chmod(0o1777 if sticky else 0o777)
    assert loads()[1] is sticky  # sticky: others cannot rename or remove our folder
    assert bool(warnings_of(caplog)) is not sticky


def test_group_writable_is_fine_for_a_private_group(monkeypatch):
    path = plant()
    path.parent.chmod(0o775)
    monkeypatch.setattr(_cache_dir, "_own_private_group", lambda gid, uid: True)
    assert loads() == ("planted", True)  # umask 002 with a group of one: ssh accepts it too
    monkeypatch.setattr(_cache_dir, "_own_private_group", lambda gid, uid: False)
    assert loads()[1] is False


def test_a_private_group_has_no_other_member(monkeypatch):
    me = SimpleNamespace(pw_name="ada", pw_uid=1000, pw_gid=1000)
    other = SimpleNamespace(pw_name="bob", pw_uid=1001, pw_gid=1000)
    groups = {1000: SimpleNamespace(gr_mem=[]), 1002: SimpleNamespace(gr_mem=["ada", "bob"])}
    monkeypatch.setattr(_cache_dir.grp, "getgrgid", lambda gid: groups[gid])
    monkeypatch.setattr(_cache_dir.pwd, "getpwuid", lambda uid: {1000: me, 1001: other}[uid])
    monkeypatch.setattr(_cache_dir.pwd, "getpwall", lambda: [me])
    assert _cache_dir._own_private_group(1000, 1000)
    assert not _cache_dir._own_private_group(1002, 1000)  # a shared group
    assert not _cache_dir._own_private_group(1000, 1001)  # not bob's primary group
    monkeypatch.setattr(_cache_dir.pwd, "getpwall", lambda: [me, other])
    assert not _cache_dir._own_private_group(1000, 1000)  # bob's primary group too


def test_the_warning_is_one_line_on_stderr_once(tmp_path):
    root = tmp_path / "class"
    root.mkdir()
    root.chmod(0o777)
    code = ("from bn_core.experiments.cache import cached\nfrom bn_core.ui import poster\n"
            "f = lambda x: x + 1\nprint(cached(f, x=1), cached(f, x=2))\n"
            "print(poster.show(poster.image_widget((1, 1)), 'nb99.k'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "BN_CORE_CACHE_DIR": str(root)})
    assert out.returncode == 0 and out.stdout == "2 3\nFalse\n"
    assert out.stderr.count("\n") == 1 and f"chmod -R go-w {root}" in out.stderr
    assert not any(root.iterdir())  # nothing written either


def test_a_link_to_a_cache_in_a_place_others_may_write_is_not_read(tmp_path, monkeypatch, caplog):
    elsewhere = tmp_path / "elsewhere"  # the real folder; the cache root is a link to it
    (elsewhere / "bn_core").mkdir(parents=True)
    (tmp_path / "link").symlink_to(elsewhere / "bn_core")
    monkeypatch.setenv("BN_CORE_CACHE_DIR", str(tmp_path / "link"))
    forget()
    plant()
    assert loads()[1]  # trusted so far
    elsewhere.chmod(0o777)  # anyone may now replace the real folder
    assert not loads()[1] and f"chmod go-w {elsewhere}" in warnings_of(caplog)[0]
    elsewhere.chmod(0o755)
