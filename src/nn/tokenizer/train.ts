// Byte-level BPE training (the GPT-2 scheme): count pre-tokenized words, then repeatedly merge the
// most frequent adjacent pair of symbols. Pair counts are kept and updated incrementally: a merge
// only revisits the words that contain the merged pair. Ties go to the pair with the smaller
// (left id, right id), so training is deterministic.
import { BYTE_TO_CHAR } from './byte-unicode.js';
import type { BpeData } from './files.js';
import { Heap } from './heap.js';
import { assertWellFormed, gpt2PreTokenize, splitOnSpecialTokens } from './pretokenize.js';

export interface TrainBpeOptions {
  /** Size of the final vocabulary: 256 byte tokens + merged tokens + special tokens. */
  vocabSize: number;
  /** A pair must occur at least this many times in the corpus to be merged (default 2). */
  minFrequency?: number;
  /** Special tokens, given the last ids; their occurrences in the corpus are not learned from. */
  specialTokens?: string[];
}

/** Byte symbols in GPT-2's id order: the printable bytes first, then the others (by code point of their symbol). */
function byteSymbolsInIdOrder(): string[] {
  return [...BYTE_TO_CHAR].sort((a, b) => a.charCodeAt(0) - b.charCodeAt(0));
}

function countWords(docs: readonly string[], specials: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  docs.forEach((doc, i) => {
    if (typeof doc !== 'string') throw new Error(`trainBpe: corpus item ${i} is ${typeof doc}, expected a string`);
    try {
      assertWellFormed(doc);
    } catch (e) {
      throw new Error(`trainBpe: corpus item ${i}: ${(e as Error).message}`);
    }
    for (const piece of splitOnSpecialTokens(doc, specials)) {
      if (piece.special) continue;
      for (const w of gpt2PreTokenize(piece.text)) counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  });
  return counts;
}

function checkOptions(options: TrainBpeOptions): { vocabSize: number; minFrequency: number; specials: string[] } {
  const specials = [...new Set(options.specialTokens ?? [])];
  const { vocabSize } = options;
  const minFrequency = options.minFrequency ?? 2;
  if (!Number.isInteger(vocabSize) || vocabSize < 256 + specials.length) {
    throw new Error(`trainBpe: vocabSize must be an integer >= ${256 + specials.length} (256 bytes + ${specials.length} special tokens), got ${vocabSize}`);
  }
  if (!Number.isInteger(minFrequency) || minFrequency < 1) {
    throw new Error(`trainBpe: minFrequency must be an integer >= 1, got ${minFrequency}`);
  }
  const byteSymbols = new Set(BYTE_TO_CHAR);
  for (const s of specials) {
    if (typeof s !== 'string' || s.length === 0) throw new Error(`trainBpe: special tokens must be non-empty strings, got ${JSON.stringify(s)}`);
    if (byteSymbols.has(s)) throw new Error(`trainBpe: special token ${JSON.stringify(s)} is also a byte token`);
  }
  return { vocabSize, minFrequency, specials };
}

/** Train a byte-level BPE vocabulary and merge list (the vocab.json + merges.txt contents). */
export function trainBpe(corpus: string | readonly string[], options: TrainBpeOptions): BpeData {
  const { vocabSize, minFrequency, specials } = checkOptions(options);
  const docs = typeof corpus === 'string' ? [corpus] : corpus;
  if (!Array.isArray(docs)) throw new Error('trainBpe: corpus must be a string or an array of strings');
  const wordCounts = countWords(docs, specials);

  const tokenStrings = byteSymbolsInIdOrder();
  const tokenIds = new Map(tokenStrings.map((t, id) => [t, id]));
  const byteToId = BYTE_TO_CHAR.map((c) => tokenIds.get(c) as number);
  const specialSet = new Set(specials);
  const targetTokens = vocabSize - specials.length;

  const utf8 = new TextEncoder();
  const words: number[][] = [];
  const freqs: number[] = [];
  for (const [w, n] of wordCounts) {
    words.push(Array.from(utf8.encode(w), (b) => byteToId[b]));
    freqs.push(n);
  }

  // Pair (a, b) is keyed as a * K + b; every id stays below K.
  const K = vocabSize;
  const pairCounts = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const addPair = (key: number, n: number, w: number): void => {
    pairCounts.set(key, (pairCounts.get(key) ?? 0) + n);
    let set = pairWords.get(key);
    if (!set) pairWords.set(key, (set = new Set()));
    set.add(w);
  };
  words.forEach((ids, w) => {
    for (let i = 0; i + 1 < ids.length; i++) addPair(ids[i] * K + ids[i + 1], freqs[w], w);
  });

  type Entry = { key: number; count: number };
  const heap = new Heap<Entry>((x, y) => x.count > y.count || (x.count === y.count && x.key < y.key));
  for (const [key, count] of pairCounts) heap.push({ key, count });

  const merges: Array<[string, string]> = [];
  const banned = new Set<number>();
  while (tokenStrings.length < targetTokens) {
    const top = heap.pop();
    if (!top) break;
    const current = pairCounts.get(top.key) ?? 0;
    if (current !== top.count) {
      // Counts of a pair only fall between pushes; a fresher entry is pushed whenever one rises.
      if (current > 0) heap.push({ key: top.key, count: current });
      continue;
    }
    if (current < minFrequency) break;
    const a = Math.floor(top.key / K);
    const b = top.key - a * K;
    const merged = tokenStrings[a] + tokenStrings[b];
    if (specialSet.has(merged)) {
      banned.add(top.key);
      continue;
    }
    let c = tokenIds.get(merged);
    if (c === undefined) {
      c = tokenStrings.length;
      tokenStrings.push(merged);
      tokenIds.set(merged, c);
    }
    merges.push([tokenStrings[a], tokenStrings[b]]);

    const risen = new Set<number>();
    const affected = pairWords.get(top.key) ?? new Set<number>();
    pairWords.delete(top.key);
    for (const w of affected) {
      const ids = words[w];
      const n = freqs[w];
      let found = false;
      for (let i = 0; i + 1 < ids.length; i++) if (ids[i] === a && ids[i + 1] === b) { found = true; break; }
      if (!found) continue;
      for (let i = 0; i + 1 < ids.length; i++) {
        const key = ids[i] * K + ids[i + 1];
        const left = (pairCounts.get(key) as number) - n;
        if (left > 0) pairCounts.set(key, left);
        else pairCounts.delete(key);
      }
      const next: number[] = [];
      for (let i = 0; i < ids.length; i++) {
        if (i + 1 < ids.length && ids[i] === a && ids[i + 1] === b) {
          next.push(c);
          i++;
        } else next.push(ids[i]);
      }
      words[w] = next;
      for (let i = 0; i + 1 < next.length; i++) {
        const key = next[i] * K + next[i + 1];
        if (next[i] === c || next[i + 1] === c) risen.add(key);
        addPair(key, n, w);
      }
    }
    pairCounts.delete(top.key);
    for (const key of risen) {
      const count = pairCounts.get(key);
      if (count !== undefined && !banned.has(key)) heap.push({ key, count });
    }
  }

  const vocab: Record<string, number> = {};
  tokenStrings.forEach((t, id) => { vocab[t] = id; });
  specials.forEach((s, i) => { vocab[s] = tokenStrings.length + i; });
  return { vocab, merges, specialTokens: specials };
}
