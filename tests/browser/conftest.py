"""Fixtures of the browser tests: one Chromium per session, one JupyterLab server for test_lab.py
and one Voila server for test_voila.py.

Every notebook in notebooks/ (globbed when pytest collects) is opened in a fresh page. A notebook's
page is kept open after its test when other tests want it (notebook 01's slider tests), so its
cells run once per server.
"""

import os
import sys
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

sys.path.insert(0, str(Path(__file__).parent))

import axe  # noqa: E402
import pages  # noqa: E402
import servers  # noqa: E402
import warm_cache as session_warm  # noqa: E402  (tests/, on the tests' path)

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = Path(os.environ.get("BN_NOTEBOOK_DIR", ROOT / "notebooks"))  # another for trials
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9]*.ipynb"))
NB01 = NOTEBOOK_DIR / "01_bn_live.ipynb"
NB02 = NOTEBOOK_DIR / "02_what_stays_put.ipynb"
KEEP_OPEN = {NB01, NB02}  # pages that later tests use again (their cells run once per server)
ARTIFACTS = ROOT / "test-artifacts"
VIEWPORT = {"width": 1280, "height": 1000}
VOILA_RENDER = 90  # s for Voila to render a notebook (each takes 2-25 s)


def pytest_generate_tests(metafunc):
    """A test taking `notebook` runs once per notebook (a Path), named by its stem."""
    if "notebook" in metafunc.fixturenames:
        metafunc.parametrize("notebook", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])


class App:
    """A server plus the pages opened on it, each notebook run at most once."""

    def __init__(self, kind, server, browser):
        self.kind, self.server, self.browser = kind, server, browser
        self.pages, self.console = {}, {}  # name -> page, its console's errors and warnings

    def run(self, name):
        """A page showing notebooks/<name> with every cell run (Lab: Run All; Voila: render)."""
        if name not in self.pages:
            page = self.browser.new_page(viewport=VIEWPORT)
            page.set_default_timeout(30_000)
            self.pages[name], log = page, self.console.setdefault(name, [])
            page.on("console", lambda m: log.append(f"{m.type}: {m.text}")
                    if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: log.append(f"pageerror: {e}"))
            try:
                if self.kind == "lab":
                    pages.open_in_lab(page, self.server, name)
                    pages.run_all_in_lab(page)
                else:  # widgets that did not load (checked once settled) fail every test
                    pages.open_in_voila(page, self.server, name, timeout=VOILA_RENDER)
                    broken = [p for p in pages.problems(page) if p.startswith("widget shows")]
                    assert not broken, f"widgets did not load: {broken}"
            except Exception as error:
                shot = self.screenshot(name, "failure")
                stuck = self.stuck_kernel(name) if isinstance(error, PlaywrightTimeout) else ""
                raise AssertionError(f"{self.kind} could not run {name} ({error}); screenshot "
                                     f"{shot}{stuck}; {self.console_tail(name)}; server log:\n"
                                     f"{self.server.tail()}") from error
        return self.pages[name]

    def console_tail(self, name, lines=30):
        """The last errors and warnings of the browser console on notebook `name`'s page."""
        log = self.console.get(name, [])
        return f"browser console ({len(log)} errors and warnings):\n" + "\n".join(log[-lines:])

    def stuck_kernel(self, name):
        """Where the kernel of a Voila page that never finished rendering was (the stack of each
        of its threads: test-artifacts/voila-<notebook>-stuck.log), for the failure's message.
        Voila's page at "Executing 6 of 25" with an idle kernel was nbclient waiting for a reply
        that its own send had swallowed (bn_core.panels.nb04_table.shown_output)."""
        if self.kind != "voila":
            return ""
        ARTIFACTS.mkdir(exist_ok=True)
        log = ARTIFACTS / f"voila-{Path(name).stem}-stuck.log"
        log.write_text(servers.dump_newest_kernel(self.server))
        return f"; its kernel's threads: {log}"

    def check(self, path):
        """Run notebook `path`: no error, no broken widget, a slider drawn where it has controls,
        and still no error after every slider moved a step and back; axe-core finds no serious
        violation after Run All and after the sliders moved (axe.assert_clean)."""
        page = self.run(path.name)
        try:
            assert pages.problems(page) == [], self.console_tail(path.name)
            axe.assert_clean(page, path.stem, "after Run All")  # issue 21: WCAG 2.1 AA
            if pages.has_controls(path):
                assert page.locator(pages.SLIDER).count() >= 1, "it has sliders: none drawn"
            pages.wiggle_sliders(page)
            assert pages.problems(page) == [], ("after moving each slider a step and back; "
                                                + self.console_tail(path.name))
            if page.locator(pages.SLIDER).count():
                axe.assert_clean(page, path.stem, "after every slider moved")
        finally:
            if path not in KEEP_OPEN:  # notebooks 01 and 02 stay open for their widget tests
                self.release(path.name)

    def release(self, name):
        """Close a notebook's page (and in Lab, shut its kernel down)."""
        page = self.pages.pop(name, None)
        if page is not None:
            page.close()
            if self.kind == "lab":
                pages.shut_down_kernel(self.server, name)

    def screenshot(self, name, label, has=None):
        """Save test-artifacts/<kind>-<notebook>-<label>.png: the output holding the element
        `has` (a selector), else the page."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{self.kind}-{Path(name).stem}-{label}.png"
        page = self.pages[name]
        target = page.locator(pages.OUTPUT, has=page.locator(has)).first if has else page
        target.screenshot(path=path)
        return path


@pytest.fixture(scope="session")
def browser():
    if not os.access(servers.CHROMIUM, os.X_OK):
        pytest.skip(f"{servers.CHROMIUM} is missing (tests/run.sh installs it with apt-get)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = servers.launch_chromium(playwright)
        yield chromium
        chromium.close()


def _app(kind, browser, tmp_path_factory, warm):
    workdir = tmp_path_factory.mktemp(kind)
    cache = session_warm.copy_cache(warm[0], workdir / "cache")
    with servers.serve(kind, NOTEBOOK_DIR, workdir, cache=cache) as server:
        app = App(kind, server, browser)
        yield app
        for name in list(app.pages):
            app.release(name)


# Each app is used by one test module: stop it after that. Its kernels read a private copy of the
# session's warm-up (tests/warm_cache.py), warm as a class's (the README has teachers warm it
# first) and the same on every machine: never the developer's own cache, whose sliders' grids
# (python -m bn_core.panels.warm without --defaults-only) would answer training taps at once.
@pytest.fixture(scope="module")
def lab(browser, tmp_path_factory, warm_cache):
    yield from _app("lab", browser, tmp_path_factory, warm_cache)


@pytest.fixture(scope="module")
def voila(browser, tmp_path_factory, warm_cache):
    yield from _app("voila", browser, tmp_path_factory, warm_cache)


@pytest.fixture
def nb02():
    if not NB02.exists():
        pytest.skip("notebooks/02_what_stays_put.ipynb does not exist")
    return NB02.name


@pytest.fixture
def nb01():
    if not NB01.exists():
        pytest.skip("notebooks/01_bn_live.ipynb does not exist yet")
    return NB01.name
