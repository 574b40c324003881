"""First pictures (ui.poster): a kernel that opens notebook 01 or 02 after an earlier one shows the
stored pictures, imports no matplotlib and draws nothing; the figure built at the first move draws
exactly the stored picture; keys follow what the picture depends on."""

import os
import textwrap
import time

import fresh_kernel
import numpy as np
import pytest

from bn_core.ui import poster

# What notebooks 01 and 02 run when they open (their panels at the defaults), then a report.
OPEN = """
import json, sys
from bn_core.panels.nb01_explorer import build_panel
from bn_core.panels.nb02_forum import FreezePanel, ShiftPanel
from bn_core.panels.nb02_what_stays_put import WhatStaysPut
explorer = build_panel(seed=0)
dash = WhatStaysPut(lr=0.5, steps=1000, seed=0)
runs = dash.wait(120)
forum, shift = FreezePanel(lr=0.5, steps=200, seed=0), ShiftPanel(lr=0.5, steps=200, seed=0)
forum.run.wait(120), shift.run.wait(120)
relu = shift.image.value if shift.select("relu", lr=0.1).done.wait(120) else None
images = {"explorer": explorer.image, **{f"dash.{k}": v for k, v in dash.images.items()},
          "freeze": forum.image, "ics": shift.image}
report = {"matplotlib": "matplotlib" in sys.modules,
          "images": {name: image.value.hex() for name, image in images.items()},
          "relu": relu.hex()}
"""


def run_open(cache, then=""):
    """Run OPEN (and `then`) in a fresh interpreter with the cache at `cache`; its report."""
    return fresh_kernel.report(OPEN + textwrap.dedent(then) + "\nprint(json.dumps(report))", cache)


@pytest.fixture(scope="module")
def opened(tmp_path_factory, warm_cache):
    """The first kernel (draws and stores every picture), then a second one (reads them)."""
    cache = fresh_kernel.results_only(tmp_path_factory, warm_cache)  # no picture yet
    first = run_open(cache)
    second = run_open(cache, then="""
        before = explorer.image.value
        explorer.figure  # built at the first move: it draws the frame on show
        report["explorer rebuilt"] = explorer.image.value == before
        fig1 = dash.images["fig1"]
        report["fig1 rebuilt"] = (dash.fig1.live.widget is fig1
                                  and fig1.value.hex() == report["images"]["dash.fig1"])
        report["matplotlib after"] = "matplotlib" in sys.modules
        dash.step.value = 500  # the scrubber builds the scrub figure, which shows step 500
        report["scrubbed"] = dash.scrub.text.get_text()
        dash.restart(0.4)  # a new lr streams into figures built for it (params: still a picture)
        dash.wait(120)
        report["retrained"] = [dash.status.value.startswith("lr = 0.4"), dash.run.completed,
                               dash.images["params"].value.hex() != report["images"]["dash.params"]]
    """)
    return cache, first, second


def test_the_first_kernel_draws_and_stores_every_picture(opened):
    cache, first, _ = opened
    assert first["matplotlib"]
    stored = sorted(p.name.split("-")[0] for p in (cache / "posters").glob("*/*.jpeg"))
    assert stored == sorted(["nb01.explorer", "nb02.fig1", "nb02.params", "nb02.change",
                             "nb02.scrub", "nb02.freeze", "nb02.ics", "nb02.ics"])


def test_a_later_kernel_shows_them_without_matplotlib(opened):
    _, first, second = opened
    assert not second["matplotlib"]
    assert second["images"] == first["images"] and second["relu"] == first["relu"]
    assert all(len(image) > 2000 for image in second["images"].values())  # real JPEGs


def test_the_figure_built_at_the_first_move_draws_the_stored_picture(opened):
    _, _, second = opened
    assert second["explorer rebuilt"] and second["fig1 rebuilt"]
    assert second["matplotlib after"] and second["scrubbed"] == "step 500"
    assert second["retrained"] == [True, 1, True]


def test_keys_follow_what_the_picture_depends_on():
    a = np.arange(6.0).reshape(2, 3)
    key = poster.poster_key("nb01.explorer", a, 0.5)
    assert key == poster.poster_key("nb01.explorer", a.copy(), 0.5)
    assert key.startswith("nb01.explorer-")
    others = [poster.poster_key("nb01.other", a, 0.5), poster.poster_key("nb01.explorer", a, 0.6),
              poster.poster_key("nb01.explorer", a + 1e-12, 0.5),
              poster.poster_key("nb01.explorer", a.astype(np.float32), 0.5),
              poster.poster_key("nb01.explorer", a.reshape(3, 2), 0.5)]
    assert len({key, *others}) == 6


def test_store_show_and_off(tmp_path, monkeypatch):
    monkeypatch.setenv("BN_CORE_CACHE_DIR", str(tmp_path))
    image = poster.image_widget((2, 1))
    assert (image.width, image.height, image.format) == ("160", "80", "jpeg")
    assert not poster.show(image, "k")
    image.value = b"\xff\xd8\xffpicture\xff\xd9"
    poster.store("k", image)
    other = poster.image_widget((2, 1))
    assert poster.show(other, "k") and other.value == b"\xff\xd8\xffpicture\xff\xd9"
    posters = tmp_path / "posters"
    (posters / "0123456789abcdef").mkdir()  # another checkout's version, in use: kept
    (posters / "fedcba9876543210").mkdir()  # a version unused for three days: removed
    os.utime(posters / "fedcba9876543210", (time.time() - 3 * 86400,) * 2)
    poster._version_folder.cache_clear()
    poster.show(other, "k")
    assert sorted(p.name for p in posters.iterdir()) == sorted(["0123456789abcdef",
                                                               poster.drawing_version()])
    monkeypatch.setenv("BN_CORE_CACHE_DIR", "off")
    poster.store("k2", image)
    assert not poster.show(other, "k") and not list(tmp_path.rglob("k2*"))
    with pytest.raises(ValueError, match="fmt"):
        poster.image_widget((2, 1), fmt="gif")


def test_warm_stores_the_pictures_every_notebook_opens_on(warm_cache):
    folder, out = warm_cache  # `python -m bn_core.panels.warm` from an empty folder
    assert ("01 pictures, 02 pictures, 03 pictures, 04 pictures, 05 pictures, 06 pictures, "
            "07 pictures, 08 pictures") in out
    names = sorted(p.name.split("-")[0] for p in (folder / "posters").glob("*/*.*")
                   if ".first." not in p.name and p.suffix not in (".txt", ".json"))  # the
    # pictures (not the kept first draws, the texts of the runs' pictures, nor numbers)
    numbers = sorted(p.name.split("-")[0] for p in (folder / "posters").glob("*/*.json"))
    assert numbers == ["nb02.scrub"], numbers  # its limits (panels.nb02_scrub)
    texts = sorted(p.name.split("-")[0] for p in (folder / "posters").glob("*/*.txt"))
    assert texts == ["nb02.change", "nb02.fig1", "nb02.freeze", "nb02.ics", "nb02.ics",
                     "nb02.params", "nb02.scrub", "nb03.noise", "nb06.regularization",
                     "nb08.batch", "nb08.depth", "nb08.sweep"], texts
    assert {name.split(".")[0] for name in names} == {f"nb0{n}" for n in range(1, 9)}
    # 01: 1, 02: 7 (two of the gradient-shift panel), 03: 4, 04: 2, 05: 4, 06: 4, 07: 4, 08: 3
    assert names.count("nb02.ics") == 2 and len(names) == 29


def test_picture_draws_once_then_reads_the_stored_png(tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    monkeypatch.setenv("BN_CORE_CACHE_DIR", str(tmp_path))
    calls = []

    def draw():
        calls.append(1)
        figure = Figure(figsize=(2, 1))
        figure.subplots().plot([0, 1], [1, 0])
        return figure

    first = poster.picture("nb99.line-1", draw)
    second = poster.picture("nb99.line-1", draw)
    assert calls == [1] and first.data[:8] == b"\x89PNG\r\n\x1a\n" and second.data == first.data
    monkeypatch.setenv("BN_CORE_CACHE_DIR", "off")
    poster.picture("nb99.line-1", draw)
    assert calls == [1, 1]  # off: drawn every time
