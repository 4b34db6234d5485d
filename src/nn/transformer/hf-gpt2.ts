// Hugging Face GPT-2 checkpoints (config.json + model.safetensors) in TransformerLens layout.
// HF GPT-2 uses Conv1D layers whose weights are already [in, out] (x @ W); c_attn holds Q, K
// and V side by side ([d_model, 3 * d_model]), each splitting into heads along its columns.
// Names may carry a `transformer.` prefix; `lm_head.weight` is optional (tied to `wte`).
import { tf } from '../../engine/tfjs.js';
import type { Tensor } from '../../engine/tfjs.js';
import { toFloat32, type StoredTensor } from '../../engine/safetensors.js';
import { makeConfig, type TransformerConfig } from './config.js';

// Fields of GPT2Config and PretrainedConfig that do not change the forward pass.
const IGNORED_FIELDS = new Set([
  'architectures', 'model_type', 'torch_dtype', 'transformers_version', '_name_or_path', 'task_specific_params',
  'resid_pdrop', 'embd_pdrop', 'attn_pdrop', 'initializer_range', 'summary_type', 'summary_use_proj',
  'summary_activation', 'summary_first_dropout', 'summary_proj_to_labels', 'use_cache', 'bos_token_id',
  'eos_token_id', 'pad_token_id', 'sep_token_id', 'decoder_start_token_id', 'n_special', 'predict_special_tokens',
  'reorder_and_upcast_attn', 'id2label', 'label2id', 'output_past', 'gradient_checkpointing', 'return_dict',
  'output_hidden_states', 'output_attentions', 'torchscript', 'use_bfloat16', 'pruned_heads', 'is_decoder',
  'is_encoder_decoder', 'chunk_size_feed_forward', 'problem_type', 'tokenizer_class', 'prefix', 'max_length',
  'min_length', 'do_sample', 'early_stopping', 'num_beams', 'temperature', 'top_k', 'top_p', 'repetition_penalty',
  'length_penalty', 'no_repeat_ngram_size', 'bad_words_ids', 'num_return_sequences', 'finetuning_task',
  'tie_encoder_decoder', 'cross_attention_hidden_size',
]);
const USED_FIELDS = new Set([
  'vocab_size', 'n_positions', 'n_ctx', 'n_embd', 'n_layer', 'n_head', 'n_inner', 'activation_function',
  'layer_norm_epsilon', 'tie_word_embeddings', 'scale_attn_weights', 'scale_attn_by_inverse_layer_idx', 'add_cross_attention',
]);

/** True when a config.json looks like a Hugging Face GPT-2 config. */
export function isHfGpt2Config(json: Record<string, unknown>): boolean {
  return json.model_type === 'gpt2' || ('n_layer' in json && 'n_embd' in json);
}

/** glassbox configuration of an HF GPT-2 config.json (tiedness is decided by the weights). */
export function configFromHfGpt2(json: Record<string, unknown>, source = 'config.json'): TransformerConfig {
  const problems: string[] = [];
  const unknown = Object.keys(json).filter((k) => !IGNORED_FIELDS.has(k) && !USED_FIELDS.has(k));
  if (unknown.length) problems.push(`unknown field(s) ${unknown.join(', ')}`);
  if (json.model_type !== undefined && json.model_type !== 'gpt2') problems.push(`model_type is ${JSON.stringify(json.model_type)}, only "gpt2" is supported`);
  if (json.scale_attn_by_inverse_layer_idx === true) problems.push('scale_attn_by_inverse_layer_idx = true is not supported');
  if (json.scale_attn_weights === false) problems.push('scale_attn_weights = false is not supported');
  if (json.add_cross_attention === true) problems.push('add_cross_attention = true is not supported (decoder-only models only)');
  for (const f of ['n_layer', 'n_embd', 'n_head', 'vocab_size', 'n_positions']) {
    if (!Number.isInteger(json[f]) || (json[f] as number) <= 0) problems.push(`${f} must be a positive integer, got ${JSON.stringify(json[f])}`);
  }
  if (problems.length) throw new Error(`${source}: ${problems.join('; ')}`);
  const nInner = json.n_inner;
  return makeConfig(
    {
      nLayers: json.n_layer as number,
      dModel: json.n_embd as number,
      nHeads: json.n_head as number,
      dMlp: nInner === undefined || nInner === null ? 4 * (json.n_embd as number) : (nInner as number),
      dVocab: json.vocab_size as number,
      nCtx: json.n_positions as number,
      actFn: (json.activation_function as string | undefined) ?? 'gelu_new',
      eps: (json.layer_norm_epsilon as number | undefined) ?? 1e-5,
      normalizationType: 'LN',
      tiedEmbeddings: true,
      unembedBias: false,
    },
    source,
  );
}

const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16']);
const IGNORED_BUFFERS = /^h\.\d+\.attn\.(bias|masked_bias)$/;

/**
 * Converts HF GPT-2 tensors to a TransformerLens-layout state dict for `cfg` (from
 * configFromHfGpt2). Every missing, unexpected, misshapen or non-float tensor is listed in one
 * error. When lm_head differs from wte, the model is untied (cfg.tiedEmbeddings becomes false).
 */
export function stateFromHfGpt2(
  cfg: TransformerConfig,
  stored: Record<string, StoredTensor>,
  source = 'model.safetensors',
): { cfg: TransformerConfig; state: Record<string, Tensor> } {
  const { nLayers: nL, dModel: d, nHeads: h, dHead: e, dMlp: m, dVocab: V, nCtx } = cfg;
  const byName = new Map<string, StoredTensor>();
  for (const [name, t] of Object.entries(stored)) {
    const bare = name.startsWith('transformer.') ? name.slice('transformer.'.length) : name;
    byName.set(bare, t);
  }
  const expected: Record<string, number[]> = {
    'wte.weight': [V, d],
    'wpe.weight': [nCtx, d],
    'ln_f.weight': [d],
    'ln_f.bias': [d],
  };
  for (let L = 0; L < nL; L++) {
    const p = `h.${L}`;
    Object.assign(expected, {
      [`${p}.ln_1.weight`]: [d], [`${p}.ln_1.bias`]: [d],
      [`${p}.attn.c_attn.weight`]: [d, 3 * d], [`${p}.attn.c_attn.bias`]: [3 * d],
      [`${p}.attn.c_proj.weight`]: [d, d], [`${p}.attn.c_proj.bias`]: [d],
      [`${p}.ln_2.weight`]: [d], [`${p}.ln_2.bias`]: [d],
      [`${p}.mlp.c_fc.weight`]: [d, m], [`${p}.mlp.c_fc.bias`]: [m],
      [`${p}.mlp.c_proj.weight`]: [m, d], [`${p}.mlp.c_proj.bias`]: [d],
    });
  }
  const optional: Record<string, number[]> = { 'lm_head.weight': [V, d] };
  const problems: string[] = [];
  const missing = Object.keys(expected).filter((n) => !byName.has(n));
  if (missing.length) problems.push(`missing tensors: ${missing.join(', ')}`);
  const unexpected = [...byName.keys()].filter((n) => !(n in expected) && !(n in optional) && !IGNORED_BUFFERS.test(n));
  if (unexpected.length) problems.push(`unexpected tensors: ${unexpected.join(', ')}`);
  for (const [n, shape] of Object.entries({ ...expected, ...optional })) {
    const t = byName.get(n);
    if (!t) continue;
    if (!FLOAT_DTYPES.has(t.dtype)) problems.push(`${n}: dtype ${t.dtype}, expected a float type (F32, F16 or BF16)`);
    if (!tf.util.arraysEqual(t.shape, shape)) problems.push(`${n}: shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
  }
  if (d !== h * e) problems.push(`n_embd ${d} must equal n_head ${h} x head width ${e}`);
  if (problems.length) throw new Error(`${source}: not a GPT-2 checkpoint matching its config.json: ${problems.join('; ')}`);

  const f32 = (n: string) => toFloat32(byName.get(n)!);
  const ten = (n: string) => tf.tensor(f32(n), byName.get(n)!.shape, 'float32');
  const state: Record<string, Tensor> = {};
  const out = { ...cfg };
  tf.tidy(() => {
    const keep = (name: string, t: Tensor) => {
      state[name] = tf.keep(t);
    };
    keep('embed.W_E', ten('wte.weight'));
    keep('pos_embed.W_pos', ten('wpe.weight'));
    // [d, h*e] (columns grouped by head) -> [h, d, e]; bias [h*e] -> [h, e].
    const heads = (w: Tensor) => tf.transpose(tf.reshape(w, [d, h, e]), [1, 0, 2]);
    for (let L = 0; L < nL; L++) {
      const p = `h.${L}`;
      const b = `blocks.${L}`;
      keep(`${b}.ln1.w`, ten(`${p}.ln_1.weight`));
      keep(`${b}.ln1.b`, ten(`${p}.ln_1.bias`));
      const [wq, wk, wv] = tf.split(ten(`${p}.attn.c_attn.weight`), 3, 1);
      const [bq, bk, bv] = tf.split(ten(`${p}.attn.c_attn.bias`), 3, 0);
      keep(`${b}.attn.W_Q`, heads(wq));
      keep(`${b}.attn.W_K`, heads(wk));
      keep(`${b}.attn.W_V`, heads(wv));
      keep(`${b}.attn.b_Q`, tf.reshape(bq, [h, e]));
      keep(`${b}.attn.b_K`, tf.reshape(bk, [h, e]));
      keep(`${b}.attn.b_V`, tf.reshape(bv, [h, e]));
      // c_proj rows are z's features, head-major: [h*e, d] -> [h, e, d].
      keep(`${b}.attn.W_O`, tf.reshape(ten(`${p}.attn.c_proj.weight`), [h, e, d]));
      keep(`${b}.attn.b_O`, ten(`${p}.attn.c_proj.bias`));
      keep(`${b}.ln2.w`, ten(`${p}.ln_2.weight`));
      keep(`${b}.ln2.b`, ten(`${p}.ln_2.bias`));
      keep(`${b}.mlp.W_in`, ten(`${p}.mlp.c_fc.weight`));
      keep(`${b}.mlp.b_in`, ten(`${p}.mlp.c_fc.bias`));
      keep(`${b}.mlp.W_out`, ten(`${p}.mlp.c_proj.weight`));
      keep(`${b}.mlp.b_out`, ten(`${p}.mlp.c_proj.bias`));
    }
    keep('ln_final.w', ten('ln_f.weight'));
    keep('ln_final.b', ten('ln_f.bias'));
    if (byName.has('lm_head.weight')) {
      const head = f32('lm_head.weight');
      const wte = f32('wte.weight');
      let same = head.length === wte.length;
      for (let i = 0; same && i < head.length; i++) same = head[i] === wte[i];
      if (!same) {
        keep('unembed.W_U', tf.transpose(tf.tensor(head, [V, d], 'float32')));
        out.tiedEmbeddings = false;
      }
    }
  });
  return { cfg: out, state };
}
