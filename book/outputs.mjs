// A mystmd plugin (myst.yml, project.plugins): the notebooks are stored without outputs, so plain
// `jupyter book build --html` would give pages without figures. For each notebook page whose code
// cells were not run (built without --execute), this gives them their outputs from one Python run for the
// whole build, `tools/book_outputs.py`: it warms the cache, then runs every notebook in a kernel
// that first calls bn_core.ui.book.install() (each widget gets a static HTML form, each figure
// its stored first picture). The Python is $BN_BOOK_PYTHON, else the repository's .venv, else
// python3 on PATH. With --execute, mystmd's own outputs are kept as they are.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCRIPT = path.join(ROOT, 'tools', 'book_outputs.py');
const CODE_CELL = 'notebook-code';
// `--execute`: mystmd ran the cells itself (a few cells keep their outputs in git, for nbval)
const EXECUTED = process.argv.includes('--execute');

function python() {
  const venv = path.join(ROOT, '.venv', 'bin', 'python');
  return process.env.BN_BOOK_PYTHON || (existsSync(venv) ? venv : 'python3');
}

// notebook paths -> {path: [{source, outputs}, ...] per code cell}, from one Python process
function runNotebooks(paths) {
  const dir = mkdtempSync(path.join(tmpdir(), 'bn-book-outputs-'));
  const out = path.join(dir, 'outputs.json');
  return new Promise((resolve, reject) => {
    const proc = spawn(python(), [SCRIPT, '--out', out, ...paths],
      { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    proc.on('error', reject);
    proc.on('close', (code) => {
      try {
        if (code) throw new Error(`${SCRIPT} failed (exit ${code}): see its messages above`);
        resolve(JSON.parse(readFileSync(out, 'utf8')));
      } catch (error) {
        reject(error);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

// The first page asks for every notebook of the series at once (one warm-up, kernels in
// parallel); a notebook outside notebooks/ gets a run of its own.
let series = null;
function outputsFor(file) {
  const notebooks = path.join(ROOT, 'notebooks');
  if (path.dirname(path.resolve(file)) !== notebooks) return runNotebooks([file]).then((r) => r[file]);
  series ??= runNotebooks([notebooks]);
  return series.then((r) => r[path.resolve(file)]);
}

const fillOutputs = {
  name: 'bn-notebook-outputs',
  doc: 'Runs the notebooks (tools/book_outputs.py) and fills the outputs of their code cells.',
  stage: 'document',
  plugin: (_, utils) => async (tree, vfile) => {

    if (!vfile.path?.endsWith('.ipynb')) return;
    const blocks = utils.selectAll(`block[kind=${CODE_CELL}]`, tree);
    const outputs = blocks.map((b) => utils.select('outputs', b));
    if (!blocks.length || EXECUTED) return;
    const cells = await outputsFor(vfile.path);
    const sources = blocks.map((b) => utils.select('code', b)?.value ?? '');
    if (!cells || cells.length !== blocks.length
        || cells.some((c, i) => c.source.trim() !== sources[i].trim())) {
      throw new Error(`${vfile.path}: its code cells differ from the notebook that was run`);
    }
    cells.forEach((cell, i) => {
      const node = outputs[i];
      if (!node) return;
      node.children = cell.outputs.map((data, k) => ({
        type: 'output', children: [], jupyter_data: data,
        identifier: node.identifier ? `${node.identifier}-${k}` : undefined,
      }));
    });
  },
};

export default { name: 'bn-notebooks outputs', transforms: [fillOutputs] };
