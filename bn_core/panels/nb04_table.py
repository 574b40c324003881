"""Notebook 04's derivation table as a widget: the math of each backward step, and bn_core's code
of each step only once the learner has tried the exercise (else the exercise is copy-paste).

    derivation_panel(nb04.backward)   VBox(table, button, note); .markdown: the table on show
"""

from bn_core.panels.nb04_backward import derivation_table


def derivation_panel(exercise):
    """The table's math, and a button that adds the code column once exercise.check has been run
    on the learner's own function; a passing check adds it at once (and Voila, where no code can
    be written, shows it on the first click)."""
    import ipywidgets as widgets

    from bn_core.exercises.checker import in_voila

    table, note = widgets.Output(), widgets.Output()
    button = widgets.Button(description="show the code of each step", icon="code")
    box = widgets.VBox([table, button, note])

    def show(with_code):
        box.markdown = derivation_table(with_code)
        table.outputs = (shown_output(markdown=box.markdown),)

    def reveal(_=None):
        note.outputs = ()
        if exercise.attempted or exercise.done or in_voila():
            show(True)
            button.layout.display = "none"
        else:
            box.refused = True
            note.outputs = (shown_output(text=(
                "write bn_backward below and run its check first: the code appears here after "
                "your first attempt (or as soon as your check passes)\n")),)

    box.refused = False
    button.on_click(reveal)
    exercise.on_correct.append(reveal)
    show(False)
    return box


def shown_output(markdown=None, text=None):
    """One entry of an Output widget's `outputs`: Markdown `markdown`, else the printed `text`.

    The panel sets its Output widgets' outputs as state, never `with output: display(...)`: output
    captured that way while a cell runs is mirrored back to the kernel by nbclient (Voila's
    renderer, the exercise tests) on the shell channel while it waits for that cell's reply, and
    that send can swallow the reply's wake-up (nbclient's OutputWidget.sync_state and
    _async_poll_for_reply share one zmq.asyncio socket): the page then waits forever at
    "Executing 6 of 25". Measured with Voila rendering a notebook of ten such panels over HTTP:
    3 renders in 6 hung with `with output:`, none in 200 with the state set (notebook 04 itself:
    about 1 render in 40; a notebook of 20 plain cells: none in 300). tests/test_exercise_table.py
    checks that the panel's cell sets no Output widget's msg_id."""
    if markdown is not None:
        return {"output_type": "display_data", "metadata": {},
                "data": {"text/markdown": markdown, "text/plain": markdown}}
    return {"output_type": "stream", "name": "stdout", "text": text}
