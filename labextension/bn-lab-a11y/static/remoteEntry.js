/* bn-lab-a11y: a hand-written prebuilt ("federated") JupyterLab 4 extension, no build step.
 *
 * JupyterLab loads static/remoteEntry.js (package.json: jupyterlab._build.load), then calls
 * window._JUPYTERLAB["bn-lab-a11y"].init(shareScope) and .get("./extension"), whose factory
 * returns a module {default: plugin}. The plugin shares no module with Lab (plain DOM), so init
 * has nothing to do.
 *
 * What it fixes (axe-core serious violations of JupyterLab 4.6's own markup, seen on every
 * notebook; upstream: jupyterlab/jupyterlab#16891, #16890, #14765, PR #18127):
 *   aria-input-field-name   each cell's CodeMirror editor (.cm-content, role textbox) has no
 *                           name: it gets "Code cell 3 input" (cell number in the notebook).
 *   aria-required-children  the cell list is role="feed", whose children must be articles:
 *                           every cell in it becomes role="article" (the ARIA feed pattern).
 *   button-name             a heading's collapse button is empty: it gets "Section: <heading>"
 *                           and aria-expanded (false while the section is collapsed).
 *   aria-allowed-attr       <jp-button> hosts carry aria-pressed, not allowed on their role: it
 *                           moves to the real <button> in the host's shadow DOM, and only for a
 *                           button that has ever been pressed (a toggle: Tree View, Debugger);
 *                           a plain button is then announced as a button, not a toggle.
 * A MutationObserver keeps this true as cells are added, moved, rendered and re-rendered.
 */
var _JUPYTERLAB;
(function () {
  'use strict';
  var NAME = 'bn-lab-a11y';
  var KINDS = { 'jp-CodeCell': 'Code', 'jp-MarkdownCell': 'Markdown', 'jp-RawCell': 'Raw' };
  var toggles = new WeakSet(); // jp-button hosts seen with aria-pressed="true"

  function set(el, name, value) {
    if (el.getAttribute(name) !== value) el.setAttribute(name, value);
  }

  function cellKind(cell) {
    for (var cls in KINDS) if (cell.classList.contains(cls)) return KINDS[cls];
    return 'Notebook';
  }

  function fixCells(root) {
    var notebooks = root.querySelectorAll('.jp-Notebook');
    for (var n = 0; n < notebooks.length; n++) {
      var cells = notebooks[n].querySelectorAll('.jp-Notebook-cell');
      for (var i = 0; i < cells.length; i++) {
        var cell = cells[i];
        // windowed notebooks attach only some cells: their index is in data-windowed-list-index
        var index = cell.getAttribute('data-windowed-list-index');
        var number = index === null ? i + 1 : Number(index) + 1;
        var editors = cell.querySelectorAll('.jp-Cell-inputArea .cm-content');
        for (var e = 0; e < editors.length; e++) {
          set(editors[e], 'aria-label', cellKind(cell) + ' cell ' + number + ' input');
        }
        var parent = cell.parentElement;
        if (parent && parent.getAttribute('role') === 'feed' && !cell.hasAttribute('role')) {
          cell.setAttribute('role', 'article');
        }
      }
    }
  }

  function headingText(button) {
    var cell = button.closest('.jp-Cell');
    var heading = cell && cell.querySelector('.jp-RenderedMarkdown h1, .jp-RenderedMarkdown h2,'
      + ' .jp-RenderedMarkdown h3, .jp-RenderedMarkdown h4, .jp-RenderedMarkdown h5,'
      + ' .jp-RenderedMarkdown h6');
    if (!heading) return 'heading';
    var text = '';
    heading.childNodes.forEach(function (node) {  // not the anchor link's pilcrow
      if (!(node.classList && node.classList.contains('jp-InternalAnchorLink'))) {
        text += node.textContent;
      }
    });
    return text.trim() || 'heading';
  }

  function fixCollapseButton(button) {
    set(button, 'aria-label', 'Section: ' + headingText(button));
    set(button, 'aria-expanded', button.classList.contains('jp-mod-collapsed') ? 'false' : 'true');
  }

  function moveAriaPressed(host) {
    var value = host.getAttribute('aria-pressed');
    if (value === null) return;
    host.removeAttribute('aria-pressed');
    if (value === 'true') toggles.add(host);
    if (!toggles.has(host)) return;
    // the host's template re-renders its inner button on the next frame: write after that
    requestAnimationFrame(function () {
      setTimeout(function () {
        var inner = host.shadowRoot && host.shadowRoot.querySelector('button');
        if (inner) set(inner, 'aria-pressed', value);
      }, 0);
    });
  }

  var collapseObserver = new MutationObserver(function (records) {
    records.forEach(function (r) { fixCollapseButton(r.target); });
  });
  var watched = new WeakSet();

  function fixAll(root) {
    fixCells(root);
    root.querySelectorAll('.jp-collapseHeadingButton').forEach(function (button) {
      fixCollapseButton(button);
      if (!watched.has(button)) {  // its class says collapsed or not
        watched.add(button);
        collapseObserver.observe(button, { attributes: true, attributeFilter: ['class'] });
      }
    });
    root.querySelectorAll('jp-button[aria-pressed]').forEach(moveAriaPressed);
  }

  function start() {
    var scheduled = false;
    var observer = new MutationObserver(function () {
      if (scheduled) return;  // one pass per burst of mutations (outputs stream in bursts)
      scheduled = true;
      setTimeout(function () {
        scheduled = false;
        fixAll(document.body);
      }, 0);
    });
    observer.observe(document.body, {
      childList: true, subtree: true, attributes: true, attributeFilter: ['aria-pressed']
    });
    fixAll(document.body);
  }

  var plugin = {
    id: NAME + ':plugin',
    description: 'Accessible names and roles for cell editors, heading and toolbar buttons.',
    autoStart: true,
    activate: function () { start(); }
  };
  var module = { __esModule: true, default: plugin };

  _JUPYTERLAB = typeof _JUPYTERLAB === 'undefined' ? {} : _JUPYTERLAB;
  _JUPYTERLAB[NAME] = {
    init: function () { return Promise.resolve(); },
    get: function (request) {
      if (request === './extension') return Promise.resolve(function () { return module; });
      return Promise.reject(new Error('Module "' + request + '" does not exist in ' + NAME));
    }
  };
})();
