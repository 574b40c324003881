"""Notebooks 05 and 06 at open (ui.poster, experiments.cache): once the results are warm and a
first kernel has drawn the pictures, a later kernel runs every code cell of the notebook, imports
no matplotlib, trains nothing and shows the same picture bytes and numbers; the figure built at the
first move draws exactly the stored picture, and the controls still work. With the cache off,
everything is computed and drawn at open, to the same bytes and numbers."""


import fresh_kernel
import pytest

# Every code cell of a notebook, in order, in one namespace (as its kernel runs them)
RUN = """
import hashlib, json, sys, time
from bn_core.panels.run_cells import run_notebook
ns = run_notebook(sys.argv[1])
report = {"matplotlib": "matplotlib" in sys.modules}
digest = lambda *arrays: hashlib.sha256(b"".join(a.tobytes() for a in arrays)).hexdigest()
"""

REPORT = {
    "05": """
from bn_core.panels import nb05_inference as p
model, live = ns["model"], ns["live"]
report["numbers"] = digest(*[v for layer in model.layers for v in vars(layer).values()
                             if hasattr(v, "tobytes")], ns["history"]["loss"])
report["images"] = {"running": live.widget.value.hex(),
                    "momentum": p.momentum_picture(ns["batches"], 0.9).data.hex(),
                    "company": p.company_picture(ns["probs_train"], ns["probs_eval"],
                                                 ns["c"]).data.hex(),
                    "calibration": p.calibration_picture(ns["results"]).data.hex()}
""",
    "06": """
res = ns["res"]
report["numbers"] = digest(*[res[k] for k in sorted(res) if k != "run"], ns["jitter"])
panels = {name: ns[name] for name in ("outlier", "jacobian", "sampling", "regularization")}
report["images"] = {name: panel.image.value.hex() for name, panel in panels.items()}
""",
}

# The first moves, in a later kernel
MOVES = {
    "05": """
before = live.widget.value
live.live  # built at the first move: it draws the numbers on show
report["rebuilt same"] = live.widget.value == before
report["matplotlib after"] = "matplotlib" in sys.modules
ns["momentum"].value = 0.5  # the slider redraws through interactive_output
report["moved"] = live.widget.value != before
ns["batch_size"].value = 256
report["readout"] = float(live.update(momentum=0.5, batch_size=256)["biased"])
""",
    "06": """
same = {}
for name in ("outlier", "jacobian", "sampling"):
    before = panels[name].image.value
    panels[name].live
    same[name] = panels[name].image.value == before
ghost = panels["regularization"]
before = ghost.image.value
ghost.draw(ghost.run.state)  # the figure, built now, draws the stored end
same["regularization"] = ghost.image.value == before
report["rebuilt same"] = same
report["matplotlib after"] = "matplotlib" in sys.modules
before = {name: panels[name].image.value for name in same}
panels["outlier"].controls["value"].value = 8.0
panels["jacobian"].controls["n"].value = 64
panels["sampling"].controls["n"].value = 256
ghost.controls["run"].value = "bigger"  # not stored: it trains, drawn as it goes
deadline = time.time() + 60
while ghost.image.value == before["regularization"] and time.time() < deadline:
    time.sleep(0.05)
ghost.run.cancel()
report["moved"] = {name: panels[name].image.value != before[name] for name in same}
report["readout"] = [panels["outlier"].data["moved"], panels["sampling"].data["n"],
                     panels["jacobian"].data["jacobian"].shape[0]]
""",
}
PATHS = {"05": "05_train_vs_inference.ipynb", "06": "06_batch_couples_examples.ipynb"}


def kernel(nb, cache, then="", run=fresh_kernel.report):
    """Run notebook nb's cells (and `then`) in a fresh interpreter with the cache at `cache`
    (`run`: fresh_kernel.report, or .beside for a Future of the report)."""
    return run(RUN + REPORT[nb] + then + "\nprint(json.dumps(report))", cache, args=[PATHS[nb]])


@pytest.fixture(scope="module")
def cache(tmp_path_factory, warm_cache):
    """A cache holding the warm results, no picture yet."""
    return fresh_kernel.results_only(tmp_path_factory, warm_cache)


@pytest.fixture(scope="module", params=["05", "06"])
def kernels(request, cache):
    """The first kernel (draws, stores), a later one (reads, then moves), one with the cache off
    (beside them)."""
    nb = request.param
    off = kernel(nb, "off", run=fresh_kernel.beside)
    first = kernel(nb, cache)
    return nb, cache, first, kernel(nb, cache, MOVES[nb]), off.result()


def test_the_first_kernel_draws_and_stores_every_picture(kernels):
    nb, cache, first, _, _ = kernels
    assert first["matplotlib"]
    stored = {p.name.split("-")[0] for p in (cache / "posters").glob(f"*/nb{nb}.*")}
    assert stored == {f"nb{nb}.{name}" for name in first["images"]}


def test_a_later_kernel_shows_them_without_matplotlib(kernels):
    _, _, first, second, _ = kernels
    assert not second["matplotlib"]
    assert second["images"] == first["images"] and second["numbers"] == first["numbers"]
    assert all(len(image) > 4000 for image in second["images"].values())  # real pictures (hex)


def test_the_figure_built_at_the_first_move_draws_the_stored_picture(kernels):
    nb, _, _, second, _ = kernels
    same = second["rebuilt same"]
    assert same is True or all(same.values()), same
    assert second["matplotlib after"]
    assert second["moved"] is True or all(second["moved"].values()), second["moved"]
    if nb == "05":
        assert second["readout"] == pytest.approx(255 / 256, abs=0.01)
    else:
        assert second["readout"][0] > 0.3 and second["readout"][1:] == [256, 64]


def test_with_the_cache_off_everything_is_drawn_at_open_the_same(kernels):
    _, _, first, _, off = kernels
    assert off["matplotlib"]
    assert off["images"] == first["images"] and off["numbers"] == first["numbers"]


def test_run_notebook_refuses_a_notebook_that_is_not_there():
    from bn_core.panels.run_cells import run_notebook

    with pytest.raises(ValueError, match="expected a notebook of"):
        run_notebook("99_missing.ipynb")
