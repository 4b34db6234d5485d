// Text generators shared by the tokenizer tests: fixed tricky strings and seeded random strings.
import { Rng } from '../../engine/rng.js';

export const TRICKY_STRINGS: readonly string[] = [
  '',
  'Hello, world!',
  "I'm sure they'll say it's what we've done, isn't it? We'd RE'VE'LL",
  'emoji: 😀👍🏽 👨‍👩‍👧‍👦 🇯🇵 ❤️',
  'CJK: 日本語のテキスト、中文字符，한국어 문장',
  'combining: e\u0301 a\u0308\u0323 Z\u0351\u0360\u036b',
  'spaces:   three, \t tab,\u00a0nbsp,\u3000ideographic',
  'trailing spaces   ',
  '   leading spaces',
  'lines\n\nand\r\nwindows\r\n\n\n  indented\n\t\ttabs\n',
  'numbers 1234567890 ١٢٣ ½ Ⅻ 3.14e-10',
  'text<|endoftext|>more<|endoftext|><|endoftext|>',
  '<|endoftext',
  'symbols: <>[]{}()!?@#$%^&*_+=~`|\\/"\'',
  'mixed😀中e\u0301 \u200b zero\u200dwidth',
  '\u0000\u0001\u001f\u007f control bytes',
  'a'.repeat(300),
  ' '.repeat(50) + 'x',
  '😀'.repeat(40),
];

const PIECES = [
  'a', 'b', 'e', 'z', 'Q', 'the', ' the', 'ing', "'s", "'t", "'re", "'ll", "'d", "'m", "'ve", "'", 'Ü', 'ß', 'é',
  '0', '7', '42', ' ', ' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u3000', '.', ',', '!', '?', '-', '--', '...', '"',
  '(', ')', '<', '|', '>', '日', '本', '語', '한', '😀', '👍🏽', '🇯🇵', '\u0301', '\u200b', '\u0000', 'Ω', 'π', 'ж',
];

/** A random string of up to maxPieces pieces drawn from a mixed alphabet. */
export function randomText(rng: Rng, maxPieces = 24, exclude: readonly string[] = []): string {
  const n = rng.int(maxPieces + 1);
  let s = '';
  for (let i = 0; i < n; i++) {
    const p = PIECES[rng.int(PIECES.length)];
    if (!exclude.includes(p)) s += p;
  }
  return s;
}

/** A small English-like corpus where a few words are very frequent. */
export function syntheticCorpus(rng: Rng, sentences: number): string[] {
  const common = ['the', 'model', 'gradient', 'of', 'and', 'a', 'to', 'is', 'token', 'layer'];
  const rare = ['zebra', 'quartz', 'jinx', 'fjord', 'sphinx', 'naïve', 'café', '東京', '😀', 'ünïcode'];
  const out: string[] = [];
  for (let i = 0; i < sentences; i++) {
    const len = 4 + rng.int(10);
    const words: string[] = [];
    for (let j = 0; j < len; j++) words.push(rng.float() < 0.85 ? common[rng.int(common.length)] : rare[rng.int(rare.length)]);
    if (rng.float() < 0.3) words.push(String(rng.int(1000)));
    out.push(`${words.join(' ')}${rng.float() < 0.5 ? '.' : ','}${rng.float() < 0.2 ? "\n\n" : ' '}`);
  }
  return out;
}
