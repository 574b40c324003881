// The front end of bn_core.ui.slider: a <label> tied to a native <input type="range"> (its
// accessible name), aria-valuetext "description value", and a readout, in ipywidgets' slider row
// style. The input works in positions: the value itself (linear), its exponent (log), or the index
// of an option (select). Arrow keys move one step, Home / End to the ends, PageUp / PageDown
// (the browser's own range behaviour).

// d3-format's subset that the series uses: "d", ".2f", ".3g", ".1e"; a unicode minus like d3's.
function format(x, spec) {
  const m = /(?:\.(\d+))?([dfge])?$/.exec(spec || "") || [];
  const digits = m[1] === undefined ? 6 : Number(m[1]);
  const kind = m[2] || "g";
  let text = kind === "d" ? String(Math.round(x))
    : kind === "f" ? x.toFixed(digits)
    : kind === "e" ? x.toExponential(digits) : x.toPrecision(Math.max(digits, 1));
  if (Number(text) === 0) text = text.replace("-", "");  // no "-0.00"
  return text.replace("-", "\u2212");
}

// For each kind: the input's [min, max, step], the position of a value, the value at a position,
// the synced trait that holds the value, and the text of a value.
const KINDS = {
  linear: {
    range: (m) => [m.get("min"), m.get("max"), m.get("step")],
    position: (m, v) => v,
    value: (m, p) => p,
    key: "value",
    text: (m, v) => format(v, m.get("readout_format")),
  },
  log: {
    range: (m) => [m.get("min"), m.get("max"), m.get("step")],
    position: (m, v) => Math.log(v) / Math.log(m.get("base")),
    value: (m, p) => m.get("base") ** p,
    key: "value",
    text: (m, v) => format(v, m.get("readout_format")),
  },
  select: {
    range: (m) => [0, m.get("_labels").length - 1, 1],
    position: (m, v) => v,
    value: (m, p) => Math.round(p),
    key: "index",
    text: (m, v) => String(m.get("_labels")[v] ?? ""),
  },
};

// A page-wide counter for the input's id (the <label for=...>): anywidget evaluates this module
// once per widget, so a module-level counter would start at 0 for each slider, and two sliders
// drawn in the same millisecond got the same id (the second one then had no name).
function nextId() {
  globalThis.__bnSliderCount = (globalThis.__bnSliderCount || 0) + 1;
  return `bn-slider-${globalThis.__bnSliderCount}`;
}

function render({ model, el }) {
  const kind = KINDS[model.get("_kind")];
  const id = nextId();
  el.classList.add("widget-inline-hbox", "bn-slider");
  const label = document.createElement("label");
  label.className = "widget-label";
  label.htmlFor = id;
  const input = document.createElement("input");
  input.type = "range";
  input.id = id;
  // JupyterLab binds ArrowLeft / ArrowRight (and A, B, D D...) to notebook commands while an
  // element that is not a text field has the focus: the keys belong to the slider here (Lumino
  // matches no shortcut for an event from an element with this attribute).
  input.setAttribute("data-lm-suppress-shortcuts", "true");
  const readout = document.createElement("span");
  readout.className = "widget-readout";
  readout.setAttribute("aria-hidden", "true");  // said by aria-valuetext
  el.append(label, input, readout);

  const show = (value) => {  // the readout and what a screen reader says
    const text = kind.text(model, value);
    readout.textContent = text;
    input.setAttribute("aria-valuetext", `${model.get("description")} ${text}`.trim());
  };
  const draw = () => {
    const [lo, hi, step] = kind.range(model);
    Object.assign(input, { min: lo, max: hi, step: step });
    input.value = kind.position(model, model.get(kind.key));
    input.disabled = model.get("disabled");
    label.textContent = model.get("description");
    label.title = model.get("description");
    const width = model.get("description_width");
    label.style.width = width === "initial" ? "auto" : width;
    label.style.minWidth = width === "initial" ? "max-content" : "";
    el.title = model.get("tooltip") || "";
    show(model.get(kind.key));  // as given (a log slider's 0.5, not 10 ** -0.3)
  };
  const save = () => {
    model.set(kind.key, kind.value(model, Number(input.value)));
    model.save_changes();
  };
  input.addEventListener("input", () => {  // each step of a drag, each key
    show(kind.value(model, Number(input.value)));
    if (model.get("continuous_update")) save();
  });
  input.addEventListener("change", () => {  // the drag ends, or a key
    if (!model.get("continuous_update")) save();
  });
  const names = ["value", "index", "min", "max", "step", "base", "_labels", "description",
                 "description_width", "disabled", "readout_format", "tooltip"];
  const events = names.map((n) => `change:${n}`).join(" ");
  model.on(events, draw);
  draw();
  return () => model.off(events, draw);
}

export default { render };
