// LET scoring's cost: one thread, SIMD, 150 MeV protons, default phantom, nuclear off and on,
// with and without scoring.let, interleaved; medians of --repeat runs of --histories.
//   node bench/let.mjs [--histories 20000] [--repeat 3]
import { simulate } from '../dist/src/index.js';
const arg = (n, d) => { const i = process.argv.indexOf(`--${n}`); return i > 0 ? Number(process.argv[i + 1]) : d; };
const histories = arg('histories', 20000);
const repeat = arg('repeat', 3);
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
for (const nuclear of [false, true]) {
  const rates = { false: [], true: [] };
  const cfg = (let_, h) => ({ beam: { particle: 'proton', energyMeVPerU: 150 }, transport: { histories: h, kernel: 'simd', nuclear }, scoring: { let: let_ } });
  await simulate(cfg(true, 2000), { threads: 1 });
  for (let r = 0; r < repeat; r++) {
    for (const let_ of [false, true]) {
      const res = await simulate(cfg(let_, histories), { threads: 1 });
      rates[let_].push(res.summary.historiesPerSecond);
    }
  }
  const off = median(rates.false), on = median(rates.true);
  console.log(`nuclear ${nuclear ? 'on ' : 'off'}: LET off ${off.toFixed(0)}/s, LET on ${on.toFixed(0)}/s, ratio ${(on / off).toFixed(3)}  [${rates.false.map(Math.round)} | ${rates.true.map(Math.round)}]`);
}
