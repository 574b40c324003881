"""A figure's first draw, kept next to its first picture (ui.poster), so that a kernel building the
figure later (ui.prebuild while the learner reads, or the learner's first move) skips the two
costly parts of building it and still draws the same pixels: the constrained-layout solve and the
full draw of everything that does not move (together ~2/3 of building a figure; the rest is
importing matplotlib and making the artists).

What is kept, as one PNG `<key>.first.png` in the posters' folder (same version, same key as the
picture; ui.poster.stored_first_draw / keep_first_draw): the background a LiveFigure keeps after
its first full draw (the figure without its animated artists: (H, W, 4) RGBA, lossless), and in a
text chunk the solved layout (every axes' original and active position, exact floats). A
LiveFigure that renders for the first time while it is expected to draw picture `key` (below)
restores both instead of drawing (none kept yet: it draws and keeps them). Same code version, same
picture key, a fresh figure's first render: the same static state, so the same pixels
(tests/test_prebuild.py compares the pictures, and a move, both ways). Restored while its image
still shows that picture, the render sends nothing (it would send the same picture).

    with first_draw.expecting(image, key, shown):  # poster.opening: draw() draws picture `key`
        draw()                                     # into image (which shows it: bytes `shown`)
    first_draw.note(image, state, key, shown)  # RunPosters: the picture `key` shows `state` (a
    first_draw.noted(image, state)  # LiveRun's stored end): (key, shown) for a fresh figure that
                                    # draws that very state object into image
Only numpy and PIL (imported when used): ui.poster imports this module, and a kernel that shows
stored pictures imports no matplotlib.
"""

import contextlib
import io
import json
import threading
import weakref

import numpy as np

TEXT_KEY = "bn_core_layout"
_expected = {}  # id(image) -> key of the picture the next first render of a figure in image draws
_noted = weakref.WeakKeyDictionary()  # image -> (weakref or id of a state, key)
_lock = threading.Lock()
counts = {"kept": 0, "restored": 0}  # this process's (tests, benchmarks)


@contextlib.contextmanager
def expecting(image, key, shown=None):
    """Within: a LiveFigure rendering into `image` for the first time draws picture `key`.
    shown: the bytes of that picture as `image` shows it (a render restored while `image` still
    shows them draws nothing: it would only draw the same picture again)."""
    if key is None:
        yield
        return
    with _lock:
        before = _expected.get(id(image))
        _expected[id(image)] = (key, shown)
    try:
        yield
    finally:
        with _lock:
            if before is None:
                _expected.pop(id(image), None)
            else:
                _expected[id(image)] = before


def expected(image):
    """(key, shown) for a LiveFigure's first render into `image` now (see expecting), or None."""
    return _expected.get(id(image))


def note(image, state, key, shown=None):
    """The picture `key` shows `state` (the object a LiveRun will draw) in `image`; shown: its
    bytes if `image` shows it now."""
    _noted[image] = (id(state), key, shown)


def noted(image, state):
    """(key, shown) noted for this very state object in `image` (see note), or (None, None)."""
    state_id, key, shown = _noted.get(image, (None, None, None))
    return (key, shown) if state_id == id(state) and state is not None else (None, None)


def _layout(figure):
    """[[original points, active points] per axes of the figure]: (2, 2) floats each."""
    return [[ax.get_position(original=True).get_points().tolist(),
             ax.get_position(original=False).get_points().tolist()] for ax in figure.axes]


def encode(live):
    """`live`'s canvas (just drawn in full, no animated artist on it) and its layout, as PNG bytes
    (ui.poster.keep_first_draw stores them), or None if the layout moves more than axes."""
    from PIL import Image, PngImagePlugin

    figure = live.figure
    if figure.subfigs or any(getattr(figure, f"_sup{t}", None) is not None
                             for t in ("title", "xlabel", "ylabel")):
        return None  # not kept: each kernel solves the layout
    info = PngImagePlugin.PngInfo()
    info.add_text(TEXT_KEY, json.dumps(_layout(figure)))
    buf = io.BytesIO()
    Image.fromarray(np.asarray(live.canvas.buffer_rgba())).save(buf, "png", pnginfo=info,
                                                                compress_level=1)
    counts["kept"] += 1
    return buf.getvalue()


def restore(live, data):
    """Put a kept first draw (PNG bytes from encode) on `live` (a fresh LiveFigure, never
    rendered): True if it was a complete one of its size, else False (nothing changed)."""
    from matplotlib.transforms import Bbox
    from PIL import Image

    try:
        stored = Image.open(io.BytesIO(data))
        layout = json.loads(stored.text[TEXT_KEY])
        pixels = np.asarray(stored.convert("RGBA") if stored.mode != "RGBA" else stored)
    except (OSError, ValueError, KeyError, SyntaxError):  # cut short, or not ours: draw it
        return False
    axes, canvas = live.figure.axes, live.canvas
    if len(layout) != len(axes) or pixels.shape != np.asarray(canvas.buffer_rgba()).shape:
        return False
    for ax, (original, active) in zip(axes, layout, strict=True):
        ax._set_position(Bbox(original), which="original")  # as the layout engine sets them
        ax._set_position(Bbox(active), which="active")
        ax.viewLim  # noqa: B018  (a pending autoscale is applied, as a full draw does first)
    np.asarray(canvas.buffer_rgba())[...] = pixels
    counts["restored"] += 1
    return True
