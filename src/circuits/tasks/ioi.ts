// Indirect object identification: "When Mary and John went to the store , John gave a drink to"
// -> " Mary". The names appear as ABBA or BABA (the subject repeated second or first); three
// sentence templates, names, places and objects. The corrupt prompt uses three fresh names (ABC),
// so it carries no information about which name is the indirect object. Wrong answer: the subject.
import type { Rng } from '../../engine/rng.js';
import { answerExample, datasetFromWords, pick, pickDistinct, type CircuitTask, type WordPrompt } from './task.js';

const NAMES = ['Mary', 'John', 'Alice', 'Bob', 'Sarah', 'Tom', 'Anna', 'Paul', 'Kate', 'Mark', 'Lucy', 'James'];
const PLACES = ['store', 'park', 'school', 'garden', 'station', 'office'];
const OBJECTS = ['drink', 'book', 'ring', 'bone', 'kiss', 'letter'];
/** Every template has 14 tokens; [A] [B] are the first two names, [S] the repeated subject. */
const TEMPLATES = [
  'When [A] and [B] went to the [PLACE] , [S] gave a [OBJECT] to',
  'Then [A] and [B] were at the [PLACE] . [S] gave the [OBJECT] to',
  'After [A] and [B] went to the [PLACE] , [S] passed a [OBJECT] to',
];

function fill(template: string, a: string, b: string, s: string, place: string, object: string): string[] {
  return template.replace('[A]', a).replace('[B]', b).replace('[S]', s).replace('[PLACE]', place).replace('[OBJECT]', object).split(' ');
}

export function ioiTask(): CircuitTask {
  const words = new Set<string>();
  for (const t of TEMPLATES) for (const w of t.split(' ')) if (!w.startsWith('[')) words.add(w);
  const vocab = [...words, ...NAMES, ...PLACES, ...OBJECTS];
  const prompt = (rng: Rng): WordPrompt => {
    const t = rng.int(TEMPLATES.length);
    const [io, s, c1, c2, c3] = pickDistinct(rng, NAMES, 5);
    const place = pick(rng, PLACES);
    const object = pick(rng, OBJECTS);
    const abba = rng.int(2) === 0;
    const [a, b] = abba ? [io, s] : [s, io];
    return {
      clean: fill(TEMPLATES[t], a, b, s, place, object),
      corrupt: fill(TEMPLATES[t], c1, c2, c3, place, object),
      correct: [io],
      wrong: [s],
      metadata: { template: `${abba ? 'ABBA' : 'BABA'}-${t}` },
    };
  };
  return {
    name: 'ioi',
    description: 'indirect object identification (ABBA and BABA orders, 3 templates); corrupt prompts use three fresh names (ABC)',
    vocab,
    seqLen: 14,
    model: { nLayers: 2, nHeads: 4, dModel: 64, attnOnly: false },
    trainSteps: 800,
    lr: 3e-3,
    generate(rng: Rng, count: number) {
      return datasetFromWords('ioi', vocab, Array.from({ length: count }, () => prompt(rng)));
    },
    trainingExample: (rng: Rng) => answerExample(vocab, prompt(rng)),
  };
}
