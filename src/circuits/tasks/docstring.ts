// Docstring-style argument prediction: "def load ( path , mode , size ) : """ Load :param path :
// text :param mode : text :param" -> "size". The corrupt prompt renames the function's arguments,
// so the docstring no longer identifies the next one; wrong answer: the renamed third argument.
import type { Rng } from '../../engine/rng.js';
import { answerExample, datasetFromWords, pick, pickDistinct, type CircuitTask, type WordPrompt } from './task.js';

const FUNCS = ['load', 'save', 'run', 'parse', 'check', 'build'];
const ARGS = ['path', 'mode', 'size', 'name', 'data', 'key', 'value', 'count', 'shape', 'seed', 'step', 'rate'];
const DESC = ['the', 'a', 'new', 'old', 'file', 'item'];

export function docstringTask(): CircuitTask {
  const vocab = ['def', '(', ',', ')', ':', '"""', ':param', ...FUNCS, ...ARGS, ...DESC];
  const prompt = (rng: Rng): WordPrompt => {
    const [a1, a2, a3, x1, x2, x3] = pickDistinct(rng, ARGS, 6);
    const f = pick(rng, FUNCS);
    const [d0, d1, d2] = [pick(rng, DESC), pick(rng, DESC), pick(rng, DESC)];
    const text = (p: string, q: string, r: string) => ['def', f, '(', p, ',', q, ',', r, ')', ':', '"""', d0, ':param', a1, ':', d1, ':param', a2, ':', d2, ':param'];
    return { clean: text(a1, a2, a3), corrupt: text(x1, x2, x3), correct: [a3], wrong: [x3] };
  };
  return {
    name: 'docstring',
    description: 'predict the next :param name of a docstring from the function signature; corrupt prompts rename the arguments',
    vocab,
    seqLen: 21,
    model: { nLayers: 2, nHeads: 4, dModel: 64, attnOnly: true },
    trainSteps: 800,
    lr: 3e-3,
    generate(rng: Rng, count: number) {
      return datasetFromWords('docstring', vocab, Array.from({ length: count }, () => prompt(rng)));
    },
    trainingExample: (rng: Rng) => answerExample(vocab, prompt(rng)),
  };
}
