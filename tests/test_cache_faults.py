"""The disk cache under faults, silently: a result file that cannot be read (truncated, corrupt) is
computed again and rewritten; a stored picture that is not a whole image is drawn again and stored
over, never shown; a full disk, a read-only cache and an unwritable place leave the notebooks
computing, with nothing on stdout or stderr and no warning (at most an INFO log line)."""

import errno
import logging
import os
import warnings

import numpy as np
import pytest

from bn_core import _cache_dir
from bn_core.experiments import cache
from bn_core.ui import poster

CALLS = []
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4 + b"\xff\xd9"  # a whole JPEG, as far as ends go


def squares(n, offset=0.5):
    """(n,) float64 array: offset + 0, 1, 4, ...; counts its calls."""
    CALLS.append(n)
    return np.arange(n, dtype=np.float64) ** 2 + offset


@pytest.fixture
def cache_at(tmp_path, monkeypatch):
    """BN_CORE_CACHE_DIR at a new folder; every per-process memory of the cache forgotten."""
    monkeypatch.setenv("BN_CORE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(_cache_dir, "_told", [])
    forget = (cache._version_folder, poster._version_folder, _cache_dir._parents_distrust)
    for memo in forget:
        memo.cache_clear()
    CALLS.clear()
    yield tmp_path / "cache"
    for memo in forget:
        memo.cache_clear()


@pytest.fixture
def silent(capfd, caplog):
    """Assert, after the test, that it wrote nothing to stdout or stderr (file descriptors
    included), warned nothing and logged nothing above INFO."""
    caplog.set_level(logging.INFO, logger="bn_core.cache")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caplog
    assert capfd.readouterr() == ("", "")
    assert caught == [] and all(r.levelno <= logging.INFO for r in caplog.records)


def the_file(n):
    """The one stored result of squares(n) (a Path)."""
    (path,) = cache.cache_dir().rglob("*.pkl")
    assert path == cache._entry(squares, {"n": n})
    return path


BREAKS = {
    "empty": lambda data: b"",
    "half": lambda data: data[:len(data) // 2],
    "last byte cut": lambda data: data[:-1],
    "header only": lambda data: data[:len(cache.MAGIC) + 32],
    "one byte flipped": lambda data: data[:-40] + bytes([data[-40] ^ 1]) + data[-39:],
    "not ours": lambda data: b"\x80\x04garbage" * 10,
}


@pytest.mark.parametrize("name", BREAKS)
def test_a_broken_result_is_computed_again_and_rewritten_silently(cache_at, silent, name):
    first = cache.cached(squares, n=50)
    path = the_file(50)
    whole = path.read_bytes()
    path.write_bytes(BREAKS[name](whole))
    assert cache.lookup(squares, n=50) is None  # a lookup computes nothing: the panel streams
    again = cache.cached(squares, n=50)
    assert CALLS == [50, 50] and np.array_equal(again, first) and again.dtype == np.float64
    assert path.read_bytes() == whole  # rewritten, exactly as first written
    assert np.array_equal(cache.cached(squares, n=50), first) and CALLS == [50, 50]  # read now
    assert any("unreadable" in r.getMessage() for r in silent.records)  # for the operator


def test_defaults_are_part_of_the_key(cache_at):
    a = cache.cached(squares, n=5)
    assert np.array_equal(cache.cached(squares, n=5, offset=0.5), a) and CALLS == [5]
    assert cache.cached(squares, n=5, offset=1.0)[0] == 1.0 and CALLS == [5, 5]


def test_a_full_disk_skips_the_write_silently(cache_at, silent, monkeypatch):
    real = cache._Hashed.write

    def full(self, data):  # half of the pickle fits, then the disk is full
        real(self, bytes(data)[:len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(cache._Hashed, "write", full)
    assert cache.cached(squares, n=2000)[3] == 9.5 and cache.cached(squares, n=2000)[3] == 9.5
    assert CALLS == [2000, 2000]  # nothing stored: computed each time
    assert [p.name for p in cache_at.rglob("*") if p.is_file()] == []  # no half-written file left
    assert any("No space left" in r.getMessage() for r in silent.records)


def read_only(monkeypatch, folder):
    """Make `folder` read-only: chmod a-w (enough for a user) and every write below it failing
    with EROFS (for root, whom modes do not stop)."""
    for path in [folder, *folder.rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)
    real_open, real_mkdir, real_write = os.open, os.mkdir, poster.Path.write_bytes

    def refuse(real):
        def call(path, *args, **kwargs):
            if str(path).startswith(str(folder)):
                raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
            return real(path, *args, **kwargs)
        return call

    monkeypatch.setattr(os, "open", refuse(real_open))
    monkeypatch.setattr(os, "mkdir", refuse(real_mkdir))
    monkeypatch.setattr(poster.Path, "write_bytes", refuse(real_write))


def test_a_read_only_cache_is_read_and_not_written(cache_at, silent, monkeypatch):
    stored = cache.cached(squares, n=7)
    image = poster.image_widget((1, 1))
    image.value = JPEG
    poster.store("nb99.k", image)
    read_only(monkeypatch, cache_at)
    cache._version_folder.cache_clear()
    poster._version_folder.cache_clear()
    assert np.array_equal(cache.cached(squares, n=7), stored) and CALLS == [7]  # read
    assert cache.cached(squares, n=8)[2] == 4.5 and CALLS == [7, 8]  # computed, not stored
    other = poster.image_widget((1, 1))
    assert poster.show(other, "nb99.k") and other.value == JPEG
    poster.store("nb99.new", image)  # silently not stored
    assert not poster.show(other, "nb99.new")
    assert sorted(p.suffix for p in cache_at.rglob("*") if p.is_file()) == [".jpeg", ".pkl"]
    for path in cache_at.rglob("*"):
        path.chmod(0o755)


def test_an_unwritable_place_computes_and_draws_silently(tmp_path, cache_at, silent, monkeypatch):
    (tmp_path / "a file").write_text("in the way")
    monkeypatch.setenv("BN_CORE_CACHE_DIR", str(tmp_path / "a file" / "cache"))
    assert cache.cached(squares, n=3)[1] == 1.5 and cache.cached(squares, n=3)[1] == 1.5
    assert CALLS == [3, 3] and cache.lookup(squares, n=3) is None
    image, drawn = poster.image_widget((1, 1)), []
    for _ in range(2):
        poster.opening(image, "nb99.k", lambda: drawn.append(1) or setattr(image, "value", JPEG))
    assert drawn == [1, 1] and image.value == JPEG


PICTURE_BREAKS = {"empty": lambda d: b"", "half": lambda d: d[:len(d) // 2],
                  "end cut": lambda d: d[:-1], "other format": lambda d: b"\x89PNG" + d[4:]}


@pytest.mark.parametrize("name", PICTURE_BREAKS)
def test_a_broken_picture_is_drawn_again_and_stored_over(cache_at, silent, name):
    image, drawn = poster.image_widget((1, 1)), []

    def draw():
        drawn.append(1)
        image.value = JPEG

    poster.opening(image, "nb99.k", draw)
    (path,) = (cache_at / "posters").rglob("nb99.k.jpeg")
    path.write_bytes(PICTURE_BREAKS[name](JPEG))
    image.value = b""
    assert not poster.show(image, "nb99.k") and image.value == b""  # never shown
    poster.opening(image, "nb99.k", draw)
    assert drawn == [1, 1] and image.value == JPEG and path.read_bytes() == JPEG
    poster.opening(image, "nb99.k", draw)
    assert drawn == [1, 1]  # the stored one now


def test_a_truncated_png_is_drawn_again(cache_at, silent):
    from matplotlib.figure import Figure

    drawn = []

    def draw():
        drawn.append(1)
        figure = Figure(figsize=(1, 1))
        figure.subplots().plot([0, 1], [1, 0])
        return figure

    first = bytes(poster.picture("nb99.line", draw).data)
    (path,) = (cache_at / "posters").rglob("nb99.line.png")
    assert poster.complete(first, "png") and not poster.complete(first[:-12], "png")
    path.write_bytes(first[:-12])  # the IEND chunk lost
    assert bytes(poster.picture("nb99.line", draw).data) == first and drawn == [1, 1]
    assert path.read_bytes() == first
