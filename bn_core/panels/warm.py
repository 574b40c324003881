"""Warm a machine for a class: the default experiments' results (bn_core.experiments.warm) and the
first pictures of every notebook, so that no learner's kernel trains, imports matplotlib or draws
anything before the learner moves a control:

    python -m bn_core.panels.warm       # once per machine and code version (Binder: postBuild)
    python -m bn_core.panels.warm --defaults-only    # without notebook 02's lr grids (~1.5 CPU-min
                                                     # less from cold: tests, the web book)

It opens the panels as the notebooks do (same seeds, same defaults); each stores its pictures.
"""

import sys

import numpy as np

from bn_core.data import load_digits_split
from bn_core.experiments import backward, smoothness
from bn_core.experiments.cache import cache_dir, code_version
from bn_core.experiments.warm import warm as warm_results
from bn_core.ui.poster import drawing_version


def warm(timeout=600, grids=True):
    """Fill the cache with the results (grids: also every lr of notebook 02's training sliders, so
    that a tap shows a stored run), then the pictures. Returns the names of what was warmed."""
    from bn_core.panels.nb01_explorer import build_panel
    from bn_core.panels.nb02_forum import FreezePanel, ShiftPanel
    from bn_core.panels.nb02_what_stays_put import WhatStaysPut

    names = warm_results(grids)
    build_panel(seed=0)  # notebook 01: the explorer at its defaults
    WhatStaysPut(lr=0.5, steps=1000, seed=0).wait(timeout)  # notebook 02, as its cells open it
    FreezePanel(lr=0.5, steps=200, seed=0).run.wait(timeout)
    shift = ShiftPanel(lr=0.5, steps=200, seed=0)
    shift.run.wait(timeout)
    shift.select("relu", lr=0.1).done.wait(timeout)
    return (names + ["01 pictures", "02 pictures"] + warm_03_04(timeout) + warm_05_06()
            + warm_07_08(timeout) + (warm_grid_pictures(timeout) if grids else []))


def warm_03_04(timeout):
    """Notebooks 03 and 04, opened as their cells do."""
    from bn_core.panels import nb03_figures, nb04_backward
    from bn_core.panels.nb03_why_bn_helps import NoiseExplorer, ScaleExplorer

    data = load_digits_split()
    NoiseExplorer(data, seed=0, steps=400, lr=0.5, strength=0.5).wait(timeout)
    nb03_figures.sweep_picture(smoothness.seeded_lr_sweep(
        data, np.geomspace(0.03, 30, 9), steps=150, seed=0, kinds=("plain", "bn", "bn_after"),
        activation="relu"))
    nb03_figures.landscape_picture(smoothness.landscapes(
        data, ("plain", "bn"), steps=300, lr=0.1, seed=0, step_sizes=(0.05, 0.1, 0.2, 0.4)))
    ScaleExplorer(seed=0)
    nb04_backward.graph_picture()
    rng = np.random.default_rng(0)  # as notebook 04 uses it: the gradient check draws first
    backward.gradient_check(rng)
    nb04_backward.scale_panel(*backward.offcentre_problem(rng, n=64, d=3))[1](1.0)
    return ["03 pictures", "04 pictures"]


def warm_05_06():
    """Notebooks 05 and 06: their code cells, run as the notebooks run them."""
    from bn_core.panels.run_cells import run_notebook

    run_notebook("05_train_vs_inference.ipynb")
    run_notebook("06_batch_couples_examples.ipynb")  # waits for the ghost-batch run
    return ["05 pictures", "06 pictures"]


def warm_07_08(timeout):
    """Notebooks 07 and 08, opened as their cells do."""
    from bn_core.panels.nb07_norms import open_as_notebook
    from bn_core.panels.nb08_depth import depth_panel
    from bn_core.panels.nb08_sweeps import batch_panel, scale_panel

    open_as_notebook(seed=0)  # 07: its static pictures and the two panels at open
    depth_panel().run.wait(timeout)  # 08: the stored ends' pictures
    scale_panel().run.wait(timeout)
    batch_panel().run.wait(timeout)
    return ["07 pictures", "08 pictures"]


def warm_grid_pictures(timeout):
    """The pictures of every stored value of the training sliders (experiments.warm.GRIDS): each
    slider set to each value, as a learner's tap does, and its stored run shown (and kept as
    pictures): a tap then reads a picture instead of drawing up to four figures."""
    from bn_core.experiments.depth import DEPTHS, gain_grid
    from bn_core.experiments.smoothness import NOISE_STRENGTHS
    from bn_core.experiments.what_stays_put import lr_grid
    from bn_core.panels.nb02_forum import FreezePanel
    from bn_core.panels.nb02_what_stays_put import WhatStaysPut
    from bn_core.panels.nb03_why_bn_helps import NoiseExplorer
    from bn_core.panels.nb08_depth import depth_panel

    dash, freeze = WhatStaysPut(lr=0.5, steps=1000, seed=0), FreezePanel(lr=0.5, steps=200, seed=0)
    noise = NoiseExplorer(load_digits_split(), seed=0, steps=400, lr=0.5, strength=0.5)
    depth = depth_panel()
    for slider, values, run in ((dash.lr, lr_grid(), dash.run), (freeze.lr, lr_grid(), freeze.run),
                                (noise.slider, NOISE_STRENGTHS, noise.run),
                                (depth.controls["depth"], DEPTHS, depth.run),
                                (depth.controls["gain"], gain_grid(), depth.run)):
        start = slider.value
        for value in [*values, start]:  # back to the default: the next slider's grid is there
            run.wait(timeout)
            slider.value = value
        run.wait(timeout)
    return ["02 lr pictures", "03 noise pictures", "08 depth and gain pictures"]


if __name__ == "__main__":
    print(f"bn_core cache: {cache_dir() or 'off'} (results {code_version()}, "
          f"pictures {drawing_version()})")
    print("warm:", ", ".join(warm(grids="--defaults-only" not in sys.argv)))
