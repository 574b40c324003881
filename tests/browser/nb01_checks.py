"""What notebook 01's widgets must do when a learner moves them (used in Lab and in Voila).

Widget contract of notebook 01 (CSS classes): sliders bn-gamma, bn-beta, bn-n, bn-shift, bn-scale;
readouts bn-readout-raw / -norm / -out ("mean of means = X.XXX", "mean of stds = X.XXX"); the
figure bn-figure (an <img>, a new src per update); button bn-identity and its readout
bn-readout-identity ("max |y - x| = 1.2e-15"). In shared mode the output's per-feature means are
beta and its per-feature stds |gamma| (up to eps), so the out readout must print exactly those.
"""

import re
import time

import pages

FIGURE = ".bn-figure"
STATS = re.compile(r"mean of means = (-?[\d.]+).*?mean of stds = (-?[\d.]+)", re.S)
IDENTITY = re.compile(r"max \|y - x\| = ([-+\d.eE]+)")


def text(page, cls):
    return page.locator(f".{cls}").first.inner_text()


def out_stats(page):
    """(mean of means, mean of stds) printed by the out readout."""
    found = STATS.search(text(page, "bn-readout-out"))
    return (float(found[1]), float(found[2])) if found else None


def readout_follows(page):
    """Whether the out readout shows mean beta and std |gamma| (3 printed decimals)."""
    stats = out_stats(page)
    gamma, beta = pages.slider_value(page, "bn-gamma"), pages.slider_value(page, "bn-beta")
    return stats is not None and abs(stats[0] - beta) <= 1.5e-3 and \
        abs(stats[1] - abs(gamma)) <= 2e-3


def check_move(page, move, timeout=10):
    """Do `move()` (a key press or drag); assert the figure and the out readout follow it."""
    before = page.locator(FIGURE).first.get_attribute("src")
    move()
    pages.wait_for_new_src(page, FIGURE, before, timeout)
    deadline = time.monotonic() + timeout
    while not readout_follows(page):
        assert time.monotonic() < deadline, (
            f"out readout {text(page, 'bn-readout-out')!r} does not match "
            f"gamma={pages.slider_value(page, 'bn-gamma')}, "
            f"beta={pages.slider_value(page, 'bn-beta')}")
        time.sleep(0.05)
    assert pages.problems(page) == []


def check_key(page, cls, key, times=1):
    """Press a key on a slider's handle; assert it moved and figure and readout follow."""
    value = pages.slider_value(page, cls)
    check_move(page, lambda: pages.press(page, cls, key, times))
    assert pages.slider_value(page, cls) != value, f"{cls} did not move"


def check_drag(page, cls, dx):
    """Drag a slider's handle dx pixels; assert it moved and figure and readout follow."""
    value = pages.slider_value(page, cls)
    check_move(page, lambda: pages.drag(page, cls, dx))
    assert pages.slider_value(page, cls) != value, f"{cls} did not move"


def check_identity(page, timeout=10):
    """Press "identity recovery": gamma = std, beta = mean gives back the input (tiny error)."""
    page.locator(".bn-identity").first.click()
    deadline = time.monotonic() + timeout
    while not IDENTITY.search(text(page, "bn-readout-identity")):
        assert time.monotonic() < deadline, text(page, "bn-readout-identity")
        time.sleep(0.05)
    error = float(IDENTITY.search(text(page, "bn-readout-identity"))[1])
    assert 0 <= error < 1e-6
    assert pages.problems(page) == []
