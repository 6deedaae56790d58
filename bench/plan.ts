/**
 * Benchmark of a treatment plan on a CT (issue 12): three fields (gantry 0, 90 and 270 degrees)
 * of 25 spots each (5 x 5, 8 mm apart, two energy layers of 120 and 140 MeV) on a synthetic
 * 256 x 256 x 160 CT of 1 x 1 x 1.25 mm (a water cylinder of 180 mm diameter with a bone rod, in air;
 * MCsquare's default calibration), nuclear events and LET on, as `bragg run` does.
 *
 *   node dist/bench/plan.js [--histories 1e7] [--threads 1,2] [--backend wasm|webgpu] [--out FILE]
 *
 * Prints histories/s and seconds per thread count (and for WebGPU) and the memory the run planned.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { simulate } from '../src/index.js';
import { parseConfig } from '../src/config/schema.js';
import { ctPhantom } from '../src/geometry/ctPhantom.js';
import { MCSQUARE_DEFAULT_CALIBRATION } from '../src/geometry/huCalibration.js';
import { planMemory } from '../src/engine/memoryPlan.js';
import { LET_FIELDS } from '../src/engine/layout.js';

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const [nx, ny, nz] = [256, 256, 160];
const spacing = [1, 1, 1.25] as const;
const hu = new Int16Array(nx * ny * nz);
for (let iz = 0; iz < nz; iz++) for (let iy = 0; iy < ny; iy++) for (let ix = 0; ix < nx; ix++) {
  const x = ix - nx / 2 + 0.5, y = iy - ny / 2 + 0.5;
  const r = Math.hypot(x, y);
  hu[(iz * ny + iy) * nx + ix] = r < 90 ? (Math.hypot(x - 30, y) < 12 ? 1200 : 20) : -1000;
}
const ct = ctPhantom({
  dimSize: [nx, ny, nz], spacingMm: spacing, offsetMm: [-127.5, -127.5, -99.375], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], elementType: 'MET_SHORT', voxels: hu,
}, MCSQUARE_DEFAULT_CALIBRATION, 'synthetic CT');
const spots = (weight: number) => Array.from({ length: 25 }, (_, k) => [-16 + 8 * (k % 5), -16 + 8 * Math.floor(k / 5), weight] as [number, number, number]);
const field = (gantryAngleDeg: number) => ({
  gantryAngleDeg, isocenterMm: [0, 0, 0] as [number, number, number], sourceAxisDistanceMm: 2000,
  layers: [{ energyMeVPerU: 120, spotSigmaMm: 4, spots: spots(1) }, { energyMeVPerU: 140, spotSigmaMm: 4, spots: spots(2) }],
});
const histories = Number(argument('histories') ?? 1e7);
const raw = { plan: { fields: [field(0), field(90), field(270)] }, transport: { histories }, phantom: { ct: { file: 'synthetic' } } };
const config = { ...parseConfig(raw), phantom: { ...parseConfig(raw).phantom, voxels: ct } };
const voxels = nx * ny * nz;
const backend = argument('backend') ?? 'wasm';
const threadCounts = (argument('threads') ?? '1,2').split(',').map(Number);
const rows: { backend: string; threads: number; histories: number; seconds: number; historiesPerSecond: number; energyDepositedMeVPerPrimary: number }[] = [];
for (const threads of backend === 'webgpu' ? [0] : threadCounts) {
  const { summary } = await simulate(config, backend === 'webgpu' ? { backend: 'webgpu' } : { threads });
  rows.push({ backend: summary.backend, threads: summary.threads, histories, seconds: summary.wallSeconds, historiesPerSecond: summary.historiesPerSecond, energyDepositedMeVPerPrimary: summary.energyDepositedMeVPerPrimary });
  process.stderr.write(`${summary.backend} ${summary.threads} thread(s): ${summary.wallSeconds.toFixed(1)} s\n`);
}
// Memory: what one more worker costs, and the whole plan for 16 workers, for this grid and for 512 x 512 x 300.
const perWorker = (n: number) => planMemory({ voxels: n, nz: 300, tableBytes: 0, workers: 2, scoreLet: true }).totalBytes - planMemory({ voxels: n, nz: 300, tableBytes: 0, workers: 1, scoreLet: true }).totalBytes;
// (the large grid exceeds wasm32 memory, so it is scaled from this one's bytes per voxel)
const bytesPerVoxel = perWorker(voxels) / voxels;
const memory = {
  ctVoxels: voxels, bytesPerWorker: perWorker(voxels), letBytesPerWorker: 8 * LET_FIELDS.length * voxels, bytesPerVoxelPerWorker: bytesPerVoxel,
  large512x512x300: { voxels: 512 * 512 * 300, bytesPerWorker: bytesPerVoxel * 512 * 512 * 300 },
};
const machine = { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.availableParallelism(), node: process.version, date: new Date().toISOString() };
const out = argument('out');
if (out) writeFileSync(out, JSON.stringify({ machine, rows, memory }, null, 2) + '\n');
console.log(`machine: ${machine.cpu}, ${machine.cores} cores; CT ${nx} x ${ny} x ${nz} (${(voxels / 1e6).toFixed(1)} M voxels), 3 fields x 25 spots x 2 layers`);
console.log('backend        threads   histories   seconds   histories/s   MeV/primary');
for (const r of rows) console.log([r.backend.padEnd(14), String(r.threads).padStart(7), r.histories.toExponential(0).padStart(11), r.seconds.toFixed(1).padStart(9), Math.round(r.historiesPerSecond).toString().padStart(13), r.energyDepositedMeVPerPrimary.toFixed(2).padStart(13)].join(' '));
console.log(`memory per worker (dose, squares, scratch, LET): ${(memory.bytesPerWorker / 2 ** 20).toFixed(0)} MiB on this CT; ${(memory.large512x512x300.bytesPerWorker / 2 ** 30).toFixed(2)} GiB on 512 x 512 x 300 (wasm32: 4 GiB in all)`);
process.exit(0);
