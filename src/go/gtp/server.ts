// Runs a GtpEngine over a pair of streams (stdin/stdout for `glassbox go gtp`): one command per
// line, answered in order, until `quit` or the end of input. A streaming reply (kata-analyze) writes
// while the next line is awaited, and that line (or the end of input) stops it.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { GtpEngine } from './engine.js';

export async function serveGtp(engine: GtpEngine, input: Readable, output: Writable): Promise<void> {
  const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
  engine.streamOutput = (text) => output.write(text);
  for await (const line of lines) {
    const reply = await engine.handleLine(line);
    if (reply !== null) output.write(reply);
    if (engine.quitRequested) break;
  }
  lines.close();
  output.write(await engine.stopStream());
  await engine.bot.close?.();
}
