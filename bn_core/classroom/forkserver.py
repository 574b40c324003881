"""One warm process that forks a class's kernels, so that each learner's kernel starts with Python,
ipykernel, numpy, ipywidgets and matplotlib already imported (paid once per server, not per page).

A kernel started the usual way (`python -m ipykernel_launcher -f conn.json`) spends about 1 CPU-s
before it runs a cell of ours: the interpreter, ipykernel, numpy and ipywidgets (~0.6 s), then
matplotlib when ui.prebuild builds the figures (~0.4 s). With pre-heated pools (voila.json) every
page a learner opens costs one such kernel (the refill). Here one process imports all of it once
(PRELOAD), then listens on a Unix socket; for each request it forks, and the child becomes the
kernel: its own session, working folder, environment and argv, then ipykernel's own entry point.
The pages of the imported modules are shared between the kernels until written (copy-on-write).

    python -m bn_core.classroom.forkserver SOCKET   # started by ForkProvisioner (provisioner.py)
    request: one JSON line {"argv": [...], "env": {...}, "cwd": "..."} -> reply {"pid": N}

No ZeroMQ context or Python thread exists in it when it forks (imports create neither; OpenBLAS's
worker threads are re-made in the child by OpenBLAS's own fork handler, as for multiprocessing's
"fork"). What a module read from the environment at import time is the server's, which is the
kernels' too (a server starts its kernels with its own environment plus the JPY_* variables, which
become_kernel passes on). It exits when the process that started it (the server) is gone, and
ignores Ctrl-C (which stops that server). Children are reaped by the system (SIGCHLD ignored here,
restored in each kernel: its subprocesses must be waitable).
"""

import contextlib
import gc
import importlib
import importlib.util
import io
import json
import os
import pkgutil
import signal
import socket
import sys

# what every kernel of the series imports (a missing optional one is skipped)
PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "numpy",
           "ipywidgets", "anywidget", "matplotlib", "matplotlib.figure",
           "matplotlib.backends.backend_agg", "matplotlib_inline.backend_inline", "PIL.Image",
           "joblib",  # the cache's keys (experiments.cache): ~0.1 CPU-s of every kernel's open
           "setproctitle")  # and every module of bn_core (preload)
KERNEL_MODULE = "ipykernel_launcher"


def preload(names=PRELOAD):
    """Import `names` and every module of bn_core, draw one figure (fonts, text layout, the JPEG
    and PNG encoders: what a kernel's first figure loads), then move what survives out of the
    garbage collector's reach (gc.freeze: a collection in a kernel would otherwise touch, and so
    copy, every page it shares). The modules that fail are left to each kernel. Returns the
    names imported."""
    done = []
    for name in [*names, *_package_modules("bn_core")]:
        try:
            importlib.import_module(name)
            done.append(name)
        except Exception:  # noqa: BLE001 (an optional module: the kernel imports it itself)
            pass
    with contextlib.suppress(Exception):
        _draw_once()
    gc.collect()
    gc.freeze()
    return done


def _package_modules(package):
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return []
    return [m.name for m in pkgutil.walk_packages(spec.submodule_search_locations, package + ".")
            if ".classroom" not in m.name]


def _draw_once():
    """A small figure drawn in full and encoded as the series' figures are (ui.live), with no
    widget (one made here would be in every kernel's registry of widgets)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from PIL import Image

    figure = Figure(figsize=(4, 2), dpi=80, layout="constrained")
    canvas = FigureCanvasAgg(figure)
    for ax in figure.subplots(1, 2):
        ax.plot([0, 1, 2], [1, 10, 100], label="plain")
        ax.set(yscale="log", title="a title", xlabel="step")
        ax.legend(fontsize=8)
        ax.text(0.1, 0.1, "$x$", transform=ax.transAxes)
    canvas.draw()
    rgb = Image.fromarray(canvas.buffer_rgba()[..., :3].copy())
    for fmt in ("jpeg", "png"):
        rgb.save(io.BytesIO(), fmt)


def kernel_args(argv):
    """The ipykernel arguments of a kernel command line [python, -m, ipykernel_launcher, ...],
    or None when `argv` starts some other program (ForkProvisioner launches that the usual way)."""
    if len(argv) >= 3 and argv[1] == "-m" and argv[2] == KERNEL_MODULE:
        return list(argv[3:])
    return None


def become_kernel(request):
    """In the forked child: take the kernel's session, folder, environment, argv; run ipykernel."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.setsid()  # its own process group: the server signals the kernel's group
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    with contextlib.suppress(ImportError):  # ps and top show a kernel, not a fork server
        import setproctitle  # (before the environment changes: it moves the process's own)

        setproctitle.setproctitle(" ".join(request["argv"]) + "  (forked by bn_core)")
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.path[0] = os.getcwd()  # as `python -m` puts the working folder first
    args = kernel_args(request["argv"])
    if os.environ.get("JPY_PARENT_PID"):  # ipykernel read it when the fork server imported it
        args.append(f"--IPKernelApp.parent_handle={os.environ['JPY_PARENT_PID']}")
    sys.argv = [request["argv"][0], *args]
    from ipykernel.kernelapp import launch_new_instance

    launch_new_instance(argv=args)


def serve(path):
    """Accept requests on Unix socket `path` until the parent process is gone."""
    parent = os.getppid()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the system reaps the kernels
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which ends this
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    os.chmod(path, 0o600)  # the server's user only
    listener.listen(16)
    listener.settimeout(1.0)
    while os.getppid() == parent:
        try:
            conn, _ = listener.accept()
        except (socket.timeout, InterruptedError):
            continue
        with conn:
            try:
                conn.settimeout(10)
                request = json.loads(conn.makefile("r").readline())
            except (OSError, ValueError):
                continue
            if kernel_args(request.get("argv", ())) is None:  # a probe, or not a kernel
                continue
            pid = os.fork()
            if pid == 0:  # the kernel
                listener.close()
                conn.close()
                code = 1
                try:
                    become_kernel(request)
                    code = 0
                finally:
                    os._exit(code)
            conn.sendall((json.dumps({"pid": pid}) + "\n").encode())
    listener.close()
    with contextlib.suppress(OSError):  # the socket, and its private folder (provisioner.py)
        os.unlink(path)
        os.rmdir(os.path.dirname(path))


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        raise SystemExit("usage: python -m bn_core.classroom.forkserver SOCKET")
    preload()
    serve(argv[0])


if __name__ == "__main__":
    main()
