"""Driving a notebook page in JupyterLab or Voila: open, Run All, find problems, move sliders.

Shared by the browser tests and benchmarks/slider_latency.py. `page` is a Playwright sync Page;
`server` a servers.Server. Selectors are those of JupyterLab 4.6, Voila 0.5 and ipywidgets 8: a
slider (bn_core.ui.slider) is `.bn-slider` holding a native `input[type=range]` (named by its
<label>; its value, min and max are the input's positions: a log slider's exponent, a selection
slider's index), the value as shown in `.widget-readout`;
`widget.add_class("bn-x")` puts class bn-x on the widget's outer element.
"""

import contextlib
import json
import re
import time
import urllib.request
from pathlib import Path

import nbformat
from playwright.sync_api import TimeoutError as PlaywrightTimeout

# Lab 4 and Voila render a traceback as stderr text (not as application/vnd.jupyter.error), so
# this catches errors and warnings alike.
STDERR = ".jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']"
OUTPUT = ".jp-OutputArea-output"
SLIDER = ".bn-slider"
RANGE = "input[type=range]"  # the control inside a slider
BROKEN_WIDGET = ("Loading widget...", "Error displaying widget")

# Lab's kernel is ready when the status bar says "Python 3 (ipykernel) | Idle" (the execution
# indicator says idle already while the kernel is still "Initializing": Run All would be lost).
KERNEL_IDLE = """() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]
  .some(e => /[|] Idle$/.test(e.textContent.trim()) && !e.textContent.includes('No Kernel'))"""

# Lab is done when its kernel is idle and no code cell is queued or running; every code cell then
# shows "[n]:" (or Run All stopped at an error, shown as stderr).
LAB_DONE = """([stderr]) => {
  if (!(""" + KERNEL_IDLE + """)()) return false;
  const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')]
    .map(e => e.textContent.trim());
  if (prompts.some(p => p.includes('*'))) return false;
  return prompts.every(p => /^\\[\\d+\\]:$/.test(p)) || document.querySelector(stderr) !== null;
}"""

WIDGETS_SETTLED = """([output, texts]) => ![...document.querySelectorAll(output)]
  .some(e => texts.some(t => e.textContent.includes(t)))"""


def click_menu(page, menu, command):
    """Click a top menu ("Run") and then its item (by data-command)."""
    page.locator(".lm-MenuBar-item", has_text=menu).click()
    page.locator(f"li.lm-Menu-item[data-command='{command}']").click()


def open_in_lab(page, server, name, timeout=60):
    """Open notebooks/<name> in JupyterLab and wait for its kernel to be idle."""
    page.goto(f"{server.url}lab/tree/{name}?reset")  # reset: not the last page's tabs
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout * 1000)
    page.wait_for_function(KERNEL_IDLE, timeout=timeout * 1000, polling=100)


def run_all_in_lab(page, timeout=120):
    """Edit > Clear Outputs of All Cells, Run > Run All Cells; wait until every cell has run."""
    click_menu(page, "Edit", "editmenu:clear-all")
    click_menu(page, "Run", "runmenu:run-all")
    page.wait_for_function(LAB_DONE, arg=[STDERR], timeout=timeout * 1000, polling=200)
    settle_widgets(page)


def open_in_voila(page, server, name, timeout=120):
    """Render notebooks/<name> with Voila (it runs every cell) and wait for the widgets."""
    page.goto(f"{server.url}voila/render/{name}", timeout=timeout * 1000)
    page.wait_for_selector("#loading", state="detached", timeout=timeout * 1000)
    settle_widgets(page)


def settle_widgets(page, timeout=30):
    """Wait (bounded) until no widget output says "Loading widget..." any more."""
    with contextlib.suppress(PlaywrightTimeout):  # problems() reports what still loads
        page.wait_for_function(WIDGETS_SETTLED, arg=[OUTPUT, list(BROKEN_WIDGET)],
                               timeout=timeout * 1000, polling=200)


def problems(page):
    """What a learner would see go wrong on the page: errors, warnings, broken widgets."""
    found = [f"{'error' if 'Traceback' in t else 'stderr'} output: ...{t.strip()[-1500:]}"
             for t in page.locator(STDERR).all_text_contents()]
    for text in page.locator(OUTPUT).all_text_contents():
        found += [f"widget shows {bad!r}: {text[:200]}" for bad in BROKEN_WIDGET if bad in text]
        if "There was an error when executing cell" in text:  # Voila without tracebacks
            found.append(f"voila: {text[:800]}")
    found += [f"dialog: {t[:300]}" for t in page.locator(".jp-Dialog").all_text_contents()]
    found += log_console(page)
    if page.locator(".jp-Notebook-ExecutionIndicator").count():  # JupyterLab
        prompts = page.locator(".jp-Notebook .jp-CodeCell .jp-InputArea-prompt")
        idle = [p.strip() for p in prompts.all_text_contents() if p.strip() in ("[ ]:", ":")]
        if idle:
            found.append(f"{len(idle)} code cells did not run")
    return found


def log_console(page):
    """Lab's log console: errors raised in widget callbacks land there, in no cell (Voila shows
    them nowhere). Its status bar item counts the messages; open it to read them."""
    item = page.locator(".jp-LogConsoleStatusItem")
    count = item.inner_text().strip() if item.count() else ""
    if not count.isdigit() or int(count) == 0:
        return []
    item.click()
    panel = page.locator(".jp-LogConsolePanel")
    panel.wait_for(timeout=5000)
    return [f"{count} messages in Lab's log console: ...{panel.inner_text()[-1500:]}"]


def has_controls(path):
    """Whether a notebook creates sliders: in its code, or in a bn_core module it uses."""
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    package = Path(__file__).resolve().parents[2] / "bn_core"
    used = set()  # dotted module names under bn_core that the notebook imports
    for module, names in re.findall(r"from bn_core\.?([\w.]*) import (\([^)]*\)|[^\n]+)", code):
        prefix = f"{module}." if module else ""
        used.add(module)
        used.update(prefix + name for name in re.findall(r"\w+", names))  # modules or not
    used.update(re.findall(r"import bn_core\.([\w.]+)", code))
    sources = [code] + [(package / f"{m.replace('.', '/')}.py").read_text() for m in sorted(used)
                        if m and (package / f"{m.replace('.', '/')}.py").exists()]
    return any(word in text for text in sources for word in ("Slider", "interact("))


def shut_down_kernel(server, name):
    """Shut down the kernel of notebook `name` in Lab (closing its page does not: free memory)."""
    with urllib.request.urlopen(f"{server.url}api/sessions", timeout=10) as response:
        sessions = [s for s in json.load(response) if s["path"] == name]
    for session in sessions:
        request = urllib.request.Request(f"{server.url}api/sessions/{session['id']}",
                                         method="DELETE")
        urllib.request.urlopen(request, timeout=30).close()


def wiggle_sliders(page):
    """Move every slider one step right and back (ArrowRight, ArrowLeft), waiting for the kernel
    after each key in Lab: their callbacks run once each (errors go to problems())."""
    handles = page.locator(f"{SLIDER} {RANGE}")
    for i in range(handles.count()):
        h = handles.nth(i)
        h.focus()
        for key in ("ArrowLeft", "ArrowRight") if at_max(h) else ("ArrowRight", "ArrowLeft"):
            page.keyboard.press(key)
            wait_idle(page)


def wait_idle(page, timeout=60):
    """Lab: wait until the kernel is idle again; Voila shows no status: give it a moment."""
    if page.locator(".jp-StatusBar-TextItem").count():
        time.sleep(0.05)  # the key's message reaches the kernel and it turns busy
        page.wait_for_function(KERNEL_IDLE, timeout=timeout * 1000, polling=50)
    else:
        time.sleep(0.3)


def handle(page, cls):
    """The range input of the slider widget with CSS class `cls` ("bn-gamma")."""
    return page.locator(f".{cls} {RANGE}").first


def position(h):
    """(position, min, max) of a slider's range input `h` (a Locator), as floats."""
    return tuple(h.evaluate("e => [Number(e.value), Number(e.min), Number(e.max)]"))


def at_max(h):
    """Whether the range input `h` is at its maximum (the next ArrowRight would not move it)."""
    now, _, hi = position(h)
    return now >= hi


def slider_value(page, cls):
    """The value a slider shows in its readout."""
    text = page.locator(f".{cls} .widget-readout").first.inner_text()
    return float(text.replace("\u2212", "-"))  # the readout prints a unicode minus


def press(page, cls, key, times=1):
    """Focus a slider's handle and press a key ("ArrowRight", "End") `times` times."""
    h = handle(page, cls)
    h.focus()
    for _ in range(times):
        page.keyboard.press(key)


def drag(page, cls, dx):
    """Drag a slider's thumb `dx` pixels with the mouse, in small steps like a hand."""
    h = handle(page, cls)
    box, (now, lo, hi) = h.bounding_box(), position(h)
    thumb = 16  # Chromium's range thumb, px: its centre runs from thumb / 2 to width - thumb / 2
    x = box["x"] + thumb / 2 + (now - lo) / (hi - lo) * (box["width"] - thumb)
    y = box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y, steps=8)
    page.mouse.up()


def wait_for_new_src(page, selector, old_src, timeout=10):
    """Wait until the image `selector` shows something other than `old_src`; return the new src."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        src = page.locator(selector).first.get_attribute("src")
        if src != old_src:
            return src
        time.sleep(0.05)
    raise AssertionError(f"{selector} kept the same image for {timeout} s")
