"""The web book (README, "Read online"): plain `jupyter book build --html` (through tools/book.py,
which warms the cache first and times the build apart) builds _build/html from a warm cache in
under 60 s, the plugin book/outputs.mjs filling the pages' outputs, and in Chromium every page
loads with no console error, every image loads, no internal link is broken, nothing is fetched
from anywhere but the book's own server, and every notebook's page has its launch links (Binder
JupyterLab and Voila, Colab), its exercises' note and its predictions' answers behind a
disclosure.

Skipped, with the reason, only when Jupyter Book 2 or Node.js is not installed (tests/run.sh
installs both: jupyter-book from requirements.txt, Debian's nodejs when `node` is missing)."""

import functools
import http.server
import importlib.util
import json
import os
import shutil
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bn_core import colab

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
BUDGET_S = 60  # the limit for the build from a warm cache, this machine
PREDICTIONS = {"02", "03", "06"}  # notebooks that ask for a prediction
EXERCISES = {"01", "04", "05", "07"}  # notebooks with a code exercise


def load_tools_book():
    spec = importlib.util.spec_from_file_location("tools_book", ROOT / "tools" / "book.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(warm_default_cache):
    """Build the book once (warm first, then the timed build); its seconds per step. The cache
    in use holds the session's warm-up already (tests/warm_cache.py): warm only checks it."""
    book_bin = Path(sys.executable).parent / "jupyter-book"
    if not book_bin.exists() and shutil.which("jupyter-book") is None:
        pytest.skip("jupyter-book is not installed (pip install -r requirements.txt)")
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed (tests/run.sh installs Debian's nodejs)")
    seconds = load_tools_book().build(warm=True)
    print(f"book: warm {seconds['warm']:.1f} s, build {seconds['book']:.1f} s, "
          f"load average {os.getloadavg()[0]:.1f}")
    return seconds


@pytest.fixture(scope="module")
def site(built):
    """_build/html served on a free local port: its base URL (ends with "/")."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(HTML))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.handle_error = lambda *args: None  # a request the browser dropped (broken pipe)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


def pages():
    """(url path, notebook file name) of every page: the index, then one per notebook."""
    project = json.loads((HTML / "config.json").read_text())["projects"][0]
    content = [json.loads((HTML / f"{slug}.json").read_text())
               for slug in [project["index"]] + [p["slug"] for p in project["pages"]]]
    return [("" if i == 0 else page["slug"], Path(page["location"]).name)
            for i, page in enumerate(content)]


def test_build_is_quick_from_a_warm_cache(built):
    """Under 60 s. The notebooks run one after the other, about 1-2 CPU-s each: a machine whose
    load is past twice its cores (other work) stretches that, and then the test says so."""
    seconds, load = built["book"], os.getloadavg()[0]
    if seconds >= BUDGET_S and load > 2 * os.cpu_count():
        pytest.skip(f"the book took {seconds:.1f} s with a load average of {load:.1f} on "
                    f"{os.cpu_count()} cores: too busy a machine to time it")
    assert seconds < BUDGET_S, f"the book took {seconds:.1f} s (load {load:.1f}; {built})"


def test_a_page_per_notebook(built):
    names = [name for _, name in pages()]
    expected = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))
    assert names == expected and len(names) == 9
    for path, _ in pages():
        assert (HTML / path / "index.html").is_file()


def test_every_page_loads_clean_in_chromium(browser, site):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    errors, foreign, internal = [], [], set()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))
    page.on("request", lambda r: None if r.url.startswith((site, "data:"))
            else foreign.append(r.url))
    try:
        for path, name in pages():
            page.goto(site + path, wait_until="load")
            images = page.evaluate("[...document.images].map(i => [i.complete, i.naturalWidth,"
                                   " i.alt, i.src.slice(0, 60)])")
            assert all(ok and width > 0 for ok, width, _, _ in images), (name, images)
            assert all(alt for _, _, alt, _ in images), f"{name}: an image without alt text"
            for href in page.evaluate("[...document.links].map(a => a.href)"):
                if href.startswith(site):
                    internal.add(href.split("#")[0])
            check_page(page, name, images)
    finally:
        page.close()
    assert errors == [] and foreign == []
    broken = [url for url in sorted(internal) if status(url) != 200]
    assert broken == [] and len(internal) >= 9  # at least every page, from the side bar


def check_page(page, name, images):
    """Launch links on every notebook's page; figures, exercise notes, predictions."""
    number = name[:2]
    links = page.evaluate("[...document.querySelectorAll('.bn-launch a')].map(a => a.href)")
    lab = "urlpath=" + "lab%2Ftree%2Fnotebooks%2F" + name
    voila = "urlpath=" + "voila%2Frender%2Fnotebooks%2F" + name
    assert len(links) == 3 and links[2] == colab.colab_url(name), (name, links)
    assert links[0].endswith(lab) and links[1].endswith(voila), (name, links)
    assert all(colab.REPOSITORY in link for link in links)
    if number != "00":
        assert len(images) >= 1, f"{name}: no figure on the page"
    text = page.inner_text("main")
    assert ("This exercise runs live" in text) == (number in EXERCISES), name
    if number in PREDICTIONS:
        details = page.locator("details.bn-predict-answer")
        assert details.count() >= 1, f"{name}: no answer behind a disclosure"
        summary = details.first.locator("summary")
        assert not details.first.evaluate("d => d.open")
        assert details.first.inner_text().strip() == summary.inner_text().strip()  # hidden
        summary.click()
        assert "Measured in this notebook's run" in details.first.inner_text()
        question = page.locator(".bn-predict").first.bounding_box()["y"]
        assert question <= details.first.bounding_box()["y"]  # the question, then its answer


def status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
