"""Slider latency, A/B interleaved: bn_core.ui.slider's FloatSlider (A, an anywidget <input
type=range>) against ipywidgets.FloatSlider (B, noUiSlider) driving the same figure.

    .venv/bin/python benchmarks/slider_ab.py [--moves 30] [--app lab|voila]

One notebook holds notebook 01's panel twice (bn_core.panels.nb01_explorer.Explorer): A as in the
series, B built with ipywidgets' sliders in place of bn_core.ui.slider's. Their gamma sliders are
moved in turn (A, B, A, B, ...; ArrowRight / ArrowLeft so the value stays put), each time measured
as in benchmarks/slider_latency.py: keydown -> the new figure painted. Prints the median and max
of each and the ratio of the medians, with the load average (other processes share the cores).
"""

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "browser"), str(ROOT / "benchmarks")]

import pages  # noqa: E402
import servers  # noqa: E402
from slider_latency import ARM  # noqa: E402

NOTEBOOK = "slider_ab.ipynb"
CODE = '''\
import types
import ipywidgets as widgets
from bn_core.panels import nb01_explorer
from bn_core.ui import slider as ours

a = nb01_explorer.Explorer(seed=0)
nb01_explorer.sliders = types.SimpleNamespace(  # B: the same panel on ipywidgets' sliders
    FloatSlider=widgets.FloatSlider, IntSlider=widgets.IntSlider,
    FloatLogSlider=widgets.FloatLogSlider)
b = nb01_explorer.Explorer(seed=0)
nb01_explorer.sliders = ours
a.update(), b.update()  # both figures drawn once before the clock runs
display(widgets.VBox([a.widget]).add_class("bn-ab-A"),
        widgets.VBox([b.widget]).add_class("bn-ab-B"))
'''
HANDLES = {"A": ".bn-ab-A .bn-gamma input[type=range]", "B": ".bn-ab-B .bn-gamma .noUi-handle"}
FIGURES = {"A": ".bn-ab-A img.bn-figure", "B": ".bn-ab-B img.bn-figure"}


def one_move(page, side, key, timeout=3.0):
    """ms from the keydown on `side`'s gamma to its new figure painted (None: no new figure)."""
    pages.wait_idle(page, timeout=120)
    page.evaluate(ARM, [HANDLES[side], FIGURES[side], 1000 * timeout])
    page.locator(HANDLES[side]).focus()
    page.keyboard.press(key)
    page.wait_for_function("() => window.__latency !== undefined", timeout=0, polling=20)
    found = page.evaluate("window.__latency")
    return found[0] if isinstance(found, list) else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=30, help="moves of each slider")
    parser.add_argument("--app", choices=("lab", "voila"), default="lab")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        folder = Path(tmp) / "nb"
        folder.mkdir()
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CODE)])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                     "language": "python"}
        nbformat.write(nb, folder / NOTEBOOK)
        browser = servers.launch_chromium(playwright)
        with servers.serve(args.app, folder, Path(tmp) / "server") as server:
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            if args.app == "lab":
                pages.open_in_lab(page, server, NOTEBOOK)
                pages.run_all_in_lab(page)
            else:
                pages.open_in_voila(page, server, NOTEBOOK)
            page.locator(FIGURES["B"]).wait_for(timeout=60_000)
            times = {"A": [], "B": []}
            for i in range(2 * args.moves + 4):  # the first 2 moves of each: warm-up, dropped
                side = "AB"[i % 2]
                key = "ArrowRight" if (i // 2) % 2 == 0 else "ArrowLeft"
                t = one_move(page, side, key)
                if i >= 4:
                    times[side].append(t)
            assert pages.problems(page) == [], pages.problems(page)
            page.close()
        browser.close()
    load = os.getloadavg()
    print(f"{args.app}, {args.moves} moves each, interleaved; load average "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    medians = {}
    for side, name in (("A", "bn_core.ui.slider.FloatSlider"), ("B", "ipywidgets.FloatSlider")):
        got = [t for t in times[side] if t is not None]
        medians[side] = statistics.median(got)
        print(f"  {side} {name:30s} median {medians[side]:6.1f} ms  max {max(got):6.1f} ms  "
              f"(missed {len(times[side]) - len(got)})")
    print(f"  A / B medians: {medians['A'] / medians['B']:.2f}")


if __name__ == "__main__":
    main()
