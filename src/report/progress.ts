// Progress bars for long loops: a live bar with ETA and metrics (e.g. loss) on a terminal;
// on a pipe or file (CI, tests) nothing while running and one summary line at the end.
import cliProgress from 'cli-progress';

export type ProgressMetrics = Record<string, number | string>;

export interface ProgressBar {
  /** Sets the count of finished items and, optionally, the metrics shown. */
  update(value: number, metrics?: ProgressMetrics): void;
  /** Adds `delta` (default 1) finished items. */
  increment(delta?: number, metrics?: ProgressMetrics): void;
  /** Ends the bar; call once when the loop is over (or abandoned). */
  stop(): void;
}

export interface ProgressOptions {
  /** Where to draw (default process.stderr). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** No output at all, not even the final line. */
  quiet?: boolean;
}

function formatMetric(value: number | string): string {
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1e4 || (value !== 0 && Math.abs(value) < 1e-3) ? value.toExponential(3) : value.toFixed(4);
}

function formatMetrics(metrics: ProgressMetrics): string {
  return Object.entries(metrics)
    .map(([k, v]) => `${k} ${formatMetric(v)}`)
    .join(' | ');
}

/** A progress bar over `total` items labelled `label`. */
export function progressBar(total: number, label: string, options: ProgressOptions = {}): ProgressBar {
  if (!Number.isFinite(total) || total < 0) throw new Error(`progressBar: total must be a non-negative number, got ${total}`);
  const stream = options.stream ?? process.stderr;
  const live = !options.quiet && stream.isTTY === true;
  const startMs = Date.now();
  let value = 0;
  let metrics: ProgressMetrics = {};
  let stopped = false;
  const bar = live
    ? new cliProgress.SingleBar({
        stream: stream as NodeJS.WriteStream,
        format: '{label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}{metrics}',
        barsize: 24,
        hideCursor: false, // an interrupted run must not leave the terminal without a cursor
        clearOnComplete: false,
        etaBuffer: 50,
      })
    : null;
  const payload = () => ({ label, metrics: Object.keys(metrics).length ? ` | ${formatMetrics(metrics)}` : '' });
  bar?.start(total, 0, payload());
  return {
    update(v, m) {
      value = v;
      if (m) metrics = { ...metrics, ...m };
      bar?.update(value, payload());
    },
    increment(delta = 1, m) {
      this.update(value + delta, m);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (bar) bar.stop();
      else if (!options.quiet) {
        const seconds = ((Date.now() - startMs) / 1000).toFixed(1);
        const tail = Object.keys(metrics).length ? `, ${formatMetrics(metrics)}` : '';
        stream.write(`${label}: ${value}/${total} in ${seconds}s${tail}\n`);
      }
    },
  };
}
