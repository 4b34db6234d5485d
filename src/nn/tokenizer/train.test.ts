import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../engine/rng.js';
import { BYTE_TO_CHAR, Gpt2Tokenizer, gpt2PreTokenize, trainBpe } from './index.js';
import { randomText, syntheticCorpus } from './test-strings.js';

/**
 * Reference trainer that recounts every pair from scratch before each merge (slow but obviously
 * right), with the same tie rule: highest count, then smallest (left id, right id).
 */
function naiveTrain(text: string, vocabSize: number, minFrequency: number): Array<[string, string]> {
  const tokens = [...BYTE_TO_CHAR].sort((a, b) => a.charCodeAt(0) - b.charCodeAt(0));
  const idOf = new Map(tokens.map((t, i) => [t, i]));
  const counts = new Map<string, number>();
  for (const w of gpt2PreTokenize(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const words = [...counts].map(([w, n]) => ({ ids: Array.from(new TextEncoder().encode(w), (b) => idOf.get(BYTE_TO_CHAR[b]) as number), n }));
  const merges: Array<[string, string]> = [];
  while (tokens.length < vocabSize) {
    const pairs = new Map<string, number>();
    for (const { ids, n } of words) for (let i = 0; i + 1 < ids.length; i++) pairs.set(`${ids[i]},${ids[i + 1]}`, (pairs.get(`${ids[i]},${ids[i + 1]}`) ?? 0) + n);
    let best: [number, number] | null = null;
    let bestCount = 0;
    for (const [k, n] of pairs) {
      const [a, b] = k.split(',').map(Number);
      if (n > bestCount || (n === bestCount && best && (a < best[0] || (a === best[0] && b < best[1])))) { best = [a, b]; bestCount = n; }
    }
    if (!best || bestCount < minFrequency) break;
    const [a, b] = best;
    const merged = tokens[a] + tokens[b];
    const c = idOf.get(merged) ?? tokens.push(merged) - 1;
    idOf.set(merged, c);
    merges.push([tokens[a], tokens[b]]);
    for (const w of words) {
      const next: number[] = [];
      for (let i = 0; i < w.ids.length; i++) {
        if (i + 1 < w.ids.length && w.ids[i] === a && w.ids[i + 1] === b) { next.push(c); i++; } else next.push(w.ids[i]);
      }
      w.ids = next;
    }
  }
  return merges;
}

test('incremental pair counting gives the same merges as recounting from scratch', () => {
  const rng = new Rng(21);
  const texts = [
    syntheticCorpus(rng.fork('a'), 300).join(''),
    Array.from({ length: 200 }, () => randomText(rng, 20)).join(''),
    'aaaaaaa aaaa aaa abababab bababa aaaaaaa',
  ];
  for (const text of texts) {
    for (const minFrequency of [1, 3]) {
      const ours = trainBpe(text, { vocabSize: 256 + 120, minFrequency });
      assert.deepEqual(ours.merges, naiveTrain(text, 256 + 120, minFrequency));
    }
  }
});

test('training is deterministic and its vocabulary is dense with special tokens last', () => {
  const corpus = syntheticCorpus(new Rng(4), 2000);
  const a = trainBpe(corpus, { vocabSize: 500, specialTokens: ['<|endoftext|>'] });
  const b = trainBpe(corpus, { vocabSize: 500, specialTokens: ['<|endoftext|>'] });
  assert.deepEqual(a, b);
  const ids = Object.values(a.vocab).sort((x, y) => x - y);
  assert.deepEqual(ids, Array.from({ length: 500 }, (_, i) => i));
  assert.equal(a.vocab['<|endoftext|>'], 499);
  assert.equal(a.vocab['!'], 0, 'byte tokens use GPT-2 id order');
  assert.equal(a.vocab['Ġ'], 220);
  assert.equal(a.merges.length, 500 - 256 - 1);
});

test('frequent words become single tokens; the trained tokenizer round-trips', () => {
  const corpus = syntheticCorpus(new Rng(6), 3000);
  corpus.splice(100, 0, 'text with <|endoftext|> inside it');
  const tok = Gpt2Tokenizer.fromBpeData(trainBpe(corpus, { vocabSize: 600, minFrequency: 2, specialTokens: ['<|endoftext|>'] }));
  for (const w of [' the', ' model', ' gradient', ' token', ' layer', 'the', ' café']) {
    assert.equal(tok.encode(w).length, 1, `${JSON.stringify(w)} is one token`);
  }
  assert.equal(tok.idToToken(tok.encode(' gradient')[0]), 'Ġgradient');
  assert.ok(tok.encode(' unforeseeable').length > 3, 'an unseen word is split into pieces');
  const text = corpus.slice(0, 200).join('');
  const ids = tok.encode(text);
  assert.equal(tok.decode(ids), text);
  assert.ok(ids.length < new TextEncoder().encode(text).length / 4, `compression: ${ids.length} tokens`);
  assert.deepEqual(tok.encode('a<|endoftext|>b').map((i) => tok.idToToken(i)), ['a', '<|endoftext|>', 'b']);
});

test('minFrequency stops merging and vocabSize caps it', () => {
  const text = 'low lower lowest newer wider new wide';
  const capped = trainBpe(text, { vocabSize: 260 });
  assert.equal(capped.merges.length, 4);
  const all = trainBpe(text, { vocabSize: 10_000, minFrequency: 2 });
  assert.ok(all.merges.length > 4 && Object.keys(all.vocab).length < 10_000);
  const naive = naiveTrain(text, 10_000, 2);
  assert.deepEqual(all.merges, naive);
  const none = trainBpe(text, { vocabSize: 10_000, minFrequency: 100 });
  assert.equal(none.merges.length, 0);
  assert.equal(Object.keys(none.vocab).length, 256);
});

test('trainer rejects bad options and input', () => {
  assert.throws(() => trainBpe('x', { vocabSize: 256, specialTokens: ['<s>'] }), /vocabSize must be an integer >= 257/);
  assert.throws(() => trainBpe('x', { vocabSize: 300, minFrequency: 0 }), /minFrequency must be an integer >= 1, got 0/);
  assert.throws(() => trainBpe(['ok', 3 as unknown as string], { vocabSize: 300 }), /corpus item 1 is number/);
  assert.throws(() => trainBpe(['ok', 'bad \udc00'], { vocabSize: 300 }), /corpus item 1: .*unpaired surrogate U\+DC00/);
  assert.throws(() => trainBpe('x', { vocabSize: 300, specialTokens: ['a'] }), /special token "a" is also a byte token/);
});

test('a special token is never learned as a merged token', () => {
  const plain = trainBpe('hello hello hello hello', { vocabSize: 300, specialTokens: ['hello'] });
  assert.equal(plain.merges.length, 0, 'special tokens are cut out of the corpus before counting');
  // A special spelled like a byte-level token ("Ġthe" is how " the" is spelled) must not be produced by a merge.
  const data = trainBpe('the the the the', { vocabSize: 300, specialTokens: ['Ġthe'] });
  assert.ok(data.merges.some(([a, b]) => a + b === 'the'));
  assert.ok(!data.merges.some(([a, b]) => a + b === 'Ġthe'));
  assert.equal(data.vocab['Ġthe'], Object.keys(data.vocab).length - 1);
  const tok = Gpt2Tokenizer.fromBpeData(data);
  assert.deepEqual(tok.encode('the the').map((i) => tok.idToToken(i)), ['the', 'Ġ', 'the']);
  assert.equal(tok.decode(tok.encode('Ġthe the')), 'Ġthe the');
  assert.equal(tok.encode('Ġthe')[0], data.vocab['Ġthe']);
});
