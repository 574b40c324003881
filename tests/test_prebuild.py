"""Figures built while the learner reads (ui.prebuild), in a real IPython kernel: nothing is built
while cells run; once the kernel is idle every figure that opened on its stored picture is built
and shows the same picture; a move then only draws; BN_CORE_PREBUILD=off leaves them to the first
move; outside a kernel nothing is queued."""

import json
import os
import time

import pytest
from fresh_kernel import execute
from jupyter_client.manager import start_new_kernel

from bn_core.ui import prebuild

# A page with three figures that open on stored pictures: notebook 01's explorer and notebook
# 07's two PosterPanels (0 to 2 moves: the first kernel draws and stores, later ones show).
OPEN = """
import json, sys, time
from bn_core.panels.nb01_explorer import build_panel
from bn_core.panels.nb07_norms import comparison_panel, padding_panel
from bn_core.ui import first_draw, prebuild
import numpy as np
explorer = build_panel(seed=0)
compare = comparison_panel(np.random.default_rng(7))
padding = padding_panel(np.random.default_rng(7))
opened = {"explorer": explorer.image.value, "compare": compare.image.value,
          "padding": padding.image.value}
"""
STATE = """
import gc, json
print(json.dumps({"matplotlib": "matplotlib" in sys.modules, "queued": prebuild.queued(),
                  "frozen at the last settle": prebuild._state["frozen"],
                  "frozen now": gc.get_freeze_count(),
                  "built": prebuild._state["built"], "first draws": first_draw.counts,
                  "figures": [explorer._figure is not None, compare.figure.built,
                              padding.figure.built],
                  "same": [explorer.image.value == opened["explorer"],
                           compare.image.value == opened["compare"],
                           padding.image.value == opened["padding"]]}))
"""
REDRAW = """
for figure in (explorer._figure.live, compare.live, padding.live):
    figure.refresh()  # restored, a figure showing its picture sent nothing: now it draws it
print(json.dumps([explorer.image.value == opened["explorer"],
                  compare.image.value == opened["compare"],
                  padding.image.value == opened["padding"]]))
"""
MOVE = """
t0 = time.perf_counter(); explorer.gamma.value = 1.5; dt = time.perf_counter() - t0
print(json.dumps({"move": dt, "changed": explorer.image.value != opened["explorer"],
                  "moved": explorer.image.value.hex()}))
"""


def report(client, code):
    return json.loads(execute(client, code).strip().splitlines()[-1])


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """A cache folder holding the three pictures and their first draws (drawn and stored by a
    first kernel), and the picture that kernel drew at a move."""
    folder = tmp_path_factory.mktemp("cache")
    km, client = kernel(folder)
    try:
        execute(client, OPEN)
        state = report(client, STATE)
        assert state["queued"] == 0  # drawn at open: nothing to build later
        assert state["first draws"] == {"kept": 3, "restored": 0}  # kept with the pictures
        moved = report(client, MOVE)["moved"]  # a move on the figure drawn in full at open
    finally:
        client.stop_channels()
        km.shutdown_kernel(now=True)
    return folder, moved


def kernel(cache_dir, **env):
    """A new kernel with the cache at cache_dir."""
    environ = {**os.environ, "BN_CORE_CACHE_DIR": str(cache_dir), "MPLBACKEND": "Agg", **env}
    return start_new_kernel(kernel_name="python3", env=environ)


@pytest.fixture
def later_kernel(cache, request):
    km, client = kernel(cache[0], **getattr(request, "param", {}))
    yield client
    client.stop_channels()
    km.shutdown_kernel(now=True)


def wait_built(client, count, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(prebuild.IDLE + 0.5)  # a check is a cell: it makes the kernel busy again
        state = report(client, STATE)
        if state["built"] >= count or state["queued"] == 0:
            return state
    return state


def test_nothing_is_built_while_cells_run_then_everything_once_idle(later_kernel, cache):
    execute(later_kernel, OPEN)
    state = report(later_kernel, STATE)  # the next cell of a Run All, at once
    assert not state["matplotlib"] and state["queued"] == 3 and state["built"] == 0
    state = wait_built(later_kernel, 3)
    assert state["matplotlib"] and state["figures"] == [True, True, True]
    assert state["queued"] == 0 and state["built"] == 3
    assert state["same"] == [True, True, True]  # built, each draws the picture on show
    time.sleep(prebuild.IDLE + 0.5)  # idle with nothing left to build: collected and frozen
    state = report(later_kernel, STATE)
    assert state["frozen at the last settle"] > 50_000  # matplotlib, the figures, the widgets
    assert state["frozen now"] == 0  # a cell that runs unfreezes (its garbage is collectable)
    # from the kept first draws (no layout solve, no full draw), to the same pixels
    assert state["first draws"] == {"kept": 0, "restored": 3}
    assert report(later_kernel, REDRAW) == [True, True, True]
    move = report(later_kernel, MOVE)
    assert move["changed"]  # the first move draws the new frame on the built figure
    assert move["moved"] == cache[1]  # the same frame as on the figure drawn in full


@pytest.mark.parametrize("later_kernel", [{"BN_CORE_PREBUILD": "off"}], indirect=True)
def test_off_leaves_the_figures_to_the_first_move(later_kernel):
    execute(later_kernel, OPEN)
    time.sleep(prebuild.IDLE + 1.0)
    state = report(later_kernel, STATE)
    assert state["queued"] == 0 and state["built"] == 0 and not state["matplotlib"]
    assert report(later_kernel, MOVE)["changed"]
    assert report(later_kernel, STATE)["figures"][0]  # built by the move


def test_a_figure_built_by_a_move_is_not_built_again(later_kernel):
    execute(later_kernel, OPEN + MOVE)  # the learner moved gamma before the kernel was idle
    state = wait_built(later_kernel, 2)
    assert state["figures"] == [True, True, True] and state["built"] == 2  # explorer skipped
    assert state["same"] == [False, True, True]


def test_outside_a_kernel_nothing_is_queued():
    assert not prebuild.enabled()
    assert not prebuild.later(object(), lambda: None) and prebuild.queued() == 0


def test_drain_builds_what_is_pending_under_the_draw_lock():
    calls = []
    prebuild._queue.extend([(1, lambda: calls.append(1), lambda: True),
                            (2, lambda: calls.append(2), lambda: False)])
    prebuild.drain()
    assert calls == [1] and prebuild.queued() == 0
