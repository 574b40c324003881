"""The exercise cells of the notebooks: stored with untouched stubs (their checks read "not
attempted yet", which nbval compares), and, with every stub filled with the reference solution,
each notebook runs through and every check prints "correct"."""

import inspect
import json
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from bn_core.exercises import nb01, nb04, nb05, nb07

# the notebooks' default results, read from the cache in use warmed by the session
# (tests/conftest.py: as it was once the web book's test had warmed it)
pytestmark = pytest.mark.usefixtures("warm_default_cache")

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = {ex.key: ex for ex in (nb01.forward, nb04.backward, nb05.running, nb05.eval_mode,
                                   nb05.folding, nb07.layer_norm, nb07.batchnorm2d)}
STUB = re.compile(r"^# EXERCISE (\d\d\.\w+):")
CHECK = re.compile(r"\bnb\d\d\.(\w+)\.check\(")
NOTEBOOKS = {"01": 1, "04": 1, "05": 3, "07": 2}  # the number of code exercises of each


def path_of(number):
    return next((ROOT / "notebooks").glob(f"{number}_*.ipynb"))


def stubs(nb):
    """{cell index: exercise key} of the exercise cells."""
    return {i: STUB.match(c.source)[1] for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and STUB.match(c.source)}


def check_outputs(nb):
    """The printed text of every cell that calls an exercise's check()."""
    return ["".join(o.get("text", "") for o in c.outputs if o.output_type == "stream")
            for c in nb.cells if c.cell_type == "code" and CHECK.search(c.source)]


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_stored_with_untouched_stubs(number):
    nb = nbformat.read(path_of(number), as_version=4)
    found = stubs(nb)
    assert len(found) == NOTEBOOKS[number] and all(k.startswith(number) for k in found.values())
    for i, key in found.items():
        body = nb.cells[i].source.split('"""')[-1]  # after the docstring: the untouched stub
        assert body.strip().startswith("raise NotImplementedError"), body
        assert f"def {EXERCISES[key].signature}:" in nb.cells[i].source
    outputs = check_outputs(nb)
    assert len(outputs) == NOTEBOOKS[number]
    for out in outputs:
        assert out.startswith("not attempted yet: write "), out
    code = json.dumps([c.source for c in nb.cells])
    for ex in EXERCISES.values():  # no reference code in the notebook
        assert json.dumps(inspect.getsource(ex.reference).splitlines()[-1])[1:-1] not in code


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_filled_with_the_solutions_every_check_is_correct(number, tmp_path):
    nb = nbformat.read(path_of(number), as_version=4)
    for i, key in stubs(nb).items():
        nb.cells[i].source = inspect.getsource(EXERCISES[key].reference)
    # each notebook runs in 2-3 s from the warm cache: a cell that waits minutes is a lost message
    # (once in CI, this test waited nbclient's 600 s and then passed)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    outputs = check_outputs(nb)
    assert len(outputs) == NOTEBOOKS[number]
    for out in outputs:
        assert out.splitlines()[0].startswith("correct"), out
    total = NOTEBOOKS[number]
    assert outputs[-1].splitlines()[-1] == f"notebook {number}: {total} of {total} exercises done"
