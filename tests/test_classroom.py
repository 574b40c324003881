"""Serving the series to a class: `voila notebooks/` started from the repository's root reads the
checked-in voila.json (progressive rendering, culling of idle kernels), a kernel whose learner left
is culled, and the landing page (notebooks/00_index.ipynb) links every notebook under its title.
Not timed: benchmarks/classroom.py measures."""

import json
import re
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from servers import CULL_FAST, classroom_voila, kernels, wait_for  # noqa: E402

INDEX = ROOT / "notebooks" / "00_index.ipynb"
SERIES = sorted(p for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb") if p != INDEX)


@pytest.fixture
def voila(tmp_path):
    """The README's `voila notebooks/` with culling shortened on the command line (2 s idle,
    checked every 1 s)."""
    with classroom_voila(tmp_path, *CULL_FAST) as server:
        yield server


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

