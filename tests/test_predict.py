"""Predict before you reveal: the prediction is recorded by Reveal (the choices lock), then the
measurement passed in from the notebook's run is shown; the answer is read off that measurement."""

import ipywidgets as widgets
import numpy as np
import pytest

from bn_core.exercises import nb02, nb03, nb06
from bn_core.experiments.coupling import bn_jacobian, outlier_outputs
from bn_core.panels.nb06_coupling import outlier_panel
from bn_core.ui.predict import Prediction


def history(steps, acc):
    return {"eval_step": list(steps), "test_acc": list(acc)}


def test_reveal_records_the_prediction_then_shows_the_measurement():
    p = Prediction("Which is larger?", ["a", "b"])
    assert p.button.disabled  # nothing picked yet
    p.reveal()
    assert p.prediction is None and p.result.value == ""
    p.predict(1)
    assert not p.button.disabled
    p.reveal()  # no measurement yet: recorded, and it says so
    assert p.prediction == 1 and p.buttons.disabled and p.button.disabled
    assert "not in yet" in p.result.value
    p.measured(answer=0, text="a = 3.2, b = 1.1")
    assert "a = 3.2, b = 1.1" in p.result.value and "Not this time" in p.result.value
    p.buttons.value = "a"  # a locked prediction does not change (the widget is disabled too)
    assert p.prediction == 1


def test_a_right_prediction_is_confirmed():
    p = Prediction("?", ["x", "y", "z"]).measured(2, "z measured at 0.5")
    p.predict(2)
    p.reveal()
    assert "Your prediction was right" in p.result.value and "z measured at 0.5" in p.result.value


def test_bad_questions_are_refused():
    with pytest.raises(ValueError, match="distinct"):
        Prediction("?", ["a", "a"])
    with pytest.raises(ValueError, match="index"):
        Prediction("?", ["a", "b"]).measured(2, "")


@pytest.mark.parametrize(("bn", "plain", "answer", "words"), [
    ([0.5, 0.92, 0.95], [0.1, 0.1, 0.5], 0, "with BN at step 10; without BN never within 20"),
    ([0.5, 0.6, 0.95], [0.1, 0.93, 0.95], 1, "with BN at step 20; without BN at step 10"),
    ([0.5, 0.6, 0.7], [0.1, 0.1, 0.2], 3, "with BN never within 20 steps (best 70%)"),
])
def test_first_to_90_reads_the_runs(bn, plain, answer, words):
    p = nb02.first_to_90({"plain": history((0, 10, 20), plain), "bn": history((0, 10, 20), bn)})
    assert p.answer == answer and words in p.text
    assert "at step 100" not in p.text  # not evaluated in these runs


def test_first_to_90_gives_the_early_accuracies_only_on_reveal():
    """02/5 prints no accuracy under the question: the step-100 accuracies are in the result."""
    p = nb02.first_to_90({"plain": history((0, 100), [0.1, 0.104]),
                          "bn": history((0, 100), [0.1, 0.955])})
    assert p.text.endswith("at step 100: with BN 96%, without BN 10%")
    assert "96%" not in p.widget.children[0].value + p.result.value  # hidden until Reveal
    p.predict(0)
    p.reveal()
    assert "at step 100: with BN 96%, without BN 10%" in p.result.value


def test_noise_still_trains_reads_the_runs():
    runs = {"plain": history([400], [0.11]), "bn": history([400], [0.95]),
            "noisy": history([400], [0.9])}
    assert nb03.noise_still_trains(runs).answer == 0
    runs["noisy"] = history([400], [0.5])
    assert nb03.noise_still_trains(runs).answer == 1
    runs["noisy"] = history([400], [0.12])
    p = nb03.noise_still_trains(runs)
    assert p.answer == 2 and p.text == "final test accuracy: BN + noise 12%, BN 95%, no BN 11%"


def test_jacobian_sign_reads_the_measured_entry_and_states_x_hat():
    x = np.array([0.2, -0.4, 1.0, -0.8])
    jac = bn_jacobian(x)
    p = nb06.jacobian_sign(x, 0, 1)
    assert jac[0, 1] < 0 and p.answer == 0 and f"{jac[0, 1]:+.3f}" in p.text
    x_hat = (x - x.mean()) / np.sqrt(x.var() + 1e-5)
    assert f"x̂_0 = {x_hat[0]:+.2f}" in p.prompt and f"x̂_1 = {x_hat[1]:+.2f}" in p.prompt
    assert f"{jac[0, 1]:+.3f}" not in p.prompt + p.widget.children[0].value  # not before Reveal
    x_far = np.array([3.0, -3.0, 0.1, 0.0])  # opposite extremes: widening the std dominates
    assert bn_jacobian(x_far)[0, 1] > 0 and nb06.jacobian_sign(x_far).answer == 1
    with pytest.raises(ValueError, match="off-diagonal"):
        nb06.jacobian_sign(x, 1, 1)
    with pytest.raises(ValueError, match="N >= 2"):
        nb06.jacobian_sign([1.0])


def test_notebook_06_asks_about_the_batch_its_panel_shows():
    panel = outlier_panel(np.random.default_rng(0))
    y = outlier_outputs(panel.batch, panel.controls["value"].value)  # the outputs on show
    np.testing.assert_allclose(y, panel.data["y"])  # .batch is the batch drawn at open
    assert panel.batch[0] == panel.controls["value"].value == 0.5
    p = nb06.jacobian_sign(panel.batch)
    assert "x_0 = +0.50" in p.prompt and f"x_1 = {panel.batch[1]:+.2f}" in p.prompt


def test_details_reach_the_page_only_on_reveal():
    table = "<table><tr><td>BN</td><td>97.3%</td></tr></table>"
    p = Prediction("?", ["a", "b"]).measured(1, "b = 97%", details=table)
    assert p.details.children == () and p.result.value == ""  # nothing measured on the page
    p.predict(0)
    assert p.details.children == ()
    p.reveal()
    assert [w.value for w in p.details.children] == [table] and "97%" in p.result.value
    out = widgets.Output()
    q = Prediction("?", ["a", "b"])
    q.predict(1)
    q.reveal()  # revealed before the measurement: the details come with it
    q.measured(1, "b", details=out)
    assert q.details.children == (out,) and "right" in q.result.value
    with pytest.raises(ValueError, match="details"):
        Prediction("?", ["a", "b"]).measured(0, "", details=3.5)


def test_noise_prediction_states_a_and_shows_the_table_on_reveal():
    runs = {key: {**history([400], [acc]), "loss": [loss] * 20}
            for key, acc, loss in (("plain", 0.301, 2.07), ("bn", 0.973, 0.052),
                                   ("noisy", 0.944, 0.080))}
    p = nb03.noise_still_trains(runs, strength=0.5)
    assert "a = 0.5" in p.prompt and p.answer == 0
    assert p.details.children == ()
    p.predict(2)
    p.reveal()
    table = p.details.children[0].value
    assert "94.4%" in table and "0.052" in table and "no BN" in table
