/**
 * Density and material maps of a run's grid, for density.npy and
 * material.npy: the Monte Carlo's whole phantom [nz, ny, nx], or, for the
 * deterministic solver's [nz, 1, nx], the row of voxels it takes its
 * materials from (iy = floor(ny / 2), as src/deterministic/grid.ts).
 */
import type { ResolvedConfig } from '../config/schema.js';
import type { MaterialId } from '../physics/index.js';
import { buildPhantom } from '../geometry/phantom.js';
import { resolvePhysics } from './monteCarlo.js';

export interface PhantomMaps {
  /** Mass density (g/cm^3) per voxel, gridShape order [nz, ny, nx]: float32, as the kernels transport it. */
  readonly densityGPerCm3: Float32Array;
  /** Index into materialIds per voxel. */
  readonly materialIndex: Uint8Array;
  readonly materialIds: readonly MaterialId[];
}

export function phantomMaps(config: ResolvedConfig, gridShape: readonly [number, number, number]): PhantomMaps {
  const { material } = resolvePhysics(config);
  const phantom = buildPhantom(config, (id) => material(id).densityGPerCm3);
  const { nx, ny, nz } = phantom;
  if (gridShape[1] === ny) {
    return { densityGPerCm3: phantom.densityGPerCm3, materialIndex: phantom.materialIndex, materialIds: phantom.materials };
  }
  const iy = Math.floor(ny / 2);
  const densityGPerCm3 = new Float32Array(nz * nx);
  const materialIndex = new Uint8Array(nz * nx);
  for (let z = 0; z < nz; z++) {
    for (let x = 0; x < nx; x++) {
      const v = (z * ny + iy) * nx + x;
      densityGPerCm3[z * nx + x] = phantom.densityGPerCm3[v]!;
      materialIndex[z * nx + x] = phantom.materialIndex[v]!;
    }
  }
  return { densityGPerCm3, materialIndex, materialIds: phantom.materials };
}
