// Primaries entering each depth slab on WebGPU (transport.wgsl: enterSlab): counted in workgroup
// memory for the first GROUP_SLABS slabs and added to the global counters at the end, the deeper
// slabs at once. Where that boundary lies must not change a single count.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.js';
import { runWebGpu } from '../../src/gpu/gpuEngine.js';
import { useGpuDevice } from '../helpers/gpu.js';

const gpu = useGpuDevice();

describe('WebGPU slab counts', () => {
  it('are the same whether a slab is counted in workgroup memory or in global memory', async () => {
    const config = parseConfig({
      beam: { particle: 'proton', energyMeVPerU: 100 },
      phantom: { sizeMm: [40, 40, 100], voxelSizeMm: [2, 2, 1] },
      transport: { histories: 400, seed: 11, nuclear: true },
    });
    const all = await runWebGpu(config, { gpu: gpu() });
    const few = await runWebGpu(config, { gpu: gpu(), tuning: { groupSlabs: 7 } });
    expect(all.slabPrimaries.length).toBe(100);
    // every primary enters slab 0; nuclear events remove some before the Bragg peak (~77 mm)
    expect(all.slabPrimaries[0]).toBe(400n);
    expect(Number(all.slabPrimaries[60])).toBeLessThan(400);
    expect(Number(all.slabPrimaries[60])).toBeGreaterThan(300);
    expect([...few.slabPrimaries]).toEqual([...all.slabPrimaries]);
  });
});
