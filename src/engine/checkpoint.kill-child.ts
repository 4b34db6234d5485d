// Test helper for checkpoint.test.ts: resumes from the checkpoint in argv[2] (if any) and then
// saves checkpoints in a tight loop until it is killed. Prints one line after its first save.
// It uses the file layer directly (no tfjs) so that it starts quickly.
import { readCheckpointFiles, writeCheckpointFiles } from './checkpoint-store.js';

const dir = process.argv[2];
const prev = readCheckpointFiles(dir);
let step = prev ? (prev.state as { step: number }).step : 0;
for (let saves = 0; ; saves++) {
  step++;
  const big = new Float32Array(256 * 1024).fill(step);
  writeCheckpointFiles(dir, {
    tensors: { big: { dtype: 'F32', shape: [big.length], data: big }, step: { dtype: 'I32', shape: [], data: new Int32Array([step]) } },
    state: { step },
  });
  if (saves === 0) process.stdout.write('saved\n');
}
