"""The on-disk experiment cache: a cached result equals a fresh one exactly, the code version keys
it, BN_CORE_CACHE_DIR places it (or turns it off), and importing it loads no joblib."""

import os
import subprocess
import sys
import time

import numpy as np
import pytest

from bn_core.experiments import cache
from bn_core.experiments.what_stays_put import compare_bn

SMALL = dict(lr=0.5, steps=30, seed=3, sizes=(64, 20, 20, 10), snapshot_every=10)


def assert_identical(a, b, where="runs"):
    """a == b exactly, through dicts, lists and arrays (models compared by their parameters)."""
    if isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            assert_identical(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_identical(x, y, f"{where}[{i}]")
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True), where
    elif hasattr(a, "layers"):
        assert_identical([vars(layer) for layer in a.layers], [vars(layer) for layer in b.layers],
                         f"{where}.layers")
    elif isinstance(a, float) and where.endswith("['seconds']"):
        pass  # the training time of the original run
    else:
        assert type(a) is type(b) and a == b, f"{where}: {a!r} != {b!r}"


@pytest.fixture
def cache_at(tmp_path, monkeypatch):
    monkeypatch.setenv("BN_CORE_CACHE_DIR", str(tmp_path / "cache"))
    cache._version_folder.cache_clear()
    yield tmp_path / "cache"
    cache._version_folder.cache_clear()


def test_a_cached_result_equals_a_fresh_one_exactly(cache_at):
    fresh = compare_bn.uncached(**SMALL)
    first = compare_bn(**SMALL)  # computed and stored
    stored = list(cache_at.rglob("*.pkl"))
    assert len(stored) == 1 and stored[0].is_relative_to(cache_at / cache.code_version())
    again = compare_bn(**SMALL)  # read from disk
    assert_identical(first, fresh)
    assert_identical(again, fresh)
    assert again["bn"]["seconds"] == first["bn"]["seconds"]  # it was not trained again


def test_other_arguments_are_other_results(cache_at):
    a, b = compare_bn(**SMALL), compare_bn(**{**SMALL, "lr": 0.1})
    assert not np.array_equal(a["bn"]["loss"], b["bn"]["loss"])
    positional = compare_bn(0.5, 30, seed=3, sizes=(64, 20, 20, 10), snapshot_every=10)
    assert_identical(positional, a)
    assert len(list(cache_at.rglob("*.pkl"))) == 2


def test_a_code_change_invalidates(cache_at, monkeypatch):
    compare_bn(**SMALL)
    old = cache.code_version()
    stale = cache_at / "fedcba9876543210"  # a version nobody has used for three days
    stale.mkdir()
    os.utime(stale, (time.time() - 3 * 86400,) * 2)
    monkeypatch.setattr(cache, "code_version", lambda: "0123456789abcdef")
    cache._version_folder.cache_clear()
    compare_bn(**SMALL)  # trains again under the new version
    # the old version, used a moment ago (another checkout's server, say), stays; the stale goes
    assert sorted(p.name for p in cache_at.iterdir()) == sorted([old, "0123456789abcdef"])
    assert old != "0123456789abcdef"


def test_the_version_hashes_the_engine_and_experiments_sources():
    files = {p.name for p in cache.PACKAGE.glob("*.py")} | {
        p.name for p in (cache.PACKAGE / "experiments").glob("*.py")}
    assert {"train.py", "what_stays_put.py", "nn.py"} <= files
    assert len(cache.code_version()) == 16 and cache.code_version() == cache.code_version()


@pytest.mark.parametrize("value", ["off", ""])
def test_off_calls_the_function(monkeypatch, value, tmp_path):
    monkeypatch.setenv("BN_CORE_CACHE_DIR", value)
    assert cache.cache_dir() is None
    calls = []
    assert cache.cached(lambda x: calls.append(x) or x * 2, x=4) == 8 and calls == [4]


def test_default_place_is_the_user_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("BN_CORE_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "bn_core"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache.cache_dir() == cache.Path.home() / ".cache" / "bn_core"


def test_importing_the_cache_loads_no_joblib():
    code = ("import sys, bn_core.experiments.cache, bn_core.experiments.what_stays_put; "
            "print('joblib' in sys.modules)")
    assert subprocess.check_output([sys.executable, "-c", code], text=True).strip() == "False"
