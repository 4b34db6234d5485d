// Reading and writing the Hugging Face byte-level BPE files: vocab.json (token string -> id)
// and merges.txt (an optional "#version" header, then one "left right" pair per line, best rank first).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A byte-level BPE model as stored in vocab.json + merges.txt. */
export interface BpeData {
  vocab: Record<string, number>;
  merges: Array<[string, string]>;
  /** Tokens matched atomically in text (e.g. `<|endoftext|>`); each must be in vocab. */
  specialTokens?: string[];
}

/** Parse vocab.json text. `source` names the file in error messages. */
export function parseVocabJson(text: string, source = 'vocab.json'): Record<string, number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not valid JSON (${(e as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${source}: expected a JSON object mapping token strings to ids, got ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed}`);
  }
  return validateVocab(parsed as Record<string, unknown>, source);
}

/** Check that every value is a non-negative integer id and that no id is used twice. */
export function validateVocab(vocab: Record<string, unknown>, source = 'vocab'): Record<string, number> {
  const byId = new Map<number, string>();
  for (const [token, id] of Object.entries(vocab)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw new Error(`${source}: token ${JSON.stringify(token)} has id ${JSON.stringify(id)}; expected a non-negative integer`);
    }
    const other = byId.get(id);
    if (other !== undefined) {
      throw new Error(`${source}: id ${id} is used by both ${JSON.stringify(other)} and ${JSON.stringify(token)}`);
    }
    byId.set(id, token);
  }
  if (byId.size === 0) throw new Error(`${source}: the vocabulary is empty`);
  return vocab as Record<string, number>;
}

/** A merge with the 1-based line of merges.txt it came from (for error messages). */
export interface MergeLine { left: string; right: string; line: number }

/** Parse merges.txt text: optional "#version..." first line, blank lines ignored, otherwise exactly "left right". */
export function parseMergesTxt(text: string, source = 'merges.txt'): MergeLine[] {
  const lines = text.split('\n');
  const out: MergeLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (i === 0 && line.startsWith('#version')) continue;
    if (line.length === 0) continue;
    const parts = line.split(' ');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      throw new Error(`${source}:${i + 1}: expected two tokens separated by one space, got ${JSON.stringify(line)}`);
    }
    out.push({ left: parts[0], right: parts[1], line: i + 1 });
  }
  return out;
}

/** merges.txt text for a list of merges (best rank first). */
export function formatMergesTxt(merges: ReadonlyArray<readonly [string, string]>): string {
  let s = '#version: 0.2\n';
  for (const [a, b] of merges) {
    if (a.includes(' ') || b.includes(' ') || a.includes('\n') || b.includes('\n')) {
      throw new Error(`merges: token ${JSON.stringify(a.includes(' ') || a.includes('\n') ? a : b)} contains a space or newline and cannot be written to merges.txt`);
    }
    s += `${a} ${b}\n`;
  }
  return s;
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/**
 * Write `dir/vocab.json` and `dir/merges.txt` (creating dir). Special tokens are stored in vocab.json;
 * the loader recognises them again because no merge produces them.
 */
export function saveBpeFiles(dir: string, data: BpeData): { vocabPath: string; mergesPath: string } {
  mkdirSync(dir, { recursive: true });
  const vocabPath = join(dir, 'vocab.json');
  const mergesPath = join(dir, 'merges.txt');
  // Written by hand so entries stay in id order (a JS object would move integer-like keys first).
  const ordered = Object.entries(data.vocab).sort((a, b) => a[1] - b[1]);
  writeAtomic(vocabPath, `{${ordered.map(([t, id]) => `${JSON.stringify(t)}: ${id}`).join(',\n')}}\n`);
  writeAtomic(mergesPath, formatMergesTxt(data.merges));
  return { vocabPath, mergesPath };
}

/** Read a file as UTF-8 with an error that names it. */
export function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${what}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
