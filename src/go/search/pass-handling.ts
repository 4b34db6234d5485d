// KataGo-custom's pass hardening (AlignmentResearch/KataGo-custom, `passingBehavior`), applied to the
// moves the root may choose:
// - avoid-pass-alive-territory: never play inside one's own pass-alive territory, and pass only when no
//   other legal move is left;
// - no-suicide: never pass while the Tromp-Taylor score of the board (what an opponent's answering pass
//   would end the game with) is a loss for the player to move, unless nothing else is legal.
import { PASS, opponent } from '../board/coords.js';
import { passAliveArea } from '../board/benson.js';
import { scoreGame } from '../board/scoring.js';
import type { KataGoHistory } from '../katago/history.js';
import type { PassingBehavior } from './params.js';

/** A filter on root moves (locations or PASS), or null when every legal move is allowed. */
export function rootMoveFilter(history: KataGoHistory, behavior: PassingBehavior): ((loc: number) => boolean) | null {
  if (behavior === 'standard') return null;
  const game = history.game;
  const board = game.board;
  const pla = history.toMove;
  const avoidTerritory = behavior.includes('avoid-pass-alive-territory');
  const noSuicide = behavior.includes('no-suicide');
  let ownTerritory: Uint8Array | null = null;
  if (avoidTerritory) {
    const area = passAliveArea(board, game.rules.suicide);
    ownTerritory = new Uint8Array(board.stones.length);
    for (let i = 0; i < board.numEmpty; i++) {
      const loc = board.emptyAt(i);
      if (area[board.indexOf(loc)] === pla) ownTerritory[loc] = 1;
    }
  }
  const otherMoves = game.legalMoves(pla).filter((loc) => !ownTerritory || !ownTerritory[loc]);
  let passBanned = false;
  if (otherMoves.length > 0) {
    if (avoidTerritory) passBanned = true;
    if (noSuicide) {
      const s = scoreGame(game).whiteMinusBlack;
      const winner = s > 0 ? 2 : s < 0 ? 1 : 0;
      if (winner === opponent(pla)) passBanned = true;
    }
  }
  return (loc: number) => (loc === PASS ? !passBanned : !ownTerritory || !ownTerritory[loc]);
}
