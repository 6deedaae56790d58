import { afterAll, beforeAll } from 'vitest';
import { requestGpuDevice, type GpuDevice } from '../../src/gpu/device.js';

/**
 * A WebGPU device for the tests of one file (Mesa lavapipe on the CPU machines,
 * installed by .ci/run), destroyed after them. Fails, never skips, without an adapter.
 */
export function useGpuDevice(): () => GpuDevice {
  let gpu: GpuDevice | undefined;
  beforeAll(async () => {
    const found = await requestGpuDevice();
    if (!found) throw new Error('no WebGPU adapter: install Mesa lavapipe (see .ci/run)');
    gpu = found;
  });
  afterAll(() => gpu?.device.destroy());
  return () => gpu!;
}
