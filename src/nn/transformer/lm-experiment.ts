// `glassbox lm train`: train a byte-level BPE tokenizer and a small GPT-2 style language model on
// a text file (or the built-in corpus), then evaluate held-out loss against a unigram baseline,
// check the corpus's facts by greedy completion, sample text, and save the model directory
// (glassbox format + vocab.json/merges.txt), results.json and report.html.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../engine/rng.js';
import { initBackend } from '../../engine/backend.js';
import { Gpt2Tokenizer, saveTokenizer, trainBpe } from '../tokenizer/index.js';
import { createRun, keyValues, lineChart, plot, progressBar, table, text, writeReport, writeResults } from '../../report/index.js';
import { HookedTransformer } from './model.js';
import { builtinCorpus } from './builtin-corpus.js';
import { evaluateLoss, trainLanguageModel } from './lm-train.js';
import { generate } from './generate.js';
import { saveTransformer } from './weights.js';

export interface LmTrainExperimentOptions {
  outDir: string;
  seed: number;
  quick: boolean;
  /** A UTF-8 text file to train on; the built-in corpus when omitted. */
  textFile?: string;
  steps?: number;
  vocabSize?: number;
  nLayers?: number;
  dModel?: number;
  nHeads?: number;
  seqLen?: number;
  batchSize?: number;
  peakLr?: number;
  /** Show no progress bar. */
  quiet?: boolean;
}

interface Settings {
  steps: number;
  vocabSize: number;
  nLayers: number;
  dModel: number;
  nHeads: number;
  seqLen: number;
  batchSize: number;
  peakLr: number;
  corpusSentences: number;
}

const FULL: Settings = { steps: 1500, vocabSize: 512, nLayers: 4, dModel: 128, nHeads: 4, seqLen: 64, batchSize: 16, peakLr: 2e-3, corpusSentences: 20000 };
const QUICK: Settings = { steps: 300, vocabSize: 320, nLayers: 2, dModel: 64, nHeads: 4, seqLen: 32, batchSize: 16, peakLr: 3e-3, corpusSentences: 4000 };

function readCorpus(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`lm train: cannot read --text file ${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

/** Cross-entropy (nats) of `tokens` under the unigram distribution of `train` (add-one smoothed). */
function unigramLoss(train: Int32Array, tokens: Int32Array, vocab: number): number {
  const counts = new Float64Array(vocab).fill(1);
  for (const t of train) counts[t]++;
  const total = train.length + vocab;
  let nll = 0;
  for (let i = 1; i < tokens.length; i++) nll -= Math.log(counts[tokens[i]] / total);
  return nll / (tokens.length - 1);
}

export async function runLmTrainExperiment(o: LmTrainExperimentOptions): Promise<{ summary: Record<string, unknown> }> {
  const run = createRun(o.outDir, { seed: o.seed });
  const backend = await initBackend();
  const base = o.quick ? QUICK : FULL;
  const s: Settings = {
    ...base,
    ...Object.fromEntries(Object.entries({ steps: o.steps, vocabSize: o.vocabSize, nLayers: o.nLayers, dModel: o.dModel, nHeads: o.nHeads, seqLen: o.seqLen, batchSize: o.batchSize, peakLr: o.peakLr }).filter(([, v]) => v !== undefined)),
  };
  const root = new Rng(o.seed);
  const corpus = o.textFile ? readCorpus(o.textFile) : builtinCorpus(base.corpusSentences, o.seed);
  if (corpus.length < 1000) throw new Error(`lm train: the corpus has ${corpus.length} characters; give at least 1000`);
  let split = Math.floor(corpus.length * 0.9);
  while (split < corpus.length && corpus[split] !== ' ') split++;
  const trainText = corpus.slice(0, split);
  const valText = corpus.slice(split);

  const t0 = Date.now();
  const bpe = trainBpe(trainText, { vocabSize: s.vocabSize, specialTokens: ['<|endoftext|>'] });
  const tokenizer = Gpt2Tokenizer.fromBpeData(bpe);
  const trainTokens = Int32Array.from(tokenizer.encode(trainText));
  const valTokens = Int32Array.from(tokenizer.encode(valText));
  const tokenizerSeconds = (Date.now() - t0) / 1000;

  const model = new HookedTransformer(
    { nLayers: s.nLayers, dModel: s.dModel, nHeads: s.nHeads, dVocab: tokenizer.vocabSize, nCtx: s.seqLen, actFn: 'gelu_new' },
    { rng: root.fork('init') },
  );
  const initialValLoss = evaluateLoss(model, valTokens, s.seqLen);
  const evalEvery = Math.max(1, Math.round(s.steps / 20));
  const validationCurve: [number, number][] = [[0, evaluateLoss(model, valTokens, s.seqLen, 16)]];
  const bar = progressBar(s.steps, 'lm train', { quiet: o.quiet });
  const t1 = Date.now();
  const result = await trainLanguageModel({
    model,
    tokens: trainTokens,
    seqLen: s.seqLen,
    batchSize: s.batchSize,
    steps: s.steps,
    rng: root.fork('batches'),
    peakLr: s.peakLr,
    checkpoint: { dir: join(run.outDir, 'checkpoint'), every: 50 },
    onProgress: (step, total, m) => {
      if (step % evalEvery === 0 || step === total) validationCurve.push([step, evaluateLoss(model, valTokens, s.seqLen, 16)]);
      bar.update(step, { loss: m.loss, lr: m.lr });
    },
  });
  bar.stop();
  const trainSeconds = (Date.now() - t1) / 1000;
  if (result.interrupted) throw new Error(`lm train: interrupted at step ${result.stepsCompleted}; rerun the same command to resume from ${join(run.outDir, 'checkpoint')}`);
  const finalValLoss = evaluateLoss(model, valTokens, s.seqLen);
  const unigramValLoss = unigramLoss(trainTokens, valTokens, tokenizer.vocabSize);

  // Facts of the built-in corpus: each person lives in one city.
  let factAccuracy: number | null = null;
  const factRows: (string | boolean)[][] = [];
  if (!o.textFile) {
    const facts = [...new Set(corpus.match(/\b[a-z]+ lives in [a-z]+\./g) ?? [])];
    let right = 0;
    for (const fact of facts) {
      const [who, city] = [fact.split(' ')[0], fact.split(' ')[3].replace('.', '')];
      const prompt = tokenizer.encode(`${who} lives in`);
      const room = Math.min(6, s.seqLen - prompt.length);
      const out = generate(model, [prompt], { maxNewTokens: room }).tokens[0].slice(prompt.length);
      const said = tokenizer.decode(out).trim().split(/[ .,]/)[0];
      right += said === city ? 1 : 0;
      factRows.push([`${who} lives in`, city, said, said === city]);
    }
    factAccuracy = facts.length ? right / facts.length : null;
  }
  const prompts = ['the red', 'alice lives', 'one two', 'bob and the'];
  const samples = prompts.map((p) => {
    const ids = tokenizer.encode(p);
    const room = Math.min(24, s.seqLen - ids.length);
    const greedy = tokenizer.decode(generate(model, [ids], { maxNewTokens: room }).tokens[0]);
    const sampled = tokenizer.decode(generate(model, [ids], { maxNewTokens: room, temperature: 0.8, topK: 20, rng: root.fork(`sample ${p}`) }).tokens[0]);
    return [p, greedy, sampled];
  });

  const modelDir = join(run.outDir, 'model');
  saveTransformer(model, modelDir, { tokenizer: 'vocab.json + merges.txt' });
  saveTokenizer(modelDir, tokenizer);
  const summary = {
    finalValLoss,
    initialValLoss,
    unigramValLoss,
    finalTrainLoss: result.lossHistory[result.lossHistory.length - 1],
    factAccuracy,
    steps: result.stepsCompleted,
    resumedFromStep: result.resumedFromStep,
    parameters: model.parameterCount(),
    vocabSize: tokenizer.vocabSize,
    trainTokens: trainTokens.length,
    validationTokens: valTokens.length,
    corpus: o.textFile ?? 'builtin',
    modelDir,
    backend: backend.name,
  };
  writeResults(run.outDir, {
    summary,
    timings: { tokenizerSeconds, trainSeconds, secondsPerStep: trainSeconds / Math.max(1, s.steps - result.resumedFromStep) },
    settings: s,
    config: model.cfg,
    lossHistory: result.lossHistory,
    validationCurve,
    samples,
    facts: factRows,
  });
  await writeReport(run.outDir, {
    title: 'glassbox lm train',
    intro: `A ${s.nLayers}-layer GPT-2 style language model (d_model ${s.dModel}, ${s.nHeads} heads, ${model.parameterCount()} parameters) trained on ${o.textFile ?? 'the built-in corpus'} with a byte-level BPE tokenizer of ${tokenizer.vocabSize} tokens.`,
    sections: [
      {
        title: 'Loss',
        blocks: [
          plot(
            lineChart({
              title: 'loss',
              xTitle: 'step',
              yTitle: 'cross-entropy (nats)',
              series: [
                { name: 'train (batch)', x: result.lossHistory.map((_, i) => i + 1), y: result.lossHistory },
                { name: 'validation (16 windows)', x: validationCurve.map(([x]) => x), y: validationCurve.map(([, y]) => y) },
              ],
            }),
          ),
          keyValues({ 'initial validation loss': initialValLoss, 'final validation loss': finalValLoss, 'unigram baseline (validation)': unigramValLoss, 'final training loss': summary.finalTrainLoss }),
          text('The unigram baseline is the loss of predicting every token from its training-set frequency alone; a model below it uses context.'),
        ],
      },
      {
        title: 'Samples',
        blocks: [table(['prompt', 'greedy', 'temperature 0.8, top-k 20'], samples)],
      },
      ...(factRows.length
        ? [{ title: 'Facts', blocks: [text(`Greedy completion of "NAME lives in": ${((factAccuracy ?? 0) * 100).toFixed(0)}% correct.`), table(['prompt', 'expected', 'model', 'correct'], factRows)] }]
        : []),
      { title: 'Settings', blocks: [keyValues({ ...s, backend: backend.name, 'seconds per step': trainSeconds / Math.max(1, s.steps - result.resumedFromStep) })] },
    ],
  });
  model.dispose();
  return { summary };
}
