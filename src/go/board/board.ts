// The board: stones in a padded 1-D array (one wall column shared by left and right edges, one wall
// row above and below), chains kept incrementally as circular linked lists with a head, a stone count
// and an exact liberty count, an empty-point list, simple-ko point, capture counts and a Zobrist hash.
// It knows the rules of a single move (captures, suicide, simple ko); history-dependent rules
// (superko, passes, game end) live in game.ts.
import { BLACK, EMPTY, WALL, WHITE, type Color, type Point, PASS, MAX_SIZE, checkBoardSize, opponent } from './coords.js';
import { ZOBRIST } from './zobrist.js';

export class Board {
  readonly width: number;
  readonly height: number;
  /** Row stride of the padded array: width + 1. */
  readonly stride: number;
  /** Number of points on the board. */
  readonly area: number;
  /** EMPTY, BLACK, WHITE or WALL for every padded location. */
  readonly stones: Uint8Array;
  /** Offsets of the four orthogonal neighbours. */
  readonly adj: Int32Array;
  /** Location that the player to move may not play because of simple ko, or PASS (-1) for none. */
  koLoc = PASS;
  /** Stones captured so far by each colour: captures[BLACK] = white stones black has taken. */
  readonly captures = new Int32Array(3);
  hashLo = 0;
  hashHi = 0;

  private readonly head: Int16Array;
  private readonly next: Int16Array;
  private readonly libs: Int16Array;
  private readonly size: Int16Array;
  private readonly emptyList: Int16Array;
  private readonly emptyIndex: Int16Array;
  private emptyCount = 0;
  private readonly marks: Uint32Array;
  private markGen = 0;
  /** Zobrist key words per location and colour: keys[(loc * 2 + colour - 1) * 2 + word]. */
  private readonly keys: Uint32Array;

  constructor(width: number, height: number = width) {
    checkBoardSize(width, height);
    this.width = width;
    this.height = height;
    this.stride = width + 1;
    this.area = width * height;
    const n = (height + 2) * this.stride + 1;
    this.stones = new Uint8Array(n).fill(WALL);
    this.head = new Int16Array(n);
    this.next = new Int16Array(n);
    this.libs = new Int16Array(n);
    this.size = new Int16Array(n);
    this.emptyList = new Int16Array(this.area);
    this.emptyIndex = new Int16Array(n).fill(-1);
    this.marks = new Uint32Array(n);
    this.keys = new Uint32Array(n * 4);
    this.adj = new Int32Array([-1, 1, -this.stride, this.stride]);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const loc = this.loc(x, y);
        this.stones[loc] = EMPTY;
        this.emptyIndex[loc] = this.emptyCount;
        this.emptyList[this.emptyCount++] = loc;
        for (let c = 0; c < 2; c++) {
          for (let w = 0; w < 2; w++) this.keys[(loc * 2 + c) * 2 + w] = ZOBRIST.points[((y * MAX_SIZE + x) * 2 + c) * 2 + w];
        }
      }
    }
    this.hashLo = ZOBRIST.sizes[width * 2] ^ ZOBRIST.sizes[(MAX_SIZE + 1 + height) * 2];
    this.hashHi = ZOBRIST.sizes[width * 2 + 1] ^ ZOBRIST.sizes[(MAX_SIZE + 1 + height) * 2 + 1];
  }

  loc(x: number, y: number): number {
    return (y + 1) * this.stride + x + 1;
  }
  xOf(loc: number): number {
    return (loc % this.stride) - 1;
  }
  yOf(loc: number): number {
    return Math.floor(loc / this.stride) - 1;
  }
  /** Index of a location in row-major order, top row first (y * width + x). */
  indexOf(loc: number): number {
    return this.yOf(loc) * this.width + this.xOf(loc);
  }
  locOfPoint(p: Point): number {
    if (p === 'pass') return PASS;
    if (!Number.isInteger(p.x) || !Number.isInteger(p.y) || p.x < 0 || p.y < 0 || p.x >= this.width || p.y >= this.height) {
      throw new Error(`point (${p.x}, ${p.y}) is off the ${this.width}x${this.height} board`);
    }
    return this.loc(p.x, p.y);
  }
  pointOf(loc: number): Point {
    return loc === PASS ? 'pass' : { x: this.xOf(loc), y: this.yOf(loc) };
  }
  isOnBoard(loc: number): boolean {
    return loc >= 0 && loc < this.stones.length && this.stones[loc] !== WALL;
  }

  get numEmpty(): number {
    return this.emptyCount;
  }
  /** The i-th empty location (order changes as stones come and go). */
  emptyAt(i: number): number {
    return this.emptyList[i];
  }

  chainHead(loc: number): number {
    return this.head[loc];
  }
  /** Exact number of liberties of the chain at loc (which must hold a stone). */
  liberties(loc: number): number {
    return this.libs[this.head[loc]];
  }
  chainSize(loc: number): number {
    return this.size[this.head[loc]];
  }
  /** Locations of the stones of the chain at loc. */
  chainStones(loc: number): number[] {
    const out: number[] = [];
    const h = this.head[loc];
    let cur = h;
    do {
      out.push(cur);
      cur = this.next[cur];
    } while (cur !== h);
    return out;
  }
  /** Next stone in the chain's circular list. */
  nextInChain(loc: number): number {
    return this.next[loc];
  }

  /** Would playing `color` at the empty point loc leave its own chain without liberties (after captures)? */
  isSuicide(loc: number, color: Color): boolean {
    const opp = opponent(color);
    for (let i = 0; i < 4; i++) {
      const n = loc + this.adj[i];
      const s = this.stones[n];
      if (s === EMPTY) return false;
      if (s === color) {
        if (this.libs[this.head[n]] > 1) return false;
      } else if (s === opp) {
        if (this.libs[this.head[n]] === 1) return false;
      }
    }
    return true;
  }

  /** Does loc touch any stone of `color`? */
  touches(loc: number, color: Color): boolean {
    for (let i = 0; i < 4; i++) if (this.stones[loc + this.adj[i]] === color) return true;
    return false;
  }

  /**
   * Legal by the rules of a single move: on an empty point, not the simple-ko point (when checkKo),
   * not single-stone suicide, and multi-stone suicide only when allowed. Superko is checked by Game.
   */
  isLegalIgnoringSuperko(loc: number, color: Color, multiStoneSuicideLegal: boolean, checkKo: boolean): boolean {
    if (loc === PASS) return true;
    if (!this.isOnBoard(loc) || this.stones[loc] !== EMPTY) return false;
    if (checkKo && loc === this.koLoc) return false;
    if (this.isSuicide(loc, color)) return multiStoneSuicideLegal && this.touches(loc, color);
    return true;
  }

  /**
   * Why the move would be illegal by the single-move rules, or null. Same checks as isLegalIgnoringSuperko.
   */
  illegalReason(loc: number, color: Color, multiStoneSuicideLegal: boolean, checkKo: boolean): string | null {
    if (loc === PASS) return null;
    if (!this.isOnBoard(loc)) return 'off the board';
    if (this.stones[loc] !== EMPTY) return 'point is occupied';
    if (checkKo && loc === this.koLoc) return 'ko recapture';
    if (this.isSuicide(loc, color)) {
      if (!this.touches(loc, color)) return 'single-stone suicide';
      if (!multiStoneSuicideLegal) return 'multi-stone suicide is not allowed by these rules';
    }
    return null;
  }

  /** Hash of the position that playing color at loc (legal) would produce, as [lo, hi]. */
  hashAfterPlay(loc: number, color: Color): [number, number] {
    if (loc === PASS) return [this.hashLo, this.hashHi];
    const k = (loc * 2 + color - 1) * 2;
    let lo = this.hashLo ^ this.keys[k];
    let hi = this.hashHi ^ this.keys[k + 1];
    const opp = opponent(color);
    let seen0 = -1, seen1 = -1, seen2 = -1;
    let captured = false;
    for (let i = 0; i < 4; i++) {
      const n = loc + this.adj[i];
      if (this.stones[n] !== opp) continue;
      const h = this.head[n];
      if (h === seen0 || h === seen1 || h === seen2) continue;
      if (i === 0) seen0 = h; else if (i === 1) seen1 = h; else seen2 = h;
      if (this.libs[h] !== 1) continue;
      captured = true;
      let cur = h;
      do {
        const kk = (cur * 2 + opp - 1) * 2;
        lo ^= this.keys[kk];
        hi ^= this.keys[kk + 1];
        cur = this.next[cur];
      } while (cur !== h);
    }
    if (!captured && this.isSuicide(loc, color)) {
      // Multi-stone suicide: the new stone and every own chain it joins disappear.
      lo ^= this.keys[k];
      hi ^= this.keys[k + 1];
      let s0 = -1, s1 = -1, s2 = -1;
      for (let i = 0; i < 4; i++) {
        const n = loc + this.adj[i];
        if (this.stones[n] !== color) continue;
        const h = this.head[n];
        if (h === s0 || h === s1 || h === s2) continue;
        if (i === 0) s0 = h; else if (i === 1) s1 = h; else s2 = h;
        let cur = h;
        do {
          const kk = (cur * 2 + color - 1) * 2;
          lo ^= this.keys[kk];
          hi ^= this.keys[kk + 1];
          cur = this.next[cur];
        } while (cur !== h);
      }
    }
    return [lo >>> 0, hi >>> 0];
  }

  /** Passing clears the simple-ko point. */
  pass(): void {
    this.koLoc = PASS;
  }

  /**
   * Plays color at loc, which must satisfy isLegalIgnoringSuperko (with suicide allowed if it is
   * a multi-stone suicide). Returns the number of stones removed (captures, or own stones on suicide).
   */
  play(loc: number, color: Color): number {
    if (loc === PASS) {
      this.pass();
      return 0;
    }
    const opp = opponent(color);
    this.stones[loc] = color;
    this.removeEmpty(loc);
    const k = (loc * 2 + color - 1) * 2;
    this.hashLo = (this.hashLo ^ this.keys[k]) >>> 0;
    this.hashHi = (this.hashHi ^ this.keys[k + 1]) >>> 0;
    this.head[loc] = loc;
    this.next[loc] = loc;
    this.size[loc] = 1;
    const adj = this.adj;
    const st = this.stones;

    // Join own neighbouring chains, keeping the liberty count exact. With one neighbouring chain
    // (the common case) the count is updated from the new stone's empty neighbours alone.
    let own0 = -1, own1 = -1, own2 = -1, nOwn = 0;
    for (let i = 0; i < 4; i++) {
      const n = loc + adj[i];
      if (st[n] !== color) continue;
      const h = this.head[n];
      if (h === own0 || h === own1 || h === own2) continue;
      if (nOwn === 0) own0 = h; else if (nOwn === 1) own1 = h; else own2 = h;
      nOwn++;
    }
    if (nOwn === 0) {
      let l = 0;
      for (let i = 0; i < 4; i++) if (st[loc + adj[i]] === EMPTY) l++;
      this.libs[loc] = l;
    } else if (nOwn === 1) {
      const h = own0;
      let l = this.libs[h] - 1;
      for (let i = 0; i < 4; i++) {
        const e = loc + adj[i];
        if (st[e] !== EMPTY) continue;
        let touches = false;
        for (let j = 0; j < 4; j++) {
          const f = e + adj[j];
          if (st[f] === color && this.head[f] === h) { touches = true; break; }
        }
        if (!touches) l++;
      }
      this.head[loc] = h;
      this.next[loc] = this.next[h];
      this.next[h] = loc;
      this.size[h]++;
      this.libs[h] = l;
    } else {
      for (let i = 0; i < 4; i++) {
        const n = loc + adj[i];
        if (st[n] === color && this.head[n] !== this.head[loc]) this.merge(this.head[loc], this.head[n]);
      }
      const h = this.head[loc];
      this.libs[h] = this.countLiberties(h);
    }
    // Take a liberty from each neighbouring opponent chain once; capture those left with none
    // (which gives liberties back to the chains around them, the new one included).
    let captured = 0;
    let lastCaptured = PASS;
    let seen0 = -1, seen1 = -1, seen2 = -1;
    for (let i = 0; i < 4; i++) {
      const n = loc + adj[i];
      if (st[n] !== opp) continue;
      const h = this.head[n];
      if (h === seen0 || h === seen1 || h === seen2) continue;
      if (i === 0) seen0 = h; else if (i === 1) seen1 = h; else seen2 = h;
      if (--this.libs[h] === 0) {
        captured += this.removeChain(h, opp);
        lastCaptured = h;
      }
    }
    this.captures[color] += captured;
    const h = this.head[loc];
    this.koLoc = captured === 1 && this.size[h] === 1 && this.libs[h] === 1 ? lastCaptured : PASS;
    if (this.libs[h] === 0) {
      const lost = this.removeChain(h, color);
      this.captures[opp] += lost;
      return lost;
    }
    return captured;
  }

  /** A point an eye-like shape of `color`: all neighbours own or wall, and few enough opposing diagonals. */
  isEyeLike(loc: number, color: Color): boolean {
    for (let i = 0; i < 4; i++) {
      const s = this.stones[loc + this.adj[i]];
      if (s !== color && s !== WALL) return false;
    }
    const opp = 3 - color;
    const st = this.stride;
    const a = this.stones[loc - st - 1], b = this.stones[loc - st + 1], c = this.stones[loc + st - 1], d = this.stones[loc + st + 1];
    const oppDiag = (a === opp ? 1 : 0) + (b === opp ? 1 : 0) + (c === opp ? 1 : 0) + (d === opp ? 1 : 0);
    const atEdge = a === WALL || b === WALL || c === WALL || d === WALL;
    return atEdge ? oppDiag === 0 : oppDiag <= 1;
  }

  /**
   * Sets a point directly (setup stones, SGF AB/AW/AE), then rebuilds chains and hash. Throws if a
   * chain is left without liberties.
   */
  setStones(entries: { loc: number; color: Color | typeof EMPTY }[]): void {
    for (const { loc, color } of entries) {
      if (!this.isOnBoard(loc)) throw new Error(`setup point ${loc} is off the board`);
      this.stones[loc] = color;
    }
    this.rebuild();
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) {
        const loc = this.loc(x, y);
        if (this.stones[loc] !== EMPTY && this.libs[this.head[loc]] === 0) {
          throw new Error(`setup leaves the chain at (${x}, ${y}) without liberties`);
        }
      }
    }
    this.koLoc = PASS;
  }

  clone(): Board {
    const b = new Board(this.width, this.height);
    b.copyFrom(this);
    return b;
  }

  copyFrom(o: Board): void {
    if (o.width !== this.width || o.height !== this.height) throw new Error('Board.copyFrom: sizes differ');
    this.stones.set(o.stones);
    this.head.set(o.head);
    this.next.set(o.next);
    this.libs.set(o.libs);
    this.size.set(o.size);
    this.emptyList.set(o.emptyList);
    this.emptyIndex.set(o.emptyIndex);
    this.emptyCount = o.emptyCount;
    this.captures.set(o.captures);
    this.koLoc = o.koLoc;
    this.hashLo = o.hashLo;
    this.hashHi = o.hashHi;
  }

  /** Colour at (x, y). */
  at(x: number, y: number): number {
    return this.stones[this.loc(x, y)];
  }

  /** Text picture, top row first, with GTP coordinates; X = black, O = white. */
  toString(): string {
    const cols = 'ABCDEFGHJKLMNOPQRSTUVWXYZ'.slice(0, this.width).split('');
    const lines = [`   ${cols.join(' ')}`];
    for (let y = 0; y < this.height; y++) {
      const row = this.height - y;
      const cells: string[] = [];
      for (let x = 0; x < this.width; x++) {
        const s = this.at(x, y);
        cells.push(s === BLACK ? 'X' : s === WHITE ? 'O' : '.');
      }
      lines.push(`${String(row).padStart(2)} ${cells.join(' ')}`);
    }
    return lines.join('\n');
  }

  // ---- internals ----

  private merge(a: number, b: number): void {
    let big = a, small = b;
    if (this.size[a] < this.size[b]) { big = b; small = a; }
    let cur = small;
    do {
      this.head[cur] = big;
      cur = this.next[cur];
    } while (cur !== small);
    const t = this.next[big];
    this.next[big] = this.next[small];
    this.next[small] = t;
    this.size[big] += this.size[small];
  }

  private countLiberties(h: number): number {
    const gen = ++this.markGen;
    if (gen === 0xffffffff) { this.marks.fill(0); this.markGen = 1; }
    const g = this.markGen;
    let count = 0;
    let cur = h;
    do {
      for (let i = 0; i < 4; i++) {
        const n = cur + this.adj[i];
        if (this.stones[n] === EMPTY && this.marks[n] !== g) {
          this.marks[n] = g;
          count++;
        }
      }
      cur = this.next[cur];
    } while (cur !== h);
    return count;
  }

  /** Removes the chain with head h (of colour `color`); neighbouring chains gain liberties. */
  private removeChain(h: number, color: number): number {
    const other = 3 - color;
    let count = 0;
    let cur = h;
    do {
      this.stones[cur] = EMPTY;
      this.addEmpty(cur);
      const k = (cur * 2 + color - 1) * 2;
      this.hashLo = (this.hashLo ^ this.keys[k]) >>> 0;
      this.hashHi = (this.hashHi ^ this.keys[k + 1]) >>> 0;
      let s0 = -1, s1 = -1, s2 = -1;
      for (let i = 0; i < 4; i++) {
        const n = cur + this.adj[i];
        if (this.stones[n] !== other) continue;
        const nh = this.head[n];
        if (nh === s0 || nh === s1 || nh === s2) continue;
        if (i === 0) s0 = nh; else if (i === 1) s1 = nh; else s2 = nh;
        this.libs[nh]++;
      }
      count++;
      cur = this.next[cur];
    } while (cur !== h);
    return count;
  }

  private addEmpty(loc: number): void {
    this.emptyIndex[loc] = this.emptyCount;
    this.emptyList[this.emptyCount++] = loc;
  }

  private removeEmpty(loc: number): void {
    const i = this.emptyIndex[loc];
    const last = this.emptyList[--this.emptyCount];
    this.emptyList[i] = last;
    this.emptyIndex[last] = i;
    this.emptyIndex[loc] = -1;
  }

  /** Recomputes chains, liberties, empty list and hash from the stones array. */
  private rebuild(): void {
    this.emptyCount = 0;
    this.emptyIndex.fill(-1);
    this.hashLo = ZOBRIST.sizes[this.width * 2] ^ ZOBRIST.sizes[(MAX_SIZE + 1 + this.height) * 2];
    this.hashHi = ZOBRIST.sizes[this.width * 2 + 1] ^ ZOBRIST.sizes[(MAX_SIZE + 1 + this.height) * 2 + 1];
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) {
        const loc = this.loc(x, y);
        const s = this.stones[loc];
        if (s === EMPTY) {
          this.addEmpty(loc);
          continue;
        }
        const k = (loc * 2 + s - 1) * 2;
        this.hashLo ^= this.keys[k];
        this.hashHi ^= this.keys[k + 1];
        this.head[loc] = loc;
        this.next[loc] = loc;
        this.size[loc] = 1;
      }
    }
    this.hashLo >>>= 0;
    this.hashHi >>>= 0;
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) {
        const loc = this.loc(x, y);
        const s = this.stones[loc];
        if (s === EMPTY) continue;
        for (const d of [1, this.stride]) {
          const n = loc + d;
          if (this.stones[n] === s && this.head[n] !== this.head[loc]) this.merge(this.head[loc], this.head[n]);
        }
      }
    }
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) {
        const loc = this.loc(x, y);
        if (this.stones[loc] !== EMPTY && this.head[loc] === loc) this.libs[loc] = this.countLiberties(loc);
      }
    }
  }
}
