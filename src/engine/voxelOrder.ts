// The Monte Carlo kernels' voxel order. Results and phantoms are [nz, ny, nx]
// (x fastest: NumPy's C order of the outputs); the WASM kernels index their
// material, density and tally arrays with z fastest, (ix ny + iy) nz + iz
// (assembly/laneState.ts: voxelIndex), because tracks run along the beam: a
// history's successive voxel visits are then neighbours in memory, on the same
// cache lines and pages, where x-fastest puts them nx ny entries apart (160 KiB
// of LET sums per millimetre in the default phantom). Measured on the 2-core
// VM, one SIMD thread, 150 MeV protons, nuclear and LET on: +6.5 % histories/s.
// The WebGPU kernel keeps x fastest (neighbouring invocations' histories are
// neighbours in x and y at one depth), so only the WASM engine converts.

type Words = Uint8Array | Int32Array;

/**
 * Copies `from` (x fastest) into `to` (z fastest), `width` array elements per voxel.
 * Both arrays must hold nx * ny * nz * width elements.
 */
export function toKernelOrder<T extends Words | Float32Array>(from: T, to: T, nx: number, ny: number, nz: number, width = 1): void {
  permute(from, to, nx, ny, nz, width, true);
}

/** The inverse of toKernelOrder: z-fastest `from` to x-fastest `to`. */
export function fromKernelOrder<T extends Words | Float32Array>(from: T, to: T, nx: number, ny: number, nz: number, width = 1): void {
  permute(from, to, nx, ny, nz, width, false);
}

function permute(from: ArrayLike<number>, to: { [i: number]: number }, nx: number, ny: number, nz: number, width: number, toKernel: boolean): void {
  const expected = nx * ny * nz * width;
  if (from.length !== expected || (to as ArrayLike<number>).length !== expected) {
    throw new RangeError(`voxel arrays have ${from.length} and ${(to as ArrayLike<number>).length} elements, [${nz}, ${ny}, ${nx}] x ${width} needs ${expected}`);
  }
  // Blocks of BLOCK depths: each (x, y) column's block is one contiguous run
  // of the z-fastest array, and the block's x rows stay few enough pages that
  // neither side's accesses miss the TLB on every voxel.
  const BLOCK = 16;
  for (let iz0 = 0; iz0 < nz; iz0 += BLOCK) {
    const iz1 = Math.min(nz, iz0 + BLOCK);
    for (let iy = 0; iy < ny; iy++) {
      for (let ix = 0; ix < nx; ix++) {
        let kernel = ((ix * ny + iy) * nz + iz0) * width;
        let standard = ((iz0 * ny + iy) * nx + ix) * width;
        for (let iz = iz0; iz < iz1; iz++, kernel += width, standard += nx * ny * width) {
          if (toKernel) for (let k = 0; k < width; k++) to[kernel + k] = from[standard + k]!;
          else for (let k = 0; k < width; k++) to[standard + k] = from[kernel + k]!;
        }
      }
    }
  }
}

/** A copy, in x-fastest order, of a z-fastest 64-bit integer array with `fields` values per voxel. */
export function bigIntsFromKernelOrder<T extends BigInt64Array | BigUint64Array>(from: T, nx: number, ny: number, nz: number, fields = 1): T {
  const to = new (from.constructor as { new (n: number): T })(from.length);
  // Through 32-bit words: two per value, no BigInt per element.
  fromKernelOrder(new Int32Array(from.buffer, from.byteOffset, 2 * from.length), new Int32Array(to.buffer), nx, ny, nz, 2 * fields);
  return to;
}
