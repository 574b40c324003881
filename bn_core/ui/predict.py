"""Predict before you reveal: a question whose answer is a measurement of the notebook's own run.

    p = Prediction("Which network passes 90% test accuracy first?",
                   ["with BN", "without BN", "both at the same step"])
    p.measured(answer=0, text="with BN at step 60; without BN at step 640")  # from the run
    p            # displays: the choices, a Reveal button, the result area

    p.measured(0, "...", details="<table>...</table>")  # more to show on Reveal (HTML or a widget)

Pressing Reveal records the prediction (the choices lock) and shows the measured result next to
it; Reveal is enabled once a choice is picked. When no measurement is known yet (the experiment's
cell has not run), the result area says so and measured() shows the result as soon as it is
called. Nothing measured reaches the page before Reveal: the result area is empty and the details
are not even sent to the browser (no hidden element holds them). Pure widgets, so it works in
Voila as well as in JupyterLab. CSS classes for browser tests: bn-predict, bn-predict-choices,
bn-predict-reveal, bn-predict-result, bn-predict-details.
"""

import html

import ipywidgets as widgets


class Prediction:
    """A multiple-choice prediction; `prediction` is the index recorded by Reveal (or None)."""

    def __init__(self, prompt, choices, explain=""):
        self.prompt, self.choices, self.explain = prompt, tuple(choices), explain
        if len(self.choices) < 2 or len(set(self.choices)) != len(self.choices):
            raise ValueError(f"choices: got {self.choices!r}; expected >= 2 distinct options")
        self.answer, self.text, self.prediction, self._details = None, None, None, None
        self.buttons = widgets.RadioButtons(options=self.choices, value=None,
                                            layout=widgets.Layout(width="auto"))
        self.buttons.add_class("bn-predict-choices")
        self.button = widgets.Button(description="Reveal", disabled=True,
                                     tooltip="record your prediction, then see the measurement")
        self.button.add_class("bn-predict-reveal")
        self.result = widgets.HTML(layout=widgets.Layout(min_height="3em"))  # no page jump
        self.result.add_class("bn-predict-result")
        self.details = widgets.VBox()  # filled only when the result is shown
        self.details.add_class("bn-predict-details")
        self.buttons.observe(lambda change: self._picked(), names="value")
        self.button.on_click(lambda button: self.reveal())
        self.widget = widgets.VBox([widgets.HTML(f"<b>Predict first.</b> {html.escape(prompt)}"),
                                    self.buttons, self.button, self.result,
                                    self.details])
        self.widget.add_class("bn-predict")

    def measured(self, answer, text, details=None):
        """Set the measured result: answer (index of the right choice, from the run), text
        (the measured numbers, in words) and optionally details (an HTML string or a widget, e.g.
        a table of the numbers), shown below the result. Shown at once if the learner has
        already revealed; until then none of it is on the page."""
        if not 0 <= answer < len(self.choices):
            raise ValueError(f"answer: got {answer!r}; expected an index into the "
                             f"{len(self.choices)} choices")
        if details is not None and not isinstance(details, (str, widgets.Widget)):
            raise ValueError(f"details: got {type(details).__name__}; expected an HTML string "
                             "or an ipywidgets widget")
        self.answer, self.text = int(answer), str(text)
        self._details = widgets.HTML(details) if isinstance(details, str) else details
        if self.prediction is not None:
            self._show()
        return self

    def predict(self, k):
        """Pick choice k, as a click would (tests)."""
        self.buttons.value = self.choices[k]

    def reveal(self):
        """Record the picked choice and show the result (or say that it is still to come)."""
        if self.buttons.index is None:
            return
        self.prediction = self.buttons.index
        self.buttons.disabled = self.button.disabled = True
        self._show()

    def _picked(self):
        self.button.disabled = self.buttons.index is None or self.prediction is not None

    def _show(self):
        picked = html.escape(self.choices[self.prediction])
        if self.answer is None:
            self.result.value = (f"Recorded: <i>{picked}</i>. The measurement is not in yet: run "
                                 "the experiment's cell below, and it appears here.")
            return
        right = self.prediction == self.answer
        verdict = ("<span style='color:green'>Your prediction was right.</span>" if right else
                   f"<span style='color:#c00'>Not this time</span>: it was "
                   f"<i>{html.escape(self.choices[self.answer])}</i>.")
        self.result.value = (f"You predicted <i>{picked}</i>. Measured in this notebook's run: "
                             f"{html.escape(self.text)}. {verdict} {html.escape(self.explain)}")
        self.details.children = () if self._details is None else (self._details,)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
