// The book's offline theme: a web server that mystmd starts (template.yml) and asks for each page;
// it renders the page's MyST AST (from mystmd's content server) to plain HTML. No packages, no
// request leaves this machine, and the pages load nothing from the internet.
import http from 'node:http';
import { readFileSync } from 'node:fs';

const { PORT = '3000', HOST = 'localhost', CONTENT_CDN_PORT = '3100' } = process.env;
const BASE = (process.env.BASE_URL || '').replace(/\/$/, '');
const CDN = `http://${HOST}:${CONTENT_CDN_PORT}`;
const CSS = readFileSync(new URL('./public/book.css', import.meta.url), 'utf8');
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const STATIC = process.env.MODE === 'static';  // `build --html`: public files end up in /build
const url = (u) => (u && u.startsWith('/') && !u.startsWith('//') ? BASE + u : u);

const getJson = async (path) => {
  const res = await fetch(CDN + path);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
};

// MIME types of a notebook output, best first.
const IMAGES = ['image/svg+xml', 'image/png', 'image/jpeg', 'image/gif'];

function outputHtml(o) {
  const j = o.jupyter_data ?? o.data ?? {};
  if (j.output_type === 'stream') return `<pre class="bn-stream">${esc(j.text)}</pre>`;
  if (j.output_type === 'error') {
    const tb = (j.traceback ?? []).join('\n').replace(/\x1b\[[0-9;]*m/g, '');
    return `<pre class="bn-error">${esc(tb || `${j.ename}: ${j.evalue}`)}</pre>`;
  }
  const data = j.data ?? {};
  for (const mime of IMAGES) {
    const v = data[mime];
    if (!v) continue;
    const src = v.path ? url((STATIC ? '/build' : '') + v.path) : `data:${mime};base64,${v.content ?? v}`;
    const alt = (data['text/plain']?.content ?? data['text/plain'] ?? 'a figure').toString();
    return `<img class="bn-output-image" src="${esc(src)}" alt="${esc(alt)}">`;
  }
  const text = (m) => (data[m] ? data[m].content ?? data[m] : null);
  if (text('text/html') != null) return `<div class="bn-output-html">${[].concat(text('text/html')).join('')}</div>`;
  if (o.children?.length) return render(o.children);
  if (text('text/plain') != null) return `<pre class="bn-output-text">${esc([].concat(text('text/plain')).join(''))}</pre>`;
  return '';
}

const EXERCISE = /^# EXERCISE/m;
const LIVE_NOTE =
  '<p class="bn-live-note">This exercise runs live: open the notebook with a launch button ' +
  'above (JupyterLab on Binder, or Colab), write your code in this cell and run its check.</p>';

function render(nodes) {
  return (nodes ?? []).map(node).join('');
}

function node(n) {
  const kids = () => render(n.children);
  switch (n.type) {
    case 'text': return esc(n.value);
    case 'paragraph': return `<p>${kids()}</p>`;
    case 'heading': return `<h${n.depth} id="${esc(n.html_id ?? n.identifier ?? '')}">${kids()}</h${n.depth}>`;
    case 'emphasis': return `<em>${kids()}</em>`;
    case 'strong': return `<strong>${kids()}</strong>`;
    case 'delete': return `<del>${kids()}</del>`;
    case 'inlineCode': return `<code>${esc(n.value)}</code>`;
    case 'break': return '<br>';
    case 'thematicBreak': return '<hr>';
    case 'blockquote': return `<blockquote>${kids()}</blockquote>`;
    case 'list': return n.ordered ? `<ol start="${n.start ?? 1}">${kids()}</ol>` : `<ul>${kids()}</ul>`;
    case 'listItem': return `<li>${kids()}</li>`;
    case 'table': return `<table>${kids()}</table>`;
    case 'tableRow': return `<tr>${kids()}</tr>`;
    case 'tableCell': return n.header ? `<th>${kids()}</th>` : `<td>${kids()}</td>`;
    case 'link': case 'crossReference': {
      const href = n.type === 'link' ? url(n.url) : `#${n.html_id ?? n.identifier ?? ''}`;
      return `<a href="${esc(href)}">${kids()}</a>`;
    }
    case 'image': return `<img src="${esc(url(n.url))}" alt="${esc(n.alt ?? '')}">`;
    case 'html': return n.value ?? '';
    case 'math': case 'inlineMath': {
      const mathml = (n.html ?? '').match(/<math[\s\S]*<\/math>/);
      const tag = n.type === 'math' ? 'div' : 'span';
      return `<${tag} class="bn-${n.type}">${mathml ? mathml[0] : esc(n.value)}</${tag}>`;
    }
    case 'code': {
      const note = n.executable && EXERCISE.test(n.value ?? '') ? LIVE_NOTE : '';
      return `${note}<pre class="bn-code"><code>${esc(n.value)}</code></pre>`;
    }
    case 'outputs': return n.children?.length ? `<div class="bn-outputs">${n.children.map(outputHtml).join('')}</div>` : '';
    case 'output': return outputHtml(n);
    case 'block': return `<section class="bn-cell bn-${esc(n.kind ?? 'block')}">${kids()}</section>`;
    case 'admonition': return `<aside class="bn-admonition">${kids()}</aside>`;
    case 'footnoteReference': return `<sup>${esc(n.enumerator ?? n.label)}</sup>`;
    default: return kids();
  }
}

function launchLinks(config, page) {
  const gh = (config.projects?.[0]?.github ?? '').replace(/^https:\/\/github\.com\//, '').replace(/\/$/, '');
  const file = (page.location ?? '').replace(/^\//, '');
  if (!gh || !file.endsWith('.ipynb')) return '';
  const binder = (path) => `https://mybinder.org/v2/gh/${gh}/HEAD?urlpath=${encodeURIComponent(path)}`;
  const links = [
    ['Run live in JupyterLab (Binder)', binder(`lab/tree/${file}`)],
    ['Run as an app (Voila on Binder)', binder(`voila/render/${file}`)],
    ['Open in Colab', `https://colab.research.google.com/github/${gh}/blob/HEAD/${file}`],
  ];
  return `<nav class="bn-launch" aria-label="run this notebook">${links
    .map(([label, href]) => `<a class="bn-launch-link" href="${esc(href)}">${label}</a>`).join('')}</nav>`;
}

function pageHtml(config, page, slug) {
  const project = config.projects?.[0] ?? {};
  const pages = [{ slug: project.index, title: project.title ?? 'Home' }].concat(project.pages ?? []);
  // index page title: the title of its content
  pages[0].title = slug === project.index ? page.frontmatter?.title ?? pages[0].title : pages[0].title;
  const href = (s) => url(s === project.index ? '/' : `/${s}`);
  const here = pages.findIndex((p) => p.slug === slug);
  const nav = pages.map((p) => `<li${p.slug === slug ? ' aria-current="page"' : ''}><a href="${href(p.slug)}">${esc(p.title)}</a></li>`).join('');
  const prev = here > 0 ? `<a rel="prev" href="${href(pages[here - 1].slug)}">&larr; ${esc(pages[here - 1].title)}</a>` : '<span></span>';
  const next = here >= 0 && here < pages.length - 1 ? `<a rel="next" href="${href(pages[here + 1].slug)}">${esc(pages[here + 1].title)} &rarr;</a>` : '';
  const title = page.frontmatter?.title ?? slug;
  const site = config.title ?? project.title ?? '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · ${esc(site)}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="${url('/myst-theme.css')}"></head>
<body><header class="bn-header"><a href="${url('/')}">${esc(site)}</a></header>
<div class="bn-layout"><nav class="bn-toc" aria-label="notebooks"><ol>${nav}</ol></nav>
<main><h1>${esc(title)}</h1>${launchLinks(config, page)}${render(page.mdast?.children)}
<nav class="bn-pager">${prev}${next}</nav></main></div></body></html>`;
}

// Large outputs are kept by mystmd as files ({path}); HTML ones are put back into the page.
async function inlineHtmlFiles(n) {
  const html = n.jupyter_data?.data?.['text/html'];
  if (html?.path && html.content == null) {
    const res = await fetch(CDN + html.path);
    html.content = res.ok ? await res.text() : '';
  }
  await Promise.all((n.children ?? []).map(inlineHtmlFiles));
}

async function handle(req, res) {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(BASE, '') || '/';
  const send = (status, type, body) => { res.writeHead(status, { 'content-type': type }); res.end(body); };
  if (path === '/myst-theme.css') return send(200, 'text/css', CSS);
  if (path === '/robots.txt') return send(200, 'text/plain', 'User-agent: *\nAllow: /\n');
  if (path === '/sitemap.xml') return send(200, 'application/xml', '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>');
  if (path === '/sitemap_style.xsl') return send(200, 'application/xml', '<?xml version="1.0"?><xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"/>');
  if (path === '/favicon.ico') return send(200, 'image/x-icon', Buffer.alloc(0));
  const config = await getJson('/config.json');
  const index = config.projects?.[0]?.index ?? 'index';
  if (path.endsWith('.json')) return send(200, 'application/json', JSON.stringify(await getJson(`/content${path}`)));
  const slug = path === '/' ? index : path.replace(/^\/|\/$/g, '');
  const page = await getJson(`/content/${slug}.json`);
  await inlineHtmlFiles(page.mdast ?? {});
  return send(200, 'text/html; charset=utf-8', pageHtml(config, page, slug));
}

http.createServer((req, res) => handle(req, res).catch((err) => {
  console.error(`theme: ${req.url}: ${err.message}`);
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end(String(err.message));
})).listen(Number(PORT), () => console.log(`book theme on http://localhost:${PORT}`));
