// Simple algorithmic task: the maximum of a list of digits, "max 3 7 1 4 2 =" -> "7". The corrupt
// prompt lowers the (unique) maximum so that another digit becomes the maximum (the wrong answer).
import type { Rng } from '../../engine/rng.js';
import { answerExample, datasetFromWords, type CircuitTask, type WordPrompt } from './task.js';

const DIGITS = Array.from({ length: 10 }, (_, i) => String(i));

export function maxTask(length = 5): CircuitTask {
  const vocab = ['max', '=', ...DIGITS];
  const prompt = (rng: Rng): WordPrompt => {
    for (;;) {
      const xs = Array.from({ length }, () => rng.int(10));
      const m = Math.max(...xs);
      if (xs.filter((x) => x === m).length !== 1) continue;
      const rest = xs.filter((x) => x !== m);
      const second = Math.max(...rest);
      if (second < 1) continue; // the corrupt maximum must be lowered below the second largest
      const at = xs.indexOf(m);
      const corrupt = xs.slice();
      corrupt[at] = rng.int(second); // strictly below the second largest
      const words = (v: number[]) => ['max', ...v.map((x) => DIGITS[x]), '='];
      return { clean: words(xs), corrupt: words(corrupt), correct: [DIGITS[m]], wrong: [DIGITS[second]] };
    }
  };
  return {
    name: 'max',
    description: `the maximum of ${length} digits; corrupt prompts lower the maximum below the second largest`,
    vocab,
    seqLen: length + 2,
    model: { nLayers: 2, nHeads: 4, dModel: 64, attnOnly: false },
    trainSteps: 800,
    lr: 3e-3,
    generate(rng: Rng, count: number) {
      return datasetFromWords('max', vocab, Array.from({ length: count }, () => prompt(rng)));
    },
    trainingExample: (rng: Rng) => answerExample(vocab, prompt(rng)),
  };
}
