/**
 * Benchmark of the deterministic solver on the seeds' grid (Nx = 40, Nz = 40,
 * Ntheta = 72, Ne = 200: 23 M bins): seconds per step and bins per second,
 * scalar and SIMD on one thread, then SIMD on each thread count, and WebGPU
 * where an adapter exists, all in one run.
 *
 *   node dist/bench/deterministic.js [--threads 1,2] [--steps 6] [--webgpu] [--gpu-runs 5] [--gpu-warmup 2] [--out FILE]
 *
 * Two cases: 'dense' fills every bin and steps over the whole grid (the worst
 * case, and what the seed's Python solver did every step: 3.21 s), timed warm
 * (the difference of a 1-step and an N-step run); 'beam' is a
 * real run, 150 MeV protons entering the 40 x 40 mm grid, where the solver
 * visits only the bins that hold particles (its summary's bins/s counts those);
 * 'nuclear' the same run with transport.nuclear on, whose secondary protons
 * keep every energy bin below the beam's in the window (README.md, "Nuclear
 * events"), and the nuclear pass runs in every step.
 * WebGPU's dense step: after a warm-up of --gpu-warmup seconds of dense steps
 * back to back (an idle GPU starts at low clocks), --gpu-runs timed runs of
 * max(--steps, 50) steps; its row is their median, and every run (warm-up
 * included) is listed with its wall time and its GPU time (timestamp queries)
 * per step, then each kernel of the step timed alone; where `nvidia-smi`
 * exists, the GPU's clocks and load before the warm-up and after the timed runs.
 * Prints a table and writes bench/results/deterministic-latest.json (or FILE).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { parseConfig } from '../src/config/schema.js';
import { runDeterministic, type DeterministicTallies } from '../src/deterministic/solver.js';
import type { KernelVariant } from '../src/engine/kernel.js';

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const threadCounts = (argument('threads') ?? '1,2').split(',').map(Number);
const denseSteps = Number(argument('steps') ?? 6);
const seedsInput = {
  solver: 'deterministic', beam: { particle: 'proton', energyMeVPerU: 150 },
  phantom: { sizeMm: [40, 40, 40], voxelSizeMm: [1, 1, 1] }, deterministic: { energyBins: 200, angleBins: 72 },
} as const;
const seedsGrid = parseConfig({ ...seedsInput, transport: { nuclear: false } });
const seedsGridNuclear = parseConfig({ ...seedsInput, transport: { nuclear: true } });
const bins = 200 * 72 * 40 * 40;

interface Row { case: string; backend: string; threads: number; steps: number; secondsPerStep: number; binsPerSecond: number }
const rows: Row[] = [];
const record = (name: string, backend: string, threads: number, t: Pick<DeterministicTallies, 'steps' | 'transportSeconds' | 'binsVisited'>) => {
  // bins/s: the grid's bins once per step, as the seed counted them (dense), or the bins the operators visited / 5 (beam)
  const binsPerStep = name === 'dense' ? bins : t.binsVisited / 5 / t.steps;
  rows.push({ case: name, backend, threads, steps: t.steps, secondsPerStep: t.transportSeconds / t.steps, binsPerSecond: (binsPerStep * t.steps) / t.transportSeconds });
  process.stderr.write(`${name} ${backend} ${threads}: ${(t.transportSeconds / t.steps).toFixed(4)} s/step\n`);
};

const cpuRuns: [KernelVariant, number][] = [['scalar', 1], ...[...new Set([1, ...threadCounts])].map((n) => ['simd', n] as [KernelVariant, number])];
for (const [variant, threads] of cpuRuns) {
  // Dense: the warm cost of a step, from a 1-step and an N-step run, so that starting the
  // worker pool and first touching the 2 x 184 MB of psi drop out of the difference.
  const one = await runDeterministic(seedsGrid, { denseSteps: 1, variant, threads });
  const many = await runDeterministic(seedsGrid, { denseSteps, variant, threads });
  record('dense', `wasm ${variant}`, threads, { steps: denseSteps - 1, transportSeconds: many.transportSeconds - one.transportSeconds, binsVisited: many.binsVisited - one.binsVisited });
  record('beam', `wasm ${variant}`, threads, await runDeterministic(seedsGrid, { variant, threads }));
  record('nuclear', `wasm ${variant}`, threads, await runDeterministic(seedsGridNuclear, { variant, threads }));
}
/** The NVIDIA GPU's state (clocks, power, load, what holds its clocks down), or null without nvidia-smi. */
function nvidiaState(): string | null {
  const fields = 'clocks.sm,clocks.max.sm,pstate,power.draw,utilization.gpu,clocks_throttle_reasons.active';
  try {
    return `${fields}: ${execFileSync('nvidia-smi', [`--query-gpu=${fields}`, '--format=csv,noheader'], { encoding: 'utf8', timeout: 10_000 }).trim()}`;
  } catch {
    return null;
  }
}

type DenseStepBenchmark = import('../src/deterministic/gpuSolver.js').DenseStepBenchmark;
let webgpuDense: { steps: number; step: DenseStepBenchmark; kernels: Record<string, DenseStepBenchmark>; nvidia: { before: string | null; after: string | null }; sweep?: unknown[] } | null = null;
if (process.argv.includes('--webgpu')) {
  const { runDeterministicWebGpu, benchmarkDenseSteps, STEP_KERNELS } = await import('../src/deterministic/gpuSolver.js');
  const { nuclearTablesFor } = await import('../src/deterministic/nuclearTables.js');
  const { prepareSolverTables } = await import('../src/deterministic/solverTables.js');
  const { requestGpuDevice } = await import('../src/gpu/device.js');
  const gpu = await requestGpuDevice();
  if (!gpu) throw new Error('--webgpu: no WebGPU adapter');
  const tables = prepareSolverTables(seedsGrid);
  const steps = Math.max(denseSteps, 50);
  const before = nvidiaState();
  const step = await benchmarkDenseSteps(tables, { steps, runs: Number(argument('gpu-runs') ?? 5), warmupSeconds: Number(argument('gpu-warmup') ?? 2), gpu });
  record('dense', 'webgpu', 0, { steps, transportSeconds: step.wallSecondsPerStep * steps, binsVisited: 5 * bins * steps });
  const after = nvidiaState();
  const kernels: Record<string, DenseStepBenchmark> = {};
  for (const kernel of STEP_KERNELS) kernels[kernel] = await benchmarkDenseSteps(tables, { steps, runs: 3, warmupSeconds: 0.2, only: [kernel], gpu });
  // --gpu-sweep: the dense step for each workgroup shape (rows of nTheta threads a workgroup, rows a
  // thread, persistent workgroups), median of five runs each, to choose the defaults (gpuTables.ts)
  const sweep: { rowsPerGroup: number; unroll: number; maxRowGroups: number; wallMs: number; gpuMs: number | null }[] = [];
  if (process.argv.includes('--gpu-sweep')) {
    for (const rowsPerGroup of [2, 3]) for (const unroll of [1, 2] as const) for (const maxRowGroups of [4096, 16384, 65536, 2 ** 20]) {
      const b = await benchmarkDenseSteps(tables, { steps, runs: 5, warmupSeconds: 0.5, gpu, tuning: { rowsPerGroup, unroll, maxRowGroups } });
      sweep.push({ rowsPerGroup, unroll, maxRowGroups, wallMs: 1000 * b.wallSecondsPerStep, gpuMs: b.gpuSecondsPerStep === null ? null : 1000 * b.gpuSecondsPerStep });
      process.stderr.write(`sweep rows ${rowsPerGroup} unroll ${unroll} groups ${maxRowGroups}: ${(1000 * b.wallSecondsPerStep).toFixed(3)} ms wall\n`);
    }
  }
  webgpuDense = { steps, step, kernels, nvidia: { before, after }, ...(sweep.length ? { sweep } : {}) };
  await runDeterministicWebGpu(tables, { gpu });
  record('beam', 'webgpu', 0, await runDeterministicWebGpu(tables, { gpu }));
  const nuclearTables = prepareSolverTables(seedsGridNuclear);
  const nuclear = (await nuclearTablesFor(seedsGridNuclear, nuclearTables.grid))!;
  await runDeterministicWebGpu(nuclearTables, { gpu, nuclear });
  record('nuclear', 'webgpu', 0, await runDeterministicWebGpu(nuclearTables, { gpu, nuclear }));
  gpu.device.destroy();
}

const machine = { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.availableParallelism(), node: process.version, date: new Date().toISOString() };
const out = argument('out') ?? fileURLToPath(new URL('../../bench/results/deterministic-latest.json', import.meta.url));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ machine, grid: { ne: 200, nTheta: 72, nz: 40, nx: 40, bins }, denseSteps, rows, webgpuDense }, null, 2) + '\n');
// The GPU's floor: its step makes three passes over psi (loseEnergy+scatter, streamX, streamZ+scatter:
// src/deterministic/gpuSolver.ts), each reading and writing it once in f32; bytes per step / 3.9 TB/s.
const floorMs = (3 * 2 * 4 * bins) / 3.9e12 * 1e3;
console.log(`machine: ${machine.cpu}, ${machine.cores} cores, node ${machine.node}; grid 200 x 72 x 40 x 40 = ${bins} bins`);
console.log('case    backend        threads   steps   s/step      M bins/s');
for (const r of rows) {
  console.log([r.case.padEnd(7), r.backend.padEnd(14), String(r.threads).padStart(7), String(r.steps).padStart(7),
    r.secondsPerStep.toFixed(5).padStart(9), (r.binsPerSecond / 1e6).toFixed(1).padStart(12)].join(' '));
}
console.log(`WebGPU bandwidth floor (3 passes x read+write x 4 B x ${bins} bins / 3.9 TB/s): ${floorMs.toFixed(3)} ms per step`);
if (webgpuDense) {
  const { steps, step, kernels, nvidia } = webgpuDense;
  const ms = (seconds: number | null) => (seconds === null ? '-' : (seconds * 1e3).toFixed(3));
  console.log(`WebGPU dense step (${steps} steps a run), ms per step, wall / GPU (timestamp queries):`);
  console.log(`  warm-up (${step.warmup.length} runs back to back; s since start: wall / GPU): ${step.warmup.map((r) => `${r.atSeconds.toFixed(2)}: ${ms(r.wallSecondsPerStep)} / ${ms(r.gpuSecondsPerStep)}`).join(', ')}`);
  console.log(`  runs: ${step.runs.map((r) => `${ms(r.wallSecondsPerStep)} / ${ms(r.gpuSecondsPerStep)}`).join(', ')}`);
  console.log(`  median of ${step.runs.length}: ${ms(step.wallSecondsPerStep)} / ${ms(step.gpuSecondsPerStep)}`);
  console.log(`  kernels alone (median of 3): ${Object.entries(kernels).map(([k, b]) => `${k} ${ms(b.wallSecondsPerStep)} / ${ms(b.gpuSecondsPerStep)}`).join(', ')}`);
  if (nvidia.before !== null) console.log(`  nvidia-smi before the warm-up: ${nvidia.before}\n  nvidia-smi after the timed runs: ${nvidia.after}`);
}
