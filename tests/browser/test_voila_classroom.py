"""Serving a class (see tests/test_classroom.py): in Chromium, an open tab keeps its kernel and a
closed one frees it, with the repository's voila.json."""

import time

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
