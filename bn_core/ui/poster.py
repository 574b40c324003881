"""First images ("posters"): what a figure shows when its notebook opens, kept on disk, so that a
kernel shows it without importing matplotlib or drawing anything. The figure itself is built when
the learner first moves one of its controls.

Why: a class opens a notebook at once, and each kernel paid ~1 CPU-s and ~50 MB for matplotlib and
its figures before the learner had touched anything. The picture at open depends only on the code
and the defaults, so the first kernel that draws it stores it and every later one reads it.

    image = image_widget((12, 3.3))          # the Image a LiveFigure will render into, shown now
    key = poster_key("nb02.fig1", lr, steps) # the code version + what the picture depends on
    if not show(image, key):                 # a stored picture: shown, nothing drawn
        figure = build(image); ...           # else draw it, then
        store(key, image.value)              # for the next kernel

    picture(poster_key("nb03.sweep", seed), lambda: plot_lr_sweep(sweep))   # a static figure:
        # an IPython Image of the stored PNG, else draw() -> a matplotlib Figure, saved and stored

Where: <cache dir>/posters/<version>/<key>.<fmt>, cache dir as for the experiments' results
(bn_core._cache_dir; BN_CORE_CACHE_DIR=off turns posters off too). The version hashes every source
file of bn_core and matplotlib's version: a change of either draws afresh.
"""

import functools
import hashlib
import io
import json
import os
import sys
import threading
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import ipywidgets as widgets

from bn_core._cache_dir import cache_dir, make_dirs, trusted, use_version
from bn_core.ui import first_draw, prebuild
from bn_core.ui.a11y import describe

PACKAGE = Path(__file__).resolve().parents[1]
# A complete image starts and ends so (a file cut short by a full disk or a crash lacks the end:
# drawn again, never shown)
BOUNDS = {"png": (b"\x89PNG\r\n\x1a\n", b"\x00\x00\x00\x00IEND\xaeB`\x82"),
          "jpeg": (b"\xff\xd8\xff", b"\xff\xd9")}


def image_widget(figsize, dpi=80, fmt="jpeg"):
    """The ipywidgets.Image a LiveFigure of this figsize (inches) and dpi renders into."""
    if fmt not in ("jpeg", "png"):
        raise ValueError(f"fmt: got {fmt!r}; expected 'jpeg' or 'png'")
    width, height = (int(round(v * dpi)) for v in figsize)
    image = widgets.Image(format=fmt, width=width, height=height)
    image.layout = widgets.Layout(width=f"{width}px", height=f"{height}px")
    return image


@functools.lru_cache(maxsize=1)
def drawing_version():
    """Hex digest (16 chars) of every source file of bn_core and matplotlib's version."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    try:
        digest.update(version("matplotlib").encode())
    except PackageNotFoundError:
        pass
    return digest.hexdigest()[:16]


def poster_key(name, *parts):
    """A file name for the picture of figure `name` given everything it depends on (numbers,
    strings, tuples, numpy arrays: arrays by their dtype, shape and bytes)."""
    digest = hashlib.sha256(name.encode())
    for part in parts:
        data = getattr(part, "tobytes", None)
        digest.update(repr((part.dtype.str, part.shape)).encode() + data() if data
                      else repr(part).encode())
    return f"{name}-{digest.hexdigest()[:24]}"


@functools.lru_cache(maxsize=4)
def _version_folder(root):
    """root/posters/<this version> (created, marked in use; old versions removed), or None if it
    cannot be created (read-only, full) or others may write to it (said: _cache_dir.trusted)."""
    folder = Path(root) / "posters" / drawing_version()
    if not trusted(folder, Path(root)) or not make_dirs(folder):
        return None
    use_version(folder)
    return folder


def complete(data, fmt):
    """True if `data` (bytes) is a whole `fmt` image: its header and end marker are there."""
    head, tail = BOUNDS[fmt]
    return len(data) > len(head) + len(tail) and data.startswith(head) and data.endswith(tail)


def _stored(key, fmt):
    """The bytes of the stored picture `key`.`fmt` if there is a complete one, else None."""
    folder = _folder()
    if folder is None:
        return None
    path = folder / f"{key}.{fmt}"
    try:
        data = path.read_bytes()
    except OSError:  # none yet, or unreadable
        return None
    return data if complete(data, fmt) else None


def _folder():
    """This code version's poster folder, or None if the cache is off."""
    root = cache_dir()
    return None if root is None else _version_folder(str(root))


def show(image, key, text=False):
    """Put the stored picture `key` into `image` (an ipywidgets.Image). True if there was a
    complete one (an incomplete one is left for the caller to draw again and store over).
    text: also its text alternative stored beside it (store(text=...)), in the same update."""
    data = _stored(key, image.format)
    if data is None:
        return False
    with image.hold_sync():  # one update: a second one would give the <img> a second new src
        image.value = data
        told = _stored_text(key) if text else None
        if told:
            describe(image, told)
    return True


def opening(image, key, draw, text=None):
    """What a figure shows at open: the stored picture `key` in `image` if there is one, else
    draw() (which renders into `image`, building the figure) and keep the picture for later
    (with its text alternative `text`, if given: see store)."""
    if not show(image, key):
        with first_draw.expecting(image, key):  # the figure's first draw is kept too
            draw()
        store(key, image, text)
    else:  # built while the learner reads (from the kept first draw), unless a move drew it first
        shown = image.value

        def build():
            with first_draw.expecting(image, key, shown):
                draw()

        prebuild.later(image, build, pending=lambda: image.value == shown)


def store(key, image, text=None):
    """Keep the picture `image` (an ipywidgets.Image just drawn) as `key` for later kernels, and
    its text alternative `text` (str) beside it, for show(text=True) (a tap: both at once)."""
    folder = _folder()
    if folder is not None and image.value:
        write(folder / f"{key}.{image.format}", image.value)
        if text:
            write(folder / f"{key}.txt", text.encode())


def _stored_text(key, ext="txt"):  # the text alternative stored beside picture `key`, or None
    folder = _folder()
    try:
        return None if folder is None else (folder / f"{key}.{ext}").read_text()
    except (OSError, UnicodeDecodeError):
        return None


def keep_numbers(key, name, numbers):
    """Keep `numbers` (JSON: a dict of floats, lists...) beside picture `key`, as its `name`."""
    folder = _folder()
    if folder is not None:
        write(folder / f"{key}.{name}.json", json.dumps(numbers).encode())


def stored_numbers(key, name):
    """The numbers kept beside picture `key` as its `name` (keep_numbers), or None."""
    try:
        return json.loads(_stored_text(f"{key}.{name}", "json") or "null")
    except ValueError:  # cut short, or not ours
        return None


def stored_first_draw(key):
    """The kept first draw of picture `key` (ui.first_draw: PNG bytes), or None."""
    return _stored(f"{key}.first", "png")


def keep_first_draw(key, data):
    """Keep `data` (ui.first_draw.encode's PNG bytes, or None: nothing) as picture key's."""
    folder = _folder()
    if folder is not None and data:
        write(folder / f"{key}.first.png", data)


def write(path, data):
    """Write bytes to path (in this version's folder) atomically: a reader sees all or nothing."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        if not make_dirs(path.parent):  # removed meanwhile by another checkout, and read-only now?
            return
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


class RunPosters:
    """LiveRun(poster=RunPosters(name, image)): the pictures of a LiveRun's stored ends (one per
    set of parameters), shown in `image` instead of drawn. text(state) -> str: the picture's text
    alternative (ui.a11y.describe), set with it: from the state LiveRun passes, or, before the
    state is read (a tap: the picture at once), as stored beside the picture (<key>.txt)."""

    def __init__(self, name, image, text=None):
        self.name, self.image, self.text = name, image, text

    def key(self, params):
        return poster_key(self.name, *sorted(params.items()))

    def show(self, params, state=None):
        key = self.key(params)
        with self.image.hold_sync():  # the picture and its text in one message (one new src)
            shown = show(self.image, key, text=self.text is not None and state is None)
            if shown and self.text is not None and state is not None:
                describe(self.image, self.text(state))
        if state is not None:  # a figure built to draw this state draws this picture
            first_draw.note(self.image, state, key, self.image.value if shown else None)
        return shown

    def store(self, params):
        """Keep the picture just drawn in `image`, and its text alternative beside it."""
        store(self.key(params), self.image, self.image.tooltip if self.text is not None else None)


def picture(key, draw, dpi=80):
    """A static figure, for a notebook cell to display: IPython.display.Image of the stored PNG
    `key`, else of draw()'s matplotlib Figure (matplotlib imported only then), saved as a PNG at
    `dpi` with tight bounding box and stored. A pyplot figure is closed (no second inline copy)."""
    from IPython.display import Image

    data = _stored(key, "png")
    if data is not None:
        return Image(data=data, format="png")
    figure = draw()
    buf = io.BytesIO()
    figure.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close(figure)
    image = widgets.Image(value=buf.getvalue(), format="png")
    store(key, image)
    return Image(data=bytes(image.value), format="png")  # value is a memoryview: bytes, not ints
