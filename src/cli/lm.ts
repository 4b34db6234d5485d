// `glassbox lm ...`: language models. Parsing only; the work lives in src/nn/transformer.
import type { Command } from 'commander';
import { initBackend } from '../engine/backend.js';
import { generateText, parseTokenList, runLmTrainExperiment, runToFile } from '../nn/transformer/index.js';

function positiveInt(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) <= 0) throw new Error(`${flag} must be a positive integer, got '${v}'`);
  return Number(v);
}

function positiveNumber(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} must be a positive number, got '${v}'`);
  return n;
}

export function registerLm(program: Command): void {
  const lm = program.command('lm').description('transformer language models: run checkpoints with cached activations, train small models');
  lm.command('run')
    .description('run a model directory (HF GPT-2 or glassbox layout) on token ids; write logits and cached activations (by hook name) to a safetensors file')
    .requiredOption('--model <dir>', 'directory with config.json + model.safetensors')
    .requiredOption('--tokens <ids>', 'token ids: 1,2,3 or several equal-length sequences 1,2,3;4,5,6')
    .option('--cache <names>', 'comma-separated hook names to save, e.g. blocks.0.attn.hook_pattern,ln_final.hook_normalized', '')
    .requiredOption('--out <file>', 'output .safetensors file (logits [batch, seq, vocab] + each cached activation)')
    .option('--fold-ln', 'fold LayerNorm weights into the following weights')
    .option('--center-writing-weights', 'remove the d_model mean of weights writing to the residual stream')
    .option('--center-unembed', 'remove the vocabulary mean of the unembedding')
    .action(async (opts: { model: string; tokens: string; cache: string; out: string; foldLn?: boolean; centerWritingWeights?: boolean; centerUnembed?: boolean }) => {
      await initBackend();
      const cacheNames = opts.cache.split(',').map((s) => s.trim()).filter(Boolean);
      const r = runToFile({
        modelDir: opts.model,
        tokens: parseTokenList(opts.tokens),
        cacheNames,
        outFile: opts.out,
        foldLn: !!opts.foldLn,
        centerWritingWeights: !!opts.centerWritingWeights,
        centerUnembed: !!opts.centerUnembed,
      });
      for (const [n, shape] of Object.entries(r.written)) process.stdout.write(`${n} [${shape.join(', ')}]\n`);
      process.stdout.write(`wrote ${r.outFile} (${r.layout} checkpoint)\n`);
    });
  lm.command('generate')
    .description('continue a text prompt with a model directory that has its tokenizer (vocab.json + merges.txt)')
    .requiredOption('--model <dir>', 'model directory (e.g. DIR/model written by lm train)')
    .requiredOption('--prompt <text>', 'text to continue')
    .option('--max-new-tokens <n>', 'tokens to generate (capped by the context length)', '40')
    .option('--temperature <x>', '0 for greedy decoding', '0')
    .option('--top-k <n>', 'sample among the k most likely tokens')
    .option('--seed <n>', 'sampling seed', '0')
    .action(async (opts: { model: string; prompt: string; maxNewTokens: string; temperature: string; topK?: string; seed: string }) => {
      await initBackend();
      const temperature = Number(opts.temperature);
      if (!Number.isFinite(temperature) || temperature < 0) throw new Error(`--temperature must be a number >= 0, got '${opts.temperature}'`);
      const seed = Number(opts.seed);
      if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got '${opts.seed}'`);
      const r = generateText({
        modelDir: opts.model,
        prompt: opts.prompt,
        maxNewTokens: positiveInt('--max-new-tokens', opts.maxNewTokens)!,
        temperature,
        topK: positiveInt('--top-k', opts.topK),
        seed,
      });
      process.stdout.write(`${r.text}\n`);
    });
  lm.command('train')
    .description('train a BPE tokenizer and a small GPT-2 style model on a text file or the built-in corpus; writes DIR/model, results.json and report.html')
    .requiredOption('--out <dir>', 'run directory')
    .option('--seed <n>', 'random seed', '0')
    .option('--quick', 'a small, fast configuration')
    .option('--text <file>', 'UTF-8 text file to train on (default: the built-in corpus)')
    .option('--steps <n>', 'training steps')
    .option('--vocab-size <n>', 'BPE vocabulary size')
    .option('--layers <n>', 'transformer blocks')
    .option('--d-model <n>', 'residual width')
    .option('--heads <n>', 'attention heads')
    .option('--seq-len <n>', 'training context length')
    .option('--batch-size <n>', 'sequences per step')
    .option('--lr <x>', 'peak learning rate')
    .action(async (opts: Record<string, string | boolean | undefined>) => {
      const s = (k: string) => opts[k] as string | undefined;
      const seed = Number(s('seed'));
      if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got '${s('seed')}'`);
      const { summary } = await runLmTrainExperiment({
        outDir: s('out')!,
        seed,
        quick: !!opts.quick,
        textFile: s('text'),
        steps: positiveInt('--steps', s('steps')),
        vocabSize: positiveInt('--vocab-size', s('vocabSize')),
        nLayers: positiveInt('--layers', s('layers')),
        dModel: positiveInt('--d-model', s('dModel')),
        nHeads: positiveInt('--heads', s('heads')),
        seqLen: positiveInt('--seq-len', s('seqLen')),
        batchSize: positiveInt('--batch-size', s('batchSize')),
        peakLr: positiveNumber('--lr', s('lr')),
      });
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    });
}
