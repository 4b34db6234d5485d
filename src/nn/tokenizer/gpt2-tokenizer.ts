// GPT-2 byte-level BPE: text -> UTF-8 bytes -> byte symbols -> merges applied by rank within
// each pre-tokenized word; special tokens are matched atomically before pre-tokenization.
import { BYTE_TO_CHAR, tokenStringToBytes } from './byte-unicode.js';
import { Heap } from './heap.js';
import {
  type BpeData,
  type MergeLine,
  parseMergesTxt,
  parseVocabJson,
  readTextFile,
  validateVocab,
} from './files.js';
import { assertWellFormed, gpt2PreTokenize, splitOnSpecialTokens } from './pretokenize.js';

export interface TokenizerOptions {
  /**
   * Tokens matched atomically in text. Default: every vocab entry that is neither a single byte
   * symbol nor produced by a merge (in GPT-2's files that is exactly `<|endoftext|>`).
   */
  specialTokens?: string[];
}

export interface EncodeOptions {
  /** Which special tokens are recognised in the text ('all' by default); others are encoded as plain text. */
  allowedSpecial?: 'all' | 'none' | readonly string[];
}

interface Sources { vocab: string; merges: string }

const CACHE_LIMIT = 50_000;
const CACHEABLE_WORD_LENGTH = 256;

export class Gpt2Tokenizer {
  /** One more than the largest id in the vocabulary. */
  readonly vocabSize: number;
  /** Special tokens, longest first. */
  readonly specialTokens: readonly string[];

  private readonly tokenIds: Map<string, number>;
  private readonly tokens: (string | undefined)[];
  private readonly tokenBytes: (Uint8Array | undefined)[];
  private readonly byteIds: Int32Array;
  private readonly mergeRanks = new Map<number, number>();
  private readonly mergeLefts: Int32Array;
  private readonly mergeRights: Int32Array;
  private readonly mergeResults: Int32Array;
  private readonly mergePairs: Array<[string, string]>;
  private readonly cache = new Map<string, number[]>();
  private readonly utf8 = new TextEncoder();

  private constructor(vocab: Record<string, number>, merges: MergeLine[], options: TokenizerOptions, src: Sources) {
    this.tokenIds = new Map(Object.entries(vocab));
    let maxId = -1;
    for (const id of this.tokenIds.values()) maxId = Math.max(maxId, id);
    this.vocabSize = maxId + 1;
    this.tokens = new Array(this.vocabSize);
    for (const [t, id] of this.tokenIds) this.tokens[id] = t;

    this.byteIds = new Int32Array(256);
    for (let b = 0; b < 256; b++) {
      const id = this.tokenIds.get(BYTE_TO_CHAR[b]);
      if (id === undefined) {
        throw new Error(`${src.vocab}: a byte-level vocabulary needs a token for every byte; byte 0x${b.toString(16).padStart(2, '0')} (${JSON.stringify(BYTE_TO_CHAR[b])}) is missing`);
      }
      this.byteIds[b] = id;
    }

    const V = this.vocabSize;
    this.mergeLefts = new Int32Array(merges.length);
    this.mergeRights = new Int32Array(merges.length);
    this.mergeResults = new Int32Array(merges.length);
    this.mergePairs = [];
    const producedBy = new Set<number>();
    const firstLine = new Map<number, number>();
    for (const m of merges) {
      const where = `${src.merges}:${m.line}: merge ${JSON.stringify(`${m.left} ${m.right}`)}`;
      const a = this.tokenIds.get(m.left);
      if (a === undefined) throw new Error(`${where} uses token ${JSON.stringify(m.left)} which is not in ${src.vocab}`);
      const b = this.tokenIds.get(m.right);
      if (b === undefined) throw new Error(`${where} uses token ${JSON.stringify(m.right)} which is not in ${src.vocab}`);
      const c = this.tokenIds.get(m.left + m.right);
      if (c === undefined) throw new Error(`${where} produces ${JSON.stringify(m.left + m.right)} which is not in ${src.vocab}`);
      const key = a * V + b;
      const prev = firstLine.get(key);
      if (prev !== undefined) throw new Error(`${where} repeats the merge on line ${prev}`);
      firstLine.set(key, m.line);
      this.mergeRanks.set(key, this.mergePairs.length);
      this.mergeLefts[this.mergePairs.length] = a;
      this.mergeRights[this.mergePairs.length] = b;
      this.mergeResults[this.mergePairs.length] = c;
      this.mergePairs.push([m.left, m.right]);
      producedBy.add(c);
    }

    let specials: string[];
    if (options.specialTokens) {
      for (const s of options.specialTokens) {
        if (!this.tokenIds.has(s)) throw new Error(`${src.vocab}: special token ${JSON.stringify(s)} is not in the vocabulary`);
        if (s.length === 0) throw new Error('tokenizer: a special token cannot be the empty string');
      }
      specials = [...new Set(options.specialTokens)];
    } else {
      const byteIdSet = new Set(this.byteIds);
      specials = [...this.tokenIds].filter(([, id]) => !byteIdSet.has(id) && !producedBy.has(id)).map(([t]) => t);
    }
    this.specialTokens = specials.sort((x, y) => y.length - x.length || (x < y ? -1 : 1));
    const specialSet = new Set(this.specialTokens);

    this.tokenBytes = new Array(this.vocabSize);
    for (const [t, id] of this.tokenIds) {
      if (specialSet.has(t)) continue;
      const bytes = tokenStringToBytes(t);
      if (!bytes) throw new Error(`${src.vocab}: token ${JSON.stringify(t)} (id ${id}) is not spelled in GPT-2's byte alphabet and is not a special token`);
      this.tokenBytes[id] = bytes;
    }
  }

  /** Load Hugging Face `vocab.json` + `merges.txt` from local files. */
  static fromFiles(vocabPath: string, mergesPath: string, options: TokenizerOptions = {}): Gpt2Tokenizer {
    const vocabText = readTextFile(vocabPath, 'vocab.json');
    const mergesText = readTextFile(mergesPath, 'merges.txt');
    return new Gpt2Tokenizer(parseVocabJson(vocabText, vocabPath), parseMergesTxt(mergesText, mergesPath), options, { vocab: vocabPath, merges: mergesPath });
  }

  /**
   * Build from in-memory contents: `vocab` as vocab.json text or its parsed object, `merges` as
   * merges.txt text or a list of pairs (best rank first).
   */
  static fromJson(vocab: string | Record<string, number>, merges: string | ReadonlyArray<readonly [string, string]>, options: TokenizerOptions = {}): Gpt2Tokenizer {
    const v = typeof vocab === 'string' ? parseVocabJson(vocab) : validateVocab(vocab);
    const m = typeof merges === 'string'
      ? parseMergesTxt(merges)
      : merges.map(([left, right], i) => ({ left, right, line: i + 1 }));
    return new Gpt2Tokenizer(v, m, options, { vocab: 'vocab', merges: typeof merges === 'string' ? 'merges.txt' : 'merges' });
  }

  /** Build from trainer output (or any BpeData). */
  static fromBpeData(data: BpeData): Gpt2Tokenizer {
    return Gpt2Tokenizer.fromJson(data.vocab, data.merges, data.specialTokens ? { specialTokens: data.specialTokens } : {});
  }

  /** The vocabulary, merges and special tokens, ready for saveTokenizer. */
  toBpeData(): BpeData {
    return { vocab: Object.fromEntries(this.tokenIds), merges: this.mergePairs.map(([a, b]) => [a, b]), specialTokens: [...this.specialTokens] };
  }

  /** Id of a token string (as spelled in vocab.json), or undefined. */
  tokenToId(token: string): number | undefined {
    return this.tokenIds.get(token);
  }

  /** Token string (as spelled in vocab.json) of an id, or undefined. */
  idToToken(id: number): string | undefined {
    return this.tokens[id];
  }

  encode(text: string, options: EncodeOptions = {}): number[] {
    if (typeof text !== 'string') throw new Error(`tokenizer.encode: expected a string, got ${typeof text}`);
    assertWellFormed(text);
    const allowed = options.allowedSpecial ?? 'all';
    let specials: readonly string[];
    if (allowed === 'all') specials = this.specialTokens;
    else if (allowed === 'none') specials = [];
    else {
      for (const s of allowed) {
        if (!this.specialTokens.includes(s)) throw new Error(`tokenizer.encode: ${JSON.stringify(s)} is not a special token of this tokenizer`);
      }
      specials = allowed;
    }
    const out: number[] = [];
    for (const piece of splitOnSpecialTokens(text, specials)) {
      if (piece.special) {
        out.push(this.tokenIds.get(piece.text) as number);
        continue;
      }
      for (const word of gpt2PreTokenize(piece.text)) {
        for (const id of this.encodeWord(word)) out.push(id);
      }
    }
    return out;
  }

  /** Bytes the ids stand for (special tokens contribute their UTF-8 text). */
  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
        throw new Error(`tokenizer.decode: token id ${String(id)} at position ${i} is out of range [0, ${this.vocabSize})`);
      }
      const token = this.tokens[id];
      if (token === undefined) throw new Error(`tokenizer.decode: token id ${id} at position ${i} is not in the vocabulary`);
      const bytes = this.tokenBytes[id] ?? this.utf8.encode(token);
      parts.push(bytes);
      total += bytes.length;
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  /** Text of the ids. A byte sequence that is not valid UTF-8 (e.g. half a character) decodes to U+FFFD. */
  decode(ids: ArrayLike<number>): string {
    return new TextDecoder('utf-8').decode(this.decodeBytes(ids));
  }

  private encodeWord(word: string): number[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const bytes = this.utf8.encode(word);
    const ids = this.applyMerges(Array.from(bytes, (b) => this.byteIds[b]));
    if (word.length <= CACHEABLE_WORD_LENGTH) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(word, ids);
    }
    return ids;
  }

  /**
   * Apply merges best rank first, leftmost first among equal ranks, until no adjacent pair has a
   * merge. Symbols live in a linked list and candidate pairs in a heap keyed rank * n + position,
   * so a word of n bytes costs O(n log n).
   */
  private applyMerges(ids: number[]): number[] {
    const n = ids.length;
    if (n < 2) return ids;
    const V = this.vocabSize;
    const sym = Int32Array.from(ids);
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    const heap = new Heap<number>((x, y) => x < y);
    const consider = (i: number): void => {
      const j = next[i];
      if (j < 0) return;
      const r = this.mergeRanks.get(sym[i] * V + sym[j]);
      if (r !== undefined) heap.push(r * n + i);
    };
    for (let i = 0; i + 1 < n; i++) consider(i);
    while (heap.size > 0) {
      const key = heap.pop() as number;
      const r = Math.floor(key / n);
      const i = key - r * n;
      const j = next[i];
      // Stale entry: the symbol at i or its right neighbour has been merged since it was pushed.
      if (sym[i] < 0 || j < 0 || sym[i] !== this.mergeLefts[r] || sym[j] !== this.mergeRights[r]) continue;
      sym[i] = this.mergeResults[r];
      sym[j] = -1;
      next[i] = next[j];
      if (next[j] >= 0) prev[next[j]] = i;
      if (prev[i] >= 0) consider(prev[i]);
      consider(i);
    }
    const out: number[] = [];
    for (let i = 0; i >= 0; i = next[i]) out.push(sym[i]);
    return out;
  }
}
