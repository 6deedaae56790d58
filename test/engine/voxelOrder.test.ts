import { describe, expect, it } from 'vitest';
import { toKernelOrder, fromKernelOrder, bigIntsFromKernelOrder } from '../../src/engine/voxelOrder.js';

describe('kernel voxel order (z fastest)', () => {
  const [nx, ny, nz] = [3, 2, 5];
  const standard = Int32Array.from({ length: nx * ny * nz }, (_, v) => v);
  it('puts voxel (ix, iy, iz) at (ix ny + iy) nz + iz and back', () => {
    const kernel = new Int32Array(standard.length);
    toKernelOrder(standard, kernel, nx, ny, nz);
    expect(kernel[(2 * ny + 1) * nz + 4]).toBe((4 * ny + 1) * nx + 2);
    const back = new Int32Array(standard.length);
    fromKernelOrder(kernel, back, nx, ny, nz);
    expect(back).toEqual(standard);
  });
  it('moves whole voxels of 64-bit fields, beyond 2^53 exactly', () => {
    const fields = 3;
    const kernel = BigInt64Array.from({ length: nx * ny * nz * fields }, (_, i) => -(2n ** 62n) + BigInt(i));
    const out = bigIntsFromKernelOrder(kernel, nx, ny, nz, fields);
    const v = (1 * ny + 0) * nz + 3;
    expect([...out.subarray(((3 * ny + 0) * nx + 1) * fields, ((3 * ny + 0) * nx + 2) * fields)]).toEqual([...kernel.subarray(v * fields, (v + 1) * fields)]);
  });
  it('refuses arrays of the wrong size', () => {
    expect(() => toKernelOrder(standard, new Int32Array(5), nx, ny, nz)).toThrow(/needs 30/);
  });
});
