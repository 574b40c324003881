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
    from IPython.display import Markdown, display

    from bn_core.exercises.checker import in_voila

    table, note = widgets.Output(), widgets.Output()
    button = widgets.Button(description="show the code of each step", icon="code")
    box = widgets.VBox([table, button, note])

    def show(with_code):
        box.markdown = derivation_table(with_code)
        table.clear_output(wait=True)
        with table:
            display(Markdown(box.markdown))

    def reveal(_=None):
        note.clear_output()
        if exercise.attempted or exercise.done or in_voila():
            show(True)
            button.layout.display = "none"
        else:
            box.refused = True
            with note:
                print("write bn_backward below and run its check first: the code appears here "
                      "after your first attempt (or as soon as your check passes)")

    box.refused = False
    button.on_click(reveal)
    exercise.on_correct.append(reveal)
    show(False)
    return box
