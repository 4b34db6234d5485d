import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import {
  createRun,
  writeResults,
  writeReport,
  escapeHtml,
  formatCell,
  lineChart,
  barChart,
  scatterPlot,
  heatmap,
  plot,
  table,
  keyValues,
  image,
  svg,
  text,
  encodePng,
  crc32,
  imageGrid,
  splitImages,
  progressBar,
  renderPlotSvg,
  type PlotSpec,
} from './index.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'glassbox-report-'));
const PYTHON = '/usr/bin/python3';

test('createRun makes the directory and refuses a path that is a file', () => {
  const dir = join(tmp(), 'a', 'b');
  const run = createRun(dir, { seed: 7, command: ['glassbox', 'x'] });
  assert.ok(existsSync(dir));
  assert.equal(run.seed, 7);
  const file = join(tmp(), 'file');
  writeFileSync(file, 'x');
  assert.throws(() => createRun(file), /exists and is not a directory/);
});

test('writeResults writes summary, run record, environment and timings atomically', () => {
  const dir = tmp();
  createRun(dir, { seed: 11, command: ['glassbox', 'tour', '--quick'] });
  writeResults(dir, { summary: { accuracy: 0.95, steps: 10 }, timings: { trainSeconds: 1.5 }, config: { lr: 0.001 } });
  assert.deepEqual(readdirSync(dir), ['results.json'], 'no temporary file is left behind');
  const doc = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
  assert.deepEqual(doc.summary, { accuracy: 0.95, steps: 10 });
  assert.deepEqual(doc.config, { lr: 0.001 });
  assert.equal(doc.timings.trainSeconds, 1.5);
  assert.ok(doc.timings.wallSeconds >= 0);
  assert.ok(doc.timings.cpuSeconds > 0);
  assert.equal(doc.run.seed, 11);
  assert.deepEqual(doc.run.command, ['glassbox', 'tour', '--quick']);
  assert.ok(Date.parse(doc.run.startedAt) <= Date.parse(doc.run.finishedAt));
  assert.equal(typeof doc.machine.cpus, 'number');
  assert.equal(doc.versions.node, process.versions.node);
  assert.match(doc.versions['tfjs-core'], /^\d+\.\d+\.\d+/);
  assert.throws(() => writeResults(dir, { summary: null as unknown as Record<string, unknown> }), /summary/);
});

test('report.html is self-contained: one inline svg per plot, png images, no scripts or remote loads', async () => {
  const dir = tmp();
  createRun(dir, { seed: 1 });
  const digit = new Float32Array(784).map((_, i) => (i % 28) / 27);
  const png = encodePng(imageGrid({ rows: [[digit, digit], [digit]], width: 28, height: 28 }));
  await writeReport(dir, {
    title: 'Test report',
    intro: 'First paragraph.\n\nSecond paragraph.',
    sections: [
      {
        title: 'Plots',
        blocks: [
          plot(lineChart({ series: [{ name: 'train', x: [0, 1, 2], y: [2, 1, 0.5] }, { name: 'validation', x: [0, 2], y: [2.2, 0.7] }], xTitle: 'step', yTitle: 'loss', logY: true })),
          plot(barChart({ categories: ['0', '1'], groups: [{ name: 'a', values: [1, 2] }, { name: 'b', values: [0.5, NaN] }], xTitle: 'class', yTitle: 'error' })),
          plot(scatterPlot({ points: [{ x: 1, y: 2 }, { x: 3, y: 4 }], xTitle: 'x', yTitle: 'y' })),
          plot(heatmap({ rowLabels: ['r0', 'r1'], columnLabels: ['c0', 'c1'], values: [[1, 2], [3, 4]], xTitle: 'c', yTitle: 'r', colorTitle: 'v' })),
        ],
      },
      { title: 'Numbers', blocks: [table(['name', 'value'], [['x', 1.23456], ['y', null]]), keyValues({ accuracy: 0.9512 }), image(png, 'digits'), text('done')] },
    ],
  });
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.match(html, /^<!DOCTYPE html>/);
  assert.equal((html.match(/<svg/g) ?? []).length, 4, 'one svg per plot');
  assert.equal((html.match(/<\/svg>/g) ?? []).length, 4);
  assert.equal((html.match(/data:image\/png;base64,/g) ?? []).length, 1);
  assert.ok(!/<script/i.test(html), 'no scripts');
  assert.ok(!/(src|href)\s*=\s*["']?(https?:)?\/\//i.test(html), 'no remote src/href');
  assert.ok(!/url\(\s*["']?https?:/i.test(html) && !/@import/i.test(html), 'no remote css');
  assert.ok(!/<link/i.test(html));
  // balanced structure
  for (const tag of ['html', 'body', 'main', 'section', 'table', 'figure', 'p']) {
    const open = (html.match(new RegExp(`<${tag}[\\s>]`, 'g')) ?? []).length;
    const close = (html.match(new RegExp(`</${tag}>`, 'g')) ?? []).length;
    assert.equal(open, close, `<${tag}> opened ${open} times, closed ${close}`);
  }
  assert.match(html, /<td class="num">1\.235<\/td>/);
  assert.match(html, /<p>Second paragraph\.<\/p>/);
  assert.match(html, /seed 1/);
  const parsed = checkHtmlWithPython(join(dir, 'report.html'));
  if (parsed === null) console.log(`# ${PYTHON} not found: skipping the independent HTML/SVG parse`);
  else assert.deepEqual(parsed, { svgs: 4, imgs: 1, problems: [] });
});

/** Parses the page with python's html.parser (tag nesting) and each svg with xml.etree (well-formed XML). */
function checkHtmlWithPython(path: string): { svgs: number; imgs: number; problems: string[] } | null {
  const script = `
import sys, re, json, xml.etree.ElementTree as ET
from html.parser import HTMLParser
VOID = {'meta', 'img', 'br', 'hr', 'input', 'link'}
problems, stack, counts = [], [], {'svg': 0, 'img': 0}
class P(HTMLParser):
    def handle_starttag(self, tag, attrs):
        if tag in counts: counts[tag] += 1
        if tag not in VOID: stack.append(tag)
    def handle_startendtag(self, tag, attrs):
        if tag in counts: counts[tag] += 1
    def handle_endtag(self, tag):
        if not stack or stack[-1] != tag: problems.append('unexpected </%s> with open %s' % (tag, stack[-3:]))
        else: stack.pop()
src = open(sys.argv[1], encoding='utf-8').read()
P().feed(src)
if stack: problems.append('unclosed %s' % stack)
for svg in re.findall(r'<svg.*?</svg>', src, re.S):
    try: ET.fromstring(svg)
    except ET.ParseError as e: problems.append('svg: %s' % e)
print(json.dumps({'svgs': counts['svg'], 'imgs': counts['img'], 'problems': problems}))
`;
  const r = spawnSync(PYTHON, ['-c', script, path], { encoding: 'utf8' });
  if (r.error) return null;
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('names cannot inject html: titles, cells, captions and plot labels are escaped', async () => {
  const dir = tmp();
  const evil = '<script>alert("x")</script>&';
  await writeReport(dir, {
    title: evil,
    sections: [
      {
        title: evil,
        blocks: [
          table([evil], [[evil]], evil),
          keyValues({ [evil]: evil }),
          plot(barChart({ title: evil, categories: [evil], groups: [{ name: evil, values: [1] }], xTitle: evil, yTitle: 'y' })),
          image(encodePng({ width: 1, height: 1, channels: 1, data: Uint8Array.of(0) }), evil, evil),
        ],
      },
    ],
  });
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.ok(!html.includes('<script'), 'no raw <script> anywhere');
  assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;'));
  assert.equal(escapeHtml(`a<b>"c'&`), 'a&lt;b&gt;&quot;c&#39;&amp;');
});

test('svg blocks are inlined with their hover titles; scripts, handlers and outside resources are refused', async () => {
  const dir = tmp();
  const drawing = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><line x1="0" y1="0" x2="9" y2="9"><title>A0.1-&gt;Resid End: 0.5</title></line></svg>';
  await writeReport(dir, { title: 'svg', sections: [{ title: 'Drawing', blocks: [svg(drawing, 'hover me')] }] });
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.ok(html.includes(drawing), 'the markup is inlined as given');
  assert.match(html, /<figcaption>hover me<\/figcaption>/);
  const hostile = [
    '<svg><script>alert(1)</script></svg>',
    '<svg><rect onclick="alert(1)"/></svg>',
    '<svg><image href="https://example.org/x.png"/></svg>',
    '<svg><rect style="fill:url(https://example.org/p)"/></svg>',
    '<div>not svg</div>',
  ];
  for (const markup of hostile) {
    await assert.rejects(writeReport(tmp(), { title: 'x', sections: [{ title: 'x', blocks: [svg(markup)] }] }), /report svg block/, markup);
  }
});

test('formatCell shows integers whole and other numbers to 4 significant digits', () => {
  assert.equal(formatCell(12345), '12345');
  assert.equal(formatCell(0.123456), '0.1235');
  assert.equal(formatCell(1.5e-7), '1.500e-7');
  assert.equal(formatCell(null), '—');
  assert.equal(formatCell(NaN), 'NaN');
});

test('plot helpers reject mismatched data with a clear error', () => {
  assert.throws(() => lineChart({ series: [{ name: 's', x: [1, 2], y: [1] }], xTitle: 'x', yTitle: 'y' }), /series "s" has 2 x values but 1 y values/);
  assert.throws(() => barChart({ categories: ['a'], groups: [{ name: 'g', values: [1, 2] }], xTitle: 'x', yTitle: 'y' }), /group "g"/);
  assert.throws(() => heatmap({ rowLabels: ['a'], columnLabels: ['b'], values: [[1, 2]], xTitle: 'x', yTitle: 'y', colorTitle: 'c' }), /row 0/);
});

test('plots that would load data or images from a URL are refused', async () => {
  const remote = { data: { url: 'https://example.com/x.json' }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' } } };
  await assert.rejects(renderPlotSvg(remote as PlotSpec), /must embed their data; spec\.data names the URL "https:\/\/example\.com\/x\.json"/);
  const layered = { layer: [{ data: { url: 'x.csv' }, mark: 'bar' }] };
  await assert.rejects(renderPlotSvg(layered as unknown as PlotSpec), /spec\.layer\[0\]\.data names the URL "x\.csv"/);
  const imageMark = { data: { values: [{ u: 'http://example.com/a.png', x: 1 }] }, mark: 'image', encoding: { url: { field: 'u', type: 'nominal' }, x: { field: 'x', type: 'quantitative' } } };
  const svg = await renderPlotSvg(imageMark as PlotSpec); // the loader refuses the image: an empty href
  assert.ok(!/href\s*=\s*["']https?:/i.test(svg), 'no external image reference');
});

test('crc32 matches the standard check value', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
});

/** Parses a PNG with python's zlib and struct (independent of our encoder) and returns its pixels. */
function decodeWithPython(png: Uint8Array): { width: number; height: number; colorType: number; pixels: number[] } | null {
  const script = `
import sys, struct, zlib, json, binascii
b = sys.stdin.buffer.read()
assert b[:8] == b'\\x89PNG\\r\\n\\x1a\\n', 'signature'
pos, idat, hdr = 8, b'', None
while pos < len(b):
    n, = struct.unpack('>I', b[pos:pos+4]); t = b[pos+4:pos+8]; d = b[pos+8:pos+8+n]
    crc, = struct.unpack('>I', b[pos+8+n:pos+12+n])
    assert crc == binascii.crc32(t + d) & 0xffffffff, 'crc of ' + t.decode()
    if t == b'IHDR': hdr = struct.unpack('>IIBBBBB', d)
    elif t == b'IDAT': idat += d
    elif t == b'IEND': break
    pos += 12 + n
w, h, depth, ct, _, _, _ = hdr
ch = 1 if ct == 0 else 3
raw = zlib.decompress(idat)
stride = w * ch
px = []
for y in range(h):
    assert raw[y*(stride+1)] == 0
    px += list(raw[y*(stride+1)+1:(y+1)*(stride+1)])
print(json.dumps({'width': w, 'height': h, 'colorType': ct, 'pixels': px}))
`;
  const r = spawnSync(PYTHON, ['-c', script], { input: png, encoding: 'utf8' });
  if (r.error) return null;
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('encodePng output decodes (python zlib/struct) to the same pixels, grayscale and RGB', (t) => {
  if (!existsSync(PYTHON)) {
    t.skip(`${PYTHON} not found: cannot cross-check the PNG encoder`);
    return;
  }
  const gray = Uint8Array.from({ length: 5 * 3 }, (_, i) => (i * 17) % 256);
  const g = decodeWithPython(encodePng({ width: 5, height: 3, channels: 1, data: gray }));
  assert.ok(g);
  assert.deepEqual([g.width, g.height, g.colorType], [5, 3, 0]);
  assert.deepEqual(g.pixels, Array.from(gray));
  const rgb = Uint8Array.from({ length: 2 * 4 * 3 }, (_, i) => (i * 31) % 256);
  const c = decodeWithPython(encodePng({ width: 2, height: 4, channels: 3, data: rgb }));
  assert.ok(c);
  assert.deepEqual([c.width, c.height, c.colorType], [2, 4, 2]);
  assert.deepEqual(c.pixels, Array.from(rgb));
});

test('encodePng rejects inconsistent sizes', () => {
  assert.throws(() => encodePng({ width: 2, height: 2, channels: 1, data: new Uint8Array(3) }), /expected 4 bytes/);
  assert.throws(() => encodePng({ width: 0, height: 2, channels: 1, data: new Uint8Array(0) }), /positive integers/);
});

test('imageGrid places scaled images with gaps, clamping values into range', () => {
  const a = Float32Array.of(0, 1, 0.5, 2); // 2x2; 2 clamps to white
  const b = Float32Array.of(-1, 0, 0, 0);
  const g = imageGrid({ rows: [[a, b]], width: 2, height: 2, scale: 2, gap: 1, background: 128 });
  assert.equal(g.width, 2 * 4 + 3 * 1);
  assert.equal(g.height, 4 + 2);
  const at = (x: number, y: number) => g.data[y * g.width + x];
  assert.equal(at(0, 0), 128, 'gap');
  assert.equal(at(1, 1), 0); // a[0,0]
  assert.equal(at(2, 2), 0);
  assert.equal(at(3, 1), 255); // a[0,1]
  assert.equal(at(1, 3), 128); // a[1,0] = 0.5 -> round(127.5) = 128
  assert.equal(at(4, 4), 255); // a[1,1] = 2 clamped
  assert.equal(at(6, 1), 0); // b[0,0] = -1 clamped
  assert.throws(() => imageGrid({ rows: [[new Float32Array(3)]], width: 2, height: 2 }), /row 0, column 0 has 3 values/);
  const views = splitImages(new Float32Array(12), 3, 4);
  assert.equal(views.length, 3);
  assert.throws(() => splitImages(new Float32Array(8), 3, 4), /need 12/);
});

test('progressBar is silent on a non-TTY stream until one final line, and draws on a TTY', async () => {
  const pipe = new PassThrough();
  let out = '';
  pipe.on('data', (d) => (out += d));
  const bar = progressBar(10, 'train', { stream: pipe });
  for (let i = 0; i < 10; i++) bar.increment(1, { loss: 1 / (i + 1) });
  assert.equal(out, '');
  bar.stop();
  bar.stop();
  assert.match(out, /^train: 10\/10 in \d+\.\ds, loss 0\.1000\n$/);

  const quiet = new PassThrough();
  let quietOut = '';
  quiet.on('data', (d) => (quietOut += d));
  const q = progressBar(3, 'x', { stream: quiet, quiet: true });
  q.update(3);
  q.stop();
  assert.equal(quietOut, '');

  const tty = Object.assign(new PassThrough(), { isTTY: true, columns: 100, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  let ttyOut = '';
  tty.on('data', (d) => (ttyOut += d));
  const live = progressBar(4, 'live', { stream: tty as unknown as NodeJS.WriteStream });
  live.update(4, { loss: 0.25 });
  live.stop();
  assert.match(ttyOut, /live \[.*\] 100% \| 4\/4 \| ETA .*loss 0\.2500/);
});
