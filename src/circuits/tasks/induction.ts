// Induction on random token sequences: BOS, filler tokens, a segment A, then the start of A
// again; the prompt stops inside the second copy, whose next token is predictable only by finding
// the earlier occurrence of the current token and copying what followed it (the segment length,
// and so the offset, and the stopping point vary; every token of a sequence is distinct). The
// corrupt prompt swaps the answer's earlier occurrence with a filler token z, so an induction
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
  const maxSeg = total - 4; // with one filler token and two tokens of the second copy
  if (maxSeg < minSeg) throw new Error(`induction: seqLen ${seqLen} is too short (needs at least 5)`);
  if (V < total) throw new Error(`induction: vocabSize ${V} must be at least the sequence length + 1 (${total})`);
  const vocab = ['BOS', ...Array.from({ length: V - 1 }, (_, i) => `t${i}`)];
  /**
   * BOS, filler, A (seg tokens), A[0..j+1]; token ids 1..V-1 all distinct. The last token, A[j+1],
   * is the answer; `start` is where the first copy begins.
   */
  const sequence = (rng: Rng): { seq: number[]; start: number; seg: number; j: number } => {
    const seg = minSeg + rng.int(maxSeg - minSeg + 1);
    const j = rng.int(Math.min(seg - 2, total - 4 - seg) + 1);
    const filler = total - 1 - seg - (j + 2);
    const perm = Array.from(rng.permutation(V - 1), (i) => i + 1);
    const a = perm.slice(filler, filler + seg);
    return { seq: [0, ...perm.slice(0, filler), ...a, ...a.slice(0, j + 2)], start: 1 + filler, seg, j };
  };
  return {
    name: 'induction',
    description: `repeated random segments (${seqLen} tokens, vocabulary ${V}): predict the next token inside the second copy`,
    vocab,
    seqLen,
    model: { nLayers: 2, nHeads: 2, dModel: 64, attnOnly: true },
    trainSteps: 500,
    lr: 3e-3,
    generate(rng: Rng, count: number) {
      const prompts: WordPrompt[] = [];
      for (let i = 0; i < count; i++) {
        const { seq, start, seg, j } = sequence(rng);
        const answer = seq[total - 1];
        const clean = seq.slice(0, seqLen);
        const corrupt = clean.slice();
        const first = start + j + 1; // the answer's first occurrence
        const swap = 1 + rng.int(start - 1); // a filler position
        const z = clean[swap];
        [corrupt[first], corrupt[swap]] = [z, answer];
        prompts.push({ clean: clean.map((t) => vocab[t]), corrupt: corrupt.map((t) => vocab[t]), correct: [vocab[answer]], wrong: [vocab[z]], metadata: { segment: seg, offset: j } });
      }
      return datasetFromWords('induction', vocab, prompts);
    },
    trainingExample(rng: Rng): TrainingExample {
      const { seq, start, seg } = sequence(rng);
      const targets = [];
      // Position p predicts seq[p + 1]; predictable from the first token of the second copy on.
      for (let p = start + seg; p < total - 1; p++) targets.push({ pos: p, tokens: [seq[p + 1]] });
      return { tokens: seq.slice(0, seqLen), targets };
    },
  };
}
