// Greater-than: "The war lasted from the year 1732 to the year 17" -> any two-digit year above
// 32 (correct) rather than 00..32 (wrong). The corrupt prompt starts at 01. Metric: probability
// difference, the summed probability of the correct years minus that of the wrong ones (Hanna et
// al. 2023). The two-digit years are glued to the "17" before them, so through GPT-2's tokenizer
// the prompt reads as in the literature (" 17" + "32") and the answers are the bare two-digit
// tokens.
import type { Rng } from '../../engine/rng.js';
import { GLUE_MARKER } from './dataset.js';
import { answerExample, datasetFromWords, pick, type CircuitTask, type WordPrompt } from './task.js';

const NOUNS = ['war', 'expedition', 'project', 'voyage', 'reign', 'strike', 'dynasty', 'trial'];
const YEARS = Array.from({ length: 100 }, (_, i) => GLUE_MARKER + String(i).padStart(2, '0'));

export function greaterThanTask(): CircuitTask {
  const vocab = ['The', 'lasted', 'from', 'the', 'year', '17', 'to', ...NOUNS, ...YEARS];
  const prompt = (rng: Rng): WordPrompt => {
    const yy = 2 + rng.int(97); // 02 .. 98
    const noun = pick(rng, NOUNS);
    const text = (start: string) => ['The', noun, 'lasted', 'from', 'the', 'year', '17', start, 'to', 'the', 'year', '17'];
    return { clean: text(YEARS[yy]), corrupt: text(YEARS[1]), correct: YEARS.slice(yy + 1), wrong: YEARS.slice(0, yy + 1), metadata: { year: yy } };
  };
  return {
    name: 'greater-than',
    description: 'predict an end year above the start year (two-digit years); corrupt prompts start at 01',
    vocab,
    seqLen: 12,
    metric: 'prob-diff',
    model: { nLayers: 2, nHeads: 4, dModel: 64, attnOnly: false },
    trainSteps: 800,
    lr: 3e-3,
    generate(rng: Rng, count: number) {
      return datasetFromWords('greater-than', vocab, Array.from({ length: count }, () => prompt(rng)));
    },
    trainingExample: (rng: Rng) => answerExample(vocab, prompt(rng)),
  };
}
