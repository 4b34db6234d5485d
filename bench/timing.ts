// Times a workload: warm-up runs, then timed repetitions until a repetition cap or a time
// budget is reached (never fewer than a minimum), and reports the median.

/** How many times to run a workload; the same settings are sent to the Python peers. */
export interface RepetitionPlan {
  /** Untimed runs before timing starts (just one when a run takes longer than budgetMs). */
  warmup: number;
  /** Timed runs always made, however slow. */
  minReps: number;
  /** Timed runs never exceeded. */
  maxReps: number;
  /** Stop adding timed runs once this much time was spent on them (after minReps). */
  budgetMs: number;
}

export interface Timing {
  medianMs: number;
  minMs: number;
  /** How many timed runs the median is over. */
  reps: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median: no values');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Runs `run` per the plan and returns the median time of the timed runs. */
export function timeRuns(run: () => void, plan: RepetitionPlan): Timing {
  for (let i = 0; i < plan.warmup; i++) {
    const t0 = performance.now();
    run();
    if (performance.now() - t0 > plan.budgetMs) break; // slow enough that one warm-up suffices
  }
  const times: number[] = [];
  let spent = 0;
  while (times.length < plan.maxReps && (times.length < plan.minReps || spent < plan.budgetMs)) {
    const t0 = performance.now();
    run();
    const dt = performance.now() - t0;
    times.push(dt);
    spent += dt;
  }
  return { medianMs: median(times), minMs: Math.min(...times), reps: times.length };
}
