"""The Colab cell: every notebook with code (01-08) starts its code with bn_core.colab.CELL, which
installs the series' package from the repository in Colab (simulated here by a `google.colab`
module in sys.modules) and does nothing anywhere else."""

import json
import subprocess
import sys
import types
from pathlib import Path

import pytest

from bn_core import colab

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
CODE_NOTEBOOKS = [p for p in sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))
                  if any(c["cell_type"] == "code" for c in json.loads(p.read_text())["cells"])]


def first_code_cell(path):
    cells = json.loads(path.read_text())["cells"]
    return next("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def run_cell(monkeypatch, in_colab):
    """Execute CELL with `google.colab` present or absent; return the commands it ran."""
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: calls.append((cmd, kw)))
    if in_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(compile(colab.CELL, "<colab cell>", "exec"), {})  # noqa: S102
    return calls


def test_every_notebook_with_code_starts_with_the_colab_cell():
    assert [p.name[:2] for p in CODE_NOTEBOOKS] == [f"{k:02d}" for k in range(1, 9)]
    for path in CODE_NOTEBOOKS:
        assert first_code_cell(path) == colab.CELL, path.name
        cells = json.loads(path.read_text())["cells"]
        assert cells[0]["cell_type"] == "markdown" and cells[1]["source"], path.name


def test_the_cell_installs_from_the_repository_in_colab(monkeypatch):
    calls = run_cell(monkeypatch, in_colab=True)
    assert len(calls) == 1
    command, options = calls[0]
    assert command == colab.install_command()
    assert command[-1] == "git+https://github.com/" + colab.REPOSITORY
    assert command[1:4] == ["-m", "pip", "install"] and options == {"check": True}


def test_the_cell_does_nothing_elsewhere(monkeypatch):
    assert run_cell(monkeypatch, in_colab=False) == []


def test_install_if_colab_runs_pip_only_in_colab():
    calls = []
    assert colab.install_if_colab({}, run=lambda cmd, **kw: calls.append(cmd)) is False
    assert calls == []
    assert colab.install_if_colab({"google.colab": object()},
                                  run=lambda cmd, **kw: calls.append(cmd)) is True
    assert calls == [colab.install_command()]
    assert colab.in_colab({"google.colab": None}) and not colab.in_colab({"google": None})


def test_colab_url():
    assert colab.colab_url("01_bn_live.ipynb") == (
        f"https://colab.research.google.com/github/{colab.REPOSITORY}/blob/HEAD/notebooks/"
        "01_bn_live.ipynb")
    for bad in ("01_bn_live.py", "notebooks/01_bn_live.ipynb", None):
        with pytest.raises(ValueError, match="notebook"):
            colab.colab_url(bad)
