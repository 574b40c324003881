"""For the first-picture tests (tests/test_poster*.py): code run in a fresh interpreter, as a new
learner's kernel would run it, with the cache at a given folder; and code run in a real kernel
(execute: tests/test_prebuild.py, benchmarks/kernel_cost.py)."""

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

_BESIDE = ThreadPoolExecutor(1)  # one interpreter beside the test's own: two cores


def report(code, cache, cwd=None, args=()):
    """Run `code` (which prints a JSON report last) with BN_CORE_CACHE_DIR=cache; the report."""
    env = {**os.environ, "BN_CORE_CACHE_DIR": str(cache), "MPLBACKEND": "Agg"}
    out = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True,
                         text=True, timeout=600, cwd=cwd)
    assert out.returncode == 0, out.stderr[-3000:]
    lines = out.stdout.splitlines()
    return json.loads(lines[-1]) if lines else None


def beside(code, cache, **kwargs):
    """report(code, cache, ...) started now in the background, one at a time (a test's kernels
    run in the foreground meanwhile: the other core); a Future of the report."""
    return _BESIDE.submit(report, code, cache, **kwargs)


def results_only(tmp_path_factory, warm_cache):
    """A new cache folder holding the results of the session's warm cache (the `warm_cache`
    fixture, tests/warm_cache.py: every notebook's default results), and no picture yet."""
    import warm_cache as warm

    cache = warm.copy_results(warm_cache[0], tmp_path_factory.mktemp("cache"))
    assert not (cache / "posters").exists()
    return cache


def execute(client, code, timeout=120):
    """Run code in a kernel (a jupyter_client client); its stdout (raises on an error)."""
    msg_id = client.execute(code)
    out = []
    while True:
        msg = client.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream" and content["name"] == "stdout":
            out.append(content["text"])
        elif kind == "error":
            raise AssertionError("\n".join(content["traceback"]))
        elif kind == "status" and content["execution_state"] == "idle":
            return "".join(out)
