// Plot specifications for reports (vega-lite) and their rendering to static SVG with vega,
// so a report needs no script or network to show its figures.
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

/** A vega-lite specification with its data inline. */
export type PlotSpec = TopLevelSpec;

type Datum = Record<string, number | string | null>;

const DEFAULT_WIDTH = 480;
const DEFAULT_HEIGHT = 260;
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
/** Legends wide enough for descriptive series names. */
const LEGEND = { labelLimit: 320 };

interface Frame {
  title?: string;
  width?: number;
  height?: number;
}

function frame(f: Frame) {
  return {
    $schema: SCHEMA,
    ...(f.title ? { title: f.title } : {}),
    width: f.width ?? DEFAULT_WIDTH,
    height: f.height ?? DEFAULT_HEIGHT,
  };
}

/** JSON cannot hold NaN or infinities; they become gaps (null). */
function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

export interface LineSeries {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

export interface LineChartOptions extends Frame {
  series: LineSeries[];
  xTitle: string;
  yTitle: string;
  /** Logarithmic y axis (non-positive values are dropped). */
  logY?: boolean;
}

/** Lines, one per series (e.g. training and validation loss against step). */
export function lineChart(o: LineChartOptions): PlotSpec {
  const values: Datum[] = [];
  for (const s of o.series) {
    if (s.x.length !== s.y.length) {
      throw new Error(`lineChart: series "${s.name}" has ${s.x.length} x values but ${s.y.length} y values`);
    }
    for (let i = 0; i < s.x.length; i++) {
      const y = s.y[i];
      if (o.logY && !(y > 0)) continue;
      values.push({ series: s.name, x: finiteOrNull(s.x[i]), y: finiteOrNull(y) });
    }
  }
  return {
    ...frame(o),
    data: { values },
    mark: { type: 'line', interpolate: 'linear' },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: o.xTitle },
      y: { field: 'y', type: 'quantitative', title: o.yTitle, ...(o.logY ? { scale: { type: 'log' } } : {}) },
      color: { field: 'series', type: 'nominal', title: null, sort: o.series.map((s) => s.name), legend: LEGEND },
    },
  };
}

export interface BarGroup {
  name: string;
  /** One value per category, in the order of `categories`. */
  values: ArrayLike<number>;
}

export interface BarChartOptions extends Frame {
  categories: string[];
  groups: BarGroup[];
  xTitle: string;
  yTitle: string;
}

/** Bars per category, side by side per group (e.g. per-class error of each decoder). */
export function barChart(o: BarChartOptions): PlotSpec {
  const values: Datum[] = [];
  for (const g of o.groups) {
    if (g.values.length !== o.categories.length) {
      throw new Error(`barChart: group "${g.name}" has ${g.values.length} values for ${o.categories.length} categories`);
    }
    o.categories.forEach((c, i) => values.push({ category: c, group: g.name, value: finiteOrNull(g.values[i]) }));
  }
  const grouped = o.groups.length > 1;
  return {
    ...frame(o),
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'category', type: 'nominal', title: o.xTitle, sort: o.categories, axis: { labelAngle: 0 } },
      y: { field: 'value', type: 'quantitative', title: o.yTitle },
      ...(grouped
        ? {
            xOffset: { field: 'group', type: 'nominal', sort: o.groups.map((g) => g.name) },
            color: { field: 'group', type: 'nominal', title: null, sort: o.groups.map((g) => g.name), legend: LEGEND },
          }
        : {}),
    },
  };
}

export interface ScatterPoint {
  x: number;
  y: number;
  group?: string;
}

export interface ScatterPlotOptions extends Frame {
  points: ScatterPoint[];
  xTitle: string;
  yTitle: string;
}

/** Points, coloured by group when groups are given. */
export function scatterPlot(o: ScatterPlotOptions): PlotSpec {
  const values: Datum[] = o.points.map((p) => ({ x: finiteOrNull(p.x), y: finiteOrNull(p.y), group: p.group ?? null }));
  const grouped = o.points.some((p) => p.group !== undefined);
  return {
    ...frame(o),
    data: { values },
    mark: { type: 'point', filled: true, opacity: 0.7 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: o.xTitle, scale: { zero: false } },
      y: { field: 'y', type: 'quantitative', title: o.yTitle, scale: { zero: false } },
      ...(grouped ? { color: { field: 'group', type: 'nominal', title: null, legend: LEGEND } } : {}),
    },
  };
}

export interface HeatmapOptions extends Frame {
  rowLabels: string[];
  columnLabels: string[];
  /** values[row][column]. */
  values: ArrayLike<number>[];
  xTitle: string;
  yTitle: string;
  colorTitle: string;
  /** Print each value in its cell (default: when there are at most 400 cells). */
  showValues?: boolean;
}

/** A matrix as coloured cells (e.g. a confusion matrix or edge scores). */
export function heatmap(o: HeatmapOptions): PlotSpec {
  if (o.values.length !== o.rowLabels.length) {
    throw new Error(`heatmap: ${o.values.length} rows of values for ${o.rowLabels.length} row labels`);
  }
  const values: Datum[] = [];
  o.values.forEach((row, r) => {
    if (row.length !== o.columnLabels.length) {
      throw new Error(`heatmap: row ${r} has ${row.length} values for ${o.columnLabels.length} column labels`);
    }
    o.columnLabels.forEach((c, j) => values.push({ row: o.rowLabels[r], column: c, value: finiteOrNull(row[j]) }));
  });
  const showValues = o.showValues ?? values.length <= 400;
  const finite = values.map((d) => d.value).filter((v): v is number => typeof v === 'number');
  const middle = finite.length ? (Math.min(...finite) + Math.max(...finite)) / 2 : 0;
  const encoding = {
    x: {
      field: 'column',
      type: 'nominal' as const,
      title: o.xTitle,
      sort: o.columnLabels,
      ...(o.columnLabels.every((c) => c.length <= 4) ? { axis: { labelAngle: 0 } } : {}),
    },
    y: { field: 'row', type: 'nominal' as const, title: o.yTitle, sort: o.rowLabels },
  };
  return {
    ...frame(o),
    data: { values },
    encoding,
    layer: [
      { mark: 'rect', encoding: { color: { field: 'value', type: 'quantitative', title: o.colorTitle } } },
      ...(showValues
        ? [
            {
              mark: { type: 'text' as const, fontSize: 9 },
              encoding: {
                text: { field: 'value', type: 'quantitative' as const, format: '.3~g' },
                // light text on the dark half of the colour scale
                color: { condition: { test: `datum.value > ${middle}`, value: 'white' }, value: 'black' },
              },
            },
          ]
        : []),
    ],
  };
}

/** Throws when a spec names data by URL anywhere (top level, layers, facets, lookups). */
function assertInlineData(node: unknown, path = 'spec'): void {
  if (Array.isArray(node)) {
    node.forEach((child, i) => assertInlineData(child, `${path}[${i}]`));
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'data' && value !== null && typeof value === 'object' && 'url' in value) {
      throw new Error(`report plots must embed their data; ${path}.data names the URL ${JSON.stringify((value as { url: unknown }).url)}`);
    }
    assertInlineData(value, `${path}.${key}`);
  }
}

/** A vega loader that refuses every load: report plots must carry their data inline. */
function offlineLoader(): vega.Loader {
  const refuse = async (uri: string): Promise<never> => {
    throw new Error(`report plots must embed their data; refusing to load "${uri}"`);
  };
  const loader = vega.loader();
  loader.load = refuse;
  loader.sanitize = refuse;
  return loader;
}

/** Renders a plot to a standalone SVG string (no scripts, no external resources). */
export async function renderPlotSvg(spec: PlotSpec): Promise<string> {
  assertInlineData(spec);
  let vgSpec: vega.Spec;
  try {
    vgSpec = compile(spec).spec;
  } catch (err) {
    throw new Error(`invalid plot specification: ${(err as Error).message}`);
  }
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none', loader: offlineLoader() });
  try {
    const svg = await view.toSVG();
    if (/(href|src)\s*=\s*["'](https?:)?\/\//i.test(svg)) throw new Error('a report plot refers to an external resource (e.g. an image mark with a URL); embed it instead');
    return svg;
  } finally {
    view.finalize();
  }
}
