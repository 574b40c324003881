"""The training panels (notebooks 02, 03, 06) train live: a streamed run ends in exactly the state
the blocking call reaches, a new value cancels the stale run within one step and leaves no partial
result in the panel, errors show in the panel, and an interrupt leaves no run training."""

import os
import signal
import threading
import time

import numpy as np
import pytest

from bn_core.data import load_digits_split
from bn_core.experiments.coupling import ghost_experiment
from bn_core.experiments.smoothness import compare_training
from bn_core.experiments.what_stays_put import compare_bn
from bn_core.nn import mlp
from bn_core.panels.nb02_figures import ChangeFigure, Fig1Figure, ParamsFigure
from bn_core.panels.nb02_scrub import ScrubFigure
from bn_core.panels.nb02_what_stays_put import WhatStaysPut
from bn_core.panels.nb03_why_bn_helps import NoiseExplorer
from bn_core.panels.nb06_coupling import regularization_panel
from bn_core.train import percentiles
from bn_core.ui.interrupt import cancel_all

SMALL = {"steps": 120, "snapshot_every": 20}


def lines_of(live):
    """Every animated line's (x, y) data of a LiveFigure, and its axes limits."""
    data = [np.asarray(a.get_xydata()) for a in live.artists if hasattr(a, "get_xydata")]
    axes = np.atleast_1d(live.axes)
    return data, [(a.get_xlim(), a.get_ylim()) for a in axes]


def training_threads():
    return [t for t in threading.enumerate() if t.name == "bn-core-LiveRun" and t.is_alive()]


@pytest.fixture(scope="module")
def data():
    return load_digits_split()


def test_nb02_streamed_run_ends_where_the_blocking_run_ends(data):
    dash = WhatStaysPut(lr=0.5, data=data, **SMALL)
    streamed = dash.wait(60)
    blocking = compare_bn(lr=0.5, data=data, **SMALL)
    for key in ("plain", "bn"):
        for name in ("loss", "test_acc", "eval_step"):
            np.testing.assert_array_equal(streamed[key][name], blocking[key][name])
        for rec in ("pct", "next") + (("z", "params", "snap") if key == "bn" else ()):
            for field, value in blocking[key][rec].items():
                np.testing.assert_array_equal(streamed[key][rec][field], value)
    for figure, panel_figure in ((Fig1Figure(), dash.fig1), (ParamsFigure(), dash.params),
                                 (ChangeFigure(), dash.change)):
        figure.update(blocking)  # what a blocking run draws
        (got, got_axes), (want, want_axes) = lines_of(panel_figure.live), lines_of(figure.live)
        for g, w in zip(got, want, strict=True):  # the same curves, point for point
            np.testing.assert_array_equal(g, w)
        # the limits grown while streaming stay if they hold every value and the values span at
        # least half of them (no full redraw at the end); else they are the blocking run's
        for ax, (xlim, ylim), (want_xlim, want_ylim) in zip(
                np.atleast_1d(panel_figure.live.axes), got_axes, want_axes, strict=True):
            assert xlim == want_xlim
            t = np.concatenate([line.get_ydata() for line in panel_figure.live.artists  # the
                                if line.axes.get_ylim() == ylim] or [np.zeros(0)])  # shared scale
            log = ax.get_yscale() == "log"
            t = np.log10(t[t > 0]) if log else t[np.isfinite(t)]
            lo, hi = np.log10(ylim) if log else ylim
            assert ylim == want_ylim or (lo <= t.min() and t.max() <= hi
                                        and t.max() - t.min() >= 0.5 * (hi - lo))
    scrub = ScrubFigure()
    scrub.update(blocking)
    k = scrub.show(dash.step.value)
    assert dash.scrub.shown == k and dash.scrub.steps[k] == scrub.steps[k]
    for mine, theirs in zip(dash.scrub.dots, scrub.dots, strict=True):  # the same dots
        np.testing.assert_allclose(mine.get_offsets(), theirs.get_offsets(), rtol=1e-12)
    figure = Fig1Figure()
    # the layout is solved at a figure's first draw and then kept: give the blocking figure the
    # panel's layout and limits, then every pixel must agree
    for mine, theirs in zip(figure.live.axes, dash.fig1.live.axes, strict=True):
        mine.set_position(theirs.get_position())
    figure.live._laid_out = True
    figure.update(blocking)
    for mine, theirs in zip(figure.live.axes, dash.fig1.live.axes, strict=True):
        mine.set_ylim(theirs.get_ylim())
    figure.live.invalidate()
    figure.live.refresh()
    np.testing.assert_array_equal(dash.fig1.live.pixels(), figure.live.pixels())


def test_nb02_five_quick_taps_end_in_one_run_for_the_last_value(data):
    dash = WhatStaysPut(lr=0.5, data=data, **SMALL)
    first = dash.run._run
    for lr in (0.6, 0.7, 0.8, 0.9, 1.0):
        time.sleep(0.12)
        dash.lr.value = lr
    assert first.done.wait(1) and not first.finished  # cancelled, not finished
    runs = dash.wait(60)
    assert dash.run.completed == 1 and "runs completed: 1" in dash.completed.value
    assert "lr = 1:" in dash.status.value and "step 120 / 120" in dash.run.readout.value
    blocking = compare_bn(lr=1.0, data=data, **SMALL)
    np.testing.assert_array_equal(runs["bn"]["loss"], blocking["bn"]["loss"])


def test_nb02_a_cancelled_run_stops_within_one_step_and_leaves_no_partial_result(data):
    dash = WhatStaysPut(lr=0.5, data=data, steps=1000)
    time.sleep(0.3)
    run = dash.run._run
    at_cancel = run.state["step"]  # the generator's state dict, changed in place at each step
    dash.run.cancel()
    assert run.done.wait(5)
    assert run.state["step"] - at_cancel <= 1  # within one step (or the frame being drawn)
    assert not run.finished and dash.runs is None  # no history of a run that did not finish
    assert not training_threads()


def test_nb02_step_slider_answers_while_training(data):
    # a long run (it is cancelled below): on a quiet machine 1000 steps could end before the check
    dash = WhatStaysPut(lr=0.5, data=data, steps=6000, snapshot_every=10)
    while dash.scrub.steps.size < 5 and dash.run.running:
        time.sleep(0.05)
    start = time.perf_counter()
    k = dash.show_step(20)
    seconds = time.perf_counter() - start
    assert dash.run.running, "the run should still train"
    assert dash.scrub.steps[k] == 20 and dash.scrub.text.get_text() == "step 20"
    dash.run.cancel()
    assert seconds < 2.0  # a draw of one figure; generous for a loaded machine


def test_nb03_streamed_noise_run_matches_compare_training(data):
    explorer = NoiseExplorer(data, seed=3, steps=60, strength=0.8)
    explorer.wait(60)
    blocking = compare_training(data, ["plain", "bn", "noisy"], 60, 0.5,
                                np.random.default_rng(3), strength=0.8, watch=1)
    for kind, history in blocking.items():
        np.testing.assert_array_equal(explorer.runs[kind]["loss"], history["loss"])
        np.testing.assert_array_equal(explorer.runs[kind]["watch"]["mean"],
                                      history["watch"]["mean"])


def test_nb03_an_error_inside_a_run_is_shown_in_the_panel(data):
    x_train, y_train, x_test, y_test = data
    broken = (x_train[:, :63], y_train, x_test[:, :63], y_test)  # 63 pixels: the net wants 64
    explorer = NoiseExplorer(broken, seed=0, steps=20)
    assert explorer.wait(30) is None  # no summary of a failed run
    assert "ValueError" in explorer.run.error.value and "(N, 64)" in explorer.run.error.value
    assert "color" in explorer.run.error.value  # red in the panel, not lost in a log


def test_nb06_streamed_ghost_run_matches_ghost_experiment():
    runs = {"small": {"ghosts": (2, 8), "repeats": 1, "steps": 30}}
    panel = regularization_panel(np.random.default_rng(4), runs=runs)
    streamed = panel.wait(60)
    blocking = ghost_experiment(np.random.default_rng(4), ghosts=(2, 8), repeats=1, steps=30)
    for key, value in blocking.items():
        np.testing.assert_array_equal(streamed[key], value)


def test_an_interrupt_cancels_every_run(data):
    """SIGINT (what Kernel > Interrupt sends) reaches the main thread only; the handler cancels
    every LiveRun, then does what the handler it replaced did (here: KeyboardInterrupt)."""
    # Python's own handler, as in a terminal: pytest started in the background by a
    # non-interactive shell inherits SIGINT ignored (then the runs stop and nothing is raised)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        _interrupt_two_runs(data)
    finally:
        signal.signal(signal.SIGINT, previous)


def _interrupt_two_runs(data):
    dash = WhatStaysPut(lr=0.5, data=data, steps=1000)
    explorer = NoiseExplorer(data, seed=7, steps=400)  # not cached (03 uses seeds 0 to 4)
    time.sleep(0.2)
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1)  # the handler runs here, in the main thread
    for run in (dash.run._run, explorer.run._run):
        assert run.done.wait(2) and not run.finished
    assert not training_threads()
    assert cancel_all() == 0


def test_float32_networks_stay_float32_and_percentiles_match_numpy(data):
    model = mlp([64, 16, 10], "sigmoid", bn="before", rng=np.random.default_rng(0),
                dtype=np.float32)
    out = model.forward(data[0][:8].astype(np.float32))
    assert out.dtype == np.float32
    assert model.backward(np.ones_like(out)).dtype == np.float32
    v = np.random.default_rng(0).normal(size=200)
    np.testing.assert_array_equal(percentiles(v, (15, 50, 85)), np.percentile(v, (15, 50, 85)))
