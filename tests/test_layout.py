"""The package's layout, kept as a test: the engine at bn_core's top level, the experiments above
it, the shared widgets (ui) beside them, and each notebook's panels on top, in modules named after
the notebook. Arrows of the import graph only go downwards: panels -> ui, experiments -> engine;
the exercises (checker, catalogue of mistakes, predictions) sit beside the panels and may use the
engine, the experiments and the shared widgets.
"""

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "bn_core"
MAX_LINES = 250
DRAWING = {"matplotlib", "ipywidgets", "PIL", "IPython"}


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def tier(name):
    """engine, experiments, ui, exercises or panels: the folder a module of bn_core sits in."""
    parts = name.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in TIERS) else "engine"


TIERS = ("experiments", "ui", "exercises", "panels", "classroom")
ALLOWED = {  # which tiers each tier may import
    "engine": {"engine"},
    "experiments": {"engine", "experiments"},
    "ui": {"engine", "ui"},
    "exercises": {"engine", "experiments", "ui", "exercises"},
    "panels": {"engine", "experiments", "ui", "exercises", "panels"},
    "classroom": {"classroom"},  # serving a class: Jupyter's machinery, bn_core loaded by name
}


def imports(path):
    """(bn_core modules, top-level third-party packages) a module imports, anywhere in it."""
    own, other = set(), set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module  # from base import a: the module base.a if there is one, else base
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base
                     for a in node.names]
        else:
            continue
        for name in names:
            if name.split(".")[0] == "bn_core":
                if name in MODULES:
                    own.add(name)
            else:
                other.add(name.split(".")[0])
    return own, other


GRAPH = {name: imports(path) for name, path in MODULES.items()}


def test_the_tiers_exist_and_hold_modules():
    counts = {t: sum(tier(m) == t for m in MODULES) for t in ("engine", *TIERS)}
    assert all(count >= 3 for count in counts.values()), counts


@pytest.mark.parametrize("name", sorted(MODULES))
def test_arrows_only_go_down(name):
    own, _ = GRAPH[name]
    wrong = sorted(m for m in own if tier(m) not in ALLOWED[tier(name)])
    assert not wrong, f"{name} ({tier(name)}) imports {wrong}"


@pytest.mark.parametrize("name", sorted(m for m in MODULES if tier(m) in ("engine", "experiments")))
def test_engine_and_experiments_draw_nothing(name):
    _, other = GRAPH[name]
    assert not other & DRAWING, f"{name} imports {sorted(other & DRAWING)}"


@pytest.mark.parametrize("name", sorted(m for m in MODULES if tier(m) == "panels" and "nb" in m))
def test_a_panel_belongs_to_one_notebook(name):
    """panels/nbNN_*.py draws notebook NN, and uses no other notebook's panels."""
    number = re.match(r"nb(\d\d)_", name.split(".")[-1])
    assert number, f"{name}: a panel module's name starts with its notebook's number, nbNN_"
    others = [m for m in GRAPH[name][0] if tier(m) == "panels" and m.split(".")[-1][:4] != name
              .split(".")[-1][:4] and m != "bn_core.panels"]
    assert not others, f"{name} uses another notebook's panels: {others}"
    notebooks = list((ROOT / "notebooks").glob(f"{number.group(1)}_*.ipynb"))
    assert len(notebooks) == 1, f"{name}: no notebook {number.group(1)}_*.ipynb"


def test_no_import_cycles():
    done = set()

    def visit(name, path):
        if name in path:
            raise AssertionError(" -> ".join([*path, name]))
        if name in done:
            return
        for m in GRAPH[name][0]:
            visit(m, (*path, name))
        done.add(name)

    for name in MODULES:
        visit(name, ())
    assert done == set(MODULES)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_stay_small(name):
    lines = len(MODULES[name].read_text().splitlines())
    assert lines <= MAX_LINES, f"{name}: {lines} lines; split it along what it does"


def test_import_bn_core_pulls_numpy_only():
    code = ("import sys, bn_core, bn_core.experiments, bn_core.train; "
            "import bn_core.experiments.live_batch, bn_core.experiments.coupling; "
            "print(sorted({m.split('.')[0] for m in sys.modules}))")
    loaded = json.loads(subprocess.check_output([sys.executable, "-c", code], text=True)
                        .replace("'", '"'))
    assert "numpy" in loaded
    assert not set(loaded) & (DRAWING | {"sklearn", "scipy", "pandas"}), loaded


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")),
                         ids=lambda p: p.name)
def test_notebooks_import_their_own_panels(path):
    number = path.name[:2]
    code = "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"]
                     if c["cell_type"] == "code")
    panels = set(re.findall(r"\bnb(\d\d)_\w+", code))
    assert panels <= {number}, f"{path.name} imports the panels of notebooks {sorted(panels)}"


def test_panels_use_the_series_palette():
    """Colours come from bn_core.ui.palette (greys for reference lines are fine)."""
    pattern = re.compile(r"""colou?rs?=["'](?:tab:|C\d|#)|\b(?:mec|fc|ec|mfc)=["'](?:tab:|C\d)""")
    offenders = [f"{name}: {line.strip()}" for name, path in MODULES.items()
                 if tier(name) == "panels" for line in path.read_text().splitlines()
                 if pattern.search(line)]
    assert not offenders, offenders
