// Induction on random token sequences: filler tokens, then a segment A, then A again; at every
// token of the second copy the next token is predictable only by finding the earlier occurrence
// of the current token and copying what followed it (the segment's length, and so the offset,
// varies). Every token of a sequence is distinct. The prompt stops one token before the end;
// the corrupt prompt swaps the answer's earlier occurrence with a filler token z, so an induction
// circuit predicts z there (the wrong answer) while both prompts hold the same set of tokens.
import type { Rng } from '../../engine/rng.js';
import { datasetFromWords, type CircuitTask, type TrainingExample, type WordPrompt } from './task.js';

export interface InductionOptions {
  vocabSize?: number;
  /** Tokens per prompt (the full sequence is one longer). */
  seqLen?: number;
}

export function inductionTask(o: InductionOptions = {}): CircuitTask {
  const seqLen = o.seqLen ?? 13;
  const V = o.vocabSize ?? 24;
  const total = seqLen + 1;
  const minSeg = 2;
  const maxSeg = Math.floor((total - 2) / 2); // at least one filler token
  if (maxSeg < minSeg) throw new Error(`induction: seqLen ${seqLen} is too short (needs at least ${2 * minSeg})`);
  if (V < total) throw new Error(`induction: vocabSize ${V} must exceed the sequence length ${total}`);
  const vocab = ['BOS', ...Array.from({ length: V - 1 }, (_, i) => `t${i}`)];
  /** BOS, filler, A, A; token ids 1..V-1 all distinct; returns the sequence and the first copy's start. */
  const sequence = (rng: Rng): { seq: number[]; start: number; seg: number } => {
    const seg = minSeg + rng.int(maxSeg - minSeg + 1);
    const filler = total - 1 - 2 * seg;
    const perm = Array.from(rng.permutation(V - 1), (i) => i + 1);
    const fill = perm.slice(0, filler);
    const a = perm.slice(filler, filler + seg);
    return { seq: [0, ...fill, ...a, ...a], start: 1 + filler, seg };
  };
  return {
    name: 'induction',
    description: `repeated random segments (${seqLen} tokens, vocabulary ${V}): predict the next token of the second copy`,
    vocab,
    seqLen,
    model: { nLayers: 2, nHeads: 4, dModel: 32, attnOnly: true },
    trainSteps: 600,
    lr: 1e-2,
    generate(rng: Rng, count: number) {
      const prompts: WordPrompt[] = [];
      for (let i = 0; i < count; i++) {
        const { seq, start, seg } = sequence(rng);
        const answer = seq[total - 1];
        const clean = seq.slice(0, seqLen);
        const corrupt = clean.slice();
        const first = start + seg - 1; // the answer's first occurrence (the last token of copy one)
        const swap = 1 + rng.int(start - 1); // a filler position
        const z = clean[swap];
        [corrupt[first], corrupt[swap]] = [z, answer];
        prompts.push({ clean: clean.map((t) => vocab[t]), corrupt: corrupt.map((t) => vocab[t]), correct: [vocab[answer]], wrong: [vocab[z]], metadata: { segment: seg } });
      }
      return datasetFromWords('induction', vocab, prompts);
    },
    trainingExample(rng: Rng): TrainingExample {
      const { seq, start, seg } = sequence(rng);
      const targets = [];
      // Position p predicts seq[p + 1]; predictable from the second token of the second copy on.
      for (let p = start + seg; p < total - 1; p++) targets.push({ pos: p, tokens: [seq[p + 1]] });
      return { tokens: seq.slice(0, seqLen), targets };
    },
  };
}
