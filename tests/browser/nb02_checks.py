"""What notebook 02's live training must do in the browser (used in Lab and in Voila).

Widget contract of notebook 02 (CSS classes): the learning-rate slider bn-lr; bn-status says
"lr = X: trained both in ..." once the run for X has finished; bn-runs-completed counts the runs
that reached their end ("runs completed: n"); the LiveRun's readout bn-run-readout says
"step k / T, x s (training | paused | done)"; the step slider bn-step; the scrub figure
bn-scrub-figure (an <img>, a new src per drawn snapshot) and its readout bn-scrub-readout
("showing step k (n snapshots so far)").
"""

import re
import time

import pages

NB02 = "02_what_stays_put.ipynb"
SCRUB = ".bn-scrub-figure"
COMPLETED = re.compile(r"runs completed: (\d+)")
DONE_LR = re.compile(r"lr = ([\d.]+): trained both")


def text(page, cls):
    return page.locator(f".{cls}").first.inner_text()


def completed(page):
    return int(COMPLETED.search(text(page, "bn-runs-completed"))[1])


def wait_for(page, predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} within {timeout} s; status: {text(page, 'bn-status')!r}, "
                         f"readout: {text(page, 'bn-run-readout')!r}")


def check_five_taps(page, timeout=300):
    """Tap lr five times, 120 ms apart: the panel ends on the last value, and of the runs those
    taps started exactly one reaches its end."""
    wait_for(page, lambda: DONE_LR.search(text(page, "bn-status")), timeout, "the first run ended")
    before = completed(page)
    pages.handle(page, "bn-lr").focus()
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
        time.sleep(0.12)
    last = pages.slider_value(page, "bn-lr")

    def settled():
        found = DONE_LR.search(text(page, "bn-status"))
        return found is not None and abs(float(found[1]) - last) <= 0.002 * last + 1e-3

    wait_for(page, settled, timeout, f"the status did not show the run for lr = {last}")
    time.sleep(1.0)  # a stale run that still completed would show up here
    assert completed(page) == before + 1, text(page, "bn-runs-completed")
    assert "(done)" in text(page, "bn-run-readout")


def check_scrub_while_training(page, timeout=120):
    """Start a run, and while it trains, move the step slider: the scrub figure follows."""
    pages.handle(page, "bn-lr").focus()
    page.keyboard.press("ArrowRight")
    wait_for(page, lambda: "(training)" in text(page, "bn-run-readout"), timeout,
             "the new run did not start")
    wait_for(page, lambda: int(re.search(r"step (\d+)", text(page, "bn-run-readout"))[1]) >= 60,
             timeout, "the run did not reach step 60")
    before = page.locator(SCRUB).first.get_attribute("src")
    pages.handle(page, "bn-step").focus()
    page.keyboard.press("Home")  # step 0: trained long ago, a different picture from the latest
    pages.wait_for_new_src(page, SCRUB, before, timeout=10)
    wait_for(page, lambda: "showing step 0 " in text(page, "bn-scrub-readout"), 10,
             "the scrub figure did not show step 0")
    readout = text(page, "bn-run-readout")
    assert "(training)" in readout, f"the run ended before the check: {readout}"


def check_live_training(page):
    """Five quick taps on lr: the panel ends on the last value with one completed run; while a
    run trains, the step slider moves the scrub figure; no error anywhere."""
    check_five_taps(page)
    check_scrub_while_training(page)
    assert pages.problems(page) == []
