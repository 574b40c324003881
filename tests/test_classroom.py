"""Serving the series to a class: `voila notebooks/` started from the repository's root reads the
checked-in voila.json (pre-heated kernels per notebook, culling of idle kernels), a kernel whose
learner left is culled but not a pooled one, and the landing page (notebooks/00_index.ipynb) links
every notebook under its title. Not timed: benchmarks/classroom.py measures."""

import json
import re
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from servers import CULL_FAST, classroom_voila, kernels, wait_for  # noqa: E402

INDEX = ROOT / "notebooks" / "00_index.ipynb"
SERIES = sorted(p for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb") if p != INDEX)


# in tests: one pre-heated kernel for notebook 01, none for 02 (the real sizes: see the last test)
POOLS = {"01_bn_live.ipynb": 1, "02_what_stays_put.ipynb": 0}


@pytest.fixture
def voila(tmp_path):
    """The README's `voila notebooks/`, its pools made small and culling shortened on the command
    line (2 s idle, checked every 1 s)."""
    with classroom_voila(tmp_path, *CULL_FAST, pools=POOLS) as server:
        yield server


def get(url):
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.read().decode()


def test_the_config_is_read_pools_are_per_notebook_and_left_kernels_are_culled(voila):
    proc, url, log = voila
    # voila.json's pools: one kernel pre-heated for 01 (it runs the notebook before anyone asks)
    wait_for(lambda: len(kernels(proc.pid)) == 1, 120, f"01's pre-heated kernel: {log.read_text()}")
    page = get(url + "voila/render/01_bn_live.ipynb")  # served from the pool, already run
    assert "(within 1e-9): True" in page and "Traceback" not in page, page[-2000:]
    assert "NBVAL_CHECK_OUTPUT" not in page  # an app: no code
    # the pool refills (fill_delay 1 s): the learner's kernel + a new pre-heated one
    wait_for(lambda: len(kernels(proc.pid)) == 2, 120, "the pool to refill")
    index = get(url + "voila/render/00_index.ipynb")  # no pool: a kernel of its own
    assert "Batch Normalization you can drag" in index
    assert "Culling kernels with idle durations > 2 seconds at 1 second intervals" in (
        log.read_text())
    # both learners are gone (an HTTP client never connects): their kernels are culled after 2 s
    # idle; the pre-heated kernel waiting for the next learner is not
    wait_for(lambda: len(kernels(proc.pid)) == 1, 60, "the idle kernels to be culled")
    time.sleep(4)
    assert len(kernels(proc.pid)) == 1, log.read_text()
    assert re.search(r"Culling '\w+' kernel", log.read_text()), log.read_text()


def test_the_settings_in_the_config():
    config = json.loads((ROOT / "voila.json").read_text())
    voila = config["VoilaConfiguration"]
    assert voila["preheat_kernel"] is True and voila["progressive_rendering"] is False  # exclusive
    pools = config["VoilaKernelManager"]["kernel_pools_config"]
    assert pools["default"]["pool_size"] == 0  # pools only for the notebooks a class opens at once
    assert set(pools) == {"default", *POOLS}
    assert all((ROOT / "notebooks" / name).exists() for name in POOLS)
    assert all(1 <= pools[n]["pool_size"] <= 10 for n in POOLS)  # 10 x 115 + 10 x 270 MB idle
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

