// A small, fast, seeded random number generator (xoshiro128**, seeded through splitmix32).
// Every random choice in glassbox goes through an Rng so runs are reproducible from a seed,
// and its state can be saved in checkpoints so resumed runs continue the same stream.

export interface RngState {
  s: [number, number, number, number];
  spareNormal: number | null;
}

function splitmix32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Hash of a string to 32 bits (FNV-1a), for deriving named sub-streams. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
}

export class Rng {
  private s = new Uint32Array(4);
  private spareNormal: number | null = null;

  constructor(seed: number = 0) {
    if (!Number.isFinite(seed)) throw new Error(`Rng: seed must be a finite number, got ${seed}`);
    const sm = splitmix32(Math.floor(seed) >>> 0);
    for (let i = 0; i < 4; i++) this.s[i] = sm();
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** A uniformly distributed 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1), 53 bits of precision. */
  float(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.float();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!(n > 0) || !Number.isInteger(n)) throw new Error(`Rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.float() * n);
  }

  /** Standard normal (Box-Muller, caching the second value). */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.float();
    const v = this.float();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** Fills a Float32Array with normal samples. */
  normalArray(n: number, mean = 0, std = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal(mean, std);
    return out;
  }

  /** Fills a Float32Array with uniform samples in [lo, hi). */
  uniformArray(n: number, lo = 0, hi = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.uniform(lo, hi);
    return out;
  }

  /** Fisher-Yates shuffle in place; returns the array. */
  shuffle<T>(items: T[] | Int32Array | Uint32Array): typeof items {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    this.shuffle(p);
    return p;
  }

  /** An independent generator derived from this one's seed stream and a label, without advancing this one. */
  fork(label: string): Rng {
    const child = new Rng(0);
    const sm = splitmix32((this.s[0] ^ hashString(label)) >>> 0);
    for (let i = 0; i < 4; i++) child.s[i] = (sm() ^ this.s[i]) >>> 0;
    if ((child.s[0] | child.s[1] | child.s[2] | child.s[3]) === 0) child.s[0] = 1;
    return child;
  }

  getState(): RngState {
    return { s: [this.s[0], this.s[1], this.s[2], this.s[3]], spareNormal: this.spareNormal };
  }

  setState(state: RngState): void {
    if (!state || !Array.isArray(state.s) || state.s.length !== 4 || state.s.some((x) => !Number.isInteger(x) || x < 0 || x > 0xffffffff)) {
      throw new Error('Rng.setState: state must hold four 32-bit unsigned integers');
    }
    this.s.set(state.s);
    this.spareNormal = state.spareNormal ?? null;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
