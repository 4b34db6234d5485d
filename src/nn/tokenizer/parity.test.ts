// Parity with independent implementations:
//  - GPT-2's real vocabulary against js-tiktoken (the r50k/gpt2 ranks it ships). The vocab.json +
//    merges.txt contents are rebuilt from the ranks, so this also checks the loader on 50k merges.
//  - A vocabulary trained here against Hugging Face's tokenizers.js (BPE model + ByteLevel pre-tokenizer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tiktoken } from 'js-tiktoken/lite';
import gpt2Ranks from 'js-tiktoken/ranks/gpt2';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { Rng } from '../../engine/rng.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Gpt2Tokenizer, saveTokenizer, trainBpe } from './index.js';
import { bytesToTokenString } from './byte-unicode.js';
import { TRICKY_STRINGS, randomText, syntheticCorpus } from './test-strings.js';

// JavaScript's `\s` (used by js-tiktoken and tokenizers.js) differs from Unicode White_Space
// (used by the reference Python/Rust engines and by glassbox) only on these two characters.
const JS_WHITESPACE_DIFFERENCES = ['\u0085', '\ufeff'];

/** bytes of every rank in js-tiktoken's compressed format: lines of "<prefix> <offset> <base64>...". */
function tiktokenRankBytes(bpeRanks: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const line of bpeRanks.split('\n')) {
    if (!line) continue;
    const [, offsetStr, ...tokens] = line.split(' ');
    const offset = Number(offsetStr);
    tokens.forEach((b64, i) => { out[offset + i] = new Uint8Array(Buffer.from(b64, 'base64')); });
  }
  return out;
}

/**
 * vocab.json + merges from a rank table: the merge that creates token r is the last step of
 * byte-pair encoding its bytes with the tokens ranked below r.
 */
function ranksToVocabAndMerges(rankBytes: Uint8Array[]): { vocab: Record<string, number>; merges: Array<[string, string]> } {
  const rankOf = new Map<string, number>();
  rankBytes.forEach((b, r) => rankOf.set(Buffer.from(b).toString('latin1'), r));
  const vocab: Record<string, number> = {};
  const merges: Array<[string, string]> = [];
  rankBytes.forEach((bytes, r) => {
    vocab[bytesToTokenString(bytes)] = r;
    if (bytes.length < 2) return;
    let parts = Array.from(bytes, (b) => String.fromCharCode(b));
    for (;;) {
      let best = -1;
      let bestRank = r;
      for (let i = 0; i + 1 < parts.length; i++) {
        const pr = rankOf.get(parts[i] + parts[i + 1]);
        if (pr !== undefined && pr < bestRank) { bestRank = pr; best = i; }
      }
      if (best < 0) break;
      parts = [...parts.slice(0, best), parts[best] + parts[best + 1], ...parts.slice(best + 2)];
    }
    assert.equal(parts.length, 2, `token of rank ${r} does not split into one merge`);
    const spell = (latin1: string) => bytesToTokenString(new Uint8Array(Buffer.from(latin1, 'latin1')));
    merges.push([spell(parts[0]), spell(parts[1])]);
  });
  return { vocab, merges };
}

test('GPT-2 vocabulary: token ids equal js-tiktoken on tricky and 400 random strings', () => {
  const rankBytes = tiktokenRankBytes(gpt2Ranks.bpe_ranks);
  assert.equal(rankBytes.length, 50256);
  const { vocab, merges } = ranksToVocabAndMerges(rankBytes);
  vocab['<|endoftext|>'] = 50256;
  const ours = Gpt2Tokenizer.fromJson(vocab, merges);
  assert.equal(ours.vocabSize, 50257);
  assert.equal(merges.length, 50000);
  assert.deepEqual(ours.specialTokens, ['<|endoftext|>']);
  const reference = new Tiktoken(gpt2Ranks);

  assert.deepEqual(ours.encode('Hello world'), [15496, 995]);
  const rng = new Rng(5);
  const texts = [...TRICKY_STRINGS, ...Array.from({ length: 400 }, () => randomText(rng, 30, JS_WHITESPACE_DIFFERENCES))];
  for (const text of texts) {
    const ids = ours.encode(text);
    assert.deepEqual(ids, reference.encode(text, 'all'), `ids differ for ${JSON.stringify(text)}`);
    assert.equal(ours.decode(ids), text);
  }

  // The same vocabulary written as vocab.json + merges.txt and read back.
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-gpt2-'));
  try {
    const { vocabPath, mergesPath } = saveTokenizer(dir, ours);
    const reloaded = Gpt2Tokenizer.fromFiles(vocabPath, mergesPath);
    assert.deepEqual(reloaded.specialTokens, ['<|endoftext|>']);
    for (const text of texts.slice(0, 60)) assert.deepEqual(reloaded.encode(text), reference.encode(text, 'all'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('trained vocabulary: token ids equal Hugging Face tokenizers.js on 400 random strings', () => {
  const rng = new Rng(11);
  const corpus = syntheticCorpus(rng.fork('corpus'), 3000);
  const data = trainBpe(corpus, { vocabSize: 600, minFrequency: 2, specialTokens: ['<|endoftext|>'] });
  const ours = Gpt2Tokenizer.fromBpeData(data);
  const eot = data.vocab['<|endoftext|>'];
  const tokenizerJson = {
    version: '1.0',
    added_tokens: [{ id: eot, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '',
      fuse_unk: false, byte_fallback: false, ignore_merges: false,
      vocab: data.vocab, merges: data.merges.map(([a, b]) => `${a} ${b}`),
    },
  };
  const reference = new HfTokenizer(tokenizerJson, { clean_up_tokenization_spaces: false });
  const texts = [...TRICKY_STRINGS, ...corpus.slice(0, 50), ...Array.from({ length: 400 }, () => randomText(rng, 30, JS_WHITESPACE_DIFFERENCES))];
  for (const text of texts) {
    const ids = ours.encode(text);
    assert.deepEqual(ids, reference.encode(text, { add_special_tokens: false }).ids, `ids differ for ${JSON.stringify(text)}`);
  }
});
