// The report page: one self-contained report.html (inline CSS, plots as inline SVG, images
// as PNG data URLs) that opens offline. Every text from the caller is HTML-escaped.
import { join, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { renderPlotSvg, type PlotSpec } from './plots.js';
import { pngDataUrl } from './png.js';
import { environment, runFor, writeFileAtomic } from './run.js';

export type Cell = string | number | boolean | null;

export type ReportBlock =
  /** Prose; blank lines separate paragraphs. */
  | { kind: 'text'; text: string }
  /** Preformatted text (commands, configuration). */
  | { kind: 'code'; text: string }
  | { kind: 'plot'; spec: PlotSpec; caption?: string }
  | { kind: 'table'; columns: string[]; rows: Cell[][]; caption?: string }
  | { kind: 'keyValues'; entries: Record<string, Cell> | [string, Cell][]; caption?: string }
  /** A PNG file's bytes (see encodePng, imageGrid). */
  | { kind: 'image'; png: Uint8Array; alt: string; caption?: string }
  /** Inline SVG markup made by glassbox (e.g. a drawing with <title> hover labels); no scripts or outside resources. */
  | { kind: 'svg'; markup: string; caption?: string };

export interface ReportSection {
  title: string;
  blocks: ReportBlock[];
}

export interface ReportContent {
  title: string;
  intro?: string;
  sections: ReportSection[];
}

export const text = (t: string): ReportBlock => ({ kind: 'text', text: t });
export const code = (t: string): ReportBlock => ({ kind: 'code', text: t });
export const plot = (spec: PlotSpec, caption?: string): ReportBlock => ({ kind: 'plot', spec, caption });
export const table = (columns: string[], rows: Cell[][], caption?: string): ReportBlock => ({ kind: 'table', columns, rows, caption });
export const keyValues = (entries: Record<string, Cell> | [string, Cell][], caption?: string): ReportBlock => ({
  kind: 'keyValues',
  entries,
  caption,
});
export const image = (png: Uint8Array, alt: string, caption?: string): ReportBlock => ({ kind: 'image', png, alt, caption });
export const svg = (markup: string, caption?: string): ReportBlock => ({ kind: 'svg', markup, caption });

/** Refuses SVG that could run code or load anything from outside the page. */
function checkedSvg(markup: string): string {
  const m = markup.trim();
  if (!/^<svg[\s>]/.test(m) || !m.endsWith('</svg>')) throw new Error('report svg block: markup must be one <svg> element');
  const bad = [/<script/i, /<foreignObject/i, /\son[a-z]+\s*=/i, /(?:xlink:)?href\s*=\s*["'](?!#)/i, /url\(\s*["']?(?!#)/i];
  const hit = bad.find((re) => re.test(m));
  if (hit) throw new Error(`report svg block: markup contains ${hit.source} (scripts, event handlers and outside resources are not allowed)`);
  return m;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** A number as a table shows it: integers whole, others to 4 significant digits. */
export function formatCell(v: Cell): string {
  if (v === null) return '—';
  if (typeof v !== 'number') return String(v);
  if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

const CSS = `
:root { color-scheme: light; --fg: #1d2329; --muted: #5b6670; --line: #d9dee3; --accent: #2f6db5; --bg-alt: #f5f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #fff; }
main { max-width: 980px; margin: 0 auto; padding: 28px 24px 64px; }
h1 { font-size: 1.7em; margin: 0 0 6px; }
h2 { font-size: 1.25em; margin: 36px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
p { margin: 8px 0; }
.meta { color: var(--muted); font-size: 0.88em; }
nav { margin: 16px 0; padding: 10px 14px; background: var(--bg-alt); border-radius: 6px; font-size: 0.92em; }
nav a { color: var(--accent); text-decoration: none; margin-right: 14px; white-space: nowrap; }
figure { margin: 14px 0; }
figcaption { color: var(--muted); font-size: 0.88em; margin-top: 4px; }
figure svg { max-width: 100%; height: auto; }
img.grid { image-rendering: pixelated; max-width: 100%; border: 1px solid var(--line); }
table { border-collapse: collapse; margin: 6px 0; font-size: 0.92em; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: var(--bg-alt); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.kv th { background: none; font-weight: 500; color: var(--muted); }
pre { background: var(--bg-alt); padding: 10px 12px; border-radius: 6px; overflow-x: auto; font-size: 0.88em; }
footer { margin-top: 48px; color: var(--muted); font-size: 0.82em; }
`;

function cellHtml(v: Cell): string {
  const cls = typeof v === 'number' ? ' class="num"' : '';
  return `<td${cls}>${escapeHtml(formatCell(v))}</td>`;
}

function caption(c: string | undefined): string {
  return c ? `<figcaption>${escapeHtml(c)}</figcaption>` : '';
}

async function blockHtml(block: ReportBlock): Promise<string> {
  switch (block.kind) {
    case 'text':
      return block.text
        .split(/\n\s*\n/)
        .filter((p) => p.trim())
        .map((p) => `<p>${escapeHtml(p.trim())}</p>`)
        .join('\n');
    case 'code':
      return `<pre>${escapeHtml(block.text)}</pre>`;
    case 'plot':
      return `<figure>${await renderPlotSvg(block.spec)}${caption(block.caption)}</figure>`;
    case 'table': {
      block.rows.forEach((row, i) => {
        if (row.length !== block.columns.length) {
          throw new Error(`report table: row ${i} has ${row.length} cells for ${block.columns.length} columns`);
        }
      });
      const head = `<tr>${block.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
      const body = block.rows.map((row) => `<tr>${row.map(cellHtml).join('')}</tr>`).join('\n');
      return `<figure><table><thead>${head}</thead><tbody>${body}</tbody></table>${caption(block.caption)}</figure>`;
    }
    case 'keyValues': {
      const entries = Array.isArray(block.entries) ? block.entries : Object.entries(block.entries);
      const body = entries.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th>${cellHtml(v)}</tr>`).join('\n');
      return `<figure><table class="kv"><tbody>${body}</tbody></table>${caption(block.caption)}</figure>`;
    }
    case 'image':
      return `<figure><img class="grid" src="${pngDataUrl(block.png)}" alt="${escapeHtml(block.alt)}">${caption(block.caption)}</figure>`;
    case 'svg':
      return `<figure>${checkedSvg(block.markup)}${caption(block.caption)}</figure>`;
    default: {
      const unknown = block as { kind?: unknown };
      throw new Error(`report: unknown block kind ${JSON.stringify(unknown.kind)}`);
    }
  }
}

/** Renders the whole page as a string. `outDir`, when given, adds the run's command and seed to the header. */
export async function renderReportHtml(content: ReportContent, outDir?: string): Promise<string> {
  const run = outDir ? runFor(outDir) : null;
  const env = environment();
  const ids = content.sections.map((s, i) => `s${i + 1}-${s.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`);
  const sections: string[] = [];
  for (const [i, s] of content.sections.entries()) {
    const blocks: string[] = [];
    for (const b of s.blocks) blocks.push(await blockHtml(b));
    sections.push(`<section id="${ids[i]}">\n<h2>${escapeHtml(s.title)}</h2>\n${blocks.join('\n')}\n</section>`);
  }
  const metaParts = [
    `generated ${new Date().toISOString()}`,
    run ? `command: ${run.command.join(' ')}` : null,
    run && run.seed !== null ? `seed ${run.seed}` : null,
  ].filter((x): x is string => x !== null);
  const nav =
    content.sections.length > 1
      ? `<nav>${content.sections.map((s, i) => `<a href="#${ids[i]}">${escapeHtml(s.title)}</a>`).join('')}</nav>`
      : '';
  const backend = env.backend ? `${env.backend.name} backend` : 'backend not initialised';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(content.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${escapeHtml(content.title)}</h1>
<p class="meta">${escapeHtml(metaParts.join(' · '))}</p>
${content.intro ? (await blockHtml({ kind: 'text', text: content.intro })) : ''}
${nav}
${sections.join('\n')}
<footer>glassbox ${escapeHtml(env.versions.glassbox)} · ${escapeHtml(backend)} · node ${escapeHtml(env.versions.node)} · ${env.machine.cpus} × ${escapeHtml(env.machine.cpuModel)}</footer>
</main>
</body>
</html>
`;
}

/** Writes DIR/report.html atomically and returns its path. */
export async function writeReport(outDir: string, content: ReportContent): Promise<string> {
  const html = await renderReportHtml(content, outDir);
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'report.html');
  writeFileAtomic(path, html);
  return path;
}
