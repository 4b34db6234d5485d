// Circuit datasets: pairs of clean and corrupt prompts with correct and wrong answers.
//
// JSON format (file or generator output):
//   { "name": "ioi", "vocab": ["When", " Mary", ...] (optional: word-level vocabulary),
//     "prompts": [ { "clean": "When Mary and John ..." | [ids], "corrupt": ... ,
//                    "correct": " Mary" | id | [..], "wrong": " John" | id | [..],
//                    "metadata": { "template": "ABBA-0" } } ] }
// Text is tokenized with the given tokenizer (a word-level vocabulary splits on spaces). Clean and
// corrupt prompts of one pair must have the same number of tokens, every prompt of a dataset too
// (batches are rectangles; the metric reads the last position); answers are single tokens.
import { readFileSync } from 'node:fs';

export interface Prompt {
  clean: number[];
  corrupt: number[];
  /** Correct answer tokens (one or more; e.g. every year above the start year). */
  correct: number[];
  wrong: number[];
  metadata?: Record<string, unknown>;
}

export interface CircuitDataset {
  name: string;
  prompts: Prompt[];
  /** Token strings by id, for display (word-level tasks). */
  vocab?: string[];
  seqLen: number;
}

export interface TextTokenizer {
  encode(text: string): number[];
}

/** A word-level tokenizer: text splits on single spaces, every word must be in the vocabulary. */
export function wordTokenizer(vocab: readonly string[]): TextTokenizer {
  const ids = new Map(vocab.map((w, i) => [w, i]));
  return {
    encode(text: string): number[] {
      return text.split(' ').filter((w) => w.length > 0).map((w) => {
        const id = ids.get(w);
        if (id === undefined) throw new Error(`word "${w}" is not in the vocabulary (${vocab.length} words)`);
        return id;
      });
    },
  };
}

type RawTokens = string | number | (string | number)[];

function tokensOf(raw: unknown, where: string, tok: TextTokenizer | null, vocabSize: number | null): number[] {
  if (typeof raw === 'string') {
    if (!tok) throw new Error(`${where}: text given but no tokenizer (give "vocab" in the dataset or token ids)`);
    return tok.encode(raw);
  }
  const list = typeof raw === 'number' ? [raw] : raw;
  if (!Array.isArray(list)) throw new Error(`${where}: expected text or token ids, got ${JSON.stringify(raw)}`);
  return list.map((t, i) => {
    if (typeof t === 'string') {
      if (!tok) throw new Error(`${where}[${i}]: text given but no tokenizer`);
      const ids = tok.encode(t);
      if (ids.length !== 1) throw new Error(`${where}[${i}]: "${t}" is ${ids.length} tokens, expected one`);
      return ids[0];
    }
    if (!Number.isInteger(t) || t < 0 || (vocabSize !== null && t >= vocabSize)) throw new Error(`${where}[${i}]: token id ${JSON.stringify(t)} out of range${vocabSize !== null ? ` [0, ${vocabSize})` : ''}`);
    return t;
  });
}

function answersOf(raw: unknown, where: string, tok: TextTokenizer | null, vocabSize: number | null): number[] {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new Error(`${where}: no answers`);
  return list.map((a, i) => {
    const ids = tokensOf(a as RawTokens, `${where}[${i}]`, tok, vocabSize);
    if (ids.length !== 1) throw new Error(`${where}[${i}]: answer ${JSON.stringify(a)} is ${ids.length} tokens; answers must be single tokens`);
    return ids[0];
  });
}

export interface DatasetOptions {
  tokenizer?: TextTokenizer;
  /** Token ids must be below this (the model's vocabulary size). */
  vocabSize?: number;
  source?: string;
}

/** Validates and tokenizes a dataset object (JSON format above). */
export function datasetFromJson(json: unknown, options: DatasetOptions = {}): CircuitDataset {
  const src = options.source ?? 'dataset';
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error(`${src}: expected a JSON object with "prompts"`);
  const obj = json as Record<string, unknown>;
  const vocab = obj.vocab === undefined ? undefined : (obj.vocab as string[]);
  if (vocab !== undefined && (!Array.isArray(vocab) || vocab.some((w) => typeof w !== 'string'))) throw new Error(`${src}: "vocab" must be an array of strings`);
  const tok = options.tokenizer ?? (vocab ? wordTokenizer(vocab) : null);
  const vocabSize = options.vocabSize ?? vocab?.length ?? null;
  if (!Array.isArray(obj.prompts)) throw new Error(`${src}: "prompts" must be an array`);
  if (obj.prompts.length === 0) throw new Error(`${src}: the dataset is empty (no prompts)`);
  const prompts: Prompt[] = obj.prompts.map((p: unknown, i: number) => {
    const where = `${src}: prompts[${i}]`;
    if (typeof p !== 'object' || p === null) throw new Error(`${where}: expected an object`);
    const r = p as Record<string, unknown>;
    for (const f of ['clean', 'corrupt', 'correct', 'wrong']) if (r[f] === undefined) throw new Error(`${where}: missing field "${f}"`);
    const clean = tokensOf(r.clean, `${where}.clean`, tok, vocabSize);
    const corrupt = tokensOf(r.corrupt, `${where}.corrupt`, tok, vocabSize);
    if (clean.length !== corrupt.length) throw new Error(`${where}: clean prompt has ${clean.length} tokens, corrupt prompt has ${corrupt.length}; they must match`);
    if (clean.length === 0) throw new Error(`${where}: empty prompt`);
    const metadata = r.metadata as Record<string, unknown> | undefined;
    return { clean, corrupt, correct: answersOf(r.correct, `${where}.correct`, tok, vocabSize), wrong: answersOf(r.wrong, `${where}.wrong`, tok, vocabSize), ...(metadata ? { metadata } : {}) };
  });
  const seqLen = prompts[0].clean.length;
  const bad = prompts.findIndex((p) => p.clean.length !== seqLen);
  if (bad >= 0) throw new Error(`${src}: prompts[${bad}] has ${prompts[bad].clean.length} tokens, prompts[0] has ${seqLen}; every prompt of a dataset must have the same length`);
  return { name: typeof obj.name === 'string' ? obj.name : 'dataset', prompts, vocab, seqLen };
}

export function loadDataset(path: string, options: DatasetOptions = {}): CircuitDataset {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read dataset ${path}: ${(e as Error).message}`);
  }
  return datasetFromJson(json, { ...options, source: path });
}

/** The dataset in its JSON format (token ids). */
export function datasetToJson(ds: CircuitDataset): Record<string, unknown> {
  return { name: ds.name, ...(ds.vocab ? { vocab: ds.vocab } : {}), prompts: ds.prompts };
}

/** Consecutive batches of at most `size` prompts. */
export function batches(ds: CircuitDataset, size: number): Prompt[][] {
  if (!(size > 0)) throw new Error(`batch size must be positive, got ${size}`);
  const out: Prompt[][] = [];
  for (let i = 0; i < ds.prompts.length; i += size) out.push(ds.prompts.slice(i, i + size));
  return out;
}

/** A word starting with this marker is written straight after the previous word, with no space ("17", "##32" -> "1732"). */
export const GLUE_MARKER = '##';

/** A word as it follows another in text: " " + word, or a glued word (GLUE_MARKER) alone. */
function followingText(word: string): string {
  return word.startsWith(GLUE_MARKER) ? word.slice(GLUE_MARKER.length) : ` ${word}`;
}

/** The text of a word-level prompt: words joined by spaces, glued words (GLUE_MARKER) without one. */
export function wordsToText(words: readonly string[]): string {
  return words.map((w, i) => (i === 0 && !w.startsWith(GLUE_MARKER) ? w : followingText(w))).join('');
}

/**
 * A word-level dataset re-encoded with another tokenizer (e.g. GPT-2's): each prompt is its text
 * (wordsToText), each answer is " " + word (a glued word: the word alone) and must be one token;
 * clean and corrupt prompts must come out the same length.
 */
export function retokenize(ds: CircuitDataset, tokenizer: TextTokenizer, vocabSize?: number): CircuitDataset {
  const vocab = ds.vocab;
  if (!vocab) throw new Error(`${ds.name}: only word-level datasets (with a vocabulary) can be re-tokenized`);
  const text = (ids: number[]) => wordsToText(ids.map((i) => vocab[i]));
  const answer = (i: number) => followingText(vocab[i]);
  return datasetFromJson(
    { name: ds.name, prompts: ds.prompts.map((p) => ({ clean: text(p.clean), corrupt: text(p.corrupt), correct: p.correct.map(answer), wrong: p.wrong.map(answer), ...(p.metadata ? { metadata: p.metadata } : {}) })) },
    { tokenizer, source: `${ds.name} (re-tokenized)`, ...(vocabSize ? { vocabSize } : {}) },
  );
}
