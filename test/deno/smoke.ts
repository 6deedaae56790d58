// Runs the built library under Deno (Web Workers, shared memory), 1 and 2 threads,
// and prints one JSON line: the thread counts, a digest of each dose, and R80.
import { simulate } from '../../dist/src/index.js';

const config = {
  beam: { energyMeVPerU: 100, spotSigmaMm: 2 },
  phantom: { sizeMm: [30, 30, 100] },
  transport: { histories: 2000, seed: 31 },
};
const digest = async (array: Float64Array) => Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', array.slice())))
  .map((b) => b.toString(16).padStart(2, '0')).join('');
const one = await simulate(config, { threads: 1 });
const two = await simulate(config, { threads: 2 });
console.log(JSON.stringify({
  threads: [one.summary.threads, two.summary.threads],
  dose: [await digest(one.dose), await digest(two.dose)],
  r80Mm: two.summary.r80Mm,
  warnings: two.warnings,
}));
