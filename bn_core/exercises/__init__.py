"""Exercises: the learner writes batch norm and a checker names their mistake.

    from bn_core.exercises import nb01
    nb01.forward.check(bn_forward)   # one verdict line: not attempted yet / correct /
                                     # incorrect: <the named mistake>, <what it did to the numbers>
    nb01.forward.hint()              # hint(2), hint(3): more
    nb01.forward.solution()          # the reference code

    checker            Exercise, Mistake, Progress; in_voila() (code exercises run in JupyterLab)
    run                calling a learner's function safely; comparing; pointing at an error
    cases              designed inputs that separate the mistakes
    solutions          the reference solutions (printed by solution(); never in the notebooks)
    mistakes_*         the catalogue of known-wrong versions, each a real function
    nb01 nb04 nb05 nb07   the code exercises of those notebooks
    nb02 nb03 nb06        predict-before-you-reveal questions (widgets; they work in Voila too)
"""
