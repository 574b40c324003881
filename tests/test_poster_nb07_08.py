"""First pictures of notebooks 07 and 08 (ui.poster): a kernel that runs a notebook's cells after an
earlier one imports no matplotlib, trains nothing and shows the same pictures; the figure built at
the first move draws exactly the stored picture, and the controls work; with the cache off the
notebooks draw everything at open. The warm-up calls of the report (open_as_notebook, the LiveRuns'
results) store exactly the pictures the notebooks look up."""

import json
import textwrap
from pathlib import Path

import fresh_kernel
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

REPORT = {
    "07": """
        images = {"tables": tables_picture().data, "cubes": cubes_picture(groups=3).data,
                  "compare": compare.image.value, "padding": padding.image.value}
    """,
    "08": """
        images = {"depth": diag.image.value, "batch": batches.image.value,
                  "sweep": sweep.image.value, "table": diag.table.value.encode()}
    """,
}


def notebook_code(name):
    """The code cells of notebook `name` (07 or 08), in order, as one script."""
    path = next(NOTEBOOKS.glob(f"{name}_*.ipynb"))
    cells = json.loads(path.read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def run(name, cache, then="", before="", via=fresh_kernel.report):
    """Run `before`, notebook `name`'s cells and `then` in a fresh interpreter; its report
    (`via` fresh_kernel.beside: a Future of it)."""
    code = "\n".join([before, notebook_code(name), textwrap.dedent(REPORT[name]), """
import sys, json
report = {"matplotlib": "matplotlib" in sys.modules,
          "images": {k: v.hex() for k, v in images.items()}}
""", textwrap.dedent(then), "print(json.dumps(report))"])
    return via(code, cache, cwd=NOTEBOOKS)


@pytest.fixture(scope="module", autouse=True)
def off():
    """The notebooks run with the cache off, from the module's start, beside its other kernels:
    {name: a Future of the report}."""
    return {name: run(name, "off", via=fresh_kernel.beside) for name in ("07", "08")}


@pytest.fixture(scope="module")
def cache(tmp_path_factory, warm_cache):
    """A cache with the warm results, notebook 08's among them (no picture yet)."""
    return fresh_kernel.results_only(tmp_path_factory, warm_cache)


SECOND = {
    "07": """
        for panel, name, value in ((compare, "groups", 3), (padding, "pad_fraction", 0.9)):
            before = panel.image.value
            panel.live  # built at the first move: it draws what is on show
            report[f"{name} rebuilt"] = panel.image.value == before
            panel.controls[name].value = value  # a move: redrawn
            report[f"{name} moved"] = panel.image.value != before
        report["groups"] = compare.data["groups"]
        report["pad"] = padding.data["pad"]
    """,
    "08": """
        for panel, name in ((diag, "depth"), (batches, "batch"), (sweep, "sweep")):
            before = panel.image.value
            panel.live
            report[f"{name} rebuilt"] = panel.image.value == before
        report["matplotlib after"] = "matplotlib" in sys.modules
        before = diag.image.value
        diag.controls["depth"].value = 3  # a move: a new run, trained and drawn
        end = diag.run.wait(timeout=300)
        report["depth moved"] = diag.image.value != before and end["settings"]["depth"] == 3
        report["table rows"] = diag.table.value.count("<tr>")
    """,
}


@pytest.mark.parametrize("name", ["07", "08"])
def test_a_later_kernel_shows_the_stored_pictures_without_matplotlib(cache, name):
    first = run(name, cache)
    second = run(name, cache, then=SECOND[name])
    assert first["matplotlib"] and not second["matplotlib"]
    assert second["images"] == first["images"]
    assert all(len(v) > 2 * 2000 for k, v in second["images"].items() if k != "table")  # hex
    rebuilt = [k for k in second if k.endswith("rebuilt")]
    assert rebuilt and all(second[k] for k in rebuilt), second
    if name == "07":
        assert second["groups moved"] and second["pad_fraction moved"]
        assert second["groups"] == 3 and second["pad"] > 0.8
    else:
        assert bytes.fromhex(second["images"]["table"]).decode().count("<tr>") == 1 + 8
        assert second["matplotlib after"] and second["depth moved"]
        assert second["table rows"] == 1 + 3  # the header and one row per hidden layer


@pytest.mark.parametrize("name", ["07", "08"])
def test_with_the_cache_off_everything_is_drawn_at_open(name, off):
    report = off[name].result()
    assert report["matplotlib"]
    assert all(len(v) > 2 * 2000 for k, v in report["images"].items() if k != "table")


def test_open_as_notebook_stores_the_pictures_notebook_07_shows(tmp_path):
    warm = ("from bn_core.panels.nb07_norms import open_as_notebook\n"
            "open_as_notebook()\n")
    report = run("07", tmp_path, before=warm)  # the warm-up, then the notebook in one process
    folder = next((tmp_path / "posters").iterdir())
    files = [p.name for p in folder.iterdir()]
    # the notebook found the warm-up's four pictures (and the two sliders' kept first draws)
    assert len([f for f in files if ".first." not in f]) == 4 and len(files) == 6
    later = run("07", tmp_path)
    assert not later["matplotlib"] and later["images"] == report["images"]
