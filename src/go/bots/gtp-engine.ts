// A bot backed by an external GTP engine (GNU Go, KataGo, ...). Before each genmove it brings the
// engine's game up to date: only the new moves when the engine's history is a prefix of the game's,
// otherwise boardsize + clear_board + komi + every move again.
import { PASS, type Color, colorName, parseGtpVertex, toGtpVertex } from '../board/coords.js';
import type { Game, Move } from '../board/game.js';
import { GtpClient, type GtpClientOptions } from '../gtp/client.js';
import type { Bot, BotMove } from './bot.js';

export class GtpEngineBot implements Bot {
  readonly name: string;
  readonly client: GtpClient;
  private synced: Move[] = [];
  private syncedSize = '';
  private syncedKomi = NaN;

  constructor(client: GtpClient, name?: string) {
    this.client = client;
    this.name = name ?? client.name;
  }

  /** Spawns the engine and wraps it. */
  static spawn(command: string, args: string[] = [], opts: GtpClientOptions = {}): GtpEngineBot {
    return new GtpEngineBot(GtpClient.spawn(command, args, opts), opts.name);
  }

  async genMove(game: Game, color: Color): Promise<BotMove> {
    await this.sync(game);
    const reply = (await this.client.send(`genmove ${colorName(color)}`)).toLowerCase();
    if (reply === 'resign') return 'resign';
    let loc: number;
    try {
      loc = game.board.locOfPoint(parseGtpVertex(reply, game.width, game.height));
    } catch (e) {
      throw new Error(`GTP engine '${this.name}' answered genmove with '${reply}': ${(e as Error).message}`);
    }
    this.synced.push({ color, loc });
    return loc;
  }

  /** Makes the engine's position equal to the game's. */
  async sync(game: Game): Promise<void> {
    const init = game.initialPosition();
    if (init.numEmpty !== init.area) throw new Error(`GTP engine bot '${this.name}': games with setup stones are not supported`);
    const size = `${game.width}x${game.height}`;
    const prefix = size === this.syncedSize && game.komi === this.syncedKomi && this.synced.length <= game.moves.length &&
      this.synced.every((m, i) => m.loc === game.moves[i].loc && m.color === game.moves[i].color);
    if (!prefix) {
      await this.client.send(game.width === game.height ? `boardsize ${game.width}` : `rectangular_boardsize ${game.width} ${game.height}`);
      await this.client.send('clear_board');
      await this.client.send(`komi ${game.komi}`);
      this.synced = [];
      this.syncedSize = size;
      this.syncedKomi = game.komi;
    }
    for (const m of game.moves.slice(this.synced.length)) {
      const v = m.loc === PASS ? 'pass' : toGtpVertex(game.board.pointOf(m.loc), game.height);
      await this.client.send(`play ${colorName(m.color)} ${v}`);
      this.synced.push(m);
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
