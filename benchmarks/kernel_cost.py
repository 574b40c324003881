"""What one learner's kernel costs: CPU seconds and memory at open (every code cell run, as Voila's
pre-heated kernels and a Run All do) and after ui.prebuild has built its figures.

    .venv/bin/python benchmarks/kernel_cost.py [--notebooks 01,02] [--repeats 3] [--profile 20]
                                               [--fork]

Each kernel is a new `python3` kernel (jupyter_client) started as a server starts it (inline
matplotlib backend, no MPLBACKEND), with the cache of $BN_CORE_CACHE_DIR (warm it first:
`python -m bn_core.panels.warm`). Reported per notebook, median of --repeats kernels: CPU-s of the
kernel process from its start to the end of the last cell ("open"), CPU-s it spent after that until
every queued figure was built ("build"), the figures built, RSS after open and after building.
--profile N: in one more kernel per notebook, build the queued figures under cProfile
(prebuild.drain() in a cell) and print the N most expensive functions (cumulative time).
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
import psutil
from jupyter_client.manager import start_new_kernel
from jupyter_client.provisioning import KernelProvisionerFactory

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from fresh_kernel import execute  # noqa: E402  (a cell run in a real kernel)

STATE = ("import json, sys\nfrom bn_core.ui import prebuild\n"
         "print(json.dumps({'queued': prebuild.queued(), 'built': prebuild._state['built']}))")
PROFILE = """
import cProfile, io, pstats
from bn_core.ui import prebuild
prebuild.IDLE = 1e9  # no turn of the event loop builds meanwhile
_profile = cProfile.Profile()
_profile.enable()
prebuild.drain()
_profile.disable()
_out = io.StringIO()
pstats.Stats(_profile, stream=_out).sort_stats("cumulative").print_stats({n})
print(_out.getvalue())
"""


def cells(number):
    path = next((ROOT / "notebooks").glob(f"{number}_*.ipynb"))
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def kernel_env():
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # as a server starts it
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def cpu(proc):
    times = proc.cpu_times()
    return times.user + times.system


def one_kernel(number, profile=0):
    """(open CPU-s, build CPU-s, figures built, MB after open, MB after building) of one kernel;
    with profile: prints the profile of building instead (and returns None)."""
    km, client = start_new_kernel(kernel_name="python3", env=kernel_env(),
                                  cwd=str(ROOT / "notebooks"))
    try:
        proc = psutil.Process(km.provisioner.process.pid)
        if profile:
            execute(client, "from bn_core.ui import prebuild; prebuild.IDLE = 1e9", timeout=600)
        for source in cells(number):
            execute(client, source, timeout=600)
        opened, mb_open = cpu(proc), proc.memory_info().rss / 2**20
        if profile:
            print(execute(client, PROFILE.format(n=profile), timeout=600))
            return None
        deadline, state = time.monotonic() + 120, {}
        while time.monotonic() < deadline:  # a check is a cell: it makes the kernel busy again
            time.sleep(2.5)
            state = json.loads(execute(client, STATE, timeout=600).strip().splitlines()[-1])
            if state["queued"] == 0:
                break
        return (opened, cpu(proc) - opened, state.get("built"), mb_open,
                proc.memory_info().rss / 2**20)
    finally:
        client.stop_channels()
        km.shutdown_kernel(now=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", default="01,02,03,04,05,06,07,08")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0)
    parser.add_argument("--fork", action="store_true",
                        help="fork each kernel from bn_core's warm process, as voila.json does")
    args = parser.parse_args()
    if args.fork:  # what voila.json configures for a class (bn_core.classroom)
        KernelProvisionerFactory.instance().default_provisioner_name = "bn-fork"
    print(f"load: {' '.join(f'{v:.2f}' for v in os.getloadavg())} on {os.cpu_count()} CPUs; "
          f"cache {os.environ.get('BN_CORE_CACHE_DIR', '(default)')}, "
          f"BN_CORE_PREBUILD={os.environ.get('BN_CORE_PREBUILD', '(on)')}, "
          f"kernels {'forked (bn-fork)' if args.fork else 'started the usual way'}")
    print("nb  open CPU-s  build CPU-s  built  MB open  MB built")
    for number in args.notebooks.split(","):
        if args.profile:
            one_kernel(number, args.profile)
            continue
        rows = np.array([one_kernel(number) for _ in range(args.repeats)], dtype=float)
        med = np.median(rows, axis=0)
        print(f"{number}  {med[0]:10.2f}  {med[1]:11.2f}  {med[2]:5.0f}  {med[3]:7.0f}  "
              f"{med[4]:8.0f}   (build CPU-s each: {', '.join(f'{v:.2f}' for v in rows[:, 1])})",
              flush=True)
    print(f"load: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    sys.exit(main())
