// Keys and values of the positions already processed, per layer, so generation feeds only the
// new tokens through the model. Keys are stored after rotary embedding, as attention uses them.
import { tf } from '../../engine/tfjs.js';
import type { Tensor } from '../../engine/tfjs.js';

export class KvCache {
  /** Per layer: [batch, head, pastPos, dHead], or null before the first step. */
  private readonly keys: (Tensor | null)[];
  private readonly values: (Tensor | null)[];

  constructor(readonly nLayers: number) {
    this.keys = new Array(nLayers).fill(null);
    this.values = new Array(nLayers).fill(null);
  }

  /** Number of positions cached so far. */
  get length(): number {
    return this.keys[0]?.shape[2] ?? 0;
  }

  get batch(): number | null {
    return this.keys[0]?.shape[0] ?? null;
  }

  /**
   * Appends this step's keys and values ([batch, head, newPos, dHead]) for `layer` and returns
   * all of them (past + new). The cache keeps its own references; the caller's tensors may be freed.
   */
  append(layer: number, k: Tensor, v: Tensor): { k: Tensor; v: Tensor } {
    const pastK = this.keys[layer];
    const pastV = this.values[layer];
    const allK = pastK ? tf.concat([pastK, k], 2) : k;
    const allV = pastV ? tf.concat([pastV, v], 2) : v;
    const keptK = tf.keep(tf.clone(allK));
    const keptV = tf.keep(tf.clone(allV));
    pastK?.dispose();
    pastV?.dispose();
    this.keys[layer] = keptK;
    this.values[layer] = keptV;
    return { k: allK, v: allV };
  }

  dispose(): void {
    for (let l = 0; l < this.nLayers; l++) {
      this.keys[l]?.dispose();
      this.values[l]?.dispose();
      this.keys[l] = null;
      this.values[l] = null;
    }
  }
}
