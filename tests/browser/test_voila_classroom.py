"""Serving a class (see tests/test_classroom.py): in Chromium, an open tab keeps its kernel and a
closed one frees it, with the repository's voila.json; a pooled kernel, forked from the warm
process (bn_core.classroom), serves notebook 01 and its sliders."""

import time

import nb01_checks as nb01c
import pages
import warm_cache as session_warm
from servers import CULL_FAST, classroom_voila, kernels, wait_for

NO_POOLS = {"01_bn_live.ipynb": 0, "02_what_stays_put.ipynb": 0}


def test_an_open_tab_keeps_its_kernel_and_a_closed_one_frees_it(browser, tmp_path):
    """While the tab is open its kernel survives the 2 s idle culling (a connected kernel is not
    culled); once the tab is closed the kernel goes (its unload shuts it down, or culling)."""
    with classroom_voila(tmp_path, *CULL_FAST, pools=NO_POOLS) as (proc, url, log):
        page = browser.new_page()
        page.goto(url + "voila/render/00_index.ipynb", timeout=120_000)
        page.wait_for_selector("a[href='01_bn_live.ipynb']", timeout=120_000)
        wait_for(lambda: len(kernels(proc.pid)) == 1, 30, "the page's kernel")
        time.sleep(5)  # > 2 s idle: the open tab is connected, so it is not culled
        assert len(kernels(proc.pid)) == 1, log.read_text()
        page.close(run_before_unload=True)
        wait_for(lambda: not kernels(proc.pid), 30, "the closed tab's kernel to go")


def test_a_pooled_forked_kernel_serves_notebook_01(browser, tmp_path, warm_cache):
    """voila.json's pool of 01 (one kernel here) is filled with forked kernels; the page a learner
    opens runs in one, shows no error, and its figure and readout follow gamma and beta."""
    session_warm.copy_cache(warm_cache[0], tmp_path / "cache")  # warm, as a class's server
    pools = {"01_bn_live.ipynb": 1, "02_what_stays_put.ipynb": 0}
    with classroom_voila(tmp_path, pools=pools) as (proc, url, log):
        wait_for(lambda: len(kernels(proc.pid)) == 1, 60, "the pooled kernel of 01")
        pooled = kernels(proc.pid)[0]
        assert "(forked by bn_core)" in " ".join(pooled.cmdline()), pooled.cmdline()
        assert "bn_core.classroom.forkserver" in " ".join(pooled.parent().cmdline())
        page = browser.new_page()
        try:
            page.goto(url + "voila/render/01_bn_live.ipynb", timeout=120_000)
            page.wait_for_selector(nb01c.FIGURE, timeout=120_000)
            pages.settle_widgets(page)
            assert pages.problems(page) == [], log.read_text()[-3000:]
            assert pooled.is_running()  # the page took it (a refill may start beside it)
            assert all("(forked by bn_core)" in " ".join(k.cmdline()) for k in kernels(proc.pid))
            nb01c.check_key(page, "bn-gamma", "ArrowRight", 3)
            nb01c.check_key(page, "bn-beta", "ArrowLeft", 2)
        finally:
            page.close()
