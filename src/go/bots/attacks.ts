// The hard-coded baseline attacks of the adversarial-policy paper (Wang et al. 2023, "Adversarial
// Policies Beat Superhuman Go AIs"; AlignmentResearch/go_attack `adversarial_policy.py`):
// - pass: always passes;
// - edge: a uniformly random legal move among those farthest from the centre in the L-infinity norm
//   (the outermost ring that still has a legal move);
// - spiral: the same ring, but the move with the largest angle atan2(dy, dx) around the centre, so
//   successive moves walk around the ring and then inward;
// - mirror: the opponent's last move reflected through the centre ((x, y) -> (W-1-x, H-1-y)), or
//   transposed ((x, y) -> (y, x)) when the move is on the anti-diagonal x = W-1-y; the legal move
//   closest to that point in L1 distance (ties: the first in board order). Passes when the opponent
//   passed; plays nearest the centre when there is no opponent move yet;
// (The paper's random baseline is RandomBot, random.ts.)
// Optionally wrapped like go_attack's PassingWrapper: after the opponent passes, pass when passing wins
// at once under the game's (Tromp-Taylor) score.
import { Rng } from '../../engine/rng.js';
import { PASS, type Color } from '../board/coords.js';
import type { Game } from '../board/game.js';
import { scoreGame } from '../board/scoring.js';
import type { Bot, BotMove } from './bot.js';

export const ATTACK_NAMES = ['pass', 'edge', 'spiral', 'mirror'] as const;
export type AttackName = (typeof ATTACK_NAMES)[number];

export interface AttackBotOptions {
  seed?: number;
  /** go_attack's PassingWrapper: answer a pass with a pass when that wins the game at once. */
  passWhenWinning?: boolean;
}

/** Centre-relative coordinates (floor(W/2), floor(H/2) is the centre, as go_attack uses size // 2). */
function centred(game: Game, loc: number): { dx: number; dy: number } {
  const b = game.board;
  return { dx: b.xOf(loc) - Math.floor(game.width / 2), dy: b.yOf(loc) - Math.floor(game.height / 2) };
}

function outermostRing(game: Game, legal: number[]): number[] {
  let max = -1;
  const norms = legal.map((loc) => {
    const { dx, dy } = centred(game, loc);
    const n = Math.max(Math.abs(dx), Math.abs(dy));
    if (n > max) max = n;
    return n;
  });
  return legal.filter((_, i) => norms[i] === max);
}

export function edgeMove(game: Game, color: Color, rng: Rng): number {
  const ring = outermostRing(game, game.legalMoves(color));
  return ring.length ? ring[rng.int(ring.length)] : PASS;
}

export function spiralMove(game: Game, color: Color): number {
  const ring = outermostRing(game, game.legalMoves(color));
  let best = PASS;
  let bestAngle = -Infinity;
  for (const loc of ring) {
    const { dx, dy } = centred(game, loc);
    const a = Math.atan2(dy, dx);
    if (a > bestAngle) {
      bestAngle = a;
      best = loc;
    }
  }
  return best;
}

/** The mirror target of the opponent's move at (x, y). */
export function mirrorPoint(x: number, y: number, width: number, height: number): { x: number; y: number } {
  if (x === width - 1 - y) return { x: y, y: x };
  return { x: width - 1 - x, y: height - 1 - y };
}

export function mirrorMove(game: Game, color: Color): number {
  const legal = game.legalMoves(color);
  if (!legal.length) return PASS;
  const last = game.moves[game.moves.length - 1];
  if (last && last.loc === PASS) return PASS;
  const b = game.board;
  const target = last ? mirrorPoint(b.xOf(last.loc), b.yOf(last.loc), game.width, game.height) : { x: Math.floor(game.width / 2), y: Math.floor(game.height / 2) };
  let best = legal[0];
  let bestD = Infinity;
  for (const loc of legal) {
    const d = Math.abs(b.xOf(loc) - target.x) + Math.abs(b.yOf(loc) - target.y);
    if (d < bestD) {
      bestD = d;
      best = loc;
    }
  }
  return best;
}

export class AttackBot implements Bot {
  readonly name: string;
  private readonly rng: Rng;

  constructor(readonly attack: AttackName, private readonly opts: AttackBotOptions = {}) {
    if (!ATTACK_NAMES.includes(attack)) throw new Error(`unknown attack '${attack}': expected one of ${ATTACK_NAMES.join(', ')}`);
    this.rng = new Rng(opts.seed ?? 0);
    this.name = `${attack} attack${opts.passWhenWinning ? ' (passes when passing wins)' : ''}`;
  }

  async genMove(game: Game, color: Color): Promise<BotMove> {
    const last = game.moves[game.moves.length - 1];
    if (this.opts.passWhenWinning && last && last.loc === PASS && last.color !== color) {
      const s = scoreGame(game).whiteMinusBlack;
      if ((color === 2 && s > 0) || (color === 1 && s < 0)) return PASS;
    }
    switch (this.attack) {
      case 'pass':
        return PASS;
      case 'edge':
        return edgeMove(game, color, this.rng);
      case 'spiral':
        return spiralMove(game, color);
      case 'mirror':
        return mirrorMove(game, color);
    }
  }
}
