// Public surface of the tokenizer module.
import { type BpeData, saveBpeFiles } from './files.js';
import { Gpt2Tokenizer } from './gpt2-tokenizer.js';

export { Gpt2Tokenizer, type EncodeOptions, type TokenizerOptions } from './gpt2-tokenizer.js';
export { trainBpe, type TrainBpeOptions } from './train.js';
export { type BpeData, parseMergesTxt, parseVocabJson } from './files.js';
export { gpt2PreTokenize } from './pretokenize.js';
export { BYTE_TO_CHAR, CHAR_TO_BYTE } from './byte-unicode.js';

/** Write `dir/vocab.json` + `dir/merges.txt` for a tokenizer or trainer output; read back with Gpt2Tokenizer.fromFiles. */
export function saveTokenizer(dir: string, tokenizer: Gpt2Tokenizer | BpeData): { vocabPath: string; mergesPath: string } {
  return saveBpeFiles(dir, tokenizer instanceof Gpt2Tokenizer ? tokenizer.toBpeData() : tokenizer);
}
