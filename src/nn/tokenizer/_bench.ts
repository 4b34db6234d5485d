import { Rng } from '../../engine/rng.js';
import { Gpt2Tokenizer, trainBpe } from './index.js';
const rng = new Rng(1);
const letters = 'etaoinshrdlcumwfgypbvkjxqz';
const lex: string[] = [];
for (let i = 0; i < 30000; i++) { let w = ''; const n = 2 + rng.int(9); for (let j = 0; j < n; j++) w += letters[Math.min(25, Math.floor(-Math.log(rng.float() + 1e-12) * 5))]; lex.push(w); }
const parts: string[] = []; let size = 0;
while (size < 3_000_000) { const w = lex[Math.floor(30000 * Math.pow(rng.float(), 3))]; const s = (rng.float() < 0.1 ? '.\n' : ' ') + w; parts.push(s); size += s.length; }
const text = parts.join('');
let t0 = performance.now();
const data = trainBpe(text, { vocabSize: 8000, specialTokens: ['<|endoftext|>'] });
const t1 = performance.now();
console.log(`train ${text.length} chars -> ${data.merges.length} merges in ${((t1 - t0) / 1000).toFixed(2)} s`);
const tok = Gpt2Tokenizer.fromBpeData(data);
t0 = performance.now();
const ids = tok.encode(text);
const t2 = performance.now();
console.log(`encode ${ids.length} tokens in ${((t2 - t0) / 1000).toFixed(2)} s; decode ok: ${tok.decode(ids) === text} in ${((performance.now() - t2) / 1000).toFixed(2)} s`);
let long = ''; for (let i = 0; i < 100000; i++) long += letters[rng.int(26)];
t0 = performance.now();
const n = tok.encode(long).length;
console.log(`one 100k-letter word -> ${n} tokens in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
