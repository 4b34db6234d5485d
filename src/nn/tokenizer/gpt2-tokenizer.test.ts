import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../engine/rng.js';
import { BYTE_TO_CHAR, CHAR_TO_BYTE, Gpt2Tokenizer, gpt2PreTokenize, saveTokenizer, trainBpe } from './index.js';
import { TRICKY_STRINGS, randomText, syntheticCorpus } from './test-strings.js';

/** A hand-made byte-level vocabulary: the 256 byte symbols, a few merges and <|endoftext|>. */
function miniFiles() {
  const vocab: Record<string, number> = {};
  BYTE_TO_CHAR.forEach((c, b) => { vocab[c] = b; });
  const merges: Array<[string, string]> = [['h', 'e'], ['Ġ', 't'], ['t', 'he'], ['Ġt', 'he'], ['l', 'l'], ['ll', 'o']];
  let next = 256;
  for (const [a, b] of merges) vocab[a + b] = next++;
  vocab['<|endoftext|>'] = next;
  return { vocab, merges, mergesTxt: `#version: 0.2\n${merges.map((m) => m.join(' ')).join('\n')}\n` };
}

function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-tok-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('byte map: 256 distinct symbols, printable bytes stand for themselves, space is Ġ', () => {
  assert.equal(new Set(BYTE_TO_CHAR).size, 256);
  assert.equal(BYTE_TO_CHAR[0x41], 'A');
  assert.equal(BYTE_TO_CHAR[0x20], '\u0120');
  assert.equal(BYTE_TO_CHAR[0x0a], '\u010a');
  assert.equal(BYTE_TO_CHAR[0x00], '\u0100');
  assert.equal(BYTE_TO_CHAR[0xad], '\u0143');
  for (let b = 0; b < 256; b++) assert.equal(CHAR_TO_BYTE.get(BYTE_TO_CHAR[b]), b);
});

test('pre-tokenization follows the GPT-2 pattern and covers the text', () => {
  assert.deepEqual(gpt2PreTokenize("Hello world's  end\n\n  x 123 ü😀"), ['Hello', ' world', "'s", ' ', ' end', '\n\n ', ' x', ' 123', ' ü', '😀']);
  assert.deepEqual(gpt2PreTokenize("we'll don't I'M"), ['we', "'ll", ' don', "'t", ' I', "'", 'M']);
  assert.deepEqual(gpt2PreTokenize('a  \t b?!  '), ['a', '  \t', ' b', '?!', '  ']);
  // U+0085 is Unicode White_Space (as in the reference engines), U+FEFF is not.
  assert.deepEqual(gpt2PreTokenize('a\u0085\u0085b'), ['a', '\u0085', '\u0085', 'b']);
  assert.deepEqual(gpt2PreTokenize('a \ufeffb'), ['a', ' \ufeff', 'b']);
  const rng = new Rng(3);
  for (let i = 0; i < 200; i++) {
    const t = randomText(rng);
    assert.equal(gpt2PreTokenize(t).join(''), t);
  }
});

test('hand-made vocab.json + merges.txt: encode, decode, special token', () => {
  const { vocab, mergesTxt } = miniFiles();
  withTempDir((dir) => {
    writeFileSync(join(dir, 'vocab.json'), JSON.stringify(vocab));
    writeFileSync(join(dir, 'merges.txt'), mergesTxt);
    const tok = Gpt2Tokenizer.fromFiles(join(dir, 'vocab.json'), join(dir, 'merges.txt'));
    assert.equal(tok.vocabSize, 263);
    assert.deepEqual(tok.specialTokens, ['<|endoftext|>']);
    // "the" -> t,h,e -> t,he (rank 0) -> the (rank 2); " the" -> Ġ,t,he -> Ġt,he (rank 1) -> Ġthe (rank 3)
    const ids = tok.encode('the the<|endoftext|>hello');
    assert.deepEqual(ids.map((i) => tok.idToToken(i)), ['the', 'Ġthe', '<|endoftext|>', 'he', 'llo']);
    assert.deepEqual(ids, [258, 259, 262, 256, 261]);
    assert.equal(tok.decode(ids), 'the the<|endoftext|>hello');
    assert.deepEqual(tok.encode('<|endoftext|>', { allowedSpecial: 'none' }).map((i) => tok.idToToken(i)), [...'<|endoftext|>']);
  });
});

test('merges.txt: #version header optional, CRLF and blank trailing lines accepted', () => {
  const { vocab, merges } = miniFiles();
  const plain = merges.map((m) => m.join(' ')).join('\n');
  const a = Gpt2Tokenizer.fromJson(vocab, plain);
  const b = Gpt2Tokenizer.fromJson(JSON.stringify(vocab), `#version: 0.2\r\n${merges.map((m) => m.join(' ')).join('\r\n')}\r\n\r\n`);
  const c = Gpt2Tokenizer.fromJson(vocab, merges);
  for (const t of ['the hello', 'hehe  the\n']) {
    assert.deepEqual(a.encode(t), b.encode(t));
    assert.deepEqual(a.encode(t), c.encode(t));
  }
});

test('round trip is exact on tricky strings, including bytes of one character split across tokens', () => {
  const data = trainBpe(syntheticCorpus(new Rng(1), 2000), { vocabSize: 500, specialTokens: ['<|endoftext|>'] });
  const tok = Gpt2Tokenizer.fromBpeData(data);
  for (const text of TRICKY_STRINGS) assert.equal(tok.decode(tok.encode(text)), text, JSON.stringify(text));
  const rng = new Rng(9);
  for (let i = 0; i < 300; i++) {
    const text = randomText(rng, 40);
    assert.equal(tok.decode(tok.encode(text)), text, JSON.stringify(text));
  }
  const ids = tok.encode('🦀');
  assert.ok(ids.length >= 2, 'an emoji absent from the corpus spans several byte tokens');
  assert.equal(tok.decode(ids.slice(0, 1)), '\ufffd', 'part of a character decodes to U+FFFD');
  assert.deepEqual([...tok.decodeBytes(ids)], [0xf0, 0x9f, 0xa6, 0x80]);
});

test('bad vocab.json / merges.txt files give errors naming the file, line and token', () => {
  const { vocab, mergesTxt } = miniFiles();
  withTempDir((dir) => {
    const v = join(dir, 'vocab.json');
    const m = join(dir, 'merges.txt');
    const load = (vocabText: string, mergesText: string) => {
      writeFileSync(v, vocabText);
      writeFileSync(m, mergesText);
      return Gpt2Tokenizer.fromFiles(v, m);
    };
    const good = JSON.stringify(vocab);
    assert.throws(() => Gpt2Tokenizer.fromFiles(join(dir, 'nope.json'), m), /vocab\.json: cannot read .*nope\.json \(ENOENT\)/);
    assert.throws(() => load('{"a": 1', mergesTxt), /vocab\.json: not valid JSON/);
    assert.throws(() => load('[1, 2]', mergesTxt), /expected a JSON object .* got an array/);
    assert.throws(() => load('{"a": 1.5}', mergesTxt), /token "a" has id 1.5; expected a non-negative integer/);
    assert.throws(() => load(JSON.stringify({ ...vocab, extra: 5 }), mergesTxt), /id 5 is used by both/);
    const { Ġ: _space, ...noSpace } = vocab;
    assert.throws(() => load(JSON.stringify(noSpace), mergesTxt), /byte 0x20 \("Ġ"\) is missing/);
    assert.throws(() => load(good, '#version: 0.2\nh e\nt he extra\n'), /merges\.txt:3: expected two tokens separated by one space, got "t he extra"/);
    assert.throws(() => load(good, 'h e\nq zz\n'), /merges\.txt:2: merge "q zz" uses token "zz" which is not in .*vocab\.json/);
    assert.throws(() => load(good, 'h e\na b\n'), /merges\.txt:2: merge "a b" produces "ab" which is not in/);
    assert.throws(() => load(good, 'h e\nl l\nh e\n'), /merges\.txt:3: merge "h e" repeats the merge on line 1/);
    assert.throws(() => Gpt2Tokenizer.fromJson(vocab, [['h', 'e']], { specialTokens: ['<pad>'] }), /special token "<pad>" is not in the vocabulary/);
  });
});

test('bad ids and bad text give clear errors', () => {
  const { vocab, merges } = miniFiles();
  const tok = Gpt2Tokenizer.fromJson(vocab, merges);
  assert.throws(() => tok.decode([1, 263]), /token id 263 at position 1 is out of range \[0, 263\)/);
  assert.throws(() => tok.decode([-1]), /token id -1 at position 0 is out of range/);
  assert.throws(() => tok.decode([1.5]), /token id 1.5 at position 0 is out of range/);
  const gappy = Gpt2Tokenizer.fromJson({ ...vocab, far: 300 }, merges, { specialTokens: ['far'] });
  assert.throws(() => gappy.decode([280]), /token id 280 at position 0 is not in the vocabulary/);
  assert.equal(gappy.decode([300]), 'far');
  assert.throws(() => tok.encode('ok \ud83d then'), /unpaired surrogate U\+D83D at index 3/);
  assert.throws(() => tok.encode('x', { allowedSpecial: ['<pad>'] }), /"<pad>" is not a special token/);
});

test('saveTokenizer writes files that fromFiles reads back identically', () => {
  const data = trainBpe(syntheticCorpus(new Rng(2), 1000), { vocabSize: 400, specialTokens: ['<|endoftext|>', '<|pad|>'] });
  withTempDir((dir) => {
    const { vocabPath, mergesPath } = saveTokenizer(dir, data);
    const loaded = Gpt2Tokenizer.fromFiles(vocabPath, mergesPath);
    const direct = Gpt2Tokenizer.fromBpeData(data);
    assert.deepEqual([...loaded.specialTokens].sort(), ['<|endoftext|>', '<|pad|>']);
    assert.deepEqual(loaded.toBpeData().merges, data.merges);
    const text = 'the model<|pad|> gradient of a token<|endoftext|> zebra 東京';
    assert.deepEqual(loaded.encode(text), direct.encode(text));
    // and again from the loaded tokenizer itself
    const again = saveTokenizer(join(dir, 'again'), loaded);
    assert.deepEqual(Gpt2Tokenizer.fromFiles(again.vocabPath, again.mergesPath).encode(text), direct.encode(text));
  });
});
