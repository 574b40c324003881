"""A class opens one notebook at once: K learners on one Voila server, before and after the
series' classroom settings (voila.json at the repository's root, the warm experiment cache).

    .venv/bin/python benchmarks/classroom.py                        # 01 and 02, K = 1, 5, 10
    .venv/bin/python benchmarks/classroom.py --notebook 01 --learners 1,5,10 --clients http
    .venv/bin/python benchmarks/classroom.py --storm 20             # one learner reloads 20 times

Setups: "before" = `voila notebooks/` with no config file and the cache off; "after" = the same
command run from the repository's root (so Voila reads ./voila.json: pre-heated kernels for 01 and
02, waited for before the class arrives, and whose refill after the class arrived is counted) with
a warm cache; "nocache" = voila.json with the cache off; "progressive" = "after" without pre-heated
kernels, with progressive rendering instead (the two are incompatible in Voila).
Clients: "http" = K plain asyncio clients (the server's own cost): each GETs the page and, when the
page renders progressively, asks the server to execute it over /voila/execution as Voila's page
does, until the last cell's outputs arrive; "browser" = K tabs of Debian's Chromium (its own CPU
is not counted): time to the first text and to the first figure (an <img> in an output).
Reported: p50 / p95 / max seconds, failures, CPU seconds and peak memory of the server and its
kernels (minus the idle server's), per learner. Each row runs on a fresh server. Timings are only
comparable within one run: note the load (printed) and compare the setups side by side.
"""

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from servers import CHROMIUM, CHROMIUM_ARGS, free_port, server_env  # noqa: E402

NOTEBOOKS = {p.name[:2]: p.name for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))}
FIGURE = ".jp-OutputArea-output img"
TEXT = ".jp-RenderedMarkdown h1, .jp-MarkdownOutput h1"


class Monitor(threading.Thread):
    """Samples the server's process tree every `period` s: peak RSS, live kernels, CPU seconds."""

    def __init__(self, pid, period=0.2):
        super().__init__(daemon=True)
        self.root, self.period, self.stopped = psutil.Process(pid), period, threading.Event()
        self.cpu, self.peak_rss, self.kernels, self.trace = {}, 0, 0, []
        self.kernel_pids = set()
        self.sample()

    def sample(self):
        rss, kernels = 0, 0
        with contextlib.suppress(psutil.Error):
            for proc in [self.root, *self.root.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    times = proc.cpu_times()
                    self.cpu[proc.pid] = times.user + times.system
                    rss += proc.memory_info().rss
                    if "ipykernel" in " ".join(proc.cmdline()):
                        kernels += 1
                        self.kernel_pids.add(proc.pid)
        self.peak_rss, self.kernels = max(self.peak_rss, rss), kernels
        self.trace.append((time.perf_counter(), kernels, rss))
        return rss

    def run(self):
        while not self.stopped.wait(self.period):
            self.sample()

    def cpu_seconds(self, kernels_only=False):
        return sum(v for pid, v in self.cpu.items() if not kernels_only or pid in self.kernel_pids)


def setup_config(setup, pool=None):
    """(the voila.json of a setup or None, whether the experiment cache is on). pool: override the
    size of every pre-heated pool of voila.json."""
    config = json.loads((ROOT / "voila.json").read_text())
    pools = config.get("VoilaKernelManager", {}).get("kernel_pools_config", {})
    for name in pools if pool is not None else ():
        pools[name]["pool_size"] = pool if name != "default" else 0
    if setup == "before":
        return None, False
    if setup == "nocache":  # the config file alone
        return config, False
    if setup == "progressive":  # no pre-heated kernels: progressive rendering instead
        config["VoilaConfiguration"].update(progressive_rendering=True, preheat_kernel=False)
        config.pop("VoilaKernelManager", None)
        return config, True
    if setup == "after":
        return config, True
    raise ValueError(f"setup: got {setup!r}; expected before, nocache, progressive or after")


def pooled(config):
    """How many pre-heated kernels a config keeps (0 without preheating)."""
    if not (config or {}).get("VoilaConfiguration", {}).get("preheat_kernel"):
        return 0
    pools = config.get("VoilaKernelManager", {}).get("kernel_pools_config", {})
    return sum(p.get("pool_size", 0) for name, p in pools.items() if name != "default")


class Voila:
    """A Voila server on a copy of notebooks/, started in the setup's working directory."""

    def __init__(self, setup, workdir, cache, pool=None):
        self.workdir = Path(workdir)
        shutil.copytree(ROOT / "notebooks", self.workdir / "notebooks")
        config, cached = setup_config(setup, pool)
        if config is not None:
            (self.workdir / "voila.json").write_text(json.dumps(config))
        env = server_env(self.workdir)
        env["BN_CORE_CACHE_DIR"] = str(cache) if cached else "off"
        port = free_port()
        self.url = f"http://127.0.0.1:{port}/"
        self.log = open(self.workdir / "voila.log", "wb")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "voila", "notebooks", "--no-browser", "--Voila.ip=127.0.0.1",
             f"--port={port}"], cwd=self.workdir, env=env, stdout=self.log,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(self.url + "voila/tree", timeout=2):
                    break
            time.sleep(0.2)
        time.sleep(1.0)  # let the server settle before its idle footprint is taken
        self.monitor = Monitor(self.proc.pid)
        self.pooled = pooled(config)
        if self.pooled:  # a teacher starts the server before class: wait for the pools
            deadline, before = time.monotonic() + 600, -1.0
            while time.monotonic() < deadline:
                time.sleep(3.0)
                self.monitor.sample()
                now = self.monitor.cpu_seconds()
                if self.monitor.kernels >= self.pooled and now - before < 0.3:
                    break
                before = now
        self.idle_rss, self.idle_cpu = self.monitor.sample(), self.monitor.cpu_seconds()
        self.idle_kernel_cpu = self.monitor.cpu_seconds(kernels_only=True)
        self.monitor.start()

    def refilled(self, timeout=300):
        """Wait until the pools are full again and the server is quiet (CPU < 0.3 s over 3 s)."""
        deadline, before = time.monotonic() + timeout, -1.0
        while time.monotonic() < deadline:
            time.sleep(3.0)
            now = self.monitor.cpu_seconds()
            if self.monitor.kernels >= self.pooled and now - before < 0.3:
                return
            before = now

    def stop(self):
        self.monitor.stopped.set()
        self.monitor.join()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.log.close()


async def http_learner(url, timeout):
    """One plain client: (seconds to the page's text, seconds to the last cell's outputs, ok)."""
    from tornado.httpclient import AsyncHTTPClient
    from tornado.websocket import websocket_connect

    start, chunks = time.perf_counter(), []
    response = await AsyncHTTPClient().fetch(url, request_timeout=timeout, raise_error=False,
                                             streaming_callback=chunks.append)
    html = b"".join(chunks).decode(errors="replace")
    text = time.perf_counter() - start
    if response.code != 200:
        return text, text, False
    if '"progressiveRendering": true' not in html:
        return text, text, "application/vnd.jupyter.error" not in html
    kernel = re.search(r'"kernelId": "([^"]+)"', html).group(1)
    ws = await websocket_connect(url.replace("http", "ws", 1).split("voila/render")[0]
                                 + f"voila/execution/{kernel}")
    await ws.read_message()  # {"action": "initialized"}
    await ws.write_message(json.dumps({"action": "execute", "payload": {"kernel_id": kernel}}))
    ok = True
    while True:
        message = await asyncio.wait_for(ws.read_message(), timeout)
        if message is None:
            return text, time.perf_counter() - start, False
        message = json.loads(message)
        if message["action"] != "execution_result":
            return text, time.perf_counter() - start, False
        payload = message["payload"]
        outputs = payload["output_cell"].get("outputs", [])
        ok &= all(o.get("output_type") != "error" for o in outputs)
        if payload["cell_index"] + 1 == payload["total_cell"]:
            ws.close()
            return text, time.perf_counter() - start, ok


async def http_class(url, k, timeout):
    from tornado.httpclient import AsyncHTTPClient

    AsyncHTTPClient.configure(None, max_clients=max(k, 10))
    return await asyncio.gather(*(http_learner(url, timeout) for _ in range(k)),
                                return_exceptions=True)


async def browser_learner(context, url, timeout):
    """One tab: (seconds to the page's first heading, seconds to its first figure, ok)."""
    page = await context.new_page()
    start = time.perf_counter()
    await page.goto(url, wait_until="commit", timeout=timeout * 1000)
    await page.wait_for_selector(TEXT, state="visible", timeout=timeout * 1000)
    text = time.perf_counter() - start
    await page.wait_for_selector(FIGURE, state="visible", timeout=timeout * 1000)
    return text, time.perf_counter() - start, True


async def browser_class(url, k, timeout):
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                          args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        results = await asyncio.gather(*(browser_learner(context, url, timeout) for _ in range(k)),
                                       return_exceptions=True)
        await browser.close()
    return results


async def storm(server, url, reloads, wait):
    """One tab reloads `reloads` times (each as soon as the page's heading shows), then stays."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                          args=CHROMIUM_ARGS)
        page = await browser.new_page()
        for _ in range(reloads):
            await page.goto(url, wait_until="commit", timeout=120_000)
            await page.wait_for_selector(TEXT, state="visible", timeout=120_000)
        last = time.perf_counter()
        settled = None
        while time.perf_counter() - last < wait:
            await asyncio.sleep(1.0)
            if server.monitor.kernels <= server.pooled + 1:  # the pool and the open page
                settled = time.perf_counter() - last
                break
        kernels_left = server.monitor.kernels
        await browser.close()
    return settled, kernels_left


def summary(values):
    values = np.sort(np.asarray(values, dtype=float))
    if not values.size:
        return "   -      -      -  "
    return " ".join(f"{np.percentile(values, q):6.1f}" for q in (50, 95, 100))


def run_row(setup, number, k, client, cache, timeout, pool):
    with tempfile.TemporaryDirectory(prefix="classroom-") as workdir:
        server = Voila(setup, workdir, cache, pool)
        url = f"{server.url}voila/render/{NOTEBOOKS[number]}"
        try:
            runner = http_class if client == "http" else browser_class
            results = asyncio.run(runner(url, k, timeout))
            time.sleep(0.5)
            if server.pooled:  # count what refilling the pools costs (the kernels used up)
                server.refilled()
            server.monitor.sample()
        finally:
            server.stop()
    good = [r for r in results if isinstance(r, tuple) and r[2]]
    failed = len(results) - len(good)
    cpu = server.monitor.cpu_seconds() - server.idle_cpu
    kernel_cpu = server.monitor.cpu_seconds(kernels_only=True) - server.idle_kernel_cpu
    mem = (server.monitor.peak_rss - server.idle_rss) / 2**20
    first, last = ("text", "done") if client == "http" else ("text", "figure")
    print(f"{setup:7s} {number} K={k:<3d}{client:8s}{first} {summary([r[0] for r in good])}   "
          f"{last} {summary([r[1] for r in good])}   fail {failed}   CPU {cpu:6.1f} s "
          f"({cpu / k:4.1f}/learner, kernels {kernel_cpu / k:4.1f})   "
          f"peak {mem:6.0f} MB ({mem / k:4.0f}/learner)"
          + (f"; the server with its {server.pooled} pooled kernels holds "
             f"{server.idle_rss / 2**20:.0f} MB idle" if server.pooled else ""), flush=True)
    errors = [repr(r)[:200] for r in results if not (isinstance(r, tuple) and r[2])]
    return {"setup": setup, "notebook": number, "learners": k, "client": client,
            "text": [r[0] for r in good], "last": [r[1] for r in good], "failures": failed,
            "errors": errors, "cpu_s": cpu, "kernel_cpu_s": kernel_cpu, "peak_mb": mem,
            "idle_mb": server.idle_rss / 2**20}


def run_storm(setup, number, reloads, cache, wait):
    with tempfile.TemporaryDirectory(prefix="classroom-") as workdir:
        server = Voila(setup, workdir, cache)
        url = f"{server.url}voila/render/{NOTEBOOKS[number]}"
        try:
            settled, left = asyncio.run(storm(server, url, reloads, wait))
        finally:
            server.stop()
    trace = server.monitor.trace
    peak_kernels = max(t[1] for t in trace) - server.pooled  # the learner's, beyond the pools
    mem = (server.monitor.peak_rss - server.idle_rss) / 2**20
    back = (f"down to the open page's kernel {settled:.0f} s after the last reload"
            if settled is not None else
            f"still {left - server.pooled} kernels {wait} s after the last reload")
    pools = f" besides the {server.pooled} pooled" if server.pooled else ""
    print(f"{setup:7s} {number} storm of {reloads} reloads: peak {peak_kernels} kernels{pools}, "
          f"{mem:.0f} MB above the idle server; {back}", flush=True)
    return {"setup": setup, "notebook": number, "reloads": reloads, "peak_kernels": peak_kernels,
            "pooled": server.pooled,
            "peak_mb": mem, "settled_s": settled, "kernels_left": left}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebook", default="01,02", help="notebook numbers, e.g. 01,02")
    parser.add_argument("--learners", default="1,5,10", help="class sizes K, e.g. 1,5,10")
    parser.add_argument("--clients", default="http,browser", help="http, browser or both")
    parser.add_argument("--setups", default="before,after",
                        help="before (no config, no cache), nocache (voila.json alone), after "
                        "(voila.json + warm cache), progressive (after, without pre-heated "
                        "kernels: progressive rendering)")
    parser.add_argument("--storm", type=int, default=0, help="also: one tab reloads N times")
    parser.add_argument("--storm-wait", type=float, default=180.0,
                        help="seconds to watch the kernels fall back after a storm")
    parser.add_argument("--pool", type=int, default=None,
                        help="override the size of voila.json's pre-heated pools")
    parser.add_argument("--timeout", type=float, default=300.0, help="per learner, seconds")
    parser.add_argument("--json", type=Path, help="write every row here")
    parser.add_argument("--cache", type=Path, help="warm this cache folder (kept: a second run "
                        "only checks it) instead of a new temporary one")
    args = parser.parse_args()
    if "browser" in args.clients and not os.access(CHROMIUM, os.X_OK):
        sys.exit(f"{CHROMIUM} is missing (apt-get install chromium), or use --clients http")
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} "
          f"on {os.cpu_count()} CPUs; {psutil.virtual_memory().available / 2**30:.1f} GB free")
    rows = []
    with (contextlib.nullcontext(str(args.cache)) if args.cache else
          tempfile.TemporaryDirectory(prefix="classroom-cache-")) as cache:
        if {"after", "progressive"} & set(args.setups.split(",")):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "bn_core.panels.warm"], check=True,
                           env={**os.environ, "BN_CORE_CACHE_DIR": cache, "MPLBACKEND": "Agg"},
                           capture_output=True)
            print(f"warmed the experiment cache in {time.perf_counter() - start:.1f} s")
        print("setup   nb K   client         p50    p95    max              p50    p95    max")
        for number in args.notebook.split(","):
            for client in args.clients.split(","):
                for k in (int(v) for v in args.learners.split(",")):
                    for setup in args.setups.split(","):  # before/after back to back
                        rows.append(run_row(setup, number, k, client, cache, args.timeout,
                                            args.pool))
            for setup in args.setups.split(",") if args.storm else ():
                rows.append(run_storm(setup, number, args.storm, cache, args.storm_wait))
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    for row in rows:
        for error in row.get("errors", [])[:2]:
            print(f"  {row['setup']} {row['notebook']} K={row['learners']}: {error}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
