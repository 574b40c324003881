"""Notebook 02's step scrubber (panels/nb02_scrub.py): each snapshot's histograms and dots against
the textbook formulas, and a finished run drawn from the limits and background kept beside its
stored picture (a step tap after lr taps) giving the very pixels of one computed in full."""

import numpy as np
import pytest

from bn_core.experiments.what_stays_put import compare_bn
from bn_core.panels import nb02_scrub
from bn_core.panels.nb02_scrub import ScrubFigure
from bn_core.ui import first_draw, poster


@pytest.fixture(scope="module")
def runs():
    """Two short finished runs of notebook 02's experiment: lr 0.5 and 1.0 (4 snapshots each)."""
    return {lr: compare_bn(lr=lr, steps=60, seed=0, snapshot_every=20) for lr in (0.5, 1.0)}


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BN_CORE_CACHE_DIR", str(tmp_path))
    return tmp_path


def _check_scrub_snapshot(scrub, snap, k):
    """Snapshot k's histograms and dots against the textbook formulas, on scrub's bins."""
    x = snap["x"][k].astype(np.float64)  # (P, D)
    x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + 1e-5)
    for i, v in enumerate((x, x_hat, snap["out"][k].astype(np.float64))):
        np.testing.assert_array_equal(scrub.hists[k][i], np.histogram(v, scrub.edges)[0])
        mean, std = scrub.stats[k][i]
        np.testing.assert_allclose(mean, v.mean(axis=0), rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(std, v.std(axis=0), rtol=1e-9, atol=1e-9)


def _limits_by_hand(snap, bins):
    """finished_limits the simple way: every snapshot's three (P, D) panels on their own."""
    panels = [nb02_scrub._panels(snap["x"][k], snap["out"][k]) for k in range(len(snap["step"]))]
    lo, hi = np.percentile(np.concatenate(
        [np.stack([p[i] for p in panels]).ravel()[::8] for i in range(3)]), [0.5, 99.5])
    top = max(np.histogram(v, bins, (lo, hi))[0].max() for p in panels for v in p)
    means = np.array([v.mean(axis=0) for p in panels for v in p])
    stds = np.array([v.std(axis=0) for p in panels for v in p])
    pad = 0.05 * (means.max() - means.min())
    return lo, hi, 1.05 * top, (means.min() - pad, means.max() + pad), stds.max() * 1.05


def test_scrub_figure_counts_and_stats_equal_the_simple_per_snapshot_ones(runs):
    snap = runs[0.5]["bn"]["snap"]
    scrub = ScrubFigure()
    scrub.update(runs[0.5])  # a finished run: its limits from every snapshot, shown when asked
    lo, hi, top, means, std_top = _limits_by_hand(snap, scrub.bins)
    assert (scrub.edges[0], scrub.edges[-1]) == (lo, hi)
    assert scrub.top == pytest.approx(top) and scrub.means == pytest.approx(means)
    assert scrub.stds[1] == pytest.approx(std_top, rel=0.02)
    for k in (3, 0, 2, 1):
        assert scrub.show(snap["step"][k]) == k
        _check_scrub_snapshot(scrub, snap, k)
    assert (scrub.edges[0], scrub.edges[-1]) == (lo, hi)  # a finished run's limits never grow
    # the limits come from every 8th value: they still hold 99% of all values
    values = np.concatenate([snap["x"].ravel(), snap["out"].ravel()])
    inside = (values >= scrub.edges[0]) & (values <= scrub.edges[-1])
    assert 0.98 < inside.mean() < 1.0
    # while a run trains: a snapshot is computed when shown, on limits that only grow
    rows = {name: list(value) for name, value in snap.items()}
    lazy = ScrubFigure()
    lazy.extend(rows, fresh=True)
    for k in (3, 0, 2):
        assert lazy.show(snap["step"][k]) == k
        _check_scrub_snapshot(lazy, snap, k)
        assert lazy.live.axes[0].get_xlim() == (lazy.edges[0], lazy.edges[-1])


def test_a_stored_run_is_drawn_from_its_kept_limits_and_background_to_the_same_pixels(
        runs, cache, monkeypatch):
    key = poster.poster_key("nb02.scrub-test", 1.0)
    full = ScrubFigure()
    full.update(runs[1.0])  # no key: computed and drawn in full, nothing kept
    first = ScrubFigure()
    first.update(runs[1.0], key)  # the first kernel: computes, draws, keeps both
    assert poster.stored_numbers(key, "limits") is not None
    assert poster.stored_first_draw(key) is not None

    # a later kernel, its figure showing another run (laid out and drawn), then a step tap
    later = ScrubFigure()
    later.update(runs[0.5])
    later.show(20)

    def no_computing(*args):
        raise AssertionError("the kept limits were not used")

    monkeypatch.setattr(nb02_scrub, "finished_limits", no_computing)
    restored = first_draw.counts["restored"]
    later.update(runs[1.0], key)
    assert first_draw.counts["restored"] == restored + 1  # the background pasted, not drawn
    for k in range(4):
        for figure in (full, first, later):
            figure.show(20 * k)
        np.testing.assert_array_equal(later.live.pixels(), full.live.pixels())
        np.testing.assert_array_equal(first.live.pixels(), full.live.pixels())
        for a, b in zip(later.hists[k], full.hists[k], strict=True):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kept", [b"{not json", b'{"lo": 1.0}', b"[1, 2]"])
def test_broken_kept_limits_are_computed_again(runs, cache, kept):
    key = poster.poster_key("nb02.scrub-broken", 1.0)
    ScrubFigure().update(runs[1.0], key)
    (path,) = cache.rglob(f"{key}.limits.json")
    path.write_bytes(kept)
    again, full = ScrubFigure(), ScrubFigure()
    again.update(runs[1.0], key)
    full.update(runs[1.0])
    np.testing.assert_array_equal(again.live.pixels(), full.live.pixels())
    assert poster.stored_numbers(key, "limits") == nb02_scrub.finished_limits(
        runs[1.0]["bn"]["snap"], again.bins)  # and kept again


def test_the_std_axis_label_stays_on_the_figure_at_every_lr():
    """The layout is solved at a figure's first draw and kept: drawn first with stds up to 1.34
    (ticks 0.0-1.2), then up to 1.57 (matplotlib's own ticks would be 0.00-1.50, wider labels),
    the ylabel was pushed past the figure's left edge (02's stored pictures at lr 0.08-0.63)."""
    scrub = ScrubFigure()
    renderer = scrub.live.canvas.get_renderer()
    for top in (1.342, 1.57, 3.03, 0.4):
        scrub._set_limits(-2.0, 2.0, 100.0, (-1.7, 2.1), (0.0, top))
        scrub.live.refresh()
        ax = scrub.live.axes[3]
        assert ax.yaxis.label.get_window_extent(renderer).x0 >= 0, top
        labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
        assert len(labels) >= 3 and {len(t) for t in labels} == {3}, labels  # "0.0" ... "1.5"
