// Docstring argument prediction (after Heimersheim & Janiak's docstring task): "def load ( seed ,
// path , mode , size , step ) : """ the :param path : file :param mode : new :param" -> "size".
// The signature has five arguments; the docstring documents a run of three of them (the
// run starts at argument 1, 2 or 3, so the answer's position varies and a model has to find the
// last documented name in the signature and copy the argument after it, rather than copy a fixed
// position). Corrupt prompt, the "random_random" corruption used by ACDC and auto-circuit: the
// run's three arguments in the signature and the two documented names are replaced by five
// fresh names, so the docstring matches nothing in the signature. Wrong answers: every other
// argument name of the clean and corrupt prompts (as auto-circuit's dataset; logit metrics
// average over them).
import type { Rng } from '../../engine/rng.js';
import { answerExample, datasetFromWords, pick, pickDistinct, type CircuitTask, type WordPrompt } from './task.js';

const FUNCS = ['load', 'save', 'run', 'parse', 'check', 'build'];
const ARGS = ['path', 'mode', 'size', 'name', 'data', 'key', 'value', 'count', 'shape', 'seed', 'step', 'rate'];
const DESC = ['the', 'a', 'new', 'old', 'big', 'item'];
const DEF_ARGS = 5;
const RUN = 3;

export function docstringTask(): CircuitTask {
  const vocab = ['def', '(', ',', ')', ':', '"""', ':param', ...FUNCS, ...ARGS, ...DESC];
  const prompt = (rng: Rng): WordPrompt => {
    const names = pickDistinct(rng, ARGS, DEF_ARGS + RUN + RUN - 1);
    const def = names.slice(0, DEF_ARGS);
    const freshDef = names.slice(DEF_ARGS, DEF_ARGS + RUN);
    const freshDoc = names.slice(DEF_ARGS + RUN);
    const start = rng.int(DEF_ARGS - RUN + 1);
    const f = pick(rng, FUNCS);
    const [d0, d1, d2] = [pick(rng, DESC), pick(rng, DESC), pick(rng, DESC)];
    const text = (args: string[], [p1, p2]: string[]) => [
      'def', f, '(', ...args.flatMap((a, i) => (i === 0 ? [a] : [',', a])), ')', ':',
      '"""', d0, ':param', p1, ':', d1, ':param', p2, ':', d2, ':param',
    ];
    const answer = def[start + RUN - 1];
    const corruptDef = def.map((a, i) => (i >= start && i < start + RUN ? freshDef[i - start] : a));
    return {
      clean: text(def, def.slice(start, start + RUN - 1)),
      corrupt: text(corruptDef, freshDoc),
      correct: [answer],
      wrong: names.filter((n) => n !== answer),
      metadata: { template: `start-${start}` },
    };
  };
  return {
    name: 'docstring',
    description: 'predict the next :param name of a docstring from the function signature (the documented run starts at a random argument); corrupt prompts replace the run and the documented names with fresh names',
    vocab,
    seqLen: 25,
    // Learning the lookup is a phase change whose timing varies with the seed. Measured (batch
    // 64): d_model 64 stayed at the 1-in-3 guess for 3000-6000 steps (one seed of two learned at
    // lr 1e-2); d_model 128 with 20 names learned for seeds 0, 2, 3 but reached 92% (seed 1) and
    // 66% (seed 4) only; with these 12 names seed 4 reached 99% in 3000 steps.
    model: { nLayers: 2, nHeads: 4, dModel: 128, attnOnly: true },
    trainSteps: 3000,
    lr: 3e-3,
    generate(rng: Rng, count: number) {
      return datasetFromWords('docstring', vocab, Array.from({ length: count }, () => prompt(rng)));
    },
    // Training also asks for the second documented name after the second ":param" (the argument
    // after the first documented one): the same lookup, twice the signal.
    trainingExample: (rng: Rng) => {
      const p = prompt(rng);
      const ex = answerExample(vocab, p);
      const second = p.clean.lastIndexOf(':param', p.clean.length - 2);
      return { tokens: ex.tokens, targets: [{ pos: second, tokens: [vocab.indexOf(p.clean[second + 1])] }, ...ex.targets] };
    },
  };
}
