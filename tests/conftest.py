"""The session's warm cache (tests/warm_cache.py): started in the background once the tests are
collected, if any of them needs it; the modules that need it run after the others, so that the
warm-up (one core, about 3 minutes from cold) overlaps the tests that do not need it (not the
browser tests: they run after it, their timeouts assume a machine not that busy).

Fixtures: `warm_cache` (folder, what warm printed): a cache warmed from empty this session (copy
it, never write to it: the browser tests' Lab and Voila servers read a copy); `warm_default_cache`:
the cache in use, holding what it has (the web book reads it; nbval's notebooks/ too, seeded before
their first cell).
"""

from pathlib import Path

import pytest
import warm_cache as warm

NAME = "bn-session-warm"
NEEDS = {"warm_cache", "warm_default_cache"}
BROWSER = Path(__file__).resolve().parent / "browser"


class SessionWarmPlugin:
    def __init__(self):
        self.warm = warm.SessionWarm()

    @staticmethod
    def notebook(item):
        return item.path.suffix == ".ipynb"  # a cell of nbval's notebooks/ (the cache in use)

    def needs(self, item):
        return self.notebook(item) or bool(NEEDS & set(getattr(item, "fixturenames", ())))

    @staticmethod
    def browser(item):
        return item.path.parent == BROWSER  # servers, kernels, Chromium: not beside the warm-up

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config, items):
        """Modules that need the warm cache, and the browser tests, last (module by module, in
        order), the notebooks at the very end; start the warm-up now if any needs it."""
        needing = {item.path for item in items if self.needs(item)}
        later = needing | {item.path for item in items if self.browser(item)}
        rank = {item.path: 2 if self.notebook(item) else 1 if item.path in later else 0
                for item in items}
        items.sort(key=lambda item: rank[item.path])  # stable: each module keeps its order
        if needing and not config.option.collectonly:
            self.warm.start()

    def pytest_runtest_setup(self, item):
        if self.notebook(item):
            self.warm.seed_default()
        elif self.browser(item) and self.warm.proc is not None:
            self.warm.wait()  # a browser test's timeouts assume the two cores are its own

    def pytest_unconfigure(self):
        self.warm.stop()


def pytest_configure(config):
    config.pluginmanager.register(SessionWarmPlugin(), NAME)


@pytest.fixture(scope="session")
def warm_cache(pytestconfig):
    """(folder, stdout) of `python -m bn_core.panels.warm` run from an empty folder this session.
    Start a test's cache from warm.copy_cache / warm.copy_results of it: never write to it."""
    return pytestconfig.pluginmanager.get_plugin(NAME).warm.wait()


@pytest.fixture(scope="session")
def warm_default_cache(pytestconfig):
    """The cache in use (None when off) holding the session's warm results and pictures."""
    pytestconfig.pluginmanager.get_plugin(NAME).warm.seed_default()
    return warm.cache_dir()
