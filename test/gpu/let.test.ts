// LET on WebGPU (shaders/transport.wgsl, the definition of assembly/letTally.ts: README,
// Physics: LET): the same sums in the same fixed-point units, held to the WASM kernel within
// statistics (independent seeds); the dose is the same bit for bit with LET on or off; a grid
// whose LET buffer is beyond the GPU's storage-binding limit runs without LET, with a warning.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/index.js';
import { runOutputFiles } from '../../src/io/runOutputs.js';
import { useGpuDevice } from '../helpers/gpu.js';
import { parseConfig } from '../../src/config/schema.js';
import { runWebGpu } from '../../src/gpu/gpuEngine.js';

const gpu = useGpuDevice();

/** Mean of a per-slice array over 5 mm blocks from the entrance to `endMm`. */
function blocks(values: Float64Array, depthMm: Float64Array, endMm: number): number[] {
  const out: number[] = [];
  for (let start = 0; start + 5 <= endMm; start += 5) {
    let sum = 0, n = 0;
    depthMm.forEach((d, i) => { if (d >= start && d < start + 5) { sum += values[i]!; n++; } });
    out.push(sum / n);
  }
  return out;
}

describe('LET on WebGPU', () => {
  const config = (seed: number, histories = 20_000) => ({
    // Nuclear events off: the LET of secondary protons, a few high-LET steps per history, makes 5 mm
    // blocks too noisy at these sizes to hold the two backends' scoring to each other within 1 %.
    beam: { energyMeVPerU: 150 }, phantom: { sizeMm: [20, 20, 180] as [number, number, number] }, transport: { histories, seed, nuclear: false }, scoring: { let: true },
  });

  it('LETd and LETt in water agree with the WASM kernel within statistics (150 MeV protons, independent seeds)', async () => {
    const onGpu = await simulate(config(11), { backend: 'webgpu' });
    const onCpu = await simulate(config(12), { threads: 1 });
    expect(onGpu.summary.backend).toBe('webgpu');
    expect(onGpu.let).not.toBeNull();
    const gpuLet = onGpu.let!, cpuLet = onCpu.let!;
    const end = onCpu.summary.r80Mm! - 5;
    const dGpu = blocks(gpuLet.depthDWaterKeVPerUm, onGpu.depthDose.depthMm, end);
    const dCpu = blocks(cpuLet.depthDWaterKeVPerUm, onCpu.depthDose.depthMm, end);
    const dWorst = Math.max(...dGpu.map((g, b) => Math.abs(g / dCpu[b]! - 1)));
    // LETt of the voxel column at the beam axis (nx = ny = 10), per 5 mm block
    const { nx, ny } = { nx: 10, ny: 10 };
    const axisT = (t: Float64Array, depthMm: Float64Array) => Float64Array.from(depthMm, (_, iz) => t[(iz * ny + ny / 2) * nx + nx / 2]!);
    const tGpu = blocks(axisT(gpuLet.tWaterKeVPerUm, onGpu.depthDose.depthMm), onGpu.depthDose.depthMm, end);
    const tCpu = blocks(axisT(cpuLet.tWaterKeVPerUm, onCpu.depthDose.depthMm), onCpu.depthDose.depthMm, end);
    const tWorst = Math.max(...tGpu.map((g, b) => Math.abs(g / tCpu[b]! - 1)));
    console.log(`slice LETd: entrance ${dGpu[0]!.toFixed(4)} / ${dCpu[0]!.toFixed(4)}, last block ${dGpu.at(-1)!.toFixed(3)} / ${dCpu.at(-1)!.toFixed(3)} keV/um (GPU / WASM); `
      + `worst block ${(100 * dWorst).toFixed(2)} % (LETd), ${(100 * tWorst).toFixed(2)} % (axis LETt), ${dGpu.length} blocks`);
    // seeds apart: the LETd of 5 mm blocks differs by 0.2 % at most (measured), LETt likewise
    expect(dGpu.length).toBeGreaterThan(25);
    expect(dWorst).toBeLessThan(0.01);
    expect(tWorst).toBeLessThan(0.01);
    expect(Math.abs(gpuLet.dPrimariesWaterKeVPerUm[55]! / cpuLet.dPrimariesWaterKeVPerUm[55]! - 1)).toBeLessThan(0.02);
    expect(onGpu.summary.let!.entranceDWaterKeVPerUm).toBeCloseTo(onCpu.summary.let!.entranceDWaterKeVPerUm, 1);
    expect(runOutputFiles(onGpu).map((f) => f.name)).toEqual(expect.arrayContaining(['let_d.npy', 'let_t.npy', 'let_d_primaries.npy']));
  });

  it('gives the same LET sums bit for bit with one copy of them and with eight (workgroups take the copies in turn)', async () => {
    const c = parseConfig(config(5, 3000));
    const one = await runWebGpu(c, { gpu: gpu(), tuning: { letCopies: 1 } });
    const eight = await runWebGpu(c, { gpu: gpu(), tuning: { letCopies: 8 } });
    expect(one.letSum!.some((v) => v !== 0n)).toBe(true);
    expect(Buffer.from(eight.letSum!.buffer).equals(Buffer.from(one.letSum!.buffer))).toBe(true);
    expect(eight.energySum).toEqual(one.energySum);
  });

  it('leaves the dose unchanged: LET on and off give the same dose bit for bit', async () => {
    const on = await simulate(config(3, 2000), { backend: 'webgpu' });
    const off = await simulate({ ...config(3, 2000), scoring: { let: false } }, { backend: 'webgpu' });
    expect(on.let).not.toBeNull();
    expect(off.let).toBeNull();
    expect(on.dose).toEqual(off.dose);
  });

  it('runs without LET, with a warning, where the LET buffer is beyond the storage-binding limit', async () => {
    const limit = Math.min(gpu().limits.maxStorageBufferBindingSize, gpu().limits.maxBufferSize);
    // 64 bytes of LET sums per voxel; 1 x 1 x 1 mm voxels, 200 mm deep
    const side = Math.ceil(Math.sqrt(limit / 64 / 200)) + 2;
    if (8 * side * side * 200 > limit) return; // the dose grid itself would not fit: nothing to show here
    const r = await simulate({ beam: { energyMeVPerU: 100 }, phantom: { sizeMm: [side, side, 200], voxelSizeMm: [1, 1, 1] }, transport: { histories: 200 }, scoring: { let: true } },
      { backend: 'webgpu' });
    expect(r.summary.backend).toBe('webgpu');
    expect(r.let).toBeNull();
    expect(r.warnings.join('\n')).toContain('LET not scored on WebGPU');
  });
});
