// `glassbox lm ...`: language models. Parsing only; the work lives in src/nn/transformer.
import type { Command } from 'commander';
import { initBackend } from '../engine/backend.js';
import { generateText, parseTokenList, runLmTrainExperiment, runToFile } from '../nn/transformer/index.js';
import { addExperimentOptions, experimentSettings, parseNonNegativeNumber, parsePositiveInt, parsePositiveNumber, parseSeed, type ExperimentCliOptions } from './options.js';

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
    .option('--max-new-tokens <n>', 'tokens to generate (capped by the context length)', parsePositiveInt, 40)
    .option('--temperature <x>', '0 for greedy decoding', parseNonNegativeNumber, 0)
    .option('--top-k <n>', 'sample among the k most likely tokens', parsePositiveInt)
    .option('--seed <n>', 'sampling seed', parseSeed, 0)
    .action(async (opts: { model: string; prompt: string; maxNewTokens: number; temperature: number; topK?: number; seed: number }) => {
      await initBackend();
      const r = generateText({ modelDir: opts.model, prompt: opts.prompt, maxNewTokens: opts.maxNewTokens, temperature: opts.temperature, topK: opts.topK, seed: opts.seed });
      process.stdout.write(`${r.text}\n`);
    });
  const train = lm
    .command('train')
    .description('train a BPE tokenizer and a small GPT-2 style model on a text file or the built-in corpus; writes DIR/model, results.json and report.html');
  addExperimentOptions(train, { out: 'run directory', quick: 'a small, fast configuration' })
    .option('--text <file>', 'UTF-8 text file to train on (default: the built-in corpus)')
    .option('--steps <n>', 'training steps', parsePositiveInt)
    .option('--vocab-size <n>', 'BPE vocabulary size', parsePositiveInt)
    .option('--layers <n>', 'transformer blocks', parsePositiveInt)
    .option('--d-model <n>', 'residual width', parsePositiveInt)
    .option('--heads <n>', 'attention heads', parsePositiveInt)
    .option('--seq-len <n>', 'training context length', parsePositiveInt)
    .option('--batch-size <n>', 'sequences per step', parsePositiveInt)
    .option('--lr <x>', 'peak learning rate', parsePositiveNumber)
    .action(async (opts: ExperimentCliOptions & { text?: string; steps?: number; vocabSize?: number; layers?: number; dModel?: number; heads?: number; seqLen?: number; batchSize?: number; lr?: number }) => {
      const { summary } = await runLmTrainExperiment({
        ...experimentSettings(opts),
        textFile: opts.text,
        steps: opts.steps,
        vocabSize: opts.vocabSize,
        nLayers: opts.layers,
        dModel: opts.dModel,
        nHeads: opts.heads,
        seqLen: opts.seqLen,
        batchSize: opts.batchSize,
        peakLr: opts.lr,
      });
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    });
}
