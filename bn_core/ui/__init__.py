"""The widget infrastructure every notebook's panels share.

    live     LiveFigure (a figure redrawn in place into an ipywidgets.Image) and panel (controls ->
             a plain update function -> the figure)
    runner   LiveRun: a training experiment streamed from a worker thread, superseded at once by
             a newer run (run_controls: its play / pause / step / reset / speed widgets)
    quiz     multiple-choice questions with immediate feedback
    palette  one colour and one label per idea, for every figure of the series
"""
