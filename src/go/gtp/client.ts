// A GTP client: spawns an external engine, sends one command at a time with a numeric id, parses the
// "=id ..." / "?id ..." reply (which ends at a blank line), and fails clearly on engine errors,
// timeouts and engine death.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The engine answered with "? message". */
export class GtpError extends Error {
  constructor(readonly command: string, readonly reply: string, engine: string) {
    super(`GTP engine '${engine}' refused '${command}': ${reply}`);
  }
}

interface Pending {
  id: number;
  command: string;
  resolve: (body: string) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout | null;
}

export interface GtpClientOptions {
  /** Name used in error messages (default: the command). */
  name?: string;
  /** Default per-command timeout in ms (default 60 s; 0 = none). */
  timeoutMs?: number;
}

export class GtpClient {
  readonly name: string;
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly timeoutMs: number;
  private nextId = 1;
  private pending: Pending | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private buffer = '';
  private replyLines: string[] = [];
  private stderrTail = '';
  private dead: Error | null = null;

  private constructor(command: string, args: string[], opts: GtpClientOptions) {
    this.name = opts.name ?? command;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.proc = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout.setEncoding('utf8');
    this.proc.stderr.setEncoding('utf8');
    this.proc.stdout.on('data', (chunk: string) => this.onData(chunk));
    this.proc.stderr.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-2000);
    });
    this.proc.on('error', (e) => this.fail(new Error(`GTP engine '${this.name}' could not be started: ${e.message}`)));
    this.proc.on('close', (code, signal) => {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const tail = this.stderrTail.trim() ? `; its stderr ended with: ${this.stderrTail.trim().split('\n').slice(-3).join(' | ')}` : '';
      this.fail(new Error(`GTP engine '${this.name}' ${how}${tail}`));
    });
    this.proc.stdin.on('error', () => {
      /* reported through 'exit' */
    });
  }

  /** Starts an engine process speaking GTP on stdin/stdout. */
  static spawn(command: string, args: string[] = [], opts: GtpClientOptions = {}): GtpClient {
    return new GtpClient(command, args, opts);
  }

  get isAlive(): boolean {
    return this.dead === null;
  }

  /**
   * Sends one command and resolves with the reply body (text after "= "), trimmed. Rejects with a
   * GtpError on "? ...", and with an Error on timeout or when the engine has died. Commands queue.
   */
  send(command: string, timeoutMs: number = this.timeoutMs): Promise<string> {
    const clean = command.replace(/[\r\n]+/g, ' ').trim();
    if (!clean) return Promise.reject(new Error('GTP command is empty'));
    const run = (): Promise<string> =>
      new Promise<string>((resolve, reject) => {
        if (this.dead) {
          reject(new Error(`${this.dead.message} (before '${clean}' was sent)`));
          return;
        }
        const id = this.nextId++;
        const p: Pending = { id, command: clean, resolve, reject, timer: null };
        if (timeoutMs > 0) {
          p.timer = setTimeout(() => {
            this.pending = null;
            const e = new Error(`GTP engine '${this.name}' did not answer '${clean}' within ${timeoutMs} ms; engine stopped`);
            reject(e);
            this.fail(e);
            this.proc.kill('SIGKILL');
          }, timeoutMs);
        }
        this.pending = p;
        this.replyLines = [];
        this.proc.stdin.write(`${id} ${clean}\n`);
      });
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Sends quit and waits for the process to end (killing it after `graceMs`). */
  async close(graceMs = 2000): Promise<void> {
    if (this.dead) return;
    const exited = new Promise<void>((resolve) => this.proc.once('close', () => resolve()));
    try {
      await this.send('quit', graceMs);
    } catch {
      /* engine may close stdout before replying */
    }
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      this.onLine(line);
    }
  }

  private onLine(line: string): void {
    if (!this.pending) return; // stray output between replies
    if (this.replyLines.length === 0 && line.trim() === '') return;
    if (line.trim() !== '') {
      this.replyLines.push(line);
      return;
    }
    const p = this.pending;
    this.pending = null;
    if (p.timer) clearTimeout(p.timer);
    const first = this.replyLines[0];
    const m = /^([=?])(\d*)\s?(.*)$/.exec(first);
    if (!m) {
      p.reject(new Error(`GTP engine '${this.name}' sent a malformed reply to '${p.command}': ${JSON.stringify(first)}`));
      return;
    }
    if (m[2] !== '' && Number(m[2]) !== p.id) {
      p.reject(new Error(`GTP engine '${this.name}' answered id ${m[2]} to command id ${p.id} ('${p.command}')`));
      return;
    }
    const body = [m[3], ...this.replyLines.slice(1)].join('\n').trim();
    if (m[1] === '=') p.resolve(body);
    else p.reject(new GtpError(p.command, body, this.name));
  }

  private fail(e: Error): void {
    if (this.dead) return;
    this.dead = e;
    const p = this.pending;
    this.pending = null;
    if (p) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(new Error(`${e.message} while waiting for the reply to '${p.command}'`));
    }
  }
}

/** Full path of an executable found on PATH (or in /usr/games, where Debian puts GNU Go), or null. */
export function findExecutable(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/games', '/usr/local/games'];
  for (const d of dirs) {
    const p = join(d, name);
    if (existsSync(p)) return p;
  }
  return null;
}
