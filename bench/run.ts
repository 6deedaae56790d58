/**
 * Benchmark of the WebAssembly Monte Carlo: histories/s and steps/s, SIMD
 * against scalar, and thread scaling, all in one run, for 150 MeV protons (nuclear
 * events off, and on: proton-150-nuclear; and on with LET scored: proton-150-nuc-let) and 400 MeV/u carbon ions
 * (fragmentation off, and on: carbon-400-fragments; steps per primary in the table's steps/s over histories/s)
 * in the default phantom (100 x 100 x 300 mm water,
 * 2 x 2 x 1 mm voxels).
 *
 *   npm run bench -- [--threads 1,2] [--histories-proton N] [--histories-carbon N] [--repeat R]
 *                    [--no-scalar] [--weak] [--out FILE]
 *   npm run bench -- --backend webgpu [--gpu-histories 1e6,1e7,1e8] [--gpu-histories-carbon 1e6,1e7,5e7] [--out FILE]
 *                    [--gpu-probe-histories 1e7]
 *     WebGPU histories/s at each size, and the WASM threads on all cores in the same run, for the ratio;
 *     then protons again without voxel tallies and with fewer workgroups, to show what bounds the kernel.
 *
 * Prints a table and writes bench/results/latest.json (or FILE). Speed is
 * measured here, never asserted by tests.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { simulate } from '../src/index.js';
import { parseConfig } from '../src/config/schema.js';
import { runWebGpu } from '../src/gpu/gpuEngine.js';
import type { KernelVariant } from '../src/engine/kernel.js';

interface BenchCase {
  readonly name: string; readonly particle: 'proton' | 'carbon'; readonly energyMeVPerU: number; readonly histories: number;
  /** transport.nuclear (protons). */
  readonly nuclear?: boolean;
  /** scoring.let. */
  readonly let?: boolean;
}
interface BenchRecord {
  name: string; backend: string; variant: KernelVariant; threads: number; particle: string; energyMeVPerU: number;
  histories: number; historiesPerSecond: number; stepsPerSecond: number; wallSeconds: number;
  poolStartupMs: number | null; reduceMs: number | null; parallelEfficiency: number | null;
  /** The dose is checked along with the speed: R80 and energy deposited per primary, to compare across backends. */
  r80Mm: number | null; energyDepositedMeVPerPrimary: number;
}

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const threadCounts = (argument('threads') ?? '1').split(',').map(Number);
if (threadCounts.some((t) => !Number.isInteger(t) || t < 1)) throw new Error('--threads takes a list of positive integers, e.g. 1,2,4');
const maxThreads = Math.max(...threadCounts);
const cases: BenchCase[] = [
  { name: 'proton-150', particle: 'proton', energyMeVPerU: 150, histories: Number(argument('histories-proton') ?? 100_000 * maxThreads) },
  { name: 'proton-150-nuclear', particle: 'proton', energyMeVPerU: 150, histories: Number(argument('histories-proton') ?? 100_000 * maxThreads), nuclear: true },
  { name: 'proton-150-nuc-let', particle: 'proton', energyMeVPerU: 150, histories: Number(argument('histories-proton') ?? 100_000 * maxThreads), nuclear: true, let: true },
  { name: 'carbon-400', particle: 'carbon', energyMeVPerU: 400, histories: Number(argument('histories-carbon') ?? 50_000 * maxThreads) },
  { name: 'carbon-400-fragments', particle: 'carbon', energyMeVPerU: 400, histories: Number(argument('histories-carbon') ?? 50_000 * maxThreads) / 4, nuclear: true },
];
const repeat = Number(argument('repeat') ?? 3);
const records: BenchRecord[] = [];
const diagnostics: { label: string; historiesPerSecond: number; stepsPerSecond: number }[] = [];

// --weak: each thread count runs the same histories per thread (the case's histories at the largest
// thread count, a share of them at fewer), so that pool start-up and the final reduction weigh alike.
const weak = process.argv.includes('--weak') && argument('backend') !== 'webgpu';

async function measure(base: BenchCase, variant: KernelVariant, threads: number): Promise<BenchRecord> {
  const c = weak ? { ...base, histories: Math.round((base.histories * threads) / maxThreads) } : base;
  const nuclear = c.nuclear ?? false;
  const scoring = { let: c.let ?? false };
  const config = { beam: { particle: c.particle, energyMeVPerU: c.energyMeVPerU }, transport: { histories: c.histories, kernel: variant, nuclear }, scoring };
  await simulate({ ...config, transport: { histories: 2000 * threads, kernel: variant, nuclear } }, { threads }); // warm-up
  let best: BenchRecord | null = null;
  for (let r = 0; r < repeat; r++) {
    const { summary, diagnostics } = await simulate(config, { threads });
    const record: BenchRecord = {
      name: c.name, backend: summary.backend, variant, threads, particle: c.particle, energyMeVPerU: c.energyMeVPerU,
      histories: c.histories, historiesPerSecond: summary.historiesPerSecond, stepsPerSecond: summary.stepsPerSecond,
      wallSeconds: summary.wallSeconds, poolStartupMs: diagnostics.poolStartupSeconds === null ? null : diagnostics.poolStartupSeconds * 1000,
      reduceMs: diagnostics.reduceSeconds === null ? null : diagnostics.reduceSeconds * 1000,
      parallelEfficiency: null, r80Mm: summary.r80Mm, energyDepositedMeVPerPrimary: summary.energyDepositedMeVPerPrimary,
    };
    if (!best || record.historiesPerSecond > best.historiesPerSecond) best = record;
  }
  process.stderr.write(`${c.name} ${variant} ${threads} thread(s): ${Math.round(best!.historiesPerSecond)} histories/s\n`);
  return best!;
}

const withScalar = !process.argv.includes('--no-scalar');
const sizes = (list: string) => list.split(',').map(Number);
const gpuSizes = argument('backend') === 'webgpu' ? sizes(argument('gpu-histories') ?? '1e6,1e7,1e8') : null;
// One run tallies at most 2^63 units of 2^-24 MeV per voxel: 1e8 ions of 4.8 GeV do not fit (split them into seeds).
const gpuSizesCarbon = sizes(argument('gpu-histories-carbon') ?? '1e6,1e7,5e7');
if (gpuSizes) {
  const cores = os.availableParallelism();
  for (const c of cases) {
    const nuclear = c.nuclear ?? false;
    const scoring = { let: c.let ?? false };
    for (const histories of c.particle === 'carbon' ? gpuSizesCarbon : gpuSizes) {
      const config = { beam: { particle: c.particle, energyMeVPerU: c.energyMeVPerU }, transport: { histories, nuclear }, scoring };
      await simulate({ ...config, transport: { histories: 10_000, nuclear } }, { backend: 'webgpu' }); // warm-up: pipeline compilation
      const { summary } = await simulate(config, { backend: 'webgpu' });
      records.push({
        name: c.name, backend: summary.adapter ? `webgpu (${summary.adapter})` : 'webgpu', variant: 'simd', threads: 0, particle: c.particle,
        energyMeVPerU: c.energyMeVPerU, histories, historiesPerSecond: summary.historiesPerSecond, stepsPerSecond: summary.stepsPerSecond,
        wallSeconds: summary.wallSeconds, poolStartupMs: null, reduceMs: null, parallelEfficiency: null,
        r80Mm: summary.r80Mm, energyDepositedMeVPerPrimary: summary.energyDepositedMeVPerPrimary,
      });
      process.stderr.write(`${c.name} webgpu ${histories}: ${Math.round(summary.historiesPerSecond)} histories/s\n`);
    }
    records.push(await measure({ ...c, histories: 1_000_000 }, 'simd', cores));
  }
  // What bounds the kernel: the same 10^7-proton job with LET scoring on (its cost), without voxel
  // tallies (the atomics' cost) and with a quarter of the persistent workgroups (sensitivity to occupancy),
  // each with nuclear events off and on.
  const probeHistories = Number(argument('gpu-probe-histories') ?? 1e7);
  const probe = parseConfig({ beam: { particle: 'proton', energyMeVPerU: 150 }, transport: { histories: probeHistories, nuclear: false }, scoring: { let: false } });
  const probeNuclear = parseConfig({ beam: { particle: 'proton', energyMeVPerU: 150 }, transport: { histories: probeHistories, nuclear: true }, scoring: { let: false } });
  const withLet = (c: typeof probe) => parseConfig({ ...c, scoring: { ...c.scoring, let: true } });
  for (const [label, config, tuning] of [
    ['default', probe, {}], ['LET on', withLet(probe), {}], ['LET on, one copy of its sums', withLet(probe), { letCopies: 1 }],
    ['nuclear on, LET on', withLet(probeNuclear), {}],
    ['no voxel tallies', probe, { scoreDeposits: false }], ['1024 workgroups', probe, { maxWorkgroups: 1024 }],
    ['nuclear on', probeNuclear, {}], ['nuclear on, no voxel tallies', probeNuclear, { scoreDeposits: false }],
    ['nuclear on, 1024 workgroups', probeNuclear, { maxWorkgroups: 1024 }],
  ] as const) {
    const tallies = await runWebGpu(config, { tuning });
    diagnostics.push({ label, historiesPerSecond: tallies.histories / tallies.wallSeconds, stepsPerSecond: Number(tallies.counters.steps) / tallies.wallSeconds });
  }
} else {
  for (const c of cases) {
    if (withScalar) records.push(await measure(c, 'scalar', 1));
    for (const threads of [...new Set([1, ...threadCounts])].sort((a, b) => a - b)) records.push(await measure(c, 'simd', threads));
  }
}
for (const r of records) {
  const single = records.find((s) => s.name === r.name && s.variant === r.variant && s.threads === 1 && s.backend === 'wasm');
  if (single && r.backend === 'wasm') r.parallelEfficiency = r.historiesPerSecond / single.historiesPerSecond / r.threads;
}

const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.availableParallelism(), memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  platform: `${os.platform()} ${os.release()}`, node: process.version, date: new Date().toISOString(),
};
const lines = gpuSizes
  ? ['case               backend                       histories   histories/s   M steps/s   vs WASM (all cores)   R80 (mm)   MeV/primary']
  : ['case               variant  threads  histories/s   M steps/s  vs scalar  efficiency  pool start (ms)  reduce (ms)'];
for (const r of gpuSizes ? records : []) {
  const cpu = records.find((s) => s.name === r.name && s.backend === 'wasm')!;
  lines.push([
    r.name.padEnd(18), (r.backend === 'wasm' ? `wasm ${r.threads} threads` : 'webgpu').padEnd(28), r.histories.toExponential(0).padStart(10),
    Math.round(r.historiesPerSecond).toString().padStart(13), (r.stepsPerSecond / 1e6).toFixed(0).padStart(11),
    (r.backend === 'wasm' ? '' : `${(r.historiesPerSecond / cpu.historiesPerSecond).toFixed(1)}x`).padStart(20),
    (r.r80Mm?.toFixed(2) ?? '-').padStart(10), r.energyDepositedMeVPerPrimary.toFixed(2).padStart(13),
  ].join(' '));
}
for (const r of gpuSizes ? [] : records) {
  const scalar = records.find((s) => s.name === r.name && s.variant === 'scalar');
  const ratio = scalar && r.variant === 'simd' && r.threads === 1 ? `${(r.historiesPerSecond / scalar.historiesPerSecond).toFixed(2)}x` : '';
  lines.push([
    r.name.padEnd(18), r.variant.padEnd(8), String(r.threads).padStart(7), Math.round(r.historiesPerSecond).toString().padStart(12),
    (r.stepsPerSecond / 1e6).toFixed(2).padStart(11), ratio.padStart(10), `${(100 * (r.parallelEfficiency ?? 0)).toFixed(1)}%`.padStart(11),
    (r.poolStartupMs === null ? '' : r.poolStartupMs.toFixed(0)).padStart(16),
    (r.reduceMs === null ? '' : r.reduceMs.toFixed(0)).padStart(12),
  ].join(' '));
}
const out = argument('out') ?? fileURLToPath(new URL('../../bench/results/latest.json', import.meta.url));
mkdirSync(dirname(out), { recursive: true });
for (const d of diagnostics) lines.push(`proton-150 probe, ${d.label.padEnd(30)} ${Math.round(d.historiesPerSecond).toString().padStart(12)} histories/s ${(d.stepsPerSecond / 1e6).toFixed(0).padStart(7)} M steps/s`);
writeFileSync(out, JSON.stringify({ machine, repeat, threadCounts, records, diagnostics }, null, 2) + '\n');
console.log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${machine.node}`);
console.log(lines.join('\n'));
