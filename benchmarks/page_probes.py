"""What benchmarks/slider_latency.py runs in the page: JavaScript that times a tap (keydown -> the
new figure's pixels), finds the sliders and their figures, and notes when a figure's message
arrives over the kernel's websocket (so a tap's time splits into kernel + server + socket, and the
browser's part: decoding and painting the image)."""

# Before any page script: note when a message big enough to hold a figure (>= 8 KB: the images are
# 30-100 KB, the other messages of a tap < 1 KB) arrives on any websocket.
WS_PROBE = """(() => {
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (!this.__bnProbe) {
      this.__bnProbe = true;
      this.addEventListener('message', (e) => {
        const size = e.data.byteLength ?? e.data.length ?? e.data.size ?? 0;
        if (size >= 8192 && window.__bigMessage === undefined) {
          window.__bigMessage = performance.now();
        }
      });
    }
    return send.call(this, data);
  };
})();"""

# Arm one measurement: the next keydown on `handle` starts the clock, the painted new src stops it.
ARM = """([handle, figure, timeoutMs]) => {
  const before = document.querySelector(figure)?.src;
  window.__latency = undefined;
  window.__bigMessage = undefined;  // WS_PROBE: when the next figure's message arrives
  document.querySelector(handle).addEventListener('keydown', () => {
    const t0 = performance.now();
    const poll = () => {
      const img = document.querySelector(figure);  // interact replaces the <img>: look it up again
      if (img && img.src !== before) {
        const seen = performance.now() - t0;  // kernel + websocket + widget view
        img.decode().then(() => requestAnimationFrame(() => {
          window.__latency = [performance.now() - t0, seen, (window.__bigMessage ?? NaN) - t0]; }),
          () => { window.__latency = -1; });
      } else if (performance.now() - t0 > timeoutMs) {
        window.__latency = null;
      } else {
        requestAnimationFrame(poll);
      }
    };
    requestAnimationFrame(poll);
  }, {capture: true, once: true});
}"""

# Mark every slider that has a widget image (a LiveFigure) in its cell, or after it on the page.
TAG = """() => {
  const images = [...document.querySelectorAll('img.widget-image')];
  const found = [];
  document.querySelectorAll('.bn-slider').forEach((slider, i) => {
    const handle = slider.querySelector('input[type=range]');
    if (!handle) return;
    const cell = slider.closest('.jp-Cell, [cell-index]');  // Lab, Voila
    const img = (cell && cell.querySelector('img.widget-image')) || images.find(
      e => slider.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING);
    if (!img) return;
    handle.dataset.benchSlider = i;
    img.dataset.benchFigure = img.dataset.benchFigure || i;
    const label = slider.querySelector('.widget-label')?.textContent.trim() || `slider ${i}`;
    const figure = `[data-bench-figure="${img.dataset.benchFigure}"]`;
    found.push([label, `[data-bench-slider="${i}"]`, figure]);
  });
  return found;
}"""

# Burst: note the time of every keydown on `handle` and of every change of a figure image's src.
BURST_ARM = """([handle]) => {
  const log = window.__burst = {keys: [], changes: []};
  document.querySelector(handle).addEventListener('keydown', () => log.keys.push(performance.now()),
                                                   {capture: true});
  const seen = new Map([...document.querySelectorAll('img.widget-image')].map(e => [e, e.src]));
  const poll = () => {
    if (window.__burst !== log) return;  // the next burst took over
    document.querySelectorAll('img.widget-image').forEach(e => {
      if (seen.get(e) !== e.src) { seen.set(e, e.src); log.changes.push(performance.now()); }
    });
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
}"""
QUIET_MS = 2000
# A LiveRun still training (its readout says so): the burst has not settled, however long the
# pause between two frames on a busy machine.
TRAINING = """() => [...document.querySelectorAll('.bn-run-readout')]
  .some(e => e.textContent.includes('(training)'))"""
