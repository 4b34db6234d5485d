// The victim: a KataGo network plus search. With visits = 1 it plays the raw policy (the move with the
// highest probability, or a draw from the policy when a temperature is set), as KataGo does with one
// visit; the pass handling applies either way. The search tree is kept between moves.
import type { Color } from '../board/coords.js';
import type { Game } from '../board/game.js';
import type { Evaluator } from '../katago/evaluator.js';
import { KataGoHistory } from '../katago/history.js';
import { MctsSearch, type SearchResult } from '../search/search.js';
import type { SearchParams } from '../search/params.js';
import type { Bot, BotMove } from './bot.js';

export interface KataGoBotOptions {
  visits: number;
  /** Other search parameters (threads, passing behaviour, temperatures, noise, ...). */
  params?: Partial<SearchParams>;
  seed?: number;
  name?: string;
}

export class KataGoBot implements Bot {
  readonly name: string;
  readonly search: MctsSearch;
  /** The last search's result (for reports and analysis). */
  lastResult: SearchResult | null = null;

  constructor(evaluator: Evaluator, opts: KataGoBotOptions) {
    this.search = new MctsSearch(evaluator, { ...opts.params, maxVisits: opts.visits }, { seed: opts.seed ?? 0 });
    const p = this.search.params;
    this.name = opts.name ?? `katago (${opts.visits} visit${opts.visits === 1 ? ', raw policy' : 's'}${p.passingBehavior === 'standard' ? '' : `, ${p.passingBehavior}`})`;
  }

  async genMove(game: Game, color: Color): Promise<BotMove> {
    const history = KataGoHistory.fromGame(game);
    if (history.toMove !== color) {
      // GTP may ask for either colour: search the same stones with `color` to move and no history.
      this.lastResult = await this.search.genMove(history.withoutHistory(color));
    } else {
      this.lastResult = await this.search.genMove(history);
    }
    return this.lastResult.move;
  }
}
