// Drawing a circuit: layers left to right (Resid Start, each block's heads, its MLP, Resid End),
// edge width = |score|, colour = sign; one panel per token position for per-position graphs.
// circuitSvg gives a standalone SVG whose edges and nodes carry <title> elements (hovering shows
// the name and score, no scripts), inlined in report.html.
import type { CircuitGraph, Edge } from './graph.js';
import { RESID_END, RESID_START, headName, mlpName } from './graph.js';

interface NodePos {
  name: string;
  x: number;
  y: number;
}

const COL_W = 110;
const ROW_H = 34;
const PAD = 40;

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Node positions within one panel (column from the graph, heads stacked by index). */
function layout(graph: CircuitGraph): { nodes: Map<string, NodePos>; width: number; height: number } {
  const { nLayers, nHeads, attnOnly } = graph.cfg;
  const nodes = new Map<string, NodePos>();
  const height = PAD * 2 + (nHeads - 1) * ROW_H;
  const mid = PAD + ((nHeads - 1) * ROW_H) / 2;
  const xOf = (col: number) => PAD + col * COL_W;
  nodes.set(RESID_START, { name: RESID_START, x: xOf(0), y: mid });
  for (let L = 0; L < nLayers; L++) {
    for (let h = 0; h < nHeads; h++) nodes.set(headName(L, h), { name: headName(L, h), x: xOf(2 * L + 1), y: PAD + h * ROW_H });
    if (!attnOnly) nodes.set(mlpName(L), { name: mlpName(L), x: xOf(2 * L + 2), y: mid });
  }
  nodes.set(RESID_END, { name: RESID_END, x: xOf(2 * nLayers + 1), y: mid });
  return { nodes, width: xOf(2 * nLayers + 1) + PAD * 2, height };
}

/** The node an edge enters: its destination head/MLP (Q/K/V inputs land on the head) or Resid End. */
function destNodeName(e: Edge): string {
  if (!e.dest) return e.src.name;
  if (e.dest.kind === 'resid-end') return RESID_END;
  if (e.dest.kind === 'mlp') return mlpName(e.dest.layer);
  return headName(e.dest.layer, e.dest.head!);
}

const Q_K_V_OFFSET: Record<string, number> = { q: -6, k: 0, v: 6, attn: 0, mlp: 0, 'resid-end': 0 };

export interface DrawOptions {
  /** Draw only these edges (e.g. the circuit); default: the `maxEdges` with the largest |score|. */
  edges?: readonly number[];
  maxEdges?: number;
  title?: string;
}

function chosenEdges(graph: CircuitGraph, scores: Float32Array, o: DrawOptions): Edge[] {
  if (o.edges) return o.edges.map((i) => graph.edges[i]);
  const order = Array.from(scores.keys()).sort((a, b) => Math.abs(scores[b]) - Math.abs(scores[a]));
  return order.slice(0, o.maxEdges ?? 200).filter((i) => scores[i] !== 0).map((i) => graph.edges[i]);
}

export function circuitSvg(graph: CircuitGraph, scores: Float32Array, o: DrawOptions = {}): string {
  const { nodes, width, height } = layout(graph);
  const edges = chosenEdges(graph, scores, o);
  const maxAbs = Math.max(1e-12, ...edges.map((e) => Math.abs(scores[e.index])));
  const positions = graph.seqLen ?? 1;
  const panelH = height + 24;
  const parts: string[] = [];
  const totalH = panelH * positions + (o.title ? 24 : 0);
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${totalH}" viewBox="0 0 ${width} ${totalH}" font-family="sans-serif" font-size="11">`);
  if (o.title) parts.push(`<text x="${PAD}" y="16" font-size="14">${escapeXml(o.title)}</text>`);
  for (let p = 0; p < positions; p++) {
    const dy = (o.title ? 24 : 0) + p * panelH;
    parts.push(`<g transform="translate(0,${dy})">`);
    if (graph.seqLen !== null) parts.push(`<text x="4" y="14" fill="#555">position ${p}</text>`);
    for (const e of edges) {
      if (graph.seqLen !== null && e.position !== p) continue;
      const a = nodes.get(e.src.name)!;
      const b = nodes.get(destNodeName(e))!;
      const s = scores[e.index];
      const w = 0.5 + (4.5 * Math.abs(s)) / maxAbs;
      const color = s >= 0 ? '#2b6cb0' : '#c53030';
      const off = e.dest ? Q_K_V_OFFSET[e.dest.kind] : 0;
      if (!e.dest) {
        parts.push(`<circle cx="${a.x}" cy="${a.y + 12}" r="${(w + 2).toFixed(2)}" fill="${color}" opacity="0.7"><title>${escapeXml(`${e.name}: ${s.toPrecision(4)}`)}</title></circle>`);
        continue;
      }
      parts.push(`<line x1="${a.x}" y1="${a.y + 12}" x2="${b.x}" y2="${b.y + 12 + off}" stroke="${color}" stroke-width="${w.toFixed(2)}" stroke-opacity="0.6"><title>${escapeXml(`${e.name}: ${s.toPrecision(4)}`)}</title></line>`);
    }
    for (const n of nodes.values()) {
      parts.push(`<g><rect x="${n.x - 30}" y="${n.y + 4}" width="60" height="16" rx="4" fill="#f7fafc" stroke="#718096"/><text x="${n.x}" y="${n.y + 16}" text-anchor="middle">${escapeXml(n.name)}</text><title>${escapeXml(n.name)}</title></g>`);
    }
    parts.push('</g>');
  }
  parts.push('</svg>');
  return parts.join('\n');
}
