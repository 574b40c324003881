#!/usr/bin/env bash
# Install everything and run every test: unit tests, widget tests, nbval on every notebook, and the
# real-browser tests (JupyterLab and Voila in Debian's Chromium). Usage: bash tests/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
"$PY" -c 'import sys; assert sys.version_info >= (3, 10), "Python 3.10+ needed"'
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt 2>&1 \
  | grep -v "is ignored: it is neither a file nor a directory" || true
.venv/bin/python -c 'import bn_core, nbval, playwright, voila'  # the install worked

# The browser tests drive Debian's Chromium (never `playwright install`: no browser downloads).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing chromium with apt-get"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium) >/dev/null
  elif command -v sudo >/dev/null && command -v apt-get >/dev/null; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  else
    echo "warning: /usr/bin/chromium is missing and cannot be installed here; browser tests skip"
  fi
fi

# Node.js and npm: the web book runs on Node (jupyter-book, tests/browser/test_book.py; it would
# otherwise try to download one), and axe-core comes from the npm registry. Debian's, when missing.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing nodejs and npm with apt-get"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq nodejs npm) >/dev/null
  else
    echo "warning: node or npm is missing and cannot be installed here; the book's and the accessibility tests skip"
  fi
fi

# axe-core (the accessibility checker of tests/browser/test_accessibility.py), from the npm
# registry into tests/browser/node_modules (gitignored); the tests inject it from disk.
if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ] && command -v npm >/dev/null; then
  (cd tests/browser && npm install --no-save --no-audit --no-fund --silent axe-core@4)
fi

# The kernels the notebooks run in must be this venv's Python, whatever else is installed.
export JUPYTER_PATH="$PWD/.venv/share/jupyter"
export PYTHONHASHSEED=0 MPLBACKEND=Agg
# The demos multiply tiny matrices: two BLAS threads fighting over two busy cores only cost time.
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

.venv/bin/ruff check .
.venv/bin/python tools/nbclean.py --check notebooks/*.ipynb
# A cell runs in seconds from the warm cache: a lost kernel message fails in 5 min, not nbval's 33.
.venv/bin/python -m pytest -q --durations=30 tests notebooks --nbval-lax --nbval-cell-timeout=300 "$@"
