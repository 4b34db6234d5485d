// GPT-2's pre-tokenization: text is cut into words by a fixed regex before BPE, and BPE never
// merges across word boundaries. `\s` is written as \p{White_Space} so that whitespace means the
// same as in the reference engines (Python's `regex`, Rust's regex/Oniguruma): JavaScript's `\s`
// would also match U+FEFF and miss U+0085.

const WS = '\\p{White_Space}';
const GPT2_PATTERN_SOURCE =
  "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+" +
  `| ?[^${WS}\\p{L}\\p{N}]+|[${WS}]+(?![^${WS}])|[${WS}]+`;

/** Split text into GPT-2 pre-tokens (the words BPE runs on). Concatenating them gives back the text. */
export function gpt2PreTokenize(text: string): string[] {
  const re = new RegExp(GPT2_PATTERN_SOURCE, 'gu');
  return text.match(re) ?? [];
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Throw when text is not well-formed UTF-16 (it could not be encoded to UTF-8 and back exactly). */
export function assertWellFormed(text: string): void {
  const m = LONE_SURROGATE.exec(text);
  if (m) {
    const code = m[0].charCodeAt(0).toString(16).toUpperCase();
    throw new Error(`tokenizer: text has an unpaired surrogate U+${code} at index ${m.index}; only well-formed Unicode text can be encoded`);
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

export type TextPiece = { text: string; special: boolean };

/** Cut text at occurrences of the given special tokens (longest match first); specials come out as their own pieces. */
export function splitOnSpecialTokens(text: string, specials: readonly string[]): TextPiece[] {
  if (specials.length === 0 || text.length === 0) return text.length ? [{ text, special: false }] : [];
  const sorted = [...specials].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const re = new RegExp(sorted.map(escapeRegExp).join('|'), 'gu');
  const out: TextPiece[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    if (at > last) out.push({ text: text.slice(last, at), special: false });
    out.push({ text: m[0], special: true });
    last = at + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), special: false });
  return out;
}
