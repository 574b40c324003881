"""Google Colab: where the series' package comes from when a notebook runs there.

Colab's kernel has numpy, matplotlib and widget support but not bn_core, so the first code cell of
every notebook (01-08) installs it from the repository, and only there: `google.colab` is a module
that exists in Colab's kernel alone. The cell cannot import this module (it runs before bn_core is
installed), so it holds the same few lines as CELL; tests/test_colab.py checks that every notebook's
first code cell is CELL and runs it with `google.colab` simulated in sys.modules.

    CELL                  # the cell's source, with INSTALL_URL in it
    install_if_colab()    # the same logic, testable: True (and pip ran) in Colab, False elsewhere
    colab_url("01_bn_live.ipynb")   # "Open in Colab" link of a notebook of the repository
"""

import subprocess
import sys

REPOSITORY = "OWNER/REPO"  # this repository's GitHub path, as in the README's launch links
INSTALL_URL = f"git+https://github.com/{REPOSITORY}"
CELL = f"""import subprocess
import sys

if "google.colab" in sys.modules:  # in Google Colab only: install the series' package, bn_core
    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    "{INSTALL_URL}"], check=True)"""


def in_colab(modules=None):
    """True when the kernel runs in Google Colab (`google.colab` among `modules`, default
    sys.modules)."""
    return "google.colab" in (sys.modules if modules is None else modules)


def install_command():
    """The pip command line (a list of str) that installs the series' package in Colab."""
    return [sys.executable, "-m", "pip", "install", "-q", INSTALL_URL]


def install_if_colab(modules=None, run=subprocess.run):
    """Run the install command with `run` when in Colab; return whether it ran."""
    if not in_colab(modules):
        return False
    run(install_command(), check=True)
    return True


def colab_url(notebook):
    """The "Open in Colab" URL of notebooks/<notebook> (a file name ending in .ipynb)."""
    if not (isinstance(notebook, str) and notebook.endswith(".ipynb") and "/" not in notebook):
        raise ValueError(f"notebook: got {notebook!r}; expected a file name like "
                         "'01_bn_live.ipynb'")
    return f"https://colab.research.google.com/github/{REPOSITORY}/blob/HEAD/notebooks/{notebook}"
