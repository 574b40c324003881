"""Notebook 05's panels (training versus inference): running statistics with sliders, and the
static figures (the two momentum conventions, one example's prediction in different company,
calibration) as pictures.

At open nothing imports matplotlib when an earlier kernel stored the pictures (ui.poster): the
running-statistics figure (nb05_figures.RunningStatsFigure) is built when a slider first moves,
and a static figure is drawn only by the first kernel that shows it.

Shapes: a stream of T batches of m examples of one feature, drawn from N(pop_mean, pop_std^2);
trajectories are (T + 1,) arrays, entry 0 the initial running values (0 and 1).
"""

from bn_core.experiments import inference as inf
from bn_core.panels import nb05_describe as texts
from bn_core.ui import poster
from bn_core.ui.a11y import describe, with_alt

FIGSIZE = (12, 3.5)  # RunningStatsFigure's


class RunningStats:
    """running_mean, running_var over a stream of batches, and the m/(m-1) gap. .widget is the
    figure's Image; update(momentum=0.1, batch_size=16) redraws and returns a readout dict."""

    def __init__(self, steps=200, pop_mean=3.0, pop_std=2.0, seed=0, max_batch=256):
        self.setup = (steps, pop_mean, pop_std, seed, max_batch)
        self.widget = poster.image_widget(FIGSIZE)
        self._figure, self._shown = None, None
        self._streams = {}  # batch size -> _stream's
        self._opened = False  # the first update (at open) may show a stored picture

    @property
    def figure(self):
        """The RunningStatsFigure, built (matplotlib imported) when first needed; it draws the
        numbers on show."""
        if self._figure is None:
            from bn_core.panels.nb05_figures import RunningStatsFigure

            steps, pop_mean, pop_std, _, max_batch = self.setup
            self._figure = RunningStatsFigure(steps, pop_mean, pop_std, max_batch, self.widget)
            if self._shown is not None:
                self._figure.show(self._shown)
        return self._figure

    live = property(lambda self: self.figure.live)

    def pixels(self):
        """The figure's last rendered image, (H, W, 4) uint8 (for tests)."""
        return self.live.pixels()

    def _stream(self, batch_size):
        """What the momentum does not change, once per batch size m: the stream's batch means
        and biased variances, (T,) each, and the variance gap (biased, unbiased)."""
        if batch_size not in self._streams:
            steps, pop_mean, pop_std, seed, _ = self.setup
            batches = inf.stream(batch_size, steps, pop_mean, pop_std, seed)[:, :, 0]  # (T, m)
            self._streams[batch_size] = (batches.mean(axis=1), batches.var(axis=1),
                                         inf.variance_gap(batch_size, pop_std))
        return self._streams[batch_size]

    def compute(self, momentum, batch_size):
        """The numbers drawn for these slider values (numpy only): the running statistics of a
        BatchNorm1d fed the stream (inference.running_stats_pytorch, and CS231n's biased
        variance), from the batches' statistics (tests check them against the layer's)."""
        mu, var, (biased, unbiased) = self._stream(batch_size)
        mean, running_var, var_biased = inf.running_from_batch_stats(mu, var, batch_size,
                                                                     momentum)
        return {"batch_means": mu, "mean": mean, "var": running_var, "var_biased": var_biased,
                "batch_size": batch_size, "biased": biased, "unbiased": unbiased}

    def update(self, momentum=0.1, batch_size=16):
        d = self.compute(momentum, batch_size)
        self._shown = d
        at_open, self._opened = not self._opened, True
        key = poster.poster_key("nb05.running", *self.setup, momentum, batch_size)

        def draw():
            if self._figure is None:
                self.figure  # noqa: B018  (built, it draws d)
            else:
                self._figure.show(d)

        _, pop_mean, pop_std, _, _ = self.setup
        with self.widget.hold_sync():  # the picture and its text in one message
            describe(self.widget, texts.running_text(momentum, d, pop_mean, pop_std))
            poster.opening(self.widget, key, draw) if at_open and self._figure is None else draw()
        return {"running_mean": d["mean"][-1], "running_var": d["var"][-1],
                "running_var_biased": d["var_biased"][-1], "biased": d["biased"],
                "unbiased": d["unbiased"]}


def running_stats_panel(steps=200, pop_mean=3.0, pop_std=2.0, seed=0, max_batch=256):
    """RunningStats(...) and its update: (panel, update); panel.widget is the figure's Image."""
    panel = RunningStats(steps, pop_mean, pop_std, seed, max_batch)
    return panel, panel.update


def momentum_picture(batches, decay=0.9):
    """nb05_figures.plot_momentum_conventions(batches, decay) as a picture (IPython Image).
    batches: (T, m, D)."""
    def draw():
        from bn_core.panels.nb05_figures import plot_momentum_conventions

        return plot_momentum_conventions(batches, decay)

    return with_alt(poster.picture(poster.poster_key("nb05.momentum", batches, decay), draw),
                    texts.momentum_text(batches, decay))


def company_picture(train_probs, eval_probs, true_label):
    """nb05_figures.plot_company(...) as a picture; the probabilities: dicts name -> (K,)."""
    def draw():
        from bn_core.panels.nb05_figures import plot_company

        return plot_company(train_probs, eval_probs, true_label)

    parts = [part for probs in (train_probs, eval_probs) for name, p in probs.items()
             for part in (name, p)]
    return with_alt(poster.picture(poster.poster_key("nb05.company", *parts, true_label), draw),
                    texts.company_text(train_probs, eval_probs, true_label))


def calibration_picture(results):
    """nb05_figures.plot_calibration(results) as a picture; results: list of (label, old_var (D,),
    population var (D,), acc_running, acc_calibrated)."""
    def draw():
        from bn_core.panels.nb05_figures import plot_calibration

        return plot_calibration(results)

    parts = [part for result in results for part in result]
    return with_alt(poster.picture(poster.poster_key("nb05.calibration", *parts), draw),
                    texts.calibration_text(results))
