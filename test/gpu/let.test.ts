// LET on WebGPU: the WGSL kernel does not score LET yet (README, Physics: LET). Until it does,
// a WebGPU run says so plainly: result.let is null, summary.json has no `let`, and no LET files
// are written; the same config on WASM scores it. (What is left: LET sums in transport.wgsl,
// as 64-bit fixed point in atomic<u32> pairs like the dose, held to WASM within statistics.)
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/index.js';
import { runOutputFiles } from '../../src/io/runOutputs.js';
import { useGpuDevice } from '../helpers/gpu.js';

useGpuDevice();

describe('LET on WebGPU', () => {
  it('is absent (null) on WebGPU, present on WASM for the same config, and the dose is unaffected', async () => {
    const config = { beam: { energyMeVPerU: 80 }, phantom: { sizeMm: [20, 20, 60] as [number, number, number] }, transport: { histories: 1000, seed: 2 } };
    const onGpu = await simulate(config, { backend: 'webgpu' });
    expect(onGpu.summary.backend).toBe('webgpu');
    expect(onGpu.let).toBeNull();
    expect(onGpu.summary.let).toBeUndefined();
    const names = runOutputFiles(onGpu).map((f) => f.name);
    expect(names).not.toContain('let_d.npy');
    expect(runOutputFiles(onGpu).find((f) => f.name === 'depth_dose.csv')!.contents).not.toContain('let_d');
    const onCpu = await simulate(config, { threads: 1 });
    expect(onCpu.let).not.toBeNull();
    expect(runOutputFiles(onCpu).map((f) => f.name)).toEqual(expect.arrayContaining(['let_d.npy', 'let_t.npy', 'let_d_primaries.npy']));
    expect(onCpu.summary.let!.entranceDWaterKeVPerUm).toBeGreaterThan(0.8);
    expect(onCpu.summary.let!.peakDWaterKeVPerUm).toBeGreaterThan(onCpu.summary.let!.entranceDWaterKeVPerUm);
  });
});
