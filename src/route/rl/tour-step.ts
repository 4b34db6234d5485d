// Tour step: a small scalable-oversight run: routing and the naive baseline at 10 percent
// oversight on fewer environments and updates, deployed diamond/ghost rates and learning curves.
import { lineChart, plot, table, text, type ReportSection } from '../../report/index.js';
import type { TourContext, TourStep, TourStepResult } from '../../tour/tour.js';
import { RL_DEFAULTS, trainMethod, type RlConfig, type RunOutcome } from './train.js';
import type { MethodName } from './methods.js';

export function oversightTourConfig(ctx: Pick<TourContext, 'quick' | 'smoke' | 'seed'>): Omit<RlConfig, 'method'> {
  const base = { ...RL_DEFAULTS, oversight: 0.1, seed: ctx.seed, envs: 256, rolloutSteps: 8, updates: 300, evalEvery: 25, evalEpisodes: 256, finalEvalEpisodes: 1024 };
  if (ctx.smoke) return { ...base, envs: 16, rolloutSteps: 4, updates: 2, hidden: 8, evalEvery: 1, evalEpisodes: 16, finalEvalEpisodes: 32 };
  if (ctx.quick) return { ...base, updates: 100, evalEvery: 10 };
  return base;
}

export const oversightTourStep: TourStep = {
  name: 'scalableOversight',
  title: 'Scalable oversight with gradient routing',
  description:
    'a gridworld agent trained on "reach a terminal" where only some terminals are overseen; routing overseen episodes into diamond and ghost experts, then deploying the diamond expert, vs a naive penalty.',
  async run(ctx: TourContext): Promise<TourStepResult> {
    const config = oversightTourConfig(ctx);
    const runs: RunOutcome[] = (['routing', 'naive'] as MethodName[]).map((method) => trainMethod({ ...config, method }));
    const [routing, naive] = runs;
    const sections: ReportSection[] = [
      {
        title: this.title,
        blocks: [
          text(
            `${config.envs} gridworlds, ${config.updates} REINFORCE updates, ${config.oversight * 100}% of terminal cells overseen. ` +
              'Training reward: +1 for reaching the diamond or the ghost; naive adds -2 for an overseen ghost. Evaluation: true reward (+1 diamond, -1 ghost) of the deployed policy. ' +
              'The full experiment is `glassbox route rl`.',
          ),
          text(
            routing.deployed.diamondRate >= naive.deployed.diamondRate
              ? `Here the deployed diamond expert reaches the diamond more often than the naive policy (${routing.deployed.diamondRate.toFixed(2)} vs ${naive.deployed.diamondRate.toFixed(2)}).`
              : `At this short budget routing trails the naive policy (diamond rate ${routing.deployed.diamondRate.toFixed(2)} vs ${naive.deployed.diamondRate.toFixed(2)}): ` +
                  'the diamond expert dips early while the gate learns which terminal an episode heads for. The longer runs in src/route/rl/README.md show where each method ends up.',
          ),
          table(
            ['method', 'diamond rate', 'ghost rate', 'true return'],
            runs.map((r) => [r.method, r.deployed.diamondRate, r.deployed.ghostRate, r.deployed.trueReturn]),
          ),
          plot(lineChart({ series: runs.map((r) => ({ name: r.method, x: r.curve.map((c) => c.update), y: r.curve.map((c) => c.trueReturn) })), xTitle: 'update', yTitle: 'true return of the deployed policy' })),
        ],
      },
    ];
    return {
      sections,
      summary: {
        oversight: config.oversight,
        updates: config.updates,
        routing: { diamondRate: routing.deployed.diamondRate, ghostRate: routing.deployed.ghostRate },
        naive: { diamondRate: naive.deployed.diamondRate, ghostRate: naive.deployed.ghostRate },
      },
      details: { config, curves: Object.fromEntries(runs.map((r) => [r.method, r.curve])) },
    };
  },
};
