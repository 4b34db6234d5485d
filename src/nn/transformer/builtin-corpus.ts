// A small built-in English-like corpus for training language models without downloads. It has
// structure a small transformer can learn: grammatical templates, fixed facts (each person
// always lives in the same city), counting sequences, and repeated phrases that reward induction.
import { Rng } from '../../engine/rng.js';

const ADJECTIVES = ['red', 'small', 'quiet', 'bright', 'old', 'clever', 'lazy', 'green'];
const NOUNS = ['cat', 'dog', 'robot', 'bird', 'teacher', 'farmer', 'child', 'painter'];
const VERBS = ['sees', 'follows', 'helps', 'finds', 'likes', 'watches'];
const NAMES = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'];
const CITIES = ['paris', 'tokyo', 'lima', 'oslo', 'cairo', 'quito', 'delhi', 'rome'];
const NUMBERS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/** `sentences` sentences of the built-in corpus, deterministic given `seed`. */
export function builtinCorpus(sentences: number, seed = 0): string {
  const rng = new Rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[rng.int(xs.length)];
  const home = new Map(NAMES.map((n, i) => [n, CITIES[(i * 3) % CITIES.length]]));
  const out: string[] = [];
  for (let i = 0; i < sentences; i++) {
    const kind = rng.int(4);
    if (kind === 0) {
      out.push(`the ${pick(ADJECTIVES)} ${pick(NOUNS)} ${pick(VERBS)} the ${pick(ADJECTIVES)} ${pick(NOUNS)}.`);
    } else if (kind === 1) {
      const name = pick(NAMES);
      out.push(`${name} lives in ${home.get(name)}.`);
    } else if (kind === 2) {
      const start = rng.int(5);
      out.push(`${NUMBERS.slice(start, start + 3 + rng.int(3)).join(' ')}.`);
    } else {
      const phrase = `${pick(NAMES)} and the ${pick(NOUNS)}`;
      out.push(`${phrase} met ${pick(NAMES)}, then ${phrase} left.`);
    }
  }
  return out.join(' ');
}
