"""Serving the series to a class: `voila notebooks/` started from the repository's root reads the
checked-in voila.json (progressive rendering, culling of idle kernels), a kernel whose learner left
is culled, and the landing page (notebooks/00_index.ipynb) links every notebook under its title.
Not timed: benchmarks/classroom.py measures."""

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from servers import free_port, server_env  # noqa: E402

INDEX = ROOT / "notebooks" / "00_index.ipynb"
SERIES = sorted(p for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb") if p != INDEX)


def kernels(pid):
    """The ipykernel processes under the server process `pid`."""
    children = psutil.Process(pid).children(recursive=True)
    return [p for p in children if "ipykernel" in " ".join(p.cmdline())]


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.25)
    raise AssertionError(f"waited {timeout} s for {what}")


@pytest.fixture
def voila(tmp_path):
    """`voila notebooks/` as the README says, run in a copy of the repository's root (its voila.json
    and notebooks), with culling shortened on the command line (2 s idle, checked every 1 s)."""
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    shutil.copy(ROOT / "voila.json", tmp_path / "voila.json")
    port = free_port()
    log = tmp_path / "voila.log"
    env = {**server_env(tmp_path), "BN_CORE_CACHE_DIR": str(tmp_path / "cache")}
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "voila", "notebooks/", "--no-browser", "--Voila.ip=127.0.0.1",
             f"--port={port}", "--MappingKernelManager.cull_idle_timeout=2",
             "--MappingKernelManager.cull_interval=1"],
            cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"

    def up():
        with contextlib.suppress(OSError), urllib.request.urlopen(url + "voila/tree", timeout=2):
            return True
        assert proc.poll() is None, log.read_text()
        return False

    try:
        wait_for(up, 60, "voila to answer")
        yield proc, url, log
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_the_config_file_is_read_and_a_left_kernel_is_culled(voila):
    proc, url, log = voila
    with urllib.request.urlopen(url + "voila/render/00_index.ipynb", timeout=60) as response:
        page = response.read().decode()
    text = log.read_text()
    assert '"progressiveRendering": true' in page, text  # only voila.json turns it on
    assert "Culling kernels with idle durations > 2 seconds at 1 second intervals" in text, text
    assert "Batch Normalization you can drag" in page  # the text comes with the page at once
    started = kernels(proc.pid)
    assert len(started) == 1, started  # the page's kernel, waiting for its learner
    # the learner is gone (an HTTP client never connects): culled after 2 s idle
    wait_for(lambda: not kernels(proc.pid), 30, "the idle kernel to be culled")
    assert re.search(r"Culling '\w+' kernel", log.read_text()), log.read_text()


def test_the_settings_in_the_config():
    config = json.loads((ROOT / "voila.json").read_text())
    assert config["VoilaConfiguration"]["progressive_rendering"] is True
    assert not config["VoilaConfiguration"].get("preheat_kernel")  # incompatible with the above
    culling = config["MappingKernelManager"]
    assert 30 <= culling["cull_idle_timeout"] <= 600 and culling["cull_interval"] <= 60
    assert culling["cull_connected"] is False  # an open tab keeps its kernel, however idle


def heading(path):
    """A notebook's title: its first line, '# NN · title' -> 'title'."""
    first = json.loads(path.read_text())["cells"][0]["source"]
    first = "".join(first).splitlines()[0]
    return re.sub(r"^#\s*\d\d\s*·\s*", "", first).strip()


def test_the_index_links_every_notebook_under_its_title():
    cells = json.loads(INDEX.read_text())["cells"]
    assert all(c["cell_type"] == "markdown" for c in cells)  # nothing to run, nothing to wait for
    text = "\n".join("".join(c["source"]) for c in cells)
    links = re.findall(r"\|\s*(\d\d)\s*\|\s*\[([^\]]+)\]\(([^)]+)\)\s*\|\s*([^|]+\?)\s*\|", text)
    assert [target for _, _, target, _ in links] == [p.name for p in SERIES], links
    for number, title, target, question in links:
        assert target[:2] == number and title == heading(ROOT / "notebooks" / target), title
        assert len(question) > 20


def test_an_open_tab_keeps_its_kernel_and_a_closed_one_frees_it(voila):
    """In Chromium: while the tab is open its kernel survives the 2 s idle culling (connected
    kernels are not culled); once the tab is closed the kernel goes (shut down by the page's
    unload, else culled)."""
    servers = pytest.importorskip("servers")
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.access(servers.CHROMIUM, os.X_OK):
        pytest.skip(f"{servers.CHROMIUM} is missing (tests/run.sh installs it)")
    proc, url, log = voila
    with sync_api.sync_playwright() as p:
        browser = servers.launch_chromium(p)
        try:
            page = browser.new_page()
            page.goto(url + "voila/render/00_index.ipynb", timeout=60_000)
            page.wait_for_selector("a[href='01_bn_live.ipynb']", timeout=60_000)
            wait_for(lambda: len(kernels(proc.pid)) == 1, 30, "the page's kernel")
            time.sleep(5)  # > 2 s idle: an open tab is connected, so it is not culled
            assert len(kernels(proc.pid)) == 1, log.read_text()
            page.close(run_before_unload=True)
            wait_for(lambda: not kernels(proc.pid), 30, "the closed tab's kernel to go")
        finally:
            browser.close()
