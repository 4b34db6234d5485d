import { test } from 'node:test';
import { tf } from '../../tfjs.js';
import { Rng } from '../../rng.js';
import { compareBackends, nativeSkipReason, randn } from '../testing.js';

const skip = nativeSkipReason();

// [x shape NHWC, filter KH,KW,Cin,Cout, strides, pad, dilation]
const CASES: [number[], number[], number | [number, number], 'same' | 'valid' | number, number][] = [
  [[2, 9, 9, 8], [3, 3, 8, 16], 1, 'same', 1],
  [[2, 9, 9, 8], [1, 1, 8, 16], 1, 'same', 1],
  [[1, 10, 7, 3], [3, 3, 3, 5], 2, 'same', 1],
  [[3, 11, 11, 4], [5, 5, 4, 6], 2, 'valid', 1],
  [[1, 12, 12, 4], [3, 3, 4, 4], 1, 'same', 2],
  [[2, 8, 8, 5], [2, 3, 5, 7], [2, 1], 1, 1],
  [[1, 19, 19, 22], [5, 5, 22, 32], 1, 'same', 1],
  // Several im2col blocks of uneven pixel counts split across threads.
  [[3, 19, 19, 40], [3, 3, 40, 24], 1, 'same', 1],
  // Winograd F(2x2, 3x3): 3x3 'same', 400 tiles, odd height and width (clipped edge tiles).
  [[4, 19, 19, 16], [3, 3, 16, 24], 1, 'same', 1],
];

test('conv2d and both backprops match cpu (strides, padding, dilation, 1x1)', { skip }, () => {
  const rng = new Rng(50);
  for (const [xs, fs, strides, pad, dil] of CASES) {
    const xv = randn(rng, xs), fv = randn(rng, fs);
    const label = `x [${xs}] f [${fs}] s=${strides} pad=${pad} dil=${dil}`;
    const f = () => tf.conv2d(tf.tensor4d(xv, xs as [number, number, number, number]), tf.tensor4d(fv, fs as [number, number, number, number]), strides, pad, 'NHWC', dil);
    compareBackends(`conv ${label}`, f, 1e-4, 1e-3);
    if (dil === 1) {
      const loss = (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, pad)));
      compareBackends(`conv grads ${label}`, () => tf.grads(loss)([tf.tensor4d(xv, xs as [number, number, number, number]), tf.tensor4d(fv, fs as [number, number, number, number])]), 1e-3, 1e-2);
    }
  }
});

test('fused conv2d with bias and activation matches cpu (im2col, Winograd, 1x1; bias shapes)', { skip }, () => {
  const rng = new Rng(51);
  // [x shape, filter shape]: im2col 3x3, Winograd 3x3 (400 tiles), pointwise 1x1, strided 3x3.
  const shapes: [number[], number[], number][] = [
    [[2, 9, 9, 8], [3, 3, 8, 16], 1],
    [[4, 19, 19, 16], [3, 3, 16, 24], 1],
    [[2, 9, 9, 8], [1, 1, 8, 16], 1],
    [[2, 9, 9, 8], [3, 3, 8, 16], 2],
  ];
  for (const [xs, fs, strides] of shapes) {
    const xv = randn(rng, xs), fv = randn(rng, fs), bv = randn(rng, [fs[3]]);
    const x4 = () => tf.tensor4d(xv, xs as [number, number, number, number]);
    const f4 = () => tf.tensor4d(fv, fs as [number, number, number, number]);
    for (const activation of ['linear', 'relu', 'relu6', 'sigmoid', 'elu', 'leakyrelu'] as const) {
      compareBackends(`fused conv x [${xs}] f [${fs}] s=${strides} ${activation}`, () => tf.fused.conv2d({
        x: x4(), filter: f4(), strides, pad: 'same', bias: tf.tensor1d(bv), activation, leakyreluAlpha: 0.3,
      }), 1e-4, 1e-3);
    }
    compareBackends(`fused conv x [${xs}] no bias relu`, () => tf.fused.conv2d({ x: x4(), filter: f4(), strides, pad: 'same', activation: 'relu' }), 1e-4, 1e-3);
    compareBackends(`fused conv x [${xs}] bias [1,1,1,C]`, () => tf.fused.conv2d({
      x: x4(), filter: f4(), strides, pad: 'same', bias: tf.tensor4d(bv, [1, 1, 1, fs[3]]), activation: 'relu',
    }), 1e-4, 1e-3);
    compareBackends(`fused conv x [${xs}] scalar bias`, () => tf.fused.conv2d({
      x: x4(), filter: f4(), strides, pad: 'same', bias: tf.scalar(0.5), activation: 'relu',
    }), 1e-4, 1e-3);
  }
});
