// Chooses and initialises the tfjs backend: GLASSBOX_BACKEND=native|cpu|wasm.
// The default is `native` where its addon loads, otherwise `cpu` with one clear warning.
import { tf } from './tfjs.js';

export type BackendName = 'native' | 'cpu' | 'wasm';
export const BACKEND_NAMES: readonly BackendName[] = ['native', 'cpu', 'wasm'];

export interface BackendInfo {
  /** The backend in use. */
  name: BackendName;
  /** What was asked for (environment variable or argument), if anything. */
  requested: BackendName | null;
  /** Why the requested or default backend is not the one in use, if so. */
  fallbackReason: string | null;
  /** Native addon facts (BLAS library, threads), when the native backend is in use. */
  details: Record<string, unknown>;
}

/** A loader for the native backend: registers the `native` tfjs backend and returns its details. */
export type NativeLoader = () => Promise<Record<string, unknown>>;

// The native engine module (src/engine/native/) is loaded by path so that the rest of the
// engine works, and type-checks, whether or not it exists on this checkout.
const NATIVE_MODULE = './native/index.js';

let current: BackendInfo | null = null;
let warned = false;

function parseBackendName(value: string | undefined): BackendName | null {
  if (value === undefined || value === '') return null;
  const v = value.trim().toLowerCase();
  if ((BACKEND_NAMES as readonly string[]).includes(v)) return v as BackendName;
  throw new Error(`GLASSBOX_BACKEND must be one of ${BACKEND_NAMES.join(', ')}; got "${value}"`);
}

async function loadNative(): Promise<Record<string, unknown>> {
  const mod = (await import(NATIVE_MODULE)) as { registerNativeBackend: NativeLoader };
  return mod.registerNativeBackend();
}

async function loadWasm(): Promise<void> {
  const pkg = '@tensorflow/tfjs-backend-wasm';
  try {
    await import(pkg);
  } catch {
    throw new Error(`the wasm backend needs the optional package ${pkg} (npm install ${pkg})`);
  }
}

/**
 * Initialises the backend once per process. `name` overrides GLASSBOX_BACKEND. Asking for a
 * backend that cannot load falls back to `cpu` with a single warning on stderr.
 */
export async function initBackend(name?: BackendName): Promise<BackendInfo> {
  const requested = name ?? parseBackendName(process.env.GLASSBOX_BACKEND);
  if (current && (requested === null || requested === current.requested)) return current;
  const want: BackendName = requested ?? 'native';
  let fallbackReason: string | null = null;
  let details: Record<string, unknown> = {};
  let chosen: BackendName = 'cpu';
  try {
    if (want === 'native') details = await loadNative();
    else if (want === 'wasm') await loadWasm();
    if (!(await tf.setBackend(want))) throw new Error(`tfjs could not initialise the ${want} backend`);
    chosen = want;
  } catch (err) {
    fallbackReason = describeLoadError(want, err);
    await tf.setBackend('cpu');
  }
  await tf.ready();
  if (fallbackReason && !warned) {
    warned = true;
    process.stderr.write(`glassbox: warning: ${fallbackReason}; using the pure-JS cpu backend (slow).\n`);
  }
  current = { name: chosen, requested, fallbackReason, details };
  return current;
}

function describeLoadError(want: BackendName, err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (want === 'native' && /Cannot find module|ERR_MODULE_NOT_FOUND/.test(msg)) {
    return 'the native backend is not available (its addon is not built)';
  }
  return `the ${want} backend could not load: ${msg.split('\n')[0]}`;
}

/** The backend chosen by initBackend, or null before it ran. */
export function backendInfo(): BackendInfo | null {
  return current;
}
