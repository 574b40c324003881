"""First pictures of notebooks 03 and 04 (ui.poster): a kernel that opens them after an earlier one
reads the default results from the disk cache, shows the stored pictures, imports no matplotlib and
trains nothing; the figure built at the first move draws exactly the stored picture; with the cache
off everything is computed and drawn at open."""

import textwrap

import fresh_kernel
import pytest

# What the notebooks run when they open (same seeds and calls as their cells), then a report.
OPEN = """
import json, sys, time
import numpy as np
from bn_core.data import load_digits_split
from bn_core.experiments import backward
from bn_core.experiments.smoothness import landscapes, seeded_lr_sweep
from bn_core.panels import nb04_backward
from bn_core.panels.nb03_figures import landscape_picture, sweep_picture
from bn_core.panels.nb03_why_bn_helps import NoiseExplorer, ScaleExplorer
data = load_digits_split()
start = time.process_time()
explorer = NoiseExplorer(data, seed=0, steps=400, lr=0.5, strength=0.5)
summary = explorer.wait(120)
sweep = seeded_lr_sweep(data, np.geomspace(0.03, 30, 9), steps=150, seed=0,
                        kinds=("plain", "bn", "bn_after"), activation="relu")
scapes = landscapes(data, ("plain", "bn"), steps=300, lr=0.1, seed=0,
                    step_sizes=(0.05, 0.1, 0.2, 0.4))
pictures = {"sweep": sweep_picture(sweep).data, "landscape": landscape_picture(scapes).data}
scale = ScaleExplorer(seed=0)
rng = np.random.default_rng(0)
errors = backward.gradient_check(rng)
x, gamma, beta, dout = backward.offcentre_problem(rng, n=64, d=3)
panel, update = nb04_backward.scale_panel(x, gamma, beta, dout)
update(1.0)  # what interactive_output does at open
pictures["graph"] = nb04_backward.graph_picture().data
timing = backward.backward_timing(n=256, d=512)
images = {"noise": explorer.image, "scale": scale.image, "nb04 scale": panel.widget}
report = {"matplotlib": "matplotlib" in sys.modules, "cpu": time.process_time() - start,
          "images": {name: image.value.hex() for name, image in images.items()},
          "pictures": {name: data.hex() for name, data in pictures.items()},
          "summary": {k: list(v) for k, v in summary.items()}, "timing": list(timing),
          "readouts": [explorer.readout.value, scale.readout.value]}
"""

# The first moves: each figure is built (it draws what is on show), then follows its control.
MOVE = """
before = {name: image.value for name, image in images.items()}
explorer.live, scale.live, panel.live  # built: each draws the state on show
report["rebuilt"] = {name: image.value == before[name] for name, image in images.items()}
report["matplotlib after"] = "matplotlib" in sys.modules
scale.slider.value = 10.0
report["scale moved"] = [scale.readout.value, scale.image.value != before["scale"]]
ratio = update(10.0)["|a dx(a)| / |dx(1)|"]
report["nb04 moved"] = [ratio, panel.widget.value != before["nb04 scale"]]
explorer.slider.value = 1.5  # re-trains BN + noise only, drawn over the stored no BN and BN
explorer.wait(120)
report["noise moved"] = [explorer.readout.value, explorer.image.value != before["noise"],
                         sorted(explorer.runs)]
"""


def code(then=""):
    """OPEN (then `then`), then the report printed."""
    return OPEN + textwrap.dedent(then) + "\nprint(json.dumps(report))"


@pytest.fixture(scope="module")
def opened(tmp_path_factory, warm_cache):
    """The warmed results, a first kernel (draws and stores every picture), then a second one;
    beside them, a kernel with the cache off."""
    off = fresh_kernel.beside(code(), "off")
    cache = fresh_kernel.results_only(tmp_path_factory, warm_cache)
    first = fresh_kernel.report(code(), cache)
    second = fresh_kernel.report(code(then=MOVE), cache)
    return cache, first, second, off


def test_the_first_kernel_draws_and_stores_every_picture(opened):
    cache, first, _, _ = opened
    assert first["matplotlib"]
    files = [p.name for p in (cache / "posters").glob("*/*.*")]
    stored = sorted(name.split("-")[0] for name in files
                    if ".first." not in name and not name.endswith(".txt"))
    assert stored == ["nb03.landscape", "nb03.noise", "nb03.scale", "nb03.sweep", "nb04.graph",
                      "nb04.scale"]
    # the text alternative of the noise LiveRun's picture, shown with it at a tap (RunPosters)
    assert sorted(name.split("-")[0] for name in files if name.endswith(".txt")) == ["nb03.noise"]
    # the first draws of the figures a later kernel builds (ui.first_draw), not the static ones'
    kept = sorted(name.split("-")[0] for name in files if name.endswith(".first.png"))
    assert kept == ["nb03.noise", "nb03.scale", "nb04.scale"]


def test_a_later_kernel_shows_them_without_matplotlib_or_training(opened):
    _, first, second, _ = opened
    assert not second["matplotlib"]
    for key in ("images", "pictures", "summary", "timing", "readouts"):
        assert second[key] == first[key], key
    assert all(len(image) > 4000 for image in second["images"].values())  # real pictures (hex)
    assert all(bytes.fromhex(p)[:8] == b"\x89PNG\r\n\x1a\n" for p in second["pictures"].values())
    assert second["cpu"] < 1.0  # read, not trained (training the defaults takes ~6 CPU-s)


def test_the_figures_built_at_the_first_move_draw_the_stored_pictures_then_follow(opened):
    _, first, second, _ = opened
    assert second["rebuilt"] == {"noise": True, "scale": True, "nb04 scale": True}
    assert second["matplotlib after"]
    readout, changed = second["scale moved"]
    assert "a = 10.00" in readout and changed
    ratio, changed = second["nb04 moved"]
    assert 0.999 < ratio < 1.001 and changed
    readout, changed, kinds = second["noise moved"]
    assert readout != first["readouts"][0] and changed and kinds == ["bn", "noisy", "plain"]


def test_with_the_cache_off_everything_is_computed_and_drawn_at_open(opened):
    _, first, _, off = opened
    off = off.result()
    assert off["matplotlib"]
    assert off["summary"] == first["summary"] and off["readouts"] == first["readouts"]
    assert off["images"] == first["images"] and off["pictures"] == first["pictures"]
