// Registers tfjs-core's gradients in Node (see scripts/bundle-tfjs-gradients.mjs for why a bundle).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
// @ts-expect-error: plain ESM script without type declarations
import { GRADIENTS_BUNDLE, bundleTfjsGradients } from '../../scripts/bundle-tfjs-gradients.mjs';

if (!existsSync(GRADIENTS_BUNDLE as string)) (bundleTfjsGradients as () => string)();
createRequire(import.meta.url)(GRADIENTS_BUNDLE as string);
