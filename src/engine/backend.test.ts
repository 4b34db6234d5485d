import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from './tfjs.js';
import { initBackend } from './backend.js';

test('a backend initialises and gradients are registered', async () => {
  const info = await initBackend();
  assert.ok(['native', 'cpu'].includes(info.name));
  assert.equal(tf.getBackend(), info.name);
  // d/dx sum(x * x) = 2x, through tfjs-core's registered gradients
  const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(x, x)))(tf.tensor1d([1, -2, 3]));
  assert.deepEqual(Array.from(g.dataSync()), [2, -4, 6]);
  const gm = tf.grad((x: tf.Tensor) => tf.sum(tf.matMul(x, tf.transpose(x))))(tf.tensor2d([[1, 2], [3, 4]]));
  // d/dX sum(X X^T) = 2 * (column sums of X broadcast) : each entry = 2 * sum over rows of X in that column
  assert.deepEqual(Array.from(gm.dataSync()), [8, 12, 8, 12]);
});

test('the cpu backend can be asked for explicitly', async () => {
  const info = await initBackend('cpu');
  assert.equal(info.name, 'cpu');
  assert.equal(info.fallbackReason, null);
});
