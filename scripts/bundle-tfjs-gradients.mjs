// tfjs-core's CommonJS build (what Node loads) registers no gradients, and its ES module build
// cannot be imported by Node directly (extensionless imports). This bundles tfjs-core's own
// gradient registrations into one CommonJS file. Kernel and gradient registries are global in
// tfjs, so registrations made by the bundle reach the engine everyone else uses.
import { buildSync } from 'esbuild';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const GRADIENTS_BUNDLE = join(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'tfjs-gradients.cjs');

export function bundleTfjsGradients(outfile = GRADIENTS_BUNDLE) {
  const require = createRequire(import.meta.url);
  const entry = join(dirname(require.resolve('@tensorflow/tfjs-core/package.json')), 'dist', 'register_all_gradients.js');
  buildSync({ entryPoints: [entry], bundle: true, format: 'cjs', platform: 'node', outfile, logLevel: 'error', external: ['seedrandom'] });
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(`bundled tfjs gradients: ${bundleTfjsGradients()}`);
}
