// The computational graph of a transformer as circuit-discovery sees it: source nodes (Resid
// Start, each attention head, each MLP), destination nodes (each head's Q, K and V inputs, or its
// whole input; each MLP input; Resid End) and edges. The factorized residual graph connects every
// source to every later destination; the node graph has one mask per source node. With `seqLen`,
// every edge (or node) exists once per token position.
//
// Masks are stored per destination hook point ("mask group"): a [nSrc, cols] matrix (or
// [seqLen, nSrc, cols] per position) whose entry (source row, destination column) belongs to one
// edge. Names are stable: "MLP 1->A5.2.Q", "A5.2->Resid End", "Resid Start->MLP 0", plus "@3"
// for position 3 when per-position.
import type { TransformerConfig } from '../nn/transformer/index.js';

export type SourceKind = 'resid-start' | 'head' | 'mlp';
export type DestKind = 'q' | 'k' | 'v' | 'attn' | 'mlp' | 'resid-end';

export interface SourceNode {
  name: string;
  kind: SourceKind;
  /** Block index (Resid Start: -1). */
  layer: number;
  head: number | null;
  /** Row of this source in stacked source activations [S, batch, pos, d]. */
  index: number;
  /** Column in a left-to-right drawing: Resid Start 0, block L attention 2L+1, MLP 2L+2. */
  column: number;
}

export interface DestNode {
  name: string;
  kind: DestKind;
  /** Block index (Resid End: nLayers). */
  layer: number;
  head: number | null;
  column: number;
}

export interface MaskGroup {
  /** The hook point where this group's destinations read their input (edge graph) or the source hook (node graph). */
  hook: string;
  /** Rows: the sources feeding this group are stacked sources 0 .. nSrc-1. */
  nSrc: number;
  /** Columns: destinations (e.g. 3*nHeads for split Q/K/V inputs: Q heads, K heads, V heads). */
  cols: number;
  /** Mask shape: [nSrc, cols], or [seqLen, nSrc, cols] when per-position. */
  shape: number[];
  /** Index of this group's first edge in the graph's edge list. */
  offset: number;
  size: number;
}

export interface Edge {
  index: number;
  name: string;
  src: SourceNode;
  /** The destination (edge graph) or null (node graph: the edge is the source node itself). */
  dest: DestNode | null;
  position: number | null;
  group: number;
}

export type GraphLevel = 'edge' | 'node';

export interface GraphOptions {
  /** 'edge' (factorized residual graph, default) or 'node' (one mask per source node). */
  level?: GraphLevel;
  /** Separate Q, K and V inputs per head (default true); false gives one input per head. */
  separateQkv?: boolean;
  /** One edge set per token position of sequences of this length. */
  seqLen?: number | null;
}

export const RESID_START = 'Resid Start';
export const RESID_END = 'Resid End';

export const headName = (layer: number, head: number) => `A${layer}.${head}`;
export const mlpName = (layer: number) => `MLP ${layer}`;

export class CircuitGraph {
  readonly level: GraphLevel;
  readonly separateQkv: boolean;
  readonly seqLen: number | null;
  readonly sources: SourceNode[] = [];
  readonly dests: DestNode[] = [];
  readonly groups: MaskGroup[] = [];
  readonly edges: Edge[] = [];
  private readonly byName = new Map<string, Edge>();

  constructor(readonly cfg: TransformerConfig, options: GraphOptions = {}) {
    this.level = options.level ?? 'edge';
    this.separateQkv = options.separateQkv ?? true;
    this.seqLen = options.seqLen ?? null;
    if (this.seqLen !== null && (!Number.isInteger(this.seqLen) || this.seqLen <= 0)) throw new Error(`graph: seqLen must be a positive integer, got ${this.seqLen}`);
    if (!['edge', 'node'].includes(this.level)) throw new Error(`graph: level must be "edge" or "node", got ${JSON.stringify(this.level)}`);
    const { nLayers, nHeads, attnOnly } = cfg;
    this.sources.push({ name: RESID_START, kind: 'resid-start', layer: -1, head: null, index: 0, column: 0 });
    for (let L = 0; L < nLayers; L++) {
      for (let h = 0; h < nHeads; h++) this.sources.push({ name: headName(L, h), kind: 'head', layer: L, head: h, index: this.sources.length, column: 2 * L + 1 });
      if (!attnOnly) this.sources.push({ name: mlpName(L), kind: 'mlp', layer: L, head: null, index: this.sources.length, column: 2 * L + 2 });
    }
    if (this.level === 'edge') this.buildEdgeGroups();
    else this.buildNodeGroups();
    for (const e of this.edges) this.byName.set(e.name, e);
  }

  /** Sources feeding block L's attention (everything before it). */
  sourcesBeforeAttn(layer: number): number {
    return 1 + layer * (this.cfg.nHeads + (this.cfg.attnOnly ? 0 : 1));
  }

  private addGroup(hook: string, nSrc: number, cols: number, dest: (col: number) => DestNode | null, src: (row: number) => SourceNode): void {
    const pos = this.seqLen;
    const shape = pos === null ? [nSrc, cols] : [pos, nSrc, cols];
    const size = (pos ?? 1) * nSrc * cols;
    const group = this.groups.length;
    this.groups.push({ hook, nSrc, cols, shape, offset: this.edges.length, size });
    for (let p = 0; p < (pos ?? 1); p++) {
      for (let r = 0; r < nSrc; r++) {
        for (let c = 0; c < cols; c++) {
          const s = src(r);
          const d = dest(c);
          const base = d ? `${s.name}->${d.name}` : s.name;
          this.edges.push({ index: this.edges.length, name: pos === null ? base : `${base}@${p}`, src: s, dest: d, position: pos === null ? null : p, group });
        }
      }
    }
  }

  private buildEdgeGroups(): void {
    const { nLayers, nHeads, attnOnly } = this.cfg;
    const srcAt = (r: number) => this.sources[r];
    for (let L = 0; L < nLayers; L++) {
      const n = this.sourcesBeforeAttn(L);
      if (this.separateQkv) {
        const dests: DestNode[] = [];
        for (const kind of ['q', 'k', 'v'] as const) {
          for (let h = 0; h < nHeads; h++) dests.push({ name: `${headName(L, h)}.${kind.toUpperCase()}`, kind, layer: L, head: h, column: 2 * L + 1 });
        }
        this.dests.push(...dests);
        this.addGroup(`blocks.${L}.hook_q_input`, n, 3 * nHeads, (c) => dests[c], srcAt);
      } else {
        const dests: DestNode[] = [];
        for (let h = 0; h < nHeads; h++) dests.push({ name: headName(L, h), kind: 'attn', layer: L, head: h, column: 2 * L + 1 });
        this.dests.push(...dests);
        this.addGroup(`blocks.${L}.hook_attn_in`, n, nHeads, (c) => dests[c], srcAt);
      }
      if (!attnOnly) {
        const d: DestNode = { name: mlpName(L), kind: 'mlp', layer: L, head: null, column: 2 * L + 2 };
        this.dests.push(d);
        this.addGroup(`blocks.${L}.hook_mlp_in`, n + nHeads, 1, () => d, srcAt);
      }
    }
    const end: DestNode = { name: RESID_END, kind: 'resid-end', layer: nLayers, head: null, column: 2 * nLayers + 1 };
    this.dests.push(end);
    this.addGroup(`blocks.${nLayers - 1}.hook_resid_post`, this.sources.length, 1, () => end, srcAt);
  }

  private buildNodeGroups(): void {
    const { nLayers, nHeads, attnOnly } = this.cfg;
    this.addGroup('blocks.0.hook_resid_pre', 1, 1, () => null, () => this.sources[0]);
    for (let L = 0; L < nLayers; L++) {
      const first = this.sourcesBeforeAttn(L);
      this.addGroup(`blocks.${L}.attn.hook_result`, 1, nHeads, () => null, () => this.sources[first]);
      // addGroup names edges by src(row); heads differ by column, so rename them here.
      const g = this.groups[this.groups.length - 1];
      for (let i = g.offset; i < g.offset + g.size; i++) {
        const e = this.edges[i];
        const h = (i - g.offset) % nHeads;
        e.src = this.sources[first + h];
        e.name = this.seqLen === null ? e.src.name : `${e.src.name}@${e.position}`;
      }
      if (!attnOnly) this.addGroup(`blocks.${L}.hook_mlp_out`, 1, 1, () => null, () => this.sources[first + nHeads]);
    }
  }

  get edgeCount(): number {
    return this.edges.length;
  }

  /** Indices of the named edges; every unknown name is reported at once, with near matches. */
  indicesOf(names: readonly string[]): number[] {
    const unknown = names.filter((n) => !this.byName.has(n));
    if (unknown.length) {
      const all = this.edges.map((x) => x.name);
      const lines = unknown.slice(0, 10).map((n) => `"${n}"${nearMatchText(n, all)}`);
      throw new Error(`unknown edge name(s) (${unknown.length}): ${lines.join('; ')}${unknown.length > 10 ? '; ...' : ''}`);
    }
    return names.map((n) => this.byName.get(n)!.index);
  }

  /**
   * Every edge leaving the named source node ("A1.3", "MLP 0", "Resid Start"): patching them all
   * is node patching in the edge graph.
   */
  edgesFrom(node: string): number[] {
    const out = this.edges.filter((e) => e.src.name === node).map((e) => e.index);
    if (!out.length) throw new Error(`unknown source node "${node}"${nearMatchText(node, this.sources.map((x) => x.name))}`);
    return out;
  }

  /** A 0/1 mask over all edges with ones at `indices`. */
  maskOf(indices: readonly number[]): Float32Array {
    const m = new Float32Array(this.edges.length);
    for (const i of indices) m[i] = 1;
    return m;
  }
}

function editDistance(a: string, b: string): number {
  const prev = new Array(b.length + 1).fill(0).map((_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** " (did you mean "x", "y"?)" for the closest names, or "". */
export function nearMatchText(name: string, candidates: readonly string[]): string {
  const lower = name.toLowerCase();
  const scored = candidates.map((c) => ({ c, d: editDistance(lower, c.toLowerCase()) }));
  scored.sort((x, y) => x.d - y.d);
  const best = scored.filter((s) => s.d <= Math.max(2, Math.floor(name.length / 3))).slice(0, 3);
  return best.length ? ` (did you mean ${best.map((s) => `"${s.c}"`).join(', ')}?)` : '';
}
